/* SPDX-License-Identifier: MIT */
/*
 * env.c - lookups in a hook's environment value (see env.h). A linear
 * scan: a hook's environment holds a few dozen variables, and each is
 * looked up a handful of times per push.
 */
#include <string.h>

#include "hook-run/env.h"

const char *hr_env_get(const hr_env *env, const char *name)
{
	size_t n = strlen(name);
	if (!env || !env->vars)
		return NULL;
	for (char *const *v = env->vars; *v; v++) {
		if (!strncmp(*v, name, n) && (*v)[n] == '=')
			return *v + n + 1;
	}
	return NULL;
}

const char *hr_env_value(const hr_env *env, const char *name)
{
	const char *v = hr_env_get(env, name);
	return v && *v ? v : NULL;
}
