/* SPDX-License-Identifier: MIT */
/*
 * gitconfig.c - git's configuration files read without libgit2.
 *
 * What: the files git reads for a repository (system, global, the
 * repository's own `config`), parsed into a list of (key, value) pairs in
 * file order, and the few lookups hook-run's fast paths need: the last
 * value of a key, as a string, a boolean, an int or a path.
 *
 * Why: loading libgit2 and opening a repository with it costs more than
 * everything else a pre-receive hook does on a small push. The values the
 * fast paths need (core.repositoryformatversion, extensions.*, core.bare,
 * core.worktree, core.attributesFile, receive.advertisePushOptions) are
 * all in these files, so libgit2 becomes a fallback loaded only when this
 * reader says HR_ENOTSUP.
 *
 * How: the parser is a state machine that reads one byte at a time as
 * git's config.c does (get_next_char, get_base_var,
 * get_extended_base_var, get_value, parse_value, git_parse_source), so
 * that what git accepts is accepted with the same value, what git dies on
 * is HR_EINVALID with the same line number, and the corner cases follow
 * from the same steps rather than from a grammar that approximates them:
 * a `[section] key = value` on one line, CRLF and a lone CR, a UTF-8 BOM
 * (a partial one is an error), `\` continuations (also at the end of the
 * file), quotes that span comments characters, trailing whitespace
 * trimmed and inner whitespace kept as written (git 2.45 and later; older
 * gits turned each inner tab into a space). Keys are stored as git passes
 * them to its callbacks: the section lower-cased (all of a deprecated
 * `[section.sub]` header too), the subsection of `[section "sub"]` as
 * written, the variable name lower-cased; a lookup canonicalises its key
 * as git_config_parse_key() does and compares whole strings. The
 * repository's own file is also kept apart (hr_gitconfig_repo()): git
 * reads the repository format, extensions.* and core.worktree from it
 * alone.
 *
 * What it does not do, on purpose (HR_ENOTSUP, the caller asks libgit2):
 * - include.* and includeIf.* (includes are not followed; a file that has
 *   such a key makes hr_gitconfig_open() refuse);
 * - extensions.worktreeConfig set in the repository's file (then
 *   config.worktree of the worktree's own git directory would count);
 * - a NUL byte inside a value or a subsection name: git keeps the bytes
 *   before it and silently drops the rest, a reading of a corrupt file
 *   not worth copying (a NUL in a comment is ignored, as git does; one
 *   anywhere else is a syntax error in git too);
 * - paths beginning with `%(prefix)/` or `:(optional)`.
 * Nor does it read the command line's settings (GIT_CONFIG_PARAMETERS,
 * GIT_CONFIG_COUNT: config.c), GIT_CONFIG (only `git config` reads it),
 * or write anything.
 *
 * Limits: a file over HR_GITCONFIG_FILE_MAX bytes, or a key or value over
 * HR_GITCONFIG_VALUE_MAX bytes, is HR_ETOOBIG (git has no such limit; a
 * real configuration is a few kilobytes).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_internal.h"

#ifndef HR_GIT_ETC_GITCONFIG
#define HR_GIT_ETC_GITCONFIG "/etc/gitconfig" /* git's ETC_GITCONFIG as distributions build it */
#endif

typedef struct gc_entry {
	char *key;      /* canonical: "section.name", "section.Sub.name" */
	char *value;    /* NULL for a bare key (`[core] bare`) */
	unsigned file;  /* index into hr_gitconfig.files */
	unsigned line;  /* 1-based, as git counts it */
} gc_entry;

struct hr_gitconfig {
	gc_entry *entries;       /* in the order git sees them: the last one wins */
	size_t n, cap;
	char **files;            /* the names given to hr_gitconfig_parse(), for messages */
	size_t nfiles;
	struct hr_gitconfig *repo; /* hr_gitconfig_open(): the repository's file alone */
	bool includes;           /* an include.* / includeIf.* key was read */
	unsigned include_file;   /* where the first one is */
	unsigned include_line;
};

/* ---- git's character classes (git-compat-util.h, ctype.c): ASCII only */

