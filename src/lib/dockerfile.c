/* SPDX-License-Identifier: MIT */
/*
 * dockerfile.c - the line loop of BuildKit's parser.Parse, with positions.
 *
 * One pass over the physical lines:
 *  - comment lines are recorded (and checked for directive look-alikes);
 *  - an instruction's first line loses its leading blanks; a line ending in
 *    the escape character (then optional spaces/tabs) continues, unless two
 *    escape characters end it; comment and blank lines inside a continuation
 *    are dropped; the pieces are joined with nothing in between;
 *  - RUN/COPY/ADD (also under ONBUILD) in shell form read heredoc bodies
 *    from the following lines, raw, until a line equal to the terminator
 *    (CRLF and, for <<-, leading tabs ignored);
 *  - a line of 64 KiB or more stops BuildKit's scanner: the parse ends with
 *    an error there, as it does in BuildKit.
 * Errors that make BuildKit refuse the file become diagnostics and the loop
 * goes on where it safely can, so a user sees every problem at once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"
#include "heredoc.h"
#include "text.h"

void hr__diag(hr_parser *p, hr_diag_kind kind, hr_severity sev, uint32_t line,
	uint32_t end_line, uint32_t column, const char *fmt, ...)
{
	hr_buf m = HR_BUF_INIT;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0 && hr_buf_grow(&m, (size_t)n)) {
		va_start(ap, fmt);
		vsnprintf(m.ptr, (size_t)n + 1, fmt, ap);
		va_end(ap);
		m.len = (size_t)n;
	}
	hr_diag *d = hr_vec_push(&p->priv->diags);
	char *msg = m.ptr ? hr_arena_strndup(p->arena, m.ptr, m.len) : NULL;
	hr_buf_free(&m);
	if (!d || !msg) {
		p->error = HR_ENOMEM;
		if (d)
			p->priv->diags.len--;
		return;
	}
	d->kind = kind;
	d->severity = sev;
	d->line = line;
	d->end_line = end_line < line ? line : end_line;
	d->column = column;
	d->message = msg;
}

size_t hr__map(const hr_parser *p, size_t log)
{
	const hr_seg *segs = p->segs.items;
	size_t lo = 0, hi = p->segs.len;

	if (hi == 0)
		return 0;
	/* last segment with segs[i].log <= log */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (segs[mid].log <= log)
			lo = mid;
		else
			hi = mid;
	}
	size_t delta = log - segs[lo].log;
	if (delta > segs[lo].len)
		delta = segs[lo].len;
	return segs[lo].src + delta;
}

hr_span hr__map_span(const hr_parser *p, size_t log_start, size_t log_end)
{
	hr_span s;
	s.start = hr__map(p, log_start);
	s.end = log_end > log_start ? hr__map(p, log_end - 1) + 1 : s.start;
	return s;
}

/* Content of physical line idx, without its '\n'; false if over the limit. */
static bool fetch_line(hr_parser *p, uint32_t idx, size_t *start, size_t *end)
{
	size_t a = p->ls[idx], e = p->ls[idx + 1];
	if (e > a && p->s[e - 1] == '\n')
		e--;
	if (e - a > HR_DOCKERFILE_MAX_LINE) {
		if (!p->too_long) {
			p->too_long = true;
			p->too_long_line = idx + 1;
		}
		return false;
	}
	*start = a;
	*end = e;
	return true;
}

static size_t trim_newline(const unsigned char *s, size_t a, size_t e)
{
	while (e > a && (s[e - 1] == '\r' || s[e - 1] == '\n'))
		e--;
	return e;
}

/* trimContinuationCharacter: the new end, and whether the line continues */
static size_t trim_continuation(const hr_parser *p, size_t a, size_t e, bool *cont)
{
	const unsigned char *s = p->s;
	size_t t = e;
	while (t > a && (s[t - 1] == ' ' || s[t - 1] == '\t'))
		t--;
	*cont = false;
	if (t > a && s[t - 1] == p->esc) {
		if (t - 1 == a || s[t - 2] != p->esc) {
			*cont = true;
			return t - 1;
		}
	}
	return e;
}

static bool is_comment_at(const unsigned char *s, size_t a, size_t e, size_t *hash)
{
	size_t t = a + hr_trim_left_len(s + a, e - a);
	if (t < e && s[t] == '#') {
		*hash = t;
		return true;
	}
	return false;
}

