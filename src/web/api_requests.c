/*
 * api_requests.c: consultation requests in the JSON API.
 *
 *   GET  /api/v1/requests[?before=ID]     {"sent":[...],"received":[...],"received_next":ID|null}
 *   POST /api/v1/requests                 send one (201, the request)
 *   POST /api/v1/requests/{id}/answer     a therapist answers (204)
 *
 * "sent" are the signed-in user's own requests; "received" those sent to
 * the listing a therapist holds (empty for anyone else). Another user's
 * request is never listed, and answering another therapist's is a 404,
 * as for a request that does not exist. The rules are act_requests.c's.
 */
#include "core/jsonv.h"
#include "app/services.h"
#include "web/pages.h"

/* One request as JSON (the Request schema of web/openapi.json). */
static int
request_json(struct buf *b, const struct store_request *rq)
{
	return buf_printf(b, "{\"id\":%lld,\"therapist_id\":", (long long)rq->id) ||
	       buf_json_strz(b, rq->therapist_id) || buf_adds(b, ",\"from\":") ||
	       buf_json_strz(b, rq->seeker_name) || buf_adds(b, ",\"message\":") ||
	       buf_json_strz(b, rq->message) || buf_adds(b, ",\"created_at\":") ||
	       api_time(b, rq->created_at) || buf_adds(b, ",\"answer\":") ||
	       (rq->answered_at ? buf_json_strz(b, rq->answer) : buf_adds(b, "null")) ||
	       buf_adds(b, ",\"answered_at\":") || api_time(b, rq->answered_at) || buf_addc(b, '}');
}

struct list {
	struct buf *b;
	int n;
};

static int
one(void *arg, const struct store_request *rq)
{
	struct list *x = arg;

	return (x->n++ && buf_addc(x->b, ',')) || request_json(x->b, rq);
}

int
api_requests(struct req *r, struct resp *p)
{
	struct list sent = {&p->body, 0}, received = {&p->body, 0};
	int64_t before = req_int(r, "before", 0), next = 0;

	if (buf_adds(&p->body, "{\"sent\":[") || requests_sent(&r->cx, &r->who, one, &sent) ||
	    buf_adds(&p->body, "],\"received\":[") ||
	    requests_received(&r->cx, &r->who, before, one, &received, &next) ||
	    buf_adds(&p->body, "],\"received_next\":") ||
	    (next ? buf_printf(&p->body, "%lld", (long long)next) : buf_adds(&p->body, "null")) ||
	    buf_adds(&p->body, "}\n"))
		return -1;
	return json_response(p, 200);
}

int
api_request_send(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"therapist_id", "message", "reveal", NULL};
	struct request_in in;
	struct store_request rq;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "therapist_id", &in.therapist_id, &e) ||
	    api_str(r, o, "message", &in.message, &e) ||
	    jv_bool(o, "reveal", false, false, &in.reveal, "", &e))
		return api_invalid(r, p, &e);
	rc = send_request(&r->cx, &r->who, &in, &rq, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc || request_json(&p->body, &rq) || buf_addc(&p->body, '\n'))
		return -1;
	return json_response(p, 201);
}

int
api_answer(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"answer", NULL};
	const char *answer;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "answer", &answer, &e))
		return api_invalid(r, p, &e);
	rc = answer_request(&r->cx, &r->who, r->param, answer, &why);
	return no_content(r, p, rc, &why);
}
