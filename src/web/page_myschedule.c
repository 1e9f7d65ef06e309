/*
 * page_myschedule.c: the therapist's side of booking (the rules, and
 * every read, are app/booking.c's: the API reads the same).
 *
 *   GET  /schedule                  the weeks ahead, series, the sessions
 *                                   offered and both notices, closures
 *   POST /schedule                  saves the settings
 *   POST /schedule/closures         closes dates
 *   POST /schedule/closures/{id}/delete   reopens them
 *
 * Every time is shown in the therapist's own zone. The two forms follow
 * the one error pattern (pages.h error_summary): their routes are .form,
 * so every field at fault is recorded before the handler runs; the
 * handler adds its own checks and, when anything is wrong, shows the
 * whole page again with the summary on top and the person's values kept
 * in the form that failed. A good post redirects back with a note.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kinds.h"
#include "core/record.h"
#include "core/tz.h"
#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

#define DAY 86400

/* The names of the kinds of session as a therapist offers them (the
 * seeker's words, "Free 15-minute consultation", assume the default). */
static const char *const kind_names[SESSION_KIND__MAX] = {
	"Consultation", "Individual session", "Couples session", "Group session",
};
/* What a kind is when it was never set (app/booking.c default_types). */
static const int dflt_minutes[SESSION_KIND__MAX] = {15, 50, 80, 90};
static const int dflt_step[SESSION_KIND__MAX] = {30, 60, 60, 60};

/* Which form of the page is shown again with its errors. */
enum failed { FAILED_NONE, FAILED_SETTINGS, FAILED_CLOSURE };

/* "Mon 21 Dec 2026" of local day `day`. */
static void
date_words(char out[32], int64_t day)
{
	static const char *const wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int y;
	unsigned m, d;

	tz_civil_from_days(day, &y, &m, &d);
	snprintf(out, 32, "%s %u %s %d", wd[tz_weekday(day)], d, mon[(m - 1) % 12], y);
}

static int
notice(struct buf *b, const char *msg)
{
	return !msg ? 0 : html(b, "<p class=\"notice\" role=\"status\">") || html_txt(b, msg) ||
	                  html(b, "</p>\n");
}

/* ----------------------------------------------------------------------
 * The weeks ahead and the closures
 * ---------------------------------------------------------------------- */

struct closure_rows {
	struct req *r;
	struct resp *p;
	int n, err;
};

static int
closure_row(void *arg, const struct store_closed *c)
{
	struct closure_rows *x = arg;
	struct buf *b = &x->p->body;
	char d1[32], d2[32], s[128];
	bool whole = c->start_min == 0 && c->end_min == 1440;

	date_words(d1, c->first_day);
	date_words(d2, c->last_day);
	if (c->last_day != c->first_day)
		snprintf(s, sizeof(s), "%s to %s", d1, d2);
	else
		snprintf(s, sizeof(s), "%s", d1);
	if (!whole)
		snprintf(s + strlen(s), sizeof(s) - strlen(s), ", %02d:%02d to %02d:%02d",
		         c->start_min / 60, c->start_min % 60, c->end_min / 60, c->end_min % 60);
	else
		snprintf(s + strlen(s), sizeof(s) - strlen(s), ", all day");
	x->n++;
	if (html(b, "<li>") || html_txt(b, s) || (c->note[0] && (html(b, ": ") || html_txt(b, c->note))) ||
	    html(b, " <form method=\"post\" class=\"inline\" action=\"/schedule/closures/") ||
	    html_int(b, (long)c->id) || html(b, "/delete\">") || form_csrf(b, x->r, x->p) ||
	    html(b, "<button type=\"submit\" class=\"button secondary\" aria-label=\"Reopen ") || html_attr(b, s) ||
	    html(b, "\">Reopen</button></form></li>\n"))
		return x->err = 1;
	return 0;
}

struct day_rows {
	struct req *r;
	struct resp *p;
	const struct tz_zone *vz;
	int64_t last_day;
	int n, err;
};

