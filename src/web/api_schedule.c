/*
 * api_schedule.c: scheduling in the JSON API (the rules are app/booking.c's and
 * app/waitlist.c's; every read here is the pages' read, through the same
 * services).
 *
 *   GET  /api/v1/therapists/{id}/slots?kind=&from=YYYY-MM-DD&days=N
 *   GET  /api/v1/appointments                 mine ahead, both sides, each with its "side"
 *   POST /api/v1/appointments                 {"therapist_id","kind","start"}: 201 or 409
 *   POST /api/v1/appointments/{id}/cancel
 *   POST /api/v1/appointments/{id}/move       {"start"}
 *   POST /api/v1/appointments/{id}/series     {"interval_weeks","count"}
 *   GET  /api/v1/series                       mine, active (both sides)
 *   POST /api/v1/series/{id}/end
 *   GET  /api/v1/schedule, PUT /api/v1/schedule           a therapist's settings
 *   POST /api/v1/schedule/closures, DELETE /api/v1/schedule/closures/{id}
 *   GET  /api/v1/waitlist, POST /api/v1/waitlist, POST /api/v1/waitlist/leave
 *   PUT  /api/v1/me/timezone                  {"timezone"}
 *
 * Instants are RFC 3339 in UTC ("2026-12-01T23:00:00Z"; an offset such as
 * -05:00 is accepted on input); each appointment also carries its zone
 * and its wall time there, so a client can show either.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonv.h"
#include "core/record.h"
#include "core/tz.h"
#include "app/services.h"
#include "web/pages.h"

#define DAY 86400

/* key: the wall time of instant t in zone, "2026-12-01T18:00". */
static int
wall_json(struct jw *w, const char *key, const char *zone, int64_t t)
{
	const struct tz_zone *z = tz_get(zone);
	int64_t local = t + (z ? tz_offset_at(z, t) : 0);
	time_t tt = (time_t)local;
	struct tm tm;
	char s[32];

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M", &tm);
	return jw_kstr(w, key, s);
}

/* key: a day (days since 1970-01-01) as "YYYY-MM-DD". */
static int
day_json(struct jw *w, const char *key, int64_t day)
{
	int y;
	unsigned m, d;

	tz_civil_from_days(day, &y, &m, &d);
	return jw_kstrf(w, key, "%04d-%02u-%02u", y, m, d);
}

/* key: minutes after midnight as "HH:MM". */
static int
hhmm_json(struct jw *w, const char *key, int minute)
{
	return jw_kstrf(w, key, "%02d:%02d", minute / 60, minute % 60);
}

/* Appointment a as JSON; side, when not NULL, is the reader's ("seeker"
 * or "therapist"), as the list gives it. */
static int
appt_json(struct jw *w, const struct store_appt *a, const char *side)
{
	jw_obj_open(w);
	jw_kint(w, "id", a->id);
	jw_kstr(w, "therapist_id", a->therapist_id);
	jw_kstr(w, "kind", a->kind);
	jw_kstr(w, "modality", a->modality);
	jw_ktime(w, "start", a->start);
	jw_ktime(w, "end", a->end);
	jw_kstr(w, "zone", a->zone);
	wall_json(w, "local_start", a->zone, a->start);
	jw_kstr(w, "status", a->status);
	jw_kstr_or_null(w, "cancelled_by", a->cancelled_by);
	jw_kbool(w, "late", a->late);
	if (a->series_id)
		jw_kint(w, "series_id", a->series_id);
	else
		jw_knull(w, "series_id");
	if (side)
		jw_kstr(w, "side", side);
	return jw_obj_close(w);
}

static int
appt_response(struct req *r, struct resp *p, int rc, const struct refusal *why,
              const struct store_appt *a, int status)
{
	struct jw w;

	if (rc > 0)
		return refusal_response(r, p, why);
	if (rc)
		return -1;
	jw_init(&w, &p->body);
	appt_json(&w, a, NULL);
	return json_reply(p, &w, status);
}

