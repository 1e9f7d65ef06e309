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
	sqlite3_close(s->db);
	free(s);
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
