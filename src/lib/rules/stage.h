/* SPDX-License-Identifier: MIT */
/*
 * stage.h - each build stage as hook-run follows it through its
 * instructions: the base (scratch, another stage, an image), WORKDIR, USER,
 * ARG/ENV values, the shell, and a filesystem model (fsmodel.h) that every
 * instruction updates: WORKDIR and COPY/ADD make directories and files, RUN
 * commands make, change and link paths (run.c), and what cannot be read
 * makes the model less certain. The --link rules (link.c, copy.c) judge a
 * copy against this state. Internal to the rules.
 */
#ifndef HOOK_RUN_STAGE_H
#define HOOK_RUN_STAGE_H

#include "fsmodel.h"
#include "basefs.h"

typedef struct hr_var {
	const char *name;
	const char *value;  /* NULL: declared without a value we can know */
} hr_var;

typedef struct hr_stage {
	size_t index;
	const hr_instruction *from;
	const char *name;        /* lower-cased `AS` name, or NULL */
	bool scratch;            /* nothing below it comes from an image */
	bool image_base;         /* built on an image (directly or through stages) */
	hr_base_image image;     /* what the base image is, as far as the table knows */
	const char *workdir;     /* absolute, normalised */
	bool workdir_unknown;    /* holds a variable we cannot resolve */
	hr_owner user;           /* who RUN and WORKDIR act as (HR_OWNER_UNKNOWN: an image's USER we cannot see) */
	const char *user_text;   /* USER as written, or NULL */
	bool shell_posix;        /* SHELL is a POSIX shell (RUN text can be read) */
	hr_fsmodel fs;
	hr_var *vars;
	size_t nvars;
	size_t cap_vars;
} hr_stage;

/* Called for every COPY/ADD, before its effect is recorded. */
typedef void (*hr_copy_visitor)(hr_check_ctx *c, hr_stage *stage,
	const hr_instruction *in, const hr_instruction *outer, void *data);

/*
 * Walk the instructions stage by stage, calling `visit` for each COPY and ADD
 * (also those wrapped in ONBUILD: then `outer` is the ONBUILD instruction,
 * else it equals `in`).
 */
void hr__stages_walk(hr_check_ctx *c, hr_copy_visitor visit, void *data);

/* The stage named or numbered `ref`, defined before `before`; NULL if none. */
hr_stage *hr__stage_find(hr_check_ctx *c, const char *ref);

/*
 * Expand $VAR and ${VAR} with the stage's known values, and quotes as BuildKit
 * reads a COPY/ADD word. NULL when a quote is unmatched, a variable
 * is unknown or uses a form we do not evaluate.
 */
const char *hr__stage_expand(hr_check_ctx *c, const hr_stage *st, const char *s, size_t n);

/* The name of the first variable in s[0,n) hr__stage_expand cannot resolve, or NULL. */
const char *hr__stage_unresolved(hr_check_ctx *c, const hr_stage *st, const char *s, size_t n);

/* what hr__stage_unresolved() names for a word with an unmatched quote,
   which BuildKit refuses ("unexpected end of statement") */
#define HR_UNTERMINATED_QUOTE "an unterminated quote"

/* Resolve a (possibly relative) path against WORKDIR and clean it; NULL if unknown. */
const char *hr__stage_resolve(hr_check_ctx *c, const hr_stage *st, const char *raw, size_t n);

/* Look a variable up (last definition wins); NULL if not declared. */
const hr_var *hr__stage_var(const hr_stage *st, const char *name, size_t n);

/* Parse a USER or --chown value ("root", "1000:1000", "app") into an owner. */
hr_owner hr__owner_parse(hr_check_ctx *c, const char *s, bool *is_name);

/* What RUN does to the stage's filesystem (run.c). */
void hr__run_effects(hr_check_ctx *c, hr_stage *st, const hr_instruction *in);

#endif
