/*
 * api_admin.c: the admin's side of listings in the JSON API.
 *
 *   GET  /api/v1/admin/queue                  claims waiting, and hidden listings
 *   POST /api/v1/admin/listings/{id}/code     {"email","source"}: mail the claim's code (204)
 *   POST /api/v1/admin/listings/{id}/verify   {"board","licence_number","licence_checked",
 *                                             "override_reason"}: verify the waiting claim
 *                                             (204; 409 without a reason when its NPI
 *                                             fails its check digit)
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

/* One hidden listing into the writer arg (store's listings_hidden). */
static int
hidden_one(void *arg, const struct store_listing *l)
{
	struct jw *w = arg;

	if (l->created)
		return 0;               /* waiting for its claim: in "claims" */
	jw_obj_open(w);
	jw_kstr(w, "therapist_id", l->therapist_id);
	return jw_obj_close(w);
}

int
api_admin_queue(struct req *r, struct resp *p)
{
	struct claim *q;
	struct refusal why;
	struct jw w;
	int i, n;

	int64_t now = ctx_now(&r->cx);

	if (listing_queue(&r->cx, &r->who, &q, &n))
		return -1;
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_karr_open(&w, "claims");
	for (i = 0; i < n; i++) {
		jw_obj_open(&w);
		jw_kstr(&w, "therapist_id", q[i].l.therapist_id);
		jw_kstr(&w, "name", q[i].name);
		jw_kstr(&w, "claimant", q[i].claimant);
		jw_kbool(&w, "created", q[i].l.created);
		jw_ktime(&w, "claimed_at", q[i].l.claimed_at);
		jw_kstr(&w, "npi_given", q[i].l.npi_given);
		jw_kstr_or_null(&w, "npi_listed", q[i].npi_listed);
		jw_kbool(&w, "npi_valid", q[i].npi_valid);
		jw_kbool(&w, "npi_same", q[i].npi_same);
		jw_kstr(&w, "state", claim_state(&q[i].l, now));
		jw_kstr_or_null(&w, "code_sent_to", q[i].l.contact);
		jw_kstr_or_null(&w, "code_source", q[i].l.contact_source);
		jw_kstr_or_null(&w, "code_sent_by", q[i].sent_by);
		jw_ktime(&w, "code_sent_at", q[i].l.code_sent_at);
		jw_ktime(&w, "code_entered_at", q[i].l.code_ok_at);
		jw_kint(&w, "code_wrong_tries", q[i].l.code_tries);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_karr_open(&w, "hidden");
	if (listings_hidden_list(&r->cx, &r->who, hidden_one, &w, &why))
		return -1;
	jw_arr_close(&w);
	if (listing_verified(&r->cx, &r->who, &q, &n))
		return -1;
	jw_karr_open(&w, "verified");
	for (i = 0; i < n; i++) {
		jw_obj_open(&w);
		jw_kstr(&w, "therapist_id", q[i].l.therapist_id);
		jw_kstr(&w, "name", q[i].name);
		jw_kstr(&w, "claimant", q[i].claimant);
		jw_kstr(&w, "verified_by", q[i].verified_by);
		jw_kstr(&w, "verified_how", q[i].l.verified_how);
		jw_ktime(&w, "verified_at", q[i].l.verified_at);
		jw_kbool(&w, "npi_checked", q[i].l.npi_checked);
		jw_kstr_or_null(&w, "licence_board", q[i].l.licence_board);
		jw_kstr_or_null(&w, "licence_number", q[i].l.licence_number);
		jw_kstr_or_null(&w, "override_reason", q[i].l.override_reason);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	return json_reply(p, &w, 200);
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
	static const char *const allowed[] = {"board", "licence_number", "licence_checked", "override_reason", NULL};
	struct verify_in in = {NULL, NULL, false, NULL};
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, allowed, &e);

	if (!o || api_str(r, o, "board", &in.board, &e) ||
	    api_str(r, o, "licence_number", &in.licence, &e) ||
	    jv_bool(o, "licence_checked", false, false, &in.checked, "", &e) ||
	    api_str(r, o, "override_reason", &in.override_reason, &e))
		return api_invalid(r, p, &e);
	return no_content(r, p, verify_listing_as(&r->cx, &r->who, r->param, &in, &why), &why);
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
	struct jw w;
	long changed = 0;
	jnode *o = api_body(r, allowed, &e);
	int rc;

	if (!o || api_str(r, o, "from", &from, &e) || api_str(r, o, "into", &into, &e))
		return api_invalid(r, p, &e);
	rc = merge_orgs(&r->cx, &r->who, from, into, &changed, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_kstr(&w, "into", into);
	jw_kint(&w, "changed", changed);
	jw_obj_close(&w);
	return json_reply(p, &w, 200);
}