static bool g_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool g_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool g_isalnum(int c)
{
	return g_isalpha(c) || (c >= '0' && c <= '9');
}

static bool g_iskeychar(int c)
{
	return g_isalnum(c) || c == '-';
}

static int g_tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* ---- a growing byte buffer with a limit ------------------------------ */

typedef struct gbuf {
	char *ptr;
	size_t len, cap;
} gbuf;

static int gbuf_add(gbuf *b, int c)
{
	if (b->len >= HR_GITCONFIG_VALUE_MAX)
		return HR_ETOOBIG;
	if (b->len + 1 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		char *p = realloc(b->ptr, cap);
		if (!p)
			return HR_ENOMEM;
		b->ptr = p;
		b->cap = cap;
	}
	b->ptr[b->len++] = (char)c;
	b->ptr[b->len] = '\0';
	return 0;
}

/* ---- the parser ------------------------------------------------------- */

#define GC_EOF (-1)

typedef struct gsrc {
	const unsigned char *data;
	size_t len, pos;
	bool eof;            /* git's cs->eof: the end was read (as a '\n') */
	unsigned line;       /* git's cs->linenr */
	gbuf var;            /* the key being read: "section." then the name */
	gbuf value;
	const char *why;     /* what was wrong, for the message */
	int rc;              /* HR_ENOMEM or HR_ETOOBIG from a buffer, else 0 */
	unsigned nul_line;   /* the first NUL kept in a value or subsection; 0: none */
} gsrc;

/* git's get_next_char(): CRLF is '\n', the end of the data is a '\n' too */
static int next_char(gsrc *s)
{
	int c = s->pos < s->len ? s->data[s->pos++] : GC_EOF;

	if (c == '\r' && s->pos < s->len && s->data[s->pos] == '\n') {
		s->pos++;
		c = '\n';
	}
	if (c == '\n')
		s->line++;
	if (c == GC_EOF) {
		s->eof = true;
		s->line++;
		c = '\n';
	}
	return c;
}

/* add to a buffer, remembering an allocation failure or the limit */
static bool add(gsrc *s, gbuf *b, int c)
{
	int rc = gbuf_add(b, c);
	if (rc < 0) {
		s->rc = rc;
		s->why = rc == HR_ETOOBIG ? "a key or value over the size limit" : "out of memory";
		return false;
	}
	return true;
}

/* empty the buffer, allocating it the first time (a value may be "") */
static bool reset(gsrc *s, gbuf *b)
{
	if (!b->ptr && !add(s, b, 'x'))
		return false;
	b->len = 0;
	b->ptr[0] = '\0';
	return true;
}

/* a NUL byte that git would keep, cutting the string there: not read here */
static void note_nul(gsrc *s, int c)
{
	if (c == 0 && !s->nul_line)
		s->nul_line = s->line;
}

/* git's parse_value(): the text after '=', or NULL (an error) */
static const char *parse_value(gsrc *s)
{
	bool quote = false, comment = false;
	size_t trim_len = 0;

	if (!reset(s, &s->value))
		return NULL;
	for (;;) {
		int c = next_char(s);
		if (c == '\n') {
			if (quote) {
				s->line--;
				s->why = "a quoted value is not closed";
				return NULL;
			}
			if (trim_len) {
				s->value.len = trim_len;
				s->value.ptr[trim_len] = '\0';
			}
			return s->value.ptr;
		}
		if (comment)
			continue;
		if (g_isspace(c) && !quote) {
			if (!trim_len)
				trim_len = s->value.len;
			if (s->value.len && !add(s, &s->value, c))
				return NULL;
			continue;
		}
		if (!quote && (c == ';' || c == '#')) {
			comment = true;
			continue;
		}
		trim_len = 0;
		if (c == '\\') {
			c = next_char(s);
			switch (c) {
			case '\n':
				continue;
			case 't':
				c = '\t';
				break;
			case 'b':
				c = '\b';
				break;
			case 'n':
				c = '\n';
				break;
			case '\\':
			case '"':
				break;
			default:
				s->why = "an unknown escape sequence in a value";
				return NULL;
			}
			if (!add(s, &s->value, c))
				return NULL;
			continue;
		}
		if (c == '"') {
			quote = !quote;
			continue;
		}
		note_nul(s, c);
		if (!add(s, &s->value, c))
			return NULL;
	}
}

