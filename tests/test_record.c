/*
 * test_record.c: directory records (core/record.h), section 1 of the
 * matching contract and docs/matching-notes.md.
 *
 * What is checked: the contract's own therapist (1.2), an organization and
 * a deletion parse into the right values; absent optional parts take their
 * defaults; a therapist survives pack -> unpack -> to_json and to_json ->
 * parse unchanged; the packed form refuses damage; and every refusal names
 * the field path and says something useful. The refusals are one table
 * (REFUSALS below, an X-macro): each row is the contract's example with
 * one piece of text replaced, and becomes its own cmocka test.
 */
#include "testlib.h"

#include <stdio.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/record.h"



/* ----------------------------------------------------------------------
 * Inputs
 * ---------------------------------------------------------------------- */

/* The therapist of section 1.2 of the contract, as it is printed there. */
#define FEE "\"fee\":{\"currency\":\"USD\",\"session\":180,\"sliding_scale_min\":90," \
	"\"clinician_discount_pct\":20,\"group_session\":60}"
#define OFFICE "\"office\":{\"lat\":37.7749,\"lon\":-122.4194,\"jurisdiction\":\"US-CA\"}"
#define AVAIL "\"availability\":[{\"day\":\"mon\",\"start\":\"09:00\",\"end\":\"12:00\"}]"
#define AFFIL "{\"org\":\"org-000123\",\"role\":\"employer\",\"current\":true}"
static const char T[] =
	"{\"type\":\"therapist\",\"id\":\"t-0000001\",\"name\":\"Ana Ruiz\",\"credentials\":\"PhD\","
	" \"profession\":\"psychologist\",\"npi\":\"1234567893\","
	" \"licenses\":[\"US-CA\",\"US-OR\"],\"compacts\":[\"PSYPACT\"],"
	" " OFFICE ","
	" \"modalities\":[\"in_person\",\"telehealth\"],"
	" \"formats\":[\"individual\",\"group\"],"
	" \"accepting_new_clients\":true,"
	" " FEE ","
	" \"orientations\":[\"psychodynamic\",\"ifs\"],"
	" \"focus_areas\":[\"burnout\",\"vicarious_trauma\",\"countertransference\"],"
	" \"populations\":[\"lgbtq_affirming\"],"
	" \"languages\":[\"en\",\"es\"],"
	" \"career_stages\":[\"graduate_student\",\"early_career\"],"
	" \"clinician_clients\":true,"
	" \"timezone\":\"America/Los_Angeles\","
	" " AVAIL ","
	" \"affiliations\":[" AFFIL "]}";

/* The organization of section 1.1, and a deletion. */
static const char ORG[] =
	"{\"type\":\"org\",\"id\":\"org-000123\",\"name\":\"Bayview Community Mental Health\","
	"\"kind\":\"employer\",\"jurisdiction\":\"US-CA\"}";
static const char DEL[] = "{\"type\":\"delete\",\"id\":\"t-0000001\"}";

/* Only what is required: telehealth, no office, no optional part. */
static const char MINIMAL[] =
	"{\"type\":\"therapist\",\"id\":\"t-2\",\"name\":\"B\",\"credentials\":\"LPC\","
	"\"profession\":\"counselor\",\"licenses\":[],\"modalities\":[\"telehealth\"],"
	"\"formats\":[],\"accepting_new_clients\":false,"
	"\"fee\":{\"currency\":\"EUR\",\"session\":0},\"orientations\":[],"
	"\"focus_areas\":[],\"languages\":[],\"career_stages\":[],"
	"\"clinician_clients\":false,\"timezone\":\"UTC\"}";

/* Everything unusual at once: escapes, a person, past, 24:00, no npi. */
static const char RICH[] =
	"{\"type\":\"therapist\",\"id\":\"t:rich_1.x-Z\","
	"\"name\":\"Zo\\u00eb \\\"Z\\\" O\\u2019Brien\\\\ \\t\\u0001 \xf0\x9f\x98\x80 \\uD83D\\uDE00\","
	"\"credentials\":\"LCSW, PhD\",\"profession\":\"social_worker\","
	"\"licenses\":[\"CA-ON\",\"US-NY\",\"US-NY\",\"US-AK\"],"
	"\"compacts\":[\"SOCIAL_WORK\",\"COUNSELING\",\"PSYPACT\"],"
	"\"office\":{\"lat\":-33.123456789,\"lon\":179.999999},"
	"\"modalities\":[\"in_person\"],\"formats\":[\"couples\",\"individual\",\"couples\"],"
	"\"accepting_new_clients\":false,"
	"\"fee\":{\"currency\":\"CAD\",\"session\":1000000,\"clinician_discount_pct\":100},"
	"\"orientations\":[\"solution_focused\",\"cbt\"],"
	"\"focus_areas\":[\"work_stress\",\"burnout\"],\"populations\":[\"first_generation\"],"
	"\"languages\":[\"fr\",\"en\",\"fr\"],\"career_stages\":[\"late_career\",\"mid_career\"],"
	"\"clinician_clients\":false,\"timezone\":\"America/Toronto\","
	"\"availability\":[{\"day\":\"sun\",\"start\":\"00:00\",\"end\":\"24:00\"},"
	"{\"day\":\"wed\",\"start\":\"18:30\",\"end\":\"19:20\"},"
	"{\"day\":\"wed\",\"start\":\"23:59\",\"end\":\"24:00\"}],"
	"\"affiliations\":[{\"person\":\"t-0000042\",\"role\":\"supervisor\",\"current\":false},"
	"{\"person\":\"t-0000043\",\"role\":\"supervisee\"},"
	"{\"org\":\"org-1\",\"role\":\"trainee\",\"current\":false},"
	"{\"org\":\"org-2\",\"role\":\"faculty\"}]}";


/* base with its only occurrence of from replaced by to; free() it. */
static char *
subst(const char *base, const char *from, const char *to)
{
	const char *at = strstr(base, from);
	size_t nb = strlen(base), nf = strlen(from), nt = strlen(to);
	char *s;

	if (!at)
		fail_msg("\"%s\" is not in the base record", from);
	if (strstr(at + 1, from))
		fail_msg("\"%s\" occurs twice in the base record", from);
	s = malloc(nb - nf + nt + 1);
	assert_non_null(s);
	memcpy(s, base, (size_t)(at - base));
	memcpy(s + (at - base), to, nt);
	memcpy(s + (at - base) + nt, at + nf, nb - (size_t)(at - base) - nf + 1);
	return s;
}

/* Parses line (from a heap copy of exactly its length); must succeed. */
static void
parse_ok(const char *line, struct record *r)
{
	size_t n = strlen(line);
	char *copy = malloc(n);
	struct verr e;

	assert_non_null(copy);
	memcpy(copy, line, n);
	if (record_parse(TAX, copy, n, &A, r, &e))
		fail_msg("refused: %s: %s\n  %s", e.field, e.msg, line);
	free(copy);
	assert_int_equal(e.offset, -1);
}

/* Parses line; must fail naming field, with m1 and m2 in the message. */
static void
parse_bad(const char *line, const char *field, const char *m1, const char *m2)
{
	size_t n = strlen(line);
	char *copy = malloc(n ? n : 1);
	struct record r;
	struct verr e;

	assert_non_null(copy);
	memcpy(copy, line, n);
	if (!record_parse(TAX, copy, n, &A, &r, &e))
		fail_msg("accepted: %s", line);
	free(copy);
	if (strcmp(e.field, field) != 0)
		fail_msg("field \"%s\" (%s), expected \"%s\"\n  %s", e.field, e.msg, field, line);
	if (m1 && !strstr(e.msg, m1))
		fail_msg("%s: message \"%s\" lacks \"%s\"", field, e.msg, m1);
	if (m2 && !strstr(e.msg, m2))
		fail_msg("%s: message \"%s\" lacks \"%s\"", field, e.msg, m2);
	assert_true(strlen(e.msg) >= 8);
}

