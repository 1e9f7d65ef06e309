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
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>
#include <sodium.h>

#include "store/store.h"

struct store_sqlite {
	struct store base;
	sqlite3 *db;
	sqlite3_stmt *put_org, *put_therapist, *del_org, *del_therapist,
	             *scan_orgs, *scan_therapists, *get_therapist;
	/*
	 * The connection's one lock, recursive: every statement, and every
	 * read of what a statement left on the connection (sqlite3_changes,
	 * last_insert_rowid, sqlite3_errmsg), runs holding it; a transaction
	 * (tx_begin, or store_begin) holds it from BEGIN to COMMIT or
	 * ROLLBACK, so no other thread's statement lands inside it or reads
	 * what it has not committed.
	 */
	pthread_mutex_t lock;
	bool in_user_tx;                /* store_begin's transaction is open (under lock) */
	/* run()'s prepared statements, by the address of their SQL text
	 * (every one is a string literal), kept for the connection's life. */
	struct { const char *sql; sqlite3_stmt *st; } stmts[192];
	int n_stmts;
	/* The outbox's key (store.h, mail at rest); has_mail_key once set. */
	unsigned char mail_key[STORE_MAIL_KEY_BYTES];
	bool has_mail_key;
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
	/* 7: a listing's stated policies */
	"CREATE TABLE listing_policy ("
	"  therapist_id TEXT PRIMARY KEY,"
	"  confidentiality TEXT NOT NULL,"
	"  events TEXT NOT NULL,"
	"  dual TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/* 8: confirmation reminders and their one-click tokens */
	"ALTER TABLE listing ADD COLUMN reminded_at INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE confirm_token ("
	"  token_hash BLOB PRIMARY KEY,"
	"  therapist_id TEXT NOT NULL,"
	"  expires_at INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/*
	 * 9: delivering the outbox by SMTP. sent_at has been there since 2
	 * (NULL: not sent); a message now also counts its attempts, keeps the
	 * last one's time (the back-off runs from it) and why it failed.
	 */
	"ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE outbox ADD COLUMN tried_at INTEGER;"
	"ALTER TABLE outbox ADD COLUMN last_error TEXT;"
	"CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;",
	/*
	 * 10: scheduling. A therapist's session types, notice period and
	 * dated closures (weekly hours are the record's availability);
	 * appointments in UTC with the zone they were made in; weekly series;
	 * private calendar feeds (token hashed); the busy times read from a
	 * clinician's uploaded calendar (nothing else of it); waitlists.
	 * No double booking: a booking checks and inserts inside one
	 * BEGIN IMMEDIATE transaction; the unique index also keeps one
	 * seeker from holding two seats of one group session.
	 */
	"ALTER TABLE user ADD COLUMN timezone TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE schedule_setting ("
	"  therapist_id TEXT PRIMARY KEY,"
	"  notice_hours INTEGER NOT NULL DEFAULT 24,"
	"  updated_at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE session_type ("
	"  therapist_id TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('consultation', 'individual', 'couples', 'group')),"
	"  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 480),"
	"  step INTEGER NOT NULL CHECK (step BETWEEN 5 AND 1440),"
	"  capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 1 AND 100),"
	"  PRIMARY KEY (therapist_id, kind)"
	") WITHOUT ROWID;"
	"CREATE TABLE closed_range ("
	"  id INTEGER PRIMARY KEY,"
	"  therapist_id TEXT NOT NULL,"
	"  first_day INTEGER NOT NULL,"
	"  last_day INTEGER NOT NULL,"
	"  start_min INTEGER NOT NULL DEFAULT 0,"
	"  end_min INTEGER NOT NULL DEFAULT 1440,"
	"  note TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX closed_therapist ON closed_range (therapist_id, last_day);"
	"CREATE TABLE series ("
	"  id INTEGER PRIMARY KEY,"
	"  therapist_id TEXT NOT NULL,"
	"  seeker_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"
	"  zone TEXT NOT NULL,"
	"  first_day INTEGER NOT NULL,"
	"  minute INTEGER NOT NULL,"
	"  minutes INTEGER NOT NULL,"
	"  interval_weeks INTEGER NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),"
	"  created_by TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE appointment ("
	"  id INTEGER PRIMARY KEY,"
	"  therapist_id TEXT NOT NULL,"
	"  seeker_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"
	"  start_utc INTEGER NOT NULL,"
	"  end_utc INTEGER NOT NULL,"
	"  zone TEXT NOT NULL,"
	"  series_id INTEGER REFERENCES series (id) ON DELETE SET NULL,"
	"  status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),"
	"  cancelled_by TEXT NOT NULL DEFAULT '',"
	"  late INTEGER NOT NULL DEFAULT 0,"
	"  reminded_at INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX appt_therapist ON appointment (therapist_id, start_utc) WHERE status = 'booked';"
	"CREATE INDEX appt_seeker ON appointment (seeker_id, start_utc);"
	"CREATE INDEX appt_series ON appointment (series_id);"
	"CREATE UNIQUE INDEX appt_one_seat ON appointment (therapist_id, start_utc, seeker_id) "
	"  WHERE status = 'booked';"
	"CREATE TABLE feed_token ("
	"  user_id INTEGER PRIMARY KEY REFERENCES user (id) ON DELETE CASCADE,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE busy ("
	"  user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  start_utc INTEGER NOT NULL,"
	"  end_utc INTEGER NOT NULL"
	");"
	"CREATE INDEX busy_user ON busy (user_id, start_utc);"
	"CREATE TABLE waitlist ("
	"  id INTEGER PRIMARY KEY,"
	"  therapist_id TEXT NOT NULL,"
	"  seeker_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  notified_at INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (therapist_id, seeker_id, kind)"
	");",
	/*
	 * 11: a therapist's appointments by time, cancelled ones included:
	 * the partial index of 10 covers booked rows only, so a read of a
	 * therapist's sessions (booked and cancelled) scanned the table.
	 */
	"CREATE INDEX appt_therapist_time ON appointment (therapist_id, start_utc);",
	/* 12: where each weekly window is held (in person, telehealth), and
	 * how a session was booked */
	"CREATE TABLE avail_mode ("
	"  therapist_id TEXT NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  start_min INTEGER NOT NULL,"
	"  end_min INTEGER NOT NULL,"
	"  modes INTEGER NOT NULL,"
	"  PRIMARY KEY (therapist_id, day, start_min, end_min)"
	") WITHOUT ROWID;"
	"ALTER TABLE appointment ADD COLUMN modality TEXT NOT NULL DEFAULT '';",
	/* 13: where a moved session was first booked (a series' feed names
	 * the occurrence it replaces by it) */
	"ALTER TABLE appointment ADD COLUMN orig_start INTEGER NOT NULL DEFAULT 0;",
	/*
	 * 14: a claim proves control before it opens anything. A one-time
	 * code (its BLAKE2b hash only) is mailed to a contact an admin found
	 * for the practice (never one the claimant typed), expires, and is
	 * void after CLAIM_CODE_TRIES wrong entries; who verified, how and
	 * when is kept. `created`: the claimant made the listing at
	 * /listing/new, so it stays out of searches until verified. Claims
	 * verified before this migration say so in verified_how.
	 */
	"ALTER TABLE listing ADD COLUMN created INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN contact TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE listing ADD COLUMN contact_source TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE listing ADD COLUMN code_hash BLOB;"
	"ALTER TABLE listing ADD COLUMN code_sent_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN code_sent_by INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN code_expires INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN code_tries INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN code_ok_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN verified_by INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN verified_how TEXT NOT NULL DEFAULT '';"
	"UPDATE listing SET verified_how = 'verified before chiron recorded how (NPI check only)' "
	"  WHERE verified_at != 0;"
	/* Unverified listings made at /listing/new before: its ids are "t-"
	 * and 12 hex digits, and it confirmed them as it claimed them (a claim
	 * starts unconfirmed). Better hidden until verified than a fake one
	 * left public. */
	"UPDATE listing SET created = 1 WHERE verified_at = 0 AND confirmed_at = claimed_at "
	"  AND length(therapist_id) = 14 AND therapist_id GLOB 't-[0-9a-f][0-9a-f]*' "
	"  AND substr(therapist_id, 3) NOT GLOB '*[^0-9a-f]*';",
	/* 15: throttles name parties only by a keyed hash (web/auth.c): the
	 * rows written before held client addresses and login names in the
	 * clear. They are dropped (they lapse within the hour anyway), and
	 * the hourly expiry reads by time. */
	"DELETE FROM throttle;"
	"CREATE INDEX throttle_at ON throttle (at);",
	/* 16: sign-ups wait for their email's confirmation (web/act_account.c):
	 * the token is kept only as its hash, the password only as argon2id,
	 * and a row lives a day. */
	"CREATE TABLE signup_pending ("
	"  token_hash BLOB PRIMARY KEY,"
	"  handle TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  pw_hash TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('seeker', 'therapist')),"
	"  expires_at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE INDEX signup_pending_expiry ON signup_pending (expires_at);",
	/*
	 * 17: mail at rest. A message's recipient, subject and body go sealed
	 * into `sealed` (store.h), the three plain columns stay empty; mail
	 * sent or given up is erased now (what is unsent is sealed when the
	 * server next starts with its key: store_set_mail_key).
	 */
	"ALTER TABLE outbox ADD COLUMN sealed BLOB;"
	"UPDATE outbox SET to_addr = '', subject = '', body = '' "
	"  WHERE sent_at IS NOT NULL OR attempts >= 8;",
	/*
	 * 18: a change counter per appointment and per series (the feed's
	 * SEQUENCE, app/ical_out.c), raised by one in the statement of every
	 * change. It counted seconds since creation before, so two changes
	 * within a second left it where it was. Rows start from what the
	 * feed last showed for them (an appointment: its seconds; a series:
	 * the seconds to its latest row's change), so no SEQUENCE a
	 * subscriber has seen goes down.
	 */
	"ALTER TABLE appointment ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE series ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;"
	"UPDATE appointment SET seq = max(0, updated_at - created_at);"
	"UPDATE series SET seq = coalesce((SELECT max(0, max(a.updated_at) - series.created_at) "
	"  FROM appointment a WHERE a.series_id = series.id), 0);",
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
	store_error("%s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

static int
exec(struct store_sqlite *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		store_error("%s", msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/*
 * store_begin's transaction keeps the connection's lock until
 * store_commit or store_rollback: the same thread's calls inside it go
 * on (the lock is recursive), another thread's wait. A commit that
 * fails rolls back, and ends the transaction all the same.
 */
static int
sq_begin(struct store *bs)
{
	struct store_sqlite *s = S(bs);

	pthread_mutex_lock(&s->lock);
	if (exec(s, "BEGIN IMMEDIATE")) {
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	s->in_user_tx = true;
	return 0;
}

/* Ends store_begin's transaction, if one is open, releasing its hold. */
static void
end_user_tx(struct store_sqlite *s)
{
	if (s->in_user_tx) {
		s->in_user_tx = false;
		pthread_mutex_unlock(&s->lock);
	}
}

static int
sq_commit(struct store *bs)
{
	struct store_sqlite *s = S(bs);
	int rc;

	pthread_mutex_lock(&s->lock);
	rc = exec(s, "COMMIT");
	if (rc && !sqlite3_get_autocommit(s->db)) {
		char why[512];

		snprintf(why, sizeof(why), "%s", store_errmsg(bs));
		exec(s, "ROLLBACK");
		store_error("%s", why);
	}
	end_user_tx(s);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static int
sq_rollback(struct store *bs)
{
	struct store_sqlite *s = S(bs);
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	if (!sqlite3_get_autocommit(s->db))
		rc = exec(s, "ROLLBACK");
	end_user_tx(s);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* Steps st to its end and resets it; the caller holds the lock. */
static int
step_done(struct store_sqlite *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st), ok = rc == SQLITE_DONE ? 0 : fail(s, what);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ok;
}

static int
sq_put_org(struct store *bs, const struct store_org *o)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st = s->put_org;
	int rc;

	pthread_mutex_lock(&s->lock);
	sqlite3_bind_text(st, 1, o->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->kind, -1, SQLITE_STATIC);
	if (o->jurisdiction)
		sqlite3_bind_text(st, 4, o->jurisdiction, -1, SQLITE_STATIC);
	rc = step_done(s, st, "storing an organization");
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static int
sq_put_therapist(struct store *bs, const char *id, const void *p, size_t n)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st = s->put_therapist;
	int rc;

	pthread_mutex_lock(&s->lock);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, p, (int)n, SQLITE_STATIC);
	rc = step_done(s, st, "storing a therapist");
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static int
sq_remove(struct store *bs, const char *id, int *found)
{
	struct store_sqlite *s = S(bs);

	int rc = -1;

	*found = 0;
	pthread_mutex_lock(&s->lock);
	sqlite3_bind_text(s->del_org, 1, id, -1, SQLITE_STATIC);
	if (step_done(s, s->del_org, "deleting an organization"))
		goto out;
	*found += sqlite3_changes(s->db);
	sqlite3_bind_text(s->del_therapist, 1, id, -1, SQLITE_STATIC);
	if (step_done(s, s->del_therapist, "deleting a therapist"))
		goto out;
	*found += sqlite3_changes(s->db);
	*found = *found > 0;
	rc = 0;
out:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static int
sq_scan_orgs(struct store *bs, store_org_fn fn, void *arg)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st = s->scan_orgs;
	int rc, stop = 0;

	pthread_mutex_lock(&s->lock);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_org o = {
			(const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 3),
		};
		stop = fn(arg, &o);
	}
	if (!stop)
		stop = rc == SQLITE_DONE ? 0 : fail(s, "reading organizations");
	sqlite3_reset(st);
	pthread_mutex_unlock(&s->lock);
	return stop;
}

static int
sq_scan_therapists(struct store *bs, store_therapist_fn fn, void *arg)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st = s->scan_therapists;
	int rc, stop = 0;

	pthread_mutex_lock(&s->lock);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn(arg, (const char *)sqlite3_column_text(st, 0),
		          sqlite3_column_blob(st, 1),
		          (size_t)sqlite3_column_bytes(st, 1));
	if (!stop)
		stop = rc == SQLITE_DONE ? 0 : fail(s, "reading therapists");
	sqlite3_reset(st);
	pthread_mutex_unlock(&s->lock);
	return stop;
}

static int
sq_get_therapist(struct store *bs, const char *id, store_therapist_fn fn,
                 void *arg, int *found)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st = s->get_therapist;
	int rc;

	*found = 0;
	pthread_mutex_lock(&s->lock);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		fn(arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_blob(st, 1),
		   (size_t)sqlite3_column_bytes(st, 1));
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, "reading a therapist");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
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
	while (s->n_stmts > 0)
		sqlite3_finalize(s->stmts[--s->n_stmts].st);
	pthread_mutex_destroy(&s->lock);
	sqlite3_close(s->db);
	sodium_memzero(s->mail_key, sizeof(s->mail_key));
	free(s);
}

/* ----------------------------------------------------------------------
 * Accounts, requests, listings, profiles
 *
 * This traffic is light next to matching (which reads the index, not the
 * store). Every statement goes through run(): prepared once per
 * connection (then reset and reused), bound from a format and stepped
 * under lock, each result row handed to a row function.
 * ---------------------------------------------------------------------- */

/*
 * The statement of sql, prepared the first time and kept (*kept): reset
 * it after use rather than finalize it. One already running (a row
 * function that runs the same SQL) gets a fresh one for this call only.
 * On failure records why and returns NULL.
 */
static sqlite3_stmt *
prep(struct store_sqlite *s, const char *sql, bool *kept)
{
	sqlite3_stmt *st = NULL;
	int i;

	*kept = false;
	for (i = 0; i < s->n_stmts; i++)
		if (s->stmts[i].sql == sql) {
			if (sqlite3_stmt_busy(s->stmts[i].st))
				break;
			*kept = true;
			return s->stmts[i].st;
		}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fail(s, "preparing a statement");
		sqlite3_finalize(st);
		return NULL;
	}
	if (i == s->n_stmts && s->n_stmts < (int)(sizeof(s->stmts) / sizeof(s->stmts[0]))) {
		s->stmts[s->n_stmts].sql = sql;
		s->stmts[s->n_stmts++].st = st;
		*kept = true;
	}
	return st;
}

