/*
 * test_store.c: the SQLite store shared by threads, as `chiron serve`
 * shares its one connection.
 *
 * - A reader on another thread never sees a write its writer has not
 *   committed: the connection has one lock, and a transaction holds it
 *   from BEGIN to its end (get_therapist once took a lock of its own and
 *   read the open transaction's rows).
 * - Each thread reads the reason of its own failing call, never
 *   another's (there was one errmsg buffer per store).
 * - The feed's SEQUENCE (app/ical_out.c, design note 5) grows with every
 *   change to an appointment or a series, however many fall within one
 *   second: the store counts them (schema 18), every change here given
 *   the same clock.
 *
 * - A backup (the store's backup op) is a whole, checked database:
 *   it holds what was committed, never replaces a file unless told,
 *   leaves no temporary behind; store_check_file refuses what is not a
 *   chiron database. A failure says when the disk was full, per thread.
 *
 * The threads meet at points the test sets; none waits for a time to
 * pass to be right. The reader test sleeps once only to give a broken
 * lock the chance to show: with the lock, the reader is blocked however
 * long the sleep or the machine takes.
 */
#include "testlib.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "app/ical_out.h"
#include "core/buf.h"
#include "core/schedule.h"
#include "core/tz.h"
#include "store/store.h"

static struct store *
open_temp(char dir[64])
{
	char err[256], path[128];
	struct store *s;

	snprintf(dir, 64, "/tmp/chiron-test-store-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/c.db", dir);
	s = store_open(path, err, sizeof err);
	if (!s)
		fail_msg("store_open: %s", err);
	return s;
}

