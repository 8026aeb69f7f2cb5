/* SPDX-License-Identifier: MIT */
/*
 * test_gitread.c - the hand-written git readers on bytes: the index
 * (rawindex.c) in versions 2, 3 and 4, and tree objects (rawtree.c, and
 * the classification of their modes). The pack reader has its own file.
 *
 * Index files are built here from a table of entries (build_index()), so
 * each case says what it holds; then they are cut at every length, given
 * every extension git writes, long prefix-compressed paths, names of 4095
 * bytes and more, entries out of order. A reader bug shows as a failed
 * assertion here, or as an invalid access under valgrind (test/valgrind.sh)
 * and in the sanitizer build.
 */
#include <git2.h>
#include <stdlib.h>

#include "unit.h"
#include "git/git_internal.h"

/* ---- building index files -------------------------------------------- */

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

static void put16(bytes *b, unsigned v)
{
	unsigned char q[2] = { (unsigned char)(v >> 8), (unsigned char)v };
	put(b, q, 2);
}

typedef struct ent {
	const char *path;
	unsigned mode;
	unsigned stage;
	bool ita;                /* intent-to-add (version 3 and 4) */
	unsigned char idbyte;    /* the id: 20 times this byte */
	int namelen;             /* the flags' name length when >= 0 (default: the real one) */
} ent;

typedef struct ext {
	const char *sig;
	const char *data;
	size_t len;
} ext;

/* git's varint of the v4 prefix length (read-cache.c, encode_varint) */
static void put_varint(bytes *b, size_t value)
{
	unsigned char v[16];
	size_t pos = sizeof(v) - 1;
	v[pos] = value & 127;
	while (value >>= 7)
		v[--pos] = (unsigned char)(128 | (--value & 127));
	put(b, v + pos, sizeof(v) - pos);
}

static bytes build_index(unsigned version, const ent *e, size_t n, const ext *x, size_t nx)
{
	bytes b = { NULL, 0, 0 };
	const char *prev = "";
	put(&b, "DIRC", 4);
	put32(&b, version);
	put32(&b, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		size_t start = b.len, plen = strlen(e[i].path);
		unsigned char zero[40] = { 0 }, id[20];
		bool extended = e[i].ita && version >= 3;
		put(&b, zero, 24);
		put32(&b, e[i].mode ? e[i].mode : 0100644);
		put(&b, zero, 12);
		memset(id, e[i].idbyte ? e[i].idbyte : 0xab, sizeof(id));
		put(&b, id, sizeof(id));
		size_t namelen = e[i].namelen >= 0 ? (size_t)e[i].namelen : plen < 0xfff ? plen : 0xfff;
		put16(&b, (e[i].stage << 12) | (extended ? 0x4000 : 0) | (unsigned)namelen);
		if (extended)
			put16(&b, e[i].ita ? 0x2000 : 0);
		if (version == 4) {
			size_t common = 0, prevlen = strlen(prev);
			while (common < plen && common < prevlen && prev[common] == e[i].path[common])
				common++;
			put_varint(&b, prevlen - common);
			put(&b, e[i].path + common, plen - common + 1);
			prev = e[i].path;
		} else {
			put(&b, e[i].path, plen);
			size_t pad = 8 - ((b.len - start) % 8); /* one to eight NULs */
			put(&b, zero, pad);
		}
	}
	for (size_t i = 0; i < nx; i++) {
		put(&b, x[i].sig, 4);
		put32(&b, (uint32_t)x[i].len);
		put(&b, x[i].data, x[i].len);
	}
	unsigned char checksum[20] = { 0 };
	put(&b, checksum, sizeof(checksum));
	return b;
}

static int parse(hr_rawindex *ix, const bytes *b, char *err)
{
	return hr_rawindex_parse(ix, b->p, b->len, "index", err, 256);
}

