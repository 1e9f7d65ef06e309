/*
 * test_query.c: a seeker's query (core/query.h), sections 2 and 5 of the
 * matching contract, and the compact member lists (core/compacts.h).
 *
 * What is checked: the defaults; every field of the contract's example;
 * the default week from a fixed "now", in UTC and in the query's zone;
 * each error of section 5 naming its field (one table, QUERY_REFUSALS, an
 * X-macro: each row is its own cmocka test); and compacts_parse on the
 * shipped file and on small hand-written ones.
 */
#include "testlib.h"

#include <stdio.h>

#include "core/arena.h"
#include "core/compacts.h"
#include "core/query.h"


#define DAY INT64_C(86400)
#define HOUR INT64_C(3600)

/*
 * Days since 1970-01-01 of dates in March 2026 (python3:
 * (date(2026, 3, 9) - date(1970, 1, 1)).days), so that the week rule is
 * not checked with the helpers it is built on.
 */
#define MON_0309 INT64_C(20521)
#define MON_0316 INT64_C(20528)
#define MON_0323 INT64_C(20535)
/* Noon UTC, Monday 2026-03-09: the "now" of most tests. */
#define NOW (MON_0309 * DAY + 12 * HOUR)

/* The query of section 2 of the contract, as it is printed there. */
static const char EXAMPLE[] =
	"{\"jurisdiction\":\"US-NY\",\"location\":{\"lat\":40.71,\"lon\":-74.01},"
	" \"modality\":\"either\",\"max_distance_km\":40,\"min_distance_km\":10,"
	" \"budget\":120,\"sliding_scale\":true,\"clinician_discount\":true,\"group_ok\":false,"
	" \"orientation_mode\":\"different\",\"my_orientations\":[\"cbt\"],"
	" \"preferred_orientations\":[\"psychodynamic\"],"
	" \"goals\":[\"burnout\",\"countertransference\"],"
	" \"populations\":[\"lgbtq_affirming\"],\"languages\":[\"en\"],"
	" \"career_stage\":\"early_career\","
	" \"timezone\":\"America/New_York\",\"week_of\":\"2026-03-09\","
	" \"free\":[{\"day\":\"tue\",\"start\":\"18:00\",\"end\":\"20:00\"}],"
	" \"require_overlap\":true,"
	" \"affiliations\":[{\"org\":\"org-000055\",\"role\":\"employer\",\"current\":true}],"
	" \"exclude\":[\"t-0000777\"],\"npi\":\"1497758544\",\"self_id\":\"t-0004242\","
	" \"limit\":20}";

/* A query with the required jurisdiction and the members rest. */
#define Q(rest) "{\"jurisdiction\":\"US-NY\"," rest "}"

/* Parses json at now (from a heap copy of its exact length); must succeed. */
static void
parse_at(const char *json, int64_t now, struct query *q)
{
	size_t n = strlen(json);
	char *copy = malloc(n ? n : 1);
	struct verr e;

	assert_non_null(copy);
	memcpy(copy, json, n);
	if (query_parse(TAX, copy, n, now, &A, q, &e))
		fail_msg("refused: %s: %s\n  %s", e.field, e.msg, json);
	free(copy);
}

static void
parse_ok(const char *json, struct query *q)
{
	parse_at(json, NOW, q);
}

/* json must be refused naming field, with m1 and m2 in the message. */
static void
parse_bad(const char *json, const char *field, const char *m1, const char *m2)
{
	size_t n = strlen(json);
	char *copy = malloc(n ? n : 1);
	struct query q;
	struct verr e;

	assert_non_null(copy);
	memcpy(copy, json, n);
	if (!query_parse(TAX, copy, n, NOW, &A, &q, &e))
		fail_msg("accepted: %s", json);
	free(copy);
	if (strcmp(e.field, field) != 0)
		fail_msg("field \"%s\" (%s), expected \"%s\"\n  %s", e.field, e.msg, field, json);
	if (m1 && !strstr(e.msg, m1))
		fail_msg("%s: message \"%s\" lacks \"%s\"", field, e.msg, m1);
	if (m2 && !strstr(e.msg, m2))
		fail_msg("%s: message \"%s\" lacks \"%s\"", field, e.msg, m2);
	assert_true(strlen(e.msg) >= 8);
}

/* ----------------------------------------------------------------------
 * Valid queries
 * ---------------------------------------------------------------------- */

