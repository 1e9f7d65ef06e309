/*
 * page_schedule.c: the booking pages (the rules, and every read, are
 * app/booking.c's and app/waitlist.c's: the API reads the same).
 *
 *   /therapists/{id}/book     a therapist's open slots, in the viewer's zone; book one
 *   /therapy                  my therapy: next sessions, series, waitlists, my zone
 *   /appointments/{id}/move   the slots to move a session to
 *
 * The therapist's side, /schedule, is page_myschedule.c.
 *
 * Every time is shown in the viewer's own zone (their setting, else the
 * appointment's), with the therapist's wall time beside it when the two
 * differ. Forms post to small handlers that redirect back with a note.
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
#define PAGE_DAYS 14

/* The words for a stored kind of session; the kind itself when it names none. */
const char *
kind_label(const char *kind)
{
	int k = session_kind_parse(kind);

	return k < 0 ? kind : session_kind_label((enum session_kind)k);
}

static int when_attr(struct buf *b, const struct tz_zone *z, int64_t t);

int
note(struct buf *b, const char *msg, bool bad)
{
	return !msg ? 0 : html_pick(b, bad,
	                            "<div class=\"card conflict\" role=\"alert\"><p>",
	                            "<div class=\"card\" role=\"status\"><p>") ||
	                  html_txt(b, msg) || html(b, "</p></div>\n");
}

/* "Tue 9 Mar 2027, 18:00" in the viewer's zone, and the therapist's wall
 * time when the zones differ. */
static int
when(struct buf *b, const struct tz_zone *viewer, const char *appt_zone, int64_t t)
{
	char s[48], o[48];
	const struct tz_zone *az = tz_get(appt_zone);

	when_text(s, viewer, t);
	if (html_txt(b, s) || html(b, " <span class=\"hint\">(") || html_txt(b, tz_name(viewer)))
		return -1;
	if (az && az != viewer && tz_offset_at(az, t) != tz_offset_at(viewer, t)) {
		when_text(o, az, t);
		if (html(b, "; ") || html_txt(b, o + strlen(o) - 5) || html(b, " for the therapist, ") ||
		    html_txt(b, appt_zone))
			return -1;
	}
	return html(b, ")</span>");
}

/* ----------------------------------------------------------------------
 * Booking
 * ---------------------------------------------------------------------- */

