/* SPDX-License-Identifier: MIT */
/*
 * test_pack.c - the pack reader (packread.c) on packs built here in
 * memory: whole objects and OFS/REF delta chains read back; 64-bit
 * offsets; the object cache (a table that grows, eviction, references
 * held past eviction); and every way an .idx or a .pack can lie (a fanout that falls
 * or overshoots, tables cut short, sizes no data can hold, deltas with bad
 * opcodes or sizes, chains that loop or run too deep, zlib streams cut at
 * every length). Each must end in an error or a fallback, quickly and
 * without a large allocation; never a crash.
 */
#include <git2.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>

#include "unit.h"
#include "git/git_internal.h"

typedef struct bytes {
	unsigned char *p;
	size_t len, cap;
} bytes;

static void put(bytes *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + len)
			cap *= 2;
		b->p = realloc(b->p, cap);
		ck_assert_ptr_nonnull(b->p);
		b->cap = cap;
	}
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void put32(bytes *b, uint32_t v)
{
	unsigned char q[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
		(unsigned char)v };
	put(b, q, 4);
}

enum { COMMIT = 1, TREE = 2, BLOB = 3, OFS = 6, REF = 7 };

/* one pack entry: a whole object, or a delta against entry `base` */
typedef struct entry {
	int type;              /* COMMIT, TREE, BLOB, OFS or REF */
	const unsigned char *data; /* the object, or the delta */
	size_t len;
	int base;              /* OFS/REF: the index of the base entry */
	int final_type;        /* the type once resolved */
	const unsigned char *final; /* the resolved object (for its id) */
	size_t final_len;
	uint64_t declared;     /* the size written in the header; 0: len */
	bool raw_size;         /* write `declared` even when 0 */
} entry;

#define MAX_ENTRIES 2048

typedef struct built {
	bytes pack, idx;
	git_oid ids[MAX_ENTRIES];
	uint64_t offs[MAX_ENTRIES];
} built;

static void put_header(bytes *b, int type, uint64_t size)
{
	unsigned char h[16];
	size_t n = 0;
	h[n] = (unsigned char)(type << 4 | (size & 15));
	size >>= 4;
	while (size) {
		h[n++] |= 0x80;
		h[n] = size & 127;
		size >>= 7;
	}
	put(b, h, n + 1);
}

static void put_ofs(bytes *b, uint64_t ofs)
{
	unsigned char h[16];
	size_t pos = sizeof(h) - 1;
	h[pos] = ofs & 127;
	while (ofs >>= 7)
		h[--pos] = (unsigned char)(128 | (--ofs & 127));
	put(b, h + pos, sizeof(h) - pos);
}

static void put_deflated(bytes *b, const unsigned char *data, size_t len)
{
	uLongf zlen = compressBound((uLong)len);
	unsigned char *z = malloc(zlen);
	ck_assert_int_eq(compress2(z, &zlen, data, (uLong)len, 6), Z_OK);
	put(b, z, zlen);
	free(z);
}

static int cmp_oid_idx(const void *a, const void *b, void *ids)
{
	return git_oid_cmp(&((git_oid *)ids)[*(const int *)a], &((git_oid *)ids)[*(const int *)b]);
}

/*
 * Build a pack of entries e[0..n) and its version-2 .idx; with `big`, the
 * first object's offset goes through the 64-bit table.
 */
