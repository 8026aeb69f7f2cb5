/*
 * rules_internal.h - what the rule families share with the check driver
 * (src/lib/check.c): a context to add findings to, and one entry point per
 * family. Not part of the public API.
 */
#ifndef HOOK_RUN_RULES_INTERNAL_H
#define HOOK_RUN_RULES_INTERNAL_H

#include "arena.h"
#include "hook-run/check.h"

typedef struct hr_check_ctx {
	const hr_dockerfile *df;
	const hr_policy *policy;
	hr_arena *arena;     /* messages and edit texts live here */
	hr_vec *findings;    /* hr_finding */
	const char *eol;     /* "\n" or "\r\n": what inserted lines end with */
	int error;           /* sticky HR_ENOMEM */
} hr_check_ctx;

/*
 * Add a finding of `rule` about `span` (line and columns computed from it),
 * with a printf-style message. Returns NULL when out of memory. The
 * severity is filled in later by the driver.
 */
hr_finding *hr__finding(hr_check_ctx *c, hr_rule_id rule, hr_span span, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A file-level finding (line 0) */
hr_finding *hr__finding_file(hr_check_ctx *c, hr_rule_id rule, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* printf into the arena */
const char *hr__strf(hr_check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Add an edit (replace [start,end) with text) to f's fix. */
void hr__edit(hr_check_ctx *c, hr_finding *f, size_t start, size_t end, const char *text, size_t len);

/* Inline suppressions (suppress.c), applied once every rule has run. */
void hr__apply_suppressions(hr_check_ctx *c);

/* Rule families */
void hr__check_input(hr_check_ctx *c);  /* DockerfileParseError, UncheckableFile (binary) */
void hr__check_syntax(hr_check_ctx *c); /* Syntax* */
void hr__check_link(hr_check_ctx *c);   /* CopyLinkMissing, AddLinkMissing, Link*, InvalidLinkValue */

#endif
