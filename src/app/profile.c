/*
 * profile.c: a clinician's saved search profile.
 *
 * What it is: the search form's fields as the clinician last saved them
 * (urlencoded: jurisdiction, preferences, free hours, time zone, and the
 * organizations they belong to), so the form opens filled in and every
 * search they make screens out clinicians they share an organization
 * with. It has one state: saved or not; saving replaces it whole, and
 * merging organizations (merge_orgs) rewrites the ids in it.
 *
 * Who: only its owner reads or writes it; the anonymous actor has none.
 * No service shows one account's profile to another, an admin included.
 *
 * What it stores: the fields the owner typed, under their account id.
 * Never: the searches run, the results seen, or the profiles opened.
 */
#include <string.h>

#include "app/services.h"

int
profile_load(struct ctx *cx, const struct actor *who, char *out, size_t n)
{
	if (n)
		out[0] = '\0';
	if (!who->id)
		return 0;
	return STORE_CALL(cx->sv->store, profile_get, who->id, out, n);
}

int
profile_save(struct ctx *cx, const struct actor *who, const char *fields, struct refusal *why)
{
	if (!who->id)
		return refuse(why, 401, "", "sign in to save your search");
	if (!fields)
		fields = "";
	if (strlen(fields) >= PROFILE_MAX)
		return refuse(why, 400, "profile", "this search is too long to save; leave out some "
		                                   "organizations or free hours");
	return STORE_CALL(cx->sv->store, profile_put, who->id, fields, ctx_now(cx));
}