static void build(built *out, const entry *e, int n, bool big)
{
	memset(out, 0, sizeof(*out));
	put(&out->pack, "PACK", 4);
	put32(&out->pack, 2);
	put32(&out->pack, (uint32_t)n);
	for (int i = 0; i < n; i++) {
		out->offs[i] = out->pack.len;
		git_otype t = e[i].final_type == COMMIT ? GIT_OBJECT_COMMIT : e[i].final_type == TREE ? GIT_OBJECT_TREE
			: GIT_OBJECT_BLOB;
		ck_assert_int_eq(git_odb_hash(&out->ids[i], e[i].final, e[i].final_len, t), 0);
		put_header(&out->pack, e[i].type, e[i].declared || e[i].raw_size ? e[i].declared : e[i].len);
		if (e[i].type == OFS)
			put_ofs(&out->pack, out->offs[i] - out->offs[e[i].base]);
		else if (e[i].type == REF)
			put(&out->pack, out->ids[e[i].base].id, 20);
		put_deflated(&out->pack, e[i].data, e[i].len);
	}
	unsigned char sum[20] = { 0 };
	put(&out->pack, sum, 20);

	static int order[MAX_ENTRIES];
	ck_assert_int_le(n, MAX_ENTRIES);
	for (int i = 0; i < n; i++)
		order[i] = i;
	/* a tiny insertion sort by id (qsort_r is not C11) */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && cmp_oid_idx(&order[j - 1], &order[j], out->ids) > 0; j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	put(&out->idx, "\377tOc", 4);
	put32(&out->idx, 2);
	for (int byte = 0; byte < 256; byte++) {
		uint32_t count = 0;
		for (int i = 0; i < n; i++)
			if (out->ids[i].id[0] <= byte)
				count++;
		put32(&out->idx, count);
	}
	for (int i = 0; i < n; i++)
		put(&out->idx, out->ids[order[i]].id, 20);
	for (int i = 0; i < n; i++)
		put32(&out->idx, 0); /* crc32: not read */
	for (int i = 0; i < n; i++)
		put32(&out->idx, big && order[i] == 0 ? 0x80000000u : (uint32_t)out->offs[order[i]]);
	if (big) {
		put32(&out->idx, (uint32_t)(out->offs[0] >> 32));
		put32(&out->idx, (uint32_t)out->offs[0]);
	}
	put(&out->idx, sum, 20);
	put(&out->idx, sum, 20);
}

static void built_free(built *b)
{
	free(b->pack.p);
	free(b->idx.p);
}

/* read object i as `want`; returns the reader's code, checks the bytes when 0 */
static int read_obj(const built *b, int i, int want, const entry *e)
{
	hr_packs *ps;
	hr_packobj *obj = NULL;
	ck_assert_int_eq(hr_packs_new(&ps), 0);
	ck_assert_int_eq(hr_packs_add_mem(ps, b->idx.p, b->idx.len, b->pack.p, b->pack.len), 0);
	int rc = hr_packs_read(ps, &b->ids[i], want, 0, &obj);
	ck_assert(rc == 0 ? obj != NULL : obj == NULL);
	if (rc == 0 && e) {
		ck_assert_uint_eq(hr_packobj_len(obj), e[i].final_len);
		ck_assert(memcmp(hr_packobj_data(obj), e[i].final, e[i].final_len) == 0);
	}
	hr_packobj_free(obj);
	hr_packs_free(ps);
	return rc;
}

/* ---- objects ------------------------------------------------------------ */

static unsigned char tree_v1[64], tree_v2[64], tree_v3[64];
static const unsigned char commit_text[] =
	"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@b> 0 +0000\n"
	"committer C <c@d> 0 +0000\n\nmessage\n";

/* a tree of one entry "100644 Dockerfile\0<20 bytes of `fill`>" (38 bytes) */
static size_t make_tree(unsigned char *out, unsigned char fill)
{
	memcpy(out, "100644 Dockerfile", 18); /* with the NUL */
	memset(out + 18, fill, 20);
	return 38;
}

/* delta of base -> target: copy the first 18 bytes, insert the 20-byte id */
static size_t make_delta(unsigned char *out, const unsigned char *target, size_t base_len, size_t target_len)
{
	size_t n = 0;
	out[n++] = (unsigned char)base_len;   /* < 128: one byte */
	out[n++] = (unsigned char)target_len;
	out[n++] = 0x80 | 0x10;               /* copy: offset 0 (no bytes), one size byte */
	out[n++] = 18;
	out[n++] = 20;                        /* insert 20 bytes */
	memcpy(out + n, target + 18, 20);
	return n + 20;
}

static unsigned char d12[64], d23[64];
static size_t l1, l2, l3, dl12, dl23;

static void objects(entry *e)
{
	l1 = make_tree(tree_v1, 1);
	l2 = make_tree(tree_v2, 2);
	l3 = make_tree(tree_v3, 3);
	dl12 = make_delta(d12, tree_v2, l1, l2);
	dl23 = make_delta(d23, tree_v3, l2, l3);
	entry all[] = {
		{ TREE, tree_v1, l1, 0, TREE, tree_v1, l1, 0, false },
		{ OFS, d12, dl12, 0, TREE, tree_v2, l2, 0, false },
		{ OFS, d23, dl23, 1, TREE, tree_v3, l3, 0, false },
		{ COMMIT, commit_text, sizeof(commit_text) - 1, 0, COMMIT, commit_text, sizeof(commit_text) - 1, 0, false },
		{ REF, d12, dl12, 0, TREE, tree_v2, l2, 0, false },
	};
	memcpy(e, all, sizeof(all));
}

