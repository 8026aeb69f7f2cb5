#!/bin/sh
# SPDX-License-Identifier: MIT
# daemon-repo-open.sh - test/git/repo-open.sh with every pre-receive hook judged by
# `hook-run serve` (lib-git.sh, HOOK_RUN_TEST_VIA_DAEMON): the same
# expected transcripts and exit codes as in process.
HOOK_RUN_TEST_VIA_DAEMON=1
export HOOK_RUN_TEST_VIA_DAEMON
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/repo-open.sh"
