/* SPDX-License-Identifier: MIT */
/*
 * staged.c - the staged changes of a commit and writing fixes back into
 * the index (see git.h, "the staged changes").
 *
 * What is checked: stage-0 regular-file entries of the index GIT_INDEX_FILE
 * names that match the policy and differ from every parent the commit will
 * have (HEAD, or HEAD's parents for --amend, plus MERGE_HEAD's commits).
 * The index is read in place (rawindex.c, not libgit2's loader) and walked
 * one directory at a time against the parents' trees: a directory whose
 * cache-tree node is valid and equal to the parent's is skipped whole, so
 * a commit touching one file of a 50 000-file index reads a few entries.
 *
 * Writing: hr_staged_replace() changes the in-memory index only and records
 * the replacement; hr_staged_write() writes the index with libgit2's lock
 * (INDEX.lock created O_EXCL, written completely, renamed over INDEX; on
 * any failure the lock is removed) and replays the replacements into
 * GITDIR/index.lock when git runs the hook on its temporary index of a
 * `git commit <paths>`: git installs that index.lock as the index after
 * the commit, and without the fix there the user would find the fix
 * staged for reversal.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>

#include <zlib.h>

#include "git_internal.h"
#include "hook-run/fileio.h"

#define MAX_PARENTS 64

/* the trees of the parents the next commit will have, by id */
typedef struct parents {
	git_oid trees[MAX_PARENTS];
	size_t n;
} parents;

static void parents_free(parents *p)
{
	p->n = 0;
}

static int add_commit_tree(parents *p, hr_repo *r, const git_oid *id, char *err, size_t errlen)
{
	char hex[HR_OID_HEXSZ + 1];
	if (p->n == MAX_PARENTS) {
		snprintf(err, errlen, "more than %d parents", MAX_PARENTS);
		return HR_EINVALID;
	}
	int rc = hr_commit_tree(&p->trees[p->n], r, id);
	if (rc < 0) {
		git_oid_tostr(hex, sizeof(hex), id);
		return hr_git_error(rc, err, errlen, "cannot read commit %s", hex);
	}
	p->n++;
	return 0;
}

/*
 * MERGE_HEAD read as git writes it: one commit id a line. NULL with *n = 0
 * when there is no such file; -1 when it holds anything else (libgit2 then
 * reads it, and names what is wrong).
 */
static int read_merge_heads(git_oid *ids, size_t max, size_t *n, bool *exists, hr_repo *r)
{
	char path[PATH_MAX], buf[MAX_PARENTS * 42 + 2];
	*n = 0;
	*exists = false;
	if ((size_t)snprintf(path, sizeof(path), "%sMERGE_HEAD", r->gitdir) >= sizeof(path))
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	struct stat st;
	ssize_t len = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, buf, sizeof(buf)) : -1;
	close(fd);
	if (len < 0 || (size_t)len == sizeof(buf))
		return -1;
	*exists = true;
	for (ssize_t at = 0; at < len; at += GIT_OID_HEXSZ + 1) {
		if (len - at < GIT_OID_HEXSZ + 1 || buf[at + GIT_OID_HEXSZ] != '\n' || *n == max ||
		    !hr_oid_parse((hr_oid *)(void *)&ids[*n], buf + at, GIT_OID_HEXSZ))
			return -1;
		(*n)++;
	}
	return 0;
}

typedef struct mergehead_ctx {
	parents *p;
	hr_repo *r;
	char *err;
	size_t errlen;
	int rc;
} mergehead_ctx;

static int on_mergehead(const git_oid *id, void *payload)
{
	mergehead_ctx *m = payload;
	m->rc = add_commit_tree(m->p, m->r, id, m->err, m->errlen);
	return m->rc ? -1 : 0;
}

/*
 * pre-merge-commit runs before git writes MERGE_HEAD: the commits being
 * merged are read from what git does leave, GIT_REFLOG_ACTION ("merge
 * ARGS": the revisions as typed) or, for `git pull`, FETCH_HEAD's lines
 * not marked not-for-merge. A word that names no commit is skipped: the
 * check then compares with fewer parents, so it checks more, never less.
 */
