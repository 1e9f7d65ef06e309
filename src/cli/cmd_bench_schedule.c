/*
 * cmd_bench_schedule.c: `chiron bench-schedule`: what finding and booking
 * therapy hours costs, on a fresh temporary SQLite store opened the way
 * production opens one (store_open: WAL, synchronous=STORE_SQLITE_SYNC, FULL).
 *
 *   chiron bench-schedule [--quick] [--dir DIR] [--searches N] [--bookings N]
 *                         [--race N] [--background N] [--sync normal|full|both]
 *                         [--json] [--broken-check]
 *
 * `make bench` runs it as its step 5 (`bench/run --schedule-only` runs it
 * alone); docs/performance.md keeps the figures. Figures are printed as
 * they come; --json adds a last line of JSON for bench/run. Exits 0, 1
 * when anything failed (a double booking above all), 2 on bad usage.
 *
 * Design notes.
 *
 * 1. The week. A therapist in America/New_York keeps 25 weekly windows
 *    over Monday to Saturday (67 hours: a busy practice's availability),
 *    has 10 dated closures in the horizon (afternoons, single days, a
 *    3-day conference, a week's vacation: 16 days touched), and offers
 *    app/booking.c's default individual session, 50 minutes every 60.
 *    The horizon is 12 weeks from local midnight of a Monday chosen so
 *    that the zone's next daylight saving change falls inside it: the
 *    transition week is cut on real dates like every other.
 *
 * 2. Slot search. With 0, 100 and 1,000 bookings of that therapist in
 *    the horizon, all open slots of the 12 weeks are computed many
 *    times: by the core alone (sched_slots, the bookings in memory),
 *    then as the web's slot search does it (app/booking.c's open_slots:
 *    appts_of_therapist reads the bookings, the booked ones become busy
 *    ranges, sched_slots cuts). Both must find the same slots. Bookings
 *    are placed at random among the open times, half 50-minute sessions
 *    and half 15-minute consultations, each through appt_book: a
 *    calendar the product could hold. 1,000 in 12 weeks is beyond any
 *    caseload, a stress level: no 50-minute slot is left, and the search
 *    still tries every candidate. The table also holds --background
 *    appointments of other therapists, since a store serves more than one.
 *
 * 3. Booking throughput. 100 therapists in four US zones keep that week.
 *    Distinct open slots are booked one at a time through appt_book with
 *    the check app/booking.c's slot_still_open makes inside the
 *    transaction (sched_slot_open on the booked spans the store passes):
 *    one thread, then two threads on one shared connection (as `chiron
 *    serve` shares one), with synchronous=NORMAL and FULL (set by
 *    store_sqlite_durability); the one production uses (STORE_SQLITE_SYNC)
 *    is marked so.
 *    Each run has a fresh store; every booking must succeed.
 *
 * 4. Contention. Two threads go through the same slots in the same
 *    order, each as its own seeker, meeting at a barrier before each
 *    slot, so that every slot is a race. Each slot must end with exactly
 *    one booking, counted from the calls' answers and again from the
 *    store; anything else fails the command. Run on one shared
 *    connection (the store's lock decides) and on two connections to one
 *    file (SQLite's BEGIN IMMEDIATE decides). --broken-check makes the
 *    check accept every slot, so the tests see the count catch a double
 *    booking.
 *
 * 5. Sealing (issue 11). Every booking seals its seeker as the booking
 *    service does (link_seal: the seeker's data key looked up, a row key
 *    drawn, the account id sealed), each store with its own key file in
 *    the directory; the slot search reads times only and opens nothing,
 *    as open_slots does.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "app/seal.h"
#include "app/services.h"
#include "cli/cli.h"
#include "cli/progress.h"
#include "core/buf.h"
#include "core/schedule.h"
#include "core/tz.h"
#include "core/vec.h"
#include "store/store.h"

#define DAY 86400
#define WEEKS 12
#define BENCH_SLOTS_MAX 8192
#define THERAPISTS 100

/* ----------------------------------------------------------------------
 * The week, the closures, the therapists
 * ---------------------------------------------------------------------- */

#define W(d, h1, m1, h2, m2) {d, (h1) * 60 + (m1), (h2) * 60 + (m2)}
#define WEEKDAY(d) W(d, 7, 0, 9, 0), W(d, 9, 0, 12, 0), W(d, 13, 0, 15, 0), \
                   W(d, 15, 0, 18, 0), W(d, 18, 30, 21, 30)
static const struct window week[] = {
	WEEKDAY(0), WEEKDAY(1), WEEKDAY(2), WEEKDAY(3),
	W(4, 8, 0, 12, 0), W(4, 13, 0, 16, 0), W(4, 16, 0, 18, 0),
	W(5, 9, 0, 12, 0), W(5, 13, 0, 16, 0),
};
#define N_WEEK (int)(sizeof(week) / sizeof(week[0]))

