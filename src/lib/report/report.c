/*
 * report.c - pick a reporter by format and forward to it (see report.h).
 */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

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
	default: return NULL;
	}
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
