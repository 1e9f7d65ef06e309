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
 *
 * Sealed (issue 11, app/seal.h): the sender's account, the name shown,
 * the message and the answer, each under the SENDER's data key, for
 * "request.<column>#<the row's random key rk>". In the clear: the
 * listing (the therapist's inbox keys on it), the times, and the
 * sender's data key number (dkey), which groups a sender's requests for
 * their own list without naming them. A value that does not open fails
 * the whole list (seal_failed: the request answers 500, nothing half
 * shown); a sender who erased their account (key destroyed) shows as
 * GONE_NAME, their message unavailable, and can no longer be answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/record.h"
#include "app/seal.h"
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
	if (account_get(cx, l.user, &u, &found) || !found || !u.email[0])
		return;
	notify_request_new(cx->sv, u.email, from);
}

/* Seals text for column of request rk under kid into the arena: *out, *n. */
static int
seal_col(struct ctx *cx, int64_t kid, const unsigned char *rk, const char *column,
         const char *text, const void **out, size_t *n)
{
	struct buf b = BUF_INIT;
	void *p;

	if (seal_put(cx, kid, "request", column, rk, SEAL_RK_BYTES, text, strlen(text), &b)) {
		buf_free(&b);
		return -1;
	}
	p = arena_alloc(cx->a, b.len ? b.len : 1);
	if (p)
		memcpy(p, b.p, b.len);
	*out = p;
	*n = b.len;
	buf_free(&b);
	return p ? 0 : -1;
}

/*
 * Seals the plain fields of rq (seeker, seeker_name, message, answer when
 * answered) into its sealed form under the seeker's key, with a new row
 * key. The blobs live in the call's arena.
 */
static int
request_seal_fields(struct ctx *cx, struct store_request *rq)
{
	char uid[24];

	if (seal_user_key(cx, rq->seeker, &rq->dkey))
		return -1;
	seal_rk(rq->rk);
	snprintf(uid, sizeof(uid), "%lld", (long long)rq->seeker);
	if (seal_col(cx, rq->dkey, rq->rk, "seeker", uid, &rq->s_seeker, &rq->s_seeker_n) ||
	    seal_col(cx, rq->dkey, rq->rk, "seeker_name", rq->seeker_name, &rq->s_name,
	             &rq->s_name_n) ||
	    seal_col(cx, rq->dkey, rq->rk, "message", rq->message, &rq->s_message,
	             &rq->s_message_n))
		return -1;
	if (rq->answered_at &&
	    seal_col(cx, rq->dkey, rq->rk, "answer", rq->answer, &rq->s_answer, &rq->s_answer_n))
		return -1;
	return 0;
}

/* Opens column of rq (blob p, n bytes) into out (cap bytes). */
static enum seal_result
open_col(struct ctx *cx, const struct store_request *rq, const char *column, const void *p,
         size_t n, char *out, size_t cap)
{
	struct buf b = BUF_INIT;
	enum seal_result r;

	out[0] = '\0';
	/* Every value of a row is under the key its dkey names: one moved
	 * in from another person's row does not pass for theirs. */
	if (seal_kid_of(p, n) != rq->dkey)
		return SEAL_BAD;
	r = seal_open(cx, "request", column, rq->rk, SEAL_RK_BYTES, p, n, &b, NULL);
	if (r == SEAL_OK)
		snprintf(out, cap, "%s", b.p ? b.p : "");
	if (b.p)
		sodium_memzero(b.p, b.len);
	buf_free(&b);
	return r;
}

/*
 * The plain view of a stored request: *plain filled from *rq, opened.
 * with_seeker opens the sender's account too (plain->seeker). 0, or -1
 * when a value does not open (seal_failed). A sender who erased their
 * account gives plain->gone, GONE_NAME and no message.
 */
static int
request_open(struct ctx *cx, const struct store_request *rq, bool with_seeker,
             struct store_request *plain)
{
	enum seal_result r;

