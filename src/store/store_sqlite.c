/*
 * store_sqlite.c: the embedded SQLite engine of the store interface.
 *
 * One database file (WAL journal, foreign keys on). The schema is versioned
 * with PRAGMA user_version: migrations[] holds one SQL script per version,
 * and opening applies, in one transaction each, those the file has not
 * seen. A file from a newer chiron is refused rather than guessed at.
 *
 * All SQL is prepared once at open with bound parameters.
 */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "store/store.h"

struct store_sqlite {
	struct store base;
	sqlite3 *db;
	sqlite3_stmt *put_org, *put_therapist, *del_org, *del_therapist,
	             *scan_orgs, *scan_therapists, *get_therapist;
	pthread_mutex_t get_lock;       /* get_therapist's statement, across threads */
	pthread_mutex_t acct_lock;      /* the account functions, one at a time */
};

static const char *const migrations[] = {
	/* 1: the directory */
	"CREATE TABLE org ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  jurisdiction TEXT"
	") WITHOUT ROWID;"
	"CREATE TABLE therapist ("
	"  id TEXT PRIMARY KEY,"
	"  packed BLOB NOT NULL"
	") WITHOUT ROWID;",
	/* 2: accounts, sessions, throttling, the outbox, password resets */
	"CREATE TABLE user ("
	"  id INTEGER PRIMARY KEY,"
	"  handle TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  pw_hash TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('seeker', 'therapist', 'admin')),"
	"  therapist_id TEXT,"
	"  created_at INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))"
	");"
	"CREATE TABLE session ("
	"  token_hash BLOB PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  expires_at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE INDEX session_user ON session (user_id);"
	"CREATE TABLE throttle (key TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE INDEX throttle_key ON throttle (key, at);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  to_addr TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  sent_at INTEGER"
	");"
	"CREATE TABLE reset_token ("
	"  token_hash BLOB PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  expires_at INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/* 3: consultation requests */
	"CREATE TABLE request ("
	"  id INTEGER PRIMARY KEY,"
	"  seeker_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  seeker_name TEXT NOT NULL,"
	"  therapist_id TEXT NOT NULL,"
	"  message TEXT NOT NULL,"
	"  answer TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  answered_at INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX request_seeker ON request (seeker_id, created_at);"
	"CREATE INDEX request_therapist ON request (therapist_id, created_at);",
	/* 4: listings claimed by therapist accounts, verified, confirmed */
	"CREATE TABLE listing ("
	"  therapist_id TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL UNIQUE REFERENCES user (id) ON DELETE CASCADE,"
	"  npi_given TEXT NOT NULL DEFAULT '',"
	"  claimed_at INTEGER NOT NULL,"
	"  verified_at INTEGER NOT NULL DEFAULT 0,"
	"  confirmed_at INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;"
	"CREATE INDEX listing_unverified ON listing (verified_at, claimed_at);",
	/* 5: a seeker's saved search profile */
	"CREATE TABLE seeker_profile ("
	"  user_id INTEGER PRIMARY KEY REFERENCES user (id) ON DELETE CASCADE,"
	"  fields TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");",
	/* 6: listings hidden by an admin */
	"CREATE TABLE hidden_listing ("
	"  therapist_id TEXT PRIMARY KEY,"
	"  hidden_at INTEGER NOT NULL"
	") WITHOUT ROWID;",
};
#define N_MIGRATIONS (int)(sizeof(migrations) / sizeof(migrations[0]))

static struct store_sqlite *
S(struct store *s)
{
	return (struct store_sqlite *)s;
}

static int
fail(struct store_sqlite *s, const char *what)
{
	snprintf(s->base.errmsg, sizeof(s->base.errmsg), "%s: %s", what,
	         sqlite3_errmsg(s->db));
	return -1;
}

static int
exec(struct store_sqlite *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(s->base.errmsg, sizeof(s->base.errmsg), "%s",
		         msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int sq_begin(struct store *s) { return exec(S(s), "BEGIN IMMEDIATE"); }
static int sq_commit(struct store *s) { return exec(S(s), "COMMIT"); }

static int
sq_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(S(s)->db))
		return 0;
	return exec(S(s), "ROLLBACK");
}

