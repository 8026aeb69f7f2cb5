/* SPDX-License-Identifier: MIT */
/*
 * suppress.c - inline suppressions: `# check=` read exactly as BuildKit's
 * Dockerfile frontend reads it, then judged by hook-run's policy.
 *
 * BuildKit reads a check value in two places (moby/buildkit,
 * frontend/dockerfile):
 *  - file-wide, the `check` parser directive: parser.ParseDirective() over
 *    the directive block (a BOM and a `#!` line skipped, `#` comments only,
 *    unindented), called by dockerfile2llb's newRuleLinter(). Read since
 *    docker/dockerfile 1.8 (behind a BOM since 1.13); a value it cannot
 *    parse fails the build.
 *  - above an instruction, since docker/dockerfile 1.21: parser.Parse()
 *    attaches to each instruction the comment lines met since the previous
 *    one (Node.PrevComment: blank lines do not matter, a bare `#` line
 *    clears the list, the directive block's directives are left out), and
 *    linter.WithMergedConfigFromComments() reads the first of them that is
 *    a `check=` line; a value it cannot parse is ignored, silently. It
 *    applies to that instruction only.
 * Both keep the value up to its first space and hand it to
 * linter.ParseLintOptions(): at most three `;`-separated `key=value`
 * options (two before 1.10), keys `skip`, `error` (a Go boolean) and
 * `experimental` (1.10 on), case-sensitive; `skip=all` alone skips every
 * rule, else a comma-separated list of names compared as written. A later
 * `skip=` replaces the earlier list. The two lists add up.
 *
 * Fail closed: where hook-run cannot tell that the frontend building the
 * file reads a `# check=` (no `# syntax=`, a frontend other than
 * docker/dockerfile, a release too old), it does not count.
 *
 * On top of that, the policy: inline-suppressions = allow, require-reason
 * (a `// reason` after the value), deny. A comment that means to suppress a
 * finding that stands (it names the rule, in any spelling) but that BuildKit
 * would ignore or the policy refuses becomes one InlineSuppressionRefused
 * finding that says why, and the finding it meant keeps no automatic fix:
 * what the author asked for is not overridden by the fixer either.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/rules_internal.h"
#include "parse_internal.h"
#include "text.h"

/* ---- which frontend reads what ------------------------------------------ */

typedef struct reader {
	hr_frontend_kind kind;
	unsigned major, minor;
	hr_str ref;          /* the `# syntax=` reference, for messages */
	bool file_wide;      /* reads the check directive (1.8) */
	bool behind_bom;     /* ... on a first line behind a BOM (1.13) */
	bool above;          /* reads check= comments above instructions (1.21) */
	bool three_parts;    /* three options and `experimental` (1.10) */
} reader;

static bool at_least(const reader *r, unsigned major, unsigned minor)
{
	if (r->kind == HR_FRONTEND_LATEST)
		return true;
	if (r->kind != HR_FRONTEND_VERSION)
		return false;
	return r->major > major || (r->major == major && r->minor >= minor);
}

static void reader_init(reader *r, const hr_dockerfile *df)
{
	memset(r, 0, sizeof(*r));
	r->kind = hr__syntax_frontend(df, &r->major, &r->minor, &r->ref);
	r->file_wide = at_least(r, 1, 8);
	r->behind_bom = at_least(r, 1, 13);
	r->above = at_least(r, 1, 21);
	/* the current reader unless the file pins 1.8 or 1.9 */
	r->three_parts = r->kind != HR_FRONTEND_VERSION || at_least(r, 1, 10);
}

/* Does the frontend read this file's check directive? */
static bool reads_directive(const reader *r, const hr_directive *d)
{
	return r->file_wide && (!(d->notes & HR_DIRECTIVE_AFTER_BOM) || r->behind_bom);
}

