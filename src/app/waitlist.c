/*
 * waitlist.c: a listing's waitlists (waitlist.h).
 *
 * A signed-in clinician joins the waitlist of a listing for one kind of
 * session (one row per listing, account and kind; joining twice is a
 * 409) and stays on it until they leave: booking does not take them off.
 * Two things tell them of a time:
 *
 *   waitlist_freed      a session of their kind was cancelled or moved
 *                       away (booking.c): everyone waiting for that kind
 *                       whose saved free hours fit it hears of it, each
 *                       time, since a freed time is rare and goes fast.
 *   waitlist_openings   the therapist opened time (settings saved, a
 *                       closure reopened, a series ended): each one not
 *                       told in the last day hears of the first open slot
 *                       of their kind in the next two weeks that fits.
 *
 * Either way the row's notified_at records it (the API's "last_told").
 * "Fits" reads the free hours the clinician saved with their search
 * profile, in their zone; with none saved, every time fits. The words of
 * the message are notify.c's (notify_waitlist_opening).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/form.h"
#include "core/record.h"
#include "core/tz.h"
#include "app/services.h"

#define DAY 86400

struct waitlist_tell {
	struct services *sv;
	const struct store_appt *a;
	const char *tname;
};

/* The free hours a seeker saved with their search profile, read once. */
struct free_hours {
	const struct tz_zone *zone;     /* NULL: none saved, every time fits */
	struct window w[FREE_HOURS_MAX];
	int n;
};

static void
free_hours_load(struct services *sv, int64_t seeker, struct free_hours *fh)
{
	char prof[4096], key[24], day[8], a[8], b[8], zone[64];
	int i, d, fs, fe;

	fh->zone = NULL;
	fh->n = 0;
	struct ctx cx = {.sv = sv};

	if (profile_of(&cx, seeker, prof, sizeof(prof)))
		return;
	form_value(prof, "timezone", zone, sizeof(zone));
	if (!(fh->zone = tz_get(zone)))
		return;
	for (i = 1; i <= FREE_HOURS_MAX; i++) {
		snprintf(key, sizeof(key), "free_day%d", i);
		form_value(prof, key, day, sizeof(day));
		snprintf(key, sizeof(key), "free_start%d", i);
		form_value(prof, key, a, sizeof(a));
		snprintf(key, sizeof(key), "free_end%d", i);
		form_value(prof, key, b, sizeof(b));
		for (d = 0; d < 7 && strcmp(day, day_names[d]) != 0; d++)
			;
		if (d < 7 && (fs = parse_hhmm(a)) >= 0 && (fe = parse_hhmm(b)) >= 0)
			fh->w[fh->n++] = (struct window){(uint8_t)d, (uint16_t)fs, (uint16_t)fe};
	}
}

/* Does [start, end) fall in one of the free windows, in the seeker's zone?
 * With none saved, every time fits. */
static bool
fits(const struct free_hours *fh, int64_t start, int64_t end)
{
	int64_t ls, le, d;
	int i;

	if (!fh->zone || !fh->n)
		return true;
	ls = start + tz_offset_at(fh->zone, start);
	le = end + tz_offset_at(fh->zone, end);
	d = tz_local_day(fh->zone, start);
	for (i = 0; i < fh->n; i++)
		if (fh->w[i].day == tz_weekday(d) && ls >= d * DAY + fh->w[i].start * 60 &&
		    le <= d * DAY + fh->w[i].end * 60)
			return true;
	return false;
}

/* Tells one waiting clinician of the time x->a, and records it. */
static int
notify_waiting(struct waitlist_tell *x, const struct store_wait *w)
{
	struct recipient r;
	struct session_note n = {x->a->kind, x->tname, r.when, r.zone, false, NULL, NULL};

	if (recipient_of(x->sv, w->seeker, x->a->zone, x->a->start, &r) == 0)
		notify_waitlist_opening(x->sv, r.email, &n, x->a->therapist_id);
	STORE_CALL(x->sv->store, wait_notified, w->id, clock_now(&x->sv->clock));
	return 0;
}

static int
tell_one_waiting(void *arg, const struct store_wait *w)
{
	struct waitlist_tell *x = arg;
	struct free_hours fh;

	if (w->seeker_gone || strcmp(w->kind, x->a->kind) != 0)
		return 0;               /* an erased account hears of nothing */
	free_hours_load(x->sv, w->seeker, &fh);
	return fits(&fh, x->a->start, x->a->end) ? notify_waiting(x, w) : 0;
}

void
waitlist_freed(struct services *sv, const struct store_appt *a, const char *tname)
{
	struct waitlist_tell x = {sv, a, tname};
	struct arena ar;
	struct ctx cx;

	arena_init(&ar, 4096);
	ctx_begin(&cx, sv, &ar);
	waits_of_therapist(&cx, a->therapist_id, tell_one_waiting, &x);
	arena_free(&ar);
}

