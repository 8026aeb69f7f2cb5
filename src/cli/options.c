/* SPDX-License-Identifier: MIT */
/*
 * options.c - shared options, configuration discovery and the directory
 * walk (see options.h).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "hook-run/git.h"
#include "options.h"
#include "hook-run/engine.h"
#include "hook-run/config.h"

const char hr_common_options_help[] =
	"  --config FILE        read FILE instead of .hook-run.ini ($HOOK_RUN_CONFIG too)\n"
	"  --no-config          ignore configuration files: defaults and flags only\n"
	"  --fix-mode safe|all  which fixes apply (default safe)\n"
	"  --action reject|fix  pre-commit: reject, or fix the staged blob\n"
	"  --severity RULE=LEVEL  error, warning, info or off for one rule\n"
	"  --set SECTION.KEY=VALUE  any configuration key (hook-run.paths=..., hook-run.vendored=)\n"
	"  --format FORMAT      text, json, sarif, junit, gitlab or github\n"
	"  --color, --no-color  force colour on or off (default: on a terminal, not with NO_COLOR)\n"
	"  --max-size SIZE      do not judge larger files (default 4M)\n"
	"  --baseline FILE      hide the findings FILE (an earlier --format json output) records\n"
	"  --doc-urls           text: each finding's rule documentation URL\n"
	"  -q, --quiet          print findings only\n";

void hr_cli_common_init(hr_cli_common *c)
{
	memset(c, 0, sizeof(*c));
	c->format = HR_FORMAT_TEXT;
}

void hr_cli_common_free(hr_cli_common *c)
{
	hr_policy_free(&c->policy);
	for (size_t i = 0; i < c->noverrides; i++) {
		free(c->overrides[i].owned[0]);
		free(c->overrides[i].owned[1]);
	}
	c->noverrides = 0;
	hr_baseline_free(c->baseline);
	c->baseline = NULL;
}

static int add_override(hr_cli_common *c, const char *section, const char *key, const char *value,
	const char *flag)
{
	if (c->noverrides == HR_MAX_OVERRIDES) {
		hr_cli_error("too many configuration options on the command line");
		return -HR_EXIT_USAGE;
	}
	hr_cli_override *o = &c->overrides[c->noverrides++];
	o->section = section;
	o->key = key;
	o->value = value;
	o->flag = flag;
	o->owned[0] = o->owned[1] = NULL;
	return 1;
}

int hr_cli_common_option(hr_cli_common *c, int opt, const char *arg)
{
	switch (opt) {
	case HR_OPT_CONFIG:
		c->config_path = arg;
		return 1;
	case HR_OPT_NO_CONFIG:
		c->no_config = true;
		return 1;
	case HR_OPT_FIX_MODE:
		return add_override(c, "hook-run", "fix-mode", arg, "--fix-mode");
	case HR_OPT_ACTION:
		return add_override(c, "hook-run", "action", arg, "--action");
	case HR_OPT_MAX_SIZE:
		return add_override(c, "hook-run", "max-size", arg, "--max-size");
	case HR_OPT_SEVERITY: {
		const char *eq = strchr(arg, '=');
		if (!eq || eq == arg) {
			hr_cli_error("--severity: expected RULE=LEVEL, got '%s'", arg);
			return -HR_EXIT_USAGE;
		}
		char *key = strndup(arg, (size_t)(eq - arg));
		if (!key) {
			hr_cli_error("out of memory");
			return -HR_EXIT_ERROR;
		}
		int r = add_override(c, "rules", key, eq + 1, "--severity");
		if (r < 0)
			free(key);
		else
			c->overrides[c->noverrides - 1].owned[0] = key;
		return r;
	}
	case HR_OPT_SET: {
		const char *dot = strchr(arg, '.'), *eq = strchr(arg, '=');
		if (!dot || !eq || dot > eq) {
			hr_cli_error("--set: expected SECTION.KEY=VALUE, got '%s'", arg);
			return -HR_EXIT_USAGE;
		}
		char *section = strndup(arg, (size_t)(dot - arg));
		char *key = strndup(dot + 1, (size_t)(eq - dot - 1));
		int r = section && key ? add_override(c, section, key, eq + 1, "--set") : -HR_EXIT_ERROR;
		if (!section || !key)
			hr_cli_error("out of memory");
		if (r < 0) {
			free(section);
			free(key);
		} else {
			c->overrides[c->noverrides - 1].owned[0] = section;
			c->overrides[c->noverrides - 1].owned[1] = key;
		}
		return r;
	}
	case HR_OPT_FORMAT:
		if (!hr_format_parse(arg, &c->format)) {
			hr_cli_error("--format: '%s' is not one of text, json, sarif, junit, gitlab, github", arg);
			return -HR_EXIT_USAGE;
		}
		return 1;
	case HR_OPT_DOC_URLS:
		c->doc_urls = true;
		return 1;
	case HR_OPT_NO_COLOR:
		c->color_flag_set = true;
		c->color = false;
		return 1;
	case HR_OPT_COLOR:
		c->color_flag_set = true;
		c->color = true;
		return 1;
	case 'q':
		c->quiet = true;
		return 1;
	case HR_OPT_BASELINE: {
		char err[1024];
		hr_baseline_free(c->baseline);
		c->baseline = NULL;
		int rc = hr_baseline_load_file(&c->baseline, arg, err, sizeof(err));
		if (rc == HR_ENOMEM) {
			hr_cli_error("out of memory");
			return -HR_EXIT_ERROR;
		}
		if (rc < 0) {
			hr_cli_error("--baseline: %s", err);
			return -HR_EXIT_USAGE;
		}
		return 1;
	}
	}
	return 0;
}

/* The directory holding .git, walking up from `start`; NULL if none. */
static char *repo_root(const char *start)
{
	char *dir = realpath(start, NULL);
	if (!dir)
		return NULL;
	struct stat st;
	for (;;) {
		size_t n = strlen(dir);
		char *probe = malloc(n + 6);
		if (!probe)
			break;
		memcpy(probe, dir, n);
		memcpy(probe + n, n > 1 ? "/.git" : ".git", n > 1 ? 6 : 5);
		bool found = stat(probe, &st) == 0;
		free(probe);
		if (found)
			return dir;
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = '\0';
	}
	free(dir);
	return NULL;
}