static int store(hr_gitconfig *c, unsigned file, gsrc *s, const char *value);

/* git's get_value(): a variable name (its first letter is in s->var) and its value */
static int get_value(hr_gitconfig *cfg, unsigned file, gsrc *s)
{
	int c;
	const char *value = NULL;

	for (;;) {
		c = next_char(s);
		if (s->eof || !g_iskeychar(c))
			break;
		if (!add(s, &s->var, g_tolower(c)))
			return -1;
	}
	while (c == ' ' || c == '\t')
		c = next_char(s);
	if (c != '\n') {
		if (c != '=') {
			s->why = "a variable name must be letters, digits and '-', then '=' or the line's end";
			return -1;
		}
		if (!(value = parse_value(s)))
			return -1;
	}
	s->line--;
	int rc = store(cfg, file, s, value);
	if (rc < 0) {
		s->rc = rc;
		s->why = "out of memory";
		return -1;
	}
	s->line++;
	return 0;
}

/* git's get_extended_base_var(): `[section "subsection"]`, after the section */
static int get_extended_base_var(gsrc *s, int c)
{
	do {
		if (c == '\n')
			goto incomplete;
		c = next_char(s);
	} while (g_isspace(c));

	if (c != '"') {
		s->why = "a section header's subsection must be quoted";
		return -1;
	}
	if (!add(s, &s->var, '.'))
		return -1;
	for (;;) {
		c = next_char(s);
		if (c == '\n')
			goto incomplete;
		if (c == '"')
			break;
		if (c == '\\') {
			c = next_char(s);
			if (c == '\n')
				goto incomplete;
		}
		note_nul(s, c);
		if (!add(s, &s->var, c))
			return -1;
	}
	if (next_char(s) != ']') {
		s->why = "a section header must end with ']' after the subsection";
		return -1;
	}
	return 0;
incomplete:
	s->line--;
	s->why = "a section header is not closed";
	return -1;
}

/* git's get_base_var(): a section header, after its '[' */
static int get_base_var(gsrc *s)
{
	for (;;) {
		int c = next_char(s);
		if (s->eof) {
			s->why = "a section header is not closed";
			return -1;
		}
		if (c == ']')
			return 0;
		if (g_isspace(c))
			return get_extended_base_var(s, c);
		if (!g_iskeychar(c) && c != '.') {
			s->why = "a section name must be letters, digits, '-' and '.'";
			return -1;
		}
		if (!add(s, &s->var, g_tolower(c)))
			return -1;
	}
}

/* git's git_parse_source(): 0, or -1 with s->why (and s->rc) set */
static int parse_source(hr_gitconfig *cfg, unsigned file, gsrc *s)
{
	static const unsigned char bom[] = { 0xef, 0xbb, 0xbf };
	size_t bom_seen = 0;
	bool bom_done = false, comment = false;
	size_t baselen = 0;

	if (!reset(s, &s->var))
		return -1;
	for (;;) {
		int c = next_char(s);
		if (!bom_done) {
			/* a BOM at the very start is skipped; part of one is an error */
			if (c == bom[bom_seen]) {
				if (++bom_seen == sizeof(bom))
					bom_done = true;
				continue;
			}
			if (bom_seen) {
				s->why = "an incomplete UTF-8 byte order mark";
				return -1;
			}
			bom_done = true;
		}
		if (c == '\n') {
			if (s->eof)
				return 0;
			comment = false;
			continue;
		}
		if (comment)
			continue;
		if (g_isspace(c))
			continue;
		if (c == '#' || c == ';') {
			comment = true;
			continue;
		}
		if (c == '[') {
			s->var.len = 0;
			if (get_base_var(s) < 0)
				return -1;
			if (s->var.len < 1) {
				s->why = "an empty section name";
				return -1;
			}
			if (!add(s, &s->var, '.'))
				return -1;
			baselen = s->var.len;
			continue;
		}
		if (!g_isalpha(c)) {
			s->why = c == 0 ? "a NUL byte" : "a line must be a section header, a variable or a comment";
			return -1;
		}
		s->var.len = baselen;
		if (!add(s, &s->var, g_tolower(c)))
			return -1;
		if (get_value(cfg, file, s) < 0)
			return -1;
	}
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int store(hr_gitconfig *c, unsigned file, gsrc *s, const char *value)
{
	/*
	 * A variable before any section header: git hands it to its callbacks
	 * as "name", a key no lookup can ask for (git_config_parse_key wants a
	 * section). Not kept.
	 */
	if (!memchr(s->var.ptr, '.', s->var.len))
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		gc_entry *e = realloc(c->entries, cap * sizeof(*e));
		if (!e)
			return HR_ENOMEM;
		c->entries = e;
		c->cap = cap;
	}
	gc_entry *e = &c->entries[c->n];
	e->key = strndup(s->var.ptr, s->var.len);
	e->value = value ? strndup(value, s->value.len) : NULL;
	if (!e->key || (value && !e->value)) {
		free(e->key);
		free(e->value);
		return HR_ENOMEM;
	}
	e->file = file;
	e->line = s->line;
	c->n++;
	if (!c->includes && (has_prefix(e->key, "include.") || has_prefix(e->key, "includeif."))) {
		c->includes = true;
		c->include_file = file;
		c->include_line = e->line;
	}
	return 0;
}