/* Days after the first Monday, how many days, minutes of each. */
static const struct {
	int day, days, start, end;
} closures[] = {
	{3, 1, 13 * 60, 1440},          /* Thursday afternoon */
	{11, 1, 0, 1440},               /* a Friday */
	{15, 3, 0, 1440},               /* a conference, Monday to Wednesday */
	{22, 1, 7 * 60, 12 * 60},       /* a Tuesday morning */
	{29, 1, 0, 1440},
	{35, 5, 0, 1440},               /* a week's vacation */
	{47, 1, 0, 1440},               /* a Saturday */
	{53, 1, 8 * 60, 12 * 60},       /* a Friday morning */
	{58, 1, 18 * 60, 1440},         /* a Wednesday evening */
	{73, 1, 0, 1440},
};
#define N_CLOSURES (int)(sizeof(closures) / sizeof(closures[0]))

static const char *const zones[] = {
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
};

struct ther {
	char id[72];
	const struct tz_zone *tz;
	struct sched_closed closed[32];         /* the closures on local days */
	int n_closed;
	int64_t from, to;                       /* the horizon in UTC */
	struct sched_slot *slots;               /* open on an empty calendar */
	int n_slots;
};

struct kind {
	const char *name;
	int minutes, step;
};

static const struct kind individual = {"individual", 50, 60};
static const struct kind consultation = {"consultation", 15, 15};

/* The core's inputs for t and kind k over the horizon, nothing booked. */
static void
ther_params(const struct ther *t, const struct kind *k, struct sched_params *p)
{
	memset(p, 0, sizeof(*p));
	p->zone = t->tz;
	p->weekly = week;
	p->n_weekly = N_WEEK;
	p->closed = t->closed;
	p->n_closed = t->n_closed;
	p->length = k->minutes;
	p->step = k->step;
	p->capacity = 1;
	p->from = t->from;
	p->to = t->to;
}

/* Sets up t in zone z for the 12 weeks from local day first_day. */
static int
ther_init(struct ther *t, const char *id, const struct tz_zone *z, int64_t first_day)
{
	struct sched_params p;
	int i, d;

	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "%s", id);
	t->tz = z;
	t->from = tz_local_to_utc(z, first_day * DAY);
	t->to = tz_local_to_utc(z, (first_day + 7 * WEEKS) * DAY);
	for (i = 0; i < N_CLOSURES; i++)
		for (d = 0; d < closures[i].days; d++)
			t->closed[t->n_closed++] = (struct sched_closed){
				first_day + closures[i].day + d, (uint16_t)closures[i].start,
				(uint16_t)closures[i].end};
	t->slots = malloc(BENCH_SLOTS_MAX * sizeof(*t->slots));
	if (!t->slots)
		return -1;
	ther_params(t, &individual, &p);
	t->n_slots = sched_slots(&p, t->slots, BENCH_SLOTS_MAX);
	return t->n_slots > 0 ? 0 : -1;
}

/* The local day (days since 1970-01-01) of UTC instant t in z. */
static int64_t
day_in(const struct tz_zone *z, int64_t t)
{
	int64_t l = t + tz_offset_at(z, t);

	return l / DAY - (l % DAY < 0);
}

/*
 * The first Monday of the horizon in z, so that the zone's first UTC
 * offset change more than a week after now falls inside the 12 weeks
 * (*change: its local day). The Monday is the later of next Monday and
 * the Monday six weeks before the change: the change is 0 to 7 weeks in.
 */
static int
horizon_start(const struct tz_zone *z, int64_t now, int64_t *first_day, int64_t *change)
{
	int64_t t = now + 8 * DAY, today = day_in(z, now), next_monday, early;
	int off = tz_offset_at(z, t), i;

	int64_t lo, hi;

	for (i = 0; i < 400 && tz_offset_at(z, t) == off; i++)
		t += DAY;
	if (i == 400)
		return -1;                      /* a zone without daylight saving */
	/* The change is in (t - DAY, t]: find its second. */
	for (lo = t - DAY, hi = t; hi - lo > 1;) {
		int64_t mid = lo + (hi - lo) / 2;

		if (tz_offset_at(z, mid) == off)
			lo = mid;
		else
			hi = mid;
	}
	*change = day_in(z, hi);
	next_monday = today + 7 - tz_weekday(today);
	early = *change - 42 - tz_weekday(*change - 42);
	*first_day = early > next_monday ? early : next_monday;
	return 0;
}

static void
date_text(char out[24], int64_t day)
{
	static const char *const wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	unsigned m, d;
	int y;

	tz_civil_from_days(day, &y, &m, &d);
	snprintf(out, 24, "%s %04d-%02u-%02u", wd[tz_weekday(day)], y, m, d);
}

/* ----------------------------------------------------------------------
 * The booking check (app/booking.c's slot_still_open) and one booking
 * ---------------------------------------------------------------------- */

struct check {
	const struct ther *t;
	const struct kind *k;
	bool broken;                            /* --broken-check: accept anything */
};

/* The store's question inside the transaction: 0 when a is still open. */
static int
slot_check(void *arg, const struct store_appt *a, const struct store_span *busy, int n_busy)
{
	const struct check *c = arg;
	struct sched_busy stack[256], *b = stack;
	struct sched_params p;
	int i, taken;

	if (c->broken)
		return 0;
	if (n_busy > 256 && !(b = malloc((size_t)n_busy * sizeof(*b))))
		return -1;
	for (i = 0; i < n_busy; i++)
		b[i] = (struct sched_busy){busy[i].start, busy[i].end, busy[i].seats, 0};
	ther_params(c->t, c->k, &p);
	p.busy = b;
	p.n_busy = n_busy;
	taken = !sched_slot_open(&p, a->start, a->end);
	if (b != stack)
		free(b);
	return taken;
}

