/* SPDX-License-Identifier: MIT */
/*
 * text.c - the human format: one line per finding, as compilers print them
 * (`path:line:col: severity: message [RuleId]`), an indented hint or fix
 * line under it, and a summary at the end. Colour only when the caller says
 * so (a terminal, no NO_COLOR). Streamed: nothing is kept between items.
 * Every string from outside (paths quoted as git quotes them, messages,
 * hints, notes) goes through hr_report_put(): no control character of a
 * name or a Dockerfile reaches the terminal or the `remote:` lines raw.
 */
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

#define RED "\033[31m"
#define YELLOW "\033[33m"
#define CYAN "\033[36m"
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"

static const char *sev_colour(hr_severity s)
{
	return s == HR_SEVERITY_ERROR ? RED : s == HR_SEVERITY_WARNING ? YELLOW : CYAN;
}

static void prefix(const hr_reporter *r)
{
	if (r->opts.line_prefix)
		fputs(r->opts.line_prefix, r->opts.out);
}

static void print_location(const hr_reporter *r, const hr_report_item *item, const hr_finding *f)
{
	FILE *out = r->opts.out;
	bool c = r->opts.color;
	if (c)
		fputs(BOLD, out);
	if (item->commit)
		fprintf(out, "%.10s:", item->commit);
	hr_report_put(out, item->path, true);
	if (f->line)
		fprintf(out, ":%u:%u", f->line, f->column ? f->column : 1);
	fputs(":", out);
	if (c)
		fputs(RESET, out);
}

static int text_add(hr_reporter *r, const hr_report_item *item)
{
	FILE *out = r->opts.out;
	const hr_result *res = item->result;
	bool c = r->opts.color;

	if (item->ref && (!r->last_ref || strcmp(r->last_ref, item->ref) != 0)) {
		/* a group header per ref (pre-receive, ranges) */
		bool any = false;
		for (size_t i = 0; res && i < res->nfindings; i++)
			if (!res->findings[i].suppressed)
				any = true;
		if (any) {
			prefix(r);
			fputs(c ? BOLD : "", out);
			hr_report_put(out, item->ref, true);
			fprintf(out, "%s:\n", c ? RESET : "");
			r->last_ref = item->ref;
		}
	}
	if (item->fixed && !r->opts.quiet) {
		prefix(r);
		hr_report_put(out, item->path, true);
		fprintf(out, ": fixed %zu finding%s\n", item->fixed, item->fixed == 1 ? "" : "s");
	}
	if (item->fixed && item->diff)
		fputs(item->diff, out); /* asked for with --diff: shown even with -q */
	size_t in_file = 0;
	for (size_t i = 0; res && i < res->nfindings; i++) {
		const hr_finding *f = &res->findings[i];
		if (f->suppressed)
			continue;
		/* counted per rule whether or not it is printed */
		r->rule_count[f->rule]++;
		if (r->opts.policy ? hr_finding_fix_allowed(f, r->opts.policy) : f->fix == HR_FIX_SAFE)
			r->rule_fixable[f->rule]++;
		if ((r->opts.max_shown && r->shown >= r->opts.max_shown) ||
		    (r->opts.max_per_file && in_file >= r->opts.max_per_file)) {
			r->not_shown++;
			continue;
		}
		r->shown++;
		in_file++;
		prefix(r);
		print_location(r, item, f);
		fprintf(out, " %s%s%s: ", c ? sev_colour(f->severity) : "", hr_severity_name(f->severity),
			c ? RESET : "");
		hr_report_put(out, f->message, false);
		fprintf(out, " [%s]\n", hr_rule_get(f->rule)->name);
		if (r->opts.quiet)
			continue;
		const hr_policy *p = r->opts.policy;
		if (f->nedits && f->fix_summary) {
			bool allowed = p ? hr_finding_fix_allowed(f, p) : f->fix == HR_FIX_SAFE;
			prefix(r);
			fprintf(out, "    %sfix (%s%s): ", c ? DIM : "", hr_fix_safety_name(f->fix),
				allowed ? "" : ", applied only with fix-mode = all");
			hr_report_put(out, f->fix_summary, false);
			if (allowed && r->opts.fix_command && item->from_stdin) {
				fprintf(out, "; pipe the file through `%s -`", r->opts.fix_command);
			} else if (allowed && r->opts.fix_command) {
				fprintf(out, "; run `%s ", r->opts.fix_command);
				hr_report_put(out, item->path, true);
				fputs("`", out);
			}
			fprintf(out, "%s\n", c ? RESET : "");
		}
		if (f->hint) {
			prefix(r);
			fprintf(out, "    %shint: ", c ? DIM : "");
			hr_report_put(out, f->hint, false);
			fprintf(out, "%s\n", c ? RESET : "");
		}
		if (r->opts.show_doc_urls && r->opts.docs_url) {
			char url[1024];
			prefix(r);
			fprintf(out, "    %sdocs: %s%s\n", c ? DIM : "",
				hr_rule_doc_url(url, sizeof(url), r->opts.docs_url, f->rule), c ? RESET : "");
		}
	}
	return ferror(out) ? HR_EIO : 0;
}