int hr_gitconfig_new(hr_gitconfig **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : HR_ENOMEM;
}

void hr_gitconfig_free(hr_gitconfig *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->entries[i].key);
		free(c->entries[i].value);
	}
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	hr_gitconfig_free(c->repo);
	free(c->entries);
	free(c->files);
	free(c);
}

int hr_gitconfig_parse(hr_gitconfig *c, const char *data, size_t len, const char *name,
	char *err, size_t errlen)
{
	size_t n_before = c->n;
	bool includes_before = c->includes;
	int rc = 0;

	if (errlen)
		err[0] = '\0';
	if (len > HR_GITCONFIG_FILE_MAX) {
		snprintf(err, errlen, "%s: over the %u-byte limit of a git configuration file", name,
			(unsigned)HR_GITCONFIG_FILE_MAX);
		return HR_ETOOBIG;
	}
	char **files = realloc(c->files, (c->nfiles + 1) * sizeof(*files));
	if (!files)
		return HR_ENOMEM;
	c->files = files;
	if (!(c->files[c->nfiles] = strdup(name)))
		return HR_ENOMEM;
	unsigned file = (unsigned)c->nfiles++;

	gsrc s = { .data = (const unsigned char *)data, .len = len, .line = 1 };
	if (parse_source(c, file, &s) < 0) {
		rc = s.rc ? s.rc : HR_EINVALID;
		if (rc == HR_ENOMEM)
			snprintf(err, errlen, "out of memory");
		else
			snprintf(err, errlen, "%s:%u: bad config line (%s)", name, s.line, s.why);
	} else if (s.nul_line) {
		rc = HR_ENOTSUP;
		snprintf(err, errlen, "%s:%u: a NUL byte in a value or subsection name", name, s.nul_line);
	}
	free(s.var.ptr);
	free(s.value.ptr);
	if (rc < 0) {
		/* nothing of a file that failed */
		for (size_t i = n_before; i < c->n; i++) {
			free(c->entries[i].key);
			free(c->entries[i].value);
		}
		c->n = n_before;
		c->includes = includes_before;
	}
	return rc;
}

const hr_gitconfig *hr_gitconfig_repo(const hr_gitconfig *c)
{
	return c->repo ? c->repo : c;
}

bool hr_gitconfig_includes(const hr_gitconfig *c)
{
	return c->includes;
}

/* ---- the files -------------------------------------------------------- */

