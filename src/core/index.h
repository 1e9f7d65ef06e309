/*
 * index.h: the in-memory index of the whole directory, built once at open
 * and then read, without locks, by any number of matching threads.
 *
 * Rows are the therapists in ascending id order, so "lower id" is "lower
 * row". The builder takes organizations first, then therapists in id
 * order (what store scans give), then index_finish() freezes it.
 */
#ifndef CHIRON_INDEX_H
#define CHIRON_INDEX_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "core/compacts.h"
#include "core/record.h"
#include "core/strmap.h"
#include "core/tz.h"

/* A therapist's window packed into 32 bits: day << 22 | start << 11 | end. */
#define WIN_DAY(w) ((w) >> 22)
#define WIN_START(w) (((w) >> 11) & 2047)
#define WIN_END(w) ((w) & 2047)

#define FEE_NONE INT32_MAX

enum row_flag {
	RF_CLINICIAN_CLIENTS = 1,
	RF_HAS_OFFSET = 2,
};

/*
 * The fields that ranking reads for every eligible row, together: a broad
 * query touches one cache line per two rows instead of one per field.
 */
struct hot {
	uint64_t focus, pop, orient;
	uint16_t zone;
	uint8_t career;
	uint8_t flags;                  /* enum row_flag */
	uint32_t pad;
};

/*
 * Hours of the week (local, day * 24 + hour) that a row's windows touch,
 * and that one of them covers whole. Two rows' windows overlap by 50
 * minutes or more only if they touch a common hour, and certainly do if
 * both cover one whole.
 */
#define HOURS_INLINE 3

struct hours {
	uint64_t touched[3];
	uint64_t full[3];
	uint16_t zone;                  /* a copy of hot.zone, for the same line */
	uint8_t n_win;                  /* the row's windows (HOURS_INLINE inline) */
	uint8_t pad;
	uint32_t win[HOURS_INLINE];     /* the first windows, packed as in win[] */
};

/* Index of fee_by[]: which of the query's fee flags apply. */
#define FEE_FLAG_DISCOUNT 1
#define FEE_FLAG_SLIDING 2
#define FEE_FLAG_GROUP 4
#define FEE16_OVER 65535                /* the fee is 65535 or more: look it up */

struct member {                 /* one affiliation, seen from the org */
	uint32_t row;
	uint8_t role;
	uint8_t current;
};

struct person_ref {             /* "row names person in a supervision" */
	const char *person;
	uint32_t row;
};

struct index {
	const struct taxonomy *tax;
	struct compacts compacts;
	uint32_t n;                     /* therapists */
	size_t words;                   /* 64-bit words of a row bitmap */

	/* Per row (struct of arrays). */
	const char **id, **name, **credentials;
	uint8_t *profession;
	double *lat, *lon;              /* NAN without an office */
	int32_t *fee_session, *fee_disc, *fee_slide, *fee_group; /* FEE_NONE */
	uint32_t *currency;             /* three letters, packed */
	struct hot *hot;                /* what ranking reads, 32 bytes a row */
	uint16_t *fee_by[8];            /* effective fee by query flags (FEE_FLAG_*), capped */
	uint8_t *modalities, *compacts_held;
	uint32_t *win_start;            /* n + 1 offsets into win */
	uint32_t *win;

	/* Row bitmaps. */
	uint64_t *accepting, *telehealth, *in_person;
	uint64_t **licensed;            /* [jurisdiction] or NULL when none */
	uint64_t **speaks;              /* [language] or NULL when none */
	uint64_t **orient_bm;           /* [orientation] or NULL when none */
	uint64_t **focus_bm;            /* [focus area]: ranking's first tier */
	uint64_t *clin_bm;              /* sees clinicians as clients */
	uint64_t *career_bm[8];         /* [career stage] */
	uint64_t *compact_ok[CMP__MAX]; /* holds compact c and licensed in a member */
	/* [jurisdiction]: open, offers telehealth and may practice there by
	 * license or compact (rules 1 and 2); NULL when no one may. */
	uint64_t **tele_open;
	uint32_t n_accepting;
	/*
	 * Listings paused as not confirmed for 45 days: the one part of the
	 * index that changes after open, a bit at a time with atomic
	 * operations (index_set_paused), read with relaxed loads.
	 */
	uint64_t *paused;

