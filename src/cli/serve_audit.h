/* SPDX-License-Identifier: MIT */
/*
 * serve_audit.h - the JSON-lines audit log of pushes judged with a
 * [serve] configuration: one object per decision, written whole with one
 * write(2) on an O_APPEND descriptor, so that lines of concurrent workers
 * and hooks never mix.
 */
#ifndef HOOK_RUN_CLI_SERVE_AUDIT_H
#define HOOK_RUN_CLI_SERVE_AUDIT_H

#include <stdint.h>
#include <sys/types.h>

#include "hook-run/engine.h"

typedef struct hr_audit_entry {
	const char *decision;      /* the id the pusher was shown */
	const hr_verdict *verdict;
	int exit_code;
	double seconds;
	uint64_t generation;       /* the daemon's policy generation (0 in-process) */
	uid_t peer_uid;
	pid_t peer_pid;
	const char *via;           /* "daemon" or "in-process" */
} hr_audit_entry;

/*
 * Append one line to `path`. Returns 0, or -1 with the reason in err (a
 * full disk, a read-only file system, a short write: the line is then
 * not on record, and the caller applies audit-log-full).
 */
int hr_audit_write(const char *path, const hr_audit_entry *e, char *err, size_t errlen);

/* A new decision id (16 hex digits) into out, which holds at least 17 bytes. */
void hr_audit_decision_id(char *out, size_t len);

#endif
