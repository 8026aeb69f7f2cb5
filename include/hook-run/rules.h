/* SPDX-License-Identifier: MIT */
/*
 * rules.h - the rules of the policy: stable ids, names in BuildKit's style,
 * default severities and the documentation `hook-run explain` prints.
 *
 * A rule is one static descriptor (src/lib/rules.c). The checks themselves
 * live in one file per rule family under src/lib/rules/ and produce
 * hr_finding values (check.h). Ids are never reused; names never change.
 */
#ifndef HOOK_RUN_RULES_H
#define HOOK_RUN_RULES_H

#include "hook-run/common.h"

typedef enum hr_rule_id {
	HR_RULE_SYNTAX_DIRECTIVE_MISSING = 0,
	HR_RULE_SYNTAX_DIRECTIVE_MISPLACED,
	HR_RULE_SYNTAX_VERSION_TOO_OLD,
	HR_RULE_SYNTAX_FRONTEND_UNKNOWN,
	HR_RULE_COPY_LINK_MISSING,
	HR_RULE_ADD_LINK_MISSING,
	HR_RULE_INVALID_LINK_VALUE,
	HR_RULE_LINK_CHOWN_BY_NAME,
	HR_RULE_LINK_THROUGH_SYMLINK,
	HR_RULE_LINK_OVERRIDES_PARENT_METADATA,
	HR_RULE_LINK_DESTINATION_AMBIGUOUS,
	HR_RULE_LINK_INEFFECTIVE_WITH_CHMOD,
	HR_RULE_DOCKERFILE_PARSE_ERROR,
	HR_RULE_UNCHECKABLE_FILE,
	HR_RULE_INLINE_SUPPRESSION_REFUSED,
	HR_RULE_LINK_EFFECT_UNKNOWN,
	HR_RULE_COUNT
} hr_rule_id;

/** How far an automatic fix can be trusted. */
typedef enum hr_fix_safety {
	HR_FIX_NONE = 0,  /* no automatic fix: a decision for a person */
	HR_FIX_RISKY = 1, /* applied only with fix-mode = all */
	HR_FIX_SAFE = 2,  /* the image provably stays the same: applied by default */
} hr_fix_safety;

typedef struct hr_rule {
	hr_rule_id id;
	const char *name;           /* "CopyLinkMissing" */
	const char *summary;        /* one line, for listings and SARIF shortDescription */
	hr_severity default_severity;
	hr_fix_safety best_fix;     /* the safest fix the rule can offer */
	const char *description;    /* what it checks and why (SARIF fullDescription) */
	const char *image_effect;   /* what --link (or the fix) changes in the image */
	const char *example_bad;    /* a Dockerfile fragment that triggers it */
	const char *example_good;   /* the preferred form */
	const char *silent_when;    /* when the rule stays quiet */
	const char *fix_text;       /* what the fix does and how safe it is */
} hr_rule;

/** The descriptor of `id`; NULL if out of range. */
const hr_rule *hr_rule_get(hr_rule_id id);

/** Look a rule up by name, case-insensitively; NULL if unknown. */
const hr_rule *hr_rule_find(const char *name, size_t len);

/**
 * The documentation of `rule` as `hook-run explain RULE` prints it (and as
 * SARIF's help text carries it): *out is a malloc'd, NUL-terminated string
 * the caller frees. Returns 0 or HR_ENOMEM.
 */
int hr_rule_explain(char **out, const hr_rule *rule);

/**
 * The base image table the --link rules judge by (src/lib/rules/basefs.c), as
 * Markdown: *out is malloc'd. Returns 0 or HR_ENOMEM.
 */
int hr_base_table_markdown(char **out);

/** "safe", "risky" or "none". */
const char *hr_fix_safety_name(hr_fix_safety safety);

#endif
