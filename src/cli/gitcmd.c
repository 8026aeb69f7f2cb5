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

int hr_cli_check_change(const hr_change *c, void *payload)
{
	hr_change_checker *k = payload;
	const hr_policy *policy = k->policy;
	char err[1024], commit_hex[HR_OID_HEXSZ + 1];
	hr_blob blob;
	hr_result *res = NULL;
	int verdict;

	if (c->seen == 1) {
		k->summary->files_checked++;
		return 1; /* this blob was clean wherever it was seen */
	}
	if (k->deadline > 0 && hr_cli_budget_clock() > k->deadline) {
		k->timed_out = true;
		return HR_ETIMEOUT;
	}
	k->blobs_read++;
	/* the blob's bytes once: streamed, or libgit2's buffer kept (no copy) */
	int rc = hr_blob_load(&blob, k->repo, c->blob, policy->max_size, err, sizeof(err));
	if (rc == HR_ETOOBIG) {
		snprintf(err, sizeof(err), "larger than max-size (%zu bytes, limit %zu): not read", blob.len,
			policy->max_size);
		rc = hr_check_skipped(&res, err, policy);
	} else if (rc < 0) {
		hr_cli_error("%s: %s", c->path, err);
		k->error = true;
		return rc;
	} else {
		rc = hr_check(&res, blob.data, blob.len, policy);
	}
	if (rc < 0) {
		hr_cli_error("cannot check '%s': %s", c->path, hr_error_str(rc));
		k->error = true;
		hr_blob_free(&blob);
		return rc;
	}
	/* the verdict remembered for the blob is the baseline's business: the
	   baseline is keyed by path, so the same blob elsewhere may show again */
	size_t findings = hr_result_count(res, HR_SEVERITY_INFO);
	verdict = findings ? 2 : 1;
	hr_report_item item = { .path = c->path, .result = res };
	if (k->updates)
		item.ref = k->updates[c->update].ref;
	if (k->show_commit && c->commit) {
		hr_oid_fmt(commit_hex, c->commit);
		item.commit = commit_hex;
	}
	size_t failing_before = k->summary->failing;
	if (hr_cli_report_file(k->common, k->reporter, &item, findings > 0, k->summary) < 0)
		k->error = true;
	bool failing = k->summary->failing > failing_before;
	if (failing && c->commit && (!k->last_bad_commit || !hr_oid_equal(&k->last_bad, c->commit))) {
		k->last_bad = *c->commit;
		k->last_bad_commit = &k->last_bad;
		k->bad_commits++;
	}
	hr_result_free(res);
	hr_blob_free(&blob);
	return verdict;
}

void hr_cli_print_walk_stats(const hr_walk_stats *stats, const hr_change_checker *checker)
{
	fprintf(stderr, "hook-run: stats: %zu commits, %zu trees read, %zu changes, %zu distinct blobs, "
		"%zu blobs read, %zu refs skipped\n", stats->commits, stats->trees, stats->changes,
		stats->blobs, checker->blobs_read, stats->skipped_refs);
}

double hr_cli_budget_clock(void)
{
	static double fake = 1000; /* a test clock: readings are counted, not timed */
	const char *step = getenv("HOOK_RUN_TEST_CLOCK_STEP");
	if (step && *step) {
		fake += strtod(step, NULL);
		return fake;
	}
	return hr_git_now();
}

int hr_cli_git_failure(int rc, const char *err, const hr_change_checker *checker)
{
	if (!(checker && checker->error))
		hr_cli_error("%s", err && *err ? err : hr_error_str(rc));
	return rc == HR_ETIMEOUT ? HR_EXIT_TIMEOUT : HR_EXIT_ERROR;
}