static int
calendar_row(void *arg, const struct appt_view *v)
{
	struct day_rows *x = arg;
	const struct store_appt *a = v->a;
	struct buf *b = &x->p->body;
	int64_t local = a->start + tz_offset_at(x->vz, a->start);
	int64_t d = local / DAY - (local % DAY < 0);
	int64_t le = a->end + tz_offset_at(x->vz, a->end) - d * DAY;
	int64_t ls = local - d * DAY;
	char when[48], id[24], t1[8], t2[8];
	int k = session_kind_parse(a->kind);

	if (appt_status_parse(a->status) != APPT_BOOKED)
		return 0;
	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	snprintf(t1, sizeof(t1), "%02d:%02d", (int)(ls / 3600) % 100, (int)(ls / 60 % 60));
	snprintf(t2, sizeof(t2), "%02d:%02d", (int)(le / 3600) % 100, (int)(le / 60 % 60));
	when_text(when, x->vz, a->start);
	if (d != x->last_day) {
		char dt[32];

		date_words(dt, d);
		if ((x->last_day >= 0 && html(b, "</ul>\n")) || html(b, "<h3>") || html_txt(b, dt) ||
		    html(b, "</h3>\n<ul class=\"week\">\n"))
			return x->err = 1;
		x->last_day = d;
	}
	x->n++;
	if (html(b, "<li><strong>") || html_txt(b, t1) || html(b, "&ndash;") || html_txt(b, t2) ||
	    html(b, "</strong> ") ||
	    html_txt(b, k >= 0 ? kind_names[k] : kind_label(a->kind)) || html(b, " with ") ||
	    html_txt(b, v->with) ||
	    (a->modality[0] && (html(b, ", ") ||
	                        html_txt(b, strcmp(a->modality, "telehealth") == 0 ? "telehealth" : "in person"))) ||
	    (a->series_id && html(b, " <span class=\"badge\">series</span>")) ||
	    html(b, " <form method=\"post\" class=\"inline\" action=\"/appointments/") || html_attr(b, id) ||
	    html(b, "/cancel\">") || form_csrf(b, x->r, x->p) ||
	    html(b, "<input type=\"hidden\" name=\"from_schedule\" value=\"1\">"
	            "<button type=\"submit\" class=\"button danger\" aria-label=\"Cancel the session of ") ||
	    html_attr(b, when) || html(b, " with ") || html_attr(b, v->with) ||
	    html(b, "\">Cancel</button></form></li>\n"))
		return x->err = 1;
	return 0;
}

/* ----------------------------------------------------------------------
 * The forms
 * ---------------------------------------------------------------------- */

/*
 * A number input in a .form-group: its label, hint, error and the value,
 * which is the person's own text when the form failed (kept as typed),
 * else value.
 */
static int
number(struct buf *b, struct req *r, bool again, const char *name, const char *label, const char *hint,
       int value, int min, int max)
{
	const char *typed = again ? req_arg(r, name) : NULL;
	char hid[48];

	snprintf(hid, sizeof(hid), "%s-hint", name);
	if (html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, name) || html(b, "\">") ||
	    html_txt(b, label) || html(b, "</label>\n") ||
	    (hint && (html(b, "<p class=\"hint\" id=\"") || html_attr(b, hid) || html(b, "\">") ||
	              html_txt(b, hint) || html(b, "</p>\n"))) ||
	    field_error(b, r, name) ||
	    html(b, "<input type=\"number\" inputmode=\"numeric\" id=\"") || html_attr(b, name) ||
	    html(b, "\" name=\"") || html_attr(b, name) || html(b, "\" min=\"") || html_int(b, min) ||
	    html(b, "\" max=\"") || html_int(b, max) || html(b, "\" value=\""))
		return -1;
	if (again ? html_attr(b, typed ? typed : "") : html_int(b, value))
		return -1;
	if (html(b, "\"") ||
	    (req_error(r, name) ? field_invalid(b, r, name)
	                        : hint && (html(b, " aria-describedby=\"") || html_attr(b, hid) || html(b, "\""))) ||
	    html(b, "></div>\n"))
		return -1;
	return 0;
}

/* A text-like input (date, time, text) in a .form-group, its typed value kept. */
static int
input(struct buf *b, struct req *r, bool again, const char *type, const char *name, const char *label,
      const char *hint)
{
	const char *typed = again ? req_arg(r, name) : NULL;
	char hid[48];

	snprintf(hid, sizeof(hid), "%s-hint", name);
	return html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, name) || html(b, "\">") ||
	       html_txt(b, label) || html(b, "</label>\n") ||
	       (hint && (html(b, "<p class=\"hint\" id=\"") || html_attr(b, hid) || html(b, "\">") ||
	                 html_txt(b, hint) || html(b, "</p>\n"))) ||
	       field_error(b, r, name) ||
	       html(b, "<input type=\"") || html_attr(b, type) || html(b, "\" id=\"") || html_attr(b, name) ||
	       html(b, "\" name=\"") || html_attr(b, name) || html(b, "\" value=\"") ||
	       html_attr(b, typed ? typed : "") || html(b, "\"") ||
	       (req_error(r, name) ? field_invalid(b, r, name)
	                           : hint && (html(b, " aria-describedby=\"") || html_attr(b, hid) || html(b, "\""))) ||
	       (strcmp(name, "note") == 0 && html(b, " maxlength=\"199\"")) ||
	       html(b, "></div>\n");
}

