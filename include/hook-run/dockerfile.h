/* SPDX-License-Identifier: MIT */
/*
 * dockerfile.h - the Dockerfile model: what BuildKit's parser makes of a
 * file, with the exact byte position of every piece.
 *
 * hr_dockerfile_parse() reads bytes and never fails on content: whatever
 * BuildKit would refuse (a duplicate directive, an unterminated heredoc, a
 * file with no instructions) becomes an hr_diag with a line, and the model
 * holds everything that could be read. It fails only when memory runs out.
 *
 * The model is read-only for callers. All of it lives in one arena owned by
 * the hr_dockerfile and freed by hr_dockerfile_free(). The input buffer is
 * not copied: keep it alive as long as the model.
 *
 * Conventions: offsets are 0-based into the input buffer, lines and columns
 * 1-based (columns count bytes). Spans are half-open [start, end).
 */
#ifndef HOOK_RUN_DOCKERFILE_H
#define HOOK_RUN_DOCKERFILE_H

#include "hook-run/common.h"

/** The instructions BuildKit's parser knows; anything else is UNKNOWN. */
typedef enum hr_keyword {
	HR_KW_UNKNOWN = 0,
	HR_KW_ADD,
	HR_KW_ARG,
	HR_KW_CMD,
	HR_KW_COPY,
	HR_KW_ENTRYPOINT,
	HR_KW_ENV,
	HR_KW_EXPOSE,
	HR_KW_FROM,
	HR_KW_HEALTHCHECK,
	HR_KW_LABEL,
	HR_KW_MAINTAINER,
	HR_KW_ONBUILD,
	HR_KW_RUN,
	HR_KW_SHELL,
	HR_KW_STOPSIGNAL,
	HR_KW_USER,
	HR_KW_VOLUME,
	HR_KW_WORKDIR,
} hr_keyword;

/** Lower-case name of a keyword ("copy"); "" for HR_KW_UNKNOWN. */
const char *hr_keyword_name(hr_keyword kw);

/**
 * A leading `--flag[=value]` word of an instruction. `text` is the word as
 * BuildKit sees it (quotes removed, escapes applied); `span` is where the
 * raw word sits in the input, which may cross a line continuation.
 */
typedef struct hr_flag {
	hr_str text;    /* "--from=build" */
	hr_str name;    /* "from": after "--", before the first '=' */
	hr_str value;   /* "build": after the first '='; empty if !has_value */
	bool has_value; /* an '=' was written */
	hr_span span;
} hr_flag;

/**
 * An argument as BuildKit's line parser produced it (node.Next values). For
 * COPY/ADD/VOLUME/FROM/EXPOSE in shell form and for JSON form, `span` is the
 * raw argument (for JSON: the quoted string token); for the others it is
 * empty (start == end).
 */
typedef struct hr_arg {
	hr_str text;
	hr_span span;
} hr_arg;

typedef struct hr_heredoc {
	hr_str name;         /* terminator word, quotes removed */
	uint64_t fd;         /* file descriptor prefix (3<<EOF), 0 if none */
	bool expand;         /* false when the word was quoted */
	bool chomp;          /* <<- : leading tabs stripped */
	hr_span body;        /* raw content, CRLF kept, terminator excluded */
	uint32_t body_line;  /* first body line (== terminator_line if empty) */
	uint32_t terminator_line;
} hr_heredoc;

typedef struct hr_instruction hr_instruction;

struct hr_instruction {
	hr_keyword kind;
	hr_str keyword;        /* as written: "copy", "COPY", "Copy" */
	hr_span keyword_span;
	hr_span span;          /* keyword start .. end of the last line */
	uint32_t start_line;   /* first physical line */
	uint32_t end_line;     /* last line, heredoc bodies and terminators included */
	uint32_t column;       /* column of the keyword */
	hr_str original;       /* the logical line BuildKit assembled */
	const hr_flag *flags;
	size_t nflags;
	hr_span args_span;     /* raw text after the flags (empty if none) */
	const hr_arg *args;
	size_t nargs;
	bool json_form;
	const hr_heredoc *heredocs; /* for ONBUILD: the wrapped instruction's, as in BuildKit */
	size_t nheredocs;
	const hr_instruction *sub; /* ONBUILD's wrapped instruction, or NULL */
	bool error;            /* a parse diagnostic was raised for it */
};

