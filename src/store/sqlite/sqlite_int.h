/*
 * sqlite_int.h: what the files of the SQLite engine (src/store/sqlite/)
 * share, and nothing outside them includes.
 *
 *   conn.c        the connection, its lock, the statement cache and run(),
 *                 transactions, errors, open and close, the table of ops
 *   schema.c      the schema and its migrations
 *   directory.c   organizations and therapists as imported and indexed
 *   accounts.c    users, sessions, throttles, sign-ups, resets, profiles
 *   outbox.c      mail, sealed at rest
 *   requests.c    consultation requests
 *   listings.c    claims, verification, confirmation, editing
 *   orgs.c        the organization registry and merges
 *   schedule.c    schedules and closed ranges
 *   appts.c       appointments, series, reminders, waitlists
 *   calendars.c   calendar feeds and uploaded busy times
 *   profiles.c    a listing's statement and photo
 *   keys.c        data keys, wrapped (app/seal.h)
 *   backup.c      online backup, and the check of a database file
 *   audit.c       the audit trail, hash-chained
 *   erasure.c     what export reads and erasure deletes of one account
 *   second_factor.c  sessions' times and stage, the second factor, recovery codes
 *
 * Every function here that takes a struct store_sqlite expects its
 * caller to hold nothing or the connection's lock (it is recursive);
 * sq_run() and sq_tx_begin() take it. The sq_* functions named for a
 * store operation are the engine's half of store.h's struct store_ops and
 * are documented there.
 */
#ifndef CHIRON_STORE_SQLITE_INT_H
#define CHIRON_STORE_SQLITE_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core/vec.h"
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

static inline struct store_sqlite *
S(struct store *s)
{
	return (struct store_sqlite *)s;
}

/* Called for each result row; a non-zero return stops the statement. */
typedef int (*row_fn)(sqlite3_stmt *st, void *arg);

struct text_out {
	char *out;
	size_t n;
};

struct found { void *out; int *found; };

/* conn.c */
int sq_fail(struct store_sqlite *s, const char *what);
int sq_exec(struct store_sqlite *s, const char *sql);
int sq_rollback(struct store *bs);
int sq_step_done(struct store_sqlite *s, sqlite3_stmt *st, const char *what);
sqlite3_stmt *sq_prep(struct store_sqlite *s, const char *sql, bool *kept);
int sq_run(struct store_sqlite *s, const char *what, row_fn row, void *arg, const char *sql,
           const char *fmt, ...);
int sq_row_count(sqlite3_stmt *st, void *arg);
int sq_tx_begin(struct store_sqlite *s);
int sq_tx_end(struct store_sqlite *s, int ok);
void sq_copy_col(char *dst, size_t n, sqlite3_stmt *st, int col);
int sq_row_text(sqlite3_stmt *st, void *arg);
int sq_row_int64(sqlite3_stmt *st, void *arg);
int sq_row_one(sqlite3_stmt *st, void *arg);

/* schema.c */
int sq_migrate(struct store_sqlite *s);

/* directory.c */
int sq_put_org(struct store *bs, const struct store_org *o);
int sq_put_therapist(struct store *bs, const char *id, const void *p, size_t n);
int sq_remove(struct store *bs, const char *id, int *found);
int sq_scan_orgs(struct store *bs, store_org_fn fn, void *arg);
int sq_scan_therapists(struct store *bs, store_therapist_fn fn, void *arg);
int sq_get_therapist(struct store *bs, const char *id, store_therapist_fn fn, void *arg,
                     int *found);

/* accounts.c */
int sq_user_create(struct store *bs, struct store_user *u);
int sq_user_find(struct store *bs, const char *key, struct store_user *u, int *found);
int sq_user_get(struct store *bs, int64_t id, struct store_user *u, int *found);
int sq_user_set_password(struct store *bs, int64_t id, const char *pw_hash);
int sq_session_put(struct store *bs, const unsigned char hash[32], int64_t user, const char *csrf,
                   int64_t expires);
int sq_session_get(struct store *bs, const unsigned char hash[32], int64_t now, int64_t *user,
                   char csrf[64], int *found);
int sq_session_delete(struct store *bs, const unsigned char hash[32]);
int sq_sessions_delete_user(struct store *bs, int64_t user);
int sq_throttle_hit(struct store *bs, const char *key, int64_t now, int64_t since, long *count);
int sq_throttle_expire(struct store *bs, int64_t before);
int sq_signup_put(struct store *bs, const unsigned char hash[32], const struct store_user *u,
                  int64_t expires);
