/* SPDX-License-Identifier: MIT */
/*
 * test_refdb.c - the ref store read without libgit2 (refdb.c) against git
 * itself: ref stores are built by real git in temporary directories
 * (commits, branches, annotated tags, symbolic refs, pack-refs, loose refs
 * over packed ones, deletions, nested names), then hr_refdb_foreach(),
 * hr_refdb_resolve() and hr_refdb_dwim() are compared with
 * `git for-each-ref` and `git rev-parse`. Hand-written files then give
 * what git never writes: garbage, bad hex, cycles, dangling and too deep
 * symbolic refs, refused names, lock files, a reftable, symbolic links,
 * a FIFO, malformed packed-refs; and packed-refs is parsed from strings.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "git/git_internal.h"

/* ---- helpers ---------------------------------------------------------- */

static char tmp_root[4096];

/* run a shell command (printf-style), in `dir`; its exit status */
static int sh(const char *dir, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int sh(const char *dir, const char *fmt, ...)
{
	char cmd[16384];
	int off = snprintf(cmd, sizeof(cmd), "cd '%s' && { ", dir);
	va_list ap;
	va_start(ap, fmt);
	off += vsnprintf(cmd + off, sizeof(cmd) - (size_t)off, fmt, ap);
	va_end(ap);
	ck_assert_int_lt(off, (int)sizeof(cmd) - 32);
	snprintf(cmd + off, sizeof(cmd) - (size_t)off, "; }");
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define SH_OK(dir, ...) ck_assert_int_eq(sh(dir, __VA_ARGS__), 0)

/* the standard output of a command run in `dir` (malloc'd) */
static char *capture(const char *dir, const char *cmd)
{
	size_t flen = strlen(dir) + strlen(cmd) + 16;
	char *full = malloc(flen);
	snprintf(full, flen, "cd '%s' && %s", dir, cmd);
	FILE *f = popen(full, "r");
	free(full);
	ck_assert_ptr_nonnull(f);
	size_t len = 0, cap = 4096;
	char *out = malloc(cap);
	size_t r;
	while ((r = fread(out + len, 1, cap - len - 1, f)) > 0) {
		len += r;
		if (cap - len < 2) {
			cap *= 2;
			out = realloc(out, cap);
		}
	}
	out[len] = '\0';
	pclose(f);
	return out;
}

/* a new repository made by git: its directory (static until the next call) */
static const char *new_repo(const char *name)
{
	static char dir[sizeof(tmp_root) + 64];
	snprintf(dir, sizeof(dir), "%s/%s", tmp_root, name);
	SH_OK(tmp_root, "rm -rf '%s' && git init -q -b main '%s'", name, name);
	SH_OK(dir, "git commit -q --allow-empty -m one && git commit -q --allow-empty -m two");
	return dir;
}

static void write_file(const char *dir, const char *rel, const char *data, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void write_str(const char *dir, const char *rel, const char *data)
{
	write_file(dir, rel, data, strlen(data));
}

static hr_refdb *open_db(const char *repo)
{
	char gitdir[4096], err[512] = "";
	snprintf(gitdir, sizeof(gitdir), "%s/.git/", repo);
	hr_refdb *db = NULL;
	int rc = hr_refdb_open(&db, gitdir, gitdir, err, sizeof(err));
	ck_assert_msg(rc == 0, "hr_refdb_open: %d %s", rc, err);
	return db;
}

static int open_rc(const char *repo, char *err, size_t errlen)
{
	char gitdir[4096];
	snprintf(gitdir, sizeof(gitdir), "%s/.git/", repo);
	hr_refdb *db = NULL;
	int rc = hr_refdb_open(&db, gitdir, gitdir, err, errlen);
	hr_refdb_free(db);
	return rc;
}

typedef struct listing {
	char *text;
	size_t len, cap;
	size_t n;
} listing;

static int collect(const char *name, const hr_oid *id, void *payload)
{
	listing *l = payload;
	char hex[HR_OID_HEXSZ + 1];
	hr_oid_fmt(hex, id);
	size_t need = strlen(name) + HR_OID_HEXSZ + 3;
	if (l->len + need >= l->cap) {
		l->cap = (l->cap + need) * 2;
		l->text = realloc(l->text, l->cap);
	}
	l->len += (size_t)snprintf(l->text + l->len, l->cap - l->len, "%s %s\n", name, hex);
	l->n++;
	return 0;
}

/* hr_refdb_foreach as "name hex" lines */
static char *our_listing(hr_refdb *db)
{
	listing l = { .cap = 1 };
	l.text = calloc(1, 1);
	char err[512] = "";
	int rc = hr_refdb_foreach(db, collect, &l, err, sizeof(err));
	ck_assert_msg(rc == 0, "hr_refdb_foreach: %d %s", rc, err);
	return l.text;
}

static void compare_listing(const char *repo)
{
	hr_refdb *db = open_db(repo);
	char *ours = our_listing(db);
	char *git = capture(repo, "git for-each-ref --format='%(refname) %(objectname)' 2>/dev/null");
	ck_assert_msg(!strcmp(ours, git), "for-each-ref differs:\n--- ours\n%s--- git\n%s", ours, git);
	free(ours);
	free(git);
	hr_refdb_free(db);
}

/* hr_refdb_resolve(name) against `git rev-parse --verify -q name` */
static void compare_resolve(hr_refdb *db, const char *repo, const char *name)
{
	char cmd[4200], err[512] = "";
	snprintf(cmd, sizeof(cmd), "git rev-parse --verify -q '%s' 2>/dev/null", name);
	char *git = capture(repo, cmd);
	hr_oid id;
	int rc = hr_refdb_resolve(&id, db, name, err, sizeof(err));
	if (!*git) {
		ck_assert_msg(rc == HR_ENOTFOUND || rc == HR_EINVALID,
			"%s: git finds nothing, we return %d with id", name, rc);
		ck_assert_msg(*err, "%s: no message", name);
	} else {
		ck_assert_msg(rc == 0, "%s: git finds %s, we return %d (%s)", name, git, rc, err);
		char hex[HR_OID_HEXSZ + 1];
		hr_oid_fmt(hex, &id);
		ck_assert_msg(!strncmp(git, hex, HR_OID_HEXSZ), "%s: git %s ours %s", name, git, hex);
	}
	free(git);
}

/* hr_refdb_dwim(name) against `git rev-parse` and its --symbolic-full-name */
static void compare_dwim(hr_refdb *db, const char *repo, const char *name, const char *expect_full)
{
	char cmd[4200], err[512] = "";
	snprintf(cmd, sizeof(cmd), "git rev-parse --verify -q '%s' 2>/dev/null", name);
	char *git = capture(repo, cmd);
	hr_oid id;
	char *full = NULL;
	int rc = hr_refdb_dwim(&id, &full, db, name, err, sizeof(err));
	if (!expect_full) {
		ck_assert_msg(rc == HR_ENOTFOUND, "%s: expected nothing, got %d %s", name, rc, full ? full : "");
		ck_assert_ptr_null(full);
		ck_assert_str_eq(git, "");
	} else {
		ck_assert_msg(rc == 0, "%s: %d %s", name, rc, err);
		ck_assert_str_eq(full, expect_full);
		char hex[HR_OID_HEXSZ + 1];
		hr_oid_fmt(hex, &id);
		ck_assert_msg(!strncmp(git, hex, HR_OID_HEXSZ), "%s: git %s ours %s", name, git, hex);
	}
	free(full);
	free(git);
}

static char *rev(const char *repo, const char *spec)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "git rev-parse '%s'", spec);
	char *out = capture(repo, cmd);
	ck_assert_uint_ge(strlen(out), HR_OID_HEXSZ);
	out[HR_OID_HEXSZ] = '\0';
	return out;
}

static int count_refs(const char *name, const hr_oid *id, void *payload)
{
	(void)name;
	(void)id;
	(*(size_t *)payload)++;
	return 0;
}

static int stop_at_second(const char *name, const hr_oid *id, void *payload)
{
	(void)name;
	(void)id;
	return ++*(int *)payload == 2 ? 42 : 0;
}

static void setup(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(tmp_root, sizeof(tmp_root), "%s/hr-refdb-XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("HOME", tmp_root, 1);
	setenv("GIT_AUTHOR_NAME", "t", 1);
	setenv("GIT_AUTHOR_EMAIL", "t@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "t", 1);
	setenv("GIT_COMMITTER_EMAIL", "t@example.com", 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
}

static void teardown(void)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
	ck_assert_int_eq(system(cmd), 0);
}

/* ---- stores git writes ------------------------------------------------ */

START_TEST(git_store_loose_and_packed)
{
	const char *repo = new_repo("store");
	SH_OK(repo, "git branch side HEAD~1 && git branch gone && git tag -a -m t v1 HEAD~1 && git tag light"
		" && git symbolic-ref refs/heads/alias refs/heads/main"
		" && git update-ref refs/remotes/origin/main HEAD~1"
		" && git symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main"
		" && git pack-refs --all");
	compare_listing(repo);
	/* a loose ref over a packed one, a packed ref deleted, nested names, a peeled tag */
	SH_OK(repo, "git commit -q --allow-empty -m three && git branch -D -q gone"
		" && git update-ref refs/a/b/c/d/e HEAD~2 && git update-ref refs/heads/deep/er/name HEAD"
		" && git -c advice.nestedTag=false tag -a -m t2 v2 v1 && git branch dup && git tag dup HEAD~1");
	ck_assert_int_eq(sh(repo, "grep -q refs/heads/gone .git/packed-refs"), 1);
	ck_assert_int_eq(sh(repo, "test -f .git/refs/heads/main"), 0);
	compare_listing(repo);

	hr_refdb *db = open_db(repo);
	const char *names[] = { "HEAD", "refs/heads/main", "refs/heads/side", "refs/heads/alias", "refs/tags/v1",
		"refs/tags/v2", "refs/remotes/origin/HEAD", "refs/heads/gone", "refs/a/b/c/d/e", "refs/heads/nope",
		"refs/heads/deep/er/name", "refs/heads/deep", "refs/heads/../heads/main", "refs//heads/main",
		"ORIG_HEAD" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		compare_resolve(db, repo, names[i]);
	compare_dwim(db, repo, "main", "refs/heads/main");
	compare_dwim(db, repo, "side", "refs/heads/side");
	compare_dwim(db, repo, "v1", "refs/tags/v1");
	compare_dwim(db, repo, "dup", "refs/tags/dup");        /* tags before heads, as git */
	compare_dwim(db, repo, "origin", "refs/remotes/origin/HEAD");
	compare_dwim(db, repo, "origin/main", "refs/remotes/origin/main");
	compare_dwim(db, repo, "heads/side", "refs/heads/side");
	compare_dwim(db, repo, "HEAD", "HEAD");
	compare_dwim(db, repo, "gone", NULL);
	compare_dwim(db, repo, "a..b", NULL);
	compare_dwim(db, repo, "", NULL);

	int seen = 0;
	char err[512] = "";
	ck_assert_int_eq(hr_refdb_foreach(db, stop_at_second, &seen, err, sizeof(err)), 42);
	ck_assert_int_eq(seen, 2);
	hr_refdb_free(db);
}
END_TEST

START_TEST(git_store_empty_and_unborn)
{
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/empty", tmp_root);
	SH_OK(tmp_root, "git init -q -b main empty");
	compare_listing(dir);
	hr_refdb *db = open_db(dir);
	hr_oid id;
	char err[512] = "", *full = NULL;
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "HEAD", err, sizeof(err)), HR_ENOTFOUND);
	ck_assert_int_eq(hr_refdb_dwim(&id, &full, db, "HEAD", err, sizeof(err)), HR_ENOTFOUND);
	ck_assert_ptr_null(full);
	hr_refdb_free(db);
}
END_TEST

/* ---- hand-written loose refs ------------------------------------------ */

START_TEST(loose_contents)
{
	const char *repo = new_repo("loose");
	char *c1 = rev(repo, "HEAD"), *c0 = rev(repo, "HEAD~1");
	char buf[512], upper[HR_OID_HEXSZ + 1];
	for (int i = 0; i <= HR_OID_HEXSZ; i++)
		upper[i] = (char)(c1[i] >= 'a' && c1[i] <= 'f' ? c1[i] - 32 : c1[i]);
	SH_OK(repo, "mkdir -p .git/refs/heads/t");
	write_str(repo, ".git/refs/heads/t/garbage", "hello\n");
	snprintf(buf, sizeof(buf), "zz%s\n", c1 + 2);
	write_str(repo, ".git/refs/heads/t/badhex", buf);
	write_str(repo, ".git/refs/heads/t/upper", upper);
	snprintf(buf, sizeof(buf), "%s junk after a space\n", c1);
	write_str(repo, ".git/refs/heads/t/trailing", buf);
	snprintf(buf, sizeof(buf), "%s\tFETCH_HEAD-like\n", c0);
	write_str(repo, ".git/refs/heads/t/tab", buf);
	write_str(repo, ".git/refs/heads/t/nonl", c0);
	snprintf(buf, sizeof(buf), "%sx\n", c1);
	write_str(repo, ".git/refs/heads/t/glued", buf);
	snprintf(buf, sizeof(buf), "%s\n\n  \r\n", c1);
	write_str(repo, ".git/refs/heads/t/blanklines", buf);
	write_str(repo, ".git/refs/heads/t/short", "abc\n");
	write_str(repo, ".git/refs/heads/t/empty", "");
	write_str(repo, ".git/refs/heads/t/nospace", "ref:refs/heads/main\n");
	write_str(repo, ".git/refs/heads/t/spaces", "ref:   refs/heads/main  \n\n");
	write_str(repo, ".git/refs/heads/t/zero", "0000000000000000000000000000000000000000\n");
	write_str(repo, ".git/refs/heads/t/badtarget", "ref: refs/heads/a..b\n");
	write_str(repo, ".git/refs/heads/t/totag", "ref: refs/tags/none\n");
	write_str(repo, ".git/refs/heads/t/tohead", "ref: HEAD\n");
	write_str(repo, ".git/refs/heads/t/toconfig", "ref: config\n");
	snprintf(buf, sizeof(buf), "%s\n", c1);
	write_file(repo, ".git/refs/heads/t/nul", buf, HR_OID_HEXSZ);
	char withnul[128];
	memcpy(withnul, c0, HR_OID_HEXSZ);
	memcpy(withnul + HR_OID_HEXSZ, "\0garbage", 8);
	write_file(repo, ".git/refs/heads/t/nulafter", withnul, HR_OID_HEXSZ + 8);
	compare_listing(repo);

	hr_refdb *db = open_db(repo);
	const char *names[] = { "refs/heads/t/garbage", "refs/heads/t/badhex", "refs/heads/t/upper",
		"refs/heads/t/trailing", "refs/heads/t/tab", "refs/heads/t/nonl", "refs/heads/t/glued",
		"refs/heads/t/blanklines", "refs/heads/t/short", "refs/heads/t/empty", "refs/heads/t/nospace",
		"refs/heads/t/spaces", "refs/heads/t/zero", "refs/heads/t/badtarget", "refs/heads/t/totag",
		"refs/heads/t/tohead", "refs/heads/t/toconfig", "refs/heads/t/nulafter" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		compare_resolve(db, repo, names[i]);
	hr_oid id;
	char err[512] = "";
	/* broken: an error naming it; dangling: not found */
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "refs/heads/t/garbage", err, sizeof(err)), HR_EINVALID);
	ck_assert_ptr_nonnull(strstr(err, "broken ref 'refs/heads/t/garbage'"));
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "refs/heads/t/totag", err, sizeof(err)), HR_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(err, "dangling"));
	/* git marks the null id broken for iteration; rev-parse hands it out */
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "refs/heads/t/zero", err, sizeof(err)), 0);
	ck_assert(hr_oid_is_zero(&id));
	/* dwim passes over a broken ref to the next rule, as git does */
	SH_OK(repo, "mkdir -p .git/refs/tags/t && git update-ref refs/heads/t/garbage2 HEAD");
	write_str(repo, ".git/refs/tags/t/garbage2", "garbage\n");
	compare_dwim(db, repo, "t/garbage2", "refs/heads/t/garbage2");
	compare_dwim(db, repo, "t/totag", NULL);
	free(c1);
	free(c0);
	hr_refdb_free(db);
}
END_TEST