static int add_pre_merge_heads(parents *p, hr_repo *r, char *err, size_t errlen)
{
	const char *action = hr_env_get(&r->env, "GIT_REFLOG_ACTION");
	int rc = 0;

	if (!action)
		return 0;
	if (!strncmp(action, "pull", 4) && (action[4] == ' ' || !action[4])) {
		size_t n = strlen(r->gitdir);
		char *path = malloc(n + sizeof("FETCH_HEAD")), *data = NULL;
		if (!path)
			return HR_ENOMEM;
		memcpy(path, r->gitdir, n);
		memcpy(path + n, "FETCH_HEAD", sizeof("FETCH_HEAD"));
		FILE *f = fopen(path, "r");
		free(path);
		if (!f)
			return 0;
		size_t cap = 0;
		ssize_t len;
		while (rc == 0 && (len = getline(&data, &cap, f)) > 0) {
			git_oid id;
			/* "<id>\t<empty or not-for-merge>\t<description>" */
			if (len > GIT_OID_HEXSZ + 1 && data[GIT_OID_HEXSZ] == '\t' &&
			    data[GIT_OID_HEXSZ + 1] == '\t' && git_oid_fromstrn(&id, data, GIT_OID_HEXSZ) == 0)
				rc = add_commit_tree(p, r, &id, err, errlen);
		}
		free(data);
		fclose(f);
		return rc;
	}
	if (strncmp(action, "merge ", 6) != 0)
		return 0;
	char *words = strdup(action + 6);
	if (!words)
		return HR_ENOMEM;
	for (char *w = words, *next; w && *w && rc == 0; w = next) {
		next = strchr(w, ' ');
		if (next)
			*next++ = '\0';
		if (!*w || *w == '-')
			continue;
		git_object *obj = NULL, *commit = NULL;
		if (git_revparse_single(&obj, hr_repo_git(r), w) == 0 &&
		    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0)
			rc = add_commit_tree(p, r, git_object_id(commit), err, errlen);
		git_error_clear();
		git_object_free(commit);
		git_object_free(obj);
	}
	free(words);
	return rc;
}

/* The trees of the parents the next commit will have; *merging when MERGE_HEAD exists. */
static int load_parents(parents *p, bool *merging, hr_repo *r, unsigned flags, char *err, size_t errlen)
{
	git_reference *head = NULL;
	git_commit *hc = NULL;
	hr_refdb *db = hr_repo_refdb(r);
	git_oid own_head;
	const git_oid *hid;
	char herr[256];
	int rc = 0, grc = 0;

	p->n = 0;
	*merging = false;
	/* HEAD: hook-run's ref reader, libgit2 when it does not read this store */
	int orc = db ? hr_refdb_resolve((hr_oid *)(void *)&own_head, db, "HEAD", herr, sizeof(herr)) : HR_ENOTSUP;
	if (orc == 0 || orc == HR_ENOTFOUND) {
		grc = orc == 0 ? 0 : GIT_ENOTFOUND;
	} else {
		grc = git_repository_head(&head, hr_repo_git(r));
	}
	if (grc == GIT_EUNBORNBRANCH || grc == GIT_ENOTFOUND) {
		git_error_clear();
		if (flags & HR_STAGED_AMEND) {
			snprintf(err, errlen, "--amend: there is no commit to amend (HEAD is unborn)");
			return HR_EINVALID;
		}
		return 0; /* the first commit: no parent */
	}
	if (grc < 0)
		return hr_git_error(HR_EGIT, err, errlen, "cannot read HEAD");
	hid = head ? git_reference_target(head) : &own_head;
	if (!hid) {
		rc = hr_git_error(HR_EGIT, err, errlen, "cannot resolve HEAD");
		goto out;
	}
	if (flags & HR_STAGED_AMEND) {
		hr_oid amended[MAX_PARENTS];
		size_t na;
		if ((rc = hr_repo_commit_parents(amended, MAX_PARENTS, &na, r, hr_oid_from_git(hid), err, errlen)) < 0) {
			rc = hr_git_error(rc, err, errlen, "cannot read HEAD's commit");
			goto out;
		}
		for (size_t i = 0; i < na && rc == 0; i++)
			rc = add_commit_tree(p, r, hr_oid_to_git(&amended[i]), err, errlen);
		goto out;
	}
	if ((rc = add_commit_tree(p, r, hid, err, errlen)) < 0)
		goto out;
	if (flags & HR_STAGED_PRE_MERGE) {
		*merging = true;
		rc = add_pre_merge_heads(p, r, err, errlen);
		goto out;
	}
	git_oid heads[MAX_PARENTS];
	size_t nheads;
	bool exists;
	if (read_merge_heads(heads, MAX_PARENTS, &nheads, &exists, r) == 0) {
		*merging = exists;
		for (size_t i = 0; i < nheads && rc == 0; i++)
			rc = add_commit_tree(p, r, &heads[i], err, errlen);
		goto out;
	}
	mergehead_ctx m = { p, r, err, errlen, 0 };
	grc = git_repository_mergehead_foreach(hr_repo_git(r), on_mergehead, &m);
	if (grc == 0) {
		*merging = true;
	} else if (m.rc) {
		rc = m.rc;
	} else if (grc != GIT_ENOTFOUND) {
		rc = hr_git_error(HR_EGIT, err, errlen, "cannot read MERGE_HEAD");
	}
	git_error_clear();
out:
	git_commit_free(hc);
	git_reference_free(head);
	if (rc)
		parents_free(p);
	return rc;
}

