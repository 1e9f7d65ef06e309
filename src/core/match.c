/*
 * match.c: eligibility, ranking and results over the index.
 *
 * Design notes
 *
 * 1. Rules run in the order of section 3 of the contract, 64 rows at a
 *    time: a word of candidate rows starts as "open" and each rule clears
 *    the bits of the rows it excludes, counting them under its name. A row
 *    is therefore counted once, under the first rule it fails, and
 *    total_eligible + the exclusions = the rows of the directory
 *    (asserted at the end of match_run).
 * 2. Rules that are bitmaps (open, telehealth, language, orientation,
 *    conflicts) cost a few word operations per 64 rows. Rules that need
 *    per-row numbers (budget, time) look only at the rows still set.
 * 3. Before the word loop, three sparse passes fill scratch bitmaps:
 *    in-person reach (the grid cells of the bounding box of the distance
 *    ring, then exact haversine), hard conflicts (the members of the
 *    seeker's organizations, the supervision links, exclude, self_id and
 *    npi) and soft-conflict counts. They remember the rows they touched
 *    and clear exactly those at the end, so a query costs nothing in
 *    proportion to the directory for them.
 * 4. Time: each side's weekly windows are placed on the real dates of the
 *    requested week in their own zone (tz.c, RFC 5545 gap and fold rules).
 *    For each zone and day the query first asks whether the day has a
 *    single UTC offset; on such days a wall time converts with one
 *    subtraction, and only a transition day takes the full conversion.
 * 5. Ranking keeps a bounded heap of the best `limit` rows by (score,
 *    lower row); scores are quantized to 1/SCORE_SCALE before they are
 *    compared, so the order printed is the order ranked.
 * 6. With a delta (match_ctx_delta; index.c, notes 7-9) the base's gone
 *    rows leave the word loop with the paused ones, but are counted
 *    nowhere: they are not in the directory. A second context over the
 *    delta's index runs the same query; counts add, and the two best
 *    lists merge by (score, id). The merged hits number the delta's
 *    rows after the base's (base n + row); match_hit_ctx() says which
 *    context and row a hit is. The delta numbers its zones as the base
 *    does, so its run takes the weeks the base's run placed.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/match.h"
#include "core/vec.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

const char *const exclusion_names[EX__MAX] = {
	"closed", "modality", "budget", "language", "orientation", "conflict", "time",
};

#define EARTH_KM 6371.0088
#define MIN_OVERLAP_S (50 * 60)
#define MAX_PAIRS 4096
#define PREFETCH_AHEAD 16

/* Weights of the score (docs/ranking.md). */
#define W_GOALS 0.30
#define W_POPULATIONS 0.10
#define W_CAREER 0.10
#define W_CLINICIANS 0.10
#define W_PREFERRED 0.10
#define W_TIME 0.15
#define W_FEE 0.10
#define W_DISTANCE 0.05
#define SOFT_PENALTY 0.10
#define TIME_FULL_MIN 150.0

struct zday {
	int32_t off[7];         /* UTC offset on a uniform day */
	uint8_t uniform[7];
	bool linear;            /* one offset all week: utc = base + minute * 60 */
	int64_t base;           /* UTC of the zone's local Monday 00:00 when linear */
	uint64_t qtouched[3];   /* the query's hours in this zone's week */
	uint64_t qfull[3];
	uint64_t qblock;        /* the query's 3-hour blocks (index.h, struct index.tblock) */
};

#define ival span

struct match_ctx {
	const struct index *ix;
	uint64_t *ip;                   /* in-person reach */
	uint64_t *hard;                 /* hard conflicts and exclusions */
	uint8_t *soft;                  /* soft-conflict counts */
	uint32_t *touched_ip, *touched_hard, *touched_soft;
	size_t n_ip, n_hard, n_soft, cap_ip, cap_hard, cap_soft;
	struct zday *zdays;             /* per index zone, this query's week */
	uint8_t *zdone;
	struct ival qwin[64];           /* the query's windows in UTC */
	int n_qwin;
	struct ival pairs[MAX_PAIRS];
	int last_pairs;
	struct match_hit *heap;
	int n_heap, cap_heap;
	struct cand {                   /* rows left for rule 7 and ranking */
		uint32_t row;
		int32_t fee;
		double raw;             /* score_raw(), while ranking */
	} *cand, *cand2;                /* cand2: the rows ranking scores */
	uint64_t *softbm;               /* rows with a soft conflict */
	/* A delta (match_ctx_delta): the base's rows gone, the context of
	 * the changed records, and the merged best list. */
	const uint64_t *gone;
	struct match_ctx *sub;
	uint64_t sub_serial;
	struct match_hit *merged;
	/* Per query. */
	const struct query *q;
	struct score_k {
		double goal, pop, pref, career, clin, time, fee, fee_whole;
		double dist, dist_whole, dist_half;
		bool dist_on;
	} k;
};

double
haversine_km(double lat1, double lon1, double lat2, double lon2)
{
	const double r = M_PI / 180.0;
	double dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
	double a = sin(dlat / 2) * sin(dlat / 2) +
	           cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);

	if (a > 1)
		a = 1;
	return 2 * EARTH_KM * asin(sqrt(a));
}

/* Haversine with the cosines of the latitudes already known. */
static inline double
haversine_cos(double lat1, double lon1, double cos1, double lat2, double lon2,
              double cos2)
{
	const double r = M_PI / 180.0;
	double sl = sin((lat2 - lat1) * r / 2), so = sin((lon2 - lon1) * r / 2);
	double a = sl * sl + cos1 * cos2 * so * so;

	if (a > 1)
		a = 1;
	return 2 * EARTH_KM * asin(sqrt(a));
}

struct match_ctx *
match_ctx_new(const struct index *ix)
{
	struct match_ctx *c = calloc(1, sizeof(*c));
	size_t words = ix->words ? ix->words : 1, n = ix->n ? ix->n : 1;

	if (!c)
		return NULL;
	c->ix = ix;
	c->ip = calloc(words, sizeof(uint64_t));
	c->hard = calloc(words, sizeof(uint64_t));
	c->soft = calloc(n, 1);
	c->cand = malloc(n * sizeof(*c->cand));
	c->cand2 = malloc(n * sizeof(*c->cand2));
	c->softbm = calloc(words, sizeof(uint64_t));
	c->zdays = calloc((size_t)ix->n_zones + 1, sizeof(struct zday));
	c->zdone = calloc((size_t)ix->n_zones + 1, 1);
	c->cap_heap = QUERY_LIMIT_MAX;
	c->heap = calloc((size_t)c->cap_heap, sizeof(struct match_hit));
	if (!c->ip || !c->hard || !c->soft || !c->zdays ||
	    !c->zdone || !c->heap || !c->cand || !c->cand2 || !c->softbm) {
		match_ctx_free(c);
		return NULL;
	}
	return c;
}

