/*
 * test_fields.c: the validators of typed input (core/field.h) and the
 * name tables of the closed vocabularies (core/kinds.h).
 */
#include "testlib.h"

#include "core/field.h"
#include "core/kinds.h"
#include "core/tz.h"

/* Checks text against f; returns field_check's answer, *v and *e filled. */
static int
check(const struct field *f, const char *text, struct fval *v, struct verr *e)
{
	verr_clear(e);
	return field_check(f, text, v, e);
}

static void
test_int(void **state)
{
	const struct field f = {"days", F_INT, 1, 364, false, NULL, NULL};
	struct fval v;
	struct verr e;

	(void)state;
	assert_int_equal(check(&f, "14", &v, &e), 0);
	assert_true(v.set);
	assert_int_equal(v.n, 14);
	assert_int_equal(check(&f, "1", &v, &e), 0);
	assert_int_equal(check(&f, "364", &v, &e), 0);
	assert_int_equal(v.n, 364);
	/* Out of bounds, trailing bytes, not a number, too many digits. */
	static const char *const bad[] = {"0", "365", "-1", "14x", "x", " 14", "14 ", "1.5", "-",
	                                  "99999999999999999999999", "0x10"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(check(&f, bad[i], &v, &e), -1);
		assert_string_equal(e.field, "days");
		assert_string_equal(e.msg, "give a whole number from 1 to 364");
	}
	/* Absent and empty: not set, no error. */
	assert_int_equal(check(&f, NULL, &v, &e), 0);
	assert_false(v.set);
	assert_int_equal(check(&f, "", &v, &e), 0);
	assert_false(v.set);
	/* Negative bounds. */
	const struct field g = {"offset", F_INT, -5, 5, false, NULL, NULL};
	assert_int_equal(check(&g, "-5", &v, &e), 0);
	assert_int_equal(v.n, -5);
	assert_int_equal(check(&g, "-6", &v, &e), -1);
}

static void
test_number(void **state)
{
	const struct field f = {"lat", F_NUMBER, -90, 90, false, NULL, NULL};
	const struct field g = {"budget", F_NUMBER, 0, 0, false, NULL, NULL};
	struct fval v;
	struct verr e;

	(void)state;
	assert_int_equal(check(&f, "40.7128", &v, &e), 0);
	assert_true(v.d > 40.71 && v.d < 40.72);
	assert_int_equal(check(&f, "-74", &v, &e), 0);
	assert_int_equal(check(&g, "1e3", &v, &e), 0);
	assert_true(v.d == 1000);
	assert_int_equal(check(&g, "0.5", &v, &e), 0);
	/* Only what JSON reads as a number: its text goes into JSON as it is. */
	static const char *const bad[] = {"+5", ".5", "5.", "05", "1e", "nan", "inf", "0x10", " 5",
	                                  "5 ", "1,5", "--1", "1e999"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(check(&g, bad[i], &v, &e), -1);
		assert_string_equal(e.msg, "give a number, like 12 or 40.7128");
	}
	assert_int_equal(check(&f, "90.5", &v, &e), -1);
	assert_string_equal(e.msg, "give a number from -90 to 90");
}

static void
test_required(void **state)
{
	const struct field f = {"first_day", F_DAY, 0, 0, true, NULL, NULL};
	const struct field g = {"notice_hours", F_INT, 0, 168, true, NULL,
	                        "give the notice period in whole hours, 0 to 168"};
	struct fval v;
	struct verr e;

	(void)state;
	assert_int_equal(check(&f, NULL, &v, &e), -1);
	assert_string_equal(e.field, "first_day");
	assert_string_equal(e.msg, "this is required: fill it in");
	assert_int_equal(check(&f, "", &v, &e), -1);
	/* A field's own sentence, for missing and for wrong alike. */
	assert_int_equal(check(&g, NULL, &v, &e), -1);
	assert_string_equal(e.msg, "give the notice period in whole hours, 0 to 168");
	assert_int_equal(check(&g, "169", &v, &e), -1);
	assert_string_equal(e.msg, "give the notice period in whole hours, 0 to 168");
	assert_int_equal(check(&g, "0", &v, &e), 0);
	assert_true(v.set);
	assert_int_equal(v.n, 0);
}

