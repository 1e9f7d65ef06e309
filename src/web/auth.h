/*
 * auth.h: who is asking. Passwords (argon2id), sessions (a random 256-bit
 * token in an HttpOnly cookie, only its BLAKE2b hash stored), CSRF tokens
 * and login throttling, all from libsodium and the store.
 */
#ifndef CHIRON_AUTH_H
#define CHIRON_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "web/http.h"

#define SESSION_SECONDS (14 * 24 * 3600)
#define PASSWORD_MIN 10
#define PASSWORD_MAX 1024

/* The argon2id hash of pw (libsodium's string form) into out (160 bytes). */
int auth_hash_password(const char *pw, char out[160]);
bool auth_password_ok(const char *hash, const char *pw);

/* Reads the session cookie and fills r->user when it names a live session. */
int auth_load(struct req *r);
/*
 * Starts a session for account u: the cookie goes on p, and r->user
 * becomes u in the new session (its CSRF token included).
 */
int auth_session_start(struct req *r, struct resp *p, const struct store_user *u);
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
 * Throttles. Each counts one attempt at an action (signup, login, reset,
 * request, ...) by one party and says whether that party made more than
 * max in the last window seconds (the caller answers 429). A party is
 * the client's address (auth_throttled_address: the peer's, or the one a
 * trusted proxy forwarded) or any other string naming who or what is
 * asked about ("user:42", "email:a@b.org"; auth_throttled_party). The
 * table stores only the action and a BLAKE2b hash of the party keyed
 * with a secret held in memory, so it names no address, account or
 * email; rows older than a day are removed hourly (auth_throttle_expire).
 * A store error counts as throttled (fail closed).
 */
bool auth_throttled_address(struct req *r, const char *action, long max, int64_t window);
bool auth_throttled_party(struct req *r, const char *action, const char *party, long max,
                          int64_t window);
#define THROTTLE_KEEP_SECONDS 86400     /* longer than every window */

/* A random token, base64url without padding (43 characters + NUL). */
int auth_random_token(char out[48], unsigned char raw[32]);
void auth_token_hash(const unsigned char raw[32], unsigned char hash[32]);
/* Decodes a base64url token into 32 bytes; -1 when it is not one. */
int auth_token_decode(const char *s, unsigned char raw[32]);

#endif
