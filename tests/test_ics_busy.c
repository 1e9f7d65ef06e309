/*
 * test_ics_busy.c: busy intervals from a clinician's calendar file
 * (app/ics_busy.h): recurrences and their exceptions, time zones across
 * daylight saving, all-day, transparent and cancelled events, and the
 * errors a malformed file gets.
 *
 * The window is the four weeks from Monday 2026-10-19 in New York, across
 * the autumn change (2026-11-01 06:00 UTC: EDT, UTC-4, becomes EST, UTC-5).
 */
#include "testlib.h"

#include <stdio.h>

#include "app/ics_busy.h"
#include "core/buf.h"

#define H 3600
#define M 60

static int64_t
utc(int y, unsigned mo, unsigned d, int h, int mi)
{
	return tz_days_from_civil(y, mo, d) * 86400 + h * H + mi * M;
}

static const struct tz_zone *
ny(void)
{
	const struct tz_zone *z = tz_get("America/New_York");

	assert_non_null(z);
	return z;
}

/* The window: Monday 2026-10-19 00:00 to Monday 2026-11-16 00:00, New York. */
#define FROM utc(2026, 10, 19, 4, 0)
#define TO utc(2026, 11, 16, 5, 0)

struct got {
	enum ics_status st;
	struct ics_interval *iv;
	int n;
	struct ics_error err;
};

/* Reads the calendar made of the lines given (joined with CRLF). */
static struct got
read_cal(const struct tz_zone *z, int64_t from, int64_t to, const char *text)
{
	struct got g;

	g.st = ics_busy(text, strlen(text), z, from, to, &g.iv, &g.n, &g.err);
	return g;
}

#define CAL(...) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" __VA_ARGS__ "END:VCALENDAR\r\n"

static void
assert_iv(const struct got *g, int i, int64_t start, int64_t end)
{
	assert_true(i < g->n);
	if (g->iv[i].start != start || g->iv[i].end != end)
		fail_msg("interval %d is [%lld, %lld), expected [%lld, %lld)", i,
		         (long long)g->iv[i].start, (long long)g->iv[i].end,
		         (long long)start, (long long)end);
}

static void
assert_ok(const struct got *g, int n)
{
	if (g->st != ICS_OK)
		fail_msg("status %d: %s", g->st, g->err.msg);
	assert_int_equal(g->n, n);
}

/* ---------------------------------------------------------------------- */

/*
 * A weekly Tuesday 10:00 session (New York) since January: one week
 * excepted (EXDATE), one moved to Thursday 14:00 (RECURRENCE-ID), and one
 * more, in another series, cancelled by its own override.
 */
static void
test_rrule_exdate_moved(void **state)
{
	struct got g;

	(void)state;
	g = read_cal(ny(), FROM, TO, CAL(
		"BEGIN:VEVENT\r\nUID:weekly-1@practice\r\n"
		"SUMMARY:Client A\r\n"
		"DTSTART;TZID=America/New_York:20260106T100000\r\n"
		"DTEND;TZID=America/New_York:20260106T105000\r\n"
		"RRULE:FREQ=WEEKLY;BYDAY=TU\r\n"
		"EXDATE;TZID=America/New_York:20261027T100000\r\n"
		"END:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:weekly-1@practice\r\n"
		"RECURRENCE-ID;TZID=America/New_York:20261103T100000\r\n"
		"DTSTART;TZID=America/New_York:20261105T140000\r\n"
		"DTEND;TZID=America/New_York:20261105T145000\r\n"
		"END:VEVENT\r\n"));
	assert_ok(&g, 3);
	assert_iv(&g, 0, utc(2026, 10, 20, 14, 0), utc(2026, 10, 20, 14, 50));  /* EDT */
	/* 10-27 is excepted; 11-03 moved to Thursday 11-05, after the change. */
	assert_iv(&g, 1, utc(2026, 11, 5, 19, 0), utc(2026, 11, 5, 19, 50));
	assert_iv(&g, 2, utc(2026, 11, 10, 15, 0), utc(2026, 11, 10, 15, 50)); /* EST */
	free(g.iv);

	/* The same series in UTC, EXDATE with two values on one line. */
	g = read_cal(ny(), FROM, TO, CAL(
		"BEGIN:VEVENT\r\nUID:u\r\nDTSTART:20260105T150000Z\r\nDURATION:PT1H\r\n"
		"RRULE:FREQ=WEEKLY\r\nEXDATE:20261019T150000Z,20261102T150000Z\r\n"
		"END:VEVENT\r\n"));
	assert_ok(&g, 2);
	assert_iv(&g, 0, utc(2026, 10, 26, 15, 0), utc(2026, 10, 26, 16, 0));
	assert_iv(&g, 1, utc(2026, 11, 9, 15, 0), utc(2026, 11, 9, 16, 0));
	free(g.iv);
}

static const char VTZ_NY[] =
	"BEGIN:VTIMEZONE\r\nTZID:Eastern Standard Time\r\n"
	"BEGIN:STANDARD\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n"
	"RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r\n"
	"BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"
	"RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";

