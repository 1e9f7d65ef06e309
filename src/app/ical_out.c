/*
 * ical_out.c: the iCalendar writer of ical_out.h, on libical.
 *
 * Design notes
 *
 * 1. Two phases. plan_*() decides every event (which appointments form a
 *    series' occurrences, which are moved, what is excluded, every wall
 *    time) in plain structs, calling tz.h and the caller's summary
 *    function; render() then builds libical's components and serialises
 *    them while holding tz_ical_lock(). tz.h takes that lock itself, so
 *    nothing of tz.h may run during render().
 *
 * 2. A series' occurrences are sched_series() of its zone, first day,
 *    minute, interval and count: the same instants the booking stored.
 *    Its appointments are matched to them in three passes:
 *      a. an appointment starting at occurrence i takes it: booked, it is
 *         occurrence i as planned (an override when its end differs);
 *         cancelled, occurrence i is excluded;
 *      b. an appointment starting at no occurrence was moved: it takes
 *         the occurrence it was first booked at (orig_start, kept by the
 *         store since schema 13) when nothing took that in (a), else the
 *         nearest one left open, the earlier on a tie. Booked, it is an
 *         override (RECURRENCE-ID = that occurrence); cancelled, the
 *         occurrence is excluded. With none left it is a single event;
 *      c. every occurrence not booked in (a) or (b) is an EXDATE.
 *    A series with nothing booked is left out.
 *
 * 3. The series event's DTSTART, its RECURRENCE-IDs and EXDATEs are the
 *    nominal wall times (first day + k * interval weeks, at minute) with
 *    TZID: what RRULE expansion produces, so an 18:00 session stays 18:00
 *    across daylight saving in every client. A single time is written as
 *    its wall time with TZID when that wall time reads back to the same
 *    instant (tz_local_to_utc), else in UTC.
 *
 * 4. Each zone gets libical's own VTIMEZONE (icaltimezone_get_component),
 *    cloned, cut to start on 1 January of the first year the calendar uses
 *    it, and given the plain IANA name as TZID (libical prefixes its own).
 *
 * 5. SEQUENCE is the store's change counter (schema 18): an appointment's
 *    own; a series' own plus every one of its appointments', written on
 *    the master and on each override alike, so a change to any row of the
 *    series raises all of them. (It was the seconds since creation, which
 *    two changes within one second left unchanged.)
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "app/ical_out.h"
#include "core/arena.h"
#include "core/kinds.h"
#include "core/schedule.h"
#include "core/tz.h"

#define DAY 86400
#define SERIES_MAX 1000                 /* occurrences: more are written one by one */
#define DEFAULT_SUMMARY "Therapy session"

/* ----------------------------------------------------------------------
 * The plan
 * ---------------------------------------------------------------------- */

/* An instant as it is written: a wall time in zone, or UTC (zone NULL). */
struct when {
	int64_t utc;
	int64_t wall;                   /* local seconds, when zone */
	const struct tz_zone *zone;
};

enum ev_kind { EV_SINGLE, EV_SERIES, EV_OVERRIDE };

struct ev {
	enum ev_kind kind;
	int64_t id;                     /* the appointment's, or the series' */
	const char *summary;
	struct when start, end;
	bool cancelled;
	int64_t sequence, modified;
	/* A series: RRULE, EXDATE wall times, and its overrides. */
	int interval, count;
	int64_t *exdates;
	int n_ex;
	struct ev *over;
	int n_over;
	/* An override: the wall time of the occurrence it replaces. */
	int64_t rid;
	const struct tz_zone *rid_zone;
};

/* A zone the calendar names, from the first instant it is used. */
struct zone_use {
	const struct tz_zone *zone;
	int64_t first;
};

struct plan {
	const struct ical_cal *c;
	struct arena a;
	struct ev *ev;                  /* singles and series, then sorted */
	size_t n, cap;
	struct zone_use zones[64];
	int n_zones;
	bool oom;
};

static void
use_zone(struct plan *pl, const struct tz_zone *z, int64_t t)
{
	int i;

	if (!z)
		return;
	for (i = 0; i < pl->n_zones; i++)
		if (pl->zones[i].zone == z) {
			if (t < pl->zones[i].first)
				pl->zones[i].first = t;
			return;
		}
	/* Past the table's size a zone is still named, without VTIMEZONE. */
	if (pl->n_zones < (int)(sizeof(pl->zones) / sizeof(pl->zones[0]))) {
		pl->zones[pl->n_zones].zone = z;
		pl->zones[pl->n_zones++].first = t;
	}
}

