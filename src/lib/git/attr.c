/* SPDX-License-Identifier: MIT */
/*
 * attr.c - which files count, .gitattributes included.
 *
 * The policy's patterns decide first (hr_policy_path_candidate(), pure and
 * cheap). For the few paths they match, the attributes hook-run cares
 * about (`hook-run`, `linguist-vendored`, `linguist-generated`) are read
 * from the snapshot being judged, and the policy decides again with them
 * (hr_policy_path_selected()).
 *
 * The attributes come from libgit2's attribute engine, the one GitHub's
 * linguist reads them with, so patterns, precedence, `!attr`, quoting and
 * $GIT_DIR/info/attributes behave as git documents them. Which files it
 * reads is ours to say, per snapshot:
 *  - a commit (pre-receive, audits, ranges, histories): a bare handle on
 *    the same git directory and object database (the quarantine
 *    included) whose in-memory index holds the commit's .gitattributes
 *    blobs of the directories on the way to the path, asked with
 *    GIT_ATTR_CHECK_INDEX_ONLY. libgit2 1.5 can read a commit itself
 *    (GIT_ATTR_CHECK_INCLUDE_COMMIT), but it has no "commit only" mode: on
 *    the repository's own handle it consults the working tree or the
 *    current index first; and it looks the commit and its trees up again
 *    for every directory of every question, which doubled the time of
 *    `--all` over 50,000 paths;
 *  - the index being committed (pre-commit): the same kind of handle, its
 *    index holding the staged .gitattributes entries taken from the raw
 *    index (libgit2 never loads the whole index for this);
 *  - the working tree (check, fix, audit --worktree): the repository's own
 *    handle, files first and the index after, as git reads them.
 * The system-wide gitattributes file is skipped (GIT_ATTR_CHECK_NO_SYSTEM,
 * as linguist does); core.attributesFile and info/attributes count, as in
 * git. libgit2 honours `[attr]` macros of a top-level .gitattributes only
 * in a working tree, so for a commit or the index macros come from
 * info/attributes and core.attributesFile alone (as for any bare
 * repository read through libgit2).
 *
 * Speed: libgit2 is asked only when a directory on the way to the path
 * holds a .gitattributes, or a global attributes file exists. The tree
 * walk of an audit tells when none can (HR_ATTRS_NONE); otherwise the
 * trees on the way are read here, from the pack reader's cache. A
 * repository without .gitattributes pays for that test alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2/sys/repository.h>

#include "git_internal.h"

#define MAX_DEPTH 128

/*
 * The directories on the way to the last path asked about, in the last
 * commit: level i is the tree of the i-th directory ("" first), whether it
 * holds a .gitattributes (and which), and the subtree taken from it. Paths
 * come in tree order, so the next one shares most of the way: only the
 * trees past the shared part are read again.
 */
typedef struct way_level {
	git_oid tree;
	bool found;        /* a .gitattributes file here */
	git_oid id;        /* its blob */
	unsigned mode;
	char *child;       /* the component taken next (malloc'd), NULL at the end */
	git_oid child_tree;
} way_level;

typedef struct way {
	way_level level[MAX_DEPTH];
	size_t depth;      /* levels filled */
} way;

struct hr_attrs {
	git_repository *commit_handle; /* bare: a commit's attributes, through commit_index */
	git_index *commit_index;       /* in memory: the commit's .gitattributes on the way */
	git_repository *index_handle;  /* bare, the staged .gitattributes: the index's */
	size_t staged_files;           /* .gitattributes entries in that index */
	int global;                    /* -1 unknown; 1: info/attributes or core.attributesFile exists */
	git_oid last_commit;           /* the commit whose root tree is below */
	git_oid last_tree;
	bool have_last;
	way way;                       /* the directories on the way to the last path */
};

/* not `const` all the way: git_attr_get_many_ext() takes `const char **` */
static const char *names[] = { "hook-run", "linguist-vendored", "linguist-generated" };

static void way_cut(way *w, size_t depth);

void hr__attrs_free(struct hr_attrs *a)
{
	if (!a)
		return;
	way_cut(&a->way, 0);
	git_repository_free(a->commit_handle);
	git_index_free(a->commit_index);
	git_repository_free(a->index_handle);
	free(a);
}

static struct hr_attrs *attrs_of(hr_repo *r)
{
	if (!r->attrs) {
		r->attrs = calloc(1, sizeof(*r->attrs));
		if (r->attrs)
			r->attrs->global = -1;
	}
	return r->attrs;
}

