/* SPDX-License-Identifier: MIT */
/*
 * file.c - bounded reads, reads that follow no symbolic link, atomic
 * replacement of files, and the cleanup of what hook-run creates when a
 * signal ends it (see fileio.h).
 *
 * Atomic replacement without a name to leave behind: the content is
 * written into an unnamed file of the target's directory (O_TMPFILE),
 * then given a temporary name (linkat through /proc/self/fd, or
 * AT_EMPTY_PATH) and renamed over the target, the two calls with the
 * catchable signals held. Only SIGKILL between those two calls leaves a
 * NAME.hook-run-XXXXXX file. Filesystems without O_TMPFILE get a named
 * temporary file from mkstemp(), registered for the signal cleanup.
 *
 * The cleanup registry is a fixed array of paths written before a slot is
 * marked used, so the handler reads only complete paths, and calls only
 * unlink(), signal() and raise(): async-signal-safe.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hook-run/fileio.h"

#ifndef O_TMPFILE
#define O_TMPFILE 0
#endif

static int read_fd(char **out, size_t *len, int fd, const char *path, size_t max_size,
	char *err, size_t errlen)
{
	size_t cap = 64 * 1024, n = 0;
	char *buf = malloc(cap + 1);

	if (!buf) {
		snprintf(err, errlen, "cannot read '%s': out of memory", path);
		return HR_ENOMEM;
	}
	for (;;) {
		if (n == cap) {
			if (max_size && n > max_size)
				break;
			size_t ncap = cap * 2;
			char *p = realloc(buf, ncap + 1);
			if (!p) {
				free(buf);
				snprintf(err, errlen, "cannot read '%s': out of memory", path);
				return HR_ENOMEM;
			}
			buf = p;
			cap = ncap;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
			free(buf);
			return HR_EIO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (max_size && n > max_size)
			break;
	}
	if (max_size && n > max_size) {
		snprintf(err, errlen, "'%s' is larger than the %zu byte limit", path, max_size);
		free(buf);
		return HR_ETOOBIG;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int hr_file_read(char **out, size_t *len, const char *path, size_t max_size,
	char *err, size_t errlen)
{
	struct stat st;
	int fd, rc;

	*out = NULL;
	*len = 0;
	if (strcmp(path, "-") == 0)
		return read_fd(out, len, STDIN_FILENO, "<stdin>", max_size, err, errlen);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return errno == ENOENT ? HR_ENOTFOUND : HR_EIO;
	}
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "cannot read '%s': is a directory", path);
			close(fd);
			return HR_EIO;
		}
		if (S_ISREG(st.st_mode) && max_size && (size_t)st.st_size > max_size) {
			snprintf(err, errlen, "'%s' is larger than the %zu byte limit (%lld bytes)",
				path, max_size, (long long)st.st_size);
			close(fd);
			return HR_ETOOBIG;
		}
	}
	rc = read_fd(out, len, fd, path, max_size, err, errlen);
	close(fd);
	return rc;
}

/* ---- symbolic links ------------------------------------------------------ */

static int join(char *buf, size_t cap, const char *root, const char *rel, size_t rel_len)
{
	size_t rlen = root ? strlen(root) : 0;
	if (rlen + rel_len + 1 > cap)
		return -1;
	if (rlen)
		memcpy(buf, root, rlen);
	memcpy(buf + rlen, rel, rel_len);
	buf[rlen + rel_len] = '\0';
	return 0;
}

int hr_path_check_beneath(const char *root, const char *rel, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	size_t n = strlen(rel);

	if (rel[0] == '/') {
		/* an absolute path typed by the user: only its last component */
		if (lstat(rel, &st) == 0 && S_ISLNK(st.st_mode)) {
			snprintf(err, errlen, "'%s' is a symbolic link: not followed", rel);
			return HR_ESYMLINK;
		}
		return 0;
	}
	for (size_t i = 0; i <= n; i++) {
		if (i < n && rel[i] != '/')
			continue;
		/* rel[0..i) is a prefix ending at a component boundary */
		size_t start = i;
		while (start > 0 && rel[start - 1] != '/')
			start--;
		size_t clen = i - start;
		if (clen == 0 || (clen == 1 && rel[start] == '.'))
			continue;
		if (join(path, sizeof(path), root, rel, i) < 0) {
			snprintf(err, errlen, "'%s': path too long", rel);
			return HR_EINVALID;
		}
		if (lstat(path, &st) != 0)
			return 0; /* missing: the caller's open says so */
		if (S_ISLNK(st.st_mode)) {
			snprintf(err, errlen, "'%.*s' is a symbolic link: not followed", (int)i, rel);
			return HR_ESYMLINK;
		}
		if (i < n && !S_ISDIR(st.st_mode))
			return 0;
	}
	return 0;
}