void
match_ctx_free(struct match_ctx *c)
{
	if (!c)
		return;
	free(c->ip);
	free(c->hard);
	free(c->soft);
	free(c->touched_ip);
	free(c->touched_hard);
	free(c->touched_soft);
	free(c->zdays);
	free(c->zdone);
	free(c->heap);
	free(c->cand);
	free(c->cand2);
	free(c->softbm);
	match_ctx_free(c->sub);
	free(c->merged);
	free(c);
}

int
match_ctx_delta(struct match_ctx *c, const struct index_delta *d)
{
	c->gone = d ? d->gone : NULL;
	if (!d || !d->ix) {
		match_ctx_free(c->sub);
		c->sub = NULL;
		return 0;
	}
	if (c->sub && c->sub_serial == d->serial)
		return 0;
	match_ctx_free(c->sub);
	c->sub = match_ctx_new(d->ix);
	if (!c->merged)
		c->merged = calloc(QUERY_LIMIT_MAX, sizeof(*c->merged));
	if (!c->sub || !c->merged) {
		match_ctx_free(c->sub);
		c->sub = NULL;
		c->gone = NULL;
		return -1;
	}
	c->sub_serial = d->serial;
	return 0;
}

struct match_ctx *
match_hit_ctx(struct match_ctx *c, uint32_t *row)
{
	if (c->sub && *row >= c->ix->n) {
		*row -= c->ix->n;
		return c->sub;
	}
	return c;
}

const struct index *
match_index(const struct match_ctx *c)
{
	return c->ix;
}

static int
touch(uint32_t **v, size_t *n, size_t *cap, uint32_t row)
{
	uint32_t *p = VEC_PUSH(*v, *n, *cap);

	if (!p)
		return -1;
	*p = row;
	return 0;
}

static inline void
set_bit(uint64_t *bm, uint32_t row)
{
	bm[row >> 6] |= (uint64_t)1 << (row & 63);
}

static inline int
get_bit(const uint64_t *bm, uint32_t row)
{
	return (int)(bm[row >> 6] >> (row & 63) & 1);
}

static int
mark_hard(struct match_ctx *c, uint32_t row)
{
	if (get_bit(c->hard, row))
		return 0;
	set_bit(c->hard, row);
	return touch(&c->touched_hard, &c->n_hard, &c->cap_hard, row);
}

/* ----------------------------------------------------------------------
 * Preparation: in-person reach, conflicts, time
 * ---------------------------------------------------------------------- */

/*
 * Is every point of grid cell (y, x) within q's maximum distance? The
 * farthest point of a small latitude-longitude cell from a point is one
 * of its corners (distance along a parallel grows with the longitude
 * difference; along a short meridian arc it has no interior maximum), so
 * four corners decide it, with a margin far above rounding.
 */
static bool
cell_within(const struct query *q, double qcos, int y, int x)
{
	double la = y * GRID_DEG - 90, lo = x * GRID_DEG - 180;
	int i;

	for (i = 0; i < 4; i++) {
		double cl = la + (i & 1) * GRID_DEG, co = lo + (i >> 1) * GRID_DEG;

		if (haversine_cos(q->lat, q->lon, qcos, cl, co, cos(cl * M_PI / 180.0)) >=
		    q->max_km - 1e-6)
			return false;
	}
	return true;
}

static int
reach_in_person(struct match_ctx *c, const struct query *q)
{
	const struct index *ix = c->ix;
	double dlat = q->max_km / (EARTH_KM * M_PI / 180.0) + 0.01;
	double lat0 = q->lat - dlat, lat1 = q->lat + dlat, dlon;
	double qcos = cos(q->lat * M_PI / 180.0);
	int y0, y1, y, nx, x0, x1, span;

	if (q->max_km < q->min_km)
		return 0;
	if (!ix->cell_start) {
		/* A delta's few offices (index.c, note 9), each measured as
		 * the grid's cells measure theirs. */
		uint32_t row;

		for (row = 0; row < ix->n; row++) {
			double d;

			if (!get_bit(ix->in_person, row))
				continue;
			d = haversine_cos(q->lat, q->lon, qcos, ix->lat[row], ix->lon[row],
			                  cos(ix->lat[row] * M_PI / 180.0));
			if (d <= q->max_km && d >= q->min_km) {
				set_bit(c->ip, row);
				if (touch(&c->touched_ip, &c->n_ip, &c->cap_ip, row))
					return -1;
			}
		}
		return 0;
	}
	if (lat0 < -90) lat0 = -90;
	if (lat1 > 90) lat1 = 90;
	{
		double s = sin(q->max_km / EARTH_KM), co = cos(q->lat * M_PI / 180.0);

		if (lat0 <= -89.9 || lat1 >= 89.9 || q->max_km / EARTH_KM >= M_PI / 2 ||
		    s >= co)
			dlon = 360;
		else
			dlon = asin(s / co) * 180.0 / M_PI + 0.01;
	}
	y0 = (int)floor((lat0 + 90) / GRID_DEG);
	y1 = (int)floor((lat1 + 90) / GRID_DEG);
	if (y1 >= GRID_LAT) y1 = GRID_LAT - 1;
	if (dlon >= 180) {
		x0 = 0;
		span = GRID_LON;
	} else {
		x0 = (int)floor((q->lon - dlon + 180) / GRID_DEG);
		x1 = (int)floor((q->lon + dlon + 180) / GRID_DEG);
		span = x1 - x0 + 1;
		if (span > GRID_LON)
			span = GRID_LON;
	}
	for (y = y0; y <= y1; y++) {
		for (nx = 0; nx < span; nx++) {
			int x = ((x0 + nx) % GRID_LON + GRID_LON) % GRID_LON;
			uint32_t cell = (uint32_t)(y * GRID_LON + x), k;

			if (ix->cell_start[cell] == ix->cell_start[cell + 1])
				continue;
			if (q->min_km == 0 && cell_within(q, qcos, y, x)) {
				/* Every office of the cell is in reach: no distances. */
				for (k = ix->cell_start[cell]; k < ix->cell_start[cell + 1]; k++) {
					set_bit(c->ip, ix->cell_rows[k]);
					if (touch(&c->touched_ip, &c->n_ip, &c->cap_ip, ix->cell_rows[k]))
						return -1;
				}
				continue;
			}
			for (k = ix->cell_start[cell]; k < ix->cell_start[cell + 1]; k++) {
				const struct cell_office *o = &ix->cell_office[k];
				double d = haversine_cos(q->lat, q->lon, qcos, o->lat, o->lon, o->coslat);

				if (d <= q->max_km && d >= q->min_km) {
					uint32_t row = ix->cell_rows[k];

					set_bit(c->ip, row);
					if (touch(&c->touched_ip, &c->n_ip, &c->cap_ip, row))
						return -1;
				}
			}
		}
	}
	return 0;
}

