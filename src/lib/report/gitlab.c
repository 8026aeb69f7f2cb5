/* SPDX-License-Identifier: MIT */
/*
 * gitlab.c - GitLab Code Quality: the Code Climate issue array that
 * GitLab's merge request widget reads (artifacts:reports:codequality).
 *
 *   [ { "type": "issue", "check_name": RULE, "description": MESSAGE,
 *       "categories": [...], "severity": "major",
 *       "fingerprint": HEX,
 *       "location": { "path": PATH, "lines": { "begin": N } } } ]
 *
 * One issue per unsuppressed finding. GitLab requires description,
 * check_name, fingerprint, severity, location.path and location.lines.begin
 * (>= 1: a file-level finding is put on line 1); "type" and "categories"
 * make it a valid Code Climate issue too. Severities: error -> major,
 * warning -> minor, info -> info. The fingerprint is the finding's identity
 * hash (baseline.h: path, rule, instruction text and occurrence, FNV-1a
 * 64), so GitLab sees the same issue when lines move and tells identical
 * issues in one file apart. The path is the one reported, "./" dropped:
 * run hook-run from the repository root so that it is relative to it.
 */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "jsonutil.h"
#include "hook-run/baseline.h"

typedef struct gitlab_state {
	json_t *issues;
} gitlab_state;

static const char *severity_of(hr_severity s)
{
	return s == HR_SEVERITY_ERROR ? "major" : s == HR_SEVERITY_WARNING ? "minor" : "info";
}

/* Code Climate's category: what the rule protects */
static const char *category_of(hr_rule_id id)
{
	switch (id) {
	case HR_RULE_SYNTAX_DIRECTIVE_MISSING:
	case HR_RULE_SYNTAX_DIRECTIVE_MISPLACED:
	case HR_RULE_SYNTAX_VERSION_TOO_OLD:
	case HR_RULE_SYNTAX_FRONTEND_UNKNOWN:
		return "Compatibility";
	case HR_RULE_COPY_LINK_MISSING:
	case HR_RULE_ADD_LINK_MISSING:
		return "Performance";
	case HR_RULE_INLINE_SUPPRESSION_REFUSED:
		return "Style";
	default:
		return "Bug Risk";
	}
}

static json_t *issue_of(const hr_report_item *item, const hr_finding *f, const hr_fingerprint *fp)
{
	json_t *o = json_object(), *cats = json_array(), *loc = json_object(), *lines = json_object();
	if (!o || !cats || !loc || !lines) {
		json_decref(o);
		json_decref(cats);
		json_decref(loc);
		json_decref(lines);
		return NULL;
	}
	const char *path = hr_report_relpath(item->path);
	hr_json_set(o, "type", json_string("issue"));
	hr_json_set(o, "check_name", json_string(hr_rule_get(f->rule)->name));
	hr_json_set(o, "description", hr_json_string(f->message, strlen(f->message)));
	json_array_append_new(cats, json_string(category_of(f->rule)));
	hr_json_set(o, "categories", cats);
	hr_json_set(o, "severity", json_string(severity_of(f->severity)));
	hr_json_set(o, "fingerprint", json_string(fp->hex));
	hr_json_set(loc, "path", hr_json_string(path, strlen(path)));
	uint32_t begin = f->line ? f->line : 1;
	hr_json_set(lines, "begin", json_integer(begin));
	if (f->end_line > begin)
		hr_json_set(lines, "end", json_integer(f->end_line));
	hr_json_set(loc, "lines", lines);
	hr_json_set(o, "location", loc);
	return o;
}

static int gitlab_add(hr_reporter *r, const hr_report_item *item)
{
	gitlab_state *st = r->state;
	const hr_result *res = item->result;
	int rc = 0;

	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st || !(st->issues = json_array())) {
			free(st);
			return HR_ENOMEM;
		}
		r->state = st;
	}
	if (!res || res->nfindings == 0)
		return 0;
	hr_fingerprint *fps = calloc(res->nfindings, sizeof(*fps));
	if (!fps || hr_finding_fingerprints(fps, item->path, res) < 0) {
		free(fps);
		return HR_ENOMEM;
	}
	for (size_t i = 0; i < res->nfindings; i++) {
		if (res->findings[i].suppressed)
			continue;
		json_t *issue = issue_of(item, &res->findings[i], &fps[i]);
		if (!issue || json_array_append_new(st->issues, issue) != 0) {
			rc = HR_ENOMEM;
			break;
		}
	}
	free(fps);
	return rc;
}

static int gitlab_finish(hr_reporter *r, const hr_report_summary *s)
{
	gitlab_state *st = r->state;
	json_t *issues = st ? json_incref(st->issues) : json_array();
	if (!issues)
		return HR_ENOMEM;
	int rc = json_dumpf(issues, r->opts.out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(issues);
	fputc('\n', r->opts.out);
	fflush(r->opts.out);
	return rc == 0 && !ferror(r->opts.out) ? 0 : HR_EIO;
}

static void gitlab_free(hr_reporter *r)
{
	gitlab_state *st = r->state;
	if (st) {
		json_decref(st->issues);
		free(st);
	}
}

const hr_report_ops hr_report_gitlab_ops = { gitlab_add, gitlab_finish, gitlab_free };
