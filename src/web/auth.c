/*
 * auth.c: passwords, sessions, CSRF and throttling (see auth.h).
 *
 * Sessions: the cookie holds 32 random bytes (base64url); the store holds
 * only their BLAKE2b-256 hash, so a copy of the database opens no
 * session. CSRF: a signed-in user's forms carry the session's own random
 * token; anonymous forms (sign in, sign up, reset) use a double-submit
 * token in a cookie of its own. Comparisons are constant-time.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "web/auth.h"

#define COOKIE_SESSION "chiron_session"
#define COOKIE_CSRF "chiron_csrf"

int
auth_hash_password(const char *pw, char out[160])
{
	_Static_assert(crypto_pwhash_STRBYTES <= 160, "hash fits");
	return crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                             crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

bool
auth_password_ok(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

int
auth_random_token(char out[48], unsigned char raw[32])
{
	randombytes_buf(raw, 32);
	sodium_bin2base64(out, 48, raw, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

void
auth_token_hash(const unsigned char raw[32], unsigned char hash[32])
{
	crypto_generichash(hash, 32, raw, 32, NULL, 0);
}

int
auth_token_decode(const char *s, unsigned char raw[32])
{
	size_t n = 0;

	if (!s || strlen(s) != 43)
		return -1;
	if (sodium_base642bin(raw, 32, s, 43, NULL, &n, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || n != 32)
		return -1;
	return 0;
}

/* The value of cookie name in the Cookie header, copied into out. */
static int
cookie(const struct req *r, const char *name, char *out, size_t n)
{
	const char *c = r->cookie;
	size_t len = strlen(name);

	while (c && *c) {
		while (*c == ' ' || *c == ';')
			c++;
		if (strncmp(c, name, len) == 0 && c[len] == '=') {
			const char *v = c + len + 1, *end = strchr(v, ';');
			size_t vl = end ? (size_t)(end - v) : strlen(v);

			if (vl >= n)
				return -1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return 0;
		}
		c = strchr(c, ';');
	}
	return -1;
}

static const char *
cookie_attrs(const struct req *r)
{
	return r->app->secure_cookies ? "; Path=/; HttpOnly; Secure; SameSite=Lax" :
	                                "; Path=/; HttpOnly; SameSite=Lax";
}

/* Makes u, in the session whose token hashes to hash, the user of r. */
static int
set_user(struct req *r, const struct store_user *u, const char *csrf,
         const unsigned char hash[32])
{
	struct user_ctx *x = arena_calloc(r->a, 1, sizeof(*x));

	if (!x)
		return -1;
	x->id = u->id;
	snprintf(x->handle, sizeof(x->handle), "%s", u->handle);
	snprintf(x->role, sizeof(x->role), "%s", u->role);
	snprintf(x->therapist_id, sizeof(x->therapist_id), "%s", u->therapist_id);
	snprintf(x->claim_id, sizeof(x->claim_id), "%s", u->claim_id);
	snprintf(x->csrf, sizeof(x->csrf), "%s", csrf);
	memcpy(x->token_hash, hash, 32);
	r->user = x;
	return 0;
}

int
auth_load(struct req *r)
{
	char tok[64], csrf[64];
	unsigned char raw[32], hash[32];
	struct store_user u;
	int64_t uid;
	int found;

	r->user = NULL;
	if (cookie(r, COOKIE_SESSION, tok, sizeof(tok)) || auth_token_decode(tok, raw))
		return 0;
	auth_token_hash(raw, hash);
	if (STORE_CALL(r->app->store, session_get, hash, (int64_t)time(NULL), &uid, csrf, &found))
		return -1;
	if (!found)
		return 0;
	if (STORE_CALL(r->app->store, user_get, uid, &u, &found))
		return -1;
	if (!found)
		return 0;
	return set_user(r, &u, csrf, hash);
}