START_TEST(symref_chains)
{
	const char *repo = new_repo("chains");
	/* l1 -> l2 -> l3 -> l4 -> l5 -> main: 6 reads from l1, 5 from l2 */
	SH_OK(repo, "git symbolic-ref refs/heads/l5 refs/heads/main && git symbolic-ref refs/heads/l4 refs/heads/l5"
		" && git symbolic-ref refs/heads/l3 refs/heads/l4 && git symbolic-ref refs/heads/l2 refs/heads/l3"
		" && git symbolic-ref refs/heads/l1 refs/heads/l2"
		" && git symbolic-ref refs/heads/cyc1 refs/heads/cyc2 && git symbolic-ref refs/heads/cyc2 refs/heads/cyc1"
		" && git symbolic-ref refs/heads/self refs/heads/self"
		" && git symbolic-ref refs/heads/dangling refs/heads/nothing");
	compare_listing(repo);
	hr_refdb *db = open_db(repo);
	const char *names[] = { "refs/heads/l1", "refs/heads/l2", "refs/heads/l3", "refs/heads/cyc1",
		"refs/heads/self", "refs/heads/dangling", "HEAD" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		compare_resolve(db, repo, names[i]);
	hr_oid id;
	char err[512] = "";
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "refs/heads/l1", err, sizeof(err)), HR_ENOTFOUND);
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "refs/heads/l2", err, sizeof(err)), 0);
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "refs/heads/cyc1", err, sizeof(err)), HR_ENOTFOUND);
	compare_dwim(db, repo, "l2", "refs/heads/l2");
	compare_dwim(db, repo, "l1", NULL);
	compare_dwim(db, repo, "dangling", NULL);
	/* packed: the chain's end packed, the chain loose */
	SH_OK(repo, "git pack-refs --all");
	compare_listing(repo);
	hr_refdb_free(db);
}
END_TEST

