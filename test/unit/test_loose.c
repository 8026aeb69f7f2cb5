/* SPDX-License-Identifier: MIT */
/*
 * test_loose.c - the loose object reader (loose.c): objects deflated here
 * of every type, empty and large; every way a file can lie (cut at every
 * length, zlib that is not zlib, a header with a bad type, a '+', a
 * leading zero, an overflowing or wrong size, no NUL, bytes after the
 * stream); the size limit; what lies at the object's path (nothing, a
 * directory, a FIFO); objects written by the real git. Then the
 * info/alternates lists: relative, absolute, comments, quoted lines,
 * cycles, nesting deeper than git's 5, missing directories, duplicates,
 * unreadable or oversized alternates files and the cap on entries.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "unit.h"
#include "git/git_internal.h"

typedef struct zbuf {
	unsigned char *p;
	size_t len;
} zbuf;

/* deflate data[0..len) at `level` into a malloc'd buffer */
static zbuf deflate_bytes(const void *data, size_t len, int level)
{
	uLongf zlen = compressBound((uLong)len);
	zbuf z = { malloc(zlen), 0 };
	ck_assert_ptr_nonnull(z.p);
	ck_assert_int_eq(compress2(z.p, &zlen, data, (uLong)len, level), Z_OK);
	z.len = zlen;
	return z;
}

/* "<type> <len>\0<body>" deflated */
static zbuf make_object(const char *type, const void *body, size_t len, int level)
{
	char hdr[64];
	int hlen = snprintf(hdr, sizeof(hdr), "%s %zu", type, len) + 1;
	unsigned char *raw = malloc((size_t)hlen + len + 1);
	ck_assert_ptr_nonnull(raw);
	memcpy(raw, hdr, (size_t)hlen);
	if (len)
		memcpy(raw + hlen, body, len);
	zbuf z = deflate_bytes(raw, (size_t)hlen + len, level);
	free(raw);
	return z;
}

/* ---- in memory -------------------------------------------------------- */

START_TEST(every_type)
{
	static const char *const types[] = { "commit", "tree", "blob", "tag" };
	const char body[] = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nmessage\n";
	for (int t = 0; t < 4; t++) {
		zbuf z = make_object(types[t], body, sizeof(body) - 1, 6);
		hr_looseobj o;
		char err[256] = "";
		ck_assert_int_eq(hr_loose_parse(&o, z.p, z.len, 0, "x", err, sizeof(err)), 0);
		ck_assert_int_eq(o.type, t + 1);
		ck_assert_uint_eq(o.len, sizeof(body) - 1);
		ck_assert(memcmp(o.data, body, o.len) == 0);
		ck_assert_int_eq(o.data[o.len], 0);
		hr_looseobj_free(&o);
		ck_assert_ptr_null(o.data);
		free(z.p);
	}
}
END_TEST

START_TEST(empty_blob)
{
	for (int level = 0; level <= 9; level += 9) {
		zbuf z = make_object("blob", "", 0, level);
		hr_looseobj o;
		char err[256] = "";
		ck_assert_int_eq(hr_loose_parse(&o, z.p, z.len, 0, "x", err, sizeof(err)), 0);
		ck_assert_int_eq(o.type, 3);
		ck_assert_uint_eq(o.len, 0);
		ck_assert_ptr_nonnull(o.data);
		ck_assert_int_eq(o.data[0], 0);
		hr_looseobj_free(&o);
		/* with a limit of 1 byte too */
		ck_assert_int_eq(hr_loose_parse(&o, z.p, z.len, 1, "x", err, sizeof(err)), 0);
		hr_looseobj_free(&o);
		free(z.p);
	}
}
END_TEST

/* bytes that deflate a little, not a lot */
static unsigned char *pattern(size_t len, unsigned seed)
{
	unsigned char *p = malloc(len + 1);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (unsigned char)("abcdefgh \n"[(seed >> 16) % 10]);
	}
	return p;
}

/* an object cut at every length, and every byte flipped, is refused */
START_TEST(truncated_everywhere)
{
	unsigned char *body = pattern(3000, 7);
	zbuf z = make_object("blob", body, 3000, 6);
	for (size_t cut = 0; cut < z.len; cut++) {
		hr_looseobj o;
		char err[256] = "";
		int rc = hr_loose_parse(&o, z.p, cut, 0, "cut", err, sizeof(err));
		ck_assert_msg(rc == HR_EINVALID, "cut at %zu of %zu: %d", cut, z.len, rc);
		ck_assert_msg(err[0] && strstr(err, "cut"), "cut at %zu: no message naming it", cut);
		ck_assert_ptr_null(o.data);
	}
	/* a flipped byte: an error or (rarely) the same length with other bytes; never a crash */
	for (size_t at = 0; at < z.len; at++) {
		hr_looseobj o;
		char err[256] = "";
		z.p[at] ^= 0x55;
		int rc = hr_loose_parse(&o, z.p, z.len, 0, "flip", err, sizeof(err));
		ck_assert_msg(rc == 0 || (rc == HR_EINVALID && err[0]) || rc == HR_ETOOBIG, "flip at %zu: %d", at, rc);
		if (rc == 0) {
			ck_assert_int_eq(o.data[o.len], 0);
			hr_looseobj_free(&o);
		}
		z.p[at] ^= 0x55;
	}
	free(z.p);
	free(body);
}
END_TEST

