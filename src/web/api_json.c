/*
 * api_json.c: what every authenticated API resource shares: reading a
 * JSON body with the strict reader (core/json.h), answering its 400
 * naming the field, and writing the objects several answers hold (the
 * signed-in user, instants).
 *
 * A body is read for its types only (a string is a string, a flag true or
 * false, no unknown keys); the rules (lengths, codes, ownership) are the
 * actions' (actions.h), so the API and the pages refuse the same things
 * in the same words.
 */
#include <string.h>
#include <time.h>

#include "core/jsonv.h"
#include "core/tz.h"
#include "web/pages.h"


/* No string of a body is refused for length here: the body is 1 MiB at most. */
#define STR_ANY ((size_t)1 << 20)

jnode *
api_body(struct req *r, const char *const *allowed, struct verr *e)
{
	jnode *o;

	verr_clear(e);
	/* No body at all reads as {}: the action then names what is missing. */
	if (r->body_len == 0)
		return jv_parse("{}", 2, r->a, e);
	o = jv_parse(r->body, r->body_len, r->a, e);
	if (o && jv_keys(o, allowed, "", e))
		return NULL;
	return o;
}

int
api_str(struct req *r, jnode *o, const char *key, const char **out, struct verr *e)
{
	return jv_str(o, key, false, STR_ANY, r->a, out, "", e);
}

int
api_invalid(struct req *r, struct resp *p, const struct verr *e)
{
	struct refusal why;

	return refusal_response(r, p, refusal_of_verr(r, 400, e, &why));
}

int
api_time(struct buf *b, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];

	if (!t)
		return buf_adds(b, "null");
	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "\"%Y-%m-%dT%H:%M:%SZ\"", &tm);
	return buf_adds(b, s);
}

int
api_session(struct req *r, struct resp *p, int status)
{
	const struct actor *u = &r->who;
	struct buf *b = &p->body;

	if (buf_adds(b, "{\"user\":{\"handle\":") || buf_json_strz(b, u->handle) ||
	    buf_adds(b, ",\"role\":") || buf_json_strz(b, role_name(u->role)) ||
	    buf_adds(b, ",\"therapist_id\":") ||
	    (u->therapist_id[0] ? buf_json_strz(b, u->therapist_id) : buf_adds(b, "null")) ||
	    buf_adds(b, "},\"csrf\":") || buf_json_strz(b, r->user->csrf) || buf_adds(b, "}\n"))
		return -1;
	return json_response(p, status);
}

