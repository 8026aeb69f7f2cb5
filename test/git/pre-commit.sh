#!/bin/sh
# SPDX-License-Identifier: MIT
# pre-commit.sh - `hook-run pre-commit` through real `git commit` runs and
# the hook `hook-run install` writes. After each commit: the commit's
# content, the index, the working file and `git status` are checked
# exactly, and no lock file is left behind.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# ---- reject -------------------------------------------------------------

test_expect_success 'reject: a bad staged Dockerfile stops the commit' '
	new_repo r && cd r &&
	write_file Dockerfile "$BAD" && git add Dockerfile &&
	test_expect_code 1 git commit -q -m bad >out 2>&1 &&
	grep "Dockerfile:2:1: error: .*\[CopyLinkMissing\]" out &&
	grep "run .hook-run fix Dockerfile." out &&
	test_expect_code 1 git rev-parse -q --verify HEAD &&
	expect_blob :Dockerfile "$BAD" && expect_file Dockerfile "$BAD" &&
	expect_status "A  Dockerfile" && no_locks
'

test_expect_success 'reject: a good Dockerfile is committed as staged' '
	new_repo r && cd r &&
	write_file Dockerfile "$GOOD" && git add Dockerfile &&
	git commit -q -m good >out 2>&1 &&
	grep "1 staged file checked, 0 findings" out &&
	expect_blob HEAD:Dockerfile "$GOOD" && expect_status && no_locks
'

test_expect_success 'a commit in a plain repository never loads libgit2; a fix or an include does' '
	new_repo r && cd r &&
	write_file Dockerfile "$GOOD" && write_file app/Dockerfile "$GOOD" && git add . &&
	ld_run ../ld git commit -q -m good >out 2>&1 &&
	test_expect_code 1 hook_run_loaded_libgit2 ../ld &&
	write_file app/Dockerfile "$BAD" && git add . &&
	test_expect_code 1 ld_run ../ld git commit -q -m bad >out 2>&1 &&
	grep "app/Dockerfile:2:1: error: .*\[CopyLinkMissing\]" out &&
	test_expect_code 1 hook_run_loaded_libgit2 ../ld &&
	# libgit2 writes the fixed blob and the index
	printf "[hook-run]\naction = fix\n" >.hook-run.ini && git add .hook-run.ini &&
	ld_run ../ld git commit -q -m fixed >out 2>&1 &&
	expect_blob HEAD:app/Dockerfile "$FIXED" && expect_file app/Dockerfile "$FIXED" &&
	hook_run_loaded_libgit2 ../ld &&
	git config include.path extra.config &&
	write_file Dockerfile "$GOOD
# more" && git add . &&
	ld_run ../ld git commit -q -m include >out 2>&1 &&
	hook_run_loaded_libgit2 ../ld &&
	no_locks
'

test_expect_success 'the staged blob is judged, not the working file' '
	new_repo r && cd r &&
	write_file Dockerfile "$BAD" && git add Dockerfile &&
	write_file Dockerfile "$GOOD" &&
	test_expect_code 1 git commit -q -m bad >out 2>&1 &&
	grep CopyLinkMissing out &&
	write_file Dockerfile "$BAD" && write_file other.Dockerfile "$GOOD" &&
	git add other.Dockerfile && git rm -q --cached Dockerfile &&
	git commit -q -m good >out 2>&1 &&
	git ls-tree --name-only HEAD >names && echo other.Dockerfile >expect && test_cmp expect names
'

test_expect_success 'an untouched Dockerfile is not checked again' '
	new_repo r && cd r &&
	write_file Dockerfile "$BAD" && git add Dockerfile && commit_unchecked legacy &&
	write_file README "hello\n" && git add README &&
	git commit -q -m readme >out 2>&1 &&
	! grep hook-run out &&
	expect_status && no_locks
'

# ---- fix: the ways git commits ----------------------------------------

