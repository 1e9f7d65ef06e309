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

/* "individual sessions", "consultations": a kind in the plural, lower case. */
static void
kind_plural(char out[48], const char *kind)
{
	const char *l = kind_label(kind);

	snprintf(out, 48, "%c%ss", l[0] >= 'A' && l[0] <= 'Z' ? l[0] - 'A' + 'a' : l[0], l + 1);
}

/* "Consultation, 20 minutes, free" / "Group session, 90 minutes, 8 seats":
 * a session type named from the therapist's settings. */
static void
type_words(char out[96], const struct store_session_type *t)
{
	int k = session_kind_parse(t->kind);

	if (k == SK_CONSULTATION)
		snprintf(out, 96, "%s, %d minutes, free", kind_label(t->kind), t->minutes);
	else if (t->capacity > 1)
		snprintf(out, 96, "%s, %d minutes, %d seats", kind_label(t->kind), t->minutes, t->capacity);
	else
		snprintf(out, 96, "%s, %d minutes", kind_label(t->kind), t->minutes);
}

/* "New York time" for America/New_York; "UTC" as it is. */
static void
zone_words(char out[80], const char *zone)
{
	const char *last = strrchr(zone, '/');
	size_t i, n;

	if (!last) {
		snprintf(out, 80, "%s", zone);
		return;
	}
	snprintf(out, 80, "%s time", last + 1);
	for (i = 0, n = strlen(out); i < n; i++)
		if (out[i] == '_')
			out[i] = ' ';
}

/* when_text's parts: "Tue 9 Mar" (day, 24 bytes) and "18:00" (time, 8). */
static void
when_parts(const struct tz_zone *z, int64_t t, char day[24], char hm[8])
{
	char w[48];
	char *comma, *sp;

	when_text(w, z, t);
	comma = strrchr(w, ',');
	snprintf(hm, 8, "%s", comma ? comma + 2 : "");
	if (comma)
		*comma = '\0';
	if ((sp = strrchr(w, ' ')))
		*sp = '\0';                     /* the year */
	snprintf(day, 24, "%s", w);
}

/* "Tue 9 Mar, 18:00": a time near enough to need no year. */
static void
when_short(char out[40], const struct tz_zone *z, int64_t t)
{
	char day[24], hm[8];

	when_parts(z, t, day, hm);
	snprintf(out, 40, "%s, %s", day, hm);
}

static int when_attr(struct buf *b, const struct tz_zone *z, int64_t t);

int
note(struct buf *b, const char *msg, bool bad)
{
	return !msg ? 0 : html_pick(b, bad,
	                            "<div class=\"banner warn\" role=\"alert\"><p>",
	                            "<div class=\"notice\" role=\"status\"><p>") ||
	                  html_txt(b, msg) || html(b, "</p></div>\n");
}

/* "Tue 9 Mar 2027, 18:00 (London time; 13:00 for the therapist, New York
 * time)": in the viewer's zone, and the therapist's wall time when the
 * zones differ. */
static int
when(struct buf *b, const struct tz_zone *viewer, const char *appt_zone, int64_t t)
{
	char s[48], o[48], zw[80];
	const struct tz_zone *az = tz_get(appt_zone);

	when_text(s, viewer, t);
	zone_words(zw, tz_name(viewer));
	if (html_txt(b, s) || html(b, " <span class=\"hint\">(") || html_txt(b, zw))
		return -1;
	if (az && az != viewer && tz_offset_at(az, t) != tz_offset_at(viewer, t)) {
		when_text(o, az, t);
		zone_words(zw, appt_zone);
		if (html(b, "; ") || html_txt(b, o + strlen(o) - 5) || html(b, " for the therapist, ") ||
		    html_txt(b, zw))
			return -1;
	}
	return html(b, ")</span>");
}

/* The fee of kind with c, in words: "Free", "175 USD a session; sliding
 * scale from 90". */
static void
fee_words(char out[200], const struct book_ctx *c, const char *kind)
{
	const struct fee *f = &c->fee;
	int k = session_kind_parse(kind);
	int32_t amount = k == SK_GROUP && f->group != NO_FEE ? f->group : f->session;
	size_t n;

	if (k == SK_CONSULTATION) {
		snprintf(out, 200, "Free");
		return;
	}
	if (amount == NO_FEE || amount < 0) {
		snprintf(out, 200, "Ask the therapist");
		return;
	}
	n = (size_t)snprintf(out, 200, "%d %.3s a session", (int)amount, f->currency);
	if (f->sliding_min != NO_FEE && n < 200)
		n += (size_t)snprintf(out + n, 200 - n, "; sliding scale from %d", (int)f->sliding_min);
	if (f->discount_pct != NO_FEE && n < 200)
		snprintf(out + n, 200 - n, "; %d%% off for clinicians", (int)f->discount_pct);
}

/* The terms of cancelling a session at start, in the viewer's zone. */
static int
terms(struct buf *b, const struct book_ctx *c, const struct tz_zone *vz, int64_t start, int64_t now)
{
	char w[48];

	if (c->sc.notice_hours <= 0)
		return html(b, "Cancel or move free at any time.");
	if (start - (int64_t)c->sc.notice_hours * 3600 <= now)
		return html(b, "It is less than ") || html_int(b, c->sc.notice_hours) ||
		       html(b, " hours away, so cancelling or moving it counts as late: whether a late "
		               "change is charged is the therapist's own policy.");
	when_text(w, vz, start - (int64_t)c->sc.notice_hours * 3600);
	return html(b, "Cancel or move free until ") || html_int(b, c->sc.notice_hours) ||
	       html(b, " hours before (until ") || html_txt(b, w) ||
	       html(b, "). Later, it counts as late: whether a late change is charged is the "
	               "therapist's own policy.");
}

/* How a session is held, in words. */
static const char *
how_words(const struct book_ctx *c, const char *modality)
{
	int m = modality && *modality ? modality_parse(modality) : -1;

	if (m == MOD_TELEHEALTH || (m < 0 && (c->modalities & 3) == 1 << MOD_TELEHEALTH))
		return "By telehealth";
	if (m == MOD_IN_PERSON || (m < 0 && (c->modalities & 3) == 1 << MOD_IN_PERSON))
		return "In person";
	return "In person or by telehealth: agree it with the therapist";
}

