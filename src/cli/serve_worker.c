/* SPDX-License-Identifier: MIT */
/*
 * serve_worker.c - one worker process of `hook-run serve` (see serve.h).
 *
 * A worker is forked by the supervisor with one policy generation and
 * keeps it for its whole life, so each push is judged by one policy from
 * start to end; a reload replaces workers rather than changing them. It
 * takes one connection at a time from its control socket (SOCK_SEQPACKET,
 * the connection's descriptor passed with SCM_RIGHTS), and:
 *
 *   1. reads the client's handshake and request under a deadline (a slow
 *      or silent client costs this request only) and answers a client of
 *      another protocol version with its own version and a refusal;
 *   2. checks what the request names: the hook's directory came as a
 *      descriptor the client opened itself, and must be the directory the
 *      request's `cwd` names (same device and inode); it, GIT_DIR and the
 *      object directories must lie under a configured root; a quarantine
 *      descriptor, when sent, must be GIT_QUARANTINE_PATH;
 *   3. asks the supervisor to admit it (the per-repository limit), else
 *      answers busy;
 *   4. judges it with the engine, its two output streams captured in
 *      order, the blob being checked written to its slot of the shared
 *      page (a worker that dies on a blob names it to the supervisor) and
 *      quarantined blobs refused; a hard alarm ends a request that runs
 *      past its deadline (the client then decides, never "accept");
 *   5. logs the decision (JSON lines), answers, tells the supervisor it is
 *      done, and exits after max-requests or past worker-memory so that
 *      the supervisor starts a fresh one.
 */
#include "config.h"

#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "serve.h"
#include "hook-run/config.h"
#include "serve_audit.h"

#define OUTPUT_LIMIT (16u << 20)

/*
 * Test knobs, read from the daemon's own environment (never a client's):
 * HOOK_RUN_TEST_WORKER_STALL=SECONDS sleeps before judging each push (a
 * push in flight to kill, drain or flood); HOOK_RUN_TEST_CRASH_BLOB=HEX
 * aborts the worker when it is about to check that blob (a hostile blob);
 * HOOK_RUN_TEST_PROTOCOL_VERSION=N announces another version.
 */
static double test_stall;
static const char *test_crash_blob;
static int test_version = HR_PROTO_VERSION;
static double io_seconds = 10;

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/* ---- answering ------------------------------------------------------- */

static void send_answer(int conn, hr_proto_answer *a)
{
	hr_bytes b = { 0 };
	char err[256];
	if (hr_pkt_addf(&b, "hook-run-protocol %d", test_version) == 0 &&
	    hr_pkt_addf(&b, "agent=hook-run/%s", PACKAGE_VERSION) == 0 &&
	    hr_pkt_add_flush(&b) == 0 && hr_proto_answer_encode(&b, a) == 0)
		hr_sock_write(conn, b.data, b.len, NULL, 0, hr_git_now() + io_seconds, err, sizeof(err));
	hr_bytes_free(&b);
}

