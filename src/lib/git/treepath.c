/* SPDX-License-Identifier: MIT */
/*
 * treepath.c - the questions asked of a snapshot by path, answered with
 * hook-run's own readers (packs and loose objects: packread.c, loose.c;
 * trees read raw: rawtree.c) so that libgit2 is loaded only when those
 * cannot read an object (see libgit2_lazy.c).
 *
 *   hr_treeish_tree()   the tree a commit, a tree or a tag of either names;
 *   hr_commit_tree()    a commit's tree (its first line);
 *   hr_peel_tags()      the first object a chain of tags names;
 *   hr_repo_commit_parents() a commit's parents, in order;
 *   hr_resolve_simple() a full hex id or a ref's name (git's short-name rules);
 *   hr_tree_entry()     the entry at a path below a tree: its mode and id;
 *   hr_tree_list()      the entries of a directory of a tree;
 *   hr_blob_head()      a blob's first bytes (is it an archive?).
 *
 * Each one asks libgit2 only for an object the own readers do not find or
 * cannot read (an odd pack, a corrupt file), through hr_rawtree_read() and
 * hr_repo_odb(); a malformed object is an error either way. Paths are
 * walked one component at a time with the raw tree iterator (a trailing
 * '/' asks for a directory, an empty component finds nothing); names are
 * compared exactly (git's trees are case-sensitive, and a name holding
 * '/' never matches, since a component never holds one).
 * In verification mode each answer is also asked of libgit2 (verify.c).
 */
#include <stdlib.h>
#include <string.h>

#include "git_internal.h"

#define MAX_PEEL 32

/* "<word> <40 hex>\n" at the start of an object: a commit's tree, a tag's object */
static bool header_id(const hr_packobj *o, const char *word, git_oid *out)
{
	const char *d = (const char *)hr_packobj_data(o);
	size_t wl = strlen(word), len = hr_packobj_len(o);
	return len >= wl + 42 && !memcmp(d, word, wl) && d[wl] == ' ' && d[wl + 41] == '\n' &&
		hr_oid_parse((hr_oid *)(void *)out, d + wl + 1, 40);
}