test_expect_success 'fix, first commit: the fix is committed, index and working file agree' '
	git init -q r && cd r && "$HOOK_RUN" install >/dev/null &&
	printf "[hook-run]\naction = fix\n" >.hook-run.ini &&
	write_file Dockerfile "$BAD" && git add .hook-run.ini Dockerfile &&
	git commit -q -m first >out 2>&1 &&
	grep "Dockerfile: fixed 2 findings" out &&
	grep "^+COPY --link a /b" out &&
	grep "fixed in the index and in the working tree" out &&
	test_expect_code 1 git rev-parse -q --verify HEAD^ &&
	expect_blob HEAD:Dockerfile "$FIXED" && expect_blob :Dockerfile "$FIXED" &&
	expect_file Dockerfile "$FIXED" && expect_status && no_locks
'

test_expect_success 'fix, plain commit' '
	new_repo r fix && cd r &&
	write_file svc/Dockerfile "$BAD" && git add svc/Dockerfile &&
	git commit -q -m plain >out 2>&1 &&
	expect_blob HEAD:svc/Dockerfile "$FIXED" && expect_blob :svc/Dockerfile "$FIXED" &&
	expect_file svc/Dockerfile "$FIXED" && expect_status && no_locks &&
	test "$(git rev-list --count HEAD)" = 2
'

test_expect_success 'fix, commit -a (GIT_INDEX_FILE is index.lock)' '
	new_repo r fix && cd r &&
	write_file Dockerfile "$GOOD" && git add Dockerfile && git commit -q -m good &&
	write_file Dockerfile "${GOOD}COPY c /d\n" &&
	git commit -q -a -m all >out 2>&1 &&
	expect_blob HEAD:Dockerfile "${GOOD}COPY --link c /d\n" &&
	expect_blob :Dockerfile "${GOOD}COPY --link c /d\n" &&
	expect_file Dockerfile "${GOOD}COPY --link c /d\n" &&
	expect_status && no_locks
'

test_expect_success 'fix, commit -i PATH' '
	new_repo r fix && cd r &&
	write_file Dockerfile "$GOOD" && git add Dockerfile && git commit -q -m good &&
	write_file Dockerfile "${GOOD}COPY c /d\n" &&
	git commit -q -i Dockerfile -m include >out 2>&1 &&
	expect_blob HEAD:Dockerfile "${GOOD}COPY --link c /d\n" &&
	expect_blob :Dockerfile "${GOOD}COPY --link c /d\n" &&
	expect_file Dockerfile "${GOOD}COPY --link c /d\n" &&
	expect_status && no_locks
'

test_expect_success 'fix, commit -- PATH: the fix reaches the index git installs afterwards' '
	new_repo r fix && cd r &&
	write_file Dockerfile "$GOOD" && write_file other "1\n" && git add . && git commit -q -m good &&
	write_file other "2\n" && git add other &&
	write_file Dockerfile "${GOOD}COPY c /d\n" &&
	git commit -q -m only -- Dockerfile >out 2>&1 &&
	expect_blob HEAD:Dockerfile "${GOOD}COPY --link c /d\n" &&
	expect_blob HEAD:other "1\n" &&
	expect_blob :Dockerfile "${GOOD}COPY --link c /d\n" &&
	expect_blob :other "2\n" &&
	expect_file Dockerfile "${GOOD}COPY --link c /d\n" &&
	expect_status "M  other" && no_locks
'

test_expect_success 'fix, --amend: the amended commit is checked against its parent' '
	new_repo r fix && cd r &&
	write_file Dockerfile "$BAD" && git add Dockerfile && commit_unchecked "bad, unchecked" &&
	parent=$(git rev-parse HEAD^) &&
	git commit -q --amend -m amended >out 2>&1 &&
	test "$(git rev-parse HEAD^)" = "$parent" &&
	test "$(git log -1 --format=%s)" = amended &&
	expect_blob HEAD:Dockerfile "$FIXED" && expect_blob :Dockerfile "$FIXED" &&
	expect_file Dockerfile "$FIXED" && expect_status && no_locks
'

test_expect_success 'reject, --amend of the first commit' '
	new_repo r && cd r &&
	write_file Dockerfile "$BAD" && git add Dockerfile && commit_unchecked "bad, unchecked" &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 git commit -q --amend -m amended >out 2>&1 &&
	grep CopyLinkMissing out &&
	test "$(git rev-parse HEAD)" = "$before" && expect_status && no_locks
