/*
 * api_feed.c: the signed-in user's private calendar feed in the JSON API.
 *
 *   GET    /api/v1/me/feed   {"active": bool}
 *   POST   /api/v1/me/feed   a new address, {"url"} (201); the old one stops working
 *   DELETE /api/v1/me/feed   no feed any more (204)
 *
 * The address holds the token, shown in this one answer only (the store
 * keeps its hash). The rules are app/feed.c's, shared with the pages.
 */
#include "app/services.h"
#include "web/pages.h"

int
api_feed(struct req *r, struct resp *p)
{
	bool active;
	struct jw w;

	if (feed_active(&r->cx, &r->who, &active))
		return -1;
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_kbool(&w, "active", active);
	jw_obj_close(&w);
	return json_reply(p, &w, 200);
}

int
api_feed_create(struct req *r, struct resp *p)
{
	char *url = arena_alloc(r->a, FEED_URL_MAX);
	struct jw w;

	if (!url || feed_create(&r->cx, &r->who, url) ||
	    resp_header(p, "Location", "/api/v1/me/feed"))
		return -1;
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_kstr(&w, "url", url);
	jw_obj_close(&w);
	return json_reply(p, &w, 201);
}

int
api_feed_revoke(struct req *r, struct resp *p)
{
	if (feed_revoke(&r->cx, &r->who))
		return -1;
	p->status = 204;
	return 0;
}
