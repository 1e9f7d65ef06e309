/*
 * test_booking.c: the booking and waitlist services (app/booking.h,
 * app/waitlist.h) driven without HTTP, as a command or a job would call
 * them: a temporary SQLite store, two listings open every day 17:00-20:00
 * in New York, and four accounts: a seeker, a second seeker, a stranger
 * and a therapist holding the first listing.
 *
 * Each case books through the services and reads what they left: the
 * appointment, the series, the waitlist row and the outbox (its sealed
 * rows opened with outbox_pending). Late and early are decided by moving
 * the clock (clock_set_offset), never by sleeping.
 */
#include "testlib.h"

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/record.h"
#include "core/verr.h"
#include "app/seal.h"
#include "app/services.h"
#include "store/store.h"

#define DAY 86400
#define LISTING_A "t-7000001"           /* held by the therapist account */
#define LISTING_B "t-7000002"           /* held by no one */

/* A listing open every day 17:00-20:00 in New York, taking new clients
 * (a literal, so the compiler checks the format against its arguments). */
#define LISTING_JSON \
	"{\"type\":\"therapist\",\"id\":\"%s\",\"name\":\"%s\",\"credentials\":\"PhD\"," \
	"\"profession\":\"psychologist\",\"licenses\":[\"US-NY\"],\"modalities\":[\"telehealth\"]," \
	"\"formats\":[\"individual\"],\"accepting_new_clients\":true," \
	"\"fee\":{\"currency\":\"USD\",\"session\":100},\"orientations\":[\"cbt\"]," \
	"\"focus_areas\":[\"burnout\"],\"languages\":[\"en\"],\"career_stages\":[\"early_career\"]," \
	"\"clinician_clients\":true,\"timezone\":\"America/New_York\",\"availability\":[" \
	"{\"day\":\"mon\",\"start\":\"17:00\",\"end\":\"20:00\"},{\"day\":\"tue\",\"start\":\"17:00\",\"end\":\"20:00\"}," \
	"{\"day\":\"wed\",\"start\":\"17:00\",\"end\":\"20:00\"},{\"day\":\"thu\",\"start\":\"17:00\",\"end\":\"20:00\"}," \
	"{\"day\":\"fri\",\"start\":\"17:00\",\"end\":\"20:00\"},{\"day\":\"sat\",\"start\":\"17:00\",\"end\":\"20:00\"}," \
	"{\"day\":\"sun\",\"start\":\"17:00\",\"end\":\"20:00\"}]}"

struct fixture {
	char dir[64];
	struct store *store;
	struct services sv;
	struct arena a;
	struct ctx cx;
	struct actor seeker, seeker2, stranger, therapist, anyone;
	char seeker_email[64], seeker2_email[64], therapist_email[64];
};

static void
put_listing(struct fixture *f, const char *id, const char *name)
{
	char line[2048];
	struct record r;
	struct verr e;
	struct buf packed;
	int n = snprintf(line, sizeof(line), LISTING_JSON, id, name);

	assert_true(n > 0 && (size_t)n < sizeof(line));
	if (record_parse(TAX, line, (size_t)n, &f->a, &r, &e))
		fail_msg("record_parse: %s: %s", e.field, e.msg);
	buf_init(&packed, 1 << 20);
	assert_int_equal(therapist_pack(TAX, &r.t, &packed), 0);
	assert_int_equal(store_put_therapist(f->store, id, packed.p, packed.len), 0);
	buf_free(&packed);
}

