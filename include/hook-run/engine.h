/* SPDX-License-Identifier: MIT */
/*
 * engine.h - what a hook does, as calls that take every input explicitly.
 *
 * The command line (`hook-run pre-receive`) and the daemon (`hook-run
 * serve`) are two faces over the same engine: the face gathers the inputs
 * (the hook's environment as a value, standard input, the policy, the
 * report options, the clock) and hands over two streams to write to; the
 * engine opens the repository from that environment, walks, checks,
 * decides, logs and renders, and returns the exit code the hook must end
 * with. It calls no exit(), reads no getenv(), keeps no global state: the
 * same process can judge many pushes one after another, each from its own
 * request. What it prints is the same bytes whichever face runs it; the
 * daemon captures the two streams in order (hr_capture) and its client
 * replays them.
 *
 *   hr_prereceive_request req = { .env = &env, .input = data, ... };
 *   hr_verdict v;
 *   int code = hr_engine_prereceive(&v, &req);   also v.exit_code
 *
 * Exit codes are those of the README (0 accept, 1 findings, 2 input or
 * configuration, 3 git or internal error, 4 time budget).
 */
#ifndef HOOK_RUN_ENGINE_H
#define HOOK_RUN_ENGINE_H

#include <stdio.h>

#include "hook-run/baseline.h"
#include "hook-run/env.h"
#include "hook-run/git.h"
#include "hook-run/policy.h"
#include "hook-run/report.h"

/* The exit codes a hook ends with (the CLI's HR_EXIT_* have the same values). */
enum hr_verdict_code {
	HR_VERDICT_ACCEPT = 0,   /* clean, or accepted (bypass, on-timeout = allow) */
	HR_VERDICT_FINDINGS = 1, /* rejected on findings */
	HR_VERDICT_USAGE = 2,    /* malformed input or configuration: rejected */
	HR_VERDICT_ERROR = 3,    /* git or internal error: rejected */
	HR_VERDICT_TIMEOUT = 4,  /* the budget ran out (on-timeout = deny): rejected */
};

/* ---- the verdict cache (cache.c; optional everywhere) ---------------- */

typedef struct hr_cache hr_cache;

typedef struct hr_cache_stats {
	uint64_t hits, misses;      /* blob lookups of this process */
	uint64_t commit_hits, commit_misses; /* commit records replayed, or not found */
	uint64_t stores, store_errors;
	uint64_t emptied;           /* times the full map was emptied */
	bool discarded;             /* a foreign or corrupt file was removed at open */
	uint64_t entries;           /* records in the file (all processes) */
	uint64_t bytes;             /* pages in use */
	uint64_t map_size;          /* the ceiling */
} hr_cache_stats;

/**
 * Open (or create) the cache file at `path` (LMDB, with `PATH-lock` beside
 * it), at most `map_size` bytes. `scope` is a digest of what a verdict
 * depends on besides the blob: the hook-run build and the effective policy
 * (hr_cache_scope). A foreign or corrupt file is removed and made anew
 * (stats.discarded). Open it in each process that uses it, after fork().
 * Returns 0, HR_ENOMEM or HR_EIO (message in err).
 */
int hr_cache_open(hr_cache **out, const char *path, size_t map_size, const hr_oid *scope,
	char *err, size_t errlen);

/**
 * hr_walk_opts.commit_get / commit_put over the cache (`arg` is the
 * hr_cache): what each commit introduces under the scope's policy, so a
 * fork's or a mirror's first push of a history judged before is not
 * compared tree by tree again.
 */
int hr_cache_commit_get(void *arg, const hr_oid *commit, unsigned char **record, size_t *len);
void hr_cache_commit_put(void *arg, const hr_oid *commit, const unsigned char *record, size_t len);

/** Judge under a new scope from now on (a reloaded policy). */
void hr_cache_set_scope(hr_cache *cache, const hr_oid *scope);

void hr_cache_stats_get(hr_cache *cache, hr_cache_stats *out);

/** Commit the records written so far (they are written in batches). */
void hr_cache_flush(hr_cache *cache);

void hr_cache_close(hr_cache *cache);

/**
 * The scope digest: the build's identity (`build`, e.g. a digest of the
 * executable) and the policy's bytes as loaded (the configuration file,
 * then every override), each length-prefixed.
 */
int hr_cache_scope(hr_oid *out, const hr_oid *build, const char *policy_bytes, size_t len);

/* ---- judging the changes a git source hands out ---------------------- */

