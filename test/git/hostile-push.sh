#!/bin/sh
# SPDX-License-Identifier: MIT
# hostile-push.sh - pushes nobody friendly makes, through real `git push`
# into a bare repository with the hook `hook-run install --pre-receive`
# writes: odd tree modes, odd names, deep and wide trees, huge blobs,
# octopus merges, missing objects, a corrupt quarantine, malformed hook
# input, pushed files that try to relax the server's policy.
#
# For each: no crash, no hang (every run under timeout), never exit 0 on an
# error, one clear message, and the server's refs untouched when rejected.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

zero=0000000000000000000000000000000000000000

# setup: srv.git with the hook, a client `c` whose good base commit is on
# the server already
setup() {
	new_server srv.git &&
	git init -q c && cd c &&
	write_file Dockerfile "$GOOD" && write_file README "r\n" && git add . && commit_unchecked base &&
	git remote add origin ../srv.git &&
	git push -q origin main 2>/dev/null &&
	base=$(git rev-parse HEAD)
}

# push_commit COMMIT EXIT: push COMMIT as main, expect the push's exit
# code (0, or 1 when the hook declines) within 120 s; the transcript is
# in ./out, its remote: lines in ./lines
push_commit() {
	timeout 120 git push origin "$1:refs/heads/main" >out 2>&1
	code=$?
	remote_lines out >lines
	if [ "$code" -ne "$2" ]; then
		echo "push exited $code, expected $2:" >&2
		cat out >&2
		return 1
	fi
}

# server_main: where the server's main points
server_main() {
	git -C ../srv.git rev-parse main
}

# ---- tree modes -----------------------------------------------------------

test_expect_success 'a Dockerfile with tree mode 100664 is a file: checked, rejected' '
	setup &&
	bad=$(printf "$BAD" | git hash-object -w --stdin) &&
	tree=$(raw_tree 100644 README "$(git rev-parse HEAD:README)" 100664 Dockerfile "$bad") &&
	git ls-tree "$tree" | grep "^100644 blob $bad	Dockerfile" &&
	c=$(raw_commit "$tree" HEAD) &&
	push_commit "$c" 1 &&
	grep ":Dockerfile:2:1: error: .*\[CopyLinkMissing\]" lines &&
	test "$(server_main)" = "$base" &&
	test_expect_code 1 "$HOOK_RUN" audit "$c" >audit.out &&
	grep "Dockerfile:2:1: error" audit.out && ! grep "no Dockerfile matched" audit.out
'

test_expect_success 'file modes by their type bits: 100755, 100600, 0100644 are files' '
	setup &&
	bad=$(printf "$BAD" | git hash-object -w --stdin) &&
	tree=$(raw_tree 100755 a.Dockerfile "$bad" 100600 b.Dockerfile "$bad" 0100644 c.Dockerfile "$bad") &&
	c=$(raw_commit "$tree" HEAD) &&
	push_commit "$c" 1 &&
	grep ":a.Dockerfile:2:1: error" lines && grep ":b.Dockerfile:2:1: error" lines &&
	grep ":c.Dockerfile:2:1: error" lines
'

test_expect_success 'a directory with mode 040755 is a tree: its Dockerfile is checked' '
	setup &&
	bad=$(printf "$BAD" | git hash-object -w --stdin) &&
	sub=$(raw_tree 100644 Dockerfile "$bad") &&
	tree=$(raw_tree 40755 app "$sub") &&
	c=$(raw_commit "$tree" HEAD) &&
	push_commit "$c" 1 &&
	grep ":app/Dockerfile:2:1: error" lines
'

for mode in 170000 070000 0 100 10644 1100644; do
	test_expect_success "a tree entry with mode $mode is rejected, not skipped" '
		setup &&
		bad=$(printf "$BAD" | git hash-object -w --stdin) &&
		tree=$(raw_tree '"$mode"' Dockerfile "$bad") &&
		c=$(raw_commit "$tree" HEAD) &&
		push_commit "$c" 1 &&
		grep "tree entry .Dockerfile. has mode 0*'"$mode"'" lines &&
		grep "not a file, directory, symlink or submodule" lines &&
		grep "push rejected" lines &&
		test "$(server_main)" = "$base"
	'
done