static void
refuse(const char *base, const char *from, const char *to, const char *field,
       const char *m1, const char *m2)
{
	char *line = subst(base, from, to);

	parse_bad(line, field, m1, m2);
	free(line);
}

/* base with from replaced by to must parse; r gets the record. */
static void
accept_subst(const char *base, const char *from, const char *to, struct record *r)
{
	char *line = subst(base, from, to);

	parse_ok(line, r);
	free(line);
}

/* Every field of two therapists is the same. */
static void
assert_therapist_eq(const struct therapist *a, const struct therapist *b)
{
	int i;

	assert_string_equal(a->id, b->id);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->credentials, b->credentials);
	assert_int_equal(a->profession, b->profession);
	assert_string_equal(a->npi, b->npi);
	assert_int_equal(a->n_licenses, b->n_licenses);
	for (i = 0; i < a->n_licenses; i++)
		assert_int_equal(a->licenses[i], b->licenses[i]);
	assert_int_equal(a->compacts, b->compacts);
	assert_int_equal(a->has_office, b->has_office);
	if (a->has_office) {
		assert_true(a->lat == b->lat);
		assert_true(a->lon == b->lon);
		assert_int_equal(a->office_jurisdiction, b->office_jurisdiction);
	}
	assert_int_equal(a->modalities, b->modalities);
	assert_int_equal(a->formats, b->formats);
	assert_int_equal(a->accepting, b->accepting);
	assert_string_equal(a->fee.currency, b->fee.currency);
	assert_int_equal(a->fee.session, b->fee.session);
	assert_int_equal(a->fee.sliding_min, b->fee.sliding_min);
	assert_int_equal(a->fee.discount_pct, b->fee.discount_pct);
	assert_int_equal(a->fee.group, b->fee.group);
	assert_true(a->orientations == b->orientations);
	assert_true(a->focus == b->focus);
	assert_true(a->populations == b->populations);
	assert_int_equal(a->career_stages, b->career_stages);
	assert_int_equal(a->n_languages, b->n_languages);
	for (i = 0; i < a->n_languages; i++)
		assert_int_equal(a->languages[i], b->languages[i]);
	assert_int_equal(a->clinician_clients, b->clinician_clients);
	assert_string_equal(a->timezone, b->timezone);
	assert_int_equal(a->n_avail, b->n_avail);
	for (i = 0; i < a->n_avail; i++) {
		assert_int_equal(a->avail[i].day, b->avail[i].day);
		assert_int_equal(a->avail[i].start, b->avail[i].start);
		assert_int_equal(a->avail[i].end, b->avail[i].end);
	}
	assert_int_equal(a->n_affils, b->n_affils);
	for (i = 0; i < a->n_affils; i++) {
		assert_string_equal(a->affils[i].ref, b->affils[i].ref);
		assert_int_equal(a->affils[i].role, b->affils[i].role);
		assert_int_equal(a->affils[i].person, b->affils[i].person);
		assert_int_equal(a->affils[i].current, b->affils[i].current);
	}
}

/* ----------------------------------------------------------------------
 * Valid records
 * ---------------------------------------------------------------------- */

static void
test_contract_therapist(void **state)
{
	struct record r;
	const struct therapist *t = &r.t;

	(void)state;
	parse_ok(T, &r);
	assert_int_equal(r.type, REC_THERAPIST);
	assert_string_equal(r.id, "t-0000001");
	assert_string_equal(t->id, "t-0000001");
	assert_string_equal(t->name, "Ana Ruiz");
	assert_string_equal(t->credentials, "PhD");
	assert_int_equal(t->profession, tax_index(TAX_PROFESSION, "psychologist"));
	assert_string_equal(t->npi, "1234567893");
	assert_int_equal(t->n_licenses, 2);
	assert_int_equal(t->licenses[0], tax_index(TAX_JURISDICTION, "US-CA"));
	assert_int_equal(t->licenses[1], tax_index(TAX_JURISDICTION, "US-OR"));
	assert_int_equal(t->compacts, 1u << CMP_PSYPACT);
	assert_true(t->has_office);
	assert_true(t->lat == 37.7749);
	assert_true(t->lon == -122.4194);
	assert_int_equal(t->office_jurisdiction, tax_index(TAX_JURISDICTION, "US-CA"));
	assert_int_equal(t->modalities, (1u << MOD_IN_PERSON) | (1u << MOD_TELEHEALTH));
	assert_int_equal(t->formats, (1u << FMT_INDIVIDUAL) | (1u << FMT_GROUP));
	assert_true(t->accepting);
	assert_string_equal(t->fee.currency, "USD");
	assert_int_equal(t->fee.session, 180);
	assert_int_equal(t->fee.sliding_min, 90);
	assert_int_equal(t->fee.discount_pct, 20);
	assert_int_equal(t->fee.group, 60);
	assert_true(t->orientations == (tax_bit(TAX_ORIENTATION, "psychodynamic") |
	                                tax_bit(TAX_ORIENTATION, "ifs")));
	assert_true(t->focus == (tax_bit(TAX_FOCUS, "burnout") | tax_bit(TAX_FOCUS, "vicarious_trauma") |
	                         tax_bit(TAX_FOCUS, "countertransference")));
	assert_true(t->populations == tax_bit(TAX_POPULATION, "lgbtq_affirming"));
	assert_int_equal(t->n_languages, 2);
	assert_int_equal(t->languages[0], tax_index(TAX_LANGUAGE, "en"));
	assert_int_equal(t->languages[1], tax_index(TAX_LANGUAGE, "es"));
	assert_int_equal(t->career_stages, tax_bit(TAX_CAREER, "graduate_student") |
	                                   tax_bit(TAX_CAREER, "early_career"));
	assert_true(t->clinician_clients);
	assert_string_equal(t->timezone, "America/Los_Angeles");
	assert_int_equal(t->n_avail, 1);
	assert_int_equal(t->avail[0].day, 0);
	assert_int_equal(t->avail[0].start, 9 * 60);
	assert_int_equal(t->avail[0].end, 12 * 60);
	assert_int_equal(t->n_affils, 1);
	assert_string_equal(t->affils[0].ref, "org-000123");
	assert_int_equal(t->affils[0].role, ROLE_EMPLOYER);
	assert_false(t->affils[0].person);
	assert_true(t->affils[0].current);
}

static void
test_contract_org(void **state)
{
	struct record r;

	(void)state;
	parse_ok(ORG, &r);
	assert_int_equal(r.type, REC_ORG);
	assert_string_equal(r.id, "org-000123");
	assert_string_equal(r.org.id, "org-000123");
	assert_string_equal(r.org.name, "Bayview Community Mental Health");
	assert_int_equal(r.org.kind, KIND_EMPLOYER);
	assert_int_equal(r.org.jurisdiction, tax_index(TAX_JURISDICTION, "US-CA"));
}

static void
test_org_kinds_and_no_jurisdiction(void **state)
{
	static const char *const kinds[KIND__MAX] = {"employer", "training_program",
		"consultation_group", "association", "other"};
	struct record r;
	char line[256];
	int k;

	(void)state;
	for (k = 0; k < KIND__MAX; k++) {
		snprintf(line, sizeof(line),
		         "{\"type\":\"org\",\"id\":\"o%d\",\"name\":\"N\",\"kind\":\"%s\"}", k, kinds[k]);
		parse_ok(line, &r);
		assert_int_equal(r.org.kind, k);
		assert_int_equal(r.org.jurisdiction, -1);
	}
}