/* Books kind k of t at start for seeker, sealed as cx seals: 0, STORE_TAKEN, or -1. */
static int
book_one(struct ctx *cx, struct store *st, const struct ther *t, const struct kind *k,
         int64_t seeker, int64_t start, bool broken)
{
	struct check c = {t, k, broken};
	struct store_appt a;
	int booked = 0, rc;

	memset(&a, 0, sizeof(a));
	snprintf(a.therapist_id, sizeof(a.therapist_id), "%s", t->id);
	a.seeker = seeker;
	if (link_seal(cx, "appointment", seeker, &a.link))
		return -1;
	snprintf(a.kind, sizeof(a.kind), "%s", k->name);
	a.start = start;
	a.end = start + (int64_t)k->minutes * 60;
	snprintf(a.zone, sizeof(a.zone), "%s", tz_name(t->tz));
	rc = STORE_CALL(st, appt_book, NULL, &a, 1, slot_check, &c, &booked);
	if (rc == 0 && !booked)
		rc = -1;
	return rc == 0 || rc == STORE_TAKEN ? rc : -1;
}

/* ----------------------------------------------------------------------
 * Stores in the temporary directory
 * ---------------------------------------------------------------------- */

struct bench {
	char dir[4096];
	int searches, store_searches, bookings, race, background;
	bool normal, full, json, broken;
	int64_t first_day, change;
	struct ther *ther;                      /* THERAPISTS of them */
	struct buf out;                         /* the JSON figures */
};

static void
db_path(const struct bench *b, const char *name, const char *ext, char *out, size_t n)
{
	snprintf(out, n, "%s/%s.db%s", b->dir, name, ext);
}

/* A store's sealing: its key file's keys, a context per thread. */
struct sealing {
	struct services sv;
	struct arena a[2];
	struct ctx cx[2];
	bool started;
};

/* Closes st and forgets sg's keys. */
static void
close_store(struct sealing *sg, struct store *st)
{
	if (sg->started) {
		sealer_stop(&sg->sv);
		arena_free(&sg->a[0]);
		arena_free(&sg->a[1]);
		sg->started = false;
	}
	store_close(st);
}

/* A fresh store named name (any old one removed, its key file too), with
 * n seekers, sealing started in sg. */
static struct store *
fresh_store(const struct bench *b, const char *name, int64_t *seekers, int n, struct sealing *sg)
{
	static const char *const ext[] = {"", "-wal", "-shm", ".key"};
	char path[4200], err[600];
	struct store *st;
	int i, made;

	sg->started = false;
	for (i = 0; i < 4; i++) {
		db_path(b, name, ext[i], path, sizeof(path));
		unlink(path);
	}
	db_path(b, name, "", path, sizeof(path));
	if (!(st = store_open(path, err, sizeof(err)))) {
		fprintf(stderr, "chiron bench-schedule: %s\n", err);
		return NULL;
	}
	services_init(&sg->sv, st, NULL);
	db_path(b, name, ".key", path, sizeof(path));
	if (sealer_start(&sg->sv, path, &made, err, sizeof(err))) {
		fprintf(stderr, "chiron bench-schedule: %s\n", err);
		store_close(st);
		return NULL;
	}
	for (i = 0; i < 2; i++) {
		arena_init(&sg->a[i], 4096);
		ctx_begin(&sg->cx[i], &sg->sv, &sg->a[i]);
	}
	sg->started = true;
	for (i = 0; i < n; i++) {
		struct store_user u;

		memset(&u, 0, sizeof(u));
		snprintf(u.handle, sizeof(u.handle), "bench-seeker-%d", i);
		snprintf(u.email, sizeof(u.email), "bench-seeker-%d@bench.invalid", i);
		snprintf(u.pw_hash, sizeof(u.pw_hash), "-");
		snprintf(u.role, sizeof(u.role), "seeker");
		if (STORE_CALL(st, user_create, &u)) {
			fprintf(stderr, "chiron bench-schedule: %s\n", store_errmsg(st));
			close_store(sg, st);
			return NULL;
		}
		seekers[i] = u.id;
	}
	return st;
}

static void
drop_store(const struct bench *b, const char *name)
{
	static const char *const ext[] = {"", "-wal", "-shm", ".key"};
	char path[4200];
	int i;

	for (i = 0; i < 4; i++) {
		db_path(b, name, ext[i], path, sizeof(path));
		unlink(path);
	}
}

/* The file system of dir, by name when it is a common one. */
static const char *
fs_name(const char *dir)
{
	struct statfs f;

	if (statfs(dir, &f) != 0)
		return "unknown file system";
	switch ((unsigned long)f.f_type) {
	case 0xEF53: return "ext4";
	case 0x01021994: return "tmpfs: fsync costs nothing here, FULL and NORMAL look alike";
	case 0x58465342: return "xfs";
	case 0x9123683EUL: return "btrfs";
	case 0x794C7630: return "overlayfs";
	default: return "another file system";
	}
}

/* ----------------------------------------------------------------------
 * Timing
 * ---------------------------------------------------------------------- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct lat {
	double p50, p99, mean;                  /* microseconds */
};

