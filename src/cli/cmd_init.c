/* SPDX-License-Identifier: MIT */
/*
 * cmd_init.c - `hook-run init`: a team's first step. It writes a commented
 * `.hook-run.ini` at the root of the working tree, fitted to what HEAD's
 * tree holds, and says how to install the hooks.
 *
 * How: HEAD's tree is audited with the default policy, exactly as `hook-run
 * audit` does (hr_tree_foreach and the engine's judge, the JSON reporter
 * writing into memory); the JSON is both where the per-rule counts come
 * from and, with --baseline, the baseline file itself, so what init records
 * is byte for byte what `audit --format json` would. A second pass over the
 * tree, reading no blob, lists every file whose name looks like a
 * Dockerfile: those `paths` does not match get a suggested pattern (written
 * commented out: a name is not proof, and a wrong pattern would judge a
 * script), those matched but left out (exclude-suffixes, vendored,
 * .gitattributes) are listed with the reason. The file written is read
 * back through the configuration loader before it is written, so init can
 * never leave a file the hooks would refuse.
 *
 * What it does not do: carry over the keys of an existing file (--force
 * replaces it; without --force an existing file is never touched), or
 * anything in a bare repository (a server's policy is `install --server`).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli.h"
#include "gitcmd.h"
#include "hook-run/config.h"
#include "hook-run/fileio.h"

#define BASELINE_NAME ".hook-run-baseline.json"
/* how many paths each list in the file's comments names before "and N more" */
#define MAX_LISTED 20

static void usage(FILE *out)
{
	fputs("usage: hook-run init [--force] [--dry-run] [--baseline]\n\n"
	      "Write a commented .hook-run.ini at the root of the working tree, fitted to\n"
	      "HEAD: which files the Dockerfile patterns match (and patterns for files\n"
	      "named like Dockerfiles that they miss), which rules fire how often, a\n"
	      "baseline, and the hooks' mode (block = new: only what a change adds blocks\n"
	      "it). Then print the commands that install the hooks.\n"
	      "Exit 0 written, 2 usage (or the file exists), 3 git or I/O error.\n\n"
	      "  --force              replace an existing .hook-run.ini (and baseline)\n"
	      "  --dry-run            print the file on standard output, write nothing\n"
	      "  --baseline           also write " BASELINE_NAME " (HEAD's findings, as\n"
	      "                       `audit --format json` prints them) and point the\n"
	      "                       `baseline` key at it: check, fix and audit then\n"
	      "                       report only findings it does not record\n", out);
}

/* A file whose name looks like a Dockerfile that the default policy does not judge. */
typedef struct lookalike {
	char *path;
	char *pattern;      /* the suggested `paths` pattern, or NULL when matched but left out */
	const char *reason; /* why it is left out (when pattern is NULL) */
} lookalike;

typedef struct init_scan {
	hr_judge *judge;
	const hr_policy *policy;   /* the defaults the audit ran with */
	hr_pathlist matched;       /* the files the audit judged, in tree order */
	lookalike *lookalikes;
	size_t nlookalikes, cap;
	int error;                 /* out of memory in a callback */
} init_scan;

/* the audit's callback: note the path, then judge as `audit` does */
static int judge_matched(const hr_change *change, void *payload)
{
	init_scan *s = payload;
	if (hr_pathlist_add(&s->matched, change->path) < 0)
		return HR_ENOMEM;
	return hr_judge_change(change, s->judge);
}

/* A name that says Dockerfile or Containerfile, which is not one of the
   files that only talk about Dockerfiles: source code, .dockerignore. */
