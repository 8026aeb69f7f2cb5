/* SPDX-License-Identifier: MIT */
/*
 * copy.c - one COPY or ADD as BuildKit builds it, and what --link changes.
 *
 * BuildKit (dockerfile2llb's dispatchCopy, fsutil's Copy) copies every
 * source in turn to the destination: the destination's missing parents are
 * made (MkdirAll, mode 0755, owned by the --chown ids or root); a source
 * directory's contents go into the destination; a file goes into it when it
 * is an existing directory or is written with a trailing '/', and becomes it
 * otherwise; ADD extracts a local archive (recognised by its bytes) into a
 * directory. Nothing that exists is touched but what is copied over.
 *
 * With --link the copy runs on an empty filesystem and the result is merged
 * on top of the stage. So every directory the copy makes - each ancestor of
 * the destination, the destination, the directories inside a copied
 * directory or archive - replaces the stage's entry at that path: its owner
 * and mode become the layer's, a symlink there becomes a directory, and a
 * destination written as a file replaces a directory. hr__copy_judge()
 * lists those replacements against the stage's model (fsmodel.h); an empty
 * list of certain facts is what makes --link safe to add.
 *
 * Sources are learned where they can be seen: heredocs and URLs are files,
 * a git source is a directory, `COPY --from=stage` asks that stage's model,
 * and a build-context source asks the caller's view of the repository
 * (hr_build_context) - the root the file's sources live in is chosen once
 * per file by hr__context_choose().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "copy.h"
#include "heredoc.h"
#include "hook-run/policy.h"

/* ---- bytes of an archive -------------------------------------------------- */

bool hr_bytes_are_archive(const unsigned char *p, size_t n)
{
	/* the compressions BuildKit's DecompressStream reads */
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return true; /* gzip */
	if (n >= 3 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h')
		return true; /* bzip2 */
	if (n >= 6 && p[0] == 0xfd && p[1] == '7' && p[2] == 'z' && p[3] == 'X' && p[4] == 'Z' && p[5] == 0)
		return true; /* xz */
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return true; /* zstd */
	if (n < 512)
		return false;
	/* a tar header: its checksum adds up (Go's archive/tar accepts V7 headers too) */
	unsigned long sum = 0;
	for (size_t i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : p[i];
	unsigned long want = 0;
	size_t i = 148;
	while (i < 156 && (p[i] == ' ' || p[i] == 0))
		i++;
	bool digits = false;
	for (; i < 156 && p[i] >= '0' && p[i] <= '7'; i++) {
		want = want * 8 + (unsigned long)(p[i] - '0');
		digits = true;
	}
	return digits && want == sum;
}

/* ---- reading the instruction -------------------------------------------- */

static bool str_eq(const hr_str *s, const char *lit)
{
	size_t n = strlen(lit);
	return s->len == n && memcmp(s->ptr, lit, n) == 0;
}

static bool ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

static bool archive_name(const char *s, size_t n)
{
	static const char *const ext[] = {
		".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
		".tar.zst", ".tzst", ".gz", ".bz2", ".xz", ".zst",
	};
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (ends_with_ci(s, n, ext[i]))
			return true;
	return false;
}

static bool is_url(const char *s, size_t n)
{
	return (n > 7 && !strncasecmp(s, "http://", 7)) || (n > 8 && !strncasecmp(s, "https://", 8));
}

static bool is_git(const char *s, size_t n)
{
	if ((n > 6 && !strncmp(s, "git://", 6)) || (n > 4 && !strncmp(s, "git@", 4)) ||
	    (n > 6 && !strncmp(s, "ssh://", 6)))
		return true;
	/* https://host/org/repo.git, with an optional #ref */
	size_t e = 0;
	while (e < n && s[e] != '#')
		e++;
	return is_url(s, n) && (ends_with_ci(s, e, ".git") || memchr(s, '#', n));
}

static bool has_wildcard(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '*' || s[i] == '?' || s[i] == '[')
			return true;
	}
	return false;
}

/* a context-relative, clean path ("" is the root); NULL if it leaves the context */
static const char *context_rel(hr_check_ctx *c, const char *s, size_t n)
{
	const char *clean = hr__path_clean(c, s, n); /* absolute: ".." cannot climb out */
	return clean[1] ? clean + 1 : "";
}

/* ---- the build context ----------------------------------------------------- */

static hr_ctx_type ctx_lookup(hr_check_ctx *c, long root, const char *rel, unsigned *flags)
{
	*flags = 0;
	if (!c->bctx || root < 0)
		return HR_CTX_UNKNOWN;
	return c->bctx->lookup(c->bctx->data, (size_t)root, rel, flags);
}

typedef struct glob_state {
	const char *pattern;
	size_t matches, files, dirs, archives;
} glob_state;

static int glob_visit(void *arg, const char *name, hr_ctx_type type, unsigned flags)
{
	glob_state *g = arg;
	if (!hr_wildmatch(g->pattern, name))
		return 0;
	g->matches++;
	if (type == HR_CTX_FILE)
		g->files++;
	else if (type == HR_CTX_DIR)
		g->dirs++;
	if (flags & HR_CTX_ARCHIVE)
		g->archives++;
	return g->matches > 100000;
}

