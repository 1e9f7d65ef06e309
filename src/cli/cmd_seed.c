/*
 * cmd_seed.c: hidden commands for tests, through the store (store.h),
 * never the database's tables, so the suites hold for any engine.
 *
 *   chiron throttle list [--db PATH]
 *
 * One line an attempt the throttles keep: its time (UNIX) and its key.
 *
 *   chiron throttle add [--db PATH] --key KEY --at UNIX
 *
 * One attempt under KEY at that time (an old one, for the chore that
 * forgets them).
 *
 *   chiron request add [--db PATH] --seeker HANDLE --therapist ID
 *                      --message TEXT [--created-at UNIX] [--count N]
 *
 * N consultation requests (1) from the seeker, signed with the handle:
 * "TEXT 1" ... "TEXT N" made at UNIX+1 ... UNIX+N (TEXT and UNIX alone
 * when N is 1 and --count is not given).
 *
 *   chiron listing modes [--db PATH] ID
 *
 * Where each weekly window of listing ID is held, as the store keeps it
 * for the schedule (avail_modes_get): "DAY START END MODES" a line, DAY 0
 * for Monday, START and END in minutes, MODES a bit per modality (1 in
 * person, 2 telehealth). A window not listed serves every modality.
 *
 *   chiron listing modes [--db PATH] ID --set DAY:START:END:MODES...
 *
 * Replaces them (listing_save with the record as it is): the places of
 * the hours the edit page and the API would set, for a listing no one has
 * claimed.
 *
 *   chiron appointment add [--db PATH] --therapist ID --seeker HANDLE
 *                          --kind KIND --start UNIX --end UNIX --zone ZONE
 *
 * A single session booked (appt_book), whatever the listing's hours or
 * claim, as the API would have booked it: for a listing no one holds yet,
 * which no route books. Prints its id.
 *
 *   chiron busy list [--db PATH] HANDLE
 *   chiron busy clear [--db PATH] HANDLE...
 *
 * The busy times the store keeps of a user's calendar, "START END" a line
 * in UTC (YYYY-MM-DDTHH:MM:SSZ), by start; or forgets them.
 *
 *   chiron appointment list [--db PATH] --therapist ID --from UNIX --to UNIX
 *   chiron appointment list [--db PATH] --seeker HANDLE --from UNIX
 *   chiron appointment show [--db PATH] ID
 *
 * Appointments as the store keeps them (appts_of_therapist,
 * appts_of_seeker, appt_get), one a line: "ID THERAPIST SEEKER KIND START
 * END STATUS LATE SERIES ORIG_START CREATED UPDATED ZONE" (SERIES 0 when
 * single, ORIG_START 0 when never moved).
 *
 *   chiron appointment cancel [--db PATH] ID --by seeker|therapist --at UNIX
 *   chiron appointment move [--db PATH] ID --start UNIX --end UNIX --at UNIX
 *
 * appt_cancel, appt_move at that time (whatever else is booked then).
 *
 *   chiron series add [--db PATH] --therapist ID --seeker HANDLE --kind KIND
 *                     --zone ZONE --first-day DAYS --minute M --minutes N
 *                     --interval WEEKS --count C [--created-at UNIX] START...
 *
 * A series (appt_book) with its occurrences booked at the UTC STARTs given
 * (worked out by the caller from the wall time; any left out were never
 * booked). Prints the series' id, then each appointment's, a line each.
 *
 *   chiron series show [--db PATH] ID
 *
 * "ID THERAPIST SEEKER KIND ZONE FIRST_DAY MINUTE MINUTES INTERVAL COUNT STATUS".
 *
 *   chiron account show [--db PATH] HANDLE|ID
 *
 * "ID HANDLE THERAPIST EMAIL" (THERAPIST - when none).
 *
 *   chiron sessions add [--db PATH] --prefix P --count N
 *
 * N seekers P000 ... (email P000@example.org, no password that signs in),
 * each signed in: "ID TOKEN CSRF" a line, the session cookie's token and
 * its CSRF token, for two weeks (SESSION_SECONDS). Signing up hundreds of
 * accounts through the throttled form is not what such a test is about.
 *
 *   chiron profile set [--db PATH] HANDLE FIELDS
 *
 * A seeker's saved search profile (profile_put), FIELDS urlencoded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/buf.h"
#include "app/identity.h"
#include "app/profile.h"
#include "app/requests.h"
#include "app/seal.h"
#include "app/secret.h"
#include "app/services.h"
#include "app/session.h"
#include "cli/cli.h"
#include "store/store.h"

static int
usage_seed(void)
{
	fprintf(stderr, "usage: chiron throttle list [--db PATH]\n"
	                "       chiron throttle add [--db PATH] --key KEY --at UNIX\n"
	                "       chiron request add [--db PATH] --seeker HANDLE --therapist ID "
	                "--message TEXT [--created-at UNIX] [--count N]\n"
	                "       chiron listing modes [--db PATH] ID [--set DAY:START:END:MODES]...\n"
	                "       chiron appointment add [--db PATH] --therapist ID --seeker HANDLE "
	                "--kind KIND --start UNIX --end UNIX --zone ZONE\n"
	                "       chiron busy list|clear [--db PATH] HANDLE...\n"
	                "       chiron appointment list [--db PATH] --therapist ID --from UNIX --to UNIX\n"
	                "       chiron appointment show [--db PATH] ID\n"
	                "       chiron sessions add [--db PATH] --prefix P --count N\n"
	                "       chiron profile set [--db PATH] HANDLE FIELDS\n"
	                "       chiron appointment list [--db PATH] --seeker HANDLE --from UNIX\n"
	                "       chiron appointment cancel [--db PATH] ID --by WHO --at UNIX\n"
	                "       chiron appointment move [--db PATH] ID --start UNIX --end UNIX --at UNIX\n"
	                "       chiron series add [--db PATH] --therapist ID --seeker HANDLE --kind K "
	                "--zone Z --first-day D --minute M --minutes N --interval W --count C "
	                "[--created-at UNIX] START...\n"
	                "       chiron series show [--db PATH] ID\n"
	                "       chiron account show [--db PATH] HANDLE|ID\n");
	return 2;
}

static struct store *
open_db(const char *db)
{
	char err[1200];
	struct store *st = store_open(db, err, sizeof(err));

	if (!st)
		fprintf(stderr, "chiron: %s\n", err);
	return st;
}

/*
 * The store with its key file (cli_open_sealed), for the commands that
 * write or read who booked and busy times: they seal and open as the
 * services do (booking.h, "Sealed at rest"), after sealing anything an
 * older chiron left in the clear.
 */
