/* SPDX-License-Identifier: MIT */
/*
 * policy.c - policy defaults, validated settings, and path matching.
 *
 * Every setting goes through hr_policy_set(), whether it comes from a file
 * or the command line, so both are validated the same way and error
 * messages name the key and the accepted values. Path patterns follow git's
 * wildmatch (the same rules as .gitignore), so users can reuse what they
 * know.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hook-run/policy.h"

static const char *const default_paths[] = {
	"Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile",
	"Containerfile", "Containerfile.*",
};

/*
 * Names `Dockerfile.*` matches in real repositories that are not
 * Dockerfiles BuildKit builds: a judged `Dockerfile.ppc64le.patch` or
 * `Dockerfile.template` is a page of parse errors, and with action = fix a
 * rewrite of someone's patch. Compared with the end of the file name,
 * without regard to case.
 */
static const char *const default_exclude_suffixes[] = {
	/* patches and what applying them leaves behind */
	".patch", ".diff", ".orig", ".rej",
	/* backups and editor files */
	".bak", ".swp", ".swo", "~",
	/* templates: the file they render is the one that is built */
	".template", ".tmpl", ".tpl", ".j2", ".jinja", ".jinja2", ".in", ".erb", ".mustache",
	".hbs", ".gotmpl",
	/* documents, scripts and data about a Dockerfile */
	".md", ".txt", ".rst", ".adoc", ".sh", ".ps1", ".py", ".yml", ".yaml", ".json", ".toml",
};

/*
 * Third-party trees, after GitHub linguist's vendor.yml (the entries where
 * Dockerfiles turn up): someone else's Dockerfiles are neither judged nor,
 * with action = fix, rewritten. Exclude-style patterns: a name without '/'
 * is a directory at any depth.
 */
static const char *const default_vendored[] = {
	"[Vv]endor", "[Vv]endors",
	"[Tt]hird[-_][Pp]arty", "[Tt]hird[Pp]arty", "3rd[-_][Pp]arty", "3rd[Pp]arty",
	"node_modules", "bower_components", "**/Godeps/_workspace",
	"extern", "external",
	"testdata",
};

#define DEFAULT_SYNTAX "docker/dockerfile:1"

static char *dup_str(const char *s)
{
	size_t n = strlen(s);
	char *p = malloc(n + 1);
	if (p)
		memcpy(p, s, n + 1);
	return p;
}

static void free_list(char **items, size_t *n)
{
	for (size_t i = 0; i < *n; i++) {
		free(items[i]);
		items[i] = NULL;
	}
	*n = 0;
}

/* what the patterns of `paths` say once for every path (hr_policy_name_candidate) */
static void derive_paths(hr_policy *p)
{
	p->paths_by_name = true;
	for (size_t i = 0; i < p->npaths; i++) {
		const char *pat = p->paths[i];
		size_t n = strlen(pat);
		if (strchr(pat, '/'))
			p->paths_by_name = false;
		/* what may_match() compares: a literal first and last byte */
		p->paths_first[i] = n && !strchr("*?[\\", pat[0]) ? (unsigned char)pat[0] : 0;
		p->paths_last[i] = n && !strchr("*?]\\", pat[n - 1]) ? (unsigned char)pat[n - 1] : 0;
	}
}

int hr_policy_init(hr_policy *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < sizeof(default_paths) / sizeof(default_paths[0]); i++) {
		p->paths[i] = dup_str(default_paths[i]);
		if (!p->paths[i])
			goto oom;
		p->npaths++;
	}
	derive_paths(p);
	for (size_t i = 0; i < sizeof(default_exclude_suffixes) / sizeof(default_exclude_suffixes[0]); i++) {
		p->exclude_suffixes[i] = dup_str(default_exclude_suffixes[i]);
		if (!p->exclude_suffixes[i])
			goto oom;
		p->nexclude_suffixes++;
	}
	for (size_t i = 0; i < sizeof(default_vendored) / sizeof(default_vendored[0]); i++) {
		p->vendored[i] = dup_str(default_vendored[i]);
		if (!p->vendored[i])
			goto oom;
		p->nvendored++;
	}
	p->syntax = dup_str(DEFAULT_SYNTAX);
	if (!p->syntax)
		goto oom;
	p->action = HR_ACTION_REJECT;
	p->fix_mode = HR_FIX_MODE_SAFE;
	p->min_major = 1;
	p->min_minor = 4;
	p->add = HR_ADD_COPY_LINK;
	p->inline_suppressions = HR_INLINE_ALLOW;
	p->fail_on = HR_SEVERITY_ERROR;
	p->max_size = (size_t)4 * 1024 * 1024;
	for (size_t i = 0; i < HR_RULE_COUNT; i++)
		p->severity[i] = hr_rule_get((hr_rule_id)i)->default_severity;
	p->scope = HR_SCOPE_COMMITS;
	p->timeout_ms = 4000;
	p->on_timeout = HR_ON_TIMEOUT_DENY;
	return 0;
