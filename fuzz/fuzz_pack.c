/* SPDX-License-Identifier: MIT */
/*
 * fuzz_pack.c - the pack reader (packread.c): an .idx and a .pack that
 * may both lie, and the objects read through them (whole, OFS_DELTA and
 * REF_DELTA chains).
 *
 * The first input byte chooses the mode:
 *  - even: the input is an .idx and a .pack as found on disk: a 4-byte
 *    big-endian length, that many .idx bytes, the rest the .pack; every id
 *    the .idx lists (up to 64) is read as a tree and as a commit;
 *  - odd: the input is a .pack only, then a trailer: its last byte is a
 *    count n (up to 32) of 4-byte big-endian offsets before it; an .idx is
 *    built here that gives the object at offset k the id (k + 1) x 20, so
 *    the fuzzer reaches deep into entries and deltas without having to
 *    keep an .idx consistent (a REF_DELTA names its base that way too).
 *
 * Properties: every read ends (no loop, no spin: chains are bounded, and
 * each read is under libFuzzer's timeout), allocates no more than the
 * reader's limits allow (libFuzzer's -rss_limit_mb catches more), returns
 * one of its documented codes, and an object returned has the asked type.
 */
#include <git2.h>
#include <string.h>

#include "fuzz.h"
#include "git/git_internal.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void read_all(hr_packs *ps, const git_oid *ids, size_t n)
{
	static const int types[] = { GIT_OBJECT_TREE, GIT_OBJECT_COMMIT };
	for (size_t i = 0; i < n; i++)
		for (size_t t = 0; t < 2; t++) {
			hr_packobj *obj = NULL;
			int rc = hr_packs_read(ps, &ids[i], types[t], 0, &obj);
			FUZZ_ASSERT(rc == 0 || rc == HR_ENOTFOUND || rc == HR_EINVALID || rc == HR_ETOOBIG ||
				rc == HR_ENOMEM, "an undocumented result");
			FUZZ_ASSERT(rc == 0 ? obj != NULL && hr_packobj_len(obj) <= HR_PACK_OBJECT_MAX : obj == NULL,
				"object and result disagree");
			hr_packobj_free(obj);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	hr_packs *ps = NULL;

	if (!init) {
		git_libgit2_init();
		init = true;
	}
	if (size < 1 || hr_packs_new(&ps) < 0)
		return 0;
	const uint8_t *in = data + 1;
	size_t len = size - 1;
	if (!(data[0] & 1)) {
		if (len < 4 || be32(in) > len - 4)
			goto out;
		size_t idxlen = be32(in);
		const uint8_t *idx = in + 4, *pack = idx + idxlen;
		if (hr_packs_add_mem(ps, idx, idxlen, pack, len - 4 - idxlen) < 0)
			goto out;
		/* the ids the .idx lists, as the reader will look them up */
		size_t n = be32(idx + 8 + 255 * 4);
		n = n > 64 ? 64 : n;
		git_oid ids[64];
		for (size_t i = 0; i < n; i++)
			memcpy(ids[i].id, idx + 8 + 1024 + i * 20, 20);
		read_all(ps, ids, n);
		goto out;
	}
	if (len < 1)
		goto out;
	size_t n = in[len - 1] % 33;
	if (len - 1 < n * 4)
		goto out;
	size_t packlen = len - 1 - n * 4;
	const uint8_t *offsets = in + packlen;
	/* an .idx: fanout by the first id byte (k + 1), ids, crcs, offsets, checksums */
	size_t idxlen = 8 + 1024 + n * 28 + 40;
	unsigned char *idx = calloc(1, idxlen);
	git_oid ids[32];
	if (!idx)
		goto out;
	memcpy(idx, "\377tOc\0\0\0\2", 8);
	for (int byte = 0; byte < 256; byte++) {
		uint32_t count = (size_t)byte < n ? (uint32_t)byte : (uint32_t)n;
		unsigned char *f = idx + 8 + byte * 4;
		f[0] = (unsigned char)(count >> 24);
		f[1] = (unsigned char)(count >> 16);
		f[2] = (unsigned char)(count >> 8);
		f[3] = (unsigned char)count;
	}
	for (size_t k = 0; k < n; k++) {
		memset(ids[k].id, (int)(k + 1), 20);
		memcpy(idx + 8 + 1024 + k * 20, ids[k].id, 20);
		memcpy(idx + 8 + 1024 + n * 24 + k * 4, offsets + k * 4, 4);
	}
	/* the pack header's count must match: the fuzzer writes it, or not */
	if (hr_packs_add_mem(ps, idx, idxlen, in, packlen) == 0)
		read_all(ps, ids, n);
	hr_packs_free(ps);
	free(idx);
	return 0;
out:
	hr_packs_free(ps);
	return 0;
}
