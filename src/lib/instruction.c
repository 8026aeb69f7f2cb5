/* SPDX-License-Identifier: MIT */
/*
 * instruction.c - one logical line to one instruction, as BuildKit's
 * newNodeFromLine does it: splitCommand (keyword, then leading --flags), then
 * the keyword's own argument parser from BuildKit's dispatch table.
 *
 * Faithfulness notes (each is BuildKit behaviour, kept on purpose):
 *  - the keyword ends at the first [\t\v\f\r ] run; Unicode blanks are trimmed
 *    around the line but do not separate words there;
 *  - the flag scanner reads single bytes as runes, so bytes 0x85 and 0xA0
 *    count as blanks between flags;
 *  - ENV/LABEL/ARG words are read rune by rune and invalid UTF-8 comes out as
 *    U+FFFD;
 *  - an unknown keyword still yields an instruction with one empty argument.
 */
#include <string.h>

#include "parse_internal.h"
#include "jsonarray.h"
#include "text.h"

static const struct {
	const char *name;
	hr_keyword kind;
} keywords[] = {
	{ "add", HR_KW_ADD }, { "arg", HR_KW_ARG }, { "cmd", HR_KW_CMD },
	{ "copy", HR_KW_COPY }, { "entrypoint", HR_KW_ENTRYPOINT }, { "env", HR_KW_ENV },
	{ "expose", HR_KW_EXPOSE }, { "from", HR_KW_FROM }, { "healthcheck", HR_KW_HEALTHCHECK },
	{ "label", HR_KW_LABEL }, { "maintainer", HR_KW_MAINTAINER }, { "onbuild", HR_KW_ONBUILD },
	{ "run", HR_KW_RUN }, { "shell", HR_KW_SHELL }, { "stopsignal", HR_KW_STOPSIGNAL },
	{ "user", HR_KW_USER }, { "volume", HR_KW_VOLUME }, { "workdir", HR_KW_WORKDIR },
};

const char *hr_keyword_name(hr_keyword kw)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (keywords[i].kind == kw)
			return keywords[i].name;
	return "";
}

/*
 * strings.ToLower then a map lookup. ToLower is Unicode-aware; the only
 * non-ASCII rune that lowers into a keyword letter is the Kelvin sign
 * (U+212A -> 'k', as in HEALTHCHECK).
 */
static hr_keyword lookup_keyword(const unsigned char *s, size_t n)
{
	char low[16];
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		if (j >= sizeof(low) - 1)
			return HR_KW_UNKNOWN;
		unsigned char c = s[i];
		if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x84 && s[i + 2] == 0xAA) {
			low[j++] = 'k';
			i += 2;
			continue;
		}
		if (c >= 0x80)
			return HR_KW_UNKNOWN;
		low[j++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strlen(keywords[i].name) == j && memcmp(low, keywords[i].name, j) == 0)
			return keywords[i].kind;
	return HR_KW_UNKNOWN;
}

/* ---- building blocks ------------------------------------------------- */

typedef struct line_ctx {
	hr_parser *p;
	const unsigned char *L; /* the logical line */
	hr_vec args;            /* hr_arg */
	hr_vec flags;           /* hr_flag */
	bool json;
	const char *error;      /* a BuildKit parse error, arena string */
} line_ctx;

static hr_str arena_str(hr_parser *p, const char *s, size_t n)
{
	hr_str out = { hr_arena_strndup(p->arena, s, n), n };
	if (!out.ptr) {
		p->error = HR_ENOMEM;
		out.ptr = "";
		out.len = 0;
	}
	return out;
}

static void push_arg(line_ctx *c, const char *s, size_t n, size_t log_start, size_t log_end, bool with_span)
{
	hr_arg *a = hr_vec_push(&c->args);
	if (!a) {
		c->p->error = HR_ENOMEM;
		return;
	}
	a->text = arena_str(c->p, s, n);
	if (with_span)
		a->span = hr__map_span(c->p, log_start, log_end);
	else
		a->span = hr__map_span(c->p, log_start, log_start);
}

