/* SPDX-License-Identifier: MIT */
/*
 * fuzz_rawtree.c - tree objects: their entries read in place
 * (hr_rawtree_next), their modes classified, and a whole tree of trees
 * walked for Dockerfiles (hr_tree_walk_files, what `audit` and a pushed
 * tree go through), served from an in-memory pack.
 *
 * Input: up to 32 objects, each as a 2-byte big-endian length and its
 * bytes; object k is a tree whose id is 20 bytes of value k + 1, so an
 * entry that names "\x02\x02..." points at object 1. The pack is built
 * here (deflated, a synthetic .idx), the walk starts at object 0.
 *
 * Then the history walk's comparison (hr_walk_compare_trees, what every
 * pushed commit goes through) of object 0 with object 1 as its parent's
 * tree, and with objects 1 and 2 (a merge).
 *
 * Properties: the reader always moves forward and stops; an entry it
 * returns has a non-empty name without '\0' inside the object; the walks
 * end (no stack overflow however deep or cyclic the trees: the depth is
 * bounded), every file they hand out has a canonical file mode, and an
 * error says what it is about.
 */
#include <git2.h>
#include <string.h>
#include <zlib.h>

#include "fuzz.h"
#include "git/git_internal.h"

#define MAX_OBJECTS 32

typedef struct buf {
	unsigned char *p;
	size_t len, cap;
	bool oom;
} buf;

static void put(buf *b, const void *data, size_t len)
{
	if (b->oom)
		return;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap < b->len + len)
			cap *= 2;
		unsigned char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void put32(buf *b, uint32_t v)
{
	unsigned char q[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
		(unsigned char)v };
	put(b, q, 4);
}

static int on_file(const hr_change *c, void *payload)
{
	size_t *count = payload;
	FUZZ_ASSERT(c->mode == 0100644 || c->mode == 0100755, "a file handed out with a raw mode");
	FUZZ_ASSERT(c->path && c->path[0], "a file without a path");
	(*count)++;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *objs[MAX_OBJECTS];
	size_t lens[MAX_OBJECTS], n = 0, pos = 0;
	static bool init;

	if (!init) {
		git_libgit2_init();
		init = true;
	}
	while (n < MAX_OBJECTS && size - pos >= 2) {
		size_t len = (size_t)data[pos] << 8 | data[pos + 1];
		pos += 2;
		if (len > size - pos)
			len = size - pos;
		objs[n] = data + pos;
		lens[n++] = len;
		pos += len;
	}

	/* each object on its own, read in place */
	for (size_t k = 0; k < n; k++) {
		hr_rawtree t = { NULL, NULL, objs[k], lens[k] };
		hr_rawentry e;
		size_t at = 0, before;
		int rc;
		do {
			before = at;
			rc = hr_rawtree_next(&t, &at, &e);
			if (rc == 1) {
				FUZZ_ASSERT(at > before && at <= lens[k], "the tree reader did not move forward");
				FUZZ_ASSERT(e.namelen > 0 && strlen(e.name) == e.namelen, "a bad entry name");
				(void)hr_mode_kind(e.mode);
			}
		} while (rc == 1);
	}
	if (!n)
		return 0;

	/* all of them as a pack: object k has id (k + 1) x 20 */
	buf pack = { 0 }, idx = { 0 };
	uint64_t offs[MAX_OBJECTS];
	put(&pack, "PACK", 4);
	put32(&pack, 2);
	put32(&pack, (uint32_t)n);
	for (size_t k = 0; k < n; k++) {
		unsigned char h[16], z[(2 << 16) + 1024];
		size_t hn = 0, sz = lens[k];
		offs[k] = pack.len;
		h[hn] = (unsigned char)(2 << 4 | (sz & 15)); /* a tree */
		sz >>= 4;
		while (sz) {
			h[hn++] |= 0x80;
			h[hn] = sz & 127;
			sz >>= 7;
		}
		put(&pack, h, hn + 1);
		uLongf zlen = sizeof(z);
		if (compress2(z, &zlen, objs[k], (uLong)lens[k], 1) != Z_OK)
			goto out;
		put(&pack, z, zlen);
	}
	unsigned char sum[20] = { 0 };
	put(&pack, sum, 20);
	put(&idx, "\377tOc", 4);
	put32(&idx, 2);
	for (int byte = 0; byte < 256; byte++)
		put32(&idx, (uint32_t)((size_t)byte < n ? (size_t)byte : n)); /* ids 1..n: first byte k + 1 */
	for (size_t k = 0; k < n; k++) {
		unsigned char id[20];
		memset(id, (int)(k + 1), sizeof(id));
		put(&idx, id, 20);
	}
	for (size_t k = 0; k < n; k++)
		put32(&idx, 0);
	for (size_t k = 0; k < n; k++)
		put32(&idx, (uint32_t)offs[k]);
	put(&idx, sum, 20);
	put(&idx, sum, 20);
	if (pack.oom || idx.oom)
		goto out;

	hr_packs *packs = NULL;
	hr_policy policy;
	if (hr_packs_new(&packs) < 0)
		goto out;
	FUZZ_ASSERT(hr_packs_add_mem(packs, idx.p, idx.len, pack.p, pack.len) == 0, "the synthetic pack was refused");
	if (hr_policy_init(&policy) == 0) {
		hr_keyset blobs;
		hr_pathbuf path = { NULL, 0, 0 };
		hr_change proto;
		size_t saved, files = 0;
		char err[512] = "";
		git_oid root;
		memset(&root, 1, sizeof(root));
		memset(&proto, 0, sizeof(proto));
		hr_keyset_init(&blobs);
		if (hr_pathbuf_push(&path, "", &saved) == 0) {
			/* no object database: an object missing from the pack is an error */
			int rc = hr_tree_walk_files(NULL, packs, &root, &path, &policy, &blobs, &proto, on_file,
				&files, NULL, err, sizeof(err));
			FUZZ_ASSERT(rc == 0 || rc == HR_ENOMEM || err[0], "a failed walk without a message");
		}
		free(path.ptr);
		hr_keyset_free(&blobs);
		/*
		 * the history walk's comparison: object 0 against object 1 as
		 * the parent, then against objects 1 and 2 (a merge)
		 */
		git_oid parents[2];
		memset(&parents[0], 2, sizeof(parents[0]));
		memset(&parents[1], 3, sizeof(parents[1]));
		for (size_t np = 1; np <= 2 && np < n; np++) {
			size_t changes = 0;
			err[0] = '\0';
			int rc = hr_walk_compare_trees(packs, &root, parents, np, &policy, on_file, &changes,
				err, sizeof(err));
			FUZZ_ASSERT(rc == 0 || rc == HR_ENOMEM || err[0], "a failed comparison without a message");
		}
		hr_policy_free(&policy);
	}
	hr_packs_free(packs);
out:
	free(pack.p);
	free(idx.p);
	return 0;
}
