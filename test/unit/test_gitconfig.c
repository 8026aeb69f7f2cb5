/* SPDX-License-Identifier: MIT */
/*
 * test_gitconfig.c - git's configuration files read without libgit2
 * (src/lib/git/gitconfig.c), checked against git itself.
 *
 * Each case of the table is a file's text, a key, and what the reader
 * must say: its value, that the key is absent, or that the file is bad
 * (with git's line number). Then the same text is written to a file and
 * `git config --file F --get KEY` (also with --bool, --int and --path)
 * must agree: the same value, or the same failure. A case git reads
 * differently on purpose (see gitconfig.c) says so in `git`, with why.
 *
 * The second part builds the files git reads for a repository (system,
 * XDG, ~/.gitconfig, GIT_CONFIG_GLOBAL, the repository's) in a temporary
 * directory and asks hr_gitconfig_open() and `git config --get`, run with
 * the same environment, for the same keys (and hr_gitconfig_repo() and
 * `git config --local --get`).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "git/git_internal.h"

/* ---- running git -------------------------------------------------------- */

static char tmpdir[] = "/tmp/hr-gitconfig-XXXXXX";

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' && rm -rf '%s'", tmpdir, tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	memcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX", 6);
}

/* `s` single-quoted for sh, appended to cmd */
static void sq_append(char *cmd, size_t size, const char *s)
{
	size_t n = strlen(cmd);
	ck_assert(n + 2 < size);
	cmd[n++] = '\'';
	for (; *s; s++) {
		if (*s == '\'') {
			ck_assert(n + 5 < size);
			memcpy(cmd + n, "'\\''", 4);
			n += 4;
		} else {
			ck_assert(n + 2 < size);
			cmd[n++] = *s;
		}
	}
	cmd[n++] = '\'';
	cmd[n] = '\0';
}

typedef struct gitout {
	int status;     /* git's exit code */
	char *out;      /* stdout, one final newline removed */
	size_t len;
	char err[512];  /* the start of stderr */
} gitout;

/* run `prefix git ARGS KEY` (KEY may be NULL) with stderr kept apart */
static void run_git(gitout *g, const char *prefix, const char *args, const char *key)
{
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "%s git %s ", prefix, args);
	if (key)
		sq_append(cmd, sizeof(cmd), key);
	size_t n = strlen(cmd);
	snprintf(cmd + n, sizeof(cmd) - n, " 2>'%s/git.err'", tmpdir);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	size_t cap = 1024;
	g->out = malloc(cap);
	g->len = 0;
	size_t got;
	while ((got = fread(g->out + g->len, 1, cap - g->len - 1, p)) > 0) {
		g->len += got;
		if (g->len + 1 == cap) {
			cap *= 2;
			ck_assert_ptr_nonnull(g->out = realloc(g->out, cap));
		}
	}
	int st = pclose(p);
	g->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (g->len && g->out[g->len - 1] == '\n')
		g->len--;
	g->out[g->len] = '\0';
	char path[128];
	snprintf(path, sizeof(path), "%s/git.err", tmpdir);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	got = fread(g->err, 1, sizeof(g->err) - 1, f);
	g->err[got] = '\0';
	fclose(f);
}

/* git 2.45 keeps a value's inner whitespace; older ones made each of a tab or CR a space */
static bool git_keeps_inner_whitespace(void)
{
	static int known = -1;
	if (known < 0) {
		int major = 0, minor = 0;
		FILE *p = popen("git --version", "r");
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(fscanf(p, "git version %d.%d", &major, &minor), 2);
		pclose(p);
		known = major > 2 || (major == 2 && minor >= 45);
	}
	return known;
}

/* ---- the table ------------------------------------------------------------ */

enum {
	GIT_SAME = 0,   /* git reads it as we do */
	GIT_OLD_WS,     /* git before 2.45 squashes inner whitespace: compared with newer gits only */
	GIT_DIFFERS,    /* not compared: the reader refuses what git reads (see why) */
};

typedef struct gcase {
	const char *text;
	size_t len;          /* 0: strlen(text) */
	const char *key;
	int rc;              /* hr_gitconfig_parse(), then hr_gitconfig_get() */
	const char *value;   /* expected when rc is 0; NULL: a bare key */
	unsigned line;       /* HR_EINVALID: git's line number */
	int git;
} gcase;

#define T(text_, key_, value_) { text_, 0, key_, 0, value_, 0, GIT_SAME }
#define BARE(text_, key_) { text_, 0, key_, 0, NULL, 0, GIT_SAME }
#define ABSENT(text_, key_) { text_, 0, key_, HR_ENOTFOUND, NULL, 0, GIT_SAME }
#define BAD(text_, line_) { text_, 0, "a.b", HR_EINVALID, NULL, line_, GIT_SAME }
#define BIN(text_, key_, rc_, value_, line_, git_) { text_, sizeof(text_) - 1, key_, rc_, value_, line_, git_ }

