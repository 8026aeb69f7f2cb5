/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dockerfile.c - the pure core end to end, through its public API
 * only (hook-run/check.h, hook-run/diff.h): parse, every rule, the fixer in
 * both fix modes, and the unified diff of each change.
 *
 * Properties checked on every input, beyond "no crash, no leak, no
 * undefined behaviour":
 *  - hr_fix() never fails its own verification (HR_EINVALID is a bug);
 *  - the fixed bytes re-parse to the same instructions (same count, same
 *    keywords, ADD possibly become COPY) with only the added flag or
 *    directive, and no parse error appears that was not there;
 *  - a second fix is a no-op: fix(fix(x)) == fix(x), byte for byte;
 *  - the diff of a change is non-empty, and empty for equal buffers.
 * An input of odd length is also checked with add = link and
 * inline-suppressions = require-reason, so those branches are reached
 * without a prefix byte: the seed corpus stays plain Dockerfiles.
 */
#include <string.h>

#include "fuzz.h"
#include "hook-run/check.h"
#include "hook-run/diff.h"

static void same_instructions(const hr_dockerfile *a, const hr_dockerfile *b)
{
	FUZZ_ASSERT(a->ninstructions == b->ninstructions, "the fix changed the number of instructions");
	for (size_t i = 0; i < a->ninstructions; i++) {
		const hr_instruction *x = &a->instructions[i], *y = &b->instructions[i];
		bool add_to_copy = x->kind == HR_KW_ADD && y->kind == HR_KW_COPY;
		FUZZ_ASSERT(x->kind == y->kind || add_to_copy, "the fix changed an instruction's keyword");
		FUZZ_ASSERT(y->nflags == x->nflags || y->nflags == x->nflags + 1,
			"the fix changed flags beyond adding --link");
		FUZZ_ASSERT(x->nargs == y->nargs, "the fix changed an instruction's arguments");
	}
	FUZZ_ASSERT(!hr_dockerfile_has_errors(b) || hr_dockerfile_has_errors(a),
		"the fixed file has a parse error the input did not have");
}

static void one_mode(const uint8_t *data, size_t size, const hr_policy *policy)
{
	hr_result *r = NULL, *r2 = NULL;
	char *fixed = NULL, *again = NULL, *diff = NULL;
	size_t flen = 0, alen = 0, napplied = 0, napplied2 = 0;

	if (hr_check(&r, (const char *)data, size, policy) < 0)
		return; /* out of memory: nothing to judge */
	FUZZ_ASSERT(r->df, "hr_check gave no model for bytes it read");
	int rc = hr_fix(&fixed, &flen, &napplied, r, policy);
	FUZZ_ASSERT(rc != HR_EINVALID, "hr_fix failed its own verification");
	if (rc < 0)
		goto out;
	if (!napplied) {
		FUZZ_ASSERT(flen == size && memcmp(fixed, data, size) == 0, "no fix applied, yet bytes changed");
		goto out;
	}
	if (hr_check(&r2, fixed, flen, policy) < 0)
		goto out;
	same_instructions(r->df, r2->df);
	rc = hr_fix(&again, &alen, &napplied2, r2, policy);
	FUZZ_ASSERT(rc != HR_EINVALID, "the second hr_fix failed its own verification");
	if (rc < 0)
		goto out;
	FUZZ_ASSERT(napplied2 == 0 && alen == flen && memcmp(again, fixed, flen) == 0,
		"fix is not idempotent: a second fix changed the bytes again");
	if (hr_diff_unified(&diff, (const char *)data, size, fixed, flen, "Dockerfile") == 0)
		FUZZ_ASSERT(diff[0] != '\0' || (size == flen && memcmp(data, fixed, size) == 0),
			"a change with an empty diff");
out:
	free(diff);
	free(again);
	free(fixed);
	hr_result_free(r2);
	hr_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hr_policy policy;
	char err[256];
	char *diff = NULL;

	if (size > 1 << 20)
		return 0; /* max-size keeps real inputs smaller; big ones only slow the search */
	if (hr_policy_init(&policy) < 0)
		return 0;
	one_mode(data, size, &policy);
	policy.fix_mode = HR_FIX_MODE_ALL;
	one_mode(data, size, &policy);
	if (size & 1) {
		hr_policy_set(&policy, "hook-run", "add", "link", err, sizeof(err));
		hr_policy_set(&policy, "hook-run", "inline-suppressions", "require-reason", err, sizeof(err));
		one_mode(data, size, &policy);
	}
	hr_policy_free(&policy);

	/* the diff of equal buffers (two empty ones included) is empty */
	if (hr_diff_unified(&diff, (const char *)data, size, (const char *)data, size, "Dockerfile") == 0)
		FUZZ_ASSERT(diff[0] == '\0', "a diff of equal buffers is not empty");
	free(diff);
	return 0;
}
