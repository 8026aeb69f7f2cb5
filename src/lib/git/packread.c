/* SPDX-License-Identifier: MIT */
/*
 * packread.c - reading trees and commits straight from pack files, for the
 * history walk (see git_internal.h, hr_packs).
 *
 * Why: a walk reads two versions of every changed directory per commit,
 * newest first. git packs an older version as a delta against a newer one,
 * so each read resolves a delta chain. libgit2 1.5 caches delta bases in a
 * 16 MB cache that it empties completely whenever it fills, so on a long
 * history every few hundred commits the chains are inflated again from
 * their full base: 3.5 inflations per object read, against git's ~1.2.
 * This reader keeps a least-recently-used cache of resolved objects keyed
 * by (pack, offset), and inflates each object whole with libdeflate (its
 * size is known before it is read: what libdeflate is made for, 40% fewer
 * instructions than zlib's streaming inflate). The cache hands out the
 * object itself, shared by reference (hr_packobj), not a copy; its table
 * grows with it; what a caller reads once (commits, the trees of one
 * snapshot) is not cached, only the delta bases it was built from. Its
 * memory is sized by need: it starts at 128 KB and grows only when a read
 * asks again for an object it evicted (cache_regret), up to 128 MB; what a
 * reader still holds stays findable but does not count (see the cache).
 *
 * What it does: finds the packs of the repository's object directories
 * (the repository's own, the alternates hr_repo_open() added from the
 * environment, and those listed in objects/info/alternates), maps their
 * version-2 .idx and .pack files, and answers "read object ID" for objects
 * stored in a pack (OFS_DELTA and REF_DELTA chains included).
 * An object in no pack is looked for as a loose object in the same
 * directories (loose.c). What it does not read: SHA-256, version-1
 * indexes, alternates written in quotes. For those, or on anything
 * unexpected, it answers HR_ENOTFOUND and the caller asks libgit2, which
 * also produces the proper error for a corrupt object.
 * Objects are not hashed (as with libgit2's verification switched off);
 * HOOK_RUN_VERIFY_OBJECTS=1 checks every object read against its id, and
 * makes a packed object this reader fails on an error instead of a quiet
 * fallback (the test suite runs with it).
 *
 * Hostile bytes: every number read from an .idx or a .pack is checked
 * before it is used. The fanout must rise to the object count and the
 * tables must fit the mapped .idx (else the pack is not used at all);
 * a 64-bit offset must lie inside its table; an object's declared size
 * must be below HR_PACK_OBJECT_MAX (256 MB) and below what its compressed
 * bytes can inflate to (zlib's ratio is at most 1032:1: a larger claim is
 * a lie, refused before libgit2 would allocate it); a delta's source
 * size must be its base's, and its result size is checked the same way
 * before anything is allocated; a delta chain is at most MAX_CHAIN (4095,
 * git's deepest) long, never refers to itself, and one read may inflate
 * and rebuild at most READ_BUDGET bytes in all. A size over a limit is an
 * error (HR_ETOOBIG), not a fallback: libgit2 would try the allocation.
 * Every loop consumes input or walks strictly downwards, so each stops.
 * hr_packs_add_mem() adds a pack held in memory, for the unit tests and
 * the fuzz target.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>

#include "git_internal.h"

/* the cache's first limit, how far it grows fast, and what it may grow to (cache_regret) */
#define CACHE_START ((size_t)128 * 1024)
#define CACHE_FAST_GROWTH ((size_t)4 * 1024 * 1024)
#define CACHE_CEILING ((size_t)128 * 1024 * 1024)
#define CACHE_ENTRY_MAX ((size_t)1024 * 1024)
#define MAX_CHAIN 4095
#define MAX_PACKS 256
/* what one read may inflate and rebuild, a delta chain included */
#define READ_BUDGET ((size_t)1024 * 1024 * 1024)
/* zlib's deflate never does better than about 1032:1 */
#define ZLIB_MAX_RATIO 1032

enum { OBJ_COMMIT = 1, OBJ_TREE = 2, OBJ_BLOB = 3, OBJ_TAG = 4, OBJ_OFS_DELTA = 6, OBJ_REF_DELTA = 7 };

typedef struct pack {
	const unsigned char *idx;  /* the mapped .idx (version 2) */
	size_t idxlen;
	const unsigned char *data; /* the mapped .pack */
	size_t len;
	uint32_t n;                /* objects */
	const unsigned char *shas, *off32, *off64;
	size_t n64;                /* entries of the 64-bit offset table */
	bool mapped;               /* ours to munmap() (not hr_packs_add_mem) */
} pack;

/*
 * An object read from a pack (hr_packs_read). Readers and the cache share
 * it: the cache holds one reference while the object is in its table,
 * each reader one, and the last to let go frees it. The bytes follow it
 * in the same allocation.
 */
