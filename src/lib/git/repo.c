/* SPDX-License-Identifier: MIT */
/*
 * repo.c - opening the repository in every hook environment (see git.h).
 *
 * One routine instead of libgit2's GIT_REPOSITORY_OPEN_FROM_ENV, which in
 * 1.5 refuses GIT_WORK_TREE / GIT_COMMON_DIR and cuts quoted alternates at
 * the ':' inside them. The steps, in git's own order of precedence:
 *
 *   1. GIT_DIR, made absolute against the current directory, opened as is
 *      (no search); otherwise discovery from the start directory, bounded
 *      by GIT_CEILING_DIRECTORIES. libgit2 reads a linked worktree's
 *      `gitdir` and `commondir` files itself.
 *   2. GIT_WORK_TREE replaces the working tree libgit2 guessed.
 *   3. GIT_COMMON_DIR is checked, not applied: libgit2 cannot take a common
 *      directory from outside, so a different one is an error.
 *   4. GIT_OBJECT_DIRECTORY, GIT_QUARANTINE_PATH and each entry of
 *      GIT_ALTERNATE_OBJECT_DIRECTORIES become read-only alternates. During
 *      pre-receive the pushed objects live in the quarantine directory and
 *      nowhere else.
 *   5. GIT_INDEX_FILE is remembered (absolute) and opened on first use.
 *
 * A plain repository (fast_open below: what receive-pack and a pre-commit
 * hook almost always meet) is opened without libgit2, reading what git's
 * setup reads; libgit2's handle is then made on first use (hr_repo_git),
 * on the same directories. Everything else is opened by libgit2 as above.
 *
 * The process-wide libgit2 options are set once here: no ownership check
 * (git did it before running the hook), no hash verification of objects
 * read (git verified them on receipt; it costs a SHA-1 per object), no
 * strict object creation checks (we only write blobs), and no object cache
 * (walk.c keeps the few objects one commit hands to the next itself; the
 * global cache's locking and hashing cost more than it saves).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2/sys/repository.h>

#include "git_internal.h"

/*
 * Debian 12's libgit2 is built with mbedTLS and loads the whole CA bundle
 * (/etc/ssl/certs/ca-certificates.crt) in git_libgit2_init(): 54 million
 * instructions, ~10 ms, more than a pre-commit check of a 50 000-file
 * index. hook-run never opens a network connection, so these definitions
 * take the place of mbedTLS's certificate loaders for this program (the
 * dynamic linker binds libgit2's calls to the executable's symbols first):
 * "loaded, nothing". With a libgit2 built against OpenSSL they are simply
 * never called. A shortcut made explicit: `./configure
 * --disable-mbedtls-loader-stub` leaves them out, and
 * test/git/git-assumptions.sh fails if the binary ever calls a libgit2
 * remote or transport API (clone, fetch, push, remotes, credentials...),
 * the only code that would need the certificates.
 */
#ifdef HR_STUB_MBEDTLS_LOADERS
int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_path(void *chain, const char *path);

int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

int mbedtls_x509_crt_parse_path(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}
#endif

/*
 * git_libgit2_init() also seeds mbedTLS's CTR-DRBG (for the same TLS) from
 * an entropy pool with two sources, the platform's (getrandom) and HAVEGE,
 * whose initialisation fills a 64 KB table by timing loops: 1.1 M
 * instructions, 10% of a 1-commit push. HAVEGE is not a dependable source
 * (mbedTLS 3 removed it); these definitions take the place of its two
 * entry points that the pool uses: its state is left alone (nothing else
 * reads it in this program) and its poll hands out bytes from getrandom(2),
 * the kernel's generator, so the pool gets no less entropy than before.
 * `./configure --disable-mbedtls-havege-stub` leaves them out.
 */
#ifdef HR_STUB_MBEDTLS_HAVEGE
#include <sys/random.h>

#define MBEDTLS_ERR_ENTROPY_SOURCE_FAILED -0x003C /* mbedtls/entropy.h */

void mbedtls_havege_init(void *state);
int mbedtls_havege_poll(void *state, unsigned char *out, size_t len, size_t *olen);

void mbedtls_havege_init(void *state)
{
	(void)state;
}

int mbedtls_havege_poll(void *state, unsigned char *out, size_t len, size_t *olen)
{
	ssize_t n;
	(void)state;
	do
		n = getrandom(out, len, 0);
	while (n < 0 && errno == EINTR);
	*olen = n > 0 ? (size_t)n : 0;
	return n > 0 ? 0 : MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
}
#endif

