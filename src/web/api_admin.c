/*
 * api_admin.c: the admin's side of listings in the JSON API.
 *
 *   GET  /api/v1/admin/queue                  claims waiting, and hidden listings
 *   POST /api/v1/admin/listings/{id}/code     {"email","source"}: mail the claim's code (204)
 *   POST /api/v1/admin/listings/{id}/verify   {"board","licence_number","licence_checked"}:
 *                                             verify the waiting claim (204)
 *   POST /api/v1/admin/listings/{id}/reject   drop the waiting claim (204)
 *   POST /api/v1/admin/listings/{id}/hide     out of searches and its page (204)
 *   POST /api/v1/admin/listings/{id}/unhide   back again (204)
 *   DELETE /api/v1/admin/listings/{id}        remove it from the directory (204)
 *   POST /api/v1/admin/orgs/merge             {"from","into"}: merge a duplicate
 *
 * Admins only (the dispatcher answers 403 to anyone else). The rules and
 * the NPI check are app/listing.c's, shared with the admin page.
 */

#include "core/jsonv.h"
#include "app/services.h"
#include "web/pages.h"

struct hidden {
	struct buf *b;
	int n, err;
};

static int
hidden_one(void *arg, const struct store_listing *l)
{
	struct hidden *x = arg;

	if (l->created)
		return 0;               /* waiting for its claim: in "claims" */
	if ((x->n++ && buf_addc(x->b, ',')) || buf_adds(x->b, "{\"therapist_id\":") ||
	    buf_json_strz(x->b, l->therapist_id) || buf_addc(x->b, '}'))
		x->err = 1;
	return x->err;
}

int
api_admin_queue(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct hidden h = {b, 0, 0};
	struct claim *q;
	struct refusal why;
	int64_t now = ctx_now(&r->cx);
	int i, n;

	if (listing_queue(&r->cx, &r->who, &q, &n) || buf_adds(b, "{\"claims\":["))
		return -1;
	for (i = 0; i < n; i++)
		if ((i && buf_addc(b, ',')) || buf_adds(b, "{\"therapist_id\":") ||
		    buf_json_strz(b, q[i].l.therapist_id) || buf_adds(b, ",\"name\":") ||
		    buf_json_strz(b, q[i].name) || buf_adds(b, ",\"claimant\":") ||
		    buf_json_strz(b, q[i].claimant) || buf_adds(b, ",\"created\":") ||
		    buf_adds(b, q[i].l.created ? "true" : "false") || buf_adds(b, ",\"claimed_at\":") ||
		    api_time(b, q[i].l.claimed_at) || buf_adds(b, ",\"npi_given\":") ||
		    buf_json_strz(b, q[i].l.npi_given) || buf_adds(b, ",\"npi_listed\":") ||
		    (q[i].npi_listed[0] ? buf_json_strz(b, q[i].npi_listed) : buf_adds(b, "null")) ||
		    buf_printf(b, ",\"npi_valid\":%s,\"npi_same\":%s", q[i].npi_valid ? "true" : "false",
		               q[i].npi_same ? "true" : "false") ||
		    buf_adds(b, ",\"state\":") || buf_json_strz(b, claim_state(&q[i].l, now)) ||
		    buf_adds(b, ",\"code_sent_to\":") ||
		    (q[i].l.contact[0] ? buf_json_strz(b, q[i].l.contact) : buf_adds(b, "null")) ||
		    buf_adds(b, ",\"code_source\":") ||
		    (q[i].l.contact_source[0] ? buf_json_strz(b, q[i].l.contact_source) : buf_adds(b, "null")) ||
		    buf_adds(b, ",\"code_sent_by\":") ||
		    (q[i].sent_by[0] ? buf_json_strz(b, q[i].sent_by) : buf_adds(b, "null")) ||
		    buf_adds(b, ",\"code_sent_at\":") || api_time(b, q[i].l.code_sent_at) ||
		    buf_adds(b, ",\"code_entered_at\":") || api_time(b, q[i].l.code_ok_at) ||
		    buf_printf(b, ",\"code_wrong_tries\":%d}", q[i].l.code_tries))
			return -1;
	if (buf_adds(b, "],\"hidden\":[") ||
	    listings_hidden_list(&r->cx, &r->who, hidden_one, &h, &why) || h.err ||
	    buf_adds(b, "],\"verified\":[") || listing_verified(&r->cx, &r->who, &q, &n))
		return -1;
	for (i = 0; i < n; i++)
		if ((i && buf_addc(b, ',')) || buf_adds(b, "{\"therapist_id\":") ||
		    buf_json_strz(b, q[i].l.therapist_id) || buf_adds(b, ",\"name\":") ||
		    buf_json_strz(b, q[i].name) || buf_adds(b, ",\"claimant\":") ||
		    buf_json_strz(b, q[i].claimant) || buf_adds(b, ",\"verified_by\":") ||
		    buf_json_strz(b, q[i].verified_by) || buf_adds(b, ",\"verified_how\":") ||
		    buf_json_strz(b, q[i].l.verified_how) || buf_adds(b, ",\"verified_at\":") ||
		    api_time(b, q[i].l.verified_at) || buf_addc(b, '}'))
			return -1;
	if (buf_adds(b, "]}\n"))
		return -1;
	return json_response(p, 200);
}

