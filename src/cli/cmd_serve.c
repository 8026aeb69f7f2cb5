/* SPDX-License-Identifier: MIT */
/*
 * cmd_serve.c - `hook-run serve`: the daemon for git servers that host
 * many repositories, and its `status`, `metrics` and `reload` commands.
 *
 * The process that starts is the supervisor. It owns the listening socket
 * (made safely by hr_sock_listen, or taken from systemd: LISTEN_FDS), the
 * policy and its generation number, and a page of memory shared with its
 * workers (serve.h). It judges nothing and parses nothing a client sends:
 * it accepts a connection, checks the peer's user against the allow-list
 * (SO_PEERCRED), and hands the descriptor to an idle worker over the
 * worker's SOCK_SEQPACKET control socket, or queues it (at most `queue`),
 * or answers busy. Workers (serve_worker.c) do the rest and talk back in
 * fixed-size notes: admit this repository? (the per-repository limit is
 * counted here, where every worker's requests are seen), done, idle,
 * exiting, reload.
 *
 * Workers are forked before they are needed and replaced when they exit:
 * after `max-requests`, past `worker-memory`, or by a crash. A worker that
 * dies by a signal while its slot says it was checking a blob has that
 * blob counted; at the second crash the blob is quarantined for
 * `quarantine` seconds, and workers refuse it (fail closed) instead of
 * dying on it again. When the workers' summed resident memory passes
 * `memory`, new connections are answered busy until it falls.
 *
 * SIGHUP (or `hook-run serve reload`) re-reads the configuration: an
 * invalid file never goes live (the old policy keeps serving, and status
 * shows FILE:LINE and the message); a valid one becomes the next
 * generation, and the workers of the old one are replaced as soon as they
 * are idle, so every push is judged by one policy from start to end.
 * SIGTERM stops accepting, lets the queued and in-flight requests finish,
 * then stops the workers. With socket activation the listening socket is
 * systemd's: connections that arrive while no instance runs wait in its
 * backlog for the next one, so a restart refuses nothing.
 */
#include "config.h"

#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "serve.h"
#include "hook-run/config.h"
#include "hook-run/fileio.h"

#define DEFAULT_CONFIG "/etc/hook-run/hook-run.ini"

const double hr_serve_buckets[HR_SERVE_BUCKETS] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10 };

static void usage(FILE *out)
{
	fputs("usage: hook-run serve [--config FILE] [--foreground]\n"
	      "       hook-run serve status [--metrics] [--config FILE | --socket PATH]\n"
	      "       hook-run serve reload [--config FILE | --socket PATH]\n\n"
	      "The daemon for git servers that host many repositories: pre-receive hooks\n"
	      "whose configuration names a [serve] socket send their pushes here, and are\n"
	      "judged by pre-forked workers with one policy, one verdict cache and one\n"
	      "audit log. Listens on [serve] socket, or on the socket systemd passes\n"
	      "(LISTEN_FDS). SIGHUP or `serve reload` re-reads FILE; SIGTERM drains.\n\n"
	      "  --config FILE   the server's configuration (default " DEFAULT_CONFIG ")\n"
	      "  --socket PATH   status/reload: the daemon's socket (default: [serve] socket)\n"
	      "  --metrics       status: Prometheus text format\n", out);
}

/* ---- helpers shared with the workers ------------------------------- */

