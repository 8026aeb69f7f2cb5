/* SPDX-License-Identifier: MIT */
/*
 * progress.c - the progress line of long audits (see progress.h).
 *
 * Standard error only, and only a terminal: a file, a pipe or a CI log gets
 * nothing, so reports and logs stay byte for byte what they were. The line
 * is rewritten in place with '\r' and padded with spaces over what the
 * previous one left (no escape sequences: TERM=dumb terminals too), and
 * erased when the work ends or before anything else is printed, so the
 * terminal keeps no trace of it. Redraws are throttled by the clock (ten a
 * second), never by the count: a fast walk costs one clock read per update.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "progress.h"

void hr_progress_start(hr_progress *p, const char *title, const char *unit)
{
	const char *delay = getenv("HOOK_RUN_TEST_PROGRESS_DELAY");
	memset(p, 0, sizeof(*p));
	p->on = isatty(STDERR_FILENO);
	p->title = title;
	p->unit = unit;
	p->start = hr_cli_now();
	p->delay = delay && *delay ? strtod(delay, NULL) : 1.0;
	p->interval = p->delay > 0 ? 0.1 : 0;
	p->next = p->start + p->delay;
}

/* "42s", "3m05s", "2h07m" */
static void duration(char *buf, size_t len, double seconds)
{
	unsigned long s = seconds > 0 ? (unsigned long)(seconds + 0.5) : 0;
	if (s < 60)
		snprintf(buf, len, "%lus", s);
	else if (s < 3600)
		snprintf(buf, len, "%lum%02lus", s / 60, s % 60);
	else
		snprintf(buf, len, "%luh%02lum", s / 3600, (s / 60) % 60);
}

void hr_progress_update(hr_progress *p, size_t done, size_t total)
{
	if (!p->on)
		return;
	double now = hr_cli_now();
	if (now < p->next)
		return;
	p->next = now + p->interval;
	double spent = now - p->start, rate = spent > 0 ? (double)done / spent : 0;
	char line[256], eta[32] = "";
	int n;
	if (total && done <= total) {
		if (rate > 0)
			duration(eta, sizeof(eta), (double)(total - done) / rate);
		n = snprintf(line, sizeof(line), "hook-run: %s: %zu of %zu %s (%d%%), %.0f/s%s%s", p->title,
			done, total, p->unit, (int)(100.0 * (double)done / (double)total), rate,
			eta[0] ? ", ETA " : "", eta);
	} else {
		n = snprintf(line, sizeof(line), "hook-run: %s: %zu %s, %.0f/s", p->title, done, p->unit, rate);
	}
	size_t len = n < 0 ? 0 : (size_t)n >= sizeof(line) ? sizeof(line) - 1 : (size_t)n;
	/* pad over the longer line before it */
	fprintf(stderr, "\r%s%*s", line, p->width > len ? (int)(p->width - len) : 0, "");
	fflush(stderr);
	if (len > p->width)
		p->width = len;
}

void hr_progress_clear(hr_progress *p)
{
	if (!p->on || !p->width)
		return;
	fprintf(stderr, "\r%*s\r", (int)p->width, "");
	fflush(stderr);
	p->width = 0; /* redrawn at the next update the throttle lets through */
}

void hr_progress_stop(hr_progress *p)
{
	hr_progress_clear(p);
	p->on = false;
}

void hr_progress_walk(void *progress, size_t done, size_t total)
{
	hr_progress_update(progress, done, total);
}