static void answer_status(int conn, hr_proto_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void answer_status(int conn, hr_proto_status status, const char *fmt, ...)
{
	hr_proto_answer a = { .status = status };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a.message, sizeof(a.message), fmt, ap);
	va_end(ap);
	/* one line: a message never breaks the framing */
	for (char *p = a.message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	send_answer(conn, &a);
}

/* ---- checking what the request names --------------------------------- */

static bool under_roots(const hr_serve_config *cfg, const char *real)
{
	for (size_t i = 0; i < cfg->nroots; i++) {
		char *root = realpath(cfg->roots[i], NULL);
		if (!root)
			continue;
		size_t n = strlen(root);
		bool inside = !strncmp(real, root, n) && (real[n] == '/' || real[n] == '\0' || n == 1);
		free(root);
		if (inside)
			return true;
	}
	return false;
}

/* `path` (relative to `cwd`) resolved; NULL when it does not exist */
static char *resolve_in(const char *cwd, const char *path)
{
	char buf[8192];
	if (path[0] == '/')
		return realpath(path, NULL);
	if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", cwd, path) >= sizeof(buf))
		return NULL;
	return realpath(buf, NULL);
}

/* Is the directory behind `fd` the one `path` names now? */
static bool same_inode(int fd, const char *path)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && S_ISDIR(a.st_mode) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static bool is_own_config(const hr_serve_worker *w, const char *path)
{
	char *a = realpath(path, NULL), *b = realpath(w->config_path, NULL);
	bool same = a && b && !strcmp(a, b);
	free(a);
	free(b);
	return same;
}

/*
 * Everything the request lets the engine read must be under a root: the
 * hook's directory, GIT_DIR, and every object directory it names. Sets
 * repo_dev and repo_ino to the repository's identity (the per-repository
 * limit's key). NULL when allowed, else why not (in `why`).
 */
static const char *check_paths(const hr_serve_worker *w, const hr_proto_request *r, int dir_fd,
	int quarantine_fd, dev_t *repo_dev, ino_t *repo_ino, char *why, size_t whylen)
{
	hr_env env = { .vars = r->env, .cwd = r->cwd };
	const char *names[] = { "GIT_DIR", "GIT_OBJECT_DIRECTORY", "GIT_QUARANTINE_PATH" };
	struct stat st;

	if (!w->config->nroots)
		return "this daemon has no [serve] roots: it reads no repository";
	if (dir_fd < 0 || !r->cwd)
		return "the request did not pass the hook's directory";
	if (!same_inode(dir_fd, r->cwd))
		return "the directory passed is not the one the request names";
	char *real = realpath(r->cwd, NULL);
	bool ok = real && under_roots(w->config, real);
	free(real);
	if (!ok)
		return "the repository is outside the daemon's roots";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = hr_env_value(&env, names[i]);
		if (!v)
			continue;
		char *p = resolve_in(r->cwd, v);
		/* what does not exist cannot be read: the engine says so as in process */
		ok = p ? under_roots(w->config, p) : errno == ENOENT;
		if (ok && i == 0 && stat(p, &st) == 0) {
			*repo_dev = st.st_dev;
			*repo_ino = st.st_ino;
		}
		free(p);
		if (!ok) {
			snprintf(why, whylen, "%s is outside the daemon's roots", names[i]);
			return why;
		}
	}
	const char *alts = hr_env_value(&env, "GIT_ALTERNATE_OBJECT_DIRECTORIES");
	char **dirs = NULL;
	size_t ndirs = 0;
	/* a malformed list: nothing from it is checked here, and the engine
	   refuses it (as in process) before reading anything */
	if (alts && hr_alternates_split(&dirs, &ndirs, alts) < 0)
		ndirs = 0;
	ok = true;
	for (size_t i = 0; i < ndirs; i++) {
		char *res = *dirs[i] ? resolve_in(r->cwd, dirs[i]) : NULL;
		if (*dirs[i] && ok)
			ok = res ? under_roots(w->config, res) : errno == ENOENT;
		free(res);
		free(dirs[i]);
	}
	free(dirs);
	if (!ok)
		return "GIT_ALTERNATE_OBJECT_DIRECTORIES names a directory outside the daemon's roots";
	if (quarantine_fd >= 0) {
		const char *q = hr_env_value(&env, "GIT_QUARANTINE_PATH");
		char *qp = q ? resolve_in(r->cwd, q) : NULL;
		ok = qp && same_inode(quarantine_fd, qp);
		free(qp);
		if (!ok)
			return "the quarantine directory passed is not GIT_QUARANTINE_PATH";
	}
	if (r->config && !is_own_config(w, r->config)) {
		char *conf = realpath(r->config, NULL);
		ok = conf ? under_roots(w->config, conf) : errno == ENOENT;
		free(conf);
		if (!ok)
			return "the hook's configuration file is neither the daemon's nor under its roots";
	}
	if (!*repo_ino && fstat(dir_fd, &st) == 0) {
		*repo_dev = st.st_dev;
		*repo_ino = st.st_ino;
	}
	return NULL;
}