/* ----------------------------------------------------------------------
 * Booking and moving: the week of open times, then a check before acting
 * ---------------------------------------------------------------------- */

#define WEEK_DAYS 7

/* What one booking or moving page shows. */
struct bview {
	struct req *r;
	struct resp *p;
	struct book_ctx *c;
	const char *kind;               /* offered by c */
	const char *modality;           /* "" for either */
	int64_t week;
	const struct store_appt *moving;        /* the session moved, or NULL when booking */
	const struct tz_zone *vz;
};

/* The address of this page with week, start (< 0: none) and, when
 * booking, kind and modality; written as an attribute's value. */
static int
self_href(struct buf *b, const struct bview *v, const char *kind, const char *modality, int64_t week,
          int64_t start)
{
	if (v->moving) {
		if (html(b, "/appointments/") || html_int(b, (long)v->moving->id) ||
		    html(b, "/move?week=") || html_int(b, (long)week))
			return -1;
	} else if (html(b, "/therapists/") || form_encode(b, v->c->tid) || html(b, "/book?kind=") ||
	           form_encode(b, kind) ||
	           (modality[0] && (html(b, "&amp;modality=") || form_encode(b, modality))) ||
	           html(b, "&amp;week=") || html_int(b, (long)week)) {
		return -1;
	}
	return start >= 0 && (html(b, "&amp;start=") || html_int(b, (long)start));
}

/* The page's title: "Book with Carol Schmidt", or "Move your individual
 * session of Tue 9 Mar, 18:00". */
static void
bview_title(char out[200], const struct bview *v, const char *prefix)
{
	char w[40];

	if (v->moving) {
		when_short(w, v->vz, v->moving->start);
		snprintf(out, 200, "%sMove your %s of %s", prefix, kind_label(v->moving->kind), w);
		/* "Individual session" reads "individual session" mid-sentence. */
		{
			char *k = out + strlen(prefix) + strlen("Move your ");

			if (*k >= 'A' && *k <= 'Z')
				*k = (char)(*k - 'A' + 'a');
		}
	} else {
		snprintf(out, 200, "%sBook with %s", prefix, v->c->name);
	}
}

/* The choice of kind (booking only) and of the way of meeting (when the
 * listing has both), each kept in the other's links and across weeks. */
static int
choices(struct buf *b, const struct bview *v)
{
	static const char *const mv[3] = {"", "in_person", "telehealth"};
	static const char *const ml[3] = {"Either way", "In person", "By telehealth"};
	const struct book_ctx *c = v->c;
	char words[96];
	int i;

	if (html(b, "<section class=\"form-group\" id=\"kind\" aria-labelledby=\"kind-title\">"
	            "<h2 id=\"kind-title\">Kind of session</h2>\n") ||
	    field_error(b, v->r, "kind") || html(b, "<ul class=\"choice\">"))
		return -1;
	for (i = 0; i < c->sc.n_types; i++) {
		const struct store_session_type *t = &c->sc.types[i];
		bool chosen = strcmp(t->kind, v->kind) == 0;

		if (!book_offered(c, t->kind))
			continue;
		type_words(words, t);
		if (html(b, "<li><a href=\"") || self_href(b, v, t->kind, v->modality, v->week, -1) ||
		    html_pick(b, chosen, "\" class=\"chosen\" aria-current=\"true\">", "\">") ||
		    html_txt(b, words) || html(b, "</a></li>"))
			return -1;
	}
	if (html(b, "</ul></section>\n"))
		return -1;
	if ((c->modalities & 3) != 3)
		return 0;
	if (html(b, "<section class=\"form-group\" id=\"modality\" aria-labelledby=\"modality-title\">"
	            "<h2 id=\"modality-title\">How you meet</h2>\n") ||
	    field_error(b, v->r, "modality") || html(b, "<ul class=\"choice\">"))
		return -1;
	for (i = 0; i < 3; i++)
		if (html(b, "<li><a href=\"") || self_href(b, v, v->kind, mv[i], v->week, -1) ||
		    html_pick(b, strcmp(mv[i], v->modality) == 0, "\" class=\"chosen\" aria-current=\"true\">",
		              "\">") ||
		    html_txt(b, ml[i]) || html(b, "</a></li>"))
			return -1;
	return html(b, "</ul></section>\n");
}

/* The first local day of the page's week, in the viewer's zone. */
static int64_t
week_day0(const struct bview *v)
{
	int64_t now = ctx_now(&v->r->cx);

	return (now + tz_offset_at(v->vz, now)) / DAY + v->week * WEEK_DAYS;
}

/* The week's open times: a column per day (.slot-grid), each time a link
 * to the check before booking (or moving). */
