/* SPDX-License-Identifier: MIT */
/*
 * cache.c - the verdict cache: blob ids judged clean, shared by every
 * process of a daemon (and by fleet audits), surviving restarts.
 *
 * Stored in LMDB (one file, `PATH` and `PATH-lock`, MDB_NOSUBDIR): an
 * embedded store made for several processes, with readers that never block
 * and one writer at a time, crash-safe by design. A key is the scope (a
 * digest of the hook-run build and of the effective policy, given by the
 * caller) followed by 'b' and the blob id; the value is 'c' (clean)
 * followed by the build context's answers the check depended on (judge.c
 * replays them before trusting the record). Nothing else is ever stored:
 * a blob with any finding is checked again, so the cache can only save
 * work, never change a report. A new
 * build or a new policy simply uses new keys; old ones are dropped when
 * the map is full (the whole database is emptied then: simple, and a cold
 * cache is only slower).
 *
 * Never trusted:
 *  - the file must be a regular file (not a symlink) owned by the process's
 *    user and writable by no one else; otherwise it is foreign and is
 *    removed and made anew;
 *  - a file LMDB cannot open (not an LMDB file, another format version, a
 *    torn header) is removed and made anew;
 *  - a database without hook-run's marker record is foreign: emptied;
 *  - any error while reading (MDB_CORRUPTED, MDB_PAGE_NOTFOUND...) turns
 *    the cache off for this process: every lookup is a miss from then on.
 * What LMDB cannot detect (a page overwritten with plausible bytes) it
 * cannot report; the daemon's workers are separate processes, so the worst
 * case is a crashed worker and a retried request, never a wrong "clean"
 * for a blob outside the file's own keys.
 *
 * Writes use MDB_NOSYNC: a crash loses the last verdicts (they are judged
 * again), never the file's consistency on a file system that keeps the
 * order of writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lmdb.h>

#include "hook-run/engine.h"
#include "engine_internal.h"

#define MARKER_KEY "\001hook-run-verdict-cache"
#define MARKER_VALUE "hook-run verdict cache 1"

struct hr_cache {
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *wtxn;            /* writes not committed yet (a batch), or NULL */
	unsigned pending;         /* puts in it */
	double wstart;            /* when it began (hr_git_now) */
	hr_oid scope;
	bool broken;              /* a read failed: every lookup misses from now on */
	hr_cache_stats stats;
	char *path;
};

/* Remove a cache file and its lock file. */
static void remove_files(const char *path)
{
	size_t n = strlen(path);
	char *lock = malloc(n + sizeof("-lock"));
	unlink(path);
	if (lock) {
		memcpy(lock, path, n);
		memcpy(lock + n, "-lock", sizeof("-lock"));
		unlink(lock);
		free(lock);
	}
}

/* Is an existing file at `path` one we may trust? Absent counts as yes. */
static bool trustworthy(const char *path, char *why, size_t whylen)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT;
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "not a regular file");
		return false;
	}
	if (st.st_uid != geteuid()) {
		snprintf(why, whylen, "owned by uid %lu, not %lu", (unsigned long)st.st_uid,
			(unsigned long)geteuid());
		return false;
	}
	if (st.st_mode & 022) {
		snprintf(why, whylen, "writable by others (mode %03o)", (unsigned)(st.st_mode & 0777));
		return false;
	}
	return true;
}

static int open_env(hr_cache *c, size_t map_size, char *err, size_t errlen)
{
	MDB_txn *txn = NULL;
	int rc = mdb_env_create(&c->env);
	if (rc == 0)
		rc = mdb_env_set_mapsize(c->env, map_size);
	if (rc == 0)
		rc = mdb_env_open(c->env, c->path, MDB_NOSUBDIR | MDB_NOSYNC | MDB_NOMETASYNC | MDB_NOTLS, 0600);
	if (rc == 0)
		rc = mdb_txn_begin(c->env, NULL, 0, &txn);
	if (rc == 0)
		rc = mdb_dbi_open(txn, NULL, 0, &c->dbi);
	if (rc == 0) {
		MDB_val k = { sizeof(MARKER_KEY) - 1, (void *)MARKER_KEY }, v;
		int g = mdb_get(txn, c->dbi, &k, &v);
		if (g == MDB_NOTFOUND) {
			MDB_stat st;
			if ((rc = mdb_stat(txn, c->dbi, &st)) == 0 && st.ms_entries > 0) {
				/* records, but not ours: foreign */
				rc = mdb_drop(txn, c->dbi, 0);
				c->stats.discarded = true;
			}
			MDB_val mv = { sizeof(MARKER_VALUE) - 1, (void *)MARKER_VALUE };
			if (rc == 0)
				rc = mdb_put(txn, c->dbi, &k, &mv, 0);
		} else if (g == 0) {
			if (v.mv_size != sizeof(MARKER_VALUE) - 1 || memcmp(v.mv_data, MARKER_VALUE, v.mv_size)) {
				MDB_val mv = { sizeof(MARKER_VALUE) - 1, (void *)MARKER_VALUE };
				rc = mdb_drop(txn, c->dbi, 0);
				c->stats.discarded = true;
				if (rc == 0)
					rc = mdb_put(txn, c->dbi, &k, &mv, 0);
			}
		} else {
			rc = g;
		}
	}
	if (rc == 0) {
		rc = mdb_txn_commit(txn);
		txn = NULL;
	}
	if (txn)
		mdb_txn_abort(txn);
	if (rc != 0) {
		snprintf(err, errlen, "cannot open the verdict cache '%s': %s", c->path, mdb_strerror(rc));
		if (c->env)
			mdb_env_close(c->env);
		c->env = NULL;
		return HR_EIO;
	}
	return 0;
}