oom:
	hr_policy_free(p);
	return HR_ENOMEM;
}

void hr_policy_free(hr_policy *p)
{
	free_list(p->paths, &p->npaths);
	free_list(p->exclude, &p->nexclude);
	free_list(p->exclude_suffixes, &p->nexclude_suffixes);
	free_list(p->vendored, &p->nvendored);
	free_list(p->frontends, &p->nfrontends);
	free(p->syntax);
	p->syntax = NULL;
	free(p->log_file);
	p->log_file = NULL;
	free(p->baseline);
	p->baseline = NULL;
}

static int copy_list(char **dst, size_t *dn, char *const *src, size_t sn)
{
	for (size_t i = 0; i < sn; i++) {
		dst[i] = dup_str(src[i]);
		if (!dst[i])
			return HR_ENOMEM;
		*dn = i + 1;
	}
	return 0;
}

int hr_policy_copy(hr_policy *dst, const hr_policy *src)
{
	*dst = *src;
	dst->npaths = dst->nexclude = dst->nexclude_suffixes = dst->nvendored = dst->nfrontends = 0;
	dst->syntax = dst->log_file = dst->baseline = NULL;
	if (copy_list(dst->paths, &dst->npaths, src->paths, src->npaths) < 0 ||
	    copy_list(dst->exclude, &dst->nexclude, src->exclude, src->nexclude) < 0 ||
	    copy_list(dst->exclude_suffixes, &dst->nexclude_suffixes, src->exclude_suffixes,
		src->nexclude_suffixes) < 0 ||
	    copy_list(dst->vendored, &dst->nvendored, src->vendored, src->nvendored) < 0 ||
	    copy_list(dst->frontends, &dst->nfrontends, src->frontends, src->nfrontends) < 0 ||
	    (src->syntax && !(dst->syntax = dup_str(src->syntax))) ||
	    (src->log_file && !(dst->log_file = dup_str(src->log_file))) ||
	    (src->baseline && !(dst->baseline = dup_str(src->baseline)))) {
		hr_policy_free(dst);
		return HR_ENOMEM;
	}
	return 0;
}

bool hr_severity_parse(const char *s, hr_severity *out)
{
	static const struct { const char *name; hr_severity sev; } names[] = {
		{ "error", HR_SEVERITY_ERROR }, { "warning", HR_SEVERITY_WARNING },
		{ "info", HR_SEVERITY_INFO }, { "off", HR_SEVERITY_OFF },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].sev;
			return true;
		}
	return false;
}

/*
 * Split a list on commas and white space into items (patterns hold
 * neither); replace the list, or add to it when `append`.
 */
static int set_list(char **items, size_t *n, const char *value, const char *key,
	bool append, char *err, size_t errlen)
{
	char *tmp[HR_POLICY_MAX_PATTERNS];
	size_t count = 0;
	const char *p = value;

	while (*p) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (*p && *p != ',' && *p != ' ' && *p != '\t')
			p++;
		if (count + (append ? *n : 0) == HR_POLICY_MAX_PATTERNS) {
			snprintf(err, errlen, "%s: more than %d patterns", key, HR_POLICY_MAX_PATTERNS);
			free_list(tmp, &count);
			return HR_EINVALID;
		}
		tmp[count] = malloc((size_t)(p - start) + 1);
		if (!tmp[count]) {
			free_list(tmp, &count);
			return HR_ENOMEM;
		}
		memcpy(tmp[count], start, (size_t)(p - start));
		tmp[count][p - start] = '\0';
		count++;
	}
	if (!append)
		free_list(items, n);
	memcpy(items + *n, tmp, count * sizeof(char *));
	*n += count;
	return 0;
}

