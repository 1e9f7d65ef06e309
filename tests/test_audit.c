/*
 * test_audit.c: the audit trail (app/audit.c). Entries chain; verification
 * finds an entry deleted, an entry edited, a tail cut off or rewritten
 * after a checkpoint saw it; appends from many threads make one chain
 * without gaps; the checkpoint line reads back; a person reads the
 * entries about their own data in plain words, and no one else's; the
 * stored rows hold no account number in the clear.
 */
#include "testlib.h"

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "core/audit_line.h"
#include "app/audit.h"
#include "app/seal.h"
#include "app/services.h"
#include "store/store.h"

struct fx {
	char dir[64], db[128], key[128];
	struct store *st;
	struct services sv;
	struct ctx cx;
	struct arena a;
	struct actor admin, seeker, other, anon;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[512];
	int made;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/chiron-audit-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/c.db", f->dir);
	snprintf(f->key, sizeof(f->key), "%s/chiron.key", f->dir);
	if (!(f->st = store_open(f->db, err, sizeof(err))))
		fail_msg("store_open: %s", err);
	services_init(&f->sv, f->st, NULL);
	if (sealer_start(&f->sv, f->key, &made, err, sizeof(err)))
		fail_msg("sealer_start: %s", err);
	arena_init(&f->a, 1 << 16);
	ctx_begin(&f->cx, &f->sv, &f->a);
	actor_system(&f->admin);
	memset(&f->seeker, 0, sizeof(f->seeker));
	f->seeker.id = 41;
	f->seeker.role = ACCT_SEEKER;
	f->seeker.addr = "192.0.2.7";
	f->other = f->seeker;
	f->other.id = 42;
	actor_anonymous(&f->anon, "192.0.2.9");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	arena_free(&f->a);
	sealer_stop(&f->sv);
	store_close(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* n entries of assorted kinds: sign-ins of 41 and 42, an admin's action. */
static void
note_some(struct fx *f, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		int64_t subject = i % 3 == 2 ? 42 : 41;

		if (i % 3 == 1)
			assert_int_equal(audit_note(&f->cx, &f->admin, AUDIT_ADMIN, "claim-verify", "t-0001", subject), 0);
		else
			assert_int_equal(audit_note(&f->cx, &f->anon, AUDIT_SIGNIN, "account", "", subject), 0);
	}
}

/* Runs sql on the database file behind the store's back, as a thief would. */
static void
tamper(struct fx *f, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_close(db);
}

#define MAX_FOUND 16
struct found {
	int n;
	enum audit_problem p[MAX_FOUND];
	int64_t from[MAX_FOUND], to[MAX_FOUND];
	char text[MAX_FOUND][300];
};

static void
found_one(void *arg, enum audit_problem p, int64_t from, int64_t to, const char *sentence)
{
	struct found *x = arg;

	if (x->n < MAX_FOUND) {
		x->p[x->n] = p;
		x->from[x->n] = from;
		x->to[x->n] = to;
		snprintf(x->text[x->n], sizeof(x->text[0]), "%s", sentence);
	}
	x->n++;
}

static void
verify(struct fx *f, const struct audit_check *cps, int n, struct audit_verdict *v, struct found *x)
{
	memset(x, 0, sizeof(*x));
	assert_int_equal(audit_verify(&f->sv, cps, n, v, found_one, x), 0);
	assert_int_equal(v->problems, x->n);
}

static void
intact_chain_verifies(void **state)
{
	struct fx *f = *state;
	struct audit_verdict v;
	struct found x;
	unsigned char hash[32];
	int64_t seq;

	verify(f, NULL, 0, &v, &x);
	assert_int_equal(v.entries, 0);
	note_some(f, 12);
	verify(f, NULL, 0, &v, &x);
	assert_int_equal(v.problems, 0);
	assert_int_equal(v.entries, 12);
	assert_int_equal(v.head, 12);
	assert_int_equal(STORE_CALL(f->st, audit_head, &seq, hash), 0);
	assert_int_equal(seq, 12);
	assert_memory_equal(hash, v.head_hash, 32);
}

static void
deleted_entry_is_named(void **state)
{
	struct fx *f = *state;
	struct audit_verdict v;
	struct found x;

	note_some(f, 10);
	tamper(f, "DELETE FROM audit WHERE seq = 4");
	verify(f, NULL, 0, &v, &x);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.p[0], AUDIT_MISSING);
	assert_int_equal(x.from[0], 4);
	assert_int_equal(x.to[0], 4);
	assert_non_null(strstr(x.text[0], "entry 4 is missing"));
	/* Renumbering the rest to hide the gap breaks every link after it. */
	tamper(f, "UPDATE audit SET seq = seq - 1 WHERE seq > 4");
	verify(f, NULL, 0, &v, &x);
	assert_true(x.n >= 1);
	assert_int_equal(x.p[0], AUDIT_EDITED);
	assert_int_equal(x.from[0], 4);
	/* The first entry gone is a gap too. */
	tamper(f, "DELETE FROM audit WHERE seq = 1");
	verify(f, NULL, 0, &v, &x);
	assert_int_equal(x.p[0], AUDIT_MISSING);
	assert_int_equal(x.from[0], 1);
}

