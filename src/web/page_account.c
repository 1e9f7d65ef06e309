/*
 * page_account.c: signing up, signing in and out (here or everywhere),
 * the account page, and resetting a forgotten password by a single-use
 * token sent to the outbox (and, with --smtp, on by mail: outbox() wakes
 * the mailer).
 *
 * Nothing here says whether an email or handle has an account: a failed
 * sign-in and a reset request answer the same way either way.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/mailer.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

#define RESET_SECONDS 3600

static int
csrf_field(struct buf *b, struct req *r, struct resp *p)
{
	return html(b, "<input type=\"hidden\" name=\"csrf\" value=\"") ||
	       html_attr(b, auth_csrf_token(r, p)) || html(b, "\">\n");
}

static int
field(struct buf *b, const char *name, const char *label, const char *type,
      const char *value, const char *autocomplete)
{
	return html(b, "<label for=\"") || html_attr(b, name) || html(b, "\">") ||
	       html_txt(b, label) || html(b, "</label><input id=\"") || html_attr(b, name) ||
	       html(b, "\" name=\"") || html_attr(b, name) || html(b, "\" type=\"") ||
	       html(b, type) || html(b, "\" autocomplete=\"") || html(b, autocomplete) ||
	       html(b, "\" required value=\"") || html_attr(b, value ? value : "") || html(b, "\">\n");
}

static int
alert(struct buf *b, const char *msg)
{
	return !msg ? 0 : html(b, "<div class=\"card conflict\" role=\"alert\"><p>") ||
	                  html_txt(b, msg) || html(b, "</p></div>\n");
}

static int
see_other(struct resp *p, const char *where)
{
	p->status = 303;
	return resp_header(p, "Location", where);
}

/* ----------------------------------------------------------------------
 * Sign up
 * ---------------------------------------------------------------------- */

static int
signup_form(struct req *r, struct resp *p, const char *msg)
{
	struct buf *b = &p->body;
	const char *role = req_arg(r, "role");
	int therapist = role && strcmp(role, "therapist") == 0;

	return page_begin(r, p, "Create an account") ||
	       html(b, "<h1>Create an account</h1>\n<p>You need no account to search. An account "
	               "lets you keep your preferences and contact a therapist under a pseudonym.</p>\n") ||
	       alert(b, msg) ||
	       html(b, "<form method=\"post\" action=\"/signup\">\n") || csrf_field(b, r, p) ||
	       field(b, "handle", "A pseudonym (what therapists see)", "text", req_arg(r, "handle"), "username") ||
	       field(b, "email", "Email (never shown to anyone)", "email", req_arg(r, "email"), "email") ||
	       field(b, "password", "Password (10 characters or more)", "password", "", "new-password") ||
	       html(b, "<fieldset><legend>I am</legend><p>") ||
	       html(b, therapist ? "<label class=\"inline\"><input type=\"radio\" name=\"role\" value=\"seeker\"> looking for a therapist</label>"
	                           "<label class=\"inline\"><input type=\"radio\" name=\"role\" value=\"therapist\" checked> a therapist with a listing</label>"
	                         : "<label class=\"inline\"><input type=\"radio\" name=\"role\" value=\"seeker\" checked> looking for a therapist</label>"
	                           "<label class=\"inline\"><input type=\"radio\" name=\"role\" value=\"therapist\"> a therapist with a listing</label>") ||
	       html(b, "</p></fieldset>\n<p><button type=\"submit\">Create the account</button></p>\n</form>\n"
	               "<p>Already have one? <a href=\"/login\">Sign in</a>.</p>\n") ||
	       page_end(p);
}

static int
handle_ok(const char *h)
{
	size_t n = strlen(h), i;

	if (n < 3 || n > 40)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '_' && h[i] != '-' && h[i] != '.')
			return 0;
	return 1;
}

static int
email_ok(const char *e)
{
	const char *at = strchr(e, '@');

	return at && at != e && strchr(at, '.') && strlen(e) < 200 && !strchr(e, ' ') &&
	       !strchr(at + 1, '@');
}

