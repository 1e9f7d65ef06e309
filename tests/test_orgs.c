/*
 * test_orgs.c: the organization registry's services by name (app/orgs.c)
 * on a temporary store and its live index: orgs_resolve for each fit
 * (one, several, declared, none) and its refusals, anyone (anonymous
 * too) asking; org_get by id and for an id nobody has; an organization
 * added by add_org found by name once the index is rebuilt.
 */
#include "testlib.h"

#include <stdio.h>
#include <unistd.h>

#include "core/compacts.h"
#include "core/record.h"
#include "app/directory.h"
#include "app/live.h"
#include "app/orgs.h"
#include "app/services.h"
#include "app/secret.h"
#include "store/store.h"

#define ADDR "192.0.2.1"

static const struct {
	const char *id, *name, *kind, *jurisdiction;
} orgs[] = {
	{"org-000001", "Seattle VA Medical Center", "employer", "US-WA"},
	{"org-000002", "Seattle VA Medical Center Annex", "employer", "US-WA"},
	{"org-000003", "University of Washington", "training_program", "US-WA"},
	{"org-000004", "University of Wisconsin", "training_program", "US-WI"},
	{"org-000005", "St. Mary's Hospital", "employer", "US-NY"},
	{"org-000006", "Chicago Veterans Affairs Clinic", "employer", "US-IL"},
	{"org-000007", "Columbus Veterans Affairs Clinic", "employer", "US-OH"},
	{"org-000008", "Puget Sound DBT Consultation Team", "consultation_group", ""},
};

/* A listing affiliated with the Chicago clinic (and only it). */
static const char record_json[] =
	"{\"type\":\"therapist\",\"id\":\"t-0000101\",\"name\":\"Ana Ruiz\",\"credentials\":\"LCSW\","
	"\"profession\":\"social_worker\",\"npi\":\"1234567893\",\"licenses\":[\"US-IL\"],"
	"\"compacts\":[],\"office\":{\"lat\":41.88,\"lon\":-87.63,\"jurisdiction\":\"US-IL\"},"
	"\"modalities\":[\"telehealth\"],\"formats\":[\"individual\"],"
	"\"accepting_new_clients\":true,\"fee\":{\"currency\":\"USD\",\"session\":120},"
	"\"orientations\":[],\"focus_areas\":[],\"populations\":[],\"languages\":[\"en\"],"
	"\"career_stages\":[],\"clinician_clients\":true,\"timezone\":\"America/Chicago\","
	"\"availability\":[],\"affiliations\":[{\"org\":\"org-000006\",\"role\":\"employer\",\"current\":true}]}";

struct fix {
	char dir[64], db[128];
	struct store *st;
	struct live *lv;
	struct compacts cmp;
	struct services sv;
	struct arena a;
	struct ctx cx;
	struct actor anon, member;
};