/*
 * Walking the index one directory at a time. A directory whose cache-tree
 * node is valid and equal to the same directory in some parent holds
 * nothing new: its entries are skipped as one range. Otherwise its files
 * are judged one by one against the parents' trees at that level, and its
 * subdirectories are visited the same way.
 */
typedef struct staged_walk {
	hr_repo *r;
	const hr_rawindex *ix;
	const hr_policy *policy;
	hr_keyset blobs;
	hr_change_fn fn;
	void *payload;
	char *err;
	size_t errlen;
	size_t i;                 /* the next index entry */
	char *name;               /* one path component, NUL-terminated (scratch) */
	size_t namecap;
} staged_walk;

/*
 * A parent's tree at one level of the walk, read raw (hook-run's readers;
 * libgit2 only for what they cannot read) with its entries sorted by name
 * for lookups: tree order sorts a directory as if its name ended in '/'.
 */
typedef struct ptree {
	hr_rawtree t;
	hr_rawentry *e;           /* by strcmp of the names */
	size_t n;
} ptree;

static int cmp_entry_name(const void *a, const void *b)
{
	return strcmp(((const hr_rawentry *)a)->name, ((const hr_rawentry *)b)->name);
}

static void ptree_free(ptree *p)
{
	hr_rawtree_free(&p->t);
	free(p->e);
	memset(p, 0, sizeof(*p));
}

static int ptree_load(ptree *p, hr_repo *r, const git_oid *id)
{
	size_t pos = 0, cap = 0;
	hr_rawentry e;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = hr_rawtree_read_once(&p->t, r, hr_repo_packs(r), id)) < 0)
		return rc;
	if (hr_verifying(r, NULL) && (rc = hr_verify_tree(r, id, &p->t)) < 0) {
		hr_rawtree_free(&p->t);
		return rc;
	}
	while ((rc = hr_rawtree_next(&p->t, &pos, &e)) == 1) {
		if (p->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			hr_rawentry *ne = realloc(p->e, ncap * sizeof(*ne));
			if (!ne) {
				rc = HR_ENOMEM;
				break;
			}
			p->e = ne;
			cap = ncap;
		}
		p->e[p->n++] = e;
	}
	if (rc < 0) {
		ptree_free(p);
		return rc;
	}
	if (p->n)
		qsort(p->e, p->n, sizeof(*p->e), cmp_entry_name);
	return 0;
}

static const hr_rawentry *ptree_find(const ptree *p, const char *name)
{
	hr_rawentry key = { .name = name };
	return p->n ? bsearch(&key, p->e, p->n, sizeof(*p->e), cmp_entry_name) : NULL;
}

static bool under(const hr_rawindex *ix, size_t i, const char *prefix, size_t plen)
{
	hr_rawindex_entry e;
	hr_rawindex_get(ix, i, &e);
	return e.pathlen > plen && memcmp(e.path, prefix, plen) == 0;
}

/* the component rest[0..nlen) into sw->name */
static int set_name(staged_walk *sw, const char *rest, size_t nlen)
{
	if (nlen + 1 > sw->namecap) {
		size_t cap = nlen + 256;
		char *n = realloc(sw->name, cap);
		if (!n)
			return HR_ENOMEM;
		sw->name = n;
		sw->namecap = cap;
	}
	memcpy(sw->name, rest, nlen);
	sw->name[nlen] = '\0';
	return 0;
}

/*
 * One directory of the index: its files judged against the parents' trees
 * at that level, its subdirectories visited the same way. `depth` counts
 * the levels above: past HR_MAX_TREE_DEPTH the walk stops with an error.
 * The per-parent arrays of a level live on the heap and the name buffer is
 * shared, so a frame is small whatever the depth.
 */
