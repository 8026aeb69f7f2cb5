/*
 * stage.c - follow each build stage through its instructions (stage.h).
 *
 * The analysis is deliberately visible-only: it knows what the Dockerfile
 * says (FROM, WORKDIR, USER, ARG/ENV, COPY destinations) and what simple
 * shell commands in RUN lines do to paths (`ln -s`, `chown`, `chgrp`,
 * `chmod`, `mkdir`, `install -d`, `useradd -d`/`adduser --home`). It reads
 * RUN text as a shell would split it into simple commands (&&, ||, ;, |,
 * newlines, heredoc bodies), skipping `sudo`, `env` and assignments. What a
 * base image contains is unknown; link.c treats a few well-known paths of
 * common images as facts (usr-merged symlinks, /tmp, /root, home directories).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stage.h"

/* ---- small sets --------------------------------------------------------- */

static void pathset_add(hr_check_ctx *c, hr_pathset *set, const char *path)
{
	if (!path || hr__pathset_has(set, path))
		return;
	if (set->len == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 8;
		const char **items = realloc(set->items, cap * sizeof(*items));
		if (!items) {
			c->error = HR_ENOMEM;
			return;
		}
		set->items = items;
		set->cap = cap;
	}
	set->items[set->len++] = path;
}

static void pathset_copy(hr_check_ctx *c, hr_pathset *dst, const hr_pathset *src)
{
	for (size_t i = 0; i < src->len; i++)
		pathset_add(c, dst, src->items[i]);
}

bool hr__pathset_has(const hr_pathset *set, const char *path)
{
	for (size_t i = 0; i < set->len; i++)
		if (strcmp(set->items[i], path) == 0)
			return true;
	return false;
}

bool hr__path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const char *hr__pathset_covering(const hr_pathset *set, const char *path)
{
	for (size_t i = 0; i < set->len; i++)
		if (hr__path_under(path, set->items[i]))
			return set->items[i];
	return NULL;
}

static void stage_free(hr_stage *st)
{
	free(st->symlinks.items);
	free(st->meta_dirs.items);
	free(st->dirs.items);
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

static const hr_var *find_var(const hr_stage *st, const char *name, size_t n)
{
	for (size_t i = st->nvars; i-- > 0;)
		if (strlen(st->vars[i].name) == n && strncmp(st->vars[i].name, name, n) == 0)
			return &st->vars[i];
	return NULL;
}

/* ---- variables and paths ------------------------------------------------ */

static bool name_char(char ch, bool first)
{
	return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (!first && ch >= '0' && ch <= '9');
}

const char *hr__stage_expand(hr_check_ctx *c, const hr_stage *st, const char *s, size_t n)
{
	hr_buf b = HR_BUF_INIT;
	const char *out = NULL;

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '\\' && i + 1 < n && s[i + 1] == '$') {
			hr_buf_putc(&b, '$');
			i++;
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
			if (j >= n || s[j] != '}' || name_len == 0)
				goto out; /* a form we do not evaluate */
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
		const hr_var *v = find_var(st, s + name_start, name_len);
		if (v && v->value && (*v->value || !dflt)) {
			hr_buf_append(&b, v->value, strlen(v->value));
		} else if (dflt && !memchr(dflt, '$', dflt_len)) {
			hr_buf_append(&b, dflt, dflt_len);
		} else {
			goto out;
		}
	}
	if (!b.oom)
		out = hr_arena_strndup(c->arena, b.ptr ? b.ptr : "", b.len);
	if (!out)
		c->error = HR_ENOMEM;
out:
	hr_buf_free(&b);
	return out;
}

