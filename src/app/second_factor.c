/*
 * second_factor.c: TOTP as a second factor, recovery codes, and their
 * set-up (second_factor.h).
 *
 * The secret is 20 random bytes (libsodium), sealed under the account's
 * data key before it reaches the store, and opened only to check a code
 * or to show it again while it is being set up. A code is accepted for
 * the step before, at or after the server's (core/totp.h), and only after
 * the last step accepted: the store records the new step only when it is
 * later than the one stored (sf_step), so a code replayed, even at the
 * same moment by two requests, is refused. Recovery codes are 80 random
 * bits shown as 16 base32 characters, stored only as a keyed BLAKE2b of
 * "uid:CODE" (seal_blind), and spent on use.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app/audit.h"
#include "app/seal.h"
#include "app/second_factor.h"
#include "app/services.h"
#include "app/throttle.h"
#include "core/buf.h"

/* Code checks, like passwords': 10 in 15 minutes per account, 50 per address. */
#define CODES_PER_ACCOUNT 10
#define CODES_PER_ADDRESS 50

/* The audit trail's entry for a change of the second factor (app/audit.h). */
static int
noted(struct ctx *cx, const struct actor *who)
{
	return audit_note(cx, who, AUDIT_SECOND_FACTOR, "account", "", who->id) ? -1 : 0;
}

bool
sf_required(const struct actor *who)
{
	return who->role == ACCT_THERAPIST || who->role == ACCT_ADMIN;
}

int
sf_state(struct ctx *cx, const struct actor *who, struct sf_state *out)
{
	struct store_second_factor sf;
	int found = 0;

	memset(out, 0, sizeof(*out));
	if (STORE_CALL(cx->sv->store, sf_get, who->id, &sf, &found))
		return -1;
	out->on = found && sf.confirmed_at != 0;
	if (out->on && STORE_CALL(cx->sv->store, recovery_left, who->id, &out->recovery_left))
		return -1;
	return 0;
}

/* Opens the secret of sf for account uid into key (*n bytes). */
static int
secret_open(struct ctx *cx, int64_t uid, const struct store_second_factor *sf, unsigned char *key,
            size_t cap, size_t *n)
{
	struct buf b;
	int rc = -1;

	buf_init(&b, 4096);
	if (seal_open_id(cx, "second_factor", "secret", uid, sf->secret, sf->secret_n, &b, NULL) ==
	    SEAL_OK && b.len <= cap && b.len >= 10) {
		memcpy(key, b.p, b.len);
		*n = b.len;
		rc = 0;
	}
	if (b.p)
		sodium_memzero(b.p, b.len);
	buf_free(&b);
	return rc;
}

/* Seals key (n bytes) for uid and stores it as being set up. */
static int
secret_store(struct ctx *cx, int64_t uid, const unsigned char *key, size_t n)
{
	struct buf b;
	int64_t kid;
	int rc;

	if (seal_user_key(cx, uid, &kid))
		return -1;
	buf_init(&b, STORE_SECRET_MAX);
	rc = seal_put_id(cx, kid, "second_factor", "secret", uid, key, n, &b) || !b.p ||
	     b.len > STORE_SECRET_MAX ? -1 : 0;
	if (rc == 0)
		rc = STORE_CALL(cx->sv->store, sf_begin, uid, b.p, b.len, ctx_now(cx));
	buf_free(&b);
	return rc;
}

int
sf_setup(struct ctx *cx, const struct actor *who, char b32[TOTP_SECRET_B32 + 1],
         char grouped[TOTP_SECRET_B32 + TOTP_SECRET_B32 / 4 + 1], char uri[SF_URI_MAX],
         struct refusal *why)
{
	struct store_second_factor sf;
	unsigned char key[64];
	size_t n = 0;
	int found = 0, rc;

