/* SPDX-License-Identifier: MIT */
/*
 * heredoc.c - heredoc openers, exactly as BuildKit finds them (heredoc.h).
 *
 * BuildKit lexes the whole line with raw quotes and raw escapes, then keeps
 * the words matching ^(\d*)<<(-?)\s*([^<]*)$. The terminator is the rest of
 * that word lexed again without quotes; it must be a single word, and the
 * body expands variables only if that second lexing removed no quotes.
 */
#include <string.h>

#include "heredoc.h"
#include "shlex.h"
#include "text.h"

typedef enum { MATCH_NONE, MATCH_OK, MATCH_ERROR } match_result;

static size_t count_quotes(const hr_str *w)
{
	size_t n = 0;
	for (size_t i = 0; i < w->len; i++)
		if (w->ptr[i] == '\'' || w->ptr[i] == '"')
			n++;
	return n;
}

static match_result match_word(hr_heredoc *out, hr_arena *arena, const char *w, size_t n,
	int *error)
{
	size_t i = 0;
	uint64_t fd = 0;
	bool fd_overflow = false;

	while (i < n && w[i] >= '0' && w[i] <= '9') {
		unsigned d = (unsigned)(w[i] - '0');
		if (fd > (UINT64_MAX - d) / 10)
			fd_overflow = true;
		else
			fd = fd * 10 + d;
		i++;
	}
	if (n - i < 2 || w[i] != '<' || w[i + 1] != '<')
		return MATCH_NONE;
	i += 2;
	bool chomp = false;
	if (i < n && w[i] == '-') {
		chomp = true;
		i++;
	}
	while (i < n && hr_is_re2_space((unsigned char)w[i]))
		i++;
	const char *rest = w + i;
	size_t rest_len = n - i;
	if (memchr(rest, '<', rest_len))
		return MATCH_NONE;
	if (rest_len == 0)
		return MATCH_NONE;

	hr_vec plain, raw;
	bool ok_plain, ok_raw;
	hr_shlex_opts o_plain = { '\\', false, false };
	hr_shlex_opts o_raw = { '\\', true, false };
	match_result res = MATCH_NONE;

	hr_vec_init(&plain, sizeof(hr_str));
	hr_vec_init(&raw, sizeof(hr_str));
	if ((*error = hr_shlex_words(&plain, &ok_plain, arena, rest, rest_len, &o_plain)) < 0)
		goto out;
	if (!ok_plain) {
		res = MATCH_ERROR;
		goto out;
	}
	if (plain.len != 1)
		goto out;
	if ((*error = hr_shlex_words(&raw, &ok_raw, arena, rest, rest_len, &o_raw)) < 0)
		goto out;
	if (!ok_raw || raw.len != plain.len) {
		res = MATCH_ERROR;
		goto out;
	}
	hr_str *word = plain.items, *word_raw = raw.items;
	memset(out, 0, sizeof(*out));
	out->name = *word;
	out->fd = fd_overflow ? UINT64_MAX : fd;
	out->chomp = chomp;
	out->expand = count_quotes(word) == count_quotes(word_raw);
	res = MATCH_OK;
out:
	hr_vec_free(&plain);
	hr_vec_free(&raw);
	return res;
}

int hr_heredocs_from_line(hr_vec *out, const char **error, hr_arena *arena,
	const char *line, size_t len)
{
	hr_vec words;
	bool lex_ok;
	hr_shlex_opts opts = { '\\', true, true };
	int rc;

	*error = NULL;
	hr_vec_init(&words, sizeof(hr_str));
	rc = hr_shlex_words(&words, &lex_ok, arena, line, len, &opts);
	if (rc < 0)
		goto out;
	/* BuildKit ignores a lexing error here: the line simply has no heredocs */
	for (size_t i = 0; i < words.len; i++) {
		hr_str *w = (hr_str *)words.items + i;
		hr_heredoc h;
		match_result m = match_word(&h, arena, w->ptr, w->len, &rc);
		if (rc < 0)
			goto out;
		if (m == MATCH_ERROR) {
			out->len = 0;
			char *msg = hr_arena_strndup(arena, "failed to process heredoc word", 30);
			if (!msg) {
				rc = HR_ENOMEM;
				goto out;
			}
			*error = msg;
			goto out;
		}
		if (m == MATCH_OK) {
			hr_heredoc *slot = hr_vec_push(out);
			if (!slot) {
				rc = HR_ENOMEM;
				goto out;
			}
			*slot = h;
		}
	}
out:
	hr_vec_free(&words);
	return rc;
}

bool hr_heredoc_parse_word(hr_heredoc *out, hr_arena *arena, const char *word, size_t len)
{
	int rc = 0;
	return match_word(out, arena, word, len, &rc) == MATCH_OK && rc == 0;
}
