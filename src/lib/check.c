/* SPDX-License-Identifier: MIT */
/*
 * check.c - the check driver: parse, run every rule family, apply the
 * policy's severities and the file's inline suppressions, sort.
 *
 * Rule families only say what they found. This file decides what the user
 * sees: a severity of `off` drops a finding, and `# check=skip=` comments
 * mark findings suppressed as BuildKit would read them, under the policy's
 * inline-suppressions setting (suppress.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_internal.h"
#include "text.h"

struct hr_result_private {
	hr_arena arena;
	hr_vec findings;
};

static hr_finding *finding_new(hr_check_ctx *c, hr_rule_id rule)
{
	hr_finding *f = hr_vec_push(c->findings);
	if (!f) {
		c->error = HR_ENOMEM;
		return NULL;
	}
	f->rule = rule;
	f->severity = hr_rule_get(rule)->default_severity;
	return f;
}

/*
 * Most strings the rules build are joins of strings ("%s; %s": a base
 * image fact and its family, ~28 for every Dockerfile whatever it holds),
 * and vsnprintf costs ~900 instructions a call, twice here (measured, then
 * written): 5% of a whole-history walk. A format of plain text, %s and %%
 * only is joined here in one pass over its arguments; anything else, or a
 * NULL argument (printed "(null)" by glibc), goes to vsnprintf. Returns
 * NULL when it did not build the string; `ap` is then untouched.
 */
#define JOIN_MAX_ARGS 8

static const char *join_strings(hr_check_ctx *c, const char *fmt, va_list ap)
{
	const char *arg[JOIN_MAX_ARGS];
	size_t arglen[JOIN_MAX_ARGS], nargs = 0, len = 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			len++;
			continue;
		}
		if (p[1] == '%') {
			len++;
			p++;
		} else if (p[1] == 's' && nargs < JOIN_MAX_ARGS) {
			nargs++;
			p++;
		} else {
			return NULL;
		}
	}
	bool have_null = false;
	va_list aq;
	va_copy(aq, ap);
	for (size_t i = 0; i < nargs; i++) {
		arg[i] = va_arg(aq, const char *);
		arglen[i] = arg[i] ? strlen(arg[i]) : 0;
		have_null |= !arg[i];
		len += arglen[i];
	}
	va_end(aq);
	if (have_null)
		return NULL;
	char *s = hr_arena_alloc(c->arena, len + 1), *d = s;
	if (!s) {
		c->error = HR_ENOMEM;
		return "";
	}
	size_t k = 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			*d++ = *p;
		} else if (*++p == '%') {
			*d++ = '%';
		} else {
			memcpy(d, arg[k], arglen[k]);
			d += arglen[k++];
		}
	}
	*d = '\0';
	return s;
}