static bool
role_close(uint8_t role)
{
	return role == ROLE_EMPLOYER || role == ROLE_TRAINEE || role == ROLE_FACULTY;
}

/*
 * Hard conflicts (rule 6) into c->hard and soft-conflict counts into
 * c->soft. A therapist sharing an organization is hard-conflicted when
 * some pair of affiliations with it (one each side) is current on both
 * sides and either both roles are employer/trainee/faculty or the org is a
 * consultation group; otherwise the shared org is one soft conflict.
 */
static int
find_conflicts(struct match_ctx *c, const struct query *q)
{
	const struct index *ix = c->ix;
	int i, j;

	for (i = 0; i < q->n_exclude; i++) {
		int64_t row = index_row(ix, q->exclude[i]);

		if (row >= 0 && mark_hard(c, (uint32_t)row))
			return -1;
	}
	if (q->self_id) {
		int64_t row = index_row(ix, q->self_id);
		size_t lo = 0, hi = ix->n_persons;

		if (row >= 0 && mark_hard(c, (uint32_t)row))
			return -1;
		/* Therapists naming the seeker in a supervision, past or present. */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (strcmp(ix->persons[mid].person, q->self_id) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < ix->n_persons && strcmp(ix->persons[lo].person, q->self_id) == 0; lo++)
			if (mark_hard(c, ix->persons[lo].row))
				return -1;
	}
	if (q->npi[0]) {
		size_t first, count, k;

		index_npi_rows(ix, q->npi, &first, &count);
		for (k = 0; k < count; k++)
			if (mark_hard(c, ix->npi_row[first + k]))
				return -1;
	}
	for (i = 0; i < q->n_affils; i++) {
		const struct affiliation *qa = &q->affils[i];
		int64_t org;
		uint32_t k, end;
		bool consult;

		if (qa->person) {
			int64_t row = index_row(ix, qa->ref);

			if (row >= 0 && mark_hard(c, (uint32_t)row))
				return -1;
			continue;
		}
		/* Each org once, however many of the seeker's affiliations name it. */
		for (j = 0; j < i; j++)
			if (!q->affils[j].person && strcmp(q->affils[j].ref, qa->ref) == 0)
				break;
		if (j < i)
			continue;
		org = index_org(ix, qa->ref);
		if (org < 0)
			continue;
		consult = ix->org_kind[org] == KIND_CONSULTATION_GROUP;
		end = ix->org_start[org + 1];
		for (k = ix->org_start[org]; k < end;) {
			uint32_t row = ix->members[k].row, g;
			bool hard = false;

			/* A therapist's affiliations with this org are adjacent. */
			for (g = k; g < end && ix->members[g].row == row; g++) {
				const struct member *m = &ix->members[g];

				for (j = i; j < q->n_affils && !hard; j++) {
					const struct affiliation *qb = &q->affils[j];

					if (qb->person || strcmp(qb->ref, qa->ref) != 0)
						continue;
					if (qb->current && m->current &&
					    (consult || (role_close(qb->role) && role_close(m->role))))
						hard = true;
				}
			}
			if (hard) {
				if (mark_hard(c, row))
					return -1;
			} else if (c->soft[row] < 255) {
				set_bit(c->softbm, row);
				if (c->soft[row]++ == 0 &&
				    touch(&c->touched_soft, &c->n_soft, &c->cap_soft, row))
					return -1;
			}
			k = g;
		}
	}
	return 0;
}

/* Fills the zone's offsets for the days of the query's week. */
static void
zone_week(struct match_ctx *c, int zi, const struct tz_zone *z)
{
	struct zday *zd = &c->zdays[zi];
	int d;

	for (d = 0; d < 7; d++) {
		int64_t day0 = (c->q->week_days + d) * 86400;
		int64_t u0 = tz_local_to_utc(z, day0);
		int64_t u1 = tz_local_to_utc(z, day0 + 86400);

		zd->off[d] = (int32_t)(day0 - u0);
		zd->uniform[d] = (day0 + 86400 - u1) == zd->off[d] &&
		                 tz_offset_at(z, u0) == tz_offset_at(z, u1 - 1);
	}
	zd->linear = true;
	for (d = 0; d < 7; d++)
		if (!zd->uniform[d] || zd->off[d] != zd->off[0])
			zd->linear = false;
	zd->base = c->q->week_days * 86400 - zd->off[0];
	memset(zd->qtouched, 0, sizeof(zd->qtouched));
	memset(zd->qfull, 0, sizeof(zd->qfull));
	/*
	 * The query's windows seen in this zone's week, day by day. On a day
	 * with one offset, a local hour is a real hour of UTC, so the masks
	 * are exact. A transition day is marked touched whole and never full:
	 * rows free that day go to the exact check.
	 */
	for (d = 0; d < 7; d++) {
		int64_t day0 = (c->q->week_days + d) * 86400;
		uint64_t scratch[3] = {0, 0, 0};
		int i;

		for (i = 0; i < c->n_qwin; i++) {
			int64_t from, to;

			if (!zd->uniform[d]) {
				/*
				 * A transition day: local hour h covers the UTC
				 * instants from f(h:00) to f(h+1:00), give or take
				 * the hour the clock moved (the gap hour reads with
				 * the offset before it; the fold is passed once).
				 * Padding each by two hours keeps "touched" a
				 * superset; nothing is marked full.
				 */
				int h;

				for (h = 0; h < 24; h++) {
					int64_t a = tz_local_to_utc(z, day0 + h * 3600) - 7200;
					int64_t e = tz_local_to_utc(z, day0 + (h + 1) * 3600) + 7200;

					if (c->qwin[i].e > a && c->qwin[i].s < e)
						hour_mask(d * 1440 + h * 60, d * 1440 + h * 60 + 60,
						          zd->qtouched, scratch);
				}
				continue;
			}
			/* This local day in UTC: [day0 - off, day0 - off + 86400). */
			from = c->qwin[i].s - (day0 - zd->off[d]);
			to = c->qwin[i].e - (day0 - zd->off[d]);
			if (from < 0)
				from = 0;
			if (to > 86400)
				to = 86400;
			if (to <= from)
				continue;
			/* Offsets are whole minutes in every zone since 1972. */
			hour_mask(d * 1440 + (int)(from / 60), d * 1440 + (int)((to + 59) / 60),
			          zd->qtouched, zd->qfull);
		}
	}
	zd->qblock = hour_blocks(zd->qtouched);
	c->zdone[zi] = 1;
}