static void
test_contract_delete(void **state)
{
	struct record r;

	(void)state;
	parse_ok(DEL, &r);
	assert_int_equal(r.type, REC_DELETE);
	assert_string_equal(r.id, "t-0000001");
	/* Member order does not matter. */
	parse_ok("{\"id\":\"org-000123\",\"type\":\"delete\"}", &r);
	assert_int_equal(r.type, REC_DELETE);
	assert_string_equal(r.id, "org-000123");
}

static void
test_defaults(void **state)
{
	struct record r;
	const struct therapist *t = &r.t;

	(void)state;
	parse_ok(MINIMAL, &r);
	assert_int_equal(r.type, REC_THERAPIST);
	assert_string_equal(t->npi, "");
	assert_int_equal(t->n_licenses, 0);
	assert_int_equal(t->compacts, 0);
	assert_false(t->has_office);
	assert_int_equal(t->office_jurisdiction, -1);
	assert_int_equal(t->modalities, 1u << MOD_TELEHEALTH);
	assert_int_equal(t->formats, 0);
	assert_false(t->accepting);
	assert_string_equal(t->fee.currency, "EUR");
	assert_int_equal(t->fee.session, 0);
	assert_int_equal(t->fee.sliding_min, NO_FEE);
	assert_int_equal(t->fee.discount_pct, NO_FEE);
	assert_int_equal(t->fee.group, NO_FEE);
	assert_true(t->orientations == 0 && t->focus == 0 && t->populations == 0);
	assert_int_equal(t->career_stages, 0);
	assert_int_equal(t->n_languages, 0);
	assert_false(t->clinician_clients);
	assert_int_equal(t->n_avail, 0);
	assert_int_equal(t->n_affils, 0);
}

static void
test_empty_optional_lists(void **state)
{
	struct record r;
	char *line = subst(MINIMAL, "\"timezone\":\"UTC\"}",
	                   "\"timezone\":\"UTC\",\"compacts\":[],\"populations\":[],"
	                   "\"availability\":[],\"affiliations\":[]}");

	(void)state;
	parse_ok(line, &r);
	free(line);
	assert_int_equal(r.t.compacts, 0);
	assert_true(r.t.populations == 0);
	assert_int_equal(r.t.n_avail, 0);
	assert_int_equal(r.t.n_affils, 0);
}

static void
test_affiliation_current_default(void **state)
{
	struct record r;
	const struct affiliation *af;

	(void)state;
	parse_ok(RICH, &r);
	af = r.t.affils;
	assert_int_equal(r.t.n_affils, 4);
	assert_string_equal(af[0].ref, "t-0000042");
	assert_true(af[0].person);
	assert_int_equal(af[0].role, ROLE_SUPERVISOR);
	assert_false(af[0].current);
	assert_string_equal(af[1].ref, "t-0000043");
	assert_true(af[1].person);
	assert_int_equal(af[1].role, ROLE_SUPERVISEE);
	assert_true(af[1].current);             /* absent: true */
	assert_string_equal(af[2].ref, "org-1");
	assert_false(af[2].person);
	assert_int_equal(af[2].role, ROLE_TRAINEE);
	assert_false(af[2].current);
	assert_int_equal(af[3].role, ROLE_FACULTY);
	assert_true(af[3].current);
}

static void
test_rich_values(void **state)
{
	struct record r;
	const struct therapist *t = &r.t;

	(void)state;
	parse_ok(RICH, &r);
	assert_string_equal(t->name, "Zo\xc3\xab \"Z\" O\xe2\x80\x99" "Brien\\ \t\x01 "
	                    "\xf0\x9f\x98\x80 \xf0\x9f\x98\x80");
	/* Repeated codes: a list keeps the first of each, a set is a set. */
	assert_int_equal(t->n_licenses, 3);
	assert_int_equal(t->licenses[0], tax_index(TAX_JURISDICTION, "CA-ON"));
	assert_int_equal(t->licenses[1], tax_index(TAX_JURISDICTION, "US-NY"));
	assert_int_equal(t->licenses[2], tax_index(TAX_JURISDICTION, "US-AK"));
	assert_int_equal(t->n_languages, 2);
	assert_int_equal(t->languages[0], tax_index(TAX_LANGUAGE, "fr"));
	assert_int_equal(t->formats, (1u << FMT_COUPLES) | (1u << FMT_INDIVIDUAL));
	assert_int_equal(t->compacts, 7);
	/* An office without a jurisdiction. */
	assert_true(t->has_office);
	assert_int_equal(t->office_jurisdiction, -1);
	assert_true(t->lat == -33.123456789);
	assert_true(t->lon == 179.999999);
	assert_int_equal(t->fee.session, 1000000);
	assert_int_equal(t->fee.discount_pct, 100);
	assert_int_equal(t->fee.sliding_min, NO_FEE);
	assert_int_equal(t->fee.group, NO_FEE);
	/* 24:00 ends the day; 00:00 starts it. */
	assert_int_equal(t->n_avail, 3);
	assert_int_equal(t->avail[0].day, 6);
	assert_int_equal(t->avail[0].start, 0);
	assert_int_equal(t->avail[0].end, 1440);
	assert_int_equal(t->avail[1].day, 2);
	assert_int_equal(t->avail[1].start, 18 * 60 + 30);
	assert_int_equal(t->avail[1].end, 19 * 60 + 20);
	assert_int_equal(t->avail[2].start, 1439);
	assert_int_equal(t->avail[2].end, 1440);
}

static void
test_every_day_name(void **state)
{
	struct record r;
	char to[64];
	int d;

	(void)state;
	for (d = 0; d < 7; d++) {
		snprintf(to, sizeof(to), "\"day\":\"%s\"", day_names[d]);
		accept_subst(T, "\"day\":\"mon\"", to, &r);
		assert_int_equal(r.t.avail[0].day, d);
		arena_reset(&A);
	}
	assert_string_equal(day_names[0], "mon");
	assert_string_equal(day_names[6], "sun");
}

static void
test_whole_number_forms(void **state)
{
	struct record r;

	(void)state;
	accept_subst(T, "\"session\":180,", "\"session\":180.0,", &r);
	assert_int_equal(r.t.fee.session, 180);
	accept_subst(T, "\"session\":180,", "\"session\":0,", &r);
	assert_int_equal(r.t.fee.session, 0);
	accept_subst(T, "\"session\":180,", "\"session\":-0,", &r);
	assert_int_equal(r.t.fee.session, 0);
	accept_subst(T, "\"clinician_discount_pct\":20", "\"clinician_discount_pct\":0", &r);
	assert_int_equal(r.t.fee.discount_pct, 0);
	accept_subst(T, "\"clinician_discount_pct\":20", "\"clinician_discount_pct\":100.0", &r);
	assert_int_equal(r.t.fee.discount_pct, 100);
	accept_subst(T, "\"group_session\":60", "\"group_session\":0", &r);
	assert_int_equal(r.t.fee.group, 0);
	accept_subst(T, "\"sliding_scale_min\":90", "\"sliding_scale_min\":1000000", &r);
	assert_int_equal(r.t.fee.sliding_min, 1000000);
}

