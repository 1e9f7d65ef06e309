/*
 * api_orgs.c: the organization registry in the JSON API.
 *
 *   GET  /api/v1/orgs?q=   type-ahead: organizations whose name holds q,
 *                          and how q fits as a name (orgs_resolve: fit,
 *                          resolved)
 *   POST /api/v1/orgs      a signed-in user adds a missing one (201)
 *
 * Adding follows app/orgs.c's rules, shared with the form (page_orgs.c).
 */
#include <string.h>

#include "app/services.h"
#include "web/pages.h"

/* One organization into the writer arg (store's orgs_find). */
static int
org_json(void *arg, const struct store_org *o)
{
	struct jw *w = arg;

	jw_obj_open(w);
	jw_kstr(w, "id", o->id);
	jw_kstr(w, "name", o->name);
	jw_kstr(w, "kind", o->kind);
	return jw_obj_close(w);
}

int
api_orgs(struct req *r, struct resp *p)
{
	static const char *const fit_names[] = {"none", "one", "several", "declared"};
	struct org_hit *hit = arena_calloc(r->cx.a, ORGS_FOUND_MAX, sizeof(*hit));
	enum org_fit fit;
	struct refusal why;
	struct jw w;
	int rc, n, i;

	if (!hit)
		return -1;
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_karr_open(&w, "orgs");
	rc = orgs_search(&r->cx, &r->who, req_arg(r, "q"), org_json, &w, &why);
	if (rc)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	jw_arr_close(&w);
	/* The same text read as a name, as the search form reads it. */
	rc = orgs_resolve(&r->cx, &r->who, req_arg(r, "q"), hit, ORGS_FOUND_MAX, &n, &fit, &why);
	if (rc)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	jw_kstr(&w, "fit", fit_names[fit]);
	jw_karr_open(&w, "resolved");
	for (i = 0; i < n; i++) {
		jw_obj_open(&w);
		jw_kstr(&w, "id", hit[i].id);
		jw_kstr(&w, "name", hit[i].name);
		jw_kstr(&w, "kind", hit[i].kind);
		jw_kstr(&w, "place", hit[i].place);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	return json_reply(p, &w, 200);
}

int
api_orgs_add(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"name", "kind", "jurisdiction", NULL};
	struct org_in in;
	struct refusal why;
	struct verr e;
	struct jw w;
	char id[24];
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "name", &in.name, &e) || api_str(r, o, "kind", &in.kind, &e) ||
	    api_str(r, o, "jurisdiction", &in.jurisdiction, &e))
		return api_invalid(r, p, &e);
	rc = add_org(&r->cx, &r->who, &in, id, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_kstr(&w, "id", id);
	jw_kstr(&w, "name", in.name);
	jw_kstr(&w, "kind", in.kind);
	jw_kstr(&w, "jurisdiction", in.jurisdiction);
	jw_obj_close(&w);
	return json_reply(p, &w, 201);
}