int
page_signup(struct req *r, struct resp *p)
{
	const char *handle = req_arg(r, "handle"), *email = req_arg(r, "email"),
	           *pw = req_arg(r, "password"), *role = req_arg(r, "role");
	struct store_user u;
	int rc;

	if (strcmp(r->method, "POST") != 0)
		return signup_form(r, p, NULL);
	p->status = 400;
	if (!handle || !handle_ok(handle))
		return signup_form(r, p, "The pseudonym must be 3 to 40 letters, digits, dots, dashes or underscores.");
	if (!email || !email_ok(email))
		return signup_form(r, p, "That does not look like an email address.");
	if (!pw || strlen(pw) < PASSWORD_MIN || strlen(pw) > PASSWORD_MAX)
		return signup_form(r, p, "The password must be 10 to 1024 characters.");
	if (!role || (strcmp(role, "seeker") != 0 && strcmp(role, "therapist") != 0))
		return signup_form(r, p, "Choose whether you are looking for a therapist or are one.");
	if (auth_throttled(r, "signup", 30, 3600)) {
		p->status = 429;
		return signup_form(r, p, "Too many accounts were made in the last hour; try again later.");
	}
	memset(&u, 0, sizeof(u));
	snprintf(u.handle, sizeof(u.handle), "%s", handle);
	snprintf(u.email, sizeof(u.email), "%s", email);
	snprintf(u.role, sizeof(u.role), "%s", role);
	if (auth_hash_password(pw, u.pw_hash))
		return -1;
	rc = STORE_CALL(r->app->store, user_create, &u);
	if (rc == STORE_EXISTS) {
		p->status = 409;
		return signup_form(r, p, "That pseudonym or email already has an account. Sign in, or reset the password.");
	}
	if (rc)
		return -1;
	p->status = 200;
	return auth_session_start(r, p, u.id) || see_other(p, "/account");
}

/* ----------------------------------------------------------------------
 * Sign in and out
 * ---------------------------------------------------------------------- */

static int
login_form(struct req *r, struct resp *p, const char *msg)
{
	struct buf *b = &p->body;

	return page_begin(r, p, "Sign in") || html(b, "<h1>Sign in</h1>\n") || alert(b, msg) ||
	       html(b, "<form method=\"post\" action=\"/login\">\n") || csrf_field(b, r, p) ||
	       field(b, "who", "Pseudonym or email", "text", req_arg(r, "who"), "username") ||
	       field(b, "password", "Password", "password", "", "current-password") ||
	       html(b, "<p><button type=\"submit\">Sign in</button></p>\n</form>\n"
	               "<p><a href=\"/reset\">Forgot the password?</a> · "
	               "<a href=\"/signup\">Create an account</a></p>\n") ||
	       page_end(p);
}

int
page_login(struct req *r, struct resp *p)
{
	const char *who = req_arg(r, "who"), *pw = req_arg(r, "password");
	struct store_user u;
	char key[320];
	int found = 0;

	if (strcmp(r->method, "POST") != 0)
		return login_form(r, p, NULL);
	if (!who || !pw || !*who || strlen(who) > 255 || strlen(pw) > PASSWORD_MAX) {
		p->status = 400;
		return login_form(r, p, "Give your pseudonym or email and your password.");
	}
	snprintf(key, sizeof(key), "login:account:%s", who);
	for (char *k = key; *k; k++)
		*k = (char)tolower((unsigned char)*k);
	if (auth_throttled(r, key, 10, 900)) {
		p->status = 429;
		return login_form(r, p, "Too many attempts for this account; wait 15 minutes.");
	}
	snprintf(key, sizeof(key), "login:address:%s", r->addr ? r->addr : "?");
	if (auth_throttled(r, key, 50, 900)) {
		p->status = 429;
		return login_form(r, p, "Too many attempts from here; wait 15 minutes.");
	}
	if (STORE_CALL(r->app->store, user_find, who, &u, &found))
		return -1;
	if (!found || !auth_password_ok(u.pw_hash, pw)) {
		p->status = 401;
		return login_form(r, p, "That pseudonym or email and password do not match an account.");
	}
	return auth_session_start(r, p, u.id) || see_other(p, "/account");
}

int
page_logout(struct req *r, struct resp *p)
{
	return auth_session_end(r, p, false) || see_other(p, "/");
}

int
page_logout_all(struct req *r, struct resp *p)
{
	return auth_session_end(r, p, true) || see_other(p, "/");
}

int
page_account(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;

	return page_begin(r, p, "Your account") || html(b, "<h1>Your account</h1>\n<p>Signed in as <strong>") ||
	       html_txt(b, r->user->handle) || html(b, "</strong> (") || html_txt(b, r->user->role) ||
	       html(b, ").</p>\n<p><a href=\"/requests\">Consultation requests</a></p>\n") ||
	       (strcmp(r->user->role, "seeker") != 0 &&
	        html(b, "<p><a href=\"/listing\">Your listing</a></p>\n")) ||
	       (strcmp(r->user->role, "admin") == 0 &&
	        html(b, "<p><a href=\"/admin\">Verification queue</a></p>\n")) ||
	       html(b, ""
	               "<form method=\"post\" action=\"/logout\">") || csrf_field(b, r, p) ||
	       html(b, "<button type=\"submit\">Sign out</button></form>\n"
	               "<form method=\"post\" action=\"/logout-all\">") || csrf_field(b, r, p) ||
	       html(b, "<p class=\"hint\">Signed in on a shared computer, or lost a device?</p>"
	               "<button type=\"submit\">Sign out everywhere</button></form>\n") ||
	       page_end(p);
}

