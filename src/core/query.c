/*
 * query.c: parsing and validating a query (section 2 and 5 of the contract).
 *
 * Choices where the contract is silent (docs/matching-notes.md):
 * - `limit` is a whole number from 0 to 200; 0 asks for the counts only.
 * - a fractional `budget` is floored: fees are whole units.
 * - `free` without `timezone` is accepted but cannot be placed in time, so
 *   it ranks nothing; `require_overlap` without `timezone` is an error.
 * - `min_distance_km` above `max_distance_km` is accepted and simply leaves
 *   no one within reach in person.
 * - the query's `npi` is checked like a record's.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonv.h"
#include "core/query.h"

int record_parse_windows(jnode *obj, const char *key, struct arena *a,
                         struct window **out, int *n, struct verr *e);
int record_parse_affils(jnode *obj, const char *key, struct arena *a,
                        const struct taxonomy *tax, struct affiliation **out,
                        int *n, struct verr *e);

static int
parse_week(const char *s, int64_t *days, struct verr *e)
{
	int y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		goto bad;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			goto bad;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || y > 2199 || m < 1 || m > 12 || d < 1 || d > 31)
		goto bad;
	*days = tz_days_from_civil(y, (unsigned)m, (unsigned)d);
	{
		int yy;
		unsigned mm, dd;

		tz_civil_from_days(*days, &yy, &mm, &dd);
		if ((int)mm != m)
			goto bad;
	}
	if (tz_weekday(*days) != 0)
		return verr_set(e, "week_of", "%s is not a Monday", s);
	return 0;
bad:
	return verr_set(e, "week_of", "\"%.16s\" is not a date YYYY-MM-DD (1970 to 2199)", s);
}

static int
parse_location(jnode *root, struct query *q, struct verr *e)
{
	static const char *const keys[] = {"lat", "lon", NULL};
	jnode *l = jn_get(root, "location");

	if (!l || jn_is_null(l))
		return 0;
	if (!jn_is_object(l))
		return verr_set(e, "location", "must be an object {lat, lon}");
	if (jv_keys(l, keys, "location", e) ||
	    jv_num(l, "lat", true, -90, 90, &q->lat, NULL, "location", e) ||
	    jv_num(l, "lon", true, -180, 180, &q->lon, NULL, "location", e))
		return -1;
	q->has_location = true;
	return 0;
}

static int
parse_ids(jnode *root, const char *key, struct arena *a, const char ***out,
          int *n, struct verr *e)
{
	jnode *v = jn_get(root, key), *x;
	size_t i;
	char f[64];

	*out = NULL;
	*n = 0;
	if (!v || jn_is_null(v))
		return 0;
	if (!jn_is_array(v))
		return verr_set(e, key, "must be an array of therapist ids");
	if (jn_len(v) > 10000)
		return verr_set(e, key, "has more than 10000 ids");
	*out = arena_alloc(a, (jn_len(v) + 1) * sizeof(char *));
	if (!*out)
		return verr_set(e, key, "out of memory");
	jn_foreach(v, i, x) {
		snprintf(f, sizeof(f), "%s[%zu]", key, i);
		if (!jn_is_string(x) || !record_id_ok(x->str))
			return verr_set(e, f, "must be a therapist id");
		(*out)[(*n)++] = arena_strdup(a, x->str);
	}
	return 0;
}

int
query_parse(const struct taxonomy *tax, const char *json, size_t len,
            int64_t now, struct arena *a, struct query *q, struct verr *e)
{
	static const char *const keys[] = {"jurisdiction", "location",
		"modality", "max_distance_km", "min_distance_km", "budget",
		"sliding_scale", "clinician_discount", "group_ok",
		"orientation_mode", "my_orientations", "preferred_orientations",
		"goals", "populations", "languages", "career_stage", "timezone",
		"week_of", "free", "require_overlap", "affiliations", "exclude",
		"npi", "self_id", "limit", NULL};
	const char *s, *tzname, *week;
	jnode *root;
	double d;
	bool present;
	int64_t v;
	int rc = -1;

	memset(q, 0, sizeof(*q));
	verr_clear(e);
	root = jv_parse(json, len, a, e);
	if (!root)
		return -1;
	if (jv_keys(root, keys, "", e) ||
	    jv_code(root, "jurisdiction", true, tax, TAX_JURISDICTION, &q->jurisdiction, "", e) ||
	    parse_location(root, q, e) ||
	    jv_str(root, "modality", false, 16, a, &s, "", e))
		goto out;
	if (!s || strcmp(s, "either") == 0)
		q->modality = QMOD_EITHER;
	else if (strcmp(s, "telehealth") == 0)
		q->modality = QMOD_TELEHEALTH;
	else if (strcmp(s, "in_person") == 0)
		q->modality = QMOD_IN_PERSON;
	else {
		verr_set(e, "modality", "\"%s\" is not a modality: use either, telehealth or in_person", s);
		goto out;
	}
	q->max_km = QUERY_MAX_KM_DEFAULT;
	if (jv_num(root, "max_distance_km", false, 0, 40075, &q->max_km, NULL, "", e))
		goto out;
	q->min_km = 0;
	if (jv_num(root, "min_distance_km", false, 0, 40075, &q->min_km, NULL, "", e))
		goto out;
	if (jv_num(root, "budget", false, 0, 1e9, &d, &present, "", e))
		goto out;
	q->has_budget = present;
	q->budget = present ? (int64_t)floor(d) : 0;
	if (jv_bool(root, "sliding_scale", false, false, &q->sliding_scale, "", e) ||
	    jv_bool(root, "clinician_discount", false, false, &q->clinician_discount, "", e) ||
	    jv_bool(root, "group_ok", false, false, &q->group_ok, "", e) ||
	    jv_str(root, "orientation_mode", false, 16, a, &s, "", e))
		goto out;
	if (!s || strcmp(s, "any") == 0)
		q->orientation_mode = OM_ANY;
	else if (strcmp(s, "same") == 0)
		q->orientation_mode = OM_SAME;
	else if (strcmp(s, "different") == 0)
		q->orientation_mode = OM_DIFFERENT;
	else {
		verr_set(e, "orientation_mode", "\"%s\" is not an orientation mode: use any, same or different", s);
		goto out;
	}
	if (jv_codemask(root, "my_orientations", false, tax, TAX_ORIENTATION, &q->my_orientations, "", e) ||
	    jv_codemask(root, "preferred_orientations", false, tax, TAX_ORIENTATION, &q->preferred_orientations, "", e) ||
	    jv_codemask(root, "goals", false, tax, TAX_FOCUS, &q->goals, "", e) ||
	    jv_codemask(root, "populations", false, tax, TAX_POPULATION, &q->populations, "", e) ||
	    jv_codelist(root, "languages", false, tax, TAX_LANGUAGE, a, &q->languages, &q->n_languages, "", e) ||
	    jv_code(root, "career_stage", false, tax, TAX_CAREER, &q->career_stage, "", e))
		goto out;
	if (q->orientation_mode != OM_ANY && !q->my_orientations) {
		verr_set(e, "my_orientations", "orientation_mode \"%s\" needs a non-empty my_orientations",
		         q->orientation_mode == OM_SAME ? "same" : "different");
		goto out;
	}
	if (jv_str(root, "timezone", false, 64, a, &tzname, "", e))
		goto out;
	if (tzname && !(q->zone = tz_get(tzname))) {
		verr_set(e, "timezone", "\"%s\" is not an IANA time zone (such as America/New_York)", tzname);
		goto out;
	}
	if (jv_str(root, "week_of", false, 16, a, &week, "", e))
		goto out;
	if (week) {
		if (parse_week(week, &q->week_days, e))
			goto out;
	} else {
		int64_t local = now + (q->zone ? tz_offset_at(q->zone, now) : 0);
		int64_t today = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);

		q->week_days = today + (7 - tz_weekday(today)) % 7;
	}
	if (record_parse_windows(root, "free", a, &q->free, &q->n_free, e) ||
	    jv_bool(root, "require_overlap", false, false, &q->require_overlap, "", e))
		goto out;
	if (q->require_overlap && !q->zone) {
		verr_set(e, "timezone", "is required when require_overlap is true");
		goto out;
	}
	if (record_parse_affils(root, "affiliations", a, tax, &q->affils, &q->n_affils, e) ||
	    parse_ids(root, "exclude", a, &q->exclude, &q->n_exclude, e) ||
	    jv_str(root, "npi", false, 16, a, &s, "", e))
		goto out;
	if (s) {
		if (!npi_ok(s)) {
			verr_set(e, "npi", "\"%s\" is not a valid NPI (10 digits with a Luhn check digit over the prefix 80840)", s);
			goto out;
		}
		memcpy(q->npi, s, 11);
	}
	if (jv_str(root, "self_id", false, 256, a, &q->self_id, "", e))
		goto out;
	if (q->self_id && !record_id_ok(q->self_id)) {
		verr_set(e, "self_id", "\"%.64s\" is not a therapist id", q->self_id);
		goto out;
	}
	if (jv_int(root, "limit", false, 0, QUERY_LIMIT_MAX, QUERY_LIMIT_DEFAULT, &v, "", e))
		goto out;
	q->limit = (int)v;
	rc = 0;
out:
	return rc;
}
