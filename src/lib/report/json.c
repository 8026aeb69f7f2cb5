/* SPDX-License-Identifier: MIT */
/*
 * json.c - the machine format, schema version 1 (documented in the README):
 *
 *   { "version": 1, "tool": {...},
 *     "files": [ { "path", "ref", "commit", "fixed",
 *                  "findings": [ { "rule", "severity", "line", "column",
 *                                  "end_line", "end_column", "message",
 *                                  "hint", "instruction", "suppressed",
 *                                  "suppression_reason",
 *                                  "fix": { "safety", "summary", "applies",
 *                                           "edits": [...] } } ] } ],
 *     "summary": { ... } }
 *
 * `instruction` is the instruction's logical line: together with the path
 * and the rule it identifies a finding across edits that move line numbers
 * (what --baseline keys on).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "jsonutil.h"

typedef struct json_state {
	json_t *files;
} json_state;

static json_t *finding_json(const hr_reporter *r, const hr_finding *f)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	hr_json_set(o, "rule", json_string(hr_rule_get(f->rule)->name));
	hr_json_set(o, "severity", json_string(hr_severity_name(f->severity)));
	hr_json_set(o, "line", json_integer(f->line));
	hr_json_set(o, "column", json_integer(f->column));
	hr_json_set(o, "end_line", json_integer(f->end_line));
	hr_json_set(o, "end_column", json_integer(f->end_column));
	hr_json_set(o, "message", hr_json_string(f->message, strlen(f->message)));
	hr_json_set(o, "hint", f->hint ? hr_json_string(f->hint, strlen(f->hint)) : json_null());
	if (r->opts.docs_url) {
		char url[1024];
		hr_json_set(o, "doc_url", json_string(hr_rule_doc_url(url, sizeof(url), r->opts.docs_url, f->rule)));
	}
	hr_json_set(o, "instruction", f->instruction
		? hr_json_string(f->instruction->original.ptr, f->instruction->original.len) : json_null());
	hr_json_set(o, "suppressed", json_boolean(f->suppressed));
	hr_json_set(o, "suppression_reason", f->suppression_reason
		? hr_json_string(f->suppression_reason, strlen(f->suppression_reason)) : json_null());
	if (f->nedits) {
		json_t *fix = json_object(), *edits = json_array();
		if (!fix || !edits) {
			json_decref(fix);
			json_decref(edits);
			json_decref(o);
			return NULL;
		}
		hr_json_set(fix, "safety", json_string(hr_fix_safety_name(f->fix)));
		hr_json_set(fix, "summary", f->fix_summary ? hr_json_string(f->fix_summary, strlen(f->fix_summary)) : json_null());
		hr_json_set(fix, "applies", json_boolean(r->opts.policy ? hr_finding_fix_allowed(f, r->opts.policy) : f->fix == HR_FIX_SAFE));
		for (size_t i = 0; i < f->nedits; i++) {
			json_t *e = json_object();
			if (!e)
				continue;
			hr_json_set(e, "offset", json_integer((json_int_t)f->edits[i].start));
			hr_json_set(e, "length", json_integer((json_int_t)(f->edits[i].end - f->edits[i].start)));
			hr_json_set(e, "text", hr_json_string(f->edits[i].text, f->edits[i].len));
			json_array_append_new(edits, e);
		}
		hr_json_set(fix, "edits", edits);
		hr_json_set(o, "fix", fix);
	} else {
		hr_json_set(o, "fix", json_null());
	}
	return o;
}

static int json_add(hr_reporter *r, const hr_report_item *item)
{
	json_state *st = r->state;
	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st || !(st->files = json_array())) {
			free(st);
			return HR_ENOMEM;
		}
		r->state = st;
	}
	json_t *file = json_object(), *findings = json_array();
	if (!file || !findings) {
		json_decref(file);
		json_decref(findings);
		return HR_ENOMEM;
	}
	hr_json_set(file, "path", hr_json_string(item->path, strlen(item->path)));
	hr_json_set(file, "ref", item->ref ? hr_json_string(item->ref, strlen(item->ref)) : json_null());
	hr_json_set(file, "commit", item->commit ? json_string(item->commit) : json_null());
	hr_json_set(file, "fixed", json_integer((json_int_t)item->fixed));
	const hr_result *res = item->result;
	for (size_t i = 0; res && i < res->nfindings; i++) {
		json_t *fj = finding_json(r, &res->findings[i]);
		if (!fj || json_array_append_new(findings, fj) != 0) {
			json_decref(findings);
			json_decref(file);
			return HR_ENOMEM;
		}
	}
	hr_json_set(file, "findings", findings);
	return json_array_append_new(st->files, file) == 0 ? 0 : HR_ENOMEM;
}

static int json_finish(hr_reporter *r, const hr_report_summary *s)
{
	json_state *st = r->state;
	json_t *o = json_object(), *tool = json_object(), *sum = json_object();
	if (!o || !tool || !sum) {
		json_decref(o);
		json_decref(tool);
		json_decref(sum);
		return HR_ENOMEM;
	}
	hr_json_set(o, "version", json_integer(1));
	hr_json_set(tool, "name", json_string("hook-run"));
	hr_json_set(tool, "version", json_string(PACKAGE_VERSION));
	hr_json_set(o, "tool", tool);
	hr_json_set(o, "files", st ? json_incref(st->files) : json_array());
	hr_json_set(sum, "files_checked", json_integer((json_int_t)s->files_checked));
	hr_json_set(sum, "findings", json_integer((json_int_t)s->findings));
	hr_json_set(sum, "failing", json_integer((json_int_t)s->failing));
	hr_json_set(sum, "fixed", json_integer((json_int_t)s->fixed));
	hr_json_set(sum, "suppressed", json_integer((json_int_t)s->suppressed));
	hr_json_set(sum, "baselined", json_integer((json_int_t)s->baselined));
	hr_json_set(sum, "preexisting", json_integer((json_int_t)s->preexisting));
	hr_json_set(sum, "unreadable", json_integer((json_int_t)s->unreadable));
	hr_json_set(sum, "elapsed", json_real(s->elapsed));
	hr_json_set(sum, "note", s->note ? json_string(s->note) : json_null());
	hr_json_set(o, "summary", sum);
	int rc = json_dumpf(o, r->opts.out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', r->opts.out);
	fflush(r->opts.out);
	json_decref(o);
	return rc == 0 && !ferror(r->opts.out) ? 0 : HR_EIO;
}

static void json_free(hr_reporter *r)
{
	json_state *st = r->state;
	if (st) {
		json_decref(st->files);
		free(st);
	}
}

const hr_report_ops hr_report_json_ops = { json_add, json_finish, json_free };