START_TEST(pack_reads_objects_and_deltas)
{
	entry e[5];
	built b;
	objects(e);
	for (int big = 0; big <= 1; big++) {
		build(&b, e, 4, big);
		ck_assert_int_eq(read_obj(&b, 0, GIT_OBJECT_TREE, e), 0);
		ck_assert_int_eq(read_obj(&b, 1, GIT_OBJECT_TREE, e), 0);
		ck_assert_int_eq(read_obj(&b, 2, GIT_OBJECT_TREE, e), 0); /* a chain of two deltas */
		ck_assert_int_eq(read_obj(&b, 3, GIT_OBJECT_COMMIT, e), 0);
		ck_assert_int_eq(read_obj(&b, 3, GIT_OBJECT_TREE, e), HR_EINVALID); /* not a tree */
		built_free(&b);
	}
	/* REF_DELTA: entry 4 is tree_v2 again, by id (the same id as entry 1: build a pack without it) */
	entry r[] = { e[0], e[4] };
	build(&b, r, 2, false);
	ck_assert_int_eq(read_obj(&b, 1, GIT_OBJECT_TREE, r), 0);
	built_free(&b);
	/* an id in no pack */
	build(&b, e, 4, false);
	hr_packs *ps;
	git_oid none;
	hr_packobj *obj;
	memset(&none, 0x5a, sizeof(none));
	ck_assert_int_eq(hr_packs_new(&ps), 0);
	ck_assert_int_eq(hr_packs_add_mem(ps, b.idx.p, b.idx.len, b.pack.p, b.pack.len), 0);
	ck_assert_int_eq(hr_packs_read(ps, &none, GIT_OBJECT_TREE, 0, &obj), HR_ENOTFOUND);
	hr_packs_free(ps);
	built_free(&b);
}
END_TEST

/* ---- lying indexes -------------------------------------------------------- */

static int add(const built *b)
{
	hr_packs *ps;
	ck_assert_int_eq(hr_packs_new(&ps), 0);
	int rc = hr_packs_add_mem(ps, b->idx.p, b->idx.len, b->pack.p, b->pack.len);
	hr_packs_free(ps);
	return rc;
}

static void set32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

START_TEST(idx_refused)
{
	entry e[5];
	built b;
	objects(e);
	build(&b, e, 4, false);
	ck_assert_int_eq(add(&b), 0);
	/* a fanout that falls */
	set32(b.idx.p + 8 + 10 * 4, 0x7fffffff);
	ck_assert_int_eq(add(&b), HR_EINVALID);
	/* one that ends above the object count (and the pack's count) */
	built_free(&b);
	build(&b, e, 4, false);
	for (int i = 0; i < 256; i++)
		set32(b.idx.p + 8 + i * 4, i < 128 ? 0 : 0x7fffffff);
	ck_assert_int_eq(add(&b), HR_EINVALID);
	/* tables cut short */
	built_free(&b);
	build(&b, e, 4, false);
	size_t full = b.idx.len;
	b.idx.len = full - 41;
	ck_assert_int_eq(add(&b), HR_EINVALID);
	b.idx.len = full - 3; /* a partial 64-bit offset entry */
	ck_assert_int_eq(add(&b), HR_EINVALID);
	b.idx.len = full;
	/* version 1, no magic */
	b.idx.p[0] = 0;
	ck_assert_int_eq(add(&b), HR_EINVALID);
	b.idx.p[0] = 0377;
	set32(b.idx.p + 4, 3);
	ck_assert_int_eq(add(&b), HR_EINVALID);
	set32(b.idx.p + 4, 2);
	/* a pack with another count, version, magic */
	set32(b.pack.p + 8, 5);
	ck_assert_int_eq(add(&b), HR_EINVALID);
	set32(b.pack.p + 8, 4);
	set32(b.pack.p + 4, 4);
	ck_assert_int_eq(add(&b), HR_EINVALID);
	set32(b.pack.p + 4, 2);
	b.pack.p[0] = 'X';
	ck_assert_int_eq(add(&b), HR_EINVALID);
	built_free(&b);
}
END_TEST

