#!/bin/sh
# SPDX-License-Identifier: MIT
# audit.sh - `hook-run audit [REV]`, `hook-run --all`, `--worktree` and
# `--history` on real repositories: what is read (the object store, not the
# checkout), which configuration applies, and the exit codes.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# setup: a repository with a good and a bad Dockerfile committed, a symlink
# and a submodule that must not be read
setup() {
	git init -q sub && (cd sub && write_file Dockerfile "$BAD" && git add . && commit_unchecked sub) &&
	git init -q r && cd r &&
	write_file good/Dockerfile "$GOOD" && write_file bad/app.dockerfile "$BAD" &&
	write_file notes.txt "$BAD" && ln -s notes.txt Containerfile &&
	git add . && git submodule add -q ../sub vendor 2>/dev/null && commit_unchecked base
}

test_expect_success 'audit: every matching file of HEAD, from the object store' '
	setup &&
	rm bad/app.dockerfile &&
	test_expect_code 1 "$HOOK_RUN" audit >out &&
	grep "^bad/app.dockerfile:2:1: error: .*\[CopyLinkMissing\]" out &&
	grep "run .hook-run fix bad/app.dockerfile." out &&
	grep "hook-run: 2 files checked, 2 findings" out &&
	! grep -e Containerfile -e vendor out
'

test_expect_success 'audit of HEAD, of a branch, of HEAD~1 and of a full id: libgit2 not loaded; of a short id: loaded' '
	setup &&
	test_expect_code 1 ld_run ../ld "$HOOK_RUN" audit >expect &&
	test_expect_code 1 hook_run_loaded_libgit2 ../ld &&
	for rev in main HEAD~0 "$(git rev-parse HEAD)"; do
		test_expect_code 1 ld_run ../ld "$HOOK_RUN" audit "$rev" >out &&
		test_cmp expect out &&
		test_expect_code 1 hook_run_loaded_libgit2 ../ld || return 1
	done &&
	test_expect_code 1 ld_run ../ld "$HOOK_RUN" audit "$(git rev-parse --short=12 HEAD)" >out &&
	test_cmp expect out &&
	hook_run_loaded_libgit2 ../ld &&
	test_expect_code 2 "$HOOK_RUN" audit no-such-branch 2>err &&
	grep "no-such-branch" err
'

test_expect_success 'hook-run --all is audit' '
	setup &&
	test_expect_code 1 "$HOOK_RUN" audit >expect &&
	test_expect_code 1 "$HOOK_RUN" --all >actual &&
	sed "s/ in [0-9.]*s$//" expect >e && sed "s/ in [0-9.]*s$//" actual >a && test_cmp e a
'

test_expect_success 'audit REV: another revision, and its .hook-run.ini' '
	setup &&
	git rm -q bad/app.dockerfile && commit_unchecked clean &&
	"$HOOK_RUN" --all >out && grep "1 file checked, 0 findings" out &&
	test_expect_code 1 "$HOOK_RUN" audit HEAD^ >out && grep "^bad/app.dockerfile:2:1" out &&
	printf "[rules]\nCopyLinkMissing = off\nSyntaxDirectiveMissing = off\n" >.hook-run.ini &&
	git add .hook-run.ini && commit_unchecked config &&
	git checkout -q HEAD~2 -- bad/app.dockerfile && commit_unchecked restore &&
	"$HOOK_RUN" audit >out && grep "2 files checked, 0 findings" out &&
	test_expect_code 1 "$HOOK_RUN" audit --config /dev/null >out &&
	grep "bad/app.dockerfile" out
'

test_expect_success 'audit --worktree: tracked and untracked files, not ignored ones' '
	setup &&
	write_file new/Dockerfile "$BAD" && write_file build/Dockerfile "$BAD" && echo build/ >.gitignore &&
	write_file good/Dockerfile "$BAD" &&
	test_expect_code 1 "$HOOK_RUN" audit --worktree >out &&
	grep "^new/Dockerfile:2:1" out && grep "^good/Dockerfile:2:1" out && grep "^bad/app.dockerfile:2:1" out &&
	! grep -e "^build/" -e vendor -e Containerfile out &&
	grep "3 files checked" out
'