static int
slots_page(struct req *r, struct resp *p, const char *tid, const char *kind, const char *msg,
           const char *move_id)
{
	const char *modality = req_text(r, "modality");
	struct buf *b = &p->body;
	struct book_ctx *c = arena_alloc(r->a, sizeof(*c));
	struct sched_slot *s = arena_alloc(r->a, SLOTS_MAX * sizeof(*s));
	struct refusal why;
	const struct tz_zone *vz;
	int64_t now = ctx_now(&r->cx), day0, last_day = -1, week = req_int(r, "week", 0);
	int rc, n, i;
	char title[200];

	if (!c || !s)
		return -1;
	if ((rc = book_ctx_load(&r->cx, &r->who, tid, c, &why)) != 0)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	if (!kind || !book_type(c, kind))
		kind = book_type(c, "consultation") ? "consultation" : c->sc.types[0].kind;
	vz = viewer_zone(&r->cx, &r->who, c->zone);
	day0 = (now + tz_offset_at(vz, now)) / DAY + week * PAGE_DAYS;
	n = open_slots(&r->cx, &r->who, c, kind, modality, tz_local_to_utc(vz, day0 * DAY),
	               tz_local_to_utc(vz, (day0 + PAGE_DAYS) * DAY), s, SLOTS_MAX, &why);
	if (n == -2)
		return refusal_response(r, p, &why);
	if (n < 0)
		return -1;
	snprintf(title, sizeof(title), move_id ? "Move your session with %s" : "Book with %s", c->name);
	if (page_begin(r, p, title) || html(b, "<h1>") || html_txt(b, title) || html(b, "</h1>\n") ||
	    note(b, msg, true))
		return -1;
	if (!move_id) {
		if (html(b, "<nav aria-label=\"Kinds of session\"><ul class=\"kinds\">"))
			return -1;
		for (i = 0; i < c->sc.n_types; i++) {
			const char *k = c->sc.types[i].kind;

			if (html(b, "<li><a href=\"/therapists/") || form_encode(b, tid) || html(b, "/book?kind=") ||
			    form_encode(b, k) || html_pick(b, strcmp(k, kind) == 0,
			                                   "\" aria-current=\"page\">",
			                                   "\">") ||
			    html_txt(b, kind_label(k)) || html(b, "</a></li>"))
				return -1;
		}
		if (html(b, "</ul></nav>\n"))
			return -1;
		if ((c->modalities & 3) == 3) {
			static const char *const mv[3] = {"", "telehealth", "in_person"};
			static const char *const ml[3] = {"Either way", "By telehealth", "In person"};

			if (html(b, "<nav aria-label=\"How you meet\"><ul class=\"kinds\">"))
				return -1;
			for (i = 0; i < 3; i++)
				if (html(b, "<li><a href=\"/therapists/") || form_encode(b, tid) || html(b, "/book?kind=") ||
				    form_encode(b, kind) || html(b, "&amp;modality=") || html_attr(b, mv[i]) ||
				    html_pick(b, strcmp(mv[i], modality ? modality : "") == 0,
				              "\" aria-current=\"page\">",
				              "\">") ||
				    html_txt(b, ml[i]) || html(b, "</a></li>"))
					return -1;
			if (html(b, "</ul></nav>\n"))
				return -1;
		}
	}
	if (html(b, "<p class=\"hint\">Times are shown in ") || html_txt(b, tz_name(vz)) ||
	    html(b, " (<a href=\"/therapy#zone\">change</a>). Cancelling or moving less than ") ||
	    html_int(b, c->sc.notice_hours) ||
	    html(b, " hours ahead counts as late under this therapist's notice period.</p>\n"))
		return -1;
	if (!c->accepting && !move_id &&
	    html(b, "<p class=\"conflict\">This therapist is not taking new clients now; clients "
	            "already seeing them can book, and anyone can join the waitlist below.</p>\n"))
		return -1;
	if (!n && html(b, "<p>No open times in these two weeks.</p>\n"))
		return -1;
	for (i = 0; i < n; i++) {
		int64_t lt = s[i].start + tz_offset_at(vz, s[i].start), d = lt / DAY;
		char w[48];

		if (d != last_day) {
			when_text(w, vz, s[i].start);
			w[strlen(w) - 7] = '\0';        /* the date only */
			if ((last_day >= 0 && html(b, "</ul></section>\n")) ||
			    html(b, "<section class=\"day\"><h2>") || html_txt(b, w) ||
			    html(b, "</h2><ul class=\"slots\">"))
				return -1;
			last_day = d;
		}
		when_text(w, vz, s[i].start);
		if (html(b, "<li><form method=\"post\" action=\"") ||
		    (move_id ? html(b, "/appointments/") || form_encode(b, move_id) || html(b, "/move")
		             : html(b, "/therapists/") || form_encode(b, tid) || html(b, "/book")) ||
		    html(b, "\">") || form_csrf(b, r, p) ||
		    html(b, "<input type=\"hidden\" name=\"kind\" value=\"") || html_attr(b, kind) ||
		    (modality && (html(b, "\"><input type=\"hidden\" name=\"modality\" value=\"") ||
		                  html_attr(b, modality))) ||
		    html(b, "\"><input type=\"hidden\" name=\"start\" value=\"") ||
		    html_int(b, (long)s[i].start) || html(b, "\"><button type=\"submit\" aria-label=\"") ||
		    html_attr(b, move_id ? "Move to " : "Book ") || html_attr(b, w) || html(b, "\">") ||
		    html_txt(b, w + strlen(w) - 5) || html(b, "</button>") ||
		    (book_type(c, kind)->capacity > 1 &&
		     (html(b, " <span class=\"hint\">") ||
		      html_int(b, book_type(c, kind)->capacity - s[i].seats_taken) ||
		      html(b, " seats left</span>"))) ||
		    html(b, "</form></li>"))
			return -1;
	}
	if (last_day >= 0 && html(b, "</ul></section>\n"))
		return -1;
	if (html(b, "<nav class=\"pager\" aria-label=\"Weeks\">") ||
	    (week > 0 && (html(b, "<a href=\"?kind=") || form_encode(b, kind) || html(b, "&amp;week=") ||
	                  html_int(b, week - 1) || html(b, "\">Earlier</a> "))) ||
	    (week < HORIZON_WEEKS / 2 && (html(b, "<a href=\"?kind=") || form_encode(b, kind) ||
	                                  html(b, "&amp;week=") || html_int(b, week + 1) ||
	                                  html(b, "\">Later</a>"))) ||
	    html(b, "</nav>\n"))
		return -1;
	if (!move_id &&
	    (html(b, "<h2>Nothing fits?</h2>\n<form method=\"post\" action=\"/waitlist/") ||
	     form_encode(b, tid) || html(b, "\">") || form_csrf(b, r, p) ||
	     html(b, "<input type=\"hidden\" name=\"kind\" value=\"") || html_attr(b, kind) ||
	     html(b, "\"><p>Join the waitlist: you will hear when a time opens.</p>"
	             "<button type=\"submit\">Join the waitlist</button></form>\n")))
		return -1;
	return page_end(p);
}

