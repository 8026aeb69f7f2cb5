#!/bin/sh
# SPDX-License-Identifier: MIT
# git-bench.sh - the git layer on a synthetic monorepo, against git itself,
# measured in the same run on the same repository.
#
#   sh bench/git-bench.sh                 CI-sized (2 000 commits, 5 000 files)
#   BENCH_COMMITS=100000 BENCH_FILES=50000 sh bench/git-bench.sh   (issue 12's size)
#   BENCH_REPO=DIR sh bench/git-bench.sh  reuse a repository gen-history.sh made
#
# The repository comes from bench/gen-history.sh (FILES files in
# svcNNN/modNN/, a Dockerfile per 200, one to three files changed per
# commit, repacked as a served repository is). Measured, each against git
# on the same commits:
#   1. pre-receive over the whole history (a push into a repository that
#      has none of it) / `git log --raw --no-renames --no-abbrev`;
#   2. a push of the last 50 commits onto a ref that has the rest / the
#      same `git log` of that range;
#   3. a 1-commit push / the same, and start-up: `hook-run --version` /
#      `git --version`, against `git rev-parse HEAD` as well;
#   4. `hook-run audit` (--all) of the tip / `git ls-tree -r`;
#   5. `hook-run pre-commit` with one staged Dockerfile / `git diff-index
#      --cached HEAD`.
#
# Honest figures: the time budget is switched off (a config with
# [pre-receive] timeout = 0), and every pre-receive prints how many commits
# it walked; the benchmark FAILS (exit 1) when that is not what
# `git rev-list --count` gives for the same range, since a walk cut short
# looks fast. Wall times are medians of BENCH_RUNS (default 5) runs of the
# whole history, and of BENCH_RUNS_SHORT (default 31) runs of each shorter
# measure (a few milliseconds, where one slow run moves a median of 5), with
# the fastest and slowest, hook-run and git alternating so that load
# changes hit both; the ratio is of the medians. Each run is timed by
# bench/walltime (built beside hook-run, or compiled here with cc): the
# microseconds from spawning the command to reaping it, nothing else. (The
# first timer, `date` before and after, added date's own start-up, 1.5-3 ms,
# to every sample on both sides, which pulled every ratio toward 1.) What
# merely starting a process costs is printed too, as /bin/true's time. With valgrind installed
# (BENCH_CALLGRIND=0 to skip), each command also runs once under callgrind:
# instruction counts do not depend on the machine's load. The machine, the
# date and the load average are printed with the figures.
# BENCH_ATTRIBUTES=1 also commits a .gitattributes at the top and in every
# svcNNN/ directory, so that every Dockerfile's attributes are read.
# HOOK_RUN names the binary (default ./hook-run, as `make bench-git` runs
# it from the build tree). Generated repositories live in a temporary
# directory (BENCH_KEEP=1 keeps it); never commit one.
set -eu

