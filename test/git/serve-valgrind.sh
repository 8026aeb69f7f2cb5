#!/bin/sh
# SPDX-License-Identifier: MIT
# serve-valgrind.sh - a load run of `hook-run serve` (serve-load.sh, smaller)
# with the supervisor and every worker under valgrind's memcheck: no invalid
# read or write, no use of uninitialised memory, nothing definitely lost.
# Skipped without valgrind.
if ! command -v valgrind >/dev/null 2>&1; then
	echo "1..0 # SKIP valgrind is not installed"
	exit 0
fi
LOAD_REPOS=20 LOAD_PUSHES=12 LOAD_PARALLEL=4
LOAD_POLICY='[pre-receive]
timeout = 0'
SERVE_WRAPPER="valgrind --trace-children=yes --leak-check=full --errors-for-leak-kinds=definite --log-file=@TMP@/vg.%p"
export LOAD_REPOS LOAD_PUSHES LOAD_PARALLEL LOAD_POLICY
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/serve-load.sh"
