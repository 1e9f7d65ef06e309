/*
 * page_calendar.c: /calendar, the clinician's own calendar as a page.
 *
 *   GET  /calendar          the upload form, what is stored, the windows proposed
 *   POST /calendar          an upload (multipart/form-data: the file, the zone,
 *                           the working hours), or new working hours for the
 *                           calendar stored; answers the same page
 *   POST /calendar/use      the windows proposed become the search's free hours
 *   POST /calendar/forget   the stored busy times are deleted
 *
 * The page says exactly what is kept, and shows it: the start and end of
 * each busy time, nothing else. What the forms do is app/calendar.c's,
 * shared with the API (api_busy.c).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

static const char *const day_labels[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

/*
 * The form's working hours into c: work_<day>_start and work_<day>_end
 * for each weekday (both empty: not working). A request that has not
 * been through the form (no "hours" field: a first visit) gets Monday to
 * Friday, 09:00 to 17:00. A refusal names the day.
 */
static int
read_hours(struct req *r, struct calendar *c, struct refusal *why)
{
	char fs[32], fe[32];
	int d, rc;

	if (!req_arg(r, "hours")) {
		for (d = 0; d < 5; d++)
			if ((rc = calendar_hours(c, d, "09:00", "17:00", "", why)))
				return rc;
		return 0;
	}
	for (d = 0; d < 7; d++) {
		const char *s, *e;

		snprintf(fs, sizeof(fs), "work_%s_start", day_names[d]);
		snprintf(fe, sizeof(fe), "work_%s_end", day_names[d]);
		s = req_arg(r, fs);
		e = req_arg(r, fe);
		if ((!s || !*s) && (!e || !*e))
			continue;
		if ((rc = calendar_hours(c, d, s, e, day_labels[d], why)))
			return rc;
	}
	return 0;
}

/* The hidden fields that carry the zone and the working hours to another form. */
static int
carried(struct buf *b, const struct calendar *c)
{
	char f[32], t[6];
	int i;

	if (html(b, "<input type=\"hidden\" name=\"hours\" value=\"1\">") ||
	    (c->zone && (html(b, "<input type=\"hidden\" name=\"timezone\" value=\"") ||
	                 html_attr(b, tz_name(c->zone)) || html(b, "\">"))))
		return -1;
	for (i = 0; i < c->n_hours; i++) {
		snprintf(f, sizeof(f), "work_%s_start", day_names[c->hours[i].day]);
		calendar_hhmm(t, c->hours[i].start);
		if (html(b, "<input type=\"hidden\" name=\"") || html_attr(b, f) ||
		    html(b, "\" value=\"") || html_attr(b, t) || html(b, "\">"))
			return -1;
		snprintf(f, sizeof(f), "work_%s_end", day_names[c->hours[i].day]);
		calendar_hhmm(t, c->hours[i].end);
		if (html(b, "<input type=\"hidden\" name=\"") || html_attr(b, f) ||
		    html(b, "\" value=\"") || html_attr(b, t) || html(b, "\">"))
			return -1;
	}
	return html(b, "\n");
}

/* The local date of day (days since 1970) as "Monday, October 19, 2026". */
static int
date_txt(struct buf *b, int64_t day)
{
	static const char *const months[12] = {"January", "February", "March", "April", "May",
		"June", "July", "August", "September", "October", "November", "December"};
	char s[64];
	int y;
	unsigned m, d;

	tz_civil_from_days(day, &y, &m, &d);
	snprintf(s, sizeof(s), "%s, %s %u, %d", day_labels[tz_weekday(day)], months[m - 1], d, y);
	return html_txt(b, s);
}

/* A busy time [s, e) as wall time in z: "Tue Oct 20, 10:00 to 10:50". */
static int
busy_txt(struct buf *b, const struct tz_zone *z, int64_t s, int64_t e)
{
	static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
		"Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t ls = s + tz_offset_at(z, s), le = e + tz_offset_at(z, e);
	int64_t ds = ls / 86400, de = le / 86400;
	char out[96], t1[6], t2[6];
	int y;
	unsigned m, d;

	tz_civil_from_days(ds, &y, &m, &d);
	calendar_hhmm(t1, (int)(ls % 86400 / 60));
	calendar_hhmm(t2, (int)(le % 86400 / 60));
	if (de == ds || (de == ds + 1 && le % 86400 == 0)) {
		snprintf(out, sizeof(out), "%.3s %s %u, %s to %s", day_labels[tz_weekday(ds)],
		         mon[m - 1], d, t1, le % 86400 == 0 ? "24:00" : t2);
	} else {
		int y2;
		unsigned m2, d2;

		tz_civil_from_days(de, &y2, &m2, &d2);
		snprintf(out, sizeof(out), "%.3s %s %u, %s to %.3s %s %u, %s",
		         day_labels[tz_weekday(ds)], mon[m - 1], d, t1, day_labels[tz_weekday(de)],
		         mon[m2 - 1], d2, t2);
	}
	return html_txt(b, out);
}

