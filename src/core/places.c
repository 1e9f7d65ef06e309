/*
 * places.c: US ZIP codes and city names to points (see places.h).
 *
 * Design notes.
 *
 * 1. The table. data/places.tsv (one ZIP a line: zip, city, ISO state,
 *    lat, lon; sorted by ZIP) is compiled into the binary by bin2c and
 *    parsed once, under pthread_once, into a struct places that nothing
 *    changes afterwards, so every thread reads it without a lock. It is
 *    never freed: it lives as long as the program.
 *
 * 2. Three views of the same rows:
 *    - zips[]: every ZIP, sorted by code (the file's order, checked):
 *      a typed ZIP is one binary search;
 *    - cities[]: one entry per (normalized city name, state), sorted by
 *      name then state, with the number of its ZIPs and its point, the
 *      ZIP nearest to the mean of its ZIPs (a real place inside the city
 *      rather than a mean that may fall in a bay): a typed city name is
 *      one binary search for the first entry and a walk over the states
 *      that have it;
 *    - grid[]: the ZIPs' indices sorted by a cell of 1 degree by 1
 *      degree, with cell_first[] giving where each occupied cell starts:
 *      places_nearest looks only at the cells within 50 km of the point
 *      (about 3 by 3 in the contiguous states), a few hundred ZIPs at
 *      most instead of 42,000.
 *
 * 3. Names. A city name is compared in its normalized form: ASCII lower
 *    case, apostrophes dropped ("O'Fallon" is "ofallon"), every other
 *    byte that is not a letter or digit a word break, and the words
 *    "st", "ste", "ft", "mt" spelled "saint", "sainte", "fort", "mount".
 *    Bytes outside ASCII are kept as they are, inside words. The key a
 *    city is found by is that without its spaces: the table writes
 *    "O Fallon" and "Mc Afee" as the Postal Service does, people write
 *    "O'Fallon" and "McAfee".
 *
 * 4. What a person types. Leading and trailing blanks do not count.
 *    "ddddd" or "ddddd-dddd" (or "ddddd dddd") is a ZIP and nothing else.
 *    Otherwise it is a city: "City, ST" / "City, State name" names the
 *    state after the last comma; without a comma the whole text is tried
 *    as a city first, then with a trailing state code or name taken off
 *    ("Seattle WA", "Portland Oregon"); a trailing word "city" is tried
 *    off as well when nothing matched ("New York City"). The state
 *    argument, when given, must agree with a typed state. Several states
 *    with the city come out most ZIPs first (a proxy for the populous
 *    one: Portland, OR before Portland, ME), then by state code.
 */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/places.h"

extern const char chiron_places_tsv[];
extern const size_t chiron_places_tsv_len;

#define PLACES_SOURCE "GeoNames (CC BY 4.0) and the Free Zipcode Database, from npm zipcodes 8.0.0, 2024-12-09"
#define NAME_MAX_ 64                    /* bytes of a (normalized) city name */
#define EARTH_KM 6371.0088
#define NEAR_KM 50.0
#define GRID_W 360                      /* 1-degree cells: key = (lat + 90) * 360 + (lon + 180) */

struct pzip {
	char zip[6];
	uint8_t state;                  /* index into states[] */
	uint32_t city;                  /* index into cities[] */
	uint32_t cell;                  /* its cell of the grid */
	const char *name;               /* the city as the table spells it */
	float lat, lon;
};

struct pcity {
	char norm[NAME_MAX_];
	uint8_t state;
	uint32_t nzip;
	uint32_t best;                  /* the ZIP nearest the mean of its ZIPs */
	double slat, slon;              /* sums, while building */
};

struct places {
	struct pzip *zips;
	size_t nz;
	struct pcity *cities;
	size_t nc;
	uint32_t *grid;                 /* ZIP indices sorted by cell */
	uint32_t *cell_key;             /* the occupied cells, ascending */
	uint32_t *cell_first;           /* where each starts in grid[]; one more entry at the end */
	size_t ncells;
};

