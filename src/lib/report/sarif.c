/* SPDX-License-Identifier: MIT */
/*
 * sarif.c - SARIF 2.1.0, as GitHub code scanning and SARIF viewers read it.
 *
 * One run. tool.driver lists every rule (ruleIndex is the rule's id):
 * summary as shortDescription, description as fullDescription, the text of
 * `hook-run explain` as help, the default severity as defaultConfiguration.
 * Each finding is a result with a physical location: the path as a
 * relative URI against %SRCROOT% (an absolute path as a file: URI), and a
 * region with lines, columns in code points (the run says
 * "columnKind": "unicodeCodePoints"; the file's bytes are at hand to count
 * them; a BOM is no column) and the same span in bytes. A file-level
 * finding (line 0) has no region. Suppressed findings carry an "inSource"
 * suppression with the reason; a finding with a fix carries it as a SARIF
 * fix of byte replacements, exactly the edits `hook-run fix` would apply.
 * partialFingerprints hold the finding's identity hash (baseline.h), which
 * survives line moves.
 *
 * Results are built when a file is added (the result's bytes may be gone
 * by the end) and written by finish. The summary goes into run.properties.
 * What it leaves out: artifacts, invocations, code flows.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "jsonutil.h"
#include "hook-run/baseline.h"

typedef struct sarif_state {
	json_t *results;
} sarif_state;

static const char *level_of(hr_severity s)
{
	return s == HR_SEVERITY_ERROR ? "error" : s == HR_SEVERITY_WARNING ? "warning" : "note";
}

static json_t *text_obj(const char *s, size_t len)
{
	json_t *o = json_object();
	if (o)
		hr_json_set(o, "text", hr_json_string(s, len));
	return o;
}

/* RFC 3986: keep unreserved characters and '/', percent-encode the rest */
static json_t *artifact_location(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *rel = hr_report_relpath(path);
	bool absolute = rel[0] == '/';
	size_t n = strlen(rel);
	char *uri = malloc(3 * n + 8);
	json_t *o = json_object();
	if (!uri || !o) {
		free(uri);
		json_decref(o);
		return NULL;
	}
	size_t j = 0;
	if (absolute) {
		memcpy(uri, "file://", 7);
		j = 7;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)rel[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			uri[j++] = (char)c;
		} else {
			uri[j++] = '%';
			uri[j++] = hex[c >> 4];
			uri[j++] = hex[c & 15];
		}
	}
	hr_json_set(o, "uri", json_stringn(uri, j));
	if (!absolute)
		hr_json_set(o, "uriBaseId", json_string("%SRCROOT%"));
	free(uri);
	return o;
}

static json_t *region_of(const hr_report_lines *lines, const hr_finding *f)
{
	json_t *reg = json_object();
	if (!reg)
		return NULL;
	hr_json_set(reg, "startLine", json_integer(f->line));
	if (f->column)
		hr_json_set(reg, "startColumn",
			json_integer(hr_report_lines_codepoints(lines, f->line, f->column)));
	bool has_end = f->end_line >= f->line;
	if (has_end) {
		hr_json_set(reg, "endLine", json_integer(f->end_line));
		if (f->column && f->end_column)
			hr_json_set(reg, "endColumn",
				json_integer(hr_report_lines_codepoints(lines, f->end_line, f->end_column)));
	}
	size_t start = hr_report_lines_offset(lines, f->line, f->column);
	size_t end = has_end ? hr_report_lines_offset(lines, f->end_line, f->end_column) : SIZE_MAX;
	if (start != SIZE_MAX && end != SIZE_MAX && end >= start) {
		hr_json_set(reg, "byteOffset", json_integer((json_int_t)start));
		hr_json_set(reg, "byteLength", json_integer((json_int_t)(end - start)));
	}
	return reg;
}