static int choose(const char *value, const char *key, const char *const *names, size_t nnames,
	int *out, char *err, size_t errlen)
{
	for (size_t i = 0; i < nnames; i++)
		if (strcmp(value, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	size_t off = (size_t)snprintf(err, errlen, "%s: '%s' is not one of", key, value);
	for (size_t i = 0; i < nnames && off < errlen; i++)
		off += (size_t)snprintf(err + off, errlen - off, "%s %s", i ? "," : "", names[i]);
	return HR_EINVALID;
}

static bool parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1")) {
		*out = true;
		return true;
	}
	if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0")) {
		*out = false;
		return true;
	}
	return false;
}

static bool parse_uint(const char **pp, unsigned *out)
{
	const char *p = *pp;
	unsigned long v = 0;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 100000)
			return false;
		p++;
	}
	*out = (unsigned)v;
	*pp = p;
	return true;
}

bool hr_size_parse(const char *s, size_t *out)
{
	size_t v = 0, mult = 1;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		if (v > (SIZE_MAX - 9) / 10)
			return false;
		v = v * 10 + (size_t)(*p - '0');
		p++;
	}
	switch (*p) {
	case 'k': case 'K': mult = 1024; p++; break;
	case 'm': case 'M': mult = 1024 * 1024; p++; break;
	case 'g': case 'G': mult = 1024UL * 1024 * 1024; p++; break;
	}
	if (*p == 'i')
		p++;
	if (*p == 'B' || *p == 'b')
		p++;
	if (*p || (v && mult > SIZE_MAX / v))
		return false;
	*out = v * mult;
	return true;
}

static bool has_blank(const char *s)
{
	for (; *s; s++)
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			return true;
	return false;
}

static int set_main(hr_policy *p, const char *key, const char *value, bool append,
	char *err, size_t errlen)
{
	static const char *const actions[] = { "reject", "fix" };
	static const char *const modes[] = { "safe", "all" };
	static const char *const adds[] = { "copy-link", "link", "off" };
	static const char *const inl[] = { "allow", "require-reason", "deny" };
	static const char *const gattr[] = { "honour", "include-only", "ignore" };
	int choice, rc;

	if (!strcmp(key, "paths")) {
		if ((rc = set_list(p->paths, &p->npaths, value, key, append, err, errlen)) < 0)
			return rc;
		derive_paths(p);
		if (p->npaths == 0) {
			snprintf(err, errlen, "paths: needs at least one pattern");
			return HR_EINVALID;
		}
		return 0;
	}
	if (!strcmp(key, "exclude"))
		return set_list(p->exclude, &p->nexclude, value, key, append, err, errlen);
	if (!strcmp(key, "exclude-suffixes"))
		return set_list(p->exclude_suffixes, &p->nexclude_suffixes, value, key, append, err, errlen);
	if (!strcmp(key, "vendored"))
		return set_list(p->vendored, &p->nvendored, value, key, append, err, errlen);
	if (!strcmp(key, "gitattributes")) {
		if ((rc = choose(value, key, gattr, 3, &choice, err, errlen)) < 0)
			return rc;
		p->gitattributes = (hr_gitattributes_mode)choice;
		return 0;
	}
	if (!strcmp(key, "frontends"))
		return set_list(p->frontends, &p->nfrontends, value, key, append, err, errlen);
	if (!strcmp(key, "action")) {
		if ((rc = choose(value, key, actions, 2, &choice, err, errlen)) < 0)
			return rc;
		p->action = (hr_action)choice;
		return 0;
	}
	if (!strcmp(key, "fix-mode")) {
		if ((rc = choose(value, key, modes, 2, &choice, err, errlen)) < 0)
			return rc;
		p->fix_mode = (hr_fix_mode)choice;
		return 0;
	}
	if (!strcmp(key, "add")) {
		if ((rc = choose(value, key, adds, 3, &choice, err, errlen)) < 0)
			return rc;
		p->add = (hr_add_mode)choice;
		return 0;
	}
	if (!strcmp(key, "inline-suppressions")) {
		if ((rc = choose(value, key, inl, 3, &choice, err, errlen)) < 0)
			return rc;
		p->inline_suppressions = (hr_inline_mode)choice;
		return 0;
	}
	if (!strcmp(key, "syntax")) {
		if (!*value || has_blank(value)) {
			snprintf(err, errlen, "syntax: '%s' is not an image reference like docker/dockerfile:1", value);
			return HR_EINVALID;
		}
		char *s = dup_str(value);
		if (!s)
			return HR_ENOMEM;
		free(p->syntax);
		p->syntax = s;
		return 0;
	}
	if (!strcmp(key, "min-version")) {
		const char *v = value;
		unsigned major, minor = 0;
		if (!parse_uint(&v, &major) || (*v == '.' && (v++, !parse_uint(&v, &minor))) || *v) {
			snprintf(err, errlen, "min-version: '%s' is not a version like 1.4", value);
			return HR_EINVALID;
		}
		p->min_major = major;
		p->min_minor = minor;
		return 0;
	}
	if (!strcmp(key, "block")) {
		if (!strcmp(value, "new"))
			p->block = HR_BLOCK_NEW;
		else if (!strcmp(value, "all"))
			p->block = HR_BLOCK_ALL;
		else {
			snprintf(err, errlen, "block: '%s' is not new or all", value);
			return HR_EINVALID;
		}
		return 0;
	}
	if (!strcmp(key, "baseline")) {
		char *b = *value ? dup_str(value) : NULL;
		if (*value && !b)
			return HR_ENOMEM;
		free(p->baseline);
		p->baseline = b;
		return 0;
	}
	if (!strcmp(key, "fail-on")) {
		hr_severity s;
		if (!hr_severity_parse(value, &s) || s == HR_SEVERITY_OFF) {
			snprintf(err, errlen, "fail-on: '%s' is not one of error, warning, info", value);
			return HR_EINVALID;
		}
		p->fail_on = s;
		return 0;
	}
	if (!strcmp(key, "max-size")) {
		if (!hr_size_parse(value, &p->max_size)) {
			snprintf(err, errlen, "max-size: '%s' is not a size like 4M or 512k (0: no limit)", value);
			return HR_EINVALID;
		}
		return 0;
	}
	snprintf(err, errlen, "unknown key '%s' in [hook-run]", key);
	return HR_ENOTFOUND;
}

