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
 *
 * Design notes: organizations by name (orgs_resolve).
 *
 * 1. What a person types is normalized (core/orgname.c): case,
 *    punctuation and spacing go; "St." is "saint", "Univ." "university",
 *    "Ctr" "center", "Med." "medical", "Hosp." "hospital", "Dept."
 *    "department", "Assn."/"Assoc." "association", "Inst." "institute",
 *    "&" "and"; a leading "The" goes; apostrophes go inside words
 *    ("St. Mary's" and "Saint Marys" are both "saint marys"); letters in
 *    a row are one word ("U.W." is "uw").
 *
 * 2. The registry's names are normalized the same way, once per build of
 *    the live index (app/live.c builds them beside it; an added or merged
 *    organization asks for a build), into an index: the names sorted, and
 *    for every word and every run of initials of 2 to 8 significant words
 *    ("of", "and", "for", "the", "at", "in", "on", "a" skipped) the
 *    organizations that have it. Reading it takes no lock: it is the
 *    snapshot's, immutable, and freed with it.
 *
 * 3. The fits, the first that any organization has wins:
 *    - ORG_ONE / ORG_SEVERAL on an exact normalized name: one such
 *      organization is ORG_ONE even when longer names contain it ("Seattle
 *      VA Medical Center" beside "... Annex"); several with the same name
 *      (in different states) are ORG_SEVERAL;
 *    - then the whole name read word by word, each word typed either a
 *      word of the name or the initials of a run of its words, small words
 *      skippable on either side: "UW" is "University of Washington",
 *      "Seattle VA Medical Center" is "Seattle Veterans Affairs Medical
 *      Center", "University Washington" is "University of Washington":
 *      one is ORG_ONE, several ORG_SEVERAL;
 *    - then the beginning of names read the same way ("Seattle VA",
 *      "UW" for "UW Medicine"): ORG_SEVERAL, even for one, so the person
 *      says which;
 *    - then ORG_DECLARED, loosely: every significant word typed is a word
 *      of the name, or the initials of a run in it, in any order, among
 *      the organizations at least one listing is affiliated with (the
 *      others screen nobody). A single word typed fits loosely only as
 *      initials ("CBT"), never as a word ("Psychological" is in too many
 *      names). All of them are screened, so the page need not ask.
 *    Within a fit: fewer words first, then the shorter name, then by
 *    letter. At most max (and ORGS_RESOLVE_MAX) come back.
 *
 * 4. Cost: an exact name is one binary search. Other fits take the
 *    shortest list of the words typed, keep the organizations every other
 *    word's list has (binary searches), and read each of those words
 *    against the name. `chiron bench-names --db` measures it on a
 *    registry; on the 50,000 organizations of the 1M directory an exact
 *    name takes microseconds and a loose two-word name under a millisecond
 *    at the median.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app/live.h"
#include "app/services.h"
#include "app/secret.h"
#include "app/throttle.h"
#include "app/live.h"
#include "core/orgname.h"

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
	if (rc)
		return -1;
	/* The index takes organizations' kinds and names from the registry it
	 * was built from (a listing's delta too: core/index.c, note 9): a new
	 * base, built in the background, knows this one and carries its name to
	 * orgs_resolve. No wait here: who added it goes on with their form. */
	live_changed(cx->sv->live);
	return 0;
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

/* ------------------------------------------------------------------ */
/* Organizations by name                                               */

static void
hit_of(const struct taxonomy *tax, const struct store_org *o, struct org_hit *h)
{
	int j = o->jurisdiction ? tax_find(tax, TAX_JURISDICTION, o->jurisdiction) : -1;

	memset(h, 0, sizeof(*h));
	snprintf(h->id, sizeof(h->id), "%s", o->id);
	snprintf(h->name, sizeof(h->name), "%s", o->name);
	snprintf(h->kind, sizeof(h->kind), "%s", o->kind ? o->kind : "");
	snprintf(h->place, sizeof(h->place), "%s", j >= 0 ? tax_label(tax, TAX_JURISDICTION, j) : "");
}

struct got_one {
	const struct taxonomy *tax;
	struct org_hit *hit;
	int found;
};

static int
got_one(void *arg, const struct store_org *o)
{
	struct got_one *g = arg;

	hit_of(g->tax, o, g->hit);
	g->found = 1;
	return 0;
}

int
org_get(struct ctx *cx, const struct actor *who, const char *id, struct org_hit *hit, struct refusal *why)
{
	struct got_one g = {cx->sv->tax, hit, 0};

	(void)who;                      /* the registry is public */
	if (!id || !*id || strlen(id) >= sizeof(hit->id))
		return refuse(why, 404, "org", "There is no such organization.");
	if (STORE_CALL(cx->sv->store, org_get, id, got_one, &g))
		return -1;
	if (!g.found)
		return refuse(why, 404, "org", "There is no such organization.");
	return 0;
}

/* Whether organization number org of the index has a listing affiliated with it. */
static int
declared(void *arg, uint32_t org)
{
	const struct index *ix = arg;

	return org < ix->n_orgs && ix->org_start[org + 1] > ix->org_start[org];
}

/* Where the registry places org id: its jurisdiction's words, or "". */
static void
place_of(struct ctx *cx, struct org_hit *h)
{
	struct org_hit row;
	struct got_one g = {cx->sv->tax, &row, 0};

	if (STORE_CALL(cx->sv->store, org_get, h->id, got_one, &g) == 0 && g.found)
		memcpy(h->place, row.place, sizeof(h->place));
}

int
orgs_resolve(struct ctx *cx, const struct actor *who, const char *typed, struct org_hit *out,
             int max, int *n, enum org_fit *fit, struct refusal *why)
{
	const struct index *ix;
	enum orgname_fit f;
	uint32_t found[ORGS_RESOLVE_MAX];
	size_t len;
	int hits, i;

	(void)who;                      /* the registry is public */
	*n = 0;
	*fit = ORG_NONE;
	if (!typed || (len = strlen(typed)) == 0 || len > 200)
		return refuse(why, 400, "org", "Give the organization's name (1 to 200 characters).");
	if (max < 1)
		return 0;
	if (max > ORGS_RESOLVE_MAX)
		max = ORGS_RESOLVE_MAX;
	ix = ctx_index(cx);
	hits = orgname_find(cx->snap->names, typed, len, declared, (void *)ix, found, max, &f);
	if (hits <= 0)
		return 0;
	for (i = 0; i < hits && i < max; i++) {
		int k = ix->org_kind[found[i]];

		memset(&out[i], 0, sizeof(out[i]));
		snprintf(out[i].id, sizeof(out[i].id), "%s", ix->org_id[found[i]]);
		snprintf(out[i].name, sizeof(out[i].name), "%s", ix->org_name[found[i]]);
		snprintf(out[i].kind, sizeof(out[i].kind), "%s",
		         k < KIND__MAX ? tax_code(cx->sv->tax, TAX_ORG_KIND, k) : "");
		place_of(cx, &out[i]);
	}
	*n = i;
	switch (f) {
	case ORGNAME_EXACT:
	case ORGNAME_WHOLE:
		*fit = hits == 1 ? ORG_ONE : ORG_SEVERAL;
		break;
	case ORGNAME_PREFIX:
		*fit = ORG_SEVERAL;
		break;
	case ORGNAME_LOOSE:
		*fit = ORG_DECLARED;
		break;
	default:
		*fit = ORG_NONE;
		*n = 0;
	}
	return 0;
}
