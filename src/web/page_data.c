/*
 * page_data.c: "Your data": downloading everything chiron keeps about
 * the person (app/export.h), closing their account (app/erasure.h) and,
 * for a therapist, closing their listing. Each asks for the password
 * again; closing the account also asks for a typed confirmation, on a
 * page that says first exactly what will happen. The JSON twins are
 * api_data.c.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/erasure.h"
#include "app/export.h"
#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

#define CALENDAR_TYPE "text/calendar; charset=utf-8"

/* A refusal on the form: the field's error (the form's own when it names none). */
static void
form_refusal(struct req *r, struct resp *p, const struct refusal *why)
{
	p->status = why->status;
	if (why->retry_after > 0) {
		char *s = arena_alloc(r->a, 16);

		if (s) {
			snprintf(s, 16, "%d", why->retry_after);
			resp_header(p, "Retry-After", s);
		}
	}
	req_fail(r, why->field && why->field[0] ? why->field : "password", "%s", why->message);
}

static int
password_input(struct buf *b, struct req *r)
{
	return form_input(b, r, "password", "Your password", "We ask for it again before this.",
	                  "password", "", MARKUP("autocomplete=\"current-password\" required"));
}

/* ----------------------------------------------------------------------
 * Your data: the download
 * ---------------------------------------------------------------------- */

static int
data_page(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	bool therapist = r->who.role != ACCT_SEEKER && r->who.claim_id[0];

	return page_begin(r, p, "Your data") || error_summary(b, r) ||
	       html(b, "<h1>Your data</h1>\n<p class=\"lede\">Everything chiron keeps about your "
	               "account, to keep or to take elsewhere.</p>\n"
	               "<h2>Download your data</h2>\n<p>One file (JSON) with your account, your saved "
	               "search, the consultation requests you sent") ||
	       (therapist && html(b, " and received")) ||
	       html(b, ", your sessions and series, your waitlist places, your calendar's busy times "
	               "and your sign-in sessions") ||
	       (therapist && html(b, ", and your listing with its policies, statement, schedule "
	                             "settings and closures")) ||
	       html(b, ". Or your sessions alone, as a calendar (.ics).</p>\n"
	               "<form method=\"post\" action=\"/account/export\" novalidate>\n") ||
	       form_csrf(b, r, p) || password_input(b, r) ||
	       html(b, "<div class=\"actions\"><button type=\"submit\" name=\"format\" value=\"json\">"
	               "Download your data (JSON)</button>"
	               "<button type=\"submit\" name=\"format\" value=\"ics\" class=\"button secondary\">"
	               "Download your sessions (.ics)</button></div>\n</form>\n") ||
	       (therapist &&
	        html(b, "<h2>Close your listing</h2>\n<p>Stop practising on chiron but keep your "
	                "account: <a href=\"/listing/close\">close your listing</a>.</p>\n")) ||
	       html(b, "<h2>Close your account</h2>\n<p>Delete your account and everything in it, "
	               "for good: <a href=\"/account/close\">close your account</a>.</p>\n"
	               "<p><a href=\"/privacy\">What chiron keeps about you, and for how long</a></p>\n") ||
	       page_end(p);
}

int
page_data(struct req *r, struct resp *p)
{
	return data_page(r, p);
}

int
page_export(struct req *r, struct resp *p)
{
	const char *format = req_arg(r, "format");
	bool ics = format && strcmp(format, "ics") == 0;
	struct refusal why;
	char *disp, day[16];
	time_t t;
	struct tm tm;
	int rc;

	if (req_failed(r)) {
		p->status = 400;
		return data_page(r, p);
	}
	rc = ics ? export_ics(&r->cx, &r->who, req_arg(r, "password"), &p->body, &why)
	         : export_json(&r->cx, &r->who, req_arg(r, "password"), &p->body, &why);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		buf_reset(&p->body);
		form_refusal(r, p, &why);
		return data_page(r, p);
	}
	t = (time_t)ctx_now(&r->cx);
	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	if (!(disp = arena_alloc(r->a, 80)))
		return -1;
	snprintf(disp, 80, "attachment; filename=\"chiron-%s-%s.%s\"", ics ? "sessions" : "export", day,
	         ics ? "ics" : "json");
	p->content_type = ics ? CALENDAR_TYPE : "application/json";
	return resp_header(p, "Content-Disposition", disp);
}