static inline int64_t
place(const struct zday *zd, const struct tz_zone *z, int64_t week_days,
      int day, int minute)
{
	int64_t local = (week_days + day) * 86400 + (int64_t)minute * 60;

	if (zd->uniform[day])
		return local - zd->off[day];
	return tz_local_to_utc(z, local);
}

static void
place_query(struct match_ctx *c, const struct query *q)
{
	int i;

	c->n_qwin = 0;
	if (!q->zone)
		return;
	for (i = 0; i < q->n_free && i < 64; i++) {
		const struct window *w = &q->free[i];
		int64_t day0 = (q->week_days + w->day) * 86400;

		c->qwin[c->n_qwin].s = tz_local_to_utc(q->zone, day0 + w->start * 60);
		c->qwin[c->n_qwin].e = tz_local_to_utc(q->zone, day0 + w->end * 60);
		c->n_qwin++;
	}
}

/* The row's window k in UTC seconds. */
static inline struct span
row_window(struct match_ctx *c, const struct zday *zd, const struct tz_zone *z,
           uint32_t w)
{
	struct span sp;

	if (zd->linear) {
		int64_t m = (int64_t)WIN_DAY(w) * 1440;

		sp.s = zd->base + (m + WIN_START(w)) * 60;
		sp.e = zd->base + (m + WIN_END(w)) * 60;
	} else {
		sp.s = place(zd, z, c->q->week_days, (int)WIN_DAY(w), (int)WIN_START(w));
		sp.e = place(zd, z, c->q->week_days, (int)WIN_DAY(w), (int)WIN_END(w));
	}
	return sp;
}

static inline const struct zday *
row_zone(struct match_ctx *c, uint32_t row, const struct tz_zone **z)
{
	int zi = c->ix->hours[row].zone;

	*z = c->ix->zones[zi];
	if (!c->zdone[zi])
		zone_week(c, zi, *z);
	return &c->zdays[zi];
}

/* The row's weekly windows: inline in its time line when few. */
static inline const uint32_t *
row_windows(const struct index *ix, uint32_t row, int *n)
{
	const struct hours *hr = &ix->hours[row];

	if (hr->n_win <= HOURS_INLINE) {
		*n = hr->n_win;
		return hr->win;
	}
	*n = (int)(ix->win_start[row + 1] - ix->win_start[row]);
	return ix->win + ix->win_start[row];
}

/*
 * Rule 7: does one window of the row overlap one window of the query by
 * MIN_OVERLAP_S or more (each pair on its own)?
 */
static bool
time_ok(struct match_ctx *c, uint32_t row)
{
	const struct index *ix = c->ix;
	const struct tz_zone *z;
	const struct zday *zd = row_zone(c, row, &z);
	int i;

	{
		const uint64_t *t = ix->hours[row].touched, *f = ix->hours[row].full;

		if (!((t[0] & zd->qtouched[0]) | (t[1] & zd->qtouched[1]) |
		      (t[2] & zd->qtouched[2])))
			return false;
		if ((f[0] & zd->qfull[0]) | (f[1] & zd->qfull[1]) | (f[2] & zd->qfull[2]))
			return true;
	}
	{
		int n, j;
		const uint32_t *w = row_windows(ix, row, &n);

		for (j = 0; j < n; j++) {
			struct span sp = row_window(c, zd, z, w[j]);

			for (i = 0; i < c->n_qwin; i++) {
				int64_t a = sp.s > c->qwin[i].s ? sp.s : c->qwin[i].s;
				int64_t b = sp.e < c->qwin[i].e ? sp.e : c->qwin[i].e;

				if (b - a >= MIN_OVERLAP_S)
					return true;
			}
		}
	}
	return false;
}

/*
 * The minutes of the week when both the row and the query are free: the
 * union of all pairwise overlaps. Leaves the overlaps, sorted and not yet
 * merged, in c->pairs[0 .. c->last_pairs).
 */
static int32_t
time_fit(struct match_ctx *c, uint32_t row)
{
	const struct index *ix = c->ix;
	const struct tz_zone *z;
	const struct zday *zd = row_zone(c, row, &z);
	int np = 0, i, j, k, nw;
	const uint32_t *w = row_windows(ix, row, &nw);
	int64_t total = 0, cs = 0, ce = 0;

	for (k = 0; k < nw; k++) {
		struct span sp = row_window(c, zd, z, w[k]);

		for (i = 0; i < c->n_qwin && np < MAX_PAIRS; i++) {
			int64_t a = sp.s > c->qwin[i].s ? sp.s : c->qwin[i].s;
			int64_t b = sp.e < c->qwin[i].e ? sp.e : c->qwin[i].e;

			if (b > a) {
				/* Insertion by start: there are only a few. */
				for (j = np; j > 0 && c->pairs[j - 1].s > a; j--)
					c->pairs[j] = c->pairs[j - 1];
				c->pairs[j].s = a;
				c->pairs[j].e = b;
				np++;
			}
		}
	}
	c->last_pairs = np;
	for (i = 0; i < np; i++) {
		if (i == 0 || c->pairs[i].s > ce) {
			total += ce - cs;
			cs = c->pairs[i].s;
			ce = c->pairs[i].e;
		} else if (c->pairs[i].e > ce) {
			ce = c->pairs[i].e;
		}
	}
	total += ce - cs;
	return (int32_t)(total / 60);
}

int
match_overlaps(struct match_ctx *c, uint32_t row, struct span *out, int max)
{
	int i, n = 0;
	int np;

	c = match_hit_ctx(c, &row);
	time_fit(c, row);
	/* time_fit left the overlaps sorted in c->pairs; merge them. */
	np = c->last_pairs;
	for (i = 0; i < np; i++) {
		if (n > 0 && c->pairs[i].s <= out[n - 1].e) {
			if (c->pairs[i].e > out[n - 1].e)
				out[n - 1].e = c->pairs[i].e;
		} else if (n < max) {
			out[n++] = c->pairs[i];
		} else {
			break;
		}
	}
	return n;
}

