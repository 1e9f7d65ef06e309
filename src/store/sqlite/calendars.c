/*
 * calendars.c: calendar feeds (a user's token) and the busy times of an
 * uploaded calendar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/sqlite/sqlite_int.h"

int
sq_feed_put(struct store *bs, int64_t user, const unsigned char hash[32], int64_t now)
{
	return sq_run(S(bs), "making a calendar feed", NULL, NULL,
		      "INSERT INTO feed_token (user_id, token_hash, created_at) VALUES (?1, ?2, ?3) "
		      "ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, "
		      "created_at = excluded.created_at", "ibi", user, hash, now);
}

int
sq_feed_delete(struct store *bs, int64_t user)
{
	return sq_run(S(bs), "revoking a calendar feed", NULL, NULL,
		      "DELETE FROM feed_token WHERE user_id = ?1", "i", user);
}

int
sq_feed_user(struct store *bs, const unsigned char hash[32], int64_t *user, int *found)
{
	int64_t u = 0;
	int rc = sq_run(S(bs), "reading a calendar feed", sq_row_int64, &u,
			"SELECT user_id FROM feed_token WHERE token_hash = ?1", "b", hash);

	*found = rc == 0 && u != 0;
	*user = u;
	return rc;
}

int
sq_feed_exists(struct store *bs, int64_t user, int *found)
{
	int n = 0, rc = sq_run(S(bs), "reading a calendar feed", sq_row_one, &n,
			       "SELECT 1 FROM feed_token WHERE user_id = ?1", "i", user);

	*found = n > 0;
	return rc;
}

/* ---- the busy times of an uploaded calendar ---- */

int
sq_busy_replace(struct store *bs, int64_t user, const void *sealed, size_t n)
{
	struct store_sqlite *s = S(bs);
	bool outer;
	int rc;

	/* Inside store_begin's transaction (sealing at start, app/booking_seal.c)
	 * it is part of that one; else its own. Holding the lock, in_user_tx
	 * can only be this thread's. */
	pthread_mutex_lock(&s->lock);
	outer = s->in_user_tx;
	if (!outer && sq_tx_begin(s)) {
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	/* The rows an older chiron kept in the clear go too (secure_delete). */
	rc = sq_run(s, "forgetting busy times", NULL, NULL, "DELETE FROM busy WHERE user_id = ?1",
		    "i", user);
	if (rc == 0)
		rc = n ? sq_run(s, "storing busy times", NULL, NULL,
				"INSERT INTO busy_sealed (user_id, sealed) VALUES (?1, ?2) "
				"ON CONFLICT (user_id) DO UPDATE SET sealed = excluded.sealed",
				"iB", user, sealed, n)
		       : sq_run(s, "forgetting busy times", NULL, NULL,
				"DELETE FROM busy_sealed WHERE user_id = ?1", "i", user);
	if (!outer)
		rc = sq_tx_end(s, rc);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

struct busy_blob {
	struct buf *out;
	int *found;
	int oom;
};

static int
row_busy_blob(sqlite3_stmt *st, void *arg)
{
	struct busy_blob *x = arg;
	const void *p = sqlite3_column_blob(st, 0);
	int n = sqlite3_column_bytes(st, 0);

	*x->found = 1;
	if (p && n > 0 && buf_add(x->out, p, (size_t)n))
		x->oom = 1;
	return 1;
}

int
sq_busy_get(struct store *bs, int64_t user, struct buf *out, int *found)
{
	struct busy_blob x = {out, found, 0};
	int rc;

	*found = 0;
	rc = sq_run(S(bs), "reading busy times", row_busy_blob, &x,
		    "SELECT sealed FROM busy_sealed WHERE user_id = ?1", "i", user);
	if (rc == 0 && x.oom)
		rc = sq_fail(S(bs), "out of memory reading busy times");
	return rc;
}

struct busy_legacy_row {
	int64_t user;
	struct store_busy b;
};

struct busy_legacy_rows {
	struct busy_legacy_row *v;
	size_t n, cap;
	int oom;
};

static int
row_busy_legacy(sqlite3_stmt *st, void *arg)
{
	struct busy_legacy_rows *x = arg;
	struct busy_legacy_row *r = VEC_PUSH(x->v, x->n, x->cap);

	if (!r) {
		x->oom = 1;
		return 1;
	}
	r->user = sqlite3_column_int64(st, 0);
	r->b.start = sqlite3_column_int64(st, 1);
	r->b.end = sqlite3_column_int64(st, 2);
	return 0;
}

int
sq_busy_legacy(struct store *bs, store_busy_legacy_fn fn, void *arg)
{
	struct busy_legacy_rows x = {NULL, 0, 0, 0};
	int rc = sq_run(S(bs), "reading busy times to seal", row_busy_legacy, &x,
			"SELECT user_id, start_utc, end_utc FROM busy ORDER BY user_id, start_utc, end_utc", "");
	size_t i;

	if (rc == 0 && x.oom)
		rc = sq_fail(S(bs), "out of memory reading busy times to seal");
	for (i = 0; rc == 0 && i < x.n; i++)
		if (fn(arg, x.v[i].user, &x.v[i].b))
			rc = -1;
	free(x.v);
	return rc;
}