int
page_book(struct req *r, struct resp *p)
{
	struct store_appt a;
	struct refusal why;
	int rc;
	char where[64];

	if (strcmp(r->method, "POST") != 0)
		return slots_page(r, p, r->param, req_text(r, "kind"), NULL, NULL);
	rc = book(&r->cx, &r->who, r->param, req_text(r, "kind"), req_text(r, "modality"), req_int(r, "start", 0), &a, &why);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (why.status == 404)
			return refusal_response(r, p, &why);
		p->status = why.status;
		return slots_page(r, p, r->param, req_text(r, "kind"), why.message, NULL);
	}
	snprintf(where, sizeof(where), "/therapy?booked=%lld", (long long)a.id);
	return redirect(r, p, where);
}

int
page_move(struct req *r, struct resp *p)
{
	struct store_appt a;
	struct refusal why;
	const char *side;
	int rc;

	if (strcmp(r->method, "POST") != 0) {
		if ((rc = appt_mine(&r->cx, &r->who, r->param, &a, &side, &why)) != 0)
			return rc > 0 ? refusal_response(r, p, &why) : -1;
		return slots_page(r, p, a.therapist_id, a.kind, NULL, r->param);
	}
	rc = move_appt(&r->cx, &r->who, r->param, req_int(r, "start", 0), &a, &why);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (why.status == 404 || !a.therapist_id[0])
			return refusal_response(r, p, &why);
		p->status = why.status;
		return slots_page(r, p, a.therapist_id, a.kind, why.message, r->param);
	}
	return redirect(r, p, "/therapy?moved=1");
}

/* ----------------------------------------------------------------------
 * My therapy
 * ---------------------------------------------------------------------- */

struct appt_cards {
	struct req *r;
	struct resp *p;
	const struct tz_zone *vz;
	int n, err;
};

static int
appt_card(void *arg, const struct appt_view *v)
{
	struct appt_cards *x = arg;
	const struct store_appt *a = v->a;
	struct buf *b = &x->p->body;
	struct req *r = x->r;
	const struct tz_zone *vz = x->vz ? x->vz : tz_get(a->zone);
	int64_t now = ctx_now(&r->cx);
	bool booked = appt_status_parse(a->status) == APPT_BOOKED, ahead = a->start > now;
	char id[24];

	if (!booked && a->updated_at < now - 14 * DAY)
		return 0;               /* old cancellations fade away */
	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	x->n++;
	if (html(b, "<li class=\"card\" id=\"a") || html_attr(b, id) || html(b, "\"><p><strong>") ||
	    when(b, vz, a->zone, a->start) || html(b, "</strong><br>") ||
	    html_txt(b, kind_label(a->kind)) || html(b, ", ") || html_int(b, (long)((a->end - a->start) / 60)) ||
	    html(b, " minutes") ||
	    (a->modality[0] && html_pick(b, modality_parse(a->modality) == MOD_TELEHEALTH,
	                                 ", by telehealth",
	                                 ", in person")) ||
	    ((html(b, " with <a href=\"/therapists/") || form_encode(b, a->therapist_id) ||
	                            html(b, "\">") || html_txt(b, a->therapist_id) || html(b, "</a>"))) ||
	    (a->series_id && html(b, "; part of a series")) ||
	    (!booked && (html(b, "<br><span class=\"conflict\">Cancelled by the ") ||
	                 html_txt(b, a->cancelled_by) || html_pick(b, a->late, ", late", "") || html(b, "</span>"))) ||
	    html(b, "</p>"))
		return x->err = 1;
	if (booked && ahead &&
	    (html(b, "<div class=\"actions\"><form method=\"post\" action=\"/appointments/") ||
	     html_attr(b, id) || html(b, "/cancel\">") || form_csrf(b, r, x->p) ||
	     html(b, "<button type=\"submit\" aria-label=\"Cancel the session of ") ||
	     when_attr(b, vz, a->start) || html(b, "\">Cancel</button></form> ") ||
	     html(b, "<a class=\"button\" href=\"/appointments/") || html_attr(b, id) ||
	     html(b, "/move\">Move</a> <a href=\"/appointments/") || html_attr(b, id) ||
	     html(b, "/ics\">Add to my calendar (.ics)</a></div>")))
		return x->err = 1;
	if (booked && ahead && !a->series_id &&
	    (html(b, "<form method=\"post\" class=\"series\" action=\"/appointments/") || html_attr(b, id) ||
	     html(b, "/series\">") || form_csrf(b, r, x->p) ||
	     html(b, "<label for=\"iv") || html_attr(b, id) || html(b, "\">Repeat</label><select id=\"iv") ||
	     html_attr(b, id) || html(b, "\" name=\"interval_weeks\"><option value=\"1\">every week</option>"
	                            "<option value=\"2\">every two weeks</option></select> "
	                            "<label for=\"ct") || html_attr(b, id) ||
	     html(b, "\">sessions</label><input id=\"ct") || html_attr(b, id) ||
	     html(b, "\" name=\"count\" type=\"number\" min=\"2\" max=\"26\" value=\"12\"> "
	             "<button type=\"submit\">Make it a series</button></form>")))
		return x->err = 1;
	if (html(b, "</li>\n"))
		return x->err = 1;
	return 0;
}