/* "...: this file has no `# syntax=`..." - why the frontend is not known to read it */
static const char *frontend_phrase(hr_check_ctx *c, const reader *r)
{
	switch (r->kind) {
	case HR_FRONTEND_NONE:
		return "this file has no `# syntax=` directive: the frontend the builder bundles, of "
		       "unknown version, reads it";
	case HR_FRONTEND_OTHER:
		return hr__strf(c, "`# syntax=%.*s` is not a docker/dockerfile release hook-run can date",
			(int)r->ref.len, r->ref.ptr);
	default:
		return hr__strf(c, "`# syntax=%.*s` selects an older one", (int)r->ref.len, r->ref.ptr);
	}
}

/* ---- linter.ParseLintOptions ------------------------------------------- */

typedef struct check_name {
	const char *ptr;
	size_t len;
	bool replaced;        /* a later skip= of the same value replaced its list */
} check_name;

typedef struct check_value {
	bool valid;
	const char *why;      /* BuildKit's error when !valid */
	const char *read;     /* what BuildKit reads: the value up to its first space */
	size_t read_len;
	bool skip_all;
	bool skip[HR_RULE_COUNT]; /* hook-run rules the list names, exactly */
	bool any;             /* skip_all, or a hook-run rule is named */
	check_name *names;    /* every skip= name, in order */
	size_t nnames;
	const char *reason;   /* hook-run's: the text after `//` past the first space */
} check_value;

static void trim(const char **s, size_t *n)
{
	size_t lead = hr_trim_left_len((const unsigned char *)*s, *n);
	*s += lead;
	*n = hr_trim_right_len((const unsigned char *)*s, *n - lead);
}

static bool is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

static const char *quoted(hr_check_ctx *c, const char *s, size_t n)
{
	hr_buf b = HR_BUF_INIT;
	hr_go_quote(&b, s, n);
	const char *q = b.oom ? NULL : hr__strf(c, "%.*s", (int)b.len, b.ptr);
	hr_buf_free(&b);
	if (!q)
		c->error = HR_ENOMEM;
	return q ? q : "";
}

/* strconv.ParseBool */
static bool go_bool(const char *s, size_t n)
{
	static const char *const ok[] = { "1", "t", "T", "TRUE", "true", "True",
		"0", "f", "F", "FALSE", "false", "False" };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (is(s, n, ok[i]))
			return true;
	return false;
}

static void add_names(check_value *out, const char *v, size_t n)
{
	for (size_t i = 0; i < out->nnames; i++)
		out->names[i].replaced = true; /* skipSet = strings.Split(...) */
	size_t i = 0;
	for (;;) {
		size_t e = i;
		while (e < n && v[e] != ',')
			e++;
		const char *name = v + i;
		size_t len = e - i;
		trim(&name, &len);
		check_name *cn = &out->names[out->nnames++];
		cn->ptr = name;
		cn->len = len;
		cn->replaced = false;
		if (e == n)
			break;
		i = e + 1;
	}
}

/* One `key=value` option; false when BuildKit refuses it. */
static bool lint_option(hr_check_ctx *c, const char *p, size_t n, bool three_parts, check_value *out)
{
	const char *eq = memchr(p, '=', n);
	if (!eq) {
		out->why = hr__strf(c, "invalid check option %s", quoted(c, p, n));
		return false;
	}
	const char *k = p, *v = eq + 1;
	size_t kl = (size_t)(eq - p), vl = n - kl - 1;
	trim(&k, &kl);
	trim(&v, &vl);
	if (is(k, kl, "skip")) {
		if (is(v, vl, "all"))
			out->skip_all = true;
		else
			add_names(out, v, vl);
		return true;
	}
	if (three_parts && is(k, kl, "experimental"))
		return true; /* experimental rules are opt-in; hook-run has none */
	if (is(k, kl, "error")) {
		if (go_bool(v, vl))
			return true;
		out->why = hr__strf(c, "failed to parse check option %s: strconv.ParseBool: parsing %s: "
			"invalid syntax", quoted(c, p, n), quoted(c, v, vl));
		return false;
	}
	out->why = hr__strf(c, "invalid check option %s", quoted(c, k, kl));
	return false;
}