/* Called for each result row; a non-zero return stops the statement. */
typedef int (*row_fn)(sqlite3_stmt *st, void *arg);

/*
 * Runs sql with its parameters bound from fmt ('t' text, 'i' int64, 'b'
 * a 32-byte blob, 'B' a blob and its size_t length), handing each result row to row (may be NULL). Returns
 * 0, STORE_EXISTS when a unique value is taken, or -1 with the reason
 * (`what` failed).
 */
static int
run(struct store_sqlite *s, const char *what, row_fn row, void *arg,
    const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc = -1, step = SQLITE_DONE, i;
	bool kept;

	pthread_mutex_lock(&s->lock);
	st = prep(s, sql, &kept);
	if (st) {
		va_start(ap, fmt);
		for (i = 0; fmt[i]; i++) {
			if (fmt[i] == 't')
				sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
			else if (fmt[i] == 'i')
				sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			else if (fmt[i] == 'B') {
				const void *blob = va_arg(ap, const void *);

				sqlite3_bind_blob64(st, i + 1, blob, (sqlite3_uint64)va_arg(ap, size_t),
				                    SQLITE_TRANSIENT);
			} else
				sqlite3_bind_blob(st, i + 1, va_arg(ap, const unsigned char *), 32,
				                  SQLITE_TRANSIENT);
		}
		va_end(ap);
		while ((step = sqlite3_step(st)) == SQLITE_ROW)
			if (row && row(st, arg))
				break;
		if (step == SQLITE_DONE || step == SQLITE_ROW)
			rc = 0;
		else if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE ||
		         sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_PRIMARYKEY)
			rc = STORE_EXISTS;
		else
			fail(s, what);
	}
	if (kept) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else
		sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/*
 * Counts the rows of a statement into *(int *)arg: with "RETURNING 1", the
 * rows an UPDATE or DELETE changed, read inside run()'s lock. (Asking
 * sqlite3_changes() after run() returned read whatever another thread's
 * statement had changed meanwhile.)
 */
static int
row_count(sqlite3_stmt *st, void *arg)
{
	(void)st;
	(*(int *)arg)++;
	return 0;
}

/*
 * A transaction on the shared connection: lock is held from
 * tx_begin to tx_end, so no other thread's statement lands inside it.
 * tx_end commits when ok is 0 and rolls back otherwise; returns ok, or
 * -1 when the commit fails.
 */
