/*
 * page_account.c: the forms for signing up, signing in and out (here or
 * everywhere), the account page, and resetting a forgotten password. What
 * they do is in app/account.c, shared with the API (api_account.c).
 */
#include <stdlib.h>
#include <string.h>

#include "app/second_factor.h"
#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

/* The hidden field that carries where to go after (web/auth.h), when it may be followed. */
static int
next_field(struct buf *b, const char *next)
{
	return !auth_next_ok(next) ? 0 :
	       html(b, "<input type=\"hidden\" name=\"next\" value=\"") || html_attr(b, next) ||
	       html(b, "\">\n");
}

/* A link to path carrying next ("?next=..."), when it may be followed. */
static int
next_link(struct buf *b, const char *path, const char *next)
{
	return html_attr(b, path) ||
	       (auth_next_ok(next) && (html(b, "?next=") || form_encode(b, next)));
}

/* A service's refusal on the form: its field's error, or the form's
 * ("" when it names no field of the form). */
static void
fail_refusal(struct req *r, struct resp *p, const struct refusal *why, const char *dflt_field)
{
	const char *f = why->field && why->field[0] ? why->field : dflt_field;

	p->status = why->status;
	req_fail(r, f, "%s", why->message);
}

/* ----------------------------------------------------------------------
 * Sign up
 * ---------------------------------------------------------------------- */

static int
signup_form(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	const char *role = req_arg(r, "role"), *next = req_arg(r, "next");
	int therapist = role_parse(role) == ACCT_THERAPIST;

	return page_begin(r, p, "Create an account") || error_summary(b, r) ||
	       html(b, "<h1>Create an account</h1>\n<p class=\"lede\">You need no account to search. "
	               "An account lets you book, keep your preferences and write to a therapist "
	               "under a pseudonym.</p>\n") ||
	       html(b, "<form method=\"post\" action=\"/signup\" novalidate>\n") || form_csrf(b, r, p) ||
	       next_field(b, next) ||
	       form_input(b, r, "handle", "A pseudonym (what therapists see)",
	                  "3 to 40 letters, digits, dots, dashes or underscores. Not your name, "
	                  "unless you want it seen.", "text", req_arg(r, "handle"),
	                  MARKUP("autocomplete=\"username\" required maxlength=\"40\"")) ||
	       form_input(b, r, "email", "Email (never shown to anyone)",
	                  "We send a link to it to finish creating the account.", "email",
	                  req_arg(r, "email"), MARKUP("autocomplete=\"email\" required")) ||
	       form_input(b, r, "password", "Password (15 characters or more)",
	                  "Up to 128 characters. A few words in a row make a good one; common "
	                  "passwords are refused.", "password", "",
	                  MARKUP("autocomplete=\"new-password\" required")) ||
	       html(b, "<div class=\"form-group\">") || field_error(b, r, "role") ||
	       html(b, "<fieldset id=\"role\"><legend>I am</legend>") ||
	       html_pick(b, therapist,
	                 "<label class=\"inline\"><input type=\"radio\" name=\"role\" value=\"seeker\"> looking for a therapist</label>"
	                 "<label class=\"inline\"><input type=\"radio\" name=\"role\" value=\"therapist\" checked> a therapist with a listing</label>",
	                 "<label class=\"inline\"><input type=\"radio\" name=\"role\" value=\"seeker\" checked> looking for a therapist</label>"
	                 "<label class=\"inline\"><input type=\"radio\" name=\"role\" value=\"therapist\"> a therapist with a listing</label>") ||
	       html(b, "</fieldset></div>\n<div class=\"actions\"><button type=\"submit\">Create the account</button></div>\n</form>\n"
	               "<p>Already have one? <a href=\"") || next_link(b, "/login", next) ||
	       html(b, "\">Sign in</a>.</p>\n") ||
	       page_end(p);
}

