/*
 * api_json.c: what every authenticated API resource shares: reading a
 * JSON body with the strict reader (core/json.h), answering its 400
 * naming the field, and writing the objects several answers hold (the
 * signed-in user).
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

#define DAY 86400

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
	error_response(r, p, 400, e->field, e->msg);
	return 0;
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

/* "2026-12-01T18:00:00Z" or with a +HH:MM / -HH:MM offset. */
int
web_parse_instant(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, n = 0;
	char sign = 'Z';

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5)
		return -1;
	s += n;
	if (*s == ':') {
		if (sscanf(s, ":%2d%n", &sec, &n) != 1)
			return -1;
		s += n;
	}
	if (*s == 'Z' || *s == 'z')
		s++;
	else if ((*s == '+' || *s == '-') && sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) == 2) {
		sign = *s;
		s += 1 + n;
	} else
		return -1;
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 || oh > 23 ||
	    om > 59)
		return -1;
	*out = tz_days_from_civil(y, (unsigned)mo, (unsigned)d) * DAY + h * 3600 + mi * 60 + sec;
	if (sign == '+')
		*out -= oh * 3600 + om * 60;
	else if (sign == '-')
		*out += oh * 3600 + om * 60;
	return 0;
}

/* "YYYY-MM-DD" as days since 1970-01-01. */
int
web_parse_day(const char *s, int64_t *out)
{
	int y, m, d, n = 0;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] || m < 1 || m > 12 || d < 1 ||
	    d > 31)
		return -1;
	*out = tz_days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

