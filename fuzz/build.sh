#!/bin/sh
# SPDX-License-Identifier: MIT
# fuzz/build.sh - build the fuzz targets (what `make fuzz` runs).
#
#   sh fuzz/build.sh SRCDIR OUTDIR TARGETS -- LIBRARY-SOURCES...
#
# Every library source and each fuzz/fuzz_<target>.c is compiled with
# $FUZZ_CC (default clang) and $FUZZ_CFLAGS (coverage for the engine,
# ASan and UBSan), then linked with $FUZZ_ENGINE (default
# -fsanitize=fuzzer: libFuzzer; afl-clang-fast reads the same flag as
# "link AFL++'s libFuzzer driver"). Objects go to OUTDIR/obj and are
# rebuilt only when their source, a header, or the flags changed.
# The caller (Makefile.am) passes the dependencies' flags in DEP_CFLAGS,
# DEP_LIBS and the include flags in CPPFLAGS_ALL. A separate object
# directory keeps these apart from the ordinary build, whose compiler and
# flags may differ.
set -eu
srcdir=$1 outdir=$2 targets=$3
shift 3
[ "${1:-}" = "--" ] && shift

: "${FUZZ_CC:=clang}"
: "${FUZZ_CFLAGS:=-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all}"
: "${FUZZ_ENGINE:=-fsanitize=fuzzer,address,undefined}"
: "${DEP_CFLAGS:=}" "${DEP_LIBS:=}" "${CPPFLAGS_ALL:=}"

if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
	echo "fuzz/build.sh: $FUZZ_CC not found: install clang (contrib/install-deps.sh --test)" >&2
	exit 1
fi

mkdir -p "$outdir/obj"
flags="$FUZZ_CC $FUZZ_CFLAGS $CPPFLAGS_ALL $DEP_CFLAGS"
stamp="$outdir/obj/flags"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$flags" ]; then
	rm -f "$outdir"/obj/*.o
	printf '%s' "$flags" >"$stamp"
fi
# the newest header: any change rebuilds everything (the library is small)
newest_header=$(find "$srcdir/include" "$srcdir/src" "$srcdir/fuzz" -name '*.h' -newer "$stamp" 2>/dev/null | head -1)
[ -n "$newest_header" ] && rm -f "$outdir"/obj/*.o && touch "$stamp"

objs=
jobs=
for src in "$@"; do
	case $src in *.c) ;; *) continue ;; esac
	obj="$outdir/obj/$(echo "$src" | tr '/' '_' | sed 's/\.c$/.o/')"
	objs="$objs $obj"
	if [ ! -f "$obj" ] || [ "$srcdir/$src" -nt "$obj" ]; then
		jobs="$jobs $src"
	fi
done
# two compilers at a time: this machine class has two cores
printf '%s\n' $jobs | grep . | xargs -r -P "${FUZZ_JOBS:-2}" -I{} sh -c '
	src=$1; obj="$2/obj/$(echo "$src" | tr "/" "_" | sed "s/\.c\$/.o/")"
	echo "  FUZZCC   $src"
	$3 -c "$4/$src" -o "$obj"' sh {} "$outdir" "$flags" "$srcdir"
rm -f "$outdir/libhookrun-fuzz.a"
ar cr "$outdir/libhookrun-fuzz.a" $objs

for t in $targets; do
	echo "  FUZZLD   fuzz/fuzz_$t"
	# shellcheck disable=SC2086
	$flags -c "$srcdir/fuzz/fuzz_$t.c" -o "$outdir/obj/fuzz_$t.o"
	# shellcheck disable=SC2086
	$FUZZ_CC $FUZZ_CFLAGS $FUZZ_ENGINE "$outdir/obj/fuzz_$t.o" "$outdir/libhookrun-fuzz.a" $DEP_LIBS \
		-o "$outdir/fuzz_$t"
done