/* "Consultation, 20 minutes, one may start every 30 minutes" */
static int
offered_list(struct buf *b, const struct book_ctx *c)
{
	int i;

	if (html(b, "<ul>\n"))
		return -1;
	for (i = 0; i < SESSION_KIND__MAX; i++) {
		const struct store_session_type *t = book_type(c, session_kind_names[i]);
		char s[160];

		if (!t)
			continue;
		snprintf(s, sizeof(s), "%s, %d minutes (one may start every %d minutes%s", kind_names[i],
		         t->minutes, t->step, t->capacity > 1 ? "; " : ")");
		if (t->capacity > 1)
			snprintf(s + strlen(s), sizeof(s) - strlen(s), "%d seats)", t->capacity);
		if (html(b, "<li>") || html_txt(b, s) || html(b, "</li>\n"))
			return -1;
	}
	return html(b, "</ul>\n");
}

static int
settings_form(struct req *r, struct resp *p, const struct book_ctx *c, bool again)
{
	struct buf *b = &p->body;
	int i;

	if (html(b, "<h2 id=\"offer\">Sessions you offer</h2>\n") || offered_list(b, c) ||
	    html(b, "<form method=\"post\" action=\"/schedule\" novalidate>") || form_csrf(b, r, p) ||
	    html(b, "<fieldset><legend>Notice</legend>\n") ||
	    number(b, r, again, "booking_notice_hours", "Booking notice (hours)",
	           "How far ahead a client must book: no time sooner than this is offered. 0 to 720 hours "
	           "(30 days).", c->sc.booking_notice_hours, 0, BOOKING_NOTICE_MAX) ||
	    number(b, r, again, "notice_hours", "Notice for cancelling or moving (hours)",
	           "A client who cancels or moves later than this is marked late. 0 to 168 hours.",
	           c->sc.notice_hours, 0, 168) ||
	    html(b, "</fieldset>\n"))
		return -1;
	for (i = 0; i < SESSION_KIND__MAX; i++) {
		const char *k = session_kind_names[i];
		const struct store_session_type *t = book_type(c, k);
		char f[32], label[96];
		bool offered;

		snprintf(f, sizeof(f), "offer_%s", k);
		offered = again ? req_arg(r, f) != NULL : t != NULL;
		if (html(b, "<fieldset><legend>") || html_txt(b, kind_names[i]) || html(b, "</legend>\n") ||
		    field_error(b, r, f) ||
		    html(b, "<div class=\"form-group\"><label class=\"inline\"><input type=\"checkbox\" id=\"") ||
		    html_attr(b, f) || html(b, "\" name=\"") || html_attr(b, f) ||
		    html_pick(b, offered, "\" value=\"1\" checked", "\" value=\"1\"") || field_invalid(b, r, f) ||
		    html(b, "> I offer ") || html_txt(b, i == 0 ? "consultations" : i == 1 ? "individual sessions" :
		                                        i == 2 ? "couples sessions" : "group sessions") ||
		    html(b, "</label></div>\n"))
			return -1;
		snprintf(f, sizeof(f), "minutes_%s", k);
		snprintf(label, sizeof(label), "Length of a%s %s (minutes)", i == 1 ? "n" : "",
		         i == 0 ? "consultation" : i == 1 ? "individual session" : i == 2 ? "couples session" :
		                                                                              "group session");
		if (number(b, r, again, f, label, "5 to 480 minutes", t ? t->minutes : dflt_minutes[i], 5, 480))
			return -1;
		snprintf(f, sizeof(f), "step_%s", k);
		if (number(b, r, again, f, "A new one may start every (minutes)",
		           "5 to 1440, in steps of 5: 60 starts one on the hour", t ? t->step : dflt_step[i], 5, 1440))
			return -1;
		if (i == SK_GROUP) {
			snprintf(f, sizeof(f), "capacity_%s", k);
			if (number(b, r, again, f, "Seats in a group session", "1 to 100", t ? t->capacity : 8, 1,
			           100))
				return -1;
		}
		if (html(b, "</fieldset>\n"))
			return -1;
	}
	return html(b, "<div class=\"actions\"><button type=\"submit\">Save these settings</button></div>"
	               "</form>\n");
}

