/* SPDX-License-Identifier: MIT */
/*
 * fuzz_packed_refs.c - a repository's packed-refs file
 * (hr_packed_refs_parse, what hr_refdb_open reads): as git writes it, or
 * anything a hostile repository holds instead.
 *
 * Properties: a refused input returns nothing and a message naming a
 * line; an accepted one gives entries whose names pass git's
 * check_refname_format, strictly sorted (so unique), no more of them than
 * lines; written back as `<hex> <name>` lines they parse again to the same
 * entries.
 */
#include <string.h>

#include "fuzz.h"
#include "git/git_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hr_packed_refs p;
	char err[512] = "";

	int rc = hr_packed_refs_parse(&p, (const char *)data, size, err, sizeof(err));
	if (rc < 0) {
		FUZZ_ASSERT(!p.refs && !p.buf && p.n == 0, "a refused input returned entries");
		FUZZ_ASSERT(rc == HR_ENOMEM || (rc == HR_EINVALID && !strncmp(err, "packed-refs, line ", 18)),
			"a refused input without a message naming its line");
		return 0;
	}
	size_t lines = 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	FUZZ_ASSERT(p.n <= lines, "more entries than lines");
	FUZZ_ASSERT(size == 0 || data[size - 1] == '\n', "an unterminated last line accepted");

	size_t outlen = 0;
	for (size_t i = 0; i < p.n; i++) {
		size_t len = strlen(p.refs[i].name);
		FUZZ_ASSERT(hr_refname_valid(p.refs[i].name, len), "an entry with a refused name");
		FUZZ_ASSERT(i == 0 || strcmp(p.refs[i - 1].name, p.refs[i].name) < 0, "entries not strictly sorted");
		outlen += HR_OID_HEXSZ + 2 + len;
	}
	char *out = malloc(outlen + 1);
	FUZZ_ASSERT(out != NULL, "out of memory");
	size_t off = 0;
	for (size_t i = 0; i < p.n; i++) {
		hr_oid_fmt(out + off, &p.refs[i].id);
		off += HR_OID_HEXSZ;
		out[off++] = ' ';
		size_t len = strlen(p.refs[i].name);
		memcpy(out + off, p.refs[i].name, len);
		off += len;
		out[off++] = '\n';
	}
	hr_packed_refs again;
	rc = hr_packed_refs_parse(&again, out, off, err, sizeof(err));
	FUZZ_ASSERT(rc == 0 || rc == HR_ENOMEM, "the entries written back are refused");
	if (rc == 0) {
		FUZZ_ASSERT(again.n == p.n, "the entries written back parse to another count");
		for (size_t i = 0; i < p.n; i++) {
			FUZZ_ASSERT(!strcmp(again.refs[i].name, p.refs[i].name), "a name changed");
			FUZZ_ASSERT(hr_oid_equal(&again.refs[i].id, &p.refs[i].id), "an id changed");
		}
	}
	hr_packed_refs_free(&again);
	free(out);
	hr_packed_refs_free(&p);
	return 0;
}
