/* SPDX-License-Identifier: MIT */
/*
 * context_fs.c - the build context of a Dockerfile on disk, for
 * hr_check_ext() (see context.h).
 *
 * The candidate roots are the Dockerfile's folder and each parent up to the
 * top of the git working tree around it (the first folder holding `.git`),
 * or only the Dockerfile's folder outside a repository. Paths are looked up
 * with lstat() below a root and never through a symlink: a symlink is
 * reported as a symlink, whatever it points to, so nothing outside the
 * tree is ever read (only the first 512 bytes of a regular file, to tell an
 * archive). A path with a ".." component is never looked up.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hook-run/context.h"

#define MAX_ROOTS 16

struct hr_fs_context {
	char *roots[MAX_ROOTS]; /* absolute, no trailing '/' ("/" itself as "") */
	size_t nroots;
};

static bool safe_rel(const char *p)
{
	for (const char *s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if ((n == 2 && s[0] == '.' && s[1] == '.') || n == 0)
			return false;
		s += n + (e ? 1 : 0);
		if (!e)
			break;
	}
	return true;
}

/* lstat every component: a symlinked folder on the way is not followed */
static hr_ctx_type fs_type(const char *root, const char *rel, char *full, size_t fullsz)
{
	struct stat st;
	int n = snprintf(full, fullsz, "%s", root);
	if (n < 0 || (size_t)n >= fullsz)
		return HR_CTX_UNKNOWN;
	const char *s = rel;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t cl = e ? (size_t)(e - s) : strlen(s);
		int m = snprintf(full + n, fullsz - (size_t)n, "/%.*s", (int)cl, s);
		if (m < 0 || (size_t)(n + m) >= fullsz)
			return HR_CTX_UNKNOWN;
		n += m;
		if (lstat(full, &st) != 0)
			return errno == ENOENT || errno == ENOTDIR ? HR_CTX_ABSENT : HR_CTX_UNKNOWN;
		if (S_ISLNK(st.st_mode))
			return HR_CTX_SYMLINK;
		if (e && !S_ISDIR(st.st_mode))
			return HR_CTX_ABSENT;
		s += cl + (e ? 1 : 0);
		if (!e)
			break;
	}
	if (!*rel) {
		if (lstat(*root ? root : "/", &st) != 0)
			return HR_CTX_UNKNOWN;
	}
	return S_ISDIR(st.st_mode) ? HR_CTX_DIR : S_ISREG(st.st_mode) ? HR_CTX_FILE : HR_CTX_UNKNOWN;
}

static bool file_is_archive(const char *full)
{
	unsigned char buf[512];
	int fd = open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	size_t n = 0;
	while (n < sizeof(buf)) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	return hr_bytes_are_archive(buf, n);
}

static hr_ctx_type fs_lookup(void *data, size_t root, const char *path, unsigned *flags)
{
	hr_fs_context *x = data;
	char full[4096];
	*flags = 0;
	if (root >= x->nroots || !safe_rel(path))
		return HR_CTX_UNKNOWN;
	hr_ctx_type t = fs_type(x->roots[root], path, full, sizeof(full));
	if (t == HR_CTX_FILE && file_is_archive(full))
		*flags |= HR_CTX_ARCHIVE;
	return t;
}

static int fs_list(void *data, size_t root, const char *path,
	int (*fn)(void *arg, const char *name, hr_ctx_type type, unsigned flags), void *arg)
{
	hr_fs_context *x = data;
	char full[4096];
	if (root >= x->nroots || !safe_rel(path))
		return -1;
	if (fs_type(x->roots[root], path, full, sizeof(full)) != HR_CTX_DIR)
		return -1;
	DIR *d = opendir(*full ? full : "/");
	if (!d)
		return -1;
	struct dirent *e;
	size_t fl = strlen(full);
	int rc = 0;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char child[4096];
		if ((size_t)snprintf(child, sizeof(child), "%.*s/%s", (int)fl, full, e->d_name) >= sizeof(child))
			continue;
		struct stat st;
		if (lstat(child, &st) != 0)
			continue;
		hr_ctx_type t = S_ISLNK(st.st_mode) ? HR_CTX_SYMLINK : S_ISDIR(st.st_mode) ? HR_CTX_DIR :
				S_ISREG(st.st_mode) ? HR_CTX_FILE : HR_CTX_UNKNOWN;
		unsigned flags = t == HR_CTX_FILE && file_is_archive(child) ? HR_CTX_ARCHIVE : 0;
		if (fn(arg, e->d_name, t, flags)) {
			rc = 0;
			break;
		}
	}
	closedir(d);
	return rc;
}

