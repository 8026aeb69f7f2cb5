/* SPDX-License-Identifier: MIT */
/*
 * refdb.c - the files-backend ref store read without libgit2 (see
 * git_internal.h, hr_refdb_*): loose refs under GITDIR/refs/ and
 * GITDIR/packed-refs, as git's refs/files-backend.c and
 * refs/packed-backend.c read them.
 *
 * Why: hook-run's fast paths (hiding every ref during pre-receive,
 * resolving HEAD) should not have to load and initialise libgit2. This
 * reader covers the common store; whatever it does not cover it reports
 * as HR_ENOTSUP, and the caller asks libgit2 instead.
 *
 * How it works:
 *  - hr_refdb_open() reads packed-refs once into a sorted array
 *    (parse_owned: the file read into one buffer, names cut out in place;
 *    read(), not mmap, so a file cut short meanwhile is no SIGBUS).
 *  - Loose refs are read when asked: resolve opens one file; foreach walks
 *    refs/ with readdir over an explicit work list of directories (one
 *    directory open at a time, no recursion: a hostile store of any depth
 *    or size costs heap, not stack), reads every loose ref into a sorted
 *    array, merges it with the packed array (loose wins), then follows
 *    symbolic refs within that snapshot.
 *  - Every path is opened component by component from a descriptor of the
 *    git directory with O_NOFOLLOW, so no symbolic link is ever followed.
 *
 * Choices, where git and libgit2 differ (git is followed unless said):
 *  - A loose file is `ref:` + optional spaces + target, or 40 hex digits
 *    (either case) followed by the end or whitespace and then anything
 *    (parse_loose_ref_contents; libgit2 agrees), after trailing
 *    whitespace is cut; text is read up to its first NUL, as git's C
 *    strings end there. libgit2 wants exactly "ref: ". Anything else is a
 *    broken ref: foreach skips it (and it still hides a packed ref of its
 *    name, as git's overlay does), resolve fails with HR_EINVALID (git
 *    fails too, libgit2 reports corruption), dwim passes over it to the
 *    next rule as git does (libgit2's git_reference_dwim fails instead).
 *  - Symbolic refs: git reads at most 5 refs (SYMREF_MAXDEPTH), so 4
 *    symbolic refs before the direct one resolve and 5 do not (not found);
 *    libgit2 reads 6 and reports the deeper ones as an error. A target
 *    failing check_refname_format is dangling.
 *  - Names outside refs/ are read only when upper case and '_' (HEAD,
 *    ORIG_HEAD; git's refname_is_safe): git would also try any other file
 *    of the git directory ("config") and find it broken.
 *  - Loose refs of the null id are left out of foreach (git marks them
 *    broken); resolve hands the id out, as git rev-parse does.
 *  - packed-refs: a line git dies on is HR_EINVALID for the whole store
 *    (git dies on it only when it reaches the line; libgit2 refuses the
 *    whole store). An entry whose name fails check_refname_format is left
 *    out; one whose name would escape refs/ is HR_EINVALID (git dies).
 *    CRLF: the '\r' stays in the name, which then fails the format check
 *    and is left out, as in git (libgit2 strips it), and a peel line
 *    ending in CRLF is malformed. A NUL byte anywhere is HR_EINVALID (git
 *    would silently cut the name there). The `sorted` trait is not
 *    trusted: the array is sorted when it is not (git trusts it and its
 *    binary search may then miss entries); of duplicate names the first
 *    is kept. Entries outside refs/ (git never writes them; `FOO`) are
 *    found by resolve but left out of foreach, which lists refs/ only
 *    (git for-each-ref would list them).
 *
 * Limits, all HR_ENOTSUP so that libgit2 decides: a linked worktree
 * (gitdir != commondir: per-worktree refs live apart), a reftable, a
 * symbolic link anywhere under refs/ or as packed-refs (modern git reads
 * a link to a ref name as a symbolic ref and follows others: neither is
 * done here), a ref name or symbolic target over HR_REFDB_MAX_NAME bytes,
 * more than MAX_LOOSE_REFS loose refs. Files under refs/ that are neither
 * regular files nor directories are skipped. No locking: a ref being
 * rewritten while it is read is seen before or after, never half (git
 * renames a complete lock file over it), but foreach is not one atomic
 * snapshot of the store, just as git's is not. Reflogs, peeled ids and
 * the config's extensions.refStorage are not read. No object is read
 * either: a ref to a missing object is listed (git for-each-ref skips it
 * with a warning; libgit2's iterator lists it).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_internal.h"

/* more loose refs than this: HR_ENOTSUP (about 100 bytes of heap each) */
#define MAX_LOOSE_REFS (16u * 1024 * 1024)
/* packed-refs over this size: HR_ETOOBIG */
#define MAX_PACKED_SIZE ((size_t)1 << 30)
/* bytes of a loose ref file read: a symbolic target longer than fits is HR_ENOTSUP */
#define MAX_LOOSE_FILE (HR_REFDB_MAX_NAME + 64)
/* git's SYMREF_MAXDEPTH: refs read while following one name */
#define SYMREF_MAX_READS 5