/* Sorts v (n seconds) and gives its median, 99th percentile and mean. */
static struct lat
lat_of(double *v, int n)
{
	struct lat l = {0, 0, 0};
	int i, k = (int)(0.99 * n);

	if (n == 0)
		return l;
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	for (i = 0; i < n; i++)
		l.mean += v[i];
	l.mean = l.mean / n * 1e6;
	l.p50 = v[n / 2] * 1e6;
	l.p99 = v[k < n ? k : n - 1] * 1e6;
	return l;
}

/* ----------------------------------------------------------------------
 * 2. Slot search
 * ---------------------------------------------------------------------- */

struct busy_acc {
	struct sched_busy *v;
	int n, err;
	size_t cap;
};

/* Room for one more range in x; -1 (and x->err) when out of memory. */
static int
busy_room(struct busy_acc *x)
{
	if (x->n == INT_MAX || vec_grow(&x->v, &x->cap, (size_t)x->n + 1, sizeof(*x->v))) {
		x->err = 1;
		return -1;
	}
	return 0;
}

/* app/booking.c's busy_one: the booked appointments as busy ranges. */
static int
busy_one(void *arg, const struct store_appt *ap)
{
	struct busy_acc *x = arg;

	if (strcmp(ap->status, "booked") != 0)
		return 0;
	if (busy_room(x))
		return 1;
	x->v[x->n++] = (struct sched_busy){ap->start, ap->end, 1, 0};
	return 0;
}

static uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/*
 * Books n appointments of t at random open times (a 50-minute session or
 * a 15-minute consultation, even odds; the other kind when one has no
 * room left), each through appt_book.
 */
static int
fill_calendar(struct ctx *cx, struct store *st, const struct ther *t, int64_t seeker, int n,
              uint64_t seed, struct sched_slot *scratch)
{
	struct busy_acc busy = {NULL, 0, 0, 0};
	int i, rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		const struct kind *k = rng_next(&seed) & 1 ? &individual : &consultation;
		struct sched_params p;
		int m, pick, j;

		ther_params(t, k, &p);
		p.busy = busy.v;
		p.n_busy = busy.n;
		if ((m = sched_slots(&p, scratch, BENCH_SLOTS_MAX)) == 0) {
			k = k == &individual ? &consultation : &individual;
			ther_params(t, k, &p);
			p.busy = busy.v;
			p.n_busy = busy.n;
			m = sched_slots(&p, scratch, BENCH_SLOTS_MAX);
		}
		if (m <= 0) {
			fprintf(stderr, "chiron bench-schedule: the week of %s is full after %d bookings\n",
			        t->id, i);
			rc = -1;
			break;
		}
		pick = (int)(rng_next(&seed) % (uint64_t)m);
		if (book_one(cx, st, t, k, seeker, scratch[pick].start, false) != 0) {
			fprintf(stderr, "chiron bench-schedule: setting up %s: an open slot was refused: %s\n",
			        t->id, store_errmsg(st));
			rc = -1;
			break;
		}
		/* Keep busy sorted by start, as sched_slots wants it. */
		if (busy_room(&busy)) {
			rc = -1;
			break;
		}
		for (j = busy.n; j > 0 && busy.v[j - 1].start > scratch[pick].start; j--)
			busy.v[j] = busy.v[j - 1];
		busy.v[j] = (struct sched_busy){scratch[pick].start, scratch[pick].end, 1, 0};
		busy.n++;
	}
	free(busy.v);
	return rc;
}

struct search_fig {
	int bookings, slots;
	struct lat core, store;
};

/* One level of bookings: its calendar, then both kinds of search. */
static int
search_level(struct bench *b, struct ctx *cx, struct store *st, int64_t seeker, int n_booked,
             struct sched_slot *out, struct search_fig *f)
{
	const struct tz_zone *ny = tz_get("America/New_York");
	struct busy_acc busy = {NULL, 0, 0, 0};
	struct sched_params p;
	struct ther t;
	char id[32];
	double *v = NULL;
	int i, n = -1, rc = -1, reps = b->searches > b->store_searches ? b->searches : b->store_searches;

