/* SPDX-License-Identifier: MIT */
/*
 * walk.c - what a push (or a range, or a whole history) adds (see git.h,
 * hr_walk), and the parser of pre-receive's `<old> <new> <ref>` lines.
 *
 * How it works:
 *  1. Each update's new id is peeled (annotated tags, tags of tags) to a
 *     commit, a tree or a blob. Deletions and blobs are skipped.
 *  2. Which commits are new: those reachable from the new commits and
 *     from no hidden one: every existing ref (peeled) and HEAD, refs not
 *     having moved yet during pre-receive, plus the caller's extra hidden
 *     commits. Both sides are walked at once, newest first, with the walk's
 *     own commit reader (see the lister below); the new commits read are
 *     kept for step 3. When nothing is hidden (a push into an empty
 *     repository, a history audit) this pass is skipped: everything
 *     reachable is new.
 *  3. Each update in input order walks its new commits depth-first through
 *     their parents, skipping commits already visited: every new commit is
 *     compared once, and credited to the first update reaching it.
 *  4. A commit's tree is compared with all its parents' trees level by
 *     level, in one merge pass per level over the entries (sorted the way
 *     git sorts them). An entry equal (same id) to the entry of the same
 *     name in ANY parent is skipped, whole subtrees included: a path counts
 *     only when its blob differs from every parent, as `git log -c --raw`
 *     lists it for a merge. Only differing files are matched against the
 *     policy's patterns. Trees are read raw and iterated in place
 *     (rawtree.c); with one parent, the byte-identical prefix of the two
 *     objects is skipped unread, and so is the rest once it is identical
 *     too. libgit2's tree-to-tree diff and git_tree parsing are not used:
 *     they cost a pass with allocations over every tree, every commit.
 *     Trees and commits come from the packs through packread.c (libgit2
 *     for loose objects); a commit's parents' trees are read before its
 *     own, as git deltifies the older version against the newer. The
 *     commit and trees a commit reads from its first parent are kept for
 *     the next commit, which is usually that parent (the pool below).
 *  5. scope COMMITS hands out each (commit, path, blob) as found. scope
 *     TIPS only records the introduced (path, blob) pairs, then hands out,
 *     for each update, the files of its final tree whose (path, blob) is
 *     one of them.
 *
 * The time budget (opts->deadline, on the caller's clock) is read in every
 * phase: every 256 updates peeled, every 256 refs hidden and tips pushed,
 * every 1024 commits listed, before each commit is compared, every 1024
 * trees read, every 256 paths of a final tree (scope tips); past it the walk
 * stops with HR_ETIMEOUT. The callback checks it per blob.
 *
 * Progress (opts->progress): called before each commit with the count so
 * far and the number of new commits, known from step 2's listing; a walk
 * with nothing hidden lists nothing, so the commits are counted by a
 * revwalk of their own first, only when progress is asked for.
 *
 * Memory: two hash sets of commit ids (new, visited) and one of blob ids,
 * a stack of commit ids, the trees of two commits and their parents at a
 * time, and packread.c's cache (128 KB, growing to what the history's delta
 * bases need, at most 128 MB). When refs are hidden, step 2 also keeps the
 * header of each new commit (tree and parents: about 100 bytes) until
 * step 3 reaches it. Blob contents are the callback's business, one at a
 * time.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "git_internal.h"
#include "arena.h"

double hr_git_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- pre-receive input ---------------------------------------------- */

void hr_ref_updates_free(hr_ref_update *u, size_t n)
{
	for (size_t i = 0; u && i < n; i++)
		free(u[i].ref);
	free(u);
}

int hr_ref_updates_parse(hr_ref_update **out, size_t *n, const char *data, size_t len,
	char *err, size_t errlen)
{
	hr_ref_update *u = NULL;
	size_t count = 0, cap = 0, lineno = 0, pos = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	while (pos < len) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;
		pos += llen + (nl ? 1 : 0);
		lineno++;

		const char *sp1 = memchr(line, ' ', llen);
		const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', llen - (size_t)(sp1 + 1 - line)) : NULL;
		const char *ref = sp2 ? sp2 + 1 : NULL;
		size_t reflen = ref ? llen - (size_t)(ref - line) : 0;
		hr_oid old_oid, new_oid;
		if (!sp2 || !hr_oid_parse(&old_oid, line, (size_t)(sp1 - line)) ||
		    !hr_oid_parse(&new_oid, sp1 + 1, (size_t)(sp2 - sp1 - 1)) || reflen == 0 ||
		    memchr(ref, ' ', reflen) || memchr(ref, '\r', reflen) || memchr(ref, '\t', reflen) ||
		    memchr(ref, '\0', reflen)) {
			snprintf(err, errlen, "standard input, line %zu: expected '<old-id> <new-id> <ref>' "
				"(40 hex digits each), got '%.*s'", lineno, (int)(llen > 120 ? 120 : llen), line);
			rc = HR_EINVALID;
			goto fail;
		}
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			hr_ref_update *nu = realloc(u, ncap * sizeof(*nu));
			if (!nu) {
				rc = HR_ENOMEM;
				goto fail;
			}
			u = nu;
			cap = ncap;
		}
		u[count].old_oid = old_oid;
		u[count].new_oid = new_oid;
		/* the bytes are not NUL-terminated: copy exactly reflen of them */
		if (!(u[count].ref = malloc(reflen + 1))) {
			rc = HR_ENOMEM;
			goto fail;
		}
		memcpy(u[count].ref, ref, reflen);
		u[count].ref[reflen] = '\0';
		count++;
	}
	*out = u;
	*n = count;
	return 0;
fail:
	hr_ref_updates_free(u, count);
	return rc;
}

/* ---- the walk ------------------------------------------------------- */

enum tip_kind { TIP_NONE = 0, TIP_COMMIT, TIP_TREE };

/* A commit as the walk needs it: its tree and its parents. */
typedef struct rawcommit {
	git_oid id;
	git_oid tree;
	int64_t time;             /* committer date: read for step 2 only (else 0) */
	size_t np;
	git_oid parents[];
} rawcommit;

typedef struct kept {
	git_oid id;
	rawcommit *commit;        /* a commit, or */
	hr_rawtree tree;          /* a tree (tree.data NULL once taken) */
} kept;

/* A new commit found by step 2, kept for step 3 (taken: commit NULL). */
typedef struct listed {
	git_oid id;
	struct rawcommit *commit;
} listed;

typedef struct pool {
	kept *prev, *cur;
	size_t nprev, ncur, capprev, capcur;
} pool;

typedef struct walk {
	hr_repo *r;
	const hr_walk_opts *opts;
	hr_change_fn fn;
	void *payload;
	hr_walk_stats *stats;
	char *err;
	size_t errlen;
	hr_keyset fresh;      /* new commits (after step 2); value 1 once visited */
	bool all_fresh;       /* nothing hidden: every reachable commit is new */
	size_t total;         /* the new commits, for opts->progress */
	hr_keyset blobs;      /* blob id -> the callback's verdict */
	hr_keyset pairs;      /* TIPS: blob id + path introduced by a new commit */
	hr_keyset paths;      /* TIPS: the paths of those pairs */
	hr_pathbuf path;
	hr_packs *packs;      /* the pack reader; NULL: libgit2 reads everything */
	pool pool;            /* objects kept from one commit for the next */
	listed *listed;       /* step 2's new commits, sorted by id once step 2 is over */
	size_t nlisted, caplisted;
	bool listed_sorted;   /* step 2 is over: take_listed() may search the list */
	size_t update;        /* the update being walked */
	const git_oid *commit;
	unsigned char *rec;   /* the record of the commit being compared (commit_put) */
	size_t reclen, reccap;
	bool recording;
	bool rec_oom;
} walk;

/* Append to the commit's record: mode (4), blob (20), path length (2), path. */
static void record_change(walk *w, const hr_rawentry *e)
{
	size_t plen = w->path.len, need = 4 + GIT_OID_RAWSZ + 2 + plen;
	if (!w->recording || w->rec_oom)
		return;
	if (plen > 0xffff || w->reclen + need > (1u << 20)) {
		w->rec_oom = true; /* a commit too big to remember: compared each time */
		return;
	}
	if (need > w->reccap - w->reclen) {
		size_t cap = w->reccap ? w->reccap : 1024;
		while (cap - w->reclen < need)
			cap *= 2;
		unsigned char *b = realloc(w->rec, cap);
		if (!b) {
			w->rec_oom = true;
			return;
		}
		w->rec = b;
		w->reccap = cap;
	}
	unsigned char *p = w->rec + w->reclen;
	p[0] = (unsigned char)(e->mode >> 24);
	p[1] = (unsigned char)(e->mode >> 16);
	p[2] = (unsigned char)(e->mode >> 8);
	p[3] = (unsigned char)e->mode;
	memcpy(p + 4, e->id->id, GIT_OID_RAWSZ);
	p[4 + GIT_OID_RAWSZ] = (unsigned char)(plen >> 8);
	p[5 + GIT_OID_RAWSZ] = (unsigned char)plen;
	memcpy(p + 6 + GIT_OID_RAWSZ, w->path.ptr, plen);
	w->reclen += need;
}

