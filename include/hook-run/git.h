/* SPDX-License-Identifier: MIT */
/*
 * git.h - where the bytes come from when git is involved: the repository a
 * hook runs in, the staged changes of a commit, the commits of a push, the
 * files of a revision. libgit2 is used under src/lib/git/ and nowhere else;
 * this header exposes none of its types.
 *
 *   hr_repo *repo;
 *   hr_repo_open(&repo, NULL, 0, err, sizeof(err));   GIT_DIR, GIT_WORK_TREE,
 *                                                     GIT_INDEX_FILE, quarantine...
 *   hr_staged_collect(...)     what `git commit` is about to record
 *   hr_walk(...)               what a push (or a range, or a history) adds
 *   hr_tree_foreach(...)       every matching file of a revision
 *   hr_repo_free(repo);
 *
 * Sources hand out (commit, path, blob) changes through one callback type,
 * hr_change_fn. Blob contents are read one at a time with
 * hr_repo_blob_read(), bounded by a size limit that is checked before the
 * blob is loaded: memory is bounded by the largest blob read, never by the
 * size of a push. Sources remember every distinct blob they handed out and
 * tell the callback when one comes back (hr_change.seen), so each blob is
 * judged once.
 *
 * Errors: 0 or a negative hr_error; a message for people goes into the
 * caller's `err` buffer (lower case, naming the object or path concerned).
 * Object ids are SHA-1 (libgit2 1.5 reads nothing else).
 */
#ifndef HOOK_RUN_GIT_H
#define HOOK_RUN_GIT_H

#include "hook-run/common.h"
#include "hook-run/env.h"
#include "hook-run/policy.h"
#include "hook-run/check.h"

#define HR_OID_RAWSZ 20
#define HR_OID_HEXSZ 40

/** An object id (SHA-1), independent of libgit2's type. */
typedef struct hr_oid {
	unsigned char id[HR_OID_RAWSZ];
} hr_oid;

/** Lower-case hex into `out` (HR_OID_HEXSZ + 1 bytes, NUL-terminated). */
void hr_oid_fmt(char *out, const hr_oid *oid);

/** Parse exactly HR_OID_HEXSZ hex digits (either case); false otherwise. */
bool hr_oid_parse(hr_oid *out, const char *hex, size_t len);

bool hr_oid_is_zero(const hr_oid *oid);
bool hr_oid_equal(const hr_oid *a, const hr_oid *b);

/* ---- the repository ------------------------------------------------- */

typedef struct hr_repo hr_repo;

/**
 * Open the repository the way git's hooks see it, from the environment:
 *
 * - GIT_DIR (relative to the current directory, or absolute) names the git
 *   directory; without it the repository is discovered from `start_dir`
 *   (NULL: ".") upwards, stopping at GIT_CEILING_DIRECTORIES.
 *   A linked worktree's git directory (.git/worktrees/NAME) is understood.
 * - GIT_WORK_TREE sets the working tree.
 * - GIT_COMMON_DIR, when set, must be the common directory of that git
 *   directory (a linked worktree's): anything else is refused, not ignored.
 * - GIT_INDEX_FILE names the index (relative to the current directory);
 *   it is opened on first use by hr_staged_collect() and friends.
 * - GIT_OBJECT_DIRECTORY, GIT_QUARANTINE_PATH and every entry of
 *   GIT_ALTERNATE_OBJECT_DIRECTORIES (':'-separated, entries possibly
 *   C-quoted as git writes them when a path holds ':') become extra object
 *   directories, so a pre-receive hook sees the quarantined objects.
 *
 * The ownership check ("safe.directory") is switched off: git has done it
 * before running the hook, and libgit2 runs no commands from the config.
 * Object hash verification is off too (speed; git verified on receipt).
 *
 * libgit2 1.5's GIT_REPOSITORY_OPEN_FROM_ENV is not used: it fails when
 * GIT_WORK_TREE or GIT_COMMON_DIR is set and splits quoted alternates at
 * the ':' inside them.
 *
 * Returns 0; HR_ENOTFOUND (not a repository); HR_EINVALID (inconsistent
 * environment); HR_EGIT.
 */
int hr_repo_open(hr_repo **out, const char *start_dir, char *err, size_t errlen);

