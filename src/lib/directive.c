/* SPDX-License-Identifier: MIT */
/*
 * directive.c - parser directives (`# syntax=`, `# escape=`, `# check=`), and
 * which of them BuildKit honours.
 *
 * BuildKit reads the directive block twice, differently:
 *  - Parse() runs its directive parser over each leading line after
 *    stripping a BOM (line 1) and leading blanks; this view sets the escape
 *    character and fails the build on a duplicate or a bad escape value;
 *  - DetectSyntax()/ParseDirective() (which pick the frontend and read
 *    `check`) drop a BOM and a `#!` line, but do NOT strip leading blanks,
 *    and stop silently at a duplicate.
 * So an indented `# syntax=` is consumed by the parser yet never selects a
 * frontend, and `#!` hides an escape directive but not a syntax one. Every
 * comment that looks like one of the three directives is recorded, with the
 * reasons it is not (fully) honoured, for the policy to judge.
 */
#include <string.h>

#include "parse_internal.h"
#include "text.h"

hr_directive_kind hr__directive_kind(const unsigned char *key, size_t len)
{
	static const struct { const char *name; hr_directive_kind kind; } names[] = {
		{ "syntax", HR_DIRECTIVE_SYNTAX },
		{ "escape", HR_DIRECTIVE_ESCAPE },
		{ "check", HR_DIRECTIVE_CHECK },
	};
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(names[i].name);
		if (n != len)
			continue;
		size_t k = 0;
		while (k < n && (key[k] | 0x20) == names[i].name[k])
			k++;
		if (k == n)
			return names[i].kind;
	}
	return 0;
}

/* ^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$ with RE2's \s = [\t\n\f\r ] */
bool hr__directive_match(const unsigned char *s, size_t n, size_t *key_start, size_t *key_len,
	size_t *value_start, size_t *value_len)
{
	size_t i = 0;
#define ALPHA(c) (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define DIGIT(c) ((c) >= '0' && (c) <= '9')
	if (n == 0 || !ALPHA(s[0]))
		return false;
	i = 1;
	while (i < n && (ALPHA(s[i]) || DIGIT(s[i])))
		i++;
	*key_start = 0;
	*key_len = i;
	while (i < n && hr_is_re2_space(s[i]))
		i++;
	if (i >= n || s[i] != '=')
		return false;
	i++;
	size_t ws_start = i;
	while (i < n && hr_is_re2_space(s[i]))
		i++;
	if (i == n) {
		/* (.+?) backtracks into the blanks: the value is the last blank */
		if (i == ws_start)
			return false;
		*value_start = n - 1;
		*value_len = 1;
		return !memchr(s + n - 1, '\n', 1);
	}
	size_t end = n;
	while (end > i && hr_is_re2_space(s[end - 1]))
		end--;
	if (memchr(s + i, '\n', end - i)) /* '.' does not match a newline */
		return false;
	*value_start = i;
	*value_len = end - i;
	return true;
#undef ALPHA
#undef DIGIT
}

/* DirectiveParser.ParseLine on a line that already had its blanks trimmed */
void hr__directive_parse_line(hr_parser *p, uint32_t line, size_t start, size_t end)
{
	const unsigned char *s = p->s;
	size_t ks, kl, vs, vl;

	if (p->dp_done)
		return;
	if (start >= end || s[start] != '#') {
		p->dp_done = true;
		return;
	}
	start++;
	start += hr_trim_left_len(s + start, end - start);
	if (!hr__directive_match(s + start, end - start, &ks, &kl, &vs, &vl)) {
		p->dp_done = true;
		return;
	}
	hr_directive_kind kind = hr__directive_kind(s + start + ks, kl);
	if (!kind) {
		p->dp_done = true;
		return;
	}
	hr_pv_directive *d = hr_vec_push(&p->pv);
	if (!d) {
		p->error = HR_ENOMEM;
		return;
	}
	d->kind = kind;
	d->line = line;
	if (p->dp_seen & (1u << kind)) {
		d->error = true;
		hr__diag(p, HR_DIAG_PARSE, HR_SEVERITY_ERROR, line, line, 1,
			"only one %s parser directive can be used",
			kind == HR_DIRECTIVE_SYNTAX ? "syntax" : kind == HR_DIRECTIVE_ESCAPE ? "escape" : "check");
		return;
	}
	p->dp_seen |= 1u << kind;
	if (kind == HR_DIRECTIVE_ESCAPE) {
		const unsigned char *v = s + start + vs;
		if (vl == 1 && (v[0] == '\\' || v[0] == '`')) {
			p->esc = v[0];
		} else {
			d->error = true;
			hr__diag(p, HR_DIAG_PARSE, HR_SEVERITY_ERROR, line, line, 1,
				"invalid escape token '%.*s' does not match ` or \\", (int)vl, (const char *)v);
		}
	}
}

