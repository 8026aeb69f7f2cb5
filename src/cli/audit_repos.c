/* SPDX-License-Identifier: MIT */
/*
 * audit_repos.c - `hook-run audit --repos ROOT`: the fleet audit, the
 * administrator's answer to "which of our repositories comply?".
 *
 * Every git repository under ROOT (bare `*.git` directories and working
 * trees with a `.git`, found by a walk that does not descend into a
 * repository once found) has its default branch judged (HEAD's tree), or,
 * with --all-refs, the tree of every branch and tag, with the server's
 * policy (--config, $HOOK_RUN_CONFIG, else the defaults: never a file from
 * the repositories themselves).
 *
 * In two passes, through the engine's judge and the verdict cache:
 *  1. --jobs worker processes share the repositories and judge them into
 *     the cache ([serve] cache of the configuration, else a temporary one
 *     removed afterwards); nothing is printed;
 *  2. this process reports them in order, in any --format, one group per
 *     repository and ref: every clean blob is now a cache hit, and only
 *     files with findings are read and checked again.
 * So the work runs in parallel while the report is one ordered document,
 * exactly the one a single process would print.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit_repos.h"
#include "gitcmd.h"
#include "cli.h"
#include "progress.h"
#include "serve.h"
#include "hook-run/config.h"
#include "hook-run/fileio.h"

/* ---- finding the repositories -------------------------------------- */

static bool is_file(const char *dir, const char *name, bool want_dir)
{
	char path[PATH_MAX];
	struct stat st;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return false;
	return stat(path, &st) == 0 && (want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

static bool is_bare_repo(const char *dir)
{
	return is_file(dir, "HEAD", false) && is_file(dir, "objects", true) && is_file(dir, "refs", true);
}

static int find_repos(hr_pathlist *out, const char *dir, int depth)
{
	if (is_bare_repo(dir) || is_file(dir, ".git", true) || is_file(dir, ".git", false))
		return hr_pathlist_add(out, dir);
	if (depth > 16)
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0; /* unreadable: not ours to judge */
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char path[PATH_MAX];
		struct stat st;
		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path))
			continue;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			rc = find_repos(out, path, depth + 1);
	}
	closedir(d);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- judging one repository ------------------------------------------ */

typedef struct ref_list {
	char **names;
	hr_oid *ids;
	size_t n;
} ref_list;

static void ref_list_free(ref_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	free(l->ids);
	memset(l, 0, sizeof(*l));
}

/* the refs to judge: HEAD (as its branch name), or every branch and tag */
static int list_refs(ref_list *out, hr_repo *repo, bool all_refs, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!all_refs) {
		hr_oid id;
		bool is_commit;
		int rc = hr_repo_resolve(&id, &is_commit, repo, "HEAD", err, errlen);
		if (rc == HR_ENOTFOUND)
			return 0; /* an empty repository: nothing to judge */
		if (rc < 0)
			return rc;
		out->names = malloc(sizeof(char *));
		out->ids = malloc(sizeof(hr_oid));
		if (!out->names || !out->ids || !(out->names[0] = strdup("HEAD")))
			return HR_ENOMEM;
		out->ids[0] = id;
		out->n = 1;
		return 0;
	}
	return hr_repo_refs(&out->names, &out->ids, &out->n, repo, err, errlen);
}

typedef struct fleet {
	hr_cli_common *common;
	hr_cache *cache;
	hr_reporter *reporter;      /* NULL: judge into the cache only */
	hr_report_summary *summary;
	size_t bad_repos;
	bool error;
	hr_pathlist labels;         /* "REPO REF" of each group: the reporters keep pointers */
	hr_progress *progress;      /* the line erased before anything is printed, or NULL */
} fleet;

typedef struct watched {
	hr_judge *judge;
	hr_progress *progress;
} watched;

/* the judge, after erasing the progress line: a finding or an error may follow */
static int judge_watched(const hr_change *change, void *payload)
{
	watched *w = payload;
	if (w->progress && change->seen != 1)
		hr_progress_clear(w->progress);
	return hr_judge_change(change, w->judge);
}

