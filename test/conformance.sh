#!/bin/sh
# SPDX-License-Identifier: MIT
# conformance.sh - `hook-run parse` against BuildKit's own parse of ~600 real
# Dockerfiles (../shared/conformance, or $HOOK_RUN_CONFORMANCE). Every file
# is one TAP test; the summary line says how many agree and lists the rest.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${HOOK_RUN:=$TOP_BUILDDIR/hook-run}"
corpus=${HOOK_RUN_CONFORMANCE:-$TOP_SRCDIR/../shared/conformance}

if [ ! -d "$corpus" ]; then
	echo "1..0 # SKIP conformance corpus not found at $corpus (set HOOK_RUN_CONFORMANCE)"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hook-run-conf.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

find "$corpus" -name '*.buildkit.json' | LC_ALL=C sort | sed 's/\.buildkit\.json$//' >"$tmp/list"
# one process for all files; parse errors exit 1, which is expected here
tr '\n' '\0' <"$tmp/list" | xargs -0 "$HOOK_RUN" parse --compact --max-size 0 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -gt 1 ] && [ "$rc" -ne 123 ]; then
	echo "1..1"
	echo "not ok 1 - hook-run parse failed (exit $rc)"
	sed 's/^/# /' "$tmp/err"
	exit 1
fi
"$TOP_BUILDDIR/test/conformance-compare" "$tmp/list" "$tmp/out" | sed "s|$corpus/||"
