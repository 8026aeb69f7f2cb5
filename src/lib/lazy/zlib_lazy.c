/* SPDX-License-Identifier: MIT */
/*
 * zlib_lazy.c - zlib, loaded on first use (see lazylib.c): the zlib
 * functions hook-run calls, each a trampoline to the library's. Packs are
 * inflated with libdeflate (git/packread.c); zlib is for what comes as a
 * stream: loose objects (git/loose.c, the objects of a push smaller than
 * receive.unpackLimit), the blob a pre-commit fix writes (git/staged.c),
 * and the version report. A push that arrived as a pack and a pre-commit
 * that finds nothing to fix never load it. zlib.h's inflateInit() and
 * deflateInit() are macros over inflateInit_() and deflateInit_(). A
 * function missing here is an undefined reference at link time.
 */
#include "config.h"

#include <zlib.h>

#include "lazylib.h"

#define HR_ZLIB_FUNCTIONS(X) \
	X(int, deflate, (z_streamp strm, int flush), (strm, flush)) \
	X(int, deflateEnd, (z_streamp strm), (strm)) \
	X(int, deflateInit_, (z_streamp strm, int level, const char *version, int stream_size), \
		(strm, level, version, stream_size)) \
	X(int, inflate, (z_streamp strm, int flush), (strm, flush)) \
	X(int, inflateEnd, (z_streamp strm), (strm)) \
	X(int, inflateInit_, (z_streamp strm, const char *version, int stream_size), \
		(strm, version, stream_size)) \
	X(const char *, zlibVersion, (void), ())

#define HR_ZLIB_VOID_FUNCTIONS(X)

HR_LAZY_LIBRARY("libz.so." HR_ZLIB_SOVERSION, HR_ZLIB_LIBDIR "/libz.so." HR_ZLIB_SOVERSION,
	HR_ZLIB_FUNCTIONS, HR_ZLIB_VOID_FUNCTIONS)
