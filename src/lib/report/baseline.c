/* SPDX-License-Identifier: MIT */
/*
 * baseline.c - finding identity, baselines and fingerprints (see
 * baseline.h).
 *
 * Every finding gets a key: path NUL rule NUL ('+' instruction | '-'),
 * each part made valid UTF-8 the way the JSON report writes it (an invalid
 * byte becomes U+FFFD, as Go does). A baseline is the sorted array of the
 * distinct keys of its unsuppressed findings, each with a count; filtering
 * looks each live finding up by binary search and hides it while the key's
 * count for this file lasts (a per-call stamp resets the counts, so no
 * per-file allocation is needed). Fingerprints hash the same key with
 * FNV-1a 64 and an occurrence number found by sorting the findings' key
 * hashes, then mix the bits with MurmurHash3's finaliser.
 *
 * It reads JSON with jansson, so it lives in the shell layer, not the core.
 * It does not write baselines: `--format json` does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hook-run/baseline.h"
#include "hook-run/fileio.h"
#include "report_internal.h"
#include "arena.h"
#include "text.h"

typedef struct entry {
	char *key;
	size_t len;
	size_t count;     /* how many findings with this key the baseline holds */
	size_t used;      /* hidden so far in the call `stamp` */
	unsigned long stamp;
} entry;

struct hr_baseline {
	entry *entries;
	size_t n;
	size_t total;     /* findings, duplicates counted */
	unsigned long calls;
};

/* append s[0..len) to the key as valid UTF-8 */
static void put_utf8(hr_buf *k, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t run = i;
		while (run < len && (unsigned char)s[run] < 0x80)
			run++;
		hr_buf_append(k, s + i, run - i);
		i = run;
		if (i >= len)
			break;
		uint32_t cp;
		size_t w = hr_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (cp == HR_RUNE_ERROR && w == 1)
			hr_buf_put_rune(k, HR_RUNE_ERROR);
		else
			hr_buf_append(k, s + i, w);
		i += w;
	}
}

/* the identity key: path NUL rule NUL ('+' instruction | '-') */
static void key_build(hr_buf *k, const char *path, size_t path_len, const char *rule,
	size_t rule_len, const char *instr, size_t instr_len)
{
	hr_buf_clear(k);
	const char *rel = hr_report_relpath(path);
	path_len -= (size_t)(rel - path);
	put_utf8(k, rel, path_len);
	hr_buf_putc(k, '\0');
	put_utf8(k, rule, rule_len);
	hr_buf_putc(k, '\0');
	if (instr) {
		hr_buf_putc(k, '+');
		put_utf8(k, instr, instr_len);
	} else {
		hr_buf_putc(k, '-');
	}
}

static void key_of(hr_buf *k, const char *path, const hr_finding *f)
{
	const char *rule = hr_rule_get(f->rule)->name;
	key_build(k, path, strlen(path), rule, strlen(rule),
		f->instruction ? f->instruction->original.ptr : NULL,
		f->instruction ? f->instruction->original.len : 0);
}

