#!/bin/sh
# SPDX-License-Identifier: MIT
# precommit-framework.sh - the shipped .pre-commit-hooks.yaml with the real
# pre-commit tool (Debian's package): `pre-commit install` then real `git
# commit`s, `pre-commit run --all-files`, `pre-commit try-repo`, the fix
# hook, and both bypasses (pre-commit's SKIP=, hook-run's HOOK_RUN=0).
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

if ! command -v pre-commit >/dev/null 2>&1; then
	if [ "${CI:-}" = true ]; then
		echo "1..1"
		echo "not ok 1 - pre-commit is not installed (contrib/install-deps.sh --test installs it)"
		exit 1
	fi
	echo "1..0 # SKIP pre-commit is not installed"
	exit 0
fi

# hook-run on PATH, as `language: system` expects; pre-commit's cache here
mkdir -p "$TEST_TMP/bin"
ln -s "$HOOK_RUN" "$TEST_TMP/bin/hook-run"
PATH=$TEST_TMP/bin:$PATH
PRE_COMMIT_HOME=$TEST_TMP/pre-commit-cache
export PATH PRE_COMMIT_HOME
unset SKIP HOOK_RUN PRE_COMMIT

# the hook repository: this project's manifest, committed
hookrepo=$TEST_TMP/hookrepo
mkdir -p "$hookrepo"
cp "$TOP_SRCDIR/.pre-commit-hooks.yaml" "$hookrepo/"
(cd "$hookrepo" && git init -q . && git add . && git commit -q -m hooks)
rev=$(cd "$hookrepo" && git rev-parse HEAD)

BAD='FROM alpine
COPY app /usr/local/bin/app
'
GOOD='# syntax=docker/dockerfile:1

FROM alpine
COPY --link app /usr/local/bin/app
'

# a user repository using hook id $1
make_repo() {
	git init -q repo &&
	cat >repo/.pre-commit-config.yaml <<-CFG &&
	repos:
	- repo: $hookrepo
	  rev: $rev
	  hooks:
	  - id: $1
	CFG
	(cd repo && git add .pre-commit-config.yaml && git commit -q -m init && pre-commit install >/dev/null)
}

test_expect_success 'a bad Dockerfile is rejected by a real git commit' '
	make_repo hook-run &&
	printf "%s" "$BAD" >repo/Dockerfile &&
	(cd repo && git add Dockerfile && test_expect_code 1 git commit -q -m bad >../out 2>&1) &&
	grep "Dockerfile:2:1: error: COPY without --link" out &&
	grep "SyntaxDirectiveMissing" out &&
	test "$(cd repo && git rev-list --count HEAD)" = 1
'

test_expect_success 'a good Dockerfile commits, and the summary shows' '
	make_repo hook-run &&
	printf "%s" "$GOOD" >repo/Dockerfile &&
	(cd repo && git add Dockerfile && git commit -q -m good >../out 2>&1) &&
	grep "hook-run: 1 file checked, 0 findings" out &&
	test "$(cd repo && git rev-list --count HEAD)" = 2
'

test_expect_success 'a commit without Dockerfiles skips the hook' '
	make_repo hook-run &&
	echo hello >repo/README.md &&
	(cd repo && git add README.md && git commit -q -m readme >../out 2>&1) &&
	grep "hook-run (Dockerfile policy).*Skipped" out
'

test_expect_success 'run --all-files: the files pattern matches every default name' '
	make_repo hook-run &&
	mkdir -p repo/sub/dir &&
	for f in Dockerfile Dockerfile.dev api.Dockerfile build.dockerfile Containerfile \
		Containerfile.ci sub/dir/Dockerfile; do printf "%s" "$BAD" >"repo/$f"; done &&
	for f in Dockerfile.dockerignore README.md notadockerfile.txt sub/Dockerfiles; do
		printf "%s" "$BAD" >"repo/$f"; done &&
	(cd repo && git add . && test_expect_code 1 pre-commit run --all-files >../out 2>&1) &&
	for f in Dockerfile Dockerfile.dev api.Dockerfile build.dockerfile Containerfile \
		Containerfile.ci sub/dir/Dockerfile; do grep "^$f:2:1: error" out || exit 1; done &&
	! grep -E "^(Dockerfile.dockerignore|README.md|notadockerfile.txt|sub/Dockerfiles):" out
'