void hr__context_choose(hr_check_ctx *c)
{
	const hr_dockerfile *df = c->df;
	c->bctx_root = -1;
	if (!c->bctx || c->bctx->ncandidates == 0)
		return;
	size_t nroots = c->bctx->ncandidates < 16 ? c->bctx->ncandidates : 16;
	size_t hits[16] = { 0 };
	size_t best = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < df->ninstructions; i++) {
			const hr_instruction *in = &df->instructions[i];
			if (in->kind != HR_KW_COPY && in->kind != HR_KW_ADD)
				continue;
			bool from = false;
			for (size_t f = 0; f < in->nflags; f++)
				if (str_eq(&in->flags[f].name, "from"))
					from = true;
			if (from || in->nargs < 2)
				continue;
			for (size_t a = 0; a + 1 < in->nargs; a++) {
				const hr_str *s = &in->args[a].text;
				hr_heredoc h;
				if (hr_heredoc_parse_word(&h, c->arena, s->ptr, s->len) || is_url(s->ptr, s->len) ||
				    is_git(s->ptr, s->len) || has_wildcard(s->ptr, s->len))
					continue;
				const char *rel = context_rel(c, s->ptr, s->len);
				if (!*rel)
					continue;
				if (pass == 0) {
					for (size_t r = 0; r < nroots; r++) {
						unsigned fl;
						hr_ctx_type t = ctx_lookup(c, (long)r, rel, &fl);
						if (t == HR_CTX_FILE || t == HR_CTX_DIR || t == HR_CTX_SYMLINK)
							hits[r]++;
					}
				} else {
					/* every root as good as the best must agree on every type */
					unsigned fl;
					hr_ctx_type want = ctx_lookup(c, (long)best, rel, &fl);
					for (size_t r = 0; r < nroots; r++) {
						if (r == best || hits[r] != hits[best])
							continue;
						if (ctx_lookup(c, (long)r, rel, &fl) != want) {
							c->bctx_root = -1;
							return;
						}
					}
				}
			}
		}
		if (pass == 0) {
			for (size_t r = 1; r < nroots; r++)
				if (hits[r] > hits[best])
					best = r;
			if (hits[best] == 0)
				return;
			c->bctx_root = (long)best;
		}
	}
}

/* ---- a plan of the copy ---------------------------------------------------- */

static const char *owner_text(hr_check_ctx *c, const char *s, size_t n)
{
	return hr_arena_strndup(c->arena, s, n);
}

/* BuildKit's llb.WithUser: "u[:g]", each part numeric or "root" (an id) or a name */
static void plan_chown(hr_check_ctx *c, const hr_stage *st, hr_copy_plan *p)
{
	p->owner = hr__owner_root();
	if (!p->chown)
		return;
	const hr_str *v = &p->chown->value;
	const char *x = hr__stage_expand(c, st, v->ptr, v->len);
	if (!x) {
		p->chown_kind = HR_CHOWN_UNRESOLVED;
		p->chown_text = owner_text(c, v->ptr, v->len);
		p->chown_var = hr__stage_unresolved(c, st, v->ptr, v->len);
		p->owner.kind = HR_OWNER_UNKNOWN;
		return;
	}
	p->chown_text = x;
	const char *colon = strchr(x, ':');
	size_t ul = colon ? (size_t)(colon - x) : strlen(x);
	long ids[2] = { -1, -1 };
	const char *parts[2] = { x, colon ? colon + 1 : NULL };
	size_t lens[2] = { ul, colon ? strlen(colon + 1) : 0 };
	for (int k = 0; k < 2; k++) {
		if (!parts[k])
			continue;
		const char *s = parts[k];
		size_t n = lens[k];
		if (n == 4 && !strncmp(s, "root", 4)) {
			ids[k] = 0;
			continue;
		}
		char *end;
		long v2 = n ? strtol(s, &end, 10) : -1;
		if (n && (size_t)(end - s) == n && v2 >= 0 && v2 <= 0x7fffffffL)
			ids[k] = v2;
		else
			ids[k] = -2; /* a name (or something BuildKit reads as one) */
	}
	if (ids[0] == -2 || ids[1] == -2) {
		p->chown_kind = HR_CHOWN_NAME;
		p->owner.kind = HR_OWNER_NAME;
		p->owner.name = x;
		return;
	}
	p->chown_kind = HR_CHOWN_IDS;
	/* a numeric user alone: BuildKit's readUser uses it as the group too */
	p->owner = hr__owner_ids((uint32_t)ids[0], (uint32_t)(parts[1] ? ids[1] : ids[0]));
}