/* extractBuilderFlags: leading --words; returns where the rest starts. */
static size_t extract_flags(line_ctx *c, size_t pos, size_t end)
{
	enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
	const unsigned char *L = c->L;
	unsigned char quote = 0, ch = 0;
	bool blank_ok = false;
	size_t word_start = pos;
	hr_buf word = HR_BUF_INIT;
	size_t rest = end;

	for (; pos <= end; pos++) {
		if (pos != end)
			ch = L[pos];
		if (phase == IN_SPACES) {
			if (pos == end)
				break;
			if (hr_byte_is_go_space(ch))
				continue;
			if (ch != '-' || pos + 1 == end || L[pos + 1] != '-') {
				rest = pos;
				goto out;
			}
			phase = IN_WORD;
			word_start = pos;
		}
		if ((phase == IN_WORD || phase == IN_QUOTE) && pos == end) {
			if (!(word.len == 2 && memcmp(word.ptr, "--", 2) == 0) && (blank_ok || word.len > 0))
				goto push_last;
			break;
		}
		if (phase == IN_WORD) {
			if (hr_byte_is_go_space(ch)) {
				phase = IN_SPACES;
				if (word.len == 2 && memcmp(word.ptr, "--", 2) == 0) {
					rest = pos;
					goto out;
				}
				if (blank_ok || word.len > 0) {
					hr_flag *f = hr_vec_push(&c->flags);
					if (!f) {
						c->p->error = HR_ENOMEM;
						goto out;
					}
					f->text = arena_str(c->p, word.ptr ? word.ptr : "", word.len);
					f->span = hr__map_span(c->p, word_start, pos);
				}
				hr_buf_clear(&word);
				blank_ok = false;
				continue;
			}
			if (ch == '\'' || ch == '"') {
				quote = ch;
				blank_ok = true;
				phase = IN_QUOTE;
				continue;
			}
			if (ch == c->p->esc) {
				if (pos + 1 == end)
					continue;
				pos++;
				ch = L[pos];
			}
			/* WriteRune(rune(byte)): bytes >= 0x80 come out as Latin-1 letters */
			hr_buf_put_rune(&word, ch);
			continue;
		}
		if (phase == IN_QUOTE) {
			if (ch == quote) {
				phase = IN_WORD;
				continue;
			}
			if (ch == c->p->esc) {
				if (pos + 1 == end) {
					phase = IN_WORD;
					continue;
				}
				pos++;
				ch = L[pos];
			}
			hr_buf_put_rune(&word, ch);
		}
	}
	rest = end;
	goto out;
push_last: {
		hr_flag *f = hr_vec_push(&c->flags);
		if (!f) {
			c->p->error = HR_ENOMEM;
		} else {
			f->text = arena_str(c->p, word.ptr ? word.ptr : "", word.len);
			f->span = hr__map_span(c->p, word_start, end);
		}
		rest = end;
	}
out:
	if (word.oom)
		c->p->error = HR_ENOMEM;
	hr_buf_free(&word);
	return rest;
}

/* BFlags view of a flag word: name after "--", value after '='. */
static void split_flag(hr_flag *f)
{
	const char *t = f->text.ptr;
	size_t n = f->text.len;
	const char *eq = memchr(t, '=', n);
	size_t name_end = eq ? (size_t)(eq - t) : n;
	size_t skip = (n >= 2 && t[0] == '-' && t[1] == '-') ? 2 : 0;
	if (skip > name_end)
		skip = name_end;
	f->name.ptr = t + skip;
	f->name.len = name_end - skip;
	f->has_value = eq != NULL;
	f->value.ptr = eq ? eq + 1 : t + n;
	f->value.len = eq ? n - name_end - 1 : 0;
}