/* a 64-bit offset entry that points past its table is no object */
START_TEST(idx_bad_64bit_offset)
{
	entry e[5];
	built b;
	objects(e);
	build(&b, e, 4, true);
	ck_assert_int_eq(read_obj(&b, 0, GIT_OBJECT_TREE, e), 0);
	/* find object 0's row and point it at table entry 5 (there is one) */
	size_t shas = 8 + 1024, n = 4;
	for (size_t row = 0; row < n; row++)
		if (!memcmp(b.idx.p + shas + row * 20, b.ids[0].id, 20))
			set32(b.idx.p + shas + n * 24 + row * 4, 0x80000005u);
	ck_assert_int_eq(read_obj(&b, 0, GIT_OBJECT_TREE, e), HR_ENOTFOUND);
	/* and an offset past the pack's end */
	for (size_t row = 0; row < n; row++)
		if (!memcmp(b.idx.p + shas + row * 20, b.ids[0].id, 20))
			set32(b.idx.p + shas + n * 24 + row * 4, 0x7ffffff0u);
	ck_assert_int_eq(read_obj(&b, 0, GIT_OBJECT_TREE, e), HR_ENOTFOUND);
	built_free(&b);
}
END_TEST

/* ---- lying packs ------------------------------------------------------------ */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(pack_sizes_checked_before_allocating)
{
	entry e[5];
	built b;
	objects(e);
	uint64_t lies[] = { (uint64_t)1 << 40, (uint64_t)300 << 20, (uint64_t)100 << 20, 1000000 };
	for (size_t k = 0; k < sizeof(lies) / sizeof(lies[0]); k++) {
		e[0].declared = lies[k];
		build(&b, e, 4, false);
		double t0 = now();
		/* over 256 MB, or more than 38 deflated bytes can hold: an error, not a fallback */
		ck_assert_int_eq(read_obj(&b, 0, GIT_OBJECT_TREE, NULL), HR_ETOOBIG);
		ck_assert_int_eq(read_obj(&b, 2, GIT_OBJECT_TREE, NULL), HR_ETOOBIG); /* its deltas too */
		ck_assert(now() - t0 < 1.0);
		built_free(&b);
	}
	/* a size smaller than the data: the stream does not end there */
	e[0].declared = 5;
	build(&b, e, 4, false);
	ck_assert_int_eq(read_obj(&b, 0, GIT_OBJECT_TREE, NULL), HR_ENOTFOUND);
	built_free(&b);
	/* a delta that claims a 1 TB result */
	objects(e);
	unsigned char huge[64];
	memcpy(huge, d12, dl12);
	unsigned char lie[] = { (unsigned char)l1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10 };
	bytes d = { NULL, 0, 0 };
	put(&d, lie, sizeof(lie));
	put(&d, d12 + 2, dl12 - 2);
	e[1].data = d.p;
	e[1].len = d.len;
	build(&b, e, 2, false);
	ck_assert_int_eq(read_obj(&b, 1, GIT_OBJECT_TREE, NULL), HR_ETOOBIG);
	built_free(&b);
	free(d.p);
}
END_TEST

typedef struct delta_case {
	const char *name;
	unsigned char bytes[16];
	size_t len;
} delta_case;

/* deltas against tree_v1 (38 bytes) that must fail: each is a fallback, not a crash */
static const delta_case bad_deltas[] = {
	{ "opcode 0", { 38, 1, 0 }, 3 },
	{ "source size not the base's", { 37, 1, 1, 'x' }, 4 },
	{ "result shorter than said", { 38, 3, 1, 'x' }, 4 },
	{ "result longer than said", { 38, 1, 2, 'x', 'y' }, 5 },
	{ "copy past the base", { 38, 10, 0x91, 30, 10 }, 5 },
	{ "copy offset past the base", { 38, 1, 0x91, 200, 1 }, 5 },
	{ "insert past the delta", { 38, 5, 5, 'x' }, 4 },
	{ "copy bytes missing", { 38, 1, 0x9f }, 3 },
	{ "sizes cut short", { 0x80 }, 1 },
	{ "empty", { 0 }, 0 },
};

