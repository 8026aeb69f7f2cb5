/* SPDX-License-Identifier: MIT */
/*
 * text.h - byte and rune helpers that behave exactly like the Go functions
 * BuildKit's parser calls, so that hook-run splits and trims the same bytes.
 *
 * Go decodes invalid UTF-8 as U+FFFD with width 1, and its unicode.IsSpace
 * knows the Latin-1 and Unicode White_Space characters, not just ASCII.
 * Several BuildKit loops instead read single bytes as runes, so byte 0x85
 * or 0xA0 counts as a space there: hr_byte_is_go_space() covers that case.
 */
#ifndef HOOK_RUN_TEXT_H
#define HOOK_RUN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HR_RUNE_ERROR 0xFFFDu

/**
 * Decode one rune at s[0..n) as Go's utf8.DecodeRune does. Returns the width
 * (1 for invalid input, with *cp = U+FFFD); n must be > 0.
 */
size_t hr_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/** Go's unicode.IsSpace. */
bool hr_rune_is_space(uint32_t cp);

/** unicode.IsSpace(rune(b)) for a single byte, as in BuildKit's byte loops. */
bool hr_byte_is_go_space(unsigned char b);

/** True if s[0..n) is valid UTF-8; *bad gets the offset of the first error. */
bool hr_utf8_valid(const unsigned char *s, size_t n, size_t *bad);

/** Width of the Unicode white space (Go rules) at the start of s, or 0. */
size_t hr_space_at(const unsigned char *s, size_t n);

/** Number of leading bytes bytes.TrimLeftFunc(s, unicode.IsSpace) drops. */
size_t hr_trim_left_len(const unsigned char *s, size_t n);

/** Length left after bytes.TrimRightFunc(s, unicode.IsSpace). */
size_t hr_trim_right_len(const unsigned char *s, size_t n);

/** ASCII white space as in BuildKit's reWhitespace: [\t\v\f\r ]. */
static inline bool hr_is_re_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/** RE2's \s: [\t\n\f\r ] (no \v). */
static inline bool hr_is_re2_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

#include "arena.h"

/** Append s[0..n) quoted as Go's strconv.Quote (%q) would (approximating
 * unicode.IsPrint outside Latin-1 by the common non-printing ranges). */
void hr_go_quote(hr_buf *out, const char *s, size_t n);

/**
 * Does s[0..n) need escaping for a terminal or a log (see
 * hr_buf_put_escaped())? With `path`, '"' and '\\' count too, as for git's
 * core.quotePath.
 */
bool hr_needs_escape(const char *s, size_t n, bool path);

/**
 * Append s[0..n) with its control characters escaped, so that no byte of
 * it can start a new line, move the cursor or send an escape sequence:
 * \a \b \t \n \v \f \r, other bytes below 0x20 and DEL as \ooo (octal,
 * as git writes them), the C1 controls U+0080-U+009F (CSI among them) and
 * bytes that are not UTF-8 as \ooo per byte; other UTF-8 is kept. With
 * `path`, as git quotes a path (quote_c_style): '"' and '\\' are escaped
 * too and the whole is put in double quotes when anything needed it.
 */
void hr_buf_put_escaped(hr_buf *out, const char *s, size_t n, bool path);

/** Append s[0..n) lower-cased as strings.ToLower would for ASCII, Latin-1,
 * Greek and Cyrillic capitals; other runes and invalid bytes are copied. */
void hr_go_lower(hr_buf *out, const char *s, size_t n);

#endif