static void
test_office_bounds(void **state)
{
	struct record r;

	(void)state;
	accept_subst(T, "\"lat\":37.7749,\"lon\":-122.4194", "\"lat\":90,\"lon\":-180", &r);
	assert_true(r.t.lat == 90 && r.t.lon == -180);
	accept_subst(T, "\"lat\":37.7749,\"lon\":-122.4194", "\"lat\":-90.0,\"lon\":180.0", &r);
	assert_true(r.t.lat == -90 && r.t.lon == 180);
	accept_subst(T, "\"lat\":37.7749,\"lon\":-122.4194", "\"lat\":0,\"lon\":0", &r);
	assert_true(r.t.has_office && r.t.lat == 0 && r.t.lon == 0);
	/* A telehealth-only therapist may still give an office. */
	accept_subst(T, "\"modalities\":[\"in_person\",\"telehealth\"]",
	             "\"modalities\":[\"telehealth\"]", &r);
	assert_true(r.t.has_office);
}

static void
test_id_forms(void **state)
{
	char id64[65], line[256];
	struct record r;

	(void)state;
	memset(id64, 'x', 64);
	id64[64] = '\0';
	snprintf(line, sizeof(line), "{\"type\":\"delete\",\"id\":\"%s\"}", id64);
	parse_ok(line, &r);
	assert_string_equal(r.id, id64);
	parse_ok("{\"type\":\"delete\",\"id\":\"a\"}", &r);
	parse_ok("{\"type\":\"delete\",\"id\":\"AZaz09._:-\"}", &r);
	assert_string_equal(r.id, "AZaz09._:-");
	/* An escape that reads as a plain id character is that character. */
	parse_ok("{\"type\":\"delete\",\"id\":\"t\\u002d1\"}", &r);
	assert_string_equal(r.id, "t-1");
}

static void
test_error_cleared_on_success(void **state)
{
	struct record r;

	(void)state;
	parse_bad("{\"type\":\"delete\",\"id\":\"a\",}", "", "JSON", NULL);
	/* parse_ok asserts offset -1: nothing of the last error is left. */
	parse_ok(DEL, &r);
}

/* ----------------------------------------------------------------------
 * Round trips
 * ---------------------------------------------------------------------- */

/*
 * line -> parse -> to_json (j1); pack -> unpack -> to_json must be j1, the
 * unpacked record must equal the parsed one; j1 -> parse -> to_json must
 * be j1 again, and that record equal too.
 */
static void
roundtrip(const char *line)
{
	struct record r, r2;
	struct therapist u;
	struct buf j1 = BUF_INIT, j2 = BUF_INIT, j3 = BUF_INIT, p = BUF_INIT, p2 = BUF_INIT;
	struct verr e;

	parse_ok(line, &r);
	assert_int_equal(r.type, REC_THERAPIST);
	assert_int_equal(therapist_to_json(TAX, &r.t, &j1), 0);
	assert_int_equal(therapist_pack(TAX, &r.t, &p), 0);
	if (therapist_unpack(TAX, p.p, p.len, &A, &u, &e))
		fail_msg("unpack: %s: %s", e.field, e.msg);
	assert_therapist_eq(&r.t, &u);
	assert_int_equal(therapist_to_json(TAX, &u, &j2), 0);
	assert_string_equal(j1.p, j2.p);
	/* Packing is a function of the record alone. */
	assert_int_equal(therapist_pack(TAX, &u, &p2), 0);
	assert_int_equal(p.len, p2.len);
	assert_memory_equal(p.p, p2.p, p.len);
	/* The canonical JSON is a valid record line, and a fixed point. */
	parse_ok(j1.p, &r2);
	assert_therapist_eq(&r.t, &r2.t);
	assert_int_equal(therapist_to_json(TAX, &r2.t, &j3), 0);
	assert_string_equal(j1.p, j3.p);
	buf_free(&j1);
	buf_free(&j2);
	buf_free(&j3);
	buf_free(&p);
	buf_free(&p2);
}

static void
test_roundtrip_contract_example(void **state)
{
	(void)state;
	roundtrip(T);
}

static void
test_roundtrip_minimal(void **state)
{
	(void)state;
	roundtrip(MINIMAL);
}

static void
test_roundtrip_rich(void **state)
{
	(void)state;
	roundtrip(RICH);
}

static void
test_roundtrip_directory_line(void **state)
{
	(void)state;
	roundtrip(DIR1);
}

static void
test_to_json_shape(void **state)
{
	struct record r;
	struct buf b = BUF_INIT;

	(void)state;
	parse_ok(MINIMAL, &r);
	assert_int_equal(therapist_to_json(TAX, &r.t, &b), 0);
	/* One line, no npi, office or absent fee parts; lists always written. */
	assert_null(strchr(b.p, '\n'));
	assert_null(strstr(b.p, "\"npi\""));
	assert_null(strstr(b.p, "\"office\""));
	assert_null(strstr(b.p, "sliding_scale_min"));
	assert_non_null(strstr(b.p, "\"fee\":{\"currency\":\"EUR\",\"session\":0}"));
	assert_non_null(strstr(b.p, "\"compacts\":[]"));
	assert_non_null(strstr(b.p, "\"availability\":[]"));
	assert_non_null(strstr(b.p, "\"affiliations\":[]"));
	assert_true(strncmp(b.p, "{\"type\":\"therapist\",", 20) == 0);
	buf_free(&b);
	/* Every affiliation says whether it is current. */
	parse_ok(RICH, &r);
	assert_int_equal(therapist_to_json(TAX, &r.t, &b), 0);
	assert_non_null(strstr(b.p, "{\"person\":\"t-0000043\",\"role\":\"supervisee\",\"current\":true}"));
	assert_non_null(strstr(b.p, "\"end\":\"24:00\""));
	buf_free(&b);
}

static void
test_org_to_json_roundtrip(void **state)
{
	struct record r, r2;
	struct buf b = BUF_INIT, b2 = BUF_INIT;

	(void)state;
	parse_ok(ORG, &r);
	assert_int_equal(org_to_json(TAX, &r.org, &b), 0);
	parse_ok(b.p, &r2);
	assert_int_equal(r2.type, REC_ORG);
	assert_string_equal(r2.org.id, r.org.id);
	assert_string_equal(r2.org.name, r.org.name);
	assert_int_equal(r2.org.kind, r.org.kind);
	assert_int_equal(r2.org.jurisdiction, r.org.jurisdiction);
	assert_int_equal(org_to_json(TAX, &r2.org, &b2), 0);
	assert_string_equal(b.p, b2.p);
	buf_free(&b);
	buf_free(&b2);
	/* Without a jurisdiction, and with a name that needs escapes. */
	parse_ok("{\"type\":\"org\",\"id\":\"o\",\"name\":\"A \\\"B\\\" \\\\ C\\n\","
	         "\"kind\":\"consultation_group\"}", &r);
	assert_int_equal(org_to_json(TAX, &r.org, &b), 0);
	assert_null(strstr(b.p, "jurisdiction"));
	parse_ok(b.p, &r2);
	assert_string_equal(r2.org.name, "A \"B\" \\ C\n");
	assert_int_equal(r2.org.kind, KIND_CONSULTATION_GROUP);
	assert_int_equal(r2.org.jurisdiction, -1);
	buf_free(&b);
}

