/* SPDX-License-Identifier: MIT */
/*
 * syntax.c - the `# syntax=` rules: SyntaxDirectiveMissing,
 * SyntaxDirectiveMisplaced, SyntaxVersionTooOld, SyntaxFrontendUnknown.
 *
 * The parser already knows which directive BuildKit honours and why the
 * others are not (dockerfile.h, hr_directive.notes). Here that becomes
 * findings and minimal edits:
 *  - missing: insert the configured line at the top (after a `#!` line, in
 *    place of a BOM), with a blank line after it when an instruction or a
 *    plain comment follows;
 *  - misplaced: move it to the top the same way, or strip the BOM or the
 *    indentation in place when it is already on the first line;
 *  - too old: rewrite just the tag.
 * A frontend reference is [registry/]repository[:tag][@digest]; only the
 * part before the first blank counts, as in BuildKit's DetectSyntax.
 */
#include <string.h>

#include "rules_internal.h"
#include "hook-run/policy.h"

typedef struct frontend_ref {
	const char *ref;      /* the whole reference */
	size_t ref_len;
	size_t repo_len;      /* ref[0, repo_len) is [registry/]repository */
	size_t tag_start;     /* ref[tag_start, tag_end) is the tag (may be empty) */
	size_t tag_end;
	bool has_tag;
	bool has_digest;
} frontend_ref;

static void split_ref(const char *v, size_t n, frontend_ref *out)
{
	size_t len = 0;
	while (len < n && v[len] != ' ' && v[len] != '\t')
		len++;
	memset(out, 0, sizeof(*out));
	out->ref = v;
	out->ref_len = len;
	size_t at = len;
	for (size_t i = 0; i < len; i++)
		if (v[i] == '@') {
			at = i;
			out->has_digest = true;
			break;
		}
	size_t slash = 0;
	for (size_t i = 0; i < at; i++)
		if (v[i] == '/')
			slash = i + 1;
	size_t colon = at;
	for (size_t i = slash; i < at; i++)
		if (v[i] == ':') {
			colon = i;
			break;
		}
	out->repo_len = colon;
	out->has_tag = colon < at;
	out->tag_start = colon < at ? colon + 1 : at;
	out->tag_end = at;
}

/* docker/dockerfile and its spellings; *upstream for -upstream */
static bool is_docker_dockerfile(const frontend_ref *r)
{
	static const char *const prefixes[] = {
		"", "docker.io/", "index.docker.io/", "registry-1.docker.io/", "registry.hub.docker.com/",
	};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]);
		if (r->repo_len < pl || strncmp(r->ref, prefixes[i], pl) != 0)
			continue;
		const char *name = r->ref + pl;
		size_t nl = r->repo_len - pl;
		if ((nl == 17 && strncmp(name, "docker/dockerfile", 17) == 0) ||
		    (nl == 26 && strncmp(name, "docker/dockerfile-upstream", 26) == 0))
			return true;
	}
	return false;
}

static bool is_allowlisted(const hr_policy *p, const frontend_ref *r)
{
	char ref[512], repo[512];
	if (r->ref_len >= sizeof(ref))
		return false;
	memcpy(ref, r->ref, r->ref_len);
	ref[r->ref_len] = '\0';
	memcpy(repo, r->ref, r->repo_len);
	repo[r->repo_len] = '\0';
	for (size_t i = 0; i < p->nfrontends; i++)
		if (hr_wildmatch(p->frontends[i], ref) || hr_wildmatch(p->frontends[i], repo))
			return true;
	return false;
}

static bool parse_num(const char **pp, const char *end, unsigned *out)
{
	const char *p = *pp;
	unsigned long v = 0;
	if (p >= end || *p < '0' || *p > '9')
		return false;
	while (p < end && *p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 1000000)
			return false;
		p++;
	}
	*out = (unsigned)v;
	*pp = p;
	return true;
}

static bool has_substr(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (strncmp(s + i, needle, k) == 0)
			return true;
	return false;
}

