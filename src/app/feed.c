/*
 * feed.c: private calendar feeds and the .ics of one appointment
 * (app/feed.h), shared by the pages (page_feed.c) and the API
 * (api_feed.c).
 *
 * A feed address is public_url/feed/TOKEN.ics, TOKEN 32 random bytes in
 * base64url. The address is the credential (a calendar app subscribes
 * without a session), so the store keeps only the token's BLAKE2b hash,
 * one per user: making a new address replaces the old one, revoking
 * deletes it, and either way the old address answers 404 at once. The
 * token is shown once, when it is made; the access log never sees it.
 *
 * States: a user has no feed, or one live address. Who: a signed-in user
 * makes, replaces or revokes their own; whoever holds the address reads
 * it; an appointment's .ics is for its seeker and its therapist only (404
 * for anyone else, as for one that does not exist).
 *
 * What a calendar shows: a seeker's appointments as "Therapy with" the
 * listing's name, a therapist's as "Session with" the seeker's pseudonym;
 * never an email or an affiliation (app/ical_out.h). What it stores: the
 * token's hash and when it was made; never the token, nor when a feed was
 * read.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/ical_out.h"
#include "core/record.h"
#include "app/services.h"
#include "app/secret.h"
#include "app/throttle.h"

#define FEED_NAME "chiron appointments"

int
feed_create(struct ctx *cx, const struct actor *who, char url[FEED_URL_MAX])
{
	unsigned char raw[32], hash[32];
	char tok[48];

	if (!who->id)
		return -1;              /* the route lets no one anonymous here */
	if (token_random(tok, raw))
		return -1;
	token_hash(raw, hash);
	if (STORE_CALL(cx->sv->store, feed_put, who->id, hash, ctx_now(cx)))
		return -1;
	snprintf(url, FEED_URL_MAX, "%s/feed/%s.ics",
	         cx->sv->public_url ? cx->sv->public_url : "", tok);
	return 0;
}

int
feed_revoke(struct ctx *cx, const struct actor *who)
{
	return STORE_CALL(cx->sv->store, feed_delete, who->id);
}

int
feed_active(struct ctx *cx, const struct actor *who, bool *active)
{
	int found = 0;

	if (STORE_CALL(cx->sv->store, feed_exists, who->id, &found))
		return -1;
	*active = found != 0;
	return 0;
}

/* ----------------------------------------------------------------------
 * Gathering a user's appointments and series
 * ---------------------------------------------------------------------- */

struct gather {
	struct store_appt *v;
	size_t n, cap;
	bool oom;
};

static int
gather_appt(void *arg, const struct store_appt *a)
{
	struct gather *g = arg;
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->v[i].id == a->id)
			return 0;               /* a therapist in their own care */
	if (g->n == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 32;
		struct store_appt *v = realloc(g->v, nc * sizeof(*v));

		if (!v) {
			g->oom = true;
			return 1;
		}
		g->v = v;
		g->cap = nc;
	}
	g->v[g->n++] = *a;
	return 0;
}

/* Summaries, each looked up once per calendar. */
struct names {
	struct ctx *cx;
	int64_t user;                   /* whose calendar */
	struct name_memo {
		char tid[72];
		int64_t seeker;
		const char *text;
	} memo[32];
	int n;
};

/*
 * "Therapy with NAME" when the calendar's owner is the seeker (NAME is
 * the listing's), else "Session with PSEUDONYM". A failed look-up falls
 * back to the plain summary rather than losing the calendar.
 */
static const char *
event_name(void *arg, const struct store_appt *a)
{
	struct names *x = arg;
	struct ctx *cx = x->cx;
	bool mine = a->seeker == x->user;
	struct store_user u;
	const char *who = NULL;
	char *text;
	size_t len;
	int i, found = 0;

	if (!mine && a->seeker_gone)
		return "Session with a person who has since closed their account";
	for (i = 0; i < x->n; i++)
		if (mine ? strcmp(x->memo[i].tid, a->therapist_id) == 0 && !x->memo[i].seeker
		         : x->memo[i].seeker == a->seeker)
			return x->memo[i].text;
	if (mine) {
		struct therapist t;

		if (therapist_load(cx, a->therapist_id, &t) == 0)
			who = t.name;
	} else if (STORE_CALL(cx->sv->store, user_get, a->seeker, &u, &found) == 0 && found) {
		who = arena_strdup(cx->a, u.handle);
	}
	if (!who || !*who)
		return mine ? "Therapy session" : "Session";
	len = strlen(who) + 16;
	if (!(text = arena_alloc(cx->a, len)))
		return NULL;
	snprintf(text, len, "%s with %s", mine ? "Therapy" : "Session", who);
	if (x->n < (int)(sizeof(x->memo) / sizeof(x->memo[0]))) {
		snprintf(x->memo[x->n].tid, sizeof(x->memo[x->n].tid), "%s", mine ? a->therapist_id : "");
		x->memo[x->n].seeker = mine ? 0 : a->seeker;
		x->memo[x->n++].text = text;
	}
	return text;
}