START_TEST(not_zlib)
{
	static const char *const inputs[] = { "hello world", "\x78\x9c", "\x78\x9c\xff\xff\xff\xff", "\x1f\x8b\x08" };
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		hr_looseobj o;
		char err[256] = "";
		ck_assert_int_eq(hr_loose_parse(&o, (const unsigned char *)inputs[i], strlen(inputs[i]), 0, "junk",
			err, sizeof(err)), HR_EINVALID);
		ck_assert_msg(strstr(err, "junk") != NULL, "%s", err);
	}
	/* and nothing at all */
	hr_looseobj o;
	char err[256] = "";
	ck_assert_int_eq(hr_loose_parse(&o, NULL, 0, 0, "empty", err, sizeof(err)), HR_EINVALID);
	ck_assert_msg(strstr(err, "empty") != NULL, "%s", err);
}
END_TEST

/* raw (undeflated) objects: what must be refused, what must be read */
static const struct rawcase {
	const char *raw;
	size_t len;           /* 0: strlen(raw) */
	int rc;
	int type;
	size_t size;
} raw_cases[] = {
	{ "blob 3\0abc", 10, 0, 3, 3 },
	{ "tag 0\0", 6, 0, 4, 0 },
	{ "blub 3\0abc", 10, HR_EINVALID, 0, 0 },
	{ "Blob 3\0abc", 10, HR_EINVALID, 0, 0 },
	{ "ofs-delta 3\0abc", 15, HR_EINVALID, 0, 0 },
	{ " 3\0abc", 6, HR_EINVALID, 0, 0 },
	{ "blob +3\0abc", 11, HR_EINVALID, 0, 0 },
	{ "blob -3\0abc", 11, HR_EINVALID, 0, 0 },
	{ "blob 03\0abc", 11, HR_EINVALID, 0, 0 },
	{ "blob 00\0", 8, HR_EINVALID, 0, 0 },
	{ "blob \0abc", 9, HR_EINVALID, 0, 0 },
	{ "blob  3\0abc", 11, HR_EINVALID, 0, 0 },
	{ "blob 3 \0abc", 11, HR_EINVALID, 0, 0 },
	{ "blob 3x\0abc", 11, HR_EINVALID, 0, 0 },
	{ "blob3\0abc", 9, HR_EINVALID, 0, 0 },
	{ "blob 99999999999999999999999\0", 30, HR_EINVALID, 0, 0 },
	{ "blob 18446744073709551616\0", 26, HR_EINVALID, 0, 0 },
	{ "blob 4\0abc", 10, HR_EINVALID, 0, 0 },       /* declared larger */
	{ "blob 2\0abc", 10, HR_EINVALID, 0, 0 },       /* declared smaller */
	{ "blob 3abc", 9, HR_EINVALID, 0, 0 },          /* no NUL */
	{ "blob 3", 6, HR_EINVALID, 0, 0 },             /* no NUL, nothing after */
	{ "", 0, HR_EINVALID, 0, 0 },                   /* an empty stream */
	{ "commitcommitcommitcommitcommit 1\0x", 35, HR_EINVALID, 0, 0 }, /* header over 32 bytes */
	{ "blob 4000000000\0abc", 19, HR_EINVALID, 0, 0 }, /* more than the bytes can hold */
};

START_TEST(raw_headers)
{
	const struct rawcase *c = &raw_cases[_i];
	size_t len = c->len ? c->len : strlen(c->raw);
	for (int level = 0; level <= 9; level += 3) {
		zbuf z = deflate_bytes(c->raw, len, level);
		hr_looseobj o;
		char err[256] = "";
		int rc = hr_loose_parse(&o, z.p, z.len, 0, "raw", err, sizeof(err));
		ck_assert_msg(rc == c->rc, "case %d level %d: %d (%s)", _i, level, rc, err);
		if (rc == 0) {
			ck_assert_int_eq(o.type, c->type);
			ck_assert_uint_eq(o.len, c->size);
			hr_looseobj_free(&o);
		} else {
			ck_assert_msg(strstr(err, "raw") != NULL, "case %d: %s", _i, err);
		}
		free(z.p);
	}
}
END_TEST