static int
step_done(struct store_sqlite *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : fail(s, what);
}

static int
sq_put_org(struct store *bs, const struct store_org *o)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st = s->put_org;

	sqlite3_bind_text(st, 1, o->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->kind, -1, SQLITE_STATIC);
	if (o->jurisdiction)
		sqlite3_bind_text(st, 4, o->jurisdiction, -1, SQLITE_STATIC);
	return step_done(s, st, "storing an organization");
}

static int
sq_put_therapist(struct store *bs, const char *id, const void *p, size_t n)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st = s->put_therapist;

	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, p, (int)n, SQLITE_STATIC);
	return step_done(s, st, "storing a therapist");
}

static int
sq_remove(struct store *bs, const char *id, int *found)
{
	struct store_sqlite *s = S(bs);

	*found = 0;
	sqlite3_bind_text(s->del_org, 1, id, -1, SQLITE_STATIC);
	if (step_done(s, s->del_org, "deleting an organization"))
		return -1;
	*found += sqlite3_changes(s->db);
	sqlite3_bind_text(s->del_therapist, 1, id, -1, SQLITE_STATIC);
	if (step_done(s, s->del_therapist, "deleting a therapist"))
		return -1;
	*found += sqlite3_changes(s->db);
	*found = *found > 0;
	return 0;
}

static int
sq_scan_orgs(struct store *bs, store_org_fn fn, void *arg)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st = s->scan_orgs;
	int rc, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_org o = {
			(const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 3),
		};
		stop = fn(arg, &o);
	}
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : fail(s, "reading organizations");
}

static int
sq_scan_therapists(struct store *bs, store_therapist_fn fn, void *arg)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st = s->scan_therapists;
	int rc, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn(arg, (const char *)sqlite3_column_text(st, 0),
		          sqlite3_column_blob(st, 1),
		          (size_t)sqlite3_column_bytes(st, 1));
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : fail(s, "reading therapists");
}

static int
count_of(struct store_sqlite *s, const char *sql, long *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(s, "counting");
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : fail(s, "counting");
}

static int
sq_count(struct store *bs, long *orgs, long *therapists)
{
	struct store_sqlite *s = S(bs);

	return count_of(s, "SELECT count(*) FROM org", orgs) ||
	       count_of(s, "SELECT count(*) FROM therapist", therapists) ? -1 : 0;
}

static int
sq_get_therapist(struct store *bs, const char *id, store_therapist_fn fn,
                 void *arg, int *found)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st = s->get_therapist;
	int rc;

	*found = 0;
	pthread_mutex_lock(&s->get_lock);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		fn(arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_blob(st, 1),
		   (size_t)sqlite3_column_bytes(st, 1));
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	pthread_mutex_unlock(&s->get_lock);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, "reading a therapist");
	return 0;
}

static void
sq_close(struct store *bs)
{
	struct store_sqlite *s = S(bs);

	sqlite3_finalize(s->put_org);
	sqlite3_finalize(s->put_therapist);
	sqlite3_finalize(s->del_org);
	sqlite3_finalize(s->del_therapist);
	sqlite3_finalize(s->scan_orgs);
	sqlite3_finalize(s->scan_therapists);
	sqlite3_finalize(s->get_therapist);
	pthread_mutex_destroy(&s->get_lock);
	pthread_mutex_destroy(&s->acct_lock);
	sqlite3_close(s->db);
	free(s);
}

/* ----------------------------------------------------------------------
 * Accounts
 *
 * Account traffic is light next to matching (which reads the index, not
 * the store): each function prepares its statement, binds, steps and
 * finalizes under acct_lock.
 * ---------------------------------------------------------------------- */

/* Prepares sql; on failure records why and returns NULL. */
static sqlite3_stmt *
prep(struct store_sqlite *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(s, "preparing an account statement");
		return NULL;
	}
	return st;
}

static void
copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	snprintf(dst, n, "%s", v ? (const char *)v : "");
}