static void
test_defaults(void **state)
{
	struct query q;

	(void)state;
	parse_ok("{\"jurisdiction\":\"US-NY\"}", &q);
	assert_int_equal(q.jurisdiction, tax_index(TAX_JURISDICTION, "US-NY"));
	assert_false(q.has_location);
	assert_int_equal(q.modality, QMOD_EITHER);
	assert_true(q.max_km == 50.0);
	assert_true(q.max_km == QUERY_MAX_KM_DEFAULT);
	assert_true(q.min_km == 0.0);
	assert_false(q.has_budget);
	assert_false(q.sliding_scale || q.clinician_discount || q.group_ok);
	assert_int_equal(q.orientation_mode, OM_ANY);
	assert_true(q.my_orientations == 0 && q.preferred_orientations == 0);
	assert_true(q.goals == 0 && q.populations == 0);
	assert_int_equal(q.n_languages, 0);
	assert_int_equal(q.career_stage, -1);
	assert_null(q.zone);
	assert_int_equal(q.n_free, 0);
	assert_false(q.require_overlap);
	assert_int_equal(q.n_affils, 0);
	assert_int_equal(q.n_exclude, 0);
	assert_string_equal(q.npi, "");
	assert_null(q.self_id);
	assert_int_equal(q.limit, 20);
	assert_int_equal(q.limit, QUERY_LIMIT_DEFAULT);
	/* now is a Monday: the default week is this one. */
	assert_int_equal(q.week_days, MON_0309);
}

static void
test_contract_example(void **state)
{
	struct query q;

	(void)state;
	parse_ok(EXAMPLE, &q);
	assert_int_equal(q.jurisdiction, tax_index(TAX_JURISDICTION, "US-NY"));
	assert_true(q.has_location);
	assert_true(q.lat == 40.71);
	assert_true(q.lon == -74.01);
	assert_int_equal(q.modality, QMOD_EITHER);
	assert_true(q.max_km == 40.0);
	assert_true(q.min_km == 10.0);
	assert_true(q.has_budget);
	assert_int_equal(q.budget, 120);
	assert_true(q.sliding_scale);
	assert_true(q.clinician_discount);
	assert_false(q.group_ok);
	assert_int_equal(q.orientation_mode, OM_DIFFERENT);
	assert_true(q.my_orientations == tax_bit(TAX_ORIENTATION, "cbt"));
	assert_true(q.preferred_orientations == tax_bit(TAX_ORIENTATION, "psychodynamic"));
	assert_true(q.goals == (tax_bit(TAX_FOCUS, "burnout") | tax_bit(TAX_FOCUS, "countertransference")));
	assert_true(q.populations == tax_bit(TAX_POPULATION, "lgbtq_affirming"));
	assert_int_equal(q.n_languages, 1);
	assert_int_equal(q.languages[0], tax_index(TAX_LANGUAGE, "en"));
	assert_int_equal(q.career_stage, tax_index(TAX_CAREER, "early_career"));
	assert_non_null(q.zone);
	assert_string_equal(tz_name(q.zone), "America/New_York");
	assert_int_equal(q.week_days, MON_0309);
	assert_int_equal(q.n_free, 1);
	assert_int_equal(q.free[0].day, 1);
	assert_int_equal(q.free[0].start, 18 * 60);
	assert_int_equal(q.free[0].end, 20 * 60);
	assert_true(q.require_overlap);
	assert_int_equal(q.n_affils, 1);
	assert_string_equal(q.affils[0].ref, "org-000055");
	assert_int_equal(q.affils[0].role, ROLE_EMPLOYER);
	assert_false(q.affils[0].person);
	assert_true(q.affils[0].current);
	assert_int_equal(q.n_exclude, 1);
	assert_string_equal(q.exclude[0], "t-0000777");
	assert_string_equal(q.npi, "1497758544");
	assert_string_equal(q.self_id, "t-0004242");
	assert_int_equal(q.limit, 20);
}

static void
test_other_values(void **state)
{
	struct query q;

	(void)state;
	parse_ok(Q("\"modality\":\"telehealth\",\"orientation_mode\":\"same\","
	           "\"my_orientations\":[\"cbt\",\"dbt\",\"cbt\"],\"budget\":99.99,"
	           "\"group_ok\":true,\"languages\":[\"es\",\"en\",\"es\"],"
	           "\"affiliations\":[{\"person\":\"t-1\",\"role\":\"supervisee\",\"current\":false},"
	           "{\"org\":\"o-2\",\"role\":\"member\"}],"
	           "\"exclude\":[\"a\",\"b:c\",\"a\"],\"limit\":200"), &q);
	assert_int_equal(q.modality, QMOD_TELEHEALTH);
	assert_int_equal(q.orientation_mode, OM_SAME);
	assert_true(q.my_orientations == (tax_bit(TAX_ORIENTATION, "cbt") | tax_bit(TAX_ORIENTATION, "dbt")));
	/* A fractional budget is floored. */
	assert_true(q.has_budget);
	assert_int_equal(q.budget, 99);
	assert_true(q.group_ok);
	assert_int_equal(q.n_languages, 2);
	assert_int_equal(q.languages[0], tax_index(TAX_LANGUAGE, "es"));
	assert_int_equal(q.n_affils, 2);
	assert_true(q.affils[0].person);
	assert_int_equal(q.affils[0].role, ROLE_SUPERVISEE);
	assert_false(q.affils[0].current);
	assert_true(q.affils[1].current);
	assert_int_equal(q.n_exclude, 3);
	assert_string_equal(q.exclude[1], "b:c");
	assert_int_equal(q.limit, QUERY_LIMIT_MAX);
	parse_ok(Q("\"modality\":\"in_person\",\"orientation_mode\":\"any\",\"budget\":0"), &q);
	assert_int_equal(q.modality, QMOD_IN_PERSON);
	assert_int_equal(q.orientation_mode, OM_ANY);
	assert_true(q.has_budget);
	assert_int_equal(q.budget, 0);
}

