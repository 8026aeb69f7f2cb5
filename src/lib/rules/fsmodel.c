/* SPDX-License-Identifier: MIT */
/*
 * fsmodel.c - the per-stage filesystem model (fsmodel.h).
 *
 * Nodes live in one array with an open hash index over their paths, so a
 * lookup is one hash probe per path component, whatever the Dockerfile's
 * size. Paths are clean absolute strings in the check's arena; the array and
 * the index are on the C heap (a stage copies its base stage's model).
 *
 * Only facts are stored. Inference happens in hr__fs_lookup(): a path without
 * a node takes what its nearest ancestor's `content` implies, and a path
 * below a symlink (or a maybe-symlink) says so, because a linked copy would
 * replace that symlink with a directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsmodel.h"

/* ---- owners and modes ---------------------------------------------------- */

hr_owner hr__owner_ids(uint32_t uid, uint32_t gid)
{
	hr_owner o = { HR_OWNER_IDS, uid, gid, NULL };
	return o;
}

hr_owner hr__owner_root(void)
{
	return hr__owner_ids(0, 0);
}

bool hr__owner_same(const hr_owner *a, const hr_owner *b)
{
	if (a->kind == HR_OWNER_IDS && b->kind == HR_OWNER_IDS)
		return a->uid == b->uid && a->gid == b->gid;
	if (a->kind == HR_OWNER_NAME && b->kind == HR_OWNER_NAME)
		return strcmp(a->name, b->name) == 0;
	return false;
}

const char *hr__owner_str(hr_check_ctx *c, const hr_owner *o)
{
	switch (o->kind) {
	case HR_OWNER_IDS:
		if (o->uid == 0 && o->gid == 0)
			return "root:root";
		if (o->uid == 0)
			return hr__strf(c, "root:%u", o->gid);
		return hr__strf(c, "%u:%u", o->uid, o->gid);
	case HR_OWNER_NAME:
		return o->name;
	case HR_OWNER_UNKNOWN:
		break;
	}
	return "an unknown owner";
}

const char *hr__mode_str(hr_check_ctx *c, int mode)
{
	if (mode < 0)
		return "an unknown mode";
	return hr__strf(c, "%04o", (unsigned)mode);
}

/* ---- paths ---------------------------------------------------------------- */