void hr__comment_line(hr_parser *p, uint32_t line, size_t line_start, size_t hash, size_t end,
	bool in_continuation)
{
	const unsigned char *s = p->s;
	hr_comment *c = hr_vec_push(&p->priv->comments);
	if (!c) {
		p->error = HR_ENOMEM;
		return;
	}
	/* drop the line ending */
	while (end > hash && (s[end - 1] == '\r' || s[end - 1] == '\n'))
		end--;
	size_t t = hash + 1;
	t += hr_trim_left_len(s + t, end - t);
	size_t te = t + hr_trim_right_len(s + t, end - t);
	c->text.ptr = hr_arena_strndup(p->arena, (const char *)s + t, te - t);
	c->text.len = te - t;
	if (!c->text.ptr)
		p->error = HR_ENOMEM;
	c->span.start = hash;
	c->span.end = end;
	c->line = line;
	c->in_continuation = in_continuation;

	size_t ks, kl, vs, vl;
	if (!hr__directive_match(s + t, end - t, &ks, &kl, &vs, &vl))
		return;
	hr_directive_kind kind = hr__directive_kind(s + t + ks, kl);
	if (!kind)
		return;
	hr_directive *d = hr_vec_push(&p->priv->directives);
	if (!d) {
		p->error = HR_ENOMEM;
		return;
	}
	d->kind = kind;
	d->name.ptr = hr_arena_strndup(p->arena, (const char *)s + t + ks, kl);
	d->name.len = kl;
	d->value.ptr = hr_arena_strndup(p->arena, (const char *)s + t + vs, vl);
	d->value.len = vl;
	if (!d->name.ptr || !d->value.ptr)
		p->error = HR_ENOMEM;
	d->line = line;
	d->span.start = line_start;
	d->span.end = end;
	d->value_span.start = t + vs;
	d->value_span.end = t + vs + vl;
	d->column = (uint32_t)(hash - line_start + 1);
	if (hash != line_start && !(line == 1 && p->df->bom && hash == line_start + 3))
		d->notes |= HR_DIRECTIVE_INDENTED;
	if (in_continuation)
		d->notes |= HR_DIRECTIVE_IN_CONTINUATION;
	if (line == 1 && p->df->bom)
		d->notes |= HR_DIRECTIVE_AFTER_BOM;
}

/* the block as DetectSyntax/ParseDirective read it: one entry per line */
typedef struct detect_entry {
	hr_directive_kind kind;
	uint32_t line;
} detect_entry;

static size_t detect_view(hr_parser *p, detect_entry *out, size_t max, bool *shebang)
{
	const unsigned char *s = p->s;
	size_t n = p->n, off = 0, count = 0;
	uint32_t line = 1;
	unsigned seen = 0;

	*shebang = false;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		off = 3;
	if (n - off >= 2 && s[off] == '#' && s[off + 1] == '!') {
		const unsigned char *nl = memchr(s + off, '\n', n - off);
		off = nl ? (size_t)(nl - s) + 1 : n;
		line = 2;
		*shebang = true;
	}
	while (off < n && count < max) {
		const unsigned char *nl = memchr(s + off, '\n', n - off);
		size_t end = nl ? (size_t)(nl - s) : n, next = nl ? end + 1 : n;
		if (end - off > HR_DOCKERFILE_MAX_LINE)
			break; /* bufio.Scanner gives up; so does the directive scan */
		if (end > off && s[end - 1] == '\r')
			end--;
		if (end == off || s[off] != '#')
			break;
		size_t t = off + 1;
		t += hr_trim_left_len(s + t, end - t);
		size_t ks, kl, vs, vl;
		if (!hr__directive_match(s + t, end - t, &ks, &kl, &vs, &vl))
			break;
		hr_directive_kind kind = hr__directive_kind(s + t + ks, kl);
		if (!kind || (seen & (1u << kind)))
			break;
		seen |= 1u << kind;
		out[count].kind = kind;
		out[count].line = line;
		count++;
		off = next;
		line++;
	}
	return count;
}

void hr__directives_finish(hr_parser *p)
{
	hr_directive *dirs = p->priv->directives.items;
	size_t nd = p->priv->directives.len;
	const hr_pv_directive *pv = p->pv.items;
	size_t npv = p->pv.len;
	detect_entry det[3];
	bool shebang;
	size_t ndet = detect_view(p, det, 3, &shebang);
	uint32_t check_line = 0;

	for (size_t i = 0; i < ndet; i++)
		if (det[i].kind == HR_DIRECTIVE_CHECK)
			check_line = det[i].line;

	for (size_t i = 0; i < nd; i++) {
		hr_directive *d = &dirs[i];
		bool in_parse = false, in_detect = false, pv_error = false;

		for (size_t k = 0; k < npv; k++)
			if (pv[k].line == d->line) {
				in_parse = true;
				pv_error = pv[k].error;
			}
		for (size_t k = 0; k < ndet; k++)
			if (det[k].line == d->line)
				in_detect = true;
		d->parse_block = in_parse && !pv_error;
		if (!in_parse && !in_detect)
			d->notes |= HR_DIRECTIVE_AFTER_BLOCK;
		if (in_detect && shebang)
			d->notes |= HR_DIRECTIVE_AFTER_SHEBANG;
		for (size_t k = 0; k < i; k++)
			if (dirs[k].kind == d->kind && !(dirs[k].notes & HR_DIRECTIVE_AFTER_BLOCK) &&
			    !(d->notes & HR_DIRECTIVE_AFTER_BLOCK))
				d->notes |= HR_DIRECTIVE_DUPLICATE;
		if (d->kind == HR_DIRECTIVE_SYNTAX && check_line && check_line < d->line && in_detect)
			d->notes |= HR_DIRECTIVE_AFTER_CHECK;
		if (d->kind == HR_DIRECTIVE_ESCAPE &&
		    !(d->value.len == 1 && (d->value.ptr[0] == '\\' || d->value.ptr[0] == '`')))
			d->notes |= HR_DIRECTIVE_INVALID_VALUE;

		switch (d->kind) {
		case HR_DIRECTIVE_SYNTAX:
		case HR_DIRECTIVE_CHECK:
			if (in_detect) {
				d->honoured = true;
				if (d->kind == HR_DIRECTIVE_SYNTAX)
					p->df->syntax = d;
				else
					p->df->check = d;
			}
			break;
		case HR_DIRECTIVE_ESCAPE:
			if (in_parse && !pv_error) {
				d->honoured = true;
				p->df->escape_directive = d;
			}
			break;
		}
	}
}
