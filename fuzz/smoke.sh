#!/bin/sh
# SPDX-License-Identifier: MIT
# fuzz/smoke.sh - a short run of each fuzz target (what `make fuzz-smoke`
# and CI run): SECONDS each, two at a time, on a scratch copy of the
# committed corpus, with the dictionary, libFuzzer's 10 s per-input
# timeout and a 2 GB memory limit. Prints "PASS: fuzz-smoke TARGET ..."
# or "FAIL: ..." per target (test/run.sh counts them) and exits 1 when a
# target found anything: the input is then kept as
# fuzz-smoke/TARGET/crash-* in the build directory, to minimise and
# commit under fuzz/crashes/TARGET/ with the fix. The random seed is fixed
# (FUZZ_SMOKE_SEED, default 1; 0 lets libFuzzer pick one), so that a CI
# run does not pass or fail by luck: finding new bugs is the campaign's
# job (fuzz/campaign.sh), the smoke shows the targets run and the seeds
# and mutations near them still hold.
#
#   sh fuzz/smoke.sh SRCDIR BINDIR SECONDS TARGET...
set -u
srcdir=$1 bindir=$2 seconds=$3
shift 3
work=$PWD/fuzz-smoke
rm -rf "$work"
mkdir -p "$work"

smoke_one() {
	t=$1
	dir=$work/$t
	mkdir -p "$dir/corpus"
	[ -d "$srcdir/fuzz/corpus/$t" ] && cp "$srcdir/fuzz/corpus/$t"/* "$dir/corpus/" 2>/dev/null
	dict=
	[ -f "$srcdir/fuzz/dict/$t.dict" ] && dict="-dict=$srcdir/fuzz/dict/$t.dict"
	# shellcheck disable=SC2086
	"$bindir/fuzz_$t" -seed="${FUZZ_SMOKE_SEED:-1}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$dir/" $dict "$dir/corpus" >"$dir/log" 2>&1
	code=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
	cov=$(grep -E '^#[0-9]+' "$dir/log" | tail -1 | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(grep -E '^#[0-9]+' "$dir/log" | tail -1 | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	if [ "$code" -eq 0 ] && ! ls "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* >/dev/null 2>&1; then
		echo "PASS: fuzz-smoke $t (${seconds}s, ${runs:-?} runs, cov ${cov:-?}, ft ${ft:-?})"
	else
		echo "FAIL: fuzz-smoke $t (exit $code; see $dir/log)"
		grep -E 'ERROR|SUMMARY|property failed|Test unit written' "$dir/log" | head -10 | sed 's/^/    /'
		return 1
	fi
}

status=0
set -- "$@"
while [ $# -gt 0 ]; do
	smoke_one "$1" >"$work/$1.result" 2>&1 &
	pid1=$!
	pid2=
	if [ $# -gt 1 ]; then
		smoke_one "$2" >"$work/$2.result" 2>&1 &
		pid2=$!
	fi
	wait "$pid1" || status=1
	[ -n "$pid2" ] && { wait "$pid2" || status=1; }
	cat "$work/$1.result"
	[ $# -gt 1 ] && cat "$work/$2.result" && shift
	shift
done
exit $status