struct hr_packobj {
	size_t refs;
	size_t len;                       /* bytes of data, a NUL after them */
	int type;
	struct hr_packs *owner;           /* the cache whose table holds it, or NULL */
	size_t slot;                      /* its slot in that table */
	bool in_lru;                      /* only the cache holds it: in the LRU list, counted in mem */
	struct hr_packobj *newer, *older; /* the LRU list */
	unsigned char *ext;               /* a loose object's own buffer, used instead of data[] */
	unsigned char data[];
};

typedef struct cslot {
	uint64_t key;                     /* cache_key(): offset and pack number */
	hr_packobj *obj;                  /* NULL: a free slot */
} cslot;

struct hr_packs {
	pack packs[MAX_PACKS];
	size_t npacks;
	size_t last;               /* the pack of the last hit, tried first */
	struct libdeflate_decompressor *z; /* one for every object read */
	cslot *slots;              /* the cache's table: a power of two, at most half full */
	size_t cap, count;
	unsigned shift;            /* 64 - log2(cap): slot_of() takes the hash's top bits */
	hr_packobj *newest, *oldest; /* the LRU list: the objects only the cache holds */
	size_t nlru;
	size_t mem, limit;         /* bytes of the LRU list (objects and headers), the most allowed */
	size_t ceiling;            /* what `limit` may grow to */
	uint64_t *ghosts;          /* keys evicted lately, by slot_of() (0: none); cap of them */
	bool verify;
	char **dirs;               /* the object directories (real paths), for loose objects */
	size_t ndirs;
};


/* ---- finding the packs ------------------------------------------------ */

static void *map_file(const char *path, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *m = NULL;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED)
			m = NULL;
		else
			*len = (size_t)st.st_size;
	}
	close(fd);
	return m;
}

/*
 * Check an .idx (version 2) and its .pack and fill *p: magic and version,
 * a fanout that never falls and ends at the object count, tables that fit
 * the .idx, a 64-bit offset table of whole entries, a pack header of a
 * known version with the same object count. Anything else: false, and the
 * pack is left to libgit2 (which produces the proper error).
 */
static bool pack_init(pack *p, const unsigned char *idx, size_t idxlen, const unsigned char *data, size_t len)
{
	memset(p, 0, sizeof(*p));
	/* magic, version, 256 fanout, shas, crcs, 32-bit offsets, 64-bit offsets, 2 checksums */
	if (idxlen < 8 + 1024 + 40 || memcmp(idx, "\377tOc", 4) != 0 || hr_be32(idx + 4) != 2)
		return false;
	uint32_t prev = 0;
	for (int i = 0; i < 256; i++) {
		uint32_t f = hr_be32(idx + 8 + i * 4);
		if (f < prev)
			return false;
		prev = f;
	}
	uint32_t n = prev;
	size_t need = 8 + 1024 + (size_t)n * (20 + 4 + 4) + 40;
	if (idxlen < need || (idxlen - need) % 8 != 0)
		return false;
	/* below 2^56 bytes: an offset fits a cache key beside the pack number */
	if (!data || len < 12 + 20 || (uint64_t)len >> 56 || memcmp(data, "PACK", 4) != 0 ||
	    (hr_be32(data + 4) != 2 && hr_be32(data + 4) != 3) || hr_be32(data + 8) != n)
		return false;
	p->idx = idx;
	p->idxlen = idxlen;
	p->data = data;
	p->len = len;
	p->n = n;
	p->shas = idx + 8 + 1024;
	p->off32 = p->shas + (size_t)n * 24;
	p->off64 = p->off32 + (size_t)n * 4;
	p->n64 = (idxlen - need) / 8;
	return true;
}

static void add_pack(hr_packs *ps, const char *idxpath)
{
	size_t plen = strlen(idxpath), idxlen = 0, len = 0;
	const unsigned char *idx, *data = NULL;
	char *packpath;

	if (ps->npacks == MAX_PACKS || plen < 5)
		return;
	if (!(idx = map_file(idxpath, &idxlen)))
		return;
	if ((packpath = malloc(plen + 2)) != NULL) {
		memcpy(packpath, idxpath, plen - 4);
		memcpy(packpath + plen - 4, ".pack", 6);
		data = map_file(packpath, &len);
		free(packpath);
	}
	if (!pack_init(&ps->packs[ps->npacks], idx, idxlen, data, len)) {
		if (data)
			munmap((void *)data, len);
		munmap((void *)idx, idxlen);
		return;
	}
	ps->packs[ps->npacks++].mapped = true;
}

int hr_packs_add_mem(hr_packs *ps, const unsigned char *idx, size_t idxlen,
	const unsigned char *data, size_t len)
{
	if (ps->npacks == MAX_PACKS)
		return HR_ENOMEM;
	if (!pack_init(&ps->packs[ps->npacks], idx, idxlen, data, len))
		return HR_EINVALID;
	ps->npacks++;
	return 0;
}

