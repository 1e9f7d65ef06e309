/*
 * api_feed.c: the signed-in user's private calendar feed in the JSON API.
 *
 *   GET    /api/v1/me/feed   {"active": bool}
 *   POST   /api/v1/me/feed   a new address, {"url"} (201); the old one stops working
 *   DELETE /api/v1/me/feed   no feed any more (204)
 *
 * The address holds the token, shown in this one answer only (the store
 * keeps its hash). The rules are act_feed.c's, shared with the pages.
 */
#include "app/services.h"
#include "web/pages.h"

int
api_feed(struct req *r, struct resp *p)
{
	bool active;

	if (feed_active(&r->cx, &r->who, &active) ||
	    buf_adds(&p->body, active ? "{\"active\":true}\n" : "{\"active\":false}\n"))
		return -1;
	return json_response(p, 200);
}

int
api_feed_create(struct req *r, struct resp *p)
{
	char *url = arena_alloc(r->a, FEED_URL_MAX);

	if (!url || feed_create(&r->cx, &r->who, url) || buf_adds(&p->body, "{\"url\":") ||
	    buf_json_strz(&p->body, url) || buf_adds(&p->body, "}\n") ||
	    resp_header(p, "Location", "/api/v1/me/feed"))
		return -1;
	return json_response(p, 201);
}

int
api_feed_revoke(struct req *r, struct resp *p)
{
	if (feed_revoke(&r->cx, &r->who))
		return -1;
	p->status = 204;
	return 0;
}