static void
test_limit_bounds(void **state)
{
	struct query q;

	(void)state;
	parse_ok(Q("\"limit\":0"), &q);
	assert_int_equal(q.limit, 0);
	parse_ok(Q("\"limit\":200"), &q);
	assert_int_equal(q.limit, 200);
	parse_ok(Q("\"limit\":200.0"), &q);
	assert_int_equal(q.limit, 200);
	parse_ok(Q("\"limit\":1"), &q);
	assert_int_equal(q.limit, 1);
}

static void
test_location_bounds(void **state)
{
	struct query q;

	(void)state;
	parse_ok(Q("\"location\":{\"lat\":90,\"lon\":180}"), &q);
	assert_true(q.has_location && q.lat == 90 && q.lon == 180);
	parse_ok(Q("\"location\":{\"lon\":-180.0,\"lat\":-90.0}"), &q);
	assert_true(q.lat == -90 && q.lon == -180);
	/* A minimum above the maximum is accepted (no one is in reach). */
	parse_ok(Q("\"max_distance_km\":5,\"min_distance_km\":10"), &q);
	assert_true(q.max_km == 5 && q.min_km == 10);
	parse_ok(Q("\"max_distance_km\":0,\"min_distance_km\":40075"), &q);
	assert_true(q.max_km == 0 && q.min_km == 40075);
}

static void
test_free_without_timezone(void **state)
{
	struct query q;

	(void)state;
	/* Accepted: it cannot be placed in time, so it ranks nothing. */
	parse_ok(Q("\"free\":[{\"day\":\"sun\",\"start\":\"00:00\",\"end\":\"24:00\"}]"), &q);
	assert_null(q.zone);
	assert_int_equal(q.n_free, 1);
	assert_int_equal(q.free[0].day, 6);
	assert_int_equal(q.free[0].end, 1440);
	assert_false(q.require_overlap);
	/* require_overlap false needs no zone either. */
	parse_ok(Q("\"require_overlap\":false"), &q);
	assert_false(q.require_overlap);
	/* With a zone, require_overlap is fine. */
	parse_ok(Q("\"require_overlap\":true,\"timezone\":\"Europe/London\""), &q);
	assert_true(q.require_overlap);
	assert_string_equal(tz_name(q.zone), "Europe/London");
}

static void
test_week_of_given(void **state)
{
	struct query q;

	(void)state;
	parse_ok(Q("\"week_of\":\"2026-03-16\""), &q);
	assert_int_equal(q.week_days, MON_0316);
	/* week_of wins over now, whatever day now is. */
	parse_at(Q("\"week_of\":\"2026-03-09\""), MON_0323 * DAY + 3 * DAY, &q);
	assert_int_equal(q.week_days, MON_0309);
	parse_ok(Q("\"week_of\":\"1970-01-05\""), &q);
	assert_int_equal(q.week_days, 4);
	/* A leap day that is a Monday. */
	parse_ok(Q("\"week_of\":\"2016-02-29\""), &q);
	assert_int_equal(q.week_days, 16860);
}

/* ----------------------------------------------------------------------
 * The default week
 * ---------------------------------------------------------------------- */

static int64_t
default_week(const char *json, int64_t now)
{
	struct query q;

	parse_at(json, now, &q);
	arena_reset(&A);
	return q.week_days;
}

static void
test_default_week_monday(void **state)
{
	const char *utc = "{\"jurisdiction\":\"US-NY\"}";

	(void)state;
	/* Any moment of a Monday (UTC) is that Monday. */
	assert_int_equal(default_week(utc, MON_0309 * DAY), MON_0309);
	assert_int_equal(default_week(utc, MON_0309 * DAY + 12 * HOUR), MON_0309);
	assert_int_equal(default_week(utc, MON_0309 * DAY + DAY - 1), MON_0309);
}

static void
test_default_week_midweek(void **state)
{
	const char *utc = "{\"jurisdiction\":\"US-NY\"}";
	int d;

	(void)state;
	/* Tuesday to Sunday: the next Monday. */
	assert_int_equal(default_week(utc, (MON_0309 + 2) * DAY + 10 * HOUR), MON_0316);
	for (d = 1; d < 7; d++) {
		assert_int_equal(default_week(utc, (MON_0309 + d) * DAY), MON_0316);
		assert_int_equal(default_week(utc, (MON_0309 + d) * DAY + DAY - 1), MON_0316);
	}
	/* The next Monday itself is its own week. */
	assert_int_equal(default_week(utc, MON_0316 * DAY), MON_0316);
}

