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
 * What it stores: the fields the owner typed, under their account id,
 * sealed (issue 11, app/seal.h) under the owner's data key for
 * "seeker_profile.fields#<their id>": the organizations a clinician
 * belongs to say who they are. Never: the searches run, the results
 * seen, or the profiles opened.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/buf.h"
#include "app/seal.h"
#include "app/services.h"

int
profile_open(struct ctx *cx, int64_t uid, const void *sealed, size_t n, struct buf *out)
{
	enum seal_result r = seal_open_id(cx, "seeker_profile", "fields", uid, sealed, n, out, NULL);

	if (r == SEAL_GONE)
		return 0;               /* erased: no profile */
	if (r != SEAL_OK)
		return seal_failed("the saved search of account %lld", (long long)uid);
	return 0;
}

int
profile_seal(struct ctx *cx, int64_t uid, const char *fields, struct buf *out)
{
	int64_t kid;

	if (seal_user_key(cx, uid, &kid))
		return -1;
	return seal_put_id(cx, kid, "seeker_profile", "fields", uid, fields, strlen(fields), out);
}

int
profile_load(struct ctx *cx, const struct actor *who, char *out, size_t n)
{
	if (n)
		out[0] = '\0';
	if (!who->id)
		return 0;
	return profile_of(cx, who->id, out, n);
}

int
profile_of(struct ctx *cx, int64_t uid, char *out, size_t n)
{
	struct buf stored = BUF_INIT, plain = BUF_INIT;
	int sealed = 1, rc;

	if (n)
		out[0] = '\0';
	rc = STORE_CALL(cx->sv->store, profile_get, uid, &stored, &sealed);
	if (rc == 0 && stored.len) {
		if (!sealed)                    /* a row from before issue 11 */
			snprintf(out, n, "%s", stored.p);
		else if ((rc = profile_open(cx, uid, stored.p, stored.len, &plain)) == 0)
			snprintf(out, n, "%s", plain.p ? plain.p : "");
	}
	if (plain.p)
		sodium_memzero(plain.p, plain.len);
	buf_free(&plain);
	buf_free(&stored);
	return rc;
}

int
profile_save(struct ctx *cx, const struct actor *who, const char *fields, struct refusal *why)
{
	struct buf sealed = BUF_INIT;
	int rc;

	if (!who->id)
		return refuse(why, 401, "", "sign in to save your search");
	if (!fields)
		fields = "";
	if (strlen(fields) >= PROFILE_MAX)
		return refuse(why, 400, "profile", "this search is too long to save; leave out some "
		                                   "organizations or free hours");
	rc = profile_seal(cx, who->id, fields, &sealed) ||
	     STORE_CALL(cx->sv->store, profile_put, who->id, sealed.p, sealed.len, ctx_now(cx));
	buf_free(&sealed);
	return rc ? -1 : 0;
}

/* ----------------------------------------------------------------------
 * Rows from before issue 11
 * ---------------------------------------------------------------------- */

struct clear_profile {
	int64_t uid;
	char *fields;
};

struct clear_profiles {
	struct clear_profile *v;
	size_t n, cap;
	int err;
};

static int
collect_profile(void *arg, int64_t uid, const char *fields)
{
	struct clear_profiles *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct clear_profile *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return l->err = 1;
		l->v = v, l->cap = cap;
	}
	if (!(l->v[l->n].fields = strdup(fields)))
		return l->err = 1;
	l->v[l->n++].uid = uid;
	return 0;
}

int
profiles_seal_legacy(struct ctx *cx)
{
	struct clear_profiles l = {0};
	int rc;

	rc = STORE_CALL(cx->sv->store, profiles_legacy, collect_profile, &l);
	if (rc == 0 && l.err)
		store_error("out of memory"), rc = -1;
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		struct buf sealed = BUF_INIT;

		if (profile_seal(cx, l.v[i].uid, l.v[i].fields, &sealed) ||
		    STORE_CALL(cx->sv->store, profile_put, l.v[i].uid, sealed.p, sealed.len,
		                                  ctx_now(cx)))
			rc = -1;
		buf_free(&sealed);
	}
	for (size_t i = 0; i < l.n; i++) {
		sodium_memzero(l.v[i].fields, strlen(l.v[i].fields));
		free(l.v[i].fields);
	}
	free(l.v);
	return rc;
}
