#!/bin/sh
# SPDX-License-Identifier: MIT
# hostile-files.sh - `hook-run check` and `fix` in a tree someone else
# wrote: symbolic links named like Dockerfiles (to secrets, to files
# outside the tree), directories that are links, FIFOs, names with
# control characters. Nothing is read or written through a link, nothing
# blocks, and the reports say what was not read and why.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

BAD='FROM alpine\nCOPY a /b\n'

test_expect_success 'check .: a Dockerfile linked to /proc/self/environ is reported, never read' '
	mkdir t && cd t && ln -s /proc/self/environ Dockerfile &&
	for f in text json sarif junit gitlab github; do
		HOOK_RUN_SECRET=s3cr3t-token test_expect_code 1 "$HOOK_RUN" check --no-config --format $f . >out.$f 2>&1 &&
		! grep s3cr3t-token out.$f || return 1
	done &&
	grep "Dockerfile: error: a symbolic link (to ./proc/self/environ.): not followed" out.text &&
	grep "\[UncheckableFile\]" out.text &&
	grep "\"rule\": \"UncheckableFile\"" out.json
'

test_expect_success 'check FILE: a link named on the command line is not followed either' '
	mkdir t && cd t && ln -s /proc/self/environ Dockerfile &&
	HOOK_RUN_SECRET=s3cr3t-token test_expect_code 1 "$HOOK_RUN" check --no-config --format json Dockerfile >out &&
	! grep s3cr3t-token out && grep UncheckableFile out
'

test_expect_success 'fix .: a link to a file outside the tree is neither read nor written' '
	printf "$BAD" >outside.Dockerfile &&
	mkdir t && cd t && ln -s ../outside.Dockerfile Dockerfile &&
	test_expect_code 1 "$HOOK_RUN" fix --no-config . >out &&
	grep "Dockerfile: error: a symbolic link (to .../outside.Dockerfile.): not followed" out &&
	printf "$BAD" >expect && test_cmp expect ../outside.Dockerfile &&
	test -L Dockerfile
'

test_expect_success 'a directory that is a link is neither searched nor read through' '
	mkdir outside && printf "$BAD" >outside/Dockerfile &&
	mkdir t && cd t && ln -s ../outside app && printf "FROM scratch\n" >Containerfile &&
	test_expect_code 1 "$HOOK_RUN" check --no-config . >out &&
	! grep "app/Dockerfile" out &&
	test_expect_code 1 "$HOOK_RUN" fix --no-config app/Dockerfile >out &&
	grep "app/Dockerfile: error: not read: .app. is a symbolic link: not followed" out &&
	printf "$BAD" >expect && test_cmp expect ../outside/Dockerfile
'

test_expect_success 'a FIFO named on the command line is refused at once, not waited on' '
	mkfifo Dockerfile &&
	{ timeout 10 "$HOOK_RUN" check --no-config Dockerfile >out 2>err; code=$?; } &&
	test "$code" -eq 3 &&
	grep "not a regular file" err
'

test_expect_success 'fix keeps a regular file regular and its mode' '
	printf "$BAD" >Dockerfile && chmod 640 Dockerfile &&
	"$HOOK_RUN" fix --no-config Dockerfile >out &&
	test ! -L Dockerfile && test "$(stat -c %a Dockerfile)" = 640 &&
	grep "COPY --link a /b" Dockerfile &&
	test -z "$(ls -A | grep hook-run)"
'

test_expect_success 'a Dockerfile 70 directories down is found (the search once stopped at 64)' '
	dir=$(awk "BEGIN { for (i = 0; i < 70; i++) printf \"d/\" }") && mkdir -p "$dir" &&
	printf "$BAD" >"${dir}Dockerfile" &&
	test_expect_code 1 "$HOOK_RUN" check --no-config . >out &&
	grep "${dir}Dockerfile:2:1: error" out
'

test_expect_success 'a tree deeper than 256 levels is an error, not a silent skip' '
	dir=$(awk "BEGIN { for (i = 0; i < 300; i++) printf \"d/\" }") && mkdir -p "$dir" &&
	printf "$BAD" >"${dir}Dockerfile" &&
	test_expect_code 3 "$HOOK_RUN" check --no-config . >out 2>err &&
	grep "nested deeper than 256 levels" err
'

if [ "$(id -u)" = 0 ]; then
	test_skip "an unreadable directory is an error, not a silent skip" "root reads every directory"
else
	test_expect_success 'an unreadable directory is an error, not a silent skip' '
		mkdir -p sub/locked && printf "$BAD" >sub/locked/Dockerfile && chmod 000 sub/locked &&
		{ "$HOOK_RUN" check --no-config . >out 2>err; code=$?; } &&
		chmod 755 sub/locked &&
		test "$code" -eq 3 && grep "cannot read directory .*sub/locked" err
	'
fi

test_done
