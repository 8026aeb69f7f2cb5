/* SPDX-License-Identifier: MIT */
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
 *   audit --range BASE..HEAD   CI mode: what a branch adds, judged exactly
 *   audit --range BASE...HEAD  as pre-receive judges a push of HEAD onto a
 *                        server that has BASE (see below)
 *
 * Configuration: --config, $HOOK_RUN_CONFIG, else `.hook-run.ini` of the
 * checked snapshot (REV's tree, HEAD's for a range, or the working tree),
 * else defaults; one source, never a mix. The history and range modes use
 * that one file for every commit.
 *
 * Ranges: the commits reachable from HEAD and not from BASE, each compared
 * with all its parents (a path counts when its blob differs from every
 * parent), each blob read once; hr_walk() with BASE hidden, the walk
 * pre-receive makes. BASE...HEAD (what CI systems hand out: the target
 * branch and the checked-out head) means what HEAD adds since it forked
 * from BASE; its commits are those of BASE..HEAD (a commit reachable from
 * both is reachable from a merge base), so both spellings walk the same
 * commits: a target branch that moved on is never blamed on the branch.
 * --scope tips (or [pre-receive] scope) judges only HEAD's final files
 * whose (path, blob) one of those commits introduced, as pre-receive does
 * for a ref: a bad commit fixed later in the branch passes. That is not a
 * diff of BASE's tree against HEAD's, which would blame the branch for
 * every file the target changed since the fork.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_repos.h"
#include "cli.h"
#include "gitcmd.h"
#include "progress.h"
#include "hook-run/context.h"
#include "hook-run/config.h"
#include "hook-run/fileio.h"

