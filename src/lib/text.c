/* SPDX-License-Identifier: MIT */
/*
 * text.c - Go-compatible UTF-8 decoding and white space (see text.h).
 */
#include "text.h"

size_t hr_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	/* Go accepts exactly the well-formed sequences of RFC 3629. */
	if (c >= 0xC2 && c <= 0xDF) {
		if (n >= 2 && (s[1] & 0xC0) == 0x80) {
			*cp = ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
			return 2;
		}
	} else if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = 0x80, hi = 0xBF;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
		if (n >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80) {
			*cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
			      (s[2] & 0x3F);
			return 3;
		}
	} else if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = 0x80, hi = 0xBF;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		if (n >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
		    (s[3] & 0xC0) == 0x80) {
			*cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
			      ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
			return 4;
		}
	}
	*cp = HR_RUNE_ERROR;
	return 1;
}

bool hr_rune_is_space(uint32_t cp)
{
	switch (cp) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xA0:
	case 0x1680:
	case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
		return true;
	}
	return cp >= 0x2000 && cp <= 0x200A;
}

bool hr_byte_is_go_space(unsigned char b)
{
	return hr_rune_is_space(b);
}

bool hr_utf8_valid(const unsigned char *s, size_t n, size_t *bad)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t w = hr_utf8_decode(s + i, n - i, &cp);
		if (cp == HR_RUNE_ERROR && w == 1) {
			if (bad)
				*bad = i;
			return false;
		}
		i += w;
	}
	return true;
}

size_t hr_space_at(const unsigned char *s, size_t n)
{
	uint32_t cp;
	if (n == 0)
		return 0;
	size_t w = hr_utf8_decode(s, n, &cp);
	return hr_rune_is_space(cp) ? w : 0;
}

size_t hr_trim_left_len(const unsigned char *s, size_t n)
{
	size_t i = 0, w;
	while (i < n && (w = hr_space_at(s + i, n - i)) > 0)
		i += w;
	return i;
}

size_t hr_trim_right_len(const unsigned char *s, size_t n)
{
	/* Walk back over complete runes; Go's DecodeLastRune semantics. */
	while (n > 0) {
		unsigned char c = s[n - 1];
		if (c < 0x80) {
			if (!hr_rune_is_space(c))
				break;
			n--;
			continue;
		}
		/* find the start of the last rune (at most 4 bytes back) */
		size_t start = n - 1, lim = n >= 4 ? n - 4 : 0;
		while (start > lim && (s[start] & 0xC0) == 0x80)
			start--;
		uint32_t cp;
		size_t w = hr_utf8_decode(s + start, n - start, &cp);
		if (start + w != n) /* not a complete rune ending at n: invalid byte */
			break;
		if (!hr_rune_is_space(cp))
			break;
		n = start;
	}
	return n;
}

static bool go_is_print(uint32_t r)
{
	if (r < 0x20 || r == 0x7F || (r >= 0x80 && r <= 0xA0) || r == 0xAD)
		return false;
	if (r == 0x1680 || (r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) ||
	    (r >= 0x205F && r <= 0x2064) || r == 0x3000 || r == 0xFEFF ||
	    (r >= 0xD800 && r <= 0xF8FF) || r == 0xFFFE || r == 0xFFFF)
		return false;
	return true;
}

void hr_go_quote(hr_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;

	hr_buf_putc(out, '"');
	while (i < n) {
		uint32_t r;
		size_t w = hr_utf8_decode((const unsigned char *)s + i, n - i, &r);
		if (w == 1 && r == HR_RUNE_ERROR) {
			unsigned char b = (unsigned char)s[i];
			char esc[4] = { '\\', 'x', hex[b >> 4], hex[b & 15] };
			hr_buf_append(out, esc, 4);
			i++;
			continue;
		}
		if (r == '"' || r == '\\') {
			hr_buf_putc(out, '\\');
			hr_buf_putc(out, (char)r);
		} else if (go_is_print(r)) {
			hr_buf_append(out, s + i, w);
		} else {
			switch (r) {
			case '\a': hr_buf_append(out, "\\a", 2); break;
			case '\b': hr_buf_append(out, "\\b", 2); break;
			case '\f': hr_buf_append(out, "\\f", 2); break;
			case '\n': hr_buf_append(out, "\\n", 2); break;
			case '\r': hr_buf_append(out, "\\r", 2); break;
			case '\t': hr_buf_append(out, "\\t", 2); break;
			case '\v': hr_buf_append(out, "\\v", 2); break;
			default:
				if (r < 0x20 || r == 0x7F)
					hr_buf_printf(out, "\\x%02x", r);
				else if (r < 0x10000)
					hr_buf_printf(out, "\\u%04x", r);
				else
					hr_buf_printf(out, "\\U%08x", r);
			}
		}
		i += w;
	}
	hr_buf_putc(out, '"');
}

void hr_go_lower(hr_buf *out, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t r;
		size_t w = hr_utf8_decode((const unsigned char *)s + i, n - i, &r);
		if (w == 1 && r == HR_RUNE_ERROR) {
			hr_buf_putc(out, s[i]);
			i++;
			continue;
		}
		if ((r >= 'A' && r <= 'Z') || (r >= 0xC0 && r <= 0xDE && r != 0xD7) ||
		    (r >= 0x391 && r <= 0x3AB && r != 0x3A2) || (r >= 0x410 && r <= 0x42F))
			r += 0x20;
		else if (r >= 0x400 && r <= 0x40F)
			r += 0x50;
		else if (r == 0x212A)
			r = 'k';
		else if (r == 0x212B)
			r = 0xE5;
		hr_buf_put_rune(out, r);
		i += w;
	}
}

/* ---- escaping for terminals and logs ---------------------------------- */

/* the width of the character at s[0..n) and whether it must be escaped */
static size_t escape_width(const unsigned char *s, size_t n, bool path, bool *escape)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*escape = c < 0x20 || c == 0x7f || (path && (c == '"' || c == '\\'));
		return 1;
	}
	uint32_t cp;
	size_t w = hr_utf8_decode(s, n, &cp);
	/* not UTF-8 (Go's decoder says U+FFFD, width 1), or a C1 control */
	*escape = (cp == HR_RUNE_ERROR && w == 1) || (cp >= 0x80 && cp <= 0x9f);
	return w;
}

bool hr_needs_escape(const char *s, size_t n, bool path)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		bool esc;
		i += escape_width(p + i, n - i, path, &esc);
		if (esc)
			return true;
	}
	return false;
}

void hr_buf_put_escaped(hr_buf *out, const char *s, size_t n, bool path)
{
	const unsigned char *p = (const unsigned char *)s;
	bool quote = path && hr_needs_escape(s, n, true);
	if (quote)
		hr_buf_putc(out, '"');
	for (size_t i = 0; i < n;) {
		bool esc;
		size_t w = escape_width(p + i, n - i, path, &esc);
		if (!esc) {
			hr_buf_append(out, s + i, w);
			i += w;
			continue;
		}
		for (size_t k = 0; k < w; k++) {
			unsigned char c = p[i + k];
			const char *named = c == '\a' ? "\\a" : c == '\b' ? "\\b" : c == '\t' ? "\\t" : c == '\n' ? "\\n"
				: c == '\v' ? "\\v" : c == '\f' ? "\\f" : c == '\r' ? "\\r" : c == '"' ? "\\\""
				: c == '\\' ? "\\\\" : NULL;
			if (named)
				hr_buf_append(out, named, 2);
			else
				hr_buf_printf(out, "\\%03o", c);
		}
		i += w;
	}
	if (quote)
		hr_buf_putc(out, '"');
}
