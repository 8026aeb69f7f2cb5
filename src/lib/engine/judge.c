/* SPDX-License-Identifier: MIT */
/*
 * judge.c - judging the changes a git source hands out (see engine.h,
 * hr_judge): read each distinct blob once, check it with the repository's
 * tree as its build context, report it, count it.
 *
 * The verdict cache (cache.c), when the caller has one, is asked before a
 * blob is read: a blob it holds as clean under this policy and build is
 * counted and reported exactly as a fresh clean check would be (no
 * findings, so the reporters print the same bytes), without being read.
 * Only a clean result is stored: no finding at all (suppressed ones
 * included, as they are counted). The check is a deterministic function of
 * the bytes, the policy (the cache's scope) and what it asked the build
 * context (a commit's tree can make the same bytes judge differently), so
 * the record keeps every question the check asked and its answer: each
 * lookup (root, path: type and flags) and each listing (root, path: a
 * digest of the whole listing), with the number of candidate roots. A
 * record is trusted only when the current context gives every answer
 * again; then the check would ask the same questions and decide the same.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hook-run/engine.h"
#include "engine_internal.h"

double hr_budget_clock_read(void *arg)
{
	hr_budget_clock *clock = arg;
	if (clock && clock->step > 0) {
		clock->fake += clock->step;
		return clock->fake;
	}
	return hr_git_now();
}

int hr_report_file(hr_reporter *r, hr_baseline *baseline, hr_severity fail_on, bool only_new,
	const hr_report_item *item, bool print, hr_report_summary *summary)
{
	hr_baseline_view view;
	hr_report_item shown = *item;
	hr_finding *kept = NULL;
	int rc = hr_baseline_filter(&view, baseline, item->path, item->result);
	if (rc < 0)
		return rc;
	if (item->result)
		shown.result = &view.result;
	if (only_new && item->result) {
		/* what the change did not add: counted, not shown, not blocking */
		size_t old = 0;
		for (size_t i = 0; i < view.result.nfindings; i++)
			if (view.result.findings[i].preexisting && !view.result.findings[i].suppressed)
				old++;
		if (old) {
			kept = malloc(view.result.nfindings * sizeof(*kept));
			if (!kept) {
				hr_baseline_view_free(&view);
				return HR_ENOMEM;
			}
			size_t j = 0;
			for (size_t i = 0; i < view.result.nfindings; i++)
				if (!(view.result.findings[i].preexisting && !view.result.findings[i].suppressed))
					kept[j++] = view.result.findings[i];
			view.result.findings = kept;
			view.result.nfindings = j;
			summary->preexisting += old;
		}
	}
	if (print && r)
		rc = hr_reporter_add(r, &shown);
	summary->files_checked++;
	if (shown.result) {
		summary->findings += hr_result_count(shown.result, HR_SEVERITY_INFO);
		summary->failing += hr_result_count(shown.result, fail_on);
		summary->suppressed += shown.result->nsuppressed;
	}
	summary->baselined += view.hidden;
	hr_baseline_view_free(&view);
	free(kept);
	return rc;
}

int hr_judge_mark_preexisting_tree(hr_result *res, hr_repo *repo, const hr_policy *policy,
	const hr_oid *parent, const char *path, char *err, size_t errlen)
{
	if (!res || !res->nfindings || !parent)
		return 0;
	hr_oid id;
	hr_blob data = { 0 };
	int rc = hr_repo_path_id(&id, repo, parent, path, err, errlen);
	if (rc == HR_ENOTFOUND)
		return 0; /* a new file: every finding is new */
	if (rc == 0)
		rc = hr_blob_load(&data, repo, &id, policy->max_size, err, errlen);
	if (rc == HR_ETOOBIG)
		return 0; /* nothing to compare with: new */
	if (rc < 0)
		return rc;
	hr_repo_context *ctx = NULL;
	hr_build_context view;
	bool have = hr_repo_context_new(&ctx, &view, repo, parent, path, err, errlen) == 0;
	hr_result *before = NULL;
	rc = hr_check_ext(&before, data.data, data.len, policy, have ? &view : NULL);
	if (rc == 0)
		hr_result_mark_preexisting(res, before);
	hr_result_free(before);
	hr_repo_context_free(ctx);
	hr_blob_free(&data);
	return rc;
}

