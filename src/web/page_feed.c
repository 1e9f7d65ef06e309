/*
 * page_feed.c: the calendar feed's page (make, replace or turn off the
 * private address), the feed itself, and the .ics of one appointment.
 * What they do is in app/feed.c, shared with the API (api_feed.c).
 *
 *   GET  /feed                   the page: is there a feed, and the buttons
 *   POST /feed                   a new address, shown on this answer only
 *   POST /feed/revoke            no feed any more
 *   GET  /feed/TOKEN.ics         the calendar (no session: the token is the key)
 *   GET  /appointments/{id}/ics  one appointment, as a download
 */
#include <stdio.h>
#include <string.h>

#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

#define CALENDAR_TYPE "text/calendar; charset=utf-8"

/* The page; url is the address just made (shown this once), or NULL. */
static int
feed_page(struct req *r, struct resp *p, const char *url)
{
	struct buf *b = &p->body;
	bool active;

	if (feed_active(&r->cx, &r->who, &active))
		return -1;
	if (page_begin(r, p, "Calendar feed") || html(b, "<h1>Calendar feed</h1>\n") ||
	    (!url && req_arg(r, "off") && !active &&
	     html(b, "<div class=\"notice\" role=\"status\"><p>Your feed is turned off: its address "
	             "no longer works anywhere.</p></div>\n")) ||
	    html(b, "<p class=\"lede\">A private address your calendar app (Apple "
	            "Calendar, Google Calendar, Outlook, Thunderbird) can subscribe to. It lists "
	            "your appointments, series included, and your app keeps it up to date.</p>\n"))
		return -1;
	if (url) {
		if (html(b, "<div class=\"card\" role=\"status\"><h2>Your feed address</h2>\n"
		            "<p><strong>Copy it now: it is shown only this once.</strong> chiron keeps "
		            "only a fingerprint of it, so it cannot show it to you again.</p>\n"
		            "<p><label for=\"feed-url\">Address</label><input id=\"feed-url\" "
		            "type=\"text\" readonly value=\"") ||
		    html_attr(b, url) ||
		    html(b, "\"></p>\n<p>In your calendar app, choose to subscribe to a calendar "
		            "(\"add calendar from URL\") and paste it. On this device, the button below "
		            "opens the subscription in its calendar app.</p>\n"))
			return -1;
		/* webcal:// opens the subscription in the device's calendar app. */
		if ((strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0) &&
		    (html(b, "<div class=\"actions\"><a class=\"button\" href=\"webcal://") ||
		     html_attr(b, strstr(url, "://") + 3) ||
		     html(b, "\">Subscribe in your calendar app</a></div>\n")))
			return -1;
		if (html(b, "</div>\n"))
			return -1;
	} else if (active) {
		if (html(b, "<p>You have a feed address. It was shown once, when you made it. "
		            "Lost it, or shared it by mistake? Make a new one: the old one stops "
		            "working at once.</p>\n"))
			return -1;
	} else if (html(b, "<p>You have no feed address.</p>\n")) {
		return -1;
	}
	return html(b, "<p class=\"hint\">Anyone who has the address can read the times of your "
	               "appointments and the name (or, for a therapist, the pseudonym) with each; "
	               "nothing else: no email, no notes. Keep it to yourself.</p>\n"
	               "<div class=\"actions\"><form method=\"post\" action=\"/feed\">") ||
	       form_csrf(b, r, p) ||
	       html_pick(b, active,
	                 "<button type=\"submit\" class=\"button secondary\">Make a new address</button></form>\n",
	                 "<button type=\"submit\">Make a feed address</button></form>\n") ||
	       (active && (html(b, "<form method=\"post\" action=\"/feed/revoke\">") ||
	                   form_csrf(b, r, p) ||
	                   html(b, "<button type=\"submit\" class=\"button danger secondary\">Turn the feed off"
	                           "</button></form>\n"))) ||
	       html(b, "</div>\n") ||
	       page_end(p);
}

int
page_feed(struct req *r, struct resp *p)
{
	char *url;

	if (strcmp(r->method, "POST") != 0)
		return feed_page(r, p, NULL);
	if (!(url = arena_alloc(r->a, FEED_URL_MAX)) || feed_create(&r->cx, &r->who, url))
		return -1;
	return feed_page(r, p, url);
}

int
page_feed_revoke(struct req *r, struct resp *p)
{
	if (feed_revoke(&r->cx, &r->who))
		return -1;
	return redirect(r, p, "/feed?off=1");
}

int
page_feed_ics(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = feed_calendar(&r->cx, &r->who, r->param, &p->body, &why);

	if (rc)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	p->content_type = CALENDAR_TYPE;
	return 0;
}

int
page_appointment_ics(struct req *r, struct resp *p)
{
	struct refusal why;
	char *disp;
	int rc = appointment_ics(&r->cx, &r->who, r->param, &p->body, &why);

	if (rc)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	/* r->param is digits only once appointment_ics() has taken it. */
	if (!(disp = arena_alloc(r->a, 80)))
		return -1;
	snprintf(disp, 80, "attachment; filename=\"appointment-%s.ics\"", r->param);
	p->content_type = CALENDAR_TYPE;
	return resp_header(p, "Content-Disposition", disp);
}