static void add_seg(hr_parser *p, size_t src, size_t len)
{
	if (len == 0)
		return;
	hr_seg *g = hr_vec_push(&p->segs);
	if (!g) {
		p->error = HR_ENOMEM;
		return;
	}
	g->log = p->logical.len;
	g->src = src;
	g->len = len;
	hr_buf_append(&p->logical, (const char *)p->s + src, len);
	if (p->logical.oom)
		p->error = HR_ENOMEM;
}

static bool can_contain_heredoc(const hr_instruction *inst)
{
	if (inst->kind == HR_KW_ONBUILD && inst->sub)
		inst = inst->sub;
	if (inst->kind != HR_KW_RUN && inst->kind != HR_KW_COPY && inst->kind != HR_KW_ADD)
		return false;
	return !inst->json_form;
}

/* Read the bodies of the heredocs `inst` opens; false when one is unterminated. */
static bool read_heredocs(hr_parser *p, hr_instruction *inst)
{
	hr_vec docs;
	const char *err = NULL;
	bool ok = true;

	if (!memmem(p->logical.ptr, p->logical.len, "<<", 2))
		return true;
	hr_vec_init(&docs, sizeof(hr_heredoc));
	int rc = hr_heredocs_from_line(&docs, &err, p->arena, p->logical.ptr, p->logical.len);
	if (rc < 0) {
		p->error = rc;
		goto out;
	}
	if (err) {
		inst->error = true;
		hr__diag(p, HR_DIAG_PARSE, HR_SEVERITY_ERROR, p->inst_start, p->cur, inst->column, "%s", err);
		goto out;
	}
	for (size_t i = 0; i < docs.len; i++) {
		hr_heredoc *h = (hr_heredoc *)docs.items + i;
		bool terminated = false;
		size_t body_start = p->cur < p->nlines ? p->ls[p->cur] : p->n;
		h->body_line = p->cur + 1;
		h->body.start = body_start;
		while (p->cur < p->nlines) {
			size_t a, e;
			if (!fetch_line(p, p->cur, &a, &e))
				break;
			p->cur++;
			size_t te = trim_newline(p->s, a, e), ts = a;
			if (h->chomp)
				while (ts < te && p->s[ts] == '\t')
					ts++;
			if (te - ts == h->name.len && memcmp(p->s + ts, h->name.ptr, te - ts) == 0) {
				terminated = true;
				h->body.end = a;
				h->terminator_line = p->cur;
				break;
			}
		}
		if (!terminated) {
			h->body.end = p->cur < p->nlines ? p->ls[p->cur] : p->n;
			h->terminator_line = 0;
			inst->error = true;
			hr__diag(p, HR_DIAG_PARSE, HR_SEVERITY_ERROR, p->inst_start, p->cur, inst->column,
				"unterminated heredoc '%.*s'", (int)h->name.len, h->name.ptr);
			docs.len = i + 1;
			ok = false;
			break;
		}
	}
	inst->heredocs = hr_arena_memdup(p->arena, docs.items, docs.len, sizeof(hr_heredoc), &p->error);
	inst->nheredocs = docs.len;
out:
	hr_vec_free(&docs);
	return ok;
}

static void set_lines(hr_parser *p, hr_instruction *inst, uint32_t start_line)
{
	inst->start_line = start_line;
	inst->end_line = p->cur;
	uint32_t line, col;
	hr_dockerfile_position(p->df, inst->keyword_span.start, &line, &col);
	inst->column = col;
	inst->span.start = inst->keyword_span.start;
	size_t a, e;
	a = p->ls[p->cur - 1];
	e = p->ls[p->cur];
	inst->span.end = trim_newline(p->s, a, e);
	if (inst->span.end < inst->span.start)
		inst->span.end = inst->span.start;
	if (inst->sub) {
		hr_instruction *sub = (hr_instruction *)inst->sub;
		sub->start_line = inst->start_line;
		sub->end_line = inst->end_line;
		hr_dockerfile_position(p->df, sub->keyword_span.start, &line, &col);
		sub->column = col;
		sub->span.start = sub->keyword_span.start;
		sub->span.end = inst->span.end;
	}
}