static int text_finish(hr_reporter *r, const hr_report_summary *s)
{
	FILE *out = r->opts.out;
	if (s->note) {
		prefix(r);
		fputs("hook-run: ", out);
		hr_report_put(out, s->note, false);
		fputs("\n", out);
	}
	if (r->opts.quiet || (s->files_checked == 0 && r->opts.silent_no_match)) {
		fflush(out);
		return ferror(out) ? HR_EIO : 0;
	}
	if (s->files_checked == 0 && s->unreadable) {
		/* the errors said why: "no Dockerfile matched" would be wrong */
		prefix(r);
		fprintf(out, "hook-run: 0 %ss checked, %zu could not be read\n", s->what ? s->what : "file",
			s->unreadable);
	} else if (s->files_checked == 0) {
		prefix(r);
		fprintf(out, "hook-run: no Dockerfile matched");
		const hr_policy *p = r->opts.policy;
		if (p && p->npaths) {
			fputs(" (paths:", out);
			for (size_t i = 0; i < p->npaths; i++) {
				fprintf(out, "%s ", i ? "," : "");
				hr_report_put(out, p->paths[i], false);
			}
			/* a file may have matched and been left out: say where to look */
			if (p->nexclude || p->nexclude_suffixes || p->nvendored ||
			    p->gitattributes != HR_GITATTR_IGNORE)
				fputs("; exclude, exclude-suffixes, vendored and .gitattributes may leave "
				      "files out", out);
			fputs(")", out);
		}
		fputs("\n", out);
	} else {
		/* per rule: how many, how many the fix mode fixes - when the report is longer than
		   a glance (more than 5 findings) or the caps hid some */
		size_t rules = 0, total = 0;
		for (int i = 0; i < HR_RULE_COUNT; i++)
			if (r->rule_count[i]) {
				rules++;
				total += r->rule_count[i];
			}
		if (r->not_shown) {
			prefix(r);
			fprintf(out, "hook-run: %zu more finding%s not shown here%s%s%s\n", r->not_shown,
				r->not_shown == 1 ? "" : "s", r->opts.all_command ? "; `" : "",
				r->opts.all_command ? r->opts.all_command : "", r->opts.all_command ? "` shows them all" : "");
		}
		if (total > 5 || r->not_shown) {
			prefix(r);
			fputs("hook-run: by rule:", out);
			bool first = true;
			for (int i = 0; i < HR_RULE_COUNT; i++) {
				if (!r->rule_count[i])
					continue;
				fprintf(out, "%s %s %zu", first ? "" : ",", hr_rule_get((hr_rule_id)i)->name, r->rule_count[i]);
				if (r->rule_fixable[i])
					fprintf(out, " (%zu fixable)", r->rule_fixable[i]);
				first = false;
			}
			fputs("\n", out);
		}
		prefix(r);
		hr_report_print_counts(out, s);
		fprintf(out, " in %.2fs\n", s->elapsed);
		if (s->preexisting) {
			prefix(r);
			fprintf(out, "hook-run: %zu finding%s %s already there before this change: with block = new "
				"%s not block it (`hook-run check FILE` or `hook-run audit` shows %s)\n",
				s->preexisting, s->preexisting == 1 ? "" : "s", s->preexisting == 1 ? "was" : "were",
				s->preexisting == 1 ? "it does" : "they do", s->preexisting == 1 ? "it" : "them");
		}
	}
	fflush(out);
	return ferror(out) ? HR_EIO : 0;
}

const hr_report_ops hr_report_text_ops = { text_add, text_finish, NULL };
