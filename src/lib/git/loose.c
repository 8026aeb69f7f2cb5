/* SPDX-License-Identifier: MIT */
/*
 * loose.c - git's loose objects and lists of object directories, read
 * without libgit2 (no git_* call in this file).
 *
 * Why: hook-run's fast paths are to stop loading libgit2 (it becomes a
 * fallback loaded on demand). Next to the pack reader (packread.c) this
 * is the other half of reading objects: a loose object is the file
 * OBJDIR/xx/yyyy... (the id's 40 lower-case hex digits, the first two as
 * a directory), one zlib stream holding `<type> <decimal size>\0` and the
 * object's bytes.
 *
 * How: hr_loose_read() tries each object directory in order; the first
 * that has the file is read (a later copy is never tried, even when the
 * first is corrupt: for a checker a corrupt object is an error, not a
 * reason to look elsewhere; git would print an error and go on to its
 * next source). The file is inflated in 64 KB reads, never mapped (a file
 * cut short under a mapping is a SIGBUS). The header is checked as git's
 * unpack_loose_header() and parse_loose_header() (object-file.c) check it:
 * it must come out of the first 32 inflated bytes (MAX_HEADER_LEN); the
 * type is exactly commit, tree, blob or tag; the size is canonical
 * decimal (a digit first, no '+', no leading zero, no overflow) followed
 * by the NUL. A declared size over `max` is HR_ETOOBIG, and one larger
 * than the compressed bytes could ever inflate to (zlib's 1032:1) is
 * HR_EINVALID, both before anything of that size is allocated. The body
 * must then be exactly the declared size, the zlib stream must end
 * (Z_STREAM_END), and nothing may follow it in the file: git's
 * unpack_loose_rest() says "garbage at end of loose object" for that too.
 *
 * Where git is laxer, this reader is strict (each is a corrupt object,
 * HR_EINVALID): git's unpack_loose_rest() accepts a stream that ends
 * before the declared size (returning a buffer it did not fill) and, when
 * the whole object came out with the header's first 32 bytes, one that
 * holds more than the declared size (it cuts it); git then relies on a
 * hash check, which its low-level reads skip.
 *
 * The file is opened O_RDONLY|O_CLOEXEC|O_NONBLOCK and must be a regular
 * file (fstat): symbolic links are followed, as git follows them (object
 * directories may be links, e.g. an alternate's), and O_NONBLOCK keeps a
 * FIFO planted where an object should be from hanging the open; anything
 * but a regular file is HR_EINVALID. A missing file (ENOENT, or ENOTDIR
 * for a fan-out "directory" that is a file) means "try the next
 * directory"; any other failure to open or read is HR_EIO.
 *
 * The object's SHA-1 is not checked, as git's loose object reader does not
 * check it (read_object_info_from_path); nor as the rest of hook-run reads
 * objects (libgit2's strict hash verification is off).
 *
 * hr_objdirs_add_alternates() builds git's list of object directories
 * from objects/info/alternates as odb.c's parse_alternates() and
 * odb_add_alternate_recursively() do: one entry per line; '#' starts a
 * comment line; empty lines are skipped; a line starting with '"' is
 * C-unquoted (quote.c's unquote_c_style(); a broken quote is taken as a
 * plain path, as git does); a relative entry is relative to the object
 * directory whose file lists it; each is normalised by realpath() and
 * kept unless it is already listed or not a directory (git prints an
 * error; here it is skipped silently); the alternates of what is added
 * are read in turn, depth first, down to git's limit (the directories
 * listed by OBJDIR's own file are depth 0, a depth-5 directory's
 * alternates are ignored). Duplicates are never followed, so a cycle
 * ends. An alternates file that exists but cannot be read is HR_EIO (git
 * warns and goes on: objects would then be missing for no visible
 * reason); one over 1 MB is HR_ETOOBIG; a list over 64 directories is
 * HR_ETOOBIG. What it does not do: GIT_ALTERNATE_OBJECT_DIRECTORIES
 * (repo.c keeps its own parser, whose broken quotes are errors).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "git_internal.h"

/* git's MAX_HEADER_LEN: the header must come out of the first 32 bytes */
#define HEADER_MAX 32
/* bytes read from the file at a time */
#define READ_CHUNK ((size_t)64 * 1024)
/* zlib's deflate never does better than about 1032:1 */
#define ZLIB_MAX_RATIO 1032
/* the longest info/alternates file read */
#define ALTERNATES_FILE_MAX ((size_t)1024 * 1024)
/* git's nesting limit (odb_add_alternate_recursively) */
#define ALTERNATES_DEPTH 5