	/* Spatial grid of offices: cells of GRID_DEG degrees. */
	uint32_t *cell_start;           /* GRID_CELLS + 1 offsets */
	uint32_t *cell_rows;
	struct cell_office { double lat, lon, coslat; } *cell_office; /* in cell order */

	struct hours *hours;            /* the time rule's prefilter, a line a row */
	/*
	 * The 3-hour blocks of the week (day * 8 + hour / 3, 56 bits) that a
	 * row's windows touch, and its zone in the top 8 bits
	 * (TBLOCK_ZONE_FAR: look in hours): the first, dense prefilter.
	 */
	uint64_t *tblock;

	/* Time zones used by therapists. */
	const struct tz_zone **zones;
	int n_zones;

	/* Lookups. */
	uint64_t *npi_key;              /* sorted (npi << 24 | ...) see index.c */
	uint32_t *npi_row;
	size_t n_npi;

	/* Organizations and their members. */
	uint32_t n_orgs;
	const char **org_id, **org_name;
	uint8_t *org_kind;
	struct strmap org_of;           /* org id -> org number */
	uint32_t *org_start;            /* n_orgs + 1 offsets into members */
	struct member *members;         /* by org, then row */
	struct person_ref *persons;     /* sorted by person id */
	size_t n_persons;

	struct arena strings;
};

/*
 * What changed since a base index was built (see "Changes without a
 * rebuild" in index.c): the changed records as a small index of their
 * own, built over the base with index_builder_over(), and the base's
 * rows that are no more (replaced by one of those records, or removed).
 * A matcher given a delta (match_ctx_delta) answers exactly as it would
 * over an index built from the base's records with these changes made.
 */
struct index_delta {
	const struct index *ix;         /* the changed records; NULL when none */
	const uint64_t *gone;           /* base->words words; NULL when none */
	uint64_t serial;                /* distinct for every delta (contexts key on it) */
};

#define GRID_DEG 0.25
#define GRID_LAT (int)(180 / GRID_DEG)
#define GRID_LON (int)(360 / GRID_DEG)
#define GRID_CELLS (GRID_LAT * GRID_LON)

struct index_builder;

struct index_builder *index_builder_new(const struct taxonomy *tax,
                                        const struct compacts *cx);
int index_add_org(struct index_builder *b, const struct org *o);
/* Therapists must come in ascending id order. */
int index_add_therapist(struct index_builder *b, const struct therapist *t,
                        struct verr *e);
/*
 * A builder for the changed records of a delta over base: no
 * organizations are added (an affiliation's org takes its name and kind
 * from base), and the index has no spatial grid (the matcher scans its
 * few offices). base must outlive the builder; the index it makes does
 * not refer to base.
 */
struct index_builder *index_builder_over(const struct index *base);
/* Freezes the index; the builder is freed either way. NULL on failure. */
struct index *index_finish(struct index_builder *b, struct verr *e);
void index_free(struct index *ix);

/* Pauses (or resumes) a row's listing; safe while queries run. */
void index_set_paused(struct index *ix, uint32_t row, bool paused);

/* A zeroed bitmap of base's rows (free() it); NULL when out of memory. */
uint64_t *index_gone_new(const struct index *base);
/* Marks the row of id in base gone; nothing when base has no such id. */
void index_gone_mark(const struct index *base, uint64_t *gone, const char *id);

/* The row of a therapist id, or -1. */
int64_t index_row(const struct index *ix, const char *id);
/* The organization number of an org id, or -1. */
int64_t index_org(const struct index *ix, const char *id);
/* Rows whose NPI is npi: *first and *count into npi_row. */
void index_npi_rows(const struct index *ix, const char *npi, size_t *first,
                    size_t *count);
/*
 * Sets the bits of the hours of the week (0..167) that the minutes
 * [from, to) of the week touch, and those they cover whole.
 */
void hour_mask(int from, int to, uint64_t touched[3], uint64_t full[3]);
/* The 3-hour blocks touched by a 168-bit hour mask. */
uint64_t hour_blocks(const uint64_t hours[3]);
#define TBLOCK_ZONE_FAR 255
#define TBLOCK_BLOCKS (((uint64_t)1 << 56) - 1)
/* The grid cell of a point. */
uint32_t grid_cell(double lat, double lon);

#endif
