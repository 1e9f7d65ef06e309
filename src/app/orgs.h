/*
 * orgs.h: the organization registry (app/orgs.c): anyone signed in adds
 * a missing organization, anyone looks one up by name.
 */
#ifndef CHIRON_APP_ORGS_H
#define CHIRON_APP_ORGS_H

#include "app/ctx.h"

struct refusal;                         /* app/services.h */

struct org_in {
	const char *name, *kind, *jurisdiction;
};

/* Adds an organization; its new id (org-u + 10 hex digits) goes into id. */
int add_org(struct ctx *cx, const struct actor *who, const struct org_in *in, char id[24], struct refusal *why);

#define ORGS_FOUND_MAX 20               /* organizations a search names */

/*
 * The organizations whose name contains q (2 to 100 bytes, any case), by
 * name, at most ORGS_FOUND_MAX, through fn. 400 on "q". Anyone may ask.
 */
int orgs_search(struct ctx *cx, const struct actor *who, const char *q, store_org_fn fn, void *arg,
                struct refusal *why);

#define ORGS_RESOLVE_MAX 50             /* hits orgs_resolve gives at most */

/* A registry organization as a person sees it. */
struct org_hit {
	char id[24];            /* never shown on a page */
	char name[200];
	char kind[32];          /* the registry's kind, e.g. "hospital", "consultation_group" */
	char place[80];         /* its jurisdiction as words, "Washington", or "" */
};

enum org_fit {
	ORG_NONE,               /* nothing by that name: nothing to screen */
	ORG_ONE,                /* one organization: out[0] */
	ORG_SEVERAL,            /* several fit: ask which (out[0..n-1]) */
	ORG_DECLARED,           /* not in the registry as typed, but organizations therapists
	                         * declared have that name loosely: out[0..n-1], all screened */
};

/*
 * What a person typed as an organization's name (1 to 200 characters), matched against the
 * registry: case, punctuation, spacing, "St."/"Saint", "Univ."/"University", "Ctr"/"Center",
 * "Med."/"Medical", "Hosp."/"Hospital", "Dept."/"Department", "Assn."/"Assoc."/"Association",
 * "Inst."/"Institute", "&"/"and", a leading "The", and abbreviations by initials ("UW" for
 * "University of Washington", "VA" for "Veterans Affairs") do not matter. Up to max hits in
 * out, *n of them, and how they fit in *fit. 400 on field "org" when typed is empty or too
 * long. Anyone may ask (who may be anonymous): the registry is public, searching it reveals
 * nothing, and nothing typed is stored or logged.
 */
int orgs_resolve(struct ctx *cx, const struct actor *who, const char *typed, struct org_hit *out,
                 int max, int *n, enum org_fit *fit, struct refusal *why);

/* The registry's name of an organization id (for showing saved profiles and listings by name):
 * 0 with hit filled, 1 when there is no such organization (404). */
int org_get(struct ctx *cx, const struct actor *who, const char *id, struct org_hit *hit,
            struct refusal *why);

#endif