test_expect_success 'a symlink turned into a file with the same blob is checked' '
	setup &&
	bad=$(printf "$BAD" | git hash-object -w --stdin) &&
	c1=$(raw_commit "$(raw_tree 120000 Dockerfile "$bad")" HEAD) &&
	git push -q origin "$c1:refs/heads/main" 2>/dev/null &&
	c2=$(raw_commit "$(raw_tree 100644 Dockerfile "$bad")" "$c1") &&
	push_commit "$c2" 1 &&
	grep ":Dockerfile:2:1: error" lines
'

# ---- names -----------------------------------------------------------------------

test_expect_success 'a name with newlines cannot forge remote: lines; it is quoted as git quotes it' '
	setup &&
	bad=$(printf "$BAD" | git hash-object -w --stdin) &&
	sub=$(raw_tree 100644 Dockerfile "$bad") &&
	tree=$(raw_tree 40000 "$(printf "x\nremote: ALL CHECKS PASSED\n")" "$sub") &&
	c=$(raw_commit "$tree" HEAD) &&
	push_commit "$c" 1 &&
	! grep -x "ALL CHECKS PASSED" lines && ! grep -x "remote: ALL CHECKS PASSED" lines &&
	grep -F ":\"x\\nremote: ALL CHECKS PASSED/Dockerfile\":2:1: error" lines &&
	test "$(server_main)" = "$base"
'

test_expect_success 'escape sequences in a name never reach the terminal raw' '
	setup &&
	bad=$(printf "$BAD" | git hash-object -w --stdin) &&
	esc=$(printf "\033[2J\033]0;pwned\007") &&
	sub=$(raw_tree 100644 Dockerfile "$bad") &&
	c=$(raw_commit "$(raw_tree 40000 "$esc" "$sub")" HEAD) &&
	push_commit "$c" 1 &&
	! grep -q "$(printf "\033")" out && ! grep -q "$(printf "\007")" out &&
	grep -F "\"\\033[2J\\033]0;pwned\\a/Dockerfile\"" lines &&
	test_expect_code 1 "$HOOK_RUN" audit "$c" >audit.out 2>&1 &&
	! grep -q "$(printf "\033")" audit.out
'

for name in .. . .git .GIT "a/b"; do
	test_expect_success "a tree entry named '$name' is rejected (git never checks it out)" '
		setup &&
		bad=$(printf "$BAD" | git hash-object -w --stdin) &&
		sub=$(raw_tree 100644 Dockerfile "$bad") &&
		c=$(raw_commit "$(raw_tree 100644 README "$(git rev-parse HEAD:README)" 40000 "'"$name"'" "$sub")" HEAD) &&
		push_commit "$c" 1 &&
		grep "git refuses to check it out (rejected)" lines &&
		test "$(server_main)" = "$base"
	'
done

# git fsck calls these duplicateEntries and treeNotSorted, but receive.fsckObjects
# is off by default: git takes them, and the hook must judge every entry
test_expect_success 'duplicate names and an unsorted tree: every Dockerfile entry is judged' '
	setup &&
	good=$(git rev-parse HEAD:Dockerfile) && readme=$(git rev-parse HEAD:README) &&
	bad=$(printf "$BAD" | git hash-object -w --stdin) &&
	for order in "$good $bad" "$bad $good"; do
		set -- $order &&
		c=$(raw_commit "$(raw_tree 100644 Dockerfile "$1" 100644 Dockerfile "$2" 100644 README "$readme")" HEAD) &&
		push_commit "$c" 1 &&
		grep ":Dockerfile:2:1: error: .*\[CopyLinkMissing\]" lines &&
		test "$(server_main)" = "$base" || return 1
	done &&
	c=$(raw_commit "$(raw_tree 100644 README "$readme" 100644 Dockerfile "$bad")" HEAD) &&
	test_expect_code 1 git fsck --no-dangling >fsck.out 2>&1 &&
	grep treeNotSorted fsck.out &&
	push_commit "$c" 1 &&
	grep ":Dockerfile:2:1: error: .*\[CopyLinkMissing\]" lines &&
	test "$(server_main)" = "$base"
'

