/*
 * requests.c: consultation requests, from a seeker to a therapist, and
 * their answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

int
sq_request_add(struct store *bs, struct store_request *rq)
{
	return sq_run(S(bs), "storing a request", sq_row_int64, &rq->id,
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
	sq_copy_col(rq.seeker_name, sizeof(rq.seeker_name), st, 2);
	sq_copy_col(rq.therapist_id, sizeof(rq.therapist_id), st, 3);
	sq_copy_col(rq.message, sizeof(rq.message), st, 4);
	sq_copy_col(rq.answer, sizeof(rq.answer), st, 5);
	rq.created_at = sqlite3_column_int64(st, 6);
	rq.answered_at = sqlite3_column_int64(st, 7);
	return x->fn(x->arg, &rq);
}

#define REQUEST_COLS "id, seeker_id, seeker_name, therapist_id, message, answer, created_at, answered_at"

int
sq_requests_of_seeker(struct store *bs, int64_t seeker, int max, store_request_fn fn, void *arg)
{
	struct request_rows x = {fn, arg};

	return sq_run(S(bs), "reading requests", row_request, &x,
		      "SELECT " REQUEST_COLS " FROM request WHERE seeker_id = ?1 "
		      "ORDER BY created_at DESC, id DESC LIMIT ?2", "ii", seeker, (int64_t)max);
}

int
sq_requests_to_therapist(struct store *bs, const char *tid, int64_t before_id, int max,
                         store_request_fn fn, void *arg)
{
	struct request_rows x = {fn, arg};

	/* Ids grow with time: id order is the order they were sent in, and a
	 * page ends at an id, so a request arriving meanwhile moves nothing. */
	return sq_run(S(bs), "reading requests", row_request, &x,
		      "SELECT " REQUEST_COLS " FROM request WHERE therapist_id = ?1 AND id < ?2 "
		      "ORDER BY id DESC LIMIT ?3", "tii", tid,
		      before_id > 0 ? before_id : INT64_MAX, (int64_t)max);
}

int
sq_request_answer(struct store *bs, int64_t id, const char *tid, const char *answer,
                  int64_t now, int64_t *seeker)
{
	int rc;

	*seeker = 0;
	rc = sq_run(S(bs), "answering a request", sq_row_int64, seeker,
		    "UPDATE request SET answer = ?1, answered_at = ?2 "
		    "WHERE id = ?3 AND therapist_id = ?4 RETURNING seeker_id", "tiit",
		    answer, now, id, tid);
	if (rc)
		*seeker = 0;
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

int
sq_requests_unanswered(struct store *bs, const char *tid, int64_t *at, int max, int *n)
{
	struct times t = {at, max, n};

	*n = 0;
	return sq_run(S(bs), "counting unanswered requests", row_time, &t,
		      "SELECT created_at FROM request WHERE therapist_id = ?1 AND answered_at = 0 "
		      "ORDER BY created_at LIMIT ?2", "ti", tid, (int64_t)max);
}
