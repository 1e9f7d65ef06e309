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

/* The sealed note (rk at col, note_sealed at col + 1); the clear one stays empty. */
static void
read_note(sqlite3_stmt *st, int col, struct store_closed *c)
{
	const void *rk = sqlite3_column_blob(st, col);
	const void *sealed = sqlite3_column_blob(st, col + 1);
	int n = sqlite3_column_bytes(st, col + 1);

	c->note[0] = '\0';
	memset(c->rk, 0, sizeof(c->rk));
	if (rk && sqlite3_column_bytes(st, col) == STORE_RK_BYTES)
		memcpy(c->rk, rk, STORE_RK_BYTES);
	c->note_sealed_n = 0;
	if (sealed && n > 0) {
		/* Too long to be a sealed note: one byte of it, which fails to open. */
		c->note_sealed_n = (size_t)n <= sizeof(c->note_sealed) ? (size_t)n : 1;
		memcpy(c->note_sealed, sealed, c->note_sealed_n);
	}
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
	read_note(st, 5, &c);
	return x->fn(x->arg, &c);
}

int
sq_closed_list(struct store *bs, const char *tid, int64_t from_day, store_closed_fn fn, void *arg)
{
	struct closed_rows x = {fn, arg};

	return sq_run(S(bs), "reading closures", row_closed, &x,
		      "SELECT id, first_day, last_day, start_min, end_min, rk, note_sealed FROM closed_range "
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
		    "INSERT INTO closed_range (therapist_id, first_day, last_day, start_min, end_min, "
		    "rk, note_sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", "tiiiiBB", tid, c->first_day,
		    c->last_day, (int64_t)c->start_min, (int64_t)c->end_min, c->rk, (size_t)STORE_RK_BYTES,
		    c->note_sealed, c->note_sealed_n);
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

/* ----------------------------------------------------------------------
 * Notes of an older chiron, sealed once at start
 * ---------------------------------------------------------------------- */

struct legacy_note {
	char tid[72];
	struct store_closed c;
};

struct legacy_notes {
	struct legacy_note *v;
	size_t n, cap;
	int oom;
};

static int
row_legacy_note(sqlite3_stmt *st, void *arg)
{
	struct legacy_notes *x = arg;
	struct legacy_note *l = VEC_PUSH(x->v, x->n, x->cap);

	if (!l) {
		x->oom = 1;
		return 1;
	}
	memset(l, 0, sizeof(*l));
	l->c.id = sqlite3_column_int64(st, 0);
	sq_copy_col(l->tid, sizeof(l->tid), st, 1);
	sq_copy_col(l->c.note, sizeof(l->c.note), st, 2);
	return 0;
}

int
sq_closed_legacy(struct store *bs, int (*fn)(void *arg, const char *tid, const struct store_closed *c),
                 void *arg)
{
	struct legacy_notes x = {NULL, 0, 0, 0};
	int rc = sq_run(S(bs), "reading notes to seal", row_legacy_note, &x,
			"SELECT id, therapist_id, note FROM closed_range WHERE note != ''", "");
	size_t i;

	if (rc == 0 && x.oom)
		rc = sq_fail(S(bs), "out of memory reading notes to seal");
	for (i = 0; rc == 0 && i < x.n; i++)
		if (fn(arg, x.v[i].tid, &x.v[i].c))
			rc = -1;
	free(x.v);
	return rc;
}

int
sq_closed_legacy_set(struct store *bs, const struct store_closed *c)
{
	return sq_run(S(bs), "sealing a closure's note", NULL, NULL,
		      "UPDATE closed_range SET rk = ?2, note_sealed = ?3, note = '' WHERE id = ?1", "iBB",
		      c->id, c->rk, (size_t)STORE_RK_BYTES, c->note_sealed, c->note_sealed_n);
}
