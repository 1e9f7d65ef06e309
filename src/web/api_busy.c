/*
 * api_busy.c: the clinician's own calendar in the JSON API.
 *
 *   PUT    /api/v1/me/busy   the body is the .ics itself (Content-Type:
 *                            text/calendar); its busy times in the four weeks
 *                            from the coming Monday replace the stored ones
 *   GET    /api/v1/me/busy   the busy times stored
 *   DELETE /api/v1/me/busy   forget them (204)
 *
 * PUT and GET take the working hours in the query, so that the body stays
 * the calendar exactly as exported (curl --data-binary @caseload.ics):
 * timezone=America/New_York (the saved search profile's when left out),
 * and hours=mon 09:00-17:00, once for each stretch (at most 14). Both
 * answer {"timezone", "first_week", "busy", "hours", "windows",
 * "windows_left_out"}: windows are the free hours in the contract's form
 * ({"day","start","end"}, the query's "free"), free in every one of the
 * four weeks, at least 50 minutes long.
 *
 * The rules are app/calendar.c's, shared with the page.
 */
#include <stdio.h>
#include <string.h>

#include "app/services.h"
#include "web/pages.h"

/* The query's zone and working hours: "DAY HH:MM-HH:MM" (or with a +). */
static int
read_query(struct req *r, struct calendar *c, struct refusal *why)
{
	const char *v[CAL_HOURS_MAX + 1];
	int n = req_args(r, "hours", v, CAL_HOURS_MAX + 1), i, rc;

	memset(c, 0, sizeof(*c));
	if ((rc = calendar_zone(&r->cx, &r->who, req_arg(r, "timezone"), c, why)))
		return rc;
	if (n > CAL_HOURS_MAX)
		return refuse(why, 400, "hours", "give at most 14 stretches of working hours");
	for (i = 0; i < n; i++) {
		const char *s = v[i];
		char day[4], start[6], end[6];
		size_t k;

		if (strlen(s) < 4)
			goto bad;
		memcpy(day, s, 3);
		day[3] = '\0';
		k = 3 + strspn(s + 3, " +");
		if (k == 3 || strlen(s + k) != 11 || s[k + 5] != '-')
			goto bad;
		memcpy(start, s + k, 5);
		start[5] = '\0';
		memcpy(end, s + k + 6, 5);
		end[5] = '\0';
		if (calendar_day(day) < 0)
			goto bad;
		if ((rc = calendar_hours(c, calendar_day(day), start, end, "hours", why)))
			return rc;
	}
	if (n && !c->zone)
		return refuse(why, 400, "timezone", "give your time zone (timezone=America/New_York) "
		              "with working hours");
	return 0;
bad:
	return refuse(why, 400, "hours", "give working hours as DAY HH:MM-HH:MM, like "
	              "hours=mon 09:00-17:00 (days mon to sun)");
}

/* Working hours or free windows, as key: [{"day","start","end"}]. */
static void
windows_json(struct jw *w, const char *key, const struct window *win, int n)
{
	char s[6], e[6];
	int i;

	jw_karr_open(w, key);
	for (i = 0; i < n; i++) {
		calendar_hhmm(s, win[i].start);
		calendar_hhmm(e, win[i].end);
		jw_obj_open(w);
		jw_kstr(w, "day", day_names[win[i].day]);
		jw_kstr(w, "start", s);
		jw_kstr(w, "end", e);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static int
answer(struct resp *p, const struct calendar *c)
{
	struct jw w;
	int i;

	jw_init(&w, &p->body);
	jw_obj_open(&w);
	if (c->zone)
		jw_kstr(&w, "timezone", tz_name(c->zone));
	else
		jw_knull(&w, "timezone");
	if (c->zone && c->stored) {
		int y;
		unsigned m, d;

		tz_civil_from_days(c->first_day, &y, &m, &d);
		jw_kstrf(&w, "first_week", "%04d-%02u-%02u", y, m, d);
	} else {
		jw_knull(&w, "first_week");
	}
	jw_karr_open(&w, "busy");
	for (i = 0; i < c->n_busy; i++) {
		jw_obj_open(&w);
		jw_ktime(&w, "start", c->busy[i].start);
		jw_ktime(&w, "end", c->busy[i].end);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	windows_json(&w, "hours", c->hours, c->n_hours);
	windows_json(&w, "windows", c->windows, c->n_windows);
	jw_kint(&w, "windows_left_out", c->dropped);
	jw_obj_close(&w);
	return json_reply(p, &w, 200);
}

int
api_busy(struct req *r, struct resp *p)
{
	struct calendar c;
	struct refusal why;
	int rc;

	if (strcmp(r->method, "DELETE") == 0) {
		if (calendar_forget(&r->cx, &r->who))
			return -1;
		p->status = 204;
		return 0;
	}
	rc = read_query(r, &c, &why);
	if (rc == 0)
		rc = strcmp(r->method, "PUT") == 0 ? calendar_upload(&r->cx, &r->who, r->body, r->body_len, &c, &why) :
		     calendar_load(&r->cx, &r->who, &c);
	if (rc > 0)
		return refusal_response(r, p, &why);
	return rc ? -1 : answer(p, &c);
}