int
api_slots(struct req *r, struct resp *p)
{
	struct book_ctx *c = arena_alloc(r->a, sizeof(*c));
	struct sched_slot *s = arena_alloc(r->a, SLOTS_MAX * sizeof(*s));
	const struct store_session_type *t;
	const char *kind = req_text(r, "kind"), *modality = req_text(r, "modality");
	struct refusal why;
	struct jw w;
	int64_t from_day, days = req_int(r, "days", 14), from, to;
	int rc, n, i;

	if (!c || !s)
		return -1;
	if ((rc = book_ctx_load(&r->cx, &r->who, r->param, c, &why)) != 0)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	if (!kind)
		kind = "individual";
	if (!(t = book_type(c, kind))) {
		error_response(r, p, 400, "kind", "this therapist does not offer that kind of session");
		return 0;
	}
	from_day = req_has(r, "from") ? req_int(r, "from", 0) :
	           (ctx_now(&r->cx) + tz_offset_at(c->tz, ctx_now(&r->cx))) / DAY;
	from = tz_local_to_utc(c->tz, from_day * DAY);
	to = tz_local_to_utc(c->tz, (from_day + days) * DAY);
	n = open_slots(&r->cx, &r->who, c, kind, modality, from, to, s, SLOTS_MAX, &why);
	if (n == -2)
		return refusal_response(r, p, &why);
	if (n < 0)
		return -1;
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_kstr(&w, "therapist_id", c->tid);
	jw_kstr(&w, "zone", c->zone);
	jw_kstr(&w, "kind", t->kind);
	jw_kstr(&w, "modality", modality ? modality : "");
	jw_kint(&w, "minutes", t->minutes);
	jw_kint(&w, "capacity", t->capacity);
	jw_kint(&w, "notice_hours", c->sc.notice_hours);
	jw_kint(&w, "booking_notice_hours", c->sc.booking_notice_hours);
	jw_karr_open(&w, "slots");
	for (i = 0; i < n; i++) {
		jw_obj_open(&w);
		jw_ktime(&w, "start", s[i].start);
		jw_ktime(&w, "end", s[i].end);
		wall_json(&w, "local_start", c->zone, s[i].start);
		jw_kint(&w, "seats_left", t->capacity - s[i].seats_taken);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	return json_reply(p, &w, 200);
}

int
api_book(struct req *r, struct resp *p)
{
	static const char *const allowed[] = {"therapist_id", "kind", "start", "modality", NULL};
	const char *tid = NULL, *kind = NULL, *start_s = NULL, *modality = NULL;
	struct store_appt a;
	struct refusal why;
	struct verr e;
	int64_t start;
	jnode *o = api_body(r, allowed, &e);
	int rc;

	if (!o || api_str(r, o, "therapist_id", &tid, &e) || api_str(r, o, "kind", &kind, &e) ||
	    api_str(r, o, "start", &start_s, &e) || api_str(r, o, "modality", &modality, &e))
		return api_invalid(r, p, &e);
	if (!tid) {
		error_response(r, p, 400, "therapist_id", "required");
		return 0;
	}
	if (field_parse_instant(start_s, &start)) {
		error_response(r, p, 400, "start", "an instant like 2026-12-01T23:00:00Z");
		return 0;
	}
	rc = book(&r->cx, &r->who, tid, kind ? kind : "individual", modality, start, &a, &why);
	if (rc == 0) {
		char loc[48];

		snprintf(loc, sizeof(loc), "/api/v1/appointments/%lld", (long long)a.id);
		if (resp_header(p, "Location", arena_strdup(r->a, loc)))
			return -1;
	}
	return appt_response(r, p, rc, &why, &a, 201);
}

/* One appointment of a list into the writer arg. */
static int
appt_one(void *arg, const struct appt_view *v)
{
	return appt_json(arg, v->a, v->side);
}

/* The sessions the account takes and, with a listing, those it gives:
 * the /therapy and /schedule pages' sessions together. */
int
api_appointments(struct req *r, struct resp *p)
{
	struct refusal why;
	struct jw w;
	int rc;

	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_karr_open(&w, "appointments");
	rc = appointments_mine(&r->cx, &r->who, SIDE_BOTH, ctx_now(&r->cx) - DAY, 0, appt_one, &w, &why);
	if (rc)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	jw_arr_close(&w);
	jw_obj_close(&w);
	return json_reply(p, &w, 200);
}

int
api_appt_cancel(struct req *r, struct resp *p)
{
	struct store_appt a;
	struct refusal why;

	return appt_response(r, p, cancel_appt(&r->cx, &r->who, r->param, &a, &why), &why, &a, 200);
}

int
api_appt_move(struct req *r, struct resp *p)
{
	static const char *const allowed[] = {"start", NULL};
	const char *start_s = NULL;
	struct store_appt a;
	struct refusal why;
	struct verr e;
	int64_t start;
	jnode *o = api_body(r, allowed, &e);

	if (!o || api_str(r, o, "start", &start_s, &e))
		return api_invalid(r, p, &e);
	if (field_parse_instant(start_s, &start)) {
		error_response(r, p, 400, "start", "an instant like 2026-12-01T23:00:00Z");
		return 0;
	}
	return appt_response(r, p, move_appt(&r->cx, &r->who, r->param, start, &a, &why), &why, &a, 200);
}

static int
series_json(struct jw *w, const struct store_series *sr)
{
	jw_obj_open(w);
	jw_kint(w, "id", sr->id);
	jw_kstr(w, "therapist_id", sr->therapist_id);
	jw_kstr(w, "kind", sr->kind);
	jw_kstr(w, "zone", sr->zone);
	day_json(w, "first_day", sr->first_day);
	hhmm_json(w, "local_time", sr->minute);
	jw_kint(w, "minutes", sr->minutes);
	jw_kint(w, "interval_weeks", sr->interval_weeks);
	jw_kint(w, "count", sr->count);
	jw_kstr(w, "status", sr->status);
	return jw_obj_close(w);
}

int
api_appt_series(struct req *r, struct resp *p)
{
	static const char *const allowed[] = {"interval_weeks", "count", NULL};
	struct store_series sr;
	struct refusal why;
	struct verr e;
	struct jw w;
	int64_t interval, count;
	int booked, skipped, rc;
	jnode *o = api_body(r, allowed, &e);

	if (!o || jv_int(o, "interval_weeks", false, 1, 2, 1, &interval, "", &e) ||
	    jv_int(o, "count", false, 2, SERIES_MAX, 12, &count, "", &e))
		return api_invalid(r, p, &e);
	rc = start_series(&r->cx, &r->who, r->param, (int)interval, (int)count, &sr, &booked, &skipped, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_key(&w, "series");
	series_json(&w, &sr);
	jw_kint(&w, "booked", booked);
	jw_kint(&w, "skipped", skipped);
	jw_obj_close(&w);
	return json_reply(p, &w, 201);
}

/* One series of a list into the writer arg. */
static int
series_one(void *arg, const struct store_series *sr)
{
	return series_json(arg, sr);
}

int
api_series(struct req *r, struct resp *p)
{
	struct refusal why;
	struct jw w;
	int rc;

	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_karr_open(&w, "series");
	rc = series_mine(&r->cx, &r->who, SIDE_BOTH, series_one, &w, &why);
	if (rc)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	jw_arr_close(&w);
	jw_obj_close(&w);
	return json_reply(p, &w, 200);
}

int
api_series_end(struct req *r, struct resp *p)
{
	struct refusal why;
	struct jw w;
	long cancelled = 0;
	int rc = end_series(&r->cx, &r->who, r->param, &cancelled, &why);

	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_kint(&w, "cancelled", cancelled);
	jw_obj_close(&w);
	return json_reply(p, &w, 200);
}

/* ---- a therapist's settings ---- */

/* One closure into the writer arg (store's closed_list). */
static int
closed_one(void *arg, const struct store_closed *c)
{
	struct jw *w = arg;

	jw_obj_open(w);
	jw_kint(w, "id", c->id);
	day_json(w, "first_day", c->first_day);
	day_json(w, "last_day", c->last_day);
	hhmm_json(w, "start", c->start_min);
	hhmm_json(w, "end", c->end_min);
	jw_kstr(w, "note", c->note);
	return jw_obj_close(w);
}

static int
schedule_json(struct req *r, struct resp *p)
{
	struct book_ctx *c = arena_alloc(r->a, sizeof(*c));
	struct refusal why;
	struct jw w;
	int rc, i;

	if (!c)
		return -1;
	if ((rc = book_ctx_load(&r->cx, &r->who, r->who.therapist_id, c, &why)) < 0)
		return -1;
	if (rc > 0 && why.status != 409)
		return refusal_response(r, p, &why);
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_kint(&w, "notice_hours", c->sc.notice_hours);
	jw_kint(&w, "booking_notice_hours", c->sc.booking_notice_hours);
	jw_kstr(&w, "zone", c->zone);
	jw_karr_open(&w, "session_types");
	for (i = 0; i < c->sc.n_types; i++) {
		jw_obj_open(&w);
		jw_kstr(&w, "kind", c->sc.types[i].kind);
		jw_kint(&w, "minutes", c->sc.types[i].minutes);
		jw_kint(&w, "step", c->sc.types[i].step);
		jw_kint(&w, "capacity", c->sc.types[i].capacity);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_karr_open(&w, "closures");
	if ((rc = closures_mine(&r->cx, &r->who, closed_one, &w, &why)) != 0)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	jw_arr_close(&w);
	jw_obj_close(&w);
	return json_reply(p, &w, 200);
}

static bool
own_listing(struct req *r, struct resp *p)
{
	if (r->who.therapist_id[0])
		return true;
	error_response(r, p, 404, "", "this account holds no listing; claim or create one first");
	return false;
}

int
api_schedule(struct req *r, struct resp *p)
{
	static const char *const allowed[] = {"notice_hours", "booking_notice_hours", "session_types", NULL};
	static const char *const type_keys[] = {"kind", "minutes", "step", "capacity", NULL};
	struct store_schedule sc;
	struct refusal why;
	struct verr e;
	jnode *o, *types;
	int64_t v, bv;
	uint32_t i;
	int rc;

	if (!own_listing(r, p))
		return 0;
	if (strcmp(r->method, "PUT") != 0)
		return schedule_json(r, p);
	if (!(o = api_body(r, allowed, &e)) ||
	    jv_int(o, "notice_hours", false, 0, 168, 24, &v, "", &e) ||
	    jv_int(o, "booking_notice_hours", false, 0, BOOKING_NOTICE_MAX, BOOKING_NOTICE_DEFAULT, &bv, "", &e))
		return api_invalid(r, p, &e);
	memset(&sc, 0, sizeof(sc));
	sc.notice_hours = (int)v;
	sc.booking_notice_hours = (int)bv;
	types = jn_get(o, "session_types");
	if (!types || types->type != JN_ARRAY) {
		error_response(r, p, 400, "session_types", "a list of {kind, minutes, step, capacity}");
		return 0;
	}
	for (i = 0; i < types->len; i++) {
		jnode *t = &types->kids[i];
		const char *kind = NULL;
		char path[32];
		int64_t minutes, step, cap;

		snprintf(path, sizeof(path), "session_types[%u]", i);
		if (t->type != JN_OBJECT || i >= STORE_SESSION_TYPES) {
			error_response(r, p, 400, "session_types", "1 to 4 objects");
			return 0;
		}
		if (jv_keys(t, type_keys, path, &e) ||
		    jv_str(t, "kind", true, 15, r->a, &kind, path, &e) ||
		    jv_int(t, "minutes", true, 5, 480, 50, &minutes, path, &e) ||
		    jv_int(t, "step", false, 5, 1440, (minutes + 4) / 5 * 5, &step, path, &e) ||
		    jv_int(t, "capacity", false, 1, 100, 1, &cap, path, &e))
			return api_invalid(r, p, &e);
		snprintf(sc.types[i].kind, sizeof(sc.types[i].kind), "%s", kind);
		sc.types[i].minutes = (int)minutes;
		sc.types[i].step = (int)step;
		sc.types[i].capacity = (int)cap;
		sc.n_types++;
	}
	rc = schedule_save(&r->cx, &r->who, &sc, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	return rc ? -1 : schedule_json(r, p);
}

int
api_closure_add(struct req *r, struct resp *p)
{
	static const char *const allowed[] = {"first_day", "last_day", "start", "end", "note", NULL};
	const char *first = NULL, *last = NULL, *start = NULL, *end = NULL, *note = NULL;
	struct store_closed c;
	struct refusal why;
	struct verr e;
	struct jw w;
	jnode *o = api_body(r, allowed, &e);
	int rc;

	if (!own_listing(r, p))
		return 0;
	if (!o || api_str(r, o, "first_day", &first, &e) || api_str(r, o, "last_day", &last, &e) ||
	    api_str(r, o, "start", &start, &e) || api_str(r, o, "end", &end, &e) ||
	    jv_str(o, "note", false, 199, r->a, &note, "", &e))
		return api_invalid(r, p, &e);
	memset(&c, 0, sizeof(c));
	c.end_min = 1440;
	if (field_parse_day(first, &c.first_day)) {
		error_response(r, p, 400, "first_day", "a date YYYY-MM-DD");
		return 0;
	}
	if (!last)
		c.last_day = c.first_day;
	else if (field_parse_day(last, &c.last_day)) {
		error_response(r, p, 400, "last_day", "a date YYYY-MM-DD");
		return 0;
	}
	if ((start && (c.start_min = parse_hhmm(start)) < 0) || (end && (c.end_min = parse_hhmm(end)) < 0)) {
		error_response(r, p, 400, c.start_min < 0 ? "start" : "end", "a time HH:MM");
		return 0;
	}
	snprintf(c.note, sizeof(c.note), "%s", note ? note : "");
	rc = closure_add(&r->cx, &r->who, &c, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	jw_init(&w, &p->body);
	closed_one(&w, &c);
	return json_reply(p, &w, 201);
}

int
api_closure_delete(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = closure_delete(&r->cx, &r->who, r->param, &why);

	return no_content(r, p, rc, &why);
}

/* ---- waitlists, the viewer's zone ---- */

/* One place on a waitlist into the writer arg (store's waits_of_seeker). */
static int
wait_one(void *arg, const struct store_wait *wt)
{
	struct jw *w = arg;

	jw_obj_open(w);
	jw_kstr(w, "therapist_id", wt->therapist_id);
	jw_kstr(w, "kind", wt->kind);
	jw_ktime(w, "since", wt->created_at);
	jw_ktime(w, "last_told", wt->notified_at);
	return jw_obj_close(w);
}

int
api_waitlist(struct req *r, struct resp *p)
{
	static const char *const allowed[] = {"therapist_id", "kind", NULL};
	const char *tid = NULL, *kind = NULL;
	struct refusal why;
	struct verr e;
	struct jw jw;
	jnode *o;
	int rc;

	if (strcmp(r->method, "GET") == 0) {
		jw_init(&jw, &p->body);
		jw_obj_open(&jw);
		jw_karr_open(&jw, "waitlist");
		if ((rc = waits_mine(&r->cx, &r->who, wait_one, &jw, &why)) != 0)
			return rc > 0 ? refusal_response(r, p, &why) : -1;
		jw_arr_close(&jw);
		jw_obj_close(&jw);
		return json_reply(p, &jw, 200);
	}
	if (!(o = api_body(r, allowed, &e)) || api_str(r, o, "therapist_id", &tid, &e) ||
	    api_str(r, o, "kind", &kind, &e))
		return api_invalid(r, p, &e);
	if (!kind)
		kind = "individual";
	rc = strcmp(r->path + strlen(r->path) - 6, "/leave") == 0 ? wait_leave(&r->cx, &r->who, tid, kind, &why)
	                                                         : wait_join(&r->cx, &r->who, tid, kind, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	p->status = strcmp(r->path + strlen(r->path) - 6, "/leave") == 0 ? 204 : 201;
	if (p->status == 201) {
		struct store_wait w;

		memset(&w, 0, sizeof(w));
		snprintf(w.therapist_id, sizeof(w.therapist_id), "%s", tid);
		snprintf(w.kind, sizeof(w.kind), "%s", kind);
		w.created_at = ctx_now(&r->cx);
		jw_init(&jw, &p->body);
		wait_one(&jw, &w);
		return json_reply(p, &jw, 201);
	}
	return 0;
}

int
api_timezone(struct req *r, struct resp *p)
{
	static const char *const allowed[] = {"timezone", NULL};
	const char *zone = NULL;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, allowed, &e);
	int rc;

	if (!o || api_str(r, o, "timezone", &zone, &e))
		return api_invalid(r, p, &e);
	rc = zone_set(&r->cx, &r->who, zone, &why);
	return no_content(r, p, rc, &why);
}
