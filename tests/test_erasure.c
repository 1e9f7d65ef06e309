/*
 * test_erasure.c: export and erasure driven without HTTP (app/export.h,
 * app/erasure.h) on a temporary sealed store with a live index. The
 * export asks for the password again and holds what was stored; the
 * erasure refuses a wrong password or a missing confirmation with nothing
 * changed, and otherwise leaves no row of the account and its data key
 * destroyed, so that a value sealed under it no longer opens (SEAL_GONE);
 * a seeker has no listing to close.
 */
#include "testlib.h"

#include <stdio.h>
#include <unistd.h>

#include "core/compacts.h"
#include "core/json.h"
#include "app/directory.h"
#include "app/erasure.h"
#include "app/export.h"
#include "app/live.h"
#include "app/seal.h"
#include "app/secret.h"
#include "app/services.h"
#include "app/session.h"
#include "store/store.h"

#define ADDR "192.0.2.1"
#define PW "long-enough-pw"

struct fix {
	char dir[64], db[128], key[128];
	struct store *st;
	struct live *lv;
	struct compacts cmp;
	struct services sv;
	struct arena a;
	struct ctx cx;
	struct actor seeker;
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct store_org o = {"org-1", "Quillfeather Clinic", "association", "US-NY"};
	struct store_user u;
	char err[512];
	int made;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/chiron-test-erasure-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/c.db", f->dir);
	snprintf(f->key, sizeof(f->key), "%s/chiron.key", f->dir);
	if (!(f->st = store_open(f->db, err, sizeof(err))))
		fail_msg("store_open: %s", err);
	/* One organization: the live index's name index is built from them. */
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_put_org(f->st, &o), 0);
	assert_int_equal(store_commit(f->st), 0);
	if (directory_compacts(TAX, NULL, &f->cmp, err, sizeof(err)))
		fail_msg("compacts: %s", err);
	if (!(f->lv = live_open(f->db, TAX, &f->cmp, 2, err, sizeof(err))))
		fail_msg("live_open: %s", err);
	services_init(&f->sv, f->st, TAX);
	f->sv.live = f->lv;
	if (sealer_start(&f->sv, f->key, &made, err, sizeof(err)))
		fail_msg("sealer_start: %s", err);
	arena_init(&f->a, 1 << 16);
	ctx_begin(&f->cx, &f->sv, &f->a);
	memset(&u, 0, sizeof(u));
	snprintf(u.handle, sizeof(u.handle), "ottoline");
	snprintf(u.email, sizeof(u.email), "ottoline@example.org");
	snprintf(u.role, sizeof(u.role), "seeker");
	assert_int_equal(password_hash(PW, u.pw_hash), 0);
	assert_int_equal(STORE_CALL(f->st, user_create, &u), 0);
	actor_of_user(&f->seeker, &u, ADDR);
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

/* A saved search, a session and a busy time of the seeker. */
static void
plant(struct fix *f, unsigned char hash[32])
{
	struct refusal why;
	struct store_busy b = {1900000000, 1900003600};
	char tok[48], csrf[48];
	struct store_user u;
	int found = 0;

	assert_int_equal(profile_save(&f->cx, &f->seeker, "aff_org1=PLANTED-org&timezone=Europe%2FOslo", &why), 0);
	assert_int_equal(calendar_busy_put(&f->cx, f->seeker.id, &b, 1), 0);
	assert_int_equal(STORE_CALL(f->st, user_get, f->seeker.id, &u, &found), 0);
	assert_int_equal(session_start(&f->cx, &u, SESSION_FULL, tok, hash, csrf), 0);
}

static void
export_asks_the_password(void **state)
{
	struct fix *f = *state;
	struct buf out = BUF_INIT;
	struct refusal why;
	unsigned char hash[32];
	struct verr e;
	jnode *v;

	plant(f, hash);
	assert_int_equal(export_json(&f->cx, &f->seeker, "wrong-password", &out, &why), 1);
	assert_int_equal(why.status, 403);
	assert_string_equal(why.field, "password");
	assert_int_equal(out.len, 0);
	assert_int_equal(export_json(&f->cx, &f->seeker, PW, &out, &why), 0);
	assert_non_null(v = jn_parse(out.p, out.len, &f->a, &e));
	assert_non_null(strstr(out.p, "PLANTED-org"));
	assert_non_null(strstr(out.p, "Europe/Oslo"));
	assert_non_null(strstr(out.p, "ottoline@example.org"));
	assert_non_null(strstr(out.p, "2030-03-17T17:46:40Z"));     /* the busy time */
	buf_free(&out);
}

static void
erasure_refuses_then_destroys(void **state)
{
	struct fix *f = *state;
	struct erase_report rep;
	struct refusal why;
	struct buf sealed = BUF_INIT, plain = BUF_INIT;
	unsigned char hash[32], wrapped[256];
	char csrf[64];
	struct store_user u;
	int64_t kid = 0, uid = f->seeker.id, master, user = 0;
	size_t wn;
	int found = 0;

	plant(f, hash);
	assert_int_equal(seal_user_key(&f->cx, uid, &kid), 0);
	assert_int_equal(seal_put_id(&f->cx, kid, "test", "value", 1, "PLANTED", 7, &sealed), 0);

	/* Refused: nothing changes. */
	assert_int_equal(erase_account(&f->cx, &f->seeker, "wrong-password", ERASE_CONFIRM, &rep, &why), 1);
	assert_int_equal(why.status, 403);
	assert_int_equal(erase_account(&f->cx, &f->seeker, PW, "yes", &rep, &why), 1);
	assert_int_equal(why.status, 400);
	assert_string_equal(why.field, "confirm");
	assert_int_equal(STORE_CALL(f->st, user_get, uid, &u, &found), 0);
	assert_true(found);

	/* Done: every step, in any case of the confirmation. */
	assert_int_equal(erase_account(&f->cx, &f->seeker, PW, "  Close My Account ", &rep, &why), 0);
	assert_null(rep.failed);
	assert_true(rep.signed_out && rep.key_destroyed && rep.rows_deleted);
	assert_false(rep.listing_closed);
	assert_int_equal(STORE_CALL(f->st, user_get, uid, &u, &found), 0);
	assert_false(found);
	assert_int_equal(STORE_CALL(f->st, session_get, hash, 0, &user, csrf, &found), 0);
	assert_false(found);
	{
		struct buf raw = BUF_INIT;
		int was_sealed = 0;

		/* Nothing stored: no row, sealed or not. */
		assert_int_equal(STORE_CALL(f->st, profile_get, uid, &raw, &was_sealed), 0);
		assert_int_equal(raw.len, 0);
		buf_free(&raw);
	}
	assert_int_equal(STORE_CALL(f->st, dkey_get, kid, &master, wrapped, sizeof(wrapped), &wn, &found), 0);
	assert_false(found);
	assert_int_equal(seal_open_id(&f->cx, "test", "value", 1, sealed.p, sealed.len, &plain, NULL),
	                 SEAL_GONE);
	assert_int_equal(plain.len, 0);
	buf_free(&sealed);
	buf_free(&plain);
}

static void
a_seeker_has_no_listing_to_close(void **state)
{
	struct fix *f = *state;
	struct erase_report rep;
	struct refusal why;

	assert_int_equal(close_listing(&f->cx, &f->seeker, PW, &rep, &why), 1);
	assert_int_equal(why.status, 404);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(export_asks_the_password, setup, teardown),
		cmocka_unit_test_setup_teardown(erasure_refuses_then_destroys, setup, teardown),
		cmocka_unit_test_setup_teardown(a_seeker_has_no_listing_to_close, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