static int staged_dir(staged_walk *sw, const hr_cachetree *node, const char *prefix, size_t plen,
	const git_oid *ptrees, size_t np, int depth)
{
	const hr_rawindex *ix = sw->ix;
	ptree *pt = NULL;
	git_oid *sub = NULL;
	int rc = 0;

	if (depth >= HR_MAX_TREE_DEPTH) {
		snprintf(sw->err, sw->errlen, "the index holds a path nested deeper than %d levels: '%.*s...'",
			HR_MAX_TREE_DEPTH, (int)(plen > 200 ? 200 : plen), prefix);
		return HR_EGIT;
	}
	if (np) {
		pt = calloc(np, sizeof(*pt));
		sub = calloc(np, sizeof(*sub));
		if (!pt || !sub) {
			free(pt);
			free(sub);
			return HR_ENOMEM;
		}
	}
	for (size_t k = 0; k < np && rc == 0; k++) {
		/* a parent without this directory has the zero id: no tree to read */
		if (!hr_oid_is_zero(hr_oid_from_git(&ptrees[k])) && (rc = ptree_load(&pt[k], sw->r, &ptrees[k])) < 0)
			rc = hr_git_error(rc, sw->err, sw->errlen, "cannot read tree '%.*s' of a parent",
				(int)(plen ? plen - 1 : 0), prefix);
	}
	while (rc == 0 && sw->i < ix->n) {
		hr_rawindex_entry entry, *e = &entry;
		hr_rawindex_get(ix, sw->i, e);
		if (plen && !(e->pathlen > plen && memcmp(e->path, prefix, plen) == 0))
			break; /* past this directory */
		const char *rest = e->path + plen;
		size_t restlen = e->pathlen - plen;
		const char *slash = memchr(rest, '/', restlen);
		size_t nlen = slash ? (size_t)(slash - rest) : restlen;
		if ((rc = set_name(sw, rest, nlen)) < 0)
			break;

		if (!slash) {
			/* a file of this directory */
			hr_entry_kind kind = hr_mode_kind(e->mode);
			sw->i++;
			if (kind == HR_ENTRY_BAD) {
				hr_bad_mode_error(sw->err, sw->errlen, NULL, e->path, e->mode);
				rc = HR_EGIT;
				break;
			}
			if (e->stage != 0 || kind != HR_ENTRY_FILE || e->intent_to_add)
				continue;
			if (!hr_policy_path_candidate(sw->policy, e->path))
				continue;
			/* the attributes of the index being committed */
			bool selected;
			rc = hr__path_selected_index(&selected, sw->r, sw->policy, e->path, ix, sw->err, sw->errlen);
			if (rc < 0)
				break;
			if (!selected)
				continue;
			bool old = false;
			for (size_t k = 0; k < np && !old; k++) {
				const hr_rawentry *t = ptree_find(&pt[k], sw->name);
				old = t && hr_mode_kind(t->mode) == HR_ENTRY_FILE && git_oid_equal(t->id, e->id);
			}
			if (old)
				continue;
			hr_change c = {
				.path = e->path,
				.blob = hr_oid_from_git(e->id),
				.mode = hr_mode_canon_file(e->mode),
			};
			rc = hr_change_emit(&sw->blobs, &c, sw->fn, sw->payload);
			continue;
		}

		/* a subdirectory: skip it whole when the cache tree says it is a parent's */
		const hr_cachetree *child = node ? hr_cachetree_child(ix, node, sw->name, nlen) : NULL;
		bool same = false;
		for (size_t k = 0; k < np; k++) {
			const hr_rawentry *t = ptree_find(&pt[k], sw->name);
			memset(&sub[k], 0, sizeof(sub[k]));
			if (t && hr_mode_kind(t->mode) == HR_ENTRY_TREE) {
				git_oid_cpy(&sub[k], t->id);
				if (child && child->count > 0 && git_oid_equal(t->id, child->id))
					same = true;
			}
		}
		size_t sublen = plen + nlen + 1; /* "prefix/name/" */
		if (same) {
			size_t last = sw->i + (size_t)child->count;
			/* trust the cache only where it agrees with the entries */
			if (last <= ix->n && under(ix, last - 1, e->path, sublen) &&
			    (last == ix->n || !under(ix, last, e->path, sublen))) {
				sw->i = last;
				continue;
			}
		}
		/* the next level reads the subdirectory's parent trees (sub[] stays this level's) */
		rc = staged_dir(sw, child, e->path, sublen, sub, np, depth + 1);
	}
	for (size_t k = 0; k < np; k++)
		ptree_free(&pt[k]);
	free(pt);
	free(sub);
	return rc;
}

/* Verification mode: what the walk hands out, remembered by path (verify.c checks it). */
typedef struct staged_seen {
	hr_change_fn fn;
	void *payload;
	hr_keyset paths;
} staged_seen;

static int note_change(const hr_change *c, void *payload)
{
	staged_seen *s = payload;
	int *v;
	bool added;
	int rc = hr_keyset_put(&s->paths, c->path, strlen(c->path), &v, &added);
	return rc < 0 ? rc : s->fn(c, s->payload);
}

