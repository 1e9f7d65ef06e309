/*
 * accounts.c: accounts and what hangs on them: users, sessions, login
 * throttles, sign-ups waiting for their email, password resets, a seeker's
 * saved profile and a user's time zone.
 *
 * Sealed at rest (issue 11): an account's email column holds its address
 * sealed (a BLOB) and email_bx its blind index; a sign-up's email and a
 * saved profile's fields hold sealed BLOBs too. The store never sees them
 * in the clear: app/identity.c and app/profile.c seal and open. A TEXT
 * value in one of them is a row from before, which the services seal at
 * the next start (the *_legacy scans below find them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
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
	"coalesce((SELECT l.therapist_id FROM listing l WHERE l.user_id = user.id), ''), email_bx"

/* The email column into u: sealed (a BLOB) or, from a row before issue 11, clear. */
static void
email_col(sqlite3_stmt *st, int col, struct store_user *u)
{
	const void *p = sqlite3_column_blob(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);

	u->email[0] = '\0';
	u->email_sealed_n = 0;
	if (sqlite3_column_type(st, col) == SQLITE_TEXT)
		sq_copy_col(u->email, sizeof(u->email), st, col);
	else if (p) {
		/* One too long for any email is cut: it then fails to open,
		 * as an altered value must (never read as "no email"). */
		if (n > sizeof(u->email_sealed))
			n = sizeof(u->email_sealed);
		memcpy(u->email_sealed, p, n);
		u->email_sealed_n = n;
	}
}

static int
row_user(sqlite3_stmt *st, void *arg)
{
	struct found *f = arg;
	struct store_user *u = f->out;

	u->id = sqlite3_column_int64(st, 0);
	sq_copy_col(u->handle, sizeof(u->handle), st, 1);
	email_col(st, 2, u);
	sq_copy_col(u->pw_hash, sizeof(u->pw_hash), st, 3);
	sq_copy_col(u->role, sizeof(u->role), st, 4);
	sq_copy_col(u->therapist_id, sizeof(u->therapist_id), st, 5);
	sq_copy_col(u->claim_id, sizeof(u->claim_id), st, 6);
	memset(u->email_bx, 0, sizeof(u->email_bx));
	if (sqlite3_column_bytes(st, 7) == STORE_BLIND_BYTES)
		memcpy(u->email_bx, sqlite3_column_blob(st, 7), STORE_BLIND_BYTES);
	*f->found = 1;
	return 1;
}

static bool
blind_set(const unsigned char bx[STORE_BLIND_BYTES])
{
	unsigned char any = 0;

	for (int i = 0; i < STORE_BLIND_BYTES; i++)
		any |= bx[i];
	return any != 0;
}

int
sq_user_create(struct store *bs, struct store_user *u)
{
	if (!blind_set(u->email_bx))
		return sq_run(S(bs), "creating an account", sq_row_int64, &u->id,
			      "INSERT INTO user (handle, email, pw_hash, role, therapist_id) "
			      "VALUES (?1, ?2, ?3, ?4, nullif(?5, '')) RETURNING id", "ttttt",
			      u->handle, u->email, u->pw_hash, u->role, u->therapist_id);
	/* Until user_email_set, the email column holds the blind index: a
	 * unique BLOB that says nothing. */
	return sq_run(S(bs), "creating an account", sq_row_int64, &u->id,
		      "INSERT INTO user (handle, email, email_bx, pw_hash, role, therapist_id) "
		      "VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, '')) RETURNING id", "tBbttt",
		      u->handle, u->email_sealed_n ? (const void *)u->email_sealed : u->email_bx,
		      u->email_sealed_n ? u->email_sealed_n : (size_t)STORE_BLIND_BYTES, u->email_bx,
		      u->pw_hash, u->role, u->therapist_id);
}

int
sq_user_find(struct store *bs, const char *key, struct store_user *u, int *found)
{
	struct found f = {u, found};

	*found = 0;
	/* A sealed email is a BLOB, never equal to the TEXT key: only a row
	 * from before issue 11 matches by email here. */
	return sq_run(S(bs), "reading an account", row_user, &f,
		      "SELECT " USER_COLS " FROM user WHERE handle = ?1 OR email = ?1", "t", key);
}