/*
 * A Monday 18:00 session stays 18:00 in New York across the change:
 * 22:00 UTC before, 23:00 after, whether the zone is the file's own
 * VTIMEZONE (an Outlook name), the IANA zone, or floating time read in
 * the clinician's zone.
 */
static void
test_tzid_across_dst(void **state)
{
	char text[4096];
	const char *const starts[] = {
		"DTSTART;TZID=Eastern Standard Time:20260907T180000\r\n",
		"DTSTART;TZID=America/New_York:20260907T180000\r\n",
		"DTSTART:20260907T180000\r\n",
	};
	struct got g;
	int i, k;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n%s"
		         "BEGIN:VEVENT\r\nUID:mon\r\n%sDURATION:PT50M\r\nRRULE:FREQ=WEEKLY\r\n"
		         "END:VEVENT\r\nEND:VCALENDAR\r\n", i == 0 ? VTZ_NY : "", starts[i]);
		g = read_cal(ny(), FROM, TO, text);
		assert_ok(&g, 4);
		for (k = 0; k < 4; k++) {
			int64_t s = utc(2026, 10, 19 + 7 * k, k < 2 ? 22 : 23, 0);

			if (k >= 2)
				s = utc(2026, 11, 2 + 7 * (k - 2), 23, 0);
			assert_iv(&g, k, s, s + 50 * M);
		}
		free(g.iv);
	}

	/* A floating time is read in the clinician's zone, not New York's. */
	g = read_cal(tz_get("Europe/London"), FROM, TO, CAL(
		"BEGIN:VEVENT\r\nUID:f\r\nDTSTART:20261020T090000\r\nDTEND:20261020T100000\r\n"
		"END:VEVENT\r\n"));
	assert_ok(&g, 1);
	assert_iv(&g, 0, utc(2026, 10, 20, 8, 0), utc(2026, 10, 20, 9, 0));      /* BST */
	free(g.iv);
}

/* All-day events: midnight to midnight in the clinician's zone. */
static void
test_all_day(void **state)
{
	struct got g;

	(void)state;
	g = read_cal(ny(), FROM, TO, CAL(
		"BEGIN:VEVENT\r\nUID:conf\r\nSUMMARY:Conference\r\nDTSTART;VALUE=DATE:20261022\r\n"
		"END:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:trip\r\nDTSTART;VALUE=DATE:20261101\r\n"
		"DTEND;VALUE=DATE:20261103\r\nEND:VEVENT\r\n"));
	assert_ok(&g, 2);
	assert_iv(&g, 0, utc(2026, 10, 22, 4, 0), utc(2026, 10, 23, 4, 0));
	/* Two days across the change: 49 hours. */
	assert_iv(&g, 1, utc(2026, 11, 1, 4, 0), utc(2026, 11, 3, 5, 0));
	free(g.iv);

	/* A weekly all-day event, without VALUE=DATE. */
	g = read_cal(ny(), FROM, TO, CAL(
		"BEGIN:VEVENT\r\nUID:fri\r\nDTSTART:20260102\r\nRRULE:FREQ=WEEKLY;BYDAY=FR\r\n"
		"END:VEVENT\r\n"));
	assert_ok(&g, 4);
	assert_iv(&g, 0, utc(2026, 10, 23, 4, 0), utc(2026, 10, 24, 4, 0));
	assert_iv(&g, 3, utc(2026, 11, 13, 5, 0), utc(2026, 11, 14, 5, 0));
	free(g.iv);
}

/* Shown as free: a transparent event is not busy, nor its occurrences. */
static void
test_transparent(void **state)
{
	struct got g;

	(void)state;
	g = read_cal(ny(), FROM, TO, CAL(
		"BEGIN:VEVENT\r\nUID:t1\r\nDTSTART:20261021T150000Z\r\nDTEND:20261021T160000Z\r\n"
		"TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:t2\r\nDTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=YEARLY\r\n"
		"TRANSP:TRANSPARENT\r\nSUMMARY:Birthday\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:t3\r\nDTSTART:20261022T150000Z\r\nDTEND:20261022T160000Z\r\n"
		"TRANSP:OPAQUE\r\nEND:VEVENT\r\n"
		/* A weekly series whose second week is marked free. */
		"BEGIN:VEVENT\r\nUID:t4\r\nDTSTART:20261019T130000Z\r\nDTEND:20261019T140000Z\r\n"
		"RRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:t4\r\nRECURRENCE-ID:20261026T130000Z\r\n"
		"DTSTART:20261026T130000Z\r\nDTEND:20261026T140000Z\r\nTRANSP:TRANSPARENT\r\n"
		"END:VEVENT\r\n"));
	assert_ok(&g, 3);
	assert_iv(&g, 0, utc(2026, 10, 19, 13, 0), utc(2026, 10, 19, 14, 0));
	assert_iv(&g, 1, utc(2026, 10, 22, 15, 0), utc(2026, 10, 22, 16, 0));
	assert_iv(&g, 2, utc(2026, 11, 2, 13, 0), utc(2026, 11, 2, 14, 0));
	free(g.iv);
}