const char *hr__path_clean(hr_check_ctx *c, const char *p, size_t n)
{
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

bool hr__path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const char *hr__path_parent(hr_check_ctx *c, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return "/";
	const char *p = hr_arena_strndup(c->arena, path, (size_t)(slash - path));
	if (!p) {
		c->error = HR_ENOMEM;
		return "/";
	}
	return p;
}

/* ---- the index ---------------------------------------------------------- */

#define FNV_START 2166136261u

static uint32_t hash_more(uint32_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

void hr__fs_init(hr_fsmodel *m)
{
	memset(m, 0, sizeof(*m));
	m->gen = 1;
}

void hr__fs_free(hr_fsmodel *m)
{
	free(m->nodes);
	free(m->buckets);
	memset(m, 0, sizeof(*m));
}

/* the node of path[0,n) whose hash is h, or -1 */
static long find_h(const hr_fsmodel *m, const char *path, size_t n, uint32_t h)
{
	if (!m->nbuckets)
		return -1;
	size_t mask = m->nbuckets - 1;
	for (size_t b = h & mask;; b = (b + 1) & mask) {
		uint32_t slot = m->buckets[b];
		if (!slot)
			return -1;
		const hr_fs_node *x = &m->nodes[slot - 1];
		if (strncmp(x->path, path, n) == 0 && x->path[n] == '\0')
			return (long)(slot - 1);
	}
}

static long find_n(const hr_fsmodel *m, const char *path, size_t n)
{
	return find_h(m, path, n, hash_more(FNV_START, path, n));
}

const hr_fs_node *hr__fs_find(const hr_fsmodel *m, const char *path)
{
	long i = find_n(m, path, strlen(path));
	return i < 0 ? NULL : &m->nodes[i];
}

static bool rehash(hr_fsmodel *m, size_t nbuckets)
{
	uint32_t *b = calloc(nbuckets, sizeof(*b));
	if (!b)
		return false;
	for (size_t i = 0; i < m->len; i++) {
		size_t mask = nbuckets - 1;
		size_t k = hash_more(FNV_START, m->nodes[i].path, strlen(m->nodes[i].path)) & mask;
		while (b[k])
			k = (k + 1) & mask;
		b[k] = (uint32_t)(i + 1);
	}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = nbuckets;
	return true;
}

/* a new node at path[0,n), linked under its parent (which must exist); index or -1 */
static long add_node(hr_check_ctx *c, hr_fsmodel *m, const char *path, size_t n, long parent)
{
	if (m->len >= HR_FSMODEL_MAX_NODES) {
		m->overflow = true;
		return -1;
	}
	if (m->len == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		hr_fs_node *nodes = realloc(m->nodes, cap * sizeof(*nodes));
		if (!nodes) {
			c->error = HR_ENOMEM;
			return -1;
		}
		m->nodes = nodes;
		m->cap = cap;
	}
	if ((m->len + 1) * 4 > m->nbuckets * 3 && !rehash(m, m->nbuckets ? m->nbuckets * 2 : 64)) {
		c->error = HR_ENOMEM;
		return -1;
	}
	const char *owned = hr_arena_strndup(c->arena, path, n);
	if (!owned) {
		c->error = HR_ENOMEM;
		return -1;
	}
	long idx = (long)m->len;
	hr_fs_node *x = &m->nodes[idx];
	memset(x, 0, sizeof(*x));
	x->path = owned;
	x->type = HR_FS_UNKNOWN;
	x->mode = HR_MODE_UNKNOWN;
	x->gen = m->gen;
	x->placeholder = true;
	if (parent >= 0) {
		x->parent = (uint32_t)parent + 1;
		x->sibling = m->nodes[parent].child;
		m->nodes[parent].child = (uint32_t)idx + 1;
	}
	size_t mask = m->nbuckets - 1;
	size_t k = hash_more(FNV_START, owned, n) & mask;
	while (m->buckets[k])
		k = (k + 1) & mask;
	m->buckets[k] = (uint32_t)idx + 1;
	m->len++;
	return idx;
}

/* the node of path[0,n), made with its missing ancestors as placeholders */
static long node_at(hr_check_ctx *c, hr_fsmodel *m, const char *path, size_t n)
{
	long i = find_n(m, path, n);
	if (i >= 0)
		return i;
	long parent = -1;
	if (!(n == 1 && path[0] == '/')) {
		size_t pl = n;
		while (pl > 0 && path[pl - 1] != '/')
			pl--;
		pl = pl > 1 ? pl - 1 : 1; /* "/a/b" -> "/a", "/a" -> "/" */
		parent = node_at(c, m, path, pl);
		if (parent < 0)
			return -1;
	}
	return add_node(c, m, path, n, parent);
}

hr_fs_node *hr__fs_node(hr_check_ctx *c, hr_fsmodel *m, const char *path)
{
	size_t n = strlen(path);
	if (n > HR_FSMODEL_MAX_PATH) {
		m->overflow = true;
		return NULL;
	}
	long i = node_at(c, m, path, n);
	if (i < 0)
		return NULL;
	hr_fs_node *x = &m->nodes[i];
	if (x->placeholder) {
		/* the caller is about to state a fact here */
		x->placeholder = false;
		x->gen = m->gen;
	}
	return x;
}

size_t hr__fs_below(hr_check_ctx *c, const hr_fsmodel *m, const char *path, uint32_t **out,
	bool *truncated)
{
	*out = NULL;
	*truncated = false;
	long top = find_n(m, path, strlen(path));
	if (top < 0 || !m->nodes[top].child)
		return 0;
	size_t cap = 64, n = 0;
	uint32_t *list = malloc(cap * sizeof(*list));
	uint32_t *stack = malloc(cap * sizeof(*stack));
	size_t sp = 0, scap = cap, visited = 0;
	if (!list || !stack)
		goto nomem;
	stack[sp++] = m->nodes[top].child;
	while (sp) {
		uint32_t k = stack[--sp];
		for (; k; k = m->nodes[k - 1].sibling) {
			if (++visited > HR_FSMODEL_MAX_WALK) {
				*truncated = true;
				goto done;
			}
			const hr_fs_node *x = &m->nodes[k - 1];
			if (!x->placeholder) {
				if (n == cap) {
					uint32_t *p = realloc(list, cap * 2 * sizeof(*list));
					if (!p)
						goto nomem;
					list = p;
					cap *= 2;
				}
				list[n++] = k - 1;
			}
			if (x->child) {
				if (sp == scap) {
					uint32_t *p = realloc(stack, scap * 2 * sizeof(*stack));
					if (!p)
						goto nomem;
					stack = p;
					scap *= 2;
				}
				stack[sp++] = x->child;
			}
		}
	}
done:
	free(stack);
	*out = list;
	return n;
nomem:
	free(stack);
	free(list);
	c->error = HR_ENOMEM;
	return 0;
}

void hr__fs_copy(hr_check_ctx *c, hr_fsmodel *dst, const hr_fsmodel *src)
{
	hr__fs_init(dst);
	dst->gen = src->gen;
	dst->opaque_gen = src->opaque_gen;
	dst->opaque_why = src->opaque_why;
	dst->overflow = src->overflow;
	if (!src->len)
		return;
	dst->nodes = malloc(src->cap * sizeof(*dst->nodes));
	dst->buckets = malloc(src->nbuckets * sizeof(*dst->buckets));
	if (!dst->nodes || !dst->buckets) {
		free(dst->nodes);
		free(dst->buckets);
		hr__fs_init(dst);
		c->error = HR_ENOMEM;
		return;
	}
	memcpy(dst->nodes, src->nodes, src->len * sizeof(*dst->nodes));
	memcpy(dst->buckets, src->buckets, src->nbuckets * sizeof(*dst->buckets));
	dst->len = src->len;
	dst->cap = src->cap;
	dst->nbuckets = src->nbuckets;
}

void hr__fs_next(hr_fsmodel *m)
{
	m->gen++;
}

void hr__fs_opaque(hr_check_ctx *c, hr_fsmodel *m, const char *why)
{
	(void)c;
	m->gen++;
	m->opaque_gen = m->gen;
	m->opaque_why = why;
	m->gen++;
}

/* ---- lookup ------------------------------------------------------------- */

static bool certain(const hr_fsmodel *m, const hr_fs_node *x)
{
	return m->opaque_gen == 0 || x->gen > m->opaque_gen;
}

void hr__fs_lookup(const hr_fsmodel *m, const char *path, hr_fs_fact *out)
{
	memset(out, 0, sizeof(*out));
	out->type = HR_FS_UNKNOWN;
	out->mode = HR_MODE_UNKNOWN;
	size_t n = strlen(path);
	if (m->overflow) {
		out->why = "the Dockerfile changes more paths than hook-run follows";
		return;
	}
	if (n > HR_FSMODEL_MAX_PATH) {
		out->why = "a path longer than hook-run follows";
		return;
	}

	/*
	 * One pass over the path: the hash of each prefix is the running hash
	 * at its '/'. The outermost symlink among the ancestors wins (it is the
	 * one a linked copy replaces); else the nearest fact node above.
	 */
	uint32_t h = FNV_START;
	long nearest = -1;
	if (path[0] == '/') {
		long r = find_h(m, path, 1, hash_more(FNV_START, path, 1));
		if (r >= 0 && !m->nodes[r].placeholder)
			nearest = r;
	}
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && path[i] == '/') {
			long k = find_h(m, path, i, h);
			if (k >= 0 && !m->nodes[k].placeholder) {
				const hr_fs_node *a = &m->nodes[k];
				if (a->type == HR_FS_SYMLINK || a->type == HR_FS_MAYBE_SYMLINK) {
					out->symlink = a->path;
					out->symlink_type = a->type;
					out->symlink_why = a->why;
					out->certain = certain(m, a);
					out->why = a->why;
					return;
				}
				nearest = k;
			}
		}
		h = hash_more(h, path + i, 1);
	}

	long k = find_h(m, path, n, h);
	if (k >= 0 && !m->nodes[k].placeholder) {
		const hr_fs_node *x = &m->nodes[k];
		out->type = x->type;
		out->mode = x->mode;
		out->owner = x->owner;
		out->target = x->target;
		out->system = x->system;
		out->maybe_absent = x->maybe_absent;
		out->certain = certain(m, x);
		out->why = x->why;
		out->content = x->content;
		out->content_owner = x->content_owner;
		return;
	}
	if (nearest < 0 || n <= 1) {
		out->why = "nothing is known about it";
		return;
	}

	/* no node: what the nearest ancestor with a fact implies (for the path's
	 * parent itself; a deeper path below a missing directory is absent too) */
	const hr_fs_node *p = &m->nodes[nearest];
	out->from_parent = true;
	out->certain = certain(m, p);
	out->why = p->why;
	/* an intermediate directory without a node: inherits like a direct child */
	switch (p->type) {
	case HR_FS_ABSENT:
	case HR_FS_FILE:
		out->type = HR_FS_ABSENT;
		break;
	case HR_FS_DIR:
		switch (p->content) {
		case HR_CONTENT_COMPLETE:
			out->type = HR_FS_ABSENT;
			break;
		case HR_CONTENT_FILES: {
			/* its children are files: a deeper path is nothing */
			size_t pl = strlen(p->path);
			bool child = !strchr(path + (pl == 1 ? 1 : pl + 1), '/');
			out->type = child ? HR_FS_FILE : HR_FS_ABSENT;
			break;
		}
		case HR_CONTENT_DEFAULT:
			/* a new entry the Dockerfile does not name, if anything: a
			 * default directory, or a file */
			out->type = HR_FS_ABSENT;
			out->content = HR_CONTENT_DEFAULT;
			out->content_owner = p->content_owner;
			break;
		case HR_CONTENT_SYSTEM:
			/* installed by packages: if a directory, 0755 root:root */
			out->type = HR_FS_UNKNOWN;
			out->mode = 0755;
			out->owner = hr__owner_root();
			out->system = true;
			break;
		case HR_CONTENT_UNKNOWN:
			out->type = HR_FS_UNKNOWN;
			break;
		}
		break;
	default:
		out->type = HR_FS_UNKNOWN;
		break;
	}
}

