/*
 * fileio.h - reading and safely replacing files (the shell layer).
 *
 * Reads are bounded: a file over `max_size` is refused with HR_ETOOBIG before
 * it is read whole, so a 100 MB blob named Dockerfile costs nothing.
 * Writes never leave a half-written file: the new content goes to a
 * temporary file in the same directory, is fsync'd, gets the old file's
 * mode, and is renamed over the old one.
 */
#ifndef HOOK_RUN_FILEIO_H
#define HOOK_RUN_FILEIO_H

#include "hook-run/common.h"

/**
 * Read `path` ("-" for standard input) into a malloc'd buffer (*out, NUL
 * terminated, length *len). `max_size` 0 means no limit. On failure returns
 * HR_EIO, HR_ENOTFOUND or HR_ETOOBIG and writes a message into `err`
 * (at least `errlen` bytes).
 */
int hr_file_read(char **out, size_t *len, const char *path, size_t max_size,
	char *err, size_t errlen);

/**
 * Replace `path` with `len` bytes atomically, keeping its permission bits.
 * Returns 0, or HR_EIO with a message in `err`.
 */
int hr_file_write_atomic(const char *path, const char *data, size_t len,
	char *err, size_t errlen);

#endif
