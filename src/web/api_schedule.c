/*
 * api_schedule.c: scheduling in the JSON API (the rules are act_schedule.c's).
 *
 *   GET  /api/v1/therapists/{id}/slots?kind=&from=YYYY-MM-DD&days=N
 *   GET  /api/v1/appointments                 mine ahead (seeker, or my listing's)
 *   POST /api/v1/appointments                 {"therapist_id","kind","start"}: 201 or 409
 *   POST /api/v1/appointments/{id}/cancel
 *   POST /api/v1/appointments/{id}/move       {"start"}
 *   POST /api/v1/appointments/{id}/series     {"interval_weeks","count"}
 *   GET  /api/v1/series                       mine, active
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

static int
wall_json(struct buf *b, const char *zone, int64_t t)
{
	const struct tz_zone *z = tz_get(zone);
	int64_t local = t + (z ? tz_offset_at(z, t) : 0);
	time_t tt = (time_t)local;
	struct tm tm;
	char s[32];

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "\"%Y-%m-%dT%H:%M\"", &tm);
	return buf_adds(b, s);
}

static int
appt_json(struct buf *b, const struct store_appt *a)
{
	return buf_printf(b, "{\"id\":%lld,\"therapist_id\":", (long long)a->id) ||
	       buf_json_strz(b, a->therapist_id) || buf_adds(b, ",\"kind\":") ||
	       buf_json_strz(b, a->kind) || buf_adds(b, ",\"modality\":") ||
	       buf_json_strz(b, a->modality) || buf_adds(b, ",\"start\":") || api_time(b, a->start) ||
	       buf_adds(b, ",\"end\":") || api_time(b, a->end) || buf_adds(b, ",\"zone\":") ||
	       buf_json_strz(b, a->zone) || buf_adds(b, ",\"local_start\":") ||
	       wall_json(b, a->zone, a->start) || buf_adds(b, ",\"status\":") ||
	       buf_json_strz(b, a->status) || buf_adds(b, ",\"cancelled_by\":") ||
	       (a->cancelled_by[0] ? buf_json_strz(b, a->cancelled_by) : buf_adds(b, "null")) ||
	       buf_printf(b, ",\"late\":%s,\"series_id\":", a->late ? "true" : "false") ||
	       (a->series_id ? buf_printf(b, "%lld", (long long)a->series_id) : buf_adds(b, "null")) ||
	       buf_addc(b, '}');
}

static int
appt_response(struct req *r, struct resp *p, int rc, const struct refusal *why,
              const struct store_appt *a, int status)
{
	if (rc > 0)
		return refusal_response(r, p, why);
	if (rc || appt_json(&p->body, a) || buf_addc(&p->body, '\n'))
		return -1;
	return json_response(p, status);
}

int
api_slots(struct req *r, struct resp *p)
{
	struct book_ctx *c = arena_alloc(r->a, sizeof(*c));
	struct sched_slot *s = arena_alloc(r->a, SLOTS_MAX * sizeof(*s));
	const struct store_session_type *t;
	const char *kind = req_text(r, "kind"), *modality = req_text(r, "modality");
	struct refusal why;
	struct buf *b = &p->body;
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
	           ((int64_t)time(NULL) + tz_offset_at(c->tz, (int64_t)time(NULL))) / DAY;
	from = tz_local_to_utc(c->tz, from_day * DAY);
	to = tz_local_to_utc(c->tz, (from_day + days) * DAY);
	n = open_slots(&r->cx, &r->who, c, kind, modality, from, to, s, SLOTS_MAX, &why);
	if (n == -2)
		return refusal_response(r, p, &why);
	if (n < 0)
		return -1;
	if (buf_adds(b, "{\"therapist_id\":") || buf_json_strz(b, c->tid) ||
	    buf_adds(b, ",\"zone\":") || buf_json_strz(b, c->zone) || buf_adds(b, ",\"kind\":") ||
	    buf_json_strz(b, t->kind) || buf_adds(b, ",\"modality\":") ||
	    buf_json_strz(b, modality ? modality : "") ||
	    buf_printf(b, ",\"minutes\":%d,\"capacity\":%d,\"notice_hours\":%d,\"slots\":[", t->minutes,
	               t->capacity, c->sc.notice_hours))
		return -1;
	for (i = 0; i < n; i++)
		if ((i && buf_addc(b, ',')) || buf_adds(b, "{\"start\":") || api_time(b, s[i].start) ||
		    buf_adds(b, ",\"end\":") || api_time(b, s[i].end) || buf_adds(b, ",\"local_start\":") ||
		    wall_json(b, c->zone, s[i].start) ||
		    buf_printf(b, ",\"seats_left\":%d}", t->capacity - s[i].seats_taken))
			return -1;
	if (buf_adds(b, "]}\n"))
		return -1;
	return json_response(p, 200);
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

struct appt_list {
	struct buf *b;
	int n, err;
};

static int
appt_one(void *arg, const struct store_appt *a)
{
	struct appt_list *x = arg;

	if ((x->n++ && buf_addc(x->b, ',')) || appt_json(x->b, a))
		x->err = 1;
	return x->err;
}

int
api_appointments(struct req *r, struct resp *p)
{
	struct appt_list x = {&p->body, 0, 0};
	int64_t from = (int64_t)time(NULL) - DAY;

	if (buf_adds(&p->body, "{\"appointments\":["))
		return -1;
	if (r->who.therapist_id[0]
	        ? STORE_CALL(r->app->sv.store, appts_of_therapist, r->who.therapist_id, from,
	                     from + (int64_t)(HORIZON_WEEKS + 30) * 7 * DAY, 500, appt_one, &x)
	        : STORE_CALL(r->app->sv.store, appts_of_seeker, r->who.id, from, 500, appt_one, &x))
		return -1;
	if (x.err || buf_adds(&p->body, "]}\n"))
		return -1;
	return json_response(p, 200);
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
series_json(struct buf *b, const struct store_series *sr)
{
	int y;
	unsigned m, d;
	char day[16];

	tz_civil_from_days(sr->first_day, &y, &m, &d);
	snprintf(day, sizeof(day), "%04d-%02u-%02u", y, m, d);
	return buf_printf(b, "{\"id\":%lld,\"therapist_id\":", (long long)sr->id) ||
	       buf_json_strz(b, sr->therapist_id) || buf_adds(b, ",\"kind\":") ||
	       buf_json_strz(b, sr->kind) || buf_adds(b, ",\"zone\":") || buf_json_strz(b, sr->zone) ||
	       buf_adds(b, ",\"first_day\":") || buf_json_strz(b, day) ||
	       buf_printf(b, ",\"local_time\":\"%02d:%02d\",\"minutes\":%d,\"interval_weeks\":%d,"
	                  "\"count\":%d,\"status\":", sr->minute / 60, sr->minute % 60, sr->minutes,
	                  sr->interval_weeks, sr->count) ||
	       buf_json_strz(b, sr->status) || buf_addc(b, '}');
}

int
api_appt_series(struct req *r, struct resp *p)
{
	static const char *const allowed[] = {"interval_weeks", "count", NULL};
	struct store_series sr;
	struct refusal why;
	struct verr e;
	int64_t interval, count;
	int booked, skipped, rc;
	jnode *o = api_body(r, allowed, &e);

	if (!o || jv_int(o, "interval_weeks", false, 1, 2, 1, &interval, "", &e) ||
	    jv_int(o, "count", false, 2, SERIES_MAX, 12, &count, "", &e))
		return api_invalid(r, p, &e);
	rc = start_series(&r->cx, &r->who, r->param, (int)interval, (int)count, &sr, &booked, &skipped, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc || buf_adds(&p->body, "{\"series\":") || series_json(&p->body, &sr) ||
	    buf_printf(&p->body, ",\"booked\":%d,\"skipped\":%d}\n", booked, skipped))
		return -1;
	return json_response(p, 201);
}

struct series_list {
	struct buf *b;
	int n, err;
};

static int
series_one(void *arg, const struct store_series *sr)
{
	struct series_list *x = arg;

	if ((x->n++ && buf_addc(x->b, ',')) || series_json(x->b, sr))
		x->err = 1;
	return x->err;
}

int
api_series(struct req *r, struct resp *p)
{
	struct series_list x = {&p->body, 0, 0};

	if (buf_adds(&p->body, "{\"series\":[") ||
	    STORE_CALL(r->app->sv.store, series_of_user, r->who.id,
	               r->who.therapist_id[0] ? r->who.therapist_id : NULL, series_one, &x) ||
	    x.err || buf_adds(&p->body, "]}\n"))
		return -1;
	return json_response(p, 200);
}

int
api_series_end(struct req *r, struct resp *p)
{
	struct refusal why;
	long cancelled = 0;
	int rc = end_series(&r->cx, &r->who, r->param, &cancelled, &why);

	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc || buf_printf(&p->body, "{\"cancelled\":%ld}\n", cancelled))
		return -1;
	return json_response(p, 200);
}

/* ---- a therapist's settings ---- */