START_TEST(delta_refused)
{
	const delta_case *c = &bad_deltas[_i];
	entry e[5];
	built b;
	objects(e);
	e[1].data = c->bytes;
	e[1].len = c->len;
	build(&b, e, 2, false);
	ck_assert_msg(read_obj(&b, 1, GIT_OBJECT_TREE, NULL) == HR_ENOTFOUND, "%s", c->name);
	built_free(&b);
}
END_TEST

/* REF_DELTA against itself, and a cycle of two: each stops at once */
START_TEST(delta_loops_stop)
{
	entry e[5];
	built b;
	objects(e);
	e[0] = (entry){ REF, d12, dl12, 0, TREE, tree_v1, l1, 0, false }; /* a delta of itself */
	build(&b, e, 1, false);
	double t0 = now();
	ck_assert_int_eq(read_obj(&b, 0, GIT_OBJECT_TREE, NULL), HR_ENOTFOUND);
	built_free(&b);
	e[0] = (entry){ REF, d12, dl12, 1, TREE, tree_v1, l1, 0, false };
	e[1] = (entry){ REF, d12, dl12, 0, TREE, tree_v2, l2, 0, false };
	/* entry 0 names entry 1's id before it is known: build twice so both ids are right */
	build(&b, e, 2, false);
	built_free(&b);
	build(&b, e, 2, false);
	ck_assert_int_eq(read_obj(&b, 0, GIT_OBJECT_TREE, NULL), HR_ENOTFOUND);
	ck_assert(now() - t0 < 1.0);
	built_free(&b);
}
END_TEST

/* a pack cut at every length: errors and fallbacks, never a read past the end */
START_TEST(pack_truncated_everywhere)
{
	entry e[5];
	built b;
	objects(e);
	build(&b, e, 4, false);
	for (size_t len = 0; len < b.pack.len; len++) {
		unsigned char *cut = malloc(len ? len : 1);
		memcpy(cut, b.pack.p, len);
		hr_packs *ps;
		ck_assert_int_eq(hr_packs_new(&ps), 0);
		if (hr_packs_add_mem(ps, b.idx.p, b.idx.len, cut, len) == 0) {
			for (int i = 0; i < 4; i++) {
				hr_packobj *obj = NULL;
				int rc = hr_packs_read(ps, &b.ids[i], i == 3 ? GIT_OBJECT_COMMIT : GIT_OBJECT_TREE, 0, &obj);
				ck_assert(rc == 0 || rc == HR_ENOTFOUND || rc == HR_ETOOBIG);
				if (rc == 0) /* only whole objects, and their bytes are right */
					ck_assert(hr_packobj_len(obj) == e[i].final_len &&
						  !memcmp(hr_packobj_data(obj), e[i].final, e[i].final_len));
				hr_packobj_free(obj);
			}
		}
		hr_packs_free(ps);
		free(cut);
	}
	built_free(&b);
}
END_TEST

/* ---- finding an id in a crowded .idx range ---------------------------- */

#define CROWD 300

static unsigned char crowd_blobs[CROWD][16];

/*
 * CROWD blobs whose ids all start with byte 0x42 (found by trying
 * contents), so that one fanout range holds them all: find() then guesses
 * a row from the id's next bytes and brackets it (narrow), instead of
 * searching the range. Every id is found; ids beside each one, and below
 * and above the whole range, are not.
 */