static int found(walk *w, const hr_rawentry *e)
{
	const git_oid *id = e->id;
	record_change(w, e);
	w->stats->changes++;
	if (w->opts->scope == HR_SCOPE_TIPS) {
		/* remember (blob, path); hand out later from the final trees */
		size_t plen = w->path.len;
		char *key = malloc(GIT_OID_RAWSZ + plen);
		int *v;
		bool added;
		if (!key)
			return HR_ENOMEM;
		memcpy(key, id->id, GIT_OID_RAWSZ);
		memcpy(key + GIT_OID_RAWSZ, w->path.ptr, plen);
		int rc = hr_keyset_put(&w->pairs, key, GIT_OID_RAWSZ + plen, &v, &added);
		free(key);
		if (rc == 0)
			rc = hr_keyset_put(&w->paths, w->path.ptr, plen + 1, &v, &added);
		return rc;
	}
	hr_change c = {
		.update = w->update,
		.commit = hr_oid_from_git(w->commit),
		.path = w->path.ptr,
		.blob = hr_oid_from_git(id),
		.mode = hr_mode_canon_file(e->mode),
	};
	return hr_change_emit(&w->blobs, &c, w->fn, w->payload);
}

#define MAX_PARENTS 64

/*
 * Objects kept from one commit to the next. Comparing commit C reads C's
 * parents and their trees; the depth-first walk visits C's first parent
 * right after, and needs that very commit and those trees as the child
 * side. They are kept (`cur`) while C is compared, then offered (`prev`,
 * sorted) to the next commit; what it does not take is freed. This reads
 * each tree of a linear history once without libgit2's global object
 * cache (its locking and hashing cost more than they save here), and
 * memory stays at the objects of two commits.
 */
static int kept_cmp(const void *a, const void *b)
{
	return git_oid_cmp(&((const kept *)a)->id, &((const kept *)b)->id);
}

static void kept_free(kept *k)
{
	free(k->commit);
	k->commit = NULL;
	hr_rawtree_free(&k->tree);
}

