/*
 * export.c: everything chiron keeps about one person, as they may take
 * it away (GDPR articles 15 and 20): one JSON document, and their
 * sessions as one calendar.
 *
 * What: the export is gathered through the services every page uses
 * (account, profile, requests, booking, waitlist, calendar, feed,
 * listing), as the person themselves, so that each value comes as the
 * page shows it: sealed fields opened, the other side of a session named
 * by its listing's name or the seeker's pseudonym, never an id where a
 * person reads it. A value the services do not show (a calendar feed's
 * address, a session's token, a password's hash) is not exported: only
 * that it exists.
 *
 * Who: only the signed-in person, for their own account, and only once
 * they gave their password again (account_reauth): a session left open on
 * a shared computer must not hand over everything at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/form.h"
#include "core/json.h"
#include "core/jw.h"
#include "core/tz.h"
#include "app/audit.h"
#include "app/export.h"
#include "app/ical_out.h"
#include "app/secret.h"
#include "app/services.h"
#include "app/session.h"
#include "app/throttle.h"

/* ----------------------------------------------------------------------
 * The JSON document
 * ---------------------------------------------------------------------- */

/* A local day (days since 1970) as "YYYY-MM-DD". */
static void
day_text(char out[16], int64_t day)
{
	unsigned m, d;
	int y;

	tz_civil_from_days(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02u-%02u", y, m, d);
}

static void
kday(struct jw *w, const char *key, int64_t day)
{
	char t[16];

	day_text(t, day);
	jw_kstr(w, key, t);
}

static void
khhmm(struct jw *w, const char *key, int minutes)
{
	jw_kstrf(w, key, "%02d:%02d", minutes / 60 % 100, minutes % 60);
}

static void
account_part(struct ctx *cx, const struct actor *who, struct jw *w, const struct store_user *u)
{
	char zone[64] = "";
	int64_t created = 0;
	int found = 0;
	struct refusal why;

	zone_mine(cx, who, zone, &why);
	STORE_CALL(cx->sv->store, user_created, who->id, &created, &found);
	jw_kobj_open(w, "account");
	jw_kstr(w, "pseudonym", u->handle);
	jw_kstr(w, "email", u->email);
	jw_kstr(w, "role", u->role);
	jw_kstr_or_null(w, "time_zone", zone);
	jw_ktime(w, "created", created);
	jw_obj_close(w);
}

/* The saved search: each field of the form, decoded, in its order. */
static int
profile_part(struct ctx *cx, const struct actor *who, struct jw *w)
{
	char *fields = arena_alloc(cx->a, PROFILE_MAX), *k, *v;
	const char *p, *amp, *eq;
	size_t n;

	if (!fields || profile_load(cx, who, fields, PROFILE_MAX))
		return -1;
	if (!*fields) {
		jw_knull(w, "saved_search");
		return 0;
	}
	if (!(k = arena_alloc(cx->a, PROFILE_MAX)) || !(v = arena_alloc(cx->a, PROFILE_MAX)))
		return -1;
	jw_kobj_open(w, "saved_search");
	jw_kstr(w, "as_saved", fields);
	jw_karr_open(w, "fields");
	for (p = fields; *p; p = *amp ? amp + 1 : amp) {
		amp = p + strcspn(p, "&");
		eq = memchr(p, '=', (size_t)(amp - p));
		if (amp == p)
			continue;
		n = form_decode(p, (size_t)((eq ? eq : amp) - p), k, PROFILE_MAX);
		k[n] = '\0';
		n = eq ? form_decode(eq + 1, (size_t)(amp - eq - 1), v, PROFILE_MAX) : 0;
		v[n] = '\0';
		jw_obj_open(w);
		jw_kstr(w, "field", k);
		jw_kstr(w, "value", v);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
	return 0;
}

struct rq_out {
	struct ctx *cx;
	struct jw *w;
	bool sent;
};

static int
request_one(void *arg, const struct store_request *rq)
{
	struct rq_out *o = arg;

	jw_obj_open(o->w);
	if (o->sent)
		jw_kstr(o->w, "to", listing_display_name(o->cx, rq->therapist_id));
	else
		jw_kstr(o->w, "from", rq->seeker_name);
	if (o->sent)
		jw_kstr(o->w, "signed_as", rq->seeker_name);
	jw_kstr(o->w, "message", rq->message);
	jw_ktime(o->w, o->sent ? "sent" : "received", rq->created_at);
	jw_kstr_or_null(o->w, "answer", rq->answered_at ? rq->answer : NULL);
	jw_ktime(o->w, "answered", rq->answered_at);
	jw_obj_close(o->w);
	return 0;
}

static int
requests_part(struct ctx *cx, const struct actor *who, struct jw *w)
{
	struct rq_out o = {cx, w, true};
	int64_t before = 0, next = 0;
	int guard = 0;

	jw_karr_open(w, "consultation_requests_sent");
	if (requests_sent(cx, who, request_one, &o))
		return -1;
	jw_arr_close(w);
	if (!who->therapist_id[0])
		return 0;
	o.sent = false;
	jw_karr_open(w, "consultation_requests_received");
	do {
		if (requests_received(cx, who, before, request_one, &o, &next))
			return -1;
		before = next;
	} while (next && ++guard < 10000);
	jw_arr_close(w);
	return 0;
}

/* The appointments as read, kept for the series (their "with") and the calendar. */
struct appts {
	struct ctx *cx;
	struct store_appt *v;
	const char **with, **side;
	size_t n, cap;
	int err;
};

static int
appt_keep(void *arg, const struct appt_view *view)
{
	struct appts *g = arg;

	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 32;
		struct store_appt *v = arena_alloc(g->cx->a, cap * sizeof(*v));
		const char **with = arena_alloc(g->cx->a, cap * sizeof(*with));
		const char **side = arena_alloc(g->cx->a, cap * sizeof(*side));

		if (!v || !with || !side) {
			g->err = 1;
			return 1;
		}
		if (g->n) {
			memcpy(v, g->v, g->n * sizeof(*v));
			memcpy(with, g->with, g->n * sizeof(*with));
			memcpy(side, g->side, g->n * sizeof(*side));
		}
		g->v = v;
		g->with = with;
		g->side = side;
		g->cap = cap;
	}
	g->v[g->n] = *view->a;
	g->with[g->n] = arena_strdup(g->cx->a, view->with ? view->with : "");
	g->side[g->n] = view->side;
	if (!g->with[g->n]) {
		g->err = 1;
		return 1;
	}
	g->n++;
	return 0;
}

static int
appts_gather(struct ctx *cx, const struct actor *who, struct appts *g)
{
	struct refusal why;
	int rc;

	memset(g, 0, sizeof(*g));
	g->cx = cx;
	rc = appointments_mine(cx, who, SIDE_BOTH, 0, 0, appt_keep, g, &why);
	return rc || g->err ? -1 : 0;
}

struct series_acc {
	struct ctx *cx;
	struct store_series *v;
	size_t n, cap;
	int err;
};

static int
series_keep(void *arg, const struct store_series *sr)
{
	struct series_acc *s = arg;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct store_series *v = arena_alloc(s->cx->a, cap * sizeof(*v));

		if (!v) {
			s->err = 1;
			return 1;
		}
		if (s->n)
			memcpy(v, s->v, s->n * sizeof(*v));
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *sr;
	return 0;
}

static int
series_gather(struct ctx *cx, const struct actor *who, struct series_acc *s)
{
	struct refusal why;

	memset(s, 0, sizeof(*s));
	s->cx = cx;
	return series_mine(cx, who, SIDE_BOTH, series_keep, s, &why) || s->err ? -1 : 0;
}

/* The other side of series sr, as its sessions name it. */
static const char *
series_with(const struct appts *g, const struct store_series *sr, const char **side)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->v[i].series_id == sr->id) {
			*side = g->side[i];
			return g->with[i];
		}
	*side = NULL;
	return NULL;
}