static void
read_user(sqlite3_stmt *st, struct store_user *u)
{
	u->id = sqlite3_column_int64(st, 0);
	copy_col(u->handle, sizeof(u->handle), st, 1);
	copy_col(u->email, sizeof(u->email), st, 2);
	copy_col(u->pw_hash, sizeof(u->pw_hash), st, 3);
	copy_col(u->role, sizeof(u->role), st, 4);
	copy_col(u->therapist_id, sizeof(u->therapist_id), st, 5);
}

/*
 * Steps st once: a row is read by read(st, arg) and *found set; no row is
 * not an error. Returns 0, or -1 with the reason (what failed).
 */
static int
step_one(struct store_sqlite *s, sqlite3_stmt *st, void (*read)(sqlite3_stmt *, void *),
         void *arg, int *found, const char *what)
{
	int step = sqlite3_step(st);

	*found = 0;
	if (step == SQLITE_ROW) {
		read(st, arg);
		*found = 1;
		return 0;
	}
	return step == SQLITE_DONE ? 0 : fail(s, what);
}

static void
read_user_cb(sqlite3_stmt *st, void *arg)
{
	read_user(st, arg);
}

#define USER_COLS "id, handle, email, pw_hash, role, coalesce(therapist_id, '')"

static int
sq_user_create(struct store *bs, struct store_user *u)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st;
	int rc = -1, step;

	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, "INSERT INTO user (handle, email, pw_hash, role, therapist_id) "
	             "VALUES (?1, ?2, ?3, ?4, nullif(?5, ''))");
	if (st) {
		sqlite3_bind_text(st, 1, u->handle, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, u->email, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, u->pw_hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, u->role, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, u->therapist_id, -1, SQLITE_STATIC);
		step = sqlite3_step(st);
		if (step == SQLITE_DONE) {
			u->id = sqlite3_last_insert_rowid(s->db);
			rc = 0;
		} else if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE) {
			rc = STORE_EXISTS;
		} else {
			fail(s, "creating an account");
		}
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

static int
user_query(struct store_sqlite *s, const char *sql, const char *text, int64_t id,
           struct store_user *u, int *found)
{
	sqlite3_stmt *st;
	int rc = -1;

	*found = 0;
	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, sql);
	if (st) {
		if (text)
			sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, 1, id);
		rc = step_one(s, st, read_user_cb, u, found, "reading an account");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

static int
sq_user_find(struct store *bs, const char *key, struct store_user *u, int *found)
{
	return user_query(S(bs), "SELECT " USER_COLS " FROM user WHERE handle = ?1 OR email = ?1",
	                  key, 0, u, found);
}

static int
sq_user_get(struct store *bs, int64_t id, struct store_user *u, int *found)
{
	return user_query(S(bs), "SELECT " USER_COLS " FROM user WHERE id = ?1", NULL, id, u, found);
}

/*
 * Runs one statement whose parameters are given as a format: 't' text,
 * 'i' int64, 'b' a 32-byte blob. Returns 0 when it completed.
 */
static int
exec_bound(struct store_sqlite *s, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc = -1, i;

	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, sql);
	if (st) {
		va_start(ap, fmt);
		for (i = 0; fmt[i]; i++) {
			if (fmt[i] == 't')
				sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
			else if (fmt[i] == 'i' || fmt[i] == 'I')
				sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			else
				sqlite3_bind_blob(st, i + 1, va_arg(ap, const unsigned char *), 32, SQLITE_TRANSIENT);
		}
		va_end(ap);
		if (sqlite3_step(st) == SQLITE_DONE)
			rc = 0;
		else
			fail(s, "writing account data");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

static int
sq_user_set_password(struct store *bs, int64_t id, const char *pw_hash)
{
	return exec_bound(S(bs), "UPDATE user SET pw_hash = ?1 WHERE id = ?2", "ti", pw_hash, id);
}

static int
sq_session_put(struct store *bs, const unsigned char hash[32], int64_t user,
               const char *csrf, int64_t expires)
{
	return exec_bound(S(bs), "INSERT INTO session (token_hash, user_id, csrf, expires_at) "
	                         "VALUES (?1, ?2, ?3, ?4)", "biti", hash, user, csrf, expires);
}

struct session_row {
	int64_t *user;
	char *csrf;
};

static void
read_session(sqlite3_stmt *st, void *arg)
{
	struct session_row *r = arg;

	*r->user = sqlite3_column_int64(st, 0);
	copy_col(r->csrf, 64, st, 1);
}

static int
sq_session_get(struct store *bs, const unsigned char hash[32], int64_t now,
               int64_t *user, char csrf[64], int *found)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st;
	int rc = -1;

	*found = 0;
	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, "SELECT user_id, csrf FROM session WHERE token_hash = ?1 AND expires_at > ?2");
	if (st) {
		struct session_row row = {user, csrf};

		sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, now);
		rc = step_one(s, st, read_session, &row, found, "reading a session");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

