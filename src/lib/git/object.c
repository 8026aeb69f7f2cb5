/* SPDX-License-Identifier: MIT */
/*
 * object.c - reading objects: bounded blob reads, revisions, a file of a
 * tree, and the tree source (every matching file of a revision).
 *
 * A blob's size comes from its header before its content is loaded, so a
 * 2 GB file named Dockerfile costs one header read. Trees are walked
 * depth-first in git's order with one path buffer, at most
 * HR_MAX_TREE_DEPTH levels deep; only regular files are handed out, by the
 * type bits of their mode (symlinks and gitlinks are not Dockerfiles one
 * can read; a mode of no known type is an error, see hr_mode_kind()).
 */
#include <stdlib.h>
#include <string.h>

#include "git_internal.h"

int hr_repo_blob_read(char **out, size_t *len, hr_repo *r, const hr_oid *blob,
	size_t max_size, char *err, size_t errlen)
{
	hr_blob b;
	int rc = hr_blob_load(&b, r, blob, max_size, err, errlen);

	*out = NULL;
	*len = b.len; /* HR_ETOOBIG: the size, for the message */
	if (rc < 0)
		return rc;
	/* a NUL-terminated copy the caller owns (configuration, small files) */
	if (!(*out = malloc(b.len + 1))) {
		hr_blob_free(&b);
		*len = 0;
		return HR_ENOMEM;
	}
	memcpy(*out, b.data, b.len);
	(*out)[b.len] = '\0';
	hr_blob_free(&b);
	return 0;
}

/*
 * `spec` did not resolve: is it a reference whose object is missing or
 * unreadable (a broken repository: HR_EGIT), or does it name nothing, an
 * unborn HEAD included (HR_ENOTFOUND)? Without this, `audit` took a HEAD
 * whose commit is gone, or hidden by an unreadable pack index, for a new
 * repository and passed.
 */
static int unresolved(hr_repo *r, const char *spec, int grc, char *err, size_t errlen)
{
	git_reference *ref = NULL, *resolved = NULL;
	git_object *obj = NULL;
	char hex[HR_OID_HEXSZ + 1];
	int rc = hr_git_code(grc);
	/* the reference a revision starts from: "HEAD" of "HEAD~2", "main" of "main^{tree}" */
	size_t n = strcspn(spec, "~^:@");
	char *name = strndup(spec, n ? n : strlen(spec));

	rc = hr_git_error(rc, err, errlen, "cannot resolve '%s'", spec);
	if (name && rc == HR_ENOTFOUND && git_reference_dwim(&ref, hr_repo_git(r), name) == 0 &&
	    git_reference_resolve(&resolved, ref) == 0 && git_reference_target(resolved) &&
	    git_object_lookup(&obj, hr_repo_git(r), git_reference_target(resolved), GIT_OBJECT_ANY) < 0) {
		git_oid_tostr(hex, sizeof(hex), git_reference_target(resolved));
		snprintf(err, errlen, "'%s' points to %s, which is missing or unreadable (a damaged "
			"repository: run `git fsck`)", name, hex);
		rc = HR_EGIT;
	}
	git_object_free(obj);
	git_reference_free(resolved);
	git_reference_free(ref);
	free(name);
	git_error_clear();
	return rc;
}

/*
 * hr_blob_load: a loose object is streamed (libgit2's loose read stream
 * maps the file and inflates into our one buffer: git_odb_read() would
 * read the whole compressed file into memory first, then inflate into a
 * second buffer); a packed one is read by libgit2 into its own buffer,
 * which hr_blob keeps instead of copying it as hr_repo_blob_read() does.
 */
