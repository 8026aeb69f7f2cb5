/* SPDX-License-Identifier: MIT */
/*
 * fuzz_reflines.c - pre-receive's standard input (hr_ref_updates_parse):
 * `<old> <new> <ref>` lines as git writes them, or anything a broken or
 * hostile caller writes instead.
 *
 * Properties: either every line is accepted, or none is (nothing returned,
 * a message naming a line); an accepted ref name holds no space, CR, tab
 * or NUL, and is not empty; the count matches the number of lines.
 */
#include <string.h>

#include "fuzz.h"
#include "hook-run/git.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hr_ref_update *u = NULL;
	size_t n = 99;
	char err[512] = "";

	int rc = hr_ref_updates_parse(&u, &n, (const char *)data, size, err, sizeof(err));
	if (rc < 0) {
		FUZZ_ASSERT(!u && n == 0, "a refused input returned updates");
		FUZZ_ASSERT(rc == HR_ENOMEM || !strncmp(err, "standard input, line ", 21),
			"a refused input without a message naming its line");
		return 0;
	}
	size_t lines = 0;
	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	if (size && data[size - 1] != '\n')
		lines++;
	FUZZ_ASSERT(n == lines, "not one update per line");
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(u[i].ref);
		FUZZ_ASSERT(len > 0, "an empty ref name");
		FUZZ_ASSERT(!strpbrk(u[i].ref, " \r\t"), "a ref name with a space, CR or tab");
	}
	hr_ref_updates_free(u, n);
	return 0;
}
