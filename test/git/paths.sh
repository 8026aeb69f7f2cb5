#!/bin/sh
# SPDX-License-Identifier: MIT
# paths.sh - which files count, in every gate: the default exclusions
# (names that are not Dockerfiles, vendored trees) and .gitattributes
# (linguist-vendored, linguist-generated, hook-run), read from the snapshot
# each gate judges: the index being committed (pre-commit), the pushed
# commit (pre-receive, in git's quarantine), the revision (audit, ranges,
# histories) and the working tree (check, fix, audit --worktree).
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# the files of `checked` lines of a report: "path" once per file with a finding
files_of() {
	sed -n 's/^\([^: ]*\):[0-9]*:[0-9]*: .*/\1/p' "$1" | LC_ALL=C sort -u
}

# expect_files REPORT PATH...: exactly these files have findings
expect_files() {
	report=$1 && shift &&
	: >expect.files &&
	for f in "$@"; do printf '%s\n' "$f" >>expect.files; done &&
	files_of "$report" >actual.files &&
	test_cmp expect.files actual.files
}

# a tree with every kind of name: real Dockerfiles, look-alikes, vendored copies
populate() {
	write_file Dockerfile "$BAD" &&
	write_file Dockerfile.prod "$BAD" &&
	write_file Dockerfile.ppc64le.patch "@@ -1 +1 @@\n-FROM a\n+FROM b\n" &&
	write_file build/Dockerfile.template "FROM {{ base }}\nCOPY a /b\n" &&
	write_file build/Dockerfile.J2 "FROM {{ base }}\n" &&
	write_file docs/Dockerfile.md "# how to build\n" &&
	write_file vendor/lib/Dockerfile "$BAD" &&
	write_file web/node_modules/pkg/Dockerfile "$BAD" &&
	write_file third_party/tool/Dockerfile "$BAD" &&
	write_file go/testdata/Dockerfile "$BAD"
}

test_expect_success 'audit: names that are not Dockerfiles and vendored trees are left out' '
	git init -q r && cd r && populate && git add . && commit_unchecked base &&
	test_expect_code 1 "$HOOK_RUN" audit >out &&
	expect_files out Dockerfile Dockerfile.prod &&
	grep "hook-run: 2 files checked" out
'

test_expect_success 'audit: the defaults can be given back, one list at a time' '
	git init -q r && cd r && populate && git add . && commit_unchecked base &&
	test_expect_code 1 "$HOOK_RUN" audit --set hook-run.vendored= >out &&
	expect_files out Dockerfile Dockerfile.prod go/testdata/Dockerfile third_party/tool/Dockerfile \
		vendor/lib/Dockerfile web/node_modules/pkg/Dockerfile &&
	test_expect_code 1 "$HOOK_RUN" audit --set hook-run.exclude-suffixes=.patch,.md >out &&
	expect_files out Dockerfile Dockerfile.prod build/Dockerfile.J2 build/Dockerfile.template
'

