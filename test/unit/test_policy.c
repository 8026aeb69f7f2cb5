/* SPDX-License-Identifier: MIT */
/*
 * test_policy.c - policy settings and path matching on strings: git's
 * wildmatch rules, the default Dockerfile patterns, excludes, and the
 * validation of every key's values.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "hook-run/policy.h"

static const struct { const char *pattern, *text; bool match; } wild[] = {
	{ "Dockerfile", "Dockerfile", true },
	{ "Dockerfile.*", "Dockerfile.dev", true },
	{ "Dockerfile.*", "Dockerfile", false },
	{ "*.Dockerfile", "api.Dockerfile", true },
	{ "*.Dockerfile", "a/api.Dockerfile", false },       /* '*' does not cross '/' */
	{ "**/Dockerfile", "Dockerfile", true },               /* '**' / matches zero dirs */
	{ "**/Dockerfile", "a/b/c/Dockerfile", true },
	{ "docker/**", "docker/a/b", true },
	{ "docker/**/Dockerfile", "docker/Dockerfile", true },
	{ "docker/**/Dockerfile", "docker/x/y/Dockerfile", true },
	{ "docker/**/Dockerfile", "other/x/Dockerfile", false },
	{ "a**b", "a/x/b", false },                            /* '**' not a whole component: like '*' */
	{ "?ockerfile", "Dockerfile", true },
	{ "?ockerfile", "/ockerfile", false },
	{ "[CD]ontainerfile", "Containerfile", true },
	{ "[!C]ontainerfile", "Containerfile", false },
	{ "[a-c]x", "bx", true },
	{ "\\*x", "*x", true },
	{ "\\*x", "ax", false },
	{ "Dockerfile", "dockerfile", false },                 /* case-sensitive, as git */
};

START_TEST(wildmatch_table)
{
	ck_assert_msg(hr_wildmatch(wild[_i].pattern, wild[_i].text) == wild[_i].match,
		"'%s' vs '%s'", wild[_i].pattern, wild[_i].text);
}
END_TEST

static const struct { const char *path; bool match; } defaults[] = {
	{ "Dockerfile", true }, { "sub/dir/Dockerfile", true }, { "Dockerfile.prod", true },
	{ "api.Dockerfile", true }, { "build.dockerfile", true }, { "Containerfile", true },
	{ "x/Containerfile.ci", true }, { "Dockerfile.dockerignore", false },
	{ "app.Dockerfile.dockerignore", false }, { "README.md", false }, { "Dockerfiles/x", false },
	{ "mydockerfile", false }, { "dockerfile", false },
	/* names `Dockerfile.*` matches that are not Dockerfiles */
	{ "Dockerfile.ppc64le.patch", false }, { "build/Dockerfile.template", false },
	{ "Dockerfile.j2", false }, { "Dockerfile.in", false }, { "Dockerfile.PATCH", false },
	{ "Dockerfile.prod.orig", false }, { "Dockerfile.rej", false }, { "Dockerfile.bak", false },
	{ "Dockerfile.dev~", false }, { "Dockerfile.md", false }, { "Containerfile.yaml", false },
	{ "Dockerfile.sh", false }, { "x.patch.Dockerfile", true }, { "Dockerfile.ppc64le", true },
	{ "Dockerfile.indigo", true }, { "Dockerfile.dev.Dockerfile", true },
	/* vendored trees */
	{ "vendor/x/Dockerfile", false }, { "a/Vendor/Dockerfile", false },
	{ "third_party/b/Dockerfile", false }, { "src/third-party/Dockerfile", false },
	{ "ThirdParty/Dockerfile", false }, { "3rdparty/Dockerfile", false },
	{ "web/node_modules/p/Dockerfile", false }, { "bower_components/x/Dockerfile", false },
	{ "Godeps/_workspace/src/x/Dockerfile", false }, { "a/Godeps/_workspace/Dockerfile", false },
	{ "external/x/Dockerfile", false }, { "pkg/testdata/Dockerfile", false },
	{ "vendored/Dockerfile", true }, { "app/vendor.Dockerfile", true }, { "Godeps/Dockerfile", true },
	{ "myvendor/Dockerfile", true }, { "docs/Dockerfile", true },
};

START_TEST(default_paths)
{
	hr_policy p;
	hr_policy_init(&p);
	ck_assert_msg(hr_policy_matches_path(&p, defaults[_i].path) == defaults[_i].match, "%s",
		defaults[_i].path);
	hr_policy_free(&p);
}
END_TEST

