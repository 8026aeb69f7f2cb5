/* SPDX-License-Identifier: MIT */
/*
 * stage.c - follow each build stage through its instructions (stage.h).
 *
 * A stage starts from scratch (an empty, fully known filesystem), from an
 * earlier stage (a copy of its model), or from an image (what basefs.c's
 * table knows about it; nothing else). Then each instruction updates it:
 *  - WORKDIR makes the directory and its parents (mkdir -p, owned by the
 *    USER in effect, as BuildKit's dispatchWorkdir does);
 *  - USER changes who RUN and WORKDIR act as (COPY stays root unless
 *    --chown);
 *  - ARG and ENV give variables values (ARG without a default in a stage
 *    takes the global one);
 *  - SHELL decides whether RUN text can be read at all;
 *  - RUN changes paths (run.c);
 *  - COPY and ADD are judged first (the visitor: link.c), then recorded
 *    (copy.c), so that the next copy sees what this one made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stage.h"
#include "copy.h"

/* ---- variables -------------------------------------------------------- */

static void stage_free(hr_stage *st)
{
	hr__fs_free(&st->fs);
	free(st->vars);
}

static void set_var(hr_check_ctx *c, hr_stage *st, const char *name, const char *value)
{
	for (size_t i = 0; i < st->nvars; i++)
		if (strcmp(st->vars[i].name, name) == 0) {
			st->vars[i].value = value;
			return;
		}
	if (st->nvars == st->cap_vars) {
		size_t cap = st->cap_vars ? st->cap_vars * 2 : 8;
		hr_var *v = realloc(st->vars, cap * sizeof(*v));
		if (!v) {
			c->error = HR_ENOMEM;
			return;
		}
		st->vars = v;
		st->cap_vars = cap;
	}
	st->vars[st->nvars].name = name;
	st->vars[st->nvars].value = value;
	st->nvars++;
}

const hr_var *hr__stage_var(const hr_stage *st, const char *name, size_t n)
{
	for (size_t i = st->nvars; i-- > 0;)
		if (strlen(st->vars[i].name) == n && strncmp(st->vars[i].name, name, n) == 0)
			return &st->vars[i];
	return NULL;
}

static bool name_char(char ch, bool first)
{
	return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (!first && ch >= '0' && ch <= '9');
}

/* expand; *bad_name gets the first variable that cannot be resolved */
static const char *expand(hr_check_ctx *c, const hr_stage *st, const char *s, size_t n, const char **bad_name)
{
	hr_buf b = HR_BUF_INIT;
	const char *out = NULL;

	char esc = c->df ? c->df->escape : '\\';
	bool dq = false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		/* quotes and escapes as BuildKit's word processing reads COPY/ADD words */
		if (ch == esc && i + 1 < n) {
			hr_buf_putc(&b, s[++i]);
			continue;
		}
		if (ch == '"') {
			dq = !dq;
			continue;
		}
		if (ch == '\'' && !dq) {
			size_t j = i + 1;
			while (j < n && s[j] != '\'')
				hr_buf_putc(&b, s[j++]);
			if (j >= n)
				goto unterminated;
			i = j;
			continue;
		}
		if (ch != '$') {
			hr_buf_putc(&b, ch);
			continue;
		}
		size_t name_start, name_len;
		const char *dflt = NULL;
		size_t dflt_len = 0;
		if (i + 1 < n && s[i + 1] == '{') {
			size_t j = i + 2;
			name_start = j;
			while (j < n && name_char(s[j], j == name_start))
				j++;
			name_len = j - name_start;
			if (j < n && s[j] == ':' && j + 1 < n && s[j + 1] == '-') {
				size_t k = j + 2;
				while (k < n && s[k] != '}')
					k++;
				dflt = s + j + 2;
				dflt_len = k - j - 2;
				j = k;
			}
			if (j >= n || s[j] != '}' || name_len == 0) {
				if (bad_name)
					*bad_name = hr__strf(c, "%.*s", (int)(n - i), s + i);
				goto out; /* a form we do not evaluate */
			}
			i = j;
		} else {
			size_t j = i + 1;
			name_start = j;
			while (j < n && name_char(s[j], j == name_start))
				j++;
			name_len = j - name_start;
			if (name_len == 0) {
				hr_buf_putc(&b, '$');
				continue;
			}
			i = j - 1;
		}
		const hr_var *v = hr__stage_var(st, s + name_start, name_len);
		if (v && v->value && (*v->value || !dflt)) {
			hr_buf_append(&b, v->value, strlen(v->value));
		} else if (dflt && !memchr(dflt, '$', dflt_len)) {
			hr_buf_append(&b, dflt, dflt_len);
		} else {
			if (bad_name)
				*bad_name = hr_arena_strndup(c->arena, s + name_start, name_len);
			goto out;
		}
	}
	if (dq)
		goto unterminated;
	if (!b.oom)
		out = hr_arena_strndup(c->arena, b.ptr ? b.ptr : "", b.len);
	if (!out)
		c->error = HR_ENOMEM;