int hr_file_read_beneath(char **out, size_t *len, const char *root, const char *rel, size_t max_size,
	char *link_target, size_t target_len, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, rc;

	*out = NULL;
	*len = 0;
	if (link_target && target_len)
		link_target[0] = '\0';
	if (join(path, sizeof(path), rel[0] == '/' ? NULL : root, rel, strlen(rel)) < 0) {
		snprintf(err, errlen, "'%s': path too long", rel);
		return HR_EINVALID;
	}
	if ((rc = hr_path_check_beneath(root, rel, err, errlen)) < 0) {
		if (rc == HR_ESYMLINK && link_target && target_len && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
			ssize_t t = readlink(path, link_target, target_len - 1);
			link_target[t > 0 ? (size_t)t : 0] = '\0';
		}
		return rc;
	}
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP) {
			snprintf(err, errlen, "'%s' is a symbolic link: not followed", rel);
			return HR_ESYMLINK;
		}
		snprintf(err, errlen, "cannot read '%s': %s", rel, strerror(errno));
		return errno == ENOENT ? HR_ENOTFOUND : HR_EIO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot read '%s': not a regular file", rel);
		close(fd);
		return HR_EIO;
	}
	if (max_size && (size_t)st.st_size > max_size) {
		snprintf(err, errlen, "'%s' is larger than the %zu byte limit (%lld bytes)", rel, max_size,
			(long long)st.st_size);
		close(fd);
		return HR_ETOOBIG;
	}
	rc = read_fd(out, len, fd, rel, max_size, err, errlen);
	close(fd);
	return rc;
}

/* ---- signals ----------------------------------------------------------------- */

#define CLEANUP_SLOTS 8

static char cleanup_paths[CLEANUP_SLOTS][PATH_MAX];
static volatile sig_atomic_t cleanup_used[CLEANUP_SLOTS];
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE };
#define NSIGNALS (sizeof(cleanup_signals) / sizeof(cleanup_signals[0]))

static void on_signal(int sig)
{
	for (int i = 0; i < CLEANUP_SLOTS; i++)
		if (cleanup_used[i])
			unlink(cleanup_paths[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

void hr_cleanup_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSIGNALS; i++)
		sigaddset(&sa.sa_mask, cleanup_signals[i]);
	for (size_t i = 0; i < NSIGNALS; i++) {
		struct sigaction old;
		/* a signal the caller ignores (nohup, SIGPIPE in a pipeline) stays ignored */
		if (sigaction(cleanup_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(cleanup_signals[i], &sa, NULL);
	}
}

int hr_cleanup_register(const char *path)
{
	size_t n = strlen(path);
	if (n >= PATH_MAX)
		return -1;
	for (int i = 0; i < CLEANUP_SLOTS; i++)
		if (!cleanup_used[i]) {
			memcpy(cleanup_paths[i], path, n + 1);
			cleanup_used[i] = 1; /* after the copy: the handler sees a whole path */
			return i;
		}
	return -1;
}

void hr_cleanup_unregister(int slot)
{
	if (slot >= 0 && slot < CLEANUP_SLOTS)
		cleanup_used[slot] = 0;
}

void hr_signals_hold(sigset_t *saved)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < NSIGNALS; i++)
		sigaddset(&set, cleanup_signals[i]);
	sigprocmask(SIG_BLOCK, &set, saved);
}

void hr_signals_release(const sigset_t *saved)
{
	sigprocmask(SIG_SETMASK, saved, NULL);
}

/* ---- atomic replacement ------------------------------------------------------- */

static int write_all(int fd, const char *data, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

/* a name for the temporary link: PATH.hook-run-XXXXXX, from the pid and the clock */
static void temp_name(char *out, size_t cap, const char *path, unsigned attempt)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	unsigned long x = (unsigned long)getpid() * 2654435761u ^ (unsigned long)ts.tv_nsec ^ attempt * 40503u;
	snprintf(out, cap, "%s.hook-run-%06lx", path, x & 0xffffff);
}

/* write, mode, fsync: the common part of both ways */
static int fill(int fd, const char *path, const char *data, size_t len, mode_t mode, char *err, size_t errlen)
{
	if (write_all(fd, data, len) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return HR_EIO;
	}
	if (fchmod(fd, mode & 07777) != 0) {
		snprintf(err, errlen, "cannot keep the mode of '%s': %s", path, strerror(errno));
		return HR_EIO;
	}
	if (fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return HR_EIO;
	}
	return 0;
}

/* the fallback: a named temporary file, removed by the signal handler if need be */
static int write_named(const char *path, const char *data, size_t len, mode_t mode, char *err, size_t errlen)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 32);
	int fd, rc, slot;

	if (!tmp) {
		snprintf(err, errlen, "cannot write '%s': out of memory", path);
		return HR_ENOMEM;
	}
	snprintf(tmp, plen + 32, "%s.hook-run-XXXXXX", path);
	sigset_t saved;
	hr_signals_hold(&saved);
	fd = mkstemp(tmp);
	slot = fd >= 0 ? hr_cleanup_register(tmp) : -1;
	hr_signals_release(&saved);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		free(tmp);
		return HR_EIO;
	}
	rc = fill(fd, path, data, len, mode, err, errlen);
	if (close(fd) != 0 && rc == 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		rc = HR_EIO;
	}
	hr_signals_hold(&saved);
	if (rc == 0 && rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot replace '%s': %s", path, strerror(errno));
		rc = HR_EIO;
	}
	if (rc < 0)
		unlink(tmp);
	hr_cleanup_unregister(slot);
	hr_signals_release(&saved);
	free(tmp);
	return rc;
}