test_expect_success 'SKIP=hook-run bypasses (pre-commit reports it)' '
	make_repo hook-run &&
	printf "%s" "$BAD" >repo/Dockerfile &&
	(cd repo && git add Dockerfile && SKIP=hook-run git commit -q -m skipped >../out 2>&1) &&
	grep "hook-run (Dockerfile policy).*Skipped" out &&
	test "$(cd repo && git rev-list --count HEAD)" = 2
'

test_expect_success 'HOOK_RUN=0 bypasses, and hook-run says so' '
	make_repo hook-run &&
	printf "%s" "$BAD" >repo/Dockerfile &&
	(cd repo && git add Dockerfile && HOOK_RUN=0 git commit -q -m bypass >../out 2>&1) &&
	grep "hook-run: bypassed by HOOK_RUN=0" out &&
	test "$(cd repo && git rev-list --count HEAD)" = 2
'

test_expect_success 'the fix hook fixes the file, and the commit goes in once re-added' '
	make_repo hook-run-fix &&
	printf "%s" "$BAD" >repo/Dockerfile &&
	(cd repo && git add Dockerfile && test_expect_code 1 git commit -q -m fix >../out 2>&1) &&
	grep "files were modified by this hook" out &&
	printf "%s" "$GOOD" >expected &&
	test_cmp expected repo/Dockerfile &&
	(cd repo && git add Dockerfile && git commit -q -m fixed >../out 2>&1) &&
	(cd repo && git show HEAD:Dockerfile) >committed &&
	test_cmp expected committed
'

test_expect_success 'the fix hook still fails on what it cannot fix' '
	make_repo hook-run-fix &&
	printf "FROM alpine\nCOPY --chown=app x /srv/\n" >repo/Dockerfile &&
	(cd repo && git add Dockerfile && test_expect_code 1 git commit -q -m fix >../out 2>&1) &&
	grep "adding --link would break the build" out &&
	(cd repo && git add Dockerfile && test_expect_code 1 git commit -q -m again >../out 2>&1) &&
	grep "adding --link would break the build" out
'

test_expect_success 'pre-commit try-repo runs the hook from the repository' '
	git init -q user &&
	printf "%s" "$BAD" >user/Dockerfile &&
	(cd user && git add Dockerfile &&
	 test_expect_code 1 pre-commit try-repo "$hookrepo" hook-run --files Dockerfile >../out 2>&1) &&
	grep "Dockerfile:2:1: error: COPY without --link" out
'

# hook-run-from-source: a hook repository holding the whole source, and no
# hook-run on PATH; the first run builds it (once), the second reuses it
srcrepo=$TEST_TMP/srcrepo
mkdir -p "$srcrepo"
if git -C "$TOP_SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$TOP_SRCDIR" && git ls-files -z | xargs -0 cp --parents -t "$srcrepo")
else
	cp -R "$TOP_SRCDIR/." "$srcrepo/" && rm -rf "$srcrepo/_build" "$srcrepo/_check"
fi
(cd "$srcrepo" && git init -q . && git add -A && git commit -q -m source)
srcrev=$(cd "$srcrepo" && git rev-parse HEAD)
# PATH without any directory holding a hook-run (the test's own, and one
# installed by contrib/quickstart.sh or the package into /usr/local/bin)
nopath=$(printf "%s\n" "$PATH" | tr ":" "\n" | while read -r d; do
	[ -n "$d" ] && [ ! -x "$d/hook-run" ] && printf "%s:" "$d"
done)
nopath=${nopath%:}

test_expect_success 'hook-run-from-source builds hook-run once, without it on PATH' '
	git init -q user2 &&
	printf "%s" "$BAD" >user2/Dockerfile &&
	printf "repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: hook-run-from-source\n" \
		"$srcrepo" "$srcrev" >user2/.pre-commit-config.yaml &&
	cd user2 &&
	git add Dockerfile .pre-commit-config.yaml &&
	! env PATH="$nopath" sh -c "command -v hook-run" &&
	test_expect_code 1 env PATH="$nopath" pre-commit run --files Dockerfile >../out1 2>&1 &&
	test_expect_code 1 env PATH="$nopath" pre-commit run --files Dockerfile >../out2 2>&1 &&
	cd .. &&
	grep "building hook-run once" out1 &&
	grep "Dockerfile:2:1: error: COPY without --link" out1 &&
	! grep "building hook-run once" out2 &&
	grep "Dockerfile:2:1: error: COPY without --link" out2
'

test_done
