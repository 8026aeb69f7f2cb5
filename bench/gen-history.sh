#!/bin/sh
# SPDX-License-Identifier: MIT
# gen-history.sh DIR COMMITS FILES - a synthetic monorepo for the benchmarks
# (git-bench.sh, serve-bench.sh): a bare repository at DIR whose main has
# COMMITS commits over FILES files in svcNNN/modNN/ directories, a Dockerfile
# per 200 files, one to three files changed per commit and a Dockerfile every
# tenth commit (one revision in ten without --link), written by git
# fast-import and repacked as a served repository is packed.
# BENCH_ATTRIBUTES=1 adds .gitattributes files.
set -eu
WORK_REPO=$1 COMMITS=$2 FILES=$3
git init -q --bare --initial-branch=main "$WORK_REPO"
awk -v commits="$COMMITS" -v files="$FILES" -v attrs="${BENCH_ATTRIBUTES:-0}" '
function path(i) {
	if (i % 200 == 0)
		return sprintf("svc%03d/mod%02d/app%05d/Dockerfile", i % 100, int(i / 100) % 10, i)
	return sprintf("svc%03d/mod%02d/file%05d.txt", i % 100, int(i / 100) % 10, i)
}
function content(i, rev,   bad) {
	if (i % 200 != 0)
		return sprintf("file %d, revision %d\n", i, rev)
	bad = (rev % 10 == 9)
	return sprintf("# syntax=docker/dockerfile:1\nFROM alpine:3.%d\nWORKDIR /app\nCOPY %s--from=build /out/app%d /app/\nRUN echo revision %d\n",
		rev % 20, bad ? "" : "--link ", i, rev)
}
function blob(p, data) {
	printf "M 100644 inline %s\ndata %d\n%s\n", p, length(data), data
}
BEGIN {
	srand(42)
	t = 1500000000
	printf "commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\ndata 7\ninitial\n", t
	for (i = 0; i < files; i++)
		blob(path(i), content(i, 0))
	if (attrs) {
		blob(".gitattributes", "*.txt text\nsvc000/mod01/** linguist-vendored\n")
		for (i = 0; i < 100; i++)
			blob(sprintf("svc%03d/.gitattributes", i), "*.txt -diff\n")
	}
	ndocker = int((files + 199) / 200)
	for (c = 1; c < commits; c++) {
		printf "commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\ndata %d\ncommit %d\n",
			t + c, length("commit " c), c
		n = 1 + c % 3
		for (k = 0; k < n; k++) {
			i = int(rand() * files)
			blob(path(i), content(i, c))
		}
		if (c % 10 == 0) {
			i = 200 * int(rand() * ndocker)
			if (i < files)
				blob(path(i), content(i, c))
		}
	}
}' | MALLOC_TOP_PAD_=268435456 git -C "$WORK_REPO" fast-import --quiet
# (a large malloc top pad: fast-import otherwise spends its time in brk())
# packed the way git packs a served repository (fast-import's own pack has
# forward delta chains, which no clone or push produces)
git -C "$WORK_REPO" repack -a -d -f -q
