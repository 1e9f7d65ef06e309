/*
 * page_second_factor.c: the second step of signing in (the code), the
 * second factor's set-up page, new recovery codes, turning it off, and
 * changing the password. The rules are app/second_factor.c's and
 * app/account.c's; here only forms.
 *
 *   GET/POST /login/code                  the code after the password
 *   GET      /account/second-factor       set up (secret, URI, first code), or its state
 *   POST     /account/second-factor       confirm the first code: recovery codes shown once
 *   POST     /account/second-factor/recovery   new recovery codes (password again)
 *   POST     /account/second-factor/off   turn it off (password again)
 *   GET/POST /account/password            a new password (the current one first)
 */
#include <string.h>

#include "app/second_factor.h"
#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

static void
fail_why(struct req *r, struct resp *p, const struct refusal *why, const char *dflt_field)
{
	p->status = why->status;
	req_fail(r, why->field && why->field[0] ? why->field : dflt_field, "%s", why->message);
}

/* ----------------------------------------------------------------------
 * The sign-in's second step
 * ---------------------------------------------------------------------- */

static int
code_form(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	const char *next = req_arg(r, "next");

	return page_begin(r, p, "Enter your code") || error_summary(b, r) ||
	       html(b, "<h1>Enter your code</h1>\n<p class=\"lede\">Your password was right. Now "
	               "enter the 6-digit code your authenticator app shows for chiron.</p>\n"
	               "<form method=\"post\" action=\"/login/code\" novalidate>\n") ||
	       form_csrf(b, r, p) ||
	       (auth_next_ok(next) && (html(b, "<input type=\"hidden\" name=\"next\" value=\"") ||
	                               html_attr(b, next) || html(b, "\">\n"))) ||
	       form_input(b, r, "code", "Code", "Lost your phone? Enter one of your recovery codes "
	                  "instead; each works once.", "text", "",
	                  MARKUP("autocomplete=\"one-time-code\" inputmode=\"numeric\" required "
	                         "maxlength=\"40\" spellcheck=\"false\"")) ||
	       html(b, "<div class=\"actions\"><button type=\"submit\">Sign in</button></div>\n"
	               "</form>\n<p><a href=\"/login\">Start again</a></p>\n") ||
	       page_end(p);
}

int
page_login_code(struct req *r, struct resp *p)
{
	struct store_user u;
	struct refusal why;
	int rc;

	if (r->user)
		return redirect(r, p, auth_next(req_arg(r, "next")));
	if (!r->pending)
		return redirect(r, p, "/login");
	if (strcmp(r->method, "POST") != 0)
		return code_form(r, p);
	if (req_failed(r)) {
		p->status = 400;
		return code_form(r, p);
	}
	rc = sf_sign_in(&r->cx, &r->who, r->pending->uid, req_arg(r, "code"), &u, &why);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		fail_why(r, p, &why, "code");
		return code_form(r, p);
	}
	return auth_session_start(r, p, &u, SESSION_FULL) ||
	       redirect(r, p, auth_next(req_arg(r, "next")));
}

/* ----------------------------------------------------------------------
 * Setting it up, and its state
 * ---------------------------------------------------------------------- */

/* The recovery codes, shown once. */
static int
codes_page(struct req *r, struct resp *p, char codes[RECOVERY_N][RECOVERY_SHOWN + 1],
           bool first)
{
	struct buf *b = &p->body;
	int i, bad = 0;

	bad = page_begin(r, p, "Your recovery codes") ||
	      (first ? html(b, "<h1>Your second factor is on</h1>\n") :
	               html(b, "<h1>New recovery codes</h1>\n")) ||
	      html(b, "<p class=\"lede\">Keep these recovery codes somewhere safe, apart from your "
	              "phone: print them or store them in a password manager. Each one signs you in "
	              "once in place of a code, if you lose the phone. They are shown only now.</p>\n"
	              "<ul class=\"codes\" id=\"recovery-codes\">\n");
	for (i = 0; !bad && i < RECOVERY_N; i++)
		bad = html(b, "<li><code>") || html_txt(b, codes[i]) || html(b, "</code></li>\n");
	return bad ||
	       html(b, "</ul>\n<p>Any codes made before no longer work.</p>\n"
	               "<p><a class=\"button\" href=\"/account\">I have kept them: go on</a></p>\n") ||
	       page_end(p);
}

