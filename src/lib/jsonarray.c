/* SPDX-License-Identifier: MIT */
/*
 * jsonarray.c - a strict JSON validator and string decoder, just big enough
 * to tell whether BuildKit reads an argument as JSON form (see jsonarray.h).
 *
 * It runs in two passes over the text: validate the whole value (iteratively,
 * with an explicit stack, so deep nesting cannot exhaust the C stack), then
 * walk the top-level elements and decode the strings. Only arrays reach here,
 * because BuildKit looks for a leading '[' first.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonarray.h"
#include "text.h"

#define MAX_DEPTH 10000 /* encoding/json's maxNestingDepth */

typedef struct cursor {
	const unsigned char *s;
	size_t n;
	size_t i;
} cursor;

static void skip_ws(cursor *c)
{
	while (c->i < c->n) {
		unsigned char ch = c->s[c->i];
		if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
			break;
		c->i++;
	}
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A string token at c->i (on the opening quote); false if malformed. */
static bool scan_string(cursor *c)
{
	c->i++;
	while (c->i < c->n) {
		unsigned char ch = c->s[c->i];
		if (ch == '"') {
			c->i++;
			return true;
		}
		if (ch < 0x20)
			return false;
		if (ch == '\\') {
			c->i++;
			if (c->i >= c->n)
				return false;
			ch = c->s[c->i];
			if (ch == 'u') {
				if (c->i + 4 >= c->n)
					return false;
				for (int k = 1; k <= 4; k++)
					if (hexval(c->s[c->i + k]) < 0)
						return false;
				c->i += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", ch) || ch == '\0')
				return false;
		}
		c->i++;
	}
	return false;
}

/* A number token; *overflow set when float64 cannot hold it. */
static bool scan_number(cursor *c, bool *overflow)
{
	size_t start = c->i;
	const unsigned char *s = c->s;

	if (c->i < c->n && s[c->i] == '-')
		c->i++;
	if (c->i >= c->n)
		return false;
	if (s[c->i] == '0') {
		c->i++;
	} else if (s[c->i] >= '1' && s[c->i] <= '9') {
		while (c->i < c->n && s[c->i] >= '0' && s[c->i] <= '9')
			c->i++;
	} else {
		return false;
	}
	if (c->i < c->n && s[c->i] == '.') {
		c->i++;
		if (c->i >= c->n || s[c->i] < '0' || s[c->i] > '9')
			return false;
		while (c->i < c->n && s[c->i] >= '0' && s[c->i] <= '9')
			c->i++;
	}
	if (c->i < c->n && (s[c->i] == 'e' || s[c->i] == 'E')) {
		c->i++;
		if (c->i < c->n && (s[c->i] == '+' || s[c->i] == '-'))
			c->i++;
		if (c->i >= c->n || s[c->i] < '0' || s[c->i] > '9')
			return false;
		while (c->i < c->n && s[c->i] >= '0' && s[c->i] <= '9')
			c->i++;
	}
	/* Go decodes numbers into float64 for []any; out of range is an error */
	size_t len = c->i - start;
	char small[64];
	char *tmp = len < sizeof(small) ? small : malloc(len + 1);
	if (!tmp) {
		*overflow = true; /* cannot tell; treat as not JSON */
		return true;
	}
	memcpy(tmp, s + start, len);
	tmp[len] = '\0';
	errno = 0;
	double d = strtod(tmp, NULL);
	if (errno == ERANGE && isinf(d))
		*overflow = true;
	if (tmp != small)
		free(tmp);
	return true;
}

static bool scan_literal(cursor *c, const char *lit)
{
	size_t len = strlen(lit);
	if (c->n - c->i < len || memcmp(c->s + c->i, lit, len) != 0)
		return false;
	c->i += len;
	return true;
}

/*
 * Validate one JSON value at c->i. The stack holds '[' or '{' per open
 * container; `expect_value` tracks whether a value must come next.
 */
static bool validate(cursor *c, bool *overflow)
{
	unsigned char *stack = malloc(MAX_DEPTH + 1);
	size_t depth = 0;
	bool ok = false;

	if (!stack)
		return false;
	for (;;) {
		/* parse a value */
		skip_ws(c);
		if (c->i >= c->n)
			goto out;
		unsigned char ch = c->s[c->i];
		if (ch == '[' || ch == '{') {
			if (depth >= MAX_DEPTH)
				goto out;
			stack[depth++] = ch;
			c->i++;
			skip_ws(c);
			if (c->i < c->n && c->s[c->i] == (ch == '[' ? ']' : '}')) {
				c->i++;
				depth--;
				goto after_value;
			}
			if (ch == '{') {
				if (c->i >= c->n || c->s[c->i] != '"' || !scan_string(c))
					goto out;
				skip_ws(c);
				if (c->i >= c->n || c->s[c->i] != ':')
					goto out;
				c->i++;
			}
			continue;
		} else if (ch == '"') {
			if (!scan_string(c))
				goto out;
		} else if (ch == '-' || (ch >= '0' && ch <= '9')) {
			if (!scan_number(c, overflow))
				goto out;
		} else if (ch == 't') {
			if (!scan_literal(c, "true"))
				goto out;
		} else if (ch == 'f') {
			if (!scan_literal(c, "false"))
				goto out;
		} else if (ch == 'n') {
			if (!scan_literal(c, "null"))
				goto out;
		} else {
			goto out;
		}
after_value:
		for (;;) {
			skip_ws(c);
			if (depth == 0) {
				ok = (c->i == c->n);
				goto out;
			}
			if (c->i >= c->n)
				goto out;
			unsigned char top = stack[depth - 1];
			ch = c->s[c->i];
			if (ch == ',') {
				c->i++;
				if (top == '{') {
					skip_ws(c);
					if (c->i >= c->n || c->s[c->i] != '"' || !scan_string(c))
						goto out;
					skip_ws(c);
					if (c->i >= c->n || c->s[c->i] != ':')
						goto out;
					c->i++;
				}
				break; /* next value */
			}
			if ((top == '[' && ch == ']') || (top == '{' && ch == '}')) {
				c->i++;
				depth--;
				continue;
			}
			goto out;
		}
	}
out:
	free(stack);
	return ok;
}

/* Decode the string token at s[0..n) (quotes included) as Go does. */
static char *decode_string(hr_arena *arena, const unsigned char *s, size_t n, size_t *out_len)
{
	hr_buf b = HR_BUF_INIT;
	size_t i = 1, end = n - 1;

	while (i < end) {
		unsigned char ch = s[i];
		if (ch == '\\') {
			unsigned char e = s[i + 1];
			i += 2;
			switch (e) {
			case '"': hr_buf_putc(&b, '"'); break;
			case '\\': hr_buf_putc(&b, '\\'); break;
			case '/': hr_buf_putc(&b, '/'); break;
			case 'b': hr_buf_putc(&b, '\b'); break;
			case 'f': hr_buf_putc(&b, '\f'); break;
			case 'n': hr_buf_putc(&b, '\n'); break;
			case 'r': hr_buf_putc(&b, '\r'); break;
			case 't': hr_buf_putc(&b, '\t'); break;
			case 'u': {
				uint32_t r = 0;
				for (int k = 0; k < 4; k++)
					r = (r << 4) | (uint32_t)hexval(s[i + k]);
				i += 4;
				if (r >= 0xD800 && r <= 0xDFFF) {
					/* a valid pair is consumed; anything else is U+FFFD */
					if (r < 0xDC00 && i + 6 <= end && s[i] == '\\' && s[i + 1] == 'u') {
						uint32_t r2 = 0;
						bool hex = true;
						for (int k = 0; k < 4; k++) {
							int h = hexval(s[i + 2 + k]);
							if (h < 0)
								hex = false;
							r2 = (r2 << 4) | (uint32_t)(h < 0 ? 0 : h);
						}
						if (hex && r2 >= 0xDC00 && r2 <= 0xDFFF) {
							i += 6;
							r = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00);
							hr_buf_put_rune(&b, r);
							break;
						}
					}
					r = HR_RUNE_ERROR;
				}
				hr_buf_put_rune(&b, r);
				break;
			}
			}
			continue;
		}
		if (ch < 0x80) {
			hr_buf_putc(&b, (char)ch);
			i++;
			continue;
		}
		uint32_t cp;
		size_t w = hr_utf8_decode(s + i, end - i, &cp);
		if (cp == HR_RUNE_ERROR && w == 1)
			hr_buf_put_rune(&b, HR_RUNE_ERROR);
		else
			hr_buf_append(&b, (const char *)s + i, w);
		i += w;
	}
	char *out = NULL;
	if (!b.oom) {
		out = hr_arena_strndup(arena, b.ptr ? b.ptr : "", b.len);
		*out_len = b.len;
	}
	hr_buf_free(&b);
	return out;
}

int hr_jsonarray_parse(hr_jsonarray_result *result, hr_vec *out, hr_arena *arena,
	const char *text, size_t n, size_t base)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t lead = hr_trim_left_len(s, n);
	cursor c = { s, n, lead };
	bool overflow = false;

	*result = HR_JSONARRAY_NOT_JSON;
	if (lead >= n || s[lead] != '[')
		return 0;
	if (!validate(&c, &overflow) || overflow)
		return 0;

	/* Valid JSON array: walk its top-level elements. */
	c.i = lead + 1;
	for (;;) {
		skip_ws(&c);
		if (c.s[c.i] == ']')
			break;
		if (c.s[c.i] != '"') {
			out->len = 0;
			*result = HR_JSONARRAY_NOT_STRINGS;
			return 0;
		}
		size_t start = c.i;
		scan_string(&c);
		hr_arg *arg = hr_vec_push(out);
		if (!arg)
			return HR_ENOMEM;
		arg->text.ptr = decode_string(arena, s + start, c.i - start, &arg->text.len);
		if (!arg->text.ptr)
			return HR_ENOMEM;
		arg->span.start = base + start;
		arg->span.end = base + c.i;
		skip_ws(&c);
		if (c.s[c.i] == ',')
			c.i++;
	}
	*result = HR_JSONARRAY_OK;
	return 0;
}