static void type_from_context(hr_check_ctx *c, hr_copy_source *s, const hr_str *t, bool is_add)
{
	s->rel = context_rel(c, t->ptr, t->len);
	if (!*s->rel) {
		s->type = HR_SRCT_DIR; /* ".", "/", "./": the context itself */
		s->why = "the build context";
		return;
	}
	if (s->wildcard) {
		/* a pattern in the last component only: list its directory */
		const char *slash = strrchr(s->rel, '/');
		const char *dir = slash ? hr_arena_strndup(c->arena, s->rel, (size_t)(slash - s->rel)) : "";
		const char *pat = slash ? slash + 1 : s->rel;
		if (c->bctx && c->bctx_root >= 0 && dir && !has_wildcard(dir, strlen(dir))) {
			glob_state g = { pat, 0, 0, 0, 0 };
			if (c->bctx->list(c->bctx->data, (size_t)c->bctx_root, dir, glob_visit, &g) == 0 && g.matches) {
				if (g.files == g.matches)
					s->type = HR_SRCT_FILE;
				else if (g.dirs == g.matches)
					s->type = HR_SRCT_DIR;
				s->archive = is_add && g.archives > 0;
				s->why = "what the pattern matches in the repository";
				return;
			}
		}
		s->archive = is_add; /* it may match archives */
		return;
	}
	unsigned flags;
	hr_ctx_type ct = ctx_lookup(c, c->bctx_root, s->rel, &flags);
	if (ct == HR_CTX_FILE) {
		s->type = HR_SRCT_FILE;
		s->archive = is_add && (flags & HR_CTX_ARCHIVE);
		s->why = "a file in the repository";
	} else if (ct == HR_CTX_DIR) {
		s->type = HR_SRCT_DIR;
		s->why = "a directory in the repository";
	} else {
		/* not in the repository (built before the build), or no repository:
		 * judge an ADD's archive by its name */
		s->archive = is_add && archive_name(t->ptr, t->len);
	}
}

void hr__copy_plan(hr_check_ctx *c, hr_stage *st, const hr_instruction *in, hr_copy_plan *p)
{
	const hr_flag *unpack = NULL;
	p->in = in;
	p->dir_mode = 0755;
	for (size_t i = 0; i < in->nflags; i++) {
		const hr_flag *f = &in->flags[i];
		if (str_eq(&f->name, "from"))
			p->from = f;
		else if (str_eq(&f->name, "parents"))
			p->parents = !f->has_value || !strncasecmp(f->value.ptr, "true", f->value.len);
		else if (str_eq(&f->name, "unpack"))
			unpack = f;
	}
	bool unpack_off = unpack && unpack->has_value && !strncasecmp(unpack->value.ptr, "false", 5);
	plan_chown(c, st, p);
	if (p->chmod) {
		char *end;
		long m = strtol(p->chmod->value.ptr, &end, 8);
		p->dir_mode = (end != p->chmod->value.ptr && *end == '\0' && m >= 0 && m <= 07777) ? (int)m : HR_MODE_UNKNOWN;
	}

	/* the source stage of --from, if it is one */
	const hr_stage *from_stage = NULL;
	bool from_image = false;
	if (p->from) {
		const char *ref = hr__stage_expand(c, st, p->from->value.ptr, p->from->value.len);
		from_stage = ref ? hr__stage_find(c, ref) : NULL;
		from_image = !from_stage;
	}

	p->nsrc = in->nargs - 1;
	p->src = hr_arena_calloc(c->arena, p->nsrc ? p->nsrc : 1, sizeof(*p->src));
	if (!p->src) {
		c->error = HR_ENOMEM;
		p->nsrc = 0;
		return;
	}
	for (size_t i = 0; i + 1 < in->nargs; i++) {
		hr_copy_source *s = &p->src[i];
		const hr_str *t = &in->args[i].text;
		hr_heredoc h;
		s->arg = &in->args[i];
		if (hr_heredoc_parse_word(&h, c->arena, t->ptr, t->len)) {
			s->kind = HR_SRC_HEREDOC;
			s->type = HR_SRCT_FILE;
			s->why = "a heredoc";
			s->rel = hr_arena_strndup(c->arena, h.name.ptr, h.name.len);
			continue;
		}
		s->wildcard = has_wildcard(t->ptr, t->len);
		if (p->is_add && is_git(t->ptr, t->len)) {
			s->kind = HR_SRC_GIT;
			s->type = HR_SRCT_DIR;
			s->why = "a git repository";
			continue;
		}
		if (p->is_add && is_url(t->ptr, t->len)) {
			s->kind = HR_SRC_URL;
			s->type = HR_SRCT_FILE;
			s->why = "a download";
			s->archive = unpack && !unpack_off;
			continue;
		}
		if (from_stage || from_image) {
			s->kind = from_stage ? HR_SRC_STAGE : HR_SRC_IMAGE;
			s->from = from_stage;
			const char *x = hr__stage_expand(c, st, t->ptr, t->len);
			s->from_path = x ? hr__path_clean(c, x, strlen(x)) : NULL;
			if (s->from_path && !strcmp(s->from_path, "/")) {
				s->type = HR_SRCT_DIR;
				s->why = "the whole filesystem of the source";
			} else if (from_stage && s->from_path && !s->wildcard) {
				hr_fs_fact f;
				hr__fs_lookup(&from_stage->fs, s->from_path, &f);
				if (f.type == HR_FS_DIR && !f.maybe_absent && !f.symlink) {
					s->type = HR_SRCT_DIR;
					s->why = hr__strf(c, "a directory in stage %s", from_stage->name ? from_stage->name : "");
				} else if (f.type == HR_FS_FILE && !f.from_parent && !f.symlink) {
					s->type = HR_SRCT_FILE;
					s->why = hr__strf(c, "a file in stage %s", from_stage->name ? from_stage->name : "");
				}
			}
			continue;
		}
		s->kind = HR_SRC_CONTEXT;
		const char *x = hr__stage_expand(c, st, t->ptr, t->len);
		hr_str xs = { x ? x : t->ptr, x ? strlen(x) : t->len };
		if (!x) {
			s->archive = p->is_add; /* unknown: it may be an archive */
			continue;
		}
		type_from_context(c, s, &xs, p->is_add);
		if (unpack_off)
			s->archive = false;
	}

	p->dest = &in->args[in->nargs - 1];
	const hr_str *d = &p->dest->text;
	/* BuildKit looks for the trailing '/' (or '.') in the word after its
	   processing: `'/app/'` and `$DIR` holding /app/ name a directory.
	   The written word stands in when it cannot be processed. */
	const char *dx = hr__stage_expand(c, st, d->ptr, d->len);
	hr_str dw = { dx ? dx : d->ptr, dx ? strlen(dx) : d->len };
	p->dest_slash = dw.len == 0 || dw.ptr[dw.len - 1] == '/' || str_eq(&dw, ".") ||
			ends_with_ci(dw.ptr, dw.len, "/.");
	p->dest_path = hr__stage_resolve(c, st, d->ptr, d->len);
	if (!p->dest_path) {
		p->dest_var = hr__stage_unresolved(c, st, d->ptr, d->len);
		if (!p->dest_var && st->workdir_unknown)
			p->dest_var = "WORKDIR";
	}
}