/* The .idx files in OBJDIR/pack, each added with its pack. */
static void add_packs_of(hr_packs *ps, const char *objdir)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/pack", objdir) >= sizeof(path))
		return;
	DIR *d = opendir(path);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		char idx[4096];
		if (n > 4 && !strcmp(de->d_name + n - 4, ".idx") &&
		    (size_t)snprintf(idx, sizeof(idx), "%s/%s", path, de->d_name) < sizeof(idx))
			add_pack(ps, idx);
	}
	if (d)
		closedir(d);
}

int hr_packs_new(hr_packs **out)
{
	hr_packs *ps = calloc(1, sizeof(*ps));

	*out = NULL;
	if (!ps)
		return HR_ENOMEM;
	if (!(ps->z = libdeflate_alloc_decompressor())) {
		free(ps);
		return HR_ENOMEM;
	}
	ps->limit = CACHE_START;
	ps->ceiling = CACHE_CEILING;
	*out = ps;
	return 0;
}

int hr_packs_open(hr_packs **out, hr_repo *r)
{
	hr_packs *ps;
	int rc;

	*out = NULL;
	if ((rc = hr_packs_new(&ps)) < 0)
		return rc;
	const char *v = getenv("HOOK_RUN_VERIFY_OBJECTS");
	ps->verify = v && *v && strcmp(v, "0") != 0;
	/* kept for loose objects: the same directories, the same order */
	if ((rc = hr_repo_object_dirs(&ps->dirs, &ps->ndirs, r)) < 0) {
		hr_packs_free(ps);
		return rc;
	}
	for (size_t i = 0; i < ps->ndirs; i++)
		add_packs_of(ps, ps->dirs[i]);
	*out = ps;
	return 0;
}

void hr_packs_free(hr_packs *ps)
{
	if (!ps)
		return;
	/* the cache lets go of every object: those a reader still holds live on without it */
	for (size_t i = 0; i < ps->cap; i++) {
		hr_packobj *o = ps->slots[i].obj;
		if (o) {
			o->owner = NULL;
			o->in_lru = false;
			hr_packobj_free(o);
		}
	}
	free(ps->slots);
	free(ps->ghosts);
	for (size_t i = 0; i < ps->npacks; i++) {
		if (!ps->packs[i].mapped)
			continue;
		munmap((void *)ps->packs[i].idx, ps->packs[i].idxlen);
		munmap((void *)ps->packs[i].data, ps->packs[i].len);
	}
	libdeflate_free_decompressor(ps->z);
	for (size_t i = 0; i < ps->ndirs; i++)
		free(ps->dirs[i]);
	free(ps->dirs);
	free(ps);
}

/* ---- the cache ------------------------------------------------------- */

/*
 * Resolved objects by (pack, offset). The table holds every object the
 * cache knows: those a reader still holds (a walk keeps the trees of the
 * commit it goes to next) and those only the cache holds. Only the second
 * kind costs the cache memory: they form the LRU list, least recently
 * used first out, and only their bytes count against the limit. So a
 * tree the walk holds is found as a delta base without being kept twice
 * or built again, and the limit bounds what the cache alone keeps alive:
 * every page of heap a process touches is a page fault, about as costly
 * as inflating a small tree. An object goes onto the list when its last
 * reader lets go (hr_packobj_free), and off it when a read takes it.
 * The table is open addressing with linear probing, the key beside the
 * pointer in the slot so that a probe reads only the table; it doubles to
 * stay at most half full, so probes stay short however many objects the
 * memory limit admits. An object records its slot and its place in the
 * list, so neither eviction nor a hit searches for it. The cached object
 * is the one the reader got: a hit takes a reference, never a copy.
 */

static uint64_t cache_key(uint32_t packno, uint64_t off)
{
	/* pack_init(): a pack is below 2^56 bytes; MAX_PACKS fits in 8 bits */
	return off << 8 | packno;
}

static size_t slot_of(const hr_packs *ps, uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> ps->shift);
}

static void lru_unlink(hr_packs *ps, hr_packobj *o)
{
	if (o->newer)
		o->newer->older = o->older;
	else
		ps->newest = o->older;
	if (o->older)
		o->older->newer = o->newer;
	else
		ps->oldest = o->newer;
	o->newer = o->older = NULL;
}

static void lru_push(hr_packs *ps, hr_packobj *o)
{
	o->newer = NULL;
	o->older = ps->newest;
	if (ps->newest)
		ps->newest->newer = o;
	else
		ps->oldest = o;
	ps->newest = o;
}

/* what an object costs the cache while only the cache holds it */
static size_t cost(const hr_packobj *o)
{
	return sizeof(*o) + o->len;
}