static int
slot_grid(struct buf *b, const struct bview *v)
{
	struct sched_slot *s = arena_alloc(v->r->a, SLOTS_MAX * sizeof(*s));
	const struct store_session_type *t = book_type(v->c, v->kind);
	const struct tz_zone *tz = v->c->tz;
	struct refusal why;
	int64_t day0 = week_day0(v), d;
	char day[24], hm[8], w[48], first[24], last[24];
	int n, i = 0;

	if (!s || !t)
		return -1;
	n = open_slots(&v->r->cx, &v->r->who, v->c, v->kind, v->modality, tz_local_to_utc(v->vz, day0 * DAY),
	               tz_local_to_utc(v->vz, (day0 + WEEK_DAYS) * DAY), s, SLOTS_MAX, &why);
	if (n < 0)
		n = 0;          /* refused (a kind or way no longer offered): no times */
	when_parts(v->vz, tz_local_to_utc(v->vz, day0 * DAY + 43200), first, hm);
	when_parts(v->vz, tz_local_to_utc(v->vz, (day0 + WEEK_DAYS - 1) * DAY + 43200), last, hm);
	if (html(b, "<section id=\"start\" aria-labelledby=\"times-title\"><h2 id=\"times-title\">Open times, ") ||
	    html_txt(b, first) || html(b, " to ") || html_txt(b, last) || html(b, "</h2>\n") ||
	    field_error(b, v->r, "start") || field_error(b, v->r, "week") ||
	    (!n && html(b, "<p>No open times this week. Try a later week, or join the waitlist.</p>\n")) ||
	    html(b, "<div class=\"slot-grid\">\n"))
		return -1;
	for (d = day0; d < day0 + WEEK_DAYS; d++) {
		bool any = false;

		when_parts(v->vz, tz_local_to_utc(v->vz, d * DAY + 43200), day, hm);
		if (html(b, "<div class=\"slot-day\"><h3>") || html_txt(b, day) || html(b, "</h3><ul>"))
			return -1;
		for (; i < n && (s[i].start + tz_offset_at(v->vz, s[i].start)) / DAY == d; i++) {
			any = true;
			when_parts(v->vz, s[i].start, day, hm);
			when_text(w, v->vz, s[i].start);
			if (html(b, "<li><a class=\"button secondary\" href=\"") ||
			    self_href(b, v, v->kind, v->modality, v->week, s[i].start) ||
			    html(b, "\" aria-label=\"") || html_attr(b, hm) || html(b, " on ") ||
			    html_attr(b, w) || html(b, "\">") || html_txt(b, hm) || html(b, "</a>"))
				return -1;
			if (tz && tz != v->vz && tz_offset_at(tz, s[i].start) != tz_offset_at(v->vz, s[i].start)) {
				when_parts(tz, s[i].start, day, hm);
				if (html(b, " <span class=\"hint\">") || html_txt(b, hm) || html(b, " their time</span>"))
					return -1;
			}
			if (t->capacity > 1 &&
			    (html(b, " <span class=\"hint\">") || html_int(b, t->capacity - s[i].seats_taken) ||
			     html(b, " seats left</span>")))
				return -1;
			if (html(b, "</li>"))
				return -1;
		}
		if ((!any && html(b, "<li class=\"none\">No open times</li>")) || html(b, "</ul></div>\n"))
			return -1;
	}
	for (; i < n; i++)
		;               /* a slot past the week's last local day: none by construction */
	if (html(b, "</div></section>\n<nav class=\"pager\" id=\"week\" aria-label=\"Weeks\">") ||
	    (v->week > 0 && (html(b, "<a href=\"") ||
	                     self_href(b, v, v->kind, v->modality, v->week - 1, -1) ||
	                     html(b, "\" rel=\"prev\">Earlier week</a> "))) ||
	    (v->week < HORIZON_WEEKS - 1 && (html(b, "<a href=\"") ||
	                                     self_href(b, v, v->kind, v->modality, v->week + 1, -1) ||
	                                     html(b, "\" rel=\"next\">Later week</a>"))) ||
	    html(b, "</nav>\n"))
		return -1;
	return 0;
}

/* The week's page: choices, times, the waitlist. */
static int
grid_page(struct bview *v)
{
	struct req *r = v->r;
	struct resp *p = v->p;
	struct buf *b = &p->body;
	const struct book_ctx *c = v->c;
	char title[200], zw[80], tw[80], kinds[48];

	bview_title(title, v, "");
	if (req_failed(r) && p->status < 400)
		p->status = 400;
	zone_words(zw, tz_name(v->vz));
	zone_words(tw, c->zone);
	if (page_begin(r, p, title) || error_summary(b, r) || html(b, "<h1>") ||
	    html_txt(b, title + (req_failed(r) ? 7 : 0)) || html(b, "</h1>\n"))
		return -1;
	if (v->moving ? html(b, "<p class=\"lede\">With ") || html_txt(b, c->name) ||
	                html(b, ". Choose the new time; nothing changes until you confirm it.</p>\n")
	              : html(b, "<p class=\"lede\">Choose a kind of session and a time with <a href=\"/therapists/") ||
	                form_encode(b, c->tid) || html(b, "\">") || html_txt(b, c->name) ||
	                html(b, "</a>. Nothing is booked until you confirm it on the next page.</p>\n"))
		return -1;
	if (!c->accepting && !v->moving &&
	    html(b, "<p class=\"banner warn\">This therapist is not taking new clients now; clients "
	            "already seeing them can book, and anyone can join the waitlist below.</p>\n"))
		return -1;
	if (!v->moving && choices(b, v))
		return -1;
	if (html(b, "<p class=\"hint\">Times are in ") || html_txt(b, zw) ||
	    html(b, " (<a href=\"/therapy#timezone\">change your time zone</a>)") ||
	    (strcmp(zw, tw) != 0 && (html(b, "; the therapist's own time, ") || html_txt(b, tw) ||
	                             html(b, ", is shown beside each"))) ||
	    html(b, ".</p>\n") || slot_grid(b, v))
		return -1;
	kind_plural(kinds, v->kind);
	if (!v->moving &&
	    (html(b, "<h2>Nothing fits?</h2>\n<form method=\"post\" action=\"/waitlist/") ||
	     form_encode(b, c->tid) || html(b, "\">") || form_csrf(b, r, p) ||
	     html(b, "<input type=\"hidden\" name=\"kind\" value=\"") || html_attr(b, v->kind) ||
	     html(b, "\"><p>Join the waitlist: you will hear when a time opens for ") || html_txt(b, kinds) ||
	     html(b, ".</p><button type=\"submit\" class=\"button secondary\">Join the waitlist for ") ||
	     html_txt(b, kinds) || html(b, "</button></form>\n")))
		return -1;
	return page_end(p);
}

