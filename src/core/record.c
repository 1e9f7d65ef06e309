/*
 * record.c: parsing, validating, packing and writing directory records.
 *
 * The parser follows section 1 of the matching contract field by field;
 * every refusal names the field ("fee.clinician_discount_pct",
 * "availability[1].end") and says what would have been right. Unknown
 * fields are refused, never dropped.
 */
#include <stdio.h>
#include <string.h>

#include "core/jsonv.h"
#include "core/record.h"
#include "core/tz.h"

const char *const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

bool
record_id_ok(const char *id)
{
	size_t n = 0;

	for (; id[n]; n++) {
		char c = id[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.' || c == ':'))
			return false;
	}
	return n > 0 && n <= ID_MAX;
}

bool
npi_ok(const char *npi)
{
	char digits[16] = "80840";
	int i, sum = 0;

	for (i = 0; i < 10; i++)
		if (npi[i] < '0' || npi[i] > '9')
			return false;
	if (npi[10] != '\0')
		return false;
	memcpy(digits + 5, npi, 10);
	/* Luhn over 15 digits: double every second digit from the right. */
	for (i = 0; i < 15; i++) {
		int d = digits[14 - i] - '0';

		if (i % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

int
parse_hhmm(const char *s)
{
	int h, m;

	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' ||
	    s[3] < '0' || s[3] > '9' || s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

static int
parse_day(const char *s)
{
	int d;

	for (d = 0; d < 7; d++)
		if (strcmp(s, day_names[d]) == 0)
			return d;
	return -1;
}

/* ----------------------------------------------------------------------
 * Windows and affiliations (shared with the query parser)
 * ---------------------------------------------------------------------- */

int record_parse_windows(jnode *obj, const char *key, struct arena *a,
                         struct window **out, int *n, struct verr *e);
int record_parse_affils(jnode *obj, const char *key, struct arena *a,
                        const struct taxonomy *tax, struct affiliation **out,
                        int *n, struct verr *e);

int
record_parse_windows(jnode *obj, const char *key, struct arena *a,
                     struct window **out, int *n, struct verr *e)
{
	static const char *const keys[] = {"day", "start", "end", NULL};
	jnode *v = jn_get(obj, key), *w;
	size_t i;
	char path[64];

	*out = NULL;
	*n = 0;
	if (!v || jn_is_null(v))
		return 0;
	if (!jn_is_array(v))
		return verr_set(e, key, "must be an array of {day, start, end}");
	if (jn_len(v) > 64)
		return verr_set(e, key, "has more than 64 windows");
	*out = arena_alloc(a, (jn_len(v) + 1) * sizeof(**out));
	if (!*out)
		return verr_set(e, key, "out of memory");
	jn_foreach(v, i, w) {
		const char *day, *start, *end;
		int d, s, t;
		char f[96];

		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		if (!jn_is_object(w))
			return verr_set(e, path, "must be an object {day, start, end}");
		if (jv_keys(w, keys, path, e) ||
		    jv_str(w, "day", true, 8, a, &day, path, e) ||
		    jv_str(w, "start", true, 8, a, &start, path, e) ||
		    jv_str(w, "end", true, 8, a, &end, path, e))
			return -1;
		if ((d = parse_day(day)) < 0) {
			jv_path(f, sizeof(f), path, "day");
			return verr_set(e, f, "\"%s\" is not a day: use mon, tue, wed, thu, fri, sat or sun", day);
		}
		s = parse_hhmm(start);
		if (s < 0 || s == 1440) {
			jv_path(f, sizeof(f), path, "start");
			return verr_set(e, f, "\"%s\" is not a time HH:MM from 00:00 to 23:59", start);
		}
		t = parse_hhmm(end);
		if (t < 0) {
			jv_path(f, sizeof(f), path, "end");
			return verr_set(e, f, "\"%s\" is not a time HH:MM from 00:00 to 24:00", end);
		}
		if (t <= s) {
			jv_path(f, sizeof(f), path, "end");
			return verr_set(e, f, "%s is not after the start %s", end, start);
		}
		(*out)[i].day = (uint8_t)d;
		(*out)[i].start = (uint16_t)s;
		(*out)[i].end = (uint16_t)t;
		(*n)++;
	}
	return 0;
}

int
record_parse_affils(jnode *obj, const char *key, struct arena *a,
                    const struct taxonomy *tax, struct affiliation **out,
                    int *n, struct verr *e)
{
	static const char *const keys[] = {"org", "person", "role", "current", NULL};
	jnode *v = jn_get(obj, key), *x;
	size_t i;
	char path[64], f[96];

	*out = NULL;
	*n = 0;
	if (!v || jn_is_null(v))
		return 0;
	if (!jn_is_array(v))
		return verr_set(e, key, "must be an array of {org or person, role, current}");
	if (jn_len(v) > 256)
		return verr_set(e, key, "has more than 256 affiliations");
	*out = arena_alloc(a, (jn_len(v) + 1) * sizeof(**out));
	if (!*out)
		return verr_set(e, key, "out of memory");
	jn_foreach(v, i, x) {
		struct affiliation *af = &(*out)[i];
		const char *org, *person;
		int role;

		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		if (!jn_is_object(x))
			return verr_set(e, path, "must be an object {org or person, role, current}");
		if (jv_keys(x, keys, path, e) ||
		    jv_str(x, "org", false, ID_MAX, a, &org, path, e) ||
		    jv_str(x, "person", false, ID_MAX, a, &person, path, e) ||
		    jv_code(x, "role", true, tax, TAX_ROLE, &role, path, e) ||
		    jv_bool(x, "current", false, true, &af->current, path, e))
			return -1;
		if (!org == !person)
			return verr_set(e, path, "names either an \"org\" or a \"person\", not %s",
			                org ? "both" : "neither");
		if (person && role != ROLE_SUPERVISOR && role != ROLE_SUPERVISEE) {
			jv_path(f, sizeof(f), path, "person");
			return verr_set(e, f, "a person can be named only with the role supervisor or supervisee");
		}
		af->ref = org ? org : person;
		if (!record_id_ok(af->ref)) {
			jv_path(f, sizeof(f), path, org ? "org" : "person");
			return verr_set(e, f, "\"%s\" is not an id (1-%d characters of A-Z a-z 0-9 . _ : -)",
			                af->ref, ID_MAX);
		}
		af->person = person != NULL;
		af->role = (uint8_t)role;
		(*n)++;
	}
	return 0;
}

/* ----------------------------------------------------------------------
 * Records
 * ---------------------------------------------------------------------- */

static int
parse_id(jnode *root, struct arena *a, const char **id, struct verr *e)
{
	if (jv_str(root, "id", true, 256, a, id, "", e))
		return -1;
	if (!record_id_ok(*id))
		return verr_set(e, "id", "\"%.64s\" is not an id (1-%d characters of A-Z a-z 0-9 . _ : -)",
		                *id, ID_MAX);
	return 0;
}

static int
parse_org(jnode *root, const struct taxonomy *tax, struct arena *a,
          struct org *o, struct verr *e)
{
	static const char *const keys[] = {"type", "id", "name", "kind",
		"jurisdiction", NULL};
	int kind, jur;

	if (jv_keys(root, keys, "", e) || parse_id(root, a, &o->id, e) ||
	    jv_str(root, "name", true, 300, a, &o->name, "", e) ||
	    jv_code(root, "kind", true, tax, TAX_ORG_KIND, &kind, "", e) ||
	    jv_code(root, "jurisdiction", false, tax, TAX_JURISDICTION, &jur, "", e))
		return -1;
	o->kind = (uint8_t)kind;
	o->jurisdiction = (int16_t)jur;
	return 0;
}

static int
parse_fee(jnode *root, struct fee *fee, struct arena *a, struct verr *e)
{
	static const char *const keys[] = {"currency", "session",
		"sliding_scale_min", "clinician_discount_pct", "group_session", NULL};
	jnode *f = jn_get(root, "fee");
	const char *cur;
	int64_t v;
	int i;

	if (!f || jn_is_null(f))
		return verr_set(e, "fee", "is required");
	if (!jn_is_object(f))
		return verr_set(e, "fee", "must be an object {currency, session, ...}");
	if (jv_keys(f, keys, "fee", e) ||
	    jv_str(f, "currency", true, 3, a, &cur, "fee", e))
		return -1;
	for (i = 0; i < 3; i++)
		if (strlen(cur) != 3 || cur[i] < 'A' || cur[i] > 'Z')
			return verr_set(e, "fee.currency", "\"%s\" is not an ISO 4217 code (three capital letters)", cur);
	memcpy(fee->currency, cur, 4);
	if (jv_int(f, "session", true, 0, 1000000, 0, &v, "fee", e))
		return -1;
	fee->session = (int32_t)v;
	if (jv_int(f, "sliding_scale_min", false, 0, 1000000, NO_FEE, &v, "fee", e))
		return -1;
	fee->sliding_min = (int32_t)v;
	if (jv_int(f, "clinician_discount_pct", false, 0, 100, NO_FEE, &v, "fee", e))
		return -1;
	fee->discount_pct = (int32_t)v;
	if (jv_int(f, "group_session", false, 0, 1000000, NO_FEE, &v, "fee", e))
		return -1;
	fee->group = (int32_t)v;
	return 0;
}

static int
parse_office(jnode *root, const struct taxonomy *tax, struct arena *a,
             struct therapist *t, struct verr *e)
{
	static const char *const keys[] = {"lat", "lon", "jurisdiction", NULL};
	jnode *o = jn_get(root, "office");
	int jur;

	(void)a;
	t->has_office = false;
	t->office_jurisdiction = -1;
	if (!o || jn_is_null(o)) {
		if (t->modalities & (1u << MOD_IN_PERSON))
			return verr_set(e, "office", "is required when the modalities include in_person");
		return 0;
	}
	if (!jn_is_object(o))
		return verr_set(e, "office", "must be an object {lat, lon, jurisdiction}");
	if (jv_keys(o, keys, "office", e) ||
	    jv_num(o, "lat", true, -90, 90, &t->lat, NULL, "office", e) ||
	    jv_num(o, "lon", true, -180, 180, &t->lon, NULL, "office", e) ||
	    jv_code(o, "jurisdiction", false, tax, TAX_JURISDICTION, &jur, "office", e))
		return -1;
	t->has_office = true;
	t->office_jurisdiction = (int16_t)jur;
	return 0;
}

static int
parse_therapist(jnode *root, const struct taxonomy *tax, struct arena *a,
                struct therapist *t, struct verr *e)
{
	static const char *const keys[] = {"type", "id", "name", "credentials",
		"profession", "npi", "licenses", "compacts", "office",
		"modalities", "formats", "accepting_new_clients", "fee",
		"orientations", "focus_areas", "populations", "languages",
		"career_stages", "clinician_clients", "timezone", "availability",
		"affiliations", NULL};
	const char *npi;
	uint64_t m;
	int prof;

	memset(t, 0, sizeof(*t));
	if (jv_keys(root, keys, "", e) || parse_id(root, a, &t->id, e) ||
	    jv_str(root, "name", true, 300, a, &t->name, "", e) ||
	    jv_str(root, "credentials", true, 200, a, &t->credentials, "", e) ||
	    jv_code(root, "profession", true, tax, TAX_PROFESSION, &prof, "", e) ||
	    jv_str(root, "npi", false, 16, a, &npi, "", e))
		return -1;
	t->profession = (uint8_t)prof;
	if (npi) {
		if (!npi_ok(npi))
			return verr_set(e, "npi", "\"%s\" is not a valid NPI (10 digits with a Luhn check digit over the prefix 80840)", npi);
		memcpy(t->npi, npi, 11);
	}
	if (jv_codelist(root, "licenses", true, tax, TAX_JURISDICTION, a,
	                &t->licenses, &t->n_licenses, "", e) ||
	    jv_codemask(root, "compacts", false, tax, TAX_COMPACT, &m, "", e))
		return -1;
	t->compacts = (uint8_t)m;
	if (jv_codemask(root, "modalities", true, tax, TAX_MODALITY, &m, "", e))
		return -1;
	t->modalities = (uint8_t)m;
	if (jv_codemask(root, "formats", true, tax, TAX_FORMAT, &m, "", e))
		return -1;
	t->formats = (uint8_t)m;
	if (parse_office(root, tax, a, t, e) ||
	    jv_bool(root, "accepting_new_clients", true, false, &t->accepting, "", e) ||
	    parse_fee(root, &t->fee, a, e) ||
	    jv_codemask(root, "orientations", true, tax, TAX_ORIENTATION, &t->orientations, "", e) ||
	    jv_codemask(root, "focus_areas", true, tax, TAX_FOCUS, &t->focus, "", e) ||
	    jv_codemask(root, "populations", false, tax, TAX_POPULATION, &t->populations, "", e) ||
	    jv_codelist(root, "languages", true, tax, TAX_LANGUAGE, a,
	                &t->languages, &t->n_languages, "", e) ||
	    jv_codemask(root, "career_stages", true, tax, TAX_CAREER, &m, "", e))
		return -1;
	t->career_stages = (uint8_t)m;
	if (jv_bool(root, "clinician_clients", true, false, &t->clinician_clients, "", e) ||
	    jv_str(root, "timezone", true, 64, a, &t->timezone, "", e))
		return -1;
	if (!tz_get(t->timezone))
		return verr_set(e, "timezone", "\"%s\" is not an IANA time zone (such as America/New_York)", t->timezone);
	if (record_parse_windows(root, "availability", a, &t->avail, &t->n_avail, e) ||
	    record_parse_affils(root, "affiliations", a, tax, &t->affils, &t->n_affils, e))
		return -1;
	return 0;
}

int
record_parse(const struct taxonomy *tax, const char *line, size_t len,
             struct arena *a, struct record *r, struct verr *e)
{
	static const char *const del_keys[] = {"type", "id", NULL};
	jnode *root;
	const char *type;
	int rc = -1;

	verr_clear(e);
	memset(r, 0, sizeof(*r));
	root = jv_parse(line, len, a, e);
	if (!root)
		return -1;
	if (jv_str(root, "type", true, 16, a, &type, "", e))
		goto out;
	if (strcmp(type, "org") == 0) {
		r->type = REC_ORG;
		rc = parse_org(root, tax, a, &r->org, e);
		r->id = r->org.id;
	} else if (strcmp(type, "therapist") == 0) {
		r->type = REC_THERAPIST;
		rc = parse_therapist(root, tax, a, &r->t, e);
		r->id = r->t.id;
	} else if (strcmp(type, "delete") == 0) {
		r->type = REC_DELETE;
		rc = jv_keys(root, del_keys, "", e) ? -1 : parse_id(root, a, &r->id, e);
	} else {
		verr_set(e, "type", "\"%.32s\" is not a record type: use org, therapist or delete", type);
	}
out:
	return rc;
}
