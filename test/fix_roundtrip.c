/* SPDX-License-Identifier: MIT */
/*
 * fix_roundtrip.c - the fixer's promises, checked on real Dockerfiles.
 *
 * usage: fix-roundtrip safe|all FILE...      (prints TAP, one test per file)
 *
 * For each file that BuildKit can parse, in the given fix mode:
 *  1. hr_fix() succeeds (its own verification passes);
 *  2. the output re-parses to the same instructions: same keywords (or ADD
 *     become COPY), same arguments, JSON form and heredoc bodies, and the
 *     same flags with --link added in front where the fix touched it;
 *  3. no other byte changed: from the first instruction on, every line is
 *     the original line, except the lines of a touched COPY/ADD, which are
 *     the original with " --link" inserted after the keyword (or ADD
 *     replaced by "COPY --link") and, where the destination is a known
 *     directory, one '/' ending the destination (before a closing quote);
 *     above it, only the `# syntax=` header changed (and a BOM went away);
 *  4. the output honours a `# syntax=` directive;
 *  5. fixing the output again changes nothing (idempotence), and nothing the
 *     mode could fix is left.
 * This is an independent re-implementation of what fix.c verifies, so a
 * bug there cannot hide itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hook-run/check.h"
#include "hook-run/fileio.h"

static char why[1024];
#define FAIL(...) do { snprintf(why, sizeof(why), __VA_ARGS__); goto out; } while (0)

static bool same(const hr_str *a, const hr_str *b)
{
	return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

/* the physical line `n` (1-based) of a model, with its ending */
static hr_str line_of(const hr_dockerfile *df, uint32_t n)
{
	hr_span s = hr_dockerfile_line_span(df, n);
	size_t end = s.end;
	while (end < df->len && (df->data[end] == '\r' || df->data[end] == '\n')) {
		end++;
		if (df->data[end - 1] == '\n')
			break;
	}
	hr_str out = { df->data + s.start, end - s.start };
	return out;
}

static bool has_link_first(const hr_instruction *in)
{
	return in->nflags > 0 && in->flags[0].text.len == 6 && !memcmp(in->flags[0].text.ptr, "--link", 6);
}

