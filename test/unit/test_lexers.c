/* SPDX-License-Identifier: MIT */
/*
 * test_lexers.c - unit tests of the parser's building blocks, each against
 * the Go code BuildKit runs:
 *   - jsonarray.h: BuildKit's JSON-form decision (encoding/json rules);
 *   - shlex.h: BuildKit's shell word lexer (frontend/dockerfile/shell);
 *   - heredoc.h: heredocsFromLine / ParseHeredoc;
 *   - text.h: utf8.DecodeRune, unicode.IsSpace, bytes.Trim*Func,
 *     strconv.Quote, strings.ToLower.
 *
 * The tables marked "generated" hold what the Go functions themselves
 * returned for each input (the BuildKit sources and Go 1.19's standard
 * library), so a row failing here means hook-run reads those bytes
 * differently from BuildKit. Inputs are C literals with explicit lengths;
 * expected word lists are rendered as "w1","w2" with bytes outside
 * printable ASCII (and '"', '\') written \xNN. One TAP line per row.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "arena.h"
#include "heredoc.h"
#include "jsonarray.h"
#include "shlex.h"
#include "text.h"

/* ---- rendering ------------------------------------------------------------ */

static void render_one(hr_buf *b, const char *s, size_t n)
{
	hr_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			hr_buf_putc(b, (char)c);
		else
			hr_buf_printf(b, "\\x%02x", c);
	}
	hr_buf_putc(b, '"');
}

static void render_strs(hr_buf *b, const hr_str *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			hr_buf_putc(b, ',');
		render_one(b, v[i].ptr, v[i].len);
	}
}

static void render_heredoc(hr_buf *b, const hr_heredoc *h)
{
	render_one(b, h->name.ptr, h->name.len);
	hr_buf_printf(b, " fd=%llu expand=%s chomp=%s", (unsigned long long)h->fd,
		h->expand ? "true" : "false", h->chomp ? "true" : "false");
}

#define ck_assert_buf(b, expected) do { \
	ck_assert(!(b).oom); \
	ck_assert_msg((b).len == strlen(expected) && memcmp((b).ptr ? (b).ptr : "", expected, (b).len) == 0, \
		"expected <%s>, got <%.*s>", expected, (int)(b).len, (b).ptr ? (b).ptr : ""); \
} while (0)

/* a copy of exactly n bytes, so reading past the end is caught by valgrind */
static char *exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(p);
	memcpy(p, s, n);
	return p;
}

/* ---- JSON form -------------------------------------------------------------- */