START_TEST(refused_names)
{
	const char *repo = new_repo("names");
	char *c1 = rev(repo, "HEAD");
	char buf[128];
	snprintf(buf, sizeof(buf), "%s\n", c1);
	SH_OK(repo, "mkdir -p .git/refs/heads/d.lock .git/refs/heads/.hid .git/refs/heads/ok");
	const char *bad[] = { ".git/refs/heads/a..b", ".git/refs/heads/ctl\001x", ".git/refs/heads/x.lock",
		".git/refs/heads/.hidden", ".git/refs/heads/sp ace", ".git/refs/heads/col:on", ".git/refs/heads/st*r",
		".git/refs/heads/end.", ".git/refs/heads/at@{x", ".git/refs/heads/tab\tx", ".git/refs/heads/del\177",
		".git/refs/heads/d.lock/in", ".git/refs/heads/.hid/in", ".git/refs/heads/back\\slash",
		".git/refs/heads/q?", ".git/refs/heads/br[", ".git/refs/heads/ti~", ".git/refs/heads/ca^" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		write_str(repo, bad[i], buf);
	const char *good[] = { ".git/refs/heads/ok/fine", ".git/refs/heads/caf\xc3\xa9", ".git/refs/heads/a.b",
		".git/refs/heads/at@x", ".git/refs/heads/x.lockx" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		write_str(repo, good[i], buf);
	compare_listing(repo);
	hr_refdb *db = open_db(repo);
	size_t n = 0;
	char err[512] = "";
	ck_assert_int_eq(hr_refdb_foreach(db, count_refs, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 1 + sizeof(good) / sizeof(good[0]));
	hr_oid id;
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "refs/heads/a..b", err, sizeof(err)), HR_ENOTFOUND);
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "refs/heads/x.lock", err, sizeof(err)), HR_ENOTFOUND);
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "refs/heads/ctl\001x", err, sizeof(err)), HR_ENOTFOUND);
	ck_assert_ptr_null(strchr(err, '\001'));   /* the message escapes it */
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "config", err, sizeof(err)), HR_ENOTFOUND);
	free(c1);
	hr_refdb_free(db);
}
END_TEST

