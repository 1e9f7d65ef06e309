/*
 * page_requests.c: consultation requests as pages: the form on a
 * profile, the list of requests sent and received, and the answer form.
 * What sending and answering do is in app/requests.c, shared with the API
 * (api_requests.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

/* The request form's fields, the person's values kept and each error
 * by its input (the heading is the caller's). */
static int
request_fields(struct buf *b, struct req *r, struct resp *p, const char *therapist_id)
{
	const char *message = req_arg(r, "message");

	return html(b, "<form method=\"post\" action=\"/request/") || form_encode(b, therapist_id) ||
	       html(b, "\" novalidate>\n") || form_csrf(b, r, p) ||
	       html(b, "\n<div class=\"form-group\"><label for=\"message\">A short message</label>\n"
	               "<p class=\"hint\" id=\"message-hint\">They will see it signed ") ||
	       html_txt(b, r->who.handle) ||
	       html(b, ", your pseudonym. Up to 2000 characters.</p>\n") ||
	       field_error(b, r, "message") ||
	       html(b, "<textarea id=\"message\" name=\"message\" rows=\"5\" cols=\"60\" "
	               "aria-describedby=\"message-hint\"") || field_invalid(b, r, "message") ||
	       html(b, ">") || html_txt(b, message ? message : "") ||
	       html(b, "</textarea></div>\n<div class=\"form-group\"><label class=\"inline\">"
	               "<input type=\"checkbox\" id=\"reveal\" name=\"reveal\" value=\"1\"") ||
	       (req_arg(r, "reveal") && html(b, " checked")) ||
	       html(b, "> Add my email so they can write to me directly</label></div>\n"
	               "<div class=\"actions\"><button type=\"submit\">Send</button></div>\n</form>\n");
}

int
page_request_form(struct req *r, struct resp *p, const char *therapist_id)
{
	struct buf *b = &p->body;

	if (!r->user)
		return html(b, "<h2>Ask for a consultation</h2>\n<p><a href=\"") ||
		       href_next(b, r, "/login") || html(b, "\">Sign in</a> or <a href=\"") ||
		       href_next(b, r, "/signup") ||
		       html(b, "\">create an account</a> to send this therapist a short "
		               "message under a pseudonym; you come back here after.</p>\n");
	return html(b, "<h2>Ask for a consultation</h2>\n") || request_fields(b, r, p, therapist_id);
}

/* The request form again, on its own page, with what was wrong. */
static int
request_again(struct req *r, struct resp *p, int status)
{
	struct buf *b = &p->body;

	p->status = status;
	return page_begin(r, p, "Ask for a consultation") || error_summary(b, r) ||
	       html(b, "<h1>Ask ") || html_txt(b, listing_display_name(&r->cx, r->param)) ||
	       html(b, " for a consultation</h1>\n<p><a href=\"/therapists/") || form_encode(b, r->param) ||
	       html(b, "\">Back to their listing</a></p>\n") ||
	       request_fields(b, r, p, r->param) || page_end(p);
}

int
page_request_send(struct req *r, struct resp *p)
{
	struct request_in in = {r->param, req_arg(r, "message"), req_arg(r, "reveal") != NULL};
	struct store_request rq;
	struct refusal why;
	int rc;

	if (req_failed(r))
		return request_again(r, p, 400);
	rc = send_request(&r->cx, &r->who, &in, &rq, &why);
	if (rc > 0 && (strcmp(why.field, "message") == 0 || why.status == 429)) {
		req_fail(r, why.status == 429 ? "" : why.field, "%s", why.message);
		if (why.status == 429 && resp_header(p, "Retry-After", "3600"))
			return -1;
		return request_again(r, p, why.status);
	}
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	return redirect(r, p, "/requests?sent=1");
}

struct list_ctx {
	struct req *r;
	struct resp *p;
	int n, therapist;
};

static int
when(struct buf *b, int64_t t)
{
	char s[32];
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M UTC", &tm);
	return html_txt(b, s);
}