static void
edited_entry_is_named(void **state)
{
	struct fx *f = *state;
	struct audit_verdict v;
	struct found x;

	note_some(f, 10);
	/* Each field, one at a time: the entry is named, the next ones not. */
	static const char *const edits[] = {
		"UPDATE audit SET at = at + 60 WHERE seq = 6",
		"UPDATE audit SET kind = 'sign-out' WHERE seq = 6",
		"UPDATE audit SET what = 'request' WHERE seq = 6",
		"UPDATE audit SET subject = (SELECT subject FROM audit WHERE seq = 4) WHERE seq = 6",
		"UPDATE audit SET detail = (SELECT detail FROM audit WHERE seq = 3) WHERE seq = 6",
		"UPDATE audit SET addr = NULL WHERE seq = 6",
	};
	size_t i;
	char sql[256];

	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		/* A fresh copy of entry 6 each time: keep its row to put back. */
		tamper(f, "CREATE TABLE IF NOT EXISTS keep AS SELECT * FROM audit WHERE seq = 6");
		tamper(f, edits[i]);
		verify(f, NULL, 0, &v, &x);
		assert_int_equal(x.n, 1);
		assert_int_equal(x.p[0], AUDIT_EDITED);
		assert_int_equal(x.from[0], 6);
		assert_non_null(strstr(x.text[0], "entry 6 was changed"));
		snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE seq = 6; "
		         "INSERT INTO audit SELECT * FROM keep");
		tamper(f, sql);
		verify(f, NULL, 0, &v, &x);
		assert_int_equal(x.n, 0);
	}
	/* Deleted and edited at once: both named. */
	tamper(f, "DELETE FROM audit WHERE seq = 3; UPDATE audit SET at = 1 WHERE seq = 8");
	verify(f, NULL, 0, &v, &x);
	assert_int_equal(x.n, 2);
	assert_int_equal(x.p[0], AUDIT_MISSING);
	assert_int_equal(x.from[0], 3);
	assert_int_equal(x.p[1], AUDIT_EDITED);
	assert_int_equal(x.from[1], 8);
}

static void
checkpoints_catch_a_cut_tail(void **state)
{
	struct fx *f = *state;
	struct audit_verdict v;
	struct found x;
	struct audit_check cp[2];
	char line[AUDIT_LINE_MAX];
	FILE *log = tmpfile();
	int64_t seq;

	note_some(f, 5);
	/* The checkpoint line, as serve writes it, read back. */
	assert_non_null(log);
	assert_int_equal(audit_checkpoint(&f->sv, log), 0);
	rewind(log);
	assert_non_null(fgets(line, sizeof(line), log));
	fclose(log);
	assert_int_equal(audit_line_parse(line, strlen(line), &cp[0].seq, cp[0].hash), 1);
	assert_int_equal(cp[0].seq, 5);
	note_some(f, 3);
	assert_int_equal(STORE_CALL(f->st, audit_head, &seq, cp[1].hash), 0);
	cp[1].seq = seq;
	verify(f, cp, 2, &v, &x);
	assert_int_equal(x.n, 0);
	assert_int_equal(v.checkpoints, 2);
	/* The last two entries deleted: only a checkpoint can tell. */
	tamper(f, "DELETE FROM audit WHERE seq > 6");
	verify(f, NULL, 0, &v, &x);
	assert_int_equal(x.n, 0);
	verify(f, cp, 2, &v, &x);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.p[0], AUDIT_TRUNCATED);
	assert_int_equal(x.from[0], 6);
	assert_int_equal(x.to[0], 8);
	/* New entries after the cut take the numbers again: the checkpoint
	 * knows entry 8 was another. */
	note_some(f, 2);
	verify(f, cp, 2, &v, &x);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.p[0], AUDIT_REWRITTEN);
	assert_int_equal(x.from[0], 8);
}