/* ---- judging a linked copy ------------------------------------------------ */

typedef struct judge {
	hr_check_ctx *c;
	const hr_stage *st;
	const hr_copy_plan *p;
	hr_copy_verdict *v;
	size_t cap;
} judge;

static hr_copy_change *add_change(judge *j, hr_change_kind kind, const char *path, const hr_fs_fact *was)
{
	hr_copy_verdict *v = j->v;
	if (v->nchanges == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 8;
		hr_copy_change *n = hr_arena_calloc(j->c->arena, cap, sizeof(*n));
		if (!n) {
			j->c->error = HR_ENOMEM;
			return NULL;
		}
		if (v->nchanges)
			memcpy(n, v->changes, v->nchanges * sizeof(*n));
		v->changes = n;
		j->cap = cap;
	}
	hr_copy_change *ch = &v->changes[v->nchanges++];
	memset(ch, 0, sizeof(*ch));
	ch->kind = kind;
	ch->path = path;
	if (was)
		ch->was = *was;
	ch->certain = was ? was->certain : false;
	ch->mode = 0755;
	ch->owner = j->p->owner;
	return ch;
}

static bool owner_known_same(const hr_owner *a, const hr_owner *b)
{
	return a->kind != HR_OWNER_UNKNOWN && b->kind != HR_OWNER_UNKNOWN && hr__owner_same(a, b);
}

/* the layer makes the directory `path` (mode, owner): what does it replace? */
static void created_dir(judge *j, const char *path, int mode, bool possible)
{
	const hr_owner *owner = &j->p->owner;
	hr_fs_fact f;
	hr__fs_lookup(&j->st->fs, path, &f);
	if (!f.certain)
		j->v->certain = false;
	hr_copy_change *ch;

	if (f.symlink)
		return; /* reported at the symlink itself */
	switch (f.type) {
	case HR_FS_ABSENT:
		if (f.content == HR_CONTENT_DEFAULT && !owner_known_same(&f.content_owner, owner)) {
			/* a default directory a program may have made there */
			ch = add_change(j, HR_CHANGE_META, path, &f);
			if (ch) {
				ch->was.type = HR_FS_DIR;
				ch->was.mode = 0755;
				ch->was.owner = f.content_owner;
				ch->possible = true;
				ch->mode = mode;
			}
		}
		return;
	case HR_FS_FILE:
		return; /* without --link the build fails there anyway */
	case HR_FS_SYMLINK:
	case HR_FS_MAYBE_SYMLINK:
		ch = add_change(j, HR_CHANGE_SYMLINK, path, &f);
		if (ch)
			ch->possible = possible || f.type == HR_FS_MAYBE_SYMLINK;
		return;
	case HR_FS_DIR:
	case HR_FS_UNKNOWN:
		break;
	}
	bool is_dir_fact = f.type == HR_FS_DIR || (f.type == HR_FS_UNKNOWN && f.system && f.mode >= 0);
	if (!is_dir_fact) {
		ch = add_change(j, HR_CHANGE_UNKNOWN, path, &f);
		if (ch) {
			ch->possible = possible;
			ch->why = f.why;
			ch->certain = false;
		}
		j->v->certain = false;
		return;
	}
	bool mode_same = f.mode >= 0 && mode >= 0 && f.mode == mode;
	bool owner_same = owner_known_same(&f.owner, owner);
	if (mode_same && owner_same)
		return;
	ch = add_change(j, HR_CHANGE_META, path, &f);
	if (!ch)
		return;
	ch->mode = mode;
	ch->possible = possible || f.maybe_absent || f.type == HR_FS_UNKNOWN;
	if (f.mode < 0 || f.owner.kind == HR_OWNER_UNKNOWN || owner->kind == HR_OWNER_UNKNOWN)
		ch->certain = false;
	/* --chown handing a system directory to someone else */
	if (f.system && j->p->chown_kind != HR_CHOWN_NONE && !owner_same &&
	    !(owner->kind == HR_OWNER_IDS && owner->uid == 0 && owner->gid == 0))
		j->v->system_reown = true;
}