static void lint_options(hr_check_ctx *c, const char *v, size_t n, bool three_parts, check_value *out)
{
	size_t commas = 0;
	for (size_t i = 0; i < n; i++)
		commas += v[i] == ',';
	/* every skip= list adds one name more than its commas; at most three lists */
	out->names = hr_arena_alloc(c->arena, (commas + 3) * sizeof(check_name));
	if (!out->names) {
		c->error = HR_ENOMEM;
		return;
	}
	trim(&v, &n);
	out->valid = true;
	if (n == 0)
		return;
	size_t maxparts = three_parts ? 3 : 2, part = 0, i = 0;
	for (;;) {
		size_t end = n;
		if (++part < maxparts) { /* strings.SplitN: the last part keeps every ';' */
			const char *semi = memchr(v + i, ';', n - i);
			if (semi)
				end = (size_t)(semi - v);
		}
		if (!lint_option(c, v + i, end - i, three_parts, out)) {
			out->valid = false;
			return;
		}
		if (end == n)
			break;
		i = end + 1;
	}
}

static const hr_rule *rule_exact(const char *name, size_t len)
{
	for (size_t i = 0; i < HR_RULE_COUNT; i++) {
		const hr_rule *r = hr_rule_get((hr_rule_id)i);
		if (is(name, len, r->name))
			return r;
	}
	return NULL;
}

/* A check value as BuildKit reads it, plus hook-run's `// reason`. */
static void check_value_read(hr_check_ctx *c, const char *v, size_t n, bool three_parts,
	check_value *out)
{
	memset(out, 0, sizeof(*out));
	const char *sp = memchr(v, ' ', n); /* strings.Cut(d.Value, " ") */
	size_t rl = sp ? (size_t)(sp - v) : n;
	out->read = v;
	out->read_len = rl;
	if (sp) {
		const char *r = sp + 1;
		size_t len = n - rl - 1;
		trim(&r, &len);
		if (len >= 2 && r[0] == '/' && r[1] == '/') {
			r += 2;
			len -= 2;
			trim(&r, &len);
			if (len)
				out->reason = hr_arena_strndup(c->arena, r, len);
		}
	}
	lint_options(c, v, rl, three_parts, out);
	if (!out->valid) {
		out->skip_all = false;
		out->nnames = 0;
		return;
	}
	out->any = out->skip_all;
	for (size_t i = 0; i < out->nnames; i++) {
		if (out->names[i].replaced)
			continue;
		const hr_rule *r = rule_exact(out->names[i].ptr, out->names[i].len);
		if (r) {
			out->skip[r->id] = true;
			out->any = true;
		}
	}
}

/* ---- the file-wide directive that breaks the build ----------------------- */

void hr__check_check_directive(hr_check_ctx *c)
{
	const hr_dockerfile *df = c->df;
	reader rd;
	check_value v;

	if (!df->check)
		return;
	reader_init(&rd, df);
	/* a known older release reads no check directive; the bundled one may */
	if (rd.kind == HR_FRONTEND_OTHER || (rd.kind == HR_FRONTEND_VERSION && !reads_directive(&rd, df->check)))
		return;
	check_value_read(c, df->check->value.ptr, df->check->value.len, rd.three_parts, &v);
	if (v.valid)
		return;
	hr_finding *f = hr__finding(c, HR_RULE_DOCKERFILE_PARSE_ERROR, df->check->value_span,
		"BuildKit cannot build the file: failed to parse check options: %s", v.why);
	if (f)
		f->hint = "docker/dockerfile 1.8 and newer fail the build on this `# check=` value: "
			"the options are skip=, error= and experimental=, separated by `;`, up to the "
			"first space";
}

/* ---- the comments above each instruction ------------------------------ */

typedef enum comment_status {
	CS_NONE = 0,       /* not a check comment, or not looked at */
	CS_FILE,           /* the file-wide directive, read */
	CS_FILE_UNREAD,    /* the file-wide directive, not read by the frontend */
	CS_ABOVE,          /* the one BuildKit reads for its instruction */
	CS_UNREAD,         /* that one, but the frontend reads none above instructions */
	CS_INVALID,        /* that one, with a value BuildKit ignores */
	CS_NOT_FIRST,      /* an earlier check comment counts instead */
	CS_CLEARED,        /* a bare `#` below it cleared the list */
	CS_INDENTED,
	CS_CONTINUATION,   /* inside a continued instruction: dropped */
} comment_status;