int hr_blob_load(hr_blob *out, hr_repo *r, const hr_oid *blob, size_t max_size,
	char *err, size_t errlen)
{
	git_odb *odb = NULL;
	git_odb_stream *stream = NULL;
	git_odb_object *obj = NULL;
	git_object_t type;
	size_t size;
	char hex[HR_OID_HEXSZ + 1];
	int rc = 0, grc;

	memset(out, 0, sizeof(*out));
	hr_oid_fmt(hex, blob);
	/* packed, as most are: the pack reader, without libgit2 */
	size_t declared = 0;
	hr_packobj *po = NULL;
	rc = hr_packs_read_limited(hr_repo_packs(r), hr_oid_to_git(blob), 3, HR_PACKS_ONCE,
		max_size ? max_size : SIZE_MAX, &declared, &po);
	if (rc == 0) {
		out->pack_ = po;
		out->data = (const char *)hr_packobj_data(po);
		out->len = hr_packobj_len(po);
		return 0;
	}
	if (rc == HR_ETOOBIG && declared) {
		out->len = declared;
		snprintf(err, errlen, "blob %s is larger than the %zu byte limit (%zu bytes)", hex, max_size, declared);
		return HR_ETOOBIG;
	}
	if (rc == HR_EINVALID) {
		snprintf(err, errlen, "object %s is not a blob", hex);
		return HR_EINVALID;
	}
	if (rc != HR_ENOTFOUND)
		return hr_git_error(rc, err, errlen, "cannot read blob %s", hex);
	rc = 0;
	if (git_repository_odb(&odb, hr_repo_git(r)) < 0)
		return hr_git_error(HR_EGIT, err, errlen, "cannot open the object database");
	grc = git_odb_read_header(&size, &type, odb, hr_oid_to_git(blob));
	if (grc < 0) {
		rc = hr_git_error(hr_git_code(grc), err, errlen, "cannot read blob %s", hex);
		goto out;
	}
	if (type != GIT_OBJECT_BLOB) {
		snprintf(err, errlen, "object %s is a %s, not a blob", hex, git_object_type2string(type));
		rc = HR_EINVALID;
		goto out;
	}
	out->len = size;
	if (max_size && size > max_size) {
		snprintf(err, errlen, "blob %s is larger than the %zu byte limit (%zu bytes)", hex, max_size, size);
		rc = HR_ETOOBIG;
		goto out;
	}
	size_t ssize = 0;
	git_object_t stype;
	if (git_odb_open_rstream(&stream, &ssize, &stype, odb, hr_oid_to_git(blob)) == 0) {
		/* loose: one buffer of the declared size, filled by the stream */
		if (ssize != size || stype != GIT_OBJECT_BLOB) {
			snprintf(err, errlen, "blob %s: its stream disagrees with its header", hex);
			rc = HR_EGIT;
			goto out;
		}
		if (!(out->buf_ = malloc(size ? size : 1))) {
			rc = HR_ENOMEM;
			goto out;
		}
		size_t got = 0;
		while (got < size) {
			size_t chunk = size - got > (1u << 20) ? (1u << 20) : size - got;
			int n = git_odb_stream_read(stream, out->buf_ + got, chunk);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got != size) {
			rc = hr_git_error(HR_EGIT, err, errlen, "cannot read blob %s (%zu of %zu bytes)", hex, got, size);
			goto out;
		}
		out->data = out->buf_;
		goto out;
	}
	git_error_clear(); /* packed: the pack backend has no read stream */
	grc = git_odb_read(&obj, odb, hr_oid_to_git(blob));
	if (grc < 0) {
		rc = hr_git_error(hr_git_code(grc), err, errlen, "cannot read blob %s", hex);
		goto out;
	}
	out->owner_ = obj;
	out->data = git_odb_object_data(obj);
	out->len = git_odb_object_size(obj);
	obj = NULL;
out:
	if (stream)
		git_odb_stream_free(stream);
	if (rc < 0) {
		size_t keep = out->len; /* HR_ETOOBIG: the size stays for the message */
		hr_blob_free(out);
		out->len = rc == HR_ETOOBIG ? keep : 0;
	}
	git_odb_free(odb);
	return rc;
}

void hr_blob_free(hr_blob *b)
{
	git_odb_object_free(b->owner_);
	hr_packobj_free(b->pack_);
	free(b->buf_);
	memset(b, 0, sizeof(*b));
}