/*
 * The same start-up spends ~1 M instructions (8% of a 1-commit push) in
 * libssh2_init(0), which libgit2 calls for its SSH transport: libssh2 has
 * OpenSSL load its built-in engines and error strings. hook-run has no SSH
 * transport to start (the test above keeps it so), and OpenSSL 1.1 and
 * later initialise themselves on first use in any case; so this definition
 * takes the place of libssh2's (as above) and calls it with the flag
 * libssh2 documents for programs that initialise the crypto library
 * themselves, LIBSSH2_INIT_NO_CRYPTO. Nothing is weakened: libssh2 is
 * started, only without that preloading. `./configure
 * --disable-libssh2-crypto-init-stub` leaves it out.
 */
#ifdef HR_STUB_LIBSSH2_CRYPTO_INIT
#include <dlfcn.h>

#define LIBSSH2_INIT_NO_CRYPTO 0x0001 /* libssh2.h, stable since libssh2 1.2.5 */

int libssh2_init(int flags);

int libssh2_init(int flags)
{
	int (*real)(int);
	/* the next definition after this executable's: libssh2's own */
	*(void **)&real = dlsym(RTLD_NEXT, "libssh2_init");
	return real ? real(flags | LIBSSH2_INIT_NO_CRYPTO) : -1;
}
#endif

int hr_git_code(int git_error)
{
	switch (git_error) {
	case 0: return 0;
	case GIT_ENOTFOUND: return HR_ENOTFOUND;
	case GIT_ELOCKED: return HR_ECONFLICT;
	case GIT_EINVALIDSPEC: case GIT_EAMBIGUOUS: return HR_EINVALID;
	case GIT_EUSER: return HR_EINVALID;
	default: return HR_EGIT;
	}
}

int hr_git_error(int code, char *err, size_t errlen, const char *fmt, ...)
{
	const git_error *e = git_error_last();
	va_list ap;
	int n;

	if (!err || !errlen)
		return code;
	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < errlen && e && e->message && *e->message)
		snprintf(err + n, errlen - (size_t)n, ": %s", e->message);
	return code;
}

void hr_oid_fmt(char *out, const hr_oid *oid)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < HR_OID_RAWSZ; i++) {
		out[2 * i] = hex[oid->id[i] >> 4];
		out[2 * i + 1] = hex[oid->id[i] & 15];
	}
	out[HR_OID_HEXSZ] = '\0';
}