out:
	hr_buf_free(&b);
	return out;
unterminated:
	/* BuildKit's word processing fails the build on an unmatched quote
	   ("unexpected end of statement while looking for matching ..."):
	   nothing is known of such a word */
	if (bad_name)
		*bad_name = HR_UNTERMINATED_QUOTE;
	goto out;
}

const char *hr__stage_expand(hr_check_ctx *c, const hr_stage *st, const char *s, size_t n)
{
	return expand(c, st, s, n, NULL);
}

const char *hr__stage_unresolved(hr_check_ctx *c, const hr_stage *st, const char *s, size_t n)
{
	const char *bad = NULL;
	if (expand(c, st, s, n, &bad))
		return NULL;
	return bad;
}

const char *hr__stage_resolve(hr_check_ctx *c, const hr_stage *st, const char *raw, size_t n)
{
	const char *x = hr__stage_expand(c, st, raw, n);
	if (!x)
		return NULL;
	if (x[0] == '/')
		return hr__path_clean(c, x, strlen(x));
	if (st->workdir_unknown)
		return NULL;
	const char *j = hr__strf(c, "%s/%s", st->workdir, x);
	return hr__path_clean(c, j, strlen(j));
}

hr_owner hr__owner_parse(hr_check_ctx *c, const char *s, bool *is_name)
{
	hr_owner o = { HR_OWNER_UNKNOWN, 0, 0, NULL };
	*is_name = false;
	if (!s)
		return o;
	const char *colon = strchr(s, ':');
	size_t ul = colon ? (size_t)(colon - s) : strlen(s);
	long ids[2] = { -1, -1 };
	const char *parts[2] = { s, colon ? colon + 1 : NULL };
	size_t lens[2] = { ul, colon ? strlen(colon + 1) : 0 };
	for (int k = 0; k < 2; k++) {
		if (!parts[k])
			continue;
		if (lens[k] == 4 && !strncmp(parts[k], "root", 4)) {
			ids[k] = 0;
			continue;
		}
		char *end;
		long v = lens[k] ? strtol(parts[k], &end, 10) : -1;
		ids[k] = (lens[k] && (size_t)(end - parts[k]) == lens[k] && v >= 0 && v <= 0x7fffffffL) ? v : -2;
	}
	if (ids[0] == 0 && (!parts[1] || ids[1] == 0))
		return hr__owner_root();
	if (ids[0] >= 0 && ids[1] >= 0)
		return hr__owner_ids((uint32_t)ids[0], (uint32_t)ids[1]);
	/* a name, or a uid whose login group we cannot see: not root, not known */
	*is_name = ids[0] == -2 || ids[1] == -2;
	o.kind = HR_OWNER_NAME;
	o.name = hr_arena_strndup(c->arena, s, strlen(s));
	return o;
}

/* ---- the walk ------------------------------------------------------------ */

