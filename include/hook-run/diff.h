/* SPDX-License-Identifier: MIT */
/*
 * diff.h - unified diffs of two buffers, for `hook-run fix --diff` and the
 * pre-commit hook's report of what it changed.
 */
#ifndef HOOK_RUN_DIFF_H
#define HOOK_RUN_DIFF_H

#include "hook-run/common.h"

/**
 * A unified diff (3 lines of context, `--- a/PATH` / `+++ b/PATH` headers)
 * from a[0..alen) to b[0..blen), as a malloc'd NUL-terminated string in *out
 * (empty when the buffers are equal). Returns 0 or HR_ENOMEM.
 */
int hr_diff_unified(char **out, const char *a, size_t alen, const char *b, size_t blen,
	const char *path);

#endif
