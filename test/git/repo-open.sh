#!/bin/sh
# SPDX-License-Identifier: MIT
# repo-open.sh - opening the repository in every hook environment: GIT_DIR
# (relative, absolute), GIT_WORK_TREE, GIT_INDEX_FILE, GIT_COMMON_DIR,
# quarantined objects (GIT_QUARANTINE_PATH, GIT_OBJECT_DIRECTORY and
# quoted GIT_ALTERNATE_OBJECT_DIRECTORIES, which libgit2 1.5's own
# from-environment opening gets wrong), and repositories owned by
# another user.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

zero=0000000000000000000000000000000000000000

# a repository r with a bad Dockerfile committed
setup() {
	git init -q r && (cd r && write_file Dockerfile "$BAD" && git add . && commit_unchecked bad)
}

test_expect_success 'GIT_DIR relative to the current directory, and absolute' '
	setup &&
	GIT_DIR=r/.git test_expect_code 1 "$HOOK_RUN" audit >out && grep "^Dockerfile:2:1" out &&
	mkdir elsewhere && cd elsewhere &&
	GIT_DIR="$PWD/../r/.git" test_expect_code 1 "$HOOK_RUN" audit >out && grep "^Dockerfile:2:1" out
'

test_expect_success 'GIT_DIR that is not a repository: exit 3 (a git failure), named' '
	mkdir plain &&
	GIT_DIR=plain test_expect_code 3 "$HOOK_RUN" audit 2>err &&
	grep "GIT_DIR=.plain. is not a git repository" err &&
	GIT_DIR=missing test_expect_code 3 "$HOOK_RUN" audit 2>err && grep "GIT_DIR=.missing." err &&
	GIT_DIR=plain test_expect_code 3 "$HOOK_RUN" pre-receive </dev/null 2>err &&
	grep "GIT_DIR=.plain. is not a git repository" err &&
	for c in pre-commit pre-merge-commit install uninstall init; do
		GIT_DIR=plain test_expect_code 3 "$HOOK_RUN" $c 2>err &&
		grep "GIT_DIR=.plain. is not a git repository" err || return 1
	done
'

test_expect_success 'GIT_DIR and GIT_WORK_TREE apart: a commit through the hook fixes the right files' '
	git init -q --separate-git-dir "$PWD/gd" wt && rm wt/.git &&
	git --git-dir=gd config core.bare false &&
	(GIT_DIR="$PWD/gd" && export GIT_DIR && cd wt && "$HOOK_RUN" install >/dev/null) &&
	printf "[hook-run]\naction = fix\n" >wt/.hook-run.ini && write_file wt/Dockerfile "$BAD" &&
	git --git-dir=gd --work-tree=wt add .hook-run.ini Dockerfile &&
	git --git-dir=gd --work-tree=wt commit -q -m separate >out 2>&1 &&
	grep "fixed in the index and in the working tree" out &&
	expect_file wt/Dockerfile "$FIXED" &&
	git --git-dir=gd cat-file blob HEAD:Dockerfile >actual && printf "$FIXED" >expect && test_cmp expect actual &&
	test -z "$(git --git-dir=gd --work-tree=wt status --porcelain)"
'

test_expect_success 'GIT_INDEX_FILE: another index is read and written, not .git/index' '
	setup && cd r &&
	write_file app/Dockerfile "$BAD" &&
	GIT_INDEX_FILE="$PWD/../alt-index" && export GIT_INDEX_FILE && cp .git/index "$GIT_INDEX_FILE" &&
	git add app/Dockerfile &&
	test_expect_code 1 "$HOOK_RUN" pre-commit >out && grep "^app/Dockerfile:2:1" out &&
	"$HOOK_RUN" pre-commit --action fix >out &&
	git cat-file blob :app/Dockerfile >actual && printf "$FIXED" >expect && test_cmp expect actual &&
	unset GIT_INDEX_FILE &&
	test_expect_code 1 git rev-parse -q --verify :app/Dockerfile && no_locks
'