struct hr_refdb {
	char *gitdir;             /* absolute, trailing '/' (the common directory too) */
	int dirfd;                /* the git directory, every path is opened beneath it */
	hr_packed_refs packed;
};

typedef enum loose_kind {
	LOOSE_MISSING = 0,        /* no such file (or a directory of that name) */
	LOOSE_DIRECT,
	LOOSE_SYMREF,
	LOOSE_BROKEN,             /* a file that is not a ref */
} loose_kind;

/* one loose ref, as read by foreach */
typedef struct loose_ref {
	char *name;
	loose_kind kind;
	hr_oid id;                /* LOOSE_DIRECT */
	char *target;             /* LOOSE_SYMREF: malloc'd */
} loose_ref;

/* the loose refs read by foreach, sorted by name */
typedef struct loose_set {
	loose_ref *refs;
	size_t n, cap;
} loose_set;

/* how following a name ended */
typedef enum follow_end {
	FOLLOW_OK = 0,
	FOLLOW_MISSING,           /* the name itself does not exist */
	FOLLOW_DANGLING,          /* a symbolic ref to nothing, or to a bad name */
	FOLLOW_TOO_DEEP,          /* more than SYMREF_MAX_READS reads */
	FOLLOW_BROKEN,            /* a file on the way is not a ref */
} follow_end;

/* ---- names ------------------------------------------------------------ */

/* git's isspace (sane_ctype): space, \t, \n, \r */
static bool git_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool hr_refname_valid(const char *name, size_t len)
{
	if (len == 0 || (len == 1 && name[0] == '@'))
		return false;
	size_t comp = 0;          /* start of the current component */
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)name[i] : '/';
		if (c == '/') {
			size_t clen = i - comp;
			if (clen == 0 || name[comp] == '.')
				return false;
			if (clen >= 5 && !memcmp(name + i - 5, ".lock", 5))
				return false;
			comp = i + 1;
			continue;
		}
		if (c < 0x20 || c == 0x7f || c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' ||
		    c == '*' || c == '[' || c == '\\')
			return false;
		if (c == '.' && i > comp && name[i - 1] == '.')
			return false;
		if (c == '{' && i > comp && name[i - 1] == '@')
			return false;
	}
	return name[len - 1] != '.';
}

/*
 * git's refname_is_safe(): under refs/, no empty, "." or ".." component
 * (it cannot leave refs/); elsewhere upper case letters and '_' only.
 */
static bool refname_safe(const char *name, size_t len)
{
	if (len >= 5 && !memcmp(name, "refs/", 5)) {
		const char *rest = name + 5;
		size_t rlen = len - 5, comp = 0;
		if (rlen == 0)
			return false;
		for (size_t i = 0; i <= rlen; i++) {
			if (i < rlen && rest[i] != '/')
				continue;
			size_t clen = i - comp;
			if (clen == 0 || (clen == 1 && rest[comp] == '.') ||
			    (clen == 2 && rest[comp] == '.' && rest[comp + 1] == '.'))
				return false;
			comp = i + 1;
		}
		return true;
	}
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((name[i] >= 'A' && name[i] <= 'Z') || name[i] == '_'))
			return false;
	return true;
}

/* a name this reader looks up: valid, and under refs/ or upper case (HEAD) */
static bool refname_readable(const char *name)
{
	size_t len = strlen(name);
	if (!hr_refname_valid(name, len))
		return false;
	return (len > 5 && !memcmp(name, "refs/", 5)) || refname_safe(name, len);
}

/* ---- packed-refs ------------------------------------------------------- */

void hr_packed_refs_free(hr_packed_refs *refs)
{
	if (!refs)
		return;
	free(refs->refs);
	free(refs->buf);
	refs->refs = NULL;
	refs->buf = NULL;
	refs->n = 0;
}

static int packed_cmp(const void *a, const void *b)
{
	const hr_packed_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	/* names point into one buffer in file order: ties keep the file's order */
	return (x->name > y->name) - (x->name < y->name);
}

static int packed_fail(hr_packed_refs *out, size_t lineno, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "packed-refs, line %zu: %s", lineno, what);
	hr_packed_refs_free(out);
	return HR_EINVALID;
}

/*
 * hr_packed_refs_parse() on `buf` (len + 1 bytes, malloc'd), which it
 * takes over: freed on failure, kept as out->buf on success. The reader
 * hands its own buffer, so that a large file is not held twice.
 */
