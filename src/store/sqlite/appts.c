/*
 * appts.c: appointments and series: booking (the slot checked inside the
 * transaction), moving, cancelling, ending a series, reminders, and the
 * waitlists.
 *
 * Who booked is a struct store_link (store.h): the seeker's data key
 * number (dkey) in the clear, their account id sealed (seeker_sealed)
 * with the row's key (rk). This file only moves those bytes; it never
 * sees the account id of a row written since issue 11.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite/sqlite_int.h"

#define APPT_COLS "id, therapist_id, dkey, kind, start_utc, end_utc, zone, " \
                  "coalesce(series_id, 0), status, cancelled_by, late, created_at, updated_at, modality, " \
                  "orig_start, seq, rk, seeker_sealed"

/* A row's link from columns dcol (dkey), col (rk) and col + 1 (seeker_sealed). */
static void
read_link(sqlite3_stmt *st, int dcol, int col, struct store_link *l)
{
	const void *rk = sqlite3_column_blob(st, col);
	int rkn = sqlite3_column_bytes(st, col);
	const void *sealed = sqlite3_column_blob(st, col + 1);
	int n = sqlite3_column_bytes(st, col + 1);

	memset(l, 0, sizeof(*l));
	l->dkey = sqlite3_column_int64(st, dcol);
	if (rk && rkn == STORE_RK_BYTES)
		memcpy(l->rk, rk, STORE_RK_BYTES);
	/* Too long to be a sealed id: left as n 1 of garbage, so it fails to open. */
	if (sealed && n > 0) {
		l->sealed_n = (size_t)n <= sizeof(l->sealed) ? (size_t)n : 1;
		memcpy(l->sealed, sealed, l->sealed_n);
	}
}

static void
read_appt(sqlite3_stmt *st, struct store_appt *a)
{
	a->id = sqlite3_column_int64(st, 0);
	sq_copy_col(a->therapist_id, sizeof(a->therapist_id), st, 1);
	a->seeker = 0;
	a->seeker_gone = false;
	read_link(st, 2, 16, &a->link);
	sq_copy_col(a->kind, sizeof(a->kind), st, 3);
	a->start = sqlite3_column_int64(st, 4);
	a->end = sqlite3_column_int64(st, 5);
	sq_copy_col(a->zone, sizeof(a->zone), st, 6);
	a->series_id = sqlite3_column_int64(st, 7);
	sq_copy_col(a->status, sizeof(a->status), st, 8);
	sq_copy_col(a->cancelled_by, sizeof(a->cancelled_by), st, 9);
	a->late = sqlite3_column_int(st, 10);
	a->created_at = sqlite3_column_int64(st, 11);
	a->updated_at = sqlite3_column_int64(st, 12);
	sq_copy_col(a->modality, sizeof(a->modality), st, 13);
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
	struct store_appt *a = VEC_PUSH(x->v, x->n, x->cap);

	if (!a) {
		x->oom = 1;
		return 1;
	}
	read_appt(st, a);
	return x->max > 0 && x->n == (size_t)x->max;
}

static int
appts_hand_over(struct store_sqlite *s, struct appts *x, int rc, store_appt_fn fn, void *arg)
{
	size_t i;

	if (rc == 0 && x->oom)
		rc = sq_fail(s, "out of memory reading appointments");
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
	sq_copy_col(x->v[x->n].kind, sizeof(x->v[x->n].kind), st, 2);
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
	rc = sq_run(s, "reading booked time", row_span, x,
		    "SELECT start_utc, end_utc, kind FROM appointment WHERE therapist_id = ?1 "
		    "AND status = 'booked' AND start_utc < ?3 AND end_utc > ?2 AND id != ?4 "
		    "AND start_utc > ?2 - 86400 ORDER BY start_utc", "tiii", a->therapist_id, a->start,
		    a->end, a->id);
	if (rc == 0 && x->full)
		rc = sq_fail(s, "reading booked time: more bookings overlap one slot than a group holds");
	return rc;
}