test_expect_success 'a symlink and a gitlink named Dockerfile: not read, the push goes in' '
	setup &&
	bad=$(printf "$BAD" | git hash-object -w --stdin) &&
	c=$(raw_commit "$(raw_tree 120000 Dockerfile "$bad" 160000 Containerfile "$(git rev-parse HEAD)")" HEAD) &&
	push_commit "$c" 0 &&
	test "$(server_main)" = "$c"
'

test_expect_success 'a gitlink to a commit the server does not have: no error, nothing read' '
	setup &&
	c=$(raw_commit "$(raw_tree 160000 Dockerfile 1234567890123456789012345678901234567890)" HEAD) &&
	push_commit "$c" 0
'

# ---- size ---------------------------------------------------------------------

# maxrss_of CMD...: run CMD (its output in ./out, ./err); prints "EXIT MAXRSS_KB"
maxrss_of() {
	python3 -c "
import resource, subprocess, sys
with open(\"out\", \"wb\") as o, open(\"err\", \"wb\") as e:
    p = subprocess.run(sys.argv[1:], stdout=o, stderr=e)
print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)" "$@"
}

big_blob_test() {
	mb=$1
	setup &&
	head -c $((mb * 1024 * 1024)) /dev/zero | tr "\0" "#" >Dockerfile &&
	git add Dockerfile && commit_unchecked big &&
	# the default max-size (4M): not read, rejected at once
	push_commit main 1 &&
	grep "larger than max-size ($((mb * 1024 * 1024)) bytes, limit 4194304): not read" lines &&
	# max-size = 0, read: the blob once, never twice (the hook run directly on the pushed objects)
	git -C ../srv.git fetch -q ../c main:refs/tmp/big && git -C ../srv.git update-ref -d refs/tmp/big &&
	echo "$base $(git rev-parse main) refs/heads/main" >in &&
	printf "[hook-run]\nmax-size = 0\n[pre-receive]\ntimeout = 0\n" >../srv.git/hook-run.ini &&
	(cd ../srv.git && maxrss_of "$HOOK_RUN" pre-receive <../c/in) >rss &&
	read code kb <rss &&
	echo "# ${mb} MiB blob: exit $code, max RSS $((kb / 1024)) MiB" &&
	test "$code" -eq 1 &&
	test "$kb" -lt $((mb * 1024 + mb * 1024 / 8 + 32 * 1024))
}

if [ -n "${HOOK_RUN_SANITIZED:-}" ]; then
	test_skip "a 64 MiB blob: max-size refuses it; read, it costs its size once" \
		"memory is measured without the sanitizers"
elif ! command -v python3 >/dev/null 2>&1; then
	test_skip "a 64 MiB blob: max-size refuses it; read, it costs its size once" "no python3 to measure memory"
else
	test_expect_success 'a 64 MiB blob: max-size refuses it; read, it costs its size once' '
		big_blob_test 64
	'
fi
if [ "${HOOK_RUN_TEST_BIG:-}" = 1 ] && [ -z "${HOOK_RUN_SANITIZED:-}" ]; then
	test_expect_success 'a 1 GiB blob: max-size refuses it; read, it costs its size once' '
		big_blob_test 1024
	'
else
	test_skip "a 1 GiB blob: max-size refuses it; read, it costs its size once" \
		"HOOK_RUN_TEST_BIG=1 runs it (a minute and 2 GB of disk); the 64 MiB test above measures the same bound"
fi

test_expect_success '100 000 Dockerfiles in one commit: checked within the budget, each blob once' '
	setup &&
	{
		printf "blob\nmark :1\ndata %d\n%s\n" "$(printf "$GOOD" | wc -c)" "$(printf "$GOOD")" &&
		printf "commit refs/heads/wide\ncommitter C <c@example.com> 0 +0000\ndata 5\nwide\nfrom %s\n" "$base" &&
		awk "BEGIN { for (i = 0; i < 100000; i++) printf \"M 100644 :1 d%d/Dockerfile\\n\", i % 300 }" | sort -u &&
		awk "BEGIN { for (i = 0; i < 100000; i++) printf \"M 100644 :1 d%d/x%d.Dockerfile\\n\", i % 300, i }"
	} | git fast-import --quiet &&
	test "$(git ls-tree -r wide | wc -l)" -ge 100000 &&
	start=$(date +%s) &&
	push_commit wide 0 &&
	end=$(date +%s) &&
	echo "# 100 000 Dockerfiles pushed and checked in $((end - start)) s" &&
	grep "pushed files checked, 0 findings" lines