/* ----------------------------------------------------------------------
 * What was done, whole or not
 * ---------------------------------------------------------------------- */

static int
done_item(struct buf *b, bool done, const char *what)
{
	return done && (html(b, "<li>") || html_txt(b, what) || html(b, "</li>\n"));
}

static int
count_item(struct buf *b, int n, const char *what)
{
	return n > 0 && (html(b, "<li>") || html_int(b, n) || html(b, " ") || html_txt(b, what) ||
	                 html(b, "</li>\n"));
}

static int
report(struct buf *b, const struct erase_report *rep)
{
	return html(b, "<ul>\n") ||
	       done_item(b, rep->listing_closed, "Your listing is closed: hidden from search and its page.") ||
	       count_item(b, rep->cancelled, "session(s) ahead cancelled; the other side was told.") ||
	       count_item(b, rep->series_ended, "series ended.") ||
	       count_item(b, rep->requests_closed, "unanswered consultation request(s) closed.") ||
	       count_item(b, rep->waits_left, "waitlist place(s) left.") ||
	       done_item(b, rep->signed_out, "Every sign-in session ended.") ||
	       done_item(b, rep->audited, "A content-free entry recorded that the account was closed.") ||
	       done_item(b, rep->key_destroyed, "Your data key was destroyed: what was sealed with it "
	                                        "can no longer be opened, in backups too.") ||
	       done_item(b, rep->rows_deleted, "Your account and its records were deleted.") ||
	       html(b, "</ul>\n");
}

static int
failed_page(struct req *r, struct resp *p, const char *title, const struct erase_report *rep)
{
	struct buf *b = &p->body;

	p->status = 500;
	return page_begin(r, p, title) ||
	       html(b, "<h1>") || html_txt(b, title) || html(b, "</h1>\n") ||
	       html(b, "<div class=\"banner warn\" role=\"alert\"><p>Something went wrong while ") ||
	       html_txt(b, rep->failed) ||
	       html(b, ". Nothing after that step was done. Try again in a few minutes: each step finds "
	               "less to do.</p></div>\n<h2>What was done</h2>\n") ||
	       report(b, rep) || page_end(p);
}

/* ----------------------------------------------------------------------
 * Close your account
 * ---------------------------------------------------------------------- */

static int
close_page(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	bool therapist = r->who.role != ACCT_SEEKER && r->who.claim_id[0];
	const char *typed = req_arg(r, "confirm");

	return page_begin(r, p, "Close your account") || error_summary(b, r) ||
	       html(b, "<h1>Close your account</h1>\n<p class=\"lede\">This cannot be undone. "
	               "Before you go, you may want to <a href=\"/account/data\">download your data</a>."
	               "</p>\n<h2>What happens</h2>\n<ol>\n") ||
	       (therapist &&
	        html(b, "<li>Your listing is closed: hidden from search and its page; its sessions "
	                "ahead are cancelled and each person booked is told the listing closed (not why); "
	                "its unanswered consultation requests are closed; its statement, photo and "
	                "closures are deleted.</li>\n")) ||
	       html(b, "<li>Every session you booked that is still ahead is cancelled. Each therapist "
	               "is told a session was cancelled because the person closed their account: the "
	               "message does not name you.</li>\n"
	               "<li>Your series end and you leave every waitlist.</li>\n"
	               "<li>You are signed out everywhere.</li>\n"
	               "<li>A record that an account was closed is kept, with nothing of its content.</li>\n"
	               "<li>Your data key is destroyed: whatever chiron sealed with it can no longer be "
	               "opened by anyone, in backups too.</li>\n"
	               "<li>Your account, saved search, consultation requests, calendar, feed and "
	               "waitlist places are deleted. A therapist keeps their record of sessions already "
	               "held, showing a person who has since closed their account.</li>\n"
	               "</ol>\n<p>Your email address can be used for a new account afterwards.</p>\n"
	               "<form method=\"post\" action=\"/account/close\" novalidate>\n") ||
	       form_csrf(b, r, p) || password_input(b, r) ||
	       form_input(b, r, "confirm", "Type \u201cclose my account\u201d to confirm", NULL, "text",
	                  typed ? typed : "", MARKUP("autocomplete=\"off\" required")) ||
	       html(b, "<div class=\"actions\"><button type=\"submit\" class=\"button danger\">Close my "
	               "account for good</button> <a href=\"/account\">Keep my account</a></div>\n</form>\n") ||
	       page_end(p);
}

