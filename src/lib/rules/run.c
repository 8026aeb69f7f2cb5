/* SPDX-License-Identifier: MIT */
/*
 * run.c - what a RUN instruction does to the stage's filesystem, as far as
 * its shell text can be read.
 *
 * The text is read as a POSIX shell would: words with quotes removed and
 * $VAR / ${VAR} expanded from ARG, ENV and the script's own assignments;
 * commands separated by ; & && || | and newlines; `cd` and subshells move
 * the working directory; `sh -c`, `bash -c`, `su -c`, `sudo`, `env` and
 * friends run their command; `for NAME in WORDS; do ...; done` runs its body
 * once per word; commands under `if`, `case`, loops and after `||` may or
 * may not run.
 *
 * Each command is then one of three kinds (the table in command_kind()):
 *  - modeled: mkdir, install -d, chmod, chown, chgrp, ln, rm, mv, cp, tar -x,
 *    useradd, touch, git clone... change the model exactly;
 *  - known: package managers, compilers and text tools. They create entries
 *    of default metadata (owned by the RUN's user) in the working directory
 *    and in their own system trees, and change nothing that exists. This is
 *    an assumption, and the README says so;
 *  - everything else (a script, an interpreter, make, an unknown program),
 *    and a modeled command whose operands cannot be resolved ($(...),
 *    globs, unknown variables): its effects cannot be read, and every fact
 *    the model holds becomes a presumption (hr__fs_opaque).
 *
 * What it does not do: run anything, follow a script's own text, or know
 * what a RUN --mount target hid (effects under a mount target are dropped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stage.h"
#include "heredoc.h"

typedef struct sword {
	const char *text;   /* after quote removal and expansion (arena) */
	bool unresolved;    /* an expansion we could not do: $(..), `..`, unknown $VAR, ~ */
	bool glob;          /* unquoted * ? [ */
	bool op;            /* an operator token: text is "&&", "||", ";", "|", "&", "(", ")", "{", "}" or "\n" */
	size_t start;       /* where the token starts in the script text */
} sword;

typedef struct wvec {
	sword *w;
	size_t n;
	size_t cap;
} wvec;

typedef struct shvar {
	const char *name;
	const char *value; /* NULL: unknown */
} shvar;

/* the state of one script being read */
typedef struct runner {
	hr_check_ctx *c;
	hr_stage *st;
	const hr_instruction *in;
	const char *cwd;        /* NULL: unknown */
	hr_owner user;
	shvar *vars;
	size_t nvars, cap_vars;
	const char **mounts;    /* RUN --mount targets */
	size_t nmounts;
	int depth;              /* sh -c nesting */
	bool stop;              /* `exit`, or the model went opaque */
	bool heredoc_script;    /* a shell reading stdin gets the RUN's heredoc (run by the caller) */
	const char *script;     /* the text being run (for loop bodies, expanded per word) */
	size_t script_len;
	const char *label;      /* "RUN at line N" */
} runner;

static void wpush(hr_check_ctx *c, wvec *v, sword w)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 32;
		sword *p = realloc(v->w, cap * sizeof(*p));
		if (!p) {
			c->error = HR_ENOMEM;
			return;
		}
		v->w = p;
		v->cap = cap;
	}
	v->w[v->n++] = w;
}

static void set_shvar(runner *r, const char *name, const char *value)
{
	for (size_t i = 0; i < r->nvars; i++)
		if (!strcmp(r->vars[i].name, name)) {
			r->vars[i].value = value;
			return;
		}
	if (r->nvars == r->cap_vars) {
		size_t cap = r->cap_vars ? r->cap_vars * 2 : 8;
		shvar *p = realloc(r->vars, cap * sizeof(*p));
		if (!p) {
			r->c->error = HR_ENOMEM;
			return;
		}
		r->vars = p;
		r->cap_vars = cap;
	}
	r->vars[r->nvars].name = name;
	r->vars[r->nvars].value = value;
	r->nvars++;
}

/* $NAME: the script's own variables first, then ARG/ENV; found=false if undeclared */
static const char *lookup_var(runner *r, const char *name, size_t n, bool *found)
{
	for (size_t i = r->nvars; i-- > 0;)
		if (strlen(r->vars[i].name) == n && !strncmp(r->vars[i].name, name, n)) {
			*found = true;
			return r->vars[i].value;
		}
	const hr_var *v = hr__stage_var(r->st, name, n);
	*found = v != NULL;
	if (v)
		return v->value;
	if (n == 4 && !strncmp(name, "HOME", 4) && r->user.kind == HR_OWNER_IDS && r->user.uid == 0) {
		*found = true;
		return "/root";
	}
	if (n == 3 && !strncmp(name, "PWD", 3)) {
		*found = true;
		return r->cwd;
	}
	return NULL;
}

static bool name_char(char ch, bool first)
{
	return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (!first && ch >= '0' && ch <= '9');
}

/*
 * Expand one $-form at s[i] ('$'). Appends to b; returns the index of the
 * last byte consumed. Sets *unresolved when the value cannot be known.
 */
static size_t expand_dollar(runner *r, const char *s, size_t n, size_t i, hr_buf *b, bool *unresolved)
{
	if (i + 1 >= n) {
		hr_buf_putc(b, '$');
		return i;
	}
	char nx = s[i + 1];
	if (nx == '(') {
		/* $(cmd) or $((arith)): skip to the matching ')' */
		int depth = 0;
		size_t j = i + 1;
		for (; j < n; j++) {
			if (s[j] == '(')
				depth++;
			else if (s[j] == ')' && --depth == 0)
				break;
		}
		*unresolved = true;
		return j < n ? j : n - 1;
	}
	if (nx == '{') {
		size_t j = i + 2, ns = j;
		while (j < n && name_char(s[j], j == ns))
			j++;
		size_t nl = j - ns;
		size_t close = j;
		while (close < n && s[close] != '}')
			close++;
		if (nl == 0 || close >= n) {
			*unresolved = true;
			return close < n ? close : n - 1;
		}
		bool found;
		const char *v = lookup_var(r, s + ns, nl, &found);
		if (j == close) {
			if (v)
				hr_buf_append(b, v, strlen(v));
			else
				*unresolved = true;
			return close;
		}
		/* ${X:-default}, ${X-default}: the default when X is unset (or empty) */
		bool colon = s[j] == ':';
		size_t op = colon ? j + 1 : j;
		if (op < close && s[op] == '-') {
			const char *d = s + op + 1;
			size_t dl = close - op - 1;
			if (found && v && (!colon || *v))
				hr_buf_append(b, v, strlen(v));
			else if (found && !v)
				*unresolved = true;
			else if (!memchr(d, '$', dl) && !memchr(d, '`', dl))
				hr_buf_append(b, d, dl);
			else
				*unresolved = true;
			return close;
		}
		*unresolved = true;
		return close;
	}
	if (name_char(nx, true)) {
		size_t j = i + 1;
		while (j < n && name_char(s[j], j == i + 1))
			j++;
		bool found;
		const char *v = lookup_var(r, s + i + 1, j - i - 1, &found);
		if (v)
			hr_buf_append(b, v, strlen(v));
		else
			*unresolved = true;
		return j - 1;
	}
	if (strchr("@*#?$!0123456789-", nx)) {
		*unresolved = true;
		return i + 1;
	}
	hr_buf_putc(b, '$');
	return i;
}

/* heredoc bodies of the script are stdin data: skip them, `<<WORD` lines included */
static size_t skip_heredoc_bodies(const char *s, size_t n, size_t i, const char **pending, size_t *npending)
{
	/* i is at a newline; consume each pending heredoc body */
	size_t pos = i + 1;
	for (size_t k = 0; k < *npending; k++) {
		const char *word = pending[k];
		size_t wl = strlen(word);
		while (pos < n) {
			size_t e = pos;
			while (e < n && s[e] != '\n')
				e++;
			size_t ls = pos;
			while (ls < e && s[ls] == '\t')
				ls++;
			size_t le = e;
			if (le > ls && s[le - 1] == '\r')
				le--;
			pos = e < n ? e + 1 : n;
			if (le - ls == wl && !strncmp(s + ls, word, wl))
				break;
		}
	}
	*npending = 0;
	return pos - 1;
}

