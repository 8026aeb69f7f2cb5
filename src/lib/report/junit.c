/* SPDX-License-Identifier: MIT */
/*
 * junit.c - JUnit XML, as CI systems (Jenkins, GitLab, Azure, ...) read
 * test reports: each checked file is one <testcase>.
 *
 *   <testsuites name="hook-run" tests=.. failures=.. errors="0" time=..>
 *     <testsuite name="hook-run" tests=.. failures=.. errors="0" skipped="0" time=..>
 *       <testcase classname="hook-run" name="PATH"/>                 clean
 *       <testcase classname="hook-run" name="PATH">                  failing
 *         <failure type="Rule,Rule" message="first finding">every finding,
 *           as the text format prints it</failure>
 *       </testcase>
 *       <system-out>the summary line</system-out>
 *
 * A file fails when it has an unsuppressed finding at or above the
 * policy's fail-on severity (the same findings that make the exit code 1);
 * findings below it (info, or warnings under fail-on = error) are listed
 * in the test case's <system-out> and the test passes; suppressed findings
 * are not shown. The name carries the ref and commit when there are any
 * (pre-receive, ranges): "PATH (REF, COMMIT)".
 *
 * Bytes from the Dockerfile may be anything: text is escaped for XML, and
 * invalid UTF-8 and characters XML 1.0 cannot hold (control characters,
 * U+FFFE, U+FFFF) become U+FFFD. Test cases are rendered when a file is
 * added, into one buffer, and wrapped by finish; times are known only for
 * the whole run, so test cases have none.
 */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "arena.h"
#include "text.h"

/* append a string literal */
#define put_lit(b, lit) hr_buf_append((b), (lit), sizeof(lit) - 1)

typedef struct junit_state {
	hr_buf cases;      /* the <testcase> elements so far */
	size_t tests;
	size_t failures;
} junit_state;

/* s[0..len) escaped for XML text (attr: for a double-quoted attribute) */
static void xml_put(hr_buf *b, const char *s, size_t len, bool attr)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp = c;
		size_t w = 1;
		if (c >= 0x80)
			w = hr_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		switch (cp) {
		case '&': put_lit(b, "&amp;"); break;
		case '<': put_lit(b, "&lt;"); break;
		case '>': put_lit(b, "&gt;"); break;
		case '"':
			if (attr)
				put_lit(b, "&quot;");
			else
				hr_buf_putc(b, '"');
			break;
		case '\r': put_lit(b, "&#13;"); break;
		case '\n':
			if (attr)
				put_lit(b, "&#10;");
			else
				hr_buf_putc(b, '\n');
			break;
		case '\t':
			if (attr)
				put_lit(b, "&#9;");
			else
				hr_buf_putc(b, '\t');
			break;
		default:
			if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF || cp == 0x7F)
				hr_buf_put_rune(b, 0xFFFD);
			else if (w == 1 && c < 0x80)
				hr_buf_putc(b, (char)c);
			else
				hr_buf_put_rune(b, cp); /* U+FFFD for invalid bytes */
		}
		i += w;
	}
}

static void xml_puts(hr_buf *b, const char *s, bool attr)
{
	xml_put(b, s, strlen(s), attr);
}

/* one finding in the text format's words, escaped */
static void finding_text(hr_buf *b, const hr_reporter *r, const hr_report_item *item,
	const hr_finding *f)
{
	hr_buf line = HR_BUF_INIT;
	if (item->commit)
		hr_buf_printf(&line, "%.10s:", item->commit);
	hr_buf_append(&line, item->path, strlen(item->path));
	if (f->line)
		hr_buf_printf(&line, ":%u:%u", f->line, f->column ? f->column : 1);
	hr_buf_printf(&line, ": %s: %s [%s]\n", hr_severity_name(f->severity), f->message,
		hr_rule_get(f->rule)->name);
	if (f->nedits && f->fix_summary) {
		const hr_policy *p = r->opts.policy;
		bool allowed = p ? hr_finding_fix_allowed(f, p) : f->fix == HR_FIX_SAFE;
		hr_buf_printf(&line, "    fix (%s%s): %s\n", hr_fix_safety_name(f->fix),
			allowed ? "" : ", applied only with fix-mode = all", f->fix_summary);
	}
	if (f->hint)
		hr_buf_printf(&line, "    hint: %s\n", f->hint);
	if (line.ptr)
		xml_put(b, line.ptr, line.len, false);
	hr_buf_free(&line);
}

static bool rule_listed(const hr_result *res, size_t upto, hr_rule_id rule, hr_severity min)
{
	for (size_t i = 0; i < upto; i++)
		if (!res->findings[i].suppressed && res->findings[i].severity >= min &&
		    res->findings[i].rule == rule)
			return true;
	return false;
}

