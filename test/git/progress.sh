#!/bin/sh
# SPDX-License-Identifier: MIT
# progress.sh - the progress line of long audits (--history, --range,
# --repos): on standard error when it is a terminal (driven through
# script(1) and a pty), erased at the end, and nothing at all when standard
# error is a file or a pipe, or when the work ends within the delay. The
# report on standard output is the same bytes either way.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# history DIR N: N commits, each changing the Dockerfile (a finding each)
history() {
	git init -q "$1" && (
		cd "$1" && i=0 &&
		while [ $i -lt "$2" ]; do
			i=$((i + 1)) &&
			printf "FROM alpine\nCOPY a$i /b\n" >Dockerfile && echo $i >f &&
			git add . && commit_unchecked "c$i" || return 1
		done
	)
}

# on_tty OUT CMD: run CMD (a shell command line) with standard error on a
# pty, what the terminal received into OUT; the exit code is CMD's
on_tty() {
	script -qec "$2" /dev/null </dev/null >"$1"
}

# erased FILE: what the terminal shows at the end (after the last \r) is blank
erased() {
	tail -c 200 "$1" | tr '\r' '\n' | tail -n 1 >last &&
	! grep -q "[^ ]" last
}

if ! command -v script >/dev/null 2>&1; then
	test_skip 'progress on a terminal' "no script(1)"
elif ! script -qec true /dev/null </dev/null >/dev/null 2>&1; then
	test_skip 'progress on a terminal' "script(1) cannot get a pty here"
else
	test_expect_success 'audit --history: count, rate and ETA on a terminal, erased at the end' '
		history r 30 && cd r &&
		test_expect_code 1 "$HOOK_RUN" audit --history >plain.out 2>plain.err &&
		HOOK_RUN_TEST_PROGRESS_DELAY=0 test_expect_code 1 on_tty tty.out \
			"\"$HOOK_RUN\" audit --history >report.out" &&
		grep -q "hook-run: audit --history: 0 of 30 commits (0%), 0/s" tty.out &&
		grep -q "hook-run: audit --history: 29 of 30 commits (96%), [0-9]*/s, ETA [0-9]*s" tty.out &&
		erased tty.out &&
		test_cmp plain.out report.out && test ! -s plain.err
	'

	test_expect_success 'audit --range: the same for a large range' '
		history r 30 && cd r &&
		HOOK_RUN_TEST_PROGRESS_DELAY=0 test_expect_code 1 on_tty tty.out \
			"\"$HOOK_RUN\" audit --range HEAD~25..HEAD >report.out" &&
		grep -q "hook-run: audit --range: 24 of 25 commits (96%)" tty.out &&
		erased tty.out &&
		test_expect_code 1 "$HOOK_RUN" audit --range HEAD~25..HEAD >plain.out 2>plain.err &&
		test_cmp plain.out report.out && test ! -s plain.err
	'

	test_expect_success 'audit --repos: repositories judged, with one job and with several' '
		mkdir fleet && history fleet/a 2 && history fleet/b 1 && git init -q --bare fleet/c.git &&
		HOOK_RUN_TEST_PROGRESS_DELAY=0 test_expect_code 1 on_tty tty1.out \
			"\"$HOOK_RUN\" audit --repos fleet --jobs 1 >report1.out" &&
		grep -q "hook-run: audit --repos: 2 of 3 repositories (66%)" tty1.out && erased tty1.out &&
		HOOK_RUN_TEST_PROGRESS_DELAY=0 test_expect_code 1 on_tty tty2.out \
			"\"$HOOK_RUN\" audit --repos fleet --jobs 2 >report2.out" &&
		grep -q "hook-run: audit --repos: 3 of 3 repositories (100%)" tty2.out && erased tty2.out &&
		test_cmp report1.out report2.out &&
		test_expect_code 1 "$HOOK_RUN" audit --repos fleet >plain.out 2>plain.err &&
		test_cmp plain.out report1.out && test ! -s plain.err
	'

	test_expect_success 'work that ends within the delay shows nothing, even on a terminal' '
		history r 5 && cd r &&
		test_expect_code 1 on_tty tty.out "\"$HOOK_RUN\" audit --history >report.out" &&
		test ! -s tty.out
	'

	test_expect_success 'findings printed on the same terminal start on a line of their own' '
		history r 10 && cd r &&
		HOOK_RUN_TEST_PROGRESS_DELAY=0 test_expect_code 1 on_tty tty.out \
			"\"$HOOK_RUN\" audit --history --no-color" &&
		tr "\r" "\n" <tty.out | grep "Dockerfile:2:1: error" >lines &&
		test $(wc -l <lines) = 10 &&
		! grep -v "^[0-9a-f]*:Dockerfile:2:1: error" lines
	'
fi

test_expect_success 'standard error a file or a pipe: no progress at all' '
	history r 30 && cd r &&
	HOOK_RUN_TEST_PROGRESS_DELAY=0 test_expect_code 1 "$HOOK_RUN" audit --history >out 2>err &&
	test ! -s err &&
	HOOK_RUN_TEST_PROGRESS_DELAY=0 test_expect_code 1 "$HOOK_RUN" audit --range HEAD~20..HEAD >out 2>err &&
	test ! -s err &&
	{ HOOK_RUN_TEST_PROGRESS_DELAY=0 "$HOOK_RUN" audit --history 2>&1 >/dev/null | cat >piped; } &&
	test ! -s piped
'

test_done
