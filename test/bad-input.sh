#!/bin/sh
# SPDX-License-Identifier: MIT
# bad-input.sh - `hook-run parse` on input nobody should commit: a binary, a
# 100 MB file, a 10 MB line, a lone escape character, random bytes. Each run
# must end with a diagnostic and a non-zero exit: never a crash (exit >= 128),
# never a hang (each run is cut at 120 s by timeout(1)).
#
# Big inputs are generated here in a temporary directory, never committed.
# Elapsed times are printed as TAP comments (figures only: nothing asserts
# them, machines differ). A random input that fails is kept as
# $TOP_BUILDDIR/test/bad-input-failed.<n> so the failure can be replayed.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

times=$TEST_TMP/times
: >"$times"

now_ms() {
	t=$(date +%s%N 2>/dev/null)
	case $t in
	*N|'') echo "$(($(date +%s) * 1000))" ;;
	*) echo "$((t / 1000000))" ;;
	esac
}

# expect_refused WHAT WANT HOOK-RUN-ARGS...: run hook-run (output in ./out,
# ./err); it must exit 1-127 but not 124 (timeout), and WANT (a fixed
# string) must appear in its output.
expect_refused() {
	what=$1 want=$2
	shift 2
	start=$(now_ms)
	timeout 120 "$HOOK_RUN" "$@" >out 2>err
	code=$?
	end=$(now_ms)
	echo "# $what: exit $code in $((end - start)) ms" >>"$times"
	if [ "$code" -eq 124 ]; then
		echo "hang: hook-run still ran after 120 s" >&2
		return 1
	fi
	if [ "$code" -ge 128 ]; then
		echo "crash: hook-run died of signal $((code - 128))" >&2
		return 1
	fi
	if [ "$code" -eq 0 ]; then
		echo "bad input accepted: exit 0" >&2
		return 1
	fi
	if ! grep -qF -- "$want" out err; then
		echo "no diagnostic saying '$want'; stdout:" >&2
		head -c 2000 out >&2
		echo "stderr:" >&2
		head -c 2000 err >&2
		return 1
	fi
}

# the JSON model must carry an error diagnostic
has_error_diag() {
	grep -q '"diagnostics":\[{"severity":"error"' out || {
		echo "no error diagnostic in the model" >&2
		head -c 2000 out >&2
		return 1
	}
}

test_expect_success 'a binary file is refused' '
	head -c 65536 "$HOOK_RUN" >binary &&
	expect_refused "binary (64 KiB of an ELF file)" "binary content: NUL byte" \
		parse --compact binary &&
	has_error_diag
'

test_expect_success 'a 100 MB file is refused by the size limit' '
	yes "$(printf "RUN echo %070d" 0)" | head -n 1250000 >big &&
	test "$(wc -c <big)" -eq 100000000 &&
	expect_refused "100 MB, default --max-size" "larger than the 4194304 byte limit" \
		parse --compact big
'

test_expect_success 'a 100 MB file read whole: one pass, then the error at its end' '
	{
		printf "FROM alpine\\n"
		yes "$(printf "%99s" "")" | head -n 1000000
		printf "RUN <<EOF\\nnever terminated\\n"
	} >big &&
	test "$(wc -c <big)" -gt 100000000 &&
	expect_refused "100 MB, --max-size 0 (parsed whole)" "unterminated heredoc" \
		parse --compact --max-size 0 big &&
	has_error_diag
'

test_expect_success 'a 100 MB heredoc that never ends' '
	{
		printf "FROM alpine\\nRUN <<EOF\\n"
		yes "$(printf "%99s" "")" | head -n 1000000
	} >big &&
	expect_refused "100 MB unterminated heredoc body, --max-size 0" "unterminated heredoc" \
		parse --compact --max-size 0 big &&
	has_error_diag
'

make_long_line() {
	{
		printf "FROM alpine\nRUN "
		head -c 10485760 /dev/zero | tr "\0" x
		printf "\nRUN echo after\n"
	} >long
}

test_expect_success 'a 10 MB line, parsed: over the scanner limit' '
	make_long_line &&
	expect_refused "10 MB line, --max-size 0 (parsed)" \
		"dockerfile line greater than max allowed size of 65535" \
		parse --compact --max-size 0 long &&
	has_error_diag
'

test_expect_success 'a 10 MB line, size limit: refused before reading' '
	make_long_line &&
	expect_refused "10 MB line, default --max-size" "larger than the 4194304 byte limit" \
		parse --compact long
'

test_expect_success 'a 10 MB line inside a continuation' '
	{
		printf "FROM alpine\nRUN a \\\\\n"
		head -c 10485760 /dev/zero | tr "\0" " "
		printf "\n"
	} >long &&
	expect_refused "10 MB blank line in a continuation, --max-size 0" \
		"dockerfile line greater than max allowed size of 65535" \
		parse --compact --max-size 0 long
'

test_expect_success '10 million empty lines' '
	head -c 10000000 /dev/zero | tr "\0" "\n" >lines &&
	expect_refused "10 million newlines, --max-size 0" "file with no instructions" \
		parse --compact --max-size 0 lines &&
	has_error_diag
'

test_expect_success 'a file of only the escape character' '
	printf "\\\\" >backslash &&
	test "$(wc -c <backslash)" -eq 1 &&
	expect_refused "a lone backslash" "unknown instruction" parse --compact backslash &&
	has_error_diag
'

test_expect_success 'a directory is not a file' '
	mkdir dir &&
	expect_refused "a directory" "is a directory" parse --compact dir
'

n=0
for size in 4096 65536 65536 1048576 1048576; do
	n=$((n + 1))
	test_expect_success "random bytes ($size, sample $n)" '
		head -c $size /dev/urandom >random &&
		if ! expect_refused "random $size bytes (sample $n)" "\"severity\":\"error\"" \
			parse --compact --max-size 0 random; then
			cp random "$TOP_BUILDDIR/test/bad-input-failed.$n" 2>/dev/null
			false
		fi
	'
done

test_expect_success 'random bytes on standard input' '
	head -c 65536 /dev/urandom >random &&
	expect_refused "random 64 KiB on stdin" "\"severity\":\"error\"" \
		parse --compact - <random
'

cat "$times"
test_done