/* Clean an absolute path as Go's path.Clean does; no trailing slash. */
static const char *clean_path(hr_check_ctx *c, const char *p)
{
	size_t n = strlen(p);
	char *out = hr_arena_alloc(c->arena, n + 2);
	size_t len = 0;
	if (!out) {
		c->error = HR_ENOMEM;
		return "/";
	}
	out[len++] = '/';
	size_t i = 0;
	while (i < n) {
		while (i < n && p[i] == '/')
			i++;
		size_t s = i;
		while (i < n && p[i] != '/')
			i++;
		size_t cl = i - s;
		if (cl == 0 || (cl == 1 && p[s] == '.'))
			continue;
		if (cl == 2 && p[s] == '.' && p[s + 1] == '.') {
			while (len > 1 && out[len - 1] != '/')
				len--;
			if (len > 1)
				len--;
			continue;
		}
		if (len > 1)
			out[len++] = '/';
		memcpy(out + len, p + s, cl);
		len += cl;
	}
	out[len] = '\0';
	return out;
}

const char *hr__stage_resolve(hr_check_ctx *c, const hr_stage *st, const char *raw, size_t n)
{
	const char *x = hr__stage_expand(c, st, raw, n);
	if (!x)
		return NULL;
	if (x[0] == '/')
		return clean_path(c, x);
	if (st->workdir_unknown)
		return NULL;
	return clean_path(c, hr__strf(c, "%s/%s", st->workdir, x));
}

static void add_with_parents(hr_check_ctx *c, hr_pathset *set, const char *path)
{
	if (!path)
		return;
	char *copy = (char *)hr_arena_strndup(c->arena, path, strlen(path));
	if (!copy) {
		c->error = HR_ENOMEM;
		return;
	}
	pathset_add(c, set, copy);
	for (size_t i = strlen(copy); i-- > 1;)
		if (copy[i] == '/')
			pathset_add(c, set, hr_arena_strndup(c->arena, copy, i));
}

/* ---- RUN: what simple shell commands do to paths ------------------------- */

typedef struct words {
	const char **w;
	size_t n;
	size_t cap;
} words;

static void words_push(hr_check_ctx *c, words *ws, const char *s, size_t n)
{
	if (ws->n == ws->cap) {
		size_t cap = ws->cap ? ws->cap * 2 : 16;
		const char **w = realloc(ws->w, cap * sizeof(*w));
		if (!w) {
			c->error = HR_ENOMEM;
			return;
		}
		ws->w = w;
		ws->cap = cap;
	}
	ws->w[ws->n++] = hr_arena_strndup(c->arena, s, n);
}

static const char *basename_of(const char *p)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	size_t i = n;
	while (i > 0 && p[i - 1] != '/')
		i--;
	return p + i;
}

/* resolve a path word against the stage; NULL when it holds the unknown */
static const char *resolve_word(hr_check_ctx *c, const hr_stage *st, const char *w)
{
	if (!*w || strpbrk(w, "*?[`"))
		return NULL;
	return hr__stage_resolve(c, st, w, strlen(w));
}

static bool is_opt(const char *w)
{
	return w[0] == '-' && w[1] != '\0';
}