/* ---- changes ------------------------------------------------------------ */

/*
 * A table directory that may be absent is now known to exist: either it was
 * there (with the table's metadata) or it was just made (with `mode` and
 * `owner` when `create_meta`). Where the two agree, the metadata is known.
 */
static void settle_maybe_dir(hr_fs_node *x, int mode, hr_owner owner, bool create_meta)
{
	x->maybe_absent = false;
	if (!create_meta || x->mode != mode || !hr__owner_same(&x->owner, &owner)) {
		if (!(create_meta && x->mode == mode))
			x->mode = HR_MODE_UNKNOWN;
		if (!(create_meta && hr__owner_same(&x->owner, &owner)))
			x->owner.kind = HR_OWNER_UNKNOWN;
	}
}

/* the ancestors of `path` are directories: make sure their nodes say so */
static void ensure_parents(hr_check_ctx *c, hr_fsmodel *m, const char *path, int mode,
	hr_owner owner, bool create_meta, const char *why)
{
	size_t n = strlen(path);
	for (size_t i = 1; i <= n; i++) {
		if (i < n && path[i] != '/')
			continue;
		if (i == n)
			break;
		char *p = hr_arena_strndup(c->arena, path, i);
		if (!p) {
			c->error = HR_ENOMEM;
			return;
		}
		hr_fs_fact f;
		hr__fs_lookup(m, p, &f);
		if (f.symlink)
			return; /* what lies below a symlink is elsewhere */
		if (f.type == HR_FS_DIR && f.maybe_absent) {
			hr_fs_node *d = hr__fs_node(c, m, p);
			if (d)
				settle_maybe_dir(d, mode, owner, create_meta);
			continue;
		}
		if (f.type == HR_FS_DIR || f.type == HR_FS_SYMLINK || f.type == HR_FS_MAYBE_SYMLINK)
			continue;
		hr_fs_node *x = hr__fs_node(c, m, p);
		if (!x)
			return;
		/* "a file or nothing" below a files-only folder: mkdir succeeding means nothing */
		bool was_absent = f.type == HR_FS_ABSENT || (f.type == HR_FS_FILE && f.from_parent);
		x->type = HR_FS_DIR;
		x->gen = m->gen;
		x->why = why;
		if (was_absent && create_meta) {
			x->mode = mode;
			x->owner = owner;
			x->content = HR_CONTENT_COMPLETE;
		} else if (was_absent && f.content == HR_CONTENT_DEFAULT) {
			x->mode = 0755;
			x->owner = f.content_owner;
			x->content = HR_CONTENT_DEFAULT;
			x->content_owner = f.content_owner;
		} else if (f.type == HR_FS_UNKNOWN && f.system && create_meta && f.mode == mode &&
			   hr__owner_same(&f.owner, &owner)) {
			/* below a package tree: there already as 0755 root:root, or made so */
			x->mode = mode;
			x->owner = owner;
			x->content = HR_CONTENT_SYSTEM;
		} else {
			x->mode = HR_MODE_UNKNOWN;
			x->owner.kind = HR_OWNER_UNKNOWN;
			x->content = HR_CONTENT_UNKNOWN;
		}
	}
}