/**
 * hr_repo_open() with the hook's environment and current directory given
 * as a value (env.h) instead of the process's: what the engine and the
 * daemon use. Relative paths in `env` and `start_dir` are taken against
 * env->cwd. `env` and its strings must outlive the repository (later reads
 * of GIT_CONFIG_PARAMETERS and friends use it).
 */
int hr_repo_open_env(hr_repo **out, const hr_env *env, const char *start_dir,
	char *err, size_t errlen);

void hr_repo_free(hr_repo *repo);

/**
 * Split a GIT_ALTERNATE_OBJECT_DIRECTORIES value as hr_repo_open reads it
 * (':'-separated, entries possibly C-quoted). *out is a malloc'd array of
 * malloc'd strings (empty entries included). HR_EINVALID for a malformed
 * quote.
 */
int hr_alternates_split(char ***out, size_t *n, const char *list);

/** Absolute git directory, with a trailing '/'. */
const char *hr_repo_gitdir(const hr_repo *repo);

/** Absolute common directory (the main .git of linked worktrees), trailing '/'. */
const char *hr_repo_commondir(const hr_repo *repo);

/** Absolute working tree with a trailing '/', or NULL for a bare repository. */
const char *hr_repo_workdir(const hr_repo *repo);

/**
 * The hooks directory: core.hooksPath (relative to the working tree, or
 * to the git directory when bare, as git resolves it; `~/` expanded), else
 * COMMONDIR/hooks. A malloc'd absolute path without trailing '/'.
 */
int hr_repo_hooks_dir(char **out, hr_repo *repo, char *err, size_t errlen);

/**
 * Read a blob into a malloc'd NUL-terminated buffer. The size is read from
 * the object header first: over `max_size` (0: no limit) returns
 * HR_ETOOBIG without loading it; *len is then the blob's size.
 * HR_ENOTFOUND when the object is missing, HR_EINVALID when it is not a blob.
 * For small files (configuration); hr_blob_load() for what is judged.
 */
int hr_repo_blob_read(char **out, size_t *len, hr_repo *repo, const hr_oid *blob,
	size_t max_size, char *err, size_t errlen);

/**
 * A blob's bytes, held without a second copy: streamed into one buffer of
 * its size when the object is loose, or libgit2's own buffer when it is
 * packed. Not NUL-terminated. Memory: the blob's size once, plus, while it
 * is being read, libgit2's transient buffers (a packed blob stored as a
 * delta needs its base too). See README, "Memory".
 */
typedef struct hr_blob {
	const char *data;
	size_t len;
	void *owner_;          /* private: libgit2's object, or */
	char *buf_;            /* private: the streamed or loose object's buffer, or */
	void *pack_;           /* private: the pack reader's object */
} hr_blob;

/** hr_repo_blob_read() into an hr_blob; the same size check and errors. */
int hr_blob_load(hr_blob *out, hr_repo *repo, const hr_oid *blob, size_t max_size,
	char *err, size_t errlen);

void hr_blob_free(hr_blob *b);

/**
 * Resolve a revision ("HEAD", "main~2", a hex id, "v1.0") to the commit
 * or tree it names after peeling tags. *is_commit tells which.
 * HR_ENOTFOUND when it names nothing (an unborn HEAD included); HR_EGIT
 * when it is a reference whose object is missing or unreadable.
 */
int hr_repo_resolve(hr_oid *out, bool *is_commit, hr_repo *repo, const char *spec,
	char *err, size_t errlen);

/**
 * The blob id of the file at `path` of a commit or tree, without reading
 * it (HR_ENOTFOUND when absent or not a regular file).
 */
int hr_repo_path_id(hr_oid *out, hr_repo *repo, const hr_oid *treeish, const char *path,
	char *err, size_t errlen);

/**
 * Read the file at `path` of a commit or tree (HR_ENOTFOUND when absent,
 * not a regular file, or over max_size bytes... then HR_ETOOBIG).
 */
int hr_repo_read_path(char **out, size_t *len, hr_repo *repo, const hr_oid *treeish,
	const char *path, size_t max_size, char *err, size_t errlen);

/**
 * Is `path` (relative to the working tree) left out of the repository's
 * content: ignored by .gitignore and friends and not tracked, or inside a
 * submodule? Errors count as not ignored.
 */