COMMITS=${BENCH_COMMITS:-2000}
FILES=${BENCH_FILES:-5000}
RUNS=${BENCH_RUNS:-5}
RUNS_SHORT=${BENCH_RUNS_SHORT:-31}
HOOK_RUN=${HOOK_RUN:-$PWD/hook-run}
case $HOOK_RUN in /*) ;; *) HOOK_RUN=$PWD/$HOOK_RUN ;; esac
[ -x "$HOOK_RUN" ] || { echo "git-bench: no hook-run at $HOOK_RUN (set HOOK_RUN)" >&2; exit 2; }
CALLGRIND=${BENCH_CALLGRIND:-1}
[ "$CALLGRIND" = 0 ] || command -v valgrind >/dev/null 2>&1 || CALLGRIND=0

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hook-run-bench.XXXXXX")
[ -n "${BENCH_KEEP:-}" ] && echo "git-bench: keeping $WORK" || trap 'rm -rf "$WORK"' EXIT
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
	GIT_QUARANTINE_PATH HOOK_RUN_CONFIG HOOK_RUN_VERIFY_OBJECTS 2>/dev/null || true
export GIT_CONFIG_NOSYSTEM=1 HOME="$WORK" LC_ALL=C
zero=0000000000000000000000000000000000000000

# the time budget off: the walk must run to its end
printf '[pre-receive]\ntimeout = 0\n' >"$WORK/bench.ini"
export HOOK_RUN_CONFIG="$WORK/bench.ini"

# us: microseconds since the epoch (GNU date), for the set-up's own times
us() { date +%s%6N; }

# the timer: bench/walltime beside hook-run (make check builds it), else compiled here
WALLTIME=${BENCH_WALLTIME:-$(dirname "$HOOK_RUN")/bench/walltime}
if [ ! -x "$WALLTIME" ]; then
	WALLTIME=$WORK/walltime
	${CC:-cc} -O2 -o "$WALLTIME" "$(dirname "$0")/walltime.c" || {
		echo "git-bench: cannot build bench/walltime.c (set CC, or BENCH_WALLTIME)" >&2
		exit 2
	}
fi

# time_one [<FILE] CMD...: one run's wall time in us (output discarded, any exit code)
time_one() {
	input=/dev/null
	case $1 in "<"*) input=${1#<}; shift ;; esac
	"$WALLTIME" -i "$input" "$@" || { echo "git-bench: the timer failed on $*" >&2; exit 2; }
}

# stat FILE: "median ms (min-max)" of the us figures in FILE, one a line
stat() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f ms (%.1f-%.1f)", m / 1000, v[1] / 1000, v[NR] / 1000 }'
}
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 1; printf "%.2f", a / b }'; }

# icount [<FILE] CMD...: instructions executed (callgrind), or "-"
icount() {
	[ "$CALLGRIND" != 0 ] || { echo -; return; }
	input=/dev/null
	case $1 in "<"*) input=${1#<}; shift ;; esac
	valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$@" <"$input" >/dev/null 2>"$WORK/cg.err" || true
	sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$WORK/cg.err" | tail -n 1
}
gi() {
	[ "$1" = - ] && echo - || awk -v n="$1" 'BEGIN { if (n >= 1e9) printf "%.3f G", n / 1e9; else printf "%.2f M", n / 1e6 }'
}

# compare NAME LABEL [N]: runs the shell functions hook_NAME and git_NAME
# alternately, N (default RUNS) times each, then once each under callgrind;
# prints one line
compare() {
	name=$1 label=$2
	: >"$WORK/h" ; : >"$WORK/g"
	i=0
	while [ $i -lt "${3:-$RUNS}" ]; do
		"hook_$name" >>"$WORK/h"
		"git_$name" >>"$WORK/g"
		i=$((i + 1))
	done
	TIMER=icount
	hi=$("hook_$name") gi_=$("git_$name")
	TIMER=time_one
	ir="-"
	[ "$hi" = - ] || ir=$(ratio "$hi" "$gi_")
	printf '  %-28s hook-run %-24s git %-24s ratio %s\n' "$label" "$(stat "$WORK/h")" "$(stat "$WORK/g")" \
		"$(ratio "$(median "$WORK/h")" "$(median "$WORK/g")")"
	[ "$hi" = - ] || printf '  %-28s hook-run %-24s git %-24s ratio %s\n' "  instructions" "$(gi "$hi")" "$(gi "$gi_")" "$ir"
}
TIMER=time_one

# walked IN RANGE: hook-run's commit count for this input must be git's
# (run in $(...), so a difference is recorded in a file, not a variable)
walked() {
	"$HOOK_RUN" pre-receive --stats <"$1" >/dev/null 2>"$WORK/stats" || true
	got=$(sed -n 's/^hook-run: stats: \([0-9]*\) commits,.*/\1/p' "$WORK/stats" | head -n 1)
	want=$(git rev-list --count $2)
	if [ "$got" != "$want" ]; then
		echo "git-bench: FAIL: pre-receive walked ${got:-no} commits, git rev-list --count $2 gives $want" >&2
		echo "$2" >>"$WORK/failed"
	fi
	echo "${got:-?}"
}

echo "git-bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) cores," \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "git-bench: load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(us)
if [ -n "${BENCH_REPO:-}" ]; then
	git clone -q --bare "$BENCH_REPO" "$WORK/repo.git"
else
	sh "$(dirname "$0")/gen-history.sh" "$WORK/repo.git" "$COMMITS" "$FILES"