struct closed_list {
	struct buf *b;
	int n, err;
};

static int
day_json(struct buf *b, int64_t day)
{
	int y;
	unsigned m, d;

	tz_civil_from_days(day, &y, &m, &d);
	return buf_printf(b, "\"%04d-%02u-%02u\"", y, m, d);
}

static int
closed_one(void *arg, const struct store_closed *c)
{
	struct closed_list *x = arg;

	if ((x->n++ && buf_addc(x->b, ',')) ||
	    buf_printf(x->b, "{\"id\":%lld,\"first_day\":", (long long)c->id) ||
	    day_json(x->b, c->first_day) || buf_adds(x->b, ",\"last_day\":") ||
	    day_json(x->b, c->last_day) ||
	    buf_printf(x->b, ",\"start\":\"%02d:%02d\",\"end\":\"%02d:%02d\",\"note\":", c->start_min / 60,
	               c->start_min % 60, c->end_min / 60, c->end_min % 60) ||
	    buf_json_strz(x->b, c->note) || buf_addc(x->b, '}'))
		x->err = 1;
	return x->err;
}

static int
schedule_json(struct req *r, struct resp *p)
{
	struct book_ctx *c = arena_alloc(r->a, sizeof(*c));
	struct closed_list x = {&p->body, 0, 0};
	struct buf *b = &p->body;
	struct refusal why;
	int rc, i;

	if (!c)
		return -1;
	if ((rc = book_ctx_load(&r->cx, &r->who, r->who.therapist_id, c, &why)) < 0)
		return -1;
	if (rc > 0 && why.status != 409)
		return refusal_response(r, p, &why);
	if (buf_printf(b, "{\"notice_hours\":%d,\"zone\":", c->sc.notice_hours) ||
	    buf_json_strz(b, c->zone) || buf_adds(b, ",\"session_types\":["))
		return -1;
	for (i = 0; i < c->sc.n_types; i++)
		if ((i && buf_addc(b, ',')) || buf_adds(b, "{\"kind\":") ||
		    buf_json_strz(b, c->sc.types[i].kind) ||
		    buf_printf(b, ",\"minutes\":%d,\"step\":%d,\"capacity\":%d}", c->sc.types[i].minutes,
		               c->sc.types[i].step, c->sc.types[i].capacity))
			return -1;
	if (buf_adds(b, "],\"closures\":[") ||
	    STORE_CALL(r->app->sv.store, closed_list, r->who.therapist_id, (int64_t)time(NULL) / DAY - 1,
	               closed_one, &x) ||
	    x.err || buf_adds(b, "]}\n"))
		return -1;
	return json_response(p, 200);
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
	static const char *const allowed[] = {"notice_hours", "session_types", NULL};
	static const char *const type_keys[] = {"kind", "minutes", "step", "capacity", NULL};
	struct store_schedule sc;
	struct refusal why;
	struct verr e;
	jnode *o, *types;
	int64_t v;
	uint32_t i;
	int rc;

	if (!own_listing(r, p))
		return 0;
	if (strcmp(r->method, "PUT") != 0)
		return schedule_json(r, p);
	if (!(o = api_body(r, allowed, &e)) ||
	    jv_int(o, "notice_hours", false, 0, 168, 24, &v, "", &e))
		return api_invalid(r, p, &e);
	memset(&sc, 0, sizeof(sc));
	sc.notice_hours = (int)v;
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
		    jv_int(t, "step", false, 5, 1440, minutes, &step, path, &e) ||
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
	{
		struct closed_list x = {&p->body, 0, 0};

		if (closed_one(&x, &c) || x.err || buf_addc(&p->body, '\n'))
			return -1;
	}
	return json_response(p, 201);
}