typedef enum hr_directive_kind {
	HR_DIRECTIVE_SYNTAX = 1,
	HR_DIRECTIVE_ESCAPE,
	HR_DIRECTIVE_CHECK,
} hr_directive_kind;

/** Why a directive-looking line is not (fully) honoured. A bit set. */
enum hr_directive_note {
	HR_DIRECTIVE_AFTER_BLOCK = 1 << 0,   /* after the leading directive block: a comment */
	HR_DIRECTIVE_INDENTED = 1 << 1,      /* leading blanks: the parser reads it, syntax detection does not */
	HR_DIRECTIVE_DUPLICATE = 1 << 2,     /* second one of its kind: a build error */
	HR_DIRECTIVE_AFTER_BOM = 1 << 3,     /* behind a UTF-8 BOM: Docker < 23 never saw it */
	HR_DIRECTIVE_IN_CONTINUATION = 1 << 4, /* a comment inside a continued instruction */
	HR_DIRECTIVE_AFTER_CHECK = 1 << 5,   /* below a `# check=` line: Docker 24-26 stop before it */
	HR_DIRECTIVE_INVALID_VALUE = 1 << 6, /* escape= neither \ nor ` */
	HR_DIRECTIVE_AFTER_SHEBANG = 1 << 7, /* below a #! line: syntax detection skips it, the parser does not */
};

/** A `# key=value` line for syntax, escape or check, honoured or not. */
typedef struct hr_directive {
	hr_directive_kind kind;
	hr_str name;        /* key as written */
	hr_str value;       /* trimmed value */
	uint32_t line;
	uint32_t column;    /* column of the '#' */
	hr_span span;       /* the whole line, without its line ending */
	hr_span value_span;
	bool honoured;      /* BuildKit acts on this line */
	bool parse_block;   /* BuildKit's Parse() took it as a directive: it is not one of
	                       the comments BuildKit attaches to the first instruction */
	unsigned notes;     /* enum hr_directive_note bits */
} hr_directive;

typedef struct hr_comment {
	hr_str text;        /* after '#', blanks trimmed */
	hr_span span;       /* '#' .. end of line (line ending excluded) */
	uint32_t line;
	bool in_continuation; /* inside a continued instruction (BuildKit drops it) */
} hr_comment;

typedef struct hr_dockerfile {
	const char *data;   /* the input, not owned */
	size_t len;
	bool bom;           /* starts with a UTF-8 byte order mark */
	bool crlf;          /* the first line ends with CRLF */
	char escape;        /* '\\' or '`', as BuildKit used it */
	uint32_t nlines;    /* physical lines */

	const hr_instruction *instructions;
	size_t ninstructions;
	const hr_directive *directives; /* every directive-looking line, in order */
	size_t ndirectives;
	const hr_directive *syntax;     /* the honoured one, or NULL */
	const hr_directive *escape_directive;
	const hr_directive *check;
	const hr_comment *comments;
	size_t ncomments;
	const hr_diag *diags;
	size_t ndiags;

	struct hr_dockerfile_private *priv; /* arena, line table */
} hr_dockerfile;

/**
 * Parse `len` bytes at `data`. On success *out is a model (possibly with
 * error diagnostics); free it with hr_dockerfile_free(). Returns 0, or
 * HR_ENOMEM (and *out NULL).
 */
int hr_dockerfile_parse(hr_dockerfile **out, const char *data, size_t len);

void hr_dockerfile_free(hr_dockerfile *df);

/** True when a diagnostic of severity error was raised. */
bool hr_dockerfile_has_errors(const hr_dockerfile *df);

/** Line and byte column (both 1-based) of byte `offset`. */
void hr_dockerfile_position(const hr_dockerfile *df, size_t offset,
	uint32_t *line, uint32_t *column);

/** Span of physical line `line` (1-based), line ending excluded. */
hr_span hr_dockerfile_line_span(const hr_dockerfile *df, uint32_t line);

/** The largest line BuildKit reads (bufio.Scanner's limit, minus one). */
#define HR_DOCKERFILE_MAX_LINE 65535

#endif