/* The check before acting: what, when, how long, the fee, the terms. */
static int
confirm_page(struct bview *v, int64_t start)
{
	struct req *r = v->r;
	struct resp *p = v->p;
	struct buf *b = &p->body;
	const struct book_ctx *c = v->c;
	const struct store_session_type *t = book_type(c, v->kind);
	const struct tz_zone *tz = c->tz;
	int64_t now = ctx_now(&r->cx);
	char w[48], zw[80], fee[200];

	if (!t)
		return -1;
	if (page_begin(r, p, v->moving ? "Check the move" : "Check your booking") ||
	    html_pick(b, v->moving != NULL, "<h1>Check the move</h1>\n<p class=\"lede\">Nothing changes until you "
	                                    "press Move the session.</p>\n",
	              "<h1>Check your booking</h1>\n<p class=\"lede\">Nothing is booked until you press "
	              "Book this session.</p>\n") ||
	    html(b, "<dl class=\"facts\">\n<dt>With</dt><dd>") || html_txt(b, c->name) ||
	    html(b, "</dd>\n<dt>Session</dt><dd>") || html_txt(b, kind_label(v->kind)) || html(b, "</dd>\n"))
		return -1;
	if (v->moving && (html(b, "<dt>From</dt><dd>") || when(b, v->vz, c->zone, v->moving->start) ||
	                  html(b, "</dd>\n<dt>To</dt><dd>") || when(b, v->vz, c->zone, start) ||
	                  html(b, "</dd>\n")))
		return -1;
	if (!v->moving) {
		when_text(w, v->vz, start);
		zone_words(zw, tz_name(v->vz));
		if (html(b, "<dt>Date and time</dt><dd>") || html_txt(b, w) || html(b, " (") || html_txt(b, zw) ||
		    html(b, ")"))
			return -1;
		if (tz && tz != v->vz && tz_offset_at(tz, start) != tz_offset_at(v->vz, start)) {
			when_text(w, tz, start);
			zone_words(zw, c->zone);
			if (html(b, "<br>") || html_txt(b, w) || html(b, " (") || html_txt(b, zw) ||
			    html(b, ") for the therapist"))
				return -1;
		}
		if (html(b, "</dd>\n"))
			return -1;
	}
	fee_words(fee, c, v->kind);
	if (html(b, "<dt>Length</dt><dd>") || html_int(b, t->minutes) || html(b, " minutes</dd>\n") ||
	    html(b, "<dt>How you meet</dt><dd>") ||
	    html_txt(b, how_words(c, v->moving ? v->moving->modality : v->modality)) ||
	    html(b, "</dd>\n<dt>Fee</dt><dd>") || html_txt(b, fee) ||
	    html(b, "</dd>\n<dt>Cancelling</dt><dd>") || terms(b, c, v->vz, start, now) || html(b, "</dd>\n</dl>\n"))
		return -1;
	if (v->moving && v->moving->start - now < (int64_t)c->sc.notice_hours * 3600 &&
	    (html(b, "<p class=\"banner warn\">The session is less than ") || html_int(b, c->sc.notice_hours) ||
	     html(b, " hours away: this move counts as late under the therapist's notice period.</p>\n")))
		return -1;
	if (v->moving ? html(b, "<form method=\"post\" action=\"/appointments/") ||
	                html_int(b, (long)v->moving->id) || html(b, "/move\">")
	              : html(b, "<form method=\"post\" action=\"/therapists/") || form_encode(b, c->tid) ||
	                html(b, "/book\">"))
		return -1;
	if (form_csrf(b, r, p) ||
	    html(b, "<input type=\"hidden\" name=\"kind\" value=\"") || html_attr(b, v->kind) ||
	    html(b, "\"><input type=\"hidden\" name=\"modality\" value=\"") || html_attr(b, v->modality) ||
	    html(b, "\"><input type=\"hidden\" name=\"week\" value=\"") || html_int(b, (long)v->week) ||
	    html(b, "\"><input type=\"hidden\" name=\"start\" value=\"") || html_int(b, (long)start) ||
	    html_pick(b, v->moving != NULL,
	              "\"><div class=\"actions\"><button type=\"submit\">Move the session</button> ",
	              "\"><div class=\"actions\"><button type=\"submit\">Book this session</button> ") ||
	    html(b, "<a class=\"button secondary\" href=\"") ||
	    self_href(b, v, v->kind, v->modality, v->week, -1) ||
	    html(b, "\">Choose another time</a></div></form>\n"))
		return -1;
	return page_end(p);
}

/*
 * The booking or moving page: the person's choices read and checked
 * (every fault named at once, their choices kept), then the week, or the
 * check of the chosen start when it is one of the open times. msg_field
 * and msg: a refusal of the action just tried, shown with the others.
 */
static int
slots_page(struct req *r, struct resp *p, const char *tid, const struct store_appt *moving)
{
	struct book_ctx *c = arena_alloc(r->a, sizeof(*c));
	const char *kind = req_text(r, "kind"), *modality = req_text(r, "modality");
	struct bview v = {r, p, c, NULL, "", req_int(r, "week", 0), moving, NULL};
	struct refusal why;
	int rc, i, mbit;

	if (!c)
		return -1;
	if ((rc = book_ctx_load(&r->cx, &r->who, tid, c, &why)) != 0)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	v.vz = viewer_zone(&r->cx, &r->who, c->zone);
	if (moving) {
		v.kind = moving->kind;
		v.modality = moving->modality;
		if (!book_type(c, v.kind)) {
			refuse(&why, 409, "kind", "the therapist no longer offers this kind of session");
			return refusal_response(r, p, &why);
		}
	} else {
		if (kind && book_offered(c, kind))
			v.kind = kind;
		else if (kind && !req_error(r, "kind")) {
			char kinds[48];

			kind_plural(kinds, kind);
			req_fail(r, "kind", "this therapist does not offer %s; choose one of the kinds shown", kinds);
		}
		if (!v.kind)
			v.kind = book_offered(c, "consultation") ? "consultation" : NULL;
		for (i = 0; !v.kind && i < c->sc.n_types; i++)
			if (book_offered(c, c->sc.types[i].kind))
				v.kind = c->sc.types[i].kind;
		if (!v.kind) {
			refuse(&why, 409, "kind", "this therapist offers no session to book here; "
			                          "send a consultation request instead");
			return refusal_response(r, p, &why);
		}
		mbit = modality && *modality ? 1 << modality_parse(modality) : 0;
		if (mbit && (c->modalities & mbit))
			v.modality = modality;
		else if (mbit)
			req_fail(r, "modality", "this therapist does not meet %s; choose one of the ways shown",
			         modality_words((enum modality)modality_parse(modality)));
	}
	if (req_has(r, "start") && !req_failed(r)) {
		struct sched_slot s;
		int64_t start = req_int(r, "start", 0);
		int n = open_slots(&r->cx, &r->who, c, v.kind, v.modality, start, start + 1, &s, 1, &why);

		if (n == 1 && s.start == start) {
			if (strcmp(r->method, "POST") != 0)
				return confirm_page(&v, start);
		} else if (n >= 0 || n == -2) {
			req_fail(r, "start", "that time is not open; choose one of the times shown");
		} else {
			return -1;
		}
	} else if (!req_has(r, "start") && strcmp(r->method, "POST") == 0 && !req_error(r, "start")) {
		req_fail(r, "start", "choose one of the times shown");
	}
	return grid_page(&v);
}

