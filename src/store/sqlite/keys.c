/*
 * keys.c: data keys, only ever wrapped (store.h, dkey_put and the rest;
 * app/seal.h has the hierarchy). The store sees the wrapped bytes and the
 * number of the master key that wrapped them, never a key.
 */
#include <string.h>

#include "store/sqlite/sqlite_int.h"

/* One blob into a caller's buffer of cap bytes. */
struct blob_out {
	void *out;
	size_t cap, *n;
	int64_t *master;
	int *found;
};

static int
row_blob(sqlite3_stmt *st, void *arg)
{
	struct blob_out *b = arg;
	const void *p = sqlite3_column_blob(st, 0);
	size_t n = (size_t)sqlite3_column_bytes(st, 0);

	if (!p || n > b->cap)
		return 1;               /* too long for any key: as if missing */
	memcpy(b->out, p, n);
	*b->n = n;
	if (b->master)
		*b->master = sqlite3_column_int64(st, 1);
	*b->found = 1;
	return 1;
}

int
sq_dkey_put(struct store *bs, int64_t id, int64_t master, const void *wrapped, size_t n)
{
	return sq_run(S(bs), "storing a data key", NULL, NULL,
		      "INSERT INTO dkey (id, master, wrapped) VALUES (?1, ?2, ?3)",
		      "iiB", id, master, wrapped, n);
}

int
sq_dkey_get(struct store *bs, int64_t id, int64_t *master, void *wrapped, size_t cap,
            size_t *n, int *found)
{
	struct blob_out b = {wrapped, cap, n, master, found};

	*found = 0;
	*n = 0;
	return sq_run(S(bs), "reading a data key", row_blob, &b,
		      "SELECT wrapped, master FROM dkey WHERE id = ?1", "i", id);
}

/*
 * A destroyed key is gone from the file too: secure_delete zeroes its
 * cell, and outside a transaction the WAL, which may still hold the page
 * as it was, is checkpointed and truncated.
 */
int
sq_dkey_delete(struct store *bs, int64_t id, int *found)
{
	struct store_sqlite *s = S(bs);
	int n = 0, rc;

	*found = 0;
	rc = sq_run(s, "destroying a data key", sq_row_count, &n,
		    "DELETE FROM dkey WHERE id = ?1 RETURNING 1", "i", id);
	if (rc)
		return rc;
	*found = n > 0;
	pthread_mutex_lock(&s->lock);
	if (!s->in_user_tx && sqlite3_get_autocommit(s->db))
		sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

struct scan {
	store_dkey_fn fn;
	void *arg;
	int rc;
};

static int
row_dkey(sqlite3_stmt *st, void *arg)
{
	struct scan *sc = arg;

	sc->rc = sc->fn(sc->arg, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
	                sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2));
	return sc->rc;
}

int
sq_dkey_scan(struct store *bs, store_dkey_fn fn, void *arg)
{
	struct scan sc = {fn, arg, 0};
	int rc = sq_run(S(bs), "reading the data keys", row_dkey, &sc,
			"SELECT id, master, wrapped FROM dkey ORDER BY id", "");

	return rc ? rc : sc.rc < 0 ? -1 : 0;
}

int
sq_dkey_rewrap(struct store *bs, int64_t id, int64_t old_master, int64_t master,
               const void *wrapped, size_t n)
{
	return sq_run(S(bs), "re-wrapping a data key", NULL, NULL,
		      "UPDATE dkey SET master = ?3, wrapped = ?4 WHERE id = ?1 AND master = ?2",
		      "iiiB", id, old_master, master, wrapped, n);
}

int
sq_user_dkey_get(struct store *bs, int64_t user, void *sealed, size_t cap, size_t *n,
                 int *found)
{
	struct blob_out b = {sealed, cap, n, NULL, found};

	*found = 0;
	*n = 0;
	return sq_run(S(bs), "reading an account's key", row_blob, &b,
		      "SELECT dkey FROM user WHERE id = ?1 AND dkey IS NOT NULL", "i", user);
}

int
sq_user_dkey_set(struct store *bs, int64_t user, const void *sealed, size_t n, int *set)
{
	int changed = 0, rc;

	rc = sq_run(S(bs), "recording an account's key", sq_row_count, &changed,
		    "UPDATE user SET dkey = ?2 WHERE id = ?1 AND dkey IS NULL RETURNING 1",
		    "iB", user, sealed, n);
	*set = changed > 0;
	return rc;
}
