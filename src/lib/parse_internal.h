/* SPDX-License-Identifier: MIT */
/*
 * parse_internal.h - state shared by the parser's files (dockerfile.c runs
 * the line loop, instruction.c parses one logical line, directive.c reads the
 * directive block). Not part of the public API.
 *
 * A logical line is BuildKit's joined text of continued physical lines. It is
 * kept with a segment table: each segment says which input bytes a stretch of
 * the logical line came from, so every word found in the logical line gets
 * its exact span in the file.
 */
#ifndef HOOK_RUN_PARSE_INTERNAL_H
#define HOOK_RUN_PARSE_INTERNAL_H

#include "arena.h"
#include "hook-run/dockerfile.h"

typedef struct hr_seg {
	size_t log; /* offset in the logical line */
	size_t src; /* offset in the input */
	size_t len;
} hr_seg;

struct hr_dockerfile_private {
	hr_arena arena;
	size_t *line_start; /* nlines + 1 entries; the last is the input length */
	hr_vec instructions, directives, comments, diags;
};

/* one directive seen by BuildKit's Parse() (the escape-honouring view) */
typedef struct hr_pv_directive {
	hr_directive_kind kind;
	uint32_t line;
	bool error; /* duplicate or invalid value */
} hr_pv_directive;

typedef struct hr_parser {
	hr_dockerfile *df;
	struct hr_dockerfile_private *priv;
	hr_arena *arena;
	const unsigned char *s;
	size_t n;
	const size_t *ls;      /* line starts */
	uint32_t nlines;
	uint32_t cur;          /* next physical line (0-based) */
	unsigned char esc;     /* current escape character */

	bool dp_done;          /* Parse()'s directive block has ended */
	unsigned dp_seen;      /* bit per hr_directive_kind */
	hr_vec pv;             /* hr_pv_directive */

	hr_buf logical;        /* scratch: the logical line */
	hr_vec segs;           /* scratch: hr_seg */
	uint32_t inst_start, inst_end; /* line range of the instruction at hand */

	bool too_long;         /* a line over BuildKit's scanner limit was met */
	uint32_t too_long_line;
	int error;             /* sticky HR_ENOMEM */
} hr_parser;

/* Record a diagnostic; message formatted into the arena. */
void hr__diag(hr_parser *p, hr_diag_kind kind, hr_severity sev, uint32_t line,
	uint32_t end_line, uint32_t column, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Map a logical-line offset to an input offset; a span likewise. */
size_t hr__map(const hr_parser *p, size_t log);
hr_span hr__map_span(const hr_parser *p, size_t log_start, size_t log_end);

/*
 * newNodeFromLine: parse logical[off .. off+len) into *inst (keyword, flags,
 * args, JSON form, ONBUILD's sub-instruction). Line numbers and heredocs are
 * the caller's. Parse errors become diagnostics; returns 0 or HR_ENOMEM.
 */
int hr__instruction_from_line(hr_parser *p, hr_instruction *inst, size_t off, size_t len);

/* Parse()'s directive parser, fed each leading line (already left-trimmed). */
void hr__directive_parse_line(hr_parser *p, uint32_t line, size_t start, size_t end);

/* A comment line at [hash, end) (hash points at '#'): record it, and a directive entry if it looks like one. */
void hr__comment_line(hr_parser *p, uint32_t line, size_t line_start, size_t hash, size_t end,
	bool in_continuation);

/* After the loop: decide which directives BuildKit honours, and why not the rest. */
void hr__directives_finish(hr_parser *p);

/* The `# key=value` test of BuildKit's directive parser on text after '#'. */
bool hr__directive_match(const unsigned char *s, size_t n, size_t *key_start, size_t *key_len,
	size_t *value_start, size_t *value_len);

/* Which directive a key names (case-insensitive), or 0. */
hr_directive_kind hr__directive_kind(const unsigned char *key, size_t len);

#endif