int
page_book(struct req *r, struct resp *p)
{
	struct store_appt a;
	struct refusal why;
	int rc;
	char where[80];

	if (strcmp(r->method, "POST") != 0 || req_failed(r))
		return slots_page(r, p, r->param, NULL);
	rc = book(&r->cx, &r->who, r->param, req_text(r, "kind"), req_text(r, "modality"), req_int(r, "start", 0), &a,
	          &why);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (why.status == 404)
			return refusal_response(r, p, &why);
		p->status = why.status;
		req_fail(r, strcmp(why.field, "kind") == 0 || strcmp(why.field, "modality") == 0 ? why.field : "start",
		         "%s", why.message);
		return slots_page(r, p, r->param, NULL);
	}
	snprintf(where, sizeof(where), "/appointments/%lld?booked=1", (long long)a.id);
	return redirect(r, p, where);
}

int
page_move(struct req *r, struct resp *p)
{
	struct store_appt a, before;
	struct refusal why;
	const char *side;
	int rc;
	char where[96];

	if ((rc = appt_mine(&r->cx, &r->who, r->param, &a, &side, &why)) != 0)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	if (appt_status_parse(a.status) != APPT_BOOKED || a.start <= ctx_now(&r->cx)) {
		refuse(&why, 409, "", "only a booked session still ahead can be moved");
		return refusal_response(r, p, &why);
	}
	if (strcmp(r->method, "POST") != 0 || req_failed(r))
		return slots_page(r, p, a.therapist_id, &a);
	before = a;
	rc = move_appt(&r->cx, &r->who, r->param, req_int(r, "start", 0), &a, &why);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (why.status == 404 || !a.therapist_id[0])
			return refusal_response(r, p, &why);
		p->status = why.status;
		req_fail(r, "start", "%s", why.message);
		return slots_page(r, p, before.therapist_id, &before);
	}
	snprintf(where, sizeof(where), "/appointments/%lld?moved_from=%lld", (long long)a.id,
	         (long long)before.start);
	return redirect(r, p, where);
}

/* ----------------------------------------------------------------------
 * One session: after booking or moving, and before cancelling
 * ---------------------------------------------------------------------- */

/* The session's facts (dl.facts) as its seeker sees them. */
static int
appt_facts(struct buf *b, const struct store_appt *a, const struct book_ctx *c,
           const struct tz_zone *vz, const char *with, int64_t now)
{
	char fee[200];

	fee_words(fee, c, a->kind);
	return html(b, "<dl class=\"facts\">\n<dt>With</dt><dd>") || html_txt(b, with) ||
	       html(b, "</dd>\n<dt>Session</dt><dd>") || html_txt(b, kind_label(a->kind)) ||
	       html(b, "</dd>\n<dt>Date and time</dt><dd>") || when(b, vz, a->zone, a->start) ||
	       html(b, "</dd>\n<dt>Length</dt><dd>") || html_int(b, (long)((a->end - a->start) / 60)) ||
	       html(b, " minutes</dd>\n<dt>How you meet</dt><dd>") || html_txt(b, how_words(c, a->modality)) ||
	       html(b, "</dd>\n<dt>Fee</dt><dd>") || html_txt(b, fee) ||
	       html(b, "</dd>\n<dt>Cancelling</dt><dd>") || terms(b, c, vz, a->start, now) ||
	       html(b, "</dd>\n</dl>\n");
}

/* The session id (text) of r->param, its therapist's week (c->name is
 * "your therapist" when the listing is gone) and the viewer's zone. */
static int
appt_load(struct req *r, struct resp *p, struct store_appt *a, const char **side, struct book_ctx *c,
          const struct tz_zone **vz)
{
	struct refusal why;
	int rc;

	if ((rc = appt_mine(&r->cx, &r->who, r->param, a, side, &why)) != 0)
		return rc > 0 ? refusal_response(r, p, &why) || 1 : -1;
	if ((rc = book_ctx_load(&r->cx, &r->who, a->therapist_id, c, &why)) < 0)
		return -1;
	if (!c->name[0])
		snprintf(c->name, sizeof(c->name), "your therapist");
	if (!c->tz)
		c->sc.notice_hours = c->sc.notice_hours ? c->sc.notice_hours : 24;
	*vz = viewer_zone(&r->cx, &r->who, a->zone);
	return 0;
}