static int
tx_begin(struct store_sqlite *s)
{
	pthread_mutex_lock(&s->lock);
	if (exec(s, "BEGIN IMMEDIATE")) {
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	return 0;
}

static int
tx_end(struct store_sqlite *s, int ok)
{
	if (ok == 0 && exec(s, "COMMIT"))
		ok = -1;
	if (ok != 0) {
		char why[512];

		snprintf(why, sizeof(why), "%s", store_errmsg(&s->base));
		exec(s, "ROLLBACK");
		store_error("%s", why);
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

static void
copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	snprintf(dst, n, "%s", v ? (const char *)v : "");
}

struct text_out {
	char *out;
	size_t n;
};

static int
row_text(sqlite3_stmt *st, void *arg)
{
	struct text_out *t = arg;

	copy_col(t->out, t->n, st, 0);
	return 1;
}

/* Row functions that keep one value and stop. */
static int
row_int64(sqlite3_stmt *st, void *arg)
{
	*(int64_t *)arg = sqlite3_column_int64(st, 0);
	return 1;
}

static int
row_one(sqlite3_stmt *st, void *arg)
{
	(void)st;
	*(int *)arg += 1;
	return 0;
}

struct found { void *out; int *found; };

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
	copy_col(u->handle, sizeof(u->handle), st, 1);
	copy_col(u->email, sizeof(u->email), st, 2);
	copy_col(u->pw_hash, sizeof(u->pw_hash), st, 3);
	copy_col(u->role, sizeof(u->role), st, 4);
	copy_col(u->therapist_id, sizeof(u->therapist_id), st, 5);
	copy_col(u->claim_id, sizeof(u->claim_id), st, 6);
	*f->found = 1;
	return 1;
}

static int
sq_user_create(struct store *bs, struct store_user *u)
{
	return run(S(bs), "creating an account", row_int64, &u->id,
	           "INSERT INTO user (handle, email, pw_hash, role, therapist_id) "
	           "VALUES (?1, ?2, ?3, ?4, nullif(?5, '')) RETURNING id", "ttttt",
	           u->handle, u->email, u->pw_hash, u->role, u->therapist_id);
}

static int
sq_user_find(struct store *bs, const char *key, struct store_user *u, int *found)
{
	struct found f = {u, found};

	*found = 0;
	return run(S(bs), "reading an account", row_user, &f,
	           "SELECT " USER_COLS " FROM user WHERE handle = ?1 OR email = ?1", "t", key);
}

static int
sq_user_get(struct store *bs, int64_t id, struct store_user *u, int *found)
{
	struct found f = {u, found};

	*found = 0;
	return run(S(bs), "reading an account", row_user, &f,
	           "SELECT " USER_COLS " FROM user WHERE id = ?1", "i", id);
}

static int
sq_user_set_password(struct store *bs, int64_t id, const char *pw_hash)
{
	return run(S(bs), "setting a password", NULL, NULL,
	           "UPDATE user SET pw_hash = ?1 WHERE id = ?2", "ti", pw_hash, id);
}

/* ---- sessions, throttling, the outbox, resets ---- */

static int
sq_session_put(struct store *bs, const unsigned char hash[32], int64_t user,
               const char *csrf, int64_t expires)
{
	return run(S(bs), "starting a session", NULL, NULL,
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
	copy_col(r->csrf, 64, st, 1);
	*r->found = 1;
	return 1;
}

static int
sq_session_get(struct store *bs, const unsigned char hash[32], int64_t now,
               int64_t *user, char csrf[64], int *found)
{
	struct session_row r = {user, csrf, found};

	*found = 0;
	return run(S(bs), "reading a session", row_session, &r,
	           "SELECT user_id, csrf FROM session WHERE token_hash = ?1 AND expires_at > ?2",
	           "bi", hash, now);
}

static int
sq_session_delete(struct store *bs, const unsigned char hash[32])
{
	return run(S(bs), "ending a session", NULL, NULL,
	           "DELETE FROM session WHERE token_hash = ?1", "b", hash);
}

static int
sq_sessions_delete_user(struct store *bs, int64_t user)
{
	return run(S(bs), "ending sessions", NULL, NULL,
	           "DELETE FROM session WHERE user_id = ?1", "i", user);
}

static int
sq_throttle_hit(struct store *bs, const char *key, int64_t now, int64_t since, long *count)
{
	struct store_sqlite *s = S(bs);
	int64_t n = 0;
	int rc;

	*count = 0;
	rc = run(s, "counting attempts", NULL, NULL,
	         "INSERT INTO throttle (key, at) VALUES (?1, ?2)", "ti", key, now);
	if (rc == 0)
		rc = run(s, "counting attempts", row_int64, &n,
		         "SELECT count(*) FROM throttle WHERE key = ?1 AND at >= ?2", "ti", key, since);
	*count = (long)n;
	return rc;
}

/*
 * A message goes in sealed (store.h): the row is inserted empty for its
 * id (the seal's associated data), then given its blob, in one
 * transaction (or inside the caller's), so no reader sees it half made.
 */
static int
sq_outbox_put(struct store *bs, const char *to, const char *subject, const char *body,
              int64_t now, int64_t *id)
{
	struct store_sqlite *s = S(bs);
	unsigned char *blob = NULL;
	size_t n = 0;
	bool own_tx;
	int rc;

	*id = 0;
	if (!s->has_mail_key) {
		store_error("writing to the outbox: no mail key (the store was opened without one)");
		return -1;
	}
	pthread_mutex_lock(&s->lock);
	own_tx = sqlite3_get_autocommit(s->db);
	if (own_tx && tx_begin(s)) {
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	rc = run(s, "writing to the outbox", row_int64, id,
	         "INSERT INTO outbox (to_addr, subject, body, created_at) VALUES ('', '', '', ?1) "
	         "RETURNING id", "i", now);
	if (rc == 0 && store_mail_seal(s->mail_key, *id, to, subject, body, &blob, &n))
		rc = fail(s, "out of memory sealing a message");
	if (rc == 0)
		rc = run(s, "writing to the outbox", NULL, NULL,
		         "UPDATE outbox SET sealed = ?1 WHERE id = ?2", "Bi", blob, n, *id);
	free(blob);
	if (own_tx)
		rc = tx_end(s, rc);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static int
sq_throttle_expire(struct store *bs, int64_t before)
{
	return run(S(bs), "forgetting old attempts", NULL, NULL,
	           "DELETE FROM throttle WHERE at < ?1", "i", before);
}

static int
sq_signup_put(struct store *bs, const unsigned char hash[32], const struct store_user *u,
              int64_t expires)
{
	return run(S(bs), "keeping a sign-up", NULL, NULL,
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
	copy_col(x->u->handle, sizeof(x->u->handle), st, 0);
	copy_col(x->u->email, sizeof(x->u->email), st, 1);
	copy_col(x->u->pw_hash, sizeof(x->u->pw_hash), st, 2);
	copy_col(x->u->role, sizeof(x->u->role), st, 3);
	*x->found = sqlite3_column_int64(st, 4) > x->now;
	return 0;
}

static int
sq_signup_get(struct store *bs, const unsigned char hash[32], int64_t now, struct store_user *u,
              int *found)
{
	struct signup_row x = {u, now, found};

	*found = 0;
	return run(S(bs), "reading a sign-up", row_signup, &x,
	           "SELECT handle, email, pw_hash, role, expires_at FROM signup_pending "
	           "WHERE token_hash = ?1", "b", hash);
}

static int
sq_signup_rename(struct store *bs, const unsigned char hash[32], const char *handle)
{
	return run(S(bs), "renaming a sign-up", NULL, NULL,
	           "UPDATE signup_pending SET handle = ?2 WHERE token_hash = ?1", "bt", hash, handle);
}

static int
sq_signup_delete(struct store *bs, const unsigned char hash[32])
{
	return run(S(bs), "forgetting a sign-up", NULL, NULL,
	           "DELETE FROM signup_pending WHERE token_hash = ?1", "b", hash);
}

static int
sq_signup_expire(struct store *bs, int64_t now)
{
	return run(S(bs), "forgetting old sign-ups", NULL, NULL,
	           "DELETE FROM signup_pending WHERE expires_at <= ?1", "i", now);
}

static int
sq_outbox_add(struct store *bs, const char *to, const char *subject, const char *body,
              int64_t now)
{
	int64_t id;

	return sq_outbox_put(bs, to, subject, body, now, &id);
}

static int
sq_reset_put(struct store *bs, const unsigned char hash[32], int64_t user, int64_t expires)
{
	return run(S(bs), "storing a reset token", NULL, NULL,
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

static int
sq_reset_take(struct store *bs, const unsigned char hash[32], int64_t now, int64_t *user,
              int *found)
{
	struct reset_row r = {now, user, found};

	*found = 0;
	/* One statement: the token is gone whether or not it was still valid. */
	return run(S(bs), "taking a reset token", row_reset, &r,
	           "DELETE FROM reset_token WHERE token_hash = ?1 RETURNING user_id, expires_at",
	           "b", hash);
}

/*
 * The outbox's delivery: messages gathered under the lock, handed to the
 * sender after it (the sender calls the store back for each).
 */
struct mail_row {
	struct store_mail m;
	unsigned char *blob;            /* as stored, sealed */
	size_t n;
	char *mem;                      /* what m's strings point into, once opened */
};

struct mails {
	struct mail_row *v;
	size_t n, cap;
	int oom;
	bool legacy;                    /* reading plain rows to seal them */
};

static char *
dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	return strdup(v ? (const char *)v : "");
}

static int
row_mail_gather(sqlite3_stmt *st, void *arg)
{
	struct mails *x = arg;
	struct mail_row *m;

	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		struct mail_row *v = realloc(x->v, cap * sizeof(*v));

		if (!v)
			return x->oom = 1;
		x->v = v;
		x->cap = cap;
	}
	m = &x->v[x->n];
	memset(m, 0, sizeof(*m));
	m->m.id = sqlite3_column_int64(st, 0);
	m->m.created_at = sqlite3_column_int64(st, 1);
	m->m.attempts = sqlite3_column_int(st, 2);
	x->n++;
	if (sqlite3_column_type(st, 3) == SQLITE_BLOB) {
		m->n = (size_t)sqlite3_column_bytes(st, 3);
		if (!(m->blob = malloc(m->n ? m->n : 1)))
			return x->oom = 1;
		memcpy(m->blob, sqlite3_column_blob(st, 3), m->n);
	} else if (x->legacy) {
		/* A message of an older chiron, in the clear: to be sealed. */
		m->m.to = m->mem = dup_col(st, 4);
		m->m.subject = dup_col(st, 5);
		m->m.body = dup_col(st, 6);
		if (!m->mem || !m->m.subject || !m->m.body)
			return x->oom = 1;
	}
	return 0;
}

static void
mails_free(struct mails *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		struct store_mail *m = &x->v[i].m;

		free(x->v[i].blob);
		if (x->v[i].mem && !x->legacy)   /* to, subject and body, one after the other */
			sodium_memzero(x->v[i].mem, (size_t)(m->body + strlen(m->body) - m->to));
		free(x->v[i].mem);
		if (x->legacy) {
			free((char *)x->v[i].m.subject);
			free((char *)x->v[i].m.body);
		}
	}
	free(x->v);
}

static int sq_outbox_failed(struct store *bs, int64_t id, const char *err, int64_t now);

static int
sq_outbox_pending(struct store *bs, int64_t now, int64_t retry_base, int max,
                  store_mail_fn fn, void *arg)
{
	struct store_sqlite *s = S(bs);
	struct mails x = {NULL, 0, 0, 0, false};
	size_t i;
	int rc;

	if (!s->has_mail_key) {
		store_error("reading the outbox: no mail key (the store was opened without one)");
		return -1;
	}
	/* Try k (k = attempts so far, 1 or more) is due retry_base * 2^(k-1) after the last. */
	rc = run(s, "reading the outbox", row_mail_gather, &x,
	         "SELECT id, created_at, attempts, sealed FROM outbox "
	         "WHERE sent_at IS NULL AND attempts < ?1 "
	         "AND (attempts = 0 OR tried_at + (?2 << (attempts - 1)) <= ?3) "
	         "ORDER BY id LIMIT ?4", "iiii", (int64_t)STORE_OUTBOX_MAX_ATTEMPTS,
	         retry_base, now, (int64_t)max);
	if (rc == 0 && x.oom)
		rc = fail(s, "out of memory reading the outbox");
	for (i = 0; rc == 0 && i < x.n; i++) {
		struct mail_row *m = &x.v[i];

		if (store_mail_open(s->mail_key, m->m.id, m->blob, m->n, &m->mem, &m->m.to,
		                    &m->m.subject, &m->m.body)) {
			/*
			 * Not this key's, not this row's, or changed. Counted as a
			 * failed try, not given up at once: a server started with
			 * the wrong --mail-key, restarted with the right one, still
			 * sends it. After the last try it is erased like any other.
			 */
			rc = sq_outbox_failed(bs, m->m.id, "not sent: the sealed message does not open "
			                      "with this server's mail key", now);
			continue;
		}
		if (fn(arg, &m->m))
			break;
	}
	mails_free(&x);
	return rc;
}

/*
 * Sent or given up: the sealed message is erased, and with secure_delete
 * (set at open) its bytes are overwritten in the page, not only unlinked.
 */
static int
sq_outbox_sent(struct store *bs, int64_t id, int64_t now)
{
	return run(S(bs), "marking a message sent", NULL, NULL,
	           "UPDATE outbox SET sent_at = ?1, tried_at = ?1, attempts = attempts + 1, "
	           "last_error = NULL, sealed = NULL, to_addr = '', subject = '', body = '' "
	           "WHERE id = ?2", "ii", now, id);
}

/* A failed try; the last one gives the message up, and erases it. */
static int
sq_outbox_failed(struct store *bs, int64_t id, const char *err, int64_t now)
{
	return run(S(bs), "recording a failed delivery", NULL, NULL,
	           "UPDATE outbox SET tried_at = ?1, attempts = attempts + 1, last_error = ?2, "
	           "sealed = iif(attempts + 1 >= ?4, NULL, sealed), "
	           "to_addr = '', subject = '', body = '' "
	           "WHERE id = ?3 AND sent_at IS NULL", "itii", now, err, id,
	           (int64_t)STORE_OUTBOX_MAX_ATTEMPTS);
}

static int
sq_outbox_give_up(struct store *bs, int64_t id, const char *err, int64_t now)
{
	return run(S(bs), "giving up a delivery", NULL, NULL,
	           "UPDATE outbox SET tried_at = ?1, attempts = ?2, last_error = ?3, "
	           "sealed = NULL, to_addr = '', subject = '', body = '' "
	           "WHERE id = ?4 AND sent_at IS NULL", "iiti", now,
	           (int64_t)STORE_OUTBOX_MAX_ATTEMPTS, err, id);
}

/*
 * The key, and the unsent messages an older chiron left in the clear
 * sealed with it, in one transaction.
 */
static int
sq_set_mail_key(struct store *bs, const unsigned char *key)
{
	struct store_sqlite *s = S(bs);
	struct mails x = {NULL, 0, 0, 0, true};
	size_t i;
	int rc;

	memcpy(s->mail_key, key, sizeof(s->mail_key));
	s->has_mail_key = true;
	if (tx_begin(s))
		return -1;
	rc = run(s, "sealing the outbox", row_mail_gather, &x,
	         "SELECT id, created_at, attempts, sealed, to_addr, subject, body FROM outbox "
	         "WHERE sealed IS NULL AND sent_at IS NULL AND attempts < ?1 AND to_addr <> ''",
	         "i", (int64_t)STORE_OUTBOX_MAX_ATTEMPTS);
	if (rc == 0 && x.oom)
		rc = fail(s, "out of memory sealing the outbox");
	for (i = 0; rc == 0 && i < x.n; i++) {
		unsigned char *blob;
		size_t n;

		if (store_mail_seal(key, x.v[i].m.id, x.v[i].m.to, x.v[i].m.subject, x.v[i].m.body,
		                    &blob, &n)) {
			rc = fail(s, "out of memory sealing the outbox");
			break;
		}
		rc = run(s, "sealing the outbox", NULL, NULL,
		         "UPDATE outbox SET sealed = ?1, to_addr = '', subject = '', body = '' "
		         "WHERE id = ?2", "Bi", blob, n, x.v[i].m.id);
		free(blob);
	}
	mails_free(&x);
	return tx_end(s, rc);
}

/* ---- consultation requests ---- */

static int
sq_request_add(struct store *bs, struct store_request *rq)
{
	return run(S(bs), "storing a request", row_int64, &rq->id,
	           "INSERT INTO request (seeker_id, seeker_name, therapist_id, message, created_at) "
	           "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id", "ittti",
	           rq->seeker, rq->seeker_name, rq->therapist_id, rq->message, rq->created_at);
}

struct request_rows {
	store_request_fn fn;
	void *arg;
};

static int
row_request(sqlite3_stmt *st, void *arg)
{
	struct request_rows *x = arg;
	struct store_request rq;

	rq.id = sqlite3_column_int64(st, 0);
	rq.seeker = sqlite3_column_int64(st, 1);
	copy_col(rq.seeker_name, sizeof(rq.seeker_name), st, 2);
	copy_col(rq.therapist_id, sizeof(rq.therapist_id), st, 3);
	copy_col(rq.message, sizeof(rq.message), st, 4);
	copy_col(rq.answer, sizeof(rq.answer), st, 5);
	rq.created_at = sqlite3_column_int64(st, 6);
	rq.answered_at = sqlite3_column_int64(st, 7);
	return x->fn(x->arg, &rq);
}

#define REQUEST_COLS "id, seeker_id, seeker_name, therapist_id, message, answer, created_at, answered_at"

static int
sq_requests_of_seeker(struct store *bs, int64_t seeker, int max, store_request_fn fn, void *arg)
{
	struct request_rows x = {fn, arg};

	return run(S(bs), "reading requests", row_request, &x,
	           "SELECT " REQUEST_COLS " FROM request WHERE seeker_id = ?1 "
	           "ORDER BY created_at DESC, id DESC LIMIT ?2", "ii", seeker, (int64_t)max);
}

static int
sq_requests_to_therapist(struct store *bs, const char *tid, int64_t before_id, int max,
                         store_request_fn fn, void *arg)
{
	struct request_rows x = {fn, arg};

	/* Ids grow with time: id order is the order they were sent in, and a
	 * page ends at an id, so a request arriving meanwhile moves nothing. */
	return run(S(bs), "reading requests", row_request, &x,
	           "SELECT " REQUEST_COLS " FROM request WHERE therapist_id = ?1 AND id < ?2 "
	           "ORDER BY id DESC LIMIT ?3", "tii", tid,
	           before_id > 0 ? before_id : INT64_MAX, (int64_t)max);
}

static int
sq_request_answer(struct store *bs, int64_t id, const char *tid, const char *answer,
                  int64_t now, int *found)
{
	int n = 0, rc = run(S(bs), "answering a request", row_count, &n,
	                    "UPDATE request SET answer = ?1, answered_at = ?2 "
	                    "WHERE id = ?3 AND therapist_id = ?4 RETURNING 1", "tiit",
	                    answer, now, id, tid);

	*found = rc == 0 && n > 0;
	return rc;
}

struct times {
	int64_t *at;
	int max, *n;
};

static int
row_time(sqlite3_stmt *st, void *arg)
{
	struct times *t = arg;

	t->at[(*t->n)++] = sqlite3_column_int64(st, 0);
	return *t->n == t->max;
}

static int
sq_requests_unanswered(struct store *bs, const char *tid, int64_t *at, int max, int *n)
{
	struct times t = {at, max, n};

	*n = 0;
	return run(S(bs), "counting unanswered requests", row_time, &t,
	           "SELECT created_at FROM request WHERE therapist_id = ?1 AND answered_at = 0 "
	           "ORDER BY created_at LIMIT ?2", "ti", tid, (int64_t)max);
}

/* ---- listings ---- */

static int
sq_listing_claim(struct store *bs, int64_t user, const char *tid, const char *npi, int64_t now)
{
	struct store_sqlite *s = S(bs);
	int rc;

	if (tx_begin(s))
		return -1;
	rc = run(s, "claiming a listing", NULL, NULL,
	         "INSERT INTO listing (therapist_id, user_id, npi_given, claimed_at) "
	         "VALUES (?1, ?2, ?3, ?4)", "titi", tid, user, npi, now);
	if (rc == 0)
		rc = run(s, "claiming a listing", NULL, NULL,
		         "UPDATE user SET therapist_id = ?1 WHERE id = ?2", "ti", tid, user);
	return tx_end(s, rc);
}

#define LISTING_COLS "therapist_id, user_id, npi_given, claimed_at, verified_at, confirmed_at, " \
	"created, contact, contact_source, code_hash IS NOT NULL, code_sent_at, code_sent_by, " \
	"code_expires, code_tries, code_ok_at, verified_by, verified_how"

static void
read_listing(sqlite3_stmt *st, struct store_listing *l)
{
	copy_col(l->therapist_id, sizeof(l->therapist_id), st, 0);
	l->user = sqlite3_column_int64(st, 1);
	copy_col(l->npi_given, sizeof(l->npi_given), st, 2);
	l->claimed_at = sqlite3_column_int64(st, 3);
	l->verified_at = sqlite3_column_int64(st, 4);
	l->confirmed_at = sqlite3_column_int64(st, 5);
	l->created = sqlite3_column_int(st, 6);
	copy_col(l->contact, sizeof(l->contact), st, 7);
	copy_col(l->contact_source, sizeof(l->contact_source), st, 8);
	l->code_live = sqlite3_column_int(st, 9);
	l->code_sent_at = sqlite3_column_int64(st, 10);
	l->code_sent_by = sqlite3_column_int64(st, 11);
	l->code_expires = sqlite3_column_int64(st, 12);
	l->code_tries = sqlite3_column_int(st, 13);
	l->code_ok_at = sqlite3_column_int64(st, 14);
	l->verified_by = sqlite3_column_int64(st, 15);
	copy_col(l->verified_how, sizeof(l->verified_how), st, 16);
}

static int
row_listing(sqlite3_stmt *st, void *arg)
{
	struct found *f = arg;

	read_listing(st, f->out);
	*f->found = 1;
	return 1;
}

static int
sq_listing_get(struct store *bs, const char *tid, struct store_listing *l, int *found)
{
	struct found f = {l, found};

	*found = 0;
	return run(S(bs), "reading a listing", row_listing, &f,
	           "SELECT " LISTING_COLS " FROM listing WHERE therapist_id = ?1", "t", tid);
}

static int
sq_listing_verify(struct store *bs, const char *tid, int64_t by, const char *how, int64_t now,
                  int *found)
{
	int n = 0, rc = run(S(bs), "verifying a listing", row_count, &n,
	                    "UPDATE listing SET verified_at = ?1, verified_by = ?3, verified_how = ?4, "
	                    "code_hash = NULL WHERE therapist_id = ?2 AND verified_at = 0 RETURNING 1",
	                    "itit", now, tid, by, how);

	*found = rc == 0 && n > 0;
	return rc;
}

static int
sq_listing_code_put(struct store *bs, const char *tid, const unsigned char hash[32],
                    const char *contact, const char *source, int64_t by, int64_t expires,
                    int64_t now, int *found)
{
	int n = 0, rc = run(S(bs), "storing a claim's code", row_count, &n,
	                    "UPDATE listing SET code_hash = ?2, contact = ?3, contact_source = ?4, "
	                    "code_sent_by = ?5, code_sent_at = ?6, code_expires = ?7, code_tries = 0, "
	                    "code_ok_at = 0 WHERE therapist_id = ?1 AND verified_at = 0 RETURNING 1",
	                    "tbttiii", tid, hash, contact, source, by, now, expires);

	*found = rc == 0 && n > 0;
	return rc;
}

struct code_row {
	char tid[72];
	int live, same, tries;
	int64_t expires;
};

static int
row_code(sqlite3_stmt *st, void *arg)
{
	struct code_row *c = arg;

	copy_col(c->tid, sizeof(c->tid), st, 0);
	c->live = sqlite3_column_int(st, 1);
	c->expires = sqlite3_column_int64(st, 2);
	c->tries = sqlite3_column_int(st, 3);
	c->same = sqlite3_column_int(st, 4);
	return 1;
}

static int
sq_listing_code_take(struct store *bs, int64_t user, const unsigned char hash[32], int64_t now,
                     int max_tries, int *result, int *left)
{
	struct store_sqlite *s = S(bs);
	struct code_row c;
	int rc;

	memset(&c, 0, sizeof(c));
	*result = STORE_CODE_NONE;
	*left = 0;
	if (tx_begin(s))
		return -1;
	rc = run(s, "checking a claim's code", row_code, &c,
	         "SELECT therapist_id, code_hash IS NOT NULL, code_expires, code_tries, "
	         "coalesce(code_hash = ?2, 0) FROM listing WHERE user_id = ?1 AND verified_at = 0",
	         "ib", user, hash);
	if (rc == 0 && c.tid[0] && c.live) {
		if (c.expires <= now) {
			*result = STORE_CODE_EXPIRED;
			rc = run(s, "checking a claim's code", NULL, NULL,
			         "UPDATE listing SET code_hash = NULL WHERE therapist_id = ?1", "t", c.tid);
		} else if (c.same) {
			*result = STORE_CODE_OK;
			rc = run(s, "checking a claim's code", NULL, NULL,
			         "UPDATE listing SET code_hash = NULL, code_ok_at = ?2 "
			         "WHERE therapist_id = ?1", "ti", c.tid, now);
		} else {
			c.tries++;
			*left = max_tries - c.tries > 0 ? max_tries - c.tries : 0;
			*result = *left ? STORE_CODE_WRONG : STORE_CODE_VOIDED;
			rc = run(s, "checking a claim's code", NULL, NULL,
			         "UPDATE listing SET code_tries = ?2, "
			         "code_hash = CASE WHEN ?3 THEN code_hash END WHERE therapist_id = ?1",
			         "tii", c.tid, (int64_t)c.tries, (int64_t)(*left > 0));
		}
	}
	return tx_end(s, rc);
}

static int
sq_listing_unclaim(struct store *bs, const char *tid, int *found)
{
	struct store_sqlite *s = S(bs);
	int rc;

	*found = 0;
	if (tx_begin(s))
		return -1;
	rc = run(s, "dropping a claim", NULL, NULL,
	         "DELETE FROM listing WHERE therapist_id = ?1 AND verified_at = 0 AND created = 0",
	         "t", tid);
	if (rc == 0)
		*found = sqlite3_changes(s->db) > 0;
	if (rc == 0 && *found)
		rc = run(s, "dropping a claim", NULL, NULL,
		         "UPDATE user SET therapist_id = NULL WHERE therapist_id = ?1", "t", tid);
	return tx_end(s, rc);
}

static int
sq_listing_confirm(struct store *bs, const char *tid, int64_t now)
{
	return run(S(bs), "confirming a listing", NULL, NULL,
	           "UPDATE listing SET confirmed_at = ?1 WHERE therapist_id = ?2", "it", now, tid);
}

/* Listings gathered under the lock, handed to a callback after it. */
struct listings {
	struct store_listing *v;
	size_t n, cap;
	int max, oom;
};

static int
row_listing_gather(sqlite3_stmt *st, void *arg)
{
	struct listings *x = arg;

	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		struct store_listing *v = realloc(x->v, cap * sizeof(*v));

		if (!v)
			return x->oom = 1;
		x->v = v;
		x->cap = cap;
	}
	memset(&x->v[x->n], 0, sizeof(x->v[x->n]));
	if (sqlite3_column_count(st) == 3) {     /* hidden: id, when, created */
		copy_col(x->v[x->n].therapist_id, sizeof(x->v[x->n].therapist_id), st, 0);
		x->v[x->n].claimed_at = sqlite3_column_int64(st, 1);
		x->v[x->n].created = sqlite3_column_int(st, 2);
	} else {
		read_listing(st, &x->v[x->n]);
	}
	return ++x->n == (size_t)x->max;
}

static int
hand_over(struct store_sqlite *s, struct listings *x, int rc, store_listing_fn fn, void *arg)
{
	size_t i;

	if (rc == 0 && x->oom)
		rc = fail(s, "out of memory reading listings");
	for (i = 0; rc == 0 && i < x->n; i++)
		if (fn(arg, &x->v[i]))
			break;
	free(x->v);
	return rc;
}

static int
sq_listings_unverified(struct store *bs, int max, store_listing_fn fn, void *arg)
{
	struct listings x = {NULL, 0, 0, max, 0};
	int rc = run(S(bs), "reading listings", row_listing_gather, &x,
	             "SELECT " LISTING_COLS " FROM listing WHERE verified_at = 0 "
	             "ORDER BY claimed_at LIMIT ?1", "i", (int64_t)max);

	return hand_over(S(bs), &x, rc, fn, arg);
}

static int
sq_listings_verified(struct store *bs, int max, store_listing_fn fn, void *arg)
{
	struct listings x = {NULL, 0, 0, max, 0};
	int rc = run(S(bs), "reading listings", row_listing_gather, &x,
	             "SELECT " LISTING_COLS " FROM listing WHERE verified_at != 0 "
	             "ORDER BY verified_at DESC, therapist_id LIMIT ?1", "i", (int64_t)max);

	return hand_over(S(bs), &x, rc, fn, arg);
}

static int
sq_listings_stale(struct store *bs, int64_t before, store_listing_fn fn, void *arg)
{
	struct listings x = {NULL, 0, 0, -1, 0};
	int rc = run(S(bs), "reading stale listings", row_listing_gather, &x,
	             "SELECT " LISTING_COLS " FROM listing "
	             "WHERE verified_at != 0 AND max(confirmed_at, claimed_at) < ?1 "
	             "ORDER BY therapist_id", "i", before);

	return hand_over(S(bs), &x, rc, fn, arg);
}

static int
sq_listings_to_remind(struct store *bs, int64_t before, store_listing_fn fn, void *arg)
{
	struct listings x = {NULL, 0, 0, -1, 0};
	int rc = run(S(bs), "reading listings to remind", row_listing_gather, &x,
	             "SELECT " LISTING_COLS " FROM listing "
	             "WHERE verified_at != 0 AND max(confirmed_at, claimed_at) < ?1 "
	             "AND reminded_at <= max(confirmed_at, claimed_at) ORDER BY therapist_id",
	             "i", before);

	return hand_over(S(bs), &x, rc, fn, arg);
}

static int
sq_listing_remind(struct store *bs, const char *tid, const unsigned char hash[32],
                  int64_t expires, int64_t now)
{
	struct store_sqlite *s = S(bs);
	int rc;

	if (tx_begin(s))
		return -1;
	rc = run(s, "recording a reminder", NULL, NULL,
	         "UPDATE listing SET reminded_at = ?2 WHERE therapist_id = ?1", "ti", tid, now);
	if (rc == 0)
		rc = run(s, "recording a reminder", NULL, NULL,
		         "DELETE FROM confirm_token WHERE expires_at < ?1", "i", now);
	if (rc == 0)
		rc = run(s, "recording a reminder", NULL, NULL,
		         "INSERT INTO confirm_token (token_hash, therapist_id, expires_at) "
		         "VALUES (?1, ?2, ?3)", "bti", hash, tid, expires);
	return tx_end(s, rc);
}

static int
sq_confirm_take(struct store *bs, const unsigned char hash[32], int64_t now,
                char tid[72], int *found)
{
	struct store_sqlite *s = S(bs);
	struct text_out t = {tid, 72};
	int rc;

	*found = 0;
	tid[0] = '\0';
	if (tx_begin(s))
		return -1;
	rc = run(s, "using a confirmation link", row_text, &t,
	         "DELETE FROM confirm_token WHERE token_hash = ?1 AND expires_at > ?2 "
	         "RETURNING therapist_id", "bi", hash, now);
	if (rc == 0 && tid[0]) {
		*found = 1;
		rc = run(s, "confirming a listing", NULL, NULL,
		         "UPDATE listing SET confirmed_at = ?2 WHERE therapist_id = ?1", "ti", tid, now);
	}
	return tx_end(s, rc);
}

static int
sq_listing_hide(struct store *bs, const char *tid, int hidden, int64_t now)
{
	if (hidden)
		return run(S(bs), "hiding a listing", NULL, NULL,
		           "INSERT INTO hidden_listing (therapist_id, hidden_at) VALUES (?1, ?2) "
		           "ON CONFLICT DO NOTHING", "ti", tid, now);
	return run(S(bs), "showing a listing", NULL, NULL,
	           "DELETE FROM hidden_listing WHERE therapist_id = ?1", "t", tid);
}

static int
row_flag(sqlite3_stmt *st, void *arg)
{
	(void)st;
	*(int *)arg = 1;
	return 1;
}

static int
sq_listing_hidden(struct store *bs, const char *tid, int *hidden)
{
	*hidden = 0;
	return run(S(bs), "reading hidden listings", row_flag, hidden,
	           "SELECT 1 FROM hidden_listing WHERE therapist_id = ?1 UNION ALL "
	           "SELECT 1 FROM listing WHERE therapist_id = ?1 AND created = 1 AND verified_at = 0",
	           "t", tid);
}

static int
sq_listings_hidden(struct store *bs, store_listing_fn fn, void *arg)
{
	struct listings x = {NULL, 0, 0, -1, 0};
	int rc = run(S(bs), "reading hidden listings", row_listing_gather, &x,
	             "SELECT therapist_id, hidden_at, 0 FROM hidden_listing UNION ALL "
	             "SELECT therapist_id, claimed_at, 1 FROM listing WHERE created = 1 "
	             "AND verified_at = 0 ORDER BY 1, 3", "");

	return hand_over(S(bs), &x, rc, fn, arg);
}

/* ---- saved profiles ---- */

static int
sq_profile_get(struct store *bs, int64_t user, char *out, size_t n)
{
	struct text_out t = {out, n};

	out[0] = '\0';
	return run(S(bs), "reading a saved profile", row_text, &t,
	           "SELECT fields FROM seeker_profile WHERE user_id = ?1", "i", user);
}

static int
sq_profile_put(struct store *bs, int64_t user, const char *fields, int64_t now)
{
	return run(S(bs), "saving a profile", NULL, NULL,
	           "INSERT INTO seeker_profile (user_id, fields, updated_at) VALUES (?1, ?2, ?3) "
	           "ON CONFLICT (user_id) DO UPDATE SET fields = excluded.fields, "
	           "updated_at = excluded.updated_at", "iti", user, fields, now);
}

/* ---- the organization registry (from the web) ---- */

static int
sq_org_add(struct store *bs, const struct store_org *o)
{
	return run(S(bs), "adding an organization", NULL, NULL,
	           "INSERT INTO org (id, name, kind, jurisdiction) VALUES (?1, ?2, ?3, nullif(?4, ''))",
	           "tttt", o->id, o->name, o->kind, o->jurisdiction ? o->jurisdiction : "");
}

struct org_rows {
	store_org_fn fn;
	void *arg;
};

static int
row_org(sqlite3_stmt *st, void *arg)
{
	struct org_rows *x = arg;
	struct store_org o = {
		(const char *)sqlite3_column_text(st, 0),
		(const char *)sqlite3_column_text(st, 1),
		(const char *)sqlite3_column_text(st, 2),
		(const char *)sqlite3_column_text(st, 3),
	};

	return x->fn(x->arg, &o);
}

static int
sq_orgs_find(struct store *bs, const char *q, int max, store_org_fn fn, void *arg)
{
	struct org_rows x = {fn, arg};

	/* instr() on lower-cased text: no LIKE wildcards to escape in q. */
	return run(S(bs), "finding organizations", row_org, &x,
	           "SELECT id, name, kind, jurisdiction FROM org WHERE instr(lower(name), lower(?1)) > 0 "
	           "ORDER BY name, id LIMIT ?2", "ti", q, (int64_t)max);
}

/* ---- editing listings, policies, merging organizations ---- */

static int
put_policy(struct store_sqlite *s, const char *id, const struct store_policy *pol, int64_t now)
{
	return run(s, "saving the policies", NULL, NULL,
	           "INSERT INTO listing_policy (therapist_id, confidentiality, events, dual, updated_at) "
	           "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (therapist_id) DO UPDATE SET "
	           "confidentiality = excluded.confidentiality, events = excluded.events, "
	           "dual = excluded.dual, updated_at = excluded.updated_at",
	           "tttti", id, pol->confidentiality, pol->events, pol->dual, now);
}

/* Replaces the windows' modalities of id (inside a transaction). */
static int
put_modes(struct store_sqlite *s, const char *id, const struct store_avail_modes *m)
{
	int rc = run(s, "saving the hours' places", NULL, NULL,
	             "DELETE FROM avail_mode WHERE therapist_id = ?1", "t", id), i;

	for (i = 0; rc == 0 && i < m->n; i++)
		rc = run(s, "saving the hours' places", NULL, NULL,
		         "INSERT OR REPLACE INTO avail_mode (therapist_id, day, start_min, end_min, modes) "
		         "VALUES (?1, ?2, ?3, ?4, ?5)", "tiiii", id, (int64_t)m->v[i].day,
		         (int64_t)m->v[i].start, (int64_t)m->v[i].end, (int64_t)m->v[i].modes);
	return rc;
}

static int
row_mode(sqlite3_stmt *st, void *arg)
{
	struct store_avail_modes *m = arg;

	if (m->n == STORE_AVAIL_MODES_MAX)
		return 1;
	m->v[m->n].day = (uint8_t)sqlite3_column_int(st, 0);
	m->v[m->n].start = (uint16_t)sqlite3_column_int(st, 1);
	m->v[m->n].end = (uint16_t)sqlite3_column_int(st, 2);
	m->v[m->n].modes = (uint8_t)sqlite3_column_int(st, 3);
	m->n++;
	return 0;
}

static int
sq_avail_modes_get(struct store *bs, const char *id, struct store_avail_modes *out)
{
	out->n = 0;
	return run(S(bs), "reading the hours' places", row_mode, out,
	           "SELECT day, start_min, end_min, modes FROM avail_mode WHERE therapist_id = ?1 "
	           "ORDER BY day, start_min", "t", id);
}

static int
sq_listing_save(struct store *bs, const char *id, const void *packed, size_t n,
                const struct store_policy *pol, const struct store_avail_modes *modes,
                int64_t now, int *found)
{
	struct store_sqlite *s = S(bs);
	int rc;

	*found = 0;
	if (tx_begin(s))
		return -1;
	rc = run(s, "saving a listing", NULL, NULL,
	         "UPDATE therapist SET packed = ?2 WHERE id = ?1", "tB", id, packed, n);
	if (rc == 0)
		*found = sqlite3_changes(s->db) > 0;
	if (rc == 0 && *found && pol)
		rc = put_policy(s, id, pol, now);
	if (rc == 0 && *found && modes)
		rc = put_modes(s, id, modes);
	return tx_end(s, rc);
}

static int
sq_policy_save(struct store *bs, const char *id, const struct store_policy *pol, int64_t now,
               int *found)
{
	struct store_sqlite *s = S(bs);
	int rc, n = 0;

	*found = 0;
	if (tx_begin(s))
		return -1;
	rc = run(s, "saving the policies", row_one, &n, "SELECT 1 FROM therapist WHERE id = ?1", "t", id);
	if (rc == 0 && n) {
		*found = 1;
		rc = put_policy(s, id, pol, now);
	}
	return tx_end(s, rc);
}

static int
sq_listing_create(struct store *bs, int64_t user, const char *id, const void *packed,
                  size_t n, const char *npi, const struct store_policy *pol,
                  const struct store_avail_modes *modes, int64_t now)
{
	struct store_sqlite *s = S(bs);
	int rc;

	if (tx_begin(s))
		return -1;
	rc = run(s, "creating a listing", NULL, NULL,
	         "INSERT INTO therapist (id, packed) SELECT ?1, ?2 "
	         "WHERE NOT EXISTS (SELECT 1 FROM org WHERE id = ?1)", "tB", id, packed, n);
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		rc = STORE_EXISTS;
	if (rc == 0)
		rc = run(s, "creating a listing", NULL, NULL,
		         "INSERT INTO listing (therapist_id, user_id, npi_given, claimed_at, confirmed_at, "
		         "created) VALUES (?1, ?2, ?3, ?4, ?4, 1)", "titi", id, user, npi ? npi : "", now);
	if (rc == 0)
		rc = run(s, "creating a listing", NULL, NULL,
		         "UPDATE user SET therapist_id = ?1 WHERE id = ?2", "ti", id, user);
	if (rc == 0 && pol)
		rc = put_policy(s, id, pol, now);
	if (rc == 0 && modes)
		rc = put_modes(s, id, modes);
	return tx_end(s, rc);
}

static int
sq_listing_remove(struct store *bs, const char *id, int *found)
{
	static const char *const sql[] = {
		"DELETE FROM listing WHERE therapist_id = ?1",
		"DELETE FROM listing_policy WHERE therapist_id = ?1",
		"DELETE FROM hidden_listing WHERE therapist_id = ?1",
		"UPDATE user SET therapist_id = NULL WHERE therapist_id = ?1",
	};
	struct store_sqlite *s = S(bs);
	size_t i;
	int rc;

	*found = 0;
	if (tx_begin(s))
		return -1;
	rc = run(s, "removing a listing", NULL, NULL, "DELETE FROM therapist WHERE id = ?1", "t", id);
	if (rc == 0)
		*found = sqlite3_changes(s->db) > 0;
	for (i = 0; rc == 0 && *found && i < sizeof(sql) / sizeof(sql[0]); i++)
		rc = run(s, "removing a listing", NULL, NULL, sql[i], "t", id);
	return tx_end(s, rc);
}

static int
row_policy(sqlite3_stmt *st, void *arg)
{
	struct found *f = arg;
	struct store_policy *pol = f->out;

	copy_col(pol->confidentiality, sizeof(pol->confidentiality), st, 0);
	copy_col(pol->events, sizeof(pol->events), st, 1);
	copy_col(pol->dual, sizeof(pol->dual), st, 2);
	pol->updated_at = sqlite3_column_int64(st, 3);
	*f->found = 1;
	return 1;
}

static int
sq_policy_get(struct store *bs, const char *id, struct store_policy *pol, int *found)
{
	struct found f = {pol, found};

	memset(pol, 0, sizeof(*pol));
	*found = 0;
	return run(S(bs), "reading the policies", row_policy, &f,
	           "SELECT confidentiality, events, dual, updated_at FROM listing_policy "
	           "WHERE therapist_id = ?1", "t", id);
}

/* A rewritten row, kept until the scan that found it has ended. */
struct rewrite {
	char *key;
	void *val;
	size_t n;
	int64_t user;
};

struct rewrites {
	struct rewrite *v;
	size_t n, cap;
	store_rewrite_fn fn;
	void *arg;
	bool profiles;
	int err;
};

static int
row_rewrite(sqlite3_stmt *st, void *arg)
{
	struct rewrites *w = arg;
	const char *key = (const char *)sqlite3_column_text(st, 0);
	const void *in = w->profiles ? sqlite3_column_text(st, 1) : sqlite3_column_blob(st, 1);
	size_t n = (size_t)sqlite3_column_bytes(st, 1) + (w->profiles ? 1 : 0);
	void *out = NULL;
	size_t outn = 0;
	int rc;

	rc = w->fn(w->arg, key, in ? in : "", in ? n : (w->profiles ? 1 : 0), &out, &outn);
	if (rc < 0) {
		w->err = 1;
		return 1;
	}
	if (rc == 0)
		return 0;
	if (w->n == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 64;
		struct rewrite *v = realloc(w->v, nc * sizeof(*v));

		if (!v) {
			free(out);
			w->err = 1;
			return 1;
		}
		w->v = v;
		w->cap = nc;
	}
	w->v[w->n].key = strdup(key);
	w->v[w->n].val = out;
	w->v[w->n].n = outn;
	w->v[w->n].user = sqlite3_column_int64(st, 2);
	if (!w->v[w->n].key) {
		free(out);
		w->err = 1;
		return 1;
	}
	w->n++;
	return 0;
}

static void
rewrites_free(struct rewrites *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		free(w->v[i].key);
		free(w->v[i].val);
	}
	free(w->v);
	w->v = NULL;
	w->n = w->cap = 0;
}


static int
sq_org_merge(struct store *bs, const char *from, const char *into,
             store_rewrite_fn therapist_fn, store_rewrite_fn profile_fn,
             void *arg, int *found, long *changed)
{
	struct store_sqlite *s = S(bs);
	struct rewrites w = {0};
	size_t i;
	int rc, n = 0;

	*found = 0;
	*changed = 0;
	if (tx_begin(s))
		return -1;
	rc = run(s, "merging organizations", row_one, &n,
	         "SELECT 1 FROM org WHERE id IN (?1, ?2)", "tt", from, into);
	if (rc == 0 && n == 2 && strcmp(from, into) != 0) {
		*found = 1;
		w.fn = therapist_fn;
		w.arg = arg;
		rc = run(s, "merging organizations", row_rewrite, &w,
		         "SELECT id, packed, 0 FROM therapist ORDER BY id", "");
		if (rc == 0 && w.err)
			rc = -1, store_error("merging organizations: rewriting a therapist failed");
		for (i = 0; rc == 0 && i < w.n; i++)
			rc = run(s, "merging organizations", NULL, NULL,
			         "UPDATE therapist SET packed = ?2 WHERE id = ?1", "tB",
			         w.v[i].key, w.v[i].val, w.v[i].n);
		*changed += (long)w.n;
		rewrites_free(&w);
		w.fn = profile_fn;
		w.profiles = true;
		if (rc == 0)
			rc = run(s, "merging organizations", row_rewrite, &w,
			         "SELECT CAST(user_id AS TEXT), fields, user_id FROM seeker_profile", "");
		if (rc == 0 && w.err)
			rc = -1, store_error("merging organizations: rewriting a profile failed");
		for (i = 0; rc == 0 && i < w.n; i++)
			rc = run(s, "merging organizations", NULL, NULL,
			         "UPDATE seeker_profile SET fields = ?2 WHERE user_id = ?1", "it",
			         w.v[i].user, (const char *)w.v[i].val);
		*changed += (long)w.n;
		rewrites_free(&w);
		if (rc == 0)
			rc = run(s, "merging organizations", NULL, NULL,
			         "DELETE FROM org WHERE id = ?1", "t", from);
	}
	if (rc != 0)
		*changed = 0;
	return tx_end(s, rc);
}

/* ---- scheduling ---- */

static int
row_session_type(sqlite3_stmt *st, void *arg)
{
	struct store_schedule *sc = arg;
	struct store_session_type *t;

	if (sc->n_types == STORE_SESSION_TYPES)
		return 1;
	t = &sc->types[sc->n_types++];
	copy_col(t->kind, sizeof(t->kind), st, 0);
	t->minutes = sqlite3_column_int(st, 1);
	t->step = sqlite3_column_int(st, 2);
	t->capacity = sqlite3_column_int(st, 3);
	return 0;
}

static int
row_notice(sqlite3_stmt *st, void *arg)
{
	struct found *f = arg;

	((struct store_schedule *)f->out)->notice_hours = sqlite3_column_int(st, 0);
	*f->found = 1;
	return 1;
}

static int
sq_schedule_get(struct store *bs, const char *tid, struct store_schedule *out, int *found)
{
	struct found f = {out, found};
	int rc;

	memset(out, 0, sizeof(*out));
	*found = 0;
	rc = run(S(bs), "reading the schedule", row_notice, &f,
	         "SELECT notice_hours FROM schedule_setting WHERE therapist_id = ?1", "t", tid);
	if (rc == 0)
		rc = run(S(bs), "reading the session types", row_session_type, out,
		         "SELECT kind, minutes, step, capacity FROM session_type WHERE therapist_id = ?1 "
		         "ORDER BY CASE kind WHEN 'consultation' THEN 0 WHEN 'individual' THEN 1 "
		         "WHEN 'couples' THEN 2 ELSE 3 END", "t", tid);
	return rc;
}

static int
sq_schedule_put(struct store *bs, const char *tid, const struct store_schedule *in, int64_t now)
{
	struct store_sqlite *s = S(bs);
	int rc, i;

	if (tx_begin(s))
		return -1;
	rc = run(s, "saving the schedule", NULL, NULL,
	         "INSERT INTO schedule_setting (therapist_id, notice_hours, updated_at) VALUES (?1, ?2, ?3) "
	         "ON CONFLICT (therapist_id) DO UPDATE SET notice_hours = excluded.notice_hours, "
	         "updated_at = excluded.updated_at", "tii", tid, (int64_t)in->notice_hours, now);
	if (rc == 0)
		rc = run(s, "saving the schedule", NULL, NULL,
		         "DELETE FROM session_type WHERE therapist_id = ?1", "t", tid);
	for (i = 0; rc == 0 && i < in->n_types; i++)
		rc = run(s, "saving a session type", NULL, NULL,
		         "INSERT INTO session_type (therapist_id, kind, minutes, step, capacity) "
		         "VALUES (?1, ?2, ?3, ?4, ?5)", "ttiii", tid, in->types[i].kind,
		         (int64_t)in->types[i].minutes, (int64_t)in->types[i].step,
		         (int64_t)in->types[i].capacity);
	return tx_end(s, rc);
}

struct closed_rows {
	store_closed_fn fn;
	void *arg;
};

static int
row_closed(sqlite3_stmt *st, void *arg)
{
	struct closed_rows *x = arg;
	struct store_closed c;

	c.id = sqlite3_column_int64(st, 0);
	c.first_day = sqlite3_column_int64(st, 1);
	c.last_day = sqlite3_column_int64(st, 2);
	c.start_min = sqlite3_column_int(st, 3);
	c.end_min = sqlite3_column_int(st, 4);
	copy_col(c.note, sizeof(c.note), st, 5);
	return x->fn(x->arg, &c);
}

static int
sq_closed_list(struct store *bs, const char *tid, int64_t from_day, store_closed_fn fn, void *arg)
{
	struct closed_rows x = {fn, arg};

	return run(S(bs), "reading closures", row_closed, &x,
	           "SELECT id, first_day, last_day, start_min, end_min, note FROM closed_range "
	           "WHERE therapist_id = ?1 AND last_day >= ?2 ORDER BY first_day, start_min LIMIT 500",
	           "ti", tid, from_day);
}

static int
sq_closed_add(struct store *bs, const char *tid, struct store_closed *c)
{
	struct store_sqlite *s = S(bs);
	int rc;

	if (tx_begin(s))
		return -1;
	rc = run(s, "adding a closure", NULL, NULL,
	         "INSERT INTO closed_range (therapist_id, first_day, last_day, start_min, end_min, note) "
	         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "tiiiit", tid, c->first_day, c->last_day,
	         (int64_t)c->start_min, (int64_t)c->end_min, c->note);
	if (rc == 0)
		c->id = sqlite3_last_insert_rowid(s->db);
	return tx_end(s, rc);
}

static int
sq_closed_delete(struct store *bs, const char *tid, int64_t id, int *found)
{
	struct store_sqlite *s = S(bs);
	int rc;

	*found = 0;
	if (tx_begin(s))
		return -1;
	rc = run(s, "removing a closure", NULL, NULL,
	         "DELETE FROM closed_range WHERE id = ?1 AND therapist_id = ?2", "it", id, tid);
	if (rc == 0)
		*found = sqlite3_changes(s->db) > 0;
	return tx_end(s, rc);
}

#define APPT_COLS "id, therapist_id, seeker_id, kind, start_utc, end_utc, zone, " \
                  "coalesce(series_id, 0), status, cancelled_by, late, created_at, updated_at, modality, " \
                  "orig_start, seq"

static void
read_appt(sqlite3_stmt *st, struct store_appt *a)
{
	a->id = sqlite3_column_int64(st, 0);
	copy_col(a->therapist_id, sizeof(a->therapist_id), st, 1);
	a->seeker = sqlite3_column_int64(st, 2);
	copy_col(a->kind, sizeof(a->kind), st, 3);
	a->start = sqlite3_column_int64(st, 4);
	a->end = sqlite3_column_int64(st, 5);
	copy_col(a->zone, sizeof(a->zone), st, 6);
	a->series_id = sqlite3_column_int64(st, 7);
	copy_col(a->status, sizeof(a->status), st, 8);
	copy_col(a->cancelled_by, sizeof(a->cancelled_by), st, 9);
	a->late = sqlite3_column_int(st, 10);
	a->created_at = sqlite3_column_int64(st, 11);
	a->updated_at = sqlite3_column_int64(st, 12);
	copy_col(a->modality, sizeof(a->modality), st, 13);
	a->orig_start = sqlite3_column_int64(st, 14);
	a->seq = sqlite3_column_int64(st, 15);
}

/* Appointments gathered first, handed over after the locks are released. */
struct appts {
	struct store_appt *v;
	size_t n, cap;
	int max, oom;
};

static int
row_appt_gather(sqlite3_stmt *st, void *arg)
{
	struct appts *x = arg;

	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 32;
		struct store_appt *v = realloc(x->v, nc * sizeof(*v));

		if (!v) {
			x->oom = 1;
			return 1;
		}
		x->v = v;
		x->cap = nc;
	}
	read_appt(st, &x->v[x->n++]);
	return x->max > 0 && x->n == (size_t)x->max;
}

static int
appts_hand_over(struct store_sqlite *s, struct appts *x, int rc, store_appt_fn fn, void *arg)
{
	size_t i;

	if (rc == 0 && x->oom)
		rc = fail(s, "out of memory reading appointments");
	for (i = 0; rc == 0 && i < x->n; i++)
		if (fn(arg, &x->v[i]))
			break;
	free(x->v);
	return rc;
}

struct spans {
	struct store_span v[512];
	int n, full;
};

static int
row_span(sqlite3_stmt *st, void *arg)
{
	struct spans *x = arg;

	if (x->n == (int)(sizeof(x->v) / sizeof(x->v[0]))) {
		x->full = 1;
		return 1;
	}
	x->v[x->n].start = sqlite3_column_int64(st, 0);
	x->v[x->n].end = sqlite3_column_int64(st, 1);
	x->v[x->n].seats = 1;
	copy_col(x->v[x->n].kind, sizeof(x->v[x->n].kind), st, 2);
	x->n++;
	return 0;
}

/* The therapist's booked time overlapping a (a itself left out). More
 * than fit (a group holds at most 100 seats) is an error, never a guess. */
static int
spans_around(struct store_sqlite *s, const struct store_appt *a, struct spans *x)
{
	int rc;

	x->n = 0;
	x->full = 0;
	rc = run(s, "reading booked time", row_span, x,
	         "SELECT start_utc, end_utc, kind FROM appointment WHERE therapist_id = ?1 "
	         "AND status = 'booked' AND start_utc < ?3 AND end_utc > ?2 AND id != ?4 "
	         "AND start_utc > ?2 - 86400 ORDER BY start_utc", "tiii", a->therapist_id, a->start,
	         a->end, a->id);
	if (rc == 0 && x->full)
		rc = fail(s, "reading booked time: more bookings overlap one slot than a group holds");
	return rc;
}

static int
insert_appt(struct store_sqlite *s, struct store_appt *a, int64_t now)
{
	int rc = run(s, "booking", NULL, NULL,
	             "INSERT INTO appointment (therapist_id, seeker_id, kind, start_utc, end_utc, zone, "
	             "series_id, created_at, updated_at, modality) "
	             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, nullif(?7, 0), ?8, ?8, ?9)",
	             "titiitiit", a->therapist_id, a->seeker, a->kind, a->start, a->end, a->zone,
	             a->series_id, now, a->modality);

	if (rc == 0) {
		a->id = sqlite3_last_insert_rowid(s->db);
		snprintf(a->status, sizeof(a->status), "booked");
		a->created_at = a->updated_at = now;
		a->seq = 0;
	}
	return rc;
}

