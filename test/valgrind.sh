#!/bin/sh
# SPDX-License-Identifier: MIT
# valgrind.sh - the parser under valgrind: the unit test binaries, and
# `hook-run parse` over the conformance corpus (when it is there) and over
# every Dockerfile of test/cases (CRLF, BOM, NUL bytes, invalid UTF-8...).
#
# Any memory error or definite leak makes valgrind exit 99 and the test
# fail, with valgrind's report shown. VALGRIND comes from configure (through
# `make check`); when it is empty the tests are skipped, visibly.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

: "${VALGRIND:=}"
corpus=${HOOK_RUN_CONFORMANCE:-$TOP_SRCDIR/../shared/conformance}
unit_tests="test-parser test-lexers test-rules test-policy test-diff test-gitread test-pack test-loose test-refdb test-gitconfig test-verify"

# valgrind's options; -q: the log holds errors only, one file per process
vg_opts() {
	echo "-q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
}

# vg_clean: true when no valgrind log under $TEST_TMP/vg has anything in it
vg_clean() {
	for log in "$TEST_TMP"/vg/*.log; do
		if [ -s "$log" ]; then
			echo "valgrind found errors:" >&2
			cat "$log" >&2
			return 1
		fi
	done
}

if [ -z "$VALGRIND" ]; then
	for t in $unit_tests; do
		test_skip "valgrind: $t" "VALGRIND is empty (configure found no valgrind)"
	done
	test_skip "valgrind: hook-run parse over the conformance corpus" "VALGRIND is empty"
	test_skip "valgrind: hook-run parse over test/cases" "VALGRIND is empty"
	test_skip "valgrind: check, fix --dry-run and fix over every file" "VALGRIND is empty"
	test_done
	exit $?
fi

for t in $unit_tests; do
	test_expect_success "valgrind: $t" '
		bin="$TOP_BUILDDIR/test/unit/$t" &&
		test -x "$bin" &&
		rm -rf "$TEST_TMP/vg" && mkdir "$TEST_TMP/vg" &&
		{ CK_FORK=no "$VALGRIND" $(vg_opts) --log-file="$TEST_TMP/vg/%p.log" "$bin" >out 2>&1
		  code=$?; } &&
		vg_clean &&
		if [ "$code" -ne 0 ]; then
			echo "$t failed under valgrind (exit $code):" >&2
			grep -v "^ok" out >&2
			false
		fi
	'
done

# parse_all LIST: hook-run parse on every file of LIST under valgrind. parse
# exits 1 when a file has error diagnostics, as many of these do (xargs
# then says 123); valgrind's verdict is in its logs.
parse_all() {
	rm -rf "$TEST_TMP/vg" && mkdir "$TEST_TMP/vg" &&
	tr '\n' '\0' <"$1" | xargs -0 "$VALGRIND" $(vg_opts) --log-file="$TEST_TMP/vg/%p.log" \
		"$HOOK_RUN" parse --compact --max-size 0 >/dev/null 2>err
	code=$?
	vg_clean || return 1
	if [ "$code" -ne 0 ] && [ "$code" -ne 123 ]; then
		echo "hook-run parse failed (xargs exit $code):" >&2
		cat err >&2
		return 1
	fi
	ls "$TEST_TMP"/vg/*.log >/dev/null 2>&1 || {
		echo "valgrind did not run" >&2
		return 1
	}
}

if [ -d "$corpus" ]; then
	test_expect_success 'valgrind: hook-run parse over the conformance corpus' '
		find "$corpus" -name "*.buildkit.json" | LC_ALL=C sort |
			sed "s/\.buildkit\.json\$//" >list &&
		test -s list &&
		parse_all list
	'
else
	test_skip 'valgrind: hook-run parse over the conformance corpus' "no corpus at $corpus"
fi

test_expect_success 'valgrind: hook-run parse over test/cases' '
	find "$TOP_SRCDIR/test/cases" -type f \( -name Dockerfile -o -name "*.Dockerfile" -o -name stdin \) |
		LC_ALL=C sort >list &&
	test "$(wc -l <list)" -ge 10 &&
	parse_all list
'

# the rules, the fixer (both modes) and the text and JSON reports, on
# every file: corpus and cases, copied so the fix can write
run_policy() {
	mkdir -p tree &&
	while IFS= read -r f; do
		n=$((${n:-0} + 1)); cp "$f" "tree/$n.Dockerfile"
	done <"$1" &&
	rm -rf "$TEST_TMP/vg" && mkdir "$TEST_TMP/vg" &&
	for args in "check --no-config --format json" "fix --no-config --dry-run" "fix --no-config --fix-mode all"; do
		"$VALGRIND" $(vg_opts) --log-file="$TEST_TMP/vg/%p.log" "$HOOK_RUN" $args tree >/dev/null 2>err
		code=$?
		if [ "$code" -gt 1 ]; then
			echo "hook-run $args failed (exit $code):" >&2
			cat err >&2
			return 1
		fi
	done &&
	vg_clean
}

test_expect_success 'valgrind: check, fix --dry-run and fix over every file' '
	{ [ -d "$corpus" ] && find "$corpus" -name "*.buildkit.json" | sed "s/\.buildkit\.json\$//"
	  find "$TOP_SRCDIR/test/cases" -type f -name Dockerfile; } | LC_ALL=C sort >list &&
	test "$(wc -l <list)" -ge 10 &&
	run_policy list
'

test_done