static bool file_exists(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* info/attributes, core.attributesFile (or its XDG default): files outside the snapshot */
static bool global_attributes(hr_repo *r, struct hr_attrs *a)
{
	if (a->global >= 0)
		return a->global;
	bool found = false;
	size_t n = strlen(r->commondir);
	char *info = malloc(n + sizeof("info/attributes"));
	if (info) {
		memcpy(info, r->commondir, n);
		memcpy(info + n, "info/attributes", sizeof("info/attributes"));
		found = file_exists(info);
		free(info);
	}
	git_config *cfg = NULL;
	git_buf path = GIT_BUF_INIT;
	char *own = NULL;
	/* core.attributesFile: from the configuration hook-run read itself, else libgit2's */
	int orc = r->cfg ? hr_gitconfig_get_path(r->cfg, &r->env, "core.attributesfile", &own) : HR_ENOTSUP;
	if (found) {
		/* info/attributes is enough */
	} else if (orc == 0) {
		found = file_exists(own);
	} else if (orc != HR_ENOTFOUND && git_repository_config_snapshot(&cfg, hr_repo_git(r)) == 0 &&
	    git_config_get_path(&path, cfg, "core.attributesfile") == 0) {
		found = file_exists(path.ptr);
	} else {
		/* git's default: $XDG_CONFIG_HOME/git/attributes, else ~/.config/git/attributes */
		const char *xdg = hr_env_get(&r->env, "XDG_CONFIG_HOME"), *home = hr_env_get(&r->env, "HOME");
		char buf[4096];
		int len = xdg && *xdg ? snprintf(buf, sizeof(buf), "%s/git/attributes", xdg)
			: home ? snprintf(buf, sizeof(buf), "%s/.config/git/attributes", home) : -1;
		found = len > 0 && (size_t)len < sizeof(buf) && file_exists(buf);
	}
	free(own);
	git_error_clear();
	git_buf_dispose(&path);
	git_config_free(cfg);
	a->global = found;
	return found;
}

/* A bare handle on the repository's git directory, sharing its objects. */
static int open_handle(git_repository **out, hr_repo *r, git_index *index, char *err, size_t errlen)
{
	git_repository *h = NULL;
	git_odb *odb = NULL;
	int rc = 0;

	if (git_repository_open_ext(&h, r->gitdir, GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE,
		NULL) < 0 || git_repository_odb(&odb, hr_repo_git(r)) < 0 || git_repository_set_odb(h, odb) < 0 ||
	    git_repository_set_index(h, index) < 0) {
		rc = hr_git_error(HR_EGIT, err, errlen, "cannot read attributes in '%s'", r->gitdir);
		git_repository_free(h);
		h = NULL;
	}
	git_odb_free(odb);
	*out = h;
	return rc;
}

static hr_attr_state state_of(const char *v, bool off_is_false)
{
	switch (git_attr_value(v)) {
	case GIT_ATTR_VALUE_UNSPECIFIED:
		return HR_ATTR_UNSPECIFIED;
	case GIT_ATTR_VALUE_FALSE:
		return HR_ATTR_FALSE;
	case GIT_ATTR_VALUE_TRUE:
		return HR_ATTR_TRUE;
	case GIT_ATTR_VALUE_STRING:
		break;
	}
	/* linguist: any value but "false" is true */
	if (!strcmp(v, "false") || (off_is_false && !strcmp(v, "off")))
		return HR_ATTR_FALSE;
	return HR_ATTR_TRUE;
}

static int ask(hr_path_attrs *out, git_repository *h, uint32_t flags, const char *path,
	char *err, size_t errlen)
{
	git_attr_options o;
	const char *v[3] = { NULL, NULL, NULL };

	memset(&o, 0, sizeof(o));
	o.version = GIT_ATTR_OPTIONS_VERSION;

	o.flags = flags | GIT_ATTR_CHECK_NO_SYSTEM;
	if (git_attr_get_many_ext(v, h, &o, path, 3, names) < 0)
		return hr_git_error(HR_EGIT, err, errlen, "cannot read the attributes of '%s'", path);
	out->hook_run = state_of(v[0], true);
	out->vendored = state_of(v[1], false);
	out->generated = state_of(v[2], false);
	return 0;
}

/* ---- a commit ----------------------------------------------------------- */

static void way_cut(way *w, size_t depth)
{
	while (w->depth > depth) {
		way_level *l = &w->level[--w->depth];
		free(l->child);
		l->child = NULL;
	}
}

/* Read tree `id` into level i: its .gitattributes and the subtree `name` */
static int way_read(way_level *l, hr_repo *r, hr_packs *packs, const git_oid *id, const char *name,
	size_t nlen)
{
	hr_rawtree t;
	hr_rawentry e;
	size_t pos = 0;
	int more, rc;

	git_oid_cpy(&l->tree, id);
	l->found = false;
	l->child = NULL;
	if ((rc = hr_rawtree_read(&t, r, packs, id)) < 0)
		return rc;
	while ((more = hr_rawtree_next(&t, &pos, &e)) > 0) {
		if (e.namelen == 14 && !memcmp(e.name, ".gitattributes", 14) && hr_mode_kind(e.mode) == HR_ENTRY_FILE) {
			l->found = true;
			git_oid_cpy(&l->id, e.id);
			l->mode = e.mode;
		}
		if (name && e.mode == 040000 && e.namelen == nlen && !memcmp(e.name, name, nlen) &&
		    (l->child = strndup(name, nlen)) != NULL)
			git_oid_cpy(&l->child_tree, e.id);
	}
	hr_rawtree_free(&t);
	if (more < 0)
		return HR_EINVALID;
	return name && !l->child && errno == ENOMEM ? HR_ENOMEM : 0;
}

/*
 * Fill the way to `path` from tree `root`; afterwards levels [0, depth)
 * are the directories of `path` that exist in the tree.
 */
static int way_to(way *w, hr_repo *r, hr_packs *packs, const git_oid *root, const char *path)
{
	const char *p = path;
	size_t i = 0;
	const git_oid *tree = root;
	int rc;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t nlen = slash ? (size_t)(slash - p) : 0;
		if (i == MAX_DEPTH)
			return HR_ETOOBIG;
		way_level *l = &w->level[i];
		bool same = i < w->depth && git_oid_equal(&l->tree, tree) &&
			    (slash ? l->child && strlen(l->child) == nlen && !memcmp(l->child, p, nlen) : !l->child);
		if (!same) {
			way_cut(w, i);
			errno = 0;
			if ((rc = way_read(l, r, packs, tree, slash ? p : NULL, nlen)) < 0)
				return rc;
			w->depth = i + 1;
		}
		if (!slash || !l->child) {
			way_cut(w, i + 1);
			return 0;
		}
		tree = &l->child_tree;
		p = slash + 1;
		i++;
	}
}

