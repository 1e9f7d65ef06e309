/*
 * act_listing.c: a therapist's hold on a listing, and the admin's side of
 * it (see actions.h).
 *
 * A therapist account claims one listing by its id and the NPI on it; an
 * admin then checks the claim (the NPI given against the listing's, and
 * its check digit) and verifies it. The therapist confirms the listing is
 * current with one click; a claimed listing left unconfirmed for
 * LISTING_STALE_DAYS is paused (matched as not accepting) until then, and
 * requests left unanswered for 5 business days count against it, visibly.
 * An admin may hide a listing from searches and its page.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/record.h"
#include "core/tz.h"
#include "app/directory.h"
#include "web/actions.h"
#include "web/auth.h"
#include "web/pages.h"

#define LATE_BUSINESS_DAYS 5

/* Weekdays (Monday to Friday) from UTC instant a to b. */
static long
business_days(int64_t a, int64_t b)
{
	int64_t d0 = a / 86400, d1 = b / 86400, d;
	long n = 0;

	for (d = d0 + 1; d <= d1 && n < 1000; d++)
		if (tz_weekday(d) < 5)
			n++;
	return n;
}

/* True when a claimed listing last confirmed (or claimed) at l went stale by now. */
static bool
stale(const struct store_listing *l, int64_t now)
{
	int64_t last = l->confirmed_at > l->claimed_at ? l->confirmed_at : l->claimed_at;

	return now - last >= (int64_t)LISTING_STALE_DAYS * 86400;
}

int
listing_standing_get(struct req *r, const char *tid, struct standing *s)
{
	int64_t now = (int64_t)time(NULL), at[64];
	int found = 0, hidden = 0, n = 0, i;

	memset(s, 0, sizeof(*s));
	if (STORE_CALL(r->app->store, listing_get, tid, &s->l, &found) ||
	    STORE_CALL(r->app->store, listing_hidden, tid, &hidden))
		return -1;
	s->claimed = found != 0;
	s->hidden = hidden != 0;
	if (!s->claimed)
		return 0;
	s->paused = stale(&s->l, now);
	if (STORE_CALL(r->app->store, requests_unanswered, tid, at, 64, &n))
		return -1;
	for (i = 0; i < n; i++)
		s->late += business_days(at[i], now) >= LATE_BUSINESS_DAYS;
	return 0;
}

int
claim_listing(struct req *r, const char *tid, const char *npi, struct refusal *why)
{
	int rc;

	if (r->user->therapist_id[0])
		return refuse(why, 409, "", "this account already holds a listing");
	if (!tid || !record_id_ok(tid) || !listing_exists(r, tid))
		return refuse(why, 400, "therapist_id", "there is no listing with this id");
	if (!npi || !npi_ok(npi))
		return refuse(why, 400, "npi", "an NPI is 10 digits with a valid check digit");
	rc = STORE_CALL(r->app->store, listing_claim, r->user->id, tid, npi, (int64_t)time(NULL));
	if (rc == STORE_EXISTS)
		return refuse(why, 409, "therapist_id",
		              "this listing is already claimed; write to the administrators if it is yours");
	if (rc)
		return -1;
	snprintf(r->user->therapist_id, sizeof(r->user->therapist_id), "%s", tid);
	return 0;
}

int
confirm_listing(struct req *r, struct refusal *why)
{
	const char *tid = r->user->therapist_id;
	int hidden = 0;

	if (!tid[0])
		return refuse(why, 409, "", "claim a listing first");
	if (STORE_CALL(r->app->store, listing_confirm, tid, (int64_t)time(NULL)) ||
	    STORE_CALL(r->app->store, listing_hidden, tid, &hidden))
		return -1;
	/* A paused listing is back in searches at once (unless hidden). */
	if (!hidden)
		live_set_paused(r->app->live, tid, false);
	return 0;
}

int
verify_listing(struct req *r, const char *tid, struct refusal *why)
{
	int found = 0;

	if (!tid || !record_id_ok(tid) ||
	    STORE_CALL(r->app->store, listing_verify, tid, (int64_t)time(NULL), &found))
		found = 0;
	return found ? 0 : refuse(why, 404, "", "no claim of this listing is waiting");
}