	plain->id = rq->id;
	plain->seeker = 0;
	snprintf(plain->therapist_id, sizeof(plain->therapist_id), "%s", rq->therapist_id);
	plain->created_at = rq->created_at;
	plain->answered_at = rq->answered_at;
	plain->gone = 0;
	memcpy(plain->rk, rq->rk, sizeof(rq->rk));
	plain->dkey = rq->dkey;
	plain->s_seeker = plain->s_name = plain->s_message = plain->s_answer = NULL;
	plain->s_seeker_n = plain->s_name_n = plain->s_message_n = plain->s_answer_n = 0;
	plain->answer[0] = '\0';
	r = open_col(cx, rq, "seeker_name", rq->s_name, rq->s_name_n, plain->seeker_name,
	             sizeof(plain->seeker_name));
	if (r == SEAL_GONE) {
		plain->gone = 1;
		snprintf(plain->seeker_name, sizeof(plain->seeker_name), "%s", GONE_NAME);
		snprintf(plain->message, sizeof(plain->message), "%s", GONE_MESSAGE);
		return 0;
	}
	if (r == SEAL_OK)
		r = open_col(cx, rq, "message", rq->s_message, rq->s_message_n, plain->message,
		             sizeof(plain->message));
	if (r == SEAL_OK && rq->answered_at)
		r = open_col(cx, rq, "answer", rq->s_answer, rq->s_answer_n, plain->answer,
		             sizeof(plain->answer));
	if (r == SEAL_OK && with_seeker) {
		char uid[24], *end;

		r = open_col(cx, rq, "seeker", rq->s_seeker, rq->s_seeker_n, uid, sizeof(uid));
		if (r == SEAL_OK) {
			plain->seeker = strtoll(uid, &end, 10);
			if (*end || plain->seeker <= 0)
				r = SEAL_BAD;
		}
	}
	if (r == SEAL_GONE) {
		/* Its key went between two opens: erased all the same. */
		plain->gone = 1;
		plain->seeker = 0;
		snprintf(plain->seeker_name, sizeof(plain->seeker_name), "%s", GONE_NAME);
		snprintf(plain->message, sizeof(plain->message), "%s", GONE_MESSAGE);
		plain->answer[0] = '\0';
		return 0;
	}
	if (r != SEAL_OK)
		return seal_failed("consultation request %lld", (long long)rq->id);
	return 0;
}

/* A list's rows opened on their way to the caller's fn (or kept: keep_row). */
struct open_rows {
	struct ctx *cx;
	store_request_fn fn;
	void *arg;
	int bad;
	struct store_request plain;
	bool with_seeker;               /* the sender's account opened too (the audit trail) */
};

static int
open_row(void *arg, const struct store_request *rq)
{
	struct open_rows *x = arg;

	if (request_open(x->cx, rq, x->with_seeker, &x->plain)) {
		x->bad = 1;
		return 1;
	}
	return x->fn(x->arg, &x->plain);
}

/* The one row of request_get, opened with its sender's account. */
static int
keep_row(void *arg, const struct store_request *rq)
{
	struct open_rows *x = arg;

	if (request_open(x->cx, rq, true, &x->plain))
		x->bad = 1;
	return 1;
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
		if (account_get(cx, who->id, &u, &found))
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
	if (request_seal_fields(cx, out) || STORE_CALL(cx->sv->store, request_add, out))
		return -1;
	tell_holder(cx, in->therapist_id, who->handle);
	return 0;
}

int
request_put(struct ctx *cx, struct store_request *rq)
{
	return request_seal_fields(cx, rq) || STORE_CALL(cx->sv->store, request_add, rq) ? -1 : 0;
}