int hr_staged_foreach(hr_repo *r, const hr_policy *policy, unsigned flags,
	hr_change_fn fn, void *payload, char *err, size_t errlen)
{
	staged_seen seen = { fn, payload, { 0 } };
	bool verifying = hr_verifying(r, NULL);
	const hr_rawindex *ix;
	parents p = { .n = 0 };
	bool merging;
	int rc;

	/* an index hook-run cannot read is git's state gone wrong: HR_EGIT, exit 3 */
	if ((rc = hr_repo_rawindex(&ix, r, err, errlen)) < 0) {
		rc = rc == HR_EINVALID ? HR_EGIT : rc;
		goto out;
	}
	if ((rc = load_parents(&p, &merging, r, flags, err, errlen)) < 0)
		goto out;
	if (verifying) {
		fn = note_change;
		payload = &seen;
	}
	const hr_cachetree *root = ix->ntree ? &ix->tree[0] : NULL;
	for (size_t k = 0; root && root->count >= 0 && k < p.n; k++)
		if (git_oid_equal(root->id, &p.trees[k]))
			goto verify; /* the staged tree is a parent's: nothing new */
	staged_walk sw = {
		.r = r, .ix = ix, .policy = policy, .fn = fn, .payload = payload,
		.err = err, .errlen = errlen,
	};
	hr_keyset_init(&sw.blobs);
	rc = staged_dir(&sw, root, "", 0, p.trees, p.n, 0);
	hr_keyset_free(&sw.blobs);
	free(sw.name);
verify:
	if (rc == 0 && verifying)
		rc = hr_verify_staged(r, policy, ix, p.trees, p.n, &seen.paths, err, errlen);
out:
	hr_keyset_free(&seen.paths);
	parents_free(&p);
	return rc;
}

int hr_staged_read_path(char **out, size_t *len, hr_repo *r, const char *path,
	size_t max_size, char *err, size_t errlen)
{
	const hr_rawindex *ix;
	int rc;

	*out = NULL;
	*len = 0;
	if (r->index) {
		/* changed in memory already: ask libgit2's copy */
		const git_index_entry *e = git_index_get_bypath(r->index, path, 0);
		if (!e || !hr_mode_is_file((git_filemode_t)e->mode)) {
			snprintf(err, errlen, "'%s' is not staged", path);
			return HR_ENOTFOUND;
		}
		return hr_repo_blob_read(out, len, r, hr_oid_from_git(&e->id), max_size, err, errlen);
	}
	if ((rc = hr_repo_rawindex(&ix, r, err, errlen)) < 0)
		return rc == HR_EINVALID ? HR_EGIT : rc;
	hr_rawindex_entry e;
	if (!hr_rawindex_find(ix, path, &e) || hr_mode_kind(e.mode) != HR_ENTRY_FILE) {
		snprintf(err, errlen, "'%s' is not staged", path);
		rc = HR_ENOTFOUND;
	} else {
		rc = hr_repo_blob_read(out, len, r, hr_oid_from_git(e.id), max_size, err, errlen);
	}
	return rc;
}

static int write_all(int fd, const unsigned char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * Write a blob as a loose object without a name to leave behind: zlib
 * "blob <len>\0<data>" into an unnamed file (O_TMPFILE) of its fan-out
 * directory, fsync'd, mode 0444 as git writes them, then linked under its
 * final name. link() is atomic and refuses to replace: EEXIST means the
 * object is there already (same id, same content). libgit2 writes a named
 * tmp_object_git2_* file first, which SIGKILL or SIGTERM leave behind.
 * Where O_TMPFILE is missing, libgit2 writes it, with the catchable
 * signals held (SIGKILL can still leave its temporary file).
 */
static int write_blob(hr_repo *r, const char *data, size_t len, git_oid *id, char *err, size_t errlen)
{
	char dir[PATH_MAX], obj[PATH_MAX + 64], fdpath[64], hex[GIT_OID_HEXSZ + 1];
	int fd = -1, rc = 0;
	sigset_t saved;

	if (git_odb_hash(id, data, len, GIT_OBJECT_BLOB) < 0)
		return hr_git_error(HR_EGIT, err, errlen, "cannot hash a fixed blob");
	git_oid_tostr(hex, sizeof(hex), id);
	if ((size_t)snprintf(dir, sizeof(dir), "%sobjects/%.2s", r->commondir, hex) >= sizeof(dir))
		return hr_git_error(HR_EINVALID, err, errlen, "object directory path too long");
	snprintf(obj, sizeof(obj), "%s/%s", dir, hex + 2);
	if (access(obj, F_OK) == 0)
		return 0; /* already there */
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		goto failed;
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0444);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		git_oid got;
		hr_signals_hold(&saved);
		int grc = git_blob_create_from_buffer(&got, hr_repo_git(r), data, len);
		hr_signals_release(&saved);
		if (grc < 0)
			return hr_git_error(HR_EGIT, err, errlen, "cannot write a fixed blob");
		return 0;
	}
	if (fd < 0)
		goto failed;
	char head[64];
	int hlen = snprintf(head, sizeof(head), "blob %zu", len) + 1; /* with its NUL */
	z_stream z;
	unsigned char buf[65536];
	memset(&z, 0, sizeof(z));
	if (deflateInit(&z, Z_DEFAULT_COMPRESSION) != Z_OK) {
		close(fd);
		return HR_ENOMEM;
	}
	for (int part = 0; part < 2 && rc == 0; part++) {
		z.next_in = (Bytef *)(part ? data : head);
		z.avail_in = (uInt)(part ? len : (size_t)hlen);
		int flush = part ? Z_FINISH : Z_NO_FLUSH, zr;
		do {
			z.next_out = buf;
			z.avail_out = sizeof(buf);
			zr = deflate(&z, flush);
			size_t n = sizeof(buf) - z.avail_out;
			if (zr == Z_STREAM_ERROR || (n && write_all(fd, buf, n) != 0)) {
				rc = -1;
				break;
			}
		} while (z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	}
	deflateEnd(&z);
	if (rc != 0 || fchmod(fd, 0444) != 0 || fsync(fd) != 0)
		goto failed;
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	int lrc = linkat(AT_FDCWD, fdpath, AT_FDCWD, obj, AT_SYMLINK_FOLLOW);
	if (lrc != 0 && errno == ENOENT)
		lrc = linkat(fd, "", AT_FDCWD, obj, AT_EMPTY_PATH);
	if (lrc != 0 && errno != EEXIST)
		goto failed;
	close(fd);
	return 0;
failed:
	snprintf(err, errlen, "cannot write the fixed blob %s: %s", hex, strerror(errno));
	if (fd >= 0)
		close(fd);
	return HR_EIO;
}