static kept *pool_find(pool *p, const git_oid *id)
{
	size_t lo = 0, hi = p->nprev;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = git_oid_cmp(&p->prev[mid].id, id);
		if (c == 0)
			return &p->prev[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Keep an object for the next commit (or free it when memory runs out). */
static void pool_keep(pool *p, const git_oid *id, rawcommit *commit, hr_rawtree *tree)
{
	kept k;
	memset(&k, 0, sizeof(k));
	k.id = *id;
	k.commit = commit;
	if (tree) {
		k.tree = *tree;
		memset(tree, 0, sizeof(*tree));
	}
	if (!k.commit && !k.tree.data)
		return;
	if (p->ncur == p->capcur) {
		size_t cap = p->capcur ? p->capcur * 2 : 64;
		kept *n = realloc(p->cur, cap * sizeof(*n));
		if (!n) {
			kept_free(&k);
			return;
		}
		p->cur = n;
		p->capcur = cap;
	}
	p->cur[p->ncur++] = k;
}

/* One commit done: free what the previous one kept, offer what this one kept. */
static void pool_turn(pool *p)
{
	for (size_t i = 0; i < p->nprev; i++)
		kept_free(&p->prev[i]);
	kept *tmp = p->prev;
	size_t cap = p->capprev;
	p->prev = p->cur;
	p->nprev = p->ncur;
	p->capprev = p->capcur;
	p->cur = tmp;
	p->capcur = cap;
	p->ncur = 0;
	if (p->nprev > 1)
		qsort(p->prev, p->nprev, sizeof(kept), kept_cmp);
}

static void pool_free(pool *p)
{
	pool_turn(p);
	pool_turn(p);
	free(p->prev);
	free(p->cur);
}

static int check_deadline(walk *w);

static int load_tree(walk *w, hr_rawtree *out, const git_oid *id)
{
	kept *k = pool_find(&w->pool, id);
	if (k && k->tree.data) {
		*out = k->tree;
		memset(&k->tree, 0, sizeof(k->tree));
		return 0;
	}
	/* one commit can hold 100 000 changed trees: the budget holds inside it too */
	if (++w->stats->trees % 1024 == 0) {
		int rc = check_deadline(w);
		if (rc < 0)
			return rc;
	}
	return hr_rawtree_read(out, w->r, w->packs, id);
}

static void keep_tree(walk *w, const git_oid *id, hr_rawtree *t)
{
	pool_keep(&w->pool, id, NULL, t);
}

/* "tree <hex>\n" then "parent <hex>\n" lines: all the walk needs of a commit */
/*
 * The committer date: the number after the last '>' of the header's
 * "committer " line (0 when there is none, as for a malformed date).
 */
static int64_t committer_time(const unsigned char *p, const unsigned char *end)
{
	while (p < end) {
		const unsigned char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
		if (eol == p)
			break; /* the blank line: the header is over */
		if (eol - p > 10 && !memcmp(p, "committer ", 10)) {
			const unsigned char *q = eol;
			while (q > p && q[-1] != '>')
				q--;
			while (q < eol && *q == ' ')
				q++;
			int64_t t = 0;
			for (; q < eol && *q >= '0' && *q <= '9' && t < INT64_MAX / 10 - 9; q++)
				t = t * 10 + (*q - '0');
			return t;
		}
		p = eol + 1;
	}
	return 0;
}

static int parse_commit(rawcommit **out, const git_oid *id, const unsigned char *data, size_t len,
	bool want_time)
{
	const unsigned char *p = data, *end = data + len;
	size_t np = 0;
	for (const unsigned char *q = p + 46; q + 48 <= end && !memcmp(q, "parent ", 7); q += 48)
		np++;
	rawcommit *c = malloc(sizeof(*c) + np * sizeof(git_oid));
	if (!c)
		return HR_ENOMEM;
	c->id = *id;
	c->np = np;
	if (len < 46 || memcmp(p, "tree ", 5) != 0 || p[45] != '\n' ||
	    git_oid_fromstrn(&c->tree, (const char *)p + 5, GIT_OID_HEXSZ) < 0)
		goto bad;
	p += 46;
	for (size_t k = 0; k < np; k++, p += 48)
		if (p[47] != '\n' || git_oid_fromstrn(&c->parents[k], (const char *)p + 7, GIT_OID_HEXSZ) < 0)
			goto bad;
	c->time = want_time ? committer_time(p, end) : 0;
	*out = c;
	return 0;
bad:
	free(c);
	git_error_set_str(GIT_ERROR_INVALID, "malformed commit");
	return HR_EINVALID;
}

/*
 * Take commit `id` from step 2's list; NULL when it is not there (or
 * taken). Only once step 2 is over: while it lists, the list is in the
 * order commits were found, not sorted, and a commit it meets again (a
 * hidden commit dated before its parent, so popped after it) must not be
 * taken from under it: the search could land on it, and step 2 would
 * then find a hole in its own list.
 */
static rawcommit *take_listed(walk *w, const git_oid *id)
{
	if (!w->listed_sorted)
		return NULL;
	size_t lo = 0, hi = w->nlisted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = git_oid_cmp(&w->listed[mid].id, id);
		if (c == 0) {
			rawcommit *commit = w->listed[mid].commit;
			w->listed[mid].commit = NULL;
			return commit;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int load_commit(walk *w, rawcommit **out, const git_oid *id, bool want_time)
{
	if ((*out = take_listed(w, id)) != NULL)
		return 0;
	kept *k = pool_find(&w->pool, id);
	if (k && k->commit) {
		*out = k->commit;
		k->commit = NULL;
		return 0;
	}
	hr_packobj *pobj = NULL;
	/* a commit is read once: not worth a place in the cache */
	int rc = w->packs ? hr_packs_read(w->packs, id, GIT_OBJECT_COMMIT, HR_PACKS_ONCE, &pobj) : HR_ENOTFOUND;
	if (rc == 0) {
		rc = parse_commit(out, id, hr_packobj_data(pobj), hr_packobj_len(pobj), want_time);
		hr_packobj_free(pobj);
		return rc;
	}
	if (rc != HR_ENOTFOUND)
		return rc == HR_EINVALID ? (git_error_set_str(GIT_ERROR_INVALID, "not a commit"), rc) : rc;
	git_odb_object *obj = NULL;
	git_odb *odb = w->r ? hr_repo_odb(w->r) : NULL;
	if (!odb)
		return w->r ? HR_EGIT : HR_ENOTFOUND;
	int grc = git_odb_read(&obj, odb, id);
	if (grc < 0)
		return hr_git_code(grc);
	if (git_odb_object_type(obj) != GIT_OBJECT_COMMIT) {
		git_odb_object_free(obj);
		git_error_set_str(GIT_ERROR_INVALID, "not a commit");
		return HR_EINVALID;
	}
	rc = parse_commit(out, id, git_odb_object_data(obj), git_odb_object_size(obj), want_time);
	git_odb_object_free(obj);
	return rc;
}

/* A parent's side of one tree level: its entries, read in order. */
typedef struct side {
	hr_rawtree tree;       /* tree.data NULL: the parent has no tree here */
	size_t pos;            /* offset of `cur` in the tree */
	size_t next;           /* offset after `cur` */
	hr_rawentry cur;
	int has;               /* 1: `cur` is valid, 0: the end, <0: malformed */
} side;

static void side_advance(side *s)
{
	s->pos = s->next;
	s->has = hr_rawtree_next(&s->tree, &s->next, &s->cur);
}

/* The length of the common prefix of two buffers. */
static size_t mismatch(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen, i = 0;
	while (i + 8 <= n) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			break;
		i += 8;
	}
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* The offset of the first entry of `t` that does not end within [0, limit). */
static size_t skip_entries(const hr_rawtree *t, size_t limit)
{
	size_t pos = 0;
	for (;;) {
		const unsigned char *nul = memchr(t->data + pos, '\0', t->len - pos);
		if (!nul)
			return pos;
		size_t end = (size_t)(nul - t->data) + 1 + GIT_OID_RAWSZ;
		if (end > limit)
			return pos;
		pos = end;
	}
}

/* Two entries are the same content when their ids AND their kinds agree. */
static bool same_entry(const hr_rawentry *a, const hr_rawentry *b)
{
	return git_oid_equal(a->id, b->id) && hr_mode_kind(a->mode) == hr_mode_kind(b->mode);
}

/*
 * Compare `tree` with the parents' trees at the same level and hand out
 * what differs from all of them. ptrees[k].data is NULL where parent k has
 * no tree at this path. `depth` counts the levels above; past
 * HR_MAX_TREE_DEPTH the walk stops with an error. The per-parent state of
 * a level lives on the heap: a frame of this recursion is small, so a
 * 4096-level tree needs well under a megabyte of stack.
 *
 * Entries are classified by the type bits of their mode (hr_mode_kind()):
 * files and trees are followed, symlinks and gitlinks are not Dockerfiles
 * to read. A new entry (one no parent has) of any other mode, or named
 * ".", "..", ".git" or with a '/', rejects the walk; an old one is the
 * repository's past, not the push's doing. An entry counts as unchanged
 * only when a parent has the same name with the same id AND the same kind:
 * a symlink whose target text is a bad Dockerfile, turned into a file with
 * the same blob, is a new file.
 */
/*
 * Does this tree hold a .gitattributes file? It sorts early (only names
 * starting with a byte below '.' come before it), so a look at the first
 * entries tells. A changed file's every ancestor tree is compared, so the
 * walk knows, for each candidate, whether any attributes file lies on its
 * way, and attr.c need not read the commit's trees again to find out.
 */
static bool has_gitattributes(const hr_rawtree *tree)
{
	hr_rawentry e;
	for (size_t pos = 0; hr_rawtree_next(tree, &pos, &e) > 0 && e.name[0] <= '.';)
		if (e.namelen == 14 && !memcmp(e.name, ".gitattributes", 14) &&
		    hr_mode_kind(e.mode) == HR_ENTRY_FILE)
			return true;
	return false;
}

static int compare(walk *w, const hr_rawtree *tree, hr_rawtree *ptrees, size_t np, int depth,
	bool attrs_above)
{
	side *sides = NULL;
	const hr_rawentry **match = NULL;
	hr_rawtree *psub = NULL;
	hr_rawentry e;
	size_t pos = 0;
	int rc = 0, more = 0;

	if (depth >= HR_MAX_TREE_DEPTH) {
		snprintf(w->err, w->errlen, "tree '%.200s%s' is nested deeper than %d levels: rejected",
			w->path.ptr, w->path.len > 200 ? "..." : "", HR_MAX_TREE_DEPTH);
		return HR_EINVALID;
	}
	bool attrs_here = attrs_above || has_gitattributes(tree);
	if (np) {
		void *block = calloc(np, sizeof(side) + sizeof(*match) + sizeof(hr_rawtree));
		if (!block)
			return HR_ENOMEM;
		sides = block;
		psub = (hr_rawtree *)(void *)(sides + np);
		match = (const hr_rawentry **)(void *)(psub + np);
	}
	for (size_t k = 0; k < np; k++) {
		sides[k].tree = ptrees[k];
		sides[k].next = 0;
		sides[k].has = 0;
	}
	/*
	 * One parent, the usual case: the two objects are byte-identical up
	 * to the first changed entry, so that prefix is skipped without
	 * looking at its entries; and after each changed entry, the rest is
	 * skipped as soon as it is byte-identical too.
	 */
	bool linear = np == 1 && ptrees[0].data;
	if (linear) {
		pos = skip_entries(tree, mismatch(tree->data, tree->len, ptrees[0].data, ptrees[0].len));
		sides[0].next = pos;
	}
	for (size_t k = 0; k < np; k++)
		if (ptrees[k].data)
			side_advance(&sides[k]);
	while (rc == 0 && (more = hr_rawtree_next(tree, &pos, &e)) > 0) {
		hr_entry_kind kind = hr_mode_kind(e.mode);
		bool is_tree = kind == HR_ENTRY_TREE;
		bool is_new = true, fast = false;

		for (size_t k = 0; k < np; k++) {
			side *s = &sides[k];
			match[k] = NULL;
			/* the very same entry at the parent's cursor */
			if (s->has > 0 && same_entry(&s->cur, &e) && s->cur.namelen == e.namelen &&
			    memcmp(s->cur.name, e.name, e.namelen) == 0) {
				side_advance(s);
				is_new = false;
				fast = true;
				break;
			}
			int c = -1;
			while (s->has > 0 && (c = hr_rawentry_cmp(&s->cur, &e)) < 0)
				side_advance(s);
			if (s->has < 0) {
				rc = hr_git_error(HR_EINVALID, w->err, w->errlen, "cannot read a tree of a parent");
				break;
			}
			if (s->has > 0 && c == 0) {
				match[k] = &s->cur;
				if (same_entry(&s->cur, &e)) {
					is_new = false; /* identical to this parent: file or whole subtree */
					break;
				}
			}
		}
		if (rc)
			break;
		if (fast)
			continue;
		/* what the push brings: a mode or a name git would misread is an error */
		if (is_new && kind == HR_ENTRY_BAD) {
			rc = hr_bad_mode_error(w->err, w->errlen, w->path.ptr, e.name, e.mode);
			break;
		}
		if (is_new && (rc = hr_check_entry_name(w->err, w->errlen, w->path.ptr, e.name, e.namelen)) < 0)
			break;
		if (kind != HR_ENTRY_TREE && kind != HR_ENTRY_FILE)
			goto next; /* symlinks, gitlinks: never Dockerfiles to read */
		if (is_new) {
			size_t saved;
			/* e.name is NUL-terminated inside the object */
			if ((rc = hr_pathbuf_push(&w->path, e.name, &saved)) < 0)
				break;
			if (is_tree) {
				/*
				 * The parents' side first: git packs an older version as a
				 * delta against a newer one, and libgit2 caches the base it
				 * rebuilt, so the newer tree read next comes from that cache.
				 */
				hr_rawtree sub = { 0 };
				int grc;
				for (size_t k = 0; k < np; k++) {
					psub[k] = (hr_rawtree){ 0 };
					if (match[k] && hr_mode_kind(match[k]->mode) == HR_ENTRY_TREE)
						hr_packs_prefetch(w->packs, match[k]->id);
				}
				hr_packs_prefetch(w->packs, e.id);
				for (size_t k = 0; k < np && rc == 0; k++) {
					if (!match[k] || hr_mode_kind(match[k]->mode) != HR_ENTRY_TREE)
						continue;
					grc = load_tree(w, &psub[k], match[k]->id);
					if (grc == HR_ETIMEOUT)
						rc = grc; /* check_deadline() said so */
					else if (grc < 0)
						rc = hr_git_error(grc, w->err, w->errlen,
							"cannot read tree '%s' of a parent", w->path.ptr);
				}
				if (rc == 0 && (grc = load_tree(w, &sub, e.id)) < 0)
					rc = grc == HR_ETIMEOUT ? grc
						: hr_git_error(grc, w->err, w->errlen, "cannot read tree '%s'", w->path.ptr);
				if (rc == 0)
					rc = compare(w, &sub, psub, np, depth + 1, attrs_here);
				for (size_t k = 0; k < np; k++)
					if (psub[k].data)
						keep_tree(w, match[k]->id, &psub[k]);
				hr_rawtree_free(&sub);
			} else if (hr_policy_path_candidate(w->opts->policy, w->path.ptr)) {
				/* the commit's .gitattributes; for TIPS, the final tree's (emit_tip) */
				bool selected = true;
				if (w->opts->scope != HR_SCOPE_TIPS)
					rc = hr__path_selected_commit(&selected, w->r, w->opts->policy, w->path.ptr,
						w->commit, attrs_here ? HR_ATTRS_SOME : HR_ATTRS_NONE, w->packs,
						w->err, w->errlen);
				if (rc == 0 && selected)
					rc = found(w, &e);
			}
			if (rc == 0)
				hr_pathbuf_pop(&w->path, saved); /* on error, the path names the culprit */
		}
next:
		/* after a change: is the rest of both trees the same bytes? */
		if (rc == 0 && linear && sides[0].has >= 0) {
			const side *s = &sides[0];
			size_t rest = tree->len - pos, prest = s->has > 0 ? s->tree.len - s->pos : 0;
			if (rest == prest && memcmp(tree->data + pos, s->tree.data + s->pos, rest) == 0)
				break;
		}
	}
	if (rc == 0 && more < 0)
		rc = hr_git_error(HR_EINVALID, w->err, w->errlen, "cannot read tree '%s'", w->path.ptr);
	free(sides);
	return rc;
}

/*
 * A commit's record (hr_walk_opts.commit_get/put): its parents (a count,
 * then their ids), so that the walk goes on without reading the commit,
 * then the changes it introduces, as record_change() writes them.
 *
 * Hand out a commit's changes from its record instead of comparing trees;
 * its parents are copied into `parents` (*np of them). Returns 1 when
 * replayed, 0 when the record does not parse (nothing was handed out then:
 * it is checked whole before the first change goes out), or a negative
 * error from the callback.
 */
static int replay_commit(walk *w, const git_oid *id, const unsigned char *rec, size_t len,
	git_oid *parents, size_t *np)
{
	if (len < 1 || rec[0] > MAX_PARENTS || len < 1 + (size_t)rec[0] * GIT_OID_RAWSZ)
		return 0;
	*np = rec[0];
	for (size_t k = 0; k < *np; k++)
		memcpy(parents[k].id, rec + 1 + k * GIT_OID_RAWSZ, GIT_OID_RAWSZ);
	size_t start = 1 + *np * GIT_OID_RAWSZ, pos = start;
	while (pos < len) {
		if (len - pos < 6 + GIT_OID_RAWSZ)
			return 0;
		size_t plen = (size_t)rec[pos + 4 + GIT_OID_RAWSZ] << 8 | rec[pos + 5 + GIT_OID_RAWSZ];
		if (plen == 0 || plen > len - pos - 6 - GIT_OID_RAWSZ ||
		    memchr(rec + pos + 6 + GIT_OID_RAWSZ, '\0', plen))
			return 0;
		pos += 6 + GIT_OID_RAWSZ + plen;
	}
	w->commit = id;
	for (pos = start; pos < len;) {
		git_oid blob;
		hr_rawentry e = { .id = &blob };
		e.mode = (unsigned)rec[pos] << 24 | (unsigned)rec[pos + 1] << 16 | (unsigned)rec[pos + 2] << 8 |
			 rec[pos + 3];
		memcpy(blob.id, rec + pos + 4, GIT_OID_RAWSZ);
		size_t plen = (size_t)rec[pos + 4 + GIT_OID_RAWSZ] << 8 | rec[pos + 5 + GIT_OID_RAWSZ];
		if (w->path.cap < plen + 1) {
			char *p = realloc(w->path.ptr, plen + 1);
			if (!p)
				return HR_ENOMEM;
			w->path.ptr = p;
			w->path.cap = plen + 1;
		}
		memcpy(w->path.ptr, rec + pos + 6 + GIT_OID_RAWSZ, plen);
		w->path.ptr[plen] = '\0';
		w->path.len = plen;
		int rc = found(w, &e);
		if (rc < 0)
			return rc;
		pos += 6 + GIT_OID_RAWSZ + plen;
	}
	w->path.len = 0;
	if (w->path.ptr)
		w->path.ptr[0] = '\0';
	w->stats->commits++;
	w->stats->replayed++;
	return 1;
}

/* Replay the record of commit `id` when there is one: 1 replayed, 0 not, <0 error. */
static int try_record(walk *w, const git_oid *id, git_oid *parents, size_t *np)
{
	unsigned char *rec = NULL;
	size_t len = 0;
	if (!w->opts->commit_get || w->opts->commit_get(w->opts->commit_arg, hr_oid_from_git(id), &rec, &len) != 0)
		return 0;
	int rc = replay_commit(w, id, rec, len, parents, np);
	free(rec);
	return rc;
}

static int compare_commit(walk *w, const rawcommit *c);

static int visit_commit(walk *w, const rawcommit *c)
{
	const hr_oid *id = hr_oid_from_git(&c->id);
	w->recording = w->opts->commit_put != NULL && c->np <= MAX_PARENTS;
	w->reclen = 0;
	w->rec_oom = false;
	if (w->recording) {
		/* the parents first: a replay walks on without reading the commit */
		size_t need = 1 + c->np * GIT_OID_RAWSZ;
		unsigned char *b = need > w->reccap ? realloc(w->rec, need > 1024 ? need : 1024) : w->rec;
		if (!b) {
			w->rec_oom = true;
		} else {
			if (need > w->reccap)
				w->reccap = need > 1024 ? need : 1024;
			w->rec = b;
			b[0] = (unsigned char)c->np;
			for (size_t k = 0; k < c->np; k++)
				memcpy(b + 1 + k * GIT_OID_RAWSZ, c->parents[k].id, GIT_OID_RAWSZ);
			w->reclen = need;
		}
	}
	int rc = compare_commit(w, c);
	if (rc == 0 && w->recording && !w->rec_oom)
		w->opts->commit_put(w->opts->commit_arg, id, w->rec, w->reclen);
	w->recording = false;
	return rc;
}

static int compare_commit(walk *w, const rawcommit *c)
{
	hr_rawtree tree = { 0 }, ptrees[MAX_PARENTS];
	git_oid ptree_ids[MAX_PARENTS];
	size_t np = c->np;
	char hex[GIT_OID_HEXSZ + 1];
	int rc = 0, grc;

	if (np > MAX_PARENTS) {
		git_oid_tostr(hex, sizeof(hex), &c->id);
		snprintf(w->err, w->errlen, "commit %s has %zu parents; at most %d are supported", hex, np,
			MAX_PARENTS);
		return HR_EINVALID;
	}
	for (size_t k = 0; k < np; k++)
		ptrees[k] = (hr_rawtree){ 0 };
	w->commit = &c->id;
	hr_packs_prefetch(w->packs, &c->tree); /* looked up after the parents' trees */
	for (size_t k = 0; k < np && rc == 0; k++) {
		rawcommit *p = NULL;
		grc = load_commit(w, &p, &c->parents[k], false);
		if (grc == 0) {
			ptree_ids[k] = p->tree;
			grc = load_tree(w, &ptrees[k], &ptree_ids[k]);
			pool_keep(&w->pool, &p->id, p, NULL);
		}
		if (grc < 0) {
			git_oid_tostr(hex, sizeof(hex), &c->parents[k]);
			rc = hr_git_error(grc, w->err, w->errlen, "cannot read parent %s", hex);
		}
	}
	/* the commit's own tree after its parents' (see compare()) */
	if (rc == 0 && (grc = load_tree(w, &tree, &c->tree)) < 0) {
		git_oid_tostr(hex, sizeof(hex), &c->id);
		rc = hr_git_error(grc, w->err, w->errlen, "cannot read the tree of commit %s", hex);
	}
	if (rc == 0) {
		w->path.len = 0;
		w->path.ptr[0] = '\0';
		rc = compare(w, &tree, ptrees, np, 0, false);
	}
	for (size_t k = 0; k < np; k++)
		if (ptrees[k].data)
			keep_tree(w, &ptree_ids[k], &ptrees[k]);
	hr_rawtree_free(&tree);
	w->stats->commits++;
	return rc;
}

/*
 * The time budget: HR_ETIMEOUT once the caller's clock passes the deadline.
 * Read before every commit (a clock_gettime through the vDSO costs tens of
 * nanoseconds; one commit's trees cost microseconds), so the walk stops
 * within one commit of the deadline.
 */
static int check_deadline(walk *w)
{
	if (w->opts->deadline <= 0)
		return 0;
	double now = w->opts->clock ? w->opts->clock(w->opts->clock_arg) : hr_git_now();
	if (now <= w->opts->deadline)
		return 0;
	snprintf(w->err, w->errlen, "time budget exhausted after %zu commits", w->stats->commits);
	return HR_ETIMEOUT;
}

/* Step 3: the new commits reachable from `tip`, each once. */
static int walk_update(walk *w, const git_oid *tip)
{
	git_oid *stack = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

#define PUSH(id) do { \
		if (len == cap) { \
			size_t ncap = cap ? cap * 2 : 256; \
			git_oid *ns = realloc(stack, ncap * sizeof(*ns)); \
			if (!ns) { rc = HR_ENOMEM; goto out; } \
			stack = ns; cap = ncap; \
		} \
		stack[len++] = *(id); \
	} while (0)

	PUSH(tip);
	while (len && rc == 0) {
		git_oid id = stack[--len];
		int *v;
		bool added;
		if (w->all_fresh) {
			if ((rc = hr_keyset_put(&w->fresh, id.id, GIT_OID_RAWSZ, &v, &added)) < 0)
				break;
			if (!added)
				continue;
		} else {
			v = hr_keyset_get(&w->fresh, id.id, GIT_OID_RAWSZ);
			if (!v || *v)
				continue; /* old, or visited */
		}
		*v = 1;
		if ((rc = check_deadline(w)) < 0)
			break;
		if (w->opts->progress)
			w->opts->progress(w->opts->progress_arg, w->stats->commits, w->total);
		git_oid parents[MAX_PARENTS];
		size_t np = 0;
		if ((rc = try_record(w, &id, parents, &np)) != 0) {
			if (rc < 0)
				break;
			rc = 0;
			for (size_t k = np; k-- > 0;)
				PUSH(&parents[k]);
			continue;
		}
		rawcommit *c = NULL;
		int grc = load_commit(w, &c, &id, false);
		if (grc < 0) {
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof(hex), &id);
			rc = hr_git_error(grc, w->err, w->errlen, "cannot read commit %s", hex);
			break;
		}
		rc = visit_commit(w, c);
		/* parents pushed last first, so the first parent is walked next */
		for (size_t k = c->np; rc == 0 && k-- > 0;)
			PUSH(&c->parents[k]);
		free(c);
		pool_turn(&w->pool);
	}
#undef PUSH
out:
	free(stack);
	return rc;
}

/* For progress only: how many commits the tips reach (nothing is hidden). */
static int count_commits(walk *w, const git_oid *tips, const enum tip_kind *kinds, size_t n)
{
	git_revwalk *rw = NULL;
	git_oid id;
	int grc, rc = 0;
	if ((grc = git_revwalk_new(&rw, hr_repo_git(w->r))) < 0)
		return hr_git_error(HR_EGIT, w->err, w->errlen, "cannot walk the history");
	git_revwalk_sorting(rw, GIT_SORT_NONE);
	for (size_t i = 0; i < n && rc == 0; i++)
		if (kinds[i] == TIP_COMMIT && (grc = git_revwalk_push(rw, &tips[i])) < 0)
			rc = hr_git_error(hr_git_code(grc), w->err, w->errlen, "cannot walk the history");
	while (rc == 0 && (grc = git_revwalk_next(&id, rw)) == 0)
		w->total++;
	if (rc == 0 && grc != GIT_ITEROVER)
		rc = hr_git_error(hr_git_code(grc), w->err, w->errlen, "cannot walk the history");
	git_revwalk_free(rw);
	return rc;
}

/* Step 2: mark the new commits. Returns how many tips were hidden in *nhidden. */
/*
 * Step 2 with the walk's own reader: the commits reachable from the new
 * tips and from no hidden commit. libgit2's revwalk inflated and parsed
 * every new commit a second time (10-14% of a large push); here each is
 * read once, its parsed header kept for step 3 (load_commit takes it).
 *
 * As git's and libgit2's limited walks do, both sides are walked together,
 * newest committer date first: a parent of a hidden commit is hidden (and,
 * as they do, its parents' parents are marked before their turn: hint()),
 * and the walk ends as git's still_interesting() says: once only hidden
 * commits are queued, none of them newer than the last new commit walked,
 * SLOP commits later (a little clock skew). A commit found hidden after it
 * was listed as new (skew, equal dates) is queued again so that its
 * parents are hidden too, before the walk may end (MARK_RECHECK), and is
 * left out. Like git's, the stopping point is a heuristic: under enough
 * skew a commit the hidden refs reach can still be listed as new (checked
 * more, never less); test/git/dag-campaign.py measures how often.
 * HOOK_RUN_VERIFY_OBJECTS=1 also runs libgit2's revwalk and fails on any
 * difference (verify_new_commits).
 */
enum { MARK_NEW = 1, MARK_OLD = 2, MARK_QUEUED = 4, MARK_DONE = 8, MARK_RECHECK = 16 };
#define SLOP 5

typedef struct lister {
	walk *w;
	hr_keyset marks;          /* commit id -> MARK_* */
	rawcommit **heap;         /* a max-heap by committer date */
	size_t len, cap;
	size_t interesting;       /* queued and not hidden */
	size_t recheck;           /* queued again: walked as new, then found hidden */
	hr_vec pending;           /* git_oid: walked as new, found hidden by hint(): to queue again */
	bool hinting;             /* queuing the parents of a hidden commit being walked */
} lister;

static void heap_push(lister *l, rawcommit *c)
{
	size_t i = l->len++;
	while (i > 0) {
		size_t up = (i - 1) / 2;
		if (l->heap[up]->time >= c->time)
			break;
		l->heap[i] = l->heap[up];
		i = up;
	}
	l->heap[i] = c;
}

static rawcommit *heap_pop(lister *l)
{
	rawcommit *top = l->heap[0], *last = l->heap[--l->len];
	size_t i = 0;
	for (;;) {
		size_t kid = 2 * i + 1;
		if (kid >= l->len)
			break;
		if (kid + 1 < l->len && l->heap[kid + 1]->time > l->heap[kid]->time)
			kid++;
		if (l->heap[kid]->time <= last->time)
			break;
		l->heap[i] = l->heap[kid];
		i = kid;
	}
	if (l->len)
		l->heap[i] = last;
	return top;
}

/* Read a commit, peeling tags; HR_EINVALID for a tree or a blob. */
static int lister_load(lister *l, rawcommit **out, const git_oid *id, bool peel)
{
	int rc = load_commit(l->w, out, id, true);
	if (rc != HR_EINVALID || !peel)
		return rc;
	git_oid peeled_id;
	int type;
	int prc = hr_peel_tags_in(&peeled_id, &type, l->w->r, l->w->packs, id);
	if (prc == 0)
		return type == 1 ? load_commit(l->w, out, &peeled_id, true) : HR_EINVALID;
	if (prc != HR_ENOTFOUND)
		return prc == HR_ENOMEM ? prc : HR_EINVALID;
	git_object *obj = NULL, *peeled = NULL;
	if (git_object_lookup(&obj, hr_repo_git(l->w->r), id, GIT_OBJECT_ANY) < 0 ||
	    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0)
		rc = HR_EINVALID;
	else
		rc = load_commit(l->w, out, git_object_id(peeled), true);
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

/*
 * The parents of a commit just queued as the parent of a hidden commit
 * being walked are hidden too, known or not: when libgit2 and git walk a
 * hidden commit, they parse its parents to queue them, then mark hidden
 * every commit they have parsed below it, so these parents' parents too,
 * before their turn. Here an unknown one gets a mark only (OLD, neither
 * queued nor done),
 * read and queued as hidden when the walk reaches it; a queued new one
 * turns hidden and must be walked before the walk ends (MARK_RECHECK);
 * one already walked as new is queued again, from lister_run (`pending`:
 * no recursion down a long history).
 */
static int hint(lister *l, const rawcommit *c)
{
	for (size_t k = 0; k < c->np; k++) {
		int *v;
		bool added;
		int rc = hr_keyset_put(&l->marks, c->parents[k].id, GIT_OID_RAWSZ, &v, &added);
		if (rc < 0)
			return rc;
		if (added) {
			*v = MARK_OLD;
		} else if (*v & MARK_OLD) {
			continue;
		} else if (*v & MARK_QUEUED) {
			*v |= MARK_OLD | MARK_RECHECK;
			l->interesting--;
			l->recheck++;
		} else if (*v & MARK_DONE) {
			git_oid *p = hr_vec_push(&l->pending);
			if (!p)
				return HR_ENOMEM;
			*p = c->parents[k];
		}
	}
	return 0;
}

/*
 * Mark commit `c` (read, with its id in c->id) NEW or OLD and queue it
 * when it is new to the walk; a commit already seen only gains OLD (and
 * is queued again when it was already done); one known only as a hidden
 * commit's parent (hint()) is queued as hidden. Takes `c`.
 */
static int lister_add(lister *l, rawcommit *c, int mark)
{
	int *v;
	bool added;
	int rc = hr_keyset_put(&l->marks, c->id.id, GIT_OID_RAWSZ, &v, &added);
	if (rc < 0) {
		free(c);
		return rc;
	}
	bool hinted = !added && !(*v & (MARK_QUEUED | MARK_DONE));
	if (hinted) {
		added = true;
		mark = MARK_OLD;
	} else if (!added && (mark == MARK_NEW || (*v & MARK_OLD))) {
		free(c);
		return 0;
	}
	if (!added && (*v & MARK_QUEUED)) {
		if (!(*v & MARK_OLD)) {
			l->interesting--;
			*v |= MARK_OLD | MARK_RECHECK;
			l->recheck++;
		}
		free(c);
		return 0;
	}
	/* new to the walk, or done and now found hidden: (re)queue it */
	if (l->len == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		rawcommit **h = realloc(l->heap, cap * sizeof(*h));
		if (!h) {
			free(c);
			return HR_ENOMEM;
		}
		l->heap = h;
		l->cap = cap;
	}
	*v = (added ? mark : *v | MARK_OLD | MARK_RECHECK) | MARK_QUEUED;
	bool old = *v & MARK_OLD;
	if (!old)
		l->interesting++;
	if (!added)
		l->recheck++; /* its parents must be hidden too before the walk may end */
	heap_push(l, c);
	return old && l->hinting ? hint(l, c) : 0; /* c stays valid in the heap */
}

/* Queue commit `id` (a parent) unless it is known already with this mark. */
static int lister_add_id(lister *l, const git_oid *id, int mark)
{
	int *v = hr_keyset_get(&l->marks, id->id, GIT_OID_RAWSZ);
	bool hinted = v && !(*v & (MARK_QUEUED | MARK_DONE));
	if (v && !hinted && (mark == MARK_NEW || (*v & MARK_OLD)))
		return 0;
	if (v && (*v & MARK_QUEUED)) {
		if (!(*v & MARK_OLD)) {
			/* as hint() does: walked before the end, to pass it on */
			l->interesting--;
			*v |= MARK_OLD | MARK_RECHECK;
			l->recheck++;
		}
		return 0;
	}
	rawcommit *c = NULL;
	int rc = lister_load(l, &c, id, false);
	if (rc == HR_ETIMEOUT || rc == HR_ENOMEM)
		return rc;
	if (rc < 0) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), id);
		return hr_git_error(rc, l->w->err, l->w->errlen, "cannot read commit %s", hex);
	}
	return lister_add(l, c, mark);
}

