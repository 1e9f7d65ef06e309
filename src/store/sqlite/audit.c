/*
 * audit.c: the audit trail's rows (store.h, app/audit.c for the design).
 *
 * The engine knows nothing of keys or of what an entry means: it keeps
 * the rows as given and serializes appends. An append reads the head and
 * inserts the next entry in one write transaction (BEGIN IMMEDIATE takes
 * SQLite's write lock at once), so two threads, or two processes on one
 * database file, never link two entries to the same head.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

#define AUDIT_COLS "seq, at, kind, what, subject, rk, detail, addr, hash"

static bool
all_zero(const unsigned char *p, size_t n)
{
	unsigned char acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* A blob column into dst (n bytes, zero-filled when shorter or NULL). */
static size_t
copy_blob(unsigned char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const void *v = sqlite3_column_blob(st, col);
	size_t len = (size_t)sqlite3_column_bytes(st, col);

	memset(dst, 0, n);
	if (!v)
		return 0;
	if (len > n)
		len = n;
	memcpy(dst, v, len);
	return len;
}

/* One row of AUDIT_COLS into a struct store_audit (arg). */
static void
audit_read(sqlite3_stmt *st, struct store_audit *e)
{
	memset(e, 0, sizeof(*e));
	e->seq = sqlite3_column_int64(st, 0);
	e->at = sqlite3_column_int64(st, 1);
	sq_copy_col(e->kind, sizeof(e->kind), st, 2);
	sq_copy_col(e->what, sizeof(e->what), st, 3);
	copy_blob(e->subject, sizeof(e->subject), st, 4);
	copy_blob(e->rk, sizeof(e->rk), st, 5);
	e->detail_n = copy_blob(e->detail, sizeof(e->detail), st, 6);
	copy_blob(e->addr, sizeof(e->addr), st, 7);
	copy_blob(e->hash, sizeof(e->hash), st, 8);
}

struct head {
	int64_t seq;
	unsigned char *hash;
};

static int
head_row(sqlite3_stmt *st, void *arg)
{
	struct head *h = arg;

	h->seq = sqlite3_column_int64(st, 0);
	copy_blob(h->hash, 32, st, 1);
	return 1;
}

int
sq_audit_head(struct store *bs, int64_t *seq, unsigned char hash[32])
{
	struct head h = {0, hash};
	int rc;

	memset(hash, 0, 32);
	rc = sq_run(S(bs), "reading the audit trail's head", head_row, &h,
	            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", "");
	*seq = h.seq;
	return rc;
}

int
sq_audit_append(struct store *bs, struct store_audit *e, store_audit_chain_fn chain, void *arg)
{
	struct store_sqlite *s = S(bs);
	unsigned char prev[32];
	bool nested;
	int rc = -1;

	if (e->detail_n > sizeof(e->detail)) {
		store_error("an audit entry's detail is too long");
		return -1;
	}
	pthread_mutex_lock(&s->lock);
	/* Inside store_begin's transaction (this thread holds it: the lock
	 * is ours) a savepoint; otherwise a write transaction of its own. */
	nested = !sqlite3_get_autocommit(s->db);
	if (sq_exec(s, nested ? "SAVEPOINT audit_append" : "BEGIN IMMEDIATE"))
		goto unlock;
	if (sq_audit_head(bs, &e->seq, prev))
		goto undo;
	e->seq++;
	if (chain(arg, prev, e)) {
		store_error("linking an audit entry failed");
		goto undo;
	}
	rc = sq_run(s, "writing an audit entry", NULL, NULL,
	            "INSERT INTO audit (" AUDIT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	            "iittBBBBb", e->seq, e->at, e->kind, e->what,
	            all_zero(e->subject, 32) ? NULL : (const void *)e->subject,
	            all_zero(e->subject, 32) ? (size_t)0 : (size_t)32,
	            (const void *)e->rk, sizeof(e->rk), (const void *)e->detail, e->detail_n,
	            all_zero(e->addr, sizeof(e->addr)) ? NULL : (const void *)e->addr,
	            all_zero(e->addr, sizeof(e->addr)) ? (size_t)0 : sizeof(e->addr), e->hash);
	if (rc)
		goto undo;
	if (sq_exec(s, nested ? "RELEASE audit_append" : "COMMIT")) {
		rc = -1;
		goto undo;
	}
	goto unlock;
undo:
	{
		char why[512];

		rc = -1;
		snprintf(why, sizeof(why), "%s", store_errmsg(bs));
		if (nested) {
			sq_exec(s, "ROLLBACK TO audit_append");
			sq_exec(s, "RELEASE audit_append");
		} else if (!sqlite3_get_autocommit(s->db)) {
			sq_exec(s, "ROLLBACK");
		}
		store_error("%s", why);
	}
unlock:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

struct rows {
	store_audit_fn fn;
	void *arg;
	struct store_audit e;
};

static int
each_row(sqlite3_stmt *st, void *arg)
{
	struct rows *x = arg;

	audit_read(st, &x->e);
	return x->fn(x->arg, &x->e);
}

int
sq_audit_scan(struct store *bs, int64_t after, store_audit_fn fn, void *arg)
{
	struct rows *x = malloc(sizeof(*x));
	int rc;

	if (!x) {
		store_error("out of memory");
		return -1;
	}
	x->fn = fn;
	x->arg = arg;
	rc = sq_run(S(bs), "reading the audit trail", each_row, x,
	            "SELECT " AUDIT_COLS " FROM audit WHERE seq > ?1 ORDER BY seq", "i", after);
	free(x);
	return rc;
}

int
sq_audit_of_subject(struct store *bs, const unsigned char subject[32], int64_t before, int max,
                    store_audit_fn fn, void *arg)
{
	struct rows *x = malloc(sizeof(*x));
	int rc;

	if (!x) {
		store_error("out of memory");
		return -1;
	}
	x->fn = fn;
	x->arg = arg;
	rc = sq_run(S(bs), "reading the audit trail", each_row, x,
	            "SELECT " AUDIT_COLS " FROM audit WHERE subject = ?1 AND seq < ?2 "
	            "ORDER BY seq DESC LIMIT ?3", "bii", subject, before > 0 ? before : INT64_MAX,
	            (int64_t)max);
	free(x);
	return rc;
}
