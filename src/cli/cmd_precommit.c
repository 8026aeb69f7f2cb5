/* SPDX-License-Identifier: MIT */
/*
 * cmd_precommit.c - `hook-run pre-commit` and `hook-run pre-merge-commit`:
 * the gate on what `git commit` is about to record.
 *
 * What is read: the index GIT_INDEX_FILE names (git's own choice for
 * plain commits, `-a`/`-i`, `git commit <paths>`, linked worktrees),
 * never the working file. hr_staged_foreach() hands out the matching
 * entries that differ from every parent of the coming commit; for
 * `--amend` that is HEAD's parents. git does not tell a hook it is
 * amending, so `--amend` is taken from the command line of the `git`
 * process that runs the hook (/proc), from HOOK_RUN_AMEND=1|0, or from
 * this command's own --amend / --no-amend.
 *
 * action = reject: report, exit 1 on findings.
 *
 * action = fix: in three steps, so a failure in the middle changes nothing.
 *  1. In memory: fix each staged blob, write the new blob, replace the
 *     index entry (mode kept, stat data zeroed). If the staged tree then
 *     equals the parent's, the staged changes were only what the fix
 *     undoes: say so, write nothing, reject (git would make an empty
 *     commit, or none).
 *  2. The working file gets the same fix without losing unstaged edits
 *     (below); one that cannot be written (ENOSPC, a read-only file
 *     system) stops the run here: the index is left as it was, exit 3.
 *  3. The index is written atomically (hr_staged_write: the new index
 *     complete in an unnamed file, linked as the lock, renamed; and git's
 *     index.lock too for `git commit <paths>`); nothing of hook-run's is
 *     left behind by any signal but SIGKILL in a two-call window.
 *  The working file, step 2:
 *       - it equals the staged blob: it gets the fixed bytes;
 *       - else the fixer runs on the working bytes themselves (CRLF from
 *         core.autocrlf, unstaged edits); its result is written only when
 *         it made exactly the same fixes (same rules on the same
 *         instructions) as the staged one;
 *       - else the fix is merged in (base: staged blob, ours: fixed blob,
 *         theirs: working file) and written when the merge is clean and
 *         the findings fixed in the index are gone from the result;
 *       - else the file is left as it was, and the report says so.
 *     The working file is never staged (`git add` would stage the user's
 *     unstaged edits). Each write is atomic and keeps the file's mode.
 * Every change is printed (a unified diff of the staged blob). Findings
 * that have no automatic fix still reject.
 *
 * pre-merge-commit never fixes: git ignores index changes made by that
 * hook, so it only checks (a merge result differs from both parents only
 * where the merge combined changes).
 *
 * Configuration: --config, $HOOK_RUN_CONFIG, else `.hook-run.ini` as
 * staged in the index (the snapshot being committed), else defaults.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gitcmd.h"
#include "hook-run/engine.h"
#include "hook-run/config.h"
#include "hook-run/diff.h"
#include "hook-run/fileio.h"

typedef struct staged_file {
	char *path;
	hr_oid blob;
	hr_blob content;       /* the staged content, held without a copy */
	const char *data;      /* = content.data: not NUL-terminated */
	size_t len;
	hr_result *res;        /* its findings */
	char *fixed;           /* the fixed content, when a fix applied */
	size_t fixed_len;
	size_t napplied;
	hr_result *after;      /* findings of the fixed content */
	char *diff;
	char worktree[2048];   /* what happened to the working file, for the report */
} staged_file;

typedef struct run_state {
	hr_cli_common common;
	hr_repo *repo;
	staged_file *files;
	size_t nfiles, cap;
	bool check_only;       /* pre-merge-commit */
	bool error;
} run_state;