static int cmp_listed(const void *a, const void *b)
{
	return git_oid_cmp(&((const listed *)a)->id, &((const listed *)b)->id);
}

/* Walk until only hidden commits are queued (and SLOP more); keep the new ones. */
static int lister_run(lister *l)
{
	walk *w = l->w;
	size_t popped = 0;
	int slop = SLOP, rc = 0;
	int64_t last_new = INT64_MAX; /* the date of the last new commit walked */
	while ((l->len || l->pending.len) && rc == 0) {
		if (l->pending.len) {
			git_oid id = ((git_oid *)l->pending.items)[--l->pending.len];
			rc = lister_add_id(l, &id, MARK_OLD);
			continue;
		}
		/*
		 * git's still_interesting(): go on while a new commit is queued, a
		 * commit found hidden after it was walked has to pass that on, or
		 * the newest queued commit is no older than the last new one (a
		 * hidden commit so dated may still reach it); else SLOP more.
		 */
		if (l->interesting || l->recheck || l->heap[0]->time >= last_new)
			slop = SLOP;
		else if (slop-- == 0)
			break;
		/* listing a huge push takes time too: the budget is read here as well */
		if ((popped++ & 1023) == 0 && (rc = check_deadline(w)) < 0)
			break;
		rawcommit *c = heap_pop(l);
		int *v = hr_keyset_get(&l->marks, c->id.id, GIT_OID_RAWSZ);
		int mark = *v;
		*v = (mark & ~(MARK_QUEUED | MARK_RECHECK)) | MARK_DONE;
		if (!(mark & MARK_OLD)) {
			l->interesting--;
			last_new = c->time;
		}
		if (mark & MARK_RECHECK)
			l->recheck--;
		int pmark = mark & MARK_OLD ? MARK_OLD : MARK_NEW;
		l->hinting = pmark == MARK_OLD;
		for (size_t k = 0; k < c->np && rc == 0; k++)
			rc = lister_add_id(l, &c->parents[k], pmark);
		l->hinting = false;
		if (rc == 0 && pmark == MARK_NEW) {
			/* kept for step 3, unless found hidden later */
			if (w->nlisted == w->caplisted) {
				size_t cap = w->caplisted ? w->caplisted * 2 : 256;
				listed *nl = realloc(w->listed, cap * sizeof(*nl));
				if (!nl) {
					free(c);
					return HR_ENOMEM;
				}
				w->listed = nl;
				w->caplisted = cap;
			}
			w->listed[w->nlisted].id = c->id;
			w->listed[w->nlisted++].commit = c;
		} else {
			free(c);
		}
	}
	if (rc < 0)
		return rc;
	/* the new commits: listed, never found hidden */
	size_t nkeep = 0;
	for (size_t i = 0; i < w->nlisted; i++) {
		rawcommit *c = w->listed[i].commit;
		int *v = hr_keyset_get(&l->marks, c->id.id, GIT_OID_RAWSZ), *f;
		bool added;
		if (*v & MARK_OLD) {
			free(c);
			continue;
		}
		if ((rc = hr_keyset_put(&w->fresh, c->id.id, GIT_OID_RAWSZ, &f, &added)) < 0)
			return rc;
		w->listed[nkeep++] = w->listed[i];
	}
	w->nlisted = nkeep;
	if (nkeep > 1)
		qsort(w->listed, nkeep, sizeof(*w->listed), cmp_listed);
	w->listed_sorted = true;
	return 0;
}