int hr_fs_context_new(hr_fs_context **out, hr_build_context *view, const char *dockerfile)
{
	hr_fs_context *x = calloc(1, sizeof(*x));
	char *abs = NULL;
	*out = NULL;
	memset(view, 0, sizeof(*view));
	if (!x)
		return HR_ENOMEM;
	/* the folder of the Dockerfile, made absolute without resolving symlinks in it */
	const char *slash = strrchr(dockerfile, '/');
	char *dir = slash ? strndup(dockerfile, (size_t)(slash - dockerfile)) : strdup(".");
	if (!dir)
		goto nomem;
	if (dir[0] != '/') {
		char cwd[4096];
		if (!getcwd(cwd, sizeof(cwd))) {
			free(dir);
			free(x);
			return HR_EIO;
		}
		size_t need = strlen(cwd) + strlen(dir) + 2;
		abs = malloc(need);
		if (!abs) {
			free(dir);
			goto nomem;
		}
		snprintf(abs, need, "%s/%s", strcmp(cwd, "/") ? cwd : "", dir);
		free(dir);
	} else {
		abs = dir;
	}
	/* clean it: drop "." components, resolve ".." textually */
	size_t n = strlen(abs), len = 0;
	char *clean = malloc(n + 1);
	if (!clean)
		goto nomem;
	for (size_t i = 0; i < n;) {
		while (i < n && abs[i] == '/')
			i++;
		size_t s = i;
		while (i < n && abs[i] != '/')
			i++;
		size_t cl = i - s;
		if (cl == 0 || (cl == 1 && abs[s] == '.'))
			continue;
		if (cl == 2 && abs[s] == '.' && abs[s + 1] == '.') {
			while (len > 0 && clean[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			continue;
		}
		clean[len++] = '/';
		memcpy(clean + len, abs + s, cl);
		len += cl;
	}
	clean[len] = '\0';
	free(abs);
	abs = NULL;

	/* candidates: the folder, then parents up to the one holding .git */
	char *cur = clean;
	for (;;) {
		if (x->nroots == MAX_ROOTS)
			break;
		x->roots[x->nroots] = strdup(cur);
		if (!x->roots[x->nroots]) {
			free(clean);
			goto nomem;
		}
		x->nroots++;
		char probe[4096];
		struct stat st;
		if ((size_t)snprintf(probe, sizeof(probe), "%s/.git", cur) < sizeof(probe) && lstat(probe, &st) == 0)
			break;
		char *sl = strrchr(cur, '/');
		if (!sl || !*cur)
			break;
		*sl = '\0';
	}
	/* outside a repository, only the Dockerfile's folder */
	char probe[4096];
	struct stat st;
	const char *top = x->roots[x->nroots - 1];
	if ((size_t)snprintf(probe, sizeof(probe), "%s/.git", top) >= sizeof(probe) || lstat(probe, &st) != 0) {
		for (size_t i = 1; i < x->nroots; i++)
			free(x->roots[i]);
		x->nroots = 1;
	}
	free(clean);
	view->ncandidates = x->nroots;
	view->lookup = fs_lookup;
	view->list = fs_list;
	view->data = x;
	*out = x;
	return 0;
nomem:
	free(abs);
	hr_fs_context_free(x);
	return HR_ENOMEM;
}

void hr_fs_context_free(hr_fs_context *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nroots; i++)
		free(x->roots[i]);
	free(x);
}
