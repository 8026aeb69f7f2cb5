/* SPDX-License-Identifier: MIT */
/*
 * git_internal.h - what the files of src/lib/git/ share: the repository
 * handle, libgit2 error messages, and a small hash set of byte keys (object
 * ids, or (path, id) pairs) used to visit every commit and every blob once.
 */
#ifndef HOOK_RUN_GIT_INTERNAL_H
#define HOOK_RUN_GIT_INTERNAL_H

#include <stdio.h>

#include <git2.h>

#include "hook-run/git.h"
#include "hook-run/env.h"

/* one replacement made by hr_staged_replace(), replayed into index.lock */
typedef struct hr_replacement {
	char *path;
	git_oid old_id;
	git_oid new_id;
} hr_replacement;

struct hr_repo {
	git_repository *git_;     /* libgit2's handle: through hr_repo_git(), which opens it */
	bool git_failed;          /* that open failed (hr_repo_git returns NULL again) */
	bool lg2_started;         /* git_libgit2_init() was called: a shutdown is owed */
	char *gitdir;             /* absolute, trailing '/' */
	char *commondir;          /* absolute, trailing '/' */
	char *workdir;            /* absolute, trailing '/', NULL when bare */
	char *index_path;         /* absolute: GIT_INDEX_FILE, or GITDIR/index */
	git_index *index;         /* opened on first use */
	struct hr_rawindex *raw;  /* the index file read raw, on first use (hr_repo_rawindex) */
	hr_replacement *repl;     /* replacements not yet written */
	size_t nrepl;
	char **objdirs;           /* object directories added from the environment */
	size_t nobjdirs;
	hr_env env;               /* the hook's environment (borrowed: outlives the repo) */
	struct hr_attrs *attrs;   /* .gitattributes readers (attr.c), made on first use */
	struct hr_packs *packs;   /* the pack reader for single objects (hr_repo_packs) */
	git_odb *odb;             /* libgit2's object database, on first use (hr_repo_odb) */
	struct hr_gitconfig *cfg; /* git's configuration, as read when opened without libgit2 */
	struct hr_refdb *refdb;   /* the refs, on first use (hr_repo_refdb) */
	bool refdb_tried;
	bool packs_tried;
};

/*
 * The repository's packs, opened on first use, for reading single objects
 * (blobs) without libgit2; NULL when there are none it can read. The
 * history walk keeps its own, sized for its cache.
 */
struct hr_packs *hr_repo_packs(hr_repo *r);

/*
 * The repository's refs read by hook-run (refdb.c), opened on first use;
 * NULL when that reader does not read this ref store (libgit2 then does).
 */
struct hr_refdb *hr_repo_refdb(hr_repo *r);

/*
 * git_libgit2_opts() for an option taking one int: it is variadic, so it
 * has no trampoline of its own (libgit2 is loaded on first use:
 * libgit2_lazy.c).
 */
int hr_libgit2_set_opt(int option, int value);

/* The value of one hex digit, either case; -1 for anything else (repo.c). */
int hr_hexval(char c);

/*
 * libgit2's handle on the repository, opened on first use (loading
 * libgit2: libgit2_lazy.c) on the git directory, working tree and object
 * directories hr_repo_open_env() found. NULL when libgit2 cannot open it:
 * the libgit2 call it is passed to then fails with an error.
 */
git_repository *hr_repo_git(hr_repo *r);

/* libgit2's object database of the repository (hr_repo_git), kept; NULL when it cannot be opened. */
git_odb *hr_repo_odb(hr_repo *r);