/* ----------------------------------------------------------------------
 * Fees and scores
 * ---------------------------------------------------------------------- */

static inline int32_t
effective_fee(const struct index *ix, const struct query *q, uint32_t row)
{
	int32_t f = ix->fee_session[row];

	if (q->clinician_discount && ix->fee_disc[row] < f)
		f = ix->fee_disc[row];
	if (q->sliding_scale && ix->fee_slide[row] < f)
		f = ix->fee_slide[row];
	if (q->group_ok && ix->fee_group[row] < f)
		f = ix->fee_group[row];
	return f;
}

/*
 * The score of a row but for its time share, unclamped: the time share is
 * added by score_final(), so that ranking can bound a row's score before
 * it pays for the time overlap.
 */
static double
score_raw(const struct match_ctx *c, uint32_t row, int32_t fee, bool in_person,
          int soft)
{
	const struct index *ix = c->ix;
	const struct query *q = c->q;
	const struct score_k *k = &c->k;
	double s;

	s = k->goal * __builtin_popcountll(q->goals & ix->hot[row].focus) +
	    k->pop * __builtin_popcountll(q->populations & ix->hot[row].pop) +
	    k->pref * __builtin_popcountll(q->preferred_orientations & ix->hot[row].orient);
	if (q->career_stage >= 0 && (ix->hot[row].career >> q->career_stage & 1))
		s += k->career;
	if (ix->hot[row].flags & RF_CLINICIAN_CLIENTS)
		s += k->clin;
	if (q->has_budget)
		s += q->budget > 0 ? k->fee * (double)(q->budget - fee) : k->fee_whole;
	if (k->dist_on)
		s += in_person ? k->dist_whole - k->dist * haversine_km(q->lat, q->lon,
		                                                       ix->lat[row], ix->lon[row])
		               : k->dist_half;
	return s - SOFT_PENALTY * soft;
}

/* raw + the time share of overlap minutes, clamped and quantized. */
static inline int32_t
score_final(const struct match_ctx *c, double raw, int32_t overlap)
{
	double s = raw;

	if (overlap > 0)
		s += c->k.time * (overlap >= TIME_FULL_MIN ? TIME_FULL_MIN : overlap);
	if (s < 0)
		s = 0;
	if (s > 1)
		s = 1;
	return (int32_t)(s * SCORE_SCALE + 0.5);
}

/* The score's coefficients for this query: weights over the active ones. */
static void
score_prepare(struct match_ctx *c, const struct query *q, bool want_time,
              bool need_ip)
{
	struct score_k *k = &c->k;
	double wsum = W_CLINICIANS + (q->goals ? W_GOALS : 0) +
	              (q->populations ? W_POPULATIONS : 0) +
	              (q->career_stage >= 0 ? W_CAREER : 0) +
	              (q->preferred_orientations ? W_PREFERRED : 0) +
	              (want_time ? W_TIME : 0) + (q->has_budget ? W_FEE : 0) +
	              (need_ip ? W_DISTANCE : 0);
	int n;

	memset(k, 0, sizeof(*k));
	if ((n = __builtin_popcountll(q->goals)))
		k->goal = W_GOALS / wsum / n;
	if ((n = __builtin_popcountll(q->populations)))
		k->pop = W_POPULATIONS / wsum / n;
	if ((n = __builtin_popcountll(q->preferred_orientations)))
		k->pref = W_PREFERRED / wsum / n;
	k->career = W_CAREER / wsum;
	k->clin = W_CLINICIANS / wsum;
	if (want_time)
		k->time = W_TIME / wsum / TIME_FULL_MIN;
	if (q->has_budget) {
		k->fee_whole = W_FEE / wsum;
		k->fee = q->budget > 0 ? W_FEE / wsum / (double)q->budget : 0;
	}
	if (need_ip) {
		k->dist_on = true;
		k->dist_whole = W_DISTANCE / wsum;
		k->dist_half = W_DISTANCE / wsum * 0.5;
		k->dist = q->max_km > 0 ? W_DISTANCE / wsum / q->max_km : 0;
	}
}

/*
 * For 64 capped fees: pass = those at most b, over = those at the cap
 * (whose real fee is looked up).
 */
static inline void
fee_masks(const uint16_t *f, uint16_t b, uint64_t *pass, uint64_t *over)
{
#ifdef __SSE2__
	const __m128i vb = _mm_set1_epi16((short)b);
	const __m128i cap = _mm_set1_epi16((short)FEE16_OVER);
	const __m128i zero = _mm_setzero_si128();
	uint64_t p = 0, o = 0;
	int j;

	for (j = 0; j < 64; j += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)(f + j));
		__m128i c = _mm_loadu_si128((const __m128i *)(f + j + 8));
		/* f <= b exactly when f - b saturates to zero. */
		__m128i pa = _mm_cmpeq_epi16(_mm_subs_epu16(a, vb), zero);
		__m128i pc = _mm_cmpeq_epi16(_mm_subs_epu16(c, vb), zero);
		__m128i oa = _mm_cmpeq_epi16(a, cap);
		__m128i oc = _mm_cmpeq_epi16(c, cap);

		p |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_packs_epi16(pa, pc)) << j;
		o |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_packs_epi16(oa, oc)) << j;
	}
	*pass = p;
	*over = o;
#else
	uint64_t p = 0, o = 0;
	int j;

	for (j = 0; j < 64; j++) {
		p |= (uint64_t)(f[j] <= b) << j;
		o |= (uint64_t)(f[j] == FEE16_OVER) << j;
	}
	*pass = p;
	*over = o;
#endif
}

/* "a ranks below b": lower score, or the same score and a higher row. */
static inline bool
below(const struct match_hit *a, const struct match_hit *b)
{
	return a->score < b->score || (a->score == b->score && a->row > b->row);
}