/* An account of role, signed in as who (after its listing, if any). */
static void
account(struct fixture *f, const char *handle, const char *role, const char *holds, struct actor *who,
        char *email_out)
{
	struct store_user u;
	int found = 0;

	memset(&u, 0, sizeof(u));
	snprintf(u.handle, sizeof(u.handle), "%s", handle);
	snprintf(u.email, sizeof(u.email), "%s@example.org", handle);
	snprintf(u.pw_hash, sizeof(u.pw_hash), "x");
	snprintf(u.role, sizeof(u.role), "%s", role);
	assert_int_equal(STORE_CALL(f->store, user_create, &u), 0);
	if (holds) {
		int64_t now = clock_now(&f->sv.clock);

		assert_int_equal(STORE_CALL(f->store, listing_claim, u.id, holds, "", now), 0);
		assert_int_equal(STORE_CALL(f->store, listing_verify, holds, 0, "test", now, &found), 0);
		assert_int_equal(found, 1);
	}
	assert_int_equal(STORE_CALL(f->store, user_get, u.id, &u, &found), 0);
	assert_int_equal(found, 1);
	actor_of_user(who, &u, "127.0.0.1");
	if (email_out)
		snprintf(email_out, 64, "%s", u.email);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256], path[128];

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/chiron-test-booking-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(path, sizeof(path), "%s/c.db", f->dir);
	if (!(f->store = store_open(path, err, sizeof(err))))
		fail_msg("store_open: %s", err);
	services_init(&f->sv, f->store, TAX);
	{
		/* Who booked is sealed (booking_seal.c), and so are the audit
		 * trail's entries (audit.c): the keys first. */
		int made;

		snprintf(path, sizeof(path), "%s/chiron.key", f->dir);
		if (sealer_start(&f->sv, path, &made, err, sizeof(err)))
			fail_msg("sealer_start: %s", err);
	}
	f->sv.public_url = "https://chiron.example";
	arena_init(&f->a, 1 << 16);
	ctx_begin(&f->cx, &f->sv, &f->a);
	put_listing(f, LISTING_A, "Dr A");
	put_listing(f, LISTING_B, "Dr B");
	account(f, "seeker1", "seeker", NULL, &f->seeker, f->seeker_email);
	account(f, "seeker2", "seeker", NULL, &f->seeker2, f->seeker2_email);
	account(f, "stranger", "seeker", NULL, &f->stranger, NULL);
	account(f, "thera", "therapist", LISTING_A, &f->therapist, f->therapist_email);
	actor_anonymous(&f->anyone, "127.0.0.1");
	assert_string_equal(f->therapist.therapist_id, LISTING_A);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	ctx_done(&f->cx);
	arena_free(&f->a);
	sealer_stop(&f->sv);
	store_close(f->store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* ----------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------- */

/* The start of an open individual slot of tid at least `days` ahead. */
static int64_t
slot_after(struct fixture *f, const char *tid, int days, int nth)
{
	struct book_ctx c;
	struct sched_slot s[200];
	struct refusal why;
	int64_t now = ctx_now(&f->cx);
	int n, i;

	assert_int_equal(book_ctx_load(&f->cx, &f->anyone, tid, &c, &why), 0);
	n = open_slots(&f->cx, &f->anyone, &c, "individual", NULL, now + (int64_t)days * DAY,
	               now + (int64_t)(days + 3) * DAY, s, 200, &why);
	assert_true(n > nth);
	for (i = 1; i < n; i++)
		assert_true(s[i].start > s[i - 1].start);
	return s[nth].start;
}

static int64_t
book_ok(struct fixture *f, const struct actor *who, const char *tid, int64_t start, struct store_appt *a)
{
	struct refusal why;
	int rc = book(&f->cx, who, tid, "individual", NULL, start, a, &why);

	if (rc)
		fail_msg("book: %d %d %s", rc, rc > 0 ? why.status : 0, rc > 0 ? why.message : "");
	assert_string_equal(a->status, "booked");
	return a->id;
}

static const char *
id_text(char buf[24], int64_t id)
{
	snprintf(buf, 24, "%lld", (long long)id);
	return buf;
}

/* The outbox, opened: how many messages to `to` have a subject starting
 * with subject and a body holding `body` (NULL: any). */
struct mail_count {
	const char *to, *subject, *body;
	int n;
};

static int
mail_one(void *arg, const struct store_mail *m)
{
	struct mail_count *x = arg;

	if ((!x->to || strcmp(m->to, x->to) == 0) &&
	    strncmp(m->subject, x->subject, strlen(x->subject)) == 0 && (!x->body || strstr(m->body, x->body)))
		x->n++;
	return 0;
}

static int
mails(struct fixture *f, const char *to, const char *subject, const char *body)
{
	struct mail_count x = {to, subject, body, 0};

	assert_int_equal(STORE_CALL(f->store, outbox_pending, ctx_now(&f->cx) + 100 * DAY, 1, 1000, mail_one, &x),
	                 0);
	return x.n;
}

static void
appt_get(struct fixture *f, int64_t id, struct store_appt *a)
{
	int found = 0;

	assert_int_equal(appt_get_sealed(&f->cx, id, a, &found), 0);
	assert_int_equal(found, 1);
}

/* ----------------------------------------------------------------------
 * Booking
 * ---------------------------------------------------------------------- */

static void
test_book_tells_both_sides(void **state)
{
	struct fixture *f = *state;
	struct store_appt a;
	int64_t t = slot_after(f, LISTING_A, 3, 0);

	book_ok(f, &f->seeker, LISTING_A, t, &a);
	assert_int_equal(a.start, t);
	assert_int_equal(a.end, t + 50 * 60);
	assert_int_equal(a.seeker, f->seeker.id);
	assert_int_equal(mails(f, f->seeker_email, "chiron: session booked", "with Dr A on "), 1);
	assert_int_equal(mails(f, f->therapist_email, "chiron: session booked", "with seeker1 on "), 1);
	assert_int_equal(mails(f, f->seeker_email, "chiron: session booked",
	                       "Your sessions: https://chiron.example/therapy"), 1);
}

static void
test_book_refusals(void **state)
{
	struct fixture *f = *state;
	struct store_appt a;
	struct refusal why;
	int64_t t = slot_after(f, LISTING_A, 3, 1);

	/* No one signed in: the dispatcher's 401. */
	assert_int_equal(book(&f->cx, &f->anyone, LISTING_A, "individual", NULL, t, &a, &why), 1);
	assert_int_equal(why.status, 401);
	/* One's own listing. */
	assert_int_equal(book(&f->cx, &f->therapist, LISTING_A, "individual", NULL, t, &a, &why), 1);
	assert_int_equal(why.status, 400);
	assert_string_equal(why.field, "therapist_id");
	/* A kind not offered, a time not a slot, no such listing. */
	assert_int_equal(book(&f->cx, &f->seeker, LISTING_A, "couples", NULL, t, &a, &why), 1);
	assert_string_equal(why.field, "kind");
	assert_int_equal(book(&f->cx, &f->seeker, LISTING_A, "individual", NULL, t + 7, &a, &why), 1);
	assert_int_equal(why.status, 409);
	assert_int_equal(book(&f->cx, &f->seeker, "t-0000404", "individual", NULL, t, &a, &why), 1);
	assert_int_equal(why.status, 404);
	assert_int_equal(mails(f, NULL, "chiron: session", NULL), 0);
}

static void
test_book_just_taken(void **state)
{
	struct fixture *f = *state;
	struct store_appt a, b;
	struct refusal why;
	int64_t t = slot_after(f, LISTING_A, 3, 0);

	book_ok(f, &f->seeker, LISTING_A, t, &a);
	assert_int_equal(book(&f->cx, &f->seeker2, LISTING_A, "individual", NULL, t, &b, &why), 1);
	assert_int_equal(why.status, 409);
	assert_string_equal(why.field, "start");
	assert_non_null(strstr(why.message, "just taken"));
}

static void
test_move_frees_old_time(void **state)
{
	struct fixture *f = *state;
	struct store_appt a;
	struct refusal why;
	char id[24];
	int64_t t = slot_after(f, LISTING_A, 3, 0), t2 = slot_after(f, LISTING_A, 3, 2);

	book_ok(f, &f->seeker, LISTING_A, t, &a);
	assert_int_equal(move_appt(&f->cx, &f->seeker, id_text(id, a.id), t2, &a, &why), 0);
	assert_int_equal(a.start, t2);
	assert_int_equal(a.late, 0);
	appt_get(f, a.id, &a);
	assert_int_equal(a.start, t2);
	assert_int_equal(a.orig_start, t);
	/* The old time is open again: someone else can take it. */
	{
		struct store_appt b;

		book_ok(f, &f->seeker2, LISTING_A, t, &b);
	}
	assert_int_equal(mails(f, f->therapist_email, "chiron: session moved", NULL), 1);
}

static void
test_cancel_early_not_late(void **state)
{
	struct fixture *f = *state;
	struct store_appt a;
	struct refusal why;
	char id[24];

	book_ok(f, &f->seeker, LISTING_A, slot_after(f, LISTING_A, 3, 0), &a);
	assert_int_equal(cancel_appt(&f->cx, &f->seeker, id_text(id, a.id), &a, &why), 0);
	appt_get(f, a.id, &a);
	assert_string_equal(a.status, "cancelled");
	assert_string_equal(a.cancelled_by, "seeker");
	assert_int_equal(a.late, 0);
	assert_int_equal(mails(f, NULL, "chiron: session cancelled", NULL), 2);
	assert_int_equal(mails(f, NULL, "chiron: session cancelled (late", NULL), 0);
	/* Cancelled stays cancelled. */
	assert_int_equal(cancel_appt(&f->cx, &f->seeker, id, &a, &why), 1);
	assert_int_equal(why.status, 409);
}

static void
test_cancel_late_inside_notice(void **state)
{
	struct fixture *f = *state;
	struct store_appt a;
	struct refusal why;
	char id[24];
	int64_t t = slot_after(f, LISTING_A, 3, 0);

	book_ok(f, &f->seeker, LISTING_A, t, &a);
	/* Two hours before the session: inside the default 24-hour notice. */
	clock_set_offset(&f->sv.clock, t - 2 * 3600 - clock_now(&f->sv.clock));
	assert_int_equal(cancel_appt(&f->cx, &f->seeker, id_text(id, a.id), &a, &why), 0);
	appt_get(f, a.id, &a);
	assert_string_equal(a.status, "cancelled");
	assert_int_equal(a.late, 1);
	assert_int_equal(mails(f, f->seeker_email, "chiron: session cancelled (late: inside the notice period)",
	                       NULL), 1);
	assert_int_equal(mails(f, f->therapist_email, "chiron: session cancelled (late", NULL), 1);
}

static void
test_therapist_cancel_never_late(void **state)
{
	struct fixture *f = *state;
	struct store_appt a;
	struct refusal why;
	char id[24];
	int64_t t = slot_after(f, LISTING_A, 3, 0);

	book_ok(f, &f->seeker, LISTING_A, t, &a);
	clock_set_offset(&f->sv.clock, t - 2 * 3600 - clock_now(&f->sv.clock));
	assert_int_equal(cancel_appt(&f->cx, &f->therapist, id_text(id, a.id), &a, &why), 0);
	appt_get(f, a.id, &a);
	assert_string_equal(a.cancelled_by, "therapist");
	assert_int_equal(a.late, 0);
}

static void
test_passed_session_cannot_move(void **state)
{
	struct fixture *f = *state;
	struct store_appt a;
	struct refusal why;
	char id[24];
	int64_t t = slot_after(f, LISTING_A, 3, 0);

	book_ok(f, &f->seeker, LISTING_A, t, &a);
	clock_set_offset(&f->sv.clock, t + 2 * 3600 - clock_now(&f->sv.clock));
	assert_int_equal(move_appt(&f->cx, &f->seeker, id_text(id, a.id), t + 7 * DAY, &a, &why), 1);
	assert_int_equal(why.status, 409);
	assert_int_equal(cancel_appt(&f->cx, &f->seeker, id, &a, &why), 1);
	assert_int_equal(why.status, 409);
}

/* ----------------------------------------------------------------------
 * Series
 * ---------------------------------------------------------------------- */

static void
test_series_start_and_end(void **state)
{
	struct fixture *f = *state;
	struct store_appt a;
	struct store_series sr;
	struct refusal why;
	char id[24], sid[24];
	int booked, skipped, first_booked, found = 0;
	long cancelled = 0;

	book_ok(f, &f->seeker, LISTING_A, slot_after(f, LISTING_A, 3, 0), &a);
	assert_int_equal(start_series(&f->cx, &f->seeker, id_text(id, a.id), 1, 4, &sr, &booked, &skipped, &why), 0);
	assert_int_equal(booked + skipped, 4);
	assert_true(booked >= 3);       /* a spring-gap date may be skipped, never moved */
	first_booked = booked;
	assert_int_equal(mails(f, NULL, "chiron: session now weekly", NULL), 2);
	/* Twice is refused: it is part of a series already. */
	assert_int_equal(start_series(&f->cx, &f->seeker, id, 1, 4, &sr, &booked, &skipped, &why), 1);
	assert_int_equal(why.status, 409);
	/* A stranger cannot end it, and learns nothing of it. */
	assert_int_equal(end_series(&f->cx, &f->stranger, id_text(sid, sr.id), &cancelled, &why), 1);
	assert_int_equal(why.status, 404);
	/* Its therapist can. */
	assert_int_equal(end_series(&f->cx, &f->therapist, sid, &cancelled, &why), 0);
	assert_int_equal(cancelled, first_booked);      /* every one still ahead */
	assert_int_equal(series_get_sealed(&f->cx, sr.id, &sr, &found), 0);
	assert_string_equal(sr.status, "ended");
	assert_int_equal(mails(f, NULL, "chiron: session cancelled with the", "which has ended"), 2);
	assert_int_equal(end_series(&f->cx, &f->therapist, sid, &cancelled, &why), 1);
	assert_int_equal(why.status, 409);
}

/* ----------------------------------------------------------------------
 * Waitlists
 * ---------------------------------------------------------------------- */

struct wait_seen {
	int n;
	int64_t notified_at;
};

static int
wait_seen_one(void *arg, const struct store_wait *w)
{
	struct wait_seen *x = arg;

	x->n++;
	x->notified_at = w->notified_at;
	return 0;
}

static void
test_waitlist_told_when_a_slot_opens(void **state)
{
	struct fixture *f = *state;
	struct store_appt a;
	struct refusal why;
	struct wait_seen ws = {0, 0};
	char id[24];

	book_ok(f, &f->seeker, LISTING_A, slot_after(f, LISTING_A, 3, 0), &a);
	assert_int_equal(wait_join(&f->cx, &f->seeker2, LISTING_A, "individual", &why), 0);
	assert_int_equal(wait_join(&f->cx, &f->seeker2, LISTING_A, "individual", &why), 1);
	assert_int_equal(why.status, 409);
	assert_int_equal(mails(f, f->seeker2_email, "chiron: a time opened on your waitlist", NULL), 0);
	assert_int_equal(cancel_appt(&f->cx, &f->seeker, id_text(id, a.id), &a, &why), 0);
	assert_int_equal(mails(f, f->seeker2_email, "chiron: a time opened on your waitlist",
	                       "https://chiron.example/therapists/t-7000001/book?kind=individual"), 1);
	assert_int_equal(waits_mine(&f->cx, &f->seeker2, wait_seen_one, &ws, &why), 0);
	assert_int_equal(ws.n, 1);
	assert_true(ws.notified_at > 0);
	/* Leaving: once; a second time there is nothing to leave. */
	assert_int_equal(wait_leave(&f->cx, &f->seeker2, LISTING_A, "individual", &why), 0);
	assert_int_equal(wait_leave(&f->cx, &f->seeker2, LISTING_A, "individual", &why), 1);
	assert_int_equal(why.status, 404);
}

static void
test_waitlist_refusals(void **state)
{
	struct fixture *f = *state;
	struct refusal why;
	struct wait_seen ws = {0, 0};

	assert_int_equal(wait_join(&f->cx, &f->anyone, LISTING_A, "individual", &why), 1);
	assert_int_equal(why.status, 401);
	assert_int_equal(wait_join(&f->cx, &f->therapist, LISTING_A, "individual", &why), 1);
	assert_int_equal(why.status, 400);
	assert_int_equal(wait_join(&f->cx, &f->seeker, LISTING_A, "group", &why), 1);
	assert_string_equal(why.field, "kind");
	assert_int_equal(waits_mine(&f->cx, &f->anyone, wait_seen_one, &ws, &why), 1);
	assert_int_equal(why.status, 401);
}

/* ----------------------------------------------------------------------
 * Who may do what
 * ---------------------------------------------------------------------- */

static void
test_stranger_gets_404(void **state)
{
	struct fixture *f = *state;
	struct store_appt a, b;
	struct refusal why;
	const char *side;
	char id[24];
	int64_t t = slot_after(f, LISTING_A, 3, 0);

	book_ok(f, &f->seeker, LISTING_A, t, &a);
	id_text(id, a.id);
	assert_int_equal(appt_mine(&f->cx, &f->stranger, id, &b, &side, &why), 1);
	assert_int_equal(why.status, 404);
	assert_int_equal(cancel_appt(&f->cx, &f->stranger, id, &b, &why), 1);
	assert_int_equal(why.status, 404);
	assert_int_equal(move_appt(&f->cx, &f->stranger, id, slot_after(f, LISTING_A, 3, 2), &b, &why), 1);
	assert_int_equal(why.status, 404);
	/* The same answer as for no appointment at all. */
	assert_int_equal(cancel_appt(&f->cx, &f->stranger, "999999", &b, &why), 1);
	assert_int_equal(why.status, 404);
	appt_get(f, a.id, &b);
	assert_string_equal(b.status, "booked");
	/* Its two sides see it, each as their side. */
	assert_int_equal(appt_mine(&f->cx, &f->seeker, id, &b, &side, &why), 0);
	assert_string_equal(side, "seeker");
	assert_int_equal(appt_mine(&f->cx, &f->therapist, id, &b, &side, &why), 0);
	assert_string_equal(side, "therapist");
}

static void
test_closures_and_settings_need_a_listing(void **state)
{
	struct fixture *f = *state;
	struct store_closed c;
	struct store_schedule sc;
	struct refusal why;
	struct actor unverified = f->therapist;
	int64_t today = ctx_now(&f->cx) / DAY;

	memset(&c, 0, sizeof(c));
	c.first_day = c.last_day = today + 3;
	c.end_min = 1440;
	memset(&sc, 0, sizeof(sc));
	sc.notice_hours = 48;
	sc.n_types = 1;
	snprintf(sc.types[0].kind, sizeof(sc.types[0].kind), "individual");
	sc.types[0].minutes = 50;
	sc.types[0].step = 60;
	sc.types[0].capacity = 1;

	assert_int_equal(closure_add(&f->cx, &f->seeker, &c, &why), 1);
	assert_int_equal(why.status, 403);
	assert_int_equal(schedule_save(&f->cx, &f->anyone, &sc, &why), 1);
	assert_int_equal(why.status, 401);
	unverified.therapist_id[0] = '\0';
	assert_int_equal(closure_add(&f->cx, &unverified, &c, &why), 1);
	assert_int_equal(why.status, 409);
	assert_int_equal(closures_mine(&f->cx, &unverified, NULL, NULL, &why), 1);
	assert_int_equal(why.status, 404);
	assert_int_equal(closure_delete(&f->cx, &unverified, "1", &why), 1);
	assert_int_equal(why.status, 404);
	/* The holder of the listing: bad input names its field, and nothing is stored. */
	sc.notice_hours = 500;
	assert_int_equal(schedule_save(&f->cx, &f->therapist, &sc, &why), 1);
	assert_string_equal(why.field, "notice_hours");
	sc.notice_hours = 48;
	assert_int_equal(schedule_save(&f->cx, &f->therapist, &sc, &why), 0);
	assert_int_equal(closure_add(&f->cx, &f->therapist, &c, &why), 0);
}

static void
test_booking_notice(void **state)
{
	struct fixture *f = *state;
	struct store_schedule sc;
	struct store_appt a;
	struct refusal why;
	struct book_ctx c;
	struct sched_slot s[10];
	int64_t now = ctx_now(&f->cx), t = slot_after(f, LISTING_A, 3, 0);
	int n;

	memset(&sc, 0, sizeof(sc));
	sc.notice_hours = 0;            /* no notice for cancelling: the two are apart */
	sc.booking_notice_hours = BOOKING_NOTICE_MAX + 1;
	sc.n_types = 1;
	snprintf(sc.types[0].kind, sizeof(sc.types[0].kind), "individual");
	sc.types[0].minutes = 50;
	sc.types[0].step = 60;
	sc.types[0].capacity = 1;
	assert_int_equal(schedule_save(&f->cx, &f->therapist, &sc, &why), 1);
	assert_string_equal(why.field, "booking_notice_hours");
	sc.types[0].step = 7;
	sc.booking_notice_hours = 5 * 24;
	assert_int_equal(schedule_save(&f->cx, &f->therapist, &sc, &why), 1);
	assert_string_equal(why.field, "session_types.step");
	sc.types[0].step = 60;
	assert_int_equal(schedule_save(&f->cx, &f->therapist, &sc, &why), 0);
	/* Three days ahead is inside a five-day booking notice: not offered, not booked. */
	assert_int_equal(book_ctx_load(&f->cx, &f->anyone, LISTING_A, &c, &why), 0);
	assert_int_equal(c.sc.booking_notice_hours, 120);
	n = open_slots(&f->cx, &f->anyone, &c, "individual", NULL, now, now + 10 * DAY, s, 10, &why);
	assert_true(n > 0);
	assert_true(s[0].start >= now + 5 * DAY);
	assert_int_equal(book(&f->cx, &f->seeker, LISTING_A, "individual", NULL, t, &a, &why), 1);
	assert_int_equal(why.status, 409);
	assert_string_equal(why.field, "start");
	assert_non_null(strstr(why.message, "at least 120 hours ahead"));
	book_ok(f, &f->seeker, LISTING_A, s[0].start, &a);
	/* Moving it inside the notice is refused too. */
	assert_int_equal(move_appt(&f->cx, &f->seeker, "1", t, &a, &why), 1);
	assert_int_equal(why.status, 409);
}

/* A group set in the settings is not offered while the listing's
 * formats say individual only: not on the page, not in the slots, not
 * bookable, no waitlist. */
static void
test_group_needs_the_listings_format(void **state)
{
	struct fixture *f = *state;
	struct store_schedule sc = {0};
	struct book_ctx c;
	struct sched_slot s[10];
	struct store_appt a;
	struct refusal why;
	int64_t now = ctx_now(&f->cx);

	sc.notice_hours = 24;
	sc.n_types = 2;
	sc.types[0] = (struct store_session_type){"individual", 50, 60, 1};
	sc.types[1] = (struct store_session_type){"group", 90, 60, 4};
	assert_int_equal(schedule_save(&f->cx, &f->therapist, &sc, &why), 0);
	assert_int_equal(book_ctx_load(&f->cx, &f->anyone, LISTING_A, &c, &why), 0);
	assert_non_null(book_type(&c, "group"));
	assert_null(book_offered(&c, "group"));
	assert_non_null(book_offered(&c, "individual"));
	assert_int_equal(open_slots(&f->cx, &f->anyone, &c, "group", NULL, now, now + 7 * DAY, s, 10, &why), -2);
	assert_string_equal(why.field, "kind");
	assert_int_equal(book(&f->cx, &f->seeker, LISTING_A, "group", NULL, slot_after(f, LISTING_A, 2, 0), &a, &why),
	                 1);
	assert_int_equal(why.status, 400);
	assert_int_equal(wait_join(&f->cx, &f->seeker, LISTING_A, "group", &why), 1);
	assert_int_equal(why.status, 400);
}

static int
count_closed(void *arg, const struct store_closed *c)
{
	(void)c;
	++*(int *)arg;
	return 0;
}

static void
test_closure_closes_and_reopens(void **state)
{
	struct fixture *f = *state;
	struct store_closed c;
	struct refusal why;
	struct store_appt a;
	struct wait_seen ws = {0, 0};
	int64_t t = slot_after(f, LISTING_A, 3, 0);
	int n = 0;
	char id[24];

	memset(&c, 0, sizeof(c));
	c.first_day = c.last_day = tz_local_day(tz_get("America/New_York"), t);
	c.end_min = 1440;
	assert_int_equal(closure_add(&f->cx, &f->therapist, &c, &why), 0);
	assert_int_equal(closures_mine(&f->cx, &f->therapist, count_closed, &n, &why), 0);
	assert_int_equal(n, 1);
	/* The closed day's slots are gone. */
	assert_int_equal(book(&f->cx, &f->seeker, LISTING_A, "individual", NULL, t, &a, &why), 1);
	assert_int_equal(why.status, 409);
	/* Reopened, the waitlist hears of the time, once a day at most. */
	assert_int_equal(wait_join(&f->cx, &f->seeker2, LISTING_A, "individual", &why), 0);
	assert_int_equal(closure_delete(&f->cx, &f->therapist, id_text(id, c.id), &why), 0);
	assert_int_equal(mails(f, f->seeker2_email, "chiron: a time opened on your waitlist", NULL), 1);
	assert_int_equal(waits_mine(&f->cx, &f->seeker2, wait_seen_one, &ws, &why), 0);
	assert_true(ws.notified_at > 0);
	assert_int_equal(closure_add(&f->cx, &f->therapist, &c, &why), 0);
	assert_int_equal(closure_delete(&f->cx, &f->therapist, id_text(id, c.id), &why), 0);
	assert_int_equal(mails(f, f->seeker2_email, "chiron: a time opened on your waitlist", NULL), 1);
	book_ok(f, &f->seeker, LISTING_A, t, &a);
}

/* ----------------------------------------------------------------------
 * What the pages and the API read
 * ---------------------------------------------------------------------- */

struct sides_seen {
	int64_t ids[8];
	const char *sides[8];
	char with[8][64];
	int n;
};

static int
side_one(void *arg, const struct appt_view *v)
{
	struct sides_seen *x = arg;

	if (x->n < 8) {
		x->ids[x->n] = v->a->id;
		x->sides[x->n] = v->side;
		snprintf(x->with[x->n], 64, "%s", v->with);
		x->n++;
	}
	return 0;
}

static void
test_appointments_mine_both_sides(void **state)
{
	struct fixture *f = *state;
	struct store_appt given, taken;
	struct refusal why;
	struct sides_seen x;
	int64_t now = ctx_now(&f->cx);

	/* The therapist gives one session and takes one, in their own therapy. */
	book_ok(f, &f->seeker, LISTING_A, slot_after(f, LISTING_A, 3, 0), &given);
	book_ok(f, &f->therapist, LISTING_B, slot_after(f, LISTING_B, 5, 0), &taken);

	memset(&x, 0, sizeof(x));
	assert_int_equal(appointments_mine(&f->cx, &f->therapist, SIDE_BOTH, now - DAY, 0, side_one, &x, &why), 0);
	assert_int_equal(x.n, 2);
	assert_int_equal(x.ids[0], given.id);           /* by start */
	assert_string_equal(x.sides[0], "therapist");
	assert_string_equal(x.with[0], "seeker1");
	assert_int_equal(x.ids[1], taken.id);
	assert_string_equal(x.sides[1], "seeker");
	assert_string_equal(x.with[1], "Dr B");

	memset(&x, 0, sizeof(x));
	assert_int_equal(appointments_mine(&f->cx, &f->therapist, SIDE_SEEKER, now - DAY, 0, side_one, &x, &why), 0);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.ids[0], taken.id);

	memset(&x, 0, sizeof(x));
	assert_int_equal(appointments_mine(&f->cx, &f->seeker, SIDE_BOTH, now - DAY, 0, side_one, &x, &why), 0);
	assert_int_equal(x.n, 1);
	assert_string_equal(x.sides[0], "seeker");

	memset(&x, 0, sizeof(x));
	assert_int_equal(appointments_mine(&f->cx, &f->stranger, SIDE_BOTH, now - DAY, 0, side_one, &x, &why), 0);
	assert_int_equal(x.n, 0);
	assert_int_equal(appointments_mine(&f->cx, &f->anyone, SIDE_BOTH, now - DAY, 0, side_one, &x, &why), 1);
	assert_int_equal(why.status, 401);
}