/*
 * Is this docker/dockerfile tag older than the policy's minimum? Floating
 * tags (1, 1-labs, labs, latest, master...) and tags we cannot read are not.
 */
static bool tag_too_old(const hr_policy *p, const char *tag, size_t n)
{
	if (has_substr(tag, n, "experimental"))
		return true;
	const char *q = tag, *end = tag + n;
	unsigned major, minor;
	if (!parse_num(&q, end, &major))
		return false; /* latest, labs, master, mainline, ...: floating */
	if (q == end || *q == '-') /* "1", "1-labs": the newest 1.x */
		return major < p->min_major;
	if (*q != '.')
		return false;
	q++;
	if (!parse_num(&q, end, &minor))
		return false;
	if (major != p->min_major)
		return major < p->min_major;
	return minor < p->min_minor;
}

hr_frontend_kind hr__syntax_frontend(const hr_dockerfile *df, unsigned *major, unsigned *minor,
	hr_str *ref)
{
	static const char *const floating[] = { "latest", "labs", "master", "master-labs" };
	frontend_ref r;

	*major = *minor = 0;
	ref->ptr = "";
	ref->len = 0;
	if (!df->syntax)
		return HR_FRONTEND_NONE;
	split_ref(df->syntax->value.ptr, df->syntax->value.len, &r);
	ref->ptr = r.ref;
	ref->len = r.ref_len;
	if (!is_docker_dockerfile(&r))
		return HR_FRONTEND_OTHER;
	if (!r.has_tag) /* no tag means latest; a bare digest says nothing */
		return r.has_digest ? HR_FRONTEND_OTHER : HR_FRONTEND_LATEST;
	const char *tag = r.ref + r.tag_start, *end = r.ref + r.tag_end;
	size_t n = r.tag_end - r.tag_start;
	for (size_t i = 0; i < sizeof(floating) / sizeof(floating[0]); i++)
		if (strlen(floating[i]) == n && strncmp(tag, floating[i], n) == 0)
			return HR_FRONTEND_LATEST;
	const char *q = tag;
	if (!parse_num(&q, end, major))
		return HR_FRONTEND_OTHER;
	if (q == end || *q == '-') /* "1", "1-labs": the newest release of that major */
		return *major >= 1 ? HR_FRONTEND_LATEST : HR_FRONTEND_OTHER;
	if (*q != '.')
		return HR_FRONTEND_OTHER;
	q++;
	if (!parse_num(&q, end, minor))
		return HR_FRONTEND_OTHER;
	return HR_FRONTEND_VERSION;
}

/* The tag the fixer writes: the tag of the configured syntax, or NULL. */
static const char *configured_tag(const hr_policy *p, size_t *len)
{
	frontend_ref r;
	split_ref(p->syntax, strlen(p->syntax), &r);
	if (!r.has_tag)
		return NULL;
	*len = r.tag_end - r.tag_start;
	return p->syntax + r.tag_start;
}

/* Where a new first line goes: after a `#!` line, else at 0 (BOM excluded). */
static size_t insertion_point(const hr_dockerfile *df, bool *after_shebang)
{
	size_t off = df->bom ? 3 : 0;
	*after_shebang = false;
	if (df->len - off >= 2 && df->data[off] == '#' && df->data[off + 1] == '!') {
		const char *nl = memchr(df->data + off, '\n', df->len - off);
		*after_shebang = true;
		return nl ? (size_t)(nl - df->data) + 1 : df->len;
	}
	return off;
}

/* Is the physical line holding `off` a directive of the leading block? */
static bool directive_line_at(const hr_dockerfile *df, size_t off)
{
	uint32_t line, col;
	hr_dockerfile_position(df, off, &line, &col);
	for (size_t i = 0; i < df->ndirectives; i++) {
		const hr_directive *d = &df->directives[i];
		if (d->line == line && !(d->notes & HR_DIRECTIVE_AFTER_BLOCK))
			return true;
	}
	return false;
}