/* `path` made absolute against the hook's directory (env->cwd), malloc'd */
static char *resolve(const hr_env *env, const char *dir, const char *rest)
{
	const char *cwd = env && env->cwd && dir[0] != '/' ? env->cwd : NULL;
	size_t cwdlen = cwd ? strlen(cwd) : 0, dirlen = strlen(dir), restlen = rest ? strlen(rest) : 0;
	char *out = malloc(cwdlen + 1 + dirlen + 1 + restlen + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	if (cwd) {
		memcpy(out, cwd, cwdlen);
		n = cwdlen;
		if (n && out[n - 1] != '/')
			out[n++] = '/';
	}
	memcpy(out + n, dir, dirlen);
	n += dirlen;
	if (rest) {
		if (n && out[n - 1] != '/')
			out[n++] = '/';
		memcpy(out + n, rest, restlen);
		n += restlen;
	}
	out[n] = '\0';
	return out;
}

enum { GC_SYSTEM, GC_GLOBAL, GC_LOCAL };

/*
 * Read and parse one file. As git's do_git_config_sequence() with
 * access_or_die(): a file that does not exist (ENOENT, ENOTDIR) is
 * skipped; one we may not read (EACCES) is skipped for the system and
 * global files (git warns) and an error for the repository's; any other
 * failure is an error (git dies). A directory reads as an empty file in
 * git (fopen succeeds, fgetc ends): skipped.
 */
static int read_file(hr_gitconfig *c, const char *path, int scope, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *data = NULL;
	size_t len = 0;
	struct stat st;
	int rc = 0;

	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR || (errno == EACCES && scope != GC_LOCAL))
			return 0;
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return HR_EIO;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		rc = HR_EIO;
		goto out;
	}
	if (S_ISDIR(st.st_mode))
		goto out;
	/* read up to one byte over the limit: st_size may lie (/proc, a FIFO) */
	size_t cap = 4096;
	for (;;) {
		if (len == cap || !data) {
			if (data)
				cap *= 2;
			if (cap > HR_GITCONFIG_FILE_MAX + 1)
				cap = HR_GITCONFIG_FILE_MAX + 1;
			char *p = realloc(data, cap);
			if (!p) {
				rc = HR_ENOMEM;
				goto out;
			}
			data = p;
		}
		ssize_t got = read(fd, data + len, cap - len);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EISDIR)
				break;
			snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
			rc = HR_EIO;
			goto out;
		}
		if (got == 0)
			break;
		len += (size_t)got;
		if (len > HR_GITCONFIG_FILE_MAX)
			break;
	}
	rc = hr_gitconfig_parse(c, data ? data : "", len, path, err, errlen);
	if (rc == 0 && scope == GC_LOCAL)
		rc = hr_gitconfig_parse(c->repo, data ? data : "", len, path, err, errlen);
out:
	free(data);
	close(fd);
	return rc;
}

/* git's git_parse_maybe_bool_text(): 1, 0, or -1 when not a word git knows */
static int bool_text(const char *v)
{
	if (!v)
		return 1;
	if (!*v)
		return 0;
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on"))
		return 1;
	if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off"))
		return 0;
	return -1;
}

/* git's git_parse_signed() for an int: base 0 (0x.., 0..), k/m/g, range checked */
static int parse_int(const char *v, int *out)
{
	if (!v || !*v)
		return HR_EINVALID;
	char *end;
	errno = 0;
	intmax_t val = strtoimax(v, &end, 0);
	if (errno == ERANGE)
		return HR_EINVALID;
	if (end == v)
		return HR_EINVALID;
	intmax_t factor;
	if (!*end)
		factor = 1;
	else if (!strcasecmp(end, "k"))
		factor = 1024;
	else if (!strcasecmp(end, "m"))
		factor = 1024 * 1024;
	else if (!strcasecmp(end, "g"))
		factor = 1024 * 1024 * 1024;
	else
		return HR_EINVALID;
	intmax_t max = INT_MAX;
	if ((val < 0 && (-max - 1) / factor > val) || (val > 0 && max / factor < val))
		return HR_EINVALID;
	*out = (int)(val * factor);
	return 0;
}

/* git_config_bool(): 1, 0, or -1 */
static int parse_bool(const char *v)
{
	int b = bool_text(v);
	if (b >= 0)
		return b;
	int n;
	if (parse_int(v, &n) == 0)
		return n != 0;
	return -1;
}

