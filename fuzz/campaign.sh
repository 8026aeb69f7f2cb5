#!/bin/sh
# SPDX-License-Identifier: MIT
# fuzz/campaign.sh - a long fuzzing campaign, for whoever has CPU-hours to
# give: each target in turn (or JOBS at a time) under libFuzzer's fork
# mode, which keeps going after a crash, an out-of-memory or a timeout and
# records each input.
#
#   make fuzz                                # in a build directory
#   sh ../fuzz/campaign.sh -t 3600 -j 1      # an hour per target, one at a time
#   sh ../fuzz/campaign.sh -t 600 pack rawindex
#
# Options: -t SECONDS per target (default 600), -j JOBS targets at once
# (default 1), -w WORKDIR (default fuzz-campaign/ here), -b BINDIR (where
# `make fuzz` put the targets, default fuzz/), -l MAX_LEN (default:
# libFuzzer's, which grows lengths slowly; a large one fills the corpus
# with big, slow inputs). Targets default to every
# fuzz/fuzz_*.c. Runs under nice, with a 2 GB memory limit and a 10 s
# per-input timeout: a reader of hostile bytes must stay within both.
#
# WORKDIR/corpus/TARGET grows from the committed seeds (fuzz/corpus/TARGET,
# never written); WORKDIR/artifacts/TARGET holds what was found;
# WORKDIR/summary.tsv gets one line per run: target, seconds, CPU seconds,
# executions, edges (cov), features (ft), corpus size, findings. To keep a
# finding as a regression test: minimise it (fuzz_TARGET -minimize_crash=1
# -runs=10000 FILE), fix the bug, and commit the input as
# fuzz/crashes/TARGET/NAME: test/fuzz-replay.sh replays every file there.
# Interesting new corpus entries can be merged into the committed seeds with
# `fuzz_TARGET -merge=1 fuzz/corpus/TARGET WORKDIR/corpus/TARGET`, sparingly:
# the committed corpus is kept small.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
seconds=600 jobs=1 work=fuzz-campaign bindir=fuzz maxlen=
while getopts t:j:w:b:l: opt; do
	case $opt in
	t) seconds=$OPTARG ;;
	j) jobs=$OPTARG ;;
	w) work=$OPTARG ;;
	b) bindir=$OPTARG ;;
	l) maxlen="-max_len=$OPTARG" ;;
	*) sed -n '2,30s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
targets=$*
[ -n "$targets" ] || targets=$(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')

run_one() {
	t=$1
	bin=$bindir/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "campaign: $bin is missing: run \`make fuzz\` first" >&2
		return 1
	fi
	mkdir -p "$work/corpus/$t" "$work/artifacts/$t" "$work/logs"
	dict=
	[ -f "$here/dict/$t.dict" ] && dict="-dict=$here/dict/$t.dict"
	log="$work/logs/$t-$(date +%Y%m%d-%H%M%S).log"
	seeds=
	[ -d "$here/corpus/$t" ] && seeds="$here/corpus/$t"
	t0=$(date +%s)
	# shellcheck disable=SC2086
	nice -n 10 "$bin" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
		-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 $maxlen \
		-artifact_prefix="$work/artifacts/$t/" $dict \
		"$work/corpus/$t" $seeds >"$log" 2>&1 || true
	t1=$(date +%s)
	# the last status line of fork mode: "#N: cov: C ft: F corp: K exec/s: E oom/timeout/crash: a/b/c time: T"
	last=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -1)
	execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	found=$(ls "$work/artifacts/$t" | wc -l)
	# CPU seconds of this subshell's children (the fuzzer and its workers):
	# the second line of `times`, "XmY.YYYs XmY.YYYs" (user, system)
	times >"$work/logs/.times.$t"
	cpu=$(tail -1 "$work/logs/.times.$t" |
		awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); n += a[1] * 60 + a[2] } printf "%d", n }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$((t1 - t0))" "$cpu" "${execs:-0}" "${cov:-0}" \
		"${ft:-0}" "${corp:-0}" "$found" >>"$work/summary.tsv"
	echo "campaign: $t: ${seconds}s, ${execs:-0} runs, cov ${cov:-?} ft ${ft:-?}, $found finding(s) in $work/artifacts/$t"
}

mkdir -p "$work"
[ -f "$work/summary.tsv" ] ||
	printf 'target\twall\tcpu\texecs\tcov\tft\tcorpus\tfindings\n' >"$work/summary.tsv"
running=0
for t in $targets; do
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