int
page_appt(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct book_ctx *c = arena_alloc(r->a, sizeof(*c));
	struct store_appt a;
	const struct tz_zone *vz;
	const char *side;
	bool booked, ahead, seeker;
	int rc;

	if (!c)
		return -1;
	if ((rc = appt_load(r, p, &a, &side, c, &vz)) != 0)
		return rc < 0 ? -1 : 0;
	booked = appt_status_parse(a.status) == APPT_BOOKED;
	ahead = a.start > ctx_now(&r->cx);
	seeker = strcmp(side, "seeker") == 0;
	if (page_begin(r, p, req_has(r, "booked") && booked ? "Your session is booked" :
	                     req_has(r, "moved_from") && booked ? "Your session is moved" : "Your session") ||
	    html_pick(b, req_has(r, "booked") && booked, "<h1>Your session is booked</h1>\n",
	              "") ||
	    html_pick(b, req_has(r, "moved_from") && booked && !req_has(r, "booked"),
	              "<h1>Your session is moved</h1>\n", "") ||
	    ((!booked || (!req_has(r, "booked") && !req_has(r, "moved_from"))) &&
	     html(b, "<h1>Your session</h1>\n")))
		return -1;
	if (req_has(r, "booked") && booked &&
	    (html(b, "<div class=\"notice\" role=\"status\"><p>Booked with ") || html_txt(b, c->name) ||
	     html(b, ". You both have a note of it; it is held for you like a clinical hour.</p></div>\n")))
		return -1;
	if (req_has(r, "moved_from") && booked && !req_has(r, "booked")) {
		char from[48], to[48];

		when_text(from, vz, req_int(r, "moved_from", 0));
		when_text(to, vz, a.start);
		if (html(b, "<div class=\"notice\" role=\"status\"><p>Moved from ") || html_txt(b, from) ||
		    html(b, " to ") || html_txt(b, to) || html(b, ". You both have a note of it.</p></div>\n"))
			return -1;
	}
	if (!booked && (html(b, "<p class=\"banner warn\">This session is cancelled") ||
	                html_pick(b, a.late, ", late.", ".") || html(b, "</p>\n")))
		return -1;
	if (appt_facts(b, &a, c, vz, seeker ? c->name : "your client", ctx_now(&r->cx)))
		return -1;
	if (html(b, "<div class=\"actions\"><a class=\"button\" href=\"/appointments/") ||
	    html_int(b, (long)a.id) ||
	    html(b, "/ics\">Add to your calendar (.ics)</a> ") ||
	    html_pick(b, seeker, "<a class=\"button secondary\" href=\"/therapy\">Go to My therapy</a>",
	              "<a class=\"button secondary\" href=\"/schedule\">Go to My schedule</a>") ||
	    html(b, "</div>\n"))
		return -1;
	if (booked && ahead && seeker &&
	    (html(b, "<p>Need a change? <a href=\"/appointments/") || html_int(b, (long)a.id) ||
	     html(b, "/move\">Move this session</a> or <a href=\"/appointments/") || html_int(b, (long)a.id) ||
	     html(b, "/cancel\">cancel it</a>. A series is set up on <a href=\"/therapy\">My therapy</a>.</p>\n")))
		return -1;
	return page_end(p);
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
	const struct tz_zone *vz = x->vz ? x->vz : tz_get(a->zone);
	int64_t now = ctx_now(&x->r->cx);
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
	    html(b, ", with <a href=\"/therapists/") || form_encode(b, a->therapist_id) ||
	    html(b, "\">") || html_txt(b, v->with) || html(b, "</a>") ||
	    (a->series_id && html(b, "; part of a series")) ||
	    (!booked && (html(b, "<br><span class=\"badge warn\">Cancelled by ") ||
	                 html_pick(b, strcmp(a->cancelled_by, "seeker") == 0, "you", "the therapist") ||
	                 html_pick(b, a->late, ", late", "") || html(b, "</span>"))) ||
	    html(b, "</p>"))
		return x->err = 1;
	if (booked && ahead &&
	    (html(b, "<div class=\"actions\"><a class=\"button secondary\" href=\"/appointments/") ||
	     html_attr(b, id) || html(b, "\" aria-label=\"Details of the session of ") || when_attr(b, vz, a->start) ||
	     html(b, "\">Details</a> <a class=\"button secondary\" href=\"/appointments/") || html_attr(b, id) ||
	     html(b, "/move\" aria-label=\"Move the session of ") || when_attr(b, vz, a->start) ||
	     html(b, "\">Move</a> <a class=\"button secondary\" href=\"/appointments/") || html_attr(b, id) ||
	     html(b, "/cancel\" aria-label=\"Cancel the session of ") || when_attr(b, vz, a->start) ||
	     html(b, "\">Cancel</a> <a href=\"/appointments/") || html_attr(b, id) ||
	     html(b, "/ics\">Add to your calendar (.ics)</a></div>")))
		return x->err = 1;
	if (booked && ahead && !a->series_id &&
	    (html(b, "<details class=\"disclosure\"><summary>Make it a series</summary>"
	             "<form method=\"post\" class=\"series\" action=\"/appointments/") || html_attr(b, id) ||
	     html(b, "/series\">") || form_csrf(b, x->r, x->p) ||
	     html(b, "<div class=\"form-group\"><label for=\"iv") || html_attr(b, id) ||
	     html(b, "\">Repeat</label><select id=\"iv") ||
	     html_attr(b, id) || html(b, "\" name=\"interval_weeks\"><option value=\"1\">every week</option>"
	                            "<option value=\"2\">every two weeks</option></select></div> "
	                            "<div class=\"form-group\"><label for=\"ct") || html_attr(b, id) ||
	     html(b, "\">Number of sessions, this one included (2 to 26)</label><input id=\"ct") || html_attr(b, id) ||
	     html(b, "\" name=\"count\" type=\"number\" min=\"2\" max=\"26\" value=\"12\"></div> "
	             "<button type=\"submit\">Make it a series</button></form></details>")))
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

/* The listing's name, through the listing service ("your therapist" when
 * it is gone). */
static const char *
listing_name(struct req *r, const char *tid)
{
	struct therapist t;

	return therapist_load(&r->cx, tid, &t) == 0 ? t.name : "your therapist";
}

struct series_rows {
	struct req *r;
	struct resp *p;
	int side;
	int n, err;
};

