/*
 * cmd_gen.c - "chiron gen": a synthetic directory, and queries that fit it.
 *
 * This file is for load tests, demos and property tests. It writes a
 * directory of organizations and therapists as JSON Lines in the import
 * format of spec/matching.md section 1, or match queries in the format of
 * section 2 that fit such a directory. Nothing here is real data about
 * anyone: the tables of states, cities, names and weights exist so that the
 * generated population looks like the real one (where clinicians live,
 * which professions and credentials they hold, what they charge, which
 * organizations tie them together) and so that every eligibility rule of
 * section 3 has someone to exclude.
 *
 * Design notes.
 *
 * 1. Determinism. The output depends on the arguments only. Every record
 *    draws from its own PRNG stream (xoshiro256**, seeded through
 *    splitmix64) keyed by (seed, stream, index): the organization list
 *    comes from one stream, therapist i from the "therapist" stream at
 *    index i, query q from the "query" stream at index q. Generating
 *    therapist i therefore needs nothing but the organization list, N and
 *    the seed, and that is how the query generator names real therapists
 *    (their id, NPI, state and affiliations) without writing the
 *    directory first.
 *
 * 2. Organizations. The list is built in four blocks and then shuffled so
 *    that id order says nothing about kind: national associations, state
 *    associations (one per profession per state, most populous states
 *    first), big employers and training programs of the largest cities
 *    (VA medical centers, county behavioral health, psychoanalytic
 *    institutes...), then small ones anywhere, weighted by population.
 *    Each organization carries a selection weight, so a state psychological
 *    association collects many members (soft conflicts) while a small peer
 *    consultation group collects few (hard conflicts when two share it).
 *
 * 3. NPIs are unique: the eight digits after the leading 1 or 2 are an
 *    affine bijection of the therapist index modulo 10^8, and the tenth
 *    digit is the Luhn check digit over "80840" and the first nine.
 *
 * 4. The tables (states, cities, names, organizations, how common each
 *    code is) are data, in data/gen.json, built into the binary and read
 *    at the start of every run (gen_data_load); the enums the code names
 *    them by stay here, and the file is checked against them.
 *
 * 5. Speed. Records are formatted by hand into one 256 KiB buffer that is
 *    handed to fwrite when full; no printf runs per record. Codes from the
 *    tables below are plain ASCII and are written between quotes as they
 *    are; every name (people, organizations, credentials, zones) goes
 *    through out_json_str().
 */
#include "cmd_gen.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define GEN_MAX_THERAPISTS 9999999u	/* "t-%07d" */
#define GEN_MAX_ORGS 999999u		/* "org-%06d" */
#define GEN_MAX_QUERIES 10000000u
#define GEN_DEFAULT_QUERY_THERAPISTS 1000u
#define OUT_BUFSZ (256u * 1024u)

/* The most rows data/gen.json may give a table. */
#define GEN_MAX_CODES 64
#define GEN_MAX_CREDS 8
#define GEN_MAX_ZONES 32
#define GEN_MAX_CITIES 512
#define GEN_MAX_NAMES 256
#define GEN_MAX_NICKNAMES 64
#define GEN_MAX_NATIONAL 64
#define GEN_MAX_TMPLS 128

enum { STREAM_ORGS = 1, STREAM_THERAPIST = 2, STREAM_QUERY = 3 };

/* ------------------------------------------------------------------------
 * Taxonomy codes and how common each one is
 * ---------------------------------------------------------------------- */

/* A code and its relative weight; the weights of a table need not sum to
 * anything in particular. */
struct wcode {
	const char *code;
	unsigned w;
};

enum {
	P_PSYCHOLOGIST, P_COUNSELOR, P_SOCIAL_WORKER, P_MFT, P_PSYCHIATRIST,
	P_PSYCHIATRIC_NP, P_OTHER, P__MAX
};
#define PM(p) (1u << (p))

static struct wcode professions[P__MAX];

enum { ORI_FAMILY_SYSTEMS = 10, ORI_EFT = 17 };
static struct wcode orientations[GEN_MAX_CODES];
static size_t n_orientations;
#define N_ORIENTATIONS n_orientations

static struct wcode focus_areas[GEN_MAX_CODES];
static size_t n_focus;
#define N_FOCUS n_focus

enum { POP_CLINICIANS = 0, POP_LATINX = 5 };
static struct wcode populations[GEN_MAX_CODES];
static size_t n_populations;
#define N_POPULATIONS n_populations

static struct wcode career_stages[4];

static const char *const day_codes[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

/*
 * Languages. English and Spanish are drawn from state-dependent rates in
 * therapist_languages(); the rest are an independent tail, each with its
 * rate per 10,000 therapists and the name group its speakers' names come
 * from (see the name tables).
 */
enum {
	NG_GEN, NG_ES, NG_ZH, NG_VI, NG_KO, NG_FR, NG_RU, NG_AR, NG_TL, NG_PT,
	NG_HI, NG_DE, NG_HE, NG__MAX
};
enum { L_EN, L_ES, L__TAIL };
struct lang_info {
	const char *code;
	unsigned per10k;
	unsigned group;
};
static struct lang_info languages[GEN_MAX_CODES];
static size_t n_languages;
#define N_LANGUAGES n_languages

/* ------------------------------------------------------------------------
 * Jurisdictions and cities
 * ---------------------------------------------------------------------- */

enum {
	S_AL, S_AK, S_AZ, S_AR, S_CA, S_CO, S_CT, S_DE, S_DC, S_FL, S_GA, S_HI,
	S_ID, S_IL, S_IN, S_IA, S_KS, S_KY, S_LA, S_ME, S_MD, S_MA, S_MI, S_MN,
	S_MS, S_MO, S_MT, S_NE, S_NV, S_NH, S_NJ, S_NM, S_NY, S_NC, S_ND, S_OH,
	S_OK, S_OR, S_PA, S_RI, S_SC, S_SD, S_TN, S_TX, S_UT, S_VT, S_VA, S_WA,
	S_WV, S_WI, S_WY, S_PR, S__MAX
};

#define CP_PSYPACT 1u
#define CP_COUNSELING 2u
#define CP_SOCIAL_WORK 4u
#define CP_ALL (CP_PSYPACT | CP_COUNSELING | CP_SOCIAL_WORK)

/* Counselor and social-work license titles differ by state; the state
 * table indexes these. */
static const char *counselor_creds[GEN_MAX_CREDS];
static const char *social_work_creds[GEN_MAX_CREDS];
static size_t n_counselor_creds, n_social_work_creds;

/*
 * One row per jurisdiction: its ISO 3166-2 code, name, 2020 census
 * population in thousands (the weight of where therapists and seekers
 * are), the states where a second license is common (neighbors; for
 * Alaska, Hawaii and Puerto Rico the usual mainland ones), approximate
 * compact membership (used only to make compact holders plausible; the
 * matcher reads its own data/compacts.json), and the local titles.
 */
struct state_info {
	const char *code;
	const char *name;
	unsigned pop_k;
	const char *near;
	unsigned compacts;
	unsigned char coun_cred, sw_cred;
};

static struct state_info states[S__MAX];

static const char *us_zones[GEN_MAX_ZONES];
static size_t n_us_zones;

/*
 * Cities: state, name, coordinates of the center, a weight (roughly the
 * metro population in thousands) and the city's own IANA zone, which is
 * not always the state's main one (El Paso, Pensacola, Knoxville, Gary,
 * Rapid City...). Rows are grouped by state in the order of the state
 * enum; gen_data_load() checks that.
 */
struct city_info {
	unsigned char state;
	const char *name;
	double lat, lon;
	unsigned w;
	const char *tz;
};

static struct city_info cities[GEN_MAX_CITIES];
static size_t n_cities;
#define N_CITIES n_cities

/* ------------------------------------------------------------------------
 * Names
 * ---------------------------------------------------------------------- */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct name_group {
	const char *first[GEN_MAX_NAMES];
	unsigned nfirst;
	const char *last[GEN_MAX_NAMES];
	unsigned nlast;
};
static struct name_group name_groups[NG__MAX];

/* A few listings show the name people use between quotes, which is also
 * what makes the JSON escaper earn its keep. */
static const char *nicknames[GEN_MAX_NICKNAMES][2];
static size_t n_nicknames;

/* ------------------------------------------------------------------------
 * Organizations
 * ---------------------------------------------------------------------- */

enum {
	K_EMPLOYER, K_TRAINING, K_CONSULTATION, K_ASSOCIATION, K_OTHER, K__MAX
};
static const char *const org_kinds[K__MAX] = {
	"employer", "training_program", "consultation_group", "association",
	"other"
};

enum {
	R_EMPLOYER, R_TRAINEE, R_FACULTY, R_MEMBER, R_SUPERVISOR, R_SUPERVISEE
};
static const char *const roles[] = {
	"employer", "trainee", "faculty", "member", "supervisor", "supervisee"
};

/*
 * A name pattern: %C is a city, %S the state's name, %L and %M two
 * different surnames. weight is how strongly the organization draws
 * members (see design note 2); prof is the professions an association is
 * for (0: everyone).
 */
struct org_tmpl {
	const char *pat;
	unsigned char kind;
	unsigned char weight;
	unsigned prof;
};

struct national_org {
	const char *name;
	unsigned char state;
	unsigned prof;
};
static struct national_org national_orgs[GEN_MAX_NATIONAL];
static size_t n_national;
#define N_NATIONAL n_national

static struct org_tmpl state_assoc_tmpls[GEN_MAX_TMPLS];
static size_t n_state_assoc;
#define N_STATE_ASSOC n_state_assoc

static struct org_tmpl big_tmpls[GEN_MAX_TMPLS];
static size_t n_big;
#define N_BIG n_big

/* Small organizations; grouped by kind, in the order of the kind enum. */
static struct org_tmpl small_tmpls[GEN_MAX_TMPLS];
static size_t n_small;
#define N_SMALL n_small

/* Kind mix of the small organizations, per 10,000, in kind enum order. */
static const unsigned small_kind_w[K__MAX] = {4000, 1300, 2500, 1000, 1200};

/* How an affiliation slot of a therapist (or a seeker) picks its kind. */
static const unsigned slot_kind_w[K__MAX] = {3200, 1500, 1100, 3600, 600};

/* ------------------------------------------------------------------------
 * The tables, read from data/gen.json
 *
 * The rows above are filled once, at the start of `chiron gen`, from the
 * data file built into the binary (the Makefile's bin2c, like
 * data/taxonomy.json). The enums stay here, as the code names their
 * members, and the file is checked against them: professions, states and
 * name groups in enum order, the codes the code names at their indexes,
 * cities grouped by state in state order, small organizations by kind.
 * Every string points into the parsed file, kept until gen_data_free().
 * ---------------------------------------------------------------------- */

extern const char chiron_gen_json[];
extern const size_t chiron_gen_json_len;

static json_t *gen_root;

/* What the enums mean, to check the file against them. */
static const char *const prof_codes[P__MAX] = {
	"psychologist", "counselor", "social_worker", "mft", "psychiatrist",
	"psychiatric_np", "other"
};
static const char *const group_codes[NG__MAX] = {
	"gen", "es", "zh", "vi", "ko", "fr", "ru", "ar", "tl", "pt", "hi", "de", "he"
};
/* The state enum's order, two letters each. */
static const char state_letters[] =
	"AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN "
	"MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA "
	"WV WI WY PR";

/* Why loading failed: the table, the row (or -1) and what. */
static char gen_err[200];

static int
data_bad(const char *table, long row, const char *what)
{
	if (row >= 0)
		snprintf(gen_err, sizeof gen_err, "%s, row %ld: %s", table, row + 1, what);
	else
		snprintf(gen_err, sizeof gen_err, "%s: %s", table, what);
	return -1;
}

/* The array under key with min to max rows, or NULL with the reason. */
static json_t *
data_list(const char *key, size_t min, size_t max)
{
	json_t *v = json_object_get(gen_root, key);

	if (!json_is_array(v)) {
		data_bad(key, -1, "missing, or not a list");
		return NULL;
	}
	if (json_array_size(v) < min || json_array_size(v) > max) {
		data_bad(key, -1, "too few or too many rows");
		return NULL;
	}
	return v;
}

static const char *
data_str(json_t *row, size_t i)
{
	return json_string_value(json_array_get(row, i));
}

static int
data_uint(json_t *row, size_t i, unsigned max, unsigned *out)
{
	json_t *v = json_array_get(row, i);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)max)
		return -1;
	*out = (unsigned)json_integer_value(v);
	return 0;
}

