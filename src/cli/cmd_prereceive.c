/*
 * cmd_prereceive.c - `hook-run pre-receive`: the server-side gate's face.
 *
 * What the hook does (open the repository from the hook environment, walk
 * what the push adds, check, decide, log, render) is the engine's
 * (src/lib/engine/prereceive.c, engine.h); this file gathers its inputs:
 * the options, standard input, the environment as a value, and the policy
 * source (--config FILE, $HOOK_RUN_CONFIG, or hook-run.ini in the
 * repository's git directory; never a file from the pushed commits), and
 * writes to the process's standard output and error.
 *
 * Exit 0 accepts, 1 rejects (findings), 2 for bad input or configuration,
 * 3 for a git error (missing objects), 4 when the budget ran out (deny).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gitcmd.h"
#include "hook-run/engine.h"
#include "hook-run/fileio.h"

extern char **environ;

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

/* The policy source of the in-process hook: the layered configuration. */
typedef struct cli_policy {
	hr_cli_common *common;
	const char *scope_arg;   /* --scope, or NULL */
	bool loaded;
} cli_policy;

static int load_policy(const hr_policy **out, const char *commondir, FILE *errout, void *arg)
{
	cli_policy *p = arg;
	char err[1024];
	size_t n = strlen(commondir);
	char *server_file = malloc(n + sizeof("hook-run.ini"));
	int rc;

	(void)errout; /* hr_cli_* print on standard error, which errout is here */
	if (!server_file) {
		hr_cli_error("out of memory");
		return HR_EXIT_ERROR;
	}
	memcpy(server_file, commondir, n);
	memcpy(server_file + n, "hook-run.ini", sizeof("hook-run.ini"));
	rc = hr_cli_policy_layered(p->common, server_file, NULL, 0, NULL);
	free(server_file);
	p->loaded = true;
	if (rc != 0)
		return rc;
	if (p->scope_arg && hr_policy_set(&p->common->policy, "pre-receive", "scope", p->scope_arg,
		    err, sizeof(err)) < 0) {
		hr_cli_error("--scope: %s", err);
		return HR_EXIT_USAGE;
	}
	*out = &p->common->policy;
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
	char *input = NULL;
	size_t input_len = 0;
	char err[1024] = "";
	const char *scope_arg = NULL;
	bool show_stats = false;
	int c, rc;

	hr_cli_common_init(&common);
	optind = 0;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
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

	hr_env env = { .vars = environ, .cwd = NULL };
	/* line-buffered: what goes to standard output and error reaches git in
	   the order it was written, as the daemon's client replays it */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* all of standard input first: a malformed line rejects the whole push */
	rc = hr_file_read(&input, &input_len, "-", 0, err, sizeof(err));
	if (rc < 0) {
		if (hr_env_value(&env, "GL_ID"))
			fputs("GL-HOOK-ERR: ", stderr);
		fprintf(stderr, "hook-run: %s; push rejected\n", err);
		rc = HR_EXIT_ERROR;
		goto out;
	}

	hr_report_opts ro;
	hr_cli_report_opts(&common, &ro, stdout);
	cli_policy source = { .common = &common, .scope_arg = scope_arg };
	hr_prereceive_request req = {
		.env = &env,
		.uid = (unsigned long)getuid(),
		.input = input,
		.input_len = input_len,
		.policy = load_policy,
		.policy_arg = &source,
		.format = common.format,
		.color = ro.color,
		.quiet = common.quiet,
		.show_stats = show_stats,
		.baseline = common.baseline,
		.fixed_elapsed = ro.fixed_elapsed,
		.elapsed = ro.elapsed,
		.out = stdout,
		.errout = stderr,
	};
	hr_verdict verdict;
	rc = hr_engine_prereceive(&verdict, &req);
	hr_verdict_free(&verdict);
out:
	free(input);
	hr_cli_common_free(&common);
	return rc;
}
