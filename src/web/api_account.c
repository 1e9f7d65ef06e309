/*
 * api_account.c: accounts and sessions in the JSON API.
 *
 *   POST   /api/v1/users            ask for an account: a link is mailed (202)
 *   POST   /api/v1/users/confirm    the link's token: the account, and its session (201)
 *   POST   /api/v1/session          sign in (200)
 *   DELETE /api/v1/session          sign out (204)
 *   DELETE /api/v1/sessions         sign out everywhere (204)
 *   GET    /api/v1/me               who is signed in, and the CSRF token
 *   POST   /api/v1/password-reset   send a reset link, if the email has an account (204)
 *   PUT    /api/v1/password         a new password with the link's token (204)
 *
 * Signing up or in sets the same HttpOnly session cookie as the pages and
 * answers {"user", "csrf"}: the client sends that token back in the
 * X-CSRF-Token header of every state-changing call (server.c checks it).
 * The rules are app/account.c's, shared with the pages.
 */
#include "core/jsonv.h"
#include "app/second_factor.h"
#include "app/services.h"
#include "web/auth.h"
#include "web/pages.h"

int
api_signup(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"handle", "email", "password", "role", NULL};
	struct signup in;
	struct refusal why;
	struct verr e;
	struct jw w;
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "handle", &in.handle, &e) || api_str(r, o, "email", &in.email, &e) ||
	    api_str(r, o, "password", &in.password, &e) || api_str(r, o, "role", &in.role, &e))
		return api_invalid(r, p, &e);
	rc = ask_signup(&r->cx, &r->who, &in, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc)
		return -1;
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	jw_kstr(&w, "message", "Check your email: a link to finish creating the account is on "
	        "its way (it works for a day).");
	jw_obj_close(&w);
	return json_reply(p, &w, 202);
}

int
api_signup_confirm(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"token", "handle", NULL};
	const char *token, *handle = NULL;
	struct store_user u;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "token", &token, &e) || api_str(r, o, "handle", &handle, &e))
		return api_invalid(r, p, &e);
	rc = confirm_signup(&r->cx, &r->who, token, handle, &u, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc || auth_session_start(r, p, &u, SESSION_FULL) || resp_header(p, "Location", "/api/v1/me"))
		return -1;
	return api_session(r, p, 201);
}

int
api_signin(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"login", "password", "code", NULL};
	const char *login, *pw, *code = NULL;
	struct store_user u;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, keys, &e);
	bool two = false;
	int rc;

	if (!o || api_str(r, o, "login", &login, &e) || api_str(r, o, "password", &pw, &e) ||
	    api_str(r, o, "code", &code, &e))
		return api_invalid(r, p, &e);
	rc = sign_in(&r->cx, &r->who, login, pw, &u, &why);
	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc || sf_on(&r->cx, u.id, &two))
		return -1;
	/* With a second factor, the code comes in the same call. */
	if (two && (!code || !*code)) {
		refuse(&why, 401, "code", "this account has a second factor: send the code from the "
		       "authenticator app (or a recovery code) as code");
		return refusal_response(r, p, &why);
	}
	if (two) {
		rc = sf_sign_in(&r->cx, &r->who, u.id, code, &u, &why);
		if (rc > 0)
			return refusal_response(r, p, &why);
		if (rc)
			return -1;
	}
	if (auth_session_start(r, p, &u, SESSION_FULL))
		return -1;
	return api_session(r, p, 200);
}

int
api_signout(struct req *r, struct resp *p)
{
	if (auth_session_end(r, p, false))
		return -1;
	p->status = 204;
	return 0;
}

int
api_signout_all(struct req *r, struct resp *p)
{
	if (auth_session_end(r, p, true))
		return -1;
	p->status = 204;
	return 0;
}

int
api_me(struct req *r, struct resp *p)
{
	return api_session(r, p, 200);
}

int
api_reset(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"email", NULL};
	const char *email;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "email", &email, &e))
		return api_invalid(r, p, &e);
	rc = ask_reset(&r->cx, &r->who, email, &why);
	return no_content(r, p, rc, &why);
}

int
api_password(struct req *r, struct resp *p)
{
	static const char *const keys[] = {"token", "password", NULL};
	const char *token, *pw;
	struct refusal why;
	struct verr e;
	jnode *o = api_body(r, keys, &e);
	int rc;

	if (!o || api_str(r, o, "token", &token, &e) || api_str(r, o, "password", &pw, &e))
		return api_invalid(r, p, &e);
	rc = use_reset(&r->cx, &r->who, token, pw, &why);
	return no_content(r, p, rc, &why);
}