int
api_admin_code(struct req *r, struct resp *p)
{
	static const char *const allowed[] = {"email", "source", NULL};
	const char *email = NULL, *source = NULL;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, allowed, &e);

	if (!o || api_str(r, o, "email", &email, &e) || api_str(r, o, "source", &source, &e))
		return api_invalid(r, p, &e);
	return no_content(r, p, send_claim_code(&r->cx, &r->who, r->param, email, source, &why), &why);
}

int
api_admin_verify(struct req *r, struct resp *p)
{
	static const char *const allowed[] = {"board", "licence_number", "licence_checked", NULL};
	const char *board = NULL, *licence = NULL;
	bool checked = false;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, allowed, &e);

	if (!o || api_str(r, o, "board", &board, &e) ||
	    api_str(r, o, "licence_number", &licence, &e) ||
	    jv_bool(o, "licence_checked", false, false, &checked, "", &e))
		return api_invalid(r, p, &e);
	return no_content(r, p, verify_listing(&r->cx, &r->who, r->param, board, licence, checked, &why), &why);
}

int
api_admin_reject(struct req *r, struct resp *p)
{
	struct refusal why;

	return no_content(r, p, reject_claim(&r->cx, &r->who, r->param, &why), &why);
}

int
api_admin_hide(struct req *r, struct resp *p)
{
	struct refusal why;

	return no_content(r, p, hide_listing(&r->cx, &r->who, r->param, true, &why), &why);
}

int
api_admin_unhide(struct req *r, struct resp *p)
{
	struct refusal why;

	return no_content(r, p, hide_listing(&r->cx, &r->who, r->param, false, &why), &why);
}

int
api_admin_remove(struct req *r, struct resp *p)
{
	struct refusal why;

	return no_content(r, p, remove_listing(&r->cx, &r->who, r->param, &why), &why);
}

int
api_admin_merge(struct req *r, struct resp *p)
{
	static const char *const allowed[] = {"from", "into", NULL};
	const char *from = NULL, *into = NULL;
	struct refusal why;
	struct verr e;
	long changed = 0;
	jnode *o = api_body(r, allowed, &e);
	int rc;

	if (!o || api_str(r, o, "from", &from, &e) || api_str(r, o, "into", &into, &e))
		return api_invalid(r, p, &e);
	rc = merge_orgs(&r->cx, &r->who, from, into, &changed, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc || buf_adds(&p->body, "{\"into\":") || buf_json_strz(&p->body, into) ||
	    buf_printf(&p->body, ",\"changed\":%ld}\n", changed))
		return -1;
	return json_response(p, 200);
}