/* ---- inflating from memory or from a file ---------------------------- */

/* A zlib stream fed from a buffer or, 64 KB at a time, from a file. */
typedef struct zsrc {
	z_stream z;
	const unsigned char *mem;   /* the whole input (fd < 0), or */
	size_t memlen, memoff;      /* how much of it is handed to zlib so far */
	int fd;                     /* the file, read into buf */
	unsigned char *buf;
	size_t total;               /* the input's size (for the ratio check) */
	int read_errno;             /* set when read() failed */
	const char *name;           /* for messages */
} zsrc;

/* More input for zlib: 1, 0 at the end of the input, -1 on a read error. */
static int refill(zsrc *s)
{
	if (s->z.avail_in)
		return 1;
	if (s->fd < 0) {
		size_t left = s->memlen - s->memoff;
		if (!left)
			return 0;
		uInt n = left > UINT_MAX ? UINT_MAX : (uInt)left;
		s->z.next_in = (Bytef *)(uintptr_t)(s->mem + s->memoff);
		s->z.avail_in = n;
		s->memoff += n;
		return 1;
	}
	for (;;) {
		ssize_t n = read(s->fd, s->buf, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			s->read_errno = errno;
			return -1;
		}
		if (n == 0)
			return 0;
		s->z.next_in = s->buf;
		s->z.avail_in = (uInt)n;
		return 1;
	}
}

enum { PULL_FULL, PULL_END, PULL_SHORT, PULL_CORRUPT, PULL_IOERR };

/*
 * Inflate into out[0..len), *got bytes so far. `finish`: go on when the
 * buffer is full, to reach the end of the stream (its last block and
 * checksum need no room). PULL_FULL: the buffer is full (and, with
 * `finish`, the stream wants to write more); PULL_END: the stream ended;
 * PULL_SHORT: the input ended first; PULL_CORRUPT: zlib refused it.
 */
static int pull(zsrc *s, unsigned char *out, size_t len, size_t *got, bool finish)
{
	for (;;) {
		size_t room = len - *got;
		if (!room && !finish)
			return PULL_FULL;
		int more = refill(s);
		if (more < 0)
			return PULL_IOERR;
		s->z.next_out = out + *got;
		s->z.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
		uInt before = s->z.avail_out;
		int st = inflate(&s->z, Z_NO_FLUSH);
		*got += before - s->z.avail_out;
		if (st == Z_STREAM_END)
			return PULL_END;
		if (st == Z_BUF_ERROR) {
			if (!s->z.avail_out)
				return PULL_FULL;
			if (!s->z.avail_in && !more)
				return PULL_SHORT;
			if (!s->z.avail_in)
				continue;
			return PULL_CORRUPT; /* input and room, yet no progress */
		}
		if (st != Z_OK)
			return PULL_CORRUPT;
		if (!more && s->z.avail_in == 0 && s->z.avail_out == before)
			return PULL_SHORT; /* no input left, no progress */
	}
}

/* Is there input after the end of the stream? -1: a read error. */
static int trailing_bytes(zsrc *s)
{
	if (s->z.avail_in)
		return 1;
	return refill(s);
}

static int io_error(zsrc *s, char *err, size_t errlen)
{
	snprintf(err, errlen, "cannot read loose object '%s': %s", s->name, strerror(s->read_errno));
	return HR_EIO;
}

static int corrupt(char *err, size_t errlen, const char *name, const char *what)
{
	snprintf(err, errlen, "corrupt loose object '%s': %s", name, what);
	return HR_EINVALID;
}

/* ---- the header ---------------------------------------------------- */

static const char *const type_names[] = { NULL, "commit", "tree", "blob", "tag" };

/*
 * Parse `<type> <size>\0` at hdr (NUL-terminated within hdrlen), as
 * git's parse_loose_header(), with an unknown type an error.
 */