START_TEST(excludes)
{
	hr_policy p;
	char err[256];
	hr_policy_init(&p);
	ck_assert_int_eq(hr_policy_set(&p, "hook-run", "exclude", "vendor, /fixtures/, third_party/**", err, sizeof(err)), 0);
	ck_assert(!hr_policy_matches_path(&p, "vendor/x/Dockerfile"));
	ck_assert(!hr_policy_matches_path(&p, "a/vendor/Dockerfile"));   /* bare name: any depth */
	ck_assert(!hr_policy_matches_path(&p, "fixtures/Dockerfile"));
	ck_assert(hr_policy_matches_path(&p, "a/fixtures/Dockerfile"));  /* anchored with a leading / */
	ck_assert(!hr_policy_matches_path(&p, "third_party/z/Dockerfile"));
	ck_assert(hr_policy_matches_path(&p, "vendored/Dockerfile"));
	ck_assert(hr_policy_matches_path(&p, "src/Dockerfile"));
	/* append adds, set replaces */
	ck_assert_int_eq(hr_policy_append(&p, "hook-run", "exclude", "src", err, sizeof(err)), 0);
	ck_assert(!hr_policy_matches_path(&p, "src/Dockerfile"));
	ck_assert(!hr_policy_matches_path(&p, "vendor/Dockerfile"));
	ck_assert_int_eq(hr_policy_set(&p, "hook-run", "exclude", "", err, sizeof(err)), 0);
	ck_assert(hr_policy_matches_path(&p, "src/Dockerfile"));
	ck_assert(hr_policy_path_candidate(&p, "vendor/Dockerfile")); /* the vendored list still has it */
	hr_policy_free(&p);
}
END_TEST

#define U HR_ATTR_UNSPECIFIED
#define T HR_ATTR_TRUE
#define F HR_ATTR_FALSE

/* the attributes on top of the lists, for each gitattributes mode */
static const struct {
	const char *path;
	hr_path_attrs attrs;
	bool honour, include_only, ignore;
} attributed[] = {
	{ "Dockerfile", { U, U, U }, true, true, true },
	{ "Dockerfile", { F, U, U }, false, true, true },           /* -hook-run / hook-run=off */
	{ "Dockerfile", { U, T, U }, false, true, true },           /* linguist-vendored */
	{ "Dockerfile", { U, U, T }, false, true, true },           /* linguist-generated */
	{ "Dockerfile", { T, T, T }, true, true, true },            /* hook-run wins */
	{ "vendor/Dockerfile", { U, U, U }, false, false, false },
	{ "vendor/Dockerfile", { U, F, U }, true, true, false },    /* linguist-vendored=false */
	{ "vendor/Dockerfile", { T, U, U }, true, true, false },    /* hook-run forces it in */
	{ "vendor/Dockerfile", { U, F, T }, false, true, false },   /* generated still excludes */
	{ "Dockerfile.template", { U, F, U }, false, false, false }, /* not vendored, still a template */
	{ "Dockerfile.template", { T, U, U }, true, true, false },
};

START_TEST(attribute_table)
{
	static const hr_gitattributes_mode modes[] = {
		HR_GITATTR_HONOUR, HR_GITATTR_INCLUDE_ONLY, HR_GITATTR_IGNORE,
	};
	hr_policy p;
	hr_policy_init(&p);
	for (size_t m = 0; m < 3; m++) {
		bool want = m == 0 ? attributed[_i].honour : m == 1 ? attributed[_i].include_only
			: attributed[_i].ignore;
		p.gitattributes = modes[m];
		ck_assert(hr_policy_path_candidate(&p, attributed[_i].path));
		ck_assert_msg(hr_policy_path_selected(&p, attributed[_i].path, &attributed[_i].attrs) == want,
			"%s, mode %zu", attributed[_i].path, m);
	}
	hr_policy_free(&p);
}
END_TEST

/*
 * excluded_by()'s linear shapes against the rule they shortcut: the
 * pattern tried on the path and on every leading directory, bare names on
 * the last component (gitignore). Patterns of every shape, paths of
 * several depths, as `exclude` with paths = "**".
 */