int sq_signup_get(struct store *bs, const unsigned char hash[32], int64_t now, struct store_user *u,
                  int *found);
int sq_signup_rename(struct store *bs, const unsigned char hash[32], const char *handle);
int sq_signup_delete(struct store *bs, const unsigned char hash[32]);
int sq_signup_expire(struct store *bs, int64_t now);
int sq_reset_put(struct store *bs, const unsigned char hash[32], int64_t user, int64_t expires);
int sq_reset_take(struct store *bs, const unsigned char hash[32], int64_t now, int64_t *user,
                  int *found);
int sq_profile_get(struct store *bs, int64_t user, struct buf *out, int *sealed);
int sq_profile_put(struct store *bs, int64_t user, const void *fields, size_t n, int64_t now);
int sq_user_find_bx(struct store *bs, const unsigned char bx[STORE_BLIND_BYTES], struct store_user *u,
                    int *found);
int sq_user_email_set(struct store *bs, int64_t user, const unsigned char bx[STORE_BLIND_BYTES],
                      const void *sealed, size_t n);
int sq_users_legacy(struct store *bs, int (*fn)(void *arg, int64_t id, const char *email), void *arg);
int sq_profiles_legacy(struct store *bs, int (*fn)(void *arg, int64_t user, const char *fields),
                       void *arg);
int sq_user_zone_set(struct store *bs, int64_t user, const char *zone);
int sq_user_zone_get(struct store *bs, int64_t user, char *zone, size_t n);

/* outbox.c */
int sq_outbox_put(struct store *bs, const char *to, const char *subject, const char *body,
                  int64_t now, int64_t *id);
int sq_outbox_add(struct store *bs, const char *to, const char *subject, const char *body,
                  int64_t now);
int sq_outbox_pending(struct store *bs, int64_t now, int64_t retry_base, int max, store_mail_fn fn,
                      void *arg);
int sq_outbox_sent(struct store *bs, int64_t id, int64_t now);
int sq_outbox_failed(struct store *bs, int64_t id, const char *err, int64_t now);
int sq_outbox_give_up(struct store *bs, int64_t id, const char *err, int64_t now);
int sq_set_mail_key(struct store *bs, const unsigned char *key);
int sq_outbox_list(struct store *bs, store_outbox_row_fn fn, void *arg);
int sq_throttle_list(struct store *bs, int (*fn)(void *arg, const char *key, int64_t at),
                     void *arg);

/* requests.c */
int sq_request_add(struct store *bs, struct store_request *rq);
int sq_requests_of_seeker(struct store *bs, int64_t dkey, int max, store_request_fn fn,
                          void *arg);
int sq_requests_to_therapist(struct store *bs, const char *tid, int64_t before_id, int max,
                             store_request_fn fn, void *arg);
int sq_request_answer(struct store *bs, int64_t id, const char *tid, const void *answer, size_t n,
                      int64_t now, int *found);
int sq_request_get(struct store *bs, int64_t id, const char *tid, store_request_fn fn, void *arg,
                   int *found);
int sq_requests_legacy(struct store *bs, store_request_fn fn, void *arg);
int sq_request_seal(struct store *bs, const struct store_request *rq);
int sq_requests_unanswered(struct store *bs, const char *tid, int64_t *at, int max, int *n);

/* listings.c */
int sq_listing_claim(struct store *bs, int64_t user, const char *tid, const char *npi, int64_t now);
int sq_listing_get(struct store *bs, const char *tid, struct store_listing *l, int *found);
int sq_listing_verify_checked(struct store *bs, const char *tid, int64_t by, const struct store_verify *v,
                              int64_t now, int *found);
int sq_listing_verify(struct store *bs, const char *tid, int64_t by, const char *how, int64_t now,
                      int *found);
int sq_listing_code_put(struct store *bs, const char *tid, const unsigned char hash[32],
                        const char *contact, const char *source, int64_t by, int64_t expires,
                        int64_t now, int *found);
int sq_listing_code_take(struct store *bs, int64_t user, const unsigned char hash[32], int64_t now,
                         int max_tries, int *result, int *left);
int sq_listing_unclaim(struct store *bs, const char *tid, int *found);
int sq_listing_confirm(struct store *bs, const char *tid, int64_t now);
int sq_listings_unverified(struct store *bs, int max, store_listing_fn fn, void *arg);
int sq_listings_verified(struct store *bs, int max, store_listing_fn fn, void *arg);
int sq_listings_stale(struct store *bs, int64_t before, store_listing_fn fn, void *arg);
int sq_listings_to_remind(struct store *bs, int64_t before, store_listing_fn fn, void *arg);
int sq_listing_remind(struct store *bs, const char *tid, const unsigned char hash[32],
                      int64_t expires, int64_t now);
