/*
 * accounts.c: accounts and what hangs on them: users, sessions, login
 * throttles, sign-ups waiting for their email, password resets, a seeker's
 * saved profile and a user's time zone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

/* ---- users ---- */

/*
 * therapist_id is the listing the account holds only once its claim is
 * verified: every therapist-side page, API call, feed and mail keys on it,
 * so an unverified claimant reaches nothing private by any of them.
 * claim_id is the listing claimed, verified or not.
 */
#define USER_COLS "id, handle, email, pw_hash, role, " \
	"coalesce((SELECT l.therapist_id FROM listing l WHERE l.user_id = user.id " \
	"AND l.verified_at != 0), ''), " \
	"coalesce((SELECT l.therapist_id FROM listing l WHERE l.user_id = user.id), '')"

static int
row_user(sqlite3_stmt *st, void *arg)
{
	struct found *f = arg;
	struct store_user *u = f->out;

	u->id = sqlite3_column_int64(st, 0);
	sq_copy_col(u->handle, sizeof(u->handle), st, 1);
	sq_copy_col(u->email, sizeof(u->email), st, 2);
	sq_copy_col(u->pw_hash, sizeof(u->pw_hash), st, 3);
	sq_copy_col(u->role, sizeof(u->role), st, 4);
	sq_copy_col(u->therapist_id, sizeof(u->therapist_id), st, 5);
	sq_copy_col(u->claim_id, sizeof(u->claim_id), st, 6);
	*f->found = 1;
	return 1;
}

int
sq_user_create(struct store *bs, struct store_user *u)
{
	return sq_run(S(bs), "creating an account", sq_row_int64, &u->id,
		      "INSERT INTO user (handle, email, pw_hash, role, therapist_id) "
		      "VALUES (?1, ?2, ?3, ?4, nullif(?5, '')) RETURNING id", "ttttt",
		      u->handle, u->email, u->pw_hash, u->role, u->therapist_id);
}

int
sq_user_find(struct store *bs, const char *key, struct store_user *u, int *found)
{
	struct found f = {u, found};

	*found = 0;
	return sq_run(S(bs), "reading an account", row_user, &f,
		      "SELECT " USER_COLS " FROM user WHERE handle = ?1 OR email = ?1", "t", key);
}

int
sq_user_get(struct store *bs, int64_t id, struct store_user *u, int *found)
{
	struct found f = {u, found};

	*found = 0;
	return sq_run(S(bs), "reading an account", row_user, &f,
		      "SELECT " USER_COLS " FROM user WHERE id = ?1", "i", id);
}

int
sq_user_set_password(struct store *bs, int64_t id, const char *pw_hash)
{
	return sq_run(S(bs), "setting a password", NULL, NULL,
		      "UPDATE user SET pw_hash = ?1 WHERE id = ?2", "ti", pw_hash, id);
}

/* ---- sessions, throttling, sign-ups, resets ---- */

int
sq_session_put(struct store *bs, const unsigned char hash[32], int64_t user,
               const char *csrf, int64_t expires)
{
	return sq_run(S(bs), "starting a session", NULL, NULL,
		      "INSERT INTO session (token_hash, user_id, csrf, expires_at) "
		      "VALUES (?1, ?2, ?3, ?4)", "biti", hash, user, csrf, expires);
}

struct session_row {
	int64_t *user;
	char *csrf;
	int *found;
};

static int
row_session(sqlite3_stmt *st, void *arg)
{
	struct session_row *r = arg;

	*r->user = sqlite3_column_int64(st, 0);
	sq_copy_col(r->csrf, 64, st, 1);
	*r->found = 1;
	return 1;
}

int
sq_session_get(struct store *bs, const unsigned char hash[32], int64_t now,
               int64_t *user, char csrf[64], int *found)
{
	struct session_row r = {user, csrf, found};

	*found = 0;
	return sq_run(S(bs), "reading a session", row_session, &r,
		      "SELECT user_id, csrf FROM session WHERE token_hash = ?1 AND expires_at > ?2",
		      "bi", hash, now);
}

int
sq_session_delete(struct store *bs, const unsigned char hash[32])
{
	return sq_run(S(bs), "ending a session", NULL, NULL,
		      "DELETE FROM session WHERE token_hash = ?1", "b", hash);
}

int
sq_sessions_delete_user(struct store *bs, int64_t user)
{
	return sq_run(S(bs), "ending sessions", NULL, NULL,
		      "DELETE FROM session WHERE user_id = ?1", "i", user);
}

int
sq_throttle_hit(struct store *bs, const char *key, int64_t now, int64_t since, long *count)
{
	struct store_sqlite *s = S(bs);
	int64_t n = 0;
	int rc;

	*count = 0;
	rc = sq_run(s, "counting attempts", NULL, NULL,
		    "INSERT INTO throttle (key, at) VALUES (?1, ?2)", "ti", key, now);
	if (rc == 0)
		rc = sq_run(s, "counting attempts", sq_row_int64, &n,
			    "SELECT count(*) FROM throttle WHERE key = ?1 AND at >= ?2", "ti", key, since);
	*count = (long)n;
	return rc;
}

int
sq_throttle_expire(struct store *bs, int64_t before)
{
	return sq_run(S(bs), "forgetting old attempts", NULL, NULL,
		      "DELETE FROM throttle WHERE at < ?1", "i", before);
}

