#!/bin/sh
# SPDX-License-Identifier: MIT
# layering.sh - the pure core stays pure (DESIGN.md section 1, STYLE.md).
#
# The core is src/lib/*.c, src/lib/*.h and src/lib/rules/: bytes in, model,
# findings and edits out. It includes neither libgit2, inih nor jansson, and
# it prints nothing and opens no file: that is the shell's job (src/lib/io,
# report, git, config, and src/cli). Each rule below is one TAP line; a line
# that breaks a rule is shown with its file and line number.
#
# Comments, string and character literals are blanked before the search
# (newlines kept, so line numbers stay right): a comment may say "printf".
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

core_files() {
	for f in "$TOP_SRCDIR"/src/lib/*.c "$TOP_SRCDIR"/src/lib/*.h \
		"$TOP_SRCDIR"/src/lib/rules/*.c "$TOP_SRCDIR"/src/lib/rules/*.h; do
		[ -f "$f" ] && echo "$f"
	done
}

# strip_c FILE: the file with comments and literals replaced by blanks
strip_c() {
	awk '
	BEGIN { state = "code" }
	{
		line = $0; out = ""; n = length(line)
		# #include "file.h": the quoted name is what we look for
		inc = (state == "code" && line ~ /^[ \t]*#[ \t]*include/)
		for (i = 1; i <= n; i++) {
			c = substr(line, i, 1); d = substr(line, i, 2)
			if (state == "block") {
				if (d == "*/") { state = "code"; out = out "  "; i++ } else out = out " "
			} else if (state == "str" || state == "chr") {
				q = (state == "str") ? "\"" : "\047"
				if (c == "\\") { out = out "  "; i++ }
				else if (c == q) { state = "code"; out = out c }
				else out = out " "
			} else if (d == "/*") { state = "block"; out = out "  "; i++ }
			else if (d == "//") { break }
			else if (c == "\"" && !inc) { state = "str"; out = out c }
			else if (c == "\047") { state = "chr"; out = out c }
			else out = out c
		}
		if (state == "str" || state == "chr") state = "code"
		print out
	}' "$1"
}

stripped=$TEST_TMP/core
mkdir -p "$stripped"
core_files >"$TEST_TMP/core.list"
while read -r f; do
	rel=${f#"$TOP_SRCDIR"/}
	mkdir -p "$stripped/$(dirname "$rel")"
	strip_c "$f" >"$stripped/$rel"
done <"$TEST_TMP/core.list"

# check_absent WHAT EREGEX: no core line matches
check_absent() {
	test_expect_success "core: $1" "
		cd '$stripped' &&
		if grep -rnE '$2' src; then
			echo 'the pure core must not do this (see DESIGN.md section 1)' >&2
			false
		fi
	"
}

test_expect_success 'core: the sources are where this script looks' '
	test "$(wc -l <"$TEST_TMP/core.list")" -ge 5 &&
	grep -q "src/lib/dockerfile.c" "$TEST_TMP/core.list" &&
	test -s "$stripped/src/lib/dockerfile.c"
'

# the stripper must not hide real code: a call survives, a comment goes
test_expect_success 'core: comments are blanked, code is kept' '
	printf "%s\n" "int a; /* printf( */ b = printf(\"x\"); // fopen(" \
		"/* puts(" "   stderr */ open(p);" "#include \"ini.h\"" >probe.c &&
	strip_c probe.c >probe.out &&
	grep -q "b = printf(" probe.out &&
	grep -q "open(p)" probe.out &&
	grep -q "include \"ini.h\"" probe.out &&
	! grep -q "fopen\|puts\|stderr" probe.out
'

check_absent 'no libgit2 (<git2.h>, <git2/...>)' '#[[:space:]]*include[[:space:]]*[<"]git2(\.h|/)'
check_absent 'no inih (<ini.h>)' '#[[:space:]]*include[[:space:]]*[<"]ini\.h'
check_absent 'no jansson (<jansson.h>)' '#[[:space:]]*include[[:space:]]*[<"]jansson\.h'
check_absent 'no printing (printf, fprintf, puts, fputs, putchar, perror, ...)' \
	'(^|[^A-Za-z0-9_])(printf|vprintf|fprintf|vfprintf|dprintf|puts|fputs|putchar|fputc|putc|fwrite|perror)[[:space:]]*\('
check_absent 'no opening files (fopen, open, openat, creat, ...)' \
	'(^|[^A-Za-z0-9_.>])(fopen|fdopen|freopen|open|openat|creat|opendir|popen)[[:space:]]*\('
check_absent 'no standard streams (stdout, stderr, stdin)' \
	'(^|[^A-Za-z0-9_])(stdout|stderr|stdin|STDOUT_FILENO|STDERR_FILENO)([^A-Za-z0-9_]|$)'

test_done