struct sealed_db {
	struct services sv;
	struct arena a;
	struct ctx cx;
};

static struct store *
open_sealed(const char *cmd, const char *db, struct sealed_db *d)
{
	struct store *st = cli_open_sealed(cmd, db, NULL, &d->sv);
	char err[1200];
	long n;

	if (!st)
		return NULL;
	arena_init(&d->a, 4096);
	ctx_begin(&d->cx, &d->sv, &d->a);
	if (booking_seal_legacy(&d->sv, &n, err, sizeof(err))) {
		fprintf(stderr, "chiron %s: %s\n", cmd, err);
		arena_free(&d->a);
		cli_close_sealed(&d->sv);
		return NULL;
	}
	return st;
}

static void
close_sealed(struct sealed_db *d)
{
	arena_free(&d->a);
	cli_close_sealed(&d->sv);
}

static int
print_throttle(void *arg, const char *key, int64_t at)
{
	(void)arg;
	printf("%lld %s\n", (long long)at, key);
	return 0;
}

int
cmd_throttle(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *key = NULL;
	int64_t at = -1;
	struct store *st;
	char *end;
	long n;
	int i, rc, add;

	if (argc < 2 || (strcmp(argv[1], "list") != 0 && strcmp(argv[1], "add") != 0))
		return usage_seed();
	add = strcmp(argv[1], "add") == 0;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (add && strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			key = argv[++i];
		else if (add && strcmp(argv[i], "--at") == 0 && i + 1 < argc) {
			at = strtoll(argv[++i], &end, 10);
			if (*end || at < 0)
				return usage_seed();
		} else
			return usage_seed();
	}
	if (add && (!key || at < 0))
		return usage_seed();
	if (!(st = open_db(db)))
		return 1;
	rc = add ? STORE_CALL(st, throttle_hit, key, at, at, &n)
	         : STORE_CALL(st, throttle_list, print_throttle, NULL);
	if (rc)
		fprintf(stderr, "chiron throttle: %s\n", store_errmsg(st));
	store_close(st);
	return rc ? 1 : 0;
}