static int
data_state(const char *code)
{
	unsigned s;

	for (s = 0; code != NULL && s < S__MAX; s++)
		if (strcmp(states[s].code, code) == 0)
			return (int)s;
	return -1;
}

/* The professions mask of a list of profession codes; -1 when one is unknown. */
static long
data_profs(json_t *list)
{
	size_t i;
	unsigned p;
	long mask = 0;

	if (!json_is_array(list))
		return -1;
	for (i = 0; i < json_array_size(list); i++) {
		const char *c = json_string_value(json_array_get(list, i));

		for (p = 0; p < P__MAX && (c == NULL || strcmp(c, prof_codes[p]) != 0); p++)
			;
		if (p == P__MAX)
			return -1;
		mask |= (long)PM(p);
	}
	return mask;
}

static int
data_wcodes(const char *key, struct wcode *t, size_t *n, size_t min, size_t max)
{
	json_t *l = data_list(key, min, max), *row;
	size_t i;

	if (l == NULL)
		return -1;
	json_array_foreach(l, i, row) {
		t[i].code = data_str(row, 0);
		if (t[i].code == NULL || data_uint(row, 1, 1000000, &t[i].w))
			return data_bad(key, (long)i, "not [code, weight]");
	}
	if (n != NULL)
		*n = json_array_size(l);
	return 0;
}

static int
data_strings(const char *key, const char **t, size_t *n, size_t min, size_t max)
{
	json_t *l = data_list(key, min, max), *v;
	size_t i;

	if (l == NULL)
		return -1;
	json_array_foreach(l, i, v)
		if ((t[i] = json_string_value(v)) == NULL)
			return data_bad(key, (long)i, "not a string");
	*n = json_array_size(l);
	return 0;
}

static int
data_tmpls(const char *key, struct org_tmpl *t, size_t *n)
{
	json_t *l = data_list(key, 1, GEN_MAX_TMPLS), *row;
	size_t i;

	if (l == NULL)
		return -1;
	json_array_foreach(l, i, row) {
		const char *kind = data_str(row, 1);
		unsigned k, w;
		long prof = data_profs(json_array_get(row, 3));

		for (k = 0; k < K__MAX && (kind == NULL || strcmp(kind, org_kinds[k]) != 0); k++)
			;
		t[i].pat = data_str(row, 0);
		if (t[i].pat == NULL || k == K__MAX || data_uint(row, 2, 255, &w) || prof < 0)
			return data_bad(key, (long)i, "not [pattern, kind, weight, professions]");
		t[i].kind = (unsigned char)k;
		t[i].weight = (unsigned char)w;
		t[i].prof = (unsigned)prof;
	}
	*n = json_array_size(l);
	return 0;
}

static int
data_states(void)
{
	json_t *l = data_list("states", S__MAX, S__MAX), *row;
	size_t i, j;

	if (l == NULL)
		return -1;
	json_array_foreach(l, i, row) {
		struct state_info *st = &states[i];
		json_t *comp = json_array_get(row, 4), *c;
		unsigned cc, sw;

		st->code = data_str(row, 0);
		st->name = data_str(row, 1);
		st->near = data_str(row, 3);
		if (st->code == NULL || strncmp(st->code, "US-", 3) != 0 || strlen(st->code) != 5 ||
		    strncmp(st->code + 3, state_letters + 3 * i, 2) != 0)
			return data_bad("states", (long)i, "not the state of the enum's order");
		if (st->name == NULL || st->near == NULL || data_uint(row, 2, 1000000, &st->pop_k) ||
		    !json_is_array(comp) || data_uint(row, 5, (unsigned)n_counselor_creds - 1, &cc) ||
		    data_uint(row, 6, (unsigned)n_social_work_creds - 1, &sw))
			return data_bad("states", (long)i, "not [code, name, population, near, "
			                "compacts, counselor title, social work title]");
		st->coun_cred = (unsigned char)cc;
		st->sw_cred = (unsigned char)sw;
		st->compacts = 0;
		json_array_foreach(comp, j, c) {
			const char *v = json_string_value(c);

			if (v != NULL && strcmp(v, "psypact") == 0)
				st->compacts |= CP_PSYPACT;
			else if (v != NULL && strcmp(v, "counseling") == 0)
				st->compacts |= CP_COUNSELING;
			else if (v != NULL && strcmp(v, "social_work") == 0)
				st->compacts |= CP_SOCIAL_WORK;
			else
				return data_bad("states", (long)i, "a compact not psypact, "
				                "counseling or social_work");
		}
	}
	return 0;
}

static int
data_cities(void)
{
	json_t *l = data_list("cities", S__MAX, GEN_MAX_CITIES), *row;
	size_t i;
	int last = 0;

	if (l == NULL)
		return -1;
	json_array_foreach(l, i, row) {
		struct city_info *c = &cities[i];
		int s = data_state(data_str(row, 0));
		json_t *lat = json_array_get(row, 2), *lon = json_array_get(row, 3);

		c->name = data_str(row, 1);
		c->tz = data_str(row, 5);
		if (s < 0 || c->name == NULL || c->tz == NULL || !json_is_number(lat) ||
		    !json_is_number(lon) || data_uint(row, 4, 1000000, &c->w))
			return data_bad("cities", (long)i, "not [state, name, latitude, longitude, "
			                "weight, zone]");
		/* Grouped by state in state order, every state with a city. */
		if (s != last && s != last + 1)
			return data_bad("cities", (long)i, "out of state order, or a state without cities");
		if (i == 0 && s != 0)
			return data_bad("cities", 0, "the first state has no city");
		last = s;
		c->state = (unsigned char)s;
		c->lat = json_number_value(lat);
		c->lon = json_number_value(lon);
	}
	if (last != S__MAX - 1)
		return data_bad("cities", -1, "the last states have no city");
	n_cities = json_array_size(l);
	return 0;
}

static int
data_names(void)
{
	json_t *l = data_list("names", NG__MAX, NG__MAX), *g;
	size_t i, side;

	if (l == NULL)
		return -1;
	json_array_foreach(l, i, g) {
		const char *code = json_string_value(json_object_get(g, "group"));
		struct name_group *ng = &name_groups[i];

		if (code == NULL || strcmp(code, group_codes[i]) != 0)
			return data_bad("names", (long)i, "not the name group of the enum's order");
		for (side = 0; side < 2; side++) {
			json_t *v = json_object_get(g, side ? "last" : "first"), *x;
			const char **to = side ? ng->last : ng->first;
			size_t k;

			if (!json_is_array(v) || json_array_size(v) == 0 ||
			    json_array_size(v) > GEN_MAX_NAMES)
				return data_bad("names", (long)i, "first and last: 1 to 256 names each");
			json_array_foreach(v, k, x)
				if ((to[k] = json_string_value(x)) == NULL)
					return data_bad("names", (long)i, "a name not a string");
			*(side ? &ng->nlast : &ng->nfirst) = (unsigned)json_array_size(v);
		}
	}
	return 0;
}

static int
data_misc(void)
{
	json_t *l, *row;
	size_t i;

	if ((l = data_list("languages", L__TAIL, GEN_MAX_CODES)) == NULL)
		return -1;
	json_array_foreach(l, i, row) {
		const char *g = data_str(row, 2);
		unsigned k;

		for (k = 0; k < NG__MAX && (g == NULL || strcmp(g, group_codes[k]) != 0); k++)
			;
		languages[i].code = data_str(row, 0);
		languages[i].group = k;
		if (languages[i].code == NULL || k == NG__MAX ||
		    data_uint(row, 1, 10000, &languages[i].per10k))
			return data_bad("languages", (long)i, "not [code, per 10,000, name group]");
	}
	n_languages = json_array_size(l);
	if ((l = data_list("nicknames", 1, GEN_MAX_NICKNAMES)) == NULL)
		return -1;
	json_array_foreach(l, i, row)
		if ((nicknames[i][0] = data_str(row, 0)) == NULL ||
		    (nicknames[i][1] = data_str(row, 1)) == NULL)
			return data_bad("nicknames", (long)i, "not [name, nickname]");
	n_nicknames = json_array_size(l);
	if ((l = data_list("national_orgs", 1, GEN_MAX_NATIONAL)) == NULL)
		return -1;
	json_array_foreach(l, i, row) {
		int s = data_state(data_str(row, 1));
		long prof = data_profs(json_array_get(row, 2));

		national_orgs[i].name = data_str(row, 0);
		if (national_orgs[i].name == NULL || s < 0 || prof < 0)
			return data_bad("national_orgs", (long)i, "not [name, state, professions]");
		national_orgs[i].state = (unsigned char)s;
		national_orgs[i].prof = (unsigned)prof;
	}
	n_national = json_array_size(l);
	return 0;
}

/* Whether code is at index i of a table of n codes. */
static int
data_at(const char *key, const struct wcode *t, size_t n, size_t i, const char *code)
{
	if (i >= n || strcmp(t[i].code, code) != 0)
		return data_bad(key, (long)i, "not the code the generator names there");
	return 0;
}

/*
 * Fills the tables from data/gen.json. Returns 0, or -1 with the reason
 * in gen_err. Called once, before anything else of `chiron gen`.
 */
static int
gen_data_load(void)
{
	json_error_t je;
	size_t i, k;

	gen_root = json_loadb(chiron_gen_json, chiron_gen_json_len, 0, &je);
	if (gen_root == NULL) {
		snprintf(gen_err, sizeof gen_err, "line %d: %s", je.line, je.text);
		return -1;
	}
	if (data_wcodes("professions", professions, NULL, P__MAX, P__MAX) ||
	    data_wcodes("orientations", orientations, &n_orientations, 1, GEN_MAX_CODES) ||
	    data_wcodes("focus_areas", focus_areas, &n_focus, 1, GEN_MAX_CODES) ||
	    data_wcodes("populations", populations, &n_populations, 1, GEN_MAX_CODES) ||
	    data_wcodes("career_stages", career_stages, NULL, 4, 4) ||
	    data_strings("counselor_creds", counselor_creds, &n_counselor_creds, 1, GEN_MAX_CREDS) ||
	    data_strings("social_work_creds", social_work_creds, &n_social_work_creds, 1,
	                 GEN_MAX_CREDS) ||
	    data_strings("us_zones", us_zones, &n_us_zones, 1, GEN_MAX_ZONES) ||
	    data_states() || data_cities() || data_names() || data_misc() ||
	    data_tmpls("state_associations", state_assoc_tmpls, &n_state_assoc) ||
	    data_tmpls("big_orgs", big_tmpls, &n_big) ||
	    data_tmpls("small_orgs", small_tmpls, &n_small))
		return -1;
	for (i = 0; i < P__MAX; i++)
		if (data_at("professions", professions, P__MAX, i, prof_codes[i]))
			return -1;
	if (data_at("orientations", orientations, n_orientations, ORI_FAMILY_SYSTEMS,
	            "family_systems") ||
	    data_at("orientations", orientations, n_orientations, ORI_EFT, "eft") ||
	    data_at("populations", populations, n_populations, POP_CLINICIANS, "clinicians") ||
	    data_at("populations", populations, n_populations, POP_LATINX, "latinx"))
		return -1;
	if (strcmp(languages[L_EN].code, "en") != 0 || strcmp(languages[L_ES].code, "es") != 0)
		return data_bad("languages", -1, "en and es first");
	/* Small organizations are grouped by kind, in kind order, every kind there. */
	for (i = 0, k = 0; i < n_small; i++) {
		if (small_tmpls[i].kind != k && small_tmpls[i].kind != k + 1)
			return data_bad("small_orgs", (long)i, "out of kind order");
		k = small_tmpls[i].kind;
	}
	if (small_tmpls[0].kind != 0 || k != K__MAX - 1)
		return data_bad("small_orgs", -1, "a kind without organizations");
	return 0;
}