static void
test_default_week_in_zone(void **state)
{
	const char *tokyo = Q("\"timezone\":\"Asia/Tokyo\"");
	const char *la = Q("\"timezone\":\"America/Los_Angeles\"");
	const char *utc = "{\"jurisdiction\":\"US-NY\"}";
	/* Sunday 2026-03-15 22:00 UTC is Monday 07:00 in Tokyo (+09:00). */
	int64_t sun_late = (MON_0316 - 1) * DAY + 22 * HOUR;
	/* Monday 2026-03-09 20:00 UTC is already Tuesday 05:00 in Tokyo. */
	int64_t mon_late = MON_0309 * DAY + 20 * HOUR;
	/* Tuesday 2026-03-10 03:00 UTC is still Monday 20:00 in Los Angeles
	 * (-07:00: daylight time began on 2026-03-08). */
	int64_t tue_early = (MON_0309 + 1) * DAY + 3 * HOUR;

	(void)state;
	assert_int_equal(default_week(tokyo, sun_late), MON_0316);
	/* The zone decides which day today is. */
	assert_int_equal(default_week(utc, mon_late), MON_0309);
	assert_int_equal(default_week(tokyo, mon_late), MON_0316);
	assert_int_equal(default_week(utc, tue_early), MON_0316);
	assert_int_equal(default_week(la, tue_early), MON_0309);
	/* At 15:00 UTC on a Sunday, Tokyo is at Monday midnight. */
	assert_int_equal(default_week(tokyo, (MON_0316 - 1) * DAY + 15 * HOUR), MON_0316);
	assert_int_equal(default_week(tokyo, (MON_0316 - 1) * DAY + 15 * HOUR - 1), MON_0316);
	/* One second before Tokyo's Tuesday begins, it is still Monday. */
	assert_int_equal(default_week(tokyo, MON_0309 * DAY + 15 * HOUR - 1), MON_0309);
	assert_int_equal(default_week(tokyo, MON_0309 * DAY + 15 * HOUR), MON_0316);
}

static void
test_default_week_near_epoch(void **state)
{
	const char *utc = "{\"jurisdiction\":\"US-NY\"}";

	(void)state;
	/* 1970-01-01 was a Thursday; 1969-12-29 a Monday (day -3). */
	assert_int_equal(default_week(utc, 0), 4);
	assert_int_equal(default_week(utc, -1), 4);
	assert_int_equal(default_week(utc, -3 * DAY), -3);
	assert_int_equal(default_week(utc, -3 * DAY + 1), -3);
	assert_int_equal(default_week(utc, -3 * DAY - 1), -3);
	assert_int_equal(default_week(utc, -4 * DAY), -3);
}

/* ----------------------------------------------------------------------
 * Refusals: one row each, one test each
 * ---------------------------------------------------------------------- */

#define FREE_TUE(start, end) "\"free\":[{\"day\":\"tue\",\"start\":\"" start "\",\"end\":\"" end "\"}]"

