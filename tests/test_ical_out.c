/*
 * test_ical_out.c: the iCalendar writer (app/ical_out.h), checked as
 * text: the calendar's frame, VTIMEZONEs, single events, one recurring
 * event per series with its EXDATEs and overrides, cancellations, times
 * that cannot be written as wall times, escaping and line folding.
 * tests/feed.sh reads the same calendars with two parsers chiron did not
 * write.
 *
 * The 2026 transitions used: New York 03-08 and 11-01, Los Angeles 03-08,
 * London 10-25.
 */
#include <stdio.h>

#include "testlib.h"

#include "app/ical_out.h"
#include "core/tz.h"

#define DAY 86400
#define H 3600
#define NOW 1790000000                  /* 2026-09-21 */

static struct store_appt
appt(int64_t id, const char *zone, int64_t start, int minutes, int64_t series, const char *status)
{
	struct store_appt a;

	memset(&a, 0, sizeof(a));
	a.id = id;
	snprintf(a.therapist_id, sizeof(a.therapist_id), "t-0000001");
	a.seeker = 7;
	snprintf(a.kind, sizeof(a.kind), "individual");
	snprintf(a.zone, sizeof(a.zone), "%s", zone);
	a.start = start;
	a.end = start + minutes * 60;
	a.series_id = series;
	snprintf(a.status, sizeof(a.status), "%s", status);
	a.created_at = NOW - 10 * DAY;
	a.updated_at = NOW - 10 * DAY;
	return a;
}

/* The UTC instant of a wall time in zone. */
static int64_t
at(const char *zone, int y, unsigned m, unsigned d, int h, int min)
{
	const struct tz_zone *z = tz_get(zone);

	assert_non_null(z);
	return tz_local_to_utc(z, tz_days_from_civil(y, m, d) * DAY + h * H + min * 60);
}

static const char *
name_fn(void *arg, const struct store_appt *a)
{
	(void)a;
	return arg;
}

/* The calendar of appts and series as text (the test owns it). */
static char *
write_cal(const struct store_appt *a, size_t n, const struct store_series *sr, size_t n_sr,
          int64_t cancelled_since, const char *summary)
{
	struct ical_cal c = {"chiron appointments", NOW, cancelled_since, a, n, sr, n_sr,
	                     name_fn, (void *)summary};
	struct buf b = BUF_INIT;

	assert_int_equal(ical_write(&c, &b), 0);
	assert_non_null(b.p);
	return buf_take(&b, NULL);
}

/* How many times needle occurs in s. */
static int
count(const char *s, const char *needle)
{
	int n = 0;

	for (s = strstr(s, needle); s; s = strstr(s + 1, needle))
		n++;
	return n;
}

#define HAS(s, x) do { if (!strstr((s), (x))) fail_msg("no %s in:\n%s", (x), (s)); } while (0)
#define HASNT(s, x) do { if (strstr((s), (x))) fail_msg("%s in:\n%s", (x), (s)); } while (0)

static void
test_frame_and_single(void **state)
{
	struct store_appt a = appt(42, "America/Los_Angeles", at("America/Los_Angeles", 2026, 3, 8, 10, 0),
	                           50, 0, "booked");
	char *s = write_cal(&a, 1, NULL, 0, 0, "Therapy with Daniel Yazzie");
	const char *p;

	(void)state;
	/* The frame, in order, with CRLF line ends only. */
	assert_true(strncmp(s, "BEGIN:VCALENDAR\r\n", 17) == 0);
	HAS(s, "\r\nPRODID:-//chiron//calendar feed//EN\r\n");
	HAS(s, "\r\nVERSION:2.0\r\n");
	HAS(s, "\r\nCALSCALE:GREGORIAN\r\n");
	HAS(s, "\r\nMETHOD:PUBLISH\r\n");
	HAS(s, "\r\nX-WR-CALNAME:chiron appointments\r\n");
	assert_int_equal(strcmp(s + strlen(s) - 15, "END:VCALENDAR\r\n"), 0);
	for (p = s; (p = strchr(p, '\n')); p++)
		assert_int_equal(p[-1], '\r');
	/* One zone, libical's, with the plain IANA name and no 19th century. */
	assert_int_equal(count(s, "BEGIN:VTIMEZONE"), 1);
	HAS(s, "\r\nTZID:America/Los_Angeles\r\n");
	HASNT(s, "freeassociation");
	HASNT(s, "DTSTART:18");
	HAS(s, "BEGIN:DAYLIGHT");
	assert_true(strstr(s, "END:VTIMEZONE") < strstr(s, "BEGIN:VEVENT"));
	/* The day clocks spring forward: 10:00 is PDT, written as wall time. */
	assert_int_equal(count(s, "BEGIN:VEVENT"), 1);
	HAS(s, "\r\nUID:appt-42@chiron\r\n");
	HAS(s, "\r\nDTSTAMP:20260921T");
	HAS(s, "\r\nDTSTART;TZID=America/Los_Angeles:20260308T100000\r\n");
	HAS(s, "\r\nDTEND;TZID=America/Los_Angeles:20260308T105000\r\n");
	HAS(s, "\r\nSUMMARY:Therapy with Daniel Yazzie\r\n");
	HAS(s, "\r\nSTATUS:CONFIRMED\r\n");
	HAS(s, "\r\nSEQUENCE:0\r\n");
	HASNT(s, "RRULE:FREQ=WEEKLY");
	HASNT(s, "@example");
	free(s);
}

