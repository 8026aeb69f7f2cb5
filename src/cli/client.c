/* SPDX-License-Identifier: MIT */
/*
 * client.c - the hook's side of `hook-run serve` (see serve.h).
 *
 * One round trip: connect (with a deadline, and only to a daemon run by
 * the expected user or root), send the handshake and the request in one
 * go with the hook's directory and quarantine directory as descriptors,
 * read the daemon's handshake and its answer, and hand the caller either a
 * verdict to replay or an outcome that says why there is none. The caller
 * (cmd_prereceive.c) decides what "none" means: daemon = auto checks in
 * process, daemon = require rejects. Nothing here ever turns a failure
 * into an accepted push: only a well-formed "status=ok" answer whose last
 * line is "exit=0" accepts.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve.h"

bool hr_client_env_wanted(const char *v)
{
	static const char *const prefixes[] = { "GIT_", "GL_", "GITEA_", "GITHUB_", "SSH_", "HOOK_RUN_" };
	static const char *const names[] = { "USER=", "LOGNAME=", "HOME=", "XDG_CONFIG_HOME=" };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(v, prefixes[i], strlen(prefixes[i])))
			return strchr(v, '=') != NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncmp(v, names[i], strlen(names[i])))
			return true;
	return false;
}

hr_client_outcome hr_client_run(hr_proto_answer *answer, const hr_client_call *call,
	char *why, size_t whylen)
{
	const hr_serve_config *cfg = call->config;
	hr_bytes b = { 0 };
	hr_message hello = { 0 }, msg = { 0 };
	char err[512] = "", agent[128];
	unsigned version = 0;
	hr_client_outcome out = HR_CLIENT_FAILED;
	int fds[2], nfds = 0;

	memset(answer, 0, sizeof(*answer));
	uid_t expect = cfg->have_daemon_uid ? cfg->daemon_uid : geteuid();
	double connect_by = hr_git_now() + cfg->connect_timeout;
	if (call->deadline > 0 && call->deadline < connect_by)
		connect_by = call->deadline;
	int fd = hr_sock_connect(call->socket, expect, connect_by, err, sizeof(err));
	if (fd < 0) {
		snprintf(why, whylen, "%s", err);
		return fd == HR_EINVALID && strstr(err, "not trusting") ? HR_CLIENT_UNTRUSTED : HR_CLIENT_UNAVAILABLE;
	}
	if (call->dir_fd >= 0)
		fds[nfds++] = call->dir_fd;
	if (call->dir_fd >= 0 && call->quarantine_fd >= 0)
		fds[nfds++] = call->quarantine_fd;
	if (hr_pkt_addf(&b, "hook-run-protocol %d", HR_PROTO_VERSION) < 0 ||
	    hr_pkt_addf(&b, "agent=hook-run/%s", PACKAGE_VERSION) < 0 || hr_pkt_add_flush(&b) < 0 ||
	    hr_proto_request_encode(&b, call->request) < 0) {
		snprintf(why, whylen, "the request cannot be encoded (a variable or input too large)");
		goto out;
	}
	/* a daemon that refuses early may close before reading it all: its
	   answer is still read below */
	int wrc = hr_sock_write(fd, b.data, b.len, fds, (size_t)nfds, call->deadline, err, sizeof(err));
	if (wrc == HR_ETIMEOUT) {
		snprintf(why, whylen, "the daemon did not take the request in time");
		goto out;
	}
	if (hr_sock_read_message(&hello, fd, HR_PKT_MAX * 4, call->deadline, NULL, 0, NULL, err, sizeof(err)) < 0) {
		snprintf(why, whylen, "no answer from the daemon: %s", err);
		goto out;
	}
	if (hr_proto_hello_parse(&hello, &version, agent, sizeof(agent), err, sizeof(err)) < 0) {
		snprintf(why, whylen, "the daemon's answer is not hook-run's protocol: %s", err);
		goto out;
	}
	if (version != HR_PROTO_VERSION) {
		snprintf(why, whylen, "the daemon speaks protocol version %u (%s), this hook-run %d", version,
			agent, HR_PROTO_VERSION);
		out = HR_CLIENT_SKEW;
		goto out;
	}
	if (hr_sock_read_message(&msg, fd, HR_PROTO_MAX_MESSAGE + HR_PKT_MAX, call->deadline, NULL, 0, NULL,
		    err, sizeof(err)) < 0) {
		snprintf(why, whylen, "the daemon's answer did not arrive whole: %s", err);
		goto out;
	}
	if (hr_proto_answer_parse(answer, &msg, err, sizeof(err)) < 0) {
		snprintf(why, whylen, "the daemon's answer is malformed: %s", err);
		goto out;
	}
	switch (answer->status) {
	case HR_PROTO_OK:
		out = HR_CLIENT_OK;
		break;
	case HR_PROTO_BUSY:
		snprintf(why, whylen, "the daemon is busy: %s", answer->message);
		out = HR_CLIENT_BUSY;
		break;
	default:
		snprintf(why, whylen, "the daemon %s the push: %s",
			answer->status == HR_PROTO_REFUSED ? "refused to judge" : "failed to judge", answer->message);
		if (strstr(answer->message, "protocol version"))
			out = HR_CLIENT_SKEW;
		break;
	}
	if (out != HR_CLIENT_OK)
		hr_proto_answer_free(answer);
out:
	close(fd);
	hr_bytes_free(&b);
	hr_message_free(&hello);
	hr_message_free(&msg);
	return out;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int hr_client_replay(const hr_proto_answer *a)
{
	size_t pos = 0;
	fflush(stdout);
	fflush(stderr);
	while (pos + 5 <= a->pieces_len) {
		unsigned char band = a->pieces[pos];
		size_t n = (size_t)a->pieces[pos + 1] << 24 | (size_t)a->pieces[pos + 2] << 16 |
			   (size_t)a->pieces[pos + 3] << 8 | a->pieces[pos + 4];
		if (n > a->pieces_len - pos - 5)
			return -1;
		if (write_all(band == 1 ? 1 : 2, a->pieces + pos + 5, n) < 0)
			return -1;
		pos += 5 + n;
	}
	return 0;
}