/* Cancelled: the event, the series, or one occurrence of a series. */
static void
test_cancelled(void **state)
{
	struct got g;

	(void)state;
	g = read_cal(ny(), FROM, TO, CAL(
		"BEGIN:VEVENT\r\nUID:c1\r\nDTSTART:20261021T150000Z\r\nDTEND:20261021T160000Z\r\n"
		"STATUS:CANCELLED\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:c2\r\nDTSTART:20261020T120000Z\r\nDURATION:PT1H\r\n"
		"RRULE:FREQ=DAILY\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:c3\r\nDTSTART:20261019T130000Z\r\nDTEND:20261019T140000Z\r\n"
		"RRULE:FREQ=WEEKLY;UNTIL=20261109T130000Z\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:c3\r\nRECURRENCE-ID:20261102T130000Z\r\n"
		"DTSTART:20261102T130000Z\r\nDTEND:20261102T140000Z\r\nSTATUS:CANCELLED\r\n"
		"END:VEVENT\r\n"));
	assert_ok(&g, 3);
	assert_iv(&g, 0, utc(2026, 10, 19, 13, 0), utc(2026, 10, 19, 14, 0));
	assert_iv(&g, 1, utc(2026, 10, 26, 13, 0), utc(2026, 10, 26, 14, 0));
	assert_iv(&g, 2, utc(2026, 11, 9, 13, 0), utc(2026, 11, 9, 14, 0));
	free(g.iv);
}

/* Overlapping and touching times merge; the window's edges clip. */
static void
test_merge_clip_rdate(void **state)
{
	struct got g;

	(void)state;
	g = read_cal(ny(), FROM, TO,
		"BEGIN:VCALENDAR\nVERSION:2.0\n"                /* LF only, and folded lines */
		"BEGIN:VEVENT\nUID:a\nDTSTART:20261021T150000Z\nDTEND:20261021T160000Z\n"
		"DESCRIPTION:a long description that goes on\n  and on, folded\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:b\nDTSTART:20261021T155000Z\nDTEND:20261021T170000Z\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:c\nDTSTART:20261021T170000Z\nDTEND:20261021T173000Z\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:d\nDTSTART:20261018T120000Z\nDTEND:20261019T060000Z\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:e\nDTSTART:20261024T100000Z\nDTEND:20261024T110000Z\n"
		"RDATE;VALUE=PERIOD:20261025T100000Z/PT2H,20261026T100000Z/20261026T103000Z\n"
		"RDATE:20261027T10\n"
		" 0000Z\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:old\nDTSTART:20200101T100000Z\nDTEND:20200101T110000Z\nEND:VEVENT\n"
		"END:VCALENDAR\n");
	assert_ok(&g, 6);
	assert_iv(&g, 0, FROM, utc(2026, 10, 19, 6, 0));                 /* clipped */
	assert_iv(&g, 1, utc(2026, 10, 21, 15, 0), utc(2026, 10, 21, 17, 30));  /* merged */
	assert_iv(&g, 2, utc(2026, 10, 24, 10, 0), utc(2026, 10, 24, 11, 0));
	assert_iv(&g, 3, utc(2026, 10, 25, 10, 0), utc(2026, 10, 25, 12, 0));
	assert_iv(&g, 4, utc(2026, 10, 26, 10, 0), utc(2026, 10, 26, 10, 30));
	assert_iv(&g, 5, utc(2026, 10, 27, 10, 0), utc(2026, 10, 27, 11, 0));
	free(g.iv);

	/* CR CR LF, from a file converted to CRLF twice. */
	g = read_cal(ny(), FROM, TO, "BEGIN:VCALENDAR\r\r\nBEGIN:VEVENT\r\r\n"
	             "DTSTART:20261021T150000Z\r\r\nDTEND:20261021T160000Z\r\r\nEND:VEVENT\r\r\n"
	             "END:VCALENDAR\r\r\n");
	assert_ok(&g, 1);
	free(g.iv);

	/* Nothing busy: ICS_OK with no intervals. */
	g = read_cal(ny(), FROM, TO, CAL(""));
	assert_ok(&g, 0);
	assert_null(g.iv);
}

/*
 * A series begun years ago starts near the window (set_start); with a
 * COUNT it runs from DTSTART. Both must give the same occurrences.
 */