static int parse_owned(hr_packed_refs *out, char *buf, size_t len, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (len == 0) {
		free(buf);
		return 0;
	}
	out->buf = buf;
	buf[len] = '\0';

	size_t pos = 0, lineno = 1;
	if (buf[0] == '#') {
		const char *eol = memchr(buf, '\n', len);
		if (!eol)
			return packed_fail(out, 1, "unterminated line", err, errlen);
		if (len < 17 || memcmp(buf, "# pack-refs with:", 17))
			return packed_fail(out, 1, "a comment that is not the pack-refs header", err, errlen);
		pos = (size_t)(eol - buf) + 1;
		lineno++;
	}
	if (memchr(buf, '\0', len)) {
		size_t nul = (size_t)((const char *)memchr(buf, '\0', len) - buf), line = 1;
		for (size_t i = 0; i < nul; i++)
			line += buf[i] == '\n';
		return packed_fail(out, line, "a NUL byte", err, errlen);
	}
	/* at most one entry per 42 bytes */
	size_t cap = (len - pos) / 42 + 1;
	out->refs = malloc(cap * sizeof(*out->refs));
	if (!out->refs) {
		hr_packed_refs_free(out);
		snprintf(err, errlen, "cannot read packed-refs: out of memory");
		return HR_ENOMEM;
	}

	bool sorted = true;
	while (pos < len) {
		size_t start = pos;
		if (buf[pos] == '^')
			return packed_fail(out, lineno, "a peel line that follows no ref", err, errlen);
		if (len - pos < HR_OID_HEXSZ + 2)
			return packed_fail(out, lineno, "a line too short for an id and a name", err, errlen);
		hr_oid id;
		if (!hr_oid_parse(&id, buf + pos, HR_OID_HEXSZ))
			return packed_fail(out, lineno, "not an object id", err, errlen);
		pos += HR_OID_HEXSZ;
		if (!git_space((unsigned char)buf[pos]))
			return packed_fail(out, lineno, "no space after the object id", err, errlen);
		pos++;
		char *eol = memchr(buf + pos, '\n', len - pos);
		if (!eol)
			return packed_fail(out, lineno, "unterminated line", err, errlen);
		char *name = buf + pos;
		size_t namelen = (size_t)(eol - name);
		/* a '\n' right after the id makes the next line the name, as in git */
		for (size_t i = start; i < (size_t)(eol - buf); i++)
			lineno += buf[i] == '\n';
		*eol = '\0';
		pos = (size_t)(eol - buf) + 1;
		lineno++;
		bool valid = hr_refname_valid(name, namelen);
		if (!valid && !refname_safe(name, namelen))
			return packed_fail(out, lineno - 1, "a ref name that leaves refs/", err, errlen);
		if (pos < len && buf[pos] == '^') {
			hr_oid peeled;
			if (len - pos < HR_OID_HEXSZ + 2 || !hr_oid_parse(&peeled, buf + pos + 1, HR_OID_HEXSZ) ||
			    buf[pos + 1 + HR_OID_HEXSZ] != '\n')
				return packed_fail(out, lineno, "a malformed peel line", err, errlen);
			pos += HR_OID_HEXSZ + 2;
			lineno++;
		}
		if (!valid)
			continue;     /* git: REF_ISBROKEN, skipped */
		if (out->n && strcmp(out->refs[out->n - 1].name, name) >= 0)
			sorted = false;
		out->refs[out->n].name = name;
		out->refs[out->n].id = id;
		out->n++;
	}
	if (!sorted) {
		if (out->n)
			qsort(out->refs, out->n, sizeof(*out->refs), packed_cmp);
		size_t kept = 0;
		for (size_t i = 0; i < out->n; i++)
			if (!kept || strcmp(out->refs[kept - 1].name, out->refs[i].name))
				out->refs[kept++] = out->refs[i];
		out->n = kept;
	}
	return 0;
}

int hr_packed_refs_parse(hr_packed_refs *out, const char *data, size_t len, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	char *buf = malloc(len + 1);
	if (!buf) {
		snprintf(err, errlen, "cannot read packed-refs: out of memory");
		return HR_ENOMEM;
	}
	if (len)
		memcpy(buf, data, len);
	return parse_owned(out, buf, len, err, errlen);
}