/* The object at `key`, a new reference to it taken; NULL when the table has none. */
static hr_packobj *cache_take(hr_packs *ps, uint64_t key)
{
	if (!ps->count)
		return NULL;
	size_t mask = ps->cap - 1;
	for (size_t i = slot_of(ps, key);; i = (i + 1) & mask) {
		hr_packobj *o = ps->slots[i].obj;
		if (!o)
			return NULL;
		if (ps->slots[i].key == key) {
			if (o->in_lru) {
				/* a reader holds it now: off the list, no longer the cache's cost */
				lru_unlink(ps, o);
				o->in_lru = false;
				ps->nlru--;
				ps->mem -= cost(o);
			}
			o->refs++;
			return o;
		}
	}
}

/* Place an object whose key is not in the table (there is a free slot). */
static void slot_place(hr_packs *ps, uint64_t key, hr_packobj *o)
{
	size_t mask = ps->cap - 1, i = slot_of(ps, key);
	while (ps->slots[i].obj)
		i = (i + 1) & mask;
	ps->slots[i].key = key;
	ps->slots[i].obj = o;
	o->slot = i;
}

/* Double the table (the first: 1024 slots); false when memory is short. */
static bool cache_grow(hr_packs *ps)
{
	size_t cap = ps->cap ? ps->cap * 2 : 1024;
	cslot *old = ps->slots, *slots = calloc(cap, sizeof(*slots));
	uint64_t *ghosts = calloc(cap, sizeof(*ghosts));
	size_t oldcap = ps->cap;
	if (!slots || !ghosts) {
		free(slots);
		free(ghosts);
		return false;
	}
	/* the ghosts of the smaller table are forgotten: they only steer growth */
	free(ps->ghosts);
	ps->ghosts = ghosts;
	ps->slots = slots;
	ps->cap = cap;
	ps->shift = 64;
	for (size_t c = cap; c > 1; c >>= 1)
		ps->shift--;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].obj)
			slot_place(ps, old[i].key, old[i].obj);
	free(old);
	return true;
}

/*
 * Take an object of the LRU list out of the cache, which frees it. Its
 * slot is refilled from the rest of its probe run (backward shift, no
 * tombstones): an entry further on moves into the hole when the hole lies
 * between its home slot and it.
 */
static void cache_drop(hr_packs *ps, hr_packobj *o)
{
	size_t mask = ps->cap - 1, hole = o->slot;
	for (size_t j = (hole + 1) & mask; ps->slots[j].obj; j = (j + 1) & mask) {
		size_t home = slot_of(ps, ps->slots[j].key);
		if (((j - home) & mask) >= ((j - hole) & mask)) {
			ps->slots[hole] = ps->slots[j];
			ps->slots[hole].obj->slot = hole;
			hole = j;
		}
	}
	ps->slots[hole].obj = NULL;
	lru_unlink(ps, o);
	o->in_lru = false;
	o->owner = NULL;
	ps->nlru--;
	ps->count--;
	ps->mem -= cost(o);
	hr_packobj_free(o);
}

/* Make room under the limit, remembering what was evicted (cache_regret). */
static void cache_evict(hr_packs *ps)
{
	while (ps->mem > ps->limit && ps->oldest) {
		uint64_t key = ps->slots[ps->oldest->slot].key;
		cache_drop(ps, ps->oldest);
		ps->ghosts[slot_of(ps, key)] = key;
	}
}

/*
 * A miss on `key`. When it is a key evicted lately, the cache was too
 * small for what this walk reads again: the limit grows by an object's
 * average size, up to the ceiling, and by at least 1/32 of itself below
 * 4 MB. So the cache grows only as far as the history's delta bases ask
 * (a 100 000-commit history rebuilt five times as many objects in 16 MB as
 * in 32 MB, and no fewer in 128 MB). It starts at 128 KB because memory
 * is not free either: each 4 KB page the heap grows by is a page fault,
 * measured at a few microseconds on a VM, about what inflating a small
 * tree costs. A 50-commit push into the 100k benchmark repository rebuilt
 * 504 objects in 4 MB (its whole read set, 590 page faults) and 538 from
 * 128 KB (505 faults), 3% less CPU in all; the fast growth below 4 MB
 * keeps a whole history at the rebuilds it had with a 4 MB start (an
 * object's size at a time, from 128 KB, it rebuilt 7% more).
 */
static void cache_regret(hr_packs *ps, uint64_t key)
{
	if (!ps->ghosts || !ps->nlru)
		return;
	uint64_t *g = &ps->ghosts[slot_of(ps, key)];
	if (*g != key)
		return;
	*g = 0;
	size_t step = ps->mem / ps->nlru;
	if (ps->limit < CACHE_FAST_GROWTH && step < ps->limit / 32)
		step = ps->limit / 32;
	ps->limit = ps->ceiling - ps->limit > step ? ps->limit + step : ps->ceiling;
}