typedef struct comment_state {
	comment_status status;
	const hr_instruction *target; /* the instruction it sits above (or inside) */
	bool before_first;            /* above the first instruction: perhaps meant file-wide */
	uint32_t counted_line;        /* CS_NOT_FIRST: the line of the one that counts */
	bool refused;                 /* an InlineSuppressionRefused was reported for it */
	check_value value;            /* CS_FILE, CS_ABOVE, CS_INVALID */
} comment_state;

static bool never_suppressed(hr_rule_id id)
{
	return id == HR_RULE_DOCKERFILE_PARSE_ERROR || id == HR_RULE_UNCHECKABLE_FILE ||
	       id == HR_RULE_INLINE_SUPPRESSION_REFUSED;
}

/* Is the comment's '#' the first byte of its line (a BOM aside)? */
static bool at_column_1(const hr_dockerfile *df, const hr_comment *cm)
{
	hr_span line = hr_dockerfile_line_span(df, cm->line);
	size_t start = line.start;
	if (cm->line == 1 && df->bom)
		start += 3;
	return cm->span.start == start;
}

/* A `check=...` comment text: the value's span, else false. */
static bool check_text(const hr_str *text, const char **value, size_t *len)
{
	size_t ks, kl, vs, vl;
	const unsigned char *s = (const unsigned char *)text->ptr;
	if (!hr__directive_match(s, text->len, &ks, &kl, &vs, &vl) ||
	    hr__directive_kind(s + ks, kl) != HR_DIRECTIVE_CHECK)
		return false;
	*value = text->ptr + vs;
	*len = vl;
	return true;
}

static bool parse_block_line(const hr_dockerfile *df, uint32_t line)
{
	for (size_t i = 0; i < df->ndirectives; i++)
		if (df->directives[i].line == line)
			return df->directives[i].parse_block;
	return false;
}

/* Does the policy accept this suppression? If not, say so once. */
static bool policy_accepts(hr_check_ctx *c, const check_value *v, hr_span where, bool *refused)
{
	if (!v->any)
		return false;
	switch (c->policy->inline_suppressions) {
	case HR_INLINE_ALLOW:
		return true;
	case HR_INLINE_REQUIRE_REASON:
		if (v->reason)
			return true;
		hr__finding(c, HR_RULE_INLINE_SUPPRESSION_REFUSED, where,
			"inline suppression without a reason: the policy requires one after '//' "
			"(# check=skip=Rule // why)");
		*refused = true;
		return false;
	case HR_INLINE_DENY:
		hr__finding(c, HR_RULE_INLINE_SUPPRESSION_REFUSED, where,
			"inline suppressions are not allowed by the policy: the findings stand");
		*refused = true;
		return false;
	}
	return false;
}

static bool on(const hr_finding *f, const hr_instruction *in)
{
	return in && f->instruction && (f->instruction == in || f->instruction == in->sub);
}

static void suppress(hr_finding *f, const check_value *v)
{
	if (never_suppressed(f->rule) || f->suppressed)
		return;
	if (v->skip_all || v->skip[f->rule]) {
		f->suppressed = true;
		f->suppression_reason = v->reason;
	}
}

/*
 * Walk the comments as parser.Parse collects them for each instruction and
 * decide which one BuildKit reads; record in `cs` what became of each.
 */