/* ---- hand-written packed-refs ------------------------------------------ */

START_TEST(packed_by_hand)
{
	const char *repo = new_repo("packed");
	char *c1 = rev(repo, "HEAD"), *c0 = rev(repo, "HEAD~1");
	char buf[2048];
	/* unsorted with a sorted-less header, a peel line, a bad name, a CRLF name, a duplicate */
	snprintf(buf, sizeof(buf), "# pack-refs with: peeled fully-peeled \n"
		"%s refs/heads/zz\n"
		"%s refs/tags/t\n^%s\n"
		"%s refs/heads/a..b\n"
		"%s refs/heads/crlf\r\n"
		"%s\trefs/heads/tabbed\n"
		"%s refs/heads/aa\n",
		c1, c0, c1, c1, c1, c0, c0);
	write_str(repo, ".git/packed-refs", buf);
	compare_listing(repo);
	hr_refdb *db = open_db(repo);
	compare_resolve(db, repo, "refs/heads/aa");
	compare_resolve(db, repo, "refs/heads/crlf");
	compare_resolve(db, repo, "refs/tags/t");
	compare_resolve(db, repo, "refs/heads/tabbed");
	hr_refdb_free(db);

	/* a packed entry outside refs/: resolved, not listed (git for-each-ref lists it) */
	snprintf(buf, sizeof(buf), "%s FOO\n%s refs/heads/aa\n", c0, c1);
	write_str(repo, ".git/packed-refs", buf);
	db = open_db(repo);
	compare_resolve(db, repo, "FOO");
	char *ours = our_listing(db);
	ck_assert_ptr_null(strstr(ours, "FOO"));
	ck_assert_ptr_nonnull(strstr(ours, "refs/heads/aa"));
	free(ours);
	hr_refdb_free(db);

	/* what git dies on: HR_EINVALID with the line; and git fails too */
	const char *bad[] = {
		"%s refs/heads/x",                     /* unterminated */
		"# a comment\n%s refs/heads/x\n",
		"^%s\n",
		"%s refs/heads/x\n^%s\n^%s\n",
		"%s refs/heads/x\n^%s\r\n",
		"%.39s refs/heads/x\n",
		"%sxrefs/heads/x\n",
		"%s refs/../x\n",
		"# pack-refs with: peeled",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), bad[i], c1, c1, c1);
		write_str(repo, ".git/packed-refs", buf);
		char err[512] = "";
		ck_assert_msg(open_rc(repo, err, sizeof(err)) == HR_EINVALID, "case %zu opened", i);
		ck_assert_msg(!strncmp(err, "packed-refs, line ", 18), "case %zu: %s", i, err);
		ck_assert_msg(sh(repo, "git for-each-ref >/dev/null 2>&1") != 0, "case %zu: git accepts it", i);
	}
	write_file(repo, ".git/packed-refs", "# pack-refs with: peeled\n\0", 26);
	char err[512] = "";
	ck_assert_int_eq(open_rc(repo, err, sizeof(err)), HR_EINVALID);
	free(c1);
	free(c0);
}
END_TEST