int hr_cli_apply_overrides(hr_cli_common *c)
{
	for (size_t i = 0; i < c->noverrides; i++) {
		const hr_cli_override *o = &c->overrides[i];
		char err[512];
		int rc = hr_policy_set(&c->policy, o->section, o->key, o->value, err, sizeof(err));
		if (rc == HR_ENOMEM) {
			hr_cli_error("out of memory");
			return HR_EXIT_ERROR;
		}
		if (rc != 0) {
			hr_cli_error("%s: %s", o->flag, err);
			return HR_EXIT_USAGE;
		}
	}
	return 0;
}

int hr_cli_load_policy(hr_cli_common *c, const char *start_dir)
{
	char err[1024];
	const char *path = NULL;
	char *found = NULL;
	bool must_exist = true;

	if (hr_policy_init(&c->policy) < 0) {
		hr_cli_error("out of memory");
		return HR_EXIT_ERROR;
	}
	if (!c->no_config) {
		if (c->config_path) {
			path = c->config_path;
		} else if (getenv("HOOK_RUN_CONFIG") && *getenv("HOOK_RUN_CONFIG")) {
			path = getenv("HOOK_RUN_CONFIG");
		} else {
			char *root = repo_root(start_dir ? start_dir : ".");
			if (root) {
				size_t n = strlen(root);
				found = malloc(n + sizeof(HR_CONFIG_FILE_NAME) + 2);
				if (found) {
					memcpy(found, root, n);
					found[n] = '/';
					memcpy(found + n + 1, HR_CONFIG_FILE_NAME, sizeof(HR_CONFIG_FILE_NAME));
					path = found;
					must_exist = false;
				}
				free(root);
			}
		}
	}
	if (path) {
		int rc = hr_config_load_file(&c->policy, path, err, sizeof(err));
		if (rc == HR_ENOTFOUND && !must_exist) {
			/* no file at the root: defaults */
		} else if (rc < 0) {
			hr_cli_error("%s", err);
			free(found);
			/* an unreadable file is the user's to fix (exit 2, as documented);
			   running out of memory is not */
			return rc == HR_ENOMEM ? HR_EXIT_ERROR : HR_EXIT_USAGE;
		} else {
			c->config_used = c->config_path ? c->config_path : path == found ? HR_CONFIG_FILE_NAME : path;
		}
	}
	int orc = hr_cli_apply_overrides(c);
	if (orc == 0 && !c->baseline && c->policy.baseline) {
		/* `baseline = FILE`: relative to the folder of the file that set it */
		const char *b = c->policy.baseline;
		char *full = NULL;
		if (b[0] != '/' && path && strrchr(path, '/')) {
			const char *slash = strrchr(path, '/');
			size_t dl = (size_t)(slash - path);
			full = malloc(dl + strlen(b) + 2);
			if (full)
				snprintf(full, dl + strlen(b) + 2, "%.*s/%s", (int)dl, path, b);
		}
		const char *where = c->config_used ? c->config_used : "--set";
		if (access(full ? full : b, R_OK) != 0) {
			hr_cli_error("%s: baseline = %s: %s", where, b, strerror(errno));
			orc = HR_EXIT_USAGE;
		} else {
			int brc = hr_baseline_load_file(&c->baseline, full ? full : b, err, sizeof(err));
			if (brc < 0) {
				hr_cli_error("%s: baseline = %s: %s", where, b, err);
				orc = brc == HR_ENOMEM ? HR_EXIT_ERROR : HR_EXIT_USAGE;
			}
		}
		free(full);
	}
	free(found);
	return orc;
}

