/* SPDX-License-Identifier: MIT */
/*
 * check.h - run the policy over one Dockerfile and fix what can be fixed.
 *
 *   hr_result *r;
 *   hr_check(&r, data, len, &policy);      parse + every rule + suppressions
 *   for each r->findings[i] ...            sorted by position
 *   hr_fix(&out, &out_len, &n, r, &policy) minimal byte edits, verified
 *   hr_result_free(r);
 *
 * Pure: bytes in, findings and edits out. The result points into `data`
 * (through its model), so keep `data` alive as long as the result.
 *
 * A finding carries the byte edits of its fix and the fix's safety. hr_fix()
 * applies the edits the policy's fix mode allows (SAFE; or SAFE and RISKY
 * with fix-mode = all), refuses overlapping edits, then re-parses the output
 * and verifies that it has the same instructions with only the intended
 * changes; if not, nothing is changed and HR_EINVALID is returned.
 */
#ifndef HOOK_RUN_CHECK_H
#define HOOK_RUN_CHECK_H

#include "hook-run/dockerfile.h"
#include "hook-run/policy.h"
#include "hook-run/rules.h"

/** One replacement: input[start, end) becomes text[0, len). */
typedef struct hr_edit {
	size_t start;
	size_t end;
	const char *text;
	size_t len;
} hr_edit;

#define HR_FINDING_MAX_EDITS 3

/** What a fix's edits do, so that hr_fix() can verify exactly that. */
enum hr_fix_flags {
	HR_FIXES_LINK = 1 << 0,       /* inserts --link after the keyword */
	HR_FIXES_ADD_TO_COPY = 1 << 1, /* rewrites ADD as COPY --link */
	HR_FIXES_DEST_SLASH = 1 << 2, /* appends '/' to the destination */
};

typedef struct hr_finding {
	hr_rule_id rule;
	hr_severity severity;        /* after the policy's [rules] overrides */
	uint32_t line;               /* 1-based; 0: the whole file */
	uint32_t column;             /* 1-based byte column; 0: unknown */
	uint32_t end_line;
	uint32_t end_column;         /* exclusive */
	hr_span span;                /* the bytes the finding is about */
	const char *message;         /* what is wrong and what it changes in the image */
	const char *hint;            /* the decision or command that resolves it; may be NULL */
	hr_fix_safety fix;           /* HR_FIX_NONE when there are no edits */
	const char *fix_summary;     /* "insert --link", "rewrite ADD to COPY --link"; NULL if no fix */
	hr_edit edits[HR_FINDING_MAX_EDITS];
	size_t nedits;
	unsigned fix_flags;          /* enum hr_fix_flags: what the edits change */
	const hr_instruction *instruction; /* NULL for file-level findings */
	bool suppressed;             /* silenced by an inline `# check=skip=` */
	bool preexisting;            /* the file had it before the change (hr_result_mark_preexisting) */
	const char *suppression_reason; /* the text after `//`, or NULL */
} hr_finding;

typedef struct hr_result {
	hr_dockerfile *df;           /* NULL when the file was not parsed (see hr_check_skipped) */
	const hr_finding *findings;  /* unsuppressed first (sorted by position), then suppressed */
	size_t nfindings;            /* all of them */
	size_t nsuppressed;          /* how many at the end are suppressed */
	struct hr_result_private *priv;
} hr_result;

/** Parse `data` and run every rule. Returns 0 or HR_ENOMEM. */
int hr_check(hr_result **out, const char *data, size_t len, const hr_policy *policy);

/** What a path of the build context is. */
typedef enum hr_ctx_type {
	HR_CTX_UNKNOWN = 0, /* cannot tell */
	HR_CTX_ABSENT,
	HR_CTX_FILE,
	HR_CTX_DIR,
	HR_CTX_SYMLINK,
} hr_ctx_type;

/** hr_build_context flag: the file's bytes are an archive ADD would extract. */
#define HR_CTX_ARCHIVE 0x1u

/**
 * The build context as the caller sees it (a commit's tree, the index, a
 * directory), so that a copy's sources can be known as files or
 * directories. BuildKit's context is usually the repository root or the
 * Dockerfile's folder; the caller offers `ncandidates` roots (the
 * Dockerfile's folder first, then each parent up to the repository root)
 * and the check picks the one in which the file's sources exist (none, if
 * that is ambiguous). Paths are relative to a root, '/'-separated and clean;
 * "" is the root itself.
 */
typedef struct hr_build_context {
	size_t ncandidates;
	/** The type of `path` below candidate `root`; HR_CTX_ARCHIVE may be set in *flags. */
	hr_ctx_type (*lookup)(void *data, size_t root, const char *path, unsigned *flags);
	/**
	 * Call `fn` for each entry of the directory `path` below `root` (stop
	 * when it returns non-zero). Returns 0, or a negative value when the
	 * directory cannot be listed.
	 */
	int (*list)(void *data, size_t root, const char *path,
		int (*fn)(void *arg, const char *name, hr_ctx_type type, unsigned flags), void *arg);
	void *data;
} hr_build_context;

/** hr_check() with the build context (NULL: nothing is known about the sources). */
int hr_check_ext(hr_result **out, const char *data, size_t len, const hr_policy *policy,
	const hr_build_context *context);

/** Are these leading bytes of a file an archive BuildKit's ADD extracts (tar, or compressed)? */
bool hr_bytes_are_archive(const unsigned char *data, size_t len);

/**
 * A result for a file that was not read or judged (too large, unreadable as
 * text): one UncheckableFile finding with `reason` as its message.
 */
int hr_check_skipped(hr_result **out, const char *reason, const hr_policy *policy);

void hr_result_free(hr_result *r);

/**
 * Mark the findings of `r` that `before` - the same file before the change
 * (the parent commit's blob, HEAD's) - already had: the same rule about an
 * instruction with the same text (the logical line BuildKit assembled, so
 * moved lines still match), counted per key, so that a second copy of an
 * old instruction is new. Findings about the whole file (line 0) match by
 * rule. Sets hr_finding.preexisting; returns the number marked.
 */
size_t hr_result_mark_preexisting(hr_result *r, const hr_result *before);

/** Unsuppressed findings whose severity is at least `min`. */
size_t hr_result_count(const hr_result *r, hr_severity min);

/** Unsuppressed findings the policy's fix mode would fix. */
size_t hr_result_fixable(const hr_result *r, const hr_policy *policy);

/**
 * Apply the fixes the policy allows. *out is a malloc'd buffer with the new
 * content (NUL-terminated) and *napplied the number of findings fixed; when
 * nothing applies, *out is a copy of the input and *napplied is 0. Returns 0,
 * HR_ENOMEM, or HR_EINVALID when the result failed verification (a bug: the
 * input is then left alone).
 */
int hr_fix(char **out, size_t *out_len, size_t *napplied, const hr_result *r,
	const hr_policy *policy);

/** Would the policy's fix mode apply this finding's fix? */
bool hr_finding_fix_allowed(const hr_finding *f, const hr_policy *policy);

#endif
