/* SPDX-License-Identifier: MIT */
/*
 * gitcmd.h - what the git commands (pre-commit, pre-receive, audit,
 * install) share: opening the repository with messages and exit codes,
 * and layering the configuration from the right snapshot. Judging the
 * changes a git source hands out is the engine's (hr_judge, engine.h).
 */
#ifndef HOOK_RUN_CLI_GITCMD_H
#define HOOK_RUN_CLI_GITCMD_H

#include "options.h"
#include "hook-run/check.h"
#include "hook-run/engine.h"
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

/*
 * `baseline = FILE` of the policy, when no --baseline was given: read from
 * `treeish` (repository-relative) when the policy came from that snapshot's
 * .hook-run.ini, else from disk beside the configuration file. Prints
 * errors; 0 or an exit code.
 */
int hr_cli_policy_baseline(hr_cli_common *c, hr_repo *repo, const hr_oid *treeish, bool from_snapshot);

/* --stats: what a walk cost, on standard error (for tests and benchmarks). */
void hr_cli_print_walk_stats(const hr_walk_stats *stats, const hr_judge *judge);

/* Exit code for a source's return value after printing `err` if needed. */
int hr_cli_git_failure(int rc, const char *err, const hr_judge *judge);

#endif
