/*
 * schedule.c: a therapist's schedule (session types, notice) and the
 * dated ranges it is closed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

static int
row_session_type(sqlite3_stmt *st, void *arg)
{
	struct store_schedule *sc = arg;
	struct store_session_type *t;

	if (sc->n_types == STORE_SESSION_TYPES)
		return 1;
	t = &sc->types[sc->n_types++];
	sq_copy_col(t->kind, sizeof(t->kind), st, 0);
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
	((struct store_schedule *)f->out)->booking_notice_hours = sqlite3_column_int(st, 1);
	*f->found = 1;
	return 1;
}

int
sq_schedule_get(struct store *bs, const char *tid, struct store_schedule *out, int *found)
{
	struct found f = {out, found};
	int rc;

	memset(out, 0, sizeof(*out));
	*found = 0;
	rc = sq_run(S(bs), "reading the schedule", row_notice, &f,
		    "SELECT notice_hours, booking_notice_hours FROM schedule_setting WHERE therapist_id = ?1", "t", tid);
	if (rc == 0)
		rc = sq_run(S(bs), "reading the session types", row_session_type, out,
			    "SELECT kind, minutes, step, capacity FROM session_type WHERE therapist_id = ?1 "
			    "ORDER BY CASE kind WHEN 'consultation' THEN 0 WHEN 'individual' THEN 1 "
			    "WHEN 'couples' THEN 2 ELSE 3 END", "t", tid);
	return rc;
}

int
sq_schedule_put(struct store *bs, const char *tid, const struct store_schedule *in, int64_t now)
{
	struct store_sqlite *s = S(bs);
	int rc, i;

	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "saving the schedule", NULL, NULL,
		    "INSERT INTO schedule_setting (therapist_id, notice_hours, booking_notice_hours, updated_at) "
		    "VALUES (?1, ?2, ?3, ?4) "
		    "ON CONFLICT (therapist_id) DO UPDATE SET notice_hours = excluded.notice_hours, "
		    "booking_notice_hours = excluded.booking_notice_hours, updated_at = excluded.updated_at",
		    "tiii", tid, (int64_t)in->notice_hours, (int64_t)in->booking_notice_hours, now);
	if (rc == 0)
		rc = sq_run(s, "saving the schedule", NULL, NULL,
			    "DELETE FROM session_type WHERE therapist_id = ?1", "t", tid);
	for (i = 0; rc == 0 && i < in->n_types; i++)
		rc = sq_run(s, "saving a session type", NULL, NULL,
			    "INSERT INTO session_type (therapist_id, kind, minutes, step, capacity) "
			    "VALUES (?1, ?2, ?3, ?4, ?5)", "ttiii", tid, in->types[i].kind,
			    (int64_t)in->types[i].minutes, (int64_t)in->types[i].step,
			    (int64_t)in->types[i].capacity);
	return sq_tx_end(s, rc);
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
	sq_copy_col(c.note, sizeof(c.note), st, 5);
	return x->fn(x->arg, &c);
}

int
sq_closed_list(struct store *bs, const char *tid, int64_t from_day, store_closed_fn fn, void *arg)
{
	struct closed_rows x = {fn, arg};

	return sq_run(S(bs), "reading closures", row_closed, &x,
		      "SELECT id, first_day, last_day, start_min, end_min, note FROM closed_range "
		      "WHERE therapist_id = ?1 AND last_day >= ?2 ORDER BY first_day, start_min LIMIT 500",
		      "ti", tid, from_day);
}

int
sq_closed_add(struct store *bs, const char *tid, struct store_closed *c)
{
	struct store_sqlite *s = S(bs);
	int rc;

	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "adding a closure", NULL, NULL,
		    "INSERT INTO closed_range (therapist_id, first_day, last_day, start_min, end_min, note) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "tiiiit", tid, c->first_day, c->last_day,
		    (int64_t)c->start_min, (int64_t)c->end_min, c->note);
	if (rc == 0)
		c->id = sqlite3_last_insert_rowid(s->db);
	return sq_tx_end(s, rc);
}

int
sq_closed_delete(struct store *bs, const char *tid, int64_t id, int *found)
{
	struct store_sqlite *s = S(bs);
	int rc;

	*found = 0;
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "removing a closure", NULL, NULL,
		    "DELETE FROM closed_range WHERE id = ?1 AND therapist_id = ?2", "it", id, tid);
	if (rc == 0)
		*found = sqlite3_changes(s->db) > 0;
	return sq_tx_end(s, rc);
}
