/*
 * secret.h: passwords (argon2id) and random tokens, from libsodium.
 *
 * A token is 32 random bytes shown once as base64url (43 characters); the
 * store keeps only its BLAKE2b-256 hash, so a copy of the database opens
 * no session, reset, sign-up, feed or confirmation link.
 */
#ifndef CHIRON_APP_SECRET_H
#define CHIRON_APP_SECRET_H

#include <stdbool.h>

/*
 * NIST SP 800-63B 5.1.1.2: a new password has PASSWORD_MIN to
 * PASSWORD_MAX characters (Unicode code points), or from PASSWORD_MIN_2FA
 * when the account has a second factor, and is not on the list of common
 * passwords (app/password_list.h; account_password_check in account.h).
 * A sign-in takes up to PASSWORD_INPUT_MAX bytes: passwords chosen under
 * older rules still sign in.
 */
#define PASSWORD_MIN 15
#define PASSWORD_MIN_2FA 8
#define PASSWORD_MAX 128
#define PASSWORD_INPUT_MAX 1024

/* The argon2id hash of pw (libsodium's string form) into out (160 bytes). */
int password_hash(const char *pw, char out[160]);
bool password_ok(const char *hash, const char *pw);

/* A random token, base64url without padding (43 characters + NUL). */
int token_random(char out[48], unsigned char raw[32]);
void token_hash(const unsigned char raw[32], unsigned char hash[32]);
/* Decodes a base64url token into 32 bytes; -1 when it is not one. */
int token_decode(const char *s, unsigned char raw[32]);

#endif