int sq_confirm_take(struct store *bs, const unsigned char hash[32], int64_t now, char tid[72],
                    int *found);
int sq_listing_hide(struct store *bs, const char *tid, int hidden, int64_t now);
int sq_listing_hidden(struct store *bs, const char *tid, int *hidden);
int sq_listings_hidden(struct store *bs, store_listing_fn fn, void *arg);
int sq_avail_modes_get(struct store *bs, const char *id, struct store_avail_modes *out);
int sq_listing_save(struct store *bs, const char *id, const void *packed, size_t n,
                    const struct store_policy *pol, const struct store_avail_modes *modes,
                    int64_t now, int *found);
int sq_policy_save(struct store *bs, const char *id, const struct store_policy *pol, int64_t now,
                   int *found);
int sq_listing_create(struct store *bs, int64_t user, const char *id, const void *packed, size_t n,
                      const char *npi, const struct store_policy *pol,
                      const struct store_avail_modes *modes, int64_t now);
int sq_listing_remove(struct store *bs, const char *id, int *found);
int sq_policy_get(struct store *bs, const char *id, struct store_policy *pol, int *found);

/* orgs.c */
int sq_org_add(struct store *bs, const struct store_org *o);
int sq_orgs_find(struct store *bs, const char *q, int max, store_org_fn fn, void *arg);
int sq_org_get(struct store *bs, const char *id, store_org_fn fn, void *arg);
int sq_org_merge(struct store *bs, const char *from, const char *into,
                 store_rewrite_fn therapist_fn, store_rewrite_fn profile_fn, void *arg, int *found,
                 long *changed);

/* schedule.c */
int sq_schedule_get(struct store *bs, const char *tid, struct store_schedule *out, int *found);
int sq_schedule_put(struct store *bs, const char *tid, const struct store_schedule *in,
                    int64_t now);
int sq_closed_list(struct store *bs, const char *tid, int64_t from_day, store_closed_fn fn,
                   void *arg);
int sq_closed_add(struct store *bs, const char *tid, struct store_closed *c);
int sq_closed_legacy(struct store *bs,
                     int (*fn)(void *arg, const char *tid, const struct store_closed *c), void *arg);
int sq_closed_legacy_set(struct store *bs, const struct store_closed *c);
int sq_closed_delete(struct store *bs, const char *tid, int64_t id, int *found);

/* appts.c */
int sq_appt_book(struct store *bs, struct store_series *sr, struct store_appt *occ, int n,
                 store_slot_fn fn, void *arg, int *booked);
int sq_appt_get(struct store *bs, int64_t id, struct store_appt *a, int *found);
int sq_appts_of_dkey(struct store *bs, int64_t dkey, int64_t from, int max, store_appt_fn fn,
                       void *arg);
int sq_appts_of_therapist(struct store *bs, const char *tid, int64_t from, int64_t to, int max,
                          store_appt_fn fn, void *arg);
int sq_appt_cancel(struct store *bs, int64_t id, const char *by, int late, int64_t now, int *found);
int sq_appt_move(struct store *bs, const struct store_appt *a, int late, store_slot_fn fn,
                 void *arg, int64_t now, int *found);
int sq_series_get(struct store *bs, int64_t id, struct store_series *sr, int *found);
int sq_series_of(struct store *bs, int64_t dkey, const char *tid, store_series_fn fn,
                      void *arg);
int sq_series_end(struct store *bs, int64_t id, const char *by, int64_t after, int64_t now,
                  long *cancelled);
int sq_appts_to_remind(struct store *bs, int64_t from, int64_t to, store_appt_fn fn, void *arg);
int sq_appt_reminded(struct store *bs, int64_t id, int64_t now);
int sq_wait_add(struct store *bs, struct store_wait *w);
int sq_wait_remove(struct store *bs, const char *tid, int64_t dkey, const char *kind, int *found);
int sq_waits_of_therapist(struct store *bs, const char *tid, store_wait_fn fn, void *arg);
int sq_waits_of_dkey(struct store *bs, int64_t dkey, store_wait_fn fn, void *arg);
int sq_wait_notified(struct store *bs, int64_t id, int64_t now);