int hr_staged_replace(hr_repo *r, const char *path, const hr_oid *expect,
	const char *data, size_t len, hr_oid *new_blob, char *err, size_t errlen)
{
	git_index *idx;
	git_oid id;
	int rc;

	if ((rc = hr_repo_index(&idx, r, err, errlen)) < 0)
		return rc;
	const git_index_entry *e = git_index_get_bypath(idx, path, 0);
	if (!e || !git_oid_equal(&e->id, hr_oid_to_git(expect))) {
		snprintf(err, errlen, "'%s' changed in the index while it was checked", path);
		return HR_ECONFLICT;
	}
	if ((rc = write_blob(r, data, len, &id, err, errlen)) < 0)
		return rc;

	hr_replacement *repl = realloc(r->repl, (r->nrepl + 1) * sizeof(*repl));
	if (!repl)
		return HR_ENOMEM;
	r->repl = repl;
	repl = &r->repl[r->nrepl];
	if (!(repl->path = strdup(path)))
		return HR_ENOMEM;
	repl->old_id = e->id;
	repl->new_id = id;

	/*
	 * Zeroed stat data: git then cannot take a same-size working file
	 * with an unchanged mtime for the new content; it re-reads it.
	 */
	git_index_entry ne = *e;
	memset(&ne.ctime, 0, sizeof(ne.ctime));
	memset(&ne.mtime, 0, sizeof(ne.mtime));
	ne.dev = ne.ino = ne.uid = ne.gid = 0;
	ne.file_size = 0;
	ne.id = id;
	if (git_index_add(idx, &ne) < 0) {
		free(repl->path);
		return hr_git_error(HR_EGIT, err, errlen, "cannot update '%s' in the index", path);
	}
	r->nrepl++;
	if (new_blob)
		memcpy(new_blob, &id, sizeof(*new_blob));
	return 0;
}

int hr_staged_is_empty(bool *out, hr_repo *r, unsigned flags, char *err, size_t errlen)
{
	git_index *idx;
	parents p = { .n = 0 };
	bool merging;
	int rc;

	*out = false;
	if ((rc = hr_repo_index(&idx, r, err, errlen)) < 0)
		return rc;
	if ((rc = load_parents(&p, &merging, r, flags, err, errlen)) < 0)
		return rc;
	if (merging || git_index_has_conflicts(idx))
		goto out;
	/*
	 * A diff of the first parent's tree (none: the empty tree) against the
	 * index in memory, which writes nothing: writing the staged tree's
	 * objects would leave libgit2's temporary files behind on a signal
	 */
	git_diff *diff = NULL;
	git_tree *first = NULL;
	if ((p.n && git_tree_lookup(&first, hr_repo_git(r), &p.trees[0]) < 0) ||
	    git_diff_tree_to_index(&diff, hr_repo_git(r), first, idx, NULL) < 0) {
		git_tree_free(first);
		rc = hr_git_error(HR_EGIT, err, errlen, "cannot compare the staged tree with HEAD");
		goto out;
	}
	*out = git_diff_num_deltas(diff) == 0;
	git_diff_free(diff);
	git_tree_free(first);
out:
	parents_free(&p);
	return rc;
}

