#!/bin/sh
# SPDX-License-Identifier: MIT
# server-bypass.sh - `git push -o hook-run.skip`: it bypasses the server
# hook only when the server's policy says push-option-skip = on AND the
# repository advertises push options (git passes them to hooks only then),
# and only once the bypass is on record. Real pushes into a bare repository
# with the hook `hook-run install --server` writes; the `remote:` lines,
# the server's refs and the log lines compared whole.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# setup [POLICY-LINES]: srv.git with the hook and a policy (log-file
# hook-run.log, plus the lines given), push options advertised; a client
# `c` whose new commit holds a bad Dockerfile
setup() {
	git init -q --bare srv.git &&
	(cd srv.git && "$HOOK_RUN" install --server >/dev/null) &&
	printf "[pre-receive]\nlog-file = hook-run.log\n%s\n" "${1:-}" >srv.git/hook-run.ini &&
	git -C srv.git config receive.advertisePushOptions true &&
	git init -q c && cd c && git remote add origin ../srv.git &&
	write_file README "r\n" && git add . && commit_unchecked base &&
	git push -q origin main 2>/dev/null &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked bad &&
	bad=$(git rev-parse --short=10 HEAD)
}

server_main() { git -C ../srv.git rev-parse main; }

log_lines() {
	sed 's/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]*Z //' ../srv.git/hook-run.log
}

