/*
 * test_services.c: the services of src/app driven without HTTP, as a
 * command or a background job drives them: a temporary SQLite store, the
 * live index built from it, services_init, and actors made from accounts.
 *
 * Accounts: a sign-up asked and finished with the token from the outbox,
 * its link spent; a sign-in right, wrong, and throttled until the clock
 * (never a sleep) moves past the window. Listings: a claim, its code
 * from the outbox, an admin's verification, refusals for everyone else,
 * an edit of the listing held with the place of each window kept or set,
 * a bad record refused naming its field with nothing stored, a hidden
 * listing shown only to admins. Requests: sent, answered by the holder,
 * a stranger's answer refused as a missing request. Calendar and saved
 * profile: an upload's busy times stored, proposed and forgotten, and who
 * may save a profile.
 */
#include "testlib.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/compacts.h"
#include "core/record.h"
#include "app/directory.h"
#include "app/live.h"
#include "app/seal.h"
#include "app/services.h"
#include "app/secret.h"
#include "app/session.h"
#include "store/store.h"

#define ADDR "192.0.2.1"
#define TID "t-0000101"

static const char record_json[] =
	"{\"type\":\"therapist\",\"id\":\"" TID "\",\"name\":\"Ana Ruiz\",\"credentials\":\"LCSW\","
	"\"profession\":\"social_worker\",\"npi\":\"1234567893\",\"licenses\":[\"US-NY\"],"
	"\"compacts\":[],\"office\":{\"lat\":40.7128,\"lon\":-74.006,\"jurisdiction\":\"US-NY\"},\"modalities\":[\"telehealth\",\"in_person\"],\"formats\":[\"individual\"],"
	"\"accepting_new_clients\":true,\"fee\":{\"currency\":\"USD\",\"session\":120},"
	"\"orientations\":[],\"focus_areas\":[],\"populations\":[],\"languages\":[\"en\"],"
	"\"career_stages\":[],\"clinician_clients\":true,\"timezone\":\"America/New_York\","
	"\"availability\":[{\"day\":\"mon\",\"start\":\"09:00\",\"end\":\"12:00\"},"
	"{\"day\":\"tue\",\"start\":\"14:00\",\"end\":\"17:00\"}],\"affiliations\":[]}";

/* Everything one test works with. */
struct fix {
	char dir[64], db[128];
	struct store *st;
	struct live *lv;
	struct compacts cmp;            /* read by the index builder: lives as long as lv */
	struct services sv;
	struct arena a;
	struct ctx cx;
	struct actor admin, thera, seeker, anon;
};

/* ----------------------------------------------------------------------
 * Set-up: a store with one listing, an admin, a therapist, a seeker
 * ---------------------------------------------------------------------- */

static void
put_listing(struct store *st)
{
	struct arena a;
	struct record rec;
	struct buf packed = BUF_INIT;
	struct verr e;

	arena_init(&a, 1 << 16);
	if (record_parse(TAX, record_json, strlen(record_json), &a, &rec, &e))
		fail_msg("record: %s: %s", e.field, e.msg);
	assert_int_equal(therapist_pack(TAX, &rec.t, &packed), 0);
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_put_therapist(st, TID, packed.p, packed.len), 0);
	assert_int_equal(store_commit(st), 0);
	buf_free(&packed);
	arena_free(&a);
}

/* An account made as `chiron user add` makes one (its email sealed);
 * *who is its actor. */
static void
add_user(struct fix *f, const char *handle, const char *role, struct actor *who)
{
	struct store_user u;

	memset(&u, 0, sizeof(u));
	snprintf(u.handle, sizeof(u.handle), "%s", handle);
	snprintf(u.email, sizeof(u.email), "%s@example.org", handle);
	snprintf(u.role, sizeof(u.role), "%s", role);
	assert_int_equal(password_hash("long-enough-password", u.pw_hash), 0);
	assert_int_equal(account_add(&f->cx, &u), 0);
	actor_of_user(who, &u, ADDR);
}