uint64_t hr_serve_rss(pid_t pid)
{
	char path[64], buf[128];
	snprintf(path, sizeof(path), "/proc/%ld/statm", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	unsigned long long size, resident;
	if (sscanf(buf, "%llu %llu", &size, &resident) != 2)
		return 0;
	return resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

int hr_serve_build_id(hr_oid *out)
{
	char *data = NULL, err[256];
	size_t len = 0;
	int rc = hr_file_read(&data, &len, "/proc/self/exe", 0, err, sizeof(err));
	if (rc < 0) {
		/* no /proc: the version is the next best identity */
		return hr_hash_bytes(out, PACKAGE_VERSION, sizeof(PACKAGE_VERSION) - 1);
	}
	rc = hr_hash_bytes(out, data, len);
	free(data);
	return rc;
}

void hr_serve_counters_add(hr_serve_counters *into, const hr_serve_counters *from)
{
	into->requests += from->requests;
	into->accepted += from->accepted;
	into->rejected += from->rejected;
	into->busy += from->busy;
	into->refused += from->refused;
	into->cache_hits += from->cache_hits;
	into->cache_misses += from->cache_misses;
	into->commit_hits += from->commit_hits;
	into->commit_misses += from->commit_misses;
	into->blobs_read += from->blobs_read;
	into->audit_errors += from->audit_errors;
	into->duration_us += from->duration_us;
	for (size_t i = 0; i <= HR_SERVE_BUCKETS; i++)
		into->buckets[i] += from->buckets[i];
}

static int addf(hr_bytes *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int addf(hr_bytes *b, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return HR_EINVALID;
	return hr_bytes_add(b, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

int hr_serve_format_status(hr_bytes *b, hr_serve_shared *s, bool prom)
{
	hr_serve_counters t = s->retired;
	unsigned alive = 0;
	for (size_t i = 0; i < HR_SERVE_SLOTS; i++) {
		if (!atomic_load(&s->slots[i].pid))
			continue;
		alive++;
		hr_serve_counters_add(&t, &s->slots[i].c);
	}
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	double uptime = (double)now.tv_sec + now.tv_nsec / 1e9 - s->started;
	uint64_t lookups = t.cache_hits + t.cache_misses;
	unsigned quarantined = 0;
	double mono = hr_git_now();
	for (size_t i = 0; i < HR_SERVE_QUARANTINE; i++)
		if (s->quarantine[i].until > mono)
			quarantined++;
	if (!prom) {
		addf(b, "hook-run serve %s\n", s->version);
		addf(b, "uptime: %.0fs\n", uptime);
		addf(b, "configuration: %s\n", s->config);
		addf(b, "policy generation: %llu (reloads: %llu, refused: %llu)\n",
			(unsigned long long)atomic_load(&s->generation), (unsigned long long)atomic_load(&s->reloads),
			(unsigned long long)atomic_load(&s->reload_failures));
		if (s->reload_error[0])
			addf(b, "last reload refused: %s\n", s->reload_error);
		addf(b, "workers: %u alive, %u idle; crashed %llu, recycled %llu\n", alive,
			atomic_load(&s->idle), (unsigned long long)atomic_load(&s->crashes),
			(unsigned long long)atomic_load(&s->recycled));
		addf(b, "queue: %u waiting; busy answers: %llu (queue full %llu, memory %llu, per repository %llu)\n",
			atomic_load(&s->queued), (unsigned long long)(t.busy + s->queue_full + s->memory_busy),
			(unsigned long long)s->queue_full, (unsigned long long)s->memory_busy,
			(unsigned long long)t.busy);
		addf(b, "memory: %llu bytes (workers' resident)\n", (unsigned long long)atomic_load(&s->memory));
		addf(b, "requests: %llu (accepted %llu, rejected %llu, refused %llu)\n",
			(unsigned long long)t.requests, (unsigned long long)t.accepted,
			(unsigned long long)t.rejected, (unsigned long long)t.refused);
		addf(b, "cache: %llu entries, %llu bytes; hit rate %.1f%% (%llu of %llu lookups)\n",
			(unsigned long long)atomic_load(&s->cache_entries),
			(unsigned long long)atomic_load(&s->cache_bytes),
			lookups ? 100.0 * (double)t.cache_hits / (double)lookups : 0.0,
			(unsigned long long)t.cache_hits, (unsigned long long)lookups);
		addf(b, "commits from the cache: %llu of %llu\n", (unsigned long long)t.commit_hits,
			(unsigned long long)(t.commit_hits + t.commit_misses));
		addf(b, "quarantined blobs: %u\n", quarantined);
		addf(b, "audit log errors: %llu\n", (unsigned long long)t.audit_errors);
		return 0;
	}
	addf(b, "# HELP hook_run_up The daemon answers.\n# TYPE hook_run_up gauge\nhook_run_up 1\n");
	addf(b, "# HELP hook_run_uptime_seconds Seconds since the daemon started.\n"
		"# TYPE hook_run_uptime_seconds gauge\nhook_run_uptime_seconds %.0f\n", uptime);
	addf(b, "# HELP hook_run_policy_generation The policy generation new workers judge with.\n"
		"# TYPE hook_run_policy_generation gauge\nhook_run_policy_generation %llu\n",
		(unsigned long long)atomic_load(&s->generation));
	addf(b, "# HELP hook_run_reload_failures_total Reloads refused (invalid configuration).\n"
		"# TYPE hook_run_reload_failures_total counter\nhook_run_reload_failures_total %llu\n",
		(unsigned long long)atomic_load(&s->reload_failures));
	addf(b, "# HELP hook_run_workers Worker processes alive.\n# TYPE hook_run_workers gauge\n"
		"hook_run_workers %u\n", alive);
	addf(b, "# HELP hook_run_queue Connections waiting for a worker.\n# TYPE hook_run_queue gauge\n"
		"hook_run_queue %u\n", atomic_load(&s->queued));
	addf(b, "# HELP hook_run_worker_crashes_total Workers that died by a signal.\n"
		"# TYPE hook_run_worker_crashes_total counter\nhook_run_worker_crashes_total %llu\n",
		(unsigned long long)atomic_load(&s->crashes));
	addf(b, "# HELP hook_run_memory_bytes Resident memory of the workers.\n"
		"# TYPE hook_run_memory_bytes gauge\nhook_run_memory_bytes %llu\n",
		(unsigned long long)atomic_load(&s->memory));
	addf(b, "# HELP hook_run_requests_total Requests answered, by outcome.\n"
		"# TYPE hook_run_requests_total counter\n"
		"hook_run_requests_total{outcome=\"accepted\"} %llu\n"
		"hook_run_requests_total{outcome=\"rejected\"} %llu\n"
		"hook_run_requests_total{outcome=\"refused\"} %llu\n"
		"hook_run_requests_total{outcome=\"busy\"} %llu\n",
		(unsigned long long)t.accepted, (unsigned long long)t.rejected, (unsigned long long)t.refused,
		(unsigned long long)(t.busy + s->queue_full + s->memory_busy));
	addf(b, "# HELP hook_run_cache_lookups_total Verdict cache lookups, by result.\n"
		"# TYPE hook_run_cache_lookups_total counter\n"
		"hook_run_cache_lookups_total{result=\"hit\"} %llu\n"
		"hook_run_cache_lookups_total{result=\"miss\"} %llu\n"
		"hook_run_cache_lookups_total{result=\"commit-hit\"} %llu\n"
		"hook_run_cache_lookups_total{result=\"commit-miss\"} %llu\n",
		(unsigned long long)t.cache_hits, (unsigned long long)t.cache_misses,
		(unsigned long long)t.commit_hits, (unsigned long long)t.commit_misses);
	addf(b, "# HELP hook_run_cache_entries Records in the verdict cache.\n"
		"# TYPE hook_run_cache_entries gauge\nhook_run_cache_entries %llu\n",
		(unsigned long long)atomic_load(&s->cache_entries));
	addf(b, "# HELP hook_run_audit_errors_total Decisions the audit log could not take.\n"
		"# TYPE hook_run_audit_errors_total counter\nhook_run_audit_errors_total %llu\n",
		(unsigned long long)t.audit_errors);
	addf(b, "# HELP hook_run_quarantined_blobs Blobs refused after crashing workers.\n"
		"# TYPE hook_run_quarantined_blobs gauge\nhook_run_quarantined_blobs %u\n", quarantined);
	addf(b, "# HELP hook_run_request_duration_seconds Time to judge a push.\n"
		"# TYPE hook_run_request_duration_seconds histogram\n");
	uint64_t cum = 0;
	for (size_t i = 0; i < HR_SERVE_BUCKETS; i++) {
		cum += t.buckets[i];
		addf(b, "hook_run_request_duration_seconds_bucket{le=\"%g\"} %llu\n", hr_serve_buckets[i],
			(unsigned long long)cum);
	}
	cum += t.buckets[HR_SERVE_BUCKETS];
	addf(b, "hook_run_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	addf(b, "hook_run_request_duration_seconds_sum %.6f\n", (double)t.duration_us / 1e6);
	addf(b, "hook_run_request_duration_seconds_count %llu\n", (unsigned long long)cum);
	return 0;
}

/* ---- the configuration --------------------------------------------- */

typedef struct generation {
	hr_policy policy;
	hr_serve_config serve;
	hr_oid scope;            /* the verdict cache's: build + configuration bytes */
	uint64_t number;
} generation;

static int load_generation(generation *g, const char *path, const hr_oid *build, char *err, size_t errlen)
{
	char *bytes = NULL;
	size_t len = 0;
	memset(g, 0, sizeof(*g));
	hr_serve_config_init(&g->serve);
	if (hr_policy_init(&g->policy) < 0) {
		snprintf(err, errlen, "out of memory");
		return HR_ENOMEM;
	}
	int rc = hr_config_load_file_serve(&g->policy, &g->serve, path, &bytes, &len, err, errlen);
	if (rc == 0)
		rc = hr_cache_scope(&g->scope, build, bytes, len);
	free(bytes);
	if (rc < 0) {
		hr_policy_free(&g->policy);
		hr_serve_config_free(&g->serve);
	}
	return rc;
}

static void free_generation(generation *g)
{
	hr_policy_free(&g->policy);
	hr_serve_config_free(&g->serve);
}

/* ---- the supervisor ------------------------------------------------- */

typedef struct worker {
	pid_t pid;
	int ctl;
	size_t slot;
	bool idle;
	bool exiting;            /* said it will exit (recycling) or was told to */
	bool admitted;
	uint64_t dev, ino;       /* the repository it was admitted for */
	uint64_t generation;
} worker;


typedef struct supervisor {
	const char *config_path;
	hr_oid build;
	generation gen;
	hr_serve_shared *shared;
	int listen_fd;
	bool activated;          /* the socket came from systemd */
	char *socket_path;       /* the file we made (removed on a clean exit) */
	worker workers[HR_SERVE_SLOTS];
	size_t nworkers;
	int *queue;              /* accepted connections waiting, oldest first */
	size_t nqueue, qcap;
	int sigpipe[2];
	bool stopping;
} supervisor;

static supervisor *the_supervisor; /* for the signal handler's pipe only */

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	if (the_supervisor)
		(void)!write(the_supervisor->sigpipe[1], &b, 1);
	errno = saved;
}

static void busy_answer(int fd, const char *why)
{
	/* best effort, never blocking: the client treats silence the same way */
	hr_bytes b = { 0 };
	hr_proto_answer a = { .status = HR_PROTO_BUSY };
	snprintf(a.message, sizeof(a.message), "%s", why);
	if (hr_pkt_addf(&b, "hook-run-protocol %d", HR_PROTO_VERSION) == 0 &&
	    hr_pkt_addf(&b, "agent=hook-run/%s", PACKAGE_VERSION) == 0 && hr_pkt_add_flush(&b) == 0 &&
	    hr_proto_answer_encode(&b, &a) == 0)
		(void)!send(fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT);
	hr_bytes_free(&b);
}

static int spawn_worker(supervisor *s)
{
	size_t slot = 0;
	while (slot < HR_SERVE_SLOTS && atomic_load(&s->shared->slots[slot].pid))
		slot++;
	if (slot == HR_SERVE_SLOTS || s->nworkers == HR_SERVE_SLOTS)
		return -1;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	hr_serve_slot *sl = &s->shared->slots[slot];
	/* a reused slot: fold its last worker's counters into the totals first */
	hr_serve_counters_add(&s->shared->retired, &sl->c);
	memset(&sl->c, 0, sizeof(sl->c));
	atomic_store(&sl->judging, 0);
	atomic_store(&sl->generation, s->gen.number);
	atomic_store(&sl->rss, 0);
	fflush(NULL);
	pid_t parent = getpid(), pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		/* the worker keeps its control socket and the standard streams, nothing else:
		   not the listening socket, not queued connections, not other workers' sockets */
		if (dup2(sv[1], 3) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		atomic_store(&sl->pid, getpid());
		hr_serve_worker w = {
			.shared = s->shared, .slot = sl, .control = 3, .supervisor = parent, .config = &s->gen.serve,
			.policy = &s->gen.policy, .generation = s->gen.number, .scope = &s->gen.scope,
			.build = &s->build, .config_path = s->config_path,
		};
		hr_serve_worker_run(&w);
	}
	close(sv[1]);
	atomic_store(&sl->pid, pid);
	worker *w = &s->workers[s->nworkers++];
	memset(w, 0, sizeof(*w));
	w->pid = pid;
	w->ctl = sv[0];
	w->slot = slot;
	w->idle = true;
	w->generation = s->gen.number;
	return 0;
}

static unsigned count_idle(const supervisor *s)
{
	unsigned n = 0;
	for (size_t i = 0; i < s->nworkers; i++)
		n += s->workers[i].idle && !s->workers[i].exiting;
	return n;
}

static bool dispatch(supervisor *s, int conn)
{
	for (size_t i = 0; i < s->nworkers; i++) {
		worker *w = &s->workers[i];
		if (!w->idle || w->exiting)
			continue;
		char byte = 'c', cbuf[CMSG_SPACE(sizeof(int))];
		memset(cbuf, 0, sizeof(cbuf));
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			.msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &conn, sizeof(int));
		if (sendmsg(w->ctl, &mh, MSG_NOSIGNAL) != 1)
			continue; /* a dying worker: the reaper will see it */
		w->idle = false;
		close(conn);
		return true;
	}
	return false;
}

static void drain_queue(supervisor *s)
{
	while (s->nqueue && dispatch(s, s->queue[0])) {
		memmove(s->queue, s->queue + 1, (s->nqueue - 1) * sizeof(int));
		s->nqueue--;
	}
	atomic_store(&s->shared->queued, (unsigned)s->nqueue);
	atomic_store(&s->shared->idle, count_idle(s));
}

static bool peer_allowed(const supervisor *s, int fd)
{
	uid_t uid;
	if (hr_sock_peer(fd, &uid, NULL) < 0)
		return false;
	if (!s->gen.serve.nallow)
		return uid == geteuid();
	for (size_t i = 0; i < s->gen.serve.nallow; i++)
		if (s->gen.serve.allow_uids[i] == uid)
			return true;
	return false;
}

static void accept_all(supervisor *s)
{
	for (;;) {
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		atomic_fetch_add(&s->shared->connections, 1);
		if (!peer_allowed(s, fd)) {
			atomic_fetch_add(&s->shared->refused_peers, 1);
			close(fd);
			continue;
		}
		if (atomic_load(&s->shared->memory) > s->gen.serve.memory) {
			atomic_fetch_add(&s->shared->memory_busy, 1);
			busy_answer(fd, "the daemon is at its memory ceiling");
			close(fd);
			continue;
		}
		if (!s->nqueue && dispatch(s, fd))
			continue;
		if (s->nqueue >= s->gen.serve.queue) {
			atomic_fetch_add(&s->shared->queue_full, 1);
			busy_answer(fd, "every worker is busy and the queue is full");
			close(fd);
			continue;
		}
		if (s->nqueue == s->qcap) {
			size_t cap = s->qcap ? s->qcap * 2 : 64;
			int *q = realloc(s->queue, cap * sizeof(int));
			if (!q) {
				busy_answer(fd, "out of memory");
				close(fd);
				continue;
			}
			s->queue = q;
			s->qcap = cap;
		}
		s->queue[s->nqueue++] = fd;
	}
}

static unsigned repo_in_flight(const supervisor *s, uint64_t dev, uint64_t ino)
{
	unsigned n = 0;
	for (size_t i = 0; i < s->nworkers; i++)
		n += s->workers[i].admitted && s->workers[i].dev == dev && s->workers[i].ino == ino;
	return n;
}

static void reload(supervisor *s, char *reply, size_t replylen)
{
	generation next;
	char err[1024];
	if (load_generation(&next, s->config_path, &s->build, err, sizeof(err)) < 0) {
		snprintf(s->shared->reload_error, sizeof(s->shared->reload_error), "%s", err);
		atomic_fetch_add(&s->shared->reload_failures, 1);
		fprintf(stderr, "hook-run serve: reload refused, generation %llu keeps serving: %s\n",
			(unsigned long long)s->gen.number, err);
		snprintf(reply, replylen, "nreload refused (generation %llu keeps serving): %s\n",
			(unsigned long long)s->gen.number, err);
		return;
	}
	next.number = s->gen.number + 1;
	/* what cannot change without a restart stays as it was */
	if ((s->gen.serve.socket || next.serve.socket) &&
	    (!s->gen.serve.socket || !next.serve.socket || strcmp(s->gen.serve.socket, next.serve.socket)))
		fprintf(stderr, "hook-run serve: the socket path changes only with a restart\n");
	free_generation(&s->gen);
	s->gen = next;
	s->shared->reload_error[0] = '\0';
	atomic_store(&s->shared->generation, s->gen.number);
	atomic_fetch_add(&s->shared->reloads, 1);
	/* old workers go as soon as they are idle; new ones judge with the new policy */
	for (size_t i = 0; i < s->nworkers; i++) {
		worker *w = &s->workers[i];
		if (w->generation != s->gen.number && !w->exiting) {
			w->exiting = true;
			if (w->idle)
				kill(w->pid, SIGTERM);
		}
	}
	fprintf(stderr, "hook-run serve: generation %llu serves from %s\n", (unsigned long long)s->gen.number,
		s->config_path);
	snprintf(reply, replylen, "ygeneration %llu serves\n", (unsigned long long)s->gen.number);
}

static void handle_note(supervisor *s, worker *w)
{
	hr_serve_note n;
	ssize_t got = recv(w->ctl, &n, sizeof(n), MSG_DONTWAIT);
	if (got != (ssize_t)sizeof(n))
		return; /* EOF or garbage: the reaper deals with the process */
	switch (n.kind) {
	case 'a': {
		char yes = repo_in_flight(s, n.dev, n.ino) < s->gen.serve.per_repo ? 'y' : 'n';
		if (yes == 'y') {
			w->admitted = true;
			w->dev = n.dev;
			w->ino = n.ino;
		}
		(void)!send(w->ctl, &yes, 1, MSG_NOSIGNAL);
		break;
	}
	case 'd':
		w->admitted = false;
		break;
	case 'i':
		w->admitted = false;
		if (w->exiting) {
			kill(w->pid, SIGTERM);
			break;
		}
		w->idle = true;
		drain_queue(s);
		break;
	case 'x':
		w->admitted = false;
		w->exiting = true;
		atomic_fetch_add(&s->shared->recycled, 1);
		break;
	case 'R': {
		char reply[1200];
		reload(s, reply, sizeof(reply));
		(void)!send(w->ctl, reply, strlen(reply), MSG_NOSIGNAL);
		break;
	}
	}
}

static void quarantine_blob(supervisor *s, const unsigned char *blob)
{
	hr_serve_quarantine *q = s->shared->quarantine, *free_slot = NULL, *oldest = &q[0];
	for (size_t i = 0; i < HR_SERVE_QUARANTINE; i++) {
		if (!memcmp(q[i].blob, blob, HR_OID_RAWSZ) && q[i].crashes) {
			q[i].crashes++;
			if (q[i].crashes >= 2)
				q[i].until = hr_git_now() + s->gen.serve.quarantine_secs;
			return;
		}
		if (!q[i].crashes && !free_slot)
			free_slot = &q[i];
		if (q[i].until < oldest->until)
			oldest = &q[i];
	}
	hr_serve_quarantine *e = free_slot ? free_slot : oldest;
	memcpy(e->blob, blob, HR_OID_RAWSZ);
	e->crashes = 1;
	e->until = 0;
}

static void reap(supervisor *s)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (size_t i = 0; i < s->nworkers; i++) {
			worker *w = &s->workers[i];
			if (w->pid != pid)
				continue;
			hr_serve_slot *sl = &s->shared->slots[w->slot];
			if (WIFSIGNALED(status)) {
				atomic_fetch_add(&s->shared->crashes, 1);
				if (atomic_load(&sl->judging)) {
					char hex[HR_OID_HEXSZ + 1];
					hr_oid_fmt(hex, (const hr_oid *)(const void *)sl->blob);
					fprintf(stderr, "hook-run serve: worker %ld died by signal %d while checking blob %s\n",
						(long)pid, WTERMSIG(status), hex);
					quarantine_blob(s, sl->blob);
				} else {
					fprintf(stderr, "hook-run serve: worker %ld died by signal %d\n", (long)pid,
						WTERMSIG(status));
				}
			}
			atomic_store(&sl->judging, 0);
			/* keep the counters in the slot: spawn_worker folds them when it reuses it */
			hr_serve_counters_add(&s->shared->retired, &sl->c);
			memset(&sl->c, 0, sizeof(sl->c));
			atomic_store(&sl->pid, 0);
			close(w->ctl);
			s->workers[i] = s->workers[--s->nworkers];
			break;
		}
	}
}

static void sum_memory(supervisor *s)
{
	uint64_t total = 0;
	for (size_t i = 0; i < s->nworkers; i++) {
		uint64_t rss = hr_serve_rss(s->workers[i].pid);
		atomic_store(&s->shared->slots[s->workers[i].slot].rss, rss);
		total += rss;
	}
	atomic_store(&s->shared->memory, total);
}

/* the socket systemd passes (sd_listen_fds(3) without libsystemd): fd 3 */
static int activated_socket(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	if (!pid || !fds)
		return -1;
	char *end;
	long p = strtol(pid, &end, 10);
	if (*end || p != (long)getpid())
		return -1;
	long n = strtol(fds, &end, 10);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (*end || n < 1)
		return -1;
	int fl = fcntl(3, F_GETFD);
	if (fl < 0)
		return -1;
	fcntl(3, F_SETFD, fl | FD_CLOEXEC);
	fcntl(3, F_SETFL, fcntl(3, F_GETFL) | O_NONBLOCK);
	return 3;
}

static int run_daemon(const char *config_path)
{
	supervisor s = { .config_path = config_path, .listen_fd = -1, .sigpipe = { -1, -1 } };
	char err[1024];
	int rc = HR_EXIT_ERROR;

	if (hr_serve_build_id(&s.build) < 0) {
		hr_cli_error("serve: cannot identify this build");
		return HR_EXIT_ERROR;
	}
	if (load_generation(&s.gen, config_path, &s.build, err, sizeof(err)) < 0) {
		hr_cli_error("serve: %s", err);
		return HR_EXIT_USAGE;
	}
	s.gen.number = 1;
	s.shared = mmap(NULL, sizeof(hr_serve_shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s.shared == MAP_FAILED) {
		hr_cli_error("serve: cannot map the shared page: %s", strerror(errno));
		free_generation(&s.gen);
		return HR_EXIT_ERROR;
	}
	memset(s.shared, 0, sizeof(*s.shared));
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	s.shared->started = (double)now.tv_sec + now.tv_nsec / 1e9;
	snprintf(s.shared->version, sizeof(s.shared->version), "%s", PACKAGE_VERSION);
	snprintf(s.shared->config, sizeof(s.shared->config), "%s", config_path);
	atomic_store(&s.shared->generation, 1);

	s.listen_fd = activated_socket();
	s.activated = s.listen_fd >= 0;
	if (!s.activated) {
		if (!s.gen.serve.socket) {
			hr_cli_error("serve: %s names no [serve] socket, and systemd passed none", config_path);
			rc = HR_EXIT_USAGE;
			goto out;
		}
		int fd = hr_sock_listen(s.gen.serve.socket, 128, err, sizeof(err));
		if (fd < 0) {
			hr_cli_error("serve: %s", err);
			rc = fd == HR_ECONFLICT ? HR_EXIT_ERROR : HR_EXIT_USAGE;
			goto out;
		}
		s.listen_fd = fd;
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		s.socket_path = strdup(s.gen.serve.socket);
	}
	if (s.gen.serve.cache) {
		/* checked once here, before any worker opens it: a foreign or corrupt file is
		   replaced while nobody has it open */
		hr_cache *c = NULL;
		if (hr_cache_open(&c, s.gen.serve.cache, s.gen.serve.cache_size, &s.gen.scope, err, sizeof(err)) < 0) {
			hr_cli_error("serve: %s (serving without a cache)", err);
		} else {
			hr_cache_stats st;
			hr_cache_stats_get(c, &st);
			if (st.discarded)
				fprintf(stderr, "hook-run serve: the verdict cache %s was not ours or not sound: "
					"discarded and made anew\n", s.gen.serve.cache);
			hr_cache_close(c);
		}
	}
	if (pipe2(s.sigpipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		hr_cli_error("serve: pipe: %s", strerror(errno));
		goto out;
	}
	the_supervisor = &s;
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	for (unsigned i = 0; i < s.gen.serve.workers; i++)
		spawn_worker(&s);
	fprintf(stderr, "hook-run serve: %s, generation 1, %u workers, listening on %s\n", PACKAGE_VERSION,
		s.gen.serve.workers, s.activated ? "the socket systemd passed" : s.gen.serve.socket);

	double last_mem = 0, last_metrics = 0;
	for (;;) {
		struct pollfd p[2 + HR_SERVE_SLOTS];
		size_t np = 0;
		p[np++] = (struct pollfd){ .fd = s.sigpipe[0], .events = POLLIN };
		bool listening = s.listen_fd >= 0;
		if (listening)
			p[np++] = (struct pollfd){ .fd = s.listen_fd, .events = POLLIN };
		size_t first_worker = np;
		for (size_t i = 0; i < s.nworkers; i++)
			p[np++] = (struct pollfd){ .fd = s.workers[i].ctl, .events = POLLIN };
		int n = poll(p, np, 200);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (p[0].revents & POLLIN)) {
			unsigned char sig;
			while (read(s.sigpipe[0], &sig, 1) == 1) {
				if (sig == SIGHUP) {
					char reply[1200];
					reload(&s, reply, sizeof(reply));
				} else if (sig == SIGTERM || sig == SIGINT) {
					if (!s.stopping)
						fprintf(stderr, "hook-run serve: stopping: finishing %zu queued and the "
							"in-flight requests\n", s.nqueue);
					s.stopping = true;
				}
			}
		}
		reap(&s);
		if (n > 0) {
			/* worker notes first: they free workers for the queue */
			for (size_t i = first_worker; i < np; i++) {
				if (!(p[i].revents & (POLLIN | POLLHUP)))
					continue;
				for (size_t j = 0; j < s.nworkers; j++)
					if (s.workers[j].ctl == p[i].fd)
						handle_note(&s, &s.workers[j]);
			}
			if (listening && (p[1].revents & POLLIN) && !s.stopping)
				accept_all(&s);
		}
		if (s.stopping && s.listen_fd >= 0) {
			/* no new connections: systemd keeps its socket for the next instance */
			close(s.listen_fd);
			s.listen_fd = -1;
			if (s.socket_path)
				unlink(s.socket_path);
		}
		if (!s.stopping) {
			size_t want = s.gen.serve.workers, live = 0;
			for (size_t i = 0; i < s.nworkers; i++)
				live += !s.workers[i].exiting;
			while (live < want && spawn_worker(&s) == 0)
				live++;
		}
		drain_queue(&s);
		if (s.stopping && !s.nqueue) {
			bool busy = false;
			for (size_t i = 0; i < s.nworkers; i++) {
				if (s.workers[i].idle && !s.workers[i].exiting) {
					s.workers[i].exiting = true;
					kill(s.workers[i].pid, SIGTERM);
				}
				busy = true;
			}
			if (!busy)
				break;
		}
		double t = hr_git_now();
		if (t - last_mem > 0.5) {
			sum_memory(&s);
			last_mem = t;
		}
		if (s.gen.serve.metrics && t - last_metrics > 10) {
			/* for node_exporter's textfile collector: the whole file replaced at once */
			hr_bytes text = { 0 };
			char werr[512];
			if (hr_serve_format_status(&text, s.shared, true) == 0 &&
			    hr_file_write_atomic(s.gen.serve.metrics, (const char *)text.data, text.len, werr,
				    sizeof(werr)) < 0)
				fprintf(stderr, "hook-run serve: %s\n", werr);
			hr_bytes_free(&text);
			last_metrics = t;
		}
		atomic_store(&s.shared->workers_alive, (unsigned)s.nworkers);
	}
	fprintf(stderr, "hook-run serve: stopped\n");
	rc = HR_EXIT_OK;
out:
	for (size_t i = 0; i < s.nqueue; i++)
		close(s.queue[i]);
	free(s.queue);
	if (s.listen_fd >= 0) {
		close(s.listen_fd);
		if (s.socket_path)
			unlink(s.socket_path);
	}
	free(s.socket_path);
	if (s.sigpipe[0] >= 0) {
		close(s.sigpipe[0]);
		close(s.sigpipe[1]);
	}
	the_supervisor = NULL;
	munmap(s.shared, sizeof(hr_serve_shared));
	free_generation(&s.gen);
	return rc;
}

/* ---- status, metrics, reload: a client of the daemon ----------------- */

/*
 * The [serve] socket of a configuration file that does not load (a reload
 * is asked for precisely when the file changed, perhaps for the worse):
 * the last `socket = PATH` line of the [serve] section. NULL if none.
 */
static char *socket_of(const char *path)
{
	char *data = NULL, *found = NULL, err[256];
	size_t len = 0;
	bool in_serve = false;
	if (hr_file_read(&data, &len, path, 1024 * 1024, err, sizeof(err)) < 0)
		return NULL;
	for (char *line = data; line && line < data + len;) {
		char *nl = memchr(line, '\n', (size_t)(data + len - line));
		if (nl)
			*nl = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '[')
			in_serve = !strncmp(line, "[serve]", 7);
		else if (in_serve && !strncmp(line, "socket", 6)) {
			char *v = line + 6;
			while (*v == ' ' || *v == '\t')
				v++;
			if (*v == '=') {
				v++;
				while (*v == ' ' || *v == '\t')
					v++;
				size_t n = strcspn(v, " \t;#\r");
				free(found);
				found = strndup(v, n);
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	free(data);
	return found;
}

static int ask(const char *config_path, const char *socket, const char *command)
{
	hr_serve_config cfg;
	hr_policy policy;
	char err[1024], why[1024];
	int rc = HR_EXIT_ERROR;
	hr_serve_config_init(&cfg);
	hr_policy_init(&policy);
	char *fallback = NULL;
	if (!socket || config_path) {
		const char *file = config_path ? config_path : DEFAULT_CONFIG;
		if (hr_config_load_file_serve(&policy, &cfg, file, NULL, NULL, err, sizeof(err)) < 0) {
			/* a reload of a broken file is the daemon's to refuse, and to explain */
			if (!(fallback = socket_of(file))) {
				hr_cli_error("serve %s: %s", command, err);
				rc = HR_EXIT_USAGE;
				goto out;
			}
		}
	}
	if (!socket)
		socket = cfg.socket ? cfg.socket : fallback;
	if (!socket) {
		hr_cli_error("serve %s: no socket: pass --socket PATH or a configuration with [serve] socket", command);
		rc = HR_EXIT_USAGE;
		goto out;
	}
	char *env[] = { NULL };
	hr_proto_request r = { .env = env };
	snprintf(r.command, sizeof(r.command), "%s", command);
	hr_client_call call = {
		.config = &cfg, .socket = socket, .request = &r, .dir_fd = -1, .quarantine_fd = -1,
		.deadline = hr_git_now() + 10,
	};
	hr_proto_answer a;
	hr_client_outcome o = hr_client_run(&a, &call, why, sizeof(why));
	if (o != HR_CLIENT_OK) {
		hr_cli_error("serve %s: %s", command, why);
		goto out;
	}
	hr_client_replay(&a);
	rc = a.exit_code;
	hr_proto_answer_free(&a);
out:
	free(fallback);
	hr_policy_free(&policy);
	hr_serve_config_free(&cfg);
	return rc;
}

int hr_cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "metrics", no_argument, NULL, 'm' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *socket = NULL;
	bool metrics = false;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 's':
			socket = optarg;
			break;
		case 'm':
			metrics = true;
			break;
		case 'f':
			break; /* it always runs in the foreground: systemd and tests supervise it */
		case 'h':
			usage(stdout);
			return HR_EXIT_OK;
		default:
			usage(stderr);
			return HR_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		const char *sub = argv[optind];
		if (optind + 1 < argc) {
			hr_cli_error("serve: unexpected argument '%s'", argv[optind + 1]);
			return HR_EXIT_USAGE;
		}
		if (!strcmp(sub, "status"))
			return ask(config, socket, metrics ? "metrics" : "status");
		if (!strcmp(sub, "reload"))
			return ask(config, socket, "reload");
		hr_cli_error("serve: unknown subcommand '%s' (status, reload)", sub);
		return HR_EXIT_USAGE;
	}
	if (!config)
		config = getenv("HOOK_RUN_CONFIG") && *getenv("HOOK_RUN_CONFIG") ? getenv("HOOK_RUN_CONFIG") : DEFAULT_CONFIG;
	return run_daemon(config);
}