static void parse_lines(hr_parser *p)
{
	const unsigned char *s = p->s;

	while (p->cur < p->nlines && !p->error) {
		size_t a, le, hash;
		uint32_t idx = p->cur;

		if (!fetch_line(p, idx, &a, &le))
			break;
		size_t line_start = a;
		if (idx == 0 && p->df->bom)
			a += 3;
		bool comment = is_comment_at(s, a, le, &hash);
		size_t e = trim_newline(s, a, le);
		size_t t0 = a + hr_trim_left_len(s + a, e - a);
		hr__directive_parse_line(p, idx + 1, t0, e);
		p->cur++;
		if (comment) {
			hr__comment_line(p, idx + 1, line_start, hash, le, false);
			continue;
		}
		uint32_t start_line = idx + 1;
		bool cont;
		size_t seg_end = trim_continuation(p, t0, e, &cont);
		if (!cont && seg_end == t0)
			continue;

		hr_buf_clear(&p->logical);
		p->segs.len = 0;
		/* an empty first piece still anchors offset 0 for spans */
		if (seg_end == t0) {
			hr_seg *g = hr_vec_push(&p->segs);
			if (!g) {
				p->error = HR_ENOMEM;
				break;
			}
			g->log = 0;
			g->src = t0;
			g->len = 0;
		}
		add_seg(p, t0, seg_end - t0);
		if (!p->logical.ptr)
			hr_buf_append(&p->logical, "", 0);

		bool empty_continuation = false;
		while (cont && p->cur < p->nlines) {
			size_t ca, cle;
			if (!fetch_line(p, p->cur, &ca, &cle))
				break;
			uint32_t line = ++p->cur;
			if (is_comment_at(s, ca, cle, &hash)) {
				hr__comment_line(p, line, ca, hash, cle, true);
				continue;
			}
			size_t ce = trim_newline(s, ca, cle);
			if (hr_trim_left_len(s + ca, ce - ca) == ce - ca) {
				empty_continuation = true;
				continue;
			}
			size_t cend = trim_continuation(p, ca, ce, &cont);
			add_seg(p, ca, cend - ca);
		}
		if (p->error)
			break;

		hr_instruction *inst = hr_vec_push(&p->priv->instructions);
		if (!inst) {
			p->error = HR_ENOMEM;
			break;
		}
		p->inst_start = start_line;
		p->inst_end = p->cur;
		if (hr__instruction_from_line(p, inst, 0, p->logical.len) < 0)
			break;
		set_lines(p, inst, start_line);
		if (empty_continuation)
			hr__diag(p, HR_DIAG_NOTE, HR_SEVERITY_WARNING, start_line, p->cur, inst->column,
				"empty continuation line in %.*s (BuildKit warns: it will become an error)",
				(int)inst->keyword.len, inst->keyword.ptr);
		if (can_contain_heredoc(inst)) {
			bool ok = read_heredocs(p, inst);
			set_lines(p, inst, start_line);
			if (!ok)
				return; /* BuildKit stops here */
		}
		if (inst->kind == HR_KW_UNKNOWN)
			hr__diag(p, HR_DIAG_INSTRUCTION, HR_SEVERITY_ERROR, start_line, p->cur, inst->column,
				"unknown instruction: %.*s", (int)inst->keyword.len, inst->keyword.ptr);
	}
}

static void input_notes(hr_parser *p)
{
	const unsigned char *nul = memchr(p->s, '\0', p->n);
	size_t bad;

	if (nul) {
		uint32_t line, col;
		hr_dockerfile_position(p->df, (size_t)(nul - p->s), &line, &col);
		hr__diag(p, HR_DIAG_INPUT, HR_SEVERITY_ERROR, line, line, col,
			"binary content: NUL byte at line %u, column %u", line, col);
	}
	if (!hr_utf8_valid(p->s, p->n, &bad)) {
		uint32_t line, col;
		hr_dockerfile_position(p->df, bad, &line, &col);
		hr__diag(p, HR_DIAG_NOTE, HR_SEVERITY_WARNING, line, line, col,
			"invalid UTF-8 at line %u, column %u (BuildKit passes the bytes through)", line, col);
	}
}

