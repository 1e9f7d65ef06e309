/*
 * test_seal.c: the key hierarchy (app/seal.h). A sealed value opens for
 * its table, column and row and under its key only; a changed byte fails
 * closed; a destroyed key leaves its values unopenable (SEAL_GONE); the
 * key file is created once, refused when missing or another database's,
 * read in its form before issue 11; and a rekey changes the master key
 * while a server started before it goes on opening everything.
 */
#include "testlib.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "app/ctx.h"
#include "app/seal.h"
#include "core/buf.h"
#include "store/store.h"

struct fx {
	char dir[64], db[128], key[128];
	struct store *st;
	struct services sv;
	struct ctx cx;
	struct arena a;
};

static int
fx_start(struct fx *f, char *err, size_t n)
{
	int made;

	f->st = store_open(f->db, err, n);
	if (!f->st)
		return -1;
	services_init(&f->sv, f->st, NULL);
	if (sealer_start(&f->sv, f->key, &made, err, n)) {
		store_close(f->st);
		f->st = NULL;
		return -1;
	}
	ctx_begin(&f->cx, &f->sv, &f->a);
	return 0;
}

static void
fx_stop(struct fx *f)
{
	if (!f->st)
		return;
	sealer_stop(&f->sv);
	store_close(f->st);
	f->st = NULL;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[512];

	snprintf(f->dir, sizeof(f->dir), "/tmp/chiron-seal-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/c.db", f->dir);
	snprintf(f->key, sizeof(f->key), "%s/chiron.key", f->dir);
	arena_init(&f->a, 1 << 16);
	if (fx_start(f, err, sizeof(err)))
		fail_msg("%s", err);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[256];

	fx_stop(f);
	arena_free(&f->a);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
test_key_file_created_private(void **state)
{
	struct fx *f = *state;
	struct stat sb;

	assert_int_equal(stat(f->key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, 8 + 36);
}

static void
test_round_trip_and_binding(void **state)
{
	struct fx *f = *state;
	struct buf b = BUF_INIT, out = BUF_INIT;
	unsigned char rk[SEAL_RK_BYTES], rk2[SEAL_RK_BYTES];
	int64_t kid, got;

	assert_int_equal(seal_user_key(&f->cx, 0, &kid), -1);   /* no such account */
	kid = SEAL_SYSTEM;
	seal_rk(rk);
	seal_rk(rk2);
	assert_int_equal(seal_put(&f->cx, kid, "request", "message", rk, sizeof(rk),
	                          "PLANTED-burnout", 15, &b), 0);
	assert_int_equal(b.len, 15 + SEAL_OVERHEAD);
	assert_null(memmem(b.p, b.len, "PLANTED", 7));
	assert_int_equal(seal_kid_of(b.p, b.len), SEAL_SYSTEM);
	assert_int_equal(seal_open(&f->cx, "request", "message", rk, sizeof(rk), b.p, b.len, &out,
	                           &got), SEAL_OK);
	assert_string_equal(out.p, "PLANTED-burnout");
	assert_int_equal(got, SEAL_SYSTEM);
	buf_reset(&out);
	/* Another row, column or table: no. */
	assert_int_equal(seal_open(&f->cx, "request", "message", rk2, sizeof(rk2), b.p, b.len, &out,
	                           NULL), SEAL_BAD);
	assert_int_equal(seal_open(&f->cx, "request", "answer", rk, sizeof(rk), b.p, b.len, &out,
	                           NULL), SEAL_BAD);
	assert_int_equal(seal_open(&f->cx, "goal", "message", rk, sizeof(rk), b.p, b.len, &out,
	                           NULL), SEAL_BAD);
	assert_int_equal(out.len, 0);
	/* Every byte changed, one at a time: never opens. */
	for (size_t i = 0; i < b.len; i++) {
		b.p[i] ^= 0x20;
		assert_int_not_equal(seal_open(&f->cx, "request", "message", rk, sizeof(rk), b.p, b.len,
		                               &out, NULL), SEAL_OK);
		assert_int_equal(out.len, 0);
		b.p[i] ^= 0x20;
	}
	/* Truncated: no. */
	assert_int_equal(seal_open(&f->cx, "request", "message", rk, sizeof(rk), b.p, b.len - 1,
	                           &out, NULL), SEAL_BAD);
	assert_int_equal(seal_open(&f->cx, "request", "message", rk, sizeof(rk), b.p, 3, &out,
	                           NULL), SEAL_BAD);
	buf_free(&b);
	/* An empty value seals and opens to "". */
	assert_int_equal(seal_put_id(&f->cx, SEAL_SYSTEM, "t", "c", 7, "", 0, &b), 0);
	assert_int_equal(seal_open_id(&f->cx, "t", "c", 7, b.p, b.len, &out, NULL), SEAL_OK);
	assert_int_equal(out.len, 0);
	assert_string_equal(out.p, "");
	buf_free(&b);
	buf_free(&out);
}

static int64_t
add_user(struct fx *f, const char *handle)
{
	struct store_user u;

	memset(&u, 0, sizeof(u));
	snprintf(u.handle, sizeof(u.handle), "%s", handle);
	snprintf(u.email, sizeof(u.email), "%s@example.org", handle);
	snprintf(u.pw_hash, sizeof(u.pw_hash), "x");
	snprintf(u.role, sizeof(u.role), "seeker");
	assert_int_equal(STORE_CALL(f->st, user_create, &u), 0);
	return u.id;
}

static void
test_user_keys_and_forgetting(void **state)
{
	struct fx *f = *state;
	struct buf b = BUF_INIT, out = BUF_INIT;
	int64_t u1 = add_user(f, "s1"), u2 = add_user(f, "s2"), k1, k1b, k2;
	int found;

	assert_int_equal(seal_user_key(&f->cx, u1, &k1), 0);
	assert_int_equal(seal_user_key(&f->cx, u1, &k1b), 0);
	assert_int_equal(k1, k1b);
	assert_true(k1 >= ((int64_t)1 << 32));
	assert_int_equal(seal_user_key(&f->cx, u2, &k2), 0);
	assert_int_not_equal(k1, k2);
	assert_int_equal(seal_put_id(&f->cx, k1, "seeker_profile", "fields", u1, "{\"a\":1}", 7, &b), 0);
	assert_int_equal(seal_open_id(&f->cx, "seeker_profile", "fields", u1, b.p, b.len, &out, NULL),
	                 SEAL_OK);
	buf_reset(&out);
	/* A system key is never destroyed by mistake. */
	assert_int_equal(seal_forget(&f->cx, SEAL_SYSTEM, &found), -1);
	assert_int_equal(seal_forget(&f->cx, k1, &found), 0);
	assert_int_equal(found, 1);
	assert_int_equal(seal_open_id(&f->cx, "seeker_profile", "fields", u1, b.p, b.len, &out, NULL),
	                 SEAL_GONE);
	assert_int_equal(seal_put_id(&f->cx, k1, "seeker_profile", "fields", u1, "x", 1, &out), -1);
	assert_int_equal(seal_forget(&f->cx, k1, &found), 0);
	assert_int_equal(found, 0);
	/* The other account's key is untouched. */
	buf_reset(&b);
	assert_int_equal(seal_put_id(&f->cx, k2, "seeker_profile", "fields", u2, "y", 1, &b), 0);
	assert_int_equal(seal_open_id(&f->cx, "seeker_profile", "fields", u2, b.p, b.len, &out, NULL),
	                 SEAL_OK);
	buf_free(&b);
	buf_free(&out);
}

static void
test_blind_and_derive(void **state)
{
	struct fx *f = *state;
	unsigned char a[SEAL_BLIND_BYTES], b[SEAL_BLIND_BYTES], c[SEAL_BLIND_BYTES];
	unsigned char k1[SEAL_KEY_BYTES], k2[SEAL_KEY_BYTES], k3[SEAL_KEY_BYTES];

	seal_blind(&f->cx, "user.email", "a@b.org", 7, a);
	seal_blind(&f->cx, "user.email", "a@b.org", 7, b);
	seal_blind(&f->cx, "audit.subject", "a@b.org", 7, c);
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, c, sizeof(a));
	seal_derive(&f->sv, "audit", k1);
	seal_derive(&f->sv, "audit", k2);
	seal_derive(&f->sv, "addr", k3);
	assert_memory_equal(k1, k2, sizeof(k1));
	assert_memory_not_equal(k1, k3, sizeof(k1));
}

static void
test_restart_missing_and_wrong_key(void **state)
{
	struct fx *f = *state;
	struct buf b = BUF_INIT, out = BUF_INIT;
	char err[1024], moved[160];
	unsigned char blind1[SEAL_BLIND_BYTES], blind2[SEAL_BLIND_BYTES];

	seal_blind(&f->cx, "user.email", "x", 1, blind1);
	assert_int_equal(seal_put_id(&f->cx, SEAL_SYSTEM, "t", "c", 1, "kept", 4, &b), 0);
	fx_stop(f);
	/* Same key: everything opens, the blind index is the same. */
	assert_int_equal(fx_start(f, err, sizeof(err)), 0);
	assert_int_equal(seal_open_id(&f->cx, "t", "c", 1, b.p, b.len, &out, NULL), SEAL_OK);
	assert_string_equal(out.p, "kept");
	seal_blind(&f->cx, "user.email", "x", 1, blind2);
	assert_memory_equal(blind1, blind2, sizeof(blind1));
	fx_stop(f);
	/* Missing: refused, and no new key is made over sealed data. */
	snprintf(moved, sizeof(moved), "%s.moved", f->key);
	assert_int_equal(rename(f->key, moved), 0);
	assert_int_equal(fx_start(f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "the key file is missing"));
	assert_int_equal(access(f->key, F_OK), -1);
	/* Another database's key: refused. */
	{
		int fd = open(f->key, O_WRONLY | O_CREAT | O_EXCL, 0600);
		unsigned char other[32];

		randombytes_buf(other, sizeof(other));
		assert_int_equal(write(fd, other, 32), 32);
		close(fd);
	}
	assert_int_equal(fx_start(f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "does not open this database's keys"));
	/* Readable by others: refused, with the fix. */
	assert_int_equal(rename(moved, f->key), 0);
	chmod(f->key, 0644);
	assert_int_equal(fx_start(f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "chmod 600"));
	chmod(f->key, 0600);
	assert_int_equal(fx_start(f, err, sizeof(err)), 0);
	buf_free(&b);
	buf_free(&out);
}

static void
test_legacy_mail_key(void **state)
{
	struct fx *f = *state;
	unsigned char key[32] = {9, 9, 9}, *blob;
	char err[1024];
	size_t n;
	int fd;

	/* A database and a mail key of chiron before issue 11: unsent mail
	 * sealed with the key's bytes still opens. */
	fx_stop(f);
	unlink(f->key);
	unlink(f->db);
	{
		char wal[160];

		snprintf(wal, sizeof(wal), "%s-wal", f->db);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s-shm", f->db);
		unlink(wal);
	}
	fd = open(f->key, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_int_equal(write(fd, key, 32), 32);
	close(fd);
	assert_int_equal(store_mail_seal(key, 5, "a@b.org", "s", "b", &blob, &n), 0);
	free(blob);
	assert_int_equal(fx_start(f, err, sizeof(err)), 0);
	{
		int64_t id;

		assert_int_equal(STORE_CALL(f->st, outbox_put, "to@x.org", "subj", "legacy", 1, &id), 0);
	}
	fx_stop(f);
	/* Started again with the raw key: the outbox's key did not change. */
	assert_int_equal(fx_start(f, err, sizeof(err)), 0);
}

static void
test_rekey_while_serving(void **state)
{
	struct fx *f = *state;
	struct buf b = BUF_INIT, out = BUF_INIT;
	char err[1024];
	struct store *st2;
	struct services sv2;
	struct ctx cx2;
	int64_t u1 = add_user(f, "r1"), k1, u2 = add_user(f, "r2"), k2;
	long n;
	int made;
	struct stat sb;

	assert_int_equal(seal_user_key(&f->cx, u1, &k1), 0);
	assert_int_equal(seal_put_id(&f->cx, k1, "t", "c", u1, "before", 6, &b), 0);
	/* Another process rotates the master key. */
	st2 = store_open(f->db, err, sizeof(err));
	assert_non_null(st2);
	assert_int_equal(seal_rekey(st2, f->key, &n, err, sizeof(err)), 0);
	assert_true(n >= 3);
	assert_int_equal(stat(f->key, &sb), 0);
	assert_int_equal(sb.st_size, 8 + 36);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* It makes a key under the new master; the first server reads it. */
	services_init(&sv2, st2, NULL);
	assert_int_equal(sealer_start(&sv2, f->key, &made, err, sizeof(err)), 0);
	assert_int_equal(made, 0);
	ctx_begin(&cx2, &sv2, &f->a);
	assert_int_equal(seal_user_key(&cx2, u2, &k2), 0);
	buf_reset(&out);
	assert_int_equal(seal_open_id(&cx2, "t", "c", u1, b.p, b.len, &out, NULL), SEAL_OK);
	assert_string_equal(out.p, "before");
	buf_reset(&b);
	assert_int_equal(seal_put_id(&cx2, k2, "t", "c", u2, "after", 5, &b), 0);
	buf_reset(&out);
	assert_int_equal(seal_open_id(&f->cx, "t", "c", u2, b.p, b.len, &out, NULL), SEAL_OK);
	assert_string_equal(out.p, "after");
	sealer_stop(&sv2);
	store_close(st2);
	/* And a fresh start with the rotated file opens everything. */
	fx_stop(f);
	assert_int_equal(fx_start(f, err, sizeof(err)), 0);
	buf_reset(&out);
	assert_int_equal(seal_open_id(&f->cx, "t", "c", u2, b.p, b.len, &out, NULL), SEAL_OK);
	buf_free(&b);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_file_created_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_and_binding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_keys_and_forgetting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blind_and_derive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_missing_and_wrong_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy_mail_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rekey_while_serving, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