/*
 * Keep object `o` read at `key`, which the caller found absent (a read
 * looks every object of its delta chain up before it builds any, and a
 * chain never holds an offset twice: it would be a loop, which fails).
 * The caller holds `o`, so it goes into the table, not yet onto the LRU
 * list (however small the limit: it is evicted, if need be, when the last
 * reader lets go). The cache takes its own reference; failure only loses
 * speed.
 */
static void cache_put(hr_packs *ps, uint64_t key, hr_packobj *o)
{
	if (o->len > CACHE_ENTRY_MAX || o->owner)
		return;
	if ((ps->count + 1) * 2 > ps->cap && !cache_grow(ps))
		return;
	slot_place(ps, key, o);
	o->owner = ps;
	o->refs++;
	ps->count++;
}

void hr_packs_set_cache_limit(hr_packs *ps, size_t limit, size_t ceiling)
{
	ps->limit = limit;
	ps->ceiling = ceiling > limit ? ceiling : limit;
	if (ps->count)
		cache_evict(ps);
}

size_t hr_packs_cache_limit(const hr_packs *ps)
{
	return ps->limit;
}

bool hr_packs_verifying(const hr_packs *ps)
{
	return ps->verify;
}

/* ---- objects --------------------------------------------------------- */

static hr_packobj *obj_new(int type, size_t len)
{
	hr_packobj *o;
	if (len > HR_PACK_OBJECT_MAX || !(o = malloc(sizeof(*o) + len + 1)))
		return NULL;
	memset(o, 0, sizeof(*o));
	o->refs = 1;
	o->type = type;
	o->len = len;
	o->data[len] = '\0';
	return o;
}

const unsigned char *hr_packobj_data(const hr_packobj *o)
{
	return o->ext ? o->ext : o->data;
}

int hr_packobj_type(const hr_packobj *o)
{
	return o->type;
}

size_t hr_packobj_len(const hr_packobj *o)
{
	return o->len;
}

void hr_packobj_free(hr_packobj *o)
{
	if (!o)
		return;
	if (--o->refs == 0) {
		free(o->ext);
		free(o);
	} else if (o->refs == 1 && o->owner && !o->in_lru) {
		/* the last reader let go: the cache alone holds it, at the limit's cost */
		hr_packs *ps = o->owner;
		lru_push(ps, o);
		o->in_lru = true;
		ps->nlru++;
		ps->mem += cost(o);
		cache_evict(ps);
	}
}

/* ---- reading --------------------------------------------------------- */

/* [*lo, *hi): the .idx rows whose first byte is id's (pack_init() checked the fanout) */
static void fanout_range(const pack *p, const git_oid *id, uint32_t *lo, uint32_t *hi)
{
	*lo = id->id[0] ? hr_be32(p->idx + 8 + (id->id[0] - 1) * 4) : 0;
	*hi = hr_be32(p->idx + 8 + id->id[0] * 4);
}

/* where in [lo, hi) id should sort, ids being uniform: from its bytes after the first */
static uint32_t guess_row(const git_oid *id, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(((uint64_t)hr_be32(id->id + 1) * (hi - lo)) >> 32);
}

/*
 * Narrow [*lo, *hi), the .idx rows whose first byte is id's, to a few
 * rows around where id must be. Object ids are uniformly spread, so the
 * next four bytes say how far into the range id sorts (its expected row
 * is within a few dozen of the true one); from there, steps that double
 * bracket it. A binary search of the whole range touches a dozen rows
 * spread over 60 KB, each a cache miss and most a TLB miss in a 20 MB
 * table that a run reads once: it was a fifth of a 50-commit push. The
 * bracket is always right (each step compares), only its size depends on
 * the ids being uniform; crafted ids only make it slower.
 */
static void narrow(const pack *p, const git_oid *id, uint32_t *lo, uint32_t *hi)
{
	if (*hi - *lo < 64)
		return;
	uint32_t guess = guess_row(id, *lo, *hi);
	int c = memcmp(p->shas + (size_t)guess * 20, id->id, 20);
	if (c == 0) {
		*lo = guess;
		*hi = guess + 1;
		return;
	}
	uint64_t step = 16;
	if (c < 0) {
		/* id sorts after the guess: find a row it sorts before */
		uint32_t from = guess + 1;
		while (from < *hi) {
			uint32_t to = *hi - from > step ? from + (uint32_t)step : *hi;
			if (to == *hi || memcmp(p->shas + (size_t)to * 20, id->id, 20) >= 0) {
				*lo = from;
				*hi = to == *hi ? to : to + 1;
				return;
			}
			from = to + 1;
			step *= 2;
		}
		*lo = from;
	} else {
		/* id sorts before the guess: find a row it sorts after */
		uint32_t to = guess;
		while (to > *lo) {
			uint32_t from = to - *lo > step ? to - (uint32_t)step : *lo;
			if (from == *lo || memcmp(p->shas + (size_t)from * 20, id->id, 20) <= 0) {
				*lo = from;
				*hi = to;
				return;
			}
			to = from;
			step *= 2;
		}
		*hi = to;
	}
}