static void
test_fast_forward(void **state)
{
	static const char *const rules[] = {
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "FREQ=MONTHLY;BYDAY=-1FR",
		"FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO",
	};
	char a[1024], b[1024];
	struct got ga, gb;
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		snprintf(a, sizeof(a), CAL("BEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=America/New_York:"
		         "20190107T080000\r\nDURATION:PT50M\r\nRRULE:%s\r\nEND:VEVENT\r\n"), rules[i]);
		snprintf(b, sizeof(b), CAL("BEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=America/New_York:"
		         "20190107T080000\r\nDURATION:PT50M\r\nRRULE:%s;COUNT=4000\r\nEND:VEVENT\r\n"),
		         rules[i]);
		ga = read_cal(ny(), FROM, TO, a);
		gb = read_cal(ny(), FROM, TO, b);
		assert_ok(&ga, gb.n);
		assert_true(ga.n > 0);
		for (k = 0; k < ga.n; k++)
			assert_iv(&ga, k, gb.iv[k].start, gb.iv[k].end);
		free(ga.iv);
		free(gb.iv);
	}
}

/* A malformed file: refused, with the line and the property at fault. */
static void
test_malformed(void **state)
{
	static const struct {
		const char *text;
		int line;
		const char *prop, *words;
	} cases[] = {
		{CAL("BEGIN:VEVENT\r\nUID:1\r\nDTSTART:2026-13-45\r\nEND:VEVENT\r\n"),
		 6, "DTSTART", "not a date"},
		{CAL("BEGIN:VEVENT\r\nUID:1\r\nDTSTART:20261345T100000\r\nEND:VEVENT\r\n"),
		 6, "DTSTART", "not a date"},
		{CAL("BEGIN:VEVENT\r\nDTSTART:20261020T100000Z\r\nRRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\n"),
		 6, "RRULE", "not a recurrence rule"},
		{CAL("BEGIN:VEVENT\r\nDTSTART:20261020T100000Z\r\nEXDATE:20261020T100000Z,tuesday\r\n"
		     "END:VEVENT\r\n"), 6, "EXDATE", "not a date"},
		{CAL("BEGIN:VEVENT\r\nDTSTART:20261020T100000Z\r\nDURATION:an hour\r\nEND:VEVENT\r\n"),
		 6, "DURATION", "not a duration"},
		{CAL("BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:x\r\nEND:VEVENT\r\n"),
		 4, "VEVENT", "no DTSTART"},
		{CAL("BEGIN:VEVENT\r\nDTSTART:20261020T100000Z\r\nDTEND:20261020T090000Z\r\nEND:VEVENT\r\n"),
		 6, "DTEND", "ends before it starts"},
		{CAL("BEGIN:VEVENT\r\nDTSTART;TZID=Mars/Olympus:20261020T100000\r\nEND:VEVENT\r\n"),
		 5, "DTSTART", "TZID=Mars/Olympus"},
		{CAL("BEGIN:VEVENT\r\nDTSTART:20261020T100000Z\r\nEND:VEVENT\r\nEND:VTODO\r\n"),
		 7, "END", "does not close the VCALENDAR begun on line 1"},
		{"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261020T100000Z\r\nEND:VCALENDAR\r\n",
		 4, "END", "does not close the VEVENT begun on line 2"},
		{"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261020T100000Z\r\n",
		 2, "BEGIN", "never closed"},
		{CAL("BEGIN:VEVENT\r\nDTSTART:20261020T100000Z\r\nSession with a client who\r\n"
		     "END:VEVENT\r\n"), 6, "", "not an iCalendar line"},
		{CAL("BEGIN:VEVENT\r\nDTSTART;TZID=\"America/New_York:20261020T100000\r\nEND:VEVENT\r\n"),
		 5, "", "parameter"},
		{"Hello, this is not a calendar.\r\n", 1, "", "must begin with BEGIN:VCALENDAR"},
		{"", 0, "", "empty"},
		{CAL("BEGIN:VEVENT\r\nDTSTART:20261020T100000Z\r\nDTEND;VALUE=DATE:20261021\r\n"
		     "END:VEVENT\r\n"), 6, "DTEND", "DTSTART (line 5) is a date and time"},
	};
	struct got g;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		g = read_cal(ny(), FROM, TO, cases[i].text);
		if (g.st != ICS_MALFORMED || g.err.line != cases[i].line ||
		    strcmp(g.err.property, cases[i].prop) != 0 || !strstr(g.err.msg, cases[i].words))
			fail_msg("case %zu: status %d, line %d, property %s: %s", i, g.st, g.err.line,
			         g.err.property, g.err.msg);
		assert_null(g.iv);
		/* The message quotes nothing of the file but a TZID. */
		assert_null(strstr(g.err.msg, "client"));
		assert_null(strstr(g.err.msg, "2026-13"));
	}
	/* A line number means the line: a message names it first. */
	g = read_cal(ny(), FROM, TO, cases[0].text);
	assert_string_equal(g.err.msg, "line 6, DTSTART: not a date (YYYYMMDD) or a date and time "
	                    "(YYYYMMDDTHHMMSS, with a final Z for UTC)");
	/* A NUL byte: not text. */
	g.st = ics_busy("BEGIN:VCALENDAR\0", 16, ny(), FROM, TO, &g.iv, &g.n, &g.err);
	assert_int_equal(g.st, ICS_MALFORMED);
}