static bool ref_matches(const char *pat, const char *path)
{
	if (*pat == '/')
		return hr_wildmatch(pat + 1, path);
	if (!strchr(pat, '/')) {
		const char *base = strrchr(path, '/');
		return hr_wildmatch(pat, base ? base + 1 : path);
	}
	return hr_wildmatch(pat, path);
}

static bool ref_excluded(const char *pattern, const char *path)
{
	char pat[256], buf[512];
	snprintf(pat, sizeof(pat), "%s", pattern);
	size_t n = strlen(pat);
	while (n > 1 && pat[n - 1] == '/')
		pat[--n] = '\0';
	if (ref_matches(pat, path))
		return true;
	snprintf(buf, sizeof(buf), "%s", path);
	for (size_t i = 0; buf[i]; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		bool m = ref_matches(pat, buf);
		buf[i] = '/';
		if (m)
			return true;
	}
	return false;
}

START_TEST(exclude_shapes_agree)
{
	static const char *const patterns[] = {
		"vendor", "[Vv]endor", "v*", "/vendor", "vendor/", "a/b", "/a/b/", "a/*/c", "*/b",
		"**/b", "**/a/b", "**/b/c/", "**/x*/y", "a/**", "a/**/c", "**/a/**", "a\\*b", "[ab]/c",
		"**/Godeps/_workspace", "/**/b",
	};
	static const char *const paths[] = {
		"Dockerfile", "vendor/Dockerfile", "x/vendor/Dockerfile", "x/Vendor/y/Dockerfile",
		"a/b/Dockerfile", "x/a/b/Dockerfile", "a/x/c/Dockerfile", "a/x/c/d/e/Dockerfile",
		"x/y/b/c/Dockerfile", "b/c/Dockerfile", "q/xz/y/Dockerfile", "a*b/Dockerfile",
		"a/b/c/a/b/c/a/b/Dockerfile", "x/Godeps/_workspace/src/Dockerfile", "Godeps/Dockerfile",
		"vendored/Dockerfile", "v/Dockerfile", "b/Dockerfile", "x/b/Dockerfile",
	};
	char err[256];
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		hr_policy p;
		ck_assert_int_eq(hr_policy_init(&p), 0);
		ck_assert_int_eq(hr_policy_set(&p, "hook-run", "paths", "**", err, sizeof(err)), 0);
		ck_assert_int_eq(hr_policy_set(&p, "hook-run", "exclude", patterns[i], err, sizeof(err)), 0);
		for (size_t j = 0; j < sizeof(paths) / sizeof(paths[0]); j++) {
			bool got = !hr_policy_path_candidate(&p, paths[j]);
			bool want = ref_excluded(patterns[i], paths[j]);
			ck_assert_msg(got == want, "exclude = %s, %s: %s, expected %s", patterns[i], paths[j],
				got ? "excluded" : "kept", want ? "excluded" : "kept");
		}
		hr_policy_free(&p);
	}
}
END_TEST

START_TEST(default_lists_opt_back_in)
{
	hr_policy p;
	char err[256];
	hr_policy_init(&p);
	ck_assert_int_eq(hr_policy_set(&p, "hook-run", "exclude-suffixes", "", err, sizeof(err)), 0);
	ck_assert(hr_policy_matches_path(&p, "Dockerfile.template"));
	ck_assert_int_eq(hr_policy_set(&p, "hook-run", "exclude-suffixes", ".j2", err, sizeof(err)), 0);
	ck_assert(hr_policy_matches_path(&p, "Dockerfile.template"));
	ck_assert(!hr_policy_matches_path(&p, "Dockerfile.J2"));
	ck_assert_int_eq(hr_policy_set(&p, "hook-run", "vendored", "", err, sizeof(err)), 0);
	ck_assert(hr_policy_matches_path(&p, "vendor/Dockerfile"));
	ck_assert_int_eq(hr_policy_append(&p, "hook-run", "vendored", "deps", err, sizeof(err)), 0);
	ck_assert(!hr_policy_matches_path(&p, "deps/x/Dockerfile"));
	ck_assert(hr_policy_matches_path(&p, "third_party/Dockerfile"));
	/* a candidate is what `paths` and `exclude` say, before the lists */
	ck_assert(hr_policy_path_candidate(&p, "deps/x/Dockerfile"));
	ck_assert_int_eq(hr_policy_set(&p, "hook-run", "exclude", "deps", err, sizeof(err)), 0);
	ck_assert(!hr_policy_path_candidate(&p, "deps/x/Dockerfile"));
	/* and an explicit exclude beats a forced inclusion: it is never a candidate */
	hr_policy_free(&p);
}
END_TEST