bool hr_repo_path_ignored(hr_repo *repo, const char *path);

/**
 * A boolean of the git configuration as git shows it to a hook: the files
 * (system, global, the repository's), then what git passes down in the
 * environment from its command line (GIT_CONFIG_COUNT with
 * GIT_CONFIG_KEY_<n>/GIT_CONFIG_VALUE_<n>, then GIT_CONFIG_PARAMETERS, as
 * `git -c KEY=VALUE receive-pack` sets it); the last value wins. `dflt`
 * when no source sets `key`. HR_EINVALID when a value is not a boolean or
 * the environment cannot be parsed (the message names it).
 */
int hr_repo_config_bool(bool *out, hr_repo *repo, const char *key, bool dflt,
	char *err, size_t errlen);

/**
 * Every branch and tag (refs/heads/, refs/tags/) peeled to the commit or
 * tree it names, in ref order: *names (malloc'd strings) and *ids, *n of
 * them. Tags of blobs are left out.
 */
int hr_repo_refs(char ***names, hr_oid **ids, size_t *n, hr_repo *repo, char *err, size_t errlen);

/** Is the repository a shallow clone (its history cut short)? */
bool hr_repo_is_shallow(hr_repo *repo);

/**
 * The attributes hook-run reads (hook-run, linguist-vendored,
 * linguist-generated) of `path`, relative to the working tree, from the
 * working tree's .gitattributes (its files first, then the index, as git
 * reads them), for hr_policy_path_selected(). For `check`, `fix` and
 * `audit --worktree`; the git sources read the attributes of their own
 * snapshot. All unspecified in a bare repository.
 */
int hr_repo_worktree_attrs(hr_path_attrs *out, hr_repo *repo, const char *path,
	char *err, size_t errlen);

/* ---- changes: what the sources hand out ----------------------------- */

/** One (commit, path, blob) to judge. */
typedef struct hr_change {
	size_t update;         /* hr_walk: index of the ref update it is reported under */
	const hr_oid *commit;  /* the commit that introduces it; NULL for the index or a bare tree */
	const char *path;      /* '/'-separated, relative to the tree root */
	const hr_oid *blob;
	uint32_t mode;         /* 0100644 or 0100755: symlinks and gitlinks are never handed out */
	int seen;              /* 0 the first time this blob is handed out; afterwards the
	                          (positive) value the callback returned that first time */
} hr_change;

/**
 * Called once per change. Return a positive verdict (remembered for the
 * blob and passed back in `seen`), 0 to remember nothing, or a negative
 * hr_error to stop the source, which then returns that error.
 */
typedef int (*hr_change_fn)(const hr_change *change, void *payload);

/* ---- the staged changes (pre-commit) -------------------------------- */

typedef enum hr_staged_flags {
	/* the commit replaces HEAD (`git commit --amend`): compare with HEAD's parents */
	HR_STAGED_AMEND = 1 << 0,
	/* pre-merge-commit: git has not written MERGE_HEAD yet; the merged commits
	   come from GIT_REFLOG_ACTION ("merge ARGS") or FETCH_HEAD (pull) */
	HR_STAGED_PRE_MERGE = 1 << 1,
} hr_staged_flags;

/**
 * Every stage-0 index entry that is a regular file, matches the policy and
 * whose blob differs from the same path in EVERY parent the commit will
 * have: HEAD (none when unborn), plus MERGE_HEAD's commits while a merge is
 * concluded; HEAD's parents instead of HEAD with HR_STAGED_AMEND. Deleted
 * paths have nothing to check; a rename is checked at its new path.
 * Symlinks (120000), gitlinks (160000) and intent-to-add entries are
 * skipped. In index order.
 */
int hr_staged_foreach(hr_repo *repo, const hr_policy *policy, unsigned flags,
	hr_change_fn fn, void *payload, char *err, size_t errlen);

/** Absolute path of the index hook-run reads and writes (GIT_INDEX_FILE). */
const char *hr_repo_index_path(hr_repo *repo);

/** Read `path` as staged (stage 0) in the index; HR_ENOTFOUND when absent. */
int hr_staged_read_path(char **out, size_t *len, hr_repo *repo, const char *path,
	size_t max_size, char *err, size_t errlen);

