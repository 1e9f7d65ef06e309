/*
 * page_myschedule.c: the therapist's side of booking (the rules, and
 * every read, are app/booking.c's: the API reads the same).
 *
 *   /schedule                 settings, closures, the weeks ahead
 *
 * Every time is shown in the therapist's own zone. Forms post to small
 * handlers that redirect back with a note.
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

struct closure_rows {
	struct req *r;
	struct resp *p;
	int n, err;
};

static int
day_text(char out[16], int64_t day)
{
	int y;
	unsigned m, d;

	tz_civil_from_days(day, &y, &m, &d);
	return snprintf(out, 16, "%04d-%02u-%02u", y, m, d);
}

static int
closure_row(void *arg, const struct store_closed *c)
{
	struct closure_rows *x = arg;
	struct buf *b = &x->p->body;
	char d1[16], d2[16], s[96];

	day_text(d1, c->first_day);
	day_text(d2, c->last_day);
	snprintf(s, sizeof(s), "%s%s%s, %02d:%02d-%02d:%02d", d1, c->last_day != c->first_day ? " to " : "",
	         c->last_day != c->first_day ? d2 : "", c->start_min / 60, c->start_min % 60,
	         c->end_min / 60, c->end_min % 60);
	x->n++;
	if (html(b, "<li>") || html_txt(b, s) || (c->note[0] && (html(b, ": ") || html_txt(b, c->note))) ||
	    html(b, " <form method=\"post\" class=\"inline\" action=\"/schedule/closures/") ||
	    html_int(b, (long)c->id) || html(b, "/delete\">") || form_csrf(b, x->r, x->p) ||
	    html(b, "<button type=\"submit\">Reopen</button></form></li>\n"))
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
	int64_t d = (a->start + tz_offset_at(x->vz, a->start)) / DAY;
	char w[48], id[24];

	if (appt_status_parse(a->status) != APPT_BOOKED)
		return 0;
	when_text(w, x->vz, a->start);
	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	if (d != x->last_day) {
		char dt[48];

		snprintf(dt, sizeof(dt), "%s", w);
		dt[strlen(dt) - 7] = '\0';
		if ((x->last_day >= 0 && html(b, "</ul>\n")) || html(b, "<h3>") || html_txt(b, dt) ||
		    html(b, "</h3>\n<ul>\n"))
			return x->err = 1;
		x->last_day = d;
	}
	x->n++;
	if (html(b, "<li>") || html_txt(b, w + strlen(w) - 5) || html(b, " ") ||
	    html_txt(b, kind_label(a->kind)) || html(b, " with ") || html_txt(b, v->with) ||
	    (a->series_id && html(b, " (series)")) ||
	    html(b, " <form method=\"post\" class=\"inline\" action=\"/appointments/") || html_attr(b, id) ||
	    html(b, "/cancel\">") || form_csrf(b, x->r, x->p) ||
	    html(b, "<input type=\"hidden\" name=\"from_schedule\" value=\"1\">"
	            "<button type=\"submit\" aria-label=\"Cancel ") || html_attr(b, w) ||
	    html(b, "\">Cancel</button></form></li>\n"))
		return x->err = 1;
	return 0;
}

static int
number(struct buf *b, const char *name, const char *label, int value, int min, int max)
{
	return html(b, "<label for=\"") || html_attr(b, name) || html(b, "\">") || html_txt(b, label) ||
	       html(b, "</label><input type=\"number\" id=\"") || html_attr(b, name) || html(b, "\" name=\"") ||
	       html_attr(b, name) || html(b, "\" min=\"") || html_int(b, min) || html(b, "\" max=\"") ||
	       html_int(b, max) || html(b, "\" value=\"") || html_int(b, value) || html(b, "\">");
}

int
page_schedule(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct book_ctx *c = arena_alloc(r->a, sizeof(*c));
	struct closure_rows cx = {r, p, 0, 0};
	struct day_rows dx = {r, p, NULL, -1, 0, 0};
	int n_series = 0;
	struct refusal why;
	int64_t now = ctx_now(&r->cx);
	int rc, i;

	if (!c)
		return -1;
	if (!r->who.therapist_id[0]) {
		return redirect(r, p, "/listing");
	}
	rc = book_ctx_load(&r->cx, &r->who, r->who.therapist_id, c, &why);
	if (rc < 0)
		return -1;
	if (rc > 0 && why.status != 409)
		return refusal_response(r, p, &why);
	dx.vz = viewer_zone(&r->cx, &r->who, c->zone[0] ? c->zone : NULL);
	if (page_begin(r, p, "My schedule") || html(b, "<h1>My schedule</h1>\n") ||
	    note(b, req_arg(r, "saved") ? "Saved." : req_arg(r, "closed") ? "Closed." :
	            req_arg(r, "reopened") ? "Reopened." : req_arg(r, "cancelled") ? "Cancelled; your client "
	            "and your waitlist have a note in the outbox." : NULL, false) ||
	    (rc > 0 && note(b, "Clients cannot book yet: give your weekly hours and time zone on your "
	                       "listing.", true)) ||
	    html(b, "<p>Your weekly open hours are those of <a href=\"/listing/edit\">your listing</a>: "
	            "the same hours the search matches clinicians' free time against.</p>\n"
	            "<h2>The weeks ahead</h2>\n"))
		return -1;
	/* The sessions given; those taken are on /therapy. */
	if (appointments_mine(&r->cx, &r->who, SIDE_THERAPIST, now - 3600, now + 28 * DAY, calendar_row, &dx,
	                      &why) || dx.err)
		return -1;
	if ((dx.last_day >= 0 && html(b, "</ul>\n")) ||
	    (!dx.n && html(b, "<p>No sessions booked in the next four weeks.</p>\n")) ||
	    html(b, "<h2>Series</h2>\n<ul>\n"))
		return -1;
	if (series_list(r, p, SIDE_THERAPIST, &n_series))
		return -1;
	if (html(b, "</ul>\n") || (!n_series && html(b, "<p class=\"hint\">None.</p>\n")) ||
	    html(b, "<h2>Sessions you offer</h2>\n<form method=\"post\" action=\"/schedule\">") ||
	    form_csrf(b, r, p) ||
	    number(b, "notice_hours", "Notice for cancelling or moving (hours)", c->sc.notice_hours, 0, 168))
		return -1;
	for (i = 0; i < SESSION_KIND__MAX; i++) {
		const struct store_session_type *t = book_type(c, session_kind_names[i]);
		static const int dmin[SESSION_KIND__MAX] = {15, 50, 80, 90}, dstep[SESSION_KIND__MAX] = {30, 60, 60, 60};
		char f[32];

		if (html(b, "<fieldset><legend>") || html_txt(b, session_kind_label((enum session_kind)i)) ||
		    html(b, "</legend><label class=\"inline\"><input type=\"checkbox\" name=\"offer_") ||
		    html_attr(b, session_kind_names[i]) || html_pick(b, t,
		                                   "\" value=\"1\" checked> Offered</label>",
		                                   "\" value=\"1\"> Offered</label>"))
			return -1;
		snprintf(f, sizeof(f), "minutes_%s", session_kind_names[i]);
		if (number(b, f, "Minutes", t ? t->minutes : dmin[i], 5, 480))
			return -1;
		snprintf(f, sizeof(f), "step_%s", session_kind_names[i]);
		if (number(b, f, "A new one may start every (minutes)", t ? t->step : dstep[i], 5, 1440))
			return -1;
		if (i == 3) {
			snprintf(f, sizeof(f), "capacity_%s", session_kind_names[i]);
			if (number(b, f, "Seats", t ? t->capacity : 8, 1, 100))
				return -1;
		}
		if (html(b, "</fieldset>\n"))
			return -1;
	}
	if (html(b, "<p><button type=\"submit\">Save</button></p></form>\n<h2>Closed dates</h2>\n<ul>\n"))
		return -1;
	if (closures_mine(&r->cx, &r->who, closure_row, &cx, &why) || cx.err)
		return -1;
	if (html(b, "</ul>\n") || (!cx.n && html(b, "<p class=\"hint\">None.</p>\n")) ||
	    html(b, "<form method=\"post\" action=\"/schedule/closures\">") || form_csrf(b, r, p) ||
	    html(b, "<label for=\"cf\">From (date)</label><input id=\"cf\" name=\"first_day\" type=\"date\" required>"
	            "<label for=\"cl\">To (date, optional)</label><input id=\"cl\" name=\"last_day\" type=\"date\">"
	            "<label for=\"cs\">Closed from (time, optional)</label><input id=\"cs\" name=\"start\" type=\"time\">"
	            "<label for=\"ce\">Until (time, optional)</label><input id=\"ce\" name=\"end\" type=\"time\">"
	            "<label for=\"cn\">Note (only you see it)</label><input id=\"cn\" name=\"note\" type=\"text\" maxlength=\"199\">"
	            "<p><button type=\"submit\">Close these dates</button></p></form>\n") ||
	    page_end(p))
		return -1;
	return 0;
}

