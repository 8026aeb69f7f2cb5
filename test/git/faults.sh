#!/bin/sh
# SPDX-License-Identifier: MIT
# faults.sh - the pre-commit fix when things go wrong around it: hook-run
# killed at random moments (SIGKILL, SIGTERM, SIGINT) in a loop on a large
# index, a disk that fills up, a read-only object store or working
# directory, two commits racing. Afterwards git's index and the working
# file are each the old or the new one, never torn; the index's checksum
# holds; hook-run has left no lock and no temporary file of its own; a
# failure says why and exits non-zero.
#
# The kills need the hook's process id: these repositories run a small
# pre-commit hook of their own that writes it, then execs hook-run.
# The disk and read-only tests mount a small tmpfs or a read-only bind in
# a private mount namespace (unshare -m as root, unshare -rm otherwise);
# where that is not allowed they are skipped, with the reason.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# pid_hook: a pre-commit hook that records its pid, then becomes hook-run
pid_hook() {
	cat >.git/hooks/pre-commit <<-EOF &&
	#!/bin/sh
	echo \$\$ >"$PWD/hook.pid"
	exec "$HOOK_RUN" pre-commit
	EOF
	chmod +x .git/hooks/pre-commit
}

# big_repo N: a repository `r` with action = fix and N files committed
# (one blob, N index entries), the pid hook, a bad Dockerfile to stage
big_repo() {
	git init -q r && cd r &&
	printf "[hook-run]\naction = fix\n" >.hook-run.ini &&
	blob=$(echo content | git hash-object -w --stdin) &&
	awk -v b="$blob" -v n="$1" "BEGIN { for (i = 0; i < n; i++) printf \"100644 %s\\td%d/f%d\\n\", b, i % 100, i }" |
		git update-index --index-info &&
	git add .hook-run.ini && commit_unchecked base &&
	pid_hook && printf "$BAD" >../bad && printf "$FIXED" >../fixed
}

# index_ok: the index reads, and its checksum is the SHA-1 of the rest
index_ok() {
	size=$(wc -c <.git/index) &&
	want=$(tail -c 20 .git/index | od -An -tx1 | tr -d " \n") &&
	got=$(head -c $((size - 20)) .git/index | sha1sum | cut -c1-40) &&
	if [ "$want" != "$got" ]; then
		echo "index checksum $want, content hashes to $got" >&2
		return 1
	fi &&
	git ls-files -s Dockerfile >/dev/null
}

# old_or_new: the staged and the working Dockerfile are each BAD or FIXED
old_or_new() {
	git cat-file blob :Dockerfile >staged &&
	{ cmp -s staged ../bad || cmp -s staged ../fixed || { echo "torn index entry" >&2; false; }; } &&
	{ cmp -s Dockerfile ../bad || cmp -s Dockerfile ../fixed || { echo "torn working file" >&2; false; }; }
}

# leftovers: what hook-run may have left (locks, temporary files), or nothing
leftovers() {
	find . -name "*.lock" -o -name "*.hook-run-*" -o -name "tmp_object_git2_*" | grep -v "^./hook.pid$" || true
}

test_expect_success 'killed at random moments during a fixing commit on a 20 000-file index' '
	big_repo 20000 &&
	printf "$BAD" >Dockerfile && git add Dockerfile &&
	start=$(date +%s%N) && git commit -q -m timed >/dev/null 2>&1 && end=$(date +%s%N) &&
	run_ms=$(( (end - start) / 1000000 )) && echo "# a fixing commit takes $run_ms ms" &&
	i=0 && outcomes= &&
	while [ $i -lt ${HOOK_RUN_KILL_TRIES:-30} ]; do
		git reset -q --soft HEAD~1 2>/dev/null; git rm -q --cached Dockerfile 2>/dev/null
		cp ../bad Dockerfile && git add Dockerfile && rm -f hook.pid &&
		case $((i % 3)) in 0) sig=KILL ;; 1) sig=TERM ;; *) sig=INT ;; esac &&
		delay_ms=$(( (i * 7919) % (run_ms + 20) )) &&
		{ git commit -q -m "try $i" >commit.out 2>&1 & } &&
		gpid=$! && n=0 &&
		while [ ! -s hook.pid ] && [ $n -lt 400 ]; do sleep 0.005; n=$((n + 1)); done &&
		sleep "$(awk "BEGIN { printf \"%.3f\", $delay_ms / 1000 }")" &&
		pid=$(cat hook.pid) &&
		# only our hook-run: the pid may be gone, or reused, once it has exited
		case $(ps -o comm= -p "$pid" 2>/dev/null) in
		hook-run*) kill -s $sig "$pid" 2>/dev/null || true ;;
		esac &&
		{ wait $gpid; code=$?; } &&
		outcomes="$outcomes $sig/$code" &&
		index_ok && old_or_new &&
		left=$(leftovers) &&
		if [ -n "$left" ]; then
			echo "try $i ($sig after $delay_ms ms): left behind: $left" >&2
			return 1
		fi &&
		i=$((i + 1)) || return 1
	done &&
	echo "# outcomes (signal/exit of git commit):$outcomes" &&
	# the objects hook-run wrote, the index it wrote: git itself agrees
	git fsck --no-progress --no-dangling
'

