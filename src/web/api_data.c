/*
 * api_data.c: export and erasure in the JSON API (the pages are
 * page_data.c; the rules app/export.c and app/erasure.c).
 *
 *   POST /api/v1/account/export       {password}: everything kept, one JSON document
 *   POST /api/v1/account/export.ics   {password}: the sessions, as iCalendar
 *   POST /api/v1/account/erase        {password, confirm}: the account closed for good
 *   POST /api/v1/listing/close        {password}: the therapist's listing closed
 *
 * A wrong password is a 403 naming "password", and nothing is exported
 * or changed. An erasure or a closing that failed half-way answers 500
 * with what was done ("done") beside the error.
 */
#include <stdio.h>
#include <time.h>

#include "core/jsonv.h"
#include "app/erasure.h"
#include "app/export.h"
#include "app/services.h"
#include "web/auth.h"
#include "web/pages.h"

static int
attachment(struct req *r, struct resp *p, const char *kind, const char *ext)
{
	char *disp, day[16];
	time_t t = (time_t)ctx_now(&r->cx);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	if (!(disp = arena_alloc(r->a, 80)))
		return -1;
	snprintf(disp, 80, "attachment; filename=\"chiron-%s-%s.%s\"", kind, day, ext);
	return resp_header(p, "Content-Disposition", disp);
}

static int
export_call(struct req *r, struct resp *p, bool ics)
{
	static const char *const keys[] = {"password", NULL};
	const char *pw = NULL;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "password", &pw, &e))
		return api_invalid(r, p, &e);
	rc = ics ? export_ics(&r->cx, &r->who, pw, &p->body, &why)
	         : export_json(&r->cx, &r->who, pw, &p->body, &why);
	if (rc > 0) {
		buf_reset(&p->body);
		return refusal_response(r, p, &why);
	}
	if (rc < 0)
		return -1;
	p->status = 200;
	p->content_type = ics ? "text/calendar; charset=utf-8" : "application/json";
	return attachment(r, p, ics ? "sessions" : "export", ics ? "ics" : "json");
}

int
api_export(struct req *r, struct resp *p)
{
	return export_call(r, p, false);
}

int
api_export_ics(struct req *r, struct resp *p)
{
	return export_call(r, p, true);
}

static void
done(struct jw *w, const struct erase_report *rep)
{
	jw_kobj_open(w, "done");
	jw_kbool(w, "listing_closed", rep->listing_closed);
	jw_kint(w, "sessions_cancelled", rep->cancelled);
	jw_kint(w, "series_ended", rep->series_ended);
	jw_kint(w, "requests_closed", rep->requests_closed);
	jw_kint(w, "waitlists_left", rep->waits_left);
	jw_kbool(w, "signed_out_everywhere", rep->signed_out);
	jw_kbool(w, "audit_entry", rep->audited);
	jw_kbool(w, "data_key_destroyed", rep->key_destroyed);
	jw_kbool(w, "rows_deleted", rep->rows_deleted);
	jw_obj_close(w);
}

/* The answer of an erasure or a closing: rc as the service returned it. */
static int
report_reply(struct req *r, struct resp *p, int rc, const struct erase_report *rep,
             const struct refusal *why)
{
	struct jw w;

	if (rc > 0)
		return refusal_response(r, p, why);
	if (rc < 0 && !rep->failed)
		return -1;
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	if (rc < 0) {
		jw_kobj_open(&w, "error");
		jw_kstr(&w, "field", "");
		jw_kstrf(&w, "message", "something went wrong while %s; nothing after that step was "
		         "done: try again in a few minutes", rep->failed);
		jw_obj_close(&w);
	}
	done(&w, rep);
	jw_obj_close(&w);
	return json_reply(p, &w, rc < 0 ? 500 : 200);
}

int
api_erase(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"password", "confirm", NULL};
	const char *pw = NULL, *confirm = NULL;
	struct erase_report rep;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "password", &pw, &e) || api_str(r, o, "confirm", &confirm, &e))
		return api_invalid(r, p, &e);
	rc = erase_account(&r->cx, &r->who, pw, confirm, &rep, &why);
	/* The sessions are gone from the store; the client forgets its cookie. */
	if (rc == 0 && auth_session_end(r, p, false))
		return -1;
	return report_reply(r, p, rc, &rep, &why);
}

int
api_listing_close(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"password", NULL};
	const char *pw = NULL;
	struct erase_report rep;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "password", &pw, &e))
		return api_invalid(r, p, &e);
	rc = close_listing(&r->cx, &r->who, pw, &rep, &why);
	return report_reply(r, p, rc, &rep, &why);
}