/* Hide one commit (a ref's target, peeled); false when it is no commit. */
static int hide(lister *l, const git_oid *id, bool *hidden)
{
	rawcommit *c = NULL;
	int rc = lister_load(l, &c, id, true);
	*hidden = false;
	if (rc == HR_ETIMEOUT || rc == HR_ENOMEM)
		return rc;
	if (rc < 0) {
		git_error_clear(); /* a ref to a tree, a blob or nothing hides nothing */
		return 0;
	}
	*hidden = true;
	return lister_add(l, c, MARK_OLD);
}

static int verify_new_commits(walk *w, const git_oid *tips, const enum tip_kind *kinds, size_t n);

typedef struct hide_refs {
	lister *l;
	size_t nrefs, nhidden;
} hide_refs;

static int hide_ref(const char *name, const hr_oid *id, void *payload)
{
	hide_refs *h = payload;
	bool hidden;
	int rc;
	(void)name;
	/* a server with 100 000 refs: the budget holds while they are hidden */
	if (++h->nrefs % 256 == 0 && (rc = check_deadline(h->l->w)) < 0)
		return rc;
	if ((rc = hide(h->l, hr_oid_to_git(id), &hidden)) < 0)
		return rc;
	h->nhidden += hidden;
	return 0;
}

/* a ref's name with its id after the NUL: one key of the sets below */
static int put_ref(hr_keyset *set, const char *name, const unsigned char *id)
{
	size_t n = strlen(name);
	char *key = malloc(n + 1 + HR_OID_RAWSZ);
	int *v, rc;
	bool added;
	if (!key)
		return HR_ENOMEM;
	memcpy(key, name, n + 1);
	memcpy(key + n + 1, id, HR_OID_RAWSZ);
	rc = hr_keyset_put(set, key, n + 1 + HR_OID_RAWSZ, &v, &added);
	free(key);
	return rc;
}