static int
one(void *arg, const struct store_request *rq)
{
	struct list_ctx *x = arg;
	struct buf *b = &x->p->body;
	struct req *r = x->r;
	char id[32];
	/* The answer that failed keeps its words and its error (the form's
	 * input is "answer", as its field; the others are numbered). */
	bool failed = req_failed(r) && r->param && strcmp(r->path, "/requests") != 0 &&
	              strtoll(r->param, NULL, 10) == rq->id;
	const char *kept = failed ? req_arg(r, "answer") : NULL;

	x->n++;
	snprintf(id, sizeof(id), "%lld", (long long)rq->id);
	if (html(b, "<article class=\"card\"><p class=\"meta\">") ||
	    (x->therapist ? html(b, "From ") || html_txt(b, rq->seeker_name)
	                  : html(b, "To ") || (listing_exists(&r->cx, rq->therapist_id)
	                                       ? html(b, "<a href=\"/therapists/") ||
	                                         form_encode(b, rq->therapist_id) || html(b, "\">") ||
	                                         html_txt(b, listing_display_name(&r->cx, rq->therapist_id)) ||
	                                         html(b, "</a>")
	                                       : html_txt(b, listing_display_name(&r->cx, rq->therapist_id)))) ||
	    html(b, ", ") || when(b, rq->created_at) || html(b, "</p>\n<p>") ||
	    html_txt(b, rq->message) || html(b, "</p>\n"))
		return 1;
	if (rq->answered_at) {
		if (html(b, "<p><strong>Answer</strong> (") || when(b, rq->answered_at) ||
		    html(b, "): ") || html_txt(b, rq->answer) || html(b, "</p>\n"))
			return 1;
	} else if (x->therapist && rq->gone) {
		/* Its sender erased their account: an answer would be sealed
		 * under a key that is gone (app/requests.c). */
		if (html(b, "<p class=\"hint\">This person has since closed their account: the "
		            "request can no longer be answered.</p>\n"))
			return 1;
	} else if (x->therapist) {
		if (html(b, "<form method=\"post\" action=\"/answer/") || html_attr(b, id) ||
		    html(b, "\" novalidate>") || form_csrf(b, r, x->p) ||
		    html(b, "<div class=\"form-group\"><label for=\"") ||
		    (failed ? html(b, "answer") : html(b, "answer-") || html_attr(b, id)) ||
		    html(b, "\">Your answer to ") || html_txt(b, rq->seeker_name) || html(b, "</label>") ||
		    (failed && field_error(b, r, "answer")) ||
		    html(b, "<textarea id=\"") ||
		    (failed ? html(b, "answer") : html(b, "answer-") || html_attr(b, id)) ||
		    html(b, "\" name=\"answer\" rows=\"3\" cols=\"60\"") ||
		    (failed && field_invalid(b, r, "answer")) || html(b, ">") ||
		    html_txt(b, kept ? kept : "") ||
		    html(b, "</textarea></div><div class=\"actions\"><button type=\"submit\">Answer</button>"
		            "</div></form>\n"))
			return 1;
	} else if (html(b, "<p class=\"hint\">Not answered yet.</p>\n")) {
		return 1;
	}
	return html(b, "</article>\n") ? 1 : 0;
}

int
page_requests(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct list_ctx x = {r, p, 0, 0};
	int64_t before = req_int(r, "before", 0), next = 0;
	char at[24];

	if (page_begin(r, p, "Consultation requests") || error_summary(b, r) ||
	    html(b, "<h1>Consultation requests</h1>\n") ||
	    (req_arg(r, "sent") && !req_failed(r) &&
	     html(b, "<div class=\"notice\" role=\"status\"><p>Sent. The answer will show here, "
	             "and chiron will mail you when it comes.</p></div>\n")) ||
	    (req_arg(r, "answered") && !req_failed(r) &&
	     html(b, "<div class=\"notice\" role=\"status\"><p>Answer sent. They are told by mail "
	             "that you answered, and read it here on chiron.</p></div>\n")) ||
	    html(b, "<h2>Sent by you</h2>\n"))
		return -1;
	if (requests_sent(&r->cx, &r->who, one, &x))
		return -1;
	if (!x.n && html(b, "<p>None yet. Open a therapist's listing to ask for a consultation.</p>\n"))
		return -1;
	if (r->who.therapist_id[0]) {
		x.n = 0;
		x.therapist = 1;
		if (html_pick(b, before,
		              "<h2 id=\"received\">Sent to your listing (older)</h2>\n",
		              "<h2 id=\"received\">Sent to your listing</h2>\n") ||
		    requests_received(&r->cx, &r->who, before, one, &x, &next) ||
		    (!x.n && html_pick(b, before,
		                       "<p>No older requests.</p>\n",
		                       "<p>None yet.</p>\n")))
			return -1;
		snprintf(at, sizeof(at), "%lld", (long long)next);
		if ((next && (html(b, "<p><a href=\"/requests?before=") || html_attr(b, at) ||
		              html(b, "#received\">Older requests</a></p>\n"))) ||
		    (before && html(b, "<p><a href=\"/requests#received\">The newest requests</a></p>\n")))
			return -1;
	}
	return page_end(p);
}

int
page_answer(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc;

	if (!req_failed(r)) {
		rc = answer_request(&r->cx, &r->who, r->param, req_arg(r, "answer"), &why);
		if (rc > 0 && strcmp(why.field, "answer") != 0)
			return refusal_response(r, p, &why);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return redirect(r, p, "/requests?answered=1");
		req_fail(r, why.field, "%s", why.message);
	}
	/* The list again, the answer's words kept by its form. */
	if (page_requests(r, p))
		return -1;
	p->status = 400;
	return 0;
}