static const gcase cases[] = {
	/* sections, names, case */
	T("[a]\nb = x\n", "a.b", "x"),
	T("[a]\nb = x\n", "A.B", "x"),
	T("[A]\nB = x\n", "a.b", "x"),
	T("[a]\nb = x\nb = y\n", "a.b", "y"),
	T("[a]\nb = x\n[c]\nb = z\n[a]\nb = y\n", "a.b", "y"),
	T("[a] b = 1", "a.b", "1"),
	T("[a]b=1[c]d=2", "a.b", "1[c]d=2"),
	T("[a-1]\nb-2 = x\n", "a-1.b-2", "x"),
	T("[1a]\nb = x\n", "1a.b", "x"),
	T("[a \"Sub\"]\nb = x\n", "a.Sub.b", "x"),
	ABSENT("[a \"Sub\"]\nb = x\n", "a.sub.b"),
	T("[a \"Sub\"]\nb = x\n", "A.Sub.B", "x"),
	T("[a    \"s b\"]\nb = x\n", "a.s b.b", "x"),
	T("[a\t\"s\"]\nb = x\n", "a.s.b", "x"),
	T("[a \"x\\\"y\\\\z\\q\"]\nb = 1\n", "a.x\"y\\zq.b", "1"),
	T("[a \"\"]\nb = 1\n", "a..b", "1"),
	T("[a \"s.t\"]\nb = 1\n", "a.s.t.b", "1"),
	T("[a.Sub]\nb = x\n", "a.sub.b", "x"),
	ABSENT("[a.Sub]\nb = x\n", "a.Sub.b"),
	T("[a.b.C]\nd = x\n", "a.b.c.d", "x"),
	T("[a.]\nb = x\n", "a..b", "x"),
	T("[.]\nb = x\n", "..b", "x"),
	T("[a.b \"C\"]\nd = x\n", "a.b.C.d", "x"),
	ABSENT("b = 1\n", "a.b"),
	T("b = 1\n[a]\nc = 2\n", "a.c", "2"),
	ABSENT("[a]\nb = 1\n", "a.c"),
	ABSENT("[a]\nb = 1\n", "c.b"),
	ABSENT("", "a.b"),
	ABSENT("# only a comment\n; and another\n\n   \n", "a.b"),
	/* values */
	BARE("[a]\nb\n", "a.b"),
	BARE("[a]\nb", "a.b"),
	BARE("[a]\nb   \t\n", "a.b"),
	T("[a]\nb =\n", "a.b", ""),
	T("[a]\nb=\n", "a.b", ""),
	T("[a]\nb\t=\tx\t\n", "a.b", "x"),
	T("[a]\nb = x y  z  \n", "a.b", "x y  z"),
	{ "[a]\nb = x\ty \t z\n", 0, "a.b", 0, "x\ty \t z", 0, GIT_OLD_WS },
	T("[a]\nb = \"  x  \"\n", "a.b", "  x  "),
	T("[a]\nb = x  \"  \"\n", "a.b", "x    "),
	T("[a]\nb = x  \"\"  \n", "a.b", "x  "),
	T("[a]\nb = \"\"  x\n", "a.b", "x"),
	T("[a]\nb = a\"b\"c\n", "a.b", "abc"),
	T("[a]\nb = x # comment\n", "a.b", "x"),
	T("[a]\nb = x ; comment\n", "a.b", "x"),
	T("[a]\nb = x#y\n", "a.b", "x"),
	T("[a]\nb = \"x # y ; z\"\n", "a.b", "x # y ; z"),
	T("[a]\nb = \"x\" # \"y\n", "a.b", "x"),
	T("[a]\nb = x\\ty\\nz\\bw\\\\v\\\"u\n", "a.b", "x\ty\nz\bw\\v\"u"),
	T("[a]\nb = x\\\ny\n", "a.b", "xy"),
	T("[a]\nb = x \\\n  y\n", "a.b", "x   y"),
	T("[a]\nb = \"x\\\ny\"\n", "a.b", "xy"),
	T("[a]\nb = x\\", "a.b", "x"),
	T("[a]\nb = x # c \\\nc = y\n", "a.c", "y"),
	T("[a]\nb = x=y=z\n", "a.b", "x=y=z"),
	T("[a]\nb = caf\xc3\xa9 \xff\n", "a.b", "caf\xc3\xa9 \xff"),
	/* line ends, BOM */
	T("[a]\r\nb = x\r\n", "a.b", "x"),
	T("[a]\r\nb = x  \r\n", "a.b", "x"),
	BARE("[a]\r\nb\r\n", "a.b"),
	T("[a]\nb = x\r", "a.b", "x"),
	{ "[a]\nb = x\ry\n", 0, "a.b", 0, "x\ry", 0, GIT_OLD_WS },
	T("\xef\xbb\xbf[a]\nb = x\n", "a.b", "x"),
	T("\xef\xbb\xbf\n[a]\nb = x\n", "a.b", "x"),
	/* numbers kept as text */
	T("[a]\nb = 0x10\n", "a.b", "0x10"),
	/* include and includeIf: read here, refused by hr_gitconfig_open() */
	T("[include]\npath = other\n[a]\nb = x\n", "a.b", "x"),
	T("[include]\npath = other\n", "include.path", "other"),
	T("[includeIf \"gitdir:/x/\"]\npath = other\n", "includeif.gitdir:/x/.path", "other"),
	/* syntax errors, with git's line numbers */
	BAD("[a]\nb = \"x\n", 2),
	BAD("[a]\nb = \"x", 2),
	BAD("[a]\nb = \"x\\\"\n", 2),
	BAD("[a]\nb = \"x\ny\"\n", 2),
	BAD("[a\nb = 1\n", 1),
	BAD("[a", 2), /* git counts the end of the file as a line */
	BAD("[a \"x\nb = 1\n", 1),
	BAD("[a \"x\"", 2),
	BAD("[a \"x\" ]\n", 1),
	BAD("[a \"x\\\n\"]\n", 1),
	BAD("[a x]\n", 1),
	BAD("[ a]\n", 1),
	BAD("[]\n", 1),
	BAD("[a_b]\nc = 1\n", 1),
	BAD("[a]\n1b = 1\n", 2),
	BAD("[a]\n-b = 1\n", 2),
	BAD("[a]\nb_c = 1\n", 2),
	BAD("[a]\nb c = 1\n", 2),
	BAD("[a]\nb # c\n", 2),
	BAD("[a]\nb : 1\n", 2),
	BAD("[a]\n= 1\n", 2),
	BAD("[a]\nb = x\\q\n", 2),
	BAD("[a]\nb = x\\\n\"\n", 3),
	BAD("[a]\n\n\n# c\nb = 1\n]\n", 6),
	BAD("[a]\nb = 1\n\xef\xbb\xbf\n", 3),
	BAD("\xef\xbb[a]\nb = 1\n", 1),
	BAD("\xef[a]\nb = 1\n", 1),
	{ "[a]\nb = x\rc = 1\n", 0, "a.b", 0, "x\rc = 1", 0, GIT_OLD_WS },
	T("\r[a]\nb = x\n", "a.b", "x"),
	BAD("[a]\n\xc3\xa9 = 1\n", 2),
	BAD("[caf\xc3\xa9]\nb = 1\n", 1),
	/* NUL bytes: where git stops too, the same error; in a comment, ignored */
	BIN("[a]\n# x\0y\nb = 1\n", "a.b", 0, "1", 0, GIT_SAME),
	BIN("[a]\nb = 1 ; x\0y\n", "a.b", 0, "1", 0, GIT_SAME),
	BIN("[a]\n\0b = 1\n", "a.b", HR_EINVALID, NULL, 2, GIT_SAME),
	BIN("[a\0]\nb = 1\n", "a.b", HR_EINVALID, NULL, 1, GIT_SAME),
	BIN("[a]\nb\0 = 1\n", "a.b", HR_EINVALID, NULL, 2, GIT_SAME),
	BIN("[a]\nb = \\\0\n", "a.b", HR_EINVALID, NULL, 2, GIT_SAME),
	/* git keeps "x" of "x\0y" (and cuts a subsection): not read here */
	BIN("[a]\nb = x\0y\n", "a.b", HR_ENOTSUP, NULL, 0, GIT_DIFFERS),
	BIN("[a \"s\0t\"]\nb = 1\n", "a.b", HR_ENOTSUP, NULL, 0, GIT_DIFFERS),
	/* a NUL in a value, then a syntax error: the error wins, as in git */
	BIN("[a]\nb = x\0y\n[\n", "a.b", HR_EINVALID, NULL, 3, GIT_SAME),
};

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* does git agree with hr_gitconfig_get/_bool/_int on `key` of file `path`? */
static void compare_with_git(const hr_gitconfig *c, const char *path, const char *key, const char *what)
{
	char args[512];
	gitout g;
	const char *v;

	snprintf(args, sizeof(args), "config --file '%s' --get", path);
	run_git(&g, "", args, key);
	int rc = hr_gitconfig_get(c, key, &v);
	if (rc == 0) {
		ck_assert_msg(g.status == 0, "%s: git config --get %s: exit %d (%s)", what, key, g.status, g.err);
		/* git prints a bare key as an empty line */
		const char *mine = v ? v : "";
		ck_assert_msg(strlen(mine) == g.len && !memcmp(mine, g.out, g.len),
			"%s: %s: git says \"%s\", we say \"%s\"", what, key, g.out, mine);
	} else {
		ck_assert_int_eq(rc, HR_ENOTFOUND);
		ck_assert_msg(g.status == 1, "%s: git found %s (\"%s\", exit %d)", what, key, g.out, g.status);
	}
	free(g.out);

	bool b;
	snprintf(args, sizeof(args), "config --file '%s' --bool --get", path);
	run_git(&g, "", args, key);
	rc = hr_gitconfig_get_bool(c, key, &b);
	if (rc == 0) {
		ck_assert_msg(g.status == 0 && !strcmp(g.out, b ? "true" : "false"),
			"%s: %s as a bool: git says \"%s\" (exit %d), we say %d", what, key, g.out, g.status, b);
	} else if (rc == HR_EINVALID) {
		ck_assert_msg(g.status == 128, "%s: %s: git reads the bool \"%s\"", what, key, g.out);
	} else {
		ck_assert_int_eq(g.status, 1);
	}
	free(g.out);

	int n;
	snprintf(args, sizeof(args), "config --file '%s' --int --get", path);
	run_git(&g, "", args, key);
	rc = hr_gitconfig_get_int(c, key, &n);
	if (rc == 0) {
		char want[32];
		snprintf(want, sizeof(want), "%d", n);
		ck_assert_msg(g.status == 0 && !strcmp(g.out, want),
			"%s: %s as an int: git says \"%s\" (exit %d), we say %d", what, key, g.out, g.status, n);
	} else if (rc == HR_EINVALID) {
		/* git reads an int64: a value beyond int is ours to refuse */
		if (g.status == 0) {
			errno = 0;
			long long ll = strtoll(g.out, NULL, 10);
			ck_assert_msg(errno == ERANGE || ll > INT_MAX || ll < INT_MIN,
				"%s: %s: git reads the int %s", what, key, g.out);
		} else {
			ck_assert_int_eq(g.status, 128);
		}
	} else {
		ck_assert_int_eq(g.status, 1);
	}
	free(g.out);
}

