#!/bin/sh
# SPDX-License-Identifier: MIT
# cases.sh - data-driven cases in the spirit of curl's tests/data: one folder
# per case under test/cases/, one TAP line per case.
#
# A case folder holds:
#   Dockerfile        the input (may be absent if `setup` writes it)
#   args              the hook-run arguments, as shell words
#                     (e.g. `parse Dockerfile`); run with a temporary copy
#                     of the folder as the current directory
#   expected.out      exact standard output
#   expected.exit     exit code (default 0)
#   expected.err      optional: exact standard error
#   fixed.Dockerfile  optional: what Dockerfile must be after the run;
#                     when absent, Dockerfile must be left unchanged
#   stdin             optional: fed to hook-run (default: /dev/null)
#   setup             optional: a sh script run first in the copy, for
#                     inputs too big or too odd to commit
#   known-bug         optional: the case shows a known bug; its first line
#                     says which. It is reported as TODO (an expected
#                     failure); once it passes, the TAP driver reports an
#                     unexpected pass so the marker gets removed.
#
# HOOK_RUN_CASES=name1,name2 runs only those cases. HOOK_RUN_CASES_UPDATE=1
# rewrites each case's expected.out in the source tree from what hook-run
# printed (after a deliberate output change: review the diff, and check
# what it says against BuildKit, before committing it).
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

cases_dir=$TOP_SRCDIR/test/cases

# run_case DIR: in the current (scratch) directory
run_case() {
	src=$1
	mkdir work
	cp -R "$src"/. work/
	cd work
	if [ -f setup ]; then
		sh ./setup || { echo "setup failed" >&2; return 1; }
	fi
	if [ ! -f args ]; then
		echo "no args file" >&2
		return 1
	fi
	[ -f Dockerfile ] && cp Dockerfile ../before
	want_exit=0
	[ -f expected.exit ] && want_exit=$(cat expected.exit)
	stdin=/dev/null
	[ -f stdin ] && stdin=stdin
	eval "set -- $(cat args)"
	set +e
	"$HOOK_RUN" "$@" <"$stdin" >../out 2>../err
	got_exit=$?
	set -e
	if [ "${HOOK_RUN_CASES_UPDATE:-}" = 1 ] && [ ! -f known-bug ]; then
		cp ../out "$src/expected.out"
	fi
	rc=0
	if [ "$got_exit" != "$want_exit" ]; then
		echo "exit code: expected $want_exit, got $got_exit" >&2
		rc=1
	fi
	if [ "$got_exit" -ge 128 ]; then
		echo "hook-run died of a signal" >&2
		rc=1
	fi
	if ! test_cmp expected.out ../out >&2; then
		echo "standard output differs (see above)" >&2
		rc=1
	fi
	if [ -f expected.err ] && ! test_cmp expected.err ../err >&2; then
		echo "standard error differs (see above)" >&2
		rc=1
	fi
	if [ -f fixed.Dockerfile ]; then
		if ! cmp -s fixed.Dockerfile Dockerfile; then
			test_cmp fixed.Dockerfile Dockerfile >&2
			echo "Dockerfile is not as fixed.Dockerfile says" >&2
			rc=1
		fi
	elif [ -f ../before ] && ! cmp -s ../before Dockerfile; then
		echo "Dockerfile was changed" >&2
		rc=1
	fi
	if [ "$rc" -ne 0 ]; then
		echo "--- standard error was:" >&2
		cat ../err >&2
	fi
	return "$rc"
}

# like test_expect_success, but a failure is an expected one (TAP TODO)
test_expect_known_bug() {
	test_count=$((test_count + 1))
	dir="$TEST_TMP/t$test_count"
	mkdir -p "$dir"
	if (cd "$dir" && set -e && eval "$2") >"$TEST_TMP/out" 2>&1; then
		echo "ok $test_count - $1 # TODO known bug, now fixed? remove known-bug: $3"
	else
		echo "not ok $test_count - $1 # TODO known bug: $3"
		sed 's/^/# /' "$TEST_TMP/out"
	fi
}

if [ ! -d "$cases_dir" ] || [ -z "$(ls "$cases_dir")" ]; then
	echo "1..0 # SKIP no cases in $cases_dir"
	exit 0
fi

for case_path in "$cases_dir"/*/; do
	case_path=${case_path%/}
	name=${case_path##*/}
	if [ -n "${HOOK_RUN_CASES:-}" ]; then
		case ",$HOOK_RUN_CASES," in
		*",$name,"*) ;;
		*) continue ;;
		esac
	fi
	if [ -f "$case_path/known-bug" ]; then
		test_expect_known_bug "$name" 'run_case "$case_path"' "$(head -n 1 "$case_path/known-bug")"
	else
		test_expect_success "$name" 'run_case "$case_path"'
	fi
done
test_done
