/*
 * cmd_audit.c - `hook-run audit [REV]` (also `hook-run --all`): the whole
 * repository at once, for a first look, CI, or after changing the policy.
 *
 *   audit [REV]          every matching file of REV's tree (default HEAD),
 *                        read from the object store: no checkout needed
 *   audit --worktree     the files of the working tree that git tracks or
 *                        would add (ignored files and submodules left out)
 *   audit --history [REV] every commit reachable from REV, each compared
 *                        with its parents exactly as pre-receive does
 *
 * Configuration: --config, $HOOK_RUN_CONFIG, else `.hook-run.ini` of the
 * checked snapshot (REV's tree, or the working tree), else defaults. The
 * history mode uses REV's file for every commit.
 *
 * The range walker behind --history (hr_walk with hidden commits) is what
 * `audit --range A..B` will use (issue 5).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "gitcmd.h"
#include "hook-run/config.h"
#include "hook-run/fileio.h"

static void usage(FILE *out)
{
	fputs("usage: hook-run audit [options] [--history] [REV]\n"
	      "       hook-run audit [options] --worktree\n"
	      "       hook-run --all [options] [REV]\n\n"
	      "Check every Dockerfile of a revision (default HEAD), read from the object\n"
	      "store; --worktree reads the working tree instead (tracked and not-ignored\n"
	      "files); --history checks every commit reachable from REV against its\n"
	      "parents, as pre-receive does. Exit 0 clean, 1 findings, 2 usage or\n"
	      "configuration, 3 git error.\n\n"
	      "  --worktree           the working tree instead of a revision\n"
	      "  --history            every commit reachable from REV\n"
	      "  --stats              --history: print what the walk read on standard error\n", out);
	fputs(hr_common_options_help, out);
}

/* --worktree: files under the working tree, read from disk */
static int audit_worktree(hr_cli_common *common, hr_repo *repo, hr_reporter *reporter,
	hr_report_summary *summary)
{
	const char *workdir = hr_repo_workdir(repo);
	hr_pathlist files = { NULL, 0, 0 };
	int rc, exit_code = 0;

	if ((rc = hr_cli_find_dockerfiles(&files, workdir, &common->policy)) != 0)
		return rc;
	size_t wlen = strlen(workdir);
	for (size_t i = 0; i < files.len; i++) {
		const char *full = files.items[i];
		const char *rel = strncmp(full, workdir, wlen) == 0 ? full + wlen : full;
		struct stat st;
		char err[1024], *data = NULL;
		size_t len = 0;
		hr_result *res = NULL;
		if (lstat(full, &st) != 0 || !S_ISREG(st.st_mode) || hr_repo_path_ignored(repo, rel))
			continue;
		rc = hr_file_read(&data, &len, full, common->policy.max_size, err, sizeof(err));
		if (rc == HR_ETOOBIG) {
			snprintf(err, sizeof(err), "larger than max-size (%zu bytes): not read", common->policy.max_size);
			rc = hr_check_skipped(&res, err, &common->policy);
		} else if (rc < 0) {
			hr_cli_error("%s", err);
			exit_code = HR_EXIT_ERROR;
			continue;
		} else {
			rc = hr_check(&res, data, len, &common->policy);
		}
		if (rc < 0) {
			hr_cli_error("cannot check '%s': %s", rel, hr_error_str(rc));
			exit_code = HR_EXIT_ERROR;
			free(data);
			continue;
		}
		hr_report_item item = { .path = rel, .result = res };
		if (hr_cli_report_file(common, reporter, &item, true, summary) < 0)
			exit_code = HR_EXIT_ERROR;
		hr_result_free(res);
		free(data);
	}
	hr_pathlist_free(&files);
	return exit_code;
}

