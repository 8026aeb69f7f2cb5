/* SPDX-License-Identifier: MIT */
/*
 * config.c - reading one git configuration value the way git shows it to a
 * hook (see git.h, hr_repo_config_bool).
 *
 * A server often sets receive.* keys on receive-pack's command line
 * (`git -c receive.advertisePushOptions=true receive-pack`, as GitLab's
 * Gitaly does) rather than in a file. git hands such settings down to the
 * hooks it runs through the environment: GIT_CONFIG_PARAMETERS (every -c,
 * shell-quoted) and GIT_CONFIG_COUNT / GIT_CONFIG_KEY_<n> /
 * GIT_CONFIG_VALUE_<n> (--config-env and its variables). libgit2 1.5 reads
 * neither, so this file does, in git's order: the files (system, global,
 * repository; libgit2), then GIT_CONFIG_COUNT, then GIT_CONFIG_PARAMETERS;
 * the last value wins. Only what a boolean needs is implemented: no
 * includes, no multi-valued keys.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "git_internal.h"

/* git's booleans: no value (a bare `-c key`) is true; numbers count too */
static int parse_bool(const char *v, bool *out)
{
	if (!v) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on")) {
		*out = true;
		return 0;
	}
	if (!*v || !strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off")) {
		*out = false;
		return 0;
	}
	char *end;
	long n = strtol(v, &end, 10);
	if (*end)
		return HR_EINVALID;
	*out = n != 0;
	return 0;
}

/*
 * Section and variable names compare without case; a subsection (the
 * middle of a three-part key) with case, as git does.
 */
static bool key_equal(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	if (alen != blen)
		return false;
	const char *a_first = memchr(a, '.', alen), *a_last = NULL;
	for (size_t i = alen; i-- > 0;)
		if (a[i] == '.') {
			a_last = a + i;
			break;
		}
	for (size_t i = 0; i < alen; i++) {
		bool in_subsection = a_first && a_last && a + i > a_first && a + i < a_last;
		char x = a[i], y = b[i];
		if (!in_subsection) {
			if (x >= 'A' && x <= 'Z')
				x = (char)(x - 'A' + 'a');
			if (y >= 'A' && y <= 'Z')
				y = (char)(y - 'A' + 'a');
		}
		if (x != y)
			return false;
	}
	return true;
}

/*
 * One shell-quoted word of GIT_CONFIG_PARAMETERS, as git's sq_quote writes
 * it: 'text', with a quote written as '\'' and a '!' as '\!'. Stops at a
 * space, an '=' between two quoted words, or the end. Writes the word into
 * `out` (at most strlen(input) + 1 bytes). Returns false on bad quoting.
 */
static bool sq_word(const char **p, char *out)
{
	const char *s = *p;
	size_t n = 0;
	if (*s != '\'')
		return false;
	for (;;) {
		if (*s != '\'')
			break;
		s++;
		while (*s && *s != '\'')
			out[n++] = *s++;
		if (*s != '\'')
			return false;
		s++;
		/* '\'' or '\!' continues the word */
		if (s[0] == '\\' && s[1] && s[2] == '\'') {
			out[n++] = s[1];
			s += 2;
			continue;
		}
		break;
	}
	out[n] = '\0';
	*p = s;
	return true;
}

/*
 * The last value GIT_CONFIG_PARAMETERS gives `key`: *found, and *value
 * (malloc'd; NULL for a bare key). HR_EINVALID when it cannot be parsed.
 */
static int from_parameters(const hr_env *e, bool *found, char **value, const char *key)
{
	const char *env = hr_env_get(e, "GIT_CONFIG_PARAMETERS");
	int rc = 0;
	if (!env || !*env)
		return 0;
	size_t len = strlen(env);
	char *word = malloc(len + 1), *val = malloc(len + 1);
	if (!word || !val) {
		rc = HR_ENOMEM;
		goto out;
	}
	const char *p = env;
	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (!sq_word(&p, word)) {
			rc = HR_EINVALID;
			goto out;
		}
		const char *v = NULL;
		size_t klen;
		if (*p == '=') {
			/* git 2.31 and later: 'key'='value' */
			p++;
			if (*p == '\'') {
				if (!sq_word(&p, val)) {
					rc = HR_EINVALID;
					goto out;
				}
			} else {
				val[0] = '\0'; /* 'key'= : an empty value */
			}
			v = val;
			klen = strlen(word);
		} else {
			/* older git: 'key=value', or 'key' alone */
			char *eq = strchr(word, '=');
			klen = eq ? (size_t)(eq - word) : strlen(word);
			v = eq ? eq + 1 : NULL;
		}
		if (*p && *p != ' ') {
			rc = HR_EINVALID;
			goto out;
		}
		if (key_equal(word, klen, key)) {
			free(*value);
			*value = NULL;
			if (v && !(*value = strdup(v))) {
				rc = HR_ENOMEM;
				goto out;
			}
			*found = true;
		}
	}
out:
	free(word);
	free(val);
	return rc;
}

/* The last value GIT_CONFIG_COUNT / GIT_CONFIG_KEY_<n> / _VALUE_<n> give `key`. */
static int from_count(const hr_env *e, bool *found, char **value, const char *key)
{
	const char *count = hr_env_get(e, "GIT_CONFIG_COUNT");
	char name[64];
	if (!count || !*count)
		return 0;
	char *end;
	unsigned long n = strtoul(count, &end, 10);
	if (*end || n > 100000)
		return HR_EINVALID;
	for (unsigned long i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "GIT_CONFIG_KEY_%lu", i);
		const char *k = hr_env_get(e, name);
		snprintf(name, sizeof(name), "GIT_CONFIG_VALUE_%lu", i);
		const char *v = hr_env_get(e, name);
		if (!k || !v)
			return HR_EINVALID; /* git refuses to run then */
		if (!key_equal(k, strlen(k), key))
			continue;
		free(*value);
		if (!(*value = strdup(v)))
			return HR_ENOMEM;
		*found = true;
	}
	return 0;
}

int hr_repo_config_bool(bool *out, hr_repo *repo, const char *key, bool dflt,
	char *err, size_t errlen)
{
	git_config *cfg = NULL;
	char *value = NULL;
	bool found = false;
	int rc, grc, b = 0;

	*out = dflt;
	if ((grc = git_repository_config_snapshot(&cfg, hr_repo_git(repo))) < 0)
		return hr_git_error(HR_EGIT, err, errlen, "cannot read the git configuration");
	grc = git_config_get_bool(&b, cfg, key);
	git_config_free(cfg);
	if (grc == 0) {
		*out = b != 0;
	} else if (grc != GIT_ENOTFOUND) {
		return hr_git_error(HR_EINVALID, err, errlen, "%s", key);
	}
	git_error_clear();

	if ((rc = from_count(&repo->env, &found, &value, key)) < 0) {
		snprintf(err, errlen, "cannot read GIT_CONFIG_COUNT and its GIT_CONFIG_KEY_<n> variables");
		goto out;
	}
	if ((rc = from_parameters(&repo->env, &found, &value, key)) < 0) {
		snprintf(err, errlen, "cannot read GIT_CONFIG_PARAMETERS");
		goto out;
	}
	if (found && (rc = parse_bool(value, out)) < 0)
		snprintf(err, errlen, "%s: '%s' is not a boolean", key, value ? value : "");
out:
	free(value);
	return rc;
}

bool hr_repo_is_shallow(hr_repo *repo)
{
	return git_repository_is_shallow(hr_repo_git(repo)) == 1;
}
