/* SPDX-License-Identifier: MIT */
/*
 * diff.c - line-based unified diff (Myers' O(ND) algorithm, then hunks with
 * three lines of context), the format `git apply` and `patch` read.
 *
 * Lines are compared byte for byte including their endings, so a CRLF file
 * diffs correctly; a last line without a newline gets git's
 * "\ No newline at end of file" marker.
 */
#include <stdlib.h>
#include <string.h>

#include "hook-run/diff.h"
#include "arena.h"
#include "text.h"

typedef struct line {
	const char *p;
	size_t n; /* with its '\n' if it has one */
} line;

static size_t split_lines(const char *s, size_t len, line **out)
{
	size_t count = 0, i = 0;
	for (size_t k = 0; k < len; k++)
		if (s[k] == '\n')
			count++;
	if (len && s[len - 1] != '\n')
		count++;
	*out = calloc(count + 1, sizeof(line));
	if (!*out)
		return SIZE_MAX;
	size_t start = 0;
	for (size_t k = 0; k < len; k++)
		if (s[k] == '\n') {
			(*out)[i].p = s + start;
			(*out)[i].n = k + 1 - start;
			i++;
			start = k + 1;
		}
	if (start < len) {
		(*out)[i].p = s + start;
		(*out)[i].n = len - start;
	}
	return count;
}