/* The states and territories of the table, by ISO code. */
static const struct {
	const char *code, *name;
} states[] = {
	{"US-AK", "Alaska"}, {"US-AL", "Alabama"}, {"US-AR", "Arkansas"}, {"US-AS", "American Samoa"},
	{"US-AZ", "Arizona"}, {"US-CA", "California"}, {"US-CO", "Colorado"}, {"US-CT", "Connecticut"},
	{"US-DC", "District of Columbia"}, {"US-DE", "Delaware"}, {"US-FL", "Florida"},
	{"US-GA", "Georgia"}, {"US-GU", "Guam"}, {"US-HI", "Hawaii"}, {"US-IA", "Iowa"},
	{"US-ID", "Idaho"}, {"US-IL", "Illinois"}, {"US-IN", "Indiana"}, {"US-KS", "Kansas"},
	{"US-KY", "Kentucky"}, {"US-LA", "Louisiana"}, {"US-MA", "Massachusetts"},
	{"US-MD", "Maryland"}, {"US-ME", "Maine"}, {"US-MI", "Michigan"}, {"US-MN", "Minnesota"},
	{"US-MO", "Missouri"}, {"US-MP", "Northern Mariana Islands"}, {"US-MS", "Mississippi"},
	{"US-MT", "Montana"}, {"US-NC", "North Carolina"}, {"US-ND", "North Dakota"},
	{"US-NE", "Nebraska"}, {"US-NH", "New Hampshire"}, {"US-NJ", "New Jersey"},
	{"US-NM", "New Mexico"}, {"US-NV", "Nevada"}, {"US-NY", "New York"}, {"US-OH", "Ohio"},
	{"US-OK", "Oklahoma"}, {"US-OR", "Oregon"}, {"US-PA", "Pennsylvania"},
	{"US-PR", "Puerto Rico"}, {"US-RI", "Rhode Island"}, {"US-SC", "South Carolina"},
	{"US-SD", "South Dakota"}, {"US-TN", "Tennessee"}, {"US-TX", "Texas"},
	{"US-UM", "U.S. Minor Outlying Islands"}, {"US-UT", "Utah"}, {"US-VA", "Virginia"},
	{"US-VI", "U.S. Virgin Islands"}, {"US-VT", "Vermont"}, {"US-WA", "Washington"},
	{"US-WI", "Wisconsin"}, {"US-WV", "West Virginia"}, {"US-WY", "Wyoming"},
};
#define NSTATES ((int)(sizeof(states) / sizeof(states[0])))

static int
state_by_code(const char *code, size_t n)
{
	int i;

	if (n != 5 || code[0] != 'U' || code[1] != 'S' || code[2] != '-')
		return -1;
	for (i = 0; i < NSTATES; i++)
		if (states[i].code[3] == code[3] && states[i].code[4] == code[4])
			return i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Normalizing names                                                   */

static const struct {
	const char *from, *to;
} city_words[] = {
	{"st", "saint"}, {"ste", "sainte"}, {"ft", "fort"}, {"mt", "mount"},
};

/*
 * Normalizes n bytes of s into out (size cap): see the design note, 3.
 * Returns the length, or (size_t)-1 when it does not fit.
 */
static size_t
norm_name(const char *s, size_t n, char *out, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < n) {
		char w[NAME_MAX_];
		size_t wl = 0, k;
		const char *put;

		while (i < n && !isalnum((unsigned char)s[i]) && !((unsigned char)s[i] & 0x80))
			i++;
		while (i < n && (isalnum((unsigned char)s[i]) || ((unsigned char)s[i] & 0x80) || s[i] == '\'')) {
			if (s[i] != '\'') {
				if (wl + 1 >= sizeof(w))
					return (size_t)-1;
				w[wl++] = (char)tolower((unsigned char)s[i]);
			}
			i++;
		}
		if (wl == 0)
			continue;
		w[wl] = '\0';
		put = w;
		for (k = 0; k < sizeof(city_words) / sizeof(city_words[0]); k++)
			if (strcmp(w, city_words[k].from) == 0)
				put = city_words[k].to;
		wl = strlen(put);
		if (o + (o ? 1 : 0) + wl + 1 > cap)
			return (size_t)-1;
		if (o)
			out[o++] = ' ';
		memcpy(out + o, put, wl);
		o += wl;
	}
	out[o] = '\0';
	return o;
}

