/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - what the fuzz targets of fuzz/ share.
 *
 * Each fuzz_<name>.c defines LLVMFuzzerTestOneInput(), the entry point of
 * libFuzzer, AFL++ (its libFuzzer driver) and fuzz/standalone.c (which
 * replays files, for the test suite and for builds without a fuzzing
 * engine). A property that does not hold is a crash: FUZZ_ASSERT prints
 * what failed and aborts, so every engine records the input.
 */
#ifndef HOOK_RUN_FUZZ_H
#define HOOK_RUN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond, what) do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, (what)); \
			abort(); \
		} \
	} while (0)

#endif
