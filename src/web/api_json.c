/*
 * api_json.c: what every authenticated API resource shares: reading a
 * JSON body with the strict reader (core/json.h), answering its 400
 * naming the field, and writing the objects several answers hold (the
 * signed-in user).
 *
 * A body is read for its types only (a string is a string, a flag true or
 * false, no unknown keys); the rules (lengths, codes, ownership) are the
 * services' (app/services.h), so the API and the pages refuse the same things
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
api_session(struct req *r, struct resp *p, int status)
{
	const struct actor *u = &r->who;
	struct jw w;

	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_kobj_open(&w, "user");
	jw_kstr(&w, "handle", u->handle);
	jw_kstr(&w, "role", role_name(u->role));
	jw_kstr_or_null(&w, "therapist_id", u->therapist_id);
	jw_obj_close(&w);
	jw_kstr(&w, "csrf", r->user->csrf);
	jw_obj_close(&w);
	return json_reply(p, &w, status);
}