int hr_gitconfig_open(hr_gitconfig **out, const hr_env *env, const char *commondir,
	char *err, size_t errlen)
{
	hr_gitconfig *c = NULL;
	char *system = NULL, *xdg = NULL, *user = NULL, *local = NULL;
	int rc;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if ((rc = hr_gitconfig_new(&c)) < 0 || (rc = hr_gitconfig_new(&c->repo)) < 0)
		goto out;

	/* git_config_system(): GIT_CONFIG_NOSYSTEM is a boolean; a bad one kills git */
	bool nosystem = false;
	const char *v = hr_env_get(env, "GIT_CONFIG_NOSYSTEM");
	if (v) {
		int b = parse_bool(v);
		if (b < 0) {
			snprintf(err, errlen, "GIT_CONFIG_NOSYSTEM: '%s' is not a boolean", v);
			rc = HR_EINVALID;
			goto out;
		}
		nosystem = b;
	}
	rc = HR_ENOMEM;
	if (!nosystem) {
		v = hr_env_get(env, "GIT_CONFIG_SYSTEM");
		if (!(system = v ? (*v ? resolve(env, v, NULL) : strdup("")) : strdup(HR_GIT_ETC_GITCONFIG)))
			goto out;
	}
	/* git_global_config_paths() */
	v = hr_env_get(env, "GIT_CONFIG_GLOBAL");
	if (v) {
		if (!(user = *v ? resolve(env, v, NULL) : strdup("")))
			goto out;
	} else {
		const char *home = hr_env_get(env, "HOME");
		const char *xdg_home = hr_env_value(env, "XDG_CONFIG_HOME");
		if (xdg_home && !(xdg = resolve(env, xdg_home, "git/config")))
			goto out;
		if (!xdg_home && home && !(xdg = resolve(env, *home ? home : "/", ".config/git/config")))
			goto out;
		if (home && !(user = resolve(env, *home ? home : "/", ".gitconfig")))
			goto out;
	}
	if (commondir && !(local = resolve(env, commondir, "config")))
		goto out;

	if (system && *system && (rc = read_file(c, system, GC_SYSTEM, err, errlen)) < 0)
		goto out;
	if (xdg && (rc = read_file(c, xdg, GC_GLOBAL, err, errlen)) < 0)
		goto out;
	if (user && *user && (rc = read_file(c, user, GC_GLOBAL, err, errlen)) < 0)
		goto out;
	if (local && (rc = read_file(c, local, GC_LOCAL, err, errlen)) < 0)
		goto out;
	rc = 0;
	if (c->includes) {
		snprintf(err, errlen, "%s:%u: include.* and includeIf.* are not read here",
			c->files[c->include_file], c->include_line);
		rc = HR_ENOTSUP;
		goto out;
	}
	const hr_gitconfig *repo = c->repo;
	for (size_t i = 0; i < repo->n; i++)
		if (!strcmp(repo->entries[i].key, "extensions.worktreeconfig")) {
			snprintf(err, errlen, "%s:%u: extensions.worktreeConfig is not read here",
				repo->files[repo->entries[i].file], repo->entries[i].line);
			rc = HR_ENOTSUP;
			goto out;
		}
out:
	free(system);
	free(xdg);
	free(user);
	free(local);
	if (rc < 0)
		hr_gitconfig_free(c);
	else
		*out = c;
	return rc;
}

/* ---- lookups ---------------------------------------------------------- */

/*
 * git_config_parse_key(): the section and the variable name lower-cased,
 * the subsection as it is; malloc'd into *out. HR_EINVALID for a key git
 * refuses (no section, no name, a bad character, a newline).
 */
static int canonical_key(const char *key, char **out)
{
	const char *last_dot = strrchr(key, '.');
	if (!last_dot || last_dot == key || !last_dot[1])
		return HR_EINVALID;
	size_t baselen = (size_t)(last_dot - key), len = strlen(key);
	char *k = malloc(len + 1);
	if (!k)
		return HR_ENOMEM;
	bool dot = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)key[i];
		if (ch == '.')
			dot = true;
		if (!dot || i > baselen) {
			if (!g_iskeychar(ch) || (i == baselen + 1 && !g_isalpha(ch))) {
				free(k);
				return HR_EINVALID;
			}
			ch = (unsigned char)g_tolower(ch);
		} else if (ch == '\n') {
			free(k);
			return HR_EINVALID;
		}
		k[i] = (char)ch;
	}
	k[len] = '\0';
	*out = k;
	return 0;
}

