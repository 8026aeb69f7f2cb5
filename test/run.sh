#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - the whole test suite from a clean checkout: install what is
# missing (Debian 12), bootstrap, build out of tree in _check/ (never in
# _build/, which the quick start uses), `make check` once (unit tests,
# data-driven cases, the conformance corpus, git integration tests,
# sanitizers and valgrind) with a line per test script as it starts, a
# lean `make distcheck` (the tarball builds, installs, uninstalls and runs
# its unit tests and cases: the full suite ran already), a smoke run of
# every fuzz target (`make fuzz-smoke`), the Debian package test, then the
# counts.
#
#   sh test/run.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/contrib/install-deps.sh" --test
cd "$top"
./bootstrap >/dev/null 2>&1 || { ./bootstrap; exit 1; }
rm -rf _check
mkdir _check
cd _check
# Microsoft's SARIF validator, when npm can fetch it (optional: the OASIS
# schema check runs anyway)
if [ -z "${SARIF_MULTITOOL:-}" ] && command -v npm >/dev/null 2>&1; then
	if npm install --silent --no-audit --no-fund --prefix "$PWD/npm" @microsoft/sarif-multitool-linux >/dev/null 2>&1; then
		mt=$(find "$PWD/npm" -name Sarif.Multitool -type f 2>/dev/null | head -1)
		if [ -n "$mt" ]; then
			chmod u+x "$mt"
			SARIF_MULTITOOL=$mt
			export SARIF_MULTITOOL
		fi
	fi
fi
jobs=$(nproc 2>/dev/null || echo 2)
echo "run.sh: building in _check/ (log: _check/build.log)"
if ! { ../configure -q && make -s -j"$jobs" V=0; } >build.log 2>&1; then
	grep -E 'error|Error' build.log | head -20
	echo "run.sh: the build failed (see _check/build.log)"
	echo "0 passed, 1 failed"
	exit 1
fi
status=0
echo "run.sh: make check (a line per test script as it starts; the rest in _check/check.out)"
# (set -e would end the group at a failing make, before check.rc is written)
{ rc=0; make -s -j"$jobs" check V=0 2>&1 || rc=$?; echo "$rc" >check.rc; } | tee check.out |
	awk '/^(PASS|FAIL|XFAIL|XPASS|ERROR|SKIP): / { n = $2; if (!(n in seen)) { seen[n] = 1; printf "  [%d] %s\n", ++k, n; fflush() } }'
status=$(cat check.rc)
# a short run of every fuzz target on its corpus (one test each; clang and
# libFuzzer come from install-deps --test; HOOK_RUN_NO_FUZZ=1 skips it)
fuzz_pass=0 fuzz_fail=0
if [ "${HOOK_RUN_NO_FUZZ:-}" != 1 ]; then
	echo "run.sh: make fuzz-smoke (each fuzz target briefly on its corpus)"
	make -s fuzz-smoke >fuzz-smoke.out 2>&1 || true
	fuzz_pass=$(grep -c '^PASS: fuzz-smoke' fuzz-smoke.out || true)
	fuzz_fail=$(grep -c '^FAIL: fuzz-smoke' fuzz-smoke.out || true)
	if [ "$fuzz_pass" -eq 0 ] && [ "$fuzz_fail" -eq 0 ]; then
		fuzz_fail=1
		echo "FAIL: make fuzz-smoke did not run (see _check/fuzz-smoke.out)"
		tail -20 fuzz-smoke.out
	fi
	grep -E '^(PASS|FAIL): fuzz-smoke|^    ' fuzz-smoke.out
	[ "$fuzz_fail" -eq 0 ] || status=1
fi
# the release tarball builds, installs, uninstalls and passes its own tests
# (counted as one more test; HOOK_RUN_NO_DISTCHECK=1 skips it)
dist=skip
if [ "${HOOK_RUN_NO_DISTCHECK:-}" != 1 ]; then
	if make -s -j"$jobs" distcheck TESTS="$(make -s --no-print-directory print-package-tests)" >distcheck.out 2>&1; then
		dist=pass
		echo "PASS: make distcheck"
	else
		dist=fail
		status=1
		echo "FAIL: make distcheck (see _check/distcheck.out)"
		grep -E '^(FAIL|ERROR)' distcheck.out | head -20 || tail -20 distcheck.out
	fi
fi
# the Debian package, built and installed into a clean Debian 12 root
# (counted as one more test; HOOK_RUN_NO_PACKAGE=1 skips it; it skips
# itself without root, debootstrap or a mirror)
pkg=skip
if [ "${HOOK_RUN_NO_PACKAGE:-}" != 1 ]; then
	if sh "$top/test/package.sh" >package.out 2>&1; then
		if grep -q '^1\.\.0 # SKIP' package.out; then
			echo "SKIP: the Debian package: $(sed -n 's/^1\.\.0 # SKIP //p' package.out)"
		else
			pkg=pass
			echo "PASS: the Debian package (build, lintian, install into a clean root, audit, push)"
		fi
	else
		pkg=fail
		status=1
		echo "FAIL: the Debian package (see _check/package.out)"
		grep -E '^(not ok|#)' package.out | head -30
	fi
fi
# the automake summary, then the counts in one line
grep -E '^(PASS|FAIL|ERROR|XPASS|XFAIL|SKIP):' check.out | grep -vE '^(PASS|SKIP|XFAIL):' || true
if [ -f test-suite.log ]; then
	sed -n '/^# TOTAL/,/^# ERROR/p' test-suite.log
	pass=$(sed -n 's/^# PASS: *//p' test-suite.log)
	xfail=$(sed -n 's/^# XFAIL: *//p' test-suite.log)
	skip=$(sed -n 's/^# SKIP: *//p' test-suite.log)
	fail=$(sed -n 's/^# FAIL: *//p' test-suite.log)
	xpass=$(sed -n 's/^# XPASS: *//p' test-suite.log)
	error=$(sed -n 's/^# ERROR: *//p' test-suite.log)
	[ "$status" -eq 0 ] || grep -E '^(FAIL|ERROR|XPASS)' test-suite.log | head -50 || true
	echo "skipped: ${skip:-0}, known bugs (xfail): ${xfail:-0}"
	[ "$dist" = pass ] && pass=$((${pass:-0} + 1))
	[ "$dist" = fail ] && fail=$((${fail:-0} + 1))
	[ "$pkg" = pass ] && pass=$((${pass:-0} + 1))
	[ "$pkg" = fail ] && fail=$((${fail:-0} + 1))
	pass=$((${pass:-0} + fuzz_pass))
	fail=$((${fail:-0} + fuzz_fail))
	echo "$((${pass:-0})) passed, $((${fail:-0} + ${xpass:-0} + ${error:-0})) failed"
else
	tail -50 check.out
	echo "0 passed, 1 failed"
	status=1
fi
exit "$status"