'

test_expect_success 'an octopus of 200 parents: rejected with a clear message (at most 64)' '
	setup &&
	parents= && i=0 &&
	while [ $i -lt 200 ]; do
		p=$(echo "p$i" | git commit-tree HEAD^{tree} -p HEAD) && parents="$parents $p" && i=$((i + 1)) || return 1
	done &&
	c=$(raw_commit "$(git rev-parse HEAD^{tree})" $parents) &&
	test "$(git cat-file -p "$c" | grep -c ^parent)" -eq 200 &&
	push_commit "$c" 1 &&
	grep "has 200 parents; at most 64 are supported" lines &&
	test "$(server_main)" = "$base"
'

# ---- hook input -------------------------------------------------------------------

# hook_input PRINTF-FORMAT ARGS...: the server's hook on that input (exit in $code, out, err)
hook_input() {
	fmt=$1 && shift &&
	printf "$fmt" "$@" >in &&
	{ (cd ../srv.git && timeout 60 "$HOOK_RUN" pre-receive <../c/in >../c/out 2>../c/err); code=$?; }
}

test_expect_success 'malformed hook input: each refused with the line named, exit 2, nothing checked' '
	setup && new=$(git rev-parse HEAD) &&
	hook_input "%s %s refs/heads/x\n" "$base" "${new%?}g" && test "$code" -eq 2 &&
	grep "standard input, line 1: expected" err &&
	hook_input "%s %s\n" "$base" "$new" && test "$code" -eq 2 &&
	hook_input "%s\n" "$base" && test "$code" -eq 2 &&
	hook_input "%s %s refs/heads/x\r\n" "$base" "$new" && test "$code" -eq 2 &&
	hook_input "%s %s refs/heads/x\n\n" "$base" "$new" && test "$code" -eq 2 &&
	grep "standard input, line 2" err &&
	hook_input "%s  %s refs/heads/x\n" "$base" "$new" && test "$code" -eq 2 &&
	printf "%s %s refs/heads/a\0b\n" "$base" "$new" >in &&
	{ (cd ../srv.git && "$HOOK_RUN" pre-receive <../c/in >../c/out 2>../c/err); code=$?; } &&
	test "$code" -eq 2 &&
	printf "%s %s refs/heads/\033[31mred\n%s" "$base" "$new" "$base" >in &&
	{ (cd ../srv.git && "$HOOK_RUN" pre-receive <../c/in >../c/out 2>../c/err); code=$?; } &&
	test "$code" -eq 2 && ! grep -q "$(printf "\033")" err
'

test_expect_success 'a 10 MB line of hook input: refused quickly, exit 2' '
	setup &&
	head -c 10485760 /dev/zero | tr "\0" "a" >in && echo >>in &&
	start=$(date +%s) &&
	{ (cd ../srv.git && timeout 60 "$HOOK_RUN" pre-receive <../c/in >../c/out 2>../c/err); code=$?; } &&
	end=$(date +%s) &&
	test "$code" -eq 2 && test $((end - start)) -le 10 &&
	grep "standard input, line 1: expected" err && test "$(wc -c <err)" -lt 1000
'

test_expect_success 'a new commit whose tree is missing: exit 3, named' '
	setup &&
	c=$(raw_commit 1234567890123456789012345678901234567890 HEAD 2>/dev/null ||
	    printf "tree 1234567890123456789012345678901234567890\nparent %s\nauthor A <a@b> 0 +0000\ncommitter C <c@d> 0 +0000\n\nx\n" "$base" |
		git hash-object -t commit -w --stdin --literally) &&
	git -C ../srv.git cat-file --batch-check </dev/null &&
	git cat-file commit "$c" | git -C ../srv.git hash-object -t commit -w --stdin --literally >/dev/null &&
	hook_input "%s %s refs/heads/main\n" "$base" "$c" &&
	test "$code" -eq 3 &&
	grep "cannot read the tree of commit\|1234567890123456789012345678901234567890" err
'