static const ent small[] = {
	{ "Dockerfile", 0100644, 0, false, 1, -1 },
	{ "a/Dockerfile", 0100755, 0, false, 2, -1 },
	{ "a/b/c", 0120000, 0, false, 3, -1 },
	{ "conflict", 0100644, 1, false, 4, -1 },
	{ "conflict", 0100644, 2, false, 5, -1 },
	{ "conflict", 0100644, 3, false, 6, -1 },
	{ "new", 0100644, 0, true, 7, -1 },
	{ "sub", 0160000, 0, false, 8, -1 },
};
#define NSMALL (sizeof(small) / sizeof(small[0]))

/* ---- the index ---------------------------------------------------------- */

START_TEST(index_versions)
{
	unsigned version = 2 + (unsigned)_i;
	bytes b = build_index(version, small, NSMALL, NULL, 0);
	hr_rawindex ix;
	char err[256] = "";
	ck_assert_msg(parse(&ix, &b, err) == 0, "version %u: %s", version, err);
	ck_assert_uint_eq(ix.n, NSMALL);
	for (size_t i = 0; i < NSMALL; i++) {
		hr_rawindex_entry e;
		hr_rawindex_get(&ix, i, &e);
		ck_assert_uint_eq(e.pathlen, strlen(small[i].path));
		ck_assert(memcmp(e.path, small[i].path, e.pathlen) == 0 && e.path[e.pathlen] == '\0');
		ck_assert_uint_eq(e.mode, small[i].mode);
		ck_assert_uint_eq(e.stage, small[i].stage);
		ck_assert(e.intent_to_add == (small[i].ita && version >= 3));
		ck_assert_uint_eq(e.id->id[0], small[i].idbyte);
	}
	hr_rawindex_entry found;
	ck_assert(hr_rawindex_find(&ix, "a/Dockerfile", &found) && found.mode == 0100755);
	ck_assert(!hr_rawindex_find(&ix, "conflict", &found)); /* stages 1-3 only */
	ck_assert(!hr_rawindex_find(&ix, "a", &found));
	hr_rawindex_free(&ix);
	free(b.p);
}
END_TEST

/*
 * 40 000 entries, in each version: past the size at which the offset
 * table is mapped rather than allocated (OFF_MAP_MIN), and freed the same
 * way; every entry reads back, the first, the last and one between are
 * found, the rest of the run is valgrind's.
 */
START_TEST(index_large)
{
	enum { N = 40000 };
	unsigned version = 2 + (unsigned)_i;
	static char names[N][16];
	static ent e[N];
	for (unsigned i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "d%05u/f", i);
		e[i] = (ent){ names[i], 0100644, 0, false, (unsigned char)(i % 250 + 1), -1 };
	}
	bytes b = build_index(version, e, N, NULL, 0);
	hr_rawindex ix;
	char err[256] = "";
	ck_assert_msg(parse(&ix, &b, err) == 0, "version %u: %s", version, err);
	ck_assert_uint_eq(ix.n, N);
	for (size_t i = 0; i < N; i++) {
		hr_rawindex_entry got;
		hr_rawindex_get(&ix, i, &got);
		ck_assert_uint_eq(got.pathlen, 8);
		ck_assert(memcmp(got.path, names[i], 9) == 0);
		ck_assert_uint_eq(got.id->id[0], i % 250 + 1);
	}
	hr_rawindex_entry found;
	ck_assert(hr_rawindex_find(&ix, "d00000/f", &found) && found.id->id[0] == 1);
	ck_assert(hr_rawindex_find(&ix, "d39999/f", &found) && found.id->id[0] == 39999 % 250 + 1);
	ck_assert(hr_rawindex_find(&ix, "d12345/f", &found) && found.id->id[0] == 12345 % 250 + 1);
	ck_assert(!hr_rawindex_find(&ix, "d12345/g", &found));
	hr_rawindex_free(&ix);
	free(b.p);
}
END_TEST

/*
 * Version 4 with feature.manyFiles: paths share long prefixes, so they
 * expand to far more than the file holds. The path buffer used to be
 * sized from the file: a heap overflow (write) that crashed pre-commit.
 */