static void
without_the_key_no_rebuilt_chain(void **state)
{
	struct fx *f = *state;
	struct audit_verdict v;
	struct found x;
	struct store_audit e;
	unsigned char wrong[32], prev[32];

	note_some(f, 3);
	/* A thief recomputes entry 2's link with a key of their own. */
	memset(&e, 0, sizeof(e));
	memset(wrong, 9, sizeof(wrong));
	memset(prev, 0, sizeof(prev));
	e.seq = 1;
	audit_link(wrong, prev, &e, e.hash);
	{
		char sql[300], hex[65];

		sodium_bin2hex(hex, sizeof(hex), e.hash, 32);
		snprintf(sql, sizeof(sql), "UPDATE audit SET at = 5, hash = x'%s' WHERE seq = 2", hex);
		tamper(f, sql);
	}
	verify(f, NULL, 0, &v, &x);
	/* Entry 2 does not verify, and entry 3 no longer follows it. */
	assert_int_equal(x.n, 2);
	assert_int_equal(x.from[0], 2);
	assert_int_equal(x.from[1], 3);
}

/* ----------------------------------------------------------------------
 * Many writers
 * ---------------------------------------------------------------------- */

#define THREADS 4
#define EACH 40

struct writer {
	struct fx *f;
	int id, failed;
};

static void *
write_many(void *arg)
{
	struct writer *w = arg;
	struct arena a;
	struct ctx cx;
	struct actor who = w->f->seeker;
	int i;

	arena_init(&a, 1 << 14);
	ctx_begin(&cx, &w->f->sv, &a);
	who.id = 100 + w->id;
	for (i = 0; i < EACH; i++)
		if (audit_note(&cx, &who, AUDIT_READ, "request", "", 41))
			w->failed++;
	ctx_done(&cx);
	arena_free(&a);
	return NULL;
}

