#!/bin/sh
# SPDX-License-Identifier: MIT
# serve.sh - `hook-run serve` and its clients with real processes, sockets
# and pushes: the socket's safety checks, daemon = auto|require, faults
# (workers and the supervisor killed mid-push, stale sockets, another
# version, a corrupt cache, a full audit log, malformed and oversized
# messages, a silent client), another local user, reloads, draining,
# socket activation, status and metrics. Nothing may hang, and no failure
# of the daemon may let in a push the in-process check rejects.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# every daemon a test starts is stopped at the end, even when the test fails
stop_all() {
	for p in $(cat "$TEST_TMP"/daemon.pids 2>/dev/null); do
		# the supervisor, then its workers (they would finish and go by themselves)
		pkill -9 -P "$p" 2>/dev/null
		kill -9 "$p" 2>/dev/null
	done
}
trap 'stop_all; rm -rf "$TEST_TMP"' EXIT
trap 'exit 1' TERM INT HUP

# serve_setup [EXTRA-SERVE-LINES]: ./run (0700) for the socket, srv.git with
# the hook, a client clone `c` (cd'd into) with a good base commit pushed
# without the hook, and ../hook-run.ini, the server's configuration, which
# the hook names through HOOK_RUN_CONFIG.
serve_setup() {
	mkdir -m 700 run &&
	printf "[serve]\nsocket = %s/run/s\nroots = %s\nworkers = 2\nrequest-timeout = 2\n%s\n" \
		"$PWD" "$PWD" "${1:-}" >hook-run.ini &&
	new_server srv.git &&
	git init -q c && cd c &&
	write_file Dockerfile "$GOOD" && git add . && commit_unchecked base &&
	git remote add origin ../srv.git &&
	git -C ../srv.git config core.hooksPath /nonexistent && git push -q origin main 2>/dev/null &&
	git -C ../srv.git config --unset core.hooksPath &&
	HOOK_RUN_CONFIG="$(cd .. && pwd)/hook-run.ini" && export HOOK_RUN_CONFIG
}

# daemon_up: start the daemon of ../hook-run.ini; its pid is DAEMON_PID
daemon_up() {
	start_daemon "$(cd .. && pwd)/hook-run.ini" &&
	echo "$DAEMON_PID" >>"$TEST_TMP/daemon.pids"
}

# bg_push OUT ARGS...: `git push ARGS` in the background (its transcript in
# OUT, its exit code in OUT.code); PUSH_PID is its process
bg_push() {
	bg_out=$1
	shift
	(set +e; git push "$@" >"$bg_out" 2>&1; echo $? >"$bg_out.code") &
	PUSH_PID=$!
	PUSH_PIDS="${PUSH_PIDS:-} $PUSH_PID"
}

status() {
	"$HOOK_RUN" serve status --config "$HOOK_RUN_CONFIG" "$@"
}

# a bad commit (two findings) and a good one, on top of the base
bad_commit() {
	write_file "${1:-app}/Dockerfile" "$BAD" && git add . && commit_unchecked "bad ${1:-app}"
}
good_commit() {
	write_file "${1:-ok}/Dockerfile" "$GOOD" && git add . && commit_unchecked "good ${1:-ok}"
}

# in_process_transcript FILE: the remote lines of the same push judged in
# process (the daemon switched off for the hook), for comparison
in_process_lines() {
	remote_lines "$1" | grep -v "^hook-run: decision "
}

test_expect_success 'a push through the daemon: the same report and exit code as in process' '
	serve_setup && daemon_up &&
	bad_commit &&
	test_expect_code 1 git push origin main >daemon.out 2>&1 &&
	remote_lines daemon.out >daemon.lines &&
	HOOK_RUN_CONFIG= test_expect_code 1 git push origin main >local.out 2>&1 &&
	remote_lines local.out >local.lines &&
	test_cmp local.lines daemon.lines &&
	status >st && grep "^requests: 1 (accepted 0, rejected 1, refused 0)" st &&
	git reset -q --hard HEAD~1 && good_commit &&
	git push origin main >out 2>&1 &&
	remote_lines out >lines && echo "hook-run: 1 pushed file checked, 0 findings in Ns" >expect &&
	test_cmp expect lines
'