static int
what_is_kept(struct buf *b)
{
	return html(b, "<section class=\"card\" aria-labelledby=\"kept-h\"><h2 id=\"kept-h\">What chiron "
	               "keeps of your calendar</h2>\n<p>Only the <strong>start and end time</strong> of "
	               "each busy period in the four weeks it reads (periods that overlap or touch are "
	               "kept as one). Event titles, attendees, descriptions, locations, notes and the "
	               "file itself are <strong>never stored</strong>, logged or shown to anyone: the "
	               "file is read in memory and dropped. A new upload replaces what was kept; "
	               "&ldquo;Forget my calendar&rdquo; deletes it. The free hours you choose to use "
	               "are saved with your search preferences, which only you can see.</p></section>\n");
}

static int
stored_part(struct buf *b, struct req *r, struct resp *p, const struct calendar *c)
{
	int64_t today;
	int i;

	if (!c->stored)
		return html(b, "<p>No calendar is stored for your account.</p>\n");
	if (html(b, "<section aria-labelledby=\"stored-h\"><h2 id=\"stored-h\">Kept now</h2>\n<p>") ||
	    html_int(b, c->n_busy) || html_pick(b, c->n_busy == 1, " busy time", " busy times"))
		return -1;
	if (c->zone && (html(b, " in the four weeks from ") || date_txt(b, c->first_day)))
		return -1;
	if (html(b, ".</p>\n"))
		return -1;
	if (c->zone) {
		today = ctx_now(&r->cx);
		today = (today + tz_offset_at(c->zone, today)) / 86400;
		if (c->first_day + 7 * CAL_WEEKS <= today &&
		    html(b, "<p class=\"conflict\">These weeks have passed: upload a fresh calendar for "
		            "free hours that still hold.</p>\n"))
			return -1;
		if (html(b, "<details><summary>See everything that is kept (your time zone, ") ||
		    html_txt(b, tz_name(c->zone)) || html(b, ")</summary><ul>\n"))
			return -1;
		for (i = 0; i < c->n_busy; i++)
			if (html(b, "<li>") || busy_txt(b, c->zone, c->busy[i].start, c->busy[i].end) ||
			    html(b, "</li>\n"))
				return -1;
		if (html(b, "</ul></details>\n"))
			return -1;
	}
	return html(b, "<form method=\"post\" action=\"/calendar/forget\">") || form_csrf(b, r, p) ||
	       html(b, "<button type=\"submit\">Forget my calendar</button> <span class=\"hint\">"
	               "Deletes the busy times kept; free hours already saved to your searches "
	               "stay until you change them.</span></form></section>\n");
}

