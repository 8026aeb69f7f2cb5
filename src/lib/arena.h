/* SPDX-License-Identifier: MIT */
/*
 * arena.h - a bump allocator: one per parsed file, freed in one go.
 *
 * Parsing allocates many small strings and arrays whose lifetimes all end
 * with the model. An arena makes that cheap (no per-object free, no
 * fragmentation) and makes leaks impossible by construction. It also keeps
 * a growable scratch buffer (hr_buf) for strings being assembled.
 */
#ifndef HOOK_RUN_ARENA_H
#define HOOK_RUN_ARENA_H

#include <stddef.h>
#include "hook-run/common.h"

typedef struct hr_arena_chunk hr_arena_chunk;

typedef struct hr_arena {
	hr_arena_chunk *head;
	size_t used;   /* bytes used in head */
	size_t total;  /* bytes handed out, for statistics */
} hr_arena;

void hr_arena_init(hr_arena *a);
void hr_arena_free(hr_arena *a);

/** `size` bytes aligned for any type, or NULL when memory runs out. */
void *hr_arena_alloc(hr_arena *a, size_t size);

/** Zeroed `n * size` bytes (overflow-checked), or NULL. */
void *hr_arena_calloc(hr_arena *a, size_t n, size_t size);

/** A NUL-terminated copy of `len` bytes; NULL when memory runs out. */
char *hr_arena_strndup(hr_arena *a, const char *s, size_t len);

/** Copy of `n` elements of `size` bytes; NULL (and no error) when n == 0. */
void *hr_arena_memdup(hr_arena *a, const void *p, size_t n, size_t size, int *error);

/** Growable byte buffer on the C heap (not the arena). */
typedef struct hr_buf {
	char *ptr;
	size_t len;
	size_t cap;
	bool oom;   /* an append failed; further appends are ignored */
} hr_buf;

#define HR_BUF_INIT { NULL, 0, 0, false }

void hr_buf_append(hr_buf *b, const char *s, size_t len);
void hr_buf_putc(hr_buf *b, char c);
/** Append code point `cp` encoded as UTF-8. */
void hr_buf_put_rune(hr_buf *b, uint32_t cp);
void hr_buf_printf(hr_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hr_buf_clear(hr_buf *b);
void hr_buf_free(hr_buf *b);
/** Make sure `extra` more bytes fit; false when memory runs out. */
bool hr_buf_grow(hr_buf *b, size_t extra);

/**
 * A growable array on the C heap. `elem` is the element size. Push returns a
 * pointer to the new zeroed element, or NULL when memory runs out.
 */
typedef struct hr_vec {
	void *items;
	size_t len;
	size_t cap;
	size_t elem;
} hr_vec;

void hr_vec_init(hr_vec *v, size_t elem);
void *hr_vec_push(hr_vec *v);
void hr_vec_free(hr_vec *v);

#endif