static int
sq_appt_book(struct store *bs, struct store_series *sr, struct store_appt *occ, int n,
             store_slot_fn fn, void *arg, int *booked)
{
	struct store_sqlite *s = S(bs);
	struct spans *x = malloc(sizeof(*x));
	int64_t now = (int64_t)time(NULL);
	int rc = 0, i, nbooked = 0, open;

	if (!x)
		return fail(s, "out of memory booking");
	if (tx_begin(s)) {
		free(x);
		return -1;
	}
	if (sr) {
		rc = run(s, "starting a series", NULL, NULL,
		         "INSERT INTO series (therapist_id, seeker_id, kind, zone, first_day, minute, minutes, "
		         "interval_weeks, count, created_by, created_at) "
		         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", "tittiiiiiti",
		         sr->therapist_id, sr->seeker, sr->kind, sr->zone, sr->first_day,
		         (int64_t)sr->minute, (int64_t)sr->minutes, (int64_t)sr->interval_weeks,
		         (int64_t)sr->count, sr->created_by, now);
		if (rc == 0) {
			sr->id = sqlite3_last_insert_rowid(s->db);
			sr->created_at = now;
			sr->seq = 0;
			snprintf(sr->status, sizeof(sr->status), "active");
		}
	}
	for (i = 0; rc == 0 && i < n; i++) {
		occ[i].id = 0;
		occ[i].series_id = sr ? sr->id : 0;
		booked[i] = 0;
		rc = spans_around(s, &occ[i], x);
		if (rc)
			break;
		open = fn(arg, &occ[i], x->v, x->n);
		if (open < 0) {
			rc = fail(s, "checking a slot");
			break;
		}
		if (open) {
			if (!sr)
				rc = STORE_TAKEN;
			continue;
		}
		rc = insert_appt(s, &occ[i], now);
		if (rc == STORE_EXISTS && !sr)
			rc = STORE_TAKEN;       /* the same seeker, the same group session */
		else if (rc == STORE_EXISTS) {
			rc = 0;
			continue;
		}
		if (rc == 0) {
			booked[i] = 1;
			nbooked++;
		}
	}
	if (rc == 0 && sr && nbooked == 0)
		rc = STORE_TAKEN;
	if (rc == 0 && sr && sr->anchor)
		rc = run(s, "starting a series", NULL, NULL,
		         "UPDATE appointment SET series_id = ?1, updated_at = ?3, seq = seq + 1 WHERE id = ?2",
		         "iii", sr->id, sr->anchor, now);
	free(x);
	return tx_end(s, rc);
}