'

test_expect_success 'fix, the index is the build context: a staged directory source keeps its destination' '
	new_repo r fix && cd r &&
	write_file lib/a.sh "a\n" && write_file run.sh "r\n" &&
	write_file Dockerfile "# syntax=docker/dockerfile:1\nFROM debian:bookworm\nWORKDIR /opt/app\nCOPY lib /opt/app\nCOPY run.sh /opt/app\n" &&
	git add . && git commit -q -m app >out 2>&1 &&
	expect_blob HEAD:Dockerfile "# syntax=docker/dockerfile:1\nFROM debian:bookworm\nWORKDIR /opt/app\nCOPY --link lib /opt/app\nCOPY --link run.sh /opt/app/\n" &&
	expect_file Dockerfile "# syntax=docker/dockerfile:1\nFROM debian:bookworm\nWORKDIR /opt/app\nCOPY --link lib /opt/app\nCOPY --link run.sh /opt/app/\n" &&
	no_locks
'

test_expect_success 'block = new: an old finding does not block a comment edit; a new one does' '
	new_repo r && cd r &&
	write_file Dockerfile "# syntax=docker/dockerfile:1\nFROM alpine:3.20\nCOPY a /srv/\n" &&
	git add Dockerfile && commit_unchecked old &&
	write_file Dockerfile "# syntax=docker/dockerfile:1\n# the app\nFROM alpine:3.20\nCOPY a /srv/\n" &&
	git commit -q -a -m comment >out 2>&1 &&
	grep "0 findings, 1 older not blocking" out &&
	grep "1 finding was already there before this change" out &&
	write_file Dockerfile "# syntax=docker/dockerfile:1\n# the app\nFROM alpine:3.20\nCOPY a /srv/\nCOPY b /srv/\n" &&
	git add Dockerfile &&
	test_expect_code 1 git commit -q -m more >out 2>&1 &&
	grep "Dockerfile:5:1: error: COPY without --link" out &&
	! grep "Dockerfile:4:1" out &&
	grep "1 finding, 1 older not blocking" out &&
	printf "[hook-run]\nblock = all\n" >.hook-run.ini && git add .hook-run.ini &&
	test_expect_code 1 git commit -q -m all >out 2>&1 &&
	grep "Dockerfile:4:1: error: COPY without --link" out
'

test_expect_success 'baseline = FILE in the staged .hook-run.ini' '
	new_repo r && cd r &&
	write_file Dockerfile "FROM alpine:3.20\nCOPY a /srv/\n" &&
	{ "$HOOK_RUN" check --no-config --format json Dockerfile >base.json || test $? = 1; } &&
	printf "[hook-run]\nbaseline = base.json\n" >.hook-run.ini &&
	git add . && git commit -q -m adopt >out 2>&1 &&
	grep "2 hidden by the baseline" out &&
	git rm -q --cached base.json && rm base.json &&
	write_file Dockerfile "FROM alpine:3.20\nCOPY a /srv/\n# x\n" && git add Dockerfile &&
	test_expect_code 1 git commit -q -m gone >out 2>&1 &&
	grep "baseline = base.json: not in the index" out
'

test_expect_success 'fix, a partially staged file keeps its unstaged hunk' '
	new_repo r fix && cd r &&
	write_file Dockerfile "${GOOD}RUN echo one\nRUN echo two\nRUN echo three\n" && git add Dockerfile && git commit -q -m good &&
	write_file Dockerfile "${GOOD}RUN echo one\nRUN echo two\nRUN echo three\nCOPY c /d\n" && git add Dockerfile &&
	write_file Dockerfile "${GOOD}RUN echo one\nRUN echo 2\nRUN echo three\nCOPY c /d\n" &&
	git commit -q -m partial >out 2>&1 &&
	grep "keeping its unstaged changes" out &&
	expect_blob HEAD:Dockerfile "${GOOD}RUN echo one\nRUN echo two\nRUN echo three\nCOPY --link c /d\n" &&
	expect_blob :Dockerfile "${GOOD}RUN echo one\nRUN echo two\nRUN echo three\nCOPY --link c /d\n" &&
	expect_file Dockerfile "${GOOD}RUN echo one\nRUN echo 2\nRUN echo three\nCOPY --link c /d\n" &&
	expect_status " M Dockerfile" && no_locks