/* ---- the supervisor's side of the conversation ----------------------- */


static bool admit(hr_serve_worker *w, dev_t dev, ino_t ino)
{
	hr_serve_note n = { 'a', (uint64_t)dev, (uint64_t)ino };
	char reply = 'n';
	if (send(w->control, &n, sizeof(n), MSG_NOSIGNAL) != (ssize_t)sizeof(n))
		return false;
	while (recv(w->control, &reply, 1, 0) < 0 && errno == EINTR)
		;
	return reply == 'y';
}

static void note(hr_serve_worker *w, char kind)
{
	hr_serve_note n = { kind, 0, 0 };
	(void)!send(w->control, &n, sizeof(n), MSG_NOSIGNAL);
}

/* ---- judging --------------------------------------------------------- */

/*
 * The policy of one push: the generation's when the hook names the
 * daemon's own configuration (the normal case: the hook installed by
 * `install --server --daemon` does); a repository's own file otherwise,
 * read for this request alone, exactly as the hook would read it; the
 * defaults when the hook has no file. The verdict cache's scope follows.
 */
typedef struct request_policy {
	hr_serve_worker *w;
	const hr_proto_request *r;
	hr_cache *cache;
	hr_policy own;
	bool have_own;
} request_policy;

static int serve_policy(const hr_policy **out, const char *commondir, FILE *errout, void *arg)
{
	request_policy *rp = arg;
	char err[1024], *bytes = NULL;
	size_t len = 0;
	hr_oid scope;
	(void)commondir;
	if (rp->r->config && is_own_config(rp->w, rp->r->config)) {
		*out = rp->w->policy;
		if (rp->cache)
			hr_cache_set_scope(rp->cache, rp->w->scope);
		return 0;
	}
	if (hr_policy_init(&rp->own) < 0) {
		fprintf(errout, "hook-run: out of memory\n");
		return HR_EXIT_ERROR;
	}
	rp->have_own = true;
	if (rp->r->config && hr_config_load_file_serve(&rp->own, NULL, rp->r->config, &bytes, &len, err,
		    sizeof(err)) < 0) {
		fprintf(errout, "hook-run: %s\n", err);
		fflush(errout);
		return HR_EXIT_USAGE;
	}
	if (rp->cache && hr_cache_scope(&scope, rp->w->build, bytes ? bytes : "", len) == 0)
		hr_cache_set_scope(rp->cache, &scope);
	free(bytes);
	*out = &rp->own;
	return 0;
}

static int before_blob(void *arg, const hr_oid *blob, FILE *errout)
{
	hr_serve_worker *w = arg;
	double now = hr_git_now();
	for (size_t i = 0; i < HR_SERVE_QUARANTINE; i++) {
		const hr_serve_quarantine *q = &w->shared->quarantine[i];
		if (q->until > now && !memcmp(q->blob, blob->id, HR_OID_RAWSZ)) {
			char hex[HR_OID_HEXSZ + 1];
			hr_oid_fmt(hex, blob);
			fprintf(errout, "hook-run: blob %s crashed the checker %d times and is quarantined "
				"for %.0f more seconds; push rejected (tell the administrator)\n", hex,
				q->crashes, q->until - now);
			fflush(errout);
			return HR_EINVALID;
		}
	}
	/* written before the check: if it kills us, the supervisor reads it here */
	memcpy(w->slot->blob, blob->id, HR_OID_RAWSZ);
	atomic_store(&w->slot->judging, 1);
	if (test_crash_blob) {
		char hex[HR_OID_HEXSZ + 1];
		hr_oid_fmt(hex, blob);
		if (!strcmp(hex, test_crash_blob))
			abort();
	}
	return 0;
}