static int libgit2_treeish_tree(git_oid *tree, bool *is_commit, hr_repo *r, const git_oid *treeish)
{
	git_object *obj = NULL, *peeled = NULL;
	int rc = 0;
	int grc = git_object_lookup(&obj, hr_repo_git(r), treeish, GIT_OBJECT_ANY);
	if (grc == 0) {
		*is_commit = git_object_type(obj) == GIT_OBJECT_COMMIT;
		grc = git_object_peel(&peeled, obj, GIT_OBJECT_TREE);
	}
	if (grc < 0)
		rc = grc == GIT_ENOTFOUND ? HR_ENOTFOUND : grc == GIT_EINVALIDSPEC || grc == GIT_EPEEL ?
			HR_EINVALID : HR_EGIT;
	else
		git_oid_cpy(tree, git_object_id(peeled));
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

int hr_treeish_tree(git_oid *tree, bool *is_commit, hr_repo *r, const git_oid *treeish)
{
	hr_packs *ps = hr_repo_packs(r);
	git_oid cur = *treeish;

	*is_commit = false;
	for (int depth = 0; depth <= MAX_PEEL; depth++) {
		hr_packobj *o = NULL;
		size_t declared;
		int rc = hr_packs_read_limited(ps, &cur, 0, HR_PACKS_ONCE, HR_PACK_OBJECT_MAX, &declared, &o);
		if (rc == HR_ENOMEM)
			return rc;
		if (rc < 0)
			return libgit2_treeish_tree(tree, is_commit, r, treeish);
		int type = hr_packobj_type(o);
		bool ok = true;
		if (type == GIT_OBJECT_TREE)
			*tree = cur;
		else if (type == GIT_OBJECT_COMMIT)
			ok = header_id(o, "tree", tree);
		else if (type == GIT_OBJECT_TAG)
			ok = header_id(o, "object", &cur);
		hr_packobj_free(o);
		if (depth == 0)
			*is_commit = type == GIT_OBJECT_COMMIT;
		if (!ok)
			return libgit2_treeish_tree(tree, is_commit, r, treeish); /* it names what is wrong */
		if (type == GIT_OBJECT_TREE || type == GIT_OBJECT_COMMIT)
			return hr_verifying(r, ps) ? hr_verify_treeish_tree(r, treeish, tree, *is_commit) : 0;
		if (type != GIT_OBJECT_TAG) {
			git_error_set_str(GIT_ERROR_INVALID, "the object names no tree");
			return HR_EINVALID;
		}
	}
	git_error_set_str(GIT_ERROR_INVALID, "a chain of more than 32 tags");
	return HR_EINVALID;
}

int hr_commit_tree_in(git_oid *out, hr_repo *r, hr_packs *packs, const git_oid *commit)
{
	hr_packobj *o = NULL;
	int rc = hr_packs_read(packs ? packs : hr_repo_packs(r), commit, GIT_OBJECT_COMMIT, HR_PACKS_ONCE, &o);
	if (rc == 0) {
		bool ok = header_id(o, "tree", out);
		hr_packobj_free(o);
		if (!ok)
			git_error_set_str(GIT_ERROR_OBJECT, "a commit without a tree line");
		else if (hr_verifying(r, packs))
			return hr_verify_commit_tree(r, commit, out);
		return ok ? 0 : HR_EINVALID;
	}
	if (rc == HR_EINVALID)
		git_error_set_str(GIT_ERROR_OBJECT, "the object is not a commit");
	if (rc != HR_ENOTFOUND)
		return rc;
	git_commit *c = NULL;
	int grc = git_commit_lookup(&c, hr_repo_git(r), commit);
	if (grc < 0)
		return hr_git_code(grc);
	git_oid_cpy(out, git_commit_tree_id(c));
	git_commit_free(c);
	return 0;
}

int hr_commit_tree(git_oid *out, hr_repo *r, const git_oid *commit)
{
	return hr_commit_tree_in(out, r, NULL, commit);
}

int hr_peel_tags(git_oid *out, int *type, hr_repo *r, const git_oid *id)
{
	return hr_peel_tags_in(out, type, r, NULL, id);
}

int hr_peel_tags_in(git_oid *out, int *type, hr_repo *r, hr_packs *packs, const git_oid *id)
{
	git_oid cur = *id;
	if (!packs)
		packs = hr_repo_packs(r);
	for (int depth = 0; depth <= MAX_PEEL; depth++) {
		hr_packobj *o = NULL;
		size_t declared;
		int rc = hr_packs_read_limited(packs, &cur, 0, HR_PACKS_ONCE, HR_PACK_OBJECT_MAX,
			&declared, &o);
		if (rc < 0)
			return rc == HR_ENOMEM ? rc : HR_ENOTFOUND;
		*type = hr_packobj_type(o);
		bool ok = *type != GIT_OBJECT_TAG || header_id(o, "object", &cur);
		hr_packobj_free(o);
		if (!ok)
			return HR_ENOTFOUND;
		if (*type != GIT_OBJECT_TAG) {
			*out = cur;
			return hr_verifying(r, packs) ? hr_verify_peel(r, id, out, *type) : 0;
		}
	}
	return HR_ENOTFOUND;
}

/*
 * The parent lines of a commit read by hook-run's readers: "tree <hex>",
 * then any "parent <hex>" lines (git's parse_commit_buffer). -1 when the
 * readers cannot read it or it does not start so (libgit2 then reads it).
 */
static int own_parents(hr_oid *out, size_t max, size_t *n, hr_repo *repo, const hr_oid *commit)
{
	hr_packobj *o = NULL;
	size_t declared;
	if (hr_packs_read_limited(hr_repo_packs(repo), hr_oid_to_git(commit), GIT_OBJECT_COMMIT, HR_PACKS_ONCE,
		    HR_PACK_OBJECT_MAX, &declared, &o) < 0)
		return -1;
	const char *p = (const char *)hr_packobj_data(o), *end = p + hr_packobj_len(o);
	int rc = 0;
	if (end - p < 46 || memcmp(p, "tree ", 5) || p[45] != '\n') {
		rc = -1;
	} else {
		for (p += 46; end - p >= 48 && !memcmp(p, "parent ", 7) && p[47] == '\n'; p += 48) {
			hr_oid id;
			if (!hr_oid_parse(&id, p + 7, 40)) {
				rc = -1;
				break;
			}
			if (*n < max)
				out[(*n)++] = id;
		}
	}
	hr_packobj_free(o);
	if (rc < 0)
		*n = 0;
	return rc;
}

int hr_repo_commit_parents(hr_oid *out, size_t max, size_t *n, hr_repo *repo, const hr_oid *commit,
	char *err, size_t errlen)
{
	git_commit *c;
	*n = 0;
	if (own_parents(out, max, n, repo, commit) == 0) {
		if (hr_verifying(repo, NULL) && hr_verify_parents(repo, commit, out, *n, max) < 0)
			return hr_git_error(HR_EGIT, err, errlen, "cannot read a commit's parents");
		return 0;
	}
	if (git_commit_lookup(&c, hr_repo_git(repo), hr_oid_to_git(commit)) < 0)
		return hr_git_error(HR_ENOTFOUND, err, errlen, "cannot read a commit's parents");
	size_t np = git_commit_parentcount(c);
	for (size_t i = 0; i < np && i < max; i++)
		out[(*n)++] = *hr_oid_from_git(git_commit_parent_id(c, (unsigned)i));
	git_commit_free(c);
	return 0;
}

/* Is spec[0..len) all hex digits (a possibly short object id)? */
static bool all_hex(const char *spec, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((spec[i] >= '0' && spec[i] <= '9') || (spec[i] >= 'a' && spec[i] <= 'f') ||
		      (spec[i] >= 'A' && spec[i] <= 'F')))
			return false;
	return len > 0;
}

