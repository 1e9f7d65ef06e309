/*
 * index.c: building the in-memory directory index (see index.h).
 *
 * Design notes
 *
 * 1. Rows are therapists in ascending id order; the builder refuses any
 *    other order, so "ties go to the lower id" is "ties go to the lower
 *    row", and a row bitmap scanned from word 0 upward meets ids in order.
 * 2. Everything the eligibility rules test is either a row bitmap (open,
 *    offers telehealth, offers in person, licensed in J, speaks L, holds
 *    orientation O, holds compact C and a license in one of C's members)
 *    or a small per-row number (fees, masks, windows). A query combines
 *    bitmaps 64 rows at a time and touches per-row numbers only for the
 *    rows that are still in play.
 * 3. Fees are precomputed per rule: the clinician-discounted fee in integer
 *    arithmetic, the sliding-scale minimum, and the group fee only where
 *    the therapist runs groups; FEE_NONE where a rule does not apply.
 * 4. Offices sit in a grid of GRID_DEG-degree cells (rows grouped by cell),
 *    so a distance query visits the cells of its bounding box only.
 * 5. Organizations map to their members (row, role, current), sorted by
 *    row; an affiliation naming an org that is not in the directory still
 *    gets an org number (kind unknown, name = id), because two people
 *    naming the same org id do share it.
 * 6. Supervision links ("person" affiliations) are kept as (person, row)
 *    sorted by person, for "the therapist names the query's self_id".
 *
 * Changes without a rebuild (struct index_delta; app/live.c keeps them)
 *
 * 7. A built index is never changed but for its paused bits. A listing
 *    saved, created or removed after the build is a *delta*: the base
 *    index as built, a small index of the changed records (built with
 *    index_builder_over(base), in id order like any index), and a
 *    bitmap of the base's rows that are gone (replaced by a record of
 *    the delta, or removed). An id is in at most one of {the base's
 *    rows not gone, the delta's rows}, so the directory a delta stands
 *    for is their union.
 * 8. Every rule and the score of a row depend only on the query and the
 *    row (its record, its organizations' kinds and names, its paused
 *    bit): so the matcher runs the base with its gone rows taken out of
 *    every count, runs the delta's index, adds the counts and merges the
 *    two rankings by (score, id). That is, exactly, the result over one
 *    index built from the union (tests/test_match_brute.c checks it
 *    byte for byte against a full build).
 * 9. A delta's index takes each organization's name and kind from the
 *    base, as the full build would from the registry the base was built
 *    from; a change to the registry itself asks for a full build.
 *    It has no spatial grid (four megabytes of cells for a few
 *    offices): the matcher measures each of its offices, with the same
 *    haversine the grid's cells use, which gives the same rows. Its
 *    zones keep the base's numbers (new ones come after), so the
 *    matcher places a query's week in a zone once for both.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/index.h"
#include "core/vec.h"

#define KIND_UNKNOWN 255

struct pair { uint32_t row; uint16_t code; };
struct affil_rec { uint32_t org; uint32_t row; uint8_t role, current; };
struct npi_rec { uint64_t key; uint32_t row; };


struct index_builder {
	struct index *ix;
	size_t cap;                     /* rows allocated */
	uint32_t org_cap;               /* orgs allocated */
	struct vec lic, lang, affils, persons, npis, wins;
	struct strmap zone_of;
	const struct index *over;       /* a delta's base (index_builder_over) */
	int failed;
};

static int
grow_rows(struct index_builder *b)
{
	struct index *ix = b->ix;
	size_t cap = b->cap ? b->cap * 2 : b->over ? 64 : 4096;

#define GROW(f) do { \
		void *p_ = realloc((void *)ix->f, cap * sizeof(*ix->f)); \
		if (!p_) \
			return -1; \
		ix->f = p_; \
	} while (0)
	GROW(id); GROW(name); GROW(credentials); GROW(profession);
	GROW(lat); GROW(lon); GROW(fee_session); GROW(fee_disc);
	GROW(fee_slide); GROW(fee_group); GROW(currency); GROW(hot);
	GROW(modalities); GROW(compacts_held);
