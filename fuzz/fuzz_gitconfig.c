/* SPDX-License-Identifier: MIT */
/*
 * fuzz_gitconfig.c - git's configuration files as gitconfig.c reads them
 * without libgit2 (hr_gitconfig_parse: git's own state machine, byte by
 * byte), then every lookup the fast paths make.
 *
 * The input is one file's bytes. Properties: the parser never crashes and
 * ends; a failure says which line ("gitconfig:LINE: ...", LINE >= 1),
 * except a file over the size limit; on success every stored key is
 * "section[.subsection].name" with the section and the name lower-cased
 * and valid (the name a letter then letters, digits and '-'), a key
 * hr_gitconfig_get() accepts as it is and answers with the value of the
 * last entry of that key; the typed lookups never crash and give only the
 * codes they document.
 */
#include <string.h>

#include "fuzz.h"
#include "git/git_internal.h"

static const char *const keys[] = {
	"core.repositoryformatversion", "core.bare", "core.worktree", "core.attributesFile",
	"receive.advertisePushOptions", "extensions.worktreeConfig", "include.path", "a.b", "a.B.c",
};

static bool lower_keychar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

static void check_key(const hr_gitconfig *c, size_t i)
{
	const char *key, *value, *found;
	unsigned line;

	hr_gitconfig_entry(c, i, &key, &value, &line);
	FUZZ_ASSERT(line >= 1, "an entry without a line");
	const char *first_dot = strchr(key, '.'), *last_dot = strrchr(key, '.');
	FUZZ_ASSERT(first_dot && last_dot > key, "a key without a section");
	for (const char *p = key; p < first_dot; p++)
		FUZZ_ASSERT(lower_keychar(*p), "a section name that is not lower-cased keychars");
	const char *name = last_dot + 1;
	FUZZ_ASSERT(*name >= 'a' && *name <= 'z', "a variable name that does not start with a lower-case letter");
	for (const char *p = name; *p; p++)
		FUZZ_ASSERT(lower_keychar(*p), "a variable name that is not lower-cased keychars");
	FUZZ_ASSERT(!strchr(key, '\n'), "a newline in a key");

	/* the key as stored is a key to ask for, and the last entry answers */
	FUZZ_ASSERT(hr_gitconfig_get(c, key, &found) == 0, "a stored key that cannot be found");
	for (size_t j = hr_gitconfig_count(c); j-- > 0;) {
		const char *k2, *v2;
		hr_gitconfig_entry(c, j, &k2, &v2, NULL);
		if (!strcmp(k2, key)) {
			FUZZ_ASSERT(found == v2, "a lookup that did not give the last value");
			break;
		}
	}
}

static void typed(const hr_gitconfig *c, const char *key)
{
	static char *const vars[] = { "HOME=/home/fuzz", NULL };
	const hr_env env = { .vars = vars };
	bool b;
	int n, rc;
	char *path = NULL;

	rc = hr_gitconfig_get_bool(c, key, &b);
	FUZZ_ASSERT(rc == 0 || rc == HR_ENOTFOUND || rc == HR_EINVALID, "get_bool: an unexpected code");
	rc = hr_gitconfig_get_int(c, key, &n);
	FUZZ_ASSERT(rc == 0 || rc == HR_ENOTFOUND || rc == HR_EINVALID, "get_int: an unexpected code");
	/* ~user would ask the user database: not from a fuzzer */
	const char *v;
	if (hr_gitconfig_get(c, key, &v) == 0 && v && v[0] == '~' && v[1] && v[1] != '/')
		return;
	rc = hr_gitconfig_get_path(c, &env, key, &path);
	FUZZ_ASSERT(rc == 0 || rc == HR_ENOTFOUND || rc == HR_EINVALID || rc == HR_ENOTSUP || rc == HR_ENOMEM,
		"get_path: an unexpected code");
	FUZZ_ASSERT(rc == 0 ? path != NULL : path == NULL, "get_path: a path and a failure");
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hr_gitconfig *c;
	char err[512];

	if (hr_gitconfig_new(&c) < 0)
		return 0;
	err[0] = '\0';
	int rc = hr_gitconfig_parse(c, (const char *)data, size, "gitconfig", err, sizeof(err));
	if (rc < 0) {
		FUZZ_ASSERT(hr_gitconfig_count(c) == 0, "entries kept from a file that failed");
		if (rc != HR_ENOMEM && !(rc == HR_ETOOBIG && size > HR_GITCONFIG_FILE_MAX)) {
			unsigned line = 0;
			FUZZ_ASSERT(sscanf(err, "gitconfig:%u:", &line) == 1 && line >= 1,
				"a failure that does not name its line");
		}
	} else {
		for (size_t i = 0; i < hr_gitconfig_count(c); i++)
			check_key(c, i);
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			typed(c, keys[i]);
		for (size_t i = 0; i < hr_gitconfig_count(c) && i < 64; i++) {
			const char *key, *value;
			hr_gitconfig_entry(c, i, &key, &value, NULL);
			typed(c, key);
		}
		(void)hr_gitconfig_has_section(c, "extensions");
		(void)hr_gitconfig_includes(c);
	}
	hr_gitconfig_free(c);
	return 0;
}