/* The therapist's schedule and series read seekers' data: each read is
 * in the audit trail, one entry per seeker shown (app/audit.c). */
struct trail_count {
	int64_t subject;
	int appointment, series, cancel, other;
};

static int
trail_one(void *arg, const struct audit_opened *e)
{
	struct trail_count *c = arg;

	if (strcmp(e->kind, "change") == 0 && strcmp(e->what, "session-cancel") == 0 &&
	    e->subject == c->subject)
		c->cancel++;
	else if (strcmp(e->kind, "read") != 0 || e->subject != c->subject)
		c->other++;
	else if (strcmp(e->what, "appointment") == 0)
		c->appointment++;
	else if (strcmp(e->what, "series") == 0)
		c->series++;
	else
		c->other++;
	return 0;
}

static int
series_none(void *arg, const struct store_series *sr)
{
	(void)sr;
	++*(int *)arg;
	return 0;
}

static void
test_schedule_reads_in_the_trail(void **state)
{
	struct fixture *f = *state;
	struct store_appt a;
	struct store_series sr;
	struct refusal why;
	struct sides_seen x;
	struct trail_count c = {f->seeker.id, 0, 0, 0, 0};
	struct store_appt single;
	struct actor op;
	char id[24];
	int booked, skipped, n = 0;
	int64_t now = ctx_now(&f->cx);

	book_ok(f, &f->seeker, LISTING_A, slot_after(f, LISTING_A, 3, 0), &a);
	assert_int_equal(start_series(&f->cx, &f->seeker, id_text(id, a.id), 1, 4, &sr, &booked, &skipped, &why), 0);
	memset(&x, 0, sizeof(x));
	/* The seeker's own reads are not another's: nothing noted. */
	assert_int_equal(appointments_mine(&f->cx, &f->seeker, SIDE_BOTH, now - DAY, 0, side_one, &x, &why), 0);
	assert_int_equal(series_mine(&f->cx, &f->seeker, SIDE_BOTH, series_none, &n, &why), 0);
	memset(&x, 0, sizeof(x));
	assert_int_equal(appointments_mine(&f->cx, &f->therapist, SIDE_BOTH, now - DAY, 0, side_one, &x, &why), 0);
	assert_true(x.n >= 3);
	assert_int_equal(series_mine(&f->cx, &f->therapist, SIDE_BOTH, series_none, &n, &why), 0);
	/* The therapist cancels one: read (to find it), then changed. */
	book_ok(f, &f->seeker, LISTING_A, slot_after(f, LISTING_A, 2, 0), &single);
	assert_int_equal(cancel_appt(&f->cx, &f->therapist, id_text(id, single.id), &single, &why), 0);
	actor_system(&op);
	assert_int_equal(audit_list(&f->cx, &op, 0, trail_one, &c, &why), 0);
	/* One entry for all the seeker's sessions shown, one for their
	 * series, one for the session read to cancel it, one for the cancel. */
	assert_int_equal(c.appointment, 2);
	assert_int_equal(c.series, 1);
	assert_int_equal(c.cancel, 1);
}

