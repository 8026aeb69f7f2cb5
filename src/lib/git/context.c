/* SPDX-License-Identifier: MIT */
/*
 * context.c - the build context of a Dockerfile in a commit's tree or in the
 * index, for hr_check_ext() (see git.h, hr_repo_context_new).
 *
 * In every gate the repository is at hand, and BuildKit's build context is
 * usually the repository root or the Dockerfile's folder. The candidate
 * roots offered are the Dockerfile's folder and each parent up to the root;
 * the check picks the one its sources live in.
 *
 * A tree is read raw by hook-run's readers (treepath.c: a path is a handful
 * of tree reads; libgit2 only for what they cannot read); the index
 * is read as git would write the tree from it: an entry is a file, a symlink
 * or a submodule, and a path with entries below it is a directory. The index
 * is read raw (rawindex.c) unless libgit2 holds it already (a fix changed it
 * in memory): libgit2's index load parses every entry into an allocation,
 * and cost a 20 000-file pre-commit 80% of its instructions. A file's
 * first 512 bytes tell whether ADD would extract it. Nothing else is read.
 */
#include <stdlib.h>
#include <string.h>

#include "git_internal.h"

#define MAX_ROOTS 16

struct hr_repo_context {
	hr_repo *repo;
	bool in_tree;          /* a commit's tree (else the index) */
	hr_oid treeish;        /* that commit or tree */
	git_oid tree;          /* its tree, found on the first question (ensure_tree) */
	bool have_tree, tree_failed;
	git_index *index;      /* borrowed from the repository, or */
	const hr_rawindex *raw; /* or the index file read raw, the repository's (borrowed) */
	char *roots[MAX_ROOTS]; /* "" is the repository root; no trailing '/' */
	size_t nroots;
};

static char *join(const char *root, const char *path)
{
	size_t rl = strlen(root), pl = strlen(path);
	char *s = malloc(rl + pl + 2);
	if (!s)
		return NULL;
	memcpy(s, root, rl);
	size_t n = rl;
	if (rl && pl)
		s[n++] = '/';
	memcpy(s + n, path, pl);
	s[n + pl] = '\0';
	return s;
}

static bool blob_is_archive(hr_repo *repo, const git_oid *id)
{
	unsigned char head[512];
	size_t n;
	if (hr_blob_head(head, sizeof(head), &n, repo, id) < 0) {
		git_error_clear();
		return false;
	}
	return hr_bytes_are_archive(head, n);
}

static hr_ctx_type mode_type(uint32_t mode)
{
	switch (mode & 0170000) {
	case 0040000:
	case 0160000: /* a submodule: a directory of unknown content */
		return HR_CTX_DIR;
	case 0120000:
		return HR_CTX_SYMLINK;
	case 0100000:
		return HR_CTX_FILE;
	}
	return HR_CTX_UNKNOWN;
}

/* ---- a tree ---------------------------------------------------------------- */

/*
 * The tree, read when the check first asks about a path: many Dockerfiles
 * copy nothing from the context (only from stages or images), and a history
 * walk judges thousands of them, so a context made up front cost a
 * 20 000-commit walk 9% of its instructions.
 */
static bool ensure_tree(hr_repo_context *x)
{
	if (x->have_tree || x->tree_failed)
		return x->have_tree;
	bool is_commit;
	if (hr_treeish_tree(&x->tree, &is_commit, x->repo, hr_oid_to_git(&x->treeish)) == 0)
		x->have_tree = true;
	else
		x->tree_failed = true;
	git_error_clear();
	return x->have_tree;
}

static hr_ctx_type tree_lookup(hr_repo_context *x, const char *full, unsigned *flags)
{
	unsigned mode;
	git_oid id;
	if (!*full)
		return HR_CTX_DIR;
	if (!ensure_tree(x))
		return HR_CTX_UNKNOWN;
	int rc = hr_tree_entry(&mode, &id, x->repo, &x->tree, full);
	if (rc == HR_ENOTFOUND)
		return HR_CTX_ABSENT;
	if (rc < 0) {
		git_error_clear();
		return HR_CTX_UNKNOWN;
	}
	hr_ctx_type t = mode_type(mode);
	if (t == HR_CTX_FILE && blob_is_archive(x->repo, &id))
		*flags |= HR_CTX_ARCHIVE;
	return t;
}

typedef struct list_arg {
	hr_repo_context *x;
	int (*fn)(void *arg, const char *name, hr_ctx_type type, unsigned flags);
	void *arg;
} list_arg;

static int list_one(void *arg, const char *name, unsigned mode, const git_oid *id)
{
	list_arg *l = arg;
	hr_ctx_type type = mode_type(mode);
	unsigned flags = type == HR_CTX_FILE && blob_is_archive(l->x->repo, id) ? HR_CTX_ARCHIVE : 0;
	return l->fn(l->arg, name, type, flags);
}

