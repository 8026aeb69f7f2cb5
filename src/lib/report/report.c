/* SPDX-License-Identifier: MIT */
/*
 * report.c - pick a reporter by format and forward to it (see report.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "text.h"

static const struct {
	const char *name;
	hr_format format;
} formats[] = {
	{ "text", HR_FORMAT_TEXT }, { "json", HR_FORMAT_JSON }, { "sarif", HR_FORMAT_SARIF },
	{ "junit", HR_FORMAT_JUNIT }, { "gitlab", HR_FORMAT_GITLAB }, { "github", HR_FORMAT_GITHUB },
};

bool hr_format_parse(const char *s, hr_format *out)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(s, formats[i].name)) {
			*out = formats[i].format;
			return true;
		}
	return false;
}

const char *hr_format_name(hr_format f)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].format == f)
			return formats[i].name;
	return "text";
}

static const hr_report_ops *ops_for(hr_format f)
{
	switch (f) {
	case HR_FORMAT_TEXT: return &hr_report_text_ops;
	case HR_FORMAT_JSON: return &hr_report_json_ops;
	case HR_FORMAT_SARIF: return &hr_report_sarif_ops;
	case HR_FORMAT_JUNIT: return &hr_report_junit_ops;
	case HR_FORMAT_GITLAB: return &hr_report_gitlab_ops;
	case HR_FORMAT_GITHUB: return &hr_report_github_ops;
	}
	return NULL;
}

int hr_reporter_new(hr_reporter **out, const hr_report_opts *opts)
{
	const hr_report_ops *ops = ops_for(opts->format);
	*out = NULL;
	if (!ops)
		return HR_ENOTFOUND;
	hr_reporter *r = calloc(1, sizeof(*r));
	if (!r)
		return HR_ENOMEM;
	r->ops = ops;
	r->opts = *opts;
	if (!r->opts.out)
		r->opts.out = stdout;
	*out = r;
	return 0;
}

int hr_reporter_add(hr_reporter *r, const hr_report_item *item)
{
	return r->ops->add(r, item);
}

int hr_reporter_finish(hr_reporter *r, const hr_report_summary *summary)
{
	if (r->opts.fixed_elapsed) {
		hr_report_summary s = *summary;
		s.elapsed = r->opts.elapsed;
		return r->ops->finish(r, &s);
	}
	return r->ops->finish(r, summary);
}

void hr_reporter_free(hr_reporter *r)
{
	if (!r)
		return;
	if (r->ops->free)
		r->ops->free(r);
	free(r);
}

const char *hr_report_instruction_text(const hr_finding *f, char *buf, size_t buflen)
{
	if (!f->instruction || buflen == 0)
		return NULL;
	const hr_str *o = &f->instruction->original;
	size_t n = o->len < buflen - 1 ? o->len : buflen - 1;
	memcpy(buf, o->ptr, n);
	buf[n] = '\0';
	return buf;
}

const char *hr_report_relpath(const char *path)
{
	while (path[0] == '.' && path[1] == '/') {
		path += 2;
		while (*path == '/')
			path++;
	}
	return path;
}

int hr_report_lines_init(hr_report_lines *l, const hr_result *res)
{
	memset(l, 0, sizeof(*l));
	if (!res || !res->df)
		return 0;
	const hr_dockerfile *df = res->df;
	size_t n = 1;
	for (size_t i = 0; i < df->len; i++)
		if (df->data[i] == '\n')
			n++;
	l->starts = malloc(n * sizeof(size_t));
	if (!l->starts)
		return HR_ENOMEM;
	l->data = df->data;
	l->len = df->len;
	l->bom = df->len >= 3 && !memcmp(df->data, "\xef\xbb\xbf", 3) ? 3 : 0;
	l->starts[l->n++] = 0;
	for (size_t i = 0; i < df->len; i++)
		if (df->data[i] == '\n')
			l->starts[l->n++] = i + 1;
	return 0;
}

void hr_report_lines_free(hr_report_lines *l)
{
	free(l->starts);
	memset(l, 0, sizeof(*l));
}

size_t hr_report_lines_offset(const hr_report_lines *l, uint32_t line, uint32_t column)
{
	if (line == 0 || column == 0 || line > l->n)
		return SIZE_MAX;
	size_t start = l->starts[line - 1];
	size_t end = line < l->n ? l->starts[line] : l->len;
	if (column - 1 > end - start)
		return SIZE_MAX;
	return start + column - 1;
}

uint32_t hr_report_lines_codepoints(const hr_report_lines *l, uint32_t line, uint32_t column)
{
	size_t off = hr_report_lines_offset(l, line, column);
	if (off == SIZE_MAX)
		return column; /* no text to count in: keep the byte column */
	size_t p = l->starts[line - 1];
	if (line == 1 && p < l->bom)
		p = l->bom;   /* SARIF: columns do not depend on a BOM */
	uint32_t cp = 1;
	while (p < off) {
		uint32_t rune;
		p += hr_utf8_decode((const unsigned char *)l->data + p, l->len - p, &rune);
		cp++;
	}
	return cp;
}

