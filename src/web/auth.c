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
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app/secret.h"
#include "app/second_factor.h"
#include "app/session.h"
#include "core/form.h"
#include "web/auth.h"

#define COOKIE_SESSION "chiron_session"
#define COOKIE_CSRF "chiron_csrf"

/*
 * Served over HTTPS (the public URL says so), cookies are named with the
 * __Host- prefix: the browser keeps them only when set Secure, with Path=/
 * and no Domain, so no other host (a sibling subdomain) can plant or
 * overwrite one (OWASP ASVS 3.4.4).
 */
static bool
https(const struct req *r)
{
	const char *u = r->app->sv.public_url;

	return u && strncmp(u, "https://", 8) == 0;
}

static const char *
cookie_name(const struct req *r, const char *base)
{
	if (!https(r))
		return base;
	return strcmp(base, COOKIE_SESSION) == 0 ? "__Host-" COOKIE_SESSION : "__Host-" COOKIE_CSRF;
}

/* The value of cookie name in the Cookie header, copied into out. */
static int
cookie(const struct req *r, const char *base, char *out, size_t n)
{
	const char *c = r->cookie, *name = cookie_name(r, base);
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
	return r->app->secure_cookies || https(r) ? "; Path=/; HttpOnly; Secure; SameSite=Lax" :
	                                            "; Path=/; HttpOnly; SameSite=Lax";
}

/* A session of the request: csrf, hash and account uid. */
static struct session *
session_of(struct req *r, const char *csrf, const unsigned char hash[32], int64_t uid)
{
	struct session *x = arena_calloc(r->a, 1, sizeof(*x));

	if (!x)
		return NULL;
	snprintf(x->csrf, sizeof(x->csrf), "%s", csrf);
	memcpy(x->token_hash, hash, 32);
	x->uid = uid;
	return x;
}

int
auth_load(struct req *r)
{
	char tok[64], csrf[64];
	unsigned char raw[32], hash[32];
	enum session_stage stage = SESSION_FULL;
	struct actor who;
	int found;

	r->user = NULL;
	r->pending = NULL;
	actor_anonymous(&r->who, r->addr);
	if (cookie(r, COOKIE_SESSION, tok, sizeof(tok)) || token_decode(tok, raw))
		return 0;
	token_hash(raw, hash);
	if (session_find(&r->cx, hash, r->addr, &who, csrf, &stage, &found))
		return -1;
	if (!found)
		return 0;
	if (stage == SESSION_CODE) {
		/* Only the password so far: anonymous to every route but the
		 * sign-in's second step. */
		return (r->pending = session_of(r, csrf, hash, who.id)) ? 0 : -1;
	}
	r->who = who;
	return (r->user = session_of(r, csrf, hash, who.id)) ? 0 : -1;
}

int
auth_session_start(struct req *r, struct resp *p, const struct store_user *u,
                   enum session_stage stage)
{
	const struct session *old = r->user ? r->user : r->pending;
	char tok[48], csrf[48];
	unsigned char hash[32];
	struct session *x;
	char *c;
	size_t n;
	int64_t life = stage == SESSION_CODE ? SESSION_CODE_SECONDS : r->cx.sv->session_max;

	/* Rotation: the session this browser had (either stage) ends here. */
	if (session_rotate(&r->cx, old ? old->token_hash : NULL, u, stage, tok, hash, csrf))
		return -1;
	n = strlen(cookie_name(r, COOKIE_SESSION)) + 1 + strlen(tok) + 128;
	c = arena_alloc(r->a, n);
	if (!c || !(x = session_of(r, csrf, hash, u->id)))
		return -1;
	r->user = r->pending = NULL;
	actor_anonymous(&r->who, r->addr);
	if (stage == SESSION_CODE) {
		r->pending = x;
	} else {
		int has = 0;
		struct store_second_factor sf;

		r->user = x;
		actor_of_user(&r->who, u, r->addr);
		if (STORE_CALL(r->cx.sv->store, sf_get, u->id, &sf, &has))
			return -1;
		r->who.second_factor = has && sf.confirmed_at != 0;
	}
	snprintf(c, n, "%s=%s%s; Max-Age=%lld", cookie_name(r, COOKIE_SESSION), tok, cookie_attrs(r),
	         (long long)life);
	return resp_header(p, "Set-Cookie", c);
}

