/*
 * erasure.c: closing an account for good (GDPR article 17), and a
 * therapist's closing of their listing.
 *
 * Design note: erasure is crypto-shredding plus deletion. Every value of
 * a person that the store keeps sealed is sealed under their own data key
 * (app/seal.h); destroying that key (seal_forget) makes every copy of
 * those values unreadable at once: rows left behind on purpose (the
 * therapist's record of a past session, whose seeker link is sealed under
 * the person's key), rows in backups, pages in the WAL. The account's own
 * rows are then deleted as well, so nothing of it stays even in a form
 * that no longer opens.
 *
 * The steps, in this order (each one a service call; the order is chosen
 * so that a failure half-way leaves a state that is safe and can be
 * finished by asking again):
 *
 *   0. the password again and the typed confirmation (nothing done before)
 *   1. a therapist's listing closed (close_listing's steps, below)
 *   2. every session ahead cancelled; the therapist of each is mailed a
 *      notice that names no one ("A session on Tuesday 8 December at
 *      11:00 was cancelled: the person closed their chiron account."),
 *      those waiting for the freed time told as for any cancellation
 *   3. the person's series ended
 *   4. their waitlist places left
 *   5. every sign-in session ended (signed out everywhere)
 *   6. a content-free audit entry (kind "erasure", record "account")
 *   7. the data key destroyed
 *   8. the account's own rows deleted (store user_erase)
 *
 * Steps 2 to 4 come before the key is destroyed because they need the
 * person's sealed values open (who to tell, which waitlist). A failure
 * stops at its step: rep->failed names it, rep says what was done; the
 * person can sign in again (unless step 5 passed) and ask again, and
 * each step finds less to do.
 *
 * Closing a listing: its sessions ahead cancelled with a notice to each
 * seeker naming the listing (not why); series ended; its unanswered
 * consultation requests answered with CLOSED_ANSWER (their senders hear
 * the listing "answered", never the words); its statement, photo and
 * closures removed; hidden from search and its page (hide_listing, as an
 * admin would); the claim dropped (store listing_release), or, for a
 * listing its claimant created, the listing removed whole
 * (remove_listing). The directory's record of a listing chiron imported
 * stays, hidden, for an administrator to remove or show again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/tz.h"
#include "app/audit.h"
#include "app/erasure.h"
#include "app/export.h"
#include "app/live.h"
#include "app/seal.h"
#include "app/services.h"
#include "app/session.h"

static const char *const day_name[7] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                        "Saturday", "Sunday"};
static const char *const month_name[12] = {"January", "February", "March", "April", "May", "June",
                                           "July", "August", "September", "October", "November",
                                           "December"};

/* "Tuesday 8 December at 11:00" of t in zone (its name; UTC when unknown). */
static void
long_when(char out[64], const char *zone, int64_t t)
{
	const struct tz_zone *z = zone ? tz_get(zone) : NULL;
	int64_t local = t + (z ? tz_offset_at(z, t) : 0);
	int64_t day = local / 86400 - (local % 86400 < 0);
	int64_t sec = local - day * 86400;
	unsigned m, d;
	int y;

	tz_civil_from_days(day, &y, &m, &d);
	snprintf(out, 64, "%s %u %s at %02d:%02d", day_name[tz_weekday(day)], d, month_name[m - 1],
	         (int)(sec / 3600), (int)(sec / 60 % 60));
}

/* Appointments ahead, copied out of the walk (the walk's rows are borrowed). */
struct ahead {
	struct ctx *cx;
	struct store_appt *v;
	const char **with;
	int n, cap, err;
	int64_t now;
};