int
sq_user_find_bx(struct store *bs, const unsigned char bx[STORE_BLIND_BYTES], struct store_user *u,
                int *found)
{
	struct found f = {u, found};

	*found = 0;
	return sq_run(S(bs), "reading an account", row_user, &f,
		      "SELECT " USER_COLS " FROM user WHERE email_bx = ?1", "b", bx);
}

int
sq_user_email_set(struct store *bs, int64_t user, const unsigned char bx[STORE_BLIND_BYTES],
                  const void *sealed, size_t n)
{
	return sq_run(S(bs), "recording an email", NULL, NULL,
		      "UPDATE user SET email = ?2, email_bx = ?3 WHERE id = ?1", "iBb",
		      user, sealed, n, bx);
}

struct legacy_users {
	int (*fn)(void *arg, int64_t id, const char *email);
	void *arg;
};

static int
row_legacy_user(sqlite3_stmt *st, void *arg)
{
	struct legacy_users *x = arg;
	const unsigned char *e = sqlite3_column_text(st, 1);

	return x->fn(x->arg, sqlite3_column_int64(st, 0), e ? (const char *)e : "");
}

int
sq_users_legacy(struct store *bs, int (*fn)(void *arg, int64_t id, const char *email), void *arg)
{
	struct legacy_users x = {fn, arg};

	return sq_run(S(bs), "reading accounts", row_legacy_user, &x,
		      "SELECT id, email FROM user WHERE typeof(email) = 'text' ORDER BY id", "");
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
		      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "btBtti", hash, u->handle,
		      (const void *)u->email_sealed, u->email_sealed_n, u->pw_hash, u->role, expires);
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
	email_col(st, 1, x->u);
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

struct profile_out {
	struct buf *out;
	int *sealed;
	int err;
};

static int
row_profile_fields(sqlite3_stmt *st, void *arg)
{
	struct profile_out *o = arg;
	const void *p = sqlite3_column_blob(st, 0);
	int n = sqlite3_column_bytes(st, 0);

	*o->sealed = sqlite3_column_type(st, 0) != SQLITE_TEXT;
	if (p && n > 0)
		o->err = buf_add(o->out, p, (size_t)n);
	return 1;
}

int
sq_profile_get(struct store *bs, int64_t user, struct buf *out, int *sealed)
{
	struct profile_out o = {out, sealed, 0};
	int rc;

	*sealed = 1;
	rc = sq_run(S(bs), "reading a saved profile", row_profile_fields, &o,
		    "SELECT fields FROM seeker_profile WHERE user_id = ?1", "i", user);
	if (rc == 0 && o.err) {
		store_error("reading a saved profile: out of memory");
		rc = -1;
	}
	return rc;
}

int
sq_profile_put(struct store *bs, int64_t user, const void *fields, size_t n, int64_t now)
{
	return sq_run(S(bs), "saving a profile", NULL, NULL,
		      "INSERT INTO seeker_profile (user_id, fields, updated_at) VALUES (?1, ?2, ?3) "
		      "ON CONFLICT (user_id) DO UPDATE SET fields = excluded.fields, "
		      "updated_at = excluded.updated_at", "iBi", user, fields, n, now);
}

struct legacy_profiles {
	int (*fn)(void *arg, int64_t user, const char *fields);
	void *arg;
};

static int
row_legacy_profile(sqlite3_stmt *st, void *arg)
{
	struct legacy_profiles *x = arg;
	const unsigned char *f = sqlite3_column_text(st, 1);

	return x->fn(x->arg, sqlite3_column_int64(st, 0), f ? (const char *)f : "");
}

int
sq_profiles_legacy(struct store *bs, int (*fn)(void *arg, int64_t user, const char *fields),
                   void *arg)
{
	struct legacy_profiles x = {fn, arg};

	return sq_run(S(bs), "reading saved profiles", row_legacy_profile, &x,
		      "SELECT user_id, fields FROM seeker_profile WHERE typeof(fields) = 'text' "
		      "ORDER BY user_id", "");
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