/* The key of a normalized name: its letters without the spaces ("o fallon" is "ofallon"). */
static void
squeeze(const char *norm, char *key, size_t cap)
{
	size_t o = 0;

	for (; *norm && o + 1 < cap; norm++)
		if (*norm != ' ')
			key[o++] = *norm;
	key[o] = '\0';
}

/* ------------------------------------------------------------------ */
/* Building the table, once                                            */

static struct places builtin;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static int
cmp_city(const void *a, const void *b)
{
	const struct pcity *x = a, *y = b;
	int c = strcmp(x->norm, y->norm);

	return c ? c : (int)x->state - (int)y->state;
}

static uint32_t
cell_of(double lat, double lon)
{
	int r = (int)floor(lat + 90.0), c = (int)floor(lon + 180.0);

	if (r < 0)
		r = 0;
	if (r > 179)
		r = 179;
	c = ((c % GRID_W) + GRID_W) % GRID_W;
	return (uint32_t)(r * GRID_W + c);
}

static const struct places *grid_owner;  /* for the sort below: set only while building */

static int
cmp_grid(const void *a, const void *b)
{
	uint32_t cx = grid_owner->zips[*(const uint32_t *)a].cell;
	uint32_t cy = grid_owner->zips[*(const uint32_t *)b].cell;

	if (cx != cy)
		return cx < cy ? -1 : 1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static double
dist_km(double lat1, double lon1, double lat2, double lon2)
{
	double r = M_PI / 180.0, dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
	double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);

	return 2 * EARTH_KM * asin(sqrt(a < 1 ? a : 1));
}

/*
 * Parses the table into p. The table is ours, checked by the tests: a
 * malformed row is a build error, reported on stderr and left out.
 */