int hr_repo_resolve(hr_oid *out, bool *is_commit, hr_repo *r, const char *spec,
	char *err, size_t errlen)
{
	git_object *obj = NULL, *peeled = NULL;
	git_oid id, target;
	int type;

	/* a hex id or a ref name, to a commit or a tree: hook-run's readers; the rest is libgit2's */
	int own = hr_resolve_simple(&id, r, spec);
	if (own == 0 && hr_peel_tags(&target, &type, r, &id) == 0 &&
	    (type == GIT_OBJECT_COMMIT || type == GIT_OBJECT_TREE)) {
		*is_commit = type == GIT_OBJECT_COMMIT;
		memcpy(out, &target, sizeof(*out));
		return 0;
	}
	if (own == HR_ENOTFOUND) {
		/* an unborn HEAD (a first commit), a name no ref has */
		snprintf(err, errlen, "cannot resolve '%s': no such revision", spec);
		return HR_ENOTFOUND;
	}
	if (own == HR_ENOMEM)
		return own;
	git_error_clear();
	int grc = git_revparse_single(&obj, hr_repo_git(r), spec);
	int rc = 0;

	if (grc < 0)
		return unresolved(r, spec, grc, err, errlen);
	grc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	if (grc < 0) {
		git_error_clear();
		grc = git_object_peel(&peeled, obj, GIT_OBJECT_TREE);
	}
	if (grc < 0) {
		rc = hr_git_error(HR_EINVALID, err, errlen, "'%s' names neither a commit nor a tree", spec);
		goto out;
	}
	*is_commit = git_object_type(peeled) == GIT_OBJECT_COMMIT;
	memcpy(out, git_object_id(peeled), sizeof(*out));
out:
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

static int treeish_tree(git_tree **tree, hr_repo *r, const hr_oid *treeish, char *err, size_t errlen)
{
	git_object *obj = NULL;
	char hex[HR_OID_HEXSZ + 1];
	int grc = git_object_lookup(&obj, hr_repo_git(r), hr_oid_to_git(treeish), GIT_OBJECT_ANY);
	if (grc == 0) {
		grc = git_object_peel((git_object **)tree, obj, GIT_OBJECT_TREE);
		git_object_free(obj);
	}
	if (grc < 0) {
		hr_oid_fmt(hex, treeish);
		return hr_git_error(hr_git_code(grc), err, errlen, "cannot read the tree of %s", hex);
	}
	return 0;
}

int hr_repo_path_id(hr_oid *out, hr_repo *r, const hr_oid *treeish, const char *path,
	char *err, size_t errlen)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_oid root, id;
	unsigned mode;
	bool is_commit;
	int rc;

	/* hook-run's readers; libgit2 below for an object they cannot read, and its message */
	if (hr_treeish_tree(&root, &is_commit, r, hr_oid_to_git(treeish)) == 0) {
		rc = hr_tree_entry(&mode, &id, r, &root, path);
		if (rc == 0 && hr_mode_kind(mode) == HR_ENTRY_FILE) {
			*out = *hr_oid_from_git(&id);
			return 0;
		}
		if (rc == 0 || rc == HR_ENOTFOUND) {
			snprintf(err, errlen, "'%s' is not a file of the tree", path);
			return HR_ENOTFOUND;
		}
	}
	git_error_clear();
	if ((rc = treeish_tree(&tree, r, treeish, err, errlen)) < 0)
		return rc;
	if (git_tree_entry_bypath(&entry, tree, path) < 0 || !hr_mode_is_file(git_tree_entry_filemode(entry))) {
		git_error_clear();
		snprintf(err, errlen, "'%s' is not a file of the tree", path);
		rc = HR_ENOTFOUND;
	} else {
		*out = *hr_oid_from_git(git_tree_entry_id(entry));
	}
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return rc;
}

int hr_repo_read_path(char **out, size_t *len, hr_repo *r, const hr_oid *treeish,
	const char *path, size_t max_size, char *err, size_t errlen)
{
	hr_oid id;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = hr_repo_path_id(&id, r, treeish, path, err, errlen)) < 0)
		return rc;
	return hr_repo_blob_read(out, len, r, &id, max_size, err, errlen);
}

int hr_change_emit(hr_keyset *blobs, hr_change *c, hr_change_fn fn, void *payload)
{
	int *verdict;
	bool added;
	int rc = hr_keyset_put(blobs, c->blob, HR_OID_RAWSZ, &verdict, &added);
	if (rc < 0)
		return rc;
	c->seen = added ? 0 : *verdict;
	rc = fn(c, payload);
	if (rc < 0)
		return rc;
	if (added) {
		/* the table may have grown during fn (it does not insert, but be safe) */
		int *v = hr_keyset_get(blobs, c->blob, HR_OID_RAWSZ);
		if (v)
			*v = rc;
	}
	return 0;
}

/*
 * `attrs_above`: a directory above this one holds a .gitattributes. The
 * tree's own is looked for first (it sorts early, but a name such as
 * "+x.Dockerfile" comes before it), so a candidate knows whether any
 * attributes can apply to it without a lookup of its own.
 */