static void
test_unpack_refuses_damage(void **state)
{
	struct record r;
	struct therapist u;
	struct buf p = BUF_INIT;
	struct verr e;
	unsigned char *m;
	size_t n, i;
	int bit;

	(void)state;
	parse_ok(RICH, &r);
	assert_int_equal(therapist_pack(TAX, &r.t, &p), 0);
	/*
	 * Every truncation is refused, from a buffer of exactly that size.
	 * (Not checked: most cuts are refused with an empty e.msg, because
	 * get_code() returns -1 on a short read without filling e.)
	 */
	for (n = 0; n < p.len; n++) {
		m = malloc(n ? n : 1);
		assert_non_null(m);
		memcpy(m, p.p, n);
		if (!therapist_unpack(TAX, m, n, &A, &u, &e))
			fail_msg("a packed record cut to %zu of %zu bytes was accepted", n, p.len);
		free(m);
		arena_reset(&A);
	}
	/* A byte too many, or an unknown version. */
	m = malloc(p.len + 1);
	assert_non_null(m);
	memcpy(m, p.p, p.len);
	m[p.len] = 0;
	assert_int_not_equal(therapist_unpack(TAX, m, p.len + 1, &A, &u, &e), 0);
	m[0] ^= 0x7f;
	assert_int_not_equal(therapist_unpack(TAX, m, p.len, &A, &u, &e), 0);
	assert_non_null(strstr(e.msg, "version"));
	/* Single bit flips anywhere: refused or accepted, never a crash. */
	for (i = 0; i < p.len; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(m, p.p, p.len);
			m[i] ^= (unsigned char)(1u << bit);
			(void)therapist_unpack(TAX, m, p.len, &A, &u, &e);
			arena_reset(&A);
		}
	free(m);
	buf_free(&p);
}

/* ----------------------------------------------------------------------
 * Refusals: one row each, one test each
 * ---------------------------------------------------------------------- */

/* 65 characters: one more than ID_MAX. */
#define ID65 "t1234567890123456789012345678901234567890123456789012345678901234"

