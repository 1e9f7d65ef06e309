/*
 * api_activity.c: who used the signed-in person's data, in the JSON API.
 *
 *   GET /api/v1/account/activity[?before=N]
 *
 * {"entries": [{"at", "kind", "text"}...], "next"}: the entries of the
 * audit trail about the caller (app/audit.c), newest first, fifty a
 * page; "next" is the before of the next page, or null. "text" is the
 * sentence the account page shows (names, never ids).
 */
#include "app/services.h"
#include "core/jw.h"
#include "web/pages.h"

int
api_activity(struct req *r, struct resp *p)
{
	struct audit_seen *v;
	struct refusal why;
	struct jw w;
	int64_t before = req_int(r, "before", 0), next = 0;
	int n, i, rc;

	rc = audit_activity(&r->cx, &r->who, before, &v, &n, &next, &why);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return refusal_response(r, p, &why);
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_karr_open(&w, "entries");
	for (i = 0; i < n; i++) {
		jw_obj_open(&w);
		jw_ktime(&w, "at", v[i].at);
		jw_kstr(&w, "kind", audit_kind_name(v[i].kind));
		jw_kstr(&w, "text", v[i].text);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	if (next)
		jw_kint(&w, "next", next);
	else
		jw_knull(&w, "next");
	jw_obj_close(&w);
	return json_reply(p, &w, 200);
}