/*
 * Split the script into words and operators, expanding as we go. Comments
 * are dropped, redirections and their targets skipped.
 */
static void tokenize(runner *r, const char *s, size_t n, wvec *out)
{
	hr_check_ctx *c = r->c;
	hr_buf word = HR_BUF_INIT;
	bool in_word = false, unresolved = false, glob = false;
	size_t word_start = 0;
	const char *pending[8];
	size_t npending = 0;

#define END_WORD() do { \
	if (in_word) { \
		const char *t = hr_arena_strndup(c->arena, word.ptr ? word.ptr : "", word.len); \
		if (!t) c->error = HR_ENOMEM; \
		wpush(c, out, (sword){ t ? t : "", unresolved, glob, false, word_start }); \
		hr_buf_clear(&word); in_word = false; unresolved = false; glob = false; \
	} } while (0)
#define OP(str) do { END_WORD(); wpush(c, out, (sword){ str, false, false, true, i }); } while (0)

	for (size_t i = 0; i < n && !c->error; i++) {
		char ch = s[i];
		if (!in_word)
			word_start = i;
		if (ch == '\\' && i + 1 < n) {
			if (s[i + 1] == '\n' || (s[i + 1] == '\r' && i + 2 < n && s[i + 2] == '\n')) {
				i += s[i + 1] == '\r' ? 2 : 1;
				continue;
			}
			hr_buf_putc(&word, s[++i]);
			in_word = true;
			continue;
		}
		if (ch == '\'') {
			size_t j = i + 1;
			while (j < n && s[j] != '\'')
				hr_buf_putc(&word, s[j++]);
			in_word = true;
			i = j;
			continue;
		}
		if (ch == '"') {
			size_t j = i + 1;
			while (j < n && s[j] != '"') {
				if (s[j] == '\\' && j + 1 < n && strchr("$`\"\\\n", s[j + 1])) {
					if (s[j + 1] != '\n')
						hr_buf_putc(&word, s[j + 1]);
					j += 2;
					continue;
				}
				if (s[j] == '$') {
					j = expand_dollar(r, s, n, j, &word, &unresolved) + 1;
					continue;
				}
				if (s[j] == '`') {
					unresolved = true;
					j++;
					while (j < n && s[j] != '`')
						j++;
					j++;
					continue;
				}
				hr_buf_putc(&word, s[j++]);
			}
			in_word = true;
			i = j;
			continue;
		}
		if (ch == '$') {
			i = expand_dollar(r, s, n, i, &word, &unresolved);
			in_word = true;
			continue;
		}
		if (ch == '`') {
			unresolved = true;
			in_word = true;
			i++;
			while (i < n && s[i] != '`')
				i++;
			continue;
		}
		if (ch == '#' && !in_word) {
			while (i + 1 < n && s[i + 1] != '\n')
				i++;
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\r') {
			END_WORD();
			continue;
		}
		if (ch == '\n') {
			END_WORD();
			if (npending)
				i = skip_heredoc_bodies(s, n, i, pending, &npending);
			OP("\n");
			continue;
		}
		if (ch == '&' && i + 1 < n && s[i + 1] == '&') {
			OP("&&");
			i++;
			continue;
		}
		if (ch == '|' && i + 1 < n && s[i + 1] == '|') {
			OP("||");
			i++;
			continue;
		}
		if (ch == ';' && i + 1 < n && s[i + 1] == ';') {
			OP(";;");
			i++;
			continue;
		}
		if (ch == ';' || ch == '|' || ch == '&' || ch == '(' || ch == ')') {
			static const char *const ops[] = { ";", "|", "&", "(", ")" };
			OP(ops[strchr(";|&()", ch) - ";|&()"]);
			continue;
		}
		if ((ch == '{' || ch == '}') && !in_word && (i + 1 >= n || strchr(" \t\n;", s[i + 1]))) {
			OP(ch == '{' ? "{" : "}");
			continue;
		}
		if (ch == '>' || ch == '<') {
			/* an fd number right before belongs to the redirection */
			if (in_word && word.len && strspn(word.ptr, "0123456789") == word.len) {
				hr_buf_clear(&word);
				in_word = false;
			}
			END_WORD();
			bool heredoc = ch == '<' && i + 1 < n && s[i + 1] == '<' && !(i + 2 < n && s[i + 2] == '<');
			while (i + 1 < n && (s[i + 1] == '>' || s[i + 1] == '&' || s[i + 1] == '<' || s[i + 1] == '|'))
				i++;
			if (heredoc && i + 1 < n && s[i + 1] == '-')
				i++;
			while (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t'))
				i++;
			size_t ws = i + 1;
			while (i + 1 < n && !strchr(" \t\n;&|()", s[i + 1]))
				i++;
			if (heredoc && npending < sizeof(pending) / sizeof(pending[0])) {
				/* the terminator word, quotes removed */
				char tmp[128];
				size_t tl = 0;
				for (size_t k = ws; k <= i && tl + 1 < sizeof(tmp); k++)
					if (s[k] != '\'' && s[k] != '"' && s[k] != '\\')
						tmp[tl++] = s[k];
				tmp[tl] = '\0';
				pending[npending++] = hr_arena_strndup(c->arena, tmp, tl);
				if (!pending[npending - 1])
					npending--;
			}
			continue;
		}
		if (!in_word && ch == '~' && (i + 1 >= n || s[i + 1] == '/' || strchr(" \t\n;", s[i + 1]))) {
			bool found;
			const char *home = lookup_var(r, "HOME", 4, &found);
			if (home)
				hr_buf_append(&word, home, strlen(home));
			else
				unresolved = true;
			in_word = true;
			continue;
		}
		if (ch == '*' || ch == '?' || ch == '[')
			glob = true;
		hr_buf_putc(&word, ch);
		in_word = true;
	}
	END_WORD();
	if (word.oom)
		c->error = HR_ENOMEM;
	hr_buf_free(&word);
#undef END_WORD
#undef OP
}

/* ---- paths --------------------------------------------------------------- */

/* resolve an operand against the working directory; NULL when it cannot be known */
static const char *path_of(runner *r, const sword *w)
{
	if (w->unresolved || w->glob || !*w->text)
		return NULL;
	if (w->text[0] == '/')
		return hr__path_clean(r->c, w->text, strlen(w->text));
	if (!r->cwd)
		return NULL;
	const char *j = hr__strf(r->c, "%s/%s", r->cwd, w->text);
	return hr__path_clean(r->c, j, strlen(j));
}

static bool under_mount(runner *r, const char *p)
{
	for (size_t i = 0; i < r->nmounts; i++)
		if (hr__path_under(p, r->mounts[i]))
			return true;
	return false;
}

static const char *base_name(const char *p)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	size_t i = n;
	while (i > 0 && p[i - 1] != '/')
		i--;
	return p + i;
}

static void go_opaque(runner *r, const char *what)
{
	hr__fs_opaque(r->c, &r->st->fs, hr__strf(r->c, "%s %s, whose effects hook-run cannot read",
		r->label, what));
}

/* ---- modes and owners --------------------------------------------------- */

/* octal "755", "0755", "2775"; -1 otherwise */
static int parse_octal(const char *s)
{
	if (!*s || strlen(s) > 5)
		return -1;
	int v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '7')
			return -1;
		v = v * 8 + (*p - '0');
	}
	return v > 07777 ? -1 : v;
}

