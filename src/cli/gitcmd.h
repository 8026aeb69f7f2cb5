/*
 * gitcmd.h - what the git commands (pre-commit, pre-receive, audit,
 * install) share: opening the repository with messages and exit codes,
 * layering the configuration from the right snapshot, and judging the
 * changes a git source hands out.
 */
#ifndef HOOK_RUN_CLI_GITCMD_H
#define HOOK_RUN_CLI_GITCMD_H

#include "options.h"
#include "hook-run/check.h"
#include "hook-run/git.h"
#include "hook-run/report.h"

/* Open the repository around `start_dir` (NULL: "."); prints errors. 0 or an exit code. */
int hr_cli_repo_open(hr_repo **out, const char *start_dir);

/*
 * The policy: defaults, then ONE configuration source, the first of
 * --config FILE, $HOOK_RUN_CONFIG, `server_file` (when it exists), the
 * snapshot's `.hook-run.ini` (`data`, `len`, shown as `name`; NULL when
 * there is none), then the command-line overrides. Prints errors; 0 or an
 * exit code (2 for a configuration error).
 */
int hr_cli_policy_layered(hr_cli_common *c, const char *server_file,
	const char *data, size_t len, const char *name);

/* Judges hr_change values: read the blob once, check, report. */
typedef struct hr_change_checker {
	hr_repo *repo;
	hr_cli_common *common;         /* the policy and --baseline */
	const hr_policy *policy;
	hr_reporter *reporter;
	hr_report_summary *summary;
	const hr_ref_update *updates;  /* ref names for the report, or NULL */
	bool show_commit;              /* findings name their commit */
	const hr_oid *last_bad_commit; /* to count the commits with findings */
	hr_oid last_bad;
	size_t bad_commits;
	size_t blobs_read;             /* blobs read and checked (each distinct clean one once) */
	bool error;                    /* an error was printed */
	double deadline;               /* hr_cli_budget_clock() value; 0: no budget */
	bool timed_out;                /* the deadline stopped the source */
} hr_change_checker;

/*
 * An hr_change_fn: a blob judged clean before is counted and skipped
 * (verdict 1); one with findings is read and reported again under its new
 * (commit, path) (verdict 2). Findings go through hr_cli_report_file(), so
 * --baseline hides what it records. Before each blob is read the deadline
 * is checked: past it, HR_ETIMEOUT stops the source (nothing printed).
 * Errors are printed and stop the source.
 */
int hr_cli_check_change(const hr_change *c, void *payload);

/*
 * The clock of the time budget: hr_git_now(), seconds on a monotonic
 * clock. For tests, HOOK_RUN_TEST_CLOCK_STEP=SECONDS makes it a counter
 * that advances by that much at every reading, so a budget runs out after
 * a known number of readings (one at the start, one per 256 updates peeled
 * and per 256 refs hidden, one per commit walked, one per 1024 trees, one
 * per blob about to be read, one per 1024 new commits listed), whatever
 * the machine's speed.
 */
double hr_cli_budget_clock(void);

/* --stats: what a walk cost, on standard error (for tests and benchmarks). */
void hr_cli_print_walk_stats(const hr_walk_stats *stats, const hr_change_checker *checker);

/* Exit code for a source's return value after printing `err` if needed. */
int hr_cli_git_failure(int rc, const char *err, const hr_change_checker *checker);

#endif
