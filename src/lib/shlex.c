/* SPDX-License-Identifier: MIT */
/*
 * shlex.c - BuildKit's shell word lexer, reduced to what heredoc detection
 * needs (see shlex.h).
 *
 * It walks runes as Go's text/scanner does (invalid UTF-8 becomes U+FFFD, a
 * leading BOM is skipped) and reproduces the lexer's quirks on purpose:
 *  - `<<` followed by blanks is glued into one word ("<< EOF");
 *  - expansions are kept literally ("$X", "${X:-y}") and their text is split
 *    on white space;
 *  - every nested scan (inside ${...}) resets the one word buffer that the
 *    outer scan shares, so text before such an expansion is lost, exactly as
 *    in BuildKit.
 * Unicode letters in ${name} are approximated: any non-ASCII rune that is not
 * white space or U+FFFD counts as a letter.
 */
#include <string.h>

#include "shlex.h"
#include "text.h"
#include "hook-run/dockerfile.h"

#define EOF_RUNE 0xFFFFFFFFu

typedef struct lexer {
	const unsigned char *s;
	size_t n;
	size_t pos;
	uint32_t escape;
	bool raw_quotes;
	bool raw_escapes;
	hr_buf words_buf; /* shared by every scan level, as in BuildKit */
	hr_arena *arena;
	bool oom;
} lexer;

/* a scan level's view of the words it is building */
typedef struct words {
	hr_vec *list;  /* NULL for nested scans, whose words are discarded */
	bool in_word;
} words;

enum { LEX_OK = 0, LEX_ERROR = 1 };

static uint32_t peek(lexer *lx)
{
	uint32_t cp;
	if (lx->pos >= lx->n)
		return EOF_RUNE;
	hr_utf8_decode(lx->s + lx->pos, lx->n - lx->pos, &cp);
	return cp;
}

static uint32_t next(lexer *lx)
{
	uint32_t cp;
	if (lx->pos >= lx->n)
		return EOF_RUNE;
	lx->pos += hr_utf8_decode(lx->s + lx->pos, lx->n - lx->pos, &cp);
	return cp;
}

static void put_rune(hr_buf *b, uint32_t cp)
{
	/* Go's string(rune(-1)) is U+FFFD */
	hr_buf_put_rune(b, cp == EOF_RUNE ? HR_RUNE_ERROR : cp);
}

static void words_push(lexer *lx, words *w)
{
	if (w->list) {
		hr_str *str = hr_vec_push(w->list);
		char *copy = str ? hr_arena_strndup(lx->arena, lx->words_buf.ptr ? lx->words_buf.ptr : "", lx->words_buf.len) : NULL;
		if (!copy) {
			lx->oom = true;
			return;
		}
		str->ptr = copy;
		str->len = lx->words_buf.len;
	}
	hr_buf_clear(&lx->words_buf);
}

static void add_raw_char(lexer *lx, words *w, uint32_t cp)
{
	put_rune(&lx->words_buf, cp);
	w->in_word = true;
}

static void add_char(lexer *lx, words *w, uint32_t cp)
{
	if (hr_rune_is_space(cp) && w->in_word) {
		if (lx->words_buf.len != 0) {
			words_push(lx, w);
			w->in_word = false;
		}
	} else if (!hr_rune_is_space(cp)) {
		add_raw_char(lx, w, cp);
	}
}

static void add_string(lexer *lx, words *w, const hr_buf *str)
{
	size_t i = 0;
	while (i < str->len) {
		uint32_t cp;
		i += hr_utf8_decode((const unsigned char *)str->ptr + i, str->len - i, &cp);
		add_char(lx, w, cp);
	}
}

static void add_raw_string(lexer *lx, words *w, const hr_buf *str)
{
	hr_buf_append(&lx->words_buf, str->ptr ? str->ptr : "", str->len);
	w->in_word = true;
}

static void get_words(lexer *lx, words *w)
{
	if (lx->words_buf.len > 0) {
		words_push(lx, w);
		w->in_word = false;
	}
}

static bool is_digit(uint32_t c) { return c >= '0' && c <= '9'; }

static bool is_letter(uint32_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c >= 0x80 && c != EOF_RUNE && c != HR_RUNE_ERROR && !hr_rune_is_space(c);
}

static bool is_special_param(uint32_t c)
{
	return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' ||
	       c == '!' || c == '0';
}