static void usage(FILE *out)
{
	fputs("usage: hook-run audit [options] [--history] [REV]\n"
	      "       hook-run audit [options] --range BASE..HEAD|BASE...HEAD\n"
	      "       hook-run audit [options] --worktree\n"
	      "       hook-run audit [options] --repos ROOT [--jobs N] [--all-refs]\n"
	      "       hook-run --all [options] [REV]\n\n"
	      "Check every Dockerfile of a revision (default HEAD), read from the object\n"
	      "store; --worktree reads the working tree instead (tracked and not-ignored\n"
	      "files); --history checks every commit reachable from REV against its\n"
	      "parents, as pre-receive does; --range checks what HEAD adds to BASE, as\n"
	      "pre-receive would judge its push (for CI). A file counts by `paths`,\n"
	      "exclude, exclude-suffixes, vendored and the .gitattributes of the commit\n"
	      "judged (of the working tree with --worktree).\n"
	      "Exit 0 clean, 1 findings, 2 usage or configuration, 3 git error.\n\n"
	      "  --worktree           the working tree instead of a revision\n"
	      "  --repos ROOT         every repository under ROOT: its default branch (with\n"
	      "                       --all-refs every branch and tag), N at a time (--jobs,\n"
	      "                       default: the processors), one report; the server's\n"
	      "                       policy (--config), never the repositories' own files\n"
	      "  --history            every commit reachable from REV\n"
	      "  --range RANGE        BASE..HEAD or BASE...HEAD (a side left out is HEAD):\n"
	      "                       the commits HEAD adds to BASE\n"
	      "  --scope commits|tips --range: every commit must pass (default), or only\n"
	      "                       HEAD's files that the range changed\n"
	      "  --stats              --history, --range: print what the walk read on\n"
	      "                       standard error\n", out);
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
			continue; /* symlinks (git records them as links) and ignored files */
		/* read without following a link on the way (the file could be swapped for one) */
		rc = hr_file_read_beneath(&data, &len, workdir, rel, common->policy.max_size, NULL, 0,
			err, sizeof(err));
		if (rc == HR_ETOOBIG) {
			snprintf(err, sizeof(err), "larger than max-size (%zu bytes): not read", common->policy.max_size);
			rc = hr_check_skipped(&res, err, &common->policy);
		} else if (rc < 0) {
			hr_cli_error("%s", err);
			exit_code = HR_EXIT_ERROR;
			continue;
		} else {
			hr_fs_context *ctx = NULL;
			hr_build_context view;
			bool have = hr_fs_context_new(&ctx, &view, full) == 0;
			rc = hr_check_ext(&res, data, len, &common->policy, have ? &view : NULL);
			hr_fs_context_free(ctx);
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

/* The judge, behind a progress line: the line is erased before a blob is
   read, since what follows may print a finding or an error. */
typedef struct watched {
	hr_judge *judge;
	hr_progress *progress;
} watched;

static int judge_watched(const hr_change *change, void *payload)
{
	watched *w = payload;
	if (change->seen != 1)
		hr_progress_clear(w->progress);
	return hr_judge_change(change, w->judge);
}

/* A --range, split and resolved. */
typedef struct range {
	const char *spec;        /* as given, for the report */
	char *base_name, *head_name;
	hr_oid base, head;
	bool symmetric;          /* BASE...HEAD */
} range;

static void range_free(range *r)
{
	free(r->base_name);
	free(r->head_name);
}

/* Resolve one side of a range to a commit; prints errors; 0 or an exit code. */
static int range_side(hr_oid *out, hr_repo *repo, const char *spec, const char *name)
{
	char err[1024];
	bool is_commit = false;
	int rc = hr_repo_resolve(out, &is_commit, repo, name, err, sizeof(err));
	if (rc < 0) {
		hr_cli_error("--range %s: %s", spec, rc == HR_ENOMEM ? "out of memory" : err);
		if (rc == HR_ENOTFOUND && hr_repo_is_shallow(repo))
			hr_cli_error("the repository is a shallow clone: fetch the whole history "
				"(git fetch --unshallow; in CI, fetch-depth: 0 or GIT_DEPTH: 0)");
		return rc == HR_ENOTFOUND || rc == HR_EINVALID ? HR_EXIT_USAGE : HR_EXIT_ERROR;
	}
	if (!is_commit) {
		hr_cli_error("--range %s: '%s' is not a commit", spec, name);
		return HR_EXIT_USAGE;
	}
	return 0;
}

/* BASE..HEAD or BASE...HEAD; a side left out is HEAD, as git reads it. */
static int range_parse(range *r, hr_repo *repo, const char *spec)
{
	const char *dots = strstr(spec, "...");
	size_t ndots = 3;
	int rc;

	memset(r, 0, sizeof(*r));
	r->spec = spec;
	if (!dots) {
		dots = strstr(spec, "..");
		ndots = 2;
	}
	if (!dots || (ndots == 2 && dots[2] == '.')) {
		hr_cli_error("--range: expected BASE..HEAD or BASE...HEAD, got '%s'", spec);
		return HR_EXIT_USAGE;
	}
	r->symmetric = ndots == 3;
	r->base_name = dots == spec ? strdup("HEAD") : strndup(spec, (size_t)(dots - spec));
	r->head_name = strdup(dots[ndots] ? dots + ndots : "HEAD");
	if (!r->base_name || !r->head_name) {
		hr_cli_error("out of memory");
		return HR_EXIT_ERROR;
	}
	if ((rc = range_side(&r->base, repo, spec, r->base_name)) != 0)
		return rc;
	return range_side(&r->head, repo, spec, r->head_name);
}

int hr_cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		HR_COMMON_LONG_OPTIONS,
		{ "worktree", no_argument, NULL, 'w' },
		{ "history", no_argument, NULL, 'H' },
		{ "range", required_argument, NULL, 'r' },
		{ "scope", required_argument, NULL, 's' },
		{ "stats", no_argument, NULL, 'S' },
		{ "repos", required_argument, NULL, 'R' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "all-refs", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *repos_root = NULL;
	unsigned jobs = 0;
	bool all_refs = false;
	hr_cli_common common;
	hr_repo *repo = NULL;
	hr_reporter *reporter = NULL;
	bool worktree = false, history = false, show_stats = false;
	char *cfg = NULL, *cfg_path = NULL, err[1024] = "", note[512];
	size_t cfg_len = 0;
	const char *rev = NULL, *range_spec = NULL, *scope_arg = NULL;
	range rg = { 0 };
	hr_oid oid;
	bool is_commit = false;
	int c, rc;

	hr_cli_common_init(&common);
	optind = 0;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		int r = hr_cli_common_option(&common, c, optarg);
		if (r < 0)
			return -r;
		if (r > 0)
			continue;
		switch (c) {
		case 'w': worktree = true; break;
		case 'H': history = true; break;
		case 'r': range_spec = optarg; break;
		case 's': scope_arg = optarg; break;
		case 'S': show_stats = true; break;
		case 'R': repos_root = optarg; break;
		case 'A': all_refs = true; break;
		case 'j': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || !*optarg || v < 1 || v > 256) {
				hr_cli_error("audit: --jobs '%s' is not a number from 1 to 256", optarg);
				return HR_EXIT_USAGE;
			}
			jobs = (unsigned)v;
			break;
		}
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
	const char *conflict = optind < argc ? "one revision at most"
		: worktree && (rev || history) ? "--worktree takes no revision and no --history"
		: range_spec && (rev || history || worktree) ? "--range takes no revision, --history or --worktree"
		: scope_arg && !range_spec ? "--scope goes with --range"
		: NULL;
	if (!conflict && repos_root && (rev || history || worktree || range_spec))
		conflict = "--repos takes no revision, --history, --worktree or --range";
	if (!conflict && !repos_root && (jobs || all_refs))
		conflict = "--jobs and --all-refs go with --repos";
	if (conflict) {
		hr_cli_error("audit: %s", conflict);
		usage(stderr);
		return HR_EXIT_USAGE;
	}
	if (repos_root) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		rc = hr_cli_audit_repos(&common, repos_root, jobs ? jobs : cpus > 0 ? (unsigned)cpus : 1, all_refs);
		hr_cli_common_free(&common);
		return rc;
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
		if (rc == 0)
			rc = hr_cli_policy_baseline(&common, repo, NULL, false);
	} else {
		if (range_spec) {
			if ((rc = range_parse(&rg, repo, range_spec)) != 0)
				goto out;
			oid = rg.head; /* the configuration of the range's head */
		} else {
			rc = hr_repo_resolve(&oid, &is_commit, repo, rev ? rev : "HEAD", err, sizeof(err));
			if (rc == HR_ENOTFOUND && !rev) {
				printf("hook-run: HEAD has no commit yet: nothing to audit\n");
				rc = HR_EXIT_OK;
				goto out;
			}
			if (rc < 0) {
				/* a name that names nothing is the caller's error; a broken repository is git's */
				hr_cli_error("%s", err);
				rc = rc == HR_ENOTFOUND || rc == HR_EINVALID ? HR_EXIT_USAGE : HR_EXIT_ERROR;
				goto out;
			}
			if (history && !is_commit) {
				hr_cli_error("audit --history: '%s' is not a commit", rev ? rev : "HEAD");
				rc = HR_EXIT_USAGE;
				goto out;
			}
		}
		rc = hr_repo_read_path(&cfg, &cfg_len, repo, &oid, HR_CONFIG_FILE_NAME, 1024 * 1024, err, sizeof(err));
		if (rc < 0 && rc != HR_ENOTFOUND) {
			hr_cli_error("%s", err);
			rc = rc == HR_ETOOBIG ? HR_EXIT_USAGE : HR_EXIT_ERROR;
			goto out;
		}
		rc = hr_cli_policy_layered(&common, NULL, cfg, cfg_len, HR_CONFIG_FILE_NAME);
		if (rc == 0)
			rc = hr_cli_policy_baseline(&common, repo, &oid,
				common.config_used && !strcmp(common.config_used, HR_CONFIG_FILE_NAME));
	}
	if (rc)
		goto out;
	if (scope_arg && hr_policy_set(&common.policy, "pre-receive", "scope", scope_arg, err, sizeof(err)) < 0) {
		hr_cli_error("--scope: %s", err);
		rc = HR_EXIT_USAGE;
		goto out;
	}

	hr_report_opts ro;
	hr_cli_report_opts(&common, &ro, stdout);
	ro.fix_command = "hook-run fix";
	if ((rc = hr_cli_reporter_new(&reporter, &ro)) != 0)
		goto out;
	hr_report_summary summary = { .what = range_spec ? "changed file" : "file" };
	bool error = false;
	if (worktree) {
		rc = audit_worktree(&common, repo, reporter, &summary);
		error = rc != 0;
	} else {
		/* the range's one "update", so that findings name the range as pre-receive names a ref */
		hr_ref_update span = { .old_oid = rg.base, .new_oid = rg.head, .ref = (char *)range_spec };
		hr_judge checker = {
			.repo = repo,
			.policy = &common.policy,
			.baseline = common.baseline,
			.errout = stderr,
			.reporter = reporter,
			.summary = &summary,
			.updates = range_spec ? &span : NULL,
			.show_commit = history || range_spec,
			.context_tree = &oid,
		};
		hr_walk_stats stats = { 0 };
		int src;
		if (history || range_spec) {
			hr_ref_update tip = { .new_oid = oid, .ref = NULL };
			hr_walk_opts wo = { .policy = &common.policy, .scope = HR_SCOPE_COMMITS };
			hr_progress progress;
			watched w = { &checker, &progress };
			if (range_spec) {
				wo.scope = common.policy.scope;
				wo.hide = &rg.base;
				wo.nhide = 1;
			}
			hr_progress_start(&progress, range_spec ? "audit --range" : "audit --history", "commits");
			if (progress.on) {
				wo.progress = hr_progress_walk;
				wo.progress_arg = &progress;
			}
			src = hr_walk(repo, range_spec ? &span : &tip, 1, &wo, judge_watched, &w,
				&stats, err, sizeof(err));
			hr_progress_stop(&progress);
			if (show_stats)
				hr_cli_print_walk_stats(&stats, &checker);
		} else {
			src = hr_tree_foreach(repo, &oid, &common.policy, hr_judge_change, &checker,
				err, sizeof(err));
		}
		hr_judge_free(&checker);
		if (src < 0) {
			rc = hr_cli_git_failure(src, err, &checker);
			if (hr_repo_is_shallow(repo))
				hr_cli_error("the repository is a shallow clone: fetch the whole history "
					"(git fetch --unshallow; in CI, fetch-depth: 0 or GIT_DEPTH: 0)");
			goto out;
		}
		error = checker.error;
		if (range_spec && stats.commits == 0) {
			snprintf(note, sizeof(note), "%s adds no commit: nothing to check", range_spec);
			summary.note = note;
		} else if (range_spec && summary.failing) {
			snprintf(note, sizeof(note), "%zu finding%s in %zu commit%s of %s", summary.failing,
				summary.failing == 1 ? "" : "s", checker.bad_commits,
				checker.bad_commits == 1 ? "" : "s", range_spec);
			summary.note = note;
		}
	}
	summary.elapsed = hr_cli_elapsed();
	if (hr_reporter_finish(reporter, &summary) < 0)
		error = true;
	rc = error ? HR_EXIT_ERROR : summary.failing ? HR_EXIT_FINDINGS : HR_EXIT_OK;
out:
	hr_reporter_free(reporter);
	hr_repo_free(repo);
	range_free(&rg);
	free(cfg);
	free(cfg_path);
	hr_cli_common_free(&common);
	return rc;
}