static int src_type_all(const hr_copy_plan *p, hr_src_type t)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nsrc; i++)
		if (p->src[i].type == t)
			n++;
	return n == p->nsrc && n > 0;
}

static bool any_archive(const hr_copy_plan *p)
{
	for (size_t i = 0; i < p->nsrc; i++)
		if (p->src[i].archive)
			return true;
	return false;
}

/*
 * The build context itself (".") when no root could be chosen: every
 * candidate root must give the same answer. 1 yes, 0 no, -1 unknown.
 */
static int context_root_has_dir(judge *j, const char *rel)
{
	const hr_build_context *b = j->c->bctx;
	int answer = -2;
	for (size_t r = 0; b && r < b->ncandidates && r < 16; r++) {
		unsigned fl;
		hr_ctx_type t = b->lookup(b->data, r, rel, &fl);
		int a = t == HR_CTX_DIR || t == HR_CTX_SYMLINK ? 1 : (t == HR_CTX_ABSENT || t == HR_CTX_FILE) ? 0 : -1;
		if (answer == -2)
			answer = a;
		else if (answer != a)
			return -1;
	}
	return answer == -2 ? -1 : answer;
}

/* does the copied directory hold `rel` as a directory? 1 yes, 0 no, -1 unknown */
static int source_has_dir(judge *j, const char *rel)
{
	int answer = 0;
	for (size_t i = 0; i < j->p->nsrc; i++) {
		const hr_copy_source *s = &j->p->src[i];
		if (s->type == HR_SRCT_FILE)
			continue;
		if (s->kind == HR_SRC_CONTEXT && s->type == HR_SRCT_DIR && s->rel && !*s->rel &&
		    j->c->bctx && j->c->bctx_root < 0) {
			int a = context_root_has_dir(j, rel);
			if (a == 1)
				return 1;
			if (a < 0)
				answer = -1;
			continue;
		}
		if (s->kind == HR_SRC_CONTEXT && s->type == HR_SRCT_DIR && j->c->bctx && j->c->bctx_root >= 0 && s->rel) {
			unsigned fl;
			const char *q = *s->rel ? hr__strf(j->c, "%s/%s", s->rel, rel) : rel;
			hr_ctx_type t = ctx_lookup(j->c, j->c->bctx_root, q, &fl);
			if (t == HR_CTX_DIR || t == HR_CTX_SYMLINK)
				return 1;
			if (t == HR_CTX_UNKNOWN)
				answer = -1;
			continue;
		}
		if (s->kind == HR_SRC_STAGE && s->from && s->from_path) {
			hr_fs_fact f;
			const char *q = strcmp(s->from_path, "/") ? hr__strf(j->c, "%s/%s", s->from_path, rel) :
				hr__strf(j->c, "/%s", rel);
			hr__fs_lookup(&s->from->fs, q, &f);
			if (f.type == HR_FS_DIR && !f.maybe_absent)
				return 1;
			if (f.type != HR_FS_ABSENT && f.type != HR_FS_FILE)
				answer = -1;
			continue;
		}
		answer = -1;
	}
	return answer;
}

/*
 * A source nobody can see, named like a file ("local.conf", not "rootfs"
 * or "dist/"): its directories are not imagined. Only for the collisions a
 * copied directory could cause; it never makes the source's type known.
 */
static bool named_like_file(const hr_copy_source *s)
{
	const hr_str *t = &s->arg->text;
	if (s->type != HR_SRCT_UNKNOWN || s->wildcard || !t->len || t->ptr[t->len - 1] == '/')
		return false;
	size_t i = t->len;
	while (i > 0 && t->ptr[i - 1] != '/')
		i--;
	const char *dot = memchr(t->ptr + i, '.', t->len - i);
	return dot && dot > t->ptr + i && dot + 1 < t->ptr + t->len;
}