static int
setup_page(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	char b32[TOTP_SECRET_B32 + 1], grouped[TOTP_SECRET_B32 + TOTP_SECRET_B32 / 4 + 1];
	char uri[SF_URI_MAX];
	struct refusal why;
	int rc = sf_setup(&r->cx, &r->who, b32, grouped, uri, &why);

	if (rc > 0)
		return refusal_response(r, p, &why);
	if (rc < 0)
		return -1;
	return page_begin(r, p, "Set up a second factor") || error_summary(b, r) ||
	       html(b, "<h1>Set up a second factor</h1>\n") ||
	       (sf_required(&r->who) ?
	        html(b, "<p class=\"lede\">Therapists and administrators sign in with a code from "
	                "an authenticator app as well as the password. Set it up to go on.</p>\n") :
	        html(b, "<p class=\"lede\">A code from an authenticator app, as well as the "
	                "password, keeps the account yours even if the password leaks.</p>\n")) ||
	       html(b, "<ol>\n<li>Open an authenticator app on your phone (any that reads "
	               "&ldquo;TOTP&rdquo; codes) and add an account by typing this key:"
	               "<p class=\"secret\"><code id=\"totp-secret\">") || html_txt(b, grouped) ||
	       html(b, "</code></p>\n<details><summary>Or use this address (some apps open it "
	               "directly)</summary><p><code id=\"totp-uri\">") || html_txt(b, uri) ||
	       html(b, "</code></p></details></li>\n<li>Enter the 6-digit code the app now shows."
	               "</li>\n</ol>\n<form method=\"post\" action=\"/account/second-factor\" novalidate>\n") ||
	       form_csrf(b, r, p) ||
	       form_input(b, r, "code", "Code from the app", NULL, "text", "",
	                  MARKUP("autocomplete=\"one-time-code\" inputmode=\"numeric\" required "
	                         "maxlength=\"20\"")) ||
	       html(b, "<div class=\"actions\"><button type=\"submit\">Turn it on</button></div>\n</form>\n") ||
	       html(b, "<form method=\"post\" action=\"/logout\">") || form_csrf(b, r, p) ||
	       html(b, "<button type=\"submit\" class=\"button secondary\">Sign out</button></form>\n") ||
	       page_end(p);
}

/* The state of a second factor that is on: recovery codes left, and the
 * two forms that change it (each asks for the password). */
static int
state_page(struct req *r, struct resp *p, const struct sf_state *st)
{
	struct buf *b = &p->body;
	char left[32];

	snprintf(left, sizeof(left), "%ld", st->recovery_left);
	return page_begin(r, p, "Second factor") || error_summary(b, r) ||
	       html(b, "<h1>Second factor</h1>\n<p class=\"lede\">On: signing in asks for a code from "
	               "your authenticator app after the password.</p>\n<p>Recovery codes not yet "
	               "used: <strong>") || html_txt(b, left) || html(b, "</strong>.</p>\n") ||
	       html(b, "<h2>New recovery codes</h2>\n<form method=\"post\" "
	               "action=\"/account/second-factor/recovery\" novalidate>\n") ||
	       form_csrf(b, r, p) ||
	       form_input(b, r, "password", "Your password", "Asked again to change the second "
	                  "factor. The old codes stop working.", "password", "",
	                  MARKUP("autocomplete=\"current-password\" required")) ||
	       html(b, "<div class=\"actions\"><button type=\"submit\" class=\"button secondary\">"
	               "Make new recovery codes</button></div>\n</form>\n") ||
	       html(b, "<h2>Turn it off</h2>\n") ||
	       (sf_required(&r->who) &&
	        html(b, "<p>Therapists and administrators need one: turned off, you can do nothing "
	                "else until you set up another (on a new phone, say).</p>\n")) ||
	       html(b, "<form method=\"post\" action=\"/account/second-factor/off\" novalidate>\n") ||
	       form_csrf(b, r, p) ||
	       form_input(b, r, "password_off", "Your password", NULL, "password", "",
	                  MARKUP("autocomplete=\"current-password\" required")) ||
	       html(b, "<div class=\"actions\"><button type=\"submit\" class=\"button danger\">"
	               "Turn the second factor off</button></div>\n</form>\n") ||
	       page_end(p);
}