	snprintf(id, sizeof(id), "bench-search-%d", n_booked);
	if (ther_init(&t, id, ny, b->first_day) ||
	    fill_calendar(cx, st, &t, seeker, n_booked, 0x5eed0000u + (uint64_t)n_booked, out) ||
	    !(v = malloc((size_t)(reps ? reps : 1) * sizeof(*v))))
		goto out;
	/* The bookings read once, for the core alone. */
	if (STORE_CALL(st, appts_of_therapist, t.id, t.from - DAY, t.to + DAY, 0, busy_one, &busy) ||
	    busy.err || busy.n != n_booked) {
		fprintf(stderr, "chiron bench-schedule: %s holds %d bookings, not %d: %s\n", t.id,
		        busy.n, n_booked, store_errmsg(st));
		goto out;
	}
	ther_params(&t, &individual, &p);
	p.busy = busy.v;
	p.n_busy = busy.n;
	n = sched_slots(&p, out, BENCH_SLOTS_MAX);    /* warms the zone's years */
	for (i = 0; i < b->searches; i++) {
		double t0 = now_seconds();
		int m = sched_slots(&p, out, BENCH_SLOTS_MAX);

		v[i] = now_seconds() - t0;
		if (m != n)
			goto out;
	}
	f->core = lat_of(v, b->searches);
	/* As the web does it: read the bookings, then cut the slots. */
	for (i = 0; i < b->store_searches; i++) {
		double t0 = now_seconds();
		int m;

		busy.n = 0;
		if (STORE_CALL(st, appts_of_therapist, t.id, t.from - DAY, t.to + DAY, 0, busy_one,
		               &busy) || busy.err)
			goto out;
		ther_params(&t, &individual, &p);
		p.busy = busy.v;
		p.n_busy = busy.n;
		m = sched_slots(&p, out, BENCH_SLOTS_MAX);
		v[i] = now_seconds() - t0;
		if (m != n) {
			fprintf(stderr, "chiron bench-schedule: %s: %d slots through the store, %d in memory\n",
			        t.id, m, n);
			goto out;
		}
	}
	f->store = lat_of(v, b->store_searches);
	f->bookings = n_booked;
	f->slots = n;
	rc = 0;
out:
	free(v);
	free(busy.v);
	free(t.slots);
	return rc;
}

/* Appointments of other therapists, so the table is not one calendar. */
static int
background(struct bench *b, struct ctx *cx, struct store *st, int64_t seeker)
{
	int i;

	for (i = 0; i < b->background; i++) {
		const struct ther *t = &b->ther[i % THERAPISTS];
		int k = i / THERAPISTS;

		if (k >= t->n_slots || book_one(cx, st, t, &individual, seeker, t->slots[k].start, false)) {
			fprintf(stderr, "chiron bench-schedule: background booking %d failed: %s\n", i,
			        k >= t->n_slots ? "no slot left" : store_errmsg(st));
			return -1;
		}
	}
	return 0;
}

static int
bench_search(struct bench *b)
{
	static const int levels[] = {0, 100, 1000};
	struct sched_slot *out = malloc(BENCH_SLOTS_MAX * sizeof(*out));
	char journal[32], sync[32];
	struct store *st = NULL;
	struct sealing sg = {.started = false};
	int64_t seeker;
	int i, rc = -1;

	if (!out || !(st = fresh_store(b, "search", &seeker, 1, &sg)) ||
	    store_sqlite_durability(st, NULL, journal, sync, sizeof(journal)))
		goto out;
	printf("slot search: one therapist in America/New_York, %d weekly windows over Mon-Sat, "
	       "%d closures, individual 50 min every 60, all open slots of %d weeks; "
	       "store %s + synchronous=%s, %d appointments of %d other therapists in the table\n",
	       N_WEEK, N_CLOSURES, WEEKS, journal, sync, b->background, THERAPISTS);
	if (background(b, &sg.cx[0], st, seeker))
		goto out;
	buf_adds(&b->out, "\"search\":[");
	for (i = 0; i < 3; i++) {
		struct search_fig f;

		memset(&f, 0, sizeof(f));
		if (search_level(b, &sg.cx[0], st, seeker, levels[i], out, &f)) {
			fprintf(stderr, "chiron bench-schedule: slot search with %d bookings failed\n",
			        levels[i]);
			goto out;
		}
		printf("  %4d bookings: %d slots; core (sched_slots) p50 %.1f us, p99 %.1f us, mean %.1f us "
		       "over %d; through the store (appts_of_therapist + sched_slots) p50 %.1f us, "
		       "p99 %.1f us, mean %.1f us over %d\n",
		       f.bookings, f.slots, f.core.p50, f.core.p99, f.core.mean, b->searches, f.store.p50,
		       f.store.p99, f.store.mean, b->store_searches);
		fflush(stdout);
		buf_printf(&b->out, "%s{\"bookings\":%d,\"slots\":%d,\"core_p50_us\":%.2f,"
		           "\"core_p99_us\":%.2f,\"core_mean_us\":%.2f,\"store_p50_us\":%.2f,"
		           "\"store_p99_us\":%.2f,\"store_mean_us\":%.2f}", i ? "," : "", f.bookings,
		           f.slots, f.core.p50, f.core.p99, f.core.mean, f.store.p50, f.store.p99,
		           f.store.mean);
	}
	buf_printf(&b->out, "],\"search_background\":%d,", b->background);
	rc = 0;
out:
	close_store(&sg, st);
	drop_store(b, "search");
	free(out);
	return rc;
}

/* ----------------------------------------------------------------------
 * 3 and 4. Threads booking
 * ---------------------------------------------------------------------- */

struct job {
	const struct ther *t;
	int64_t start;
};

/* Holds the workers until all are made, so they start together. */
struct gate {
	pthread_mutex_t m;
	pthread_cond_t c;
	int open, abort;
};

struct worker {
	struct store *st;
	const struct job *jobs;
	int first, stride, n;                   /* jobs first, first + stride, ... below n */
	int64_t seeker;
	bool broken;
	struct gate *g;
	pthread_barrier_t *step;                /* racing: both try job i together */
	unsigned char *won;                     /* per job: 1 when this worker booked it */
	int booked, taken;
	char err[700];
	struct ctx *cx;                         /* its own, sealing as the service does */
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	int i;