test_expect_success 'the socket: a directory others may write, a path too long, a live instance' '
	serve_setup &&
	chmod 770 ../run &&
	test_expect_code 2 "$HOOK_RUN" serve --config "$HOOK_RUN_CONFIG" 2>err &&
	grep "is writable by its group (mode 770)" err &&
	chmod 703 ../run &&
	test_expect_code 2 "$HOOK_RUN" serve --config "$HOOK_RUN_CONFIG" 2>err &&
	grep "is writable by everyone" err &&
	chmod 700 ../run &&
	long=$(printf "%0120d" 0) &&
	printf "[serve]\nsocket = /tmp/%s/s\nroots = /tmp\n" "$long" >long.ini &&
	test_expect_code 2 "$HOOK_RUN" serve --config long.ini 2>err &&
	grep "a Unix socket path holds at most 107" err &&
	daemon_up &&
	test_expect_code 3 "$HOOK_RUN" serve --config "$HOOK_RUN_CONFIG" 2>err &&
	grep "another hook-run daemon already serves" err &&
	status >/dev/null
'

test_expect_success 'a stale socket is removed; a file that is not a socket is refused' '
	serve_setup &&
	python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" ../run/s &&
	test -S ../run/s &&
	daemon_up && status >/dev/null &&
	kill "$DAEMON_PID" && { wait "$DAEMON_PID" 2>/dev/null || :; } &&
	test ! -e ../run/s &&
	echo not-a-socket >../run/s &&
	test_expect_code 2 "$HOOK_RUN" serve --config "$HOOK_RUN_CONFIG" 2>err &&
	grep "exists and is not a socket" err &&
	cat ../run/s | grep not-a-socket
'

test_expect_success 'daemon = auto: no daemon, the push is checked here, said once' '
	serve_setup &&
	bad_commit &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	remote_lines out >lines &&
	test "$(grep -c "cannot judge this push" lines)" = 1 &&
	grep "checking it here" lines &&
	grep "push rejected: 2 findings in 1 commit" lines &&
	git reset -q --hard HEAD~1 && good_commit &&
	git push origin main >out 2>&1
'

test_expect_success 'daemon = require: no daemon rejects even a good push' '
	serve_setup "daemon = require" &&
	good_commit &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	grep "pre-receive hook declined" out &&
	grep "push rejected: the daemon at .* cannot judge it (.*), and this server requires it" out
'

test_expect_success 'kill -9 a worker mid-push: auto checks here, require rejects, workers come back' '
	serve_setup && HOOK_RUN_TEST_WORKER_STALL=3 && export HOOK_RUN_TEST_WORKER_STALL && daemon_up &&
	unset HOOK_RUN_TEST_WORKER_STALL &&
	bad_commit &&
	bg_push out origin main &&
	sleep 1 &&
	for w in $(ps -o pid= --ppid "$DAEMON_PID"); do kill -9 "$w"; done &&
	wait "$PUSH_PID" &&
	test "$(cat out.code)" = 1 &&
	grep "checking it here" out && grep "push rejected: 2 findings" out &&
	sleep 0.5 && status >st && grep "crashed 2" st && grep "workers: 2 alive" st &&
	printf "daemon = require\n" >>"$HOOK_RUN_CONFIG" &&
	kill -HUP "$DAEMON_PID" && sleep 0.3 &&
	bg_push out origin main && sleep 1 &&
	for w in $(ps -o pid= --ppid "$DAEMON_PID"); do kill -9 "$w"; done &&
	wait "$PUSH_PID" && test "$(cat out.code)" = 1 &&
	grep "and this server requires it" out
'

test_expect_success 'kill -9 the supervisor mid-push: the push in flight is answered, the next is checked here' '
	serve_setup && HOOK_RUN_TEST_WORKER_STALL=1 && export HOOK_RUN_TEST_WORKER_STALL && daemon_up &&
	unset HOOK_RUN_TEST_WORKER_STALL &&
	bad_commit &&
	bg_push out origin main && sleep 0.5 &&
	kill -9 "$DAEMON_PID" &&
	wait "$PUSH_PID" && test "$(cat out.code)" = 1 &&
	grep "push rejected: 2 findings" out && ! grep "checking it here" out &&
	sleep 0.5 && test -S ../run/s &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	grep "checking it here" out && grep "push rejected: 2 findings" out &&
	daemon_up && test_expect_code 1 git push origin main >out 2>&1 &&
	! grep "checking it here" out
