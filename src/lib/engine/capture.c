/* SPDX-License-Identifier: MIT */
/*
 * capture.c - a hook's two output streams kept in order (see engine.h,
 * hr_capture).
 *
 * git merges a hook's standard output and error into one stream of
 * `remote:` lines, so what the pusher reads depends on the order of the
 * writes across both. Each stream is a fopencookie(3) FILE without a
 * buffer of its own: every fwrite reaches the cookie at once, and the
 * cookie appends a piece (stream, length, bytes) to the shared buffer,
 * merging it with the previous piece when that is of the same stream. A limit bounds
 * the buffer (a daemon must not hold unbounded output for a client); a
 * write past it fails, which the engine treats as an I/O error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hook-run/engine.h"

typedef struct cookie {
	hr_capture *c;
	unsigned char stream;
} cookie;

static cookie cookies_for(hr_capture *c, unsigned char stream)
{
	cookie k = { c, stream };
	return k;
}

static int reserve(hr_capture *c, size_t more)
{
	if (more <= c->cap - c->len)
		return 0;
	size_t cap = c->cap ? c->cap : 4096;
	while (cap - c->len < more) {
		if (cap > (size_t)-1 / 2)
			return -1;
		cap *= 2;
	}
	unsigned char *buf = realloc(c->buf, cap);
	if (!buf)
		return -1;
	c->buf = buf;
	c->cap = cap;
	return 0;
}

static ssize_t capture_write(void *arg, const char *data, size_t len)
{
	cookie *k = arg;
	hr_capture *c = k->c;
	size_t last = c->last ? c->last - 1 : 0, plen = 0;
	if (c->last)
		plen = (size_t)c->buf[last + 1] << 24 | (size_t)c->buf[last + 2] << 16 |
		       (size_t)c->buf[last + 3] << 8 | c->buf[last + 4];
	bool merge = c->last && c->buf[last] == k->stream && plen + len <= 0xffffffffu;
	size_t need = merge ? len : len + 5;

	if (c->limit && c->len + need > c->limit) {
		c->overflow = true;
		return -1;
	}
	if (reserve(c, need) < 0) {
		c->overflow = true;
		return -1;
	}
	if (merge) {
		plen += len;
		c->buf[last + 1] = (unsigned char)(plen >> 24);
		c->buf[last + 2] = (unsigned char)(plen >> 16);
		c->buf[last + 3] = (unsigned char)(plen >> 8);
		c->buf[last + 4] = (unsigned char)plen;
	} else {
		c->last = c->len + 1;
		c->buf[c->len] = k->stream;
		c->buf[c->len + 1] = (unsigned char)(len >> 24);
		c->buf[c->len + 2] = (unsigned char)(len >> 16);
		c->buf[c->len + 3] = (unsigned char)(len >> 8);
		c->buf[c->len + 4] = (unsigned char)len;
		c->len += 5;
	}
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	return (ssize_t)len;
}

static int capture_close(void *arg)
{
	free(arg);
	return 0;
}

static FILE *open_stream(hr_capture *c, unsigned char stream)
{
	cookie *k = malloc(sizeof(*k));
	if (!k)
		return NULL;
	*k = cookies_for(c, stream);
	cookie_io_functions_t io = { .write = capture_write, .close = capture_close };
	FILE *f = fopencookie(k, "w", io);
	if (!f) {
		free(k);
		return NULL;
	}
	setvbuf(f, NULL, _IONBF, 0);
	return f;
}

int hr_capture_open(hr_capture *c, size_t limit)
{
	memset(c, 0, sizeof(*c));
	c->limit = limit;
	c->out = open_stream(c, 1);
	c->err = open_stream(c, 2);
	if (!c->out || !c->err) {
		hr_capture_close(c);
		return HR_ENOMEM;
	}
	return 0;
}

void hr_capture_close(hr_capture *c)
{
	if (c->out)
		fclose(c->out);
	if (c->err)
		fclose(c->err);
	c->out = c->err = NULL;
}

void hr_capture_free(hr_capture *c)
{
	hr_capture_close(c);
	free(c->buf);
	memset(c, 0, sizeof(*c));
}
