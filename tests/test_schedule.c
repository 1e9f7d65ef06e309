/*
 * test_schedule.c: slots, series and free windows on real dates
 * (core/schedule.h), daylight saving included.
 *
 * The 2026 transitions used (UTC, from test_tz.c, computed with python3's
 * zoneinfo): New York 03-08 07:00 and 11-01 06:00; Los Angeles 03-08
 * 10:00 and 11-01 09:00; London 03-29 01:00 and 10-25 01:00; Sydney
 * 04-04 16:00 (autumn, clocks back) and 10-03 16:00 (spring, forward).
 */
#include "testlib.h"

#include "core/schedule.h"

#define DAY 86400
#define H 3600

static int64_t
day_of(int y, unsigned m, unsigned d)
{
	return tz_days_from_civil(y, m, d);
}

/* The wall time of UTC instant t in z, as local seconds. */
static int64_t
wall(const struct tz_zone *z, int64_t t)
{
	return t + tz_offset_at(z, t);
}

static void
test_slots_basic(void **state)
{
	const struct tz_zone *ny = tz_get("America/New_York");
	struct window w[] = {{1, 9 * 60, 12 * 60}};             /* Tuesday 09:00-12:00 */
	int64_t mon = day_of(2026, 6, 1);                       /* a Monday */
	struct sched_params p = {ny, w, 1, NULL, 0, NULL, 0, 50, 60, 1,
	                         tz_local_to_utc(ny, mon * DAY), tz_local_to_utc(ny, (mon + 7) * DAY), 0};
	struct sched_slot s[16];
	int n, i;

	(void)state;
	assert_non_null(ny);
	n = sched_slots(&p, s, 16);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		assert_int_equal(s[i].local, (mon + 1) * DAY + (9 + i) * H);
		assert_int_equal(s[i].start, s[i].local + 4 * H);       /* EDT */
		assert_int_equal(s[i].end - s[i].start, 50 * 60);
		assert_int_equal(s[i].seats_taken, 0);
	}
	/* Bad parameters are refused, not guessed at. */
	p.length = 0;
	assert_int_equal(sched_slots(&p, s, 16), -1);
	p.length = 50;
	p.zone = NULL;
	assert_int_equal(sched_slots(&p, s, 16), -1);
}

static void
test_busy_closed_group(void **state)
{
	const struct tz_zone *ny = tz_get("America/New_York");
	struct window w[] = {{1, 9 * 60, 12 * 60}};
	int64_t mon = day_of(2026, 6, 1), tue = mon + 1;
	int64_t at10 = tz_local_to_utc(ny, tue * DAY + 10 * H);
	struct sched_busy busy[] = {{at10, at10 + 50 * 60, 1, 0}};
	struct sched_closed closed[] = {{tue, 11 * 60, 11 * 60 + 1}};
	struct sched_params p = {ny, w, 1, NULL, 0, busy, 1, 50, 60, 1,
	                         tz_local_to_utc(ny, mon * DAY), tz_local_to_utc(ny, (mon + 7) * DAY), 0};
	struct sched_slot s[16];
	int n;

	(void)state;
	/* One booked 10:00 session takes the 10:00 slot only. */
	n = sched_slots(&p, s, 16);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].local, tue * DAY + 9 * H);
	assert_int_equal(s[1].local, tue * DAY + 11 * H);
	assert_false(sched_slot_open(&p, at10, at10 + 50 * 60));
	assert_true(sched_slot_open(&p, s[0].start, s[0].end));
	assert_false(sched_slot_open(&p, s[0].start + 60, s[0].end + 60));  /* not a slot start */

	/* A closed minute at 11:00 closes the 11:00 slot. */
	p.closed = closed;
	p.n_closed = 1;
	assert_int_equal(sched_slots(&p, s, 16), 1);
	/* The whole day closed: nothing. */
	closed[0].start = 0;
	closed[0].end = 1440;
	assert_int_equal(sched_slots(&p, s, 16), 0);
	p.n_closed = 0;

	/* A group of 3: two seats taken leaves the slot open, three fill it. */
	p.capacity = 3;
	busy[0].seats = 2;
	n = sched_slots(&p, s, 16);
	assert_int_equal(n, 3);
	assert_int_equal(s[1].start, at10);
	assert_int_equal(s[1].seats_taken, 2);
	busy[0].seats = 3;
	assert_int_equal(sched_slots(&p, s, 16), 2);
	/* An individual session of the same length is not a seat of the group. */
	busy[0].seats = 1;
	p.tag = 4;
	busy[0].tag = 2;
	assert_int_equal(sched_slots(&p, s, 16), 2);
	assert_false(sched_slot_open(&p, at10, at10 + 50 * 60));
	busy[0].tag = 4;
	assert_true(sched_slot_open(&p, at10, at10 + 50 * 60));
	/* Something else overlapping the group's hour closes it. */
	busy[0].end = at10 + 30 * 60;
	assert_int_equal(sched_slots(&p, s, 16), 2);
}