static int
sq_session_delete(struct store *bs, const unsigned char hash[32])
{
	return exec_bound(S(bs), "DELETE FROM session WHERE token_hash = ?1", "b", hash);
}

static int
sq_sessions_delete_user(struct store *bs, int64_t user)
{
	return exec_bound(S(bs), "DELETE FROM session WHERE user_id = ?1", "i", user);
}

static int
sq_throttle_hit(struct store *bs, const char *key, int64_t now, int64_t since, long *count)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st;
	int rc;

	*count = 0;
	rc = exec_bound(s, "INSERT INTO throttle (key, at) VALUES (?1, ?2)", "ti", key, now);
	if (rc)
		return rc;
	/* Forget what is older than the window, now and then. */
	if (now % 16 == 0)
		exec_bound(s, "DELETE FROM throttle WHERE at < ?1", "i", since);
	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, "SELECT count(*) FROM throttle WHERE key = ?1 AND at >= ?2");
	rc = -1;
	if (st) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, since);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*count = (long)sqlite3_column_int64(st, 0);
			rc = 0;
		} else {
			fail(s, "counting attempts");
		}
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

static int
sq_outbox_add(struct store *bs, const char *to, const char *subject, const char *body,
              int64_t now)
{
	return exec_bound(S(bs), "INSERT INTO outbox (to_addr, subject, body, created_at) "
	                         "VALUES (?1, ?2, ?3, ?4)", "ttti", to, subject, body, now);
}

static int
sq_reset_put(struct store *bs, const unsigned char hash[32], int64_t user, int64_t expires)
{
	return exec_bound(S(bs), "INSERT INTO reset_token (token_hash, user_id, expires_at) "
	                         "VALUES (?1, ?2, ?3)", "bii", hash, user, expires);
}

static int
sq_reset_take(struct store *bs, const unsigned char hash[32], int64_t now, int64_t *user,
              int *found)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st;
	int rc = -1, step;

	*found = 0;
	pthread_mutex_lock(&s->acct_lock);
	/* One statement: the token is gone whether or not it was still valid. */
	st = prep(s, "DELETE FROM reset_token WHERE token_hash = ?1 RETURNING user_id, expires_at");
	if (st) {
		sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
		step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			*user = sqlite3_column_int64(st, 0);
			*found = sqlite3_column_int64(st, 1) > now;
			step = sqlite3_step(st);
		}
		rc = step == SQLITE_DONE ? 0 : fail(s, "taking a reset token");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

/* ----------------------------------------------------------------------
 * Consultation requests
 * ---------------------------------------------------------------------- */

static int
sq_request_add(struct store *bs, struct store_request *rq)
{
	struct store_sqlite *s = S(bs);
	int rc = exec_bound(s, "INSERT INTO request (seeker_id, seeker_name, therapist_id, message, "
	                       "created_at) VALUES (?1, ?2, ?3, ?4, ?5)", "itttI",
	                    rq->seeker, rq->seeker_name, rq->therapist_id, rq->message,
	                    rq->created_at);

	if (rc == 0) {
		pthread_mutex_lock(&s->acct_lock);
		rq->id = sqlite3_last_insert_rowid(s->db);
		pthread_mutex_unlock(&s->acct_lock);
	}
	return rc;
}

