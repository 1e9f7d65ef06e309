/*
 * act_account.c: creating an account, checking a sign-in, and resetting
 * a forgotten password by a single-use token sent to the outbox (see
 * actions.h). The sign-in page and POST /api/v1/session, the sign-up page
 * and POST /api/v1/users, the reset pages and the reset API all come here.
 *
 * Nothing here says whether an email or handle has an account: a failed
 * sign-in and a reset request answer the same way either way. The reset
 * link goes to the outbox (and, with --smtp, on by mail: app_outbox()
 * wakes the mailer).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/mailer.h"
#include "web/actions.h"
#include "web/auth.h"

#define RESET_SECONDS 3600

static bool
handle_ok(const char *h)
{
	size_t n = strlen(h), i;

	if (n < 3 || n > 40)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '_' && h[i] != '-' && h[i] != '.')
			return false;
	return true;
}

/* An address the mailer will send to (mail_address_ok), with a dot in
 * its domain, short enough for the store. */
static bool
email_ok(const char *e)
{
	const char *at = strchr(e, '@');

	return mail_address_ok(e) && at && strchr(at, '.') && strlen(e) < 200;
}

static bool
password_ok(const char *pw)
{
	return pw && strlen(pw) >= PASSWORD_MIN && strlen(pw) <= PASSWORD_MAX;
}

int
create_account(struct req *r, const struct signup *in, struct store_user *u,
               struct refusal *why)
{
	int rc;

	if (!in->handle || !handle_ok(in->handle))
		return refuse(why, 400, "handle",
		              "The pseudonym must be 3 to 40 letters, digits, dots, dashes or underscores.");
	if (!in->email || !email_ok(in->email))
		return refuse(why, 400, "email", "That does not look like an email address.");
	if (!password_ok(in->password))
		return refuse(why, 400, "password", "The password must be 10 to 1024 characters.");
	if (!in->role || (strcmp(in->role, "seeker") != 0 && strcmp(in->role, "therapist") != 0))
		return refuse(why, 400, "role",
		              "Choose whether you are looking for a therapist or are one.");
	if (auth_throttled(r, "signup", 30, 3600)) {
		refuse(why, 429, "", "Too many accounts were made in the last hour; try again later.");
		why->retry_after = 3600;
		return 1;
	}
	memset(u, 0, sizeof(*u));
	snprintf(u->handle, sizeof(u->handle), "%s", in->handle);
	snprintf(u->email, sizeof(u->email), "%s", in->email);
	snprintf(u->role, sizeof(u->role), "%s", in->role);
	if (auth_hash_password(in->password, u->pw_hash))
		return -1;
	rc = STORE_CALL(r->app->store, user_create, u);
	if (rc == STORE_EXISTS)
		return refuse(why, 409, "",
		              "That pseudonym or email already has an account. Sign in, or reset the password.");
	return rc ? -1 : 0;
}

int
sign_in(struct req *r, const char *login, const char *password, struct store_user *u,
        struct refusal *why)
{
	char key[320];
	int found = 0;

	if (!login || !*login || strlen(login) > 255)
		return refuse(why, 400, "login", "Give your pseudonym or email and your password.");
	if (!password || strlen(password) > PASSWORD_MAX)
		return refuse(why, 400, "password", "Give your pseudonym or email and your password.");
	snprintf(key, sizeof(key), "login:account:%s", login);
	for (char *k = key; *k; k++)
		*k = (char)tolower((unsigned char)*k);
	if (auth_throttled(r, key, 10, 900)) {
		refuse(why, 429, "", "Too many attempts for this account; wait 15 minutes.");
		why->retry_after = 900;
		return 1;
	}
	snprintf(key, sizeof(key), "login:address:%s", r->addr ? r->addr : "?");
	if (auth_throttled(r, key, 50, 900)) {
		refuse(why, 429, "", "Too many attempts from here; wait 15 minutes.");
		why->retry_after = 900;
		return 1;
	}
	if (STORE_CALL(r->app->store, user_find, login, u, &found))
		return -1;
	if (!found || !auth_password_ok(u->pw_hash, password))
		return refuse(why, 401, "",
		              "That pseudonym or email and password do not match an account.");
	return 0;
}

/*
 * What kind of message a subject is, for the outbox log: a word of ours,
 * never the subject itself (which could one day carry a name).
 */
static const char *
mail_kind(const char *subject)
{
	static const struct { const char *prefix, *kind; } kinds[] = {
		{"Reset your chiron password", "reset"},
		{"chiron: session", "booking"},
		{"Is your chiron listing still current?", "listing-reminder"},
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strncmp(subject, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
			return kinds[i].kind;
	return "other";
}

int
app_outbox(struct app *app, const char *to, const char *subject, const char *body)
{
	int64_t now = (int64_t)time(NULL), id;

	if (STORE_CALL(app->store, outbox_put, to, subject, body, now, &id))
		return -1;
	if (app->outbox_log) {
		/* Redacted: when, which message, what kind. No address, name, link or token. */
		char when[32];
		time_t t = (time_t)now;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		pthread_mutex_lock(&app->outbox_lock);
		fprintf(app->outbox_log, "%s outbox %lld %s\n", when, (long long)id, mail_kind(subject));
		fflush(app->outbox_log);
		pthread_mutex_unlock(&app->outbox_lock);
	}
	mailer_wake(app->mailer);
	return 0;
}

int
ask_reset(struct req *r, const char *email, struct refusal *why)
{
	struct store_user u;
	char tok[48], msg[1200];
	unsigned char raw[32], hash[32];
	int found = 0;

	if (!email || !email_ok(email))
		return refuse(why, 400, "email", "Give the email address of the account.");
	if (auth_throttled(r, "reset", 100, 3600)) {
		refuse(why, 429, "", "Too many requests; try again later.");
		why->retry_after = 3600;
		return 1;
	}
	if (STORE_CALL(r->app->store, user_find, email, &u, &found))
		return -1;
	if (!found || strcmp(u.email, email) != 0)
		return 0;
	auth_random_token(tok, raw);
	auth_token_hash(raw, hash);
	if (STORE_CALL(r->app->store, reset_put, hash, u.id, (int64_t)time(NULL) + RESET_SECONDS))
		return -1;
	snprintf(msg, sizeof(msg), "Someone asked to reset the password of the chiron "
	         "account %s.\nTo choose a new password, open %s/reset/%s within an hour.\n"
	         "If it was not you, ignore this message.", u.handle,
	         r->app->public_url ? r->app->public_url : "", tok);
	return app_outbox(r->app, u.email, "Reset your chiron password", msg);
}

int
use_reset(struct req *r, const char *token, const char *password, struct refusal *why)
{
	unsigned char raw[32], hash[32];
	char h[160];
	int64_t uid;
	int found = 0;

	if (auth_token_decode(token, raw))
		return refuse(why, 404, "token", "this reset link is not valid");
	if (!password_ok(password))
		return refuse(why, 400, "password", "The password must be 10 to 1024 characters.");
	auth_token_hash(raw, hash);
	if (STORE_CALL(r->app->store, reset_take, hash, (int64_t)time(NULL), &uid, &found))
		return -1;
	if (!found)
		return refuse(why, 404, "token", "this reset link was used already or has expired");
	if (auth_hash_password(password, h) ||
	    STORE_CALL(r->app->store, user_set_password, uid, h) ||
	    STORE_CALL(r->app->store, sessions_delete_user, uid))
		return -1;
	return 0;
}