int
auth_session_start(struct req *r, struct resp *p, const struct store_user *u)
{
	char tok[48], csrf[48];
	unsigned char raw[32], hash[32], craw[32];
	char *c;
	size_t n;

	auth_random_token(tok, raw);
	auth_random_token(csrf, craw);
	auth_token_hash(raw, hash);
	if (STORE_CALL(r->app->store, session_put, hash, u->id, csrf,
	               (int64_t)time(NULL) + SESSION_SECONDS))
		return -1;
	n = strlen(COOKIE_SESSION) + 1 + strlen(tok) + 96;
	c = arena_alloc(r->a, n);
	if (!c || set_user(r, u, csrf, hash))
		return -1;
	snprintf(c, n, "%s=%s%s; Max-Age=%d", COOKIE_SESSION, tok, cookie_attrs(r), SESSION_SECONDS);
	return resp_header(p, "Set-Cookie", c);
}

int
auth_session_end(struct req *r, struct resp *p, bool everywhere)
{
	char *c;
	size_t n = strlen(COOKIE_SESSION) + 96;

	if (r->user) {
		if (everywhere ? STORE_CALL(r->app->store, sessions_delete_user, r->user->id) :
		                 STORE_CALL(r->app->store, session_delete, r->user->token_hash))
			return -1;
	}
	c = arena_alloc(r->a, n);
	if (!c)
		return -1;
	snprintf(c, n, "%s=%s; Max-Age=0", COOKIE_SESSION, cookie_attrs(r));
	return resp_header(p, "Set-Cookie", c);
}

const char *
auth_csrf_token(struct req *r, struct resp *p)
{
	char tok[64];
	unsigned char raw[32];
	char *t, *c;
	size_t n;

	if (r->user)
		return r->user->csrf;
	if (cookie(r, COOKIE_CSRF, tok, sizeof(tok)) == 0 && auth_token_decode(tok, raw) == 0)
		return arena_strdup(r->a, tok);
	t = arena_alloc(r->a, 48);
	n = strlen(COOKIE_CSRF) + 48 + 96;
	c = arena_alloc(r->a, n);
	if (!t || !c)
		return "";
	auth_random_token(t, raw);
	snprintf(c, n, "%s=%s%s", COOKIE_CSRF, t, cookie_attrs(r));
	resp_header(p, "Set-Cookie", c);
	return t;
}

/*
 * Is given this request's CSRF token? The session's when signed in, else
 * the double-submit cookie's; compared in constant time.
 */
static bool
csrf_matches(const struct req *r, const char *given)
{
	char tok[64];
	const char *want;

	if (!given)
		return false;
	if (r->user)
		want = r->user->csrf;
	else if (cookie(r, COOKIE_CSRF, tok, sizeof(tok)) == 0)
		want = tok;
	else
		return false;
	return strlen(given) == strlen(want) && strlen(want) >= 43 &&
	       sodium_memcmp(given, want, strlen(want)) == 0;
}

bool
auth_csrf_ok(struct req *r)
{
	return csrf_matches(r, req_arg(r, "csrf"));
}

bool
auth_csrf_header_ok(struct req *r)
{
	return csrf_matches(r, r->csrf_header);
}

/* Counts an attempt at action by party (any text); see auth.h. */
bool
auth_throttled_party(struct req *r, const char *action, const char *party, long max,
                     int64_t window)
{
	int64_t now = (int64_t)time(NULL);
	unsigned char h[16];
	char key[96], hex[33];
	long count = 0;

	crypto_generichash(h, sizeof(h), (const unsigned char *)party, strlen(party),
	                   r->app->throttle_key, sizeof(r->app->throttle_key));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(key, sizeof(key), "%.40s:%s", action, hex);
	if (STORE_CALL(r->app->store, throttle_hit, key, now, now - window, &count))
		return true;            /* fail closed */
	return count > max;
}

bool
auth_throttled_address(struct req *r, const char *action, long max, int64_t window)
{
	char party[80];

	snprintf(party, sizeof(party), "address:%s", r->addr ? r->addr : "?");
	return auth_throttled_party(r, action, party, max, window);
}