static int
ahead_one(void *arg, const struct appt_view *view)
{
	struct ahead *g = arg;

	if (strcmp(view->a->status, "booked") != 0 || view->a->start <= g->now)
		return 0;
	if (g->n == g->cap) {
		int cap = g->cap ? g->cap * 2 : 16;
		struct store_appt *v = arena_alloc(g->cx->a, (size_t)cap * sizeof(*v));
		const char **with = arena_alloc(g->cx->a, (size_t)cap * sizeof(*with));

		if (!v || !with) {
			g->err = 1;
			return 1;
		}
		if (g->n) {
			memcpy(v, g->v, (size_t)g->n * sizeof(*v));
			memcpy(with, g->with, (size_t)g->n * sizeof(*with));
		}
		g->v = v;
		g->with = with;
		g->cap = cap;
	}
	g->v[g->n] = *view->a;
	if (!(g->with[g->n] = arena_strdup(g->cx->a, view->with ? view->with : ""))) {
		g->err = 1;
		return 1;
	}
	g->n++;
	return 0;
}

static int
ahead_of(struct ctx *cx, const struct actor *who, unsigned side, struct ahead *g)
{
	struct refusal why;

	memset(g, 0, sizeof(*g));
	g->cx = cx;
	g->now = ctx_now(cx);
	if (appointments_mine(cx, who, side, g->now, 0, ahead_one, g, &why) || g->err)
		return -1;
	return 0;
}

/* The account holding listing tid, verified, or 0. */
static int64_t
holder_of(struct ctx *cx, const char *tid)
{
	struct store_listing l;
	int found = 0;

	if (STORE_CALL(cx->sv->store, listing_get, tid, &l, &found) || !found || !l.verified_at)
		return 0;
	return l.user;
}

/*
 * Cancels the sessions ahead on who's side `side`, telling the other side:
 * the therapist, naming no one (the seeker is erasing); or the seeker,
 * naming the listing (the therapist is closing it).
 */
static int
cancel_ahead(struct ctx *cx, const struct actor *who, unsigned side, struct erase_report *rep)
{
	struct ahead g;
	struct recipient r;
	char when[64];
	int i, found = 0;
	int64_t now = ctx_now(cx), to;

	if (ahead_of(cx, who, side, &g))
		return -1;
	for (i = 0; i < g.n; i++) {
		const struct store_appt *a = &g.v[i];
		const char *name = side == SIDE_SEEKER ? g.with[i] : listing_display_name(cx, a->therapist_id);

		if (STORE_CALL(cx->sv->store, appt_cancel, a->id, side == SIDE_SEEKER ? "seeker" : "therapist",
		               0, now, &found))
			return -1;
		if (!found)
			continue;
		rep->cancelled++;
		to = side == SIDE_SEEKER ? holder_of(cx, a->therapist_id) : a->seeker;
		if (recipient_of(cx->sv, to, a->zone, a->start, &r) == 0) {
			long_when(when, r.zone, a->start);
			if (side == SIDE_SEEKER)
				notify_session_erased(cx->sv, r.email, when, r.zone);
			else
				notify_listing_closed(cx->sv, r.email, name, when, r.zone);
		}
		/* Time freed with a therapist who goes on: their waitlist hears. */
		if (side == SIDE_SEEKER)
			waitlist_freed(cx->sv, a, name);
	}
	return 0;
}

struct series_ids {
	struct ctx *cx;
	int64_t *v;
	int n, cap, err;
};

static int
series_active(void *arg, const struct store_series *sr)
{
	struct series_ids *s = arg;

	if (strcmp(sr->status, "active") != 0)
		return 0;
	int64_t *slot = arena_grow(s->cx->a, &s->v, &s->n, &s->cap, sizeof(*slot), 8);

	if (!slot) {
		s->err = 1;
		return 1;
	}
	*slot = sr->id;
	return 0;
}

/* Ends who's active series on side (their sessions ahead are cancelled already). */
static int
end_series_of(struct ctx *cx, const struct actor *who, unsigned side, struct erase_report *rep)
{
	struct series_ids s = {cx, NULL, 0, 0, 0};
	struct refusal why;
	int64_t now = ctx_now(cx);
	long n;
	int i;

	if (series_mine(cx, who, side, series_active, &s, &why) || s.err)
		return -1;
	for (i = 0; i < s.n; i++) {
		if (STORE_CALL(cx->sv->store, series_end, s.v[i], side == SIDE_SEEKER ? "seeker" : "therapist",
		               now, now, &n))
			return -1;
		rep->series_ended++;
	}
	return 0;
}