static int
series_row(void *arg, const struct store_series *sr)
{
	struct series_rows *x = arg;
	struct buf *b = &x->p->body;
	static const char *const dn[7] = {"Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays",
	                                  "Saturdays", "Sundays"};
	char s[200], kinds[48], zw[80];
	bool active = strcmp(sr->status, "active") == 0;

	x->n++;
	kind_plural(kinds, sr->kind);
	kinds[0] = (char)(kinds[0] >= 'a' && kinds[0] <= 'z' ? kinds[0] - 'a' + 'A' : kinds[0]);
	zone_words(zw, sr->zone);
	/* "Individual sessions every week on Mondays at 11:30 (New York time), 6 sessions" */
	snprintf(s, sizeof(s), "%s %s on %s at %02d:%02d (%s), %d sessions", kinds,
	         sr->interval_weeks == 1 ? "every week" : "every two weeks", dn[tz_weekday(sr->first_day)],
	         sr->minute / 60, sr->minute % 60, zw, sr->count);
	if (html(b, "<li class=\"card\"><p>") || html_txt(b, s) ||
	    (x->side == SIDE_SEEKER &&
	     (html(b, ", with <a href=\"/therapists/") || form_encode(b, sr->therapist_id) || html(b, "\">") ||
	      html_txt(b, listing_name(x->r, sr->therapist_id)) || html(b, "</a>"))) ||
	    html_pick(b, active, "</p>", " <span class=\"badge\">Ended</span></p>"))
		return x->err = 1;
	if (active && (html(b, "<form method=\"post\" class=\"inline\" action=\"/series/") ||
	               html_int(b, (long)sr->id) || html(b, "/end\">") || form_csrf(b, x->r, x->p) ||
	               (x->side == SIDE_THERAPIST &&
	                html(b, "<input type=\"hidden\" name=\"from_schedule\" value=\"1\">")) ||
	               html(b, "<button type=\"submit\" class=\"button secondary\">End the series</button></form>")))
		return x->err = 1;
	if (html(b, "</li>\n"))
		return x->err = 1;
	return 0;
}

int
series_list(struct req *r, struct resp *p, int side, int *n)
{
	struct series_rows sx = {r, p, side, 0, 0};
	struct refusal why;

	if (series_mine(&r->cx, &r->who, (unsigned)side, series_row, &sx, &why) || sx.err)
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
	char kinds[48];

	x->n++;
	kind_plural(kinds, w->kind);
	if (html(b, "<li class=\"card\"><p><a href=\"/therapists/") || form_encode(b, w->therapist_id) ||
	    html(b, "\">") || html_txt(b, listing_name(x->r, w->therapist_id)) || html(b, "</a>, ") ||
	    html_txt(b, kinds) ||
	    html(b, "</p><form method=\"post\" class=\"inline\" action=\"/waitlist/") ||
	    form_encode(b, w->therapist_id) || html(b, "/leave\">") || form_csrf(b, x->r, x->p) ||
	    html(b, "<input type=\"hidden\" name=\"kind\" value=\"") || html_attr(b, w->kind) ||
	    html(b, "\"><button type=\"submit\" class=\"button secondary\">Leave this waitlist</button>"
	            "</form></li>\n"))
		return x->err = 1;
	return 0;
}

/* The zones offered with the time zone field (any other IANA name works too). */
static const char *const common_zones[] = {
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
	"America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Toronto",
	"America/Vancouver", "America/Halifax", "America/Mexico_City", "America/Sao_Paulo",
	"Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Africa/Johannesburg",
	"Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "UTC",
};

/* The note after an action on /therapy (the address says which). */
static const char *
therapy_note(struct req *r)
{
	const char *w = req_arg(r, "waiting"), *k = req_arg(r, "kind");
	char kinds[48], *s;

	if (w && record_id_ok(w) && k && session_kind_parse(k) >= 0 && (s = arena_alloc(r->a, 300))) {
		kind_plural(kinds, k);
		snprintf(s, 300, "You are on %s's waitlist for %s: you will hear when a time opens.",
		         listing_name(r, w), kinds);
		return s;
	}
	return req_arg(r, "booked") ? "Booked. You both have a note of it." :
	       req_arg(r, "moved") ? "Moved. You both have a note of it." :
	       req_arg(r, "cancelled") ? "The session is cancelled. You both have a note of it." :
	       req_arg(r, "series") ? "The series is set: every session is at the same local time." :
	       req_arg(r, "ended") ? "The series has ended; its sessions ahead are cancelled." :
	       req_arg(r, "waiting") ? "You are on the waitlist." :
	       req_arg(r, "left") ? "You left the waitlist." :
	       req_arg(r, "zone") ? "Your time zone is saved." : NULL;
}

/* My therapy; typed: the time zone as the person typed it when it was
 * refused (NULL: their saved one). */
static int
therapy_page(struct req *r, struct resp *p, const char *typed)
{
	struct buf *b = &p->body;
	struct appt_cards x = {r, p, viewer_zone(&r->cx, &r->who, NULL), 0, 0};
	int n_series = 0;
	struct wait_rows wx = {r, p, 0, 0};
	struct refusal why;
	char zone[64];
	size_t i;
	int rc;

	if ((rc = zone_mine(&r->cx, &r->who, zone, &why)) != 0)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	if (page_begin(r, p, "My therapy") || error_summary(b, r) ||
	    html(b, "<h1>My therapy</h1>\n") || note(b, req_failed(r) ? NULL : therapy_note(r), false) ||
	    html(b, "<h2>Next sessions</h2>\n<ul class=\"cards\">\n"))
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
	    html(b, "<h2>Series</h2>\n<ul class=\"cards\">\n"))
		return -1;
	if (series_list(r, p, SIDE_SEEKER, &n_series))
		return -1;
	if (html(b, "</ul>\n") || (!n_series && html(b, "<p class=\"hint\">None. Any booked session can "
	                                            "start a weekly or fortnightly series.</p>\n")) ||
	    html(b, "<h2>Waitlists</h2>\n<ul class=\"cards\">\n"))
		return -1;
	if (waits_mine(&r->cx, &r->who, wait_row, &wx, &why) || wx.err)
		return -1;
	if (html(b, "</ul>\n") ||
	    (!wx.n && html(b, "<p class=\"hint\">None. A therapist's booking page offers their "
	                      "waitlist when no time fits.</p>\n")) ||
	    html(b, "<h2 id=\"zone\">Time zone and calendar</h2>\n<form method=\"post\" action=\"/therapy/timezone\">") ||
	    form_csrf(b, r, p) ||
	    html(b, "<div class=\"form-group\"><label for=\"timezone\">Show my times in</label>"
	            "<p class=\"hint\" id=\"timezone-hint\">A city's time zone, like America/New_York "
	            "or Europe/London: choose one from the list or type its name. Leave it empty to see "
	            "each session in its therapist's time zone.</p>") ||
	    field_error(b, r, "timezone") ||
	    html(b, "<input id=\"timezone\" name=\"timezone\" type=\"text\" list=\"zones\" "
	            "autocomplete=\"off\" aria-describedby=\"timezone-hint\"") ||
	    field_invalid(b, r, "timezone") || html(b, " value=\"") || html_attr(b, typed ? typed : zone) ||
	    html(b, "\"><datalist id=\"zones\">"))
		return -1;
	for (i = 0; i < sizeof(common_zones) / sizeof(common_zones[0]); i++)
		if (html(b, "<option value=\"") || html_attr(b, common_zones[i]) || html(b, "\">"))
			return -1;
	if (html(b, "</datalist></div> <button type=\"submit\">Save my time zone</button></form>\n"
	            "<p><a href=\"/feed\">A private calendar feed of my sessions</a> for my own calendar "
	            "app.</p>\n") ||
	    page_end(p))
		return -1;
	return 0;
}

