/*
 * booking.c: booking therapy like a clinical commitment (booking.h).
 *
 * The week comes from the therapist's record (the same availability the
 * matcher's time rule reads) with their session types, notice period and
 * dated closures; slots are cut from it on real dates by core/schedule.c.
 * A booking asks the store to check and insert inside one transaction,
 * and the store asks back here (slot_still_open) with the bookings as
 * they stand at that moment: two clinicians racing for one slot get one
 * booking and one "just taken".
 *
 * Every change goes to the outbox for both sides, each in their own time
 * zone (the words are notify.c's); a cancellation or a move tells the
 * listing's waitlist (waitlist.c).
 *
 * States, as the store keeps them (appointment.status, cancelled_by,
 * late, orig_start; series.status; a waitlist row and its notified_at),
 * and the function behind each move:
 *
 *   Appointment
 *
 *     open slot --book()---------------+
 *     anchor ----start_series()--+     |     move_appt(): a new time, still
 *       (each open occurrence)   v     v     booked; orig_start keeps the
 *                             +----------+   first; late when the seeker
 *             move_appt() +-->|  booked  |   moves inside the notice period
 *                         +---|          |   (both told, waitlist_freed)
 *                             +----------+
 *                 cancel_appt()  |  |  | end_series(): each one still
 *        seeker, before notice   |  |  | ahead, by the side ending it
 *                  +-------------+  |  +-------------+
 *                  v                v                v
 *        +-----------------+ +-----------------+ +-----------------------+
 *        | cancelled       | | cancelled, late | | cancelled             |
 *        | by seeker or by | | by the seeker   | | by the side that      |
 *        | therapist (never| | inside notice   | | ended the series      |
 *        | late)           | | hours           | | (never late)          |
 *        +-----------------+ +-----------------+ +-----------------------+
 *
 *     A cancelled appointment never changes again (cancel and move answer
 *     409). A booked one whose start has passed stays "booked": moving it
 *     or making it a series is refused (409), and cancelling once it has
 *     ended. appointment_reminders marks it reminded (reminded_at), once,
 *     the day before: no change of state.
 *
 *   Series
 *
 *     booked single --start_series()--> active --end_series()--> ended
 *
 *     The anchor becomes its first session; occurrences not open (a
 *     closure, someone else's booking, a wall time in the spring gap) are
 *     skipped, never stored. Ending cancels the booked ones ahead and
 *     tells both sides once; the freed time goes to waitlist_openings.
 *
 *   Waitlist (one row per listing, account and kind; waitlist.c)
 *
 *     wait_join() --> waiting --wait_leave()--> gone
 *                      |    ^
 *                      +----+  waitlist_freed (every freed time that fits)
 *                              waitlist_openings (at most once a day):
 *                              notified_at = now, still waiting
 *
 *     Booking does not take a clinician off a waitlist; only leaving does.
 *
 * Who may do what is checked here, before anything is read: see
 * booking.h. A stranger asking for someone's appointment or series is
 * answered 404, exactly as for one that does not exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/form.h"
#include "core/kinds.h"
#include "core/record.h"
#include "core/schedule.h"
#include "core/tz.h"
#include "app/services.h"

/* The booking notice of c: no slot starts sooner than this after now. */
#define LEAD_SECONDS(c) ((int64_t)(c)->sc.booking_notice_hours * 3600)
#define DAY 86400

/* The refusals of the dispatcher (web/server.c), so a page, the API and
 * a command calling a service directly are answered alike. */
static int
signed_in(const struct actor *who, struct refusal *why)
{
	return who->id ? 0 : refuse(why, 401, "", "sign in to use this");
}

/* A therapist-side service: a therapist's (or an admin's) account, then
 * a verified listing (refused with status and message otherwise). */
static int
listing_holder(const struct actor *who, int status, const char *message, struct refusal *why)
{
	if (signed_in(who, why))
		return 1;
	if (who->role != ACCT_THERAPIST && who->role != ACCT_ADMIN)
		return refuse(why, 403, "", "your account may not use this");
	if (!who->therapist_id[0])
		return refuse(why, status, "", message);
	return 0;
}