	pthread_mutex_lock(&w->g->m);
	while (!w->g->open)
		pthread_cond_wait(&w->g->c, &w->g->m);
	pthread_mutex_unlock(&w->g->m);
	if (w->g->abort)
		return NULL;
	for (i = w->first; i < w->n; i += w->stride) {
		int rc;

		if (w->step)
			pthread_barrier_wait(w->step);
		if (w->err[0])
			continue;               /* keep meeting the other at the barrier */
		rc = book_one(w->cx, w->st, w->jobs[i].t, &individual, w->seeker, w->jobs[i].start,
		              w->broken);
		if (rc == 0) {
			w->won[i] = 1;
			w->booked++;
		} else if (rc == STORE_TAKEN) {
			w->taken++;
		} else {
			snprintf(w->err, sizeof(w->err), "booking %s at %lld: %s", w->jobs[i].t->id,
			         (long long)w->jobs[i].start, store_errmsg(w->st));
		}
	}
	return NULL;
}

/* Runs n workers (at most 2) from one gate; *seconds from open to the last join. */
static int
run_workers(struct worker *w, int n, double *seconds)
{
	struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
	pthread_t th[2];
	double t0;
	int i, made = 0, rc = 0;

	for (i = 0; i < n; i++) {
		w[i].g = &g;
		if (pthread_create(&th[i], NULL, worker_run, &w[i]) != 0) {
			fprintf(stderr, "chiron bench-schedule: cannot start a thread\n");
			g.abort = 1;
			rc = -1;
			break;
		}
		made++;
	}
	t0 = now_seconds();
	pthread_mutex_lock(&g.m);
	g.open = 1;
	pthread_cond_broadcast(&g.c);
	pthread_mutex_unlock(&g.m);
	for (i = 0; i < made; i++)
		pthread_join(th[i], NULL);
	*seconds = now_seconds() - t0;
	for (i = 0; i < made; i++)
		if (w[i].err[0]) {
			fprintf(stderr, "chiron bench-schedule: %s\n", w[i].err);
			rc = -1;
		}
	return rc;
}

/* Booked appointments of the therapists in jobs, per job (its start). */
static int
count_in_store(struct bench *b, struct store *st, const struct job *jobs, int n, int *per_job,
               int *total)
{
	struct busy_acc x = {NULL, 0, 0, 0};
	int i, j, k, rc = 0;

	memset(per_job, 0, (size_t)n * sizeof(*per_job));
	*total = 0;
	for (i = 0; i < THERAPISTS && rc == 0; i++) {
		const struct ther *t = &b->ther[i];

		x.n = 0;
		if (STORE_CALL(st, appts_of_therapist, t->id, t->from - DAY, t->to + DAY, 0, busy_one, &x) ||
		    x.err) {
			fprintf(stderr, "chiron bench-schedule: reading %s: %s\n", t->id, store_errmsg(st));
			rc = -1;
			break;
		}
		*total += x.n;
		for (j = 0; j < n; j++)
			if (jobs[j].t == t)
				for (k = 0; k < x.n; k++)
					per_job[j] += x.v[k].start == jobs[j].start;
	}
	free(x.v);
	return rc;
}

/* n distinct open slots, spread over the therapists in turn. */
static struct job *
make_jobs(struct bench *b, int n)
{
	struct job *jobs = calloc((size_t)(n ? n : 1), sizeof(*jobs));
	int i;

	for (i = 0; jobs && i < n; i++) {
		const struct ther *t = &b->ther[i % THERAPISTS];
		int k = i / THERAPISTS;

		if (k >= t->n_slots) {
			fprintf(stderr, "chiron bench-schedule: %d bookings are more than the %d therapists' "
			        "open slots\n", n, THERAPISTS);
			free(jobs);
			return NULL;
		}
		jobs[i] = (struct job){t, t->slots[k].start};
	}
	return jobs;
}

static int
bench_throughput(struct bench *b, const char *set, int threads, bool first)
{
	struct worker w[2];
	struct job *jobs = make_jobs(b, b->bookings);
	unsigned char *won = calloc((size_t)(b->bookings ? b->bookings : 1), 1);
	int *per = calloc((size_t)(b->bookings ? b->bookings : 1), sizeof(int));
	char journal[32], sync[32], name[32];
	struct store *st = NULL;
	struct sealing sg = {.started = false};
	int64_t seekers[2];
	double secs = 0;
	int i, total = 0, booked = 0, rc = -1;

	snprintf(name, sizeof(name), "book-%s-%d", set ? set : "normal", threads);
	if (!jobs || !won || !per || !(st = fresh_store(b, name, seekers, threads, &sg)) ||
	    store_sqlite_durability(st, set, journal, sync, sizeof(journal))) {
		if (st)
			fprintf(stderr, "chiron bench-schedule: %s\n", store_errmsg(st));
		goto out;
	}
	for (i = 0; i < threads; i++)
		w[i] = (struct worker){st, jobs, i, threads, b->bookings, seekers[i], b->broken, NULL,
		                       NULL, won, 0, 0, "", &sg.cx[i]};
	if (run_workers(w, threads, &secs) || count_in_store(b, st, jobs, b->bookings, per, &total))
		goto out;
	for (i = 0; i < threads; i++)
		booked += w[i].booked;
	if (booked != b->bookings || total != b->bookings) {
		fprintf(stderr, "chiron bench-schedule: %d distinct open slots gave %d bookings (%d in "
		        "the store)\n", b->bookings, booked, total);
		goto out;
	}
	printf("  %s + synchronous=%s%s, %d thread%s%s: %d bookings in %.2f s = %.0f bookings/s\n",
	       journal, sync, strcmp(sync, STORE_SQLITE_SYNC) ? " (comparison only)" : " (production)", threads,
	       threads > 1 ? "s" : "", threads > 1 ? " on one shared connection" : "", booked, secs,
	       booked / secs);
	fflush(stdout);
	buf_printf(&b->out, "%s{\"journal\":\"%s\",\"synchronous\":\"%s\",\"threads\":%d,"
	           "\"bookings\":%d,\"seconds\":%.3f,\"per_s\":%.1f}", first ? "" : ",", journal, sync,
	           threads, booked, secs, booked / secs);
	rc = 0;
out:
	close_store(&sg, st);
	drop_store(b, name);
	free(jobs);
	free(won);
	free(per);
	return rc;
}