/* X(name, json, field, message part, message part or NULL) */
#define QUERY_REFUSALS(X) \
	/* Unknown codes: the message names the code and its list. */ \
	X(unknown_goal, Q("\"goals\":[\"burnout\",\"bogus\"]"), "goals", "\"bogus\"", "focus_areas list") \
	X(unknown_my_orientation, Q("\"orientation_mode\":\"same\",\"my_orientations\":[\"jungian\"]"), \
	  "my_orientations", "\"jungian\"", "orientations list") \
	X(unknown_preferred_orientation, Q("\"preferred_orientations\":[\"CBT\"]"), \
	  "preferred_orientations", "\"CBT\"", "orientations list") \
	X(unknown_population, Q("\"populations\":[\"martians\"]"), "populations", "\"martians\"", \
	  "populations list") \
	X(unknown_language, Q("\"languages\":[\"en\",\"eng\"]"), "languages", "\"eng\"", "languages list") \
	X(unknown_career_stage, Q("\"career_stage\":\"retired\""), "career_stage", "\"retired\"", \
	  "career_stages list") \
	X(career_stage_as_list, Q("\"career_stage\":[\"early_career\"]"), "career_stage", \
	  "career_stages list", NULL) \
	X(unknown_jurisdiction, "{\"jurisdiction\":\"US-XX\"}", "jurisdiction", "\"US-XX\"", "jurisdictions list") \
	X(jurisdiction_lower_case, "{\"jurisdiction\":\"us-ny\"}", "jurisdiction", "\"us-ny\"", "jurisdictions") \
	X(unknown_role, Q("\"affiliations\":[{\"org\":\"o\",\"role\":\"colleague\"}]"), "affiliations[0].role", \
	  "\"colleague\"", "affiliation_roles list") \
	/* Time zones. */ \
	X(unknown_zone, Q("\"timezone\":\"Mars/Olympus\""), "timezone", "\"Mars/Olympus\"", "IANA") \
	X(zone_path, Q("\"timezone\":\"../../etc/passwd\""), "timezone", "IANA", NULL) \
	X(zone_absolute_path, Q("\"timezone\":\"/usr/share/zoneinfo/UTC\""), "timezone", "IANA", NULL) \
	X(zone_empty, Q("\"timezone\":\"\""), "timezone", NULL, NULL) \
	X(zone_number, Q("\"timezone\":-5"), "timezone", "string", NULL) \
	/* Windows. */ \
	X(window_end_before_start, Q("\"timezone\":\"UTC\"," FREE_TUE("20:00", "18:00")), "free[0].end", \
	  "not after", NULL) \
	X(window_end_equals_start, Q(FREE_TUE("18:00", "18:00")), "free[0].end", "not after", NULL) \
	X(window_start_2400, Q(FREE_TUE("24:00", "24:00")), "free[0].start", "24:00", NULL) \
	X(window_bad_day, Q("\"free\":[{\"day\":\"tuesday\",\"start\":\"18:00\",\"end\":\"20:00\"}]"), \
	  "free[0].day", "\"tuesday\"", NULL) \
	X(window_unknown_field, Q("\"free\":[{\"day\":\"tue\",\"start\":\"18:00\",\"end\":\"20:00\",\"tz\":1}]"), \
	  "free[0].tz", "unknown field", NULL) \
	X(second_window_bad, Q("\"free\":[{\"day\":\"tue\",\"start\":\"18:00\",\"end\":\"20:00\"}," \
	  "{\"day\":\"wed\",\"start\":\"7:00\",\"end\":\"08:00\"}]"), "free[1].start", "HH:MM", NULL) \
	X(free_not_array, Q("\"free\":{\"day\":\"tue\"}"), "free", "array", NULL) \
	/* week_of. */ \
	X(week_of_tuesday, Q("\"week_of\":\"2026-03-10\""), "week_of", "not a Monday", "2026-03-10") \
	X(week_of_sunday, Q("\"week_of\":\"2026-03-15\""), "week_of", "not a Monday", NULL) \
	X(week_of_feb_30, Q("\"week_of\":\"2026-02-30\""), "week_of", "YYYY-MM-DD", NULL) \
	X(week_of_feb_29_not_leap, Q("\"week_of\":\"2027-02-29\""), "week_of", "YYYY-MM-DD", NULL) \
	X(week_of_slashes, Q("\"week_of\":\"2026/03/09\""), "week_of", "YYYY-MM-DD", NULL) \
	X(week_of_short, Q("\"week_of\":\"2026-3-9\""), "week_of", "YYYY-MM-DD", NULL) \
	X(week_of_month_13, Q("\"week_of\":\"2026-13-02\""), "week_of", "YYYY-MM-DD", NULL) \
	X(week_of_month_00, Q("\"week_of\":\"2026-00-09\""), "week_of", "YYYY-MM-DD", NULL) \
	X(week_of_day_00, Q("\"week_of\":\"2026-03-00\""), "week_of", "YYYY-MM-DD", NULL) \
	X(week_of_day_32, Q("\"week_of\":\"2026-03-32\""), "week_of", "YYYY-MM-DD", NULL) \
	X(week_of_with_time, Q("\"week_of\":\"2026-03-09T00:00\""), "week_of", "YYYY-MM-DD", NULL) \
	X(week_of_sign, Q("\"week_of\":\"+026-03-09\""), "week_of", "YYYY-MM-DD", NULL) \
	X(week_of_number, Q("\"week_of\":20260309"), "week_of", "string", NULL) \
	X(week_of_empty, Q("\"week_of\":\"\""), "week_of", NULL, NULL) \
	/* require_overlap and orientation_mode. */ \
	X(require_overlap_without_timezone, Q("\"require_overlap\":true," FREE_TUE("18:00", "20:00")), \
	  "timezone", "require_overlap", NULL) \
	X(require_overlap_not_bool, Q("\"require_overlap\":1,\"timezone\":\"UTC\""), "require_overlap", \
	  "true or false", NULL) \
	X(same_without_my_orientations, Q("\"orientation_mode\":\"same\""), "my_orientations", "same", NULL) \
	X(different_without_my_orientations, Q("\"orientation_mode\":\"different\""), "my_orientations", \
	  "different", NULL) \
	X(same_with_empty_my_orientations, Q("\"orientation_mode\":\"same\",\"my_orientations\":[]"), \
	  "my_orientations", "same", NULL) \
	X(unknown_orientation_mode, Q("\"orientation_mode\":\"opposite\",\"my_orientations\":[\"cbt\"]"), \
	  "orientation_mode", "\"opposite\"", "any, same or different") \
	/* Location and distances. */ \
	X(lat_out_of_range, Q("\"location\":{\"lat\":90.5,\"lon\":0}"), "location.lat", "out of range", NULL) \
	X(lat_below_range, Q("\"location\":{\"lat\":-91,\"lon\":0}"), "location.lat", "out of range", NULL) \
	X(lon_out_of_range, Q("\"location\":{\"lat\":0,\"lon\":-180.01}"), "location.lon", "out of range", NULL) \
	X(location_missing_lon, Q("\"location\":{\"lat\":40.7}"), "location.lon", "is required", NULL) \
	X(location_unknown_field, Q("\"location\":{\"lat\":1,\"lon\":2,\"alt\":3}"), "location.alt", \
	  "unknown field", NULL) \
	X(location_not_object, Q("\"location\":[40.71,-74.01]"), "location", "object", NULL) \
	X(location_lat_string, Q("\"location\":{\"lat\":\"40.71\",\"lon\":2}"), "location.lat", "number", NULL) \
	X(max_distance_negative, Q("\"max_distance_km\":-1"), "max_distance_km", "out of range", NULL) \
	X(min_distance_too_far, Q("\"min_distance_km\":40076"), "min_distance_km", "out of range", NULL) \
	X(modality_unknown, Q("\"modality\":\"video\""), "modality", "\"video\"", "either, telehealth or in_person") \
	/* Limit. */ \
	X(limit_201, Q("\"limit\":201"), "limit", "out of range", "201") \
	X(limit_minus_1, Q("\"limit\":-1"), "limit", "out of range", "-1") \
	X(limit_fractional, Q("\"limit\":20.5"), "limit", "whole number", NULL) \
	X(limit_string, Q("\"limit\":\"20\""), "limit", "whole number", NULL) \
	X(limit_huge, Q("\"limit\":1e300"), "limit", "whole number", NULL) \
	/* Budget and flags. */ \
	X(budget_negative, Q("\"budget\":-1"), "budget", "out of range", NULL) \
	X(budget_string, Q("\"budget\":\"120\""), "budget", "number", NULL) \
	X(sliding_scale_string, Q("\"sliding_scale\":\"yes\""), "sliding_scale", "true or false", NULL) \
	X(goals_not_array, Q("\"goals\":\"burnout\""), "goals", "array", NULL) \
	/* Fields. */ \
	X(unknown_field, Q("\"radius_km\":5"), "radius_km", "unknown field", NULL) \
	X(unknown_field_case, Q("\"Limit\":5"), "Limit", "unknown field", NULL) \
	X(missing_jurisdiction, "{}", "jurisdiction", "is required", NULL) \
	X(missing_jurisdiction_other_fields, "{\"limit\":5,\"goals\":[\"burnout\"]}", "jurisdiction", \
	  "is required", NULL) \
	X(null_jurisdiction, "{\"jurisdiction\":null}", "jurisdiction", "is required", NULL) \
	X(jurisdiction_list, "{\"jurisdiction\":[\"US-NY\"]}", "jurisdiction", "jurisdictions list", NULL) \
	/* Ids and the NPI. */ \
	X(bad_npi, Q("\"npi\":\"1497758545\""), "npi", "\"1497758545\"", "Luhn") \
	X(npi_9_digits, Q("\"npi\":\"149775854\""), "npi", "not a valid NPI", NULL) \
	X(npi_number, Q("\"npi\":1497758544"), "npi", "string", NULL) \
	X(exclude_non_id, Q("\"exclude\":[\"t-1\",\"t 2\"]"), "exclude[1]", "therapist id", NULL) \
	X(exclude_number, Q("\"exclude\":[17]"), "exclude[0]", "therapist id", NULL) \
	X(exclude_empty_id, Q("\"exclude\":[\"\"]"), "exclude[0]", "therapist id", NULL) \
	X(exclude_not_array, Q("\"exclude\":\"t-1\""), "exclude", "array", NULL) \
	X(self_id_bad, Q("\"self_id\":\"me!\""), "self_id", "\"me!\"", NULL) \
	X(affiliation_org_and_person, Q("\"affiliations\":[{\"org\":\"o\",\"person\":\"t-1\",\"role\":\"supervisor\"}]"), \
	  "affiliations[0]", "both", NULL) \
	X(affiliation_person_member, Q("\"affiliations\":[{\"person\":\"t-1\",\"role\":\"member\"}]"), \
	  "affiliations[0].person", "supervisor", NULL) \
	/* Not a query at all. */ \
	X(not_an_object, "[{\"jurisdiction\":\"US-NY\"}]", "", "object", NULL) \
	X(a_string, "\"US-NY\"", "", "object", NULL)