/* the directories a copied directory or archive brings into `dest` */
static void contents(judge *j, const char *dest, bool archive)
{
	const hr_fsmodel *m = &j->st->fs;
	size_t dl = strlen(dest);
	bool dir_src = false;
	for (size_t i = 0; i < j->p->nsrc; i++)
		if (j->p->src[i].type != HR_SRCT_FILE && !named_like_file(&j->p->src[i]))
			dir_src = true;
	if (!dir_src && !archive)
		return;

	/* the stage's known entries below the destination */
	uint32_t *below;
	bool truncated;
	size_t nbelow = hr__fs_below(j->c, m, dest, &below, &truncated);
	if (truncated) {
		hr_copy_change *ch = add_change(j, HR_CHANGE_UNKNOWN, dest, NULL);
		if (ch) {
			ch->possible = true;
			ch->why = "more paths below it than hook-run judges";
		}
		j->v->certain = false;
	}
	for (size_t kb = 0; kb < nbelow; kb++) {
		const hr_fs_node *x = &m->nodes[below[kb]];
		if (x->type != HR_FS_DIR && x->type != HR_FS_SYMLINK && x->type != HR_FS_MAYBE_SYMLINK &&
		    x->type != HR_FS_UNKNOWN)
			continue;
		if (x->type == HR_FS_DIR && x->mode == 0755 && owner_known_same(&x->owner, &j->p->owner) &&
		    !x->maybe_absent)
			continue; /* the layer writes it the same way */
		const char *rel = x->path + (dl == 1 ? 1 : dl + 1);
		int has = archive ? -1 : source_has_dir(j, rel);
		if (has == 0)
			continue;
		if (has < 0 && (x->type == HR_FS_SYMLINK || x->type == HR_FS_MAYBE_SYMLINK)) {
			/* only if the source holds that path: unknown, not a certain break */
			hr_fs_fact f;
			hr__fs_lookup(m, x->path, &f);
			hr_copy_change *ch = add_change(j, HR_CHANGE_UNKNOWN, x->path, &f);
			if (ch) {
				ch->possible = true;
				ch->certain = false;
				ch->why = archive ? "a symlink an archive's directory would replace, if it holds one there" :
						    "a symlink a copied directory would replace, if it holds one there";
			}
			j->v->certain = false;
			continue;
		}
		created_dir(j, x->path, 0755, has < 0);
	}
	free(below);
	/* what the destination holds beyond the model's nodes */
	hr_fs_fact f;
	hr__fs_lookup(m, dest, &f);
	if (f.symlink || f.type != HR_FS_DIR)
		return;
	if (f.content == HR_CONTENT_UNKNOWN) {
		hr_copy_change *ch = add_change(j, HR_CHANGE_UNKNOWN, dest, &f);
		if (ch) {
			ch->possible = true;
			ch->certain = false;
			ch->why = archive ? "an archive's directories replace the ones already there, and hook-run "
					    "cannot see what is there" :
					    "hook-run cannot see which directories are already there";
		}
		j->v->certain = false;
	} else if (f.content == HR_CONTENT_DEFAULT && !owner_known_same(&f.content_owner, &j->p->owner)) {
		hr_copy_change *ch = add_change(j, HR_CHANGE_META, dest, &f);
		if (ch) {
			ch->possible = true;
			ch->certain = false;
			ch->was.mode = 0755;
			ch->was.owner = f.content_owner;
			ch->why = "directories a RUN made there";
		}
	}
}

static bool names_its_source(const hr_copy_plan *p)
{
	if (!p->dest_path || p->nsrc != 1 || p->src[0].wildcard)
		return false;
	const char *d = strrchr(p->dest_path, '/');
	d = d ? d + 1 : p->dest_path;
	const hr_str *t = &p->src[0].arg->text;
	size_t n = t->len;
	while (n > 0 && t->ptr[n - 1] == '/')
		n--;
	size_t i = n;
	while (i > 0 && t->ptr[i - 1] != '/')
		i--;
	return n > i && strlen(d) == n - i && !memcmp(d, t->ptr + i, n - i);
}