static void
appends_from_threads_make_one_chain(void **state)
{
	struct fx *f = *state;
	struct writer w[THREADS];
	pthread_t t[THREADS];
	struct audit_verdict v;
	struct found x;
	int i;

	for (i = 0; i < THREADS; i++) {
		w[i] = (struct writer){f, i, 0};
		assert_int_equal(pthread_create(&t[i], NULL, write_many, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failed, 0);
	}
	verify(f, NULL, 0, &v, &x);
	assert_int_equal(x.n, 0);
	assert_int_equal(v.entries, THREADS * EACH);
	assert_int_equal(v.head, THREADS * EACH);
}

/* A second connection to the same file: another server process. */
static void
appends_from_two_connections_make_one_chain(void **state)
{
	struct fx *f = *state;
	struct services sv2;
	struct store *st2;
	struct arena a2;
	struct ctx cx2;
	struct audit_verdict v;
	struct found x;
	char err[256];
	int made, i;

	assert_non_null(st2 = store_open(f->db, err, sizeof(err)));
	services_init(&sv2, st2, NULL);
	assert_int_equal(sealer_start(&sv2, f->key, &made, err, sizeof(err)), 0);
	arena_init(&a2, 1 << 14);
	ctx_begin(&cx2, &sv2, &a2);
	for (i = 0; i < 20; i++) {
		assert_int_equal(audit_note(&f->cx, &f->seeker, AUDIT_SIGNOUT, "account", "", 41), 0);
		assert_int_equal(audit_note(&cx2, &f->other, AUDIT_SIGNOUT, "account", "", 42), 0);
	}
	arena_free(&a2);
	sealer_stop(&sv2);
	store_close(st2);
	verify(f, NULL, 0, &v, &x);
	assert_int_equal(x.n, 0);
	assert_int_equal(v.entries, 40);
}

/* ----------------------------------------------------------------------
 * The checkpoint line
 * ---------------------------------------------------------------------- */

static void
checkpoint_line_reads_back(void **state)
{
	unsigned char h[32], back[32];
	char line[AUDIT_LINE_MAX];
	int64_t seq;
	int i;

	(void)state;
	for (i = 0; i < 32; i++)
		h[i] = (unsigned char)(i * 7 + 1);
	audit_line_format(1234, h, line);
	assert_int_equal(strncmp(line, "chiron: audit checkpoint 1234 ", 30), 0);
	assert_int_equal(audit_line_parse(line, strlen(line), &seq, back), 1);
	assert_int_equal(seq, 1234);
	assert_memory_equal(h, back, 32);
	/* After a collector's time stamp too. */
	{
		char l2[200];

		snprintf(l2, sizeof(l2), "2026-12-02T09:00:00Z host %s", line);
		assert_int_equal(audit_line_parse(l2, strlen(l2), &seq, back), 1);
	}
	assert_int_equal(audit_line_parse("chiron: serving", 15, &seq, back), 0);
	assert_int_equal(audit_line_parse("", 0, &seq, back), 0);
	{
		static const char *const bad[] = {
			"chiron: audit checkpoint 0 00",
			"chiron: audit checkpoint x 0000000000000000000000000000000000000000000000000000000000000000",
			"chiron: audit checkpoint 12 000000000000000000000000000000000000000000000000000000000000000",
			"chiron: audit checkpoint 12 000000000000000000000000000000000000000000000000000000000000000G",
			"chiron: audit checkpoint 12 0000000000000000000000000000000000000000000000000000000000000000 x",
			"chiron: audit checkpoint 1234567890123456789 0000000000000000000000000000000000000000000000000000000000000000",
		};
		size_t k;

		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
			assert_int_equal(audit_line_parse(bad[k], strlen(bad[k]), &seq, back), -1);
	}
}

/* ----------------------------------------------------------------------
 * What a person sees, and what the file shows
 * ---------------------------------------------------------------------- */

static void
a_person_sees_only_their_own(void **state)
{
	struct fx *f = *state;
	struct audit_seen *v;
	struct refusal why;
	int64_t next;
	int n;

	assert_int_equal(audit_note(&f->cx, &f->anon, AUDIT_SIGNIN, "account", "", 41), 0);
	assert_int_equal(audit_note(&f->cx, &f->admin, AUDIT_ADMIN, "claim-verify", "t-0001", 41), 0);
	assert_int_equal(audit_note(&f->cx, &f->anon, AUDIT_SIGNIN_FAILED, "account", "", 42), 0);
	assert_int_equal(audit_note(&f->cx, &f->seeker, AUDIT_SIGNOUT, "account", "everywhere", 41), 0);
	assert_int_equal(audit_activity(&f->cx, &f->seeker, 0, &v, &n, &next, &why), 0);
	assert_int_equal(n, 3);
	assert_int_equal(next, 0);
	/* Newest first. */
	assert_string_equal(v[0].text, "Your account was signed out everywhere");
	assert_string_equal(v[1].text, "A chiron administrator verified your claim of a listing");
	assert_string_equal(v[2].text, "Your account was signed into");
	assert_int_equal(v[2].kind, AUDIT_SIGNIN);
	assert_int_equal(audit_activity(&f->cx, &f->other, 0, &v, &n, &next, &why), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].text, "Someone tried to sign in to your account with a wrong password");
	assert_int_equal(audit_activity(&f->cx, &f->anon, 0, &v, &n, &next, &why), 1);
	assert_int_equal(why.status, 401);
}

static void
pages_of_activity(void **state)
{
	struct fx *f = *state;
	struct audit_seen *v;
	struct refusal why;
	int64_t next;
	int n, i;

	for (i = 0; i < AUDIT_ACTIVITY_PAGE + 5; i++)
		assert_int_equal(audit_note(&f->cx, &f->anon, AUDIT_SIGNIN, "account", "", 41), 0);
	assert_int_equal(audit_activity(&f->cx, &f->seeker, 0, &v, &n, &next, &why), 0);
	assert_int_equal(n, AUDIT_ACTIVITY_PAGE);
	assert_int_equal(v[0].seq, AUDIT_ACTIVITY_PAGE + 5);
	assert_true(next > 0);
	assert_int_equal(audit_activity(&f->cx, &f->seeker, next, &v, &n, &next, &why), 0);
	assert_int_equal(n, 5);
	assert_int_equal(next, 0);
	assert_int_equal(v[4].seq, 1);
}

