/* SPDX-License-Identifier: MIT */
/*
 * common.h - types every part of hook-run shares: error codes, byte spans,
 * strings that point into a buffer, and diagnostics.
 *
 * The library never keeps a global "last error". A function returns 0 or a
 * negative hr_error; anything a user should read (a parse error with its
 * line, a bad config value) goes into a diagnostics list that the caller owns.
 *
 * Positions: byte offsets are 0-based; lines and columns are 1-based, and a
 * column counts bytes (as gcc does by default). 0 means "unknown / whole file".
 */
#ifndef HOOK_RUN_COMMON_H
#define HOOK_RUN_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Error codes: 0 is success, everything else is negative. */
typedef enum hr_error {
	HR_OK = 0,
	HR_ENOMEM = -1,    /* out of memory */
	HR_EINVALID = -2,  /* bad argument or bad input the caller must fix */
	HR_EIO = -3,       /* reading or writing a file failed */
	HR_EGIT = -4,      /* libgit2 reported an error */
	HR_ENOTFOUND = -5, /* a file, object or rule does not exist */
	HR_ETOOBIG = -6,   /* input over a configured size limit */
	HR_ECONFLICT = -7, /* overlapping edits, a lock held by someone else */
	HR_ETIMEOUT = -8,  /* a time budget ran out */
	HR_ESYMLINK = -9,  /* a symbolic link where hook-run never follows one */
	/*
	 * Not handled here: use the fallback reader. A fast reader that covers
	 * the common case (git's config files without libgit2, say) returns it
	 * for input it knows it does not read as git would; the caller then
	 * asks the complete, slower reader. Never shown to a user as a failure.
	 */
	HR_ENOTSUP = -10,
} hr_error;

/** Human-readable name of an error code ("out of memory"); never NULL. */
const char *hr_error_str(int error);

/**
 * `s` made safe to print on a terminal or into a log (a malloc'd copy, or
 * NULL when out of memory): control characters escaped, so a name such as
 * "x\nremote: ALL CHECKS PASSED" cannot forge a line, nor an escape
 * sequence reach a terminal. `path`: quoted as git's core.quotePath quotes
 * a path ("a\nb" in double quotes, '"' and '\\' escaped), only when needed;
 * otherwise (a message) only the control characters are escaped, in place.
 * UTF-8 text is kept; C1 controls and bytes that are not UTF-8 become \ooo.
 */
char *hr_escape(const char *s, bool path);

/** A half-open byte range [start, end) into the input buffer. */
typedef struct hr_span {
	size_t start;
	size_t end;
} hr_span;

/**
 * A string owned by whoever produced it (usually a model's arena). `ptr` is
 * NUL-terminated for convenience, but `len` is authoritative: Dockerfiles
 * may contain NUL bytes.
 */
typedef struct hr_str {
	const char *ptr;
	size_t len;
} hr_str;

typedef enum hr_severity {
	HR_SEVERITY_OFF = 0, /* a rule switched off; never attached to a finding */
	HR_SEVERITY_INFO = 1,
	HR_SEVERITY_WARNING = 2,
	HR_SEVERITY_ERROR = 3,
} hr_severity;

/** "error", "warning", "info" or "off". */
const char *hr_severity_name(hr_severity severity);

/**
 * What kind of problem a diagnostic reports. The kind says who would refuse
 * the file: BuildKit's parser, BuildKit's instruction parser, or hook-run
 * itself because the input is not text it can check.
 */
typedef enum hr_diag_kind {
	HR_DIAG_PARSE = 1,       /* BuildKit's parser.Parse fails the build */
	HR_DIAG_INSTRUCTION = 2, /* BuildKit's instructions.Parse fails the build */
	HR_DIAG_INPUT = 3,       /* binary, too large: hook-run will not judge it */
	HR_DIAG_NOTE = 4,        /* worth knowing; BuildKit builds it anyway */
} hr_diag_kind;

typedef struct hr_diag {
	hr_diag_kind kind;
	hr_severity severity;
	uint32_t line;     /* 1-based; 0 for the whole file */
	uint32_t column;   /* 1-based byte column; 0 when unknown */
	uint32_t end_line; /* last line concerned, >= line */
	const char *message; /* lower case, no final period */
} hr_diag;

#endif