/*
 * The text to insert at `at`: the directive line, then a blank line if what
 * follows is an instruction or a plain comment (not a directive, not blank,
 * not the end). `skip_line` is a line being moved away (its start), or SIZE_MAX.
 */
static const char *insert_text(hr_check_ctx *c, size_t at, const char *value, size_t vlen,
	size_t skip_line, size_t skip_end, size_t *len)
{
	const hr_dockerfile *df = c->df;
	size_t next = at;
	if (next == skip_line)
		next = skip_end;
	/* what line comes next? */
	bool blank_after = false;
	if (next < df->len) {
		const char *p = df->data + next;
		size_t rest = df->len - next;
		bool blank_line = (*p == '\n' || (rest > 1 && p[0] == '\r' && p[1] == '\n'));
		if (!blank_line && !directive_line_at(df, next)) {
			/* a whitespace-only line counts as blank */
			size_t k = 0;
			while (k < rest && (p[k] == ' ' || p[k] == '\t'))
				k++;
			blank_after = !(k == rest || p[k] == '\n' || p[k] == '\r');
		}
	}
	const char *s = hr__strf(c, "# syntax=%.*s%s%s", (int)vlen, value, c->eol, blank_after ? c->eol : "");
	*len = strlen(s);
	return s;
}

/* The start and end (after its line ending) of the physical line holding `off`. */
static void line_bounds(const hr_dockerfile *df, size_t off, size_t *start, size_t *end)
{
	size_t s = off;
	while (s > 0 && df->data[s - 1] != '\n')
		s--;
	const char *nl = memchr(df->data + off, '\n', df->len - off);
	*start = s;
	*end = nl ? (size_t)(nl - df->data) + 1 : df->len;
}

/* The value to write when a directive is moved: its own, with an old tag rewritten. */
static const char *moved_value(hr_check_ctx *c, const hr_directive *d, size_t *vlen)
{
	frontend_ref r;
	split_ref(d->value.ptr, d->value.len, &r);
	size_t tlen = 0;
	const char *tag = configured_tag(c->policy, &tlen);
	if (is_docker_dockerfile(&r) && r.has_tag && !r.has_digest &&
	    tag_too_old(c->policy, r.ref + r.tag_start, r.tag_end - r.tag_start) && tag) {
		const char *v = hr__strf(c, "%.*s%.*s%.*s", (int)r.tag_start, r.ref, (int)tlen, tag,
			(int)(d->value.len - r.tag_end), r.ref + r.tag_end);
		*vlen = strlen(v);
		return v;
	}
	*vlen = d->value.len;
	return d->value.ptr;
}

static const char *why_misplaced(const hr_directive *d)
{
	if (d->notes & HR_DIRECTIVE_IN_CONTINUATION)
		return "it is a comment inside a continued instruction, which BuildKit drops";
	if (d->notes & HR_DIRECTIVE_DUPLICATE)
		return "a second `# syntax=` directive is a build error";
	if (d->notes & HR_DIRECTIVE_AFTER_BLOCK)
		return "it comes after a comment, a blank line or an instruction, so BuildKit reads it as a plain comment";
	if (d->notes & HR_DIRECTIVE_INDENTED)
		return "it is indented, so BuildKit's syntax detection does not see it";
	if (d->notes & HR_DIRECTIVE_AFTER_CHECK)
		return "it is below `# check=`, where Docker 24 to 26 stop reading directives";
	if (d->notes & HR_DIRECTIVE_AFTER_BOM)
		return "it is behind a UTF-8 byte order mark, which hides it from Docker before 23";
	return "it is not where BuildKit reads directives";
}

static bool misplaced(const hr_directive *d)
{
	return !d->honoured ||
	       (d->notes & (HR_DIRECTIVE_AFTER_BOM | HR_DIRECTIVE_AFTER_CHECK | HR_DIRECTIVE_INDENTED |
			    HR_DIRECTIVE_DUPLICATE | HR_DIRECTIVE_IN_CONTINUATION));
}