'

test_expect_success 'a daemon of another protocol version: auto checks here, require rejects' '
	serve_setup && HOOK_RUN_TEST_PROTOCOL_VERSION=2 && export HOOK_RUN_TEST_PROTOCOL_VERSION && daemon_up &&
	unset HOOK_RUN_TEST_PROTOCOL_VERSION &&
	bad_commit &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	grep "the daemon speaks protocol version 2" out && grep "push rejected: 2 findings" out &&
	git reset -q --hard HEAD~1 && good_commit && git push origin main >out 2>&1 &&
	bad_commit again && printf "daemon = require\n" >>"$HOOK_RUN_CONFIG" &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	grep "requires it" out
'

test_expect_success 'the verdict cache: blobs and commits of a second repository, a corrupt file discarded' '
	serve_setup "cache = $PWD/cache.mdb" && daemon_up &&
	good_commit && git push origin main >out 2>&1 &&
	git init -q --bare ../fork.git && (cd ../fork.git && "$HOOK_RUN" install --pre-receive >/dev/null) &&
	git push ../fork.git main >out 2>&1 &&
	status >st && grep "hit rate 50.0% (1 of 2 lookups)" st &&
	grep "^commits from the cache: 1 of 3" st && grep "^cache: 4 entries" st &&
	stop_daemon &&
	head -c 8192 /dev/urandom >../cache.mdb &&
	daemon_up && grep "was not ours or not sound: discarded" ../hook-run.ini.err &&
	git push -f ../fork.git HEAD~1:main >out 2>&1 && git push ../fork.git main >out 2>&1 &&
	status >st && grep "cache: 3 entries" st
'

test_expect_success 'a warm cache changes no byte of the report' '
	serve_setup "cache = $PWD/cache.mdb" && daemon_up &&
	good_commit one && bad_commit two && good_commit three && write_file two/Dockerfile "$GOOD" &&
	git add . && commit_unchecked "fix two" &&
	test_expect_code 1 git push origin main >cold.out 2>&1 &&
	for r in warm local; do
		git init -q --bare ../$r.git && (cd ../$r.git && "$HOOK_RUN" install --pre-receive >/dev/null) || return 1
	done &&
	test_expect_code 1 git push ../warm.git main >warm.out 2>&1 &&
	HOOK_RUN_CONFIG= test_expect_code 1 git push ../local.git main >local.out 2>&1 &&
	remote_lines warm.out >warm.lines && remote_lines local.out >local.lines &&
	test_cmp local.lines warm.lines &&
	status >st && grep "^commits from the cache: 4 of 9" st
'

test_expect_success 'a full audit log: reject refuses the push, accept lets it in and counts' '
	serve_setup "audit-log = /dev/full" && daemon_up &&
	good_commit &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	grep "the decision cannot be recorded (cannot write the audit log .*/dev/full.: No space left on device)" out &&
	printf "audit-log-full = accept\n" >>"$HOOK_RUN_CONFIG" && kill -HUP "$DAEMON_PID" && sleep 0.5 &&
	git push origin main >out 2>&1 &&
	status >st && grep "audit log errors: 2" st
'