START_TEST(crowded_range_found_exactly)
{
	static entry e[CROWD];
	static built b;
	int n = 0;
	for (unsigned k = 0; n < CROWD; k++) {
		git_oid id;
		unsigned char *c = crowd_blobs[n];
		snprintf((char *)c, sizeof(crowd_blobs[n]), "blob %08x", k);
		ck_assert_int_eq(git_odb_hash(&id, c, 13, GIT_OBJECT_BLOB), 0);
		if (id.id[0] == 0x42) {
			e[n] = (entry){ BLOB, c, 13, 0, BLOB, c, 13, 0, false };
			n++;
		}
	}
	build(&b, e, CROWD, false);
	hr_packs *ps;
	hr_packobj *obj = NULL;
	ck_assert_int_eq(hr_packs_new(&ps), 0);
	ck_assert_int_eq(hr_packs_add_mem(ps, b.idx.p, b.idx.len, b.pack.p, b.pack.len), 0);
	for (int i = 0; i < CROWD; i++) {
		ck_assert_int_eq(hr_packs_read(ps, &b.ids[i], GIT_OBJECT_BLOB, HR_PACKS_ONCE, &obj), 0);
		ck_assert_uint_eq(hr_packobj_len(obj), 13);
		ck_assert(memcmp(hr_packobj_data(obj), crowd_blobs[i], 13) == 0);
		hr_packobj_free(obj);
		/* the ids one above and one below in the last byte: in no pack (or the same object) */
		for (int d = -1; d <= 1; d += 2) {
			git_oid near = b.ids[i];
			near.id[19] = (unsigned char)(near.id[19] + d);
			int j = 0;
			while (j < CROWD && git_oid_cmp(&b.ids[j], &near))
				j++;
			int rc = hr_packs_read(ps, &near, GIT_OBJECT_BLOB, HR_PACKS_ONCE, &obj);
			ck_assert_int_eq(rc, j < CROWD ? 0 : HR_ENOTFOUND);
			hr_packobj_free(obj);
			obj = NULL;
		}
	}
	git_oid low, high;
	memset(&low, 0, sizeof(low));
	memset(&high, 0xff, sizeof(high));
	low.id[0] = high.id[0] = 0x42;
	ck_assert_int_eq(hr_packs_read(ps, &low, GIT_OBJECT_BLOB, HR_PACKS_ONCE, &obj), HR_ENOTFOUND);
	ck_assert_int_eq(hr_packs_read(ps, &high, GIT_OBJECT_BLOB, HR_PACKS_ONCE, &obj), HR_ENOTFOUND);
	hr_packs_free(ps);
	built_free(&b);
}
END_TEST

/*
 * The same with ids crafted so that the guess is far off: 450 ids just
 * above 42 00 00 00 00, 100 spread over the range, 450 just below
 * 42 ff ff ff ff. The guess for most of them lands hundreds of rows away,
 * and the steps that double walk up or down to them: every row is
 * somewhere a step lands exactly. The .idx is written here (every row
 * names the pack's one blob: find() does not hash what it finds), and the
 * pack's header claims as many objects.
 */
START_TEST(skewed_range_found_exactly)
{
	enum { ROWS = 1000 };
	static const unsigned char blob[] = "skewed";
	entry one = { BLOB, blob, 6, 0, BLOB, blob, 6, 0, false };
	static built b;
	static git_oid ids[ROWS];
	build(&b, &one, 1, false);
	for (uint32_t r = 0; r < ROWS; r++) {
		uint32_t v = r < 450 ? r : r < 550 ? (r - 450) * 40000000u + 100000u : 0xffffffffu - (ROWS - 1 - r);
		memset(&ids[r], 0, sizeof(ids[r]));
		ids[r].id[0] = 0x42;
		ids[r].id[1] = (unsigned char)(v >> 24);
		ids[r].id[2] = (unsigned char)(v >> 16);
		ids[r].id[3] = (unsigned char)(v >> 8);
		ids[r].id[4] = (unsigned char)v;
		ids[r].id[19] = 0x10;
		if (r)
			ck_assert_int_lt(git_oid_cmp(&ids[r - 1], &ids[r]), 0);
	}
	bytes idx = { 0 };
	unsigned char sum[20] = { 0 };
	put(&idx, "\377tOc", 4);
	put32(&idx, 2);
	for (int byte = 0; byte < 256; byte++)
		put32(&idx, byte < 0x42 ? 0 : ROWS);
	for (int r = 0; r < ROWS; r++)
		put(&idx, ids[r].id, 20);
	for (int r = 0; r < ROWS; r++)
		put32(&idx, 0);
	for (int r = 0; r < ROWS; r++)
		put32(&idx, (uint32_t)b.offs[0]);
	put(&idx, sum, 20);
	put(&idx, sum, 20);
	b.pack.p[8] = 0;
	b.pack.p[9] = 0;
	b.pack.p[10] = ROWS >> 8;
	b.pack.p[11] = ROWS & 255;

	hr_packs *ps;
	hr_packobj *obj = NULL;
	ck_assert_int_eq(hr_packs_new(&ps), 0);
	ck_assert_int_eq(hr_packs_add_mem(ps, idx.p, idx.len, b.pack.p, b.pack.len), 0);
	for (int r = 0; r < ROWS; r++) {
		ck_assert_msg(hr_packs_read(ps, &ids[r], GIT_OBJECT_BLOB, HR_PACKS_ONCE, &obj) == 0, "row %d", r);
		ck_assert(memcmp(hr_packobj_data(obj), blob, 6) == 0);
		hr_packobj_free(obj);
		obj = NULL;
		for (int d = -1; d <= 1; d += 2) {
			git_oid near = ids[r];
			near.id[19] = (unsigned char)(0x10 + d);
			ck_assert_msg(hr_packs_read(ps, &near, GIT_OBJECT_BLOB, HR_PACKS_ONCE, &obj) == HR_ENOTFOUND,
				"beside row %d", r);
		}
	}
	hr_packs_free(ps);
	free(idx.p);
	built_free(&b);
}
END_TEST

