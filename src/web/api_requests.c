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
 * as for a request that does not exist. The rules are app/requests.c's.
 */
#include "core/jsonv.h"
#include "app/services.h"
#include "web/pages.h"

/* One request as JSON (the Request schema of web/openapi.json). */
static int
request_json(struct jw *w, const struct store_request *rq)
{
	jw_obj_open(w);
	jw_kint(w, "id", rq->id);
	jw_kstr(w, "therapist_id", rq->therapist_id);
	jw_kstr(w, "from", rq->seeker_name);
	jw_kstr(w, "message", rq->message);
	jw_ktime(w, "created_at", rq->created_at);
	if (rq->answered_at)
		jw_kstr(w, "answer", rq->answer);
	else
		jw_knull(w, "answer");
	jw_ktime(w, "answered_at", rq->answered_at);
	return jw_obj_close(w);
}

/* One request of a list into the writer arg (requests_sent, _received). */
static int
one(void *arg, const struct store_request *rq)
{
	return request_json(arg, rq);
}

int
api_requests(struct req *r, struct resp *p)
{
	struct jw w;
	int64_t before = req_int(r, "before", 0), next = 0;

	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_karr_open(&w, "sent");
	if (requests_sent(&r->cx, &r->who, one, &w))
		return -1;
	jw_arr_close(&w);
	jw_karr_open(&w, "received");
	if (requests_received(&r->cx, &r->who, before, one, &w, &next))
		return -1;
	jw_arr_close(&w);
	if (next)
		jw_kint(&w, "received_next", next);
	else
		jw_knull(&w, "received_next");
	jw_obj_close(&w);
	return json_reply(p, &w, 200);
}

int
api_request_send(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"therapist_id", "message", "reveal", NULL};
	struct request_in in;
	struct store_request rq;
	struct refusal why;
	struct verr e;
	struct jw w;
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "therapist_id", &in.therapist_id, &e) ||
	    api_str(r, o, "message", &in.message, &e) ||
	    jv_bool(o, "reveal", false, false, &in.reveal, "", &e))
		return api_invalid(r, p, &e);
	rc = send_request(&r->cx, &r->who, &in, &rq, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	jw_init(&w, &p->body);
	request_json(&w, &rq);
	return json_reply(p, &w, 201);
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
