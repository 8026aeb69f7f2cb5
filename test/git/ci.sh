#!/bin/sh
# SPDX-License-Identifier: MIT
# ci.sh - CI mode: `hook-run audit --range BASE..HEAD` (and BASE...HEAD) on
# real repositories, and the two CI files of contrib/ci/, whose hook-run
# command lines are taken out of the YAML and run, with the variables GitHub
# Actions and GitLab CI set, in a checkout made the way each system makes
# it (GitHub: the pull request's merge commit, fetch-depth 0; GitLab: the
# merge request's head, detached, GIT_DEPTH 0).
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/test/git/lib-git.sh"

schemas=$TOP_SRCDIR/test/schemas
PYTHON=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null; then
		PYTHON=$p
		break
	fi
done

# sarif_valid FILE: valid against the SARIF 2.1.0 schema (as test/formats.sh
# checks it); without python3-jsonschema, at least JSON with a version
sarif_valid() {
	if [ -n "$PYTHON" ]; then
		"$PYTHON" "$schemas/validate.py" "$schemas/sarif-2.1.0.json" "$1"
	else
		grep -q '"version": "2.1.0"' "$1"
	fi
}

# a repository `r` with history:
#   base    (main)     Dockerfile, good
#   feature            adds app/Dockerfile (bad), then a README
#   main moves on      adds legacy/Dockerfile (bad): not the branch's doing
# and HEAD on feature
branches() {
	git init -q r && cd r &&
	write_file Dockerfile "$GOOD" && git add . && commit_unchecked base &&
	git checkout -q -b feature &&
	write_file app/Dockerfile "$BAD" && git add . && commit_unchecked app &&
	app=$(git rev-parse --short=10 HEAD) &&
	write_file README "feature\n" && git add . && commit_unchecked readme &&
	git checkout -q main &&
	write_file legacy/Dockerfile "$BAD" && git add . && commit_unchecked legacy &&
	git checkout -q feature
}

