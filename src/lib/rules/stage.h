/*
 * stage.h - what each build stage has done to its filesystem so far, as far
 * as the Dockerfile shows it: the base (scratch, another stage, an image),
 * WORKDIR, USER, ARG/ENV values, and the paths its RUN lines visibly turn
 * into symlinks, chown/chmod, or create. The --link rules (link.c) judge a
 * copy against this state. Internal to the rules.
 */
#ifndef HOOK_RUN_STAGE_H
#define HOOK_RUN_STAGE_H

#include "rules_internal.h"

typedef struct hr_pathset {
	const char **items; /* absolute, normalised paths (arena strings) */
	size_t len;
	size_t cap;
} hr_pathset;

typedef struct hr_var {
	const char *name;
	const char *value;  /* NULL: declared without a value we can know */
} hr_var;

typedef struct hr_stage {
	size_t index;
	const hr_instruction *from;
	const char *name;        /* lower-cased `AS` name, or NULL */
	bool scratch;            /* nothing below it comes from an image */
	bool image_base;         /* built on an image we cannot see */
	const char *workdir;     /* absolute, normalised */
	bool workdir_unknown;    /* holds a variable we cannot resolve */
	bool user_nonroot;       /* a USER other than root/0 is in effect */
	const char *user;
	hr_pathset symlinks;     /* paths an earlier RUN made symlinks */
	hr_pathset meta_dirs;    /* directories not 0755 root:root any more */
	hr_pathset dirs;         /* paths known to be directories */
	hr_var *vars;
	size_t nvars;
	size_t cap_vars;
} hr_stage;

/* Called for every COPY/ADD, before its effect is recorded. */
typedef void (*hr_copy_visitor)(hr_check_ctx *c, const hr_stage *stage,
	const hr_instruction *in, const hr_instruction *outer, void *data);

/*
 * Walk the instructions stage by stage, calling `visit` for each COPY and ADD
 * (also those wrapped in ONBUILD: then `outer` is the ONBUILD instruction,
 * else it equals `in`).
 */
void hr__stages_walk(hr_check_ctx *c, hr_copy_visitor visit, void *data);

/*
 * Expand $VAR and ${VAR} with the stage's known values. NULL when a variable
 * is unknown or uses a form we do not evaluate.
 */
const char *hr__stage_expand(hr_check_ctx *c, const hr_stage *st, const char *s, size_t n);

/* Resolve a (possibly relative) path against WORKDIR and clean it; NULL if unknown. */
const char *hr__stage_resolve(hr_check_ctx *c, const hr_stage *st, const char *raw, size_t n);

/* Is `path` equal to `dir` or below it? */
bool hr__path_under(const char *path, const char *dir);

/* The first entry of `set` that `path` is equal to or below, or NULL. */
const char *hr__pathset_covering(const hr_pathset *set, const char *path);

bool hr__pathset_has(const hr_pathset *set, const char *path);

#endif
