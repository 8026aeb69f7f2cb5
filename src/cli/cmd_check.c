/* SPDX-License-Identifier: MIT */
/*
 * cmd_check.c - `hook-run check [PATH...]` and `hook-run fix [PATH...]`:
 * the policy over files in the working tree (or standard input).
 *
 * Both commands walk the same way: an explicit file is checked whatever its
 * name, a directory is searched with the policy's path patterns, `-` is
 * standard input, no argument is the current directory. `fix` writes each
 * changed file atomically (temporary file, fsync, rename, mode kept) and
 * then reports what is left; `--diff` adds a unified diff, `--dry-run`
 * prints only the diff and writes nothing.
 *
 * Symbolic links are never followed: a link named like a Dockerfile (found
 * by the search or named on the command line), or a directory on the way
 * that is a link, is reported as an UncheckableFile finding saying so, and
 * neither read (`ln -s /proc/self/environ Dockerfile` would put a CI job's
 * secrets into its report) nor written through (`fix` would change a file
 * outside the repository).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "hook-run/context.h"
#include "options.h"
#include "hook-run/check.h"
#include "hook-run/diff.h"
#include "hook-run/fileio.h"

typedef struct run_state {
	hr_cli_common common;
	bool fix;
	bool diff;
	bool dry_run;
	const char *stdin_name;
	hr_reporter *reporter;
	hr_report_summary summary;
	int io_error;
} run_state;

static void usage(FILE *out, bool fix)
{
	if (fix)
		fputs("usage: hook-run fix [options] [--diff] [--dry-run] [PATH...]\n\n"
		      "Apply the fixes the policy allows to each Dockerfile (minimal byte edits,\n"
		      "written atomically), print what changed, then report what is left.\n"
		      "Exit 1 when findings remain.\n\n"
		      "  --diff               print a unified diff of each change\n"
		      "  --dry-run            print only the diff; write nothing\n", out);
	else
		fputs("usage: hook-run check [options] [PATH...]\n\n"
		      "Check Dockerfiles against the policy: files are checked whatever their\n"
		      "name, directories are searched with the `paths` patterns (less exclude,\n"
		      "exclude-suffixes, vendored, and what the working tree's .gitattributes\n"
		      "say), '-' reads standard input; no PATH means the current directory.\n"
		      "Exit 0 clean, 1 findings, 2 usage or configuration error, 3 I/O error.\n\n", out);
	fputs("  --stdin-filename NAME  the name to show for '-'\n", out);
	fputs(hr_common_options_help, out);
}

/* Read, check, maybe fix, report one file. */
static void run_one(run_state *s, const char *path)
{
	const hr_policy *policy = &s->common.policy;
	bool is_stdin = !strcmp(path, "-");
	const char *shown = is_stdin ? (s->stdin_name ? s->stdin_name : "<stdin>") : path;
	char err[1024];
	char *data = NULL, *fixed = NULL, *diff = NULL;
	size_t len = 0;
	hr_result *res = NULL, *after = NULL;
	hr_report_item item = { .path = shown, .from_stdin = is_stdin };
	hr_fs_context *ctx = NULL;
	hr_build_context view, *viewp = NULL;

	/* the build context around the file: which sources are files or folders */
	if (!is_stdin && hr_fs_context_new(&ctx, &view, path) == 0)
		viewp = &view;

	/* never through a symbolic link: a repository can point one anywhere */
	char target[256];
	int rc = is_stdin ? hr_file_read(&data, &len, path, policy->max_size, err, sizeof(err))
		: hr_file_read_beneath(&data, &len, NULL, path, policy->max_size, target, sizeof(target),
			err, sizeof(err));
	if (rc == HR_ETOOBIG) {
		snprintf(err, sizeof(err), "larger than max-size (%zu bytes): not read", policy->max_size);
		rc = hr_check_skipped(&res, err, policy);
	} else if (rc == HR_ESYMLINK) {
		char why[1200];
		if (target[0])
			snprintf(why, sizeof(why), "a symbolic link (to '%s'): not followed, hook-run reads no "
				"file through a link; check the file it points to instead", target);
		else
			snprintf(why, sizeof(why), "not read: %s", err);
		rc = hr_check_skipped(&res, why, policy);
	} else if (rc < 0) {
		hr_cli_error("%s", err);
		s->io_error = 1;
		s->summary.unreadable++;
		return;
	} else {
		rc = hr_check_ext(&res, data, len, policy, viewp);
	}
	if (rc < 0) {
		hr_cli_error("cannot check '%s': %s", shown, hr_error_str(rc));
		s->io_error = 1;
		goto out;
	}
	item.result = res;

	if (s->fix && res->df) {
		size_t flen, applied;
		rc = hr_fix(&fixed, &flen, &applied, res, policy);
		if (rc == HR_EINVALID) {
			hr_cli_error("'%s': a fix did not verify; the file is left as it was (please report this)", shown);
			s->io_error = 1;
		} else if (rc < 0) {
			hr_cli_error("cannot fix '%s': %s", shown, hr_error_str(rc));
			s->io_error = 1;
		} else if (applied) {
			if ((s->diff || s->dry_run) && hr_diff_unified(&diff, data, len, fixed, flen, shown) < 0) {
				hr_cli_error("out of memory");
				s->io_error = 1;
				goto out;
			}
			if (!s->dry_run) {
				if (is_stdin) {
					fwrite(fixed, 1, flen, stdout);
				} else {
					/* read without a link on the way, written the same way */
					rc = hr_path_check_beneath(NULL, path, err, sizeof(err));
					if (rc == 0)
						rc = hr_file_write_atomic(path, fixed, flen, err, sizeof(err));
					if (rc < 0) {
						hr_cli_error("%s", err);
						s->io_error = 1;
						goto out;
					}
				}
			}
			/* what is left: check the new content */
			if (hr_check_ext(&after, fixed, flen, policy, viewp) == 0) {
				item.result = after;
			}
			item.fixed = applied;
			item.diff = diff;
			s->summary.fixed += applied;
		} else if (is_stdin && !s->dry_run) {
			fwrite(data, 1, len, stdout);
		}
	}
	if (s->dry_run && diff)
		fputs(diff, stdout);
	/* --baseline applies here: what it hides is neither printed nor counted */
	if (hr_cli_report_file(&s->common, s->reporter, &item, !s->dry_run && !(s->fix && is_stdin),
		&s->summary) < 0)
		s->io_error = 1;
out:
	hr_fs_context_free(ctx);
	hr_result_free(after);
	hr_result_free(res);
	free(fixed);
	free(diff);
	free(data);
}