/*
 * When the index in use is git's temporary index of `git commit <paths>`
 * (GITDIR/next-index-PID.lock), the path of the index.lock git will
 * install afterwards; NULL otherwise. This relies on how git names that
 * index (test/git/git-assumptions.sh checks it against real git): a
 * hook run on some other temporary index inside GITDIR while
 * GITDIR/index.lock is held is HR_EINVALID with a message, never a fix
 * that git would then throw away with its temporary index.
 */
static int pending_index(char **out, hr_repo *r, char *err, size_t errlen)
{
	const char *base = strrchr(r->index_path, '/');
	size_t dlen = base ? (size_t)(base - r->index_path) + 1 : 0;
	struct stat st;

	*out = NULL;
	base = base ? base + 1 : r->index_path;
	if (dlen != strlen(r->gitdir) || strncmp(r->index_path, r->gitdir, dlen) != 0)
		return 0; /* an index of the user's own, outside the git directory */
	if (!strcmp(base, "index") || !strcmp(base, "index.lock"))
		return 0; /* the index, or git's lock of it (commit -a, -i) */
	char *path = malloc(dlen + 11);
	if (!path)
		return HR_ENOMEM;
	memcpy(path, r->gitdir, dlen);
	memcpy(path + dlen, "index.lock", 11);
	if (stat(path, &st) != 0) {
		free(path);
		return 0;
	}
	if (fnmatch("next-index-*.lock", base, 0) != 0) {
		snprintf(err, errlen, "git runs this hook on a temporary index hook-run does not know ('%s'; "
			"`git commit <paths>` used to name it next-index-PID.lock) while it holds '%s': a fix "
			"here would be lost when git installs that index; nothing is fixed (commit without "
			"paths, or with --no-verify)", r->index_path, path);
		free(path);
		return HR_EINVALID;
	}
	*out = path;
	return 0;
}

/* what identifies the file read: a replacement by rename changes the inode */
static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static int lock_held(const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen, "cannot write the index '%s': '%s.lock' exists; another git process is "
		"running, or one crashed and left it (remove it only if no git process is running)", path, path);
	return HR_ECONFLICT;
}

/*
 * Write the index at `path` with the replacements, under git's lock
 * protocol (PATH.lock taken exclusively, complete, renamed over PATH),
 * in a way that never leaves a lock of hook-run's behind:
 *  1. the index as it is now is read and patched in memory
 *     (hr_rawindex_patch: ids, zeroed stat data, cache tree invalidated);
 *  2. the result goes into an unnamed file of the index's directory
 *     (O_TMPFILE), with the index's mode, and is fsync'd;
 *  3. with the catchable signals held: that file is linked as PATH.lock
 *     (link() fails when the lock exists: someone holds it, like
 *     O_CREAT|O_EXCL), PATH is checked to be still the file read in 1
 *     (same inode, size and times: anyone else writes it by renaming a
 *     lock over it), and PATH.lock is renamed over PATH, or removed.
 * Only SIGKILL between the link and the rename, two system calls, can
 * leave PATH.lock; any other end leaves the old index or the new one.
 * Without O_TMPFILE: PATH.lock is created O_EXCL and registered for the
 * signal cleanup while it is written.
 * `strict`: every replacement must apply (our own index); else those
 * whose entry holds another blob are skipped (*applied counts the rest,
 * and nothing is written when none applies).
 */
