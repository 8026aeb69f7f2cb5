#!/bin/sh
# SPDX-License-Identifier: MIT
# git-bench.sh - the git layer on a synthetic monorepo, against git itself.
#
#   sh bench/git-bench.sh                 CI-sized (2 000 commits, 5 000 files)
#   BENCH_COMMITS=100000 BENCH_FILES=50000 sh bench/git-bench.sh
#
# The repository is generated with `git fast-import`: FILES files in
# svcNNN/modNN/ directories, one Dockerfile per 200 files (0.5% of the
# paths), then a linear history of COMMITS commits changing one to three
# files each; every 10th commit also changes a Dockerfile, and one
# Dockerfile revision in ten lacks --link (so the checks find something).
# It is then repacked with `git repack -adf`, as a served repository is.
#
# Printed, all measured in this run (best of BENCH_RUNS, default 3):
#   1. pre-receive over the whole history (a push into a repository that
#      has none of it) vs `git log --raw --no-renames` on the same commits;
#   2. a push of the last 50 commits (target: under 50 ms);
#   3. `hook-run audit` (--all) of the tip vs `git ls-tree -r` (target:
#      within 1.5x);
#   4. `hook-run pre-commit` with one staged Dockerfile in a checkout of
#      the tip (target: under 30 ms).
# BENCH_ATTRIBUTES=1 also commits a .gitattributes at the top and in every
# svcNNN/ directory, so that every Dockerfile's attributes are read.
# Not a test: nothing fails on a slow machine. HOOK_RUN names the binary
# (default: ./hook-run, as `make bench-git` runs it from the build tree).
set -eu

COMMITS=${BENCH_COMMITS:-2000}
FILES=${BENCH_FILES:-5000}
RUNS=${BENCH_RUNS:-3}
HOOK_RUN=${HOOK_RUN:-$PWD/hook-run}
case $HOOK_RUN in /*) ;; *) HOOK_RUN=$PWD/$HOOK_RUN ;; esac
[ -x "$HOOK_RUN" ] || { echo "git-bench: no hook-run at $HOOK_RUN (set HOOK_RUN)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hook-run-bench.XXXXXX")
[ -n "${BENCH_KEEP:-}" ] && echo "git-bench: keeping $WORK" || trap 'rm -rf "$WORK"' EXIT
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
	GIT_QUARANTINE_PATH HOOK_RUN_CONFIG 2>/dev/null || true
export GIT_CONFIG_NOSYSTEM=1 HOME="$WORK" LC_ALL=C
zero=0000000000000000000000000000000000000000

# ms: milliseconds since the epoch (GNU date)
ms() { date +%s%3N; }

# best [<FILE] CMD...: the fastest of $RUNS runs, in ms (output discarded,
# any exit code); a first argument starting with '<' is standard input
best() {
	input=/dev/null
	case $1 in "<"*) input=${1#<}; shift ;; esac
	b=""
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(ms)
		"$@" <"$input" >/dev/null 2>&1 || true
		t=$(($(ms) - t0))
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
		i=$((i + 1))
	done
	echo "$b"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 1; printf "%.2f", a / b }'; }

echo "git-bench: generating $COMMITS commits over $FILES files..."
t0=$(ms)
sh "$(dirname "$0")/gen-history.sh" "$WORK/repo.git" "$COMMITS" "$FILES"
tip=$(git -C "$WORK/repo.git" rev-parse main)
gen_ms=$(($(ms) - t0))
ndocker=$(git -C "$WORK/repo.git" ls-tree -r --name-only main | grep -c '/Dockerfile$' || true)
echo "git-bench: generated in ${gen_ms} ms: $COMMITS commits, $FILES files, $ndocker Dockerfiles"

# a server that has none of it: no ref, the objects present (as in quarantine)
git -C "$WORK/repo.git" update-ref -d refs/heads/main
cd "$WORK/repo.git"
printf '%s %s refs/heads/main\n' $zero "$tip" >"$WORK/all.in"
hook_all=$(best "<$WORK/all.in" "$HOOK_RUN" pre-receive)
git_all=$(best git log --raw --no-renames --format=%H "$tip")
"$HOOK_RUN" pre-receive --stats <"$WORK/all.in" >/dev/null 2>"$WORK/stats" || true

# a 50-commit push onto a ref that has the rest
base=$(git rev-parse "$tip~50")
git update-ref refs/heads/main "$base"
printf '%s %s refs/heads/main\n' "$base" "$tip" >"$WORK/push.in"
hook_push=$(best "<$WORK/push.in" "$HOOK_RUN" pre-receive)
git_push=$(best git log --raw --no-renames --format=%H "$base..$tip")
git update-ref refs/heads/main "$tip"

# the whole tip
hook_tree=$(best "$HOOK_RUN" audit "$tip")
git_tree=$(best git ls-tree -r "$tip")

# pre-commit: a checkout of the tip, one Dockerfile changed and staged
cd "$WORK"
git clone -q repo.git checkout
cd checkout
df=$(git ls-files | grep '/Dockerfile$' | head -n 1)
echo "RUN echo staged" >>"$df"
git add "$df"
hook_commit=$(best "$HOOK_RUN" pre-commit)
git_status=$(best git diff --cached --raw)

stats=$(sed 's/^hook-run: stats: //' "$WORK/stats")
cat <<EOF

hook-run git benchmark ($COMMITS commits, $FILES files, $ndocker Dockerfiles; best of $RUNS runs)
  pre-receive, whole history      ${hook_all} ms   git log --raw --no-renames ${git_all} ms   ratio $(ratio "$hook_all" "$git_all")  (target < 1)
      walk: $stats
  pre-receive, 50-commit push     ${hook_push} ms   git log --raw (same range) ${git_push} ms   (target < 50 ms)
  audit (--all) of the tip         ${hook_tree} ms   git ls-tree -r ${git_tree} ms   ratio $(ratio "$hook_tree" "$git_tree")  (target < 1.5)
  pre-commit, one Dockerfile      ${hook_commit} ms   git diff --cached --raw ${git_status} ms   (target < 30 ms)
EOF