START_TEST(table)
{
	const gcase *tc = &cases[_i];
	size_t len = tc->len ? tc->len : strlen(tc->text);
	hr_gitconfig *c;
	char err[512], what[64], path[128];
	const char *v;

	snprintf(what, sizeof(what), "case %d", _i);
	ck_assert_int_eq(hr_gitconfig_new(&c), 0);
	int rc = hr_gitconfig_parse(c, tc->text, len, "F", err, sizeof(err));
	if (tc->rc == HR_EINVALID || tc->rc == HR_ENOTSUP) {
		ck_assert_msg(rc == tc->rc, "%s: rc %d, expected %d (%s)", what, rc, tc->rc, err);
		ck_assert_uint_eq(hr_gitconfig_count(c), 0);
	} else {
		ck_assert_msg(rc == 0, "%s: %s", what, err);
		rc = hr_gitconfig_get(c, tc->key, &v);
		ck_assert_msg(rc == tc->rc, "%s: get %s: rc %d", what, tc->key, rc);
		if (rc == 0 && !tc->value)
			ck_assert_msg(v == NULL, "%s: \"%s\" for a bare key", what, v);
		if (rc == 0 && tc->value)
			ck_assert_msg(v && !strcmp(v, tc->value), "%s: \"%s\", expected \"%s\"", what,
				v ? v : "(bare)", tc->value);
	}
	if (tc->rc == HR_EINVALID) {
		char want[32];
		snprintf(want, sizeof(want), "F:%u: ", tc->line);
		ck_assert_msg(!strncmp(err, want, strlen(want)), "%s: \"%s\", expected line %u", what, err,
			tc->line);
	}

	if (tc->git == GIT_DIFFERS || (tc->git == GIT_OLD_WS && !git_keeps_inner_whitespace()))
		goto out;
	snprintf(path, sizeof(path), "%s/config", tmpdir);
	write_file(path, tc->text, len);
	if (tc->rc == HR_EINVALID) {
		gitout g;
		char args[256], want[256];
		snprintf(args, sizeof(args), "config --file '%s' --get", path);
		run_git(&g, "", args, tc->key);
		snprintf(want, sizeof(want), "bad config line %u in file %s", tc->line, path);
		ck_assert_msg(g.status == 128 && strstr(g.err, want), "%s: git says: exit %d, %s", what,
			g.status, g.err);
		free(g.out);
	} else {
		compare_with_git(c, path, tc->key, what);
	}
out:
	hr_gitconfig_free(c);
}
END_TEST