static const hr_packed_ref *packed_find(const hr_packed_refs *p, const char *name)
{
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(p->refs[mid].name, name);
		if (c == 0)
			return &p->refs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- loose refs ------------------------------------------------------- */

/*
 * What a loose file holds (files-backend.c: strbuf_rtrim, then
 * parse_loose_ref_contents on the C string). *target is malloc'd.
 */
static int parse_loose(loose_kind *kind, hr_oid *id, char **target, const char *buf, size_t len,
	bool truncated)
{
	while (len && git_space((unsigned char)buf[len - 1]))
		len--;
	const char *nul = memchr(buf, '\0', len);
	if (nul)
		len = (size_t)(nul - buf);
	if (len >= 4 && !memcmp(buf, "ref:", 4)) {
		size_t i = 4;
		while (i < len && git_space((unsigned char)buf[i]))
			i++;
		if (truncated)
			return HR_ENOTSUP;
		*target = malloc(len - i + 1);
		if (!*target)
			return HR_ENOMEM;
		memcpy(*target, buf + i, len - i);
		(*target)[len - i] = '\0';
		*kind = LOOSE_SYMREF;
		return 0;
	}
	if (len >= HR_OID_HEXSZ && hr_oid_parse(id, buf, HR_OID_HEXSZ) &&
	    (len == HR_OID_HEXSZ || git_space((unsigned char)buf[HR_OID_HEXSZ])))
		*kind = LOOSE_DIRECT;
	else
		*kind = LOOSE_BROKEN;
	return 0;
}

/* read an open loose ref file (up to MAX_LOOSE_FILE bytes) and parse it */
static int read_loose_fd(loose_kind *kind, hr_oid *id, char **target, int fd, const char *name,
	char *err, size_t errlen)
{
	char buf[MAX_LOOSE_FILE + 1];
	size_t len = 0;
	while (len < sizeof(buf)) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "cannot read ref '%s': %s", name, strerror(errno));
			return HR_EIO;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	bool truncated = len > MAX_LOOSE_FILE;
	int rc = parse_loose(kind, id, target, buf, truncated ? MAX_LOOSE_FILE : len, truncated);
	if (rc == HR_ENOTSUP)
		snprintf(err, errlen, "ref '%s': a symbolic ref over %d bytes", name, MAX_LOOSE_FILE);
	else if (rc == HR_ENOMEM)
		snprintf(err, errlen, "cannot read ref '%s': out of memory", name);
	return rc;
}

/*
 * Open `rel` (a '/'-separated path, no empty components) beneath the git
 * directory without following any link: each directory with O_NOFOLLOW.
 * *fd = -1 when some component is missing or not a directory.
 * HR_ENOTSUP on a symbolic link; HR_EIO on other errors.
 */
static int open_beneath(int *fd, hr_refdb *db, const char *rel, int flags, char *err, size_t errlen)
{
	*fd = -1;
	int dir = db->dirfd;
	char comp[HR_REFDB_MAX_NAME + 1];
	const char *p = rel;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t clen = slash ? (size_t)(slash - p) : strlen(p);
		if (clen == 0 || clen > HR_REFDB_MAX_NAME) {
			if (dir != db->dirfd)
				close(dir);   /* "a//b" or "a/": no such file */
			break;
		}
		memcpy(comp, p, clen);
		comp[clen] = '\0';
		int f = openat(dir, comp, slash ? O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
			: flags | O_NOFOLLOW | O_CLOEXEC);
		int saved = errno;
		if (f < 0 && (saved == ENOTDIR || saved == ELOOP)) {
			/* O_DIRECTORY | O_NOFOLLOW on a link is ENOTDIR: which was it? */
			struct stat st;
			if (fstatat(dir, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				saved = ELOOP;
		}
		if (dir != db->dirfd)
			close(dir);
		dir = db->dirfd;
		if (f < 0) {
			if (saved == ENOENT || saved == ENOTDIR || saved == EISDIR)
				break;
			if (saved == ELOOP) {
				snprintf(err, errlen, "'%s': a symbolic link under the git directory", rel);
				return HR_ENOTSUP;
			}
			if (saved == ENAMETOOLONG) {
				snprintf(err, errlen, "'%s': a name too long", rel);
				return HR_ENOTSUP;
			}
			snprintf(err, errlen, "cannot open '%s%s': %s", db->gitdir, rel, strerror(saved));
			return HR_EIO;
		}
		if (!slash) {
			*fd = f;
			break;
		}
		/* O_DIRECTORY with O_NOFOLLOW refused a link: f is a directory */
		dir = f;
		p = slash + 1;
	}
	return 0;
}

/* read the loose ref `name` from disk; LOOSE_MISSING for none */
static int read_loose(loose_kind *kind, hr_oid *id, char **target, hr_refdb *db, const char *name,
	char *err, size_t errlen)
{
	*kind = LOOSE_MISSING;
	*target = NULL;
	int fd;
	/* O_NONBLOCK: a FIFO named like a ref must not hang the reader */
	int rc = open_beneath(&fd, db, name, O_RDONLY | O_NONBLOCK, err, errlen);
	if (rc < 0 || fd < 0)
		return rc;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot read ref '%s': %s", name, strerror(errno));
		close(fd);
		return HR_EIO;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);           /* git: EISDIR, then the packed ref */
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		*kind = LOOSE_BROKEN;
		return 0;
	}
	rc = read_loose_fd(kind, id, target, fd, name, err, errlen);
	close(fd);
	return rc;
}

