/* SPDX-License-Identifier: MIT */
/*
 * unit.h - shared bits of the check(3) unit tests. Each test file defines
 * unit_suite(); tap_main.c runs it and prints TAP, one line per test, which
 * the automake TAP driver counts.
 */
#ifndef HOOK_RUN_UNIT_H
#define HOOK_RUN_UNIT_H

#include <check.h>
#include <string.h>

Suite *unit_suite(void);

/* compare a (ptr, len) string with a C string */
#define ck_assert_hr_str(s, expected) do { \
	const char *exp_ = (expected); \
	size_t exp_len_ = strlen(exp_); \
	ck_assert_msg((s).len == exp_len_ && memcmp((s).ptr, exp_, exp_len_) == 0, \
		"expected \"%s\", got \"%.*s\"", exp_, (int)(s).len, (s).ptr); \
} while (0)

#endif