static int
insert_appt(struct store_sqlite *s, struct store_appt *a, int64_t now)
{
	int rc = sq_run(s, "booking", NULL, NULL,
			"INSERT INTO appointment (therapist_id, dkey, rk, seeker_sealed, kind, start_utc, "
			"end_utc, zone, series_id, created_at, updated_at, modality) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, nullif(?9, 0), ?10, ?10, ?11)",
			"tiBBtiitiit", a->therapist_id, a->link.dkey, a->link.rk, (size_t)STORE_RK_BYTES,
			a->link.sealed, a->link.sealed_n, a->kind, a->start, a->end, a->zone,
			a->series_id, now, a->modality);

	if (rc == 0) {
		a->id = sqlite3_last_insert_rowid(s->db);
		snprintf(a->status, sizeof(a->status), "booked");
		a->created_at = a->updated_at = now;
		a->seq = 0;
	}
	return rc;
}

int
sq_appt_book(struct store *bs, struct store_series *sr, struct store_appt *occ, int n,
             store_slot_fn fn, void *arg, int *booked)
{
	struct store_sqlite *s = S(bs);
	struct spans *x = malloc(sizeof(*x));
	int64_t now = (int64_t)time(NULL);
	int rc = 0, i, nbooked = 0, open;

	if (!x)
		return sq_fail(s, "out of memory booking");
	if (sq_tx_begin(s)) {
		free(x);
		return -1;
	}
	if (sr) {
		rc = sq_run(s, "starting a series", NULL, NULL,
			    "INSERT INTO series (therapist_id, dkey, rk, seeker_sealed, kind, zone, first_day, "
			    "minute, minutes, interval_weeks, count, created_by, created_at) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", "tiBBttiiiiiti",
			    sr->therapist_id, sr->link.dkey, sr->link.rk, (size_t)STORE_RK_BYTES,
			    sr->link.sealed, sr->link.sealed_n, sr->kind, sr->zone, sr->first_day,
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
			rc = sq_fail(s, "checking a slot");
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
		rc = sq_run(s, "starting a series", NULL, NULL,
			    "UPDATE appointment SET series_id = ?1, updated_at = ?3, seq = seq + 1 WHERE id = ?2",
			    "iii", sr->id, sr->anchor, now);
	free(x);
	return sq_tx_end(s, rc);
}

static int
row_appt_one(sqlite3_stmt *st, void *arg)
{
	struct found *f = arg;

	read_appt(st, f->out);
	*f->found = 1;
	return 1;
}

int
sq_appt_get(struct store *bs, int64_t id, struct store_appt *a, int *found)
{
	struct found f = {a, found};

	*found = 0;
	return sq_run(S(bs), "reading an appointment", row_appt_one, &f,
		      "SELECT " APPT_COLS " FROM appointment WHERE id = ?1", "i", id);
}

int
sq_appts_of_dkey(struct store *bs, int64_t dkey, int64_t from, int max, store_appt_fn fn,
                 void *arg)
{
	struct appts x = {NULL, 0, 0, max, 0};
	int rc = sq_run(S(bs), "reading appointments", row_appt_gather, &x,
			"SELECT " APPT_COLS " FROM appointment WHERE dkey = ?1 AND end_utc > ?2 "
			"ORDER BY start_utc, id", "ii", dkey, from);

	return appts_hand_over(S(bs), &x, rc, fn, arg);
}

int
sq_appts_of_therapist(struct store *bs, const char *tid, int64_t from, int64_t to, int max,
                      store_appt_fn fn, void *arg)
{
	struct appts x = {NULL, 0, 0, max, 0};
	int rc = sq_run(S(bs), "reading appointments", row_appt_gather, &x,
			/* No session is longer than a day: the index reads the range only. */
			"SELECT " APPT_COLS " FROM appointment WHERE therapist_id = ?1 AND end_utc > ?2 "
			"AND start_utc > ?2 - 86400 AND start_utc < ?3 ORDER BY start_utc, id", "tii",
			tid, from, to);

	return appts_hand_over(S(bs), &x, rc, fn, arg);
}

int
sq_appt_cancel(struct store *bs, int64_t id, const char *by, int late, int64_t now, int *found)
{
	struct store_sqlite *s = S(bs);
	int rc;

	*found = 0;
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "cancelling", NULL, NULL,
		    "UPDATE appointment SET status = 'cancelled', cancelled_by = ?2, late = max(late, ?3), "
		    "updated_at = ?4, seq = seq + 1 WHERE id = ?1 AND status = 'booked'", "itii", id, by, (int64_t)late, now);
	if (rc == 0)
		*found = sqlite3_changes(s->db) > 0;
	return sq_tx_end(s, rc);
}

int
sq_appt_move(struct store *bs, const struct store_appt *a, int late, store_slot_fn fn, void *arg,
             int64_t now, int *found)
{
	struct store_sqlite *s = S(bs);
	struct spans *x = malloc(sizeof(*x));
	int n = 0, rc;

	*found = 0;
	if (!x)
		return sq_fail(s, "out of memory moving an appointment");
	if (sq_tx_begin(s)) {
		free(x);
		return -1;
	}
	rc = sq_run(s, "moving an appointment", sq_row_one, &n,
		    "SELECT 1 FROM appointment WHERE id = ?1 AND status = 'booked'", "i", a->id);
	if (rc == 0 && n) {
		*found = 1;
		rc = spans_around(s, a, x);
		if (rc == 0) {
			int open = fn(arg, a, x->v, x->n);

			if (open < 0)
				rc = sq_fail(s, "checking a slot");
			else if (open)
				rc = STORE_TAKEN;
		}
		if (rc == 0)
			rc = sq_run(s, "moving an appointment", NULL, NULL,
				    "UPDATE appointment SET orig_start = CASE orig_start WHEN 0 THEN start_utc "
				    "ELSE orig_start END, start_utc = ?2, end_utc = ?3, late = max(late, ?4), updated_at = ?5, "
				    "reminded_at = 0, seq = seq + 1 WHERE id = ?1", "iiiii", a->id, a->start, a->end, (int64_t)late, now);
		if (rc == STORE_EXISTS)
			rc = STORE_TAKEN;
	}
	free(x);
	return sq_tx_end(s, rc);
}

#define SERIES_COLS "id, therapist_id, dkey, kind, zone, first_day, minute, minutes, " \
                    "interval_weeks, count, status, created_by, created_at, seq, rk, seeker_sealed"

static void
read_series(sqlite3_stmt *st, struct store_series *sr)
{
	sr->id = sqlite3_column_int64(st, 0);
	sq_copy_col(sr->therapist_id, sizeof(sr->therapist_id), st, 1);
	sr->seeker = 0;
	sr->seeker_gone = false;
	read_link(st, 2, 14, &sr->link);
	sq_copy_col(sr->kind, sizeof(sr->kind), st, 3);
	sq_copy_col(sr->zone, sizeof(sr->zone), st, 4);
	sr->first_day = sqlite3_column_int64(st, 5);
	sr->minute = sqlite3_column_int(st, 6);
	sr->minutes = sqlite3_column_int(st, 7);
	sr->interval_weeks = sqlite3_column_int(st, 8);
	sr->count = sqlite3_column_int(st, 9);
	sq_copy_col(sr->status, sizeof(sr->status), st, 10);
	sq_copy_col(sr->created_by, sizeof(sr->created_by), st, 11);
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

int
sq_series_get(struct store *bs, int64_t id, struct store_series *sr, int *found)
{
	struct found f = {sr, found};

	*found = 0;
	return sq_run(S(bs), "reading a series", row_series_one, &f,
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

int
sq_series_of(struct store *bs, int64_t dkey, const char *tid, store_series_fn fn, void *arg)
{
	struct series_rows *x = malloc(sizeof(*x));
	int rc, i;

	if (!x)
		return sq_fail(S(bs), "out of memory reading series");
	x->n = 0;
	rc = tid ? sq_run(S(bs), "reading series", row_series_gather, x,
			  "SELECT " SERIES_COLS " FROM series WHERE therapist_id = ?1 AND status = 'active' "
			  "ORDER BY id", "t", tid)
	         : sq_run(S(bs), "reading series", row_series_gather, x,
			  "SELECT " SERIES_COLS " FROM series WHERE dkey = ?1 AND status = 'active' "
			  "ORDER BY id", "i", dkey);
	for (i = 0; rc == 0 && i < x->n; i++)
		if (fn(arg, &x->v[i]))
			break;
	free(x);
	return rc;
}

int
sq_series_end(struct store *bs, int64_t id, const char *by, int64_t after, int64_t now,
              long *cancelled)
{
	struct store_sqlite *s = S(bs);
	int rc;

	*cancelled = 0;
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "ending a series", NULL, NULL,
		    "UPDATE appointment SET status = 'cancelled', cancelled_by = ?2, updated_at = ?4, seq = seq + 1 "
		    "WHERE series_id = ?1 AND status = 'booked' AND start_utc > ?3", "itii", id, by, after, now);
	if (rc == 0) {
		*cancelled = sqlite3_changes(s->db);
		rc = sq_run(s, "ending a series", NULL, NULL,
			    "UPDATE series SET status = 'ended', seq = seq + 1 WHERE id = ?1", "i", id);
	}
	return sq_tx_end(s, rc);
}

int
sq_appts_to_remind(struct store *bs, int64_t from, int64_t to, store_appt_fn fn, void *arg)
{
	struct appts x = {NULL, 0, 0, 0, 0};
	int rc = sq_run(S(bs), "reading appointments to remind", row_appt_gather, &x,
			"SELECT " APPT_COLS " FROM appointment WHERE status = 'booked' AND reminded_at = 0 "
			"AND start_utc >= ?1 AND start_utc < ?2 ORDER BY start_utc", "ii", from, to);

	return appts_hand_over(S(bs), &x, rc, fn, arg);
}

int
sq_appt_reminded(struct store *bs, int64_t id, int64_t now)
{
	return sq_run(S(bs), "recording a reminder", NULL, NULL,
		      "UPDATE appointment SET reminded_at = ?2 WHERE id = ?1", "ii", id, now);
}

int
sq_wait_add(struct store *bs, struct store_wait *w)
{
	struct store_sqlite *s = S(bs);
	int rc;

	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "joining a waitlist", NULL, NULL,
		    "INSERT INTO waitlist (therapist_id, dkey, rk, seeker_sealed, kind, created_at) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "tiBBti", w->therapist_id, w->link.dkey, w->link.rk,
		    (size_t)STORE_RK_BYTES, w->link.sealed, w->link.sealed_n, w->kind, w->created_at);
	if (rc == 0)
		w->id = sqlite3_last_insert_rowid(s->db);
	return sq_tx_end(s, rc);
}

int
sq_wait_remove(struct store *bs, const char *tid, int64_t dkey, const char *kind, int *found)
{
	struct store_sqlite *s = S(bs);
	int rc;

	*found = 0;
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "leaving a waitlist", NULL, NULL,
		    "DELETE FROM waitlist WHERE therapist_id = ?1 AND dkey = ?2 AND kind = ?3",
		    "tit", tid, dkey, kind);
	if (rc == 0)
		*found = sqlite3_changes(s->db) > 0;
	return sq_tx_end(s, rc);
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
	sq_copy_col(w->therapist_id, sizeof(w->therapist_id), st, 1);
	w->seeker = 0;
	w->seeker_gone = false;
	read_link(st, 2, 6, &w->link);
	sq_copy_col(w->kind, sizeof(w->kind), st, 3);
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

#define WAIT_COLS "id, therapist_id, dkey, kind, created_at, notified_at, rk, seeker_sealed"

int
sq_waits_of_therapist(struct store *bs, const char *tid, store_wait_fn fn, void *arg)
{
	struct waits *x = calloc(1, sizeof(*x));

	if (!x)
		return sq_fail(S(bs), "out of memory reading a waitlist");
	return waits_hand_over(S(bs), x, sq_run(S(bs), "reading a waitlist", row_wait_gather, x,
	                       "SELECT " WAIT_COLS " FROM waitlist WHERE therapist_id = ?1 "
	                       "ORDER BY created_at, id", "t", tid), fn, arg);
}

int
sq_waits_of_dkey(struct store *bs, int64_t dkey, store_wait_fn fn, void *arg)
{
	struct waits *x = calloc(1, sizeof(*x));

	if (!x)
		return sq_fail(S(bs), "out of memory reading waitlists");
	return waits_hand_over(S(bs), x, sq_run(S(bs), "reading waitlists", row_wait_gather, x,
	                       "SELECT " WAIT_COLS " FROM waitlist WHERE dkey = ?1 "
	                       "ORDER BY created_at, id", "i", dkey), fn, arg);
}

int
sq_wait_notified(struct store *bs, int64_t id, int64_t now)
{
	return sq_run(S(bs), "recording a waitlist notice", NULL, NULL,
		      "UPDATE waitlist SET notified_at = ?2 WHERE id = ?1", "ii", id, now);
}

/* ----------------------------------------------------------------------
 * Rows of an older chiron, sealed once at start (booking_seal_legacy)
 * ---------------------------------------------------------------------- */

struct legacy_row {
	const char *table;
	int64_t id, seeker;
};

struct legacy_rows {
	struct legacy_row *v;
	size_t n, cap;
	const char *table;
	int oom;
};

static int
row_legacy(sqlite3_stmt *st, void *arg)
{
	struct legacy_rows *x = arg;
	struct legacy_row *r = VEC_PUSH(x->v, x->n, x->cap);

	if (!r) {
		x->oom = 1;
		return 1;
	}
	r->table = x->table;
	r->id = sqlite3_column_int64(st, 0);
	r->seeker = -sqlite3_column_int64(st, 1);
	return 0;
}

int
sq_link_legacy(struct store *bs, int (*fn)(void *arg, const char *table, int64_t id, int64_t seeker),
               void *arg)
{
	struct legacy_rows x = {NULL, 0, 0, "appointment", 0};
	int rc;
	size_t i;

	/* A legacy row: no seeker_sealed, the negated account id in dkey. */
	rc = sq_run(S(bs), "reading appointments to seal", row_legacy, &x,
		    "SELECT id, dkey FROM appointment WHERE seeker_sealed IS NULL AND dkey < 0", "");
	x.table = "series";
	if (rc == 0 && !x.oom)
		rc = sq_run(S(bs), "reading series to seal", row_legacy, &x,
			    "SELECT id, dkey FROM series WHERE seeker_sealed IS NULL AND dkey < 0", "");
	x.table = "waitlist";
	if (rc == 0 && !x.oom)
		rc = sq_run(S(bs), "reading waitlists to seal", row_legacy, &x,
			    "SELECT id, dkey FROM waitlist WHERE seeker_sealed IS NULL AND dkey < 0", "");
	if (rc == 0 && x.oom)
		rc = sq_fail(S(bs), "out of memory reading rows to seal");
	for (i = 0; rc == 0 && i < x.n; i++)
		if ((rc = fn(arg, x.v[i].table, x.v[i].id, x.v[i].seeker)) != 0)
			rc = -1;
	free(x.v);
	return rc;
}

int
sq_link_legacy_set(struct store *bs, const char *table, int64_t id, const struct store_link *l)
{
	/* Fixed statements: the table's name is never put into SQL. */
	const char *sql = strcmp(table, "appointment") == 0 ?
	                  "UPDATE appointment SET dkey = ?2, rk = ?3, seeker_sealed = ?4 WHERE id = ?1" :
	                  strcmp(table, "series") == 0 ?
	                  "UPDATE series SET dkey = ?2, rk = ?3, seeker_sealed = ?4 WHERE id = ?1" :
	                  strcmp(table, "waitlist") == 0 ?
	                  "UPDATE waitlist SET dkey = ?2, rk = ?3, seeker_sealed = ?4 WHERE id = ?1" : NULL;

	if (!sql) {
		store_error("sealing a row: no table %s", table);
		return -1;
	}
	return sq_run(S(bs), "sealing who booked", NULL, NULL, sql, "iiBB", id, l->dkey, l->rk,
		      (size_t)STORE_RK_BYTES, l->sealed, l->sealed_n);
}

int
sq_wipe_checkpoint(struct store *bs)
{
	struct store_sqlite *s = S(bs);
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	if (s->in_user_tx || !sqlite3_get_autocommit(s->db)) {
		store_error("checkpointing: a transaction is open");
		rc = -1;
	} else {
		int got = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

		/* BUSY: another connection reads the log; SQLite's own next
		 * checkpoint writes it back. */
		if (got != SQLITE_OK && got != SQLITE_BUSY)
			rc = sq_fail(s, "checkpointing");
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}