/**
 * Stage new content for `path` in memory: write the blob, then replace the
 * entry's id, keeping its mode, with zeroed stat data (so git re-reads the
 * working file instead of trusting a same-size, same-time stat).
 * `expect` is the blob the entry must still hold (HR_ECONFLICT if not).
 * Nothing reaches the index file before hr_staged_write().
 */
int hr_staged_replace(hr_repo *repo, const char *path, const hr_oid *expect,
	const char *data, size_t len, hr_oid *new_blob, char *err, size_t errlen);

/**
 * Would the commit be empty: does the staged tree equal the tree of the
 * first parent the commit will have (the empty tree when there is none)?
 * Always false while a merge is concluded.
 */
int hr_staged_is_empty(bool *out, hr_repo *repo, unsigned flags, char *err, size_t errlen);

/**
 * Write the index with the replacements atomically, under git's lock
 * (INDEX.lock, exclusive, complete, renamed over INDEX): see staged.c's
 * write_index_file() for how no lock of hook-run's is ever left behind.
 * When GIT_INDEX_FILE is git's temporary index of `git commit <paths>`
 * (GITDIR/next-index-PID.lock), the same replacements go into
 * GITDIR/index.lock too, the index git installs after the commit, for each
 * entry still holding the blob that was replaced (`*pending_updated` says
 * how many; NULL allowed). HR_ECONFLICT when a lock is held by someone
 * else (the message names it); no lock of ours is left behind.
 */
int hr_staged_write(hr_repo *repo, size_t *pending_updated, char *err, size_t errlen);

/**
 * Would hr_staged_write() find the index locked now (INDEX.lock exists)?
 * HR_ECONFLICT with the message it would give; 0 otherwise. A check
 * before other files are written: the lock is taken only at the end.
 */
int hr_staged_write_check(hr_repo *repo, char *err, size_t errlen);

/* ---- walks: what a push, a range or a history adds -------------------- */

/** One ref update as pre-receive reads it: `<old> <new> <ref>`. */
typedef struct hr_ref_update {
	hr_oid old_oid;  /* zero: the ref is created */
	hr_oid new_oid;  /* zero: the ref is deleted */
	char *ref;       /* "refs/heads/main" */
} hr_ref_update;

/**
 * Parse pre-receive input: one `<old> <new> <ref>` per line. Any other
 * line (missing fields, bad ids, extra spaces, a '\r') is an error naming
 * the line number; nothing is returned then. *out is malloc'd; free it
 * with hr_ref_updates_free().
 */
int hr_ref_updates_parse(hr_ref_update **out, size_t *n, const char *data, size_t len,
	char *err, size_t errlen);

void hr_ref_updates_free(hr_ref_update *updates, size_t n);

typedef struct hr_walk_opts {
	const hr_policy *policy;  /* which paths count */
	hr_scope scope;           /* COMMITS: every new commit; TIPS: the final trees only */
	bool hide_all_refs;       /* pre-receive: everything reachable from any ref (and
	                             HEAD) is old; refs have not moved yet */
	const hr_oid *hide;       /* more commits whose history is old (`--range A..B`: A) */
	size_t nhide;
	double deadline;          /* clock value after which the walk stops with
	                             HR_ETIMEOUT (0: none); checked before each commit
	                             and while the new commits are listed */
	double (*clock)(void *);  /* the clock for `deadline`, called with clock_arg;
	                             NULL: hr_git_now */
	void *clock_arg;
	/*
	 * What each commit introduces, remembered across walks (the daemon's
	 * verdict cache): `commit_get` hands back the record an earlier walk
	 * stored for a commit (malloc'd, freed by the walk; return -1 for
	 * none), which is replayed instead of comparing the commit's trees;
	 * `commit_put` is offered the record of each commit compared. A record
	 * that does not parse is ignored. NULL: none.
	 */
	int (*commit_get)(void *arg, const hr_oid *commit, unsigned char **record, size_t *len);
	void (*commit_put)(void *arg, const hr_oid *commit, const unsigned char *record, size_t len);
	void *commit_arg;
	/*
	 * Called before each commit is compared, with the commits compared so
	 * far and how many there are in all (a progress display). With nothing
	 * hidden (a whole history) the total is counted by an extra listing of
	 * the commits first, which costs a fraction of the walk: set it only
	 * when someone watches. NULL: none.
	 */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
} hr_walk_opts;

