#!/bin/sh
# SPDX-License-Identifier: MIT
# hostile-repo.sh - repositories in states nobody should leave them in,
# read by the client-side commands: indexes git writes rarely (version 4,
# very long or very deep paths) or that are damaged, missing objects,
# unreadable pack indexes, names with control characters, symlinks that
# point out of the tree. Never a crash, never exit 0 on an error, one
# clear message.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# ---- the index --------------------------------------------------------------

test_expect_success 'index v4 (feature.manyFiles), 3000 paths sharing a long prefix' '
	new_repo r && cd r &&
	git config feature.manyFiles true &&
	dir=$(printf "%0120d/%0120d" 0 0) && mkdir -p "$dir" &&
	i=0 && while [ $i -lt 3000 ]; do : >"$dir/file-$i"; i=$((i + 1)); done &&
	write_file Dockerfile "$BAD" && git add . &&
	test "$(head -c 8 .git/index | od -An -tx1 | tr -d " \\n")" = "4449524300000004" &&
	test_expect_code 1 git commit -q -m many >out 2>&1 &&
	grep "Dockerfile:2:1: error: .*\\[CopyLinkMissing\\]" out &&
	grep "1 staged file checked, 2 findings" out
'

test_expect_success 'index v4: a bad Dockerfile deep among the shared prefixes is found' '
	new_repo r && cd r &&
	git config index.version 4 &&
	dir=$(printf "%0200d" 0) && mkdir -p "$dir/x" &&
	i=0 && while [ $i -lt 500 ]; do : >"$dir/x/f$i"; i=$((i + 1)); done &&
	write_file "$dir/x/Dockerfile" "$BAD" && git add . &&
	test_expect_code 1 "$HOOK_RUN" pre-commit >out &&
	grep "$dir/x/Dockerfile:2:1: error" out
'

test_expect_success 'an index cut short: a clear error, no crash, exit 3' '
	new_repo r && cd r &&
	write_file Dockerfile "$BAD" && write_file b "b\\n" && git add . &&
	size=$(wc -c <.git/index) &&
	head -c $((size - 30)) .git/index >index.cut && mv index.cut .git/index &&
	test_expect_code 3 "$HOOK_RUN" pre-commit >out 2>err &&
	grep "cannot read the index .*: truncated entry" err
'

test_expect_success 'a path nested 5000 levels deep in the index: refused, no crash' '
	new_repo r && cd r &&
	write_file Dockerfile "$GOOD" && git add . && commit_unchecked base &&
	blob=$(printf "$BAD" | git hash-object -w --stdin) &&
	path=$(awk "BEGIN { for (i = 0; i < 5000; i++) printf \"a/\" }")Dockerfile &&
	git update-index --add --cacheinfo 100644,"$blob","$path" &&
	test_expect_code 3 "$HOOK_RUN" pre-commit >out 2>err &&
	grep "nested deeper than 4096 levels" err
'

# ---- the working tree ---------------------------------------------------------

test_expect_success 'pre-commit fix: never writes the working file beyond a symlinked directory' '
	new_repo r fix && cd r &&
	mkdir ../outside && write_file ../outside/Dockerfile "$BAD" &&
	blob=$(printf "$BAD" | git hash-object -w --stdin) &&
	git update-index --add --cacheinfo 100644,"$blob",app/Dockerfile &&
	ln -s ../outside app &&
	git commit -q -m fixed >out 2>&1 &&
	expect_blob HEAD:app/Dockerfile "$FIXED" &&
	expect_file ../outside/Dockerfile "$BAD" &&
	grep "app/Dockerfile: the working file was left as it is (.app. is a symbolic link" out &&
	no_locks
'

# ---- objects and packs --------------------------------------------------------

# packed_repo: a repository `r` with a bad Dockerfile in a three-commit
# history, everything in one pack (git gc), and its .idx in $idx
packed_repo() {
	git init -q r && cd r &&
	write_file Dockerfile "$GOOD" && git add . && commit_unchecked one &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked two &&
	write_file README "r\n" && git add . && commit_unchecked three &&
	git gc -q && idx=$(ls .git/objects/pack/*.idx) && test -f "$idx"
}

test_expect_success 'audit: a HEAD whose commit is missing is an error (exit 3), not an empty repository' '
	git init -q r && cd r &&
	write_file Dockerfile "$BAD" && git add . && commit_unchecked one &&
	head=$(git rev-parse HEAD) &&
	rm ".git/objects/$(echo $head | cut -c1-2)/$(echo $head | cut -c3-)" &&
	test_expect_code 3 "$HOOK_RUN" audit >out 2>err &&
	grep "HEAD. points to $head, which is missing or unreadable" err &&
	! grep "nothing to audit" out
'

test_expect_success 'audit: an unborn HEAD is still "nothing to audit", exit 0' '
	git init -q r && cd r &&
	"$HOOK_RUN" audit >out &&
	grep "HEAD has no commit yet: nothing to audit" out
'

test_expect_success 'audit: an unreadable pack index is an error (exit 3), not a pass' '
	packed_repo &&
	printf "garbage" >"$idx" &&
	test_expect_code 3 "$HOOK_RUN" audit >out 2>err &&
	grep "missing or unreadable" err &&
	test_expect_code 3 "$HOOK_RUN" audit --history >out 2>err &&
	test_expect_code 3 "$HOOK_RUN" audit --range HEAD~2..HEAD >out 2>err
'

test_expect_success 'a pack index with a crafted fanout: no crash, an error (exit 3)' '
	packed_repo &&
	# fanout[i] = 0 for even i, 0x7fffffff for odd i (fanout[255], the count, kept)
	i=0 && : >fanout &&
	while [ $i -lt 255 ]; do
		if [ $((i % 2)) -eq 1 ]; then printf "\177\377\377\377"; else printf "\0\0\0\0"; fi >>fanout &&
		i=$((i + 1))
	done &&
	test "$(wc -c <fanout)" -eq 1020 &&
	chmod u+w "$idx" && dd if=fanout of="$idx" bs=1 seek=8 conv=notrunc 2>/dev/null &&
	test_expect_code 3 "$HOOK_RUN" audit --history >out 2>err &&
	test -s err
'

test_done