static int parse_header(int *type, size_t *size, const char *hdr, const char *name,
	char *err, size_t errlen)
{
	const char *sp = strchr(hdr, ' ');
	if (!sp)
		return corrupt(err, errlen, name, "no space after the type in its header");
	*type = 0;
	for (int t = 1; t <= 4; t++)
		if ((size_t)(sp - hdr) == strlen(type_names[t]) && !memcmp(hdr, type_names[t], (size_t)(sp - hdr)))
			*type = t;
	if (!*type)
		return corrupt(err, errlen, name, "unknown object type in its header");
	const char *p = sp + 1;
	if (*p < '0' || *p > '9')
		return corrupt(err, errlen, name, "the size in its header is not a decimal number");
	size_t n = (size_t)(*p++ - '0');
	if (n) {
		while (*p >= '0' && *p <= '9') {
			size_t d = (size_t)(*p++ - '0');
			if (n > (SIZE_MAX - d) / 10)
				return corrupt(err, errlen, name, "the size in its header overflows");
			n = n * 10 + d;
		}
	}
	if (*p)
		return corrupt(err, errlen, name, "unexpected bytes after the size in its header");
	*size = n;
	return 0;
}

/*
 * Inflate and parse the header. hdr receives the first bytes inflated
 * (*hdrlen of them, the header and maybe some of the body); *ended says
 * whether the stream ended within them.
 */
static int read_header(zsrc *s, int *type, size_t *size, unsigned char hdr[HEADER_MAX],
	size_t *hdrlen, bool *ended, char *err, size_t errlen)
{
	*hdrlen = 0;
	*ended = false;
	if (s->total == 0)
		return corrupt(err, errlen, s->name, "the file is empty");
	int r = pull(s, hdr, HEADER_MAX, hdrlen, false);
	if (r == PULL_IOERR)
		return io_error(s, err, errlen);
	if (r == PULL_CORRUPT)
		return corrupt(err, errlen, s->name, "cannot inflate its header");
	*ended = r == PULL_END;
	const unsigned char *nul = memchr(hdr, '\0', *hdrlen);
	if (!nul)
		return corrupt(err, errlen, s->name, *hdrlen == HEADER_MAX ? "its header is longer than 32 bytes"
			: "its header is cut short");
	return parse_header(type, size, (const char *)hdr, s->name, err, errlen);
}

/* Check the declared size before allocating it. */
static int check_size(zsrc *s, size_t size, size_t max, char *err, size_t errlen)
{
	if ((max && size > max) || size == SIZE_MAX) {
		snprintf(err, errlen, "loose object '%s' is %zu bytes, over the limit of %zu", s->name, size,
			max ? max : SIZE_MAX - 1);
		return HR_ETOOBIG;
	}
	size_t bound = s->total > (SIZE_MAX - 64) / ZLIB_MAX_RATIO ? SIZE_MAX : s->total * ZLIB_MAX_RATIO + 64;
	if (size > bound) {
		snprintf(err, errlen, "corrupt loose object '%s': it claims %zu bytes, more than its %zu "
			"compressed bytes can hold", s->name, size, s->total);
		return HR_EINVALID;
	}
	return 0;
}

/* The whole object: header, body, end of stream, nothing after it. */
static int read_object(hr_looseobj *out, zsrc *s, size_t max, char *err, size_t errlen)
{
	unsigned char hdr[HEADER_MAX];
	size_t hdrlen, size;
	bool ended;
	int type, rc;

	if ((rc = read_header(s, &type, &size, hdr, &hdrlen, &ended, err, errlen)) < 0)
		return rc;
	if ((rc = check_size(s, size, max, err, errlen)) < 0)
		return rc;
	size_t skip = strlen((const char *)hdr) + 1, got = hdrlen - skip;
	if (got > size)
		return corrupt(err, errlen, s->name, "it holds more than the size in its header");
	unsigned char *data = malloc(size + 1);
	if (!data)
		return HR_ENOMEM;
	memcpy(data, hdr + skip, got);
	if (!ended) {
		int r = pull(s, data, size, &got, true);
		if (r == PULL_FULL) {
			/* one more byte tells "longer than declared" from "cut short" */
			unsigned char probe;
			size_t extra = 0;
			r = pull(s, &probe, 1, &extra, true);
			if (r == PULL_FULL || extra)
				r = PULL_FULL;
		}
		switch (r) {
		case PULL_END:
			break;
		case PULL_FULL:
			rc = corrupt(err, errlen, s->name, "it holds more than the size in its header");
			goto fail;
		case PULL_SHORT:
			rc = corrupt(err, errlen, s->name, "the file is cut short");
			goto fail;
		case PULL_IOERR:
			rc = io_error(s, err, errlen);
			goto fail;
		default:
			rc = corrupt(err, errlen, s->name, "cannot inflate its data");
			goto fail;
		}
	}
	if (got != size) {
		rc = corrupt(err, errlen, s->name, "it holds less than the size in its header");
		goto fail;
	}
	int more = trailing_bytes(s);
	if (more < 0) {
		rc = io_error(s, err, errlen);
		goto fail;
	}
	if (more) {
		rc = corrupt(err, errlen, s->name, "garbage after its compressed data");
		goto fail;
	}
	data[size] = '\0';
	out->type = type;
	out->data = data;
	out->len = size;
	return 0;
fail:
	free(data);
	return rc;
}