/* who again from the store, as the next request's session would load it. */
static void
reload(struct fix *f, struct actor *who)
{
	struct store_user u;
	int found = 0;

	assert_int_equal(STORE_CALL(f->st, user_get, who->id, &u, &found), 0);
	assert_true(found);
	actor_of_user(who, &u, ADDR);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	unsigned char key[STORE_MAIL_KEY_BYTES] = {7, 7, 7};
	char err[256];

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/chiron-test-services-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/c.db", f->dir);
	if (!(f->st = store_open(f->db, err, sizeof(err))))
		fail_msg("store_open: %s", err);
	assert_int_equal(STORE_CALL(f->st, set_mail_key, key), 0);
	put_listing(f->st);
	if (directory_compacts(TAX, NULL, &f->cmp, err, sizeof(err)))
		fail_msg("compacts: %s", err);
	if (!(f->lv = live_open(f->db, TAX, &f->cmp, 2, err, sizeof(err))))
		fail_msg("live_open: %s", err);
	services_init(&f->sv, f->st, TAX);
	{
		char keyfile[160];
		int made;

		snprintf(keyfile, sizeof(keyfile), "%s/chiron.key", f->dir);
		if (sealer_start(&f->sv, keyfile, &made, err, sizeof(err)))
			fail_msg("sealer_start: %s", err);
	}
	f->sv.live = f->lv;
	f->sv.public_url = "https://chiron.test";
	arena_init(&f->a, 1 << 16);
	ctx_begin(&f->cx, &f->sv, &f->a);
	add_user(f, "admin1", "admin", &f->admin);
	add_user(f, "thera1", "therapist", &f->thera);
	add_user(f, "seeker1", "seeker", &f->seeker);
	actor_anonymous(&f->anon, ADDR);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];

	ctx_done(&f->cx);
	arena_free(&f->a);
	live_close(f->lv);
	sealer_stop(&f->sv);
	store_close(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* ----------------------------------------------------------------------
 * The outbox: the last message to an address, and a link or code in it
 * ---------------------------------------------------------------------- */

struct last_mail {
	const char *to;
	char body[2048];
	int n;
};

static int
take_mail(void *arg, const struct store_mail *m)
{
	struct last_mail *x = arg;

	if (strcmp(m->to, x->to) == 0) {
		snprintf(x->body, sizeof(x->body), "%s", m->body);
		x->n++;
	}
	return 0;
}

/* The text after the last occurrence of mark in the last mail to `to`, up to a space or line end. */
static void
from_mail(struct fix *f, const char *to, const char *mark, char *out, size_t n)
{
	struct last_mail x = {to, "", 0};
	const char *p, *q = NULL;

	assert_int_equal(STORE_CALL(f->st, outbox_pending, ctx_now(&f->cx) + 86400, 1, 1000, take_mail, &x), 0);
	if (!x.n)
		fail_msg("no mail to %s", to);
	for (p = x.body; (p = strstr(p, mark)) != NULL; p++)
		q = p + strlen(mark);
	if (!q)
		fail_msg("no %s in the mail to %s: %s", mark, to, x.body);
	snprintf(out, n, "%.*s", (int)strcspn(q, " \n\r"), q);
}

/* ----------------------------------------------------------------------
 * Accounts
 * ---------------------------------------------------------------------- */

static void
signup_refuses_a_bad_email(void **state)
{
	struct fix *f = *state;
	struct signup in = {"newcomer", "not-an-address", "long-enough-password", "seeker"};
	struct refusal why;

	assert_int_equal(ask_signup(&f->cx, &f->anon, &in, &why), 1);
	assert_int_equal(why.status, 400);
	assert_string_equal(why.field, "email");
}

static void
signup_asked_then_confirmed_once(void **state)
{
	struct fix *f = *state;
	struct signup in = {"newcomer", "newcomer@example.org", "long-enough-password", "therapist"};
	struct store_user u;
	struct refusal why;
	char tok[128];
	int found = 0;

	assert_int_equal(ask_signup(&f->cx, &f->anon, &in, &why), 0);
	from_mail(f, "newcomer@example.org", "/signup/confirm/", tok, sizeof(tok));
	assert_int_equal(signup_pending(&f->cx, &f->anon, tok, &u, &found), 0);
	assert_true(found);
	assert_string_equal(u.handle, "newcomer");
	assert_int_equal(confirm_signup(&f->cx, &f->anon, tok, NULL, &u, &why), 0);
	assert_true(u.id > 0);
	assert_string_equal(u.role, "therapist");
	/* The link is spent. */
	assert_int_equal(confirm_signup(&f->cx, &f->anon, tok, NULL, &u, &why), 1);
	assert_int_equal(why.status, 404);
	assert_int_equal(sign_in(&f->cx, &f->anon, "newcomer@example.org", "long-enough-password", &u, &why), 0);
}

static void
signup_link_expires(void **state)
{
	struct fix *f = *state;
	struct signup in = {"latecomer", "latecomer@example.org", "long-enough-password", "seeker"};
	struct store_user u;
	struct refusal why;
	char tok[128];

	assert_int_equal(ask_signup(&f->cx, &f->anon, &in, &why), 0);
	from_mail(f, "latecomer@example.org", "/signup/confirm/", tok, sizeof(tok));
	clock_set_offset(&f->sv.clock, 86400 + 60);
	assert_int_equal(confirm_signup(&f->cx, &f->anon, tok, NULL, &u, &why), 1);
	assert_int_equal(why.status, 404);
	assert_string_equal(why.field, "token");
}

static void
sign_in_right_and_wrong(void **state)
{
	struct fix *f = *state;
	struct store_user u;
	struct refusal why;

	assert_int_equal(sign_in(&f->cx, &f->anon, "thera1", "long-enough-password", &u, &why), 0);
	assert_int_equal(u.id, f->thera.id);
	assert_int_equal(sign_in(&f->cx, &f->anon, "thera1", "wrong-password", &u, &why), 1);
	assert_int_equal(why.status, 401);
	/* By email, in any case: its blind index (the email is sealed). */
	assert_int_equal(sign_in(&f->cx, &f->anon, " Thera1@EXAMPLE.org", "long-enough-password", &u, &why), 0);
	assert_int_equal(u.id, f->thera.id);
	assert_int_equal(u.email[0], '\0');            /* not opened by a sign-in */
	/* No account looks exactly like a wrong password. */
	assert_int_equal(sign_in(&f->cx, &f->anon, "nobody-here", "wrong-password", &u, &why), 1);
	assert_int_equal(why.status, 401);
}

static void
sign_in_throttled_until_the_clock_moves(void **state)
{
	struct fix *f = *state;
	struct store_user u;
	struct refusal why;
	int i;

	for (i = 0; i < 10; i++) {
		assert_int_equal(sign_in(&f->cx, &f->anon, "seeker1", "wrong-password", &u, &why), 1);
		assert_int_equal(why.status, 401);
	}
	/* The right password too, once the account's budget is spent. */
	assert_int_equal(sign_in(&f->cx, &f->anon, "seeker1", "long-enough-password", &u, &why), 1);
	assert_int_equal(why.status, 429);
	assert_true(why.retry_after > 0);
	clock_set_offset(&f->sv.clock, 16 * 60);
	assert_int_equal(sign_in(&f->cx, &f->anon, "seeker1", "long-enough-password", &u, &why), 0);
}

/* ----------------------------------------------------------------------
 * Listings
 * ---------------------------------------------------------------------- */

/* thera1 claims TID, an admin has a code sent, thera1 enters it. */
static void
claim_with_code(struct fix *f)
{
	struct refusal why;
	char code[64];

	assert_int_equal(claim_listing(&f->cx, &f->thera, TID, "1234567893", &why), 0);
	assert_string_equal(f->thera.claim_id, TID);
	assert_string_equal(f->thera.therapist_id, "");
	assert_int_equal(send_claim_code(&f->cx, &f->admin, TID, "office@practice.example", "the board's record",
	                                 &why), 0);
	from_mail(f, "office@practice.example", "/listing :\n\n    ", code, sizeof(code));
	assert_int_equal(enter_claim_code(&f->cx, &f->thera, code, &why), 0);
}

static void
claim_verified_by_an_admin(void **state)
{
	struct fix *f = *state;
	struct refusal why;

	claim_with_code(f);
	assert_int_equal(verify_listing(&f->cx, &f->admin, TID, "NY Office of the Professions", "012345", true, &why),
	                 0);
	reload(f, &f->thera);
	assert_string_equal(f->thera.therapist_id, TID);
}

static void
claim_not_verified_by_anyone_else(void **state)
{
	struct fix *f = *state;
	struct refusal why;

	/* A seeker cannot claim; the claimant cannot send itself a code. */
	assert_int_equal(claim_listing(&f->cx, &f->seeker, TID, "1234567893", &why), 1);
	assert_int_equal(why.status, 403);
	assert_int_equal(claim_listing(&f->cx, &f->thera, TID, "1234567893", &why), 0);
	assert_int_equal(send_claim_code(&f->cx, &f->thera, TID, "office@practice.example", "me", &why), 1);
	assert_int_equal(why.status, 403);
	assert_int_equal(verify_listing(&f->cx, &f->thera, TID, "board", "1", true, &why), 1);
	assert_int_equal(why.status, 403);
	assert_int_equal(verify_listing(&f->cx, &f->seeker, TID, "board", "1", true, &why), 1);
	assert_int_equal(why.status, 403);
	/* The admin still cannot verify before the code was entered. */
	assert_int_equal(verify_listing(&f->cx, &f->admin, TID, "board", "1", true, &why), 1);
	assert_int_equal(why.status, 409);
	reload(f, &f->thera);
	assert_string_equal(f->thera.therapist_id, "");
}

static void
listing_edit_only_by_its_holder(void **state)
{
	struct fix *f = *state;
	struct listing_in in = {record_json, strlen(record_json), NULL, NULL};
	struct refusal why;

	assert_int_equal(listing_save_record(&f->cx, &f->seeker, &in, &why), 1);
	assert_int_equal(why.status, 404);
	/* A claim waiting for verification holds nothing either. */
	assert_int_equal(claim_listing(&f->cx, &f->thera, TID, "1234567893", &why), 0);
	assert_int_equal(listing_save_record(&f->cx, &f->thera, &in, &why), 1);
	assert_int_equal(why.status, 404);
}

static void
listing_edit_keeps_and_sets_places(void **state)
{
	struct fix *f = *state;
	struct listing_mine m;
	struct refusal why;
	struct buf out = BUF_INIT;
	/* Monday's window set to telehealth; Tuesday's left unsaid. */
	const char *put1 = strstr(record_json, "\"availability\"");
	char body[2048];

	claim_verified_by_an_admin(state);
	snprintf(body, sizeof(body), "%.*s\"availability\":[{\"day\":\"mon\",\"start\":\"09:00\",\"end\":\"12:00\","
	         "\"modality\":\"telehealth\"},{\"day\":\"tue\",\"start\":\"14:00\",\"end\":\"17:00\"}],"
	         "\"affiliations\":[]}", (int)(put1 - record_json), record_json);
	assert_int_equal(listing_record_put(&f->cx, &f->thera, body, strlen(body), &why), 0);
	assert_int_equal(listing_mine(&f->cx, &f->thera, &m, &why), 0);
	assert_int_equal(m.modes.n, 1);
	assert_int_equal(m.modes.v[0].modes, 1 << MOD_TELEHEALTH);
	/* Monday's window grown without its place keeps it. */
	snprintf(body, sizeof(body), "%.*s\"availability\":[{\"day\":\"mon\",\"start\":\"09:00\",\"end\":\"13:00\"},"
	         "{\"day\":\"tue\",\"start\":\"14:00\",\"end\":\"17:00\",\"modality\":\"in_person\"}],"
	         "\"affiliations\":[]}", (int)(put1 - record_json), record_json);
	assert_int_equal(listing_record_put(&f->cx, &f->thera, body, strlen(body), &why), 0);
	assert_int_equal(listing_record_json(&f->cx, &f->thera, &out, &why), 0);
	assert_non_null(strstr(out.p, "{\"day\":\"mon\",\"start\":\"09:00\",\"end\":\"13:00\",\"modality\":\"telehealth\"}"));
	assert_non_null(strstr(out.p, "{\"day\":\"tue\",\"start\":\"14:00\",\"end\":\"17:00\",\"modality\":\"in_person\"}"));
	buf_free(&out);
}

static void
listing_bad_record_names_its_field(void **state)
{
	struct fix *f = *state;
	struct listing_in in;
	struct listing_mine m;
	struct refusal why;
	char body[2048];
	const char *fee = strstr(record_json, "\"session\":120");

	claim_verified_by_an_admin(state);
	snprintf(body, sizeof(body), "%.*s\"session\":-5%s", (int)(fee - record_json), record_json,
	         fee + strlen("\"session\":120"));
	in = (struct listing_in){body, strlen(body), NULL, NULL};
	assert_int_equal(listing_save_record(&f->cx, &f->thera, &in, &why), 1);
	assert_int_equal(why.status, 400);
	assert_string_equal(why.field, "fee.session");
	assert_int_equal(listing_mine(&f->cx, &f->thera, &m, &why), 0);
	assert_int_equal(m.t.fee.session, 120);
	/* A bad place names the window. */
	snprintf(body, sizeof(body), "%.*s\"availability\":[{\"day\":\"mon\",\"start\":\"09:00\",\"end\":\"12:00\","
	         "\"modality\":\"on the moon\"}],\"affiliations\":[]}",
	         (int)(strstr(record_json, "\"availability\"") - record_json), record_json);
	assert_int_equal(listing_record_put(&f->cx, &f->thera, body, strlen(body), &why), 1);
	assert_string_equal(why.field, "availability[0].modality");
}

static void
hidden_listing_shown_only_to_admins(void **state)
{
	struct fix *f = *state;
	struct therapist t;
	struct refusal why;

	assert_int_equal(listing_public(&f->cx, &f->anon, TID, &t), 0);
	assert_int_equal(hide_listing(&f->cx, &f->seeker, TID, true, &why), 1);
	assert_int_equal(why.status, 403);
	assert_int_equal(hide_listing(&f->cx, &f->admin, TID, true, &why), 0);
	assert_int_equal(listing_public(&f->cx, &f->anon, TID, &t), 1);
	assert_int_equal(listing_public(&f->cx, &f->seeker, TID, &t), 1);
	assert_int_equal(listing_public(&f->cx, &f->admin, TID, &t), 0);
	assert_string_equal(t.name, "Ana Ruiz");
	assert_int_equal(listing_public(&f->cx, &f->anon, "not an id", &t), 1);
}

/* ----------------------------------------------------------------------
 * Requests
 * ---------------------------------------------------------------------- */

static int
count_request(void *arg, const struct store_request *rq)
{
	(void)rq;
	++*(int *)arg;
	return 0;
}

/* The last request a list gave, opened. */
static int
keep_request(void *arg, const struct store_request *rq)
{
	*(struct store_request *)arg = *rq;
	return 0;
}

static void
request_sent_and_answered(void **state)
{
	struct fix *f = *state;
	struct request_in in = {TID, "Do you see clinicians in training?", false};
	struct store_request rq;
	struct refusal why;
	char id[32];
	int64_t next;
	int n = 0;

	claim_verified_by_an_admin(state);
	assert_int_equal(send_request(&f->cx, &f->seeker, &in, &rq, &why), 0);
	assert_string_equal(rq.seeker_name, "seeker1");
	assert_int_equal(requests_received(&f->cx, &f->thera, 0, count_request, &n, &next), 0);
	assert_int_equal(n, 1);
	snprintf(id, sizeof(id), "%lld", (long long)rq.id);
	assert_int_equal(answer_request(&f->cx, &f->thera, id, "Yes, on Mondays.", &why), 0);
	n = 0;
	assert_int_equal(requests_sent(&f->cx, &f->seeker, count_request, &n), 0);
	assert_int_equal(n, 1);
	/* Sealed in the store, opened for each side. */
	memset(&rq, 0, sizeof(rq));
	assert_int_equal(requests_sent(&f->cx, &f->seeker, keep_request, &rq), 0);
	assert_string_equal(rq.message, "Do you see clinicians in training?");
	assert_string_equal(rq.answer, "Yes, on Mondays.");
	assert_string_equal(rq.seeker_name, "seeker1");
	assert_string_equal(rq.therapist_id, TID);
	memset(&rq, 0, sizeof(rq));
	assert_int_equal(requests_received(&f->cx, &f->thera, 0, keep_request, &rq, &next), 0);
	assert_string_equal(rq.seeker_name, "seeker1");
	assert_string_equal(rq.answer, "Yes, on Mondays.");
	/* The sender heard, at the email opened from its seal. */
	{
		char link[256];

		from_mail(f, "seeker1@example.org", "answered", link, sizeof(link));
	}
}

/* A sender who reveals their email signs with it; once they erase their
 * account (its key destroyed), the request stays with the therapist, as
 * from someone who closed theirs, and cannot be answered. */
static void
request_of_an_erased_seeker(void **state)
{
	struct fix *f = *state;
	struct request_in in = {TID, "Private words", true};
	struct store_request rq;
	struct refusal why;
	int64_t next, kid;
	char id[32];
	int found;

	claim_verified_by_an_admin(state);
	assert_int_equal(send_request(&f->cx, &f->seeker, &in, &rq, &why), 0);
	assert_string_equal(rq.seeker_name, "seeker1 <seeker1@example.org>");
	memset(&rq, 0, sizeof(rq));
	assert_int_equal(requests_received(&f->cx, &f->thera, 0, keep_request, &rq, &next), 0);
	assert_string_equal(rq.seeker_name, "seeker1 <seeker1@example.org>");
	assert_int_equal(rq.gone, 0);
	assert_int_equal(seal_user_key(&f->cx, f->seeker.id, &kid), 0);
	assert_int_equal(seal_forget(&f->cx, kid, &found), 0);
	assert_true(found);
	memset(&rq, 0, sizeof(rq));
	assert_int_equal(requests_received(&f->cx, &f->thera, 0, keep_request, &rq, &next), 0);
	assert_int_equal(rq.gone, 1);
	assert_string_equal(rq.seeker_name, GONE_NAME);
	assert_null(strstr(rq.message, "Private"));
	snprintf(id, sizeof(id), "%lld", (long long)rq.id);
	assert_int_equal(answer_request(&f->cx, &f->thera, id, "Too late", &why), 1);
	assert_int_equal(why.status, 409);
}

/* The sender sees, in plain words and by name, that the therapist read
 * and answered their request (the audit trail, app/audit.c). */
static void
request_read_shown_to_its_sender(void **state)
{
	struct fix *f = *state;
	struct request_in in = {TID, "Do you see clinicians in training?", false};
	struct store_request rq;
	struct audit_seen *v;
	struct refusal why;
	char id[32], want[300];
	int64_t next;
	int n = 0;

	claim_verified_by_an_admin(state);
	assert_int_equal(send_request(&f->cx, &f->seeker, &in, &rq, &why), 0);
	assert_int_equal(requests_received(&f->cx, &f->thera, 0, count_request, &n, &next), 0);
	snprintf(id, sizeof(id), "%lld", (long long)rq.id);
	assert_int_equal(answer_request(&f->cx, &f->thera, id, "Yes, on Mondays.", &why), 0);
	assert_int_equal(audit_activity(&f->cx, &f->seeker, 0, &v, &n, &next, &why), 0);
	assert_int_equal(n, 2);
	snprintf(want, sizeof(want), "%s (the therapist you wrote to) answered your consultation request",
	         listing_display_name(&f->cx, TID));
	assert_string_equal(v[0].text, want);
	snprintf(want, sizeof(want), "%s (the therapist you wrote to) read your consultation request",
	         listing_display_name(&f->cx, TID));
	assert_string_equal(v[1].text, want);
	assert_null(strstr(v[1].text, TID));
	/* The therapist's own trail: the admin's verification, by no name. */
	assert_int_equal(audit_activity(&f->cx, &f->thera, 0, &v, &n, &next, &why), 0);
	assert_true(n >= 1);
	assert_string_equal(v[0].text, "A chiron administrator verified your claim of a listing");
}

static void
request_a_stranger_gets_404(void **state)
{
	struct fix *f = *state;
	struct request_in in = {TID, "Hello", false};
	struct store_request rq;
	struct actor other;
	struct refusal why;
	char id[32];
	int n = 0;
	int64_t next;

	claim_verified_by_an_admin(state);
	add_user(f, "thera2", "therapist", &other);
	assert_int_equal(send_request(&f->cx, &f->seeker, &in, &rq, &why), 0);
	snprintf(id, sizeof(id), "%lld", (long long)rq.id);
	/* Another therapist, the sender, an admin: all as for a missing request. */
	assert_int_equal(answer_request(&f->cx, &other, id, "Me?", &why), 1);
	assert_int_equal(why.status, 404);
	assert_int_equal(answer_request(&f->cx, &f->seeker, id, "Me?", &why), 1);
	assert_int_equal(why.status, 404);
	assert_int_equal(answer_request(&f->cx, &f->admin, id, "Me?", &why), 1);
	assert_int_equal(why.status, 404);
	assert_int_equal(requests_received(&f->cx, &other, 0, count_request, &n, &next), 0);
	assert_int_equal(n, 0);
	/* No one signed in sends nothing. */
	assert_int_equal(send_request(&f->cx, &f->anon, &in, &rq, &why), 1);
	assert_int_equal(why.status, 401);
}

/* ----------------------------------------------------------------------
 * Calendar and saved profile
 * ---------------------------------------------------------------------- */

static void
calendar_upload_kept_then_forgotten(void **state)
{
	struct fix *f = *state;
	struct calendar c;
	struct refusal why;
	struct buf ics = BUF_INIT;
	int64_t now = ctx_now(&f->cx), t = now + 8 * 86400;
	struct tm tm;
	time_t tt = (time_t)t;
	char stamp[32];

	/* One busy hour, a week and a day ahead, inside the weeks read. */
	gmtime_r(&tt, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT150000Z", &tm);
	assert_int_equal(buf_printf(&ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
	                            "BEGIN:VEVENT\r\nUID:1@t\r\nDTSTAMP:%s\r\nDTSTART:%s\r\n"
	                            "DURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", stamp, stamp), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(calendar_zone(&f->cx, &f->seeker, "America/New_York", &c, &why), 0);
	assert_int_equal(calendar_hours(&c, 0, "09:00", "17:00", "hours", &why), 0);
	assert_int_equal(calendar_upload(&f->cx, &f->seeker, ics.p, ics.len, &c, &why), 0);
	assert_true(c.stored);
	assert_int_equal(c.n_busy, 1);
	memset(&c, 0, sizeof(c));
	assert_int_equal(calendar_load(&f->cx, &f->seeker, &c), 0);
	assert_int_equal(c.n_busy, 1);
	/* Another account sees none of it. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(calendar_load(&f->cx, &f->thera, &c), 0);
	assert_int_equal(c.n_busy, 0);
	assert_int_equal(calendar_forget(&f->cx, &f->seeker), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(calendar_load(&f->cx, &f->seeker, &c), 0);
	assert_int_equal(c.n_busy, 0);
	buf_free(&ics);
}

static void
profile_saved_by_its_owner_only(void **state)
{
	struct fix *f = *state;
	struct refusal why;
	char saved[4096], big[PROFILE_MAX + 10];

	assert_int_equal(profile_save(&f->cx, &f->anon, "jurisdiction=US-NY", &why), 1);
	assert_int_equal(why.status, 401);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(profile_save(&f->cx, &f->seeker, big, &why), 1);
	assert_int_equal(why.status, 400);
	assert_string_equal(why.field, "profile");
	assert_int_equal(profile_save(&f->cx, &f->seeker, "jurisdiction=US-NY", &why), 0);
	assert_int_equal(profile_load(&f->cx, &f->seeker, saved, sizeof(saved)), 0);
	assert_string_equal(saved, "jurisdiction=US-NY");
	assert_int_equal(profile_load(&f->cx, &f->thera, saved, sizeof(saved)), 0);
	assert_string_equal(saved, "");
	assert_int_equal(profile_load(&f->cx, &f->anon, saved, sizeof(saved)), 0);
	assert_string_equal(saved, "");
}

/* ----------------------------------------------------------------------
 * The live index: a listing's change in searches without a full build
 * ---------------------------------------------------------------------- */

/* Stores therapist id (record_json with that id and fee) and tells lv. */
static void
live_save(struct fix *f, const char *id, int fee, bool paused)
{
	struct arena a;
	struct record rec;
	struct buf packed = BUF_INIT;
	struct verr e;

	arena_init(&a, 1 << 16);
	if (record_parse(TAX, record_json, strlen(record_json), &a, &rec, &e))
		fail_msg("record: %s: %s", e.field, e.msg);
	rec.t.id = id;
	rec.t.fee.session = fee;
	assert_int_equal(therapist_pack(TAX, &rec.t, &packed), 0);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_put_therapist(f->st, id, packed.p, packed.len), 0);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(live_put(f->lv, id, packed.p, packed.len, paused), 0);
	buf_free(&packed);
	arena_free(&a);
}

/* The answers of the live index's current snapshot and of a full build
 * of the store, as JSON, must be the same. */
static void
live_same_as_full(struct fix *f, bool want_delta)
{
	static const char *const queries[] = {
		"{\"jurisdiction\":\"US-NY\",\"modality\":\"telehealth\",\"limit\":50}",
		"{\"jurisdiction\":\"US-NY\",\"location\":{\"lat\":40.7,\"lon\":-74.0},\"budget\":130,"
		"\"timezone\":\"America/New_York\",\"free\":[{\"day\":\"mon\",\"start\":\"10:00\","
		"\"end\":\"11:00\"}],\"limit\":3}",
	};
	struct snap *s = live_take(f->lv);
	struct match_ctx *mc = live_ctx_take(f->lv, s), *fc;
	struct index *full;
	char err[256];
	size_t i;

	assert_non_null(mc);
	assert_int_equal(s->delta.ix != NULL, want_delta);
	full = directory_index(f->st, TAX, &f->cmp, err, sizeof(err));
	if (!full)
		fail_msg("directory_index: %s", err);
	assert_non_null(fc = match_ctx_new(full));
	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		struct arena qa;
		struct query q;
		struct verr e;
		struct match_result ra, rb;
		struct buf ja = BUF_INIT, jb = BUF_INIT;

		arena_init(&qa, 1 << 14);
		if (query_parse(TAX, queries[i], strlen(queries[i]), 1773108000, &qa, &q, &e))
			fail_msg("query: %s: %s", e.field, e.msg);
		assert_int_equal(match_run(fc, &q, &ra), 0);
		assert_int_equal(match_result_json(fc, &q, &ra, &ja), 0);
		assert_int_equal(match_run(mc, &q, &rb), 0);
		assert_int_equal(match_result_json(mc, &q, &rb, &jb), 0);
		assert_true(ra.total_eligible > 0);
		if (ja.len != jb.len || memcmp(ja.p, jb.p, ja.len) != 0)
			fail_msg("query %zu: live %.*s\nfull %.*s", i, (int)jb.len, jb.p, (int)ja.len, ja.p);
		buf_free(&ja);
		buf_free(&jb);
		arena_free(&qa);
	}
	match_ctx_free(fc);
	index_free(full);
	live_ctx_give(f->lv, s, mc);
	live_give(f->lv, s);
}

static void
live_changes_without_a_build(void **state)
{
	struct fix *f = *state;
	int found = 0;

	/* New listings around the stored one, an edit of it, one edited
	 * twice (pauses come from the store's hiding: test_match_brute.c
	 * checks them against a full build). */
	live_save(f, "t-0000050", 100, false);
	live_save(f, "t-0000200", 125, false);
	live_save(f, TID, 90, false);
	live_save(f, "t-0000300", 80, false);
	live_save(f, "t-0000300", 95, false);
	live_same_as_full(f, true);
	/* Removed: from the store, then from the index. */
	assert_int_equal(STORE_CALL(f->st, remove, "t-0000200", &found), 0);
	assert_true(found);
	assert_int_equal(live_put(f->lv, "t-0000200", NULL, 0, false), 0);
	live_same_as_full(f, true);
	/* A full build takes in every change made before it: no delta after. */
	assert_int_equal(live_wait(f->lv, live_changed(f->lv), 60000), 0);
	live_same_as_full(f, false);
	/* And changes after it make a delta over the new base. */
	live_save(f, "t-0000200", 110, false);
	live_same_as_full(f, true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(live_changes_without_a_build, setup, teardown),
		cmocka_unit_test_setup_teardown(signup_refuses_a_bad_email, setup, teardown),
		cmocka_unit_test_setup_teardown(signup_asked_then_confirmed_once, setup, teardown),
		cmocka_unit_test_setup_teardown(signup_link_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(sign_in_right_and_wrong, setup, teardown),
		cmocka_unit_test_setup_teardown(sign_in_throttled_until_the_clock_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(claim_verified_by_an_admin, setup, teardown),
		cmocka_unit_test_setup_teardown(claim_not_verified_by_anyone_else, setup, teardown),
		cmocka_unit_test_setup_teardown(listing_edit_only_by_its_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(listing_edit_keeps_and_sets_places, setup, teardown),
		cmocka_unit_test_setup_teardown(listing_bad_record_names_its_field, setup, teardown),
		cmocka_unit_test_setup_teardown(hidden_listing_shown_only_to_admins, setup, teardown),
		cmocka_unit_test_setup_teardown(request_sent_and_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(request_a_stranger_gets_404, setup, teardown),
		cmocka_unit_test_setup_teardown(request_of_an_erased_seeker, setup, teardown),
		cmocka_unit_test_setup_teardown(request_read_shown_to_its_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(calendar_upload_kept_then_forgotten, setup, teardown),
		cmocka_unit_test_setup_teardown(profile_saved_by_its_owner_only, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