static int set_pre_receive(hr_policy *p, const char *key, const char *value, char *err, size_t errlen)
{
	static const char *const scopes[] = { "commits", "tips" };
	static const char *const outcomes[] = { "deny", "allow" };
	int choice, rc;

	if (!strcmp(key, "scope")) {
		if ((rc = choose(value, key, scopes, 2, &choice, err, errlen)) < 0)
			return rc;
		p->scope = (hr_scope)choice;
		return 0;
	}
	if (!strcmp(key, "on-timeout")) {
		if ((rc = choose(value, key, outcomes, 2, &choice, err, errlen)) < 0)
			return rc;
		p->on_timeout = (hr_on_timeout)choice;
		return 0;
	}
	if (!strcmp(key, "timeout")) {
		/* seconds, with up to three decimals */
		const char *v = value;
		unsigned secs, frac = 0, digits = 0;
		if (!parse_uint(&v, &secs) || secs > 86400)
			goto bad_timeout;
		if (*v == '.') {
			v++;
			while (*v >= '0' && *v <= '9' && digits < 3) {
				frac = frac * 10 + (unsigned)(*v - '0');
				digits++;
				v++;
			}
			if (digits == 0)
				goto bad_timeout;
			while (digits++ < 3)
				frac *= 10;
		}
		if (*v == 's')
			v++;
		if (*v)
			goto bad_timeout;
		p->timeout_ms = secs * 1000 + frac;
		return 0;
bad_timeout:
		snprintf(err, errlen, "timeout: '%s' is not a number of seconds like 4 or 2.5 (0: none)", value);
		return HR_EINVALID;
	}
	if (!strcmp(key, "push-option-skip")) {
		if (!parse_bool(value, &p->push_option_skip)) {
			snprintf(err, errlen, "push-option-skip: '%s' is not on or off", value);
			return HR_EINVALID;
		}
		return 0;
	}
	if (!strcmp(key, "log-file")) {
		char *s = *value ? dup_str(value) : NULL;
		if (*value && !s)
			return HR_ENOMEM;
		free(p->log_file);
		p->log_file = s;
		return 0;
	}
	snprintf(err, errlen, "unknown key '%s' in [pre-receive]", key);
	return HR_ENOTFOUND;
}

