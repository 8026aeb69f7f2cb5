/* SPDX-License-Identifier: MIT */
/*
 * config.h - `.hook-run.ini` files (the shell layer; inih reads them).
 *
 * A file is applied on top of the policy it is given, so defaults, a server
 * file and command-line flags can be layered in that order. Any unknown
 * section or key, bad value or unreadable file is an error naming the file
 * and line: a typo must never silently weaken the policy.
 */
#ifndef HOOK_RUN_CONFIG_H
#define HOOK_RUN_CONFIG_H

#include "hook-run/policy.h"

/**
 * Apply the ini file at `path` to `p`. Returns 0; HR_ENOTFOUND when the
 * file does not exist; HR_EIO when it cannot be read; HR_EINVALID for bad
 * content. Messages ("FILE:LINE: ...") go into `err`.
 */
int hr_config_load_file(hr_policy *p, const char *path, char *err, size_t errlen);

/** The same for ini text in memory (a blob from the index or a commit). */
int hr_config_load_buffer(hr_policy *p, const char *data, size_t len, const char *name,
	char *err, size_t errlen);

struct hr_serve_config;

/**
 * hr_config_load_file() that also fills `serve` (NULL: checked, then
 * dropped) from the [serve] section, and hands back the file's bytes
 * (malloc'd, when `bytes` is not NULL) for the verdict cache's scope.
 */
int hr_config_load_file_serve(hr_policy *p, struct hr_serve_config *serve, const char *path,
	char **bytes, size_t *nbytes, char *err, size_t errlen);

int hr_config_load_buffer_serve(hr_policy *p, struct hr_serve_config *serve, const char *data,
	size_t len, const char *name, char *err, size_t errlen);

/** The file name looked for at a repository's root. */
#define HR_CONFIG_FILE_NAME ".hook-run.ini"

#endif