static int junit_add(hr_reporter *r, const hr_report_item *item)
{
	junit_state *st = r->state;
	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st)
			return HR_ENOMEM;
		r->state = st;
	}
	hr_buf *b = &st->cases;
	const hr_result *res = item->result;
	hr_severity fail_on = r->opts.policy ? r->opts.policy->fail_on : HR_SEVERITY_ERROR;
	size_t nres = res ? res->nfindings : 0;
	size_t failing = 0, shown = 0;
	const hr_finding *first = NULL;

	for (size_t i = 0; i < nres; i++) {
		const hr_finding *f = &res->findings[i];
		if (f->suppressed)
			continue;
		shown++;
		if (f->severity >= fail_on && failing++ == 0)
			first = f;
	}
	st->tests++;
	put_lit(b, "    <testcase classname=\"hook-run\" name=\"");
	xml_puts(b, item->path, true);
	if (item->ref || item->commit) {
		put_lit(b, " (");
		if (item->ref)
			xml_puts(b, item->ref, true);
		if (item->commit)
			hr_buf_printf(b, "%s%.10s", item->ref ? ", " : "", item->commit);
		hr_buf_putc(b, ')');
	}
	hr_buf_putc(b, '"');
	if (!shown && !item->fixed) {
		put_lit(b, "/>\n");
		return b->oom ? HR_ENOMEM : 0;
	}
	put_lit(b, ">\n");
	if (failing) {
		st->failures++;
		put_lit(b, "      <failure type=\"");
		bool sep = false;
		for (size_t i = 0; i < nres; i++) {
			const hr_finding *f = &res->findings[i];
			if (f->suppressed || f->severity < fail_on || rule_listed(res, i, f->rule, fail_on))
				continue;
			if (sep)
				hr_buf_putc(b, ',');
			hr_buf_append(b, hr_rule_get(f->rule)->name, strlen(hr_rule_get(f->rule)->name));
			sep = true;
		}
		put_lit(b, "\" message=\"");
		if (first->line)
			hr_buf_printf(b, "line %u: ", first->line);
		xml_puts(b, first->message, true);
		hr_buf_printf(b, " [%s]", hr_rule_get(first->rule)->name);
		if (failing > 1)
			hr_buf_printf(b, " (and %zu more)", failing - 1);
		put_lit(b, "\">");
		for (size_t i = 0; i < nres; i++)
			if (!res->findings[i].suppressed)
				finding_text(b, r, item, &res->findings[i]);
		put_lit(b, "</failure>\n");
	}
	if (item->fixed || (!failing && shown)) {
		put_lit(b, "      <system-out>");
		if (item->fixed)
			hr_buf_printf(b, "fixed %zu finding%s\n", item->fixed, item->fixed == 1 ? "" : "s");
		if (!failing)
			for (size_t i = 0; i < nres; i++)
				if (!res->findings[i].suppressed)
					finding_text(b, r, item, &res->findings[i]);
		put_lit(b, "</system-out>\n");
	}
	put_lit(b, "    </testcase>\n");
	return b->oom ? HR_ENOMEM : 0;
}

static int junit_finish(hr_reporter *r, const hr_report_summary *s)
{
	junit_state *st = r->state;
	FILE *out = r->opts.out;
	hr_buf sum = HR_BUF_INIT;
	size_t tests = st ? st->tests : 0, failures = st ? st->failures : 0;

	if (st && st->cases.oom)
		return HR_ENOMEM;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<testsuites name=\"hook-run\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		"time=\"%.3f\">\n", tests, failures, s->elapsed);
	fprintf(out, "  <testsuite name=\"hook-run\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		"skipped=\"0\" time=\"%.3f\">\n", tests, failures, s->elapsed);
	if (st && st->cases.len)
		fwrite(st->cases.ptr, 1, st->cases.len, out);
	/* the summary, as the text format says it */
	hr_buf_printf(&sum, "hook-run: %zu %s%s checked, %zu finding%s", s->files_checked,
		s->what ? s->what : "file", s->files_checked == 1 ? "" : "s", s->findings,
		s->findings == 1 ? "" : "s");
	if (s->failing != s->findings)
		hr_buf_printf(&sum, " (%zu failing)", s->failing);
	if (s->fixed)
		hr_buf_printf(&sum, ", %zu fixed", s->fixed);
	if (s->suppressed)
		hr_buf_printf(&sum, ", %zu suppressed", s->suppressed);
	if (s->baselined)
		hr_buf_printf(&sum, ", %zu hidden by the baseline", s->baselined);
	hr_buf_putc(&sum, '\n');
	if (s->note)
		hr_buf_printf(&sum, "hook-run: %s\n", s->note);
	hr_buf esc = HR_BUF_INIT;
	xml_put(&esc, sum.ptr ? sum.ptr : "", sum.len, false);
	fprintf(out, "    <system-out>%s</system-out>\n", esc.ptr ? esc.ptr : "");
	fprintf(out, "  </testsuite>\n</testsuites>\n");
	bool oom = sum.oom || esc.oom;
	hr_buf_free(&sum);
	hr_buf_free(&esc);
	fflush(out);
	return oom ? HR_ENOMEM : ferror(out) ? HR_EIO : 0;
}

static void junit_free(hr_reporter *r)
{
	junit_state *st = r->state;
	if (st) {
		hr_buf_free(&st->cases);
		free(st);
	}
}

const hr_report_ops hr_report_junit_ops = { junit_add, junit_finish, junit_free };