static int tree_list(hr_repo_context *x, const char *full,
	int (*fn)(void *arg, const char *name, hr_ctx_type type, unsigned flags), void *arg)
{
	list_arg l = { x, fn, arg };
	git_oid dir;
	unsigned mode = 040000;
	if (!ensure_tree(x))
		return -1;
	dir = x->tree;
	if (*full && (hr_tree_entry(&mode, &dir, x->repo, &x->tree, full) < 0 ||
		    hr_mode_kind(mode) != HR_ENTRY_TREE)) {
		git_error_clear();
		return -1;
	}
	if (hr_tree_list(x->repo, &dir, list_one, &l) < 0) {
		git_error_clear();
		return -1;
	}
	return 0;
}

/* ---- the index ---------------------------------------------------------- */

/* The first raw entry whose path sorts at or after `prefix`. */
static size_t raw_lower_bound(const hr_rawindex *ix, const char *prefix)
{
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		hr_rawindex_entry e;
		hr_rawindex_get(ix, mid, &e);
		if (strcmp(e.path, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Is there an entry below `prefix` (which ends in '/')? */
static bool index_has_prefix(hr_repo_context *x, const char *prefix, size_t *pos)
{
	if (!x->raw)
		return git_index_find_prefix(pos, x->index, prefix) == 0;
	*pos = raw_lower_bound(x->raw, prefix);
	if (*pos == x->raw->n)
		return false;
	hr_rawindex_entry e;
	hr_rawindex_get(x->raw, *pos, &e);
	return strncmp(e.path, prefix, strlen(prefix)) == 0;
}

static hr_ctx_type raw_lookup(hr_repo_context *x, const char *full, unsigned *flags)
{
	hr_rawindex_entry e;
	if (hr_rawindex_find(x->raw, full, &e)) {
		hr_ctx_type t = mode_type(e.mode);
		if (t == HR_CTX_FILE && blob_is_archive(x->repo, e.id))
			*flags |= HR_CTX_ARCHIVE;
		return t;
	}
	return HR_CTX_ABSENT;
}

static hr_ctx_type index_lookup(hr_repo_context *x, const char *full, unsigned *flags)
{
	if (!*full)
		return HR_CTX_DIR;
	if (x->raw) {
		hr_ctx_type t = raw_lookup(x, full, flags);
		if (t != HR_CTX_ABSENT)
			return t;
		goto dir;
	}
	const git_index_entry *e = git_index_get_bypath(x->index, full, 0);
	if (e) {
		hr_ctx_type t = mode_type(e->mode);
		if (t == HR_CTX_FILE && blob_is_archive(x->repo, &e->id))
			*flags |= HR_CTX_ARCHIVE;
		return t;
	}
dir:;
	/* a directory: some entry lies below "full/" */
	size_t pos;
	size_t fl = strlen(full);
	char *prefix = malloc(fl + 2);
	if (!prefix)
		return HR_CTX_UNKNOWN;
	memcpy(prefix, full, fl);
	prefix[fl] = '/';
	prefix[fl + 1] = '\0';
	hr_ctx_type t = HR_CTX_ABSENT;
	if (index_has_prefix(x, prefix, &pos))
		t = HR_CTX_DIR;
	free(prefix);
	return t;
}

static int index_list(hr_repo_context *x, const char *full,
	int (*fn)(void *arg, const char *name, hr_ctx_type type, unsigned flags), void *arg)
{
	size_t fl = strlen(full);
	char *prefix = malloc(fl + 2);
	if (!prefix)
		return -1;
	memcpy(prefix, full, fl);
	size_t pl = fl;
	if (fl)
		prefix[pl++] = '/';
	prefix[pl] = '\0';
	size_t pos = 0;
	if (pl && !index_has_prefix(x, prefix, &pos)) {
		free(prefix);
		return -1;
	}
	const char *last_dir = NULL;
	size_t last_len = 0;
	size_t n = x->raw ? x->raw->n : git_index_entrycount(x->index);
	for (size_t i = pos; i < n; i++) {
		const char *path;
		unsigned mode, stage;
		const git_oid *id;
		if (x->raw) {
			hr_rawindex_entry re;
			hr_rawindex_get(x->raw, i, &re);
			path = re.path;
			mode = re.mode;
			stage = re.stage;
			id = re.id;
		} else {
			const git_index_entry *e = git_index_get_byindex(x->index, i);
			path = e->path;
			mode = e->mode;
			stage = (unsigned)git_index_entry_stage(e);
			id = &e->id;
		}
		if (strncmp(path, prefix, pl) != 0)
			break;
		if (stage != 0)
			continue;
		const char *rest = path + pl;
		const char *slash = strchr(rest, '/');
		if (slash) {
			size_t dl = (size_t)(slash - rest);
			if (last_dir && dl == last_len && !strncmp(last_dir, rest, dl))
				continue; /* this directory was named already */
			last_dir = rest;
			last_len = dl;
			char *name = strndup(rest, dl);
			if (!name)
				break;
			int stop = fn(arg, name, HR_CTX_DIR, 0);
			free(name);
			if (stop)
				break;
			continue;
		}
		hr_ctx_type type = mode_type(mode);
		unsigned flags = type == HR_CTX_FILE && blob_is_archive(x->repo, id) ? HR_CTX_ARCHIVE : 0;
		if (fn(arg, rest, type, flags))
			break;
	}
	free(prefix);
	return 0;
}

/* ---- the view ------------------------------------------------------------ */

static hr_ctx_type ctx_lookup(void *data, size_t root, const char *path, unsigned *flags)
{
	hr_repo_context *x = data;
	*flags = 0;
	if (root >= x->nroots)
		return HR_CTX_UNKNOWN;
	char *full = join(x->roots[root], path);
	if (!full)
		return HR_CTX_UNKNOWN;
	hr_ctx_type t = x->in_tree ? tree_lookup(x, full, flags) : index_lookup(x, full, flags);
	free(full);
	return t;
}

static int ctx_list(void *data, size_t root, const char *path,
	int (*fn)(void *arg, const char *name, hr_ctx_type type, unsigned flags), void *arg)
{
	hr_repo_context *x = data;
	if (root >= x->nroots)
		return -1;
	char *full = join(x->roots[root], path);
	if (!full)
		return -1;
	int rc = x->in_tree ? tree_list(x, full, fn, arg) : index_list(x, full, fn, arg);
	free(full);
	return rc;
}

int hr_repo_context_new(hr_repo_context **out, hr_build_context *view, hr_repo *repo,
	const hr_oid *treeish, const char *dockerfile, char *err, size_t errlen)
{
	hr_repo_context *x = calloc(1, sizeof(*x));
	int rc = HR_ENOMEM;
	*out = NULL;
	memset(view, 0, sizeof(*view));
	if (!x)
		return HR_ENOMEM;
	x->repo = repo;
	if (treeish) {
		x->in_tree = true;
		x->treeish = *treeish;
	} else if (repo->index) {
		x->index = repo->index; /* changed in memory already: libgit2's copy */
	} else if ((rc = hr_repo_rawindex(&x->raw, repo, err, errlen)) < 0) {
		goto fail;
	}
	/* the Dockerfile's folder, then each parent up to the root */
	char *dir = strdup(dockerfile);
	if (!dir) {
		rc = HR_ENOMEM;
		goto fail;
	}
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		dir[0] = '\0';
	for (;;) {
		if (x->nroots == MAX_ROOTS)
			break;
		x->roots[x->nroots] = strdup(dir);
		if (!x->roots[x->nroots]) {
			free(dir);
			rc = HR_ENOMEM;
			goto fail;
		}
		x->nroots++;
		if (!*dir)
			break;
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			dir[0] = '\0';
	}
	free(dir);
	view->ncandidates = x->nroots;
	view->lookup = ctx_lookup;
	view->list = ctx_list;
	view->data = x;
	*out = x;
	return 0;
fail:
	hr_repo_context_free(x);
	return rc;
}

void hr_repo_context_free(hr_repo_context *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nroots; i++)
		free(x->roots[i]);
	free(x);
}

void hr_git_library_version(int *major, int *minor, int *rev)
{
	git_libgit2_version(major, minor, rev);
}

size_t hr_repo_context_candidates(const char *dockerfile)
{
	/* as hr_repo_context_new makes them: the folder, then each parent */
	size_t n = 1;
	for (const char *p = dockerfile; *p; p++)
		n += *p == '/';
	return n < MAX_ROOTS ? n : MAX_ROOTS;
}

int hr_hash_bytes(hr_oid *out, const void *data, size_t len)
{
	/* git's blob hash: a stable digest, without libgit2 */
	return hr_hash_object(out, 3, data, len);
}

int hr_hash_object(hr_oid *out, int type, const void *data, size_t len)
{
	static const char *const names[] = { NULL, "commit", "tree", "blob", "tag" };
	char head[32];
	if (type < 1 || type > 4)
		return HR_EINVALID;
	int n = snprintf(head, sizeof(head), "%s %zu", names[type], len);
	hr_sha1_ctx c;
	hr_sha1_init(&c);
	hr_sha1_update(&c, head, (size_t)n + 1);
	hr_sha1_update(&c, data, len);
	hr_sha1_final(out->id, &c);
	return 0;
}
