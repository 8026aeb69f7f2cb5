#!/bin/sh
# SPDX-License-Identifier: MIT
# init.sh - `hook-run init` on real repositories with old Dockerfiles: the
# whole file it writes, that it never replaces a file without --force, the
# baseline it records, that a suggested pattern does what it says, and that
# the file it writes works with the hooks (block = new) through real commits.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# legacy DIR: a repository with old findings, look-alike names and left-out files
legacy() {
	git init -q "$1" && (
		cd "$1" &&
		write_file Dockerfile "$BAD" &&
		write_file svc/api/Dockerfile.prod 'FROM alpine\nCOPY a /b\nCOPY c /d\n' &&
		write_file svc/web/Dockerfile "$GOOD" &&
		write_file docker/Dockerfile-dev 'FROM alpine\nCOPY x /y\n' &&
		write_file docker/Dockerfile-ci 'FROM alpine\n' &&
		write_file build/Dockerfile.template "$BAD" &&
		write_file vendor/lib/Dockerfile "$BAD" &&
		write_file tools/dockerfile_test.go 'package tools\n' &&
		write_file docs/Dockerfile-guide.md '# about Dockerfiles\n' &&
		write_file README 'x\n' &&
		git add . && commit_unchecked legacy
	)
}

test_expect_success 'init --dry-run: the whole file, fitted to HEAD, and nothing written' '
	legacy r && cd r &&
	"$HOOK_RUN" init --dry-run >actual 2>err &&
	test ! -s err && test ! -e .hook-run.ini &&
	cat >expect <<-\EOF &&
	; .hook-run.ini - hook-run'"'"'s policy for this repository, written by `hook-run init`
	; from HEAD'"'"'s tree. Every key is optional: a key not set keeps its default
	; (`man hook-run` and the README'"'"'s "Configuration" list them all). Commit it:
	; the hooks read the staged copy, `audit` the copy of the revision it checks.
	;
	; Dockerfiles in HEAD: `paths` below matches 3 files:
	;   Dockerfile
	;   svc/api/Dockerfile.prod
	;   svc/web/Dockerfile
	;
	; Named like Dockerfiles, but `paths` does not match them (uncomment a
	; `paths` line below to judge them):
	;   docker/Dockerfile-ci (Dockerfile-*)
	;   docker/Dockerfile-dev (Dockerfile-*)
	;
	; Matched by `paths`, but left out:
	;   build/Dockerfile.template (exclude-suffixes: not a Dockerfile, or a template of one)
	;   vendor/lib/Dockerfile (vendored: a third-party tree)
	;
	; What the rules find in HEAD: 5 findings in 2 files, 5 fixable by
	; `hook-run fix` (`hook-run audit` shows them):
	;   SyntaxDirectiveMissing       2 (2 fixable)
	;   CopyLinkMissing              3 (3 fixable)

	[hook-run]
	; Which files are Dockerfiles (git wildmatch; set twice, a list key adds).
	paths = Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile, Containerfile, Containerfile.*
	; paths = Dockerfile-*
	; Left out even when matched: e.g. exclude = fixtures/, /examples/
	exclude =

	; The hooks (pre-commit, pre-merge-commit, pre-receive) block only on the
	; findings a change adds; a file'"'"'s old findings are counted, not blocking,
	; so a one-line edit of an old Dockerfile goes in. `block = all` blocks on
	; every finding of the files a change touches.
	block = new
	; pre-commit: reject the commit, or `fix` the staged file and let it through.
	action = reject
	; Which fixes `hook-run fix` and `action = fix` make: safe, or all (risky too).
	fix-mode = safe
	; HEAD has 5 findings. For check, fix and audit (CI) to fail only on new
	; ones until they are fixed, record them in a baseline and commit it:
	;   hook-run init --force --baseline
	; baseline = .hook-run-baseline.json

	[rules]
	; RuleName = error | warning | info | off. The rules that fire in HEAD, at their defaults:
	; SyntaxDirectiveMissing = error
	; CopyLinkMissing = error

	[pre-receive]
	; `audit --range` (CI) judges every new commit (commits), or only the files
	; the range leaves at its head (tips). A server'"'"'s hook reads the server'"'"'s own
	; hook-run.ini (`hook-run install --server`), never this file.
	; scope = commits
	EOF
	test_cmp expect actual
'

test_expect_success 'init writes it at the root, from a subdirectory, and prints the two install commands' '
	legacy r && cd r/svc/api &&
	"$HOOK_RUN" init >../../out &&
	cd ../.. &&
	"$HOOK_RUN" init --dry-run >expect &&
	test_cmp expect .hook-run.ini &&
	top=$(pwd -P) &&
	{
		echo "hook-run: wrote $top/.hook-run.ini (3 Dockerfiles in HEAD, 5 findings)" &&
		echo "Next: commit it, then install the hooks:" &&
		echo "  hook-run install             # in each clone: pre-commit and pre-merge-commit" &&
		echo "  hook-run install --server    # in the server'"'"'s bare repository: pre-receive"
	} >expect.out &&
	test_cmp expect.out out
'

test_expect_success 'an existing file is not replaced without --force (exit 2, unchanged)' '
	legacy r && cd r &&
	printf "[hook-run]\nfix-mode = all\n" >.hook-run.ini && cp .hook-run.ini before &&
	test_expect_code 2 "$HOOK_RUN" init >out 2>err &&
	test ! -s out &&
	grep "^hook-run: init: .*/\.hook-run\.ini exists: not overwritten (--force replaces it" err &&
	test_cmp before .hook-run.ini &&
	"$HOOK_RUN" init --force >out &&
	grep "^block = new$" .hook-run.ini && ! grep "fix-mode = all" .hook-run.ini
'

test_expect_success 'an existing baseline is not replaced without --force either' '
	legacy r && cd r &&
	echo keep >.hook-run-baseline.json &&
	test_expect_code 2 "$HOOK_RUN" init --baseline 2>err &&
	grep "\.hook-run-baseline\.json exists: not overwritten" err &&
	test ! -e .hook-run.ini && grep -x keep .hook-run-baseline.json &&
	"$HOOK_RUN" init --force --baseline >/dev/null &&
	! grep -x keep .hook-run-baseline.json
'

test_expect_success '--baseline: audit and check pass on the old findings and fail on a new one' '
	legacy r && cd r &&
	"$HOOK_RUN" init --baseline >out &&
	grep "wrote .*/\.hook-run-baseline\.json (the 5 findings of HEAD" out &&
	grep "^Next: commit both files" out &&
	grep "^baseline = \.hook-run-baseline\.json$" .hook-run.ini &&
	: the baseline is what audit --format json prints &&
	test_expect_code 1 "$HOOK_RUN" audit --no-config --format json >audit.json &&
	test_cmp audit.json .hook-run-baseline.json &&
	git add .hook-run.ini .hook-run-baseline.json && commit_unchecked init &&
	"$HOOK_RUN" audit >out && grep "5 hidden by the baseline" out &&
	"$HOOK_RUN" check >out && grep "5 hidden by the baseline" out &&
	printf "COPY new /new\n" >>svc/web/Dockerfile && git add . && commit_unchecked new &&
	test_expect_code 1 "$HOOK_RUN" audit >out &&
	grep "svc/web/Dockerfile:5:1: error: .*\[CopyLinkMissing\]" out
'

test_expect_success 'the file it writes works with the hooks: old findings do not block, new ones do' '
	legacy r && cd r && "$HOOK_RUN" install >/dev/null &&
	"$HOOK_RUN" init >/dev/null && git add .hook-run.ini && git commit -q -m init &&
	printf "# a comment\n" >>svc/api/Dockerfile.prod && git add . &&
	git commit -q -m comment >out 2>&1 &&
	grep "older not blocking\|already there before this change" out &&
	printf "COPY z /z\n" >>svc/api/Dockerfile.prod && git add . &&
	test_expect_code 1 git commit -q -m new >out 2>&1 &&
	grep "Dockerfile.prod:5:1: error: .*\[CopyLinkMissing\]" out
'

test_expect_success 'a suggested pattern, uncommented, judges the files it was suggested for' '
	legacy r && cd r &&
	"$HOOK_RUN" init >/dev/null &&
	test_expect_code 1 "$HOOK_RUN" audit --worktree --format json >before.json &&
	! grep "docker/Dockerfile-dev" before.json &&
	sed "s/^; paths = Dockerfile-\*$/paths = Dockerfile-*/" .hook-run.ini >ini && mv ini .hook-run.ini &&
	grep -x "paths = Dockerfile-\*" .hook-run.ini &&
	test_expect_code 1 "$HOOK_RUN" audit --worktree >after &&
	grep "^docker/Dockerfile-dev:2:1: error: .*\[CopyLinkMissing\]" after &&
	grep "^docker/Dockerfile-ci:1:1: error: .*\[SyntaxDirectiveMissing\]" after &&
	grep "^Dockerfile:" after
'

test_expect_success 'test data and examples: suggested exclude lines that work when uncommented' '
	git init -q r && cd r &&
	write_file Dockerfile "$GOOD" &&
	write_file test/cases/a/Dockerfile "$BAD" && write_file test/cases/b/Dockerfile "$BAD" &&
	write_file svc/examples/Dockerfile.demo "$BAD" &&
	write_file latest/Dockerfile "$BAD" &&
	git add . && commit_unchecked fixtures &&
	"$HOOK_RUN" init >/dev/null &&
	sed -n "/^; Test data/,/^\$/p" .hook-run.ini >actual &&
	cat >expect <<-\EOF &&
	; Test data and examples are often not meant to be built; matched here:
	;   /svc/examples/: 1 file
	;   /test/: 2 files
	; to leave them out, uncomment:
	; exclude = /svc/examples/
	; exclude = /test/

	EOF
	test_cmp expect actual &&
	sed "s|^; exclude = /|exclude = /|" .hook-run.ini >ini && mv ini .hook-run.ini &&
	test_expect_code 1 "$HOOK_RUN" audit --worktree >out &&
	grep "^latest/Dockerfile:" out && ! grep "^test/\|^svc/" out &&
	grep "^hook-run: 2 files checked" out
'

test_expect_success 'a clean repository, an unborn HEAD, a bare repository' '
	git init -q clean && (cd clean && write_file Dockerfile "$GOOD" && git add . && commit_unchecked c &&
		"$HOOK_RUN" init --dry-run >ini && grep "^; What the rules find in HEAD: nothing" ini &&
		! grep "baseline" ini) &&
	git init -q unborn && (cd unborn && "$HOOK_RUN" init >out &&
		grep "HEAD has no commit yet: the defaults" out &&
		grep "^; HEAD has no commit yet: nothing was audited" .hook-run.ini &&
		"$HOOK_RUN" check >/dev/null) &&
	git init -q --bare bare.git && (cd bare.git &&
		test_expect_code 2 "$HOOK_RUN" init 2>err &&
		grep "the repository is bare: .*install --server" err)
'

test_expect_success 'a path with a newline stays on its comment line: it cannot write a key' '
	git init -q r && cd r &&
	name=$(printf "svc/Dockerfile.\n[rules]\nCopyLinkMissing = off") &&
	mkdir svc && printf "FROM alpine\nCOPY a /b\n" >"$name" &&
	git add . && commit_unchecked hostile &&
	"$HOOK_RUN" init >/dev/null &&
	grep -x ";   svc/Dockerfile.\\\\x0a\[rules\]\\\\x0aCopyLinkMissing = off" .hook-run.ini &&
	! grep -x "CopyLinkMissing = off" .hook-run.ini &&
	test_expect_code 1 "$HOOK_RUN" audit --worktree >out &&
	grep "CopyLinkMissing" out
'

test_expect_success 'usage: an operand or an unknown option is exit 2, --help exit 0' '
	git init -q r && cd r &&
	test_expect_code 2 "$HOOK_RUN" init extra 2>err && grep "unexpected argument" err &&
	test_expect_code 2 "$HOOK_RUN" init --bogus 2>/dev/null &&
	"$HOOK_RUN" init --help | grep "^usage: hook-run init" &&
	test ! -e .hook-run.ini
'

test_done