/* parseStringsWhitespaceDelimited: split on [\t\v\f\r ]+ */
static void parse_ws_delimited(line_ctx *c, size_t a, size_t b)
{
	size_t i = a;
	if (a == b)
		return;
	for (;;) {
		size_t start = i;
		while (i < b && !hr_is_re_ws(c->L[i]))
			i++;
		push_arg(c, (const char *)c->L + start, i - start, start, i, true);
		if (i == b)
			break;
		while (i < b && hr_is_re_ws(c->L[i]))
			i++;
		if (i == b) { /* a trailing separator leaves an empty last field */
			push_arg(c, "", 0, i, i, true);
			break;
		}
	}
}

/* parseWords: quotes kept, escapes kept, split on Unicode blanks. */
static void parse_words(line_ctx *c, size_t a, size_t b, hr_vec *out)
{
	enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
	const unsigned char *L = c->L;
	uint32_t quote = 0, ch = 0;
	size_t width = 0;
	bool blank_ok = false;
	hr_buf w = HR_BUF_INIT;

	for (size_t pos = a; pos <= b; pos += width) {
		if (pos != b)
			width = hr_utf8_decode(L + pos, b - pos, &ch);
		if (phase == IN_SPACES) {
			if (pos == b)
				break;
			if (hr_rune_is_space(ch))
				continue;
			phase = IN_WORD;
		}
		if ((phase == IN_WORD || phase == IN_QUOTE) && pos == b) {
			if (blank_ok || w.len > 0) {
				hr_str *s = hr_vec_push(out);
				if (s)
					*s = arena_str(c->p, w.ptr ? w.ptr : "", w.len);
				else
					c->p->error = HR_ENOMEM;
			}
			break;
		}
		if (phase == IN_WORD) {
			if (hr_rune_is_space(ch)) {
				phase = IN_SPACES;
				if (blank_ok || w.len > 0) {
					hr_str *s = hr_vec_push(out);
					if (s)
						*s = arena_str(c->p, w.ptr ? w.ptr : "", w.len);
					else
						c->p->error = HR_ENOMEM;
				}
				hr_buf_clear(&w);
				blank_ok = false;
				continue;
			}
			if (ch == '\'' || ch == '"') {
				quote = ch;
				blank_ok = true;
				phase = IN_QUOTE;
			}
			if (ch == c->p->esc) {
				if (pos + width == b)
					continue;
				hr_buf_put_rune(&w, ch);
				pos += width;
				width = hr_utf8_decode(L + pos, b - pos, &ch);
			}
			hr_buf_put_rune(&w, ch);
			continue;
		}
		/* IN_QUOTE */
		if (ch == quote)
			phase = IN_WORD;
		if (ch == c->p->esc && quote != '\'') {
			if (pos + width == b) {
				phase = IN_WORD;
				continue;
			}
			pos += width;
			hr_buf_put_rune(&w, ch);
			width = hr_utf8_decode(L + pos, b - pos, &ch);
		}
		hr_buf_put_rune(&w, ch);
	}
	if (w.oom)
		c->p->error = HR_ENOMEM;
	hr_buf_free(&w);
}

static void set_error(line_ctx *c, const char *msg, size_t n)
{
	hr_str s = arena_str(c->p, msg, n);
	c->error = s.ptr;
}