static int
request_list(struct store_sqlite *s, const char *sql, const char *text, int64_t id,
             int max, store_request_fn fn, void *arg)
{
	struct store_request rq;
	sqlite3_stmt *st;
	int rc = -1, step;

	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, sql);
	if (st) {
		if (text)
			sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, max);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			rq.id = sqlite3_column_int64(st, 0);
			rq.seeker = sqlite3_column_int64(st, 1);
			copy_col(rq.seeker_name, sizeof(rq.seeker_name), st, 2);
			copy_col(rq.therapist_id, sizeof(rq.therapist_id), st, 3);
			copy_col(rq.message, sizeof(rq.message), st, 4);
			copy_col(rq.answer, sizeof(rq.answer), st, 5);
			rq.created_at = sqlite3_column_int64(st, 6);
			rq.answered_at = sqlite3_column_int64(st, 7);
			if (fn(arg, &rq))
				break;
		}
		rc = (step == SQLITE_DONE || step == SQLITE_ROW) ? 0 : fail(s, "reading requests");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

#define REQUEST_COLS "id, seeker_id, seeker_name, therapist_id, message, answer, created_at, answered_at"

static int
sq_requests_of_seeker(struct store *bs, int64_t seeker, int max, store_request_fn fn, void *arg)
{
	return request_list(S(bs), "SELECT " REQUEST_COLS " FROM request WHERE seeker_id = ?1 "
	                    "ORDER BY created_at DESC, id DESC LIMIT ?2", NULL, seeker, max, fn, arg);
}

static int
sq_requests_to_therapist(struct store *bs, const char *tid, int max, store_request_fn fn, void *arg)
{
	return request_list(S(bs), "SELECT " REQUEST_COLS " FROM request WHERE therapist_id = ?1 "
	                    "ORDER BY created_at DESC, id DESC LIMIT ?2", tid, 0, max, fn, arg);
}

static int
sq_request_answer(struct store *bs, int64_t id, const char *tid, const char *answer,
                  int64_t now, int *found)
{
	struct store_sqlite *s = S(bs);
	int rc = exec_bound(s, "UPDATE request SET answer = ?1, answered_at = ?2 "
	                       "WHERE id = ?3 AND therapist_id = ?4", "tIIt", answer, now, id, tid);

	pthread_mutex_lock(&s->acct_lock);
	*found = rc == 0 && sqlite3_changes(s->db) > 0;
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

/* ----------------------------------------------------------------------
 * Listings
 * ---------------------------------------------------------------------- */

static int
sq_listing_claim(struct store *bs, int64_t user, const char *tid, const char *npi, int64_t now)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, "INSERT INTO listing (therapist_id, user_id, npi_given, claimed_at) "
	             "VALUES (?1, ?2, ?3, ?4)");
	if (st) {
		sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, user);
		sqlite3_bind_text(st, 3, npi, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, now);
		if (sqlite3_step(st) == SQLITE_DONE)
			rc = 0;
		else if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_PRIMARYKEY ||
		         sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
			rc = STORE_EXISTS;
		else
			fail(s, "claiming a listing");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	if (rc == 0)
		rc = exec_bound(s, "UPDATE user SET therapist_id = ?1 WHERE id = ?2", "ti", tid, user);
	return rc;
}

static void
read_listing(sqlite3_stmt *st, void *arg)
{
	struct store_listing *l = arg;

	copy_col(l->therapist_id, sizeof(l->therapist_id), st, 0);
	l->user = sqlite3_column_int64(st, 1);
	copy_col(l->npi_given, sizeof(l->npi_given), st, 2);
	l->claimed_at = sqlite3_column_int64(st, 3);
	l->verified_at = sqlite3_column_int64(st, 4);
	l->confirmed_at = sqlite3_column_int64(st, 5);
}

#define LISTING_COLS "therapist_id, user_id, npi_given, claimed_at, verified_at, confirmed_at"