struct dst_case {
	const char *zone;
	int y, m, d;            /* the local date of the transition */
	int before, after;      /* UTC offsets (hours) before and after it */
};

static const struct dst_case dst_cases[] = {
	{"America/New_York", 2026, 3, 8, -5, -4},
	{"America/New_York", 2026, 11, 1, -4, -5},
	{"America/Los_Angeles", 2026, 3, 8, -8, -7},
	{"America/Los_Angeles", 2026, 11, 1, -7, -8},
	{"Europe/London", 2026, 3, 29, 0, 1},
	{"Europe/London", 2026, 10, 25, 1, 0},
	{"Australia/Sydney", 2026, 4, 5, 11, 10},
	{"Australia/Sydney", 2026, 10, 4, 10, 11},
};

/*
 * A weekly 18:00 series on the transition's weekday, from two weeks
 * before to two weeks after: every session is at 18:00 local, and the
 * UTC offset changes once, on the transition's date.
 */
static void
test_series_across_dst(void **state)
{
	size_t c;

	(void)state;
	for (c = 0; c < sizeof(dst_cases) / sizeof(dst_cases[0]); c++) {
		const struct dst_case *k = &dst_cases[c];
		const struct tz_zone *z = tz_get(k->zone);
		int64_t day = day_of(k->y, (unsigned)k->m, (unsigned)k->d), t[5];
		int i;

		assert_non_null(z);
		assert_int_equal(sched_series(z, day - 14, 18 * 60, 1, 5, t, NULL), 5);
		for (i = 0; i < 5; i++) {
			int64_t d = day - 14 + 7 * i;

			assert_int_equal(wall(z, t[i]), d * DAY + 18 * H);
			assert_int_equal(t[i], d * DAY + 18 * H - (int64_t)(i < 2 ? k->before : k->after) * H);
		}
		/* Fortnightly: every other week, still 18:00. */
		assert_int_equal(sched_series(z, day - 14, 18 * 60, 2, 3, t, NULL), 3);
		for (i = 0; i < 3; i++)
			assert_int_equal(wall(z, t[i]), (day - 14 + 14 * i) * DAY + 18 * H);
	}
	assert_int_equal(sched_series(tz_get("Europe/London"), 0, 1440, 1, 1, NULL, NULL), -1);
	assert_int_equal(sched_series(tz_get("Europe/London"), 0, 60, 0, 1, NULL, NULL), -1);
}

/* Slots on the transition dates themselves: 18:00 is 18:00 local. */
static void
test_slots_on_dst_days(void **state)
{
	size_t c;

	(void)state;
	for (c = 0; c < sizeof(dst_cases) / sizeof(dst_cases[0]); c++) {
		const struct dst_case *k = &dst_cases[c];
		const struct tz_zone *z = tz_get(k->zone);
		int64_t day = day_of(k->y, (unsigned)k->m, (unsigned)k->d);
		struct window w[] = {{(uint8_t)tz_weekday(day), 17 * 60, 20 * 60}};
		struct sched_params p = {z, w, 1, NULL, 0, NULL, 0, 50, 60, 1,
		                         tz_local_to_utc(z, (day - 7) * DAY),
		                         tz_local_to_utc(z, (day + 8) * DAY), 0};
		struct sched_slot s[16];
		int n, i;

		n = sched_slots(&p, s, 16);
		assert_int_equal(n, 9);                 /* 17, 18, 19 on three dates */
		for (i = 0; i < n; i++) {
			int64_t d = day - 7 + 7 * (i / 3);

			assert_int_equal(s[i].local, d * DAY + (17 + i % 3) * H);
			assert_int_equal(wall(z, s[i].start), s[i].local);
			assert_int_equal(s[i].start, s[i].local - (int64_t)(i < 3 ? k->before : k->after) * H);
		}
	}
}

