/*
 * test_match_brute.c: the indexed matcher against a brute-force reading of
 * section 3 of the matching contract.
 *
 * Each case generates a random directory (deterministic PRNG): organizations
 * of every kind; therapists with licenses over a handful of jurisdictions,
 * compacts (a hand-made member list), offices clustered around a few cities
 * (a few at the antimeridian and in Sydney), fees (some of 65535 and more),
 * orientations, languages, weekly windows in zones with DST, with clocks
 * that change at midnight or by 30 minutes, affiliations with every role
 * and with people, and NPIs (some shared). Therapists are written as JSON
 * lines and read with record_parse(); every other directory also goes
 * through therapist_pack() and therapist_unpack() into the index, and is
 * written to a SQLite store and read back with directory_index() (what
 * `chiron match` does), whose index must answer every query the same.
 *
 * Then hundreds of random queries, written as JSON and read with
 * query_parse(), run through match_run() and through brute_rule() below: a
 * plain loop over every therapist applying rules 1..7 in order. Nothing
 * here calls into match.c but the matcher under test; the brute force uses
 * tz.c only to place wall times (test_tz.c checks tz.c against zoneinfo),
 * and reads defaults (modality, distances, budget, week, limit) from what
 * the generator meant, not from the parser. Distance limits are put a
 * hair (1e-9 relative) above or below some office's distance, never
 * exactly on it: two correct haversines may differ in the last bit.
 *
 * Compared per query: total_eligible and the seven exclusion counts; every
 * hit is eligible, there are min(limit, total) of them, no row twice,
 * scores non-increasing with ties by ascending row; the hit's effective
 * fee, in-person reach, telehealth basis, soft conflicts, overlap minutes
 * and distance; and the top `limit` is a prefix of the top 200. On a
 * mismatch the query and the first therapist whose rule differs are
 * printed (the index's verdict for one therapist comes from an index of
 * that therapist alone: eligibility is decided row by row).
 */
#include "testlib.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "app/directory.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/compacts.h"
#include "core/index.h"
#include "core/match.h"
#include "core/query.h"
#include "core/record.h"
#include "core/tz.h"
#include "store/store.h"

/* "now" for the default week: Tuesday 2026-03-10 02:00 UTC, which is still
 * Monday evening in the Americas and already Tuesday elsewhere. */
#define NOW ((int64_t)1773108000)

/* ----------------------------------------------------------------------
 * Random numbers (splitmix64)
 * ---------------------------------------------------------------------- */

static uint64_t rng;

static uint64_t
rnd64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
rnd(int n)
{
	return (int)(rnd64() % (uint64_t)n);
}

static int
chance(int pct)
{
	return rnd(100) < pct;
}

static double
urand(void)
{
	return (double)(rnd64() >> 11) / 9007199254740992.0;
}

/* ----------------------------------------------------------------------
 * The world the directories live in
 * ---------------------------------------------------------------------- */

static const char *const jurs[] = {
	"US-NY", "US-NJ", "US-PA", "US-CA", "US-TX", "CA-ON", "US-AZ",
};
#define N_JURS 7
/* Queries may also come from US-OR, where nobody is licensed but which is
 * a member of the social work compact below. */
static const char *const qjurs[] = {
	"US-NY", "US-NJ", "US-PA", "US-CA", "US-TX", "CA-ON", "US-AZ", "US-OR",
};
#define N_QJURS 8

/* A hand-made member list, not the shipped one. */
static const char *const members_psypact[] = {"US-NJ", "US-PA", "US-TX", "US-AZ", NULL};
static const char *const members_counseling[] = {"US-NY", "US-PA", "CA-ON", NULL};
static const char *const members_social[] = {"US-TX", "US-CA", "US-OR", NULL};

/* The first six are common; the rest change their clocks at midnight
 * (Havana, Santiago, Beirut, Azores), by 30 minutes (Lord Howe) or sit
 * 45 minutes off the hour (Chatham). */
static const char *const zones[] = {
	"America/New_York", "America/Los_Angeles", "Europe/London",
	"Australia/Sydney", "America/Phoenix", "Australia/Adelaide",
	"America/Havana", "America/Santiago", "Asia/Beirut", "Atlantic/Azores",
	"Australia/Lord_Howe", "Pacific/Chatham",
};
#define N_ZONES 12

static const char *
rand_zone(void)
{
	return zones[chance(75) ? rnd(6) : rnd(N_ZONES)];
}

static const char *const langs[] = {"en", "es", "fr", "zh", "ht", "ru"};
#define N_LANGS 6

static const struct { double lat, lon; } centers[] = {
	{40.7128, -74.0060},    /* New York */
	{39.9526, -75.1652},    /* Philadelphia */
	{34.0522, -118.2437},   /* Los Angeles */
	{43.6532, -79.3832},    /* Toronto */
	{64.7300, 179.9000},    /* Anadyr, at the antimeridian */
	{-33.8688, 151.2093},   /* Sydney */
};

/* Mondays: DST weeks of 2026 and their neighbours. */
static const char *const weeks[] = {
	"2026-03-02",   /* US spring forward on Sunday 03-08 */
	"2026-03-09",   /* US on DST, Europe not yet */
	"2026-03-23",   /* London spring forward on Sunday 03-29 */
	"2026-03-30",   /* Sydney and Adelaide fall back on Sunday 04-05,
	                 * Santiago at midnight on Saturday 04-04 */
	"2026-04-06",
	"2026-08-31",   /* Santiago springs forward at midnight, Sunday 09-06 */
	"2026-09-21",   /* Chatham springs forward on Sunday 09-27 */
	"2026-09-28",   /* Sydney and Adelaide spring forward on Sunday 10-04 */
	"2026-10-19",   /* London falls back on Sunday 10-25, Beirut on Saturday */
	"2026-10-26",   /* US falls back on Sunday 11-01 */
	"2026-11-02",
	"2026-07-13",
};
#define N_WEEKS 12

