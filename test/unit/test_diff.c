/* SPDX-License-Identifier: MIT */
/*
 * test_diff.c - the line diff (hr_diff_unified) on strings: the edge cases
 * (empty inputs, missing final newlines, CRLF), hunks and their context,
 * bounded memory on inputs with very many lines, paths quoted in its
 * headers; and the escaping every text output uses (hr_escape).
 */
#include <stdlib.h>
#include <sys/resource.h>

#include "unit.h"
#include "hook-run/diff.h"

typedef struct diff_case {
	const char *name;
	const char *a, *b;
	const char *want;
} diff_case;

static const diff_case cases[] = {
	{ "two empty inputs", "", "", "" },
	{ "equal inputs", "a\nb\n", "a\nb\n", "" },
	{ "from empty", "", "a\n",
	  "--- a/F\n+++ b/F\n@@ -0,0 +1,1 @@\n+a\n" },
	{ "to empty", "a\n", "",
	  "--- a/F\n+++ b/F\n@@ -1,1 +0,0 @@\n-a\n" },
	{ "one line changed", "a\nb\nc\n", "a\nB\nc\n",
	  "--- a/F\n+++ b/F\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n" },
	{ "a line inserted at the top", "FROM a\n", "# syntax=docker/dockerfile:1\n\nFROM a\n",
	  "--- a/F\n+++ b/F\n@@ -1,1 +1,3 @@\n+# syntax=docker/dockerfile:1\n+\n FROM a\n" },
	{ "no newline at the end", "a", "b",
	  "--- a/F\n+++ b/F\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n" },
	{ "newline added at the end", "a", "a\n",
	  "--- a/F\n+++ b/F\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+a\n" },
	{ "CRLF kept", "a\r\nb\r\n", "a\r\nc\r\n",
	  "--- a/F\n+++ b/F\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n" },
	{ "two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n",
	  "--- a/F\n+++ b/F\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n@@ -10,3 +11,4 @@\n 10\n 11\n 12\n+13\n" },
};

START_TEST(diff_table)
{
	const diff_case *c = &cases[_i];
	char *out = NULL;
	ck_assert_int_eq(hr_diff_unified(&out, c->a, strlen(c->a), c->b, strlen(c->b), "F"), 0);
	ck_assert_msg(strcmp(out, c->want) == 0, "%s: got\n%s\nwant\n%s", c->name, out, c->want);
	free(out);
}
END_TEST

/* NULL pointers with zero lengths are empty inputs too */
START_TEST(diff_null_empty)
{
	char *out = NULL;
	ck_assert_int_eq(hr_diff_unified(&out, NULL, 0, NULL, 0, "F"), 0);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

static long max_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * 400 000 one-byte lines, every other one changed: more than 1 000 edits,
 * so the diff falls back to delete-all/add-all. The trace of the search
 * before that fallback once held 1 000 rows of 2(n + m) + 1 longs (6 GB
 * here); now the whole call stays within a few tens of megabytes.
 */
START_TEST(diff_memory_bounded)
{
	size_t nlines = 400000;
	char *a = malloc(nlines * 2), *b = malloc(nlines * 2), *out = NULL;
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	for (size_t i = 0; i < nlines; i++) {
		a[2 * i] = 'a';
		b[2 * i] = (i & 1) ? 'b' : 'a';
		a[2 * i + 1] = b[2 * i + 1] = '\n';
	}
	long before = max_rss_kb();
	ck_assert_int_eq(hr_diff_unified(&out, a, nlines * 2, b, nlines * 2, "F"), 0);
	long grew = max_rss_kb() - before;
	ck_assert_msg(grew < 200 * 1024, "the diff took %ld kB", grew);
	ck_assert_ptr_nonnull(strstr(out, "@@ -1,400000 +1,400000 @@\n"));
	free(out);
	free(a);
	free(b);
}
END_TEST

/* a path with a newline is quoted in the headers, as git quotes it */
START_TEST(diff_quoted_path)
{
	char *out = NULL;
	ck_assert_int_eq(hr_diff_unified(&out, "a\n", 2, "b\n", 2, "x\nremote: y/Dockerfile"), 0);
	ck_assert_msg(strncmp(out, "--- \"a/x\\nremote: y/Dockerfile\"\n+++ \"b/x\\nremote: y/Dockerfile\"\n", 64) == 0,
		"%s", out);
	free(out);
}
END_TEST

typedef struct escape_case {
	const char *in;
	bool path;
	const char *want;
} escape_case;

static const escape_case escapes[] = {
	{ "Dockerfile", true, "Dockerfile" },
	{ "app/Dockerfile", false, "app/Dockerfile" },
	{ "x\nremote: ALL CHECKS PASSED\n/Dockerfile", true, "\"x\\nremote: ALL CHECKS PASSED\\n/Dockerfile\"" },
	{ "x\nremote: ok", false, "x\\nremote: ok" },
	{ "\033[2J\033]0;t\a", false, "\\033[2J\\033]0;t\\a" },
	{ "tab\there\r", true, "\"tab\\there\\r\"" },
	{ "quote\"and\\back", true, "\"quote\\\"and\\\\back\"" },
	{ "quote\"and\\back", false, "quote\"and\\back" },
	{ "caf\xc3\xa9/\xe2\x9c\x93", true, "caf\xc3\xa9/\xe2\x9c\x93" },      /* UTF-8 kept */
	{ "csi\xc2\x9b" "31m", false, "csi\\302\\23331m" },                   /* a C1 control */
	{ "bad\xff\xfe", true, "\"bad\\377\\376\"" },                       /* not UTF-8 */
	{ "del\x7f", false, "del\\177" },
	{ "", true, "" },
};

START_TEST(escape_table)
{
	const escape_case *c = &escapes[_i];
	char *got = hr_escape(c->in, c->path);
	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strcmp(got, c->want) == 0, "case %d: got [%s] want [%s]", _i, got, c->want);
	free(got);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("diff");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, diff_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, diff_null_empty);
	tcase_add_test(tc, diff_memory_bounded);
	tcase_add_test(tc, diff_quoted_path);
	tcase_add_loop_test(tc, escape_table, 0, (int)(sizeof(escapes) / sizeof(escapes[0])));
	suite_add_tcase(s, tc);
	return s;
}
