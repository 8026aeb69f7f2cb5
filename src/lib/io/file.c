/*
 * file.c - bounded reads and atomic replacement of files (see fileio.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hook-run/fileio.h"

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

int hr_file_write_atomic(const char *path, const char *data, size_t len,
	char *err, size_t errlen)
{
	struct stat st;
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 32);
	int fd = -1, rc = HR_EIO;
	bool have_mode = stat(path, &st) == 0;

	if (!tmp) {
		snprintf(err, errlen, "cannot write '%s': out of memory", path);
		return HR_ENOMEM;
	}
	/* same directory, so rename() is atomic */
	snprintf(tmp, plen + 32, "%s.hook-run-XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		free(tmp);
		return HR_EIO;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
			goto fail;
		}
		off += (size_t)w;
	}
	if (!have_mode) {
		mode_t um = umask(0);
		umask(um);
		st.st_mode = 0666 & ~um;
	}
	if (fchmod(fd, st.st_mode & 07777) != 0) {
		snprintf(err, errlen, "cannot keep the mode of '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot replace '%s': %s", path, strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return rc;
}