# the report of the bad commit, as a rejected push shows it
expect_rejection() {
	cat <<-EOF
	refs/heads/main:
	$bad:app/Dockerfile:1:1: error: no \`# syntax=\` directive: the build uses whatever Dockerfile frontend the builder bundles, which may not support COPY --link [SyntaxDirectiveMissing]
	    fix (safe): insert \`# syntax=docker/dockerfile:1\` as line 1; run \`hook-run fix app/Dockerfile\`
	$bad:app/Dockerfile:2:1: error: COPY without --link: nothing here depends on the previous layer, so adding --link keeps the image the same and lets this layer's cache survive changes to earlier layers [CopyLinkMissing]
	    fix (safe): insert --link after COPY; run \`hook-run fix app/Dockerfile\`
	hook-run: push rejected: 2 findings in 1 commit; fix them with \`hook-run fix app/Dockerfile\`, amend or rebase, and push again
	hook-run: 1 pushed file checked, 2 findings in Ns
	EOF
}

test_expect_success 'allowed and advertised: the push goes in unchecked, said and logged' '
	setup "push-option-skip = on" &&
	USER=carol && export USER &&
	git push -o hook-run.skip origin main >out 2>&1 &&
	test "$(server_main)" = "$(git rev-parse main)" &&
	remote_lines out >lines &&
	echo "hook-run: push option hook-run.skip: the check was bypassed for carol; the bypass is logged" >expect &&
	test_cmp expect lines &&
	log_lines >log &&
	echo "bypass repository=$(cd ../srv.git && pwd) pusher=carol pusher_from=USER refs=refs/heads/main" >expect &&
	test_cmp expect log
'

test_expect_success 'a reason (-o hook-run.skip=REASON) is logged, quoted when it needs it' '
	setup "push-option-skip = on" &&
	GL_USERNAME=dave && export GL_USERNAME &&
	git push -o "hook-run.skip=prod is down, \"now\"" origin main >out 2>&1 &&
	test "$(server_main)" = "$(git rev-parse main)" &&
	log_lines >log &&
	repo=$(cd ../srv.git && pwd) &&
	cat >expect <<-EOF &&
	bypass repository=$repo pusher=dave pusher_from=GL_USERNAME refs=refs/heads/main reason="prod is down, \"now\""
	EOF
	test_cmp expect log
'

test_expect_success 'not allowed by the policy: said, logged, and the push is checked' '
	setup "push-option-skip = off" &&
	USER=carol && export USER &&
	test_expect_code 1 git push -o hook-run.skip origin main >out 2>&1 &&
	test "$(server_main)" != "$(git rev-parse main)" &&
	remote_lines out >lines &&
	{
		echo "hook-run: push option hook-run.skip ignored: this server does not allow it (push-option-skip = off); the push is checked" &&
		expect_rejection
	} >expect &&
	test_cmp expect lines &&
	log_lines >log &&
	repo=$(cd ../srv.git && pwd) &&
	cat >expect <<-EOF &&
	skip-refused repository=$repo pusher=carol pusher_from=USER refs=refs/heads/main why="this server does not allow it (push-option-skip = off)"
	reject repository=$repo pusher=carol pusher_from=USER refs=refs/heads/main findings=2 commits=1
	EOF
	test_cmp expect log
'

test_expect_success 'the default policy does not allow it' '
	setup &&
	test_expect_code 1 git push -o hook-run.skip origin main >out 2>&1 &&
	remote_lines out >lines && grep "ignored: this server does not allow it" lines
'

test_expect_success 'push options not advertised: git refuses to send them, nothing is logged' '
	setup "push-option-skip = on" &&
	git -C ../srv.git config receive.advertisePushOptions false &&
	test_expect_code 128 git push -o hook-run.skip origin main >out 2>&1 &&
	grep "the receiving end does not support push options" out &&
	test "$(server_main)" != "$(git rev-parse main)" &&
	test ! -e ../srv.git/hook-run.log
'

test_expect_success 'options in the environment of a repository that does not advertise them are ignored' '
	setup "push-option-skip = on" &&
	git -C ../srv.git config receive.advertisePushOptions false &&
	git -C ../srv.git fetch -q ../c main:refs/tmp/x 2>/dev/null && git -C ../srv.git update-ref -d refs/tmp/x &&
	echo "$(server_main) $(git rev-parse main) refs/heads/main" >in &&
	(cd ../srv.git && GIT_PUSH_OPTION_COUNT=1 GIT_PUSH_OPTION_0=hook-run.skip &&
	 export GIT_PUSH_OPTION_COUNT GIT_PUSH_OPTION_0 &&
	 test_expect_code 1 "$HOOK_RUN" pre-receive <../c/in >../c/out 2>&1) &&
	head -n 1 out >first &&
	echo "hook-run: push option hook-run.skip ignored: the repository does not advertise push options (receive.advertisePushOptions is off); the push is checked" >expect &&
	test_cmp expect first && grep "push rejected: 2 findings" out
'

test_expect_success 'advertised on receive-pack'"'"'s command line (as Gitaly does) counts' '
	setup "push-option-skip = on" &&
	git -C ../srv.git config --unset receive.advertisePushOptions &&
	git push --receive-pack="git -c receive.advertisePushOptions=true receive-pack" \
		-o hook-run.skip origin main >out 2>&1 &&
	test "$(server_main)" = "$(git rev-parse main)" &&
	log_lines >log && grep "^bypass repository=" log
'

test_expect_success 'advertised through GIT_CONFIG_COUNT (git --config-env) counts, a later false wins' '
	setup "push-option-skip = on" &&
	git -C ../srv.git config --unset receive.advertisePushOptions &&
	git -C ../srv.git fetch -q ../c main:refs/tmp/x 2>/dev/null && git -C ../srv.git update-ref -d refs/tmp/x &&
	echo "$(server_main) $(git rev-parse main) refs/heads/main" >in &&
	(cd ../srv.git &&
	 GIT_PUSH_OPTION_COUNT=1 GIT_PUSH_OPTION_0=hook-run.skip GIT_CONFIG_COUNT=1 &&
	 GIT_CONFIG_KEY_0=Receive.AdvertisePushOptions GIT_CONFIG_VALUE_0=yes &&
	 export GIT_PUSH_OPTION_COUNT GIT_PUSH_OPTION_0 GIT_CONFIG_COUNT GIT_CONFIG_KEY_0 GIT_CONFIG_VALUE_0 &&
	 "$HOOK_RUN" pre-receive <../c/in >../c/out 2>&1 &&
	 GIT_CONFIG_PARAMETERS="'"'"'receive.advertisepushoptions'"'"'='"'"'false'"'"'" && export GIT_CONFIG_PARAMETERS &&
	 test_expect_code 1 "$HOOK_RUN" pre-receive <../c/in >../c/out2 2>&1) &&
	grep "the check was bypassed" out &&
	grep "ignored: the repository does not advertise push options" out2
'

test_expect_success 'a bypass that cannot be logged is refused: the push is checked' '
	setup "push-option-skip = on" &&
	printf "[pre-receive]\npush-option-skip = on\nlog-file = /nonexistent/dir/hook-run.log\n" >../srv.git/hook-run.ini &&
	test_expect_code 1 git push -o hook-run.skip origin main >out 2>&1 &&
	remote_lines out >lines &&
	grep -Fx "hook-run: push option hook-run.skip ignored: the bypass cannot be logged (cannot write the log '"'"'/nonexistent/dir/hook-run.log'"'"': No such file or directory); the push is checked" lines &&
	grep -Fx "hook-run: 1 pushed file checked, 2 findings in Ns" lines &&
	test "$(server_main)" != "$(git rev-parse main)"
'

test_expect_success 'syslog: a bypass needs a syslog socket when no log-file is set' '
	setup "push-option-skip = on" &&
	printf "[pre-receive]\npush-option-skip = on\n" >../srv.git/hook-run.ini &&
	if test -S /dev/log; then
		git push -o hook-run.skip origin main >out 2>&1 &&
		test "$(server_main)" = "$(git rev-parse main)"
	else
		test_expect_code 1 git push -o hook-run.skip origin main >out 2>&1 &&
		remote_lines out >lines &&
		grep "^hook-run: push option hook-run.skip ignored: the bypass cannot be logged (no syslog socket at /dev/log and no \[pre-receive\] log-file); the push is checked$" lines
	fi
'

test_expect_success 'other push options are not hook-run'"'"'s business' '
	setup "push-option-skip = on" &&
	test_expect_code 1 git push -o ci.skip -o hook-run.skipped origin main >out 2>&1 &&
	remote_lines out >lines && expect_rejection >expect && test_cmp expect lines
'

test_expect_success 'a clean push with the option is bypassed too (nothing is checked)' '
	setup "push-option-skip = on" &&
	git reset -q --hard HEAD^ && write_file app/Dockerfile "$GOOD" && git add . && commit_unchecked good &&
	git push -o hook-run.skip origin main >out 2>&1 &&
	remote_lines out >lines && grep "the check was bypassed" lines && ! grep "checked, 0 findings" lines
'

test_expect_success 'the log: concurrent hooks append whole lines, never interleaved' '
	setup "push-option-skip = on" &&
	git -C ../srv.git fetch -q ../c main:refs/tmp/x 2>/dev/null && git -C ../srv.git update-ref -d refs/tmp/x &&
	echo "$(server_main) $(git rev-parse main) refs/heads/main" >in &&
	(cd ../srv.git &&
	 GIT_PUSH_OPTION_COUNT=1 && export GIT_PUSH_OPTION_COUNT &&
	 i=0 && while [ $i -lt 40 ]; do
		GIT_PUSH_OPTION_0="hook-run.skip=run $i $(printf "%0300d" 0)" "$HOOK_RUN" pre-receive <../c/in >/dev/null 2>&1 &
		i=$((i + 1))
	 done && wait) &&
	test "$(wc -l <../srv.git/hook-run.log)" = 40 &&
	log_lines >log &&
	test "$(grep -c "^bypass repository=.* refs=refs/heads/main reason=\"run [0-9]* 0\{300\}\"\$" log)" = 40 &&
	for i in $(seq 0 39); do grep -q "reason=\"run $i 0" log || return 1; done
'

test_done