int hr_gitconfig_get(const hr_gitconfig *c, const char *key, const char **value)
{
	char *k;
	int rc = canonical_key(key, &k);
	if (rc < 0)
		return rc;
	rc = HR_ENOTFOUND;
	for (size_t i = c->n; i-- > 0;)
		if (!strcmp(c->entries[i].key, k)) {
			*value = c->entries[i].value;
			rc = 0;
			break;
		}
	free(k);
	return rc;
}

int hr_gitconfig_get_bool(const hr_gitconfig *c, const char *key, bool *out)
{
	const char *v;
	int rc = hr_gitconfig_get(c, key, &v);
	if (rc < 0)
		return rc;
	int b = parse_bool(v);
	if (b < 0)
		return HR_EINVALID;
	*out = b;
	return 0;
}

int hr_gitconfig_get_int(const hr_gitconfig *c, const char *key, int *out)
{
	const char *v;
	int rc = hr_gitconfig_get(c, key, &v);
	if (rc < 0)
		return rc;
	return parse_int(v, out);
}

int hr_gitconfig_get_path(const hr_gitconfig *c, const hr_env *env, const char *key, char **out)
{
	const char *v;
	int rc = hr_gitconfig_get(c, key, &v);
	if (rc < 0)
		return rc;
	if (!v)
		return HR_EINVALID; /* git: "missing value for 'KEY'" */
	if (has_prefix(v, "%(prefix)/") || has_prefix(v, ":(optional)"))
		return HR_ENOTSUP;
	if (v[0] != '~')
		return (*out = strdup(v)) ? 0 : HR_ENOMEM;

	const char *slash = strchr(v, '/');
	const char *rest = slash ? slash : v + strlen(v);
	size_t namelen = (size_t)(rest - (v + 1));
	const char *home;
	char *name = NULL, *buf = NULL;
	struct passwd pw, *found = NULL;
	if (namelen == 0) {
		if (!(home = hr_env_get(env, "HOME")))
			return HR_EINVALID; /* git: "failed to expand user dir" */
	} else {
		long size = sysconf(_SC_GETPW_R_SIZE_MAX);
		size_t bufsize = size > 0 ? (size_t)size : 16384;
		if (!(name = strndup(v + 1, namelen)) || !(buf = malloc(bufsize))) {
			rc = HR_ENOMEM;
			goto out;
		}
		int e = getpwnam_r(name, &pw, buf, bufsize, &found);
		if (e && e != ENOENT && e != ESRCH && e != EBADF && e != EPERM) {
			rc = HR_ENOTSUP; /* the user database failed us: let the fallback try */
			goto out;
		}
		if (!found) {
			rc = HR_EINVALID; /* no such user: git dies */
			goto out;
		}
		home = found->pw_dir;
	}
	size_t hlen = strlen(home), rlen = strlen(rest);
	if (!(*out = malloc(hlen + rlen + 1))) {
		rc = HR_ENOMEM;
		goto out;
	}
	memcpy(*out, home, hlen);
	memcpy(*out + hlen, rest, rlen + 1);
	rc = 0;
out:
	free(name);
	free(buf);
	return rc;
}

bool hr_gitconfig_has_section(const hr_gitconfig *c, const char *section)
{
	size_t len = strlen(section);
	for (size_t i = 0; i < c->n; i++) {
		const char *k = c->entries[i].key;
		if (!strncasecmp(k, section, len) && k[len] == '.')
			return true;
	}
	return false;
}

size_t hr_gitconfig_count(const hr_gitconfig *c)
{
	return c->n;
}

void hr_gitconfig_entry(const hr_gitconfig *c, size_t i, const char **key, const char **value,
	unsigned *line)
{
	*key = c->entries[i].key;
	*value = c->entries[i].value;
	if (line)
		*line = c->entries[i].line;
}