static int
row_appt_one(sqlite3_stmt *st, void *arg)
{
	struct found *f = arg;

	read_appt(st, f->out);
	*f->found = 1;
	return 1;
}

static int
sq_appt_get(struct store *bs, int64_t id, struct store_appt *a, int *found)
{
	struct found f = {a, found};

	*found = 0;
	return run(S(bs), "reading an appointment", row_appt_one, &f,
	           "SELECT " APPT_COLS " FROM appointment WHERE id = ?1", "i", id);
}

static int
sq_appts_of_seeker(struct store *bs, int64_t seeker, int64_t from, int max, store_appt_fn fn,
                   void *arg)
{
	struct appts x = {NULL, 0, 0, max, 0};
	int rc = run(S(bs), "reading appointments", row_appt_gather, &x,
	             "SELECT " APPT_COLS " FROM appointment WHERE seeker_id = ?1 AND end_utc > ?2 "
	             "ORDER BY start_utc, id", "ii", seeker, from);

	return appts_hand_over(S(bs), &x, rc, fn, arg);
}

static int
sq_appts_of_therapist(struct store *bs, const char *tid, int64_t from, int64_t to, int max,
                      store_appt_fn fn, void *arg)
{
	struct appts x = {NULL, 0, 0, max, 0};
	int rc = run(S(bs), "reading appointments", row_appt_gather, &x,
	             /* No session is longer than a day: the index reads the range only. */
	             "SELECT " APPT_COLS " FROM appointment WHERE therapist_id = ?1 AND end_utc > ?2 "
	             "AND start_utc > ?2 - 86400 AND start_utc < ?3 ORDER BY start_utc, id", "tii",
	             tid, from, to);

	return appts_hand_over(S(bs), &x, rc, fn, arg);
}

