/*
 * cmd_prereceive.c - `hook-run pre-receive`: the server-side gate.
 *
 * git runs it with the pushed objects in a quarantine directory (visible
 * through GIT_OBJECT_DIRECTORY / GIT_QUARANTINE_PATH, which hr_repo_open
 * adds) and the ref updates on standard input. Every line is read and
 * parsed before anything is judged; one malformed line rejects the push.
 * hr_walk() then hands out what the push adds (scope commits: every new
 * commit; tips: the final trees) and each distinct blob is checked once.
 *
 * The policy is the server's: --config FILE, $HOOK_RUN_CONFIG, or
 * hook-run.ini in the repository's git directory; never a file from the
 * pushed commits (a pusher would write their own rules). Nothing is
 * written: no ref, no object.
 *
 * The report goes to standard output, which git relays as `remote:` lines:
 * findings grouped by ref, each naming the commit, path, line and rule,
 * with the local command that fixes it. Exit 0 accepts, 1 rejects, 2 for
 * bad input or configuration, 3 for a git error (missing objects).
 *
 * Left for later (issue 5): the GitLab line prefix, the time budget and
 * the push-option bypass. line_prefix() and deadline() are where they go.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gitcmd.h"
#include "hook-run/fileio.h"

static void usage(FILE *out)
{
	fputs("usage: hook-run pre-receive [options] < updates\n\n"
	      "The server-side hook: reads `<old> <new> <ref>` lines, checks every\n"
	      "Dockerfile the pushed commits add or change, and rejects the push on\n"
	      "findings. Configuration: --config, $HOOK_RUN_CONFIG, or hook-run.ini in\n"
	      "the repository's git directory; never a file from the pushed commits.\n"
	      "Exit 0 accept, 1 reject (findings), 2 bad input or configuration,\n"
	      "3 git error.\n\n"
	      "  --scope commits|tips every new commit must pass (default), or only\n"
	      "                       the final tree of each updated ref\n"
	      "  --stats              print what the walk read on standard error\n", out);
	fputs(hr_common_options_help, out);
}

/* Extension point (issue 5): "GL-HOOK-ERR: " when GitLab runs the hook. */
static const char *line_prefix(void)
{
	return NULL;
}

/* Extension point (issue 5): the time budget, as an hr_git_now() deadline. */
static double deadline(const hr_policy *policy)
{
	(void)policy;
	return 0;
}

int hr_cmd_prereceive(int argc, char **argv)
{
	static const struct option opts[] = {
		HR_COMMON_LONG_OPTIONS,
		{ "scope", required_argument, NULL, 's' },
		{ "stats", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	hr_cli_common common;
	hr_repo *repo = NULL;
	hr_reporter *reporter = NULL;
	hr_ref_update *updates = NULL;
	size_t nupdates = 0;
	char *input = NULL, *server_file = NULL;
	size_t input_len = 0;
	char err[1024] = "";
	const char *scope_arg = NULL;
	bool show_stats = false;
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
		case 's':
			scope_arg = optarg;
			break;
		case 'S':
			show_stats = true;
			break;
		case 'h':
			usage(stdout);
			return HR_EXIT_OK;
		default:
			usage(stderr);
			return HR_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		hr_cli_error("pre-receive: unexpected argument '%s' (the updates come on standard input)", argv[optind]);
		return HR_EXIT_USAGE;
	}

	/* all of standard input first: a malformed line rejects the whole push */
	rc = hr_file_read(&input, &input_len, "-", 0, err, sizeof(err));
	if (rc < 0) {
		hr_cli_error("%s", err);
		rc = HR_EXIT_ERROR;
		goto out;
	}
	rc = hr_ref_updates_parse(&updates, &nupdates, input, input_len, err, sizeof(err));
	if (rc < 0) {
		hr_cli_error("%s; push rejected", rc == HR_ENOMEM ? "out of memory" : err);
		rc = rc == HR_ENOMEM ? HR_EXIT_ERROR : HR_EXIT_USAGE;
		goto out;
	}
	if ((rc = hr_cli_repo_open(&repo, NULL)) != 0)
		goto out;

	const char *common_dir = hr_repo_commondir(repo);
	size_t n = strlen(common_dir);
	server_file = malloc(n + sizeof("hook-run.ini"));
	if (!server_file) {
		rc = HR_EXIT_ERROR;
		goto out;
	}
	memcpy(server_file, common_dir, n);
	memcpy(server_file + n, "hook-run.ini", sizeof("hook-run.ini"));
	if ((rc = hr_cli_policy_layered(&common, server_file, NULL, 0, NULL)) != 0)
		goto out;
	if (scope_arg && hr_policy_set(&common.policy, "pre-receive", "scope", scope_arg, err, sizeof(err)) < 0) {
		hr_cli_error("--scope: %s", err);
		rc = HR_EXIT_USAGE;
		goto out;
	}

	hr_report_opts ro;
	hr_cli_report_opts(&common, &ro, stdout);
	ro.fix_command = "hook-run fix";
	ro.line_prefix = line_prefix();
	ro.silent_no_match = true; /* a hook: a push without a Dockerfile hears nothing */
	if (hr_reporter_new(&reporter, &ro) < 0) {
		hr_cli_error("the %s format is not available yet", hr_format_name(common.format));
		rc = HR_EXIT_USAGE;
		goto out;
	}

	hr_report_summary summary = { .what = "pushed file" };
	hr_change_checker checker = {
		.repo = repo,
		.common = &common,
		.policy = &common.policy,
		.reporter = reporter,
		.summary = &summary,
		.updates = updates,
		.show_commit = true,
	};
	hr_walk_opts wo = {
		.policy = &common.policy,
		.scope = common.policy.scope,
		.hide_all_refs = true,
		.deadline = deadline(&common.policy),
	};
	hr_walk_stats stats;
	double t0 = hr_cli_now();
	int wrc = hr_walk(repo, updates, nupdates, &wo, hr_cli_check_change, &checker, &stats,
		err, sizeof(err));
	summary.elapsed = hr_cli_now() - t0;
	if (show_stats)
		hr_cli_print_walk_stats(&stats, &checker);
	if (wrc < 0) {
		rc = hr_cli_git_failure(wrc, err, &checker);
		hr_cli_error("push rejected: hook-run could not check it");
		goto out;
	}
	char note[512];
	if (summary.failing) {
		snprintf(note, sizeof(note), "push rejected: %zu finding%s in %zu commit%s; fix them with "
			"`hook-run fix PATH`, amend or rebase, and push again",
			summary.failing, summary.failing == 1 ? "" : "s", checker.bad_commits,
			checker.bad_commits == 1 ? "" : "s");
		summary.note = note;
	}
	if (hr_reporter_finish(reporter, &summary) < 0 || checker.error)
		rc = HR_EXIT_ERROR;
	else
		rc = summary.failing ? HR_EXIT_FINDINGS : HR_EXIT_OK;
out:
	hr_reporter_free(reporter);
	hr_ref_updates_free(updates, nupdates);
	hr_repo_free(repo);
	free(server_file);
	free(input);
	hr_cli_common_free(&common);
	return rc;
}
