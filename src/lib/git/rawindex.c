/* SPDX-License-Identifier: MIT */
/*
 * rawindex.c - the index file read directly, for the pre-commit check.
 *
 * libgit2 1.5 loads an index by copying every entry, sorting them and
 * hashing every path: about 4 000 instructions per entry, most of a
 * pre-commit run in a 50 000-file repository. The check needs much less:
 * the entries in file order (git keeps them sorted) and the cache tree
 * (the TREE extension), whose valid directories can be skipped whole when
 * their tree equals a parent's. So the file is read once and parsed in
 * place: an entry is a few pointers into the buffer. Writing the index
 * still goes through libgit2 (staged.c), which takes the lock.
 *
 * Format (Documentation/gitformat-index.txt): "DIRC", version 2, 3 or 4,
 * entry count; entries of 62 bytes of stat data, mode, id and flags, the
 * extended flags in version 3+ when flagged, then the path: NUL-padded to
 * a multiple of 8 bytes in versions 2 and 3, prefix-compressed in version
 * 4; then extensions `<4-byte signature><4-byte size><data>`, upper-case
 * signatures optional. An extension this reader cannot honour and git
 * marks as required (split index "link", sparse index "sdir") is an error,
 * never a silent misreading. The trailing checksum is not verified: git
 * wrote the file a moment ago under its lock, and hashing it would cost
 * more than the whole check.
 *
 * Memory: the file is mapped, not copied, and versions 2 and 3 keep only
 * one 32-bit offset per entry (fields are decoded when asked for): page
 * faults, not instructions, are what a 5 MB index costs on a small VM.
 * The parse reads every page of the file and writes every slot of the
 * offset table, so both are mapped with MAP_POPULATE (the table from
 * OFF_MAP_MIN on: 32 768 entries), which fills their pages in one call
 * instead of a page-fault trap each: 3-4% each of a pre-commit in a
 * 50 000-file repository.
 * Version 4 paths are prefix-compressed, so their expanded sum is not
 * bounded by the file's size: they go into a buffer that grows as they
 * are expanded, up to MAX_V4_PATHS bytes (past it: an error, not a
 * gigabyte allocation).
 *
 * Every length is checked against the bytes that are left before it is
 * used; entries must be in git's order (path, then stage), as git itself
 * demands, so that the binary search and the directory walk of staged.c
 * see every entry. hr_rawindex_parse() reads bytes in memory: the unit
 * tests and the fuzz target use it, hr_rawindex_read() maps a file for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_internal.h"
#include "arena.h"

#define ENTRY_FIXED 62          /* stat data, mode, id, flags */
#define FLAG_EXTENDED 0x4000
#define FLAG_NAMEMASK 0x0fff
#define XFLAG_INTENT_TO_ADD 0x2000
/* an offset table this large is mapped with its pages filled at once (see the file comment) */
#define OFF_MAP_MIN ((size_t)128 * 1024)
/* version 4: the expanded paths of one index, at most (see the file comment) */
#define MAX_V4_PATHS ((size_t)256 * 1024 * 1024)


static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int bad(char *err, size_t errlen, const char *path, const char *what)
{
	snprintf(err, errlen, "cannot read the index '%s': %s", path, what);
	return HR_EINVALID;
}

static int bad_at(char *err, size_t errlen, const char *path, const char *what, size_t entry)
{
	snprintf(err, errlen, "cannot read the index '%s': %s (entry %zu)", path, what, entry);
	return HR_EINVALID;
}

/*
 * The TREE extension: nodes in pre-order, each `<name>\0<entry count>
 * <subtree count>\n[<id>]`; the id only when the count is not -1.
 */
typedef struct tree_parser {
	const unsigned char *p, *end;
	hr_cachetree *nodes;
	size_t n, cap;
} tree_parser;

static bool parse_int(const unsigned char **pp, const unsigned char *end, char stop, long *out)
{
	const unsigned char *p = *pp;
	bool neg = false;
	long v = 0;
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return false;
	while (p < end && *p >= '0' && *p <= '9') {
		if (v > 100000000)
			return false;
		v = v * 10 + (*p++ - '0');
	}
	if (p >= end || *p != (unsigned char)stop)
		return false;
	*pp = p + 1;
	*out = neg ? -v : v;
	return true;
}