int hr_judge_mark_preexisting(hr_result *res, hr_repo *repo, const hr_policy *policy,
	const hr_oid *commit, const char *path, char *err, size_t errlen)
{
	hr_oid parents[16];
	size_t n = 0;
	if (!res || !res->nfindings)
		return 0;
	int rc = hr_repo_commit_parents(parents, 16, &n, repo, commit, err, errlen);
	if (rc < 0)
		return rc;
	/* a finding any parent had is old (a merge brings both sides' findings) */
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = hr_judge_mark_preexisting_tree(res, repo, policy, &parents[i], path, err, errlen);
	return rc;
}

/*
 * A build context view that records the questions the check asks and the
 * answers it gets, for the cache (the format above; big-endian numbers).
 */
#define RECORD_MAX 4096

typedef struct recorder {
	const hr_build_context *inner;
	unsigned char rec[RECORD_MAX];
	size_t len;
	bool overflow;               /* too many questions: not cached */
} recorder;

static void put(recorder *r, const void *data, size_t n)
{
	if (r->overflow || n > RECORD_MAX - r->len) {
		r->overflow = true;
		return;
	}
	memcpy(r->rec + r->len, data, n);
	r->len += n;
}

static void put_u32(recorder *r, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
		(unsigned char)v };
	put(r, b, 4);
}

static void put_question(recorder *r, char kind, size_t root, const char *path)
{
	size_t n = strlen(path);
	unsigned char b[2] = { (unsigned char)(n >> 8), (unsigned char)n };
	if (n > 0xffff) {
		r->overflow = true;
		return;
	}
	put(r, &kind, 1);
	put_u32(r, (uint32_t)root);
	put(r, b, 2);
	put(r, path, n);
}

static hr_ctx_type recording_lookup(void *data, size_t root, const char *path, unsigned *flags)
{
	recorder *r = data;
	unsigned f = 0;
	hr_ctx_type t = r->inner->lookup(r->inner->data, root, path, &f);
	*flags = f;
	put_question(r, 'L', root, path);
	put_u32(r, (uint32_t)t);
	put_u32(r, f);
	return t;
}

/* A whole listing, as bytes to digest: name, NUL, type, flags per entry. */
typedef struct listing {
	unsigned char *buf;
	size_t len, cap;
	bool oom;
	int (*fn)(void *arg, const char *name, hr_ctx_type type, unsigned flags);
	void *arg;
	bool stopped;                /* the check's callback asked to stop */
} listing;

static int listing_add(void *arg, const char *name, hr_ctx_type type, unsigned flags)
{
	listing *l = arg;
	size_t n = strlen(name) + 1 + 8;
	if (n > l->cap - l->len) {
		size_t cap = l->cap ? l->cap : 1024;
		while (cap - l->len < n)
			cap *= 2;
		unsigned char *b = realloc(l->buf, cap);
		if (!b) {
			l->oom = true;
			return 1;
		}
		l->buf = b;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, name, n - 8);
	l->len += n - 8;
	for (int i = 3; i >= 0; i--)
		l->buf[l->len++] = (unsigned char)((unsigned)type >> (8 * i));
	for (int i = 3; i >= 0; i--)
		l->buf[l->len++] = (unsigned char)(flags >> (8 * i));
	/* the check sees entries until it says stop; the digest covers them all */
	if (l->fn && !l->stopped && l->fn(l->arg, name, type, flags) != 0)
		l->stopped = true;
	return 0;
}

/* List `path` whole through `ctx`: its return code and the listing's digest. */
static int list_digest(const hr_build_context *ctx, size_t root, const char *path, hr_oid *digest,
	int (*fn)(void *, const char *, hr_ctx_type, unsigned), void *arg, bool *oom)
{
	listing l = { .fn = fn, .arg = arg };
	int rc = ctx->list(ctx->data, root, path, listing_add, &l);
	*oom = l.oom;
	if (hr_hash_bytes(digest, l.buf ? (const char *)l.buf : "", l.len) < 0)
		*oom = true;
	free(l.buf);
	return rc;
}

