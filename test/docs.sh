#!/bin/sh
# SPDX-License-Identifier: MIT
# docs.sh - the documentation keeps up with the code: the man page renders
# without warnings and names every command, option, rule and configuration
# key the program knows; the README names every rule and key; every command
# has --help; the bash completion completes commands, options and rules.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

man1=$TOP_SRCDIR/src/cli/hook-run.1
readme=$TOP_SRCDIR/README.md
example=$TOP_SRCDIR/contrib/hook-run.ini.example

# the man page as plain text (hyphens normalised)
render() {
	MANWIDTH=200 LC_ALL=C man -l "$man1" 2>/dev/null | col -b | sed 's/‐/-/g'
}

commands() {
	"$HOOK_RUN" --help | sed -n 's/^  \([a-z-]*\) .*/\1/p' | grep -v -e '^help$' -e '^version$'
}

if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
	test_expect_success 'the man page renders without warnings' '
		MANWIDTH=80 LC_ALL=C man --warnings -l "$man1" >out 2>err &&
		test ! -s err &&
		grep "EXIT STATUS" out
	'
	test_expect_success 'the man page names every command' '
		render >page &&
		for c in $(commands); do grep -q -- "hook-run $c\|^ *$c\$\|^       $c" page || { echo "missing: $c"; exit 1; }; done
	'
	test_expect_success 'the man page names every option of every command' '
		render >page &&
		for c in $(commands); do
			"$HOOK_RUN" $c --help | grep -o -- "--[a-z][a-z-]*" | sort -u >opts &&
			while read -r o; do grep -q -- "$o" page || { echo "$c: $o not in the man page"; exit 1; }; done <opts
		done
	'
	test_expect_success 'the man page names every rule and configuration key' '
		render >page &&
		for r in $("$HOOK_RUN" explain --list | cut -d" " -f1); do grep -q "$r" page || { echo "rule $r"; exit 1; }; done &&
		for k in $(sed -n "s/^\([a-z-]*\) *=.*/\1/p" "$example"); do grep -q -- "$k" page || { echo "key $k"; exit 1; }; done
	'
else
	test_skip 'the man page renders without warnings' "man or groff not installed"
fi

test_expect_success 'the README names every rule and configuration key' '
	for r in $("$HOOK_RUN" explain --list | cut -d" " -f1); do grep -q "\`$r\`" "$readme" || { echo "rule $r"; exit 1; }; done &&
	for k in $(sed -n "s/^\([a-z-]*\) *=.*/\1/p" "$example"); do grep -q "\`$k\`\|\] $k\`" "$readme" || { echo "key $k"; exit 1; }; done
'

test_expect_success 'every command has --help (exit 0, a usage line)' '
	for c in $(commands); do
		"$HOOK_RUN" $c --help >out || { echo "$c --help failed"; exit 1; }
		grep -q "^usage: hook-run" out || { echo "$c: no usage line"; exit 1; }
	done &&
	"$HOOK_RUN" help check | grep -q "^usage: hook-run check"
'

test_expect_success 'an unknown command or option is a usage error (exit 2)' '
	test_expect_code 2 "$HOOK_RUN" frobnicate 2>err &&
	grep "unknown command" err &&
	test_expect_code 2 "$HOOK_RUN" check --frobnicate 2>/dev/null &&
	test_expect_code 2 "$HOOK_RUN" 2>/dev/null
'

if command -v bash >/dev/null 2>&1; then
	complete_words() {
		# $@: the command line words; the last one is being completed
		PATH=$(dirname "$HOOK_RUN"):$PATH bash -c '
			. "$0"
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			_hook_run
			printf "%s\n" "${COMPREPLY[@]}"
		' "$TOP_SRCDIR/contrib/bash-completion/hook-run" "$@"
	}
	test_expect_success 'bash completion: commands, options, values, rules' '
		ln -s "$HOOK_RUN" hook-run &&
		complete_words hook-run ch >out && grep -x check out &&
		complete_words hook-run check --fo >out && grep -x -- --format out &&
		complete_words hook-run check --format s >out && grep -x sarif out &&
		complete_words hook-run explain CopyL >out && grep -x CopyLinkMissing out &&
		complete_words hook-run fix --dr >out && grep -x -- --dry-run out &&
		complete_words hook-run check --severity LinkChown >out && grep -x LinkChownByName=off out
	'
	test_expect_success 'bash completion: every command, and init'"'"'s options' '
		ln -s "$HOOK_RUN" hook-run &&
		complete_words hook-run "" >out &&
		for c in $(commands); do grep -qx "$c" out || { echo "not completed: $c"; exit 1; }; done &&
		complete_words hook-run init --f >out && grep -x -- --force out &&
		complete_words hook-run init --b >out && grep -x -- --baseline out
	'
