/*
 * identity.h: the pseudonym-to-identity link, sealed (app/identity.c).
 *
 * An account's pseudonym (its handle) is in the clear: therapists see it,
 * and it must be unique. Its email, the person's identity, is sealed
 * under the account's own data key (app/seal.h), bound to the account's
 * row, and found by its blind index. Every reader of an email comes here.
 */
#ifndef CHIRON_APP_IDENTITY_H
#define CHIRON_APP_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "app/ctx.h"

/*
 * What a request that met a value that does not open answers (500): the
 * reason store_errmsg() gives after seal_failed, which the server shows.
 */
#define SEAL_BAD_TEXT "a stored value could not be opened"

/* Records SEAL_BAD_TEXT and what (a few words: "the email of account 7")
 * as this thread's store error; returns -1. */
int seal_failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The blind index of an email, lower-cased and trimmed first. */
void email_blind(struct ctx *cx, const char *email, unsigned char bx[STORE_BLIND_BYTES]);

/*
 * Creates account u (handle, email, pw_hash, role, therapist_id filled)
 * in one transaction: the row, the account's data key, and its email
 * sealed for its id with the blind index beside it. Sets u->id and
 * u->email_bx. Returns 0, STORE_EXISTS when the handle or the email has
 * an account (u->email_bx tells which: user_find_bx), or -1.
 */
int account_add(struct ctx *cx, struct store_user *u);

/*
 * An account by the login a person types: its pseudonym, or its email
 * (by blind index). *found = 0 when none. u->email is not opened.
 */
int account_find(struct ctx *cx, const char *login, struct store_user *u, int *found);
/* An account by email only (the blind index). */
int account_find_email(struct ctx *cx, const char *email, struct store_user *u, int *found);

/*
 * The email of account u (read by user_get or the like) into out (n
 * bytes): opened, or "" when the account was erased (its key destroyed).
 * -1 when the stored value does not open (seal_failed).
 */
int account_email(struct ctx *cx, const struct store_user *u, char *out, size_t n);
/* user_get with the email opened into u->email (account_email). */
int account_get(struct ctx *cx, int64_t uid, struct store_user *u, int *found);
/* The same for a job, which has the services but no call's context. */
int account_get_sv(struct services *sv, int64_t uid, struct store_user *u, int *found);

/* A waiting sign-up's email, sealed for the link's hash (SEAL_SYSTEM):
 * u->email into u->email_sealed; and opened back into u->email. */
int signup_email_seal(struct ctx *cx, const unsigned char hash[32], struct store_user *u);
int signup_email_open(struct ctx *cx, const unsigned char hash[32], struct store_user *u);

/*
 * Seals what a database from before issue 11 holds in the clear on the
 * people side: accounts' emails, consultation requests, saved profiles,
 * in one transaction, the clear values overwritten (secure_delete).
 * Called at every start once sealer_start has run; a database with
 * nothing clear costs three queries. -1 with the reason in err.
 */
int people_seal_legacy(struct services *sv, char *err, size_t errlen);

#endif