/*
 * Who booked is sealed under the seeker's key (booking_seal.c): the row
 * holds no account id; once the seeker's key is destroyed (erasure) the
 * therapist still sees the session, with "a person who has since closed
 * their account", and the seeker's waitlist place tells no one.
 */
static void
test_erased_seeker_shown_as_gone(void **state)
{
	struct fixture *f = *state;
	struct store_appt a, raw;
	struct refusal why;
	struct sides_seen x;
	int64_t now = ctx_now(&f->cx), kid;
	const char *side;
	char id[24];
	int found = 0;

	book_ok(f, &f->seeker, LISTING_A, slot_after(f, LISTING_A, 3, 0), &a);
	assert_int_equal(STORE_CALL(f->store, appt_get, a.id, &raw, &found), 0);
	assert_int_equal(found, 1);
	assert_int_equal(raw.seeker, 0);                /* the store never has it */
	assert_int_equal(seeker_dkey(&f->cx, f->seeker.id, &kid), 0);
	assert_true(raw.link.dkey == kid && kid != f->seeker.id);
	assert_int_equal(raw.link.sealed_n, SEAL_OVERHEAD + 8);
	assert_int_equal(wait_join(&f->cx, &f->seeker, LISTING_B, "individual", &why), 0);

	assert_int_equal(seal_forget(&f->cx, kid, &found), 0);
	assert_int_equal(found, 1);
	memset(&x, 0, sizeof(x));
	assert_int_equal(appointments_mine(&f->cx, &f->therapist, SIDE_THERAPIST, now - DAY, 0, side_one, &x,
	                                   &why), 0);
	assert_int_equal(x.n, 1);
	assert_string_equal(x.with[0], "a person who has since closed their account");
	/* The therapist may still cancel it; no one else can reach it. */
	assert_int_equal(appt_mine(&f->cx, &f->therapist, id_text(id, a.id), &raw, &side, &why), 0);
	assert_true(raw.seeker_gone);
	assert_int_equal(appt_mine(&f->cx, &f->seeker2, id, &raw, &side, &why), 1);
	assert_int_equal(why.status, 404);
	assert_int_equal(cancel_appt(&f->cx, &f->therapist, id, &raw, &why), 0);
}

