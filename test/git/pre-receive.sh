#!/bin/sh
# SPDX-License-Identifier: MIT
# pre-receive.sh - `hook-run pre-receive` through real `git push` runs into
# bare repositories with the hook `hook-run install --pre-receive` writes.
# After each push: the server's refs exactly, the `remote:` lines of the
# transcript, and that a rejected push left no object behind.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# setup: srv.git with the hook, and a client clone `c` with one good commit
# already on the server (pushed before anything else)
setup() {
	new_server srv.git &&
	git init -q c && cd c &&
	write_file Dockerfile "$GOOD" && write_file README "r\n" && git add . && commit_unchecked base &&
	git remote add origin ../srv.git &&
	git push -q origin main 2>/dev/null
}

# server_refs: `git for-each-ref` of the server
server_refs() {
	git -C ../srv.git for-each-ref --format='%(refname) %(objectname)'
}

# objects_count: the server's loose and packed object counts
objects_count() {
	git -C ../srv.git count-objects -v | sed -n 's/^\(count\|in-pack\): //p' | tr '\n' ' '
}

test_expect_success 'accept: a good commit' '
	setup &&
	write_file app/Dockerfile "$GOOD" && git add . && commit_unchecked app &&
	git push origin main >out 2>&1 &&
	test "$(git -C ../srv.git rev-parse main)" = "$(git rev-parse main)" &&
	remote_lines out >lines &&
	echo "hook-run: 1 pushed file checked, 0 findings in Ns" >expect && test_cmp expect lines
'

