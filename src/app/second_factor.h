/*
 * second_factor.h: codes from an authenticator app (TOTP, RFC 6238, see
 * core/totp.h) as a second factor, and recovery codes in their place
 * (app/second_factor.c).
 *
 * Required for therapists and administrators (sf_required): signed in by
 * password without one, they reach only the set-up page and signing out
 * (the dispatcher, web/server.c). Offered to seekers on the account page.
 *
 * Setting up: sf_setup shows a new secret (kept sealed, not yet in use)
 * as base32 and as an otpauth:// URI; sf_confirm takes a first code from
 * the app, turns the second factor on, and hands RECOVERY_N recovery
 * codes out once. Signing in: the password (app/account.h) then sf_check
 * with a code, or a recovery code, which then is spent. Changing it
 * (new recovery codes, turning it off) asks for the password again
 * (account_reauth). Every check of a code is throttled like passwords.
 *
 * Stored: the secret sealed under the account's data key
 * (seal_put_id(..., "second_factor", "secret", uid)), the last step
 * accepted (a code works once), recovery codes only as keyed hashes
 * (seal_blind, domain "totp.recovery").
 */
#ifndef CHIRON_APP_SECOND_FACTOR_H
#define CHIRON_APP_SECOND_FACTOR_H

#include <stdbool.h>

#include "app/ctx.h"
#include "core/totp.h"

struct refusal;

#define SF_ISSUER "chiron"
#define SF_URI_MAX 600
#define RECOVERY_SHOWN (RECOVERY_CHARS + RECOVERY_CHARS / 4)   /* with dashes, and a NUL */

/* Must who have a second factor? Therapists and administrators must. */
bool sf_required(const struct actor *who);

struct sf_state {
	bool on;                        /* confirmed and in use */
	long recovery_left;             /* unused recovery codes */
};
int sf_state(struct ctx *cx, const struct actor *who, struct sf_state *out);

/*
 * A secret to set up (the one shown before, until confirmed): base32 into
 * b32, grouped by 4 for reading into grouped, the otpauth:// URI into
 * uri. 409 when who has a second factor on already.
 */
int sf_setup(struct ctx *cx, const struct actor *who, char b32[TOTP_SECRET_B32 + 1],
             char grouped[TOTP_SECRET_B32 + TOTP_SECRET_B32 / 4 + 1], char uri[SF_URI_MAX],
             struct refusal *why);
/*
 * Confirms the secret being set up with a first code: the second factor
 * is on, and codes gets RECOVERY_N recovery codes to show once. 400 on
 * "code" when it is not the app's code, 409 when nothing is being set up.
 */
int sf_confirm(struct ctx *cx, const struct actor *who, const char *code,
               char codes[RECOVERY_N][RECOVERY_SHOWN + 1], struct refusal *why);
/*
 * The second step of a sign-in: code (6 digits from the app, or a
 * recovery code, spent) for account uid. Throttled per account and
 * address; 401 on "code" when it is not right.
 */
int sf_check(struct ctx *cx, const struct actor *who, int64_t uid, const char *code,
             struct refusal *why);
/* Has account uid a second factor on? (*on) */
int sf_on(struct ctx *cx, int64_t uid, bool *on);
/*
 * The second step of a sign-in as one call: sf_check, then *u is the
 * account (404 when it is gone meanwhile).
 */
int sf_sign_in(struct ctx *cx, const struct actor *who, int64_t uid, const char *code,
               struct store_user *u, struct refusal *why);
/* New recovery codes in place of the old, after the password again. */
int sf_recovery_new(struct ctx *cx, const struct actor *who, const char *password,
                    char codes[RECOVERY_N][RECOVERY_SHOWN + 1], struct refusal *why);
/* Turns the second factor off, after the password again. */
int sf_off(struct ctx *cx, const struct actor *who, const char *password, struct refusal *why);
/*
 * `chiron user add --totp-secret`: account uid's second factor on, with
 * the secret given (base32), no recovery codes. -1 when it is not base32
 * of 10 to 64 bytes or the store fails.
 */
int sf_set_secret(struct ctx *cx, int64_t uid, const char *b32);

#endif