static void process_name(lexer *lx, hr_buf *name)
{
	while (peek(lx) != EOF_RUNE) {
		uint32_t ch = peek(lx);
		if (name->len == 0 && is_digit(ch)) {
			while (peek(lx) != EOF_RUNE && is_digit(peek(lx)))
				put_rune(name, next(lx));
			return;
		}
		if (name->len == 0 && is_special_param(ch)) {
			put_rune(name, next(lx));
			return;
		}
		if (!is_letter(ch) && !is_digit(ch) && ch != '_')
			break;
		put_rune(name, next(lx));
	}
}

static int stop_on(lexer *lx, uint32_t stop, bool raw_escapes, hr_buf *result, hr_vec *list);

static int process_dollar(lexer *lx, hr_buf *out)
{
	hr_buf name = HR_BUF_INIT, word = HR_BUF_INIT, repl = HR_BUF_INIT, chs = HR_BUF_INIT;
	int status = LEX_OK;

	next(lx); /* '$' */
	if (peek(lx) != '{') {
		process_name(lx, &name);
		hr_buf_putc(out, '$');
		hr_buf_append(out, name.ptr ? name.ptr : "", name.len);
		goto out;
	}
	next(lx); /* '{' */
	switch (peek(lx)) {
	case EOF_RUNE: case '{': case '}': case ':':
		status = LEX_ERROR;
		goto out;
	}
	process_name(lx, &name);
	uint32_t ch = next(lx);
	put_rune(&chs, ch);
	bool null_is_unset = false;

	switch (ch) {
	case '}':
		hr_buf_append(out, "${", 2);
		hr_buf_append(out, name.ptr ? name.ptr : "", name.len);
		hr_buf_putc(out, '}');
		goto out;
	case ':':
		null_is_unset = true;
		ch = next(lx);
		put_rune(&chs, ch);
		/* fall through, whatever ch is, as BuildKit does */
		goto modifier;
	case '+': case '-': case '?': case '#': case '%':
modifier: {
		bool raw = (ch == '#' || ch == '%');
		if (null_is_unset && raw) {
			status = LEX_ERROR;
			goto out;
		}
		status = stop_on(lx, '}', raw, &word, NULL);
		if (status != LEX_OK)
			goto out;
		hr_buf_append(out, "${", 2);
		hr_buf_append(out, name.ptr ? name.ptr : "", name.len);
		hr_buf_append(out, chs.ptr, chs.len);
		hr_buf_append(out, word.ptr ? word.ptr : "", word.len);
		hr_buf_putc(out, '}');
		goto out;
	}
	case '/':
		if (peek(lx) == '/')
			next(lx);
		status = stop_on(lx, '/', true, &word, NULL);
		if (status != LEX_OK)
			goto out;
		status = stop_on(lx, '}', true, &repl, NULL);
		if (status != LEX_OK)
			goto out;
		hr_buf_append(out, "${", 2);
		hr_buf_append(out, name.ptr ? name.ptr : "", name.len);
		hr_buf_putc(out, '/');
		hr_buf_append(out, word.ptr ? word.ptr : "", word.len);
		hr_buf_putc(out, '/');
		hr_buf_append(out, repl.ptr ? repl.ptr : "", repl.len);
		hr_buf_putc(out, '}');
		goto out;
	default:
		status = LEX_ERROR;
		goto out;
	}
out:
	if (name.oom || word.oom || repl.oom || chs.oom)
		lx->oom = true;
	hr_buf_free(&name);
	hr_buf_free(&word);
	hr_buf_free(&repl);
	hr_buf_free(&chs);
	return status;
}

static int process_single_quote(lexer *lx, hr_buf *out)
{
	uint32_t ch = next(lx);
	if (lx->raw_quotes)
		put_rune(out, ch);
	for (;;) {
		ch = next(lx);
		if (ch == EOF_RUNE)
			return LEX_ERROR;
		if (ch == '\'') {
			if (lx->raw_quotes)
				put_rune(out, ch);
			return LEX_OK;
		}
		put_rune(out, ch);
	}
}

