/*
 * directory.h (src/app: what the commands and the server share): opening
 * the directory for matching: the store's records
 * read into a fresh index, with the compact member lists (the shipped ones
 * or an operator's file).
 */
#ifndef CHIRON_APP_DIRECTORY_H
#define CHIRON_APP_DIRECTORY_H

#include <stddef.h>

#include "core/index.h"
#include "store/store.h"

/*
 * Loads compacts from path, or the built-in data/compacts.json when path
 * is NULL. Returns 0, or -1 with the reason in err.
 */
int directory_compacts(const struct taxonomy *tax, const char *path,
                       struct compacts *out, char *err, size_t errlen);

/* Builds the index of everything in st. NULL with the reason in err. */
struct index *directory_index(struct store *st, const struct taxonomy *tax,
                              const struct compacts *cx, char *err,
                              size_t errlen);

/* Listings paused after this many days without a confirmation. */
#define LISTING_STALE_DAYS 45
/* Their therapist is reminded after this many, with a one-click link. */
#define LISTING_REMIND_DAYS 30
#define LISTING_REMIND_LINK_DAYS 30

/*
 * Pauses the index's rows whose claimed listing has not been confirmed
 * for LISTING_STALE_DAYS at time now, and those an admin hid (they count
 * as not accepting). Returns how many, or -1.
 */
long directory_pause_stale(struct store *st, struct index *ix, int64_t now);

/*
 * Merges organization `from` into `into` (an admin removing a duplicate
 * from the registry): every therapist affiliation and every saved seeker
 * profile naming `from` names `into` instead (an affiliation that becomes
 * a duplicate of one the therapist already has is dropped), and `from` is
 * deleted, all in one transaction. *found = 0 when either organization is
 * missing or they are the same (nothing changes); *changed counts the
 * records and profiles rewritten. Saved profiles are sealed: each is
 * opened, rewritten and sealed again (app/profile.c). Returns 0, or -1
 * with store_errmsg().
 */
struct ctx;
int directory_merge_orgs(struct ctx *cx, const char *from, const char *into, int *found,
                         long *changed);

/* Reads a whole file ("-" is stdin) into a malloc'd NUL-ended buffer. */
char *app_read_file(const char *path, size_t *len, char *err, size_t errlen);

#endif