void hr_cli_report_opts(const hr_cli_common *c, hr_report_opts *opts, FILE *out)
{
	memset(opts, 0, sizeof(*opts));
	opts->format = c->format;
	opts->out = out;
	opts->quiet = c->quiet;
	opts->policy = &c->policy;
	/* the README as installed with this build (configure --with-docs-url);
	   HOOK_RUN_DOCS_URL points elsewhere (a published copy; the tests) */
	const char *docs = getenv("HOOK_RUN_DOCS_URL");
	opts->docs_url = docs && *docs ? docs : HR_DOCS_URL;
	opts->show_doc_urls = c->doc_urls;
	const char *fixed = getenv("HOOK_RUN_TEST_ELAPSED");
	if (fixed && *fixed) {
		opts->fixed_elapsed = true;
		opts->elapsed = strtod(fixed, NULL);
	}
	if (c->color_flag_set)
		opts->color = c->color;
	else
		opts->color = isatty(fileno(out)) && !(getenv("NO_COLOR") && *getenv("NO_COLOR")) &&
			      !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
}

int hr_cli_reporter_new(hr_reporter **out, const hr_report_opts *opts)
{
	int rc = hr_reporter_new(out, opts);
	if (rc == 0)
		return 0;
	if (rc == HR_ENOMEM) {
		hr_cli_error("out of memory");
		return HR_EXIT_ERROR;
	}
	hr_cli_error("the %s format is not available here", hr_format_name(opts->format));
	return HR_EXIT_USAGE;
}

int hr_cli_report_file(hr_cli_common *c, hr_reporter *r, const hr_report_item *item, bool print,
	hr_report_summary *summary)
{
	return hr_report_file(r, c->baseline, c->policy.fail_on, c->only_new, item, print, summary);
}

void hr_pathlist_free(hr_pathlist *l)
{
	for (size_t i = 0; i < l->len; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = l->cap = 0;
}

int hr_pathlist_add(hr_pathlist *l, const char *path)
{
	if (l->len == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **items = realloc(l->items, cap * sizeof(char *));
		if (!items)
			return -1;
		l->items = items;
		l->cap = cap;
	}
	l->items[l->len] = strdup(path);
	if (!l->items[l->len])
		return -1;
	l->len++;
	return 0;
}

/* what a directory search needs besides the policy */
typedef struct find_ctx {
	hr_pathlist *out;
	const hr_policy *policy;
	hr_repo *repo;        /* the repository around the directory, for .gitattributes; or NULL */
	char prefix[PATH_MAX]; /* the directory relative to its working tree ("" or "sub/") */
} find_ctx;

/*
 * Is `relpath` (relative to the searched directory) a Dockerfile to judge?
 * In a working tree the patterns, lists and attributes see the path from
 * its top, as the git commands do; elsewhere, from the searched directory.
 */
static int matches(find_ctx *f, const char *relpath, bool *out)
{
	hr_path_attrs attrs;
	char path[PATH_MAX], err[1024];
	const char *p = relpath;

	*out = false;
	if (f->repo) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s", f->prefix, relpath) >= sizeof(path)) {
			hr_cli_error("cannot search '%s%.100s...': path too long", f->prefix, relpath);
			return HR_EXIT_ERROR;
		}
		p = path;
	}
	if (!hr_policy_path_candidate(f->policy, p))
		return 0;
	if (!f->repo || f->policy->gitattributes == HR_GITATTR_IGNORE) {
		*out = hr_policy_path_selected(f->policy, p, NULL);
		return 0;
	}
	if (hr_repo_worktree_attrs(&attrs, f->repo, p, err, sizeof(err)) < 0) {
		hr_cli_error("%s", err);
		return HR_EXIT_ERROR;
	}
	*out = hr_policy_path_selected(f->policy, p, &attrs);
	return 0;
}

/*
 * walk `base/rel` recursively; rel is "" at the top. What cannot be
 * searched (an unreadable directory, a path too long, more than 256
 * levels) is an error, never a silent skip: a Dockerfile there would go
 * unchecked and the run pass. Links are listed, never followed (see
 * cmd_check.c).
 */
#define MAX_WALK_DEPTH 256