/* One simple command: words[0] is the program. */
static void command_effects(hr_check_ctx *c, hr_stage *st, const char **w, size_t n, bool as_user)
{
	/* skip wrappers: sudo [-u user], env, assignments, exec, command, nohup, time */
	while (n > 0) {
		const char *p = w[0];
		if (strchr(p, '=') && name_char(p[0], true)) {
			w++, n--;
			continue;
		}
		if (!strcmp(p, "sudo")) {
			w++, n--;
			while (n > 0 && is_opt(w[0])) {
				if ((!strcmp(w[0], "-u") || !strcmp(w[0], "-g")) && n > 1) {
					if (!strcmp(w[0], "-u") && strcmp(w[1], "root") && strcmp(w[1], "0"))
						as_user = true;
					w++, n--;
				}
				w++, n--;
			}
			continue;
		}
		if (!strcmp(p, "env") || !strcmp(p, "exec") || !strcmp(p, "command") ||
		    !strcmp(p, "nohup") || !strcmp(p, "time") || !strcmp(p, "then") ||
		    !strcmp(p, "do") || !strcmp(p, "else") || !strcmp(p, "!")) {
			w++, n--;
			continue;
		}
		break;
	}
	if (n == 0)
		return;
	const char *prog = basename_of(w[0]);

	if (!strcmp(prog, "ln")) {
		bool symbolic = false, no_target_dir = false;
		const char *target_dir = NULL;
		const char *ops[64];
		size_t nops = 0;
		for (size_t i = 1; i < n; i++) {
			const char *a = w[i];
			if (!strcmp(a, "--")) {
				for (i++; i < n && nops < 64; i++)
					ops[nops++] = w[i];
				break;
			}
			if (!strncmp(a, "--", 2)) {
				if (!strcmp(a, "--symbolic"))
					symbolic = true;
				else if (!strcmp(a, "--no-target-directory"))
					no_target_dir = true;
				else if (!strncmp(a, "--target-directory=", 19))
					target_dir = a + 19;
				continue;
			}
			if (a[0] == '-' && a[1]) {
				for (const char *f = a + 1; *f; f++) {
					if (*f == 's')
						symbolic = true;
					else if (*f == 'T')
						no_target_dir = true;
					else if (*f == 't' && i + 1 < n) {
						target_dir = w[++i];
						break;
					}
				}
				continue;
			}
			if (nops < 64)
				ops[nops++] = a;
		}
		if (!symbolic || nops == 0)
			return;
		if (target_dir) {
			for (size_t i = 0; i < nops; i++) {
				const char *dir = resolve_word(c, st, target_dir);
				if (dir)
					pathset_add(c, &st->symlinks, clean_path(c, hr__strf(c, "%s/%s", dir, basename_of(ops[i]))));
			}
			return;
		}
		if (nops == 1) {
			/* ln -s /x/y creates ./y */
			const char *p = resolve_word(c, st, basename_of(ops[0]));
			pathset_add(c, &st->symlinks, p);
			return;
		}
		const char *last = ops[nops - 1];
		size_t ll = strlen(last);
		const char *dest = resolve_word(c, st, last);
		if (!dest)
			return;
		bool into_dir = !no_target_dir && (nops > 2 || (ll && last[ll - 1] == '/') || hr__pathset_has(&st->dirs, dest));
		if (into_dir) {
			for (size_t i = 0; i + 1 < nops; i++)
				pathset_add(c, &st->symlinks, clean_path(c, hr__strf(c, "%s/%s", dest, basename_of(ops[i]))));
		} else {
			pathset_add(c, &st->symlinks, dest);
		}
		return;
	}
	if (!strcmp(prog, "chown") || !strcmp(prog, "chgrp") || !strcmp(prog, "chmod")) {
		bool owner_seen = false;
		for (size_t i = 1; i < n; i++) {
			const char *a = w[i];
			if (is_opt(a) && !owner_seen) {
				/* chmod -x FILE: "-x" is a mode when no mode was seen yet */
				if (!strcmp(prog, "chmod") && strspn(a + 1, "rwxXstugo") == strlen(a + 1) &&
				    strchr("rwxXst", a[1])) {
					owner_seen = true;
				}
				continue;
			}
			if (!owner_seen) {
				owner_seen = true; /* owner, group or mode */
				continue;
			}
			pathset_add(c, &st->meta_dirs, resolve_word(c, st, a));
		}
		return;
	}
	if (!strcmp(prog, "mkdir") || (!strcmp(prog, "install") && n > 1)) {
		bool is_install = !strcmp(prog, "install");
		bool dir_mode = !is_install, meta = as_user;
		const char *ops[64];
		size_t nops = 0;
		for (size_t i = 1; i < n; i++) {
			const char *a = w[i];
			if (is_opt(a)) {
				if (!strcmp(a, "-d") || !strcmp(a, "--directory"))
					dir_mode = true;
				if (!strcmp(a, "-m") || !strcmp(a, "-o") || !strcmp(a, "-g") ||
				    !strcmp(a, "--mode") || !strcmp(a, "--owner") || !strcmp(a, "--group")) {
					meta = true;
					i++;
				} else if (!strncmp(a, "-m", 2) || !strncmp(a, "--mode=", 7) ||
					   !strncmp(a, "--owner=", 8) || !strncmp(a, "--group=", 8) ||
					   (is_install && (!strncmp(a, "-o", 2) || !strncmp(a, "-g", 2)))) {
					meta = true;
				} else if (a[1] != '-' && strchr(a, 'd') && is_install) {
					dir_mode = true;
				}
				continue;
			}
			if (nops < 64)
				ops[nops++] = a;
		}
		if (!dir_mode)
			return;
		for (size_t i = 0; i < nops; i++) {
			const char *p = resolve_word(c, st, ops[i]);
			if (!p)
				continue;
			add_with_parents(c, &st->dirs, p);
			if (meta)
				pathset_add(c, &st->meta_dirs, p);
		}
		return;
	}
	if (!strcmp(prog, "useradd") || !strcmp(prog, "adduser")) {
		bool busybox_h = !strcmp(prog, "adduser");
		for (size_t i = 1; i + 1 < n; i++) {
			const char *a = w[i];
			if (!strcmp(a, "-d") || !strcmp(a, "--home-dir") || !strcmp(a, "--home") ||
			    (busybox_h && !strcmp(a, "-h"))) {
				const char *p = resolve_word(c, st, w[i + 1]);
				if (p) {
					pathset_add(c, &st->meta_dirs, p);
					add_with_parents(c, &st->dirs, p);
				}
				i++;
			} else if (!strncmp(a, "--home-dir=", 11) || !strncmp(a, "--home=", 7)) {
				const char *p = resolve_word(c, st, strchr(a, '=') + 1);
				if (p)
					pathset_add(c, &st->meta_dirs, p);
			}
		}
		return;
	}
}