static void
places_build(struct places *p, const char *tsv, size_t len)
{
	char *text = malloc(len + 1), *line, *end;
	size_t cap = 0, i, j;

	memset(p, 0, sizeof(*p));
	if (!text)
		return;
	memcpy(text, tsv, len);
	text[len] = '\0';
	for (i = 0; i < len; i++)
		cap += text[i] == '\n';
	p->zips = calloc(cap + 1, sizeof(*p->zips));
	p->cities = calloc(cap + 1, sizeof(*p->cities));
	if (!p->zips || !p->cities)
		goto fail;
	for (line = text; *line; line = end) {
		char *f[5], *q = line, *ep1, *ep2;
		struct pzip *z = &p->zips[p->nz];
		int k, st;
		double lat, lon;

		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		for (k = 0; k < 5; k++) {
			f[k] = q;
			q += strcspn(q, k < 4 ? "\t\n" : "\n");
			if (*q == '\t' || *q == '\n')
				*q++ = '\0';
			else if (k < 4)
				break;
		}
		if (k < 5 || strlen(f[0]) != 5 || strspn(f[0], "0123456789") != 5 ||
		    (st = state_by_code(f[2], strlen(f[2]))) < 0 || strlen(f[1]) >= NAME_MAX_ ||
		    (p->nz && strcmp(p->zips[p->nz - 1].zip, f[0]) >= 0)) {
			fprintf(stderr, "chiron: data/places.tsv: a malformed row left out\n");
			continue;
		}
		lat = strtod(f[3], &ep1);
		lon = strtod(f[4], &ep2);
		if (*ep1 || *ep2 || ep1 == f[3] || ep2 == f[4])
			continue;
		memcpy(z->zip, f[0], 6);
		z->state = (uint8_t)st;
		z->name = f[1];
		z->lat = (float)lat;
		z->lon = (float)lon;
		z->cell = cell_of(z->lat, z->lon);
		{
			char spaced[NAME_MAX_];

			if (norm_name(f[1], strlen(f[1]), spaced, sizeof(spaced)) == (size_t)-1)
				continue;
			squeeze(spaced, p->cities[p->nc].norm, NAME_MAX_);
		}
		p->cities[p->nc].state = (uint8_t)st;
		p->cities[p->nc].nzip = p->nz;  /* the ZIP, until merged below */
		p->nc++;
		p->nz++;
	}
	/* One entry per (name, state): sort the per-ZIP entries, then merge runs. */
	qsort(p->cities, p->nc, sizeof(*p->cities), cmp_city);
	for (i = 0, j = 0; i < p->nc; j++) {
		size_t k = i, m;
		struct pcity c = p->cities[i];
		double best = 1e300;

		c.slat = c.slon = 0;
		while (k < p->nc && cmp_city(&p->cities[k], &p->cities[i]) == 0) {
			c.slat += p->zips[p->cities[k].nzip].lat;
			c.slon += p->zips[p->cities[k].nzip].lon;
			k++;
		}
		for (m = i; m < k; m++) {
			uint32_t zi = p->cities[m].nzip;
			double d = dist_km(c.slat / (double)(k - i), c.slon / (double)(k - i),
			                   p->zips[zi].lat, p->zips[zi].lon);

			if (d < best) {
				best = d;
				c.best = zi;
			}
			p->zips[zi].city = (uint32_t)j;
		}
		c.nzip = (uint32_t)(k - i);
		p->cities[j] = c;
		i = k;
	}
	p->nc = j;
	/* The grid. */
	p->grid = malloc((p->nz + 1) * sizeof(*p->grid));
	p->cell_key = malloc((p->nz + 1) * sizeof(*p->cell_key));
	p->cell_first = malloc((p->nz + 2) * sizeof(*p->cell_first));
	if (!p->grid || !p->cell_key || !p->cell_first)
		goto fail;
	for (i = 0; i < p->nz; i++)
		p->grid[i] = (uint32_t)i;
	grid_owner = p;
	qsort(p->grid, p->nz, sizeof(*p->grid), cmp_grid);
	grid_owner = NULL;
	for (i = 0; i < p->nz; i++) {
		const struct pzip *z = &p->zips[p->grid[i]];
		uint32_t key = z->cell;

		if (p->ncells == 0 || p->cell_key[p->ncells - 1] != key) {
			p->cell_key[p->ncells] = key;
			p->cell_first[p->ncells] = (uint32_t)i;
			p->ncells++;
		}
	}
	p->cell_first[p->ncells] = (uint32_t)p->nz;
	return;                         /* text stays: zips[].name points into it */
fail:
	fprintf(stderr, "chiron: out of memory reading data/places.tsv\n");
	free(text);
	free(p->zips);
	free(p->cities);
	free(p->grid);
	free(p->cell_key);
	free(p->cell_first);
	memset(p, 0, sizeof(*p));
}

static void
builtin_init(void)
{
	places_build(&builtin, chiron_places_tsv, chiron_places_tsv_len);
}

const struct places *
places_builtin(void)
{
	pthread_once(&builtin_once, builtin_init);
	return &builtin;
}

const char *
places_source(void)
{
	return PLACES_SOURCE;
}

/* ------------------------------------------------------------------ */
/* Answers                                                             */

static void
fill(const struct places *p, const struct pzip *z, const char *name, int with_zip, struct place *out)
{
	const char *st = states[z->state].code;

	memset(out, 0, sizeof(*out));
	if (with_zip)
		memcpy(out->zip, z->zip, 6);
	snprintf(out->city, sizeof(out->city), "%s", name);
	snprintf(out->state, sizeof(out->state), "%s", st);
	if (with_zip)
		snprintf(out->label, sizeof(out->label), "%s, %s %s", name, st + 3, z->zip);
	else
		snprintf(out->label, sizeof(out->label), "%s, %s", name, st + 3);
	out->lat = z->lat;
	out->lon = z->lon;
	(void)p;
}