static int recording_list(void *data, size_t root, const char *path,
	int (*fn)(void *arg, const char *name, hr_ctx_type type, unsigned flags), void *arg)
{
	recorder *r = data;
	hr_oid digest;
	bool oom = false;
	int rc = list_digest(r->inner, root, path, &digest, fn, arg, &oom);
	if (oom)
		r->overflow = true;
	put_question(r, 'D', root, path);
	put_u32(r, (uint32_t)rc);
	put(r, digest.id, HR_OID_RAWSZ);
	return rc;
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Does the current context give every answer `rec` holds? The record is
 * the cache's bytes: read with every length checked, and anything that
 * does not parse is "no".
 */
static bool replay_holds(const unsigned char *rec, size_t len, const hr_build_context *ctx)
{
	char path[0x10000];
	size_t pos = 5;
	if (len < 5 || rec[0] != 'c')
		return false;
	size_t ncand = get_u32(rec + 1);
	if (ncand != (ctx ? ctx->ncandidates : 0))
		return false;
	while (pos < len) {
		if (len - pos < 7 || !ctx)
			return false;
		char kind = (char)rec[pos];
		size_t root = get_u32(rec + pos + 1), n = (size_t)rec[pos + 5] << 8 | rec[pos + 6];
		pos += 7;
		if (n > len - pos)
			return false;
		memcpy(path, rec + pos, n);
		path[n] = '\0';
		pos += n;
		if (memchr(path, '\0', n) || root >= ctx->ncandidates)
			return false;
		if (kind == 'L') {
			unsigned flags = 0;
			if (len - pos < 8)
				return false;
			hr_ctx_type t = ctx->lookup(ctx->data, root, path, &flags);
			if ((uint32_t)t != get_u32(rec + pos) || flags != get_u32(rec + pos + 4))
				return false;
			pos += 8;
		} else if (kind == 'D') {
			hr_oid digest;
			bool oom = false;
			if (len - pos < 4 + HR_OID_RAWSZ)
				return false;
			int rc = list_digest(ctx, root, path, &digest, NULL, NULL, &oom);
			if (oom || (uint32_t)rc != get_u32(rec + pos) ||
			    memcmp(digest.id, rec + pos + 4, HR_OID_RAWSZ))
				return false;
			pos += 4 + HR_OID_RAWSZ;
		} else {
			return false;
		}
	}
	return true;
}

static void errline(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void errline(FILE *f, const char *fmt, ...)
{
	va_list ap;
	fputs("hook-run: ", f);
	va_start(ap, fmt);
	hr_report_vprint(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}

/* Keep the distinct (path, blob)s with failing findings, for the fix hint. */
static void remember_bad(hr_judge *k, const char *path, const hr_oid *blob)
{
	for (size_t i = 0; i < k->nbad; i++)
		if (!strcmp(k->bad[i].path, path) && hr_oid_equal(&k->bad[i].blob, blob))
			return;
	if (k->nbad == 256) {
		k->bad_more = true;
		return;
	}
	struct hr_judge_bad *grown = realloc(k->bad, (k->nbad + 1) * sizeof(*grown));
	char *copy = strdup(path);
	if (grown)
		k->bad = grown;
	if (!grown || !copy) {
		free(copy);
		k->bad_more = true;
		return;
	}
	k->bad[k->nbad].path = copy;
	k->bad[k->nbad].blob = *blob;
	k->nbad++;
}

int hr_judge_change(const hr_change *c, void *payload)
{
	hr_judge *k = payload;
	const hr_policy *policy = k->policy;
	char err[1024], commit_hex[HR_OID_HEXSZ + 1];
	hr_blob blob = { 0 };
	hr_result *res = NULL, cached = { 0 };
	bool from_cache = false;
	int verdict;

	if (c->seen == 1) {
		k->summary->files_checked++;
		return 1; /* this blob was clean wherever it was seen */
	}
	if (k->deadline > 0 && hr_budget_clock_read(k->clock) > k->deadline) {
		k->timed_out = true;
		return HR_ETIMEOUT;
	}
	/* the repository shows which sources are files and which are folders */
	hr_repo_context *ctx = NULL;
	hr_build_context view;
	const hr_oid *tree = c->commit ? c->commit : k->context_tree;
	bool can_have = tree || k->context_index, have = false, made = false;
	int rc;
	if (k->cache && !c->seen) {
		unsigned char rec[RECORD_MAX];
		long rlen = hr_cache_blob_get(k->cache, c->blob, rec, sizeof(rec));
		if (rlen == 5) {
			/* a check that asked nothing: only the number of candidate roots
			   mattered, and the path tells it without reading a tree */
			size_t want = can_have ? hr_repo_context_candidates(c->path) : 0;
			from_cache = rec[0] == 'c' && get_u32(rec + 1) == want;
		} else if (rlen > 5) {
			have = can_have && hr_repo_context_new(&ctx, &view, k->repo, tree, c->path, err, sizeof(err)) == 0;
			made = true;
			from_cache = replay_holds(rec, (size_t)rlen, have ? &view : NULL);
		}
		hr_cache_count(k->cache, from_cache);
		if (from_cache) {
			k->cache_hits++;
			goto report;
		}
	}
	if (!made)
		have = can_have && hr_repo_context_new(&ctx, &view, k->repo, tree, c->path, err, sizeof(err)) == 0;
	if (k->before_blob && k->before_blob(k->blob_arg, c->blob, k->errout) < 0) {
		k->error = true;
		hr_repo_context_free(ctx);
		return HR_EINVALID;
	}
	k->blobs_read++;
	/* the blob's bytes once: streamed, or libgit2's buffer kept (no copy) */
	rc = hr_blob_load(&blob, k->repo, c->blob, policy->max_size, err, sizeof(err));
	if (rc == HR_ETOOBIG) {
		snprintf(err, sizeof(err), "larger than max-size (%zu bytes, limit %zu): not read", blob.len,
			policy->max_size);
		rc = hr_check_skipped(&res, err, policy);
	} else if (rc < 0) {
		if (k->after_blob)
			k->after_blob(k->blob_arg);
		errline(k->errout, "%s: %s", c->path, err);
		k->error = true;
		hr_repo_context_free(ctx);
		return rc;
	} else {
		recorder rv = { .inner = &view };
		hr_build_context recording = {
			.ncandidates = view.ncandidates, .lookup = recording_lookup, .list = recording_list,
			.data = &rv,
		};
		put(&rv, "c", 1);
		put_u32(&rv, have ? (uint32_t)view.ncandidates : 0);
		rc = hr_check_ext(&res, blob.data, blob.len, policy, have ? &recording : NULL);
		if (rc == 0 && k->cache && res->nfindings == 0 && !rv.overflow)
			hr_cache_blob_put(k->cache, c->blob, rv.rec, rv.len);
	}
	if (k->after_blob)
		k->after_blob(k->blob_arg);
	if (rc < 0) {
		errline(k->errout, "cannot check '%s': %s", c->path, hr_error_str(rc));
		k->error = true;
		hr_blob_free(&blob);
		hr_repo_context_free(ctx);
		return rc;
	}
report:;
	const hr_result *shown = from_cache ? &cached : res;
	/* the verdict remembered for the blob is the baseline's business: the
	   baseline is keyed by path, so the same blob elsewhere may show again */
	size_t findings = hr_result_count(shown, HR_SEVERITY_INFO);
	verdict = findings ? 2 : 1;
	hr_report_item item = { .path = c->path, .result = shown };
	if (k->updates)
		item.ref = k->updates[c->update].ref;
	if (k->show_commit && c->commit) {
		hr_oid_fmt(commit_hex, c->commit);
		item.commit = commit_hex;
	}
	size_t failing_before = k->summary->failing;
	if (k->only_new && res && c->commit && findings &&
	    hr_judge_mark_preexisting(res, k->repo, policy, c->commit, c->path, err, sizeof(err)) < 0) {
		errline(k->errout, "%s: %s", c->path, err);
		k->error = true;
	}
	if (hr_report_file(k->reporter, k->baseline, policy->fail_on, k->only_new, &item, findings > 0,
		k->summary) < 0)
		k->error = true;
	bool failing = k->summary->failing > failing_before;
	if (failing)
		remember_bad(k, c->path, c->blob);
	if (failing && c->commit && (!k->last_bad_commit || !hr_oid_equal(&k->last_bad, c->commit))) {
		k->last_bad = *c->commit;
		k->last_bad_commit = &k->last_bad;
		k->bad_commits++;
	}
	hr_result_free(res);
	hr_blob_free(&blob);
	hr_repo_context_free(ctx);
	return verdict;
}

void hr_judge_free(hr_judge *judge)
{
	for (size_t i = 0; i < judge->nbad; i++)
		free(judge->bad[i].path);
	free(judge->bad);
	judge->bad = NULL;
	judge->nbad = 0;
}

/*
 * Is the version of bad[at].path that some tip has one that failed? The
 * tip's file is read and hashed (the tree walk that found it is gone).
 */
static bool tip_fails(const hr_judge *k, const hr_ref_update *updates, size_t nupdates, size_t at)
{
	char err[256];
	for (size_t i = 0; i < nupdates; i++) {
		if (hr_oid_is_zero(&updates[i].new_oid))
			continue;
		hr_oid id;
		if (hr_repo_path_id(&id, k->repo, &updates[i].new_oid, k->bad[at].path, err, sizeof(err)) < 0)
			continue;
		for (size_t j = 0; j < k->nbad; j++)
			if (!strcmp(k->bad[j].path, k->bad[at].path) && hr_oid_equal(&k->bad[j].blob, &id))
				return true;
	}
	return false;
}

/* Append `path` to buf quoted for a POSIX shell. */
static size_t shell_quote(char *buf, size_t bufsz, size_t off, const char *path)
{
#define PUT(...) do { if (off < bufsz) off += (size_t)snprintf(buf + off, bufsz - off, __VA_ARGS__); } while (0)
	bool plain = *path != '\0', control = false;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			control = true;
		bool word = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
		if (!word && !strchr("/._-+,:@%=", *p))
			plain = false;
	}
	if (plain) {
		PUT("%s", path);
	} else if (control) {
		PUT("$'");
		for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
			if (*p < 0x20 || *p >= 0x7f || *p == '\'' || *p == '\\')
				PUT("\\%03o", *p);
			else
				PUT("%c", *p);
		}
		PUT("'");
	} else {
		PUT("'");
		for (const char *p = path; *p; p++) {
			if (*p == '\'')
				PUT("'\\''");
			else
				PUT("%c", *p);
		}
		PUT("'");
	}
#undef PUT
	return off;
}

const char *hr_judge_fix_hint(const hr_judge *judge, const hr_ref_update *updates,
	size_t nupdates, char *buf, size_t bufsz)
{
	size_t off = 0, shown = 0, more = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < judge->nbad; i++) {
		bool again = false; /* the same path with another failing blob */
		for (size_t j = 0; j < i && !again; j++)
			again = !strcmp(judge->bad[j].path, judge->bad[i].path);
		if (again || (updates && !tip_fails(judge, updates, nupdates, i)))
			continue;
		if (shown == 3) {
			more++;
			continue;
		}
		if (off < bufsz)
			off += (size_t)snprintf(buf + off, bufsz - off, "%s", shown ? " " : "`hook-run fix ");
		off = shell_quote(buf, bufsz, off, judge->bad[i].path);
		shown++;
	}
	if (!shown)
		return buf;
	if (off < bufsz)
		off += (size_t)snprintf(buf + off, bufsz - off, "`");
	if (judge->bad_more && off < bufsz)
		off += (size_t)snprintf(buf + off, bufsz - off, " and more files");
	else if (more && off < bufsz)
		off += (size_t)snprintf(buf + off, bufsz - off, " and %zu more file%s", more, more == 1 ? "" : "s");
	if (off >= bufsz) /* a truncated command is worse than none */
		buf[0] = '\0';
	return buf;
}