int hr_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool hr_oid_parse(hr_oid *out, const char *hex, size_t len)
{
	if (len != HR_OID_HEXSZ)
		return false;
	for (size_t i = 0; i < HR_OID_RAWSZ; i++) {
		int hi = hr_hexval(hex[2 * i]), lo = hr_hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out->id[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

bool hr_oid_is_zero(const hr_oid *oid)
{
	for (size_t i = 0; i < HR_OID_RAWSZ; i++)
		if (oid->id[i])
			return false;
	return true;
}

bool hr_oid_equal(const hr_oid *a, const hr_oid *b)
{
	return memcmp(a->id, b->id, HR_OID_RAWSZ) == 0;
}

_Static_assert(sizeof(git_oid) == sizeof(hr_oid), "git_oid is not a bare SHA-1");

/* ---- paths ---------------------------------------------------------- */

/*
 * `path` made absolute against the hook's current directory (the env's
 * `cwd`, else the process's), not resolved.
 */
static char *absolute(const hr_env *e, const char *path)
{
	if (path[0] == '/')
		return strdup(path);
	char buf[PATH_MAX];
	const char *cwd = e && e->cwd ? e->cwd : getcwd(buf, sizeof(buf));
	if (!cwd)
		return NULL;
	size_t a = strlen(cwd), b = strlen(path);
	char *out = malloc(a + b + 2);
	if (!out)
		return NULL;
	memcpy(out, cwd, a);
	out[a] = '/';
	memcpy(out + a + 1, path, b + 1);
	return out;
}

/*
 * The canonical absolute form of `path`: realpath() when it exists; else
 * the realpath of its directory plus its last component (an index file
 * that git has not written yet).
 */
static char *canonical(const hr_env *e, const char *path)
{
	char *abs = absolute(e, path), *out = NULL;
	if (!abs)
		return NULL;
	out = realpath(abs, NULL);
	if (!out) {
		char *slash = strrchr(abs, '/');
		if (slash && slash[1]) {
			*slash = '\0';
			char *dir = realpath(*abs ? abs : "/", NULL);
			if (dir) {
				size_t a = strlen(dir), b = strlen(slash + 1);
				out = malloc(a + b + 2);
				if (out) {
					memcpy(out, dir, a);
					out[a] = '/';
					memcpy(out + a + 1, slash + 1, b + 1);
				}
				free(dir);
			}
		}
	}
	free(abs);
	return out;
}

/* strdup with a trailing '/' */
static char *with_slash(const char *path)
{
	size_t n = strlen(path);
	bool has = n && path[n - 1] == '/';
	char *out = malloc(n + 2);
	if (!out)
		return NULL;
	memcpy(out, path, n);
	if (!has)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

/* realpath() of `path` taken relative to the hook's current directory */
static char *resolve(const hr_env *e, const char *path)
{
	char *abs = absolute(e, path), *out = abs ? realpath(abs, NULL) : NULL;
	free(abs);
	return out;
}

static bool same_dir(const hr_env *e, const char *a, const char *b)
{
	char *ra = resolve(e, a), *rb = resolve(e, b);
	bool same = ra && rb && strcmp(ra, rb) == 0;
	free(ra);
	free(rb);
	return same;
}

/* ---- object directories -------------------------------------------- */

typedef struct dirlist {
	char *items[64];
	size_t len;
} dirlist;

/*
 * Add `dir` as an alternate unless it is the repository's own object
 * directory or already added. A directory that does not exist is an error:
 * the objects git promised would be missing.
 */
static int add_objdir(hr_repo *r, dirlist *added, const char *dir,
	const char *from, char *err, size_t errlen)
{
	char *real = resolve(&r->env, dir);
	if (!real) {
		snprintf(err, errlen, "%s names '%s': %s", from, dir, strerror(errno));
		return HR_EINVALID;
	}
	size_t clen = strlen(r->commondir);
	char *own = malloc(clen + 8);
	if (!own) {
		free(real);
		return HR_ENOMEM;
	}
	memcpy(own, r->commondir, clen);
	memcpy(own + clen, "objects", 8);
	bool skip = same_dir(&r->env, real, own);
	free(own);
	for (size_t i = 0; !skip && i < added->len; i++)
		skip = strcmp(added->items[i], real) == 0;
	if (skip || added->len == sizeof(added->items) / sizeof(added->items[0])) {
		free(real);
		return 0;
	}
	added->items[added->len++] = real;
	char **dirs = realloc(r->objdirs, (r->nobjdirs + 1) * sizeof(char *));
	if (!dirs)
		return HR_ENOMEM;
	r->objdirs = dirs;
	if (!(dirs[r->nobjdirs] = strdup(real)))
		return HR_ENOMEM;
	r->nobjdirs++;
	return 0;
}

/* Appends DIR (its realpath, or as given) to DIRS unless it is listed already. */
static int dirs_add(char ***dirs, size_t *n, const char *dir)
{
	char *real = realpath(dir, NULL);
	if (!real && !(real = strdup(dir)))
		return HR_ENOMEM;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*dirs)[i], real)) {
			free(real);
			return 0;
		}
	char **grown = realloc(*dirs, (*n + 1) * sizeof(char *));
	if (!grown) {
		free(real);
		return HR_ENOMEM;
	}
	*dirs = grown;
	grown[(*n)++] = real;
	return 0;
}

/*
 * The object directories git would read: the repository's own, those
 * hr_repo_open() added from the environment, then what their alternates
 * files list, read as git reads them (hr_objdirs_add_alternates(): quoted
 * entries, relative paths, depth 5, duplicates once). An alternates file
 * that cannot be read, or too many directories, is an error (the pack
 * reader then leaves every object to libgit2, which reports it as git
 * would). The list is the caller's to free, each string and the array.
 */
int hr_repo_object_dirs(char ***out, size_t *nout, hr_repo *r)
{
	char **dirs = NULL, err[256];
	size_t n = 0, nbase;
	size_t clen = strlen(r->commondir);
	char *own = malloc(clen + sizeof("objects"));
	int rc = 0;

	if (!own)
		return HR_ENOMEM;
	memcpy(own, r->commondir, clen);
	memcpy(own + clen, "objects", sizeof("objects"));
	rc = dirs_add(&dirs, &n, own);
	free(own);
	for (size_t i = 0; i < r->nobjdirs && rc == 0; i++)
		rc = dirs_add(&dirs, &n, r->objdirs[i]);
	nbase = n;
	/* dirs[i] stays put while the array grows: only the array moves */
	for (size_t i = 0; i < nbase && rc == 0; i++)
		rc = hr_objdirs_add_alternates(&dirs, &n, dirs[i], err, sizeof(err));
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			free(dirs[i]);
		free(dirs);
		return rc;
	}
	*out = dirs;
	*nout = n;
	return 0;
}