/*
 * The therapist opened time (new hours, a reopened date, other session
 * types): each waiting clinician not told in the last day hears of the
 * first open slot of their kind in the next two weeks that fits their
 * saved free hours, if there is one.
 */
struct openings {
	struct ctx *cx;
	const struct actor *who;
	const struct book_ctx *c;
	int64_t now;
	struct sched_slot *slots[STORE_SESSION_TYPES];  /* each kind's, found once */
	int n[STORE_SESSION_TYPES];
};

static int
tell_one_opening(void *arg, const struct store_wait *w)
{
	struct openings *x = arg;
	struct free_hours fh;
	struct refusal why;
	struct store_appt a;
	int k, i;

	if (w->seeker_gone || w->notified_at > x->now - DAY)
		return 0;
	for (k = 0; k < x->c->sc.n_types && strcmp(x->c->sc.types[k].kind, w->kind) != 0; k++)
		;
	if (k == x->c->sc.n_types)
		return 0;
	if (!x->slots[k]) {
		if (!(x->slots[k] = arena_alloc(x->cx->a, 400 * sizeof(*x->slots[k]))))
			return 0;
		x->n[k] = open_slots(x->cx, x->who, x->c, w->kind, NULL, x->now, x->now + 14 * DAY, x->slots[k],
		                     400, &why);
	}
	free_hours_load(x->cx->sv, w->seeker, &fh);
	for (i = 0; i < x->n[k]; i++)
		if (fits(&fh, x->slots[k][i].start, x->slots[k][i].end)) {
			struct waitlist_tell t = {x->cx->sv, &a, x->c->name};

			memset(&a, 0, sizeof(a));
			snprintf(a.therapist_id, sizeof(a.therapist_id), "%s", x->c->tid);
			snprintf(a.kind, sizeof(a.kind), "%s", w->kind);
			snprintf(a.zone, sizeof(a.zone), "%s", x->c->zone);
			a.start = x->slots[k][i].start;
			a.end = x->slots[k][i].end;
			return notify_waiting(&t, w);
		}
	return 0;
}

void
waitlist_openings(struct ctx *cx, const struct actor *who, const char *tid)
{
	struct book_ctx *c = arena_alloc(cx->a, sizeof(*c));
	struct refusal why;
	struct openings x;

	if (!c || book_ctx_load(cx, who, tid, c, &why) != 0)
		return;
	memset(&x, 0, sizeof(x));
	x.cx = cx;
	x.who = who;
	x.c = c;
	x.now = ctx_now(cx);
	waits_of_therapist(cx, tid, tell_one_opening, &x);
}

int
wait_join(struct ctx *cx, const struct actor *who, const char *tid, const char *kind, struct refusal *why)
{
	struct book_ctx *c = arena_alloc(cx->a, sizeof(*c));
	struct store_wait w;
	int rc;

	if (!who->id)
		return refuse(why, 401, "", "sign in to use this");
	if (!c)
		return -1;
	if ((rc = book_ctx_load(cx, who, tid, c, why)) != 0)
		return rc;
	if (strcmp(who->therapist_id, tid) == 0)
		return refuse(why, 400, "therapist_id", "this is your own listing");
	if (!book_offered(c, kind))
		return refuse(why, 400, "kind", "this therapist does not offer that kind of session");
	memset(&w, 0, sizeof(w));
	snprintf(w.therapist_id, sizeof(w.therapist_id), "%s", tid);
	w.seeker = who->id;
	if (link_seal(cx, "waitlist", who->id, &w.link))
		return -1;
	snprintf(w.kind, sizeof(w.kind), "%s", kind);
	w.created_at = ctx_now(cx);
	rc = STORE_CALL(cx->sv->store, wait_add, &w);
	if (rc == STORE_EXISTS)
		return refuse(why, 409, "", "you are on this waitlist already");
	return rc ? -1 : 0;
}

int
wait_leave(struct ctx *cx, const struct actor *who, const char *tid, const char *kind, struct refusal *why)
{
	int64_t dkey;
	int found = 0;

	if (!who->id)
		return refuse(why, 401, "", "sign in to use this");
	if (!tid || !kind)
		return refuse(why, 404, "", "you are not on this waitlist");
	if (seeker_dkey(cx, who->id, &dkey) ||
	    STORE_CALL(cx->sv->store, wait_remove, tid, dkey, kind, &found))
		return -1;
	return found ? 0 : refuse(why, 404, "", "you are not on this waitlist");
}


int
waits_mine(struct ctx *cx, const struct actor *who, store_wait_fn fn, void *arg, struct refusal *why)
{
	if (!who->id)
		return refuse(why, 401, "", "sign in to use this");
	return waits_of_seeker(cx, who->id, fn, arg) ? -1 : 0;
}
