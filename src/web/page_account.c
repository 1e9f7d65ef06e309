/*
 * page_account.c: the forms for signing up, signing in and out (here or
 * everywhere), the account page, and resetting a forgotten password. What
 * they do is in app/account.c, shared with the API (api_account.c).
 */
#include <string.h>

#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

static int
field(struct buf *b, const char *name, const char *label, const char *type,
      const char *value, const char *autocomplete)
{
	return html(b, "<label for=\"") || html_attr(b, name) || html(b, "\">") ||
	       html_txt(b, label) || html(b, "</label><input id=\"") || html_attr(b, name) ||
	       html(b, "\" name=\"") || html_attr(b, name) || html(b, "\" type=\"") ||
	       html_attr(b, type) || html(b, "\" autocomplete=\"") || html_attr(b, autocomplete) ||
	       html(b, "\" required value=\"") || html_attr(b, value ? value : "") || html(b, "\">\n");
}

static int
alert(struct buf *b, const char *msg)
{
	return !msg ? 0 : html(b, "<div class=\"card conflict\" role=\"alert\"><p>") ||
	                  html_txt(b, msg) || html(b, "</p></div>\n");
}

/* ----------------------------------------------------------------------
 * Sign up
 * ---------------------------------------------------------------------- */

static int
signup_form(struct req *r, struct resp *p, const char *msg)
{
	struct buf *b = &p->body;
	const char *role = req_arg(r, "role");
	int therapist = role_parse(role) == ACCT_THERAPIST;

	return page_begin(r, p, "Create an account") ||
	       html(b, "<h1>Create an account</h1>\n<p>You need no account to search. An account "
	               "lets you keep your preferences and contact a therapist under a pseudonym.</p>\n") ||
	       alert(b, msg) ||
	       html(b, "<form method=\"post\" action=\"/signup\">\n") || form_csrf(b, r, p) ||
	       field(b, "handle", "A pseudonym (what therapists see)", "text", req_arg(r, "handle"), "username") ||
	       field(b, "email", "Email (never shown to anyone)", "email", req_arg(r, "email"), "email") ||
	       field(b, "password", "Password (10 characters or more)", "password", "", "new-password") ||
	       html(b, "<fieldset><legend>I am</legend><p>") ||
	       html_pick(b, therapist,
	                 "<label class=\"inline\"><input type=\"radio\" name=\"role\" value=\"seeker\"> looking for a therapist</label>"
	                 "<label class=\"inline\"><input type=\"radio\" name=\"role\" value=\"therapist\" checked> a therapist with a listing</label>",
	                 "<label class=\"inline\"><input type=\"radio\" name=\"role\" value=\"seeker\" checked> looking for a therapist</label>"
	                 "<label class=\"inline\"><input type=\"radio\" name=\"role\" value=\"therapist\"> a therapist with a listing</label>") ||
	       html(b, "</p></fieldset>\n<p><button type=\"submit\">Create the account</button></p>\n</form>\n"
	               "<p>Already have one? <a href=\"/login\">Sign in</a>.</p>\n") ||
	       page_end(p);
}

int
page_signup(struct req *r, struct resp *p)
{
	struct signup in = {req_arg(r, "handle"), req_arg(r, "email"), req_arg(r, "password"),
	                    req_arg(r, "role")};
	struct buf *b = &p->body;
	struct refusal why;
	int rc;

	if (strcmp(r->method, "POST") != 0)
		return signup_form(r, p, NULL);
	rc = ask_signup(&r->cx, &r->who, &in, &why);
	if (rc > 0) {
		p->status = why.status;
		return signup_form(r, p, why.message);
	}
	return rc || page_begin(r, p, "Check your email") ||
	       html(b, "<h1>Check your email</h1>\n<p>We sent a message to <strong>") ||
	       html_txt(b, in.email) ||
	       html(b, "</strong>. Open the link in it, within a day, to finish creating your "
	               "account.</p>\n<p class=\"hint\">Nothing arrived? Look in the spam folder, "
	               "or <a href=\"/signup\">ask again</a>.</p>\n") ||
	       page_end(p);
}

/* The page of a mailed sign-up link: one button, since mail scanners
 * open links; a pseudonym taken meanwhile is asked for again. */
static int
signup_confirm_form(struct req *r, struct resp *p, const struct store_user *u, const char *msg,
                    bool ask_handle)
{
	struct buf *b = &p->body;

	return page_begin(r, p, "Finish creating your account") ||
	       html(b, "<h1>Finish creating your account</h1>\n") || alert(b, msg) ||
	       html(b, "<p>Email: <strong>") || html_txt(b, u->email) ||
	       html(b, "</strong></p>\n<form method=\"post\" action=\"/signup/confirm/") ||
	       form_encode(b, r->param) || html(b, "\">\n") || form_csrf(b, r, p) ||
	       (ask_handle ? field(b, "handle", "A pseudonym (what therapists see)", "text",
	                           req_arg(r, "handle"), "username")
	                   : html(b, "<p>Pseudonym: <strong>") || html_txt(b, u->handle) ||
	                     html(b, "</strong></p>\n")) ||
	       html(b, "<p><button type=\"submit\">Create my account</button></p>\n</form>\n") ||
	       page_end(p);
}