static int
closure_form(struct req *r, struct resp *p, bool again)
{
	struct buf *b = &p->body;

	return html(b, "<form method=\"post\" action=\"/schedule/closures\" novalidate>") || form_csrf(b, r, p) ||
	       html(b, "<fieldset><legend>Close some dates</legend>\n") ||
	       input(b, r, again, "date", "first_day", "First closed day", NULL) ||
	       input(b, r, again, "date", "last_day", "Last closed day (optional)",
	             "Leave it empty to close one day") ||
	       input(b, r, again, "time", "start", "Closed from (time, optional)",
	             "Leave both times empty to close whole days") ||
	       input(b, r, again, "time", "end", "Closed until (time, optional)", NULL) ||
	       input(b, r, again, "text", "note", "Note (only you see it)", NULL) ||
	       html(b, "</fieldset>\n<div class=\"actions\"><button type=\"submit\">Close these dates</button>"
	               "</div></form>\n");
}

/* The whole page; `failed` names the form shown again with its errors. */
static int
schedule_page(struct req *r, struct resp *p, enum failed failed)
{
	struct buf *b = &p->body;
	struct book_ctx *c = arena_alloc(r->a, sizeof(*c));
	struct closure_rows cx = {r, p, 0, 0};
	struct day_rows dx = {r, p, NULL, -1, 0, 0};
	int n_series = 0;
	struct refusal why;
	int64_t now = ctx_now(&r->cx);
	int rc;

	if (!c)
		return -1;
	rc = book_ctx_load(&r->cx, &r->who, r->who.therapist_id, c, &why);
	if (rc < 0)
		return -1;
	if (rc > 0 && why.status != 409)
		return refusal_response(r, p, &why);
	dx.vz = viewer_zone(&r->cx, &r->who, c->zone[0] ? c->zone : NULL);
	if (failed != FAILED_NONE)
		p->status = 400;
	if (page_begin(r, p, "My schedule") || error_summary(b, r) || html(b, "<h1>My schedule</h1>\n") ||
	    notice(b, failed ? NULL : req_arg(r, "saved") ? "Your settings are saved." :
	              req_arg(r, "closed") ? "Those dates are closed." :
	              req_arg(r, "reopened") ? "Those dates are open again." :
	              req_arg(r, "cancelled") ? "Cancelled; your client and your waitlist have a note in "
	                                        "the outbox." : NULL) ||
	    (rc > 0 && note(b, "Clients cannot book yet: give your weekly hours and time zone on your "
	                       "listing.", true)) ||
	    html(b, "<p class=\"lede\">Your weekly open hours are those of <a href=\"/listing/edit\">your "
	            "listing</a>: the same hours the search matches clinicians' free time against. Here you "
	            "set the sessions you offer, how much notice you need, and the dates you are away.</p>\n"
	            "<h2>The weeks ahead</h2>\n"))
		return -1;
	/* The sessions given; those taken are on /therapy. */
	if (appointments_mine(&r->cx, &r->who, SIDE_THERAPIST, now - 3600, now + 28 * DAY, calendar_row, &dx,
	                      &why) || dx.err)
		return -1;
	if ((dx.last_day >= 0 && html(b, "</ul>\n")) ||
	    (!dx.n && html(b, "<p class=\"muted\">No sessions booked in the next four weeks.</p>\n")) ||
	    html(b, "<h2>Series</h2>\n<ul>\n"))
		return -1;
	if (series_list(r, p, SIDE_THERAPIST, &n_series))
		return -1;
	if (html(b, "</ul>\n") || (!n_series && html(b, "<p class=\"muted\">No series.</p>\n")) ||
	    settings_form(r, p, c, failed == FAILED_SETTINGS) ||
	    html(b, "<h2 id=\"closed\">Closed dates</h2>\n<ul>\n"))
		return -1;
	if (closures_mine(&r->cx, &r->who, closure_row, &cx, &why) || cx.err)
		return -1;
	if (html(b, "</ul>\n") || (!cx.n && html(b, "<p class=\"muted\">No dates closed.</p>\n")) ||
	    closure_form(r, p, failed == FAILED_CLOSURE) || page_end(p))
		return -1;
	return 0;
}

int
page_schedule(struct req *r, struct resp *p)
{
	if (!r->who.therapist_id[0])
		return redirect(r, p, "/listing");
	return schedule_page(r, p, FAILED_NONE);
}

/* ----------------------------------------------------------------------
 * Saving
 * ---------------------------------------------------------------------- */

/* The sentences of the settings, naming each thing as the form does. */
static const char *
kind_words(int i)
{
	return i == 0 ? "a consultation" : i == 1 ? "an individual session" : i == 2 ? "a couples session" :
	                                                                              "a group session";
}