'

test_expect_success 'fix, an unstaged COPY is merged around, not fixed' '
	new_repo r fix && cd r &&
	write_file Dockerfile "${GOOD}RUN echo one\nRUN echo two\nRUN echo three\n" && git add Dockerfile && git commit -q -m good &&
	write_file Dockerfile "${GOOD}COPY c /d\nRUN echo one\nRUN echo two\nRUN echo three\n" && git add Dockerfile &&
	write_file Dockerfile "${GOOD}COPY c /d\nRUN echo one\nRUN echo two\nRUN echo three\nCOPY e /f\n" &&
	git commit -q -m partial >out 2>&1 &&
	grep "fix was merged into the working file" out &&
	expect_blob HEAD:Dockerfile "${GOOD}COPY --link c /d\nRUN echo one\nRUN echo two\nRUN echo three\n" &&
	expect_file Dockerfile "${GOOD}COPY --link c /d\nRUN echo one\nRUN echo two\nRUN echo three\nCOPY e /f\n" &&
	git diff >diff && grep "^+COPY e /f" diff && test "$(grep -c "^[-+][^-+]" diff)" = 1 &&
	expect_status " M Dockerfile" && no_locks
'

test_expect_success 'fix, unstaged edits that clash with the fix: the working file is left, and we say so' '
	new_repo r fix && cd r &&
	write_file Dockerfile "${GOOD}RUN echo one\n" && git add Dockerfile && git commit -q -m good &&
	write_file Dockerfile "${GOOD}COPY c /d\nRUN echo one\n" && git add Dockerfile &&
	write_file Dockerfile "${GOOD}COPY c /dest\nCOPY e /f\nRUN echo one\n" &&
	git commit -q -m clash >out 2>&1 &&
	grep "fixed in the index only" out &&
	expect_blob HEAD:Dockerfile "${GOOD}COPY --link c /d\nRUN echo one\n" &&
	expect_blob :Dockerfile "${GOOD}COPY --link c /d\nRUN echo one\n" &&
	expect_file Dockerfile "${GOOD}COPY c /dest\nCOPY e /f\nRUN echo one\n" &&
	expect_status " M Dockerfile" && no_locks
'

test_expect_success 'fix, same-length fix: the index entry cannot pass for the working file' '
	new_repo r && cd r &&
	printf "[hook-run]\naction = fix\nsyntax = docker/dockerfile:1.4\n" >.hook-run.ini &&
	git add .hook-run.ini && git commit -q -m config &&
	write_file Dockerfile "# syntax=docker/dockerfile:1.2\nFROM alpine\n" &&
	touch -d "2 hours ago" Dockerfile && git add Dockerfile &&
	mkdir ../elsewhere &&
	GIT_WORK_TREE=../elsewhere "$HOOK_RUN" pre-commit >out &&
	grep "not in the working tree: only the index was fixed" out &&
	expect_blob :Dockerfile "# syntax=docker/dockerfile:1.4\nFROM alpine\n" &&
	expect_file Dockerfile "# syntax=docker/dockerfile:1.2\nFROM alpine\n" &&
	expect_status "AM Dockerfile" && no_locks
'

test_expect_success 'fix, same-length fix through git commit' '
	new_repo r && cd r &&
	printf "[hook-run]\naction = fix\nsyntax = docker/dockerfile:1.4\n" >.hook-run.ini &&
	git add .hook-run.ini && git commit -q -m config &&
	write_file Dockerfile "# syntax=docker/dockerfile:1.2\nFROM alpine\n" &&
	touch -d "2 hours ago" Dockerfile && git add Dockerfile &&
	git commit -q -m same >out 2>&1 &&
	expect_blob HEAD:Dockerfile "# syntax=docker/dockerfile:1.4\nFROM alpine\n" &&
	expect_file Dockerfile "# syntax=docker/dockerfile:1.4\nFROM alpine\n" &&
	expect_status && no_locks
