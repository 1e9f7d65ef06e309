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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_never_sees_uncommitted),
		cmocka_unit_test(test_reader_sees_committed),
		cmocka_unit_test(test_errors_per_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
