/* SPDX-License-Identifier: MIT */
/*
 * arena.c - bump allocator, growable buffer and vector (see arena.h).
 *
 * Chunks are at least 64 KiB; a larger request gets a chunk of its own so a
 * 10 MB line does not waste a 10 MB tail. Alignment is that of max_align_t.
 */
#include <stdarg.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define CHUNK_MIN (64 * 1024)
#define ALIGN (alignof(max_align_t))

struct hr_arena_chunk {
	hr_arena_chunk *next;
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

void hr_arena_init(hr_arena *a)
{
	a->head = NULL;
	a->used = 0;
	a->total = 0;
}

void hr_arena_free(hr_arena *a)
{
	hr_arena_chunk *c = a->head;
	while (c) {
		hr_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	hr_arena_init(a);
}

void *hr_arena_alloc(hr_arena *a, size_t size)
{
	size_t rounded;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - ALIGN - sizeof(hr_arena_chunk))
		return NULL;
	rounded = (size + ALIGN - 1) & ~(ALIGN - 1);

	if (!a->head || a->head->size - a->used < rounded) {
		size_t chunk = rounded > CHUNK_MIN ? rounded : CHUNK_MIN;
		hr_arena_chunk *c = malloc(sizeof(*c) + chunk);
		if (!c)
			return NULL;
		c->size = chunk;
		if (a->head && rounded > CHUNK_MIN) {
			/* a big one-off: keep the current chunk as head */
			c->next = a->head->next;
			a->head->next = c;
			a->total += rounded;
			return c->data;
		}
		c->next = a->head;
		a->head = c;
		a->used = 0;
	}
	void *p = a->head->data + a->used;
	a->used += rounded;
	a->total += rounded;
	return p;
}

void *hr_arena_calloc(hr_arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	void *p = hr_arena_alloc(a, n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

char *hr_arena_strndup(hr_arena *a, const char *s, size_t len)
{
	if (len == SIZE_MAX)
		return NULL;
	char *p = hr_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void *hr_arena_memdup(hr_arena *a, const void *p, size_t n, size_t size, int *error)
{
	if (n == 0)
		return NULL;
	void *q = hr_arena_calloc(a, n, size);
	if (!q) {
		*error = HR_ENOMEM;
		return NULL;
	}
	memcpy(q, p, n * size);
	return q;
}

bool hr_buf_grow(hr_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (extra > SIZE_MAX - b->len - 1) {
		b->oom = true;
		return false;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->ptr, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->ptr = p;
	b->cap = cap;
	return true;
}

void hr_buf_append(hr_buf *b, const char *s, size_t len)
{
	if (!hr_buf_grow(b, len))
		return;
	if (len)
		memcpy(b->ptr + b->len, s, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void hr_buf_putc(hr_buf *b, char c)
{
	hr_buf_append(b, &c, 1);
}

void hr_buf_put_rune(hr_buf *b, uint32_t cp)
{
	char out[4];
	size_t n;

	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		out[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	hr_buf_append(b, out, n);
}

void hr_buf_printf(hr_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !hr_buf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void hr_buf_clear(hr_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void hr_buf_free(hr_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

void hr_vec_init(hr_vec *v, size_t elem)
{
	v->items = NULL;
	v->len = v->cap = 0;
	v->elem = elem;
}

void *hr_vec_push(hr_vec *v)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		if (cap > SIZE_MAX / v->elem)
			return NULL;
		void *p = realloc(v->items, cap * v->elem);
		if (!p)
			return NULL;
		v->items = p;
		v->cap = cap;
	}
	void *e = (char *)v->items + v->len * v->elem;
	memset(e, 0, v->elem);
	v->len++;
	return e;
}

void hr_vec_free(hr_vec *v)
{
	free(v->items);
	v->items = NULL;
	v->len = v->cap = 0;
}
