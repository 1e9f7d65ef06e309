/*
 * test_hours.c: open hours as a viewer reads them (core/hours.h), and
 * the photo's header sniffing (core/photo_sniff.h).
 *
 * Instants: 2026-12-02 12:00 UTC (a Wednesday; New York at -05:00, Los
 * Angeles at -08:00, Berlin at +01:00), and 2026-07-01 12:00 UTC (New
 * York at -04:00, Berlin at +02:00).
 */
#include "testlib.h"

#include "core/hours.h"
#include "core/photo_sniff.h"

#define DEC ((int64_t)1796212800)
#define JUL ((int64_t)1782907200)
#define W(d, h1, m1, h2, m2) {d, (h1) * 60 + (m1), (h2) * 60 + (m2)}

static void
test_merged_per_day(void **state)
{
	const struct window w[] = {W(0, 11, 30, 12, 45), W(0, 11, 30, 13, 45), W(0, 13, 45, 14, 0),
	                           W(0, 16, 0, 17, 0), W(2, 9, 0, 10, 0)};
	const struct tz_zone *ny = tz_get("America/New_York");
	struct hours_row r[16];
	int n = hours_view(w, NULL, 5, ny, ny, DEC, r, 16);

	(void)state;
	assert_int_equal(n, 3);
	assert_int_equal(r[0].day, 0);
	assert_int_equal(r[0].start, 11 * 60 + 30);
	assert_int_equal(r[0].end, 14 * 60);
	assert_int_equal(r[1].start, 16 * 60);
	assert_int_equal(r[2].day, 2);
}

static void
test_modes_kept_apart(void **state)
{
	const struct window w[] = {W(1, 9, 0, 10, 0), W(1, 9, 30, 11, 0), W(1, 10, 30, 12, 0)};
	const uint8_t m[] = {HOURS_TELEHEALTH, HOURS_IN_PERSON | HOURS_TELEHEALTH, HOURS_TELEHEALTH};
	const struct tz_zone *ny = tz_get("America/New_York");
	struct hours_row r[16];
	int n = hours_view(w, m, 3, ny, ny, DEC, r, 16);

	(void)state;
	assert_int_equal(n, 3);         /* the two telehealth ones do not touch */
	assert_int_equal(r[0].modes, HOURS_TELEHEALTH);
	assert_int_equal(r[1].modes, HOURS_IN_PERSON | HOURS_TELEHEALTH);
	assert_int_equal(r[2].start, 10 * 60 + 30);
}

static void
test_viewer_zone_and_midnight(void **state)
{
	/* Monday 02:00-04:00 in New York: Sunday 23:00-24:00 and Monday
	 * 00:00-01:00 in Los Angeles; Monday 08:00-10:00 in Berlin in
	 * December, the same in July (both zones on summer time). */
	const struct window w[] = {W(0, 2, 0, 4, 0)};
	const struct tz_zone *ny = tz_get("America/New_York"), *la = tz_get("America/Los_Angeles"),
	                     *be = tz_get("Europe/Berlin");
	struct hours_row r[4];
	int n = hours_view(w, NULL, 1, ny, la, DEC, r, 4);

	(void)state;
	assert_int_equal(n, 2);
	assert_int_equal(r[0].day, 0);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].end, 60);
	assert_int_equal(r[1].day, 6);
	assert_int_equal(r[1].start, 23 * 60);
	assert_int_equal(r[1].end, 1440);
	n = hours_view(w, NULL, 1, ny, be, DEC, r, 4);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 8 * 60);
	n = hours_view(w, NULL, 1, ny, be, JUL, r, 4);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 8 * 60);
}

static void
test_sniff(void **state)
{
	static const unsigned char png[24] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
	                                      'I', 'H', 'D', 'R', 0, 0, 0x0f, 0xa1, 0, 0, 0, 2};
	static const unsigned char jpg[] = {0xff, 0xd8, 0xff, 0xe1, 0, 4, 'x', 'y', 0xff, 0xc2, 0, 11, 8,
	                                    0, 6, 0, 8, 1, 1, 0x11, 0, 0xff, 0xd9};
	struct photo_info in;

	(void)state;
	assert_int_equal(photo_sniff(png, sizeof(png), &in), 0);
	assert_int_equal(in.kind, PHOTO_PNG);
	assert_int_equal(in.width, 4001);
	assert_int_equal(in.height, 2);
	assert_false(photo_sniff_fits(&in));
	assert_int_equal(photo_sniff(png, 23, &in), -1);
	assert_int_equal(photo_sniff(jpg, sizeof(jpg), &in), 0);
	assert_int_equal(in.kind, PHOTO_JPEG);
	assert_int_equal(in.width, 8);
	assert_int_equal(in.height, 6);
	assert_true(photo_sniff_fits(&in));
	assert_int_equal(photo_sniff(jpg, 14, &in), -1);        /* the frame header cut short */
	assert_int_equal(photo_sniff("hello, text", 11, &in), -1);
	assert_int_equal(photo_sniff("", 0, &in), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merged_per_day),
		cmocka_unit_test(test_modes_kept_apart),
		cmocka_unit_test(test_viewer_zone_and_midnight),
		cmocka_unit_test(test_sniff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
