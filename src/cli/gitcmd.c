/* SPDX-License-Identifier: MIT */
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
	/* not a repository, a bad GIT_DIR or GIT_COMMON_DIR: git failures, as
	   in every git command (exit 3), not usage errors */
	return HR_EXIT_ERROR;
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
			return rc == HR_ENOMEM ? HR_EXIT_ERROR : HR_EXIT_USAGE;
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

int hr_cli_policy_baseline(hr_cli_common *c, hr_repo *repo, const hr_oid *treeish, bool from_snapshot)
{
	char err[1024];
	const char *b = c->policy.baseline;
	if (c->baseline || !b)
		return 0;
	const char *where = c->config_used ? c->config_used : "--set";
	int rc;
	if (from_snapshot && treeish) {
		/* the snapshot's own baseline, repository-relative */
		char *data = NULL;
		size_t len = 0;
		rc = hr_repo_read_path(&data, &len, repo, treeish, b[0] == '/' ? b + 1 : b, 64u << 20, err, sizeof(err));
		if (rc == 0)
			rc = hr_baseline_load(&c->baseline, data, len, err, sizeof(err));
		else if (rc == HR_ENOTFOUND)
			snprintf(err, sizeof(err), "no such file in the checked revision");
		free(data);
	} else {
		/* a file on disk: relative to the folder of the configuration file */
		char full[4096];
		const char *slash = c->config_used ? strrchr(c->config_used, '/') : NULL;
		if (b[0] != '/' && slash)
			snprintf(full, sizeof(full), "%.*s/%s", (int)(slash - c->config_used), c->config_used, b);
		else
			snprintf(full, sizeof(full), "%s", b);
		rc = hr_baseline_load_file(&c->baseline, full, err, sizeof(err));
	}
	if (rc < 0) {
		hr_cli_error("%s: baseline = %s: %s", where, b, err);
		return rc == HR_ENOMEM ? HR_EXIT_ERROR : HR_EXIT_USAGE;
	}
	return 0;
}
