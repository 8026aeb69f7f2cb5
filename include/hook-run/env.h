/* SPDX-License-Identifier: MIT */
/*
 * env.h - a hook's environment as a value.
 *
 * git tells a hook almost everything through environment variables
 * (GIT_DIR, the quarantine, push options, the platform's GL_/GITEA_
 * variables) and its current directory. The engine and the git layer read
 * them from an hr_env instead of getenv()/getcwd(), so that one process
 * (the daemon, `hook-run serve`) can judge many hooks' pushes, each with
 * the environment its client sent. The in-process hook builds one from
 * `environ` and its own directory.
 *
 * An hr_env borrows its strings: they must outlive it.
 */
#ifndef HOOK_RUN_ENV_H
#define HOOK_RUN_ENV_H

#include <stdbool.h>
#include <stddef.h>

typedef struct hr_env {
	char *const *vars;  /* "NAME=VALUE" strings, NULL-terminated (as envp); NULL: none */
	const char *cwd;    /* absolute current directory of the hook; NULL: the process's own */
} hr_env;

/** The value of `name`, or NULL when it is unset. The first definition wins, as with getenv(3). */
const char *hr_env_get(const hr_env *env, const char *name);

/** The value of `name` when it is set and not empty, else NULL. */
const char *hr_env_value(const hr_env *env, const char *name);

#endif