START_TEST(index_v4_long_shared_prefixes)
{
	size_t n = 3000;
	ent *e = calloc(n, sizeof(*e));
	char **paths = calloc(n, sizeof(char *));
	ck_assert(e && paths);
	for (size_t i = 0; i < n; i++) {
		paths[i] = malloc(400);
		memset(paths[i], 'd', 300);
		snprintf(paths[i] + 300, 100, "/file-%06zu", i);
		e[i] = (ent){ paths[i], 0100644, 0, false, 1, -1 };
	}
	bytes b = build_index(4, e, n, NULL, 0);
	ck_assert_uint_lt(b.len, n * 300); /* the file is much smaller than its paths */
	hr_rawindex ix;
	char err[256] = "";
	ck_assert_msg(parse(&ix, &b, err) == 0, "%s", err);
	ck_assert_uint_eq(ix.n, n);
	for (size_t i = 0; i < n; i += 97) {
		hr_rawindex_entry got;
		hr_rawindex_get(&ix, i, &got);
		ck_assert_str_eq(got.path, paths[i]);
		ck_assert(hr_rawindex_find(&ix, paths[i], &got));
	}
	hr_rawindex_free(&ix);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(e);
	free(b.p);
}
END_TEST

/* names of 4095 bytes and more: the flags hold 0xfff, the NUL ends the name */
START_TEST(index_long_names)
{
	unsigned version = 2 + (unsigned)_i;
	size_t lens[] = { 4094, 4095, 4096, 9000 };
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		char *path = malloc(lens[k] + 1);
		memset(path, 'p', lens[k]);
		path[lens[k]] = '\0';
		ent e[] = { { path, 0100644, 0, false, 1, -1 } };
		bytes b = build_index(version, e, 1, NULL, 0);
		hr_rawindex ix;
		char err[256] = "";
		ck_assert_msg(parse(&ix, &b, err) == 0, "v%u, %zu bytes: %s", version, lens[k], err);
		hr_rawindex_entry got;
		hr_rawindex_get(&ix, 0, &got);
		ck_assert_uint_eq(got.pathlen, lens[k]);
		hr_rawindex_free(&ix);
		free(b.p);
		free(path);
	}
}
END_TEST

/*
 * Every length short of the whole file is refused, never read past: the
 * 0xfff name of the last entry made the old reader strlen() off the end.
 * The one exception is a cut 20 bytes after an extension boundary: that
 * is a well-formed index with fewer extensions and another checksum,
 * which git does not verify on reading either (only `git fsck` does).
 */
START_TEST(index_truncated_everywhere)
{
	unsigned version = 2 + (unsigned)_i;
	char longname[5000];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ent e[NSMALL + 1];
	memcpy(e, small, sizeof(small));
	e[NSMALL] = (ent){ longname, 0100644, 0, false, 9, -1 };
	static const char tree[] = "\0" "9 1\n" "aaaaaaaaaaaaaaaaaaaa" "a\0" "1 0\n" "bbbbbbbbbbbbbbbbbbbb";
	ext x[] = { { "TREE", tree, sizeof(tree) - 1 }, { "ZZZZ", "opt", 3 } };
	bytes b = build_index(version, e, NSMALL + 1, x, 2);
	hr_rawindex ix;
	char err[256];
	ck_assert_int_eq(parse(&ix, &b, err), 0);
	hr_rawindex_free(&ix);
	for (size_t len = 0; len < b.len; len++) {
		/* an exact-size copy, so that a read past it is an invalid read */
		unsigned char *cut = malloc(len ? len : 1);
		memcpy(cut, b.p, len);
		int rc = hr_rawindex_parse(&ix, cut, len, "index", err, sizeof(err));
		size_t ext_end = b.len - 20, tree_start = ext_end - 11 - (sizeof(tree) - 1 + 8);
		bool boundary = len == tree_start + 20 || len == ext_end - 11 + 20;
		ck_assert_msg(boundary ? rc == 0 : rc < 0, "v%u cut at %zu of %zu bytes: %d", version, len,
			b.len, rc);
		hr_rawindex_free(&ix);
		free(cut);
	}
	free(b.p);
}
END_TEST

typedef struct ext_case {
	const char *sig;
	bool ok;
	const char *says;
} ext_case;

