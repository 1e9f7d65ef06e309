/*
 * account.c: creating an account, checking a sign-in, and resetting
 * a forgotten password by a single-use token sent to the outbox. The
 * sign-in page and POST /api/v1/session, the sign-up page and POST
 * /api/v1/users, the reset pages and the reset API, and `chiron user`
 * all come here (app/account.h).
 *
 * States. A sign-up is asked (a pending row: pseudonym, email, password
 * hash, role, the link's hash, a day to live), then confirmed into an
 * account, or it expires. An account is a seeker, a therapist or an
 * admin; a reset is asked (a token's hash, an hour to live), then used
 * once, or it expires.
 *
 * Who. Anyone may ask for a seeker or therapist account (never an admin:
 * only `chiron user add` makes one), sign in, and ask for a reset; using
 * a link takes holding it. Every path is throttled per address and per
 * account or email asked about, so nobody's budget is spent by anyone
 * else.
 *
 * Nothing here says whether an email or pseudonym has an account, by its
 * answer or by its time (an account's existence here says a colleague is
 * seeking therapy):
 *
 * 1. Sign-up checks the form, hashes the password (every time) and
 *    answers "check your email"; after the answer (app/jobs.h) the email
 *    gets a link to finish, or a note that it already has an account.
 *    The account is made when the link is used (confirm_signup): only
 *    then, to someone holding the email, can a taken pseudonym show.
 * 2. Sign-in checks a decoy argon2id hash when the login names no one,
 *    and counts tries per account (or per unknown login): same answers,
 *    same time.
 * 3. Reset answers at once; the lookup and the mail come after.
 *
 * What it stores: the pseudonym, the email, the role and an argon2id
 * hash of the password; links' tokens only as BLAKE2b hashes; throttle
 * counts under keyed hashes (app/throttle.h). Never: a password, a
 * token, or who asked about which address. Links go to the outbox (and,
 * with --smtp, on by mail: notify_send() wakes the mailer).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "core/buf.h"
#include "core/form.h"
#include "app/audit.h"
#include "app/jobs.h"
#include "app/password_list.h"
#include "app/mailer.h"
#include "app/services.h"
#include "app/secret.h"
#include "app/throttle.h"

#define RESET_SECONDS 3600
#define SIGNUP_SECONDS 86400

/*
 * Throttles (auth.h), each per address and, where there is one, per
 * account or per email asked about: nobody's budget is spent by anyone
 * else. Sign-in: 10 tries in 15 minutes per account (by pseudonym and by
 * email together), 50 per address. Sign-up: 20 an hour per address.
 * Sign-up mail: 3 an hour per email. Reset: 20 an hour per address, 5 per
 * email.
 */
#define LOGINS_PER_ACCOUNT 10
#define LOGINS_PER_ADDRESS 50
#define SIGNUPS_PER_ADDRESS 20
#define SIGNUPS_PER_EMAIL 3
#define RESETS_PER_ADDRESS 20
#define RESETS_PER_EMAIL 5

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

/* Unicode characters in s (UTF-8, checked valid by the form and JSON
 * readers): its bytes that do not continue a character. */