static const char *keyword_in(const char *base, size_t *kwlen)
{
	static const char *const keywords[] = { "dockerfile", "containerfile" };
	static const char *const not_dockerfiles[] = {
		".dockerignore", ".go", ".c", ".h", ".js", ".ts", ".rs", ".java", ".rb", ".php",
		".pl", ".lua", ".cs", ".kt", ".html", ".css", ".xml", ".lock", ".snap",
	};
	size_t blen = strlen(base);
	for (size_t i = 0; i < sizeof(not_dockerfiles) / sizeof(not_dockerfiles[0]); i++) {
		size_t n = strlen(not_dockerfiles[i]);
		if (blen > n && !strcasecmp(base + blen - n, not_dockerfiles[i]))
			return NULL;
	}
	for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++) {
		size_t n = strlen(keywords[k]);
		for (const char *p = base; p + n <= base + blen; p++)
			if (!strncasecmp(p, keywords[k], n)) {
				*kwlen = n;
				return p;
			}
	}
	return NULL;
}

/* The pattern for a look-alike: the keyword as written, what comes before
   and after it as `*` (keeping a separator), e.g. Dockerfile-dev -> Dockerfile-* */
static char *suggest(const char *base, const char *kw, size_t kwlen)
{
	char buf[256];
	size_t n = 0;
	if (kw > base) {
		buf[n++] = '*';
		if (strchr("-_.", kw[-1]))
			buf[n++] = kw[-1];
	}
	if (kwlen > sizeof(buf) - 5)
		return NULL;
	memcpy(buf + n, kw, kwlen);
	n += kwlen;
	if (kw[kwlen]) {
		if (strchr("-_.", kw[kwlen]))
			buf[n++] = kw[kwlen];
		buf[n++] = '*';
	}
	return strndup(buf, n);
}

static bool matched_has(const init_scan *s, const char *path)
{
	for (size_t i = 0; i < s->matched.len; i++)
		if (!strcmp(s->matched.items[i], path))
			return true;
	return false;
}

/* why the default policy leaves out a path `paths` matches */
static const char *left_out_reason(const hr_policy *p, const char *path)
{
	size_t len = strlen(path);
	for (size_t i = 0; i < p->nexclude_suffixes; i++) {
		size_t n = strlen(p->exclude_suffixes[i]);
		if (len >= n && !strcasecmp(path + len - n, p->exclude_suffixes[i]))
			return "exclude-suffixes: not a Dockerfile, or a template of one";
	}
	if (!hr_policy_matches_path(p, path))
		return "vendored: a third-party tree";
	return ".gitattributes";
}

/* the look-alike pass's callback: every file of the tree, no blob read */
static int note_lookalike(const hr_change *change, void *payload)
{
	init_scan *s = payload;
	const char *slash = strrchr(change->path, '/');
	const char *base = slash ? slash + 1 : change->path;
	size_t kwlen = 0;
	const char *kw = keyword_in(base, &kwlen);
	if (!kw || matched_has(s, change->path))
		return 0;
	lookalike l = { NULL, NULL, NULL };
	if (hr_policy_path_candidate(s->policy, change->path)) {
		l.reason = left_out_reason(s->policy, change->path);
	} else {
		/* suggested only when the pattern would bring it in: a name that
		   exclude-suffixes leaves out anyway (a script, a document) is not one */
		hr_policy with;
		char err[256];
		if (!(l.pattern = suggest(base, kw, kwlen)))
			return 0;
		bool useful = hr_policy_copy(&with, s->policy) == 0;
		if (useful) {
			useful = hr_policy_append(&with, "hook-run", "paths", l.pattern, err, sizeof(err)) == 0 &&
				 hr_policy_matches_path(&with, change->path);
			hr_policy_free(&with);
		}
		if (!useful) {
			free(l.pattern);
			return 0;
		}
	}
	if (s->nlookalikes == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		lookalike *grown = realloc(s->lookalikes, cap * sizeof(*grown));
		if (!grown) {
			free(l.pattern);
			return HR_ENOMEM;
		}
		s->lookalikes = grown;
		s->cap = cap;
	}
	if (!(l.path = strdup(change->path))) {
		free(l.pattern);
		return HR_ENOMEM;
	}
	s->lookalikes[s->nlookalikes++] = l;
	return 0;
}