/*
 * booleans and ints, each compared with git --bool and --int. Not "-2g"
 * nor "-2147483648": INT_MIN is an int since git 2.50 (parse.c, 8f282bdff0), not before.
 */
static const char *const typed[] = {
	"true", "TRUE", "yes", "On", "false", "no", "OFF", "", "1", "0", "2", "-1", "0x0", "0x10", "010",
	"1k", "1K", "1m", "1g", "2g", "-1g", "3k5", "1kb", "k", "maybe", "tru", "\" 5\"", "\"5 \"", "+7",
	"2147483647", "2147483648", "-2147483647", "99999999999999999999999", "0x7fffffff", "1 k",
	"\"\"", "\"yes\"", "-", "0b1", "1e3", "08",
};

START_TEST(typed_values)
{
	char text[128], path[128], err[256];
	hr_gitconfig *c;

	snprintf(text, sizeof(text), "[a]\nb = %s\n", typed[_i]);
	ck_assert_int_eq(hr_gitconfig_new(&c), 0);
	ck_assert_int_eq(hr_gitconfig_parse(c, text, strlen(text), "F", err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/config", tmpdir);
	write_file(path, text, strlen(text));
	compare_with_git(c, path, "a.b", typed[_i]);
	hr_gitconfig_free(c);
}
END_TEST

START_TEST(bare_key_types)
{
	hr_gitconfig *c;
	char err[256];
	bool b = false;
	int n;
	char *p;
	const char text[] = "[core]\n\tbare\n";

	ck_assert_int_eq(hr_gitconfig_new(&c), 0);
	ck_assert_int_eq(hr_gitconfig_parse(c, text, strlen(text), "F", err, sizeof(err)), 0);
	ck_assert_int_eq(hr_gitconfig_get_bool(c, "core.bare", &b), 0);
	ck_assert(b);
	ck_assert_int_eq(hr_gitconfig_get_int(c, "core.bare", &n), HR_EINVALID);
	ck_assert_int_eq(hr_gitconfig_get_path(c, NULL, "core.bare", &p), HR_EINVALID);
	ck_assert_int_eq(hr_gitconfig_get_bool(c, "core.nope", &b), HR_ENOTFOUND);
	ck_assert(hr_gitconfig_has_section(c, "core"));
	ck_assert(hr_gitconfig_has_section(c, "CORE"));
	ck_assert(!hr_gitconfig_has_section(c, "cor"));
	ck_assert(!hr_gitconfig_has_section(c, "extensions"));
	ck_assert(!hr_gitconfig_includes(c));
	hr_gitconfig_free(c);
}
END_TEST

/* keys git refuses to look up */
START_TEST(bad_keys)
{
	static const char *const keys[] = { "a", ".a", "a.", "a.1b", "a_b.c", "a.b_c", "a.b\nc.d", "", "a.b.",
		"a.b.-c", "é.b" };
	hr_gitconfig *c;
	const char *v;
	ck_assert_int_eq(hr_gitconfig_new(&c), 0);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ck_assert_msg(hr_gitconfig_get(c, keys[i], &v) == HR_EINVALID, "%s", keys[i]);
	/* the subsection may hold anything but a newline */
	ck_assert_int_eq(hr_gitconfig_get(c, "a.b_c\"\\ .d", &v), HR_ENOTFOUND);
	hr_gitconfig_free(c);
}
END_TEST

START_TEST(includes_and_extensions)
{
	hr_gitconfig *c;
	char err[256];
	const char inc[] = "[a]\nb = 1\n[includeIf \"onbranch:main\"]\n\tpath = x\n";
	const char ext[] = "[core]\nrepositoryformatversion = 1\n[extensions]\nobjectFormat = sha256\n";

	ck_assert_int_eq(hr_gitconfig_new(&c), 0);
	ck_assert_int_eq(hr_gitconfig_parse(c, inc, strlen(inc), "F", err, sizeof(err)), 0);
	ck_assert(hr_gitconfig_includes(c));
	ck_assert_int_eq(hr_gitconfig_parse(c, ext, strlen(ext), "G", err, sizeof(err)), 0);
	ck_assert(hr_gitconfig_has_section(c, "extensions"));
	ck_assert(hr_gitconfig_has_section(c, "includeIf"));
	int n = 0;
	ck_assert_int_eq(hr_gitconfig_get_int(c, "core.repositoryFormatVersion", &n), 0);
	ck_assert_int_eq(n, 1);
	/* a file that fails leaves nothing behind, nor its include flag */
	hr_gitconfig_free(c);
	ck_assert_int_eq(hr_gitconfig_new(&c), 0);
	const char bad[] = "[include]\npath = x\n[a]\nb = 1\n[\n";
	ck_assert_int_eq(hr_gitconfig_parse(c, bad, strlen(bad), "F", err, sizeof(err)), HR_EINVALID);
	ck_assert(!hr_gitconfig_includes(c));
	ck_assert_uint_eq(hr_gitconfig_count(c), 0);
	ck_assert_str_eq(err, "F:5: bad config line (a section header is not closed)");
	hr_gitconfig_free(c);
}
END_TEST

/* long values, deep continuations, the size limits */
START_TEST(limits)
{
	hr_gitconfig *c;
	char err[256], path[128];
	const char *v;
	size_t n = 60000, i;
	char *text = malloc(HR_GITCONFIG_FILE_MAX + 100);
	ck_assert_ptr_nonnull(text);

	/* a 60 000-byte line, then 10 000 continuation lines: git reads both */
	size_t len = (size_t)sprintf(text, "[a]\nb = ");
	memset(text + len, 'x', n);
	len += n;
	len += (size_t)sprintf(text + len, "\nc = ");
	for (i = 0; i < 10000; i++)
		len += (size_t)sprintf(text + len, "y\\\n");
	text[len++] = '\n';
	ck_assert_int_eq(hr_gitconfig_new(&c), 0);
	ck_assert_int_eq(hr_gitconfig_parse(c, text, len, "F", err, sizeof(err)), 0);
	ck_assert_int_eq(hr_gitconfig_get(c, "a.b", &v), 0);
	ck_assert_uint_eq(strlen(v), n);
	ck_assert_int_eq(hr_gitconfig_get(c, "a.c", &v), 0);
	ck_assert_uint_eq(strlen(v), 10000);
	snprintf(path, sizeof(path), "%s/config", tmpdir);
	write_file(path, text, len);
	compare_with_git(c, path, "a.b", "long line");
	compare_with_git(c, path, "a.c", "continuations");
	hr_gitconfig_free(c);

	/* a value, or a subsection, one byte over the limit: git reads them, we do not */
	len = (size_t)sprintf(text, "[a]\nb = ");
	memset(text + len, 'x', HR_GITCONFIG_VALUE_MAX + 1);
	len += HR_GITCONFIG_VALUE_MAX + 1;
	ck_assert_int_eq(hr_gitconfig_new(&c), 0);
	ck_assert_int_eq(hr_gitconfig_parse(c, text, len, "F", err, sizeof(err)), HR_ETOOBIG);
	ck_assert_int_eq(hr_gitconfig_parse(c, text, len - 1, "F", err, sizeof(err)), 0);
	len = (size_t)sprintf(text, "[a \"");
	memset(text + len, 's', HR_GITCONFIG_VALUE_MAX + 1);
	len += HR_GITCONFIG_VALUE_MAX + 1;
	len += (size_t)sprintf(text + len, "\"]\nb = 1\n");
	ck_assert_int_eq(hr_gitconfig_parse(c, text, len, "F", err, sizeof(err)), HR_ETOOBIG);
	/* a file over the limit, even of comments */
	memset(text, '#', HR_GITCONFIG_FILE_MAX + 1);
	ck_assert_int_eq(hr_gitconfig_parse(c, text, HR_GITCONFIG_FILE_MAX + 1, "F", err, sizeof(err)),
		HR_ETOOBIG);
	ck_assert_int_eq(hr_gitconfig_parse(c, text, HR_GITCONFIG_FILE_MAX, "F", err, sizeof(err)), 0);
	hr_gitconfig_free(c);
	free(text);
}
END_TEST

/*
 * Random texts from pieces of the syntax, the whole entry list compared
 * with `git config -z --list` (or the bad line with git's). No tab nor
 * lone CR: git before 2.45 reads inner ones differently (see GIT_OLD_WS).
 */
static const char *const pieces[] = {
	"[", "]", "a", "B", ".", " ", "\"", "\\", "=", "#", ";", "\n", "\r\n", "x", "-", "1", "\\n", "t",
	"\0", "[a]", "[a \"S\"]", "b = ", "\n[c]\nd", "\\\n", "\"\"", "0", "[a.B]", "\xef\xbb\xbf",
};

typedef struct bytes {
	char *p;
	size_t len, cap;
} bytes;

static void add_bytes(bytes *b, const char *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		ck_assert_ptr_nonnull(b->p = realloc(b->p, b->cap));
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
}

START_TEST(random_texts)
{
	uint32_t state = 12345;
	char path[128], args[256], err[512];
	snprintf(path, sizeof(path), "%s/config", tmpdir);
	snprintf(args, sizeof(args), "config -z --file '%s' --list", path);

	for (int iter = 0; iter < 400; iter++) {
		bytes text = { 0 }, ours = { 0 }, theirs = { 0 };
		state = state * 1103515245u + 12345u;
		int n = 1 + (int)((state >> 16) % 25);
		for (int k = 0; k < n; k++) {
			state = state * 1103515245u + 12345u;
			const char *piece = pieces[(state >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];
			add_bytes(&text, piece, *piece ? strlen(piece) : 1); /* "\0" is one NUL byte */
		}
		hr_gitconfig *c;
		ck_assert_int_eq(hr_gitconfig_new(&c), 0);
		int rc = hr_gitconfig_parse(c, text.p, text.len, "F", err, sizeof(err));
		if (rc == HR_ENOTSUP)
			goto next;
		if (rc == HR_EINVALID) {
			unsigned line = 0;
			ck_assert_int_eq(sscanf(err, "F:%u:", &line), 1);
			snprintf(err, sizeof(err), "bad config line %u", line);
			add_bytes(&ours, err, strlen(err));
		} else {
			ck_assert_int_eq(rc, 0);
			for (size_t i = 0; i < hr_gitconfig_count(c); i++) {
				const char *k, *v;
				hr_gitconfig_entry(c, i, &k, &v, NULL);
				add_bytes(&ours, k, strlen(k));
				if (v) {
					add_bytes(&ours, "\n", 1);
					add_bytes(&ours, v, strlen(v));
				}
				add_bytes(&ours, "", 1);
			}
		}
		write_file(path, text.p, text.len);
		gitout g;
		run_git(&g, "", args, NULL);
		if (g.status == 128) {
			const char *at = strstr(g.err, "bad config line ");
			ck_assert_msg(at != NULL, "git: %s", g.err);
			unsigned line = (unsigned)strtoul(at + 16, NULL, 10);
			snprintf(err, sizeof(err), "bad config line %u", line);
			add_bytes(&theirs, err, strlen(err));
		} else {
			ck_assert_int_eq(g.status, 0);
			/* git lists a variable before any section too: not kept here */
			for (size_t at = 0; at < g.len;) {
				size_t elen = strlen(g.out + at);
				const char *nl = memchr(g.out + at, '\n', elen);
				size_t klen = nl ? (size_t)(nl - (g.out + at)) : elen;
				if (memchr(g.out + at, '.', klen))
					add_bytes(&theirs, g.out + at, elen + 1);
				at += elen + 1;
			}
		}
		free(g.out);
		ck_assert_msg(ours.len == theirs.len && (!ours.len || !memcmp(ours.p, theirs.p, ours.len)),
			"text %d differs from git (%zu and %zu bytes of entries)", iter, ours.len, theirs.len);
next:
		hr_gitconfig_free(c);
		free(text.p);
		free(ours.p);
		free(theirs.p);
	}
}
END_TEST

/* ---- paths ------------------------------------------------------------------- */

static const char *const path_values[] = {
	"/abs/file", "rel/file", "~/attrs", "~", "~/", "~root/x", "~root", "~hr-no-such-user-q/x", "a~/b",
};

START_TEST(paths)
{
	char text[256], file[128], home[128], prefix[256], err[256];
	hr_gitconfig *c;
	char *p = NULL;
	gitout g;

	snprintf(home, sizeof(home), "%s/home dir", tmpdir);
	snprintf(text, sizeof(text), "[core]\nattributesFile = %s\n", path_values[_i]);
	snprintf(file, sizeof(file), "%s/config", tmpdir);
	write_file(file, text, strlen(text));
	char var[160];
	snprintf(var, sizeof(var), "HOME=%s", home);
	char *const vars[] = { var, NULL };
	hr_env env = { .vars = vars };

	ck_assert_int_eq(hr_gitconfig_new(&c), 0);
	ck_assert_int_eq(hr_gitconfig_parse(c, text, strlen(text), "F", err, sizeof(err)), 0);
	int rc = hr_gitconfig_get_path(c, &env, "core.attributesFile", &p);

	snprintf(prefix, sizeof(prefix), "HOME='%s'", home);
	char args[256];
	snprintf(args, sizeof(args), "config --file '%s' --path --get", file);
	run_git(&g, prefix, args, "core.attributesFile");
	if (rc == 0) {
		ck_assert_msg(g.status == 0 && !strcmp(g.out, p), "%s: git says \"%s\" (exit %d), we say \"%s\"",
			path_values[_i], g.out, g.status, p);
	} else {
		ck_assert_int_eq(rc, HR_EINVALID);
		ck_assert_msg(g.status == 128, "%s: git says \"%s\"", path_values[_i], g.out);
	}
	free(g.out);
	free(p);
	hr_gitconfig_free(c);
}
END_TEST

START_TEST(paths_not_here)
{
	const char text[] = "[a]\nb = %(prefix)/etc/x\nc = :(optional)~/x\nd = ~/x\n";
	hr_gitconfig *c;
	char err[256], *p = NULL;
	hr_env env = { 0 };

	ck_assert_int_eq(hr_gitconfig_new(&c), 0);
	ck_assert_int_eq(hr_gitconfig_parse(c, text, strlen(text), "F", err, sizeof(err)), 0);
	ck_assert_int_eq(hr_gitconfig_get_path(c, &env, "a.b", &p), HR_ENOTSUP);
	ck_assert_int_eq(hr_gitconfig_get_path(c, &env, "a.c", &p), HR_ENOTSUP);
	/* no HOME: git dies ("failed to expand user dir") */
	ck_assert_int_eq(hr_gitconfig_get_path(c, &env, "a.d", &p), HR_EINVALID);
	ck_assert_ptr_null(p);
	hr_gitconfig_free(c);
}
END_TEST

/* ---- the files of a repository ------------------------------------------------ */

static void mkdirs(const char *rel)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", tmpdir, rel);
	ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	write_file(path, text, strlen(text));
}

/* a repository and every file git may read, each setting t.all and its own key */
static void make_files(void)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "git init -q '%s/repo'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	mkdirs("home/.config/git");
	mkdirs("xdg/git");
	put("system", "[t]\n\tall = system\n\tsystem = yes\n\tsys-home = system\n");
	put("home/.config/git/config", "[t]\n\tall = home-xdg\n\thomexdg = yes\n");
	put("xdg/git/config", "[t]\n\tall = xdg\n\txdg = yes\n");
	put("home/.gitconfig", "[t]\n\tall = home\n\thome = yes\n\tsys-home = home\n");
	put("global", "[t]\n\tall = global\n\tglobal = yes\n");
	snprintf(cmd, sizeof(cmd), "printf '[t]\\n\\tall = local\\n\\tlocal = yes\\n' >>'%s/repo/.git/config'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *const file_keys[] = {
	"t.all", "t.system", "t.homexdg", "t.xdg", "t.home", "t.global", "t.local", "t.sys-home",
	"core.bare", "core.repositoryformatversion", "t.none",
};

/*
 * hr_gitconfig_open() with `assignments` (NAME=VALUE, NULL-terminated;
 * TMP in a value is the temporary directory) and `git config --get` run
 * in the repository with the same environment agree on every key.
 */
static void compare_files(const char *const *assignments)
{
	char vars_buf[8][512], prefix[4096], commondir[256], err[512], cwd[256];
	char *vars[9];
	size_t n = 0;

	snprintf(prefix, sizeof(prefix), "cd '%s/repo' && env -i PATH=\"$PATH\"", tmpdir);
	for (; assignments[n]; n++) {
		const char *a = assignments[n], *t = strstr(a, "TMP");
		if (t)
			snprintf(vars_buf[n], sizeof(vars_buf[n]), "%.*s%s%s", (int)(t - a), a, tmpdir, t + 3);
		else
			snprintf(vars_buf[n], sizeof(vars_buf[n]), "%s", a);
		vars[n] = vars_buf[n];
		size_t len = strlen(prefix);
		prefix[len++] = ' ';
		prefix[len] = '\0';
		sq_append(prefix, sizeof(prefix), vars_buf[n]);
	}
	vars[n] = NULL;
	snprintf(cwd, sizeof(cwd), "%s/repo", tmpdir);
	hr_env env = { .vars = vars, .cwd = cwd };
	snprintf(commondir, sizeof(commondir), "%s/repo/.git/", tmpdir);

	hr_gitconfig *c;
	int rc = hr_gitconfig_open(&c, &env, commondir, err, sizeof(err));
	ck_assert_msg(rc == 0, "%s: %s", prefix, err);
	for (size_t i = 0; i < sizeof(file_keys) / sizeof(file_keys[0]); i++) {
		gitout g;
		const char *v;
		run_git(&g, prefix, "config --get", file_keys[i]);
		rc = hr_gitconfig_get(c, file_keys[i], &v);
		if (rc == 0)
			ck_assert_msg(g.status == 0 && !strcmp(g.out, v ? v : ""),
				"%s: %s: git says \"%s\" (exit %d: %s), we say \"%s\"", prefix, file_keys[i], g.out,
				g.status, g.err, v ? v : "(bare)");
		else
			ck_assert_msg(rc == HR_ENOTFOUND && g.status == 1,
				"%s: %s: git says \"%s\" (exit %d: %s), we say %d", prefix, file_keys[i], g.out,
				g.status, g.err, rc);
		free(g.out);

		/* the repository's file alone: git config --local */
		run_git(&g, prefix, "config --local --get", file_keys[i]);
		rc = hr_gitconfig_get(hr_gitconfig_repo(c), file_keys[i], &v);
		if (rc == 0)
			ck_assert_msg(g.status == 0 && !strcmp(g.out, v ? v : ""),
				"%s: --local %s: git says \"%s\" (exit %d: %s), we say \"%s\"", prefix, file_keys[i],
				g.out, g.status, g.err, v ? v : "(bare)");
		else
			ck_assert_msg(rc == HR_ENOTFOUND && g.status == 1,
				"%s: --local %s: git says \"%s\" (exit %d: %s), we say %d", prefix, file_keys[i],
				g.out, g.status, g.err, rc);
		free(g.out);
	}
	ck_assert(hr_gitconfig_has_section(hr_gitconfig_repo(c), "core"));
	ck_assert(!hr_gitconfig_has_section(hr_gitconfig_repo(c), "extensions"));
	hr_gitconfig_free(c);
}

START_TEST(file_order)
{
	make_files();
	/* the XDG file under HOME, then ~/.gitconfig, then the repository's */
	compare_files((const char *const[]){ "GIT_CONFIG_NOSYSTEM=1", "HOME=TMP/home", NULL });
	/* XDG_CONFIG_HOME instead of ~/.config; empty, it does not count */
	compare_files((const char *const[]){ "GIT_CONFIG_NOSYSTEM=1", "HOME=TMP/home", "XDG_CONFIG_HOME=TMP/xdg",
		NULL });
	compare_files((const char *const[]){ "GIT_CONFIG_NOSYSTEM=1", "HOME=TMP/home", "XDG_CONFIG_HOME=",
		NULL });
	/* GIT_CONFIG_GLOBAL alone, even empty */
	compare_files((const char *const[]){ "GIT_CONFIG_NOSYSTEM=1", "HOME=TMP/home", "XDG_CONFIG_HOME=TMP/xdg",
		"GIT_CONFIG_GLOBAL=TMP/global", NULL });
	compare_files((const char *const[]){ "GIT_CONFIG_NOSYSTEM=1", "HOME=TMP/home", "GIT_CONFIG_GLOBAL=",
		NULL });
	/* relative to the hook's directory */
	compare_files((const char *const[]){ "GIT_CONFIG_NOSYSTEM=1", "HOME=TMP/home",
		"GIT_CONFIG_GLOBAL=../global", NULL });
	/* no HOME: no global file */
	compare_files((const char *const[]){ "GIT_CONFIG_NOSYSTEM=1", NULL });
	/* the system file first */
	compare_files((const char *const[]){ "GIT_CONFIG_SYSTEM=TMP/system", "HOME=TMP/home", NULL });
	compare_files((const char *const[]){ "GIT_CONFIG_SYSTEM=TMP/system", "GIT_CONFIG_NOSYSTEM=false",
		"HOME=TMP/home", "GIT_CONFIG_GLOBAL=TMP/global", NULL });
	compare_files((const char *const[]){ "GIT_CONFIG_SYSTEM=TMP/system", "GIT_CONFIG_NOSYSTEM=yes",
		"HOME=TMP/home", NULL });
	compare_files((const char *const[]){ "GIT_CONFIG_SYSTEM=TMP/missing", "HOME=TMP/missing", NULL });
}
END_TEST

static int open_with(const char *const *assignments, const char *commondir, char *err, size_t errlen)
{
	char vars_buf[8][512];
	char *vars[9];
	size_t n = 0;
	for (; assignments[n]; n++) {
		const char *a = assignments[n], *t = strstr(a, "TMP");
		if (t)
			snprintf(vars_buf[n], sizeof(vars_buf[n]), "%.*s%s%s", (int)(t - a), a, tmpdir, t + 3);
		else
			snprintf(vars_buf[n], sizeof(vars_buf[n]), "%s", a);
		vars[n] = vars_buf[n];
	}
	vars[n] = NULL;
	hr_env env = { .vars = vars };
	hr_gitconfig *c = NULL;
	int rc = hr_gitconfig_open(&c, &env, commondir, err, errlen);
	ck_assert(rc == 0 ? c != NULL : c == NULL);
	if (c && !commondir)
		ck_assert_uint_eq(hr_gitconfig_count(hr_gitconfig_repo(c)), 0);
	hr_gitconfig_free(c);
	return rc;
}

START_TEST(file_errors)
{
	char err[512], commondir[256], path[256];
	make_files();
	snprintf(commondir, sizeof(commondir), "%s/repo/.git", tmpdir);
	const char *const base[] = { "GIT_CONFIG_NOSYSTEM=1", "HOME=TMP/home", NULL };

	ck_assert_int_eq(open_with(base, commondir, err, sizeof(err)), 0);
	ck_assert_int_eq(open_with(base, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(open_with((const char *const[]){ "GIT_CONFIG_NOSYSTEM=maybe", NULL }, NULL, err,
		sizeof(err)), HR_EINVALID);

	/* a bad line in ~/.gitconfig: the file and the line */
	put("home/.gitconfig", "[t]\n\tall = home\n\t[x\n");
	ck_assert_int_eq(open_with(base, commondir, err, sizeof(err)), HR_EINVALID);
	snprintf(path, sizeof(path), "%s/home/.gitconfig:3: bad config line", tmpdir);
	ck_assert_msg(!strncmp(err, path, strlen(path)), "%s", err);
	put("home/.gitconfig", "[t]\n\tall = home\n");

	/* an include anywhere, extensions.worktreeConfig in the repository's file */
	put("home/.config/git/config", "[include]\n\tpath = other\n");
	ck_assert_int_eq(open_with(base, commondir, err, sizeof(err)), HR_ENOTSUP);
	ck_assert_msg(strstr(err, "/home/.config/git/config:2: include"), "%s", err);
	put("home/.config/git/config", "[t]\n\tall = home-xdg\n");
	put("repo/.git/config", "[core]\n\trepositoryformatversion = 1\n[extensions]\n\tworktreeConfig = true\n");
	ck_assert_int_eq(open_with(base, commondir, err, sizeof(err)), HR_ENOTSUP);
	/* in a global file it does not count (git reads it from the repository only) */
	put("repo/.git/config", "[core]\n\trepositoryformatversion = 1\n");
	put("home/.gitconfig", "[extensions]\n\tworktreeConfig = true\n");
	ck_assert_int_eq(open_with(base, commondir, err, sizeof(err)), 0);

	/* a directory where a file would be, a file where a directory would be: skipped */
	snprintf(path, sizeof(path), "%s/home/.gitconfig", tmpdir);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert_int_eq(open_with(base, commondir, err, sizeof(err)), 0);
	ck_assert_int_eq(open_with((const char *const[]){ "GIT_CONFIG_NOSYSTEM=1", "HOME=TMP/system", NULL },
		commondir, err, sizeof(err)), 0);

	/* unreadable: skipped when global, an error when the repository's (not as root) */
	if (geteuid() != 0) {
		put("global", "[t]\n\tall = global\n");
		snprintf(path, sizeof(path), "%s/global", tmpdir);
		ck_assert_int_eq(chmod(path, 0), 0);
		ck_assert_int_eq(open_with((const char *const[]){ "GIT_CONFIG_NOSYSTEM=1",
			"GIT_CONFIG_GLOBAL=TMP/global", NULL }, commondir, err, sizeof(err)), 0);
		snprintf(path, sizeof(path), "%s/repo/.git/config", tmpdir);
		ck_assert_int_eq(chmod(path, 0), 0);
		ck_assert_int_eq(open_with(base, commondir, err, sizeof(err)), HR_EIO);
		ck_assert_msg(strstr(err, "cannot read"), "%s", err);
	}
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("gitconfig");
	TCase *tc = tcase_create("gitconfig");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_loop_test(tc, typed_values, 0, (int)(sizeof(typed) / sizeof(typed[0])));
	tcase_add_test(tc, bare_key_types);
	tcase_add_test(tc, bad_keys);
	tcase_add_test(tc, includes_and_extensions);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, random_texts);
	tcase_add_loop_test(tc, paths, 0, (int)(sizeof(path_values) / sizeof(path_values[0])));
	tcase_add_test(tc, paths_not_here);
	tcase_add_test(tc, file_order);
	tcase_add_test(tc, file_errors);
	suite_add_tcase(s, tc);
	return s;
}
