/*
 * session.h: sign-in sessions. A session is a random token held by the
 * client (a cookie); the store keeps its BLAKE2b hash, the account, the
 * session's CSRF token, when it began, when it was last used and its
 * stage.
 *
 * Limits (NIST SP 800-63B AAL2, OWASP ASVS 3.3): a session ends after
 * sv->session_idle seconds without use (SESSION_IDLE, 30 minutes) and
 * sv->session_max in all (SESSION_MAX, 12 hours), both set by `chiron
 * serve` (--session-idle, --session-max), both judged on ctx_now() (the
 * settable clock). The last use is written at most once a minute.
 *
 * Stages. A full session is a signed-in account. A code session
 * (SESSION_CODE) says only "the password was right": it lets the sign-in's
 * second step (the code of the second factor) be answered, for
 * SESSION_CODE_SECONDS, and nothing else.
 *
 * Rotation: a new token and CSRF token at sign-in, at the second step, at
 * any change of the second factor (and of role: session_rotate); every
 * session of the account ends on a password change or reset.
 */
#ifndef CHIRON_APP_SESSION_H
#define CHIRON_APP_SESSION_H

#include "app/ctx.h"

#define SESSION_IDLE (30 * 60)
#define SESSION_MAX (12 * 3600)
#define SESSION_CODE_SECONDS (10 * 60)
#define SESSION_SEEN_EVERY 60           /* the last use is written at most this often */

enum session_stage { SESSION_FULL = 0, SESSION_CODE = 1 };

/*
 * The live session whose token hashes to hash: *who becomes its account
 * (from addr), csrf its CSRF token, *stage its stage. *found is 0 when
 * there is none, or it is past a limit (then it is deleted). -1 on a
 * store failure.
 */
int session_find(struct ctx *cx, const unsigned char hash[32], const char *addr,
                 struct actor *who, char csrf[64], enum session_stage *stage, int *found);
/* Starts a session of account u at stage: its token into tok (give it to
 * the client), the token's hash into hash, its CSRF token into csrf. */
int session_start(struct ctx *cx, const struct store_user *u, enum session_stage stage,
                  char tok[48], unsigned char hash[32], char csrf[48]);
/*
 * Rotation: ends the session of old (when not NULL) and starts a new one
 * of u at stage, as session_start.
 */
int session_rotate(struct ctx *cx, const unsigned char *old, const struct store_user *u,
                   enum session_stage stage, char tok[48], unsigned char hash[32], char csrf[48]);
/* Ends the session of hash, or (everywhere) every session of who. */
int session_end(struct ctx *cx, const struct actor *who, const unsigned char hash[32],
                bool everywhere);
/* Ends every session of who but the one of keep. */
int session_end_others(struct ctx *cx, const struct actor *who, const unsigned char keep[32]);

#endif