/*
 * Weekly at 18:00 in New York from Thursday 2026-10-15, 6 times, across
 * the change of 11-01: the 11-05 session cancelled, the 11-12 one moved
 * to Friday 11-13 17:00, the rest as booked.
 */
static void
test_series_across_dst(void **state)
{
	const char *ny = "America/New_York";
	struct store_series sr;
	struct store_appt a[6];
	char *s;

	(void)state;
	memset(&sr, 0, sizeof(sr));
	sr.id = 3;
	snprintf(sr.zone, sizeof(sr.zone), "%s", ny);
	sr.first_day = tz_days_from_civil(2026, 10, 15);
	sr.minute = 18 * 60;
	sr.minutes = 50;
	sr.interval_weeks = 1;
	sr.count = 6;
	sr.created_at = NOW - 10 * DAY;
	a[0] = appt(10, ny, at(ny, 2026, 10, 15, 18, 0), 50, 3, "booked");
	a[1] = appt(11, ny, at(ny, 2026, 10, 22, 18, 0), 50, 3, "booked");
	a[2] = appt(12, ny, at(ny, 2026, 10, 29, 18, 0), 50, 3, "booked");
	a[3] = appt(13, ny, at(ny, 2026, 11, 5, 18, 0), 50, 3, "cancelled");
	a[4] = appt(14, ny, at(ny, 2026, 11, 13, 17, 0), 50, 3, "booked");
	a[5] = appt(15, ny, at(ny, 2026, 11, 19, 18, 0), 50, 3, "booked");
	a[3].updated_at = a[4].updated_at = NOW - 2 * DAY;
	a[3].seq = 1;                   /* cancelled */
	a[4].seq = 2;                   /* moved twice */
	/* Given in any order. */
	{
		struct store_appt t = a[0];

		a[0] = a[5];
		a[5] = t;
	}
	s = write_cal(a, 6, &sr, 1, 0, "Session with quietfern");
	/* One master and one override, both with the series' UID. */
	assert_int_equal(count(s, "BEGIN:VEVENT"), 2);
	assert_int_equal(count(s, "UID:series-3@chiron"), 2);
	HASNT(s, "UID:appt-");
	HAS(s, "\r\nDTSTART;TZID=America/New_York:20261015T180000\r\n");
	HAS(s, "\r\nDTEND;TZID=America/New_York:20261015T185000\r\n");
	HAS(s, "\r\nRRULE:FREQ=WEEKLY;COUNT=6\r\n");
	/* The cancelled one is the only EXDATE; the moved one is an override. */
	assert_int_equal(count(s, "EXDATE"), 1);
	HAS(s, "\r\nEXDATE;TZID=America/New_York:20261105T180000\r\n");
	assert_int_equal(count(s, "RECURRENCE-ID"), 1);
	HAS(s, "\r\nRECURRENCE-ID;TZID=America/New_York:20261112T180000\r\n"
	       "DTSTART;TZID=America/New_York:20261113T170000\r\n"
	       "DTEND;TZID=America/New_York:20261113T175000\r\n");
	assert_int_equal(count(s, "SUMMARY:Session with quietfern"), 2);
	/* SEQUENCE counts the series' changes, the same on master and override. */
	assert_int_equal(count(s, "\r\nSEQUENCE:3\r\n"), 2);
	assert_int_equal(count(s, "BEGIN:VTIMEZONE"), 1);
	/* The zone covers both offsets of the autumn. */
	HAS(s, "TZOFFSETTO:-0400");
	HAS(s, "TZOFFSETTO:-0500");
	free(s);
}

