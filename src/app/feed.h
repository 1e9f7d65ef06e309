/*
 * feed.h: private calendar feeds and the .ics of one appointment
 * (app/feed.c).
 */
#ifndef CHIRON_APP_FEED_H
#define CHIRON_APP_FEED_H

#include <stdbool.h>

#include "core/buf.h"
#include "app/ctx.h"

struct refusal;                         /* app/services.h */

#define FEED_URL_MAX 640                /* public_url/feed/TOKEN.ics */
#define FEED_CANCELLED_DAYS 30          /* a feed shows a cancellation this long */

/*
 * Makes a new private feed address for the signed-in user, written into
 * url (public_url/feed/TOKEN.ics); the old address, if any, stops working.
 * The token is in the address only: the store keeps its hash, so this is
 * the one time it can be shown.
 */
int feed_create(struct ctx *cx, const struct actor *who, char url[FEED_URL_MAX]);
/* Stops the signed-in user's feed (done when there is none). */
int feed_revoke(struct ctx *cx, const struct actor *who);
/* Whether the signed-in user has a feed address. */
int feed_active(struct ctx *cx, const struct actor *who, bool *active);
/*
 * The calendar of the feed address whose last segment is id
 * ("TOKEN.ics"), appended to out; no session needed, the token is the
 * credential. 404 when id is not a live feed's (revoked or replaced).
 */
int feed_calendar(struct ctx *cx, const struct actor *who, const char *id, struct buf *out, struct refusal *why);
/*
 * Appointment id (its decimal text) as a calendar of one event, for its
 * seeker or its therapist, appended to out. 404 for anyone else, exactly
 * as for an appointment that does not exist.
 */
int appointment_ics(struct ctx *cx, const struct actor *who, const char *id, struct buf *out, struct refusal *why);

#endif