static int
sq_listing_get(struct store *bs, const char *tid, struct store_listing *l, int *found)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st;
	int rc = -1;

	*found = 0;
	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, "SELECT " LISTING_COLS " FROM listing WHERE therapist_id = ?1");
	if (st) {
		sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
		rc = step_one(s, st, read_listing, l, found, "reading a listing");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

static int
sq_listing_verify(struct store *bs, const char *tid, int64_t now, int *found)
{
	struct store_sqlite *s = S(bs);
	int rc = exec_bound(s, "UPDATE listing SET verified_at = ?1 WHERE therapist_id = ?2 "
	                       "AND verified_at = 0", "it", now, tid);

	pthread_mutex_lock(&s->acct_lock);
	*found = rc == 0 && sqlite3_changes(s->db) > 0;
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

static int
sq_listing_confirm(struct store *bs, const char *tid, int64_t now)
{
	return exec_bound(S(bs), "UPDATE listing SET confirmed_at = ?1 WHERE therapist_id = ?2",
	                  "it", now, tid);
}

static int
sq_listings_unverified(struct store *bs, int max, store_listing_fn fn, void *arg)
{
	struct store_sqlite *s = S(bs);
	struct store_listing l;
	sqlite3_stmt *st;
	int rc = -1, step;

	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, "SELECT " LISTING_COLS " FROM listing WHERE verified_at = 0 "
	             "ORDER BY claimed_at LIMIT ?1");
	if (st) {
		sqlite3_bind_int(st, 1, max);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			read_listing(st, &l);
			if (fn(arg, &l))
				break;
		}
		rc = (step == SQLITE_DONE || step == SQLITE_ROW) ? 0 : fail(s, "reading listings");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

static int
sq_listings_stale(struct store *bs, int64_t before, store_listing_fn fn, void *arg)
{
	struct store_sqlite *s = S(bs);
	struct store_listing *v = NULL, *nv;
	size_t n = 0, cap = 0, i;
	sqlite3_stmt *st;
	int rc = -1, step = SQLITE_DONE;

	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, "SELECT " LISTING_COLS " FROM listing "
	             "WHERE max(confirmed_at, claimed_at) < ?1 ORDER BY therapist_id");
	if (st) {
		sqlite3_bind_int64(st, 1, before);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv)
					break;
				v = nv;
			}
			read_listing(st, &v[n++]);
		}
		rc = step == SQLITE_DONE ? 0 : fail(s, "reading stale listings");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	for (i = 0; rc == 0 && i < n; i++)
		if (fn(arg, &v[i]))
			break;
	free(v);
	return rc;
}

struct text_out {
	char *out;
	size_t n;
};

static void
read_text(sqlite3_stmt *st, void *arg)
{
	struct text_out *t = arg;

	copy_col(t->out, t->n, st, 0);
}

static int
sq_profile_get(struct store *bs, int64_t user, char *out, size_t n)
{
	struct store_sqlite *s = S(bs);
	struct text_out t = {out, n};
	sqlite3_stmt *st;
	int rc = -1, found;

	out[0] = '\0';
	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, "SELECT fields FROM seeker_profile WHERE user_id = ?1");
	if (st) {
		sqlite3_bind_int64(st, 1, user);
		rc = step_one(s, st, read_text, &t, &found, "reading a saved profile");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

static int
sq_profile_put(struct store *bs, int64_t user, const char *fields, int64_t now)
{
	return exec_bound(S(bs), "INSERT INTO seeker_profile (user_id, fields, updated_at) "
	                         "VALUES (?1, ?2, ?3) ON CONFLICT (user_id) DO UPDATE SET "
	                         "fields = excluded.fields, updated_at = excluded.updated_at",
	                  "iti", user, fields, now);
}

static int
sq_requests_unanswered(struct store *bs, const char *tid, int64_t *at, int max, int *n)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st;
	int rc = -1, step;

	*n = 0;
	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, "SELECT created_at FROM request WHERE therapist_id = ?1 AND answered_at = 0 "
	             "ORDER BY created_at LIMIT ?2");
	if (st) {
		sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, max);
		while ((step = sqlite3_step(st)) == SQLITE_ROW)
			at[(*n)++] = sqlite3_column_int64(st, 0);
		rc = step == SQLITE_DONE ? 0 : fail(s, "counting unanswered requests");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

static int
sq_listing_hide(struct store *bs, const char *tid, int hidden, int64_t now)
{
	if (hidden)
		return exec_bound(S(bs), "INSERT INTO hidden_listing (therapist_id, hidden_at) "
		                         "VALUES (?1, ?2) ON CONFLICT DO NOTHING", "ti", tid, now);
	return exec_bound(S(bs), "DELETE FROM hidden_listing WHERE therapist_id = ?1", "t", tid);
}