static const char *const day_codes[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* ----------------------------------------------------------------------
 * A directory
 * ---------------------------------------------------------------------- */

#define MAX_PERSONS 64
#define MAX_WEEKS 16

struct placed { int64_t s, e; };

struct dir {
	const struct taxonomy *tax;
	struct compacts cx;
	struct arena a;
	struct org *orgs;
	int n_orgs;
	const char **org_ids;           /* defined orgs, then a few undefined */
	int n_org_ids;
	struct therapist *t;            /* as parsed: what the brute force reads */
	struct therapist *ti;           /* what the index was given */
	const char **line;              /* each therapist's JSON line */
	const struct tz_zone **zone;
	int8_t **affil_kind;            /* kind of each affiliation's org, -1 if unknown */
	int n;
	const char *persons[MAX_PERSONS];       /* ids named in supervisions */
	int n_persons;
	const char *npis[40];           /* a pool, so NPIs repeat */
	struct index *ix;
	struct match_ctx *mc;
	/* The same directory stored in SQLite and read back the way `chiron
	 * match` reads it (directory_index), when the case asks for it. */
	struct index *six;
	struct match_ctx *smc;
	/* Therapists' windows placed in a week, cached per week. */
	int64_t week_of[MAX_WEEKS];
	struct placed *placed[MAX_WEEKS];
	int n_weeks;
	uint32_t *win0;                 /* n + 1 offsets into placed */
};

static const char *
code(const struct dir *d, enum tax_list l, int i)
{
	return tax_code(d->tax, l, i);
}

static int
find(const struct dir *d, enum tax_list l, const char *c)
{
	int k = tax_find(d->tax, l, c);

	if (k < 0)
		fail_msg("taxonomy has no %s", c);
	return k;
}

static void
add_members(struct dir *d, int c, const char *const *list)
{
	for (; *list; list++)
		d->cx.member[c][find(d, TAX_JURISDICTION, *list)] = true;
}

/* Appends ,"key":[codes of mask] */
static void
add_mask(struct buf *b, const struct dir *d, const char *key, enum tax_list l,
         uint64_t mask)
{
	int i, first = 1;

	buf_printf(b, ",\"%s\":[", key);
	for (i = 0; i < 64; i++) {
		if (!(mask >> i & 1))
			continue;
		buf_printf(b, "%s\"%s\"", first ? "" : ",", code(d, l, i));
		first = 0;
	}
	buf_addc(b, ']');
}

static uint64_t
rand_mask(int ncodes, int max_bits)
{
	uint64_t m = 0;
	int k = rnd(max_bits + 1), i;

	for (i = 0; i < k; i++)
		m |= (uint64_t)1 << rnd(ncodes);
	return m;
}

/* A valid NPI: nine digits and the Luhn check digit over "80840" + them. */
static void
make_npi(char out[11])
{
	char digits[16] = "80840";
	int i, sum = 0;

	for (i = 0; i < 9; i++)
		out[i] = (char)('0' + rnd(10));
	if (chance(80))
		out[0] = (char)('1' + rnd(2));
	memcpy(digits + 5, out, 9);
	/* Luhn: from the right, the check digit is position 0, so the digits
	 * here (positions 1..14) are doubled at odd positions. */
	for (i = 0; i < 14; i++) {
		int v = digits[13 - i] - '0';

		if (i % 2 == 0) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	out[9] = (char)('0' + (10 - sum % 10) % 10);
	out[10] = '\0';
	assert_true(npi_ok(out));
	out[9] = (char)('0' + (out[9] - '0' + 1) % 10);
	assert_false(npi_ok(out));
	out[9] = (char)('0' + (out[9] - '0' + 9) % 10);
}

static void
rand_windows(struct buf *b, const char *key, int max)
{
	int k = rnd(max + 1), i;

	buf_printf(b, ",\"%s\":[", key);
	for (i = 0; i < k; i++) {
		int day = rnd(7), s, e;

		if (chance(20)) {
			/* Around the small hours of Sunday, where DST changes. */
			day = 6;
			s = 30 * rnd(8);
			e = s + 30 + 30 * rnd(6);
		} else if (chance(35)) {
			/* Short windows on a 5-minute grid: overlaps of 45 to
			 * 60 minutes, the 50-minute threshold among them. */
			s = 5 * rnd(280);
			e = s + 45 + 5 * rnd(4);
		} else if (chance(15)) {
			/* And to the minute: 48 to 52 minutes. */
			s = rnd(1380);
			e = s + 48 + rnd(5);
		} else if (chance(10)) {
			/* Late evening to midnight, where some zones change. */
			s = 1320 + 15 * rnd(6);
			e = 1440;
		} else {
			s = 15 * rnd(92);
			e = s + 30 + 15 * rnd(24);
		}
		if (chance(5))
			e = 1440;
		if (e > 1440)
			e = 1440;
		if (s >= e)
			s = e - 30;
		buf_printf(b, "%s{\"day\":\"%s\",\"start\":\"%02d:%02d\",\"end\":\"%02d:%02d\"}",
		           i ? "," : "", day_codes[day], s / 60, s % 60, e / 60, e % 60);
	}
	buf_addc(b, ']');
}

static const char *
rand_org_ref(const struct dir *d)
{
	return d->org_ids[rnd(d->n_org_ids)];
}

static void
rand_affils(struct buf *b, const struct dir *d, int max, const char *self)
{
	int k = rnd(max + 1), i;

	buf_adds(b, ",\"affiliations\":[");
	for (i = 0; i < k; i++) {
		const char *cur = "";

		switch (rnd(4)) {
		case 0: cur = ",\"current\":true"; break;
		case 1: cur = ",\"current\":false"; break;
		default: break;
		}
		if (i)
			buf_addc(b, ',');
		if (chance(22)) {
			const char *p = d->persons[rnd(d->n_persons)];

			if (self && strcmp(p, self) == 0)
				p = d->persons[0];
			buf_printf(b, "{\"person\":\"%s\",\"role\":\"%s\"%s}", p,
			           chance(50) ? "supervisor" : "supervisee", cur);
		} else {
			int role = chance(94) ? rnd(4) : 4 + rnd(2);

			buf_printf(b, "{\"org\":\"%s\",\"role\":\"%s\"%s}", rand_org_ref(d),
			           code(d, TAX_ROLE, role), cur);
		}
	}
	buf_addc(b, ']');
}

static void
office_point(double *lat, double *lon)
{
	int c = chance(6) ? 4 + rnd(2) : rnd(4);
	double spread = chance(60) ? 0.4 : chance(70) ? 1.5 : 4.0;

	*lat = centers[c].lat + (urand() - 0.5) * spread;
	*lon = centers[c].lon + (urand() - 0.5) * spread / cos(centers[c].lat * M_PI / 180);
	if (*lon > 180)
		*lon -= 360;
	if (*lon < -180)
		*lon += 360;
}

static void
gen_therapist(struct buf *b, const struct dir *d, const char *id)
{
	uint8_t mods = (uint8_t)rnd(4), formats = (uint8_t)rnd(8);
	static const int big[] = {65534, 65535, 65536, 70000, 131071, 999999, 1000000};
	int session = chance(3) ? big[rnd(7)] : 40 + 5 * rnd(70), i, k;

	if (chance(3))
		mods = 0;
	else if (!mods)
		mods = 1u << MOD_TELEHEALTH;
	buf_printf(b, "{\"type\":\"therapist\",\"id\":\"%s\",\"name\":\"Therapist %s\","
	           "\"credentials\":\"PhD\",\"profession\":\"%s\"",
	           id, id, code(d, TAX_PROFESSION, rnd(7)));
	if (chance(55))
		buf_printf(b, ",\"npi\":\"%s\"", d->npis[rnd(40)]);
	buf_adds(b, ",\"licenses\":[");
	k = chance(4) ? 0 : 1 + rnd(chance(70) ? 1 : 3);
	for (i = 0; i < k; i++)
		buf_printf(b, "%s\"%s\"", i ? "," : "", jurs[rnd(N_JURS)]);
	buf_addc(b, ']');
	if (chance(70))
		add_mask(b, d, "compacts", TAX_COMPACT, rand_mask(3, 2));
	if ((mods & (1u << MOD_IN_PERSON)) || chance(30)) {
		double lat, lon;

		office_point(&lat, &lon);
		buf_printf(b, ",\"office\":{\"lat\":%.6f,\"lon\":%.6f", lat, lon);
		if (chance(50))
			buf_printf(b, ",\"jurisdiction\":\"%s\"", jurs[rnd(N_JURS)]);
		buf_addc(b, '}');
	}
	add_mask(b, d, "modalities", TAX_MODALITY, mods);
	add_mask(b, d, "formats", TAX_FORMAT, formats);
	buf_printf(b, ",\"accepting_new_clients\":%s", chance(88) ? "true" : "false");
	buf_printf(b, ",\"fee\":{\"currency\":\"USD\",\"session\":%d", session);
	if (chance(45))
		buf_printf(b, ",\"sliding_scale_min\":%d", 10 + rnd(session));
	if (chance(45))
		buf_printf(b, ",\"clinician_discount_pct\":%d",
		           chance(10) ? (chance(50) ? 0 : 100) : 5 * rnd(12) + rnd(3));
	if (chance(45))
		buf_printf(b, ",\"group_session\":%d", chance(3) ? big[rnd(7)] : 10 + rnd(150));
	buf_addc(b, '}');
	add_mask(b, d, "orientations", TAX_ORIENTATION,
	         rand_mask(tax_count(d->tax, TAX_ORIENTATION), 3));
	add_mask(b, d, "focus_areas", TAX_FOCUS, rand_mask(tax_count(d->tax, TAX_FOCUS), 5));
	if (chance(60))
		add_mask(b, d, "populations", TAX_POPULATION,
		         rand_mask(tax_count(d->tax, TAX_POPULATION), 3));
	buf_adds(b, ",\"languages\":[");
	k = chance(3) ? 0 : 1 + rnd(chance(60) ? 1 : 3);
	for (i = 0; i < k; i++)
		buf_printf(b, "%s\"%s\"", i ? "," : "", i == 0 && chance(70) ? "en" : langs[rnd(N_LANGS)]);
	buf_addc(b, ']');
	add_mask(b, d, "career_stages", TAX_CAREER, rand_mask(4, 3));
	buf_printf(b, ",\"clinician_clients\":%s", chance(50) ? "true" : "false");
	buf_printf(b, ",\"timezone\":\"%s\"", rand_zone());
	if (chance(90))
		rand_windows(b, "availability", 6);
	if (chance(75))
		rand_affils(b, d, 4, id);
	buf_addc(b, '}');
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
dir_build(struct dir *d, int n, int n_orgs, int pack)
{
	const struct taxonomy *tax = test_taxonomy();
	struct index_builder *bld;
	struct buf b = BUF_INIT, packed = BUF_INIT;
	struct record r;
	struct verr e;
	const char **ids;
	int i, j, num = 0;

	memset(d, 0, sizeof(*d));
	d->tax = tax;
	arena_init(&d->a, 1 << 20);
	add_members(d, CMP_PSYPACT, members_psypact);
	add_members(d, CMP_COUNSELING, members_counseling);
	add_members(d, CMP_SOCIAL_WORK, members_social);

	/* Organizations, every kind present; a few ids only therapists name. */
	d->orgs = arena_calloc(&d->a, (size_t)n_orgs, sizeof(*d->orgs));
	d->org_ids = arena_calloc(&d->a, (size_t)n_orgs + 4, sizeof(char *));
	d->n_orgs = n_orgs;
	for (i = 0; i < n_orgs; i++) {
		int kind = i < KIND__MAX ? i : rnd(KIND__MAX);

		buf_reset(&b);
		buf_printf(&b, "{\"type\":\"org\",\"id\":\"org-%04d\",\"name\":\"Org %d\",\"kind\":\"%s\"",
		           i, i, code(d, TAX_ORG_KIND, kind));
		if (chance(70))
			buf_printf(&b, ",\"jurisdiction\":\"%s\"", jurs[rnd(N_JURS)]);
		buf_addc(&b, '}');
		if (record_parse(tax, b.p, b.len, &d->a, &r, &e))
			fail_msg("org line %s: %s: %s", b.p, e.field, e.msg);
		assert_int_equal(r.type, REC_ORG);
		assert_int_equal(r.org.kind, kind);
		d->orgs[i] = r.org;
		d->org_ids[d->n_org_ids++] = r.org.id;
	}
	for (i = 0; i < 4; i++)
		d->org_ids[d->n_org_ids++] = arena_strdup(&d->a, i == 0 ? "org-ghost" :
		                                          i == 1 ? "org-nowhere" :
		                                          i == 2 ? "zz-org" : "a-org");

	/* Therapist ids, in id order. */
	ids = arena_calloc(&d->a, (size_t)n, sizeof(char *));
	for (i = 0; i < n; i++) {
		char id[32];

		num += 1 + rnd(3);
		if (chance(5))
			snprintf(id, sizeof(id), "t-%05d.%d", num, rnd(10));
		else
			snprintf(id, sizeof(id), "t-%05d", num);
		ids[i] = arena_strdup(&d->a, id);
	}
	qsort(ids, (size_t)n, sizeof(char *), cmp_str);

	/* People named in supervisions: some therapists, some not in the directory. */
	for (i = 0; i < MAX_PERSONS; i++) {
		if (i < 12) {
			char id[32];

			snprintf(id, sizeof(id), "ghost-%02d", i);
			d->persons[i] = arena_strdup(&d->a, id);
		} else {
			d->persons[i] = ids[rnd(n)];
		}
	}
	d->n_persons = MAX_PERSONS;
	for (i = 0; i < 40; i++) {
		char npi[11];

		make_npi(npi);
		d->npis[i] = arena_strdup(&d->a, npi);
	}

	d->n = n;
	d->t = arena_calloc(&d->a, (size_t)n, sizeof(*d->t));
	d->ti = pack ? arena_calloc(&d->a, (size_t)n, sizeof(*d->ti)) : d->t;
	d->line = arena_calloc(&d->a, (size_t)n, sizeof(char *));
	d->zone = arena_calloc(&d->a, (size_t)n, sizeof(*d->zone));
	d->affil_kind = arena_calloc(&d->a, (size_t)n, sizeof(*d->affil_kind));
	d->win0 = arena_calloc(&d->a, (size_t)n + 1, sizeof(uint32_t));
	for (i = 0; i < n; i++) {
		buf_reset(&b);
		gen_therapist(&b, d, ids[i]);
		assert_non_null(b.p);
		d->line[i] = arena_strdup(&d->a, b.p);
		if (record_parse(tax, b.p, b.len, &d->a, &r, &e))
			fail_msg("therapist line %s\n%s: %s", b.p, e.field, e.msg);
		assert_int_equal(r.type, REC_THERAPIST);
		d->t[i] = r.t;
		if (pack) {
			buf_reset(&packed);
			assert_int_equal(therapist_pack(tax, &r.t, &packed), 0);
			if (therapist_unpack(tax, packed.p, packed.len, &d->a, &d->ti[i], &e))
				fail_msg("unpack %s: %s", ids[i], e.msg);
		}
		d->zone[i] = tz_get(r.t.timezone);
		assert_non_null(d->zone[i]);
		d->affil_kind[i] = arena_calloc(&d->a, (size_t)r.t.n_affils + 1, 1);
		for (j = 0; j < r.t.n_affils; j++) {
			int o;

			d->affil_kind[i][j] = -1;
			for (o = 0; o < d->n_orgs; o++)
				if (!r.t.affils[j].person && strcmp(d->orgs[o].id, r.t.affils[j].ref) == 0)
					d->affil_kind[i][j] = (int8_t)d->orgs[o].kind;
		}
		d->win0[i + 1] = d->win0[i] + (uint32_t)r.t.n_avail;
	}

	bld = index_builder_new(tax, &d->cx);
	assert_non_null(bld);
	for (i = 0; i < n_orgs; i++)
		assert_int_equal(index_add_org(bld, &d->orgs[i]), 0);
	for (i = 0; i < n; i++)
		if (index_add_therapist(bld, &d->ti[i], &e))
			fail_msg("index_add_therapist %s: %s", d->ti[i].id, e.msg);
	d->ix = index_finish(bld, &e);
	if (!d->ix)
		fail_msg("index_finish: %s", e.msg);
	assert_int_equal(d->ix->n, (uint32_t)n);
	for (i = 0; i < n; i++)
		assert_string_equal(d->ix->id[i], d->t[i].id);
	d->mc = match_ctx_new(d->ix);
	assert_non_null(d->mc);
	buf_free(&b);
	buf_free(&packed);
}

/* Writes the directory to a fresh SQLite store and indexes it from there. */
static void
dir_store(struct dir *d)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char dir[] = "/tmp/chiron-brute-XXXXXX", path[64], err[600];
	struct buf packed = BUF_INIT;
	struct store *st;
	size_t k;
	int i;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/db", dir);
	st = store_open(path, err, sizeof(err));
	if (!st)
		fail_msg("store_open: %s", err);
	assert_int_equal(store_begin(st), 0);
	for (i = 0; i < d->n_orgs; i++) {
		const struct org *o = &d->orgs[i];
		struct store_org so = {o->id, o->name, code(d, TAX_ORG_KIND, o->kind),
			o->jurisdiction >= 0 ? code(d, TAX_JURISDICTION, o->jurisdiction) : NULL};

		assert_int_equal(store_put_org(st, &so), 0);
	}
	/* In reverse, so that the store, not the order of writing, orders them. */
	for (i = d->n - 1; i >= 0; i--) {
		buf_reset(&packed);
		assert_int_equal(therapist_pack(d->tax, &d->t[i], &packed), 0);
		assert_int_equal(store_put_therapist(st, d->t[i].id, packed.p, packed.len), 0);
	}
	assert_int_equal(store_commit(st), 0);
	d->six = directory_index(st, d->tax, &d->cx, err, sizeof(err));
	if (!d->six)
		fail_msg("directory_index: %s", err);
	store_close(st);
	d->smc = match_ctx_new(d->six);
	assert_non_null(d->smc);
	for (k = 0; k < sizeof(suffix) / sizeof(suffix[0]); k++) {
		snprintf(path, sizeof(path), "%s/db%s", dir, suffix[k]);
		unlink(path);
	}
	rmdir(dir);
	buf_free(&packed);
}

static void
dir_free(struct dir *d)
{
	int i;

	for (i = 0; i < d->n_weeks; i++)
		free(d->placed[i]);
	match_ctx_free(d->mc);
	index_free(d->ix);
	match_ctx_free(d->smc);
	index_free(d->six);
	arena_free(&d->a);
}

/* ----------------------------------------------------------------------
 * Queries
 * ---------------------------------------------------------------------- */

/* What the generator meant, read by the brute force instead of trusting
 * the parser's defaults. */
struct intent {
	int modality;                   /* enum qmodality */
	double max_km, min_km;
	bool has_budget;
	double budget;
	int64_t week;                   /* days of the Monday */
	int limit;
	bool boundary;                  /* a distance limit next to an office */
};

/* v as the query's text holds it: printed with that many decimals, read back. */
static double
parse_num(int decimals, double v)
{
	char s[64];

	snprintf(s, sizeof(s), "%.*f", decimals, v);
	return strtod(s, NULL);
}

/* Our own great-circle distance: haversine, R = 6371.0088 km. */
static double
gc_km(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = lat1 * M_PI / 180, p2 = lat2 * M_PI / 180;
	double hdp = (lat2 - lat1) * M_PI / 180 / 2, hdl = (lon2 - lon1) * M_PI / 180 / 2;
	double h = sin(hdp) * sin(hdp) + cos(p1) * cos(p2) * sin(hdl) * sin(hdl);

	return 2 * 6371.0088 * asin(sqrt(h > 1 ? 1 : h));
}

static int64_t
default_week(const struct tz_zone *z)
{
	int64_t local = NOW + (z ? tz_offset_at(z, NOW) : 0);
	int64_t today = local / 86400;          /* NOW > 0 */
	int wd = (int)((today + 3) % 7);        /* 1970-01-01 was a Thursday */

	return today + (7 - wd) % 7;
}

static void
gen_query(struct buf *b, struct dir *d, struct intent *in)
{
	double lat = 0, lon = 0;
	bool has_loc = chance(72), has_zone = chance(70), at_office = false;
	const char *zone = rand_zone();
	int i, k, om;

	memset(in, 0, sizeof(*in));
	in->max_km = 50;
	in->limit = 20;
	buf_printf(b, "{\"jurisdiction\":\"%s\"", qjurs[rnd(N_QJURS)]);
	if (has_loc) {
		int c = chance(6) ? 4 + rnd(2) : rnd(4), t = rnd(d->n);

		lat = parse_num(5, centers[c].lat + (urand() - 0.5) * 1.2);
		lon = parse_num(5, centers[c].lon + (urand() - 0.5) * 1.2);
		if (lon > 180)
			lon -= 360;
		/* Sometimes right at an office: distance 0, which "at most 0"
		 * and "at least 0" both let in. */
		if (chance(8) && d->t[t].has_office) {
			lat = d->t[t].lat;
			lon = d->t[t].lon;
			at_office = true;
		}
		buf_printf(b, ",\"location\":{\"lat\":%.17g,\"lon\":%.17g}", lat, lon);
	}
	switch (rnd(4)) {
	case 0: break;
	case 1: buf_adds(b, ",\"modality\":\"either\""); break;
	case 2: buf_adds(b, ",\"modality\":\"telehealth\""); in->modality = QMOD_TELEHEALTH; break;
	default: buf_adds(b, ",\"modality\":\"in_person\""); in->modality = QMOD_IN_PERSON; break;
	}
	if (chance(60)) {
		in->max_km = chance(10) ? (double)(1000 * rnd(41)) : parse_num(3, 200 * urand());
		if (chance(3))
			in->max_km = 40075;
		/* Now and then a hair above or below the distance of some
		 * office: the distance must be the exact haversine. (Exactly
		 * at it, two correct formulas may differ in the last bit.) */
		if (has_loc && chance(15)) {
			int t = rnd(d->n);

			if (d->t[t].has_office) {
				in->max_km = gc_km(lat, lon, d->t[t].lat, d->t[t].lon) *
				             (chance(50) ? 1 + 1e-9 : 1 - 1e-9);
				in->boundary = true;
			}
			if (in->max_km > 40075)
				in->max_km = 40075;
		}
		if (at_office)
			in->max_km = chance(50) ? 0 : in->max_km;
		buf_printf(b, ",\"max_distance_km\":%.17g", in->max_km);
	}
	if (chance(30)) {
		in->min_km = chance(50) ? parse_num(3, 40 * urand()) : 0;
		if (has_loc && chance(20)) {
			int t = rnd(d->n);

			if (d->t[t].has_office) {
				in->min_km = gc_km(lat, lon, d->t[t].lat, d->t[t].lon) *
				             (chance(50) ? 1 + 1e-9 : 1 - 1e-9);
				in->boundary = true;
			}
			if (in->min_km > 40075)
				in->min_km = 40075;
		}
		buf_printf(b, ",\"min_distance_km\":%.17g", in->min_km);
	}
	if (chance(60)) {
		in->has_budget = true;
		static const double big[] = {65534, 65535, 65536, 69999.5, 100000, 999999, 1e9};

		in->budget = chance(20) ? 30 + rnd(250) + 0.5 : 20 + rnd(300);
		if (chance(6))
			in->budget = big[rnd(7)];
		buf_printf(b, ",\"budget\":%.17g", in->budget);
	}
	if (chance(60))
		buf_printf(b, ",\"sliding_scale\":%s", chance(50) ? "true" : "false");
	if (chance(60))
		buf_printf(b, ",\"clinician_discount\":%s", chance(50) ? "true" : "false");
	if (chance(60))
		buf_printf(b, ",\"group_ok\":%s", chance(50) ? "true" : "false");
	om = rnd(5);
	if (om == 1)
		buf_adds(b, ",\"orientation_mode\":\"any\"");
	else if (om == 2)
		buf_adds(b, ",\"orientation_mode\":\"same\"");
	else if (om >= 3)
		buf_adds(b, ",\"orientation_mode\":\"different\"");
	if (om >= 2 || chance(30)) {
		uint64_t m = rand_mask(tax_count(d->tax, TAX_ORIENTATION), 3);

		if (!m)
			m = (uint64_t)1 << rnd(tax_count(d->tax, TAX_ORIENTATION));
		add_mask(b, d, "my_orientations", TAX_ORIENTATION, m);
	}
	if (chance(40))
		add_mask(b, d, "preferred_orientations", TAX_ORIENTATION,
		         rand_mask(tax_count(d->tax, TAX_ORIENTATION), 2));
	if (chance(60))
		add_mask(b, d, "goals", TAX_FOCUS, rand_mask(tax_count(d->tax, TAX_FOCUS), 3));
	if (chance(30))
		add_mask(b, d, "populations", TAX_POPULATION,
		         rand_mask(tax_count(d->tax, TAX_POPULATION), 2));
	if (chance(50)) {
		k = rnd(3);
		buf_adds(b, ",\"languages\":[");
		for (i = 0; i < k; i++)
			buf_printf(b, "%s\"%s\"", i ? "," : "", chance(8) ? "de" : langs[rnd(N_LANGS)]);
		buf_addc(b, ']');
	}
	if (chance(40))
		buf_printf(b, ",\"career_stage\":\"%s\"", code(d, TAX_CAREER, rnd(4)));
	if (has_zone)
		buf_printf(b, ",\"timezone\":\"%s\"", zone);
	if (chance(80)) {
		int w = rnd(N_WEEKS);
		int y, m, dd;

		buf_printf(b, ",\"week_of\":\"%s\"", weeks[w]);
		assert_int_equal(sscanf(weeks[w], "%d-%d-%d", &y, &m, &dd), 3);
		in->week = tz_days_from_civil(y, (unsigned)m, (unsigned)dd);
	} else {
		in->week = default_week(has_zone ? tz_get(zone) : NULL);
	}
	if (chance(85))
		rand_windows(b, "free", 4);
	if (has_zone && chance(50))
		buf_adds(b, ",\"require_overlap\":true");
	else if (chance(20))
		buf_adds(b, ",\"require_overlap\":false");
	if (chance(55))
		rand_affils(b, d, 4, NULL);
	if (chance(30)) {
		k = 1 + rnd(4);
		buf_adds(b, ",\"exclude\":[");
		for (i = 0; i < k; i++)
			buf_printf(b, "%s\"%s\"", i ? "," : "", chance(90) ? d->t[rnd(d->n)].id : "t-nobody");
		buf_addc(b, ']');
	}
	if (chance(25))
		buf_printf(b, ",\"npi\":\"%s\"", d->npis[rnd(40)]);
	if (chance(35))
		buf_printf(b, ",\"self_id\":\"%s\"",
		           chance(60) ? d->persons[rnd(d->n_persons)] : d->t[rnd(d->n)].id);
	if (chance(70)) {
		in->limit = chance(15) ? 200 : chance(10) ? 0 : rnd(201);
		buf_printf(b, ",\"limit\":%d", in->limit);
	}
	buf_addc(b, '}');
}

/* ----------------------------------------------------------------------
 * The brute force: section 3, rule by rule
 * ---------------------------------------------------------------------- */

struct bq {
	const struct query *q;
	const struct intent *in;
	int8_t qkind[256];              /* kind of each query affiliation's org */
	struct placed qwin[64];
	int n_qwin;
	const struct placed *tw;        /* therapists' windows in the week */
};

static int64_t
place(const struct tz_zone *z, int64_t week, int day, int minute)
{
	return tz_local_to_utc(z, (week + day) * 86400 + (int64_t)minute * 60);
}

static const struct placed *
placed_week(struct dir *d, int64_t week)
{
	struct placed *p;
	int i, k;

	for (i = 0; i < d->n_weeks; i++)
		if (d->week_of[i] == week)
			return d->placed[i];
	assert_true(d->n_weeks < MAX_WEEKS);
	p = calloc((size_t)d->win0[d->n] + 1, sizeof(*p));
	assert_non_null(p);
	for (i = 0; i < d->n; i++)
		for (k = 0; k < d->t[i].n_avail; k++) {
			const struct window *w = &d->t[i].avail[k];

			p[d->win0[i] + (uint32_t)k].s = place(d->zone[i], week, w->day, w->start);
			p[d->win0[i] + (uint32_t)k].e = place(d->zone[i], week, w->day, w->end);
		}
	d->week_of[d->n_weeks] = week;
	d->placed[d->n_weeks++] = p;
	return p;
}

static void
bq_init(struct bq *bq, struct dir *d, const struct query *q, const struct intent *in)
{
	int i, o;

	memset(bq, 0, sizeof(*bq));
	bq->q = q;
	bq->in = in;
	for (i = 0; i < q->n_affils && i < 256; i++) {
		bq->qkind[i] = -1;
		for (o = 0; o < d->n_orgs; o++)
			if (!q->affils[i].person && strcmp(d->orgs[o].id, q->affils[i].ref) == 0)
				bq->qkind[i] = (int8_t)d->orgs[o].kind;
	}
	if (q->zone)
		for (i = 0; i < q->n_free; i++) {
			bq->qwin[i].s = place(q->zone, in->week, q->free[i].day, q->free[i].start);
			bq->qwin[i].e = place(q->zone, in->week, q->free[i].day, q->free[i].end);
			bq->n_qwin++;
		}
	if (q->require_overlap || (q->zone && q->n_free))
		bq->tw = placed_week(d, in->week);
}

static bool
licensed_in(const struct therapist *t, int j)
{
	int i;

	for (i = 0; i < t->n_licenses; i++)
		if (t->licenses[i] == j)
			return true;
	return false;
}

/* TELE_NONE, TELE_LICENSE or the first compact that carries telehealth. */
static int
tele_way(const struct dir *d, const struct therapist *t, int qj)
{
	int c, i;

	if (!(t->modalities & (1u << MOD_TELEHEALTH)))
		return TELE_NONE;
	if (licensed_in(t, qj))
		return TELE_LICENSE;
	for (c = 0; c < CMP__MAX; c++) {
		if (!(t->compacts >> c & 1) || !d->cx.member[c][qj])
			continue;
		for (i = 0; i < t->n_licenses; i++)
			if (d->cx.member[c][t->licenses[i]])
				return c;
	}
	return TELE_NONE;
}

static bool
in_reach(const struct therapist *t, const struct bq *bq)
{
	double km;

	if (!(t->modalities & (1u << MOD_IN_PERSON)) || !t->has_office ||
	    !bq->q->has_location)
		return false;
	km = gc_km(bq->q->lat, bq->q->lon, t->lat, t->lon);
	return km <= bq->in->max_km && km >= bq->in->min_km;
}

static int64_t
eff_fee(const struct therapist *t, const struct query *q)
{
	int64_t f = t->fee.session;

	if (q->clinician_discount && t->fee.discount_pct != NO_FEE &&
	    (int64_t)t->fee.session * (100 - t->fee.discount_pct) / 100 < f)
		f = (int64_t)t->fee.session * (100 - t->fee.discount_pct) / 100;
	if (q->sliding_scale && t->fee.sliding_min != NO_FEE && t->fee.sliding_min < f)
		f = t->fee.sliding_min;
	if (q->group_ok && (t->formats & (1u << FMT_GROUP)) && t->fee.group != NO_FEE &&
	    t->fee.group < f)
		f = t->fee.group;
	return f;
}

static bool
close_role(int r)
{
	return r == ROLE_EMPLOYER || r == ROLE_TRAINEE || r == ROLE_FACULTY;
}

static bool
hard_conflict(const struct dir *d, int row, const struct bq *bq)
{
	const struct therapist *t = &d->t[row];
	const struct query *q = bq->q;
	int i, j;

	for (i = 0; i < q->n_exclude; i++)
		if (strcmp(q->exclude[i], t->id) == 0)
			return true;
	if (q->self_id && strcmp(q->self_id, t->id) == 0)
		return true;
	if (q->npi[0] && strcmp(q->npi, t->npi) == 0)
		return true;
	for (i = 0; i < q->n_affils; i++) {
		const struct affiliation *qa = &q->affils[i];

		if (qa->person) {
			if (strcmp(qa->ref, t->id) == 0)
				return true;
			continue;
		}
		for (j = 0; j < t->n_affils; j++) {
			const struct affiliation *ta = &t->affils[j];

			if (ta->person || strcmp(ta->ref, qa->ref) != 0)
				continue;
			if (qa->current && ta->current &&
			    ((close_role(qa->role) && close_role(ta->role)) ||
			     bq->qkind[i] == KIND_CONSULTATION_GROUP))
				return true;
		}
	}
	for (j = 0; j < t->n_affils; j++)
		if (t->affils[j].person && q->self_id && strcmp(t->affils[j].ref, q->self_id) == 0)
			return true;
	return false;
}

/* Shared organizations (each org once): the soft conflicts of an eligible row. */
static int
shared_orgs(const struct dir *d, int row, const struct query *q)
{
	const struct therapist *t = &d->t[row];
	int i, j, n = 0;

	for (i = 0; i < q->n_affils; i++) {
		const struct affiliation *qa = &q->affils[i];

		if (qa->person)
			continue;
		for (j = 0; j < i; j++)
			if (!q->affils[j].person && strcmp(q->affils[j].ref, qa->ref) == 0)
				break;
		if (j < i)
			continue;
		for (j = 0; j < t->n_affils; j++)
			if (!t->affils[j].person && strcmp(t->affils[j].ref, qa->ref) == 0) {
				n++;
				break;
			}
	}
	return n;
}

static int
cmp_placed(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;

	return x->s < y->s ? -1 : x->s > y->s;
}

/* Longest single overlap (seconds) into *best; minutes of the union. */
static int
overlap_of(const struct dir *d, int row, const struct bq *bq, int64_t *best)
{
	struct placed pairs[64 * 64];
	int np = 0, i, k;
	int64_t total = 0, cs = 0, ce = 0;

	*best = 0;
	for (k = 0; k < d->t[row].n_avail; k++) {
		const struct placed *w = &bq->tw[d->win0[row] + (uint32_t)k];

		for (i = 0; i < bq->n_qwin; i++) {
			int64_t s = w->s > bq->qwin[i].s ? w->s : bq->qwin[i].s;
			int64_t e = w->e < bq->qwin[i].e ? w->e : bq->qwin[i].e;

			if (e - s > *best)
				*best = e - s;
			if (e > s)
				pairs[np++] = (struct placed){s, e};
		}
	}
	qsort(pairs, (size_t)np, sizeof(pairs[0]), cmp_placed);
	for (i = 0; i < np; i++) {
		if (i == 0 || pairs[i].s > ce) {
			total += ce - cs;
			cs = pairs[i].s;
			ce = pairs[i].e;
		} else if (pairs[i].e > ce) {
			ce = pairs[i].e;
		}
	}
	total += ce - cs;
	return (int)(total / 60);
}

/* -1 when eligible, else the first rule (enum exclusion) the row fails. */
static int
brute_rule(const struct dir *d, int row, const struct bq *bq)
{
	const struct therapist *t = &d->t[row];
	const struct query *q = bq->q;
	int i, j;

	/* 1. Open. */
	if (!t->accepting)
		return EX_CLOSED;
	/* 2. Modality. */
	{
		bool tele = tele_way(d, t, q->jurisdiction) != TELE_NONE;
		bool ip = in_reach(t, bq);
		bool ok = bq->in->modality == QMOD_TELEHEALTH ? tele :
		          bq->in->modality == QMOD_IN_PERSON ? ip : (tele || ip);

		if (!ok)
			return EX_MODALITY;
	}
	/* 3. Budget. */
	if (bq->in->has_budget && (double)eff_fee(t, q) > bq->in->budget)
		return EX_BUDGET;
	/* 4. Language: an empty list is no filter. */
	if (q->n_languages > 0) {
		bool ok = false;

		for (i = 0; i < q->n_languages && !ok; i++)
			for (j = 0; j < t->n_languages && !ok; j++)
				ok = q->languages[i] == t->languages[j];
		if (!ok)
			return EX_LANGUAGE;
	}
	/* 5. Orientation. */
	if (q->orientation_mode == OM_SAME && !(t->orientations & q->my_orientations))
		return EX_ORIENTATION;
	if (q->orientation_mode == OM_DIFFERENT && (t->orientations & q->my_orientations))
		return EX_ORIENTATION;
	/* 6. Conflicts. */
	if (hard_conflict(d, row, bq))
		return EX_CONFLICT;
	/* 7. Time: some pair of windows overlaps by 50 minutes or more. */
	if (q->require_overlap) {
		int64_t best;

		overlap_of(d, row, bq, &best);
		if (best < 50 * 60)
			return EX_TIME;
	}
	return -1;
}

/* ----------------------------------------------------------------------
 * The index's verdict on one therapist: an index of that row alone.
 * ---------------------------------------------------------------------- */

static int
index_rule_one(const struct dir *d, int row, const struct query *q)
{
	struct index_builder *b = index_builder_new(d->tax, &d->cx);
	struct index *ix;
	struct match_ctx *mc;
	struct match_result r;
	struct verr e;
	int i, k = -2;

	assert_non_null(b);
	for (i = 0; i < d->n_orgs; i++)
		index_add_org(b, &d->orgs[i]);
	if (index_add_therapist(b, &d->ti[row], &e))
		fail_msg("%s", e.msg);
	ix = index_finish(b, &e);
	assert_non_null(ix);
	mc = match_ctx_new(ix);
	assert_non_null(mc);
	assert_int_equal(match_run(mc, q, &r), 0);
	if (r.total_eligible == 1)
		k = -1;
	for (i = 0; i < EX__MAX; i++)
		if (r.excluded[i] == 1)
			k = i;
	match_ctx_free(mc);
	index_free(ix);
	return k;
}

static const char *
rule_name(int k)
{
	return k == -1 ? "eligible" : k >= 0 && k < EX__MAX ? exclusion_names[k] : "?";
}

/* ----------------------------------------------------------------------
 * The run
 * ---------------------------------------------------------------------- */

struct stats {
	int queries, detailed, mismatches;
	int rule_hit[EX__MAX];          /* queries where the rule excluded someone */
	int exact_sets;                 /* all eligible rows were returned */
	int nonempty, overlap_queries, boundary;
};

static void
report(struct dir *d, const char *json, const struct bq *bq,
       const struct match_result *r, const long *bx, long btotal,
       const char *what, int focus, struct stats *st)
{
	int i, pass;

	st->mismatches++;
	if (st->detailed++ >= 3)
		return;
	print_message("MISMATCH (%s)\nquery: %s\n", what, json);
	print_message("index: total %ld excluded", r->total_eligible);
	for (i = 0; i < EX__MAX; i++)
		print_message(" %s=%ld", exclusion_names[i], r->excluded[i]);
	print_message("\nbrute: total %ld excluded", btotal);
	for (i = 0; i < EX__MAX; i++)
		print_message(" %s=%ld", exclusion_names[i], bx[i]);
	print_message("\n");
	if (focus == -2)
		return;
	if (focus >= 0) {
		print_message("therapist %s: brute %s, index alone %s\n%s\n", d->t[focus].id,
		              rule_name(brute_rule(d, focus, bq)),
		              rule_name(index_rule_one(d, focus, bq->q)), d->line[focus]);
		return;
	}
	/* One index per therapist is slow: try first the rows whose brute
	 * verdict is a category whose count differs. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < d->n; i++) {
			int b = brute_rule(d, i, bq), x;
			bool suspect = b < 0 ? r->total_eligible != btotal : r->excluded[b] != bx[b];

			if (pass == 0 ? !suspect : suspect)
				continue;
			x = index_rule_one(d, i, bq->q);
			if (b != x) {
				print_message("first therapist that differs: %s: brute %s, index %s\n%s\n",
				              d->t[i].id, rule_name(b), rule_name(x), d->line[i]);
				return;
			}
		}
	print_message("no single therapist differs on its own\n");
}

static void
check_query(struct dir *d, const char *json, size_t len, const struct intent *in,
            struct stats *st)
{
	struct arena qa;
	struct query q, q200;
	struct verr e;
	struct match_result r;
	struct match_hit *hits = NULL;
	struct bq bq;
	long bx[EX__MAX] = {0}, btotal = 0;
	int8_t *rule;
	int i, n_hits, want;
	char what[256];

	arena_init(&qa, 16384);
	if (query_parse(d->tax, json, len, NOW, &qa, &q, &e))
		fail_msg("query_parse: %s: %s\n%s", e.field, e.msg, json);
	st->queries++;
	if (q.week_days != in->week) {
		st->mismatches++;
		print_message("MISMATCH: the query's week starts on day %lld, want %lld\nquery: %s\n",
		              (long long)q.week_days, (long long)in->week, json);
	}
	bq_init(&bq, d, &q, in);
	rule = malloc((size_t)d->n);
	assert_non_null(rule);
	for (i = 0; i < d->n; i++) {
		int k = brute_rule(d, i, &bq);

		rule[i] = (int8_t)k;
		if (k < 0)
			btotal++;
		else
			bx[k]++;
	}
	assert_int_equal(match_run(d->mc, &q, &r), 0);

	/* Counts. */
	if (r.total_eligible != btotal) {
		snprintf(what, sizeof(what), "total_eligible %ld, brute %ld", r.total_eligible, btotal);
		report(d, json, &bq, &r, bx, btotal, what, -1, st);
		goto out;
	}
	for (i = 0; i < EX__MAX; i++)
		if (r.excluded[i] != bx[i]) {
			snprintf(what, sizeof(what), "excluded.%s %ld, brute %ld",
			         exclusion_names[i], r.excluded[i], bx[i]);
			report(d, json, &bq, &r, bx, btotal, what, -1, st);
			goto out;
		}
	for (i = 0; i < EX__MAX; i++)
		st->rule_hit[i] += bx[i] > 0;
	st->nonempty += btotal > 0;
	st->overlap_queries += q.require_overlap;
	st->boundary += in->boundary;

	/* Hits: count, eligibility, order, and what each says. */
	want = (int)(btotal < in->limit ? btotal : in->limit);
	if (r.n_hits != want) {
		snprintf(what, sizeof(what), "%d hits, want min(limit %d, total %ld)",
		         r.n_hits, in->limit, btotal);
		report(d, json, &bq, &r, bx, btotal, what, -1, st);
		goto out;
	}
	n_hits = r.n_hits;
	hits = malloc(((size_t)n_hits + 1) * sizeof(*hits));
	assert_non_null(hits);
	memcpy(hits, r.hits, (size_t)n_hits * sizeof(*hits));
	for (i = 0; i < n_hits; i++) {
		const struct match_hit *h = &hits[i];
		uint32_t row = h->row;
		const struct therapist *t;
		bool need_ip = in->modality != QMOD_TELEHEALTH && q.has_location;
		int tele, ov = -1;

		if (row >= (uint32_t)d->n || rule[row] != -1) {
			snprintf(what, sizeof(what), "hit %d is row %u (%s), which the brute force finds %s",
			         i, row, row < (uint32_t)d->n ? d->t[row].id : "?",
			         row < (uint32_t)d->n ? rule_name(rule[row]) : "out of range");
			report(d, json, &bq, &r, bx, btotal, what, row < (uint32_t)d->n ? (int)row : -1, st);
			goto out;
		}
		rule[row] = -2;         /* seen */
		t = &d->t[row];
		if (i > 0 && (hits[i - 1].score < h->score ||
		              (hits[i - 1].score == h->score && hits[i - 1].row >= row))) {
			snprintf(what, sizeof(what), "hit %d (score %d, row %u) after (score %d, row %u)",
			         i, h->score, row, hits[i - 1].score, hits[i - 1].row);
			report(d, json, &bq, &r, bx, btotal, what, row < (uint32_t)d->n ? (int)row : -1, st);
			goto out;
		}
		if (h->score < 0 || h->score > SCORE_SCALE) {
			snprintf(what, sizeof(what), "hit %s: score %d", t->id, h->score);
			report(d, json, &bq, &r, bx, btotal, what, row < (uint32_t)d->n ? (int)row : -1, st);
			goto out;
		}
		if (h->fee != eff_fee(t, &q)) {
			snprintf(what, sizeof(what), "hit %s: effective fee %d, brute %lld",
			         t->id, h->fee, (long long)eff_fee(t, &q));
			report(d, json, &bq, &r, bx, btotal, what, row < (uint32_t)d->n ? (int)row : -1, st);
			goto out;
		}
		if (h->in_person != (need_ip && in_reach(t, &bq))) {
			snprintf(what, sizeof(what), "hit %s: in_person %d", t->id, h->in_person);
			report(d, json, &bq, &r, bx, btotal, what, row < (uint32_t)d->n ? (int)row : -1, st);
			goto out;
		}
		tele = in->modality != QMOD_IN_PERSON ? tele_way(d, t, q.jurisdiction) : TELE_NONE;
		if (h->tele != tele) {
			snprintf(what, sizeof(what), "hit %s: telehealth basis %d, brute %d",
			         t->id, h->tele, tele);
			report(d, json, &bq, &r, bx, btotal, what, row < (uint32_t)d->n ? (int)row : -1, st);
			goto out;
		}
		if (h->soft != shared_orgs(d, (int)row, &q)) {
			snprintf(what, sizeof(what), "hit %s: %d soft conflicts, brute %d",
			         t->id, h->soft, shared_orgs(d, (int)row, &q));
			report(d, json, &bq, &r, bx, btotal, what, row < (uint32_t)d->n ? (int)row : -1, st);
			goto out;
		}
		if (q.require_overlap || (q.zone && q.n_free)) {
			int64_t best;

			ov = bq.n_qwin ? overlap_of(d, (int)row, &bq, &best) : 0;
		}
		if (h->overlap != ov) {
			snprintf(what, sizeof(what), "hit %s: overlap %d minutes, brute %d",
			         t->id, h->overlap, ov);
			report(d, json, &bq, &r, bx, btotal, what, row < (uint32_t)d->n ? (int)row : -1, st);
			goto out;
		}
		if (q.has_location && t->has_office) {
			double km = gc_km(q.lat, q.lon, t->lat, t->lon);

			if (isnan(h->distance) || fabs(h->distance - km) > 1e-3 + km * 1e-5) {
				snprintf(what, sizeof(what), "hit %s: distance %g, brute %g",
				         t->id, (double)h->distance, km);
				report(d, json, &bq, &r, bx, btotal, what, row < (uint32_t)d->n ? (int)row : -1, st);
				goto out;
			}
		} else if (!isnan(h->distance)) {
			snprintf(what, sizeof(what), "hit %s: distance %g without an office or location",
			         t->id, (double)h->distance);
			report(d, json, &bq, &r, bx, btotal, what, row < (uint32_t)d->n ? (int)row : -1, st);
			goto out;
		}
	}
	st->exact_sets += n_hits == btotal && btotal > 0;

	/* The top `limit` is the top of the top 200. */
	if (in->limit < QUERY_LIMIT_MAX && n_hits > 0) {
		struct match_result r2;

		q200 = q;
		q200.limit = QUERY_LIMIT_MAX;
		assert_int_equal(match_run(d->mc, &q200, &r2), 0);
		for (i = 0; i < n_hits; i++)
			if (r2.hits[i].row != hits[i].row || r2.hits[i].score != hits[i].score) {
				snprintf(what, sizeof(what), "limit %d: hit %d is row %u, limit 200 has row %u there",
				         in->limit, i, hits[i].row, r2.hits[i].row);
				report(d, json, &bq, &r, bx, btotal, what, (int)hits[i].row, st);
				goto out;
			}
	}
	/* The index read back from the store answers the same. */
	if (d->smc) {
		struct match_result r3;

		assert_int_equal(match_run(d->smc, &q, &r3), 0);
		if (r3.total_eligible != btotal || r3.n_hits != n_hits ||
		    memcmp(r3.excluded, bx, sizeof(bx)) != 0) {
			snprintf(what, sizeof(what), "the index from the store: total %ld, %d hits",
			         r3.total_eligible, r3.n_hits);
			report(d, json, &bq, &r3, bx, btotal, what, -2, st);
			goto out;
		}
		for (i = 0; i < n_hits; i++)
			if (r3.hits[i].row != hits[i].row || r3.hits[i].score != hits[i].score ||
			    r3.hits[i].fee != hits[i].fee || r3.hits[i].overlap != hits[i].overlap ||
			    r3.hits[i].tele != hits[i].tele || r3.hits[i].soft != hits[i].soft) {
				snprintf(what, sizeof(what), "the index from the store: hit %d differs", i);
				report(d, json, &bq, &r3, bx, btotal, what, (int)hits[i].row, st);
				goto out;
			}
	}
out:
	free(hits);
	free(rule);
	arena_free(&qa);
}

static void
run_directory(uint64_t seed, int n, int n_orgs, int n_queries, int pack)
{
	struct dir d;
	struct stats st;
	struct buf b = BUF_INIT;
	struct intent in;
	int i;

	rng = seed;
	memset(&st, 0, sizeof(st));
	dir_build(&d, n, n_orgs, pack);
	if (pack)
		dir_store(&d);
	for (i = 0; i < n_queries; i++) {
		buf_reset(&b);
		gen_query(&b, &d, &in);
		assert_non_null(b.p);
		check_query(&d, b.p, b.len, &in, &st);
	}
	print_message("directory of %d (%d orgs%s): %d queries, %d mismatches; "
	              "rules that excluded someone:", n, n_orgs, pack ? ", packed, stored" : "",
	              st.queries, st.mismatches);
	for (i = 0; i < EX__MAX; i++)
		print_message(" %s %d", exclusion_names[i], st.rule_hit[i]);
	print_message("; %d with eligible rows, %d returned whole, %d require_overlap, "
	              "%d with a distance limit a hair from an office\n",
	              st.nonempty, st.exact_sets, st.overlap_queries, st.boundary);
	buf_free(&b);
	dir_free(&d);
	assert_int_equal(st.mismatches, 0);
	/* The generator must keep every rule busy, or the test proves little. */
	for (i = 0; i < EX__MAX; i++)
		assert_true(st.rule_hit[i] >= n_queries / 20);
	assert_true(st.exact_sets >= n_queries / 10);
}

/* ----------------------------------------------------------------------
 * Changes without a rebuild (index.h, struct index_delta)
 *
 * Random sequences of edits (a therapist's record replaced by a fresh
 * one), additions (new ids between and around the base's), removals and
 * pauses, applied to the base as a delta the way app/live.c applies
 * them, against an index built whole from the directory as changed:
 * every random query must give byte-identical JSON (counts, ranking with
 * its ties, every field and reason).
 * ---------------------------------------------------------------------- */

struct change {
	const char *id;
	const struct therapist *t;      /* NULL: removed */
	bool paused;
};

static int
cmp_change(const void *a, const void *b)
{
	return strcmp(((const struct change *)a)->id, ((const struct change *)b)->id);
}

/* The current record of every id: the base's, as changed by ch. */
static struct index *
full_build(struct dir *d, const struct change *ch, int n_ch, const bool *base_paused)
{
	struct index_builder *b = index_builder_new(d->tax, &d->cx);
	struct index *ix;
	struct verr e;
	int i = 0, k = 0, o;

	assert_non_null(b);
	for (o = 0; o < d->n_orgs; o++)
		assert_int_equal(index_add_org(b, &d->orgs[o]), 0);
	while (i < d->n || k < n_ch) {
		int c = i == d->n ? 1 : k == n_ch ? -1 : strcmp(d->t[i].id, ch[k].id);

		if (c < 0) {
			if (index_add_therapist(b, &d->t[i], &e))
				fail_msg("full build %s: %s", d->t[i].id, e.msg);
			i++;
			continue;
		}
		if (ch[k].t && index_add_therapist(b, ch[k].t, &e))
			fail_msg("full build %s: %s", ch[k].id, e.msg);
		k++;
		if (c == 0)
			i++;
	}
	ix = index_finish(b, &e);
	assert_non_null(ix);
	/* A changed record's pause is the change's. */
	for (i = 0; i < d->n; i++)
		if (base_paused[i] && !bsearch(&(struct change){.id = d->t[i].id}, ch, (size_t)n_ch,
		                               sizeof(*ch), cmp_change))
			index_set_paused(ix, (uint32_t)index_row(ix, d->t[i].id), true);
	for (k = 0; k < n_ch; k++)
		if (ch[k].t && ch[k].paused)
			index_set_paused(ix, (uint32_t)index_row(ix, ch[k].id), true);
	return ix;
}

/* The delta of ch over the base, as app/live.c makes it. */
static struct index *
delta_build(struct dir *d, const struct change *ch, int n_ch, uint64_t **gone)
{
	struct index_builder *b = index_builder_over(d->ix);
	struct index *ix;
	struct verr e;
	int k;

	assert_non_null(b);
	*gone = index_gone_new(d->ix);
	assert_non_null(*gone);
	for (k = 0; k < n_ch; k++) {
		index_gone_mark(d->ix, *gone, ch[k].id);
		if (ch[k].t && index_add_therapist(b, ch[k].t, &e))
			fail_msg("delta %s: %s", ch[k].id, e.msg);
	}
	ix = index_finish(b, &e);
	assert_non_null(ix);
	for (k = 0; k < n_ch; k++)
		if (ch[k].t && ch[k].paused)
			index_set_paused(ix, (uint32_t)index_row(ix, ch[k].id), true);
	return ix;
}

static void
run_delta(uint64_t seed, int n, int n_orgs, int rounds, int ops, int queries)
{
	struct dir d;
	struct buf b = BUF_INIT, ja = BUF_INIT, jb = BUF_INIT;
	struct change *ch;
	bool *base_paused;
	int n_ch = 0, cap, round, i, compared = 0, with_hits = 0;
	uint64_t serial = 0;

	rng = seed;
	dir_build(&d, n, n_orgs, 0);
	cap = rounds * ops + 1;
	ch = calloc((size_t)cap, sizeof(*ch));
	base_paused = calloc((size_t)n, sizeof(bool));
	assert_non_null(ch);
	assert_non_null(base_paused);
	for (round = 0; round < rounds; round++) {
		struct index *full, *dix;
		struct match_ctx *fc;
		struct index_delta delta;
		uint64_t *gone;

		for (i = 0; i < ops; i++) {
			int op = rnd(100), k;
			char id[40];
			const char *which;
			struct change *c;

			if (op < 15) {
				/* Pause or resume someone, as an admin's hiding does. */
				k = rnd(n);
				which = d.t[k].id;
				c = bsearch(&(struct change){.id = which}, ch, (size_t)n_ch, sizeof(*ch),
				            cmp_change);
				if (c)
					c->paused = !c->paused;
				else
					index_set_paused(d.ix, (uint32_t)k, base_paused[k] = !base_paused[k]);
				continue;
			}
			if (op < 55) {
				which = d.t[rnd(n)].id;                 /* an edit of the base's */
			} else if (op < 70 && n_ch) {
				which = ch[rnd(n_ch)].id;               /* again */
			} else if (op < 85) {
				/* A new id: before, between or after the base's. */
				snprintf(id, sizeof(id), "%s-%d", chance(10) ? "a" : chance(10) ? "z" :
				         d.t[rnd(n)].id, rnd(1000));
				which = arena_strdup(&d.a, id);
			} else {
				which = chance(70) ? d.t[rnd(n)].id : n_ch ? ch[rnd(n_ch)].id : d.t[0].id;
				c = bsearch(&(struct change){.id = which}, ch, (size_t)n_ch, sizeof(*ch),
				            cmp_change);
				if (!c) {
					c = &ch[n_ch++];
					c->id = which;
				}
				c->t = NULL;                            /* removed */
				qsort(ch, (size_t)n_ch, sizeof(*ch), cmp_change);
				continue;
			}
			c = bsearch(&(struct change){.id = which}, ch, (size_t)n_ch, sizeof(*ch), cmp_change);
			if (!c) {
				c = &ch[n_ch++];
				c->id = which;
				/* A base row edited keeps its pause until changed. */
				for (k = 0; k < n; k++)
					if (strcmp(d.t[k].id, which) == 0)
						c->paused = base_paused[k];
			}
			{
				struct record r;
				struct verr e;
				struct therapist *t = arena_calloc(&d.a, 1, sizeof(*t));

				buf_reset(&b);
				gen_therapist(&b, &d, which);
				if (record_parse(d.tax, b.p, b.len, &d.a, &r, &e))
					fail_msg("changed line %s\n%s: %s", b.p, e.field, e.msg);
				*t = r.t;
				c->t = t;
				if (chance(20))
					c->paused = chance(50);
			}
			qsort(ch, (size_t)n_ch, sizeof(*ch), cmp_change);
		}
		full = full_build(&d, ch, n_ch, base_paused);
		fc = match_ctx_new(full);
		dix = delta_build(&d, ch, n_ch, &gone);
		delta.ix = dix;
		delta.gone = gone;
		delta.serial = ++serial;
		assert_non_null(fc);
		assert_int_equal(match_ctx_delta(d.mc, &delta), 0);
		for (i = 0; i < queries; i++) {
			struct intent in;
			struct arena qa;
			struct query q;
			struct verr e;
			struct match_result ra, rb;

			buf_reset(&b);
			gen_query(&b, &d, &in);
			arena_init(&qa, 16384);
			if (query_parse(d.tax, b.p, b.len, NOW, &qa, &q, &e))
				fail_msg("query_parse: %s: %s\n%s", e.field, e.msg, b.p);
			buf_reset(&ja);
			buf_reset(&jb);
			assert_int_equal(match_run(fc, &q, &ra), 0);
			assert_int_equal(match_result_json(fc, &q, &ra, &ja), 0);
			assert_int_equal(match_run(d.mc, &q, &rb), 0);
			assert_int_equal(match_result_json(d.mc, &q, &rb, &jb), 0);
			if (ja.len != jb.len || memcmp(ja.p, jb.p, ja.len) != 0) {
				size_t at = 0;

				while (at < ja.len && at < jb.len && ja.p[at] == jb.p[at])
					at++;
				at = at > 200 ? at - 200 : 0;
				print_message("full:  %.400s\n", ja.p + at);
				print_message("delta: %.400s\n", jb.p + at);
				fail_msg("round %d, %d changes: the delta differs from a full build\n"
				         "query: %s\nfull:  ...%.400s\ndelta: ...%.400s\n", round, n_ch,
				         b.p, ja.p + at, jb.p + at);
			}
			compared++;
			with_hits += ra.n_hits > 0;
			arena_free(&qa);
		}
		assert_int_equal(match_ctx_delta(d.mc, NULL), 0);
		match_ctx_free(fc);
		index_free(full);
		index_free(dix);
		free(gone);
	}
	print_message("delta over %d: %d rounds, %d changed ids at the end, %d queries "
	              "identical to a full build (%d with hits)\n", n, rounds, n_ch, compared,
	              with_hits);
	assert_true(with_hits >= compared / 4);
	free(ch);
	free(base_paused);
	buf_free(&b);
	buf_free(&ja);
	buf_free(&jb);
	dir_free(&d);
}

static void test_delta_400(void **s) { (void)s; run_delta(11, 400, 30, 12, 6, 60); }
static void test_delta_1500(void **s) { (void)s; run_delta(12, 1500, 70, 8, 40, 80); }

static void test_dir_300(void **s) { (void)s; run_directory(1, 300, 30, 400, 0); }
static void test_dir_800(void **s) { (void)s; run_directory(2, 800, 55, 350, 1); }
static void test_dir_1500(void **s) { (void)s; run_directory(3, 1500, 70, 320, 0); }
static void test_dir_2200(void **s) { (void)s; run_directory(4, 2200, 85, 320, 1); }
static void test_dir_3000(void **s) { (void)s; run_directory(5, 3000, 100, 320, 0); }

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_300),
		cmocka_unit_test(test_dir_800),
		cmocka_unit_test(test_dir_1500),
		cmocka_unit_test(test_dir_2200),
		cmocka_unit_test(test_dir_3000),
		cmocka_unit_test(test_delta_400),
		cmocka_unit_test(test_delta_1500),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