static int policy_set(hr_policy *p, const char *section, const char *key, const char *value,
	bool append, char *err, size_t errlen)
{
	if (!strcmp(section, "hook-run"))
		return set_main(p, key, value, append, err, errlen);
	if (!strcmp(section, "pre-receive"))
		return set_pre_receive(p, key, value, err, errlen);
	if (!strcmp(section, "rules")) {
		const hr_rule *rule = hr_rule_find(key, strlen(key));
		hr_severity s;
		if (!rule) {
			snprintf(err, errlen, "unknown rule '%s' in [rules] (see 'hook-run explain --list')", key);
			return HR_ENOTFOUND;
		}
		if (!hr_severity_parse(value, &s)) {
			snprintf(err, errlen, "%s: '%s' is not one of error, warning, info, off", rule->name, value);
			return HR_EINVALID;
		}
		p->severity[rule->id] = s;
		return 0;
	}
	snprintf(err, errlen, "unknown section [%s] (expected [hook-run], [rules] or [pre-receive])", section);
	return HR_ENOTFOUND;
}

int hr_policy_set(hr_policy *p, const char *section, const char *key, const char *value,
	char *err, size_t errlen)
{
	return policy_set(p, section, key, value, false, err, errlen);
}

int hr_policy_append(hr_policy *p, const char *section, const char *key, const char *value,
	char *err, size_t errlen)
{
	return policy_set(p, section, key, value, true, err, errlen);
}

/* ---- wildmatch ------------------------------------------------------- */

enum { WM_MATCH = 0, WM_NOMATCH = 1, WM_ABORT_ALL = -1, WM_ABORT_TO_STARSTAR = -2 };

/* a [...] class at *pp (just after '['); advances past ']' */
static int match_class(const char **pp, unsigned char c)
{
	const char *p = *pp;
	bool negate = false, matched = false;
	unsigned char prev = 0;

	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	bool first = true;
	for (; *p && (first || *p != ']'); p++, first = false) {
		unsigned char pc = (unsigned char)*p;
		if (pc == '\\' && p[1]) {
			pc = (unsigned char)*++p;
			if (pc == c)
				matched = true;
		} else if (pc == '-' && prev && p[1] && p[1] != ']') {
			unsigned char hi = (unsigned char)*++p;
			if (hi == '\\' && p[1])
				hi = (unsigned char)*++p;
			if (c >= prev && c <= hi)
				matched = true;
			pc = 0;
		} else if (pc == c) {
			matched = true;
		}
		prev = pc;
	}
	if (*p != ']')
		return WM_ABORT_ALL;
	*pp = p + 1;
	return matched != negate ? WM_MATCH : WM_NOMATCH;
}

static int dowild(const char *pattern, const char *p, const char *text)
{
	for (; *p; text++, p++) {
		unsigned char pc = (unsigned char)*p, tc = (unsigned char)*text;
		if (!tc && pc != '*')
			return WM_ABORT_ALL;
		switch (pc) {
		case '\\':
			pc = (unsigned char)*++p;
			if (tc != pc)
				return WM_NOMATCH;
			break;
		case '?':
			if (tc == '/')
				return WM_NOMATCH;
			break;
		case '*': {
			bool match_slash = false;
			if (*++p == '*') {
				const char *prev = p - 2;
				while (*++p == '*')
					;
				/* "**" is special only as a whole path component */
				if ((prev < pattern || *prev == '/') && (*p == '\0' || *p == '/')) {
					if (*p == '/' && dowild(pattern, p + 1, text) == WM_MATCH)
						return WM_MATCH;
					match_slash = true;
				}
			}
			if (!*p) {
				/* a trailing "**" matches everything, a trailing "*" no '/' */
				if (!match_slash && strchr(text, '/'))
					return WM_NOMATCH;
				return WM_MATCH;
			}
			if (!match_slash && *p == '/') {
				const char *slash = strchr(text, '/');
				if (!slash)
					return WM_NOMATCH;
				text = slash;
				break; /* the loop matches the '/' */
			}
			for (;;) {
				if (!*text)
					return WM_ABORT_ALL;
				int r = dowild(pattern, p, text);
				if (r != WM_NOMATCH) {
					if (!match_slash || r != WM_ABORT_TO_STARSTAR)
						return r;
				} else if (!match_slash && *text == '/') {
					return WM_ABORT_TO_STARSTAR;
				}
				text++;
			}
		}
		case '[': {
			const char *q = p + 1;
			if (tc == '/')
				return WM_NOMATCH;
			int r = match_class(&q, tc);
			if (r != WM_MATCH)
				return r;
			p = q - 1;
			break;
		}
		default:
			if (tc != pc)
				return WM_NOMATCH;
		}
	}
	return *text ? WM_NOMATCH : WM_MATCH;
}