/* what git writes: optional extensions are skipped, required ones we cannot honour refused */
static const ext_case exts[] = {
	{ "TREE", true, NULL },
	{ "REUC", true, NULL },
	{ "UNTR", true, NULL },
	{ "FSMN", true, NULL },
	{ "EOIE", true, NULL },
	{ "IEOT", true, NULL },
	{ "ZZZZ", true, NULL },
	{ "link", false, "split index" },
	{ "sdir", false, "required extension 'sdir'" },
	{ "abcd", false, "required extension 'abcd'" },
};

START_TEST(index_extensions)
{
	const ext_case *c = &exts[_i];
	ext x[] = { { c->sig, "\0\0\0\0\0\0\0\0", 8 } };
	for (unsigned version = 2; version <= 4; version++) {
		bytes b = build_index(version, small, NSMALL, x, 1);
		hr_rawindex ix;
		char err[256] = "";
		int rc = parse(&ix, &b, err);
		if (c->ok) {
			ck_assert_msg(rc == 0, "%s: %s", c->sig, err);
		} else {
			ck_assert_int_eq(rc, HR_EINVALID);
			ck_assert_msg(strstr(err, c->says), "%s: %s", c->sig, err);
		}
		hr_rawindex_free(&ix);
		free(b.p);
	}
}
END_TEST

/* a valid cache tree is read, an unreadable one is only a lost shortcut */
START_TEST(index_cache_tree)
{
	static const char tree[] = "\0" "8 1\n" "aaaaaaaaaaaaaaaaaaaa" "a\0" "2 1\n" "bbbbbbbbbbbbbbbbbbbb"
		"b\0" "-1 0\n";
	ext good[] = { { "TREE", tree, sizeof(tree) - 1 } };
	ext broken[] = { { "TREE", tree, sizeof(tree) - 3 } };
	bytes b = build_index(2, small, NSMALL, good, 1);
	hr_rawindex ix;
	char err[256] = "";
	ck_assert_int_eq(parse(&ix, &b, err), 0);
	ck_assert_uint_eq(ix.ntree, 3);
	const hr_cachetree *a = hr_cachetree_child(&ix, &ix.tree[0], "a", 1);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->count, 2);
	const hr_cachetree *ab = hr_cachetree_child(&ix, a, "b", 1);
	ck_assert_ptr_nonnull(ab);
	ck_assert_int_eq(ab->count, -1);
	ck_assert_ptr_null(ab->id);
	hr_rawindex_free(&ix);
	free(b.p);
	b = build_index(2, small, NSMALL, broken, 1);
	ck_assert_int_eq(parse(&ix, &b, err), 0);
	ck_assert_ptr_null(ix.tree);
	hr_rawindex_free(&ix);
	free(b.p);
}
END_TEST

typedef struct bad_case {
	const char *name;
	unsigned version;
	ent e[3];
	size_t n;
	const char *says;
} bad_case;

static const bad_case bad_indexes[] = {
	{ "out of order", 2, { { "b", 0, 0, false, 1, -1 }, { "a", 0, 0, false, 1, -1 } }, 2, "out of order" },
	{ "duplicate", 3, { { "a", 0, 0, false, 1, -1 }, { "a", 0, 0, false, 1, -1 } }, 2, "out of order" },
	{ "stages out of order", 4, { { "a", 0, 2, false, 1, -1 }, { "a", 0, 1, false, 1, -1 } }, 2, "out of order" },
	{ "v4 out of order", 4, { { "ab", 0, 0, false, 1, -1 }, { "aa", 0, 0, false, 1, -1 } }, 2, "out of order" },
	{ "name length too short", 2, { { "abc", 0, 0, false, 1, 2 } }, 1, "bad path length" },
	{ "name length too long", 3, { { "abc", 0, 0, false, 1, 4 } }, 1, "bad path length" },
	{ "0xfff for a short name", 2, { { "abc", 0, 0, false, 1, 0xfff } }, 1, "bad path length" },
	{ "v4 name length", 4, { { "abc", 0, 0, false, 1, 7 } }, 1, "bad path length" },
	{ "sparse directory", 2, { { "dir/", 040000, 0, false, 1, -1 } }, 1, "sparse index" },
	/* the same after entries the fast loop took (parse_plain): the general loop goes on from there */
	{ "out of order, later", 2, { { "a", 0, 0, false, 1, -1 }, { "c", 0, 0, false, 1, -1 },
		{ "b", 0, 0, false, 1, -1 } }, 3, "out of order" },
	{ "a NUL in a name, later", 3, { { "a", 0, 0, false, 1, -1 }, { "b", 0, 0, false, 1, -1 },
		{ "c", 0, 0, false, 1, 5 } }, 3, "bad path length" },
	{ "sparse directory, later", 2, { { "a", 0, 0, false, 1, -1 }, { "b", 0, 0, false, 1, -1 },
		{ "dir/", 040000, 0, false, 1, -1 } }, 3, "sparse index" },
};