static void
gen_data_free(void)
{
	json_decref(gen_root);
	gen_root = NULL;
}

struct org {
	char name[128];
	unsigned char kind, state, national;
	unsigned char weight;
	unsigned prof;
};

/* ------------------------------------------------------------------------
 * PRNG: xoshiro256** seeded through splitmix64
 * ---------------------------------------------------------------------- */

struct rng {
	uint64_t s[4];
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t splitmix64(uint64_t *x)
{
	*x += 0x9E3779B97F4A7C15ULL;
	return mix64(*x);
}

/* Seeds r for record `index` of `stream` under `seed`; distinct keys give
 * unrelated sequences. */
static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream,
		     uint64_t index)
{
	uint64_t x = mix64(seed ^ mix64(stream * 0xD1B54A32D192ED03ULL ^
					mix64(index + 0x632BE59BD9B4E019ULL)));
	int k;

	for (k = 0; k < 4; k++)
		r->s[k] = splitmix64(&x);
}

static inline uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

/* A number in [0, n); n must be at least 1. */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* True with probability per10k / 10,000. */
static inline int rng_chance(struct rng *r, unsigned per10k)
{
	return rng_below(r, 10000) < per10k;
}

/* A number in [0, 1). */
static inline double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* A whole number in [lo, hi]. */
static inline int rng_range(struct rng *r, int lo, int hi)
{
	return lo + (int)rng_below(r, (uint32_t)(hi - lo + 1));
}

/* An index into w[0..n) drawn with probability proportional to w[i]. */
static unsigned pick_u(struct rng *r, const unsigned *w, unsigned n)
{
	unsigned total = 0, i, x;

	for (i = 0; i < n; i++)
		total += w[i];
	x = rng_below(r, total);
	for (i = 0; i + 1 < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

static unsigned pick_code(struct rng *r, const struct wcode *t, unsigned n,
			  unsigned total)
{
	unsigned i, x = rng_below(r, total);

	for (i = 0; i + 1 < n; i++) {
		if (x < t[i].w)
			return i;
		x -= t[i].w;
	}
	return n - 1;
}

static unsigned code_total(const struct wcode *t, unsigned n)
{
	unsigned i, total = 0;

	for (i = 0; i < n; i++)
		total += t[i].w;
	return total;
}

static int has_u8(const unsigned char *a, unsigned n, unsigned v)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (a[i] == v)
			return 1;
	return 0;
}

/* Adds weighted distinct codes of t to out[have..k) and returns how many
 * out holds; gives up on a pathological table after 64 draws. */
static unsigned pick_distinct(struct rng *r, const struct wcode *t,
			      unsigned n, unsigned total, unsigned k,
			      unsigned char *out, unsigned have)
{
	unsigned tries;

	for (tries = 0; have < k && tries < 64; tries++) {
		unsigned c = pick_code(r, t, n, total);

		if (!has_u8(out, have, c))
			out[have++] = (unsigned char)c;
	}
	return have;
}

/* ------------------------------------------------------------------------
 * Output: one buffer, hand-written formatting
 * ---------------------------------------------------------------------- */

struct out {
	FILE *f;
	size_t len;
	int err;	/* errno of the first failed write, 0 if none */
	char buf[OUT_BUFSZ];
};

static void out_flush(struct out *o)
{
	if (o->len > 0 && o->err == 0) {
		errno = 0;
		if (fwrite(o->buf, 1, o->len, o->f) != o->len)
			o->err = errno != 0 ? errno : EIO;
	}
	o->len = 0;
}

static inline void out_reserve(struct out *o, size_t n)
{
	assert(n <= OUT_BUFSZ);
	if (o->len + n > OUT_BUFSZ)
		out_flush(o);
}

static inline void out_mem(struct out *o, const char *s, size_t n)
{
	out_reserve(o, n);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

#define out_lit(o, s) out_mem((o), "" s, sizeof(s) - 1)

static inline void out_ch(struct out *o, char c)
{
	out_reserve(o, 1);
	o->buf[o->len++] = c;
}

/* Writes a code from the tables above between quotes. Codes are
 * lower-case ASCII, digits, '_' and '-', so they need no escaping. */
static inline void out_code(struct out *o, const char *code)
{
	size_t n = strlen(code);

	out_reserve(o, n + 2);
	o->buf[o->len++] = '"';
	memcpy(o->buf + o->len, code, n);
	o->len += n;
	o->buf[o->len++] = '"';
}

/* Writes s as a JSON string: quotes, backslashes and control characters
 * escaped, UTF-8 passed through as it is. */
static void out_json_str(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);
	char *p;

	out_reserve(o, n * 6 + 2);
	p = o->buf + o->len;
	*p++ = '"';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"': *p++ = '\\'; *p++ = '"'; break;
		case '\\': *p++ = '\\'; *p++ = '\\'; break;
		case '\n': *p++ = '\\'; *p++ = 'n'; break;
		case '\r': *p++ = '\\'; *p++ = 'r'; break;
		case '\t': *p++ = '\\'; *p++ = 't'; break;
		case '\b': *p++ = '\\'; *p++ = 'b'; break;
		case '\f': *p++ = '\\'; *p++ = 'f'; break;
		default:
			if (c < 0x20) {
				*p++ = '\\'; *p++ = 'u'; *p++ = '0'; *p++ = '0';
				*p++ = hex[c >> 4];
				*p++ = hex[c & 15];
			} else {
				*p++ = (char)c;
			}
		}
	}
	*p++ = '"';
	o->len = (size_t)(p - o->buf);
}

/* Writes v in decimal, left-padded with zeros to at least `width`. */
static void out_uint_w(struct out *o, uint64_t v, unsigned width)
{
	char tmp[24];
	unsigned n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n < width && n < sizeof tmp)
		tmp[n++] = '0';
	out_reserve(o, n);
	while (n > 0)
		o->buf[o->len++] = tmp[--n];
}

static inline void out_uint(struct out *o, uint64_t v)
{
	out_uint_w(o, v, 1);
}