static void
close_temp(struct store *s, const char *dir)
{
	char cmd[128];

	store_close(s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- a reader beside an open transaction ---- */

struct reader {
	struct store *s;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int started, done, found, rc;
	char seen[16];
};

static int
take_packed(void *arg, const char *id, const void *p, size_t n)
{
	struct reader *r = arg;

	(void)id;
	snprintf(r->seen, sizeof r->seen, "%.*s", (int)n, (const char *)p);
	return 0;
}

static void *
read_therapist(void *arg)
{
	struct reader *r = arg;
	int rc, found;

	pthread_mutex_lock(&r->mu);
	r->started = 1;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	rc = store_get_therapist(r->s, "t-0123456789ab", take_packed, r, &found);
	pthread_mutex_lock(&r->mu);
	r->rc = rc;
	r->found = found;
	r->done = 1;
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

static void
test_reader_never_sees_uncommitted(void **state)
{
	char dir[64];
	struct store *s = open_temp(dir);
	struct reader r = {.s = s};
	struct timespec pause = {0, 50 * 1000 * 1000};
	pthread_t t;
	int done;

	(void)state;
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	assert_int_equal(store_put_therapist(s, "t-0123456789ab", "old", 3), 0);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_put_therapist(s, "t-0123456789ab", "uncommitted", 11), 0);
	assert_int_equal(pthread_create(&t, NULL, read_therapist, &r), 0);
	pthread_mutex_lock(&r.mu);
	while (!r.started)
		pthread_cond_wait(&r.cv, &r.mu);
	pthread_mutex_unlock(&r.mu);
	nanosleep(&pause, NULL);
	pthread_mutex_lock(&r.mu);
	done = r.done;
	pthread_mutex_unlock(&r.mu);
	/* The reader waits for the transaction, however long that takes. */
	assert_int_equal(done, 0);
	assert_int_equal(store_rollback(s), 0);
	pthread_join(t, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.found, 1);
	assert_string_equal(r.seen, "old");
	pthread_mutex_destroy(&r.mu);
	pthread_cond_destroy(&r.cv);
	close_temp(s, dir);
}

/* A commit that ends the transaction lets the next thread in, which
 * reads what was committed. */
static void
test_reader_sees_committed(void **state)
{
	char dir[64];
	struct store *s = open_temp(dir);
	struct reader r = {.s = s};
	pthread_t t;

	(void)state;
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_put_therapist(s, "t-0123456789ab", "new", 3), 0);
	assert_int_equal(pthread_create(&t, NULL, read_therapist, &r), 0);
	pthread_mutex_lock(&r.mu);
	while (!r.started)
		pthread_cond_wait(&r.cv, &r.mu);
	assert_int_equal(r.done, 0);
	pthread_mutex_unlock(&r.mu);
	assert_int_equal(store_commit(s), 0);
	pthread_join(t, NULL);
	assert_int_equal(r.found, 1);
	assert_string_equal(r.seen, "new");
	pthread_mutex_destroy(&r.mu);
	pthread_cond_destroy(&r.cv);
	close_temp(s, dir);
}

/* ---- each thread its own reason ---- */

struct failer {
	struct store *s;
	pthread_barrier_t *bar;
	const char *set;                /* the bad durability level this thread asks for */
	char reason[256];
	int rc;
};

static void *
fail_then_read(void *arg)
{
	struct failer *f = arg;
	char j[16], y[16];

	f->rc = store_sqlite_durability(f->s, f->set, j, y, sizeof j);
	/* Both have failed before either reads its reason. */
	pthread_barrier_wait(f->bar);
	snprintf(f->reason, sizeof f->reason, "%s", store_errmsg(f->s));
	return NULL;
}

static void
test_errors_per_thread(void **state)
{
	char dir[64];
	struct store *s = open_temp(dir);
	pthread_barrier_t bar;
	struct failer a = {s, &bar, "SLOW", "", 0}, b = {s, &bar, "FAST", "", 0};
	pthread_t ta, tb;
	int found;

	(void)state;
	pthread_barrier_init(&bar, NULL, 2);
	assert_int_equal(pthread_create(&ta, NULL, fail_then_read, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, fail_then_read, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(a.rc, -1);
	assert_int_equal(b.rc, -1);
	assert_non_null(strstr(a.reason, "\"SLOW\""));
	assert_non_null(strstr(b.reason, "\"FAST\""));
	/* Neither touched this thread's reason; this thread's own failure reads back. */
	assert_null(strstr(store_errmsg(s), "SLOW"));
	assert_int_equal(STORE_CALL(s, outbox_put, "a@example.org", "s", "b", 1, &(int64_t){0}), -1);
	assert_non_null(strstr(store_errmsg(s), "no mail key"));
	/* A call that succeeds leaves it. */
	assert_int_equal(store_remove(s, "t-0123456789ab", &found), 0);
	assert_non_null(strstr(store_errmsg(s), "no mail key"));
	pthread_barrier_destroy(&bar);
	close_temp(s, dir);
}

/* ---- SEQUENCE ---- */

#define NOW 1790000000                  /* 2026-09-21, every change's clock */

static int
always_open(void *arg, const struct store_appt *a, const struct store_span *busy, int n)
{
	(void)arg, (void)a, (void)busy, (void)n;
	return 0;
}

struct cal {
	struct store_appt a[8];
	int n;
};

static int
gather(void *arg, const struct store_appt *a)
{
	struct cal *c = arg;

	assert_true(c->n < 8);
	c->a[c->n++] = *a;
	return 0;
}

/*
 * The seeker's calendar as the feed writes it (app/feed.c: the
 * appointments, and the series they name): the SEQUENCE of the event
 * with uid, checked to be the same on every component of that uid.
 */
static long
sequence_in_feed(struct store *s, int64_t seeker, int64_t series_id, const char *uid)
{
	struct cal c = {.n = 0};
	struct store_series sr;
	struct ical_cal ic = {"t", NOW, 0, c.a, 0, &sr, 0, NULL, NULL};
	struct buf b = BUF_INIT;
	char needle[64], *text;
	const char *p;
	long seq = -1;
	int found = 0;

	assert_int_equal(STORE_CALL(s, appts_of_dkey, seeker, 0, 0, gather, &c), 0);
	ic.n_appts = (size_t)c.n;
	if (series_id) {
		assert_int_equal(STORE_CALL(s, series_get, series_id, &sr, &found), 0);
		assert_int_equal(found, 1);
		ic.n_series = 1;
	}
	assert_int_equal(ical_write(&ic, &b), 0);
	text = buf_take(&b, NULL);
	snprintf(needle, sizeof needle, "\r\nUID:%s\r\n", uid);
	for (p = strstr(text, needle); p; p = strstr(p + 1, needle)) {
		const char *q = strstr(p, "\r\nSEQUENCE:"), *end = strstr(p, "END:VEVENT");
		long v;

		assert_non_null(q);
		assert_true(q < end);
		v = strtol(q + 11, NULL, 10);
		if (seq >= 0)
			assert_int_equal(v, seq);       /* master and overrides alike */
		seq = v;
	}
	if (seq < 0)
		fail_msg("no %s in:\n%s", uid, text);
	free(text);
	return seq;
}

/*
 * A link as the store keeps it (store.h, struct store_link): the store
 * only moves its bytes, so here the seeker's id stands in for the key
 * number (the tests read by it) and row n has its own row key.
 */
static void
fake_link(struct store_link *l, int64_t seeker, int n)
{
	memset(l, 0, sizeof(*l));
	l->dkey = seeker;
	memset(l->rk, n + 1, sizeof(l->rk));
	memset(l->sealed, 0xa5, 57);
	l->sealed_n = 57;
}

static int64_t
make_seeker(struct store *s)
{
	struct store_user u;

	memset(&u, 0, sizeof u);
	snprintf(u.handle, sizeof u.handle, "quietfern");
	snprintf(u.email, sizeof u.email, "q@example.org");
	snprintf(u.pw_hash, sizeof u.pw_hash, "x");
	snprintf(u.role, sizeof u.role, "seeker");
	assert_int_equal(STORE_CALL(s, user_create, &u), 0);
	return u.id;
}

static void
test_sequence_single(void **state)
{
	char dir[64], uid[32];
	struct store *s = open_temp(dir);
	struct store_appt a, got;
	int booked, found;
	long seq[5];

	(void)state;
	memset(&a, 0, sizeof a);
	snprintf(a.therapist_id, sizeof a.therapist_id, "t-0123456789ab");
	a.seeker = make_seeker(s);
	fake_link(&a.link, a.seeker, 0);
	snprintf(a.kind, sizeof a.kind, "individual");
	snprintf(a.zone, sizeof a.zone, "America/New_York");
	a.start = NOW + 7 * 86400;
	a.end = a.start + 50 * 60;
	assert_int_equal(STORE_CALL(s, appt_book, NULL, &a, 1, always_open, NULL, &booked), 0);
	assert_int_equal(booked, 1);
	snprintf(uid, sizeof uid, "appt-%lld@chiron", (long long)a.id);
	seq[0] = sequence_in_feed(s, a.seeker, 0, uid);
	/* Moved, moved back, moved again and cancelled, all in one second. */
	a.start += 3600, a.end += 3600;
	assert_int_equal(STORE_CALL(s, appt_move, &a, 0, always_open, NULL, (int64_t)NOW, &found), 0);
	seq[1] = sequence_in_feed(s, a.seeker, 0, uid);
	a.start -= 3600, a.end -= 3600;
	assert_int_equal(STORE_CALL(s, appt_move, &a, 0, always_open, NULL, (int64_t)NOW, &found), 0);
	seq[2] = sequence_in_feed(s, a.seeker, 0, uid);
	a.start += 7200, a.end += 7200;
	assert_int_equal(STORE_CALL(s, appt_move, &a, 0, always_open, NULL, (int64_t)NOW, &found), 0);
	seq[3] = sequence_in_feed(s, a.seeker, 0, uid);
	assert_int_equal(STORE_CALL(s, appt_cancel, a.id, "seeker", 0, (int64_t)NOW, &found), 0);
	assert_int_equal(found, 1);
	seq[4] = sequence_in_feed(s, a.seeker, 0, uid);
	assert_int_equal(seq[0], 0);
	assert_true(seq[1] > seq[0]);
	assert_true(seq[2] > seq[1]);
	assert_true(seq[3] > seq[2]);
	assert_true(seq[4] > seq[3]);
	assert_int_equal(STORE_CALL(s, appt_get, a.id, &got, &found), 0);
	assert_int_equal(got.seq, 4);
	close_temp(s, dir);
}

static void
test_sequence_series(void **state)
{
	const struct tz_zone *ny = tz_get("America/New_York");
	char dir[64], uid[32];
	struct store *s = open_temp(dir);
	struct store_series sr;
	struct store_appt occ[4], moved;
	int64_t at[4];
	int booked[4], i, found;
	long cancelled, seq[5];

	(void)state;
	assert_non_null(ny);
	memset(&sr, 0, sizeof sr);
	snprintf(sr.therapist_id, sizeof sr.therapist_id, "t-0123456789ab");
	sr.seeker = make_seeker(s);
	fake_link(&sr.link, sr.seeker, 10);
	snprintf(sr.kind, sizeof sr.kind, "individual");
	snprintf(sr.zone, sizeof sr.zone, "America/New_York");
	sr.first_day = tz_days_from_civil(2026, 10, 1);
	sr.minute = 18 * 60;
	sr.minutes = 50;
	sr.interval_weeks = 1;
	sr.count = 4;
	snprintf(sr.created_by, sizeof sr.created_by, "seeker");
	assert_int_equal(sched_series(ny, sr.first_day, sr.minute, 1, 4, at, NULL), 4);
	memset(occ, 0, sizeof occ);
	for (i = 0; i < 4; i++) {
		snprintf(occ[i].therapist_id, sizeof occ[i].therapist_id, "t-0123456789ab");
		occ[i].seeker = sr.seeker;
		fake_link(&occ[i].link, sr.seeker, i);
		snprintf(occ[i].kind, sizeof occ[i].kind, "individual");
		snprintf(occ[i].zone, sizeof occ[i].zone, "America/New_York");
		occ[i].start = at[i];
		occ[i].end = at[i] + 50 * 60;
	}
	assert_int_equal(STORE_CALL(s, appt_book, &sr, occ, 4, always_open, NULL, booked), 0);
	snprintf(uid, sizeof uid, "series-%lld@chiron", (long long)sr.id);
	seq[0] = sequence_in_feed(s, sr.seeker, sr.id, uid);
	/* One occurrence cancelled, one moved (an override) and moved
	 * again, then the series ended: one second for all. */
	assert_int_equal(STORE_CALL(s, appt_cancel, occ[2].id, "seeker", 0, (int64_t)NOW, &found), 0);
	seq[1] = sequence_in_feed(s, sr.seeker, sr.id, uid);
	moved = occ[1];
	moved.start += 3600, moved.end += 3600;
	assert_int_equal(STORE_CALL(s, appt_move, &moved, 0, always_open, NULL, (int64_t)NOW, &found), 0);
	seq[2] = sequence_in_feed(s, sr.seeker, sr.id, uid);
	moved.start += 3600, moved.end += 3600;
	assert_int_equal(STORE_CALL(s, appt_move, &moved, 0, always_open, NULL, (int64_t)NOW, &found), 0);
	seq[3] = sequence_in_feed(s, sr.seeker, sr.id, uid);
	assert_int_equal(STORE_CALL(s, series_end, sr.id, "seeker", at[2], (int64_t)NOW, &cancelled), 0);
	assert_int_equal(cancelled, 1);
	seq[4] = sequence_in_feed(s, sr.seeker, sr.id, uid);
	assert_int_equal(seq[0], 0);
	for (i = 1; i < 5; i++)
		if (seq[i] <= seq[i - 1])
			fail_msg("SEQUENCE %ld after %ld (change %d)", seq[i], seq[i - 1], i);
	close_temp(s, dir);
}

/* ---- backup ---- */

static int
count_org(void *arg, const struct store_org *o)
{
	(void)o;
	(*(int *)arg)++;
	return 0;
}

static void
test_backup_whole_and_checked(void **state)
{
	char dir[64], b[128], tmp[140], err[512];
	struct store_org o1 = {"org-000001", "First", "association", "US-NY"},
	                 o2 = {"org-000002", "Second", "employer", "US-CA"};
	struct store *s, *r;
	long pages = 0;
	int version = 0, n = 0;
	FILE *f;

	(void)state;
	s = open_temp(dir);
	snprintf(b, sizeof b, "%s/b.db", dir);
	snprintf(tmp, sizeof tmp, "%s/b.db.tmp", dir);
	assert_int_equal(store_put_org(s, &o1), 0);
	assert_int_equal(STORE_CALL(s, backup, b, false, &pages), 0);
	assert_true(pages > 0);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(store_check_file(b, &version, err, sizeof err), 0);
	assert_true(version > 0);
	/* Never over an existing file unless told. */
	assert_int_equal(store_put_org(s, &o2), 0);
	assert_int_equal(STORE_CALL(s, backup, b, false, &pages), STORE_EXISTS);
	assert_non_null(strstr(store_errmsg(s), "already exists"));
	r = store_open(b, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(store_scan_orgs(r, count_org, &n), 0);
	assert_int_equal(n, 1);
	store_close(r);
	assert_int_equal(STORE_CALL(s, backup, b, true, &pages), 0);
	r = store_open(b, err, sizeof err);
	assert_non_null(r);
	n = 0;
	assert_int_equal(store_scan_orgs(r, count_org, &n), 0);
	assert_int_equal(n, 2);
	store_close(r);
	/* Not a chiron database. */
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs("not a database\n", f);
	fclose(f);
	assert_int_equal(store_check_file(tmp, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a chiron database"));
	close_temp(s, dir);
}

static void
test_failed_full_per_call(void **state)
{
	(void)state;
	store_error_clear();
	assert_false(store_failed_full());
	store_error("writing: %s", "database or disk is full");
	store_error_full();
	assert_true(store_failed_full());
	/* The next failure says its own reason, full or not. */
	store_error("another: %s", "constraint");
	assert_false(store_failed_full());
	store_error_full();
	store_error_clear();
	assert_false(store_failed_full());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_never_sees_uncommitted),
		cmocka_unit_test(test_reader_sees_committed),
		cmocka_unit_test(test_errors_per_thread),
		cmocka_unit_test(test_sequence_single),
		cmocka_unit_test(test_sequence_series),
		cmocka_unit_test(test_backup_whole_and_checked),
		cmocka_unit_test(test_failed_full_per_call),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