/* X(name, base, from, to, field, message part, message part or NULL) */
#define REFUSALS(X) \
	/* Unknown fields, at every level. */ \
	X(unknown_top_field, T, "\"type\":\"therapist\",", "\"type\":\"therapist\",\"website\":\"x\",", \
	  "website", "unknown field", NULL) \
	X(unknown_field_case, T, "\"name\":\"Ana Ruiz\",", "\"name\":\"Ana Ruiz\",\"Name\":\"x\",", \
	  "Name", "unknown field", NULL) \
	X(unknown_fee_field, T, "\"session\":180,", "\"session\":180,\"x\":1,", "fee.x", "unknown field", NULL) \
	X(unknown_office_field, T, "\"lat\":37.7749,", "\"lat\":37.7749,\"x\":1,", "office.x", "unknown field", NULL) \
	X(unknown_window_field, T, "\"day\":\"mon\",", "\"day\":\"mon\",\"x\":1,", \
	  "availability[0].x", "unknown field", NULL) \
	X(unknown_affiliation_field, T, AFFIL, \
	  "{\"org\":\"org-000123\",\"role\":\"employer\"},{\"org\":\"o2\",\"role\":\"member\",\"x\":1}", \
	  "affiliations[1].x", "unknown field", NULL) \
	X(unknown_org_field, ORG, "\"kind\":", "\"size\":3,\"kind\":", "size", "unknown field", NULL) \
	X(unknown_delete_field, DEL, "\"id\":", "\"name\":\"x\",\"id\":", "name", "unknown field", NULL) \
	/* Unknown codes: the message names the code and its list. */ \
	X(unknown_license, T, "\"US-OR\"]", "\"US-XX\"]", "licenses", "\"US-XX\"", "jurisdictions") \
	X(unknown_compact, T, "[\"PSYPACT\"]", "[\"NURSING\"]", "compacts", "\"NURSING\"", "compacts list") \
	X(compact_lower_case, T, "[\"PSYPACT\"]", "[\"psypact\"]", "compacts", "\"psypact\"", "compacts list") \
	X(unknown_modality, T, "\"telehealth\"]", "\"video\"]", "modalities", "\"video\"", "modalities list") \
	X(unknown_format, T, "\"group\"]", "\"family\"]", "formats", "\"family\"", "formats list") \
	X(unknown_orientation, T, "\"ifs\"]", "\"freudian\"]", "orientations", "\"freudian\"", "orientations list") \
	X(unknown_focus_area, T, "\"countertransference\"]", "\"insomnia\"]", "focus_areas", "\"insomnia\"", \
	  "focus_areas list") \
	X(unknown_population, T, "[\"lgbtq_affirming\"]", "[\"lgbtq_affirming\",\"martians\"]", \
	  "populations", "\"martians\"", "populations list") \
	X(unknown_language, T, "\"es\"]", "\"xx\"]", "languages", "\"xx\"", "languages list") \
	X(language_upper_case, T, "[\"en\",", "[\"EN\",", "languages", "\"EN\"", "languages list") \
	X(unknown_career_stage, T, "\"early_career\"]", "\"retired\"]", "career_stages", "\"retired\"", \
	  "career_stages list") \
	X(unknown_profession, T, "\"psychologist\"", "\"shaman\"", "profession", "\"shaman\"", "professions list") \
	X(unknown_office_jurisdiction, T, "\"jurisdiction\":\"US-CA\"}", "\"jurisdiction\":\"US-ZZ\"}", \
	  "office.jurisdiction", "\"US-ZZ\"", "jurisdictions list") \
	X(unknown_role, T, "\"role\":\"employer\"", "\"role\":\"boss\"", "affiliations[0].role", "\"boss\"", \
	  "affiliation_roles list") \
	X(unknown_org_kind, ORG, "\"employer\"", "\"hospital\"", "kind", "\"hospital\"", "org_kinds list") \
	X(unknown_org_jurisdiction, ORG, "\"US-CA\"", "\"US-QQ\"", "jurisdiction", "\"US-QQ\"", "jurisdictions") \
	X(code_not_a_string, T, "[\"psychodynamic\",\"ifs\"]", "[\"psychodynamic\",7]", "orientations", \
	  "orientations list", NULL) \
	/* Wrong types. */ \
	X(type_not_string, T, "\"type\":\"therapist\"", "\"type\":1", "type", "must be a string", NULL) \
	X(id_not_string, T, "\"id\":\"t-0000001\"", "\"id\":1", "id", "must be a string", NULL) \
	X(name_not_string, T, "\"name\":\"Ana Ruiz\"", "\"name\":[\"Ana\"]", "name", "must be a string", NULL) \
	X(licenses_not_array, T, "\"licenses\":[\"US-CA\",\"US-OR\"]", "\"licenses\":\"US-CA\"", "licenses", \
	  "array", NULL) \
	X(compacts_not_array, T, "[\"PSYPACT\"]", "{}", "compacts", "array", NULL) \
	X(accepting_not_bool, T, "\"accepting_new_clients\":true", "\"accepting_new_clients\":\"yes\"", \
	  "accepting_new_clients", "true or false", NULL) \
	X(accepting_number, T, "\"accepting_new_clients\":true", "\"accepting_new_clients\":1", \
	  "accepting_new_clients", "true or false", NULL) \
	X(fee_not_object, T, FEE, "\"fee\":180", "fee", "object", NULL) \
	X(fee_session_string, T, "\"session\":180,", "\"session\":\"180\",", "fee.session", "whole number", NULL) \
	X(fee_currency_number, T, "\"currency\":\"USD\"", "\"currency\":840", "fee.currency", "string", NULL) \
	X(office_not_object, T, OFFICE, "\"office\":[37.7,-122.4]", "office", "object", NULL) \
	X(office_lat_string, T, "\"lat\":37.7749", "\"lat\":\"37.7749\"", "office.lat", "must be a number", NULL) \
	X(availability_not_array, T, AVAIL, "\"availability\":{}", "availability", "array", NULL) \
	X(window_not_object, T, AVAIL, "\"availability\":[\"mon 09:00-12:00\"]", "availability[0]", "object", NULL) \
	X(window_start_number, T, "\"start\":\"09:00\"", "\"start\":900", "availability[0].start", "string", NULL) \
	X(affiliations_not_array, T, "[" AFFIL "]", AFFIL, "affiliations", "array", NULL) \
	X(affiliation_not_object, T, AFFIL, "\"org-000123\"", "affiliations[0]", "object", NULL) \
	X(affiliation_current_string, T, "\"current\":true", "\"current\":\"yes\"", "affiliations[0].current", \
	  "true or false", NULL) \
	X(timezone_not_string, T, "\"timezone\":\"America/Los_Angeles\"", "\"timezone\":-8", "timezone", \
	  "string", NULL) \
	X(npi_number, T, "\"npi\":\"1234567893\"", "\"npi\":1234567893", "npi", "must be a string", NULL) \
	/* Missing required fields. */ \
	X(missing_type, T, "\"type\":\"therapist\",", "", "type", "is required", NULL) \
	X(missing_id, T, "\"id\":\"t-0000001\",", "", "id", "is required", NULL) \
	X(missing_name, T, "\"name\":\"Ana Ruiz\",", "", "name", "is required", NULL) \
	X(null_name, T, "\"name\":\"Ana Ruiz\",", "\"name\":null,", "name", "is required", NULL) \
	X(empty_name, T, "\"name\":\"Ana Ruiz\",", "\"name\":\"\",", "name", "empty", NULL) \
	X(missing_credentials, T, "\"credentials\":\"PhD\",", "", "credentials", "is required", NULL) \
	X(missing_profession, T, "\"profession\":\"psychologist\",", "", "profession", "is required", NULL) \
	X(missing_licenses, T, "\"licenses\":[\"US-CA\",\"US-OR\"],", "", "licenses", "is required", NULL) \
	X(missing_modalities, T, "\"modalities\":[\"in_person\",\"telehealth\"],", "", "modalities", \
	  "is required", NULL) \
	X(missing_formats, T, "\"formats\":[\"individual\",\"group\"],", "", "formats", "is required", NULL) \
	X(missing_accepting, T, "\"accepting_new_clients\":true,", "", "accepting_new_clients", \
	  "is required", NULL) \
	X(missing_fee, T, FEE ",", "", "fee", "is required", NULL) \
	X(missing_fee_currency, T, "\"currency\":\"USD\",", "", "fee.currency", "is required", NULL) \
	X(missing_fee_session, T, "\"session\":180,", "", "fee.session", "is required", NULL) \
	X(missing_orientations, T, "\"orientations\":[\"psychodynamic\",\"ifs\"],", "", "orientations", \
	  "is required", NULL) \
	X(missing_focus_areas, T, "\"focus_areas\":[\"burnout\",\"vicarious_trauma\",\"countertransference\"],", \
	  "", "focus_areas", "is required", NULL) \
	X(missing_languages, T, "\"languages\":[\"en\",\"es\"],", "", "languages", "is required", NULL) \
	X(missing_career_stages, T, "\"career_stages\":[\"graduate_student\",\"early_career\"],", "", \
	  "career_stages", "is required", NULL) \
	X(missing_clinician_clients, T, "\"clinician_clients\":true,", "", "clinician_clients", \
	  "is required", NULL) \
	X(missing_timezone, T, "\"timezone\":\"America/Los_Angeles\",", "", "timezone", "is required", NULL) \
	X(missing_office_lat, T, "\"lat\":37.7749,", "", "office.lat", "is required", NULL) \
	X(missing_office_lon, T, ",\"lon\":-122.4194", "", "office.lon", "is required", NULL) \
	X(missing_window_day, T, "\"day\":\"mon\",", "", "availability[0].day", "is required", NULL) \
	X(missing_window_start, T, "\"start\":\"09:00\",", "", "availability[0].start", "is required", NULL) \
	X(missing_window_end, T, ",\"end\":\"12:00\"", "", "availability[0].end", "is required", NULL) \
	X(missing_role, T, ",\"role\":\"employer\"", "", "affiliations[0].role", "is required", NULL) \
	X(missing_org_name, ORG, "\"name\":\"Bayview Community Mental Health\",", "", "name", "is required", NULL) \
	X(missing_org_kind, ORG, "\"kind\":\"employer\",", "", "kind", "is required", NULL) \
	X(missing_delete_id, DEL, ",\"id\":\"t-0000001\"", "", "id", "is required", NULL) \
	/* Ids. */ \
	X(id_with_space, T, "\"t-0000001\"", "\"t 0000001\"", "id", "is not an id", NULL) \
	X(id_empty, T, "\"t-0000001\"", "\"\"", "id", "empty", NULL) \
	X(id_65_chars, T, "\"t-0000001\"", "\"" ID65 "\"", "id", "is not an id", NULL) \
	X(id_with_slash, T, "\"t-0000001\"", "\"t/1\"", "id", "is not an id", NULL) \
	X(id_non_ascii, T, "\"t-0000001\"", "\"t-\xc3\xa9\"", "id", "is not an id", NULL) \
	X(org_id_bad, ORG, "\"org-000123\"", "\"org 123\"", "id", "is not an id", NULL) \
	X(delete_id_bad, DEL, "\"t-0000001\"", "\"t,1\"", "id", "is not an id", NULL) \
	X(affiliation_org_id_bad, T, "\"org-000123\"", "\"org 123\"", "affiliations[0].org", "is not an id", NULL) \
	X(affiliation_person_id_bad, T, AFFIL, "{\"person\":\"\",\"role\":\"supervisor\"}", \
	  "affiliations[0].person", "is not an id", NULL) \
	/* Currency and fees. */ \
	X(currency_lower_case, T, "\"USD\"", "\"usd\"", "fee.currency", "ISO 4217", NULL) \
	X(currency_two_letters, T, "\"USD\"", "\"US\"", "fee.currency", "ISO 4217", NULL) \
	X(currency_four_letters, T, "\"USD\"", "\"USDX\"", "fee.currency", NULL, NULL) \
	X(currency_digit, T, "\"USD\"", "\"U5D\"", "fee.currency", "ISO 4217", NULL) \
	X(currency_empty, T, "\"USD\"", "\"\"", "fee.currency", NULL, NULL) \
	X(fee_negative, T, "\"session\":180,", "\"session\":-1,", "fee.session", "out of range", NULL) \
	X(fee_too_high, T, "\"session\":180,", "\"session\":1000001,", "fee.session", "out of range", NULL) \
	X(sliding_negative, T, "\"sliding_scale_min\":90", "\"sliding_scale_min\":-5", "fee.sliding_scale_min", \
	  "out of range", NULL) \
	X(group_negative, T, "\"group_session\":60", "\"group_session\":-60", "fee.group_session", \
	  "out of range", NULL) \
	X(discount_101, T, "\"clinician_discount_pct\":20", "\"clinician_discount_pct\":101", \
	  "fee.clinician_discount_pct", "out of range", "101") \
	X(discount_negative, T, "\"clinician_discount_pct\":20", "\"clinician_discount_pct\":-1", \
	  "fee.clinician_discount_pct", "out of range", NULL) \
	X(fee_fractional, T, "\"session\":180,", "\"session\":180.5,", "fee.session", "whole number", NULL) \
	X(discount_fractional, T, "\"clinician_discount_pct\":20", "\"clinician_discount_pct\":20.5", \
	  "fee.clinician_discount_pct", "whole number", NULL) \
	/* The office. */ \
	X(lat_91, T, "\"lat\":37.7749", "\"lat\":91", "office.lat", "out of range", NULL) \
	X(lat_below_minus_90, T, "\"lat\":37.7749", "\"lat\":-90.0001", "office.lat", "out of range", NULL) \
	X(lon_minus_181, T, "\"lon\":-122.4194", "\"lon\":-181", "office.lon", "out of range", NULL) \
	X(lon_180_5, T, "\"lon\":-122.4194", "\"lon\":180.5", "office.lon", "out of range", NULL) \
	X(office_missing_in_person, T, OFFICE ",", "", "office", "in_person", NULL) \
	X(office_null_in_person, T, OFFICE, "\"office\":null", "office", "in_person", NULL) \
	/* Time zone and windows. */ \
	X(bad_timezone, T, "\"America/Los_Angeles\"", "\"Mars/Olympus\"", "timezone", "\"Mars/Olympus\"", \
	  "IANA") \
	X(empty_timezone, T, "\"America/Los_Angeles\"", "\"\"", "timezone", "empty", NULL) \
	X(window_day_monday, T, "\"day\":\"mon\"", "\"day\":\"monday\"", "availability[0].day", \
	  "\"monday\"", NULL) \
	X(window_day_capital, T, "\"day\":\"mon\"", "\"day\":\"Mon\"", "availability[0].day", "\"Mon\"", NULL) \
	X(window_start_2400, T, "\"start\":\"09:00\"", "\"start\":\"24:00\"", "availability[0].start", \
	  "24:00", NULL) \
	X(window_end_before_start, T, "\"end\":\"12:00\"", "\"end\":\"08:59\"", "availability[0].end", \
	  "not after", NULL) \
	X(window_end_equals_start, T, "\"end\":\"12:00\"", "\"end\":\"09:00\"", "availability[0].end", \
	  "not after", NULL) \
	X(window_start_9_00, T, "\"start\":\"09:00\"", "\"start\":\"9:00\"", "availability[0].start", \
	  "\"9:00\"", "HH:MM") \
	X(window_start_seconds, T, "\"start\":\"09:00\"", "\"start\":\"09:00:00\"", "availability[0].start", \
	  NULL, NULL) \
	X(window_end_2401, T, "\"end\":\"12:00\"", "\"end\":\"24:01\"", "availability[0].end", "HH:MM", NULL) \
	X(window_end_minute_60, T, "\"end\":\"12:00\"", "\"end\":\"12:60\"", "availability[0].end", "HH:MM", NULL) \
	X(window_start_25, T, "\"start\":\"09:00\"", "\"start\":\"25:00\"", "availability[0].start", "HH:MM", NULL) \
	X(second_window_bad, T, AVAIL, \
	  "\"availability\":[{\"day\":\"mon\",\"start\":\"09:00\",\"end\":\"12:00\"}," \
	  "{\"day\":\"tue\",\"start\":\"13:00\",\"end\":\"13:00\"}]", "availability[1].end", "not after", NULL) \
	/* Affiliations. */ \
	X(affiliation_org_and_person, T, AFFIL, \
	  "{\"org\":\"org-000123\",\"person\":\"t-0000042\",\"role\":\"supervisor\"}", \
	  "affiliations[0]", "both", NULL) \
	X(affiliation_neither, T, AFFIL, "{\"role\":\"employer\",\"current\":true}", "affiliations[0]", \
	  "neither", NULL) \
	X(person_role_member, T, AFFIL, "{\"person\":\"t-0000042\",\"role\":\"member\"}", \
	  "affiliations[0].person", "supervisor", NULL) \
	X(person_role_employer, T, AFFIL, "{\"person\":\"t-0000042\",\"role\":\"employer\"}", \
	  "affiliations[0].person", "supervisee", NULL) \
	/* NPI. */ \
	X(npi_bad_check_digit, T, "\"1234567893\"", "\"1234567890\"", "npi", "\"1234567890\"", "Luhn") \
	X(npi_9_digits, T, "\"1234567893\"", "\"123456789\"", "npi", "not a valid NPI", NULL) \
	X(npi_11_digits, T, "\"1234567893\"", "\"12345678930\"", "npi", "not a valid NPI", NULL) \
	X(npi_letters, T, "\"1234567893\"", "\"12345678a3\"", "npi", "not a valid NPI", NULL) \
	X(npi_empty, T, "\"1234567893\"", "\"\"", "npi", NULL, NULL) \
	X(npi_too_long, T, "\"1234567893\"", "\"12345678931234567893\"", "npi", NULL, NULL) \
	/* Record types. */ \
	X(type_person, T, "\"type\":\"therapist\"", "\"type\":\"person\"", "type", "\"person\"", \
	  "org, therapist or delete") \
	X(type_capital, DEL, "\"delete\"", "\"Delete\"", "type", "\"Delete\"", NULL)