test_expect_success 'a corrupt pack in the quarantine: the push is rejected, exit 3, no crash' '
	setup &&
	write_file app/Dockerfile "$GOOD" && git add . && commit_unchecked app &&
	cat >../srv.git/hooks/pre-receive <<-EOF &&
	#!/bin/sh
	# damage every quarantined pack in its middle, then run the real hook
	for p in "\$GIT_QUARANTINE_PATH"/pack/*.pack; do
		size=\$(wc -c <"\$p")
		chmod u+w "\$p"
		printf "\\377\\377\\377\\377\\377\\377\\377\\377" | dd of="\$p" bs=1 seek=\$((size / 2)) conv=notrunc 2>/dev/null
	done
	exec "$HOOK_RUN" pre-receive
	EOF
	chmod +x ../srv.git/hooks/pre-receive &&
	push_commit main 1 &&
	grep "pre-receive hook declined" out &&
	grep "push rejected: hook-run could not check it" lines &&
	test "$(server_main)" = "$base"
'

# ---- the policy is the server's ---------------------------------------------------

test_expect_success 'a pushed # check=skip=all is refused where the server denies suppressions' '
	setup &&
	printf "[hook-run]\ninline-suppressions = deny\n" >../srv.git/hook-run.ini &&
	write_file app/Dockerfile "# check=skip=all\n$BAD" && git add . && commit_unchecked skip &&
	push_commit main 1 &&
	grep "InlineSuppressionRefused" lines && grep "CopyLinkMissing" lines
'

test_expect_success 'a pushed .hook-run.ini cannot relax the server: its rules stay' '
	setup &&
	printf "[rules]\nCopyLinkMissing = off\nSyntaxDirectiveMissing = off\n[hook-run]\nexclude = **\n" >.hook-run.ini &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked relax &&
	push_commit main 1 &&
	grep ":app/Dockerfile:2:1: error: .*\[CopyLinkMissing\]" lines
'

# ---- deep and wide ---------------------------------------------------------

# deep_commit DEPTH PARENT: a commit of PARENT's tree plus a bad Dockerfile
# DEPTH directories down (a/a/.../Dockerfile), made by git fast-import
deep_commit() {
	dir=$(awk -v n="$1" "BEGIN { for (i = 0; i < n; i++) printf \"a/\" }") &&
	printf "commit refs/heads/deep\ncommitter C <c@example.com> 0 +0000\ndata 4\ndeep\nfrom %s\nM 100644 inline %sDockerfile\ndata 22\nFROM alpine\nCOPY a /b\n\n" \
		"$2" "$dir" | git fast-import --quiet &&
	git rev-parse refs/heads/deep
}

test_expect_success 'a 5000-level tree: rejected with a clear message, no crash' '
	setup &&
	c=$(deep_commit 5000 HEAD) &&
	push_commit "$c" 1 &&
	grep "is nested deeper than 4096 levels: rejected" lines &&
	grep "push rejected" lines &&
	test "$(server_main)" = "$base" &&
	test_expect_code 3 "$HOOK_RUN" audit "$c" 2>err &&
	grep "nested deeper than 4096 levels" err
'

test_expect_success 'a 4000-level tree is walked to its Dockerfile' '
	setup &&
	c=$(deep_commit 4000 HEAD) &&
	push_commit "$c" 1 &&
	grep "/a/a/Dockerfile:2:1: error: .*\[CopyLinkMissing\]" lines
'

test_expect_success 'a 3000-level tree with a Dockerfile on every level: each judged' '
	setup &&
	{
		printf "blob\nmark :1\ndata %d\n%s\n" "$(printf "$GOOD" | wc -c)" "$(printf "$GOOD")" &&
		printf "commit refs/heads/stairs\ncommitter C <c@example.com> 0 +0000\ndata 7\nstairs\nfrom %s\n" "$base" &&
		awk "BEGIN { d = \"\"; for (i = 0; i < 3000; i++) { d = d \"a/\"; printf \"M 100644 :1 %sDockerfile\\n\", d } }"
	} | git fast-import --quiet &&
	# before, each file tried the vendored patterns on each of its leading
	# directories with a full match: cubic in the depth, minutes here (the
	# budget is off, so that a slow machine or a sanitizer cannot fail the
	# test: push_commit gives up after 120 s)
	printf "[pre-receive]\ntimeout = 0\n" >../srv.git/hook-run.ini &&
	push_commit stairs 0 &&
	rm ../srv.git/hook-run.ini &&
	grep "3000 pushed files checked, 0 findings" lines
'

test_done