static int
sq_appt_cancel(struct store *bs, int64_t id, const char *by, int late, int64_t now, int *found)
{
	struct store_sqlite *s = S(bs);
	int rc;

	*found = 0;
	if (tx_begin(s))
		return -1;
	rc = run(s, "cancelling", NULL, NULL,
	         "UPDATE appointment SET status = 'cancelled', cancelled_by = ?2, late = max(late, ?3), "
	         "updated_at = ?4, seq = seq + 1 WHERE id = ?1 AND status = 'booked'", "itii", id, by, (int64_t)late, now);
	if (rc == 0)
		*found = sqlite3_changes(s->db) > 0;
	return tx_end(s, rc);
}

static int
sq_appt_move(struct store *bs, const struct store_appt *a, int late, store_slot_fn fn, void *arg,
             int64_t now, int *found)
{
	struct store_sqlite *s = S(bs);
	struct spans *x = malloc(sizeof(*x));
	int n = 0, rc;

	*found = 0;
	if (!x)
		return fail(s, "out of memory moving an appointment");
	if (tx_begin(s)) {
		free(x);
		return -1;
	}
	rc = run(s, "moving an appointment", row_one, &n,
	         "SELECT 1 FROM appointment WHERE id = ?1 AND status = 'booked'", "i", a->id);
	if (rc == 0 && n) {
		*found = 1;
		rc = spans_around(s, a, x);
		if (rc == 0) {
			int open = fn(arg, a, x->v, x->n);

			if (open < 0)
				rc = fail(s, "checking a slot");
			else if (open)
				rc = STORE_TAKEN;
		}
		if (rc == 0)
			rc = run(s, "moving an appointment", NULL, NULL,
			         "UPDATE appointment SET orig_start = CASE orig_start WHEN 0 THEN start_utc "
			         "ELSE orig_start END, start_utc = ?2, end_utc = ?3, late = max(late, ?4), updated_at = ?5, "
			         "reminded_at = 0, seq = seq + 1 WHERE id = ?1", "iiiii", a->id, a->start, a->end, (int64_t)late, now);
		if (rc == STORE_EXISTS)
			rc = STORE_TAKEN;
	}
	free(x);
	return tx_end(s, rc);
}