/* ---- the cache -------------------------------------------------------- */

#define CHAIN 1200

static unsigned char chain_trees[CHAIN][38], chain_deltas[CHAIN][64];

/*
 * CHAIN versions of a tree: version 0 whole, version i a delta against
 * version i - 1, so reading the last resolves (and caches) all of them:
 * more objects than the cache's first table holds.
 */
static void chain_objects(entry *e)
{
	for (int i = 0; i < CHAIN; i++) {
		make_tree(chain_trees[i], 0);
		chain_trees[i][18] = (unsigned char)(i >> 8);
		chain_trees[i][19] = (unsigned char)i;
		size_t dl = i ? make_delta(chain_deltas[i], chain_trees[i], 38, 38) : 0;
		e[i] = (entry){ i ? OFS : TREE, i ? chain_deltas[i] : chain_trees[i], i ? dl : 38, i - 1,
			TREE, chain_trees[i], 38, 0, false };
	}
}

static void expect_version(hr_packs *ps, const built *b, int i, unsigned flags)
{
	hr_packobj *obj = NULL;
	ck_assert_int_eq(hr_packs_read(ps, &b->ids[i], GIT_OBJECT_TREE, flags, &obj), 0);
	ck_assert_uint_eq(hr_packobj_len(obj), 38);
	ck_assert(memcmp(hr_packobj_data(obj), chain_trees[i], 38) == 0);
	ck_assert_int_eq(hr_packobj_data(obj)[38], 0);
	hr_packobj_free(obj);
}

/* Every read gives the right bytes, whatever the cache holds or evicts. */
START_TEST(cache_reads_agree_under_any_limit)
{
	static entry e[CHAIN];
	static built b;
	static const size_t limits[] = { (size_t)64 << 20, 40 * 100, 200, 0 };
	chain_objects(e);
	build(&b, e, CHAIN, false);
	for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
		hr_packs *ps;
		ck_assert_int_eq(hr_packs_new(&ps), 0);
		ck_assert_int_eq(hr_packs_add_mem(ps, b.idx.p, b.idx.len, b.pack.p, b.pack.len), 0);
		hr_packs_set_cache_limit(ps, limits[l], limits[l]);
		/* the newest first (the whole chain), then oldest first, then scattered */
		expect_version(ps, &b, CHAIN - 1, 0);
		for (int i = 0; i < CHAIN; i += 7)
			expect_version(ps, &b, i, i % 2 ? HR_PACKS_ONCE : 0);
		unsigned x = 12345;
		for (int k = 0; k < 3000; k++) {
			x = x * 1103515245u + 12345u;
			expect_version(ps, &b, (int)(x >> 8) % CHAIN, 0);
		}
		/* a smaller limit evicts at once */
		hr_packs_set_cache_limit(ps, limits[l] / 2, limits[l] / 2);
		expect_version(ps, &b, CHAIN / 2, 0);
		hr_packs_free(ps);
	}
	built_free(&b);
}
END_TEST

/*
 * The cache grows when a read asks again for what it evicted, and only up
 * to its ceiling; the bytes are right throughout.
 */
START_TEST(cache_grows_by_need)
{
	static entry e[CHAIN];
	static built b;
	hr_packs *ps;
	chain_objects(e);
	build(&b, e, CHAIN, false);
	ck_assert_int_eq(hr_packs_new(&ps), 0);
	ck_assert_int_eq(hr_packs_add_mem(ps, b.idx.p, b.idx.len, b.pack.p, b.pack.len), 0);
	hr_packs_set_cache_limit(ps, 1000, 20000);
	/* every version is built, few stay: a read of an older one asks again */
	for (int round = 0; round < 3; round++)
		for (int i = CHAIN - 1; i >= 0; i -= 50)
			expect_version(ps, &b, i, 0);
	size_t grown = hr_packs_cache_limit(ps);
	ck_assert_uint_gt(grown, 1000);
	ck_assert_uint_le(grown, 20000);
	for (int i = 0; i < CHAIN; i++)
		expect_version(ps, &b, i, 0);
	ck_assert_uint_le(hr_packs_cache_limit(ps), 20000);
	hr_packs_free(ps);
	built_free(&b);
}
END_TEST

