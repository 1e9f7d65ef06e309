/*
 * account.h: asking for an account, finishing the sign-up, signing in
 * and resetting a password (app/account.c). Sessions are app/session.h,
 * the throttle app/throttle.h, single-use tokens app/secret.h.
 */
#ifndef CHIRON_APP_ACCOUNT_H
#define CHIRON_APP_ACCOUNT_H

#include "app/ctx.h"

struct refusal;                         /* app/services.h */

struct signup {
	const char *handle, *email, *password, *role;   /* NULL when not given */
};

/*
 * Asks for a seeker or therapist account (never an admin). The form is
 * checked (400 naming the field) and the rest happens after the answer
 * (app/jobs.h): a link to finish the sign-up is mailed to the email, or,
 * when it already has an account, a note saying so. Done (0) either way,
 * in the same time, so no one learns whether an email or pseudonym is
 * taken by asking.
 */
int ask_signup(struct ctx *cx, const struct actor *who, const struct signup *in, struct refusal *why);
/*
 * ask_signup, and the mailed link carries next, a path of this site (the
 * web's checked `next`, web/auth.h) at most SIGNUP_NEXT_MAX bytes, so that
 * finishing the sign-up lands there; NULL, or one that does not fit, for
 * the account page.
 */
#define SIGNUP_NEXT_MAX 250
int ask_signup_to(struct ctx *cx, const struct actor *who, const struct signup *in, const char *next,
                  struct refusal *why);
/*
 * Finishes the sign-up of the mailed link's token (base64url text): the
 * account is made and *u is it; the caller starts the session. handle,
 * when not NULL, replaces the pseudonym asked for (taken meanwhile: 409
 * on field "handle", the sign-up kept for another try). 404 when the
 * link is not one, was used or has expired; 409 on "email" when the
 * email got an account meanwhile.
 */
int confirm_signup(struct ctx *cx, const struct actor *who, const char *token, const char *handle, struct store_user *u,
                   struct refusal *why);
/* The pseudonym and email of a waiting sign-up, for its page (*found). */
int signup_pending(struct ctx *cx, const struct actor *who, const char *token, struct store_user *u, int *found);
/*
 * Checks a sign-in by handle or email, throttled per account and per
 * address; *u is the account. One answer (401) for an unknown account
 * and a wrong password.
 */
int sign_in(struct ctx *cx, const struct actor *who, const char *login, const char *password,
            struct store_user *u, struct refusal *why);
/*
 * Sends a single-use reset link to the outbox when email has an account,
 * after the answer (app/jobs.h). Done (0) either way, in the same time,
 * so no one learns whether it has one.
 */
int ask_reset(struct ctx *cx, const struct actor *who, const char *email, struct refusal *why);
/*
 * Sets a new password with a reset token (its base64url text), which is
 * then spent, and ends every session of the account. 404 when the token
 * is not one, was used or has expired.
 */
int use_reset(struct ctx *cx, const struct actor *who, const char *token, const char *password,
              struct refusal *why);

/*
 * Is pw fit to be a new password (secret.h's rules): long enough (15
 * characters, or 8 with a second factor), at most 128, and not on the list
 * of common passwords sv holds? NULL when it is, else the sentence that
 * says why, in plain words.
 */
const char *account_password_check(const struct services *sv, const char *pw, bool second_factor);

/*
 * Asks again for the password of who, signed in, before a sensitive
 * action (export, erasure, changing the second factor or the password):
 * 0 when it is right; 1 with *why (403 on "password" when wrong, 429 when
 * too many tries: throttled like sign-ins, per account and per address);
 * -1 on a store failure.
 */
int account_reauth(struct ctx *cx, const struct actor *who, const char *password,
                   struct refusal *why);

/*
 * Changes who's password: the current one first (account_reauth), then
 * the new one (account_password_check); every other session of the
 * account ends (the caller rotates the one of keep, the session asking).
 */
int change_password(struct ctx *cx, const struct actor *who, const char *current,
                    const char *password, const unsigned char keep[32], struct refusal *why);

#endif
