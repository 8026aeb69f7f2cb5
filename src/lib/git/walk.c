/*
 * walk.c - what a push (or a range, or a whole history) adds (see git.h,
 * hr_walk), and the parser of pre-receive's `<old> <new> <ref>` lines.
 *
 * How it works:
 *  1. Each update's new id is peeled (annotated tags, tags of tags) to a
 *     commit, a tree or a blob. Deletions and blobs are skipped.
 *  2. Which commits are new: one libgit2 revwalk from every new commit at
 *     once, hiding every existing ref (peeled) and HEAD, refs not having
 *     moved yet during pre-receive, plus the caller's extra hidden commits.
 *     When nothing is hidden (a push into an empty repository, a history
 *     audit) this pass is skipped: everything reachable is new.
 *  3. Each update in input order walks its new commits depth-first through
 *     their parents, skipping commits already visited: every new commit is
 *     compared once, and credited to the first update reaching it.
 *  4. A commit's tree is compared with all its parents' trees level by
 *     level, in one merge pass per level over the entries (sorted the way
 *     git sorts them). An entry equal (same id) to the entry of the same
 *     name in ANY parent is skipped, whole subtrees included: a path counts
 *     only when its blob differs from every parent, as `git log --raw -c`
 *     would list it for a merge. Only differing files are matched against
 *     the policy's patterns; libgit2's tree-to-tree diff is not used (it
 *     costs a pass over the whole tree per commit).
 *  5. scope COMMITS hands out each (commit, path, blob) as found. scope
 *     TIPS only records the introduced (path, blob) pairs, then hands out,
 *     for each update, the files of its final tree whose (path, blob) is
 *     one of them.
 *
 * Memory: two hash sets of commit ids (new, visited) and one of blob ids,
 * a stack of commit ids, and the trees of one commit and its parents at a
 * time. Blob contents are the callback's business, one at a time.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "git_internal.h"

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
		if (!(u[count].ref = strndup(ref, reflen))) {
			rc = HR_ENOMEM;
			goto fail;
		}
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
	hr_keyset blobs;      /* blob id -> the callback's verdict */
	hr_keyset pairs;      /* TIPS: blob id + path introduced by a new commit */
	hr_keyset paths;      /* TIPS: the paths of those pairs */
	hr_pathbuf path;
	size_t update;        /* the update being walked */
	const git_oid *commit;
} walk;

/* git's order of tree entries: a tree's name sorts as if it ended in '/' */
static int entry_cmp(const git_tree_entry *a, const git_tree_entry *b)
{
	const char *an = git_tree_entry_name(a), *bn = git_tree_entry_name(b);
	size_t al = strlen(an), bl = strlen(bn), n = al < bl ? al : bl;
	int c = memcmp(an, bn, n);
	if (c)
		return c;
	unsigned char ac = al > n ? (unsigned char)an[n] : git_tree_entry_type(a) == GIT_OBJECT_TREE ? '/' : 0;
	unsigned char bc = bl > n ? (unsigned char)bn[n] : git_tree_entry_type(b) == GIT_OBJECT_TREE ? '/' : 0;
	return (int)ac - (int)bc;
}

static int found(walk *w, const git_tree_entry *e)
{
	const git_oid *id = git_tree_entry_id(e);
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
		.mode = (uint32_t)git_tree_entry_filemode(e),
	};
	return hr_change_emit(&w->blobs, &c, w->fn, w->payload);
}

#define MAX_PARENTS 64

/*
 * Compare `tree` with the parents' trees at the same level (NULL where a
 * parent has no tree there) and hand out what differs from all of them.
 */
