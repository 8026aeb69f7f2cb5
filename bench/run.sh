#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/run.sh - parse throughput over the conformance corpus.
#
#   sh bench/run.sh [BUILDDIR]      (or: make bench, from the build directory)
#
# Runs bench/parse-bench over every Dockerfile of the corpus (the files that
# have a .buildkit.json next to them; test/cases when there is no corpus)
# for BENCH_ROUNDS rounds (default 200) in one process, and prints the
# parser's MB/s next to a memchr line-count baseline over the same bytes,
# and their ratio. Figures only: nothing here passes or fails on speed.
#
# Paths: the source tree is where this script lives; the build tree is
# BUILDDIR, else $TOP_BUILDDIR, else the current directory when it holds
# bench/parse-bench (as it does under `make bench`), else the source tree.
# HOOK_RUN_CONFORMANCE names another corpus.
set -u
srcdir=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 1 ]; then
	builddir=$1
elif [ -n "${TOP_BUILDDIR:-}" ]; then
	builddir=$TOP_BUILDDIR
elif [ -x bench/parse-bench ]; then
	builddir=$(pwd)
else
	builddir=$srcdir
fi
bench=$builddir/bench/parse-bench
rounds=${BENCH_ROUNDS:-200}
corpus=${HOOK_RUN_CONFORMANCE:-$srcdir/../shared/conformance}

if [ ! -x "$bench" ]; then
	echo "bench/run.sh: $bench not built (run 'make bench/parse-bench' in the build tree)" >&2
	exit 2
fi

list=$(mktemp "${TMPDIR:-/tmp}/hook-run-bench.XXXXXX")
trap 'rm -f "$list"' EXIT
if [ -d "$corpus" ]; then
	what="conformance corpus ($corpus)"
	find "$corpus" -name '*.buildkit.json' | LC_ALL=C sort | sed 's/\.buildkit\.json$//' >"$list"
else
	what="test/cases (no corpus at $corpus)"
	find "$srcdir/test/cases" -type f -name Dockerfile | LC_ALL=C sort >"$list"
	rounds=${BENCH_ROUNDS:-5000}
fi
if [ ! -s "$list" ]; then
	echo "bench/run.sh: no input files" >&2
	exit 2
fi

echo "hook-run parse benchmark: $what, $(wc -l <"$list") files, $rounds rounds"
tr '\n' '\0' <"$list" | xargs -0 "$bench" "$rounds"
