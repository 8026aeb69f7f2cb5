/* SPDX-License-Identifier: MIT */
/*
 * sock.c - the daemon's Unix socket, both ends (see serve.h).
 *
 * Making the socket file safely is most of the work:
 *  - sun_path holds 108 bytes on Linux; a longer path would be cut
 *    silently by a careless strncpy and bind somewhere else. Refused.
 *  - The directory decides who can replace the socket: if others may
 *    write there, another user can swap in their own socket between our
 *    checks and a client's connect. It must be owned by us or root and
 *    writable by neither group nor others (a sticky /tmp is refused too).
 *  - A socket file already there is either a live instance (it answers a
 *    connect: refuse to start, never steal it) or a stale one left by a
 *    crash (connect is refused: remove it, but only when it is ours).
 *
 * Reads and writes run under a deadline with poll(2) on non-blocking
 * descriptors: a peer that stops reading or writing costs a request,
 * never a worker. SCM_RIGHTS carries the directory descriptors of a
 * request; every descriptor received is accounted for and closed on any
 * error, and MSG_CMSG_CLOEXEC keeps them from leaking into children.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hook-run/git.h"
#include "hook-run/serve.h"

/* milliseconds left before `deadline`, for poll(2); -1 without one */
static int ms_left(double deadline)
{
	if (deadline <= 0)
		return -1;
	double left = deadline - hr_git_now();
	if (left <= 0)
		return 0;
	return left > 1e6 ? 1000000000 : (int)(left * 1000) + 1;
}

static int wait_fd(int fd, short events, double deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	for (;;) {
		int ms = ms_left(deadline);
		if (ms == 0)
			return HR_ETIMEOUT;
		int n = poll(&p, 1, ms);
		if (n > 0)
			return 0;
		if (n == 0)
			return HR_ETIMEOUT;
		if (errno != EINTR)
			return HR_EIO;
	}
}