/* The directories add_object_dirs() found, as alternates of libgit2's object database. */
static int attach_object_dirs(hr_repo *r, char *err, size_t errlen)
{
	git_odb *odb = NULL;
	char **dirs = NULL;
	size_t n = 0;
	int rc = 0;
	/*
	 * All of them, the alternates files' too: libgit2 1.5 reads those
	 * itself but takes a quoted entry as a path with quotes, and a relative
	 * one only in the repository's own file, where git reads both (an
	 * unreadable file leaves libgit2 its own reading, as before).
	 */
	if (hr_repo_object_dirs(&dirs, &n, r) == HR_ENOMEM)
		return HR_ENOMEM;
	if (n <= 1 && !r->nobjdirs)
		goto out;
	if (git_repository_odb(&odb, r->git_) < 0) {
		rc = hr_git_error(HR_EGIT, err, errlen, "cannot open the object database");
		goto out;
	}
	for (size_t i = 0; i < r->nobjdirs && rc == 0; i++)
		if (git_odb_add_disk_alternate(odb, r->objdirs[i]) < 0)
			rc = hr_git_error(HR_EGIT, err, errlen, "cannot use object directory '%s'", r->objdirs[i]);
	/* dirs[0] is the repository's own; of the rest, those not attached above */
	for (size_t i = 1; i < n && rc == 0; i++) {
		bool attached = false;
		for (size_t k = 0; k < r->nobjdirs && !attached; k++)
			attached = strcmp(dirs[i], r->objdirs[k]) == 0;
		if (!attached && git_odb_add_disk_alternate(odb, dirs[i]) < 0)
			rc = hr_git_error(HR_EGIT, err, errlen, "cannot use object directory '%s'", dirs[i]);
	}
	git_odb_free(odb);
out:
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
	return rc;
}

/*
 * One entry of GIT_ALTERNATE_OBJECT_DIRECTORIES starting at *p: a plain
 * path up to the next ':', or a C-quoted string as git's quote_c_style()
 * writes it (\" \\ \a \b \f \n \r \t \v and \ooo octal). Advances *p past
 * the separator. NULL on a malformed quote (*bad set) or out of memory.
 */
static char *next_alternate(const char **p, bool *bad)
{
	const char *s = *p;
	char *out;
	size_t n = 0;

	*bad = false;
	if (*s != '"') {
		const char *end = strchr(s, ':');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		out = strndup(s, len);
		*p = end ? end + 1 : s + len;
		return out;
	}
	out = malloc(strlen(s) + 1);
	if (!out)
		return NULL;
	s++;
	while (*s && *s != '"') {
		char c = *s++;
		if (c == '\\') {
			c = *s++;
			switch (c) {
			case 'a': c = '\a'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'v': c = '\v'; break;
			case '\\': case '"': break;
			case '0': case '1': case '2': case '3': {
				if (s[0] < '0' || s[0] > '7' || s[1] < '0' || s[1] > '7') {
					*bad = true;
					goto fail;
				}
				c = (char)(((c - '0') << 6) | ((s[0] - '0') << 3) | (s[1] - '0'));
				s += 2;
				break;
			}
			default:
				*bad = true;
				goto fail;
			}
		}
		out[n++] = c;
	}
	if (*s != '"' || (s[1] != ':' && s[1] != '\0')) {
		*bad = true;
		goto fail;
	}
	out[n] = '\0';
	*p = s[1] == ':' ? s + 2 : s + 1;
	return out;
fail:
	free(out);
	return NULL;
}

int hr_alternates_split(char ***out, size_t *n, const char *list)
{
	char **items = NULL;
	size_t count = 0;
	*out = NULL;
	*n = 0;
	for (const char *p = list; p && *p;) {
		bool bad;
		char *dir = next_alternate(&p, &bad);
		char **grown = dir ? realloc(items, (count + 1) * sizeof(char *)) : NULL;
		if (!grown) {
			free(dir);
			for (size_t i = 0; i < count; i++)
				free(items[i]);
			free(items);
			return dir || !bad ? HR_ENOMEM : HR_EINVALID;
		}
		items = grown;
		items[count++] = dir;
	}
	*out = items;
	*n = count;
	return 0;
}

static int add_object_dirs(hr_repo *r, char *err, size_t errlen)
{
	const char *objdir = hr_env_value(&r->env, "GIT_OBJECT_DIRECTORY");
	const char *quarantine = hr_env_value(&r->env, "GIT_QUARANTINE_PATH");
	const char *alts = hr_env_value(&r->env, "GIT_ALTERNATE_OBJECT_DIRECTORIES");
	dirlist added = { .len = 0 };
	int rc = 0;

	if (!objdir && !quarantine && !alts)
		return 0;
	if (objdir)
		rc = add_objdir(r, &added, objdir, "GIT_OBJECT_DIRECTORY", err, errlen);
	if (!rc && quarantine)
		rc = add_objdir(r, &added, quarantine, "GIT_QUARANTINE_PATH", err, errlen);
	for (const char *p = alts; !rc && p && *p;) {
		bool bad;
		char *dir = next_alternate(&p, &bad);
		if (!dir) {
			if (bad)
				snprintf(err, errlen, "GIT_ALTERNATE_OBJECT_DIRECTORIES: malformed quoted entry in '%s'", alts);
			rc = bad ? HR_EINVALID : HR_ENOMEM;
			break;
		}
		if (*dir)
			rc = add_objdir(r, &added, dir, "GIT_ALTERNATE_OBJECT_DIRECTORIES", err, errlen);
		free(dir);
	}
	for (size_t i = 0; i < added.len; i++)
		free(added.items[i]);
	return rc;
}

