/*
 * act_requests.c: consultation requests (see actions.h). A signed-in
 * clinician sends a short message to one therapist's listing, under their
 * pseudonym unless they choose to add their email; the therapist holding
 * that listing answers. No one else sees a request, and a therapist never
 * sees a seeker's affiliations or searches (they are not stored).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/record.h"
#include "web/actions.h"
#include "web/auth.h"
#include "web/pages.h"

int
send_request(struct req *r, const struct request_in *in, struct store_request *out,
             struct refusal *why)
{
	struct store_user u;
	int found, hidden = 0;

	if (!in->therapist_id || !record_id_ok(in->therapist_id))
		return refuse(why, 404, "therapist_id", "no therapist has this id");
	if (!in->message || !*in->message || strlen(in->message) > MESSAGE_MAX)
		return refuse(why, 400, "message", "write a message of 1 to 2000 characters");
	if (auth_throttled(r, "request", 2000, 3600)) {
		refuse(why, 429, "", "too many requests were sent in the last hour");
		why->retry_after = 3600;
		return 1;
	}
	memset(out, 0, sizeof(*out));
	out->seeker = r->user->id;
	snprintf(out->seeker_name, sizeof(out->seeker_name), "%s", r->user->handle);
	if (in->reveal) {
		if (STORE_CALL(r->app->store, user_get, r->user->id, &u, &found))
			return -1;
		if (found)
			snprintf(out->seeker_name, sizeof(out->seeker_name), "%.20s <%.40s>", u.handle,
			         u.email);
	}
	snprintf(out->therapist_id, sizeof(out->therapist_id), "%s", in->therapist_id);
	snprintf(out->message, sizeof(out->message), "%s", in->message);
	out->created_at = (int64_t)time(NULL);
	/* A hidden listing (by an admin, or made by a claimant not yet
	 * verified) takes no requests: its page is not shown either. */
	if (!listing_exists(r, in->therapist_id) ||
	    STORE_CALL(r->app->store, listing_hidden, in->therapist_id, &hidden))
		return refuse(why, 404, "therapist_id", "no therapist has this id");
	if (hidden)
		return refuse(why, 404, "therapist_id", "no therapist has this id");
	return STORE_CALL(r->app->store, request_add, out) ? -1 : 0;
}

int
answer_request(struct req *r, const char *id, const char *answer, struct refusal *why)
{
	char *end;
	long long n = id ? strtoll(id, &end, 10) : 0;
	int found = 0;

	if (!id || *end || n <= 0)
		return refuse(why, 404, "", "no such request");
	if (!answer || !*answer || strlen(answer) > MESSAGE_MAX)
		return refuse(why, 400, "answer", "write an answer of 1 to 2000 characters");
	if (!r->user->therapist_id[0] ||
	    STORE_CALL(r->app->store, request_answer, (int64_t)n, r->user->therapist_id, answer,
	               (int64_t)time(NULL), &found))
		found = 0;
	/* Another therapist's request looks exactly like a missing one. */
	return found ? 0 : refuse(why, 404, "", "no such request");
}

int
requests_sent(struct req *r, store_request_fn fn, void *arg)
{
	return STORE_CALL(r->app->store, requests_of_seeker, r->user->id, REQUESTS_MAX, fn, arg);
}

int
requests_received(struct req *r, store_request_fn fn, void *arg)
{
	if (!r->user->therapist_id[0])
		return 0;
	return STORE_CALL(r->app->store, requests_to_therapist, r->user->therapist_id,
	                  REQUESTS_MAX, fn, arg);
}