/* Parse one node and its subtree; returns its index in tp->nodes, or -1. */
static long parse_node(tree_parser *tp, int depth)
{
	const unsigned char *nul = memchr(tp->p, '\0', (size_t)(tp->end - tp->p));
	long count, nsub;
	if (!nul || depth > 4096)
		return -1;
	if (tp->n == tp->cap) {
		size_t cap = tp->cap ? tp->cap * 2 : 64;
		hr_cachetree *nn = realloc(tp->nodes, cap * sizeof(*nn));
		if (!nn)
			return -1;
		tp->nodes = nn;
		tp->cap = cap;
	}
	long self = (long)tp->n++;
	hr_cachetree *node = &tp->nodes[self];
	node->name = (const char *)tp->p;
	node->namelen = (size_t)(nul - tp->p);
	tp->p = nul + 1;
	if (!parse_int(&tp->p, tp->end, ' ', &count) || !parse_int(&tp->p, tp->end, '\n', &nsub) ||
	    nsub < 0 || count < -1)
		return -1;
	node = &tp->nodes[self];
	node->count = count;
	node->nsub = (size_t)nsub;
	node->id = NULL;
	if (count >= 0) {
		if (tp->end - tp->p < GIT_OID_RAWSZ)
			return -1;
		node->id = (const git_oid *)(const void *)tp->p;
		tp->p += GIT_OID_RAWSZ;
	}
	/* children follow; they are found again by hr_cachetree_child() */
	for (long i = 0; i < nsub; i++)
		if (parse_node(tp, depth + 1) < 0)
			return -1;
	tp->nodes[self].next = tp->n; /* the node after this subtree */
	return self;
}

/*
 * Decode the fields of the entry at `p` but its path: mode, id, stage,
 * intent-to-add (bounds already checked: ENTRY_FIXED + 2 bytes).
 */
static void decode_fixed(const unsigned char *p, hr_rawindex_entry *e)
{
	uint16_t flags = be16(p + 60);
	e->mode = hr_be32(p + 24);
	e->id = (const git_oid *)(const void *)(p + 40);
	e->stage = (flags >> 12) & 3;
	e->intent_to_add = (flags & FLAG_EXTENDED) && (be16(p + 62) & XFLAG_INTENT_TO_ADD);
}

/*
 * Decode a version 2/3 entry whose path parse() found NUL-terminated
 * inside the file. A name length of 0xfff means "4095 or more": the path
 * then ends at its NUL (found within bounds at parse time).
 */
static void decode(const unsigned char *p, hr_rawindex_entry *e)
{
	uint16_t flags = be16(p + 60);
	decode_fixed(p, e);
	e->path = (const char *)p + ENTRY_FIXED + ((flags & FLAG_EXTENDED) ? 2 : 0);
	e->pathlen = (flags & FLAG_NAMEMASK) < FLAG_NAMEMASK ? (size_t)(flags & FLAG_NAMEMASK) : strlen(e->path);
}

/* git's order: by path bytes, a prefix first, then by stage */
static int entry_cmp(const char *a, size_t alen, unsigned astage, const char *b, size_t blen, unsigned bstage)
{
	size_t n = alen < blen ? alen : blen;
	int c = memcmp(a, b, n);
	if (c)
		return c;
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return astage < bstage ? -1 : astage > bstage;
}

void hr_rawindex_get(const hr_rawindex *ix, size_t i, hr_rawindex_entry *out)
{
	if (ix->v4)
		*out = ix->v4[i];
	else
		decode(ix->map + ix->off[i], out);
}

/*
 * Versions 2 and 3, the common case, fast: entries from *pp on while each
 * is one the general loop of hr_rawindex_parse() would accept as it
 * stands (a name length below 0xfff, the NUL right after the name and
 * none in it, the padded entry inside the file, not a directory, after
 * the previous entry in git's order). Returns how many it took; the
 * general loop goes on from there with the same state, so an entry this
 * loop stops at gets the general loop's own checks and error message.
 * Why: the general loop costs ~130 instructions an entry, most of a
 * pre-commit in a 50 000-file repository.
 */