#define DEFINE_REFUSAL(name, base, from, to, field, m1, m2) \
	static void refuse_##name(void **state) \
	{ \
		(void)state; \
		refuse(base, from, to, field, m1, m2); \
	}
REFUSALS(DEFINE_REFUSAL)

static void
test_malformed_json(void **state)
{
	struct record r;
	struct verr e;
	char *line = subst(T, "\"PSYPACT\"]", "\"PSYPACT\",]");
	const char *at = strstr(line, ",]");

	(void)state;
	assert_int_not_equal(record_parse(TAX, line, strlen(line), &A, &r, &e), 0);
	assert_string_equal(e.field, "");
	assert_int_equal(e.offset, at - line + 1);
	assert_non_null(strstr(e.msg, "malformed JSON"));
	free(line);
	/* Duplicate keys, as the notes say, are malformed JSON. */
	line = subst(T, "\"name\":\"Ana Ruiz\",", "\"name\":\"Ana Ruiz\",\"name\":\"Ana\",");
	at = strstr(line, "\"name\":\"Ana\"");
	assert_int_not_equal(record_parse(TAX, line, strlen(line), &A, &r, &e), 0);
	assert_int_equal(e.offset, at - line);
	assert_non_null(strstr(e.msg, "duplicate key"));
	free(line);
	/* The length bounds the line: a cut line is malformed at its end. */
	assert_int_not_equal(record_parse(TAX, T, 100, &A, &r, &e), 0);
	assert_true(e.offset >= 0 && e.offset <= 100);
}

static void
test_not_an_object(void **state)
{
	(void)state;
	parse_bad("[]", "", "object", NULL);
	parse_bad("\"therapist\"", "", "object", NULL);
	parse_bad("null", "", "object", NULL);
	parse_bad("{}", "type", "is required", NULL);
}

static void
test_too_many_windows(void **state)
{
	struct buf b = BUF_INIT;
	struct record r;
	int i;

	(void)state;
	/* 64 windows are fine, 65 are refused. */
	assert_int_equal(buf_adds(&b, "\"availability\":["), 0);
	for (i = 0; i < 64; i++)
		assert_int_equal(buf_printf(&b, "%s{\"day\":\"%s\",\"start\":\"%02d:00\",\"end\":\"%02d:30\"}",
		                            i ? "," : "", day_names[i % 7], i % 24, i % 24), 0);
	assert_int_equal(buf_addc(&b, ']'), 0);
	accept_subst(T, AVAIL, b.p, &r);
	assert_int_equal(r.t.n_avail, 64);
	b.p[b.len - 1] = ',';
	assert_int_equal(buf_adds(&b, "{\"day\":\"sun\",\"start\":\"10:00\",\"end\":\"11:00\"}]"), 0);
	refuse(T, AVAIL, b.p, "availability", "64", NULL);
	buf_free(&b);
}

/* ----------------------------------------------------------------------
 * NPI, times and ids
 * ---------------------------------------------------------------------- */