static int zsrc_init(zsrc *s)
{
	if (inflateInit(&s->z) != Z_OK)
		return HR_ENOMEM;
	return 0;
}

int hr_loose_parse(hr_looseobj *out, const unsigned char *zdata, size_t zlen, size_t max,
	const char *name, char *err, size_t errlen)
{
	zsrc s;
	memset(&s, 0, sizeof(s));
	memset(out, 0, sizeof(*out));
	s.mem = zdata;
	s.memlen = zlen;
	s.total = zlen;
	s.fd = -1;
	s.name = name ? name : "(memory)";
	if (zsrc_init(&s) < 0)
		return HR_ENOMEM;
	int rc = read_object(out, &s, max, err, errlen);
	inflateEnd(&s.z);
	return rc;
}

void hr_looseobj_free(hr_looseobj *obj)
{
	if (!obj)
		return;
	free(obj->data);
	obj->data = NULL;
	obj->len = 0;
	obj->type = 0;
}

/* ---- finding the file ---------------------------------------------- */

static void oid_hex(char out[HR_OID_HEXSZ + 1], const hr_oid *id)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < HR_OID_RAWSZ; i++) {
		out[2 * i] = hex[id->id[i] >> 4];
		out[2 * i + 1] = hex[id->id[i] & 15];
	}
	out[HR_OID_HEXSZ] = '\0';
}

/*
 * Open object `id` in the first directory that has it: *fd, *path (a
 * malloc'd name for messages) and its size. HR_ENOTFOUND when none has it.
 */
static int open_object(int *fd, char **path, size_t *size, char *const *objdirs, size_t ndirs,
	const hr_oid *id, char *err, size_t errlen)
{
	char hex[HR_OID_HEXSZ + 1];
	oid_hex(hex, id);
	*fd = -1;
	*path = NULL;
	for (size_t i = 0; i < ndirs; i++) {
		if (!objdirs[i] || !*objdirs[i])
			continue;
		size_t dlen = strlen(objdirs[i]);
		char *p = malloc(dlen + HR_OID_HEXSZ + 3);
		if (!p)
			return HR_ENOMEM;
		memcpy(p, objdirs[i], dlen);
		p[dlen] = '/';
		memcpy(p + dlen + 1, hex, 2);
		p[dlen + 3] = '/';
		memcpy(p + dlen + 4, hex + 2, HR_OID_HEXSZ - 2 + 1);
		int f;
		do
			f = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		while (f < 0 && errno == EINTR);
		if (f < 0) {
			int e = errno;
			if (e == ENOENT || e == ENOTDIR) {
				free(p);
				continue;
			}
			snprintf(err, errlen, "cannot open loose object '%s': %s", p, strerror(e));
			free(p);
			return HR_EIO;
		}
		struct stat st;
		if (fstat(f, &st) < 0) {
			snprintf(err, errlen, "cannot read loose object '%s': %s", p, strerror(errno));
			close(f);
			free(p);
			return HR_EIO;
		}
		if (!S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "loose object '%s' is not a regular file", p);
			close(f);
			free(p);
			return HR_EINVALID;
		}
		*fd = f;
		*path = p;
		*size = (size_t)st.st_size;
		return 0;
	}
	return HR_ENOTFOUND;
}

/* Open object `id` and ready a stream over it. */
static int open_stream(zsrc *s, char *const *objdirs, size_t ndirs, const hr_oid *id,
	char *err, size_t errlen)
{
	char *path;
	int fd, rc;
	size_t size;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if ((rc = open_object(&fd, &path, &size, objdirs, ndirs, id, err, errlen)) < 0)
		return rc;
	s->fd = fd;
	s->name = path;
	s->total = size;
	if (!(s->buf = malloc(READ_CHUNK)) || zsrc_init(s) < 0) {
		free(s->buf);
		free(path);
		close(fd);
		return HR_ENOMEM;
	}
	return 0;
}