/*
 * The quick rejection on the first and last characters changes no answer:
 * each pattern, alone, makes a candidate of what wildmatch itself matches
 * on the file name (no '/' in the pattern) or on the whole path.
 */
static const char *const quick_patterns[] = {
	"Dockerfile", "Dockerfile.*", "*.Dockerfile", "?ockerfil?", "[CD]ontainerfile", "\\*x",
	"x\\*", "a]", "[a]", "/top/Dockerfile", "sub/*.df", "**/Dockerfile", "docker/**", "*", "x",
};
static const char *const quick_paths[] = {
	"Dockerfile", "a/Dockerfile", "Dockerfile.dev", "api.Dockerfile", "Containerfile", "*x", "a/*x",
	"x*", "xa", "a]", "a", "top/Dockerfile", "x/top/Dockerfile", "sub/a.df", "a/sub/a.df",
	"docker/a/b", "x", "file00001.txt", "Dockerfile.dockerignore",
};

START_TEST(quick_rejection_changes_nothing)
{
	const char *pattern = quick_patterns[_i];
	for (size_t k = 0; k < sizeof(quick_paths) / sizeof(quick_paths[0]); k++) {
		const char *path = quick_paths[k], *base = strrchr(path, '/');
		bool expect;
		if (pattern[0] == '/')
			expect = hr_wildmatch(pattern + 1, path);
		else if (strchr(pattern, '/'))
			expect = hr_wildmatch(pattern, path);
		else
			expect = hr_wildmatch(pattern, base ? base + 1 : path);
		size_t n = strlen(path);
		if (n >= 13 && !strcmp(path + n - 13, ".dockerignore"))
			expect = false;
		hr_policy p;
		char err[256];
		hr_policy_init(&p);
		ck_assert_int_eq(hr_policy_set(&p, "hook-run", "paths", pattern, err, sizeof(err)), 0);
		ck_assert_msg(hr_policy_path_candidate(&p, path) == expect, "pattern '%s', path '%s'", pattern, path);
		/* the name filter of tree walks never rejects a candidate */
		const char *name = base ? base + 1 : path;
		ck_assert_msg(!expect || hr_policy_name_candidate(&p, name, strlen(name)),
			"pattern '%s': the name of '%s' was rejected", pattern, path);
		/* and with a file-name pattern, it is the same answer */
		if (!strchr(pattern, '/'))
			ck_assert_msg(hr_policy_name_candidate(&p, name, strlen(name)) == expect,
				"pattern '%s', name '%s'", pattern, name);
		/* appended to the defaults: every pattern counts */
		ck_assert_int_eq(hr_policy_set(&p, "hook-run", "paths", "Dockerfile", err, sizeof(err)), 0);
		ck_assert_int_eq(hr_policy_append(&p, "hook-run", "paths", pattern, err, sizeof(err)), 0);
		if (hr_policy_path_candidate(&p, path))
			ck_assert_msg(hr_policy_name_candidate(&p, name, strlen(name)),
				"Dockerfile + '%s': the name of '%s' was rejected", pattern, path);
		hr_policy_free(&p);
	}
}
END_TEST

