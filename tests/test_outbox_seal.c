/*
 * test_outbox_seal.c: mail at rest (store.h). A sealed message opens
 * with its key for its row and nothing else: not with another key, not
 * for another row, not with a byte changed. Through the store: what is
 * written is not in the clear, a blob moved to another row or sealed
 * under another key is not sent (a failed try: the right key still
 * sends it), and a message sent or given up is erased.
 */
#include "testlib.h"

#include <stdio.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store/store.h"

static const unsigned char KEY[STORE_MAIL_KEY_BYTES] = {7, 7, 7, 1};
static const unsigned char OTHER[STORE_MAIL_KEY_BYTES] = {7, 7, 7, 2};

static void
test_round_trip(void **state)
{
	unsigned char *blob;
	size_t n;
	char *mem;
	const char *to, *subject, *body;

	(void)state;
	assert_int_equal(store_mail_seal(KEY, 42, "s1@example.org", "Reset ✓", "open /reset/TOKEN",
	                                 &blob, &n), 0);
	assert_null(memmem(blob, n, "TOKEN", 5));
	assert_null(memmem(blob, n, "example.org", 11));
	assert_int_equal(store_mail_open(KEY, 42, blob, n, &mem, &to, &subject, &body), 0);
	assert_string_equal(to, "s1@example.org");
	assert_string_equal(subject, "Reset ✓");
	assert_string_equal(body, "open /reset/TOKEN");
	free(mem);
	free(blob);
}

static void
test_empty_fields(void **state)
{
	unsigned char *blob;
	size_t n;
	char *mem;
	const char *to, *subject, *body;

	(void)state;
	assert_int_equal(store_mail_seal(KEY, 1, "", "", "", &blob, &n), 0);
	assert_int_equal(store_mail_open(KEY, 1, blob, n, &mem, &to, &subject, &body), 0);
	assert_string_equal(to, "");
	assert_string_equal(subject, "");
	assert_string_equal(body, "");
	free(mem);
	free(blob);
}

static void
test_wrong_key_fails(void **state)
{
	unsigned char *blob;
	size_t n;
	char *mem;
	const char *to, *subject, *body;

	(void)state;
	assert_int_equal(store_mail_seal(KEY, 5, "a@example.org", "s", "b", &blob, &n), 0);
	assert_int_equal(store_mail_open(OTHER, 5, blob, n, &mem, &to, &subject, &body), -1);
	assert_null(mem);
	free(blob);
}

static void
test_other_row_fails(void **state)
{
	unsigned char *blob;
	size_t n;
	char *mem;
	const char *to, *subject, *body;

	(void)state;
	assert_int_equal(store_mail_seal(KEY, 5, "a@example.org", "s", "b", &blob, &n), 0);
	assert_int_equal(store_mail_open(KEY, 6, blob, n, &mem, &to, &subject, &body), -1);
	assert_int_equal(store_mail_open(KEY, 5 + ((int64_t)1 << 32), blob, n, &mem, &to, &subject,
	                                 &body), -1);
	free(blob);
}

static void
test_changed_or_short_fails(void **state)
{
	unsigned char *blob;
	size_t n, i;
	char *mem;
	const char *to, *subject, *body;

	(void)state;
	assert_int_equal(store_mail_seal(KEY, 5, "a@example.org", "s", "b", &blob, &n), 0);
	for (i = 0; i < n; i++) {
		blob[i] ^= 1;
		assert_int_equal(store_mail_open(KEY, 5, blob, n, &mem, &to, &subject, &body), -1);
		blob[i] ^= 1;
	}
	assert_int_equal(store_mail_open(KEY, 5, blob, n - 1, &mem, &to, &subject, &body), -1);
	assert_int_equal(store_mail_open(KEY, 5, blob, 10, &mem, &to, &subject, &body), -1);
	assert_int_equal(store_mail_open(KEY, 5, NULL, 0, &mem, &to, &subject, &body), -1);
	free(blob);
}

/* ---- through the store ---- */

