#!/bin/sh
# SPDX-License-Identifier: MIT
# migration.sh - the migration a team runs: a tree of mixed Dockerfiles
# (CRLF, BOM, backtick escape, heredoc, misplaced and old directives,
# multi-stage, scratch, ONBUILD, an excluded vendor copy) goes through
# `hook-run fix` and must come out exactly as test/migration-data/expected-MODE
# (the header and --link added, no other byte changed), with file modes
# kept, no temporary files left, a second run changing nothing, and
# `hook-run check` then passing.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

src=$TOP_SRCDIR/test/migration-data

prepare() {
	cp -R "$src/before" tree
	chmod 0640 tree/docs/site.Dockerfile
	(cd tree && git init -q .)
}

same_tree() {
	diff -r -x .git "$1" "$2"
}

test_expect_success 'fix-mode=all: every copy linked except where it breaks' '
	prepare &&
	(cd tree && "$HOOK_RUN" fix --fix-mode all >../out) &&
	same_tree "$src/expected-all" tree &&
	grep "24 fixed" out &&
	grep "warning: COPY --link into /tmp would reset /tmp from 1777 root:root to 0755 root:root" out &&
	grep "warning: COPY --link into /root/tools/scripts/lib_install would reset /root from 0700 root:root" out
'

test_expect_success 'file modes are kept and no temporary file is left' '
	prepare &&
	(cd tree && "$HOOK_RUN" fix --fix-mode all >/dev/null) &&
	test "$(stat -c %a tree/docs/site.Dockerfile)" = 640 &&
	test -z "$(find tree -name "*.hook-run-*")"
'

test_expect_success 'after fix-mode=all, check passes (warnings only)' '
	prepare &&
	(cd tree && "$HOOK_RUN" fix --fix-mode all >/dev/null) &&
	(cd tree && "$HOOK_RUN" check >../out) &&
	! grep " error: " out &&
	grep "8 files checked, 3 findings (0 failing)" out
'

test_expect_success 'a second fix changes nothing' '
	prepare &&
	(cd tree && "$HOOK_RUN" fix --fix-mode all >/dev/null) &&
	cp -R tree again &&
	(cd again && "$HOOK_RUN" fix --fix-mode all >../out) &&
	same_tree tree again &&
	! grep "fixed" out
'

test_expect_success 'fix-mode=safe leaves the risky copies reported' '
	prepare &&
	(cd tree && test_expect_code 1 "$HOOK_RUN" fix >../out) &&
	same_tree "$src/expected-safe" tree &&
	grep "Containerfile:4:1: error: COPY without --link: adding --link would reset /tmp from 1777" out &&
	grep "Containerfile:8:1: error: COPY without --link: adding --link may reset /opt and /opt/app" out &&
	grep "legacy/Dockerfile.windows:4:1: error: COPY without --link: hook-run cannot prove --link safe: the stage is built on a Windows image" out
'

test_expect_success 'a known directory gets its slash with --link, a directory source does not' '
	prepare &&
	(cd tree && "$HOOK_RUN" fix --fix-mode all >/dev/null) &&
	grep "^COPY --link settings.py /opt/app/.$" tree/services/worker/Containerfile &&
	grep -x "COPY --link --from=build /site/dist /usr/share/nginx/html/" tree/docs/site.Dockerfile &&
	grep -x "COPY --link ./tools/scripts/lib_install ./tools/scripts/lib_install" tree/native/docker/env-jammy/Dockerfile
'

test_expect_success 'the excluded vendor tree is left alone' '
	prepare &&
	(cd tree && "$HOOK_RUN" fix --fix-mode all >/dev/null) &&
	cmp "$src/before/vendor/thing/Dockerfile" tree/vendor/thing/Dockerfile
'

test_expect_success '--dry-run writes nothing and prints the diff' '
	prepare &&
	(cd tree && "$HOOK_RUN" fix --fix-mode all --dry-run >../out) &&
	same_tree "$src/before" tree &&
	grep "^+COPY --link --from=build /out/api /api" out
'

test_done