int
cmd_request(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *seeker = NULL, *tid = NULL, *msg = NULL;
	int64_t created = (int64_t)time(NULL);
	long count = 1, k;
	int numbered = 0, i, rc = 0, found = 0;
	struct services sv;
	struct store_user u;
	struct store *st;
	struct arena a;
	struct ctx cx;
	char *end;

	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return usage_seed();
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--seeker") == 0 && i + 1 < argc)
			seeker = argv[++i];
		else if (strcmp(argv[i], "--therapist") == 0 && i + 1 < argc)
			tid = argv[++i];
		else if (strcmp(argv[i], "--message") == 0 && i + 1 < argc)
			msg = argv[++i];
		else if (strcmp(argv[i], "--created-at") == 0 && i + 1 < argc) {
			created = strtoll(argv[++i], &end, 10);
			if (*end)
				return usage_seed();
		} else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
			count = strtol(argv[++i], &end, 10);
			if (*end || count < 1 || count > 100000)
				return usage_seed();
			numbered = 1;
		} else
			return usage_seed();
	}
	if (!seeker || !tid || !msg)
		return usage_seed();
	/* Sealed as the service seals them (app/requests.c). */
	if (!(st = cli_open_sealed("request", db, NULL, &sv)))
		return 1;
	arena_init(&a, 1 << 16);
	ctx_begin(&cx, &sv, &a);
	memset(&u, 0, sizeof(u));
	if (STORE_CALL(st, user_find, seeker, &u, &found) || !found) {
		fprintf(stderr, "chiron request: %s\n", found ? store_errmsg(st) : "no such seeker");
		arena_free(&a);
		cli_close_sealed(&sv);
		return 1;
	}
	for (k = 1; rc == 0 && k <= count; k++) {
		struct store_request rq;

		arena_reset(&a);
		memset(&rq, 0, sizeof(rq));
		rq.seeker = u.id;
		snprintf(rq.seeker_name, sizeof(rq.seeker_name), "%s", u.handle);
		snprintf(rq.therapist_id, sizeof(rq.therapist_id), "%s", tid);
		if (numbered)
			snprintf(rq.message, sizeof(rq.message), "%s %ld", msg, k);
		else
			snprintf(rq.message, sizeof(rq.message), "%s", msg);
		rq.created_at = numbered ? created + k : created;
		rc = request_put(&cx, &rq);
	}
	if (rc)
		fprintf(stderr, "chiron request: %s\n", store_errmsg(st));
	ctx_done(&cx);
	arena_free(&a);
	cli_close_sealed(&sv);
	return rc ? 1 : 0;
}

struct packed_copy {
	void *p;
	size_t n;
};

static int
copy_packed(void *arg, const char *id, const void *packed, size_t n)
{
	struct packed_copy *c = arg;

	(void)id;
	if (!(c->p = malloc(n ? n : 1)))
		return 1;
	memcpy(c->p, packed, n);
	c->n = n;
	return 0;
}

/* Replaces the places of id's windows with set (listing_save, the record unchanged). */
static int
modes_set(struct store *st, const char *id, const struct store_avail_modes *set)
{
	struct packed_copy c = {NULL, 0};
	int found = 0, rc;

	rc = STORE_CALL(st, get_therapist, id, copy_packed, &c, &found);
	if (rc == 0 && (!found || !c.p)) {
		fprintf(stderr, "chiron listing: %s\n", found ? "out of memory" : "no such therapist");
		free(c.p);
		return 1;
	}
	if (rc == 0)
		rc = STORE_CALL(st, listing_save, id, c.p, c.n, NULL, set, (int64_t)time(NULL), &found);
	if (rc)
		fprintf(stderr, "chiron listing: %s\n", store_errmsg(st));
	free(c.p);
	return rc ? 1 : 0;
}

