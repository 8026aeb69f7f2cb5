#!/bin/sh
# SPDX-License-Identifier: MIT
# audit-repos.sh - `hook-run audit --repos ROOT`, the fleet audit: every
# repository under ROOT (bare and not), its default branch or every ref,
# the server's policy, the same report whatever the number of jobs, every
# format, and the verdict cache of a [serve] configuration.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

# fleet: ./fleet with good/, bad/ (two findings), empty/ (no commit),
# mirror.git (bare, good on main, bad on a branch) and nested/deep/repo
fleet() {
	mkdir fleet &&
	for r in good bad empty nested/deep/repo; do git init -q "fleet/$r" || return 1; done &&
	write_file fleet/good/Dockerfile "$GOOD" && write_file fleet/bad/app/Dockerfile "$BAD" &&
	write_file fleet/nested/deep/repo/Dockerfile "$GOOD" &&
	for r in good bad nested/deep/repo; do
		(cd "fleet/$r" && git add . && commit_unchecked one) || return 1
	done &&
	git clone -q --bare fleet/good fleet/mirror.git &&
	(cd fleet/bad && git push -q ../mirror.git HEAD:refs/heads/topic)
}

test_expect_success 'the default branch of every repository, one report, exit 1' '
	fleet &&
	test_expect_code 1 "$HOOK_RUN" audit --repos fleet --jobs 1 >out 2>err &&
	grep "^bad HEAD:$" out && ! grep "^good HEAD:" out &&
	grep "^app/Dockerfile:1:1: error: .*\[SyntaxDirectiveMissing\]" out &&
	grep "hook-run: 4 of 5 repositories comply" out &&
	grep "hook-run: 4 files checked, 2 findings" out
'

test_expect_success 'every job count gives the same bytes, in every format' '
	fleet &&
	for f in text json sarif junit gitlab github; do
		test_expect_code 1 "$HOOK_RUN" audit --repos fleet --jobs 1 --format $f >one.$f 2>&1 &&
		test_expect_code 1 "$HOOK_RUN" audit --repos fleet --jobs 4 --format $f >four.$f 2>&1 &&
		test_cmp one.$f four.$f || return 1
	done &&
	python3 -c "import json; d = json.load(open(\"four.json\")); assert [f[\"ref\"] for f in d[\"files\"]] == [\"bad HEAD\"] * 2 or len(d[\"files\"]) == 1, d[\"files\"]"
'

test_expect_success '--all-refs judges every branch and tag' '
	fleet &&
	test_expect_code 1 "$HOOK_RUN" audit --repos fleet --all-refs >out &&
	grep "^mirror.git refs/heads/topic:$" out && grep "^bad refs/heads/main:$" out &&
	grep "hook-run: 3 of 5 repositories comply" out
'

test_expect_success 'the server policy judges, never a repository file; a clean fleet exits 0' '
	fleet &&
	printf "[rules]\nCopyLinkMissing = off\nSyntaxDirectiveMissing = off\n" >policy.ini &&
	printf "[rules]\nCopyLinkMissing = error\n" >fleet/good/.hook-run.ini &&
	(cd fleet/good && git add . && commit_unchecked cfg) &&
	"$HOOK_RUN" audit --repos fleet --config policy.ini >out &&
	grep "hook-run: 5 of 5 repositories comply" out
'

test_expect_success 'a [serve] cache is shared: the second audit hits it' '
	fleet && mkdir -m 700 run &&
	printf "[serve]\ncache = %s/cache.mdb\n" "$PWD" >serve.ini &&
	test_expect_code 1 "$HOOK_RUN" audit --repos fleet --config serve.ini --jobs 2 >first &&
	test -f cache.mdb &&
	test_expect_code 1 "$HOOK_RUN" audit --repos fleet --config serve.ini --jobs 2 >second &&
	test_cmp first second
'

test_expect_success 'usage errors' '
	test_expect_code 2 "$HOOK_RUN" audit --repos . HEAD 2>err && grep "takes no revision" err &&
	test_expect_code 2 "$HOOK_RUN" audit --jobs 2 2>err && grep "go with --repos" err &&
	test_expect_code 2 "$HOOK_RUN" audit --repos . --jobs 0 2>err &&
	test_expect_code 2 "$HOOK_RUN" audit --repos /nonexistent 2>err && grep "/nonexistent" err
'

test_done
