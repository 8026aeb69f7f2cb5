#!/bin/sh
# SPDX-License-Identifier: MIT
# fuzz-replay.sh - every committed input of the fuzz targets, replayed:
# the seed corpora (fuzz/corpus/TARGET) and the reproducers of what the
# fuzzers found and was fixed (fuzz/crashes/TARGET), through the targets'
# own entry points and properties (fuzz/replay-TARGET: the fuzz target
# linked with fuzz/standalone.c and this build's flags). In the sanitizer
# build (test/git-sanitized.sh builds the same with ASan and UBSan) an
# invalid access fails here too. A fixed crash stays fixed without clang.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

: "${FUZZ_REPLAY_DIR:=$TOP_BUILDDIR/fuzz}"
for t in dockerfile config reflines baseline rawindex rawtree pack serve_message loose gitconfig packed_refs; do
	test_expect_success "fuzz replay: $t: the seed corpus and every crash reproducer" '
		bin="$FUZZ_REPLAY_DIR/replay-'"$t"'" &&
		test -x "$bin" &&
		test -d "$TOP_SRCDIR/fuzz/corpus/'"$t"'" &&
		dirs="$TOP_SRCDIR/fuzz/corpus/'"$t"'" &&
		if [ -d "$TOP_SRCDIR/fuzz/crashes/'"$t"'" ]; then
			dirs="$dirs $TOP_SRCDIR/fuzz/crashes/'"$t"'"
		fi &&
		timeout 300 "$bin" $dirs 2>err &&
		grep "inputs replayed" err
	'
done

test_done
