/*
 * cmd_bench_names.c: `chiron bench-names`, the figures of turning what a
 * person types into places and organizations (make bench, step 6).
 *
 *     chiron bench-names [--db PATH] [--json]
 *
 * Places (core/places.c, the built-in table): the first parse, then
 * places_find on ZIP codes and on city names, and places_nearest on
 * 100,000 points drawn (fixed seed) over the contiguous states, each call
 * timed alone: mean, p50, p99, max in microseconds.
 *
 * Organizations (core/orgname.c), when --db names a store: the registry
 * read from it, the name index built (as the live index builds it), then
 * orgname_find on names taken from the registry: whole names, their first
 * two words (a prefix), initials of their first three significant words,
 * their last two words (a loose fit, half the registry counted as
 * declared). --json adds one line of JSON with every figure.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/jw.h"
#include "core/orgname.h"
#include "core/places.h"
#include "store/store.h"

#define NEAREST_CALLS 100000
#define SAMPLE 2000

struct lat {
	double mean, p50, p99, max;
	int n;
};

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct lat
lat_of(double *v, int n)
{
	struct lat l = {0, 0, 0, 0, n};
	int i;

	if (n <= 0)
		return l;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	for (i = 0; i < n; i++)
		l.mean += v[i];
	l.mean /= n;
	l.p50 = v[n / 2];
	l.p99 = v[(int)((double)n * 0.99) < n ? (int)((double)n * 0.99) : n - 1];
	l.max = v[n - 1];
	return l;
}

static void
say(const char *what, const struct lat *l)
{
	printf("  %-44s %9.2f %9.2f %9.2f %9.2f %8d\n", what, l->mean, l->p50, l->p99, l->max, l->n);
}

static uint64_t
rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ------------------------------------------------------------------ */

struct names {
	char **v;
	uint32_t n, cap;
};

static int
take_org(void *arg, const struct store_org *o)
{
	struct names *x = arg;

	if (x->n == x->cap) {
		uint32_t cap = x->cap ? x->cap * 2 : 1024;
		char **v = realloc(x->v, cap * sizeof(*v));

		if (!v)
			return 1;
		x->v = v;
		x->cap = cap;
	}
	if (!(x->v[x->n] = strdup(o->name ? o->name : "")))
		return 1;
	x->n++;
	return 0;
}

static int
half(void *arg, uint32_t org)
{
	(void)arg;
	return (org & 1) == 0;
}

/* Times orgname_find on SAMPLE texts made from registry names by make. */
static struct lat
time_orgs(const struct orgname_index *x, const struct names *r, void (*make)(const char *, char *),
          double *v, int *hits)
{
	uint64_t s = 42;
	uint32_t out[10];
	enum orgname_fit fit;
	int i, n = 0;

	*hits = 0;
	for (i = 0; i < SAMPLE; i++) {
		char typed[ORGNAME_MAX];
		double t;

		make(r->v[rng(&s) % r->n], typed);
		if (!typed[0])
			continue;
		t = now_us();
		*hits += orgname_find(x, typed, strlen(typed), half, NULL, out, 10, &fit) > 0;
		v[n++] = now_us() - t;
	}
	return lat_of(v, n);
}

static void
whole(const char *name, char *out)
{
	snprintf(out, ORGNAME_MAX, "%s", name);
}

/* The first n words of the normalized name (n < 0: the last -n); "" for names of under 3 words. */
static void
words(const char *name, char *out, int n)
{
	char norm[ORGNAME_MAX];
	size_t start[64], len[64], o = 0;
	int k = 0, i, from, to;
	const char *p;

	orgname_norm(name, strlen(name), norm);
	for (p = norm; *p && k < 64; k++) {
		start[k] = (size_t)(p - norm);
		len[k] = strcspn(p, " ");
		p += len[k];
		p += *p == ' ';
	}
	out[0] = '\0';
	from = n > 0 ? 0 : k + n;
	to = n > 0 ? n : k;
	if (k < 3 || from < 0 || to > k)
		return;
	for (i = from; i < to; i++) {
		if (o)
			out[o++] = ' ';
		memcpy(out + o, norm + start[i], len[i]);
		o += len[i];
	}
	out[o] = '\0';
}

static void
first_two(const char *name, char *out)
{
	words(name, out, 2);
}

static void
last_two(const char *name, char *out)
{
	words(name, out, -2);
}

static void
initials3(const char *name, char *out)
{
	char norm[ORGNAME_MAX];

	orgname_norm(name, strlen(name), norm);
	orgname_initials(norm, out);
	out[strlen(out) > 3 ? 3 : strlen(out)] = '\0';
}

/* ------------------------------------------------------------------ */

static int
usage_names(void)
{
	fprintf(stderr, "usage: chiron bench-names [--db PATH] [--json]\n");
	return 2;
}

