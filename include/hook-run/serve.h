/* SPDX-License-Identifier: MIT */
/*
 * serve.h - the daemon's plumbing shared by both ends: the Unix socket
 * (made safely, connected to with a deadline, its peer identified), whole
 * messages read and written under a deadline with directory descriptors
 * passed alongside, and the [serve] configuration.
 *
 * The daemon itself (supervisor, workers, queue) is src/cli/serve*.c; the
 * client is in src/cli/client.c. What they judge is the engine's
 * (engine.h).
 */
#ifndef HOOK_RUN_SERVE_H
#define HOOK_RUN_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "hook-run/proto.h"

/* ---- messages over a socket ---------------------------------------- */

/**
 * Read one message (up to and including its flush) from `fd`, at most
 * `max` bytes, before `deadline` (hr_git_now() seconds; 0: none). File
 * descriptors that arrive with it (SCM_RIGHTS) are stored in fds (up to
 * `maxfds`; more is an error, and every extra one is closed); *nfds says
 * how many. Returns 0; HR_ETIMEOUT; HR_ETOOBIG; HR_EINVALID (malformed);
 * HR_EIO (closed or failed). On error every received fd is closed.
 */
int hr_sock_read_message(hr_message *out, int fd, size_t max, double deadline,
	int *fds, size_t maxfds, size_t *nfds, char *err, size_t errlen);

/**
 * Write `len` bytes before `deadline`; `fds` (may be NULL) travel with the
 * first byte. Never raises SIGPIPE. Returns 0, HR_ETIMEOUT or HR_EIO.
 */
int hr_sock_write(int fd, const void *data, size_t len, const int *fds, size_t nfds,
	double deadline, char *err, size_t errlen);

/** The peer's credentials (SO_PEERCRED). */
int hr_sock_peer(int fd, uid_t *uid, pid_t *pid);

/* ---- the socket file ------------------------------------------------ */

/**
 * Create, bind and listen on `path`, refusing to when:
 *  - the path does not fit in sockaddr_un's sun_path;
 *  - its directory is not a directory, or is writable by group or others,
 *    or is owned by someone other than this user or root;
 *  - another process answers on it (a live instance);
 *  - something other than a socket is there.
 * A socket file that nobody answers on (a crashed daemon's) is removed
 * first, only when it is owned by this user. Returns the descriptor
 * (close-on-exec) or a negative hr_error with the reason in err.
 */
int hr_sock_listen(const char *path, int backlog, char *err, size_t errlen);

/**
 * Connect to `path` before `deadline`, then check the daemon's user: it
 * must be `expect_uid` or root (with socket activation the listening
 * socket is root's, made by systemd). Returns the descriptor; HR_ENOTFOUND
 * (no socket), HR_ECONFLICT (refused: nobody listens), HR_ETIMEOUT,
 * HR_EINVALID (a path too long, or another user's daemon: the message
 * says which), HR_EIO.
 */
int hr_sock_connect(const char *path, uid_t expect_uid, double deadline, char *err, size_t errlen);

/* ---- [serve] -------------------------------------------------------- */

typedef enum hr_daemon_mode {
	HR_DAEMON_OFF = 0,     /* no socket configured: in-process */
	HR_DAEMON_AUTO,        /* the daemon when it answers, else in-process */
	HR_DAEMON_REQUIRE,     /* the daemon or a rejected push */
} hr_daemon_mode;

typedef enum hr_audit_full {
	HR_AUDIT_FULL_REJECT = 0, /* a decision that cannot be logged rejects the push */
	HR_AUDIT_FULL_ACCEPT,     /* ... is let through as judged, and counted in the metrics */
} hr_audit_full;

#define HR_SERVE_MAX_ROOTS 16
#define HR_SERVE_MAX_UIDS 32

typedef struct hr_serve_config {
	char *socket;             /* socket path; NULL: no daemon */
	hr_daemon_mode mode;
	double connect_timeout;   /* seconds the client waits to connect */
	char *roots[HR_SERVE_MAX_ROOTS]; /* repositories the daemon reads (realpath'd prefixes) */
	size_t nroots;
	uid_t allow_uids[HR_SERVE_MAX_UIDS]; /* clients the daemon answers (default: its own uid) */
	size_t nallow;
	bool have_daemon_uid;
	uid_t daemon_uid;         /* who the client expects the daemon to be (default: itself) */
	unsigned workers;         /* pre-forked worker processes */
	unsigned max_requests;    /* a worker is replaced after this many */
	size_t worker_memory;     /* bytes of resident memory after which a worker is replaced */
	size_t memory;            /* the whole service's ceiling (workers' resident memory) */
	unsigned queue;           /* requests waiting for a worker, across repositories */
	unsigned per_repo;        /* requests in flight or queued for one repository */
	char *cache;              /* LMDB file; NULL: no cache */
	size_t cache_size;        /* its map size */
	char *audit_log;          /* JSON lines; NULL: none */
	hr_audit_full audit_full;
	char *metrics;            /* where `serve status --metrics` is also written; NULL */
	unsigned quarantine_secs; /* a blob that crashed two workers is refused this long */
	unsigned request_secs;    /* a client's request must arrive, and its answer leave, in this */
} hr_serve_config;

/** The defaults (no socket, auto, 4 workers...). */
void hr_serve_config_init(hr_serve_config *c);
void hr_serve_config_free(hr_serve_config *c);

/**
 * Set one [serve] key from the configuration file. Returns 0, or
 * HR_EINVALID with a message (unknown key, bad value) for the loader to
 * prefix with FILE:LINE.
 */
int hr_serve_config_set(hr_serve_config *c, const char *key, const char *value,
	char *err, size_t errlen);

#endif