/* Writes v rounded half away from zero to `decimals` places (at most 9). */
static void out_fixed(struct out *o, double v, unsigned decimals)
{
	uint64_t scale = 1;
	double scaled;
	long long q;
	unsigned k;

	for (k = 0; k < decimals; k++)
		scale *= 10;
	scaled = v * (double)scale;
	q = (long long)(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
	if (q < 0) {
		out_ch(o, '-');
		q = -q;
	}
	out_uint(o, (uint64_t)q / scale);
	if (decimals > 0) {
		out_ch(o, '.');
		out_uint_w(o, (uint64_t)q % scale, decimals);
	}
}

/* Writes minutes after midnight as a quoted "HH:MM". */
static void out_hhmm(struct out *o, unsigned minutes)
{
	char t[7];

	t[0] = '"';
	t[1] = (char)('0' + minutes / 600);
	t[2] = (char)('0' + minutes / 60 % 10);
	t[3] = ':';
	t[4] = (char)('0' + minutes % 60 / 10);
	t[5] = (char)('0' + minutes % 10);
	t[6] = '"';
	out_mem(o, t, sizeof t);
}

static void out_therapist_id(struct out *o, uint32_t idx)
{
	out_lit(o, "\"t-");
	out_uint_w(o, (uint64_t)idx + 1, 7);
	out_ch(o, '"');
}

static void out_org_id(struct out *o, uint32_t idx)
{
	out_lit(o, "\"org-");
	out_uint_w(o, (uint64_t)idx + 1, 6);
	out_ch(o, '"');
}

/* ------------------------------------------------------------------------
 * The generator's state: tables derived once from the arguments
 * ---------------------------------------------------------------------- */

/*
 * Owned by gen_new()/gen_free(). Read-only once built, so the record
 * generators below take it as const.
 */
struct gen {
	uint64_t seed;
	uint32_t ntherapists;
	uint32_t norgs;
	struct org *orgs;

	/* Organizations by (state, kind) and by kind alone, national ones
	 * left out; each bucket is a slice of idx with running weights in
	 * cum, so a weighted pick is a binary search. */
	uint32_t sk_off[S__MAX * K__MAX + 1];
	uint32_t *sk_idx, *sk_cum;
	uint32_t k_off[K__MAX + 1];
	uint32_t *k_idx, *k_cum;
	uint32_t national[GEN_MAX_NATIONAL];
	unsigned nnational;
	/* Kind and profession mask of each org, packed: affiliation picks
	 * read these for random orgs and stay in cache. */
	unsigned char *org_kind, *org_prof;

	unsigned state_cum[S__MAX];
	unsigned city_first[S__MAX], city_count[S__MAX];
	unsigned city_cum[GEN_MAX_CITIES];	/* running weight within the state */
	double city_coslat[GEN_MAX_CITIES];
	unsigned char near[S__MAX][9];
	unsigned nnear[S__MAX];

	unsigned orient_total, focus_total, pop_total, prof_total, cs_total;
	uint64_t npi_mul, npi_add;
	char weeks[52][11];	/* the Mondays of 2026, "YYYY-MM-DD" */
};

/* cos() of an angle in degrees, by its Taylor series: the generator only
 * needs it for latitudes, and this keeps it off libm. */
static double cos_deg(double deg)
{
	double x = deg * (3.14159265358979323846 / 180.0);
	double x2 = x * x, term = 1.0, sum = 1.0;
	int k;

	for (k = 1; k <= 12; k++) {
		term *= -x2 / ((2.0 * k - 1.0) * (2.0 * k));
		sum += term;
	}
	return sum;
}

static int state_by_code2(const char *two)
{
	int s;

	for (s = 0; s < S__MAX; s++)
		if (states[s].code[3] == two[0] && states[s].code[4] == two[1])
			return s;
	return -1;
}

static unsigned pick_state(const struct gen *g, struct rng *r)
{
	unsigned x = rng_below(r, g->state_cum[S__MAX - 1]);
	unsigned lo = 0, hi = S__MAX - 1;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (x < g->state_cum[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static unsigned pick_city(const struct gen *g, struct rng *r, unsigned state)
{
	unsigned first = g->city_first[state], n = g->city_count[state], i;
	unsigned x = rng_below(r, g->city_cum[first + n - 1]);

	for (i = 0; i + 1 < n; i++)
		if (x < g->city_cum[first + i])
			break;
	return first + i;
}

/* A point at most max_km from the center of city c, denser near it. */
static void jitter(const struct gen *g, struct rng *r, unsigned c,
		   double max_km, double *lat, double *lon)
{
	double x, y, s;

	do {
		x = 2.0 * rng_unit(r) - 1.0;
		y = 2.0 * rng_unit(r) - 1.0;
	} while (x * x + y * y > 1.0);
	s = max_km * rng_unit(r);
	*lat = cities[c].lat + y * s / 110.574;
	*lon = cities[c].lon + x * s / (111.320 * g->city_coslat[c]);
	if (*lat > 89.99999)
		*lat = 89.99999;
	if (*lat < -89.99999)
		*lat = -89.99999;
	if (*lon > 180.0)
		*lon -= 360.0;
	if (*lon < -180.0)
		*lon += 360.0;
}

/* Appends s to dst (capacity cap, length *len), truncating; dst stays
 * NUL-terminated. */
static void append(char *dst, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n >= cap)
		n = cap - 1 - *len;
	memcpy(dst + *len, s, n);
	*len += n;
	dst[*len] = '\0';
}

/* Fills o->name from pattern t for city c (and its state), drawing
 * surnames from r. */
static void org_name(struct org *o, const char *pat, unsigned c,
		     unsigned state, struct rng *r)
{
	const struct name_group *ng = &name_groups[NG_GEN];
	size_t len = 0;
	unsigned l1 = rng_below(r, ng->nlast), l2 = rng_below(r, ng->nlast);
	const char *p;
	char one[2] = {0, 0};

	if (l2 == l1)
		l2 = (l1 + 1) % ng->nlast;
	o->name[0] = '\0';
	for (p = pat; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] != '\0') {
			p++;
			if (*p == 'C')
				append(o->name, sizeof o->name, &len,
				       cities[c].name);
			else if (*p == 'S')
				append(o->name, sizeof o->name, &len,
				       states[state].name);
			else if (*p == 'L')
				append(o->name, sizeof o->name, &len,
				       ng->last[l1]);
			else if (*p == 'M')
				append(o->name, sizeof o->name, &len,
				       ng->last[l2]);
			continue;
		}
		one[0] = *p;
		append(o->name, sizeof o->name, &len, one);
	}
}

static void org_set(struct org *o, const struct org_tmpl *t, unsigned c,
		    unsigned state, struct rng *r)
{
	org_name(o, t->pat, c, state, r);
	o->kind = t->kind;
	o->state = (unsigned char)state;
	o->weight = t->weight;
	o->prof = t->prof;
	o->national = 0;
}

/* Orders cities by weight, largest first, ties by table order. */
static int cmp_city_w(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	if (cities[x].w != cities[y].w)
		return cities[x].w > cities[y].w ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int cmp_state_pop(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	if (states[x].pop_k != states[y].pop_k)
		return states[x].pop_k > states[y].pop_k ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * Builds g->orgs (design note 2) from the "orgs" stream. The four blocks
 * take at most an eighth, a sixth and a sixth of M; the rest are small
 * organizations. Returns 0, or -1 when out of memory.
 */
static int build_orgs(struct gen *g)
{
	struct rng r;
	unsigned city_order[GEN_MAX_CITIES], state_order[S__MAX];
	uint32_t m = g->norgs, n = 0, budget, i;
	unsigned t, k, round;

	if (m == 0)
		return 0;
	g->orgs = calloc(m, sizeof *g->orgs);
	if (g->orgs == NULL)
		return -1;
	rng_seed(&r, g->seed, STREAM_ORGS, 0);
	for (k = 0; k < N_CITIES; k++)
		city_order[k] = k;
	qsort(city_order, N_CITIES, sizeof city_order[0], cmp_city_w);
	for (k = 0; k < S__MAX; k++)
		state_order[k] = k;
	qsort(state_order, S__MAX, sizeof state_order[0], cmp_state_pop);

	/* National associations. */
	budget = m / 8 < N_NATIONAL ? m / 8 : N_NATIONAL;
	for (k = 0; k < budget; k++, n++) {
		struct org *o = &g->orgs[n];
		size_t len = 0;

		o->name[0] = '\0';
		append(o->name, sizeof o->name, &len, national_orgs[k].name);
		o->kind = K_ASSOCIATION;
		o->state = national_orgs[k].state;
		o->prof = national_orgs[k].prof;
		o->weight = 1;
		o->national = 1;
	}

	/* State associations, profession by profession, big states first. */
	budget = n + (m / 6 < N_STATE_ASSOC * S__MAX ? m / 6
		       : N_STATE_ASSOC * S__MAX);
	for (t = 0; t < N_STATE_ASSOC && n < budget; t++) {
		for (k = 0; k < S__MAX && n < budget; k++) {
			unsigned s = state_order[k];

			org_set(&g->orgs[n++], &state_assoc_tmpls[t],
				g->city_first[s], s, &r);
		}
	}

	/* Big employers and training programs: every city gets one in the
	 * first round, big cities more in later rounds, each round a
	 * different template. */
	budget = n + m / 6;
	for (round = 0; round < N_BIG && n < budget; round++) {
		for (k = 0; k < N_CITIES && n < budget; k++) {
			unsigned c = city_order[k];
			unsigned rounds = 1 + cities[c].w / 400;

			if (round >= rounds)
				continue;
			org_set(&g->orgs[n++], &big_tmpls[(k + round) % N_BIG],
				c, cities[c].state, &r);
		}
	}

	/* Small organizations anywhere, by population. */
	while (n < m) {
		unsigned s = pick_state(g, &r), c = pick_city(g, &r, s);
		unsigned kind = pick_u(&r, small_kind_w, K__MAX);
		unsigned first = 0, cnt = 0;

		for (t = 0; t < N_SMALL; t++) {
			if (small_tmpls[t].kind == kind) {
				if (cnt == 0)
					first = t;
				cnt++;
			}
		}
		org_set(&g->orgs[n++], &small_tmpls[first + rng_below(&r, cnt)],
			c, s, &r);
	}

	/* Shuffle so that ids say nothing about how an org was made. */
	for (i = m - 1; i > 0; i--) {
		uint32_t j = rng_below(&r, i + 1);
		struct org tmp = g->orgs[i];

		g->orgs[i] = g->orgs[j];
		g->orgs[j] = tmp;
	}
	return 0;
}

/* Builds the (state, kind) and kind buckets over g->orgs. Returns 0, or
 * -1 when out of memory. */
static int index_orgs(struct gen *g)
{
	uint32_t i, m = g->norgs;
	uint32_t fill_sk[S__MAX * K__MAX], fill_k[K__MAX];
	unsigned b;

	memset(g->sk_off, 0, sizeof g->sk_off);
	memset(g->k_off, 0, sizeof g->k_off);
	g->nnational = 0;
	g->sk_idx = malloc(((size_t)m + 1) * sizeof *g->sk_idx);
	g->sk_cum = malloc(((size_t)m + 1) * sizeof *g->sk_cum);
	g->k_idx = malloc(((size_t)m + 1) * sizeof *g->k_idx);
	g->k_cum = malloc(((size_t)m + 1) * sizeof *g->k_cum);
	g->org_kind = malloc((size_t)m + 1);
	g->org_prof = malloc((size_t)m + 1);
	if (g->sk_idx == NULL || g->sk_cum == NULL || g->k_idx == NULL ||
	    g->k_cum == NULL || g->org_kind == NULL || g->org_prof == NULL)
		return -1;

	for (i = 0; i < m; i++) {
		const struct org *o = &g->orgs[i];

		g->org_kind[i] = o->kind;
		g->org_prof[i] = (unsigned char)o->prof;
		if (o->national) {
			g->national[g->nnational++] = i;
			continue;
		}
		g->sk_off[o->state * K__MAX + o->kind + 1]++;
		g->k_off[o->kind + 1]++;
	}
	for (b = 0; b < S__MAX * K__MAX; b++)
		g->sk_off[b + 1] += g->sk_off[b];
	for (b = 0; b < K__MAX; b++)
		g->k_off[b + 1] += g->k_off[b];
	memcpy(fill_sk, g->sk_off, sizeof fill_sk);
	memcpy(fill_k, g->k_off, sizeof fill_k);
	for (i = 0; i < m; i++) {
		const struct org *o = &g->orgs[i];
		uint32_t a, c;

		if (o->national)
			continue;
		b = o->state * K__MAX + o->kind;
		a = fill_sk[b]++;
		g->sk_idx[a] = i;
		g->sk_cum[a] = o->weight + (a > g->sk_off[b] ? g->sk_cum[a - 1] : 0);
		c = fill_k[o->kind]++;
		g->k_idx[c] = i;
		g->k_cum[c] = o->weight +
			      (c > g->k_off[o->kind] ? g->k_cum[c - 1] : 0);
	}
	return 0;
}

/* A weighted pick from the bucket [off[b], off[b+1]) of idx/cum, or -1
 * when the bucket is empty. */
static long pick_bucket(struct rng *r, const uint32_t *off,
			const uint32_t *idx, const uint32_t *cum, unsigned b)
{
	uint32_t lo = off[b], hi = off[b + 1] - 1, x;

	if (off[b] == off[b + 1])
		return -1;
	x = rng_below(r, cum[hi]);
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (x < cum[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return (long)idx[lo];
}

/* Whether an org with profession mask `mask` (0: everyone) is for prof. */
static int prof_fits(unsigned mask, unsigned prof)
{
	return mask == 0 || prof == P_OTHER || (mask & PM(prof)) != 0;
}

static void gen_free(struct gen *g)
{
	if (g == NULL)
		return;
	free(g->orgs);
	free(g->sk_idx);
	free(g->sk_cum);
	free(g->k_idx);
	free(g->k_cum);
	free(g->org_kind);
	free(g->org_prof);
	free(g);
}

/* Builds the generator for N therapists and M orgs under seed. Returns
 * NULL when out of memory; the caller frees the result with gen_free(). */
static struct gen *gen_new(uint32_t n, uint32_t m, uint64_t seed)
{
	static const unsigned mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	struct gen *g = calloc(1, sizeof *g);
	unsigned s, c, k, total = 0;
	const char *p;

	if (g == NULL)
		return NULL;
	g->seed = seed;
	g->ntherapists = n;
	g->norgs = m;

	for (s = 0; s < S__MAX; s++) {
		total += states[s].pop_k;
		g->state_cum[s] = total;
		g->city_count[s] = 0;
		g->nnear[s] = 0;
		for (p = states[s].near; p[0] != '\0' && p[1] != '\0';) {
			int t = state_by_code2(p);

			if (t >= 0 && g->nnear[s] < sizeof g->near[s])
				g->near[s][g->nnear[s]++] = (unsigned char)t;
			p += 2;
			while (*p == ' ')
				p++;
		}
	}
	for (c = 0; c < N_CITIES; c++) {
		s = cities[c].state;
		if (g->city_count[s] == 0)
			g->city_first[s] = c;
		/* Rows of one state must be contiguous. */
		assert(g->city_first[s] + g->city_count[s] == c);
		g->city_count[s]++;
		g->city_cum[c] = cities[c].w +
				 (c > g->city_first[s] ? g->city_cum[c - 1] : 0);
		g->city_coslat[c] = cos_deg(cities[c].lat);
	}
	for (s = 0; s < S__MAX; s++)
		assert(g->city_count[s] > 0);

	g->orient_total = code_total(orientations, N_ORIENTATIONS);
	g->focus_total = code_total(focus_areas, N_FOCUS);
	g->pop_total = code_total(populations, N_POPULATIONS);
	g->prof_total = code_total(professions, P__MAX);
	g->cs_total = code_total(career_stages, 4);

	/* NPI digits 2..9 are (mul * index + add) mod 10^8 with mul prime to
	 * 10, a bijection, so no two therapists share one. */
	g->npi_mul = (mix64(seed ^ 0x4E5049ULL) % 100000000ULL) | 1;
	if (g->npi_mul % 5 == 0)
		g->npi_mul += 2;
	g->npi_add = mix64(seed ^ 0x4E504A) % 100000000ULL;

	/* 2026-01-05 is the first Monday of 2026. */
	for (k = 0; k < 52; k++) {
		unsigned doy = 4 + 7 * k, mon = 0;
		char *w = g->weeks[k];

		while (doy >= mdays[mon])
			doy -= mdays[mon++];
		memcpy(w, "2026-", 5);
		w[5] = (char)('0' + (mon + 1) / 10);
		w[6] = (char)('0' + (mon + 1) % 10);
		w[7] = '-';
		w[8] = (char)('0' + (doy + 1) / 10);
		w[9] = (char)('0' + (doy + 1) % 10);
		w[10] = '\0';
	}

	if (build_orgs(g) != 0 || index_orgs(g) != 0) {
		gen_free(g);
		return NULL;
	}
	return g;
}

/* ------------------------------------------------------------------------
 * Affiliations: shared by therapists and seekers
 * ---------------------------------------------------------------------- */

struct aff {
	unsigned char is_person;
	unsigned char role;
	signed char current;	/* 1, 0, or -1 for "absent" */
	uint32_t target;	/* org index, or therapist index */
};

/* "current": true, false or left out (which means true). */
static signed char pick_current(struct rng *r)
{
	unsigned x = rng_below(r, 100);

	return x < 45 ? 1 : x < 70 ? 0 : -1;
}

/*
 * Picks an organization for one affiliation slot of someone of profession
 * prof and own career stage (0 graduate student .. 3 late career) who
 * works in `state`, and fills *a. Skips organizations already in
 * taken[0..ntaken). Returns 0, or -1 when no organization fits.
 */
static int pick_org_aff(const struct gen *g, struct rng *r, unsigned state,
			unsigned prof, unsigned own_stage,
			const struct aff *taken, unsigned ntaken, struct aff *a)
{
	unsigned kind = pick_u(r, slot_kind_w, K__MAX), tries, k;
	long org = -1;

	for (tries = 0; tries < 4; tries++) {
		long cand;

		if (kind == K_ASSOCIATION && g->nnational > 0 &&
		    rng_chance(r, 1200)) {
			cand = (long)g->national[rng_below(r, g->nnational)];
		} else {
			unsigned s = rng_chance(r, 8500) ? state : pick_state(g, r);

			cand = pick_bucket(r, g->sk_off, g->sk_idx, g->sk_cum,
					   s * K__MAX + kind);
			if (cand < 0)
				cand = pick_bucket(r, g->k_off, g->k_idx,
						   g->k_cum, kind);
		}
		if (cand < 0)
			continue;
		for (k = 0; k < ntaken; k++)
			if (!taken[k].is_person && taken[k].target == (uint32_t)cand)
				break;
		if (k < ntaken)
			continue;
		org = cand;
		if (prof_fits(g->org_prof[cand], prof))
			break;
	}
	if (org < 0)
		return -1;

	a->is_person = 0;
	a->target = (uint32_t)org;
	a->current = pick_current(r);
	switch (g->org_kind[org]) {
	case K_EMPLOYER:
		a->role = R_EMPLOYER;
		break;
	case K_TRAINING:
		if (own_stage == 0) {
			a->role = R_TRAINEE;
			a->current = rng_chance(r, 8000) ? 1 : -1;
		} else if (own_stage >= 2 && rng_chance(r, 4500)) {
			a->role = R_FACULTY;
		} else {
			a->role = R_TRAINEE;
			if (rng_chance(r, 7000))
				a->current = 0;
		}
		break;
	case K_OTHER:
		a->role = rng_chance(r, 7000) ? R_MEMBER : R_EMPLOYER;
		break;
	default:
		a->role = R_MEMBER;
	}
	return 0;
}

static void out_aff(struct out *o, const struct aff *a)
{
	if (a->is_person) {
		out_lit(o, "{\"person\":");
		out_therapist_id(o, a->target);
	} else {
		out_lit(o, "{\"org\":");
		out_org_id(o, a->target);
	}
	out_lit(o, ",\"role\":");
	out_code(o, roles[a->role]);
	if (!a->is_person && a->current >= 0) {
		if (a->current)
			out_lit(o, ",\"current\":true");
		else
			out_lit(o, ",\"current\":false");
	}
	out_ch(o, '}');
}

static void out_affs(struct out *o, const struct aff *a, unsigned n)
{
	unsigned k;

	out_ch(o, '[');
	for (k = 0; k < n; k++) {
		if (k > 0)
			out_ch(o, ',');
		out_aff(o, &a[k]);
	}
	out_ch(o, ']');
}

/* ------------------------------------------------------------------------
 * Therapists
 * ---------------------------------------------------------------------- */

struct window {
	unsigned char day;
	unsigned short start, end;	/* minutes after midnight */
};

#define M_IN_PERSON 1u
#define M_TELEHEALTH 2u
#define F_GROUP 2u
#define F_COUPLES 4u

struct therapist {
	uint32_t idx;
	unsigned char prof, state, own_stage, cs_lo, cs_hi;
	unsigned short city;
	char name[96];
	char cred[40];
	char npi[11];		/* "" when the listing has none */
	unsigned char lic[3], nlic;
	unsigned compacts;
	unsigned char write_compacts;
	unsigned char has_office;
	double lat, lon;
	unsigned char modalities, formats, accepting, clinician;
	int fee, slide, disc, group_fee;	/* 0: absent */
	unsigned char orient[4], norient;
	unsigned char focus[8], nfocus;
	unsigned char pop[3], npop, write_pops;
	unsigned langs;		/* bit i: languages[i] */
	unsigned char navail;
	struct window avail[6];
	unsigned char naff, write_affs;
	struct aff aff[6];
};

/* Fills the ten NPI digits of therapist idx into npi (NUL-terminated). */
static void make_npi(const struct gen *g, struct rng *r, uint32_t idx,
		     char npi[11])
{
	uint64_t rest = (g->npi_mul * (uint64_t)idx + g->npi_add) % 100000000ULL;
	int d[15], k, sum = 0, dbl = 1;

	/* Luhn over "80840" and the nine digits: double every other digit
	 * starting from the rightmost one, which sits next to the check
	 * digit. */
	d[0] = 8; d[1] = 0; d[2] = 8; d[3] = 4; d[4] = 0;
	d[5] = rng_chance(r, 6000) ? 1 : 2;
	for (k = 13; k >= 6; k--) {
		d[k] = (int)(rest % 10);
		rest /= 10;
	}
	for (k = 13; k >= 0; k--) {
		int v = d[k];

		if (dbl) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
		dbl = !dbl;
	}
	for (k = 0; k < 9; k++)
		npi[k] = (char)('0' + d[5 + k]);
	npi[9] = (char)('0' + (10 - sum % 10) % 10);
	npi[10] = '\0';
}

static void make_credentials(struct rng *r, struct therapist *t)
{
	static const unsigned other_w[] = {3, 2, 2, 2, 2, 2, 1};
	static const char *const other_c[] = {
		"MA", "LP", "LCAT", "ATR-BC", "LCADC", "LPA", "BCD"
	};
	size_t len = 0;
	unsigned x = rng_below(r, 100);
	char *c = t->cred;
	size_t cap = sizeof t->cred;

	c[0] = '\0';
	switch (t->prof) {
	case P_PSYCHOLOGIST:
		append(c, cap, &len, x < 55 ? "PhD" : x < 95 ? "PsyD" : "EdD");
		if (rng_chance(r, 600))
			append(c, cap, &len, ", ABPP");
		break;
	case P_COUNSELOR:
		if (x < 4)
			append(c, cap, &len, "PhD, ");
		append(c, cap, &len, counselor_creds[states[t->state].coun_cred]);
		if (rng_chance(r, 1500))
			append(c, cap, &len, ", NCC");
		break;
	case P_SOCIAL_WORKER:
		if (x < 15)
			append(c, cap, &len, "MSW, ");
		else if (x < 18)
			append(c, cap, &len, "PhD, ");
		append(c, cap, &len, social_work_creds[states[t->state].sw_cred]);
		break;
	case P_MFT:
		append(c, cap, &len, x < 85 ? "LMFT" : x < 92 ? "PhD, LMFT"
			 : "LMFT, LPC");
		break;
	case P_PSYCHIATRIST:
		append(c, cap, &len, x < 85 ? "MD" : "DO");
		break;
	case P_PSYCHIATRIC_NP:
		append(c, cap, &len, x < 70 ? "PMHNP-BC" : x < 90
			 ? "APRN, PMHNP-BC" : "DNP, PMHNP-BC");
		break;
	default:
		append(c, cap, &len, other_c[pick_u(r, other_w, COUNT(other_w))]);
	}
}

/*
 * Spoken languages: English at 97% (65% in Puerto Rico), Spanish at a
 * state-dependent rate, and at most one language of the tail, drawn with
 * one number against the tail's rates (Yiddish speakers mostly add
 * Hebrew). Someone who speaks neither English nor Spanish nor a tail
 * language speaks Spanish or, less often, a tail language.
 */
static unsigned therapist_languages(struct rng *r, unsigned state)
{
	unsigned langs = 0, es, i, x, tail_total = 0;

	switch (state) {
	case S_PR:
		es = 9600;
		break;
	case S_TX: case S_CA: case S_FL: case S_NM: case S_AZ:
		es = 2200;
		break;
	case S_NY: case S_NJ: case S_IL: case S_NV: case S_CO:
		es = 1450;
		break;
	default:
		es = 800;
	}
	if (rng_chance(r, state == S_PR ? 6500 : 9700))
		langs |= 1u << L_EN;
	if (rng_chance(r, es))
		langs |= 1u << L_ES;
	for (i = L__TAIL; i < N_LANGUAGES; i++)
		tail_total += languages[i].per10k;
	x = rng_below(r, 10000);
	if (langs == 0 && rng_chance(r, 4000))
		x = rng_below(r, tail_total);
	else if (langs == 0)
		langs = 1u << L_ES;
	for (i = L__TAIL; i < N_LANGUAGES; i++) {
		if (x < languages[i].per10k) {
			langs |= 1u << i;
			if (i == N_LANGUAGES - 1 && rng_chance(r, 3000))
				langs |= 1u << (i - 1);
			break;
		}
		x -= languages[i].per10k;
	}
	return langs;
}

static void make_name(struct rng *r, struct therapist *t)
{
	const struct name_group *ng, *gen = &name_groups[NG_GEN];
	const char *first, *last;
	unsigned group = NG_GEN, i;
	size_t len = 0;

	for (i = L__TAIL; i < N_LANGUAGES; i++) {
		if (t->langs & (1u << i)) {
			group = languages[i].group;
			break;
		}
	}
	if (group == NG_GEN && (t->langs & (1u << L_ES)) &&
	    rng_chance(r, 7500))
		group = NG_ES;
	ng = &name_groups[group];
	first = rng_chance(r, group == NG_GEN ? 10000 : 7500)
		? ng->first[rng_below(r, ng->nfirst)]
		: gen->first[rng_below(r, gen->nfirst)];
	last = rng_chance(r, group == NG_GEN ? 10000 : 9000)
	       ? ng->last[rng_below(r, ng->nlast)]
	       : gen->last[rng_below(r, gen->nlast)];

	t->name[0] = '\0';
	if (rng_chance(r, 20)) {
		unsigned k = rng_below(r, n_nicknames);

		append(t->name, sizeof t->name, &len, nicknames[k][0]);
		append(t->name, sizeof t->name, &len, " \"");
		append(t->name, sizeof t->name, &len, nicknames[k][1]);
		append(t->name, sizeof t->name, &len, "\"");
	} else {
		append(t->name, sizeof t->name, &len, first);
	}
	if (rng_chance(r, 1000)) {
		char mid[4] = {' ', 'A', '.', '\0'};

		mid[1] = (char)('A' + rng_below(r, 26));
		append(t->name, sizeof t->name, &len, mid);
	}
	append(t->name, sizeof t->name, &len, " ");
	append(t->name, sizeof t->name, &len, last);
}

static void make_fee(struct rng *r, struct therapist *t)
{
	static const int prof_bias[P__MAX] = {30, 0, -5, 5, 90, 40, -20};
	double x = (rng_unit(r) + rng_unit(r) + rng_unit(r)) / 3.0;
	double shaped = 0.5 * x + 0.5 * x * x;	/* median near 0.375 */
	int fee = 80 + (int)(220.0 * shaped) + prof_bias[t->prof];

	switch (t->state) {
	case S_CA: case S_NY: case S_MA: case S_DC: case S_WA: case S_NJ:
	case S_CT:
		fee += 20;
		break;
	case S_MS: case S_AR: case S_WV: case S_PR: case S_AL: case S_OK:
		fee -= 15;
		break;
	default:
		break;
	}
	fee = (fee + 2) / 5 * 5;
	if (fee < 80)
		fee = 80;
	if (fee > 300)
		fee = 300;
	t->fee = fee;
	t->slide = 0;
	t->disc = 0;
	t->group_fee = 0;
	if (rng_chance(r, 3500)) {
		t->slide = fee * rng_range(r, 35, 75) / 100 / 5 * 5;
		if (t->slide < 20)
			t->slide = 20;
	}
	if (rng_chance(r, 2500))
		t->disc = 5 * rng_range(r, 2, 6);
	if ((t->formats & F_GROUP) && rng_chance(r, 9000)) {
		int hi = fee - 10 < 120 ? fee - 10 : 120;

		t->group_fee = 5 * rng_range(r, 8, hi / 5);
	}
}

/* Weekly windows, mostly weekday daytime, sorted by day and start. */
static void make_availability(struct rng *r, struct therapist *t)
{
	static const unsigned count_w[] = {15, 20, 22, 18, 14, 11};
	static const unsigned day_w[] = {17, 17, 17, 17, 15, 11, 6};
	static const unsigned len_w[] = {6, 3, 3, 3, 6, 3, 3, 2, 2, 1, 1, 1, 2};
	unsigned n = 1 + pick_u(r, count_w, COUNT(count_w)), k, j;

	for (k = 0; k < n; k++) {
		struct window w;
		unsigned start, len, x;

		w.day = (unsigned char)pick_u(r, day_w, 7);
		x = rng_below(r, 100);
		if (w.day >= 5)
			start = rng_range(r, 9 * 4, 16 * 4) * 15;
		else if (x < 70)
			start = rng_range(r, 8 * 4, 16 * 4) * 15;
		else if (x < 92)
			start = rng_range(r, 17 * 4, 20 * 4) * 15;
		else
			start = rng_range(r, 6 * 4 + 2, 7 * 4 + 3) * 15;
		len = 60 + 15 * pick_u(r, len_w, COUNT(len_w));
		w.start = (unsigned short)start;
		w.end = (unsigned short)(start + len > 23 * 60 + 45
					 ? 23 * 60 + 45 : start + len);
		for (j = k; j > 0; j--) {
			const struct window *p = &t->avail[j - 1];

			if (p->day < w.day ||
			    (p->day == w.day && p->start <= w.start))
				break;
			t->avail[j] = t->avail[j - 1];
		}
		t->avail[j] = w;
	}
	t->navail = (unsigned char)n;
}

/*
 * Fills *t with therapist idx (0-based) of the directory described by g.
 * A pure function of (g, idx): the query generator calls it to look at
 * any therapist.
 */
static void gen_therapist(const struct gen *g, uint32_t idx,
			  struct therapist *t)
{
	static const unsigned own_stage_w[] = {4, 26, 40, 30};
	static const unsigned span_w[] = {40, 35, 18, 7};
	static const unsigned orient_n_w[] = {25, 35, 25, 15};
	static const unsigned focus_n_w[] = {10, 18, 20, 18, 14, 11, 9};
	static const unsigned pop_n_w[] = {35, 30, 20, 15};
	static const unsigned aff_n_w[] = {15, 25, 25, 17, 10, 8};
	struct rng r;
	unsigned k, x, want, npop, naff;

	rng_seed(&r, g->seed, STREAM_THERAPIST, idx);
	t->idx = idx;
	t->prof = (unsigned char)pick_code(&r, professions, P__MAX, g->prof_total);
	t->own_stage = (unsigned char)pick_u(&r, own_stage_w, 4);
	t->state = (unsigned char)pick_state(g, &r);
	t->city = (unsigned short)pick_city(g, &r, t->state);
	jitter(g, &r, t->city, 30.0, &t->lat, &t->lon);

	t->langs = therapist_languages(&r, t->state);
	make_name(&r, t);
	make_credentials(&r, t);
	if (rng_chance(&r, 9000))
		make_npi(g, &r, idx, t->npi);
	else
		t->npi[0] = '\0';

	/* Licenses: home state, sometimes one or two near it. */
	t->lic[0] = t->state;
	t->nlic = 1;
	if (g->nnear[t->state] > 0 && rng_chance(&r, 2000)) {
		t->lic[t->nlic++] =
		    g->near[t->state][rng_below(&r, g->nnear[t->state])];
		if (rng_chance(&r, 2500)) {
			unsigned s = g->near[t->state][rng_below(&r,
						       g->nnear[t->state])];

			if (!has_u8(t->lic, t->nlic, s))
				t->lic[t->nlic++] = (unsigned char)s;
		}
	}

	/* Compacts follow the profession, mostly from member states. */
	t->compacts = 0;
	want = 0;
	x = 0;
	if (t->prof == P_PSYCHOLOGIST) {
		want = CP_PSYPACT;
		x = 3500;
	} else if (t->prof == P_COUNSELOR) {
		want = CP_COUNSELING;
		x = 2000;
	} else if (t->prof == P_SOCIAL_WORKER) {
		want = CP_SOCIAL_WORK;
		x = 1200;
	}
	if (want != 0 && rng_chance(&r, (states[t->state].compacts & want)
				    ? x : 100))
		t->compacts = want;
	t->write_compacts = t->compacts != 0 || rng_chance(&r, 6000);

	/* Modalities: most offer both, some telehealth only (and then
	 * often list no office), some in person only. */
	x = rng_below(&r, 100);
	t->modalities = x < 70 ? (M_IN_PERSON | M_TELEHEALTH)
			: x < 88 ? M_TELEHEALTH : M_IN_PERSON;
	t->has_office = t->modalities != M_TELEHEALTH || rng_chance(&r, 5000);

	t->formats = 1;
	if (rng_chance(&r, 1500))
		t->formats |= F_GROUP;
	if (rng_chance(&r, t->prof == P_MFT ? 7000 : 1500))
		t->formats |= F_COUPLES;
	t->accepting = rng_chance(&r, 7500);
	make_fee(&r, t);

	/* Orientations, focus areas, populations. */
	t->norient = 0;
	if (t->prof == P_MFT && rng_chance(&r, 5000))
		t->orient[t->norient++] = rng_chance(&r, 6000)
					  ? ORI_FAMILY_SYSTEMS : ORI_EFT;
	t->norient = (unsigned char)pick_distinct(&r, orientations,
			N_ORIENTATIONS, g->orient_total,
			1 + pick_u(&r, orient_n_w, 4), t->orient, t->norient);
	t->nfocus = (unsigned char)pick_distinct(&r, focus_areas, N_FOCUS,
			g->focus_total, 2 + pick_u(&r, focus_n_w, 7),
			t->focus, 0);
	t->clinician = rng_chance(&r, 4000);
	npop = pick_u(&r, pop_n_w, 4);
	t->npop = 0;
	if (npop > 0 && t->clinician && rng_chance(&r, 3500))
		t->pop[t->npop++] = POP_CLINICIANS;
	if (npop > t->npop && (t->langs & (1u << L_ES)) && rng_chance(&r, 3000))
		t->pop[t->npop++] = POP_LATINX;
	t->npop = (unsigned char)pick_distinct(&r, populations, N_POPULATIONS,
			g->pop_total, npop, t->pop, t->npop);
	/* Only someone who sees clinicians lists them as a population. */
	for (k = 0; k < t->npop && !t->clinician; k++) {
		if (t->pop[k] == POP_CLINICIANS) {
			t->pop[k] = t->pop[--t->npop];
			break;
		}
	}
	t->write_pops = t->npop > 0 || rng_chance(&r, 5000);

	t->cs_lo = (unsigned char)pick_code(&r, career_stages, 4, g->cs_total);
	k = t->cs_lo + pick_u(&r, span_w, 4);
	t->cs_hi = (unsigned char)(k > 3 ? 3 : k);

	make_availability(&r, t);

	naff = pick_u(&r, aff_n_w, COUNT(aff_n_w));
	t->naff = 0;
	for (k = 0; k < naff; k++)
		if (pick_org_aff(g, &r, t->state, t->prof, t->own_stage,
				 t->aff, t->naff, &t->aff[t->naff]) == 0)
			t->naff++;
	if (g->ntherapists > 1 && rng_chance(&r, 300)) {
		uint32_t j = rng_below(&r, g->ntherapists - 1);
		struct aff *a = &t->aff[t->naff++];

		a->is_person = 1;
		a->target = j >= idx ? j + 1 : j;
		a->role = rng_chance(&r, 5000) ? R_SUPERVISOR : R_SUPERVISEE;
		a->current = -1;
	}
	t->write_affs = t->naff > 0 || rng_chance(&r, 5000);
}

static void out_codes(struct out *o, const struct wcode *t,
		      const unsigned char *v, unsigned n)
{
	unsigned k;

	out_ch(o, '[');
	for (k = 0; k < n; k++) {
		if (k > 0)
			out_ch(o, ',');
		out_code(o, t[v[k]].code);
	}
	out_ch(o, ']');
}

static void out_window(struct out *o, const struct window *w)
{
	out_lit(o, "{\"day\":");
	out_code(o, day_codes[w->day]);
	out_lit(o, ",\"start\":");
	out_hhmm(o, w->start);
	out_lit(o, ",\"end\":");
	out_hhmm(o, w->end);
	out_ch(o, '}');
}

static void out_therapist(struct out *o, const struct therapist *t)
{
	static const char *const compact_codes[] = {
		"PSYPACT", "COUNSELING", "SOCIAL_WORK"
	};
	unsigned k, first;

	out_lit(o, "{\"type\":\"therapist\",\"id\":");
	out_therapist_id(o, t->idx);
	out_lit(o, ",\"name\":");
	out_json_str(o, t->name);
	out_lit(o, ",\"credentials\":");
	out_json_str(o, t->cred);
	out_lit(o, ",\"profession\":");
	out_code(o, professions[t->prof].code);
	if (t->npi[0] != '\0') {
		out_lit(o, ",\"npi\":");
		out_code(o, t->npi);
	}
	out_lit(o, ",\"licenses\":[");
	for (k = 0; k < t->nlic; k++) {
		if (k > 0)
			out_ch(o, ',');
		out_code(o, states[t->lic[k]].code);
	}
	out_ch(o, ']');
	if (t->write_compacts) {
		out_lit(o, ",\"compacts\":[");
		first = 1;
		for (k = 0; k < 3; k++) {
			if (t->compacts & (1u << k)) {
				if (!first)
					out_ch(o, ',');
				out_code(o, compact_codes[k]);
				first = 0;
			}
		}
		out_ch(o, ']');
	}
	if (t->has_office) {
		out_lit(o, ",\"office\":{\"lat\":");
		out_fixed(o, t->lat, 5);
		out_lit(o, ",\"lon\":");
		out_fixed(o, t->lon, 5);
		out_lit(o, ",\"jurisdiction\":");
		out_code(o, states[t->state].code);
		out_ch(o, '}');
	}
	out_lit(o, ",\"modalities\":");
	if (t->modalities == (M_IN_PERSON | M_TELEHEALTH))
		out_lit(o, "[\"in_person\",\"telehealth\"]");
	else if (t->modalities == M_TELEHEALTH)
		out_lit(o, "[\"telehealth\"]");
	else
		out_lit(o, "[\"in_person\"]");
	out_lit(o, ",\"formats\":[\"individual\"");
	if (t->formats & F_GROUP)
		out_lit(o, ",\"group\"");
	if (t->formats & F_COUPLES)
		out_lit(o, ",\"couples\"");
	out_ch(o, ']');
	if (t->accepting)
		out_lit(o, ",\"accepting_new_clients\":true");
	else
		out_lit(o, ",\"accepting_new_clients\":false");
	out_lit(o, ",\"fee\":{\"currency\":\"USD\",\"session\":");
	out_uint(o, (uint64_t)t->fee);
	if (t->slide > 0) {
		out_lit(o, ",\"sliding_scale_min\":");
		out_uint(o, (uint64_t)t->slide);
	}
	if (t->disc > 0) {
		out_lit(o, ",\"clinician_discount_pct\":");
		out_uint(o, (uint64_t)t->disc);
	}
	if (t->group_fee > 0) {
		out_lit(o, ",\"group_session\":");
		out_uint(o, (uint64_t)t->group_fee);
	}
	out_lit(o, "},\"orientations\":");
	out_codes(o, orientations, t->orient, t->norient);
	out_lit(o, ",\"focus_areas\":");
	out_codes(o, focus_areas, t->focus, t->nfocus);
	if (t->write_pops) {
		out_lit(o, ",\"populations\":");
		out_codes(o, populations, t->pop, t->npop);
	}
	out_lit(o, ",\"languages\":[");
	first = 1;
	for (k = 0; k < N_LANGUAGES; k++) {
		if (t->langs & (1u << k)) {
			if (!first)
				out_ch(o, ',');
			out_code(o, languages[k].code);
			first = 0;
		}
	}
	out_lit(o, "],\"career_stages\":[");
	for (k = t->cs_lo; k <= t->cs_hi; k++) {
		if (k > t->cs_lo)
			out_ch(o, ',');
		out_code(o, career_stages[k].code);
	}
	out_ch(o, ']');
	if (t->clinician)
		out_lit(o, ",\"clinician_clients\":true");
	else
		out_lit(o, ",\"clinician_clients\":false");
	out_lit(o, ",\"timezone\":");
	out_json_str(o, cities[t->city].tz);
	out_lit(o, ",\"availability\":[");
	for (k = 0; k < t->navail; k++) {
		if (k > 0)
			out_ch(o, ',');
		out_window(o, &t->avail[k]);
	}
	out_ch(o, ']');
	if (t->write_affs) {
		out_lit(o, ",\"affiliations\":");
		out_affs(o, t->aff, t->naff);
	}
	out_lit(o, "}\n");
}

static void out_org(struct out *o, const struct gen *g, uint32_t i)
{
	const struct org *org = &g->orgs[i];

	out_lit(o, "{\"type\":\"org\",\"id\":");
	out_org_id(o, i);
	out_lit(o, ",\"name\":");
	out_json_str(o, org->name);
	out_lit(o, ",\"kind\":");
	out_code(o, org_kinds[org->kind]);
	out_lit(o, ",\"jurisdiction\":");
	out_code(o, states[org->state].code);
	out_lit(o, "}\n");
}

/* ------------------------------------------------------------------------
 * Queries
 * ---------------------------------------------------------------------- */

/* A therapist working in `state`, found by looking at up to 48 random
 * ones (the last one looked at when none is). *scratch ends up holding
 * it. g must have at least one therapist. */
static uint32_t find_in_state(const struct gen *g, struct rng *r,
			      unsigned state, struct therapist *scratch)
{
	uint32_t j = 0;
	int k;

	for (k = 0; k < 48; k++) {
		j = rng_below(r, g->ntherapists);
		gen_therapist(g, j, scratch);
		if (scratch->state == state)
			break;
	}
	return j;
}

static void out_free_windows(struct out *o, struct rng *r)
{
	static const unsigned day_w[] = {15, 15, 15, 15, 13, 14, 13};
	static const unsigned len_c[] = {30, 45, 50, 60, 60, 75, 90, 90, 120,
					 150, 180};
	unsigned n = 1 + rng_below(r, 4), k;

	out_lit(o, ",\"free\":[");
	for (k = 0; k < n; k++) {
		struct window w;
		unsigned start, len, x = rng_below(r, 100);

		if (x < 4) {
			/* Small hours of a Sunday: the spring gap and the
			 * autumn fold. */
			w.day = 6;
			start = rng_range(r, 0, 10) * 15;
			len = rng_range(r, 4, 12) * 15;
		} else {
			w.day = (unsigned char)pick_u(r, day_w, 7);
			start = rng_range(r, 6 * 4, 21 * 4) * 15;
			len = len_c[rng_below(r, COUNT(len_c))];
		}
		w.start = (unsigned short)start;
		w.end = (unsigned short)(start + len > 23 * 60 + 59
					 ? 23 * 60 + 59 : start + len);
		if (k > 0)
			out_ch(o, ',');
		out_window(o, &w);
	}
	out_ch(o, ']');
}

static void out_code_list(struct out *o, struct rng *r, const char *key,
			  const struct wcode *t, unsigned n, unsigned total,
			  unsigned k)
{
	unsigned char v[4];
	unsigned got = pick_distinct(r, t, n, total, k, v, 0);

	out_ch(o, ',');
	out_code(o, key);
	out_ch(o, ':');
	out_codes(o, t, v, got);
}

static void out_flag(struct out *o, const char *key, int v)
{
	out_ch(o, ',');
	out_code(o, key);
	if (v)
		out_lit(o, ":true");
	else
		out_lit(o, ":false");
}

/*
 * Writes query q as one line. Three kinds: broad ones (a jurisdiction and
 * little else), seekers who are themselves listed (self_id and/or npi of
 * a real therapist, with that therapist's orientations and
 * affiliations), and everyone else, with each filter present at its own
 * rate so that together the queries exercise every rule of section 3.
 */
static void gen_query(const struct gen *g, struct out *o, uint32_t q)
{
	static const unsigned prof_w[] = {15, 30, 25, 15, 5, 5, 5};
	static const unsigned own_stage_w[] = {10, 30, 35, 25};
	static const unsigned aff_n_w[] = {30, 25, 20, 15, 10};
	static const unsigned limits[] = {5, 10, 20, 25, 50, 100, 200};
	static const char *const dst_weeks[] = {
		"2026-03-02", "2026-03-09", "2026-10-26", "2026-11-02"
	};
	static const char *const rare_langs[] = {
		"zh", "vi", "ko", "fr", "ru", "ar", "tl", "pt", "hi", "de", "he",
		"yi"
	};
	struct rng r;
	struct therapist self, scratch;
	int is_self = 0, has_loc = 0, require = 0;
	unsigned state, city, prof, own_stage, x, k, mode;
	const char *modality = NULL, *tz = NULL;
	double lat = 0, lon = 0;

	rng_seed(&r, g->seed, STREAM_QUERY, q);
	x = rng_below(&r, 100);
	if (x < 8) {
		/* Broad: telehealth in a state, or anything near a city. */
		state = pick_state(g, &r);
		out_lit(o, "{\"jurisdiction\":");
		out_code(o, states[state].code);
		if (rng_chance(&r, 6000)) {
			out_lit(o, ",\"modality\":\"telehealth\"");
		} else {
			jitter(g, &r, pick_city(g, &r, state), 5.0, &lat, &lon);
			out_lit(o, ",\"location\":{\"lat\":");
			out_fixed(o, lat, 4);
			out_lit(o, ",\"lon\":");
			out_fixed(o, lon, 4);
			out_lit(o, "},\"modality\":\"either\"");
		}
		if (rng_chance(&r, 3000)) {
			out_lit(o, ",\"limit\":");
			out_uint(o, limits[rng_below(&r, COUNT(limits))]);
		}
		out_lit(o, "}\n");
		return;
	}
	if (x < 25 && g->ntherapists > 0) {
		gen_therapist(g, rng_below(&r, g->ntherapists), &self);
		is_self = 1;
		state = self.state;
		city = self.city;
		prof = self.prof;
		own_stage = self.own_stage;
	} else {
		state = pick_state(g, &r);
		city = pick_city(g, &r, state);
		prof = pick_u(&r, prof_w, P__MAX);
		own_stage = pick_u(&r, own_stage_w, 4);
	}

	x = rng_below(&r, 100);
	modality = x < 10 ? NULL : x < 50 ? "either" : x < 80 ? "telehealth"
		   : "in_person";
	if (modality == NULL || modality[0] == 'e')
		has_loc = rng_chance(&r, 6000);
	else if (modality[0] == 'i')
		has_loc = rng_chance(&r, 9500);
	else
		has_loc = rng_chance(&r, 500);

	out_lit(o, "{\"jurisdiction\":");
	out_code(o, states[state].code);
	if (has_loc) {
		jitter(g, &r, city, 10.0, &lat, &lon);
		out_lit(o, ",\"location\":{\"lat\":");
		out_fixed(o, lat, 4);
		out_lit(o, ",\"lon\":");
		out_fixed(o, lon, 4);
		out_ch(o, '}');
	}
	if (modality != NULL) {
		out_lit(o, ",\"modality\":");
		out_code(o, modality);
	}
	if (has_loc && rng_chance(&r, 4000)) {
		out_lit(o, ",\"max_distance_km\":");
		out_uint(o, (uint64_t)rng_range(&r, 10, 100));
	}
	if (has_loc && rng_chance(&r, 1500)) {
		out_lit(o, ",\"min_distance_km\":");
		out_uint(o, (uint64_t)rng_range(&r, 2, 30));
	}
	if (rng_chance(&r, 6000)) {
		out_lit(o, ",\"budget\":");
		out_uint(o, (uint64_t)(5 * rng_range(&r, 12, 50)));
	}
	if (rng_chance(&r, 3000))
		out_flag(o, "sliding_scale", rng_chance(&r, 8500));
	if (rng_chance(&r, 4000))
		out_flag(o, "clinician_discount", rng_chance(&r, 8500));
	if (rng_chance(&r, 1500))
		out_flag(o, "group_ok", rng_chance(&r, 8000));

	/* Orientation: "same" and "different" always come with
	 * my_orientations; a listed seeker's are their own. */
	x = rng_below(&r, 100);
	mode = x < 30 ? 0 : x < 50 ? 1 : x < 70 ? 2 : 3;
	if (mode > 0) {
		static const char *const modes[] = {
			NULL, "any", "same", "different"
		};

		out_lit(o, ",\"orientation_mode\":");
		out_code(o, modes[mode]);
	}
	if (mode >= 2 || rng_chance(&r, 2500)) {
		if (is_self) {
			out_lit(o, ",\"my_orientations\":");
			out_codes(o, orientations, self.orient, self.norient);
		} else {
			out_code_list(o, &r, "my_orientations", orientations,
				      N_ORIENTATIONS, g->orient_total,
				      1 + rng_below(&r, 3));
		}
	}
	if (rng_chance(&r, 4500))
		out_code_list(o, &r, "preferred_orientations", orientations,
			      N_ORIENTATIONS, g->orient_total,
			      1 + rng_below(&r, 3));
	if (rng_chance(&r, 7500))
		out_code_list(o, &r, "goals", focus_areas, N_FOCUS,
			      g->focus_total, 1 + rng_below(&r, 3));
	if (rng_chance(&r, 2500))
		out_code_list(o, &r, "populations", populations, N_POPULATIONS,
			      g->pop_total, 1 + rng_below(&r, 2));
	if (rng_chance(&r, 4000)) {
		x = rng_below(&r, 100);
		out_lit(o, ",\"languages\":");
		if (x < 3) {
			out_lit(o, "[]");
		} else if (x < 60) {
			out_lit(o, "[\"en\"]");
		} else if (x < 80) {
			out_lit(o, "[\"es\"]");
		} else if (x < 90) {
			out_lit(o, "[\"es\",\"en\"]");
		} else {
			out_ch(o, '[');
			out_code(o, rare_langs[rng_below(&r, COUNT(rare_langs))]);
			if (rng_chance(&r, 4000))
				out_lit(o, ",\"en\"");
			out_ch(o, ']');
		}
	}
	if (rng_chance(&r, 6000)) {
		out_lit(o, ",\"career_stage\":");
		out_code(o, career_stages[pick_code(&r, career_stages, 4,
					  g->cs_total)].code);
	}

	/* Time: a zone (mostly the city's), a week, free windows. */
	if (rng_chance(&r, 7500)) {
		tz = rng_chance(&r, 8800) ? cities[city].tz
		     : us_zones[rng_below(&r, n_us_zones)];
		x = rng_below(&r, 100);
		require = x < 88 ? 1 : x < 98 ? 0 : -1;
		out_lit(o, ",\"timezone\":");
		out_json_str(o, tz);
		if (require == 1 || rng_chance(&r, 9500)) {
			out_lit(o, ",\"week_of\":");
			out_code(o, rng_chance(&r, 2500)
				 ? dst_weeks[rng_below(&r, COUNT(dst_weeks))]
				 : g->weeks[rng_below(&r, 52)]);
		}
		if (require == 1 || rng_chance(&r, 9000))
			out_free_windows(o, &r);
		if (require >= 0)
			out_flag(o, "require_overlap", require);
	}

	/* Affiliations: a listed seeker's own, else drawn from the orgs of
	 * the query's state; sometimes a supervisor or supervisee. */
	if (is_self) {
		if (self.naff > 0 || rng_chance(&r, 3000)) {
			out_lit(o, ",\"affiliations\":");
			out_affs(o, self.aff, self.naff);
		}
	} else {
		struct aff affs[5];
		unsigned want = pick_u(&r, aff_n_w, COUNT(aff_n_w)), n = 0;

		for (k = 0; k < want; k++)
			if (pick_org_aff(g, &r, state, prof, own_stage, affs, n,
					 &affs[n]) == 0)
				n++;
		if (g->ntherapists > 0 && rng_chance(&r, 400)) {
			affs[n].is_person = 1;
			affs[n].target = find_in_state(g, &r, state, &scratch);
			affs[n].role = rng_chance(&r, 5000) ? R_SUPERVISOR
				       : R_SUPERVISEE;
			affs[n].current = -1;
			n++;
		}
		if (n > 0 || rng_chance(&r, 1000)) {
			out_lit(o, ",\"affiliations\":");
			out_affs(o, affs, n);
		}
	}
	if (g->ntherapists > 0 && rng_chance(&r, 600)) {
		uint32_t ex[3];
		unsigned n = 1 + rng_below(&r, 3), got = 0, j;

		for (k = 0; k < n; k++) {
			uint32_t id = find_in_state(g, &r, state, &scratch);

			for (j = 0; j < got && ex[j] != id; j++)
				;
			if (j == got)
				ex[got++] = id;
		}
		out_lit(o, ",\"exclude\":[");
		for (k = 0; k < got; k++) {
			if (k > 0)
				out_ch(o, ',');
			out_therapist_id(o, ex[k]);
		}
		out_ch(o, ']');
	}

	/* Who is asking: a listed seeker gives self_id, npi or both;
	 * others now and then give just an NPI that is someone's. */
	if (is_self) {
		int with_npi = self.npi[0] != '\0' && rng_chance(&r, 6000);
		int with_id = !with_npi || rng_chance(&r, 8000);

		if (with_npi) {
			out_lit(o, ",\"npi\":");
			out_code(o, self.npi);
		}
		if (with_id) {
			out_lit(o, ",\"self_id\":");
			out_therapist_id(o, self.idx);
		}
	} else if (g->ntherapists > 0 && rng_chance(&r, 400)) {
		find_in_state(g, &r, state, &scratch);
		if (scratch.npi[0] != '\0') {
			out_lit(o, ",\"npi\":");
			out_code(o, scratch.npi);
		}
	}
	if (rng_chance(&r, 2000)) {
		out_lit(o, ",\"limit\":");
		out_uint(o, rng_chance(&r, 5000)
			 ? limits[rng_below(&r, COUNT(limits))]
			 : (uint64_t)rng_range(&r, 5, 200));
	}
	out_lit(o, "}\n");
}

/* ------------------------------------------------------------------------
 * Command line
 * ---------------------------------------------------------------------- */

static const char usage_text[] =
	"usage: chiron gen --therapists N [--orgs M] [--seed S] [--out FILE]\n"
	"       chiron gen --queries Q [--therapists N] [--orgs M] [--seed S]"
	" [--out FILE]\n"
	"\n"
	"Writes a synthetic directory as JSON Lines in the import format\n"
	"(organizations first, then therapists), or, with --queries, Q match\n"
	"queries, one JSON object a line, that fit the directory made with the\n"
	"same N, M and S. The same arguments always give the same bytes.\n"
	"\n"
	"  --therapists N  therapists, 0 to 9999999 (with --queries: default 1000)\n"
	"  --orgs M        organizations, 0 to 999999 (default: max(50, N/20))\n"
	"  --seed S        seed of the generator, 0 to 2^64-1 (default: 1)\n"
	"  --queries Q     write Q queries instead of the directory\n"
	"  --out FILE      write to FILE instead of standard output ('-': stdout)\n"
	"  --help          show this text\n";

struct gen_opts {
	uint64_t seed;
	uint64_t therapists, orgs, queries;
	int have_therapists, have_orgs, have_queries;
	const char *out_path;
};

/* Parses s as a whole number in [0, max] into *v. Prints a message naming
 * flag and returns -1 when s is not one. */
static int parse_count(const char *flag, const char *s, uint64_t max,
		       uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		goto bad;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		goto bad;
	*v = x;
	return 0;
bad:
	fprintf(stderr, "chiron gen: %s: expected a whole number from 0 to "
		"%llu, got '%s'\n", flag, (unsigned long long)max, s);
	return -1;
}

/*
 * Parses argv[1..argc) into *opts. Returns 0 to go on, 1 when --help was
 * shown (exit 0), 2 on a usage error (already reported on stderr).
 */
static int parse_args(int argc, char **argv, struct gen_opts *opts)
{
	static const char *const flags[] = {
		"--therapists", "--orgs", "--seed", "--queries", "--out"
	};
	int i;

	memset(opts, 0, sizeof *opts);
	opts->seed = 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *val;
		size_t nlen;
		unsigned f;
		int rc = 0;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			return 1;
		}
		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "chiron gen: unexpected argument '%s'\n"
				"Try 'chiron gen --help'.\n", a);
			return 2;
		}
		eq = strchr(a, '=');
		nlen = eq != NULL ? (size_t)(eq - a) : strlen(a);
		for (f = 0; f < COUNT(flags); f++)
			if (strlen(flags[f]) == nlen &&
			    strncmp(a, flags[f], nlen) == 0)
				break;
		if (f == COUNT(flags)) {
			fprintf(stderr, "chiron gen: unknown option '%.*s'\n"
				"Try 'chiron gen --help'.\n", (int)nlen, a);
			return 2;
		}
		if (eq != NULL) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			fprintf(stderr, "chiron gen: %s needs a value\n"
				"Try 'chiron gen --help'.\n", flags[f]);
			return 2;
		}
		switch (f) {
		case 0:
			rc = parse_count(flags[f], val, GEN_MAX_THERAPISTS,
					 &opts->therapists);
			opts->have_therapists = 1;
			break;
		case 1:
			rc = parse_count(flags[f], val, GEN_MAX_ORGS, &opts->orgs);
			opts->have_orgs = 1;
			break;
		case 2:
			rc = parse_count(flags[f], val, UINT64_MAX, &opts->seed);
			break;
		case 3:
			rc = parse_count(flags[f], val, GEN_MAX_QUERIES,
					 &opts->queries);
			opts->have_queries = 1;
			break;
		default:
			if (val[0] == '\0') {
				fprintf(stderr, "chiron gen: --out needs a file "
					"name\n");
				return 2;
			}
			opts->out_path = val;
		}
		if (rc != 0)
			return 2;
	}
	if (!opts->have_therapists && !opts->have_queries) {
		fprintf(stderr, "chiron gen: give --therapists N for a directory "
			"or --queries Q for queries\n%s", usage_text);
		return 2;
	}
	if (!opts->have_therapists)
		opts->therapists = GEN_DEFAULT_QUERY_THERAPISTS;
	if (!opts->have_orgs)
		opts->orgs = opts->therapists / 20 > 50 ? opts->therapists / 20
							 : 50;
	if (opts->orgs > GEN_MAX_ORGS)
		opts->orgs = GEN_MAX_ORGS;
	return 0;
}

