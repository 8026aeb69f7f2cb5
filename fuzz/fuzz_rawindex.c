/* SPDX-License-Identifier: MIT */
/*
 * fuzz_rawindex.c - the index reader (hr_rawindex_parse): bytes that claim
 * to be a git index, of any version, with any extensions.
 *
 * Properties of an index it accepts: every entry has a NUL-terminated path
 * of the length it says, entries are in git's order, each stage-0 entry
 * is found again by hr_rawindex_find(), and cache-tree lookups stay inside
 * the node table; the writer (hr_rawindex_patch) replaces the first
 * stage-0 entry's blob and its output reads back, same entries, the new
 * blob there, the cache tree invalidated. Refused input always comes with
 * a message.
 */
#include <string.h>

#include "fuzz.h"
#include "git/git_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hr_rawindex ix;
	char err[512] = "";

	int rc = hr_rawindex_parse(&ix, data, size, "index", err, sizeof(err));
	if (rc < 0) {
		FUZZ_ASSERT(rc == HR_ENOMEM || err[0], "a refused index without a message");
		hr_rawindex_free(&ix);
		return 0;
	}
	hr_rawindex_entry prev = { 0 };
	for (size_t i = 0; i < ix.n; i++) {
		hr_rawindex_entry e, found;
		hr_rawindex_get(&ix, i, &e);
		FUZZ_ASSERT(e.path[e.pathlen] == '\0' && strlen(e.path) == e.pathlen, "a path of the wrong length");
		if (i) {
			size_t n = prev.pathlen < e.pathlen ? prev.pathlen : e.pathlen;
			int c = memcmp(prev.path, e.path, n);
			FUZZ_ASSERT(c < 0 || (c == 0 && (prev.pathlen < e.pathlen ||
				(prev.pathlen == e.pathlen && prev.stage < e.stage))), "entries out of order");
		}
		(void)hr_mode_kind(e.mode);
		if (e.stage == 0 && i % 7 == 0)
			FUZZ_ASSERT(hr_rawindex_find(&ix, e.path, &found) && found.pathlen == e.pathlen,
				"a stage-0 entry not found again");
		prev = e;
	}
	/* the writer: replace the first stage-0 entry's blob; the result reads back */
	for (size_t i = 0; i < ix.n; i++) {
		hr_rawindex_entry e;
		hr_rawindex_get(&ix, i, &e);
		if (e.stage)
			continue;
		git_oid new_id;
		memset(new_id.id, 0x5a, sizeof(new_id.id));
		hr_index_change ch = { e.path, e.id, &new_id, false };
		unsigned char *out = NULL;
		size_t outlen = 0;
		int prc = hr_rawindex_patch(&out, &outlen, &ix, &ch, 1, true, err, sizeof(err));
		FUZZ_ASSERT(prc == 0 || prc == HR_ENOMEM, "patching an entry that is there failed");
		if (prc == 0) {
			hr_rawindex back;
			FUZZ_ASSERT(ch.done, "the change was not applied");
			FUZZ_ASSERT(hr_rawindex_parse(&back, out, outlen, "patched", err, sizeof(err)) == 0,
				"the patched index does not read back");
			FUZZ_ASSERT(back.n == ix.n, "the patched index lost entries");
			hr_rawindex_entry got;
			FUZZ_ASSERT(hr_rawindex_find(&back, e.path, &got) && got.id->id[0] == 0x5a,
				"the patched entry does not hold the new blob");
			FUZZ_ASSERT(!back.ntree || back.tree[0].count == -1, "the cache tree was not invalidated");
			hr_rawindex_free(&back);
		}
		free(out);
		break;
	}
	if (ix.ntree) {
		FUZZ_ASSERT(ix.tree[0].next <= ix.ntree, "a cache-tree subtree past the table");
		for (size_t i = 0; i < ix.ntree; i++) {
			const hr_cachetree *c = hr_cachetree_child(&ix, &ix.tree[i], "a", 1);
			FUZZ_ASSERT(!c || (c > ix.tree && c < ix.tree + ix.ntree), "a cache-tree child outside the table");
		}
	}
	hr_rawindex_free(&ix);
	return 0;
}