static int process_double_quote(lexer *lx, hr_buf *out)
{
	uint32_t ch = next(lx);
	if (lx->raw_quotes)
		put_rune(out, ch);
	for (;;) {
		uint32_t p = peek(lx);
		if (p == EOF_RUNE)
			return LEX_ERROR;
		if (p == '"') {
			ch = next(lx);
			if (lx->raw_quotes)
				put_rune(out, ch);
			return LEX_OK;
		}
		if (p == '$') {
			int st = process_dollar(lx, out);
			if (st != LEX_OK)
				return st;
			continue;
		}
		ch = next(lx);
		if (ch == lx->escape) {
			if (lx->raw_escapes)
				put_rune(out, ch);
			uint32_t q = peek(lx);
			if (q == EOF_RUNE)
				continue; /* then fails: unterminated */
			if (q == '"' || q == '$' || q == lx->escape)
				ch = next(lx);
		}
		put_rune(out, ch);
	}
}

static void process_possible_heredoc(lexer *lx, hr_buf *out)
{
	next(lx);
	if (peek(lx) != '<') {
		hr_buf_putc(out, '<');
		return;
	}
	next(lx);
	hr_buf_append(out, "<<", 2);
	for (uint32_t c = peek(lx); c == '\t' || c == '\r' || c == ' '; c = peek(lx))
		put_rune(out, next(lx));
}

/* processStopOn: scan until `stop` (or the end when stop is EOF_RUNE). */
static int stop_on(lexer *lx, uint32_t stop, bool raw_escapes, hr_buf *result, hr_vec *list)
{
	words w = { list, false };
	bool restore = false;
	int status = LEX_OK;
	hr_buf tmp = HR_BUF_INIT;

	hr_buf_clear(&lx->words_buf);
	if (raw_escapes != lx->raw_escapes) {
		lx->raw_escapes = raw_escapes;
		restore = true;
	}

	while (peek(lx) != EOF_RUNE && !lx->oom) {
		uint32_t ch = peek(lx);
		if (stop != EOF_RUNE && ch == stop) {
			next(lx);
			get_words(lx, &w);
			goto out;
		}
		if (ch == '$' || ch == '<' || ch == '\'' || ch == '"') {
			hr_buf_clear(&tmp);
			if (ch == '$')
				status = process_dollar(lx, &tmp);
			else if (ch == '<')
				process_possible_heredoc(lx, &tmp);
			else if (ch == '\'')
				status = process_single_quote(lx, &tmp);
			else
				status = process_double_quote(lx, &tmp);
			if (status != LEX_OK)
				goto out;
			hr_buf_append(result, tmp.ptr ? tmp.ptr : "", tmp.len);
			if (ch == '$')
				add_string(lx, &w, &tmp);
			else
				add_raw_string(lx, &w, &tmp);
			continue;
		}
		ch = next(lx);
		if (ch == lx->escape) {
			if (lx->raw_escapes) {
				add_raw_char(lx, &w, ch);
				put_rune(result, ch);
			}
			ch = next(lx);
			if (ch == EOF_RUNE)
				break;
			add_raw_char(lx, &w, ch);
		} else {
			add_char(lx, &w, ch);
		}
		put_rune(result, ch);
	}
	if (stop != EOF_RUNE) {
		status = LEX_ERROR;
		goto out;
	}
	get_words(lx, &w);
out:
	if (tmp.oom)
		lx->oom = true;
	hr_buf_free(&tmp);
	if (restore)
		lx->raw_escapes = !raw_escapes;
	return status;
}

int hr_shlex_words(hr_vec *words_out, bool *lex_ok, hr_arena *arena,
	const char *s, size_t n, const hr_shlex_opts *opts)
{
	lexer lx;
	hr_buf result = HR_BUF_INIT;
	int status;

	memset(&lx, 0, sizeof(lx));
	lx.s = (const unsigned char *)s;
	lx.n = n;
	lx.escape = opts->escape;
	lx.raw_quotes = opts->raw_quotes;
	lx.raw_escapes = opts->raw_escapes;
	lx.arena = arena;
	/* text/scanner skips a byte order mark at the very start */
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		lx.pos = 3;

	status = stop_on(&lx, EOF_RUNE, lx.raw_escapes, &result, words_out);
	if (result.oom || lx.words_buf.oom)
		lx.oom = true;
	hr_buf_free(&result);
	hr_buf_free(&lx.words_buf);
	if (lx.oom)
		return HR_ENOMEM;
	*lex_ok = (status == LEX_OK);
	if (!*lex_ok)
		words_out->len = 0;
	return 0;
}