static void
read_one(sqlite3_stmt *st, void *arg)
{
	(void)st;
	(void)arg;
}

static int
sq_listing_hidden(struct store *bs, const char *tid, int *hidden)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st;
	int rc = -1;

	*hidden = 0;
	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, "SELECT 1 FROM hidden_listing WHERE therapist_id = ?1");
	if (st) {
		sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
		rc = step_one(s, st, read_one, NULL, hidden, "reading hidden listings");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

static int
sq_listings_hidden(struct store *bs, store_listing_fn fn, void *arg)
{
	struct store_sqlite *s = S(bs);
	struct store_listing *v = NULL, *nv;
	size_t n = 0, cap = 0, i;
	sqlite3_stmt *st;
	int rc = -1, step = SQLITE_DONE;

	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, "SELECT therapist_id, hidden_at FROM hidden_listing ORDER BY therapist_id");
	if (st) {
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv)
					break;
				v = nv;
			}
			memset(&v[n], 0, sizeof(v[n]));
			copy_col(v[n].therapist_id, sizeof(v[n].therapist_id), st, 0);
			v[n].claimed_at = sqlite3_column_int64(st, 1);
			n++;
		}
		rc = step == SQLITE_DONE ? 0 : fail(s, "reading hidden listings");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	for (i = 0; rc == 0 && i < n; i++)
		if (fn(arg, &v[i]))
			break;
	free(v);
	return rc;
}

static int
sq_org_add(struct store *bs, const struct store_org *o)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&s->acct_lock);
	st = prep(s, "INSERT INTO org (id, name, kind, jurisdiction) VALUES (?1, ?2, ?3, ?4)");
	if (st) {
		sqlite3_bind_text(st, 1, o->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, o->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, o->kind, -1, SQLITE_STATIC);
		if (o->jurisdiction)
			sqlite3_bind_text(st, 4, o->jurisdiction, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_DONE)
			rc = 0;
		else if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_PRIMARYKEY)
			rc = STORE_EXISTS;
		else
			fail(s, "adding an organization");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

static int
sq_orgs_find(struct store *bs, const char *q, int max, store_org_fn fn, void *arg)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st;
	int rc = -1, step = SQLITE_DONE;

	pthread_mutex_lock(&s->acct_lock);
	/* instr() on lower-cased text: no LIKE wildcards to escape in q. */
	st = prep(s, "SELECT id, name, kind, jurisdiction FROM org "
	             "WHERE instr(lower(name), lower(?1)) > 0 ORDER BY name, id LIMIT ?2");
	if (st) {
		sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, max);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			struct store_org o = {
				(const char *)sqlite3_column_text(st, 0),
				(const char *)sqlite3_column_text(st, 1),
				(const char *)sqlite3_column_text(st, 2),
				(const char *)sqlite3_column_text(st, 3),
			};
			if (fn(arg, &o))
				break;
		}
		rc = (step == SQLITE_DONE || step == SQLITE_ROW) ? 0 : fail(s, "finding organizations");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->acct_lock);
	return rc;
}

static const struct store_ops sqlite_ops = {
	.engine = "sqlite",
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.put_org = sq_put_org,
	.put_therapist = sq_put_therapist,
	.remove = sq_remove,
	.scan_orgs = sq_scan_orgs,
	.scan_therapists = sq_scan_therapists,
	.count = sq_count,
	.get_therapist = sq_get_therapist,
	.close = sq_close,
	.user_create = sq_user_create,
	.user_find = sq_user_find,
	.user_get = sq_user_get,
	.user_set_password = sq_user_set_password,
	.session_put = sq_session_put,
	.session_get = sq_session_get,
	.session_delete = sq_session_delete,
	.sessions_delete_user = sq_sessions_delete_user,
	.throttle_hit = sq_throttle_hit,
	.outbox_add = sq_outbox_add,
	.reset_put = sq_reset_put,
	.reset_take = sq_reset_take,
	.request_add = sq_request_add,
	.requests_of_seeker = sq_requests_of_seeker,
	.requests_to_therapist = sq_requests_to_therapist,
	.request_answer = sq_request_answer,
	.listing_claim = sq_listing_claim,
	.listing_get = sq_listing_get,
	.listing_verify = sq_listing_verify,
	.listing_confirm = sq_listing_confirm,
	.listings_unverified = sq_listings_unverified,
	.listings_stale = sq_listings_stale,
	.profile_get = sq_profile_get,
	.profile_put = sq_profile_put,
	.requests_unanswered = sq_requests_unanswered,
	.listing_hide = sq_listing_hide,
	.listing_hidden = sq_listing_hidden,
	.listings_hidden = sq_listings_hidden,
	.org_add = sq_org_add,
	.orgs_find = sq_orgs_find,
};