int
hide_listing(struct req *r, const char *tid, bool hidden, struct refusal *why)
{
	struct store_listing l;
	int found = 0;

	if (!tid || !record_id_ok(tid) || !listing_exists(r, tid))
		return refuse(why, 404, "", "there is no listing with this id");
	if (STORE_CALL(r->app->store, listing_hide, tid, hidden, (int64_t)time(NULL)) ||
	    STORE_CALL(r->app->store, listing_get, tid, &l, &found))
		return -1;
	/* Shown again, it may still be paused as unconfirmed. */
	live_set_paused(r->app->live, tid, hidden || (found && stale(&l, (int64_t)time(NULL))));
	return 0;
}

int
confirm_by_token(struct req *r, const char *token, char tid[72], struct refusal *why)
{
	unsigned char raw[32], hash[32];
	int found = 0, hidden = 0;

	if (!token || auth_token_decode(token, raw))
		return refuse(why, 404, "token", "this confirmation link is not valid");
	auth_token_hash(raw, hash);
	if (STORE_CALL(r->app->store, confirm_take, hash, (int64_t)time(NULL), tid, &found))
		return -1;
	if (!found)
		return refuse(why, 404, "token", "this confirmation link was used already or has "
		                                 "expired; sign in to confirm your listing");
	if (STORE_CALL(r->app->store, listing_hidden, tid, &hidden))
		return -1;
	if (!hidden)
		live_set_paused(r->app->live, tid, false);
	return 0;
}

int
remove_listing(struct req *r, const char *tid, struct refusal *why)
{
	int found = 0;

	if (!tid || !record_id_ok(tid))
		return refuse(why, 404, "therapist_id", "there is no listing with this id");
	if (STORE_CALL(r->app->store, listing_remove, tid, &found))
		return -1;
	if (!found)
		return refuse(why, 404, "therapist_id", "there is no listing with this id");
	live_wait(r->app->live, live_changed(r->app->live), 10000);
	return 0;
}

int
merge_orgs(struct req *r, const char *from, const char *into, long *changed,
           struct refusal *why)
{
	int found = 0;

	*changed = 0;
	if (!from || !record_id_ok(from))
		return refuse(why, 400, "from", "give the duplicate organization's id");
	if (!into || !record_id_ok(into) || strcmp(from, into) == 0)
		return refuse(why, 400, "into", "give the id of another organization to keep");
	if (directory_merge_orgs(r->app->store, r->app->tax, from, into, &found, changed))
		return -1;
	if (!found)
		return refuse(why, 404, "from", "both organizations must be in the registry");
	live_wait(r->app->live, live_changed(r->app->live), 10000);
	return 0;
}

/* ----------------------------------------------------------------------
 * The admin's queue
 * ---------------------------------------------------------------------- */

struct queue {
	struct claim *v;
	int n;
};

static int
collect(void *arg, const struct store_listing *l)
{
	struct queue *q = arg;

	q->v[q->n++].l = *l;
	return q->n == QUEUE_MAX;
}

struct npi_of {
	const struct taxonomy *tax;
	struct arena *a;
	char *npi;
	size_t n;
};

static int
take_npi(void *arg, const char *id, const void *packed, size_t n)
{
	struct npi_of *x = arg;
	struct therapist t;
	struct verr e;

	(void)id;
	if (therapist_unpack(x->tax, packed, n, x->a, &t, &e) == 0)
		snprintf(x->npi, x->n, "%s", t.npi);
	return 0;
}

int
listing_queue(struct req *r, struct claim **out, int *n)
{
	struct queue q = {arena_calloc(r->a, QUEUE_MAX, sizeof(struct claim)), 0};
	const struct index *ix;
	int i;

	*out = NULL;
	*n = 0;
	if (!q.v || STORE_CALL(r->app->store, listings_unverified, QUEUE_MAX, collect, &q))
		return -1;
	ix = req_index(r);
	for (i = 0; i < q.n; i++) {
		struct claim *c = &q.v[i];
		struct npi_of x = {r->app->tax, r->a, c->npi_listed, sizeof(c->npi_listed)};
		int64_t row = index_row(ix, c->l.therapist_id);
		int found;

		if (store_get_therapist(r->app->store, c->l.therapist_id, take_npi, &x, &found))
			return -1;
		c->name = row >= 0 ? ix->name[row] : c->l.therapist_id;
		c->npi_valid = npi_ok(c->l.npi_given);
		c->npi_same = c->npi_listed[0] && strcmp(c->npi_listed, c->l.npi_given) == 0;
	}
	*out = q.v;
	*n = q.n;
	return 0;
}
