/*
 * calendars.c: calendar feeds (a user's token) and the busy times of an
 * uploaded calendar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
sq_busy_replace(struct store *bs, int64_t user, const struct store_busy *v, int n)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st = NULL;
	int rc, i;
	bool kept = false;

	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "forgetting busy times", NULL, NULL, "DELETE FROM busy WHERE user_id = ?1",
		    "i", user);
	/* One statement for every row: a month of a full caseload is thousands. */
	if (rc == 0 && n > 0 &&
	    !(st = sq_prep(s, "INSERT INTO busy (user_id, start_utc, end_utc) VALUES (?1, ?2, ?3)", &kept)))
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++) {
		sqlite3_bind_int64(st, 1, user);
		sqlite3_bind_int64(st, 2, v[i].start);
		sqlite3_bind_int64(st, 3, v[i].end);
		rc = sq_step_done(s, st, "storing busy times");
	}
	if (st && kept) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else
		sqlite3_finalize(st);
	return sq_tx_end(s, rc);
}

struct busy_rows {
	store_busy_fn fn;
	void *arg;
};

static int
row_busy(sqlite3_stmt *st, void *arg)
{
	struct busy_rows *x = arg;
	struct store_busy b = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)};

	return x->fn(x->arg, &b);
}

int
sq_busy_list(struct store *bs, int64_t user, store_busy_fn fn, void *arg)
{
	struct busy_rows x = {fn, arg};

	return sq_run(S(bs), "reading busy times", row_busy, &x,
		      "SELECT start_utc, end_utc FROM busy WHERE user_id = ?1 ORDER BY start_utc, end_utc",
		      "i", user);
}
