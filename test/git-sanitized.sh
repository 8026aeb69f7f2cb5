#!/bin/sh
# SPDX-License-Identifier: MIT
# git-sanitized.sh - the real-git test scripts again, against hook-run-san
# (the same sources built with AddressSanitizer and UBSan by `make
# check`), and the fuzz corpora and crash reproducers through the
# sanitized replay binaries. Any sanitizer report fails the test, even
# when the exit codes the scripts check happen to come out right: the
# reports go to log files (ASAN_OPTIONS/UBSAN_OPTIONS log_path), one per
# process, which must stay absent. Leaks count (LeakSanitizer).
#
# Skipped, with the reason, when configure found no sanitizer support
# (--disable-sanitized-tests, or a compiler without libasan).
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

san=$TOP_BUILDDIR/hook-run-san
# Not here: serve-valgrind.sh (valgrind cannot run an ASan binary) and the
# daemon-*.sh variants (the same scripts again through the daemon, whose
# code serve.sh and serve-load.sh already run under the sanitizers).
scripts=$(cd "$TOP_SRCDIR/test/git" && ls *.sh | grep -v -e '^lib-' -e '^daemon-' -e '^serve-valgrind')

if [ ! -x "$san" ]; then
	for s in $scripts; do
		test_skip "sanitized: test/git/$s" "no hook-run-san (configure: sanitized tests off or unsupported)"
	done
	test_skip "sanitized: fuzz replays" "no hook-run-san"
	test_done
	exit $?
fi

# san_env DIR: the sanitizer options, reports into DIR
san_env() {
	ASAN_OPTIONS="log_path=$1/asan:detect_leaks=1:exitcode=99:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:fast_unwind_on_malloc=0"
	UBSAN_OPTIONS="log_path=$1/ubsan:print_stacktrace=1:halt_on_error=1:exitcode=99"
	LSAN_OPTIONS="exitcode=99:suppressions=$TOP_SRCDIR/test/lsan.supp:print_suppressions=0"
	export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
}

# no_reports DIR: no sanitizer wrote anything into DIR
no_reports() {
	if ls "$1"/asan.* "$1"/ubsan.* >/dev/null 2>&1; then
		echo "sanitizer reports:" >&2
		cat "$1"/asan.* "$1"/ubsan.* 2>/dev/null | head -80 >&2
		return 1
	fi
}

for s in $scripts; do
	test_expect_success "sanitized: test/git/$s" '
		logs="$TEST_TMP/reports-'"$s"'" && mkdir -p "$logs" &&
		{ (san_env "$logs" && HOOK_RUN="$san" HOOK_RUN_SANITIZED=1 &&
		   export HOOK_RUN HOOK_RUN_SANITIZED &&
		   "${SHELL:-/bin/sh}" "$TOP_SRCDIR/test/git/'"$s"'") >out 2>&1
		  code=$?; } &&
		no_reports "$logs" &&
		if [ "$code" -ne 0 ]; then
			echo "test/git/'"$s"' failed under the sanitizers (exit $code):" >&2
			grep -E "^not ok|^#" out | head -60 >&2
			false
		fi
	'
done

test_expect_success 'sanitized: the fuzz corpora and crash reproducers' '
	logs="$TEST_TMP/reports-fuzz" && mkdir -p "$logs" &&
	for t in dockerfile config reflines baseline rawindex rawtree pack serve_message loose gitconfig packed_refs; do
		dirs="$TOP_SRCDIR/fuzz/corpus/$t" &&
		if [ -d "$TOP_SRCDIR/fuzz/crashes/$t" ]; then dirs="$dirs $TOP_SRCDIR/fuzz/crashes/$t"; fi &&
		(san_env "$logs" && "$TOP_BUILDDIR/fuzz/replay-san-$t" $dirs) >>out 2>&1 || return 1
	done &&
	no_reports "$logs"
'

test_done