static const char *vstrf(hr_check_ctx *c, const char *fmt, va_list ap)
{
	const char *joined = join_strings(c, fmt, ap);
	if (joined)
		return joined;
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *s = n >= 0 ? hr_arena_alloc(c->arena, (size_t)n + 1) : NULL;
	if (!s) {
		c->error = HR_ENOMEM;
		va_end(ap2);
		return "";
	}
	vsnprintf(s, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return s;
}

const char *hr__strf(hr_check_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *s = vstrf(c, fmt, ap);
	va_end(ap);
	return s;
}

hr_finding *hr__finding(hr_check_ctx *c, hr_rule_id rule, hr_span span, const char *fmt, ...)
{
	hr_finding *f = finding_new(c, rule);
	va_list ap;
	if (!f)
		return NULL;
	va_start(ap, fmt);
	f->message = vstrf(c, fmt, ap);
	va_end(ap);
	f->span = span;
	hr_dockerfile_position(c->df, span.start, &f->line, &f->column);
	if (span.end > span.start)
		hr_dockerfile_position(c->df, span.end - 1, &f->end_line, &f->end_column);
	else
		f->end_line = f->line, f->end_column = f->column - 1;
	f->end_column++;
	return f;
}

hr_finding *hr__finding_file(hr_check_ctx *c, hr_rule_id rule, const char *fmt, ...)
{
	hr_finding *f = finding_new(c, rule);
	va_list ap;
	if (!f)
		return NULL;
	va_start(ap, fmt);
	f->message = vstrf(c, fmt, ap);
	va_end(ap);
	return f;
}

void hr__edit(hr_check_ctx *c, hr_finding *f, size_t start, size_t end, const char *text, size_t len)
{
	if (f->nedits >= HR_FINDING_MAX_EDITS) {
		f->fix = HR_FIX_NONE; /* a fix we cannot express is no fix */
		return;
	}
	char *copy = hr_arena_strndup(c->arena, text, len);
	if (!copy) {
		c->error = HR_ENOMEM;
		return;
	}
	hr_edit *e = &f->edits[f->nedits++];
	e->start = start;
	e->end = end;
	e->text = copy;
	e->len = len;
}

/* ---- driver ----------------------------------------------------------- */

static int compare_findings(const void *a, const void *b)
{
	const hr_finding *x = a, *y = b;
	if (x->suppressed != y->suppressed)
		return x->suppressed ? 1 : -1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return 0;
}

static int result_new(hr_result **out)
{
	hr_result *r = calloc(1, sizeof(*r));
	struct hr_result_private *priv = calloc(1, sizeof(*priv));
	if (!r || !priv) {
		free(r);
		free(priv);
		return HR_ENOMEM;
	}
	hr_arena_init(&priv->arena);
	hr_vec_init(&priv->findings, sizeof(hr_finding));
	r->priv = priv;
	*out = r;
	return 0;
}

static void finish(hr_result *r, const hr_policy *policy)
{
	hr_vec *v = &r->priv->findings;
	hr_finding *fs = v->items;
	size_t kept = 0;

	/* severities from the policy; `off` drops the finding */
	for (size_t i = 0; i < v->len; i++) {
		fs[i].severity = policy->severity[fs[i].rule];
		if (fs[i].severity == HR_SEVERITY_OFF)
			continue;
		if (fs[i].nedits == 0)
			fs[i].fix = HR_FIX_NONE;
		fs[kept++] = fs[i];
	}
	v->len = kept;
	if (kept)
		qsort(fs, kept, sizeof(hr_finding), compare_findings);
	r->findings = fs;
	r->nfindings = kept;
	r->nsuppressed = 0;
	for (size_t i = 0; i < kept; i++)
		if (fs[i].suppressed)
			r->nsuppressed++;
}

int hr_check(hr_result **out, const char *data, size_t len, const hr_policy *policy)
{
	return hr_check_ext(out, data, len, policy, NULL);
}

int hr_check_ext(hr_result **out, const char *data, size_t len, const hr_policy *policy,
	const hr_build_context *context)
{
	hr_result *r;
	int rc;

	*out = NULL;
	if ((rc = result_new(&r)) < 0)
		return rc;
	if ((rc = hr_dockerfile_parse(&r->df, data, len)) < 0) {
		hr_result_free(r);
		return rc;
	}
	hr_check_ctx c = {
		.df = r->df, .policy = policy, .arena = &r->priv->arena,
		.findings = &r->priv->findings, .eol = r->df->crlf ? "\r\n" : "\n",
		.bctx = context, .bctx_root = -1,
	};
	hr__check_input(&c);
	/* a file BuildKit cannot parse, or binary, is not judged further */
	bool judged = true;
	const hr_finding *fs = c.findings->items;
	for (size_t i = 0; i < c.findings->len; i++)
		if (fs[i].rule == HR_RULE_DOCKERFILE_PARSE_ERROR || fs[i].rule == HR_RULE_UNCHECKABLE_FILE)
			judged = false;
	if (judged) {
		hr__check_syntax(&c);
		hr__check_link(&c);
		hr__apply_suppressions(&c);
	}
	if (c.error) {
		hr_result_free(r);
		return c.error;
	}
	finish(r, policy);
	*out = r;
	return 0;
}

int hr_check_skipped(hr_result **out, const char *reason, const hr_policy *policy)
{
	hr_result *r;
	int rc;

	*out = NULL;
	if ((rc = result_new(&r)) < 0)
		return rc;
	hr_finding *f = hr_vec_push(&r->priv->findings);
	char *msg = hr_arena_strndup(&r->priv->arena, reason, strlen(reason));
	if (!f || !msg) {
		hr_result_free(r);
		return HR_ENOMEM;
	}
	f->rule = HR_RULE_UNCHECKABLE_FILE;
	f->message = msg;
	finish(r, policy);
	*out = r;
	return 0;
}

void hr_result_free(hr_result *r)
{
	if (!r)
		return;
	hr_dockerfile_free(r->df);
	if (r->priv) {
		hr_vec_free(&r->priv->findings);
		hr_arena_free(&r->priv->arena);
		free(r->priv);
	}
	free(r);
}

size_t hr_result_count(const hr_result *r, hr_severity min)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nfindings; i++)
		if (!r->findings[i].suppressed && r->findings[i].severity >= min)
			n++;
	return n;
}

bool hr_finding_fix_allowed(const hr_finding *f, const hr_policy *policy)
{
	if (f->suppressed || f->nedits == 0)
		return false;
	if (f->fix == HR_FIX_SAFE)
		return true;
	return f->fix == HR_FIX_RISKY && policy->fix_mode == HR_FIX_MODE_ALL;
}

size_t hr_result_fixable(const hr_result *r, const hr_policy *policy)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nfindings; i++)
		if (hr_finding_fix_allowed(&r->findings[i], policy))
			n++;
	return n;
}

/* ---- what a change adds ------------------------------------------------ */

/* the identity of a finding across versions of a file: rule + instruction text */
static int cmp_key(const hr_finding *a, const hr_finding *b)
{
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	const hr_str *x = a->instruction ? &a->instruction->original : NULL;
	const hr_str *y = b->instruction ? &b->instruction->original : NULL;
	if (!x || !y)
		return x ? 1 : y ? -1 : 0;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->ptr, y->ptr, n);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len ? 1 : 0;
}

static int cmp_key_ptr(const void *a, const void *b)
{
	return cmp_key(*(const hr_finding *const *)a, *(const hr_finding *const *)b);
}

size_t hr_result_mark_preexisting(hr_result *r, const hr_result *before)
{
	if (!r || !before || !before->nfindings || !r->nfindings)
		return 0;
	/* the old keys, sorted; each used at most once */
	const hr_finding **old = malloc(before->nfindings * sizeof(*old));
	bool *used = calloc(before->nfindings, sizeof(*used));
	size_t marked = 0;
	if (!old || !used)
		goto out;
	for (size_t i = 0; i < before->nfindings; i++)
		old[i] = &before->findings[i];
	qsort(old, before->nfindings, sizeof(*old), cmp_key_ptr);
	hr_finding *fs = (hr_finding *)r->findings;
	for (size_t i = 0; i < r->nfindings; i++) {
		/* the first unused old finding with the same key */
		size_t lo = 0, hi = before->nfindings;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (cmp_key(old[mid], &fs[i]) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < before->nfindings && cmp_key(old[lo], &fs[i]) == 0; lo++) {
			if (used[lo])
				continue;
			used[lo] = true;
			fs[i].preexisting = true;
			marked++;
			break;
		}
	}
out:
	free(old);
	free(used);
	return marked;
}