/* An object a reader holds stays whole when the cache lets it go, or is freed. */
START_TEST(cache_reference_outlives_eviction)
{
	static entry e[CHAIN];
	static built b;
	hr_packs *ps;
	hr_packobj *held = NULL;
	chain_objects(e);
	build(&b, e, CHAIN, false);
	ck_assert_int_eq(hr_packs_new(&ps), 0);
	ck_assert_int_eq(hr_packs_add_mem(ps, b.idx.p, b.idx.len, b.pack.p, b.pack.len), 0);
	ck_assert_int_eq(hr_packs_read(ps, &b.ids[10], GIT_OBJECT_TREE, 0, &held), 0);
	hr_packs_set_cache_limit(ps, 0, 0);
	expect_version(ps, &b, CHAIN - 1, 0);
	hr_packs_free(ps);
	ck_assert(memcmp(hr_packobj_data(held), chain_trees[10], 38) == 0);
	hr_packobj_free(held);
	built_free(&b);
}
END_TEST

/*
 * What a reader holds is found by the next read, not built again, under
 * any limit: its bytes are the reader's, so they do not count against the
 * cache's limit, and the cache evicts them only once the reader lets go.
 */
START_TEST(cache_finds_what_a_reader_holds)
{
	static entry e[CHAIN];
	static built b;
	static const size_t limits[] = { 0, 1000 };
	chain_objects(e);
	build(&b, e, CHAIN, false);
	for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
		hr_packs *ps;
		hr_packobj *held[100], *again = NULL;
		ck_assert_int_eq(hr_packs_new(&ps), 0);
		ck_assert_int_eq(hr_packs_add_mem(ps, b.idx.p, b.idx.len, b.pack.p, b.pack.len), 0);
		hr_packs_set_cache_limit(ps, limits[l], limits[l]);
		/* 100 objects of about 100 bytes with their headers, all held: more than the limit */
		for (int i = 0; i < 100; i++)
			ck_assert_int_eq(hr_packs_read(ps, &b.ids[CHAIN - 1 - i], GIT_OBJECT_TREE, 0, &held[i]), 0);
		for (int i = 0; i < 100; i++) {
			ck_assert_int_eq(hr_packs_read(ps, &b.ids[CHAIN - 1 - i], GIT_OBJECT_TREE, HR_PACKS_ONCE, &again), 0);
			ck_assert_ptr_eq(again, held[i]);
			hr_packobj_free(again);
		}
		/* let go: the cache keeps what fits, the bytes stay right */
		for (int i = 0; i < 100; i++)
			hr_packobj_free(held[i]);
		for (int i = 0; i < 100; i++)
			expect_version(ps, &b, CHAIN - 1 - i, 0);
		hr_packs_free(ps);
	}
	built_free(&b);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("pack");
	TCase *tc = tcase_create("pack");
	git_libgit2_init();
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pack_reads_objects_and_deltas);
	tcase_add_test(tc, idx_refused);
	tcase_add_test(tc, idx_bad_64bit_offset);
	tcase_add_test(tc, pack_sizes_checked_before_allocating);
	tcase_add_loop_test(tc, delta_refused, 0, (int)(sizeof(bad_deltas) / sizeof(bad_deltas[0])));
	tcase_add_test(tc, delta_loops_stop);
	tcase_add_test(tc, pack_truncated_everywhere);
	tcase_add_test(tc, crowded_range_found_exactly);
	tcase_add_test(tc, skewed_range_found_exactly);
	tcase_add_test(tc, cache_reads_agree_under_any_limit);
	tcase_add_test(tc, cache_finds_what_a_reader_holds);
	tcase_add_test(tc, cache_reference_outlives_eviction);
	tcase_add_test(tc, cache_grows_by_need);
	suite_add_tcase(s, tc);
	return s;
}
