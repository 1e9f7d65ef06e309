/*
 * identity.c: the pseudonym-to-identity link, sealed (app/identity.h).
 *
 * What is sealed: an account's email, under the account's own data key
 * (seal_user_key), for "user.email#<id>", so erasing the account (its key
 * destroyed) shreds it and a value copied to another account's row does
 * not open. A waiting sign-up's email, under the system's key, for
 * "signup_pending.email#<the link's hash>" (the account and its key do not
 * exist yet; the row lives a day).
 *
 * How an account is found by email: the blind index (seal_blind) of the
 * address lower-cased and trimmed, in user.email_bx, unique: sign-in by
 * email, the sign-up's "this email has an account", the reset's lookup,
 * and two accounts never sharing an address (in any case).
 *
 * What stays clear: the pseudonym (shown to therapists, unique, typed at
 * sign-in), the role, the password's argon2id hash.
 *
 * Rows from before issue 11 hold the email as TEXT: people_seal_legacy
 * seals them at start; until then account_email reads them as they are.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/buf.h"
#include "app/seal.h"
#include "app/services.h"

_Static_assert(STORE_BLIND_BYTES == SEAL_BLIND_BYTES, "a blind index fits the store's");
_Static_assert(STORE_RK_BYTES == SEAL_RK_BYTES, "a row key fits the store's");
_Static_assert(STORE_EMAIL_SEALED_MAX >= 255 + SEAL_OVERHEAD, "a sealed email fits the store's");

int
seal_failed(const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	store_error(SEAL_BAD_TEXT " (%s)", what);
	return -1;
}

void
email_blind(struct ctx *cx, const char *email, unsigned char bx[STORE_BLIND_BYTES])
{
	char low[256];
	size_t n = 0;

	while (*email && isspace((unsigned char)*email))
		email++;
	for (; *email && n < sizeof(low) - 1; email++)
		low[n++] = (char)tolower((unsigned char)*email);
	while (n && isspace((unsigned char)low[n - 1]))
		n--;
	seal_blind(cx, "user.email", low, n, bx);
	sodium_memzero(low, sizeof(low));
}

int
account_add(struct ctx *cx, struct store_user *u)
{
	struct store *st = cx->sv->store;
	struct buf sealed = BUF_INIT;
	int64_t kid;
	int rc;

	email_blind(cx, u->email, u->email_bx);
	u->email_sealed_n = 0;
	if (!cx->sv->sealer) {
		store_error("creating an account: no key file was read (sealer_start)");
		return -1;
	}
	if (store_begin(st))
		return -1;
	rc = STORE_CALL(st, user_create, u);
	if (rc == 0 && (seal_user_key(cx, u->id, &kid) ||
	                seal_put_id(cx, kid, "user", "email", u->id, u->email, strlen(u->email),
	                            &sealed) ||
	                STORE_CALL(st, user_email_set, u->id, u->email_bx, sealed.p, sealed.len)))
		rc = -1;
	buf_free(&sealed);
	if (rc) {
		char why[512];

		snprintf(why, sizeof(why), "%s", store_errmsg(st));
		store_rollback(st);
		if (rc != STORE_EXISTS)
			store_error("%s", why);
		return rc;
	}
	return store_commit(st);
}

int
account_find_email(struct ctx *cx, const char *email, struct store_user *u, int *found)
{
	unsigned char bx[STORE_BLIND_BYTES];

	*found = 0;
	email_blind(cx, email, bx);
	if (STORE_CALL(cx->sv->store, user_find_bx, bx, u, found))
		return -1;
	/* A row from before issue 11, not yet sealed, by its clear email. */
	if (!*found && STORE_CALL(cx->sv->store, user_find, email, u, found))
		return -1;
	return 0;
}

int
account_find(struct ctx *cx, const char *login, struct store_user *u, int *found)
{
	*found = 0;
	if (STORE_CALL(cx->sv->store, user_find, login, u, found))
		return -1;
	if (!*found && strchr(login, '@'))
		return account_find_email(cx, login, u, found);
	return 0;
}

int
account_email(struct ctx *cx, const struct store_user *u, char *out, size_t n)
{
	struct buf plain = BUF_INIT;
	enum seal_result r;

	if (!u->email_sealed_n) {
		/* A row from before issue 11 (out may be u->email itself). */
		if (out != u->email)
			snprintf(out, n, "%s", u->email);
		return 0;
	}
	if (n)
		out[0] = '\0';
	r = seal_open_id(cx, "user", "email", u->id, u->email_sealed, u->email_sealed_n, &plain,
	                 NULL);
	if (r == SEAL_GONE) {
		buf_free(&plain);
		return 0;
	}
	if (r != SEAL_OK) {
		buf_free(&plain);
		return seal_failed("the email of account %lld", (long long)u->id);
	}
	snprintf(out, n, "%s", plain.p ? plain.p : "");
	sodium_memzero(plain.p, plain.len);
	buf_free(&plain);
	return 0;
}