/*
 * What the line-1 candidate's fix leaves on line 1: `value` when it is
 * fixed (moved, or stripped of a BOM or indentation in place), so that
 * the other misplaced lines saying the same can go in the same pass.
 */
typedef struct top_fix {
	bool fixed;
	const char *value;
	size_t vlen;
} top_fix;

/*
 * Returns true when the fix moves the line (and so rewrites an old tag).
 * `first_candidate`: this line takes line 1; its outcome goes into *top.
 * Otherwise *top says what the candidate's fix leaves on line 1.
 */
static bool check_misplaced(hr_check_ctx *c, const hr_directive *d, bool first_candidate, top_fix *top)
{
	const hr_dockerfile *df = c->df;
	const hr_directive *honoured = df->syntax;
	bool after_shebang;
	size_t at = insertion_point(df, &after_shebang);
	size_t ls, le;
	line_bounds(df, d->span.start, &ls, &le);
	size_t hash = d->span.start + (d->column - 1);

	hr_finding *f = hr__finding(c, HR_RULE_SYNTAX_DIRECTIVE_MISPLACED, d->span,
		"`# syntax=%.*s` on line %u is misplaced: %s; the build uses %s",
		(int)d->value.len, d->value.ptr, d->line, why_misplaced(d),
		honoured && honoured != d ? "the directive above it" : "the builder's bundled frontend");
	if (!f)
		return false;

	if (honoured && honoured != d) {
		/*
		 * a stray second directive: drop it when it says the same thing
		 * as the honoured one, as written or as it will be after this
		 * pass (retagged by its own move or strip)
		 */
		bool same_now = honoured->value.len == d->value.len &&
				memcmp(honoured->value.ptr, d->value.ptr, d->value.len) == 0;
		bool same_after = top->fixed && top->vlen == d->value.len &&
				  memcmp(top->value, d->value.ptr, d->value.len) == 0;
		if (same_now || same_after) {
			f->fix = HR_FIX_SAFE;
			f->fix_summary = "remove the duplicate `# syntax=` line";
			hr__edit(c, f, ls, le, "", 0);
		} else {
			f->hint = "two different `# syntax=` values: keep the one you mean on line 1 and delete the other";
		}
		return false;
	}
	if (!first_candidate) {
		/*
		 * The same value as the line put on line 1: once that fix is
		 * applied this one is a duplicate of it, so it goes in the same
		 * pass (fix(fix(x)) == fix(x)); a different value is a decision.
		 */
		if (top->fixed && top->vlen == d->value.len && memcmp(top->value, d->value.ptr, d->value.len) == 0) {
			f->fix = HR_FIX_SAFE;
			f->fix_summary = "remove the duplicate `# syntax=` line";
			hr__edit(c, f, ls, le, "", 0);
		} else {
			f->hint = "another `# syntax=` line is moved to the top; delete this one";
		}
		return false;
	}
	/* putting it in place would switch the build to a frontend nobody vetted */
	frontend_ref r;
	split_ref(d->value.ptr, d->value.len, &r);
	if (!d->honoured && !is_docker_dockerfile(&r) && !is_allowlisted(c->policy, &r)) {
		f->hint = hr__strf(c, "putting it on line 1 would build the file with the frontend `%.*s`, "
			"which is not docker/dockerfile: move it yourself if that is what you mean",
			(int)r.ref_len, r.ref);
		return false;
	}
	/* already in the first line's place (behind a BOM or indented): strip in place */
	bool first_slot = after_shebang ? ls == at : ls == 0;
	if (first_slot) {
		size_t content = (df->bom && ls == 0) ? 3 : ls;
		/*
		 * an old tag is rewritten in the same pass, as a moved line's is:
		 * once in place, the directive is honoured and its version judged,
		 * and a second fix would change it again
		 */
		size_t vlen;
		const char *value = moved_value(c, d, &vlen);
		bool retag = vlen != d->value.len || memcmp(value, d->value.ptr, vlen) != 0;
		*top = (top_fix){ true, value, vlen };
		f->fix = HR_FIX_SAFE;
		if (df->bom && ls == 0) {
			f->fix_summary = hash > content ? "drop the byte order mark and the indentation"
						        : "drop the byte order mark";
			hr__edit(c, f, 0, hash, "", 0);
		} else {
			f->fix_summary = df->bom ? "drop the byte order mark and the indentation"
						 : "remove the indentation";
			if (df->bom)
				hr__edit(c, f, 0, 3, "", 0);
			hr__edit(c, f, content, hash, "", 0);
		}
		if (retag) {
			f->fix_summary = hr__strf(c, "%s, and rewrite the tag", f->fix_summary);
			hr__edit(c, f, d->value_span.start, d->value_span.end, value, vlen);
		}
		return retag;
	}
	/* move it: delete its line, insert it at the top */
	size_t vlen;
	const char *value = moved_value(c, d, &vlen);
	size_t tlen;
	const char *text = insert_text(c, at, value, vlen, ls, le, &tlen);
	*top = (top_fix){ true, value, vlen };
	f->fix = HR_FIX_SAFE;
	f->fix_summary = df->bom ? "move it to line 1 and drop the byte order mark" : "move it to line 1";
	if (df->bom && at == 3) {
		hr__edit(c, f, 0, 3, text, tlen);
	} else {
		if (df->bom)
			hr__edit(c, f, 0, 3, "", 0);
		hr__edit(c, f, at, at, text, tlen);
	}
	hr__edit(c, f, ls, le, "", 0);
	return true;
}