/* The caps: 1 MiB of file, 5,000 occurrences in the window. */
static void
test_limits(void **state)
{
	size_t big = ICS_MAX_BYTES + 1;
	char *text = malloc(big);
	struct got g;

	(void)state;
	assert_non_null(text);
	memset(text, ' ', big);
	g.st = ics_busy(text, big, ny(), FROM, TO, &g.iv, &g.n, &g.err);
	assert_int_equal(g.st, ICS_TOO_LARGE);
	assert_non_null(strstr(g.err.msg, "1 MiB"));
	free(text);

	/* Every 5 minutes for four weeks: 8,064 occurrences. */
	g = read_cal(ny(), FROM, TO, CAL("BEGIN:VEVENT\r\nDTSTART:20261019T000000Z\r\n"
	                                 "DURATION:PT1M\r\nRRULE:FREQ=MINUTELY;INTERVAL=5\r\nEND:VEVENT\r\n"));
	assert_int_equal(g.st, ICS_TOO_MANY);
	assert_non_null(strstr(g.err.msg, "more than 5000 events"));
	assert_null(g.iv);
	/* Hourly, half an hour each: the window holds 28 days and the hour
	 * the autumn change gives back, 673 hours. */
	g = read_cal(ny(), FROM, TO, CAL("BEGIN:VEVENT\r\nDTSTART:20261019T000000Z\r\n"
	                                 "DURATION:PT30M\r\nRRULE:FREQ=HOURLY\r\nEND:VEVENT\r\n"));
	assert_ok(&g, 673);
	free(g.iv);
	/* Every minute since 2020, with a COUNT: too many steps to expand. */
	g = read_cal(ny(), FROM, TO, CAL("BEGIN:VEVENT\r\nDTSTART:20200101T000000Z\r\n"
	                                 "DURATION:PT1M\r\nRRULE:FREQ=MINUTELY;COUNT=9000000\r\n"
	                                 "END:VEVENT\r\n"));
	assert_int_equal(g.st, ICS_TOO_MANY);
	assert_int_equal(g.err.line, 7);
	assert_string_equal(g.err.property, "RRULE");
}

/*
 * Rules that never, or hardly ever, give a date, and rules that would
 * make libical search for a long time: each is read promptly (ICS_OK with
 * nothing, or a refusal naming the RRULE's line), and the steps the reader
 * reports stay under its budget. Steps, not wall time: steady on a busy
 * machine.
 */
static struct got
read_budget(const char *text, struct ics_budget *b)
{
	struct got g;

	g.st = ics_busy_budget(text, strlen(text), ny(), FROM, TO, &g.iv, &g.n, &g.err, b);
	return g;
}