static uint32_t parse_plain(hr_rawindex *ix, const unsigned char *d, const unsigned char *end, uint32_t n,
	uint32_t version, const unsigned char **pp, const char **prevp, size_t *prevlenp, unsigned *prev_stagep)
{
	const unsigned char *p = *pp;
	const char *prev = *prevp;
	size_t prevlen = *prevlenp;
	unsigned prev_stage = *prev_stagep;
	uint32_t i = 0;
	while (i < n && end - p >= ENTRY_FIXED + 2) {
		uint16_t flags = be16(p + 60);
		size_t namelen = flags & FLAG_NAMEMASK;
		size_t fixed = ENTRY_FIXED + ((flags & FLAG_EXTENDED) ? 2 : 0);
		if (namelen == FLAG_NAMEMASK || ((flags & FLAG_EXTENDED) && version < 3))
			break;
		/* the name, its NUL and the padding to 8 bytes: inside the file */
		size_t span = (fixed + namelen + 8) & ~(size_t)7;
		if ((size_t)(end - p) < span)
			break;
		const unsigned char *q = p + fixed;
		if (q[namelen] || memchr(q, '\0', namelen))
			break;
		unsigned stage = (flags >> 12) & 3;
		if (hr_mode_kind(hr_be32(p + 24)) == HR_ENTRY_TREE)
			break;
		if (i && entry_cmp(prev, prevlen, prev_stage, (const char *)q, namelen, stage) >= 0)
			break;
		ix->off[i] = (uint32_t)(p - d);
		prev = (const char *)q;
		prevlen = namelen;
		prev_stage = stage;
		p += span;
		i++;
	}
	*pp = p;
	*prevp = prev;
	*prevlenp = prevlen;
	*prev_stagep = prev_stage;
	return i;
}