int
page_close_account(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct erase_report rep;
	struct refusal why;
	int rc;

	if (strcmp(r->method, "POST") != 0)
		return close_page(r, p);
	if (req_failed(r)) {
		p->status = 400;
		return close_page(r, p);
	}
	rc = erase_account(&r->cx, &r->who, req_arg(r, "password"), req_arg(r, "confirm"), &rep, &why);
	if (rc > 0) {
		form_refusal(r, p, &why);
		return close_page(r, p);
	}
	if (rc < 0)
		return rep.failed ? failed_page(r, p, "Close your account", &rep) : -1;
	/* The sessions are gone from the store; the browser forgets its cookie. */
	if (auth_session_end(r, p, false))
		return -1;
	r->user = NULL;
	memset(&r->who, 0, sizeof(r->who));
	return page_begin(r, p, "Your account is closed") ||
	       html(b, "<h1>Your account is closed</h1>\n<p class=\"lede\">Thank you for having used "
	               "chiron.</p>\n<h2>What was done</h2>\n") ||
	       report(b, &rep) ||
	       html(b, "<p>Copies of the database kept as backups still hold your sealed rows until they "
	               "age out; without your data key they cannot be opened.</p>\n") ||
	       page_end(p);
}

/* ----------------------------------------------------------------------
 * Close your listing
 * ---------------------------------------------------------------------- */

static int
close_listing_page(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;

	return page_begin(r, p, "Close your listing") || error_summary(b, r) ||
	       html(b, "<h1>Close your listing</h1>\n<p class=\"lede\">You keep your account; your "
	               "listing leaves chiron. You may first want to <a href=\"/account/data\">download "
	               "your data</a>, which holds the listing.</p>\n<h2>What happens</h2>\n"
	               "<ul>\n"
	               "<li>The listing is hidden from search and its page.</li>\n"
	               "<li>Its sessions ahead are cancelled; each person booked is told the listing "
	               "closed, not why.</li>\n"
	               "<li>Its series end, and its unanswered consultation requests are closed.</li>\n"
	               "<li>Its statement, photo and closures are deleted, and your account no longer "
	               "holds it.</li>\n</ul>\n"
	               "<form method=\"post\" action=\"/listing/close\" novalidate>\n") ||
	       form_csrf(b, r, p) || password_input(b, r) ||
	       html(b, "<div class=\"actions\"><button type=\"submit\" class=\"button danger\">Close the "
	               "listing</button> <a href=\"/listing\">Keep it</a></div>\n</form>\n") ||
	       page_end(p);
}

int
page_close_listing(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct erase_report rep;
	struct refusal why;
	int rc;

	if (strcmp(r->method, "POST") != 0)
		return close_listing_page(r, p);
	if (req_failed(r)) {
		p->status = 400;
		return close_listing_page(r, p);
	}
	rc = close_listing(&r->cx, &r->who, req_arg(r, "password"), &rep, &why);
	if (rc > 0) {
		if (why.status == 404)
			return refusal_response(r, p, &why);
		form_refusal(r, p, &why);
		return close_listing_page(r, p);
	}
	if (rc < 0)
		return rep.failed ? failed_page(r, p, "Close your listing", &rep) : -1;
	return page_begin(r, p, "Your listing is closed") ||
	       html(b, "<h1>Your listing is closed</h1>\n<h2>What was done</h2>\n") || report(b, &rep) ||
	       html(b, "<p><a href=\"/account\">Your account</a></p>\n") || page_end(p);
}