static const struct {
	const char *input;
	size_t len;
	hr_jsonarray_result result;
	const char *expected;
} json_cases[] = {
	/* generated: BuildKit's parseJSON (TrimLeftFunc, '[' prefix, encoding/json into []any) */
	{ "[\"a\",\"b\"]", 9, HR_JSONARRAY_OK, "\"a\",\"b\"" },
	{ "[ \"a\" , \"b\" ]", 13, HR_JSONARRAY_OK, "\"a\",\"b\"" },
	{ "[\n\"a\",\t\"b\"\r\n]", 13, HR_JSONARRAY_OK, "\"a\",\"b\"" },
	{ "[]", 2, HR_JSONARRAY_OK, "" },
	{ "[ ]", 3, HR_JSONARRAY_OK, "" },
	{ "[\"a\"] x", 7, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"a\"]]", 6, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"a\"]  ", 7, HR_JSONARRAY_OK, "\"a\"" },
	{ " \t[\"a\"]", 7, HR_JSONARRAY_OK, "\"a\"" },
	{ "\302\240[\"a\"]", 7, HR_JSONARRAY_OK, "\"a\"" },
	{ "[\"a\"]\302\240", 7, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"a\tb\"]", 7, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"a\nb\"]", 7, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"a\177b\"]", 7, HR_JSONARRAY_OK, "\"a\\x7fb\"" },
	{ "[\"a\000b\"]", 7, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"a\\u0000b\"]", 12, HR_JSONARRAY_OK, "\"a\\x00b\"" },
	{ "[1]", 3, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[\"a\", 1]", 8, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[null]", 6, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[true]", 6, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[false]", 7, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[{}]", 4, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[[]]", 4, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[\"a\",[\"b\"]]", 11, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[{\"a\":1,\"b\":[1,2]}]", 19, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[1e400]", 7, HR_JSONARRAY_NOT_JSON, "" },
	{ "[-1e400]", 8, HR_JSONARRAY_NOT_JSON, "" },
	{ "[[1e400]]", 9, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"a\",1e400]", 11, HR_JSONARRAY_NOT_JSON, "" },
	{ "[1e308]", 7, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[1.7976931348623157e308]", 24, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[1.7976931348623159e308]", 24, HR_JSONARRAY_NOT_JSON, "" },
	{ "[1e-400]", 8, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[4.9e-324]", 10, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[123456789012345678901234567890]", 32, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[-0.5e-3]", 9, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[0]", 3, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[-0]", 4, HR_JSONARRAY_NOT_STRINGS, "" },
	{ "[01]", 4, HR_JSONARRAY_NOT_JSON, "" },
	{ "[1.]", 4, HR_JSONARRAY_NOT_JSON, "" },
	{ "[.5]", 4, HR_JSONARRAY_NOT_JSON, "" },
	{ "[-]", 3, HR_JSONARRAY_NOT_JSON, "" },
	{ "[1e]", 4, HR_JSONARRAY_NOT_JSON, "" },
	{ "[1e+]", 5, HR_JSONARRAY_NOT_JSON, "" },
	{ "[+1]", 4, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"\\u0041\\u00e9\"]", 16, HR_JSONARRAY_OK, "\"A\\xc3\\xa9\"" },
	{ "[\"\\ud83d\\ude00\"]", 16, HR_JSONARRAY_OK, "\"\\xf0\\x9f\\x98\\x80\"" },
	{ "[\"\\uD83D\\uDE00\"]", 16, HR_JSONARRAY_OK, "\"\\xf0\\x9f\\x98\\x80\"" },
	{ "[\"\\ud83d\"]", 10, HR_JSONARRAY_OK, "\"\\xef\\xbf\\xbd\"" },
	{ "[\"\\ud83dx\"]", 11, HR_JSONARRAY_OK, "\"\\xef\\xbf\\xbdx\"" },
	{ "[\"\\ude00\"]", 10, HR_JSONARRAY_OK, "\"\\xef\\xbf\\xbd\"" },
	{ "[\"\\ud83d\\u0041\"]", 16, HR_JSONARRAY_OK, "\"\\xef\\xbf\\xbdA\"" },
	{ "[\"\\ud83d\\ud83d\\ude00\"]", 22, HR_JSONARRAY_OK, "\"\\xef\\xbf\\xbd\\xf0\\x9f\\x98\\x80\"" },
	{ "[\"\\ud83d\\\\\"]", 12, HR_JSONARRAY_OK, "\"\\xef\\xbf\\xbd\\x5c\"" },
	{ "[\"\377\"]", 5, HR_JSONARRAY_OK, "\"\\xef\\xbf\\xbd\"" },
	{ "[\"a\303\"]", 6, HR_JSONARRAY_OK, "\"a\\xef\\xbf\\xbd\"" },
	{ "[\"\355\240\200\"]", 7, HR_JSONARRAY_OK, "\"\\xef\\xbf\\xbd\\xef\\xbf\\xbd\\xef\\xbf\\xbd\"" },
	{ "[\"\303\251\360\237\230\200\"]", 10, HR_JSONARRAY_OK, "\"\\xc3\\xa9\\xf0\\x9f\\x98\\x80\"" },
	{ "[\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"]", 20, HR_JSONARRAY_OK, "\"/\\x08\\x0c\\x0a\\x0d\\x09\\x22\\x5c\"" },
	{ "[\"\\x\"]", 6, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"\\u12\"]", 8, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"\\u12g4\"]", 10, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"\\U0041\"]", 10, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"\\'\"]", 6, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"a\",]", 6, HR_JSONARRAY_NOT_JSON, "" },
	{ "[,]", 3, HR_JSONARRAY_NOT_JSON, "" },
	{ "[,\"a\"]", 6, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"a\" \"b\"]", 9, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"a\"", 4, HR_JSONARRAY_NOT_JSON, "" },
	{ "[", 1, HR_JSONARRAY_NOT_JSON, "" },
	{ "[\"a", 3, HR_JSONARRAY_NOT_JSON, "" },
	{ "{\"a\":1}", 7, HR_JSONARRAY_NOT_JSON, "" },
	{ "\"a\"", 3, HR_JSONARRAY_NOT_JSON, "" },
	{ "a", 1, HR_JSONARRAY_NOT_JSON, "" },
	{ "", 0, HR_JSONARRAY_NOT_JSON, "" },
	{ "[tru]", 5, HR_JSONARRAY_NOT_JSON, "" },
	{ "[True]", 6, HR_JSONARRAY_NOT_JSON, "" },
	{ "[nul]", 5, HR_JSONARRAY_NOT_JSON, "" },
	{ "[{\"a\" 1}]", 9, HR_JSONARRAY_NOT_JSON, "" },
	{ "[{\"a\":}]", 8, HR_JSONARRAY_NOT_JSON, "" },
	{ "[{1:2}]", 7, HR_JSONARRAY_NOT_JSON, "" },
	{ "[{\"a\":1,}]", 10, HR_JSONARRAY_NOT_JSON, "" },
	{ "['a']", 5, HR_JSONARRAY_NOT_JSON, "" },
	{ "[ \"a\" ]x", 8, HR_JSONARRAY_NOT_JSON, "" },
};

START_TEST(test_json_table)
{
	hr_arena arena;
	hr_vec out;
	hr_jsonarray_result r = (hr_jsonarray_result)-1;
	hr_buf b = HR_BUF_INIT;
	char *in = exact(json_cases[_i].input, json_cases[_i].len);

	hr_arena_init(&arena);
	hr_vec_init(&out, sizeof(hr_arg));
	ck_assert_int_eq(hr_jsonarray_parse(&r, &out, &arena, in, json_cases[_i].len, 0), 0);
	ck_assert_msg(r == json_cases[_i].result, "input <%s>: result %d, expected %d",
		json_cases[_i].input, (int)r, (int)json_cases[_i].result);
	if (r != HR_JSONARRAY_OK)
		ck_assert_uint_eq(out.len, 0);
	for (size_t i = 0; i < out.len; i++) {
		const hr_arg *a = (const hr_arg *)out.items + i;
		if (i)
			hr_buf_putc(&b, ',');
		render_one(&b, a->text.ptr, a->text.len);
	}
	ck_assert_buf(b, json_cases[_i].expected);
	hr_buf_free(&b);
	hr_vec_free(&out);
	hr_arena_free(&arena);
	free(in);
}
END_TEST

START_TEST(test_json_spans)
{
	static const char in[] = " [\"a\",\t\"b \\\"c\"] ";
	hr_arena arena;
	hr_vec out;
	hr_jsonarray_result r;

	hr_arena_init(&arena);
	hr_vec_init(&out, sizeof(hr_arg));
	ck_assert_int_eq(hr_jsonarray_parse(&r, &out, &arena, in, sizeof(in) - 1, 100), 0);
	ck_assert_int_eq(r, HR_JSONARRAY_OK);
	ck_assert_uint_eq(out.len, 2);
	const hr_arg *a = out.items;
	/* spans cover the quoted tokens, shifted by `base` */
	ck_assert_uint_eq(a[0].span.start, 102);
	ck_assert_uint_eq(a[0].span.end, 105);
	ck_assert_uint_eq(a[1].span.start, 107);
	ck_assert_uint_eq(a[1].span.end, 114);
	ck_assert_hr_str(a[1].text, "b \"c");
	hr_vec_free(&out);
	hr_arena_free(&arena);
}
END_TEST

/* encoding/json refuses nesting deeper than 10000 (maxNestingDepth) */
static const struct {
	size_t depth;
	hr_jsonarray_result result;
} json_depths[] = {
	{ 2, HR_JSONARRAY_NOT_STRINGS },
	{ 10000, HR_JSONARRAY_NOT_STRINGS },
	{ 10001, HR_JSONARRAY_NOT_JSON },
	{ 200000, HR_JSONARRAY_NOT_JSON },
};

START_TEST(test_json_depth)
{
	size_t d = json_depths[_i].depth;
	char *in = malloc(2 * d);
	hr_arena arena;
	hr_vec out;
	hr_jsonarray_result r;

	ck_assert_ptr_nonnull(in);
	memset(in, '[', d);
	memset(in + d, ']', d);
	hr_arena_init(&arena);
	hr_vec_init(&out, sizeof(hr_arg));
	ck_assert_int_eq(hr_jsonarray_parse(&r, &out, &arena, in, 2 * d, 0), 0);
	ck_assert_int_eq(r, json_depths[_i].result);
	hr_vec_free(&out);
	hr_arena_free(&arena);
	free(in);
}
END_TEST

/* ---- the shell lexer ------------------------------------------------------- */

static const struct {
	const char *input;
	size_t len;
	uint32_t escape;
	bool raw_quotes, raw_escapes;
	bool ok;
	const char *expected;
} shlex_cases[] = {
	/* generated: shell.Lex.ProcessWords, SkipUnsetEnv, empty environment */
	{ "a b  c", 6, '\\', false, false, true, "\"a\",\"b\",\"c\"" },
	{ "  a\tb\r\nc  ", 10, '\\', false, false, true, "\"a\",\"b\",\"c\"" },
	{ "\"a b\" c", 7, '\\', false, false, true, "\"a b\",\"c\"" },
	{ "\"a b\" c", 7, '\\', true, false, true, "\"\\x22a b\\x22\",\"c\"" },
	{ "'a $b' c", 8, '\\', false, false, true, "\"a $b\",\"c\"" },
	{ "'a $b' c", 8, '\\', true, true, true, "\"'a $b'\",\"c\"" },
	{ "a\\ b", 4, '\\', false, false, true, "\"a b\"" },
	{ "a\\ b", 4, '\\', true, true, true, "\"a\\x5c b\"" },
	{ "\"a\\\"b\"", 6, '\\', false, false, true, "\"a\\x22b\"" },
	{ "\"a\\\"b\"", 6, '\\', true, true, true, "\"\\x22a\\x5c\\x22b\\x22\"" },
	{ "\"a\\b\"", 5, '\\', false, false, true, "\"a\\x5cb\"" },
	{ "\"unterminated", 13, '\\', false, false, false, "" },
	{ "'unterminated", 13, '\\', false, false, false, "" },
	{ "a\\", 2, '\\', false, false, true, "\"a\"" },
	{ "a\\", 2, '\\', true, true, true, "\"a\\x5c\"" },
	{ "\"\"", 2, '\\', false, false, true, "" },
	{ "\"\" x", 4, '\\', true, false, true, "\"\\x22\\x22\",\"x\"" },
	{ "$x y", 4, '\\', false, false, true, "\"$x\",\"y\"" },
	{ "x${y}z", 6, '\\', false, false, true, "\"x${y}z\"" },
	{ "${x:-a b}", 9, '\\', false, false, true, "\"${x:-a\",\"b}\"" },
	{ "pre${x:-y}post more", 19, '\\', false, false, true, "\"${x:-y}post\",\"more\"" },
	{ "${x:+y} ${x?err} ${x#pre} ${x%%suf} ${x/a/b} ${x//a/b}", 54, '\\', false, false, true, "\"${x:+y}\",\"${x?err}\",\"${x#pre}\",\"${x%%suf}\",\"${x/a/b}\",\"${x/a/b}\"" },
	{ "${x:#y}", 7, '\\', false, false, false, "" },
	{ "${x!}", 5, '\\', false, false, false, "" },
	{ "${", 2, '\\', false, false, false, "" },
	{ "${x", 3, '\\', false, false, false, "" },
	{ "${}", 3, '\\', false, false, false, "" },
	{ "${:}", 4, '\\', false, false, false, "" },
	{ "$1 $@ $$ $# ${1} ${10}x", 23, '\\', false, false, true, "\"$1\",\"$@\",\"$$\",\"$#\",\"${1}\",\"${10}x\"" },
	{ "$ \303\251 ${\303\251}", 10, '\\', false, false, true, "\"$\",\"\\xc3\\xa9\",\"${\\xc3\\xa9}\"" },
	{ "<<EOF cat", 9, '\\', true, true, true, "\"<<EOF\",\"cat\"" },
	{ "<< EOF", 6, '\\', true, true, true, "\"<< EOF\"" },
	{ "a <<  \tEOF b", 12, '\\', true, true, true, "\"a\",\"<<  \\x09EOF\",\"b\"" },
	{ "a<b <<<c", 8, '\\', true, true, true, "\"a<b\",\"<<<c\"" },
	{ "\377\376 x", 4, '\\', false, false, true, "\"\\xef\\xbf\\xbd\\xef\\xbf\\xbd\",\"x\"" },
	{ "\357\273\277a b", 6, '\\', false, false, true, "\"a\",\"b\"" },
	{ "a\302\240b\343\200\200c", 8, '\\', false, false, true, "\"a\",\"b\",\"c\"" },
	{ "a` b", 4, '`', false, false, true, "\"a b\"" },
	{ "a` b", 4, '`', true, true, true, "\"a` b\"" },
	{ "\"a\"'b'c", 7, '\\', false, false, true, "\"abc\"" },
	{ "\"a\"'b'c", 7, '\\', true, true, true, "\"\\x22a\\x22'b'c\"" },
	{ "\"$x y\" z", 8, '\\', false, false, true, "\"$x y\",\"z\"" },
	{ "\"${x:-\"a b\"}\"", 13, '\\', false, false, true, "\"${x:-a b}\"" },
	{ "'it''s'", 7, '\\', false, false, true, "\"its\"" },
};

START_TEST(test_shlex_table)
{
	hr_arena arena;
	hr_vec words;
	bool ok = !shlex_cases[_i].ok;
	hr_shlex_opts opts = { shlex_cases[_i].escape, shlex_cases[_i].raw_quotes, shlex_cases[_i].raw_escapes };
	hr_buf b = HR_BUF_INIT;
	char *in = exact(shlex_cases[_i].input, shlex_cases[_i].len);

	hr_arena_init(&arena);
	hr_vec_init(&words, sizeof(hr_str));
	ck_assert_int_eq(hr_shlex_words(&words, &ok, &arena, in, shlex_cases[_i].len, &opts), 0);
	ck_assert_msg(ok == shlex_cases[_i].ok, "input <%s>: lexing %s", shlex_cases[_i].input,
		ok ? "succeeded, BuildKit fails" : "failed, BuildKit succeeds");
	render_strs(&b, words.items, words.len);
	ck_assert_buf(b, shlex_cases[_i].expected);
	hr_buf_free(&b);
	hr_vec_free(&words);
	hr_arena_free(&arena);
	free(in);
}
END_TEST

/* ---- heredoc openers ------------------------------------------------------- */

static const struct {
	const char *line;
	size_t len;
	const char *expected;
	const char *error;
} heredoc_line_cases[] = {
	/* generated: parser.heredocsFromLine */
	{ "RUN <<EOF", 9, "\"EOF\" fd=0 expand=true chomp=false", NULL },
	{ "RUN 3<<EOF cat /dev/fd/3", 24, "\"EOF\" fd=3 expand=true chomp=false", NULL },
	{ "RUN <<-EOF", 10, "\"EOF\" fd=0 expand=true chomp=true", NULL },
	{ "RUN <<\"EOF\"", 11, "\"EOF\" fd=0 expand=false chomp=false", NULL },
	{ "RUN <<'EOF'", 11, "\"EOF\" fd=0 expand=false chomp=false", NULL },
	{ "RUN <<E\"O\"F", 11, "\"EOF\" fd=0 expand=false chomp=false", NULL },
	{ "RUN <<EOF <<EOF2 x", 18, "\"EOF\" fd=0 expand=true chomp=false; \"EOF2\" fd=0 expand=true chomp=false", NULL },
	{ "RUN cat<<EOF", 12, "", NULL },
	{ "RUN echo \"<<EOF\"", 16, "", NULL },
	{ "RUN << EOF", 10, "\"EOF\" fd=0 expand=true chomp=false", NULL },
	{ "RUN <<-  EOF", 12, "", NULL },
	{ "RUN <<EOF>file", 14, "\"EOF>file\" fd=0 expand=true chomp=false", NULL },
	{ "RUN <<\"EOF", 10, "", NULL },
	{ "RUN <<$X", 8, "\"$X\" fd=0 expand=true chomp=false", NULL },
	{ "RUN <<${X}", 10, "\"${X}\" fd=0 expand=true chomp=false", NULL },
	{ "RUN <<\"a b\"", 11, "\"a b\" fd=0 expand=false chomp=false", NULL },
	{ "RUN <<a\\ b", 10, "\"a b\" fd=0 expand=true chomp=false", NULL },
	{ "RUN 99999999999999999999999<<EOF", 32, "\"EOF\" fd=18446744073709551615 expand=true chomp=false", NULL },
	{ "RUN 18446744073709551615<<EOF", 29, "\"EOF\" fd=18446744073709551615 expand=true chomp=false", NULL },
	{ "RUN <<", 6, "", NULL },
	{ "RUN <<<EOF", 10, "", NULL },
	{ "RUN <<EOF\\", 10, "\"EOF\" fd=0 expand=true chomp=false", NULL },
	{ "RUN <<\\EOF", 10, "\"EOF\" fd=0 expand=true chomp=false", NULL },
	{ "COPY <<A <<-\"B\" 5<<C /dst/", 26, "\"A\" fd=0 expand=true chomp=false; \"B\" fd=0 expand=false chomp=true; \"C\" fd=5 expand=true chomp=false", NULL },
	{ "RUN x <<'' y", 12, "", NULL },
	{ "RUN <<${x:-'}", 13, "", NULL },
	{ "RUN <<'${'", 10, "\"${\" fd=0 expand=false chomp=false", NULL },
	{ "RUN <<\\${", 9, "\"${\" fd=0 expand=true chomp=false", NULL },
	{ "RUN <<\"${\"", 10, "", NULL },
	{ "RUN <<$'a'", 10, "\"$a\" fd=0 expand=false chomp=false", NULL },
	{ "RUN <<\"\"", 8, "", NULL },
	{ "RUN <<''", 8, "", NULL },
	{ "RUN 0<<EOF", 10, "\"EOF\" fd=0 expand=true chomp=false", NULL },
	{ "RUN 07<<EOF", 11, "\"EOF\" fd=7 expand=true chomp=false", NULL },
	{ "RUN a<<EOF", 10, "", NULL },
	{ "RUN <<EOF#c", 11, "\"EOF#c\" fd=0 expand=true chomp=false", NULL },
	{ "RUN <<EOF;echo", 14, "\"EOF;echo\" fd=0 expand=true chomp=false", NULL },
	{ "RUN <<EOF&&x", 12, "\"EOF&&x\" fd=0 expand=true chomp=false", NULL },
	{ "RUN '<<EOF'", 11, "", NULL },
	{ "RUN <<E\\OF", 10, "\"EOF\" fd=0 expand=true chomp=false", NULL },
	{ "RUN <<\"E\\\"OF\"", 13, "\"E\\x22OF\" fd=0 expand=false chomp=false", NULL },
	{ "RUN <<${x/a/b}", 14, "", NULL },
};

START_TEST(test_heredoc_line_table)
{
	hr_arena arena;
	hr_vec docs;
	const char *err = "unset";
	hr_buf b = HR_BUF_INIT;
	char *in = exact(heredoc_line_cases[_i].line, heredoc_line_cases[_i].len);

	hr_arena_init(&arena);
	hr_vec_init(&docs, sizeof(hr_heredoc));
	ck_assert_int_eq(hr_heredocs_from_line(&docs, &err, &arena, in, heredoc_line_cases[_i].len), 0);
	if (heredoc_line_cases[_i].error)
		ck_assert_pstr_eq(err, heredoc_line_cases[_i].error);
	else
		ck_assert_ptr_null(err);
	for (size_t i = 0; i < docs.len; i++) {
		if (i)
			hr_buf_append(&b, "; ", 2);
		render_heredoc(&b, (const hr_heredoc *)docs.items + i);
	}
	ck_assert_buf(b, heredoc_line_cases[_i].expected);
	hr_buf_free(&b);
	hr_vec_free(&docs);
	hr_arena_free(&arena);
	free(in);
}
END_TEST

static const struct {
	const char *word;
	size_t len;
	const char *expected; /* "" when not a heredoc */
} heredoc_word_cases[] = {
	/* generated: parser.ParseHeredoc */
	{ "<<EOF", 5, "\"EOF\" fd=0 expand=true chomp=false" },
	{ "3<<-'EOF'", 9, "\"EOF\" fd=3 expand=false chomp=true" },
	{ "<<\"a b\"", 7, "\"a b\" fd=0 expand=false chomp=false" },
	{ "<<", 2, "" },
	{ "<<<EOF", 6, "" },
	{ "x<<EOF", 6, "" },
	{ "<< EOF", 6, "\"EOF\" fd=0 expand=true chomp=false" },
	{ "<<EOF x", 7, "" },
	{ "<<E\"O\"F", 7, "\"EOF\" fd=0 expand=false chomp=false" },
	{ "12<<\"EOF", 8, "" },
	{ "<<${", 4, "" },
	{ "<<-", 3, "" },
	{ "<<-\tEOF", 7, "\"EOF\" fd=0 expand=true chomp=true" },
};

START_TEST(test_heredoc_word_table)
{
	hr_arena arena;
	hr_heredoc h;
	hr_buf b = HR_BUF_INIT;
	char *in = exact(heredoc_word_cases[_i].word, heredoc_word_cases[_i].len);

	hr_arena_init(&arena);
	if (hr_heredoc_parse_word(&h, &arena, in, heredoc_word_cases[_i].len))
		render_heredoc(&b, &h);
	ck_assert_buf(b, heredoc_word_cases[_i].expected);
	hr_buf_free(&b);
	hr_arena_free(&arena);
	free(in);
}
END_TEST

/* ---- text helpers --------------------------------------------------------- */

static const struct {
	const char *bytes;
	size_t len;
	uint32_t cp;
	size_t width;
} decode_cases[] = {
	/* generated: utf8.DecodeRune */
	{ "a", 1, 0x61, 1 },
	{ "\000", 1, 0x0, 1 },
	{ "\177", 1, 0x7F, 1 },
	{ "\200", 1, 0xFFFD, 1 },
	{ "\277", 1, 0xFFFD, 1 },
	{ "\300\200", 2, 0xFFFD, 1 },
	{ "\301\277", 2, 0xFFFD, 1 },
	{ "\302\200", 2, 0x80, 2 },
	{ "\337\277", 2, 0x7FF, 2 },
	{ "\302", 1, 0xFFFD, 1 },
	{ "\302A", 2, 0xFFFD, 1 },
	{ "\340\200\200", 3, 0xFFFD, 1 },
	{ "\340\237\277", 3, 0xFFFD, 1 },
	{ "\340\240\200", 3, 0x800, 3 },
	{ "\355\237\277", 3, 0xD7FF, 3 },
	{ "\355\240\200", 3, 0xFFFD, 1 },
	{ "\355\277\277", 3, 0xFFFD, 1 },
	{ "\356\200\200", 3, 0xE000, 3 },
	{ "\357\277\275", 3, 0xFFFD, 3 },
	{ "\357\277\277", 3, 0xFFFF, 3 },
	{ "\343\200", 2, 0xFFFD, 1 },
	{ "\360\217\277\277", 4, 0xFFFD, 1 },
	{ "\360\220\200\200", 4, 0x10000, 4 },
	{ "\364\217\277\277", 4, 0x10FFFF, 4 },
	{ "\364\220\200\200", 4, 0xFFFD, 1 },
	{ "\365\200\200\200", 4, 0xFFFD, 1 },
	{ "\377", 1, 0xFFFD, 1 },
	{ "\360\237\230", 3, 0xFFFD, 1 },
	{ "\360\237\230\200x", 5, 0x1F600, 4 },
};

START_TEST(test_decode_table)
{
	uint32_t cp = 0;
	char *in = exact(decode_cases[_i].bytes, decode_cases[_i].len);
	size_t w = hr_utf8_decode((const unsigned char *)in, decode_cases[_i].len, &cp);

	ck_assert_uint_eq(cp, decode_cases[_i].cp);
	ck_assert_uint_eq(w, decode_cases[_i].width);
	free(in);
}
END_TEST

static const struct {
	const char *s;
	size_t len;
	size_t left;  /* bytes TrimLeftFunc drops */
	size_t right; /* length TrimRightFunc keeps */
	bool valid;   /* utf8.Valid */
} trim_cases[] = {
	/* generated: bytes.TrimLeftFunc / TrimRightFunc with unicode.IsSpace */
	{ "", 0, 0, 0, true },
	{ " ", 1, 1, 0, true },
	{ "a", 1, 0, 1, true },
	{ " a ", 3, 1, 2, true },
	{ "\t\n\013\014\r a \r\n", 10, 6, 7, true },
	{ "\302\240a\302\240", 5, 2, 3, true },
	{ "\302\205a\302\205", 5, 2, 3, true },
	{ "\343\200\200a\343\200\200", 7, 3, 4, true },
	{ "\342\200\200\342\200\212 a \342\200\250\342\200\251\342\200\257\342\201\237", 21, 7, 8, true },
	{ "\342\200\213a\342\200\213", 7, 0, 7, true },
	{ "\357\273\277a\357\273\277", 7, 0, 7, true },
	{ "\341\232\200a\341\232\200", 7, 3, 4, true },
	{ "\240a\240", 3, 0, 3, false },
	{ "\205a\205", 3, 0, 3, false },
	{ "a\302", 2, 0, 2, false },
	{ "\302a", 2, 0, 2, false },
	{ "a\343\200", 3, 0, 3, false },
	{ "\343\200\200\343\200", 5, 3, 5, false },
	{ "\302\240\302", 3, 2, 3, false },
	{ " \377 ", 3, 1, 2, false },
	{ "a \302\240\302\240", 6, 0, 1, true },
};

START_TEST(test_trim_table)
{
	const unsigned char *s = (const unsigned char *)trim_cases[_i].s;
	size_t n = trim_cases[_i].len, bad = (size_t)-1;

	ck_assert_uint_eq(hr_trim_left_len(s, n), trim_cases[_i].left);
	ck_assert_uint_eq(hr_trim_right_len(s, n), trim_cases[_i].right);
	ck_assert(hr_utf8_valid(s, n, &bad) == trim_cases[_i].valid);
	if (trim_cases[_i].valid)
		ck_assert_uint_eq(bad, (size_t)-1);
	else
		ck_assert_uint_lt(bad, n);
}
END_TEST

static const struct {
	const char *s;
	size_t len;
	const char *quoted;
} quote_cases[] = {
	/* generated: strconv.Quote */
	{ "", 0, "\"\"" },
	{ "abc", 3, "\"abc\"" },
	{ "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
	{ "\000\001\037\177", 4, "\"\\x00\\x01\\x1f\\x7f\"" },
	{ "\007\010\014\n\r\t\013", 7, "\"\\a\\b\\f\\n\\r\\t\\v\"" },
	{ "\303\251", 2, "\"\303\251\"" },
	{ "\377", 1, "\"\\xff\"" },
	{ "a\303", 2, "\"a\\xc3\"" },
	{ "\302\255", 2, "\"\\u00ad\"" },
	{ "\302\240", 2, "\"\\u00a0\"" },
	{ "\302\205", 2, "\"\\u0085\"" },
	{ "\342\200\250", 3, "\"\\u2028\"" },
	{ "\342\200\213", 3, "\"\\u200b\"" },
	{ "\357\273\277", 3, "\"\\ufeff\"" },
	{ "\360\237\230\200", 4, "\"\360\237\230\200\"" },
	{ "\343\200\200", 3, "\"\\u3000\"" },
	{ "\342\201\240", 3, "\"\\u2060\"" },
	{ "\357\277\277", 3, "\"\\uffff\"" },
	{ "\346\227\245\346\234\254", 6, "\"\346\227\245\346\234\254\"" },
	{ "x=\"1 2\"", 7, "\"x=\\\"1 2\\\"\"" },
};

START_TEST(test_quote_table)
{
	hr_buf b = HR_BUF_INIT;
	hr_go_quote(&b, quote_cases[_i].s, quote_cases[_i].len);
	ck_assert_buf(b, quote_cases[_i].quoted);
	hr_buf_free(&b);
}
END_TEST

static const struct {
	const char *s;
	size_t len;
	const char *lower;
} lower_cases[] = {
	/* generated: strings.ToLower */
	{ "COPY", 4, "copy" },
	{ "HealthCheck", 11, "healthcheck" },
	{ "\303\200\303\211\303\216\303\225\303\234\303\227\303\236", 14, "\303\240\303\251\303\256\303\265\303\274\303\227\303\276" },
	{ "\316\221\316\222\316\223\316\243\316\251", 10, "\316\261\316\262\316\263\317\203\317\211" },
	{ "\320\220\320\221\320\222\320\257", 8, "\320\260\320\261\320\262\321\217" },
	{ "\320\200\320\201\320\217", 6, "\321\220\321\221\321\237" },
	{ "\342\204\252", 3, "k" },
	{ "\342\204\253", 3, "\303\245" },
	{ "\303\237", 2, "\303\237" },
};

START_TEST(test_lower_table)
{
	hr_buf b = HR_BUF_INIT;
	hr_go_lower(&b, lower_cases[_i].s, lower_cases[_i].len);
	ck_assert_buf(b, lower_cases[_i].lower);
	hr_buf_free(&b);
}
END_TEST

/* generated: every rune for which unicode.IsSpace is true */
static const uint32_t go_space_runes[] = {
	0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x85, 0xA0,
	0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
	0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
	0x3000,
};

static bool in_go_space_runes(uint32_t cp)
{
	for (size_t i = 0; i < sizeof(go_space_runes) / sizeof(go_space_runes[0]); i++)
		if (go_space_runes[i] == cp)
			return true;
	return false;
}

START_TEST(test_rune_is_space_every_rune)
{
	/* go_space_runes is sorted: walk it alongside instead of searching it */
	size_t next = 0, nspaces = sizeof(go_space_runes) / sizeof(go_space_runes[0]);
	uint32_t first_wrong = 0;
	size_t wrong = 0;

	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		bool want = next < nspaces && go_space_runes[next] == cp;
		if (want)
			next++;
		if (hr_rune_is_space(cp) != want && wrong++ == 0)
			first_wrong = cp;
	}
	ck_assert_msg(wrong == 0, "%zu runes differ from unicode.IsSpace, first U+%04X", wrong, first_wrong);
	ck_assert_uint_eq(next, nspaces);
	ck_assert(!hr_rune_is_space(0x110000));
	ck_assert(!hr_rune_is_space(0xFFFFFFFFu));
}
END_TEST

START_TEST(test_byte_is_go_space_every_byte)
{
	/* BuildKit's byte loops: unicode.IsSpace(rune(b)), so 0x85 and 0xA0 count */
	for (unsigned b = 0; b < 256; b++)
		ck_assert_msg(hr_byte_is_go_space((unsigned char)b) == in_go_space_runes(b), "byte 0x%02x", b);
}
END_TEST

START_TEST(test_space_at)
{
	ck_assert_uint_eq(hr_space_at((const unsigned char *)"\xe3\x80\x80x", 4), 3);
	ck_assert_uint_eq(hr_space_at((const unsigned char *)"\xc2\xa0", 2), 2);
	ck_assert_uint_eq(hr_space_at((const unsigned char *)"\xc2\x85", 2), 2);
	ck_assert_uint_eq(hr_space_at((const unsigned char *)"\t", 1), 1);
	ck_assert_uint_eq(hr_space_at((const unsigned char *)"\xa0", 1), 0); /* invalid alone */
	ck_assert_uint_eq(hr_space_at((const unsigned char *)"\xe3\x80", 2), 0); /* truncated */
	ck_assert_uint_eq(hr_space_at((const unsigned char *)"x ", 2), 0);
	ck_assert_uint_eq(hr_space_at((const unsigned char *)"", 0), 0);
}
END_TEST

START_TEST(test_utf8_valid_offset)
{
	size_t bad = 99;
	ck_assert(!hr_utf8_valid((const unsigned char *)"ab\xff" "c", 4, &bad));
	ck_assert_uint_eq(bad, 2);
	ck_assert(!hr_utf8_valid((const unsigned char *)"\xc3\xa9\xe3\x80", 4, &bad));
	ck_assert_uint_eq(bad, 2);
	ck_assert(!hr_utf8_valid((const unsigned char *)"\xed\xa0\x80", 3, &bad)); /* surrogate */
	ck_assert_uint_eq(bad, 0);
	ck_assert(hr_utf8_valid((const unsigned char *)"\xc3\xa9\xf0\x9f\x98\x80", 6, NULL));
	ck_assert(hr_utf8_valid((const unsigned char *)"", 0, NULL));
}
END_TEST

START_TEST(test_regexp_blanks)
{
	/* BuildKit's reWhitespace [\t\v\f\r ] and RE2's \s [\t\n\f\r ] */
	static const char re_ws[] = "\t\v\f\r ";
	static const char re2_s[] = "\t\n\f\r ";
	for (unsigned c = 0; c < 256; c++) {
		ck_assert(hr_is_re_ws((unsigned char)c) == (c && memchr(re_ws, (int)c, 5) != NULL));
		ck_assert(hr_is_re2_space((unsigned char)c) == (c && memchr(re2_s, (int)c, 5) != NULL));
	}
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *unit_suite(void)
{
	Suite *s = suite_create("lexers");
	TCase *tc = tcase_create("jsonarray");
	tcase_add_loop_test(tc, test_json_table, 0, N(json_cases));
	tcase_add_test(tc, test_json_spans);
	tcase_add_loop_test(tc, test_json_depth, 0, N(json_depths));
	suite_add_tcase(s, tc);

	tc = tcase_create("shlex");
	tcase_add_loop_test(tc, test_shlex_table, 0, N(shlex_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("heredoc");
	tcase_add_loop_test(tc, test_heredoc_line_table, 0, N(heredoc_line_cases));
	tcase_add_loop_test(tc, test_heredoc_word_table, 0, N(heredoc_word_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_loop_test(tc, test_decode_table, 0, N(decode_cases));
	tcase_add_loop_test(tc, test_trim_table, 0, N(trim_cases));
	tcase_add_loop_test(tc, test_quote_table, 0, N(quote_cases));
	tcase_add_loop_test(tc, test_lower_table, 0, N(lower_cases));
	tcase_add_test(tc, test_rune_is_space_every_rune);
	tcase_add_test(tc, test_byte_is_go_space_every_byte);
	tcase_add_test(tc, test_space_at);
	tcase_add_test(tc, test_utf8_valid_offset);
	tcase_add_test(tc, test_regexp_blanks);
	suite_add_tcase(s, tc);
	return s;
}