int
auth_session_rotate(struct req *r, struct resp *p)
{
	struct store_user u;
	struct actor keep = r->who;
	bool on = false;

	if (!r->user)
		return -1;
	memset(&u, 0, sizeof(u));
	u.id = r->who.id;
	if (sf_on(&r->cx, u.id, &on))
		return -1;
	/* The store_user above carries only the id; who stays who it was. */
	if (auth_session_start(r, p, &u, SESSION_FULL))
		return -1;
	r->who = keep;
	r->who.second_factor = on;
	return 0;
}

int
auth_session_end(struct req *r, struct resp *p, bool everywhere)
{
	const struct session *s = r->user ? r->user : r->pending;
	char *c;
	size_t n = strlen(cookie_name(r, COOKIE_SESSION)) + 96;

	if (s && session_end(&r->cx, &r->who, s->token_hash, everywhere))
		return -1;
	c = arena_alloc(r->a, n);
	if (!c)
		return -1;
	snprintf(c, n, "%s=%s; Max-Age=0", cookie_name(r, COOKIE_SESSION), cookie_attrs(r));
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
	if (r->pending)
		return r->pending->csrf;
	if (cookie(r, COOKIE_CSRF, tok, sizeof(tok)) == 0 && token_decode(tok, raw) == 0)
		return arena_strdup(r->a, tok);
	t = arena_alloc(r->a, 48);
	n = strlen(cookie_name(r, COOKIE_CSRF)) + 48 + 96;
	c = arena_alloc(r->a, n);
	if (!t || !c)
		return "";
	token_random(t, raw);
	snprintf(c, n, "%s=%s%s", cookie_name(r, COOKIE_CSRF), t, cookie_attrs(r));
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
	else if (r->pending)
		want = r->pending->csrf;
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

/* ----------------------------------------------------------------------
 * Where to go after signing in: the `next` of the sign-in and sign-up
 * forms
 * ---------------------------------------------------------------------- */

bool
auth_next_ok(const char *s)
{
	size_t i;

	/* One "/" then not a second one or a backslash: "//evil" and "/\evil"
	 * are another host to a browser. Beginning with "/", it has no scheme. */
	if (!s || s[0] != '/' || s[1] == '/' || s[1] == '\\')
		return false;
	for (i = 0; s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (i >= NEXT_MAX || ch < 0x20 || ch == 0x7f || ch == '\\')
			return false;
	}
	return true;
}

const char *
auth_next(const char *s)
{
	return auth_next_ok(s) ? s : "/account";
}

/* Appends the path s percent-encoded but for its slashes. */
static int
path_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    strchr("/-._~", ch)) {
			if (buf_addc(b, (char)ch))
				return -1;
		} else if (buf_addc(b, '%') || buf_addc(b, hex[ch >> 4]) || buf_addc(b, hex[ch & 15])) {
			return -1;
		}
	}
	return 0;
}

const char *
auth_here(struct req *r)
{
	struct buf b;
	const char *out;
	size_t len;
	char *s;
	int i, bad;

	buf_init(&b, 4 * NEXT_MAX);
	bad = path_encode(&b, r->path);
	for (i = 0; !bad && i < r->n_args; i++)
		bad = buf_addc(&b, i ? '&' : '?') || form_encode(&b, r->args[i].key) ||
		      buf_addc(&b, '=') || form_encode(&b, r->args[i].value);
	if (bad) {
		buf_free(&b);
		return NULL;
	}
	s = buf_take(&b, &len);
	out = s && auth_next_ok(s) ? arena_strdup(r->a, s) : NULL;
	free(s);
	return out;
}
