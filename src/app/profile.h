/*
 * profile.h: a clinician's saved search profile (app/profile.c).
 */
#ifndef CHIRON_APP_PROFILE_H
#define CHIRON_APP_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "app/ctx.h"

struct refusal;                         /* app/services.h */

#define FREE_HOURS_MAX 14               /* free-hour windows of the search form and a saved profile */
#define PROFILE_MAX 4000                /* a saved profile is shorter than this */

/*
 * The signed-in user's saved profile (urlencoded search-form fields, the
 * organizations included) copied into out (n bytes); "" when none is
 * saved or no one is signed in.
 */
int profile_load(struct ctx *cx, const struct actor *who, char *out, size_t n);
/*
 * Replaces the signed-in user's saved profile with fields (urlencoded).
 * 401 for the anonymous actor; 400 on "profile" when it is PROFILE_MAX
 * bytes or longer (nothing stored).
 */
int profile_save(struct ctx *cx, const struct actor *who, const char *fields, struct refusal *why);

/* The saved profile of account uid, for the services that act on it
 * (the waitlist's free hours): no actor check, the caller's rules do it. */
int profile_of(struct ctx *cx, int64_t uid, char *out, size_t n);

struct buf;
/*
 * A saved profile as stored for account uid, opened (appended to out,
 * NUL-terminated; nothing when its owner erased their account), and
 * sealed (fields appended to out sealed). -1 when it does not open
 * (seal_failed) or the store fails. For the organization merge, which
 * rewrites every profile.
 */
int profile_open(struct ctx *cx, int64_t uid, const void *sealed, size_t n, struct buf *out);
int profile_seal(struct ctx *cx, int64_t uid, const char *fields, struct buf *out);
/* Seals the saved profiles of a database from before issue 11 (people_seal_legacy). */
int profiles_seal_legacy(struct ctx *cx);

#endif