static void
heap_down(struct match_hit *h, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		struct match_hit t;

		if (l < n && below(&h[l], &h[m]))
			m = l;
		if (r < n && below(&h[r], &h[m]))
			m = r;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void
heap_push(struct match_ctx *c, int limit, const struct match_hit *x)
{
	struct match_hit *h = c->heap;

	if (c->n_heap < limit) {
		int i = c->n_heap++;

		h[i] = *x;
		while (i > 0) {
			int p = (i - 1) / 2;
			struct match_hit t;

			if (!below(&h[i], &h[p]))
				break;
			t = h[i];
			h[i] = h[p];
			h[p] = t;
			i = p;
		}
	} else if (below(&h[0], x)) {
		h[0] = *x;
		heap_down(h, c->n_heap, 0);
	}
}

static int
cmp_hit(const void *a, const void *b)
{
	const struct match_hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* ----------------------------------------------------------------------
 * The run
 * ---------------------------------------------------------------------- */

static int8_t
tele_basis(const struct index *ix, const struct query *q, uint32_t row)
{
	const uint64_t *lic = ix->licensed[q->jurisdiction];
	int k;

	if (!get_bit(ix->telehealth, row))
		return TELE_NONE;
	if (lic && get_bit(lic, row))
		return TELE_LICENSE;
	for (k = 0; k < CMP__MAX; k++)
		if (ix->compacts.member[k][q->jurisdiction] && get_bit(ix->compact_ok[k], row))
			return (int8_t)k;
	return TELE_NONE;
}

/* Scores the n rows of list (their ranking fields prefetched) into the heap. */
static void
score_list(struct match_ctx *c, const struct query *q, struct cand *list,
           size_t n, bool need_ip, bool want_time)
{
	const struct index *ix = c->ix;
	size_t ci;

	for (ci = 0; ci < n; ci++) {
		struct cand *cd = &list[ci];
		uint32_t row = cd->row;
		bool in_person = need_ip && get_bit(c->ip, row);
		int soft = get_bit(c->softbm, row) ? c->soft[row] : 0;
		struct match_hit h;

		if (ci + PREFETCH_AHEAD < n) {
			__builtin_prefetch(&ix->hot[list[ci + PREFETCH_AHEAD].row]);
			if (q->require_overlap)
				__builtin_prefetch(&ix->hours[list[ci + PREFETCH_AHEAD].row]);
		}
		cd->raw = score_raw(c, row, cd->fee, in_person, soft);
		h.row = row;
		h.fee = cd->fee;
		h.in_person = in_person;
		h.soft = (uint8_t)soft;
		/*
		 * Rule 7 kept only rows with time in common: measure it now,
		 * for the rows that are scored. Otherwise 0 is a lower bound
		 * that the second pass of rank() makes exact.
		 */
		h.overlap = q->require_overlap ? time_fit(c, row) : want_time ? 0 : -1;
		h.score = score_final(c, cd->raw, h.overlap);
		heap_push(c, q->limit, &h);
	}
}

/*
 * An upper bound of a row's score from what is known without its ranking
 * fields: g of the seeker's goals (from the focus bitmaps), whether it
 * sees clinicians and works with the seeker's career stage (bitmaps too),
 * every other part of the row at its best, the fee, distance and soft
 * conflicts as they are, and the time share at its best.
 */
static int32_t
score_bound(const struct match_ctx *c, const struct cand *cd, int g, bool clin,
            bool career, bool need_ip, bool want_time)
{
	const struct query *q = c->q;
	const struct score_k *k = &c->k;
	uint32_t row = cd->row;
	bool in_person = need_ip && get_bit(c->ip, row);
	int soft = get_bit(c->softbm, row) ? c->soft[row] : 0;
	double s;

	s = k->goal * g + k->pop * __builtin_popcountll(q->populations) +
	    k->pref * __builtin_popcountll(q->preferred_orientations);
	if (clin)
		s += k->clin;
	if (q->career_stage >= 0 && career)
		s += k->career;
	if (q->has_budget)
		s += q->budget > 0 ? k->fee * (double)(q->budget - cd->fee) : k->fee_whole;
	if (k->dist_on)
		s += in_person ? k->dist_whole : k->dist_half;     /* distance >= 0 */
	s -= SOFT_PENALTY * soft;
	return score_final(c, s, want_time ? (int32_t)TIME_FULL_MIN : 0);
}

/*
 * Ranks the n eligible rows of c->cand into c->heap (the best q->limit).
 *
 * Without free time to compare, or when rule 7 applies (each scored row's
 * overlap is measured as it is scored), one pass scores each row and
 * keeps the best. Otherwise the overlap minutes (the dearest part: the row's windows
 * placed on the week) are computed only where they can matter: a first
 * pass scores every row without its time share and finds T, the limit-th
 * best of those lower bounds; the final top rows all score at least T, so
 * a second pass computes the overlap only for rows whose score with a
 * full time share reaches T.
 */
static void
rank(struct match_ctx *c, const struct query *q, size_t n, bool need_ip,
     bool want_time)
{
	const struct index *ix = c->ix;
	int32_t threshold = -1;
	size_t ci;

	struct cand *list = c->cand;
	const uint64_t *goal_bm[64];
	const uint64_t *career_bm = q->career_stage >= 0 && q->career_stage < 8 ?
		ix->career_bm[q->career_stage] : NULL;
	int n_goals = 0, j;

	c->n_heap = 0;
	for (j = 0; j < 64; j++)
		if (q->goals >> j & 1)
			goal_bm[n_goals++] = ix->focus_bm[j];
	if (q->limit < (int)n) {
		/*
		 * Goals, seeing clinicians and the career stage weigh most,
		 * and each is a bitmap. Rows with all of them are ranked first;
		 * then the limit-th best score is a threshold that any other
		 * row must reach, and a row's bound (those parts as its bits
		 * say, every other part at its best or known) often shows it
		 * cannot, without reading its ranking fields.
		 */
		size_t n_top = 0, n_rest = 0, kept = 0;

		for (ci = 0; ci < n; ci++) {
			uint32_t row = c->cand[ci].row;
			bool top = get_bit(ix->clin_bm, row) && (!career_bm || get_bit(career_bm, row));

			for (j = 0; top && j < n_goals && get_bit(goal_bm[j], row); j++)
				;
			if (top && j == n_goals)
				c->cand2[n_top++] = c->cand[ci];
			else
				c->cand[n_rest++] = c->cand[ci];
		}
		score_list(c, q, c->cand2, n_top, need_ip, want_time);
		if (c->n_heap == q->limit)
			threshold = c->heap[0].score;
		for (ci = 0; ci < n_rest; ci++) {
			struct cand *cd = &c->cand[ci];
			int g = 0;

			for (j = 0; j < n_goals; j++)
				g += get_bit(goal_bm[j], cd->row);
			if (threshold >= 0 &&
			    score_bound(c, cd, g, get_bit(ix->clin_bm, cd->row),
			                !career_bm || get_bit(career_bm, cd->row),
			                need_ip, want_time) < threshold)
				continue;
			c->cand2[n_top + kept++] = *cd;
		}
		score_list(c, q, c->cand2 + n_top, kept, need_ip, want_time);
		list = c->cand2;
		n = n_top + kept;
	} else {
		score_list(c, q, c->cand, n, need_ip, want_time);
	}
	threshold = -1;
	if (!want_time || q->require_overlap)
		return;
	if (c->n_heap == q->limit)
		threshold = c->heap[0].score;
	c->n_heap = 0;
	/*
	 * The 3-hour blocks bound the overlap from above (each common block
	 * at most 180 minutes): a row sharing none with the seeker has no
	 * time share at all, and one whose bound cannot reach the threshold
	 * is dropped, both without its time line. The rest are listed, then
	 * their overlap computed with their time lines prefetched.
	 */
	{
		size_t kept = 0;

		for (ci = 0; ci < n; ci++) {
			struct cand *cd = &list[ci];
			uint64_t tb = ix->tblock[cd->row];
			unsigned zi = (unsigned)(tb >> 56);
			int common;
			struct match_hit h;

			if (zi == TBLOCK_ZONE_FAR)
				zi = ix->hours[cd->row].zone;
			if (!c->zdone[zi])
				zone_week(c, (int)zi, ix->zones[zi]);
			common = __builtin_popcountll(tb & c->zdays[zi].qblock & TBLOCK_BLOCKS);
			if (common == 0) {
				if (score_final(c, cd->raw, 0) < threshold)
					continue;
				h.row = cd->row;
				h.fee = cd->fee;
				h.in_person = need_ip && get_bit(c->ip, cd->row);
				h.soft = get_bit(c->softbm, cd->row) ? c->soft[cd->row] : 0;
				h.overlap = 0;
				h.score = score_final(c, cd->raw, 0);
				heap_push(c, q->limit, &h);
				continue;
			}
			if (score_final(c, cd->raw, common >= 1 ? (int32_t)TIME_FULL_MIN : 0) < threshold)
				continue;
			list[kept++] = *cd;
		}
		n = kept;
	}
	for (ci = 0; ci < n; ci++) {
		struct cand *cd = &list[ci];
		struct match_hit h;

		if (ci + PREFETCH_AHEAD < n)
			__builtin_prefetch(&ix->hours[list[ci + PREFETCH_AHEAD].row]);
		h.row = cd->row;
		h.fee = cd->fee;
		h.in_person = need_ip && get_bit(c->ip, cd->row);
		h.soft = get_bit(c->softbm, cd->row) ? c->soft[cd->row] : 0;
		h.overlap = time_fit(c, cd->row);
		h.score = score_final(c, cd->raw, h.overlap);
		heap_push(c, q->limit, &h);
	}
}

static void
clear_scratch(struct match_ctx *c)
{
	size_t i;

	for (i = 0; i < c->n_ip; i++)
		c->ip[c->touched_ip[i] >> 6] = 0;
	for (i = 0; i < c->n_hard; i++)
		c->hard[c->touched_hard[i] >> 6] = 0;
	for (i = 0; i < c->n_soft; i++) {
		c->soft[c->touched_soft[i]] = 0;
		c->softbm[c->touched_soft[i] >> 6] = 0;
	}
	c->n_ip = c->n_hard = c->n_soft = 0;
}

/*
 * The query over c's own index (less its gone rows): see match_run().
 * zones: a context that ran q over an index whose zones c's index numbers
 * alike (a delta's base), whose weeks placed in them are taken, or NULL.
 */
static int
run_one(struct match_ctx *c, const struct query *q, struct match_result *out,
        const struct match_ctx *zones)
{
	const struct index *ix = c->ix;
	const uint64_t *gone = c->gone;
	long n_gone = 0, n_gone_open = 0;
	const uint64_t *tele = q->modality != QMOD_IN_PERSON ?
		ix->tele_open[q->jurisdiction] : NULL;
	long n_reach = 0, n_paused = 0;
	const uint64_t *langs[TAX_MAX_LANGUAGES];
	const uint64_t *ors[64];
	bool need_tele = q->modality != QMOD_IN_PERSON;
	bool need_ip = q->modality != QMOD_TELEHEALTH && q->has_location;
	bool want_time = q->zone && q->n_free > 0;
	const uint16_t *fb;
	uint16_t b16 = (uint16_t)(q->budget >= FEE16_OVER ? FEE16_OVER - 1 : q->budget);
	size_t n_cand = 0, ci;
	int n_langs = 0, n_ors = 0, i, rc = -1;
	size_t w;
	long ex[EX__MAX] = {0}, total = 0;

	memset(out, 0, sizeof(*out));
	c->q = q;
	c->n_heap = 0;
	memset(c->zdone, 0, (size_t)ix->n_zones);
	if (zones) {
		int zi, nz = zones->ix->n_zones < ix->n_zones ? zones->ix->n_zones : ix->n_zones;

		for (zi = 0; zi < nz; zi++)
			if (zones->zdone[zi]) {
				c->zdays[zi] = zones->zdays[zi];
				c->zdone[zi] = 1;
			}
	}
	score_prepare(c, q, want_time, need_ip);
	fb = ix->fee_by[(q->clinician_discount ? FEE_FLAG_DISCOUNT : 0) |
	                (q->sliding_scale ? FEE_FLAG_SLIDING : 0) |
	                (q->group_ok ? FEE_FLAG_GROUP : 0)];

	for (i = 0; i < q->n_languages; i++)
		if (ix->speaks[q->languages[i]])
			langs[n_langs++] = ix->speaks[q->languages[i]];
	for (i = 0; i < 64; i++)
		if ((q->my_orientations >> i & 1) && ix->orient_bm[i])
			ors[n_ors++] = ix->orient_bm[i];

	if ((need_ip && reach_in_person(c, q)) || find_conflicts(c, q))
		goto out;
	place_query(c, q);

	/* Rules 1 and 2 are one bitmap for telehealth (built per
	 * jurisdiction at open) and the sparse in-person reach. A paused
	 * listing (not confirmed for 45 days) counts as not accepting. */
	ex[EX_CLOSED] = (long)ix->n - (long)ix->n_accepting;
	for (w = 0; w < ix->words; w++) {
		uint64_t m = tele ? tele[w] : 0, x, bits;
		uint64_t pz = __atomic_load_n(&ix->paused[w], __ATOMIC_RELAXED);
		uint64_t gz = gone ? gone[w] : 0;
		int k;

		if (gz) {
			/* Not in the directory: counted under no rule. */
			uint64_t open = gz & ix->accepting[w];

			n_gone += __builtin_popcountll(gz);
			n_gone_open += __builtin_popcountll(open);
			ex[EX_CLOSED] -= __builtin_popcountll(gz & ~open);
			pz &= ~gz;
			m &= ~gz;
		}
		if (pz) {
			pz &= ix->accepting[w];
			ex[EX_CLOSED] += __builtin_popcountll(pz);
			n_paused += __builtin_popcountll(pz);
		}
		if (need_ip && c->ip[w])
			m |= c->ip[w] & ix->accepting[w];
		m &= ~pz & ~gz;
		if (!m)
			continue;
		n_reach += __builtin_popcountll(m);
		if (q->has_budget) {
			/* 64 fees side by side: a loop the compiler vectorizes,
			 * reading two cache lines in order, instead of a miss per
			 * row. Fees of 65535 and more are looked up exactly. */
			uint64_t pass, over, before = m;

			fee_masks(fb + w * 64, b16, &pass, &over);
			for (bits = m & over; bits; bits &= bits - 1) {
				uint32_t row = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));

				if (effective_fee(ix, q, row) <= q->budget)
					pass |= (uint64_t)1 << (row & 63);
			}
			m &= pass;
			ex[EX_BUDGET] += __builtin_popcountll(before & ~m);
		}
		if (q->n_languages) {
			uint64_t l = 0;

			for (k = 0; k < n_langs; k++)
				l |= langs[k][w];
			ex[EX_LANGUAGE] += __builtin_popcountll(m & ~l);
			m &= l;
		}
		if (q->orientation_mode != OM_ANY) {
			uint64_t o = 0;

			for (k = 0; k < n_ors; k++)
				o |= ors[k][w];
			x = q->orientation_mode == OM_SAME ? o : ~o;
			ex[EX_ORIENTATION] += __builtin_popcountll(m & ~x);
			m &= x;
		}
		ex[EX_CONFLICT] += __builtin_popcountll(m & c->hard[w]);
		m &= ~c->hard[w];
		for (bits = m; bits; bits &= bits - 1)
		{
			uint32_t row = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));

			/* The fee line is in cache now: take the fee along. */
			c->cand[n_cand].row = row;
			c->cand[n_cand].fee = fb[row] == FEE16_OVER ? effective_fee(ix, q, row) : fb[row];
			n_cand++;
		}
	}

	ex[EX_MODALITY] = (long)ix->n_accepting - n_gone_open - n_paused - n_reach;

	/*
	 * The rows left are spread over the whole index: each one's time line
	 * and ranking fields are a cache miss. Walking a list lets us ask for
	 * them PREFETCH_AHEAD rows early, so the misses overlap; and rule 7
	 * runs as a pass of its own, so that the rows it excludes (most, in a
	 * query with a narrow week) never fetch their ranking fields.
	 */
	if (q->require_overlap) {
		size_t kept = 0;

		/* First the 3-hour blocks, 8 bytes a row in a dense array:
		 * most rows of a narrow week end here. */
		for (ci = 0; ci < n_cand; ci++) {
			uint32_t row = c->cand[ci].row;
			uint64_t tb = ix->tblock[row];
			unsigned zi = (unsigned)(tb >> 56);

			if (zi == TBLOCK_ZONE_FAR)
				zi = ix->hours[row].zone;
			if (!c->zdone[zi])
				zone_week(c, (int)zi, ix->zones[zi]);
			if (tb & c->zdays[zi].qblock)
				c->cand[kept++] = c->cand[ci];
			else
				ex[EX_TIME]++;
		}
		n_cand = kept;
		kept = 0;
		for (ci = 0; ci < n_cand; ci++) {
			uint32_t row = c->cand[ci].row;

			if (ci + PREFETCH_AHEAD < n_cand)
				__builtin_prefetch(&ix->hours[c->cand[ci + PREFETCH_AHEAD].row]);
			if (time_ok(c, row))
				c->cand[kept++] = c->cand[ci];
			else
				ex[EX_TIME]++;
		}
		n_cand = kept;
	}
	total = (long)n_cand;
	if (q->limit > 0)
		rank(c, q, n_cand, need_ip, want_time);
	assert(total + ex[0] + ex[1] + ex[2] + ex[3] + ex[4] + ex[5] + ex[6] ==
	       (long)ix->n - n_gone);
	qsort(c->heap, (size_t)c->n_heap, sizeof(*c->heap), cmp_hit);
	for (i = 0; i < c->n_heap; i++) {
		struct match_hit *h = &c->heap[i];
		uint32_t row = h->row;

		h->distance = (q->has_location && !isnan(ix->lat[row])) ?
			(float)haversine_km(q->lat, q->lon, ix->lat[row], ix->lon[row]) : NAN;
		h->tele = need_tele ? tele_basis(ix, q, row) : TELE_NONE;
	}
	out->total_eligible = total;
	memcpy(out->excluded, ex, sizeof(ex));
	out->hits = c->heap;
	out->n_hits = c->n_heap;
	rc = 0;