static char *lower_dup(hr_check_ctx *c, const char *s, size_t n)
{
	char *p = hr_arena_strndup(c->arena, s, n);
	if (!p) {
		c->error = HR_ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (char)(p[i] + 32);
	return p;
}

hr_stage *hr__stage_find(hr_check_ctx *c, const char *ref)
{
	for (size_t i = 0; i < c->nstages; i++) {
		char idx[24];
		snprintf(idx, sizeof(idx), "%zu", i);
		if ((c->stages[i].name && !strcasecmp(c->stages[i].name, ref)) || !strcmp(idx, ref))
			return &c->stages[i];
	}
	return NULL;
}

static void start_stage(hr_check_ctx *c, hr_stage *st, size_t index, const hr_instruction *in,
	const hr_stage *globals)
{
	memset(st, 0, sizeof(*st));
	st->index = index;
	st->from = in;
	st->workdir = "/";
	st->shell_posix = true;
	hr__fs_init(&st->fs);
	/* FROM [--platform=..] image [AS name] */
	const char *image = in->nargs > 0 ? in->args[0].text.ptr : "";
	size_t image_len = in->nargs > 0 ? in->args[0].text.len : 0;
	if (in->nargs >= 3 && in->args[1].text.len == 2 && (in->args[1].text.ptr[0] | 0x20) == 'a' &&
	    (in->args[1].text.ptr[1] | 0x20) == 's')
		st->name = lower_dup(c, in->args[2].text.ptr, in->args[2].text.len);
	const char *expanded = hr__stage_expand(c, globals, image, image_len);
	const char *base = expanded ? expanded : image;
	if (expanded && !strcasecmp(base, "scratch")) {
		st->scratch = true;
		st->user = hr__owner_root();
		hr_fs_node *root = hr__fs_set_dir(c, &st->fs, "/", 0755, hr__owner_root(), HR_CONTENT_COMPLETE,
			"an empty scratch stage");
		(void)root;
		return;
	}
	/* a previous stage by name or index */
	hr_stage *b = expanded ? hr__stage_find(c, base) : NULL;
	if (b) {
		st->scratch = b->scratch;
		st->image_base = b->image_base;
		st->image = b->image;
		st->workdir = b->workdir;
		st->workdir_unknown = b->workdir_unknown;
		st->user = b->user;
		st->user_text = b->user_text;
		st->shell_posix = b->shell_posix;
		hr__fs_copy(c, &st->fs, &b->fs);
		for (size_t k = 0; k < b->nvars; k++)
			set_var(c, st, b->vars[k].name, b->vars[k].value);
		return;
	}
	st->image_base = true;
	hr__base_image(&st->image, expanded);
	hr__base_fill(c, &st->fs, &st->image);
	if (st->image.windows)
		hr__fs_opaque(c, &st->fs, "a Windows image: hook-run's model covers Linux images only");
	if (st->image.family != HR_FAMILY_UNKNOWN && st->image.user_root)
		st->user = hr__owner_root();
	else
		st->user.kind = HR_OWNER_UNKNOWN; /* an image's USER we cannot see */
}

/* ARG a=b c / ENV a=b c=d / ENV a b: record values (NULL when unknown) */
static void record_vars(hr_check_ctx *c, hr_stage *st, const hr_instruction *in, const hr_stage *globals)
{
	if (in->kind == HR_KW_ENV) {
		for (size_t i = 0; i + 1 < in->nargs; i += 3) {
			const hr_str *k = &in->args[i].text, *v = &in->args[i + 1].text;
			const char *name = hr_arena_strndup(c->arena, k->ptr, k->len);
			const char *vp = v->ptr;
			size_t vl = v->len;
			if (vl >= 2 && (vp[0] == '"' || vp[0] == '\'') && vp[vl - 1] == vp[0])
				vp++, vl -= 2;
			set_var(c, st, name, hr__stage_expand(c, st, vp, vl));
		}
		return;
	}
	for (size_t i = 0; i < in->nargs; i++) {
		const hr_str *a = &in->args[i].text;
		const char *eq = memchr(a->ptr, '=', a->len);
		size_t nl = eq ? (size_t)(eq - a->ptr) : a->len;
		const char *name = hr_arena_strndup(c->arena, a->ptr, nl);
		if (!name) {
			c->error = HR_ENOMEM;
			return;
		}
		if (eq) {
			const char *vp = eq + 1;
			size_t vl = a->len - nl - 1;
			if (vl >= 2 && (vp[0] == '"' || vp[0] == '\'') && vp[vl - 1] == vp[0])
				vp++, vl -= 2;
			set_var(c, st, name, hr__stage_expand(c, st, vp, vl));
		} else {
			/* ARG NAME: a global default if there is one; else unknown */
			const hr_var *g = globals ? hr__stage_var(globals, name, nl) : NULL;
			if (!hr__stage_var(st, name, nl) || !globals)
				set_var(c, st, name, g ? g->value : NULL);
		}
	}
}

static void do_workdir(hr_check_ctx *c, hr_stage *cur, const hr_instruction *in)
{
	if (in->nargs == 0)
		return;
	const char *p = hr__stage_resolve(c, cur, in->args[0].text.ptr, in->args[0].text.len);
	if (!p) {
		cur->workdir_unknown = true;
		hr__fs_next(&cur->fs);
		hr__fs_opaque(c, &cur->fs, hr__strf(c, "the WORKDIR at line %u, which hook-run cannot resolve, "
			"makes a directory", in->start_line));
		return;
	}
	cur->workdir = p;
	cur->workdir_unknown = false;
	if (!strcmp(p, "/"))
		return;
	hr__fs_next(&cur->fs);
	hr__fs_mkdir_p(c, &cur->fs, p, 0755, cur->user, hr__strf(c, "made by the WORKDIR at line %u%s",
		in->start_line, cur->user.kind == HR_OWNER_IDS && cur->user.uid == 0 ? "" :
		cur->user.kind == HR_OWNER_UNKNOWN ? ", as the image's user, which hook-run cannot see" :
		hr__strf(c, " as %s", hr__owner_str(c, &cur->user))));
}

static void do_shell(hr_stage *cur, const hr_instruction *in)
{
	static const char *const posix[] = { "sh", "bash", "dash", "ash", "zsh", "ksh", NULL };
	cur->shell_posix = false;
	if (!in->json_form || in->nargs == 0)
		return;
	const char *p = in->args[0].text.ptr;
	const char *slash = strrchr(p, '/');
	const char *b = slash ? slash + 1 : p;
	for (size_t i = 0; posix[i]; i++)
		if (!strcmp(b, posix[i]))
			cur->shell_posix = true;
}

void hr__stages_walk(hr_check_ctx *c, hr_copy_visitor visit, void *data)
{
	const hr_dockerfile *df = c->df;
	hr_stage *stages = NULL;
	size_t nstages = 0, cap = 0;
	hr_stage globals;
	hr_stage *cur = NULL;

	memset(&globals, 0, sizeof(globals));
	globals.workdir = "/";
	hr__fs_init(&globals.fs);
	hr__context_choose(c);
	for (size_t i = 0; i < df->ninstructions && !c->error; i++) {
		const hr_instruction *in = &df->instructions[i];
		if (in->kind == HR_KW_FROM) {
			if (nstages == cap) {
				size_t ncap = cap ? cap * 2 : 4;
				hr_stage *s = realloc(stages, ncap * sizeof(*s));
				if (!s) {
					c->error = HR_ENOMEM;
					break;
				}
				stages = s;
				cap = ncap;
			}
			c->stages = stages;
			c->nstages = nstages;
			start_stage(c, &stages[nstages], nstages, in, &globals);
			cur = &stages[nstages++];
			c->nstages = nstages - 1; /* the current stage is not a source yet */
			continue;
		}
		if (!cur) {
			if (in->kind == HR_KW_ARG)
				record_vars(c, &globals, in, NULL);
			continue;
		}
		c->stages = stages;
		switch (in->kind) {
		case HR_KW_WORKDIR:
			do_workdir(c, cur, in);
			break;
		case HR_KW_USER:
			if (in->nargs > 0) {
				const char *u = hr__stage_expand(c, cur, in->args[0].text.ptr, in->args[0].text.len);
				bool is_name;
				cur->user_text = u;
				cur->user = u ? hr__owner_parse(c, u, &is_name) : (hr_owner){ 0 };
			}
			break;
		case HR_KW_ARG:
			record_vars(c, cur, in, &globals);
			break;
		case HR_KW_ENV:
			record_vars(c, cur, in, NULL);
			break;
		case HR_KW_SHELL:
			do_shell(cur, in);
			break;
		case HR_KW_RUN:
			hr__run_effects(c, cur, in);
			break;
		case HR_KW_COPY:
		case HR_KW_ADD:
			visit(c, cur, in, in, data);
			break;
		case HR_KW_ONBUILD:
			if (in->sub && (in->sub->kind == HR_KW_COPY || in->sub->kind == HR_KW_ADD))
				visit(c, cur, in->sub, in, data);
			break;
		default:
			break;
		}
	}
	for (size_t i = 0; i < nstages; i++)
		stage_free(&stages[i]);
	free(stages);
	stage_free(&globals);
	c->stages = NULL;
	c->nstages = 0;
}