#define DEFINE_REFUSAL(name, json, field, m1, m2) \
	static void refuse_##name(void **state) \
	{ \
		(void)state; \
		parse_bad(json, field, m1, m2); \
	}
QUERY_REFUSALS(DEFINE_REFUSAL)

static void
test_malformed_json_offset(void **state)
{
	static const struct {
		const char *json;
		long offset;
	} cases[] = {
		{"{\"jurisdiction\":\"US-NY\",}", 24},
		{"{\"jurisdiction\":\"US-NY\"", 23},
		{"{\"jurisdiction\":\"US-NY\"} x", 25},
		{"{\"jurisdiction\":\"US-NY\",\"limit\":020}", 33},
		{"{\"jurisdiction\":\"US-NY\",\"jurisdiction\":\"US-CA\"}", 24},
		{"{\"jurisdiction\":'US-NY'}", 16},
		{"", 0},
	};
	struct query q;
	struct verr e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s = cases[i].json;
		char at[32];

		if (!query_parse(TAX, s, strlen(s), NOW, &A, &q, &e))
			fail_msg("accepted: %s", s);
		if (e.offset != cases[i].offset)
			fail_msg("%s: offset %ld, expected %ld (%s)", s, e.offset, cases[i].offset, e.msg);
		assert_string_equal(e.field, "");
		snprintf(at, sizeof(at), "byte %ld", cases[i].offset);
		assert_non_null(strstr(e.msg, at));
	}
	/* A well-formed query that is refused has no offset. */
	assert_int_not_equal(query_parse(TAX, "{}", 2, NOW, &A, &q, &e), 0);
	assert_int_equal(e.offset, -1);
}