int
page_signup(struct req *r, struct resp *p)
{
	struct signup in = {req_arg(r, "handle"), req_arg(r, "email"), req_arg(r, "password"),
	                    req_arg(r, "role")};
	const char *next = req_arg(r, "next");
	struct buf *b = &p->body;
	struct refusal why;
	int rc;

	if (strcmp(r->method, "POST") != 0)
		return signup_form(r, p);
	if (req_failed(r)) {
		p->status = 400;
		return signup_form(r, p);
	}
	rc = ask_signup_to(&r->cx, &r->who, &in, auth_next_ok(next) ? next : NULL, &why);
	if (rc > 0) {
		fail_refusal(r, p, &why, "");
		return signup_form(r, p);
	}
	return rc || page_begin(r, p, "Check your email") ||
	       html(b, "<h1>Check your email</h1>\n<p>We sent a message to <strong>") ||
	       html_txt(b, in.email) ||
	       html(b, "</strong>. Open the link in it, within a day, to finish creating your "
	               "account.</p>\n<p class=\"hint\">Nothing arrived? Look in the spam folder, "
	               "or <a href=\"") || next_link(b, "/signup", next) ||
	       html(b, "\">ask again</a>.</p>\n") ||
	       page_end(p);
}

/* The page of a mailed sign-up link: one button, since mail scanners
 * open links; a pseudonym taken meanwhile is asked for again. */
static int
signup_confirm_form(struct req *r, struct resp *p, const struct store_user *u, bool ask_handle)
{
	struct buf *b = &p->body;

	return page_begin(r, p, "Finish creating your account") || error_summary(b, r) ||
	       html(b, "<h1>Finish creating your account</h1>\n") ||
	       html(b, "<dl class=\"facts\"><dt>Email</dt><dd>") || html_txt(b, u->email) ||
	       html(b, "</dd>") ||
	       (!ask_handle && (html(b, "<dt>Pseudonym</dt><dd>") || html_txt(b, u->handle) ||
	                        html(b, "</dd>"))) ||
	       html(b, "</dl>\n<form method=\"post\" action=\"/signup/confirm/") ||
	       form_encode(b, r->param) || html(b, "\">\n") || form_csrf(b, r, p) ||
	       next_field(b, req_arg(r, "next")) ||
	       (ask_handle && form_input(b, r, "handle", "A pseudonym (what therapists see)",
	                                 "3 to 40 letters, digits, dots, dashes or underscores.",
	                                 "text", req_arg(r, "handle") ? req_arg(r, "handle") : "",
	                                 MARKUP("autocomplete=\"username\" required maxlength=\"40\""))) ||
	       html(b, "<div class=\"actions\"><button type=\"submit\">Create my account</button></div>\n</form>\n") ||
	       page_end(p);
}

int
page_signup_confirm(struct req *r, struct resp *p)
{
	struct store_user u;
	struct refusal why;
	int found = 0, rc;

	if (strcmp(r->method, "POST") != 0 || req_failed(r)) {
		if (signup_pending(&r->cx, &r->who, r->param, &u, &found))
			return -1;
		if (!found) {
			error_response(r, p, 404, "", "This sign-up link was used already or has "
			               "expired. Sign up again.");
			return 0;
		}
		if (req_failed(r))
			p->status = 400;
		return signup_confirm_form(r, p, &u, req_failed(r));
	}
	rc = confirm_signup(&r->cx, &r->who, r->param, req_arg(r, "handle"), &u, &why);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return auth_session_start(r, p, &u, SESSION_FULL) ||
		       redirect(r, p, auth_next(req_arg(r, "next")));
	if (why.status == 404 || strcmp(why.field, "email") == 0)
		return refusal_response(r, p, &why);
	fail_refusal(r, p, &why, "handle");
	return signup_confirm_form(r, p, &u, true);
}

/* ----------------------------------------------------------------------
 * Sign in and out
 * ---------------------------------------------------------------------- */

static int
login_form(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	const char *next = req_arg(r, "next");

	return page_begin(r, p, "Sign in") || error_summary(b, r) || html(b, "<h1>Sign in</h1>\n") ||
	       (auth_next_ok(next) && strcmp(next, "/account") != 0 &&
	        html(b, "<p class=\"lede\">Sign in, or create an account, to go on: you come back "
	                "to the page you were on.</p>\n")) ||
	       html(b, "<form method=\"post\" action=\"/login\" novalidate>\n") || form_csrf(b, r, p) ||
	       next_field(b, next) ||
	       form_input(b, r, "login", "Pseudonym or email", NULL, "text", req_arg(r, "login"),
	                  MARKUP("autocomplete=\"username\" required")) ||
	       form_input(b, r, "password", "Password", NULL, "password", "",
	                  MARKUP("autocomplete=\"current-password\" required")) ||
	       html(b, "<div class=\"actions\"><button type=\"submit\">Sign in</button></div>\n</form>\n"
	               "<p><a href=\"/reset\">Forgot the password?</a> · <a href=\"") ||
	       next_link(b, "/signup", next) || html(b, "\">Create an account</a></p>\n") ||
	       page_end(p);
}