bool hr_wildmatch(const char *pattern, const char *text)
{
	return dowild(pattern, pattern, text) == WM_MATCH;
}

/* gitignore-style: no '/' in the pattern means "the base name, at any depth" */
static bool pattern_matches(const char *pattern, const char *path)
{
	if (*pattern == '/')
		return hr_wildmatch(pattern + 1, path);
	if (!strchr(pattern, '/')) {
		const char *base = strrchr(path, '/');
		return hr_wildmatch(pattern, base ? base + 1 : path);
	}
	return hr_wildmatch(pattern, path);
}

/* '/'s in s[0,n): one fewer than its components */
static size_t count_slashes(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == '/';
	return k;
}

/*
 * A quick no before the full match: wildmatch compares a plain character
 * one for one, so a pattern's first character, when plain, must be the
 * text's first, and its last, when plain, the text's last (an escaped
 * character is plain too; '*', '?', a class and '\\' are not). Most paths
 * of a tree fail here on their file name, where the full match of a
 * pattern such as "*.Dockerfile" tries every position of the name.
 */
static bool may_match(const char *pattern, const char *text, size_t text_len)
{
	size_t plen = strlen(pattern);
	if (!plen || !text_len)
		return true;
	unsigned char first = (unsigned char)pattern[0], last = (unsigned char)pattern[plen - 1];
	if (first != '*' && first != '?' && first != '[' && first != '\\' && first != (unsigned char)text[0])
		return false;
	if (last != '*' && last != '?' && last != ']' && last != '\\' && last != (unsigned char)text[text_len - 1])
		return false;
	return true;
}

/* pattern_matches() for a whole path whose file name is base[0..blen) */
static bool path_pattern_matches(const char *pattern, const char *path, const char *base, size_t blen)
{
	const char *text = base;
	size_t tlen = blen;
	if (*pattern == '/' || strchr(pattern, '/')) {
		pattern += *pattern == '/';
		text = path;
		tlen = (size_t)(base - path) + blen;
	}
	return may_match(pattern, text, tlen) && hr_wildmatch(pattern, text);
}

/*
 * As in .gitignore, an exclude pattern that matches a directory leaves out
 * everything below it: try the pattern on the path and on each of its
 * leading directories ("vendor", "third_party", "/fixtures/").
 *
 * Linear in the path for the shapes patterns have (a bare name, a fixed
 * number of components, or "**" + "/" + a fixed number): '*', '?' and '[...]'
 * never match '/', so only directories with as many components as the
 * pattern (or its tail) can match, and each is tried once on just those
 * components. Trying every leading directory with a full match was cubic
 * in the depth: a pushed tree 4000 levels deep with a Dockerfile on each
 * level took minutes (found by the rawtree fuzz target).
 */
