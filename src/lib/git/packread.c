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
 * by (pack, offset), 64 MB, and reuses one zlib stream.
 *
 * What it does: finds the packs of the repository's object directories
 * (the repository's own, the alternates hr_repo_open() added from the
 * environment, and those listed in objects/info/alternates), maps their
 * version-2 .idx and .pack files, and answers "read object ID" for objects
 * stored in a pack (OFS_DELTA and REF_DELTA chains included).
 * What it does not: loose objects, SHA-256, version-1 indexes. For those,
 * or on anything unexpected, it answers HR_ENOTFOUND and the caller asks
 * libgit2, which also produces the proper error for a corrupt object.
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
#include <zlib.h>

#include "git_internal.h"

#define CACHE_LIMIT ((size_t)64 * 1024 * 1024)
#define CACHE_ENTRY_MAX ((size_t)1024 * 1024)
#define BUCKETS 16384
#define MAX_CHAIN 4095
#define MAX_PACKS 256
#define MAX_DIRS 32
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

typedef struct centry {
	uint32_t pack;
	uint64_t off;
	int type;
	unsigned char *data;
	size_t len;
	struct centry *prev, *next; /* LRU list, most recent first */
	struct centry *hnext;       /* bucket chain */
} centry;

struct hr_packs {
	pack packs[MAX_PACKS];
	size_t npacks;
	size_t last;               /* the pack of the last hit, tried first */
	z_stream z;
	bool zready;
	centry *buckets[BUCKETS];
	centry *head, *tail;
	size_t mem;
	bool verify;
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
	if (!data || len < 12 + 20 || memcmp(data, "PACK", 4) != 0 ||
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

static void add_dir(hr_packs *ps, const char *objdir, char **seen, size_t *nseen, int depth)
{
	char path[4096];
	char *real = realpath(objdir, NULL);
	if (!real || depth > 5 || *nseen == MAX_DIRS) {
		free(real);
		return;
	}
	for (size_t i = 0; i < *nseen; i++)
		if (!strcmp(seen[i], real)) {
			free(real);
			return;
		}
	seen[(*nseen)++] = real;

	if ((size_t)snprintf(path, sizeof(path), "%s/pack", real) < sizeof(path)) {
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
	/* objects/info/alternates: one directory per line, relative to this one */
	if ((size_t)snprintf(path, sizeof(path), "%s/info/alternates", real) < sizeof(path)) {
		FILE *f = fopen(path, "r");
		char line[4096];
		while (f && fgets(line, sizeof(line), f)) {
			size_t n = strcspn(line, "\r\n");
			line[n] = '\0';
			if (!n || line[0] == '#' || line[0] == '"')
				continue; /* quoted entries: left to libgit2 */
			char alt[8192];
			if (line[0] == '/')
				snprintf(alt, sizeof(alt), "%s", line);
			else
				snprintf(alt, sizeof(alt), "%s/%s", real, line);
			add_dir(ps, alt, seen, nseen, depth + 1);
		}
		if (f)
			fclose(f);
	}
}

int hr_packs_new(hr_packs **out)
{
	hr_packs *ps = calloc(1, sizeof(*ps));

	*out = NULL;
	if (!ps)
		return HR_ENOMEM;
	if (inflateInit(&ps->z) != Z_OK) {
		free(ps);
		return HR_ENOMEM;
	}
	ps->zready = true;
	*out = ps;
	return 0;
}

int hr_packs_open(hr_packs **out, hr_repo *r)
{
	hr_packs *ps;
	char *seen[MAX_DIRS];
	size_t nseen = 0;
	char path[4096];
	int rc;

	if ((rc = hr_packs_new(&ps)) < 0)
		return rc;
	const char *v = getenv("HOOK_RUN_VERIFY_OBJECTS");
	ps->verify = v && *v && strcmp(v, "0") != 0;
	snprintf(path, sizeof(path), "%sobjects", r->commondir);
	add_dir(ps, path, seen, &nseen, 0);
	for (size_t i = 0; i < r->nobjdirs; i++)
		add_dir(ps, r->objdirs[i], seen, &nseen, 0);
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	*out = ps;
	return 0;
}

static void cache_unlink(hr_packs *ps, centry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		ps->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		ps->tail = e->prev;
	e->prev = e->next = NULL;
}

void hr_packs_free(hr_packs *ps)
{
	if (!ps)
		return;
	for (centry *e = ps->head, *next; e; e = next) {
		next = e->next;
		free(e->data);
		free(e);
	}
	for (size_t i = 0; i < ps->npacks; i++) {
		if (!ps->packs[i].mapped)
			continue;
		munmap((void *)ps->packs[i].idx, ps->packs[i].idxlen);
		munmap((void *)ps->packs[i].data, ps->packs[i].len);
	}
	if (ps->zready)
		inflateEnd(&ps->z);
	free(ps);
}

/* ---- the cache ------------------------------------------------------- */

static size_t bucket(uint32_t packno, uint64_t off)
{
	return (size_t)((off * 0x9e3779b97f4a7c15ull) >> 40 ^ packno) % BUCKETS;
}

static centry *cache_get(hr_packs *ps, uint32_t packno, uint64_t off)
{
	for (centry *e = ps->buckets[bucket(packno, off)]; e; e = e->hnext)
		if (e->pack == packno && e->off == off) {
			if (e != ps->head) {
				cache_unlink(ps, e);
				e->next = ps->head;
				if (ps->head)
					ps->head->prev = e;
				ps->head = e;
				if (!ps->tail)
					ps->tail = e;
			}
			return e;
		}
	return NULL;
}

static void cache_evict(hr_packs *ps)
{
	while (ps->mem > CACHE_LIMIT && ps->tail) {
		centry *e = ps->tail;
		centry **pp = &ps->buckets[bucket(e->pack, e->off)];
		while (*pp != e)
			pp = &(*pp)->hnext;
		*pp = e->hnext;
		cache_unlink(ps, e);
		ps->mem -= e->len + sizeof(*e);
		free(e->data);
		free(e);
	}
}

/* Keep a copy of an object read at (packno, off); failure only loses speed. */
static void cache_put(hr_packs *ps, uint32_t packno, uint64_t off, int type,
	const unsigned char *data, size_t len)
{
	if (len > CACHE_ENTRY_MAX || cache_get(ps, packno, off))
		return;
	centry *e = malloc(sizeof(*e));
	if (!e)
		return;
	if (!(e->data = malloc(len ? len : 1))) {
		free(e);
		return;
	}
	memcpy(e->data, data, len);
	e->len = len;
	e->pack = packno;
	e->off = off;
	e->type = type;
	size_t b = bucket(packno, off);
	e->hnext = ps->buckets[b];
	ps->buckets[b] = e;
	e->prev = NULL;
	e->next = ps->head;
	if (ps->head)
		ps->head->prev = e;
	ps->head = e;
	if (!ps->tail)
		ps->tail = e;
	ps->mem += len + sizeof(*e);
	cache_evict(ps);
}

/* ---- reading --------------------------------------------------------- */

static bool find(const hr_packs *ps, const git_oid *id, uint32_t *packno, uint64_t *off)
{
	for (size_t k = 0; k < ps->npacks; k++) {
		size_t i = (ps->last + k) % ps->npacks;
		const pack *p = &ps->packs[i];
		/* pack_init() checked: the fanout rises to p->n, so lo <= hi <= n */
		uint32_t lo = id->id[0] ? hr_be32(p->idx + 8 + (id->id[0] - 1) * 4) : 0;
		uint32_t hi = hr_be32(p->idx + 8 + id->id[0] * 4);
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

/* Inflate exactly `size` bytes starting at p->data + pos into a new buffer. */
static unsigned char *inflate_at(hr_packs *ps, const pack *p, uint64_t pos, size_t size)
{
	unsigned char *buf;
	if (pos >= p->len || size > HR_PACK_OBJECT_MAX || !(buf = malloc(size + 1)))
		return NULL;
	if (inflateReset(&ps->z) != Z_OK)
		goto fail;
	ps->z.next_in = (Bytef *)(p->data + pos);
	ps->z.avail_in = (uInt)((p->len - pos) > 0x7fffffff ? 0x7fffffff : p->len - pos);
	ps->z.next_out = buf;
	ps->z.avail_out = (uInt)size;
	int zr = inflate(&ps->z, Z_FINISH);
	if (zr != Z_STREAM_END || ps->z.total_out != size)
		goto fail;
	buf[size] = '\0';
	return buf;
fail:
	free(buf);
	return NULL;
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
static unsigned char *apply_delta(const unsigned char *base, size_t base_len,
	const unsigned char *delta, size_t delta_len, size_t *out_len, size_t *budget, bool *toobig)
{
	const unsigned char *p = delta, *end = delta + delta_len;
	size_t src, dst, w = 0;
	unsigned char *out;

	if (!delta_size(&p, end, &src) || !delta_size(&p, end, &dst) || src != base_len)
		return NULL;
	if (dst > HR_PACK_OBJECT_MAX || dst > *budget) {
		*toobig = true;
		return NULL;
	}
	*budget -= dst;
	if (!(out = malloc(dst + 1)))
		return NULL;
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
	out[dst] = '\0';
	*out_len = dst;
	return out;
fail:
	free(out);
	return NULL;
}

typedef struct chainlink {
	uint64_t off;      /* where the object's entry starts */
	uint64_t data;     /* where its compressed data starts */
	size_t size;       /* its inflated size */
} chainlink;

/*
 * Read the object at (packno, off), resolving deltas; NULL on any trouble,
 * with *toobig set when a size limit was the trouble.
 */
static unsigned char *read_at(hr_packs *ps, uint32_t packno, uint64_t off, int *type, size_t *len,
	bool *toobig)
{
	const pack *p = &ps->packs[packno];
	chainlink *chain = NULL;
	size_t nchain = 0, cap = 0, budget = READ_BUDGET;
	unsigned char *cur = NULL;
	size_t curlen = 0;
	int curtype = 0;

	*toobig = false;

	/* walk down to a cached object or a full one */
	for (;;) {
		centry *hit = cache_get(ps, packno, off);
		if (hit) {
			if (!(cur = malloc(hit->len + 1)))
				goto fail;
			memcpy(cur, hit->data, hit->len);
			cur[hit->len] = '\0';
			curlen = hit->len;
			curtype = hit->type;
			break;
		}
		if (off >= p->len || nchain == MAX_CHAIN)
			goto fail;
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
		if (!size_ok(p, (uint64_t)(q - p->data), size, &budget, toobig) ||
		    !(cur = inflate_at(ps, p, (uint64_t)(q - p->data), size)))
			goto fail;
		curlen = size;
		curtype = t;
		/* the next older version is likely a delta against this one */
		cache_put(ps, packno, off, curtype, cur, curlen);
		break;
	}
	/* apply the deltas back up, keeping each result for the next reader */
	while (nchain) {
		chainlink *l = &chain[--nchain];
		unsigned char *delta = NULL, *next;
		size_t nlen;
		if (!size_ok(p, l->data, l->size, &budget, toobig) || !(delta = inflate_at(ps, p, l->data, l->size)))
			goto fail;
		next = apply_delta(cur, curlen, delta, l->size, &nlen, &budget, toobig);
		free(delta);
		free(cur);
		cur = next;
		if (!cur)
			goto fail;
		curlen = nlen;
		cache_put(ps, packno, l->off, curtype, cur, curlen);
	}
	free(chain);
	*type = curtype;
	*len = curlen;
	return cur;
fail:
	free(chain);
	free(cur);
	return NULL;
}

int hr_packs_read(hr_packs *ps, const git_oid *id, int want_type, unsigned char **out, size_t *len)
{
	uint32_t packno;
	uint64_t off;
	int type;

	*out = NULL;
	*len = 0;
	if (!ps || !find(ps, id, &packno, &off))
		return HR_ENOTFOUND;
	ps->last = packno;
	bool toobig = false;
	unsigned char *data = read_at(ps, packno, off, &type, len, &toobig);
	if (!data && toobig) {
		/* libgit2 would attempt the allocation: this is the answer */
		*len = 0;
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
	if (type != want_type) {
		free(data);
		return HR_EINVALID;
	}
	if (ps->verify) {
		git_oid check;
		if (git_odb_hash(&check, data, *len, want_type == OBJ_TREE ? GIT_OBJECT_TREE : GIT_OBJECT_COMMIT) < 0 ||
		    !git_oid_equal(&check, id)) {
			free(data);
			git_error_set_str(GIT_ERROR_ODB, "hook-run's pack reader read a wrong object");
			return HR_EGIT;
		}
	}
	*out = data;
	return 0;
}
