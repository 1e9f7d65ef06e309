/*
 * api_standing.c: a therapist's hold on their listing in the JSON API.
 *
 *   GET  /api/v1/listing           its standing (claimed, verified and
 *                                  confirmed times, paused, hidden, late requests)
 *   POST /api/v1/listing/claim     claim a listing by its id and NPI (201)
 *   POST /api/v1/listing/code      {"code"}: the one-time code mailed to the
 *                                  practice, proving the claim (200)
 *   POST /api/v1/listing/confirm   "my listing is current" (200)
 *
 * A claim waiting for verification has a standing too (its "state"), but
 * the account holds no listing until it is verified.
 *
 * The rules are app/listing.c's, shared with the pages. Editing the
 * listing's fields is another resource's (PUT /api/v1/listing); this file
 * is named for the standing so the two stay apart.
 */
#include "core/jsonv.h"
#include "app/services.h"
#include "web/pages.h"

/* Answers status with the standing of the signed-in therapist's listing,
 * or of their claim while it waits. */
static int
standing_response(struct req *r, struct resp *p, int status)
{
	const char *tid = r->who.claim_id;
	struct standing s;
	struct jw w;

	if (!tid[0] || listing_standing_get(&r->cx, &r->who, tid, &s))
		return -1;
	if (!s.claimed || s.l.user != r->who.id) {
		error_response(r, p, 404, "", "this account holds no listing; claim one first");
		return 0;
	}
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_kstr(&w, "therapist_id", tid);
	jw_kstr(&w, "state", s.state);
	jw_ktime(&w, "claimed_at", s.l.claimed_at);
	jw_ktime(&w, "verified_at", s.l.verified_at);
	jw_ktime(&w, "confirmed_at", s.l.confirmed_at);
	jw_kbool(&w, "paused", s.paused);
	jw_kbool(&w, "hidden", s.hidden);
	jw_kint(&w, "late_requests", s.late);
	jw_obj_close(&w);
	return json_reply(p, &w, status);
}

int
api_listing(struct req *r, struct resp *p)
{
	if (!r->who.claim_id[0]) {
		error_response(r, p, 404, "", "this account holds no listing; claim one first");
		return 0;
	}
	return standing_response(r, p, 200);
}

int
api_listing_claim(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"therapist_id", "npi", "npi_as_typed", NULL};
	const char *tid, *npi;
	bool as_typed = false;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "therapist_id", &tid, &e) || api_str(r, o, "npi", &npi, &e) ||
	    jv_bool(o, "npi_as_typed", false, false, &as_typed, "", &e))
		return api_invalid(r, p, &e);
	rc = claim_listing_as(&r->cx, &r->who, tid, npi, as_typed, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc || resp_header(p, "Location", "/api/v1/listing"))
		return -1;
	return standing_response(r, p, 201);
}

int
api_listing_code(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"code", NULL};
	const char *code = NULL;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "code", &code, &e))
		return api_invalid(r, p, &e);
	rc = enter_claim_code(&r->cx, &r->who, code, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	return standing_response(r, p, 200);
}

int
api_listing_confirm(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = confirm_listing(&r->cx, &r->who, &why);

	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	return standing_response(r, p, 200);
}

int
api_listing_confirm_token(struct req *r, struct resp *p)
{
	static const char *const allowed[] = {"token", NULL};
	const char *token = NULL;
	struct refusal why;
	struct verr e;
	char tid[72];
	jnode *o = api_body(r, allowed, &e);
	int rc;

	if (!o || api_str(r, o, "token", &token, &e))
		return api_invalid(r, p, &e);
	rc = confirm_by_token(&r->cx, &r->who, token, tid, &why);
	return no_content(r, p, rc, &why);
}