/* calendars.c */
int sq_feed_put(struct store *bs, int64_t user, const unsigned char hash[32], int64_t now);
int sq_feed_delete(struct store *bs, int64_t user);
int sq_feed_user(struct store *bs, const unsigned char hash[32], int64_t *user, int *found);
int sq_feed_exists(struct store *bs, int64_t user, int *found);
int sq_busy_replace(struct store *bs, int64_t user, const void *sealed, size_t n);
int sq_busy_get(struct store *bs, int64_t user, struct buf *out, int *found);
int sq_busy_legacy(struct store *bs, store_busy_legacy_fn fn, void *arg);

/* profiles.c */
int sq_profile_get_of(struct store *bs, const char *tid, struct store_profile *out, int *found);
int sq_statement_put(struct store *bs, const char *tid, const char *text, int64_t now);
int sq_photo_put(struct store *bs, const char *tid, const void *jpeg, size_t n, int64_t now);
int sq_photo_delete(struct store *bs, const char *tid, int64_t now);
int sq_photo_get(struct store *bs, const char *tid, struct buf *out, int64_t *version, int *found);

/* keys.c */
int sq_dkey_put(struct store *bs, int64_t id, int64_t master, const void *wrapped, size_t n);
int sq_dkey_get(struct store *bs, int64_t id, int64_t *master, void *wrapped, size_t cap,
                size_t *n, int *found);
int sq_dkey_delete(struct store *bs, int64_t id, int *found);
int sq_dkey_scan(struct store *bs, store_dkey_fn fn, void *arg);
int sq_dkey_rewrap(struct store *bs, int64_t id, int64_t old_master, int64_t master,
                   const void *wrapped, size_t n);
int sq_user_dkey_get(struct store *bs, int64_t user, void *sealed, size_t cap, size_t *n,
                     int *found);
int sq_user_dkey_set(struct store *bs, int64_t user, const void *sealed, size_t n, int *set);
/* audit.c */
int sq_audit_append(struct store *bs, struct store_audit *e, store_audit_chain_fn chain, void *arg);
int sq_audit_scan(struct store *bs, int64_t after, store_audit_fn fn, void *arg);
int sq_audit_of_subject(struct store *bs, const unsigned char subject[32], int64_t before, int max,
                        store_audit_fn fn, void *arg);
int sq_audit_head(struct store *bs, int64_t *seq, unsigned char hash[32]);
/* second_factor.c (issue 11) */
int sq_session_begin(struct store *bs, const unsigned char hash[32], int64_t user, const char *csrf,
                     int stage, int64_t now, int64_t expires);
int sq_session_read(struct store *bs, const unsigned char hash[32], struct store_session *out,
                    int *found);
int sq_session_seen(struct store *bs, const unsigned char hash[32], int64_t now);
int sq_sessions_delete_others(struct store *bs, int64_t user, const unsigned char keep[32]);
int sq_sf_get(struct store *bs, int64_t user, struct store_second_factor *out, int *found);
int sq_sf_begin(struct store *bs, int64_t user, const void *secret, size_t n, int64_t now);
int sq_sf_confirm(struct store *bs, int64_t user, int64_t step, int64_t now,
                  const unsigned char (*hashes)[32], int n);
int sq_sf_step(struct store *bs, int64_t user, int64_t step, int *ok);
int sq_sf_delete(struct store *bs, int64_t user);
int sq_recovery_take(struct store *bs, int64_t user, const unsigned char hash[32], int64_t now,
                     int *found);
int sq_recovery_replace(struct store *bs, int64_t user, const unsigned char (*hashes)[32], int n);
int sq_recovery_left(struct store *bs, int64_t user, long *n);

/* backup.c */
int sq_backup(struct store *bs, const char *path, bool replace, long *pages);

/* schema.c: the schema version this chiron brings a database to. */
int sq_schema_version(void);

/* appts.c: rows of an older chiron, sealed at start */
int sq_link_legacy(struct store *bs,
                   int (*fn)(void *arg, const char *table, int64_t id, int64_t seeker), void *arg);
int sq_link_legacy_set(struct store *bs, const char *table, int64_t id, const struct store_link *l);
int sq_wipe_checkpoint(struct store *bs);
/* erasure.c */
int sq_user_created(struct store *bs, int64_t user, int64_t *at, int *found);
int sq_sessions_of_user(struct store *bs, int64_t user, int64_t now,
                        int (*fn)(void *arg, int64_t started, int64_t seen,
	                                  int64_t expires), void *arg);
int sq_user_erase(struct store *bs, int64_t user, int64_t kid, int *found);
int sq_listing_release(struct store *bs, const char *tid, int *found);

#endif