test_expect_success 'GIT_COMMON_DIR: the worktree'"'"'s own is fine, another is refused' '
	setup && cd r && git worktree add -q ../wt && cd ../wt &&
	GIT_DIR="$PWD/../r/.git/worktrees/wt" GIT_COMMON_DIR="$PWD/../r/.git" \
		test_expect_code 1 "$HOOK_RUN" audit >out &&
	grep "^Dockerfile:2:1" out &&
	git init -q --bare ../other.git &&
	GIT_DIR="$PWD/../r/.git/worktrees/wt" GIT_COMMON_DIR="$PWD/../other.git" \
		test_expect_code 3 "$HOOK_RUN" audit 2>err &&
	grep "GIT_COMMON_DIR=.* is not the common directory" err
'

# quarantine: srv.git lacks the commit; its objects are in the directory $1
quarantine_setup() {
	git init -q --bare srv.git &&
	git init -q c && (cd c && write_file Dockerfile "$BAD" && git add . && commit_unchecked bad) &&
	commit=$(git -C c rev-parse HEAD) &&
	mkdir -p "$1" && cp -R c/.git/objects/. "$1"/
}

test_expect_success 'GIT_QUARANTINE_PATH: objects visible only there are read' '
	quarantine_setup q && cd srv.git &&
	printf "%s %s refs/heads/main\n" $zero $commit >in &&
	test_expect_code 3 "$HOOK_RUN" pre-receive <in >out 2>err &&
	grep "is missing" err &&
	GIT_QUARANTINE_PATH="$PWD/../q" test_expect_code 1 "$HOOK_RUN" pre-receive <in >out &&
	grep ":Dockerfile:2:1: error" out &&
	GIT_OBJECT_DIRECTORY="$PWD/../q" test_expect_code 1 "$HOOK_RUN" pre-receive <in >out &&
	grep ":Dockerfile:2:1: error" out
'

test_expect_success 'GIT_ALTERNATE_OBJECT_DIRECTORIES: plain lists and quoted paths with a colon' '
	quarantine_setup "q:1" && cd srv.git &&
	printf "%s %s refs/heads/main\n" $zero $commit >in &&
	mkdir ../empty &&
	GIT_ALTERNATE_OBJECT_DIRECTORIES="$PWD/../empty:\"$PWD/../q:1\"" \
		test_expect_code 1 "$HOOK_RUN" pre-receive <in >out &&
	grep ":Dockerfile:2:1: error" out &&
	mv "../q:1" ../q2 &&
	GIT_ALTERNATE_OBJECT_DIRECTORIES="$PWD/../empty:$PWD/../q2" \
		test_expect_code 1 "$HOOK_RUN" pre-receive <in >out &&
	GIT_ALTERNATE_OBJECT_DIRECTORIES="\"$PWD/../q2" \
		test_expect_code 3 "$HOOK_RUN" pre-receive <in 2>err &&
	grep "GIT_ALTERNATE_OBJECT_DIRECTORIES: malformed" err
'

test_expect_success 'a quoted alternate with escapes (\" and octal)' '
	quarantine_setup "q\"x" && cd srv.git &&
	printf "%s %s refs/heads/main\n" $zero $commit >in &&
	GIT_ALTERNATE_OBJECT_DIRECTORIES="\"$PWD/../q\\\"x\"" \
		test_expect_code 1 "$HOOK_RUN" pre-receive <in >out &&
	mv ../q\"x ../qéx &&
	GIT_ALTERNATE_OBJECT_DIRECTORIES="\"$PWD/../q\\303\\251x\"" \
		test_expect_code 1 "$HOOK_RUN" pre-receive <in >out
'

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	test_expect_success 'a repository owned by another user (git checked it before the hook)' '
		setup && chown -R nobody r && cd r &&
		test_expect_code 128 git status >/dev/null 2>err && grep "dubious ownership" err &&
		test_expect_code 1 "$HOOK_RUN" audit >out && grep "^Dockerfile:2:1" out
	'
else
	test_skip 'a repository owned by another user' 'needs root and a user nobody'
fi

test_done