static int cmp_key(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int cmp_entry(const void *pa, const void *pb)
{
	const entry *a = pa, *b = pb;
	return cmp_key(a->key, a->len, b->key, b->len);
}

static entry *lookup(const hr_baseline *b, const char *key, size_t len)
{
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_key(key, len, b->entries[mid].key, b->entries[mid].len);
		if (c == 0)
			return &b->entries[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void hr_baseline_free(hr_baseline *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		free(b->entries[i].key);
	free(b->entries);
	free(b);
}

size_t hr_baseline_size(const hr_baseline *b)
{
	return b ? b->total : 0;
}

static int add_entry(hr_baseline *b, size_t *cap, const hr_buf *k)
{
	if (b->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		entry *e = realloc(b->entries, ncap * sizeof(*e));
		if (!e)
			return HR_ENOMEM;
		b->entries = e;
		*cap = ncap;
	}
	entry *e = &b->entries[b->n];
	memset(e, 0, sizeof(*e));
	e->key = malloc(k->len ? k->len : 1);
	if (!e->key)
		return HR_ENOMEM;
	memcpy(e->key, k->ptr, k->len);
	e->len = k->len;
	e->count = 1;
	b->n++;
	b->total++;
	return 0;
}

/* error helper: a message, HR_EINVALID */
static int invalid(char *err, size_t errlen, const char *what, size_t file, size_t finding)
{
	if (finding)
		snprintf(err, errlen, "files[%zu].findings[%zu]: %s", file, finding - 1, what);
	else
		snprintf(err, errlen, "files[%zu]: %s", file, what);
	return HR_EINVALID;
}

int hr_baseline_load(hr_baseline **out, const char *json, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	hr_buf k = HR_BUF_INIT;
	size_t cap = 0;
	int rc = 0;

	*out = NULL;
	hr_baseline *b = calloc(1, sizeof(*b));
	if (!b)
		return HR_ENOMEM;
	json_t *root = json_loadb(json, len, JSON_ALLOW_NUL, &jerr);
	if (!root) {
		snprintf(err, errlen, "not JSON: %s (line %d, column %d)", jerr.text, jerr.line, jerr.column);
		rc = HR_EINVALID;
		goto out;
	}
	json_t *version = json_object_get(root, "version");
	json_t *files = json_object_get(root, "files");
	if (!json_is_object(root) || !json_is_integer(version) || !json_is_array(files)) {
		snprintf(err, errlen, "not a hook-run JSON report (--format json)");
		rc = HR_EINVALID;
		goto out;
	}
	if (json_integer_value(version) != 1) {
		snprintf(err, errlen, "JSON report version %lld is not supported (only 1)",
			(long long)json_integer_value(version));
		rc = HR_EINVALID;
		goto out;
	}
	size_t fi;
	json_t *file;
	json_array_foreach(files, fi, file) {
		json_t *path = json_object_get(file, "path");
		json_t *findings = json_object_get(file, "findings");
		if (!json_is_string(path) || !json_is_array(findings)) {
			rc = invalid(err, errlen, "expected \"path\" and \"findings\"", fi, 0);
			goto out;
		}
		size_t i;
		json_t *f;
		json_array_foreach(findings, i, f) {
			json_t *rule = json_object_get(f, "rule");
			json_t *instr = json_object_get(f, "instruction");
			json_t *suppressed = json_object_get(f, "suppressed");
			if (!json_is_string(rule) || (instr && !json_is_string(instr) && !json_is_null(instr))) {
				rc = invalid(err, errlen, "expected \"rule\" and \"instruction\"", fi, i + 1);
				goto out;
			}
			if (json_is_true(suppressed))
				continue; /* suppressed in the file: not accepted debt */
			key_build(&k, json_string_value(path), json_string_length(path),
				json_string_value(rule), json_string_length(rule),
				json_is_string(instr) ? json_string_value(instr) : NULL,
				json_is_string(instr) ? json_string_length(instr) : 0);
			if (k.oom || (rc = add_entry(b, &cap, &k)) < 0) {
				rc = HR_ENOMEM;
				goto out;
			}
		}
	}
	/* sort, then fold equal keys into counts */
	if (b->n)
		qsort(b->entries, b->n, sizeof(entry), cmp_entry);
	size_t kept = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (kept && !cmp_entry(&b->entries[kept - 1], &b->entries[i])) {
			b->entries[kept - 1].count++;
			free(b->entries[i].key);
			continue;
		}
		b->entries[kept++] = b->entries[i];
	}
	b->n = kept;
out:
	json_decref(root);
	hr_buf_free(&k);
	if (rc < 0) {
		hr_baseline_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

int hr_baseline_load_file(hr_baseline **out, const char *path, char *err, size_t errlen)
{
	char *data = NULL;
	size_t len = 0;
	char msg[512];

	*out = NULL;
	int rc = hr_file_read(&data, &len, path, 0, err, errlen);
	if (rc < 0)
		return rc;
	rc = hr_baseline_load(out, data, len, msg, sizeof(msg));
	if (rc == HR_EINVALID)
		snprintf(err, errlen, "'%s': %s", path, msg);
	free(data);
	return rc;
}

int hr_baseline_filter(hr_baseline_view *out, hr_baseline *b, const char *path, const hr_result *in)
{
	hr_buf k = HR_BUF_INIT;
	bool *hide = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (in) {
		out->result = *in;
		out->result.priv = NULL; /* the view owns none of the result */
	}
	if (!b || !in || in->nfindings == 0 || b->n == 0)
		return 0;
	hide = calloc(in->nfindings, sizeof(bool));
	if (!hide)
		return HR_ENOMEM;
	b->calls++;
	for (size_t i = 0; i < in->nfindings; i++) {
		const hr_finding *f = &in->findings[i];
		if (f->suppressed)
			continue;
		key_of(&k, path, f);
		if (k.oom) {
			rc = HR_ENOMEM;
			goto out;
		}
		entry *e = lookup(b, k.ptr, k.len);
		if (!e)
			continue;
		if (e->stamp != b->calls) {
			e->stamp = b->calls;
			e->used = 0;
		}
		if (e->used < e->count) {
			e->used++;
			hide[i] = true;
			out->hidden++;
		}
	}
	if (out->hidden) {
		size_t n = in->nfindings - out->hidden;
		out->owned = malloc((n ? n : 1) * sizeof(hr_finding));
		if (!out->owned) {
			out->hidden = 0;
			rc = HR_ENOMEM;
			goto out;
		}
		size_t j = 0;
		for (size_t i = 0; i < in->nfindings; i++)
			if (!hide[i])
				out->owned[j++] = in->findings[i];
		out->result.findings = out->owned;
		out->result.nfindings = n;
	}
out:
	free(hide);
	hr_buf_free(&k);
	return rc;
}

void hr_baseline_view_free(hr_baseline_view *v)
{
	if (!v)
		return;
	free(v->owned);
	memset(v, 0, sizeof(*v));
}

/* ---- fingerprints ------------------------------------------------------ */

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv1a(uint64_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* MurmurHash3's 64-bit finaliser: FNV-1a alone barely changes the high
 * bits for a different last byte, so fingerprints of siblings would look
 * alike */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

typedef struct hashed {
	uint64_t hash;
	size_t index;
} hashed;

static int cmp_hashed(const void *pa, const void *pb)
{
	const hashed *a = pa, *b = pb;
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

int hr_finding_fingerprints(hr_fingerprint *out, const char *path, const hr_result *r)
{
	if (!r || r->nfindings == 0)
		return 0;
	hr_buf k = HR_BUF_INIT;
	hashed *h = malloc(r->nfindings * sizeof(*h));
	if (!h)
		return HR_ENOMEM;
	for (size_t i = 0; i < r->nfindings; i++) {
		key_of(&k, path, &r->findings[i]);
		h[i].hash = fnv1a(FNV_OFFSET, k.ptr ? k.ptr : "", k.len);
		h[i].index = i;
	}
	bool oom = k.oom;
	hr_buf_free(&k);
	if (oom) {
		free(h);
		return HR_ENOMEM;
	}
	/* equal keys are adjacent after sorting, in finding order */
	qsort(h, r->nfindings, sizeof(*h), cmp_hashed);
	size_t occurrence = 0;
	for (size_t i = 0; i < r->nfindings; i++) {
		occurrence = i && h[i].hash == h[i - 1].hash ? occurrence + 1 : 0;
		char num[24];
		num[0] = '\0'; /* the separator, then the number */
		int n = snprintf(num + 1, sizeof(num) - 1, "%zu", occurrence);
		uint64_t fp = mix(fnv1a(h[i].hash, num, (size_t)n + 1));
		snprintf(out[h[i].index].hex, sizeof(out[0].hex), "%016llx", (unsigned long long)fp);
	}
	free(h);
	return 0;
}
