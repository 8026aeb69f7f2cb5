#!/bin/sh
# SPDX-License-Identifier: MIT
# install.sh - `hook-run install` / `uninstall`: where the scripts go
# (core.hooksPath, linked worktrees, bare repositories), that a foreign
# hook is refused or chained and never lost, and that the installed
# scripts find hook-run and pass arguments and standard input through.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# foreign_hook PATH: a hook of someone else's that logs its arguments and input
foreign_hook() {
	mkdir -p "$(dirname "$1")" &&
	printf '#!/bin/sh\necho "foreign $*" >>"%s"\ncat >>"%s"\n' "$PWD/foreign.log" "$PWD/foreign.log" >"$1" &&
	chmod +x "$1"
}

test_expect_success 'install: pre-commit and pre-merge-commit, executable, naming this binary' '
	git init -q r && cd r &&
	"$HOOK_RUN" install >out &&
	grep "installed .*/\.git/hooks/pre-commit$" out &&
	grep "installed .*/\.git/hooks/pre-merge-commit$" out &&
	test -x .git/hooks/pre-commit && test -x .git/hooks/pre-merge-commit &&
	test ! -e .git/hooks/pre-receive &&
	real=$(cd "$(dirname "$HOOK_RUN")" && pwd -P)/$(basename "$HOOK_RUN") &&
	grep -F "installed='"'"'$real'"'"'" .git/hooks/pre-commit &&
	"$HOOK_RUN" install >out && grep "updated .*pre-commit" out
'

test_expect_success 'the installed script is hooks/pre-commit with the path filled in' '
	git init -q r && cd r && "$HOOK_RUN" install >/dev/null &&
	sed "s|^installed=.*|installed=X|" .git/hooks/pre-commit >actual &&
	sed "s|^installed=.*|installed=X|" "$TOP_SRCDIR/hooks/pre-commit" >expect &&
	test_cmp expect actual
'

test_expect_success 'core.hooksPath is honoured, relative to the working tree' '
	git init -q r && cd r && mkdir -p sub && git config core.hooksPath .githooks &&
	(cd sub && "$HOOK_RUN" install >../out) &&
	test -x .githooks/pre-commit && test ! -e .git/hooks/pre-commit &&
	write_file Dockerfile "$BAD" && git add Dockerfile &&
	test_expect_code 1 git commit -q -m bad >out 2>&1 && grep CopyLinkMissing out
'

test_expect_success 'core.hooksPath, absolute' '
	git init -q r && cd r && git config core.hooksPath "$PWD/../hooks-dir" &&
	"$HOOK_RUN" install >/dev/null && test -x ../hooks-dir/pre-commit
'

test_expect_success 'a linked worktree installs into the common hooks directory' '
	git init -q r && cd r && write_file README "x\n" && git add . && git commit -q -m x &&
	git worktree add -q ../wt && cd ../wt &&
	"$HOOK_RUN" install >/dev/null && test -x ../r/.git/hooks/pre-commit
'

test_expect_success 'a foreign hook is refused, and nothing is written' '
	git init -q r && cd r &&
	foreign_hook .git/hooks/pre-merge-commit && cp .git/hooks/pre-merge-commit ../before &&
	test_expect_code 2 "$HOOK_RUN" install >out 2>err &&
	grep "pre-merge-commit exists and is not hook-run.s: not overwritten" err &&
	grep -e "--chain" err &&
	test ! -e .git/hooks/pre-commit &&
	cmp ../before .git/hooks/pre-merge-commit
'

test_expect_success '--chain keeps the foreign hook, runs it first, uninstall restores it' '
	git init -q r && cd r &&
	foreign_hook .git/hooks/pre-commit && cp .git/hooks/pre-commit ../before &&
	"$HOOK_RUN" install --chain >out &&
	grep "your previous hook runs first" out &&
	cmp ../before .git/hooks/pre-commit.hook-run-chained &&
	write_file Dockerfile "$BAD" && git add Dockerfile &&
	test_expect_code 1 git commit -q -m bad >out 2>&1 &&
	grep "^foreign" foreign.log && grep CopyLinkMissing out &&
	"$HOOK_RUN" uninstall >out &&
	grep "your previous hook is back" out &&
	cmp ../before .git/hooks/pre-commit &&
	test ! -e .git/hooks/pre-commit.hook-run-chained && test ! -e .git/hooks/pre-merge-commit
'

test_expect_success 'a failing chained hook stops the commit before hook-run runs' '
	git init -q r && cd r &&
	printf "#!/bin/sh\necho chained-refuses; exit 7\n" >.git/hooks/pre-commit && chmod +x .git/hooks/pre-commit &&
	"$HOOK_RUN" install --chain >/dev/null &&
	write_file Dockerfile "$GOOD" && git add Dockerfile &&
	test_expect_code 1 git commit -q -m x >out 2>&1 &&
	grep chained-refuses out && ! grep "staged file checked" out
'

test_expect_success 'uninstall leaves a hook that is not hook-run'"'"'s' '
	git init -q r && cd r &&
	foreign_hook .git/hooks/pre-commit &&
	"$HOOK_RUN" uninstall >out && grep "left .*pre-commit: it is not hook-run.s" out &&
	test -x .git/hooks/pre-commit
'

test_expect_success 'a bare repository gets pre-receive; --server adds hook-run.ini' '
	git init -q --bare s.git && cd s.git &&
	"$HOOK_RUN" install >out && test -x hooks/pre-receive && test ! -e hooks/pre-commit &&
	test ! -e hook-run.ini &&
	"$HOOK_RUN" install --server >out && grep "wrote .*/s.git/hook-run.ini (" out &&
	: | "$HOOK_RUN" pre-receive >out &&
	echo "; mine" >>hook-run.ini && "$HOOK_RUN" install --server >out && grep "kept" out &&
	grep "; mine" hook-run.ini
'

test_expect_success 'a chained pre-receive hook gets the same ref updates as hook-run' '
	git init -q --bare srv.git &&
	foreign_hook srv.git/hooks/pre-receive &&
	(cd srv.git && "$HOOK_RUN" install --pre-receive --chain >/dev/null) &&
	git init -q c && cd c && write_file Dockerfile "$BAD" && git add . && commit_unchecked bad &&
	test_expect_code 1 git push ../srv.git main >out 2>&1 &&
	grep "CopyLinkMissing" out &&
	grep "^0\{40\} $(git rev-parse HEAD) refs/heads/main$" ../foreign.log
'

test_expect_success 'the hook says so when hook-run cannot be found, and fails' '
	git init -q r && cd r && "$HOOK_RUN" install >/dev/null &&
	sed "s|^installed=.*|installed=/nonexistent/hook-run|" .git/hooks/pre-commit >h &&
	mv h .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit &&
	write_file Dockerfile "$GOOD" && git add Dockerfile &&
	PATH=/usr/bin:/bin test_expect_code 1 git commit -q -m x >out 2>&1 &&
	grep "cannot find hook-run (not at ./nonexistent/hook-run., not in PATH)" out &&
	git commit -q --no-verify -m x
'

test_done