static bool check_file(const char *path, const char *data, size_t len, const hr_policy *policy, int *skipped)
{
	hr_result *r = NULL, *r2 = NULL;
	hr_dockerfile *nd = NULL;
	char *out = NULL, *out2 = NULL;
	size_t olen, n, olen2, n2;
	bool ok = false;
	bool *touched = NULL, *slashed = NULL;

	if (hr_check(&r, data, len, policy) < 0)
		FAIL("hr_check failed");
	bool unparsable = hr_dockerfile_has_errors(r->df);
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].rule == HR_RULE_DOCKERFILE_PARSE_ERROR ||
		    r->findings[i].rule == HR_RULE_UNCHECKABLE_FILE)
			unparsable = true;
	if (unparsable) {
		*skipped = 1;
		ok = true;
		goto out;
	}
	if (hr_fix(&out, &olen, &n, r, policy) != 0)
		FAIL("hr_fix refused (its verification failed)");
	if (hr_dockerfile_parse(&nd, out, olen) < 0)
		FAIL("re-parse failed");
	const hr_dockerfile *od = r->df;
	if (hr_dockerfile_has_errors(nd))
		FAIL("the fixed file does not parse");
	/* a syntax finding that is suppressed or has no fix may leave none */
	bool syntax_expected = true;
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].rule <= HR_RULE_SYNTAX_FRONTEND_UNKNOWN &&
		    !hr_finding_fix_allowed(&r->findings[i], policy))
			syntax_expected = false;
	if (!nd->syntax && syntax_expected)
		FAIL("the fixed file honours no # syntax= directive");
	if (nd->ninstructions != od->ninstructions)
		FAIL("%zu instructions became %zu", od->ninstructions, nd->ninstructions);
	touched = calloc(od->ninstructions + 1, sizeof(bool));
	slashed = calloc(od->ninstructions + 1, sizeof(bool));
	for (size_t i = 0; i < od->ninstructions; i++) {
		const hr_instruction *a = &od->instructions[i], *b = &nd->instructions[i];
		bool add_to_copy = a->kind == HR_KW_ADD && b->kind == HR_KW_COPY;
		if (a->kind != b->kind && !add_to_copy)
			FAIL("instruction %zu: keyword changed", i + 1);
		size_t shift = 0;
		if (has_link_first(b) && !(a->nflags > 0 && same(&a->flags[0].text, &b->flags[0].text) &&
					   a->nflags == b->nflags)) {
			shift = 1;
			touched[i] = true;
		}
		if (add_to_copy && !touched[i])
			FAIL("instruction %zu: ADD became COPY without --link", i + 1);
		if (b->nflags != a->nflags + shift)
			FAIL("instruction %zu: flags changed", i + 1);
		for (size_t k = 0; k < a->nflags; k++)
			if (!same(&a->flags[k].text, &b->flags[k + shift].text))
				FAIL("instruction %zu: flag %zu changed", i + 1, k);
		if (a->nargs != b->nargs || a->json_form != b->json_form)
			FAIL("instruction %zu: arguments changed", i + 1);
		for (size_t k = 0; k < a->nargs; k++) {
			if (same(&a->args[k].text, &b->args[k].text))
				continue;
			/* the destination of a linked copy may gain one '/' */
			const hr_str *x = &a->args[k].text, *y = &b->args[k].text;
			char q = x->len ? x->ptr[x->len - 1] : 0;
			bool quoted = (q == '"' || q == '\'') && y->len == x->len + 1 &&
				      !memcmp(x->ptr, y->ptr, x->len - 1) && y->ptr[x->len - 1] == '/' && y->ptr[x->len] == q;
			if ((touched[i] || has_link_first(b)) && k + 1 == a->nargs && y->len == x->len + 1 &&
			    ((!memcmp(x->ptr, y->ptr, x->len) && y->ptr[x->len] == '/') || quoted)) {
				slashed[i] = true;
				continue;
			}
			FAIL("instruction %zu: argument %zu changed", i + 1, k);
		}
		if (a->nheredocs != b->nheredocs)
			FAIL("instruction %zu: heredocs changed", i + 1);
		for (size_t k = 0; k < a->nheredocs; k++) {
			size_t la = a->heredocs[k].body.end - a->heredocs[k].body.start;
			size_t lb = b->heredocs[k].body.end - b->heredocs[k].body.start;
			if (la != lb || memcmp(od->data + a->heredocs[k].body.start, nd->data + b->heredocs[k].body.start, la))
				FAIL("instruction %zu: heredoc body changed", i + 1);
		}
		if (a->kind == HR_KW_ONBUILD && touched[i])
			FAIL("instruction %zu: ONBUILD was rewritten", i + 1);
	}
	/* byte check from the first instruction on */
	if (od->ninstructions) {
		uint32_t ol = od->instructions[0].start_line, nl = nd->instructions[0].start_line;
		size_t next = 0;
		for (; ol <= od->nlines; ol++, nl++) {
			hr_str a = line_of(od, ol), b = line_of(nd, nl);
			if (ol == 1 && od->bom) { /* the BOM is dropped with the new header */
				a.ptr += 3;
				a.len -= 3;
			}
			/* a stray `# syntax=` comment may have been removed */
			/* the edit is on the line that holds the keyword (usually the first) */
			uint32_t kw_line = 0, kw_col;
			while (next < od->ninstructions) {
				hr_dockerfile_position(od, od->instructions[next].keyword_span.start, &kw_line, &kw_col);
				if (kw_line >= ol)
					break;
				next++;
			}
			bool first_line = next < od->ninstructions && kw_line == ol;
			if (first_line && (touched[next] || slashed[next])) {
				/* the instruction's lines, old and new, as one block */
				const hr_instruction *oi = &od->instructions[next], *ni = &nd->instructions[next];
				uint32_t span = oi->end_line - ol;
				hr_str oa = line_of(od, ol), ob = line_of(nd, nl);
				hr_str oz = line_of(od, ol + span), nz = line_of(nd, nl + span);
				size_t alen = (size_t)(oz.ptr + oz.len - oa.ptr), blen = (size_t)(nz.ptr + nz.len - ob.ptr);
				if (ol == 1 && od->bom) {
					oa.ptr += 3;
					alen -= 3;
				}
				size_t base = (size_t)(oa.ptr - od->data);
				size_t kw_end = oi->keyword_span.end - base;
				size_t kw_start = oi->keyword_span.start - base;
				/* expected: keyword replaced by the new one + " --link", maybe a '/' at the destination */
				char *exp = malloc(alen + ni->keyword.len + 16);
				size_t el = 0;
				memcpy(exp, oa.ptr, kw_start);
				el = kw_start;
				size_t rest_from = kw_start;
				if (touched[next]) {
					memcpy(exp + el, ni->keyword.ptr, ni->keyword.len);
					el += ni->keyword.len;
					memcpy(exp + el, " --link", 7);
					el += 7;
					rest_from = kw_end;
				}
				if (slashed[next]) {
					const hr_arg *d = &oi->args[oi->nargs - 1];
					size_t at = d->span.end - base;
					const char *raw = od->data + d->span.start;
					size_t rl = d->span.end - d->span.start;
					if (rl && (raw[rl - 1] == '"' || raw[rl - 1] == '\''))
						at--;
					memcpy(exp + el, oa.ptr + rest_from, at - rest_from);
					el += at - rest_from;
					exp[el++] = '/';
					rest_from = at;
				}
				memcpy(exp + el, oa.ptr + rest_from, alen - rest_from);
				el += alen - rest_from;
				bool eq = el == blen && memcmp(exp, ob.ptr, blen) == 0;
				free(exp);
				if (!eq)
					FAIL("line %u: more than --link (and a '/') changed: '%.*s' -> '%.*s'", ol,
						(int)alen, oa.ptr, (int)blen, ob.ptr);
				ol += span;
				nl += span;
				continue;
			}
			if (a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0)
				continue;
			bool directive_line = false;
			for (size_t k = 0; k < od->ndirectives; k++)
				if (od->directives[k].line == ol && od->directives[k].kind == HR_DIRECTIVE_SYNTAX)
					directive_line = true;
			if (directive_line) {
				nl--; /* a syntax directive moved to the top (or a duplicate removed) */
				continue;
			}
			FAIL("line %u changed: '%.*s' -> '%.*s'", ol, (int)a.len, a.ptr, (int)b.len, b.ptr);
		}
		if (nl - 1 != nd->nlines)
			FAIL("the fixed file has extra lines at the end");
	}
	/* idempotence */
	if (hr_check(&r2, out, olen, policy) < 0 || hr_fix(&out2, &olen2, &n2, r2, policy) != 0)
		FAIL("second pass failed");
	if (n2 != 0 || olen2 != olen || memcmp(out, out2, olen) != 0)
		FAIL("not idempotent: the second pass fixed %zu more", n2);
	if (hr_result_fixable(r2, policy) != 0)
		FAIL("fixable findings left after fixing");
	ok = true;