static int walk(find_ctx *f, const char *base, const char *rel, int depth)
{
	char dirpath[PATH_MAX];
	if ((size_t)snprintf(dirpath, sizeof(dirpath), "%s%s%s", base, *rel ? "/" : "", rel) >= sizeof(dirpath)) {
		hr_cli_error("cannot search '%s/%.100s...': path too long", base, rel);
		return HR_EXIT_ERROR;
	}
	if (depth > MAX_WALK_DEPTH) {
		hr_cli_error("cannot search '%.200s...': nested deeper than %d levels", dirpath, MAX_WALK_DEPTH);
		return HR_EXIT_ERROR;
	}
	DIR *d = opendir(dirpath);
	if (!d) {
		hr_cli_error("cannot read directory '%s': %s", dirpath, strerror(errno));
		return HR_EXIT_ERROR;
	}
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d)) != NULL && rc == 0) {
		const char *name = e->d_name;
		if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, ".git"))
			continue;
		char *relpath = NULL, *full = NULL;
		if (asprintf(&relpath, "%s%s%s", rel, *rel ? "/" : "", name) < 0 ||
		    asprintf(&full, "%s/%s", base, relpath) < 0) {
			free(relpath);
			hr_cli_error("out of memory");
			rc = HR_EXIT_ERROR;
			break;
		}
		struct stat st;
		if (lstat(full, &st) != 0) {
			free(relpath);
			free(full);
			continue; /* gone since readdir() */
		}
		if (S_ISDIR(st.st_mode)) {
			rc = walk(f, base, relpath, depth + 1);
			free(relpath);
			free(full);
			continue;
		}
		bool take = false;
		if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))
			rc = matches(f, relpath, &take);
		if (rc == 0 && take && hr_pathlist_add(f->out, !strcmp(base, ".") ? relpath : full) < 0) {
			hr_cli_error("out of memory");
			rc = HR_EXIT_ERROR;
		}
		free(relpath);
		free(full);
	}
	closedir(d);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The repository whose working tree holds `dir`, and where `dir` is in it:
 * paths are matched from the top of that tree, and its .gitattributes
 * count. Outside a working tree none are read.
 */
static void find_repo(find_ctx *f, const char *dir)
{
	char err[1024], *real = NULL, *top = NULL;

	if (hr_repo_open(&f->repo, dir, err, sizeof(err)) < 0)
		return;
	const char *workdir = hr_repo_workdir(f->repo);
	real = realpath(dir, NULL);
	top = workdir ? realpath(workdir, NULL) : NULL;
	size_t tl = top ? strlen(top) : 0;
	if (real && top && strncmp(real, top, tl) == 0 && (real[tl] == '\0' || real[tl] == '/') &&
	    (size_t)snprintf(f->prefix, sizeof(f->prefix), "%s%s", real[tl] ? real + tl + 1 : "",
		real[tl] ? "/" : "") < sizeof(f->prefix)) {
		free(real);
		free(top);
		return;
	}
	free(real);
	free(top);
	hr_repo_free(f->repo); /* GIT_DIR names a repository elsewhere */
	f->repo = NULL;
}

int hr_cli_find_dockerfiles(hr_pathlist *out, const char *dir, const hr_policy *policy)
{
	char base[PATH_MAX];
	size_t n = strlen(dir);
	if (n >= sizeof(base))
		return HR_EXIT_USAGE;
	memcpy(base, dir, n + 1);
	while (n > 1 && base[n - 1] == '/')
		base[--n] = '\0';
	find_ctx f = { .out = out, .policy = policy };
	find_repo(&f, base);
	size_t before = out->len;
	int rc = walk(&f, base, "", 0);
	hr_repo_free(f.repo);
	if (out->len > before) /* never qsort(NULL, 0, ...): UBSan calls it undefined */
		qsort(out->items + before, out->len - before, sizeof(char *), cmp_str);
	return rc;
}

double hr_cli_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* the one process-wide value of the CLI: when main() started */
static double process_start;

void hr_cli_mark_start(void)
{
	process_start = hr_cli_now();
}

double hr_cli_elapsed(void)
{
	return process_start > 0 ? hr_cli_now() - process_start : 0;
}

const char *hr_cli_client_bypass(bool honour_skip)
{
	const char *v = getenv("HOOK_RUN");
	if (v && (!strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off")))
		return "bypassed by HOOK_RUN=0: nothing was checked";
	const char *skip = honour_skip ? getenv("SKIP") : NULL;
	if (skip) {
		/* pre-commit's SKIP: hook ids separated by commas (blanks allowed) */
		const char *p = skip;
		while (*p) {
			while (*p == ',' || *p == ' ' || *p == '\t')
				p++;
			const char *start = p;
			while (*p && *p != ',' && *p != ' ' && *p != '\t')
				p++;
			size_t n = (size_t)(p - start);
			if ((n == 8 && !strncmp(start, "hook-run", 8)) || (n == 12 && !strncmp(start, "hook-run-fix", 12)))
				return "bypassed by SKIP=hook-run: nothing was checked";
		}
	}
	return NULL;
}