static void
sessions_part(const struct appts *g, const struct series_acc *s, struct jw *w)
{
	const char *side;
	size_t i;

	jw_karr_open(w, "appointments");
	for (i = 0; i < g->n; i++) {
		const struct store_appt *a = &g->v[i];

		jw_obj_open(w);
		jw_kstr(w, "side", g->side[i]);
		jw_kstr(w, "with", g->with[i]);
		jw_kstr(w, "kind", a->kind);
		jw_ktime(w, "start", a->start);
		jw_ktime(w, "end", a->end);
		jw_kstr(w, "time_zone", a->zone);
		jw_kstr_or_null(w, "modality", a->modality);
		jw_kstr(w, "status", a->status);
		jw_kstr_or_null(w, "cancelled_by", a->cancelled_by);
		jw_kbool(w, "late", a->late != 0);
		jw_kbool(w, "of_a_series", a->series_id != 0);
		jw_ktime(w, "booked", a->created_at);
		jw_ktime(w, "changed", a->updated_at);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_karr_open(w, "series");
	for (i = 0; i < s->n; i++) {
		const struct store_series *sr = &s->v[i];
		const char *with = series_with(g, sr, &side);

		jw_obj_open(w);
		jw_kstr_or_null(w, "side", side);
		jw_kstr_or_null(w, "with", with);
		jw_kstr(w, "kind", sr->kind);
		kday(w, "first_day", sr->first_day);
		khhmm(w, "time", sr->minute);
		jw_kint(w, "minutes", sr->minutes);
		jw_kint(w, "every_weeks", sr->interval_weeks);
		jw_kint(w, "sessions", sr->count);
		jw_kstr(w, "time_zone", sr->zone);
		jw_kstr(w, "status", sr->status);
		jw_kstr(w, "started_by", sr->created_by);
		jw_ktime(w, "started", sr->created_at);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

struct wait_out {
	struct ctx *cx;
	struct jw *w;
};

static int
wait_one(void *arg, const struct store_wait *wt)
{
	struct wait_out *o = arg;

	jw_obj_open(o->w);
	jw_kstr(o->w, "listing", listing_display_name(o->cx, wt->therapist_id));
	jw_kstr(o->w, "kind", wt->kind);
	jw_ktime(o->w, "joined", wt->created_at);
	jw_ktime(o->w, "last_told_of_an_opening", wt->notified_at);
	jw_obj_close(o->w);
	return 0;
}

struct sess_out {
	struct jw *w;
	long n;
};

static int
session_one(void *arg, int64_t started, int64_t seen, int64_t expires)
{
	struct sess_out *o = arg;

	jw_obj_open(o->w);
	jw_ktime(o->w, "signed_in", started);
	jw_ktime(o->w, "last_used", seen ? seen : started);
	jw_ktime(o->w, "ends", expires);
	jw_obj_close(o->w);
	o->n++;
	return 0;
}

/*
 * The audit trail's entries about this person (audit_activity), every
 * page of them, newest first, each in the words the account page shows.
 */
static int
audit_entries(struct ctx *cx, const struct actor *who, struct jw *w)
{
	struct audit_seen *v;
	struct refusal why;
	int64_t before = 0, next;
	int n, pages = 0;

	jw_karr_open(w, "audit_entries");
	do {
		if (audit_activity(cx, who, before, &v, &n, &next, &why) != 0)
			return -1;
		for (int i = 0; i < n; i++) {
			jw_obj_open(w);
			jw_ktime(w, "at", v[i].at);
			jw_kstr(w, "kind", audit_kind_name(v[i].kind));
			jw_kstr(w, "what", v[i].text);
			jw_obj_close(w);
		}
		before = next;
	} while (next && ++pages < 10000);
	jw_arr_close(w);
	return 0;
}

static int
person_part(struct ctx *cx, const struct actor *who, struct jw *w)
{
	struct wait_out wo = {cx, w};
	struct sess_out so = {w, 0};
	struct calendar cal;
	struct refusal why;
	bool feed = false;
	int i;

	jw_karr_open(w, "waitlists");
	if (waits_mine(cx, who, wait_one, &wo, &why))
		return -1;
	jw_arr_close(w);
	memset(&cal, 0, sizeof(cal));
	if (calendar_load(cx, who, &cal))
		return -1;
	jw_karr_open(w, "calendar_busy_times");
	for (i = 0; i < cal.n_busy; i++) {
		jw_obj_open(w);
		jw_ktime(w, "start", cal.busy[i].start);
		jw_ktime(w, "end", cal.busy[i].end);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	if (feed_active(cx, who, &feed))
		return -1;
	jw_kobj_open(w, "calendar_feed");
	jw_kbool(w, "exists", feed);
	jw_kstr(w, "note", "The feed's address is a secret chiron shows once; it is not exported.");
	jw_obj_close(w);
	jw_kobj_open(w, "sign_in_sessions");
	jw_karr_open(w, "live");
	if (STORE_CALL(cx->sv->store, sessions_of_user, who->id, ctx_now(cx), session_one, &so))
		return -1;
	jw_arr_close(w);
	jw_kint(w, "count", so.n);
	jw_obj_close(w);
	return audit_entries(cx, who, w);
}

static void
policies(struct jw *w, const struct store_policy *pol)
{
	jw_kobj_open(w, "policies");
	jw_kstr(w, "confidentiality", pol->confidentiality);
	jw_kstr(w, "professional_events", pol->events);
	jw_kstr(w, "dual_relationships", pol->dual);
	jw_ktime(w, "updated", pol->updated_at);
	jw_obj_close(w);
}

static int
closure_one(void *arg, const struct store_closed *c)
{
	struct jw *w = arg;

	jw_obj_open(w);
	kday(w, "first_day", c->first_day);
	kday(w, "last_day", c->last_day);
	khhmm(w, "from", c->start_min);
	khhmm(w, "until", c->end_min);
	jw_kstr(w, "note", c->note);
	jw_obj_close(w);
	return 0;
}

/* A therapist's listing, when they hold or claim one. */
static int
listing_part(struct ctx *cx, const struct actor *who, struct jw *w)
{
	struct store_listing l;
	struct store_policy pol;
	struct store_profile *prof;
	struct book_ctx *bc;
	struct refusal why;
	struct buf rec = BUF_INIT;
	struct verr e;
	jnode *v;
	int found = 0, i, rc;

	if (who->role == ACCT_SEEKER)
		return 0;
	if (listing_claim_of(cx, who, &l, &found))
		return -1;
	if (!found) {
		jw_knull(w, "listing");
		return 0;
	}
	jw_kobj_open(w, "listing");
	jw_kstr(w, "name", listing_display_name(cx, l.therapist_id));
	jw_ktime(w, "claimed", l.claimed_at);
	jw_ktime(w, "verified", l.verified_at);
	jw_ktime(w, "confirmed_current", l.confirmed_at);
	if (!who->therapist_id[0]) {
		jw_kstr(w, "note", "The claim waits for an administrator's verification.");
		jw_obj_close(w);
		return 0;
	}
	rc = listing_record_json(cx, who, &rec, &why);
	if (rc < 0)
		return -1;
	if (rc == 0 && (v = jn_parse(rec.p, rec.len, cx->a, &e)) != NULL) {
		jw_key(w, "record");
		jw_node(w, v);
	}
	buf_free(&rec);
	if ((rc = listing_policies_get(cx, who, &pol, &why)) < 0)
		return -1;
	if (rc == 0)
		policies(w, &pol);
	if (!(prof = arena_calloc(cx->a, 1, sizeof(*prof))) ||
	    (rc = listing_profile_mine(cx, who, prof, &why)) < 0)
		return -1;
	if (rc == 0) {
		jw_kstr(w, "statement", prof->statement);
		jw_kbool(w, "photo", prof->photo_version != 0);
	}
	if (!(bc = arena_calloc(cx->a, 1, sizeof(*bc))) ||
	    book_ctx_load(cx, who, who->therapist_id, bc, &why) < 0)
		return -1;
	jw_kobj_open(w, "schedule");
	jw_kint(w, "notice_hours", bc->sc.notice_hours);
	jw_kint(w, "booking_notice_hours", bc->sc.booking_notice_hours);
	jw_karr_open(w, "session_types");
	for (i = 0; i < bc->sc.n_types; i++) {
		jw_obj_open(w);
		jw_kstr(w, "kind", bc->sc.types[i].kind);
		jw_kint(w, "minutes", bc->sc.types[i].minutes);
		jw_kint(w, "every_minutes", bc->sc.types[i].step);
		jw_kint(w, "seats", bc->sc.types[i].capacity);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
	jw_karr_open(w, "closures");
	if (closures_mine(cx, who, closure_one, w, &why) < 0)
		return -1;
	jw_arr_close(w);
	jw_obj_close(w);
	return 0;
}

int
export_json(struct ctx *cx, const struct actor *who, const char *password, struct buf *out,
            struct refusal *why)
{
	struct store_user u;
	struct appts g;
	struct series_acc s;
	struct jw w;
	int rc, found = 0;

	if ((rc = account_reauth(cx, who, password, why)) != 0)
		return rc;
	if (account_get(cx, who->id, &u, &found))
		return -1;
	if (!found)
		return refuse(why, 401, "", "sign in first");
	if (appts_gather(cx, who, &g) || series_gather(cx, who, &s))
		return -1;
	jw_init(&w, out);
	jw_obj_open(&w);
	jw_kstr(&w, "about", "Everything chiron keeps about your account, as of the time below "
	                     "(https://chiron/privacy says why each part is kept and for how long).");
	jw_ktime(&w, "exported", ctx_now(cx));
	account_part(cx, who, &w, &u);
	if (profile_part(cx, who, &w) || requests_part(cx, who, &w))
		return -1;
	sessions_part(&g, &s, &w);
	if (person_part(cx, who, &w) || listing_part(cx, who, &w))
		return -1;
	jw_obj_close(&w);
	if (jw_end(&w))
		return -1;
	return buf_addc(out, '\n') ? -1 : 0;
}

/* ----------------------------------------------------------------------
 * The calendar
 * ---------------------------------------------------------------------- */

static const char *
summary_of(void *arg, const struct store_appt *a)
{
	const struct appts *g = arg;
	size_t i;
	char *t;
	size_t n;

	for (i = 0; i < g->n && g->v[i].id != a->id; i++)
		;
	if (i == g->n || !g->with[i][0])
		return NULL;
	n = strlen(g->with[i]) + 16;
	if (!(t = arena_alloc(g->cx->a, n)))
		return NULL;
	snprintf(t, n, "%s with %s", strcmp(g->side[i], "seeker") == 0 ? "Therapy" : "Session",
	         g->with[i]);
	return t;
}

int
export_ics(struct ctx *cx, const struct actor *who, const char *password, struct buf *out,
           struct refusal *why)
{
	struct appts g;
	struct series_acc s;
	struct ical_cal c;
	int rc;

	if ((rc = account_reauth(cx, who, password, why)) != 0)
		return rc;
	if (appts_gather(cx, who, &g) || series_gather(cx, who, &s))
		return -1;
	memset(&c, 0, sizeof(c));
	c.name = "chiron: your sessions";
	c.now = ctx_now(cx);
	c.appts = g.v;
	c.n_appts = g.n;
	c.series = s.v;
	c.n_series = s.n;
	c.summary = summary_of;
	c.arg = &g;
	return ical_write(&c, out);
}