/*
 * Make the handle's index hold exactly those .gitattributes on the way to
 * `path`: libgit2 then reads the commit's attributes as it reads staged
 * ones, from blobs it parses once, with no commit or tree lookup per
 * question (GIT_ATTR_CHECK_INCLUDE_COMMIT makes several per directory).
 * Entries of other directories do not matter: only those on the way are
 * consulted.
 */
static int sync_index(git_index *idx, const char *path, const way *w)
{
	char buf[4096];
	const char *p = path;

	for (size_t i = 0; i < w->depth; i++) {
		size_t dlen = (size_t)(p - path);
		const way_level *l = &w->level[i];
		if (dlen + 15 > sizeof(buf))
			return HR_ETOOBIG;
		memcpy(buf, path, dlen);
		memcpy(buf + dlen, ".gitattributes", 15);
		if (l->found) {
			git_index_entry entry;
			const git_index_entry *have = git_index_get_bypath(idx, buf, 0);
			if (have && git_oid_equal(&have->id, &l->id))
				goto next; /* unchanged: libgit2 keeps what it parsed */
			memset(&entry, 0, sizeof(entry));
			entry.path = buf;
			entry.mode = l->mode;
			git_oid_cpy(&entry.id, &l->id);
			if (git_index_add(idx, &entry) < 0)
				return HR_EGIT;
		} else if (git_index_get_bypath(idx, buf, 0) && git_index_remove(idx, buf, 0) < 0) {
			return HR_EGIT;
		}
next:;
		const char *slash = strchr(p, '/');
		if (!slash)
			break;
		p = slash + 1;
	}
	return 0;
}

int hr__path_selected_commit(bool *out, hr_repo *r, const hr_policy *p, const char *path,
	const git_oid *commit, int hint, hr_packs *packs, char *err, size_t errlen)
{
	struct hr_attrs *a;
	hr_path_attrs attrs = { 0 };
	int rc;

	/* no commit, or no repository (trees walked from packs alone, as the
	   fuzz target does): no attributes to read */
	if (p->gitattributes == HR_GITATTR_IGNORE || !commit || !r) {
		*out = hr_policy_path_selected(p, path, NULL);
		return 0;
	}
	if (!(a = attrs_of(r)))
		return HR_ENOMEM;
	if (hint == HR_ATTRS_NONE && !global_attributes(r, a)) {
		*out = hr_policy_path_selected(p, path, NULL);
		return 0;
	}
	if (!a->have_last || !git_oid_equal(&a->last_commit, commit)) {
		if ((rc = hr_commit_tree_in(&a->last_tree, r, packs, commit)) < 0)
			return hr_git_error(rc, err, errlen, "cannot read a commit for its attributes");
		git_oid_cpy(&a->last_commit, commit);
		a->have_last = true;
	}
	rc = way_to(&a->way, r, packs, &a->last_tree, path);
	if (rc == HR_ETOOBIG)
		goto unread; /* deeper than anyone nests: judged by the policy alone */
	if (rc < 0)
		return hr_git_error(rc, err, errlen, "cannot read the trees above '%s'", path);
	bool any = false;
	for (size_t i = 0; i < a->way.depth; i++)
		any |= a->way.level[i].found;
	if (!any && !global_attributes(r, a)) {
		*out = hr_policy_path_selected(p, path, NULL);
		return 0;
	}
	if (!a->commit_handle) {
		if (git_index_new(&a->commit_index) < 0)
			return hr_git_error(HR_EGIT, err, errlen, "cannot make an index");
		if ((rc = open_handle(&a->commit_handle, r, a->commit_index, err, errlen)) < 0)
			return rc;
	}
	rc = sync_index(a->commit_index, path, &a->way);
	if (rc == HR_ETOOBIG)
		goto unread;
	if (rc < 0)
		return hr_git_error(HR_EGIT, err, errlen, "cannot read the attributes of '%s'", path);
	if ((rc = ask(&attrs, a->commit_handle, GIT_ATTR_CHECK_INDEX_ONLY, path, err, errlen)) < 0)
		return rc;
	*out = hr_policy_path_selected(p, path, &attrs);
	return 0;
unread:
	way_cut(&a->way, 0);
	*out = hr_policy_path_selected(p, path, NULL);
	return 0;
}