struct waits {
	struct ctx *cx;
	struct store_wait *v;
	int n, cap, err;
};

static int
wait_keep(void *arg, const struct store_wait *w)
{
	struct waits *s = arg;

	struct store_wait *slot = arena_grow(s->cx->a, &s->v, &s->n, &s->cap, sizeof(*slot), 8);

	if (!slot) {
		s->err = 1;
		return 1;
	}
	*slot = *w;
	return 0;
}

static int
leave_waitlists(struct ctx *cx, const struct actor *who, struct erase_report *rep)
{
	struct waits s = {cx, NULL, 0, 0, 0};
	struct refusal why;
	int i, rc;

	if (waits_mine(cx, who, wait_keep, &s, &why) || s.err)
		return -1;
	for (i = 0; i < s.n; i++) {
		rc = wait_leave(cx, who, s.v[i].therapist_id, s.v[i].kind, &why);
		if (rc < 0)
			return -1;
		if (rc == 0)
			rep->waits_left++;
	}
	return 0;
}

/* ----------------------------------------------------------------------
 * Closing a listing
 * ---------------------------------------------------------------------- */

struct open_rq {
	struct ctx *cx;
	int64_t *v;
	int n, cap, err;
};

static int
open_rq_one(void *arg, const struct store_request *rq)
{
	struct open_rq *s = arg;

	if (rq->answered_at)
		return 0;
	int64_t *slot = arena_grow(s->cx->a, &s->v, &s->n, &s->cap, sizeof(*slot), 16);

	if (!slot) {
		s->err = 1;
		return 1;
	}
	*slot = rq->id;
	return 0;
}

static int
close_requests(struct ctx *cx, const struct actor *who, struct erase_report *rep)
{
	struct open_rq s = {cx, NULL, 0, 0, 0};
	struct refusal why;
	int64_t before = 0, next = 0;
	char id[24];
	int i, rc, guard = 0;

	do {
		if (requests_received(cx, who, before, open_rq_one, &s, &next) || s.err)
			return -1;
		before = next;
	} while (next && ++guard < 10000);
	for (i = 0; i < s.n; i++) {
		snprintf(id, sizeof(id), "%lld", (long long)s.v[i]);
		rc = answer_request(cx, who, id, CLOSED_ANSWER, &why);
		if (rc < 0)
			return -1;
		if (rc == 0)
			rep->requests_closed++;
	}
	return 0;
}

struct closed_ids {
	struct ctx *cx;
	int64_t *v;
	int n, cap, err;
};

static int
closed_keep(void *arg, const struct store_closed *c)
{
	struct closed_ids *s = arg;

	int64_t *slot = arena_grow(s->cx->a, &s->v, &s->n, &s->cap, sizeof(*slot), 8);

	if (!slot) {
		s->err = 1;
		return 1;
	}
	*slot = c->id;
	return 0;
}

/* The therapist's own words on the listing: statement, photo, closures' notes. */
static int
clear_profile(struct ctx *cx, const struct actor *who)
{
	struct closed_ids s = {cx, NULL, 0, 0, 0};
	struct refusal why, why2;
	char id[24];
	int i;

	if (listing_profile_save(cx, who, "", NULL, 0, &why, &why2) < 0 ||
	    listing_photo_remove(cx, who, &why) < 0)
		return -1;
	if (closures_mine(cx, who, closed_keep, &s, &why) < 0 || s.err)
		return -1;
	for (i = 0; i < s.n; i++) {
		snprintf(id, sizeof(id), "%lld", (long long)s.v[i]);
		if (closure_delete(cx, who, id, &why) < 0)
			return -1;
	}
	return 0;
}

#define STEP(what, call) do { if ((call) != 0) { rep->failed = (what); return -1; } } while (0)

