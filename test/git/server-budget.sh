#!/bin/sh
# SPDX-License-Identifier: MIT
# server-budget.sh - the time budget of `hook-run pre-receive` ([pre-receive]
# timeout, default 4 s; on-timeout deny or allow), through real pushes and
# direct runs of the hook.
#
# No test depends on the machine's speed. HOOK_RUN_TEST_CLOCK_STEP=S makes
# the budget's clock a counter that advances S seconds at each reading (one
# when the hook starts, one per 256 updates peeled and per 256 refs hidden,
# one per 1024 new commits listed, one per commit compared, one per 1024
# trees read, one per blob about to be read), so a budget runs out at a
# known point of the walk. The one test on the real clock gives 1 ms to a push of
# 2000 commits, which no machine checks in 1 ms, and asserts only that the
# walk stopped early.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# setup [POLICY-LINES]: srv.git with the hook, a base commit pushed, then
# the policy; a client `c` with ten new commits, each changing
# app/Dockerfile (clean), not pushed
setup() {
	git init -q --bare srv.git &&
	(cd srv.git && "$HOOK_RUN" install --server >/dev/null) &&
	git init -q c && cd c && git remote add origin ../srv.git &&
	write_file README "r\n" && git add . && commit_unchecked base &&
	git push -q origin main 2>/dev/null &&
	printf "[pre-receive]\nlog-file = hook-run.log\n%s\n" "${1:-}" >../srv.git/hook-run.ini &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		write_file app/Dockerfile "${GOOD}RUN echo $i\n" && git add . && commit_unchecked "c$i" || return 1
	done
}

server_main() { git -C ../srv.git rev-parse main; }

# unreferenced: the client's main in the server's object store without a
# ref, as in quarantine; prints the hook's input line into `in`
unreferenced() {
	git -C ../srv.git fetch -q ../c main:refs/tmp/x 2>/dev/null &&
	git -C ../srv.git update-ref -d refs/tmp/x &&
	echo "$(server_main) $(git rev-parse main) refs/heads/main" >in
}

# hook ARGS...: run the server's hook on `in`, output in `out`, errors in `err`
hook() {
	(cd ../srv.git && "$HOOK_RUN" pre-receive "$@" <../c/in >../c/out 2>../c/err)
}

log_lines() {
	sed 's/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]*Z //' ../srv.git/hook-run.log
}

test_expect_success 'deny (the default): the push is rejected with exit 4 and a clear message' '
	setup &&
	HOOK_RUN_TEST_CLOCK_STEP=1 USER=erin && export HOOK_RUN_TEST_CLOCK_STEP USER &&
	before=$(server_main) &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	grep "(pre-receive hook declined)" out &&
	test "$(server_main)" = "$before" &&
	remote_lines out >lines &&
	cat >expect <<-\EOF &&
	hook-run: push rejected: the time budget (4s) ran out after 2 commits, so the rest of the push was not checked (on-timeout = deny); push fewer commits at a time, or ask the administrator to raise [pre-receive] timeout
	hook-run: 1 pushed file checked, 0 findings in Ns
	EOF
	test_cmp expect lines &&
	log_lines >log &&
	echo "timeout repository=$(cd ../srv.git && pwd) pusher=erin pusher_from=USER refs=refs/heads/main outcome=deny budget=4s commits=2" >expect &&
	test_cmp expect log &&
	unreferenced && test_expect_code 4 hook
'

test_expect_success 'the walk stops at the deadline: what it read' '
	setup &&
	unreferenced &&
	hook --stats && grep "stats: 10 commits, .* 10 distinct blobs, 10 blobs read" err &&
	HOOK_RUN_TEST_CLOCK_STEP=1 && export HOOK_RUN_TEST_CLOCK_STEP &&
	test_expect_code 4 hook --stats && grep "stats: 2 commits, .* 2 distinct blobs, 1 blobs read" err &&
	printf "[pre-receive]\ntimeout = 9\n" >../srv.git/hook-run.ini &&
	test_expect_code 4 hook --stats && grep "stats: 4 commits, .* 4 distinct blobs, 4 blobs read" err
'

test_expect_success 'the budget is checked while the new commits are listed too' '
	setup "timeout = 0.5" &&
	unreferenced &&
	HOOK_RUN_TEST_CLOCK_STEP=1 && export HOOK_RUN_TEST_CLOCK_STEP &&
	test_expect_code 4 hook --stats &&
	grep "stats: 0 commits" err &&
	grep "^hook-run: push rejected: the time budget (0.5s) ran out after 0 commits" out
'

test_expect_success 'allow: the push goes in with a loud warning, and is logged' '
	setup "on-timeout = allow" &&
	HOOK_RUN_TEST_CLOCK_STEP=1 && USER=erin && export HOOK_RUN_TEST_CLOCK_STEP USER &&
	git push origin main >out 2>&1 &&
	test "$(server_main)" = "$(git rev-parse main)" &&
	remote_lines out >lines &&
	cat >expect <<-\EOF &&
	hook-run: WARNING: the time budget (4s) ran out after 2 commits, so the rest of the push was not checked; the push is ACCEPTED UNCHECKED (on-timeout = allow)
	hook-run: 1 pushed file checked, 0 findings in Ns
	EOF
	test_cmp expect lines &&
	log_lines >log &&
	echo "timeout repository=$(cd ../srv.git && pwd) pusher=erin pusher_from=USER refs=refs/heads/main outcome=allow budget=4s commits=2" >expect &&
	test_cmp expect log