START_TEST(index_refused)
{
	const bad_case *c = &bad_indexes[_i];
	bytes b = build_index(c->version, c->e, c->n, NULL, 0);
	hr_rawindex ix;
	char err[256] = "";
	ck_assert_int_eq(parse(&ix, &b, err), HR_EINVALID);
	ck_assert_msg(strstr(err, c->says), "%s: %s", c->name, err);
	hr_rawindex_free(&ix);
	free(b.p);
}
END_TEST

/* hand-made byte strings: headers, flags, v4 prefixes */
START_TEST(index_bad_bytes)
{
	hr_rawindex ix;
	char err[256];
	/* version 2 with an extended flag */
	ent e[] = { { "a", 0, 0, true, 1, -1 } };
	bytes b = build_index(3, e, 1, NULL, 0);
	b.p[7] = 2;
	ck_assert_int_eq(parse(&ix, &b, err), HR_EINVALID);
	ck_assert_ptr_nonnull(strstr(err, "extended flags"));
	hr_rawindex_free(&ix);
	free(b.p);
	/* version 4: drop more than the previous path holds */
	ent two[] = { { "a", 0, 0, false, 1, -1 }, { "b", 0, 0, false, 1, -1 } };
	b = build_index(4, two, 2, NULL, 0);
	size_t second = 12 + 62 + 1 + 2; /* header, first entry (fixed, varint, "a\0") */
	ck_assert_uint_eq(b.p[second + 62], 1); /* drop 1 */
	b.p[second + 62] = 5;
	ck_assert_int_eq(parse(&ix, &b, err), HR_EINVALID);
	hr_rawindex_free(&ix);
	/* a varint that never ends */
	b.p[second + 62] = 0xff;
	ck_assert_int_eq(parse(&ix, &b, err), HR_EINVALID);
	hr_rawindex_free(&ix);
	free(b.p);
	/* more entries claimed than bytes to hold them; an unknown version; no magic */
	b = build_index(2, two, 2, NULL, 0);
	b.p[11] = 200;
	ck_assert_int_eq(parse(&ix, &b, err), HR_EINVALID);
	hr_rawindex_free(&ix);
	b.p[11] = 2;
	b.p[7] = 5;
	ck_assert_int_eq(parse(&ix, &b, err), HR_EINVALID);
	hr_rawindex_free(&ix);
	b.p[0] = 'X';
	ck_assert_int_eq(parse(&ix, &b, err), HR_EINVALID);
	hr_rawindex_free(&ix);
	free(b.p);
}
END_TEST

/* ---- writing an index ------------------------------------------------------ */