/**
 * The clock of the time budget. `step` > 0 makes it a counter that
 * advances by `step` seconds at every reading (tests:
 * HOOK_RUN_TEST_CLOCK_STEP), so a budget runs out after a known number of
 * readings whatever the machine's speed; otherwise hr_git_now().
 */
typedef struct hr_budget_clock {
	double step;
	double fake;   /* the counter's value; start it at any number */
} hr_budget_clock;

/** Read `clock` (a `double (*)(void *)` for hr_walk_opts). */
double hr_budget_clock_read(void *clock);

/**
 * Judges hr_change values (an hr_change_fn): read each distinct blob once,
 * check it, report it. A blob judged clean before is counted and skipped
 * (verdict 1); one with findings is reported again under its new (commit,
 * path) (verdict 2). Findings the baseline records are hidden. Before each
 * blob is read the deadline is checked: past it, HR_ETIMEOUT stops the
 * source. Errors are written to `errout` ("hook-run: ..." lines) and stop
 * the source.
 */
typedef struct hr_judge {
	hr_repo *repo;
	const hr_policy *policy;
	hr_baseline *baseline;         /* or NULL */
	hr_reporter *reporter;         /* NULL: judge and count, print nothing */
	hr_report_summary *summary;
	FILE *errout;                  /* where errors go (standard error of the hook) */
	const hr_ref_update *updates;  /* ref names for the report, or NULL */
	bool show_commit;              /* findings name their commit */
	bool only_new;                 /* block = new: a finding the commit's parents already had
	                                  at the same path does not block; it is counted */
	const hr_oid *context_tree;    /* the build context when a change has no commit (a tree) */
	bool context_index;            /* ... or the index (pre-commit) */
	double deadline;               /* on `clock`; 0: no budget */
	hr_budget_clock *clock;        /* NULL: hr_git_now() */
	hr_cache *cache;               /* verdicts of earlier runs, or NULL */
	/* called before a blob is read and checked: a negative return refuses it
	   (an error the hook reports); after_blob once it has been checked */
	int (*before_blob)(void *arg, const hr_oid *blob, FILE *errout);
	void (*after_blob)(void *arg);
	void *blob_arg;
	/* results */
	const hr_oid *last_bad_commit; /* to count the commits with findings */
	hr_oid last_bad;
	size_t bad_commits;
	struct hr_judge_bad *bad;      /* distinct (path, blob)s with failing findings (first 256) */
	size_t nbad;                   /* how many of them are kept */
	bool bad_more;                 /* more failed than are kept */
	size_t blobs_read;             /* blobs read and checked (each distinct clean one once) */
	size_t cache_hits;             /* blobs the cache said were clean (not read) */
	bool error;                    /* an error was written */
	bool timed_out;                /* the deadline stopped the source */
} hr_judge;

/** A (path, blob) with failing findings, for the fix hint. */
struct hr_judge_bad {
	char *path;
	hr_oid blob;
};

/** Free what an hr_judge collected (the failing paths). */
void hr_judge_free(hr_judge *judge);

/**
 * How to fix what the judge found, for a message: "`hook-run fix a/Dockerfile`",
 * "`hook-run fix a/Dockerfile 'b c/Dockerfile'` and 3 more files". Paths are
 * quoted for a POSIX shell (control bytes as $'\ooo'). Only files whose
 * failing version is what a tip of the push has are named: `fix` works on
 * the working tree, and a file only older commits had wrong (deleted or
 * fixed since) is fixed by rewriting those commits. Without updates, every
 * failing path. Into buf; empty when no file qualifies.
 */
const char *hr_judge_fix_hint(const hr_judge *judge, const hr_ref_update *updates,
	size_t nupdates, char *buf, size_t bufsz);

/** The hr_change_fn of an hr_judge (`payload`). */
int hr_judge_change(const hr_change *change, void *payload);

/**
 * Report one checked file and count it into `summary`: what `baseline`
 * (NULL allowed) records is hidden first, so it neither prints nor counts;
 * with `only_new`, so are the findings marked preexisting (counted in
 * summary->preexisting). `print` false counts without printing. Returns 0
 * or a negative error.
 */
int hr_report_file(hr_reporter *r, hr_baseline *baseline, hr_severity fail_on, bool only_new,
	const hr_report_item *item, bool print, hr_report_summary *summary);

/**
 * Mark the findings of `res` (the blob at `path` in `commit`) that the
 * commit's parents already had at that path (hr_result_mark_preexisting).
 * Returns 0 or a negative error (a missing parent is an error).
 */
int hr_judge_mark_preexisting(hr_result *res, hr_repo *repo, const hr_policy *policy,
	const hr_oid *commit, const char *path, char *err, size_t errlen);