static void close_fds(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int hr_sock_read_message(hr_message *out, int fd, size_t max, double deadline,
	int *fds, size_t maxfds, size_t *nfds, char *err, size_t errlen)
{
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, pos = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (nfds)
		*nfds = 0;
	for (;;) {
		/* complete lines first: stop at the first flush */
		while (pos < len) {
			hr_pkt_type type;
			const unsigned char *payload;
			size_t plen, used;
			rc = hr_pkt_parse(buf + pos, len - pos, &type, &payload, &plen, &used);
			if (rc < 0) {
				snprintf(err, errlen, "malformed pkt-line header");
				rc = HR_EINVALID;
				goto fail;
			}
			if (rc == 0)
				break;
			pos += used;
			if (type == HR_PKT_FLUSH) {
				if (pos != len) {
					snprintf(err, errlen, "bytes after the end of a message");
					rc = HR_EINVALID;
					goto fail;
				}
				return hr_message_split(out, buf, len, err, errlen);
			}
		}
		if (len == cap) {
			if (cap >= max) {
				snprintf(err, errlen, "message larger than %zu bytes", max);
				rc = HR_ETOOBIG;
				goto fail;
			}
			size_t ncap = cap ? cap * 2 : 4096;
			if (ncap > max)
				ncap = max;
			unsigned char *nb = realloc(buf, ncap);
			if (!nb) {
				snprintf(err, errlen, "out of memory");
				rc = HR_ENOMEM;
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		if ((rc = wait_fd(fd, POLLIN, deadline)) < 0) {
			snprintf(err, errlen, rc == HR_ETIMEOUT ? "timed out waiting for a message" :
				"cannot wait for a message: %s", strerror(errno));
			goto fail;
		}
		/* read no further than the end of the current line: a peer that
		   sends the next message early must not have it swallowed here */
		size_t want = cap - len;
		if (len - pos < 4) {
			if (want > 4 - (len - pos))
				want = 4 - (len - pos);
		} else {
			/* the header is whole (and valid: parsed above) but the line is not */
			size_t n = 0;
			for (int i = 0; i < 4; i++) {
				unsigned char ch = buf[pos + i];
				n = n << 4 | (size_t)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
			}
			if (n > len - pos && want > n - (len - pos))
				want = n - (len - pos);
		}
		char cbuf[CMSG_SPACE(sizeof(int) * 8)];
		struct iovec iov = { .iov_base = buf + len, .iov_len = want };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			.msg_controllen = sizeof(cbuf) };
		ssize_t got = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			continue;
		for (struct cmsghdr *cm = got >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int *in = (int *)(void *)CMSG_DATA(cm);
			for (size_t i = 0; i < n; i++) {
				if (fds && nfds && *nfds < maxfds) {
					fds[(*nfds)++] = in[i];
				} else {
					close(in[i]);
					rc = HR_EINVALID;
				}
			}
		}
		if (got >= 0 && (mh.msg_flags & MSG_CTRUNC))
			rc = HR_EINVALID;
		if (got > 0 && rc == HR_EINVALID) {
			snprintf(err, errlen, "too many descriptors with a message");
			goto fail;
		}
		if (got <= 0) {
			snprintf(err, errlen, got == 0 ? "the peer closed the connection" : "cannot read: %s",
				strerror(errno));
			rc = HR_EIO;
			goto fail;
		}
		len += (size_t)got;
	}
fail:
	free(buf);
	if (fds && nfds) {
		close_fds(fds, *nfds);
		*nfds = 0;
	}
	return rc;
}

int hr_sock_write(int fd, const void *data, size_t len, const int *fds, size_t nfds,
	double deadline, char *err, size_t errlen)
{
	const unsigned char *p = data;
	bool fds_sent = nfds == 0;
	while (len > 0 || !fds_sent) {
		int rc = wait_fd(fd, POLLOUT, deadline);
		if (rc < 0) {
			snprintf(err, errlen, rc == HR_ETIMEOUT ? "timed out writing to the peer" :
				"cannot write: %s", strerror(errno));
			return rc;
		}
		char cbuf[CMSG_SPACE(sizeof(int) * 8)];
		struct iovec iov = { .iov_base = (void *)p, .iov_len = len };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		if (!fds_sent) {
			if (nfds > 8 || len == 0)
				return HR_EINVALID;
			memset(cbuf, 0, sizeof(cbuf));
			mh.msg_control = cbuf;
			mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
			struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
			memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
			iov.iov_len = 1; /* the descriptors travel with the first byte alone */
		}
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				continue;
			snprintf(err, errlen, "cannot write: %s", strerror(errno));
			return HR_EIO;
		}
		fds_sent = true;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int hr_sock_peer(int fd, uid_t *uid, pid_t *pid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof(cred))
		return HR_EIO;
	*uid = cred.uid;
	if (pid)
		*pid = cred.pid;
	return 0;
}

static int fill_addr(struct sockaddr_un *sa, const char *path, char *err, size_t errlen)
{
	size_t n = strlen(path);
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (n >= sizeof(sa->sun_path)) {
		snprintf(err, errlen, "socket path '%s' is %zu bytes long: a Unix socket path holds at most %zu",
			path, n, sizeof(sa->sun_path) - 1);
		return HR_EINVALID;
	}
	memcpy(sa->sun_path, path, n + 1);
	return 0;
}

/* The directory part of `path` (malloc'd; "/" for a file at the root). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int hr_sock_listen(const char *path, int backlog, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct stat st;
	int rc = fill_addr(&sa, path, err, errlen), fd = -1;
	if (rc < 0)
		return rc;
	char *dir = dir_of(path);
	if (!dir)
		return HR_ENOMEM;
	if (stat(dir, &st) != 0) {
		snprintf(err, errlen, "socket directory '%s': %s", dir, strerror(errno));
		rc = HR_ENOTFOUND;
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "socket directory '%s' is not a directory", dir);
		rc = HR_EINVALID;
		goto out;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		snprintf(err, errlen, "socket directory '%s' belongs to uid %lu, not to this user (%lu) or root: "
			"its owner could replace the socket", dir, (unsigned long)st.st_uid, (unsigned long)geteuid());
		rc = HR_EINVALID;
		goto out;
	}
	if (st.st_mode & 022) {
		snprintf(err, errlen, "socket directory '%s' is writable by %s (mode %03o): another user could "
			"replace the socket; use a directory only the daemon's user can write (e.g. /run/hook-run)",
			dir, st.st_mode & 002 ? "everyone" : "its group", (unsigned)(st.st_mode & 0777));
		rc = HR_EINVALID;
		goto out;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "'%s' exists and is not a socket: not removing it", path);
			rc = HR_EINVALID;
			goto out;
		}
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe < 0) {
			snprintf(err, errlen, "socket: %s", strerror(errno));
			rc = HR_EIO;
			goto out;
		}
		int c = connect(probe, (struct sockaddr *)&sa, sizeof(sa));
		int cerr = errno;
		close(probe);
		if (c == 0 || (cerr != ECONNREFUSED && cerr != ENOENT)) {
			snprintf(err, errlen, "another hook-run daemon already serves '%s'%s%s", path,
				c == 0 ? "" : ": ", c == 0 ? "" : strerror(cerr));
			rc = HR_ECONFLICT;
			goto out;
		}
		if (st.st_uid != geteuid()) {
			snprintf(err, errlen, "'%s' is a stale socket of uid %lu: not removing another user's file",
				path, (unsigned long)st.st_uid);
			rc = HR_EINVALID;
			goto out;
		}
		/* stale: nobody listens. Gone by now is fine (another start removed it). */
		if (unlink(path) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "cannot remove the stale socket '%s': %s", path, strerror(errno));
			rc = HR_EIO;
			goto out;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		rc = HR_EIO;
		goto out;
	}
	/* bind creates the file with the umask: the peer check decides who is served,
	   but nobody else need even connect */
	mode_t old = umask(0117);
	int b = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	int berr = errno;
	umask(old);
	if (b != 0 || listen(fd, backlog) != 0) {
		snprintf(err, errlen, "cannot listen on '%s': %s", path, strerror(b != 0 ? berr : errno));
		rc = b != 0 && berr == EADDRINUSE ? HR_ECONFLICT : HR_EIO;
		close(fd);
		fd = -1;
		goto out;
	}
	rc = fd;
out:
	free(dir);
	return rc;
}

