#!/bin/sh
# SPDX-License-Identifier: MIT
# server-platforms.sh - hook-run as each git server runs it, with the hook
# scripts of contrib/server/ in each platform's hook layout, a real bare
# repository and real `git push` runs. The platforms are stood in for by
# the hooks/pre-receive git runs: a script that sets the variables the
# platform sets and runs the hook scripts the way the platform does.
#
#   GitLab     Gitaly runs custom_hooks/pre-receive.d/* (not *~) in
#              alphabetical order, in the repository, without GIT_DIR, with
#              GL_ID, GL_USERNAME, GL_PROJECT_PATH, GL_REPOSITORY and
#              GL_PROTOCOL; the first failure rejects the push.
#   Gitea      its generated hooks/pre-receive: reads the updates once,
#              echoes them into each executable hooks/pre-receive.d/* and
#              exits with the first non-zero code; GITEA_* variables.
#   GitHub     the hook script under a 5-second budget (`timeout 5`) with
#   Enterprise GITHUB_USER_LOGIN, GITHUB_REPO_NAME, GITHUB_USER_IP, and
#              GITHUB_VIA for web edits; enforcement "testing" ignores the
#              exit code and shows the output.
#   ssh        `hook-run install --server`, pushed to over file:// and over
#              a stand-in for ssh that sets SSH_CONNECTION as sshd does.
#
# After each push: the `remote:` lines whole, the server's refs, and the
# log line (its time stamp left out).
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

contrib=$TOP_SRCDIR/contrib/server
HOOK_RUN_BIN=$HOOK_RUN
export HOOK_RUN_BIN

# client: a clone `c` of srv.git with one good commit pushed before any
# hook is in place; the caller then installs the platform's hooks
client() {
	git init -q --bare srv.git &&
	git -C srv.git config receive.unpackLimit 1 &&
	git init -q c && cd c &&
	write_file Dockerfile "$GOOD" && write_file README "r\n" && git add . && commit_unchecked base &&
	git remote add origin ../srv.git &&
	git push -q origin main 2>/dev/null
}

# the server's main, and the client's
server_main() { git -C ../srv.git rev-parse main; }
client_main() { git rev-parse main; }

