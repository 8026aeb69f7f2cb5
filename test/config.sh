#!/bin/sh
# SPDX-License-Identifier: MIT
# config.sh - .hook-run.ini: discovery, precedence, and every kind of bad
# configuration giving FILE:LINE and exit 2 (a typo must never weaken the
# policy silently).
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

setup_repo() {
	git init -q repo &&
	printf '# syntax=docker/dockerfile:1\nFROM a\nCOPY x /tmp/\n' >repo/Dockerfile
}

bad_config() {
	# $1: ini text, $2: expected message (grep -F)
	setup_repo &&
	printf "$1" >repo/.hook-run.ini &&
	(cd repo && test_expect_code 2 "$HOOK_RUN" check >../out 2>../err) &&
	test ! -s out &&
	grep -F "$2" err
}

test_expect_success 'no file: the defaults' '
	setup_repo &&
	(cd repo && test_expect_code 1 "$HOOK_RUN" check >../out) &&
	grep "CopyLinkMissing" out
'

test_expect_success 'the file at the repository root is found from a subdirectory' '
	setup_repo &&
	mkdir -p repo/sub/dir &&
	cp repo/Dockerfile repo/sub/dir/ &&
	printf "[rules]\nCopyLinkMissing = off\n" >repo/.hook-run.ini &&
	(cd repo/sub/dir && "$HOOK_RUN" check Dockerfile >../../../out) &&
	grep "0 findings" out
'

test_expect_success '--config FILE wins over the root file' '
	setup_repo &&
	printf "[rules]\nCopyLinkMissing = off\n" >repo/.hook-run.ini &&
	printf "[rules]\nCopyLinkMissing = warning\n" >other.ini &&
	(cd repo && "$HOOK_RUN" check --config ../other.ini >../out) &&
	grep "warning: COPY without --link" out
'

test_expect_success 'HOOK_RUN_CONFIG wins over the root file' '
	setup_repo &&
	printf "[rules]\nCopyLinkMissing = off\n" >repo/.hook-run.ini &&
	printf "[rules]\nCopyLinkMissing = warning\n" >other.ini &&
	(cd repo && HOOK_RUN_CONFIG=../other.ini "$HOOK_RUN" check >../out) &&
	grep "warning: COPY without --link" out
'

test_expect_success 'command-line flags override the file' '
	setup_repo &&
	printf "[hook-run]\nfix-mode = safe\n[rules]\nCopyLinkMissing = off\n" >repo/.hook-run.ini &&
	(cd repo && test_expect_code 1 "$HOOK_RUN" check --severity CopyLinkMissing=error >../out) &&
	grep "error: COPY without --link" out &&
	cp -R repo repo2 &&
	(cd repo2 && "$HOOK_RUN" fix --fix-mode all --severity CopyLinkMissing=error >/dev/null) &&
	grep "COPY --link x /tmp/" repo2/Dockerfile
'

test_expect_success '--no-config ignores the file' '
	setup_repo &&
	printf "[rules]\nCopyLinkMissing = off\n" >repo/.hook-run.ini &&
	(cd repo && test_expect_code 1 "$HOOK_RUN" check --no-config >/dev/null)
'

test_expect_success 'a list key set twice adds to the list' '
	setup_repo &&
	mkdir -p repo/a repo/b &&
	printf "FROM x\n" >repo/a/build.df &&
	printf "FROM x\n" >repo/b/ci.img &&
	printf "[hook-run]\npaths = *.df\npaths = *.img\n" >repo/.hook-run.ini &&
	(cd repo && test_expect_code 1 "$HOOK_RUN" check >../out) &&
	grep "a/build.df" out && grep "b/ci.img" out && ! grep "^Dockerfile" out
'

test_expect_success 'exclude leaves a directory out' '
	setup_repo &&
	mkdir -p repo/vendor/x &&
	printf "FROM x\n" >repo/vendor/x/Dockerfile &&
	printf "[hook-run]\nexclude = vendor\n" >repo/.hook-run.ini &&
	(cd repo && test_expect_code 1 "$HOOK_RUN" check >../out) &&
	! grep vendor out
'

test_expect_success 'no Dockerfile matched is said' '
	mkdir empty &&
	(cd empty && "$HOOK_RUN" check >../out) &&
	grep "no Dockerfile matched" out