/* Two threads race through the same slots: one booking each, no more. */
static int
bench_race(struct bench *b, bool shared, bool first)
{
	const char *name = shared ? "race-shared" : "race-two";
	struct job *jobs = make_jobs(b, b->race);
	unsigned char *won[2] = {calloc((size_t)b->race + 1, 1), calloc((size_t)b->race + 1, 1)};
	int *per = calloc((size_t)b->race + 1, sizeof(int));
	struct store *st = NULL, *st2 = NULL;
	struct sealing sg = {.started = false};
	struct worker w[2];
	pthread_barrier_t step;
	int64_t seekers[2];
	char path[4200], err[600];
	double secs = 0;
	int i, total = 0, doubles = 0, none = 0, wrong = 0, shown = 0, rc = -1;

	if (!jobs || !won[0] || !won[1] || !per || !(st = fresh_store(b, name, seekers, 2, &sg)))
		goto out;
	if (!shared) {
		db_path(b, name, "", path, sizeof(path));
		if (!(st2 = store_open(path, err, sizeof(err)))) {
			fprintf(stderr, "chiron bench-schedule: %s\n", err);
			goto out;
		}
	}
	pthread_barrier_init(&step, NULL, 2);
	for (i = 0; i < 2; i++)
		w[i] = (struct worker){i == 0 || shared ? st : st2, jobs, 0, 1, b->race, seekers[i],
		                       b->broken, NULL, &step, won[i], 0, 0, "", &sg.cx[i]};
	i = run_workers(w, 2, &secs);
	pthread_barrier_destroy(&step);
	if (i || count_in_store(b, st, jobs, b->race, per, &total))
		goto out;
	for (i = 0; i < b->race; i++) {
		int n = won[0][i] + won[1][i];

		doubles += n > 1;
		none += n == 0;
		wrong += per[i] != 1;
		if ((n != 1 || per[i] != 1) && shown++ < 5)
			fprintf(stderr, "chiron bench-schedule: %s at %lld: %d bookings answered, %d in "
			        "the store\n", jobs[i].t->id, (long long)jobs[i].start, n, per[i]);
	}
	printf("  2 threads race for the same %d slots, %s: %d booked (%d and %d), %d just taken, "
	       "%d in the store, %.2f s: %s\n",
	       b->race, shared ? "one shared connection" : "two connections", w[0].booked + w[1].booked,
	       w[0].booked, w[1].booked, w[0].taken + w[1].taken, total, secs,
	       doubles || none || wrong || total != b->race ? "DOUBLE OR MISSING BOOKINGS"
	                                                   : "exactly one booking per slot");
	fflush(stdout);
	buf_printf(&b->out, "%s{\"connections\":%d,\"slots\":%d,\"booked\":%d,\"taken\":%d,"
	           "\"in_store\":%d,\"double\":%d,\"missing\":%d,\"seconds\":%.3f}", first ? "" : ",",
	           shared ? 1 : 2, b->race, w[0].booked + w[1].booked, w[0].taken + w[1].taken, total,
	           doubles, none, secs);
	if (doubles || none || wrong || total != b->race) {
		fprintf(stderr, "chiron bench-schedule: FAILED: %d slots booked twice, %d not at all, "
		        "%d with a store count other than one (%d rows for %d slots)\n",
		        doubles, none, wrong, total, b->race);
		goto out;
	}
	rc = 0;
out:
	store_close(st2);
	close_store(&sg, st);
	drop_store(b, name);
	free(jobs);
	free(won[0]);
	free(won[1]);
	free(per);
	return rc;
}

/* ----------------------------------------------------------------------
 * The command
 * ---------------------------------------------------------------------- */

static int
usage_bench(void)
{
	fprintf(stderr, "usage: chiron bench-schedule [--quick] [--dir DIR] [--searches N] "
	                "[--bookings N] [--race N] [--background N] [--sync normal|full|both] "
	                "[--json] [--broken-check]\n");
	return 2;
}