static int write_index_file(hr_repo *r, const char *path, bool strict, size_t *applied,
	char *err, size_t errlen)
{
	hr_rawindex ix;
	hr_index_change *changes = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	struct stat before, after;
	char lock[PATH_MAX], fdpath[64], dir[PATH_MAX];
	int fd = -1, rc, slot = -1;
	bool linked = false;

	*applied = 0;
	if (strlen(path) + 6 > sizeof(lock))
		return hr_git_error(HR_EINVALID, err, errlen, "index path too long: '%s'", path);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	if (stat(path, &before) != 0) {
		snprintf(err, errlen, "cannot read the index '%s': %s", path, strerror(errno));
		return HR_EGIT;
	}
	if ((rc = hr_rawindex_read(&ix, path, err, errlen)) < 0)
		return rc == HR_EINVALID ? HR_EGIT : rc;
	if (stat(path, &after) != 0 || !same_file(&before, &after)) {
		hr_rawindex_free(&ix);
		snprintf(err, errlen, "the index '%s' changed while hook-run read it", path);
		return HR_ECONFLICT;
	}
	if (!(changes = calloc(r->nrepl ? r->nrepl : 1, sizeof(*changes)))) {
		hr_rawindex_free(&ix);
		return HR_ENOMEM;
	}
	for (size_t i = 0; i < r->nrepl; i++)
		changes[i] = (hr_index_change){ r->repl[i].path, &r->repl[i].old_id, &r->repl[i].new_id, false };
	rc = hr_rawindex_patch(&data, &len, &ix, changes, r->nrepl, strict, err, errlen);
	hr_rawindex_free(&ix);
	for (size_t i = 0; rc == 0 && i < r->nrepl; i++)
		if (changes[i].done)
			(*applied)++;
	free(changes);
	if (rc < 0 || *applied == 0)
		goto out;

	/* the index's directory: "." for a bare name, "/" for one at the root */
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	if (dlen)
		memcpy(dir, path, dlen);
	else
		dir[dlen++] = slash ? '/' : '.';
	dir[dlen] = '\0';
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	bool named = fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL);
	sigset_t saved;
	if (named) {
		/* git's own way: the lock file is created exclusively and written */
		hr_signals_hold(&saved);
		fd = open(lock, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
		if (fd >= 0)
			slot = hr_cleanup_register(lock);
		hr_signals_release(&saved);
		if (fd < 0 && errno == EEXIST) {
			rc = lock_held(path, err, errlen);
			goto out;
		}
		linked = fd >= 0;
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot write the index '%s': %s", path, strerror(errno));
		rc = HR_EIO;
		goto out;
	}
	if (write_all(fd, data, len) != 0 || fchmod(fd, before.st_mode & 0777) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write the index '%s': %s", path, strerror(errno));
		rc = HR_EIO;
		goto out;
	}
	hr_signals_hold(&saved);
	if (!named) {
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		int lrc = linkat(AT_FDCWD, fdpath, AT_FDCWD, lock, AT_SYMLINK_FOLLOW);
		if (lrc != 0 && errno == ENOENT) /* no /proc: needs CAP_DAC_READ_SEARCH */
			lrc = linkat(fd, "", AT_FDCWD, lock, AT_EMPTY_PATH);
		if (lrc != 0) {
			hr_signals_release(&saved);
			if (errno == EEXIST)
				rc = lock_held(path, err, errlen);
			else {
				snprintf(err, errlen, "cannot write the index '%s': %s", path, strerror(errno));
				rc = HR_EIO;
			}
			goto out;
		}
		linked = true;
	}
	if (stat(path, &after) != 0 || !same_file(&before, &after)) {
		unlink(lock);
		linked = false;
		hr_signals_release(&saved);
		snprintf(err, errlen, "the index '%s' changed while hook-run was fixing it: nothing was "
			"written", path);
		rc = HR_ECONFLICT;
		goto out;
	}
	if (rename(lock, path) != 0) {
		snprintf(err, errlen, "cannot write the index '%s': %s", path, strerror(errno));
		unlink(lock);
		rc = HR_EIO;
	}
	linked = false;
	hr_cleanup_unregister(slot);
	slot = -1;
	hr_signals_release(&saved);
out:
	if (linked) {
		unlink(lock);
		hr_cleanup_unregister(slot);
	}
	if (fd >= 0)
		close(fd);
	free(data);
	return rc;
}

int hr_staged_write_check(hr_repo *r, char *err, size_t errlen)
{
	char lock[PATH_MAX];
	if (!r->nrepl)
		return 0;
	if ((size_t)snprintf(lock, sizeof(lock), "%s.lock", r->index_path) >= sizeof(lock))
		return hr_git_error(HR_EINVALID, err, errlen, "index path too long: '%s'", r->index_path);
	if (access(lock, F_OK) == 0)
		return lock_held(r->index_path, err, errlen);
	char *pending = NULL;
	int rc = pending_index(&pending, r, err, errlen);
	free(pending);
	return rc;
}

int hr_staged_write(hr_repo *r, size_t *pending_updated, char *err, size_t errlen)
{
	size_t applied = 0, updated = 0;
	int rc;

	if (pending_updated)
		*pending_updated = 0;
	if (!r->nrepl)
		return 0;
	char *pending = NULL;
	if ((rc = pending_index(&pending, r, err, errlen)) < 0)
		return rc;
	/* the raw copy is of the index before the fixes: never read it again */
	hr_repo_rawindex_drop(r);
	if ((rc = write_index_file(r, r->index_path, true, &applied, err, errlen)) == 0 && pending)
		rc = write_index_file(r, pending, false, &updated, err, errlen);
	free(pending);
	if (pending_updated)
		*pending_updated = updated;
	return rc;
}