START_TEST(packed_parse_strings)
{
	static const char a[] = "1111111111111111111111111111111111111111";
	static const char b[] = "2222222222222222222222222222222222222222";
	char buf[1024], err[256];
	hr_packed_refs p;

	ck_assert_int_eq(hr_packed_refs_parse(&p, "", 0, err, sizeof(err)), 0);
	ck_assert_uint_eq(p.n, 0);
	hr_packed_refs_free(&p);

	snprintf(buf, sizeof(buf), "# pack-refs with: peeled fully-peeled sorted \n");
	ck_assert_int_eq(hr_packed_refs_parse(&p, buf, strlen(buf), err, sizeof(err)), 0);
	ck_assert_uint_eq(p.n, 0);
	hr_packed_refs_free(&p);

	snprintf(buf, sizeof(buf), "%s refs/heads/b\n%s refs/heads/a\n^%s\n%s refs/heads/b\n%s HEAD\n", a, b, a, b, a);
	ck_assert_int_eq(hr_packed_refs_parse(&p, buf, strlen(buf), err, sizeof(err)), 0);
	ck_assert_uint_eq(p.n, 3);
	ck_assert_str_eq(p.refs[0].name, "HEAD");
	ck_assert_str_eq(p.refs[1].name, "refs/heads/a");
	ck_assert_str_eq(p.refs[2].name, "refs/heads/b");
	ck_assert_uint_eq(p.refs[2].id.id[0], 0x11);   /* the first of the two kept */
	ck_assert_uint_eq(p.refs[1].id.id[0], 0x22);
	hr_packed_refs_free(&p);

	/* a refused name in the middle is left out */
	snprintf(buf, sizeof(buf), "%s refs/heads/a\n%s refs/heads/b c\n%s refs/heads/c\n", a, a, a);
	ck_assert_int_eq(hr_packed_refs_parse(&p, buf, strlen(buf), err, sizeof(err)), 0);
	ck_assert_uint_eq(p.n, 2);
	hr_packed_refs_free(&p);

	/* the line number of the failure */
	snprintf(buf, sizeof(buf), "# pack-refs with: peeled\n%s refs/heads/a\n^%s\nnot a line at all, no, not a line at all, no, no\n", a, a);
	ck_assert_int_eq(hr_packed_refs_parse(&p, buf, strlen(buf), err, sizeof(err)), HR_EINVALID);
	ck_assert_str_eq(err, "packed-refs, line 4: not an object id");
	ck_assert_ptr_null(p.refs);
	ck_assert_uint_eq(p.n, 0);

	/* every prefix of a good file either parses or fails with a message */
	snprintf(buf, sizeof(buf), "# pack-refs with: peeled\n%s refs/heads/a\n^%s\n%s refs/tags/x\n", a, b, b);
	size_t len = strlen(buf);
	for (size_t cut = 0; cut <= len; cut++) {
		err[0] = '\0';
		int rc = hr_packed_refs_parse(&p, buf, cut, err, sizeof(err));
		ck_assert_msg(rc == 0 || (rc == HR_EINVALID && *err), "cut %zu: %d", cut, rc);
		ck_assert_msg(rc != 0 || cut == 0 || buf[cut - 1] == '\n', "cut %zu accepted", cut);
		hr_packed_refs_free(&p);
	}
}
END_TEST