/* Write "<what>: <libgit2's last message>" into err; returns `code`. */
int hr_git_error(int code, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Map a libgit2 error code to an hr_error. */
int hr_git_code(int git_error);

/* The index (GIT_INDEX_FILE), opened and attached to the repository. */
int hr_repo_index(git_index **out, hr_repo *repo, char *err, size_t errlen);

/*
 * The index file read raw (rawindex.c), once per repository: a pre-commit
 * asks it for the staged configuration, the staged changes and each
 * Dockerfile's build context, and parsing a 20 000-entry index costs about
 * 3 M instructions each time. Owned by the repository; dropped when
 * hook-run writes the index (hr_repo_rawindex_drop). An error is not kept:
 * the next call reads the file again.
 */
int hr_repo_rawindex(const struct hr_rawindex **out, hr_repo *repo, char *err, size_t errlen);
void hr_repo_rawindex_drop(hr_repo *repo);

static inline const git_oid *hr_oid_to_git(const hr_oid *oid)
{
	return (const git_oid *)(const void *)oid;
}

static inline const hr_oid *hr_oid_from_git(const git_oid *oid)
{
	return (const hr_oid *)(const void *)oid;
}

/*
 * A set of byte strings, each with an int value. Open addressing, keys
 * copied into one growing arena; nothing is ever removed. The hash of an
 * object id is its first bytes (they are uniformly distributed already).
 */
typedef struct hr_keyset {
	struct hr_keyslot *slots;
	size_t cap;               /* power of two */
	size_t len;
	char *arena;              /* keys, back to back */
	size_t arena_len, arena_cap;
} hr_keyset;

void hr_keyset_init(hr_keyset *s);
void hr_keyset_free(hr_keyset *s);

/*
 * Find `key`; when absent, insert it with value 0 and set *added. *value
 * points at the stored value (valid until the next insertion).
 * Returns 0 or HR_ENOMEM.
 */
int hr_keyset_put(hr_keyset *s, const void *key, size_t len, int **value, bool *added);

/* The stored value, or NULL when the key is absent. */
int *hr_keyset_get(const hr_keyset *s, const void *key, size_t len);

/* Call fn on every key (in no particular order); stops on a non-zero return. */
int hr_keyset_foreach(const hr_keyset *s, int (*fn)(const void *key, size_t len, int value,
	void *payload), void *payload);

/* A growing path buffer for recursive tree walks. */
typedef struct hr_pathbuf {
	char *ptr;
	size_t len;
	size_t cap;
} hr_pathbuf;

int hr_pathbuf_push(hr_pathbuf *b, const char *name, size_t *saved_len);
static inline void hr_pathbuf_pop(hr_pathbuf *b, size_t saved_len)
{
	b->len = saved_len;
	b->ptr[saved_len] = '\0';
}

/* A big-endian 32-bit number (index and pack files). */
static inline uint32_t hr_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * What a tree or index entry is, by the type bits of its mode, as git's
 * canon_mode() and libgit2's normalize_filemode() read it: 100644, 100755
 * and also 100664 or 100600 are regular files (checkout writes a file for
 * each, `git fsck` without strict mode accepts them). A mode whose type
 * bits are none of the four (170000, 0, 100...) or that holds bits above
 * them is HR_ENTRY_BAD: an error that rejects, never an entry to skip.
 */
typedef enum hr_entry_kind {
	HR_ENTRY_BAD = 0,
	HR_ENTRY_FILE,
	HR_ENTRY_TREE,
	HR_ENTRY_SYMLINK,
	HR_ENTRY_GITLINK,
} hr_entry_kind;

static inline hr_entry_kind hr_mode_kind(unsigned mode)
{
	if (mode & ~0177777u)
		return HR_ENTRY_BAD;
	switch (mode & 0170000u) {
	case 0100000u: return HR_ENTRY_FILE;
	case 0040000u: return HR_ENTRY_TREE;
	case 0120000u: return HR_ENTRY_SYMLINK;
	case 0160000u: return HR_ENTRY_GITLINK;
	default: return HR_ENTRY_BAD;
	}
}

/* The mode git records for a file of mode `mode`: 100755 when any x bit of the owner is set. */
static inline unsigned hr_mode_canon_file(unsigned mode)
{
	return mode & 0100 ? 0100755u : 0100644u;
}

/* Is this (libgit2-normalised) mode a file hook-run reads (not a symlink or gitlink)? */
static inline bool hr_mode_is_file(git_filemode_t mode)
{
	return hr_mode_kind((unsigned)mode) == HR_ENTRY_FILE;
}

/*
 * How deep a tree may nest (a path of that many components). git's own
 * fail-safe, core.maxTreeDepth, defaults to 4096 too; a deeper tree is an
 * error naming the path, never a stack overflow. The walks keep their
 * per-level state on the heap, so the stack holds about 200 bytes a level.
 */
#define HR_MAX_TREE_DEPTH 4096

/*
 * A tree object read raw (rawtree.c): its entries are iterated in place,
 * `<octal mode> <name>\0<20-byte id>` after each other, without the
 * allocation and number parsing per entry that git_tree_lookup() costs
 * (a quarter of a history walk's time with libgit2 1.5).
 */
typedef struct hr_rawtree {
	git_odb_object *obj;       /* read by libgit2, or */
	struct hr_packobj *packobj; /* read by the pack reader (a reference) */
	const unsigned char *data; /* NULL: no tree */
	size_t len;
} hr_rawtree;

typedef struct hr_rawentry {
	const char *name;          /* NUL-terminated inside the object */
	size_t namelen;
	unsigned mode;             /* as written: see hr_mode_kind() */
	const git_oid *id;
} hr_rawentry;

/*
 * A repository's pack files, read directly for the history walk
 * (packread.c). hr_packs_read() gives `*out`, a reference to object `id`
 * when it is in a pack and has type `want_type` (GIT_OBJECT_TREE or
 * GIT_OBJECT_COMMIT): its bytes are shared with the reader's cache, to be
 * read only, and stay valid until hr_packobj_free() (also after
 * hr_packs_free()). HR_ENOTFOUND means "ask libgit2" (a loose object, an
 * unusual pack, an unexpected byte); HR_EINVALID a different type;
 * HR_ETOOBIG an object or a delta chain over the reader's limits (an
 * error, never retried).
 */
typedef struct hr_packs hr_packs;
typedef struct hr_packobj hr_packobj;
int hr_packs_open(hr_packs **out, hr_repo *repo);
/* the object directories git reads for REPO, its alternates' included (repo.c) */
int hr_repo_object_dirs(char ***out, size_t *nout, hr_repo *repo);

/*
 * hr_packs_read() flags. HR_PACKS_ONCE: the caller will not ask for this
 * object again, nor for an older version of it (a commit; a tree of one
 * snapshot): it is not cached, the delta bases it was built from are.
 */
enum { HR_PACKS_ONCE = 1 };

/* The largest tree or commit the pack reader inflates (HR_ETOOBIG above). */
#define HR_PACK_OBJECT_MAX ((size_t)256 * 1024 * 1024)

/* No packs yet (for hr_packs_add_mem). */
int hr_packs_new(hr_packs **out);

/*
 * Add a pack held in memory: its .idx (version 2) and .pack bytes, not
 * copied (keep them alive as long as `packs`). HR_EINVALID when the .idx
 * or the pack header does not hold up (see pack_init in packread.c).
 */
int hr_packs_add_mem(hr_packs *packs, const unsigned char *idx, size_t idxlen,
	const unsigned char *pack, size_t packlen);
int hr_packs_read(hr_packs *packs, const git_oid *id, int want_type, unsigned flags, hr_packobj **out);

/*
 * The same, for an object of type want_type (1 commit, 2 tree, 3 blob,
 * 4 tag; 0: any), packed or loose, that is not built when it is over
 * `limit` bytes: HR_ETOOBIG with its
 * size in *declared (0 when one of the reader's own limits said no).
 */
/*
 * A hint that `id` will be read soon: the cache lines of the .idx rows
 * where it should be are fetched in the background, so that its lookup
 * does not wait for memory. Reads nothing, changes nothing, may be wrong.
 */
void hr_packs_prefetch(const hr_packs *packs, const git_oid *id);

int hr_packs_read_limited(hr_packs *packs, const git_oid *id, int want_type, unsigned flags, size_t limit,
	size_t *declared, hr_packobj **out);

/*
 * git's id of an object of type `type` (1 commit, 2 tree, 3 blob, 4 tag):
 * the SHA-1 of "<type> <len>\0" and the bytes (sha1.c; no libgit2).
 */
int hr_hash_object(hr_oid *out, int type, const void *data, size_t len);
void hr_packs_free(hr_packs *packs);

/*
 * The most the cache may hold now, in bytes (objects and their
 * bookkeeping), and what that may grow to when the reads ask for it (by
 * default 4 MB and 128 MB; see cache_regret in packread.c). For tests.
 */
void hr_packs_set_cache_limit(hr_packs *packs, size_t limit, size_t ceiling);
size_t hr_packs_cache_limit(const hr_packs *packs);

/* Does HOOK_RUN_VERIFY_OBJECTS ask for every reader to be checked against libgit2? */
bool hr_packs_verifying(const hr_packs *packs);

/*
 * Verification mode for the snapshot readers (verify.c): hr_verifying()
 * says whether it is on (the pack reader's HOOK_RUN_VERIFY_OBJECTS; PACKS,
 * or the repository's when NULL); each hr_verify_*() asks libgit2 the
 * question an own reader answered and returns 0 when the answers agree,
 * else HR_EGIT with git's error naming both. FOUND is the own reader's
 * "there is one" (1) or "there is none" (0).
 */
bool hr_verifying(hr_repo *r, hr_packs *packs);
int hr_verify_treeish_tree(hr_repo *r, const git_oid *treeish, const git_oid *tree, bool is_commit);
int hr_verify_commit_tree(hr_repo *r, const git_oid *commit, const git_oid *tree);
int hr_verify_peel(hr_repo *r, const git_oid *id, const git_oid *peeled, int type);
int hr_verify_parents(hr_repo *r, const hr_oid *commit, const hr_oid *parents, size_t n, size_t max);
int hr_verify_tree_entry(hr_repo *r, const git_oid *tree, const char *path, int found, unsigned mode,
	const git_oid *id);
int hr_verify_tree(hr_repo *r, const git_oid *tree, const hr_rawtree *raw);
int hr_verify_blob_head(hr_repo *r, const git_oid *id, const unsigned char *head, size_t len, size_t max);
int hr_verify_resolve(hr_repo *r, const char *spec, int found, const git_oid *id);
/* EMITTED: the paths the staged walk handed out, against parents' TREES */
int hr_verify_staged(hr_repo *r, const hr_policy *policy, const struct hr_rawindex *ix, const git_oid *trees,
	size_t ntrees, const hr_keyset *emitted, char *err, size_t errlen);

/* An object's bytes (NUL-terminated after len), its length; dropping a reference. */
const unsigned char *hr_packobj_data(const hr_packobj *obj);
size_t hr_packobj_len(const hr_packobj *obj);
int hr_packobj_type(const hr_packobj *obj);   /* 1 commit, 2 tree, 3 blob, 4 tag */
void hr_packobj_free(hr_packobj *obj);

/*
 * Read tree `id` (through `packs` when given, else or failing that through
 * libgit2's object database of `r`, when given); HR_ENOTFOUND, or
 * HR_EINVALID when the object is not a tree.
 */
int hr_rawtree_read(hr_rawtree *out, hr_repo *r, hr_packs *packs, const git_oid *id);

/* The same for a tree read once (HR_PACKS_ONCE): one snapshot's, as --all reads them. */
int hr_rawtree_read_once(hr_rawtree *out, hr_repo *r, hr_packs *packs, const git_oid *id);
void hr_rawtree_free(hr_rawtree *t);

/*
 * The entry at *pos (a byte offset, 0 for the first), advancing *pos.
 * Returns 1, 0 at the end, or HR_EINVALID for a malformed tree.
 */
int hr_rawtree_next(const hr_rawtree *t, size_t *pos, hr_rawentry *e);

/* git's order: a tree's name sorts as if it ended in '/' */
int hr_rawentry_cmp(const hr_rawentry *a, const hr_rawentry *b);

/* Write "tree entry 'PATH' has mode M, ..." into err; returns HR_EINVALID. */
int hr_bad_mode_error(char *err, size_t errlen, const char *dir, const char *name, unsigned mode);

/*
 * A name git itself never writes into a tree and refuses to check out
 * (verify_path, fsck's hasDot/hasDotdot/hasDotgit/fullPathname): ".",
 * "..", ".git" in any case, or one holding '/'. A pushed tree with one is
 * rejected with a message (`dir`/`name`) in err: HR_EINVALID; 0 otherwise.
 */
int hr_check_entry_name(char *err, size_t errlen, const char *dir, const char *name, size_t namelen);

/*
 * The index file read in place (rawindex.c), for checking what is staged
 * without libgit2's costly index load. Paths are NUL-terminated.
 */
typedef struct hr_rawindex_entry {
	const char *path;
	size_t pathlen;
	unsigned mode;
	unsigned stage;           /* 0, or 1-3 for a conflict */
	bool intent_to_add;       /* `git add -N`: not part of the commit */
	const git_oid *id;
} hr_rawindex_entry;

/* A cache-tree node (the TREE extension); nodes are in pre-order. */
typedef struct hr_cachetree {
	const char *name;         /* a path component; "" for the root */
	size_t namelen;
	long count;               /* index entries below it; -1: invalidated */
	size_t nsub;              /* direct children */
	size_t next;              /* index of the node after this subtree */
	const git_oid *id;        /* its tree when count >= 0 */
} hr_cachetree;

typedef struct hr_rawindex {
	const unsigned char *map;    /* the file's bytes */
	size_t len;
	bool mapped;                 /* map is ours to munmap() (hr_rawindex_read) */
	size_t n;                    /* entries, in index order (by path, then stage) */
	uint32_t *off;               /* each entry's offset in the file */
	size_t off_maplen;           /* off was mapped (this many bytes), not allocated */
	uint32_t version;            /* 2, 3 or 4 */
	size_t ext_off;              /* where the extensions start */
	hr_rawindex_entry *v4;       /* version 4: the entries, decoded */
	char *paths;                 /* version 4: their paths, uncompressed */
	hr_cachetree *tree;          /* the root is tree[0]; NULL without a cache tree */
	size_t ntree;
} hr_rawindex;

/* Read the index at `path` (missing: empty). HR_EINVALID names what is wrong. */
int hr_rawindex_read(hr_rawindex *ix, const char *path, char *err, size_t errlen);

/*
 * The same on `len` bytes in memory (not copied: keep them alive as long
 * as *ix); `name` is for messages. Free with hr_rawindex_free() either way.
 */
int hr_rawindex_parse(hr_rawindex *ix, const unsigned char *data, size_t len, const char *name,
	char *err, size_t errlen);
void hr_rawindex_free(hr_rawindex *ix);

/* Entry i (< ix->n), decoded into *out (pointers into the file). */
void hr_rawindex_get(const hr_rawindex *ix, size_t i, hr_rawindex_entry *out);

/* The stage-0 entry of `path` into *out; false when there is none. */
bool hr_rawindex_find(const hr_rawindex *ix, const char *path, hr_rawindex_entry *out);

/* The same, with the entry's position in *at. */
bool hr_rawindex_find_at(const hr_rawindex *ix, const char *path, hr_rawindex_entry *out, size_t *at);

/* One entry's blob to replace: `path` (stage 0) must hold `old_id`. */
typedef struct hr_index_change {
	const char *path;
	const git_oid *old_id;
	const git_oid *new_id;
	bool done;                /* set by hr_rawindex_patch(): it was replaced */
} hr_index_change;

/*
 * The bytes of index `ix` with the changes made: each entry's id replaced
 * and its stat data zeroed (mode, flags, path kept), the cache tree's
 * nodes above it invalidated, the resolve-undo and untracked caches kept,
 * the other optional extensions left out, a new checksum. `strict`: an
 * entry missing or holding another blob is HR_ECONFLICT (pre-commit's own
 * index); otherwise it is skipped (done stays false). *out is malloc'd.
 */
int hr_rawindex_patch(unsigned char **out, size_t *outlen, const hr_rawindex *ix,
	hr_index_change *changes, size_t n, bool strict, char *err, size_t errlen);

/* SHA-1 of data[0..len) (sha1.c): the index checksum; and the same in pieces. */
void hr_sha1(unsigned char out[20], const void *data, size_t len);
typedef struct hr_sha1_ctx {
	uint32_t h[5];
	uint64_t len;
	unsigned char buf[64];
} hr_sha1_ctx;
void hr_sha1_init(hr_sha1_ctx *c);
void hr_sha1_update(hr_sha1_ctx *c, const void *data, size_t len);
void hr_sha1_final(unsigned char out[20], hr_sha1_ctx *c);

/* The child of `node` named name[0..len), or NULL. */
const hr_cachetree *hr_cachetree_child(const hr_rawindex *ix, const hr_cachetree *node,
	const char *name, size_t len);

/* Walk every matching regular file under tree `id` (used by object.c and walk.c). */
int hr_tree_walk_files(hr_repo *repo, hr_packs *packs, const git_oid *id, hr_pathbuf *path,
	const hr_policy *policy, hr_keyset *blobs, hr_change *proto,
	hr_change_fn fn, void *payload, size_t *nchanges, char *err, size_t errlen);

/*
 * Which files count, .gitattributes included (attr.c). The caller has
 * checked hr_policy_path_candidate(); these read the attributes of the
 * snapshot and apply hr_policy_path_selected().
 *
 * In a commit (NULL: a bare tree, no attributes). `hint` is what the
 * caller knows of the directories on the way to `path`: HR_ATTRS_NONE (no
 * .gitattributes there), HR_ATTRS_SOME, or HR_ATTRS_UNKNOWN (then the
 * commit's trees are read through odb and packs to find out).
 */
enum { HR_ATTRS_UNKNOWN = -1, HR_ATTRS_NONE = 0, HR_ATTRS_SOME = 1 };
int hr__path_selected_commit(bool *out, hr_repo *repo, const hr_policy *policy, const char *path,
	const git_oid *commit, int hint, hr_packs *packs, char *err, size_t errlen);

/* In the index being committed, read raw as `ix`. */
int hr__path_selected_index(bool *out, hr_repo *repo, const hr_policy *policy, const char *path,
	const hr_rawindex *ix, char *err, size_t errlen);

void hr__attrs_free(struct hr_attrs *attrs);

/*
 * The history walk's comparison of one tree with its parents' trees
 * (walk.c's compare()), on objects held in `packs` only: for the fuzz
 * target and tests. Changes go to `fn`.
 */
int hr_walk_compare_trees(hr_packs *packs, const git_oid *tree, const git_oid *parent_trees, size_t np,
	const hr_policy *policy, hr_change_fn fn, void *payload, char *err, size_t errlen);

/*
 * Loose objects read without libgit2 (loose.c): OBJDIR/xx/yyyy..., one
 * zlib stream of `<type> <size>\0` and the bytes. The SHA-1 is not
 * checked (git's loose object reader does not check it either).
 */
typedef struct hr_looseobj {
	int type;                 /* libgit2's numbering: 1 commit, 2 tree, 3 blob, 4 tag */
	unsigned char *data;      /* malloc'd, a NUL after len bytes */
	size_t len;
} hr_looseobj;

/*
 * Read object `id` from the first of objdirs[0..ndirs) that holds it as a
 * loose object (a later directory is not tried when that copy is bad).
 * `max`: a declared size over it is HR_ETOOBIG before anything of that
 * size is allocated (0: no limit). Returns 0 (free *out with
 * hr_looseobj_free); HR_ENOTFOUND when no directory has it (no message);
 * HR_EINVALID for a corrupt object, an unknown type, or something other
 * than a regular file there (the message names the file); HR_EIO when
 * the file cannot be opened or read (with strerror); HR_ENOMEM.
 */
int hr_loose_read(hr_looseobj *out, char *const *objdirs, size_t ndirs, const hr_oid *id,
	size_t max, char *err, size_t errlen);

/*
 * Only the type and size of loose object `id`: the header, from the first
 * 32 inflated bytes (the rest of the file is not read, so a corrupt body
 * goes unnoticed). The same errors as hr_loose_read() but HR_ETOOBIG.
 */
int hr_loose_header(int *type, size_t *size, char *const *objdirs, size_t ndirs, const hr_oid *id,
	char *err, size_t errlen);

/*
 * What hr_loose_read() does with a file's bytes, on zdata[0..zlen) held
 * in memory; `name` names them in messages. For the fuzz target and tests.
 */
int hr_loose_parse(hr_looseobj *out, const unsigned char *zdata, size_t zlen, size_t max,
	const char *name, char *err, size_t errlen);

void hr_looseobj_free(hr_looseobj *obj);

/*
 * Append to the list *dirs (*n entries, malloc'd array of malloc'd
 * strings, grown here) the object directories that objdir's
 * info/alternates names, recursively, as git builds its list: '#' lines
 * and empty lines skipped, '"'-lines C-unquoted, relative entries taken
 * relative to the directory whose file lists them, each normalised with
 * realpath() (no trailing '/'); one already in the list (or objdir
 * itself), or missing, or not a directory, is skipped silently; nesting
 * stops at git's depth of 5. More than 64 entries in the list is
 * HR_ETOOBIG (with a message); an alternates file that exists but cannot
 * be read is HR_EIO. On an error, what was appended stays in the list.
 */
int hr_objdirs_add_alternates(char ***dirs, size_t *n, const char *objdir, char *err, size_t errlen);

/*
 * A snapshot asked by path with hook-run's readers, libgit2 only where they
 * cannot read an object (treepath.c).
 *
 * hr_treeish_tree: the tree of a commit, a tree or a tag of either (at most
 * 32 tags); *is_commit when the object itself is a commit. HR_EINVALID when
 * it names no tree, HR_ENOTFOUND when it is missing.
 * hr_tree_entry: the entry at `path` (components joined by '/') below
 * `tree`, its mode as written and its id; HR_ENOTFOUND when there is none.
 * hr_tree_list: fn on each entry of `tree` until it returns non-zero.
 * hr_blob_head: the first `max` bytes of a blob (fewer when it is shorter).
 */
int hr_treeish_tree(git_oid *tree, bool *is_commit, hr_repo *r, const git_oid *treeish);
/* a commit's tree, through `packs` (NULL: the repository's); HR_EINVALID for no commit */
int hr_commit_tree_in(git_oid *tree, hr_repo *r, hr_packs *packs, const git_oid *commit);
int hr_commit_tree(git_oid *tree, hr_repo *r, const git_oid *commit);
/*
 * hr_peel_tags: the first object that is no tag, and its type (1-3).
 * HR_ENOTFOUND when hook-run's readers cannot read what it names.
 * hr_resolve_simple: `spec` as 40 hex digits or a ref name (refdb.c's
 * dwim, git's short-name rules), followed by any `~N` and `^` (first
 * parents). HR_ENOTFOUND when no ref has that name (or a root commit has
 * no parent): git finds none either; HR_ENOTSUP when the caller must ask
 * libgit2 (a short id, ^2, ^{tree}, @{u}, :/text, an object the readers
 * cannot read).
 */
int hr_peel_tags(git_oid *out, int *type, hr_repo *r, const git_oid *id);
/* the same through `packs` (NULL: the repository's; r may then be NULL too) */
int hr_peel_tags_in(git_oid *out, int *type, hr_repo *r, hr_packs *packs, const git_oid *id);
int hr_resolve_simple(git_oid *out, hr_repo *r, const char *spec);
int hr_tree_entry(unsigned *mode, git_oid *id, hr_repo *r, const git_oid *tree, const char *path);
int hr_tree_list(hr_repo *r, const git_oid *tree,
	int (*fn)(void *arg, const char *name, unsigned mode, const git_oid *id), void *arg);
int hr_blob_head(unsigned char *out, size_t max, size_t *len, hr_repo *r, const git_oid *id);

/* Hand out one change, remembering the blob's verdict in `blobs`. */
int hr_change_emit(hr_keyset *blobs, hr_change *c, hr_change_fn fn, void *payload);

/*
 * git's configuration files read without libgit2 (gitconfig.c, whose
 * header comment says what it reads as git does and what it leaves to
 * libgit2): the values hook-run's fast paths need before, or instead of,
 * opening the repository with libgit2. Nothing here calls libgit2.
 */
typedef struct hr_gitconfig hr_gitconfig;

/* The largest file, and the largest key or value, read (HR_ETOOBIG above). */
#define HR_GITCONFIG_FILE_MAX ((size_t)1024 * 1024)
#define HR_GITCONFIG_VALUE_MAX ((size_t)64 * 1024)

/*
 * The files git reads for a repository, in git's order (a later value
 * wins): the system file (GIT_CONFIG_SYSTEM, else /etc/gitconfig; none
 * when GIT_CONFIG_NOSYSTEM is true), the global ones (GIT_CONFIG_GLOBAL
 * alone when it is set, even empty; else $XDG_CONFIG_HOME/git/config, or
 * $HOME/.config/git/config when XDG_CONFIG_HOME is unset or empty, then
 * $HOME/.gitconfig), and the repository's (`commondir`/config; none when
 * commondir is NULL). Variables come from `env`, never getenv(); a
 * relative path is taken from env->cwd when set.
 *
 * As git: a file that does not exist (ENOENT, ENOTDIR) or is a directory
 * is skipped; a system or global file that may not be read (EACCES) is
 * skipped too (git warns and goes on); the repository's file unreadable,
 * or any other failure to read, is HR_EIO. A file that does not parse is
 * HR_EINVALID with "FILE:LINE: bad config line (why)" in err (git dies on
 * it). HR_ETOOBIG over the limits above. HR_EINVALID too for a
 * GIT_CONFIG_NOSYSTEM that is not a boolean (git dies).
 *
 * HR_ENOTSUP, "FILE:LINE: ..." in err, when the caller must ask libgit2:
 * a key of include.* or includeIf.* in any file; extensions.worktreeConfig
 * in the repository's file (whatever its value: config.worktree may then
 * count); a NUL byte in a value or a subsection name.
 */
int hr_gitconfig_open(hr_gitconfig **out, const hr_env *env, const char *commondir,
	char *err, size_t errlen);

/* An empty configuration, for hr_gitconfig_parse(). */
int hr_gitconfig_new(hr_gitconfig **out);
void hr_gitconfig_free(hr_gitconfig *c);

/*
 * Parse one file's `len` bytes (`name` is for messages) and append its
 * entries, as a file read after those already there. On failure nothing
 * of it is kept: HR_EINVALID ("NAME:LINE: bad config line (why)" in err),
 * HR_ETOOBIG, HR_ENOTSUP (a NUL byte in a value or subsection name), or
 * HR_ENOMEM. Includes are not refused here: see hr_gitconfig_includes().
 */
int hr_gitconfig_parse(hr_gitconfig *c, const char *data, size_t len, const char *name,
	char *err, size_t errlen);

/*
 * The entries of the repository's own file alone, for the keys git reads
 * from it and nowhere else when it sets a repository up (setup.c,
 * read_repository_format and read_worktree_config):
 * core.repositoryformatversion, extensions.*, core.worktree, and core.bare
 * as setup sees it (git_default_core_config later reads core.bare from
 * every file). Owned by `c`; an empty configuration when commondir was
 * NULL; `c` itself for one made with hr_gitconfig_new().
 */
const hr_gitconfig *hr_gitconfig_repo(const hr_gitconfig *c);

/* Was an include.* or includeIf.* key read (what makes hr_gitconfig_open() refuse)? */
bool hr_gitconfig_includes(const hr_gitconfig *c);

/*
 * The last value of `key` ("core.bare", "remote.origin.url": section and
 * variable name in any case, the subsection with its case). *value is
 * NULL for a bare key (`[core] bare`, which means true), else points into
 * `c`. HR_ENOTFOUND when absent; HR_EINVALID for a key git would refuse
 * (no section, no variable name, a bad character).
 */
int hr_gitconfig_get(const hr_gitconfig *c, const char *key, const char **value);

/*
 * The last value as git_config_bool() reads it: none (a bare key) is true,
 * "" false, true/yes/on and false/no/off in any case, or an int as
 * hr_gitconfig_get_int() reads it (true when not 0). HR_EINVALID for
 * anything else (git dies), HR_ENOTFOUND when absent.
 */
int hr_gitconfig_get_bool(const hr_gitconfig *c, const char *key, bool *out);

/*
 * The last value as git_config_int() reads it: strtoimax in base 0 (so
 * 010 is 8, 0x10 16), an optional k, m or g (any case: times 1024,
 * 1024^2, 1024^3), within int. HR_EINVALID otherwise (a bare key too).
 */
int hr_gitconfig_get_int(const hr_gitconfig *c, const char *key, int *out);

/*
 * The last value as git_config_pathname() reads it, malloc'd into *out:
 * "~" and "~/..." from HOME in `env`, "~user" and "~user/..." from the
 * user database (getpwnam_r). HR_EINVALID for a bare key, or when HOME is
 * unset or the user does not exist (git dies); HR_ENOTSUP for
 * "%(prefix)/..." and ":(optional)..." (git's own install prefix, and a
 * newer git's optional path), or when the user database fails.
 */
int hr_gitconfig_get_path(const hr_gitconfig *c, const hr_env *env, const char *key, char **out);

/* Is any key in `section` ("extensions": any case), with or without a subsection? */
bool hr_gitconfig_has_section(const hr_gitconfig *c, const char *section);

/* The entries, in order (for tests and the fuzz target): key, value (NULL: bare), line. */
size_t hr_gitconfig_count(const hr_gitconfig *c);
void hr_gitconfig_entry(const hr_gitconfig *c, size_t i, const char **key, const char **value,
	unsigned *line);

/* ---- the ref store read without libgit2 (refdb.c) -------------------- */

/*
 * A files-backend ref store (loose files under refs/, plus packed-refs)
 * read with no libgit2 call, for the fast paths; libgit2 stays the
 * fallback. HR_ENOTSUP from any of these means "not one this reader
 * handles: ask libgit2" (a reftable, a linked worktree, a symbolic link
 * under refs/, a name over HR_REFDB_MAX_NAME bytes), never a fault of the
 * repository. See refdb.c for where git and libgit2 differ and which is
 * followed.
 */
typedef struct hr_refdb hr_refdb;

/* The longest ref name read, in bytes; a longer one is HR_ENOTSUP. */
#define HR_REFDB_MAX_NAME 4096

/*
 * Open the ref store. `gitdir` and `commondir` are absolute, with a
 * trailing '/' (equal for a plain repository; different ones are
 * HR_ENOTSUP). HR_ENOTSUP when the store is not one this reader handles:
 * `commondir/reftable` exists, refs/ is missing or a symbolic link, or
 * packed-refs is a symbolic link. packed-refs is read once, here: a
 * malformed one is HR_EINVALID (git dies on it, libgit2 refuses the whole
 * store), over 1 GiB HR_ETOOBIG. Loose refs are read on each call.
 */
int hr_refdb_open(hr_refdb **out, const char *gitdir, const char *commondir, char *err, size_t errlen);

void hr_refdb_free(hr_refdb *db);

/*
 * Every ref under refs/, in byte order of the full names (strcmp, as
 * `git for-each-ref` sorts them): loose ones override packed ones of the
 * same name, symbolic refs are followed to a direct id. Left out, as
 * git for-each-ref leaves them out: names failing git's
 * check_refname_format, loose files that are not a ref (a broken ref,
 * which still hides a packed ref of its name), the null id, dangling
 * symbolic refs and chains deeper than git's 5 reads. `fn` gets the full
 * name and the id; non-zero from `fn` stops the walk and is returned.
 * The loose refs are all read (no file held open, no recursion) before
 * the first call.
 */
int hr_refdb_foreach(hr_refdb *db, int (*fn)(const char *name, const hr_oid *id, void *payload),
	void *payload, char *err, size_t errlen);

/*
 * One ref by full name ("HEAD", "refs/heads/main"), followed through
 * symbolic refs (git's limit: 5 reads) to an id. HR_ENOTFOUND when absent,
 * dangling, too deep, or not a name git would read (check_refname_format;
 * outside refs/ only upper-case names such as HEAD or ORIG_HEAD);
 * HR_EINVALID when a file on the way is not a ref (git: "broken ref",
 * libgit2: "corrupted loose reference file").
 */
int hr_refdb_resolve(hr_oid *out, hr_refdb *db, const char *name, char *err, size_t errlen);

/*
 * git rev-parse's rules for a short name (refs.c, ref_rev_parse_rules):
 * NAME, refs/NAME, refs/tags/NAME, refs/heads/NAME, refs/remotes/NAME,
 * refs/remotes/NAME/HEAD; the first that resolves wins (broken and
 * dangling ones are passed over, as git does). *full gets the full name
 * of the match (malloc'd). Refs only: no hex ids, no `@`, no `~`/`^`.
 * HR_ENOTFOUND when none resolves.
 */
int hr_refdb_dwim(hr_oid *out, char **full, hr_refdb *db, const char *shortname, char *err, size_t errlen);

/* packed-refs parsed in memory (what hr_refdb_open reads; fuzzed) */
typedef struct hr_packed_ref {
	const char *name;          /* NUL-terminated, inside hr_packed_refs.buf */
	hr_oid id;                 /* the direct target; `^` peel lines are not kept */
} hr_packed_ref;

typedef struct hr_packed_refs {
	hr_packed_ref *refs;       /* sorted by name (strcmp), names unique */
	size_t n;
	char *buf;                 /* a copy of the file, names cut out in place */
} hr_packed_refs;

/*
 * Parse a packed-refs file as git's packed-backend.c reads it: an optional
 * first line `# pack-refs with: TRAITS`, then `<40 hex><space><name>` lines,
 * each optionally followed by one `^<40 hex>` peel line. Entries whose name
 * fails check_refname_format are left out (git skips them as broken);
 * the first of two entries of one name is kept. HR_EINVALID, with a message
 * naming the line, for what git dies on (a bad line, an unterminated last
 * line, a misplaced peel line, a name escaping refs/) and for a NUL byte.
 * On failure *out is empty. Free with hr_packed_refs_free().
 */
int hr_packed_refs_parse(hr_packed_refs *out, const char *data, size_t len, char *err, size_t errlen);

void hr_packed_refs_free(hr_packed_refs *refs);

/* git's check_refname_format(name, REFNAME_ALLOW_ONELEVEL) == 0 */
bool hr_refname_valid(const char *name, size_t len);

#endif