#undef GROW
	{
		void *p = realloc(ix->win_start, (cap + 1) * sizeof(*ix->win_start));

		if (!p)
			return -1;
		ix->win_start = p;
	}
	b->cap = cap;
	return 0;
}

/* A builder; over: a delta's base (its index is small: small blocks). */
static struct index_builder *
builder_new(const struct taxonomy *tax, const struct compacts *cx, const struct index *over)
{
	struct index_builder *b = calloc(1, sizeof(*b));

	if (!b || !(b->ix = calloc(1, sizeof(*b->ix)))) {
		free(b);
		return NULL;
	}
	b->over = over;
	b->ix->tax = tax;
	b->ix->compacts = *cx;
	arena_init(&b->ix->strings, over ? 16384 : 1 << 20);
	strmap_init_block(&b->ix->org_of, over ? 4096 : 1 << 20);
	strmap_init_block(&b->zone_of, over ? 4096 : 1 << 20);
	b->lic.size = b->lang.size = sizeof(struct pair);
	b->affils.size = sizeof(struct affil_rec);
	b->persons.size = sizeof(struct person_ref);
	b->npis.size = sizeof(struct npi_rec);
	b->wins.size = sizeof(uint32_t);
	if (grow_rows(b))
		goto fail;
	b->ix->win_start[0] = 0;
	/* Over a base, zones keep the base's numbers (note 9). */
	if (over && over->n_zones) {
		int i, added;

		b->ix->zones = malloc((size_t)over->n_zones * sizeof(*b->ix->zones));
		if (!b->ix->zones)
			goto fail;
		for (i = 0; i < over->n_zones; i++) {
			if (!strmap_put(&b->zone_of, tz_name(over->zones[i]), (uint32_t)i, &added))
				goto fail;
			b->ix->zones[i] = over->zones[i];
		}
		b->ix->n_zones = over->n_zones;
	}
	return b;
fail:
	strmap_free(&b->zone_of);
	index_free(b->ix);
	free(b);
	return NULL;
}

struct index_builder *
index_builder_new(const struct taxonomy *tax, const struct compacts *cx)
{
	return builder_new(tax, cx, NULL);
}

struct index_builder *
index_builder_over(const struct index *base)
{
	return builder_new(base->tax, &base->compacts, base);
}

/* The org number of id, adding an "unknown" org when it is new (or, over
 * a base, the base's org of that id). */
static int64_t
org_number(struct index_builder *b, const char *id, const char *name,
           int kind, int define)
{
	struct index *ix = b->ix;
	uint32_t *v;
	int added;

	v = strmap_put(&ix->org_of, id, ix->n_orgs, &added);
	if (!v)
		return -1;
	if (added) {
		if (ix->n_orgs == b->org_cap) {
			size_t cap = b->org_cap ? (size_t)b->org_cap * 2 : 256;
			void *p1 = realloc((void *)ix->org_id, cap * sizeof(char *));

			if (!p1)
				return -1;
			ix->org_id = p1;
			p1 = realloc((void *)ix->org_name, cap * sizeof(char *));
			if (!p1)
				return -1;
			ix->org_name = p1;
			p1 = realloc(ix->org_kind, cap);
			if (!p1)
				return -1;
			ix->org_kind = p1;
			b->org_cap = (uint32_t)cap;
		}
		ix->org_id[ix->n_orgs] = arena_strdup(&ix->strings, id);
		ix->org_name[ix->n_orgs] = ix->org_id[ix->n_orgs];
		ix->org_kind[ix->n_orgs] = KIND_UNKNOWN;
		if (!ix->org_id[ix->n_orgs])
			return -1;
		if (b->over && !define) {
			int64_t o = index_org(b->over, id);

			if (o >= 0) {
				ix->org_kind[ix->n_orgs] = b->over->org_kind[o];
				if (!(ix->org_name[ix->n_orgs] =
				      arena_strdup(&ix->strings, b->over->org_name[o])))
					return -1;
			}
		}
		ix->n_orgs++;
	}
	if (define) {
		ix->org_name[*v] = arena_strdup(&ix->strings, name);
		ix->org_kind[*v] = (uint8_t)kind;
		if (!ix->org_name[*v])
			return -1;
	}
	return *v;
}