static void scan_free(init_scan *s)
{
	hr_pathlist_free(&s->matched);
	for (size_t i = 0; i < s->nlookalikes; i++) {
		free(s->lookalikes[i].path);
		free(s->lookalikes[i].pattern);
	}
	free(s->lookalikes);
}

/* What the audit's JSON says, per rule. */
typedef struct tally {
	size_t count[HR_RULE_COUNT];
	size_t fixable[HR_RULE_COUNT];  /* with a fix the default fix mode applies */
	size_t findings, fixable_total, files_with;
} tally;

static int tally_json(tally *t, const char *json, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr), *file;
	size_t i;
	memset(t, 0, sizeof(*t));
	if (!root) {
		snprintf(err, errlen, "the audit's JSON: %s", jerr.text);
		return HR_EINVALID;
	}
	json_array_foreach(json_object_get(root, "files"), i, file) {
		json_t *f;
		size_t j, before = t->findings;
		json_array_foreach(json_object_get(file, "findings"), j, f) {
			const char *name = json_string_value(json_object_get(f, "rule"));
			const hr_rule *rule = name ? hr_rule_find(name, strlen(name)) : NULL;
			if (!rule || json_is_true(json_object_get(f, "suppressed")))
				continue;
			json_t *fix = json_object_get(f, "fix");
			bool fixable = json_is_object(fix) && json_is_true(json_object_get(fix, "applies"));
			t->count[rule->id]++;
			t->findings++;
			if (fixable) {
				t->fixable[rule->id]++;
				t->fixable_total++;
			}
		}
		if (t->findings > before)
			t->files_with++;
	}
	json_decref(root);
	return 0;
}

/*
 * A path into a comment line. Paths come from the repository, so a name
 * holding a newline could end the comment and write a key ("x\n[rules]\n
 * CopyLinkMissing = off"): control bytes and the backslash are written as
 * \xHH escapes, so every path stays on its comment line.
 */
static void put_path(FILE *out, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
}

static void print_list(FILE *out, const char *const *items, size_t n)
{
	for (size_t i = 0; i < n && i < MAX_LISTED; i++) {
		fputs(";   ", out);
		put_path(out, items[i]);
		fputc('\n', out);
	}
	if (n > MAX_LISTED)
		fprintf(out, ";   ... and %zu more\n", n - MAX_LISTED);
}

/*
 * Test data and examples are often Dockerfiles nobody builds (a linter's
 * fixtures, broken on purpose): the directories named so that hold matched
 * files, each with its count, as commented-out `exclude` lines. Only the
 * first such directory on a path counts (test/cases/, not test/ and
 * test/cases/ both); paths that would need escaping are not offered.
 */
static void suggest_excludes(FILE *out, const hr_pathlist *matched)
{
	static const char *const names[] = {
		"test", "tests", "fixtures", "fixture", "examples", "example", "samples", "sample",
	};
	char *dirs[MAX_LISTED];
	size_t counts[MAX_LISTED], ndirs = 0;
	for (size_t i = 0; i < matched->len; i++) {
		const char *path = matched->items[i], *end = NULL;
		bool plain = true;
		for (const char *p = path; *p; p++)
			if ((unsigned char)*p < 0x21 || *p == 0x7f || strchr("\\[]*?!#;", *p))
				plain = false;
		for (const char *c = path; plain && !end && (c = strchr(c, '/')) != NULL; c++) {
			const char *start = c;
			while (start > path && start[-1] != '/')
				start--;
			for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
				if ((size_t)(c - start) == strlen(names[k]) && !strncmp(start, names[k], (size_t)(c - start)))
					end = c + 1;
		}
		if (!end)
			continue;
		size_t len = (size_t)(end - path), j;
		for (j = 0; j < ndirs; j++)
			if (strlen(dirs[j]) == len && !strncmp(dirs[j], path, len))
				break;
		if (j < ndirs) {
			counts[j]++;
		} else if (ndirs < MAX_LISTED && (dirs[ndirs] = strndup(path, len)) != NULL) {
			counts[ndirs++] = 1;
		}
	}
	if (!ndirs)
		return;
	fputs("; Test data and examples are often not meant to be built; matched here:\n", out);
	for (size_t j = 0; j < ndirs; j++)
		fprintf(out, ";   /%s: %zu file%s\n", dirs[j], counts[j], counts[j] == 1 ? "" : "s");
	fputs("; to leave them out, uncomment:\n", out);
	for (size_t j = 0; j < ndirs; j++) {
		fprintf(out, "; exclude = /%s\n", dirs[j]);
		free(dirs[j]);
	}
}