static int collect_ref(const char *name, const hr_oid *id, void *payload)
{
	return put_ref(payload, name, id->id);
}

typedef struct ref_diff {
	walk *w;
	const hr_keyset *other;
	int rc;
} ref_diff;

/*
 * A ref in one list and not (with that id) in the other: both readers are
 * asked again by its name, hook-run's on a fresh read of the store. A push
 * racing this one may have moved the ref between the two listings; the
 * readers disagree only when they still do.
 */
static int check_ref_diff(const void *key, size_t len, int value, void *payload)
{
	ref_diff *d = payload;
	hr_refdb *db = NULL;
	hr_oid own;
	git_oid theirs;
	char err[256];
	(void)value;
	if (hr_keyset_get(d->other, key, len))
		return 0;
	const char *name = key;
	int orc = hr_refdb_open(&db, d->w->r->gitdir, d->w->r->commondir, err, sizeof(err));
	if (orc == 0)
		orc = hr_refdb_resolve(&own, db, name, err, sizeof(err));
	hr_refdb_free(db);
	int grc = git_reference_name_to_id(&theirs, hr_repo_git(d->w->r), name);
	git_error_clear();
	if ((orc < 0 && grc < 0) || (orc == 0 && grc == 0 && !memcmp(own.id, theirs.id, HR_OID_RAWSZ)))
		return 0;
	snprintf(d->w->err, d->w->errlen, "hook-run's ref reader disagrees with libgit2 on '%s'", name);
	d->rc = HR_EGIT;
	return 1;
}

/*
 * Verification mode (HOOK_RUN_VERIFY_OBJECTS): the refs hook-run's reader
 * lists, each with its id, are the ones libgit2's iterator resolves. When
 * libgit2 cannot list them (a ref it calls corrupt), there is nothing to
 * compare with.
 */
static int verify_refs(walk *w, hr_refdb *db)
{
	hr_keyset own, theirs;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int rc, grc = 0;

	hr_keyset_init(&own);
	hr_keyset_init(&theirs);
	if ((rc = hr_refdb_foreach(db, collect_ref, &own, w->err, w->errlen)) < 0)
		goto out;
	if (git_reference_iterator_new(&it, hr_repo_git(w->r)) < 0)
		goto out;
	while (rc == 0 && (grc = git_reference_next(&ref, it)) == 0) {
		git_reference *resolved = NULL;
		if (git_reference_resolve(&resolved, ref) == 0 && git_reference_target(resolved))
			rc = put_ref(&theirs, git_reference_name(ref), git_reference_target(resolved)->id);
		git_reference_free(resolved);
		git_reference_free(ref);
	}
	if (rc == 0 && grc == GIT_ITEROVER) {
		ref_diff a = { w, &theirs, 0 }, b = { w, &own, 0 };
		hr_keyset_foreach(&own, check_ref_diff, &a);
		if (!(rc = a.rc)) {
			hr_keyset_foreach(&theirs, check_ref_diff, &b);
			rc = b.rc;
		}
	}
out:
	git_error_clear();
	git_reference_iterator_free(it);
	hr_keyset_free(&own);
	hr_keyset_free(&theirs);
	return rc;
}

