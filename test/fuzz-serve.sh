#!/bin/sh
# fuzz-serve.sh - the fuzz target of the daemon's message reader
# (fuzz/fuzz_serve_message.c): its seed corpus replayed through the
# ordinary build (fuzz/replay-serve-message), then, where clang has
# libFuzzer, a short fuzzing run with ASan and UBSan over that corpus.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

replay=$TOP_BUILDDIR/fuzz/replay-serve-message
corpus=$TOP_SRCDIR/fuzz/corpus/serve_message

test_expect_success 'the seed corpus replays without a failed property' '
	"$replay" "$corpus"/*
'

if command -v clang >/dev/null 2>&1 &&
	echo "int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }" >"$TEST_TMP/probe.c" &&
	clang -fsanitize=fuzzer "$TEST_TMP/probe.c" -o "$TEST_TMP/probe" 2>/dev/null; then
test_expect_success 'libFuzzer, ASan and UBSan for a few seconds find nothing' '
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-D_GNU_SOURCE -I"$TOP_SRCDIR/include" -I"$TOP_SRCDIR/src/lib" \
		"$TOP_SRCDIR/fuzz/fuzz_serve_message.c" "$TOP_SRCDIR/src/lib/proto.c" \
		"$TOP_BUILDDIR/libhookrun.a" $(pkg-config --libs libgit2 jansson inih zlib lmdb) \
		-o fuzzer 2>build.err || { cat build.err; false; } &&
	mkdir corpus && cp "$corpus"/* corpus/ &&
	./fuzzer -max_total_time=5 -max_len=8192 corpus >fuzz.log 2>&1 || { tail -40 fuzz.log; false; }
'
else
	test_skip 'libFuzzer, ASan and UBSan for a few seconds find nothing' 'clang with libFuzzer is not installed'
fi

test_done