/* A seeker copied into another row does not open there: the read fails. */
static void
test_copied_seeker_fails_closed(void **state)
{
	struct fixture *f = *state;
	struct store_appt a, b, got;

	book_ok(f, &f->seeker, LISTING_A, slot_after(f, LISTING_A, 3, 0), &a);
	book_ok(f, &f->seeker2, LISTING_A, slot_after(f, LISTING_A, 5, 0), &b);
	assert_int_equal(link_open(&f->cx, "appointment", &a.link, &got.seeker), 0);
	assert_int_equal(got.seeker, f->seeker.id);
	/* a's sealed id under b's row key, or read as a series' */
	got.link = a.link;
	memcpy(got.link.rk, b.link.rk, sizeof(got.link.rk));
	assert_int_equal(link_open(&f->cx, "appointment", &got.link, &got.seeker), -1);
	assert_int_equal(link_open(&f->cx, "series", &a.link, &got.seeker), -1);
	got.link = a.link;
	got.link.dkey = b.link.dkey;
	assert_int_equal(link_open(&f->cx, "appointment", &got.link, &got.seeker), -1);
	got.link = a.link;
	got.link.sealed[20] ^= 1;
	assert_int_equal(link_open(&f->cx, "appointment", &got.link, &got.seeker), -1);
}