/* ----------------------------------------------------------------------
 * Password reset
 * ---------------------------------------------------------------------- */

int
app_outbox(struct app *app, const char *to, const char *subject, const char *body)
{
	int64_t now = (int64_t)time(NULL);

	if (STORE_CALL(app->store, outbox_add, to, subject, body, now))
		return -1;
	if (app->outbox_log) {
		pthread_mutex_lock(&app->outbox_lock);
		fprintf(app->outbox_log, "---\nto: %s\nsubject: %s\n\n%s\n", to, subject, body);
		fflush(app->outbox_log);
		pthread_mutex_unlock(&app->outbox_lock);
	}
	mailer_wake(app->mailer);
	return 0;
}

static int
outbox(struct req *r, const char *to, const char *subject, const char *body)
{
	return app_outbox(r->app, to, subject, body);
}

int
page_reset(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	const char *email = req_arg(r, "email");
	struct store_user u;
	char tok[48], msg[1200];
	unsigned char raw[32], hash[32];
	int found = 0;

	if (strcmp(r->method, "POST") == 0) {
		if (!email || !email_ok(email)) {
			p->status = 400;
		} else if (auth_throttled(r, "reset", 100, 3600)) {
			p->status = 429;
		} else {
			if (STORE_CALL(r->app->store, user_find, email, &u, &found))
				return -1;
			if (found && strcmp(u.email, email) == 0) {
				auth_random_token(tok, raw);
				auth_token_hash(raw, hash);
				if (STORE_CALL(r->app->store, reset_put, hash, u.id,
				               (int64_t)time(NULL) + RESET_SECONDS))
					return -1;
				snprintf(msg, sizeof(msg), "Someone asked to reset the password of the chiron "
				         "account %s.\nTo choose a new password, open %s/reset/%s within an hour.\n"
				         "If it was not you, ignore this message.", u.handle, r->app->public_url ? r->app->public_url : "", tok);
				if (outbox(r, u.email, "Reset your chiron password", msg))
					return -1;
			}
			return page_begin(r, p, "Check your email") ||
			       html(b, "<h1>Check your email</h1>\n<p>If an account has that address, a link to "
			               "choose a new password is on its way. It works once, for an hour.</p>\n") ||
			       page_end(p);
		}
	}
	return page_begin(r, p, "Reset the password") || html(b, "<h1>Reset the password</h1>\n") ||
	       alert(b, p->status == 400 ? "Give the email address of the account." :
	                p->status == 429 ? "Too many requests; try again later." : NULL) ||
	       html(b, "<form method=\"post\" action=\"/reset\">\n") || csrf_field(b, r, p) ||
	       field(b, "email", "Email of the account", "email", email, "email") ||
	       html(b, "<p><button type=\"submit\">Send a reset link</button></p>\n</form>\n") ||
	       page_end(p);
}

int
page_reset_token(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	const char *pw = req_arg(r, "password");
	unsigned char raw[32], hash[32];
	int64_t uid;
	int found = 0;

	if (auth_token_decode(r->param, raw)) {
		error_response(r, p, 404, "", "this reset link is not valid");
		return 0;
	}
	if (strcmp(r->method, "POST") == 0) {
		char h[160];

		if (!pw || strlen(pw) < PASSWORD_MIN || strlen(pw) > PASSWORD_MAX) {
			p->status = 400;
			goto form;
		}
		auth_token_hash(raw, hash);
		if (STORE_CALL(r->app->store, reset_take, hash, (int64_t)time(NULL), &uid, &found))
			return -1;
		if (!found) {
			error_response(r, p, 404, "", "this reset link was used already or has expired");
			return 0;
		}
		if (auth_hash_password(pw, h) ||
		    STORE_CALL(r->app->store, user_set_password, uid, h) ||
		    STORE_CALL(r->app->store, sessions_delete_user, uid))
			return -1;
		return see_other(p, "/login");
	}
form:
	return page_begin(r, p, "Choose a new password") || html(b, "<h1>Choose a new password</h1>\n") ||
	       alert(b, p->status == 400 ? "The password must be 10 to 1024 characters." : NULL) ||
	       html(b, "<form method=\"post\" action=\"/reset/") || url_arg(b, r->param) ||
	       html(b, "\">\n") || csrf_field(b, r, p) ||
	       field(b, "password", "New password", "password", "", "new-password") ||
	       html(b, "<p><button type=\"submit\">Save and sign in again</button></p>\n</form>\n") ||
	       page_end(p);
}