int
page_schedule_save(struct req *r, struct resp *p)
{
	struct store_schedule sc;
	struct refusal why;
	int i, rc;

	if (!r->who.therapist_id[0])
		return redirect(r, p, "/listing");
	memset(&sc, 0, sizeof(sc));
	sc.notice_hours = (int)req_int(r, "notice_hours", 24);
	sc.booking_notice_hours = (int)req_int(r, "booking_notice_hours", BOOKING_NOTICE_DEFAULT);
	for (i = 0; i < SESSION_KIND__MAX; i++) {
		const char *k = session_kind_names[i];
		struct store_session_type *t;
		char f[32];

		snprintf(f, sizeof(f), "offer_%s", k);
		if (!req_has(r, f))
			continue;
		t = &sc.types[sc.n_types++];
		snprintf(t->kind, sizeof(t->kind), "%s", k);
		snprintf(f, sizeof(f), "minutes_%s", k);
		t->minutes = (int)req_int(r, f, dflt_minutes[i]);
		if (req_has(r, f) && (t->minutes < 5 || t->minutes > 480))
			req_fail(r, f, "Length of %s: give a number of minutes from 5 to 480", kind_words(i));
		snprintf(f, sizeof(f), "step_%s", k);
		t->step = (int)req_int(r, f, dflt_step[i]);
		if (req_has(r, f) && (t->step < 5 || t->step > 1440 || t->step % 5))
			req_fail(r, f, "How often %s may start: give a number of minutes from 5 to 1440 in "
			         "steps of 5, like 30 or 60", kind_words(i));
		snprintf(f, sizeof(f), "capacity_%s", k);
		t->capacity = i == SK_GROUP ? (int)req_int(r, f, 8) : 1;
		if (i == SK_GROUP && req_has(r, f) && (t->capacity < 1 || t->capacity > 100))
			req_fail(r, f, "Seats in a group session: give a number from 1 to 100");
	}
	if (!sc.n_types)
		req_fail(r, "offer_consultation", "Offer at least one kind of session: tick \u201cI offer\u201d "
		                                  "for one of them");
	if (req_failed(r))
		return schedule_page(r, p, FAILED_SETTINGS);
	rc = schedule_save(&r->cx, &r->who, &sc, &why);
	if (rc > 0 && why.status == 400) {
		req_fail(r, "", "%s", why.message);
		return schedule_page(r, p, FAILED_SETTINGS);
	}
	if (rc)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	return redirect(r, p, "/schedule?saved=1");
}

int
page_closure_add(struct req *r, struct resp *p)
{
	struct store_closed c;
	struct refusal why;
	const char *v;
	int64_t today;
	int rc;

	if (!r->who.therapist_id[0])
		return redirect(r, p, "/listing");
	/* Today in the therapist's zone, as the service reads dates. */
	today = ctx_now(&r->cx) / DAY;
	memset(&c, 0, sizeof(c));
	c.first_day = req_int(r, "first_day", 0);
	c.last_day = req_int(r, "last_day", c.first_day);
	c.start_min = (int)req_int(r, "start", 0);
	c.end_min = (int)req_int(r, "end", 1440);
	if (req_has(r, "first_day") && (c.first_day < today - 1 || c.first_day > today + 800))
		req_fail(r, "first_day", "First closed day: give a date from today to two years ahead");
	if (req_has(r, "first_day") && req_has(r, "last_day") && !req_error(r, "first_day")) {
		if (c.last_day < c.first_day)
			req_fail(r, "last_day", "Last closed day: give a date on or after the first closed day");
		else if (c.last_day - c.first_day > 366)
			req_fail(r, "last_day", "Last closed day: close at most a year at once");
	}
	if (!req_error(r, "start") && !req_error(r, "end") && c.end_min <= c.start_min)
		req_fail(r, req_has(r, "end") ? "end" : "start",
		         "Closed until: give a time after the time closing starts");
	if (req_failed(r))
		return schedule_page(r, p, FAILED_CLOSURE);
	snprintf(c.note, sizeof(c.note), "%s", (v = req_arg(r, "note")) ? v : "");
	if ((rc = closure_add(&r->cx, &r->who, &c, &why)) != 0) {
		if (rc > 0 && why.status == 400) {
			req_fail(r, why.field, "%s", why.message);
			return schedule_page(r, p, FAILED_CLOSURE);
		}
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	}
	return redirect(r, p, "/schedule?closed=1");
}

int
page_closure_delete(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = closure_delete(&r->cx, &r->who, r->param, &why);

	if (rc)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	return redirect(r, p, "/schedule?reopened=1");
}