/* ---- opening -------------------------------------------------------- */

static void set_global_options(void)
{
	hr_libgit2_set_opt(GIT_OPT_SET_OWNER_VALIDATION, 0);
	hr_libgit2_set_opt(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	hr_libgit2_set_opt(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	hr_libgit2_set_opt(GIT_OPT_ENABLE_CACHING, 0);
}

/* libgit2 loaded and started, once per repository handle (hr_repo_free shuts it down) */
static int start_libgit2(hr_repo *r, char *err, size_t errlen)
{
	if (r->lg2_started)
		return 0;
	if (git_libgit2_init() < 0)
		return hr_git_error(HR_EGIT, err, errlen, "cannot initialise libgit2");
	r->lg2_started = true;
	set_global_options();
	return 0;
}

extern char **environ;

int hr_repo_open(hr_repo **out, const char *start_dir, char *err, size_t errlen)
{
	const hr_env process = { .vars = environ, .cwd = NULL };
	return hr_repo_open_env(out, &process, start_dir, err, errlen);
}

static bool is_dir(const char *path, bool follow)
{
	struct stat st;
	return (follow ? stat(path, &st) : lstat(path, &st)) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file_in(const char *dir, const char *name, bool want_dir)
{
	char path[PATH_MAX];
	struct stat st;
	if ((size_t)snprintf(path, sizeof(path), "%s%s", dir, name) >= sizeof(path) || lstat(path, &st) != 0)
		return false;
	return want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

/*
 * Opening without libgit2, for the plain repositories hooks meet nearly
 * always: GIT_DIR given (a server's bare repository, as receive-pack runs
 * its hooks) or a `.git` directory in the start directory (a pre-commit
 * hook, run at the top of the working tree), or the start directory being
 * a bare repository itself. What git's setup reads to open it is read
 * here (gitconfig.c): a repository format of 0 or 1 with no extensions, no
 * core.worktree, core.bare set (true with GIT_DIR or a bare start
 * directory, which then have no working tree; false for a `.git`, whose
 * working tree is the directory above, as libgit2 takes it). Anything else (GIT_WORK_TREE,
 * GIT_COMMON_DIR, a linked worktree's `commondir`, a `.git` file, a search
 * upwards, a configuration with includes or one that does not parse) is
 * HR_ENOTSUP: libgit2 opens it, and reports what is wrong with it. The
 * configuration read is kept for hr_repo_gitconfig().
 */
static int fast_open(hr_repo *r, const hr_env *e, const char *start_dir)
{
	const char *git_dir = hr_env_value(e, "GIT_DIR");
	char *path = NULL;
	char err[256];
	hr_gitconfig *cfg = NULL;
	const char *v;
	int version = 0;
	bool bare = false;

	if (hr_env_value(e, "GIT_WORK_TREE") || hr_env_value(e, "GIT_COMMON_DIR"))
		return HR_ENOTSUP;
	bool want_bare = git_dir != NULL;
	if (git_dir) {
		path = resolve(e, git_dir);
	} else {
		/* as git's discovery begins: START/.git, else START itself as a bare repository */
		char *start = absolute(e, start_dir ? start_dir : ".");
		size_t n = start ? strlen(start) : 0;
		char *dotgit = start ? malloc(n + 7) : NULL;
		if (dotgit) {
			memcpy(dotgit, start, n);
			memcpy(dotgit + n, "/.git", 6);
			if (is_dir(dotgit, false)) { /* a directory, not a link to one */
				path = resolve(e, dotgit);
			} else {
				memcpy(dotgit + n, "/", 2);
				if (is_file_in(dotgit, "HEAD", false) && is_file_in(dotgit, "objects", true) &&
				    is_file_in(dotgit, "refs", true)) {
					path = resolve(e, start);
					want_bare = true;
				}
			}
		}
		free(dotgit);
		free(start);
	}
	if (!path || !(r->gitdir = with_slash(path))) {
		free(path);
		return HR_ENOTSUP;
	}
	free(path);
	if (!is_file_in(r->gitdir, "HEAD", false) || !is_file_in(r->gitdir, "objects", true) ||
	    !is_file_in(r->gitdir, "refs", true) || is_file_in(r->gitdir, "commondir", false))
		return HR_ENOTSUP;
	if (hr_gitconfig_open(&cfg, e, r->gitdir, err, sizeof(err)) < 0)
		return HR_ENOTSUP;
	const hr_gitconfig *local = hr_gitconfig_repo(cfg);
	if (hr_gitconfig_get_int(local, "core.repositoryformatversion", &version) == HR_EINVALID ||
	    (version != 0 && version != 1) || hr_gitconfig_has_section(local, "extensions") ||
	    hr_gitconfig_get(local, "core.worktree", &v) != HR_ENOTFOUND ||
	    hr_gitconfig_get_bool(local, "core.bare", &bare) < 0 || bare != want_bare) {
		hr_gitconfig_free(cfg);
		return HR_ENOTSUP;
	}
	r->cfg = cfg;
	if (!(r->commondir = strdup(r->gitdir)))
		return HR_ENOMEM;
	if (!bare) {
		/* the directory that holds the git directory */
		size_t n = strlen(r->gitdir) - 1;
		while (n > 0 && r->gitdir[n - 1] != '/')
			n--;
		if (n <= 1 || !(r->workdir = strndup(r->gitdir, n)))
			return n <= 1 ? HR_ENOTSUP : HR_ENOMEM;
	}
	return 0;
}

/*
 * Opening with libgit2 (steps 1 to 3 of the comment at the top): the git
 * directory, the common directory and the working tree it found.
 */
static int libgit2_open(hr_repo *r, const hr_env *e, const char *start_dir, char *err, size_t errlen)
{
	const char *git_dir = hr_env_value(e, "GIT_DIR");
	const char *work_tree = hr_env_value(e, "GIT_WORK_TREE");
	const char *common_dir = hr_env_value(e, "GIT_COMMON_DIR");
	int rc, grc;

	if ((rc = start_libgit2(r, err, errlen)) < 0)
		return rc;
	if (git_dir) {
		char *path = resolve(e, git_dir);
		if (!path) {
			snprintf(err, errlen, "GIT_DIR='%s': %s", git_dir, strerror(errno));
			return HR_ENOTFOUND;
		}
		grc = git_repository_open_ext(&r->git_, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
		free(path);
		if (grc < 0)
			return hr_git_error(grc == GIT_ENOTFOUND ? HR_ENOTFOUND : HR_EGIT, err, errlen,
				"GIT_DIR='%s' is not a git repository", git_dir);
	} else {
		const char *start = start_dir ? start_dir : ".";
		char *start_abs = absolute(e, start);
		if (!start_abs)
			return HR_ENOMEM;
		grc = git_repository_open_ext(&r->git_, start_abs, 0, hr_env_value(e, "GIT_CEILING_DIRECTORIES"));
		free(start_abs);
		if (grc < 0)
			return hr_git_error(grc == GIT_ENOTFOUND ? HR_ENOTFOUND : HR_EGIT, err, errlen,
				"not a git repository (nor any parent up to the mount point) at '%s'", start);
	}
	if (work_tree) {
		char *wt = resolve(e, work_tree);
		if (!wt) {
			snprintf(err, errlen, "GIT_WORK_TREE='%s': %s", work_tree, strerror(errno));
			return HR_EINVALID;
		}
		grc = git_repository_set_workdir(r->git_, wt, 0);
		free(wt);
		if (grc < 0)
			return hr_git_error(HR_EGIT, err, errlen, "cannot use GIT_WORK_TREE='%s'", work_tree);
	}
	r->gitdir = with_slash(git_repository_path(r->git_));
	r->commondir = with_slash(git_repository_commondir(r->git_));
	if (!r->gitdir || !r->commondir)
		return HR_ENOMEM;
	if (git_repository_workdir(r->git_) && !(r->workdir = with_slash(git_repository_workdir(r->git_))))
		return HR_ENOMEM;
	if (common_dir && !same_dir(e, common_dir, r->commondir)) {
		snprintf(err, errlen, "GIT_COMMON_DIR='%s' is not the common directory of '%s' (%s): "
			"hook-run cannot combine them", common_dir, r->gitdir, r->commondir);
		return HR_EINVALID;
	}
	return 0;
}

int hr_repo_open_env(hr_repo **out, const hr_env *e, const char *start_dir, char *err, size_t errlen)
{
	const char *index_file = hr_env_value(e, "GIT_INDEX_FILE");
	hr_repo *r;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return HR_ENOMEM;
	r->env = *e;
	rc = fast_open(r, e, start_dir);
	if (rc == HR_ENOTSUP) {
		/* not one for hook-run's own reading: libgit2 opens it, from the start */
		hr_gitconfig_free(r->cfg);
		free(r->gitdir);
		free(r->commondir);
		free(r->workdir);
		r->cfg = NULL;
		r->gitdir = r->commondir = r->workdir = NULL;
		rc = libgit2_open(r, e, start_dir, err, errlen);
	}
	if (rc < 0)
		goto fail;
	/* step 4; libgit2's object database learns of them when it is opened */
	if ((rc = add_object_dirs(r, err, errlen)) < 0 || (r->git_ && (rc = attach_object_dirs(r, err, errlen)) < 0))
		goto fail;
	if (index_file) {
		r->index_path = canonical(e, index_file);
	} else {
		size_t n = strlen(r->gitdir);
		if ((r->index_path = malloc(n + 6)) != NULL) {
			memcpy(r->index_path, r->gitdir, n);
			memcpy(r->index_path + n, "index", 6);
		}
	}
	if (!r->index_path) {
		snprintf(err, errlen, "GIT_INDEX_FILE='%s': %s", index_file ? index_file : "", strerror(errno));
		rc = HR_EINVALID;
		goto fail;
	}
	*out = r;
	return 0;
fail:
	hr_repo_free(r);
	return rc;
}

void hr_repo_free(hr_repo *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nrepl; i++)
		free(r->repl[i].path);
	free(r->repl);
	for (size_t i = 0; i < r->nobjdirs; i++)
		free(r->objdirs[i]);
	free(r->objdirs);
	hr__attrs_free(r->attrs);
	hr_packs_free(r->packs);
	git_odb_free(r->odb);
	hr_gitconfig_free(r->cfg);
	hr_refdb_free(r->refdb);
	hr_repo_rawindex_drop(r);
	git_index_free(r->index);
	git_repository_free(r->git_);
	free(r->gitdir);
	free(r->commondir);
	free(r->workdir);
	free(r->index_path);
	if (r->lg2_started)
		git_libgit2_shutdown();
	free(r);
}

struct hr_packs *hr_repo_packs(hr_repo *r)
{
	if (!r->packs_tried) {
		r->packs_tried = true;
		hr_packs_open(&r->packs, r);
	}
	return r->packs;
}

struct hr_refdb *hr_repo_refdb(hr_repo *r)
{
	char err[256];
	if (!r->refdb_tried) {
		r->refdb_tried = true;
		/* any failure (a malformed packed-refs too) leaves the refs to libgit2, which names it */
		if (hr_refdb_open(&r->refdb, r->gitdir, r->commondir, err, sizeof(err)) < 0)
			r->refdb = NULL;
	}
	return r->refdb;
}

/* Did libgit2 find the working tree hook-run found? (setting it again leaks in libgit2 1.5) */
static bool same_workdir(hr_repo *r)
{
	const char *w = git_repository_workdir(r->git_);
	return w && strcmp(w, r->workdir) == 0;
}

git_odb *hr_repo_odb(hr_repo *r)
{
	git_repository *g = hr_repo_git(r);
	if (!r->odb && g && git_repository_odb(&r->odb, g) < 0)
		r->odb = NULL;
	return r->odb;
}

git_repository *hr_repo_git(hr_repo *r)
{
	char err[256];
	if (r->git_ || r->git_failed)
		return r->git_;
	unsigned flags = GIT_REPOSITORY_OPEN_NO_SEARCH | (r->workdir ? 0 : GIT_REPOSITORY_OPEN_BARE);
	if (start_libgit2(r, err, sizeof(err)) < 0 ||
	    git_repository_open_ext(&r->git_, r->gitdir, flags, NULL) < 0 ||
	    (r->workdir && !same_workdir(r) && git_repository_set_workdir(r->git_, r->workdir, 0) < 0) ||
	    attach_object_dirs(r, err, sizeof(err)) < 0) {
		git_repository_free(r->git_);
		r->git_ = NULL;
		r->git_failed = true;
	}
	return r->git_;
}

const char *hr_repo_gitdir(const hr_repo *r) { return r->gitdir; }
const char *hr_repo_commondir(const hr_repo *r) { return r->commondir; }
const char *hr_repo_workdir(const hr_repo *r) { return r->workdir; }
const char *hr_repo_index_path(hr_repo *r) { return r->index_path; }

int hr_repo_index(git_index **out, hr_repo *r, char *err, size_t errlen)
{
	if (!r->index) {
		git_index *idx = NULL;
		if (git_index_open(&idx, r->index_path) < 0)
			return hr_git_error(HR_EGIT, err, errlen, "cannot read the index '%s'", r->index_path);
		if (git_repository_set_index(hr_repo_git(r), idx) < 0) {
			git_index_free(idx);
			return hr_git_error(HR_EGIT, err, errlen, "cannot use the index '%s'", r->index_path);
		}
		r->index = idx;
	}
	*out = r->index;
	return 0;
}

int hr_repo_rawindex(const hr_rawindex **out, hr_repo *r, char *err, size_t errlen)
{
	*out = NULL;
	if (!r->raw) {
		hr_rawindex *ix = malloc(sizeof(*ix));
		int rc;
		if (!ix)
			return HR_ENOMEM;
		if ((rc = hr_rawindex_read(ix, r->index_path, err, errlen)) < 0) {
			free(ix);
			return rc;
		}
		r->raw = ix;
	}
	*out = r->raw;
	return 0;
}

void hr_repo_rawindex_drop(hr_repo *r)
{
	if (r->raw) {
		hr_rawindex_free(r->raw);
		free(r->raw);
		r->raw = NULL;
	}
}

int hr_repo_hooks_dir(char **out, hr_repo *r, char *err, size_t errlen)
{
	git_config *cfg = NULL;
	git_buf buf = { 0 };
	int rc = 0;

	*out = NULL;
	if (git_repository_config_snapshot(&cfg, hr_repo_git(r)) < 0)
		return hr_git_error(HR_EGIT, err, errlen, "cannot read the repository configuration");
	int grc = git_config_get_path(&buf, cfg, "core.hooksPath");
	if (grc == 0 && buf.size) {
		if (buf.ptr[0] == '/') {
			*out = strdup(buf.ptr);
		} else {
			/* relative: to where hooks run, the working tree or the bare git directory */
			const char *base = r->workdir ? r->workdir : r->gitdir;
			size_t a = strlen(base), b = buf.size;
			*out = malloc(a + b + 1);
			if (*out) {
				memcpy(*out, base, a);
				memcpy(*out + a, buf.ptr, b + 1);
			}
		}
	} else if (grc < 0 && grc != GIT_ENOTFOUND) {
		rc = hr_git_error(HR_EGIT, err, errlen, "cannot read core.hooksPath");
		goto out;
	} else {
		size_t a = strlen(r->commondir);
		*out = malloc(a + 6);
		if (*out) {
			memcpy(*out, r->commondir, a);
			memcpy(*out + a, "hooks", 6);
		}
	}
	if (!*out) {
		rc = HR_ENOMEM;
		goto out;
	}
	size_t n = strlen(*out);
	while (n > 1 && (*out)[n - 1] == '/')
		(*out)[--n] = '\0';
out:
	git_buf_dispose(&buf);
	git_config_free(cfg);
	return rc;
}

bool hr_repo_path_ignored(hr_repo *r, const char *path)
{
	int ignored = 0;
	git_index *idx;
	char err[16];

	if (hr_repo_index(&idx, r, err, sizeof(err)) == 0) {
		if (git_index_get_bypath(idx, path, 0))
			return false; /* tracked */
		/* inside a submodule: another repository's file */
		char *prefix = strdup(path);
		for (char *slash = prefix ? strchr(prefix, '/') : NULL; slash; slash = strchr(slash + 1, '/')) {
			*slash = '\0';
			const git_index_entry *e = git_index_get_bypath(idx, prefix, 0);
			*slash = '/';
			if (e && e->mode == GIT_FILEMODE_COMMIT) {
				free(prefix);
				return true;
			}
		}
		free(prefix);
	}
	if (git_ignore_path_is_ignored(&ignored, hr_repo_git(r), path) < 0) {
		git_error_clear();
		return false;
	}
	return ignored == 1;
}

int hr_repo_refs(char ***names, hr_oid **ids, size_t *n, hr_repo *r, char *err, size_t errlen)
{
	static const char *const globs[] = { "refs/heads/*", "refs/tags/*" };
	size_t count = 0, cap = 0;
	char **nm = NULL;
	hr_oid *id = NULL;
	int rc = 0;

	*names = NULL;
	*ids = NULL;
	*n = 0;
	for (size_t g = 0; g < 2 && rc == 0; g++) {
		git_reference_iterator *it = NULL;
		git_reference *ref;
		if (git_reference_iterator_glob_new(&it, hr_repo_git(r), globs[g]) < 0) {
			rc = hr_git_error(HR_EGIT, err, errlen, "cannot list %s", globs[g]);
			break;
		}
		while (rc == 0 && git_reference_next(&ref, it) == 0) {
			git_object *obj = NULL;
			if (git_reference_peel(&obj, ref, GIT_OBJECT_ANY) == 0 &&
			    (git_object_type(obj) == GIT_OBJECT_COMMIT || git_object_type(obj) == GIT_OBJECT_TREE)) {
				if (count == cap) {
					size_t ncap = cap ? cap * 2 : 16;
					char **a = realloc(nm, ncap * sizeof(char *));
					hr_oid *b = a ? realloc(id, ncap * sizeof(hr_oid)) : NULL;
					if (a)
						nm = a;
					if (b)
						id = b;
					if (!a || !b)
						rc = HR_ENOMEM;
					else
						cap = ncap;
				}
				if (rc == 0 && (nm[count] = strdup(git_reference_name(ref))) != NULL) {
					memcpy(id[count].id, git_object_id(obj)->id, HR_OID_RAWSZ);
					count++;
				} else if (rc == 0) {
					rc = HR_ENOMEM;
				}
			}
			git_error_clear();
			git_object_free(obj);
			git_reference_free(ref);
		}
		git_reference_iterator_free(it);
	}
	if (rc < 0) {
		for (size_t i = 0; i < count; i++)
			free(nm[i]);
		free(nm);
		free(id);
		return rc;
	}
	*names = nm;
	*ids = id;
	*n = count;
	return 0;
}