int hr_dockerfile_parse(hr_dockerfile **out, const char *data, size_t len)
{
	hr_dockerfile *df = NULL;
	struct hr_dockerfile_private *priv = NULL;
	hr_parser p;
	size_t nlines = 0;

	*out = NULL;
	if (!data && len)
		return HR_EINVALID;
	if (!data)
		data = "";
	df = calloc(1, sizeof(*df));
	priv = calloc(1, sizeof(*priv));
	if (!df || !priv)
		goto oom;
	df->priv = priv;
	hr_arena_init(&priv->arena);
	hr_vec_init(&priv->instructions, sizeof(hr_instruction));
	hr_vec_init(&priv->directives, sizeof(hr_directive));
	hr_vec_init(&priv->comments, sizeof(hr_comment));
	hr_vec_init(&priv->diags, sizeof(hr_diag));
	df->data = data;
	df->len = len;
	df->bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
	df->escape = '\\';

	/* the line table: starts of lines, plus the end */
	for (const char *q = data; (q = memchr(q, '\n', (size_t)(data + len - q))) != NULL; q++)
		nlines++;
	if (len > 0 && data[len - 1] != '\n')
		nlines++;
	if (nlines > UINT32_MAX - 1)
		goto oom;
	priv->line_start = malloc((nlines + 1) * sizeof(size_t));
	if (!priv->line_start)
		goto oom;
	{
		size_t k = 0;
		priv->line_start[k++] = 0;
		for (size_t i = 0; i < len && k <= nlines; i++)
			if (data[i] == '\n' && k < nlines)
				priv->line_start[k++] = i + 1;
		priv->line_start[nlines] = len;
	}
	df->nlines = (uint32_t)nlines;
	{
		size_t nl = nlines ? priv->line_start[1] : 0;
		df->crlf = nlines && nl >= 2 && data[nl - 1] == '\n' && data[nl - 2] == '\r';
	}

	memset(&p, 0, sizeof(p));
	p.df = df;
	p.priv = priv;
	p.arena = &priv->arena;
	p.s = (const unsigned char *)data;
	p.n = len;
	p.ls = priv->line_start;
	p.nlines = (uint32_t)nlines;
	p.esc = '\\';
	hr_vec_init(&p.pv, sizeof(hr_pv_directive));
	hr_vec_init(&p.segs, sizeof(hr_seg));

	parse_lines(&p);
	df->escape = (char)p.esc;
	if (!p.error) {
		/* BuildKit checks for an empty result before the scanner error */
		bool none = priv->instructions.len == 0;
		if (none)
			hr__diag(&p, HR_DIAG_PARSE, HR_SEVERITY_ERROR, p.cur, p.cur, 0,
				"file with no instructions");
		if (p.too_long) {
			bool unterminated = false;
			const hr_diag *dg = priv->diags.items;
			for (size_t i = 0; i < priv->diags.len; i++)
				if (strncmp(dg[i].message, "unterminated heredoc", 20) == 0)
					unterminated = true;
			if (!unterminated)
				hr__diag(&p, HR_DIAG_PARSE, HR_SEVERITY_ERROR, p.too_long_line, p.too_long_line, 1,
					"dockerfile line greater than max allowed size of %d", HR_DOCKERFILE_MAX_LINE);
		}
		hr__directives_finish(&p);
		input_notes(&p);
	}
	hr_buf_free(&p.logical);
	hr_vec_free(&p.segs);
	hr_vec_free(&p.pv);
	if (p.error)
		goto oom;

	df->instructions = priv->instructions.items;
	df->ninstructions = priv->instructions.len;
	df->directives = priv->directives.items;
	df->ndirectives = priv->directives.len;
	df->comments = priv->comments.items;
	df->ncomments = priv->comments.len;
	df->diags = priv->diags.items;
	df->ndiags = priv->diags.len;
	*out = df;
	return HR_OK;
oom:
	hr_dockerfile_free(df);
	if (!df)
		free(priv);
	return HR_ENOMEM;
}

void hr_dockerfile_free(hr_dockerfile *df)
{
	if (!df)
		return;
	if (df->priv) {
		hr_arena_free(&df->priv->arena);
		free(df->priv->line_start);
		hr_vec_free(&df->priv->instructions);
		hr_vec_free(&df->priv->directives);
		hr_vec_free(&df->priv->comments);
		hr_vec_free(&df->priv->diags);
		free(df->priv);
	}
	free(df);
}

bool hr_dockerfile_has_errors(const hr_dockerfile *df)
{
	for (size_t i = 0; i < df->ndiags; i++)
		if (df->diags[i].severity == HR_SEVERITY_ERROR)
			return true;
	return false;
}

void hr_dockerfile_position(const hr_dockerfile *df, size_t offset, uint32_t *line, uint32_t *column)
{
	const size_t *ls = df->priv->line_start;
	size_t lo = 0, hi = df->nlines;

	if (hi == 0) {
		*line = 1;
		*column = (uint32_t)offset + 1;
		return;
	}
	/* last line with start <= offset */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (ls[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	*line = (uint32_t)lo + 1;
	*column = (uint32_t)(offset - ls[lo]) + 1;
}

hr_span hr_dockerfile_line_span(const hr_dockerfile *df, uint32_t line)
{
	hr_span s = { 0, 0 };
	if (line == 0 || line > df->nlines)
		return s;
	const size_t *ls = df->priv->line_start;
	s.start = ls[line - 1];
	s.end = ls[line];
	while (s.end > s.start && (df->data[s.end - 1] == '\n' || df->data[s.end - 1] == '\r'))
		s.end--;
	return s;
}
