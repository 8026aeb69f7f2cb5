/* SPDX-License-Identifier: MIT */
/*
 * model_json.c - `hook-run parse` output (see model_json.h).
 */
#include <stdlib.h>
#include <string.h>

#include "model_json.h"
#include "jsonutil.h"
#include "text.h"

static json_t *str(hr_str s)
{
	return hr_json_string(s.ptr, s.len);
}

static json_t *position(const hr_dockerfile *df, hr_span span)
{
	uint32_t line, col;
	json_t *o = json_object();
	if (!o)
		return NULL;
	hr_dockerfile_position(df, span.start, &line, &col);
	hr_json_set(o, "line", json_integer(line));
	hr_json_set(o, "column", json_integer(col));
	hr_json_set(o, "offset", json_integer((json_int_t)span.start));
	hr_json_set(o, "length", json_integer((json_int_t)(span.end - span.start)));
	return o;
}

static const char *diag_kind_name(hr_diag_kind k)
{
	switch (k) {
	case HR_DIAG_PARSE: return "parse";
	case HR_DIAG_INSTRUCTION: return "instruction";
	case HR_DIAG_INPUT: return "input";
	case HR_DIAG_NOTE: return "note";
	}
	return "note";
}

/* strings.ToLower(node.Value), as BuildKit's dump prints keywords */
static json_t *lower_keyword(hr_str kw)
{
	hr_buf b = HR_BUF_INIT;
	hr_go_lower(&b, kw.ptr, kw.len);
	json_t *j = b.oom ? NULL : hr_json_string(b.ptr ? b.ptr : "", b.len);
	hr_buf_free(&b);
	return j;
}

static json_t *instruction(const hr_dockerfile *df, const hr_instruction *in)
{
	json_t *o = json_object(), *flags = json_array(), *args = json_array(),
	       *argpos = json_array(), *docs = json_array();
	if (!o || !flags || !args || !argpos || !docs)
		goto oom;

	hr_json_set(o, "keyword", lower_keyword(in->keyword));
	hr_json_set(o, "value", str(in->keyword));
	hr_json_set(o, "kind", json_string(in->kind ? hr_keyword_name(in->kind) : "unknown"));
	hr_json_set(o, "start_line", json_integer(in->start_line));
	hr_json_set(o, "end_line", json_integer(in->end_line));
	hr_json_set(o, "column", json_integer(in->column));
	hr_json_set(o, "offset", json_integer((json_int_t)in->span.start));
	hr_json_set(o, "length", json_integer((json_int_t)(in->span.end - in->span.start)));

	for (size_t i = 0; i < in->nflags; i++) {
		const hr_flag *f = &in->flags[i];
		json_t *fo = position(df, f->span);
		if (!fo)
			goto oom;
		hr_json_set(fo, "flag", str(f->text));
		hr_json_set(fo, "name", str(f->name));
		hr_json_set(fo, "value", f->has_value ? str(f->value) : json_null());
		json_array_append_new(flags, fo);
	}
	hr_json_set(o, "flags", flags);
	flags = NULL;

	for (size_t i = 0; i < in->nargs; i++) {
		json_array_append_new(args, str(in->args[i].text));
		const hr_span *sp = &in->args[i].span;
		json_array_append_new(argpos, sp->end > sp->start ? position(df, *sp) : json_null());
	}
	hr_json_set(o, "args", args);
	hr_json_set(o, "arg_positions", argpos);
	args = argpos = NULL;
	hr_json_set(o, "json_form", json_boolean(in->json_form));

	for (size_t i = 0; i < in->nheredocs; i++) {
		const hr_heredoc *h = &in->heredocs[i];
		json_t *ho = json_object();
		if (!ho)
			goto oom;
		hr_json_set(ho, "name", str(h->name));
		hr_json_set(ho, "fd", json_integer((json_int_t)h->fd));
		hr_json_set(ho, "expand", json_boolean(h->expand));
		hr_json_set(ho, "chomp", json_boolean(h->chomp));
		hr_json_set(ho, "content", hr_json_string(df->data + h->body.start, h->body.end - h->body.start));
		hr_json_set(ho, "body_line", json_integer(h->body_line));
		hr_json_set(ho, "terminator_line", h->terminator_line ? json_integer(h->terminator_line) : json_null());
		json_array_append_new(docs, ho);
	}
	hr_json_set(o, "heredocs", docs);
	docs = NULL;
	hr_json_set(o, "original", str(in->original));
	if (in->sub)
		hr_json_set(o, "onbuild", instruction(df, in->sub));
	return o;
oom:
	json_decref(o);
	json_decref(flags);
	json_decref(args);
	json_decref(argpos);
	json_decref(docs);
	return NULL;
}

static json_t *directive_summary(const hr_directive *d)
{
	if (!d)
		return json_null();
	json_t *o = json_object();
	if (!o)
		return NULL;
	hr_json_set(o, "value", str(d->value));
	hr_json_set(o, "line", json_integer(d->line));
	return o;
}

static const char *directive_kind_name(hr_directive_kind k)
{
	return k == HR_DIRECTIVE_SYNTAX ? "syntax" : k == HR_DIRECTIVE_ESCAPE ? "escape" : "check";
}

