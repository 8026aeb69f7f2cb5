# SPDX-License-Identifier: MIT
# test/git/lib-git.sh - what the git integration tests share, on top of
# test/lib.sh: real repositories in the test's scratch directory, the
# hooks installed by `hook-run install`, fixtures, and assertions on the
# three places git keeps a file (HEAD, the index, the working tree).
#
#   . "$TOP_SRCDIR/test/git/lib-git.sh"
#
# Every repository gets the hooks through the real installer, so the
# scripts of hooks/ are what runs; they name $HOOK_RUN by absolute path.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/lib.sh"

if ! command -v git >/dev/null 2>&1; then
	echo "1..0 # SKIP git is not installed"
	exit 0
fi

git config --global init.defaultBranch main
git config --global protocol.file.allow always   # local submodules
git config --global advice.detachedHead false
git config --global core.autocrlf false

# every object hook-run's own pack reader returns is checked against its id
HOOK_RUN_VERIFY_OBJECTS=1
export HOOK_RUN_VERIFY_OBJECTS

# the fixture: two findings, both with a safe fix
BAD='FROM alpine\nCOPY a /b\n'
FIXED='# syntax=docker/dockerfile:1\n\nFROM alpine\nCOPY --link a /b\n'
GOOD="$FIXED"

# write_file PATH PRINTF-TEXT
write_file() {
	mkdir -p "$(dirname "$1")" &&
	printf "$2" >"$1"
}

# expect_file PATH PRINTF-TEXT: the working file holds exactly that
expect_file() {
	printf "$2" >expect.file &&
	test_cmp expect.file "$1"
}

# expect_blob REV:PATH PRINTF-TEXT (":PATH" is the index)
expect_blob() {
	printf "$2" >expect.blob &&
	git cat-file blob "$1" >actual.blob &&
	test_cmp expect.blob actual.blob
}

# expect_status LINES...: `git status --porcelain` exactly (no line: clean)
expect_status() {
	: >expect.status &&
	for line in "$@"; do printf '%s\n' "$line" >>expect.status; done &&
	git status --porcelain --untracked-files=no >actual.status &&
	test_cmp expect.status actual.status
}

# no_locks: hook-run left no lock file behind in the git directory
no_locks() {
	locks=$(find "$(git rev-parse --git-common-dir)" -name '*.lock' 2>/dev/null) &&
	if [ -n "$locks" ]; then
		echo "lock files left behind: $locks" >&2
		return 1
	fi
}

