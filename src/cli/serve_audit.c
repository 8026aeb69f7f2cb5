/* SPDX-License-Identifier: MIT */
/*
 * serve_audit.c - one JSON line per decision (see serve_audit.h). jansson
 * writes the object, so that names from the environment (a pusher, a ref)
 * are escaped correctly whatever bytes they hold.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include <unistd.h>

#include "serve_audit.h"

static json_t *str_or_null(const char *s)
{
	json_t *j = s ? json_stringn(s, strlen(s)) : NULL;
	return j ? j : json_null();
}

/* 64 random bits, hex: unique enough to find one push in the log */
void hr_audit_decision_id(char *out, size_t len)
{
	unsigned char r[8];
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		memcpy(r, &ts.tv_nsec, 4);
		pid_t pid = getpid();
		memcpy(r + 4, &pid, 4);
	}
	snprintf(out, len, "%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
}

int hr_audit_write(const char *path, const hr_audit_entry *e, char *err, size_t errlen)
{
	const hr_verdict *v = e->verdict;
	char stamp[40];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + n, sizeof(stamp) - n, ".%03ldZ", ts.tv_nsec / 1000000);

	json_t *o = json_object();
	if (!o) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	const char *verdict = e->exit_code == 0 ? (v->bypassed ? "bypass" : v->timed_out ? "accept-unchecked" : "accept")
		: e->exit_code == 1 ? "reject" : e->exit_code == 4 ? "timeout" : "error";
	json_object_set_new(o, "time", json_string(stamp));
	json_object_set_new(o, "decision", str_or_null(e->decision));
	json_object_set_new(o, "repository", str_or_null(v->repository));
	json_object_set_new(o, "refs", str_or_null(v->refs));
	json_object_set_new(o, "old", str_or_null(v->first_old));
	json_object_set_new(o, "new", str_or_null(v->first_new));
	json_object_set_new(o, "pusher", str_or_null(v->pusher));
	json_object_set_new(o, "pusher_from", str_or_null(v->pusher_from));
	json_object_set_new(o, "verdict", json_string(verdict));
	json_object_set_new(o, "exit", json_integer(e->exit_code));
	json_object_set_new(o, "findings", json_integer((json_int_t)v->findings));
	json_object_set_new(o, "commits", json_integer((json_int_t)v->commits));
	json_object_set_new(o, "files", json_integer((json_int_t)v->files_checked));
	json_object_set_new(o, "blobs_read", json_integer((json_int_t)v->blobs_read));
	json_object_set_new(o, "cache_hits", json_integer((json_int_t)v->cache_hits));
	json_object_set_new(o, "duration_ms", json_real((double)(long long)(e->seconds * 1e6) / 1e3));
	json_object_set_new(o, "generation", json_integer((json_int_t)e->generation));
	json_object_set_new(o, "peer_uid", json_integer((json_int_t)e->peer_uid));
	json_object_set_new(o, "peer_pid", json_integer((json_int_t)e->peer_pid));
	json_object_set_new(o, "via", json_string(e->via));
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!line) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	size_t len = strlen(line);
	line[len] = '\n'; /* json_dumps leaves room for its NUL: replace it */
	int rc = 0, fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open the audit log '%s': %s", path, strerror(errno));
		rc = -1;
	} else {
		ssize_t w = write(fd, line, len + 1);
		if (w != (ssize_t)(len + 1)) {
			snprintf(err, errlen, "cannot write the audit log '%s': %s", path,
				w < 0 ? strerror(errno) : "short write");
			rc = -1;
		}
		if (close(fd) != 0 && rc == 0) {
			snprintf(err, errlen, "cannot write the audit log '%s': %s", path, strerror(errno));
			rc = -1;
		}
	}
	free(line);
	return rc;
}