	if (!who->id)
		return refuse(why, 401, "", "Sign in to set up a second factor.");
	if (STORE_CALL(cx->sv->store, sf_get, who->id, &sf, &found))
		return -1;
	if (found && sf.confirmed_at)
		return refuse(why, 409, "", "This account has a second factor already. Turn it off "
		              "first to set up another.");
	/* The secret shown before, while it waits for its first code: a page
	 * reloaded shows the one already typed into the app. */
	if (!found || secret_open(cx, who->id, &sf, key, sizeof(key), &n) || n != TOTP_SECRET_BYTES) {
		n = TOTP_SECRET_BYTES;
		randombytes_buf(key, n);
		if (secret_store(cx, who->id, key, n)) {
			sodium_memzero(key, sizeof(key));
			return -1;
		}
	}
	rc = b32_encode(key, n, b32, TOTP_SECRET_B32 + 1) == 0 ||
	     b32_group(b32, grouped, TOTP_SECRET_B32 + TOTP_SECRET_B32 / 4 + 1) ||
	     totp_uri(uri, SF_URI_MAX, SF_ISSUER, who->handle, b32) ? -1 : 0;
	sodium_memzero(key, sizeof(key));
	return rc;
}

/* The keyed hash a recovery code is stored as: "uid:CODE" (normalized). */
static void
recovery_hash(struct ctx *cx, int64_t uid, const char *norm, unsigned char out[32])
{
	char v[64];
	int n = snprintf(v, sizeof(v), "%lld:%s", (long long)uid, norm);

	seal_blind(cx, "totp.recovery", v, (size_t)n, out);
	sodium_memzero(v, sizeof(v));
}

/* RECOVERY_N new codes into codes (shown with dashes) and their hashes. */
static void
recovery_make(struct ctx *cx, int64_t uid, char codes[RECOVERY_N][RECOVERY_SHOWN + 1],
              unsigned char hashes[RECOVERY_N][32])
{
	unsigned char raw[RECOVERY_CHARS * 5 / 8];
	char b[RECOVERY_CHARS + 8];
	int i, j, o;

	for (i = 0; i < RECOVERY_N; i++) {
		randombytes_buf(raw, sizeof(raw));
		b32_encode(raw, sizeof(raw), b, sizeof(b));
		recovery_hash(cx, uid, b, hashes[i]);
		for (j = 0, o = 0; j < RECOVERY_CHARS; j++) {
			if (j && j % 4 == 0)
				codes[i][o++] = '-';
			codes[i][o++] = b[j];
		}
		codes[i][o] = '\0';
	}
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(b, sizeof(b));
}

/* Throttles a code's check: 1 with a 429 when over a budget. */
static int
code_throttled(struct ctx *cx, const struct actor *who, int64_t uid, struct refusal *why)
{
	char party[48];

	snprintf(party, sizeof(party), "user:%lld", (long long)uid);
	if (throttled_address(cx, who, "code", CODES_PER_ADDRESS, 900) ||
	    throttled_party(cx, "code", party, CODES_PER_ACCOUNT, 900)) {
		refuse(why, 429, "", "Too many codes were tried; wait 15 minutes.");
		why->retry_after = 900;
		return 1;
	}
	return 0;
}

int
sf_confirm(struct ctx *cx, const struct actor *who, const char *code,
           char codes[RECOVERY_N][RECOVERY_SHOWN + 1], struct refusal *why)
{
	struct store_second_factor sf;
	unsigned char key[64], hashes[RECOVERY_N][32];
	uint32_t c;
	int64_t step = 0;
	size_t n;
	int found = 0, rc;
	bool ok;

	if (!who->id)
		return refuse(why, 401, "", "Sign in to set up a second factor.");
	if (STORE_CALL(cx->sv->store, sf_get, who->id, &sf, &found))
		return -1;
	if (!found || sf.confirmed_at)
		return refuse(why, 409, "", found ? "This account has a second factor already." :
		              "Nothing is being set up: open the set-up page again.");
	if (totp_code_parse(code, &c))
		return refuse(why, 400, "code", "Enter the 6-digit code your authenticator app shows.");
	if (code_throttled(cx, who, who->id, why))
		return 1;
	if (secret_open(cx, who->id, &sf, key, sizeof(key), &n))
		return -1;
	ok = totp_verify(key, n, ctx_now(cx), c, 0, &step);
	sodium_memzero(key, sizeof(key));
	if (!ok)
		return refuse(why, 400, "code", "That code is not the one your app shows now. Check "
		              "the secret was typed in full, and the phone's clock, and try the next code.");
	recovery_make(cx, who->id, codes, hashes);
	rc = STORE_CALL(cx->sv->store, sf_confirm, who->id, step, ctx_now(cx),
	                (const unsigned char (*)[32])hashes, RECOVERY_N);
	sodium_memzero(hashes, sizeof(hashes));
	if (rc)
		return -1;
	return noted(cx, who);
}