int
cmd_listing(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *id = NULL;
	struct store_avail_modes m, set;
	int i, rc, setting = 0;
	struct store *st;

	if (argc < 2 || strcmp(argv[1], "modes") != 0)
		return usage_seed();
	for (i = 2; i < argc; i++) {
		unsigned d, a, b, k;
		char end;

		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
			if (!setting)
				memset(&set, 0, sizeof(set));
			setting = 1;
			if (set.n == STORE_AVAIL_MODES_MAX ||
			    sscanf(argv[++i], "%u:%u:%u:%u%c", &d, &a, &b, &k, &end) != 4 || d > 6 ||
			    a >= b || b > 1440 || k < 1 || k > 3)
				return usage_seed();
			set.v[set.n].day = (uint8_t)d;
			set.v[set.n].start = (uint16_t)a;
			set.v[set.n].end = (uint16_t)b;
			set.v[set.n].modes = (uint8_t)k;
			set.n++;
		} else if (!id && argv[i][0] != '-')
			id = argv[i];
		else
			return usage_seed();
	}
	if (!id)
		return usage_seed();
	if (!(st = open_db(db)))
		return 1;
	if (setting) {
		rc = modes_set(st, id, &set);
		store_close(st);
		return rc;
	}
	memset(&m, 0, sizeof(m));
	rc = STORE_CALL(st, avail_modes_get, id, &m);
	if (rc)
		fprintf(stderr, "chiron listing: %s\n", store_errmsg(st));
	for (i = 0; rc == 0 && i < m.n; i++)
		printf("%u %u %u %u\n", (unsigned)m.v[i].day, (unsigned)m.v[i].start,
		       (unsigned)m.v[i].end, (unsigned)m.v[i].modes);
	store_close(st);
	return rc ? 1 : 0;
}

static int
always_open(void *arg, const struct store_appt *a, const struct store_span *busy, int n_busy)
{
	(void)arg;
	(void)a;
	(void)busy;
	(void)n_busy;
	return 0;
}

static int
print_appt(void *arg, const struct store_appt *a)
{
	(void)arg;
	printf("%lld %s %lld %s %lld %lld %s %d %lld %lld %lld %lld %s\n", (long long)a->id,
	       a->therapist_id, (long long)a->seeker, a->kind, (long long)a->start, (long long)a->end,
	       a->status, a->late, (long long)a->series_id, (long long)a->orig_start,
	       (long long)a->created_at, (long long)a->updated_at, a->zone);
	return 0;
}

static int
appointment_read(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *tid = NULL, *seeker = NULL;
	int64_t from = -1, to = -1, id = 0;
	struct store_user u;
	int i, rc, show = strcmp(argv[1], "show") == 0, found = 0;
	struct store_appt a;
	struct sealed_db d;
	struct store *st;
	char *e;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (!show && strcmp(argv[i], "--therapist") == 0 && i + 1 < argc)
			tid = argv[++i];
		else if (!show && strcmp(argv[i], "--seeker") == 0 && i + 1 < argc)
			seeker = argv[++i];
		else if (!show && (strcmp(argv[i], "--from") == 0 || strcmp(argv[i], "--to") == 0) &&
		         i + 1 < argc) {
			int64_t *t = argv[i][2] == 'f' ? &from : &to;

			*t = strtoll(argv[++i], &e, 10);
			if (*e || *t < 0)
				return usage_seed();
		} else if (show && !id) {
			id = strtoll(argv[i], &e, 10);
			if (*e || id <= 0)
				return usage_seed();
		} else
			return usage_seed();
	}
	if (show ? !id : seeker ? (tid || from < 0) : (!tid || from < 0 || to < 0))
		return usage_seed();
	if (!(st = open_sealed("appointment", db, &d)))
		return 1;
	if (show) {
		memset(&a, 0, sizeof(a));
		rc = appt_get_sealed(&d.cx, id, &a, &found);
		if (rc == 0 && found)
			print_appt(NULL, &a);
	} else if (seeker) {
		memset(&u, 0, sizeof(u));
		rc = STORE_CALL(st, user_find, seeker, &u, &found);
		if (rc == 0 && found)
			rc = appts_of_seeker(&d.cx, u.id, from, 100000, print_appt, NULL);
		else if (rc == 0)
			fprintf(stderr, "chiron appointment: no such seeker\n");
		show = 1;       /* not found: exit 1 */
	} else
		rc = appts_of_therapist(&d.cx, tid, from, to, 100000, print_appt, NULL);
	if (rc)
		fprintf(stderr, "chiron appointment: %s\n", store_errmsg(st));
	close_sealed(&d);
	return rc ? 1 : (show && !found) ? 1 : 0;
}