hr_fs_node *hr__fs_set_dir(hr_check_ctx *c, hr_fsmodel *m, const char *path, int mode,
	hr_owner owner, hr_fs_content content, const char *why)
{
	ensure_parents(c, m, path, HR_MODE_UNKNOWN, owner, false, why);
	hr_fs_node *x = hr__fs_node(c, m, path);
	if (!x)
		return NULL;
	x->type = HR_FS_DIR;
	x->mode = mode;
	x->owner = owner;
	x->content = content;
	x->target = NULL;
	x->system = false;
	x->maybe_absent = false;
	x->why = why;
	x->gen = m->gen;
	return x;
}

void hr__fs_mkdir_p(hr_check_ctx *c, hr_fsmodel *m, const char *path, int mode, hr_owner owner,
	const char *why)
{
	ensure_parents(c, m, path, mode, owner, true, why);
	hr_fs_fact f;
	hr__fs_lookup(m, path, &f);
	if (f.type == HR_FS_DIR && f.maybe_absent && !f.symlink) {
		hr_fs_node *d = hr__fs_node(c, m, path);
		if (d)
			settle_maybe_dir(d, mode, owner, true);
		return;
	}
	if (f.symlink || f.type == HR_FS_DIR || f.type == HR_FS_SYMLINK || f.type == HR_FS_MAYBE_SYMLINK)
		return; /* mkdir -p leaves an existing directory alone */
	hr_fs_node *x = hr__fs_node(c, m, path);
	if (!x)
		return;
	x->type = HR_FS_DIR;
	x->gen = m->gen;
	x->why = why;
	x->target = NULL;
	x->system = false;
	if (f.type == HR_FS_FILE && f.from_parent)
		f.type = HR_FS_ABSENT; /* it was nothing, or mkdir would have failed */
	if (f.type == HR_FS_ABSENT && f.content != HR_CONTENT_DEFAULT) {
		x->mode = mode;
		x->owner = owner;
		x->content = HR_CONTENT_COMPLETE;
	} else if (f.type == HR_FS_ABSENT) {
		/* it may have been made already, as a default directory */
		x->mode = mode == 0755 ? 0755 : HR_MODE_UNKNOWN;
		x->owner = hr__owner_same(&owner, &f.content_owner) ? owner : (hr_owner){ 0 };
		x->content = HR_CONTENT_DEFAULT;
		x->content_owner = f.content_owner;
	} else if (f.type == HR_FS_UNKNOWN && f.system && f.mode == mode && hr__owner_same(&f.owner, &owner)) {
		/* below a package tree: there already as 0755 root:root, or made so */
		x->mode = mode;
		x->owner = owner;
		x->content = HR_CONTENT_SYSTEM;
	} else {
		/* it may have been there, with metadata nobody knows */
		x->mode = HR_MODE_UNKNOWN;
		x->owner.kind = HR_OWNER_UNKNOWN;
		x->content = HR_CONTENT_UNKNOWN;
	}
}