int
api_closure_delete(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = closure_delete(&r->cx, &r->who, r->param, &why);

	return no_content(r, p, rc, &why);
}

/* ---- waitlists, the viewer's zone ---- */

struct wait_list {
	struct buf *b;
	int n, err;
};

static int
wait_one(void *arg, const struct store_wait *w)
{
	struct wait_list *x = arg;

	if ((x->n++ && buf_addc(x->b, ',')) || buf_adds(x->b, "{\"therapist_id\":") ||
	    buf_json_strz(x->b, w->therapist_id) || buf_adds(x->b, ",\"kind\":") ||
	    buf_json_strz(x->b, w->kind) || buf_adds(x->b, ",\"since\":") ||
	    api_time(x->b, w->created_at) || buf_adds(x->b, ",\"last_told\":") ||
	    api_time(x->b, w->notified_at) || buf_addc(x->b, '}'))
		x->err = 1;
	return x->err;
}

int
api_waitlist(struct req *r, struct resp *p)
{
	static const char *const allowed[] = {"therapist_id", "kind", NULL};
	const char *tid = NULL, *kind = NULL;
	struct refusal why;
	struct verr e;
	jnode *o;
	int rc;

	if (strcmp(r->method, "GET") == 0) {
		struct wait_list x = {&p->body, 0, 0};

		if (buf_adds(&p->body, "{\"waitlist\":[") ||
		    STORE_CALL(r->app->sv.store, waits_of_seeker, r->who.id, wait_one, &x) || x.err ||
		    buf_adds(&p->body, "]}\n"))
			return -1;
		return json_response(p, 200);
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
		w.created_at = (int64_t)time(NULL);
		{
			struct wait_list x = {&p->body, 0, 0};

			if (wait_one(&x, &w) || buf_addc(&p->body, '\n'))
				return -1;
		}
		return json_response(p, 201);
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