#define SERIES_COLS "id, therapist_id, seeker_id, kind, zone, first_day, minute, minutes, " \
                    "interval_weeks, count, status, created_by, created_at, seq"

static void
read_series(sqlite3_stmt *st, struct store_series *sr)
{
	sr->id = sqlite3_column_int64(st, 0);
	copy_col(sr->therapist_id, sizeof(sr->therapist_id), st, 1);
	sr->seeker = sqlite3_column_int64(st, 2);
	copy_col(sr->kind, sizeof(sr->kind), st, 3);
	copy_col(sr->zone, sizeof(sr->zone), st, 4);
	sr->first_day = sqlite3_column_int64(st, 5);
	sr->minute = sqlite3_column_int(st, 6);
	sr->minutes = sqlite3_column_int(st, 7);
	sr->interval_weeks = sqlite3_column_int(st, 8);
	sr->count = sqlite3_column_int(st, 9);
	copy_col(sr->status, sizeof(sr->status), st, 10);
	copy_col(sr->created_by, sizeof(sr->created_by), st, 11);
	sr->created_at = sqlite3_column_int64(st, 12);
	sr->seq = sqlite3_column_int64(st, 13);
}

static int
row_series_one(sqlite3_stmt *st, void *arg)
{
	struct found *f = arg;

	read_series(st, f->out);
	*f->found = 1;
	return 1;
}

static int
sq_series_get(struct store *bs, int64_t id, struct store_series *sr, int *found)
{
	struct found f = {sr, found};

	*found = 0;
	return run(S(bs), "reading a series", row_series_one, &f,
	           "SELECT " SERIES_COLS " FROM series WHERE id = ?1", "i", id);
}

struct series_rows {
	struct store_series v[64];
	int n;
};

static int
row_series_gather(sqlite3_stmt *st, void *arg)
{
	struct series_rows *x = arg;

	read_series(st, &x->v[x->n++]);
	return x->n == (int)(sizeof(x->v) / sizeof(x->v[0]));
}

static int
sq_series_of_user(struct store *bs, int64_t seeker, const char *tid, store_series_fn fn, void *arg)
{
	struct series_rows *x = malloc(sizeof(*x));
	int rc, i;

	if (!x)
		return fail(S(bs), "out of memory reading series");
	x->n = 0;
	rc = tid ? run(S(bs), "reading series", row_series_gather, x,
	               "SELECT " SERIES_COLS " FROM series WHERE therapist_id = ?1 AND status = 'active' "
	               "ORDER BY id", "t", tid)
	         : run(S(bs), "reading series", row_series_gather, x,
	               "SELECT " SERIES_COLS " FROM series WHERE seeker_id = ?1 AND status = 'active' "
	               "ORDER BY id", "i", seeker);
	for (i = 0; rc == 0 && i < x->n; i++)
		if (fn(arg, &x->v[i]))
			break;
	free(x);
	return rc;
}

static int
sq_series_end(struct store *bs, int64_t id, const char *by, int64_t after, int64_t now,
              long *cancelled)
{
	struct store_sqlite *s = S(bs);
	int rc;

	*cancelled = 0;
	if (tx_begin(s))
		return -1;
	rc = run(s, "ending a series", NULL, NULL,
	         "UPDATE appointment SET status = 'cancelled', cancelled_by = ?2, updated_at = ?4, seq = seq + 1 "
	         "WHERE series_id = ?1 AND status = 'booked' AND start_utc > ?3", "itii", id, by, after, now);
	if (rc == 0) {
		*cancelled = sqlite3_changes(s->db);
		rc = run(s, "ending a series", NULL, NULL,
		         "UPDATE series SET status = 'ended', seq = seq + 1 WHERE id = ?1", "i", id);
	}
	return tx_end(s, rc);
}

static int
sq_appts_to_remind(struct store *bs, int64_t from, int64_t to, store_appt_fn fn, void *arg)
{
	struct appts x = {NULL, 0, 0, 0, 0};
	int rc = run(S(bs), "reading appointments to remind", row_appt_gather, &x,
	             "SELECT " APPT_COLS " FROM appointment WHERE status = 'booked' AND reminded_at = 0 "
	             "AND start_utc >= ?1 AND start_utc < ?2 ORDER BY start_utc", "ii", from, to);

	return appts_hand_over(S(bs), &x, rc, fn, arg);
}

static int
sq_appt_reminded(struct store *bs, int64_t id, int64_t now)
{
	return run(S(bs), "recording a reminder", NULL, NULL,
	           "UPDATE appointment SET reminded_at = ?2 WHERE id = ?1", "ii", id, now);
}

static int
sq_feed_put(struct store *bs, int64_t user, const unsigned char hash[32], int64_t now)
{
	return run(S(bs), "making a calendar feed", NULL, NULL,
	           "INSERT INTO feed_token (user_id, token_hash, created_at) VALUES (?1, ?2, ?3) "
	           "ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, "
	           "created_at = excluded.created_at", "ibi", user, hash, now);
}

