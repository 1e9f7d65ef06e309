/*
 * orgs.c: the organization registry (app/orgs.h). A clinician names the
 * organizations they belong to so that chiron can keep them from being
 * matched with colleagues; when theirs is missing, they add it.
 *
 * States: an organization exists once added (imported, or added here
 * with an id of its own, org-u and 10 hex digits) until an admin merges
 * it into another (merge_orgs, app/listing.c), which rewrites every
 * listing and saved profile naming it.
 *
 * Who: anyone signed in adds one (20 an hour per account, 100 per
 * address); anyone looks one up by name (the type-ahead): the registry
 * is public.
 *
 * What it stores: the name, kind and jurisdiction. Never: who added it,
 * or who looked for which organization (a search for an organization
 * says where a colleague works).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app/live.h"
#include "app/services.h"
#include "app/secret.h"
#include "app/throttle.h"

int
add_org(struct ctx *cx, const struct actor *who, const struct org_in *in, char id[24], struct refusal *why)
{
	const struct taxonomy *tax = cx->sv->tax;
	unsigned char raw[5];
	char party[40];
	struct store_org o;
	size_t n;
	int rc = -1, tries;

	if (!in->name || (n = strlen(in->name)) < 3 || n > 200)
		return refuse(why, 400, "name", "Give the organization's name (3 to 200 characters).");
	if (!in->kind || tax_find(tax, TAX_ORG_KIND, in->kind) < 0)
		return refuse(why, 400, "kind", "Choose what kind of organization it is.");
	if (!in->jurisdiction || tax_find(tax, TAX_JURISDICTION, in->jurisdiction) < 0)
		return refuse(why, 400, "jurisdiction", "Choose its state or province.");
	snprintf(party, sizeof(party), "user:%lld", (long long)who->id);
	if (throttled_party(cx, "org-add", party, 20, 3600) ||
	    throttled_address(cx, who, "org-add", 100, 3600)) {
		refuse(why, 429, "", "You added many organizations in the last hour; try again later.");
		why->retry_after = 3600;
		return 1;
	}
	/* 40 random bits: a clash is rare, three in a row never happen. */
	for (tries = 0; tries < 3; tries++) {
		randombytes_buf(raw, sizeof(raw));
		snprintf(id, 24, "org-u%02x%02x%02x%02x%02x", raw[0], raw[1], raw[2], raw[3], raw[4]);
		o.id = id;
		o.name = in->name;
		o.kind = in->kind;
		o.jurisdiction = in->jurisdiction;
		rc = STORE_CALL(cx->sv->store, org_add, &o);
		if (rc != STORE_EXISTS)
			break;
	}
	/* The index takes organizations' kinds from the registry it was built
	 * from (a listing's delta too: core/index.c, note 9): a new base, in
	 * the background, knows this one. */
	if (rc == 0)
		live_changed(cx->sv->live);
	return rc ? -1 : 0;
}

int
orgs_search(struct ctx *cx, const struct actor *who, const char *q, store_org_fn fn, void *arg, struct refusal *why)
{
	(void)who;                      /* the registry is public */
	if (!q || strlen(q) < 2)
		return refuse(why, 400, "q", "give at least two characters of the organization's name");
	if (strlen(q) > 100)
		return refuse(why, 400, "q", "is longer than 100 characters");
	return STORE_CALL(cx->sv->store, orgs_find, q, ORGS_FOUND_MAX, fn, arg);
}
