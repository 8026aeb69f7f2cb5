/* SPDX-License-Identifier: MIT */
/*
 * options.h - what the reporting commands (check, fix, and later the git
 * ones) share: policy options, configuration discovery, output options, and
 * the walk that finds Dockerfiles under a directory.
 */
#ifndef HOOK_RUN_CLI_OPTIONS_H
#define HOOK_RUN_CLI_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

#include "hook-run/baseline.h"
#include "hook-run/policy.h"
#include "hook-run/report.h"

#define HR_MAX_OVERRIDES 64

typedef struct hr_cli_override {
	const char *section;
	const char *key;
	const char *value;
	const char *flag;   /* the option it came from, for messages */
	char *owned[2];     /* section/key copies made from the argument, freed with the rest */
} hr_cli_override;

typedef struct hr_cli_common {
	hr_policy policy;
	const char *config_path;       /* --config */
	const char *config_used;       /* what was loaded (for messages), or NULL */
	hr_cli_override overrides[HR_MAX_OVERRIDES];
	size_t noverrides;
	hr_format format;
	bool color_flag_set;
	bool doc_urls;               /* --doc-urls: text shows each rule's documentation URL */
	bool only_new;               /* hooks with block = new: preexisting findings do not block */
	bool color;
	bool quiet;
	bool no_config;                /* --no-config: defaults and flags only */
	hr_baseline *baseline;         /* --baseline FILE, loaded when parsed; or NULL */
} hr_cli_common;

/* Option ids of the shared options (above the ASCII range). */
enum {
	HR_OPT_CONFIG = 1000, HR_OPT_FIX_MODE, HR_OPT_ACTION, HR_OPT_SEVERITY, HR_OPT_FORMAT,
	HR_OPT_NO_COLOR, HR_OPT_COLOR, HR_OPT_MAX_SIZE, HR_OPT_NO_CONFIG, HR_OPT_SET,
	HR_OPT_BASELINE, HR_OPT_DOC_URLS,
};

/* The shared entries for a getopt_long table (terminated by a zero entry). */
#define HR_COMMON_LONG_OPTIONS \
	{ "config", required_argument, NULL, HR_OPT_CONFIG }, \
	{ "no-config", no_argument, NULL, HR_OPT_NO_CONFIG }, \
	{ "fix-mode", required_argument, NULL, HR_OPT_FIX_MODE }, \
	{ "action", required_argument, NULL, HR_OPT_ACTION }, \
	{ "severity", required_argument, NULL, HR_OPT_SEVERITY }, \
	{ "set", required_argument, NULL, HR_OPT_SET }, \
	{ "format", required_argument, NULL, HR_OPT_FORMAT }, \
	{ "no-color", no_argument, NULL, HR_OPT_NO_COLOR }, \
	{ "color", no_argument, NULL, HR_OPT_COLOR }, \
	{ "max-size", required_argument, NULL, HR_OPT_MAX_SIZE }, \
	{ "baseline", required_argument, NULL, HR_OPT_BASELINE }, \
	{ "doc-urls", no_argument, NULL, HR_OPT_DOC_URLS }, \
	{ "quiet", no_argument, NULL, 'q' }

/* Help text for the shared options. */
extern const char hr_common_options_help[];

void hr_cli_common_init(hr_cli_common *c);
void hr_cli_common_free(hr_cli_common *c);

/*
 * Handle a shared option; returns 1 if it was one, 0 if not, or minus the
 * exit code after printing the error: -HR_EXIT_USAGE for a bad option or
 * value, -HR_EXIT_ERROR when memory ran out (never a usage error).
 */
int hr_cli_common_option(hr_cli_common *c, int opt, const char *arg);

/*
 * Build the policy: defaults, then the configuration (--config, else
 * $HOOK_RUN_CONFIG, else .hook-run.ini at the root of the repository around
 * `start_dir`), then the command-line overrides. Prints errors; returns 0 or
 * an exit code (2 for configuration errors).
 */
int hr_cli_load_policy(hr_cli_common *c, const char *start_dir);

/* Apply the overrides only (for callers that load configuration themselves). */
int hr_cli_apply_overrides(hr_cli_common *c);

/*
 * Reporter options from the shared flags (colour: a tty and no NO_COLOR).
 * HOOK_RUN_TEST_ELAPSED=SECONDS makes every report show that elapsed time
 * instead of the measured one, so that tests can compare whole outputs.
 */
void hr_cli_report_opts(const hr_cli_common *c, hr_report_opts *opts, FILE *out);

/*
 * hr_reporter_new() with the error printed: 0, or the exit code (3 out of
 * memory, 2 a format this build cannot write).
 */
int hr_cli_reporter_new(hr_reporter **out, const hr_report_opts *opts);

/*
 * Report one checked file and count it into `summary`: the findings the
 * --baseline file records are hidden first, so they neither print nor
 * count towards `findings` / `failing` (summary->baselined counts them).
 * `print` false counts without printing (fix --dry-run). Every reporting
 * command goes through here, so --baseline means the same everywhere.
 * Returns 0, or a negative error (out of memory, the reporter's I/O).
 */
int hr_cli_report_file(hr_cli_common *c, hr_reporter *r, const hr_report_item *item, bool print,
	hr_report_summary *summary);

/* A list of paths (malloc'd strings). */
typedef struct hr_pathlist {
	char **items;
	size_t len;
	size_t cap;
} hr_pathlist;

void hr_pathlist_free(hr_pathlist *l);

/* Append a copy of `path`. 0, or -1 out of memory. */
int hr_pathlist_add(hr_pathlist *l, const char *path);

/*
 * The Dockerfiles under `dir` by the policy's patterns and, inside a git
 * working tree, its .gitattributes, sorted; `.git` directories are skipped.
 * Paths are matched from the top of the working tree (as the git commands
 * match them), outside one from `dir`. Returns 0 or an exit code after
 * printing an error.
 */
int hr_cli_find_dockerfiles(hr_pathlist *out, const char *dir, const hr_policy *policy);

/*
 * The client-side bypass: HOOK_RUN=0 (also false/no/off), or `hook-run` in
 * pre-commit's comma-separated SKIP list when `honour_skip`. Returns the
 * reason as a sentence, or NULL when there is no bypass. Server hooks never
 * call this: a pusher must not be able to switch the policy off.
 */
const char *hr_cli_client_bypass(bool honour_skip);

/* Seconds since an arbitrary point, for elapsed times. */
double hr_cli_now(void);

/**
 * Seconds since the process started (main() marks it): the time a summary
 * reports is what the user waited, option parsing and repository opening
 * included, not only the loop over the files.
 */
void hr_cli_mark_start(void);
double hr_cli_elapsed(void);

#endif
