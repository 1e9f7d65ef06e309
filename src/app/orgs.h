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

#endif