# expect_app RANGE: the text report of the feature's bad commit
expect_app() {
	cat <<-EOF
	$1:
	$app:app/Dockerfile:1:1: error: no \`# syntax=\` directive: the build uses whatever Dockerfile frontend the builder bundles, which may not support COPY --link [SyntaxDirectiveMissing]
	    fix (safe): insert \`# syntax=docker/dockerfile:1\` as line 1; run \`hook-run fix app/Dockerfile\`
	$app:app/Dockerfile:2:1: error: COPY without --link: nothing here depends on the previous layer, so adding --link keeps the image the same and lets this layer's cache survive changes to earlier layers [CopyLinkMissing]
	    fix (safe): insert --link after COPY; run \`hook-run fix app/Dockerfile\`
	hook-run: 2 findings in 1 commit of $1
	hook-run: 1 changed file checked, 2 findings in 0.00s
	EOF
}

# ---- the range ----------------------------------------------------------

test_expect_success 'BASE..HEAD: exactly what the branch adds, not what the base did since' '
	branches &&
	test_expect_code 1 "$HOOK_RUN" audit --range main..feature >out &&
	expect_app main..feature >expect && test_cmp expect out &&
	test_expect_code 1 "$HOOK_RUN" audit --range main.. >out &&
	expect_app main.. >expect && test_cmp expect out
'

test_expect_success 'BASE...HEAD (the merge-base form CI systems give) walks the same commits' '
	branches &&
	test_expect_code 1 "$HOOK_RUN" audit --range main...HEAD >out &&
	expect_app main...HEAD >expect && test_cmp expect out &&
	test_expect_code 1 "$HOOK_RUN" audit --range feature...main >out &&
	grep "legacy/Dockerfile:2:1" out && ! grep "app/Dockerfile" out
'

test_expect_success 'nothing new: said, and clean' '
	branches &&
	"$HOOK_RUN" audit --range feature..feature >out &&
	cat >expect <<-\EOF &&
	hook-run: feature..feature adds no commit: nothing to check
	hook-run: no Dockerfile matched (paths: Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile, Containerfile, Containerfile.*; exclude, exclude-suffixes, vendored and .gitattributes may leave files out)
	EOF
	test_cmp expect out
'

test_expect_success 'merging the target branch in adds nothing; an evil merge does' '
	branches &&
	git merge -q --no-ff --no-verify -m "merge main" main &&
	test_expect_code 1 "$HOOK_RUN" audit --range main...HEAD >out &&
	expect_app main...HEAD >expect && test_cmp expect out &&
	git reset -q --hard HEAD^ &&
	git merge -q --no-ff --no-commit --no-verify main &&
	write_file evil/Dockerfile "$BAD" && git add . && commit_unchecked "evil merge" &&
	evil=$(git rev-parse --short=10 HEAD) &&
	test_expect_code 1 "$HOOK_RUN" audit --range main...HEAD >out &&
	grep "^$evil:evil/Dockerfile:2:1: error" out && grep "4 findings in 2 commits of main...HEAD" out
'

test_expect_success 'a path counts only when it differs from every parent; each clean blob is read once' '
	branches &&
	write_file svc/Dockerfile "$GOOD" && git add . && commit_unchecked svc &&
	git checkout -q -b other main~1 && write_file svc/Dockerfile "$GOOD" && git add . && commit_unchecked same &&
	git checkout -q feature && git merge -q --no-ff --no-verify -m "merge other" other &&
	test_expect_code 1 "$HOOK_RUN" audit --range main~1..HEAD --stats >out 2>err &&
	grep "2 findings in 1 commit" out && grep "^hook-run: 3 changed files checked, 2 findings" out &&
	grep "stats: 5 commits, .* 3 changes, 2 distinct blobs, 2 blobs read" err
'

test_expect_success '--scope tips: a bad commit fixed later in the branch passes; commits does not' '
	branches &&
	write_file app/Dockerfile "$GOOD" && git add . && commit_unchecked "fix app" &&
	test_expect_code 1 "$HOOK_RUN" audit --range main...HEAD >out &&
	grep "2 findings in 1 commit of main...HEAD" out &&
	"$HOOK_RUN" audit --range main...HEAD --scope tips >out &&
	grep "1 changed file checked, 0 findings" out &&
	printf "[pre-receive]\nscope = tips\n" >.hook-run.ini && git add .hook-run.ini && commit_unchecked tips &&
	"$HOOK_RUN" audit --range main...HEAD >out &&
	grep "1 changed file checked, 0 findings" out
'

test_expect_success 'the configuration is HEAD'"'"'s .hook-run.ini, or --config, never a mix' '
	branches &&
	printf "[rules]\nSyntaxDirectiveMissing = off\n" >.hook-run.ini && git add . && commit_unchecked config &&
	test_expect_code 1 "$HOOK_RUN" audit --range main...HEAD >out &&
	grep "1 finding in 1 commit" out && ! grep SyntaxDirectiveMissing out &&
	git checkout -q main && test_expect_code 1 "$HOOK_RUN" audit --range main...feature >out &&
	grep "1 finding in 1 commit" out &&
	printf "[rules]\nCopyLinkMissing = off\n" >../other.ini &&
	test_expect_code 1 "$HOOK_RUN" audit --range main...feature --config ../other.ini >out &&
	grep "\[SyntaxDirectiveMissing\]" out && ! grep "\[CopyLinkMissing\]" out &&
	HOOK_RUN_CONFIG=../other.ini test_expect_code 1 "$HOOK_RUN" audit --range main...feature >out2 &&
	test_cmp out out2
'

test_expect_success 'usage errors: exit 2 with a message' '
	branches &&
	test_expect_code 2 "$HOOK_RUN" audit --range main 2>err &&
	grep "expected BASE..HEAD or BASE...HEAD, got .main." err &&
	test_expect_code 2 "$HOOK_RUN" audit --range main..nope 2>err && grep "nope" err &&
	test_expect_code 2 "$HOOK_RUN" audit --range "main..HEAD^{tree}" 2>err && grep "is not a commit" err &&
	test_expect_code 2 "$HOOK_RUN" audit --range main..HEAD HEAD 2>err &&
	test_expect_code 2 "$HOOK_RUN" audit --range main..HEAD --worktree 2>err &&
	test_expect_code 2 "$HOOK_RUN" audit --scope tips 2>err && grep "goes with --range" err &&
	test_expect_code 2 "$HOOK_RUN" audit --range main..HEAD --scope all 2>err
'

test_expect_success 'a shallow clone without the base says how to fetch it' '
	branches && cd .. &&
	git clone -q --depth 1 --branch feature "file://$(pwd)/r" shallow && cd shallow &&
	test_expect_code 2 "$HOOK_RUN" audit --range origin/main...HEAD 2>err &&
	grep "shallow clone: fetch the whole history" err
'

test_expect_success 'every format: the same exit codes, SARIF valid, the range named' '
	branches &&
	for f in text json sarif junit gitlab github; do
		test_expect_code 1 "$HOOK_RUN" audit --range main...HEAD --format $f >out.$f || return 1
	done &&
	sarif_valid out.sarif &&
	grep "\"uri\": \"app/Dockerfile\"" out.sarif && ! grep legacy out.sarif &&
	grep "\"ref\": \"main...HEAD\"" out.json &&
	grep "\"check_name\": \"CopyLinkMissing\"" out.gitlab && grep "\"path\": \"app/Dockerfile\"" out.gitlab &&
	grep "^::error file=app/Dockerfile,line=2," out.github &&
	grep "name=\"app/Dockerfile (main...HEAD, " out.junit &&
	if command -v xmllint >/dev/null 2>&1; then
		xmllint --noout --schema "$schemas/junit-10.xsd" out.junit 2>/dev/null
	fi &&
	git checkout -q main &&
	test_expect_code 1 "$HOOK_RUN" audit --range main^..main~0 --format sarif >legacy.sarif &&
	grep "\"uri\": \"legacy/Dockerfile\"" legacy.sarif && sarif_valid legacy.sarif &&
	test_expect_code 0 "$HOOK_RUN" audit --range feature~1..feature --format sarif >clean.sarif &&
	sarif_valid clean.sarif
'

test_expect_success '--baseline hides what an earlier report recorded' '
	branches &&
	test_expect_code 1 "$HOOK_RUN" audit --range main...HEAD --format json >baseline.json &&
	"$HOOK_RUN" audit --range main...HEAD --baseline baseline.json >out &&
	grep "1 changed file checked, 0 findings, 2 hidden by the baseline" out
'

# ---- the CI files ---------------------------------------------------------

# ci_commands FILE: FILE's command lines that run hook-run (a `run:` value
# or a `script:` item), one a line, as the file writes them
ci_commands() {
	sed -n 's/^[[:space:]]*\(- \)\{0,1\}\(run: \)\{0,1\}\(hook-run .*\)$/\3/p' "$1"
}

# origin.git with main and feature as `branches` makes them, and a
# directory bin/ whose hook-run is the one under test
ci_origin() {
	branches && cd .. &&
	git clone -q --bare r origin.git &&
	mkdir bin && ln -s "$HOOK_RUN" bin/hook-run
}

if command -v python3 >/dev/null 2>&1 && python3 -c "import yaml" 2>/dev/null; then
	test_expect_success 'the CI files are YAML, and their hook-run lines are what the steps run' '
		for f in github-actions gitlab-ci; do
			python3 -c "import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
steps = d[\"jobs\"][\"dockerfiles\"][\"steps\"] if \"jobs\" in d else None
runs = [s[\"run\"] for s in steps if \"run\" in s] if steps else d[\"hook-run\"][\"script\"]
print(\"\\n\".join(r for r in runs if r.startswith(\"hook-run \")))" \
				"$TOP_SRCDIR/contrib/ci/$f.yml" >parsed.$f &&
			ci_commands "$TOP_SRCDIR/contrib/ci/$f.yml" >extracted.$f &&
			test_cmp parsed.$f extracted.$f || return 1
		done
	'
else
	test_skip 'the CI files are YAML, and their hook-run lines are what the steps run' "no python3-yaml"
fi

# github_run DIR: run the workflow's hook-run lines in DIR as the runner
# does (expressions substituted, `bash -e`), each exit code in DIR/codes
github_run() {
	ci_commands "$TOP_SRCDIR/contrib/ci/github-actions.yml" >commands &&
	test "$(wc -l <commands)" = 2 &&
	(
		cd "$1" &&
		CI=true GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_BASE_REF=main \
		GITHUB_HEAD_REF=feature GITHUB_REF=refs/pull/1/merge GITHUB_WORKSPACE=$(pwd) \
		GITHUB_SHA=$(git rev-parse HEAD) PATH="$(cd ../bin && pwd):$PATH" &&
		export CI GITHUB_ACTIONS GITHUB_EVENT_NAME GITHUB_BASE_REF GITHUB_HEAD_REF GITHUB_REF \
			GITHUB_WORKSPACE GITHUB_SHA PATH &&
		: >codes &&
		n=0 && while read -r line; do
			n=$((n + 1))
			cmd=$(printf "%s\n" "$line" | sed "s/\${{ *github\.base_ref *}}/$GITHUB_BASE_REF/g")
			case $cmd in *"\${{"*) echo "an expression left: $cmd" >&2; exit 1 ;; esac
			bash -e -c "$cmd" >step$n.out 2>step$n.err </dev/null
			echo $? >>codes
		done <../commands
	)
}

# the checkout actions/checkout makes for a pull request: the whole history
# (fetch-depth: 0), and the merge commit GitHub prepares (refs/pull/N/merge:
# the base branch's tip merged with the pull request's head), detached
github_checkout() {
	git clone -q origin.git ws && cd ws &&
	git checkout -q --detach origin/main &&
	git merge -q --no-ff --no-verify -m "Merge feature into main" origin/feature &&
	git update-ref refs/remotes/pull/1/merge HEAD &&
	cd ..
}

test_expect_success 'github-actions.yml: a pull request with a bad Dockerfile: SARIF uploaded, check fails' '
	ci_origin && github_checkout &&
	github_run ws &&
	printf "0\n1\n" >expect && test_cmp expect ws/codes &&
	sarif_valid ws/hook-run.sarif &&
	grep "\"uri\": \"app/Dockerfile\"" ws/hook-run.sarif && ! grep "legacy/" ws/hook-run.sarif &&
	test ! -s ws/step1.out && test ! -s ws/step1.err &&
	app=$(git -C ws rev-parse --short=10 origin/feature^) &&
	expect_app origin/main...HEAD >expect && test_cmp expect ws/step2.out
'

# clean_feature: origin.git's feature replaced by a branch that adds a good Dockerfile
clean_feature() {
	git -C r checkout -q -B feature main~1 && write_file r/app/Dockerfile "$GOOD" &&
	git -C r add . && git -C r commit -q --no-verify -m good &&
	git -C r push -q -f ../origin.git feature
}

test_expect_success 'github-actions.yml: a clean pull request passes both steps' '
	ci_origin && clean_feature &&
	github_checkout &&
	github_run ws &&
	printf "0\n0\n" >expect && test_cmp expect ws/codes &&
	sarif_valid ws/hook-run.sarif &&
	grep "1 changed file checked, 0 findings" ws/step2.out
'

test_expect_success 'github-actions.yml: an error (a shallow checkout) fails the SARIF step' '
	ci_origin &&
	git clone -q --depth 1 --branch feature "file://$(pwd)/origin.git" ws &&
	github_run ws &&
	printf "1\n2\n" >expect && test_cmp expect ws/codes &&
	grep "shallow clone" ws/step1.err && grep "shallow clone" ws/step2.err
'

# gitlab_run DIR: the job's hook-run lines in DIR as the runner runs its
# script (`set -eo pipefail`), each exit code in DIR/codes
gitlab_run() {
	ci_commands "$TOP_SRCDIR/contrib/ci/gitlab-ci.yml" >commands &&
	test "$(wc -l <commands)" = 2 &&
	(
		cd "$1" &&
		CI=true GITLAB_CI=true CI_PIPELINE_SOURCE=merge_request_event \
		CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main CI_MERGE_REQUEST_SOURCE_BRANCH_NAME=feature \
		CI_MERGE_REQUEST_DIFF_BASE_SHA=$(git merge-base origin/main origin/feature) \
		CI_COMMIT_SHA=$(git rev-parse HEAD) CI_PROJECT_DIR=$(pwd) PATH="$(cd ../bin && pwd):$PATH" &&
		export CI GITLAB_CI CI_PIPELINE_SOURCE CI_MERGE_REQUEST_TARGET_BRANCH_NAME \
			CI_MERGE_REQUEST_SOURCE_BRANCH_NAME CI_MERGE_REQUEST_DIFF_BASE_SHA CI_COMMIT_SHA \
			CI_PROJECT_DIR PATH &&
		: >codes &&
		n=0 && while read -r line; do
			n=$((n + 1))
			bash -e -o pipefail -c "$line" >step$n.out 2>step$n.err </dev/null
			echo $? >>codes
		done <../commands
	)
}

# the checkout GitLab's runner makes for a merge request pipeline: the
# whole history (GIT_DEPTH: 0), the source branch's head detached
gitlab_checkout() {
	git clone -q origin.git ws && git -C ws checkout -q --detach origin/feature
}

test_expect_success 'gitlab-ci.yml: a merge request with a bad Dockerfile: code quality report, job fails' '
	ci_origin && gitlab_checkout &&
	gitlab_run ws &&
	printf "0\n1\n" >expect && test_cmp expect ws/codes &&
	python3 -c "import json, sys
issues = json.load(open(sys.argv[1]))
assert [i[\"location\"][\"path\"] for i in issues] == [\"app/Dockerfile\"] * 2, issues
assert sorted(i[\"check_name\"] for i in issues) == [\"CopyLinkMissing\", \"SyntaxDirectiveMissing\"]" \
		ws/gl-code-quality-report.json &&
	base=$(git -C ws merge-base origin/main origin/feature) &&
	app=$(git -C ws rev-parse --short=10 origin/feature^) &&
	expect_app "$base..HEAD" >expect && test_cmp expect ws/step2.out
'

test_expect_success 'gitlab-ci.yml: a clean merge request passes, with an empty report' '
	ci_origin && clean_feature &&
	gitlab_checkout && gitlab_run ws &&
	printf "0\n0\n" >expect && test_cmp expect ws/codes &&
	echo "[]" >expect && test_cmp expect ws/gl-code-quality-report.json
'

test_done
