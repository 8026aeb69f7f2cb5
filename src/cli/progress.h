/* SPDX-License-Identifier: MIT */
/*
 * progress.h - one progress line on standard error for long work (audit
 * --history, --range, --repos), only when standard error is a terminal.
 *
 *   hr_progress p;
 *   hr_progress_start(&p, "audit --history", "commits");
 *   ... hr_progress_update(&p, done, total);     (total 0: unknown)
 *   ... hr_progress_clear(&p) before printing anything else to the terminal
 *   hr_progress_stop(&p);                        erases the line
 */
#ifndef HOOK_RUN_CLI_PROGRESS_H
#define HOOK_RUN_CLI_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct hr_progress {
	bool on;             /* standard error is a terminal */
	const char *title;   /* what runs: "audit --history" */
	const char *unit;    /* what is counted: "commits" */
	double start;        /* when the work started */
	double delay;        /* nothing is shown before start + delay: short work prints nothing */
	double next;         /* the earliest time of the next redraw */
	double interval;     /* between redraws */
	size_t width;        /* characters on the line now; 0: nothing shown */
} hr_progress;

/*
 * Start counting. On only when standard error is a terminal; the first
 * line appears after a second (HOOK_RUN_TEST_PROGRESS_DELAY=SECONDS: tests,
 * 0 also redraws at every update).
 */
void hr_progress_start(hr_progress *p, const char *title, const char *unit);

/* `done` of `total` (0: unknown): the count, the rate and, with a total, the time left. */
void hr_progress_update(hr_progress *p, size_t done, size_t total);

/* Erase the line, so that other output starts at column 0; the next update redraws it. */
void hr_progress_clear(hr_progress *p);

/* Erase the line for good. */
void hr_progress_stop(hr_progress *p);

/* hr_progress_update as a `void (*)(void *, size_t, size_t)` (hr_walk_opts.progress). */
void hr_progress_walk(void *progress, size_t done, size_t total);

#endif