/* Instant t as written in zone z (design note 3). */
static struct when
when_of(struct plan *pl, const struct tz_zone *z, int64_t t)
{
	struct when w = {t, 0, NULL};

	if (z) {
		w.wall = t + tz_offset_at(z, t);
		if (tz_local_to_utc(z, w.wall) == t) {
			w.zone = z;
			use_zone(pl, z, t);
		}
	}
	return w;
}

static const char *
summary_of(struct plan *pl, const struct store_appt *a)
{
	const char *s = pl->c->summary ? pl->c->summary(pl->c->arg, a) : NULL;

	return s ? s : DEFAULT_SUMMARY;
}

/* A SEQUENCE from counts that only grow, held to what the property takes. */
static int64_t
sequence_of(int64_t seq)
{
	return seq < 0 ? 0 : seq > INT_MAX ? INT_MAX : seq;
}

static struct ev *
new_ev(struct plan *pl)
{
	if (pl->n == pl->cap) {
		size_t nc = pl->cap ? pl->cap * 2 : 16;
		struct ev *v = realloc(pl->ev, nc * sizeof(*v));

		if (!v) {
			pl->oom = true;
			return NULL;
		}
		pl->ev = v;
		pl->cap = nc;
	}
	memset(&pl->ev[pl->n], 0, sizeof(pl->ev[0]));
	return &pl->ev[pl->n++];
}

static void
plan_single(struct plan *pl, const struct store_appt *a)
{
	bool cancelled = appt_status_parse(a->status) != APPT_BOOKED;
	const struct tz_zone *z = tz_get(a->zone);
	struct ev *e;

	if (cancelled && a->updated_at < pl->c->cancelled_since)
		return;
	if (!(e = new_ev(pl)))
		return;
	e->kind = EV_SINGLE;
	e->id = a->id;
	e->summary = summary_of(pl, a);
	e->start = when_of(pl, z, a->start);
	e->end = when_of(pl, z, a->end);
	e->cancelled = cancelled;
	e->sequence = sequence_of(a->seq);
	e->modified = a->updated_at;
}

/* What became of occurrence i of a series (design note 2). */
enum slot_state {
	SLOT_OPEN,                      /* nothing took it (yet) */
	SLOT_BOOKED,                    /* booked at its time, or moved from it */
	SLOT_GONE                       /* cancelled */
};

