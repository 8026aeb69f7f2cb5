/* SPDX-License-Identifier: MIT */
/*
 * report_internal.h - the reporter vtable: one implementation per format
 * (text.c, json.c, ...). report.c picks one by hr_format.
 */
#ifndef HOOK_RUN_REPORT_INTERNAL_H
#define HOOK_RUN_REPORT_INTERNAL_H

#include "hook-run/report.h"

typedef struct hr_report_ops {
	int (*add)(hr_reporter *r, const hr_report_item *item);
	int (*finish)(hr_reporter *r, const hr_report_summary *summary);
	void (*free)(hr_reporter *r);
} hr_report_ops;

struct hr_reporter {
	const hr_report_ops *ops;
	hr_report_opts opts;
	void *state;            /* the format's own data */
	const char *last_ref;   /* text: the ref of the previous group */
	/* text: what was found, per rule, and what the caps left out */
	size_t rule_count[HR_RULE_COUNT];
	size_t rule_fixable[HR_RULE_COUNT];
	size_t shown;           /* findings printed */
	size_t not_shown;       /* findings past max_shown / max_per_file */
};

extern const hr_report_ops hr_report_text_ops;
extern const hr_report_ops hr_report_json_ops;
extern const hr_report_ops hr_report_sarif_ops;
extern const hr_report_ops hr_report_junit_ops;
extern const hr_report_ops hr_report_gitlab_ops;
extern const hr_report_ops hr_report_github_ops;

/*
 * "hook-run: N files checked, M findings (K failing), F fixed, ..." without
 * a line ending: the summary the human-facing formats share.
 */
void hr_report_print_counts(FILE *out, const hr_report_summary *s);

/*
 * Write `s` with its control characters escaped (hr_buf_put_escaped()):
 * `path` quotes it as git quotes a path. Every string of a text report that
 * comes from outside hook-run (paths, ref names, messages quoting the
 * Dockerfile, patterns from a configuration) goes through here, so a name
 * like "x\nremote: ALL CHECKS PASSED" cannot forge a line of a push's
 * report, nor an escape sequence reach a terminal or a CI log.
 */
void hr_report_put(FILE *out, const char *s, bool path);

/* The instruction a finding is about, as one line (for keys and display). */
const char *hr_report_instruction_text(const hr_finding *f, char *buf, size_t buflen);

/* A path as a relative reference: leading "./" dropped (SARIF, GitLab, GitHub). */
const char *hr_report_relpath(const char *path);

/*
 * The line table of a checked file, to turn a finding's byte columns into
 * byte offsets and code point columns (SARIF's and GitHub's columns count
 * characters). Empty (every lookup fails) when the file was not parsed.
 */
typedef struct hr_report_lines {
	const char *data;
	size_t len;
	size_t *starts;   /* starts[i]: byte offset of line i + 1 */
	size_t n;         /* lines */
	size_t bom;       /* 3 when a UTF-8 BOM opens the file: not a column */
} hr_report_lines;

int hr_report_lines_init(hr_report_lines *l, const hr_result *res);
void hr_report_lines_free(hr_report_lines *l);

/* Byte offset of 1-based (line, byte column); SIZE_MAX when outside the file. */
size_t hr_report_lines_offset(const hr_report_lines *l, uint32_t line, uint32_t column);

/*
 * The 1-based code point column of (line, byte column): invalid UTF-8 counts
 * one per byte (as Go decodes it), a BOM on line 1 not at all. Outside the
 * file, the byte column itself.
 */
uint32_t hr_report_lines_codepoints(const hr_report_lines *l, uint32_t line, uint32_t column);

#endif