/* appointment cancel|move (cmd_appointment). */
static int
appointment_change(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *by = NULL;
	int64_t id = 0, start = -1, end = -1, at = -1, *t;
	int i, rc, found = 0, move = strcmp(argv[1], "move") == 0;
	struct store_appt a;
	struct store *st;
	char *e;

	for (i = 2; i < argc; i++) {
		t = NULL;
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (!move && strcmp(argv[i], "--by") == 0 && i + 1 < argc)
			by = argv[++i];
		else if (move && strcmp(argv[i], "--start") == 0)
			t = &start;
		else if (move && strcmp(argv[i], "--end") == 0)
			t = &end;
		else if (strcmp(argv[i], "--at") == 0)
			t = &at;
		else if (!id && argv[i][0] != '-') {
			id = strtoll(argv[i], &e, 10);
			if (*e || id <= 0)
				return usage_seed();
		} else
			return usage_seed();
		if (t) {
			if (i + 1 >= argc)
				return usage_seed();
			*t = strtoll(argv[++i], &e, 10);
			if (*e || *t < 0)
				return usage_seed();
		}
	}
	if (!id || at < 0 || (move ? (start < 0 || end <= start) : !by))
		return usage_seed();
	if (!(st = open_db(db)))
		return 1;
	if (move) {
		memset(&a, 0, sizeof(a));
		rc = STORE_CALL(st, appt_get, id, &a, &found);
		if (rc == 0 && found) {
			a.start = start;
			a.end = end;
			rc = STORE_CALL(st, appt_move, &a, 0, always_open, NULL, at, &found);
		}
	} else
		rc = STORE_CALL(st, appt_cancel, id, by, 0, at, &found);
	if (rc || !found)
		fprintf(stderr, "chiron appointment: %s\n", rc ? store_errmsg(st) : "not booked");
	store_close(st);
	return rc || !found ? 1 : 0;
}

int
cmd_appointment(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *tid = NULL, *seeker = NULL, *kind = NULL, *zone = NULL;
	int64_t start = -1, end = -1, created = (int64_t)time(NULL);
	struct store_appt a;
	struct store_user u;
	int i, rc, found = 0, booked = 0;
	struct sealed_db d;
	struct store *st;
	char *e;

	if (argc >= 2 && (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "show") == 0))
		return appointment_read(argc, argv);
	if (argc >= 2 && (strcmp(argv[1], "cancel") == 0 || strcmp(argv[1], "move") == 0))
		return appointment_change(argc, argv);
	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return usage_seed();
	for (i = 2; i < argc; i++) {
		if (i + 1 >= argc)
			return usage_seed();
		if (strcmp(argv[i], "--db") == 0)
			db = argv[++i];
		else if (strcmp(argv[i], "--therapist") == 0)
			tid = argv[++i];
		else if (strcmp(argv[i], "--seeker") == 0)
			seeker = argv[++i];
		else if (strcmp(argv[i], "--kind") == 0)
			kind = argv[++i];
		else if (strcmp(argv[i], "--zone") == 0)
			zone = argv[++i];
		else if (strcmp(argv[i], "--start") == 0 || strcmp(argv[i], "--end") == 0 ||
		         strcmp(argv[i], "--created-at") == 0) {
			int64_t *t = argv[i][2] == 's' ? &start : argv[i][2] == 'e' ? &end : &created;

			*t = strtoll(argv[++i], &e, 10);
			if (*e || *t < 0)
				return usage_seed();
		} else
			return usage_seed();
	}
	if (!tid || !seeker || !kind || !zone || start < 0 || end <= start)
		return usage_seed();
	if (!(st = open_sealed("appointment", db, &d)))
		return 1;
	memset(&u, 0, sizeof(u));
	if (STORE_CALL(st, user_find, seeker, &u, &found) || !found) {
		fprintf(stderr, "chiron appointment: %s\n", found ? store_errmsg(st) : "no such seeker");
		close_sealed(&d);
		return 1;
	}
	memset(&a, 0, sizeof(a));
	snprintf(a.therapist_id, sizeof(a.therapist_id), "%s", tid);
	a.seeker = u.id;
	if (link_seal(&d.cx, "appointment", u.id, &a.link)) {
		fprintf(stderr, "chiron appointment: %s\n", store_errmsg(st));
		close_sealed(&d);
		return 1;
	}
	snprintf(a.kind, sizeof(a.kind), "%s", kind);
	snprintf(a.zone, sizeof(a.zone), "%s", zone);
	snprintf(a.status, sizeof(a.status), "booked");
	a.start = start;
	a.end = end;
	a.created_at = a.updated_at = created;
	rc = STORE_CALL(st, appt_book, NULL, &a, 1, always_open, NULL, &booked);
	if (rc || !booked)
		fprintf(stderr, "chiron appointment: %s\n", rc ? store_errmsg(st) : "not booked");
	else
		printf("%lld\n", (long long)a.id);
	close_sealed(&d);
	return rc || !booked ? 1 : 0;
}