static void drop_below(hr_check_ctx *c, hr_fsmodel *m, const char *path)
{
	/* nodes below become ABSENT (they are gone or replaced) */
	uint32_t *list;
	bool truncated;
	size_t n = hr__fs_below(c, m, path, &list, &truncated);
	for (size_t i = 0; i < n; i++) {
		hr_fs_node *x = &m->nodes[list[i]];
		x->type = HR_FS_ABSENT;
		x->gen = m->gen;
	}
	free(list);
	if (truncated)
		m->overflow = true;
}

void hr__fs_set_file(hr_check_ctx *c, hr_fsmodel *m, const char *path, const char *why)
{
	ensure_parents(c, m, path, 0755, hr__owner_root(), false, why);
	hr_fs_node *x = hr__fs_node(c, m, path);
	if (!x)
		return;
	if (x->type == HR_FS_DIR)
		drop_below(c, m, path);
	x->type = HR_FS_FILE;
	x->mode = HR_MODE_UNKNOWN;
	x->owner.kind = HR_OWNER_UNKNOWN;
	x->target = NULL;
	x->system = false;
	x->maybe_absent = false;
	x->why = why;
	x->gen = m->gen;
}

void hr__fs_set_symlink(hr_check_ctx *c, hr_fsmodel *m, const char *path, const char *target,
	const char *why)
{
	ensure_parents(c, m, path, 0755, hr__owner_root(), false, why);
	hr_fs_node *x = hr__fs_node(c, m, path);
	if (!x)
		return;
	drop_below(c, m, path);
	x->type = HR_FS_SYMLINK;
	x->target = target;
	x->system = false;
	x->maybe_absent = false;
	x->why = why;
	x->gen = m->gen;
}