static int
when_attr(struct buf *b, const struct tz_zone *z, int64_t t)
{
	char s[48];

	when_text(s, z, t);
	return html_attr(b, s);
}

struct series_rows {
	struct req *r;
	struct resp *p;
	int n, err;
};

static int
series_row(void *arg, const struct store_series *sr)
{
	struct series_rows *x = arg;
	struct buf *b = &x->p->body;
	static const char *const dn[7] = {"Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays",
	                                  "Saturdays", "Sundays"};
	char s[160];

	x->n++;
	snprintf(s, sizeof(s), "%s %s at %02d:%02d (%s), %d sessions", kind_label(sr->kind),
	         sr->interval_weeks == 1 ? "every week on" : "every two weeks on",
	         sr->minute / 60, sr->minute % 60, sr->zone, sr->count);
	if (html(b, "<li>") || html_txt(b, s) || html(b, ", ") || html_txt(b, dn[tz_weekday(sr->first_day)]) ||
	    html(b, " <form method=\"post\" class=\"inline\" action=\"/series/") ||
	    html_int(b, (long)sr->id) || html(b, "/end\">") || form_csrf(b, x->r, x->p) ||
	    html(b, "<button type=\"submit\">End the series</button></form></li>\n"))
		return x->err = 1;
	return 0;
}

int
series_list(struct req *r, struct resp *p, int side, int *n)
{
	struct series_rows sx = {r, p, 0, 0};
	struct refusal why;

	if (series_mine(&r->cx, &r->who, side, series_row, &sx, &why) || sx.err)
		return -1;
	*n = sx.n;
	return 0;
}

struct wait_rows {
	struct req *r;
	struct resp *p;
	int n, err;
};

static int
wait_row(void *arg, const struct store_wait *w)
{
	struct wait_rows *x = arg;
	struct buf *b = &x->p->body;

	x->n++;
	if (html(b, "<li><a href=\"/therapists/") || form_encode(b, w->therapist_id) || html(b, "\">") ||
	    html_txt(b, w->therapist_id) || html(b, "</a>: ") || html_txt(b, kind_label(w->kind)) ||
	    html(b, " <form method=\"post\" class=\"inline\" action=\"/waitlist/") ||
	    form_encode(b, w->therapist_id) || html(b, "/leave\">") || form_csrf(b, x->r, x->p) ||
	    html(b, "<input type=\"hidden\" name=\"kind\" value=\"") || html_attr(b, w->kind) ||
	    html(b, "\"><button type=\"submit\">Leave</button></form></li>\n"))
		return x->err = 1;
	return 0;
}