static int
upload_form(struct buf *b, struct req *r, struct resp *p, const struct calendar *c)
{
	const char *tz = c->zone ? tz_name(c->zone) : req_arg(r, "timezone");
	int d, i;

	if (html(b, "<form method=\"post\" action=\"/calendar\" enctype=\"multipart/form-data\">\n") ||
	    form_csrf(b, r, p) || html(b, "<input type=\"hidden\" name=\"hours\" value=\"1\">\n") ||
	    html(b, "<fieldset><legend>Your calendar</legend>"
	            "<div class=\"form-group\"><label for=\"calendar\">Calendar file (.ics, at most 1 MiB)</label>"
	            "<p class=\"hint\" id=\"calendar-hint\">Export your caseload from your practice "
	            "system or calendar as iCalendar (.ics). Recurring sessions, exceptions and "
	            "moved sessions are understood; events shown as free and cancelled ones are "
	            "not busy. Leave it empty to keep the calendar already stored and change only "
	            "your hours.</p>\n") || field_error(b, r, "calendar") ||
	    html(b, "<input type=\"file\" id=\"calendar\" name=\"calendar\" "
	            "accept=\".ics,text/calendar\"") ||
	    html_pick(b, req_error(r, "calendar") != NULL,
	              " aria-invalid=\"true\" aria-describedby=\"calendar-hint calendar-error\"></div>\n",
	              " aria-describedby=\"calendar-hint\"></div>\n") ||
	    form_input(b, r, "timezone", "Your time zone", "Its name, like America/New_York or "
	               "Europe/London. Times in the file without a zone, and all-day events, are read "
	               "in it.", "text", tz ? tz : "", MARKUP("required autocomplete=\"off\"")) ||
	    html(b, "</fieldset>\n"
	            "<fieldset><legend>Your working hours</legend><p class=\"hint\">The hours of each "
	            "day you could see a therapist of your own. Leave a day empty if none.</p>\n"))
		return -1;
	for (d = 0; d < 7; d++) {
		char fs[32], fe[32], ts[6] = "", te[6] = "";
		const char *vs = ts, *ve = te;

		for (i = 0; i < c->n_hours; i++)
			if (c->hours[i].day == d) {
				calendar_hhmm(ts, c->hours[i].start);
				calendar_hhmm(te, c->hours[i].end);
				break;
			}
		snprintf(fs, sizeof(fs), "work_%s_start", day_names[d]);
		snprintf(fe, sizeof(fe), "work_%s_end", day_names[d]);
		/* After the form was sent, what was typed, refused or not. */
		if (req_arg(r, "hours")) {
			vs = req_arg(r, fs) ? req_arg(r, fs) : "";
			ve = req_arg(r, fe) ? req_arg(r, fe) : "";
		}
		if (html(b, "<div class=\"form-group\">") || field_error(b, r, fs) ||
		    html(b, "<p><span class=\"day\">") || html_txt(b, day_labels[d]) ||
		    html(b, "</span> <input type=\"time\" id=\"") || html_attr(b, fs) ||
		    html(b, "\" name=\"") || html_attr(b, fs) || html(b, "\"") ||
		    field_invalid(b, r, fs) ||
		    html(b, " aria-label=\"") || html_txt(b, day_labels[d]) ||
		    html(b, " from\" value=\"") || html_attr(b, vs) ||
		    html(b, "\"> to <input type=\"time\" id=\"") || html_attr(b, fe) ||
		    html(b, "\" name=\"") || html_attr(b, fe) ||
		    html(b, "\" aria-label=\"") || html_txt(b, day_labels[d]) ||
		    html(b, " until\" value=\"") || html_attr(b, ve) || html(b, "\"></p></div>\n"))
			return -1;
	}
	return html(b, "</fieldset>\n<p><button type=\"submit\">Read my calendar</button></p>\n</form>\n");
}

static int
proposal(struct buf *b, struct req *r, struct resp *p, const struct calendar *c)
{
	char t[6];
	int i;

	if (!c->stored || !c->zone)
		return 0;
	if (html(b, "<section aria-labelledby=\"free-h\"><h2 id=\"free-h\">Free in all four weeks</h2>\n"))
		return -1;
	if (!c->n_hours)
		return html(b, "<p>Give your working hours above to see the hours free in them.</p>"
		               "</section>\n");
	if (!c->n_windows)
		return html(b, "<p>No 50 minutes are free in all four weeks within your working hours. "
		               "Widen the hours, or upload a calendar of lighter weeks.</p></section>\n");
	if (html(b, "<p>These stretches of at least 50 minutes, within your working hours, are free "
	            "in every one of the four weeks (") || html_txt(b, tz_name(c->zone)) ||
	    html(b, " time).</p>\n<table class=\"windows\"><thead><tr><th scope=\"col\">Day</th>"
	            "<th scope=\"col\">From</th><th scope=\"col\">Until</th></tr></thead><tbody>\n"))
		return -1;
	for (i = 0; i < c->n_windows; i++) {
		const struct window *w = &c->windows[i];

		if (html(b, "<tr><th scope=\"row\">") || html_txt(b, day_labels[w->day]) ||
		    html(b, "</th><td>"))
			return -1;
		calendar_hhmm(t, w->start);
		if (html_txt(b, t) || html(b, "</td><td>"))
			return -1;
		calendar_hhmm(t, w->end);
		if (html_txt(b, t) || html(b, "</td></tr>\n"))
			return -1;
	}
	if (html(b, "</tbody></table>\n"))
		return -1;
	if (c->dropped && (html(b, "<p class=\"hint\">") || html_int(b, c->dropped) ||
	                   html(b, " shorter free stretches are left out: a search takes 14.</p>\n")))
		return -1;
	return html(b, "<form method=\"post\" action=\"/calendar/use\">") || form_csrf(b, r, p) ||
	       carried(b, c) ||
	       html(b, "<p><button type=\"submit\">Use these in my searches</button></p>"
	               "<p class=\"hint\">They replace the free hours and the time zone saved with your "
	               "search preferences; your other preferences stay.</p></form></section>\n");
}

