/*
 * auth.h: who is asking. Passwords (argon2id), sessions (a random 256-bit
 * token in an HttpOnly cookie, only its BLAKE2b hash stored), CSRF tokens
 * and login throttling, all from libsodium and the store.
 */
#ifndef CHIRON_AUTH_H
#define CHIRON_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "app/secret.h"
#include "app/session.h"
#include "app/throttle.h"
#include "web/http.h"

/* Reads the session cookie and fills r->user when it names a live session. */
int auth_load(struct req *r);
/*
 * Starts a session for account u at stage (app/session.h), ending the one
 * this browser had (rotation: a new token and CSRF token): the cookie goes
 * on p, and r->user becomes u in the new session (its CSRF token
 * included), or r->pending for SESSION_CODE. The cookie is named
 * __Host-chiron_session, and Secure, when the public URL is https.
 */
int auth_session_start(struct req *r, struct resp *p, const struct store_user *u,
                       enum session_stage stage);
/*
 * Rotates the signed-in session of r (a change of the second factor, of
 * the password, of role): a new token and CSRF token for the same
 * account, the old session ended, who kept (its second_factor re-read).
 */
int auth_session_rotate(struct req *r, struct resp *p);
/* Ends the current session (all of the user's when everywhere). */
int auth_session_end(struct req *r, struct resp *p, bool everywhere);

/*
 * The CSRF token for forms on this response: the session's when signed
 * in, else a double-submit token in its own cookie (set on p if new).
 */
const char *auth_csrf_token(struct req *r, struct resp *p);
/* Does the form's "csrf" field match? */
bool auth_csrf_ok(struct req *r);
/* Does the X-CSRF-Token header (the API's way to present it) match? */
bool auth_csrf_header_ok(struct req *r);

/*
 * Where a person goes after signing in or up: `next`, a path of this site
 * carried by the sign-in and sign-up forms (and the mailed sign-up link).
 * auth_next_ok says whether s may be followed: it begins with one "/"
 * (not "//" or "/\\", which a browser reads as another host; so it has no
 * scheme), holds no control character or backslash, and is at most
 * NEXT_MAX bytes. auth_next is s when it may, else "/account".
 * auth_here is the path and query of r (a GET's: its arguments are its
 * query), percent-encoded, in r's arena; NULL when it is not fit to come
 * back to (too long) or out of memory.
 */
#define NEXT_MAX 1000
bool auth_next_ok(const char *s);
const char *auth_next(const char *s);
const char *auth_here(struct req *r);

#endif
