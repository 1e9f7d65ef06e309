/*
 * requests.c: consultation requests (app/requests.h). A signed-in
 * clinician sends a short message to one therapist's listing, under their
 * pseudonym unless they choose to add their email; the therapist holding
 * that listing answers.
 *
 * States: sent, then answered (once; the answer is final). A request sent
 * to a listing whose claim is not yet verified waits for its verified
 * holder; one left unanswered for 5 business days counts against the
 * listing, visibly (listing_standing_get).
 *
 * Who: anyone signed in sends (throttled, 30 an hour per account, 100 per
 * address), but not to a hidden listing; only the sender lists what they
 * sent, and only the verified holder of the listing lists and answers
 * what it received. To anyone else a request does not exist: an answer
 * from another therapist, the sender or an admin is a 404, exactly as for
 * a request that was never sent.
 *
 * What it stores: the message, the answer, the listing, the sender's
 * account and the name they chose to show, the times. Never: the
 * sender's searches, affiliations or saved profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/record.h"
#include "app/services.h"
#include "app/secret.h"
#include "app/throttle.h"

/* One clinician may send 30 requests an hour; one address 100. */
#define REQUESTS_PER_ACCOUNT 30
#define REQUESTS_PER_ADDRESS 100

/*
 * Mails the verified holder of listing tid that a request came from the
 * pseudonym `from` (never the words, nor the email a sender revealed: the
 * mail says where to read them). A claim still waiting hears nothing: its
 * requests wait for the verified holder. A failed mail fails nothing.
 */
static void
tell_holder(struct ctx *cx, const char *tid, const char *from)
{
	struct store_listing l;
	struct store_user u;
	int found = 0;

	if (STORE_CALL(cx->sv->store, listing_get, tid, &l, &found) || !found || !l.verified_at)
		return;
	if (STORE_CALL(cx->sv->store, user_get, l.user, &u, &found) || !found)
		return;
	notify_request_new(cx->sv, u.email, from);
}

int
send_request(struct ctx *cx, const struct actor *who, const struct request_in *in, struct store_request *out,
             struct refusal *why)
{
	struct store_user u;
	char party[40];
	int found, hidden = 0;

	if (!who->id)
		return refuse(why, 401, "", "sign in to send a request");
	if (!in->therapist_id || !record_id_ok(in->therapist_id))
		return refuse(why, 404, "therapist_id", "no therapist has this id");
	if (!in->message || !*in->message)
		return refuse(why, 400, "message", "write your message to the therapist: it is empty");
	if (strlen(in->message) > MESSAGE_MAX)
		return refuse(why, 400, "message", "your message is too long: keep it to 2000 characters");
	snprintf(party, sizeof(party), "user:%lld", (long long)who->id);
	if (throttled_party(cx, "request", party, REQUESTS_PER_ACCOUNT, 3600) ||
	    throttled_address(cx, who, "request", REQUESTS_PER_ADDRESS, 3600)) {
		refuse(why, 429, "", "you sent many requests in the last hour; try again later");
		why->retry_after = 3600;
		return 1;
	}
	memset(out, 0, sizeof(*out));
	out->seeker = who->id;
	snprintf(out->seeker_name, sizeof(out->seeker_name), "%s", who->handle);
	if (in->reveal) {
		if (STORE_CALL(cx->sv->store, user_get, who->id, &u, &found))
			return -1;
		if (found)
			snprintf(out->seeker_name, sizeof(out->seeker_name), "%.20s <%.40s>", u.handle,
			         u.email);
	}
	snprintf(out->therapist_id, sizeof(out->therapist_id), "%s", in->therapist_id);
	snprintf(out->message, sizeof(out->message), "%s", in->message);
	out->created_at = ctx_now(cx);
	/* A hidden listing (by an admin, or made by a claimant not yet
	 * verified) takes no requests: its page is not shown either. */
	if (!listing_exists(cx, in->therapist_id) ||
	    STORE_CALL(cx->sv->store, listing_hidden, in->therapist_id, &hidden))
		return refuse(why, 404, "therapist_id", "no therapist has this id");
	if (hidden)
		return refuse(why, 404, "therapist_id", "no therapist has this id");
	if (STORE_CALL(cx->sv->store, request_add, out))
		return -1;
	tell_holder(cx, in->therapist_id, who->handle);
	return 0;
}

int
answer_request(struct ctx *cx, const struct actor *who, const char *id, const char *answer, struct refusal *why)
{
	char *end;
	long long n = id ? strtoll(id, &end, 10) : 0;
	int64_t seeker = 0;
	struct store_user u;
	int found = 0;

	if (!id || *end || n <= 0)
		return refuse(why, 404, "", "no such request");
	if (!answer || !*answer)
		return refuse(why, 400, "answer", "write your answer: it is empty");
	if (strlen(answer) > MESSAGE_MAX)
		return refuse(why, 400, "answer", "your answer is too long: keep it to 2000 characters");
	if (!who->therapist_id[0] ||
	    STORE_CALL(cx->sv->store, request_answer, (int64_t)n, who->therapist_id, answer,
	               ctx_now(cx), &seeker))
		seeker = 0;
	/* Another therapist's request looks exactly like a missing one. */
	if (!seeker)
		return refuse(why, 404, "", "no such request");
	if (audit_note(cx, who, AUDIT_WRITE, "request", id, seeker))
		return -1;
	/* The sender hears who answered, never the words (notify.h says why). */
	if (STORE_CALL(cx->sv->store, user_get, seeker, &u, &found) == 0 && found)
		notify_request_answered(cx->sv, u.email, listing_display_name(cx, who->therapist_id));
	return 0;
}

int
requests_sent(struct ctx *cx, const struct actor *who, store_request_fn fn, void *arg)
{
	if (!who->id)
		return 0;               /* the anonymous actor sent none */
	return STORE_CALL(cx->sv->store, requests_of_seeker, who->id, REQUESTS_MAX, fn, arg);
}

/* One more row than a page is read: it says whether a next page exists. */
struct page_rows {
	store_request_fn fn;
	void *arg;
	int n;
	int64_t last, next;
};

static int
page_row(void *arg, const struct store_request *rq)
{
	struct page_rows *x = arg;

	if (x->n == REQUESTS_PAGE) {
		x->next = x->last;
		return 0;
	}
	x->n++;
	x->last = rq->id;
	return x->fn(x->arg, rq);
}

int
requests_received(struct ctx *cx, const struct actor *who, int64_t before, store_request_fn fn, void *arg,
                  int64_t *next)
{
	struct audit_rows seen;
	struct page_rows x = {audit_request_row, &seen, 0, 0, 0};
	int rc;

	*next = 0;
	if (!who->therapist_id[0])
		return 0;
	audit_rows_init(&seen, fn, arg);
	rc = STORE_CALL(cx->sv->store, requests_to_therapist, who->therapist_id, before,
	                REQUESTS_PAGE + 1, page_row, &x);
	*next = x.next;
	return rc ? rc : audit_note_rows(cx, who, "request", &seen);
}

int64_t
requests_before(const char *text)
{
	char *end;
	long long v;

	if (!text || !*text)
		return 0;
	if (*text < '1' || *text > '9' || strlen(text) > 18)
		return -1;
	v = strtoll(text, &end, 10);
	return *end ? -1 : (int64_t)v;
}