static void
test_reminders_once(void **state)
{
	struct fixture *f = *state;
	struct store_appt a;
	int64_t t = slot_after(f, LISTING_A, 3, 0);

	book_ok(f, &f->seeker, LISTING_A, t, &a);
	clock_set_offset(&f->sv.clock, t - 20 * 3600 - clock_now(&f->sv.clock));
	assert_int_equal(appointment_reminders(&f->sv, ctx_now(&f->cx)), 1);
	assert_int_equal(appointment_reminders(&f->sv, ctx_now(&f->cx)), 0);
	assert_int_equal(mails(f, f->seeker_email, "chiron: your session tomorrow", "with Dr A is on"), 1);
	assert_int_equal(mails(f, f->therapist_email, "chiron: your session tomorrow", "with seeker1 is on"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_book_tells_both_sides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_book_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_booking_notice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_book_just_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_frees_old_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_early_not_late, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_late_inside_notice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_therapist_cancel_never_late, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passed_session_cannot_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_series_start_and_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waitlist_told_when_a_slot_opens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waitlist_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stranger_gets_404, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closures_and_settings_need_a_listing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closure_closes_and_reopens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_needs_the_listings_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_appointments_mine_both_sides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schedule_reads_in_the_trail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reminders_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_erased_seeker_shown_as_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copied_seeker_fails_closed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