int
page_schedule_save(struct req *r, struct resp *p)
{
	struct store_schedule sc;
	struct refusal why;
	int i;

	memset(&sc, 0, sizeof(sc));
	sc.notice_hours = (int)req_int(r, "notice_hours", 0);
	for (i = 0; i < SESSION_KIND__MAX; i++) {
		const char *k = session_kind_names[i];
		char f[32];

		snprintf(f, sizeof(f), "offer_%s", k);
		if (!req_has(r, f))
			continue;
		snprintf(sc.types[sc.n_types].kind, sizeof(sc.types[0].kind), "%s", k);
		snprintf(f, sizeof(f), "minutes_%s", k);
		sc.types[sc.n_types].minutes = (int)req_int(r, f, 0);
		snprintf(f, sizeof(f), "step_%s", k);
		sc.types[sc.n_types].step = (int)req_int(r, f, 0);
		snprintf(f, sizeof(f), "capacity_%s", k);
		sc.types[sc.n_types].capacity = (int)req_int(r, f, 1);
		sc.n_types++;
	}
	{
		int rc = schedule_save(&r->cx, &r->who, &sc, &why);

		if (rc)
			return rc > 0 ? refusal_response(r, p, &why) : -1;
	}
	return redirect(r, p, "/schedule?saved=1");
}

int
page_closure_add(struct req *r, struct resp *p)
{
	struct store_closed c;
	struct refusal why;
	const char *v;
	int rc;

	memset(&c, 0, sizeof(c));
	c.end_min = 1440;
	c.first_day = req_int(r, "first_day", 0);
	c.last_day = req_int(r, "last_day", c.first_day);
	c.start_min = (int)req_int(r, "start", c.start_min);
	c.end_min = (int)req_int(r, "end", c.end_min);
	snprintf(c.note, sizeof(c.note), "%s", (v = req_arg(r, "note")) ? v : "");
	if ((rc = closure_add(&r->cx, &r->who, &c, &why)) != 0)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
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
