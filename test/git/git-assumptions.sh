#!/bin/sh
# SPDX-License-Identifier: MIT
# git-assumptions.sh - what hook-run relies on that git does not promise,
# each as a test named after the git behaviour, checked with real git; and
# hook-run's clear error if git ever behaves otherwise:
#  - `git commit <paths>` runs the pre-commit hook on a temporary index
#    GITDIR/next-index-PID.lock while it holds GITDIR/index.lock, the
#    index it installs afterwards (staged.c replays the fix into both);
#  - git runs the pre-commit hook as a descendant of the `git commit`
#    process, whose command line (/proc/PID/cmdline) holds --amend: git
#    does not tell a hook it is amending otherwise;
#  - the mbedTLS certificate-loader stub (repo.c) is safe because the
#    binary calls no libgit2 remote or transport API.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# spy_hook: a pre-commit hook that records what git shows it, in ../spy
spy_hook() {
	cat >.git/hooks/pre-commit <<-\EOF &&
	#!/bin/sh
	{
		echo "index=$(basename "$GIT_INDEX_FILE")"
		echo "dir=$(cd "$(dirname "$GIT_INDEX_FILE")" && pwd)"
		if [ -e .git/index.lock ]; then echo "lock=held"; else echo "lock=none"; fi
		echo "parent=$(tr "\0" " " </proc/$PPID/cmdline)"
	} >../spy
	EOF
	chmod +x .git/hooks/pre-commit
}

test_expect_success 'git commit <paths> runs the pre-commit hook on next-index-PID.lock, holding index.lock' '
	git init -q r && cd r &&
	write_file a "a\n" && write_file b "b\n" && git add . && commit_unchecked base &&
	spy_hook &&
	write_file a "A\n" && write_file b "B\n" && git add b &&
	git commit -q -m paths a &&
	grep "^index=next-index-[0-9][0-9]*\.lock$" ../spy &&
	grep "^dir=$PWD/.git$" ../spy &&
	grep "^lock=held$" ../spy
'

test_expect_success 'git commit -a runs it on index.lock, a plain commit on the index itself' '
	git init -q r && cd r &&
	write_file a "a\n" && git add . && commit_unchecked base &&
	spy_hook &&
	write_file a "A\n" && git commit -q -a -m all && grep "^index=index.lock$" ../spy &&
	write_file a "AA\n" && git add a && git commit -q -m plain && grep "^index=index$" ../spy
'

test_expect_success 'a temporary index named otherwise, with index.lock held: no fix, a clear error' '
	new_repo r fix && cd r &&
	write_file Dockerfile "$BAD" && git add Dockerfile &&
	cp .git/index .git/tmp-index-by-a-future-git && echo held >.git/index.lock &&
	GIT_INDEX_FILE="$PWD/.git/tmp-index-by-a-future-git" &&
	test_expect_code 3 env GIT_INDEX_FILE="$GIT_INDEX_FILE" "$HOOK_RUN" pre-commit >out 2>err &&
	grep "git runs this hook on a temporary index hook-run does not know" err &&
	grep "nothing was fixed" err &&
	test "$(cat .git/index.lock)" = held && expect_file Dockerfile "$BAD" &&
	rm .git/index.lock
'

test_expect_success 'git runs the pre-commit hook as a child of git commit, whose command line shows --amend' '
	git init -q r && cd r &&
	write_file a "a\n" && git add . && commit_unchecked base &&
	spy_hook &&
	git commit -q --amend -m amended &&
	grep "^parent=git .*commit .*--amend" ../spy
'

test_expect_success '--amend is detected through /proc: the amended commit is judged against its parent' '
	new_repo r && cd r &&
	write_file Dockerfile "$GOOD" && git add . && commit_unchecked good &&
	write_file Dockerfile "$BAD" && git add . && commit_unchecked bad &&
	write_file README "r\n" && git add README &&
	test_expect_code 1 git commit -q --amend -m amended >out 2>&1 &&
	grep "Dockerfile:2:1: error" out
'

# ns: how to get a private mount namespace here (root, or a user namespace)
ns=
if unshare -m true 2>/dev/null && unshare -m sh -c "mount -t tmpfs tmpfs /proc 2>/dev/null"; then
	ns="unshare -m"
elif unshare -rm true 2>/dev/null && unshare -rm sh -c "mount -t tmpfs tmpfs /proc 2>/dev/null"; then
	ns="unshare -rm"
fi
if [ -z "$ns" ]; then
	test_skip "without /proc, --amend cannot be told apart: a clear error, unless HOOK_RUN_AMEND says" \
		"no private mount namespace here (unshare -m / -rm not allowed)"