# expect_report PREFIX REF COMMIT PATH: the report of $BAD at PATH, each line
# with PREFIX (GitLab's, or nothing)
expect_report() {
	p=$1
	cat <<-EOF
	${p}$2:
	${p}$3:$4:1:1: error: no \`# syntax=\` directive: the build uses whatever Dockerfile frontend the builder bundles, which may not support COPY --link [SyntaxDirectiveMissing]
	${p}    fix (safe): insert \`# syntax=docker/dockerfile:1\` as line 1; run \`hook-run fix $4\`
	${p}$3:$4:2:1: error: COPY without --link: nothing here depends on the previous layer, so adding --link keeps the image the same and lets this layer's cache survive changes to earlier layers [CopyLinkMissing]
	${p}    fix (safe): insert --link after COPY; run \`hook-run fix $4\`
	${p}hook-run: push rejected: 2 findings in 1 commit; fix them with \`hook-run fix app/Dockerfile\`, amend or rebase, and push again
	${p}hook-run: 1 pushed file checked, 2 findings in Ns
	EOF
}

# log_lines FILE: the log without the time stamps
log_lines() {
	sed 's/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]*Z //' "$1"
}

# ---- GitLab -----------------------------------------------------------

# gitlab_server: srv.git as Gitaly runs it, hook-run in custom_hooks/pre-receive.d
# next to another administrator's hook (10-first) and an editor's backup
# file that must not run
gitlab_server() {
	client &&
	mkdir -p ../srv.git/custom_hooks/pre-receive.d &&
	cp "$contrib/gitlab/hook-run" ../srv.git/custom_hooks/pre-receive.d/hook-run &&
	printf "#!/bin/sh\ncat >/dev/null; echo first-hook-ran >>\"\$PWD/first.log\"\n" \
		>../srv.git/custom_hooks/pre-receive.d/10-first &&
	printf "#!/bin/sh\necho backup-ran; exit 9\n" >../srv.git/custom_hooks/pre-receive.d/hook-run~ &&
	chmod +x ../srv.git/custom_hooks/pre-receive.d/* &&
	cat >../srv.git/hooks/pre-receive <<-\EOF &&
	#!/bin/sh
	# a stand-in for Gitaly: its variables, its hook directory, its order
	GL_ID=user-42 GL_USERNAME=alice GL_PROJECT_PATH=group/app GL_REPOSITORY=project-7
	GL_PROTOCOL=${SIM_GL_PROTOCOL:-ssh} USER=git LOGNAME=git
	export GL_ID GL_USERNAME GL_PROJECT_PATH GL_REPOSITORY GL_PROTOCOL USER LOGNAME
	repo=$(pwd)
	unset GIT_DIR
	input=$(mktemp) || exit 1
	cat >"$input"
	for hook in "$repo"/custom_hooks/pre-receive.d/*; do
		case $hook in *~) continue ;; esac
		[ -f "$hook" ] && [ -x "$hook" ] || continue
		(cd "$repo" && "$hook" <"$input") || { code=$?; rm -f "$input"; exit $code; }
	done
	rm -f "$input"
	EOF
	chmod +x ../srv.git/hooks/pre-receive &&
	printf "[pre-receive]\nlog-file = hook-run.log\n" >../srv.git/hook-run.ini
}

test_expect_success 'gitlab: an accepted push prints as anywhere, without the prefix' '
	gitlab_server &&
	write_file app/Dockerfile "$GOOD" && git add . && commit_unchecked app &&
	git push origin main >out 2>&1 &&
	test "$(server_main)" = "$(client_main)" &&
	remote_lines out >lines &&
	echo "hook-run: 1 pushed file checked, 0 findings in Ns" >expect && test_cmp expect lines &&
	test "$(cat ../srv.git/first.log)" = first-hook-ran &&
	test ! -e ../srv.git/hook-run.log
'

test_expect_success 'gitlab: every line of a rejection starts with GL-HOOK-ERR:, the user is logged' '
	gitlab_server &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked app &&
	c=$(git rev-parse --short=10 HEAD) && before=$(server_main) &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	grep "! \[remote rejected\] main -> main (pre-receive hook declined)" out &&
	remote_lines out >lines &&
	expect_report "GL-HOOK-ERR: " refs/heads/main "$c" app/Dockerfile >expect &&
	test_cmp expect lines &&
	test "$(server_main)" = "$before" &&
	log_lines ../srv.git/hook-run.log >log &&
	echo "reject repository=group/app gl_repository=project-7 pusher=alice pusher_from=GL_USERNAME protocol=ssh refs=refs/heads/main findings=2 commits=1" >expect &&
	test_cmp expect log
'

test_expect_success 'gitlab: a push without a Dockerfile hears nothing from hook-run' '
	gitlab_server &&
	write_file README "more\n" && git add . && commit_unchecked readme &&
	git push origin main >out 2>&1 &&
	remote_lines out >lines && test ! -s lines
'

test_expect_success 'gitlab: a web edit (GL_PROTOCOL=web) is checked and logged as such' '
	gitlab_server &&
	write_file web/Dockerfile "$BAD" && git add . && commit_unchecked web &&
	SIM_GL_PROTOCOL=web && export SIM_GL_PROTOCOL &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines && grep "^GL-HOOK-ERR: .*web/Dockerfile:2:1: error" lines &&
	grep " protocol=web " ../srv.git/hook-run.log
'

test_expect_success 'gitlab: a broken server configuration is explained on a GL-HOOK-ERR line' '
	gitlab_server &&
	printf "[pre-receive]\ntimeout = soon\n" >../srv.git/hook-run.ini &&
	write_file README "more\n" && git add . && commit_unchecked readme &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	cat >expect <<-\EOF &&
	hook-run: hook-run.ini:2: timeout: '"'"'soon'"'"' is not a number of seconds like 4 or 2.5 (0: none)
	GL-HOOK-ERR: hook-run: push rejected: the server'"'"'s hook-run configuration is broken (see above)
	EOF
	sed "s|^hook-run: .*hook-run.ini:|hook-run: hook-run.ini:|" lines >actual && test_cmp expect actual
'

test_expect_success 'gitlab: hook-run missing from the server rejects the push, on a GL-HOOK-ERR line' '
	gitlab_server &&
	HOOK_RUN_BIN=/nonexistent/hook-run PATH=/usr/bin:/bin && export HOOK_RUN_BIN PATH &&
	write_file README "more\n" && git add . && commit_unchecked readme &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	echo "GL-HOOK-ERR: hook-run: the pre-receive hook cannot find hook-run: push rejected; tell the administrator" >expect &&
	test_cmp expect lines
'

# ---- Gitea / Forgejo ----------------------------------------------------

# gitea_server: srv.git with Gitea's generated hooks/pre-receive, its own
# `gitea` hook (here a stand-in that reads the updates and accepts) and
# hook-run in hooks/pre-receive.d; the variables `gitea serv` sets
gitea_server() {
	client &&
	mkdir -p ../srv.git/hooks/pre-receive.d &&
	cp "$contrib/gitea/hook-run" ../srv.git/hooks/pre-receive.d/hook-run &&
	printf "#!/bin/sh\ncat >\"\$GIT_DIR/gitea-saw\"\n" >../srv.git/hooks/pre-receive.d/gitea &&
	chmod +x ../srv.git/hooks/pre-receive.d/* &&
	cat >../srv.git/hooks/pre-receive <<-\EOF &&
	#!/usr/bin/env bash
	# a stand-in for Gitea: the variables of `gitea serv`, then the loop of
	# the hooks/pre-receive Gitea generates
	GITEA_PUSHER_NAME=bob GITEA_PUSHER_ID=2 GITEA_PUSHER_EMAIL=bob@example.com
	GITEA_REPO_USER_NAME=org GITEA_REPO_NAME=app GITEA_REPO_ID=5 GITEA_REPO_IS_WIKI=false
	USER=git LOGNAME=git
	export GITEA_PUSHER_NAME GITEA_PUSHER_ID GITEA_PUSHER_EMAIL GITEA_REPO_USER_NAME GITEA_REPO_NAME GITEA_REPO_ID GITEA_REPO_IS_WIKI USER LOGNAME
	data=$(cat)
	exitcodes=""
	hookname=$(basename $0)
	GIT_DIR=${GIT_DIR:-$(dirname $0)/..}
	for hook in ${GIT_DIR}/hooks/${hookname}.d/*; do
		test -x "${hook}" && test -f "${hook}" || continue
		echo "${data}" | "${hook}"
		exitcodes="${exitcodes} $?"
	done
	for i in ${exitcodes}; do
		[ ${i} -eq 0 ] || exit ${i}
	done
	EOF
	chmod +x ../srv.git/hooks/pre-receive &&
	printf "[pre-receive]\nlog-file = hook-run.log\n" >../srv.git/hook-run.ini
}

test_expect_success 'gitea: hooks/pre-receive.d/hook-run rejects, Gitea'"'"'s pusher and repository are logged' '
	gitea_server &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked app &&
	c=$(git rev-parse --short=10 HEAD) && before=$(server_main) &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	grep "(pre-receive hook declined)" out &&
	remote_lines out >lines &&
	expect_report "" refs/heads/main "$c" app/Dockerfile >expect &&
	test_cmp expect lines &&
	test "$(server_main)" = "$before" &&
	grep "refs/heads/main" ../srv.git/gitea-saw &&
	log_lines ../srv.git/hook-run.log >log &&
	echo "reject repository=org/app pusher=bob pusher_from=GITEA_PUSHER_NAME refs=refs/heads/main findings=2 commits=1" >expect &&
	test_cmp expect log
'

test_expect_success 'gitea: an accepted push, and exit 4 passes through Gitea'"'"'s loop' '
	gitea_server &&
	write_file app/Dockerfile "$GOOD" && git add . && commit_unchecked app &&
	git push origin main >out 2>&1 &&
	test "$(server_main)" = "$(client_main)" &&
	remote_lines out >lines &&
	echo "hook-run: 1 pushed file checked, 0 findings in Ns" >expect && test_cmp expect lines &&
	write_file app/Dockerfile "${GOOD}RUN x\n" && git add . && commit_unchecked more &&
	echo "$(server_main) $(client_main) refs/heads/main" >in &&
	git -C ../srv.git fetch -q ../c main:refs/tmp/x 2>/dev/null && git -C ../srv.git update-ref -d refs/tmp/x &&
	(cd ../srv.git && HOOK_RUN_TEST_CLOCK_STEP=10 && export HOOK_RUN_TEST_CLOCK_STEP &&
	 test_expect_code 4 ./hooks/pre-receive <../c/in >../c/out4 2>&1) &&
	grep "push rejected: the time budget (4s) ran out" out4
'

# ---- GitHub Enterprise Server -------------------------------------------

# ghes_server: srv.git with the hook script of contrib/ under GitHub's rules:
# its variables, a 5-second budget, and the enforcement mode in SIM_ENFORCEMENT
ghes_server() {
	client &&
	mkdir -p ../srv.git/ghes-hooks &&
	cp "$contrib/github-enterprise/hook-run.sh" ../srv.git/ghes-hooks/ &&
	cp "$contrib/github-enterprise/hook-run.ini" ../srv.git/ghes-hooks/ &&
	printf "log-file = hook-run.log\n" >>../srv.git/ghes-hooks/hook-run.ini &&
	cat >../srv.git/hooks/pre-receive <<-\EOF &&
	#!/bin/sh
	# a stand-in for GitHub Enterprise Server: its variables, the hook
	# environment's policy file, 5 seconds for all hooks, enforcement
	GIT_DIR=$(pwd) GITHUB_USER_LOGIN=octocat GITHUB_REPO_NAME=octo-org/hello GITHUB_REPO_PUBLIC=false
	GITHUB_USER_IP=192.0.2.1 HOOK_RUN_CONFIG=$GIT_DIR/ghes-hooks/hook-run.ini USER=git LOGNAME=git
	SSH_CONNECTION="10.0.0.9 40000 10.0.0.1 22"
	export GIT_DIR GITHUB_USER_LOGIN GITHUB_REPO_NAME GITHUB_REPO_PUBLIC GITHUB_USER_IP HOOK_RUN_CONFIG USER LOGNAME SSH_CONNECTION
	[ -n "${SIM_GITHUB_VIA:-}" ] && GITHUB_VIA=$SIM_GITHUB_VIA && export GITHUB_VIA
	timeout 5 bash "$GIT_DIR/ghes-hooks/hook-run.sh"
	code=$?
	if [ $code -eq 124 ]; then
		echo "error: pre-receive hook timed out after 5 seconds"
		exit 1
	fi
	[ "${SIM_ENFORCEMENT:-enabled}" = testing ] && exit 0
	exit $code
	EOF
	chmod +x ../srv.git/hooks/pre-receive
}

test_expect_success 'github enterprise: a rejected push, the login and address logged' '
	ghes_server &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked app &&
	c=$(git rev-parse --short=10 HEAD) && before=$(server_main) &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	expect_report "" refs/heads/main "$c" app/Dockerfile >expect &&
	test_cmp expect lines &&
	test "$(server_main)" = "$before" &&
	log_lines ../srv.git/hook-run.log >log &&
	echo "reject repository=octo-org/hello pusher=octocat pusher_from=GITHUB_USER_LOGIN from=192.0.2.1 refs=refs/heads/main findings=2 commits=1" >expect &&
	test_cmp expect log
'

test_expect_success 'github enterprise: web edits and merge-button merges (GITHUB_VIA) are checked too' '
	ghes_server &&
	write_file web/Dockerfile "$BAD" && git add . && commit_unchecked "blob edit" &&
	SIM_GITHUB_VIA="blob#save" && export SIM_GITHUB_VIA &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines && grep "web/Dockerfile:2:1: error" lines &&
	grep " github_via=blob#save " ../srv.git/hook-run.log &&
	SIM_GITHUB_VIA="pull request merge button" &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	grep " github_via=\"pull request merge button\" " ../srv.git/hook-run.log
'

test_expect_success 'github enterprise: enforcement "testing" shows the report and lets the push in' '
	ghes_server &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked app &&
	SIM_ENFORCEMENT=testing && export SIM_ENFORCEMENT &&
	git push origin main >out 2>&1 &&
	remote_lines out >lines && grep "hook-run: push rejected: 2 findings in 1 commit" lines &&
	test "$(server_main)" = "$(client_main)"
'

test_expect_success 'github enterprise: the shipped budget (3s) stops hook-run inside the 5 seconds' '
	ghes_server &&
	for i in 1 2 3 4 5 6; do write_file app/Dockerfile "${GOOD}RUN $i\n" && git add . && commit_unchecked "c$i" || return 1; done &&
	HOOK_RUN_TEST_CLOCK_STEP=1 && export HOOK_RUN_TEST_CLOCK_STEP &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	cat >expect <<-\EOF &&
	hook-run: push rejected: the time budget (3s) ran out after 1 commit, so the rest of the push was not checked (on-timeout = deny); push fewer commits at a time, or ask the administrator to raise [pre-receive] timeout
	hook-run: 1 pushed file checked, 0 findings in Ns
	EOF
	test_cmp expect lines &&
	log_lines ../srv.git/hook-run.log >log &&
	echo "timeout repository=octo-org/hello pusher=octocat pusher_from=GITHUB_USER_LOGIN from=192.0.2.1 refs=refs/heads/main outcome=deny budget=3s commits=1" >expect &&
	test_cmp expect log
'

# ---- plain git: `hook-run install --server` -----------------------------

test_expect_success 'ssh: install --server, then pushes over file:// are checked' '
	git init -q --bare srv.git &&
	(cd srv.git && "$HOOK_RUN" install --server >../install.out) &&
	test -x srv.git/hooks/pre-receive && test -f srv.git/hook-run.ini &&
	git init -q c && cd c && git remote add origin "file://$(cd ../srv.git && pwd)" &&
	write_file Dockerfile "$GOOD" && git add . && commit_unchecked good &&
	git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	echo "hook-run: 1 pushed file checked, 0 findings in Ns" >expect && test_cmp expect lines &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked app &&
	c=$(git rev-parse --short=10 HEAD) &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	expect_report "" refs/heads/main "$c" app/Dockerfile >expect &&
	test_cmp expect lines &&
	test "$(server_main)" != "$(client_main)"
'

test_expect_success 'ssh: over ssh (a stand-in for sshd), the account and the client address are logged' '
	git init -q --bare srv.git &&
	(cd srv.git && "$HOOK_RUN" install --server >/dev/null) &&
	printf "[pre-receive]\nlog-file = %s/hook-run.log\n" "$(pwd)" >srv.git/hook-run.ini &&
	cat >fake-ssh <<-\EOF &&
	#!/bin/sh
	# ssh [OPTIONS] HOST COMMAND, the command run here as sshd would run it
	# for the git account: its login environment and the connection
	for command; do :; done
	exec env -u LOGNAME USER=git SSH_CONNECTION="192.0.2.7 50022 192.0.2.1 22" \
		SSH_CLIENT="192.0.2.7 50022 22" sh -c "$command"
	EOF
	chmod +x fake-ssh &&
	GIT_SSH_COMMAND="$(pwd)/fake-ssh" && export GIT_SSH_COMMAND &&
	git init -q c && cd c && git remote add origin "ssh://git@example.com$(cd ../srv.git && pwd)" &&
	write_file Dockerfile "$BAD" && git add . && commit_unchecked bad &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines && grep "Dockerfile:2:1: error" lines &&
	log_lines ../hook-run.log >log &&
	echo "reject repository=$(cd ../srv.git && pwd) pusher=git pusher_from=USER from=192.0.2.7 refs=refs/heads/main findings=2 commits=1" >expect &&
	test_cmp expect log
'

test_expect_success 'the Dockerfile shipped for the GitHub Enterprise environment obeys the policy' '
	"$HOOK_RUN" check --no-config "$contrib/github-enterprise/Dockerfile.environment" >out &&
	grep "1 file checked, 0 findings" out
'

test_done
