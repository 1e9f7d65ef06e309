/*
 * api_orgs.c: the organization registry in the JSON API.
 *
 *   GET  /api/v1/orgs?q=   type-ahead: organizations whose name holds q
 *   POST /api/v1/orgs      a signed-in user adds a missing one (201)
 *
 * Adding follows act_orgs.c's rules, shared with the form (page_orgs.c).
 */
#include <string.h>

#include "app/services.h"
#include "web/pages.h"

struct orgs_out {
	struct buf *b;
	int n, err;
};

static int
org_json(void *arg, const struct store_org *o)
{
	struct orgs_out *x = arg;

	if (buf_adds(x->b, x->n++ ? ",{\"id\":" : "{\"id\":") || buf_json_strz(x->b, o->id) ||
	    buf_adds(x->b, ",\"name\":") || buf_json_strz(x->b, o->name) ||
	    buf_adds(x->b, ",\"kind\":") || buf_json_strz(x->b, o->kind) || buf_addc(x->b, '}'))
		x->err = 1;
	return x->err;
}

int
api_orgs(struct req *r, struct resp *p)
{
	struct orgs_out x = {&p->body, 0, 0};
	struct refusal why;
	int rc;

	if (buf_adds(&p->body, "{\"orgs\":["))
		return -1;
	rc = orgs_search(&r->cx, &r->who, req_arg(r, "q"), org_json, &x, &why);
	if (rc > 0) {
		buf_reset(&p->body);
		return refusal_response(r, p, &why);
	}
	if (rc || x.err || buf_adds(&p->body, "]}\n"))
		return -1;
	return json_response(p, 200);
}

int
api_orgs_add(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"name", "kind", "jurisdiction", NULL};
	struct buf *b = &p->body;
	struct org_in in;
	struct refusal why;
	struct verr e;
	char id[24];
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "name", &in.name, &e) || api_str(r, o, "kind", &in.kind, &e) ||
	    api_str(r, o, "jurisdiction", &in.jurisdiction, &e))
		return api_invalid(r, p, &e);
	rc = add_org(&r->cx, &r->who, &in, id, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc || buf_adds(b, "{\"id\":") || buf_json_strz(b, id) || buf_adds(b, ",\"name\":") ||
	    buf_json_strz(b, in.name) || buf_adds(b, ",\"kind\":") || buf_json_strz(b, in.kind) ||
	    buf_adds(b, ",\"jurisdiction\":") || buf_json_strz(b, in.jurisdiction) ||
	    buf_adds(b, "}\n"))
		return -1;
	return json_response(p, 201);
}