void hr__copy_judge(hr_check_ctx *c, const hr_stage *st, const hr_copy_plan *p, bool slash,
	hr_copy_verdict *out)
{
	judge j = { c, st, p, out, 0 };
	memset(out, 0, sizeof(*out));
	out->certain = true;
	if (p->owner.kind == HR_OWNER_UNKNOWN)
		out->certain = false;
	if (!p->dest_path) {
		hr_copy_change *ch = add_change(&j, HR_CHANGE_UNKNOWN, NULL, NULL);
		if (ch)
			ch->why = "the destination";
		out->certain = false;
		bool dest_dirform = slash || p->dest_slash;
		out->types_unknown = !dest_dirform && !src_type_all(p, HR_SRCT_DIR) && !any_archive(p);
		return;
	}
	const char *dest = p->dest_path;

	/* the ancestors, outermost first; "/" itself is never replaced */
	size_t n = strlen(dest);
	for (size_t i = 1; i < n; i++) {
		if (dest[i] != '/')
			continue;
		const char *a = hr_arena_strndup(c->arena, dest, i);
		if (!a) {
			c->error = HR_ENOMEM;
			return;
		}
		hr_fs_fact f;
		hr__fs_lookup(&st->fs, a, &f);
		created_dir(&j, a, 0755, false);
		if (f.type == HR_FS_SYMLINK || f.type == HR_FS_MAYBE_SYMLINK || f.symlink)
			return; /* everything below goes through it */
	}
	if (!strcmp(dest, "/")) {
		contents(&j, dest, any_archive(p));
		return;
	}

	/* the destination itself */
	bool dirform = slash || p->dest_slash || p->parents;
	bool archive = any_archive(p);
	hr_fs_fact f;
	hr__fs_lookup(&st->fs, dest, &f);
	if (!f.certain)
		out->certain = false;
	if (dirform || archive || src_type_all(p, HR_SRCT_DIR)) {
		/* the layer holds the destination as a directory */
		created_dir(&j, dest, 0755, false);
		if (f.type != HR_FS_SYMLINK && f.type != HR_FS_MAYBE_SYMLINK)
			contents(&j, dest, archive);
		return;
	}
	bool file_layer = src_type_all(p, HR_SRCT_FILE);
	out->dest_file_layer = true;
	/*
	 * `COPY nginx.conf /etc/nginx/nginx.conf`: a destination named exactly
	 * like its one source names the file itself (were it a directory, the
	 * copy would make .../nginx.conf/nginx.conf). Where the image's content
	 * is unknown, that is taken as a file; a directory the Dockerfile itself
	 * made there is still seen.
	 */
	if (f.type == HR_FS_UNKNOWN && !f.symlink && f.from_parent && names_its_source(p))
		return;
	switch (f.type) {
	case HR_FS_ABSENT:
	case HR_FS_FILE:
		return; /* a new file, or one replaced either way */
	case HR_FS_SYMLINK:
	case HR_FS_MAYBE_SYMLINK: {
		hr_copy_change *ch = add_change(&j, HR_CHANGE_SYMLINK, dest, &f);
		if (ch)
			ch->possible = f.type == HR_FS_MAYBE_SYMLINK;
		return;
	}
	case HR_FS_DIR:
		if (!file_layer)
			created_dir(&j, dest, 0755, true); /* if the source is a directory */
		if (f.maybe_absent) {
			/* a directory, or nothing: the slash would change the result too */
			hr_copy_change *ch = add_change(&j, HR_CHANGE_DIR_TO_FILE, dest, &f);
			if (ch) {
				ch->possible = true;
				ch->certain = false;
			}
			if (!file_layer)
				out->types_unknown = true;
			out->certain = false;
			return;
		}
		out->dest_dir_known = true;
		hr_copy_change *ch = add_change(&j, HR_CHANGE_DIR_TO_FILE, dest, &f);
		if (ch)
			ch->possible = !file_layer; /* a directory source would merge */
		return;
	case HR_FS_UNKNOWN:
		break;
	}
	hr_copy_change *ch = add_change(&j, HR_CHANGE_DIR_TO_FILE, dest, &f);
	if (ch) {
		ch->possible = true;
		ch->certain = false;
		ch->why = f.why;
	}
	out->certain = false;
	if (!file_layer)
		out->types_unknown = true;
}

/* ---- recording the copy in the stage ---------------------------------------- */

static const char *src_basename(hr_check_ctx *c, const hr_copy_source *s)
{
	const char *t = s->kind == HR_SRC_HEREDOC ? s->rel : s->arg->text.ptr;
	if (!t)
		return NULL;
	if (s->kind == HR_SRC_URL) {
		const char *q = t;
		size_t n = strcspn(q, "?#");
		while (n > 0 && q[n - 1] == '/')
			n--;
		size_t i = n;
		while (i > 0 && q[i - 1] != '/')
			i--;
		return n > i ? hr_arena_strndup(c->arena, q + i, n - i) : NULL;
	}
	const char *slash = strrchr(t, '/');
	const char *b = slash ? slash + 1 : t;
	return *b ? b : NULL;
}

/* a stage's directory copied into dest: its known nodes come along */
static void copy_stage_tree(hr_check_ctx *c, hr_stage *st, const hr_copy_source *s, const char *dest,
	const hr_copy_plan *p, const char *why)
{
	const hr_fsmodel *from = &s->from->fs;
	const char *root = s->from_path;
	size_t rl = strlen(root);
	hr_fs_fact top;
	hr__fs_lookup(from, root, &top);
	uint32_t *below;
	bool truncated;
	size_t nbelow = hr__fs_below(c, from, root, &below, &truncated);
	if (truncated)
		hr__fs_opaque(c, &st->fs, hr__strf(c, "%s copies more paths than hook-run follows", why));
	for (size_t kb = 0; kb < nbelow; kb++) {
		const hr_fs_node *x = &from->nodes[below[kb]];
		const char *rel = x->path + (rl == 1 ? 1 : rl + 1);
		const char *to = strcmp(dest, "/") ? hr__strf(c, "%s/%s", dest, rel) : hr__strf(c, "/%s", rel);
		hr_fs_node *y = hr__fs_node(c, &st->fs, to);
		if (!y)
			break;
		hr_fs_node keep = *y;
		*y = *x;
		y->path = keep.path;
		y->parent = keep.parent;
		y->child = keep.child;
		y->sibling = keep.sibling;
		y->placeholder = false;
		y->gen = st->fs.gen;
		y->why = why;
		if (p->chown_kind != HR_CHOWN_NONE)
			y->owner = p->owner;
		y->system = false;
	}
	free(below);
	hr_fs_node *d = hr__fs_node(c, &st->fs, dest);
	if (d && top.type == HR_FS_DIR) {
		d->content = top.content;
		d->content_owner = top.content_owner;
		if (!strcmp(root, "/") && !strcmp(dest, "/")) {
			/* a flattened image: the model is the source's, presumptions included */
			if (from->opaque_gen)
				hr__fs_opaque(c, &st->fs, from->opaque_why);
		}
	}
}

