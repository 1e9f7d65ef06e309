/*
 * page_requests.c: consultation requests as pages: the form on a
 * profile, the list of requests sent and received, and the answer form.
 * What sending and answering do is in app/requests.c, shared with the API
 * (api_requests.c).
 */
#include <stdio.h>
#include <time.h>

#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

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
	return html(b, "<h2>Ask for a consultation</h2>\n<form method=\"post\" action=\"/request/") ||
	       form_encode(b, therapist_id) || html(b, "\">\n") || form_csrf(b, r, p) ||
	       html(b, "\n<label for=\"message\">A short message (they will see it signed ") ||
	       html_txt(b, r->who.handle) ||
	       html(b, ")</label><textarea id=\"message\" name=\"message\" rows=\"5\" cols=\"60\" "
	               "maxlength=\"2000\" required></textarea>\n<p class=\"check\">"
	               "<label class=\"inline\"><input type=\"checkbox\" name=\"reveal\" value=\"1\"> "
	               "Add my email so they can write to me directly</label></p>\n"
	               "<p><button type=\"submit\">Send</button></p>\n</form>\n");
}

int
page_request_send(struct req *r, struct resp *p)
{
	struct request_in in = {r->param, req_arg(r, "message"), req_arg(r, "reveal") != NULL};
	struct store_request rq;
	struct refusal why;
	int rc = send_request(&r->cx, &r->who, &in, &rq, &why);

	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	return redirect(r, p, "/requests");
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
	char id[32];

	x->n++;
	snprintf(id, sizeof(id), "%lld", (long long)rq->id);
	if (html(b, "<article class=\"card\"><p class=\"meta\">") ||
	    (x->therapist ? html(b, "From ") || html_txt(b, rq->seeker_name)
	                  : html(b, "To <a href=\"/therapists/") || form_encode(b, rq->therapist_id) ||
	                    html(b, "\">") || html_txt(b, rq->therapist_id) || html(b, "</a>")) ||
	    html(b, ", ") || when(b, rq->created_at) || html(b, "</p>\n<p>") ||
	    html_txt(b, rq->message) || html(b, "</p>\n"))
		return 1;
	if (rq->answered_at) {
		if (html(b, "<p><strong>Answer</strong> (") || when(b, rq->answered_at) ||
		    html(b, "): ") || html_txt(b, rq->answer) || html(b, "</p>\n"))
			return 1;
	} else if (x->therapist) {
		if (html(b, "<form method=\"post\" action=\"/answer/") || html_attr(b, id) ||
		    html(b, "\">") || form_csrf(b, x->r, x->p) ||
		    html(b, "<label for=\"a") || html_attr(b, id) || html(b, "\">Your answer</label>"
		            "<textarea id=\"a") || html_attr(b, id) ||
		    html(b, "\" name=\"answer\" rows=\"3\" cols=\"60\" maxlength=\"2000\" required></textarea>"
		            "<p><button type=\"submit\">Answer</button></p></form>\n"))
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

	if (page_begin(r, p, "Consultation requests") ||
	    html(b, "<h1>Consultation requests</h1>\n<h2>Sent by you</h2>\n"))
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
	int rc = answer_request(&r->cx, &r->who, r->param, req_arg(r, "answer"), &why);

	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	return redirect(r, p, "/requests");
}