static bool excluded_by(const char *pattern, const char *path)
{
	char buf[4096];
	size_t plen = strlen(pattern), len = strlen(path);
	char pat[1024];

	if (plen == 0 || plen >= sizeof(pat) || len >= sizeof(buf))
		return plen && pattern_matches(pattern, path);
	memcpy(pat, pattern, plen + 1);
	while (plen > 1 && pat[plen - 1] == '/') /* "dir/" means the directory */
		pat[--plen] = '\0';
	if (pattern_matches(pat, path))
		return true;
	memcpy(buf, path, len + 1);

	const char *body = pat[0] == '/' ? pat + 1 : pat;
	bool bare = pat[0] != '/' && !strchr(pat, '/');
	bool simple = !strchr(body, '\\') && !strchr(body, '[');
	const char *tail = NULL; /* "**" + "/" + tail, with no other "**" */
	if (simple && !strncmp(body, "**/", 3) && !strstr(body + 3, "**"))
		tail = body + 3;
	else if (simple && strstr(body, "**"))
		simple = false;
	size_t want = simple && !bare ? count_slashes(tail ? tail : body, strlen(tail ? tail : body)) : 0;

	size_t comp = 0;                 /* where the current component begins */
	size_t depth = 0;                /* '/'s seen */
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '/')
			continue;
		bool m;
		buf[i] = '\0';
		if (bare) {
			/* a bare name matches the directory's own name, at any depth */
			m = hr_wildmatch(pat, buf + comp);
		} else if (!simple) {
			m = pattern_matches(pat, buf);
		} else if (!tail) {
			/* a fixed number of components: only the directory that deep */
			m = depth == want && hr_wildmatch(body, buf);
		} else {
			/* "**" + "/" + tail: the directory's last want+1 components,
			   found by stepping back over want slashes from this one's start */
			size_t from = comp, back = want;
			while (back && from > 0) {
				from--; /* the '/' before the component */
				while (from > 0 && buf[from - 1] != '/')
					from--;
				back--;
			}
			m = back == 0 && hr_wildmatch(tail, buf + from);
		}
		buf[i] = '/';
		if (m)
			return true;
		comp = i + 1;
		depth++;
	}
	return false;
}

bool hr_policy_path_candidate(const hr_policy *p, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t blen;

	base = base ? base + 1 : path;
	blen = strlen(base);
	/* per-Dockerfile ignore files (Dockerfile.dockerignore) are never Dockerfiles */
	if (blen >= 13 && strcmp(base + blen - 13, ".dockerignore") == 0)
		return false;
	bool matched = false;
	for (size_t i = 0; i < p->npaths && !matched; i++)
		matched = path_pattern_matches(p->paths[i], path, base, blen);
	if (!matched)
		return false;
	for (size_t i = 0; i < p->nexclude; i++)
		if (excluded_by(p->exclude[i], path))
			return false;
	return true;
}

bool hr_policy_name_candidate(const hr_policy *p, const char *name, size_t len)
{
	if (!p->paths_by_name)
		return true;
	/* as hr_policy_path_candidate() decides on the file name, before the exclusions */
	if (len >= 13 && strcmp(name + len - 13, ".dockerignore") == 0)
		return false;
	if (!len)
		return false;
	unsigned char first = (unsigned char)name[0], last = (unsigned char)name[len - 1];
	for (size_t i = 0; i < p->npaths; i++) {
		/* the first and last bytes first: most names fail there, without the pattern's length */
		if ((p->paths_first[i] && p->paths_first[i] != first) || (p->paths_last[i] && p->paths_last[i] != last))
			continue;
		if (hr_wildmatch(p->paths[i], name))
			return true;
	}
	return false;
}

static bool has_excluded_suffix(const hr_policy *p, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t blen = strlen(base);
	for (size_t i = 0; i < p->nexclude_suffixes; i++) {
		size_t sl = strlen(p->exclude_suffixes[i]);
		/* the whole name is no suffix: a file called `.md` is not `x.md` */
		if (sl < blen && strcasecmp(base + blen - sl, p->exclude_suffixes[i]) == 0)
			return true;
	}
	return false;
}

/* under a vendored directory: the patterns tried on the leading directories only */
static bool in_vendored_tree(const hr_policy *p, const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return false;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	for (size_t i = 0; i < p->nvendored; i++)
		if (excluded_by(p->vendored[i], dir))
			return true;
	return false;
}

bool hr_policy_path_selected(const hr_policy *p, const char *path, const hr_path_attrs *attrs)
{
	static const hr_path_attrs none;
	const hr_path_attrs *a = attrs && p->gitattributes != HR_GITATTR_IGNORE ? attrs : &none;
	bool may_exclude = p->gitattributes == HR_GITATTR_HONOUR;

	if (a->hook_run == HR_ATTR_TRUE)
		return true;
	if (may_exclude && (a->hook_run == HR_ATTR_FALSE || a->vendored == HR_ATTR_TRUE ||
	    a->generated == HR_ATTR_TRUE))
		return false;
	if (has_excluded_suffix(p, path))
		return false;
	if (a->vendored != HR_ATTR_FALSE && in_vendored_tree(p, path))
		return false;
	return true;
}

bool hr_policy_matches_path(const hr_policy *p, const char *path)
{
	return hr_policy_path_candidate(p, path) && hr_policy_path_selected(p, path, NULL);
}