static json_t *directive_notes(unsigned notes)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ HR_DIRECTIVE_AFTER_BLOCK, "after-block" },
		{ HR_DIRECTIVE_INDENTED, "indented" },
		{ HR_DIRECTIVE_DUPLICATE, "duplicate" },
		{ HR_DIRECTIVE_AFTER_BOM, "after-bom" },
		{ HR_DIRECTIVE_IN_CONTINUATION, "in-continuation" },
		{ HR_DIRECTIVE_AFTER_CHECK, "after-check" },
		{ HR_DIRECTIVE_INVALID_VALUE, "invalid-value" },
		{ HR_DIRECTIVE_AFTER_SHEBANG, "after-shebang" },
	};
	json_t *a = json_array();
	for (size_t i = 0; a && i < sizeof(names) / sizeof(names[0]); i++)
		if (notes & names[i].bit)
			json_array_append_new(a, json_string(names[i].name));
	return a;
}

json_t *hr_model_to_json(const hr_dockerfile *df, const char *path)
{
	json_t *o = json_object(), *dirs = json_object(), *all = json_array(),
	       *insts = json_array(), *comments = json_array(), *diags = json_array();
	const char *first_error = NULL;
	char esc[2] = { df->escape, 0 };

	if (!o || !dirs || !all || !insts || !comments || !diags)
		goto oom;
	hr_json_set(o, "file", json_string(path));
	hr_json_set(o, "size", json_integer((json_int_t)df->len));
	hr_json_set(o, "bom", json_boolean(df->bom));
	hr_json_set(o, "crlf", json_boolean(df->crlf));
	hr_json_set(o, "escape", json_string(esc));

	hr_json_set(dirs, "syntax", directive_summary(df->syntax));
	hr_json_set(dirs, "escape", directive_summary(df->escape_directive));
	hr_json_set(dirs, "check", directive_summary(df->check));
	for (size_t i = 0; i < df->ndirectives; i++) {
		const hr_directive *d = &df->directives[i];
		json_t *dj = json_object();
		if (!dj)
			goto oom;
		hr_json_set(dj, "kind", json_string(directive_kind_name(d->kind)));
		hr_json_set(dj, "name", str(d->name));
		hr_json_set(dj, "value", str(d->value));
		hr_json_set(dj, "line", json_integer(d->line));
		hr_json_set(dj, "column", json_integer(d->column));
		hr_json_set(dj, "honoured", json_boolean(d->honoured));
		hr_json_set(dj, "notes", directive_notes(d->notes));
		json_array_append_new(all, dj);
	}
	hr_json_set(dirs, "all", all);
	all = NULL;
	hr_json_set(o, "directives", dirs);
	dirs = NULL;

	for (size_t i = 0; i < df->ninstructions; i++) {
		json_t *ij = instruction(df, &df->instructions[i]);
		if (!ij)
			goto oom;
		json_array_append_new(insts, ij);
	}
	hr_json_set(o, "instructions", insts);
	insts = NULL;

	for (size_t i = 0; i < df->ncomments; i++) {
		const hr_comment *c = &df->comments[i];
		json_t *cj = json_object();
		if (!cj)
			goto oom;
		hr_json_set(cj, "line", json_integer(c->line));
		hr_json_set(cj, "text", str(c->text));
		hr_json_set(cj, "in_continuation", json_boolean(c->in_continuation));
		json_array_append_new(comments, cj);
	}
	hr_json_set(o, "comments", comments);
	comments = NULL;

	for (size_t i = 0; i < df->ndiags; i++) {
		const hr_diag *d = &df->diags[i];
		json_t *dj = json_object();
		if (!dj)
			goto oom;
		hr_json_set(dj, "severity", json_string(hr_severity_name(d->severity)));
		hr_json_set(dj, "kind", json_string(diag_kind_name(d->kind)));
		hr_json_set(dj, "line", json_integer(d->line));
		hr_json_set(dj, "end_line", json_integer(d->end_line));
		hr_json_set(dj, "column", json_integer(d->column));
		hr_json_set(dj, "message", hr_json_string(d->message, strlen(d->message)));
		json_array_append_new(diags, dj);
		if (!first_error && d->kind == HR_DIAG_PARSE)
			first_error = d->message;
	}
	hr_json_set(o, "diagnostics", diags);
	diags = NULL;
	hr_json_set(o, "error", first_error ? hr_json_string(first_error, strlen(first_error)) : json_null());
	return o;
oom:
	json_decref(o);
	json_decref(dirs);
	json_decref(all);
	json_decref(insts);
	json_decref(comments);
	json_decref(diags);
	return NULL;
}

json_t *hr_model_error_json(const char *path, const char *kind, const char *message)
{
	json_t *o = json_object(), *diags = json_array(), *d = json_object();
	if (!o || !diags || !d) {
		json_decref(o);
		json_decref(diags);
		json_decref(d);
		return NULL;
	}
	hr_json_set(o, "file", hr_json_string(path, strlen(path)));
	hr_json_set(o, "instructions", json_array());
	hr_json_set(d, "severity", json_string("error"));
	hr_json_set(d, "kind", json_string(kind));
	hr_json_set(d, "line", json_integer(0));
	hr_json_set(d, "end_line", json_integer(0));
	hr_json_set(d, "column", json_integer(0));
	hr_json_set(d, "message", hr_json_string(message, strlen(message)));
	json_array_append_new(diags, d);
	hr_json_set(o, "diagnostics", diags);
	hr_json_set(o, "error", json_null());
	return o;
}
