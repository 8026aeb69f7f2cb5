/* SPDX-License-Identifier: MIT */
/*
 * rules_internal.h - what the rule families share with the check driver
 * (src/lib/check.c): a context to add findings to, and one entry point per
 * family. Not part of the public API.
 */
#ifndef HOOK_RUN_RULES_INTERNAL_H
#define HOOK_RUN_RULES_INTERNAL_H

#include "arena.h"
#include "hook-run/check.h"

struct hr_stage;

typedef struct hr_check_ctx {
	const hr_dockerfile *df;
	const hr_policy *policy;
	const hr_build_context *bctx; /* the build context, or NULL */
	long bctx_root;      /* the candidate root the sources live in; -1: none chosen */
	struct hr_stage *stages; /* the stages walked so far (stage.c) */
	size_t nstages;
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

/* Which Dockerfile frontend the honoured `# syntax=` selects (syntax.c). */
typedef enum hr_frontend_kind {
	HR_FRONTEND_NONE = 0, /* no `# syntax=`: the builder's bundled frontend, version unknown */
	HR_FRONTEND_OTHER,    /* not docker/dockerfile, a digest without a tag, a tag we cannot read */
	HR_FRONTEND_LATEST,   /* docker/dockerfile with a floating tag (1, 1-labs, latest...) */
	HR_FRONTEND_VERSION,  /* docker/dockerfile MAJOR.MINOR[...] */
} hr_frontend_kind;

/*
 * The frontend of `df`: its kind, the version for HR_FRONTEND_VERSION, and
 * the reference as written (for messages; empty for HR_FRONTEND_NONE). A
 * digest-pinned reference counts by its tag: the tag is what the file
 * claims, and a file could claim the same with the tag alone.
 */
hr_frontend_kind hr__syntax_frontend(const hr_dockerfile *df, unsigned *major, unsigned *minor,
	hr_str *ref);

/*
 * Inline suppressions (suppress.c): a file-wide `# check=` value BuildKit
 * refuses to build becomes a DockerfileParseError (run with the input
 * checks, so such a file is not judged further); the suppressions
 * themselves are applied once every rule has run.
 */
void hr__check_check_directive(hr_check_ctx *c);
void hr__apply_suppressions(hr_check_ctx *c);

/* Rule families */
void hr__check_input(hr_check_ctx *c);  /* DockerfileParseError, UncheckableFile (binary) */
void hr__check_syntax(hr_check_ctx *c); /* Syntax* */
void hr__check_link(hr_check_ctx *c);   /* CopyLinkMissing, AddLinkMissing, Link*, InvalidLinkValue */

#endif
