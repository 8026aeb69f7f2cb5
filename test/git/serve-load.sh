#!/bin/sh
# SPDX-License-Identifier: MIT
# serve-load.sh - many concurrent pushes into many bare repositories that
# share one alternate object store (as GitLab's pool repositories and forks
# do), judged by one `hook-run serve`: every verdict right, a flooded
# repository not starving the others, no worker lost, memory flat.
#
# Sized for `make check` (LOAD_REPOS=200, LOAD_PUSHES=50, LOAD_PARALLEL=8,
# a few seconds); bench/serve-load-big.sh runs it with 1000 repositories and
# 200 pushes. SERVE_WRAPPER runs the daemon under a tool (serve-valgrind.sh).
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

: "${LOAD_REPOS:=200}" "${LOAD_PUSHES:=50}" "${LOAD_PARALLEL:=8}" "${SERVE_WRAPPER:=}" "${LOAD_POLICY:=}"
kill_daemon() {
	p=$(cat "$TEST_TMP/daemon.pid" 2>/dev/null) || return 0
	pkill -9 -P "$p" 2>/dev/null
	kill -9 "$p" 2>/dev/null
	return 0
}
trap 'kill_daemon; rm -rf "$TEST_TMP"' EXIT
trap 'exit 1' TERM INT HUP

# start_wrapped: the daemon under $SERVE_WRAPPER (a slow tool: wait longer)
start_wrapped() {
	wrapper=$(printf "%s" "$SERVE_WRAPPER" | sed "s|@TMP@|$TEST_TMP|g")
	$wrapper "$HOOK_RUN" serve --config "$PWD/serve.ini" 2>serve.err &
	DAEMON_PID=$!
	echo "$DAEMON_PID" >"$TEST_TMP/daemon.pid"
	tries=0
	until grep -q "listening on" serve.err 2>/dev/null; do
		tries=$((tries + 1))
		[ "$tries" -lt 600 ] || { cat serve.err; return 1; }
		sleep 0.1
	done
}

# the pool: a base history every repository shares through objects/info/alternates
load_setup() {
	git init -q --bare pool.git &&
	git init -q base && (
		cd base &&
		write_file Dockerfile "$GOOD" && write_file README "r\n" && git add . && commit_unchecked base &&
		for i in 1 2 3 4 5 6 7 8 9 10; do
			write_file "svc$i/Dockerfile" "$GOOD" && git add . && commit_unchecked "svc$i" || return 1
		done &&
		git push -q ../pool.git main
	) &&
	tip=$(git -C pool.git rev-parse main) &&
	mkdir repos &&
	hook=$(cd pool.git && "$HOOK_RUN" install --pre-receive >/dev/null && cat hooks/pre-receive) &&
	i=0 &&
	while [ "$i" -lt "$LOAD_REPOS" ]; do
		# a fork as a hosting platform makes one: the pool as alternate, the
		# branch it was forked at, the hook
		r=repos/r$i.git &&
		mkdir -p "$r/objects/info" "$r/refs/heads" "$r/refs/tags" "$r/hooks" &&
		echo "ref: refs/heads/main" >"$r/HEAD" &&
		printf "[core]\n\trepositoryformatversion = 0\n\tbare = true\n[receive]\n\tunpackLimit = 1\n" >"$r/config" &&
		echo "$PWD/pool.git/objects" >"$r/objects/info/alternates" &&
		echo "$tip" >"$r/refs/heads/main" &&
		printf "%s\n" "$hook" >"$r/hooks/pre-receive" && chmod +x "$r/hooks/pre-receive" &&
		i=$((i + 1)) || return 1
	done &&
	mkdir -m 700 run &&
	printf "[serve]\nsocket = %s/run/s\nroots = %s\nworkers = 3\nper-repository = 2\nqueue = 256\ncache = %s/cache.mdb\naudit-log = %s/audit.jsonl\nrequest-timeout = 60\ndaemon = auto\n" \
		"$PWD" "$PWD" "$PWD" "$PWD" >serve.ini &&
	printf "%s\n" "$LOAD_POLICY" >>serve.ini &&
	git clone -q pool.git c
}