/* ---- the index ------------------------------------------------------- */

static bool is_attributes_path(const char *path, size_t len)
{
	return (len == 14 && !memcmp(path, ".gitattributes", 14)) ||
	       (len > 14 && !memcmp(path + len - 15, "/.gitattributes", 15));
}

/* The staged .gitattributes, in an index of their own on a bare handle. */
static int load_staged(struct hr_attrs *a, hr_repo *r, const hr_rawindex *ix, char *err, size_t errlen)
{
	git_index *idx = NULL;
	int rc = 0;

	if (git_index_new(&idx) < 0)
		return hr_git_error(HR_EGIT, err, errlen, "cannot make an index");
	for (size_t i = 0; i < ix->n && rc == 0; i++) {
		hr_rawindex_entry e;
		hr_rawindex_get(ix, i, &e);
		if (e.stage != 0 || hr_mode_kind(e.mode) != HR_ENTRY_FILE || !is_attributes_path(e.path, e.pathlen))
			continue;
		git_index_entry entry;
		memset(&entry, 0, sizeof(entry));
		entry.path = e.path;
		entry.mode = e.mode;
		git_oid_cpy(&entry.id, e.id);
		if (git_index_add(idx, &entry) < 0)
			rc = hr_git_error(HR_EGIT, err, errlen, "cannot read the staged '%s'", e.path);
		else
			a->staged_files++;
	}
	if (rc == 0)
		rc = open_handle(&a->index_handle, r, idx, err, errlen);
	git_index_free(idx);
	return rc;
}

/* A staged .gitattributes in a directory on the way to `path`? */
static bool staged_on_the_way(const hr_rawindex *ix, const char *path)
{
	char buf[4096];
	size_t n = strlen(path);
	hr_rawindex_entry e;

	if (n + 16 > sizeof(buf))
		return true; /* cannot tell: ask */
	for (size_t i = 0; i <= n; i++) {
		if (i != 0 && path[i - 1] != '/')
			continue;
		memcpy(buf, path, i);
		memcpy(buf + i, ".gitattributes", 15);
		if (hr_rawindex_find(ix, buf, &e) && e.stage == 0)
			return true;
	}
	return false;
}

int hr__path_selected_index(bool *out, hr_repo *r, const hr_policy *p, const char *path,
	const hr_rawindex *ix, char *err, size_t errlen)
{
	struct hr_attrs *a;
	hr_path_attrs attrs = { 0 };
	int rc;

	if (p->gitattributes == HR_GITATTR_IGNORE) {
		*out = hr_policy_path_selected(p, path, NULL);
		return 0;
	}
	if (!(a = attrs_of(r)))
		return HR_ENOMEM;
	if (!global_attributes(r, a) && !staged_on_the_way(ix, path)) {
		*out = hr_policy_path_selected(p, path, NULL);
		return 0;
	}
	if (!a->index_handle && (rc = load_staged(a, r, ix, err, errlen)) < 0)
		return rc;
	if ((rc = ask(&attrs, a->index_handle, GIT_ATTR_CHECK_INDEX_ONLY, path, err, errlen)) < 0)
		return rc;
	*out = hr_policy_path_selected(p, path, &attrs);
	return 0;
}

/* ---- the working tree ------------------------------------------------ */

int hr_repo_worktree_attrs(hr_path_attrs *out, hr_repo *r, const char *path, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!r->workdir)
		return 0;
	return ask(out, hr_repo_git(r), GIT_ATTR_CHECK_FILE_THEN_INDEX, path, err, errlen);
}