static int
sq_feed_delete(struct store *bs, int64_t user)
{
	return run(S(bs), "revoking a calendar feed", NULL, NULL,
	           "DELETE FROM feed_token WHERE user_id = ?1", "i", user);
}

static int
sq_feed_user(struct store *bs, const unsigned char hash[32], int64_t *user, int *found)
{
	int64_t u = 0;
	int rc = run(S(bs), "reading a calendar feed", row_int64, &u,
	             "SELECT user_id FROM feed_token WHERE token_hash = ?1", "b", hash);

	*found = rc == 0 && u != 0;
	*user = u;
	return rc;
}

static int
sq_feed_exists(struct store *bs, int64_t user, int *found)
{
	int n = 0, rc = run(S(bs), "reading a calendar feed", row_one, &n,
	                    "SELECT 1 FROM feed_token WHERE user_id = ?1", "i", user);

	*found = n > 0;
	return rc;
}

static int
sq_wait_add(struct store *bs, struct store_wait *w)
{
	struct store_sqlite *s = S(bs);
	int rc;

	if (tx_begin(s))
		return -1;
	rc = run(s, "joining a waitlist", NULL, NULL,
	         "INSERT INTO waitlist (therapist_id, seeker_id, kind, created_at) VALUES (?1, ?2, ?3, ?4)",
	         "titi", w->therapist_id, w->seeker, w->kind, w->created_at);
	if (rc == 0)
		w->id = sqlite3_last_insert_rowid(s->db);
	return tx_end(s, rc);
}

static int
sq_wait_remove(struct store *bs, const char *tid, int64_t seeker, const char *kind, int *found)
{
	struct store_sqlite *s = S(bs);
	int rc;

	*found = 0;
	if (tx_begin(s))
		return -1;
	rc = run(s, "leaving a waitlist", NULL, NULL,
	         "DELETE FROM waitlist WHERE therapist_id = ?1 AND seeker_id = ?2 AND kind = ?3",
	         "tit", tid, seeker, kind);
	if (rc == 0)
		*found = sqlite3_changes(s->db) > 0;
	return tx_end(s, rc);
}

struct waits {
	struct store_wait v[200];
	int n;
};

static int
row_wait_gather(sqlite3_stmt *st, void *arg)
{
	struct waits *x = arg;
	struct store_wait *w = &x->v[x->n++];

	w->id = sqlite3_column_int64(st, 0);
	copy_col(w->therapist_id, sizeof(w->therapist_id), st, 1);
	w->seeker = sqlite3_column_int64(st, 2);
	copy_col(w->kind, sizeof(w->kind), st, 3);
	w->created_at = sqlite3_column_int64(st, 4);
	w->notified_at = sqlite3_column_int64(st, 5);
	return x->n == (int)(sizeof(x->v) / sizeof(x->v[0]));
}

static int
waits_hand_over(struct store_sqlite *s, struct waits *x, int rc, store_wait_fn fn, void *arg)
{
	int i;

	for (i = 0; rc == 0 && i < x->n; i++)
		if (fn(arg, &x->v[i]))
			break;
	free(x);
	(void)s;
	return rc;
}

#define WAIT_COLS "id, therapist_id, seeker_id, kind, created_at, notified_at"

static int
sq_waits_of_therapist(struct store *bs, const char *tid, store_wait_fn fn, void *arg)
{
	struct waits *x = calloc(1, sizeof(*x));

	if (!x)
		return fail(S(bs), "out of memory reading a waitlist");
	return waits_hand_over(S(bs), x, run(S(bs), "reading a waitlist", row_wait_gather, x,
	                       "SELECT " WAIT_COLS " FROM waitlist WHERE therapist_id = ?1 "
	                       "ORDER BY created_at, id", "t", tid), fn, arg);
}

static int
sq_waits_of_seeker(struct store *bs, int64_t seeker, store_wait_fn fn, void *arg)
{
	struct waits *x = calloc(1, sizeof(*x));

	if (!x)
		return fail(S(bs), "out of memory reading waitlists");
	return waits_hand_over(S(bs), x, run(S(bs), "reading waitlists", row_wait_gather, x,
	                       "SELECT " WAIT_COLS " FROM waitlist WHERE seeker_id = ?1 "
	                       "ORDER BY created_at, id", "i", seeker), fn, arg);
}

static int
sq_wait_notified(struct store *bs, int64_t id, int64_t now)
{
	return run(S(bs), "recording a waitlist notice", NULL, NULL,
	           "UPDATE waitlist SET notified_at = ?2 WHERE id = ?1", "ii", id, now);
}

static int
sq_user_zone_set(struct store *bs, int64_t user, const char *zone)
{
	return run(S(bs), "saving the time zone", NULL, NULL,
	           "UPDATE user SET timezone = ?2 WHERE id = ?1", "it", user, zone);
}

static int
sq_user_zone_get(struct store *bs, int64_t user, char *zone, size_t n)
{
	struct text_out t = {zone, n};

	zone[0] = '\0';
	return run(S(bs), "reading the time zone", row_text, &t,
	           "SELECT timezone FROM user WHERE id = ?1", "i", user);
}

/* ---- the busy times of an uploaded calendar ---- */

static int
sq_busy_replace(struct store *bs, int64_t user, const struct store_busy *v, int n)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st = NULL;
	int rc, i;
	bool kept = false;

	if (tx_begin(s))
		return -1;
	rc = run(s, "forgetting busy times", NULL, NULL, "DELETE FROM busy WHERE user_id = ?1",
	         "i", user);
	/* One statement for every row: a month of a full caseload is thousands. */
	if (rc == 0 && n > 0 &&
	    !(st = prep(s, "INSERT INTO busy (user_id, start_utc, end_utc) VALUES (?1, ?2, ?3)", &kept)))
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++) {
		sqlite3_bind_int64(st, 1, user);
		sqlite3_bind_int64(st, 2, v[i].start);
		sqlite3_bind_int64(st, 3, v[i].end);
		rc = step_done(s, st, "storing busy times");
	}
	if (st && kept) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else
		sqlite3_finalize(st);
	return tx_end(s, rc);
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

static int
sq_busy_list(struct store *bs, int64_t user, store_busy_fn fn, void *arg)
{
	struct busy_rows x = {fn, arg};

	return run(S(bs), "reading busy times", row_busy, &x,
	           "SELECT start_utc, end_utc FROM busy WHERE user_id = ?1 ORDER BY start_utc, end_utc",
	           "i", user);
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
	.throttle_expire = sq_throttle_expire,
	.signup_put = sq_signup_put,
	.signup_get = sq_signup_get,
	.signup_rename = sq_signup_rename,
	.signup_delete = sq_signup_delete,
	.signup_expire = sq_signup_expire,
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
	.listing_code_put = sq_listing_code_put,
	.listing_code_take = sq_listing_code_take,
	.listing_unclaim = sq_listing_unclaim,
	.listings_verified = sq_listings_verified,
	.listing_confirm = sq_listing_confirm,
	.listings_unverified = sq_listings_unverified,
	.listings_stale = sq_listings_stale,
	.profile_get = sq_profile_get,
	.profile_put = sq_profile_put,
	.requests_unanswered = sq_requests_unanswered,
	.listing_save = sq_listing_save,
	.policy_save = sq_policy_save,
	.avail_modes_get = sq_avail_modes_get,
	.listing_create = sq_listing_create,
	.listing_remove = sq_listing_remove,
	.policy_get = sq_policy_get,
	.org_merge = sq_org_merge,
	.listings_to_remind = sq_listings_to_remind,
	.listing_remind = sq_listing_remind,
	.confirm_take = sq_confirm_take,
	.listing_hide = sq_listing_hide,
	.listing_hidden = sq_listing_hidden,
	.listings_hidden = sq_listings_hidden,
	.org_add = sq_org_add,
	.orgs_find = sq_orgs_find,
	.outbox_pending = sq_outbox_pending,
	.outbox_sent = sq_outbox_sent,
	.outbox_failed = sq_outbox_failed,
	.outbox_give_up = sq_outbox_give_up,
	.outbox_put = sq_outbox_put,
	.set_mail_key = sq_set_mail_key,
	.schedule_get = sq_schedule_get,
	.schedule_put = sq_schedule_put,
	.closed_list = sq_closed_list,
	.closed_add = sq_closed_add,
	.closed_delete = sq_closed_delete,
	.appt_book = sq_appt_book,
	.appt_get = sq_appt_get,
	.appts_of_seeker = sq_appts_of_seeker,
	.appts_of_therapist = sq_appts_of_therapist,
	.appt_cancel = sq_appt_cancel,
	.appt_move = sq_appt_move,
	.series_get = sq_series_get,
	.series_of_user = sq_series_of_user,
	.series_end = sq_series_end,
	.appts_to_remind = sq_appts_to_remind,
	.appt_reminded = sq_appt_reminded,
	.feed_put = sq_feed_put,
	.feed_delete = sq_feed_delete,
	.feed_user = sq_feed_user,
	.feed_exists = sq_feed_exists,
	.wait_add = sq_wait_add,
	.wait_remove = sq_wait_remove,
	.waits_of_therapist = sq_waits_of_therapist,
	.waits_of_seeker = sq_waits_of_seeker,
	.wait_notified = sq_wait_notified,
	.user_zone_set = sq_user_zone_set,
	.user_zone_get = sq_user_zone_get,
	.busy_replace = sq_busy_replace,
	.busy_list = sq_busy_list,
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
		store_error("the database has schema version %d, newer than this chiron (%d)",
		            version, N_MIGRATIONS);
		return -1;
	}
	for (v = version; v < N_MIGRATIONS; v++) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (exec(s, "BEGIN IMMEDIATE") || exec(s, migrations[v]) ||
		    exec(s, sql) || exec(s, "COMMIT")) {
			char why[512];

			snprintf(why, sizeof(why), "%s", store_errmsg(&s->base));
			sq_rollback(&s->base);
			store_error("migrating the schema to version %d: %.400s", v + 1, why);
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
	{
		/* Recursive: a transaction (tx_begin) holds it across run()s. */
		pthread_mutexattr_t ma;

		pthread_mutexattr_init(&ma);
		pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
		pthread_mutex_init(&s->lock, &ma);
		pthread_mutexattr_destroy(&ma);
	}
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
	    exec(s, "PRAGMA synchronous = " STORE_SQLITE_SYNC) ||
	    exec(s, "PRAGMA foreign_keys = ON") ||
	    /* Erased mail (and every deleted row) is overwritten in its page. */
	    exec(s, "PRAGMA secure_delete = FAST") ||
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
	snprintf(err, errlen, "%s: %s", path, store_errmsg(&s->base));
	sq_close(&s->base);
	return NULL;
}

/* ----------------------------------------------------------------------
 * Durability, for the bench
 * ---------------------------------------------------------------------- */

/* The first column of the one row of a PRAGMA, as text; -1 on failure. */
static int
pragma_text(struct store_sqlite *s, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);

		snprintf(out, n, "%s", v ? (const char *)v : "");
		rc = 0;
	} else {
		fail(s, sql);
	}
	sqlite3_finalize(st);
	return rc;
}

int
store_sqlite_durability(struct store *bs, const char *set, char *journal, char *sync, size_t n)
{
	static const char *const level[] = {"OFF", "NORMAL", "FULL", "EXTRA"};
	struct store_sqlite *s = S(bs);
	char sql[64], num[16];
	long k;
	int rc = -1;

	if (bs->ops != &sqlite_ops) {
		store_error("durability: not a SQLite store");
		return -1;
	}
	if (set && strcmp(set, "NORMAL") != 0 && strcmp(set, "FULL") != 0) {
		store_error("durability: \"%s\": use NORMAL or FULL", set);
		return -1;
	}
	pthread_mutex_lock(&s->lock);
	if (set) {
		snprintf(sql, sizeof(sql), "PRAGMA synchronous = %s", set);
		if (exec(s, sql))
			goto out;
	}
	if (pragma_text(s, "PRAGMA journal_mode", journal, n) ||
	    pragma_text(s, "PRAGMA synchronous", num, sizeof(num)))
		goto out;
	k = strtol(num, NULL, 10);
	snprintf(sync, n, "%s", k >= 0 && k < 4 ? level[k] : num);
	rc = 0;
out:
	pthread_mutex_unlock(&s->lock);
	return rc;
}