/* The file's text into `out`. */
static void write_ini(FILE *out, const init_scan *s, const tally *t, const hr_policy *defaults,
	bool unborn, bool with_baseline)
{
	size_t nsuggested = 0, nleft = 0;
	for (size_t i = 0; i < s->nlookalikes; i++) {
		if (s->lookalikes[i].pattern)
			nsuggested++;
		else
			nleft++;
	}

	fputs("; .hook-run.ini - hook-run's policy for this repository, written by `hook-run init`\n"
	      "; from HEAD's tree. Every key is optional: a key not set keeps its default\n"
	      "; (`man hook-run` and the README's \"Configuration\" list them all). Commit it:\n"
	      "; the hooks read the staged copy, `audit` the copy of the revision it checks.\n;\n", out);
	if (unborn) {
		fputs("; HEAD has no commit yet: nothing was audited; the defaults are written.\n", out);
	} else {
		fprintf(out, "; Dockerfiles in HEAD: `paths` below matches %zu file%s%s\n", s->matched.len,
			s->matched.len == 1 ? "" : "s", s->matched.len ? ":" : ".");
		print_list(out, (const char *const *)s->matched.items, s->matched.len);
	}
	if (nsuggested) {
		fputs(";\n; Named like Dockerfiles, but `paths` does not match them (uncomment a\n"
		      "; `paths` line below to judge them):\n", out);
		size_t shown = 0;
		for (size_t i = 0; i < s->nlookalikes; i++)
			if (s->lookalikes[i].pattern && shown++ < MAX_LISTED) {
				fputs(";   ", out);
				put_path(out, s->lookalikes[i].path);
				fprintf(out, " (%s)\n", s->lookalikes[i].pattern);
			}
		if (nsuggested > MAX_LISTED)
			fprintf(out, ";   ... and %zu more\n", nsuggested - MAX_LISTED);
	}
	if (nleft) {
		fputs(";\n; Matched by `paths`, but left out:\n", out);
		size_t shown = 0;
		for (size_t i = 0; i < s->nlookalikes; i++)
			if (!s->lookalikes[i].pattern && shown++ < MAX_LISTED) {
				fputs(";   ", out);
				put_path(out, s->lookalikes[i].path);
				fprintf(out, " (%s)\n", s->lookalikes[i].reason);
			}
		if (nleft > MAX_LISTED)
			fprintf(out, ";   ... and %zu more\n", nleft - MAX_LISTED);
	}
	if (!unborn && s->matched.len) {
		if (!t->findings) {
			fputs(";\n; What the rules find in HEAD: nothing. Every Dockerfile complies.\n", out);
		} else {
			fprintf(out, ";\n; What the rules find in HEAD: %zu finding%s in %zu file%s, %zu fixable by\n"
				"; `hook-run fix` (`hook-run audit` shows them):\n", t->findings,
				t->findings == 1 ? "" : "s", t->files_with, t->files_with == 1 ? "" : "s",
				t->fixable_total);
			for (int r = 0; r < HR_RULE_COUNT; r++)
				if (t->count[r])
					fprintf(out, ";   %-28s %zu (%zu fixable)\n", hr_rule_get((hr_rule_id)r)->name,
						t->count[r], t->fixable[r]);
		}
	}

	fputs("\n[hook-run]\n; Which files are Dockerfiles (git wildmatch; set twice, a list key adds).\npaths =", out);
	for (size_t i = 0; i < defaults->npaths; i++)
		fprintf(out, "%s %s", i ? "," : "", defaults->paths[i]);
	fputs("\n", out);
	if (nsuggested) {
		/* each pattern once, in the order the files came */
		for (size_t i = 0; i < s->nlookalikes; i++) {
			const char *pat = s->lookalikes[i].pattern;
			bool dup = false;
			if (!pat)
				continue;
			for (size_t j = 0; j < i && !dup; j++)
				dup = s->lookalikes[j].pattern && !strcmp(s->lookalikes[j].pattern, pat);
			if (!dup)
				fprintf(out, "; paths = %s\n", pat);
		}
	}
	fputs("; Left out even when matched: e.g. exclude = fixtures/, /examples/\nexclude =\n", out);
	suggest_excludes(out, &s->matched);
	fputs("\n; The hooks (pre-commit, pre-merge-commit, pre-receive) block only on the\n"
	      "; findings a change adds; a file's old findings are counted, not blocking,\n"
	      "; so a one-line edit of an old Dockerfile goes in. `block = all` blocks on\n"
	      "; every finding of the files a change touches.\nblock = new\n"
	      "; pre-commit: reject the commit, or `fix` the staged file and let it through.\n"
	      "action = reject\n"
	      "; Which fixes `hook-run fix` and `action = fix` make: safe, or all (risky too).\n"
	      "fix-mode = safe\n", out);
	if (with_baseline) {
		fprintf(out, "; HEAD's findings (%zu), recorded by `hook-run init --baseline`: check, fix\n"
			"; and audit (CI) hide them and fail only on new ones. Fix them and make it\n"
			"; again: hook-run init --force --baseline (commit both files).\n"
			"baseline = " BASELINE_NAME "\n", t->findings);
	} else if (t->findings) {
		fprintf(out, "; HEAD has %zu finding%s. For check, fix and audit (CI) to fail only on new\n"
			"; ones until they are fixed, record them in a baseline and commit it:\n"
			";   hook-run init --force --baseline\n"
			"; baseline = " BASELINE_NAME "\n", t->findings, t->findings == 1 ? "" : "s");
	}

	fputs("\n[rules]\n; RuleName = error | warning | info | off", out);
	if (t->findings) {
		fputs(". The rules that fire in HEAD, at their defaults:\n", out);
		for (int r = 0; r < HR_RULE_COUNT; r++)
			if (t->count[r])
				fprintf(out, "; %s = %s\n", hr_rule_get((hr_rule_id)r)->name,
					hr_severity_name(hr_rule_get((hr_rule_id)r)->default_severity));
	} else {
		fputs("\n", out);
	}
	fputs("\n[pre-receive]\n"
	      "; `audit --range` (CI) judges every new commit (commits), or only the files\n"
	      "; the range leaves at its head (tips). A server's hook reads the server's own\n"
	      "; hook-run.ini (`hook-run install --server`), never this file.\n"
	      "; scope = commits\n", out);
}