START_TEST(refname_rules)
{
	static const struct { const char *name; bool ok; } cases[] = {
		{ "refs/heads/main", true }, { "HEAD", true }, { "refs/heads/a.b", true },
		{ "", false }, { "@", false }, { "refs/heads/", false }, { "/refs/heads/x", false },
		{ "refs//heads", false }, { "refs/heads/.x", false }, { "refs/heads/x.lock", false },
		{ "refs/heads/x.", false }, { "refs/heads/a..b", false }, { "refs/heads/a@{b", false },
		{ "refs/heads/a@b", true }, { "refs/heads/a{b", true }, { "refs/heads/\xff", true },
		{ "refs/heads/a b", false }, { "refs/heads/a\177", false }, { "refs/x.lock/y", false },
		{ "refs/./x", false }, { "refs/heads/.lock", false }, { "a/.lock/b", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(hr_refname_valid(cases[i].name, strlen(cases[i].name)) == cases[i].ok,
			"'%s'", cases[i].name);
}
END_TEST

/* ---- stores this reader hands over ------------------------------------ */

START_TEST(not_supported)
{
	const char *repo = new_repo("notsup");
	char err[512] = "", gitdir[4200], other[4200];
	hr_refdb *db = NULL;
	snprintf(gitdir, sizeof(gitdir), "%s/.git/", repo);
	snprintf(other, sizeof(other), "%s/.git/worktrees/x/", repo);
	ck_assert_int_eq(hr_refdb_open(&db, other, gitdir, err, sizeof(err)), HR_ENOTSUP);
	ck_assert_ptr_null(db);
	ck_assert_int_eq(hr_refdb_open(&db, "relative/", "relative/", err, sizeof(err)), HR_EINVALID);

	SH_OK(repo, "mkdir .git/reftable");
	ck_assert_int_eq(open_rc(repo, err, sizeof(err)), HR_ENOTSUP);
	ck_assert_ptr_nonnull(strstr(err, "reftable"));
	SH_OK(repo, "rmdir .git/reftable && mv .git/refs .git/refs.real");
	ck_assert_int_eq(open_rc(repo, err, sizeof(err)), HR_ENOTSUP);
	SH_OK(repo, "ln -s refs.real .git/refs");
	ck_assert_int_eq(open_rc(repo, err, sizeof(err)), HR_ENOTSUP);
	SH_OK(repo, "rm .git/refs && mv .git/refs.real .git/refs");

	/* a symbolic link to a ref file, then a symbolic link to a directory */
	SH_OK(repo, "git branch real && ln -s real .git/refs/heads/link");
	db = open_db(repo);
	size_t n = 0;
	hr_oid id;
	ck_assert_int_eq(hr_refdb_foreach(db, count_refs, &n, err, sizeof(err)), HR_ENOTSUP);
	ck_assert_ptr_nonnull(strstr(err, "symbolic link"));
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "refs/heads/link", err, sizeof(err)), HR_ENOTSUP);
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "refs/heads/real", err, sizeof(err)), 0);
	SH_OK(repo, "rm .git/refs/heads/link && ln -s /tmp .git/refs/out");
	ck_assert_int_eq(hr_refdb_foreach(db, count_refs, &n, err, sizeof(err)), HR_ENOTSUP);
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "refs/out/x", err, sizeof(err)), HR_ENOTSUP);
	SH_OK(repo, "rm .git/refs/out");
	hr_refdb_free(db);

	SH_OK(repo, "git pack-refs --all && mv .git/packed-refs .git/packed-refs.real"
		" && ln -s packed-refs.real .git/packed-refs");
	ck_assert_int_eq(open_rc(repo, err, sizeof(err)), HR_ENOTSUP);
}
END_TEST