/* ----------------------------------------------------------------------
 * Compacts
 * ---------------------------------------------------------------------- */

static bool
member(const struct compacts *c, enum compact k, const char *jur)
{
	return c->member[k][tax_index(TAX_JURISDICTION, jur)];
}

static int
compacts_of(const char *json, struct compacts *c, struct verr *e)
{
	size_t n = strlen(json);
	char *copy = malloc(n ? n : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, json, n);
	rc = compacts_parse(TAX, copy, n, c, e);
	free(copy);
	return rc;
}

static void
compacts_bad(const char *json, const char *field, const char *m1, const char *m2)
{
	struct compacts *c = malloc(sizeof(*c));
	struct verr e;

	assert_non_null(c);
	if (!compacts_of(json, c, &e))
		fail_msg("accepted: %s", json);
	free(c);
	if (strcmp(e.field, field) != 0)
		fail_msg("field \"%s\" (%s), expected \"%s\"", e.field, e.msg, field);
	if (m1 && !strstr(e.msg, m1))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, m1);
	if (m2 && !strstr(e.msg, m2))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, m2);
}

static void
test_compacts_shipped(void **state)
{
	struct compacts *c = malloc(sizeof(*c));
	struct verr e;
	int k, j, n[CMP__MAX] = {0};

	(void)state;
	assert_non_null(c);
	if (compacts_parse(TAX, chiron_compacts_json, chiron_compacts_json_len, c, &e))
		fail_msg("data/compacts.json: %s: %s", e.field, e.msg);
	assert_string_equal(c->as_of, "2026-11-01");
	assert_true(member(c, CMP_PSYPACT, "US-AZ"));
	assert_false(member(c, CMP_PSYPACT, "US-CA"));
	assert_true(member(c, CMP_COUNSELING, "US-LA"));
	assert_true(member(c, CMP_SOCIAL_WORK, "US-WA"));
	assert_false(member(c, CMP_SOCIAL_WORK, "US-NY"));
	for (k = 0; k < CMP__MAX; k++)
		for (j = 0; j < TAX_MAX_JURISDICTIONS; j++)
			n[k] += c->member[k][j];
	/* Each list has members, and not every jurisdiction. */
	for (k = 0; k < CMP__MAX; k++)
		assert_true(n[k] > 10 && n[k] < tax_count(TAX, TAX_JURISDICTION));
	free(c);
}

static void
test_compacts_comments_ignored(void **state)
{
	struct compacts *c = malloc(sizeof(*c));
	struct verr e;

	(void)state;
	assert_non_null(c);
	if (compacts_of("{\"_comment\":\"hand-made\",\"_sources\":{\"PSYPACT\":\"x\",\"NURSING\":1},"
	                "\"_n\":[1,\"US-XX\"],\"_\":null,\"as_of\":\"2025-01-31\","
	                "\"PSYPACT\":[\"US-CA\",\"US-CA\"],\"COUNSELING\":[],"
	                "\"SOCIAL_WORK\":[\"US-NY\",\"CA-ON\"]}", c, &e))
		fail_msg("%s: %s", e.field, e.msg);
	assert_string_equal(c->as_of, "2025-01-31");
	assert_true(member(c, CMP_PSYPACT, "US-CA"));
	assert_false(member(c, CMP_PSYPACT, "US-NY"));
	assert_false(member(c, CMP_COUNSELING, "US-CA"));
	assert_true(member(c, CMP_SOCIAL_WORK, "US-NY"));
	assert_true(member(c, CMP_SOCIAL_WORK, "CA-ON"));
	assert_false(member(c, CMP_SOCIAL_WORK, "US-CA"));
	free(c);
}