test_expect_success 'audit: .gitattributes of the revision, not of the working tree' '
	git init -q r && cd r && populate && git add . && commit_unchecked base &&
	cat >.gitattributes <<-\EOF &&
	Dockerfile.prod -hook-run
	vendor/lib/Dockerfile linguist-vendored=false
	third_party/** hook-run
	/Dockerfile linguist-generated
	EOF
	git add .gitattributes && commit_unchecked attributes &&
	test_expect_code 1 "$HOOK_RUN" audit >out &&
	expect_files out third_party/tool/Dockerfile vendor/lib/Dockerfile &&
	test_expect_code 1 "$HOOK_RUN" audit HEAD^ >out &&
	expect_files out Dockerfile Dockerfile.prod &&
	: the working tree has no say in a revision &&
	echo "* -hook-run" >.gitattributes &&
	test_expect_code 1 "$HOOK_RUN" audit >out &&
	expect_files out third_party/tool/Dockerfile vendor/lib/Dockerfile &&
	"$HOOK_RUN" audit --worktree >out &&
	grep "no Dockerfile matched" out
'

test_expect_success 'audit: nested .gitattributes, hook-run=off and =on, false undoes true' '
	git init -q r && cd r && populate && git add . && commit_unchecked base &&
	printf "*.dockerfile linguist-vendored\n" >.gitattributes &&
	printf "Dockerfile hook-run=on\n" >vendor/.gitattributes &&
	write_file svc/a.dockerfile "$BAD" && write_file svc/b.dockerfile "$BAD" &&
	printf "b.dockerfile linguist-vendored=false\nDockerfile hook-run=off\n" >svc/.gitattributes &&
	write_file svc/Dockerfile "$BAD" &&
	git add . && commit_unchecked attributes &&
	test_expect_code 1 "$HOOK_RUN" audit >out &&
	expect_files out Dockerfile Dockerfile.prod svc/b.dockerfile vendor/lib/Dockerfile
'

test_expect_success 'audit: $GIT_DIR/info/attributes counts, gitattributes = ignore reads none' '
	git init -q r && cd r && populate && git add . && commit_unchecked base &&
	echo "Dockerfile.prod -hook-run" >.git/info/attributes &&
	test_expect_code 1 "$HOOK_RUN" audit >out &&
	expect_files out Dockerfile &&
	test_expect_code 1 "$HOOK_RUN" audit --set hook-run.gitattributes=ignore >out &&
	expect_files out Dockerfile Dockerfile.prod
'

test_expect_success 'audit --history and --range: each commit with its own attributes' '
	git init -q r && cd r &&
	write_file README "r\n" && git add . && commit_unchecked base &&
	write_file legacy/Dockerfile "$BAD" && echo "legacy/** linguist-vendored" >.gitattributes &&
	git add . && commit_unchecked legacy &&
	: >.gitattributes && write_file legacy/Dockerfile "$BAD# changed\n" &&
	git add . && commit_unchecked unvendored &&
	last=$(git rev-parse --short=10 HEAD) && vendored=$(git rev-parse --short=10 HEAD~1) &&
	test_expect_code 1 "$HOOK_RUN" audit --history >out &&
	test "$(grep -c "^$last:legacy/Dockerfile:" out)" = 2 &&
	! grep "^$vendored:" out &&
	"$HOOK_RUN" audit --range HEAD~2..HEAD~1 >out &&
	grep "no Dockerfile matched" out &&
	test_expect_code 1 "$HOOK_RUN" audit --range HEAD~2..HEAD >out &&
	grep "^$last:legacy/Dockerfile:2:1" out
'

test_expect_success 'audit --history: a nested .gitattributes the commit does not change still counts' '
	git init -q r && cd r &&
	write_file README "r\n" && git add . && commit_unchecked base &&
	write_file vendor/lib/.gitattributes "Dockerfile linguist-vendored\n" &&
	write_file vendor/lib/Dockerfile "$BAD" && git add . && commit_unchecked vendored &&
	write_file vendor/lib/Dockerfile "$BAD# changed\n" && write_file app/Dockerfile "$BAD" &&
	git add . && commit_unchecked changed &&
	test_expect_code 1 "$HOOK_RUN" audit --history >out &&
	! grep "vendor/lib/Dockerfile" out &&
	grep "app/Dockerfile:2:1" out
'

test_expect_success 'audit --range --scope tips: the final tree decides' '
	git init -q r && cd r &&
	write_file README "r\n" && git add . && commit_unchecked base &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked app &&
	echo "app/** linguist-generated" >.gitattributes && git add . && commit_unchecked generated &&
	"$HOOK_RUN" audit --range HEAD~2..HEAD --scope tips >out &&
	grep "no Dockerfile matched" out &&
	test_expect_code 1 "$HOOK_RUN" audit --range HEAD~2..HEAD >out &&
	grep "app/Dockerfile:2:1" out
'

test_expect_success 'pre-commit: the attributes of the index being committed' '
	new_repo r && cd r &&
	write_file README "r\n" && git add . && commit_unchecked base &&
	write_file gen/Dockerfile "$BAD" &&
	echo "gen/** linguist-generated" >.gitattributes &&
	git add gen && test_expect_code 1 git commit -q -m "only in the working tree" 2>err &&
	grep "gen/Dockerfile:2:1" err &&
	git add .gitattributes && git commit -q -m "staged too" &&
	expect_blob HEAD:gen/Dockerfile "$BAD" &&
	: a staged attribute that is gone from the working tree still counts &&
	write_file gen/Dockerfile "$BAD# again\n" && git add gen && rm .gitattributes &&
	git commit -q -m again
'

test_expect_success 'pre-commit: names and trees that are not ours are never rewritten by fix' '
	new_repo r fix && cd r &&
	write_file vendor/x/Dockerfile "$BAD" && write_file Dockerfile.template "$BAD" &&
	write_file Dockerfile "$BAD" && git add . &&
	git commit -q -m fix 2>err &&
	expect_blob HEAD:vendor/x/Dockerfile "$BAD" && expect_file vendor/x/Dockerfile "$BAD" &&
	expect_blob HEAD:Dockerfile.template "$BAD" &&
	expect_blob HEAD:Dockerfile "$FIXED" && expect_file Dockerfile "$FIXED" &&
	no_locks
'

test_expect_success 'pre-commit: git commit -a and hook-run=on for a vendored file' '
	new_repo r && cd r &&
	write_file vendor/ours/Dockerfile "$GOOD" && git add . && commit_unchecked base &&
	echo "vendor/ours/** hook-run" >.gitattributes && git add .gitattributes && commit_unchecked attributes &&
	write_file vendor/ours/Dockerfile "$BAD" &&
	test_expect_code 1 git commit -q -a -m bad 2>err &&
	grep "vendor/ours/Dockerfile:2:1" err
'

test_expect_success 'audit and check in a linked worktree' '
	git init -q r && cd r && populate &&
	echo "Dockerfile.prod linguist-generated" >.gitattributes &&
	git add . && commit_unchecked base &&
	git worktree add -q ../wt 2>/dev/null && cd ../wt &&
	test_expect_code 1 "$HOOK_RUN" audit >out &&
	expect_files out Dockerfile &&
	test_expect_code 1 "$HOOK_RUN" check >out &&
	expect_files out Dockerfile
'

# setup_push: srv.git with the hook, and a client clone `c` with one commit on the server
setup_push() {
	new_server srv.git &&
	git init -q c && cd c &&
	write_file README "r\n" && git add . && commit_unchecked base &&
	git remote add origin ../srv.git &&
	git push -q origin main 2>/dev/null
}

test_expect_success 'pre-receive: the pushed commit'"'"'s attributes, read in the quarantine' '
	setup_push &&
	: every finding blocks here, old or new &&
	printf "[hook-run]\nblock = all\n" >../srv.git/hook-run.ini &&
	write_file legacy/Dockerfile "$BAD" && write_file vendor/x/Dockerfile "$BAD" &&
	write_file Dockerfile.orig "$BAD" &&
	echo "legacy/** linguist-vendored" >.gitattributes &&
	git add . && commit_unchecked legacy &&
	git push origin main >out 2>&1 &&
	test "$(git -C ../srv.git rev-parse main)" = "$(git rev-parse main)" &&
	: an attribute the push removes no longer covers what it changes &&
	: >.gitattributes && write_file legacy/Dockerfile "$BAD# changed\n" &&
	git add . && commit_unchecked unvendor &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	grep "legacy/Dockerfile:2:1" lines &&
	! grep -e vendor/x -e Dockerfile.orig lines
'

test_expect_success 'pre-receive: gitattributes = include-only refuses exclusions a pusher writes' '
	setup_push &&
	printf "[hook-run]\ngitattributes = include-only\n" >../srv.git/hook-run.ini &&
	write_file app/Dockerfile "$BAD" && echo "app/** -hook-run linguist-generated" >.gitattributes &&
	write_file vendor/ours/Dockerfile "$BAD" && echo "vendor/ours/** hook-run" >>.gitattributes &&
	git add . && commit_unchecked dodge &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	grep "app/Dockerfile:2:1" lines && grep "vendor/ours/Dockerfile:2:1" lines
'

test_expect_success 'check and fix: the working tree'"'"'s attributes; named files always' '
	git init -q r && cd r && populate &&
	echo "Dockerfile.prod -hook-run" >.gitattributes &&
	test_expect_code 1 "$HOOK_RUN" check >out &&
	expect_files out Dockerfile &&
	(cd vendor && "$HOOK_RUN" check >../out) &&
	grep "no Dockerfile matched" out &&
	test_expect_code 1 "$HOOK_RUN" check Dockerfile.prod vendor/lib/Dockerfile >out &&
	expect_files out Dockerfile.prod vendor/lib/Dockerfile &&
	"$HOOK_RUN" fix >/dev/null &&
	expect_file Dockerfile "$FIXED" && expect_file Dockerfile.prod "$BAD" &&
	expect_file vendor/lib/Dockerfile "$BAD" &&
	expect_file build/Dockerfile.template "FROM {{ base }}\nCOPY a /b\n"
'

test_expect_success 'check outside a repository: no attributes, the default lists still apply' '
	mkdir plain && cd plain && populate &&
	echo "Dockerfile.prod -hook-run" >.gitattributes &&
	GIT_CEILING_DIRECTORIES=$(pwd)/.. && export GIT_CEILING_DIRECTORIES &&
	test_expect_code 1 "$HOOK_RUN" check >out &&
	expect_files out Dockerfile Dockerfile.prod
'

test_done