static void close_stream(zsrc *s)
{
	inflateEnd(&s->z);
	free(s->buf);
	free((char *)s->name);
	close(s->fd);
}

int hr_loose_read(hr_looseobj *out, char *const *objdirs, size_t ndirs, const hr_oid *id,
	size_t max, char *err, size_t errlen)
{
	zsrc s;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = open_stream(&s, objdirs, ndirs, id, err, errlen)) < 0)
		return rc;
	rc = read_object(out, &s, max, err, errlen);
	close_stream(&s);
	return rc;
}

int hr_loose_header(int *type, size_t *size, char *const *objdirs, size_t ndirs, const hr_oid *id,
	char *err, size_t errlen)
{
	unsigned char hdr[HEADER_MAX];
	size_t hdrlen;
	bool ended;
	zsrc s;
	int rc;

	if ((rc = open_stream(&s, objdirs, ndirs, id, err, errlen)) < 0)
		return rc;
	rc = read_header(&s, type, size, hdr, &hdrlen, &ended, err, errlen);
	close_stream(&s);
	return rc;
}

/* ---- object directories: info/alternates --------------------------- */

/*
 * C-unquote the string at s (starting with '"') as quote.c's
 * unquote_c_style(): into *out (malloc'd), *end after the closing quote.
 * 0; 1 for a broken quote; HR_ENOMEM.
 */
static int unquote_c(char **out, const char **end, const char *s)
{
	char *buf = malloc(strlen(s) + 1);
	size_t n = 0;
	if (!buf)
		return HR_ENOMEM;
	s++;
	for (;;) {
		size_t span = strcspn(s, "\"\\");
		memcpy(buf + n, s, span);
		n += span;
		s += span;
		char c = *s++;
		if (c == '"')
			break;
		if (c != '\\')
			goto bad;
		switch ((c = *s++)) {
		case 'a': c = '\a'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'v': c = '\v'; break;
		case '\\': case '"': break;
		case '0': case '1': case '2': case '3':
			if (s[0] < '0' || s[0] > '7' || s[1] < '0' || s[1] > '7')
				goto bad;
			c = (char)(((c - '0') << 6) | ((s[0] - '0') << 3) | (s[1] - '0'));
			s += 2;
			break;
		default:
			goto bad;
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	*out = buf;
	*end = s;
	return 0;
bad:
	free(buf);
	return 1;
}

/* What hr_objdirs_add_alternates() carries down its recursion. */
typedef struct altlist {
	char ***dirs;             /* the caller's list, appended to */
	size_t *n;
	char **seen;              /* realpath() of every directory listed (or as given) */
	size_t nseen;
	char *err;
	size_t errlen;
} altlist;

#define OBJDIRS_MAX 64

static int seen_add(altlist *l, char *real)
{
	char **grown = realloc(l->seen, (l->nseen + 1) * sizeof(char *));
	if (!grown) {
		free(real);
		return HR_ENOMEM;
	}
	l->seen = grown;
	l->seen[l->nseen++] = real;
	return 0;
}

static bool seen_has(const altlist *l, const char *real)
{
	for (size_t i = 0; i < l->nseen; i++)
		if (!strcmp(l->seen[i], real))
			return true;
	return false;
}

/* The contents of `path` (NUL-terminated), NULL with *rc 0 when it does not exist. */
static char *read_small_file(const char *path, int *rc, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd;

	*rc = 0;
	do
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR) {
			snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
			*rc = HR_EIO;
		}
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		*rc = HR_EIO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot read '%s': not a regular file", path);
		*rc = HR_EIO;
		goto out;
	}
	if ((size_t)st.st_size > ALTERNATES_FILE_MAX) {
		snprintf(err, errlen, "'%s' is over %zu bytes", path, ALTERNATES_FILE_MAX);
		*rc = HR_ETOOBIG;
		goto out;
	}
	if (!(buf = malloc(ALTERNATES_FILE_MAX + 1))) {
		*rc = HR_ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, ALTERNATES_FILE_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
			*rc = HR_EIO;
			free(buf);
			buf = NULL;
			goto out;
		}
		if (n == 0 || (len += (size_t)n) == ALTERNATES_FILE_MAX)
			break;
	}
	buf[len] = '\0';