START_TEST(fifo_and_many)
{
	const char *repo = new_repo("many");
	char *c1 = rev(repo, "HEAD");
	char buf[128];
	snprintf(buf, sizeof(buf), "%s\n", c1);
	/* 3000 loose refs, and a name 300 directories deep */
	char rel[4096];
	for (int i = 0; i < 3000; i++) {
		if (i % 100 == 0) {
			snprintf(rel, sizeof(rel), "mkdir -p .git/refs/many/d%02d", i / 100);
			SH_OK(repo, "%s", rel);
		}
		snprintf(rel, sizeof(rel), ".git/refs/many/d%02d/r%04d", i / 100, i);
		write_str(repo, rel, buf);
	}
	size_t off = (size_t)snprintf(rel, sizeof(rel), ".git/refs/deep");
	for (int i = 0; i < 300; i++)
		off += (size_t)snprintf(rel + off, sizeof(rel) - off, "/d");
	SH_OK(repo, "mkdir -p %s", rel);
	snprintf(rel + off, sizeof(rel) - off, "/leaf");
	write_str(repo, rel, buf);
	compare_listing(repo);
	/* a FIFO named like a ref must not block the reader (git would block on it) */
	SH_OK(repo, "mkfifo .git/refs/heads/fifo");

	hr_refdb *db = open_db(repo);
	size_t n = 0;
	char err[512] = "";
	ck_assert_int_eq(hr_refdb_foreach(db, count_refs, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 3000 + 1 + 1);
	hr_oid id;
	ck_assert_int_eq(hr_refdb_resolve(&id, db, rel + 5, err, sizeof(err)), 0);
	ck_assert_int_eq(hr_refdb_resolve(&id, db, "refs/heads/fifo", err, sizeof(err)), HR_EINVALID);

	/* a name over the limit: handed over */
	char *longname = malloc(HR_REFDB_MAX_NAME + 16);
	memset(longname, 'x', HR_REFDB_MAX_NAME + 15);
	memcpy(longname, "refs/heads/", 11);
	longname[HR_REFDB_MAX_NAME + 15] = '\0';
	ck_assert_int_eq(hr_refdb_resolve(&id, db, longname, err, sizeof(err)), HR_ENOTSUP);
	free(longname);
	free(c1);
	hr_refdb_free(db);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("refdb");
	TCase *tc = tcase_create("git");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, git_store_loose_and_packed);
	tcase_add_test(tc, git_store_empty_and_unborn);
	tcase_add_test(tc, loose_contents);
	tcase_add_test(tc, symref_chains);
	tcase_add_test(tc, refused_names);
	tcase_add_test(tc, packed_by_hand);
	tcase_add_test(tc, not_supported);
	tcase_add_test(tc, fifo_and_many);
	suite_add_tcase(s, tc);
	tc = tcase_create("strings");
	tcase_add_test(tc, packed_parse_strings);
	tcase_add_test(tc, refname_rules);
	suite_add_tcase(s, tc);
	return s;
}
