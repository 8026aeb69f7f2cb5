/* SPDX-License-Identifier: MIT */
/*
 * serve.h - what the daemon's supervisor (cmd_serve.c), its workers
 * (serve_worker.c) and the hooks' client (client.c) share.
 *
 * The supervisor and its workers share one page of memory (MAP_SHARED,
 * made before the first fork): the service's counters and state, one
 * slot per worker (each written only by its worker, so no lock is
 * needed: readers may see a counter one request behind), and the table
 * of quarantined blobs (written only by the supervisor). `serve status`
 * and the metrics are formatted from it by whichever worker answers.
 */
#ifndef HOOK_RUN_CLI_SERVE_H
#define HOOK_RUN_CLI_SERVE_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "hook-run/engine.h"
#include "hook-run/policy.h"
#include "hook-run/serve.h"

#define HR_SERVE_SLOTS 256
#define HR_SERVE_QUARANTINE 64
#define HR_SERVE_BUCKETS 10   /* request duration histogram, plus +Inf */

/* the upper bounds of the duration buckets, in seconds */
extern const double hr_serve_buckets[HR_SERVE_BUCKETS];

/* What one worker counts (its slot is reused by the next worker: the
   supervisor folds a dead worker's counters into `retired` first). */
typedef struct hr_serve_counters {
	uint64_t requests;       /* requests answered (judged, busy or refused) */
	uint64_t accepted;       /* pushes accepted */
	uint64_t rejected;       /* pushes rejected (findings, timeouts, errors) */
	uint64_t busy;           /* answered busy (the per-repository limit) */
	uint64_t refused;        /* refused (outside the roots, malformed, version) */
	uint64_t cache_hits, cache_misses;
	uint64_t commit_hits, commit_misses;  /* commit records replayed, or not found */
	uint64_t blobs_read;
	uint64_t audit_errors;   /* decisions the audit log could not take */
	uint64_t duration_us;    /* total time judging */
	uint64_t buckets[HR_SERVE_BUCKETS + 1];
} hr_serve_counters;

typedef struct hr_serve_slot {
	_Atomic pid_t pid;           /* 0: free */
	_Atomic int judging;         /* 1 while `blob` is being checked */
	unsigned char blob[HR_OID_RAWSZ];
	_Atomic uint64_t generation; /* the policy generation the worker judges with */
	_Atomic uint64_t rss;        /* bytes, after its last request */
	hr_serve_counters c;
} hr_serve_slot;

typedef struct hr_serve_quarantine {
	unsigned char blob[HR_OID_RAWSZ];
	int crashes;
	double until;                /* hr_git_now(); 0: not (yet) quarantined */
} hr_serve_quarantine;

typedef struct hr_serve_shared {
	_Atomic uint64_t generation;      /* the policy generation new workers get */
	double started;                   /* wall-clock seconds since the epoch */
	char version[64];
	char config[1024];                /* the configuration file */
	char reload_error[1024];          /* FILE:LINE: why the last reload was refused, or "" */
	_Atomic uint64_t reloads, reload_failures;
	_Atomic unsigned workers_alive;
	_Atomic unsigned queued;          /* connections waiting for a worker */
	_Atomic unsigned idle;
	_Atomic uint64_t connections;     /* accepted */
	_Atomic uint64_t refused_peers;   /* users not allowed */
	_Atomic uint64_t queue_full;      /* answered busy: the global queue was full */
	_Atomic uint64_t memory_busy;     /* answered busy: the memory ceiling */
	_Atomic uint64_t crashes;         /* workers that died by a signal */
	_Atomic uint64_t recycled;        /* workers replaced after max-requests or worker-memory */
	_Atomic uint64_t memory;          /* the workers' resident memory, summed */
	_Atomic uint64_t cache_entries, cache_bytes;
	hr_serve_counters retired;        /* counters of workers gone */
	hr_serve_quarantine quarantine[HR_SERVE_QUARANTINE];
	hr_serve_slot slots[HR_SERVE_SLOTS];
} hr_serve_shared;

/*
 * A note between a worker and the supervisor (SOCK_SEQPACKET, one per
 * packet): 'a' admit the repository (dev, ino)? (answered 'y' or 'n'),
 * 'd' done with it, 'i' idle, 'x' exiting (recycled), 'R' reload
 * (answered 'y' or 'n' and a line of text).
 */
typedef struct hr_serve_note {
	char kind;
	uint64_t dev, ino;
} hr_serve_note;

/* What a worker is started with. */
typedef struct hr_serve_worker {
	hr_serve_shared *shared;
	hr_serve_slot *slot;
	int control;                 /* socketpair end: connections in, notes out */
	pid_t supervisor;            /* the parent (which may be pid 1 in a container) */
	const hr_serve_config *config;
	const hr_policy *policy;     /* this worker's generation, for its whole life */
	uint64_t generation;
	const hr_oid *scope;         /* the verdict cache's scope for that policy */
	const hr_oid *build;         /* the build's identity (other policies' scopes) */
	const char *config_path;
} hr_serve_worker;

/* The worker's life: never returns. */
void hr_serve_worker_run(hr_serve_worker *w) __attribute__((noreturn));

/* Resident memory of `pid` in bytes (0: unknown). */
uint64_t hr_serve_rss(pid_t pid);

/* The build's identity: a digest of the running executable. */
int hr_serve_build_id(hr_oid *out);

/* Add `from` into `into`. */
void hr_serve_counters_add(hr_serve_counters *into, const hr_serve_counters *from);

/* `serve status` (text) and the Prometheus metrics, from the shared page. */
int hr_serve_format_status(hr_bytes *out, hr_serve_shared *shared, bool prometheus);

/* ---- the hooks' side (client.c) ------------------------------------ */

/*
 * How a hook's call to the daemon went. OK: `answer` holds the verdict to
 * replay. Anything else: the daemon could not judge the push (no socket,
 * refused, slow, version skew, busy, died mid-answer); `why` says it in a
 * sentence, and the caller applies daemon = auto|require.
 */
typedef enum hr_client_outcome {
	HR_CLIENT_OK = 0,
	HR_CLIENT_UNAVAILABLE,   /* absent, refused, too slow to connect */
	HR_CLIENT_UNTRUSTED,     /* another user's socket */
	HR_CLIENT_SKEW,          /* another protocol version */
	HR_CLIENT_BUSY,
	HR_CLIENT_FAILED,        /* it accepted the request and then failed or vanished */
} hr_client_outcome;

typedef struct hr_client_call {
	const hr_serve_config *config;
	const char *socket;
	hr_proto_request *request;   /* cwd and env filled by the caller */
	int dir_fd;                  /* the hook's directory, opened by the caller */
	int quarantine_fd;           /* the quarantine directory, or -1 */
	double deadline;             /* hr_git_now() by which the answer must be in; 0 none */
} hr_client_call;

hr_client_outcome hr_client_run(hr_proto_answer *answer, const hr_client_call *call,
	char *why, size_t whylen);

/* Write an answer's pieces to standard output and error, in order. */
int hr_client_replay(const hr_proto_answer *answer);

/* The variables a request carries: git's, the platforms', hook-run's own. */
bool hr_client_env_wanted(const char *name_eq_value);

#endif