static int code_redirect(struct req *r, struct resp *p);

int
page_login(struct req *r, struct resp *p)
{
	struct store_user u;
	struct refusal why;
	bool two = false;
	int rc;

	if (strcmp(r->method, "POST") != 0)
		return login_form(r, p);
	if (req_failed(r)) {
		p->status = 400;
		return login_form(r, p);
	}
	rc = sign_in(&r->cx, &r->who, req_arg(r, "login"), req_arg(r, "password"), &u, &why);
	if (rc > 0) {
		/* One sentence for an unknown account and a wrong password. */
		fail_refusal(r, p, &why, "password");
		return login_form(r, p);
	}
	if (rc)
		return rc;
	if (sf_on(&r->cx, u.id, &two))
		return -1;
	if (!two)
		return auth_session_start(r, p, &u, SESSION_FULL) ||
		       redirect(r, p, auth_next(req_arg(r, "next")));
	/* The password was right: the code next, in a session that opens
	 * nothing else (app/session.h, SESSION_CODE). */
	return auth_session_start(r, p, &u, SESSION_CODE) || code_redirect(r, p);
}

/* 303 to the code's page, carrying next. */
static int
code_redirect(struct req *r, struct resp *p)
{
	const char *next = req_arg(r, "next");
	struct buf b;
	char *where;
	size_t len;
	int rc;

	if (!auth_next_ok(next))
		return redirect(r, p, "/login/code");
	buf_init(&b, 4 * NEXT_MAX);
	if (buf_adds(&b, "/login/code?next=") || form_encode(&b, next) || !(where = buf_take(&b, &len))) {
		buf_free(&b);
		return -1;
	}
	rc = redirect(r, p, where);
	free(where);
	return rc;
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

	return page_begin(r, p, "Your account") || html(b, "<h1>Your account</h1>\n<p class=\"lede\">Signed in as <strong>") ||
	       html_txt(b, r->who.handle) || html(b, "</strong>") ||
	       (r->who.role == ACCT_ADMIN && html(b, ", an administrator")) ||
	       (r->who.role == ACCT_THERAPIST && html(b, ", a therapist")) ||
	       html(b, ".</p>\n<ul class=\"cards\">\n"
	               "<li class=\"card\"><h2><a href=\"/therapy\">My therapy</a></h2><p>Your sessions, "
	               "series and waitlists.</p></li>\n"
	               "<li class=\"card\"><h2><a href=\"/requests\">Consultation requests</a></h2>"
	               "<p>What you wrote to therapists, and their answers.</p></li>\n"
	               "<li class=\"card\"><h2><a href=\"/calendar\">Your calendar</a></h2><p>Free hours "
	               "for your searches, read from your caseload's calendar.</p></li>\n"
	               "<li class=\"card\"><h2><a href=\"/feed\">Calendar feed</a></h2><p>Your "
	               "appointments in your own calendar app.</p></li>\n"
	               "<li class=\"card\"><h2><a href=\"/account/data\">Your data</a></h2><p>Download "
	               "everything chiron keeps about you, or close your account.</p></li>\n") ||
	       (r->who.role != ACCT_SEEKER &&
	        html(b, "<li class=\"card\"><h2><a href=\"/listing\">Your listing</a></h2><p>What "
	                "clinicians see of your practice.</p></li>\n"
	                "<li class=\"card\"><h2><a href=\"/schedule\">My schedule</a></h2><p>Your "
	                "hours, sessions and closures.</p></li>\n")) ||
	       (r->who.role == ACCT_ADMIN &&
	        html(b, "<li class=\"card\"><h2><a href=\"/admin\">Admin</a></h2><p>Claims waiting "
	                "for verification, hidden listings, organizations.</p></li>\n")) ||
	       html(b, "<li class=\"card\"><h2><a href=\"/account/second-factor\">Second factor</a>"
	               "</h2><p>") ||
	       (r->who.second_factor ?
	        html(b, "On: a code from your authenticator app after the password. New recovery "
	                "codes, or turn it off.") :
	        html(b, "Off. Ask for a code from an authenticator app as well as the password, so "
	                "a leaked password is not enough to sign in.")) ||
	       html(b, "</p></li>\n<li class=\"card\"><h2><a href=\"/account/password\">Password</a>"
	               "</h2><p>Choose a new one; other browsers are signed out.</p></li>\n") ||
	       html(b, "</ul>\n<h2>Signing out</h2>\n<div class=\"actions\">"
	               "<form method=\"post\" action=\"/logout\">") || form_csrf(b, r, p) ||
	       html(b, "<button type=\"submit\" class=\"button secondary\">Sign out</button></form>\n"
	               "<form method=\"post\" action=\"/logout-all\">") || form_csrf(b, r, p) ||
	       html(b, "<button type=\"submit\" class=\"button secondary\">Sign out everywhere</button>"
	               "</form></div>\n<p class=\"hint\">Signed in on a shared computer, or lost a "
	               "device? &ldquo;Sign out everywhere&rdquo; ends every session of this account.</p>\n"
	               "<p><a href=\"/account/activity\">Who used your data</a>: every sign-in, and "
	               "everyone who read or changed what you keep here</p>\n"
	               "<p><a href=\"/privacy\">What chiron keeps about you</a></p>\n") ||
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
	struct refusal why;
	int rc;

	if (strcmp(r->method, "POST") == 0 && !req_failed(r)) {
		rc = ask_reset(&r->cx, &r->who, email, &why);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return page_begin(r, p, "Check your email") ||
			       html(b, "<h1>Check your email</h1>\n<p>If an account has that address, a link to "
			               "choose a new password is on its way. It works once, for an hour.</p>\n") ||
			       page_end(p);
		fail_refusal(r, p, &why, "email");
	} else if (req_failed(r)) {
		p->status = 400;
	}
	return page_begin(r, p, "Reset the password") || error_summary(b, r) ||
	       html(b, "<h1>Reset the password</h1>\n") ||
	       html(b, "<form method=\"post\" action=\"/reset\" novalidate>\n") || form_csrf(b, r, p) ||
	       form_input(b, r, "email", "Email of the account",
	                  "If an account has it, we send a link to choose a new password.", "email",
	                  email, MARKUP("autocomplete=\"email\" required")) ||
	       html(b, "<div class=\"actions\"><button type=\"submit\">Send a reset link</button></div>\n</form>\n") ||
	       page_end(p);
}