static void usage(FILE *out, bool merge)
{
	if (merge)
		fputs("usage: hook-run pre-merge-commit [options]\n\n"
		      "The pre-merge-commit hook: checks the staged Dockerfiles of a merge\n"
		      "that `git merge` is about to commit. Never fixes (git ignores index\n"
		      "changes made by this hook). Exit 0 clean, 1 findings.\n\n", out);
	else
		fputs("usage: hook-run pre-commit [options] [--amend|--no-amend]\n\n"
		      "The pre-commit hook: checks each staged Dockerfile that the commit adds\n"
		      "or changes (the index GIT_INDEX_FILE names, not the working file; its\n"
		      "staged .gitattributes decide which files count).\n"
		      "With action = fix, fixes the staged blobs, then the working files\n"
		      "without losing unstaged edits, and prints every change.\n"
		      "Exit 0 clean or all fixed, 1 findings, 2 configuration, 3 git error.\n\n"
		      "  --amend, --no-amend  the commit replaces HEAD (default: detected from the\n"
		      "                       git command running the hook, or $HOOK_RUN_AMEND)\n"
		      "  --check-only         never fix, whatever the action\n", out);
	fputs(hr_common_options_help, out);
}

/* ---- is this `git commit --amend`? ------------------------------------ */

/* Read /proc/PID/cmdline; NULL on failure. */
static char *read_cmdline(long pid, size_t *len)
{
	char path[64], err[256];
	char *data = NULL;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	if (hr_file_read(&data, len, path, 1 << 20, err, sizeof(err)) < 0)
		return NULL;
	return data;
}

static long parent_of(long pid)
{
	char path[64], err[256];
	char *data = NULL;
	size_t len;
	long ppid = -1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (hr_file_read(&data, &len, path, 1 << 16, err, sizeof(err)) < 0)
		return -1;
	/* "pid (comm) state ppid ...": comm may hold spaces and parentheses */
	char *close = strrchr(data, ')');
	if (close && close[1] == ' ' && close[2] && close[3] == ' ') {
		char *end;
		errno = 0;
		ppid = strtol(close + 4, &end, 10);
		if (errno || end == close + 4)
			ppid = -1;
	}
	free(data);
	return ppid;
}

/*
 * The nearest ancestor that is a git process decides: --amend among its
 * arguments (before a `--`) means the commit is amended. This relies on
 * how git runs the hook (a descendant of `git commit`, whose command line
 * /proc shows); test/git/git-assumptions.sh checks it with real git.
 * Under git (GIT_EXEC_PATH and GIT_INDEX_FILE set) an answer that cannot be
 * found, no /proc or no git ancestor, is an error naming the way out
 * (HOOK_RUN_AMEND=1|0), never a silent "not amending": that would judge
 * an amended commit against the wrong parent. Returns 1, 0, or -1.
 */
static int detect_amend(void)
{
	const char *env = getenv("HOOK_RUN_AMEND");
	if (env && *env)
		return strcmp(env, "0") != 0 && strcmp(env, "false") != 0 && strcmp(env, "no") != 0;
	/* git exports GIT_EXEC_PATH to all it runs, and GIT_INDEX_FILE to this hook */
	bool under_git = getenv("GIT_EXEC_PATH") && getenv("GIT_INDEX_FILE");
	if (under_git && access("/proc/self/cmdline", R_OK) != 0) {
		hr_cli_error("cannot tell whether this is `git commit --amend`: /proc is not available; "
			"set HOOK_RUN_AMEND=1 or HOOK_RUN_AMEND=0 for the hook");
		return -1;
	}
	long pid = (long)getppid();
	for (int depth = 0; depth < 6 && pid > 1; depth++) {
		size_t len;
		char *cmd = read_cmdline(pid, &len);
		if (cmd && len) {
			const char *argv0 = strrchr(cmd, '/');
			argv0 = argv0 ? argv0 + 1 : cmd;
			if (!strcmp(argv0, "git") || !strcmp(argv0, "git-commit")) {
				bool amend = false;
				for (size_t off = strlen(cmd) + 1; off < len; off += strlen(cmd + off) + 1) {
					if (!strcmp(cmd + off, "--"))
						break;
					if (!strcmp(cmd + off, "--amend"))
						amend = true;
				}
				free(cmd);
				return amend;
			}
		}
		free(cmd);
		pid = parent_of(pid);
	}
	if (under_git) {
		hr_cli_error("cannot tell whether this is `git commit --amend`: no git process among the "
			"hook's ancestors (git runs hooks differently now?); set HOOK_RUN_AMEND=1 or "
			"HOOK_RUN_AMEND=0 for the hook");
		return -1;
	}
	return 0; /* run by hand, not by git: a plain commit */
}