/* apply a chmod mode (octal or symbolic) to a directory's known mode; -1 if unknown */
static int apply_mode(const char *spec, int cur)
{
	int oct = parse_octal(spec);
	if (oct >= 0) {
		/* GNU chmod keeps a directory's setuid/setgid bits for a 3-digit mode */
		if (strlen(spec) <= 3 && cur >= 0)
			return (cur & 06000) | oct;
		return strlen(spec) <= 3 ? -1 : oct;
	}
	const char *p = spec;
	while (*p) {
		int who = 0;
		while (*p && strchr("ugoa", *p)) {
			who |= *p == 'u' ? 04700 : *p == 'g' ? 02070 : *p == 'o' ? 01007 : 07777;
			p++;
		}
		if (!who)
			who = 07777; /* umask 022 would keep group/other write off for +w; close enough */
		if (!*p || !strchr("+-=", *p))
			return -1;
		while (*p && strchr("+-=", *p)) {
			char op = *p++;
			int bits = 0;
			while (*p && strchr("rwxXst", *p)) {
				switch (*p) {
				case 'r': bits |= 0444; break;
				case 'w': bits |= 0222; break;
				case 'x': case 'X': bits |= 0111; break;
				case 's': bits |= 06000; break;
				case 't': bits |= 01000; break;
				}
				p++;
			}
			if (*p && strchr("ugo", *p))
				return -1; /* copying bits from a class: not followed */
			bits &= who;
			if (op == '=') {
				if (cur < 0 && who != 07777)
					return -1;
				cur = ((cur < 0 ? 0 : cur) & ~who) | bits;
				if (who == 07777)
					cur = bits | ((cur & 06000) & ~who);
			} else if (cur < 0) {
				return -1;
			} else if (op == '+') {
				cur |= bits;
			} else {
				cur &= ~bits;
			}
		}
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return cur;
}

/* chown's OWNER[:GROUP] on top of a known owner */
static hr_owner apply_owner(runner *r, const char *spec, const hr_owner *cur, bool group_only)
{
	hr_check_ctx *c = r->c;
	const char *colon = strpbrk(spec, ":.");
	if (colon && *colon == '.' && !group_only)
		colon = strchr(spec, ':') ? strchr(spec, ':') : colon;
	const char *user = group_only ? "" : spec;
	size_t ul = group_only ? 0 : (colon ? (size_t)(colon - spec) : strlen(spec));
	const char *group = group_only ? spec : colon ? colon + 1 : NULL;
	hr_owner out = *cur;
	long uid = -2, gid = -2; /* -2: keep; -1: a name */

	if (ul) {
		if (ul == 4 && !strncmp(user, "root", 4))
			uid = 0;
		else if (strspn(user, "0123456789") >= ul)
			uid = strtol(user, NULL, 10);
		else
			uid = -1;
	}
	if (group && *group) {
		if (!strcmp(group, "root"))
			gid = 0;
		else if (strspn(group, "0123456789") == strlen(group))
			gid = strtol(group, NULL, 10);
		else
			gid = -1;
	} else if (colon && !group_only && ul) {
		/* "user:" is the user's login group */
		gid = uid == 0 ? 0 : -1;
	}
	if (uid == -1 || gid == -1) {
		if (uid == -2 && cur->kind != HR_OWNER_IDS)
			uid = -1;
		out.kind = HR_OWNER_NAME;
		out.name = hr__strf(c, "%s", group_only ? hr__strf(c, ":%s", spec) : spec);
		return out;
	}
	if ((uid == -2 || gid == -2) && cur->kind != HR_OWNER_IDS) {
		/* half of an owner we do not know */
		if ((uid >= 0 && uid != 0) || (gid >= 0 && gid != 0)) {
			out.kind = HR_OWNER_NAME;
			out.name = spec;
		} else {
			out.kind = HR_OWNER_UNKNOWN;
		}
		return out;
	}
	out.kind = HR_OWNER_IDS;
	if (uid >= 0)
		out.uid = (uint32_t)uid;
	if (gid >= 0)
		out.gid = (uint32_t)gid;
	return out;
}

/* ---- commands ------------------------------------------------------------ */

typedef enum cmd_kind { CMD_OPAQUE = 0, CMD_KNOWN, CMD_MODELED } cmd_kind;

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* programs that change nothing that exists and create only default entries */
static const char *const known_programs[] = {
	/* package managers */
	"apt-get", "apt", "aptitude", "dpkg", "dpkg-reconfigure", "apt-key", "add-apt-repository",
	"apk", "yum", "dnf", "microdnf", "tdnf", "rpm", "zypper", "pacman", "yum-config-manager",
	"pip", "pip3", "pipx", "uv", "poetry", "pdm", "pipenv", "conda", "mamba", "micromamba",
	"npm", "npx", "yarn", "pnpm", "corepack", "bun", "go", "cargo", "rustup", "gem", "bundle",
	"bundler", "composer", "mvn", "gradle", "dotnet", "nuget", "mix", "rebar3", "cabal", "stack",
	"sbt", "lein", "luarocks", "cpanm", "cpan", "R", "Rscript", "pecl", "docker-php-ext-install",
	"docker-php-ext-configure", "docker-php-ext-enable", "docker-php-source",
	/* compilers and build steps that write where told */
	"gcc", "g++", "cc", "c++", "clang", "clang++", "ld", "ar", "strip", "javac", "jar", "rustc",
	"cmake", "ninja", "meson", "autoreconf", "tsc", "ldconfig", "update-ca-certificates",
	"update-alternatives", "locale-gen", "localedef", "update-locale", "fc-cache", "depmod",
	/* text and file tools */
	"echo", "printf", "true", "false", "test", "[", "[[", ":", "sleep", "cat", "head", "tail",
	"grep", "egrep", "fgrep", "sed", "awk", "gawk", "mawk", "cut", "tr", "sort", "uniq", "wc",
	"tee", "xz", "gzip", "gunzip", "zcat", "bzip2", "bunzip2", "zstd", "sha256sum", "sha512sum",
	"sha1sum", "md5sum", "cksum", "gpg", "gpgv", "gpgconf", "base64", "openssl", "which",
	"whereis", "id", "whoami", "hostname", "uname", "date", "ls", "stat", "file", "du", "df",
	"printenv", "readlink", "realpath", "dirname", "basename", "diff", "cmp", "jq", "yq", "xargs",
	"find", "getent", "locale", "nproc", "free", "ps", "kill", "wait", "trap", "type", "hash",
	"ulimit", "umask", "shift", "return", "break", "continue", "read", "let", "dpkg-query",
	"dpkg-architecture", "lsb_release", "apt-mark", "dpkg-divert", "apt-cache", "apt-config",
	"apk-tools", "rpmkeys", "update-mime-database", "gtk-update-icon-cache", "ldd", "envsubst", "update-rc.d", "systemctl", "service", "usermod",
	"groupadd", "addgroup", "groupmod", "userdel", "groupdel", "passwd", "chpasswd", "visudo",
	"patch", "curl", "wget", "git", "unzip", "tar", "gpg-agent", "dirmngr", "ssh-keyscan",
	"mktemp", "seq", "yes", "timeout", "nice", "ionice", "chrt", "stdbuf", "rev", "column",
	NULL,
};

/* wrappers: the command is the rest (after their options) */
static const char *const wrappers[] = {
	"env", "exec", "command", "builtin", "nohup", "time", "nice", "ionice", "stdbuf", "then",
	"do", "else", "!", "eval", NULL,
};

static const char *const shells[] = { "sh", "bash", "dash", "ash", "zsh", "ksh", "busybox", NULL };

static void run_script(runner *r, const char *s, size_t n);

/* mkdir, install -d */
static void do_mkdir(runner *r, const sword *w, size_t n, bool maybe, bool is_install)
{
	hr_check_ctx *c = r->c;
	int mode = 0755;
	bool mode_known = true, dir_mode = !is_install, set_owner = false;
	hr_owner owner = r->user;
	const sword *ops[64];
	size_t nops = 0;
	bool bad = false;

	for (size_t i = 1; i < n; i++) {
		const char *a = w[i].text;
		if (a[0] == '-' && a[1] && !(nops && !strcmp(a, "--"))) {
			const char *val = NULL;
			if (!strcmp(a, "--"))
				continue;
			if (!strcmp(a, "-m") || !strcmp(a, "--mode") || !strcmp(a, "-o") || !strcmp(a, "--owner") ||
			    !strcmp(a, "-g") || !strcmp(a, "--group")) {
				if (i + 1 >= n)
					break;
				val = w[++i].text;
				if (w[i].unresolved)
					bad = true;
				if (a[1] == 'm' || !strcmp(a, "--mode")) {
					int m = apply_mode(val, 0777 & ~022);
					mode = m;
					mode_known = m >= 0;
				} else if (a[1] == 'o' || !strcmp(a, "--owner")) {
					owner = apply_owner(r, val, &owner, false);
					set_owner = true;
				} else {
					owner = apply_owner(r, val, &owner, true);
					set_owner = true;
				}
				continue;
			}
			if (!strncmp(a, "--mode=", 7)) {
				mode = apply_mode(a + 7, 0755);
				mode_known = mode >= 0;
			} else if (!strncmp(a, "--owner=", 8)) {
				owner = apply_owner(r, a + 8, &owner, false);
				set_owner = true;
			} else if (!strncmp(a, "--group=", 8)) {
				owner = apply_owner(r, a + 8, &owner, true);
				set_owner = true;
			} else if (a[1] != '-') {
				for (const char *f = a + 1; *f; f++) {
					if (*f == 'd')
						dir_mode = true;
					else if (*f == 'D' && is_install)
						dir_mode = dir_mode || false;
					else if (*f == 'm' || (is_install && (*f == 'o' || *f == 'g'))) {
						const char *v = f[1] ? f + 1 : (i + 1 < n ? w[++i].text : "");
						if (*f == 'm') {
							mode = apply_mode(v, 0755);
							mode_known = mode >= 0;
						} else {
							owner = apply_owner(r, v, &owner, *f == 'g');
							set_owner = true;
						}
						break;
					}
				}
			}
			continue;
		}
		if (nops < 64)
			ops[nops++] = &w[i];
	}
	if (!dir_mode) {
		/* install FILE... DEST: files; -D makes the parents */
		return;
	}
	if (bad) {
		go_opaque(r, hr__strf(c, "runs %s with an option it cannot resolve", w[0].text));
		return;
	}
	if (!mode_known)
		mode = HR_MODE_UNKNOWN;
	for (size_t i = 0; i < nops; i++) {
		const char *p = path_of(r, ops[i]);
		if (!p) {
			go_opaque(r, hr__strf(c, "runs %s on %s", w[0].text, *ops[i]->text ? ops[i]->text : "a path"));
			return;
		}
		if (under_mount(r, p))
			continue;
		const char *why = hr__strf(c, "made by `%s` in %s", w[0].text, r->label);
		if (maybe) {
			hr_fs_fact f;
			hr__fs_lookup(&r->st->fs, p, &f);
			if (f.type != HR_FS_DIR)
				hr__fs_taint(c, &r->st->fs, p, why);
			continue;
		}
		hr__fs_mkdir_p(c, &r->st->fs, p, mode, owner, why);
		if (is_install && (set_owner || mode != 0755))
			hr__fs_chmeta(c, &r->st->fs, p, mode, true, owner, set_owner || true, why);
	}
}

/* chmod, chown, chgrp */
static void do_chmeta(runner *r, const sword *w, size_t n, bool maybe)
{
	hr_check_ctx *c = r->c;
	const char *prog = base_name(w[0].text);
	bool is_chmod = !strcmp(prog, "chmod"), is_chgrp = !strcmp(prog, "chgrp");
	bool recursive = false;
	const sword *spec = NULL;
	const sword *ops[64];
	size_t nops = 0;
	bool end_opts = false;

	for (size_t i = 1; i < n; i++) {
		const char *a = w[i].text;
		if (!end_opts && !strcmp(a, "--")) {
			end_opts = true;
			continue;
		}
		if (!end_opts && a[0] == '-' && a[1]) {
			/* chmod -x FILE: a mode when no mode came yet */
			if (is_chmod && !spec && strspn(a + 1, "rwxXst") == strlen(a + 1)) {
				spec = &w[i];
				continue;
			}
			if (!strncmp(a, "--reference", 11)) {
				go_opaque(r, hr__strf(c, "runs %s --reference", prog));
				return;
			}
			if (!strcmp(a, "-R") || !strcmp(a, "--recursive") || (a[1] != '-' && strchr(a, 'R')))
				recursive = true;
			continue;
		}
		if (!spec) {
			spec = &w[i];
			continue;
		}
		if (nops < 64)
			ops[nops++] = &w[i];
	}
	if (!spec || !nops)
		return;
	if (spec->unresolved) {
		go_opaque(r, hr__strf(c, "runs %s with %s it cannot resolve", prog, is_chmod ? "a mode" : "an owner"));
		return;
	}
	for (size_t i = 0; i < nops; i++) {
		const char *p = path_of(r, ops[i]);
		if (!p) {
			go_opaque(r, hr__strf(c, "runs %s on %s", prog, *ops[i]->text ? ops[i]->text : "a path"));
			return;
		}
		if (under_mount(r, p))
			continue;
		const char *why = hr__strf(c, "`%s %s` in %s", prog, spec->text, r->label);
		hr_fs_fact f;
		hr__fs_lookup(&r->st->fs, p, &f);
		int mode = HR_MODE_UNKNOWN;
		hr_owner owner = f.owner;
		if (is_chmod)
			mode = apply_mode(spec->text, f.mode);
		else
			owner = apply_owner(r, spec->text, &f.owner, is_chgrp);
		if (maybe) {
			/* old or new: known only where they agree */
			if (is_chmod && mode != f.mode)
				mode = HR_MODE_UNKNOWN;
			if (!is_chmod && !hr__owner_same(&owner, &f.owner))
				owner.kind = HR_OWNER_UNKNOWN;
		}
		hr__fs_chmeta(c, &r->st->fs, p, mode, is_chmod, owner, !is_chmod, why);
		if (recursive) {
			/* everything below: the same change, and unlisted entries change too */
			hr_fsmodel *m = &r->st->fs;
			uint32_t *below;
			bool truncated;
			size_t nbelow = hr__fs_below(c, m, p, &below, &truncated);
			if (truncated)
				m->overflow = true;
			for (size_t kb = 0; kb < nbelow; kb++) {
				hr_fs_node *x = &m->nodes[below[kb]];
				if (x->type != HR_FS_DIR)
					continue;
				if (is_chmod)
					x->mode = apply_mode(spec->text, x->mode);
				else
					x->owner = apply_owner(r, spec->text, &x->owner, is_chgrp);
				if (x->content == HR_CONTENT_DEFAULT || x->content == HR_CONTENT_SYSTEM)
					x->content = HR_CONTENT_UNKNOWN;
				x->why = why;
				x->system = false;
				x->gen = m->gen;
			}
			free(below);
			hr_fs_node *top = hr__fs_node(c, m, p);
			if (top && (top->content == HR_CONTENT_DEFAULT || top->content == HR_CONTENT_SYSTEM))
				top->content = HR_CONTENT_UNKNOWN;
		}
	}
}

/* ln [-s] */
static void do_ln(runner *r, const sword *w, size_t n, bool maybe)
{
	hr_check_ctx *c = r->c;
	bool symbolic = false, no_target_dir = false;
	const sword *target_dir = NULL;
	const sword *ops[64];
	size_t nops = 0;

	for (size_t i = 1; i < n; i++) {
		const char *a = w[i].text;
		if (!strcmp(a, "--")) {
			for (i++; i < n && nops < 64; i++)
				ops[nops++] = &w[i];
			break;
		}
		if (!strncmp(a, "--", 2)) {
			if (!strcmp(a, "--symbolic"))
				symbolic = true;
			else if (!strcmp(a, "--no-target-directory"))
				no_target_dir = true;
			else if (!strncmp(a, "--target-directory=", 19))
				target_dir = &w[i]; /* text after '=' below */
			continue;
		}
		if (a[0] == '-' && a[1]) {
			for (const char *f = a + 1; *f; f++) {
				if (*f == 's')
					symbolic = true;
				else if (*f == 'T')
					no_target_dir = true;
				else if (*f == 't' && i + 1 < n) {
					target_dir = &w[++i];
					break;
				}
			}
			continue;
		}
		if (nops < 64)
			ops[nops++] = &w[i];
	}
	if (!symbolic || nops == 0)
		return; /* hard links are files */
	const char *why = hr__strf(c, "made by `ln -s` in %s", r->label);
	const char *links[64];
	const char *targets[64];
	size_t nlinks = 0;
	if (target_dir) {
		sword td = *target_dir;
		if (!strncmp(td.text, "--target-directory=", 19))
			td.text += 19;
		const char *dir = path_of(r, &td);
		for (size_t i = 0; i < nops; i++) {
			if (!dir) {
				go_opaque(r, "runs ln -s into a directory it cannot resolve");
				return;
			}
			links[nlinks] = hr__path_clean(c, hr__strf(c, "%s/%s", dir, base_name(ops[i]->text)), strlen(dir) + 1 + strlen(base_name(ops[i]->text)));
			targets[nlinks++] = ops[i]->text;
		}
	} else if (nops == 1) {
		sword b = *ops[0];
		b.text = base_name(ops[0]->text);
		links[nlinks] = path_of(r, &b); /* ln -s /x/y creates ./y */
		targets[nlinks++] = ops[0]->text;
	} else {
		const sword *last = ops[nops - 1];
		const char *dest = path_of(r, last);
		if (!dest) {
			go_opaque(r, hr__strf(c, "runs ln -s to %s", *last->text ? last->text : "a path"));
			return;
		}
		size_t ll = strlen(last->text);
		hr_fs_fact f;
		hr__fs_lookup(&r->st->fs, dest, &f);
		bool into_dir = !no_target_dir && (nops > 2 || (ll && last->text[ll - 1] == '/') ||
			(f.type == HR_FS_DIR && !f.symlink));
		if (!no_target_dir && nops == 2 && f.type == HR_FS_UNKNOWN && !f.symlink) {
			/* the link itself, or a link inside an existing directory: either
			 * way a linked copy there may replace a symlink */
			hr__fs_taint(c, &r->st->fs, dest, why);
			hr_fs_node *x = hr__fs_node(c, &r->st->fs, dest);
			if (x) {
				x->type = HR_FS_MAYBE_SYMLINK;
				x->target = NULL;
			}
			return;
		}
		for (size_t i = 0; i + 1 < nops; i++) {
			links[nlinks] = into_dir ? hr__path_clean(c, hr__strf(c, "%s/%s", dest, base_name(ops[i]->text)),
				strlen(dest) + 1 + strlen(base_name(ops[i]->text))) : dest;
			targets[nlinks++] = ops[i]->text;
		}
	}
	for (size_t i = 0; i < nlinks; i++) {
		if (!links[i]) {
			go_opaque(r, "runs ln -s in a directory it cannot resolve");
			return;
		}
		if (under_mount(r, links[i]))
			continue;
		if (maybe) {
			hr_fs_node *x = hr__fs_node(c, &r->st->fs, links[i]);
			if (x && x->type != HR_FS_SYMLINK) {
				x->type = HR_FS_MAYBE_SYMLINK;
				x->why = why;
				x->gen = r->st->fs.gen;
			}
			continue;
		}
		hr__fs_set_symlink(c, &r->st->fs, links[i], hr_arena_strndup(c->arena, targets[i], strlen(targets[i])), why);
	}
}

/* rm, rmdir */
static void do_rm(runner *r, const sword *w, size_t n, bool maybe)
{
	for (size_t i = 1; i < n; i++) {
		if (w[i].text[0] == '-' && w[i].text[1])
			continue;
		const char *p = path_of(r, &w[i]);
		if (!p || under_mount(r, p))
			continue; /* removing what we cannot name changes no metadata */
		const char *why = hr__strf(r->c, "removed in %s", r->label);
		if (maybe)
			hr__fs_taint(r->c, &r->st->fs, p, why);
		else
			hr__fs_remove(r->c, &r->st->fs, p, why);
	}
}

/* cp, mv, rsync, tar -x, unzip: the destination holds what nobody can see */
static void do_copy_like(runner *r, const sword *w, size_t n, const char *prog)
{
	hr_check_ctx *c = r->c;
	const char *dest = NULL;
	bool extract = true;

	if (!strcmp(prog, "tar")) {
		extract = false;
		const char *dir = r->cwd;
		bool dir_known = r->cwd != NULL;
		for (size_t i = 1; i < n; i++) {
			const char *a = w[i].text;
			if (i == 1 && a[0] != '-' && strchr(a, 'x'))
				extract = true;
			if (a[0] == '-' && a[1] != '-' && strchr(a, 'x'))
				extract = true;
			if (!strcmp(a, "--extract") || !strcmp(a, "--get"))
				extract = true;
			if ((!strcmp(a, "-C") || !strcmp(a, "--directory")) && i + 1 < n) {
				dir = path_of(r, &w[i + 1]);
				dir_known = dir != NULL;
				i++;
			} else if (!strncmp(a, "--directory=", 12)) {
				sword t = w[i];
				t.text = a + 12;
				dir = path_of(r, &t);
				dir_known = dir != NULL;
			}
		}
		if (!extract)
			return;
		if (!dir_known) {
			go_opaque(r, "extracts an archive into a directory it cannot resolve");
			return;
		}
		dest = dir;
	} else if (!strcmp(prog, "unzip")) {
		dest = r->cwd;
		for (size_t i = 1; i + 1 < n; i++)
			if (!strcmp(w[i].text, "-d"))
				dest = path_of(r, &w[i + 1]);
		if (!dest) {
			go_opaque(r, "extracts an archive into a directory it cannot resolve");
			return;
		}
	} else {
		/* cp/mv/rsync SRC... DEST */
		const sword *last = NULL;
		for (size_t i = n; i-- > 1;)
			if (!(w[i].text[0] == '-' && w[i].text[1])) {
				last = &w[i];
				break;
			}
		if (!last)
			return;
		dest = path_of(r, last);
		if (!dest) {
			go_opaque(r, hr__strf(c, "runs %s to %s", prog, *last->text ? last->text : "a path"));
			return;
		}
		if (!strcmp(prog, "mv")) {
			for (size_t i = 1; i < n; i++) {
				if (&w[i] == last || (w[i].text[0] == '-' && w[i].text[1]))
					continue;
				const char *src = path_of(r, &w[i]);
				if (src && !under_mount(r, src))
					hr__fs_remove(c, &r->st->fs, src, hr__strf(c, "moved away in %s", r->label));
			}
		}
	}
	if (under_mount(r, dest))
		return;
	hr_fs_fact f;
	hr__fs_lookup(&r->st->fs, dest, &f);
	const char *why = hr__strf(c, "written by `%s` in %s", prog, r->label);
	if (f.type == HR_FS_DIR && !f.symlink) {
		/* into an existing directory: new entries of unknown metadata */
		if (!strcmp(prog, "tar")) {
			hr__fs_taint(c, &r->st->fs, dest, why); /* an archive's entries, anywhere below */
			hr_fs_node *t = hr__fs_node(c, &r->st->fs, dest);
			if (t) {
				t->type = HR_FS_DIR;
				t->content = HR_CONTENT_UNKNOWN;
			}
			return;
		}
		hr_fs_node *x = hr__fs_node(c, &r->st->fs, dest);
		if (x)
			x->content = HR_CONTENT_UNKNOWN;
		return;
	}
	hr__fs_taint(c, &r->st->fs, dest, why);
}

static void do_useradd(runner *r, const sword *w, size_t n)
{
	hr_check_ctx *c = r->c;
	const char *prog = base_name(w[0].text);
	bool busybox = !strcmp(prog, "adduser");
	bool create = busybox, no_create = false, system_user = false;
	const sword *home = NULL;
	const char *name = NULL;

	for (size_t i = 1; i < n; i++) {
		const char *a = w[i].text;
		if (!strcmp(a, "-m") || !strcmp(a, "--create-home")) {
			create = true;
		} else if (!strcmp(a, "-M") || !strcmp(a, "--no-create-home") || (busybox && !strcmp(a, "-H"))) {
			no_create = true;
		} else if (!strcmp(a, "-r") || !strcmp(a, "--system") || (busybox && !strcmp(a, "-S"))) {
			system_user = true;
		} else if (!strcmp(a, "-d") || !strcmp(a, "--home-dir") || !strcmp(a, "--home") ||
			   (busybox && !strcmp(a, "-h"))) {
			if (i + 1 < n)
				home = &w[++i];
		} else if (!strncmp(a, "--home-dir=", 11) || !strncmp(a, "--home=", 7)) {
			home = &w[i];
		} else if (a[0] == '-') {
			/* options with a value */
			static const char *const with_value[] = { "-u", "-g", "-G", "-s", "-c", "-k", "-K", "-e",
				"-f", "-p", "-b", "--uid", "--gid", "--groups", "--shell", "--comment", "--gecos",
				"--ingroup", "--key", "--password", "--base-dir", "--skel", "--firstuid",
				"--lastuid", NULL };
			if (in_list(a, with_value))
				i++;
		} else if (!name) {
			name = a;
		}
	}
	if (no_create || !name)
		return;
	(void)system_user;
	const char *hp;
	if (home) {
		sword h = *home;
		const char *eq = strchr(h.text, '=');
		if (eq && h.text[0] == '-')
			h.text = eq + 1;
		hp = path_of(r, &h);
	} else {
		hp = hr__strf(c, "/home/%s", name);
	}
	if (!hp) {
		go_opaque(r, hr__strf(c, "runs %s with a home it cannot resolve", prog));
		return;
	}
	hr_owner o = { HR_OWNER_NAME, 0, 0, hr_arena_strndup(c->arena, name, strlen(name)) };
	const char *why = hr__strf(c, "the home of %s (`%s` in %s)", name, prog, r->label);
	hr_fs_fact f;
	hr__fs_lookup(&r->st->fs, hp, &f);
	if (f.type == HR_FS_DIR && !create && !f.maybe_absent)
		return; /* an existing home is left alone without -m */
	hr__fs_mkdir_p(c, &r->st->fs, hp, HR_MODE_UNKNOWN, o, why);
	hr__fs_chmeta(c, &r->st->fs, hp, HR_MODE_UNKNOWN, true, o, true, why);
	if (!create) {
		/* useradd without -m makes it only where login.defs says so */
		hr_fs_node *x = hr__fs_node(c, &r->st->fs, hp);
		if (x)
			x->maybe_absent = f.type == HR_FS_ABSENT;
	}
}

static void do_cd(runner *r, const sword *w, size_t n)
{
	if (n < 2) {
		bool found;
		const char *home = lookup_var(r, "HOME", 4, &found);
		r->cwd = home ? hr__path_clean(r->c, home, strlen(home)) : NULL;
		return;
	}
	size_t i = 1;
	while (i < n && (!strcmp(w[i].text, "-P") || !strcmp(w[i].text, "-L") || !strcmp(w[i].text, "-e")))
		i++;
	if (i >= n || !strcmp(w[i].text, "-")) {
		r->cwd = NULL;
		return;
	}
	r->cwd = path_of(r, &w[i]);
}

/* One simple command: w[0] is the program. `maybe`: it may not run. */
static void command(runner *r, sword *w, size_t n, bool maybe)
{
	hr_check_ctx *c = r->c;
	hr_owner saved_user = r->user;

	/* assignments, wrappers, sudo and friends */
	while (n > 0) {
		const char *p = w[0].text;
		const char *eq = strchr(p, '=');
		if (eq && eq != p && name_char(p[0], true)) {
			bool ok = true;
			for (const char *q = p; q < eq; q++)
				if (!name_char(*q, q == p))
					ok = false;
			if (ok) {
				if (n == 1) /* X=v alone sets a shell variable */
					set_shvar(r, hr_arena_strndup(c->arena, p, (size_t)(eq - p)),
						w[0].unresolved ? NULL : eq + 1);
				w++, n--;
				continue;
			}
		}
		if (!strcmp(p, "sudo") || !strcmp(p, "doas")) {
			w++, n--;
			while (n > 0 && w[0].text[0] == '-') {
				if ((!strcmp(w[0].text, "-u") || !strcmp(w[0].text, "-g")) && n > 1) {
					if (!strcmp(w[0].text, "-u")) {
						bool is_name;
						r->user = hr__owner_parse(c, w[1].text, &is_name);
					}
					w++, n--;
				}
				w++, n--;
			}
			continue;
		}
		if (!strcmp(p, "gosu") || !strcmp(p, "su-exec") || !strcmp(p, "chroot")) {
			if (n < 2)
				return;
			if (strcmp(p, "chroot") == 0) {
				go_opaque(r, "runs chroot");
				return;
			}
			bool is_name;
			r->user = hr__owner_parse(c, w[1].text, &is_name);
			w += 2, n -= 2;
			continue;
		}
		if (!strcmp(p, "runuser") || (!strcmp(p, "su") && n > 1)) {
			/* su [-] [-s SHELL] [USER] -c CMD; runuser -u USER -- CMD */
			const char *cmd = NULL;
			const char *user = NULL;
			for (size_t i = 1; i < n; i++) {
				const char *a = w[i].text;
				if ((!strcmp(a, "-c") || !strcmp(a, "--command")) && i + 1 < n) {
					cmd = w[++i].text;
				} else if ((!strcmp(a, "-s") || !strcmp(a, "--shell") || !strcmp(a, "-g")) && i + 1 < n) {
					i++;
				} else if (!strcmp(a, "-u") && i + 1 < n) {
					user = w[++i].text;
				} else if (!strcmp(a, "--")) {
					if (i + 1 < n) {
						bool is_name;
						if (user)
							r->user = hr__owner_parse(c, user, &is_name);
						command(r, w + i + 1, n - i - 1, maybe);
					}
					r->user = saved_user;
					return;
				} else if (a[0] != '-' && !user) {
					user = a;
				}
			}
			if (!cmd) {
				go_opaque(r, hr__strf(c, "runs %s", p));
				return;
			}
			bool is_name;
			r->user = hr__owner_parse(c, user ? user : "root", &is_name);
			run_script(r, cmd, strlen(cmd));
			r->user = saved_user;
			return;
		}
		if (in_list(p, wrappers)) {
			if (!strcmp(p, "eval")) {
				go_opaque(r, "runs eval");
				return;
			}
			w++, n--;
			while (n > 0 && w[0].text[0] == '-' && strcmp(w[0].text, "!"))
				w++, n--; /* their options (env -i, nice -n 5 is rare) */
			continue;
		}
		break;
	}
	if (n == 0) {
		r->user = saved_user;
		return;
	}
	if (w[0].unresolved || (w[0].glob && strcmp(w[0].text, "[") && strcmp(w[0].text, "[["))) {
		go_opaque(r, "runs a command it cannot name");
		return;
	}
	const char *prog = base_name(w[0].text);

	/* sh -c STRING, bash -c STRING */
	if (in_list(prog, shells)) {
		size_t i = 1;
		if (!strcmp(prog, "busybox")) {
			if (n > 1 && !in_list(w[1].text, shells)) {
				command(r, w + 1, n - 1, maybe);
				r->user = saved_user;
				return;
			}
			i = 2;
		}
		bool has_c = false;
		for (; i < n; i++) {
			const char *a = w[i].text;
			if (a[0] == '-' || a[0] == '+') {
				if (strchr(a, 'c') && a[1] != '-')
					has_c = true;
				if (!strcmp(a, "-o") || !strcmp(a, "+o"))
					i++;
				continue;
			}
			break;
		}
		if (has_c && i < n) {
			if (w[i].unresolved) {
				go_opaque(r, hr__strf(c, "runs %s -c with a script it cannot read", prog));
			} else if (r->depth < 8) {
				r->depth++;
				const char *saved_cwd = r->cwd;
				run_script(r, w[i].text, strlen(w[i].text));
				r->cwd = saved_cwd;
				r->depth--;
			}
		} else if (i < n) {
			go_opaque(r, hr__strf(c, "runs the script %s", w[i].text));
		} else if (!r->heredoc_script) {
			go_opaque(r, hr__strf(c, "runs %s reading a script from its input", prog));
		}
		r->user = saved_user;
		return;
	}

	if (!strcmp(prog, "cd") || !strcmp(prog, "pushd")) {
		do_cd(r, w, n);
	} else if (!strcmp(prog, "popd")) {
		r->cwd = NULL;
	} else if (!strcmp(prog, "exit")) {
		r->stop = true;
	} else if (!strcmp(prog, "export") || !strcmp(prog, "readonly") || !strcmp(prog, "local") ||
		   !strcmp(prog, "declare") || !strcmp(prog, "typeset")) {
		for (size_t i = 1; i < n; i++) {
			const char *eq = strchr(w[i].text, '=');
			if (eq && eq != w[i].text)
				set_shvar(r, hr_arena_strndup(c->arena, w[i].text, (size_t)(eq - w[i].text)),
					w[i].unresolved ? NULL : eq + 1);
		}
	} else if (!strcmp(prog, "unset") || !strcmp(prog, "set") || !strcmp(prog, "source") ||
		   !strcmp(prog, ".")) {
		if (!strcmp(prog, "source") || !strcmp(prog, "."))
			go_opaque(r, hr__strf(c, "sources %s", n > 1 ? w[1].text : "a script"));
	} else if (!strcmp(prog, "mkdir")) {
		do_mkdir(r, w, n, maybe, false);
	} else if (!strcmp(prog, "install")) {
		do_mkdir(r, w, n, maybe, true);
	} else if (!strcmp(prog, "chmod") || !strcmp(prog, "chown") || !strcmp(prog, "chgrp")) {
		do_chmeta(r, w, n, maybe);
	} else if (!strcmp(prog, "ln")) {
		do_ln(r, w, n, maybe);
	} else if (!strcmp(prog, "rm") || !strcmp(prog, "rmdir") || !strcmp(prog, "unlink")) {
		do_rm(r, w, n, maybe);
	} else if (!strcmp(prog, "cp") || !strcmp(prog, "mv") || !strcmp(prog, "rsync") ||
		   !strcmp(prog, "unzip") || (!strcmp(prog, "tar") && n > 1)) {
		do_copy_like(r, w, n, prog);
	} else if (!strcmp(prog, "useradd") || !strcmp(prog, "adduser")) {
		do_useradd(r, w, n);
	} else if (!strcmp(prog, "setfacl") || !strcmp(prog, "chattr") || !strcmp(prog, "setcap") ||
		   !strcmp(prog, "mount") || !strcmp(prog, "mknod")) {
		go_opaque(r, hr__strf(c, "runs %s", prog));
	} else if (!strcmp(prog, "find")) {
		for (size_t i = 1; i < n; i++)
			if (!strcmp(w[i].text, "-exec") || !strcmp(w[i].text, "-execdir") ||
			    !strcmp(w[i].text, "-ok")) {
				if (i + 1 < n) {
					const char *ex = base_name(w[i + 1].text);
					if (!in_list(ex, known_programs) || !strcmp(ex, "xargs"))
						go_opaque(r, hr__strf(c, "runs find -exec %s", ex));
				}
			}
	} else if (!strcmp(prog, "xargs")) {
		size_t i = 1;
		while (i < n && w[i].text[0] == '-')
			i++;
		if (i < n && !in_list(base_name(w[i].text), known_programs))
			go_opaque(r, hr__strf(c, "runs xargs %s", w[i].text));
	} else if ((!strcmp(prog, "python") || !strcmp(prog, "python3") || !strncmp(prog, "python3.", 8)) &&
		   n > 2 && !strcmp(w[1].text, "-m") &&
		   (!strcmp(w[2].text, "pip") || !strcmp(w[2].text, "venv") || !strcmp(w[2].text, "compileall") ||
		    !strcmp(w[2].text, "ensurepip") || !strcmp(w[2].text, "virtualenv"))) {
		if (r->cwd && !under_mount(r, r->cwd))
			hr__fs_touch_content(c, &r->st->fs, r->cwd, r->user, r->label);
	} else if (!strcmp(prog, "git") && n > 1 && !strcmp(w[1].text, "clone")) {
		const sword *last = &w[n - 1];
		const char *dir = n > 3 && last->text[0] != '-' ? path_of(r, last) : NULL;
		if (dir && !under_mount(r, dir)) {
			hr__fs_mkdir_p(c, &r->st->fs, dir, 0755, r->user, hr__strf(c, "cloned in %s", r->label));
			hr__fs_touch_content(c, &r->st->fs, dir, r->user, r->label);
		} else if (r->cwd && !under_mount(r, r->cwd)) {
			hr__fs_touch_content(c, &r->st->fs, r->cwd, r->user, r->label);
		}
	} else if (!strcmp(prog, "touch")) {
		for (size_t i = 1; i < n; i++) {
			if (w[i].text[0] == '-')
				continue;
			const char *p = path_of(r, &w[i]);
			hr_fs_fact f;
			if (!p || under_mount(r, p))
				continue;
			hr__fs_lookup(&r->st->fs, p, &f);
			if (f.type == HR_FS_ABSENT && !f.symlink && !maybe)
				hr__fs_set_file(c, &r->st->fs, p, hr__strf(c, "made by touch in %s", r->label));
		}
	} else if (n == 2 && (!strcmp(w[1].text, "--version") || !strcmp(w[1].text, "-v") ||
			      !strcmp(w[1].text, "-V") || !strcmp(w[1].text, "-version") ||
			      !strcmp(w[1].text, "version") || !strcmp(w[1].text, "--help"))) {
		/* `php --version`, `java -version`: a smoke test that reads nothing back */
	} else if (in_list(prog, known_programs)) {
		if (r->cwd && !under_mount(r, r->cwd))
			hr__fs_touch_content(c, &r->st->fs, r->cwd, r->user, r->label);
	} else {
		go_opaque(r, hr__strf(c, "runs `%s`", w[0].text));
	}
	r->user = saved_user;
}

/*
 * Walk the tokens: build simple commands, find and-or lists with `||`,
 * track if/case/loop nesting (whatever runs inside may not run), replay
 * for-loop bodies once per word, keep subshell working directories apart.
 */
static void run_tokens(runner *r, sword *t, size_t nt, int cond_depth);

static size_t find_done(sword *t, size_t nt, size_t i)
{
	int depth = 0;
	bool cmd_start = true;
	for (; i < nt; i++) {
		if (t[i].op) {
			cmd_start = true;
			continue;
		}
		if (cmd_start && (!strcmp(t[i].text, "do")))
			depth++;
		else if (cmd_start && !strcmp(t[i].text, "done") && --depth == 0)
			return i;
		cmd_start = !strcmp(t[i].text, "do") || !strcmp(t[i].text, "then") || !strcmp(t[i].text, "else") ||
			    !strcmp(t[i].text, "!");
		if (!cmd_start)
			cmd_start = false;
	}
	return nt;
}

static void run_tokens(runner *r, sword *t, size_t nt, int cond_depth)
{
	hr_check_ctx *c = r->c;
	size_t i = 0;
	const char *cwd_stack[16];
	size_t ncwd = 0;

	while (i < nt && !r->stop && !c->error && !r->st->fs.overflow) {
		/* an and-or list: up to ; & newline (or a closing brace/paren) */
		size_t end = i;
		bool has_or = false;
		int paren = 0;
		while (end < nt) {
			if (t[end].op) {
				const char *o = t[end].text;
				if (!strcmp(o, "||"))
					has_or = true;
				if (!strcmp(o, "("))
					paren++;
				if (!strcmp(o, ")"))
					paren--;
				if (paren <= 0 && (!strcmp(o, ";") || !strcmp(o, "\n") || !strcmp(o, "&") ||
						   !strcmp(o, ";;")))
					break;
			}
			end++;
		}
		/* run each pipeline element of the list */
		size_t k = i;
		size_t nth = 0;
		while (k < end && !r->stop) {
			/* operators that open/close groups */
			if (t[k].op) {
				const char *o = t[k].text;
				if (!strcmp(o, "(")) {
					if (ncwd < 16)
						cwd_stack[ncwd++] = r->cwd;
				} else if (!strcmp(o, ")")) {
					if (ncwd)
						r->cwd = cwd_stack[--ncwd];
				}
				k++;
				continue;
			}
			/* compound keywords */
			const char *kw = t[k].text;
			if (!strcmp(kw, "if") || !strcmp(kw, "while") || !strcmp(kw, "until") || !strcmp(kw, "case")) {
				cond_depth++;
				k++;
				continue;
			}
			if (!strcmp(kw, "fi") || !strcmp(kw, "done") || !strcmp(kw, "esac")) {
				if (cond_depth > 0)
					cond_depth--;
				k++;
				continue;
			}
			if (!strcmp(kw, "then") || !strcmp(kw, "do") || !strcmp(kw, "else") || !strcmp(kw, "elif") ||
			    !strcmp(kw, "in")) {
				k++;
				continue;
			}
			if (!strcmp(kw, "for") && k + 1 < end) {
				/* for NAME in WORDS; do BODY; done */
				const char *var = t[k + 1].text;
				size_t wstart = k + 2, wend;
				if (wstart < nt && !strcmp(t[wstart].text, "in"))
					wstart++;
				wend = wstart;
				while (wend < nt && !t[wend].op)
					wend++;
				size_t body = wend;
				while (body < nt && (t[body].op || strcmp(t[body].text, "do")))
					body++;
				size_t done = find_done(t, nt, body);
				if (body >= nt || done >= nt) {
					go_opaque(r, "has a for loop it cannot read");
					return;
				}
				const char *vname = hr_arena_strndup(c->arena, var, strlen(var));
				size_t nwords = wend - wstart;
				/* the body's text, expanded anew for each word */
				const char *btext = r->script + t[body].start + 2;
				size_t blen = t[done].start - t[body].start - 2;
				const char *saved = r->script;
				size_t saved_len = r->script_len;
				if (nwords == 0 || nwords > 64) {
					set_shvar(r, vname, NULL);
					run_tokens(r, t + body + 1, done - body - 1, cond_depth + 1);
				} else {
					for (size_t wi = wstart; wi < wend && !r->stop; wi++) {
						set_shvar(r, vname, t[wi].unresolved || t[wi].glob ? NULL : t[wi].text);
						if (r->depth < 8) {
							r->depth++;
							wvec bt = { NULL, 0, 0 };
							r->script = btext;
							r->script_len = blen;
							tokenize(r, btext, blen, &bt);
							if (!c->error)
								run_tokens(r, bt.w, bt.n, cond_depth);
							free(bt.w);
							r->script = saved;
							r->script_len = saved_len;
							r->depth--;
						}
					}
				}
				/* continue after `done` */
				i = done + 1;
				goto next_list;
			}
			if (!strcmp(kw, "{") || !strcmp(kw, "}")) {
				k++;
				continue;
			}
			/* a simple command: words up to the next operator */
			size_t e = k;
			while (e < end && !t[e].op)
				e++;
			/* a case pattern "x)" was split: skip words that end a pattern list */
			bool maybe = cond_depth > 0 || (has_or && nth > 0);
			command(r, t + k, e - k, maybe);
			nth++;
			k = e;
		}
		i = end + 1;
next_list:
		;
	}
}

static void run_script(runner *r, const char *s, size_t n)
{
	wvec toks = { NULL, 0, 0 };
	const char *saved = r->script;
	size_t saved_len = r->script_len;
	r->script = s;
	r->script_len = n;
	tokenize(r, s, n, &toks);
	if (!r->c->error)
		run_tokens(r, toks.w, toks.n, 0);
	free(toks.w);
	r->script = saved;
	r->script_len = saved_len;
}

/* RUN --mount=type=cache,target=/x: effects under /x are not in the image */
static void collect_mounts(runner *r, const hr_instruction *in)
{
	hr_check_ctx *c = r->c;
	size_t nmounts = 0;
	for (size_t i = 0; i < in->nflags; i++)
		if (in->flags[i].name.len == 5 && !memcmp(in->flags[i].name.ptr, "mount", 5))
			nmounts++;
	if (!nmounts)
		return;
	r->mounts = hr_arena_calloc(c->arena, nmounts, sizeof(*r->mounts));
	if (!r->mounts) {
		c->error = HR_ENOMEM;
		return;
	}
	for (size_t i = 0; i < in->nflags; i++) {
		const hr_flag *f = &in->flags[i];
		if (!(f->name.len == 5 && !memcmp(f->name.ptr, "mount", 5)) || !f->has_value)
			continue;
		const char *v = f->value.ptr;
		size_t vl = f->value.len;
		for (size_t p = 0; p < vl;) {
			size_t e = p;
			while (e < vl && v[e] != ',')
				e++;
			static const char *const keys[] = { "target=", "dst=", "destination=" };
			for (size_t k = 0; k < 3; k++) {
				size_t kl = strlen(keys[k]);
				if (e - p > kl && !strncmp(v + p, keys[k], kl)) {
					const char *t = hr__stage_resolve(c, r->st, v + p + kl, e - p - kl);
					if (t)
						r->mounts[r->nmounts++] = t;
				}
			}
			p = e + 1;
		}
	}
}

void hr__run_effects(hr_check_ctx *c, hr_stage *st, const hr_instruction *in)
{
	const hr_dockerfile *df = c->df;
	runner r;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.st = st;
	r.in = in;
	r.cwd = st->workdir_unknown ? NULL : st->workdir;
	r.user = st->user;
	r.label = hr__strf(c, "the RUN at line %u", in->start_line);
	hr__fs_next(&st->fs);
	collect_mounts(&r, in);
	if (!st->shell_posix && !in->json_form) {
		go_opaque(&r, "runs in a SHELL hook-run does not read");
		goto out;
	}
	if (in->json_form) {
		/* exec form: each argument is one word, nothing is expanded */
		sword *w = hr_arena_calloc(c->arena, in->nargs ? in->nargs : 1, sizeof(*w));
		if (!w) {
			c->error = HR_ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < in->nargs; i++)
			w[i].text = in->args[i].text.ptr;
		command(&r, w, in->nargs, false);
		goto out;
	}
	if (in->nargs > 0) {
		const char *s = in->args[0].text.ptr;
		size_t n = in->args[0].text.len;
		/* `RUN <<EOF` alone: the heredoc is the script; else heredocs are input */
		size_t lead = 0;
		while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
			lead++;
		bool only_heredoc = false;
		hr_heredoc h;
		if (in->nheredocs == 1) {
			size_t e = n;
			while (e > lead && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r'))
				e--;
			only_heredoc = hr_heredoc_parse_word(&h, c->arena, s + lead, e - lead);
		}
		if (only_heredoc) {
			const hr_heredoc *hd = &in->heredocs[0];
			const char *body = df->data + hd->body.start;
			size_t bl = hd->body.end - hd->body.start;
			if (bl >= 2 && body[0] == '#' && body[1] == '!') {
				size_t e = 0;
				while (e < bl && body[e] != '\n')
					e++;
				const char *line = hr__strf(c, "%.*s", (int)e, body);
				bool shell = strstr(line, "sh") && !strstr(line, "python") && !strstr(line, "perl") &&
					     !strstr(line, "node") && !strstr(line, "ruby");
				if (!shell) {
					go_opaque(&r, hr__strf(c, "runs a %s script", line + 2));
					goto out;
				}
			}
			run_script(&r, body, bl);
		} else {
			r.heredoc_script = in->nheredocs > 0;
			run_script(&r, s, n);
			r.heredoc_script = false;
			/* `bash <<EOF`, `sh -s <<EOF`: the heredoc is the script too */
			for (size_t i = 0; i < in->nheredocs && !r.stop; i++) {
				size_t pl = 0;
				while (pl < n && (s[pl] == ' ' || s[pl] == '\t'))
					pl++;
				size_t wl = 0;
				while (pl + wl < n && !strchr(" \t<", s[pl + wl]))
					wl++;
				const char *prog = hr__strf(c, "%.*s", (int)wl, s + pl);
				if (in_list(base_name(prog), shells)) {
					const hr_heredoc *hd = &in->heredocs[i];
					run_script(&r, df->data + hd->body.start, hd->body.end - hd->body.start);
				}
			}
		}
	}
out:
	free(r.vars);
}