/* Fortnightly in London across 10-25, the third occurrence never booked. */
static void
test_fortnightly_missing(void **state)
{
	const char *lon = "Europe/London";
	struct store_series sr;
	struct store_appt a[3];
	char *s;

	(void)state;
	memset(&sr, 0, sizeof(sr));
	sr.id = 4;
	snprintf(sr.zone, sizeof(sr.zone), "%s", lon);
	sr.first_day = tz_days_from_civil(2026, 10, 14);
	sr.minute = 8 * 60 + 30;
	sr.minutes = 50;
	sr.interval_weeks = 2;
	sr.count = 4;
	a[0] = appt(20, lon, at(lon, 2026, 10, 14, 8, 30), 50, 4, "booked");
	a[1] = appt(21, lon, at(lon, 2026, 10, 28, 8, 30), 50, 4, "booked");
	a[2] = appt(22, lon, at(lon, 2026, 11, 25, 8, 30), 50, 4, "booked");
	s = write_cal(a, 3, &sr, 1, 0, "x");
	assert_int_equal(count(s, "BEGIN:VEVENT"), 1);
	HAS(s, "\r\nRRULE:FREQ=WEEKLY;COUNT=4;INTERVAL=2\r\n");
	HAS(s, "\r\nDTSTART;TZID=Europe/London:20261014T083000\r\n");
	assert_int_equal(count(s, "EXDATE"), 1);
	HAS(s, "\r\nEXDATE;TZID=Europe/London:20261111T083000\r\n");
	HASNT(s, "RECURRENCE-ID");
	free(s);
}

/*
 * A series the calendar was not given, or whose zone is unknown, is
 * written one appointment at a time; a series with nothing booked not at
 * all; an unknown zone in UTC.
 */
static void
test_series_fallbacks(void **state)
{
	const char *ny = "America/New_York";
	struct store_series sr;
	struct store_appt a[2];
	char *s;

	(void)state;
	memset(&sr, 0, sizeof(sr));
	sr.id = 5;
	snprintf(sr.zone, sizeof(sr.zone), "%s", ny);
	sr.first_day = tz_days_from_civil(2026, 6, 2);
	sr.minute = 9 * 60;
	sr.minutes = 50;
	sr.interval_weeks = 1;
	sr.count = 2;
	a[0] = appt(30, ny, at(ny, 2026, 6, 2, 9, 0), 50, 5, "booked");
	a[1] = appt(31, ny, at(ny, 2026, 6, 9, 9, 0), 50, 5, "booked");
	s = write_cal(a, 2, NULL, 0, 0, "x");
	assert_int_equal(count(s, "BEGIN:VEVENT"), 2);
	HAS(s, "UID:appt-30@chiron");
	HAS(s, "UID:appt-31@chiron");
	HASNT(s, "RRULE:FREQ=WEEKLY");
	free(s);

	snprintf(a[0].status, sizeof(a[0].status), "cancelled");
	snprintf(a[1].status, sizeof(a[1].status), "cancelled");
	s = write_cal(a, 2, &sr, 1, 0, "x");
	HASNT(s, "BEGIN:VEVENT");
	HASNT(s, "BEGIN:VTIMEZONE");
	free(s);

	a[0] = appt(32, "Mars/Olympus_Mons", 1790000000, 50, 0, "booked");
	s = write_cal(a, 1, NULL, 0, 0, "x");
	HAS(s, "\r\nDTSTART:20260921T141320Z\r\n");
	HASNT(s, "TZID");
	free(s);
}

/*
 * Rows a series can hold besides its plan: one at its time but longer (an
 * override of that occurrence), a second booking of one time, and a moved
 * one with no occurrence left to have come from (both single events).
 */
static void
test_series_odd_rows(void **state)
{
	const char *ny = "America/New_York";
	struct store_series sr;
	struct store_appt a[4];
	char *s;

	(void)state;
	memset(&sr, 0, sizeof(sr));
	sr.id = 6;
	snprintf(sr.zone, sizeof(sr.zone), "%s", ny);
	sr.first_day = tz_days_from_civil(2026, 6, 2);
	sr.minute = 9 * 60;
	sr.minutes = 50;
	sr.interval_weeks = 1;
	sr.count = 2;
	a[0] = appt(70, ny, at(ny, 2026, 6, 2, 9, 0), 80, 6, "booked");
	a[1] = appt(71, ny, at(ny, 2026, 6, 9, 9, 0), 50, 6, "booked");
	a[2] = appt(72, ny, at(ny, 2026, 6, 9, 9, 0), 50, 6, "booked");
	a[3] = appt(73, ny, at(ny, 2026, 6, 10, 9, 0), 50, 6, "booked");
	s = write_cal(a, 4, &sr, 1, 0, "x");
	assert_int_equal(count(s, "BEGIN:VEVENT"), 4);
	HASNT(s, "EXDATE");
	HAS(s, "\r\nRECURRENCE-ID;TZID=America/New_York:20260602T090000\r\n"
	       "DTSTART;TZID=America/New_York:20260602T090000\r\n"
	       "DTEND;TZID=America/New_York:20260602T102000\r\n");
	HAS(s, "UID:appt-72@chiron");
	HAS(s, "UID:appt-73@chiron");
	HASNT(s, "UID:appt-71@chiron");
	free(s);
}

