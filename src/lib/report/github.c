/* SPDX-License-Identifier: MIT */
/*
 * github.c - GitHub Actions workflow commands: each finding becomes an
 * annotation on the pull request and the run's summary page.
 *
 *   ::error file=PATH,line=L,endLine=L,col=C,endColumn=E,title=RULE::MESSAGE
 *
 * One line per unsuppressed finding: `error` for errors, `warning` for
 * warnings, `notice` for information. Columns count characters (code
 * points; a BOM is none) and endColumn is the last column of the finding,
 * inclusive; GitHub takes columns only on a single line, so a finding
 * spanning lines gets line and endLine only, and a file-level finding
 * (line 0) only the file. The hint follows the message on a second line.
 * Escaping as the Actions runner undoes it: in the message % \r \n become
 * %25 %0D %0A; in property values also : and , become %3A and %2C.
 * A file `fix` changed gets a notice; at the end, a plain summary line (no
 * elapsed time: it is a log line, not a measurement), and a run note (a
 * bypass, a timeout) as a warning. Streamed: nothing is kept between items.
 */
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

/*
 * write s escaped as workflow command data (property: a property value);
 * other control characters are written as \ooo (hr_buf_put_escaped's
 * way), so that no escape sequence reaches the log
 */
static void put_escaped(FILE *out, const char *s, bool property)
{
	for (; *s; s++) {
		unsigned char u = (unsigned char)*s;
		if ((u < 0x20 && u != '\r' && u != '\n') || u == 0x7f ||
		    (u == 0xc2 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9f)) {
			/* a C0 control, DEL, or a C1 control (U+0080-U+009F, two bytes) */
			fprintf(out, "\\%03o", u);
			if (u == 0xc2)
				fprintf(out, "\\%03o", (unsigned char)*++s);
			continue;
		}
		switch (*s) {
		case '%': fputs("%25", out); break;
		case '\r': fputs("%0D", out); break;
		case '\n': fputs("%0A", out); break;
		case ':':
			if (property)
				fputs("%3A", out);
			else
				fputc(':', out);
			break;
		case ',':
			if (property)
				fputs("%2C", out);
			else
				fputc(',', out);
			break;
		default: fputc(*s, out);
		}
	}
}

static const char *command_of(hr_severity s)
{
	return s == HR_SEVERITY_ERROR ? "error" : s == HR_SEVERITY_WARNING ? "warning" : "notice";
}

static void annotation(const hr_reporter *r, const hr_report_item *item,
	const hr_report_lines *lines, const hr_finding *f)
{
	FILE *out = r->opts.out;
	fprintf(out, "::%s file=", command_of(f->severity));
	put_escaped(out, hr_report_relpath(item->path), true);
	if (f->line) {
		uint32_t end_line = f->end_line >= f->line ? f->end_line : f->line;
		fprintf(out, ",line=%u,endLine=%u", f->line, end_line);
		if (f->column && end_line == f->line) {
			uint32_t col = hr_report_lines_codepoints(lines, f->line, f->column);
			fprintf(out, ",col=%u", col);
			if (f->end_column) {
				uint32_t end = hr_report_lines_codepoints(lines, f->line, f->end_column);
				/* exclusive end -> the last column; an empty span marks one column */
				fprintf(out, ",endColumn=%u", end > col ? end - 1 : col);
			}
		}
	}
	fputs(",title=", out);
	put_escaped(out, hr_rule_get(f->rule)->name, true);
	fputs("::", out);
	if (item->commit) {
		fprintf(out, "in commit %.10s", item->commit);
		if (item->ref) {
			fputs(" (", out);
			put_escaped(out, item->ref, false);
			fputc(')', out);
		}
		fputs(": ", out);
	}
	put_escaped(out, f->message, false);
	if (f->hint) {
		fputs("%0Ahint: ", out);
		put_escaped(out, f->hint, false);
	}
	fputc('\n', out);
}

static int github_add(hr_reporter *r, const hr_report_item *item)
{
	FILE *out = r->opts.out;
	const hr_result *res = item->result;
	hr_report_lines lines;

	if (item->fixed) {
		fputs("::notice file=", out);
		put_escaped(out, hr_report_relpath(item->path), true);
		fprintf(out, ",title=hook-run fix::fixed %zu finding%s\n", item->fixed,
			item->fixed == 1 ? "" : "s");
	}
	if (!res || res->nfindings == res->nsuppressed)
		return ferror(out) ? HR_EIO : 0;
	if (hr_report_lines_init(&lines, res) < 0)
		return HR_ENOMEM;
	for (size_t i = 0; i < res->nfindings; i++)
		if (!res->findings[i].suppressed)
			annotation(r, item, &lines, &res->findings[i]);
	hr_report_lines_free(&lines);
	return ferror(out) ? HR_EIO : 0;
}

static int github_finish(hr_reporter *r, const hr_report_summary *s)
{
	FILE *out = r->opts.out;
	if (s->note) {
		fputs("::warning title=hook-run::", out);
		put_escaped(out, s->note, false);
		fputc('\n', out);
	}
	if (!r->opts.quiet) {
		if (s->files_checked == 0 && !s->unreadable) {
			if (!r->opts.silent_no_match)
				fputs("hook-run: no Dockerfile matched\n", out);
		} else {
			hr_report_print_counts(out, s);
			fputc('\n', out);
		}
	}
	fflush(out);
	return ferror(out) ? HR_EIO : 0;
}

const hr_report_ops hr_report_github_ops = { github_add, github_finish, NULL };
