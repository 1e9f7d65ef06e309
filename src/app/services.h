/*
 * services.h: the rules of chiron, one header per concept, all included
 * here.
 *
 * For every concept there is app/<name>.c, holding what a caller may do
 * (validate the typed input, throttle, check who owns what, change the
 * store and the live index), and the glue that shows it: page_<name>.c
 * as HTML forms, api_<name>.c as JSON, cmd_<name>.c on the command line.
 * The dispatcher has already checked the caller's role and CSRF token; a
 * service checks everything else, starting with its actor.
 *
 * A service returns 0 when it is done, -1 on an internal failure (the
 * server answers 500), or 1 when it refuses, with *why saying the status,
 * the field at fault and a sentence for the person. A page shows that
 * sentence in its form or on an error page, the API answers it as
 * {"error":{"field","message"}}; neither repeats the rules.
 */
#ifndef CHIRON_APP_SERVICES_H
#define CHIRON_APP_SERVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/record.h"
#include "core/schedule.h"
#include "app/ctx.h"
#include "app/notify.h"
#include "core/buf.h"
#include "core/match.h"

/* Why a service refused: 400, 401, 403, 404, 409, 413 or 429. */
struct refusal {
	int status;
	const char *field;              /* "" when no one field is at fault */
	const char *message;            /* static text, or in the call's arena */
	int retry_after;                /* seconds, for a 429; else 0 */
};

/* Fills *why and returns 1, so a service can "return refuse(...)". */
static inline int
refuse(struct refusal *why, int status, const char *field, const char *message)
{
	why->status = status;
	why->field = field;
	why->message = message;
	why->retry_after = 0;
	return 1;
}

/* One header per concept; this one includes them all. */
#include "app/account.h"
#include "app/identity.h"
#include "app/audit.h"
#include "app/calendar.h"
#include "app/feed.h"
#include "app/listing.h"
#include "app/orgs.h"
#include "app/profile.h"
#include "app/requests.h"
#include "app/booking.h"
#include "app/waitlist.h"

#endif
