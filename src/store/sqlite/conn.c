/*
 * conn.c: the SQLite engine's connection: opening the file (WAL, foreign
 * keys, the schema brought up to date by schema.c), the one lock every
 * statement runs under, the statement cache and run(), transactions, the
 * reason of a failure, closing, and the table of operations the store
 * interface (store.h) calls.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "store/sqlite/sqlite_int.h"

/*
 * Marks this thread's failure as a full disk when it was one: SQLite's
 * SQLITE_FULL, or a write that the system refused for want of space
 * (ENOSPC, EDQUOT), which SQLite may report as an I/O error.
 */
static void
note_full(struct store_sqlite *s)
{
	int code = sqlite3_errcode(s->db) & 0xff, e = sqlite3_system_errno(s->db);

	if (code == SQLITE_FULL || (code == SQLITE_IOERR && (e == ENOSPC || e == EDQUOT)))
		store_error_full();
}

int
sq_fail(struct store_sqlite *s, const char *what)
{
	store_error("%s: %s", what, sqlite3_errmsg(s->db));
	note_full(s);
	return -1;
}

int
sq_exec(struct store_sqlite *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		store_error("%s", msg ? msg : sqlite3_errmsg(s->db));
		note_full(s);
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
	if (sq_exec(s, "BEGIN IMMEDIATE")) {
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
	rc = sq_exec(s, "COMMIT");
	if (rc && !sqlite3_get_autocommit(s->db)) {
		char why[512];
		bool full = store_failed_full();

		snprintf(why, sizeof(why), "%s", store_errmsg(bs));
		sq_exec(s, "ROLLBACK");
		store_error("%s", why);
		if (full)
			store_error_full();
	}
	end_user_tx(s);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int
sq_rollback(struct store *bs)
{
	struct store_sqlite *s = S(bs);
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	if (!sqlite3_get_autocommit(s->db))
		rc = sq_exec(s, "ROLLBACK");
	end_user_tx(s);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* Steps st to its end and resets it; the caller holds the lock. */
int
sq_step_done(struct store_sqlite *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st), ok = rc == SQLITE_DONE ? 0 : sq_fail(s, what);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ok;
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
 * The statement cache and sq_run()
 *
 * This traffic is light next to matching (which reads the index, not the
 * store). Every statement but directory.c's goes through sq_run():
 * prepared once per connection (then reset and reused), bound from a
 * format and stepped under the lock, each result row handed to a row
 * function.
 * ---------------------------------------------------------------------- */

/*
 * The statement of sql, prepared the first time and kept (*kept): reset
 * it after use rather than finalize it. One already running (a row
 * function that runs the same SQL) gets a fresh one for this call only.
 * On failure records why and returns NULL.
 */
sqlite3_stmt *
sq_prep(struct store_sqlite *s, const char *sql, bool *kept)
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
		sq_fail(s, "preparing a statement");
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

/*
 * Runs sql with its parameters bound from fmt ('t' text, 'i' int64, 'b'
 * a 32-byte blob, 'B' a blob and its size_t length), handing each result row to row (may be NULL). Returns
 * 0, STORE_EXISTS when a unique value is taken, or -1 with the reason
 * (`what` failed).
 */
int
sq_run(struct store_sqlite *s, const char *what, row_fn row, void *arg,
       const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc = -1, step = SQLITE_DONE, i;
	bool kept;

	pthread_mutex_lock(&s->lock);
	st = sq_prep(s, sql, &kept);
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
			sq_fail(s, what);
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
 * rows an UPDATE or DELETE changed, read inside sq_run()'s lock. (Asking
 * sqlite3_changes() after sq_run() returned read whatever another thread's
 * statement had changed meanwhile.)
 */
int
sq_row_count(sqlite3_stmt *st, void *arg)
{
	(void)st;
	(*(int *)arg)++;
	return 0;
}

/*
 * A transaction on the shared connection: the lock is held from
 * sq_tx_begin to sq_tx_end, so no other thread's statement lands inside it.
 * sq_tx_end commits when ok is 0 and rolls back otherwise; returns ok, or
 * -1 when the commit fails.
 */
int
sq_tx_begin(struct store_sqlite *s)
{
	pthread_mutex_lock(&s->lock);
	if (sq_exec(s, "BEGIN IMMEDIATE")) {
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	return 0;
}

int
sq_tx_end(struct store_sqlite *s, int ok)
{
	if (ok == 0 && sq_exec(s, "COMMIT"))
		ok = -1;
	if (ok != 0) {
		char why[512];
		bool full = store_failed_full();

		snprintf(why, sizeof(why), "%s", store_errmsg(&s->base));
		sq_exec(s, "ROLLBACK");
		store_error("%s", why);
		if (full)
			store_error_full();
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

void
sq_copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	snprintf(dst, n, "%s", v ? (const char *)v : "");
}

int
sq_row_text(sqlite3_stmt *st, void *arg)
{
	struct text_out *t = arg;

	sq_copy_col(t->out, t->n, st, 0);
	return 1;
}

/* Row functions that keep one value and stop. */
int
sq_row_int64(sqlite3_stmt *st, void *arg)
{
	*(int64_t *)arg = sqlite3_column_int64(st, 0);
	return 1;
}

int
sq_row_one(sqlite3_stmt *st, void *arg)
{
	(void)st;
	*(int *)arg += 1;
	return 0;
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
	.throttle_list = sq_throttle_list,
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
	.listing_verify_checked = sq_listing_verify_checked,
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
	.org_get = sq_org_get,
	.outbox_pending = sq_outbox_pending,
	.outbox_sent = sq_outbox_sent,
	.outbox_failed = sq_outbox_failed,
	.outbox_give_up = sq_outbox_give_up,
	.outbox_put = sq_outbox_put,
	.set_mail_key = sq_set_mail_key,
	.outbox_list = sq_outbox_list,
	.schedule_get = sq_schedule_get,
	.schedule_put = sq_schedule_put,
	.closed_list = sq_closed_list,
	.closed_add = sq_closed_add,
	.closed_delete = sq_closed_delete,
	.appt_book = sq_appt_book,
	.appt_get = sq_appt_get,
	.appts_of_dkey = sq_appts_of_dkey,
	.appts_of_therapist = sq_appts_of_therapist,
	.appt_cancel = sq_appt_cancel,
	.appt_move = sq_appt_move,
	.series_get = sq_series_get,
	.series_of = sq_series_of,
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
	.waits_of_dkey = sq_waits_of_dkey,
	.wait_notified = sq_wait_notified,
	.user_zone_set = sq_user_zone_set,
	.user_zone_get = sq_user_zone_get,
	.busy_replace = sq_busy_replace,
	.busy_get = sq_busy_get,
	.listing_profile_get = sq_profile_get_of,
	.statement_put = sq_statement_put,
	.photo_put = sq_photo_put,
	.photo_delete = sq_photo_delete,
	.photo_get = sq_photo_get,
	.dkey_put = sq_dkey_put,
	.dkey_get = sq_dkey_get,
	.dkey_delete = sq_dkey_delete,
	.dkey_scan = sq_dkey_scan,
	.dkey_rewrap = sq_dkey_rewrap,
	.user_dkey_get = sq_user_dkey_get,
	.user_dkey_set = sq_user_dkey_set,
	.backup = sq_backup,
	.user_find_bx = sq_user_find_bx,
	.user_email_set = sq_user_email_set,
	.request_get = sq_request_get,
	.users_legacy = sq_users_legacy,
	.requests_legacy = sq_requests_legacy,
	.request_seal = sq_request_seal,
	.profiles_legacy = sq_profiles_legacy,
	.audit_append = sq_audit_append,
	.audit_scan = sq_audit_scan,
	.audit_of_subject = sq_audit_of_subject,
	.audit_head = sq_audit_head,
	.link_legacy = sq_link_legacy,
	.link_legacy_set = sq_link_legacy_set,
	.closed_legacy = sq_closed_legacy,
	.closed_legacy_set = sq_closed_legacy_set,
	.busy_legacy = sq_busy_legacy,
	.wipe_checkpoint = sq_wipe_checkpoint,
	.user_created = sq_user_created,
	.sessions_of_user = sq_sessions_of_user,
	.user_erase = sq_user_erase,
	.listing_release = sq_listing_release,
	.session_begin = sq_session_begin,
	.session_read = sq_session_read,
	.session_seen = sq_session_seen,
	.sessions_delete_others = sq_sessions_delete_others,
	.sf_get = sq_sf_get,
	.sf_begin = sq_sf_begin,
	.sf_confirm = sq_sf_confirm,
	.sf_step = sq_sf_step,
	.sf_delete = sq_sf_delete,
	.recovery_take = sq_recovery_take,
	.recovery_replace = sq_recovery_replace,
	.recovery_left = sq_recovery_left,
};

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
		/* Recursive: a transaction (sq_tx_begin) holds it across sq_run()s. */
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
	if (sq_exec(s, "PRAGMA journal_mode = WAL") ||
	    sq_exec(s, "PRAGMA synchronous = " STORE_SQLITE_SYNC) ||
	    sq_exec(s, "PRAGMA foreign_keys = ON") ||
	    /* Erased mail, destroyed keys, every deleted row and every value
	     * replaced by its sealed form is overwritten in its page, free
	     * pages included (FAST left those as they were). */
	    sq_exec(s, "PRAGMA secure_delete = ON") ||
	    sq_exec(s, "PRAGMA cache_size = -65536") || sq_migrate(s))
		goto sq_fail;
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
		sq_fail(s, "preparing statements");
		goto sq_fail;
	}
	return &s->base;
sq_fail:
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
		sq_fail(s, sql);
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
		if (sq_exec(s, sql))
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