/* Follow `~N` and `^` (first parents) from commit `id`; HR_ENOTSUP for another suffix. */
static int follow_parents(git_oid *id, hr_repo *r, const char *p)
{
	char err[256];
	while (*p) {
		unsigned long steps = 1;
		if (*p == '~') {
			char *end;
			p++;
			if (*p >= '0' && *p <= '9') {
				steps = strtoul(p, &end, 10);
				p = end;
			}
		} else if (*p == '^' && (p[1] == '\0' || p[1] == '~' || p[1] == '^')) {
			p++;
		} else {
			return HR_ENOTSUP; /* ^N, ^{type}, @{...}, :path: libgit2's */
		}
		for (unsigned long i = 0; i < steps; i++) {
			git_oid commit;
			hr_oid parent;
			size_t n;
			int type;
			if (hr_peel_tags(&commit, &type, r, id) < 0 || type != GIT_OBJECT_COMMIT ||
			    hr_repo_commit_parents(&parent, 1, &n, r, hr_oid_from_git(&commit), err, sizeof(err)) < 0)
				return HR_ENOTSUP;
			if (!n)
				return HR_ENOTFOUND; /* the root commit has no parent */
			git_oid_cpy(id, hr_oid_to_git(&parent));
		}
	}
	return 0;
}

static int resolve_simple(git_oid *out, hr_repo *r, const char *spec)
{
	hr_refdb *db;
	char err[256], *full = NULL;
	size_t base = strcspn(spec, "~^");
	int rc;

	if (base == GIT_OID_HEXSZ && hr_oid_parse((hr_oid *)(void *)out, spec, GIT_OID_HEXSZ))
		return follow_parents(out, r, spec + base);
	/* a short id, or what a ref name cannot be (@{u}, :/text, a path): libgit2's */
	if (all_hex(spec, base) || !(db = hr_repo_refdb(r)))
		return HR_ENOTSUP;
	char *name = strndup(spec, base);
	if (!name)
		return HR_ENOMEM;
	if (!hr_refname_valid(name, base) && strcmp(name, "HEAD") != 0) {
		free(name);
		return HR_ENOTSUP;
	}
	rc = hr_refdb_dwim((hr_oid *)(void *)out, &full, db, name, err, sizeof(err));
	free(full);
	free(name);
	if (rc == HR_ENOTFOUND)
		return HR_ENOTFOUND; /* no ref of that name, none unborn-to-be: git finds none either */
	if (rc < 0)
		return HR_ENOTSUP;
	return follow_parents(out, r, spec + base);
}

int hr_resolve_simple(git_oid *out, hr_repo *r, const char *spec)
{
	int rc = resolve_simple(out, r, spec);
	if ((rc == 0 || rc == HR_ENOTFOUND) && hr_verifying(r, NULL)) {
		int vrc = hr_verify_resolve(r, spec, rc == 0, out);
		if (vrc < 0)
			return vrc;
	}
	return rc;
}