typedef struct hr_walk_stats {
	size_t commits;           /* new commits compared with their parents */
	size_t changes;           /* (commit, path, blob) changes handed out */
	size_t blobs;             /* distinct blobs among them */
	size_t skipped_refs;      /* deletions and refs that point at a blob */
	size_t trees;             /* trees read to compare commits with their parents */
	size_t replayed;          /* commits whose changes came from commit_get */
} hr_walk_stats;

/**
 * Hand out what the updates add. Deletions are skipped. The commits new to
 * the repository (reachable from a new id, not from a hidden one) are each
 * compared with ALL their parents exactly once across all updates, and
 * credited to the first update (in input order) that reaches them. A path
 * counts when its blob differs from the same path in every parent; trees
 * are compared level by level, identical subtree ids skipped.
 *
 * - scope COMMITS: every such (commit, path, blob).
 * - scope TIPS: for each update, the files of its new tree whose
 *   (path, blob) some new commit introduced (a bad blob fixed by a later
 *   commit of the same push does not count).
 * An update whose new id is an annotated tag is peeled; one that ends at
 * a tree hands out every matching file of it (commit NULL); one that ends
 * at a blob is skipped (stats->skipped_refs).
 *
 * HR_ENOTFOUND when a new id or an object it needs is missing (the message
 * names it).
 */
int hr_walk(hr_repo *repo, const hr_ref_update *updates, size_t nupdates,
	const hr_walk_opts *opts, hr_change_fn fn, void *payload, hr_walk_stats *stats,
	char *err, size_t errlen);

/** Seconds on a monotonic clock, for hr_walk_opts.deadline. */
double hr_git_now(void);

/* ---- trees: every matching file of a revision ------------------------ */

/**
 * Every regular file of the tree of `treeish` (a commit or a tree) that
 * matches the policy, in path order; `commit` of each change is `treeish`
 * when it is a commit. Blobs already handed out come back with `seen` set.
 */
int hr_tree_foreach(hr_repo *repo, const hr_oid *treeish, const hr_policy *policy,
	hr_change_fn fn, void *payload, char *err, size_t errlen);

/**
 * A digest of `len` bytes (git's blob id of them: SHA-1 over "blob LEN\0"
 * and the bytes), for cache keys: the policy's and the build's identity.
 */
int hr_hash_bytes(hr_oid *out, const void *data, size_t len);

/** The parents of `commit` (at most `max`), in order. HR_ENOTFOUND when it is missing. */
int hr_repo_commit_parents(hr_oid *out, size_t max, size_t *n, hr_repo *repo, const hr_oid *commit,
	char *err, size_t errlen);

/** The version of the libgit2 hook-run runs with (loading it: see libgit2_lazy.c). */
void hr_git_library_version(int *major, int *minor, int *rev);

/* ---- the build context ---------------------------------------------- */

typedef struct hr_repo_context hr_repo_context;

/**
 * A view of the build context of the Dockerfile at `dockerfile` (a path in
 * the repository) for hr_check_ext(): the files of `treeish` (a commit or
 * tree), or of the index when `treeish` is NULL. The candidate roots are
 * the Dockerfile's folder and each parent up to the repository root.
 * *view stays valid until hr_repo_context_free().
 */
int hr_repo_context_new(hr_repo_context **out, hr_build_context *view, hr_repo *repo,
	const hr_oid *treeish, const char *dockerfile, char *err, size_t errlen);

void hr_repo_context_free(hr_repo_context *ctx);

/** How many candidate roots hr_repo_context_new() offers for `dockerfile`. */
size_t hr_repo_context_candidates(const char *dockerfile);

/* ---- merging a fix into a working file ------------------------------ */

/**
 * Three-way merge of text, as `git merge-file` does: the changes from
 * `base` to `ours` and from `base` to `theirs` combined. *clean is false
 * when they overlap; *out is then NULL. *out is malloc'd.
 */
int hr_merge_text(char **out, size_t *out_len, bool *clean,
	const char *base, size_t base_len, const char *ours, size_t ours_len,
	const char *theirs, size_t theirs_len, char *err, size_t errlen);

#endif
