/*
 * test_outbox.c: when a message of the outbox is due (store.h,
 * outbox_pending), on a clock the test sets: never tried, due at once;
 * tried k times, due retry_base * 2^(k-1) after the last try and not a
 * second before; tried STORE_OUTBOX_MAX_ATTEMPTS times, never again; sent,
 * never again. tests/smtp.sh sends the same rows through a real SMTP
 * server; this is the arithmetic, with no waiting.
 */
#include "testlib.h"

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "store/store.h"

#define T0 1700000000

struct due {
	int64_t ids[16];
	int n;
};

static int
collect(void *arg, const struct store_mail *m)
{
	struct due *d = arg;

	if (d->n < 16)
		d->ids[d->n++] = m->id;
	return 0;
}

/* Whether message id is due at now with the given base. */
static bool
due_at(struct store *s, int64_t id, int64_t now, int64_t base)
{
	struct due d = {{0}, 0};
	int i;

	assert_int_equal(STORE_CALL(s, outbox_pending, now, base, 100, collect, &d), 0);
	for (i = 0; i < d.n; i++)
		if (d.ids[i] == id)
			return true;
	return false;
}

static struct store *
open_temp(char dir[64])
{
	char err[256], path[128];
	struct store *s;

	snprintf(dir, 64, "/tmp/chiron-test-outbox-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/c.db", dir);
	s = store_open(path, err, sizeof err);
	if (!s)
		fail_msg("store_open: %s", err);
	{
		unsigned char key[STORE_MAIL_KEY_BYTES] = {1, 2, 3};

		assert_int_equal(STORE_CALL(s, set_mail_key, key), 0);
	}
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

/* The only message in the store, its id. */
static int64_t
only_id(struct store *s)
{
	struct due d = {{0}, 0};

	assert_int_equal(STORE_CALL(s, outbox_pending, (int64_t)T0 + 100000000, 1, 100,
	                            collect, &d), 0);
	assert_int_equal(d.n, 1);
	return d.ids[0];
}

static void
test_backoff_doubles(void **state)
{
	char dir[64];
	struct store *s = open_temp(dir);
	int64_t id, base = 60, last = T0, wait;
	int k;

	(void)state;
	assert_int_equal(STORE_CALL(s, outbox_add, "a@example.org", "s", "b", (int64_t)T0), 0);
	id = only_id(s);
	assert_true(due_at(s, id, T0, base));             /* never tried: at once */
	for (k = 1; k < STORE_OUTBOX_MAX_ATTEMPTS; k++) {
		assert_int_equal(STORE_CALL(s, outbox_failed, id, "down", last), 0);
		wait = base << (k - 1);
		assert_false(due_at(s, id, last, base));
		assert_false(due_at(s, id, last + wait - 1, base));
		assert_true(due_at(s, id, last + wait, base));
		last += wait + 7;                          /* the next try, a little late */
	}
	/* The last try fails: never due again, however long one waits. */
	assert_int_equal(STORE_CALL(s, outbox_failed, id, "down", last), 0);
	assert_false(due_at(s, id, last + 100000000, base));
	close_temp(s, dir);
}

static void
test_sent_and_given_up_not_due(void **state)
{
	char dir[64];
	struct store *s = open_temp(dir);
	int64_t id;

	(void)state;
	assert_int_equal(STORE_CALL(s, outbox_add, "a@example.org", "s", "b", (int64_t)T0), 0);
	id = only_id(s);
	assert_int_equal(STORE_CALL(s, outbox_sent, id, (int64_t)T0), 0);
	assert_false(due_at(s, id, T0 + 100000, 1));
	assert_int_equal(STORE_CALL(s, outbox_add, "b@example.org", "s", "b", (int64_t)T0), 0);
	id = only_id(s);
	assert_int_equal(STORE_CALL(s, outbox_give_up, id, "refused", (int64_t)T0), 0);
	assert_false(due_at(s, id, T0 + 100000000, 1));
	close_temp(s, dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_doubles),
		cmocka_unit_test(test_sent_and_given_up_not_due),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