void hr__copy_apply(hr_check_ctx *c, hr_stage *st, const hr_copy_plan *p)
{
	hr_fsmodel *m = &st->fs;
	hr__fs_next(m);
	const char *why = hr__strf(c, "made by the %s at line %u", p->is_add ? "ADD" : "COPY", p->in->start_line);
	bool linked = p->link == HR_LINK_TRUE && !p->chmod;
	int mode = p->dir_mode;
	hr_owner owner = p->owner;

	if (!p->dest_path) {
		hr__fs_opaque(c, m, hr__strf(c, "the %s at line %u copies to a destination hook-run cannot resolve",
			p->is_add ? "ADD" : "COPY", p->in->start_line));
		return;
	}
	const char *dest = p->dest_path;
	hr_fs_fact f;
	hr__fs_lookup(m, dest, &f);
	bool archive = any_archive(p);
	bool dirform = p->dest_slash || p->parents || archive || src_type_all(p, HR_SRCT_DIR);
	if (!dirform && !src_type_all(p, HR_SRCT_FILE) && f.type == HR_FS_DIR && !f.maybe_absent)
		dirform = true; /* an existing directory: whatever comes goes into it */

	if (linked) {
		/* the layer's directories replace the stage's */
		size_t n = strlen(dest);
		for (size_t i = 1; i <= n; i++) {
			if (i < n && dest[i] != '/')
				continue;
			if (i == n && !dirform)
				break;
			const char *a = hr_arena_strndup(c->arena, dest, i);
			hr_fs_fact af;
			hr__fs_lookup(m, a, &af);
			hr_fs_content content = af.type == HR_FS_DIR ? af.content : HR_CONTENT_COMPLETE;
			if (af.type == HR_FS_UNKNOWN)
				content = HR_CONTENT_UNKNOWN;
			hr_fs_node *x = hr__fs_set_dir(c, m, a, 0755, owner, content, why);
			if (x && (af.type == HR_FS_SYMLINK || af.type == HR_FS_MAYBE_SYMLINK)) {
				/* the symlink's target's content is not here: only the copy */
				x->content = HR_CONTENT_COMPLETE;
			}
		}
	} else if (f.symlink || f.type == HR_FS_SYMLINK || f.type == HR_FS_MAYBE_SYMLINK) {
		/* the copy follows the link: what lands where is not followed */
		return;
	} else {
		hr__fs_mkdir_p(c, m, dirform ? dest : hr__path_parent(c, dest), mode, owner, why);
	}

	if (!dirform) {
		if (src_type_all(p, HR_SRCT_FILE))
			hr__fs_set_file(c, m, dest, why);
		else
			hr__fs_taint(c, m, dest, why); /* a file or a directory, of unknown metadata */
		return;
	}
	/* what goes into the destination directory */
	for (size_t i = 0; i < p->nsrc; i++) {
		const hr_copy_source *s = &p->src[i];
		if (s->archive) {
			/* explicit entries may change any directory below, implied ones are new */
			/* everything below; the destination stays a directory, with the
			 * metadata of the archive's "./" entry if it has one */
			hr__fs_taint(c, m, dest, why);
			hr_fs_node *x = hr__fs_node(c, m, dest);
			if (x) {
				x->type = HR_FS_DIR;
				x->content = HR_CONTENT_UNKNOWN;
				x->why = hr__strf(c, "what the archive ADD at line %u extracted there", p->in->start_line);
			}
			if (!strcmp(dest, "/"))
				hr__fs_opaque(c, m, hr__strf(c, "the archive ADD at line %u, whose content hook-run cannot see",
					p->in->start_line));
			continue;
		}
		if (s->type == HR_SRCT_FILE) {
			const char *b = src_basename(c, s);
			if (b && !s->wildcard)
				hr__fs_set_file(c, m, strcmp(dest, "/") ? hr__strf(c, "%s/%s", dest, b) : hr__strf(c, "/%s", b), why);
			continue;
		}
		if (s->kind == HR_SRC_STAGE && s->from && s->from_path && s->type == HR_SRCT_DIR) {
			copy_stage_tree(c, st, s, dest, p, why);
			continue;
		}
		/* a directory (or something) whose entries we do not list: new ones are the copy's */
		hr__fs_touch_content(c, m, dest, owner, why);
	}
}