'

test_expect_success 'fix, in a linked worktree' '
	new_repo r fix && cd r &&
	git worktree add -q ../wt -b topic && cd ../wt &&
	write_file Dockerfile "$BAD" && git add Dockerfile &&
	git commit -q -m wt >out 2>&1 &&
	expect_blob topic:Dockerfile "$FIXED" && expect_blob :Dockerfile "$FIXED" &&
	expect_file Dockerfile "$FIXED" && expect_status && no_locks &&
	cd ../r && test_expect_code 1 git rev-parse -q --verify main:Dockerfile && expect_status
'

test_expect_success 'fix, CRLF file with core.autocrlf: LF committed, CRLF kept' '
	new_repo r fix && cd r && git config core.autocrlf true &&
	printf "FROM alpine\r\nCOPY a /b\r\n" >Dockerfile && git add Dockerfile &&
	git commit -q -m crlf >out 2>&1 &&
	expect_blob HEAD:Dockerfile "$FIXED" && expect_blob :Dockerfile "$FIXED" &&
	expect_file Dockerfile "# syntax=docker/dockerfile:1\r\n\r\nFROM alpine\r\nCOPY --link a /b\r\n" &&
	expect_status && no_locks
'

test_expect_success 'a renamed Dockerfile is checked at its new path' '
	new_repo r && cd r &&
	write_file a/Dockerfile "$GOOD" && write_file c/Dockerfile "$BAD" && git add . &&
	commit_unchecked base &&
	mkdir b && git mv a/Dockerfile b/Dockerfile && git commit -q -m "rename good" >out 2>&1 &&
	git ls-tree -r --name-only HEAD >names && grep "^b/Dockerfile$" names && ! grep "^a/" names &&
	mkdir d && git mv c/Dockerfile d/Dockerfile &&
	test_expect_code 1 git commit -q -m "rename bad" >out 2>&1 &&
	grep "^d/Dockerfile:2:1: error" out &&
	expect_status "R  c/Dockerfile -> d/Dockerfile" && no_locks
'

test_expect_success 'fix, a renamed bad Dockerfile' '
	new_repo r fix && cd r &&
	write_file c/Dockerfile "$BAD" && git add . && commit_unchecked base &&
	mkdir d && git mv c/Dockerfile d/Dockerfile && git commit -q -m rename >out 2>&1 &&
	expect_blob HEAD:d/Dockerfile "$FIXED" && expect_file d/Dockerfile "$FIXED" &&
	test_expect_code 1 git rev-parse -q --verify HEAD:c/Dockerfile &&
	expect_status && no_locks
'

test_expect_success 'a deleted Dockerfile is nothing to check' '
	new_repo r fix && cd r &&
	write_file Dockerfile "$BAD" && git add . && commit_unchecked base &&
	git rm -q Dockerfile && git commit -q -m delete >out 2>&1 &&
	! grep hook-run out &&
	test_expect_code 1 git rev-parse -q --verify HEAD:Dockerfile &&
	expect_status && no_locks
'

test_expect_success 'a symlink named Dockerfile is not read' '
	new_repo r fix && cd r &&
	write_file target.txt "$BAD" && ln -s target.txt Dockerfile && git add . &&
	git commit -q -m symlink >out 2>&1 &&
	! grep hook-run out &&
	git ls-tree HEAD Dockerfile >tree && grep "^120000 " tree &&
	expect_file target.txt "$BAD" && expect_status && no_locks
'

test_expect_success 'a submodule at a Dockerfile path is not read' '
	git init -q sub && (cd sub && write_file Dockerfile "$BAD" && git add . && commit_unchecked sub) &&
	new_repo r fix && cd r &&
	git submodule add -q ../sub Dockerfile.d 2>/dev/null &&
	git commit -q -m submodule >out 2>&1 &&
	git ls-tree HEAD Dockerfile.d >tree && grep "^160000 " tree &&
	expect_file Dockerfile.d/Dockerfile "$BAD" && expect_status && no_locks