static int judge_repo(fleet *f, const char *path, const char *name, bool all_refs)
{
	hr_repo *repo = NULL;
	hr_env env = { .vars = (char *const[]){ NULL }, .cwd = NULL };
	ref_list refs;
	char err[1024] = "", buf[PATH_MAX + 300];
	int rc = hr_repo_open_env(&repo, &env, path, err, sizeof(err));
	if (rc < 0) {
		if (f->reporter) {
			if (f->progress)
				hr_progress_clear(f->progress);
			hr_cli_error("%s: %s", name, err);
		}
		return rc;
	}
	if ((rc = list_refs(&refs, repo, all_refs, err, sizeof(err))) < 0) {
		if (f->reporter) {
			if (f->progress)
				hr_progress_clear(f->progress);
			hr_cli_error("%s: %s", name, err);
		}
		hr_repo_free(repo);
		return rc;
	}
	size_t failing_before = f->summary->failing;
	for (size_t i = 0; i < refs.n && rc == 0; i++) {
		snprintf(buf, sizeof(buf), "%s %s", name, refs.names[i]);
		if (hr_pathlist_add(&f->labels, buf) < 0) {
			rc = HR_ENOMEM;
			break;
		}
		char *label = f->labels.items[f->labels.len - 1];
		hr_ref_update update = { .new_oid = refs.ids[i], .ref = label };
		hr_report_summary scratch = { 0 };
		hr_judge judge = {
			.repo = repo,
			.policy = &f->common->policy,
			.baseline = f->common->baseline,
			.reporter = f->reporter,
			.summary = f->reporter ? f->summary : &scratch,
			.errout = stderr,
			.updates = &update,
			.context_tree = &refs.ids[i],
			.cache = f->cache,
		};
		/* without a reporter (the first pass) nothing prints: the cache fills */
		watched w = { &judge, f->progress };
		rc = hr_tree_foreach(repo, &refs.ids[i], &f->common->policy, judge_watched, &w, err,
			sizeof(err));
		if (rc < 0 && f->reporter && !judge.error) {
			if (f->progress)
				hr_progress_clear(f->progress);
			hr_cli_error("%s: %s", label, err);
		}
		if (judge.error)
			f->error = true;
		hr_judge_free(&judge);
	}
	if (f->reporter && f->summary->failing > failing_before)
		f->bad_repos++;
	ref_list_free(&refs);
	hr_repo_free(repo);
	return rc;
}

/* how a repository is named in the report: its path below ROOT */
static const char *display(const char *path, size_t rootlen)
{
	if (strlen(path) <= rootlen)
		return ".";
	return path + rootlen + (path[rootlen] == '/' ? 1 : 0);
}

/* ---- the two passes ---------------------------------------------------- */

static int open_cache(hr_cache **out, const char *path, size_t size, const hr_cli_common *c)
{
	hr_oid build, scope;
	char err[512];
	/* the scope: this build and the policy as loaded (file, then flags) */
	char *bytes = NULL;
	size_t len = 0;
	if (c->config_used && hr_file_read(&bytes, &len, c->config_used, 1 << 20, err, sizeof(err)) < 0)
		bytes = NULL, len = 0;
	for (size_t i = 0; i < c->noverrides; i++) {
		const hr_cli_override *o = &c->overrides[i];
		size_t add = strlen(o->section) + strlen(o->key) + strlen(o->value) + 3;
		char *grown = realloc(bytes, len + add + 1);
		if (!grown)
			break;
		bytes = grown;
		len += (size_t)snprintf(bytes + len, add + 1, "%s.%s=%s\n", o->section, o->key, o->value);
	}
	int rc = hr_serve_build_id(&build);
	if (rc == 0)
		rc = hr_cache_scope(&scope, &build, bytes ? bytes : "", len);
	free(bytes);
	if (rc == 0)
		rc = hr_cache_open(out, path, size, &scope, err, sizeof(err));
	if (rc < 0)
		hr_cli_error("audit --repos: %s (judging without a cache)", rc == HR_EIO ? err : hr_error_str(rc));
	return rc;
}

