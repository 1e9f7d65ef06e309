/*
 * privacy.h: everything chiron keeps about people, as one table
 * (app/privacy.c). The privacy page (web/page_home.c) renders it, and a
 * test (tests/test_privacy.c) fails when a table of the store is named by
 * no item, or an item names a table the store does not have: what the
 * page says cannot drift from what the database holds.
 */
#ifndef CHIRON_APP_PRIVACY_H
#define CHIRON_APP_PRIVACY_H

#include <stddef.h>

/* The groups of items, in the order the page shows them. */
enum privacy_group {
	PRIV_ACCOUNT,                   /* your account and signing in */
	PRIV_SEARCH,                    /* searching */
	PRIV_THERAPY,                   /* writing to and booking a therapist */
	PRIV_LISTING,                   /* therapists' listings */
	PRIV_RUNNING,                   /* running the service */
	PRIV__MAX
};
extern const char *const privacy_group_names[PRIV__MAX];

/* One thing kept (or, with no tables, one thing that is not), in plain
 * words for the person it is about. */
struct privacy_item {
	enum privacy_group group;
	const char *what;               /* what it is */
	const char *why;                /* why it is kept */
	const char *who;                /* who can see it */
	const char *how_long;           /* for how long; when it is deleted */
	const char *tables;             /* the store's tables it covers, space-separated;
	                                 * "" when it is not in the store (not kept,
	                                 * or a file such as the access log) */
};

extern const struct privacy_item privacy_items[];
extern const size_t n_privacy_items;

/* Does some item name table (one of its space-separated words)? */
int privacy_names_table(const char *table);

#endif