int
index_add_org(struct index_builder *b, const struct org *o)
{
	if (org_number(b, o->id, o->name, o->kind, 1) < 0)
		return b->failed = -1;
	return 0;
}

static int32_t
fee_or_none(int32_t v)
{
	return v == NO_FEE ? FEE_NONE : v;
}

int
index_add_therapist(struct index_builder *b, const struct therapist *t,
                    struct verr *e)
{
	struct index *ix = b->ix;
	uint32_t row = ix->n, *zv;
	struct arena *s = &ix->strings;
	int i, added;

	if (row > 0 && strcmp(ix->id[row - 1], t->id) >= 0)
		return verr_set(e, "id", "therapists must be added in ascending id order (%s after %s)",
		                t->id, ix->id[row - 1]);
	if (row == UINT32_MAX - 1)
		return verr_set(e, "", "too many therapists");
	if (row + 1 >= b->cap && grow_rows(b))
		goto oom;
	ix->id[row] = arena_strdup(s, t->id);
	ix->name[row] = arena_strdup(s, t->name);
	ix->credentials[row] = arena_strdup(s, t->credentials);
	if (!ix->id[row] || !ix->name[row] || !ix->credentials[row])
		goto oom;
	ix->profession[row] = t->profession;
	ix->lat[row] = t->has_office ? t->lat : NAN;
	ix->lon[row] = t->has_office ? t->lon : NAN;
	ix->fee_session[row] = t->fee.session;
	ix->currency[row] = (uint32_t)(unsigned char)t->fee.currency[0] |
		(uint32_t)(unsigned char)t->fee.currency[1] << 8 |
		(uint32_t)(unsigned char)t->fee.currency[2] << 16;
	ix->fee_disc[row] = t->fee.discount_pct == NO_FEE ? FEE_NONE :
		(int32_t)((int64_t)t->fee.session * (100 - t->fee.discount_pct) / 100);
	ix->fee_slide[row] = fee_or_none(t->fee.sliding_min);
	ix->fee_group[row] = (t->formats & (1u << FMT_GROUP)) ?
		fee_or_none(t->fee.group) : FEE_NONE;
	memset(&ix->hot[row], 0, sizeof(ix->hot[row]));
	ix->hot[row].orient = t->orientations;
	ix->hot[row].focus = t->focus;
	ix->hot[row].pop = t->populations;
	ix->hot[row].career = t->career_stages;
	ix->hot[row].flags = (uint8_t)((t->clinician_clients ? RF_CLINICIAN_CLIENTS : 0) |
	                           (t->accepting ? 0x80 : 0));
	ix->modalities[row] = t->modalities;
	if (!t->has_office)
		ix->modalities[row] &= (uint8_t)~(1u << MOD_IN_PERSON);
	ix->compacts_held[row] = t->compacts;

	zv = strmap_put(&b->zone_of, t->timezone, (uint32_t)ix->n_zones, &added);
	if (!zv)
		goto oom;
	if (added) {
		const struct tz_zone *z = tz_get(t->timezone);
		void *p;

		if (!z)
			return verr_set(e, "timezone", "\"%s\" is not a known time zone", t->timezone);
		if (ix->n_zones == 65535)
			return verr_set(e, "timezone", "too many time zones");
		p = realloc((void *)ix->zones, (size_t)(ix->n_zones + 1) * sizeof(*ix->zones));
		if (!p)
			goto oom;
		ix->zones = p;
		ix->zones[ix->n_zones++] = z;
	}
	ix->hot[row].zone = (uint16_t)*zv;