static int
migrate(struct store_sqlite *s)
{
	sqlite3_stmt *st;
	int version, v;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "reading the schema version");
	version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (version > N_MIGRATIONS) {
		snprintf(s->base.errmsg, sizeof(s->base.errmsg),
		         "the database has schema version %d, newer than this chiron (%d)",
		         version, N_MIGRATIONS);
		return -1;
	}
	for (v = version; v < N_MIGRATIONS; v++) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (exec(s, "BEGIN IMMEDIATE") || exec(s, migrations[v]) ||
		    exec(s, sql) || exec(s, "COMMIT")) {
			char why[512];

			snprintf(why, sizeof(why), "%s", s->base.errmsg);
			sq_rollback(&s->base);
			snprintf(s->base.errmsg, sizeof(s->base.errmsg),
			         "migrating the schema to version %d: %.400s", v + 1, why);
			return -1;
		}
	}
	return 0;
}

/* Creates the parent directory of path when it is missing (one level). */
static void
make_parent(const char *path)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return;
}

struct store *
store_sqlite_open(const char *path, char *err, size_t errlen)
{
	struct store_sqlite *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->base.ops = &sqlite_ops;
	pthread_mutex_init(&s->get_lock, NULL);
	pthread_mutex_init(&s->acct_lock, NULL);
	make_parent(path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                    SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		         s->db ? sqlite3_errmsg(s->db) : "cannot open");
		sqlite3_close(s->db);
		free(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (exec(s, "PRAGMA journal_mode = WAL") ||
	    exec(s, "PRAGMA synchronous = NORMAL") ||
	    exec(s, "PRAGMA foreign_keys = ON") ||
	    exec(s, "PRAGMA cache_size = -65536") || migrate(s))
		goto fail;
	if (sqlite3_prepare_v2(s->db,
	        "INSERT INTO org (id, name, kind, jurisdiction) VALUES (?1, ?2, ?3, ?4) "
	        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
	        "jurisdiction = excluded.jurisdiction", -1, &s->put_org, NULL) ||
	    sqlite3_prepare_v2(s->db,
	        "INSERT INTO therapist (id, packed) VALUES (?1, ?2) "
	        "ON CONFLICT (id) DO UPDATE SET packed = excluded.packed",
	        -1, &s->put_therapist, NULL) ||
	    sqlite3_prepare_v2(s->db, "DELETE FROM org WHERE id = ?1", -1,
	                       &s->del_org, NULL) ||
	    sqlite3_prepare_v2(s->db, "DELETE FROM therapist WHERE id = ?1", -1,
	                       &s->del_therapist, NULL) ||
	    sqlite3_prepare_v2(s->db, "SELECT id, name, kind, jurisdiction FROM org ORDER BY id",
	                       -1, &s->scan_orgs, NULL) ||
	    sqlite3_prepare_v2(s->db, "SELECT id, packed FROM therapist ORDER BY id",
	                       -1, &s->scan_therapists, NULL) ||
	    sqlite3_prepare_v2(s->db, "SELECT id, packed FROM therapist WHERE id = ?1",
	                       -1, &s->get_therapist, NULL)) {
		fail(s, "preparing statements");
		goto fail;
	}
	return &s->base;
fail:
	snprintf(err, errlen, "%s: %s", path, s->base.errmsg);
	sq_close(&s->base);
	return NULL;
}