# prepare_pushes: branch bN in the client `c` for every push N, with one new
# Dockerfile of its own (bad when N is even: two findings)
prepare_pushes() {
	(
		cd c &&
		n=0 &&
		while [ "$n" -lt "$LOAD_PUSHES" ]; do
			git checkout -q -b "b$n" main &&
			if [ $((n % 2)) -eq 0 ]; then
				printf "FROM alpine\nCOPY a%d /b\n" "$n" >"new$n.Dockerfile"
			else
				printf "# syntax=docker/dockerfile:1\n\nFROM alpine\nCOPY --link a%d /b\n" "$n" >"new$n.Dockerfile"
			fi &&
			git add . && git commit -q --no-verify -m "push $n" &&
			n=$((n + 1)) || return 1
		done &&
		git checkout -q main
	)
}

# the repository push N goes to: the first ten flood one repository, the
# rest spread over all of them
repo_of() {
	if [ "$1" -lt 10 ]; then echo repos/r0.git; else echo "repos/r$(($1 * 7 % LOAD_REPOS)).git"; fi
}

test_expect_success "$LOAD_PUSHES concurrent pushes into $LOAD_REPOS repositories sharing an alternate" '
	load_setup && prepare_pushes &&
	HOOK_RUN_CONFIG="$PWD/serve.ini" && export HOOK_RUN_CONFIG &&
	if [ -n "$SERVE_WRAPPER" ]; then
		start_wrapped
	else
		start_daemon "$PWD/serve.ini" && echo "$DAEMON_PID" >"$TEST_TMP/daemon.pid"
	fi &&
	"$HOOK_RUN" serve status --socket run/s >status.before &&
	n=0 && : >jobs &&
	while [ "$n" -lt "$LOAD_PUSHES" ]; do echo "$n $(repo_of $n)" >>jobs; n=$((n + 1)); done &&
	xargs -P "$LOAD_PARALLEL" -L 1 sh -c "cd c && git push \"../\$1\" \"b\$0\" >\"../push-\$0.out\" 2>&1; echo \$? >\"../push-\$0.code\"" <jobs &&
	"$HOOK_RUN" serve status --socket run/s >status.after &&
	n=0 &&
	while [ "$n" -lt "$LOAD_PUSHES" ]; do
		want=$(( (n + 1) % 2 )) &&
		test "$(cat push-$n.code)" = "$want" || { echo "push $n: exit $(cat push-$n.code), want $want"; cat push-$n.out; return 1; }
		if [ "$want" = 1 ]; then grep -q "push rejected: 2 findings in 1 commit" push-$n.out || return 1; fi
		n=$((n + 1))
	done &&
	# pushes the daemon answered busy (the flooded repository) were checked
	# by their own hooks, and said so; none was lost, and every decision is
	# on the audit log, each once, with who made it
	busy=$(grep -l "cannot judge this push (the daemon is busy" push-*.out | wc -l) &&
	lines=$(grep -c "\"via\":\"daemon\"" audit.jsonl || :) &&
	here=$(grep -c "\"via\":\"in-process\"" audit.jsonl || :) &&
	echo "busy (checked by their hooks): $busy, lines: daemon $lines, in-process $here" &&
	# every push is on record (a push the daemon judged too late for its
	# client under load is judged again here, and so on it twice)
	test $((lines + here)) -ge "$LOAD_PUSHES" &&
	test "$here" -ge "$busy" &&
	grep "workers: 3 alive" status.after && grep "crashed 0" status.after &&
	cat status.after
'

if [ -n "$SERVE_WRAPPER" ]; then
test_expect_success 'stopped, the daemon under the tool reports no error' '
	p=$(cat "$TEST_TMP/daemon.pid") && kill "$p" &&
	while kill -0 "$p" 2>/dev/null; do sleep 0.1; done &&
	rm "$TEST_TMP/daemon.pid" &&
	ls "$TEST_TMP"/vg.* >logs && test -s logs &&
	for f in $(cat logs); do
		if grep -q "ERROR SUMMARY: [1-9]" "$f" || grep -q "definitely lost: [1-9]" "$f"; then
			cat "$f"; return 1
		fi
	done &&
	echo "$(wc -l <logs) processes checked" &&
	if [ -n "${LOAD_KEEP:-}" ]; then cp "$TEST_TMP"/vg.* "$LOAD_KEEP"; fi
'
fi

test_done