int hr_cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		HR_COMMON_LONG_OPTIONS,
		{ "worktree", no_argument, NULL, 'w' },
		{ "history", no_argument, NULL, 'H' },
		{ "stats", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	hr_cli_common common;
	hr_repo *repo = NULL;
	hr_reporter *reporter = NULL;
	bool worktree = false, history = false, show_stats = false;
	char *cfg = NULL, *cfg_path = NULL, err[1024] = "";
	size_t cfg_len = 0;
	const char *rev = NULL;
	hr_oid oid;
	bool is_commit = false;
	int c, rc;

	hr_cli_common_init(&common);
	optind = 0;
	while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
		int r = hr_cli_common_option(&common, c, optarg);
		if (r < 0)
			return HR_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'w': worktree = true; break;
		case 'H': history = true; break;
		case 'S': show_stats = true; break;
		case 'h':
			usage(stdout);
			return HR_EXIT_OK;
		default:
			usage(stderr);
			return HR_EXIT_USAGE;
		}
	}
	if (optind < argc)
		rev = argv[optind++];
	if (optind < argc || (worktree && (rev || history))) {
		hr_cli_error("audit: %s", optind < argc ? "one revision at most"
			: "--worktree takes no revision and no --history");
		usage(stderr);
		return HR_EXIT_USAGE;
	}
	if ((rc = hr_cli_repo_open(&repo, NULL)) != 0)
		goto out;

	if (worktree) {
		const char *workdir = hr_repo_workdir(repo);
		if (!workdir) {
			hr_cli_error("audit --worktree: the repository is bare");
			rc = HR_EXIT_USAGE;
			goto out;
		}
		size_t n = strlen(workdir);
		if (!(cfg_path = malloc(n + sizeof(HR_CONFIG_FILE_NAME)))) {
			rc = HR_EXIT_ERROR;
			goto out;
		}
		memcpy(cfg_path, workdir, n);
		memcpy(cfg_path + n, HR_CONFIG_FILE_NAME, sizeof(HR_CONFIG_FILE_NAME));
		rc = hr_cli_policy_layered(&common, cfg_path, NULL, 0, NULL);
	} else {
		rc = hr_repo_resolve(&oid, &is_commit, repo, rev ? rev : "HEAD", err, sizeof(err));
		if (rc == HR_ENOTFOUND && !rev) {
			printf("hook-run: HEAD has no commit yet: nothing to audit\n");
			rc = HR_EXIT_OK;
			goto out;
		}
		if (rc < 0) {
			hr_cli_error("%s", err);
			rc = HR_EXIT_USAGE;
			goto out;
		}
		if (history && !is_commit) {
			hr_cli_error("audit --history: '%s' is not a commit", rev ? rev : "HEAD");
			rc = HR_EXIT_USAGE;
			goto out;
		}
		rc = hr_repo_read_path(&cfg, &cfg_len, repo, &oid, HR_CONFIG_FILE_NAME, 1024 * 1024, err, sizeof(err));
		if (rc < 0 && rc != HR_ENOTFOUND) {
			hr_cli_error("%s", err);
			rc = rc == HR_ETOOBIG ? HR_EXIT_USAGE : HR_EXIT_ERROR;
			goto out;
		}
		rc = hr_cli_policy_layered(&common, NULL, cfg, cfg_len, HR_CONFIG_FILE_NAME);
	}
	if (rc)
		goto out;

	hr_report_opts ro;
	hr_cli_report_opts(&common, &ro, stdout);
	ro.fix_command = "hook-run fix";
	if (hr_reporter_new(&reporter, &ro) < 0) {
		hr_cli_error("the %s format is not available yet", hr_format_name(common.format));
		rc = HR_EXIT_USAGE;
		goto out;
	}
	hr_report_summary summary = { .what = "file" };
	double t0 = hr_cli_now();
	bool error = false;
	if (worktree) {
		rc = audit_worktree(&common, repo, reporter, &summary);
		error = rc != 0;
	} else {
		hr_change_checker checker = {
			.repo = repo,
			.common = &common,
			.policy = &common.policy,
			.reporter = reporter,
			.summary = &summary,
			.show_commit = history,
		};
		int src;
		if (history) {
			hr_ref_update tip = { .new_oid = oid, .ref = NULL };
			hr_walk_opts wo = { .policy = &common.policy, .scope = HR_SCOPE_COMMITS };
			hr_walk_stats stats;
			src = hr_walk(repo, &tip, 1, &wo, hr_cli_check_change, &checker, &stats, err, sizeof(err));
			if (show_stats)
				hr_cli_print_walk_stats(&stats, &checker);
		} else {
			src = hr_tree_foreach(repo, &oid, &common.policy, hr_cli_check_change, &checker,
				err, sizeof(err));
		}
		if (src < 0) {
			rc = hr_cli_git_failure(src, err, &checker);
			goto out;
		}
		error = checker.error;
	}
	summary.elapsed = hr_cli_now() - t0;
	if (hr_reporter_finish(reporter, &summary) < 0)
		error = true;
	rc = error ? HR_EXIT_ERROR : summary.failing ? HR_EXIT_FINDINGS : HR_EXIT_OK;
out:
	hr_reporter_free(reporter);
	hr_repo_free(repo);
	free(cfg);
	free(cfg_path);
	hr_cli_common_free(&common);
	return rc;
}