out:
	clear_scratch(c);
	return rc;
}

/*
 * Runs q over c's index and, with a delta, over the delta's index, and
 * merges (note 6): counts add; the best lists, each best first, merge by
 * score and then id, the delta's rows numbered after the base's.
 */
int
match_run(struct match_ctx *c, const struct query *q, struct match_result *out)
{
	struct match_result d;
	const struct index *ix = c->ix, *dx;
	int i, a = 0, b = 0, n = 0;

	if (run_one(c, q, out, NULL))
		return -1;
	if (!c->sub)
		return 0;
	if (run_one(c->sub, q, &d, c))
		return -1;
	dx = c->sub->ix;
	out->total_eligible += d.total_eligible;
	for (i = 0; i < EX__MAX; i++)
		out->excluded[i] += d.excluded[i];
	while (n < q->limit && (a < out->n_hits || b < d.n_hits)) {
		bool take_a;

		if (a == out->n_hits)
			take_a = false;
		else if (b == d.n_hits)
			take_a = true;
		else if (out->hits[a].score != d.hits[b].score)
			take_a = out->hits[a].score > d.hits[b].score;
		else
			take_a = strcmp(ix->id[out->hits[a].row], dx->id[d.hits[b].row]) < 0;
		if (take_a) {
			c->merged[n++] = out->hits[a++];
		} else {
			c->merged[n] = d.hits[b++];
			c->merged[n++].row += ix->n;
		}
	}
	out->hits = c->merged;
	out->n_hits = n;
	return 0;
}