/* the size check after the first 32 bytes: a long body, declared wrong */
START_TEST(long_body_wrong_size)
{
	unsigned char *body = pattern(100000, 3);
	size_t sizes[] = { 99999, 100001, 50000, 200000, 31, 0 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char hdr[32];
		int hlen = snprintf(hdr, sizeof(hdr), "blob %zu", sizes[i]) + 1;
		unsigned char *raw = malloc((size_t)hlen + 100000);
		memcpy(raw, hdr, (size_t)hlen);
		memcpy(raw + hlen, body, 100000);
		zbuf z = deflate_bytes(raw, (size_t)hlen + 100000, 6);
		hr_looseobj o;
		char err[256] = "";
		ck_assert_int_eq(hr_loose_parse(&o, z.p, z.len, 0, "long", err, sizeof(err)), HR_EINVALID);
		ck_assert_msg(strstr(err, "size in its header") != NULL, "%zu: %s", sizes[i], err);
		free(z.p);
		free(raw);
	}
	free(body);
}
END_TEST

START_TEST(trailing_garbage)
{
	zbuf z = make_object("blob", "abc", 3, 6);
	unsigned char *more = malloc(z.len * 2 + 1);
	memcpy(more, z.p, z.len);
	more[z.len] = 0;
	hr_looseobj o;
	char err[256] = "";
	/* one byte after the stream */
	ck_assert_int_eq(hr_loose_parse(&o, more, z.len + 1, 0, "g", err, sizeof(err)), HR_EINVALID);
	ck_assert_msg(strstr(err, "garbage") != NULL, "%s", err);
	/* a second stream after the first */
	memcpy(more + z.len, z.p, z.len);
	ck_assert_int_eq(hr_loose_parse(&o, more, z.len * 2, 0, "g", err, sizeof(err)), HR_EINVALID);
	/* exactly the stream */
	ck_assert_int_eq(hr_loose_parse(&o, more, z.len, 0, "g", err, sizeof(err)), 0);
	hr_looseobj_free(&o);
	free(more);
	free(z.p);
}
END_TEST

START_TEST(size_limit)
{
	unsigned char *body = pattern(1000, 1);
	zbuf z = make_object("blob", body, 1000, 6);
	hr_looseobj o;
	char err[256] = "";
	ck_assert_int_eq(hr_loose_parse(&o, z.p, z.len, 999, "big", err, sizeof(err)), HR_ETOOBIG);
	ck_assert_msg(strstr(err, "big") && strstr(err, "1000"), "%s", err);
	ck_assert_ptr_null(o.data);
	ck_assert_int_eq(hr_loose_parse(&o, z.p, z.len, 1000, "big", err, sizeof(err)), 0);
	hr_looseobj_free(&o);
	free(z.p);
	/* a huge claim is refused before anything of its size is allocated */
	const char huge[] = "blob 18446744073709551615\0";
	z = deflate_bytes(huge, sizeof(huge) - 1, 6);
	ck_assert_int_eq(hr_loose_parse(&o, z.p, z.len, 100, "huge", err, sizeof(err)), HR_ETOOBIG);
	int rc = hr_loose_parse(&o, z.p, z.len, 0, "huge", err, sizeof(err));
	ck_assert(rc == HR_ETOOBIG || rc == HR_EINVALID);
	free(z.p);
	free(body);
}
END_TEST

/* ---- files ------------------------------------------------------------ */

static char *make_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	snprintf(tmpl, sizeof(tmpl), "%s/hr-loose-XXXXXX", base && *base ? base : "/tmp");
	char *d = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(d);
	return strdup(d);
}

static void remove_tree(char *dir)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(dir);
}

static char *path_of(const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", dir, rel);
	return p;
}