static int loose_cmp(const void *a, const void *b)
{
	return strcmp(((const loose_ref *)a)->name, ((const loose_ref *)b)->name);
}

static const loose_ref *loose_find(const loose_set *s, const char *name)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->refs[mid].name, name);
		if (c == 0)
			return &s->refs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void loose_set_free(loose_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->refs[i].name);
		free(s->refs[i].target);
	}
	free(s->refs);
	memset(s, 0, sizeof(*s));
}

/* a growing list of directories still to read (relative names) */
typedef struct dir_list {
	char **names;
	size_t n, cap;
} dir_list;

static int dir_list_push(dir_list *l, char *name)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **names = realloc(l->names, cap * sizeof(*names));
		if (!names)
			return HR_ENOMEM;
		l->names = names;
		l->cap = cap;
	}
	l->names[l->n++] = name;
	return 0;
}

static char *join_name(const char *dir, const char *entry)
{
	size_t dlen = strlen(dir), elen = strlen(entry);
	char *s = malloc(dlen + 1 + elen + 1);
	if (!s)
		return NULL;
	memcpy(s, dir, dlen);
	s[dlen] = '/';
	memcpy(s + dlen + 1, entry, elen + 1);
	return s;
}

/* read one directory's entries into the set and the work list */
static int read_loose_dir(loose_set *set, dir_list *todo, hr_refdb *db, const char *dirname,
	char *err, size_t errlen)
{
	int fd;
	int rc = open_beneath(&fd, db, dirname, O_RDONLY | O_DIRECTORY, err, errlen);
	if (rc < 0 || fd < 0)
		return rc;            /* gone since it was listed: nothing to read */
	DIR *d = fdopendir(fd);
	if (!d) {
		snprintf(err, errlen, "cannot read '%s%s': %s", db->gitdir, dirname, strerror(errno));
		close(fd);
		return HR_EIO;
	}
	struct dirent *de;
	char *full = NULL;
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				snprintf(err, errlen, "cannot read '%s%s': %s", db->gitdir, dirname, strerror(errno));
				rc = HR_EIO;
			}
			break;
		}
		const char *ent = de->d_name;
		size_t elen = strlen(ent);
		/* files-backend.c loose_fill_ref_dir: dot files and locks are not refs */
		if (ent[0] == '.' || (elen >= 5 && !memcmp(ent + elen - 5, ".lock", 5)))
			continue;
		if (strlen(dirname) + 1 + elen > HR_REFDB_MAX_NAME) {
			snprintf(err, errlen, "a ref name over %d bytes under '%s'", HR_REFDB_MAX_NAME, dirname);
			rc = HR_ENOTSUP;
			break;
		}
		struct stat st;
		if (fstatat(dirfd(d), ent, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;
			snprintf(err, errlen, "cannot read '%s%s/%s': %s", db->gitdir, dirname, ent, strerror(errno));
			rc = HR_EIO;
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			snprintf(err, errlen, "'%s/%s': a symbolic link under the git directory", dirname, ent);
			rc = HR_ENOTSUP;
			break;
		}
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
			continue;
		full = join_name(dirname, ent);
		if (!full) {
			rc = HR_ENOMEM;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if ((rc = dir_list_push(todo, full)) < 0)
				break;
			full = NULL;
			continue;
		}
		if (!hr_refname_valid(full, strlen(full))) {
			free(full);       /* git: REF_BAD_NAME, skipped with a warning */
			full = NULL;
			continue;
		}
		if (set->n == MAX_LOOSE_REFS) {
			snprintf(err, errlen, "more than %u loose refs", MAX_LOOSE_REFS);
			rc = HR_ENOTSUP;
			break;
		}
		if (set->n == set->cap) {
			size_t cap = set->cap ? set->cap * 2 : 64;
			loose_ref *refs = realloc(set->refs, cap * sizeof(*refs));
			if (!refs) {
				rc = HR_ENOMEM;
				break;
			}
			set->refs = refs;
			set->cap = cap;
		}
		loose_ref *r = &set->refs[set->n];
		memset(r, 0, sizeof(*r));
		int ffd = openat(dirfd(d), ent, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (ffd < 0) {
			if (errno == ENOENT) {
				free(full);
				full = NULL;
				continue;
			}
			if (errno == ELOOP) {
				snprintf(err, errlen, "'%s': a symbolic link under the git directory", full);
				rc = HR_ENOTSUP;
			} else {
				snprintf(err, errlen, "cannot read ref '%s': %s", full, strerror(errno));
				rc = HR_EIO;
			}
			break;
		}
		rc = read_loose_fd(&r->kind, &r->id, &r->target, ffd, full, err, errlen);
		close(ffd);
		if (rc < 0)
			break;
		r->name = full;
		full = NULL;
		set->n++;
	}
	free(full);
	closedir(d);
	if (rc == HR_ENOMEM)
		snprintf(err, errlen, "cannot read the loose refs: out of memory");
	return rc;
}