int hr_file_write_atomic(const char *path, const char *data, size_t len,
	char *err, size_t errlen)
{
	struct stat st;
	char dir[PATH_MAX], tmp[PATH_MAX + 32], fdpath[64];
	mode_t mode;
	int fd, rc;

	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			snprintf(err, errlen, "'%s' is a symbolic link: not written through", path);
			return HR_ESYMLINK;
		}
		if (!S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "cannot write '%s': not a regular file", path);
			return HR_EIO;
		}
		mode = st.st_mode;
	} else {
		mode_t um = umask(0);
		umask(um);
		mode = 0666 & ~um;
	}
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	if (dlen + 2 > sizeof(dir) || strlen(path) + 1 > PATH_MAX) {
		snprintf(err, errlen, "cannot write '%s': path too long", path);
		return HR_EIO;
	}
	if (slash) {
		memcpy(dir, path, dlen ? dlen : 1);
		dir[dlen ? dlen : 1] = '\0';
	} else {
		memcpy(dir, ".", 2);
	}
	fd = O_TMPFILE ? open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600) : -1;
	if (fd < 0) {
		if (!O_TMPFILE || errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
			return write_named(path, data, len, mode, err, errlen);
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return HR_EIO;
	}
	if ((rc = fill(fd, path, data, len, mode, err, errlen)) < 0) {
		close(fd); /* the unnamed file goes with it */
		return rc;
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	sigset_t saved;
	hr_signals_hold(&saved);
	rc = -1;
	for (unsigned attempt = 0; attempt < 16 && rc != 0; attempt++) {
		temp_name(tmp, sizeof(tmp), path, attempt);
		rc = linkat(AT_FDCWD, fdpath, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW);
		if (rc != 0 && errno == ENOENT) /* no /proc: needs CAP_DAC_READ_SEARCH */
			rc = linkat(fd, "", AT_FDCWD, tmp, AT_EMPTY_PATH);
		if (rc != 0 && errno != EEXIST)
			break;
	}
	int link_errno = errno;
	if (rc == 0 && rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot replace '%s': %s", path, strerror(errno));
		unlink(tmp);
		hr_signals_release(&saved);
		close(fd);
		return HR_EIO;
	}
	hr_signals_release(&saved);
	close(fd);
	if (rc != 0) {
		if (link_errno == ENOENT || link_errno == EPERM || link_errno == EOPNOTSUPP)
			return write_named(path, data, len, mode, err, errlen);
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(link_errno));
		return HR_EIO;
	}
	return 0;
}
