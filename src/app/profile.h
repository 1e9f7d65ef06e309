/*
 * profile.h: a clinician's saved search profile (app/profile.c).
 */
#ifndef CHIRON_APP_PROFILE_H
#define CHIRON_APP_PROFILE_H

#include <stddef.h>

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

#endif