/* every loose ref under refs/, sorted by name */
static int read_loose_all(loose_set *set, hr_refdb *db, char *err, size_t errlen)
{
	dir_list todo = { 0 };
	int rc = 0;
	char *top = malloc(5);
	if (!top || dir_list_push(&todo, top) < 0) {
		free(top);
		rc = HR_ENOMEM;
		snprintf(err, errlen, "cannot read the loose refs: out of memory");
		goto out;
	}
	memcpy(top, "refs", 5);
	while (todo.n) {
		char *dirname = todo.names[--todo.n];
		rc = read_loose_dir(set, &todo, db, dirname, err, errlen);
		free(dirname);
		if (rc < 0)
			goto out;
	}
	if (set->n) /* qsort wants a pointer, even for nothing */
		qsort(set->refs, set->n, sizeof(*set->refs), loose_cmp);
out:
	for (size_t i = 0; i < todo.n; i++)
		free(todo.names[i]);
	free(todo.names);
	if (rc < 0)
		loose_set_free(set);
	return rc;
}

/* ---- following names -------------------------------------------------- */

/*
 * One read of `name`: from the snapshot `loose` when given (names under
 * refs/), else from disk; then packed-refs when there is no loose file.
 * *target (symbolic) is malloc'd.
 */
static int read_ref(loose_kind *kind, hr_oid *id, char **target, hr_refdb *db, const loose_set *loose,
	const char *name, char *err, size_t errlen)
{
	*kind = LOOSE_MISSING;
	*target = NULL;
	if (loose && !strncmp(name, "refs/", 5)) {
		const loose_ref *r = loose_find(loose, name);
		if (r) {
			*kind = r->kind;
			*id = r->id;
			if (r->kind == LOOSE_SYMREF && !(*target = strdup(r->target))) {
				snprintf(err, errlen, "cannot read ref '%s': out of memory", name);
				return HR_ENOMEM;
			}
			return 0;
		}
	} else {
		int rc = read_loose(kind, id, target, db, name, err, errlen);
		if (rc < 0 || *kind != LOOSE_MISSING)
			return rc;
	}
	const hr_packed_ref *p = packed_find(&db->packed, name);
	if (p) {
		*kind = LOOSE_DIRECT;
		*id = p->id;
	}
	return 0;
}

/*
 * Follow `name` (already checked with refname_readable) to a direct id,
 * as refs_resolve_ref_unsafe() does: at most SYMREF_MAX_READS reads.
 * `reads` is how many were spent before (1 when foreach read the symbolic
 * ref itself). *end says how it ended; the return is an error (HR_ENOMEM,
 * HR_EIO, HR_ENOTSUP) or 0. *broken names the broken ref (malloc'd) for
 * FOLLOW_BROKEN when `broken` is not NULL.
 */
static int follow(hr_oid *out, follow_end *end, char **broken, hr_refdb *db, const loose_set *loose,
	const char *name, int reads, char *err, size_t errlen)
{
	char *cur = strdup(name);
	int rc = 0;
	if (!cur) {
		snprintf(err, errlen, "cannot read ref '%s': out of memory", name);
		return HR_ENOMEM;
	}
	*end = FOLLOW_TOO_DEEP;
	for (int first = reads; reads < SYMREF_MAX_READS; reads++) {
		loose_kind kind;
		char *target;
		rc = read_ref(&kind, out, &target, db, loose, cur, err, errlen);
		if (rc < 0)
			break;
		if (kind == LOOSE_MISSING) {
			*end = reads == first ? FOLLOW_MISSING : FOLLOW_DANGLING;
			break;
		}
		if (kind == LOOSE_BROKEN) {
			*end = FOLLOW_BROKEN;
			if (broken) {
				*broken = cur;
				cur = NULL;
			}
			break;
		}
		if (kind == LOOSE_DIRECT) {
			*end = FOLLOW_OK;
			break;
		}
		free(cur);
		cur = target;
		if (strlen(cur) > HR_REFDB_MAX_NAME) {
			snprintf(err, errlen, "a symbolic ref to a name over %d bytes", HR_REFDB_MAX_NAME);
			rc = HR_ENOTSUP;
			break;
		}
		if (!refname_readable(cur)) {
			*end = FOLLOW_DANGLING;
			break;
		}
	}
	free(cur);
	return rc;
}

/* ---- the API ----------------------------------------------------------- */