/* Reads the zone and the working hours of the form; a refusal is kept in *why. */
static int
read_form(struct req *r, struct calendar *c, struct refusal *why, int *refused)
{
	int rc;

	memset(c, 0, sizeof(*c));
	rc = calendar_zone(&r->cx, &r->who, req_arg(r, "timezone"), c, why);
	if (rc == 0)
		rc = read_hours(r, c, why);
	if (rc < 0)
		return -1;
	*refused = rc > 0;
	return 0;
}

/* The input a refusal's field names on this page: the file, the zone, or
 * a day's first working-hours box (calendar_hours names the day); "" for
 * the form as a whole. */
static const char *
field_input(struct req *r, const char *field)
{
	int d;

	if (strcmp(field, "calendar") == 0 || strcmp(field, "timezone") == 0)
		return field;
	for (d = 0; d < 7; d++)
		if (strcmp(field, day_labels[d]) == 0) {
			char *f = arena_alloc(r->a, 32);

			if (f)
				snprintf(f, 32, "work_%s_start", day_names[d]);
			return f ? f : "";
		}
	return "";
}

int
page_calendar(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	const struct upload *f = req_file(r, "calendar");
	struct calendar c;
	struct refusal why;
	int refused = 0, rc;

	if (read_form(r, &c, &why, &refused))
		return -1;
	if (!refused && strcmp(r->method, "POST") == 0 && f && f->len) {
		rc = calendar_upload(&r->cx, &r->who, f->data, f->len, &c, &why);
		if (rc < 0)
			return -1;
		refused = rc > 0;
	}
	if (refused || !(strcmp(r->method, "POST") == 0 && f && f->len)) {
		if (refused)
			c.n_hours = 0;  /* no proposal beside an error */
		if (calendar_load(&r->cx, &r->who, &c))
			return -1;
	}
	if (!refused && strcmp(r->method, "POST") == 0 && !c.stored && !(f && f->len)) {
		refuse(&why, 400, "calendar", "choose your calendar file (.ics), exported from your "
		       "practice system or calendar");
		refused = 1;
	}
	if (refused) {
		const char *in = field_input(r, why.field);
		int d;

		p->status = why.status;
		for (d = 0; d < 7 && strncmp(in, "work_", 5) == 0; d++)
			if (strcmp(why.field, day_labels[d]) == 0)
				break;
		if (d < 7 && strncmp(in, "work_", 5) == 0)
			req_fail(r, in, "%s: %s", day_labels[d], why.message);
		else
			req_fail(r, in, "%s", why.message);
	}
	if (refused && why.retry_after) {
		char ra[16], *v;

		snprintf(ra, sizeof(ra), "%d", why.retry_after);
		if (!(v = arena_strdup(r->a, ra)) || resp_header(p, "Retry-After", v))
			return -1;
	}
	if (page_begin(r, p, "Your calendar") || error_summary(b, r) ||
	    html(b, "<h1>Your calendar, for your own therapy</h1>\n<p class=\"lede\">Upload the calendar "
	            "of your caseload: chiron finds the hours free in every one of the next four weeks, "
	            "within the hours you could see a therapist, and your searches can use them.</p>\n") ||
	    what_is_kept(b))
		return -1;
	return stored_part(b, r, p, &c) || upload_form(b, r, p, &c) || proposal(b, r, p, &c) ||
	       page_end(p);
}

int
page_calendar_use(struct req *r, struct resp *p)
{
	struct calendar c;
	struct refusal why;
	int refused = 0, rc;

	if (read_form(r, &c, &why, &refused))
		return -1;
	if (!refused && calendar_load(&r->cx, &r->who, &c))
		return -1;
	rc = refused ? 1 : calendar_use(&r->cx, &r->who, &c, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	return redirect(r, p, "/search");
}

int
page_calendar_forget(struct req *r, struct resp *p)
{
	if (calendar_forget(&r->cx, &r->who))
		return -1;
	return redirect(r, p, "/calendar");
}