int hr_cli_audit_repos(hr_cli_common *common, const char *root, unsigned jobs, bool all_refs)
{
	hr_pathlist repos = { 0 };
	hr_reporter *reporter = NULL;
	hr_serve_config serve;
	hr_cache *cache = NULL;
	char tmpdir[] = "/tmp/hook-run-audit.XXXXXX", cache_path[PATH_MAX] = "";
	bool own_cache = false, parallel = false;
	hr_progress progress = { 0 };
	int rc;

	hr_serve_config_init(&serve);
	if ((rc = hr_cli_policy_layered(common, NULL, NULL, 0, NULL)) != 0)
		goto out;
	if (common->config_used) {
		hr_policy scratch;
		char err[1024];
		hr_policy_init(&scratch);
		hr_config_load_file_serve(&scratch, &serve, common->config_used, NULL, NULL, err, sizeof(err));
		hr_policy_free(&scratch);
	}
	char *real = realpath(root, NULL);
	if (!real) {
		hr_cli_error("audit --repos: '%s': %s", root, strerror(errno));
		rc = HR_EXIT_USAGE;
		goto out;
	}
	size_t rootlen = strlen(real);
	rc = find_repos(&repos, real, 0);
	free(real);
	if (rc < 0) {
		hr_cli_error("out of memory");
		rc = HR_EXIT_ERROR;
		goto out;
	}
	if (repos.len > 1)
		qsort(repos.items, repos.len, sizeof(char *), cmp_str);

	/* the judging is the long part: pass 1 when it runs, else pass 2 */
	hr_progress_start(&progress, "audit --repos", "repositories");
	if (serve.cache) {
		snprintf(cache_path, sizeof(cache_path), "%s", serve.cache);
	} else if (mkdtemp(tmpdir)) {
		snprintf(cache_path, sizeof(cache_path), "%s/verdicts.mdb", tmpdir);
		own_cache = true;
	}

	/* pass 1: the repositories shared among `jobs` processes, into the cache */
	if (cache_path[0] && jobs > 1 && repos.len > 1) {
		/* made once here, so that no two workers make it at once */
		if (open_cache(&cache, cache_path, serve.cache_size, common) == 0) {
			hr_cache_close(cache);
			cache = NULL;
			pid_t pids[256];
			unsigned n = jobs > 256 ? 256 : jobs;
			/* with a progress line, each worker writes a byte per repository judged */
			int done_pipe[2] = { -1, -1 };
			if (progress.on && pipe(done_pipe) != 0)
				done_pipe[0] = done_pipe[1] = -1;
			fflush(NULL);
			for (unsigned j = 0; j < n; j++) {
				pids[j] = fork();
				if (pids[j] == 0) {
					hr_report_summary s = { 0 };
					fleet f = { .common = common, .summary = &s };
					if (done_pipe[0] >= 0)
						close(done_pipe[0]);
					open_cache(&f.cache, cache_path, serve.cache_size, common);
					for (size_t i = j; i < repos.len; i += n) {
						judge_repo(&f, repos.items[i], display(repos.items[i], rootlen), all_refs);
						if (done_pipe[1] >= 0 && write(done_pipe[1], "", 1) < 0)
							done_pipe[1] = -1;
					}
					hr_cache_close(f.cache);
					hr_pathlist_free(&f.labels);
					_exit(0);
				}
			}
			if (done_pipe[0] >= 0) {
				char buf[64];
				ssize_t got;
				size_t judged = 0;
				close(done_pipe[1]);
				hr_progress_update(&progress, 0, repos.len);
				while ((got = read(done_pipe[0], buf, sizeof(buf))) != 0) {
					if (got < 0 && errno == EINTR)
						continue;
					if (got < 0)
						break;
					judged += (size_t)got;
					hr_progress_update(&progress, judged, repos.len);
				}
				close(done_pipe[0]);
				parallel = true;
			}
			for (unsigned j = 0; j < n; j++)
				if (pids[j] > 0)
					waitpid(pids[j], NULL, 0);
		}
	}

	/* pass 2: the report, in order */
	if (cache_path[0])
		open_cache(&cache, cache_path, serve.cache_size, common);
	hr_report_opts ro;
	hr_cli_report_opts(common, &ro, stdout);
	ro.fix_command = "hook-run fix";
	if ((rc = hr_cli_reporter_new(&reporter, &ro)) != 0)
		goto out;
	hr_report_summary summary = { .what = "file" };
	fleet f = { .common = common, .cache = cache, .reporter = reporter, .summary = &summary };
	size_t failed = 0;
	if (parallel)
		hr_progress_stop(&progress);
	f.progress = &progress;
	for (size_t i = 0; i < repos.len; i++) {
		hr_progress_update(&progress, i, repos.len);
		if (judge_repo(&f, repos.items[i], display(repos.items[i], rootlen), all_refs) < 0)
			failed++;
	}
	hr_progress_stop(&progress);
	summary.elapsed = hr_cli_elapsed();
	char note[256];
	snprintf(note, sizeof(note), "%zu of %zu repositor%s comply%s", repos.len - f.bad_repos - failed, repos.len,
		repos.len == 1 ? "y" : "ies", failed ? " (some could not be read: see above)" : "");
	summary.note = note;
	if (hr_reporter_finish(reporter, &summary) < 0)
		f.error = true;
	rc = f.error || failed ? HR_EXIT_ERROR : summary.failing ? HR_EXIT_FINDINGS : HR_EXIT_OK;
	hr_reporter_free(reporter);
	reporter = NULL;
	hr_pathlist_free(&f.labels);
out:
	hr_reporter_free(reporter);
	hr_cache_close(cache);
	if (own_cache) {
		char lock[PATH_MAX + 8];
		snprintf(lock, sizeof(lock), "%s-lock", cache_path);
		unlink(cache_path);
		unlink(lock);
		rmdir(tmpdir);
	}
	hr_pathlist_free(&repos);
	hr_serve_config_free(&serve);
	return rc;
}