test_expect_success 'reject: the whole report, the refs and objects untouched' '
	setup &&
	server_refs >refs.before && objects_count >objects.before &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked app &&
	c=$(git rev-parse --short=10 HEAD) &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	grep "! \[remote rejected\] main -> main (pre-receive hook declined)" out &&
	remote_lines out >lines &&
	cat >expect <<-EOF &&
	refs/heads/main:
	$c:app/Dockerfile:1:1: error: no \`# syntax=\` directive: the build uses whatever Dockerfile frontend the builder bundles, which may not support COPY --link [SyntaxDirectiveMissing]
	    fix (safe): insert \`# syntax=docker/dockerfile:1\` as line 1; run \`hook-run fix app/Dockerfile\`
	$c:app/Dockerfile:2:1: error: COPY without --link: nothing here depends on the previous layer, so adding --link keeps the image the same and lets this layer'"'"'s cache survive changes to earlier layers [CopyLinkMissing]
	    fix (safe): insert --link after COPY; run \`hook-run fix app/Dockerfile\`
	hook-run: push rejected: 2 findings in 1 commit; fix them with \`hook-run fix app/Dockerfile\`, amend or rebase, and push again
	hook-run: 1 pushed file checked, 2 findings in Ns
	EOF
	test_cmp expect lines &&
	server_refs >refs.after && test_cmp refs.before refs.after &&
	objects_count >objects.after && test_cmp objects.before objects.after
'

test_expect_success 'the pushed tree is the build context: a directory source, a file source' '
	setup &&
	write_file svc/conf/app.conf "x\n" && write_file svc/main.py "m\n" &&
	write_file svc/Dockerfile "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nWORKDIR /app\nCOPY --link conf /app\nCOPY --link main.py /app\n" &&
	git add . && commit_unchecked svc &&
	c=$(git rev-parse --short=10 HEAD) &&
	git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	! grep ":4:" lines &&
	grep "^$c:svc/Dockerfile:5:21: warning: COPY --link to /app: /app is a directory" lines
'

test_expect_success 'block = new: a push that only edits around old findings goes in; new ones are refused' '
	setup &&
	write_file old/Dockerfile "# syntax=docker/dockerfile:1\nFROM alpine:3.20\nCOPY a /srv/\n" &&
	git add . && commit_unchecked old &&
	mv ../srv.git/hooks/pre-receive ../srv.git/hooks/off &&
	git push -q origin main 2>/dev/null &&
	mv ../srv.git/hooks/off ../srv.git/hooks/pre-receive &&
	write_file old/Dockerfile "# syntax=docker/dockerfile:1\n# note\nFROM alpine:3.20\nCOPY a /srv/\n" &&
	git commit -q -a -m note &&
	git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	grep "0 findings, 1 older not blocking" lines &&
	write_file old/Dockerfile "# syntax=docker/dockerfile:1\n# note\nFROM alpine:3.20\nCOPY a /srv/\nCOPY b /srv/\n" &&
	git commit -q -a -m more &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	grep "old/Dockerfile:5:1: error: COPY without --link" lines &&
	! grep "old/Dockerfile:4:1" lines
'

test_expect_success 'a rejected push prints a screenful: the first findings, a summary by rule, the command for the rest' '
	setup &&
	i=0 && while [ $i -lt 12 ]; do write_file "svc$i/Dockerfile" "$BAD" && i=$((i + 1)); done &&
	git add . && commit_unchecked many &&
	old=$(git rev-parse --short=12 HEAD~1) && new=$(git rev-parse --short=12 HEAD) &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	test "$(grep -c ": error: " lines)" = 20 &&
	grep "^hook-run: 4 more findings not shown here; \`hook-run audit --range $old..$new\` shows them all$" lines &&
	grep "^hook-run: by rule: SyntaxDirectiveMissing 12 (12 fixable), CopyLinkMissing 12 (12 fixable)$" lines &&
	test "$(wc -l <lines)" -lt 50
'

test_expect_success 'a first push of a long history: the ways forward, not a rebase' '
	setup &&
	i=0 && while [ $i -lt 12 ]; do write_file "h$i/Dockerfile" "$BAD" && git add . && commit_unchecked "c$i" && i=$((i + 1)); done &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	grep "push rejected: 24 findings in 12 commits of this push.s history; rather than rewriting it" lines &&
	grep "scope = tips" lines && grep "baseline = FILE" lines
'

test_expect_success 'a new branch: its new commits are checked, not the history it shares' '
	setup &&
	write_file legacy/Dockerfile "$BAD" && git add . && commit_unchecked legacy &&
	git -C ../srv.git config core.hooksPath /nonexistent && git push -q origin main 2>/dev/null &&
	git -C ../srv.git config --unset core.hooksPath &&
	git checkout -q -b feature &&
	write_file README "feature\n" && git add . && commit_unchecked readme &&
	git push origin feature >out 2>&1 &&
	remote_lines out >lines && test ! -s lines &&
	test "$(git -C ../srv.git rev-parse feature)" = "$(git rev-parse feature)" &&
	write_file new/Dockerfile "$BAD" && git add . && commit_unchecked bad &&
	git checkout -q -b feature2 &&
	test_expect_code 1 git push origin feature2 >out 2>&1 &&
	remote_lines out >lines &&
	grep "^refs/heads/feature2:" lines && grep ":new/Dockerfile:2:1: error" lines &&
	! grep "legacy/" lines &&
	test_expect_code 1 git -C ../srv.git rev-parse -q --verify feature2
'

test_expect_success 'a branch with no new commits is accepted without a check' '
	setup &&
	write_file legacy/Dockerfile "$BAD" && git add . && commit_unchecked legacy &&
	git -C ../srv.git config core.hooksPath /nonexistent && git push -q origin main 2>/dev/null &&
	git -C ../srv.git config --unset core.hooksPath &&
	git push origin main:refs/heads/copy >out 2>&1 &&
	remote_lines out >lines && test ! -s lines &&
	test "$(git -C ../srv.git rev-parse copy)" = "$(git rev-parse main)"
'

test_expect_success 'a force push: the rewritten commits are checked' '
	setup &&
	write_file README "2\n" && git add . && commit_unchecked two && git push -q origin main 2>/dev/null &&
	git reset -q --hard HEAD^ &&
	write_file Dockerfile "$BAD" && git add . && commit_unchecked rewritten &&
	old=$(git -C ../srv.git rev-parse main) &&
	test_expect_code 1 git push -f origin main >out 2>&1 &&
	remote_lines out >lines && grep ":Dockerfile:2:1: error" lines &&
	test "$(git -C ../srv.git rev-parse main)" = "$old" &&
	git reset -q --hard HEAD^ && write_file Dockerfile "${GOOD}RUN x\n" && git add . && commit_unchecked good &&
	git push -f origin main >out 2>&1 &&
	test "$(git -C ../srv.git rev-parse main)" = "$(git rev-parse main)"
'

test_expect_success 'a force push back to an old commit has nothing to check' '
	setup &&
	base=$(git rev-parse HEAD) &&
	write_file README "2\n" && git add . && commit_unchecked two && git push -q origin main 2>/dev/null &&
	git push -f origin "$base:refs/heads/main" >out 2>&1 &&
	test "$(git -C ../srv.git rev-parse main)" = "$base"
'

test_expect_success 'a multi-ref push: every ref line is read, one bad ref rejects the push' '
	setup &&
	git checkout -q -b good && write_file g/Dockerfile "$GOOD" && git add . && commit_unchecked good &&
	git checkout -q -b bad main && write_file b/Dockerfile "$BAD" && git add . && commit_unchecked bad &&
	git checkout -q -b also-good main && write_file README "x\n" && git add . && commit_unchecked readme &&
	test_expect_code 1 git push origin good bad also-good >out 2>&1 &&
	remote_lines out >lines &&
	grep "^refs/heads/bad:" lines && ! grep "^refs/heads/good:" lines &&
	grep "2 pushed files checked, 2 findings" lines &&
	server_refs >refs && test "$(wc -l <refs)" = 1
'

test_expect_success 'a commit reached by two pushed refs is checked and reported once' '
	setup &&
	write_file b/Dockerfile "$BAD" && git add . && commit_unchecked bad &&
	git branch one && git branch two &&
	test_expect_code 1 git push origin one two >out 2>&1 &&
	remote_lines out >lines &&
	test "$(grep -c ":b/Dockerfile:2:1: error" lines)" = 1 &&
	grep "^refs/heads/one:" lines && ! grep "^refs/heads/two:" lines
'

test_expect_success 'tags: lightweight and annotated tags of new commits are checked' '
	setup &&
	write_file b/Dockerfile "$BAD" && git add . && commit_unchecked bad &&
	git tag light && git tag -a -m annotated heavy &&
	test_expect_code 1 git push origin light >out 2>&1 &&
	remote_lines out >lines && grep "^refs/tags/light:" lines && grep "b/Dockerfile:2:1" lines &&
	test_expect_code 1 git push origin heavy >out 2>&1 &&
	remote_lines out >lines && grep "^refs/tags/heavy:" lines && grep "b/Dockerfile:2:1" lines &&
	test_expect_code 1 git -C ../srv.git rev-parse -q --verify refs/tags/heavy
'

test_expect_success 'tags of trees and blobs do not crash the walk' '
	setup &&
	git tag -a -m tree tree-tag "HEAD^{tree}" &&
	git tag -a -m blob blob-tag "HEAD:README" &&
	git tag -a -m tag-of-tag tag-tag tree-tag &&
	git push origin tree-tag blob-tag tag-tag >out 2>&1 &&
	remote_lines out >lines && grep "2 pushed files checked, 0 findings" lines &&
	write_file b/Dockerfile "$BAD" && git add b && tree=$(git write-tree) &&
	git tag -a -m bad-tree bad-tree "$tree" &&
	test_expect_code 1 git push origin bad-tree >out 2>&1 &&
	remote_lines out >lines && grep "^refs/tags/bad-tree:" lines && grep "^b/Dockerfile:2:1: error" lines
'

test_expect_success 'a deletion is accepted and checks nothing' '
	setup &&
	git push -q origin main:refs/heads/doomed 2>/dev/null &&
	git push origin :doomed >out 2>&1 &&
	test_expect_code 1 git -C ../srv.git rev-parse -q --verify doomed &&
	remote_lines out >lines && test ! -s lines
'

test_expect_success 'a merge commit: a path counts only when it differs from every parent' '
	setup &&
	git checkout -q -b topic && write_file t/Dockerfile "${GOOD}RUN t\n" && git add . && commit_unchecked topic &&
	git checkout -q main && write_file m/Dockerfile "${GOOD}RUN m\n" && git add . && commit_unchecked main &&
	git merge -q --no-ff --no-verify -m merge topic &&
	git push origin main >out 2>&1 &&
	remote_lines out >lines && grep "2 pushed files checked, 0 findings" lines &&
	git checkout -q -b topic2 && write_file README "t2\n" && git add . && commit_unchecked t2 &&
	git checkout -q main && write_file README2 "m2\n" && git add . && commit_unchecked m2 &&
	git merge -q --no-ff --no-commit --no-verify topic2 &&
	write_file evil/Dockerfile "$BAD" && git add . && commit_unchecked "evil merge" &&
	merge=$(git rev-parse --short=10 HEAD) &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines && grep "^$merge:evil/Dockerfile:2:1: error" lines &&
	grep "1 pushed file checked" lines
'

test_expect_success 'a bad commit fixed later in the same push: scope commits rejects' '
	setup &&
	write_file Dockerfile "${GOOD}COPY c /d\n" && git add . && commit_unchecked bad &&
	bad=$(git rev-parse --short=10 HEAD) &&
	write_file Dockerfile "${GOOD}COPY --link c /d\n" && git add . && commit_unchecked fixed &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines && grep "^$bad:Dockerfile:5:1: error" lines &&
	grep "1 finding in 1 commit" lines
'

test_expect_success 'the rejection names the files to fix, quoted for the shell, only those the tip still has wrong' '
	setup &&
	write_file "a b/Dockerfile" "$BAD" && write_file "it'"'"'s/Dockerfile" "$BAD" &&
	write_file gone/Dockerfile "$BAD" && write_file later/Dockerfile "$BAD" &&
	write_file d/Dockerfile "$BAD" && write_file e/Dockerfile "$BAD" &&
	git add . && commit_unchecked many &&
	git rm -q gone/Dockerfile && write_file later/Dockerfile "$GOOD" && git add . && commit_unchecked some &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	grep -F "fix them with \`hook-run fix '"'"'a b/Dockerfile'"'"' d/Dockerfile e/Dockerfile\` and 1 more file, amend or rebase" lines &&
	git rm -q -r "a b" "it'"'"'s" d e && commit_unchecked none &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	grep -F "the pushed tips no longer have them, so fix the commits that do with \`git rebase -i\`" lines
'

test_expect_success 'a bad commit fixed later in the same push: scope tips accepts' '
	setup &&
	printf "[pre-receive]\nscope = tips\n" >../srv.git/hook-run.ini &&
	write_file Dockerfile "${GOOD}COPY c /d\n" && git add . && commit_unchecked bad &&
	write_file Dockerfile "${GOOD}COPY --link c /d\n" && git add . && commit_unchecked fixed &&
	git push origin main >out 2>&1 &&
	remote_lines out >lines && grep "1 pushed file checked, 0 findings" lines &&
	test "$(git -C ../srv.git rev-parse main)" = "$(git rev-parse main)" &&
	write_file Dockerfile "${GOOD}COPY e /f\n" && git add . && commit_unchecked "bad again" &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines && grep ":Dockerfile:5:1: error" lines
'

test_expect_success 'scope tips ignores untouched legacy files of the tip' '
	setup &&
	write_file legacy/Dockerfile "$BAD" && git add . && commit_unchecked legacy &&
	git -C ../srv.git config core.hooksPath /nonexistent && git push -q origin main 2>/dev/null &&
	git -C ../srv.git config --unset core.hooksPath &&
	printf "[pre-receive]\nscope = tips\n" >../srv.git/hook-run.ini &&
	write_file app/Dockerfile "$GOOD" && git add . && commit_unchecked app &&
	git push origin main >out 2>&1 &&
	remote_lines out >lines && grep "1 pushed file checked, 0 findings" lines
'

test_expect_success 'loose pushed objects (a small push under unpackLimit) are read too' '
	UNPACK_LIMIT=100 && setup &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked app &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines && grep ":app/Dockerfile:2:1: error" lines &&
	# the same push, fixed, goes in: unpacked into loose objects, no pack
	write_file app/Dockerfile "$GOOD" && git add . && git commit -q --amend --no-verify -m fixed &&
	git push -q origin main &&
	test -z "$(find ../srv.git/objects/pack -name "*.pack")" &&
	test -n "$(find ../srv.git/objects -path "*/objects/[0-9a-f][0-9a-f]/*" -type f)"
'

test_expect_success 'a push into a plain repository never loads libgit2; one whose configuration needs it does' '
	UNPACK_LIMIT=100 && setup &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked app &&
	test_expect_code 1 ld_run ../ld git push origin main >out 2>&1 &&
	remote_lines out >lines && grep ":app/Dockerfile:2:1: error" lines &&
	test_expect_code 1 hook_run_loaded_libgit2 ../ld &&
	# an include: hook-run does not read those itself, libgit2 opens the repository
	# (in the daemon, when the hook judges through one: the hook itself never loads it)
	git -C ../srv.git config include.path extra.config &&
	test_expect_code 1 ld_run ../ld git push origin main >out 2>&1 &&
	remote_lines out >lines && grep ":app/Dockerfile:2:1: error" lines &&
	if [ -n "${HOOK_RUN_TEST_VIA_DAEMON:-}" ]; then
		test_expect_code 1 hook_run_loaded_libgit2 ../ld
	else
		hook_run_loaded_libgit2 ../ld
	fi
'

test_expect_success 'an empty repository: the whole history is new' '
	new_server srv.git &&
	git init -q c && cd c &&
	write_file Dockerfile "$BAD" && git add . && commit_unchecked one &&
	write_file Dockerfile "$GOOD" && git add . && commit_unchecked two &&
	git remote add origin ../srv.git &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines && grep "2 pushed files checked, 2 findings" lines &&
	test -z "$(git -C ../srv.git for-each-ref)" &&
	git reset -q --hard HEAD^ &&
	write_file Dockerfile "$GOOD" && git add . && git commit -q --amend --no-verify -m good &&
	git push origin main >out 2>&1 &&
	test "$(git -C ../srv.git rev-parse main)" = "$(git rev-parse main)"
'

test_expect_success 'a repository path with a colon (quoted alternates)' '
	new_server "srv:x.git" &&
	git init -q c && cd c && git remote add origin "../srv:x.git" &&
	write_file Dockerfile "$GOOD" && git add . && commit_unchecked good &&
	git push origin main >out 2>&1 &&
	remote_lines out >lines && grep "1 pushed file checked, 0 findings" lines &&
	write_file Dockerfile "$BAD" && git add . && commit_unchecked bad &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines && grep ":Dockerfile:2:1: error" lines &&
	! grep "hook-run could not check" lines
'

test_expect_success 'objects in a quoted alternate: read by hook-run, libgit2 not loaded' '
	git init -q --bare pool.git &&
	git init -q c && cd c &&
	write_file app/Dockerfile "$GOOD" && git add . && commit_unchecked base &&
	git push -q ../pool.git main &&
	cd .. && new_server srv.git &&
	printf "\"%s/pool.git/objects\"\n" "$PWD" >srv.git/objects/info/alternates &&
	git -C srv.git update-ref refs/heads/main "$(git -C c rev-parse main)" &&
	cd c && git remote add origin ../srv.git &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked bad &&
	test_expect_code 1 ld_run ../ld git push origin main >out 2>&1 &&
	remote_lines out >lines && grep "1 pushed file checked, 2 findings" lines &&
	test_expect_code 1 hook_run_loaded_libgit2 ../ld
'

test_expect_success 'the policy is the server'"'"'s, never the pushed .hook-run.ini' '
	setup &&
	printf "[rules]\nCopyLinkMissing = off\nSyntaxDirectiveMissing = off\n" >.hook-run.ini &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked sneaky &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines && grep "CopyLinkMissing" lines &&
	printf "[rules]\nCopyLinkMissing = off\nSyntaxDirectiveMissing = off\n" >../srv.git/hook-run.ini &&
	git push origin main >out 2>&1
'

test_expect_success 'a broken server configuration rejects the push with FILE:LINE' '
	setup &&
	printf "[pre-receive]\nscope = everything\n" >../srv.git/hook-run.ini &&
	write_file README "x\n" && git add . && commit_unchecked readme &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	grep "hook-run.ini:2: scope" out &&
	test "$(git -C ../srv.git rev-parse main)" != "$(git rev-parse main)"
'

test_expect_success 'scope tips: a path another ref changes does not make this ref'"'"'s legacy blob count' '
	setup &&
	write_file legacy/Dockerfile "$BAD" && git add . && commit_unchecked legacy &&
	git -C ../srv.git config core.hooksPath /nonexistent && git push -q origin main 2>/dev/null &&
	git -C ../srv.git config --unset core.hooksPath &&
	printf "[pre-receive]\nscope = tips\n" >../srv.git/hook-run.ini &&
	git checkout -q -b fixp && write_file legacy/Dockerfile "$GOOD" && git add . && commit_unchecked fixp &&
	git checkout -q -b other main && write_file README "other\n" && git add . && commit_unchecked other &&
	git push origin fixp other >out 2>&1 &&
	remote_lines out >lines && grep "1 pushed file checked, 0 findings" lines
'

# unreferenced: bring the client'"'"'s main into the server'"'"'s object store
# without a ref, as if in quarantine, and print "<old> <new> refs/heads/main"
unreferenced() {
	old=$(git -C ../srv.git rev-parse main) &&
	git -C ../srv.git fetch -q ../c main:refs/tmp/x 2>/dev/null &&
	git -C ../srv.git update-ref -d refs/tmp/x &&
	echo "$old $(git rev-parse main) refs/heads/main"
}

test_expect_success 'each distinct blob is read once' '
	setup &&
	for d in a b c; do write_file $d/Dockerfile "${GOOD}RUN same\n" && git add . && commit_unchecked $d || return 1; done &&
	unreferenced >in &&
	(cd ../srv.git && "$HOOK_RUN" pre-receive --stats <../c/in >../c/out 2>../c/err) &&
	grep "3 pushed files checked, 0 findings" out &&
	grep "stats: 3 commits, .* 3 changes, 1 distinct blobs, 1 blobs read" err
'

test_expect_success 'identical subtrees are skipped, not read' '
	setup &&
	for d in 1 2 3 4 5 6 7 8 9 10 11 12; do write_file d$d/deep/file "$d\n" || return 1; done &&
	git add . && commit_unchecked dirs && git push -q origin main 2>/dev/null &&
	write_file d7/deep/Dockerfile "$GOOD" && git add . && commit_unchecked one &&
	unreferenced >in &&
	(cd ../srv.git && "$HOOK_RUN" pre-receive --stats <../c/in >../c/out 2>../c/err) &&
	grep "stats: 1 commits, 6 trees read, 1 changes" err
'

test_expect_success 'SARIF from pre-receive links each rule to its documentation' '
	setup &&
	write_file Dockerfile "FROM alpine:3.20\nCOPY a /srv/\n" && git add . && commit_unchecked bad &&
	unreferenced >in &&
	(cd ../srv.git && test_expect_code 1 "$HOOK_RUN" pre-receive --format sarif <../c/in >../c/out.sarif) &&
	grep "\"helpUri\": \"https://hook-run.example/README.md#copylinkmissing\"" out.sarif
'

# The new commits are listed with hook-run's own reader (walk.c's lister);
# HOOK_RUN_VERIFY_OBJECTS=1 (lib-git.sh) also lists them with libgit2 and
# fails on a difference. Dates out of order, a merge of history the server
# has, a ref to an annotated tag and one to a tree: git's count is the count.
test_expect_success 'the new commits are the ones git counts: skewed dates, merges, tag refs' '
	setup &&
	git checkout -q -b side &&
	write_file side/f "s\n" && git add . && GIT_COMMITTER_DATE="2031-01-01T00:00:00Z" commit_unchecked side1 &&
	write_file side/g "s\n" && git add . && GIT_COMMITTER_DATE="2031-01-02T00:00:00Z" commit_unchecked side2 &&
	git tag -a -m old oldtag side~1 &&
	git -C ../srv.git config core.hooksPath /nonexistent &&
	git push -q origin side oldtag 2>/dev/null &&
	git -C ../srv.git config --unset core.hooksPath &&
	git -C ../srv.git update-ref refs/tags/a-tree "$(git rev-parse main^{tree})" &&
	git checkout -q main &&
	write_file a/Dockerfile "$GOOD" && git add . && GIT_COMMITTER_DATE="2001-01-01T00:00:00Z" commit_unchecked past &&
	git merge -q --no-edit side~1 &&
	write_file b/Dockerfile "$GOOD" && git add . && GIT_COMMITTER_DATE="2040-01-01T00:00:00Z" commit_unchecked future &&
	write_file c/Dockerfile "$GOOD" && git add . && GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" commit_unchecked older &&
	unreferenced >in &&
	want=$(git -C ../srv.git rev-list --count "$(git rev-parse main)" --not --all) &&
	test "$want" = 4 &&
	(cd ../srv.git && "$HOOK_RUN" pre-receive --stats <../c/in >../c/out 2>../c/err) &&
	grep "stats: $want commits," err &&
	grep "3 pushed files checked, 0 findings" out
'

# A server branch whose tip is dated before its parent: the listing pops
# the parent (new on this side) first, then meets it again from the hidden
# tip. It used to take the parent out of its own unsorted list there, then
# crash on the hole (a segmentation fault, so a rejected push).
test_expect_success 'a hidden tip dated before its parent: the push is listed right, no crash' '
	setup &&
	write_file mid "m\n" && git add . && GIT_COMMITTER_DATE="2030-01-01T00:00:00Z" commit_unchecked mid &&
	git checkout -q -b side &&
	write_file h "h\n" && git add . && GIT_COMMITTER_DATE="2020-01-01T00:00:00Z" commit_unchecked hidden &&
	git -C ../srv.git config core.hooksPath /nonexistent &&
	git push -q origin side 2>/dev/null &&
	git -C ../srv.git config --unset core.hooksPath &&
	git checkout -q main &&
	write_file app/Dockerfile "$GOOD" && git add . && GIT_COMMITTER_DATE="2040-01-01T00:00:00Z" commit_unchecked tip &&
	unreferenced >in &&
	want=$(git -C ../srv.git rev-list --count "$(git rev-parse main)" --not --all) &&
	test "$want" = 1 &&
	(cd ../srv.git && "$HOOK_RUN" pre-receive --stats <../c/in >../c/out 2>../c/err) &&
	grep "stats: $want commits," err &&
	git push origin main >out 2>&1 &&
	test "$(git -C ../srv.git rev-parse main)" = "$(git rev-parse main)" &&
	grep "hook-run: 1 pushed file checked, 0 findings" out
'

# dated_commit NAME DATE PARENT...: a commit of the empty tree made with
# commit-tree at DATE (seconds), its id in the variable NAME
dated_commit() {
	name=$1 date=$2 && shift 2 &&
	args= &&
	for p in "$@"; do args="$args -p $p"; done &&
	id=$(GIT_COMMITTER_DATE="$date +0000" GIT_AUTHOR_DATE="$date +0000" \
		git commit-tree $args -m "$name" 4b825dc642cb6eb9a060e54bf8d69288fbee4904) &&
	eval "$name=$id"
}

# A history whose dates run against its edges (found by a randomised
# comparison with git rev-list): the pushed tips c1 and c5 are reachable
# from the hidden c11 only through c2 and c10, which are dated before them.
# The listing must go on while a queued hidden commit is as new as the last
# new one walked, and until every commit walked as new and then found
# hidden has passed that on (git's still_interesting()); it stopped SLOP
# commits after the last new one and listed c1 as new, or crashed.
test_expect_success 'skewed dates across merges: the new commits are exactly those git counts' '
	git init -q --bare skew.git && cd skew.git &&
	dated_commit c0 1000094604 &&
	dated_commit c1 1000068874 $c0 &&
	dated_commit c2 1000091412 $c1 $c0 &&
	dated_commit c4 1000098121 $c1 &&
	dated_commit c5 1000083828 $c2 $c0 &&
	dated_commit c9 1000071302 $c4 &&
	dated_commit c10 1000016073 $c4 $c5 &&
	dated_commit c11 1000037780 $c9 $c2 $c10 &&
	git update-ref refs/heads/h0 $c0 &&
	git update-ref refs/heads/h1 $c11 &&
	z=0000000000000000000000000000000000000000 &&
	printf "%s %s refs/heads/n%s\n" $z $c1 1 $z $c5 2 $z $c11 3 >in &&
	want=$(git rev-list --count $c1 $c5 $c11 --not --all) &&
	test "$want" = 0 &&
	"$HOOK_RUN" pre-receive --stats <in >out 2>err &&
	grep "stats: 0 commits," err &&
	printf "%s %s refs/heads/n\n" $z $c4 >in &&
	want=$(git rev-list --count $c4 --not --all) &&
	"$HOOK_RUN" pre-receive --stats <in >out 2>err &&
	grep "stats: $want commits," err
'

# Another from the same comparison: the pushed c6 is hidden through c9, a
# parent of the hidden c10 dated long before c6. git and libgit2 mark a
# hidden commit's parsed parents' parents hidden as they walk it; the
# listing does the same (hint()), else it stops first and lists c6.
test_expect_success 'skewed dates: parents of a hidden commit'"'"'s parents are hidden before their turn' '
	git init -q --bare skew2.git && cd skew2.git &&
	dated_commit c0 1000092767 &&
	dated_commit c1 1000031899 $c0 &&
	dated_commit c2 1000049419 $c0 &&
	dated_commit c3 1000027852 $c0 &&
	dated_commit c4 1000032315 $c3 &&
	dated_commit c5 1000073266 $c1 &&
	dated_commit c6 1000096537 $c2 &&
	dated_commit c7 1000058635 $c2 &&
	dated_commit c8 1000051997 $c0 $c2 $c7 &&
	dated_commit c9 1000030043 $c8 $c6 $c4 &&
	dated_commit c10 1000045809 $c5 $c3 $c9 &&
	for h in c3 c4 c7 c10; do eval "git update-ref refs/heads/h$h \$$h" || return 1; done &&
	z=0000000000000000000000000000000000000000 &&
	printf "%s %s refs/heads/n%s\n" $z $c2 1 $z $c6 2 $z $c7 3 >in &&
	test "$(git rev-list --count $c2 $c6 $c7 --not --all)" = 0 &&
	"$HOOK_RUN" pre-receive --stats <in >out 2>err &&
	grep "stats: 0 commits," err
'

# ---- the command on its own: bad input ----------------------------------

zero=0000000000000000000000000000000000000000

test_expect_success 'malformed input: a clear error naming the line, exit 2' '
	git init -q --bare s.git && cd s.git &&
	echo "garbage" | test_expect_code 2 "$HOOK_RUN" pre-receive >out 2>err &&
	grep "line 1: expected .<old-id> <new-id> <ref>." err && grep "push rejected" err &&
	printf "%s %s refs/heads/x\n%s %s\n" $zero $zero $zero $zero |
		test_expect_code 2 "$HOOK_RUN" pre-receive 2>err &&
	grep "line 2:" err &&
	printf "%s %s refs/heads/x\r\n" $zero $zero | test_expect_code 2 "$HOOK_RUN" pre-receive 2>err &&
	printf "%s 123 refs/heads/x\n" $zero | test_expect_code 2 "$HOOK_RUN" pre-receive 2>err &&
	: | "$HOOK_RUN" pre-receive >out
'

test_expect_success 'missing objects: an error naming the ref and id, exit 3' '
	git init -q --bare s.git && cd s.git &&
	missing=1234567890123456789012345678901234567890 &&
	printf "%s %s refs/heads/x\n" $zero $missing | test_expect_code 3 "$HOOK_RUN" pre-receive >out 2>err &&
	grep "refs/heads/x: new object $missing is missing" err &&
	grep "push rejected" err
'

test_expect_success 'a deletion line alone is fine' '
	git init -q --bare s.git && cd s.git &&
	printf "%s %s refs/heads/x\n" 1234567890123456789012345678901234567890 $zero |
		"$HOOK_RUN" pre-receive >out
'

test_done