test_expect_success 'the audit log: one JSON line per decision, its id shown to the rejected pusher' '
	serve_setup "audit-log = $PWD/audit.jsonl" && daemon_up &&
	bad_commit &&
	USER=mallory test_expect_code 1 git push origin main >out 2>&1 &&
	id=$(sed -n "s/^remote: hook-run: decision \([0-9a-f]*\): .*/\1/p" out) && test -n "$id" &&
	python3 -c "
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
assert len(e) == 1, e
e = e[0]
assert e[\"decision\"] == sys.argv[2] and e[\"verdict\"] == \"reject\" and e[\"pusher\"] == \"mallory\", e
assert e[\"refs\"] == \"refs/heads/main\" and e[\"findings\"] == 2 and e[\"via\"] == \"daemon\", e
" ../audit.jsonl "$id"
'

test_expect_success 'no daemon: the push judged here is on the audit log too, via in-process' '
	serve_setup "audit-log = $PWD/audit.jsonl" &&
	bad_commit &&
	USER=mallory test_expect_code 1 git push origin main >out 2>&1 &&
	grep "checking it here" out &&
	id=$(sed -n "s/^remote: hook-run: decision \([0-9a-f]*\): .*/\1/p" out) && test -n "$id" &&
	git reset -q --hard HEAD~1 && good_commit &&
	git push origin main >out 2>&1 &&
	python3 -c "
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
assert len(e) == 2, e
assert e[0][\"decision\"] == sys.argv[2] and e[0][\"verdict\"] == \"reject\" and e[0][\"pusher\"] == \"mallory\", e
assert e[0][\"via\"] == \"in-process\" and e[0][\"findings\"] == 2, e
assert e[1][\"verdict\"] == \"accept\" and e[1][\"via\"] == \"in-process\", e
" ../audit.jsonl "$id" &&
	printf "audit-log = /dev/full\n" >>"$HOOK_RUN_CONFIG" &&
	good_commit &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	grep "the decision cannot be recorded (cannot write the audit log .*/dev/full.: No space left on device)" out
'

test_expect_success 'malformed, oversized and silent clients: refused, and the daemon keeps serving' '
	serve_setup && daemon_up &&
	python3 - ../run/s <<-\EOF &&
	import socket, sys, time
	def talk(data, read=True):
	    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5)
	    try:
	        s.sendall(data)
	    except OSError:
	        pass
	    out = b""
	    while read:
	        try:
	            b = s.recv(65536)
	        except OSError:
	            break
	        if not b: break
	        out += b
	    s.close(); return out
	assert b"status=refused" in talk(b"zzzz"), "bad header"
	assert b"status=refused" in talk(b"0006hi0000"), "not a handshake"
	big = b"ffff" + b"x" * 65531
	r = talk(big * 8)
	assert r == b"" or b"refused" in r, r
	hello = b"0018hook-run-protocol 1\n0000"
	assert b"unknown key" in talk(hello + b"000cbogus=1\n00010000"), "bad request"
	assert b"no command" in talk(hello + b"00010000")
	# a client that sends nothing: the worker gives up after request-timeout
	s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
	time.sleep(2.5); s.close()
	EOF
	bad_commit && test_expect_code 1 git push origin main >out 2>&1 &&
	! grep "checking it here" out && status >st && grep "workers: 2 alive" st
'

test_expect_success 'a client that never reads the answer costs one request, not the service' '
	serve_setup && daemon_up &&
	bad_commit &&
	python3 - ../run/s "$PWD/../srv.git" <<-\EOF &&
	import os, socket, sys, time, array
	s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
	fd = os.open(sys.argv[2], os.O_RDONLY | os.O_DIRECTORY)
	def pkt(b): return b"%04x" % (len(b) + 4) + b
	msg = pkt(b"hook-run-protocol 1\n") + b"0000"
	msg += pkt(b"command=status\n") + b"0001" + b"0000"
	s.sendmsg([msg[:1]], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))])
	s.sendall(msg[1:])
	time.sleep(3)  # never reads; the daemon must not wait for it
	EOF
	test_expect_code 1 git push origin main >out 2>&1 && ! grep "checking it here" out
'

test_expect_success 'the per-repository limit: a flooded repository does not starve another' '
	serve_setup "per-repository = 1
workers = 3" && HOOK_RUN_TEST_WORKER_STALL=1 && export HOOK_RUN_TEST_WORKER_STALL && daemon_up &&
	unset HOOK_RUN_TEST_WORKER_STALL &&
	bad_commit &&
	git init -q --bare ../other.git && (cd ../other.git && "$HOOK_RUN" install --pre-receive >/dev/null) &&
	for i in 1 2 3 4; do
		bg_push out$i origin main:refs/heads/b$i || return 1
	done &&
	sleep 0.3 &&
	test_expect_code 1 git push ../other.git main >other.out 2>&1 &&
	! grep "checking it here" other.out &&
	for p in $PUSH_PIDS; do wait "$p" || return 1; done &&
	for i in 1 2 3 4; do test "$(cat out$i.code)" = 1 && grep "push rejected: 2 findings" out$i || return 1; done &&
	cat out1 out2 out3 out4 | grep -c "per-repository" >busy && test "$(cat busy)" -ge 2 &&
	status >st && grep "per repository [1-9]" st
'

test_expect_success 'a blob that crashes two workers is quarantined; nothing fails open' '
	serve_setup "daemon = require" &&
	bad_commit &&
	blob=$(git rev-parse HEAD:app/Dockerfile) &&
	HOOK_RUN_TEST_CRASH_BLOB=$blob && export HOOK_RUN_TEST_CRASH_BLOB && daemon_up &&
	unset HOOK_RUN_TEST_CRASH_BLOB &&
	test_expect_code 1 git push origin main >out1 2>&1 &&
	test_expect_code 1 git push origin main >out2 2>&1 &&
	test_expect_code 1 git push origin main >out3 2>&1 &&
	grep "requires it" out1 && grep "requires it" out2 &&
	grep "blob $blob crashed the checker 2 times and is quarantined" out3 &&
	grep "died by signal 6 while checking blob $blob" ../hook-run.ini.err &&
	status >st && grep "quarantined blobs: 1" st
'

test_expect_success 'reload: an invalid file never goes live, status shows FILE:LINE' '
	serve_setup && daemon_up &&
	bad_commit &&
	printf "[rules]\nCopyLinkMissing = off\nSyntaxDirectiveMissing = off\nNoSuchRule = off\n" >>"$HOOK_RUN_CONFIG" &&
	test_expect_code 1 "$HOOK_RUN" serve reload --config "$HOOK_RUN_CONFIG" >out &&
	grep "reload refused (generation 1 keeps serving): .*hook-run.ini:10: " out &&
	status >st && grep "last reload refused: .*hook-run.ini:10: " st &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	sed -i "/NoSuchRule/d" "$HOOK_RUN_CONFIG" &&
	"$HOOK_RUN" serve reload --config "$HOOK_RUN_CONFIG" >out && grep "generation 2 serves" out &&
	git push origin main >out 2>&1 &&
	status >st && grep "policy generation: 2 (reloads: 1, refused: 1)" st && ! grep "last reload" st
'

# storm: in the background, SIGHUP the daemon 20 times, its configuration
# alternately invalid.ini and valid.ini (each swapped in by a rename)
storm() {
	(for i in 1 2 3 4 5 6 7 8 9 10; do
		cp invalid.ini "$HOOK_RUN_CONFIG.tmp" && mv "$HOOK_RUN_CONFIG.tmp" "$HOOK_RUN_CONFIG" &&
		kill -HUP "$DAEMON_PID" && sleep 0.05 &&
		cp valid.ini "$HOOK_RUN_CONFIG.tmp" && mv "$HOOK_RUN_CONFIG.tmp" "$HOOK_RUN_CONFIG" &&
		kill -HUP "$DAEMON_PID" && sleep 0.05
	done) &
	STORM_PID=$!
}

test_expect_success 'a reload storm under load: only valid policies judge' '
	serve_setup && daemon_up &&
	bad_commit &&
	cp "$HOOK_RUN_CONFIG" valid.ini &&
	{ cat valid.ini; printf "[rules]\nCopyLinkMissing = off\nSyntaxDirectiveMissing = off\nbogus\n"; } >invalid.ini &&
	storm &&
	for i in 1 2 3 4 5 6; do
		test_expect_code 1 env HOOK_RUN_CONFIG="$PWD/valid.ini" git push origin main >out$i 2>&1 &&
		grep "push rejected: 2 findings" out$i || return 1
	done &&
	wait "$STORM_PID" &&
	status >st && grep "refused: [1-9]" st
'

test_expect_success 'SIGTERM drains: the push in flight gets its verdict, the socket goes' '
	serve_setup && HOOK_RUN_TEST_WORKER_STALL=1 && export HOOK_RUN_TEST_WORKER_STALL && daemon_up &&
	unset HOOK_RUN_TEST_WORKER_STALL &&
	bad_commit &&
	bg_push out origin main && sleep 0.4 &&
	kill "$DAEMON_PID" && wait "$PUSH_PID" &&
	test "$(cat out.code)" = 1 && grep "push rejected: 2 findings" out && ! grep "checking it here" out &&
	{ wait "$DAEMON_PID" || :; } && test ! -e ../run/s && grep "hook-run serve: stopped" ../hook-run.ini.err
'

# activate: socket activation as systemd does it, with restarts (activate.py)
activate() {
	python3 "$TOP_SRCDIR/test/git/activate.py" "$PWD/../run/s" "$HOOK_RUN" "$HOOK_RUN_CONFIG" >act.log 2>&1 &
	ACT_PID=$!
	echo "$ACT_PID" >>"$TEST_TMP/daemon.pids"
}

test_expect_success 'socket activation: a restart refuses no connection' '
	serve_setup &&
	bad_commit &&
	activate &&
	for i in 1 2 3 4 5 6 7 8; do
		test -S ../run/s && break; sleep 0.1
	done &&
	for i in 1 2 3 4 5 6; do
		test_expect_code 1 git push origin main >out$i 2>&1 &&
		! grep "checking it here" out$i || return 1
		sleep 0.1
	done &&
	kill "$ACT_PID" && { wait "$ACT_PID" || :; } &&
	grep "restarts: [1-9]" act.log
'

test_expect_success 'install --server --daemon: the hook names the server file, the daemon judges' '
	serve_setup && daemon_up &&
	git init -q --bare ../client.git &&
	(cd ../client.git && "$HOOK_RUN" install --server --daemon "$HOOK_RUN_CONFIG" >../install.out) &&
	grep "judges with $HOOK_RUN_CONFIG" ../install.out && test ! -e ../client.git/hook-run.ini &&
	grep "^config=.$HOOK_RUN_CONFIG.\$" ../client.git/hooks/pre-receive &&
	bad_commit &&
	HOOK_RUN_CONFIG= test_expect_code 1 git push ../client.git main >out 2>&1 &&
	grep "push rejected: 2 findings" out && ! grep "checking it here" out &&
	status >st && grep "^requests: 1 " st &&
	test_expect_code 2 "$HOOK_RUN" install --daemon "$HOOK_RUN_CONFIG" 2>err && grep "goes with --server" err
'

test_expect_success 'status and metrics' '
	serve_setup "metrics-file = $PWD/metrics.prom" && daemon_up &&
	for i in 1 2 3 4 5 6 7 8 9 10; do test -f ../metrics.prom && break; sleep 0.2; done &&
	grep "^hook_run_up 1" ../metrics.prom &&
	status >st &&
	grep "^hook-run serve " st && grep "^policy generation: 1" st && grep "^workers: 2 alive" st &&
	status --metrics >m &&
	grep "^hook_run_up 1" m && grep "^hook_run_workers 2" m &&
	grep "^# TYPE hook_run_request_duration_seconds histogram" m &&
	grep "^hook_run_request_duration_seconds_bucket{le=\"+Inf\"} 0" m
'

# another local user: the daemon does not answer them, and a socket they
# plant is not trusted
# plant_socket PATH: as the user nobody, a listener at PATH that answers
# every request "accept" (exit=0) in hook-run's protocol
plant_socket() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3 -c "
import os, socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
os.chmod(sys.argv[1], 0o777)
while True:
    c, _ = s.accept()
    try:
        c.sendall(b'0018hook-run-protocol 1\n0000000estatus=ok\n000bexit=0\n0000')
    except OSError:
        pass
    c.close()
" "$1" &
	EVIL_PID=$!
	echo "$EVIL_PID" >>"$TEST_TMP/daemon.pids"
}

if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 &&
	[ -x /usr/bin/python3 ]; then
test_expect_success 'another user cannot use the daemon, nor plant a socket the hook trusts' '
	serve_setup && daemon_up &&
	chmod 755 "$TEST_TMP" "$TEST_TMP"/t* .. ../run &&
	test_expect_code 3 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$HOOK_RUN" serve status --socket "$PWD/../run/s" 2>err &&
	grep "Permission denied\|no answer\|closed" err &&
	chmod 700 ../run && stop_daemon &&
	mkdir -m 755 ../evil && chown nobody ../evil &&
	plant_socket "$PWD/../evil/s" && sleep 0.3 &&
	sed -i "s|^socket = .*|socket = $PWD/../evil/s|" "$HOOK_RUN_CONFIG" &&
	bad_commit &&
	test_expect_code 1 git push origin main >out 2>&1 &&
	grep "is served by uid [0-9]*, not by the daemon.s user (0): not trusting it" out &&
	grep "push rejected: 2 findings" out &&
	{ kill "$EVIL_PID" || :; }
'
else
	test_skip 'another user cannot use the daemon, nor plant a socket the hook trusts' \
		'needs root, setpriv and the user nobody to act as a second local user'
fi

test_done