static json_t *fix_of(const hr_reporter *r, const char *path, const hr_finding *f)
{
	json_t *fix = json_object(), *changes = json_array(), *change = json_object(),
	       *repl = json_array(), *props = json_object();
	if (!fix || !changes || !change || !repl || !props) {
		json_decref(fix);
		json_decref(changes);
		json_decref(change);
		json_decref(repl);
		json_decref(props);
		return NULL;
	}
	const char *summary = f->fix_summary ? f->fix_summary : "apply the fix";
	hr_json_set(fix, "description", text_obj(summary, strlen(summary)));
	hr_json_set(change, "artifactLocation", artifact_location(path));
	for (size_t i = 0; i < f->nedits; i++) {
		const hr_edit *e = &f->edits[i];
		json_t *one = json_object(), *deleted = json_object(), *inserted = json_object();
		if (!one || !deleted || !inserted) {
			json_decref(one);
			json_decref(deleted);
			json_decref(inserted);
			continue;
		}
		hr_json_set(deleted, "byteOffset", json_integer((json_int_t)e->start));
		hr_json_set(deleted, "byteLength", json_integer((json_int_t)(e->end - e->start)));
		hr_json_set(inserted, "text", hr_json_string(e->text, e->len));
		hr_json_set(one, "deletedRegion", deleted);
		hr_json_set(one, "insertedContent", inserted);
		json_array_append_new(repl, one);
	}
	hr_json_set(change, "replacements", repl);
	json_array_append_new(changes, change);
	hr_json_set(fix, "artifactChanges", changes);
	hr_json_set(props, "safety", json_string(hr_fix_safety_name(f->fix)));
	hr_json_set(props, "applies", json_boolean(r->opts.policy
		? hr_finding_fix_allowed(f, r->opts.policy) : f->fix == HR_FIX_SAFE));
	hr_json_set(fix, "properties", props);
	return fix;
}

static json_t *result_of(const hr_reporter *r, const hr_report_item *item,
	const hr_report_lines *lines, const hr_finding *f, const hr_fingerprint *fp)
{
	json_t *res = json_object(), *locs = json_array(), *loc = json_object(),
	       *phys = json_object(), *fps = json_object();
	if (!res || !locs || !loc || !phys || !fps) {
		json_decref(res);
		json_decref(locs);
		json_decref(loc);
		json_decref(phys);
		json_decref(fps);
		return NULL;
	}
	const hr_rule *rule = hr_rule_get(f->rule);
	hr_json_set(res, "ruleId", json_string(rule->name));
	hr_json_set(res, "ruleIndex", json_integer((json_int_t)f->rule));
	hr_json_set(res, "level", json_string(level_of(f->severity)));

	/* the message, and the decision that resolves it */
	size_t mlen = strlen(f->message), hlen = f->hint ? strlen(f->hint) : 0;
	char *text = malloc(mlen + hlen + 8);
	if (!text) {
		json_decref(res);
		json_decref(locs);
		json_decref(loc);
		json_decref(phys);
		json_decref(fps);
		return NULL;
	}
	memcpy(text, f->message, mlen);
	size_t tlen = mlen;
	if (f->hint) {
		memcpy(text + tlen, "\nhint: ", 7);
		memcpy(text + tlen + 7, f->hint, hlen);
		tlen += 7 + hlen;
	}
	hr_json_set(res, "message", text_obj(text, tlen));
	free(text);

	hr_json_set(phys, "artifactLocation", artifact_location(item->path));
	if (f->line)
		hr_json_set(phys, "region", region_of(lines, f));
	hr_json_set(loc, "physicalLocation", phys);
	json_array_append_new(locs, loc);
	hr_json_set(res, "locations", locs);

	hr_json_set(fps, "hookRun/v1", json_string(fp->hex));
	hr_json_set(res, "partialFingerprints", fps);

	if (f->suppressed) {
		json_t *sups = json_array(), *sup = json_object();
		if (sups && sup) {
			hr_json_set(sup, "kind", json_string("inSource"));
			if (f->suppression_reason)
				hr_json_set(sup, "justification",
					hr_json_string(f->suppression_reason, strlen(f->suppression_reason)));
			json_array_append_new(sups, sup);
			hr_json_set(res, "suppressions", sups);
		} else {
			json_decref(sups);
			json_decref(sup);
		}
	}
	if (f->nedits) {
		json_t *fixes = json_array();
		if (fixes) {
			json_array_append_new(fixes, fix_of(r, item->path, f));
			hr_json_set(res, "fixes", fixes);
		}
	}
	if (item->ref || item->commit) {
		json_t *props = json_object();
		if (props) {
			if (item->ref)
				hr_json_set(props, "ref", hr_json_string(item->ref, strlen(item->ref)));
			if (item->commit)
				hr_json_set(props, "commit", json_string(item->commit));
			hr_json_set(res, "properties", props);
		}
	}
	return res;
}

static int sarif_add(hr_reporter *r, const hr_report_item *item)
{
	sarif_state *st = r->state;
	const hr_result *res = item->result;
	hr_report_lines lines;
	hr_fingerprint *fps = NULL;
	int rc = 0;

	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st || !(st->results = json_array())) {
			free(st);
			return HR_ENOMEM;
		}
		r->state = st;
	}
	if (!res || res->nfindings == 0)
		return 0;
	if (hr_report_lines_init(&lines, res) < 0)
		return HR_ENOMEM;
	fps = calloc(res->nfindings, sizeof(*fps));
	if (!fps || hr_finding_fingerprints(fps, item->path, res) < 0) {
		rc = HR_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < res->nfindings; i++) {
		json_t *one = result_of(r, item, &lines, &res->findings[i], &fps[i]);
		if (!one || json_array_append_new(st->results, one) != 0) {
			rc = HR_ENOMEM;
			goto out;
		}
	}