/* The occurrence starting at t, or -1. slot[] ascends. */
static int
slot_at(const int64_t *slot, int n, int64_t t)
{
	int lo = 0, hi = n - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (slot[mid] == t)
			return mid;
		if (slot[mid] < t)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* The open occurrence nearest to t (the earlier on a tie), or -1. */
static int
nearest_open(const int64_t *slot, const unsigned char *st, int n, int64_t t)
{
	int i, best = -1;
	int64_t bd = 0;

	for (i = 0; i < n; i++) {
		int64_t d = slot[i] > t ? slot[i] - t : t - slot[i];

		if (st[i] == SLOT_OPEN && (best < 0 || d < bd)) {
			best = i;
			bd = d;
		}
	}
	return best;
}

/* Nominal wall time of occurrence i of sr (design note 3). */
static int64_t
slot_wall(const struct store_series *sr, int i)
{
	return (sr->first_day + (int64_t)7 * sr->interval_weeks * i) * DAY + (int64_t)sr->minute * 60;
}

static void
add_override(struct plan *pl, struct ev *m, const struct store_series *sr,
              const struct tz_zone *z, const struct store_appt *a, int i)
{
	struct ev *o = &m->over[m->n_over++];

	memset(o, 0, sizeof(*o));
	o->kind = EV_OVERRIDE;
	o->id = sr->id;
	o->summary = m->summary;
	o->start = when_of(pl, z, a->start);
	o->end = when_of(pl, z, a->end);
	o->sequence = m->sequence;     /* the series' (design note 5) */
	o->modified = a->updated_at;
	o->rid = slot_wall(sr, i);
	o->rid_zone = z;
}

/* The appointments rows[0..k) of series sr, sorted by start. */
static void
plan_series(struct plan *pl, const struct store_series *sr, const struct store_appt **rows, int k)
{
	const struct tz_zone *z = tz_get(sr->zone);
	int64_t *slot = NULL, last = 0, seq;
	unsigned char *st = NULL;
	const struct store_appt **moved = NULL, **single = NULL;
	int n = sr->count, n_moved = 0, n_single = 0, i, booked = 0;
	struct ev m;

	memset(&m, 0, sizeof(m));
	if (!z || n < 1 || n > SERIES_MAX || sr->minutes < 1)
		goto singles;
	slot = arena_alloc(&pl->a, (size_t)n * sizeof(*slot));
	st = arena_calloc(&pl->a, (size_t)n, 1);
	moved = arena_alloc(&pl->a, (size_t)k * sizeof(*moved));
	single = arena_alloc(&pl->a, (size_t)k * sizeof(*single));
	m.exdates = arena_alloc(&pl->a, (size_t)n * sizeof(*m.exdates));
	m.over = arena_alloc(&pl->a, (size_t)k * sizeof(*m.over));
	if (!slot || !st || !moved || !single || !m.exdates || !m.over) {
		pl->oom = true;
		return;
	}
	if (sched_series(z, sr->first_day, sr->minute, sr->interval_weeks, n, slot, NULL) != n)
		goto singles;
	m.kind = EV_SERIES;
	m.id = sr->id;
	m.summary = summary_of(pl, rows[0]);
	m.interval = sr->interval_weeks;
	m.count = n;
	/* SEQUENCE (design note 5), for the master and every override. */
	seq = sr->seq;
	for (i = 0; i < k; i++)
		if (rows[i]->seq > 0 && seq < INT_MAX)
			seq += rows[i]->seq;
	m.sequence = sequence_of(seq);

	/* a. Appointments at an occurrence's time. */
	for (i = 0; i < k; i++) {
		const struct store_appt *a = rows[i];
		int j = slot_at(slot, n, a->start);

		if (a->updated_at > last)
			last = a->updated_at;
		if (j < 0) {
			moved[n_moved++] = a;
		} else if (appt_status_parse(a->status) != APPT_BOOKED) {
			if (st[j] == SLOT_OPEN)
				st[j] = SLOT_GONE;
		} else if (st[j] == SLOT_BOOKED) {
			single[n_single++] = a;         /* a second booking of one time */
		} else {
			st[j] = SLOT_BOOKED;
			booked++;
			if (a->end != a->start + (int64_t)sr->minutes * 60)
				add_override(pl, &m, sr, z, a, j);
		}
	}
	/* b. Moved appointments take the nearest occurrence left open. */
	for (i = 0; i < n_moved; i++) {
		const struct store_appt *a = moved[i];
		int j = a->orig_start ? slot_at(slot, n, a->orig_start) : -1;
		bool is_booked = appt_status_parse(a->status) == APPT_BOOKED;

		if (j < 0 || st[j] != SLOT_OPEN)
			j = nearest_open(slot, st, n, a->start);
		if (j < 0) {
			single[n_single++] = a;
			continue;
		}
		st[j] = is_booked ? SLOT_BOOKED : SLOT_GONE;
		if (is_booked) {
			booked++;
			add_override(pl, &m, sr, z, a, j);
		}
	}
	/* c. Every occurrence not booked is excluded. */
	for (i = 0; i < n; i++)
		if (st[i] != SLOT_BOOKED)
			m.exdates[m.n_ex++] = slot_wall(sr, i);
	if (booked) {
		struct ev *e = new_ev(pl);

		if (!e)
			return;
		m.start.utc = slot[0];
		m.start.wall = slot_wall(sr, 0);
		m.start.zone = z;
		m.end.utc = slot[0] + (int64_t)sr->minutes * 60;
		m.end.wall = m.start.wall + (int64_t)sr->minutes * 60;
		m.end.zone = z;
		use_zone(pl, z, slot[0]);
		m.modified = last;
		*e = m;
	}
	for (i = 0; i < n_single; i++)
		plan_single(pl, single[i]);
	return;
singles:
	for (i = 0; i < k; i++)
		plan_single(pl, rows[i]);
}

/* Appointments by series, then start, then id. */
static int
cmp_appt(const void *x, const void *y)
{
	const struct store_appt *a = *(const struct store_appt *const *)x;
	const struct store_appt *b = *(const struct store_appt *const *)y;

	if (a->series_id != b->series_id)
		return a->series_id < b->series_id ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Events by start, singles before series at one instant, then id. */
static int
cmp_ev(const void *x, const void *y)
{
	const struct ev *a = x, *b = y;

	if (a->start.utc != b->start.utc)
		return a->start.utc < b->start.utc ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static const struct store_series *
series_named(const struct ical_cal *c, int64_t id)
{
	size_t i;

	for (i = 0; i < c->n_series; i++)
		if (c->series[i].id == id)
			return &c->series[i];
	return NULL;
}

static void
plan(struct plan *pl)
{
	const struct ical_cal *c = pl->c;
	const struct store_appt **v;
	size_t i, j;

	if (!c->n_appts)
		return;
	v = arena_alloc(&pl->a, c->n_appts * sizeof(*v));
	if (!v) {
		pl->oom = true;
		return;
	}
	for (i = 0; i < c->n_appts; i++)
		v[i] = &c->appts[i];
	qsort(v, c->n_appts, sizeof(*v), cmp_appt);
	for (i = 0; i < c->n_appts && !pl->oom; i = j) {
		const struct store_series *sr = v[i]->series_id ? series_named(c, v[i]->series_id) : NULL;

		for (j = i + 1; j < c->n_appts && v[j]->series_id == v[i]->series_id; j++)
			;
		if (sr) {
			plan_series(pl, sr, v + i, (int)(j - i));
		} else {
			size_t k;

			for (k = i; k < j; k++)
				plan_single(pl, v[k]);
		}
	}
	if (pl->n > 1)
		qsort(pl->ev, pl->n, sizeof(pl->ev[0]), cmp_ev);
}

/* ----------------------------------------------------------------------
 * Rendering, with libical (tz_ical_lock held)
 * ---------------------------------------------------------------------- */

struct out {
	bool bad;                       /* a libical call failed */
};

static void
put(struct out *o, icalcomponent *c, icalproperty *p)
{
	if (!c || !p) {
		if (p)
			icalproperty_free(p);
		o->bad = true;
		return;
	}
	icalcomponent_add_property(c, p);
}

/* Local seconds as libical's floating date-time. */
static struct icaltimetype
wall_time(int64_t s)
{
	struct icaltimetype t = icaltime_null_time();
	int64_t days = s >= 0 ? s / DAY : -((-s + DAY - 1) / DAY), sec = s - days * DAY;
	unsigned m, d;
	int y;

	tz_civil_from_days(days, &y, &m, &d);
	t.year = y;
	t.month = (int)m;
	t.day = (int)d;
	t.hour = (int)(sec / 3600);
	t.minute = (int)(sec / 60 % 60);
	t.second = (int)(sec % 60);
	t.is_date = 0;
	return t;
}

static struct icaltimetype
utc_time(int64_t t)
{
	struct icaltimetype v = wall_time(t);

	v.zone = icaltimezone_get_utc_timezone();
	return v;
}

typedef icalproperty *(*time_prop_fn)(struct icaltimetype);

/* A date-time property: wall time and TZID, or UTC. */
static icalproperty *
time_prop(time_prop_fn mk, int64_t wall, int64_t utc, const struct tz_zone *z)
{
	icalproperty *p = mk(z ? wall_time(wall) : utc_time(utc));
	icalparameter *tzid;

	if (p && z) {
		if (!(tzid = icalparameter_new_tzid(tz_name(z)))) {
			icalproperty_free(p);
			return NULL;
		}
		icalproperty_add_parameter(p, tzid);
	}
	return p;
}

static icalproperty *
x_prop(const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x(value);

	if (p)
		icalproperty_set_x_name(p, name);
	return p;
}

static icalcomponent *
render_event(struct out *o, const struct plan *pl, const struct ev *e)
{
	icalcomponent *v = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	char uid[64];
	int i;

	if (!v) {
		o->bad = true;
		return NULL;
	}
	snprintf(uid, sizeof(uid), "%s-%lld@chiron", e->kind == EV_SINGLE ? "appt" : "series",
	         (long long)e->id);
	put(o, v, icalproperty_new_uid(uid));
	put(o, v, icalproperty_new_dtstamp(utc_time(pl->c->now)));
	if (e->kind == EV_OVERRIDE)
		put(o, v, time_prop(icalproperty_new_recurrenceid, e->rid, 0, e->rid_zone));
	put(o, v, time_prop(icalproperty_new_dtstart, e->start.wall, e->start.utc, e->start.zone));
	put(o, v, time_prop(icalproperty_new_dtend, e->end.wall, e->end.utc, e->end.zone));
	if (e->kind == EV_SERIES) {
		struct icalrecurrencetype r;

		icalrecurrencetype_clear(&r);
		r.freq = ICAL_WEEKLY_RECURRENCE;
		r.interval = (short)e->interval;
		r.count = e->count;
		put(o, v, icalproperty_new_rrule(r));
		for (i = 0; i < e->n_ex; i++)
			put(o, v, time_prop(icalproperty_new_exdate, e->exdates[i], 0, e->start.zone));
	}
	put(o, v, icalproperty_new_summary(e->summary));
	put(o, v, icalproperty_new_status(e->cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	put(o, v, icalproperty_new_sequence((int)e->sequence));
	if (e->modified > 0)
		put(o, v, icalproperty_new_lastmodified(utc_time(e->modified)));
	put(o, v, icalproperty_new_class(ICAL_CLASS_PRIVATE));
	put(o, v, icalproperty_new_transp(e->cancelled ? ICAL_TRANSP_TRANSPARENT : ICAL_TRANSP_OPAQUE));
	return v;
}

/* libical's VTIMEZONE of z, from 1 January of the year of `from` (note 4). */
static icalcomponent *
render_zone(struct out *o, const struct tz_zone *z, int64_t from)
{
	icaltimezone *iz = icaltimezone_get_builtin_timezone(tz_name(z));
	icalcomponent *src = iz ? icaltimezone_get_component(iz) : NULL, *vtz;
	icalproperty *tzid;
	struct icaltimetype start;

	if (!src)
		return NULL;            /* UTC itself: no VTIMEZONE, TZID still names it */
	if (!(vtz = icalcomponent_new_clone(src))) {
		o->bad = true;
		return NULL;
	}
	start = utc_time(from);
	start.month = 1;
	start.day = 1;
	start.hour = start.minute = start.second = 0;
	icaltimezone_truncate_vtimezone(vtz, start, icaltime_null_time(), 0);
	tzid = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
	if (tzid)
		icalproperty_set_tzid(tzid, tz_name(z));
	else
		put(o, vtz, icalproperty_new_tzid(tz_name(z)));
	return vtz;
}

static int
render(const struct plan *pl, struct buf *out)
{
	const struct ical_cal *c = pl->c;
	struct out o = {false};
	icalcomponent *cal;
	char *text = NULL;
	size_t i;
	int k, rc = -1;

	tz_ical_lock();
	cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	if (!cal)
		goto out;
	put(&o, cal, icalproperty_new_prodid("-//chiron//calendar feed//EN"));
	put(&o, cal, icalproperty_new_version("2.0"));
	put(&o, cal, icalproperty_new_calscale("GREGORIAN"));
	put(&o, cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
	put(&o, cal, x_prop("X-WR-CALNAME", c->name ? c->name : "chiron"));
	put(&o, cal, icalproperty_new_refreshinterval(icaldurationtype_from_int(3600)));
	put(&o, cal, x_prop("X-PUBLISHED-TTL", "PT1H"));
	for (k = 0; k < pl->n_zones; k++) {
		icalcomponent *vtz = render_zone(&o, pl->zones[k].zone, pl->zones[k].first);

		if (vtz)
			icalcomponent_add_component(cal, vtz);
	}
	for (i = 0; i < pl->n; i++) {
		const struct ev *e = &pl->ev[i];
		icalcomponent *v = render_event(&o, pl, e);

		if (v)
			icalcomponent_add_component(cal, v);
		for (k = 0; k < e->n_over; k++)
			if ((v = render_event(&o, pl, &e->over[k])))
				icalcomponent_add_component(cal, v);
	}
	if (o.bad || !(text = icalcomponent_as_ical_string_r(cal)))
		goto out;
	rc = buf_adds(out, text);
out:
	if (text)
		icalmemory_free_buffer(text);
	if (cal)
		icalcomponent_free(cal);
	tz_ical_unlock();
	return rc;
}

int
ical_write(const struct ical_cal *c, struct buf *out)
{
	struct plan pl;
	int rc;

	memset(&pl, 0, sizeof(pl));
	pl.c = c;
	arena_init(&pl.a, 16384);
	plan(&pl);
	rc = pl.oom ? -1 : render(&pl, out);
	if (rc)
		buf_free(out);
	free(pl.ev);
	arena_free(&pl.a);
	return rc;
}