static int
find_zip(const struct places *p, const char *zip, const char *state, struct place *out, int max)
{
	size_t lo = 0, hi = p->nz;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(p->zips[mid].zip, zip);

		if (c == 0) {
			const struct pzip *z = &p->zips[mid];

			if (state && strcmp(states[z->state].code, state) != 0)
				return 0;
			if (max < 1)
				return 0;
			fill(p, z, z->name, 1, out);
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The cities named norm (normalized), in state st (or any, -1), best first. */
static int
find_city(const struct places *p, const char *spaced, int st, struct place *out, int max)
{
	size_t lo = 0, hi = p->nc, i, k;
	const struct pcity *pick[64];
	size_t npick = 0;
	char norm[NAME_MAX_];
	int n = 0;

	if (strlen(spaced) >= sizeof(norm))
		return 0;
	squeeze(spaced, norm, sizeof(norm));

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(p->cities[mid].norm, norm) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < p->nc && strcmp(p->cities[i].norm, norm) == 0; i++)
		if ((st < 0 || p->cities[i].state == st) && npick < sizeof(pick) / sizeof(pick[0]))
			pick[npick++] = &p->cities[i];
	/* Most ZIPs first (stable on state code, the array's order): an insertion sort of a few. */
	for (i = 1; i < npick; i++) {
		const struct pcity *c = pick[i];

		for (k = i; k > 0 && pick[k - 1]->nzip < c->nzip; k--)
			pick[k] = pick[k - 1];
		pick[k] = c;
	}
	for (i = 0; i < npick && n < max; i++) {
		const struct pzip *z = &p->zips[pick[i]->best];

		fill(p, z, z->name, 0, &out[n++]);
	}
	return n;
}

/* The state named by the n bytes of s: "WA", "wa", "US-WA", "Washington"; -1 when none. */
static int
state_named(const char *s, size_t n)
{
	char a[NAME_MAX_], b[NAME_MAX_];
	int i;

	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 2 || (n == 5 && (s[0] == 'U' || s[0] == 'u') && (s[1] == 'S' || s[1] == 's') && s[2] == '-')) {
		const char *c = s + n - 2;

		for (i = 0; i < NSTATES; i++)
			if (toupper((unsigned char)c[0]) == states[i].code[3] &&
			    toupper((unsigned char)c[1]) == states[i].code[4])
				return i;
		return -1;
	}
	if (norm_name(s, n, a, sizeof(a)) == (size_t)-1 || !a[0])
		return -1;
	for (i = 0; i < NSTATES; i++)
		if (norm_name(states[i].name, strlen(states[i].name), b, sizeof(b)) != (size_t)-1 &&
		    strcmp(a, b) == 0)
			return i;
	return -1;
}

/* Tries norm as a city, then without a trailing word "city". */
static int
city_or_without_city(const struct places *p, char *norm, int st, struct place *out, int max)
{
	size_t l = strlen(norm);
	int n = find_city(p, norm, st, out, max);

	if (n == 0 && l > 5 && strcmp(norm + l - 5, " city") == 0) {
		norm[l - 5] = '\0';
		n = find_city(p, norm, st, out, max);
	}
	return n;
}