test_expect_success 'two fixing commits racing in one working tree: each clean or refused' '
	big_repo 2000 &&
	git worktree add -q ../w2 -b two 2>/dev/null &&
	printf "$BAD" >Dockerfile && git add Dockerfile &&
	{ git commit -q -m one >one.out 2>&1 & } && p1=$! &&
	{ git commit -q -m two >two.out 2>&1 & } && p2=$! &&
	{ wait $p1; c1=$?; } && { wait $p2; c2=$?; } &&
	echo "# exits: $c1 $c2" &&
	test $c1 -eq 0 -o $c2 -eq 0 &&
	index_ok && old_or_new &&
	expect_blob HEAD:Dockerfile "$FIXED" &&
	test -z "$(leftovers)"
'

test_expect_success 'two fixing commits racing in two worktrees of one repository: both fixed' '
	big_repo 2000 &&
	git worktree add -q ../w2 -b two 2>/dev/null &&
	printf "$BAD" >Dockerfile && git add Dockerfile &&
	(cd ../w2 && printf "$BAD" >Dockerfile && git add Dockerfile) &&
	{ git commit -q -m one >one.out 2>&1 & } && p1=$! &&
	{ (cd ../w2 && git commit -q -m two) >two.out 2>&1 & } && p2=$! &&
	{ wait $p1; c1=$?; } && { wait $p2; c2=$?; } &&
	test $c1 -eq 0 && test $c2 -eq 0 &&
	expect_blob main:Dockerfile "$FIXED" && expect_blob two:Dockerfile "$FIXED" &&
	expect_file Dockerfile "$FIXED" && expect_file ../w2/Dockerfile "$FIXED" &&
	test -z "$(leftovers)" && test -z "$(cd ../w2 && leftovers)"
'

test_expect_success 'a read-only working file keeps its mode, and gets the fix' '
	big_repo 10 &&
	printf "$BAD" >Dockerfile && chmod 444 Dockerfile && git add Dockerfile &&
	git commit -q -m ro >out 2>&1 &&
	expect_file Dockerfile "$FIXED" && test "$(stat -c %a Dockerfile)" = 444 &&
	test -z "$(leftovers)"
'

# ---- a full disk, a read-only file system -----------------------------------------

# in_namespace SCRIPT: run SCRIPT (sh) in a private mount namespace
ns=
if unshare -m true 2>/dev/null && unshare -m sh -c "mount -t tmpfs tmpfs /tmp 2>/dev/null"; then
	ns="unshare -m"
elif unshare -rm true 2>/dev/null && unshare -rm sh -c "mount -t tmpfs tmpfs /tmp 2>/dev/null"; then
	ns="unshare -rm"
fi

# fault_scenario FAULT AFTER: in the namespace, a repository on an 8 MB
# tmpfs whose pre-commit hook first runs FAULT (fill the disk, remount
# read-only; run from the working tree's root), then hook-run; AFTER runs
# once the commit is over. The commit's transcript in ./commit.out, its
# exit and what was kept in ./code, what hook-run left in ./left
fault_scenario() {
	cat >scenario.sh <<-EOF &&
	set -e
	mkdir -p fs && mount -t tmpfs -o size=8m tmpfs fs && cd fs
	git init -q r && cd r
	mkdir app && printf "[hook-run]\\naction = fix\\n" >.hook-run.ini
	git add . && git -c user.name=a -c user.email=a@b commit -q --no-verify -m base
	printf '$BAD' >app/Dockerfile && git add app/Dockerfile
	git rev-parse :app/Dockerfile >../../staged.before
	cat >.git/hooks/pre-commit <<-HOOK
	#!/bin/sh
	$1
	exec "$HOOK_RUN" pre-commit
	HOOK
	chmod +x .git/hooks/pre-commit
	set +e
	git -c user.name=a -c user.email=a@b commit -q -m x >../../commit.out 2>&1
	echo \$? >../../code
	$2
	git rev-parse :app/Dockerfile | cmp -s - ../../staged.before && echo index-kept >>../../code
	cmp -s app/Dockerfile /dev/stdin <<-B && echo file-kept >>../../code
	\$(printf '$BAD')
	B
	find . -name "*.lock" -o -name "*.hook-run-*" >../../left
	EOF
	$ns sh scenario.sh
}

if [ -z "$ns" ]; then
	test_skip "a full disk: the fix fails clearly, index and working file kept" \
		"no private mount namespace (unshare -m / -rm not allowed here)"
	test_skip "a read-only object store: the fix fails clearly, nothing changed" "no private mount namespace"
	test_skip "a read-only working directory: nothing staged, exit non-zero" "no private mount namespace"
else
	test_expect_success 'a full disk: the fix fails clearly, index and working file kept' '
		fault_scenario "dd if=/dev/zero of=../filler bs=4k count=4096 2>/dev/null; true" "rm -f ../filler" &&
		cat commit.out &&
		test "$(head -1 code)" -ne 0 &&
		grep -i "no space left on device" commit.out &&
		grep index-kept code && grep file-kept code &&
		test ! -s left
	'
	test_expect_success 'a read-only object store: the fix fails clearly, nothing changed' '
		fault_scenario "mount --bind .git/objects .git/objects && mount -o remount,ro,bind .git/objects" "" &&
		cat commit.out &&
		test "$(head -1 code)" -ne 0 &&
		grep -i "read-only file system" commit.out &&
		grep index-kept code && grep file-kept code &&
		test ! -s left
	'
	test_expect_success 'a read-only working directory: nothing staged, exit non-zero' '
		fault_scenario "mount --bind app app && mount -o remount,ro,bind app" "" &&
		cat commit.out &&
		test "$(head -1 code)" -ne 0 &&
		grep "app/Dockerfile: the working file was not updated: .*Read-only file system" commit.out &&
		grep "nothing was staged; the commit is rejected" commit.out &&
		grep index-kept code && grep file-kept code &&
		test ! -s left
	'
fi

test_done