static bool
count_arg(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

int
cmd_bench_schedule(int argc, char **argv)
{
	const struct tz_zone *ny = tz_get("America/New_York");
	struct bench b;
	const char *parent = getenv("TMPDIR");
	char d1[24], d2[24], d3[24];
	bool quick = false;
	int i, rc = 1, searches = -1, bookings = -1, race = -1, bg = -1;

	memset(&b, 0, sizeof(b));
	b.normal = b.full = true;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = true;
		else if (strcmp(argv[i], "--json") == 0)
			b.json = true;
		else if (strcmp(argv[i], "--broken-check") == 0)
			b.broken = true;
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			parent = argv[++i];
		else if (strcmp(argv[i], "--searches") == 0 && i + 1 < argc) {
			if (!count_arg(argv[++i], 1, 10000000, &searches))
				return usage_bench();
		} else if (strcmp(argv[i], "--bookings") == 0 && i + 1 < argc) {
			if (!count_arg(argv[++i], 1, 50000, &bookings))
				return usage_bench();
		} else if (strcmp(argv[i], "--race") == 0 && i + 1 < argc) {
			if (!count_arg(argv[++i], 1, 50000, &race))
				return usage_bench();
		} else if (strcmp(argv[i], "--background") == 0 && i + 1 < argc) {
			if (!count_arg(argv[++i], 0, 50000, &bg))
				return usage_bench();
		} else if (strcmp(argv[i], "--sync") == 0 && i + 1 < argc) {
			i++;
			b.normal = strcmp(argv[i], "normal") == 0 || strcmp(argv[i], "both") == 0;
			b.full = strcmp(argv[i], "full") == 0 || strcmp(argv[i], "both") == 0;
			if (!b.normal && !b.full)
				return usage_bench();
		} else
			return usage_bench();
	}
	b.searches = searches > 0 ? searches : quick ? 20 : 2000;
	b.store_searches = searches > 0 ? (searches + 3) / 4 : quick ? 10 : 500;
	b.bookings = bookings > 0 ? bookings : quick ? 60 : 5000;
	b.race = race > 0 ? race : quick ? 40 : 500;
	b.background = bg >= 0 ? bg : quick ? 200 : 20000;
	if (!parent || !*parent)
		parent = "/tmp";
	snprintf(b.dir, sizeof(b.dir), "%s/chiron-bench-schedule.XXXXXX", parent);
	if (!ny || horizon_start(ny, (int64_t)time(NULL), &b.first_day, &b.change)) {
		fprintf(stderr, "chiron bench-schedule: no daylight saving change found in "
		        "America/New_York (is the tz database installed?)\n");
		return 1;
	}
	if (!mkdtemp(b.dir)) {
		fprintf(stderr, "chiron bench-schedule: %s: %s\n", b.dir, strerror(errno));
		return 1;
	}
	if (!(b.ther = calloc(THERAPISTS, sizeof(*b.ther))))
		goto out;
	for (i = 0; i < THERAPISTS; i++) {
		char id[32];

		snprintf(id, sizeof(id), "bench-t%03d", i);
		if (ther_init(&b.ther[i], id, tz_get(zones[i % 4]), b.first_day)) {
			fprintf(stderr, "chiron bench-schedule: no open slots for %s in %s\n", id, zones[i % 4]);
			goto out;
		}
	}
	date_text(d1, b.first_day);
	date_text(d2, b.first_day + 7 * WEEKS - 1);
	date_text(d3, b.change);
	printf("chiron bench-schedule%s: %ld cores, stores in %s (%s)\n", quick ? " --quick" : "",
	       sysconf(_SC_NPROCESSORS_ONLN), b.dir, fs_name(b.dir));
	printf("horizon: %d weeks, %s to %s, across the daylight saving change of %s\n", WEEKS, d1, d2,
	       d3);
	fflush(stdout);
	buf_printf(&b.out, "{\"quick\":%s,\"first_day\":\"%s\",\"change\":\"%s\",", quick ? "true" : "false",
	           d1 + 4, d3 + 4);
	if (bench_search(&b))
		goto out;
	printf("booking throughput: distinct open slots of %d therapists in 4 US zones, one "
	       "appt_book each, checked by sched_slot_open in the transaction:\n", THERAPISTS);
	buf_adds(&b.out, "\"booking\":[");
	if ((b.normal && (bench_throughput(&b, "NORMAL", 1, true) || bench_throughput(&b, "NORMAL", 2, false))) ||
	    (b.full && (bench_throughput(&b, "FULL", 1, !b.normal) ||
	                bench_throughput(&b, "FULL", 2, false))))
		goto out;
	printf("contention (WAL + synchronous=%s, production's):\n", STORE_SQLITE_SYNC);
	buf_adds(&b.out, "],\"contention\":[");
	if (bench_race(&b, true, true) || bench_race(&b, false, false))
		goto out;
	buf_adds(&b.out, "]}");
	if (b.json) {
		if (!b.out.p) {
			fprintf(stderr, "chiron bench-schedule: out of memory\n");
			goto out;
		}
		printf("%s\n", b.out.p);
	}
	rc = 0;
out:
	if (b.ther)
		for (i = 0; i < THERAPISTS; i++)
			free(b.ther[i].slots);
	free(b.ther);
	buf_free(&b.out);
	rmdir(b.dir);
	fflush(stdout);
	return rc;
}