'

test_expect_success 'unknown key' '
	bad_config "[hook-run]\naction = reject\nfixmode = all\n" ".hook-run.ini:3: unknown key '\''fixmode'\'' in [hook-run]"
'
test_expect_success 'unknown section' '
	bad_config "[hookrun]\naction = reject\n" ".hook-run.ini:2: unknown section [hookrun]"
'
test_expect_success 'bad value names the accepted ones' '
	bad_config "[hook-run]\nfix-mode = fast\n" ".hook-run.ini:2: fix-mode: '\''fast'\'' is not one of safe, all"
'
test_expect_success 'unknown rule' '
	bad_config "[rules]\nCopyLinkMising = off\n" ".hook-run.ini:2: unknown rule '\''CopyLinkMising'\''"
'
test_expect_success 'bad severity' '
	bad_config "[rules]\nCopyLinkMissing = fatal\n" ".hook-run.ini:2: CopyLinkMissing: '\''fatal'\'' is not one of error, warning, info, off"
'
test_expect_success 'bad min-version' '
	bad_config "[hook-run]\nmin-version = one.four\n" ".hook-run.ini:2: min-version"
'
test_expect_success 'bad timeout' '
	bad_config "[pre-receive]\ntimeout = soon\n" ".hook-run.ini:2: timeout"
'
test_expect_success 'syntax error' '
	bad_config "[hook-run]\nthis is not ini\n" ".hook-run.ini:2: syntax error"
'
test_expect_success 'empty paths' '
	bad_config "[hook-run]\npaths =\n" ".hook-run.ini:2: paths: needs at least one pattern"
'
test_expect_success 'a line longer than inih reads is refused, not cut' '
	long=$(printf "%0250d" 0 | tr 0 x) &&
	bad_config "[hook-run]\npaths = $long\n" ".hook-run.ini:2: line longer than 199 characters"
'
test_expect_success 'NUL bytes' '
	bad_config "[hook-run]\naction = re\0ject\n" ".hook-run.ini:2: NUL byte"
'
test_expect_success 'unreadable file' '
	setup_repo &&
	mkdir repo/.hook-run.ini &&
	(cd repo && test_expect_code 2 "$HOOK_RUN" check >/dev/null 2>../err) &&
	grep "hook-run.ini" err
'
test_expect_success 'missing --config file' '
	setup_repo &&
	(cd repo && test_expect_code 2 "$HOOK_RUN" check --config nope.ini >/dev/null 2>../err) &&
	grep "cannot read '\''nope.ini'\''" err
'
test_expect_success 'bad --severity and --set' '
	setup_repo &&
	(cd repo && test_expect_code 2 "$HOOK_RUN" check --severity CopyLinkMissing >/dev/null 2>../err) &&
	grep "expected RULE=LEVEL" err &&
	(cd repo && test_expect_code 2 "$HOOK_RUN" check --severity Nope=off >/dev/null 2>../err) &&
	grep "unknown rule" err &&
	(cd repo && test_expect_code 2 "$HOOK_RUN" check --set hook-run.fix-mode=fast >/dev/null 2>../err) &&
	grep -- "--set: fix-mode" err
'
test_expect_success 'the shipped example is valid and means the defaults' '
	setup_repo &&
	: every default list at work: names, vendored trees, attributes &&
	for f in Dockerfile.j2 Dockerfile.x.PATCH Dockerfile~ vendor/a/Dockerfile third-party/Dockerfile \
		src/testdata/Dockerfile Godeps/_workspace/Dockerfile gen/Dockerfile keep/Dockerfile; do
		mkdir -p "repo/$(dirname "$f")" && cp repo/Dockerfile "repo/$f" || return 1
	done &&
	printf "gen/** linguist-generated\nvendor/a/** linguist-vendored=false\n" >repo/.gitattributes &&
	cp "$TOP_SRCDIR/contrib/hook-run.ini.example" repo/.hook-run.ini &&
	(cd repo && test_expect_code 1 "$HOOK_RUN" check >../with) &&
	rm repo/.hook-run.ini &&
	(cd repo && test_expect_code 1 "$HOOK_RUN" check >../without) &&
	sed "s/ in [0-9.]*s$//" with >a && sed "s/ in [0-9.]*s$//" without >b &&
	test_cmp a b
'

test_done