static void
put_directory(struct store *st)
{
	struct arena a;
	struct record rec;
	struct buf packed = BUF_INIT;
	struct verr e;
	size_t i;

	arena_init(&a, 1 << 16);
	if (record_parse(TAX, record_json, strlen(record_json), &a, &rec, &e))
		fail_msg("record: %s: %s", e.field, e.msg);
	assert_int_equal(therapist_pack(TAX, &rec.t, &packed), 0);
	assert_int_equal(store_begin(st), 0);
	for (i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++) {
		struct store_org o = {orgs[i].id, orgs[i].name, orgs[i].kind, orgs[i].jurisdiction};

		assert_int_equal(store_put_org(st, &o), 0);
	}
	assert_int_equal(store_put_therapist(st, "t-0000101", packed.p, packed.len), 0);
	assert_int_equal(store_commit(st), 0);
	buf_free(&packed);
	arena_free(&a);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct store_user u;
	char err[256];

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/chiron-test-orgs-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/c.db", f->dir);
	if (!(f->st = store_open(f->db, err, sizeof(err))))
		fail_msg("store_open: %s", err);
	put_directory(f->st);
	if (directory_compacts(TAX, NULL, &f->cmp, err, sizeof(err)))
		fail_msg("compacts: %s", err);
	if (!(f->lv = live_open(f->db, TAX, &f->cmp, 2, err, sizeof(err))))
		fail_msg("live_open: %s", err);
	services_init(&f->sv, f->st, TAX);
	f->sv.live = f->lv;
	arena_init(&f->a, 1 << 16);
	ctx_begin(&f->cx, &f->sv, &f->a);
	actor_anonymous(&f->anon, ADDR);
	memset(&u, 0, sizeof(u));
	snprintf(u.handle, sizeof(u.handle), "member1");
	snprintf(u.email, sizeof(u.email), "member1@example.org");
	snprintf(u.role, sizeof(u.role), "seeker");
	assert_int_equal(password_hash("long-enough-password", u.pw_hash), 0);
	assert_int_equal(STORE_CALL(f->st, user_create, &u), 0);
	actor_of_user(&f->member, &u, ADDR);
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
	store_close(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
resolve_fits(void **state)
{
	struct fix *f = *state;
	struct org_hit hit[8];
	struct refusal why;
	enum org_fit fit;
	int n;

	/* One, though a longer name contains it; asked by nobody in particular. */
	assert_int_equal(orgs_resolve(&f->cx, &f->anon, "Seattle VA Medical Center", hit, 8, &n, &fit, &why), 0);
	assert_int_equal(fit, ORG_ONE);
	assert_int_equal(n, 1);
	assert_string_equal(hit[0].id, "org-000001");
	assert_string_equal(hit[0].name, "Seattle VA Medical Center");
	assert_string_equal(hit[0].kind, "employer");
	assert_string_equal(hit[0].place, "Washington");
	/* St. Mary's as Saint Marys; the university as Univ. */
	assert_int_equal(orgs_resolve(&f->cx, &f->member, "saint marys hospital", hit, 8, &n, &fit, &why), 0);
	assert_int_equal(fit, ORG_ONE);
	assert_string_equal(hit[0].id, "org-000005");
	assert_string_equal(hit[0].place, "New York");
	assert_int_equal(orgs_resolve(&f->cx, &f->anon, "Univ. of Washington", hit, 8, &n, &fit, &why), 0);
	assert_int_equal(fit, ORG_ONE);
	assert_string_equal(hit[0].id, "org-000003");
	assert_string_equal(hit[0].kind, "training_program");
	/* "UW": two universities; ask which. */
	assert_int_equal(orgs_resolve(&f->cx, &f->anon, "UW", hit, 8, &n, &fit, &why), 0);
	assert_int_equal(fit, ORG_SEVERAL);
	assert_int_equal(n, 2);
	/* A prefix: several, at most max. */
	assert_int_equal(orgs_resolve(&f->cx, &f->anon, "Seattle VA", hit, 1, &n, &fit, &why), 0);
	assert_int_equal(fit, ORG_SEVERAL);
	assert_int_equal(n, 1);
	assert_string_equal(hit[0].id, "org-000001");
	/* Declared: loosely, only the clinic a listing names. */
	assert_int_equal(orgs_resolve(&f->cx, &f->anon, "VA Clinic", hit, 8, &n, &fit, &why), 0);
	assert_int_equal(fit, ORG_DECLARED);
	assert_int_equal(n, 1);
	assert_string_equal(hit[0].id, "org-000006");
	assert_string_equal(hit[0].place, "Illinois");
	/* No jurisdiction: no place. */
	assert_int_equal(orgs_resolve(&f->cx, &f->anon, "Puget Sound DBT Consultation Team", hit, 8, &n, &fit, &why), 0);
	assert_int_equal(fit, ORG_ONE);
	assert_string_equal(hit[0].kind, "consultation_group");
	assert_string_equal(hit[0].place, "");
	/* Nothing by that name. */
	assert_int_equal(orgs_resolve(&f->cx, &f->anon, "Mayo Clinic", hit, 8, &n, &fit, &why), 0);
	assert_int_equal(fit, ORG_NONE);
	assert_int_equal(n, 0);
	assert_int_equal(orgs_resolve(&f->cx, &f->anon, "!!!", hit, 8, &n, &fit, &why), 0);
	assert_int_equal(fit, ORG_NONE);
}

static void
resolve_refusals(void **state)
{
	struct fix *f = *state;
	struct org_hit hit[2];
	struct refusal why;
	enum org_fit fit;
	char big[202];
	int n;

	assert_int_equal(orgs_resolve(&f->cx, &f->anon, "", hit, 2, &n, &fit, &why), 1);
	assert_int_equal(why.status, 400);
	assert_string_equal(why.field, "org");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(orgs_resolve(&f->cx, &f->anon, big, hit, 2, &n, &fit, &why), 1);
	assert_int_equal(why.status, 400);
	assert_string_equal(why.field, "org");
	big[200] = '\0';
	assert_int_equal(orgs_resolve(&f->cx, &f->anon, big, hit, 2, &n, &fit, &why), 0);
	assert_int_equal(fit, ORG_NONE);
}

static void
get_by_id(void **state)
{
	struct fix *f = *state;
	struct org_hit hit;
	struct refusal why;

	assert_int_equal(org_get(&f->cx, &f->anon, "org-000006", &hit, &why), 0);
	assert_string_equal(hit.name, "Chicago Veterans Affairs Clinic");
	assert_string_equal(hit.kind, "employer");
	assert_string_equal(hit.place, "Illinois");
	assert_int_equal(org_get(&f->cx, &f->anon, "org-999999", &hit, &why), 1);
	assert_int_equal(why.status, 404);
	assert_int_equal(org_get(&f->cx, &f->anon, "", &hit, &why), 1);
	assert_int_equal(why.status, 404);
	assert_int_equal(org_get(&f->cx, &f->anon, "' OR 1=1 --", &hit, &why), 1);
	assert_int_equal(why.status, 404);
}

static void
added_then_found(void **state)
{
	struct fix *f = *state;
	struct org_in in = {"Tacoma Trauma Consultation Circle", "consultation_group", "US-WA"};
	struct org_hit hit[2];
	struct refusal why;
	enum org_fit fit;
	char id[24];
	int n;

	assert_int_equal(add_org(&f->cx, &f->member, &in, id, &why), 0);
	/* The next build carries the name: wait for it, then a new call sees it. */
	assert_int_equal(live_wait(f->lv, live_changed(f->lv), 60000), 0);
	ctx_done(&f->cx);
	ctx_begin(&f->cx, &f->sv, &f->a);
	assert_int_equal(orgs_resolve(&f->cx, &f->anon, "tacoma trauma consultation circle", hit, 2, &n, &fit, &why), 0);
	assert_int_equal(fit, ORG_ONE);
	assert_string_equal(hit[0].id, id);
	assert_string_equal(hit[0].place, "Washington");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(resolve_fits, setup, teardown),
		cmocka_unit_test_setup_teardown(resolve_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(get_by_id, setup, teardown),
		cmocka_unit_test_setup_teardown(added_then_found, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
