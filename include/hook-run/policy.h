/* SPDX-License-Identifier: MIT */
/*
 * policy.h - the settings a check runs with, and their defaults.
 *
 * The policy is plain data. hr_policy_set() takes one (section, key, value)
 * as it appears in `.hook-run.ini` or on the command line and validates it;
 * reading the file itself is the shell's job (config.h). No file at all means
 * hr_policy_init()'s defaults, which are the documented ones.
 *
 * Path patterns use git's wildmatch rules: `*` does not cross '/', `**`
 * does, and a pattern without '/' matches the base name at any depth.
 */
#ifndef HOOK_RUN_POLICY_H
#define HOOK_RUN_POLICY_H

#include "hook-run/common.h"
#include "hook-run/rules.h"

typedef enum hr_action { HR_ACTION_REJECT = 0, HR_ACTION_FIX } hr_action;
typedef enum hr_fix_mode { HR_FIX_MODE_SAFE = 0, HR_FIX_MODE_ALL } hr_fix_mode;
typedef enum hr_add_mode { HR_ADD_COPY_LINK = 0, HR_ADD_LINK, HR_ADD_OFF } hr_add_mode;
typedef enum hr_inline_mode {
	HR_INLINE_ALLOW = 0,
	HR_INLINE_REQUIRE_REASON,
	HR_INLINE_DENY,
} hr_inline_mode;
typedef enum hr_scope { HR_SCOPE_COMMITS = 0, HR_SCOPE_TIPS } hr_scope;
/* what blocks a commit or a push: the findings it adds, or every finding */
typedef enum hr_block_mode { HR_BLOCK_NEW = 0, HR_BLOCK_ALL } hr_block_mode;
typedef enum hr_gitattributes_mode {
	HR_GITATTR_HONOUR = 0,     /* attributes include and exclude */
	HR_GITATTR_INCLUDE_ONLY,   /* only attributes that include count (a server's choice) */
	HR_GITATTR_IGNORE,         /* .gitattributes is not read */
} hr_gitattributes_mode;
typedef enum hr_on_timeout { HR_ON_TIMEOUT_DENY = 0, HR_ON_TIMEOUT_ALLOW } hr_on_timeout;

#define HR_POLICY_MAX_PATTERNS 64

typedef struct hr_policy {
	/* [hook-run] */
	char *paths[HR_POLICY_MAX_PATTERNS];   /* which files are Dockerfiles */
	size_t npaths;
	bool paths_by_name;                    /* derived: no pattern of `paths` holds a '/' */
	unsigned char paths_first[HR_POLICY_MAX_PATTERNS]; /* derived: each pattern's literal first */
	unsigned char paths_last[HR_POLICY_MAX_PATTERNS];  /* and last byte, 0 for a wildcard */
	char *exclude[HR_POLICY_MAX_PATTERNS]; /* left out even when they match */
	size_t nexclude;
	char *exclude_suffixes[HR_POLICY_MAX_PATTERNS]; /* file-name endings that are never
	                                                   Dockerfiles (".patch"), any case */
	size_t nexclude_suffixes;
	char *vendored[HR_POLICY_MAX_PATTERNS]; /* third-party trees (exclude-style patterns) */
	size_t nvendored;
	hr_gitattributes_mode gitattributes;
	hr_action action;          /* pre-commit: reject, or fix the staged blob */
	hr_fix_mode fix_mode;
	char *syntax;              /* what the fixer writes: "docker/dockerfile:1" */
	unsigned min_major;        /* lowest accepted docker/dockerfile version */
	unsigned min_minor;
	char *frontends[HR_POLICY_MAX_PATTERNS]; /* other accepted frontends (wildmatch on the image name) */
	size_t nfrontends;
	hr_add_mode add;
	hr_inline_mode inline_suppressions;
	hr_severity fail_on;       /* lowest severity that makes the run fail */
	size_t max_size;           /* bytes; larger files are not judged (0: no limit) */
	hr_block_mode block;       /* hooks: block on new findings only (default), or on all */
	char *baseline;            /* a JSON baseline (--format json output): repository-relative
	                              in a repository's file, absolute in a server's; NULL: none */
	/* [rules] */
	hr_severity severity[HR_RULE_COUNT];
	/* [pre-receive] */
	hr_scope scope;
	unsigned timeout_ms;       /* 0: no budget */
	hr_on_timeout on_timeout;
	bool push_option_skip;     /* `git push -o hook-run.skip` is honoured */
	char *log_file;            /* where bypasses are logged; NULL: syslog */
} hr_policy;