fi
cd "$WORK/repo.git"
tip=$(git rev-parse main)
ncommits=$(git rev-list --count "$tip")
nfiles=$(git ls-tree -r --name-only "$tip" | wc -l)
ndocker=$(git ls-tree -r --name-only "$tip" | grep -c '/Dockerfile$' || true)
echo "git-bench: repository ready in $((($(us) - t0) / 1000)) ms: $ncommits commits, $nfiles files," \
	"$ndocker Dockerfiles; $RUNS runs of the whole history, $RUNS_SHORT of the rest"
echo

# 1. a server that has none of it: no ref, the objects present (as in quarantine)
git update-ref -d refs/heads/main
printf '%s %s refs/heads/main\n' $zero "$tip" >"$WORK/all.in"
n_all=$(walked "$WORK/all.in" "$tip")
hook_all() { $TIMER "<$WORK/all.in" "$HOOK_RUN" pre-receive; }
git_all() { $TIMER git log --raw --no-renames --no-abbrev --format=%H "$tip"; }
echo "pre-receive, whole history (walked: $n_all commits; time budget off)"
compare all "whole history"
if command -v /usr/bin/time >/dev/null 2>&1; then
	hm=$(/usr/bin/time -f %M "$HOOK_RUN" pre-receive <"$WORK/all.in" 2>&1 >/dev/null | tail -n 1)
	gm=$(/usr/bin/time -f %M git log --raw --no-renames --no-abbrev --format=%H "$tip" 2>&1 >/dev/null | tail -n 1)
	printf '  %-28s hook-run %s MB   git %s MB   (the mapped pack counts in both)\n' "max RSS" \
		$((hm / 1024)) $((gm / 1024))
fi

# 2. and 3. pushes onto a ref that has the rest
for n in 50 1; do
	base=$(git rev-parse "$tip~$n")
	git update-ref refs/heads/main "$base"
	printf '%s %s refs/heads/main\n' "$base" "$tip" >"$WORK/push$n.in"
	walked_n=$(walked "$WORK/push$n.in" "$base..$tip")
	eval "hook_push$n() { \$TIMER \"<$WORK/push$n.in\" \"\$HOOK_RUN\" pre-receive; }"
	eval "git_push$n() { \$TIMER git log --raw --no-renames --no-abbrev --format=%H $base..$tip; }"
	echo "pre-receive, $n-commit push (walked: $walked_n commits)"
	compare "push$n" "$n-commit push" "$RUNS_SHORT"
done
git update-ref refs/heads/main "$tip"
hook_version() { $TIMER "$HOOK_RUN" --version; }
git_version() { $TIMER git --version; }
git_revparse() { $TIMER git rev-parse HEAD; }
hook_revparse() { hook_version; }
echo "start-up"
: >"$WORK/t"
i=0
while [ $i -lt "$RUNS_SHORT" ]; do
	time_one /bin/true >>"$WORK/t"
	i=$((i + 1))
done
printf '  %-28s %s\n' "/bin/true (any process)" "$(stat "$WORK/t")"
compare version "--version" "$RUNS_SHORT"
compare revparse "--version / git rev-parse" "$RUNS_SHORT"

# 4. the whole tip
hook_tree() { $TIMER "$HOOK_RUN" audit "$tip"; }
git_tree() { $TIMER git ls-tree -r "$tip"; }
echo "audit (--all) of the tip ($nfiles files)"
compare tree "--all" "$RUNS_SHORT"

# 5. pre-commit: a checkout of the tip, one Dockerfile changed and staged
cd "$WORK"
git clone -q repo.git checkout
cd checkout
df=$(git ls-files | grep '/Dockerfile$' | head -n 1)
echo "RUN echo staged" >>"$df"
git add "$df"
hook_commit() { $TIMER "$HOOK_RUN" pre-commit; }
git_commit() { $TIMER git diff-index --cached HEAD; }
echo "pre-commit, one staged Dockerfile"
compare commit "pre-commit" "$RUNS_SHORT"

echo
echo "git-bench: load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -s "$WORK/failed" ]; then
	echo "git-bench: FAILED: a walk did not cover the commits git counts" >&2
	exit 1
fi