int hr_cache_open(hr_cache **out, const char *path, size_t map_size, const hr_oid *scope,
	char *err, size_t errlen)
{
	char why[128];
	hr_cache *c = calloc(1, sizeof(*c));
	*out = NULL;
	if (!c || !(c->path = strdup(path))) {
		free(c);
		return HR_ENOMEM;
	}
	c->scope = *scope;
	if (!trustworthy(path, why, sizeof(why))) {
		/* foreign: never read it; make ours in its place */
		remove_files(path);
		c->stats.discarded = true;
	}
	if (open_env(c, map_size, err, errlen) < 0) {
		/* not an LMDB file of ours (corrupt, another version): start again once */
		remove_files(path);
		c->stats.discarded = true;
		if (open_env(c, map_size, err, errlen) < 0) {
			free(c->path);
			free(c);
			return HR_EIO;
		}
	}
	*out = c;
	return 0;
}

void hr_cache_close(hr_cache *c)
{
	if (!c)
		return;
	hr_cache_flush(c);
	if (c->env)
		mdb_env_close(c->env);
	free(c->path);
	free(c);
}

void hr_cache_set_scope(hr_cache *c, const hr_oid *scope)
{
	c->scope = *scope;
}

static void put_record(hr_cache *c, char kind, const hr_oid *id, const unsigned char *record, size_t len);

static void make_key(unsigned char *key, const hr_cache *c, char kind, const hr_oid *id)
{
	memcpy(key, c->scope.id, HR_OID_RAWSZ);
	key[HR_OID_RAWSZ] = (unsigned char)kind;
	memcpy(key + HR_OID_RAWSZ + 1, id->id, HR_OID_RAWSZ);
}