'

test_expect_success 'intent-to-add entries are not checked' '
	new_repo r && cd r &&
	write_file Dockerfile "$BAD" && git add -N Dockerfile &&
	write_file README "x\n" && git add README &&
	git commit -q -m readme >out 2>&1 &&
	test_expect_code 1 git rev-parse -q --verify HEAD:Dockerfile && no_locks
'

test_expect_success 'index version 4 (prefix-compressed paths) is read' '
	new_repo r fix && cd r &&
	git update-index --index-version 4 &&
	long=$(printf "a%.0s" $(seq 1 150)) && write_file "$long/x" "x\n" &&
	write_file deep/er/path/Dockerfile "$BAD" && write_file deep/er/Dockerfile "$BAD" && git add . &&
	git commit -q -m v4 >out 2>&1 &&
	expect_blob HEAD:deep/er/path/Dockerfile "$FIXED" && expect_blob HEAD:deep/er/Dockerfile "$FIXED" &&
	expect_status && no_locks
'

test_expect_success 'the cache tree: valid unchanged directories skipped, changed ones read' '
	new_repo r && cd r &&
	write_file legacy/Dockerfile "$BAD" && write_file svc/app/Dockerfile "$GOOD" &&
	write_file svc/other/README "x\n" && git add . && commit_unchecked base &&
	write_file svc/app/Dockerfile "${GOOD}COPY c /d\n" && git add . && git write-tree >/dev/null &&
	test_expect_code 1 git commit -q -m deep >out 2>&1 &&
	grep "^svc/app/Dockerfile:5:1: error" out && ! grep legacy out
'

test_expect_success 'a split index is refused with a clear error, not misread' '
	new_repo r && cd r &&
	write_file Dockerfile "$GOOD" && git add . && git commit -q -m good &&
	git update-index --split-index &&
	write_file Dockerfile "$BAD" && git add Dockerfile &&
	test_expect_code 1 git commit -q -m split >out 2>&1 &&
	grep "split index" out && no_locks
'

test_expect_success 'an index path longer than 4095 bytes (the 12-bit length overflows)' '
	new_repo r && cd r &&
	long=$(printf "d%.0s" $(seq 1 200)) && dir=$long &&
	for i in $(seq 1 20); do dir="$dir/$long"; done &&
	blob=$(printf "$BAD" | git hash-object -w --stdin) &&
	git update-index --add --cacheinfo "100644,$blob,$dir/Dockerfile" &&
	test "$(git ls-files | wc -c)" -gt 4096 &&
	test_expect_code 1 git commit -q -m long >out 2>&1 &&
	grep "/Dockerfile:2:1: error" out
'

# ---- merges ---------------------------------------------------------------

test_expect_success 'pre-merge-commit checks a merge result but never fixes it' '
	new_repo r fix && cd r &&
	write_file Dockerfile "${GOOD}RUN echo one\nRUN echo two\nRUN echo three\nRUN four\n" && git add . && git commit -q -m base &&
	git checkout -q -b topic &&
	write_file Dockerfile "${GOOD}COPY c /d\nRUN echo one\nRUN echo two\nRUN echo three\nRUN four\n" && git add . && commit_unchecked topic &&
	git checkout -q main &&
	write_file Dockerfile "${GOOD}RUN echo one\nRUN echo two\nRUN echo three\nRUN 4\n" && git add . && git commit -q -m main &&
	test_expect_code 1 git merge -q --no-ff -m merge topic >out 2>&1 &&
	grep "Dockerfile:5:1: error: .*CopyLinkMissing" out &&
	expect_blob :Dockerfile "${GOOD}COPY c /d\nRUN echo one\nRUN echo two\nRUN echo three\nRUN 4\n" &&
	git rev-parse -q --verify MERGE_HEAD &&
	git commit -q --no-edit >out 2>&1 &&
	test "$(git rev-list --parents -1 HEAD | wc -w)" = 3 &&
	expect_blob HEAD:Dockerfile "${GOOD}COPY --link c /d\nRUN echo one\nRUN echo two\nRUN echo three\nRUN 4\n" &&
	expect_status && no_locks