static int walk_files(hr_repo *r, hr_packs *packs, const git_oid *id, hr_pathbuf *path,
	const hr_policy *policy, hr_keyset *blobs, hr_change *proto, bool attrs_above,
	hr_change_fn fn, void *payload, size_t *nchanges, int depth, char *err, size_t errlen)
{
	hr_rawtree tree;
	hr_rawentry e;
	size_t pos = 0;
	int rc, more = 0;
	bool attrs_here = attrs_above;

	if (depth >= HR_MAX_TREE_DEPTH) {
		snprintf(err, errlen, "tree '%.200s%s' is nested deeper than %d levels: rejected", path->ptr,
			path->len > 200 ? "..." : "", HR_MAX_TREE_DEPTH);
		return HR_EINVALID;
	}
	/* one snapshot: no tree is asked for twice (the delta bases are kept) */
	if ((rc = hr_rawtree_read_once(&tree, r, packs, id)) < 0)
		return hr_git_error(rc, err, errlen, "cannot read tree '%s'", path->len ? path->ptr : "/");
	while (!attrs_here && (more = hr_rawtree_next(&tree, &pos, &e)) > 0 && e.name[0] <= '.')
		attrs_here = e.namelen == 14 && !memcmp(e.name, ".gitattributes", 14) &&
			     hr_mode_kind(e.mode) == HR_ENTRY_FILE;
	pos = 0;
	while (rc == 0 && (more = hr_rawtree_next(&tree, &pos, &e)) > 0) {
		hr_entry_kind kind = hr_mode_kind(e.mode);
		size_t saved;
		if (kind == HR_ENTRY_BAD) {
			rc = hr_bad_mode_error(err, errlen, path->ptr, e.name, e.mode);
			break;
		}
		if ((rc = hr_check_entry_name(err, errlen, path->ptr, e.name, e.namelen)) < 0)
			break;
		if (kind != HR_ENTRY_TREE && kind != HR_ENTRY_FILE)
			continue; /* symlinks, gitlinks */
		if (kind == HR_ENTRY_FILE && !hr_policy_name_candidate(policy, e.name, e.namelen))
			continue; /* no pattern can match its name: no path to build */
		if ((rc = hr_pathbuf_push(path, e.name, &saved)) < 0)
			break;
		if (kind == HR_ENTRY_TREE) {
			rc = walk_files(r, packs, e.id, path, policy, blobs, proto, attrs_here, fn, payload,
				nchanges, depth + 1, err, errlen);
		} else if (hr_policy_path_candidate(policy, path->ptr)) {
			bool selected;
			rc = hr__path_selected_commit(&selected, r, policy, path->ptr,
				proto->commit ? hr_oid_to_git(proto->commit) : NULL,
				attrs_here ? HR_ATTRS_SOME : HR_ATTRS_NONE, packs, err, errlen);
			if (rc == 0 && selected) {
				proto->path = path->ptr;
				proto->blob = hr_oid_from_git(e.id);
				proto->mode = hr_mode_canon_file(e.mode);
				rc = hr_change_emit(blobs, proto, fn, payload);
				if (nchanges)
					(*nchanges)++;
			}
		}
		if (rc == 0)
			hr_pathbuf_pop(path, saved);
	}
	if (rc == 0 && more < 0)
		rc = hr_git_error(HR_EINVALID, err, errlen, "cannot read tree '%s'", path->len ? path->ptr : "/");
	hr_rawtree_free(&tree);
	return rc;
}

int hr_tree_walk_files(hr_repo *r, hr_packs *packs, const git_oid *id, hr_pathbuf *path,
	const hr_policy *policy, hr_keyset *blobs, hr_change *proto,
	hr_change_fn fn, void *payload, size_t *nchanges, char *err, size_t errlen)
{
	return walk_files(r, packs, id, path, policy, blobs, proto, false, fn, payload, nchanges, 0,
		err, errlen);
}

int hr_tree_foreach(hr_repo *r, const hr_oid *treeish, const hr_policy *policy,
	hr_change_fn fn, void *payload, char *err, size_t errlen)
{
	git_tree *tree = NULL;
	git_object *obj = NULL;
	hr_keyset blobs;
	hr_pathbuf path = { NULL, 0, 0 };
	hr_change proto;
	size_t saved;
	int rc;

	git_oid root;
	bool is_commit = false;

	memset(&proto, 0, sizeof(proto));
	hr_keyset_init(&blobs);
	/* hook-run's readers; libgit2 for what they cannot read, and to say what is wrong */
	if (hr_treeish_tree(&root, &is_commit, r, hr_oid_to_git(treeish)) < 0) {
		if ((rc = treeish_tree(&tree, r, treeish, err, errlen)) < 0)
			return rc;
		git_oid_cpy(&root, git_tree_id(tree));
		if (git_object_lookup(&obj, hr_repo_git(r), hr_oid_to_git(treeish), GIT_OBJECT_ANY) == 0)
			is_commit = git_object_type(obj) == GIT_OBJECT_COMMIT;
	}
	if (is_commit)
		proto.commit = treeish;
	git_error_clear();
	if (hr_pathbuf_push(&path, "", &saved) < 0) {
		rc = HR_ENOMEM;
		goto out;
	}
	hr_packs *packs = hr_repo_packs(r); /* the repository's mapping, shared with the blob reads */
	rc = hr_tree_walk_files(r, packs, &root, &path, policy, &blobs, &proto, fn, payload,
		NULL, err, errlen);
out:
	free(path.ptr);
	hr_keyset_free(&blobs);
	git_object_free(obj);
	git_tree_free(tree);
	return rc;
}