/* parseNameVal for ENV and LABEL */
static void parse_name_val(line_ctx *c, size_t a, size_t b, const char *key)
{
	hr_vec words;
	hr_vec_init(&words, sizeof(hr_str));
	parse_words(c, a, b, &words);
	if (words.len == 0)
		goto out;
	hr_str *w = words.items;
	if (!memchr(w[0].ptr, '=', w[0].len)) {
		/* old form: KEY name value */
		size_t i = a;
		while (i < b && !hr_is_re_ws(c->L[i]))
			i++;
		if (i == b) {
			hr_buf m = HR_BUF_INIT;
			hr_buf_printf(&m, "%s must have two arguments", key);
			set_error(c, m.ptr ? m.ptr : "", m.len);
			hr_buf_free(&m);
			goto out;
		}
		size_t v = i;
		while (v < b && hr_is_re_ws(c->L[v]))
			v++;
		push_arg(c, (const char *)c->L + a, i - a, a, i, false);
		push_arg(c, (const char *)c->L + v, b - v, v, b, false);
		push_arg(c, "", 0, b, b, false);
		goto out;
	}
	for (size_t k = 0; k < words.len; k++) {
		const char *eq = memchr(w[k].ptr, '=', w[k].len);
		if (!eq) {
			hr_buf m = HR_BUF_INIT;
			hr_buf_append(&m, "Syntax error - can't find = in ", 31);
			hr_go_quote(&m, w[k].ptr, w[k].len);
			hr_buf_append(&m, ". Must be of the form: name=value", 33);
			set_error(c, m.ptr ? m.ptr : "", m.len);
			hr_buf_free(&m);
			c->args.len = 0;
			goto out;
		}
		size_t kl = (size_t)(eq - w[k].ptr);
		push_arg(c, w[k].ptr, kl, a, a, false);
		push_arg(c, eq + 1, w[k].len - kl - 1, a, a, false);
		push_arg(c, "=", 1, a, a, false);
	}
out:
	hr_vec_free(&words);
}

/* parseJSON; false when the text is not a JSON array (fall back). */
static bool parse_json(line_ctx *c, size_t a, size_t b)
{
	hr_jsonarray_result r;
	size_t before = c->args.len;
	int rc = hr_jsonarray_parse(&r, &c->args, c->p->arena, (const char *)c->L + a, b - a, a);
	if (rc < 0) {
		c->p->error = rc;
		return true;
	}
	if (r == HR_JSONARRAY_NOT_STRINGS) {
		c->args.len = before;
		static const char msg[] = "when using JSON array syntax, arrays must be comprised of strings only";
		set_error(c, msg, sizeof(msg) - 1);
		return true;
	}
	if (r == HR_JSONARRAY_NOT_JSON) {
		c->args.len = before;
		return false;
	}
	/* spans from the JSON parser are logical offsets: map them */
	for (size_t i = before; i < c->args.len; i++) {
		hr_arg *arg = (hr_arg *)c->args.items + i;
		arg->span = hr__map_span(c->p, arg->span.start, arg->span.end);
	}
	c->json = true;
	return true;
}

static void parse_maybe_json(line_ctx *c, size_t a, size_t b)
{
	if (a == b)
		return;
	if (parse_json(c, a, b))
		return;
	push_arg(c, (const char *)c->L + a, b - a, a, b, true);
}

static void parse_maybe_json_to_list(line_ctx *c, size_t a, size_t b)
{
	if (parse_json(c, a, b))
		return;
	parse_ws_delimited(c, a, b);
}

static void parse_health(line_ctx *c, size_t a, size_t b)
{
	size_t sep = a, next;
	while (sep < b && !hr_byte_is_go_space(c->L[sep]))
		sep++;
	next = sep;
	while (next < b && hr_byte_is_go_space(c->L[next]))
		next++;
	if (sep == a)
		return;
	push_arg(c, (const char *)c->L + a, sep - a, a, sep, true);
	parse_maybe_json(c, next, b);
}

/* ---- newNodeFromLine ---------------------------------------------------- */