out:
	free(fps);
	hr_report_lines_free(&lines);
	return rc;
}

static json_t *rule_descriptor(const hr_rule *rule, const char *docs_url)
{
	json_t *d = json_object(), *cfg = json_object(), *help = json_object(), *props = json_object(),
	       *tags = json_array();
	char *explain = NULL;
	if (!d || !cfg || !help || !props || !tags || hr_rule_explain(&explain, rule) < 0) {
		json_decref(d);
		json_decref(cfg);
		json_decref(help);
		json_decref(props);
		json_decref(tags);
		return NULL;
	}
	hr_json_set(d, "id", json_string(rule->name));
	hr_json_set(d, "shortDescription", text_obj(rule->summary, strlen(rule->summary)));
	hr_json_set(d, "fullDescription", text_obj(rule->description, strlen(rule->description)));
	hr_json_set(help, "text", hr_json_string(explain, strlen(explain)));
	hr_json_set(d, "help", help);
	if (docs_url) {
		char url[1024];
		hr_json_set(d, "helpUri", json_string(hr_rule_doc_url(url, sizeof(url), docs_url, rule->id)));
	}
	hr_json_set(cfg, "level", json_string(level_of(rule->default_severity)));
	hr_json_set(d, "defaultConfiguration", cfg);
	json_array_append_new(tags, json_string("dockerfile"));
	hr_json_set(props, "tags", tags);
	hr_json_set(props, "fix", json_string(hr_fix_safety_name(rule->best_fix)));
	hr_json_set(d, "properties", props);
	free(explain);
	return d;
}

static int sarif_finish(hr_reporter *r, const hr_report_summary *s)
{
	sarif_state *st = r->state;
	json_t *log = json_object(), *runs = json_array(), *run = json_object(), *tool = json_object(),
	       *driver = json_object(), *rules = json_array(), *props = json_object();
	int rc = HR_ENOMEM;

	if (!log || !runs || !run || !tool || !driver || !rules || !props) {
		json_decref(runs);
		json_decref(run);
		json_decref(tool);
		json_decref(driver);
		json_decref(rules);
		json_decref(props);
		goto out;
	}
	hr_json_set(log, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	hr_json_set(log, "version", json_string("2.1.0"));
	hr_json_set(driver, "name", json_string("hook-run"));
	hr_json_set(driver, "version", json_string(PACKAGE_VERSION));
	hr_json_set(driver, "semanticVersion", json_string(PACKAGE_VERSION));
	if (PACKAGE_URL[0])
		hr_json_set(driver, "informationUri", json_string(PACKAGE_URL));
	for (int i = 0; i < HR_RULE_COUNT; i++)
		json_array_append_new(rules, rule_descriptor(hr_rule_get((hr_rule_id)i), r->opts.docs_url));
	hr_json_set(driver, "rules", rules);
	hr_json_set(tool, "driver", driver);
	hr_json_set(run, "tool", tool);
	hr_json_set(run, "columnKind", json_string("unicodeCodePoints"));
	hr_json_set(run, "results", st ? json_incref(st->results) : json_array());
	hr_json_set(props, "filesChecked", json_integer((json_int_t)s->files_checked));
	hr_json_set(props, "findings", json_integer((json_int_t)s->findings));
	hr_json_set(props, "failing", json_integer((json_int_t)s->failing));
	hr_json_set(props, "fixed", json_integer((json_int_t)s->fixed));
	hr_json_set(props, "suppressed", json_integer((json_int_t)s->suppressed));
	hr_json_set(props, "baselined", json_integer((json_int_t)s->baselined));
	hr_json_set(props, "unreadable", json_integer((json_int_t)s->unreadable));
	hr_json_set(props, "elapsed", json_real(s->elapsed));
	if (s->note)
		hr_json_set(props, "note", hr_json_string(s->note, strlen(s->note)));
	hr_json_set(run, "properties", props);
	json_array_append_new(runs, run);
	hr_json_set(log, "runs", runs);
	if (json_dumpf(log, r->opts.out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0) {
		fputc('\n', r->opts.out);
		fflush(r->opts.out);
		rc = ferror(r->opts.out) ? HR_EIO : 0;
	} else {
		rc = HR_EIO;
	}
out:
	json_decref(log);
	return rc;
}

static void sarif_free(hr_reporter *r)
{
	sarif_state *st = r->state;
	if (st) {
		json_decref(st->results);
		free(st);
	}
}

const hr_report_ops hr_report_sarif_ops = { sarif_add, sarif_finish, sarif_free };