'

test_expect_success 'a merge taking one side as it is has nothing new to check' '
	new_repo r && cd r &&
	write_file README "x\n" && git add . && git commit -q -m base &&
	git checkout -q -b topic && write_file Dockerfile "$BAD" && git add . && commit_unchecked legacy &&
	git checkout -q main && write_file README "y\n" && git add . && git commit -q -m main &&
	git merge -q --no-ff -m merge topic >out 2>&1 &&
	test "$(git rev-list --parents -1 HEAD | wc -w)" = 3 && expect_status
'

test_expect_success 'git pull: pre-merge-commit takes the merged commit from FETCH_HEAD' '
	new_repo up && (cd up && write_file README "x\n" && git add . && git commit -q -m base) &&
	git clone -q up r && (cd r && "$HOOK_RUN" install >/dev/null) &&
	(cd up && write_file Dockerfile "$BAD" && git add . && commit_unchecked legacy) &&
	cd r && write_file README2 "local\n" && git add . && git commit -q -m local &&
	git pull -q --no-rebase --no-edit origin main >out 2>&1 &&
	test "$(git rev-list --parents -1 HEAD | wc -w)" = 3 &&
	expect_blob HEAD:Dockerfile "$BAD" && expect_status && no_locks
'

test_expect_success 'concluding a merge with git commit: MERGE_HEAD is a parent too' '
	new_repo r && cd r &&
	write_file README "x\n" && git add . && git commit -q -m base &&
	git checkout -q -b topic && write_file Dockerfile "$BAD" && write_file README "topic\n" &&
	git add . && commit_unchecked legacy &&
	git checkout -q main && write_file README "main\n" && git add . && git commit -q -m main &&
	test_expect_code 1 git merge -q -m merge topic >out 2>&1 &&
	write_file README "both\n" && git add README &&
	git commit -q --no-edit >out 2>&1 &&
	test "$(git rev-list --parents -1 HEAD | wc -w)" = 3 &&
	expect_blob HEAD:Dockerfile "$BAD" && expect_status && no_locks
'

# ---- what is rejected, and what is never written ----------------------

test_expect_success 'fix: a fix that would empty the commit rejects it and changes nothing' '
	new_repo r fix && cd r &&
	write_file Dockerfile "$GOOD" && git add . && git commit -q -m good &&
	write_file Dockerfile "FROM alpine\nCOPY --link a /b\n" && git add Dockerfile &&
	test_expect_code 1 git commit -q -m unlink >out 2>&1 &&
	grep "would undo every staged change" out &&
	expect_blob :Dockerfile "FROM alpine\nCOPY --link a /b\n" &&
	expect_file Dockerfile "FROM alpine\nCOPY --link a /b\n" &&
	expect_status "M  Dockerfile" && no_locks
'

test_expect_success 'fix: findings without a fix still reject, the fixes are staged' '
	new_repo r fix && cd r &&
	write_file Dockerfile "FROM alpine\nCOPY a /b\nCOPY --link --chown=app x /y\n" && git add . &&
	test_expect_code 1 git commit -q -m partial >out 2>&1 &&
	grep "LinkChownByName" out &&
	expect_blob :Dockerfile "# syntax=docker/dockerfile:1\n\nFROM alpine\nCOPY --link a /b\nCOPY --link --chown=app x /y\n" &&
	expect_file Dockerfile "# syntax=docker/dockerfile:1\n\nFROM alpine\nCOPY --link a /b\nCOPY --link --chown=app x /y\n" &&
	test_expect_code 1 git rev-parse -q --verify HEAD:Dockerfile && no_locks
'