else
	test_skip 'bash completion' "bash not installed"
fi

test_expect_success 'version --format json names the version, libgit2 and the features' '
	"$HOOK_RUN" version --format json >v.json &&
	python3 -c "import json,sys; d=json.load(open(\"v.json\")); assert d[\"name\"]==\"hook-run\" and d[\"version\"] and d[\"libgit2\"].count(\".\")==2 and isinstance(d[\"features\"], list)" &&
	"$HOOK_RUN" version >v.txt && grep "^hook-run [0-9]" v.txt &&
	test_expect_code 2 "$HOOK_RUN" version --bogus
'

test_expect_success 'every rule has a section in the README that its findings link to' '
	for r in $("$HOOK_RUN" explain --list | cut -d" " -f1); do grep -qx "#### $r" "$readme" || { echo "no section: $r"; exit 1; }; done &&
	printf "FROM alpine:3.20\nCOPY a /srv/\n" >Dockerfile &&
	test_expect_code 1 "$HOOK_RUN" check --no-config --format sarif Dockerfile >out.sarif &&
	grep -q "\"helpUri\": \".*README.md#copylinkmissing\"" out.sarif &&
	test_expect_code 1 "$HOOK_RUN" check --no-config --doc-urls Dockerfile >out.txt &&
	grep -q "^    docs: .*README.md#syntaxdirectivemissing$" out.txt
'

test_expect_success 'the README carries the base image table the program judges by' '
	"$HOOK_RUN" explain --base-images >table &&
	sed -n "/^<!-- base-images: begin/,/^<!-- base-images: end/p" "$readme" | sed "1d;\$d" >readme-table &&
	test_cmp table readme-table
'

# every C file and every script (a tracked file that starts with #!, a .sh
# library, the bash completion) carries the licence's SPDX line: C files on
# line 1, scripts right under their #! line, the rest on line 1; test data
# (cases, fuzz corpora and crashes, migration data) is exempt
if git -C "$TOP_SRCDIR" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
   [ "$(cd "$(git -C "$TOP_SRCDIR" rev-parse --show-toplevel)" && pwd -P)" = "$(cd "$TOP_SRCDIR" && pwd -P)" ]; then
	test_expect_success 'every source file and script carries an SPDX licence line' '
		(cd "$TOP_SRCDIR" && git ls-files -co --exclude-standard) |
			grep -v -e "^test/cases/" -e "^fuzz/corpus/" -e "^fuzz/crashes/" \
				-e "^test/migration-data/" -e "^_build/" >files &&
		missing= &&
		while read -r f; do
			p=$TOP_SRCDIR/$f &&
			if [ ! -f "$p" ]; then continue; fi &&
			case $f in
			*.c|*.h) want="/* SPDX-License-Identifier: MIT */" line=1 ;;
			*) want="# SPDX-License-Identifier: MIT" &&
			   if [ "$(head -c 2 "$p")" = "#!" ]; then line=2
			   elif [ "${f%.sh}" != "$f" ] || [ "${f#contrib/bash-completion/}" != "$f" ]; then line=1
			   else continue; fi ;;
			esac &&
			if [ "$(sed -n "${line}p" "$p")" != "$want" ]; then missing="$missing $f"; fi ||
			return 1
		done <files &&
		if [ -n "$missing" ]; then echo "no SPDX line:$missing"; return 1; fi
	'
else
	test_skip 'every source file and script carries an SPDX licence line' "not a git checkout"
fi

# the daemon's systemd units as systemd itself reads them (offline: no
# running systemd needed); any warning counts
if command -v systemd-analyze >/dev/null 2>&1; then
	test_expect_success 'the systemd units pass systemd-analyze verify without a warning' '
		sed "s|/usr/local/bin/hook-run|$HOOK_RUN|" "$TOP_SRCDIR/contrib/systemd/hook-run.service" >hook-run.service &&
		cp "$TOP_SRCDIR/contrib/systemd/hook-run.socket" hook-run.socket &&
		grep "^ExecStart=$HOOK_RUN serve " hook-run.service &&
		systemd-analyze verify --man=no ./hook-run.socket ./hook-run.service 2>err &&
		{ ! test -s err || { cat err; false; }; }
	'
else
	test_skip 'the systemd units pass systemd-analyze verify without a warning' "no systemd-analyze"
fi

test_done