static int
print_busy(void *arg, const struct store_busy *b)
{
	char s0[32], s1[32];
	time_t t0 = (time_t)b->start, t1 = (time_t)b->end;
	struct tm tm;

	(void)arg;
	strftime(s0, sizeof(s0), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t0, &tm));
	strftime(s1, sizeof(s1), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t1, &tm));
	printf("%s %s\n", s0, s1);
	return 0;
}

int
cmd_busy(int argc, char **argv)
{
	const char *db = DEFAULT_DB;
	int i, rc = 0, found, list, n = 0;
	struct store_user u;
	struct sealed_db d;
	struct store *st;

	if (argc < 2 || (strcmp(argv[1], "list") != 0 && strcmp(argv[1], "clear") != 0))
		return usage_seed();
	list = strcmp(argv[1], "list") == 0;
	for (i = 2; i < argc; i++)
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (argv[i][0] == '-')
			return usage_seed();
		else
			n++;
	if (n == 0 || (list && n != 1))
		return usage_seed();
	if (!(st = open_sealed("busy", db, &d)))
		return 1;
	for (i = 2; rc == 0 && i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0) {
			i++;
			continue;
		}
		memset(&u, 0, sizeof(u));
		found = 0;
		rc = STORE_CALL(st, user_find, argv[i], &u, &found);
		if (rc == 0 && !found) {
			fprintf(stderr, "chiron busy: no such user: %s\n", argv[i]);
			rc = 1;
			break;
		}
		if (rc == 0 && list) {
			struct store_busy *v;
			int k, nv;

			rc = calendar_busy_get(&d.cx, u.id, &v, &nv);
			for (k = 0; rc == 0 && k < nv; k++)
				print_busy(NULL, &v[k]);
		} else if (rc == 0)
			rc = calendar_busy_put(&d.cx, u.id, NULL, 0);
		if (rc)
			fprintf(stderr, "chiron busy: %s\n", store_errmsg(st));
	}
	close_sealed(&d);
	return rc ? 1 : 0;
}

int
cmd_sessions(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *prefix = NULL;
	long count = 0, k;
	int i, rc = 0;
	struct services sv;
	struct store *st;
	struct ctx cx;
	char *e;

	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return usage_seed();
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--prefix") == 0 && i + 1 < argc)
			prefix = argv[++i];
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
			count = strtol(argv[++i], &e, 10);
			if (*e || count < 1 || count > 1000)
				return usage_seed();
		} else
			return usage_seed();
	}
	if (!prefix || !count || strlen(prefix) > 40)
		return usage_seed();
	if (sodium_init() < 0) {
		fprintf(stderr, "chiron sessions: libsodium could not start\n");
		return 1;
	}
	if (!(st = cli_open_sealed("sessions", db, NULL, &sv)))
		return 1;
	ctx_begin(&cx, &sv, NULL);
	for (k = 0; rc == 0 && k < count; k++) {
		unsigned char raw[32], craw[32], hash[32];
		char tok[48], csrf[48];
		struct store_user u;

		memset(&u, 0, sizeof(u));
		snprintf(u.handle, sizeof(u.handle), "%s%03ld", prefix, k);
		snprintf(u.email, sizeof(u.email), "%s%03ld@example.org", prefix, k);
		snprintf(u.pw_hash, sizeof(u.pw_hash), "x");   /* no password signs in */
		snprintf(u.role, sizeof(u.role), "seeker");
		rc = account_add(&cx, &u);
		if (rc == 0 && (token_random(tok, raw) || token_random(csrf, craw)))
			rc = -1;
		if (rc == 0) {
			token_hash(raw, hash);
			rc = STORE_CALL(st, session_begin, hash, u.id, csrf, SESSION_FULL,
			                (int64_t)time(NULL), (int64_t)time(NULL) + SESSION_MAX);
		}
		if (rc == 0)
			printf("%lld %s %s\n", (long long)u.id, tok, csrf);
	}
	if (rc)
		fprintf(stderr, "chiron sessions: %s\n", store_errmsg(st));
	cli_close_sealed(&sv);
	return rc ? 1 : 0;
}

