/*
 * second_factor.c (SQLite): sessions with their times and stage, the
 * second factor's sealed secret and last step, and recovery codes as
 * keyed hashes (issue 11; store.h documents each operation).
 */
#include <string.h>

#include "store/sqlite/sqlite_int.h"

/* ---- sessions ---- */

int
sq_session_begin(struct store *bs, const unsigned char hash[32], int64_t user, const char *csrf,
                 int stage, int64_t now, int64_t expires)
{
	return sq_run(S(bs), "starting a session", NULL, NULL,
		      "INSERT INTO session (token_hash, user_id, csrf, expires_at, created_at, seen_at, "
		      "stage) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)", "bitiii", hash, user, csrf, expires,
		      now, (int64_t)stage);
}

struct session_out {
	struct store_session *out;
	int *found;
};

static int
row_session_full(sqlite3_stmt *st, void *arg)
{
	struct session_out *r = arg;

	r->out->user = sqlite3_column_int64(st, 0);
	sq_copy_col(r->out->csrf, sizeof(r->out->csrf), st, 1);
	r->out->created_at = sqlite3_column_int64(st, 2);
	r->out->seen_at = sqlite3_column_int64(st, 3);
	r->out->expires_at = sqlite3_column_int64(st, 4);
	r->out->stage = sqlite3_column_int(st, 5);
	*r->found = 1;
	return 1;
}

int
sq_session_read(struct store *bs, const unsigned char hash[32], struct store_session *out,
                int *found)
{
	struct session_out r = {out, found};

	*found = 0;
	memset(out, 0, sizeof(*out));
	return sq_run(S(bs), "reading a session", row_session_full, &r,
		      "SELECT user_id, csrf, created_at, seen_at, expires_at, stage FROM session "
		      "WHERE token_hash = ?1", "b", hash);
}

int
sq_session_seen(struct store *bs, const unsigned char hash[32], int64_t now)
{
	return sq_run(S(bs), "recording a session's use", NULL, NULL,
		      "UPDATE session SET seen_at = ?2 WHERE token_hash = ?1 AND seen_at < ?2", "bi",
		      hash, now);
}

int
sq_sessions_delete_others(struct store *bs, int64_t user, const unsigned char keep[32])
{
	return sq_run(S(bs), "ending sessions", NULL, NULL,
		      "DELETE FROM session WHERE user_id = ?1 AND token_hash <> ?2", "ib", user, keep);
}

/* ---- the second factor ---- */

struct sf_out {
	struct store_second_factor *out;
	int *found;
};

static int
row_sf(sqlite3_stmt *st, void *arg)
{
	struct sf_out *r = arg;
	int n = sqlite3_column_bytes(st, 0);
	const void *p = sqlite3_column_blob(st, 0);

	if (n < 0 || (size_t)n > sizeof(r->out->secret))
		n = 0;                          /* not ours: opens as nothing */
	if (p && n)
		memcpy(r->out->secret, p, (size_t)n);
	r->out->secret_n = (size_t)n;
	r->out->confirmed_at = sqlite3_column_int64(st, 1);
	r->out->last_step = sqlite3_column_int64(st, 2);
	*r->found = 1;
	return 1;
}

int
sq_sf_get(struct store *bs, int64_t user, struct store_second_factor *out, int *found)
{
	struct sf_out r = {out, found};

	*found = 0;
	memset(out, 0, sizeof(*out));
	return sq_run(S(bs), "reading a second factor", row_sf, &r,
		      "SELECT secret, confirmed_at, last_step FROM second_factor WHERE user_id = ?1",
		      "i", user);
}

int
sq_sf_begin(struct store *bs, int64_t user, const void *secret, size_t n, int64_t now)
{
	struct store_sqlite *s = S(bs);
	int rc, confirmed = 0;

	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "reading a second factor", sq_row_one, &confirmed,
		    "SELECT 1 FROM second_factor WHERE user_id = ?1 AND confirmed_at <> 0", "i", user);
	if (rc == 0 && confirmed) {
		sq_tx_end(s, 0);
		return STORE_EXISTS;
	}
	if (rc == 0)
		rc = sq_run(s, "setting up a second factor", NULL, NULL,
			    "INSERT OR REPLACE INTO second_factor (user_id, secret, created_at, "
			    "confirmed_at, last_step) VALUES (?1, ?2, ?3, 0, 0)", "iBi", user, secret, n,
			    now);
	return sq_tx_end(s, rc);
}

static int
recovery_put_all(struct store_sqlite *s, int64_t user, const unsigned char (*hashes)[32], int n)
{
	int rc = sq_run(s, "replacing recovery codes", NULL, NULL,
			"DELETE FROM recovery_code WHERE user_id = ?1", "i", user);
	int i;

	for (i = 0; rc == 0 && i < n; i++)
		rc = sq_run(s, "storing a recovery code", NULL, NULL,
			    "INSERT INTO recovery_code (user_id, hash) VALUES (?1, ?2)", "ib", user,
			    hashes[i]);
	return rc;
}

int
sq_sf_confirm(struct store *bs, int64_t user, int64_t step, int64_t now,
              const unsigned char (*hashes)[32], int n)
{
	struct store_sqlite *s = S(bs);
	int rc, changed = 0;

	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "confirming a second factor", sq_row_count, &changed,
		    "UPDATE second_factor SET confirmed_at = ?2, last_step = ?3 "
		    "WHERE user_id = ?1 AND confirmed_at = 0 RETURNING 1", "iii", user, now, step);
	if (rc == 0 && !changed) {
		store_error("no second factor is being set up for this account");
		rc = -1;
	}
	if (rc == 0)
		rc = recovery_put_all(s, user, hashes, n);
	return sq_tx_end(s, rc);
}

int
sq_sf_step(struct store *bs, int64_t user, int64_t step, int *ok)
{
	*ok = 0;
	return sq_run(S(bs), "recording a code's use", sq_row_count, ok,
		      "UPDATE second_factor SET last_step = ?2 WHERE user_id = ?1 AND last_step < ?2 "
		      "AND confirmed_at <> 0 RETURNING 1", "ii", user, step);
}

int
sq_sf_delete(struct store *bs, int64_t user)
{
	struct store_sqlite *s = S(bs);
	int rc;

	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "removing a second factor", NULL, NULL,
		    "DELETE FROM second_factor WHERE user_id = ?1", "i", user);
	if (rc == 0)
		rc = sq_run(s, "removing recovery codes", NULL, NULL,
			    "DELETE FROM recovery_code WHERE user_id = ?1", "i", user);
	return sq_tx_end(s, rc);
}

int
sq_recovery_take(struct store *bs, int64_t user, const unsigned char hash[32], int64_t now,
                 int *found)
{
	*found = 0;
	return sq_run(S(bs), "using a recovery code", sq_row_count, found,
		      "UPDATE recovery_code SET used_at = ?3 WHERE user_id = ?1 AND hash = ?2 "
		      "AND used_at = 0 RETURNING 1", "ibi", user, hash, now);
}

int
sq_recovery_replace(struct store *bs, int64_t user, const unsigned char (*hashes)[32], int n)
{
	struct store_sqlite *s = S(bs);

	if (sq_tx_begin(s))
		return -1;
	return sq_tx_end(s, recovery_put_all(s, user, hashes, n));
}

int
sq_recovery_left(struct store *bs, int64_t user, long *n)
{
	int64_t v = 0;
	int rc = sq_run(S(bs), "counting recovery codes", sq_row_int64, &v,
			"SELECT count(*) FROM recovery_code WHERE user_id = ?1 AND used_at = 0", "i",
			user);

	*n = (long)v;
	return rc;
}
