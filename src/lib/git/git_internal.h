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

/* one replacement made by hr_staged_replace(), replayed into index.lock */
typedef struct hr_replacement {
	char *path;
	git_oid old_id;
	git_oid new_id;
} hr_replacement;

struct hr_repo {
	git_repository *repo;
	char *gitdir;             /* absolute, trailing '/' */
	char *commondir;          /* absolute, trailing '/' */
	char *workdir;            /* absolute, trailing '/', NULL when bare */
	char *index_path;         /* absolute: GIT_INDEX_FILE, or GITDIR/index */
	git_index *index;         /* opened on first use */
	hr_replacement *repl;     /* replacements not yet written */
	size_t nrepl;
};

/* Write "<what>: <libgit2's last message>" into err; returns `code`. */
int hr_git_error(int code, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Map a libgit2 error code to an hr_error. */
int hr_git_code(int git_error);

/* The index (GIT_INDEX_FILE), opened and attached to the repository. */
int hr_repo_index(git_index **out, hr_repo *repo, char *err, size_t errlen);

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

/* Is this tree entry mode a file hook-run reads (not a symlink or gitlink)? */
static inline bool hr_mode_is_file(git_filemode_t mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/* Walk every matching regular file under `tree` (used by tree.c and walk.c). */
int hr_tree_walk_files(hr_repo *repo, const git_tree *tree, hr_pathbuf *path,
	const hr_policy *policy, hr_keyset *blobs, hr_change *proto,
	hr_change_fn fn, void *payload, size_t *nchanges, char *err, size_t errlen);

/* Hand out one change, remembering the blob's verdict in `blobs`. */
int hr_change_emit(hr_keyset *blobs, hr_change *c, hr_change_fn fn, void *payload);

#endif