'

# the walk goes from the pushed tip towards the old commits: the bad commit
# on top is judged first, the budget runs out on the next
test_expect_success 'findings made before the budget ran out reject the push (exit 1), even with allow' '
	setup "on-timeout = allow" &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked bad &&
	unreferenced &&
	HOOK_RUN_TEST_CLOCK_STEP=1 && export HOOK_RUN_TEST_CLOCK_STEP &&
	test_expect_code 1 hook &&
	grep -Fx "hook-run: push rejected: 2 findings in 1 commit; fix them with \`hook-run fix app/Dockerfile\`, amend or rebase, and push again; the time budget (4s) ran out after 2 commits, so the rest of the push was not checked" out &&
	grep " reject .* findings=2 commits=1 timeout=yes$" ../srv.git/hook-run.log
'

test_expect_success 'timeout = 0: no budget at all' '
	setup "timeout = 0" &&
	HOOK_RUN_TEST_CLOCK_STEP=1000 && export HOOK_RUN_TEST_CLOCK_STEP &&
	git push origin main >out 2>&1 &&
	test "$(server_main)" = "$(git rev-parse main)" &&
	remote_lines out >lines &&
	echo "hook-run: 10 pushed files checked, 0 findings in Ns" >expect && test_cmp expect lines
'

test_expect_success 'scope tips: the budget holds while the final files are checked' '
	setup "scope = tips
timeout = 11" &&
	unreferenced &&
	HOOK_RUN_TEST_CLOCK_STEP=1 && export HOOK_RUN_TEST_CLOCK_STEP &&
	test_expect_code 4 hook --stats &&
	grep "stats: 10 commits, .* 0 blobs read" err &&
	grep "ran out after 10 commits" out &&
	printf "[pre-receive]\nscope = tips\ntimeout = 12\n" >../srv.git/hook-run.ini &&
	hook &&
	grep "1 pushed file checked, 0 findings" out
'

test_expect_success 'GitLab: a denied timeout is explained on GL-HOOK-ERR lines' '
	setup &&
	unreferenced &&
	HOOK_RUN_TEST_CLOCK_STEP=1 GL_ID=user-1 GL_USERNAME=frank && export HOOK_RUN_TEST_CLOCK_STEP GL_ID GL_USERNAME &&
	test_expect_code 4 hook &&
	cat >expect <<-\EOF &&
	GL-HOOK-ERR: hook-run: push rejected: the time budget (4s) ran out after 2 commits, so the rest of the push was not checked (on-timeout = deny); push fewer commits at a time, or ask the administrator to raise [pre-receive] timeout
	GL-HOOK-ERR: hook-run: 1 pushed file checked, 0 findings in 0.00s
	EOF
	test_cmp expect out &&
	grep "pusher=frank pusher_from=GL_USERNAME" ../srv.git/hook-run.log
'

test_expect_success 'the real clock: 1 ms for 2000 new commits stops the walk early' '
	setup "timeout = 0.001" &&
	{
		i=1 && while [ $i -le 2000 ]; do
			printf "commit refs/heads/main\ncommitter C <c@example.com> %d +0000\ndata 1\nx\n" $((1700000000 + i)) &&
			[ $i -gt 1 ] || printf "from %s\n" "$(git rev-parse main)" &&
			printf "M 100644 inline app/Dockerfile\ndata <<END\n# syntax=docker/dockerfile:1\nFROM alpine\nRUN echo %d\nEND\n\n" $i &&
			i=$((i + 1)) || return 1
		done
	} | git fast-import --quiet &&
	unreferenced &&
	test_expect_code 4 hook --stats &&
	grep "^hook-run: push rejected: the time budget (0.001s) ran out after [0-9]* commits" out &&
	commits=$(sed -n "s/^hook-run: stats: \([0-9]*\) commits.*/\1/p" err) &&
	test "$commits" -lt 2000 &&
	printf "[pre-receive]\ntimeout = 0\n" >../srv.git/hook-run.ini &&
	hook --stats && grep "stats: 2010 commits" err
'

test_expect_success '100 000 ref updates: the budget holds while they are peeled' '
	setup && unreferenced &&
	new=$(git rev-parse main) && old=$(server_main) &&
	awk -v o="$old" -v n="$new" "BEGIN { for (i = 0; i < 100000; i++) printf \"%s %s refs/heads/b%d\\n\", o, n, i }" >in &&
	test "$(wc -l <in)" -eq 100000 &&
	HOOK_RUN_TEST_CLOCK_STEP=1 && export HOOK_RUN_TEST_CLOCK_STEP &&
	test_expect_code 4 hook &&
	grep "the time budget (4s) ran out after 0 commits" out
'

test_expect_success '100 000 ref updates on the real clock: stopped near a 1 s budget' '
	setup "timeout = 1" && unreferenced &&
	new=$(git rev-parse main) && old=$(server_main) &&
	awk -v o="$old" -v n="$new" "BEGIN { for (i = 0; i < 100000; i++) printf \"%s %s refs/heads/b%d\\n\", o, n, i }" >in &&
	start=$(date +%s) &&
	{ hook; code=$?; } &&
	end=$(date +%s) &&
	echo "# exit $code after $((end - start)) s" &&
	test $((end - start)) -le 10 &&
	test "$code" -eq 0 -o "$code" -eq 4
'

test_done