/* Closes the listing who holds or claims (the password already asked). */
static int
close_steps(struct ctx *cx, const struct actor *who, struct erase_report *rep)
{
	struct store_listing l;
	struct actor sys;
	struct refusal why;
	char tid[72];
	int found = 0;

	if (listing_claim_of(cx, who, &l, &found)) {
		rep->failed = "reading the listing";
		return -1;
	}
	if (!found)
		return 0;
	snprintf(tid, sizeof(tid), "%s", l.therapist_id);
	actor_system(&sys);
	if (who->therapist_id[0]) {
		STEP("cancelling the listing's sessions ahead", cancel_ahead(cx, who, SIDE_THERAPIST, rep));
		STEP("ending the listing's series", end_series_of(cx, who, SIDE_THERAPIST, rep));
		STEP("closing the listing's consultation requests", close_requests(cx, who, rep));
		STEP("removing the listing's statement, photo and closures", clear_profile(cx, who));
	}
	if (l.created) {
		/* No one vouched for a listing its claimant made: it goes whole. */
		STEP("removing the listing", remove_listing(cx, &sys, tid, &why) < 0);
	} else {
		STEP("hiding the listing", hide_listing(cx, &sys, tid, true, &why) < 0);
		STEP("dropping the claim of the listing",
		     STORE_CALL(cx->sv->store, listing_release, tid, &found));
	}
	rep->listing_closed = true;
	return 0;
}

int
close_listing(struct ctx *cx, const struct actor *who, const char *password,
              struct erase_report *rep, struct refusal *why)
{
	struct store_listing l;
	int found = 0, rc;

	memset(rep, 0, sizeof(*rep));
	if (!who->id)
		return refuse(why, 401, "", "sign in first");
	if (listing_claim_of(cx, who, &l, &found))
		return -1;
	if (!found)
		return refuse(why, 404, "", "this account holds no listing");
	if ((rc = account_reauth(cx, who, password, why)) != 0)
		return rc;
	return close_steps(cx, who, rep);
}

/* ----------------------------------------------------------------------
 * Closing the account
 * ---------------------------------------------------------------------- */

/* The confirmation as typed: ERASE_CONFIRM, in any case, blanks around it allowed. */
static bool
confirmed(const char *s)
{
	size_t n;

	if (!s)
		return false;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n == strlen(ERASE_CONFIRM) && strncasecmp(s, ERASE_CONFIRM, n) == 0;
}

int
erase_account(struct ctx *cx, const struct actor *who, const char *password, const char *confirm,
              struct erase_report *rep, struct refusal *why)
{
	int64_t kid = 0;
	int rc, found = 0;

	memset(rep, 0, sizeof(*rep));
	if (!who->id)
		return refuse(why, 401, "", "sign in first");
	if ((rc = account_reauth(cx, who, password, why)) != 0)
		return rc;
	if (!confirmed(confirm))
		return refuse(why, 400, "confirm", "Type " ERASE_CONFIRM " to confirm");
	if (close_steps(cx, who, rep))
		return -1;
	STEP("cancelling your sessions ahead", cancel_ahead(cx, who, SIDE_SEEKER, rep));
	STEP("ending your series", end_series_of(cx, who, SIDE_SEEKER, rep));
	STEP("leaving your waitlists", leave_waitlists(cx, who, rep));
	STEP("signing you out everywhere", session_end(cx, who, NULL, true));
	rep->signed_out = true;
	/* Content-free: what, when, by whom; the account is gone after. */
	STEP("writing the audit entry", audit_note(cx, who, AUDIT_ERASE, "account", "", 0));
	rep->audited = true;
	STEP("finding the account's data key", seal_user_key(cx, who->id, &kid));
	STEP("destroying the account's data key", seal_forget(cx, kid, &found));
	rep->key_destroyed = true;
	STEP("deleting the account's rows", STORE_CALL(cx->sv->store, user_erase, who->id, kid, &found));
	rep->rows_deleted = true;
	return 0;
}