static void
test_text(void **state)
{
	const struct field f = {"message", F_TEXT, 0, 5, false, NULL, NULL};
	const struct field g = {"name", F_TEXT, 2, 0, true, NULL, NULL};
	struct fval v;
	struct verr e;

	(void)state;
	assert_int_equal(check(&f, "hello", &v, &e), 0);
	assert_string_equal(v.s, "hello");
	/* Five characters, ten bytes: counted as characters. */
	assert_int_equal(check(&f, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", &v, &e), 0);
	assert_int_equal(check(&f, "hello!", &v, &e), -1);
	assert_string_equal(e.msg, "keep it to 5 characters");
	/* An empty text is given (an empty box), unless required. */
	assert_int_equal(check(&f, "", &v, &e), 0);
	assert_true(v.set);
	assert_int_equal(check(&g, "", &v, &e), -1);
	assert_int_equal(check(&g, "a", &v, &e), -1);
	assert_string_equal(e.msg, "write at least 2 characters");
	assert_int_equal(check(&g, "ab", &v, &e), 0);
}

static void
test_day(void **state)
{
	const struct field f = {"from", F_DAY, 0, 0, false, NULL, NULL};
	struct fval v;
	struct verr e;

	(void)state;
	assert_int_equal(check(&f, "1970-01-02", &v, &e), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(check(&f, "2028-02-29", &v, &e), 0);
	assert_int_equal(v.n, tz_days_from_civil(2028, 2, 29));
	static const char *const bad[] = {"2027-02-29", "2026-13-01", "2026-04-31", "2026-1-01",
	                                  "2026-01-01x", "20260101", "2026-00-10", "tomorrow",
	                                  "2100-02-29"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(check(&f, bad[i], &v, &e), -1);
		assert_string_equal(e.field, "from");
		assert_string_equal(e.msg, "give a date as YYYY-MM-DD");
	}
	assert_int_equal(check(&f, "2000-02-29", &v, &e), 0);
}

static void
test_instant(void **state)
{
	const struct field f = {"start", F_INSTANT, 0, 0, true, NULL, NULL};
	struct fval v;
	struct verr e;
	int64_t base = tz_days_from_civil(2026, 12, 1) * 86400;

	(void)state;
	assert_int_equal(check(&f, "2026-12-01T18:00:00Z", &v, &e), 0);
	assert_int_equal(v.n, base + 18 * 3600);
	assert_int_equal(check(&f, "2026-12-01T18:00Z", &v, &e), 0);
	assert_int_equal(v.n, base + 18 * 3600);
	assert_int_equal(check(&f, "2026-12-01T13:00:00-05:00", &v, &e), 0);
	assert_int_equal(v.n, base + 18 * 3600);
	assert_int_equal(check(&f, "2026-12-01T19:30:00+01:30", &v, &e), 0);
	assert_int_equal(v.n, base + 18 * 3600);
	static const char *const bad[] = {"2026-12-01", "2026-12-01T18:00:00", "2026-12-01T24:00Z",
	                                  "2026-12-01T18:60Z", "2026-12-01T18:00:00+5", "2026-12-01 18:00Z",
	                                  "2026-12-01T18:00:00Zx"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(check(&f, bad[i], &v, &e), -1);
	assert_string_equal(e.field, "start");
}

static void
test_hhmm_bool_enum(void **state)
{
	const struct field h = {"start", F_HHMM, 0, 0, false, NULL, NULL};
	const struct field b = {"reveal", F_BOOL, 0, 0, false, NULL, NULL};
	const struct field k = {"kind", F_ENUM, 0, 0, false, session_kind_names, NULL};
	struct fval v;
	struct verr e;

	(void)state;
	assert_int_equal(check(&h, "09:30", &v, &e), 0);
	assert_int_equal(v.n, 570);
	assert_int_equal(check(&h, "24:00", &v, &e), 0);
	assert_int_equal(v.n, 1440);
	assert_int_equal(check(&h, "9:30", &v, &e), -1);
	assert_int_equal(check(&h, "24:01", &v, &e), -1);
	assert_string_equal(e.msg, "give a time as HH:MM, from 00:00 to 24:00");
	/* A checkbox: present is true whatever its value; never an error. */
	assert_int_equal(check(&b, "", &v, &e), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(check(&b, NULL, &v, &e), 0);
	assert_int_equal(v.n, 0);
	assert_int_equal(check(&k, "couples", &v, &e), 0);
	assert_int_equal(v.n, SK_COUPLES);
	assert_int_equal(check(&k, "Couples", &v, &e), -1);
	assert_string_equal(e.msg, "choose one of consultation, individual, couples, group");
}

static void
test_id_token(void **state)
{
	const struct field i = {"therapist_id", F_ID, 0, 0, true, NULL, NULL};
	const struct field t = {"{id}", F_TOKEN, 16, 64, true, NULL, NULL};
	struct fval v;
	struct verr e;

	(void)state;
	assert_int_equal(check(&i, "t-0000001", &v, &e), 0);
	assert_string_equal(v.s, "t-0000001");
	assert_int_equal(check(&i, "t 1", &v, &e), -1);
	assert_int_equal(check(&i, "t/1", &v, &e), -1);
	assert_string_equal(e.field, "therapist_id");
	assert_int_equal(check(&t, "abcdefghijklmnop_-", &v, &e), 0);
	assert_int_equal(check(&t, "short", &v, &e), -1);
	assert_int_equal(check(&t, "abcdefghijklmnop+/", &v, &e), -1);
}

static void
test_kinds(void **state)
{
	(void)state;
	assert_int_equal(appt_status_parse("booked"), APPT_BOOKED);
	assert_int_equal(appt_status_parse("cancelled"), APPT_CANCELLED);
	assert_int_equal(appt_status_parse("Booked"), -1);
	assert_int_equal(appt_status_parse(NULL), -1);
	assert_int_equal(modality_parse("telehealth"), MOD_TELEHEALTH);
	assert_int_equal(modality_parse("in_person"), MOD_IN_PERSON);
	assert_int_equal(modality_parse(""), -1);
	assert_int_equal(session_kind_parse("group"), SK_GROUP);
	assert_string_equal(session_kind_name(SK_CONSULTATION), "consultation");
	assert_string_equal(session_kind_label(SK_INDIVIDUAL), "Individual session");
	assert_string_equal(modality_words(MOD_TELEHEALTH), "by telehealth");
	assert_string_equal(appt_status_name(APPT_STATUS__MAX), "");
	assert_null(session_kind_names[SESSION_KIND__MAX]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_day),
		cmocka_unit_test(test_instant),
		cmocka_unit_test(test_hhmm_bool_enum),
		cmocka_unit_test(test_id_token),
		cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