static int read_packed_file(hr_refdb *db, char *err, size_t errlen)
{
	int fd = openat(db->dirfd, "packed-refs", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP) {
			snprintf(err, errlen, "'%spacked-refs': a symbolic link", db->gitdir);
			return HR_ENOTSUP;
		}
		snprintf(err, errlen, "cannot open '%spacked-refs': %s", db->gitdir, strerror(errno));
		return HR_EIO;
	}
	struct stat st;
	char *data = NULL;
	int rc = 0;
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot read '%spacked-refs': %s", db->gitdir, strerror(errno));
		rc = HR_EIO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "'%spacked-refs' is not a regular file", db->gitdir);
		rc = HR_EINVALID;
		goto out;
	}
	if ((uint64_t)st.st_size > MAX_PACKED_SIZE) {
		snprintf(err, errlen, "'%spacked-refs': over %zu bytes", db->gitdir, MAX_PACKED_SIZE);
		rc = HR_ETOOBIG;
		goto out;
	}
	/* read, not mmap: a file cut short while mapped would be a SIGBUS */
	size_t cap = (size_t)st.st_size + 1, len = 0;
	data = malloc(cap);
	if (!data) {
		snprintf(err, errlen, "cannot read packed-refs: out of memory");
		rc = HR_ENOMEM;
		goto out;
	}
	for (;;) {
		if (len == cap) {
			/* the file grew since fstat: a rewrite, read what is there */
			if (cap > MAX_PACKED_SIZE) {
				snprintf(err, errlen, "'%spacked-refs': over %zu bytes", db->gitdir, MAX_PACKED_SIZE);
				rc = HR_ETOOBIG;
				goto out;
			}
			char *bigger = realloc(data, cap * 2);
			if (!bigger) {
				snprintf(err, errlen, "cannot read packed-refs: out of memory");
				rc = HR_ENOMEM;
				goto out;
			}
			data = bigger;
			cap *= 2;
		}
		ssize_t r = read(fd, data + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "cannot read '%spacked-refs': %s", db->gitdir, strerror(errno));
			rc = HR_EIO;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	rc = parse_owned(&db->packed, data, len, err, errlen);
	data = NULL;
out:
	free(data);
	close(fd);
	return rc;
}