/* Refuse to replace `path` without --force. 0, or an exit code. */
static int check_free(const char *path, bool force)
{
	struct stat st;
	if (force || lstat(path, &st) != 0)
		return 0;
	hr_cli_error("init: %s exists: not overwritten (--force replaces it, --dry-run prints "
		"what would be written)", path);
	return HR_EXIT_USAGE;
}

int hr_cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "baseline", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool force = false, dry_run = false, with_baseline = false, unborn = false, is_commit = false;
	hr_cli_common common;
	hr_repo *repo = NULL;
	hr_reporter *reporter = NULL;
	init_scan scan = { 0 };
	hr_policy every;
	bool every_init = false;
	char err[1024] = "", *json = NULL, *ini = NULL, *ini_path = NULL, *base_path = NULL;
	size_t json_len = 0, ini_len = 0;
	FILE *json_out = NULL, *ini_out = NULL;
	tally t;
	hr_oid head;
	int c, rc;

	memset(&t, 0, sizeof(t));
	hr_cli_common_init(&common);
	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'n': dry_run = true; break;
		case 'b': with_baseline = true; break;
		case 'h':
			usage(stdout);
			return HR_EXIT_OK;
		default:
			usage(stderr);
			return HR_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		hr_cli_error("init: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return HR_EXIT_USAGE;
	}
	if ((rc = hr_cli_repo_open(&repo, NULL)) != 0)
		goto out;
	const char *workdir = hr_repo_workdir(repo);
	if (!workdir) {
		hr_cli_error("init: the repository is bare: a server's policy is the hook-run.ini "
			"that `hook-run install --server` writes");
		rc = HR_EXIT_USAGE;
		goto out;
	}
	size_t wlen = strlen(workdir);
	ini_path = malloc(wlen + sizeof(HR_CONFIG_FILE_NAME));
	base_path = malloc(wlen + sizeof(BASELINE_NAME));
	if (!ini_path || !base_path) {
		rc = HR_EXIT_ERROR;
		hr_cli_error("out of memory");
		goto out;
	}
	memcpy(ini_path, workdir, wlen);
	memcpy(ini_path + wlen, HR_CONFIG_FILE_NAME, sizeof(HR_CONFIG_FILE_NAME));
	memcpy(base_path, workdir, wlen);
	memcpy(base_path + wlen, BASELINE_NAME, sizeof(BASELINE_NAME));
	if (!dry_run && ((rc = check_free(ini_path, force)) != 0 ||
			 (with_baseline && (rc = check_free(base_path, force)) != 0)))
		goto out;

	/* the defaults, as the file will leave them: what is audited is what the hooks will judge */
	common.no_config = true;
	if ((rc = hr_cli_policy_layered(&common, NULL, NULL, 0, NULL)) != 0)
		goto out;

	rc = hr_repo_resolve(&head, &is_commit, repo, "HEAD", err, sizeof(err));
	if (rc == HR_ENOTFOUND) {
		unborn = true;
	} else if (rc < 0) {
		rc = hr_cli_git_failure(rc, err, NULL);
		goto out;
	} else {
		hr_report_opts ro;
		hr_report_summary summary = { .what = "file" };
		if (!(json_out = open_memstream(&json, &json_len))) {
			hr_cli_error("out of memory");
			rc = HR_EXIT_ERROR;
			goto out;
		}
		common.format = HR_FORMAT_JSON;
		hr_cli_report_opts(&common, &ro, json_out);
		ro.fix_command = "hook-run fix";
		if ((rc = hr_cli_reporter_new(&reporter, &ro)) != 0)
			goto out;
		hr_judge judge = {
			.repo = repo,
			.policy = &common.policy,
			.errout = stderr,
			.reporter = reporter,
			.summary = &summary,
			.context_tree = &head,
		};
		scan.judge = &judge;
		scan.policy = &common.policy;
		int src = hr_tree_foreach(repo, &head, &common.policy, judge_matched, &scan, err, sizeof(err));
		hr_judge_free(&judge);
		if (src < 0) {
			rc = hr_cli_git_failure(src, err, &judge);
			goto out;
		}
		summary.elapsed = hr_cli_elapsed();
		if (judge.error || hr_reporter_finish(reporter, &summary) < 0 || fclose(json_out) != 0) {
			json_out = NULL;
			rc = HR_EXIT_ERROR;
			goto out;
		}
		json_out = NULL;
		if (tally_json(&t, json, json_len, err, sizeof(err)) < 0) {
			hr_cli_error("init: %s", err);
			rc = HR_EXIT_ERROR;
			goto out;
		}

		/* every file of the tree, for the names that look like Dockerfiles */
		if (hr_policy_init(&every) < 0) {
			rc = HR_EXIT_ERROR;
			goto out;
		}
		every_init = true;
		if (hr_policy_set(&every, "hook-run", "paths", "*", err, sizeof(err)) < 0 ||
		    hr_policy_set(&every, "hook-run", "exclude-suffixes", "", err, sizeof(err)) < 0 ||
		    hr_policy_set(&every, "hook-run", "vendored", "", err, sizeof(err)) < 0 ||
		    hr_policy_set(&every, "hook-run", "gitattributes", "ignore", err, sizeof(err)) < 0) {
			hr_cli_error("init: %s", err);
			rc = HR_EXIT_ERROR;
			goto out;
		}
		src = hr_tree_foreach(repo, &head, &every, note_lookalike, &scan, err, sizeof(err));
		if (src < 0) {
			rc = hr_cli_git_failure(src, err, NULL);
			goto out;
		}
	}

	if (!(ini_out = open_memstream(&ini, &ini_len))) {
		hr_cli_error("out of memory");
		rc = HR_EXIT_ERROR;
		goto out;
	}
	write_ini(ini_out, &scan, &t, &common.policy, unborn, with_baseline && !unborn);
	if (fclose(ini_out) != 0) {
		ini_out = NULL;
		hr_cli_error("out of memory");
		rc = HR_EXIT_ERROR;
		goto out;
	}
	ini_out = NULL;

	/* what the hooks will read back: a file they refuse would stop every commit */
	hr_policy check;
	if (hr_policy_init(&check) < 0) {
		rc = HR_EXIT_ERROR;
		goto out;
	}
	rc = hr_config_load_buffer(&check, ini, ini_len, HR_CONFIG_FILE_NAME, err, sizeof(err));
	hr_policy_free(&check);
	if (rc < 0) {
		hr_cli_error("init: internal error: the file written would not load: %s", err);
		rc = HR_EXIT_ERROR;
		goto out;
	}

	if (dry_run) {
		fwrite(ini, 1, ini_len, stdout);
		rc = fflush(stdout) == 0 ? HR_EXIT_OK : HR_EXIT_ERROR;
		goto out;
	}
	if (hr_file_write_atomic(ini_path, ini, ini_len, err, sizeof(err)) < 0) {
		hr_cli_error("%s", err);
		rc = HR_EXIT_ERROR;
		goto out;
	}
	printf("hook-run: wrote %s", ini_path);
	if (unborn)
		printf(" (HEAD has no commit yet: the defaults)\n");
	else
		printf(" (%zu Dockerfile%s in HEAD, %zu finding%s)\n", scan.matched.len,
			scan.matched.len == 1 ? "" : "s", t.findings, t.findings == 1 ? "" : "s");
	if (with_baseline && !unborn) {
		if (hr_file_write_atomic(base_path, json, json_len, err, sizeof(err)) < 0) {
			hr_cli_error("%s", err);
			rc = HR_EXIT_ERROR;
			goto out;
		}
		printf("hook-run: wrote %s (the %zu finding%s of HEAD, hidden from check, fix and audit)\n",
			base_path, t.findings, t.findings == 1 ? "" : "s");
	}
	printf("Next: commit %s, then install the hooks:\n"
	       "  hook-run install             # in each clone: pre-commit and pre-merge-commit\n"
	       "  hook-run install --server    # in the server's bare repository: pre-receive\n",
		with_baseline && !unborn ? "both files" : "it");
	rc = fflush(stdout) == 0 ? HR_EXIT_OK : HR_EXIT_ERROR;
out:
	if (json_out)
		fclose(json_out);
	if (ini_out)
		fclose(ini_out);
	if (every_init)
		hr_policy_free(&every);
	hr_reporter_free(reporter);
	scan_free(&scan);
	free(json);
	free(ini);
	free(ini_path);
	free(base_path);
	hr_repo_free(repo);
	hr_cli_common_free(&common);
	return rc;
}
