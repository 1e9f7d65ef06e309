/*
 * throttle.h: how often one party may try an action.
 *
 * Each call counts one attempt at an action (signup, login, reset,
 * request, ...) by one party and says whether that party made more than
 * max in the last window seconds (the caller refuses with a 429). A party
 * is the actor's address (throttled_address: the peer's, or the one a
 * trusted proxy forwarded) or any other string naming who or what is
 * asked about ("user:42", "email:a@b.org"; throttled_party). The table
 * stores only the action and a BLAKE2b hash of the party keyed with a
 * secret held in memory, so it names no address, account or email; rows
 * older than THROTTLE_KEEP_SECONDS are removed hourly. A store error
 * counts as throttled (fail closed).
 */
#ifndef CHIRON_APP_THROTTLE_H
#define CHIRON_APP_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "app/ctx.h"

#define THROTTLE_KEEP_SECONDS 86400     /* longer than every window */

bool throttled_address(struct ctx *cx, const struct actor *who, const char *action, long max,
                       int64_t window);
bool throttled_party(struct ctx *cx, const char *action, const char *party, long max,
                     int64_t window);

#endif
