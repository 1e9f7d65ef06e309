/*
 * page_requests.c: consultation requests. A signed-in clinician sends a
 * short message to one therapist's listing, under their pseudonym unless
 * they choose to add their email. The therapist who holds that listing
 * sees it and answers; no one else sees it, and a therapist never sees a
 * seeker's affiliations or searches (they are not stored).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/record.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

#define MESSAGE_MAX 2000
#define LIST_MAX 100

int
page_request_form(struct req *r, struct resp *p, const char *therapist_id)
{
	struct buf *b = &p->body;

	if (!r->user)
		return html(b, "<h2>Ask for a consultation</h2>\n<p><a href=\"/login\">Sign in</a> or "
		               "<a href=\"/signup\">create an account</a> to send this therapist a short "
		               "message under a pseudonym.</p>\n");
	return html(b, "<h2>Ask for a consultation</h2>\n<form method=\"post\" action=\"/request/") ||
	       url_arg(b, therapist_id) || html(b, "\">\n<input type=\"hidden\" name=\"csrf\" value=\"") ||
	       html_attr(b, auth_csrf_token(r, p)) ||
	       html(b, "\">\n<label for=\"message\">A short message (they will see it signed ") ||
	       html_txt(b, r->user->handle) ||
	       html(b, ")</label><textarea id=\"message\" name=\"message\" rows=\"5\" cols=\"60\" "
	               "maxlength=\"2000\" required></textarea>\n<p class=\"check\">"
	               "<label class=\"inline\"><input type=\"checkbox\" name=\"reveal\" value=\"1\"> "
	               "Add my email so they can write to me directly</label></p>\n"
	               "<p><button type=\"submit\">Send</button></p>\n</form>\n");
}

int
page_request_send(struct req *r, struct resp *p)
{
	const char *msg = req_arg(r, "message");
	struct store_request rq;
	struct store_user u;
	int found;

	if (!record_id_ok(r->param)) {
		error_response(r, p, 404, "", "no therapist has this address");
		return 0;
	}
	if (!msg || !*msg || strlen(msg) > MESSAGE_MAX) {
		error_response(r, p, 400, "message", "write a message of 1 to 2000 characters");
		return 0;
	}
	if (auth_throttled(r, "request", 2000, 3600)) {
		error_response(r, p, 429, "", "too many requests were sent in the last hour");
		return 0;
	}
	memset(&rq, 0, sizeof(rq));
	rq.seeker = r->user->id;
	snprintf(rq.seeker_name, sizeof(rq.seeker_name), "%s", r->user->handle);
	if (req_arg(r, "reveal")) {
		if (STORE_CALL(r->app->store, user_get, r->user->id, &u, &found))
			return -1;
		if (found)
			snprintf(rq.seeker_name, sizeof(rq.seeker_name), "%.20s <%.40s>", u.handle, u.email);
	}
	snprintf(rq.therapist_id, sizeof(rq.therapist_id), "%s", r->param);
	snprintf(rq.message, sizeof(rq.message), "%s", msg);
	rq.created_at = (int64_t)time(NULL);
	if (!listing_exists(r, r->param)) {
		error_response(r, p, 404, "", "no therapist has this address");
		return 0;
	}
	if (STORE_CALL(r->app->store, request_add, &rq))
		return -1;
	p->status = 303;
	return resp_header(p, "Location", "/requests");
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
	                  : html(b, "To <a href=\"/therapists/") || url_arg(b, rq->therapist_id) ||
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
		    html(b, "\"><input type=\"hidden\" name=\"csrf\" value=\"") ||
		    html_attr(b, auth_csrf_token(x->r, x->p)) ||
		    html(b, "\"><label for=\"a") || html_attr(b, id) || html(b, "\">Your answer</label>"
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

	if (page_begin(r, p, "Consultation requests") ||
	    html(b, "<h1>Consultation requests</h1>\n<h2>Sent by you</h2>\n"))
		return -1;
	if (STORE_CALL(r->app->store, requests_of_seeker, r->user->id, LIST_MAX, one, &x))
		return -1;
	if (!x.n && html(b, "<p>None yet. Open a therapist's listing to ask for a consultation.</p>\n"))
		return -1;
	if (r->user->therapist_id[0]) {
		x.n = 0;
		x.therapist = 1;
		if (html(b, "<h2>Sent to your listing</h2>\n") ||
		    STORE_CALL(r->app->store, requests_to_therapist, r->user->therapist_id, LIST_MAX, one, &x) ||
		    (!x.n && html(b, "<p>None yet.</p>\n")))
			return -1;
	}
	return page_end(p);
}

int
page_answer(struct req *r, struct resp *p)
{
	const char *answer = req_arg(r, "answer");
	char *end;
	long long id = strtoll(r->param, &end, 10);
	int found = 0;

	if (*end || id <= 0) {
		error_response(r, p, 404, "", "no such request");
		return 0;
	}
	if (!answer || !*answer || strlen(answer) > MESSAGE_MAX) {
		error_response(r, p, 400, "answer", "write an answer of 1 to 2000 characters");
		return 0;
	}
	if (!r->user->therapist_id[0] ||
	    STORE_CALL(r->app->store, request_answer, (int64_t)id, r->user->therapist_id, answer,
	               (int64_t)time(NULL), &found))
		found = 0;
	if (!found) {
		/* Another therapist's request looks exactly like a missing one. */
		error_response(r, p, 404, "", "no such request");
		return 0;
	}
	p->status = 303;
	return resp_header(p, "Location", "/requests");
}