static const char *const month_abbr[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
static const char *const day_abbr[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

void
when_text(char out[48], const struct tz_zone *z, int64_t t)
{
	int64_t local = t + (z ? tz_offset_at(z, t) : 0);
	int64_t day = local / DAY - (local % DAY < 0);
	int64_t sec = local - day * DAY;
	unsigned m, d;
	int y;

	tz_civil_from_days(day, &y, &m, &d);
	snprintf(out, 48, "%s %u %s %d, %02d:%02d", day_abbr[tz_weekday(day)], d, month_abbr[m - 1], y,
	         (int)(sec / 3600), (int)(sec / 60 % 60));
}

/* ----------------------------------------------------------------------
 * A therapist's week
 * ---------------------------------------------------------------------- */

struct closed_acc {
	struct arena *a;
	struct store_closed *v;
	int n, cap, err;
};

static int
closed_one(void *arg, const struct store_closed *c)
{
	struct closed_acc *x = arg;
	struct store_closed *slot = arena_grow(x->a, &x->v, &x->n, &x->cap, sizeof(*slot), 16);

	if (!slot) {
		x->err = 1;
		return 1;
	}
	*slot = *c;
	return 0;
}

static void
default_types(struct store_schedule *sc, bool couples, bool group)
{
	static const struct store_session_type consult = {"consultation", 15, 30, 1},
	                                       indiv = {"individual", 50, 60, 1},
	                                       coup = {"couples", 80, 60, 1},
	                                       grp = {"group", 90, 60, 8};

	sc->n_types = 0;
	sc->types[sc->n_types++] = consult;
	sc->types[sc->n_types++] = indiv;
	if (couples)
		sc->types[sc->n_types++] = coup;
	if (group)
		sc->types[sc->n_types++] = grp;
}

int
book_ctx_load(struct ctx *cx, const struct actor *who, const char *tid, struct book_ctx *c, struct refusal *why)
{
	struct therapist t;
	struct closed_acc x = {cx->a, NULL, 0, 0, 0};
	int found = 0, hidden = 0, rc;

	(void)who;
	memset(c, 0, sizeof(*c));
	if (!tid || !record_id_ok(tid))
		return refuse(why, 404, "therapist_id", "no therapist has this id");
	if ((rc = therapist_load(cx, tid, &t)) < 0 ||
	    STORE_CALL(cx->sv->store, listing_hidden, tid, &hidden))
		return -1;
	if (rc || hidden)
		return refuse(why, 404, "therapist_id", "no therapist has this id");
	snprintf(c->tid, sizeof(c->tid), "%s", tid);
	snprintf(c->name, sizeof(c->name), "%s", t.name);
	snprintf(c->zone, sizeof(c->zone), "%s", t.timezone);
	c->tz = tz_get(t.timezone);
	c->weekly = t.avail;
	c->n_weekly = t.n_avail;
	c->accepting = t.accepting;
	c->modalities = t.modalities;
	c->formats = t.formats;
	c->fee = t.fee;
	/* The settings first: a listing without hours still has them (its
	 * schedule page shows them with the 409 below). */
	if (STORE_CALL(cx->sv->store, schedule_get, tid, &c->sc, &found))
		return -1;
	if (!found) {
		c->sc.notice_hours = 24;
		c->sc.booking_notice_hours = BOOKING_NOTICE_DEFAULT;
	}
	if (!c->sc.n_types)
		default_types(&c->sc, t.formats >> FMT_COUPLES & 1, t.formats >> FMT_GROUP & 1);
	if (!c->tz || !c->n_weekly)
		return refuse(why, 409, "therapist_id",
		              "this therapist keeps no weekly hours to book; send a consultation request instead");
	if (STORE_CALL(cx->sv->store, closed_list, tid, ctx_now(cx) / DAY - 1, closed_one, &x) ||
	    x.err)
		return -1;
	c->closed = x.v;
	c->n_closed = x.n;
	{
		struct store_avail_modes *m = arena_alloc(cx->a, sizeof(*m));
		int i, k;

		c->wmodes = arena_calloc(cx->a, (size_t)c->n_weekly, 1);
		if (!m || !c->wmodes || STORE_CALL(cx->sv->store, avail_modes_get, tid, m))
			return -1;
		for (i = 0; i < c->n_weekly; i++)
			for (k = 0; k < m->n; k++)
				if (m->v[k].day == c->weekly[i].day && m->v[k].start == c->weekly[i].start &&
				    m->v[k].end == c->weekly[i].end)
					c->wmodes[i] = m->v[k].modes;
	}
	return 0;
}

/* The modality bit of a name; 0 for "either" (NULL or ""), -1 when unknown. */
static int
modality_bit(const char *modality)
{
	if (!modality || !*modality)
		return 0;
	if (modality_parse(modality) == MOD_IN_PERSON)
		return 1 << MOD_IN_PERSON;
	if (modality_parse(modality) == MOD_TELEHEALTH)
		return 1 << MOD_TELEHEALTH;
	return -1;
}

const struct store_session_type *
book_type(const struct book_ctx *c, const char *kind)
{
	int i;

	for (i = 0; kind && i < c->sc.n_types; i++)
		if (strcmp(c->sc.types[i].kind, kind) == 0)
			return &c->sc.types[i];
	return NULL;
}

const struct store_session_type *
book_offered(const struct book_ctx *c, const char *kind)
{
	const struct store_session_type *t = book_type(c, kind);
	int k = t ? session_kind_parse(t->kind) : -1;

	if (!t || k == SK_CONSULTATION || !c->formats)
		return t;
	if ((k == SK_INDIVIDUAL && !(c->formats >> FMT_INDIVIDUAL & 1)) ||
	    (k == SK_COUPLES && !(c->formats >> FMT_COUPLES & 1)) ||
	    (k == SK_GROUP && !(c->formats >> FMT_GROUP & 1)))
		return NULL;
	return t;
}

/* A session kind as the core's busy tag (seats pool only within a kind). */
static int
kind_tag(const char *kind)
{
	static const char *const k[] = {"consultation", "individual", "couples", "group"};
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(kind, k[i]) == 0)
			return i + 1;
	return 0;
}

/* The core's inputs for c and type t, for slots starting in [from, to):
 * the closures of those local days only (a day either side). */
static int
params(struct ctx *cx, const struct book_ctx *c, const struct store_session_type *t, int mode,
       int64_t from, int64_t to, struct sched_params *p)
{
	int64_t d0 = from / DAY - 2, d1 = to / DAY + 2;
	struct sched_closed *cl = NULL;
	struct window *w = c->weekly;
	int i, n = 0, nw = c->n_weekly;
	int64_t d;

	if (mode) {             /* only the windows held that way */
		w = arena_alloc(cx->a, (size_t)(nw ? nw : 1) * sizeof(*w));
		if (!w)
			return -1;
		for (i = nw = 0; i < c->n_weekly; i++)
			if (!c->wmodes || !c->wmodes[i] || (c->wmodes[i] & mode))
				w[nw++] = c->weekly[i];
	}

	if (c->n_closed) {
		long total = 0;

		for (i = 0; i < c->n_closed; i++) {
			int64_t a = c->closed[i].first_day > d0 ? c->closed[i].first_day : d0;
			int64_t b = c->closed[i].last_day < d1 ? c->closed[i].last_day : d1;

			if (b >= a)
				total += (long)(b - a + 1);
		}
		cl = arena_alloc(cx->a, (size_t)(total ? total : 1) * sizeof(*cl));
		if (!cl)
			return -1;
		for (i = 0; i < c->n_closed; i++)
			for (d = c->closed[i].first_day > d0 ? c->closed[i].first_day : d0;
			     d <= c->closed[i].last_day && d <= d1; d++)
				cl[n++] = (struct sched_closed){d, (uint16_t)c->closed[i].start_min,
				                                (uint16_t)c->closed[i].end_min};
	}
	memset(p, 0, sizeof(*p));
	p->zone = c->tz;
	p->weekly = w;
	p->n_weekly = nw;
	p->closed = cl;
	p->n_closed = n;
	p->length = t->minutes;
	p->step = t->step;
	p->capacity = t->capacity;
	p->tag = kind_tag(t->kind);
	return 0;
}

struct busy_acc {
	struct arena *a;
	struct sched_busy *v;
	int n, cap, err;
};

static int
busy_one(void *arg, const struct store_appt *ap)
{
	struct busy_acc *x = arg;
	struct sched_busy *slot;

	if (appt_status_parse(ap->status) != APPT_BOOKED)
		return 0;
	slot = arena_grow(x->a, &x->v, &x->n, &x->cap, sizeof(*slot), 64);

	if (!slot) {
		x->err = 1;
		return 1;
	}
	*slot = (struct sched_busy){ap->start, ap->end, 1, kind_tag(ap->kind)};
	return 0;
}

int
open_slots(struct ctx *cx, const struct actor *who, const struct book_ctx *c, const char *kind, const char *modality,
           int64_t from, int64_t to, struct sched_slot *out, int max, struct refusal *why)
{
	const struct store_session_type *t = book_offered(c, kind);
	struct busy_acc b = {cx->a, NULL, 0, 0, 0};
	struct sched_params p;
	int64_t now = ctx_now(cx);
	int mode = modality_bit(modality);

	(void)who;              /* anyone may see a listing's open slots */
	if (!t)
		return refuse(why, 400, "kind", "this therapist does not offer that kind of session") - 3;
	if (mode < 0 || (mode && !(c->modalities & mode)))
		return refuse(why, 400, "modality", "this therapist does not meet that way") - 3;
	if (from < now + LEAD_SECONDS(c))
		from = now + LEAD_SECONDS(c);
	if (from <= now)
		from = now + 1;
	if (to > now + (int64_t)HORIZON_WEEKS * 7 * DAY)
		to = now + (int64_t)HORIZON_WEEKS * 7 * DAY;
	if (to <= from)
		return 0;
	/* Times only: no seeker is opened for a slot search. */
	if (STORE_CALL(cx->sv->store, appts_of_therapist, c->tid, from - DAY, to + DAY, 0, busy_one, &b) ||
	    b.err || params(cx, c, t, mode, from, to, &p))
		return -1;
	p.busy = b.v;
	p.n_busy = b.n;
	p.from = from;
	p.to = to;
	return sched_slots(&p, out, max);
}

/* The store's question, inside the booking's transaction. */
struct check {
	struct ctx *cx;
	const struct actor *who;
	const struct book_ctx *c;
	const struct store_session_type *t;
	int mode;
	int err;
};

static int
slot_still_open(void *arg, const struct store_appt *a, const struct store_span *busy, int n_busy)
{
	struct check *k = arg;
	struct sched_params p;
	struct sched_busy *b;
	int i;

	if (params(k->cx, k->c, k->t, k->mode, a->start, a->end, &p) ||
	    !(b = arena_alloc(k->cx->a, (size_t)(n_busy ? n_busy : 1) * sizeof(*b)))) {
		k->err = 1;
		return -1;
	}
	for (i = 0; i < n_busy; i++)
		b[i] = (struct sched_busy){busy[i].start, busy[i].end, busy[i].seats, kind_tag(busy[i].kind)};
	p.busy = b;
	p.n_busy = n_busy;
	return !sched_slot_open(&p, a->start, a->end);
}

/* ----------------------------------------------------------------------
 * Telling both sides
 * ---------------------------------------------------------------------- */

int
recipient_of(struct services *sv, int64_t user, const char *appt_zone, int64_t start, struct recipient *r)
{
	struct store_user u;
	const struct tz_zone *z;
	int found = 0;

	if (!user)
		return 1;
	if (account_get_sv(sv, user, &u, &found))
		return -1;
	if (!found)
		return 1;
	snprintf(r->email, sizeof(r->email), "%s", u.email);
	if (STORE_CALL(sv->store, user_zone_get, user, r->zone, sizeof(r->zone)) || !(z = tz_get(r->zone))) {
		z = tz_get(appt_zone);
		snprintf(r->zone, sizeof(r->zone), "%s", appt_zone);
	}
	when_text(r->when, z, start);
	return 0;
}

/* The account holding listing tid, or 0: only a verified claim holds one
 * (a claimant still waiting hears nothing of its sessions). */
static int64_t
therapist_user(struct services *sv, const char *tid)
{
	struct store_listing l;
	int found = 0;

	if (STORE_CALL(sv->store, listing_get, tid, &l, &found) || !found || !l.verified_at)
		return 0;
	return l.user;
}

/* What a therapist is shown of a seeker whose account was erased. */
#define SEEKER_GONE "a person who has since closed their account"

/* The seeker's pseudonym as the therapist is shown it. */
static void
seeker_handle(struct services *sv, int64_t seeker, bool gone, char handle[64])
{
	struct store_user u;
	int found = 0;

	if (gone)
		snprintf(handle, 64, SEEKER_GONE);
	else if (STORE_CALL(sv->store, user_get, seeker, &u, &found) || !found)
		snprintf(handle, 64, "a clinician");
	else
		snprintf(handle, 64, "%s", u.handle);
}

/*
 * What happened to appointment a, told to both sides, each in their own
 * zone and sent to their own page: the seeker hears the listing's name
 * tname, the therapist the seeker's pseudonym. was: a move's old start (0
 * otherwise); side: who did it ("seeker", "therapist"; NULL: not said).
 * cancelled: as notify_session's.
 */
static void
tell_both(struct services *sv, const struct store_appt *a, const char *tname, enum session_news what,
          long cancelled, int64_t was, const char *side)
{
	struct recipient r, old;
	struct session_note n = {a->kind, tname, r.when, r.zone, false, NULL, NULL};
	char handle[64];
	int64_t therapist = therapist_user(sv, a->therapist_id);

	seeker_handle(sv, a->seeker, a->seeker_gone, handle);
	if (recipient_of(sv, a->seeker, a->zone, a->start, &r) == 0) {
		n.was = was && recipient_of(sv, a->seeker, a->zone, was, &old) == 0 ? old.when : NULL;
		n.by = !side ? NULL : strcmp(side, "seeker") == 0 ? "you" : tname;
		notify_session(sv, r.email, what, &n, cancelled);
	}
	n.with = handle;
	n.therapist = true;
	if (recipient_of(sv, therapist, a->zone, a->start, &r) == 0) {
		n.was = was && recipient_of(sv, therapist, a->zone, was, &old) == 0 ? old.when : NULL;
		n.by = !side ? NULL : strcmp(side, "therapist") == 0 ? "you" : handle;
		notify_session(sv, r.email, what, &n, cancelled);
	}
}

/* ----------------------------------------------------------------------
 * Booking, cancelling, moving
 * ---------------------------------------------------------------------- */

/* Has the seeker booked with this therapist before (a client already)? */
struct history {
	const char *tid;
	bool seen;
};

static int
history_one(void *arg, const struct store_appt *a)
{
	struct history *h = arg;

	if (strcmp(a->therapist_id, h->tid) == 0)
		h->seen = true;
	return h->seen;
}

/*
 * Whether start may be booked now under c's booking notice: 0; 400 when
 * it is past or beyond the horizon; 409, in plain words, when it is
 * sooner than the therapist's booking notice allows.
 */
static int
within_notice(struct ctx *cx, const struct book_ctx *c, int64_t start, int64_t now, struct refusal *why)
{
	int h = c->sc.booking_notice_hours;
	char msg[160];
	const char *m;

	if (start <= now || start > now + (int64_t)HORIZON_WEEKS * 7 * DAY)
		return refuse(why, 400, "start", "choose a time still ahead and at most a year away");
	if (start >= now + LEAD_SECONDS(c))
		return 0;
	snprintf(msg, sizeof(msg), "this therapist takes bookings at least %d hour%s ahead; "
	         "choose a later time", h, h == 1 ? "" : "s");
	m = arena_strdup(cx->a, msg);
	return refuse(why, 409, "start", m ? m : "this therapist needs more notice; choose a later time");
}

int
book(struct ctx *cx, const struct actor *who, const char *tid, const char *kind, const char *modality, int64_t start,
     struct store_appt *a, struct refusal *why)
{
	struct book_ctx *c = arena_alloc(cx->a, sizeof(*c));
	const struct store_session_type *t;
	struct check k;
	int64_t now = ctx_now(cx);
	int rc, booked = 0;

	if (signed_in(who, why))
		return 1;
	if (!c)
		return -1;
	if ((rc = book_ctx_load(cx, who, tid, c, why)) != 0)
		return rc;
	if (strcmp(who->therapist_id, tid) == 0)
		return refuse(why, 400, "therapist_id", "you cannot book your own listing");
	if (!c->accepting) {
		struct history h = {tid, false};

		if (appts_of_seeker(cx, who->id, 0, 0, history_one, &h))
			return -1;
		if (!h.seen)
			return refuse(why, 409, "therapist_id", "this therapist is not taking new clients "
			                                        "now; you can join their waitlist");
	}
	if (!(t = book_offered(c, kind)))
		return refuse(why, 400, "kind", "this therapist does not offer that kind of session");
	if ((rc = within_notice(cx, c, start, now, why)) != 0)
		return rc;
	if (modality_bit(modality) < 0 || (modality_bit(modality) && !(c->modalities & modality_bit(modality))))
		return refuse(why, 400, "modality", "this therapist does not meet that way");
	memset(a, 0, sizeof(*a));
	snprintf(a->modality, sizeof(a->modality), "%s", modality ? modality : "");
	snprintf(a->therapist_id, sizeof(a->therapist_id), "%s", tid);
	a->seeker = who->id;
	if (link_seal(cx, "appointment", who->id, &a->link))
		return -1;
	snprintf(a->kind, sizeof(a->kind), "%s", t->kind);
	a->start = start;
	a->end = start + (int64_t)t->minutes * 60;
	snprintf(a->zone, sizeof(a->zone), "%s", c->zone);
	k = (struct check){cx, who, c, t, modality_bit(modality), 0};
	rc = STORE_CALL(cx->sv->store, appt_book, NULL, a, 1, slot_still_open, &k, &booked);
	if (k.err)
		return -1;
	if (rc == STORE_TAKEN)
		return refuse(why, 409, "start", "just taken: someone else booked this time a moment ago, "
		                                 "or it is not one of the open slots; choose another");
	if (rc)
		return -1;
	tell_both(cx->sv, a, c->name, NEWS_BOOKED, 0, 0, NULL);
	return 0;
}

int
appt_mine(struct ctx *cx, const struct actor *who, const char *id, struct store_appt *a, const char **side,
          struct refusal *why)
{
	char *end;
	long long n = id ? strtoll(id, &end, 10) : 0;
	int found = 0;

	if (signed_in(who, why))
		return 1;
	if (!id || !*id || *end || n <= 0)
		return refuse(why, 404, "", "there is no such appointment");
	if (appt_get_sealed(cx, (int64_t)n, a, &found))
		return -1;
	if (found && !a->seeker_gone && a->seeker == who->id)
		*side = "seeker";
	else if (found && who->therapist_id[0] && strcmp(a->therapist_id, who->therapist_id) == 0)
		*side = "therapist";
	else
		return refuse(why, 404, "", "there is no such appointment");
	if (**side == 't' && audit_note(cx, who, AUDIT_READ, "appointment", id, a->seeker))
		return -1;
	return 0;
}

/* Inside the therapist's notice period: the seeker's change is late. */
static int
is_late(const struct store_appt *a, const char *side, int notice_hours, int64_t now)
{
	return role_parse(side) == ACCT_SEEKER && a->start - now < (int64_t)notice_hours * 3600;
}

static const char *
name_of(struct ctx *cx, const char *tid)
{
	struct therapist t;

	return therapist_load(cx, tid, &t) == 0 ? t.name : "your therapist";
}

int
cancel_appt(struct ctx *cx, const struct actor *who, const char *id, struct store_appt *a, struct refusal *why)
{
	const char *side;
	int rc, late, found = 0;

	if ((rc = appt_mine(cx, who, id, a, &side, why)) != 0)
		return rc;
	if (appt_status_parse(a->status) != APPT_BOOKED)
		return refuse(why, 409, "", "this session is already cancelled");
	if (a->end <= ctx_now(cx))
		return refuse(why, 409, "", "this session has passed");
	{
		struct store_schedule sc;
		int have = 0;

		if (STORE_CALL(cx->sv->store, schedule_get, a->therapist_id, &sc, &have))
			return -1;
		late = is_late(a, side, have ? sc.notice_hours : 24, ctx_now(cx));
	}
	if (STORE_CALL(cx->sv->store, appt_cancel, a->id, side, late, ctx_now(cx), &found))
		return -1;
	if (!found)
		return refuse(why, 409, "", "this session is already cancelled");
	if (*side == 't' && audit_note(cx, who, AUDIT_WRITE, "session-cancel", id, a->seeker))
		return -1;
	snprintf(a->status, sizeof(a->status), "cancelled");
	snprintf(a->cancelled_by, sizeof(a->cancelled_by), "%s", side);
	a->late = late;
	{
		const char *tname = name_of(cx, a->therapist_id);

		tell_both(cx->sv, a, tname, late ? NEWS_CANCELLED_LATE : NEWS_CANCELLED, 0, 0, side);
		waitlist_freed(cx->sv, a, tname);
	}
	return 0;
}

int
move_appt(struct ctx *cx, const struct actor *who, const char *id, int64_t start, struct store_appt *a, struct refusal *why)
{
	struct book_ctx *c = arena_alloc(cx->a, sizeof(*c));
	const struct store_session_type *t;
	struct store_appt moved;
	const char *side;
	struct check k;
	int64_t now = ctx_now(cx);
	int rc, late, found = 0;

	if (!c)
		return -1;
	if ((rc = appt_mine(cx, who, id, a, &side, why)) != 0)
		return rc;
	if (appt_status_parse(a->status) != APPT_BOOKED || a->start <= now)
		return refuse(why, 409, "", "only a booked session still ahead can be moved");
	if ((rc = book_ctx_load(cx, who, a->therapist_id, c, why)) != 0)
		return rc;
	if (!(t = book_type(c, a->kind)))
		return refuse(why, 409, "kind", "the therapist no longer offers this kind of session");
	if ((rc = within_notice(cx, c, start, now, why)) != 0)
		return rc;
	late = is_late(a, side, c->sc.notice_hours, ctx_now(cx));
	moved = *a;
	moved.start = start;
	moved.end = start + (int64_t)t->minutes * 60;
	k = (struct check){cx, who, c, t, modality_bit(a->modality) > 0 ? modality_bit(a->modality) : 0, 0};
	rc = STORE_CALL(cx->sv->store, appt_move, &moved, late, slot_still_open, &k, now, &found);
	if (k.err)
		return -1;
	if (rc == STORE_TAKEN)
		return refuse(why, 409, "start", "just taken: that time is no longer open; choose another");
	if (rc)
		return -1;
	if (!found)
		return refuse(why, 409, "", "only a booked session still ahead can be moved");
	if (*side == 't' && audit_note(cx, who, AUDIT_WRITE, "session-move", id, a->seeker))
		return -1;
	tell_both(cx->sv, &moved, c->name, late ? NEWS_MOVED_LATE : NEWS_MOVED, 0, a->start, side);
	waitlist_freed(cx->sv, a, c->name);
	*a = moved;
	a->late = late;
	return 0;
}

int
start_series(struct ctx *cx, const struct actor *who, const char *appt_id, int interval_weeks, int count,
             struct store_series *sr, int *booked, int *skipped, struct refusal *why)
{
	struct book_ctx *c = arena_alloc(cx->a, sizeof(*c));
	struct store_appt a, *occ;
	const struct store_session_type *t;
	const char *side;
	int64_t times[SERIES_MAX];
	bool gap[SERIES_MAX];
	struct check k;
	int rc, i, n_occ = 0, n_gap = 0, *ok;

	*booked = *skipped = 0;
	if (!c)
		return -1;
	if ((rc = appt_mine(cx, who, appt_id, &a, &side, why)) != 0)
		return rc;
	if (appt_status_parse(a.status) != APPT_BOOKED || a.start <= ctx_now(cx))
		return refuse(why, 409, "", "a series starts from a booked session still ahead");
	if (a.series_id)
		return refuse(why, 409, "", "this session is already part of a series");
	if (interval_weeks != 1 && interval_weeks != 2)
		return refuse(why, 400, "interval_weeks", "a series is weekly (1) or fortnightly (2)");
	if (count < 2 || count > SERIES_MAX)
		return refuse(why, 400, "count", "a series has 2 to 26 sessions");
	if ((rc = book_ctx_load(cx, who, a.therapist_id, c, why)) != 0)
		return rc;
	if (!(t = book_type(c, a.kind)))
		return refuse(why, 409, "kind", "the therapist no longer offers this kind of session");
	memset(sr, 0, sizeof(*sr));
	snprintf(sr->therapist_id, sizeof(sr->therapist_id), "%s", a.therapist_id);
	sr->seeker = a.seeker;
	if (a.seeker_gone || link_seal(cx, "series", a.seeker, &sr->link))
		return a.seeker_gone ? refuse(why, 409, "", "this client has closed their account") : -1;
	snprintf(sr->kind, sizeof(sr->kind), "%s", a.kind);
	snprintf(sr->zone, sizeof(sr->zone), "%s", c->zone);
	sr->first_day = tz_local_day(c->tz, a.start);
	sr->minute = (int)((a.start + tz_offset_at(c->tz, a.start) - sr->first_day * DAY) / 60);
	sr->minutes = t->minutes;
	sr->interval_weeks = interval_weeks;
	sr->count = count;
	snprintf(sr->created_by, sizeof(sr->created_by), "%s", side);
	sr->anchor = a.id;
	if (sched_series(c->tz, sr->first_day, sr->minute, interval_weeks, count, times, gap) != count)
		return -1;
	occ = arena_calloc(cx->a, (size_t)count, sizeof(*occ));
	ok = arena_calloc(cx->a, (size_t)count, sizeof(*ok));
	if (!occ || !ok)
		return -1;
	/* A date whose wall time falls in the spring gap has no such hour:
	 * it is skipped, as a time not open is, never moved an hour on. */
	for (i = 1; i < count; i++) {
		if (gap[i]) {
			n_gap++;
			continue;
		}
		occ[n_occ] = a;
		occ[n_occ].id = 0;
		/* Each row its own key: a sealed seeker opens in its own row only. */
		if (link_seal(cx, "appointment", a.seeker, &occ[n_occ].link))
			return -1;
		occ[n_occ].start = times[i];
		occ[n_occ].end = times[i] + (int64_t)t->minutes * 60;
		n_occ++;
	}
	if (n_occ == 0)
		return refuse(why, 409, "", "none of the following sessions is open; choose another time");
	k = (struct check){cx, who, c, t, modality_bit(a.modality) > 0 ? modality_bit(a.modality) : 0, 0};
	rc = STORE_CALL(cx->sv->store, appt_book, sr, occ, n_occ, slot_still_open, &k, ok);
	if (k.err)
		return -1;
	if (rc == STORE_TAKEN)
		return refuse(why, 409, "", "none of the following sessions is open; choose another time");
	if (rc)
		return -1;
	for (i = 0; i < n_occ; i++)
		*(ok[i] ? booked : skipped) += 1;
	*skipped += n_gap;
	*booked += 1;                   /* the first, already booked */
	tell_both(cx->sv, &a, c->name, interval_weeks == 1 ? NEWS_WEEKLY : NEWS_FORTNIGHTLY, 0, 0, NULL);
	return 0;
}

/* The first booked session ahead of a series. */
struct next_of {
	int64_t series;
	int64_t now;
	struct store_appt next;
	bool found;
};

static int
next_one(void *arg, const struct store_appt *a)
{
	struct next_of *x = arg;

	if (a->series_id == x->series && appt_status_parse(a->status) == APPT_BOOKED &&
	    a->start > x->now) {
		x->next = *a;
		x->found = true;
		return 1;
	}
	return 0;
}

int
end_series(struct ctx *cx, const struct actor *who, const char *id, long *cancelled, struct refusal *why)
{
	struct store_series sr;
	char *end;
	long long n = id ? strtoll(id, &end, 10) : 0;
	const char *side;
	int found = 0;

	if (signed_in(who, why))
		return 1;
	if (!id || !*id || *end || n <= 0)
		return refuse(why, 404, "", "there is no such series");
	if (series_get_sealed(cx, (int64_t)n, &sr, &found))
		return -1;
	if (!found)
		return refuse(why, 404, "", "there is no such series");
	if (!sr.seeker_gone && sr.seeker == who->id)
		side = "seeker";
	else if (who->therapist_id[0] && strcmp(sr.therapist_id, who->therapist_id) == 0)
		side = "therapist";
	else
		return refuse(why, 404, "", "there is no such series");
	if (strcmp(sr.status, "active") != 0)
		return refuse(why, 409, "", "this series has ended");
	{
		struct next_of x = {sr.id, ctx_now(cx), {0}, false};

		if ((sr.seeker_gone ? appts_of_therapist(cx, sr.therapist_id, ctx_now(cx), INT64_MAX, 0,
		                                         next_one, &x)
		                    : appts_of_seeker(cx, sr.seeker, ctx_now(cx), 0, next_one, &x)) ||
		    STORE_CALL(cx->sv->store, series_end, sr.id, side, ctx_now(cx),
		               ctx_now(cx), cancelled))
			return -1;
		/* Both hear of it once, by the first session it cancelled. */
		if (x.found && *cancelled > 0)
			tell_both(cx->sv, &x.next, name_of(cx, sr.therapist_id), NEWS_SERIES_ENDED, *cancelled, 0, side);
		waitlist_openings(cx, who, sr.therapist_id);
	}
	return 0;
}

/* ----------------------------------------------------------------------
 * The therapist's settings, waitlists, zones
 * ---------------------------------------------------------------------- */

int
schedule_save(struct ctx *cx, const struct actor *who, const struct store_schedule *sc, struct refusal *why)
{
	static const char *const kinds[] = {"consultation", "individual", "couples", "group"};
	int i, j, k;

	if (listing_holder(who, 409, "claim or create your listing first", why))
		return 1;
	if (sc->notice_hours < 0 || sc->notice_hours > 168)
		return refuse(why, 400, "notice_hours", "the notice period is 0 to 168 hours");
	if (sc->booking_notice_hours < 0 || sc->booking_notice_hours > BOOKING_NOTICE_MAX)
		return refuse(why, 400, "booking_notice_hours", "the booking notice is 0 to 720 hours");
	if (sc->n_types < 1 || sc->n_types > STORE_SESSION_TYPES)
		return refuse(why, 400, "session_types", "offer 1 to 4 kinds of session");
	for (i = 0; i < sc->n_types; i++) {
		const struct store_session_type *t = &sc->types[i];

		for (k = 0; k < 4 && strcmp(t->kind, kinds[k]) != 0; k++)
			;
		if (k == 4)
			return refuse(why, 400, "session_types.kind",
			              "a kind is consultation, individual, couples or group");
		for (j = 0; j < i; j++)
			if (strcmp(sc->types[j].kind, t->kind) == 0)
				return refuse(why, 400, "session_types.kind", "each kind once");
		if (t->minutes < 5 || t->minutes > 480)
			return refuse(why, 400, "session_types.minutes", "a session lasts 5 to 480 minutes");
		if (t->step < 5 || t->step > 1440 || t->step % 5)
			return refuse(why, 400, "session_types.step",
			              "sessions start every 5 to 1440 minutes, in steps of 5");
		if (t->capacity < 1 || t->capacity > 100 || (t->capacity > 1 && k != 3))
			return refuse(why, 400, "session_types.capacity",
			              "only a group has more than one seat (at most 100)");
	}
	if (STORE_CALL(cx->sv->store, schedule_put, who->therapist_id, sc, ctx_now(cx)))
		return -1;
	waitlist_openings(cx, who, who->therapist_id);
	return 0;
}

#define CLOSURES_MAX 500                /* the store lists at most this many */

static int
count_one(void *arg, const struct store_closed *c)
{
	(void)c;
	++*(int *)arg;
	return 0;
}

int
closure_add(struct ctx *cx, const struct actor *who, struct store_closed *c, struct refusal *why)
{
	int64_t today = ctx_now(cx) / DAY;

	if (listing_holder(who, 409, "claim or create your listing first", why))
		return 1;
	if (c->first_day < today - 1 || c->first_day > today + 800)
		return refuse(why, 400, "first_day", "give a date from today to two years ahead");
	if (c->last_day < c->first_day || c->last_day - c->first_day > 366)
		return refuse(why, 400, "last_day", "the last day is on or after the first, within a year");
	if (c->start_min < 0 || c->end_min > 1440 || c->start_min >= c->end_min)
		return refuse(why, 400, "start", "the closed hours run from a start to a later end");
	{
		int n = 0;

		if (STORE_CALL(cx->sv->store, closed_list, who->therapist_id, today - 1, count_one, &n))
			return -1;
		if (n >= CLOSURES_MAX)
			return refuse(why, 409, "", "at most 500 closures ahead; reopen some first");
	}
	/* The note is the therapist's own: sealed under their account's key. */
	if (closure_note_seal(cx, who->id, c))
		return -1;
	return STORE_CALL(cx->sv->store, closed_add, who->therapist_id, c) ? -1 : 0;
}

int
closure_delete(struct ctx *cx, const struct actor *who, const char *id, struct refusal *why)
{
	char *end;
	long long n = id ? strtoll(id, &end, 10) : 0;
	int found = 0;

	if (listing_holder(who, 404, "there is no such closure", why))
		return 1;
	if (!id || !*id || *end || n <= 0)
		return refuse(why, 404, "", "there is no such closure");
	if (STORE_CALL(cx->sv->store, closed_delete, who->therapist_id, (int64_t)n, &found))
		return -1;
	if (!found)
		return refuse(why, 404, "", "there is no such closure");
	waitlist_openings(cx, who, who->therapist_id);
	return 0;
}

const struct tz_zone *
viewer_zone(struct ctx *cx, const struct actor *who, const char *fallback)
{
	char zone[64] = "";
	const struct tz_zone *z = NULL;

	if (who->id && STORE_CALL(cx->sv->store, user_zone_get, who->id, zone, sizeof(zone)) == 0)
		z = zone[0] ? tz_get(zone) : NULL;
	if (!z && fallback)
		z = tz_get(fallback);
	return z ? z : tz_get("UTC");
}

int
zone_set(struct ctx *cx, const struct actor *who, const char *zone, struct refusal *why)
{
	if (signed_in(who, why))
		return 1;
	if (!zone || strlen(zone) >= 64 || (zone[0] && !tz_get(zone)))
		return refuse(why, 400, "timezone", "give an IANA time zone, like America/New_York");
	return STORE_CALL(cx->sv->store, user_zone_set, who->id, zone) ? -1 : 0;
}

/* ----------------------------------------------------------------------
 * What the pages and the API read
 * ---------------------------------------------------------------------- */

struct appt_acc {
	struct arena *a;
	struct store_appt *v;
	int n, cap, err;
};

static int
appt_acc_one(void *arg, const struct store_appt *ap)
{
	struct appt_acc *x = arg;
	struct store_appt *slot = arena_grow(x->a, &x->v, &x->n, &x->cap, sizeof(*slot), 32);

	if (!slot) {
		x->err = 1;
		return 1;
	}
	*slot = *ap;
	return 0;
}

/* Does a come before b in the order of a schedule: by start, then id? */
static bool
appt_before(const struct store_appt *a, const struct store_appt *b)
{
	return a->start < b->start || (a->start == b->start && a->id < b->id);
}

int
appointments_mine(struct ctx *cx, const struct actor *who, unsigned sides, int64_t from, int64_t to,
                  appt_view_fn fn, void *arg, struct refusal *why)
{
	struct appt_acc s = {cx->a, NULL, 0, 0, 0}, t = {cx->a, NULL, 0, 0, 0};
	char handle[64], tid[72] = "", tname[128] = "";
	int i = 0, j = 0;

	if (signed_in(who, why))
		return 1;
	if (!to)
		to = INT64_MAX;
	if ((sides & SIDE_SEEKER) &&
	    (appts_of_seeker(cx, who->id, from, APPTS_MAX, appt_acc_one, &s) || s.err))
		return -1;
	/* Only a verified listing has a therapist's side (ctx.h). */
	if ((sides & SIDE_THERAPIST) && who->therapist_id[0] &&
	    (appts_of_therapist(cx, who->therapist_id, from, to, APPTS_MAX, appt_acc_one, &t) || t.err ||
	     audit_note_appts(cx, who, t.v, t.n)))
		return -1;
	/* Both lists come by start: merged, one schedule. */
	while (i < s.n || j < t.n) {
		struct appt_view v;

		if (j == t.n || (i < s.n && appt_before(&s.v[i], &t.v[j]))) {
			v.a = &s.v[i++];
			if (v.a->start >= to)
				continue;
			v.side = "seeker";
			if (strcmp(tid, v.a->therapist_id) != 0) {
				snprintf(tid, sizeof(tid), "%s", v.a->therapist_id);
				snprintf(tname, sizeof(tname), "%s", name_of(cx, tid));
			}
			v.with = tname;
		} else {
			v.a = &t.v[j++];
			v.side = "therapist";
			seeker_handle(cx->sv, v.a->seeker, v.a->seeker_gone, handle);
			v.with = handle;
		}
		if (fn(arg, &v))
			break;
	}
	return 0;
}

int
series_mine(struct ctx *cx, const struct actor *who, unsigned sides, store_series_fn fn, void *arg,
            struct refusal *why)
{
	struct audit_rows seen;

	if (signed_in(who, why))
		return 1;
	if ((sides & SIDE_SEEKER) && series_of_sealed(cx, who->id, NULL, fn, arg))
		return -1;
	if ((sides & SIDE_THERAPIST) && who->therapist_id[0] &&
	    (series_of_sealed(cx, 0, who->therapist_id, audit_series_row,
	                      audit_series_init(&seen, fn, arg)) ||
	     audit_note_rows(cx, who, "series", &seen)))
		return -1;
	return 0;
}

struct closed_pass {
	struct ctx *cx;
	store_closed_fn fn;
	void *arg;
	int err;
};

static int
closed_pass_one(void *arg, const struct store_closed *c)
{
	struct closed_pass *x = arg;
	struct store_closed o = *c;

	if (closure_note_open(x->cx, &o)) {
		x->err = 1;
		return 1;
	}
	return x->fn(x->arg, &o);
}

int
closures_mine(struct ctx *cx, const struct actor *who, store_closed_fn fn, void *arg, struct refusal *why)
{
	struct closed_pass x = {cx, fn, arg, 0};

	if (listing_holder(who, 404, "this account holds no listing; claim or create one first", why))
		return 1;
	if (STORE_CALL(cx->sv->store, closed_list, who->therapist_id, ctx_now(cx) / DAY - 1,
	               closed_pass_one, &x))
		return -1;
	return x.err ? -1 : 0;
}

int
zone_mine(struct ctx *cx, const struct actor *who, char zone[64], struct refusal *why)
{
	zone[0] = '\0';
	if (signed_in(who, why))
		return 1;
	return STORE_CALL(cx->sv->store, user_zone_get, who->id, zone, 64) ? -1 : 0;
}

/* ----------------------------------------------------------------------
 * Reminders
 * ---------------------------------------------------------------------- */

/* The listing's name, outside a request. */
static void
therapist_name(struct services *sv, const char *tid, char *out, size_t n)
{
	struct arena a;
	struct therapist t;
	struct ctx cx;

	arena_init(&a, 4096);
	ctx_begin(&cx, sv, &a);
	snprintf(out, n, "%s", therapist_load(&cx, tid, &t) == 0 ? t.name : "your therapist");
	arena_free(&a);
}

struct remind_appt {
	struct services *sv;
	long n;
	int err;
};

static int
remind_appt(void *arg, const struct store_appt *a)
{
	struct remind_appt *x = arg;
	struct recipient r;
	struct session_note n = {a->kind, NULL, r.when, r.zone, false, NULL, NULL};
	char tname[128], handle[64];

	therapist_name(x->sv, a->therapist_id, tname, sizeof(tname));
	seeker_handle(x->sv, a->seeker, a->seeker_gone, handle);
	n.with = tname;
	if (recipient_of(x->sv, a->seeker, a->zone, a->start, &r) == 0)
		notify_session_reminder(x->sv, r.email, &n);
	n.with = handle;
	n.therapist = true;
	if (recipient_of(x->sv, therapist_user(x->sv, a->therapist_id), a->zone, a->start, &r) == 0)
		notify_session_reminder(x->sv, r.email, &n);
	if (STORE_CALL(x->sv->store, appt_reminded, a->id, clock_now(&x->sv->clock)))
		x->err = 1;
	x->n++;
	return x->err;
}

long
appointment_reminders(struct services *sv, int64_t now)
{
	struct remind_appt x = {sv, 0, 0};
	struct arena a;
	struct ctx cx;
	int rc;

	arena_init(&a, 4096);
	ctx_begin(&cx, sv, &a);
	rc = appts_to_remind(&cx, now, now + DAY, remind_appt, &x);
	arena_free(&a);
	if (rc || x.err)
		return -1;
	return x.n;
}