test_expect_success 'a lock left by someone else: a clear error, nothing changed, the lock kept' '
	new_repo r fix && cd r &&
	write_file Dockerfile "$BAD" && git add Dockerfile &&
	cp .git/index ../index.before &&
	echo stale >.git/index.lock &&
	test_expect_code 3 "$HOOK_RUN" pre-commit >out 2>err &&
	grep "index.lock. exists" err && grep "nothing was fixed" err &&
	test "$(cat .git/index.lock)" = stale &&
	cmp .git/index ../index.before &&
	expect_file Dockerfile "$BAD" &&
	rm .git/index.lock && no_locks
'

test_expect_success 'a broken .hook-run.ini in the index stops the commit with FILE:LINE' '
	new_repo r && cd r &&
	printf "[hook-run]\naction = sometimes\n" >.hook-run.ini &&
	write_file Dockerfile "$GOOD" && git add . &&
	test_expect_code 1 git commit -q -m broken >out 2>&1 &&
	grep "\.hook-run\.ini:2: .*action" out &&
	test_expect_code 1 git rev-parse -q --verify HEAD && no_locks
'

test_expect_success 'the staged .hook-run.ini rules, not the working one' '
	new_repo r && cd r &&
	printf "[rules]\nCopyLinkMissing = off\nSyntaxDirectiveMissing = off\n" >.hook-run.ini &&
	git add .hook-run.ini &&
	printf "[hook-run]\n" >.hook-run.ini &&
	write_file Dockerfile "$BAD" && git add Dockerfile &&
	git commit -q -m staged-config >out 2>&1 &&
	expect_blob HEAD:Dockerfile "$BAD"
'

test_expect_success 'pre-commit --check-only never writes' '
	new_repo r fix && cd r &&
	write_file Dockerfile "$BAD" && git add Dockerfile &&
	test_expect_code 1 "$HOOK_RUN" pre-commit --check-only >out &&
	expect_blob :Dockerfile "$BAD" && expect_file Dockerfile "$BAD" && no_locks
'

# ---- client-side bypass ----------------------------------------------------

test_expect_success 'HOOK_RUN=0 bypasses the hook, and says so' '
	new_repo r && cd r &&
	write_file Dockerfile "$BAD" && git add Dockerfile &&
	HOOK_RUN=0 git commit -q -m bypassed >out 2>&1 &&
	grep "hook-run: bypassed by HOOK_RUN=0" out &&
	expect_blob HEAD:Dockerfile "$BAD" && no_locks
'

test_expect_success 'SKIP=hook-run (pre-commit'"'"'s variable) bypasses, other ids do not' '
	new_repo r && cd r &&
	write_file Dockerfile "$BAD" && git add Dockerfile &&
	test_expect_code 1 env SKIP=flake8,other git commit -q -m no >out 2>&1 &&
	test_expect_code 1 git rev-parse -q --verify HEAD &&
	SKIP="flake8, hook-run" git commit -q -m skipped >out 2>&1 &&
	grep "hook-run: bypassed by SKIP=hook-run" out &&
	expect_blob HEAD:Dockerfile "$BAD"
'

test_expect_success 'the server hook ignores HOOK_RUN=0 and SKIP' '
	new_server srv.git && new_repo r && cd r &&
	write_file Dockerfile "$BAD" && git add Dockerfile && commit_unchecked bad &&
	test_expect_code 1 env HOOK_RUN=0 SKIP=hook-run git push -q ../srv.git HEAD:refs/heads/main >out 2>&1 &&
	grep "CopyLinkMissing" out
'

test_expect_success 'fix-mode all: a # check= that counts only once the fix adds # syntax= is respected' '
	new_repo r && cd r &&
	printf "[hook-run]\naction = fix\nfix-mode = all\n" >.hook-run.ini && git add . && commit_unchecked config &&
	write_file Dockerfile "FROM alpine\n# check=skip=CopyLinkMissing // /tmp must stay 1777\nCOPY x /tmp/\n" &&
	git add Dockerfile && git commit -q -m df 2>err &&
	expect_blob HEAD:Dockerfile "# syntax=docker/dockerfile:1\n\nFROM alpine\n# check=skip=CopyLinkMissing // /tmp must stay 1777\nCOPY x /tmp/\n" &&
	grep "0 findings, 1 fixed, 1 suppressed" err
'

test_done