int
cmd_bench_names(int argc, char **argv)
{
	static const char *const cities[] = {
		"Seattle", "seattle, wa", "St. Louis, MO", "Portland", "new york city", "Springfield",
		"Kansas City", "Fort Worth", "Atlantis", "O'Fallon, IL",
	};
	const char *db = NULL;
	bool json = false;
	double *v, t;
	struct place out[8];
	struct lat parse, zip, city, near, ex = {0}, pre = {0}, ini = {0}, loo = {0};
	struct names reg = {0};
	double build_ms = 0;
	int i, found = 0, h_ex = 0, h_pre = 0, h_ini = 0, h_loo = 0;
	uint64_t s = 7;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else
			return usage_names();
	}
	if (!(v = malloc(NEAREST_CALLS * sizeof(*v))))
		return 1;

	t = now_us();
	places_builtin();
	v[0] = now_us() - t;
	parse = lat_of(v, 1);
	for (i = 0; i < SAMPLE; i++) {
		char typed[8];

		snprintf(typed, sizeof(typed), "%05d", (int)(rng(&s) % 100000));
		t = now_us();
		found += places_find(places_builtin(), typed, NULL, out, 8) > 0;
		v[i] = now_us() - t;
	}
	zip = lat_of(v, SAMPLE);
	for (i = 0; i < SAMPLE; i++) {
		t = now_us();
		places_find(places_builtin(), cities[i % 10], NULL, out, 8);
		v[i] = now_us() - t;
	}
	city = lat_of(v, SAMPLE);
	for (i = 0; i < NEAREST_CALLS; i++) {
		double lat = 25.0 + (double)(rng(&s) % 24000) / 1000.0;
		double lon = -124.0 + (double)(rng(&s) % 57000) / 1000.0;

		t = now_us();
		places_nearest(places_builtin(), lat, lon, out);
		v[i] = now_us() - t;
	}
	near = lat_of(v, NEAREST_CALLS);

	printf("names: places (built-in table, %s)\n", places_source());
	printf("  %-44s %9s %9s %9s %9s %8s\n", "microseconds per call", "mean", "p50", "p99", "max", "calls");
	say("first use: parse the table", &parse);
	say("places_find, random 5-digit ZIPs", &zip);
	say("places_find, city names", &city);
	say("places_nearest, points over the 48 states", &near);

	if (db) {
		char err[256];
		struct store *st = store_open(db, err, sizeof(err));
		struct orgname_index *x;

		if (!st) {
			fprintf(stderr, "chiron bench-names: %s\n", err);
			return 1;
		}
		if (store_scan_orgs(st, take_org, &reg) || reg.n == 0) {
			fprintf(stderr, "chiron bench-names: no organizations read from %s\n", db);
			store_close(st);
			return 1;
		}
		store_close(st);
		t = now_us();
		x = orgname_index_build((const char *const *)reg.v, reg.n);
		build_ms = (now_us() - t) / 1000.0;
		if (!x)
			return 1;
		ex = time_orgs(x, &reg, whole, v, &h_ex);
		pre = time_orgs(x, &reg, first_two, v, &h_pre);
		ini = time_orgs(x, &reg, initials3, v, &h_ini);
		loo = time_orgs(x, &reg, last_two, v, &h_loo);
		printf("names: organizations (%u in the registry; index built in %.1f ms)\n", reg.n, build_ms);
		printf("  %-44s %9s %9s %9s %9s %8s\n", "microseconds per call", "mean", "p50", "p99", "max", "calls");
		say("orgname_find, whole names", &ex);
		say("orgname_find, first two words", &pre);
		say("orgname_find, three initials", &ini);
		say("orgname_find, last two words (loose)", &loo);
		orgname_index_free(x);
	}
	if (json) {
		struct buf out_json = BUF_INIT;
		struct jw w;

		jw_init(&w, &out_json);
		jw_obj_open(&w);
		jw_kobj_open(&w, "places");
		jw_knum(&w, "parse_us", parse.mean);
		jw_knum(&w, "zip_us", zip.mean);
		jw_knum(&w, "city_us", city.mean);
		jw_knum(&w, "nearest_us", near.mean);
		jw_knum(&w, "nearest_p99_us", near.p99);
		jw_obj_close(&w);
		jw_kobj_open(&w, "orgs");
		jw_kint(&w, "n", reg.n);
		jw_knum(&w, "build_ms", build_ms);
		jw_knum(&w, "whole_us", ex.mean);
		jw_knum(&w, "prefix_us", pre.mean);
		jw_knum(&w, "initials_us", ini.mean);
		jw_knum(&w, "loose_us", loo.mean);
		jw_knum(&w, "loose_p99_us", loo.p99);
		jw_obj_close(&w);
		jw_obj_close(&w);
		if (jw_end(&w) || !out_json.p) {
			fprintf(stderr, "chiron bench-names: out of memory\n");
			return 1;
		}
		printf("%s\n", out_json.p);
		buf_free(&out_json);
	}
	for (uint32_t k = 0; k < reg.n; k++)
		free(reg.v[k]);
	free(reg.v);
	free(v);
	(void)found;
	(void)h_ex, (void)h_pre, (void)h_ini, (void)h_loo;
	return 0;
}