int
places_find(const struct places *p, const char *text, const char *state, struct place *out, int max)
{
	char norm[NAME_MAX_ * 2];
	const char *s = text, *comma;
	size_t n;
	int st = -1, typed, k;

	if (!p || !text || !out || max < 1)
		return 0;
	if (state && *state && (st = state_by_code(state, strlen(state))) < 0)
		return 0;
	if (state && !*state)
		state = NULL;
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n > 200)
		return 0;
	/* A ZIP, "ddddd", "ddddd-dddd" or "ddddd dddd", and nothing else. */
	if (strspn(s, "0123456789") >= 5 || (n >= 1 && isdigit((unsigned char)s[0]) && strspn(s, "0123456789 -") == n)) {
		char zip[6];

		if (strspn(s, "0123456789") != 5)
			return 0;
		if (n != 5 && !(n == 10 && (s[5] == '-' || s[5] == ' ') && strspn(s + 6, "0123456789") == 4))
			return 0;
		memcpy(zip, s, 5);
		zip[5] = '\0';
		return find_zip(p, zip, state, out, max);
	}
	/* "City, State": the state after the last comma. */
	comma = memchr(s, ',', n);
	if (comma) {
		const char *c2;

		while ((c2 = memchr(comma + 1, ',', n - (size_t)(comma + 1 - s))) != NULL)
			comma = c2;
		typed = state_named(comma + 1, n - (size_t)(comma + 1 - s));
		if (typed < 0 || (st >= 0 && typed != st))
			return 0;
		if (norm_name(s, (size_t)(comma - s), norm, sizeof(norm)) == (size_t)-1 || !norm[0])
			return 0;
		return city_or_without_city(p, norm, typed, out, max);
	}
	if (norm_name(s, n, norm, sizeof(norm)) == (size_t)-1 || !norm[0])
		return 0;
	if ((k = city_or_without_city(p, norm, st, out, max)) > 0)
		return k;
	/* "Seattle WA", "Portland Oregon", "Kansas City North Dakota": a state at the end. */
	if (norm_name(s, n, norm, sizeof(norm)) == (size_t)-1)
		return 0;
	for (k = (int)strlen(norm) - 1; k > 0; k--) {
		if (norm[k] != ' ')
			continue;
		typed = state_named(norm + k + 1, strlen(norm + k + 1));
		if (typed >= 0 && (st < 0 || typed == st)) {
			char head[NAME_MAX_ * 2];
			int got;

			memcpy(head, norm, (size_t)k);
			head[k] = '\0';
			if ((got = city_or_without_city(p, head, typed, out, max)) > 0)
				return got;
		}
	}
	return 0;
}

int
places_nearest(const struct places *p, double lat, double lon, struct place *out)
{
	const struct pzip *best = NULL;
	double bestd = NEAR_KM, c;
	int r0, r, dc, span;

	if (!p || !out || !p->ncells || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180))
		return -1;
	r0 = (int)floor(lat + 90.0);
	/* 50 km is under half a degree of latitude; of longitude, 0.45 / cos(lat) degrees. */
	c = cos((fabs(lat) + 1.0) * M_PI / 180.0);
	span = c > 0.01 ? (int)ceil(0.46 / c) : GRID_W / 2;
	if (span > GRID_W / 2)
		span = GRID_W / 2;
	for (r = r0 - 1; r <= r0 + 1; r++) {
		if (r < 0 || r > 179)
			continue;
		for (dc = -span; dc <= span; dc++) {
			int col = (((int)floor(lon + 180.0) + dc) % GRID_W + GRID_W) % GRID_W;
			uint32_t key = (uint32_t)(r * GRID_W + col);
			size_t lo = 0, hi = p->ncells, i;

			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (p->cell_key[mid] < key)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == p->ncells || p->cell_key[lo] != key)
				continue;
			for (i = p->cell_first[lo]; i < p->cell_first[lo + 1]; i++) {
				const struct pzip *z = &p->zips[p->grid[i]];
				double d;

				if (fabs(z->lat - lat) * 111.2 > bestd)
					continue;
				d = dist_km(lat, lon, z->lat, z->lon);
				if (d <= bestd) {
					bestd = d;
					best = z;
				}
			}
		}
	}
	if (!best)
		return -1;
	fill(p, best, best->name, 0, out);
	memcpy(out->zip, best->zip, 6);
	return 0;
}