/*
 * Split shell text into simple commands and words. Quotes group, a
 * backslash escapes, `#` at a word start comments to the end of the line;
 * &&, ||, ;, |, &, newlines, ( ) { } separate commands. Expansions stay as
 * written (resolve_word deals with them).
 */
static void shell_effects(hr_check_ctx *c, hr_stage *st, const char *s, size_t n, bool as_user)
{
	words ws = { NULL, 0, 0 };
	hr_buf word = HR_BUF_INIT;
	bool in_word = false;

#define END_WORD() do { if (in_word) { words_push(c, &ws, word.ptr ? word.ptr : "", word.len); hr_buf_clear(&word); in_word = false; } } while (0)
#define END_COMMAND() do { END_WORD(); command_effects(c, st, ws.w, ws.n, as_user); ws.n = 0; } while (0)

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '\\' && i + 1 < n) {
			if (s[i + 1] == '\n') {
				i++;
				continue;
			}
			hr_buf_putc(&word, s[++i]);
			in_word = true;
			continue;
		}
		if (ch == '\'' || ch == '"') {
			size_t j = i + 1;
			while (j < n && s[j] != ch) {
				if (ch == '"' && s[j] == '\\' && j + 1 < n)
					j++;
				hr_buf_putc(&word, s[j]);
				j++;
			}
			in_word = true;
			i = j;
			continue;
		}
		if (ch == '#' && !in_word) {
			while (i < n && s[i] != '\n')
				i++;
			END_COMMAND();
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\r') {
			END_WORD();
			continue;
		}
		if (ch == '\n' || ch == ';' || ch == '&' || ch == '|' || ch == '(' || ch == ')' ||
		    ch == '{' || ch == '}') {
			END_COMMAND();
			continue;
		}
		if (ch == '>' || ch == '<') {
			/* a redirection: skip its target word */
			END_WORD();
			while (i + 1 < n && (s[i + 1] == '>' || s[i + 1] == '&' || s[i + 1] == '<'))
				i++;
			while (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t'))
				i++;
			while (i + 1 < n && !strchr(" \t\n;&|", s[i + 1]))
				i++;
			continue;
		}
		hr_buf_putc(&word, ch);
		in_word = true;
	}
	END_COMMAND();
