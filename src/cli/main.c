/* SPDX-License-Identifier: MIT */
/*
 * main.c - the hook-run command line: a command table and a dispatcher.
 *
 * Every command lives in its own cmd_<name>.c and returns an exit code from
 * cli.h. This file only finds the command, and maps the global flags
 * (--help, --version, and --all as a shorthand for `audit`).
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zlib.h>

#include "cli.h"
#include "options.h"
#include "hook-run/git.h"
#include "hook-run/rules.h"
#include "hook-run/fileio.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const hr_command commands[] = {
	{ "check", hr_cmd_check, "check Dockerfiles against the policy" },
	{ "fix", hr_cmd_fix, "apply the safe fixes (or all, with --fix-mode all)" },
	{ "explain", hr_cmd_explain, "explain a rule: what, why, what --link changes" },
	{ "parse", hr_cmd_parse, "print BuildKit's view of Dockerfiles as JSON" },
	{ "pre-commit", hr_cmd_precommit, "the pre-commit hook: check (or fix) what is staged" },
	{ "pre-merge-commit", hr_cmd_premergecommit, "the pre-merge-commit hook: check a merge (never fixes)" },
	{ "pre-receive", hr_cmd_prereceive, "the server hook: check what a push adds" },
	{ "serve", hr_cmd_serve, "the daemon for servers with many repositories (status, reload)" },
	{ "audit", hr_cmd_audit, "check every Dockerfile of a revision, the working tree or a history" },
	{ "init", hr_cmd_init, "write a .hook-run.ini fitted to the repository" },
	{ "install", hr_cmd_install, "install the git hooks (core.hooksPath honoured)" },
	{ "uninstall", hr_cmd_uninstall, "remove the git hooks, restoring chained ones" },
	{ "help", cmd_help, "show this help" },
	{ "version", cmd_version, "show the version" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

void hr_cli_vprint(FILE *out, const char *fmt, va_list ap)
{
	hr_report_vprint(out, fmt, ap);
}

void hr_cli_print(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hr_cli_vprint(out, fmt, ap);
	va_end(ap);
}

void hr_cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("hook-run: ", stderr);
	va_start(ap, fmt);
	hr_cli_vprint(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *out)
{
	fputs("usage: hook-run <command> [options] [args]\n\n"
	      "Keeps Dockerfiles on a BuildKit policy: a `# syntax=` directive for\n"
	      "Dockerfile frontend 1.4+ and COPY --link where it is safe.\n\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fputs("\nRun 'hook-run <command> --help' for a command's options.\n", out);
}

static int cmd_help(int argc, char **argv)
{
	if (argc > 1) {
		for (size_t i = 0; i < NCOMMANDS; i++)
			if (strcmp(argv[1], commands[i].name) == 0) {
				char *sub[] = { argv[1], "--help", NULL };
				return commands[i].fn(2, sub);
			}
		hr_cli_error("unknown command '%s'", argv[1]);
		return HR_EXIT_USAGE;
	}
	usage(stdout);
	return HR_EXIT_OK;
}

/* `version [--format text|json]`: the JSON form is for scripts and bug reports */
static int cmd_version(int argc, char **argv)
{
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format=json") || (!strcmp(argv[i], "--format") && i + 1 < argc &&
							  !strcmp(argv[i + 1], "json"))) {
			json = true;
			i += argv[i][8] == '\0';
		} else if (!strcmp(argv[i], "--format=text") || (!strcmp(argv[i], "--format") && i + 1 < argc &&
								 !strcmp(argv[i + 1], "text"))) {
			json = false;
			i += argv[i][8] == '\0';
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			puts("usage: hook-run version [--format text|json]");
			return HR_EXIT_OK;
		} else {
			hr_cli_error("version: unknown argument '%s' (try --format json)", argv[i]);
			return HR_EXIT_USAGE;
		}
	}
	int maj, min, rev;
	if (!json) {
		printf("hook-run %s\n", PACKAGE_VERSION);
		return HR_EXIT_OK;
	}
	/* the library it runs with, loaded for the question (libgit2_lazy.c) */
	hr_git_library_version(&maj, &min, &rev);
	printf("{\"name\": \"hook-run\", \"version\": \"%s\", \"libgit2\": \"%d.%d.%d\", "
	       "\"jansson\": \"%s\", \"zlib\": \"%s\", \"rules\": %d, \"features\": [",
		PACKAGE_VERSION, maj, min, rev, jansson_version_str(), zlibVersion(), (int)HR_RULE_COUNT);
	const char *sep = "";
#ifdef __SANITIZE_ADDRESS__
	printf("%s\"asan\"", sep);
	sep = ", ";
#endif
	printf("%s\"build-context\", \"base-image-table\"]}\n", sep);
	return HR_EXIT_OK;
}

int main(int argc, char **argv)
{
	hr_cli_mark_start();
	/* Ctrl-C, SIGTERM...: remove the temporary files and locks hook-run made */
	hr_cleanup_install();
	if (argc < 2) {
		usage(stderr);
		return HR_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		return cmd_help(argc - 1, argv + 1);
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
		return cmd_version(argc - 1, argv + 1);
	if (strcmp(name, "--all") == 0) {
		/* `hook-run --all [args]` is `hook-run audit [args]` */
		argv[1] = "audit";
		return hr_cmd_audit(argc - 1, argv + 1);
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	hr_cli_error("unknown command '%s' (see 'hook-run --help')", name);
	return HR_EXIT_USAGE;
}