static size_t
characters(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

const char *
account_password_check(const struct services *sv, const char *pw, bool second_factor)
{
	size_t n;

	if (!pw)
		return "Choose a password of 15 to 128 characters.";
	n = characters(pw);
	if (n < (second_factor ? PASSWORD_MIN_2FA : PASSWORD_MIN))
		return second_factor ? "The password must be at least 8 characters long." :
		       "The password must be at least 15 characters long (8 once the account has a "
		       "second factor). A few words in a row make a good one.";
	if (n > PASSWORD_MAX || strlen(pw) > PASSWORD_INPUT_MAX)
		return "The password must be at most 128 characters long.";
	if (password_listed(sv->common_passwords, pw))
		return "That password is on a list of common passwords; choose another.";
	return NULL;
}

/* Runs fn(sv, arg) after the answer, or now when there is no jobs
 * thread (the CLI's tests); 1 with a 503 refusal when the queue is full. */
static int
later(struct ctx *cx, job_fn fn, void *arg, struct refusal *why)
{
	if (!cx->sv->jobs) {
		fn(cx->sv, arg);
		return 0;
	}
	if (jobs_post(cx->sv->jobs, fn, cx->sv, arg) == 0)
		return 0;
	free(arg);
	refuse(why, 503, "", "chiron is very busy; try again in a minute.");
	why->retry_after = 60;
	return 1;
}

/* A throttle's party "KIND:TEXT" in lower case ("email:a@b.org"), so
 * that A@B.org and a@b.org share one budget. */
static void
party_lower(char out[320], const char *kind, const char *text)
{
	snprintf(out, 320, "%s:%s", kind, text);
	for (char *k = out; *k; k++)
		*k = (char)tolower((unsigned char)*k);
}

/* What the job of a sign-up needs: the account asked for, and the page
 * to land on when the link is used ("" for the account page). */
struct signup_ask {
	struct store_user u;
	char next[SIGNUP_NEXT_MAX + 1];
};

/* A sign-up after the answer: the link, or a note that the email has an
 * account. Owns arg, a struct signup_ask. */
static void
signup_job(void *ctx, void *arg)
{
	struct services *sv = ctx;
	struct ctx cx = {.sv = sv};
	struct signup_ask *ask = arg;
	struct store_user *u = &ask->u, old;
	char tok[48 + 12 + 3 * SIGNUP_NEXT_MAX];
	unsigned char raw[32], hash[32];
	int found = 0;

	/* By the email's blind index (app/identity.c): it is sealed. */
	if (account_find_email(&cx, u->email, &old, &found))
		goto out;
	if (found) {
		notify_signup_exists(sv, u->email, old.handle);
		goto out;
	}
	token_random(tok, raw);
	token_hash(raw, hash);
	if (signup_email_seal(&cx, hash, u) ||
	    STORE_CALL(sv->store, signup_put, hash, u, clock_now(&sv->clock) + SIGNUP_SECONDS))
		goto out;
	/* The link's tail: the token, then where to land, percent-encoded
	 * (a checked local path: no space or line break reaches the mail). */
	if (ask->next[0]) {
		struct buf b;
		size_t n;

		buf_init(&b, sizeof(tok) - strlen(tok) - 1);
		if (buf_adds(&b, "?next=") == 0 && form_encode(&b, ask->next) == 0 && b.p) {
			n = strlen(tok);
			snprintf(tok + n, sizeof(tok) - n, "%s", b.p);
		}
		buf_free(&b);
	}
	notify_signup_link(sv, u->email, u->handle, tok);
out:
	sodium_memzero(ask, sizeof(*ask));
	free(ask);
}

int
ask_signup(struct ctx *cx, const struct actor *who, const struct signup *in, struct refusal *why)
{
	return ask_signup_to(cx, who, in, NULL, why);
}

int
ask_signup_to(struct ctx *cx, const struct actor *who, const struct signup *in, const char *next,
              struct refusal *why)
{
	struct signup_ask *ask;
	struct store_user *u;
	const char *bad;
	char party[320];

	if (!in->handle || !handle_ok(in->handle))
		return refuse(why, 400, "handle",
		              "The pseudonym must be 3 to 40 letters, digits, dots, dashes or underscores.");
	if (!in->email || !email_ok(in->email))
		return refuse(why, 400, "email", "That does not look like an email address.");
	if ((bad = account_password_check(cx->sv, in->password, false)))
		return refuse(why, 400, "password", bad);
	if (role_parse(in->role) != ACCT_SEEKER && role_parse(in->role) != ACCT_THERAPIST)
		return refuse(why, 400, "role",
		              "Choose whether you are looking for a therapist or are one.");
	party_lower(party, "email", in->email);
	if (throttled_address(cx, who, "signup", SIGNUPS_PER_ADDRESS, 3600) ||
	    throttled_party(cx, "signup", party, SIGNUPS_PER_EMAIL, 3600)) {
		refuse(why, 429, "", "Too many sign-ups were asked for from here or for this "
		       "email in the last hour; try again later.");
		why->retry_after = 3600;
		return 1;
	}
	if (!(ask = calloc(1, sizeof(*ask))))
		return -1;
	u = &ask->u;
	/* Only a path of this site (the page checked it, web/auth.h); one
	 * that is too long for a mail is dropped, the account page instead. */
	if (next && next[0] == '/' && strlen(next) <= SIGNUP_NEXT_MAX && !strpbrk(next, " \r\n\t\\"))
		snprintf(ask->next, sizeof(ask->next), "%s", next);
	snprintf(u->handle, sizeof(u->handle), "%s", in->handle);
	snprintf(u->email, sizeof(u->email), "%s", in->email);
	snprintf(u->role, sizeof(u->role), "%s", in->role);
	/* Hashed here, on every sign-up alike: the password never waits in
	 * memory for the job, and the answer takes the same time. */
	if (password_hash(in->password, u->pw_hash)) {
		free(ask);
		return -1;
	}
	return later(cx, signup_job, ask, why);
}

int
signup_pending(struct ctx *cx, const struct actor *who, const char *token, struct store_user *u, int *found)
{
	unsigned char raw[32], hash[32];

	(void)who;
	*found = 0;
	if (token_decode(token, raw))
		return 0;
	token_hash(raw, hash);
	if (STORE_CALL(cx->sv->store, signup_get, hash, ctx_now(cx), u, found))
		return -1;
	return *found ? signup_email_open(cx, hash, u) : 0;
}

int
confirm_signup(struct ctx *cx, const struct actor *who, const char *token, const char *handle, struct store_user *u,
               struct refusal *why)
{
	unsigned char raw[32], hash[32];
	struct store_user other;
	int found = 0, rc;

	(void)who;
	if (token_decode(token, raw))
		return refuse(why, 404, "token", "This sign-up link is not valid.");
	token_hash(raw, hash);
	if (STORE_CALL(cx->sv->store, signup_get, hash, ctx_now(cx), u, &found))
		return -1;
	if (!found)
		return refuse(why, 404, "token", "This sign-up link was used already or has "
		              "expired. Sign up again.");
	if (signup_email_open(cx, hash, u))
		return -1;
	if (handle && *handle) {
		if (!handle_ok(handle))
			return refuse(why, 400, "handle", "The pseudonym must be 3 to 40 letters, "
			              "digits, dots, dashes or underscores.");
		if (STORE_CALL(cx->sv->store, signup_rename, hash, handle))
			return -1;
		snprintf(u->handle, sizeof(u->handle), "%s", handle);
	}
	/* The email sealed for the new account, found by its blind index. */
	rc = account_add(cx, u);
	if (rc == STORE_EXISTS) {
		if (account_find_email(cx, u->email, &other, &found))
			return -1;
		if (found) {
			if (STORE_CALL(cx->sv->store, signup_delete, hash))
				return -1;
			return refuse(why, 409, "email", "This email got an account meanwhile. Sign "
			              "in, or reset its password.");
		}
		return refuse(why, 409, "handle", "Someone took that pseudonym meanwhile. Choose "
		              "another.");
	}
	if (rc || STORE_CALL(cx->sv->store, signup_delete, hash))
		return -1;
	return 0;
}

/*
 * The argon2id hash a sign-in checks when the login names no account, so
 * that an unknown login costs what a wrong password costs: the time of
 * an answer says nothing of whether an account exists. Made once.
 */
static pthread_once_t decoy_once = PTHREAD_ONCE_INIT;
static char decoy_hash[160];

static void
decoy_make(void)
{
	char pw[48];
	unsigned char raw[32];

	token_random(pw, raw);
	if (password_hash(pw, decoy_hash))
		decoy_hash[0] = '\0';          /* verify then fails at once: still refused */
}

int
sign_in(struct ctx *cx, const struct actor *who, const char *login, const char *password, struct store_user *u,
        struct refusal *why)
{
	char party[320];
	int found = 0;
	bool match;

	if (!login || !*login || strlen(login) > 255)
		return refuse(why, 400, "login", "Give your pseudonym or email and your password.");
	if (!password || strlen(password) > PASSWORD_INPUT_MAX)
		return refuse(why, 400, "password", "Give your pseudonym or email and your password.");
	if (throttled_address(cx, who, "login", LOGINS_PER_ADDRESS, 900)) {
		refuse(why, 429, "", "Too many attempts from here; wait 15 minutes.");
		why->retry_after = 900;
		return 1;
	}
	if (account_find(cx, login, u, &found))
		return -1;
	/* One budget per account, whether it is named by pseudonym or email;
	 * a login that names no account has a budget of its own, so the
	 * answers are the same either way. */
	if (found)
		snprintf(party, sizeof(party), "user:%lld", (long long)u->id);
	else
		party_lower(party, "login", login);
	if (throttled_party(cx, "login", party, LOGINS_PER_ACCOUNT, 900)) {
		refuse(why, 429, "", "Too many attempts for this account; wait 15 minutes.");
		why->retry_after = 900;
		return 1;
	}
	pthread_once(&decoy_once, decoy_make);
	match = password_ok(found ? u->pw_hash : decoy_hash, password);
	if (audit_note(cx, who, found && match ? AUDIT_SIGNIN : AUDIT_SIGNIN_FAILED, "account", "", found ? u->id : 0))
		return -1;
	if (!found || !match)
		return refuse(why, 401, "",
		              "That pseudonym or email and password do not match an account.");
	return 0;
}

/* A reset after the answer: the link, when the email has an account.
 * Owns the email. */
static void
reset_job(void *ctx, void *arg)
{
	struct services *sv = ctx;
	struct ctx cx = {.sv = sv};
	char *email = arg, tok[48];
	unsigned char raw[32], hash[32];
	struct store_user u;
	int found = 0;

	if (account_find_email(&cx, email, &u, &found) || !found ||
	    account_email(&cx, &u, u.email, sizeof(u.email)) || !u.email[0])
		goto out;
	token_random(tok, raw);
	token_hash(raw, hash);
	if (STORE_CALL(sv->store, reset_put, hash, u.id, clock_now(&sv->clock) + RESET_SECONDS))
		goto out;
	notify_reset_link(sv, u.email, u.handle, tok);
out:
	free(email);
}

int
ask_reset(struct ctx *cx, const struct actor *who, const char *email, struct refusal *why)
{
	char party[320], *copy;

	if (!email || !email_ok(email))
		return refuse(why, 400, "email", "Give the email address of the account.");
	party_lower(party, "email", email);
	if (throttled_address(cx, who, "reset", RESETS_PER_ADDRESS, 3600) ||
	    throttled_party(cx, "reset", party, RESETS_PER_EMAIL, 3600)) {
		refuse(why, 429, "", "Too many reset requests; try again in an hour.");
		why->retry_after = 3600;
		return 1;
	}
	if (!(copy = strdup(email)))
		return -1;
	return later(cx, reset_job, copy, why);
}

int
use_reset(struct ctx *cx, const struct actor *who, const char *token, const char *password, struct refusal *why)
{
	unsigned char raw[32], hash[32];
	char h[160];
	int64_t uid;
	int found = 0;

	const char *bad;

	(void)who;
	if (token_decode(token, raw))
		return refuse(why, 404, "token", "this reset link is not valid");
	/* The rule without a second factor: the link proves the email only,
	 * and is checked before it is spent. */
	if ((bad = account_password_check(cx->sv, password, false)))
		return refuse(why, 400, "password", bad);
	token_hash(raw, hash);
	if (STORE_CALL(cx->sv->store, reset_take, hash, ctx_now(cx), &uid, &found))
		return -1;
	if (!found)
		return refuse(why, 404, "token", "this reset link was used already or has expired");
	if (password_hash(password, h) || audit_note(cx, who, AUDIT_PASSWORD, "account", "reset", uid) ||
	    STORE_CALL(cx->sv->store, user_set_password, uid, h) ||
	    STORE_CALL(cx->sv->store, sessions_delete_user, uid))
		return -1;
	return 0;
}

/* ----------------------------------------------------------------------
 * Asking for the password again; changing it (issue 11)
 * ---------------------------------------------------------------------- */

/* Re-asks: 10 in 15 minutes per account, 50 per address, like sign-ins. */
#define REAUTHS_PER_ACCOUNT 10
#define REAUTHS_PER_ADDRESS 50

int
account_reauth(struct ctx *cx, const struct actor *who, const char *password, struct refusal *why)
{
	struct store_user u;
	char party[48];
	int found = 0;

	if (!who->id)
		return refuse(why, 401, "", "Sign in first.");
	if (!password || !*password)
		return refuse(why, 400, "password", "Enter your password to go on.");
	if (strlen(password) > PASSWORD_INPUT_MAX)
		return refuse(why, 403, "password", "That is not your password.");
	snprintf(party, sizeof(party), "user:%lld", (long long)who->id);
	if (throttled_address(cx, who, "reauth", REAUTHS_PER_ADDRESS, 900) ||
	    throttled_party(cx, "reauth", party, REAUTHS_PER_ACCOUNT, 900)) {
		refuse(why, 429, "", "Too many passwords were tried; wait 15 minutes.");
		why->retry_after = 900;
		return 1;
	}
	if (STORE_CALL(cx->sv->store, user_get, who->id, &u, &found))
		return -1;
	if (!found || !password_ok(u.pw_hash, password)) {
		sodium_memzero(&u, sizeof(u));
		return refuse(why, 403, "password", "That is not your password.");
	}
	sodium_memzero(&u, sizeof(u));
	return 0;
}

int
change_password(struct ctx *cx, const struct actor *who, const char *current, const char *password,
                const unsigned char keep[32], struct refusal *why)
{
	const char *bad;
	char h[160];
	int rc;

	if ((rc = account_reauth(cx, who, current, why)))
		return rc == 1 && strcmp(why->field, "password") == 0 ?
		       (why->field = "current", 1) : rc;
	if ((bad = account_password_check(cx->sv, password, who->second_factor)))
		return refuse(why, 400, "password", bad);
	if (password_hash(password, h) ||
	    audit_note(cx, who, AUDIT_PASSWORD, "account", "change", who->id) ||
	    STORE_CALL(cx->sv->store, user_set_password, who->id, h) ||
	    STORE_CALL(cx->sv->store, sessions_delete_others, who->id, keep))
		return -1;
	return 0;
}
