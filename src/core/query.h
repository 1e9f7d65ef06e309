/*
 * query.h: a seeker's query (section 2 of the matching contract), parsed
 * and validated. Strings and arrays live in the arena given to the parser.
 */
#ifndef CHIRON_QUERY_H
#define CHIRON_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/record.h"
#include "core/tz.h"

enum qmodality { QMOD_EITHER, QMOD_TELEHEALTH, QMOD_IN_PERSON };
enum orient_mode { OM_ANY, OM_SAME, OM_DIFFERENT };

#define QUERY_LIMIT_DEFAULT 20
#define QUERY_LIMIT_MAX 200
#define QUERY_MAX_KM_DEFAULT 50.0

struct query {
	int jurisdiction;               /* taxonomy index */
	bool has_location;
	double lat, lon;
	enum qmodality modality;
	double max_km, min_km;
	bool has_budget;
	int64_t budget;                 /* whole units (a fractional budget is floored) */
	bool sliding_scale, clinician_discount, group_ok;
	enum orient_mode orientation_mode;
	uint64_t my_orientations, preferred_orientations;
	uint64_t goals, populations;
	int16_t *languages;
	int n_languages;
	int career_stage;               /* -1 when absent */
	const struct tz_zone *zone;     /* NULL when no timezone */
	int64_t week_days;              /* days since 1970-01-01 of the Monday */
	struct window *free;
	int n_free;
	bool require_overlap;
	struct affiliation *affils;
	int n_affils;
	const char **exclude;
	int n_exclude;
	char npi[11];                   /* "" when absent */
	const char *self_id;            /* NULL when absent */
	int limit;
};

/*
 * Parses a query. now is the current time (seconds since the epoch), used
 * for the default week: the day's date in the query's zone (UTC without
 * one); that day if it is a Monday, else the next Monday.
 */
int query_parse(const struct taxonomy *tax, const char *json, size_t len,
                int64_t now, struct arena *a, struct query *q,
                struct verr *e);

#endif
