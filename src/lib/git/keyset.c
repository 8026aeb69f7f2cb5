/* SPDX-License-Identifier: MIT */
/*
 * keyset.c - a set of byte strings with an int each (see git_internal.h):
 * the commits a walk has visited, the blobs a source has handed out and
 * their verdicts, the (path, blob) pairs a push introduced.
 *
 * Open addressing with linear probing over a power-of-two table, grown at
 * 3/4 load. Keys are copied back to back into one arena and referred to by
 * offset, so growing the arena moves nothing the table holds. A key costs
 * its length plus 24 bytes: a push of a million commits needs ~50 MB for
 * its visited set, no blob contents. The table starts at 64 slots: most
 * sets are small (a push's few commits and changed files), and each page
 * of a bigger first table that the hash spreads them over is a page
 * fault on its own.
 */
#include <stdlib.h>
#include <string.h>

#include "git_internal.h"

struct hr_keyslot {
	size_t off;      /* key offset in the arena + 1; 0: empty slot */
	uint32_t len;
	uint32_t hash;
	int value;
};

void hr_keyset_init(hr_keyset *s)
{
	memset(s, 0, sizeof(*s));
}

void hr_keyset_free(hr_keyset *s)
{
	free(s->slots);
	free(s->arena);
	memset(s, 0, sizeof(*s));
}

/* FNV-1a; object ids are random already but (path, id) keys are not */
static uint32_t hash_bytes(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static struct hr_keyslot *find(const hr_keyset *s, const void *key, size_t len, uint32_t h)
{
	size_t mask = s->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct hr_keyslot *slot = &s->slots[i];
		if (!slot->off)
			return slot;
		if (slot->hash == h && slot->len == len && memcmp(s->arena + slot->off - 1, key, len) == 0)
			return slot;
	}
}

static int grow(hr_keyset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64;
	struct hr_keyslot *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return HR_ENOMEM;
	for (size_t i = 0; i < s->cap; i++) {
		struct hr_keyslot *old = &s->slots[i];
		if (!old->off)
			continue;
		for (size_t j = old->hash & (cap - 1);; j = (j + 1) & (cap - 1))
			if (!slots[j].off) {
				slots[j] = *old;
				break;
			}
	}
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

int hr_keyset_put(hr_keyset *s, const void *key, size_t len, int **value, bool *added)
{
	uint32_t h = hash_bytes(key, len);
	*added = false;
	if ((s->len + 1) * 4 > s->cap * 3 && grow(s) < 0)
		return HR_ENOMEM;
	struct hr_keyslot *slot = find(s, key, len, h);
	if (!slot->off) {
		if (len > UINT32_MAX)
			return HR_EINVALID;
		if (s->arena_len + len > s->arena_cap) {
			size_t cap = s->arena_cap ? s->arena_cap * 2 : 16384;
			while (cap < s->arena_len + len)
				cap *= 2;
			char *arena = realloc(s->arena, cap);
			if (!arena)
				return HR_ENOMEM;
			s->arena = arena;
			s->arena_cap = cap;
		}
		memcpy(s->arena + s->arena_len, key, len);
		slot->off = s->arena_len + 1;
		slot->len = (uint32_t)len;
		slot->hash = h;
		slot->value = 0;
		s->arena_len += len;
		s->len++;
		*added = true;
	}
	*value = &slot->value;
	return 0;
}

int *hr_keyset_get(const hr_keyset *s, const void *key, size_t len)
{
	if (!s->cap)
		return NULL;
	struct hr_keyslot *slot = find(s, key, len, hash_bytes(key, len));
	return slot->off ? &slot->value : NULL;
}

int hr_keyset_foreach(const hr_keyset *s, int (*fn)(const void *key, size_t len, int value,
	void *payload), void *payload)
{
	for (size_t i = 0; i < s->cap; i++) {
		const struct hr_keyslot *slot = &s->slots[i];
		if (!slot->off)
			continue;
		int rc = fn(s->arena + slot->off - 1, slot->len, slot->value, payload);
		if (rc)
			return rc;
	}
	return 0;
}

int hr_pathbuf_push(hr_pathbuf *b, const char *name, size_t *saved_len)
{
	size_t n = strlen(name);
	size_t need = b->len + (b->len ? 1 : 0) + n + 1;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < need)
			cap *= 2;
		char *p = realloc(b->ptr, cap);
		if (!p)
			return HR_ENOMEM;
		b->ptr = p;
		b->cap = cap;
	}
	*saved_len = b->len;
	if (b->len)
		b->ptr[b->len++] = '/';
	memcpy(b->ptr + b->len, name, n + 1);
	b->len += n;
	return 0;
}