static int compare(walk *w, const git_tree *tree, git_tree *const *ptrees, size_t np)
{
	size_t n = git_tree_entrycount(tree);
	size_t cursor[MAX_PARENTS] = { 0 };
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		git_filemode_t mode = git_tree_entry_filemode(e);
		bool is_tree = mode == GIT_FILEMODE_TREE;
		const git_tree_entry *match[MAX_PARENTS];
		bool is_new = true;

		if (!is_tree && !hr_mode_is_file(mode))
			continue; /* symlinks, gitlinks: never Dockerfiles to read */
		for (size_t k = 0; k < np; k++) {
			match[k] = NULL;
			if (!ptrees[k])
				continue;
			size_t pn = git_tree_entrycount(ptrees[k]);
			int c = -1;
			while (cursor[k] < pn &&
			       (c = entry_cmp(git_tree_entry_byindex(ptrees[k], cursor[k]), e)) < 0)
				cursor[k]++;
			if (cursor[k] < pn && c == 0) {
				match[k] = git_tree_entry_byindex(ptrees[k], cursor[k]);
				if (git_oid_equal(git_tree_entry_id(match[k]), git_tree_entry_id(e))) {
					is_new = false; /* identical to this parent: file or whole subtree */
					break;
				}
			}
		}
		if (!is_new)
			continue;

		size_t saved;
		if ((rc = hr_pathbuf_push(&w->path, git_tree_entry_name(e), &saved)) < 0)
			break;
		if (is_tree) {
			git_tree *sub = NULL, *psub[MAX_PARENTS];
			int grc = git_tree_lookup(&sub, w->r->repo, git_tree_entry_id(e));
			w->stats->trees++;
			for (size_t k = 0; k < np; k++)
				psub[k] = NULL;
			if (grc < 0) {
				rc = hr_git_error(hr_git_code(grc), w->err, w->errlen, "cannot read tree '%s'",
					w->path.ptr);
			}
			for (size_t k = 0; k < np && rc == 0; k++) {
				if (!match[k] || git_tree_entry_type(match[k]) != GIT_OBJECT_TREE)
					continue;
				grc = git_tree_lookup(&psub[k], w->r->repo, git_tree_entry_id(match[k]));
				w->stats->trees++;
				if (grc < 0)
					rc = hr_git_error(hr_git_code(grc), w->err, w->errlen,
						"cannot read tree '%s' of a parent", w->path.ptr);
			}
			if (rc == 0)
				rc = compare(w, sub, psub, np);
			for (size_t k = 0; k < np; k++)
				git_tree_free(psub[k]);
			git_tree_free(sub);
		} else if (hr_policy_matches_path(w->opts->policy, w->path.ptr)) {
			rc = found(w, e);
		}
		hr_pathbuf_pop(&w->path, saved);
	}
	return rc;
}

static int visit_commit(walk *w, const git_commit *c)
{
	git_tree *tree = NULL, *ptrees[MAX_PARENTS];
	unsigned np = git_commit_parentcount(c);
	char hex[GIT_OID_HEXSZ + 1];
	int rc = 0, grc;

	if (np > MAX_PARENTS) {
		git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
		snprintf(w->err, w->errlen, "commit %s has %u parents; at most %d are supported", hex, np,
			MAX_PARENTS);
		return HR_EINVALID;
	}
	for (unsigned k = 0; k < np; k++)
		ptrees[k] = NULL;
	w->commit = git_commit_id(c);
	if ((grc = git_commit_tree(&tree, c)) < 0) {
		git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
		return hr_git_error(hr_git_code(grc), w->err, w->errlen, "cannot read the tree of commit %s", hex);
	}
	for (unsigned k = 0; k < np && rc == 0; k++) {
		git_commit *p = NULL;
		grc = git_commit_parent(&p, c, k);
		if (grc == 0) {
			grc = git_commit_tree(&ptrees[k], p);
			git_commit_free(p);
		}
		if (grc < 0) {
			git_oid_tostr(hex, sizeof(hex), git_commit_parent_id(c, k));
			rc = hr_git_error(hr_git_code(grc), w->err, w->errlen, "cannot read parent %s", hex);
		}
	}
	if (rc == 0) {
		w->stats->trees += 1 + np;
		w->path.len = 0;
		w->path.ptr[0] = '\0';
		rc = compare(w, tree, ptrees, np);
	}
	for (unsigned k = 0; k < np; k++)
		git_tree_free(ptrees[k]);
	git_tree_free(tree);
	w->stats->commits++;
	return rc;
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
		if (w->opts->deadline > 0 && (w->stats->commits & 63) == 0 && hr_git_now() > w->opts->deadline) {
			snprintf(w->err, w->errlen, "time budget exhausted after %zu commits", w->stats->commits);
			rc = HR_ETIMEOUT;
			break;
		}
		git_commit *c = NULL;
		int grc = git_commit_lookup(&c, w->r->repo, &id);
		if (grc < 0) {
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof(hex), &id);
			rc = hr_git_error(hr_git_code(grc), w->err, w->errlen, "cannot read commit %s", hex);
			break;
		}
		rc = visit_commit(w, c);
		/* parents pushed last first, so the first parent is walked next */
		for (unsigned k = git_commit_parentcount(c); rc == 0 && k-- > 0;)
			PUSH(git_commit_parent_id(c, k));
		git_commit_free(c);
	}
#undef PUSH
out:
	free(stack);
	return rc;
}

