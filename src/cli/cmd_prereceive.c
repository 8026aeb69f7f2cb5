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
 * written: no ref, no object (the log of server.c is the one file).
 *
 * The report goes to standard output, which git relays as `remote:` lines:
 * findings grouped by ref, each naming the commit, path, line and rule,
 * with the local command that fixes it. Nothing at all is printed for a
 * push without a Dockerfile to check.
 *
 * Around the check, for the platforms that run it (server.h):
 *  - GitLab (GL_ID set): the web interface shows only lines that start
 *    with "GL-HOOK-ERR: ". The text report is kept in memory and, when the
 *    push is rejected, every line of it gets the prefix; an accepted push
 *    prints as anywhere else.
 *  - The push-option bypass: `git push -o hook-run.skip[=REASON]` skips
 *    the check only when the policy says push-option-skip = on AND the
 *    repository advertises push options (receive.advertisePushOptions, in
 *    its configuration or on receive-pack's command line), and only once
 *    the bypass is logged (a log file that cannot be written refuses it).
 *    A refused request is said and logged, and the push is checked.
 *  - The time budget ([pre-receive] timeout, from the moment the hook
 *    starts): the walk and the blob loop read the clock before each commit
 *    and each blob and stop past the deadline. Findings already made
 *    reject the push (exit 1) whatever happens next; otherwise
 *    on-timeout = deny rejects it (exit 4) and allow accepts it with a
 *    warning that says it was not checked.
 *  - Rejections, bypasses and timeouts are logged with the pusher's name
 *    (syslog, or [pre-receive] log-file).
 *
 * Exit 0 accepts, 1 rejects (findings), 2 for bad input or configuration,
 * 3 for a git error (missing objects), 4 when the budget ran out (deny).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gitcmd.h"
#include "server.h"
#include "hook-run/fileio.h"

static void usage(FILE *out)
{
	fputs("usage: hook-run pre-receive [options] < updates\n\n"
	      "The server-side hook: reads `<old> <new> <ref>` lines, checks every\n"
	      "Dockerfile the pushed commits add or change, and rejects the push on\n"
	      "findings. Configuration: --config, $HOOK_RUN_CONFIG, or hook-run.ini in\n"
	      "the repository's git directory; never a file from the pushed commits.\n"
	      "`git push -o hook-run.skip` bypasses the check when the configuration\n"
	      "allows it (push-option-skip = on) and the repository advertises push\n"
	      "options; bypasses, rejections and timeouts are logged.\n"
	      "Exit 0 accept, 1 reject (findings), 2 bad input or configuration,\n"
	      "3 git error, 4 time budget exhausted (on-timeout = deny).\n\n"
	      "  --scope commits|tips every new commit must pass (default), or only\n"
	      "                       the final tree of each updated ref\n"
	      "  --stats              print what the walk read on standard error\n", out);
	fputs(hr_common_options_help, out);
}

/*
 * A line that explains a rejection, on standard error (where the early
 * errors go too), with GitLab's prefix when GitLab runs the hook.
 */
static void reject_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reject_line(const char *fmt, ...)
{
	va_list ap;
	const char *gl_id = getenv("GL_ID");
	if (gl_id && *gl_id)
		fputs(HR_GITLAB_ERROR_PREFIX, stderr);
	fputs("hook-run: ", stderr);
	va_start(ap, fmt);
	hr_cli_vprint(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Print the kept text report, each line with `prefix` (NULL: none). */
static void emit_kept(const char *text, size_t len, const char *prefix)
{
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) + 1 : len - pos;
		if (prefix)
			fputs(prefix, stdout);
		fwrite(text + pos, 1, n, stdout);
		if (!nl)
			fputc('\n', stdout);
		pos += n;
	}
	fflush(stdout);
}

/* Why a requested push-option bypass is refused, or NULL when it is allowed. */
static const char *skip_refusal(const hr_policy *policy, hr_repo *repo, char *buf, size_t buflen)
{
	char err[512];
	bool advertised = false;
	if (!policy->push_option_skip)
		return "this server does not allow it (push-option-skip = off)";
	if (hr_repo_config_bool(&advertised, repo, "receive.advertisePushOptions", false, err, sizeof(err)) < 0) {
		snprintf(buf, buflen, "receive.advertisePushOptions cannot be read (%s)", err);
		return buf;
	}
	if (!advertised)
		return "the repository does not advertise push options (receive.advertisePushOptions is off)";
	return NULL;
}

/* Log an event; a failure is said on standard error and otherwise ignored. */
static void log_event(const hr_policy *policy, hr_repo *repo, const hr_server_env *senv, const char *event,
	const hr_ref_update *updates, size_t nupdates, const char *detail)
{
	char err[1024];
	if (hr_server_log(policy, hr_repo_commondir(repo), senv, event, updates, nupdates, detail, false,
		    err, sizeof(err)) < 0)
		hr_cli_error("%s", err);
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
	/* the budget counts from here: git's clock for the hook is already running */
	double started = hr_cli_budget_clock();
	hr_cli_common common;
	hr_repo *repo = NULL;
	hr_reporter *reporter = NULL;
	hr_ref_update *updates = NULL;
	hr_server_env senv = { 0 };
	size_t nupdates = 0;
	char *input = NULL, *server_file = NULL, *kept = NULL;
	size_t input_len = 0, kept_len = 0;
	FILE *out = stdout;
	char err[1024] = "", note[1024], detail[1024];
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

	/*
	 * all of standard input first: a malformed line rejects the whole push.
	 * Bounded: a million ref updates take about 100 MB; more than 256 MB is
	 * not git talking
	 */
	rc = hr_file_read(&input, &input_len, "-", (size_t)256 * 1024 * 1024, err, sizeof(err));
	if (rc < 0) {
		if (rc == HR_ETOOBIG)
			snprintf(err, sizeof(err), "more than 256 MB of ref updates on standard input");
		reject_line("%s; push rejected", err);
		rc = rc == HR_ETOOBIG ? HR_EXIT_USAGE : HR_EXIT_ERROR;
		goto out;
	}
	rc = hr_ref_updates_parse(&updates, &nupdates, input, input_len, err, sizeof(err));
	if (rc < 0) {
		reject_line("%s; push rejected", rc == HR_ENOMEM ? "out of memory" : err);
		rc = rc == HR_ENOMEM ? HR_EXIT_ERROR : HR_EXIT_USAGE;
		goto out;
	}
	if ((rc = hr_cli_repo_open(&repo, NULL)) != 0) {
		reject_line("push rejected: hook-run cannot open the repository");
		goto out;
	}

	const char *common_dir = hr_repo_commondir(repo);
	size_t n = strlen(common_dir);
	server_file = malloc(n + sizeof("hook-run.ini"));
	if (!server_file) {
		rc = HR_EXIT_ERROR;
		goto out;
	}
	memcpy(server_file, common_dir, n);
	memcpy(server_file + n, "hook-run.ini", sizeof("hook-run.ini"));
	if ((rc = hr_cli_policy_layered(&common, server_file, NULL, 0, NULL)) != 0) {
		reject_line("push rejected: the server's hook-run configuration is broken (see above)");
		goto out;
	}
	if (scope_arg && hr_policy_set(&common.policy, "pre-receive", "scope", scope_arg, err, sizeof(err)) < 0) {
		hr_cli_error("--scope: %s", err);
		rc = HR_EXIT_USAGE;
		goto out;
	}
	const hr_policy *policy = &common.policy;
	if (hr_server_env_read(&senv, common_dir) < 0) {
		hr_cli_error("out of memory");
		rc = HR_EXIT_ERROR;
		goto out;
	}

	/* GitLab: keep the text report, to prefix its lines if the push is rejected */
	bool keep = senv.gitlab && common.format == HR_FORMAT_TEXT;
	if (keep && !(out = open_memstream(&kept, &kept_len))) {
		hr_cli_error("out of memory");
		out = stdout;
		rc = HR_EXIT_ERROR;
		goto out;
	}
	FILE *notes = common.format == HR_FORMAT_TEXT ? out : stderr;
	hr_report_opts ro;
	hr_cli_report_opts(&common, &ro, out);
	ro.fix_command = "hook-run fix";
	ro.silent_no_match = true;
	if (hr_reporter_new(&reporter, &ro) < 0) {
		hr_cli_error("the %s format is not available yet", hr_format_name(common.format));
		rc = HR_EXIT_USAGE;
		goto out;
	}
	hr_report_summary summary = { .what = "pushed file" };

	/* the push-option bypass */
	const char *skip_reason = NULL;
	if (hr_server_skip_requested(&skip_reason)) {
		char why[600];
		const char *refused = skip_refusal(policy, repo, why, sizeof(why));
		detail[0] = '\0';
		if (!refused) {
			if (skip_reason) {
				snprintf(detail, sizeof(detail), "reason=");
				hr_server_log_value(detail, sizeof(detail), skip_reason);
			}
			if (hr_server_log(policy, common_dir, &senv, "bypass", updates, nupdates,
				    *detail ? detail : NULL, true, err, sizeof(err)) < 0) {
				snprintf(why, sizeof(why), "the bypass cannot be logged (%s)", err);
				refused = why;
			}
		}
		if (!refused) {
			snprintf(note, sizeof(note), "push option hook-run.skip: the check was bypassed for %s; "
				"the bypass is logged", senv.pusher);
			summary.note = note;
			rc = hr_reporter_finish(reporter, &summary) < 0 ? HR_EXIT_ERROR : HR_EXIT_OK;
			goto out;
		}
		hr_cli_print(notes, "hook-run: push option hook-run.skip ignored: %s; the push is checked\n", refused);
		snprintf(detail, sizeof(detail), "why=");
		hr_server_log_value(detail, sizeof(detail), refused);
		log_event(policy, repo, &senv, "skip-refused", updates, nupdates, detail);
	}

	double budget = policy->timeout_ms / 1000.0;
	hr_change_checker checker = {
		.repo = repo,
		.common = &common,
		.policy = policy,
		.reporter = reporter,
		.summary = &summary,
		.updates = updates,
		.show_commit = true,
		.deadline = budget > 0 ? started + budget : 0,
	};
	hr_walk_opts wo = {
		.policy = policy,
		.scope = policy->scope,
		.hide_all_refs = true,
		.deadline = checker.deadline,
		.clock = hr_cli_budget_clock,
	};
	hr_walk_stats stats;
	double t0 = hr_cli_now();
	int wrc = hr_walk(repo, updates, nupdates, &wo, hr_cli_check_change, &checker, &stats,
		err, sizeof(err));
	summary.elapsed = hr_cli_now() - t0;
	if (show_stats)
		hr_cli_print_walk_stats(&stats, &checker);
	bool timed_out = wrc == HR_ETIMEOUT;
	if (wrc < 0 && !timed_out) {
		rc = hr_cli_git_failure(wrc, err, &checker);
		reject_line("push rejected: hook-run could not check it");
		goto out;
	}

	char unchecked[256] = "";
	if (timed_out)
		snprintf(unchecked, sizeof(unchecked), "the time budget (%gs) ran out after %zu commit%s, "
			"so the rest of the push was not checked", budget, stats.commits,
			stats.commits == 1 ? "" : "s");
	if (summary.failing) {
		snprintf(note, sizeof(note), "push rejected: %zu finding%s in %zu commit%s; fix them with "
			"`hook-run fix PATH`, amend or rebase, and push again%s%s",
			summary.failing, summary.failing == 1 ? "" : "s", checker.bad_commits,
			checker.bad_commits == 1 ? "" : "s", timed_out ? "; " : "", unchecked);
		summary.note = note;
		rc = HR_EXIT_FINDINGS;
		snprintf(detail, sizeof(detail), "findings=%zu commits=%zu%s", summary.failing,
			checker.bad_commits, timed_out ? " timeout=yes" : "");
		log_event(policy, repo, &senv, "reject", updates, nupdates, detail);
	} else if (timed_out && policy->on_timeout == HR_ON_TIMEOUT_DENY) {
		snprintf(note, sizeof(note), "push rejected: %s (on-timeout = deny); push fewer commits at "
			"a time, or ask the administrator to raise [pre-receive] timeout", unchecked);
		summary.note = note;
		rc = HR_EXIT_TIMEOUT;
		snprintf(detail, sizeof(detail), "outcome=deny budget=%gs commits=%zu", budget, stats.commits);
		log_event(policy, repo, &senv, "timeout", updates, nupdates, detail);
	} else if (timed_out) {
		snprintf(note, sizeof(note), "WARNING: %s; the push is ACCEPTED UNCHECKED (on-timeout = allow)",
			unchecked);
		summary.note = note;
		rc = HR_EXIT_OK;
		snprintf(detail, sizeof(detail), "outcome=allow budget=%gs commits=%zu", budget, stats.commits);
		log_event(policy, repo, &senv, "timeout", updates, nupdates, detail);
	} else {
		rc = HR_EXIT_OK;
	}
	if (hr_reporter_finish(reporter, &summary) < 0 || checker.error)
		rc = HR_EXIT_ERROR;
out:
	if (out != stdout) {
		fclose(out);
		emit_kept(kept, kept_len, rc != HR_EXIT_OK ? HR_GITLAB_ERROR_PREFIX : NULL);
	}
	free(kept);
	hr_reporter_free(reporter);
	hr_ref_updates_free(updates, nupdates);
	hr_server_env_free(&senv);
	hr_repo_free(repo);
	free(server_file);
	free(input);
	hr_cli_common_free(&common);
	return rc;
}