static int run(int argc, char **argv, bool fix)
{
	static const struct option opts[] = {
		HR_COMMON_LONG_OPTIONS,
		{ "stdin-filename", required_argument, NULL, 'n' },
		{ "diff", no_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	run_state s;
	int c, exit_code = HR_EXIT_OK;
	hr_pathlist files = { NULL, 0, 0 };

	memset(&s, 0, sizeof(s));
	hr_cli_common_init(&s.common);
	s.fix = fix;
	optind = 0;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		int r = hr_cli_common_option(&s.common, c, optarg);
		if (r < 0)
			return -r;
		if (r > 0)
			continue;
		switch (c) {
		case 'n':
			s.stdin_name = optarg;
			break;
		case 'd':
			if (!fix)
				goto bad;
			s.diff = true;
			break;
		case 'N':
			if (!fix)
				goto bad;
			s.dry_run = true;
			break;
		case 'h':
			usage(stdout, fix);
			return HR_EXIT_OK;
		default:
bad:
			usage(stderr, fix);
			return HR_EXIT_USAGE;
		}
	}
	/* run by the pre-commit framework: HOOK_RUN=0 bypasses, and says so */
	const char *bypass = getenv("PRE_COMMIT") ? hr_cli_client_bypass(false) : NULL;
	if (bypass) {
		printf("hook-run: %s\n", bypass);
		return HR_EXIT_OK;
	}
	const char *start = optind < argc && strcmp(argv[optind], "-") ? argv[optind] : ".";
	struct stat st;
	char start_dir[PATH_MAX];
	snprintf(start_dir, sizeof(start_dir), "%s", start);
	if (stat(start, &st) == 0 && !S_ISDIR(st.st_mode)) {
		/* a file: configuration is found from its directory */
		char *slash = strrchr(start_dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(start_dir, sizeof(start_dir), ".");
	}
	int rc = hr_cli_load_policy(&s.common, start_dir);
	if (rc)
		goto done_policy;

	/* the files */
	if (optind >= argc) {
		if ((rc = hr_cli_find_dockerfiles(&files, ".", &s.common.policy)) != 0)
			goto done;
	}
	for (int i = optind; i < argc; i++) {
		const char *p = argv[i];
		if (strcmp(p, "-") && stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			if ((rc = hr_cli_find_dockerfiles(&files, p, &s.common.policy)) != 0)
				goto done;
			continue;
		}
		if (files.len == files.cap) {
			size_t cap = files.cap ? files.cap * 2 : 16;
			char **items = realloc(files.items, cap * sizeof(char *));
			if (!items) {
				rc = HR_EXIT_ERROR;
				goto done;
			}
			files.items = items;
			files.cap = cap;
		}
		files.items[files.len++] = strdup(p);
	}

	hr_report_opts ro;
	hr_cli_report_opts(&s.common, &ro, stdout);
	ro.fix_command = fix ? NULL : "hook-run fix";
	if ((rc = hr_cli_reporter_new(&s.reporter, &ro)) != 0)
		goto done;
	for (size_t i = 0; i < files.len; i++)
		run_one(&s, files.items[i]);
	s.summary.elapsed = hr_cli_elapsed();
	s.summary.what = "file";
	if (!s.dry_run && !(fix && files.len == 1 && !strcmp(files.items[0], "-")))
		if (hr_reporter_finish(s.reporter, &s.summary) < 0)
			s.io_error = 1;
	if (s.dry_run && !s.io_error && s.summary.failing && !s.common.quiet) {
		/* --dry-run prints only the diff: without this line, its exit 1 says nothing */
		fprintf(stderr, "hook-run: fix --dry-run: %zu fix%s would be made; %zu finding%s would be left "
			"that %s (`hook-run check` shows %s)\n", s.summary.fixed, s.summary.fixed == 1 ? "" : "es",
			s.summary.failing, s.summary.failing == 1 ? "" : "s",
			s.common.policy.fix_mode == HR_FIX_MODE_SAFE ? "no safe fix removes" : "no fix removes",
			s.summary.failing == 1 ? "it" : "them");
	}
	if (s.io_error)
		exit_code = HR_EXIT_ERROR;
	else if (s.summary.failing)
		exit_code = HR_EXIT_FINDINGS;
	rc = exit_code;
done:
	hr_reporter_free(s.reporter);
	hr_pathlist_free(&files);
done_policy:
	hr_cli_common_free(&s.common);
	return rc;
}

int hr_cmd_check(int argc, char **argv)
{
	return run(argc, argv, false);
}

int hr_cmd_fix(int argc, char **argv)
{
	return run(argc, argv, true);
}
