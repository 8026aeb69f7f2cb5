#!/bin/sh
# SPDX-License-Identifier: MIT
# daemon-server-budget.sh - test/git/server-budget.sh with every pre-receive hook judged by
# `hook-run serve` (lib-git.sh, HOOK_RUN_TEST_VIA_DAEMON): the same
# expected transcripts and exit codes as in process.
HOOK_RUN_TEST_VIA_DAEMON=1
export HOOK_RUN_TEST_VIA_DAEMON
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/server-budget.sh"
