/* SPDX-License-Identifier: MIT */
/*
 * jsonarray.h - BuildKit's JSON form (`CMD ["a", "b"]`), decided exactly as
 * Go's encoding/json decides it.
 *
 * BuildKit unmarshals the argument text into []any: any invalid JSON (bad
 * syntax, trailing text, a control character in a string, nesting deeper
 * than 10000, a number too large for float64) silently falls back to shell
 * form, while valid JSON with a non-string element is a hard build error.
 * Strings are decoded as Go does: invalid UTF-8 and lone surrogates become
 * U+FFFD.
 */
#ifndef HOOK_RUN_JSONARRAY_H
#define HOOK_RUN_JSONARRAY_H

#include "arena.h"
#include "hook-run/dockerfile.h"

typedef enum hr_jsonarray_result {
	HR_JSONARRAY_OK = 0,          /* an array of strings */
	HR_JSONARRAY_NOT_JSON = 1,    /* not a JSON array: shell form */
	HR_JSONARRAY_NOT_STRINGS = 2, /* valid JSON, an element is not a string */
} hr_jsonarray_result;

/**
 * Parse s[0..n) (leading white space allowed). On HR_JSONARRAY_OK, `out`
 * (a vec of hr_arg) receives the decoded strings, allocated in `arena`, with
 * spans relative to `s` plus `base`. Returns 0 or HR_ENOMEM; the verdict goes
 * to *result.
 */
int hr_jsonarray_parse(hr_jsonarray_result *result, hr_vec *out, hr_arena *arena,
	const char *s, size_t n, size_t base);

#endif
