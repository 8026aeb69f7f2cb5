# SPDX-License-Identifier: MIT
# test/lib.sh - a tiny TAP test library in the spirit of git's t/test-lib.sh.
#
#   . "$TOP_SRCDIR/test/lib.sh"
#   test_expect_success 'what it checks' '
#       commands...
#   '
#   test_done
#
# Each test runs in a subshell inside a fresh scratch directory under
# $TEST_TMP (removed at exit); its output is shown only when it fails.
# HOOK_RUN, TOP_SRCDIR and TOP_BUILDDIR come from `make check`; when a
# script is run by hand they default to this checkout.

set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${HOOK_RUN:=$TOP_BUILDDIR/hook-run}"
export TOP_SRCDIR TOP_BUILDDIR HOOK_RUN

test_count=0
test_failed=0
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/hook-run-test.XXXXXX")
trap 'rm -rf "$TEST_TMP"' EXIT

# unset what a developer's environment may hold and the tests must not see
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY \
	GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_QUARANTINE_PATH HOOK_RUN_CONFIG NO_COLOR 2>/dev/null
export GIT_AUTHOR_NAME='A U Thor' GIT_AUTHOR_EMAIL='author@example.com'
export GIT_COMMITTER_NAME='C O Mitter' GIT_COMMITTER_EMAIL='committer@example.com'
export GIT_CONFIG_NOSYSTEM=1 HOME="$TEST_TMP/home" LC_ALL=C
# reports show this elapsed time instead of the measured one, so that whole
# outputs (text summaries, JSON, SARIF, JUnit) can be compared
export HOOK_RUN_TEST_ELAPSED=0
# rule documentation URLs in outputs do not depend on the install prefix
export HOOK_RUN_DOCS_URL=https://hook-run.example/README.md
mkdir -p "$HOME"

# git's chain lint (t/test-lib.sh): a body run as `(exit 117) && BODY`
# stops at once and exits 117 only when every command of BODY is joined by
# `&&`. A command after a broken link runs, and the exit status says so.
# `set -e` cannot stand in for this: POSIX shells ignore it inside the
# `if (...)` that runs a test, so a failing command in the middle of a
# broken chain would pass unnoticed. Linted in a scratch directory; set
# HOOK_RUN_CHAIN_LINT=0 to switch it off while debugging.
test_chain_lint_() {
	mkdir -p "$TEST_TMP/lint" &&
	(cd "$TEST_TMP/lint" && test_eval_ "(exit 117) && $1") >/dev/null 2>&1 </dev/null
	[ $? -eq 117 ]
}

# A body runs inside a function, as in git, so that `|| return 1` (in a
# loop, say) ends the test in bash too: bash refuses `return` outside a
# function and goes on with the next command.
test_eval_() {
	eval "$1"
}

test_expect_success() {
	test_count=$((test_count + 1))
	dir="$TEST_TMP/t$test_count"
	mkdir -p "$dir"
	if [ "${HOOK_RUN_CHAIN_LINT:-1}" != 0 ] && ! test_chain_lint_ "$2"; then
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		echo "# broken &&-chain (\`(exit 117) && BODY\` did not exit 117):"
		printf '%s\n' "$2" | sed 's/^/#   /'
		return 0
	fi
	if (cd "$dir" && test_eval_ "$2") >"$TEST_TMP/out" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/# /' "$TEST_TMP/out"
	fi
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}

# run a command, expect exit code $1
test_expect_code() {
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "expected exit $want, got $got: $*" >&2
		return 1
	fi
}

# compare files, showing a diff on mismatch
test_cmp() {
	diff -u "$1" "$2"
}