void hr_packs_prefetch(const hr_packs *ps, const git_oid *id)
{
#if defined(__GNUC__)
	if (!ps || !ps->npacks)
		return;
	/* the pack of the last hit, where the next object most likely is */
	const pack *p = &ps->packs[ps->last];
	uint32_t lo, hi;
	fanout_range(p, id, &lo, &hi);
	if (lo >= hi)
		return;
	uint32_t guess = guess_row(id, lo, hi);
	__builtin_prefetch(p->shas + (size_t)guess * 20);
	__builtin_prefetch(p->off32 + (size_t)guess * 4);
#else
	(void)ps;
	(void)id;
#endif
}

static bool find(const hr_packs *ps, const git_oid *id, uint32_t *packno, uint64_t *off)
{
	for (size_t k = 0; k < ps->npacks; k++) {
		size_t i = (ps->last + k) % ps->npacks;
		const pack *p = &ps->packs[i];
		/* pack_init() checked: the fanout rises to p->n, so lo <= hi <= n */
		uint32_t lo, hi;
		fanout_range(p, id, &lo, &hi);
		narrow(p, id, &lo, &hi);
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			int c = memcmp(p->shas + (size_t)mid * 20, id->id, 20);
			if (c == 0) {
				uint32_t o = hr_be32(p->off32 + (size_t)mid * 4);
				if (o & 0x80000000u) {
					size_t k64 = o & 0x7fffffffu;
					if (k64 >= p->n64)
						return false;
					const unsigned char *q = p->off64 + k64 * 8;
					*off = (uint64_t)hr_be32(q) << 32 | hr_be32(q + 4);
				} else {
					*off = o;
				}
				*packno = (uint32_t)i;
				return true;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return false;
}

/*
 * May `size` bytes be inflated from the compressed bytes at `pos`? Below
 * the object ceiling, below what they can inflate to, within the budget of
 * this read (which it then uses up). Sets *toobig when a limit says no.
 */
static bool size_ok(const pack *p, uint64_t pos, size_t size, size_t *budget, bool *toobig)
{
	if (pos >= p->len)
		return false;
	size_t avail = p->len - (size_t)pos;
	if (size > HR_PACK_OBJECT_MAX || size > *budget ||
	    (avail < SIZE_MAX / ZLIB_MAX_RATIO && size > avail * ZLIB_MAX_RATIO + 64)) {
		*toobig = true;
		return false;
	}
	*budget -= size;
	return true;
}

/* Inflate exactly `size` bytes starting at p->data + pos into buf. */
static bool inflate_into(hr_packs *ps, const pack *p, uint64_t pos, unsigned char *buf, size_t size)
{
	size_t used;
	if (pos >= p->len)
		return false;
	/*
	 * A whole zlib stream (header, deflate data, Adler-32 checked) that
	 * must give exactly `size` bytes; the pack's bytes after it are the
	 * next object's, which libdeflate leaves unread (`used`).
	 */
	return libdeflate_zlib_decompress_ex(ps->z, p->data + pos, p->len - pos, buf, size, &used, NULL) ==
		LIBDEFLATE_SUCCESS;
}

static bool delta_size(const unsigned char **pp, const unsigned char *end, size_t *out)
{
	size_t v = 0;
	int shift = 0;
	unsigned char c;
	do {
		if (*pp >= end || shift > 56)
			return false;
		c = *(*pp)++;
		v |= (size_t)(c & 127) << shift;
		shift += 7;
	} while (c & 128);
	*out = v;
	return true;
}

/*
 * git's delta format: sizes, then copy-from-base and insert-literal
 * operations. The source size must be the base's; the result size is
 * checked against the ceiling and the read's budget before the result is
 * allocated, and every operation must stay inside both buffers.
 */
static hr_packobj *apply_delta(const hr_packobj *base_obj, const unsigned char *delta, size_t delta_len,
	size_t *budget, bool *toobig, size_t limit, size_t *declared)
{
	const unsigned char *p = delta, *end = delta + delta_len;
	const unsigned char *base = base_obj->data;
	size_t base_len = base_obj->len, src, dst, w = 0;
	hr_packobj *res;
	unsigned char *out;

	if (!delta_size(&p, end, &src) || !delta_size(&p, end, &dst) || src != base_len)
		return NULL;
	if (dst > limit) {
		*declared = dst;
		return NULL;
	}
	if (dst > HR_PACK_OBJECT_MAX || dst > *budget) {
		*toobig = true;
		return NULL;
	}
	*budget -= dst;
	if (!(res = obj_new(base_obj->type, dst)))
		return NULL;
	out = res->data;
	while (p < end) {
		unsigned char c = *p++;
		if (c & 0x80) {
			size_t off = 0, sz = 0;
			for (int b = 0; b < 4; b++)
				if (c & (1 << b)) {
					if (p >= end)
						goto fail;
					off |= (size_t)*p++ << (8 * b);
				}
			for (int b = 0; b < 3; b++)
				if (c & (0x10 << b)) {
					if (p >= end)
						goto fail;
					sz |= (size_t)*p++ << (8 * b);
				}
			if (!sz)
				sz = 0x10000;
			if (off > base_len || sz > base_len - off || sz > dst - w)
				goto fail;
			memcpy(out + w, base + off, sz);
			w += sz;
		} else if (c) {
			if ((size_t)(end - p) < c || c > dst - w)
				goto fail;
			memcpy(out + w, p, c);
			w += c;
			p += c;
		} else {
			goto fail;
		}
	}
	if (w != dst)
		goto fail;
	return res;
fail:
	hr_packobj_free(res);
	return NULL;
}

typedef struct chainlink {
	uint64_t off;      /* where the object's entry starts */
	uint64_t data;     /* where its compressed data starts */
	size_t size;       /* its inflated size */
} chainlink;

/*
 * Read the object at (packno, off), resolving deltas; NULL on any trouble,
 * with *toobig set when a size limit was the trouble. The delta bases
 * built on the way are cached (an older version of a tree is likely a
 * delta against the one just built); the object itself only when `keep`.
 * An object over `limit` bytes is not built: NULL, its size in *declared.
 */
static hr_packobj *read_at(hr_packs *ps, uint32_t packno, uint64_t off, bool keep, bool *toobig,
	size_t limit, size_t *declared)
{
	const pack *p = &ps->packs[packno];
	chainlink *chain = NULL;
	size_t nchain = 0, cap = 0, budget = READ_BUDGET;
	hr_packobj *cur = NULL;

	*toobig = false;
	*declared = 0;

	/* walk down to a cached object or a full one */
	for (;;) {
		if (off >= p->len || nchain == MAX_CHAIN)
			goto fail;
		hr_packobj *hit = cache_take(ps, cache_key(packno, off));
		if (hit) {
			cur = hit;
			if (!nchain && hit->len > limit) {
				*declared = hit->len;
				goto fail;
			}
			break;
		}
		cache_regret(ps, cache_key(packno, off));
		const unsigned char *q = p->data + off, *end = p->data + p->len - 20;
		unsigned char c = *q++;
		int t = (c >> 4) & 7;
		size_t size = c & 15;
		int shift = 4;
		while (c & 0x80) {
			if (q >= end || shift > 56)
				goto fail;
			c = *q++;
			size |= (size_t)(c & 0x7f) << shift;
			shift += 7;
		}
		uint64_t base = 0;
		if (t == OBJ_OFS_DELTA) {
			if (q >= end)
				goto fail;
			c = *q++;
			uint64_t rel = c & 127;
			while (c & 128) {
				if (q >= end || rel > (UINT64_MAX >> 8))
					goto fail;
				c = *q++;
				rel = ((rel + 1) << 7) | (c & 127);
			}
			if (rel == 0 || rel > off)
				goto fail;
			base = off - rel;
		} else if (t == OBJ_REF_DELTA) {
			uint32_t bp;
			if (end - q < 20 || !find(ps, (const git_oid *)(const void *)q, &bp, &base) || bp != packno)
				goto fail;
			q += 20;
			if (base == off)
				goto fail; /* a delta against itself */
		} else if (t < OBJ_COMMIT || t > OBJ_TAG) {
			goto fail;
		}
		/* the entry's data must start inside the pack, its size within the limits */
		if (q >= end)
			goto fail;
		if (t == OBJ_OFS_DELTA || t == OBJ_REF_DELTA) {
			/* checked, not yet counted: the budget is spent as deltas are inflated */
			size_t spare = READ_BUDGET;
			if (!size_ok(p, (uint64_t)(q - p->data), size, &spare, toobig))
				goto fail;
			if (nchain == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				chainlink *nc = realloc(chain, ncap * sizeof(*nc));
				if (!nc)
					goto fail;
				chain = nc;
				cap = ncap;
			}
			chain[nchain++] = (chainlink){ off, (uint64_t)(q - p->data), size };
			off = base;
			continue;
		}
		if (!nchain && size > limit) {
			*declared = size;
			goto fail;
		}
		if (!size_ok(p, (uint64_t)(q - p->data), size, &budget, toobig) ||
		    !(cur = obj_new(t, size)) || !inflate_into(ps, p, (uint64_t)(q - p->data), cur->data, size))
			goto fail;
		if (nchain || keep)
			cache_put(ps, cache_key(packno, off), cur);
		break;
	}
	/* apply the deltas back up, keeping each result for the next reader */
	while (nchain) {
		chainlink *l = &chain[--nchain];
		unsigned char *delta = NULL;
		hr_packobj *next = NULL;
		if (!size_ok(p, l->data, l->size, &budget, toobig) || !(delta = malloc(l->size ? l->size : 1)))
			goto fail;
		if (inflate_into(ps, p, l->data, delta, l->size))
			next = apply_delta(cur, delta, l->size, &budget, toobig, nchain ? SIZE_MAX : limit, declared);
		free(delta);
		hr_packobj_free(cur);
		cur = next;
		if (!cur)
			goto fail;
		if (nchain || keep)
			cache_put(ps, cache_key(packno, l->off), cur);
	}
	free(chain);
	return cur;
fail:
	free(chain);
	hr_packobj_free(cur);
	return NULL;
}

int hr_packs_read(hr_packs *ps, const git_oid *id, int want_type, unsigned flags, hr_packobj **out)
{
	size_t declared;
	return hr_packs_read_limited(ps, id, want_type, flags, SIZE_MAX, &declared, out);
}

/*
 * Not in a pack: a loose object of the same directories (loose.c), in an
 * hr_packobj of its own (never cached: a loose object is read once). A
 * corrupt or unreadable file is HR_ENOTFOUND here, for libgit2 to read
 * and name; an object over the limit is not read, its size is returned.
 */
static int read_loose(hr_packs *ps, const git_oid *id, int want_type, size_t limit, size_t *declared,
	hr_packobj **out)
{
	hr_looseobj lo;
	char err[256];
	const hr_oid *oid = hr_oid_from_git(id);
	int rc = hr_loose_read(&lo, ps->dirs, ps->ndirs, oid, limit == SIZE_MAX ? 0 : limit, err, sizeof(err));
	if (rc == HR_ETOOBIG) {
		int type;
		size_t size;
		if (hr_loose_header(&type, &size, ps->dirs, ps->ndirs, oid, err, sizeof(err)) == 0 && size > limit) {
			*declared = size;
			return HR_ETOOBIG;
		}
		return HR_ENOTFOUND;
	}
	if (rc < 0)
		return rc == HR_ENOMEM ? rc : HR_ENOTFOUND;
	/* the loose reader's buffer is taken over, not copied: a big blob is held once */
	hr_packobj *o = calloc(1, sizeof(*o) + 1);
	if (!o) {
		hr_looseobj_free(&lo);
		return HR_ENOMEM;
	}
	o->refs = 1;
	o->type = lo.type;
	o->len = lo.len;
	o->ext = lo.data;
	if (want_type && o->type != want_type) {
		hr_packobj_free(o);
		return HR_EINVALID;
	}
	*out = o;
	return 0;
}

int hr_packs_read_limited(hr_packs *ps, const git_oid *id, int want_type, unsigned flags, size_t limit,
	size_t *declared, hr_packobj **out)
{
	uint32_t packno;
	uint64_t off;

	*out = NULL;
	*declared = 0;
	if (!ps)
		return HR_ENOTFOUND;
	if (!find(ps, id, &packno, &off))
		return read_loose(ps, id, want_type, limit, declared, out);
	ps->last = packno;
	bool toobig = false;
	hr_packobj *data = read_at(ps, packno, off, !(flags & HR_PACKS_ONCE), &toobig, limit, declared);
	if (!data && *declared)
		return HR_ETOOBIG; /* over the caller's limit: *declared says by how much */
	if (!data && toobig) {
		/* libgit2 would attempt the allocation: this is the answer */
		git_error_set_str(GIT_ERROR_ODB, "a packed object declares a size over hook-run's limits "
			"(256 MB an object, 1 GB to rebuild a delta chain) or more than its data can hold");
		return HR_ETOOBIG;
	}
	if (!data && ps->verify) {
		/* under test, a pack object this reader cannot read is its bug */
		git_error_set_str(GIT_ERROR_ODB, "hook-run's pack reader could not read a packed object");
		return HR_EGIT;
	}
	if (!data)
		return HR_ENOTFOUND; /* let libgit2 read it, or say what is wrong */
	if (want_type && data->type != want_type) {
		hr_packobj_free(data);
		return HR_EINVALID;
	}
	if (ps->verify) {
		git_oid check;
		if (hr_hash_object((hr_oid *)(void *)&check, data->type, hr_packobj_data(data), data->len) < 0 ||
		    !git_oid_equal(&check, id)) {
			hr_packobj_free(data);
			git_error_set_str(GIT_ERROR_ODB, "hook-run's pack reader read a wrong object");
			return HR_EGIT;
		}
	}
	*out = data;
	return 0;
}