static void check_missing(hr_check_ctx *c)
{
	const hr_dockerfile *df = c->df;
	bool after_shebang;
	size_t at = insertion_point(df, &after_shebang);
	size_t tlen;
	const char *text = insert_text(c, at, c->policy->syntax, strlen(c->policy->syntax), SIZE_MAX, SIZE_MAX, &tlen);
	hr_span first = hr_dockerfile_line_span(df, 1);
	first.end = first.start;
	hr_finding *f = hr__finding(c, HR_RULE_SYNTAX_DIRECTIVE_MISSING, first,
		"no `# syntax=` directive: the build uses whatever Dockerfile frontend the builder "
		"bundles, which may not support COPY --link");
	if (!f)
		return;
	f->fix = HR_FIX_SAFE;
	f->fix_summary = hr__strf(c, "insert `# syntax=%s` as line %d", c->policy->syntax, after_shebang ? 2 : 1);
	if (df->bom && at == 3)
		hr__edit(c, f, 0, 3, text, tlen);
	else {
		if (df->bom)
			hr__edit(c, f, 0, 3, "", 0);
		hr__edit(c, f, at, at, text, tlen);
	}
}

static void check_version(hr_check_ctx *c, const hr_directive *d, bool being_moved)
{
	frontend_ref r;
	split_ref(d->value.ptr, d->value.len, &r);
	hr_span ref_span = { d->value_span.start, d->value_span.start + r.ref_len };

	if (!is_docker_dockerfile(&r)) {
		if (is_allowlisted(c->policy, &r))
			return;
		hr_finding *f = hr__finding(c, HR_RULE_SYNTAX_FRONTEND_UNKNOWN, ref_span,
			"`# syntax=%.*s` selects a frontend that is not docker/dockerfile: hook-run cannot "
			"tell whether it supports COPY --link",
			(int)r.ref_len, r.ref);
		if (f)
			f->hint = hr__strf(c, "use `# syntax=%s`, or allow-list it with `frontends = %.*s` "
				"in .hook-run.ini", c->policy->syntax, (int)r.repo_len, r.ref);
		return;
	}
	if (!r.has_tag || !tag_too_old(c->policy, r.ref + r.tag_start, r.tag_end - r.tag_start))
		return;
	hr_span tag_span = { d->value_span.start + r.tag_start, d->value_span.start + r.tag_end };
	hr_finding *f = hr__finding(c, HR_RULE_SYNTAX_VERSION_TOO_OLD, tag_span,
		"Dockerfile frontend `%.*s` is older than %u.%u, the first with COPY --link: the build "
		"fails on --link or ignores newer syntax",
		(int)(r.tag_end - r.tag_start), r.ref + r.tag_start, c->policy->min_major, c->policy->min_minor);
	if (!f)
		return;
	size_t tlen = 0;
	const char *tag = configured_tag(c->policy, &tlen);
	if (r.has_digest) {
		f->hint = "the reference is pinned by digest: pin a digest of a 1.4+ release instead";
		return;
	}
	if (being_moved) {
		f->hint = "the SyntaxDirectiveMisplaced fix moves the directive and rewrites the tag";
		return;
	}
	f->fix = HR_FIX_SAFE;
	const char *newv;
	if (tag) {
		f->fix_summary = hr__strf(c, "rewrite the tag to `%.*s`", (int)tlen, tag);
		hr__edit(c, f, tag_span.start, tag_span.end, tag, tlen);
		newv = hr__strf(c, "%.*s%.*s%.*s", (int)r.tag_start, r.ref, (int)tlen, tag,
			(int)(d->value.len - r.tag_end), r.ref + r.tag_end);
	} else {
		f->fix_summary = hr__strf(c, "rewrite the reference to `%s`", c->policy->syntax);
		hr__edit(c, f, ref_span.start, ref_span.end, c->policy->syntax, strlen(c->policy->syntax));
		newv = hr__strf(c, "%s%.*s", c->policy->syntax, (int)(d->value.len - r.ref_len), r.ref + r.ref_len);
	}
	/*
	 * A stray second `# syntax=` that says what this one will say once
	 * retagged goes in the same pass: after it, it is an identical
	 * duplicate, which the next fix would remove (fix(fix(x)) == fix(x)).
	 * Tied to this fix: when it is off or suppressed, both stay.
	 */
	size_t nlen = strlen(newv);
	for (size_t i = 0; i < c->df->ndirectives && f->nedits < HR_FINDING_MAX_EDITS; i++) {
		const hr_directive *o = &c->df->directives[i];
		size_t ls, le;
		if (o == d || o->kind != HR_DIRECTIVE_SYNTAX || o->value.len != nlen ||
		    memcmp(o->value.ptr, newv, nlen) != 0)
			continue;
		line_bounds(c->df, o->span.start, &ls, &le);
		hr__edit(c, f, ls, le, "", 0);
		f->fix_summary = hr__strf(c, "%s, and remove the `# syntax=` line %u that then says the same",
			f->fix_summary, o->line);
	}
}

void hr__check_syntax(hr_check_ctx *c)
{
	const hr_dockerfile *df = c->df;
	bool moved = false, honoured_moved = false;
	const hr_directive *first = NULL;
	top_fix top = { false, NULL, 0 };

	/* the one that takes line 1 (the honoured one, else the first), judged first */
	for (size_t i = 0; i < df->ndirectives && !first; i++) {
		const hr_directive *d = &df->directives[i];
		if (d->kind == HR_DIRECTIVE_SYNTAX && misplaced(d) && (!df->syntax || df->syntax == d))
			first = d;
	}
	if (first) {
		bool line_moved = check_misplaced(c, first, true, &top);
		moved = true;
		if (first == df->syntax)
			honoured_moved = line_moved;
	}
	for (size_t i = 0; i < df->ndirectives; i++) {
		const hr_directive *d = &df->directives[i];
		if (d->kind != HR_DIRECTIVE_SYNTAX || !misplaced(d) || d == first)
			continue;
		check_misplaced(c, d, false, &top);
	}
	if (df->syntax) {
		/* a moved directive gets its tag rewritten by the move itself */
		check_version(c, df->syntax, honoured_moved);
	} else if (!moved) {
		check_missing(c);
	}
}