long hr_cache_blob_get(hr_cache *c, const hr_oid *blob, unsigned char *out, size_t cap)
{
	unsigned char key[2 * HR_OID_RAWSZ + 1];
	MDB_txn *txn = NULL;
	MDB_val k = { sizeof(key), key }, v;
	long len = -1;

	if (!c || c->broken)
		return -1;
	make_key(key, c, 'b', blob);
	int rc = c->wtxn ? 0 : mdb_txn_begin(c->env, NULL, MDB_RDONLY, &txn);
	if (rc == 0) {
		rc = mdb_get(c->wtxn ? c->wtxn : txn, c->dbi, &k, &v);
		/* a record is 'c' and what follows; anything else is not ours */
		if (rc == 0 && v.mv_size >= 1 && v.mv_size <= cap && ((const char *)v.mv_data)[0] == 'c') {
			memcpy(out, v.mv_data, v.mv_size);
			len = (long)v.mv_size;
		}
		if (txn)
			mdb_txn_abort(txn);
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		c->broken = true;
	return len;
}

/* ---- commits: what each one introduces (walk.c's records) ---------- */

int hr_cache_commit_get(void *arg, const hr_oid *commit, unsigned char **out, size_t *len)
{
	hr_cache *c = arg;
	unsigned char key[2 * HR_OID_RAWSZ + 1];
	MDB_txn *txn = NULL;
	MDB_val k = { sizeof(key), key }, v;
	int found = -1;

	if (!c || c->broken)
		return -1;
	make_key(key, c, 'c', commit);
	int rc = c->wtxn ? 0 : mdb_txn_begin(c->env, NULL, MDB_RDONLY, &txn);
	if (rc == 0) {
		rc = mdb_get(c->wtxn ? c->wtxn : txn, c->dbi, &k, &v);
		if (rc == 0 && v.mv_size >= 1 && ((const char *)v.mv_data)[0] == 'C' &&
		    (*out = malloc(v.mv_size)) != NULL) {
			*len = v.mv_size - 1;
			memcpy(*out, (const char *)v.mv_data + 1, *len);
			found = 0;
		}
		if (txn)
			mdb_txn_abort(txn);
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		c->broken = true;
	if (found == 0)
		c->stats.commit_hits++;
	else
		c->stats.commit_misses++;
	return found;
}

void hr_cache_commit_put(void *arg, const hr_oid *commit, const unsigned char *record, size_t len)
{
	hr_cache *c = arg;
	unsigned char *val = malloc(len + 1);
	if (!val) {
		c->stats.store_errors++;
		return;
	}
	val[0] = 'C';
	memcpy(val + 1, record, len);
	put_record(c, 'c', commit, val, len + 1);
	free(val);
}

void hr_cache_count(hr_cache *c, bool hit)
{
	if (!c)
		return;
	if (hit)
		c->stats.hits++;
	else
		c->stats.misses++;
}

/*
 * Writes go in batches: one write transaction takes up to 1024 records or
 * 20 ms, whichever comes first (a commit per record costs more than the
 * check it saves), and hr_cache_flush() ends it. LMDB has one writer at a
 * time, so a batch never stays open long: other processes wait for their
 * writes at most that long, and their reads never wait.
 */
#define BATCH_RECORDS 1024
#define BATCH_SECONDS 0.02

void hr_cache_flush(hr_cache *c)
{
	if (!c || !c->wtxn)
		return;
	int rc = mdb_txn_commit(c->wtxn);
	c->wtxn = NULL;
	if (rc == 0)
		c->stats.stores += c->pending;
	else
		c->stats.store_errors += c->pending;
	c->pending = 0;
}

static void put_record(hr_cache *c, char kind, const hr_oid *id, const unsigned char *record, size_t len)
{
	unsigned char key[2 * HR_OID_RAWSZ + 1];
	MDB_val k = { sizeof(key), key }, v = { len, (void *)record };

	if (!c || c->broken)
		return;
	make_key(key, c, kind, id);
	int rc = 0;
	if (!c->wtxn) {
		rc = mdb_txn_begin(c->env, NULL, 0, &c->wtxn);
		c->wstart = hr_git_now();
		if (rc != 0)
			c->wtxn = NULL;
	}
	if (rc == 0)
		rc = mdb_put(c->wtxn, c->dbi, &k, &v, 0);
	if (rc == MDB_MAP_FULL) {
		/* full: empty it (keeping the marker) and store this one; the batch is lost */
		MDB_val mk = { sizeof(MARKER_KEY) - 1, (void *)MARKER_KEY };
		MDB_val mv = { sizeof(MARKER_VALUE) - 1, (void *)MARKER_VALUE };
		mdb_txn_abort(c->wtxn);
		c->stats.store_errors += c->pending;
		c->pending = 0;
		rc = mdb_txn_begin(c->env, NULL, 0, &c->wtxn);
		if (rc != 0)
			c->wtxn = NULL;
		if (rc == 0)
			rc = mdb_drop(c->wtxn, c->dbi, 0);
		if (rc == 0)
			rc = mdb_put(c->wtxn, c->dbi, &mk, &mv, 0);
		if (rc == 0)
			rc = mdb_put(c->wtxn, c->dbi, &k, &v, 0);
		c->stats.emptied++;
	}
	if (rc != 0) {
		if (c->wtxn)
			mdb_txn_abort(c->wtxn);
		c->wtxn = NULL;
		c->stats.store_errors += c->pending + 1;
		c->pending = 0;
		return;
	}
	c->pending++;
	if (c->pending >= BATCH_RECORDS || hr_git_now() - c->wstart > BATCH_SECONDS)
		hr_cache_flush(c);
}

void hr_cache_blob_put(hr_cache *c, const hr_oid *blob, const unsigned char *record, size_t len)
{
	put_record(c, 'b', blob, record, len);
}

void hr_cache_stats_get(hr_cache *c, hr_cache_stats *out)
{
	hr_cache_flush(c);
	MDB_stat st;
	MDB_envinfo info;
	*out = c->stats;
	if (c->env && mdb_env_stat(c->env, &st) == 0 && mdb_env_info(c->env, &info) == 0) {
		out->entries = st.ms_entries;
		out->bytes = (uint64_t)st.ms_psize * (st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages);
		out->map_size = info.me_mapsize;
	}
}

int hr_cache_scope(hr_oid *out, const hr_oid *build, const char *policy_bytes, size_t len)
{
	size_t total = HR_OID_RAWSZ + len;
	unsigned char *buf = malloc(total ? total : 1);
	if (!buf)
		return HR_ENOMEM;
	memcpy(buf, build->id, HR_OID_RAWSZ);
	if (len)
		memcpy(buf + HR_OID_RAWSZ, policy_bytes, len);
	int rc = hr_hash_bytes(out, buf, total);
	free(buf);
	return rc;
}
