/*
 * export.h: everything chiron keeps about the signed-in person, as one
 * JSON document and their sessions as one calendar (app/export.c): the
 * right of access and to portability (GDPR articles 15 and 20).
 */
#ifndef CHIRON_APP_EXPORT_H
#define CHIRON_APP_EXPORT_H

#include "core/buf.h"
#include "app/ctx.h"

struct refusal;                         /* app/services.h */

/*
 * Appends the export of who to out as one JSON object (docs/security.md,
 * "Export and erasure" lists its parts): the account, the saved search,
 * the consultation requests sent (and, for a therapist, received), the
 * appointments and series of both sides, waitlist places, the calendar's
 * busy times, whether a calendar feed exists (never its address), the
 * live sign-in sessions and, for a therapist, the listing with its
 * policies, statement, schedule settings and closures. Names, never ids,
 * where a person reads it; instants in ISO 8601 (UTC). Every value is
 * read through the services, so sealed fields come opened.
 *
 * The password must be given again (account_reauth): 403 on "password"
 * when it is wrong, 429 after too many tries; nothing is written then.
 * 401 when no one is signed in. 0, 1 (refused), -1.
 */
int export_json(struct ctx *cx, const struct actor *who, const char *password, struct buf *out,
                struct refusal *why);
/* The appointments and series of both sides as iCalendar text (app/ical_out.h), as export_json
 * asks: the password again. */
int export_ics(struct ctx *cx, const struct actor *who, const char *password, struct buf *out,
               struct refusal *why);

#endif