int
cmd_profile(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *handle = NULL, *fields = NULL;
	struct services sv;
	struct store_user u;
	int i, rc, found = 0;
	struct store *st;
	struct ctx cx;

	if (argc < 2 || strcmp(argv[1], "set") != 0)
		return usage_seed();
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (!handle)
			handle = argv[i];
		else if (!fields)
			fields = argv[i];
		else
			return usage_seed();
	}
	if (!handle || !fields)
		return usage_seed();
	if (!(st = cli_open_sealed("profile", db, NULL, &sv)))
		return 1;
	ctx_begin(&cx, &sv, NULL);
	memset(&u, 0, sizeof(u));
	rc = STORE_CALL(st, user_find, handle, &u, &found);
	if (rc == 0 && found) {
		/* Sealed as the service seals it (app/profile.c). */
		struct buf sealed = BUF_INIT;

		rc = profile_seal(&cx, u.id, fields, &sealed) ||
		     STORE_CALL(st, profile_put, u.id, sealed.p, sealed.len, 0) ? -1 : 0;
		buf_free(&sealed);
	}
	if (rc || !found)
		fprintf(stderr, "chiron profile: %s\n", rc ? store_errmsg(st) : "no such user");
	cli_close_sealed(&sv);
	return rc || !found ? 1 : 0;
}

/* A user by handle, email or id. */
static int
find_user(struct store *st, const char *who, struct store_user *u, int *found)
{
	char *e;
	long long id = strtoll(who, &e, 10);

	memset(u, 0, sizeof(*u));
	*found = 0;
	if (*who && !*e && id > 0)
		return STORE_CALL(st, user_get, (int64_t)id, u, found);
	return STORE_CALL(st, user_find, who, u, found);
}

#define SEED_SERIES_MAX 64