static void
test_pathological(void **state)
{
	static const struct {
		const char *dtstart, *rule;
		enum ics_status st;
		long max_steps;                 /* what the reading may cost, at most */
		int n;                          /* intervals in the window */
	} cases[] = {
		/* The review's: no February has a 30th. */
		{"20000101T090000Z", "FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30", ICS_OK, 100000, 0},
		{"20000101T090000Z", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", ICS_OK, 1000, 0},
		{"20000101T090000Z", "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", ICS_OK, 5000, 0},
		{"20000101T090000Z", "FREQ=WEEKLY;BYMONTH=2;BYDAY=MO;INTERVAL=52", ICS_OK, 1000, 0},
		{"20000101T090000Z", "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", ICS_OK, 5000, 0},
		{"20000101T090000Z", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", ICS_OK, 5000, 0},
		{"20000101T090000Z", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=5", ICS_OK, 20000, 0},
		{"20000101T090000Z", "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2,4,6", ICS_OK, 5000, 0},
		/* BYSETPOS over a set that is always empty. */
		{"20000101T090000Z", "FREQ=MONTHLY;BYDAY=MO;BYMONTHDAY=31;BYMONTH=2;BYSETPOS=-1", ICS_OK, 5000, 0},
		{"20000101T090000Z", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30,31;BYSETPOS=-1", ICS_OK, 5000, 0},
		/* Rare but real: week 53, the 366th day, leap days, the 5th Friday. */
		{"20000101T090000Z", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO", ICS_OK, 5000, 0},
		{"20000101T090000Z", "FREQ=YEARLY;BYYEARDAY=366", ICS_OK, 5000, 0},
		{"20000101T090000Z", "FREQ=YEARLY;BYYEARDAY=366;INTERVAL=4", ICS_OK, 5000, 0},
		{"20000229T090000Z", "FREQ=YEARLY", ICS_OK, 5000, 0},
		{"20000101T090000Z", "FREQ=MONTHLY;BYDAY=5FR", ICS_OK, 5000, 1},     /* 2026-10-30 */
		/* Months the rule's interval never reaches. */
		{"20000201T090000Z", "FREQ=MONTHLY;INTERVAL=12;BYMONTH=3", ICS_OK, 5000, 0},
		{"20000131T090000Z", "FREQ=MONTHLY;BYMONTH=4", ICS_OK, 5000, 0},
		{"20010101T090000Z", "FREQ=YEARLY;INTERVAL=4;BYYEARDAY=366", ICS_OK, 5000, 0},
		/* Every second: too often to read. */
		{"20000101T090000Z", "FREQ=SECONDLY", ICS_TOO_MANY, ICS_MAX_STEPS, 0},
		{"20261019T090000Z", "FREQ=SECONDLY", ICS_TOO_MANY, ICS_MAX_STEPS, 0},
		{"20000101T090000Z", "FREQ=SECONDLY;BYMONTH=2", ICS_TOO_MANY, ICS_MAX_STEPS, 0},
		{"20000101T090000Z", "FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30;COUNT=5", ICS_TOO_MANY,
		 ICS_MAX_STEPS, 0},
		{"20000101T090000Z", "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,"
		 "19,20,21,22,23;BYMINUTE=0,10,20,30,40,50;BYMONTH=2;BYMONTHDAY=30;COUNT=3", ICS_TOO_MANY,
		 ICS_MAX_STEPS, 0},
	};
	char text[1024];
	struct ics_budget b;
	struct got g;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&b, 0, sizeof(b));
		snprintf(text, sizeof(text), CAL("BEGIN:VEVENT\r\nUID:p\r\nDTSTART:%s\r\n"
		         "DURATION:PT1M\r\nRRULE:%s\r\nEND:VEVENT\r\n"), cases[i].dtstart, cases[i].rule);
		g = read_budget(text, &b);
		if (g.st != cases[i].st || b.steps > cases[i].max_steps)
			fail_msg("case %zu (%s): status %d, %ld steps: %s", i, cases[i].rule, g.st, b.steps,
			         g.err.msg);
		if (g.st == ICS_OK) {
			if (g.n != cases[i].n)
				fail_msg("case %zu (%s): %d intervals", i, cases[i].rule, g.n);
		} else {
			assert_int_equal(g.err.line, 8);
			assert_string_equal(g.err.property, "RRULE");
			assert_non_null(strstr(g.err.msg, "line 8, RRULE: "));
		}
		free(g.iv);
	}
}

/*
 * What a real caseload costs: series of sessions with a COUNT, begun and
 * ended years ago, in a named zone, cost their sessions, not the years
 * since; weekly series without an end start near the window. 700 series,
 * many more than a practice has, fit in the budget.
 */
static void
test_budget_caseload(void **state)
{
	static const char *const rules[] = {
		"FREQ=MONTHLY;BYDAY=2TU;COUNT=24", "FREQ=MONTHLY;BYMONTHDAY=14;COUNT=12",
		"FREQ=WEEKLY;BYDAY=MO,TH;COUNT=40", "FREQ=DAILY;COUNT=10", "FREQ=YEARLY;COUNT=5",
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "FREQ=MONTHLY;BYDAY=-1FR",
	};
	struct buf t = BUF_INIT;
	struct ics_budget b;
	struct got g;
	size_t i;
	int k;

	(void)state;
	assert_int_equal(buf_adds(&t, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), 0);
	for (k = 0; k < 100; k++)
		for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
			assert_int_equal(buf_printf(&t, "BEGIN:VEVENT\r\nUID:c%d-%zu\r\n"
			                            "DTSTART;TZID=America/New_York:20%02d0%zu1%dT0%d0000\r\n"
			                            "DURATION:PT50M\r\nRRULE:%s\r\nEND:VEVENT\r\n",
			                            k, i, 5 + k % 20, 1 + i, k % 10, 8 + k % 2, rules[i]), 0);
	assert_int_equal(buf_adds(&t, "END:VCALENDAR\r\n"), 0);
	memset(&b, 0, sizeof(b));
	/* The steps are measured here, not the time: a busy machine must not
	 * turn this into ICS_TOO_SLOW (seen at load 30 under sanitizers). */
	b.max_ms = 5 * 60 * 1000;
	g.st = ics_busy_budget(t.p, t.len, ny(), FROM, TO, &g.iv, &g.n, &g.err, &b);
	if (g.st != ICS_OK)
		fail_msg("700 series: status %d, %ld steps: %s", g.st, b.steps, g.err.msg);
	assert_true(g.n > 0);
	if (b.steps > ICS_MAX_STEPS / 2)
		fail_msg("700 series took %ld steps", b.steps);
	free(g.iv);
	buf_free(&t);
}

/*
 * A file of many events with such rules costs at most the upload's
 * budget: refused as a whole, naming the line where it ran out.
 */
static void
test_budget_per_file(void **state)
{
	struct buf t = BUF_INIT;
	struct ics_budget b;
	struct got g;
	int i;

	(void)state;
	assert_int_equal(buf_adds(&t, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), 0);
	for (i = 0; i < 300; i++)
		assert_int_equal(buf_printf(&t, "BEGIN:VEVENT\r\nUID:e%d\r\nDTSTART:20000101T090000Z\r\n"
		                            "DURATION:PT1M\r\nRRULE:FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30\r\n"
		                            "END:VEVENT\r\n", i), 0);
	assert_int_equal(buf_adds(&t, "END:VCALENDAR\r\n"), 0);
	memset(&b, 0, sizeof(b));
	/* The step budget is what is tested here: the time budget is made a
	 * watchdog of minutes, so a loaded machine cannot reach it first
	 * (ICS_TOO_SLOW instead of ICS_TOO_MANY, seen at load 12). */
	b.max_ms = 5 * 60 * 1000;
	g.st = ics_busy_budget(t.p, t.len, ny(), FROM, TO, &g.iv, &g.n, &g.err, &b);
	assert_int_equal(g.st, ICS_TOO_MANY);
	assert_true(b.steps <= ICS_MAX_STEPS);
	assert_string_equal(g.err.property, "RRULE");
	assert_true(g.err.line > 3);
	assert_null(g.iv);

	/* The same file with no step budget to speak of, but one millisecond:
	 * millions of libical's steps do not fit in it. */
	memset(&b, 0, sizeof(b));
	b.max_steps = 1000000000;
	b.max_ms = 1;
	g.st = ics_busy_budget(t.p, t.len, ny(), FROM, TO, &g.iv, &g.n, &g.err, &b);
	assert_int_equal(g.st, ICS_TOO_SLOW);
	assert_non_null(strstr(g.err.msg, "line "));
	assert_null(g.iv);

	/* Told to stop (the server is shutting down): stops. */
	{
		atomic_int stop = 1;

		memset(&b, 0, sizeof(b));
		b.stop = &stop;
		g.st = ics_busy_budget(t.p, t.len, ny(), FROM, TO, &g.iv, &g.n, &g.err, &b);
		assert_int_equal(g.st, ICS_STOPPED);
		assert_null(g.iv);
	}
	buf_free(&t);
}

/*
 * A time zone of the file whose rule is not a time zone's (yearly, in
 * given months, on given days): refused, naming its line, before libical
 * expands it.
 */
static void
test_zone_rules(void **state)
{
	static const char *const rules[] = {
		"FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
		"FREQ=YEARLY;BYMONTH=3", "FREQ=YEARLY;INTERVAL=3;BYMONTH=3;BYDAY=2SU",
		"FREQ=YEARLY;BYMONTH=3;BYDAY=2SU;BYHOUR=1,2,3",
	};
	char text[2048];
	struct got g;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		snprintf(text, sizeof(text), CAL(
			"BEGIN:VTIMEZONE\r\nTZID:Odd\r\nBEGIN:STANDARD\r\nDTSTART:16010101T020000\r\n"
			"TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nRRULE:%s\r\nEND:STANDARD\r\n"
			"END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:z\r\nDTSTART;TZID=Odd:20261020T100000\r\n"
			"DURATION:PT1H\r\nEND:VEVENT\r\n"), rules[i]);
		g = read_cal(ny(), FROM, TO, text);
		if (g.st != ICS_MALFORMED || g.err.line != 10 || strcmp(g.err.property, "RRULE") != 0)
			fail_msg("rule %zu: status %d, line %d: %s", i, g.st, g.err.line, g.err.msg);
		assert_null(g.iv);
	}

	/* A zone's rules are all expanded from their DTSTART, however far
	 * back: a zone that would change 14 times a year since the year 1,
	 * in 8 parts, is refused when a time is read in it, and only then. */
	{
		struct buf t = BUF_INIT;
		struct ics_budget b;
		int k;

		for (k = 0; k < 2; k++) {
			buf_reset(&t);
			assert_int_equal(buf_adds(&t, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
			                          "BEGIN:VTIMEZONE\r\nTZID:Busy\r\n"), 0);
			for (i = 0; i < 8; i++)
				assert_int_equal(buf_adds(&t, "BEGIN:STANDARD\r\nDTSTART:00010101T020000\r\n"
				                          "TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nRRULE:FREQ=YEARLY;"
				                          "BYMONTH=1,2;BYMONTHDAY=1,2,3,4,5,6,7\r\nEND:STANDARD\r\n"), 0);
			assert_int_equal(buf_printf(&t, "END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:z\r\n"
			                            "DTSTART%s:20261020T100000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
			                            "END:VCALENDAR\r\n", k ? ";TZID=Busy" : ""), 0);
			memset(&b, 0, sizeof(b));
			g.st = ics_busy_budget(t.p, t.len, ny(), FROM, TO, &g.iv, &g.n, &g.err, &b);
			if (k == 0) {
				assert_ok(&g, 1);       /* floating: the zone is not used */
				free(g.iv);
			} else if (g.st != ICS_TOO_MANY || g.err.line != 3 ||
			           strcmp(g.err.property, "VTIMEZONE") != 0) {
				fail_msg("a zone changing too often: status %d, line %d: %s", g.st, g.err.line,
				         g.err.msg);
			}
			assert_true(b.steps <= ICS_MAX_STEPS);
		}
		buf_free(&t);
	}
}

/*
 * A sub-daily series begun long ago starts near the window too, when its
 * steps allow; with a COUNT it runs from DTSTART. Both must agree.
 */
static void
test_fast_forward_subdaily(void **state)
{
	static const char *const rules[] = {
		"FREQ=HOURLY;INTERVAL=7", "FREQ=HOURLY;INTERVAL=5;BYDAY=TU,TH",
		"FREQ=MINUTELY;INTERVAL=97", "FREQ=SECONDLY;INTERVAL=7207",
		"FREQ=HOURLY;INTERVAL=3;BYMINUTE=0,30",
	};
	char a[1024], b[1024];
	struct got ga, gb;
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		/* In UTC, and floating (the clinician's zone); a series in a
		 * named zone steps through its clock changes, and runs from DTSTART. */
		const char *start = i % 2 ? "20260301T081500Z" : "20260301T081500";

		snprintf(a, sizeof(a), CAL("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:%s\r\n"
		         "DURATION:PT10M\r\nRRULE:%s\r\nEND:VEVENT\r\n"), start, rules[i]);
		snprintf(b, sizeof(b), CAL("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:%s\r\n"
		         "DURATION:PT10M\r\nRRULE:%s;COUNT=100000\r\nEND:VEVENT\r\n"), start, rules[i]);
		ga = read_cal(ny(), FROM, TO, a);
		gb = read_cal(ny(), FROM, TO, b);
		if (gb.st != ICS_OK)
			fail_msg("rule %zu with a COUNT: %s", i, gb.err.msg);
		assert_ok(&ga, gb.n);
		assert_true(ga.n > 0);
		for (k = 0; k < ga.n; k++)
			assert_iv(&ga, k, gb.iv[k].start, gb.iv[k].end);
		free(ga.iv);
		free(gb.iv);
	}
}

/*
 * Every prefix of a calendar, and thousands of one-byte changes to it,
 * are read or refused: never a crash, a leak or an interval outside the
 * window (run under SAN=1 too).
 */
static void
test_mangled(void **state)
{
	static const char base[] = CAL(
		"BEGIN:VEVENT\r\nUID:m\r\nDTSTART;TZID=America/New_York:20260106T100000\r\n"
		"DTEND;TZID=America/New_York:20260106T105000\r\nRRULE:FREQ=WEEKLY;BYDAY=TU,TH\r\n"
		"EXDATE;TZID=America/New_York:20261027T100000,20261029T100000\r\n"
		"RDATE;VALUE=PERIOD:20261025T100000Z/PT2H\r\nSUMMARY:a folded\r\n  title\r\n"
		"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:m\r\n"
		"RECURRENCE-ID;TZID=America/New_York:20261103T100000\r\n"
		"DTSTART;TZID=America/New_York:20261105T140000\r\nDURATION:PT50M\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261022\r\nTRANSP:OPAQUE\r\nEND:VEVENT\r\n");
	static const char bytes[] = "\r\n :;=,\"/ZT0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ\t\x80\xff";
	char text[sizeof(base)];
	unsigned seed = 12345;
	size_t len = sizeof(base) - 1, i;
	struct got g;
	int k;

	(void)state;
	for (i = 0; i <= len; i++) {
		g.st = ics_busy(base, i, ny(), FROM, TO, &g.iv, &g.n, &g.err);
		assert_true(g.st == ICS_OK || g.st == ICS_MALFORMED);
		for (k = 0; k < g.n; k++)
			assert_true(g.iv[k].start >= FROM && g.iv[k].end <= TO && g.iv[k].start < g.iv[k].end);
		free(g.iv);
	}
	for (i = 0; i < 4000; i++) {
		memcpy(text, base, sizeof(base));
		seed = seed * 1103515245 + 12345;
		text[(seed >> 8) % len] = bytes[(seed >> 20) % (sizeof(bytes) - 1)];
		g.st = ics_busy(text, len, ny(), FROM, TO, &g.iv, &g.n, &g.err);
		assert_true(g.st == ICS_OK || g.st == ICS_MALFORMED || g.st == ICS_TOO_MANY);
		assert_true(g.st == ICS_OK || (g.iv == NULL && g.err.msg[0]));
		for (k = 0; k < g.n; k++)
			assert_true(g.iv[k].start >= FROM && g.iv[k].end <= TO && g.iv[k].start < g.iv[k].end);
		free(g.iv);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrule_exdate_moved),
		cmocka_unit_test(test_tzid_across_dst),
		cmocka_unit_test(test_all_day),
		cmocka_unit_test(test_transparent),
		cmocka_unit_test(test_cancelled),
		cmocka_unit_test(test_merge_clip_rdate),
		cmocka_unit_test(test_fast_forward),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_mangled),
		cmocka_unit_test(test_pathological),
		cmocka_unit_test(test_budget_caseload),
		cmocka_unit_test(test_budget_per_file),
		cmocka_unit_test(test_zone_rules),
		cmocka_unit_test(test_fast_forward_subdaily),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