void hr__fs_remove(hr_check_ctx *c, hr_fsmodel *m, const char *path, const char *why)
{
	if (strcmp(path, "/") == 0)
		return;
	hr_fs_fact f;
	hr__fs_lookup(m, path, &f);
	if (f.symlink)
		return; /* removing below a symlink removes elsewhere */
	hr_fs_node *x = hr__fs_node(c, m, path);
	if (!x)
		return;
	drop_below(c, m, path);
	x->type = HR_FS_ABSENT;
	x->system = false;
	x->maybe_absent = false;
	x->why = why;
	x->gen = m->gen;
}

void hr__fs_chmeta(hr_check_ctx *c, hr_fsmodel *m, const char *path, int mode, bool set_mode,
	hr_owner owner, bool set_owner, const char *why)
{
	hr_fs_fact f;
	hr__fs_lookup(m, path, &f);
	if (f.symlink) {
		/* chmod/chown follow the symlink: the change lands elsewhere */
		hr__fs_taint(c, m, f.symlink, why);
		return;
	}
	if (f.type == HR_FS_SYMLINK || f.type == HR_FS_MAYBE_SYMLINK) {
		return; /* the target changes, not the link */
	}
	hr_fs_node *x = hr__fs_node(c, m, path);
	if (!x)
		return;
	if (x->type == HR_FS_ABSENT || x->type == HR_FS_UNKNOWN) {
		/* chmod of a path the model thought absent: it exists after all */
		x->type = f.type == HR_FS_FILE ? HR_FS_FILE : HR_FS_UNKNOWN;
		if (f.type == HR_FS_ABSENT && f.content == HR_CONTENT_DEFAULT) {
			x->type = HR_FS_UNKNOWN;
			x->mode = 0755;
			x->owner = f.content_owner;
		}
		x->content = HR_CONTENT_UNKNOWN;
	}
	if (set_mode)
		x->mode = mode;
	if (set_owner)
		x->owner = owner;
	x->system = false;
	x->maybe_absent = false;
	x->why = why;
	x->gen = m->gen;
}