static bool eq(const line *a, const line *b)
{
	return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

enum { OP_EQ, OP_DEL, OP_ADD };

/*
 * Myers: find the shortest edit script; returns ops (one per line of a or b)
 * in *ops, their count as the return value, SIZE_MAX when out of memory.
 *
 * Memory: row d of the trace keeps only the 2d + 1 diagonals it can reach,
 * and past MAX_D edits the script becomes "delete all, add all": O(MAX_D²)
 * longs at most (8 MB), whatever the size of the inputs. (Rows of the full
 * 2(n + m) + 1 diagonals cost gigabytes on a 4 MB file of short lines.)
 */
#define MAX_D 1000

static size_t myers(const line *a, size_t n, const line *b, size_t m, unsigned char **ops)
{
	size_t max = n + m, dmax = max < MAX_D ? max : MAX_D;
	/* diagonals -(dmax + 1) .. dmax + 1: v[off + k +- 1] stays inside for |k| <= d */
	long off = (long)dmax + 1;
	long *v = calloc(2 * dmax + 3, sizeof(long));
	long **trace = calloc(dmax + 1, sizeof(long *));
	size_t d, nops = 0;
	bool found = false;
	unsigned char *out = NULL;

	if (!v || !trace)
		goto oom;
	for (d = 0; d <= dmax && !found; d++) {
		for (long k = -(long)d; k <= (long)d; k += 2) {
			long x;
			if (k == -(long)d || (k != (long)d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			long y = x - k;
			while ((size_t)x < n && (size_t)y < m && eq(&a[x], &b[y]))
				x++, y++;
			v[off + k] = x;
			if ((size_t)x >= n && (size_t)y >= m) {
				found = true;
				break;
			}
		}
		/* row d: diagonals -d .. d */
		if (!(trace[d] = malloc((2 * d + 1) * sizeof(long))))
			goto oom;
		memcpy(trace[d], v + off - (long)d, (2 * d + 1) * sizeof(long));
	}
	if (!(out = malloc(n + m + 1)))
		goto oom;
	if (!found) {
		/* very different inputs: a plain replace-all keeps time and memory bounded */
		memset(out, OP_DEL, n);
		memset(out + n, OP_ADD, m);
		nops = n + m;
		goto done;
	}
	d--; /* the row where the end was reached */
	/* walk back from (n, m); row dd - 1 holds diagonal j at index j + dd - 1 */
	long x = (long)n, y = (long)m;
	size_t pos = n + m;
	for (size_t dd = d; dd > 0; dd--) {
		const long *pv = trace[dd - 1] + (dd - 1);
		long k = x - y;
		long pk = (k == -(long)dd || (k != (long)dd && pv[k - 1] < pv[k + 1])) ? k + 1 : k - 1;
		long px = pv[pk], py = px - pk;
		while (x > px && y > py) {
			out[--pos] = OP_EQ;
			x--, y--;
		}
		if (x == px)
			out[--pos] = OP_ADD, y--;
		else
			out[--pos] = OP_DEL, x--;
	}
	while (x > 0 && y > 0) {
		out[--pos] = OP_EQ;
		x--, y--;
	}
	nops = n + m - pos;
	memmove(out, out + pos, nops);
done:
	*ops = out;
	for (size_t i = 0; i <= dmax && trace[i]; i++)
		free(trace[i]);
	free(trace);
	free(v);
	return nops;
oom:
	if (trace)
		for (size_t i = 0; i <= dmax && trace[i]; i++)
			free(trace[i]);
	free(trace);
	free(v);
	free(out);
	return SIZE_MAX;
}

/* "a/PATH", or "\"a/PA\\nTH\"" when the path needs git's quoting */
static void put_header_path(hr_buf *b, const char *side, const char *path, size_t plen)
{
	if (!hr_needs_escape(path, plen, true)) {
		hr_buf_append(b, side, 2);
		hr_buf_append(b, path, plen);
		return;
	}
	hr_buf full = HR_BUF_INIT;
	hr_buf_append(&full, side, 2);
	hr_buf_append(&full, path, plen);
	if (full.oom)
		b->oom = true;
	else
		hr_buf_put_escaped(b, full.ptr, full.len, true);
	hr_buf_free(&full);
}

static void put_line(hr_buf *b, char mark, const line *l)
{
	hr_buf_putc(b, mark);
	hr_buf_append(b, l->p, l->n);
	if (l->n == 0 || l->p[l->n - 1] != '\n')
		hr_buf_append(b, "\n\\ No newline at end of file\n", 29);
}

int hr_diff_unified(char **out, const char *a, size_t alen, const char *b, size_t blen,
	const char *path)
{
	line *la = NULL, *lb = NULL;
	unsigned char *ops = NULL;
	hr_buf o = HR_BUF_INIT;
	int rc = HR_ENOMEM;

	*out = NULL;
	size_t n = split_lines(a, alen, &la), m = split_lines(b, blen, &lb);
	if (n == SIZE_MAX || m == SIZE_MAX)
		goto done;
	size_t nops = myers(la, n, lb, m, &ops);
	if (nops == SIZE_MAX)
		goto done;

	hr_buf_append(&o, "", 0);
	bool header = false;
	size_t i = 0;
	/* positions: ai/bi are the line indexes before ops[i] */
	size_t ai = 0, bi = 0;
	while (i < nops) {
		if (ops[i] == OP_EQ) {
			i++, ai++, bi++;
			continue;
		}
		/* a hunk: start 3 lines of context before, extend while changes are
		 * within 6 lines of each other */
		size_t ctx_before = 0;
		while (ctx_before < 3 && ctx_before < i && ops[i - ctx_before - 1] == OP_EQ)
			ctx_before++;
		size_t h_start = i - ctx_before, h_a = ai - ctx_before, h_b = bi - ctx_before;
		size_t j = i, last_change = i, ja = ai, jb = bi;
		while (j < nops) {
			if (ops[j] != OP_EQ) {
				last_change = j;
			} else if (j - last_change > 6) {
				break;
			}
			if (ops[j] != OP_ADD)
				ja++;
			if (ops[j] != OP_DEL)
				jb++;
			j++;
		}
		size_t h_end = last_change + 1;
		size_t trail = 0;
		while (trail < 3 && h_end + trail < nops && ops[h_end + trail] == OP_EQ)
			trail++;
		h_end += trail;
		/* count lines in the hunk */
		size_t ca = 0, cb = 0;
		for (size_t k = h_start; k < h_end; k++) {
			if (ops[k] != OP_ADD)
				ca++;
			if (ops[k] != OP_DEL)
				cb++;
		}
		if (!header) {
			/* a path with control characters, '"' or '\\' is quoted as git quotes it */
			size_t plen = strlen(path);
			hr_buf_append(&o, "--- ", 4);
			put_header_path(&o, "a/", path, plen);
			hr_buf_append(&o, "\n+++ ", 5);
			put_header_path(&o, "b/", path, plen);
			hr_buf_putc(&o, '\n');
			header = true;
		}
		hr_buf_printf(&o, "@@ -%zu,%zu +%zu,%zu @@\n", ca ? h_a + 1 : h_a, ca, cb ? h_b + 1 : h_b, cb);
		size_t xa = h_a, xb = h_b;
		for (size_t k = h_start; k < h_end; k++) {
			if (ops[k] == OP_EQ) {
				put_line(&o, ' ', &la[xa]);
				xa++, xb++;
			} else if (ops[k] == OP_DEL) {
				put_line(&o, '-', &la[xa]);
				xa++;
			} else {
				put_line(&o, '+', &lb[xb]);
				xb++;
			}
		}
		i = h_end;
		ai = xa;
		bi = xb;
		(void)ja;
		(void)jb;
	}
	if (o.oom)
		goto done;
	*out = o.ptr;
	o.ptr = NULL;
	rc = 0;
done:
	hr_buf_free(&o);
	free(la);
	free(lb);
	free(ops);
	return rc;
}
