#!/bin/sh
# SPDX-License-Identifier: MIT
# serve-bench.sh - figures for `hook-run serve` against the in-process hook
# on the same pushes, in the same run (a benchmark, not a test: nothing
# fails on a slow machine):
#
#  1. the round trip of a push the cache already judged (one commit, one
#     Dockerfile): hook process, connect, judge, answer; p50 and p99 over
#     BENCH_ROUNDS runs, against the same push judged in process;
#  2. throughput: BENCH_ROUNDS such pushes into as many forks,
#     BENCH_PARALLEL at a time, daemon against in process;
#  3. a fork's first push of a whole history (BENCH_COMMITS commits over
#     BENCH_FILES files, bench/gen-history.sh) that the daemon judged once in
#     another fork, against the uncached walk; both reports compared;
#  4. the service's memory (status) after all that.
#
#   HOOK_RUN=_build/hook-run sh bench/serve-bench.sh
#   BENCH_COMMITS=100000 BENCH_FILES=50000 sh bench/serve-bench.sh   (the issue's size)
set -eu

COMMITS=${BENCH_COMMITS:-20000}
FILES=${BENCH_FILES:-10000}
ROUNDS=${BENCH_ROUNDS:-200}
PARALLEL=${BENCH_PARALLEL:-4}
HOOK_RUN=${HOOK_RUN:-$PWD/hook-run}
case $HOOK_RUN in /*) ;; *) HOOK_RUN=$PWD/$HOOK_RUN ;; esac
[ -x "$HOOK_RUN" ] || { echo "serve-bench: no hook-run at $HOOK_RUN (set HOOK_RUN)" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hook-run-serve-bench.XXXXXX")
daemon=
cleanup() {
	if [ -n "$daemon" ]; then
		kill "$daemon" 2>/dev/null || true
		wait "$daemon" 2>/dev/null || true
	fi
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
	GIT_QUARANTINE_PATH HOOK_RUN_CONFIG 2>/dev/null || true
export GIT_CONFIG_NOSYSTEM=1 HOME="$WORK" LC_ALL=C
zero=0000000000000000000000000000000000000000
cd "$WORK"

echo "serve-bench: generating $COMMITS commits over $FILES files..."
sh "$top/bench/gen-history.sh" "$WORK/src.git" "$COMMITS" "$FILES"
tip=$(git -C src.git rev-parse main)

# the daemon's configuration, and the same policy without [serve] for the
# in-process hooks; no time budget, so that neither side stops early
mkdir -m 700 run
cat >serve.ini <<EOF
[pre-receive]
timeout = 0
[serve]
socket = $WORK/run/s
roots = $WORK
workers = $PARALLEL
per-repository = 64
queue = 1024
cache = $WORK/cache.mdb
cache-size = 2G
EOF
printf '[pre-receive]\ntimeout = 0\n' >local.ini
"$HOOK_RUN" serve --config "$WORK/serve.ini" 2>serve.err &
daemon=$!
until grep -q "listening on" serve.err 2>/dev/null; do sleep 0.05; done

# a fork: the source's objects as an alternate, no refs (a mirror's first push)
fork() {
	mkdir -p "$1/objects/info" "$1/refs/heads" "$1/refs/tags"
	echo "ref: refs/heads/main" >"$1/HEAD"
	printf '[core]\n\trepositoryformatversion = 0\n\tbare = true\n' >"$1/config"
	echo "$WORK/src.git/objects" >"$1/objects/info/alternates"
}

# the small push: one commit adding one Dockerfile onto the history's tip
git init -q small && (
	cd small &&
	git fetch -q ../src.git main && git checkout -q -b main FETCH_HEAD &&
	mkdir -p new && printf '# syntax=docker/dockerfile:1\n\nFROM alpine\nCOPY --link app /app/\n' >new/Dockerfile &&
	git add . && git -c user.name=b -c user.email=b@x commit -q -m small &&
	git push -q ../src.git HEAD:refs/heads/small
)
small=$(git -C src.git rev-parse small)
git -C src.git update-ref -d refs/heads/small
printf '%s %s refs/heads/main\n' "$tip" "$small" >small.in
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	fork "f$i.git" && echo "$tip" >"f$i.git/refs/heads/main"
	i=$((i + 1))
done
printf '%s %s refs/heads/main\n' "$zero" "$tip" >all.in
fork first.git
fork second.git
fork third.git

python3 - "$HOOK_RUN" "$WORK" "$ROUNDS" "$PARALLEL" <<'EOF'
import os, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

hook, work, rounds, par = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def run(repo, stdin, config):
    env = dict(os.environ, GIT_DIR=".", HOOK_RUN_CONFIG=os.path.join(work, config), HOOK_RUN_TEST_ELAPSED="0")
    with open(os.path.join(work, stdin), "rb") as f:
        data = f.read()
    t0 = time.perf_counter()
    p = subprocess.run([hook, "pre-receive"], input=data, cwd=os.path.join(work, repo), env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return time.perf_counter() - t0, p.returncode, p.stdout

def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000

# 1. round trip of a cached push
run("f0.git", "small.in", "serve.ini")          # warms the cache
d = [run("f0.git", "small.in", "serve.ini") for _ in range(rounds)]
l = [run("f0.git", "small.in", "local.ini") for _ in range(rounds)]
assert all(x[1] == 0 for x in d + l), "a small push was not accepted"
assert d[0][2] == l[0][2], (d[0][2], l[0][2])
print("round trip of a cached push (%d runs): daemon p50 %.1f ms, p99 %.1f ms; in process p50 %.1f ms, p99 %.1f ms"
      % (rounds, pct([x[0] for x in d], .5), pct([x[0] for x in d], .99),
         pct([x[0] for x in l], .5), pct([x[0] for x in l], .99)))

# 2. throughput
def burst(config):
    t0 = time.perf_counter()
    with ThreadPoolExecutor(par) as ex:
        res = list(ex.map(lambda i: run("f%d.git" % i, "small.in", config), range(rounds)))
    assert all(r[1] == 0 for r in res)
    return rounds / (time.perf_counter() - t0)
td, tl = burst("serve.ini"), burst("local.ini")
print("throughput, %d pushes into %d forks, %d at a time: daemon %.0f pushes/s, in process %.0f pushes/s (%.2fx)"
      % (rounds, rounds, par, td, tl, td / tl))

# 3. a fork's first push of the whole history
def best(repo, config, n):
    rs = [run(repo, "all.in", config) for _ in range(n)]
    return min(r[0] for r in rs), rs[0]
unc, ul = best("first.git", "local.ini", 2)
cold = run("second.git", "all.in", "serve.ini")       # the daemon judges it once (fills the cache)
warm, wd = best("third.git", "serve.ini", 3)
assert ul[1] == wd[1] and ul[2] == wd[2], "the cached report differs from the uncached one"
print("a fork's first push of the whole history (exit %d, %d bytes of report, identical): uncached in process %.0f ms, "
      "daemon cold %.0f ms, daemon with the cache %.0f ms: %.1fx faster"
      % (ul[1], len(ul[2]), unc * 1000, cold[0] * 1000, warm * 1000, unc / warm))
EOF

"$HOOK_RUN" serve status --socket "$WORK/run/s" | sed -n 's/^\(memory\|cache\|commits from\|requests\|workers\):/service \1:/p'
echo "supervisor resident memory: $(($(awk '{print $2}' /proc/$daemon/statm) * $(getconf PAGESIZE) / 1024)) KiB"