void hr__fs_taint(hr_check_ctx *c, hr_fsmodel *m, const char *path, const char *why)
{
	uint32_t *list;
	bool truncated;
	size_t nb = hr__fs_below(c, m, path, &list, &truncated);
	if (truncated)
		m->overflow = true;
	for (size_t i = 0; i < nb; i++) {
		hr_fs_node *x = &m->nodes[list[i]];
		{
			x->type = HR_FS_UNKNOWN;
			x->mode = HR_MODE_UNKNOWN;
			x->owner.kind = HR_OWNER_UNKNOWN;
			x->content = HR_CONTENT_UNKNOWN;
			x->system = false;
			x->maybe_absent = false;
			x->why = why;
			x->gen = m->gen;
		}
	}
	free(list);
	hr_fs_node *x = hr__fs_node(c, m, path);
	if (!x)
		return;
	if (strcmp(path, "/") == 0) {
		x->type = HR_FS_DIR;
		x->content = HR_CONTENT_UNKNOWN;
		x->mode = HR_MODE_UNKNOWN;
		x->owner.kind = HR_OWNER_UNKNOWN;
	} else {
		x->type = HR_FS_UNKNOWN;
		x->mode = HR_MODE_UNKNOWN;
		x->owner.kind = HR_OWNER_UNKNOWN;
		x->content = HR_CONTENT_UNKNOWN;
	}
	x->system = false;
	x->why = why;
	x->gen = m->gen;
}

void hr__fs_touch_content(hr_check_ctx *c, hr_fsmodel *m, const char *path, hr_owner owner,
	const char *why)
{
	hr_fs_fact f;
	hr__fs_lookup(m, path, &f);
	if (f.symlink || f.type != HR_FS_DIR)
		return;
	hr_fs_node *x = hr__fs_node(c, m, path);
	if (!x)
		return;
	switch (x->content) {
	case HR_CONTENT_UNKNOWN:
	case HR_CONTENT_SYSTEM:
		if (!(owner.kind == HR_OWNER_IDS && owner.uid == 0 && owner.gid == 0) &&
		    x->content == HR_CONTENT_SYSTEM)
			x->content = HR_CONTENT_UNKNOWN; /* a user's entries among the system's */
		return;
	case HR_CONTENT_DEFAULT:
		if (!hr__owner_same(&x->content_owner, &owner))
			x->content = HR_CONTENT_UNKNOWN;
		break;
	case HR_CONTENT_COMPLETE:
	case HR_CONTENT_FILES:
		x->content = HR_CONTENT_DEFAULT;
		x->content_owner = owner;
		break;
	}
	/* the directory's own facts keep their generation: only its content changed */
	if (!x->why)
		x->why = why;
}