static void read_comments(hr_check_ctx *c, const reader *rd, comment_state *cs, size_t file_ci,
	size_t nfind)
{
	const hr_dockerfile *df = c->df;
	size_t nc = df->ncomments, ci = 0;
	uint32_t prev_end = 0;
	const hr_instruction *prev = NULL;

	for (size_t i = 0; i < df->ninstructions; i++) {
		const hr_instruction *in = &df->instructions[i];
		size_t first = SIZE_MAX, window = ci;

		for (; ci < nc && df->comments[ci].line < in->start_line; ci++) {
			const hr_comment *cm = &df->comments[ci];
			const char *v;
			size_t vl;
			bool check = check_text(&cm->text, &v, &vl);

			if (cm->line <= prev_end || cm->in_continuation) {
				/* inside the previous instruction: BuildKit drops it */
				if (check) {
					cs[ci].status = CS_CONTINUATION;
					cs[ci].target = prev;
				}
				continue;
			}
			bool col1 = at_column_1(df, cm);
			if (col1 && cm->text.len == 0) {
				/* `comment == ""`: the list so far is dropped */
				for (size_t k = window; k < ci; k++)
					if (k != file_ci && (cs[k].status == CS_NOT_FIRST || k == first))
						cs[k].status = CS_CLEARED;
				first = SIZE_MAX;
				window = ci + 1;
				continue;
			}
			if (!check)
				continue;
			cs[ci].target = in;
			cs[ci].before_first = i == 0;
			if (ci == file_ci) {
				/* behind a `#!` line the directive is also a comment of the first instruction */
				if (!parse_block_line(df, cm->line) && first == SIZE_MAX)
					first = ci;
				continue;
			}
			if (parse_block_line(df, cm->line) || !col1) {
				/* an indented directive is consumed by Parse yet never detected */
				cs[ci].status = CS_INDENTED;
				continue;
			}
			if (first == SIZE_MAX) {
				first = ci;
				cs[ci].status = CS_ABOVE; /* for now */
			} else {
				cs[ci].status = CS_NOT_FIRST;
				cs[ci].counted_line = df->comments[first].line;
			}
		}
		if (first != SIZE_MAX && first != file_ci) {
			const hr_comment *cm = &df->comments[first];
			const char *v;
			size_t vl;
			comment_state *st = &cs[first];
			check_text(&cm->text, &v, &vl);
			check_value_read(c, v, vl, true, &st->value);
			if (!rd->above)
				st->status = CS_UNREAD;
			else if (!st->value.valid)
				st->status = CS_INVALID;
			else if (policy_accepts(c, &st->value, cm->span, &st->refused)) {
				hr_finding *fs = c->findings->items;
				for (size_t f = 0; f < nfind; f++)
					if (on(&fs[f], in))
						suppress(&fs[f], &st->value);
			}
		}
		prev_end = in->end_line;
		prev = in;
	}
	/* comments after the last instruction, inside it included */
	for (; ci < nc; ci++) {
		const hr_comment *cm = &df->comments[ci];
		const char *v;
		size_t vl;
		if ((cm->line <= prev_end || cm->in_continuation) && check_text(&cm->text, &v, &vl)) {
			cs[ci].status = CS_CONTINUATION;
			cs[ci].target = prev;
		}
	}
}

/* ---- saying why a comment did not count ------------------------------- */