int
page_therapy(struct req *r, struct resp *p)
{
	return therapy_page(r, p, NULL);
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

/* GET: the check before cancelling (what, when, whether it is late);
 * POST: cancels. */
int
page_appt_cancel(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct book_ctx *c;
	struct store_appt a;
	const struct tz_zone *vz;
	const char *side;
	struct refusal why;
	char w[48];
	int rc;
	bool late;

	if (strcmp(r->method, "POST") == 0)
		return back(r, p, cancel_appt(&r->cx, &r->who, r->param, &a, &why), &why, "cancelled");
	if (!(c = arena_alloc(r->a, sizeof(*c))))
		return -1;
	if ((rc = appt_load(r, p, &a, &side, c, &vz)) != 0)
		return rc < 0 ? -1 : 0;
	if (appt_status_parse(a.status) != APPT_BOOKED || a.end <= ctx_now(&r->cx)) {
		refuse(&why, 409, "", appt_status_parse(a.status) != APPT_BOOKED ? "this session is already cancelled"
		                                                                 : "this session has passed");
		return refusal_response(r, p, &why);
	}
	late = strcmp(side, "seeker") == 0 && a.start - ctx_now(&r->cx) < (int64_t)c->sc.notice_hours * 3600;
	when_text(w, vz, a.start);
	if (page_begin(r, p, "Cancel this session?") || html(b, "<h1>Cancel this session?</h1>\n") ||
	    html(b, "<p class=\"lede\">Cancel the session of ") || html_txt(b, w) ||
	    html(b, " with ") || html_txt(b, strcmp(side, "seeker") == 0 ? c->name : "your client") ||
	    html(b, "?</p>\n") ||
	    (late ? html(b, "<p class=\"banner warn\">It is less than ") || html_int(b, c->sc.notice_hours) ||
	            html(b, " hours before the session: cancelling now counts as late. Whether a late "
	                    "cancellation is charged is the therapist's own policy.</p>\n")
	          : html(b, "<p>Cancelling less than ") || html_int(b, c->sc.notice_hours) ||
	            html(b, " hours before counts as late; now it is in time. Both of you get a note.</p>\n")) ||
	    appt_facts(b, &a, c, vz, strcmp(side, "seeker") == 0 ? c->name : "your client", ctx_now(&r->cx)) ||
	    html(b, "<form method=\"post\" action=\"/appointments/") || html_int(b, (long)a.id) ||
	    html(b, "/cancel\">") || form_csrf(b, r, p) ||
	    (req_has(r, "from_schedule") && html(b, "<input type=\"hidden\" name=\"from_schedule\" value=\"1\">")) ||
	    html(b, "<div class=\"actions\"><button type=\"submit\" class=\"button danger\">Cancel the session</button> ") ||
	    html_pick(b, req_has(r, "from_schedule"),
	              "<a class=\"button secondary\" href=\"/schedule\">Keep the session</a>",
	              "<a class=\"button secondary\" href=\"/therapy\">Keep the session</a>") ||
	    html(b, "</div></form>\n") || page_end(p))
		return -1;
	return 0;
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
	const char *kind = req_text(r, "kind");
	int rc = wait_join(&r->cx, &r->who, r->param, kind, &why);
	char where[160];

	if (rc != 0 || req_arg(r, "from_schedule") || !kind)
		return back(r, p, rc, &why, "waiting");
	/* "You are on Carol Schmidt's waitlist for individual sessions": the
	 * id (F_ID) and the kind (an enum) need no encoding. */
	snprintf(where, sizeof(where), "/therapy?waiting=%s&kind=%s", r->param, kind);
	return redirect(r, p, where);
}

int
page_wait_leave(struct req *r, struct resp *p)
{
	struct refusal why;

	return back(r, p, wait_leave(&r->cx, &r->who, r->param, req_text(r, "kind"), &why), &why, "left");
}

/* The time zone form: an unknown zone shows My therapy again with the
 * summary and what was typed. */
int
page_timezone(struct req *r, struct resp *p)
{
	struct refusal why;
	const char *zone = req_arg(r, "timezone") ? req_arg(r, "timezone") : "";
	int rc;

	if (!req_failed(r)) {
		if ((rc = zone_set(&r->cx, &r->who, zone, &why)) == 0)
			return redirect(r, p, "/therapy?zone=1#zone");
		if (rc < 0)
			return -1;
		req_fail(r, "timezone", "we do not know the time zone \"%.60s\": choose one from the list, "
		                        "like America/New_York", zone);
	}
	p->status = 400;
	return therapy_page(r, p, zone);
}