int hr__instruction_from_line(hr_parser *p, hr_instruction *inst, size_t off, size_t len)
{
	line_ctx c;
	const unsigned char *L = (const unsigned char *)p->logical.ptr;
	size_t a, b, ce, rs, rest;

	memset(&c, 0, sizeof(c));
	c.p = p;
	c.L = L;
	hr_vec_init(&c.args, sizeof(hr_arg));
	hr_vec_init(&c.flags, sizeof(hr_flag));

	/* strings.TrimSpace, then split off the keyword at [\t\v\f\r ]+ */
	a = off + hr_trim_left_len(L + off, len);
	b = off + hr_trim_right_len(L + off, len);
	if (b < a)
		b = a;
	ce = a;
	while (ce < b && !hr_is_re_ws(L[ce]))
		ce++;
	inst->keyword = arena_str(p, (const char *)L + a, ce - a);
	inst->keyword_span = hr__map_span(p, a, ce);
	inst->kind = lookup_keyword(L + a, ce - a);
	inst->original = arena_str(p, (const char *)L + off, len);

	rest = b;
	if (ce < b) {
		rs = ce;
		while (rs < b && hr_is_re_ws(L[rs]))
			rs++;
		rest = extract_flags(&c, rs, b);
	}
	/* strings.TrimSpace(args) */
	size_t aa = rest + hr_trim_left_len(L + rest, b - rest);
	size_t ab = rest + hr_trim_right_len(L + rest, b - rest);
	if (ab < aa)
		ab = aa;
	inst->args_span = hr__map_span(p, aa, ab);

	switch (inst->kind) {
	case HR_KW_ADD: case HR_KW_COPY: case HR_KW_VOLUME:
		parse_maybe_json_to_list(&c, aa, ab);
		break;
	case HR_KW_CMD: case HR_KW_ENTRYPOINT: case HR_KW_RUN: case HR_KW_SHELL:
		parse_maybe_json(&c, aa, ab);
		break;
	case HR_KW_ENV:
		parse_name_val(&c, aa, ab, "ENV");
		break;
	case HR_KW_LABEL:
		parse_name_val(&c, aa, ab, "LABEL");
		break;
	case HR_KW_ARG: {
		hr_vec words;
		hr_vec_init(&words, sizeof(hr_str));
		parse_words(&c, aa, ab, &words);
		for (size_t i = 0; i < words.len; i++) {
			hr_str *w = (hr_str *)words.items + i;
			push_arg(&c, w->ptr, w->len, aa, aa, false);
		}
		hr_vec_free(&words);
		break;
	}
	case HR_KW_EXPOSE: case HR_KW_FROM:
		parse_ws_delimited(&c, aa, ab);
		break;
	case HR_KW_HEALTHCHECK:
		parse_health(&c, aa, ab);
		break;
	case HR_KW_MAINTAINER: case HR_KW_STOPSIGNAL: case HR_KW_USER: case HR_KW_WORKDIR:
		if (aa < ab)
			push_arg(&c, (const char *)L + aa, ab - aa, aa, ab, true);
		break;
	case HR_KW_ONBUILD:
		if (aa < ab) {
			hr_instruction *sub = hr_arena_calloc(p->arena, 1, sizeof(*sub));
			if (!sub) {
				p->error = HR_ENOMEM;
				break;
			}
			int rc = hr__instruction_from_line(p, sub, aa, ab - aa);
			if (rc < 0)
				p->error = rc;
			inst->sub = sub;
			if (sub->error)
				inst->error = true;
		}
		break;
	case HR_KW_UNKNOWN:
		/* parseIgnore: BuildKit keeps the node with one empty value */
		push_arg(&c, "", 0, aa, aa, false);
		break;
	}

	for (size_t i = 0; i < c.flags.len; i++)
		split_flag((hr_flag *)c.flags.items + i);
	inst->flags = hr_arena_memdup(p->arena, c.flags.items, c.flags.len, sizeof(hr_flag), &p->error);
	inst->nflags = c.flags.len;
	inst->args = hr_arena_memdup(p->arena, c.args.items, c.args.len, sizeof(hr_arg), &p->error);
	inst->nargs = c.args.len;
	inst->json_form = c.json;
	if (c.error) {
		inst->error = true;
		uint32_t line, col;
		hr_dockerfile_position(p->df, inst->keyword_span.start, &line, &col);
		hr__diag(p, HR_DIAG_PARSE, HR_SEVERITY_ERROR, p->inst_start, p->inst_end, col, "%s", c.error);
	}
	hr_vec_free(&c.args);
	hr_vec_free(&c.flags);
	return p->error;
}
