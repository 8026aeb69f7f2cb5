/* SPDX-License-Identifier: MIT */
/*
 * report.h - turning results into output: gcc-style text, JSON, SARIF,
 * JUnit, GitLab Code Quality and GitHub workflow commands.
 *
 * A reporter is fed one item per checked file (with the ref and commit when
 * they matter) and finished with a summary. Text is streamed; the structured
 * formats are collected and written by hr_reporter_finish(). Items are copied
 * at add time, so the caller may free the result right after.
 */
#ifndef HOOK_RUN_REPORT_H
#define HOOK_RUN_REPORT_H

#include <stdarg.h>
#include <stdio.h>

#include "hook-run/check.h"

typedef enum hr_format {
	HR_FORMAT_TEXT = 0,
	HR_FORMAT_JSON,
	HR_FORMAT_SARIF,
	HR_FORMAT_JUNIT,
	HR_FORMAT_GITLAB,
	HR_FORMAT_GITHUB,
} hr_format;

/** Parse a --format value; false if unknown. */
bool hr_format_parse(const char *s, hr_format *out);
const char *hr_format_name(hr_format f);

typedef struct hr_report_opts {
	hr_format format;
	FILE *out;
	bool color;                /* text: ANSI colour (the caller decides: tty, NO_COLOR) */
	bool quiet;                /* text: findings only, no hints or summary */
	bool silent_no_match;      /* text, github: no "no Dockerfile matched" line (the
	                              hooks, run on every commit and push, say nothing) */
	const char *line_prefix;   /* prepended to every text line ("GL-HOOK-ERR: ") */
	const char *fix_command;   /* how a user fixes it locally, for hints */
	const hr_policy *policy;
	const char *docs_url;      /* where the rules are documented (the README as published
	                              with the source); a rule's URL is this + "#" + its name in
	                              lower case. NULL: no URLs */
	bool show_doc_urls;        /* text: a `docs:` line under each finding */
	size_t max_shown;          /* text: print at most this many findings (0: all); the rest
	                              are counted, and the summary says how to see them */
	size_t max_per_file;       /* text: ... and at most this many per file (0: all) */
	const char *all_command;   /* text: the command that shows everything ("hook-run audit
	                              --range A..B"), named when the caps left findings out */
	bool fixed_elapsed;        /* report `elapsed` below instead of the measured time */
	double elapsed;            /*   (reproducible output for tests: HOOK_RUN_TEST_ELAPSED) */
} hr_report_opts;

typedef struct hr_report_item {
	const char *path;
	const char *ref;           /* pre-receive/range: the ref, else NULL */
	const char *commit;        /* hex commit id, else NULL */
	const hr_result *result;
	size_t fixed;              /* findings fixed in this file */
	const char *diff;          /* unified diff of what was changed, or NULL */
	bool from_stdin;           /* read from standard input: the fix hint is `fix -` */
} hr_report_item;

typedef struct hr_report_summary {
	size_t files_checked;
	size_t findings;           /* unsuppressed, at any severity */
	size_t failing;            /* findings at or above fail-on */
	size_t fixed;
	size_t suppressed;
	size_t baselined;          /* findings hidden because --baseline records them */
	size_t preexisting;        /* findings the change did not add (block = new): not blocking */
	size_t unreadable;         /* files named or found that could not be read (an error
	                              was said for each): no "no Dockerfile matched" then */
	double elapsed;            /* seconds */
	const char *what;          /* "files", "staged files", "pushed commits" */
	const char *note;          /* an extra line (a bypass, a timeout), or NULL */
} hr_report_summary;

typedef struct hr_reporter hr_reporter;

int hr_reporter_new(hr_reporter **out, const hr_report_opts *opts);
int hr_reporter_add(hr_reporter *r, const hr_report_item *item);
int hr_reporter_finish(hr_reporter *r, const hr_report_summary *summary);
void hr_reporter_free(hr_reporter *r);

/**
 * The documentation URL of `rule` under `base` (base "#" lower-case name)
 * into buf; "" when base is NULL. Returns buf.
 */
const char *hr_rule_doc_url(char *buf, size_t bufsz, const char *base, hr_rule_id rule);

/**
 * printf() to `out` with what the arguments bring made safe to print (as
 * hr_escape()): a message naming a pushed path or ref cannot forge a
 * line (`remote: ...`) or send an escape sequence to a terminal. A final
 * newline is the line's own; any other is escaped.
 */
void hr_report_vprint(FILE *out, const char *fmt, va_list ap);
void hr_report_print(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