#undef END_WORD
#undef END_COMMAND
	if (word.oom)
		c->error = HR_ENOMEM;
	hr_buf_free(&word);
	free(ws.w);
}

static void run_effects(hr_check_ctx *c, hr_stage *st, const hr_instruction *in)
{
	const hr_dockerfile *df = c->df;
	if (in->json_form) {
		hr_buf b = HR_BUF_INIT;
		for (size_t i = 0; i < in->nargs; i++) {
			if (i)
				hr_buf_putc(&b, ' ');
			/* exec form: each argument is one word */
			hr_buf_putc(&b, '\'');
			hr_buf_append(&b, in->args[i].text.ptr, in->args[i].text.len);
			hr_buf_putc(&b, '\'');
		}
		/* `sh -c "..."` in exec form: the script is the argument */
		if (in->nargs >= 3 && (!strcmp(basename_of(in->args[0].text.ptr), "sh") ||
				       !strcmp(basename_of(in->args[0].text.ptr), "bash")) &&
		    !strcmp(in->args[1].text.ptr, "-c"))
			shell_effects(c, st, in->args[2].text.ptr, in->args[2].text.len, st->user_nonroot);
		else
			shell_effects(c, st, b.ptr ? b.ptr : "", b.len, st->user_nonroot);
		hr_buf_free(&b);
		return;
	}
	if (in->nargs > 0)
		shell_effects(c, st, in->args[0].text.ptr, in->args[0].text.len, st->user_nonroot);
	for (size_t i = 0; i < in->nheredocs; i++) {
		const hr_heredoc *h = &in->heredocs[i];
		shell_effects(c, st, df->data + h->body.start, h->body.end - h->body.start, st->user_nonroot);
	}
}

/* ---- the walk -------------------------------------------------------------- */

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

static bool user_is_root(const char *u)
{
	size_t n = strcspn(u, ":");
	return (n == 4 && !strncmp(u, "root", 4)) || (n == 1 && u[0] == '0');
}

static void start_stage(hr_check_ctx *c, hr_stage *st, size_t index, const hr_instruction *in,
	hr_stage *stages, size_t nstages, const hr_stage *globals)
{
	memset(st, 0, sizeof(*st));
	st->index = index;
	st->from = in;
	st->workdir = "/";
	/* FROM [--platform=..] image [AS name] */
	const char *image = in->nargs > 0 ? in->args[0].text.ptr : "";
	size_t image_len = in->nargs > 0 ? in->args[0].text.len : 0;
	if (in->nargs >= 3 && in->args[1].text.len == 2 && (in->args[1].text.ptr[0] | 0x20) == 'a' &&
	    (in->args[1].text.ptr[1] | 0x20) == 's')
		st->name = lower_dup(c, in->args[2].text.ptr, in->args[2].text.len);
	const char *expanded = hr__stage_expand(c, globals, image, image_len);
	const char *base = expanded ? expanded : image;
	if (!strcasecmp(base, "scratch")) {
		st->scratch = true;
		return;
	}
	/* a previous stage by name or index */
	for (size_t i = 0; expanded && i < nstages; i++) {
		char idx[24];
		snprintf(idx, sizeof(idx), "%zu", i);
		if ((stages[i].name && !strcasecmp(stages[i].name, base)) || !strcmp(idx, base)) {
			const hr_stage *b = &stages[i];
			st->scratch = b->scratch;
			st->image_base = b->image_base;
			st->workdir = b->workdir;
			st->workdir_unknown = b->workdir_unknown;
			st->user_nonroot = b->user_nonroot;
			st->user = b->user;
			pathset_copy(c, &st->symlinks, &b->symlinks);
			pathset_copy(c, &st->meta_dirs, &b->meta_dirs);
			pathset_copy(c, &st->dirs, &b->dirs);
			for (size_t k = 0; k < b->nvars; k++)
				set_var(c, st, b->vars[k].name, b->vars[k].value);
			return;
		}
	}
	st->image_base = true;
}

