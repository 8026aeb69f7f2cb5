/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the command files share: exit codes (mapped here and only
 * here), the command signature, and small output helpers.
 */
#ifndef HOOK_RUN_CLI_H
#define HOOK_RUN_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes, as documented in the README and the man page. */
enum hr_exit {
	HR_EXIT_OK = 0,       /* clean, or everything fixed */
	HR_EXIT_FINDINGS = 1, /* policy violations (or parse errors for `parse`) */
	HR_EXIT_USAGE = 2,    /* usage or configuration error */
	HR_EXIT_ERROR = 3,    /* git, I/O or internal error */
	HR_EXIT_TIMEOUT = 4,  /* time budget exceeded and on-timeout = deny */
};

typedef int (*hr_command_fn)(int argc, char **argv);

typedef struct hr_command {
	const char *name;
	hr_command_fn fn;
	const char *summary;
} hr_command;

/* Commands (one cmd_<name>.c each). argv[0] is the command name. */
int hr_cmd_parse(int argc, char **argv);
int hr_cmd_check(int argc, char **argv);
int hr_cmd_fix(int argc, char **argv);
int hr_cmd_explain(int argc, char **argv);
int hr_cmd_precommit(int argc, char **argv);      /* cmd_precommit.c */
int hr_cmd_premergecommit(int argc, char **argv); /* cmd_precommit.c */
int hr_cmd_prereceive(int argc, char **argv);
int hr_cmd_audit(int argc, char **argv);          /* also `hook-run --all` */
int hr_cmd_serve(int argc, char **argv);          /* cmd_serve.c, serve_worker.c */
int hr_cmd_install(int argc, char **argv);
int hr_cmd_init(int argc, char **argv);
int hr_cmd_uninstall(int argc, char **argv);

/*
 * Print "hook-run: <message>" to stderr, its control characters escaped
 * (hr_escape()): messages name paths, refs and values from repositories
 * that may hold a newline or an escape sequence.
 */
void hr_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same for any stream, without the "hook-run: " prefix nor the newline. */
void hr_cli_vprint(FILE *out, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void hr_cli_print(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));


/* The default limit on a file's size before hook-run refuses to judge it. */
#define HR_DEFAULT_MAX_SIZE ((size_t)4 * 1024 * 1024)

#endif
