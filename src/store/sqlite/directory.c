/*
 * directory.c: the directory as `chiron import` writes it and the index
 * reads it: organizations and therapists' packed records, by statements
 * prepared at open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

int
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
	rc = sq_step_done(s, st, "storing an organization");
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int
sq_put_therapist(struct store *bs, const char *id, const void *p, size_t n)
{
	struct store_sqlite *s = S(bs);
	sqlite3_stmt *st = s->put_therapist;
	int rc;

	pthread_mutex_lock(&s->lock);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, p, (int)n, SQLITE_STATIC);
	rc = sq_step_done(s, st, "storing a therapist");
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int
sq_remove(struct store *bs, const char *id, int *found)
{
	struct store_sqlite *s = S(bs);

	int rc = -1;

	*found = 0;
	pthread_mutex_lock(&s->lock);
	sqlite3_bind_text(s->del_org, 1, id, -1, SQLITE_STATIC);
	if (sq_step_done(s, s->del_org, "deleting an organization"))
		goto out;
	*found += sqlite3_changes(s->db);
	sqlite3_bind_text(s->del_therapist, 1, id, -1, SQLITE_STATIC);
	if (sq_step_done(s, s->del_therapist, "deleting a therapist"))
		goto out;
	*found += sqlite3_changes(s->db);
	*found = *found > 0;
	rc = 0;
out:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int
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
		stop = rc == SQLITE_DONE ? 0 : sq_fail(s, "reading organizations");
	sqlite3_reset(st);
	pthread_mutex_unlock(&s->lock);
	return stop;
}

int
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
		stop = rc == SQLITE_DONE ? 0 : sq_fail(s, "reading therapists");
	sqlite3_reset(st);
	pthread_mutex_unlock(&s->lock);
	return stop;
}

int
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
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq_fail(s, "reading a therapist");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}
