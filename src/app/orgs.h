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

#endif
