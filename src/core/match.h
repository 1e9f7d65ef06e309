/*
 * match.h: the matcher: eligibility (section 3 of the contract), ranking
 * and the result (section 4), over an index.
 *
 * A match context holds the scratch memory of one thread: make one per
 * thread with match_ctx_new() and reuse it for every query. The index is
 * only read.
 */
#ifndef CHIRON_MATCH_H
#define CHIRON_MATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/index.h"
#include "core/query.h"

enum exclusion {
	EX_CLOSED, EX_MODALITY, EX_BUDGET, EX_LANGUAGE, EX_ORIENTATION,
	EX_CONFLICT, EX_TIME, EX__MAX
};

#define TELE_NONE (-2)
#define TELE_LICENSE (-1)
#define SCORE_SCALE 10000

struct match_hit {
	uint32_t row;
	int32_t score;          /* 0..SCORE_SCALE */
	int32_t fee;            /* effective fee for this seeker */
	float distance;         /* km to the office; NAN when unknown */
	int32_t overlap;        /* minutes of shared free time; -1 when unknown */
	int8_t tele;            /* TELE_NONE, TELE_LICENSE or an enum compact */
	bool in_person;         /* within reach in person */
	uint8_t soft;           /* soft conflicts */
};

struct match_result {
	long total_eligible;
	long excluded[EX__MAX];
	struct match_hit *hits;         /* best first; owned by the context */
	int n_hits;
};

struct match_ctx;

struct match_ctx *match_ctx_new(const struct index *ix);
void match_ctx_free(struct match_ctx *c);
const struct index *match_index(const struct match_ctx *c);

/*
 * From now on c matches its index as changed by d (index.h, struct
 * index_delta), or as built when d is NULL. d->gone and d->ix must stay
 * until the next call (or the last run on c); c keeps a context for
 * d->ix, made again when d->serial changes. 0, or -1 when out of memory
 * (c then matches its index as built).
 */
int match_ctx_delta(struct match_ctx *c, const struct index_delta *d);

/*
 * The context whose index holds a hit's row (c itself, or with a delta
 * the delta's context), *row made that index's row.
 */
struct match_ctx *match_hit_ctx(struct match_ctx *c, uint32_t *row);

/* Runs q; out->hits stays valid until the next run on c. */
int match_run(struct match_ctx *c, const struct query *q,
              struct match_result *out);

/* Appends the result as the contract's JSON object (no newline). */
int match_result_json(struct match_ctx *c, const struct query *q,
                      const struct match_result *r, struct buf *out);

struct span { int64_t s, e; };       /* UTC seconds, [s, e) */

/*
 * The times of the query's week when both the query and row are free,
 * merged and in order: at most max spans into out; returns how many.
 * Valid only after match_run(c, q, ...) with the same query.
 */
int match_overlaps(struct match_ctx *c, uint32_t row, struct span *out, int max);

extern const char *const exclusion_names[EX__MAX];

/* Great-circle distance in km (haversine, R = 6371.0088 km). */
double haversine_km(double lat1, double lon1, double lat2, double lon2);

#endif