int
sf_check(struct ctx *cx, const struct actor *who, int64_t uid, const char *code,
         struct refusal *why)
{
	struct store_second_factor sf;
	char norm[RECOVERY_CHARS + 1];
	unsigned char key[64], h[32];
	uint32_t c;
	int64_t step = 0;
	size_t n;
	int found = 0, ok = 0;

	if (!code || !*code)
		return refuse(why, 400, "code", "Enter the code from your authenticator app, or a "
		              "recovery code.");
	if (code_throttled(cx, who, uid, why))
		return 1;
	if (STORE_CALL(cx->sv->store, sf_get, uid, &sf, &found))
		return -1;
	if (!found || !sf.confirmed_at)
		return refuse(why, 401, "code", "That code is not right.");
	if (totp_code_parse(code, &c) == 0) {
		if (secret_open(cx, uid, &sf, key, sizeof(key), &n))
			return -1;
		if (totp_verify(key, n, ctx_now(cx), c, sf.last_step, &step) &&
		    STORE_CALL(cx->sv->store, sf_step, uid, step, &ok)) {
			sodium_memzero(key, sizeof(key));
			return -1;
		}
		sodium_memzero(key, sizeof(key));
	} else if (totp_recovery_norm(code, norm) == 0) {
		recovery_hash(cx, uid, norm, h);
		if (STORE_CALL(cx->sv->store, recovery_take, uid, h, ctx_now(cx), &ok))
			return -1;
	}
	if (!ok)
		return refuse(why, 401, "code", "That code is not right, or was used already. Enter "
		              "the code your app shows now, or an unused recovery code.");
	return 0;
}

int
sf_on(struct ctx *cx, int64_t uid, bool *on)
{
	struct store_second_factor sf;
	int found = 0;

	if (STORE_CALL(cx->sv->store, sf_get, uid, &sf, &found))
		return -1;
	*on = found && sf.confirmed_at != 0;
	return 0;
}

int
sf_sign_in(struct ctx *cx, const struct actor *who, int64_t uid, const char *code,
           struct store_user *u, struct refusal *why)
{
	int rc = sf_check(cx, who, uid, code, why), found = 0;

	/* The password's step is noted by sign_in; this is the code's. */
	if (rc >= 0 && (rc == 0 || why->status == 401) &&
	    audit_note(cx, who, rc == 0 ? AUDIT_SIGNIN : AUDIT_SIGNIN_FAILED, "account",
	               "second factor", uid))
		return -1;
	if (rc)
		return rc;
	if (STORE_CALL(cx->sv->store, user_get, uid, u, &found))
		return -1;
	return found ? 0 : refuse(why, 404, "", "This account no longer exists.");
}

int
sf_recovery_new(struct ctx *cx, const struct actor *who, const char *password,
                char codes[RECOVERY_N][RECOVERY_SHOWN + 1], struct refusal *why)
{
	unsigned char hashes[RECOVERY_N][32];
	struct sf_state st;
	int rc;

	if ((rc = account_reauth(cx, who, password, why)))
		return rc;
	if (sf_state(cx, who, &st))
		return -1;
	if (!st.on)
		return refuse(why, 409, "", "Set up a second factor first.");
	recovery_make(cx, who->id, codes, hashes);
	rc = STORE_CALL(cx->sv->store, recovery_replace, who->id,
	                (const unsigned char (*)[32])hashes, RECOVERY_N);
	sodium_memzero(hashes, sizeof(hashes));
	if (rc)
		return -1;
	return noted(cx, who);
}

int
sf_off(struct ctx *cx, const struct actor *who, const char *password, struct refusal *why)
{
	int rc;

	if ((rc = account_reauth(cx, who, password, why)))
		return rc;
	if (STORE_CALL(cx->sv->store, sf_delete, who->id))
		return -1;
	return noted(cx, who);
}

int
sf_set_secret(struct ctx *cx, int64_t uid, const char *b32)
{
	unsigned char key[64];
	int64_t step = 0;
	size_t n;
	int rc;

	if (b32_decode(b32, key, sizeof(key), &n) || n < 10)
		return -1;
	rc = secret_store(cx, uid, key, n) ||
	     STORE_CALL(cx->sv->store, sf_confirm, uid, step, ctx_now(cx), NULL, 0) ? -1 : 0;
	sodium_memzero(key, sizeof(key));
	return rc;
}