/* ARG a=b c / ENV a=b c=d / ENV a b: record values (NULL when unknown) */
static void record_vars(hr_check_ctx *c, hr_stage *st, const hr_instruction *in, const hr_stage *globals)
{
	if (in->kind == HR_KW_ENV) {
		for (size_t i = 0; i + 1 < in->nargs; i += 3) {
			const hr_str *k = &in->args[i].text, *v = &in->args[i + 1].text;
			const char *name = hr_arena_strndup(c->arena, k->ptr, k->len);
			/* strip one level of quotes from the value */
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
			const hr_var *g = globals ? find_var(globals, name, nl) : NULL;
			if (!find_var(st, name, nl) || !globals)
				set_var(c, st, name, g ? g->value : NULL);
		}
	}
}

static void copy_effects(hr_check_ctx *c, hr_stage *st, const hr_instruction *in)
{
	if (in->nargs < 2)
		return;
	const hr_arg *dest = &in->args[in->nargs - 1];
	const char *p = hr__stage_resolve(c, st, dest->text.ptr, dest->text.len);
	if (!p)
		return;
	bool dir = in->nargs > 2 || (dest->text.len && dest->text.ptr[dest->text.len - 1] == '/') ||
		   (dest->text.len == 1 && dest->text.ptr[0] == '.');
	if (dir) {
		add_with_parents(c, &st->dirs, p);
	} else {
		const char *slash = strrchr(p, '/');
		if (slash && slash != p)
			add_with_parents(c, &st->dirs, hr_arena_strndup(c->arena, p, (size_t)(slash - p)));
	}
	/* --chown to a user: directories the copy creates belong to that user */
	for (size_t i = 0; i < in->nflags; i++)
		if (!strcmp(in->flags[i].name.ptr, "chown") && in->flags[i].has_value &&
		    !user_is_root(in->flags[i].value.ptr) && dir)
			pathset_add(c, &st->meta_dirs, p);
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
			start_stage(c, &stages[nstages], nstages, in, stages, nstages, &globals);
			cur = &stages[nstages++];
			continue;
		}
		if (!cur) {
			if (in->kind == HR_KW_ARG)
				record_vars(c, &globals, in, NULL);
			continue;
		}
		switch (in->kind) {
		case HR_KW_WORKDIR:
			if (in->nargs > 0) {
				const char *p = hr__stage_resolve(c, cur, in->args[0].text.ptr, in->args[0].text.len);
				if (p) {
					cur->workdir = p;
					cur->workdir_unknown = false;
					add_with_parents(c, &cur->dirs, p);
					if (cur->user_nonroot)
						pathset_add(c, &cur->meta_dirs, p);
				} else {
					cur->workdir_unknown = true;
				}
			}
			break;
		case HR_KW_USER:
			if (in->nargs > 0) {
				const char *u = hr__stage_expand(c, cur, in->args[0].text.ptr, in->args[0].text.len);
				cur->user = u;
				cur->user_nonroot = !u || !user_is_root(u);
			}
			break;
		case HR_KW_ARG:
			record_vars(c, cur, in, &globals);
			break;
		case HR_KW_ENV:
			record_vars(c, cur, in, NULL);
			break;
		case HR_KW_RUN:
			run_effects(c, cur, in);
			break;
		case HR_KW_COPY:
		case HR_KW_ADD:
			visit(c, cur, in, in, data);
			copy_effects(c, cur, in);
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
}
