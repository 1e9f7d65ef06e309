/*
 * session.h: sign-in sessions. A session is a random token held by the
 * client (a cookie); the store keeps its BLAKE2b hash, the account, the
 * session's CSRF token and when it ends (SESSION_SECONDS after it began).
 */
#ifndef CHIRON_APP_SESSION_H
#define CHIRON_APP_SESSION_H

#include "app/ctx.h"

#define SESSION_SECONDS (14 * 24 * 3600)

/*
 * The live session whose token hashes to hash: *who becomes its account
 * (from addr) and csrf its CSRF token. *found is 0 when there is none (or
 * it expired). -1 on a store failure.
 */
int session_find(struct ctx *cx, const unsigned char hash[32], const char *addr,
                 struct actor *who, char csrf[64], int *found);
/* Starts a session of account u: its token into tok (give it to the
 * client), the token's hash into hash, its CSRF token into csrf. */
int session_start(struct ctx *cx, const struct store_user *u, char tok[48],
                  unsigned char hash[32], char csrf[48]);
/* Ends the session of hash, or (everywhere) every session of who. */
int session_end(struct ctx *cx, const struct actor *who, const unsigned char hash[32],
                bool everywhere);

#endif