struct seen {
	int64_t ids[8];
	char to[8][64];
	int n;
};

static int
collect(void *arg, const struct store_mail *m)
{
	struct seen *d = arg;

	if (d->n < 8) {
		d->ids[d->n] = m->id;
		snprintf(d->to[d->n], sizeof(d->to[0]), "%s", m->to);
		d->n++;
	}
	return 0;
}

static struct store *
open_temp(char dir[64], char path[128])
{
	char err[256];
	struct store *s;

	snprintf(dir, 64, "/tmp/chiron-test-seal-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, 128, "%s/c.db", dir);
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

/* sql on the database file, through a second connection (as an attacker would). */
static void
sql(const char *path, const char *q)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 60000);
	if (sqlite3_exec(db, q, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static long
count(const char *path, const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long n = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void
test_store_refuses_without_key(void **state)
{
	char dir[64], path[128];
	struct store *s = open_temp(dir, path);
	struct seen d = {{0}, {{0}}, 0};

	(void)state;
	assert_int_equal(STORE_CALL(s, outbox_add, "a@example.org", "s", "b", (int64_t)1), -1);
	assert_non_null(strstr(store_errmsg(s), "no mail key"));
	assert_int_equal(STORE_CALL(s, outbox_pending, (int64_t)1, 1, 8, collect, &d), -1);
	assert_int_equal(count(path, "SELECT count(*) FROM outbox"), 0);
	close_temp(s, dir);
}

static void
test_store_seals_and_erases(void **state)
{
	char dir[64], path[128];
	struct store *s = open_temp(dir, path);
	struct seen d = {{0}, {{0}}, 0};
	int64_t a, b;

	(void)state;
	assert_int_equal(STORE_CALL(s, set_mail_key, KEY), 0);
	assert_int_equal(STORE_CALL(s, outbox_put, "a@example.org", "s", "secret-a", 1, &a), 0);
	assert_int_equal(STORE_CALL(s, outbox_put, "b@example.org", "s", "secret-b", 1, &b), 0);
	assert_true(b > a);
	assert_int_equal(count(path, "SELECT count(*) FROM outbox WHERE to_addr = '' AND subject = '' "
	                             "AND body = '' AND length(sealed) > 40"), 2);
	assert_int_equal(count(path, "SELECT count(*) FROM outbox WHERE instr(sealed, 'secret') > 0 "
	                             "OR instr(sealed, 'example.org') > 0"), 0);
	assert_int_equal(STORE_CALL(s, outbox_pending, (int64_t)2, 1, 8, collect, &d), 0);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.to[0], "a@example.org");
	assert_string_equal(d.to[1], "b@example.org");
	assert_int_equal(STORE_CALL(s, outbox_sent, a, (int64_t)3), 0);
	assert_int_equal(STORE_CALL(s, outbox_give_up, b, "refused", (int64_t)3), 0);
	assert_int_equal(count(path, "SELECT count(*) FROM outbox WHERE sealed IS NULL AND to_addr = '' "
	                             "AND subject = '' AND body = ''"), 2);
	close_temp(s, dir);
}

static void
test_store_swapped_rows_not_sent(void **state)
{
	char dir[64], path[128];
	struct store *s = open_temp(dir, path);
	struct seen d = {{0}, {{0}}, 0};
	int64_t a, b;

	(void)state;
	assert_int_equal(STORE_CALL(s, set_mail_key, KEY), 0);
	assert_int_equal(STORE_CALL(s, outbox_put, "a@example.org", "s", "body-a", 1, &a), 0);
	assert_int_equal(STORE_CALL(s, outbox_put, "b@example.org", "s", "body-b", 1, &b), 0);
	/* Someone with the database (not the key) swaps the two messages' blobs. */
	sql(path, "CREATE TEMP TABLE t AS SELECT id, sealed FROM outbox;"
	          "UPDATE outbox SET sealed = (SELECT sealed FROM t WHERE t.id <> outbox.id)");
	assert_int_equal(count(path, "SELECT count(*) FROM outbox WHERE sealed IS NOT NULL"), 2);
	assert_int_equal(STORE_CALL(s, outbox_pending, (int64_t)2, 1, 8, collect, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(count(path, "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND attempts = 1 "
	                             "AND sealed IS NOT NULL AND last_error LIKE '%mail key%'"), 2);
	close_temp(s, dir);
}

static void
test_store_other_key_not_sent(void **state)
{
	char dir[64], path[128];
	struct store *s = open_temp(dir, path);
	struct seen d = {{0}, {{0}}, 0};
	int64_t a;

	(void)state;
	assert_int_equal(STORE_CALL(s, set_mail_key, OTHER), 0);
	assert_int_equal(STORE_CALL(s, outbox_put, "a@example.org", "s", "body-a", 1, &a), 0);
	assert_int_equal(STORE_CALL(s, set_mail_key, KEY), 0);
	assert_int_equal(STORE_CALL(s, outbox_pending, (int64_t)2, 1, 8, collect, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(count(path, "SELECT attempts FROM outbox"), 1);
	/* The server restarted with the key it was sealed with: sent after all. */
	assert_int_equal(STORE_CALL(s, set_mail_key, OTHER), 0);
	assert_int_equal(STORE_CALL(s, outbox_pending, (int64_t)100, 1, 8, collect, &d), 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.ids[0], a);
	close_temp(s, dir);
}

/* A message that fails its last try is given up, and erased, like one sent. */
static void
test_store_last_failure_erases(void **state)
{
	char dir[64], path[128];
	struct store *s = open_temp(dir, path);
	int64_t a;
	int k;

	(void)state;
	assert_int_equal(STORE_CALL(s, set_mail_key, KEY), 0);
	assert_int_equal(STORE_CALL(s, outbox_put, "a@example.org", "s", "body-a", 1, &a), 0);
	for (k = 1; k < STORE_OUTBOX_MAX_ATTEMPTS; k++) {
		assert_int_equal(STORE_CALL(s, outbox_failed, a, "down", (int64_t)k), 0);
		assert_int_equal(count(path, "SELECT sealed IS NOT NULL FROM outbox"), 1);
	}
	assert_int_equal(STORE_CALL(s, outbox_failed, a, "down", (int64_t)k), 0);
	assert_int_equal(count(path, "SELECT count(*) FROM outbox WHERE sealed IS NULL AND attempts = 8"), 1);
	close_temp(s, dir);
}

static void
test_store_seals_old_plain_rows(void **state)
{
	char dir[64], path[128];
	struct store *s = open_temp(dir, path);
	struct seen d = {{0}, {{0}}, 0};

	(void)state;
	/* As an older chiron left them: one unsent, one sent. */
	sql(path, "INSERT INTO outbox (to_addr, subject, body, created_at) VALUES "
	          "('old@example.org', 'old', 'old-token', 1);"
	          "INSERT INTO outbox (to_addr, subject, body, created_at, sent_at) VALUES "
	          "('done@example.org', 'done', 'done-token', 1, 1)");
	assert_int_equal(STORE_CALL(s, set_mail_key, KEY), 0);
	assert_int_equal(count(path, "SELECT count(*) FROM outbox WHERE to_addr = '' AND sealed IS NOT NULL"),
	                 1);
	assert_int_equal(STORE_CALL(s, outbox_pending, (int64_t)2, 1, 8, collect, &d), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.to[0], "old@example.org");
	close_temp(s, dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_empty_fields),
		cmocka_unit_test(test_wrong_key_fails),
		cmocka_unit_test(test_other_row_fails),
		cmocka_unit_test(test_changed_or_short_fails),
		cmocka_unit_test(test_store_refuses_without_key),
		cmocka_unit_test(test_store_seals_and_erases),
		cmocka_unit_test(test_store_swapped_rows_not_sent),
		cmocka_unit_test(test_store_other_key_not_sent),
		cmocka_unit_test(test_store_seals_old_plain_rows),
		cmocka_unit_test(test_store_last_failure_erases),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