int hr_rawindex_parse(hr_rawindex *ix, const unsigned char *data, size_t len, const char *name,
	char *err, size_t errlen)
{
	size_t paths_cap = 0, paths_used = 0;
	int rc = 0;

	memset(ix, 0, sizeof(*ix));
	ix->map = data;
	ix->len = len;
	const unsigned char *d = data, *end = d + len;
	if (len < 12 + GIT_OID_RAWSZ || memcmp(d, "DIRC", 4) != 0)
		return bad(err, errlen, name, "not an index file");
	uint32_t version = hr_be32(d + 4), n = hr_be32(d + 8);
	if (version < 2 || version > 4)
		return bad(err, errlen, name, "unsupported index version");
	end -= GIT_OID_RAWSZ; /* the checksum */
	if (n > len / ENTRY_FIXED)
		return bad(err, errlen, name, "entry count larger than the file");
	if (len > UINT32_MAX)
		return bad(err, errlen, name, "larger than 4 GB");
	if ((size_t)n * sizeof(*ix->off) >= OFF_MAP_MIN) {
		/* every entry's slot is written below: its pages, zeroed in one go (see the file comment) */
		size_t maplen = (size_t)n * sizeof(*ix->off);
		void *m = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (m == MAP_FAILED)
			return HR_ENOMEM;
		ix->off = m;
		ix->off_maplen = maplen;
	} else if (!(ix->off = malloc((n ? n : 1) * sizeof(*ix->off)))) {
		return HR_ENOMEM;
	}
	if (version == 4) {
		/* the expanded paths usually take about the file's size; grown as needed */
		paths_cap = len + n + 1;
		if (!(ix->v4 = calloc(n ? n : 1, sizeof(*ix->v4))) || !(ix->paths = malloc(paths_cap)))
			return HR_ENOMEM;
	}

	const unsigned char *p = d + 12;
	size_t prev_off = 0, prevlen = 0;  /* version 4: the previous path in ix->paths */
	const char *prev = NULL;           /* versions 2, 3: the previous path in the file */
	unsigned prev_stage = 0;
	uint32_t i = 0;
	if (version != 4)
		i = parse_plain(ix, d, end, n, version, &p, &prev, &prevlen, &prev_stage);
	for (; i < n; i++) {
		hr_rawindex_entry tmp, *e = ix->v4 ? &ix->v4[i] : &tmp;
		const unsigned char *start = p;
		if (end - p < ENTRY_FIXED + 2)
			return bad_at(err, errlen, name, "truncated entry", i);
		uint16_t flags = be16(p + 60);
		size_t namelen = flags & FLAG_NAMEMASK;
		if ((flags & FLAG_EXTENDED) && version < 3)
			return bad_at(err, errlen, name, "extended flags in a version 2 index", i);
		const unsigned char *q = p + ENTRY_FIXED + ((flags & FLAG_EXTENDED) ? 2 : 0);
		if (q > end)
			return bad_at(err, errlen, name, "truncated entry", i);
		if (ix->v4) {
			decode_fixed(p, e);
		} else {
			/* only what the checks below read: hr_rawindex_get() decodes the rest */
			e->mode = hr_be32(p + 24);
			e->stage = (flags >> 12) & 3;
		}
		ix->off[i] = (uint32_t)(p - d);
		if (version != 4) {
			/* the path ends at a NUL inside the file, never found with strlen() */
			const unsigned char *nul = memchr(q, '\0', (size_t)(end - q));
			if (!nul)
				return bad_at(err, errlen, name, "truncated entry", i);
			size_t plen = (size_t)(nul - q);
			if (namelen < FLAG_NAMEMASK ? plen != namelen : plen < FLAG_NAMEMASK)
				return bad_at(err, errlen, name, "bad path length", i);
			e->path = (const char *)q;
			e->pathlen = plen;
			/* NUL-padded to a multiple of 8 bytes, at least one NUL */
			p = start + ((size_t)(nul - start + 8) & ~(size_t)7);
			if (p > end)
				return bad_at(err, errlen, name, "truncated entry", i);
			if (i && entry_cmp(prev, prevlen, prev_stage, e->path, e->pathlen, e->stage) >= 0)
				return bad_at(err, errlen, name, "entries out of order", i);
			prev = e->path;
		} else {
			p = q;
			/* varint: how many bytes of the previous path to drop */
			size_t drop = 0;
			unsigned char c;
			int shifts = 0;
			do {
				if (p >= end || shifts++ > 8)
					return bad_at(err, errlen, name, "bad path prefix", i);
				c = *p++;
				drop = drop * 128 + (c & 127);
				if (c & 128)
					drop++;
			} while (c & 128);
			const unsigned char *nul = memchr(p, '\0', (size_t)(end - p));
			if (!nul || drop > prevlen)
				return bad_at(err, errlen, name, "bad path prefix", i);
			size_t keep = prevlen - drop, sfx = (size_t)(nul - p), plen = keep + sfx;
			if (namelen < FLAG_NAMEMASK ? plen != namelen : plen < FLAG_NAMEMASK)
				return bad_at(err, errlen, name, "bad path length", i);
			if (plen + 1 > paths_cap - paths_used) {
				/* prefix compression: the expanded paths outgrow the file */
				size_t need = paths_used + plen + 1, cap = paths_cap;
				if (need > MAX_V4_PATHS)
					return bad(err, errlen, name, "its version 4 paths expand to more than 256 MB");
				while (cap < need)
					cap = cap > MAX_V4_PATHS / 2 ? MAX_V4_PATHS : cap * 2;
				char *grown = realloc(ix->paths, cap);
				if (!grown)
					return HR_ENOMEM;
				ix->paths = grown;
				paths_cap = cap;
			}
			char *dst = ix->paths + paths_used;
			memmove(dst, ix->paths + prev_off, keep); /* prev ends where dst starts */
			memcpy(dst + keep, p, sfx);
			dst[plen] = '\0';
			if (i && entry_cmp(ix->paths + prev_off, prevlen, prev_stage, dst, plen, e->stage) >= 0)
				return bad_at(err, errlen, name, "entries out of order", i);
			/* an offset for now: the buffer may still move */
			e->path = NULL;
			e->pathlen = plen;
			prev_off = paths_used;
			paths_used += plen + 1;
			p = nul + 1;
		}
		if (hr_mode_kind(e->mode) == HR_ENTRY_TREE)
			return bad(err, errlen, name, "a sparse index (directory entries) is not supported; "
				"run `git sparse-checkout init --no-sparse-index`");
		prevlen = e->pathlen;
		prev_stage = e->stage;
	}
	if (ix->v4) {
		size_t off = 0;
		for (uint32_t k = 0; k < n; k++) {
			ix->v4[k].path = ix->paths + off;
			off += ix->v4[k].pathlen + 1;
		}
	}
	ix->n = n;
	ix->version = version;
	ix->ext_off = (size_t)(p - d);

	/* extensions */
	while (rc == 0 && end - p >= 8) {
		uint32_t size = hr_be32(p + 4);
		const unsigned char *data_ = p + 8;
		if ((size_t)(end - data_) < size)
			return bad(err, errlen, name, "truncated extension");
		if (!memcmp(p, "TREE", 4) && size) {
			tree_parser tp = { data_, data_ + size, NULL, 0, 0 };
			if (parse_node(&tp, 0) != 0 || tp.p != tp.end) {
				free(tp.nodes); /* a cache we cannot read is only a lost shortcut */
			} else {
				free(ix->tree); /* a second TREE extension: the last one counts */
				ix->tree = tp.nodes;
				ix->ntree = tp.n;
			}
		} else if (p[0] < 'A' || p[0] > 'Z') {
			char what[160];
			snprintf(what, sizeof(what), "required extension '%.4s' is not supported%s", p,
				!memcmp(p, "link", 4) ? " (split index: run `git update-index --no-split-index`)" : "");
			return bad(err, errlen, name, what);
		}
		p = data_ + size;
	}
	if (p != end)
		return bad(err, errlen, name, "trailing bytes after the extensions");
	return 0;
}

