/*
 * requests.c: consultation requests, from a seeker to a therapist, and
 * their answers, in their sealed form (store.h, struct store_request):
 * the seeker's account, name, message and answer are BLOBs app/requests.c
 * sealed; the store sees the seeker's data key number (dkey), never who.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

int
sq_request_add(struct store *bs, struct store_request *rq)
{
	return sq_run(S(bs), "storing a request", sq_row_int64, &rq->id,
		      "INSERT INTO request (rk, dkey, seeker, seeker_name, therapist_id, message, "
		      "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id", "BiBBtBi",
		      rq->rk, (size_t)STORE_RK_BYTES, rq->dkey, rq->s_seeker, rq->s_seeker_n,
		      rq->s_name, rq->s_name_n, rq->therapist_id, rq->s_message, rq->s_message_n,
		      rq->created_at);
}

struct request_rows {
	store_request_fn fn;
	void *arg;
	int *found;
};

/* A sealed column: its bytes and length (a TEXT value of a row from
 * before issue 11 is given as it is: it does not open). */
static const void *
blob_col(sqlite3_stmt *st, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(st, col);

	*n = p ? (size_t)sqlite3_column_bytes(st, col) : 0;
	return p;
}

static int
row_request(sqlite3_stmt *st, void *arg)
{
	struct request_rows *x = arg;
	struct store_request rq;

	memset(&rq, 0, offsetof(struct store_request, message));
	rq.message[0] = rq.answer[0] = '\0';
	rq.gone = 0;
	rq.id = sqlite3_column_int64(st, 0);
	if (sqlite3_column_bytes(st, 1) == STORE_RK_BYTES)
		memcpy(rq.rk, sqlite3_column_blob(st, 1), STORE_RK_BYTES);
	else
		memset(rq.rk, 0, sizeof(rq.rk));
	rq.dkey = sqlite3_column_int64(st, 2);
	rq.s_seeker = blob_col(st, 3, &rq.s_seeker_n);
	rq.s_name = blob_col(st, 4, &rq.s_name_n);
	sq_copy_col(rq.therapist_id, sizeof(rq.therapist_id), st, 5);
	rq.s_message = blob_col(st, 6, &rq.s_message_n);
	rq.s_answer = blob_col(st, 7, &rq.s_answer_n);
	rq.created_at = sqlite3_column_int64(st, 8);
	rq.answered_at = sqlite3_column_int64(st, 9);
	if (x->found)
		*x->found = 1;
	return x->fn(x->arg, &rq);
}

#define REQUEST_COLS "id, rk, dkey, seeker, seeker_name, therapist_id, message, answer, " \
	"created_at, answered_at"

int
sq_requests_of_seeker(struct store *bs, int64_t dkey, int max, store_request_fn fn, void *arg)
{
	struct request_rows x = {fn, arg, NULL};

	return sq_run(S(bs), "reading requests", row_request, &x,
		      "SELECT " REQUEST_COLS " FROM request WHERE dkey = ?1 "
		      "ORDER BY created_at DESC, id DESC LIMIT ?2", "ii", dkey, (int64_t)max);
}

int
sq_requests_to_therapist(struct store *bs, const char *tid, int64_t before_id, int max,
                         store_request_fn fn, void *arg)
{
	struct request_rows x = {fn, arg, NULL};

	/* Ids grow with time: id order is the order they were sent in, and a
	 * page ends at an id, so a request arriving meanwhile moves nothing. */
	return sq_run(S(bs), "reading requests", row_request, &x,
		      "SELECT " REQUEST_COLS " FROM request WHERE therapist_id = ?1 AND id < ?2 "
		      "ORDER BY id DESC LIMIT ?3", "tii", tid,
		      before_id > 0 ? before_id : INT64_MAX, (int64_t)max);
}

int
sq_request_get(struct store *bs, int64_t id, const char *tid, store_request_fn fn, void *arg,
               int *found)
{
	struct request_rows x = {fn, arg, found};

	*found = 0;
	return sq_run(S(bs), "reading a request", row_request, &x,
		      "SELECT " REQUEST_COLS " FROM request WHERE id = ?1 AND therapist_id = ?2",
		      "it", id, tid);
}

int
sq_request_answer(struct store *bs, int64_t id, const char *tid, const void *answer, size_t n,
                  int64_t now, int *found)
{
	int rc;

	*found = 0;
	rc = sq_run(S(bs), "answering a request", sq_row_one, found,
		    "UPDATE request SET answer = ?1, answered_at = ?2 "
		    "WHERE id = ?3 AND therapist_id = ?4 RETURNING 1", "Biit",
		    answer, n, now, id, tid);
	if (rc)
		*found = 0;
	return rc;
}

static int
row_legacy_request(sqlite3_stmt *st, void *arg)
{
	struct request_rows *x = arg;
	struct store_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.id = sqlite3_column_int64(st, 0);
	rq.seeker = sqlite3_column_int64(st, 1);
	sq_copy_col(rq.seeker_name, sizeof(rq.seeker_name), st, 2);
	sq_copy_col(rq.therapist_id, sizeof(rq.therapist_id), st, 3);
	sq_copy_col(rq.message, sizeof(rq.message), st, 4);
	sq_copy_col(rq.answer, sizeof(rq.answer), st, 5);
	rq.created_at = sqlite3_column_int64(st, 6);
	rq.answered_at = sqlite3_column_int64(st, 7);
	return x->fn(x->arg, &rq);
}

int
sq_requests_legacy(struct store *bs, store_request_fn fn, void *arg)
{
	struct request_rows x = {fn, arg, NULL};

	return sq_run(S(bs), "reading requests", row_legacy_request, &x,
		      "SELECT id, seeker_id, seeker_name, therapist_id, message, answer, created_at, "
		      "answered_at FROM request WHERE rk IS NULL ORDER BY id", "");
}

int
sq_request_seal(struct store *bs, const struct store_request *rq)
{
	return sq_run(S(bs), "sealing a request", NULL, NULL,
		      "UPDATE request SET rk = ?2, dkey = ?3, seeker = ?4, seeker_name = ?5, "
		      "message = ?6, answer = ?7, seeker_id = NULL WHERE id = ?1", "iBiBBBB",
		      rq->id, rq->rk, (size_t)STORE_RK_BYTES, rq->dkey, rq->s_seeker, rq->s_seeker_n,
		      rq->s_name, rq->s_name_n, rq->s_message, rq->s_message_n,
		      rq->s_answer ? rq->s_answer : "", rq->s_answer_n);
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

int
sq_requests_unanswered(struct store *bs, const char *tid, int64_t *at, int max, int *n)
{
	struct times t = {at, max, n};

	*n = 0;
	return sq_run(S(bs), "counting unanswered requests", row_time, &t,
		      "SELECT created_at FROM request WHERE therapist_id = ?1 AND answered_at = 0 "
		      "ORDER BY created_at LIMIT ?2", "ti", tid, (int64_t)max);
}