	for (i = 0; i < t->n_avail; i++) {
		uint32_t *w = vec_push(&b->wins);

		if (!w)
			goto oom;
		*w = (uint32_t)t->avail[i].day << 22 | (uint32_t)t->avail[i].start << 11 |
		     t->avail[i].end;
	}
	ix->win_start[row + 1] = (uint32_t)b->wins.n;

	for (i = 0; i < t->n_licenses; i++) {
		struct pair *p = vec_push(&b->lic);

		if (!p)
			goto oom;
		p->row = row;
		p->code = (uint16_t)t->licenses[i];
	}
	for (i = 0; i < t->n_languages; i++) {
		struct pair *p = vec_push(&b->lang);

		if (!p)
			goto oom;
		p->row = row;
		p->code = (uint16_t)t->languages[i];
	}
	for (i = 0; i < t->n_affils; i++) {
		const struct affiliation *af = &t->affils[i];

		if (af->person) {
			struct person_ref *p = vec_push(&b->persons);

			if (!p || !(p->person = arena_strdup(s, af->ref)))
				goto oom;
			p->row = row;
		} else {
			struct affil_rec *r = vec_push(&b->affils);
			int64_t org;

			if (!r || (org = org_number(b, af->ref, NULL, 0, 0)) < 0)
				goto oom;
			r->org = (uint32_t)org;
			r->row = row;
			r->role = af->role;
			r->current = af->current;
		}
	}
	if (t->npi[0]) {
		struct npi_rec *r = vec_push(&b->npis);

		if (!r)
			goto oom;
		r->key = strtoull(t->npi, NULL, 10);
		r->row = row;
	}
	ix->n++;
	return 0;
oom:
	b->failed = -1;
	return verr_set(e, "", "out of memory while building the index");
}

void
hour_mask(int from, int to, uint64_t touched[3], uint64_t full[3])
{
	int h;

	if (from < 0)
		from = 0;
	if (to > 7 * 1440)
		to = 7 * 1440;
	for (h = from / 60; h < 168 && h * 60 < to; h++) {
		touched[h >> 6] |= (uint64_t)1 << (h & 63);
		if (h * 60 >= from && h * 60 + 60 <= to)
			full[h >> 6] |= (uint64_t)1 << (h & 63);
	}
}

uint64_t
hour_blocks(const uint64_t hours[3])
{
	uint64_t b = 0;
	int h;

	for (h = 0; h < 168; h++)
		if (hours[h >> 6] >> (h & 63) & 1)
			b |= (uint64_t)1 << (h / 3);
	return b;
}

static uint64_t *
bitmap_new(size_t words)
{
	return calloc(words ? words : 1, sizeof(uint64_t));
}

static inline void
bit_set(uint64_t *bm, uint32_t row)
{
	bm[row >> 6] |= (uint64_t)1 << (row & 63);
}

static inline int
bit_get(const uint64_t *bm, uint32_t row)
{
	return (int)(bm[row >> 6] >> (row & 63) & 1);
}

uint32_t
grid_cell(double lat, double lon)
{
	int y = (int)floor((lat + 90) / GRID_DEG);
	int x = (int)floor((lon + 180) / GRID_DEG);

	if (y < 0) y = 0;
	if (y >= GRID_LAT) y = GRID_LAT - 1;
	if (x < 0) x = 0;
	if (x >= GRID_LON) x = GRID_LON - 1;
	return (uint32_t)(y * GRID_LON + x);
}