# new_repo DIR [ACTION]: a repository with hook-run's hooks and, with an
# action, a committed .hook-run.ini that sets it
new_repo() {
	git init -q "$1" &&
	(cd "$1" && "$HOOK_RUN" install >/dev/null) &&
	if [ $# -ge 2 ]; then
		printf '[hook-run]\naction = %s\n' "$2" >"$1/.hook-run.ini" &&
		git -C "$1" add .hook-run.ini &&
		git -C "$1" commit -q -m config
	fi
}

# commit_unchecked MESSAGE: commit what is staged without the hook
commit_unchecked() {
	git commit -q --no-verify -m "$1"
}

# new_server DIR: a bare repository with hook-run's pre-receive hook; pushed
# objects stay packed in the quarantine (receive.unpackLimit = 1, as for any
# large push) unless UNPACK_LIMIT says otherwise
new_server() {
	git init -q --bare "$1" &&
	git -C "$1" config receive.unpackLimit "${UNPACK_LIMIT:-1}" &&
	(cd "$1" && "$HOOK_RUN" install --pre-receive >/dev/null)
}

# remote_lines FILE: the `remote:` lines of a push transcript, without
# git's padding and the elapsed time
remote_lines() {
	sed -n 's/^remote: //p' "$1" | sed -e 's/[[:space:]]*$//' -e 's/ in [0-9.]*s$/ in Ns/'
}

# libgit2 is loaded on first use (src/lib/git/libgit2_lazy.c); the dynamic
# loader's log tells whether a run of hook-run loaded it. Verification
# mode is off in these runs: it asks libgit2.
# ld_run DIR CMD...: CMD with the loader's log in DIR/ld.PID, one a process
ld_run() {
	dir=$1 && shift &&
	mkdir -p "$dir" && rm -f "$dir"/ld.* &&
	env HOOK_RUN_VERIFY_OBJECTS=0 LD_DEBUG=files LD_DEBUG_OUTPUT="$dir/ld" "$@"
}
# hook_run_loaded_libgit2 DIR: the log of hook-run's process shows libgit2
# loaded (exit 0) or not (1); no log of hook-run at all is an error (2)
hook_run_loaded_libgit2() {
	log=$(grep -l "needed by $HOOK_RUN " "$1"/ld.* | head -n 1) &&
	test -n "$log" || return 2
	grep -q "file=libgit2.*dynamically loaded" "$log"
}

# ---- the daemon (hook-run serve) ------------------------------------------

# start_daemon INI: run `hook-run serve --config INI` in the background
# (its standard error in INI.err) and wait until its socket answers.
# DAEMON_PID is its process id; stop_daemon stops it (SIGTERM, drained).
start_daemon() {
	started_before=$(daemon_starts "$1")
	"$HOOK_RUN" serve --config "$1" 2>>"$1.err" &
	DAEMON_PID=$!
	tries=0
	while [ "$(daemon_starts "$1")" = "$started_before" ]; do
		tries=$((tries + 1))
		if [ "$tries" -gt 200 ] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			echo "the daemon did not start:" >&2
			cat "$1.err" >&2
			return 1
		fi
		sleep 0.05
	done
}

# daemon_starts INI: how many times a daemon of INI said it listens (0 when
# its log does not exist yet)
daemon_starts() {
	n=$(grep -c "listening on" "$1.err" 2>/dev/null) || n=0
	echo "${n:-0}"
}

stop_daemon() {
	if [ -n "${DAEMON_PID:-}" ]; then
		kill "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
		DAEMON_PID=
	fi
	return 0
}

# HOOK_RUN_TEST_VIA_DAEMON=1: every pre-receive hook of this script sends its
# push to one daemon (daemon = require: a push it cannot judge is rejected),
# which judges it with the configuration the hook would have used. The
# scripts' expected transcripts are unchanged: the same bytes and exit codes
# through the daemon as in process.
if [ "${HOOK_RUN_TEST_VIA_DAEMON:-}" = 1 ]; then
	mkdir -m 700 "$TEST_TMP/run"
	printf '[serve]\nsocket = %s/run/hook-run.sock\nroots = %s\nworkers = 2\nper-repository = 64\n' \
		"$TEST_TMP" "$TEST_TMP" >"$TEST_TMP/serve.ini"
	if ! start_daemon "$TEST_TMP/serve.ini"; then
		echo "Bail out! the daemon did not start"
		exit 1
	fi
	HOOK_RUN_TEST_SERVE_SOCKET="$TEST_TMP/run/hook-run.sock"
	export HOOK_RUN_TEST_SERVE_SOCKET
	trap 'stop_daemon; rm -rf "$TEST_TMP"' EXIT
fi
# raw_tree MODE NAME ID [MODE NAME ID]...: write a tree object holding
# exactly these entries, in this order, with the modes as written (git's
# own tools would normalise or refuse them: a hostile pusher does not use
# them), and print its id. NAME may hold any byte but NUL and '/'.
raw_tree() {
	while [ $# -ge 3 ]; do
		printf '%s %s\0' "$1" "$2" && printf '%s' "$3" | xxd -r -p &&
		shift 3 || return 1
	done | git hash-object -t tree -w --stdin --literally
}

# raw_commit TREE [PARENT...]: a commit of TREE with these parents; prints its id
raw_commit() {
	tree=$1 && shift &&
	parents= &&
	for p in "$@"; do parents="$parents -p $p"; done &&
	# shellcheck disable=SC2086
	git commit-tree "$tree" $parents -m "raw $tree"
}