int hr_refdb_open(hr_refdb **out, const char *gitdir, const char *commondir, char *err, size_t errlen)
{
	*out = NULL;
	size_t len = gitdir ? strlen(gitdir) : 0;
	if (!len || gitdir[0] != '/' || gitdir[len - 1] != '/' || !commondir) {
		snprintf(err, errlen, "the git directory must be absolute, with a trailing '/'");
		return HR_EINVALID;
	}
	if (strcmp(gitdir, commondir)) {
		snprintf(err, errlen, "a linked worktree: its refs are in two directories");
		return HR_ENOTSUP;
	}
	hr_refdb *db = calloc(1, sizeof(*db));
	if (!db || !(db->gitdir = strdup(gitdir))) {
		free(db);
		snprintf(err, errlen, "cannot open the refs: out of memory");
		return HR_ENOMEM;
	}
	db->dirfd = -1;
	int rc = 0;
	db->dirfd = open(gitdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (db->dirfd < 0) {
		rc = errno == ENOENT || errno == ENOTDIR ? HR_ENOTFOUND : HR_EIO;
		snprintf(err, errlen, "cannot open '%s': %s", gitdir, strerror(errno));
		goto out;
	}
	struct stat st;
	if (fstatat(db->dirfd, "reftable", &st, AT_SYMLINK_NOFOLLOW) == 0) {
		snprintf(err, errlen, "'%sreftable': a reftable store", gitdir);
		rc = HR_ENOTSUP;
		goto out;
	}
	if (fstatat(db->dirfd, "refs", &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "'%srefs' is not a directory", gitdir);
		rc = HR_ENOTSUP;
		goto out;
	}
	rc = read_packed_file(db, err, errlen);
out:
	if (rc < 0) {
		hr_refdb_free(db);
		return rc;
	}
	*out = db;
	return 0;
}

void hr_refdb_free(hr_refdb *db)
{
	if (!db)
		return;
	if (db->dirfd >= 0)
		close(db->dirfd);
	hr_packed_refs_free(&db->packed);
	free(db->gitdir);
	free(db);
}

int hr_refdb_foreach(hr_refdb *db, int (*fn)(const char *name, const hr_oid *id, void *payload),
	void *payload, char *err, size_t errlen)
{
	loose_set loose = { 0 };
	int rc = read_loose_all(&loose, db, err, errlen);
	if (rc < 0)
		return rc;
	const hr_packed_refs *packed = &db->packed;
	size_t li = 0, pi = 0;
	while (li < loose.n || pi < packed->n) {
		int c = li == loose.n ? 1 : pi == packed->n ? -1
			: strcmp(loose.refs[li].name, packed->refs[pi].name);
		const char *name;
		hr_oid id;
		if (c > 0) {
			name = packed->refs[pi].name;
			id = packed->refs[pi].id;
			pi++;
			if (strncmp(name, "refs/", 5))
				continue;     /* a hand-written `HEAD` line: not under refs/ */
		} else {
			const loose_ref *r = &loose.refs[li++];
			if (c == 0)
				pi++;         /* the loose ref overrides the packed one */
			name = r->name;
			if (r->kind == LOOSE_BROKEN)
				continue;
			if (r->kind == LOOSE_DIRECT) {
				id = r->id;
			} else {
				follow_end end;
				if (strlen(r->target) > HR_REFDB_MAX_NAME) {
					snprintf(err, errlen, "'%s': a symbolic ref to a name over %d bytes", name,
						HR_REFDB_MAX_NAME);
					rc = HR_ENOTSUP;
					break;
				}
				if (!refname_readable(r->target))
					continue;
				rc = follow(&id, &end, NULL, db, &loose, r->target, 1, err, errlen);
				if (rc < 0)
					break;
				if (end != FOLLOW_OK)
					continue;  /* dangling, too deep, broken: git skips it */
			}
			if (hr_oid_is_zero(&id))
				continue;      /* git: REF_ISBROKEN */
		}
		if ((rc = fn(name, &id, payload)) != 0)
			break;
	}
	loose_set_free(&loose);
	return rc;
}

/* resolve one full name; *end says how; broken: the broken ref's name */
static int resolve_name(hr_oid *out, follow_end *end, char **broken, hr_refdb *db, const char *name,
	char *err, size_t errlen)
{
	if (strlen(name) > HR_REFDB_MAX_NAME) {
		snprintf(err, errlen, "a ref name over %d bytes", HR_REFDB_MAX_NAME);
		return HR_ENOTSUP;
	}
	if (!refname_readable(name)) {
		*end = FOLLOW_MISSING;
		return 0;
	}
	return follow(out, end, broken, db, NULL, name, 0, err, errlen);
}

int hr_refdb_resolve(hr_oid *out, hr_refdb *db, const char *name, char *err, size_t errlen)
{
	follow_end end;
	char *broken = NULL;
	int rc = resolve_name(out, &end, &broken, db, name, err, errlen);
	if (rc < 0)
		return rc;
	char *shown = hr_escape(name, false);
	switch (end) {
	case FOLLOW_OK:
		break;
	case FOLLOW_MISSING:
		snprintf(err, errlen, "no ref '%s'", shown ? shown : "?");
		rc = HR_ENOTFOUND;
		break;
	case FOLLOW_DANGLING:
		snprintf(err, errlen, "ref '%s' is a dangling symbolic ref", shown ? shown : "?");
		rc = HR_ENOTFOUND;
		break;
	case FOLLOW_TOO_DEEP:
		snprintf(err, errlen, "ref '%s': symbolic refs nested over %d deep", shown ? shown : "?",
			SYMREF_MAX_READS);
		rc = HR_ENOTFOUND;
		break;
	case FOLLOW_BROKEN: {
		char *b = hr_escape(broken ? broken : name, false);
		snprintf(err, errlen, "broken ref '%s': not an object id nor a symbolic ref", b ? b : "?");
		free(b);
		rc = HR_EINVALID;
		break;
	}
	}
	free(shown);
	free(broken);
	return rc;
}

int hr_refdb_dwim(hr_oid *out, char **full, hr_refdb *db, const char *shortname, char *err, size_t errlen)
{
	/* refs.c, ref_rev_parse_rules */
	static const struct { const char *prefix, *suffix; } rules[] = {
		{ "", "" },
		{ "refs/", "" },
		{ "refs/tags/", "" },
		{ "refs/heads/", "" },
		{ "refs/remotes/", "" },
		{ "refs/remotes/", "/HEAD" },
	};
	*full = NULL;
	size_t slen = strlen(shortname);
	if (slen > HR_REFDB_MAX_NAME) {
		snprintf(err, errlen, "a ref name over %d bytes", HR_REFDB_MAX_NAME);
		return HR_ENOTSUP;
	}
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		size_t plen = strlen(rules[i].prefix), xlen = strlen(rules[i].suffix);
		char *name = malloc(plen + slen + xlen + 1);
		if (!name) {
			snprintf(err, errlen, "cannot resolve '%s': out of memory", shortname);
			return HR_ENOMEM;
		}
		memcpy(name, rules[i].prefix, plen);
		memcpy(name + plen, shortname, slen);
		memcpy(name + plen + slen, rules[i].suffix, xlen + 1);
		follow_end end;
		int rc = resolve_name(out, &end, NULL, db, name, err, errlen);
		if (rc < 0 || end == FOLLOW_OK) {
			if (rc == 0)
				*full = name;
			else
				free(name);
			return rc;
		}
		free(name);           /* missing, dangling, broken: git tries the next rule */
	}
	char *shown = hr_escape(shortname, false);
	snprintf(err, errlen, "no ref matches '%s'", shown ? shown : "?");
	free(shown);
	return HR_ENOTFOUND;
}
