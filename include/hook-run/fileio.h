/* SPDX-License-Identifier: MIT */
/*
 * fileio.h - reading and safely replacing files (the shell layer).
 *
 * Reads are bounded: a file over `max_size` is refused with HR_ETOOBIG before
 * it is read whole, so a 100 MB blob named Dockerfile costs nothing.
 *
 * Symbolic links: the files hook-run judges and rewrites are read and
 * written without ever following one (hr_file_read_beneath(),
 * hr_file_write_atomic()): a link named Dockerfile, or a directory on the
 * way that is a link, is HR_ESYMLINK, never the file it points to. A
 * repository can hold `ln -s /proc/self/environ Dockerfile`; CI must not
 * put the job's environment into a report, nor `fix` write outside the
 * tree. Configuration and baseline files named by the user are read with
 * hr_file_read(), which follows links as any tool does.
 *
 * Writes never leave a half-written file: the new content goes to an
 * unnamed temporary file (O_TMPFILE) in the same directory, is fsync'd,
 * gets the old file's mode, is linked under a temporary name and renamed
 * over the old one, with the catchable signals held for those two calls.
 * Killed at any moment, even by SIGKILL, hook-run leaves the old file or
 * the new one, and at most (in that two-call window) one
 * NAME.hook-run-XXXXXX file; where O_TMPFILE is not supported, a named
 * temporary file that hr_cleanup_*() removes on a catchable signal.
 */
#ifndef HOOK_RUN_FILEIO_H
#define HOOK_RUN_FILEIO_H

#include <signal.h>

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
 * Is any component of `rel` a symbolic link? `rel` is relative to `root`
 * (an absolute directory with a trailing '/'), or to the current directory
 * when `root` is NULL; every prefix of `rel` is checked with lstat() (for an
 * absolute `rel`, only its last component). Returns 0, or HR_ESYMLINK with
 * "'PREFIX' is a symbolic link" in `err`; components that do not exist are
 * left for the caller's open to report.
 */
int hr_path_check_beneath(const char *root, const char *rel, char *err, size_t errlen);

/**
 * hr_file_read() of `root` + `rel` (see hr_path_check_beneath()) that
 * follows no symbolic link, reads only a regular file (never a FIFO or a
 * device, which could block or never end) and opens the last component
 * with O_NOFOLLOW. HR_ESYMLINK when a link is in the way; *link_target then
 * holds the link's target (NUL-terminated, cut to `target_len`) when the
 * last component is the link, else "".
 */
int hr_file_read_beneath(char **out, size_t *len, const char *root, const char *rel, size_t max_size,
	char *link_target, size_t target_len, char *err, size_t errlen);

/**
 * Replace `path` with `len` bytes atomically, keeping its permission bits
 * (see the file comment). `path` itself must not be a symbolic link
 * (HR_ESYMLINK); check its directories with hr_path_check_beneath() first.
 * Returns 0, HR_ESYMLINK, or HR_EIO with a message in `err`; the old file
 * is untouched on any failure (ENOSPC, a read-only directory...).
 */
int hr_file_write_atomic(const char *path, const char *data, size_t len,
	char *err, size_t errlen);

/*
 * Cleanup on signals: files hook-run creates and must not leave behind
 * (a named temporary file, a lock) are registered while they exist; on
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT or SIGPIPE the handler unlinks them and
 * dies of the same signal. Up to 8 at a time; registering more returns -1
 * (the caller then holds the signals instead).
 */
void hr_cleanup_install(void);
int hr_cleanup_register(const char *path);
void hr_cleanup_unregister(int slot);

/* Hold the catchable signals around a step that must not be cut in two. */
void hr_signals_hold(sigset_t *saved);
void hr_signals_release(const sigset_t *saved);

#endif