void hr_report_print_counts(FILE *out, const hr_report_summary *s)
{
	const char *what = s->what ? s->what : "file";
	fprintf(out, "hook-run: %zu %s%s checked, ", s->files_checked, what, s->files_checked == 1 ? "" : "s");
	if (s->unreadable)
		fprintf(out, "%zu could not be read, ", s->unreadable);
	fprintf(out, "%zu finding%s", s->findings, s->findings == 1 ? "" : "s");
	if (s->failing != s->findings)
		fprintf(out, " (%zu failing)", s->failing);
	if (s->fixed)
		fprintf(out, ", %zu fixed", s->fixed);
	if (s->suppressed)
		fprintf(out, ", %zu suppressed", s->suppressed);
	if (s->baselined)
		fprintf(out, ", %zu hidden by the baseline", s->baselined);
	if (s->preexisting)
		fprintf(out, ", %zu older not blocking", s->preexisting);
}

const char *hr_rule_doc_url(char *buf, size_t bufsz, const char *base, hr_rule_id rule)
{
	const hr_rule *r = hr_rule_get(rule);
	if (!bufsz)
		return buf;
	buf[0] = '\0';
	if (!base || !r)
		return buf;
	int n = snprintf(buf, bufsz, "%s#%s", base, r->name);
	if (n < 0 || (size_t)n >= bufsz) {
		buf[0] = '\0';
		return buf;
	}
	/* GitHub's anchor of the README's `#### RuleName` heading: lower case */
	for (char *q = buf + strlen(base) + 1; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q + 32);
	return buf;
}

void hr_report_vprint(FILE *out, const char *fmt, va_list ap)
{
	char small[1024], *text = small;
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small) && (text = malloc((size_t)n + 1)) != NULL)
		vsnprintf(text, (size_t)n + 1, fmt, again);
	va_end(again);
	if (!text)
		text = small; /* cut short, still escaped */
	if (n < 0) {
		fputs("<unprintable message>", out);
		return;
	}
	/* a final newline is the line's own; any other is escaped */
	size_t len = strlen(text);
	bool nl = len && text[len - 1] == '\n';
	if (nl)
		text[len - 1] = '\0';
	hr_report_put(out, text, false);
	if (nl)
		fputc('\n', out);
	if (text != small)
		free(text);
}

void hr_report_print(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hr_report_vprint(out, fmt, ap);
	va_end(ap);
}

void hr_report_put(FILE *out, const char *s, bool path)
{
	size_t n = strlen(s);
	if (!hr_needs_escape(s, n, path)) {
		fputs(s, out);
		return;
	}
	hr_buf b = HR_BUF_INIT;
	hr_buf_put_escaped(&b, s, n, path);
	if (b.oom) {
		/* nothing raw, even out of memory */
		fputs("<unprintable>", out);
	} else {
		fwrite(b.ptr, 1, b.len, out);
	}
	hr_buf_free(&b);
}