static int parse_file(hr_rawindex *ix, const char *path, char *err, size_t errlen)
{
	struct stat st;
	const unsigned char *map = NULL;
	int fd;

	memset(ix, 0, sizeof(*ix));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0; /* no index yet: nothing staged */
		snprintf(err, errlen, "cannot read the index '%s': %s", path, strerror(errno));
		return HR_EIO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return bad(err, errlen, path, "not a regular file");
	}
	size_t len = (size_t)st.st_size;
	if (len) {
		void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (m == MAP_FAILED) {
			close(fd);
			snprintf(err, errlen, "cannot read the index '%s': %s", path, strerror(errno));
			return HR_EIO;
		}
		map = m;
	}
	close(fd);
	int rc = hr_rawindex_parse(ix, map, len, path, err, errlen);
	/* mapped here: unmapped by hr_rawindex_free() */
	ix->map = map;
	ix->len = len;
	ix->mapped = map != NULL;
	return rc;
}

int hr_rawindex_read(hr_rawindex *ix, const char *path, char *err, size_t errlen)
{
	int rc = parse_file(ix, path, err, errlen);
	if (rc < 0)
		hr_rawindex_free(ix);
	return rc;
}

void hr_rawindex_free(hr_rawindex *ix)
{
	free(ix->tree);
	free(ix->paths);
	free(ix->v4);
	if (ix->off_maplen)
		munmap(ix->off, ix->off_maplen);
	else
		free(ix->off);
	if (ix->mapped)
		munmap((void *)ix->map, ix->len);
	memset(ix, 0, sizeof(*ix));
}

bool hr_rawindex_find(const hr_rawindex *ix, const char *path, hr_rawindex_entry *out)
{
	size_t at;
	return hr_rawindex_find_at(ix, path, out, &at);
}