/* Step 2: mark the new commits. Returns how many tips were hidden in *nhidden. */
static int find_new_commits(walk *w, const git_oid *tips, const enum tip_kind *kinds, size_t n)
{
	git_revwalk *rw = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	size_t nhidden = 0;
	git_oid id;
	int rc = 0, grc;

	if ((grc = git_revwalk_new(&rw, w->r->repo)) < 0)
		return hr_git_error(HR_EGIT, w->err, w->errlen, "cannot walk the history");
	git_revwalk_sorting(rw, GIT_SORT_NONE);
	if (w->opts->hide_all_refs) {
		if (git_reference_iterator_new(&it, w->r->repo) < 0) {
			rc = hr_git_error(HR_EGIT, w->err, w->errlen, "cannot list the refs");
			goto out;
		}
		while ((grc = git_reference_next(&ref, it)) == 0) {
			git_reference *resolved = NULL;
			if (git_reference_resolve(&resolved, ref) == 0) {
				const git_oid *target = git_reference_target(resolved);
				/* peels tags; a ref to a tree or blob hides nothing */
				if (target && git_revwalk_hide(rw, target) == 0)
					nhidden++;
				git_reference_free(resolved);
			}
			git_error_clear();
			git_reference_free(ref);
		}
		if (grc != GIT_ITEROVER) {
			rc = hr_git_error(HR_EGIT, w->err, w->errlen, "cannot list the refs");
			goto out;
		}
		if (git_reference_name_to_id(&id, w->r->repo, "HEAD") == 0 && git_revwalk_hide(rw, &id) == 0)
			nhidden++;
		git_error_clear();
	}
	for (size_t i = 0; i < w->opts->nhide; i++) {
		if ((grc = git_revwalk_hide(rw, hr_oid_to_git(&w->opts->hide[i]))) < 0) {
			char hex[GIT_OID_HEXSZ + 1];
			hr_oid_fmt(hex, &w->opts->hide[i]);
			rc = hr_git_error(hr_git_code(grc), w->err, w->errlen, "cannot read commit %s", hex);
			goto out;
		}
		nhidden++;
	}
	if (nhidden == 0) {
		w->all_fresh = true;
		goto out;
	}
	size_t pushed = 0;
	for (size_t i = 0; i < n; i++) {
		if (kinds[i] != TIP_COMMIT)
			continue;
		if ((grc = git_revwalk_push(rw, &tips[i])) < 0) {
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof(hex), &tips[i]);
			rc = hr_git_error(hr_git_code(grc), w->err, w->errlen, "cannot walk from %s", hex);
			goto out;
		}
		pushed++;
	}
	if (!pushed)
		goto out;
	while ((grc = git_revwalk_next(&id, rw)) == 0) {
		int *v;
		bool added;
		if ((rc = hr_keyset_put(&w->fresh, id.id, GIT_OID_RAWSZ, &v, &added)) < 0)
			goto out;
	}
	if (grc != GIT_ITEROVER)
		rc = hr_git_error(hr_git_code(grc), w->err, w->errlen, "cannot walk the new commits");
out:
	git_reference_iterator_free(it);
	git_revwalk_free(rw);
	return rc;
}

/* Step 1: peel an update's new id; TIP_NONE for a blob. */
static int peel_tip(walk *w, const hr_ref_update *u, git_oid *out, enum tip_kind *kind)
{
	git_object *obj = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int grc = git_object_lookup(&obj, w->r->repo, hr_oid_to_git(&u->new_oid), GIT_OBJECT_ANY);

	*kind = TIP_NONE;
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

	grc = git_commit_lookup(&c, w->r->repo, tip);
	if (grc == 0)
		grc = git_commit_tree(&tree, c);
	if (grc < 0) {
		git_oid_tostr(hex, sizeof(hex), tip);
		rc = hr_git_error(hr_git_code(grc), w->err, w->errlen, "cannot read the tree of %s", hex);
		goto out;
	}
	for (size_t i = 0; i < paths->len && rc == 0; i++) {
		git_tree_entry *e = NULL;
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
		if (introduced) {
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
	git_tree *tree = NULL;
	hr_change proto = { .update = w->update };
	int grc = git_tree_lookup(&tree, w->r->repo, tree_id);
	if (grc < 0) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), tree_id);
		return hr_git_error(hr_git_code(grc), w->err, w->errlen, "cannot read tree %s", hex);
	}
	w->path.len = 0;
	w->path.ptr[0] = '\0';
	int rc = hr_tree_walk_files(w->r, tree, &w->path, w->opts->policy, &w->blobs, &proto,
		w->fn, w->payload, &w->stats->changes, w->err, w->errlen);
	git_tree_free(tree);
	return rc;
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

	tips = calloc(n ? n : 1, sizeof(*tips));
	kinds = calloc(n ? n : 1, sizeof(*kinds));
	if (!tips || !kinds) {
		rc = HR_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
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
	hr_keyset_free(&w.fresh);
	hr_keyset_free(&w.blobs);
	hr_keyset_free(&w.pairs);
	hr_keyset_free(&w.paths);
	return rc;
}
