#!/bin/sh
# SPDX-License-Identifier: MIT
# harness.sh - the test library tests itself: a body with a broken
# &&-chain fails before it runs (git's chain lint), `|| return 1` ends a
# body in every shell, and a failing command in a body fails its test.
# Each case runs a small script that sources test/lib.sh, in the shell
# that runs this one and in dash and bash when they are installed.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

shells=
for sh in "${SHELL:-/bin/sh}" dash bash; do
	command -v "$sh" >/dev/null 2>&1 && shells="$shells $sh"
done

# inner BODY: a script with one test whose body is BODY; prints its TAP
inner() {
	{
		echo '. "$TOP_SRCDIR/test/lib.sh"'
		echo 'test_expect_success "inner" '"'$1'"
		echo 'test_done'
	} >inner.sh
}

for sh in $shells; do
	test_expect_success "$sh: a broken &&-chain is a failure, and the body never runs" '
		inner "echo one >ran
	false
	echo two >>ran" &&
		test_expect_code 1 "$sh" inner.sh >out &&
		grep "^not ok 1 - inner" out &&
		grep "broken &&-chain" out &&
		test ! -e ran
	'

	test_expect_success "$sh: an intact chain runs once and passes" '
		inner "echo one >\"$PWD/ran\" &&
	echo two >>\"$PWD/ran\"" &&
		"$sh" inner.sh >out &&
		grep "^ok 1 - inner" out &&
		test "$(cat ran)" = "one
two"
	'

	test_expect_success "$sh: a failing command in the chain fails the test" '
		inner "true && false && echo never" &&
		test_expect_code 1 "$sh" inner.sh >out &&
		grep "^not ok 1 - inner" out && ! grep never out
	'

	test_expect_success "$sh: || return 1 in a loop ends the body" '
		inner "for i in 1 2; do
		false || return 1
	done &&
	echo after >\"$PWD/after\"" &&
		test_expect_code 1 "$sh" inner.sh >out &&
		grep "^not ok 1 - inner" out &&
		test ! -e after
	'
done

test_done
