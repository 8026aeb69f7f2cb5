/*
 * gitcmd.c - helpers of the git commands (see gitcmd.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "gitcmd.h"
#include "hook-run/config.h"

int hr_cli_repo_open(hr_repo **out, const char *start_dir)
{
	char err[1024] = "";
	int rc = hr_repo_open(out, start_dir, err, sizeof(err));
	if (rc == 0)
		return 0;
	hr_cli_error("%s", err[0] ? err : hr_error_str(rc));
	return rc == HR_ENOTFOUND || rc == HR_EINVALID ? HR_EXIT_USAGE : HR_EXIT_ERROR;
}

int hr_cli_policy_layered(hr_cli_common *c, const char *server_file,
	const char *data, size_t len, const char *name)
{
	char err[1024];
	const char *file = NULL;
	struct stat st;
	int rc = 0;

	if (hr_policy_init(&c->policy) < 0) {
		hr_cli_error("out of memory");
		return HR_EXIT_ERROR;
	}
	if (!c->no_config) {
		if (c->config_path)
			file = c->config_path;
		else if (getenv("HOOK_RUN_CONFIG") && *getenv("HOOK_RUN_CONFIG"))
			file = getenv("HOOK_RUN_CONFIG");
		else if (server_file && stat(server_file, &st) == 0)
			file = server_file;
		if (file)
			rc = hr_config_load_file(&c->policy, file, err, sizeof(err));
		else if (data)
			rc = hr_config_load_buffer(&c->policy, data, len, name, err, sizeof(err));
		if (rc < 0) {
			hr_cli_error("%s", err);
			return HR_EXIT_USAGE;
		}
		c->config_used = file ? file : data ? name : NULL;
	}
	return hr_cli_apply_overrides(c);
}

void hr_cli_print_walk_stats(const hr_walk_stats *stats, const hr_judge *checker)
{
	fprintf(stderr, "hook-run: stats: %zu commits, %zu trees read, %zu changes, %zu distinct blobs, "
		"%zu blobs read, %zu refs skipped\n", stats->commits, stats->trees, stats->changes,
		stats->blobs, checker->blobs_read, stats->skipped_refs);
}

int hr_cli_git_failure(int rc, const char *err, const hr_judge *checker)
{
	if (!(checker && checker->error))
		hr_cli_error("%s", err && *err ? err : hr_error_str(rc));
	return rc == HR_ETIMEOUT ? HR_EXIT_TIMEOUT : HR_EXIT_ERROR;
}