int
page_signup_confirm(struct req *r, struct resp *p)
{
	struct store_user u;
	struct refusal why;
	int found = 0, rc;

	if (strcmp(r->method, "POST") != 0) {
		if (signup_pending(&r->cx, &r->who, r->param, &u, &found))
			return -1;
		if (!found) {
			error_response(r, p, 404, "", "This sign-up link was used already or has "
			               "expired. Sign up again.");
			return 0;
		}
		return signup_confirm_form(r, p, &u, NULL, false);
	}
	rc = confirm_signup(&r->cx, &r->who, r->param, req_arg(r, "handle"), &u, &why);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return auth_session_start(r, p, &u) || redirect(r, p, "/account");
	if (why.status == 404 || strcmp(why.field, "email") == 0)
		return refusal_response(r, p, &why);
	p->status = why.status;
	return signup_confirm_form(r, p, &u, why.message, true);
}

/* ----------------------------------------------------------------------
 * Sign in and out
 * ---------------------------------------------------------------------- */

static int
login_form(struct req *r, struct resp *p, const char *msg)
{
	struct buf *b = &p->body;

	return page_begin(r, p, "Sign in") || html(b, "<h1>Sign in</h1>\n") || alert(b, msg) ||
	       html(b, "<form method=\"post\" action=\"/login\">\n") || form_csrf(b, r, p) ||
	       field(b, "login", "Pseudonym or email", "text", req_arg(r, "login"), "username") ||
	       field(b, "password", "Password", "password", "", "current-password") ||
	       html(b, "<p><button type=\"submit\">Sign in</button></p>\n</form>\n"
	               "<p><a href=\"/reset\">Forgot the password?</a> · "
	               "<a href=\"/signup\">Create an account</a></p>\n") ||
	       page_end(p);
}

int
page_login(struct req *r, struct resp *p)
{
	struct store_user u;
	struct refusal why;
	int rc;

	if (strcmp(r->method, "POST") != 0)
		return login_form(r, p, NULL);
	rc = sign_in(&r->cx, &r->who, req_arg(r, "login"), req_arg(r, "password"), &u, &why);
	if (rc > 0) {
		p->status = why.status;
		return login_form(r, p, why.message);
	}
	return rc || auth_session_start(r, p, &u) || redirect(r, p, "/account");
}

int
page_logout(struct req *r, struct resp *p)
{
	return auth_session_end(r, p, false) || redirect(r, p, "/");
}

int
page_logout_all(struct req *r, struct resp *p)
{
	return auth_session_end(r, p, true) || redirect(r, p, "/");
}

int
page_account(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;

	return page_begin(r, p, "Your account") || html(b, "<h1>Your account</h1>\n<p>Signed in as <strong>") ||
	       html_txt(b, r->who.handle) || html(b, "</strong> (") || html_txt(b, role_name(r->who.role)) ||
	       html(b, ").</p>\n<p><a href=\"/requests\">Consultation requests</a></p>\n"
	               "<p><a href=\"/calendar\">Your calendar</a>: free hours for your searches, "
	               "from your caseload</p>\n"
	               "<p><a href=\"/feed\">Calendar feed</a>: your appointments in your calendar app</p>\n") ||
	       (r->who.role != ACCT_SEEKER &&
	        html(b, "<p><a href=\"/listing\">Your listing</a></p>\n")) ||
	       (r->who.role == ACCT_ADMIN &&
	        html(b, "<p><a href=\"/admin\">Verification queue</a></p>\n")) ||
	       html(b, ""
	               "<form method=\"post\" action=\"/logout\">") || form_csrf(b, r, p) ||
	       html(b, "<button type=\"submit\">Sign out</button></form>\n"
	               "<form method=\"post\" action=\"/logout-all\">") || form_csrf(b, r, p) ||
	       html(b, "<p class=\"hint\">Signed in on a shared computer, or lost a device?</p>"
	               "<button type=\"submit\">Sign out everywhere</button></form>\n") ||
	       page_end(p);
}

/* ----------------------------------------------------------------------
 * Password reset
 * ---------------------------------------------------------------------- */

int
page_reset(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	const char *email = req_arg(r, "email");
	struct refusal why = {0, "", NULL, 0};
	int rc;

	if (strcmp(r->method, "POST") == 0) {
		rc = ask_reset(&r->cx, &r->who, email, &why);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return page_begin(r, p, "Check your email") ||
			       html(b, "<h1>Check your email</h1>\n<p>If an account has that address, a link to "
			               "choose a new password is on its way. It works once, for an hour.</p>\n") ||
			       page_end(p);
		p->status = why.status;
	}
	return page_begin(r, p, "Reset the password") || html(b, "<h1>Reset the password</h1>\n") ||
	       alert(b, why.message) ||
	       html(b, "<form method=\"post\" action=\"/reset\">\n") || form_csrf(b, r, p) ||
	       field(b, "email", "Email of the account", "email", email, "email") ||
	       html(b, "<p><button type=\"submit\">Send a reset link</button></p>\n</form>\n") ||
	       page_end(p);
}

int
page_reset_token(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct refusal why = {0, "", NULL, 0};
	unsigned char raw[32];
	int rc;

	if (token_decode(r->param, raw)) {
		error_response(r, p, 404, "", "this reset link is not valid");
		return 0;
	}
	if (strcmp(r->method, "POST") == 0) {
		rc = use_reset(&r->cx, &r->who, r->param, req_arg(r, "password"), &why);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return redirect(r, p, "/login");
		if (why.status != 400)
			return refusal_response(r, p, &why);
		p->status = 400;
	}
	return page_begin(r, p, "Choose a new password") || html(b, "<h1>Choose a new password</h1>\n") ||
	       alert(b, why.message) ||
	       html(b, "<form method=\"post\" action=\"/reset/") || form_encode(b, r->param) ||
	       html(b, "\">\n") || form_csrf(b, r, p) ||
	       field(b, "password", "New password", "password", "", "new-password") ||
	       html(b, "<p><button type=\"submit\">Save and sign in again</button></p>\n</form>\n") ||
	       page_end(p);
}
