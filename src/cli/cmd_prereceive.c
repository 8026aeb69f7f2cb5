/* SPDX-License-Identifier: MIT */
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
 * When the server's configuration names a daemon ([serve] socket, see
 * cmd_serve.c), the push goes to it instead, and its answer (the same
 * bytes the engine would print here, in the same order, and the exit code)
 * is replayed. Whatever goes wrong on that path (no socket, refused,
 * slow, another version, busy, another user's socket, a daemon that dies
 * mid-answer) leads to one of two things only: daemon = auto checks the
 * push here with the budget that is left and says so once on standard
 * error; daemon = require rejects it. No failure of the daemon can accept
 * a push: only its well-formed answer "exit=0" does, or this process's
 * own check.
 *
 * Exit 0 accepts, 1 rejects (findings), 2 for bad input or configuration,
 * 3 for a git error (missing objects), 4 when the budget ran out (deny).
 */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gitcmd.h"
#include "serve.h"
#include "serve_audit.h"
#include "hook-run/config.h"
#include "hook-run/engine.h"
#include "hook-run/fileio.h"

extern char **environ;

static void usage(FILE *out)
{
	fputs("usage: hook-run pre-receive [options] < updates\n\n"
	      "The server-side hook: reads `<old> <new> <ref>` lines, checks every\n"
	      "Dockerfile the pushed commits add or change, and rejects the push on\n"
	      "findings. Configuration: --config, $HOOK_RUN_CONFIG, or hook-run.ini in\n"
	      "the repository's git directory; never a file from the pushed commits,\n"
	      "whose .gitattributes may add files or, unless gitattributes = include-only,\n"
	      "leave them out.\n"
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

/*
 * The daemon's path. Returns the exit code when the daemon judged the push
 * (or when daemon = require rejects it for want of one), or -1 to judge it
 * here. The flags that make this hook's policy its own (--config is the
 * daemon's file, but --set, --severity, --scope, --baseline, --no-config
 * are not) keep it in process. A push judged here after all gets the
 * daemon's audit log (if the configuration names one) in *fallback_log.
 */
typedef struct fallback_log {
	char *path;              /* the [serve] audit log, or NULL */
	hr_audit_full full;
	char decision[24];
} fallback_log;

static int try_daemon(const hr_cli_common *common, bool own_flags, const hr_env *env, bool show_stats,
	const hr_report_opts *ro, const char *input, size_t input_len, double started, fallback_log *fallback)
{
	char err[1024], why[1024], cwd[PATH_MAX], server_file[PATH_MAX + 16];
	const char *file = common->config_path;
	const char *test_socket = hr_env_value(env, "HOOK_RUN_TEST_SERVE_SOCKET");
	char *config_abs = NULL;
	hr_serve_config cfg;
	hr_policy policy;
	int rc = -1, dir_fd = -1, q_fd = -1;
	char **vars = NULL;
	size_t nvars = 0;

	if (own_flags || common->no_config)
		return -1;
	if (!file)
		file = hr_env_value(env, "HOOK_RUN_CONFIG");
	if (!file) {
		/* the repository's git directory, as the engine finds it: GIT_DIR, else here */
		const char *gd = hr_env_value(env, "GIT_DIR");
		char *real = realpath(gd ? gd : ".", NULL);
		if (real) {
			snprintf(server_file, sizeof(server_file), "%s/hook-run.ini", real);
			free(real);
			if (access(server_file, F_OK) == 0)
				file = server_file;
		}
	}
	if (!file && !test_socket)
		return -1;
	hr_serve_config_init(&cfg);
	if (hr_policy_init(&policy) < 0)
		return -1;
	/* a broken file: the in-process path says so exactly as it always did */
	if (file && hr_config_load_file_serve(&policy, &cfg, file, NULL, NULL, err, sizeof(err)) < 0)
		goto out;
	if (test_socket) {
		/* tests: every push through the daemon at this socket, or rejected */
		free(cfg.socket);
		cfg.socket = strdup(test_socket);
		cfg.mode = HR_DAEMON_REQUIRE;
	}
	if (!cfg.socket || cfg.mode == HR_DAEMON_OFF)
		goto out;
	if (file && !(config_abs = realpath(file, NULL)))
		goto out; /* unreadable: in process, with its message */
	if (!getcwd(cwd, sizeof(cwd)) ||
	    (dir_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(why, sizeof(why), "the hook's directory cannot be opened");
		goto failed;
	}
	const char *q = hr_env_value(env, "GIT_QUARANTINE_PATH");
	if (q && (q_fd = open(q, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(why, sizeof(why), "the quarantine directory cannot be opened");
		goto failed;
	}
	for (char *const *v = env->vars; v && *v; v++)
		nvars++;
	if (!(vars = calloc(nvars + 1, sizeof(char *)))) {
		snprintf(why, sizeof(why), "out of memory");
		goto failed;
	}
	nvars = 0;
	for (char *const *v = env->vars; v && *v; v++)
		if (hr_client_env_wanted(*v))
			vars[nvars++] = *v;
	double budget = policy.timeout_ms / 1000.0, now = hr_git_now();
	hr_proto_request r = {
		.cwd = cwd, .config = config_abs, .env = vars, .nenv = nvars, .format = common->format,
		.color = ro->color,
		.quiet = common->quiet, .stats = show_stats, .fixed_elapsed = ro->fixed_elapsed,
		.elapsed = ro->elapsed, .used = now - started,
		.input = (unsigned char *)(uintptr_t)input, .input_len = input_len,
	};
	snprintf(r.command, sizeof(r.command), "pre-receive");
	/* the daemon stops at the budget and still renders: a little more to answer */
	double deadline = budget > 0 ? started + budget + 5 : now + 600;
	r.deadline_ms = (unsigned)((deadline - now) * 1000);
	hr_client_call call = {
		.config = &cfg, .socket = cfg.socket, .request = &r, .dir_fd = dir_fd, .quarantine_fd = q_fd,
		.deadline = deadline,
	};
	hr_proto_answer a;
	if (hr_client_run(&a, &call, why, sizeof(why)) == HR_CLIENT_OK) {
		rc = hr_client_replay(&a) == 0 ? a.exit_code : HR_EXIT_ERROR;
		/* an answer that could not be replayed whole never accepts */
		hr_proto_answer_free(&a);
		goto out;
	}
failed:
	if (hr_env_value(env, "GL_ID"))
		fputs("GL-HOOK-ERR: ", stderr);
	if (cfg.mode == HR_DAEMON_REQUIRE) {
		hr_cli_print(stderr, "hook-run: push rejected: the daemon at %s cannot judge it (%s), and this server "
			"requires it (daemon = require)\n", cfg.socket, why);
		rc = HR_EXIT_ERROR;
	} else {
		hr_cli_print(stderr, "hook-run: the daemon at %s cannot judge this push (%s): checking it here\n",
			cfg.socket, why);
		rc = -1;
		/* the decision still goes on the record the daemon keeps */
		if (cfg.audit_log && (fallback->path = strdup(cfg.audit_log)) != NULL) {
			fallback->full = cfg.audit_full;
			hr_audit_decision_id(fallback->decision, sizeof(fallback->decision));
		}
	}
	fflush(stderr);
out:
	if (dir_fd >= 0)
		close(dir_fd);
	if (q_fd >= 0)
		close(q_fd);
	free(vars);
	free(config_abs);
	hr_policy_free(&policy);
	hr_serve_config_free(&cfg);
	return rc;
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
	double started = hr_git_now();
	hr_cli_common common;
	char *input = NULL;
	size_t input_len = 0;
	char err[1024] = "";
	fallback_log fallback = { .path = NULL };
	const char *scope_arg = NULL;
	bool show_stats = false;
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
	/*
	 * all of standard input first: a malformed line rejects the whole push.
	 * Bounded: a million ref updates take about 100 MB; more than 256 MB is
	 * not git talking
	 */
	rc = hr_file_read(&input, &input_len, "-", (size_t)256 * 1024 * 1024, err, sizeof(err));
	if (rc < 0) {
		if (rc == HR_ETOOBIG)
			snprintf(err, sizeof(err), "more than 256 MB of ref updates on standard input");
		if (hr_env_value(&env, "GL_ID"))
			fputs("GL-HOOK-ERR: ", stderr);
		hr_cli_print(stderr, "hook-run: %s; push rejected\n", err);
		rc = rc == HR_ETOOBIG ? HR_EXIT_USAGE : HR_EXIT_ERROR;
		goto out;
	}

	hr_report_opts ro;
	hr_cli_report_opts(&common, &ro, stdout);
	bool own_flags = common.noverrides || common.baseline || scope_arg;
	if ((rc = try_daemon(&common, own_flags, &env, show_stats, &ro, input, input_len, started, &fallback)) >= 0)
		goto out;
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
		.docs_url = ro.docs_url,
		.elapsed = ro.elapsed,
		.used = hr_git_now() - started,
		.out = stdout,
		.errout = stderr,
	};
	if (fallback.path)
		req.decision_id = fallback.decision;
	hr_verdict verdict;
	double t0 = hr_git_now();
	rc = hr_engine_prereceive(&verdict, &req);
	if (fallback.path) {
		/* as the daemon's worker records it; "in-process" says who judged */
		hr_audit_entry e = {
			.decision = fallback.decision, .verdict = &verdict, .exit_code = rc,
			.seconds = hr_git_now() - t0, .peer_uid = getuid(), .peer_pid = getpid(), .via = "in-process",
		};
		if (hr_audit_write(fallback.path, &e, err, sizeof(err)) < 0) {
			if (hr_env_value(&env, "GL_ID"))
				fputs("GL-HOOK-ERR: ", stderr);
			if (fallback.full == HR_AUDIT_FULL_REJECT && rc == 0) {
				hr_cli_print(stderr, "hook-run: push rejected: the decision cannot be recorded (%s) and this "
					"server requires it (audit-log-full = reject)\n", err);
				rc = HR_EXIT_ERROR;
			} else {
				hr_cli_print(stderr, "hook-run: this decision is not on the audit log: %s\n", err);
			}
		}
	}
	hr_verdict_free(&verdict);
out:
	free(fallback.path);
	free(input);
	hr_cli_common_free(&common);
	return rc;
}
