/* SPDX-License-Identifier: MIT */
/*
 * lmdb_lazy.c - LMDB, loaded on first use (see lazylib.c): the LMDB
 * functions hook-run's verdict cache calls, each a trampoline to the
 * library's. Without a cache configured, a hook never loads LMDB (nor
 * the libpthread it names). A function missing here is an undefined
 * reference at link time.
 */
#include "config.h"

#include <lmdb.h>

#include "lazylib.h"

#define HR_LMDB_FUNCTIONS(X) \
	X(int, mdb_dbi_open, (MDB_txn *txn, const char *name, unsigned int flags, MDB_dbi *dbi), \
		(txn, name, flags, dbi)) \
	X(int, mdb_drop, (MDB_txn *txn, MDB_dbi dbi, int del), (txn, dbi, del)) \
	X(int, mdb_env_create, (MDB_env **env), (env)) \
	X(int, mdb_env_info, (MDB_env *env, MDB_envinfo *stat), (env, stat)) \
	X(int, mdb_env_open, (MDB_env *env, const char *path, unsigned int flags, mdb_mode_t mode), \
		(env, path, flags, mode)) \
	X(int, mdb_env_set_mapsize, (MDB_env *env, size_t size), (env, size)) \
	X(int, mdb_env_stat, (MDB_env *env, MDB_stat *stat), (env, stat)) \
	X(int, mdb_get, (MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data), (txn, dbi, key, data)) \
	X(int, mdb_put, (MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data, unsigned int flags), \
		(txn, dbi, key, data, flags)) \
	X(int, mdb_stat, (MDB_txn *txn, MDB_dbi dbi, MDB_stat *stat), (txn, dbi, stat)) \
	X(char *, mdb_strerror, (int err), (err)) \
	X(int, mdb_txn_begin, (MDB_env *env, MDB_txn *parent, unsigned int flags, MDB_txn **txn), \
		(env, parent, flags, txn)) \
	X(int, mdb_txn_commit, (MDB_txn *txn), (txn))

#define HR_LMDB_VOID_FUNCTIONS(X) \
	X(mdb_env_close, (MDB_env *env), (env)) \
	X(mdb_txn_abort, (MDB_txn *txn), (txn))

HR_LAZY_LIBRARY("liblmdb.so." HR_LMDB_SOVERSION, HR_LMDB_LIBDIR "/liblmdb.so." HR_LMDB_SOVERSION,
	HR_LMDB_FUNCTIONS, HR_LMDB_VOID_FUNCTIONS)