int
page_therapy(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct appt_cards x = {r, p, viewer_zone(&r->cx, &r->who, NULL), 0, 0};
	int n_series = 0;
	struct wait_rows wx = {r, p, 0, 0};
	struct refusal why;
	char zone[64];
	int rc;

	if ((rc = zone_mine(&r->cx, &r->who, zone, &why)) != 0)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	if (page_begin(r, p, "My therapy") || html(b, "<h1>My therapy</h1>\n") ||
	    note(b, req_arg(r, "booked") ? "Booked. Both of you have a note in the outbox; it is held "
	                                   "for you like a clinical hour." :
	            req_arg(r, "moved") ? "Moved." : req_arg(r, "cancelled") ? "Cancelled." :
	            req_arg(r, "series") ? "The series is set: every session is at the same local time." :
	            req_arg(r, "ended") ? "The series has ended; its sessions ahead are cancelled." :
	            req_arg(r, "waiting") ? "You are on the waitlist." :
	            req_arg(r, "left") ? "You left the waitlist." :
	            req_arg(r, "zone") ? "Your time zone is saved." : NULL, false) ||
	    html(b, "<h2>Next sessions</h2>\n<ul class=\"appts\">\n"))
		return -1;
	/* Without a zone of their own, each session shows in its own zone. */
	if (!zone[0] || !tz_get(zone))
		x.vz = NULL;
	/* The sessions taken; those given are on /schedule. */
	if (appointments_mine(&r->cx, &r->who, SIDE_SEEKER, ctx_now(&r->cx) - 3600, 0, appt_card, &x, &why) ||
	    x.err)
		return -1;
	if (html(b, "</ul>\n") ||
	    (!x.n && html(b, "<p>None yet. Find a therapist on the <a href=\"/search\">search</a>, "
	                     "open their profile and book a first consultation.</p>\n")) ||
	    html(b, "<h2>Series</h2>\n<ul>\n"))
		return -1;
	if (series_list(r, p, SIDE_SEEKER, &n_series))
		return -1;
	if (html(b, "</ul>\n") || (!n_series && html(b, "<p class=\"hint\">None. Any booked session can "
	                                            "start a weekly or fortnightly series.</p>\n")) ||
	    html(b, "<h2>Waitlists</h2>\n<ul>\n"))
		return -1;
	if (waits_mine(&r->cx, &r->who, wait_row, &wx, &why) || wx.err)
		return -1;
	if (html(b, "</ul>\n") || (!wx.n && html(b, "<p class=\"hint\">None.</p>\n")) ||
	    html(b, "<h2 id=\"zone\">Time zone and calendar</h2>\n<form method=\"post\" action=\"/therapy/timezone\">") ||
	    form_csrf(b, r, p) ||
	    html(b, "<label for=\"tz\">Show my times in</label><span class=\"hint\" id=\"tzh\">An IANA "
	            "zone like America/New_York; empty: each session in its therapist's zone.</span>"
	            "<input id=\"tz\" name=\"timezone\" type=\"text\" aria-describedby=\"tzh\" value=\"") ||
	    html_attr(b, zone) ||
	    html(b, "\"> <button type=\"submit\">Save</button></form>\n"
	            "<p><a href=\"/feed\">A private calendar feed of my sessions</a> for my own calendar "
	            "app.</p>\n") ||
	    page_end(p))
		return -1;
	return 0;
}

/* ----------------------------------------------------------------------
 * Small handlers: each does one action and goes back
 * ---------------------------------------------------------------------- */

/* Back to the page of the side that acted. */
static int
back(struct req *r, struct resp *p, int rc, const struct refusal *why, const char *what)
{
	char where[64];

	if (rc < 0)
		return -1;
	if (rc > 0)
		return refusal_response(r, p, why);
	snprintf(where, sizeof(where), "%s?%s=1", req_arg(r, "from_schedule") ? "/schedule" : "/therapy",
	         what);
	return redirect(r, p, where);
}

int
page_appt_cancel(struct req *r, struct resp *p)
{
	struct store_appt a;
	struct refusal why;

	return back(r, p, cancel_appt(&r->cx, &r->who, r->param, &a, &why), &why, "cancelled");
}

int
page_appt_series(struct req *r, struct resp *p)
{
	struct store_series sr;
	struct refusal why;
	int booked, skipped;

	return back(r, p, start_series(&r->cx, &r->who, r->param, (int)req_int(r, "interval_weeks", 1),
	                               (int)req_int(r, "count", 12), &sr,
	                               &booked, &skipped, &why), &why, "series");
}

int
page_series_end(struct req *r, struct resp *p)
{
	struct refusal why;
	long n = 0;

	return back(r, p, end_series(&r->cx, &r->who, r->param, &n, &why), &why, "ended");
}

int
page_wait_join(struct req *r, struct resp *p)
{
	struct refusal why;

	return back(r, p, wait_join(&r->cx, &r->who, r->param, req_text(r, "kind"), &why), &why, "waiting");
}

int
page_wait_leave(struct req *r, struct resp *p)
{
	struct refusal why;

	return back(r, p, wait_leave(&r->cx, &r->who, r->param, req_text(r, "kind"), &why), &why, "left");
}

int
page_timezone(struct req *r, struct resp *p)
{
	struct refusal why;

	return back(r, p, zone_set(&r->cx, &r->who, req_arg(r, "timezone") ? req_arg(r, "timezone") : "", &why), &why,
	            "zone");
}
