#!/bin/sh
# SPDX-License-Identifier: MIT
# serve-load-big.sh - test/git/serve-load.sh at the size of the issue: 200
# concurrent pushes into 1000 bare repositories sharing an alternate, 16 at a
# time (about a minute). Not part of `make check`.
#
#   HOOK_RUN=_build/hook-run sh bench/serve-load-big.sh
top=$(cd "$(dirname "$0")/.." && pwd)
LOAD_REPOS=${LOAD_REPOS:-1000} LOAD_PUSHES=${LOAD_PUSHES:-200} LOAD_PARALLEL=${LOAD_PARALLEL:-16}
TOP_SRCDIR=$top
export LOAD_REPOS LOAD_PUSHES LOAD_PARALLEL TOP_SRCDIR
exec sh "$top/test/git/serve-load.sh"