static void after_blob(void *arg)
{
	hr_serve_worker *w = arg;
	atomic_store(&w->slot->judging, 0);
}


static void count_duration(hr_serve_counters *c, double secs)
{
	size_t b = 0;
	while (b < HR_SERVE_BUCKETS && secs > hr_serve_buckets[b])
		b++;
	c->buckets[b]++;
	c->duration_us += (uint64_t)(secs * 1e6);
}

static void judge_push(hr_serve_worker *w, int conn, hr_proto_request *r, int dir_fd, int quarantine_fd,
	hr_cache *cache, uid_t peer_uid, pid_t peer_pid)
{
	hr_serve_counters *cnt = &w->slot->c;
	char why[512];
	dev_t dev = 0;
	ino_t ino = 0;
	const char *refused = check_paths(w, r, dir_fd, quarantine_fd, &dev, &ino, why, sizeof(why));
	if (refused) {
		cnt->refused++;
		answer_status(conn, HR_PROTO_REFUSED, "%s", refused);
		return;
	}
	if (!admit(w, dev, ino)) {
		cnt->busy++;
		answer_status(conn, HR_PROTO_BUSY, "this repository has as many pushes in flight as the daemon "
			"allows (per-repository)");
		return;
	}

	hr_capture cap;
	hr_proto_answer a = { .status = HR_PROTO_OK, .generation = w->generation };
	if (hr_capture_open(&cap, OUTPUT_LIMIT) < 0) {
		answer_status(conn, HR_PROTO_FAILED, "out of memory");
		note(w, 'd');
		return;
	}
	if (w->config->audit_log)
		hr_audit_decision_id(a.decision, sizeof(a.decision));
	hr_env env = { .vars = r->env, .cwd = r->cwd };
	/* the rules' documentation as the hook would name it in process */
	const char *docs = hr_env_value(&env, "HOOK_RUN_DOCS_URL");
	request_policy rp = { .w = w, .r = r, .cache = cache };
	hr_prereceive_request req = {
		.env = &env,
		.uid = peer_uid,
		.input = (const char *)r->input,
		.input_len = r->input_len,
		.policy = serve_policy,
		.policy_arg = &rp,
		.format = r->format,
		.color = r->color,
		.quiet = r->quiet,
		.show_stats = r->stats,
		.fixed_elapsed = r->fixed_elapsed,
		.docs_url = docs && *docs ? docs : HR_DOCS_URL,
		.elapsed = r->elapsed,
		.used = r->used,
		.cache = cache,
		.decision_id = a.decision[0] ? a.decision : NULL,
		.before_blob = before_blob,
		.after_blob = after_blob,
		.blob_arg = w,
		.out = cap.out,
		.errout = cap.err,
	};
	/* the hard stop: past the client's deadline nobody waits for us; dying
	   here costs this request, and the client decides without us */
	if (r->deadline_ms)
		alarm(r->deadline_ms / 1000 + 2);
	if (test_stall > 0) {
		struct timespec ts = { (time_t)test_stall, (long)((test_stall - (double)(time_t)test_stall) * 1e9) };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	double t0 = hr_git_now();
	hr_verdict v;
	hr_cache_stats before = { 0 }, after = { 0 };
	if (cache)
		hr_cache_stats_get(cache, &before);
	a.exit_code = hr_engine_prereceive(&v, &req);
	alarm(0);
	if (rp.have_own)
		hr_policy_free(&rp.own);
	double secs = hr_git_now() - t0;
	if (cache)
		hr_cache_stats_get(cache, &after);

	/* the audit log: a decision that cannot be recorded has a configured outcome */
	if (w->config->audit_log) {
		hr_audit_entry e = {
			.decision = a.decision, .verdict = &v, .exit_code = a.exit_code, .seconds = secs,
			.generation = w->generation, .peer_uid = peer_uid, .peer_pid = peer_pid, .via = "daemon",
		};
		char err[512];
		if (hr_audit_write(w->config->audit_log, &e, err, sizeof(err)) < 0) {
			cnt->audit_errors++;
			if (w->config->audit_full == HR_AUDIT_FULL_REJECT && a.exit_code == 0) {
				fprintf(cap.err, "hook-run: push rejected: the decision cannot be recorded (%s) and this "
					"server requires it (audit-log-full = reject)\n", err);
				fflush(cap.err);
				a.exit_code = HR_EXIT_ERROR;
			}
		}
	}
	hr_capture_close(&cap);
	if (cap.overflow) {
		/* output that did not fit: never a partial report with a verdict */
		hr_capture_free(&cap);
		hr_verdict_free(&v);
		cnt->rejected++;
		answer_status(conn, HR_PROTO_FAILED, "the report is larger than %u bytes", OUTPUT_LIMIT);
		note(w, 'd');
		return;
	}
	a.pieces = cap.buf;
	a.pieces_len = cap.len;
	send_answer(conn, &a);
	hr_capture_free(&cap);

	cnt->requests++;
	if (a.exit_code == 0)
		cnt->accepted++;
	else
		cnt->rejected++;
	cnt->cache_hits += after.hits - before.hits;
	cnt->cache_misses += after.misses - before.misses;
	cnt->commit_hits += after.commit_hits - before.commit_hits;
	cnt->commit_misses += after.commit_misses - before.commit_misses;
	cnt->blobs_read += v.blobs_read;
	count_duration(cnt, secs);
	if (cache) {
		atomic_store(&w->shared->cache_entries, after.entries);
		atomic_store(&w->shared->cache_bytes, after.bytes);
	}
	hr_verdict_free(&v);
	note(w, 'd');
}

static void answer_text(int conn, const char *text, size_t len, int exit_code)
{
	hr_bytes pieces = { 0 };
	unsigned char h[5] = { 1, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
		(unsigned char)(len >> 8), (unsigned char)len };
	hr_proto_answer a = { .status = HR_PROTO_OK, .exit_code = exit_code };
	if (hr_bytes_add(&pieces, h, 5) == 0 && hr_bytes_add(&pieces, text, len) == 0) {
		a.pieces = pieces.data;
		a.pieces_len = pieces.len;
	}
	send_answer(conn, &a);
	hr_bytes_free(&pieces);
}

static void serve_connection(hr_serve_worker *w, int conn, hr_cache *cache)
{
	hr_message hello = { 0 }, msg = { 0 };
	hr_proto_request r = { 0 };
	int fds[2] = { -1, -1 };
	size_t nfds = 0, more = 0;
	char err[512], agent[128];
	unsigned version;
	uid_t uid = 0;
	pid_t pid = 0;
	double deadline = hr_git_now() + io_seconds;

	hr_sock_peer(conn, &uid, &pid);
	int rrc = hr_sock_read_message(&hello, conn, HR_PKT_MAX * 4, deadline, fds, 2, &nfds, err, sizeof(err));
	if (rrc < 0) {
		/* a peer that said something wrong hears why; a silent or gone one, nothing */
		if (rrc == HR_EINVALID || rrc == HR_ETOOBIG) {
			w->slot->c.refused++;
			answer_status(conn, HR_PROTO_REFUSED, "%s", err);
		}
		goto out;
	}
	if (hr_proto_hello_parse(&hello, &version, agent, sizeof(agent), err, sizeof(err)) < 0) {
		w->slot->c.refused++;
		answer_status(conn, HR_PROTO_REFUSED, "%s", err);
		goto out;
	}
	if (version != (unsigned)test_version) {
		w->slot->c.refused++;
		answer_status(conn, HR_PROTO_REFUSED, "protocol version %u is not spoken here (this daemon: %d)",
			version, test_version);
		goto out;
	}
	int extra[2];
	if (hr_sock_read_message(&msg, conn, HR_PROTO_MAX_MESSAGE, deadline, extra, 0, &more, err,
		    sizeof(err)) < 0 ||
	    hr_proto_request_parse(&r, &msg, err, sizeof(err)) < 0) {
		w->slot->c.refused++;
		answer_status(conn, HR_PROTO_REFUSED, "malformed request: %s", err);
		goto out;
	}
	if (!strcmp(r.command, "pre-receive")) {
		judge_push(w, conn, &r, nfds > 0 ? fds[0] : -1, nfds > 1 ? fds[1] : -1, cache, uid, pid);
	} else if (!strcmp(r.command, "status") || !strcmp(r.command, "metrics")) {
		hr_bytes text = { 0 };
		hr_serve_format_status(&text, w->shared, r.command[0] == 'm');
		answer_text(conn, (const char *)text.data, text.len, 0);
		hr_bytes_free(&text);
	} else if (!strcmp(r.command, "reload")) {
		hr_serve_note n = { 'R', 0, 0 };
		char reply[1200] = "";
		ssize_t got = -1;
		if (send(w->control, &n, sizeof(n), MSG_NOSIGNAL) == (ssize_t)sizeof(n))
			while ((got = recv(w->control, reply, sizeof(reply) - 1, 0)) < 0 && errno == EINTR)
				;
		if (got < 1) {
			answer_status(conn, HR_PROTO_FAILED, "the supervisor did not answer");
		} else {
			reply[got] = '\0';
			answer_text(conn, reply + 1, strlen(reply + 1), reply[0] == 'y' ? 0 : 1);
		}
	} else {
		w->slot->c.refused++;
		answer_status(conn, HR_PROTO_REFUSED, "unknown command '%s'", r.command);
	}
out:
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	hr_proto_request_free(&r);
	hr_message_free(&hello);
	hr_message_free(&msg);
}

void hr_serve_worker_run(hr_serve_worker *w)
{
	struct sigaction sa = { .sa_handler = on_term };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGALRM, SIG_DFL);
	/* the supervisor gone (kill -9): finish what we hold, take nothing new */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != w->supervisor)
		_exit(0); /* it died before the line above took effect */

	const char *knob = getenv("HOOK_RUN_TEST_WORKER_STALL");
	test_stall = knob ? strtod(knob, NULL) : 0;
	test_crash_blob = getenv("HOOK_RUN_TEST_CRASH_BLOB");
	if ((knob = getenv("HOOK_RUN_TEST_PROTOCOL_VERSION"))) {
		long v = strtol(knob, NULL, 10);
		test_version = v > 0 && v < 1000000 ? (int)v : HR_PROTO_VERSION;
	}
	io_seconds = w->config->request_secs;
	hr_cache *cache = NULL;
	if (w->config->cache) {
		char err[512];
		if (hr_cache_open(&cache, w->config->cache, w->config->cache_size, w->scope, err, sizeof(err)) < 0)
			fprintf(stderr, "hook-run serve: worker %ld: %s (judging without the cache)\n",
				(long)getpid(), err);
	}
	unsigned served = 0;
	while (!stopping) {
		char byte;
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			.msg_controllen = sizeof(cbuf) };
		ssize_t got = recvmsg(w->control, &mh, MSG_CMSG_CLOEXEC);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break; /* the supervisor is gone */
		int conn = -1;
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&conn, CMSG_DATA(cm), sizeof(int));
		if (conn < 0)
			continue;
		serve_connection(w, conn, cache);
		close(conn);
		served++;
		uint64_t rss = hr_serve_rss(getpid());
		atomic_store(&w->slot->rss, rss);
		if (served >= w->config->max_requests || (rss && rss > w->config->worker_memory)) {
			note(w, 'x');
			break;
		}
		note(w, 'i');
	}
	hr_cache_close(cache);
	_exit(0);
}