int cmd_gen(int argc, char **argv)
{
	struct gen_opts opts;
	struct gen *g = NULL;
	struct out *o = NULL;
	FILE *f = NULL;
	const char *where = "standard output";
	int rc;
	uint32_t i;

	rc = parse_args(argc, argv, &opts);
	if (rc != 0)
		return rc == 1 ? 0 : 2;

	rc = 1;
	if (gen_data_load()) {
		fprintf(stderr, "chiron gen: data/gen.json: %s\n", gen_err);
		goto out;
	}
	g = gen_new((uint32_t)opts.therapists, (uint32_t)opts.orgs, opts.seed);
	o = malloc(sizeof *o);
	if (g == NULL || o == NULL) {
		fprintf(stderr, "chiron gen: out of memory\n");
		goto out;
	}
	if (opts.out_path != NULL && strcmp(opts.out_path, "-") != 0) {
		where = opts.out_path;
		f = fopen(opts.out_path, "w");
		if (f == NULL) {
			fprintf(stderr, "chiron gen: %s: %s\n", opts.out_path,
				strerror(errno));
			goto out;
		}
		o->f = f;
	} else {
		o->f = stdout;
	}
	o->len = 0;
	o->err = 0;

	if (opts.have_queries) {
		for (i = 0; i < opts.queries && o->err == 0; i++)
			gen_query(g, o, i);
	} else {
		struct therapist t;

		for (i = 0; i < g->norgs && o->err == 0; i++)
			out_org(o, g, i);
		for (i = 0; i < g->ntherapists && o->err == 0; i++) {
			gen_therapist(g, i, &t);
			out_therapist(o, &t);
		}
	}
	out_flush(o);
	if (o->err == 0 && fflush(o->f) != 0)
		o->err = errno != 0 ? errno : EIO;
	if (f != NULL) {
		int cerr = fclose(f);

		f = NULL;
		if (o->err == 0 && cerr != 0)
			o->err = errno != 0 ? errno : EIO;
	}
	if (o->err != 0) {
		fprintf(stderr, "chiron gen: writing %s: %s\n", where,
			strerror(o->err));
		goto out;
	}
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	free(o);
	gen_free(g);
	gen_data_free();
	return rc;
}
