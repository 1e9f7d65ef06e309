/*
 * requests.h: consultation requests a clinician sends to a listing and
 * its therapist answers (app/requests.c).
 */
#ifndef CHIRON_APP_REQUESTS_H
#define CHIRON_APP_REQUESTS_H

#include <stdbool.h>
#include <stdint.h>

#include "app/ctx.h"

#define MESSAGE_MAX 2000                /* a request's message, an answer */
#define REQUESTS_MAX 100                /* requests a clinician sent, listed */
#define REQUESTS_PAGE 50                /* requests received, listed a page at a time */

struct refusal;                         /* app/services.h */

/* What a request shows of a sender who erased their account. */
#define GONE_NAME "a person who has since closed their account"
#define GONE_MESSAGE "(This message is no longer available.)"

struct request_in {
	const char *therapist_id, *message;
	bool reveal;                    /* sign with the email, not the pseudonym */
};

/* The signed-in user asks a listing for a consultation; *out is the request. */
int send_request(struct ctx *cx, const struct actor *who, const struct request_in *in, struct store_request *out,
                 struct refusal *why);
/*
 * Stores request rq (its plain seeker, seeker_name, therapist_id, message,
 * created_at) sealed, whatever the rules: for `chiron request add`, which
 * seeds tests. Sets rq->id.
 */
int request_put(struct ctx *cx, struct store_request *rq);
/*
 * The signed-in therapist answers request id (its decimal text). 404 when
 * it is not a request to their listing: another therapist's request looks
 * exactly like a missing one. 409 when its sender has since closed their
 * account (the answer would be sealed under their destroyed key).
 */
int answer_request(struct ctx *cx, const struct actor *who, const char *id, const char *answer, struct refusal *why);
/* The requests the signed-in user sent, newest first, through fn. */
int requests_sent(struct ctx *cx, const struct actor *who, store_request_fn fn, void *arg);
/*
 * The requests sent to the signed-in therapist's listing (none without
 * one), newest first, a page of at most REQUESTS_PAGE older than request
 * before (0: the newest) through fn; *next is the before of the next
 * page, 0 when this is the last.
 */
int requests_received(struct ctx *cx, const struct actor *who, int64_t before, store_request_fn fn, void *arg,
                      int64_t *next);
/*
 * Seals the requests of a database from before issue 11 (people_seal_legacy
 * calls it inside its transaction): each gets a row key, its sender's key
 * number, and its sender's account, name, message and answer sealed; the
 * clear account is emptied.
 */
int requests_seal_legacy(struct ctx *cx);
/* A page's before from its text ("" or NULL: the first page); -1 when bad. */
int64_t requests_before(const char *text);

#endif