int
cmd_series(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *tid = NULL, *seeker = NULL, *kind = NULL, *zone = NULL;
	long long num[6] = {-1, -1, -1, -1, -1, -1};  /* first-day minute minutes interval count created */
	static const char *const nums[6] = {"--first-day", "--minute", "--minutes", "--interval",
	                                    "--count", "--created-at"};
	struct store_appt occ[SEED_SERIES_MAX];
	int booked[SEED_SERIES_MAX], n = 0, i, j, rc, found = 0, show;
	struct store_series sr;
	struct store_user u;
	long long id = 0;
	struct sealed_db d;
	struct store *st;
	char *e;

	if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "show") != 0))
		return usage_seed();
	show = strcmp(argv[1], "show") == 0;
	for (i = 2; i < argc; i++) {
		for (j = 0; j < 6 && strcmp(argv[i], nums[j]) != 0; j++)
			;
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (!show && j < 6 && i + 1 < argc) {
			num[j] = strtoll(argv[++i], &e, 10);
			if (*e || num[j] < 0)
				return usage_seed();
		} else if (!show && i + 1 < argc && strcmp(argv[i], "--therapist") == 0)
			tid = argv[++i];
		else if (!show && i + 1 < argc && strcmp(argv[i], "--seeker") == 0)
			seeker = argv[++i];
		else if (!show && i + 1 < argc && strcmp(argv[i], "--kind") == 0)
			kind = argv[++i];
		else if (!show && i + 1 < argc && strcmp(argv[i], "--zone") == 0)
			zone = argv[++i];
		else if (argv[i][0] != '-' && (show ? !id : n < SEED_SERIES_MAX)) {
			long long v = strtoll(argv[i], &e, 10);

			if (*e || v <= 0)
				return usage_seed();
			if (show)
				id = v;
			else {
				memset(&occ[n], 0, sizeof(occ[n]));
				occ[n++].start = v;
			}
		} else
			return usage_seed();
	}
	if (show ? !id : (!tid || !seeker || !kind || !zone || !n || num[0] < 0 || num[1] < 0 ||
	                  num[2] <= 0 || num[3] <= 0 || num[4] < n))
		return usage_seed();
	if (num[5] < 0)
		num[5] = (long long)time(NULL);
	if (!(st = open_sealed("series", db, &d)))
		return 1;
	memset(&sr, 0, sizeof(sr));
	if (show) {
		rc = series_get_sealed(&d.cx, (int64_t)id, &sr, &found);
		if (rc == 0 && found)
			printf("%lld %s %lld %s %s %lld %d %d %d %d %s\n", (long long)sr.id,
			       sr.therapist_id, (long long)sr.seeker, sr.kind, sr.zone,
			       (long long)sr.first_day, sr.minute, sr.minutes, sr.interval_weeks, sr.count,
			       sr.status);
		goto out;
	}
	rc = find_user(st, seeker, &u, &found);
	if (rc || !found)
		goto out;
	snprintf(sr.therapist_id, sizeof(sr.therapist_id), "%s", tid);
	sr.seeker = u.id;
	if ((rc = link_seal(&d.cx, "series", u.id, &sr.link)) != 0)
		goto out;
	snprintf(sr.kind, sizeof(sr.kind), "%s", kind);
	snprintf(sr.zone, sizeof(sr.zone), "%s", zone);
	sr.first_day = num[0];
	sr.minute = (int)num[1];
	sr.minutes = (int)num[2];
	sr.interval_weeks = (int)num[3];
	sr.count = (int)num[4];
	snprintf(sr.status, sizeof(sr.status), "active");
	snprintf(sr.created_by, sizeof(sr.created_by), "seeker");
	sr.created_at = num[5];
	for (i = 0; i < n; i++) {
		snprintf(occ[i].therapist_id, sizeof(occ[i].therapist_id), "%s", tid);
		occ[i].seeker = u.id;
		if ((rc = link_seal(&d.cx, "appointment", u.id, &occ[i].link)) != 0)
			goto out;
		snprintf(occ[i].kind, sizeof(occ[i].kind), "%s", kind);
		snprintf(occ[i].zone, sizeof(occ[i].zone), "%s", zone);
		snprintf(occ[i].status, sizeof(occ[i].status), "booked");
		occ[i].end = occ[i].start + 60 * (int64_t)sr.minutes;
		occ[i].created_at = occ[i].updated_at = num[5];
	}
	rc = STORE_CALL(st, appt_book, &sr, occ, n, always_open, NULL, booked);
	for (i = 0; rc == 0 && i < n; i++)
		if (!booked[i])
			rc = 1;
	if (rc == 0) {
		printf("%lld\n", (long long)sr.id);
		for (i = 0; i < n; i++)
			printf("%lld\n", (long long)occ[i].id);
	}
out:
	if (rc || !found)
		fprintf(stderr, "chiron series: %s\n", rc < 0 ? store_errmsg(st) : rc ? "not booked" :
		        show ? "no such series" : "no such seeker");
	close_sealed(&d);
	return rc || !found ? 1 : 0;
}

int
cmd_account(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *who = NULL;
	struct services sv;
	struct store_user u;
	int i, rc, found = 0;
	struct store *st;
	struct ctx cx;

	if (argc < 2 || strcmp(argv[1], "show") != 0)
		return usage_seed();
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (!who)
			who = argv[i];
		else
			return usage_seed();
	}
	if (!who)
		return usage_seed();
	if (!(st = cli_open_sealed("account", db, NULL, &sv)))
		return 1;
	ctx_begin(&cx, &sv, NULL);
	rc = find_user(st, who, &u, &found);
	if (rc == 0 && !found && strchr(who, '@'))
		rc = account_find_email(&cx, who, &u, &found);
	/* The email opened (app/identity.c): it is sealed. */
	if (rc == 0 && found)
		rc = account_email(&cx, &u, u.email, sizeof(u.email));
	if (rc == 0 && found)
		printf("%lld %s %s %s\n", (long long)u.id, u.handle,
		       u.therapist_id[0] ? u.therapist_id : "-", u.email);
	else
		fprintf(stderr, "chiron account: %s\n", rc ? store_errmsg(st) : "no such user");
	cli_close_sealed(&sv);
	return rc || !found ? 1 : 0;
}