/*
 * The NPI check digit as CMS publishes it, written independently of the
 * code under test: double every other digit of the 9-digit base starting
 * with the rightmost, add the digits of the products and the other
 * digits, add 24 (the constant for the prefix 80840), and take the
 * amount up to the next multiple of ten.
 */
static int
npi_check_digit(const char *base9)
{
	int i, sum = 24;

	for (i = 0; i < 9; i++) {
		int d = base9[8 - i] - '0';

		if (i % 2 == 0) {
			d *= 2;
			d = d / 10 + d % 10;
		}
		sum += d;
	}
	return (10 - sum % 10) % 10;
}

static void
test_npi_known_valid(void **state)
{
	(void)state;
	assert_true(npi_ok("1234567893"));      /* the contract's example */
	assert_true(npi_ok("1497758544"));      /* the contract's query */
	assert_true(npi_ok("2836031270"));      /* the conformance directory */
	assert_int_equal(npi_check_digit("123456789"), 3);
	assert_int_equal(npi_check_digit("149775854"), 4);
	assert_int_equal(npi_check_digit("283603127"), 0);
}

static void
test_npi_computed(void **state)
{
	static const char *const bases[] = {"123456789", "000000000", "999999999",
		"100000000", "199999999", "987654321", "111111111", "246813579",
		"135792468", "200000001"};
	char npi[11];
	size_t i;
	int d;

	(void)state;
	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		int good = npi_check_digit(bases[i]);

		memcpy(npi, bases[i], 9);
		npi[10] = '\0';
		/* Exactly one check digit of the ten is valid. */
		for (d = 0; d < 10; d++) {
			npi[9] = (char)('0' + d);
			if (npi_ok(npi) != (d == good))
				fail_msg("npi_ok(%s) = %d, check digit is %d", npi, npi_ok(npi), good);
		}
	}
	/* A transposition of two adjacent digits is caught. */
	assert_false(npi_ok("2134567893"));
	assert_false(npi_ok("1234567839"));
}

static void
test_npi_invalid(void **state)
{
	(void)state;
	assert_false(npi_ok(""));
	assert_false(npi_ok("123456789"));
	assert_false(npi_ok("12345678931"));
	assert_false(npi_ok("123456789a"));
	assert_false(npi_ok("a234567893"));
	assert_false(npi_ok(" 1234567893"));
	assert_false(npi_ok("1234567893 "));
	assert_false(npi_ok("-234567893"));
	assert_false(npi_ok("12345-7893"));
	assert_false(npi_ok("1234567890"));
	assert_false(npi_ok("abcdefghij"));
}

static void
test_parse_hhmm(void **state)
{
	(void)state;
	assert_int_equal(parse_hhmm("00:00"), 0);
	assert_int_equal(parse_hhmm("00:01"), 1);
	assert_int_equal(parse_hhmm("09:00"), 540);
	assert_int_equal(parse_hhmm("12:34"), 754);
	assert_int_equal(parse_hhmm("23:59"), 1439);
	assert_int_equal(parse_hhmm("24:00"), 1440);
	assert_int_equal(parse_hhmm("24:01"), -1);
	assert_int_equal(parse_hhmm("24:30"), -1);
	assert_int_equal(parse_hhmm("25:00"), -1);
	assert_int_equal(parse_hhmm("99:00"), -1);
	assert_int_equal(parse_hhmm("12:60"), -1);
	assert_int_equal(parse_hhmm("12:99"), -1);
	assert_int_equal(parse_hhmm("9:00"), -1);
	assert_int_equal(parse_hhmm("09:0"), -1);
	assert_int_equal(parse_hhmm("0900"), -1);
	assert_int_equal(parse_hhmm("09-00"), -1);
	assert_int_equal(parse_hhmm("09:00 "), -1);
	assert_int_equal(parse_hhmm(" 9:00"), -1);
	assert_int_equal(parse_hhmm("09:00:00"), -1);
	assert_int_equal(parse_hhmm("-1:00"), -1);
	assert_int_equal(parse_hhmm("ab:cd"), -1);
	assert_int_equal(parse_hhmm("0a:00"), -1);
	assert_int_equal(parse_hhmm("09:0a"), -1);
	assert_int_equal(parse_hhmm("\xd9\xa0\xd9\xa0:00"), -1);
	assert_int_equal(parse_hhmm(""), -1);
	assert_int_equal(parse_hhmm(NULL), -1);
}

static void
test_record_id_ok(void **state)
{
	char id[70];

	(void)state;
	assert_true(record_id_ok("a"));
	assert_true(record_id_ok("t-0000001"));
	assert_true(record_id_ok("org-000123"));
	assert_true(record_id_ok("A.b_c:d-9"));
	assert_true(record_id_ok("-"));
	memset(id, 'z', 64);
	id[64] = '\0';
	assert_true(record_id_ok(id));
	id[64] = 'z';
	id[65] = '\0';
	assert_false(record_id_ok(id));
	assert_false(record_id_ok(""));
	assert_false(record_id_ok("a b"));
	assert_false(record_id_ok("a/b"));
	assert_false(record_id_ok("a\tb"));
	assert_false(record_id_ok("a,b"));
	assert_false(record_id_ok("a\"b"));
	assert_false(record_id_ok("t-\xc3\xa9"));
	assert_false(record_id_ok("a\nb"));
	assert_false(record_id_ok("t+1"));
}

int
main(void)
{
#define REFUSAL_TEST(name, base, from, to, field, m1, m2) \
	cmocka_unit_test_teardown(refuse_##name, reset),
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_contract_therapist, reset),
		cmocka_unit_test_teardown(test_contract_org, reset),
		cmocka_unit_test_teardown(test_org_kinds_and_no_jurisdiction, reset),
		cmocka_unit_test_teardown(test_contract_delete, reset),
		cmocka_unit_test_teardown(test_defaults, reset),
		cmocka_unit_test_teardown(test_empty_optional_lists, reset),
		cmocka_unit_test_teardown(test_affiliation_current_default, reset),
		cmocka_unit_test_teardown(test_rich_values, reset),
		cmocka_unit_test_teardown(test_every_day_name, reset),
		cmocka_unit_test_teardown(test_whole_number_forms, reset),
		cmocka_unit_test_teardown(test_office_bounds, reset),
		cmocka_unit_test_teardown(test_id_forms, reset),
		cmocka_unit_test_teardown(test_error_cleared_on_success, reset),
		cmocka_unit_test_teardown(test_roundtrip_contract_example, reset),
		cmocka_unit_test_teardown(test_roundtrip_minimal, reset),
		cmocka_unit_test_teardown(test_roundtrip_rich, reset),
		cmocka_unit_test_teardown(test_roundtrip_directory_line, reset),
		cmocka_unit_test_teardown(test_to_json_shape, reset),
		cmocka_unit_test_teardown(test_org_to_json_roundtrip, reset),
		cmocka_unit_test_teardown(test_unpack_refuses_damage, reset),
		REFUSALS(REFUSAL_TEST)
		cmocka_unit_test_teardown(test_malformed_json, reset),
		cmocka_unit_test_teardown(test_not_an_object, reset),
		cmocka_unit_test_teardown(test_too_many_windows, reset),
		cmocka_unit_test(test_npi_known_valid),
		cmocka_unit_test(test_npi_computed),
		cmocka_unit_test(test_npi_invalid),
		cmocka_unit_test(test_parse_hhmm),
		cmocka_unit_test(test_record_id_ok),
	};
#undef REFUSAL_TEST

	return cmocka_run_group_tests_name("record", tests, group_setup, group_teardown);
}