int
page_second_factor(struct req *r, struct resp *p)
{
	char codes[RECOVERY_N][RECOVERY_SHOWN + 1];
	struct sf_state st;
	struct refusal why;
	int rc;

	if (sf_state(&r->cx, &r->who, &st))
		return -1;
	if (strcmp(r->method, "POST") != 0)
		return st.on ? state_page(r, p, &st) : setup_page(r, p);
	if (req_failed(r)) {
		p->status = 400;
		return st.on ? state_page(r, p, &st) : setup_page(r, p);
	}
	rc = sf_confirm(&r->cx, &r->who, req_arg(r, "code"), codes, &why);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (why.status == 409)
			return refusal_response(r, p, &why);
		fail_why(r, p, &why, "code");
		return setup_page(r, p);
	}
	rc = auth_session_rotate(r, p) || codes_page(r, p, codes, true);
	memset(codes, 0, sizeof(codes));
	return rc;
}

int
page_second_factor_recovery(struct req *r, struct resp *p)
{
	char codes[RECOVERY_N][RECOVERY_SHOWN + 1];
	struct sf_state st;
	struct refusal why;
	int rc = req_failed(r) ? 0 :
	         sf_recovery_new(&r->cx, &r->who, req_arg(r, "password"), codes, &why);

	if (rc < 0)
		return -1;
	if (rc == 0 && !req_failed(r)) {
		rc = auth_session_rotate(r, p) || codes_page(r, p, codes, false);
		memset(codes, 0, sizeof(codes));
		return rc;
	}
	if (rc > 0 && why.status == 409)
		return refusal_response(r, p, &why);
	if (rc > 0)
		fail_why(r, p, &why, "password");
	else
		p->status = 400;
	if (sf_state(&r->cx, &r->who, &st))
		return -1;
	return st.on ? state_page(r, p, &st) : setup_page(r, p);
}

int
page_second_factor_off(struct req *r, struct resp *p)
{
	struct sf_state st;
	struct refusal why;
	int rc = req_failed(r) ? 0 : sf_off(&r->cx, &r->who, req_arg(r, "password_off"), &why);

	if (rc < 0)
		return -1;
	if (rc == 0 && !req_failed(r))
		return auth_session_rotate(r, p) ||
		       redirect(r, p, sf_required(&r->who) ? "/account/second-factor" : "/account");
	if (rc > 0) {
		why.field = strcmp(why.field, "password") == 0 ? "password_off" : why.field;
		fail_why(r, p, &why, "password_off");
	} else {
		p->status = 400;
	}
	if (sf_state(&r->cx, &r->who, &st))
		return -1;
	return st.on ? state_page(r, p, &st) : setup_page(r, p);
}

/* ----------------------------------------------------------------------
 * A new password
 * ---------------------------------------------------------------------- */

static int
password_form(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;

	return page_begin(r, p, "Change the password") || error_summary(b, r) ||
	       html(b, "<h1>Change the password</h1>\n<form method=\"post\" action=\"/account/password\" "
	               "novalidate>\n") || form_csrf(b, r, p) ||
	       form_input(b, r, "current", "Current password", NULL, "password", "",
	                  MARKUP("autocomplete=\"current-password\" required")) ||
	       (r->who.second_factor ?
	        form_input(b, r, "password", "New password", "8 to 128 characters, not a common "
	                   "password. Every other browser signed in is signed out.", "password", "",
	                   MARKUP("autocomplete=\"new-password\" required")) :
	        form_input(b, r, "password", "New password", "15 to 128 characters (8 with a second "
	                   "factor), not a common password. Every other browser signed in is signed "
	                   "out.", "password", "", MARKUP("autocomplete=\"new-password\" required"))) ||
	       html(b, "<div class=\"actions\"><button type=\"submit\">Change the password</button></div>\n</form>\n") ||
	       page_end(p);
}

int
page_password(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct refusal why;
	int rc;

	if (strcmp(r->method, "POST") != 0)
		return password_form(r, p);
	if (req_failed(r)) {
		p->status = 400;
		return password_form(r, p);
	}
	rc = change_password(&r->cx, &r->who, req_arg(r, "current"), req_arg(r, "password"),
	                     r->user->token_hash, &why);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		fail_why(r, p, &why, "password");
		return password_form(r, p);
	}
	return auth_session_rotate(r, p) || page_begin(r, p, "Password changed") ||
	       html(b, "<h1>Password changed</h1>\n<p>Every other browser signed in to this account "
	               "is signed out.</p>\n<p><a href=\"/account\">Back to your account</a></p>\n") ||
	       page_end(p);
}