int
account_get(struct ctx *cx, int64_t uid, struct store_user *u, int *found)
{
	char email[sizeof(u->email)];

	if (STORE_CALL(cx->sv->store, user_get, uid, u, found))
		return -1;
	if (!*found)
		return 0;
	if (account_email(cx, u, email, sizeof(email)))
		return -1;
	memcpy(u->email, email, sizeof(email));
	return 0;
}

int
account_get_sv(struct services *sv, int64_t uid, struct store_user *u, int *found)
{
	struct ctx cx = {.sv = sv};

	return account_get(&cx, uid, u, found);
}

int
signup_email_seal(struct ctx *cx, const unsigned char hash[32], struct store_user *u)
{
	struct buf sealed = BUF_INIT;
	int rc = -1;

	if (seal_put(cx, SEAL_SYSTEM, "signup_pending", "email", hash, 32, u->email,
	             strlen(u->email), &sealed) == 0 && sealed.len <= sizeof(u->email_sealed)) {
		memcpy(u->email_sealed, sealed.p, sealed.len);
		u->email_sealed_n = sealed.len;
		rc = 0;
	}
	buf_free(&sealed);
	return rc;
}

int
signup_email_open(struct ctx *cx, const unsigned char hash[32], struct store_user *u)
{
	struct buf plain = BUF_INIT;

	if (!u->email_sealed_n)
		return 0;               /* (none are clear: migration 23 dropped them) */
	if (seal_open(cx, "signup_pending", "email", hash, 32, u->email_sealed, u->email_sealed_n,
	              &plain, NULL) != SEAL_OK) {
		buf_free(&plain);
		return seal_failed("the email of a sign-up");
	}
	snprintf(u->email, sizeof(u->email), "%s", plain.p ? plain.p : "");
	sodium_memzero(plain.p, plain.len);
	buf_free(&plain);
	return 0;
}

/* ----------------------------------------------------------------------
 * Rows from before issue 11
 * ---------------------------------------------------------------------- */

struct clear_email {
	int64_t id;
	char *email;
};

struct clear_emails {
	struct clear_email *v;
	size_t n, cap;
	int err;
};

static int
collect_email(void *arg, int64_t id, const char *email)
{
	struct clear_emails *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct clear_email *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return l->err = 1;
		l->v = v, l->cap = cap;
	}
	if (!(l->v[l->n].email = strdup(email)))
		return l->err = 1;
	l->v[l->n++].id = id;
	return 0;
}

static int
emails_seal_legacy(struct ctx *cx)
{
	struct store *st = cx->sv->store;
	struct clear_emails l = {0};
	int rc;

	rc = STORE_CALL(st, users_legacy, collect_email, &l);
	if (rc == 0 && l.err)
		store_error("out of memory"), rc = -1;
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		struct buf sealed = BUF_INIT;
		unsigned char bx[STORE_BLIND_BYTES];
		int64_t kid;

		email_blind(cx, l.v[i].email, bx);
		if (seal_user_key(cx, l.v[i].id, &kid) ||
		    seal_put_id(cx, kid, "user", "email", l.v[i].id, l.v[i].email,
		                strlen(l.v[i].email), &sealed))
			rc = -1;
		else if ((rc = STORE_CALL(st, user_email_set, l.v[i].id, bx, sealed.p, sealed.len)) ==
		         STORE_EXISTS) {
			store_error("accounts %lld and another have the same email in other letter cases: "
			            "give one of them another address first", (long long)l.v[i].id);
			rc = -1;
		}
		buf_free(&sealed);
	}
	for (size_t i = 0; i < l.n; i++) {
		sodium_memzero(l.v[i].email, strlen(l.v[i].email));
		free(l.v[i].email);
	}
	free(l.v);
	return rc;
}

int
people_seal_legacy(struct services *sv, char *err, size_t errlen)
{
	struct ctx cx = {.sv = sv};
	struct store *st = sv->store;

	if (store_begin(st)) {
		snprintf(err, errlen, "sealing the rows of an older chiron: %s", store_errmsg(st));
		return -1;
	}
	if (emails_seal_legacy(&cx) || requests_seal_legacy(&cx) || profiles_seal_legacy(&cx)) {
		snprintf(err, errlen, "sealing the rows of an older chiron: %s", store_errmsg(st));
		store_rollback(st);
		return -1;
	}
	if (store_commit(st)) {
		snprintf(err, errlen, "sealing the rows of an older chiron: %s", store_errmsg(st));
		return -1;
	}
	return 0;
}