int hr_sock_connect(const char *path, uid_t expect_uid, double deadline, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	int rc = fill_addr(&sa, path, err, errlen);
	if (rc < 0)
		return rc;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return HR_EIO;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int cerr = errno;
		if (cerr == EAGAIN || cerr == EINPROGRESS) {
			/* the listen backlog is full: wait for room until the deadline */
			if ((rc = wait_fd(fd, POLLOUT, deadline)) < 0) {
				snprintf(err, errlen, "no answer from the daemon at '%s' in time", path);
				close(fd);
				return HR_ETIMEOUT;
			}
			socklen_t l = sizeof(cerr);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &cerr, &l) != 0)
				cerr = errno;
		}
		if (cerr) {
			snprintf(err, errlen, "cannot connect to the daemon at '%s': %s", path, strerror(cerr));
			close(fd);
			return cerr == ENOENT ? HR_ENOTFOUND : cerr == ECONNREFUSED ? HR_ECONFLICT : HR_EIO;
		}
	}
	uid_t uid;
	if (hr_sock_peer(fd, &uid, NULL) < 0) {
		snprintf(err, errlen, "cannot tell who answers at '%s'", path);
		close(fd);
		return HR_EIO;
	}
	if (uid != expect_uid && uid != 0) {
		snprintf(err, errlen, "the socket '%s' is served by uid %lu, not by the daemon's user (%lu): "
			"not trusting it", path, (unsigned long)uid, (unsigned long)expect_uid);
		close(fd);
		return HR_EINVALID;
	}
	return fd;
}