/* ---- finding keys: which fixes correspond ------------------------------ */

/*
 * hr_check with the build context the index shows: which of the file's
 * sources are files and which are folders. Without it (an error reading
 * the index) the check still runs, knowing less.
 */
static int check_staged(hr_result **out, const char *data, size_t len, const hr_policy *policy,
	hr_repo *repo, const char *path)
{
	hr_repo_context *ctx = NULL;
	hr_build_context view;
	char err[256];
	bool have = hr_repo_context_new(&ctx, &view, repo, NULL, path, err, sizeof(err)) == 0;
	int rc = hr_check_ext(out, data, len, policy, have ? &view : NULL);
	hr_repo_context_free(ctx);
	return rc;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void keys_free(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/*
 * The fixes the policy would apply, each as "Rule\ninstruction text" (CRs
 * dropped), sorted: two files got "the same fix" when their lists match.
 */
static int fix_keys(char ***out, size_t *n, const hr_result *r, const hr_policy *policy)
{
	char **keys = calloc(r->nfindings + 1, sizeof(char *));
	size_t k = 0;
	if (!keys)
		return HR_ENOMEM;
	for (size_t i = 0; i < r->nfindings; i++) {
		const hr_finding *f = &r->findings[i];
		if (!hr_finding_fix_allowed(f, policy))
			continue;
		const char *name = hr_rule_get(f->rule)->name;
		const hr_str *o = f->instruction ? &f->instruction->original : NULL;
		size_t nlen = strlen(name), olen = o ? o->len : 0;
		char *key = malloc(nlen + olen + 2);
		if (!key)
			goto fail;
		memcpy(key, name, nlen);
		key[nlen] = '\n';
		size_t w = nlen + 1;
		for (size_t j = 0; j < olen; j++)
			if (o->ptr[j] != '\r')
				key[w++] = o->ptr[j];
		key[w] = '\0';
		keys[k++] = key;
	}
	qsort(keys, k, sizeof(char *), cmp_key);
	*out = keys;
	*n = k;
	return 0;
fail:
	keys_free(keys, k);
	return HR_ENOMEM;
}

static bool same_keys(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

/* Does `data` still have a finding, fixable by the policy, among `keys`? */
static int still_has(bool *out, const char *data, size_t len, char **keys, size_t nkeys,
	const hr_policy *policy, hr_repo *repo, const char *path)
{
	hr_result *r = NULL;
	char **k2 = NULL;
	size_t n2 = 0;
	int rc = check_staged(&r, data, len, policy, repo, path);
	*out = true;
	if (rc == 0 && (rc = fix_keys(&k2, &n2, r, policy)) == 0) {
		*out = false;
		for (size_t i = 0, j = 0; i < n2 && j < nkeys;) {
			int c = strcmp(k2[i], keys[j]);
			if (c == 0) {
				*out = true;
				break;
			}
			if (c < 0)
				i++;
			else
				j++;
		}
	}
	keys_free(k2, n2);
	hr_result_free(r);
	return rc;
}

/* ---- the working file ---------------------------------------------------- */

static int write_file(const char *full, const char *data, size_t len, staged_file *f)
{
	char err[1024];
	if (hr_file_write_atomic(full, data, len, err, sizeof(err)) < 0) {
		snprintf(f->worktree, sizeof(f->worktree), "the working file was not updated: %s", err);
		return -1;
	}
	return 0;
}

/*
 * Carry the staged fix over to the working file (see the file comment).
 * Returns -1 when writing it failed (ENOSPC, a read-only file system...):
 * the caller then stages nothing. Leaving the file as it is for a reason
 * (unstaged edits that do not merge, a link on the way) is not a failure.
 */
static int fix_worktree(run_state *s, staged_file *f)
{
	const hr_policy *policy = &s->common.policy;
	const char *workdir = hr_repo_workdir(s->repo);
	char *full = NULL, *w = NULL, *fw = NULL, *merged = NULL, err[1024];
	char **skeys = NULL, **wkeys = NULL;
	size_t wlen = 0, fwlen = 0, mlen = 0, nskeys = 0, nwkeys = 0, applied = 0;
	hr_result *wres = NULL;
	struct stat st;
	int rc = 0;

	if (!workdir)
		return 0;
	size_t a = strlen(workdir), b = strlen(f->path);
	if (!(full = malloc(a + b + 1)))
		goto oom;
	memcpy(full, workdir, a);
	memcpy(full + a, f->path, b + 1);
	/* as git, never write beyond a symbolic link: app/ -> /elsewhere stays untouched */
	if (hr_path_check_beneath(workdir, f->path, err, sizeof(err)) < 0) {
		snprintf(f->worktree, sizeof(f->worktree), "the working file was left as it is (%s; git does "
			"not write beyond a symbolic link either): only the index was fixed", err);
		goto out;
	}
	if (lstat(full, &st) != 0) {
		snprintf(f->worktree, sizeof(f->worktree), "not in the working tree: only the index was fixed");
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(f->worktree, sizeof(f->worktree), "not a regular file in the working tree: left as it is");
		goto out;
	}
	if (hr_file_read_beneath(&w, &wlen, workdir, f->path, policy->max_size, NULL, 0, err, sizeof(err)) < 0) {
		snprintf(f->worktree, sizeof(f->worktree), "the working file was left as it is: %s", err);
		goto out;
	}
	if (wlen == f->fixed_len && memcmp(w, f->fixed, wlen) == 0) {
		snprintf(f->worktree, sizeof(f->worktree), "the working file already had the fix");
		goto out;
	}
	if (wlen == f->len && memcmp(w, f->data, wlen) == 0) {
		if (write_file(full, f->fixed, f->fixed_len, f) == 0)
			snprintf(f->worktree, sizeof(f->worktree), "fixed in the index and in the working tree");
		else
			rc = -1;
		goto out;
	}

	/* unstaged edits (or CRLF): the same fixes on the working bytes? */
	if (fix_keys(&skeys, &nskeys, f->res, policy) < 0)
		goto oom;
	if (check_staged(&wres, w, wlen, policy, s->repo, f->path) < 0 || fix_keys(&wkeys, &nwkeys, wres, policy) < 0)
		goto oom;
	if (wres->df && same_keys(skeys, nskeys, wkeys, nwkeys) &&
	    hr_fix(&fw, &fwlen, &applied, wres, policy) == 0 && applied == f->napplied) {
		if (write_file(full, fw, fwlen, f) == 0)
			snprintf(f->worktree, sizeof(f->worktree),
				"fixed in the index and in the working tree, keeping its unstaged changes");
		else
			rc = -1;
		goto out;
	}

	/* or merge the fix into them */
	bool clean = false, left = true;
	if (hr_merge_text(&merged, &mlen, &clean, f->data, f->len, f->fixed, f->fixed_len, w, wlen,
		    err, sizeof(err)) == 0 && clean &&
	    still_has(&left, merged, mlen, skeys, nskeys, policy, s->repo, f->path) == 0 && !left) {
		if (write_file(full, merged, mlen, f) == 0)
			snprintf(f->worktree, sizeof(f->worktree),
				"fixed in the index; the fix was merged into the working file, keeping its unstaged changes");
		else
			rc = -1;
		goto out;
	}
	snprintf(f->worktree, sizeof(f->worktree),
		"fixed in the index only: the working file has unstaged changes the fix does not "
		"merge with, so it was left as it was (`git diff %s` shows the fix reversed; "
		"`hook-run fix %s` fixes it too)", f->path, f->path);
	goto out;
oom:
	snprintf(f->worktree, sizeof(f->worktree), "the working file was left as it is: out of memory");
out:
	keys_free(skeys, nskeys);
	keys_free(wkeys, nwkeys);
	hr_result_free(wres);
	free(merged);
	free(fw);
	free(w);
	free(full);
	return rc;
}

/* ---- staged files ---------------------------------------------------------- */

static int collect(const hr_change *c, void *payload)
{
	run_state *s = payload;
	if (s->nfiles == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		staged_file *nf = realloc(s->files, cap * sizeof(*nf));
		if (!nf)
			return HR_ENOMEM;
		s->files = nf;
		s->cap = cap;
	}
	staged_file *f = &s->files[s->nfiles];
	memset(f, 0, sizeof(*f));
	if (!(f->path = strdup(c->path)))
		return HR_ENOMEM;
	f->blob = *c->blob;
	s->nfiles++;
	return 0;
}

static void files_free(run_state *s)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		staged_file *f = &s->files[i];
		hr_result_free(f->after);
		hr_result_free(f->res);
		free(f->fixed);
		free(f->diff);
		hr_blob_free(&f->content);
		free(f->path);
	}
	free(s->files);
}

/* Check one staged file and, with action = fix, stage its fixed content. */
static int check_one(run_state *s, staged_file *f, bool fix)
{
	const hr_policy *policy = &s->common.policy;
	char err[1024];
	int rc = hr_blob_load(&f->content, s->repo, &f->blob, policy->max_size, err, sizeof(err));
	f->data = f->content.data;
	f->len = f->content.len;
	if (rc == HR_ETOOBIG) {
		snprintf(err, sizeof(err), "larger than max-size (%zu bytes, limit %zu): not read", f->len,
			policy->max_size);
		f->len = 0;
		rc = hr_check_skipped(&f->res, err, policy);
	} else if (rc < 0) {
		hr_cli_error("%s: %s", f->path, err);
		return HR_EXIT_ERROR;
	} else {
		rc = check_staged(&f->res, f->data, f->len, policy, s->repo, f->path);
	}
	if (rc < 0) {
		hr_cli_error("cannot check '%s': %s", f->path, hr_error_str(rc));
		return HR_EXIT_ERROR;
	}
	if (!fix || !f->res->df || !hr_result_fixable(f->res, policy))
		return 0;
	rc = hr_fix(&f->fixed, &f->fixed_len, &f->napplied, f->res, policy);
	if (rc == HR_EINVALID) {
		hr_cli_error("'%s': a fix did not verify; the file is left as it was (please report this)", f->path);
		s->error = true;
		return 0;
	}
	if (rc < 0) {
		hr_cli_error("cannot fix '%s': %s", f->path, hr_error_str(rc));
		return HR_EXIT_ERROR;
	}
	if (!f->napplied)
		return 0;
	rc = hr_staged_replace(s->repo, f->path, &f->blob, f->fixed, f->fixed_len, NULL, err, sizeof(err));
	if (rc < 0) {
		hr_cli_error("%s", err);
		return HR_EXIT_ERROR;
	}
	if (check_staged(&f->after, f->fixed, f->fixed_len, policy, s->repo, f->path) < 0 ||
	    hr_diff_unified(&f->diff, f->data, f->len, f->fixed, f->fixed_len, f->path) < 0) {
		hr_cli_error("out of memory");
		return HR_EXIT_ERROR;
	}
	return 0;
}

static int run(int argc, char **argv, bool merge)
{
	static const struct option opts[] = {
		HR_COMMON_LONG_OPTIONS,
		{ "amend", no_argument, NULL, 'a' },
		{ "no-amend", no_argument, NULL, 'A' },
		{ "check-only", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	run_state s;
	hr_reporter *reporter = NULL;
	char *cfg = NULL, err[1024] = "";
	size_t cfg_len = 0;
	int amend = -1, c, rc;

	memset(&s, 0, sizeof(s));
	hr_cli_common_init(&s.common);
	s.check_only = merge;
	optind = 0;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		int r = hr_cli_common_option(&s.common, c, optarg);
		if (r < 0)
			return -r;
		if (r > 0)
			continue;
		switch (c) {
		case 'a': amend = 1; break;
		case 'A': amend = 0; break;
		case 'c': s.check_only = true; break;
		case 'h':
			usage(stdout, merge);
			return HR_EXIT_OK;
		default:
			usage(stderr, merge);
			return HR_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		hr_cli_error("%s: unexpected argument '%s'", argv[0], argv[optind]);
		return HR_EXIT_USAGE;
	}
	/* the client-side bypass (HOOK_RUN=0, SKIP=hook-run): allowed, never silent */
	const char *bypass = hr_cli_client_bypass(true);
	if (bypass) {
		fprintf(stderr, "hook-run: %s\n", bypass);
		hr_cli_common_free(&s.common);
		return HR_EXIT_OK;
	}
	if ((rc = hr_cli_repo_open(&s.repo, NULL)) != 0)
		goto out;

	/* the configuration of the snapshot being committed: the staged .hook-run.ini */
	rc = hr_staged_read_path(&cfg, &cfg_len, s.repo, HR_CONFIG_FILE_NAME, 1024 * 1024, err, sizeof(err));
	if (rc < 0 && rc != HR_ENOTFOUND) {
		hr_cli_error("%s", err);
		rc = rc == HR_ETOOBIG ? HR_EXIT_USAGE : HR_EXIT_ERROR;
		goto out;
	}
	if ((rc = hr_cli_policy_layered(&s.common, NULL, cfg, cfg_len, HR_CONFIG_FILE_NAME)) != 0)
		goto out;
	if (!s.common.baseline && s.common.policy.baseline) {
		if (s.common.config_used && !strcmp(s.common.config_used, HR_CONFIG_FILE_NAME)) {
			/* `baseline = FILE` of the staged .hook-run.ini: the staged baseline */
			char *bdata = NULL;
			size_t blen = 0;
			const char *b = s.common.policy.baseline;
			rc = hr_staged_read_path(&bdata, &blen, s.repo, b[0] == '/' ? b + 1 : b, 64u << 20, err, sizeof(err));
			if (rc == HR_ENOTFOUND)
				snprintf(err, sizeof(err), "not in the index");
			if (rc == 0)
				rc = hr_baseline_load(&s.common.baseline, bdata, blen, err, sizeof(err));
			free(bdata);
			if (rc < 0) {
				hr_cli_error("%s: baseline = %s: %s", HR_CONFIG_FILE_NAME, b, err);
				rc = rc == HR_ENOMEM ? HR_EXIT_ERROR : HR_EXIT_USAGE;
				goto out;
			}
		} else if ((rc = hr_cli_policy_baseline(&s.common, s.repo, NULL, false)) != 0) {
			goto out;
		}
	}
	const hr_policy *policy = &s.common.policy;
	bool fix = policy->action == HR_ACTION_FIX && !s.check_only;
	if (!merge && amend < 0 && (amend = detect_amend()) < 0) {
		rc = HR_EXIT_ERROR;
		goto out;
	}
	unsigned flags = merge ? HR_STAGED_PRE_MERGE : amend == 1 ? HR_STAGED_AMEND : 0;
	/* block = new: findings the parent commit's file already had do not block */
	hr_oid parent;
	bool have_parent = false;
	if (policy->block == HR_BLOCK_NEW) {
		bool is_commit;
		s.common.only_new = true;
		have_parent = hr_repo_resolve(&parent, &is_commit, s.repo,
			(flags & HR_STAGED_AMEND) ? "HEAD~1" : "HEAD", err, sizeof(err)) == 0 && is_commit;
	}

	rc = hr_staged_foreach(s.repo, policy, flags, collect, &s, err, sizeof(err));
	if (rc < 0) {
		hr_cli_error("%s", *err ? err : hr_error_str(rc));
		rc = rc == HR_EINVALID ? HR_EXIT_USAGE : HR_EXIT_ERROR;
		goto out;
	}
	size_t nfixed_files = 0;
	for (size_t i = 0; i < s.nfiles; i++) {
		if ((rc = check_one(&s, &s.files[i], fix)) != 0)
			goto out; /* nothing was written yet */
		if (s.files[i].napplied)
			nfixed_files++;
	}

	hr_report_opts ro;
	hr_cli_report_opts(&s.common, &ro, stdout);
	ro.silent_no_match = true; /* a hook: a commit without a Dockerfile hears nothing */
	ro.fix_command = fix ? NULL : "hook-run fix";
	if ((rc = hr_cli_reporter_new(&reporter, &ro)) != 0)
		goto out;
	FILE *notes = s.common.format == HR_FORMAT_TEXT ? stdout : stderr;

	bool empty = false;
	if (nfixed_files) {
		if ((rc = hr_staged_is_empty(&empty, s.repo, flags, err, sizeof(err))) < 0) {
			hr_cli_error("%s", err);
			rc = HR_EXIT_ERROR;
			goto out;
		}
	}
	if (empty) {
		/* report what was found, change nothing */
		hr_report_summary summary = { .what = "staged file", .elapsed = hr_cli_elapsed() };
		summary.note = "the fix would undo every staged change and leave an empty commit: "
			"nothing was changed and the commit is rejected (write --link=false or "
			"`# check=skip=RULE` to record a decision, or commit with --no-verify)";
		for (size_t i = 0; i < s.nfiles; i++) {
			hr_report_item item = { .path = s.files[i].path, .result = s.files[i].res };
			hr_cli_report_file(&s.common, reporter, &item, true, &summary);
		}
		hr_reporter_finish(reporter, &summary);
		rc = HR_EXIT_FINDINGS;
		goto out;
	}
	if (nfixed_files) {
		/*
		 * The working files first: one that cannot be written (a full
		 * disk, a read-only file system) stops everything before the
		 * index changes, so the commit is rejected with both as they were
		 * (but the working files already written, which hold the fix).
		 */
		if ((rc = hr_staged_write_check(s.repo, err, sizeof(err))) < 0) {
			hr_cli_error("%s", err);
			hr_cli_error("nothing was fixed; the commit is rejected");
			rc = HR_EXIT_ERROR;
			goto out;
		}
		for (size_t i = 0; i < s.nfiles; i++) {
			staged_file *f = &s.files[i];
			if (f->napplied && fix_worktree(&s, f) < 0) {
				char *path = hr_escape(f->path, true);
				hr_cli_error("%s: %s", path ? path : "?", f->worktree);
				free(path);
				hr_cli_error("nothing was staged; the commit is rejected");
				rc = HR_EXIT_ERROR;
				goto out;
			}
		}
		size_t pending = 0;
		if ((rc = hr_staged_write(s.repo, &pending, err, sizeof(err))) < 0) {
			hr_cli_error("%s", err);
			hr_cli_error("the index was not changed (working files may hold the fix); the commit is rejected");
			rc = HR_EXIT_ERROR;
			goto out;
		}
	}

	hr_report_summary summary = { .what = "staged file" };
	for (size_t i = 0; i < s.nfiles; i++) {
		staged_file *f = &s.files[i];
		hr_result *shown = f->after ? f->after : f->res;
		if (have_parent && hr_judge_mark_preexisting_tree(shown, s.repo, policy, &parent, f->path,
			err, sizeof(err)) < 0) {
			hr_cli_error("%s: %s", f->path, err);
			s.error = true;
		}
		hr_report_item item = {
			.path = f->path,
			.result = shown,
			.fixed = f->napplied,
			.diff = f->diff,
		};
		/* --baseline applies here: what it hides is neither printed nor counted */
		if (hr_cli_report_file(&s.common, reporter, &item, true, &summary) < 0)
			s.error = true;
		if (f->worktree[0]) {
			fflush(stdout);
			char *path = hr_escape(f->path, true);
			hr_cli_print(notes, "hook-run: %s: %s\n", path ? path : "?", f->worktree);
			free(path);
		}
		summary.fixed += f->napplied;
	}
	summary.elapsed = hr_cli_elapsed();
	if (summary.failing)
		summary.note = nfixed_files
			? "commit rejected: the findings left need a decision (the fixes above are staged)"
			: fix || s.check_only ? "commit rejected" : "commit rejected: run `hook-run fix PATH` and stage the result";
	if (hr_reporter_finish(reporter, &summary) < 0)
		s.error = true;
	rc = s.error ? HR_EXIT_ERROR : summary.failing ? HR_EXIT_FINDINGS : HR_EXIT_OK;
out:
	hr_reporter_free(reporter);
	files_free(&s);
	free(cfg);
	hr_repo_free(s.repo);
	hr_cli_common_free(&s.common);
	return rc;
}

int hr_cmd_precommit(int argc, char **argv)
{
	return run(argc, argv, false);
}

int hr_cmd_premergecommit(int argc, char **argv)
{
	return run(argc, argv, true);
}