test_expect_success 'audit --history: every commit, against its parents' '
	setup &&
	first=$(git rev-parse --short=10 HEAD) &&
	write_file bad/app.dockerfile "$GOOD" && git add . && commit_unchecked fix &&
	write_file third/Dockerfile "${GOOD}COPY c /d\n" && git add . && commit_unchecked third &&
	third=$(git rev-parse --short=10 HEAD) &&
	test_expect_code 1 "$HOOK_RUN" audit --history >out &&
	grep "^$first:bad/app.dockerfile:2:1: error" out &&
	grep "^$third:third/Dockerfile:5:1: error" out &&
	grep "4 files checked, 3 findings" out &&
	test_expect_code 1 "$HOOK_RUN" audit >out &&
	grep "^third/Dockerfile:5:1" out && ! grep "bad/app.dockerfile" out
'

# bad N: a distinct bad Dockerfile (COPY without --link on line 2)
bad() {
	printf 'FROM alpine\nCOPY a%s /b\n' "$1"
}

test_expect_success 'audit --history hands out exactly what git log -c --raw lists' '
	git init -q r && cd r &&
	mkdir -p a/b c && bad 1 >a/b/Dockerfile && bad 2 >c/x.dockerfile && echo x >README &&
	git add . && commit_unchecked root &&
	git checkout -q -b topic &&
	bad 3 >a/b/Dockerfile && mkdir -p d && bad 4 >d/Dockerfile && git add . && commit_unchecked t1 &&
	git mv c/x.dockerfile c/y.dockerfile && commit_unchecked "t2 rename" &&
	chmod +x d/Dockerfile && git add . && commit_unchecked "t3 mode only" &&
	git checkout -q main &&
	bad 5 >c/x.dockerfile && echo y >README && git add . && commit_unchecked m1 &&
	ln -s README Containerfile && git add . && commit_unchecked "m2 symlink" &&
	cp -R a e && git add . && commit_unchecked "m3 same subtree elsewhere" &&
	git merge -q --no-ff --no-verify -m "merge topic" topic &&
	git checkout -q -b side HEAD~1 && bad 6 >side.Dockerfile && git add . && commit_unchecked s1 &&
	git checkout -q main &&
	git merge -q --no-ff --no-commit --no-verify side && bad 7 >evil.Dockerfile &&
	bad 8 >a/b/Dockerfile && git add . && commit_unchecked "evil merge" &&
	git rm -q -r e && commit_unchecked "delete" &&
	git log --root -c --raw --no-renames --no-abbrev --format="@%H" |
		awk -F"\t" "/^@/ { c = substr(\$0, 2, 10); next }
			/^:/ { n = split(\$1, f, \" \"); np = 0; while (substr(f[1], np + 1, 1) == \":\") np++;
				mode = f[np + 1]; blob = f[2 * (np + 1)]; st = f[n];
				if (st ~ /^D+$/ || mode == \"120000\" || mode == \"160000\") next;
				for (i = np + 2; i < 2 * (np + 1); i++) if (f[i] == blob) next;
				print c \":\" \$2 }" |
		grep -E "(Dockerfile|\.dockerfile|Containerfile)$" | LC_ALL=C sort >expect &&
	test_expect_code 1 "$HOOK_RUN" audit --history --severity SyntaxDirectiveMissing=off >out &&
	sed -n "s/^\([0-9a-f]\{10\}:[^:]*\):2:1: error: .*CopyLinkMissing.*/\1/p" out | LC_ALL=C sort >actual &&
	test_cmp expect actual &&
	git repack -q -a -d -f --depth=3 && git prune-packed && ls .git/objects/pack/*.pack &&
	test_expect_code 1 "$HOOK_RUN" audit --history --severity SyntaxDirectiveMissing=off >out &&
	sed -n "s/^\([0-9a-f]\{10\}:[^:]*\):2:1: error: .*CopyLinkMissing.*/\1/p" out | LC_ALL=C sort >actual &&
	test "$(wc -l <expect)" = 11 &&
	grep -q ":a/b/Dockerfile$" expect && grep -q ":evil.Dockerfile$" expect &&
	grep -q ":c/y.dockerfile$" expect && grep -q ":e/b/Dockerfile$" expect &&
	test_cmp expect actual
'

test_expect_success 'audit --history over a packed history with long delta chains' '
	git init -q r && cd r &&
	awk "BEGIN {
		for (c = 0; c < 80; c++) {
			printf \"commit refs/heads/main\ncommitter C <c@x> %d +0000\ndata 2\nc\n\", 1500000000 + c;
			if (c == 0) for (i = 0; i < 300; i++) printf \"M 100644 inline d/file%03d.txt\ndata 4\n%03d\n\n\", i, i;
			printf \"M 100644 inline d/file%03d.txt\ndata 4\nx%02d\n\n\", (c * 7) % 300, c;
			if (c % 3 == 0) printf \"M 100644 inline d/s%d/Dockerfile\ndata %d\nFROM alpine\nCOPY a%05d /b\n\n\", c % 4, 27, c;
		} }" | git fast-import --quiet &&
	git repack -q -a -d -f --depth=50 --window=50 && git prune-packed &&
	test "$(git verify-pack -v .git/objects/pack/*.idx | awk "\$2 == \"tree\" && NF > 6" | wc -l)" -gt 50 &&
	git log --root -c --raw --no-renames --no-abbrev --format="@%H" |
		awk -F"\t" "/^@/ { c = substr(\$0, 2, 10); next }
			/^:/ && \$2 ~ /Dockerfile$/ { print c \":\" \$2 }" | LC_ALL=C sort >expect &&
	test "$(wc -l <expect)" = 27 &&
	test_expect_code 1 "$HOOK_RUN" audit --history --stats --severity SyntaxDirectiveMissing=off >out 2>err &&
	sed -n "s/^\([0-9a-f]\{10\}:[^:]*\):2:1: error: .*CopyLinkMissing.*/\1/p" out | LC_ALL=C sort >actual &&
	test_cmp expect actual &&
	grep "stats: 80 commits" err
'

test_expect_success 'an empty repository has nothing to audit' '
	git init -q r && cd r &&
	"$HOOK_RUN" audit >out && grep "HEAD has no commit yet" out
'

test_expect_success 'bad arguments and bad configuration' '
	setup &&
	test_expect_code 2 "$HOOK_RUN" audit no-such-rev 2>err && grep "cannot resolve .no-such-rev." err &&
	test_expect_code 2 "$HOOK_RUN" audit --worktree HEAD 2>err &&
	test_expect_code 2 "$HOOK_RUN" audit --history "HEAD^{tree}" 2>err && grep "is not a commit" err &&
	printf "[hook-run]\nnonsense = 1\n" >.hook-run.ini && git add .hook-run.ini && commit_unchecked broken &&
	test_expect_code 2 "$HOOK_RUN" audit 2>err && grep "^hook-run: .hook-run.ini:2: " err &&
	cd .. && test_expect_code 3 "$HOOK_RUN" audit 2>err && grep "not a git repository" err
'

test_expect_success 'audit in a bare repository, and of a tree' '
	setup && cd .. && git clone -q --bare r bare.git && cd bare.git &&
	test_expect_code 1 "$HOOK_RUN" audit >out && grep "^bad/app.dockerfile:2:1" out &&
	test_expect_code 1 "$HOOK_RUN" audit "HEAD^{tree}" >out && grep "^bad/app.dockerfile:2:1" out &&
	test_expect_code 2 "$HOOK_RUN" audit --worktree 2>err && grep "bare" err
'

test_expect_success 'baseline = FILE in the revision: old findings hidden, new ones reported' '
	git init -q b && cd b &&
	printf "FROM alpine:3.20\nCOPY a /srv/\n" >Dockerfile &&
	test_expect_code 1 "$HOOK_RUN" check --no-config --format json Dockerfile >ci-baseline.json &&
	printf "[hook-run]\nbaseline = ci-baseline.json\n" >.hook-run.ini &&
	git add . && git commit -q -m base &&
	"$HOOK_RUN" audit >out &&
	grep "0 findings, 2 hidden by the baseline" out &&
	printf "FROM alpine:3.20\nCOPY a /srv/\nCOPY b /srv/\n" >Dockerfile &&
	git commit -q -a -m more &&
	test_expect_code 1 "$HOOK_RUN" audit >out &&
	grep "Dockerfile:3:1: error: COPY without --link" out &&
	! grep "Dockerfile:2:1" out &&
	git rm -q ci-baseline.json && git commit -q -m gone &&
	test_expect_code 2 "$HOOK_RUN" audit 2>err &&
	grep "baseline = ci-baseline.json: no such file in the checked revision" err
'

test_done