static void
test_compacts_absent_parts(void **state)
{
	struct compacts *c = malloc(sizeof(*c));
	struct verr e;
	int k, j;

	(void)state;
	assert_non_null(c);
	/* A first parse fills c; a second, empty one must leave nothing. */
	assert_int_equal(compacts_of("{\"as_of\":\"2026-01-01\",\"PSYPACT\":[\"US-AZ\"]}", c, &e), 0);
	assert_true(member(c, CMP_PSYPACT, "US-AZ"));
	assert_int_equal(compacts_of("{}", c, &e), 0);
	assert_string_equal(c->as_of, "");
	for (k = 0; k < CMP__MAX; k++)
		for (j = 0; j < TAX_MAX_JURISDICTIONS; j++)
			assert_false(c->member[k][j]);
	assert_int_equal(compacts_of("{\"_only\":\"a comment\"}", c, &e), 0);
	assert_string_equal(c->as_of, "");
	free(c);
}

static void
test_compacts_unknown_key(void **state)
{
	(void)state;
	compacts_bad("{\"as_of\":\"2026-11-01\",\"NURSING\":[\"US-AZ\"]}", "NURSING", "unknown field", NULL);
	compacts_bad("{\"psypact\":[]}", "psypact", "unknown field", NULL);
	compacts_bad("{\"comment\":\"not a _comment\"}", "comment", "unknown field", NULL);
}

static void
test_compacts_unknown_jurisdiction(void **state)
{
	(void)state;
	compacts_bad("{\"PSYPACT\":[\"US-AZ\",\"US-XX\"]}", "PSYPACT", "\"US-XX\"", "jurisdictions");
	compacts_bad("{\"COUNSELING\":[\"us-az\"]}", "COUNSELING", "\"us-az\"", NULL);
	compacts_bad("{\"SOCIAL_WORK\":[42]}", "SOCIAL_WORK", "not a string", NULL);
}

static void
test_compacts_bad_shapes(void **state)
{
	struct compacts *c = malloc(sizeof(*c));
	struct verr e;

	(void)state;
	compacts_bad("{\"PSYPACT\":\"US-AZ\"}", "PSYPACT", "array", NULL);
	compacts_bad("{\"PSYPACT\":{\"US-AZ\":true}}", "PSYPACT", "array", NULL);
	compacts_bad("{\"as_of\":20261101}", "as_of", "YYYY-MM-DD", NULL);
	compacts_bad("{\"as_of\":\"Nov 2026\"}", "as_of", "YYYY-MM-DD", NULL);
	compacts_bad("[\"PSYPACT\"]", "", "object", NULL);
	/* Malformed JSON: its offset. */
	assert_non_null(c);
	assert_int_not_equal(compacts_of("{\"PSYPACT\":[\"US-AZ\",]}", c, &e), 0);
	assert_int_equal(e.offset, 20);
	assert_int_not_equal(compacts_of("{\"PSYPACT\":[],\"PSYPACT\":[]}", c, &e), 0);
	assert_int_equal(e.offset, 14);
	free(c);
}

int
main(void)
{
#define REFUSAL_TEST(name, json, field, m1, m2) \
	cmocka_unit_test_teardown(refuse_##name, reset),
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_defaults, reset),
		cmocka_unit_test_teardown(test_contract_example, reset),
		cmocka_unit_test_teardown(test_other_values, reset),
		cmocka_unit_test_teardown(test_limit_bounds, reset),
		cmocka_unit_test_teardown(test_location_bounds, reset),
		cmocka_unit_test_teardown(test_free_without_timezone, reset),
		cmocka_unit_test_teardown(test_week_of_given, reset),
		cmocka_unit_test_teardown(test_default_week_monday, reset),
		cmocka_unit_test_teardown(test_default_week_midweek, reset),
		cmocka_unit_test_teardown(test_default_week_in_zone, reset),
		cmocka_unit_test_teardown(test_default_week_near_epoch, reset),
		QUERY_REFUSALS(REFUSAL_TEST)
		cmocka_unit_test_teardown(test_malformed_json_offset, reset),
		cmocka_unit_test(test_compacts_shipped),
		cmocka_unit_test(test_compacts_comments_ignored),
		cmocka_unit_test(test_compacts_absent_parts),
		cmocka_unit_test(test_compacts_unknown_key),
		cmocka_unit_test(test_compacts_unknown_jurisdiction),
		cmocka_unit_test(test_compacts_bad_shapes),
	};
#undef REFUSAL_TEST

	return cmocka_run_group_tests_name("query", tests, group_setup, group_teardown);
}