/*
 * Writes the calendar of user (their appointments as a seeker, and as
 * the therapist of their listing) with the series they belong to.
 */
static int
write_calendar(struct ctx *cx, const struct store_user *u, struct gather *g,
               int64_t cancelled_since, struct buf *out)
{
	struct store_series *sr = NULL;
	struct names *nm = arena_calloc(cx->a, 1, sizeof(*nm));
	struct ical_cal c;
	size_t i, j, n_sr = 0;
	int rc = -1, found;

	if (!nm)
		return -1;
	nm->cx = cx;
	nm->user = u->id;
	if (g->n && !(sr = calloc(g->n, sizeof(*sr))))
		return -1;
	for (i = 0; i < g->n; i++) {
		if (!g->v[i].series_id)
			continue;
		for (j = 0; j < n_sr && sr[j].id != g->v[i].series_id; j++)
			;
		if (j < n_sr)
			continue;
		/* Its rule only: the seeker is the appointments' (opened). */
		if (STORE_CALL(cx->sv->store, series_get, g->v[i].series_id, &sr[n_sr], &found))
			goto out;
		if (found)
			n_sr++;
	}
	memset(&c, 0, sizeof(c));
	c.name = FEED_NAME;
	c.now = ctx_now(cx);
	c.cancelled_since = cancelled_since;
	c.appts = g->v;
	c.n_appts = g->n;
	c.series = sr;
	c.n_series = n_sr;
	c.summary = event_name;
	c.arg = nm;
	rc = ical_write(&c, out);
out:
	free(sr);
	return rc;
}

/* The feed's holder read their seekers' sessions (app/audit.c): the
 * actor is the holder, from the address the feed was fetched from. */
static int
audit_feed(struct ctx *cx, const struct actor *who, const struct store_user *u,
           const struct store_appt *v, size_t n)
{
	struct actor holder;

	actor_of_user(&holder, u, who->addr);
	return audit_note_appts_as(cx, &holder, "feed", v, n);
}

int
feed_calendar(struct ctx *cx, const struct actor *who, const char *id, struct buf *out, struct refusal *why)
{
	struct gather g = {NULL, 0, 0, false};
	unsigned char raw[32], hash[32];
	struct store_user u;
	size_t n = id ? strlen(id) : 0;
	char tok[48];
	int64_t uid;
	int found = 0, rc = -1;

	(void)who;              /* no session: the token is the credential */
	/* TOKEN.ics, TOKEN 43 characters of base64url. */
	if (n != 47 || strcmp(id + 43, ".ics") != 0)
		return refuse(why, 404, "", "there is no calendar at this address");
	memcpy(tok, id, 43);
	tok[43] = '\0';
	if (token_decode(tok, raw))
		return refuse(why, 404, "", "there is no calendar at this address");
	token_hash(raw, hash);
	if (STORE_CALL(cx->sv->store, feed_user, hash, &uid, &found))
		return -1;
	if (found && STORE_CALL(cx->sv->store, user_get, uid, &u, &found))
		return -1;
	if (!found)
		return refuse(why, 404, "", "there is no calendar at this address");
	if (appts_of_seeker(cx, u.id, 0, 0, gather_appt, &g) ||
	    (u.therapist_id[0] &&
	     appts_of_therapist(cx, u.therapist_id, 0, INT64_MAX, 0, gather_appt, &g)) ||
	    g.oom)
		goto out;
	if (u.therapist_id[0] && audit_feed(cx, who, &u, g.v, g.n))
		goto out;
	rc = write_calendar(cx, &u, &g, ctx_now(cx) - FEED_CANCELLED_DAYS * 86400, out);
out:
	free(g.v);
	return rc;
}

int
appointment_ics(struct ctx *cx, const struct actor *who, const char *id, struct buf *out, struct refusal *why)
{
	struct gather g = {NULL, 0, 0, false};
	struct store_user u;
	struct store_appt a;
	int64_t aid = 0;
	int found = 0, rc;
	size_t i;

	for (i = 0; id && id[i]; i++) {
		if (id[i] < '0' || id[i] > '9' || i >= 18)
			return refuse(why, 404, "", "there is no such appointment");
		aid = aid * 10 + (id[i] - '0');
	}
	if (aid <= 0)
		return refuse(why, 404, "", "there is no such appointment");
	if (appt_get_sealed(cx, aid, &a, &found))
		return -1;
	/* Only its seeker and its therapist; anyone else sees no appointment. */
	if (!found || ((a.seeker_gone || a.seeker != who->id) &&
	               (!who->therapist_id[0] || strcmp(a.therapist_id, who->therapist_id) != 0)))
		return refuse(why, 404, "", "there is no such appointment");
	if (a.seeker != who->id && audit_note(cx, who, AUDIT_READ, "appointment", id, a.seeker))
		return -1;
	/* One event on its own, whether or not it is one of a series. */
	a.series_id = 0;
	memset(&u, 0, sizeof(u));
	u.id = who->id;
	if (gather_appt(&g, &a) || g.oom)
		return -1;
	rc = write_calendar(cx, &u, &g, 0, out);
	free(g.v);
	return rc;
}