/** The defaults. Returns 0 or HR_ENOMEM. */
int hr_policy_init(hr_policy *p);

/** Free what the policy owns (it can be re-initialised afterwards). */
void hr_policy_free(hr_policy *p);

/** Deep copy; returns 0 or HR_ENOMEM. */
int hr_policy_copy(hr_policy *dst, const hr_policy *src);

/**
 * Apply one setting. `section` is "hook-run", "rules" or "pre-receive".
 * Returns 0; HR_ENOTFOUND for an unknown section or key; HR_EINVALID for a
 * bad value (with a message in `err`, lower case, naming the key and the
 * accepted values); HR_ENOMEM.
 */
int hr_policy_set(hr_policy *p, const char *section, const char *key, const char *value,
	char *err, size_t errlen);

/**
 * Like hr_policy_set(), but a list key (paths, exclude, exclude-suffixes,
 * vendored, frontends) adds to the list instead of replacing it.
 */
int hr_policy_append(hr_policy *p, const char *section, const char *key, const char *value,
	char *err, size_t errlen);

/** What a path's .gitattributes say, as far as hook-run cares (git layer fills it). */
typedef enum hr_attr_state {
	HR_ATTR_UNSPECIFIED = 0,
	HR_ATTR_TRUE,     /* set, or a value other than "false" (and, for hook-run, "off") */
	HR_ATTR_FALSE,    /* unset (-attr), or the value "false" (and, for hook-run, "off") */
} hr_attr_state;

typedef struct hr_path_attrs {
	hr_attr_state hook_run;   /* `hook-run`: on includes, off excludes, before anything else */
	hr_attr_state vendored;   /* `linguist-vendored` (false: not vendored, whatever the list) */
	hr_attr_state generated;  /* `linguist-generated` */
} hr_path_attrs;

/**
 * Is `path` (relative to the repository root, '/'-separated) a candidate:
 * matched by `paths`, not left out by `exclude`, not a .dockerignore file?
 * Cheap; the sources read .gitattributes only for candidates.
 */
bool hr_policy_path_candidate(const hr_policy *p, const char *path);

/**
 * Can a file named name[0..len) (NUL-terminated there) be a candidate,
 * wherever it lies? false only when no pattern of `paths` can match it
 * (every pattern is then a file-name pattern): a tree walk skips such a
 * file without building its path. true means hr_policy_path_candidate()
 * decides.
 */
bool hr_policy_name_candidate(const hr_policy *p, const char *name, size_t len);

/**
 * Is a candidate a Dockerfile to judge, given its attributes (NULL: none)?
 * In order: `hook-run` on includes and off excludes; linguist-vendored or
 * linguist-generated true excludes; then a name ending in one of
 * `exclude-suffixes`, or a directory of `vendored` (unless
 * linguist-vendored is false), excludes. With gitattributes = include-only
 * the excluding attributes are ignored; with ignore, all of them.
 */
bool hr_policy_path_selected(const hr_policy *p, const char *path, const hr_path_attrs *attrs);

/** Candidate and selected without attributes: what plain files get. */
bool hr_policy_matches_path(const hr_policy *p, const char *path);

/** git's wildmatch: `*`, `?`, `[...]`, `**` (WM_PATHNAME semantics). */
bool hr_wildmatch(const char *pattern, const char *text);

/** Parse a size: bytes, or with k/K, m/M, g/G (optionally iB/B): "4M", "512k". */
bool hr_size_parse(const char *s, size_t *out);

/** Parse "error", "warning", "info", "off"; false if none of them. */
bool hr_severity_parse(const char *s, hr_severity *out);

#endif