/* A cancellation is shown while it is recent, then left out. */
static void
test_cancelled(void **state)
{
	const char *syd = "Australia/Sydney";
	struct store_appt a[2];
	char *s;

	(void)state;
	a[0] = appt(40, syd, at(syd, 2026, 10, 5, 9, 0), 50, 0, "cancelled");
	a[1] = appt(41, syd, at(syd, 2026, 10, 12, 9, 0), 50, 0, "cancelled");
	a[0].updated_at = NOW - DAY;
	a[1].updated_at = NOW - 40 * DAY;
	s = write_cal(a, 2, NULL, 0, NOW - 30 * DAY, "x");
	assert_int_equal(count(s, "BEGIN:VEVENT"), 1);
	HAS(s, "UID:appt-40@chiron");
	HAS(s, "\r\nSTATUS:CANCELLED\r\n");
	HAS(s, "\r\nTRANSP:TRANSPARENT\r\n");
	HAS(s, "\r\nDTSTART;TZID=Australia/Sydney:20261005T090000\r\n");
	HASNT(s, "appt-41");
	free(s);
	/* 0 shows every cancellation (the .ics of one appointment). */
	s = write_cal(a, 2, NULL, 0, 0, "x");
	assert_int_equal(count(s, "STATUS:CANCELLED"), 2);
	free(s);
}

/*
 * 01:30 on 2026-11-01 happens twice in New York: the first is written as
 * wall time, the second (which a wall time would read as the first) in UTC.
 */
static void
test_autumn_fold(void **state)
{
	const char *ny = "America/New_York";
	int64_t first = at(ny, 2026, 11, 1, 1, 30);
	struct store_appt a[2];
	char *s;

	(void)state;
	a[0] = appt(50, ny, first, 20, 0, "booked");
	a[1] = appt(51, ny, first + H, 20, 0, "booked");
	s = write_cal(a, 2, NULL, 0, 0, "x");
	HAS(s, "\r\nDTSTART;TZID=America/New_York:20261101T013000\r\n");
	HAS(s, "\r\nDTSTART:20261101T063000Z\r\n");
	HAS(s, "\r\nDTEND:20261101T065000Z\r\n");
	free(s);
}

/* Text is escaped, and long lines are folded at 75 octets, never inside a
 * UTF-8 character. */
static void
test_escaping_and_folding(void **state)
{
	const char *name = "Therapy with Zoë Ångström-Øvergård, PhD; LCSW\\LMFT, "
	                   "Ψυχοθεραπεύτρια Ελένη Παπαδοπούλου-Καραγιάννη";
	struct store_appt a = appt(60, "Europe/London", at("Europe/London", 2026, 10, 25, 9, 0), 50, 0,
	                           "booked");
	char *s = write_cal(&a, 1, NULL, 0, 0, name), *u, *p, *q;
	const char *line;

	(void)state;
	for (line = s; *line; ) {
		const char *end = strstr(line, "\r\n");

		assert_non_null(end);
		assert_true(end - line <= 75);
		/* A continuation starts with a space, never a UTF-8 continuation byte. */
		assert_false(((unsigned char)end[2] & 0xc0) == 0x80);
		line = end + 2;
	}
	/* Unfolded, the summary is the name with , ; and \ escaped. */
	u = strdup(s);
	for (p = q = u; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 2;
			continue;
		}
		*q++ = *p;
	}
	*q = '\0';
	HAS(u, "\r\nSUMMARY:Therapy with Zoë Ångström-Øvergård\\, PhD\\; LCSW\\\\LMFT\\, "
	       "Ψυχοθεραπεύτρια Ελένη Παπαδοπούλου-Καραγιάννη\r\n");
	free(u);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_and_single),
		cmocka_unit_test(test_series_across_dst),
		cmocka_unit_test(test_fortnightly_missing),
		cmocka_unit_test(test_series_fallbacks),
		cmocka_unit_test(test_series_odd_rows),
		cmocka_unit_test(test_cancelled),
		cmocka_unit_test(test_autumn_fold),
		cmocka_unit_test(test_escaping_and_folding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