struct raw {
	int n, clear;
};

static int
look_raw(void *arg, const struct store_audit *e)
{
	struct raw *r = arg;
	size_t i;

	r->n++;
	/* No account number, address or listing id anywhere in a row's bytes. */
	for (i = 0; i + 6 <= e->detail_n; i++)
		if (memcmp(e->detail + i, "t-0001", 6) == 0)
			r->clear++;
	for (i = 0; i + 9 <= e->detail_n; i++)
		if (memcmp(e->detail + i, "192.0.2.7", 9) == 0)
			r->clear++;
	if (e->subject[0] == '4' || strstr(e->what, "41") || strstr(e->kind, "41"))
		r->clear++;
	return 0;
}

static void
rows_hold_nothing_in_clear(void **state)
{
	struct fx *f = *state;
	struct raw r = {0, 0};
	unsigned char blind41[32], blind42[32];
	struct store_audit e;
	int64_t seq;

	assert_int_equal(audit_note(&f->cx, &f->seeker, AUDIT_READ, "request", "t-0001", 42), 0);
	assert_int_equal(audit_note(&f->cx, &f->other, AUDIT_READ, "request", "t-0001", 41), 0);
	assert_int_equal(STORE_CALL(f->st, audit_scan, 0, look_raw, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.clear, 0);
	/* Subjects are blind: two people, two different 32-byte values, and
	 * the address is 16 bytes of keyed hash. */
	seal_blind(&f->cx, "audit.subject", "41", 2, blind41);
	seal_blind(&f->cx, "audit.subject", "42", 2, blind42);
	assert_memory_not_equal(blind41, blind42, 32);
	assert_int_equal(STORE_CALL(f->st, audit_head, &seq, e.hash), 0);
	assert_int_equal(seq, 2);
}

struct listed {
	int n;
	struct audit_opened last;
	char record[64], listing[72];
};

static int
list_one(void *arg, const struct audit_opened *e)
{
	struct listed *l = arg;

	l->n++;
	l->last = *e;
	snprintf(l->record, sizeof(l->record), "%s", e->record);
	snprintf(l->listing, sizeof(l->listing), "%s", e->listing);
	return 0;
}

static void
the_operator_reads_it_all(void **state)
{
	struct fx *f = *state;
	struct actor thera = f->other;
	struct listed l = {0};
	struct refusal why;
	int i;

	snprintf(thera.therapist_id, sizeof(thera.therapist_id), "t-0000001");
	thera.role = ACCT_THERAPIST;
	/* More than one batch of the store's reading. */
	for (i = 0; i < 300; i++)
		assert_int_equal(audit_note(&f->cx, &f->anon, AUDIT_SIGNIN, "account", "", 41), 0);
	assert_int_equal(audit_note(&f->cx, &thera, AUDIT_READ, "request", "17", 41), 0);
	assert_int_equal(audit_list(&f->cx, &f->admin, 0, list_one, &l, &why), 0);
	assert_int_equal(l.n, 301);
	assert_true(l.last.opened);
	assert_int_equal(l.last.seq, 301);
	assert_int_equal(l.last.actor, 42);
	assert_string_equal(l.last.role, "therapist");
	assert_string_equal(l.listing, "t-0000001");
	assert_int_equal(l.last.subject, 41);
	assert_string_equal(l.record, "17");
	assert_true(l.last.has_addr);
	l.n = 0;
	assert_int_equal(audit_list(&f->cx, &f->admin, 299, list_one, &l, &why), 0);
	assert_int_equal(l.n, 2);
	/* No one else reads the whole trail. */
	assert_int_equal(audit_list(&f->cx, &thera, 0, list_one, &l, &why), 1);
	assert_int_equal(why.status, 403);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(intact_chain_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(deleted_entry_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(edited_entry_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(checkpoints_catch_a_cut_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(without_the_key_no_rebuilt_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(appends_from_threads_make_one_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(appends_from_two_connections_make_one_chain, setup, teardown),
		cmocka_unit_test(checkpoint_line_reads_back),
		cmocka_unit_test_setup_teardown(a_person_sees_only_their_own, setup, teardown),
		cmocka_unit_test_setup_teardown(pages_of_activity, setup, teardown),
		cmocka_unit_test_setup_teardown(rows_hold_nothing_in_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(the_operator_reads_it_all, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