int
answer_request(struct ctx *cx, const struct actor *who, const char *id, const char *answer, struct refusal *why)
{
	char *end;
	long long n = id ? strtoll(id, &end, 10) : 0;
	struct open_rows x = {cx, NULL, NULL, 0, {0}, false};
	struct store_user u;
	const void *sealed;
	size_t sealed_n;
	int found = 0;

	if (!id || *end || n <= 0)
		return refuse(why, 404, "", "no such request");
	if (!answer || !*answer)
		return refuse(why, 400, "answer", "write your answer: it is empty");
	if (strlen(answer) > MESSAGE_MAX)
		return refuse(why, 400, "answer", "your answer is too long: keep it to 2000 characters");
	/* Another therapist's request looks exactly like a missing one. */
	if (!who->therapist_id[0])
		return refuse(why, 404, "", "no such request");
	if (STORE_CALL(cx->sv->store, request_get, (int64_t)n, who->therapist_id, keep_row, &x,
	               &found))
		return -1;
	if (!found)
		return refuse(why, 404, "", "no such request");
	if (x.bad)
		return -1;
	if (x.plain.gone)
		return refuse(why, 409, "answer", "This person has since closed their account: the "
		              "request can no longer be answered.");
	/* The answer is the sender's: sealed under their key, for this row. */
	if (seal_col(cx, x.plain.dkey, x.plain.rk, "answer", answer, &sealed, &sealed_n) ||
	    STORE_CALL(cx->sv->store, request_answer, (int64_t)n, who->therapist_id, sealed,
	               sealed_n, ctx_now(cx), &found))
		return -1;
	if (!found)
		return refuse(why, 404, "", "no such request");
	if (audit_note(cx, who, AUDIT_WRITE, "request", id, x.plain.gone ? 0 : x.plain.seeker))
		return -1;
	/* The sender hears who answered, never the words (notify.h says why). */
	if (account_get(cx, x.plain.seeker, &u, &found) == 0 && found && u.email[0])
		notify_request_answered(cx->sv, u.email, listing_display_name(cx, who->therapist_id));
	return 0;
}

int
requests_sent(struct ctx *cx, const struct actor *who, store_request_fn fn, void *arg)
{
	struct open_rows x = {cx, fn, arg, 0, {0}, false};
	int64_t kid;

	if (!who->id)
		return 0;               /* the anonymous actor sent none */
	if (seal_user_key(cx, who->id, &kid) ||
	    STORE_CALL(cx->sv->store, requests_of_seeker, kid, REQUESTS_MAX, open_row, &x))
		return -1;
	return x.bad ? -1 : 0;
}

/* One more row than a page is read: it says whether a next page exists. */
struct page_rows {
	struct open_rows open;
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
	return open_row(&x->open, rq);
}

int
requests_received(struct ctx *cx, const struct actor *who, int64_t before, store_request_fn fn, void *arg,
                  int64_t *next)
{
	struct page_rows *x = arena_calloc(cx->a, 1, sizeof(*x));
	struct audit_rows *seen = arena_calloc(cx->a, 1, sizeof(*seen));
	int rc;

	*next = 0;
	if (!who->therapist_id[0])
		return 0;
	if (!x || !seen)
		return -1;
	/* Each row opened, then its sender remembered for the audit trail. */
	audit_rows_init(seen, fn, arg);
	x->open.cx = cx;
	x->open.fn = audit_request_row;
	x->open.arg = seen;
	x->open.with_seeker = true;    /* whose request was read: the audit trail's subject */
	x->open.bad = 0;
	rc = STORE_CALL(cx->sv->store, requests_to_therapist, who->therapist_id, before,
	                REQUESTS_PAGE + 1, page_row, x);
	if (rc == 0 && x->open.bad)
		rc = -1;
	*next = rc ? 0 : x->next;
	return rc ? rc : audit_note_rows(cx, who, "request", seen);
}

/* ----------------------------------------------------------------------
 * Rows from before issue 11
 * ---------------------------------------------------------------------- */

struct clear_rows {
	struct store_request *v;
	size_t n, cap;
	int err;
};

static int
collect_request(void *arg, const struct store_request *rq)
{
	struct clear_rows *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct store_request *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return l->err = 1;
		l->v = v, l->cap = cap;
	}
	l->v[l->n++] = *rq;
	return 0;
}

int
requests_seal_legacy(struct ctx *cx)
{
	struct clear_rows l = {0};
	struct arena a, *was = cx->a;
	int rc;

	/* Once, at the first start after the upgrade: the clear rows are
	 * read whole (a row is some 4 KB), sealed, and written back. */
	arena_init(&a, 1 << 16);
	cx->a = &a;
	rc = STORE_CALL(cx->sv->store, requests_legacy, collect_request, &l);
	if (rc == 0 && l.err)
		store_error("out of memory"), rc = -1;
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		struct store_request *rq = &l.v[i];

		if (request_seal_fields(cx, rq) || STORE_CALL(cx->sv->store, request_seal, rq))
			rc = -1;
		arena_reset(&a);
	}
	cx->a = was;
	arena_free(&a);
	if (l.v) {
		sodium_memzero(l.v, l.cap * sizeof(*l.v));
		free(l.v);
	}
	return rc;
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