static void mkdirs(const char *dir, const char *rel)
{
	char cmd[PATH_MAX * 2];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", dir, rel);
	ck_assert_int_eq(system(cmd), 0);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* the id 20 bytes of `v`, and where it lives under objdir */
static hr_oid oid_of(unsigned char v)
{
	hr_oid id;
	memset(id.id, v, sizeof(id.id));
	return id;
}

static char *object_path(const char *objdir, const hr_oid *id, bool make_fanout)
{
	char hex[HR_OID_HEXSZ + 1], rel[HR_OID_HEXSZ + 2];
	hr_oid_fmt(hex, id);
	snprintf(rel, sizeof(rel), "%.2s", hex);
	if (make_fanout)
		mkdirs(objdir, rel);
	snprintf(rel, sizeof(rel), "%.2s/%s", hex, hex + 2);
	return path_of(objdir, rel);
}

static void put_object(const char *objdir, const hr_oid *id, const void *data, size_t len)
{
	char *p = object_path(objdir, id, true);
	write_file(p, data, len);
	free(p);
}

START_TEST(files_found_in_order)
{
	char *tmp = make_tmpdir();
	char *a = path_of(tmp, "a"), *b = path_of(tmp, "b");
	mkdirs(tmp, "a");
	mkdirs(tmp, "b");
	char *dirs[] = { a, b };
	hr_oid id1 = oid_of(0xab), id2 = oid_of(0x01), id3 = oid_of(0x77);
	zbuf z1 = make_object("blob", "in a", 4, 6), z2 = make_object("tree", "in b", 4, 6);
	put_object(a, &id1, z1.p, z1.len);
	put_object(b, &id1, z2.p, z2.len);
	put_object(b, &id2, z2.p, z2.len);
	hr_looseobj o;
	char err[256] = "";

	ck_assert_int_eq(hr_loose_read(&o, dirs, 2, &id1, 0, err, sizeof(err)), 0);
	ck_assert_str_eq((char *)o.data, "in a");
	ck_assert_int_eq(o.type, 3);
	hr_looseobj_free(&o);
	ck_assert_int_eq(hr_loose_read(&o, dirs, 2, &id2, 0, err, sizeof(err)), 0);
	ck_assert_str_eq((char *)o.data, "in b");
	ck_assert_int_eq(o.type, 2);
	hr_looseobj_free(&o);
	err[0] = '\0';
	ck_assert_int_eq(hr_loose_read(&o, dirs, 2, &id3, 0, err, sizeof(err)), HR_ENOTFOUND);
	ck_assert_ptr_null(o.data);
	ck_assert_int_eq(hr_loose_read(&o, dirs, 0, &id1, 0, err, sizeof(err)), HR_ENOTFOUND);
	/* only b: the tree */
	ck_assert_int_eq(hr_loose_read(&o, dirs + 1, 1, &id1, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(o.type, 2);
	hr_looseobj_free(&o);

	int type;
	size_t size;
	ck_assert_int_eq(hr_loose_header(&type, &size, dirs, 2, &id1, err, sizeof(err)), 0);
	ck_assert_int_eq(type, 3);
	ck_assert_uint_eq(size, 4);
	ck_assert_int_eq(hr_loose_header(&type, &size, dirs, 2, &id3, err, sizeof(err)), HR_ENOTFOUND);

	/* a corrupt first copy is an error, the second is not tried */
	put_object(a, &id2, "junk", 4);
	err[0] = '\0';
	ck_assert_int_eq(hr_loose_read(&o, dirs, 2, &id2, 0, err, sizeof(err)), HR_EINVALID);
	ck_assert_msg(strstr(err, a) != NULL, "the message does not name the file: %s", err);

	free(z1.p);
	free(z2.p);
	free(a);
	free(b);
	remove_tree(tmp);
}
END_TEST

START_TEST(files_big_blob)
{
	char *tmp = make_tmpdir();
	size_t len = 3 * 1024 * 1024 + 17;
	unsigned char *body = pattern(len, 11);
	hr_oid id = oid_of(0x42);
	char *dirs[] = { tmp };
	for (int level = 0; level <= 9; level += 9) {
		zbuf z = make_object("blob", body, len, level);
		put_object(tmp, &id, z.p, z.len);
		hr_looseobj o;
		char err[256] = "";
		ck_assert_int_eq(hr_loose_read(&o, dirs, 1, &id, 0, err, sizeof(err)), 0);
		ck_assert_uint_eq(o.len, len);
		ck_assert(memcmp(o.data, body, len) == 0);
		ck_assert_int_eq(o.data[len], 0);
		hr_looseobj_free(&o);
		ck_assert_int_eq(hr_loose_read(&o, dirs, 1, &id, len - 1, err, sizeof(err)), HR_ETOOBIG);
		int type;
		size_t size;
		ck_assert_int_eq(hr_loose_header(&type, &size, dirs, 1, &id, err, sizeof(err)), 0);
		ck_assert_int_eq(type, 3);
		ck_assert_uint_eq(size, len);
		/* cut in the middle, and garbage after it, through the file reader */
		char *p = object_path(tmp, &id, false);
		ck_assert_int_eq(truncate(p, (off_t)(z.len / 2)), 0);
		ck_assert_int_eq(hr_loose_read(&o, dirs, 1, &id, 0, err, sizeof(err)), HR_EINVALID);
		ck_assert_msg(strstr(err, "cut short") != NULL, "%s", err);
		put_object(tmp, &id, z.p, z.len);
		FILE *f = fopen(p, "ab");
		fputc('x', f);
		fclose(f);
		ck_assert_int_eq(hr_loose_read(&o, dirs, 1, &id, 0, err, sizeof(err)), HR_EINVALID);
		ck_assert_msg(strstr(err, "garbage") != NULL, "%s", err);
		free(p);
		free(z.p);
	}
	free(body);
	remove_tree(tmp);
}
END_TEST

/* a file cut at every length, through the file reader */
START_TEST(files_truncated_everywhere)
{
	char *tmp = make_tmpdir();
	unsigned char *body = pattern(500, 5);
	zbuf z = make_object("commit", body, 500, 6);
	hr_oid id = oid_of(0x10);
	char *dirs[] = { tmp };
	for (size_t cut = 0; cut <= z.len; cut++) {
		put_object(tmp, &id, z.p, cut);
		hr_looseobj o;
		char err[256] = "";
		int rc = hr_loose_read(&o, dirs, 1, &id, 0, err, sizeof(err));
		if (cut == z.len) {
			ck_assert_int_eq(rc, 0);
			ck_assert(memcmp(o.data, body, 500) == 0);
			hr_looseobj_free(&o);
		} else {
			ck_assert_msg(rc == HR_EINVALID && err[0], "cut at %zu: %d", cut, rc);
		}
	}
	free(z.p);
	free(body);
	remove_tree(tmp);
}
END_TEST

START_TEST(files_not_regular)
{
	char *tmp = make_tmpdir();
	char *dirs[] = { tmp };
	hr_oid d = oid_of(0x21), fifo = oid_of(0x22), notdir = oid_of(0x23), link = oid_of(0x24);
	hr_looseobj o;
	char err[256] = "";
	int type;
	size_t size;

	/* a directory where the file should be */
	char *p = object_path(tmp, &d, true);
	ck_assert_int_eq(mkdir(p, 0777), 0);
	ck_assert_int_eq(hr_loose_read(&o, dirs, 1, &d, 0, err, sizeof(err)), HR_EINVALID);
	ck_assert_msg(strstr(err, "regular file") != NULL, "%s", err);
	free(p);

	/* a FIFO: no hang (nobody writes to it) */
	p = object_path(tmp, &fifo, true);
	ck_assert_int_eq(mkfifo(p, 0666), 0);
	err[0] = '\0';
	ck_assert_int_eq(hr_loose_read(&o, dirs, 1, &fifo, 0, err, sizeof(err)), HR_EINVALID);
	ck_assert_msg(strstr(err, "regular file") != NULL, "%s", err);
	ck_assert_int_eq(hr_loose_header(&type, &size, dirs, 1, &fifo, err, sizeof(err)), HR_EINVALID);
	free(p);

	/* the fan-out "directory" is a file: absent */
	char hex[HR_OID_HEXSZ + 1], rel[3];
	hr_oid_fmt(hex, &notdir);
	snprintf(rel, sizeof(rel), "%.2s", hex);
	p = path_of(tmp, rel);
	write_file(p, "x", 1);
	ck_assert_int_eq(hr_loose_read(&o, dirs, 1, &notdir, 0, err, sizeof(err)), HR_ENOTFOUND);
	free(p);

	/* a symbolic link to a good object is followed, as git follows it */
	zbuf z = make_object("blob", "linked", 6, 6);
	char *target = path_of(tmp, "target");
	write_file(target, z.p, z.len);
	p = object_path(tmp, &link, true);
	ck_assert_int_eq(symlink(target, p), 0);
	ck_assert_int_eq(hr_loose_read(&o, dirs, 1, &link, 0, err, sizeof(err)), 0);
	ck_assert_str_eq((char *)o.data, "linked");
	hr_looseobj_free(&o);
	/* an empty file */
	unlink(p);
	write_file(p, "", 0);
	ck_assert_int_eq(hr_loose_read(&o, dirs, 1, &link, 0, err, sizeof(err)), HR_EINVALID);
	ck_assert_msg(strstr(err, "empty") != NULL, "%s", err);
	free(p);
	free(target);
	free(z.p);
	remove_tree(tmp);
}
END_TEST

/* ---- objects written by git ------------------------------------------ */

/* run a shell command in dir with a clean git environment; its stdout (malloc'd) */
static char *run(const char *dir, const char *cmd, size_t *len)
{
	char full[8192];
	snprintf(full, sizeof(full),
		"cd '%s' && env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE -u GIT_OBJECT_DIRECTORY "
		"-u GIT_ALTERNATE_OBJECT_DIRECTORIES -u GIT_COMMON_DIR HOME='%s' GIT_CONFIG_NOSYSTEM=1 "
		"GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@example.com GIT_COMMITTER_NAME=c "
		"GIT_COMMITTER_EMAIL=c@example.com GIT_AUTHOR_DATE='@1700000000 +0000' "
		"GIT_COMMITTER_DATE='@1700000000 +0000' sh -c '%s'", dir, dir, cmd);
	FILE *f = popen(full, "r");
	ck_assert_ptr_nonnull(f);
	size_t cap = 4096, n = 0;
	char *out = malloc(cap);
	size_t got;
	while ((got = fread(out + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0)
			out = realloc(out, cap *= 2);
	}
	out[n] = '\0';
	ck_assert_msg(pclose(f) == 0, "command failed: %s", cmd);
	if (len)
		*len = n;
	return out;
}

static hr_oid id_from(const char *hex)
{
	hr_oid id;
	ck_assert_msg(hr_oid_parse(&id, hex, HR_OID_HEXSZ), "not an id: %s", hex);
	return id;
}

static void expect_same_as_git(const char *repo, char *objdir, const char *hex, int type, const char *tname)
{
	char cmd[256];
	size_t len;
	snprintf(cmd, sizeof(cmd), "git cat-file %s %.40s", tname, hex);
	char *want = run(repo, cmd, &len);
	hr_oid id = id_from(hex);
	hr_looseobj o;
	char err[256] = "";
	char *dirs[] = { objdir };
	ck_assert_msg(hr_loose_read(&o, dirs, 1, &id, 0, err, sizeof(err)) == 0, "%s: %s", hex, err);
	ck_assert_int_eq(o.type, type);
	ck_assert_uint_eq(o.len, len);
	ck_assert(memcmp(o.data, want, len) == 0);
	hr_looseobj_free(&o);
	int t;
	size_t size;
	ck_assert_int_eq(hr_loose_header(&t, &size, dirs, 1, &id, err, sizeof(err)), 0);
	ck_assert_int_eq(t, type);
	ck_assert_uint_eq(size, len);
	free(want);
}

START_TEST(written_by_git)
{
	char *tmp = make_tmpdir();
	free(run(tmp, "git init -q repo && printf \"FROM alpine\\nRUN true\\n\" >repo/Dockerfile", NULL));
	char *repo = path_of(tmp, "repo"), *objdir = path_of(repo, ".git/objects");
	char *blob = run(repo, "git hash-object -w Dockerfile", NULL);
	char *empty = run(repo, "git hash-object -w --stdin </dev/null", NULL);
	char *big = run(repo, "head -c 300000 /dev/urandom >big && git -c core.looseCompression=9 hash-object -w big", NULL);
	char *stored = run(repo, "printf \"stored, not deflated\\n\" | git -c core.looseCompression=0 hash-object -w --stdin",
		NULL);
	char *tree = run(repo, "git add Dockerfile big && git write-tree", NULL);
	char *commit = run(repo, "git commit-tree -m first $(git write-tree)", NULL);
	char *tag = run(repo, "git tag -a -m release v1 $(git commit-tree -m first $(git write-tree)) && "
		"git rev-parse v1", NULL);
	/* make sure they are loose: nothing packed */
	free(run(repo, "test -z \"$(ls .git/objects/pack)\"", NULL));

	expect_same_as_git(repo, objdir, blob, 3, "blob");
	expect_same_as_git(repo, objdir, empty, 3, "blob");
	expect_same_as_git(repo, objdir, big, 3, "blob");
	expect_same_as_git(repo, objdir, stored, 3, "blob");
	expect_same_as_git(repo, objdir, tree, 2, "tree");
	expect_same_as_git(repo, objdir, commit, 1, "commit");
	expect_same_as_git(repo, objdir, tag, 4, "tag");

	free(blob);
	free(empty);
	free(big);
	free(stored);
	free(tree);
	free(commit);
	free(tag);
	free(objdir);
	free(repo);
	remove_tree(tmp);
}
END_TEST

/* ---- alternates ------------------------------------------------------- */

static void alternates(const char *tmp, const char *dir, const char *text)
{
	char rel[PATH_MAX];
	snprintf(rel, sizeof(rel), "%s/info", dir);
	mkdirs(tmp, rel);
	snprintf(rel, sizeof(rel), "%s/info/alternates", dir);
	char *p = path_of(tmp, rel);
	write_file(p, text, strlen(text));
	free(p);
}

typedef struct dirs {
	char **v;
	size_t n;
} dirs;

static void dirs_free(dirs *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i]);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

/* the list, each entry made relative to tmp's realpath, joined by ' ' */
static char *listed(const char *tmp, const dirs *d)
{
	char *real = realpath(tmp, NULL);
	size_t rlen = strlen(real);
	static char out[8192];
	out[0] = '\0';
	for (size_t i = 0; i < d->n; i++) {
		const char *e = d->v[i];
		if (!strncmp(e, real, rlen) && e[rlen] == '/')
			e += rlen + 1;
		if (i)
			strncat(out, " ", sizeof(out) - strlen(out) - 1);
		strncat(out, e, sizeof(out) - strlen(out) - 1);
	}
	free(real);
	return out;
}

static int add_alts(dirs *d, const char *tmp, const char *objdir_rel, char *err, size_t errlen)
{
	char *objdir = path_of(tmp, objdir_rel);
	int rc = hr_objdirs_add_alternates(&d->v, &d->n, objdir, err, errlen);
	free(objdir);
	return rc;
}

START_TEST(alternates_lists)
{
	char *tmp = make_tmpdir();
	char *real = realpath(tmp, NULL);
	char err[512] = "";
	dirs d = { NULL, 0 };
	mkdirs(tmp, "a");
	mkdirs(tmp, "b");
	mkdirs(tmp, "c");
	mkdirs(tmp, "q\"x\ny");

	/* none: nothing added */
	ck_assert_int_eq(add_alts(&d, tmp, "a", err, sizeof(err)), 0);
	ck_assert_uint_eq(d.n, 0);

	/* relative (to a), absolute, comments, empty lines, trailing '/' */
	char text[4096];
	snprintf(text, sizeof(text), "# a comment\n\n../b/\n%s/c\n#../nope\n", real);
	alternates(tmp, "a", text);
	ck_assert_int_eq(add_alts(&d, tmp, "a", err, sizeof(err)), 0);
	ck_assert_str_eq(listed(tmp, &d), "b c");
	dirs_free(&d);

	/* quoted; a broken quote is a plain (missing) path; missing dirs skipped */
	alternates(tmp, "a", "\"../q\\\"x\\ny\"\n\"../c\"\n../nope\n\"../b\n");
	ck_assert_int_eq(add_alts(&d, tmp, "a", err, sizeof(err)), 0);
	ck_assert_str_eq(listed(tmp, &d), "q\"x\ny c");
	dirs_free(&d);

	/* octal escapes */
	alternates(tmp, "a", "\"\\056\\056/b\"\n");
	ck_assert_int_eq(add_alts(&d, tmp, "a", err, sizeof(err)), 0);
	ck_assert_str_eq(listed(tmp, &d), "b");
	dirs_free(&d);

	/* duplicates, itself, and what the caller listed already */
	alternates(tmp, "a", "../b\n../b/\n./../b\n.\n../a\n../c\n");
	char *c = path_of(tmp, "c");
	d.v = malloc(sizeof(char *));
	d.v[0] = c;
	d.n = 1;
	ck_assert_int_eq(add_alts(&d, tmp, "a", err, sizeof(err)), 0);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.v[0], c);
	ck_assert_str_eq(listed(tmp, &d), "c b");
	dirs_free(&d);

	/* a cycle: a -> b -> a, b -> c */
	alternates(tmp, "a", "../b\n");
	alternates(tmp, "b", "../a\n../c\n");
	ck_assert_int_eq(add_alts(&d, tmp, "a", err, sizeof(err)), 0);
	ck_assert_str_eq(listed(tmp, &d), "b c");
	dirs_free(&d);
	/* a self-loop */
	alternates(tmp, "c", ".\n../c\n");
	ck_assert_int_eq(add_alts(&d, tmp, "c", err, sizeof(err)), 0);
	ck_assert_uint_eq(d.n, 0);

	/* depth first, in file order: a -> b -> (a, c) then a -> x */
	mkdirs(tmp, "x");
	alternates(tmp, "a", "../b\n../x\n");
	ck_assert_int_eq(add_alts(&d, tmp, "a", err, sizeof(err)), 0);
	ck_assert_str_eq(listed(tmp, &d), "b c x");
	dirs_free(&d);

	/* no final newline, CR kept as git keeps it (then missing) */
	alternates(tmp, "a", "../b\r\n../x");
	ck_assert_int_eq(add_alts(&d, tmp, "a", err, sizeof(err)), 0);
	ck_assert_str_eq(listed(tmp, &d), "x");
	dirs_free(&d);

	/* a file named as an alternate is not a directory */
	write_file(c = path_of(tmp, "file"), "x", 1);
	free(c);
	alternates(tmp, "a", "../file\n");
	ck_assert_int_eq(add_alts(&d, tmp, "a", err, sizeof(err)), 0);
	ck_assert_uint_eq(d.n, 0);

	/* an alternates file that is there but cannot be read, or is too long */
	mkdirs(tmp, "e/info/alternates");
	err[0] = '\0';
	ck_assert_int_eq(add_alts(&d, tmp, "e", err, sizeof(err)), HR_EIO);
	ck_assert_msg(strstr(err, "alternates") != NULL, "%s", err);
	char *big = malloc(2 * 1024 * 1024);
	memset(big, '#', 2 * 1024 * 1024 - 1);
	big[2 * 1024 * 1024 - 1] = '\0';
	alternates(tmp, "f", big);
	free(big);
	ck_assert_int_eq(add_alts(&d, tmp, "f", err, sizeof(err)), HR_ETOOBIG);
	ck_assert_uint_eq(d.n, 0);

	free(real);
	remove_tree(tmp);
}
END_TEST

START_TEST(alternates_depth)
{
	char *tmp = make_tmpdir();
	char err[512] = "";
	dirs d = { NULL, 0 };
	/* top -> d0 -> d1 -> ... -> d7: d0 is depth 0, d5's alternates are ignored */
	mkdirs(tmp, "top");
	alternates(tmp, "top", "../d0\n");
	for (int i = 0; i < 8; i++) {
		char name[16], text[32];
		snprintf(name, sizeof(name), "d%d", i);
		mkdirs(tmp, name);
		snprintf(text, sizeof(text), "../d%d\n", i + 1);
		alternates(tmp, name, text);
	}
	ck_assert_int_eq(add_alts(&d, tmp, "top", err, sizeof(err)), 0);
	ck_assert_str_eq(listed(tmp, &d), "d0 d1 d2 d3 d4 d5");
	dirs_free(&d);
	remove_tree(tmp);
}
END_TEST

START_TEST(alternates_cap)
{
	char *tmp = make_tmpdir();
	char err[512] = "";
	dirs d = { NULL, 0 };
	char text[4096] = "";
	for (int i = 0; i < 70; i++) {
		char name[16];
		snprintf(name, sizeof(name), "m%d", i);
		mkdirs(tmp, name);
		strncat(text, "../", sizeof(text) - strlen(text) - 1);
		strncat(text, name, sizeof(text) - strlen(text) - 1);
		strncat(text, "\n", sizeof(text) - strlen(text) - 1);
	}
	mkdirs(tmp, "top");
	alternates(tmp, "top", text);
	ck_assert_int_eq(add_alts(&d, tmp, "top", err, sizeof(err)), HR_ETOOBIG);
	ck_assert_msg(strstr(err, "too many") != NULL, "%s", err);
	ck_assert_uint_eq(d.n, 64);
	dirs_free(&d);
	remove_tree(tmp);
}
END_TEST

/* the reader on a list built from alternates, and git's own alternates */
START_TEST(alternates_with_git)
{
	char *tmp = make_tmpdir();
	free(run(tmp, "git init -q base && git clone -q -s base clone 2>/dev/null && "
		"cd base && echo hello | git hash-object -w --stdin >../id", NULL));
	char *id_hex = run(tmp, "cat id", NULL);
	char *clone_objdir = path_of(tmp, "clone/.git/objects");
	dirs d = { malloc(sizeof(char *)), 1 };
	d.v[0] = strdup(clone_objdir);
	char err[256] = "";
	ck_assert_int_eq(hr_objdirs_add_alternates(&d.v, &d.n, clone_objdir, err, sizeof(err)), 0);
	ck_assert_uint_eq(d.n, 2);
	hr_oid id = id_from(id_hex);
	hr_looseobj o;
	ck_assert_int_eq(hr_loose_read(&o, d.v, d.n, &id, 0, err, sizeof(err)), 0);
	ck_assert_str_eq((char *)o.data, "hello\n");
	hr_looseobj_free(&o);
	dirs_free(&d);
	free(clone_objdir);
	free(id_hex);
	remove_tree(tmp);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("loose");
	TCase *tc = tcase_create("loose");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_type);
	tcase_add_test(tc, empty_blob);
	tcase_add_test(tc, truncated_everywhere);
	tcase_add_test(tc, not_zlib);
	tcase_add_loop_test(tc, raw_headers, 0, (int)(sizeof(raw_cases) / sizeof(raw_cases[0])));
	tcase_add_test(tc, long_body_wrong_size);
	tcase_add_test(tc, trailing_garbage);
	tcase_add_test(tc, size_limit);
	tcase_add_test(tc, files_found_in_order);
	tcase_add_test(tc, files_big_blob);
	tcase_add_test(tc, files_truncated_everywhere);
	tcase_add_test(tc, files_not_regular);
	tcase_add_test(tc, written_by_git);
	tcase_add_test(tc, alternates_lists);
	tcase_add_test(tc, alternates_depth);
	tcase_add_test(tc, alternates_cap);
	tcase_add_test(tc, alternates_with_git);
	suite_add_tcase(s, tc);
	return s;
}