out:
	close(fd);
	return buf;
}

static int add_alternates_of(altlist *l, const char *objdir, int depth);

/*
 * One entry of an alternates file, `entry`, relative to `base` (the
 * realpath of the directory listing it), found at `depth`.
 */
static int add_entry(altlist *l, const char *base, const char *entry, int depth)
{
	char *joined = NULL, *real;
	int rc = 0;

	if (entry[0] != '/') {
		size_t blen = strlen(base), elen = strlen(entry);
		if (!(joined = malloc(blen + elen + 2)))
			return HR_ENOMEM;
		memcpy(joined, base, blen);
		joined[blen] = '/';
		memcpy(joined + blen + 1, entry, elen + 1);
	}
	real = realpath(joined ? joined : entry, NULL);
	free(joined);
	struct stat st;
	if (!real || stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
		/* missing, or not a directory: git prints an error and goes on */
		free(real);
		return 0;
	}
	size_t rlen = strlen(real);
	while (rlen > 1 && real[rlen - 1] == '/')
		real[--rlen] = '\0';
	if (seen_has(l, real)) {
		free(real);
		return 0;
	}
	if (*l->n >= OBJDIRS_MAX) {
		snprintf(l->err, l->errlen, "too many object directories (over %d) with alternate '%s'",
			OBJDIRS_MAX, real);
		free(real);
		return HR_ETOOBIG;
	}
	char *copy = strdup(real);
	char **grown = copy ? realloc(*l->dirs, (*l->n + 1) * sizeof(char *)) : NULL;
	if (!grown) {
		free(copy);
		free(real);
		return HR_ENOMEM;
	}
	*l->dirs = grown;
	grown[(*l->n)++] = copy;
	if ((rc = seen_add(l, real)) < 0)
		return rc;
	/* git: "ignoring alternate object stores, nesting too deep" */
	if (depth + 1 <= ALTERNATES_DEPTH)
		rc = add_alternates_of(l, copy, depth + 1);
	return rc;
}

/* The entries of objdir/info/alternates, found at `depth`, each added in turn. */
static int add_alternates_of(altlist *l, const char *objdir, int depth)
{
	size_t dlen = strlen(objdir);
	char *path = malloc(dlen + sizeof("/info/alternates"));
	char *text = NULL, *base = NULL;
	int rc = 0;

	if (!path)
		return HR_ENOMEM;
	memcpy(path, objdir, dlen);
	memcpy(path + dlen, "/info/alternates", sizeof("/info/alternates"));
	text = read_small_file(path, &rc, l->err, l->errlen);
	if (!text)
		goto out;
	if (!(base = realpath(objdir, NULL))) {
		rc = errno == ENOMEM ? HR_ENOMEM : 0;
		goto out;
	}
	/* as git's parse_alternates(): a NUL ends the text */
	for (const char *s = text; *s && rc == 0;) {
		const char *end;
		char *entry = NULL;
		if (*s == '#') {
			end = strchrnul(s, '\n');
		} else if (*s == '"' && (rc = unquote_c(&entry, &end, s)) == 0) {
			/* quoted: `end` is after the closing quote */
		} else {
			if (rc == HR_ENOMEM)
				break;
			rc = 0;
			end = strchrnul(s, '\n');
			if (!(entry = strndup(s, (size_t)(end - s)))) {
				rc = HR_ENOMEM;
				break;
			}
		}
		if (*end)
			end++;
		s = end;
		if (entry && *entry)
			rc = add_entry(l, base, entry, depth);
		free(entry);
	}
out:
	free(base);
	free(text);
	free(path);
	return rc;
}

int hr_objdirs_add_alternates(char ***dirs, size_t *n, const char *objdir, char *err, size_t errlen)
{
	altlist l = { dirs, n, NULL, 0, err, errlen };
	int rc = 0;

	/* what is listed already, and objdir itself, are never added again */
	for (size_t i = 0; i <= *n && rc == 0; i++) {
		const char *d = i < *n ? (*dirs)[i] : objdir;
		char *real = realpath(d, NULL);
		if (!real && !(real = strdup(d)))
			rc = HR_ENOMEM;
		else
			rc = seen_add(&l, real);
	}
	if (rc == 0)
		rc = add_alternates_of(&l, objdir, 0);
	for (size_t i = 0; i < l.nseen; i++)
		free(l.seen[i]);
	free(l.seen);
	return rc;
}