static const struct { const char *section, *key, *value; int rc; const char *msg; } settings[] = {
	{ "hook-run", "gitattributes", "include-only", 0, NULL },
	{ "hook-run", "gitattributes", "honor", HR_EINVALID, "gitattributes: 'honor' is not one of honour, include-only, ignore" },
	{ "hook-run", "exclude-suffixes", "", 0, NULL },
	{ "hook-run", "vendored", "", 0, NULL },
	{ "hook-run", "action", "fix", 0, NULL },
	{ "hook-run", "action", "Fix", HR_EINVALID, "action: 'Fix' is not one of reject, fix" },
	{ "hook-run", "fix-mode", "all", 0, NULL },
	{ "hook-run", "add", "link", 0, NULL },
	{ "hook-run", "inline-suppressions", "require-reason", 0, NULL },
	{ "hook-run", "fail-on", "warning", 0, NULL },
	{ "hook-run", "fail-on", "off", HR_EINVALID, "fail-on" },
	{ "hook-run", "min-version", "1.7", 0, NULL },
	{ "hook-run", "min-version", "2", 0, NULL },
	{ "hook-run", "min-version", "1.x", HR_EINVALID, "min-version" },
	{ "hook-run", "max-size", "512k", 0, NULL },
	{ "hook-run", "max-size", "lots", HR_EINVALID, "max-size" },
	{ "hook-run", "syntax", "docker/dockerfile:1.7", 0, NULL },
	{ "hook-run", "syntax", "two words", HR_EINVALID, "syntax" },
	{ "hook-run", "paths", "", HR_EINVALID, "paths: needs at least one pattern" },
	{ "hook-run", "nope", "1", HR_ENOTFOUND, "unknown key 'nope' in [hook-run]" },
	{ "rules", "copylinkmissing", "warning", 0, NULL },
	{ "rules", "CopyLinkMissing", "loud", HR_EINVALID, "is not one of error, warning, info, off" },
	{ "rules", "NoSuchRule", "off", HR_ENOTFOUND, "unknown rule 'NoSuchRule'" },
	{ "pre-receive", "scope", "tips", 0, NULL },
	{ "pre-receive", "timeout", "2.5", 0, NULL },
	{ "pre-receive", "timeout", "2.5s", 0, NULL },
	{ "pre-receive", "timeout", "-1", HR_EINVALID, "timeout" },
	{ "pre-receive", "on-timeout", "allow", 0, NULL },
	{ "pre-receive", "push-option-skip", "on", 0, NULL },
	{ "pre-receive", "push-option-skip", "maybe", HR_EINVALID, "push-option-skip" },
	{ "nosuch", "x", "y", HR_ENOTFOUND, "unknown section [nosuch]" },
};

START_TEST(setting_table)
{
	hr_policy p;
	char err[256] = "";
	hr_policy_init(&p);
	int rc = hr_policy_set(&p, settings[_i].section, settings[_i].key, settings[_i].value, err, sizeof(err));
	ck_assert_msg(rc == settings[_i].rc, "%s.%s=%s: rc %d (%s)", settings[_i].section, settings[_i].key,
		settings[_i].value, rc, err);
	if (settings[_i].msg)
		ck_assert_msg(strstr(err, settings[_i].msg), "message '%s' lacks '%s'", err, settings[_i].msg);
	hr_policy_free(&p);
}
END_TEST

START_TEST(values_land)
{
	hr_policy p, q;
	char err[256];
	hr_policy_init(&p);
	ck_assert_int_eq(p.timeout_ms, 4000);
	hr_policy_set(&p, "pre-receive", "timeout", "2.5", err, sizeof(err));
	ck_assert_int_eq(p.timeout_ms, 2500);
	hr_policy_set(&p, "hook-run", "max-size", "2M", err, sizeof(err));
	ck_assert_uint_eq(p.max_size, 2 * 1024 * 1024);
	hr_policy_set(&p, "rules", "CopyLinkMissing", "off", err, sizeof(err));
	ck_assert_int_eq(p.severity[HR_RULE_COPY_LINK_MISSING], HR_SEVERITY_OFF);
	ck_assert_int_eq(hr_policy_copy(&q, &p), 0);
	hr_policy_free(&p);
	ck_assert_uint_eq(q.max_size, 2 * 1024 * 1024);
	ck_assert_str_eq(q.paths[0], "Dockerfile");
	ck_assert_str_eq(q.exclude_suffixes[0], ".patch");
	ck_assert_str_eq(q.vendored[0], "[Vv]endor");
	hr_policy_free(&q);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");
	tcase_add_loop_test(tc, wildmatch_table, 0, (int)(sizeof(wild) / sizeof(wild[0])));
	tcase_add_loop_test(tc, default_paths, 0, (int)(sizeof(defaults) / sizeof(defaults[0])));
	tcase_add_test(tc, excludes);
	tcase_add_loop_test(tc, attribute_table, 0, (int)(sizeof(attributed) / sizeof(attributed[0])));
	tcase_add_test(tc, default_lists_opt_back_in);
	tcase_add_test(tc, exclude_shapes_agree);
	tcase_add_loop_test(tc, quick_rejection_changes_nothing, 0,
		(int)(sizeof(quick_patterns) / sizeof(quick_patterns[0])));
	tcase_add_loop_test(tc, setting_table, 0, (int)(sizeof(settings) / sizeof(settings[0])));
	tcase_add_test(tc, values_land);
	suite_add_tcase(s, tc);
	return s;
}