START_TEST(sha1_vectors)
{
	static const struct { const char *in; const char *hex; } v[] = {
		{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
		{ "The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unsigned char out[20];
		char hex[41];
		hr_sha1(out, v[i].in, strlen(v[i].in));
		for (int k = 0; k < 20; k++)
			snprintf(hex + 2 * k, 3, "%02x", out[k]);
		ck_assert_str_eq(hex, v[i].hex);
	}
	/* a million 'a's: many blocks */
	char *m = malloc(1000000);
	unsigned char out[20];
	memset(m, 'a', 1000000);
	hr_sha1(out, m, 1000000);
	ck_assert_uint_eq(out[0], 0x34);
	ck_assert_uint_eq(out[19], 0x6f);
	/* the same fed in pieces of every size up to 130 bytes: each split of the padding */
	for (size_t piece = 1; piece <= 130; piece++) {
		unsigned char inc[20];
		hr_sha1_ctx c;
		size_t len = 1000 + piece;
		hr_sha1(out, m, len);
		hr_sha1_init(&c);
		for (size_t at = 0; at < len; at += piece)
			hr_sha1_update(&c, m + at, len - at < piece ? len - at : piece);
		hr_sha1_final(inc, &c);
		ck_assert_mem_eq(inc, out, 20);
	}
	free(m);
}
END_TEST

/* a blob's id as git computes it (hash-object), without libgit2 */
START_TEST(blob_hash_is_git_id)
{
	static const struct { const char *in; const char *hex; } v[] = {
		{ "", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391" },
		{ "hello\n", "ce013625030ba8dba906f756967f9e9ca394464a" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hr_oid id;
		char hex[HR_OID_HEXSZ + 1];
		ck_assert_int_eq(hr_hash_bytes(&id, v[i].in, strlen(v[i].in)), 0);
		hr_oid_fmt(hex, &id);
		ck_assert_str_eq(hex, v[i].hex);
	}
}
END_TEST

/*
 * Patching an entry: its id replaced and its stat data zeroed, the cache
 * tree invalidated above it (and only there), resolve-undo and untracked
 * caches kept, EOIE left out, a checksum that is the SHA-1 of the rest;
 * and the result reads back.
 */
START_TEST(index_patch)
{
	unsigned version = 2 + (unsigned)_i;
	static const char tree[] = "\0" "8 2\n" "aaaaaaaaaaaaaaaaaaaa"
		"a\0" "2 1\n" "bbbbbbbbbbbbbbbbbbbb" "b\0" "1 0\n" "cccccccccccccccccccc"
		"sub\0" "1 0\n" "dddddddddddddddddddd";
	ext x[] = {
		{ "TREE", tree, sizeof(tree) - 1 }, { "REUC", "reuc-data", 9 }, { "EOIE", "eoie-data-12", 12 },
		{ "UNTR", "untr", 4 },
	};
	ent e[NSMALL];
	memcpy(e, small, sizeof(small));
	e[2] = (ent){ "a/b/Dockerfile", 0100644, 0, false, 3, -1 };
	bytes b = build_index(version, e, NSMALL, x, 4);
	/* give every entry some stat data, to see it zeroed */
	hr_rawindex ix;
	char err[256] = "";
	ck_assert_int_eq(parse(&ix, &b, err), 0);
	for (size_t i = 0; i < ix.n; i++)
		memset(b.p + ix.off[i], 0x11, 24);
	git_oid old_id, new_id;
	memset(old_id.id, 3, 20);
	memset(new_id.id, 0x77, 20);
	hr_index_change ch[] = { { "a/b/Dockerfile", &old_id, &new_id, false }, { "nope", &old_id, &new_id, false } };
	unsigned char *out = NULL;
	size_t outlen = 0;
	ck_assert_int_eq(hr_rawindex_patch(&out, &outlen, &ix, ch, 1, true, err, sizeof(err)), 0);
	ck_assert(ch[0].done);
	/* strict: an entry that is not there is a conflict; lenient: skipped */
	unsigned char *out2 = NULL;
	size_t len2;
	ck_assert_int_eq(hr_rawindex_patch(&out2, &len2, &ix, ch, 2, true, err, sizeof(err)), HR_ECONFLICT);
	ck_assert_ptr_nonnull(strstr(err, "changed in the index"));
	ck_assert_int_eq(hr_rawindex_patch(&out2, &len2, &ix, ch, 2, false, err, sizeof(err)), 0);
	ck_assert(ch[0].done && !ch[1].done);
	free(out2);
	/* the wrong old id is a conflict too */
	hr_index_change wrong[] = { { "a/b/Dockerfile", &new_id, &old_id, false } };
	ck_assert_int_eq(hr_rawindex_patch(&out2, &len2, &ix, wrong, 1, true, err, sizeof(err)), HR_ECONFLICT);
	hr_rawindex_free(&ix);

	unsigned char sum[20];
	hr_sha1(sum, out, outlen - 20);
	ck_assert(memcmp(sum, out + outlen - 20, 20) == 0);
	hr_rawindex back;
	bytes ob = { out, outlen, outlen };
	ck_assert_msg(parse(&back, &ob, err) == 0, "%s", err);
	ck_assert_uint_eq(back.n, NSMALL);
	for (size_t i = 0; i < back.n; i++) {
		hr_rawindex_entry got;
		hr_rawindex_get(&back, i, &got);
		bool target = !strcmp(got.path, "a/b/Dockerfile");
		ck_assert_uint_eq(got.id->id[0], target ? 0x77 : e[i].idbyte);
		unsigned char stat0[24] = { 0 };
		ck_assert(target ? !memcmp(out + back.off[i], stat0, 24) : out[back.off[i]] == 0x11);
	}
	/* the cache tree: root, a, a/b invalid; a/b's sibling "sub" still valid */
	ck_assert_uint_eq(back.ntree, 4);
	ck_assert_int_eq(back.tree[0].count, -1);
	const hr_cachetree *a = hr_cachetree_child(&back, &back.tree[0], "a", 1);
	ck_assert(a && a->count == -1);
	ck_assert(hr_cachetree_child(&back, a, "b", 1)->count == -1);
	const hr_cachetree *sub = hr_cachetree_child(&back, &back.tree[0], "sub", 3);
	ck_assert(sub && sub->count == 1 && sub->id->id[0] == 'd');
	hr_rawindex_free(&back);
	ck_assert_ptr_nonnull(memmem(out, outlen, "REUC\0\0\0\x09reuc-data", 17));
	ck_assert_ptr_nonnull(memmem(out, outlen, "UNTR\0\0\0\x04untr", 12));
	ck_assert_ptr_null(memmem(out, outlen, "EOIE", 4));
	free(out);
	free(b.p);
}
END_TEST

/* ---- trees ------------------------------------------------------------ */

typedef struct mode_case {
	const char *text;
	hr_entry_kind kind;
} mode_case;

/* git's canon_mode() reads the type bits; anything else is no entry git writes */
static const mode_case modes[] = {
	{ "100644", HR_ENTRY_FILE },
	{ "100755", HR_ENTRY_FILE },
	{ "100664", HR_ENTRY_FILE },
	{ "100600", HR_ENTRY_FILE },
	{ "100000", HR_ENTRY_FILE },
	{ "0100644", HR_ENTRY_FILE },
	{ "00000100644", HR_ENTRY_FILE },
	{ "40000", HR_ENTRY_TREE },
	{ "040000", HR_ENTRY_TREE },
	{ "40755", HR_ENTRY_TREE },
	{ "120000", HR_ENTRY_SYMLINK },
	{ "120777", HR_ENTRY_SYMLINK },
	{ "160000", HR_ENTRY_GITLINK },
	{ "170000", HR_ENTRY_BAD },
	{ "070000", HR_ENTRY_BAD },
	{ "0", HR_ENTRY_BAD },
	{ "644", HR_ENTRY_BAD },
	{ "10644", HR_ENTRY_BAD },
	{ "20000", HR_ENTRY_BAD },
	{ "60000", HR_ENTRY_BAD },
	{ "1100644", HR_ENTRY_BAD },
	{ "40000000100644", HR_ENTRY_BAD },  /* would wrap a 32-bit mode into 100644 */
	{ "77777777777777777777100644", HR_ENTRY_BAD },
};

static hr_rawtree tree_of(const bytes *b)
{
	hr_rawtree t;
	memset(&t, 0, sizeof(t));
	t.data = b->p;
	t.len = b->len;
	return t;
}

START_TEST(tree_modes)
{
	const mode_case *c = &modes[_i];
	bytes b = { NULL, 0, 0 };
	unsigned char id[20];
	memset(id, 0x42, sizeof(id));
	put(&b, c->text, strlen(c->text));
	put(&b, " Dockerfile", 12); /* with its NUL */
	put(&b, id, sizeof(id));
	hr_rawtree t = tree_of(&b);
	hr_rawentry e;
	size_t pos = 0;
	ck_assert_int_eq(hr_rawtree_next(&t, &pos, &e), 1);
	ck_assert_str_eq(e.name, "Dockerfile");
	ck_assert_msg(hr_mode_kind(e.mode) == c->kind, "%s: kind %d", c->text, (int)hr_mode_kind(e.mode));
	ck_assert_uint_eq(pos, b.len);
	ck_assert_int_eq(hr_rawtree_next(&t, &pos, &e), 0);
	free(b.p);
}
END_TEST

static const char *const bad_trees[] = {
	"100644",                 /* no space */
	"100644 ",                /* no name */
	"100644 \0",              /* empty name */
	" Dockerfile\0",          /* no mode */
	"10a644 Dockerfile\0",    /* not octal */
	"100644 Dockerfile",      /* no NUL */
	"100644 Dockerfile\0abc", /* a short id */
};

START_TEST(tree_malformed)
{
	const char *text = bad_trees[_i];
	size_t len = strlen(text);
	if (_i >= 2 && text[len + 1] == '\0' && len + 1 < 40)
		len++; /* the cases with an embedded NUL */
	if (_i == 6)
		len = 21;
	unsigned char *copy = malloc(len ? len : 1);
	memcpy(copy, text, len);
	hr_rawtree t;
	memset(&t, 0, sizeof(t));
	t.data = copy;
	t.len = len;
	hr_rawentry e;
	size_t pos = 0;
	ck_assert_msg(hr_rawtree_next(&t, &pos, &e) == HR_EINVALID, "tree %zu accepted", (size_t)_i);
	free(copy);
}
END_TEST

/* git's order: "a" the file < "a-b" < "a/" the tree's "a" < "a0" */
START_TEST(tree_order)
{
	hr_rawentry file = { "a", 1, 0100644, NULL }, tree = { "a", 1, 040755, NULL };
	hr_rawentry dash = { "a-b", 3, 0100644, NULL }, zero = { "a0", 2, 040000, NULL };
	ck_assert_int_lt(hr_rawentry_cmp(&file, &dash), 0);
	ck_assert_int_lt(hr_rawentry_cmp(&dash, &tree), 0);
	ck_assert_int_lt(hr_rawentry_cmp(&tree, &zero), 0);
	ck_assert_int_eq(hr_rawentry_cmp(&tree, &tree), 0);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("gitread");
	TCase *tc = tcase_create("index");
	git_libgit2_init();
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, index_versions, 0, 3);
	tcase_add_loop_test(tc, index_large, 0, 3);
	tcase_add_test(tc, index_v4_long_shared_prefixes);
	tcase_add_loop_test(tc, index_long_names, 0, 3);
	tcase_add_loop_test(tc, index_truncated_everywhere, 0, 3);
	tcase_add_loop_test(tc, index_extensions, 0, (int)(sizeof(exts) / sizeof(exts[0])));
	tcase_add_test(tc, index_cache_tree);
	tcase_add_loop_test(tc, index_refused, 0, (int)(sizeof(bad_indexes) / sizeof(bad_indexes[0])));
	tcase_add_test(tc, index_bad_bytes);
	tcase_add_test(tc, sha1_vectors);
	tcase_add_test(tc, blob_hash_is_git_id);
	tcase_add_loop_test(tc, index_patch, 0, 3);
	suite_add_tcase(s, tc);
	tc = tcase_create("tree");
	tcase_add_loop_test(tc, tree_modes, 0, (int)(sizeof(modes) / sizeof(modes[0])));
	tcase_add_loop_test(tc, tree_malformed, 0, (int)(sizeof(bad_trees) / sizeof(bad_trees[0])));
	tcase_add_test(tc, tree_order);
	suite_add_tcase(s, tc);
	return s;
}
