/*
 * erasure.c: what the export reads and the erasure deletes of one
 * account (app/export.c, app/erasure.c; store.h documents each op).
 *
 * The erasure deletes by the account's id and by its data key number, in
 * whichever of the two columns each table has: the sealing parts of issue
 * 11 move the tables that link a person to a therapist from a user id in
 * the clear to a `dkey` number (app/seal.h), and this file must delete the
 * rows of both shapes. A (table, column) pair the schema does not have is
 * skipped, checked against pragma_table_info with bound parameters; the
 * statements themselves are literals, one per pair.
 *
 * Appointments and series are not deleted here: the therapist keeps the
 * sessions they gave (their side of the record), the seeker's link on
 * them sealed under the destroyed key. Where a table still links them by
 * a clear user id with ON DELETE CASCADE (the schema before the booking
 * tables are sealed), deleting the user row takes them with it.
 */
#include <string.h>

#include "store/sqlite/sqlite_int.h"

int
sq_user_created(struct store *bs, int64_t user, int64_t *at, int *found)
{
	int64_t v = -1;
	int rc = sq_run(S(bs), "reading an account", sq_row_int64, &v,
			"SELECT created_at FROM user WHERE id = ?1", "i", user);

	*found = rc == 0 && v >= 0;
	*at = v < 0 ? 0 : v;
	return rc;
}

struct sess_walk {
	int (*fn)(void *arg, int64_t started, int64_t seen, int64_t expires);
	void *arg;
};

static int
row_session(sqlite3_stmt *st, void *arg)
{
	struct sess_walk *w = arg;

	return w->fn(w->arg, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
	             sqlite3_column_int64(st, 2));
}

int
sq_sessions_of_user(struct store *bs, int64_t user, int64_t now,
                    int (*fn)(void *arg, int64_t started, int64_t seen, int64_t expires),
                    void *arg)
{
	struct sess_walk w = {fn, arg};

	return sq_run(S(bs), "reading sessions", row_session, &w,
		      "SELECT created_at, seen_at, expires_at FROM session WHERE user_id = ?1 AND expires_at > ?2 "
		      "ORDER BY expires_at", "ii", user, now);
}

/* Has table a column named col? (*yes) */
static int
has_column(struct store_sqlite *s, const char *table, const char *col, int *yes)
{
	*yes = 0;
	return sq_run(s, "reading the schema", sq_row_one, yes,
		      "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", "tt", table, col);
}

/* The rows of one account, table by table: by its id (user_id or
 * seeker_id) or by its data key number (dkey). */
static const struct {
	const char *table, *col, *sql;
	bool by_key;
} own_rows[] = {
	{"session", "user_id", "DELETE FROM session WHERE user_id = ?1", false},
	{"reset_token", "user_id", "DELETE FROM reset_token WHERE user_id = ?1", false},
	{"feed_token", "user_id", "DELETE FROM feed_token WHERE user_id = ?1", false},
	{"seeker_profile", "user_id", "DELETE FROM seeker_profile WHERE user_id = ?1", false},
	{"seeker_profile", "dkey", "DELETE FROM seeker_profile WHERE dkey = ?1", true},
	{"busy", "user_id", "DELETE FROM busy WHERE user_id = ?1", false},
	{"busy", "dkey", "DELETE FROM busy WHERE dkey = ?1", true},
	{"busy_sealed", "user_id", "DELETE FROM busy_sealed WHERE user_id = ?1", false},
	{"request", "seeker_id", "DELETE FROM request WHERE seeker_id = ?1", false},
	{"request", "dkey", "DELETE FROM request WHERE dkey = ?1", true},
	{"waitlist", "seeker_id", "DELETE FROM waitlist WHERE seeker_id = ?1", false},
	{"waitlist", "dkey", "DELETE FROM waitlist WHERE dkey = ?1", true},
	{"listing", "user_id", "DELETE FROM listing WHERE user_id = ?1", false},
	{"user", "id", "DELETE FROM user WHERE id = ?1", false},
};

int
sq_user_erase(struct store *bs, int64_t user, int64_t kid, int *found)
{
	struct store_sqlite *s = S(bs);
	size_t i;
	int rc, n = 0, yes;

	*found = 0;
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "erasing an account", sq_row_one, &n, "SELECT 1 FROM user WHERE id = ?1",
		    "i", user);
	for (i = 0; rc == 0 && n > 0 && i < sizeof(own_rows) / sizeof(own_rows[0]); i++) {
		if (own_rows[i].by_key && kid == 0)
			continue;
		rc = has_column(s, own_rows[i].table, own_rows[i].col, &yes);
		if (rc == 0 && yes)
			rc = sq_run(s, "erasing an account", NULL, NULL, own_rows[i].sql, "i",
				    own_rows[i].by_key ? kid : user);
	}
	*found = rc == 0 && n > 0;
	rc = sq_tx_end(s, rc);
	if (rc == 0 && *found) {
		/* As for a destroyed key (keys.c): the WAL keeps no copy. */
		pthread_mutex_lock(&s->lock);
		if (!s->in_user_tx && sqlite3_get_autocommit(s->db))
			sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		pthread_mutex_unlock(&s->lock);
	}
	return rc;
}

int
sq_listing_release(struct store *bs, const char *tid, int *found)
{
	struct store_sqlite *s = S(bs);
	int rc, n = 0;

	*found = 0;
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "closing a listing", sq_row_count, &n,
		    "DELETE FROM listing WHERE therapist_id = ?1 RETURNING 1", "t", tid);
	if (rc == 0)
		rc = sq_run(s, "closing a listing", NULL, NULL,
			    "UPDATE user SET therapist_id = NULL WHERE therapist_id = ?1", "t", tid);
	if (rc == 0)
		rc = sq_run(s, "closing a listing", NULL, NULL,
			    "DELETE FROM confirm_token WHERE therapist_id = ?1", "t", tid);
	*found = rc == 0 && n > 0;
	return sq_tx_end(s, rc);
}