int
page_reset_token(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct refusal why;
	unsigned char raw[32];
	int rc;

	if (token_decode(r->param, raw)) {
		error_response(r, p, 404, "", "This reset link is not valid. Ask for a new one "
		               "from the sign-in page.");
		return 0;
	}
	if (strcmp(r->method, "POST") == 0 && !req_failed(r)) {
		rc = use_reset(&r->cx, &r->who, r->param, req_arg(r, "password"), &why);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return redirect(r, p, "/login");
		if (why.status != 400)
			return refusal_response(r, p, &why);
		fail_refusal(r, p, &why, "password");
	} else if (req_failed(r)) {
		p->status = 400;
	}
	return page_begin(r, p, "Choose a new password") || error_summary(b, r) ||
	       html(b, "<h1>Choose a new password</h1>\n") ||
	       html(b, "<form method=\"post\" action=\"/reset/") || form_encode(b, r->param) ||
	       html(b, "\" novalidate>\n") || form_csrf(b, r, p) ||
	       form_input(b, r, "password", "New password", "15 to 128 characters; common passwords "
	                  "are refused.", "password", "",
	                  MARKUP("autocomplete=\"new-password\" required")) ||
	       html(b, "<div class=\"actions\"><button type=\"submit\">Save and sign in again</button></div>\n</form>\n") ||
	       page_end(p);
}