/* The spring gap gives no slot; the autumn fold its first occurrence. */
static void
test_gap_and_fold(void **state)
{
	const struct tz_zone *ny = tz_get("America/New_York");
	int64_t spring = day_of(2026, 3, 8), autumn = day_of(2026, 11, 1);
	struct window w[] = {{6, 2 * 60, 4 * 60}, {6, 60, 2 * 60}};   /* Sundays */
	struct sched_params p = {ny, w, 1, NULL, 0, NULL, 0, 30, 30, 1,
	                         tz_local_to_utc(ny, spring * DAY), tz_local_to_utc(ny, (spring + 1) * DAY), 0};
	struct sched_slot s[16];
	int n;

	(void)state;
	n = sched_slots(&p, s, 16);
	assert_int_equal(n, 2);                         /* 02:00 and 02:30 do not exist */
	assert_int_equal(s[0].local, spring * DAY + 3 * H);
	assert_int_equal(s[0].start, spring * DAY + 7 * H);
	assert_int_equal(s[1].local, spring * DAY + 3 * H + 1800);

	p.weekly = w + 1;                               /* 01:00-02:00 */
	p.from = tz_local_to_utc(ny, autumn * DAY);
	p.to = tz_local_to_utc(ny, (autumn + 1) * DAY);
	n = sched_slots(&p, s, 16);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].start, autumn * DAY + 5 * H);      /* 01:00 EDT, the first */
	assert_int_equal(s[1].start, autumn * DAY + 5 * H + 1800);
}

static void
test_free_weekly(void **state)
{
	const struct tz_zone *la = tz_get("America/Los_Angeles");
	int64_t mon = day_of(2026, 6, 1);
	struct window work[5], out[32];
	struct sched_busy busy[6];
	int i, n;

	(void)state;
	for (i = 0; i < 5; i++)
		work[i] = (struct window){(uint8_t)i, 9 * 60, 17 * 60};
	for (i = 0; i < 4; i++) {       /* every Monday 10:00-11:00, local */
		int64_t t = tz_local_to_utc(la, (mon + 7 * i) * DAY + 10 * H);

		busy[i] = (struct sched_busy){t, t + H, 1, 0};
	}
	{                               /* one Tuesday 13:00-14:30, week 2 */
		int64_t t = tz_local_to_utc(la, (mon + 8) * DAY + 13 * H);

		busy[4] = (struct sched_busy){t, t + 90 * 60, 1, 0};
	}
	{                               /* outside the four weeks: ignored */
		int64_t t = tz_local_to_utc(la, (mon + 30) * DAY + 9 * H);

		busy[5] = (struct sched_busy){t, t + 8 * H, 1, 0};
	}
	n = sched_free_weekly(la, work, 5, busy, 6, mon, 4, 50, out, 32);
	assert_int_equal(n, 7);
	assert_int_equal(out[0].day, 0);
	assert_int_equal(out[0].start, 9 * 60);
	assert_int_equal(out[0].end, 10 * 60);
	assert_int_equal(out[1].start, 11 * 60);
	assert_int_equal(out[1].end, 17 * 60);
	assert_int_equal(out[2].day, 1);
	assert_int_equal(out[2].end, 13 * 60);
	assert_int_equal(out[3].start, 14 * 60 + 30);
	for (i = 4; i < 7; i++) {
		assert_int_equal(out[i].day, i - 2);
		assert_int_equal(out[i].start, 9 * 60);
		assert_int_equal(out[i].end, 17 * 60);
	}
	/* Stretches shorter than the minimum are dropped. */
	n = sched_free_weekly(la, work, 5, busy, 6, mon, 4, 61, out, 32);
	assert_int_equal(n, 6);
	assert_int_equal(sched_free_weekly(NULL, work, 5, busy, 6, mon, 4, 50, out, 32), -1);
}

/*
 * A weekly series at 02:30 in New York from 2027-03-07: the 14th has no
 * 02:30 (the clocks go from 02:00 to 03:00). Its date is marked a gap (the
 * booking skips it) and carries the RFC 5545 reading, 03:30 EDT, for the
 * feed's rule; the dates around it keep 02:30 in their own offsets.
 */
static void
test_series_spring_gap(void **state)
{
	const struct tz_zone *z = tz_get("America/New_York");
	int64_t day = tz_days_from_civil(2027, 3, 7), t[3];
	bool gap[3] = {true, false, true};

	(void)state;
	assert_non_null(z);
	assert_int_equal(sched_series(z, day, 150, 1, 3, t, gap), 3);
	assert_false(gap[0]);
	assert_true(gap[1]);
	assert_false(gap[2]);
	assert_int_equal(t[0], day * 86400 + 150 * 60 + 5 * 3600);             /* EST */
	assert_int_equal(t[1], (day + 7) * 86400 + 210 * 60 + 4 * 3600);       /* 03:30 EDT */
	assert_int_equal(t[2], (day + 14) * 86400 + 150 * 60 + 4 * 3600);      /* EDT */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots_basic),
		cmocka_unit_test(test_busy_closed_group),
		cmocka_unit_test(test_series_across_dst),
		cmocka_unit_test(test_slots_on_dst_days),
		cmocka_unit_test(test_gap_and_fold),
		cmocka_unit_test(test_free_weekly),
		cmocka_unit_test(test_series_spring_gap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