out:
	free(touched);
	free(slashed);
	free(out);
	free(out2);
	hr_dockerfile_free(nd);
	hr_result_free(r);
	hr_result_free(r2);
	(void)path;
	return ok;
}

int main(int argc, char **argv)
{
	hr_policy policy;
	int failed = 0, total = 0, skipped_files = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: fix-roundtrip safe|all FILE...\n");
		return 2;
	}
	hr_policy_init(&policy);
	policy.fix_mode = !strcmp(argv[1], "all") ? HR_FIX_MODE_ALL : HR_FIX_MODE_SAFE;
	for (int i = 2; i < argc; i++) {
		char err[512], *data;
		size_t len;
		int skipped = 0;
		total++;
		if (hr_file_read(&data, &len, argv[i], 0, err, sizeof(err)) < 0) {
			printf("not ok %d - %s: %s\n", total, argv[i], err);
			failed++;
			continue;
		}
		why[0] = '\0';
		if (check_file(argv[i], data, len, &policy, &skipped)) {
			printf("ok %d - %s%s\n", total, argv[i], skipped ? " # SKIP BuildKit cannot parse it" : "");
			skipped_files += skipped;
		} else {
			printf("not ok %d - %s: %s\n", total, argv[i], why);
			failed++;
		}
		free(data);
	}
	printf("1..%d\n# fix-mode=%s: %d/%d files keep every promise (%d not parsable, skipped)\n",
		total, argv[1], total - failed, total, skipped_files);
	hr_policy_free(&policy);
	return failed ? 1 : 0;
}