struct throttle_each {
	int (*fn)(void *arg, const char *key, int64_t at);
	void *arg;
};

static int
row_throttle(sqlite3_stmt *st, void *arg)
{
	struct throttle_each *x = arg;
	const unsigned char *k = sqlite3_column_text(st, 0);

	return x->fn(x->arg, k ? (const char *)k : "", sqlite3_column_int64(st, 1));
}

int
sq_throttle_list(struct store *bs, int (*fn)(void *arg, const char *key, int64_t at), void *arg)
{
	struct throttle_each x = {fn, arg};

	return sq_run(S(bs), "listing attempts", row_throttle, &x,
		      "SELECT key, at FROM throttle ORDER BY at, key", "");
}

int
sq_signup_put(struct store *bs, const unsigned char hash[32], const struct store_user *u,
              int64_t expires)
{
	return sq_run(S(bs), "keeping a sign-up", NULL, NULL,
		      "INSERT INTO signup_pending (token_hash, handle, email, pw_hash, role, expires_at) "
		      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "btttti", hash, u->handle, u->email,
		      u->pw_hash, u->role, expires);
}

struct signup_row {
	struct store_user *u;
	int64_t now;
	int *found;
};

static int
row_signup(sqlite3_stmt *st, void *arg)
{
	struct signup_row *x = arg;

	memset(x->u, 0, sizeof(*x->u));
	sq_copy_col(x->u->handle, sizeof(x->u->handle), st, 0);
	sq_copy_col(x->u->email, sizeof(x->u->email), st, 1);
	sq_copy_col(x->u->pw_hash, sizeof(x->u->pw_hash), st, 2);
	sq_copy_col(x->u->role, sizeof(x->u->role), st, 3);
	*x->found = sqlite3_column_int64(st, 4) > x->now;
	return 0;
}

int
sq_signup_get(struct store *bs, const unsigned char hash[32], int64_t now, struct store_user *u,
              int *found)
{
	struct signup_row x = {u, now, found};

	*found = 0;
	return sq_run(S(bs), "reading a sign-up", row_signup, &x,
		      "SELECT handle, email, pw_hash, role, expires_at FROM signup_pending "
		      "WHERE token_hash = ?1", "b", hash);
}

int
sq_signup_rename(struct store *bs, const unsigned char hash[32], const char *handle)
{
	return sq_run(S(bs), "renaming a sign-up", NULL, NULL,
		      "UPDATE signup_pending SET handle = ?2 WHERE token_hash = ?1", "bt", hash, handle);
}

int
sq_signup_delete(struct store *bs, const unsigned char hash[32])
{
	return sq_run(S(bs), "forgetting a sign-up", NULL, NULL,
		      "DELETE FROM signup_pending WHERE token_hash = ?1", "b", hash);
}

int
sq_signup_expire(struct store *bs, int64_t now)
{
	return sq_run(S(bs), "forgetting old sign-ups", NULL, NULL,
		      "DELETE FROM signup_pending WHERE expires_at <= ?1", "i", now);
}

int
sq_reset_put(struct store *bs, const unsigned char hash[32], int64_t user, int64_t expires)
{
	return sq_run(S(bs), "storing a reset token", NULL, NULL,
		      "INSERT INTO reset_token (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
		      "bii", hash, user, expires);
}

struct reset_row {
	int64_t now, *user;
	int *found;
};

static int
row_reset(sqlite3_stmt *st, void *arg)
{
	struct reset_row *r = arg;

	*r->user = sqlite3_column_int64(st, 0);
	*r->found = sqlite3_column_int64(st, 1) > r->now;
	return 0;
}

int
sq_reset_take(struct store *bs, const unsigned char hash[32], int64_t now, int64_t *user,
              int *found)
{
	struct reset_row r = {now, user, found};

	*found = 0;
	/* One statement: the token is gone whether or not it was still valid. */
	return sq_run(S(bs), "taking a reset token", row_reset, &r,
		      "DELETE FROM reset_token WHERE token_hash = ?1 RETURNING user_id, expires_at",
		      "b", hash);
}

/* ---- saved profiles ---- */

int
sq_profile_get(struct store *bs, int64_t user, char *out, size_t n)
{
	struct text_out t = {out, n};

	out[0] = '\0';
	return sq_run(S(bs), "reading a saved profile", sq_row_text, &t,
		      "SELECT fields FROM seeker_profile WHERE user_id = ?1", "i", user);
}

int
sq_profile_put(struct store *bs, int64_t user, const char *fields, int64_t now)
{
	return sq_run(S(bs), "saving a profile", NULL, NULL,
		      "INSERT INTO seeker_profile (user_id, fields, updated_at) VALUES (?1, ?2, ?3) "
		      "ON CONFLICT (user_id) DO UPDATE SET fields = excluded.fields, "
		      "updated_at = excluded.updated_at", "iti", user, fields, now);
}

int
sq_user_zone_set(struct store *bs, int64_t user, const char *zone)
{
	return sq_run(S(bs), "saving the time zone", NULL, NULL,
		      "UPDATE user SET timezone = ?2 WHERE id = ?1", "it", user, zone);
}

int
sq_user_zone_get(struct store *bs, int64_t user, char *zone, size_t n)
{
	struct text_out t = {zone, n};

	zone[0] = '\0';
	return sq_run(S(bs), "reading the time zone", sq_row_text, &t,
		      "SELECT timezone FROM user WHERE id = ?1", "i", user);
}
