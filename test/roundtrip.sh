#!/bin/sh
# SPDX-License-Identifier: MIT
# roundtrip.sh - the fixer's promises over the conformance corpus (real
# Dockerfiles) and over test/cases, in both fix modes: the output re-parses
# to the same instructions plus --link and the directive, no other byte
# changes, and a second fix changes nothing. See test/fix_roundtrip.c.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
corpus=${HOOK_RUN_CONFORMANCE:-$TOP_SRCDIR/../shared/conformance}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hook-run-rt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

{
	if [ -d "$corpus" ]; then
		find "$corpus" -type f ! -name '*.buildkit.json' ! -name 'result' ! -name '*.tsv' ! -name '*.md'
	else
		echo "# conformance corpus not found at $corpus: test/cases only" >&2
	fi
	find "$TOP_SRCDIR/test/cases" -name 'Dockerfile' -o -name 'fixed.Dockerfile'
} | LC_ALL=C sort >"$tmp/list"

n=0
status=0
for mode in safe all; do
	tr '\n' '\0' <"$tmp/list" | xargs -0 "$TOP_BUILDDIR/test/fix-roundtrip" "$mode" >"$tmp/$mode.tap"
	[ $? -eq 0 ] || status=1
done
# merge the two runs into one TAP stream
total=0
for mode in safe all; do
	grep -E '^(ok|not ok) ' "$tmp/$mode.tap" | while IFS= read -r line; do
		echo "$line"
	done | sed -E "s/^(ok|not ok) [0-9]+ - /\\1 - [$mode] /"
	grep '^#' "$tmp/$mode.tap"
done >"$tmp/merged.tap"
total=$(grep -cE '^(ok|not ok) ' "$tmp/merged.tap")
cat "$tmp/merged.tap"
echo "1..$total"
exit $status