/* The entry `name[0..len)` of tree `tree`: 1 found, 0 absent, or an error. */
static int find_entry(hr_rawentry *out, hr_rawtree *t, hr_repo *r, const git_oid *tree,
	const char *name, size_t len)
{
	int rc = hr_rawtree_read_once(t, r, hr_repo_packs(r), tree);
	if (rc < 0)
		return rc;
	size_t pos = 0;
	while ((rc = hr_rawtree_next(t, &pos, out)) == 1)
		if (out->namelen == len && !memcmp(out->name, name, len))
			return 1;
	return rc;
}

static int tree_entry(unsigned *mode, git_oid *id, hr_repo *r, const git_oid *tree, const char *path)
{
	git_oid cur = *tree;
	const char *p = path;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		hr_rawtree t;
		hr_rawentry e;
		if (!len)
			return HR_ENOTFOUND; /* "", "a//b", "a/": no such entry */
		int rc = find_entry(&e, &t, r, &cur, p, len);
		if (rc == 1) {
			*mode = e.mode;
			git_oid_cpy(id, e.id);
		}
		hr_rawtree_free(&t);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return HR_ENOTFOUND;
		if (!slash)
			return 0;
		if (hr_mode_kind(*mode) != HR_ENTRY_TREE)
			return HR_ENOTFOUND; /* a file on the way, or "file/" */
		if (!slash[1])
			return 0; /* "dir/": the directory itself, as libgit2's entry_bypath reads it */
		cur = *id;
		p = slash + 1;
	}
}

int hr_tree_entry(unsigned *mode, git_oid *id, hr_repo *r, const git_oid *tree, const char *path)
{
	int rc = tree_entry(mode, id, r, tree, path);
	if ((rc == 0 || rc == HR_ENOTFOUND) && hr_verifying(r, NULL)) {
		int vrc = hr_verify_tree_entry(r, tree, path, rc == 0, rc == 0 ? *mode : 0, id);
		if (vrc < 0)
			return vrc;
	}
	return rc;
}

int hr_tree_list(hr_repo *r, const git_oid *tree,
	int (*fn)(void *arg, const char *name, unsigned mode, const git_oid *id), void *arg)
{
	hr_rawtree t;
	hr_rawentry e;
	size_t pos = 0;
	int rc = hr_rawtree_read_once(&t, r, hr_repo_packs(r), tree);
	if (rc < 0)
		return rc;
	if (hr_verifying(r, NULL) && (rc = hr_verify_tree(r, tree, &t)) < 0) {
		hr_rawtree_free(&t);
		return rc;
	}
	while ((rc = hr_rawtree_next(&t, &pos, &e)) == 1)
		if (fn(arg, e.name, e.mode, e.id))
			break;
	hr_rawtree_free(&t);
	return rc < 0 ? rc : 0;
}

int hr_blob_head(unsigned char *out, size_t max, size_t *len, hr_repo *r, const git_oid *id)
{
	hr_packobj *o = NULL;
	size_t declared;
	*len = 0;
	int rc = hr_packs_read_limited(hr_repo_packs(r), id, GIT_OBJECT_BLOB, HR_PACKS_ONCE, HR_PACK_OBJECT_MAX,
		&declared, &o);
	if (rc == 0) {
		*len = hr_packobj_len(o) < max ? hr_packobj_len(o) : max;
		memcpy(out, hr_packobj_data(o), *len);
		hr_packobj_free(o);
		return hr_verifying(r, NULL) ? hr_verify_blob_head(r, id, out, *len, max) : 0;
	}
	if (rc != HR_ENOTFOUND && rc != HR_ETOOBIG)
		return rc;
	/* what the own readers cannot read (or hold): libgit2's blob */
	git_blob *blob;
	if (git_blob_lookup(&blob, hr_repo_git(r), id) < 0)
		return HR_EGIT;
	size_t n = (size_t)git_blob_rawsize(blob);
	*len = n < max ? n : max;
	memcpy(out, git_blob_rawcontent(blob), *len);
	git_blob_free(blob);
	return 0;
}