static int
cmp_npi(const void *a, const void *b)
{
	const struct npi_rec *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

static int
cmp_person(const void *a, const void *b)
{
	const struct person_ref *x = a, *y = b;
	int c = strcmp(x->person, y->person);

	return c ? c : (x->row < y->row ? -1 : x->row > y->row);
}

/* Row bitmaps for one code list from (row, code) pairs. */
static uint64_t **
code_bitmaps(const struct vec *pairs, int ncodes, size_t words)
{
	uint64_t **bm = calloc((size_t)ncodes + 1, sizeof(*bm));
	size_t i;

	if (!bm)
		return NULL;
	for (i = 0; i < pairs->n; i++) {
		const struct pair *p = (const struct pair *)pairs->p + i;

		if (!bm[p->code] && !(bm[p->code] = bitmap_new(words)))
			return NULL;
		bit_set(bm[p->code], p->row);
	}
	return bm;
}

struct index *
index_finish(struct index_builder *b, struct verr *e)
{
	struct index *ix = b->ix;
	size_t words = (ix->n + 63) / 64, i;
	uint32_t r;
	int c, j, nj;

	if (b->failed) {
		verr_set(e, "", "out of memory while building the index");
		goto fail;
	}
	ix->words = words;
	ix->win = b->wins.p;
	b->wins.p = NULL;
	ix->accepting = bitmap_new(words);
	ix->paused = bitmap_new(words);
	ix->telehealth = bitmap_new(words);
	ix->in_person = bitmap_new(words);
	ix->licensed = code_bitmaps(&b->lic, tax_count(ix->tax, TAX_JURISDICTION), words);
	ix->speaks = code_bitmaps(&b->lang, tax_count(ix->tax, TAX_LANGUAGE), words);
	ix->orient_bm = calloc(64, sizeof(*ix->orient_bm));
	ix->focus_bm = calloc(64, sizeof(*ix->focus_bm));
	if (!b->over)
		ix->cell_start = calloc(GRID_CELLS + 1, sizeof(uint32_t));
	if (!ix->accepting || !ix->paused || !ix->telehealth || !ix->in_person || !ix->licensed ||
	    !ix->speaks || !ix->orient_bm || !ix->focus_bm || (!b->over && !ix->cell_start))
		goto oom;
	for (c = 0; c < CMP__MAX; c++)
		if (!(ix->compact_ok[c] = bitmap_new(words)))
			goto oom;
	for (j = 0; j < tax_count(ix->tax, TAX_ORIENTATION); j++)
		if (!(ix->orient_bm[j] = bitmap_new(words)))
			goto oom;
	for (j = 0; j < tax_count(ix->tax, TAX_FOCUS); j++)
		if (!(ix->focus_bm[j] = bitmap_new(words)))
			goto oom;
	if (!(ix->clin_bm = bitmap_new(words)))
		goto oom;
	for (j = 0; j < 8; j++)
		if (!(ix->career_bm[j] = bitmap_new(words)))
			goto oom;

	for (r = 0; r < ix->n; r++) {
		if (ix->hot[r].flags & 0x80)
			bit_set(ix->accepting, r);
		ix->hot[r].flags &= 0x7f;
		if (ix->modalities[r] & (1u << MOD_TELEHEALTH))
			bit_set(ix->telehealth, r);
		if (ix->modalities[r] & (1u << MOD_IN_PERSON)) {
			bit_set(ix->in_person, r);
			if (ix->cell_start)
				ix->cell_start[grid_cell(ix->lat[r], ix->lon[r]) + 1]++;
		}
		for (j = 0; j < 64; j++) {
			if (ix->hot[r].orient >> j & 1)
				bit_set(ix->orient_bm[j], r);
			if (ix->hot[r].focus >> j & 1)
				bit_set(ix->focus_bm[j], r);
			if (j < 8 && (ix->hot[r].career >> j & 1))
				bit_set(ix->career_bm[j], r);
		}
		if (ix->hot[r].flags & RF_CLINICIAN_CLIENTS)
			bit_set(ix->clin_bm, r);
	}

	/* Effective fees for each combination of the query's fee flags. */
	for (j = 0; j < 8; j++) {
		/* Padded to whole words: the matcher reads 64 at a time. */
		if (!(ix->fee_by[j] = calloc(words * 64 + 64, sizeof(uint16_t))))
			goto oom;
		for (r = 0; r < ix->n; r++) {
			int32_t f = ix->fee_session[r];

			if ((j & FEE_FLAG_DISCOUNT) && ix->fee_disc[r] < f)
				f = ix->fee_disc[r];
			if ((j & FEE_FLAG_SLIDING) && ix->fee_slide[r] < f)
				f = ix->fee_slide[r];
			if ((j & FEE_FLAG_GROUP) && ix->fee_group[r] < f)
				f = ix->fee_group[r];
			ix->fee_by[j][r] = (uint16_t)(f >= FEE16_OVER ? FEE16_OVER : f);
		}
	}

	/* Compact practice: holds compact c and a license in one of its members. */
	nj = tax_count(ix->tax, TAX_JURISDICTION);
	for (i = 0; i < b->lic.n; i++) {
		const struct pair *p = (const struct pair *)b->lic.p + i;

		for (c = 0; c < CMP__MAX; c++)
			if ((ix->compacts_held[p->row] >> c & 1) && p->code < nj &&
			    ix->compacts.member[c][p->code])
				bit_set(ix->compact_ok[c], p->row);
	}

	/* Telehealth reach per jurisdiction, open therapists only. */
	ix->tele_open = calloc((size_t)nj + 1, sizeof(*ix->tele_open));
	if (!ix->tele_open)
		goto oom;
	for (j = 0; j < nj; j++) {
		uint64_t any = 0;
		uint64_t *bm;

		if (!(bm = bitmap_new(words)))
			goto oom;
		for (i = 0; i < words; i++) {
			uint64_t via = ix->licensed[j] ? ix->licensed[j][i] : 0;

			for (c = 0; c < CMP__MAX; c++)
				if (ix->compacts.member[c][j])
					via |= ix->compact_ok[c][i];
			bm[i] = via & ix->telehealth[i] & ix->accepting[i];
			any |= bm[i];
		}
		if (any)
			ix->tele_open[j] = bm;
		else
			free(bm);
	}
	for (i = 0; i < words; i++)
		ix->n_accepting += (uint32_t)__builtin_popcountll(ix->accepting[i]);

	/* The grid: rows grouped by cell, in row order within a cell
	 * (none over a base: note 9). */
	for (i = 0; ix->cell_start && i < GRID_CELLS; i++)
		ix->cell_start[i + 1] += ix->cell_start[i];
	if (ix->cell_start) {
		ix->cell_rows = malloc((ix->cell_start[GRID_CELLS] + 1) * sizeof(uint32_t));
		ix->cell_office = malloc((ix->cell_start[GRID_CELLS] + 1) * sizeof(*ix->cell_office));
		if (!ix->cell_rows || !ix->cell_office)
			goto oom;
	}
	if (ix->cell_start) {
		uint32_t *fill = malloc(GRID_CELLS * sizeof(uint32_t));

		if (!fill)
			goto oom;
		memcpy(fill, ix->cell_start, GRID_CELLS * sizeof(uint32_t));
		for (r = 0; r < ix->n; r++)
			if (bit_get(ix->in_person, r)) {
				uint32_t k = fill[grid_cell(ix->lat[r], ix->lon[r])]++;

				ix->cell_rows[k] = r;
				ix->cell_office[k].lat = ix->lat[r];
				ix->cell_office[k].lon = ix->lon[r];
				ix->cell_office[k].coslat = cos(ix->lat[r] * M_PI / 180.0);
			}
		free(fill);
	}

	/* Hour masks of the weekly windows. */
	_Static_assert(sizeof(struct hours) == 64, "struct hours is one cache line");
	ix->hours = aligned_alloc(64, ((size_t)ix->n + 1) * sizeof(*ix->hours));
	ix->tblock = calloc((size_t)ix->n + 1, sizeof(uint64_t));
	if (!ix->hours || !ix->tblock)
		goto oom;
	memset(ix->hours, 0, ((size_t)ix->n + 1) * sizeof(*ix->hours));
	for (r = 0; r < ix->n; r++) {
		uint32_t k;

		for (k = ix->win_start[r]; k < ix->win_start[r + 1]; k++) {
			int from = (int)(WIN_DAY(ix->win[k]) * 1440 + WIN_START(ix->win[k]));
			int to = (int)(WIN_DAY(ix->win[k]) * 1440 + WIN_END(ix->win[k]));

			hour_mask(from, to, ix->hours[r].touched, ix->hours[r].full);
			if (k - ix->win_start[r] < HOURS_INLINE)
				ix->hours[r].win[k - ix->win_start[r]] = ix->win[k];
		}
		ix->hours[r].n_win = (uint8_t)(ix->win_start[r + 1] - ix->win_start[r] > 255 ? 255 :
		                               ix->win_start[r + 1] - ix->win_start[r]);
		ix->hours[r].zone = ix->hot[r].zone;
		ix->tblock[r] = hour_blocks(ix->hours[r].touched) |
			(uint64_t)(ix->hot[r].zone < TBLOCK_ZONE_FAR ? ix->hot[r].zone : TBLOCK_ZONE_FAR) << 56;
	}

	/* Organization members: a counting sort by org keeps rows in order. */
	ix->org_start = calloc((size_t)ix->n_orgs + 1, sizeof(uint32_t));
	ix->members = malloc((b->affils.n + 1) * sizeof(struct member));
	if (!ix->org_start || !ix->members)
		goto oom;
	for (i = 0; i < b->affils.n; i++)
		ix->org_start[((struct affil_rec *)b->affils.p)[i].org + 1]++;
	for (i = 0; i < ix->n_orgs; i++)
		ix->org_start[i + 1] += ix->org_start[i];
	{
		uint32_t *fill = malloc(((size_t)ix->n_orgs + 1) * sizeof(uint32_t));

		if (!fill)
			goto oom;
		memcpy(fill, ix->org_start, ((size_t)ix->n_orgs + 1) * sizeof(uint32_t));
		for (i = 0; i < b->affils.n; i++) {
			const struct affil_rec *a = (const struct affil_rec *)b->affils.p + i;
			struct member *m = &ix->members[fill[a->org]++];

			m->row = a->row;
			m->role = a->role;
			m->current = a->current;
		}
		free(fill);
	}

	/* Supervision links by person; NPIs by number. */
	/* (qsort must not see NULL, even for no items: an empty directory.) */
	if (b->persons.n)
		qsort(b->persons.p, b->persons.n, sizeof(struct person_ref), cmp_person);
	ix->persons = b->persons.p;
	ix->n_persons = b->persons.n;
	b->persons.p = NULL;
	if (b->npis.n)
		qsort(b->npis.p, b->npis.n, sizeof(struct npi_rec), cmp_npi);
	ix->n_npi = b->npis.n;
	ix->npi_key = malloc((ix->n_npi + 1) * sizeof(uint64_t));
	ix->npi_row = malloc((ix->n_npi + 1) * sizeof(uint32_t));
	if (!ix->npi_key || !ix->npi_row)
		goto oom;
	for (i = 0; i < ix->n_npi; i++) {
		ix->npi_key[i] = ((struct npi_rec *)b->npis.p)[i].key;
		ix->npi_row[i] = ((struct npi_rec *)b->npis.p)[i].row;
	}

	free(b->lic.p);
	free(b->lang.p);
	free(b->affils.p);
	free(b->npis.p);
	free(b->wins.p);
	strmap_free(&b->zone_of);
	free(b);
	return ix;
oom:
	verr_set(e, "", "out of memory while building the index");
fail:
	free(b->lic.p);
	free(b->lang.p);
	free(b->affils.p);
	free(b->persons.p);
	free(b->npis.p);
	free(b->wins.p);
	strmap_free(&b->zone_of);
	index_free(ix);
	free(b);
	return NULL;
}

void
index_free(struct index *ix)
{
	int j, c;

	if (!ix)
		return;
	free((void *)ix->id); free((void *)ix->name); free((void *)ix->credentials);
	free(ix->profession); free(ix->lat); free(ix->lon);
	free(ix->fee_session); free(ix->fee_disc); free(ix->fee_slide);
	free(ix->fee_group); free(ix->currency); free(ix->hot);
	for (j = 0; j < 8; j++)
		free(ix->fee_by[j]);
	free(ix->modalities); free(ix->compacts_held); free(ix->win_start); free(ix->win);
	free(ix->accepting); free(ix->paused); free(ix->telehealth); free(ix->in_person);
	if (ix->licensed)
		for (j = 0; j < tax_count(ix->tax, TAX_JURISDICTION); j++)
			free(ix->licensed[j]);
	free(ix->licensed);
	if (ix->speaks)
		for (j = 0; j < tax_count(ix->tax, TAX_LANGUAGE); j++)
			free(ix->speaks[j]);
	free(ix->speaks);
	if (ix->orient_bm)
		for (j = 0; j < 64; j++)
			free(ix->orient_bm[j]);
	free(ix->orient_bm);
	if (ix->focus_bm)
		for (j = 0; j < 64; j++)
			free(ix->focus_bm[j]);
	free(ix->focus_bm);
	free(ix->clin_bm);
	for (j = 0; j < 8; j++)
		free(ix->career_bm[j]);
	for (c = 0; c < CMP__MAX; c++)
		free(ix->compact_ok[c]);
	if (ix->tele_open)
		for (j = 0; j < tax_count(ix->tax, TAX_JURISDICTION); j++)
			free(ix->tele_open[j]);
	free(ix->tele_open);
	free(ix->cell_start); free(ix->cell_rows); free(ix->cell_office);
	free(ix->hours); free(ix->tblock); free((void *)ix->zones);
	free(ix->npi_key); free(ix->npi_row);
	free((void *)ix->org_id); free((void *)ix->org_name); free(ix->org_kind);
	free(ix->org_start); free(ix->members); free(ix->persons);
	strmap_free(&ix->org_of);
	arena_free(&ix->strings);
	free(ix);
}

void
index_set_paused(struct index *ix, uint32_t row, bool paused)
{
	uint64_t bit = (uint64_t)1 << (row & 63);

	if (row >= ix->n)
		return;
	if (paused)
		__atomic_fetch_or(&ix->paused[row >> 6], bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&ix->paused[row >> 6], ~bit, __ATOMIC_RELAXED);
}

uint64_t *
index_gone_new(const struct index *base)
{
	return bitmap_new(base->words);
}

void
index_gone_mark(const struct index *base, uint64_t *gone, const char *id)
{
	int64_t row = index_row(base, id);

	if (row >= 0)
		bit_set(gone, (uint32_t)row);
}

int64_t
index_row(const struct index *ix, const char *id)
{
	/* Rows are in id order: a binary search needs no map. */
	uint32_t lo = 0, hi = ix->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->id[mid], id);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int64_t
index_org(const struct index *ix, const char *id)
{
	uint32_t *v = strmap_get(&ix->org_of, id);

	return v ? (int64_t)*v : -1;
}

void
index_npi_rows(const struct index *ix, const char *npi, size_t *first,
               size_t *count)
{
	uint64_t key = strtoull(npi, NULL, 10);
	size_t lo = 0, hi = ix->n_npi;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->npi_key[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (hi < ix->n_npi && ix->npi_key[hi] == key)
		hi++;
	*count = hi - lo;
}