/*
 * Hide what every ref and HEAD reach, with hook-run's ref reader (refdb.c);
 * HR_ENOTSUP when it does not read this ref store (libgit2 then lists them).
 */
static int hide_all_refs_own(lister *l, size_t *nhidden)
{
	hr_refdb *db = hr_repo_refdb(l->w->r);
	hide_refs h = { .l = l };
	hr_oid head;
	bool hidden;
	int rc;

	if (!db)
		return HR_ENOTSUP;
	if (l->w->packs && hr_packs_verifying(l->w->packs) && (rc = verify_refs(l->w, db)) < 0)
		return rc;
	if ((rc = hr_refdb_foreach(db, hide_ref, &h, l->w->err, l->w->errlen)) < 0)
		return rc;
	*nhidden += h.nhidden;
	if (hr_refdb_resolve(&head, db, "HEAD", l->w->err, l->w->errlen) == 0) {
		if ((rc = hide(l, hr_oid_to_git(&head), &hidden)) < 0)
			return rc;
		*nhidden += hidden;
	}
	l->w->err[0] = '\0';
	return 0;
}

static int find_new_commits(walk *w, const git_oid *tips, const enum tip_kind *kinds, size_t n)
{
	lister l = { .w = w };
	hr_vec_init(&l.pending, sizeof(git_oid));
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	size_t nhidden = 0;
	bool hidden;
	git_oid id;
	int rc = 0, grc;

	hr_keyset_init(&l.marks);
	if (w->opts->hide_all_refs && (rc = hide_all_refs_own(&l, &nhidden)) != HR_ENOTSUP) {
		if (rc < 0) {
			if (rc != HR_ETIMEOUT && rc != HR_ENOMEM && !w->err[0])
				snprintf(w->err, w->errlen, "cannot list the refs");
			goto out;
		}
	} else if (w->opts->hide_all_refs) {
		rc = 0;
		if (git_reference_iterator_new(&it, hr_repo_git(w->r)) < 0) {
			rc = hr_git_error(HR_EGIT, w->err, w->errlen, "cannot list the refs");
			goto out;
		}
		size_t nrefs = 0;
		while ((grc = git_reference_next(&ref, it)) == 0) {
			git_reference *resolved = NULL;
			/* a server with 100 000 refs: the budget holds while they are hidden */
			if (++nrefs % 256 == 0 && (rc = check_deadline(w)) < 0) {
				git_reference_free(ref);
				goto out;
			}
			if (git_reference_resolve(&resolved, ref) == 0) {
				const git_oid *target = git_reference_target(resolved);
				if (target)
					rc = hide(&l, target, &hidden);
				nhidden += target && hidden;
				git_reference_free(resolved);
			}
			git_error_clear();
			git_reference_free(ref);
			if (rc < 0)
				goto out;
		}
		if (grc != GIT_ITEROVER) {
			rc = hr_git_error(HR_EGIT, w->err, w->errlen, "cannot list the refs");
			goto out;
		}
		if (git_reference_name_to_id(&id, hr_repo_git(w->r), "HEAD") == 0) {
			if ((rc = hide(&l, &id, &hidden)) < 0)
				goto out;
			nhidden += hidden;
		}
		git_error_clear();
	}
	for (size_t i = 0; i < w->opts->nhide; i++) {
		rawcommit *c = NULL;
		if ((rc = lister_load(&l, &c, hr_oid_to_git(&w->opts->hide[i]), true)) < 0) {
			if (rc == HR_ETIMEOUT || rc == HR_ENOMEM)
				goto out;
			char hex[GIT_OID_HEXSZ + 1];
			hr_oid_fmt(hex, &w->opts->hide[i]);
			rc = hr_git_error(rc, w->err, w->errlen, "cannot read commit %s", hex);
			goto out;
		}
		if ((rc = lister_add(&l, c, MARK_OLD)) < 0)
			goto out;
		nhidden++;
	}
	if (nhidden == 0) {
		w->all_fresh = true;
		if (w->opts->progress)
			rc = count_commits(w, tips, kinds, n);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		rawcommit *c = NULL;
		if (kinds[i] != TIP_COMMIT)
			continue;
		if (i && (i & 255) == 0 && (rc = check_deadline(w)) < 0)
			goto out;
		if ((rc = lister_load(&l, &c, &tips[i], false)) < 0) {
			if (rc == HR_ETIMEOUT || rc == HR_ENOMEM)
				goto out;
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof(hex), &tips[i]);
			rc = hr_git_error(rc, w->err, w->errlen, "cannot walk from %s", hex);
			goto out;
		}
		if ((rc = lister_add(&l, c, MARK_NEW)) < 0)
			goto out;
	}
	if ((rc = lister_run(&l)) == 0 && w->packs && hr_packs_verifying(w->packs))
		rc = verify_new_commits(w, tips, kinds, n);
	w->total = w->fresh.len;
out:
	while (l.len)
		free(heap_pop(&l));
	free(l.heap);
	hr_vec_free(&l.pending);
	hr_keyset_free(&l.marks);
	git_reference_iterator_free(it);
	return rc;
}

/* HOOK_RUN_VERIFY_OBJECTS: libgit2's revwalk must list the same commits. */
static int verify_new_commits(walk *w, const git_oid *tips, const enum tip_kind *kinds, size_t n)
{
	git_revwalk *rw = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	hr_keyset theirs;
	size_t missing = 0;
	git_oid id;
	int rc = 0, grc;

	hr_keyset_init(&theirs);
	if (git_revwalk_new(&rw, hr_repo_git(w->r)) < 0)
		goto fail;
	git_revwalk_sorting(rw, GIT_SORT_NONE);
	if (w->opts->hide_all_refs) {
		if (git_reference_iterator_new(&it, hr_repo_git(w->r)) < 0)
			goto fail;
		while ((grc = git_reference_next(&ref, it)) == 0) {
			git_reference *resolved = NULL;
			if (git_reference_resolve(&resolved, ref) == 0) {
				const git_oid *target = git_reference_target(resolved);
				if (target)
					git_revwalk_hide(rw, target);
				git_reference_free(resolved);
			}
			git_error_clear();
			git_reference_free(ref);
		}
		if (git_reference_name_to_id(&id, hr_repo_git(w->r), "HEAD") == 0)
			git_revwalk_hide(rw, &id);
		git_error_clear();
	}
	for (size_t i = 0; i < w->opts->nhide; i++)
		if (git_revwalk_hide(rw, hr_oid_to_git(&w->opts->hide[i])) < 0)
			goto fail;
	for (size_t i = 0; i < n; i++)
		if (kinds[i] == TIP_COMMIT && git_revwalk_push(rw, &tips[i]) < 0)
			goto fail;
	while ((grc = git_revwalk_next(&id, rw)) == 0) {
		int *v;
		bool added;
		if ((rc = hr_keyset_put(&theirs, id.id, GIT_OID_RAWSZ, &v, &added)) < 0)
			goto out;
		missing += !hr_keyset_get(&w->fresh, id.id, GIT_OID_RAWSZ);
	}
	if (grc != GIT_ITEROVER)
		goto fail;
	if (missing || theirs.len != w->fresh.len) {
		snprintf(w->err, w->errlen, "hook-run listed %zu new commits, libgit2 %zu (%zu not in hook-run's list)",
			w->fresh.len, theirs.len, missing);
		rc = HR_EGIT;
	}
	goto out;
fail:
	rc = hr_git_error(HR_EGIT, w->err, w->errlen, "cannot verify the new commits with libgit2");
out:
	git_reference_iterator_free(it);
	git_revwalk_free(rw);
	hr_keyset_free(&theirs);
	return rc;
}