elif [ -n "${HOOK_RUN_SANITIZED:-}" ]; then
	test_skip "without /proc, --amend cannot be told apart: a clear error, unless HOOK_RUN_AMEND says" \
		"the sanitizers read their options and threads from /proc"
else
	test_expect_success 'without /proc, --amend cannot be told apart: a clear error, unless HOOK_RUN_AMEND says' '
		new_repo r && cd r &&
		write_file Dockerfile "$GOOD" && git add . && commit_unchecked good &&
		write_file README "r\n" && git add README &&
		{ $ns sh -c "mount -t tmpfs tmpfs /proc && git commit -q --amend -m amended" >out 2>&1; code=$?; } &&
		test "$code" -ne 0 &&
		grep "cannot tell whether this is .git commit --amend.: /proc is not available; set HOOK_RUN_AMEND" out &&
		$ns sh -c "mount -t tmpfs tmpfs /proc && HOOK_RUN_AMEND=1 git commit -q --amend -m amended" &&
		test "$(git log -1 --format=%s)" = amended
	'
fi

# libgit2 is loaded on first use (src/lib/git/libgit2_lazy.c): the
# executable defines a trampoline for each libgit2 function it calls, and
# exports its replacements of a few start-up routines of libgit2's
# dependencies so that they take the originals' place when it is loaded.
test_expect_success 'libgit2 is not linked, and a process that needs none does not load it' '
	command -v readelf >/dev/null &&
	readelf -d "$HOOK_RUN" >dynamic &&
	grep NEEDED dynamic &&
	! grep "libgit2" dynamic &&
	LD_DEBUG=files "$HOOK_RUN" --version >out 2>ld.log &&
	grep "^hook-run " out &&
	! grep "file=libgit2" ld.log &&
	LD_DEBUG=files "$HOOK_RUN" version --format json >out 2>ld.log &&
	grep "\"libgit2\": \"1\." out &&
	grep "file=libgit2.*dynamically loaded" ld.log
'

test_expect_success 'jansson, LMDB and zlib are not linked: loaded by JSON output, the cache, loose objects' '
	readelf -d "$HOOK_RUN" >dynamic &&
	! grep -E "libjansson|liblmdb|libpthread|libz\.so" dynamic &&
	LD_DEBUG=files "$HOOK_RUN" --version >out 2>ld.log &&
	! grep -E "file=lib(jansson|lmdb|z\.so)" ld.log &&
	LD_DEBUG=files "$HOOK_RUN" version --format json >out 2>ld.log &&
	grep "\"jansson\": \"2\." out &&
	grep "\"zlib\": \"1\." out &&
	grep "file=libjansson.*dynamically loaded" ld.log &&
	! grep "file=liblmdb" ld.log
'

test_expect_success 'the binary calls no libgit2 remote or transport API (what makes the mbedTLS stub safe)' '
	command -v nm >/dev/null &&
	nm --defined-only "$HOOK_RUN" | awk "\$2 == \"T\" { print \$NF }" | grep "^git_" >imports &&
	grep -q "^git_libgit2_init$" imports &&
	! grep -E "^git_(remote|transport|clone|fetch|push|smart|credential|cred|proxy|refspec|netbuf|stream_register|certificate)" imports &&
	if grep -q "define HR_STUB_MBEDTLS_LOADERS 1" "$TOP_BUILDDIR/config.h"; then
		nm -D --defined-only "$HOOK_RUN" | grep " T mbedtls_x509_crt_parse_file$" &&
		nm -D --defined-only "$HOOK_RUN" | grep " T mbedtls_x509_crt_parse_path$"
	else
		! nm --defined-only "$HOOK_RUN" | grep mbedtls_x509_crt_parse
	fi
'

test_expect_success 'mbedTLS HAVEGE entropy comes from getrandom (what the HAVEGE stub does)' '
	command -v nm >/dev/null &&
	if grep -q "define HR_STUB_MBEDTLS_HAVEGE 1" "$TOP_BUILDDIR/config.h"; then
		nm -D --defined-only "$HOOK_RUN" | grep " T mbedtls_havege_init$" &&
		nm -D --defined-only "$HOOK_RUN" | grep " T mbedtls_havege_poll$"
	else
		! nm --defined-only "$HOOK_RUN" | grep mbedtls_havege
	fi
'

test_expect_success 'libssh2 is started without its crypto preloading (what the libssh2_init stub does)' '
	command -v nm >/dev/null &&
	if grep -q "define HR_STUB_LIBSSH2_CRYPTO_INIT 1" "$TOP_BUILDDIR/config.h"; then
		nm -D --defined-only "$HOOK_RUN" | grep " T libssh2_init$"
	else
		! nm --defined-only "$HOOK_RUN" | grep " T libssh2_init$"
	fi
'

test_done