/* The rules a comment names in any spelling (or `all`): what it means to do. */
static void intended(const hr_str *text, bool *all, bool rules[HR_RULE_COUNT])
{
	const char *t = text->ptr, *end = text->ptr + text->len;
	const char *slashes = NULL;
	for (const char *p = t; p + 1 < end; p++)
		if (p[0] == '/' && p[1] == '/') {
			slashes = p;
			break;
		}
	if (slashes)
		end = slashes;
	*all = false;
	memset(rules, 0, HR_RULE_COUNT * sizeof(bool));
	const char *eq = memchr(t, '=', (size_t)(end - t));
	for (const char *p = eq ? eq + 1 : end; p < end;) {
		while (p < end && !(((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9')))
			p++;
		const char *s = p;
		while (p < end && (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9')))
			p++;
		size_t n = (size_t)(p - s);
		if (n == 3 && strncasecmp(s, "all", 3) == 0)
			*all = true;
		const hr_rule *r = n ? hr_rule_find(s, n) : NULL;
		if (r)
			rules[r->id] = true;
	}
}

/* Why a read check value does not name `rule`. */
static const char *name_reason(hr_check_ctx *c, const check_value *v, const hr_rule *rule)
{
	size_t rl = strlen(rule->name);
	for (size_t i = 0; i < v->nnames; i++) {
		const check_name *n = &v->names[i];
		if (n->replaced && is(n->ptr, n->len, rule->name))
			return "a later `skip=` in the same value replaces this list";
	}
	for (size_t i = 0; i < v->nnames; i++) {
		const check_name *n = &v->names[i];
		if (n->len == rl && strncasecmp(n->ptr, rule->name, rl) == 0)
			return hr__strf(c, "rule names are case-sensitive: BuildKit reads `%.*s`, not %s",
				(int)n->len, n->ptr, rule->name);
		if (n->len > rl && strncmp(n->ptr, rule->name, rl) == 0)
			return hr__strf(c, "BuildKit reads the rule name as `%.*s`: separate names with "
				"commas and put a space before `//`", (int)n->len, n->ptr);
		if (n->len == 3 && strncasecmp(n->ptr, "all", 3) == 0)
			return "`skip=all` skips every rule only on its own and in lower case";
	}
	return hr__strf(c, "BuildKit reads the value only up to its first space: `%.*s`",
		(int)v->read_len, v->read);
}

static const char *status_reason(hr_check_ctx *c, const reader *rd, const comment_state *st,
	const hr_finding *f)
{
	switch (st->status) {
	case CS_FILE_UNREAD:
		return hr__strf(c, "BuildKit reads the `# check=` directive from docker/dockerfile 1.8 "
			"on (behind a byte order mark from 1.13), and %s", frontend_phrase(c, rd));
	case CS_UNREAD:
	case CS_NOT_FIRST:
	case CS_CLEARED:
	case CS_INVALID:
		if (!rd->above)
			return hr__strf(c, "BuildKit reads a `# check=` comment above an instruction from "
				"docker/dockerfile 1.21 on, and %s", frontend_phrase(c, rd));
		if (st->status == CS_NOT_FIRST)
			return hr__strf(c, "BuildKit reads only the first `# check=` comment above an "
				"instruction (line %u)", st->counted_line);
		if (st->status == CS_CLEARED)
			return "a bare `#` line below it clears the comments BuildKit attaches to the "
			       "instruction";
		return hr__strf(c, "BuildKit ignores it: %s", st->value.why);
	case CS_INDENTED:
		return "BuildKit ignores an indented `# check=`: start it in column 1";
	case CS_CONTINUATION:
		return "BuildKit drops comments inside a continued instruction";
	case CS_FILE:
	case CS_ABOVE:
		return name_reason(c, &st->value, hr_rule_get(f->rule));
	case CS_NONE:
		break;
	}
	return "BuildKit does not read it";
}

/*
 * For each check comment that means to suppress a finding that stands,
 * one InlineSuppressionRefused with the reason.
 */
static void explain_unread(hr_check_ctx *c, const reader *rd, comment_state *cs, size_t nfind)
{
	const hr_dockerfile *df = c->df;

	for (size_t ci = 0; ci < df->ncomments; ci++) {
		comment_state *st = &cs[ci];
		const hr_comment *cm = &df->comments[ci];
		bool all, rules[HR_RULE_COUNT];
		const char *v;
		size_t vl;

		if (st->status == CS_NONE || st->refused || !check_text(&cm->text, &v, &vl))
			continue;
		intended(&cm->text, &all, rules);
		bool file_wide = st->status == CS_FILE || st->status == CS_FILE_UNREAD;
		const hr_finding *hit = NULL;
		bool elsewhere = false;
		const hr_finding *fs = c->findings->items;
		/* a finding it sits above first; above the first instruction, perhaps any */
		for (int pass = 0; pass < 2 && !hit; pass++) {
			for (size_t f = 0; f < nfind && !hit; f++) {
				if (fs[f].suppressed || never_suppressed(fs[f].rule) || !(all || rules[fs[f].rule]))
					continue;
				if (pass == 0 ? file_wide || on(&fs[f], st->target) : st->before_first)
					hit = &fs[f];
			}
			elsewhere = pass == 1;
		}
		if (!hit)
			continue;
		const char *why, *hint = NULL;
		if (elsewhere && st->status != CS_INDENTED) {
			why = "it is below the directive block (after a comment or a blank line), so "
			      "BuildKit applies it to the instruction right after it only";
			hint = "for the whole file, put it in the directive block: the first lines, "
			       "with no comment or blank line above it";
		} else {
			why = status_reason(c, rd, st, hit);
			if (st->status == CS_FILE_UNREAD || (!rd->above && st->status != CS_FILE &&
			    st->status != CS_INDENTED && st->status != CS_CONTINUATION))
				hint = "pin a frontend that reads it (`# syntax=docker/dockerfile:1`), or "
				       "settle the rule in .hook-run.ini ([rules], exclude)";
		}
		hr_finding *f = hr__finding(c, HR_RULE_INLINE_SUPPRESSION_REFUSED, cm->span,
			"this `# check=` does not suppress %s: %s", hr_rule_get(hit->rule)->name, why);
		if (f)
			f->hint = hint;
		st->refused = true;
	}
}

/*
 * A comment that asked to leave a finding alone but does not count (the
 * policy refused it, or BuildKit would not read it) still says what the
 * author wants: the finding stands, but hook-run does not rewrite the
 * instruction by itself, least of all with fix-mode = all against an
 * explicit "// /tmp must stay 1777".
 */
static void hold_fixes(hr_check_ctx *c, const comment_state *cs, size_t nfind)
{
	const hr_dockerfile *df = c->df;

	for (size_t ci = 0; ci < df->ncomments; ci++) {
		const comment_state *st = &cs[ci];
		bool all, rules[HR_RULE_COUNT];
		if (!st->refused)
			continue;
		intended(&df->comments[ci].text, &all, rules);
		bool anywhere = st->status == CS_FILE || st->status == CS_FILE_UNREAD || st->before_first;
		hr_finding *fs = c->findings->items;
		for (size_t f = 0; f < nfind; f++) {
			hr_finding *x = &fs[f];
			if (x->suppressed || never_suppressed(x->rule) || x->nedits == 0 || !(all || rules[x->rule]) ||
			    !(anywhere || on(x, st->target)))
				continue;
			const char *held = hr__strf(c, "not fixed automatically: the `# check=` on line %u asks "
				"to leave it alone (see InlineSuppressionRefused there)", df->comments[ci].line);
			x->hint = x->hint ? hr__strf(c, "%s; %s", x->hint, held) : held;
			x->nedits = 0;
			x->fix = HR_FIX_NONE;
			x->fix_summary = NULL;
		}
	}
}

void hr__apply_suppressions(hr_check_ctx *c)
{
	const hr_dockerfile *df = c->df;
	size_t nc = df->ncomments, nfind = c->findings->len, file_ci = SIZE_MAX;
	reader rd;
	comment_state *cs = calloc(nc ? nc : 1, sizeof(*cs));

	if (!cs) {
		c->error = HR_ENOMEM;
		return;
	}
	reader_init(&rd, df);
	if (df->check) {
		for (size_t i = 0; i < nc; i++)
			if (df->comments[i].line == df->check->line)
				file_ci = i;
	}
	if (file_ci != SIZE_MAX) {
		comment_state *st = &cs[file_ci];
		check_value_read(c, df->check->value.ptr, df->check->value.len, rd.three_parts, &st->value);
		st->status = reads_directive(&rd, df->check) && st->value.valid ? CS_FILE : CS_FILE_UNREAD;
	}
	read_comments(c, &rd, cs, file_ci, nfind);
	if (file_ci != SIZE_MAX && cs[file_ci].status == CS_FILE &&
	    policy_accepts(c, &cs[file_ci].value, df->check->span, &cs[file_ci].refused)) {
		hr_finding *fs = c->findings->items;
		for (size_t f = 0; f < nfind; f++)
			suppress(&fs[f], &cs[file_ci].value);
	}
	explain_unread(c, &rd, cs, nfind);
	hold_fixes(c, cs, nfind);
	free(cs);
}