/* Step 1: peel an update's new id; TIP_NONE for a blob. */
static int peel_tip(walk *w, const hr_ref_update *u, git_oid *out, enum tip_kind *kind)
{
	git_object *obj = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int type;

	*kind = TIP_NONE;
	/* hook-run's readers first; libgit2 for what they cannot read, and to name the trouble */
	if (hr_peel_tags_in(out, &type, w->r, w->packs, hr_oid_to_git(&u->new_oid)) == 0) {
		*kind = type == 1 ? TIP_COMMIT : type == 2 ? TIP_TREE : TIP_NONE;
		return 0;
	}
	int grc = git_object_lookup(&obj, hr_repo_git(w->r), hr_oid_to_git(&u->new_oid), GIT_OBJECT_ANY);
	if (grc < 0) {
		hr_oid_fmt(hex, &u->new_oid);
		return hr_git_error(hr_git_code(grc), w->err, w->errlen, "%s: new object %s is missing or unreadable",
			u->ref, hex);
	}
	for (int depth = 0; git_object_type(obj) == GIT_OBJECT_TAG; depth++) {
		git_object *target = NULL;
		if (depth > 32 || (grc = git_tag_target(&target, (git_tag *)obj)) < 0) {
			git_oid_tostr(hex, sizeof(hex), git_object_id(obj));
			git_object_free(obj);
			return hr_git_error(grc < 0 ? hr_git_code(grc) : HR_EINVALID, w->err, w->errlen,
				"%s: cannot peel tag %s", u->ref, hex);
		}
		git_object_free(obj);
		obj = target;
	}
	*out = *git_object_id(obj);
	if (git_object_type(obj) == GIT_OBJECT_COMMIT)
		*kind = TIP_COMMIT;
	else if (git_object_type(obj) == GIT_OBJECT_TREE)
		*kind = TIP_TREE;
	git_object_free(obj);
	return 0;
}

typedef struct path_list {
	char **items;
	size_t len;
} path_list;

static int collect_path(const void *key, size_t len, int value, void *payload)
{
	path_list *l = payload;
	(void)len;
	(void)value;
	l->items[l->len++] = (char *)key; /* NUL-terminated: stored with its NUL */
	return 0;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Step 5 for TIPS: the introduced files of one update's final tree. */
static int emit_tip(walk *w, const git_oid *tip, const path_list *paths)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int rc = 0, grc;

	grc = git_commit_lookup(&c, hr_repo_git(w->r), tip);
	if (grc == 0)
		grc = git_commit_tree(&tree, c);
	if (grc < 0) {
		git_oid_tostr(hex, sizeof(hex), tip);
		rc = hr_git_error(hr_git_code(grc), w->err, w->errlen, "cannot read the tree of %s", hex);
		goto out;
	}
	for (size_t i = 0; i < paths->len && rc == 0; i++) {
		git_tree_entry *e = NULL;
		if (i && (i & 255) == 0 && (rc = check_deadline(w)) < 0)
			break;
		if (git_tree_entry_bypath(&e, tree, paths->items[i]) < 0) {
			git_error_clear();
			continue; /* deleted or renamed away by the end */
		}
		const git_oid *id = git_tree_entry_id(e);
		size_t plen = strlen(paths->items[i]);
		char *key = malloc(GIT_OID_RAWSZ + plen);
		if (!key) {
			git_tree_entry_free(e);
			rc = HR_ENOMEM;
			break;
		}
		memcpy(key, id->id, GIT_OID_RAWSZ);
		memcpy(key + GIT_OID_RAWSZ, paths->items[i], plen);
		bool introduced = hr_mode_is_file(git_tree_entry_filemode(e)) &&
				  hr_keyset_get(&w->pairs, key, GIT_OID_RAWSZ + plen);
		free(key);
		if (introduced)
			rc = hr__path_selected_commit(&introduced, w->r, w->opts->policy, paths->items[i], tip,
				HR_ATTRS_UNKNOWN, w->packs, w->err, w->errlen);
		if (rc == 0 && introduced) {
			hr_change ch = {
				.update = w->update,
				.commit = hr_oid_from_git(tip),
				.path = paths->items[i],
				.blob = hr_oid_from_git(id),
				.mode = (uint32_t)git_tree_entry_filemode(e),
			};
			rc = hr_change_emit(&w->blobs, &ch, w->fn, w->payload);
		}
		git_tree_entry_free(e);
	}
out:
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}

static int emit_tree(walk *w, const git_oid *tree_id)
{
	hr_change proto = { .update = w->update };
	w->path.len = 0;
	w->path.ptr[0] = '\0';
	return hr_tree_walk_files(w->r, w->packs, tree_id, &w->path, w->opts->policy, &w->blobs, &proto,
		w->fn, w->payload, &w->stats->changes, w->err, w->errlen);
}

int hr_walk(hr_repo *r, const hr_ref_update *updates, size_t n, const hr_walk_opts *opts,
	hr_change_fn fn, void *payload, hr_walk_stats *stats, char *err, size_t errlen)
{
	walk w;
	hr_walk_stats local;
	git_oid *tips = NULL;
	enum tip_kind *kinds = NULL;
	path_list paths = { NULL, 0 };
	size_t saved;
	int rc = 0;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	memset(&w, 0, sizeof(w));
	w.r = r;
	w.opts = opts;
	w.fn = fn;
	w.payload = payload;
	w.stats = stats;
	w.err = err;
	w.errlen = errlen;
	hr_keyset_init(&w.fresh);
	hr_keyset_init(&w.blobs);
	hr_keyset_init(&w.pairs);
	hr_keyset_init(&w.paths);
	if (hr_pathbuf_push(&w.path, "", &saved) < 0)
		return HR_ENOMEM;
	w.packs = hr_repo_packs(r); /* the repository's: a blob or a context read shares its mapping and cache */

	tips = calloc(n ? n : 1, sizeof(*tips));
	kinds = calloc(n ? n : 1, sizeof(*kinds));
	if (!tips || !kinds) {
		rc = HR_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		/* 100 000 updates take seconds to peel: the budget holds here too */
		if (i && (i & 255) == 0 && (rc = check_deadline(&w)) < 0)
			break;
		if (hr_oid_is_zero(&updates[i].new_oid)) {
			stats->skipped_refs++; /* a deletion */
			continue;
		}
		rc = peel_tip(&w, &updates[i], &tips[i], &kinds[i]);
		if (rc == 0 && kinds[i] == TIP_NONE)
			stats->skipped_refs++;
	}
	if (rc == 0)
		rc = find_new_commits(&w, tips, kinds, n);
	for (size_t i = 0; i < n && rc == 0; i++) {
		w.update = i;
		if (kinds[i] == TIP_COMMIT)
			rc = walk_update(&w, &tips[i]);
		else if (kinds[i] == TIP_TREE)
			rc = emit_tree(&w, &tips[i]);
	}
	if (rc == 0 && opts->scope == HR_SCOPE_TIPS && w.paths.len) {
		paths.items = malloc(w.paths.len * sizeof(char *));
		if (!paths.items) {
			rc = HR_ENOMEM;
			goto out;
		}
		hr_keyset_foreach(&w.paths, collect_path, &paths);
		qsort(paths.items, paths.len, sizeof(char *), cmp_path);
		for (size_t i = 0; i < n && rc == 0; i++) {
			w.update = i;
			if (kinds[i] == TIP_COMMIT)
				rc = emit_tip(&w, &tips[i], &paths);
		}
	}
	stats->blobs = w.blobs.len;
out:
	free(paths.items);
	free(tips);
	free(kinds);
	free(w.path.ptr);
	free(w.rec);
	pool_free(&w.pool);
	for (size_t i = 0; i < w.nlisted; i++)
		free(w.listed[i].commit);
	free(w.listed);
	hr_keyset_free(&w.fresh);
	hr_keyset_free(&w.blobs);
	hr_keyset_free(&w.pairs);
	hr_keyset_free(&w.paths);
	return rc;
}

/*
 * One commit's comparison on trees held in `packs` (no repository, no
 * object database): for the fuzz target and tests of compare(), the part
 * of the walk a pushed tree goes through.
 */
int hr_walk_compare_trees(hr_packs *packs, const git_oid *tree, const git_oid *parent_trees, size_t np,
	const hr_policy *policy, hr_change_fn fn, void *payload, char *err, size_t errlen)
{
	walk w;
	hr_walk_stats stats;
	hr_walk_opts opts;
	hr_rawtree t = { 0 }, ptrees[MAX_PARENTS];
	git_oid commit_id;
	size_t saved;
	int rc;

	if (np > MAX_PARENTS)
		return HR_EINVALID;
	memset(&w, 0, sizeof(w));
	memset(&stats, 0, sizeof(stats));
	memset(&opts, 0, sizeof(opts));
	memset(&commit_id, 0, sizeof(commit_id));
	opts.policy = policy;
	w.opts = &opts;
	w.fn = fn;
	w.payload = payload;
	w.stats = &stats;
	w.err = err;
	w.errlen = errlen;
	w.packs = packs;
	w.commit = &commit_id;
	hr_keyset_init(&w.blobs);
	for (size_t k = 0; k < np; k++)
		ptrees[k] = (hr_rawtree){ 0 };
	if ((rc = hr_pathbuf_push(&w.path, "", &saved)) < 0)
		goto out;
	if ((rc = load_tree(&w, &t, tree)) < 0)
		goto out;
	for (size_t k = 0; k < np && rc == 0; k++)
		rc = load_tree(&w, &ptrees[k], &parent_trees[k]);
	if (rc == 0)
		rc = compare(&w, &t, ptrees, np, 0, false);
out:
	for (size_t k = 0; k < np; k++)
		hr_rawtree_free(&ptrees[k]);
	hr_rawtree_free(&t);
	pool_free(&w.pool);
	free(w.path.ptr);
	hr_keyset_free(&w.blobs);
	return rc;
}
