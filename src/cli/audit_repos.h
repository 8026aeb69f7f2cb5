/* SPDX-License-Identifier: MIT */
/*
 * audit_repos.h - `hook-run audit --repos ROOT` (audit_repos.c).
 */
#ifndef HOOK_RUN_CLI_AUDIT_REPOS_H
#define HOOK_RUN_CLI_AUDIT_REPOS_H

#include <stdbool.h>

#include "options.h"

/*
 * Judge the default branch (or, with `all_refs`, every branch and tag) of
 * every repository under `root` with the policy of `common`, `jobs`
 * processes at a time, and report them in order. Returns an exit code.
 */
int hr_cli_audit_repos(hr_cli_common *common, const char *root, unsigned jobs, bool all_refs);

#endif