bool hr_rawindex_find_at(const hr_rawindex *ix, const char *path, hr_rawindex_entry *out, size_t *at)
{
	size_t lo = 0, hi = ix->n, len = strlen(path);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		hr_rawindex_get(ix, mid, out);
		size_t n = out->pathlen < len ? out->pathlen : len;
		int c = memcmp(out->path, path, n);
		if (!c)
			c = out->pathlen < len ? -1 : out->pathlen > len ? 1 : (int)out->stage;
		if (c == 0) {
			*at = mid;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* git orders cache-tree children by name length first, then by name */
const hr_cachetree *hr_cachetree_child(const hr_rawindex *ix, const hr_cachetree *node,
	const char *name, size_t len)
{
	size_t i = (size_t)(node - ix->tree) + 1;
	for (size_t k = 0; k < node->nsub && i < ix->ntree; k++) {
		const hr_cachetree *c = &ix->tree[i];
		if (c->namelen == len && memcmp(c->name, name, len) == 0)
			return c;
		i = c->next;
	}
	return NULL;
}

/* ---- writing: the same index with some entries' blobs replaced ---------- */

/* Mark the cache-tree nodes above `path` invalid (root included). */
static void invalidate_path(const hr_rawindex *ix, bool *invalid, const char *path)
{
	const hr_cachetree *node = &ix->tree[0];
	invalid[0] = true;
	for (;;) {
		const char *slash = strchr(path, '/');
		if (!slash)
			return;
		node = hr_cachetree_child(ix, node, path, (size_t)(slash - path));
		if (!node)
			return;
		invalid[node - ix->tree] = true;
		path = slash + 1;
	}
}

static void put_be32(hr_buf *b, uint32_t v)
{
	char q[4] = { (char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v };
	hr_buf_append(b, q, 4);
}

int hr_rawindex_patch(unsigned char **out, size_t *outlen, const hr_rawindex *ix,
	hr_index_change *changes, size_t n, bool strict, char *err, size_t errlen)
{
	hr_buf b = HR_BUF_INIT;
	bool *invalid = NULL;
	size_t applied = 0;
	int rc = 0;

	*out = NULL;
	*outlen = 0;
	if (!ix->map || ix->len < 12 + GIT_OID_RAWSZ) {
		snprintf(err, errlen, "there is no index to update");
		return HR_ENOTFOUND;
	}
	if (ix->ntree && !(invalid = calloc(ix->ntree, sizeof(bool))))
		return HR_ENOMEM;
	/* header and entries as they are, then each replaced entry patched in place */
	hr_buf_append(&b, (const char *)ix->map, ix->ext_off);
	for (size_t k = 0; k < n && !b.oom; k++) {
		hr_rawindex_entry e;
		size_t at;
		changes[k].done = false;
		if (!hr_rawindex_find_at(ix, changes[k].path, &e, &at) ||
		    !git_oid_equal(e.id, changes[k].old_id)) {
			if (!strict)
				continue; /* staged differently there: left as it is */
			snprintf(err, errlen, "'%s' changed in the index while it was checked", changes[k].path);
			rc = HR_ECONFLICT;
			goto out;
		}
		/*
		 * stat data zeroed (ctime, mtime, dev, ino; uid, gid, size), mode
		 * kept, the new id: git then cannot take a same-size working file
		 * with an unchanged mtime for the new content, it re-reads it
		 */
		unsigned char *entry = (unsigned char *)b.ptr + ix->off[at];
		memset(entry, 0, 24);
		memset(entry + 28, 0, 12);
		memcpy(entry + 40, changes[k].new_id->id, GIT_OID_RAWSZ);
		changes[k].done = true;
		applied++;
		if (ix->ntree)
			invalidate_path(ix, invalid, changes[k].path);
	}
	/*
	 * Extensions: the cache tree again, its nodes above a replaced entry
	 * invalidated (else `git commit` would record the tree it caches, the
	 * old blob); the resolve-undo and untracked caches as they are. The
	 * rest is left out, as git leaves out what it does not know: EOIE and
	 * IEOT describe offsets and extension sizes this rewrite changes, and
	 * FSMN's dirty bits no longer match; git rebuilds them as it needs.
	 */
	const unsigned char *p = ix->map + ix->ext_off, *end = ix->map + ix->len - GIT_OID_RAWSZ;
	while (end - p >= 8 && !b.oom) {
		uint32_t size = hr_be32(p + 4);
		const unsigned char *data = p + 8;
		if (!memcmp(p, "TREE", 4)) {
			if (ix->ntree) {
				hr_buf t = HR_BUF_INIT;
				for (size_t i = 0; i < ix->ntree; i++) {
					const hr_cachetree *c = &ix->tree[i];
					hr_buf_append(&t, c->name, c->namelen);
					hr_buf_putc(&t, '\0');
					if (invalid[i] || c->count < 0) {
						hr_buf_printf(&t, "-1 %zu\n", c->nsub);
					} else {
						hr_buf_printf(&t, "%ld %zu\n", c->count, c->nsub);
						hr_buf_append(&t, (const char *)c->id->id, GIT_OID_RAWSZ);
					}
				}
				if (t.oom || t.len > UINT32_MAX) {
					b.oom = true;
				} else {
					hr_buf_append(&b, "TREE", 4);
					put_be32(&b, (uint32_t)t.len);
					hr_buf_append(&b, t.ptr, t.len);
				}
				hr_buf_free(&t);
			}
			/* a cache tree this reader could not parse is dropped: git rebuilds it */
		} else if (!memcmp(p, "REUC", 4) || !memcmp(p, "UNTR", 4)) {
			hr_buf_append(&b, (const char *)p, 8 + (size_t)size);
		}
		p = data + size;
	}
	if (b.oom) {
		rc = HR_ENOMEM;
		goto out;
	}
	unsigned char sum[GIT_OID_RAWSZ];
	hr_sha1(sum, b.ptr, b.len);
	hr_buf_append(&b, (const char *)sum, sizeof(sum));
	if (b.oom) {
		rc = HR_ENOMEM;
		goto out;
	}
	*out = (unsigned char *)b.ptr;
	*outlen = b.len;
	b.ptr = NULL;
out:
	(void)applied;
	hr_buf_free(&b);
	free(invalid);
	return rc;
}