/**
 * The same for a file staged for the next commit: against `parent` (HEAD,
 * or HEAD's parent when amending; NULL: a first commit, nothing is old).
 */
int hr_judge_mark_preexisting_tree(hr_result *res, hr_repo *repo, const hr_policy *policy,
	const hr_oid *parent, const char *path, char *err, size_t errlen);

/* ---- pre-receive ------------------------------------------------------ */

/**
 * Where the policy of a push comes from: called once the repository is
 * open, with its common directory (where a per-repository hook-run.ini
 * lives). Set *out to a policy that stays valid until the engine returns;
 * write any error to `errout`; return 0 or an exit code (2 for a broken
 * configuration). The CLI layers --config / HOOK_RUN_CONFIG / the
 * repository's file / the flags; the daemon hands out the generation it
 * serves, so that one push is judged by one policy from start to end.
 */
typedef int (*hr_policy_source)(const hr_policy **out, const char *commondir, FILE *errout,
	void *arg);

typedef struct hr_prereceive_request {
	const hr_env *env;             /* the hook's environment and current directory */
	unsigned long uid;             /* the hook process's user (the pusher when no variable says) */
	const char *input;             /* standard input: `<old> <new> <ref>` lines */
	size_t input_len;
	hr_policy_source policy;
	void *policy_arg;
	hr_format format;
	bool color;
	bool quiet;
	const char *docs_url;          /* where the rules are documented (SARIF helpUri...); or NULL */
	bool show_stats;               /* --stats: what the walk read, on errout */
	hr_baseline *baseline;         /* --baseline, or NULL */
	bool fixed_elapsed;            /* print `elapsed` instead of the measured time (tests) */
	double elapsed;
	double used;                   /* seconds of the budget the hook already spent (real
	                                  clock) before this call: a client's connection time */
	hr_cache *cache;               /* or NULL */
	const char *decision_id;       /* shown with a rejection and logged; or NULL */
	int (*before_blob)(void *arg, const hr_oid *blob, FILE *errout); /* see hr_judge; or NULL */
	void (*after_blob)(void *arg);
	void *blob_arg;
	FILE *out;                     /* the hook's standard output */
	FILE *errout;                  /* the hook's standard error */
} hr_prereceive_request;

/** What the engine decided, beyond the bytes it wrote. */
typedef struct hr_verdict {
	int exit_code;                 /* enum hr_verdict_code */
	size_t findings;               /* failing findings */
	size_t commits;                /* commits compared */
	size_t bad_commits;
	size_t files_checked;
	size_t blobs_read;
	size_t cache_hits;
	bool timed_out;
	bool bypassed;                 /* the push-option bypass let it in */
	bool cacheable;                /* deterministic: no timeout, no I/O or git error */
	char *repository;              /* the platform's name for it (malloc'd), or NULL */
	char *pusher;                  /* who pushed (malloc'd), or NULL */
	char *pusher_from;             /* the variable that said so (malloc'd), or NULL */
	char *refs;                    /* the updated refs, comma-separated (malloc'd), or NULL */
	char *first_old, *first_new;   /* hex ids of the first update (malloc'd), or NULL */
} hr_verdict;

/**
 * Run the pre-receive hook on one push (see cmd_prereceive.c's comment for
 * what it does). Returns the exit code (also in out->exit_code); free
 * `out` with hr_verdict_free().
 */
int hr_engine_prereceive(hr_verdict *out, const hr_prereceive_request *req);

void hr_verdict_free(hr_verdict *v);

/* ---- capturing what a hook prints ------------------------------------ */

/**
 * Two FILE streams (standard output and error of a hook) whose writes are
 * kept in one buffer in the order they were made, each piece tagged with
 * its stream, so that a daemon's client can replay them exactly as the
 * hook would have written them.
 */
typedef struct hr_capture {
	FILE *out;
	FILE *err;
	unsigned char *buf;   /* pieces: 1 byte stream (1 or 2), 4 bytes length (big-endian), bytes */
	size_t len, cap;
	size_t last;          /* offset of the last piece's header + 1 (0: none yet) */
	size_t limit;         /* bytes kept at most; later writes fail (0: no limit) */
	bool overflow;        /* something was not kept */
} hr_capture;

int hr_capture_open(hr_capture *c, size_t limit);
/** Flush and close both streams; the pieces stay in c->buf until hr_capture_free(). */
void hr_capture_close(hr_capture *c);
void hr_capture_free(hr_capture *c);

#endif
