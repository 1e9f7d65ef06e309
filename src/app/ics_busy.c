/*
 * ics_busy.c: busy intervals from an iCalendar file (ics_busy.h).
 *
 * Design notes
 *
 * 1. Four passes. (A) scan: our own pass over the text, line by line,
 *    checks the structure (BEGIN/END), and every value chiron reads
 *    (DTSTART, DTEND, DURATION, RRULE, RDATE, EXDATE, RECURRENCE-ID and
 *    their TZID), and notes each event's lines. (B) zones: each TZID the
 *    file uses that no VTIMEZONE of the file defines is looked up as an
 *    IANA zone (tz_get). (C) extract: libical parses the text; each VEVENT
 *    gives its times, its status and its UID, and its RRULEs are expanded
 *    near the window. (D) resolve: times are placed in UTC, moved and
 *    excluded occurrences are taken out, the rest is clipped to the
 *    window, sorted and merged.
 *
 * 2. Why our own scan: libical forgives. It reads "DTSTART:2026-13-45" as
 *    a date, turns a line it cannot read into an X-LIC-ERROR property that
 *    quotes the line (a session's title, perhaps), and knows no line
 *    numbers. The scan refuses what chiron would misread and says where;
 *    after it, libical only meets values it reads as we do. Properties
 *    chiron does not read are not checked: a strange ATTENDEE does not stop
 *    an upload.
 *
 * 3. Events are matched between (A) and (C) by order: both see the
 *    VEVENTs of each VCALENDAR in the order of the file.
 *
 * 4. Locking: libical is called only in (A) and (C), under tz.h's lock;
 *    (B) and (D) call tz.h, which takes that lock itself when it loads a
 *    zone or a year. So in (C) times are not yet placed in UTC unless the
 *    file's own VTIMEZONE (libical's to convert) or a Z says where they
 *    are: a time is a struct tval, UTC or wall time in a zone, and (C)
 *    compares wall times with the window widened by SLACK, more than any
 *    UTC offset, to decide what to keep; (D) decides exactly. (C) lets the
 *    lock go between two events and every CLOCK_EVERY calls to libical's
 *    iterator, and no call it makes under the lock is unbounded (note 5):
 *    a download of an .ics, or a zone's first load, waits at most that.
 *
 * 5. Bounds. The file is at most ICS_MAX_BYTES; at most ICS_MAX_EVENTS
 *    occurrences may fall in the window (4 times as many near it in (C)).
 *    The work is bounded by what libical does, not by the occurrences it
 *    returns: one call to icalrecur_iterator_next() searches, candidate
 *    by candidate, until one passes the rule's filters, so a rule that
 *    never gives a date (FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30) made it
 *    search to the year 2582 in one call, holding the lock. libical 3.0
 *    stops that search at the rule's UNTIL (icalrecur.c: the do/while of
 *    icalrecur_iterator_next), but not its searches for a month or a year
 *    that gives a day (next_yearday's for(;;), __iterator_set_start's loop
 *    to the year 20000, increment_month's). So plan_rule(), before libical
 *    sees a rule:
 *    - moves its UNTIL to just after the window: no daily or shorter
 *      search goes further;
 *    - starts it near the window when no COUNT needs DTSTART: a daily or
 *      slower rule with icalrecur_iterator_set_start (tested against a
 *      full expansion); a sub-daily one in UTC or floating time (where
 *      libical's steps are the clock's) from a DTSTART a whole number of
 *      its steps later, when it expands no BYSECOND or BYMINUTE (libical's
 *      set_start is wrong for those with an INTERVAL). Others, and rules
 *      with a COUNT, run from DTSTART;
 *    - for a monthly or yearly rule, asks libical which kinds of month
 *      (length, weekday of the 1st: 28 kinds) or of year (leap, weekday of
 *      1 January: 14) give a day, each in one bounded call (probe();
 *      remembered for the next rule of the same kind, kinds_of()): a rule
 *      no kind of whose periods gives a day has no occurrence and is not
 *      expanded; when every kind does, libical never searches (but for a
 *      month of its BYMONTH); otherwise longest_gap() walks the periods
 *      the rule visits over the 400 years after which the calendar
 *      repeats, and its searches are at most the longest run of empty
 *      ones;
 *    - counts what libical may then examine between start and UNTIL
 *      (the candidates of each step, times the times of day its BYHOUR,
 *      BYMINUTE and BYSECOND expand to, and libical walks a BY list of the
 *      rule's own unit in every larger unit, whatever its INTERVAL; every
 *      day of each month or year, and the searches; five times that in a
 *      named zone, where libical's steps go through ICU's time zones and
 *      cost so much more) and refuses the rule, naming its line, when the
 *      file's rules together would pass ICS_MAX_STEPS (struct
 *      ics_budget). A rule every second is refused; one every minute for
 *      the four weeks in UTC is not. 200,000 steps take about 0.3 to 1
 *      second here, depending on the load.
 *    The clock is read between events and every CLOCK_EVERY calls to the
 *    iterator: a file that takes longer than ICS_MAX_MS (a slow machine)
 *    is refused at the line it had reached, and the reading stops when
 *    told to (the server shutting down). A time zone's own rule, which
 *    libical expands when it converts a time, must look like one (yearly,
 *    one or two months, a few days) and give a day in some kind of year
 *    (zone_rule()); libical expands all of a zone's rules from their
 *    DTSTART (1601 in Outlook's) to a few years from now, so the changes
 *    of the zones the file uses count as steps too (zone_changes(): a
 *    1.3 KB zone changing 14 times a year since the year 1 took 1.3 s).
 *    A rule libical cannot apply is refused with its line.
 *
 * 6. Durations: an all-day event lasts whole local days (DTEND - DTSTART,
 *    or DURATION, or one day) in the clinician's zone; a timed event the
 *    exact seconds between DTSTART and DTEND (or its DURATION), the same
 *    for every occurrence, as RFC 5545 3.8.5.3 says.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libical/ical.h>

#include "app/ics_busy.h"
#include "core/buf.h"

#define DAY 86400
#define SLACK (2 * DAY)                 /* more than any UTC offset */
#define CLOCK_EVERY 64                  /* libical's calls between two looks at the clock */
#define KINDS_KEPT 8                    /* kinds of monthly or yearly rule remembered (kinds_of) */
#define ZONED_STEP 5                    /* a step in a named zone costs libical (ICU) that many */
#define MAX_DEPTH 16                    /* nested components */
#define MAX_ZONES 100                   /* distinct TZIDs used */
#define TZID_MAX 128
#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"

static enum ics_status
fail(struct ics_error *err, enum ics_status st, int line, const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static enum ics_status
fail(struct ics_error *err, enum ics_status st, int line, const char *prop, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	err->line = line;
	snprintf(err->property, sizeof(err->property), "%s", prop ? prop : "");
	if (line && prop && *prop)
		snprintf(err->msg, sizeof(err->msg), "line %d, %s: %s", line, prop, what);
	else if (line)
		snprintf(err->msg, sizeof(err->msg), "line %d: %s", line, what);
	else
		snprintf(err->msg, sizeof(err->msg), "%s", what);
	return st;
}

/* Grows *v (of *cap elements of size sz) to hold n + 1; -1 when out of memory. */
static int
grow(void *v, int *cap, int n, size_t sz)
{
	void **pv = v, *nv;
	int nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	nv = realloc(*pv, (size_t)nc * sz);
	if (!nv)
		return -1;
	*pv = nv;
	*cap = nc;
	return 0;
}

/* ----------------------------------------------------------------------
 * (A) The scan
 * ---------------------------------------------------------------------- */

/* A content line: NAME *(;PARAM=VALUE) : VALUE. */
struct cl {
	char name[64];                  /* upper-cased (cut to 63 bytes) */
	char value_type[16];            /* the VALUE parameter, upper-cased, or "" */
	char tzid[TZID_MAX];            /* the TZID parameter, or "" */
	bool tzid_long;
	char *value;                    /* in the line, NUL-ended */
};

/* What the scan saw of one VEVENT: the lines of what (D) may complain of. */
struct ev_scan {
	int line;                       /* BEGIN:VEVENT */
	int dtstart, dtend, duration, rrule;    /* their lines, 0 when absent */
	bool dtstart_date, dtend_date;
};

/* A TZID the file uses, where first, and the IANA zone it names (B). */
struct zref {
	char tzid[TZID_MAX];
	int line;
	char prop[16];
	bool defined;                   /* a VTIMEZONE of the file has it */
	bool used;                      /* a time of the file is read in it */
	long changes;                   /* its VTIMEZONEs' rules: what libical expands */
	int vtz_line;                   /* BEGIN:VTIMEZONE, of the last */
	const struct tz_zone *z;
};

struct scan {
	struct ev_scan *ev;
	int n_ev, cap_ev;
	struct zref *zones;
	int n_zones, cap_zones;
	char comp[MAX_DEPTH][16];       /* the open components, upper-cased */
	int comp_line[MAX_DEPTH];
	int depth;
	int calendars;                  /* VCALENDARs closed */
	bool in_event;
	long steps, max_steps;          /* libical's, for the zones' rules */
	/* The VTIMEZONE open, and its STANDARD or DAYLIGHT (zone_changes()). */
	int vtz_zone, vtz_line, sub_year, end_year;
	long vtz_changes, sub_per_year;
};

/* A rule's BY parts, in libical's order (by_count()). */
enum { P_SECOND, P_MINUTE, P_HOUR, P_DAY, P_MONTHDAY, P_YEARDAY, P_WEEKNO, P_MONTH, P_SETPOS,
       P__MAX };

static bool probe(const struct icalrecurrencetype *r, struct icaltimetype dt, int sh);
static enum ics_status zone_changes(struct scan *sc, struct ics_error *err);
static int by_count(const struct icalrecurrencetype *r, int part);

static void
upcase(char *dst, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && i + 1 < n; i++)
		dst[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	dst[i] = '\0';
}

/* Parses line s (NUL-ended) into *c: 0, -1 (not a content line), -2 (a bad parameter). */
static int
parse_cl(char *s, struct cl *c)
{
	size_t k = strspn(s, NAME_CHARS);
	char *p;

	if (k == 0 || (s[k] != ':' && s[k] != ';'))
		return -1;
	upcase(c->name, sizeof(c->name), s, k);
	c->value_type[0] = c->tzid[0] = '\0';
	c->tzid_long = false;
	p = s + k;
	while (*p == ';') {
		char pname[16];

		p++;
		k = strspn(p, NAME_CHARS);
		if (k == 0 || p[k] != '=')
			return -2;
		upcase(pname, sizeof(pname), p, k);
		p += k + 1;
		for (;;) {
			char *v = p;
			size_t vn;

			if (*p == '"') {
				char *q = strchr(++p, '"');

				if (!q)
					return -2;
				v = p;
				vn = (size_t)(q - p);
				p = q + 1;
			} else {
				vn = strcspn(p, ";:,\"");
				p += vn;
				if (*p == '"')
					return -2;
			}
			if (strcmp(pname, "VALUE") == 0)
				upcase(c->value_type, sizeof(c->value_type), v, vn);
			if (strcmp(pname, "TZID") == 0) {
				if (vn >= TZID_MAX)
					c->tzid_long = true;
				else
					memcpy(c->tzid, v, vn), c->tzid[vn] = '\0';
			}
			if (*p != ',')
				break;
			p++;
		}
	}
	if (*p != ':')
		return -2;
	c->value = p + 1;
	return 0;
}

static bool
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int
num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/*
 * Is s (n bytes) a DATE (YYYYMMDD) or a DATE-TIME (YYYYMMDDTHHMMSS, with
 * a final Z for UTC) of the calendar? *is_date and *utc say which.
 */
static bool
parse_dt(const char *s, size_t n, bool *is_date, bool *utc)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	*utc = n == 16 && s[15] == 'Z';
	if (n != 8 && n != 15 && !*utc)
		return false;
	if (!all_digits(s, 8))
		return false;
	y = num(s, 4);
	m = num(s + 4, 2);
	d = num(s + 6, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return false;
	*is_date = n == 8;
	if (*is_date)
		return true;
	return s[8] == 'T' && all_digits(s + 9, 6) && num(s + 9, 2) <= 23 &&
	       num(s + 11, 2) <= 59 && num(s + 13, 2) <= 60;
}

static size_t
trimmed(const char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

static bool
good_duration(const char *s)
{
	struct icaldurationtype d = icaldurationtype_from_string(s);

	return !icaldurationtype_is_bad_duration(d) && !d.is_neg;
}

/* A TZID the file uses: noted once, with the line it is first used on. */
static enum ics_status
note_zone(struct scan *sc, const struct cl *c, int line, struct ics_error *err)
{
	int i;

	if (c->tzid_long)
		return fail(err, ICS_MALFORMED, line, c->name, "the TZID is longer than %d characters",
		            TZID_MAX - 1);
	for (i = 0; i < sc->n_zones; i++)
		if (strcmp(sc->zones[i].tzid, c->tzid) == 0) {
			sc->zones[i].used = true;
			return ICS_OK;
		}
	if (sc->n_zones == MAX_ZONES)
		return fail(err, ICS_MALFORMED, line, c->name, "the file uses more than %d time zones",
		            MAX_ZONES);
	if (grow(&sc->zones, &sc->cap_zones, sc->n_zones, sizeof(*sc->zones)))
		return ICS_NO_MEMORY;
	memset(&sc->zones[sc->n_zones], 0, sizeof(*sc->zones));
	snprintf(sc->zones[sc->n_zones].tzid, TZID_MAX, "%s", c->tzid);
	snprintf(sc->zones[sc->n_zones].prop, sizeof(sc->zones[0].prop), "%s", c->name);
	sc->zones[sc->n_zones].line = line;
	sc->zones[sc->n_zones].used = true;
	sc->n_zones++;
	return ICS_OK;
}

/*
 * One time value of property c (n bytes at s): a date or a date-time as
 * VALUE says, or (period_ok, RDATE) a PERIOD start/end or start/duration.
 */
static enum ics_status
check_time(struct scan *sc, const struct cl *c, const char *s, size_t n, bool period_ok,
           int line, bool *is_date, struct ics_error *err)
{
	const char *vt = c->value_type;
	bool utc;

	if (period_ok && strcmp(vt, "PERIOD") == 0) {
		const char *slash = memchr(s, '/', n);
		char rest[64];
		bool d2, u2;

		if (!slash || !parse_dt(s, (size_t)(slash - s), is_date, &utc) || *is_date ||
		    (size_t)(s + n - slash - 1) >= sizeof(rest))
			return fail(err, ICS_MALFORMED, line, c->name,
			            "not a period (start/end or start/duration, like "
			            "20260602T090000/PT50M)");
		memcpy(rest, slash + 1, (size_t)(s + n - slash - 1));
		rest[s + n - slash - 1] = '\0';
		if (rest[0] == 'P' || rest[0] == '+' || rest[0] == '-' ? !good_duration(rest) :
		    !parse_dt(rest, strlen(rest), &d2, &u2) || d2)
			return fail(err, ICS_MALFORMED, line, c->name,
			            "not a period (start/end or start/duration, like "
			            "20260602T090000/PT50M)");
	} else if ((*vt && strcmp(vt, "DATE") != 0 && strcmp(vt, "DATE-TIME") != 0) ||
	           !parse_dt(s, n, is_date, &utc) ||
	           (strcmp(vt, "DATE") == 0 && !*is_date) ||
	           (strcmp(vt, "DATE-TIME") == 0 && *is_date)) {
		return fail(err, ICS_MALFORMED, line, c->name,
		            "not a date (YYYYMMDD) or a date and time (YYYYMMDDTHHMMSS, "
		            "with a final Z for UTC)");
	}
	if (c->tzid[0] || c->tzid_long) {
		if (!*is_date && !utc)
			return note_zone(sc, c, line, err);
	}
	return ICS_OK;
}

/* A property of the VEVENT ev (not of one of its alarms). */
static enum ics_status
event_prop(struct scan *sc, struct ev_scan *ev, struct cl *c, int line, struct ics_error *err)
{
	const char *n = c->name;
	enum ics_status st;
	bool is_date;
	int *seen = NULL;

	if (strcmp(n, "DTSTART") == 0)
		seen = &ev->dtstart;
	else if (strcmp(n, "DTEND") == 0)
		seen = &ev->dtend;
	else if (strcmp(n, "DURATION") == 0)
		seen = &ev->duration;
	if (seen && *seen)
		return fail(err, ICS_MALFORMED, line, n, "the event has a second %s (the first is on "
		            "line %d)", n, *seen);
	if (strcmp(n, "DTSTART") == 0 || strcmp(n, "DTEND") == 0 || strcmp(n, "RECURRENCE-ID") == 0) {
		st = check_time(sc, c, c->value, trimmed(c->value), false, line, &is_date, err);
		if (st)
			return st;
		if (seen)
			*seen = line;
		if (strcmp(n, "DTSTART") == 0)
			ev->dtstart_date = is_date;
		else if (strcmp(n, "DTEND") == 0)
			ev->dtend_date = is_date;
	} else if (strcmp(n, "DURATION") == 0) {
		c->value[trimmed(c->value)] = '\0';
		if (!good_duration(c->value))
			return fail(err, ICS_MALFORMED, line, n, "not a duration (like PT50M or P1D)");
		*seen = line;
	} else if (strcmp(n, "RRULE") == 0) {
		struct icalrecurrencetype r;

		c->value[trimmed(c->value)] = '\0';
		r = icalrecurrencetype_from_string(c->value);
		if (r.freq == ICAL_NO_RECURRENCE)
			return fail(err, ICS_MALFORMED, line, n, "not a recurrence rule (like "
			            "FREQ=WEEKLY;BYDAY=TU)");
		if (!ev->rrule)
			ev->rrule = line;
	} else if (strcmp(n, "RDATE") == 0 || strcmp(n, "EXDATE") == 0) {
		const char *s = c->value, *end = s + trimmed(s);

		while (s < end) {
			const char *comma = memchr(s, ',', (size_t)(end - s));
			size_t len = comma ? (size_t)(comma - s) : (size_t)(end - s);

			st = check_time(sc, c, s, len, n[0] == 'R', line, &is_date, err);
			if (st)
				return st;
			s += len + (comma ? 1 : 0);
		}
	}
	return ICS_OK;
}

static const char *
known_comp(const char *name)
{
	static const char *const known[] = {"VCALENDAR", "VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY",
		"VTIMEZONE", "STANDARD", "DAYLIGHT", "VALARM", NULL};
	int i;

	for (i = 0; known[i]; i++)
		if (strcmp(name, known[i]) == 0)
			return known[i];
	return "component";
}

static enum ics_status
begin(struct scan *sc, const struct cl *c, int line, struct ics_error *err)
{
	size_t k = strspn(c->value, NAME_CHARS);
	char name[16];

	if (k == 0 || k >= sizeof(name) || c->value[k + strspn(c->value + k, " \t")])
		return fail(err, ICS_MALFORMED, line, "BEGIN", "not a component name");
	upcase(name, sizeof(name), c->value, k);
	if (sc->depth == 0 && strcmp(name, "VCALENDAR") != 0)
		return fail(err, ICS_MALFORMED, line, "", sc->calendars ?
		            "only another BEGIN:VCALENDAR may follow END:VCALENDAR" :
		            "the file must begin with BEGIN:VCALENDAR (is it an .ics file?)");
	if (sc->depth == MAX_DEPTH)
		return fail(err, ICS_MALFORMED, line, "BEGIN", "components are nested more than %d deep",
		            MAX_DEPTH);
	memcpy(sc->comp[sc->depth], name, sizeof(name));
	sc->comp_line[sc->depth] = line;
	sc->depth++;
	if (sc->depth == 2 && strcmp(name, "VTIMEZONE") == 0) {
		sc->vtz_zone = -1;
		sc->vtz_line = line;
		sc->vtz_changes = 0;
	}
	if (sc->depth == 3 && strcmp(sc->comp[1], "VTIMEZONE") == 0)
		sc->sub_year = sc->sub_per_year = 0;
	if (sc->depth == 2 && strcmp(name, "VEVENT") == 0) {
		if (grow(&sc->ev, &sc->cap_ev, sc->n_ev, sizeof(*sc->ev)))
			return ICS_NO_MEMORY;
		memset(&sc->ev[sc->n_ev], 0, sizeof(*sc->ev));
		sc->ev[sc->n_ev++].line = line;
		sc->in_event = true;
	}
	return ICS_OK;
}

static enum ics_status
end(struct scan *sc, const struct cl *c, int line, struct ics_error *err)
{
	size_t k = strspn(c->value, NAME_CHARS);
	const char *top;
	char name[16];

	if (sc->depth == 0)
		return fail(err, ICS_MALFORMED, line, "END", "it closes nothing");
	top = sc->comp[sc->depth - 1];
	upcase(name, sizeof(name), c->value, k < sizeof(name) ? k : 0);
	if (k == 0 || k >= sizeof(name) || strcmp(name, top) != 0 ||
	    c->value[k + strspn(c->value + k, " \t")])
		return fail(err, ICS_MALFORMED, line, "END", "it does not close the %s begun on line %d",
		            known_comp(top), sc->comp_line[sc->depth - 1]);
	if (sc->in_event && sc->depth == 2) {
		const struct ev_scan *ev = &sc->ev[sc->n_ev - 1];

		sc->in_event = false;
		if (!ev->dtstart)
			return fail(err, ICS_MALFORMED, ev->line, "VEVENT",
			            "the event that begins here has no DTSTART");
		if (ev->dtend && ev->duration)
			return fail(err, ICS_MALFORMED, ev->dtend, "DTEND",
			            "the event has both DTEND and DURATION (line %d)", ev->duration);
		if (ev->dtend && ev->dtend_date != ev->dtstart_date)
			return fail(err, ICS_MALFORMED, ev->dtend, "DTEND", "it is a %s, but DTSTART "
			            "(line %d) is a %s", ev->dtend_date ? "date" : "date and time",
			            ev->dtstart, ev->dtstart_date ? "date" : "date and time");
	}
	if (sc->depth == 3 && strcmp(sc->comp[1], "VTIMEZONE") == 0 && sc->sub_per_year)
		sc->vtz_changes += (long)(sc->end_year - (sc->sub_year < sc->end_year ? sc->sub_year :
		                                          sc->end_year) + 1) * sc->sub_per_year;
	if (sc->depth == 2 && strcmp(top, "VTIMEZONE") == 0 && sc->vtz_zone >= 0) {
		sc->zones[sc->vtz_zone].changes += sc->vtz_changes;
		sc->zones[sc->vtz_zone].vtz_line = sc->vtz_line;
	}
	sc->depth--;
	if (sc->depth == 0)
		sc->calendars++;
	return ICS_OK;
}

/*
 * The rule of a time zone of the file (STANDARD or DAYLIGHT), which
 * libical expands itself, with no UNTIL of chiron's, whenever a time is
 * read in that zone: only a time zone's kind of rule is let through,
 * yearly, in one or two months, on a few days, and one that gives a day
 * in some year (all 14 kinds of year are asked of libical).
 */
static enum ics_status
zone_rule(struct scan *sc, struct cl *c, int line, struct ics_error *err)
{
	struct icalrecurrencetype r;
	struct icaltimetype dt = icaltime_null_time();
	int sh;

	c->value[trimmed(c->value)] = '\0';
	r = icalrecurrencetype_from_string(c->value);
	if (r.freq != ICAL_YEARLY_RECURRENCE || r.interval != 1 || r.rscale ||
	    by_count(&r, P_SECOND) || by_count(&r, P_MINUTE) || by_count(&r, P_HOUR) ||
	    by_count(&r, P_YEARDAY) || by_count(&r, P_WEEKNO) || by_count(&r, P_SETPOS) ||
	    by_count(&r, P_MONTH) < 1 || by_count(&r, P_MONTH) > 2 ||
	    (by_count(&r, P_DAY) < 1 && by_count(&r, P_MONTHDAY) < 1) ||
	    by_count(&r, P_DAY) > 7 || by_count(&r, P_MONTHDAY) > 7)
		return fail(err, ICS_MALFORMED, line, "RRULE", "a time zone's rule must be yearly "
		            "(FREQ=YEARLY, no INTERVAL), in one or two months (BYMONTH), on at most 7 "
		            "days (BYDAY or BYMONTHDAY), like FREQ=YEARLY;BYMONTH=3;BYDAY=2SU");
	/* The changes a year: libical expands them all, from the part's
	 * DTSTART to a few years from now (zone_changes()). */
	if (by_count(&r, P_MONTHDAY)) {
		sc->sub_per_year = by_count(&r, P_MONTHDAY);
	} else {
		for (sh = 0; sh < by_count(&r, P_DAY); sh++)
			sc->sub_per_year += icalrecurrencetype_day_position(r.by_day[sh]) ? 1 : 5;
	}
	sc->sub_per_year *= by_count(&r, P_MONTH);
	dt.year = 2000;
	dt.month = dt.day = 1;
	dt.hour = 2;
	for (sh = 0; sh < 14; sh++) {
		if ((sc->steps += 8) > sc->max_steps)
			return fail(err, ICS_TOO_MANY, line, "RRULE", "the file's time zones have more "
			            "rules than chiron reads");
		if (probe(&r, dt, sh))
			return ICS_OK;
	}
	return fail(err, ICS_MALFORMED, line, "RRULE", "this time zone's rule never gives a date");
}

/* One logical (unfolded) line, NUL-ended, that began on line `line`. */
static enum ics_status
scan_line(struct scan *sc, char *s, int line, struct ics_error *err)
{
	struct cl c;
	int rc = parse_cl(s, &c);

	if (rc && sc->depth == 0)
		return fail(err, ICS_MALFORMED, line, "", sc->calendars ?
		            "only another BEGIN:VCALENDAR may follow END:VCALENDAR" :
		            "the file must begin with BEGIN:VCALENDAR (is it an .ics file?)");
	if (rc == -1)
		return fail(err, ICS_MALFORMED, line, "", "not an iCalendar line (NAME:value)");
	if (rc == -2)
		return fail(err, ICS_MALFORMED, line, "", "a parameter of this line is malformed "
		            "(NAME;PARAM=value:value)");
	if (strcmp(c.name, "BEGIN") == 0)
		return begin(sc, &c, line, err);
	if (strcmp(c.name, "END") == 0)
		return end(sc, &c, line, err);
	if (sc->depth == 0)
		return fail(err, ICS_MALFORMED, line, "", sc->calendars ?
		            "only another BEGIN:VCALENDAR may follow END:VCALENDAR" :
		            "the file must begin with BEGIN:VCALENDAR (is it an .ics file?)");
	if (sc->depth == 2 && strcmp(sc->comp[1], "VTIMEZONE") == 0 && strcmp(c.name, "TZID") == 0) {
		bool found = false;
		int i;

		c.value[trimmed(c.value)] = '\0';
		for (i = 0; i < sc->n_zones; i++)
			if (strcmp(sc->zones[i].tzid, c.value) == 0) {
				sc->zones[i].defined = found = true;
				sc->vtz_zone = i;
			}
		if (!found && strlen(c.value) < TZID_MAX) {
			/* Defined before it is used: note it now. */
			if (sc->n_zones == MAX_ZONES)
				return fail(err, ICS_MALFORMED, line, "TZID",
				            "the file defines more than %d time zones", MAX_ZONES);
			if (grow(&sc->zones, &sc->cap_zones, sc->n_zones, sizeof(*sc->zones)))
				return ICS_NO_MEMORY;
			memset(&sc->zones[i], 0, sizeof(*sc->zones));
			snprintf(sc->zones[i].tzid, TZID_MAX, "%s", c.value);
			sc->zones[i].defined = true;
			sc->vtz_zone = i;
			sc->n_zones++;
		}
		return ICS_OK;
	}
	if (sc->depth == 3 && strcmp(sc->comp[1], "VTIMEZONE") == 0 && strcmp(c.name, "RRULE") == 0)
		return zone_rule(sc, &c, line, err);
	if (sc->depth == 3 && strcmp(sc->comp[1], "VTIMEZONE") == 0 && strcmp(c.name, "DTSTART") == 0 &&
	    all_digits(c.value, strnlen(c.value, 4)) && strnlen(c.value, 4) == 4)
		sc->sub_year = num(c.value, 4);
	if (sc->in_event && sc->depth == 2)
		return event_prop(sc, &sc->ev[sc->n_ev - 1], &c, line, err);
	return ICS_OK;
}

/*
 * Scans text (len bytes, no NUL): physical lines end in LF or CRLF; a
 * line that begins with a space or a tab continues the one before.
 */
static enum ics_status
scan(struct scan *sc, const char *text, size_t len, struct ics_error *err)
{
	const char *p = text, *end = text + len;
	struct buf lb = BUF_INIT;
	enum ics_status st = ICS_OK;
	int line = 0, lline = 0;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;         /* a byte order mark */
	while (st == ICS_OK && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		size_t n = (size_t)((nl ? nl : end) - p);

		line++;
		/* CRLF, or CR CR LF from a file converted twice. */
		while (n && p[n - 1] == '\r')
			n--;
		if (n && (p[0] == ' ' || p[0] == '\t')) {
			if (!lline)
				st = fail(err, ICS_MALFORMED, line, "", "a continued line (it begins "
				          "with a space) that continues nothing");
			else if (buf_add(&lb, p + 1, n - 1))
				st = ICS_NO_MEMORY;
		} else {
			if (lline)
				st = scan_line(sc, lb.p ? lb.p : (char *)"", lline, err);
			buf_reset(&lb);
			lline = 0;
			if (st == ICS_OK && n) {
				lline = line;
				if (buf_add(&lb, p, n))
					st = ICS_NO_MEMORY;
			}
		}
		p = next;
	}
	if (st == ICS_OK && lline)
		st = scan_line(sc, lb.p ? lb.p : (char *)"", lline, err);
	buf_free(&lb);
	if (st == ICS_OK && sc->depth)
		st = fail(err, ICS_MALFORMED, sc->comp_line[sc->depth - 1], "BEGIN",
		          "the %s that begins here is never closed with END",
		          known_comp(sc->comp[sc->depth - 1]));
	if (st == ICS_OK && !sc->calendars)
		st = fail(err, ICS_MALFORMED, 0, "", "the file is empty: it has no BEGIN:VCALENDAR");
	if (st == ICS_OK)
		st = zone_changes(sc, err);
	return st;
}

/* Copies s for an error message: letters, digits and / _ + - . only. */
static void
tzid_shown(char *out, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < n; i++)
		out[i] = strchr(NAME_CHARS "/_+. ", s[i]) ? s[i] : '?';
	out[i] = '\0';
}

/*
 * libical expands every rule of a file's time zone, from the DTSTART of
 * its STANDARD or DAYLIGHT part to a few years from now, the first time
 * a time is read in that zone: the changes of the zones the file uses
 * count as steps, and a file whose zones change too often is refused,
 * naming the VTIMEZONE.
 */
static enum ics_status
zone_changes(struct scan *sc, struct ics_error *err)
{
	int i;

	for (i = 0; i < sc->n_zones; i++) {
		struct zref *zr = &sc->zones[i];

		if (!zr->used || !zr->defined)
			continue;
		if (zr->changes > sc->max_steps - sc->steps)
			return fail(err, ICS_TOO_MANY, zr->vtz_line, "VTIMEZONE", "this time zone changes "
			            "too often to read (%ld changes since its first DTSTART)", zr->changes);
		sc->steps += zr->changes;
	}
	return ICS_OK;
}

/* ----------------------------------------------------------------------
 * (B) The zones the file names but does not define
 * ---------------------------------------------------------------------- */

static enum ics_status
resolve_zones(struct scan *sc, struct ics_error *err)
{
	static const char prefix[] = "/freeassociation.sourceforge.net/";
	int i;

	for (i = 0; i < sc->n_zones; i++) {
		struct zref *zr = &sc->zones[i];
		const char *name = zr->tzid;
		char shown[TZID_MAX];

		/* Evolution's own prefix for IANA zones. */
		if (strncmp(name, prefix, sizeof(prefix) - 1) == 0)
			name += sizeof(prefix) - 1;
		if (strncmp(name, "Tzfile/", 7) == 0)
			name += 7;
		/* A defined zone may be wanted by another VCALENDAR of the file. */
		zr->z = tz_get(name);
		if (!zr->z && !zr->defined) {
			tzid_shown(shown, sizeof(shown), zr->tzid);
			return fail(err, ICS_MALFORMED, zr->line, zr->prop, "the time zone TZID=%s is "
			            "neither defined in the file (VTIMEZONE) nor an IANA zone "
			            "(like America/New_York)", shown);
		}
	}
	return ICS_OK;
}

/* ----------------------------------------------------------------------
 * (C) Extract, with libical
 * ---------------------------------------------------------------------- */

/* A time: UTC, or a wall time in zone z (NULL: the clinician's). */
struct tval {
	int64_t v;                      /* seconds: UTC, or local seconds */
	const struct tz_zone *z;
	bool utc;
};

/* How the values of one property are read. */
struct frame {
	enum { F_UTC, F_FILE, F_WALL } kind;
	icaltimezone *fz;               /* F_FILE: the file's VTIMEZONE */
	const struct tz_zone *z;        /* F_WALL: the zone, NULL for the clinician's */
};

struct event {
	char *uid;                      /* malloc'd, or NULL */
	bool master;                    /* no RECURRENCE-ID */
	bool busy;                      /* neither cancelled nor transparent */
	bool date;                      /* all-day */
	bool has_dtend, has_duration;
	struct tval dtstart, dtend, rid;
	int64_t duration;               /* DURATION, seconds */
	int64_t span;                   /* how long it may last, at most, for (C)'s bounds */
};

/* An occurrence: event ev starting at start, ending as the event does
 * (END_EVENT), at end (END_AT) or dur seconds later (END_AFTER). */
struct occ {
	int ev;
	struct tval start, end;
	enum { END_EVENT, END_AT, END_AFTER } how;
	int64_t dur;
};

struct exdate {
	int ev;
	struct tval t;
	int64_t at;                     /* t in UTC, (D) */
};

struct ctx {
	const struct tz_zone *zone;
	int64_t from, to;
	struct scan *sc;
	struct event *ev;
	int n_ev;
	struct occ *occ;
	int n_occ, cap_occ;
	struct exdate *ex;
	int n_ex, cap_ex;
	long steps, max_steps;          /* libical's steps taken, and allowed (note 5) */
	long budget_ms;
	struct kinds {                  /* the kinds of period a kind of rule gives a day in */
		struct icalrecurrencetype r;    /* its BY parts only */
		icalrecurrencetype_frequency freq;
		icalrecurrencetype_weekday week_start;
		int month, day;
		signed char gives[28];
	} kinds[KINDS_KEPT];
	int n_kinds, next_kind;
	struct timespec deadline;       /* CLOCK_MONOTONIC */
	const atomic_int *stop;
	struct ics_error *err;
};

static int64_t
civil_seconds(struct icaltimetype t)
{
	int64_t s = tz_days_from_civil(t.year, (unsigned)t.month, (unsigned)t.day) * DAY;

	return t.is_date ? s : s + t.hour * 3600 + t.minute * 60 + t.second;
}

static const struct zref *
zref_of(const struct scan *sc, const char *tzid)
{
	int i;

	for (i = 0; i < sc->n_zones; i++)
		if (strcmp(sc->zones[i].tzid, tzid) == 0)
			return &sc->zones[i];
	return NULL;
}

/* How property p of calendar cal places time t; -1 for a TZID (B) did not see. */
static int
frame_of(const struct ctx *x, icalcomponent *cal, icalproperty *p, struct icaltimetype t,
         struct frame *f)
{
	icalparameter *param;

	memset(f, 0, sizeof(*f));
	f->kind = F_WALL;
	if (t.is_date)
		return 0;
	if (icaltime_is_utc(t)) {
		f->kind = F_UTC;
		return 0;
	}
	param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	if (param && icalparameter_get_tzid(param)) {
		const char *id = icalparameter_get_tzid(param);
		const struct zref *zr = zref_of(x->sc, id);

		if (zr && zr->defined)
			f->fz = icalcomponent_get_timezone(cal, id);
		if (f->fz) {
			f->kind = F_FILE;
			return 0;
		}
		if (!zr || !zr->z)
			return -1;
		f->z = zr->z;
	}
	return 0;
}

static struct tval
frame_val(const struct frame *f, struct icaltimetype t)
{
	struct tval v = {civil_seconds(t), NULL, false};

	if (t.is_date)
		return v;
	if (f->kind == F_UTC) {
		v.utc = true;
	} else if (f->kind == F_FILE) {
		v.v = (int64_t)icaltime_as_timet_with_zone(t, f->fz);
		v.utc = true;
	} else {
		v.z = f->z;
	}
	return v;
}

/* Reads time t of property p; a TZID unknown to (B) is the scan's line of the event. */
static enum ics_status
read_time(struct ctx *x, icalcomponent *cal, icalproperty *p, struct icaltimetype t,
          int k, struct tval *out, struct frame *f)
{
	struct frame own;

	if (!f)
		f = &own;
	if (frame_of(x, cal, p, t, f))
		return fail(x->err, ICS_MALFORMED, x->sc->ev[k].line, "VEVENT",
		            "the event uses a time zone that the file does not define");
	*out = frame_val(f, t);
	return ICS_OK;
}

/* Is v (a time near t's frame) far enough from the window that no
 * occurrence starting at v, lasting span, can reach it? */
static bool
far(const struct ctx *x, int64_t v, int64_t span)
{
	return v > x->to + SLACK || v + span < x->from - SLACK;
}

static enum ics_status
add_occ(struct ctx *x, const struct occ *o)
{
	if (x->n_occ >= 4 * ICS_MAX_EVENTS)
		return fail(x->err, ICS_TOO_MANY, 0, "", "the calendar has more than %d events in "
		            "the weeks read; export fewer weeks, or fewer calendars", ICS_MAX_EVENTS);
	if (grow(&x->occ, &x->cap_occ, x->n_occ, sizeof(*x->occ)))
		return ICS_NO_MEMORY;
	x->occ[x->n_occ++] = *o;
	return ICS_OK;
}

/* The zone libical should iterate a rule in, for its UNTIL comparisons. */
static icaltimezone *
iter_zone(const struct frame *f)
{
	if (f->kind == F_UTC)
		return icaltimezone_get_utc_timezone();
	if (f->kind == F_FILE)
		return f->fz;
	return f->z ? icaltimezone_get_builtin_timezone(tz_name(f->z)) : NULL;
}

/* ----------------------------------------------------------------------
 * (C) Bounding libical's work on a rule (design note 5)
 * ---------------------------------------------------------------------- */

/* libical 3.0's table of what each BY part does for each FREQ
 * (icalrecur.c's expand_map): C filters, E expands, X is not allowed. */
enum { C = 1, E = 2, X = 3 };
static const char by_role[7][P__MAX] = {
	/*          s  m  h  D  MD YD W  M  P */
	[ICAL_SECONDLY_RECURRENCE] = {C, C, C, C, C, C, X, C, C},
	[ICAL_MINUTELY_RECURRENCE] = {E, C, C, C, C, C, X, C, C},
	[ICAL_HOURLY_RECURRENCE] = {E, E, C, C, C, C, X, C, C},
	[ICAL_DAILY_RECURRENCE] = {E, E, E, C, C, X, X, C, C},
	[ICAL_WEEKLY_RECURRENCE] = {E, E, E, E, X, X, X, C, C},
	[ICAL_MONTHLY_RECURRENCE] = {E, E, E, E, E, X, X, C, C},
	[ICAL_YEARLY_RECURRENCE] = {E, E, E, E, E, E, E, E, C},
};
static const char *const by_name[P__MAX] = {"BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY",
	"BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS"};
static const char *const freq_name[7] = {"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY",
	"MONTHLY", "YEARLY"};

/* How many values BY part `part` of r lists (0 when absent). */
static int
by_count(const struct icalrecurrencetype *r, int part)
{
	const short *v;
	int i, size;

	switch (part) {
	case P_SECOND: v = r->by_second; size = ICAL_BY_SECOND_SIZE; break;
	case P_MINUTE: v = r->by_minute; size = ICAL_BY_MINUTE_SIZE; break;
	case P_HOUR: v = r->by_hour; size = ICAL_BY_HOUR_SIZE; break;
	case P_DAY: v = r->by_day; size = ICAL_BY_DAY_SIZE; break;
	case P_MONTHDAY: v = r->by_month_day; size = ICAL_BY_MONTHDAY_SIZE; break;
	case P_YEARDAY: v = r->by_year_day; size = ICAL_BY_YEARDAY_SIZE; break;
	case P_WEEKNO: v = r->by_week_no; size = ICAL_BY_WEEKNO_SIZE; break;
	case P_MONTH: v = r->by_month; size = ICAL_BY_MONTH_SIZE; break;
	default: v = r->by_set_pos; size = ICAL_BY_SETPOS_SIZE; break;
	}
	for (i = 0; i < size && v[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
		;
	return i;
}

static bool
leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
month_days(int64_t y, int m)
{
	static const int n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* The year of the same calendar as year y, from 2000 to 2399 (the
 * Gregorian calendar repeats every 400 years). */
static int
same_year(int64_t y)
{
	return 2000 + (int)(((y % 400) + 400) % 400);
}

/* A year's shape: whether it is leap and the weekday of 1 January (0..13).
 * libical's expansion of a yearly rule over a year depends on nothing else. */
static int
year_shape(int64_t y)
{
	int r = same_year(y);

	return (leap(r) ? 7 : 0) + tz_weekday(tz_days_from_civil(r, 1, 1));
}

/* A month's shape: its length and the weekday of its 1st (0..27). */
static int
month_shape(int64_t y, int m)
{
	int r = same_year(y);

	return (month_days(r, m) - 28) * 7 + tz_weekday(tz_days_from_civil(r, (unsigned)m, 1));
}

/*
 * Does libical's expansion of rule r (DTSTART dt) give a day in a period
 * (a year, or a month) of shape sh? Asked of libical itself, in one call
 * that costs a bounded number of periods: an iterator whose INTERVAL is a
 * multiple of 400 years finds the period of that shape empty in every
 * step, until the year 20000 where it stops searching (about eight
 * steps), or gives a day in the first.
 */
static bool
probe(const struct icalrecurrencetype *r, struct icaltimetype dt, int sh)
{
	struct icalrecurrencetype p = *r;
	icalrecur_iterator *it;
	int y, m = dt.month;

	if (r->freq == ICAL_YEARLY_RECURRENCE) {
		for (y = 2000; y < 2400 && year_shape(y) != sh; y++)
			;
		p.interval = 2000;
	} else {
		for (y = 2000; y < 2400; y++) {
			for (m = 1; m <= 12 && month_shape(y, m) != sh; m++)
				;
			if (m <= 12)
				break;
		}
		p.interval = 28800;             /* 2,400 years of months */
	}
	if (y == 2400)
		return false;
	p.count = 0;
	p.until = icaltime_null_time();
	dt.zone = NULL;
	dt.year = y;
	dt.month = m;
	if (dt.day > month_days(y, m))
		dt.day = month_days(y, m);
	it = icalrecur_iterator_new(p, dt);
	if (!it)
		return false;
	icalrecur_iterator_free(it);
	return true;
}

/* Would libical's default day (DTSTART's) be the only day of each period? */
static bool
default_day(const struct icalrecurrencetype *r)
{
	return !by_count(r, P_MONTHDAY) && !by_count(r, P_DAY) && !by_count(r, P_YEARDAY) &&
	       !by_count(r, P_WEEKNO);
}

/* Does a period of kind sh give rule r (DTSTART dt) a day? */
static bool
kind_gives_day(const struct icalrecurrencetype *r, struct icaltimetype dt, int sh)
{
	if (r->freq == ICAL_MONTHLY_RECURRENCE && default_day(r) && dt.day > 28 + sh / 7)
		return false;   /* DTSTART's day, which a month of this length has not */
	if (r->freq == ICAL_YEARLY_RECURRENCE && default_day(r)) {
		int i, n = by_count(r, P_MONTH);
		bool any = false;

		for (i = 0; i < (n ? n : 1); i++) {
			int m = n ? r->by_month[i] & 0xff : dt.month;

			if (m >= 1 && m <= 12 && dt.day <= month_days(sh >= 7 ? 2000 : 2001, m))
				any = true;
		}
		if (!any)
			return false;
	}
	return probe(r, dt, sh);
}

/*
 * The kinds of period that give rule r (DTSTART dt) a day, 1 or 0 each,
 * asked of libical once per kind of rule in a file: they depend on its
 * BY parts and DTSTART's month and day, not on its INTERVAL, COUNT or
 * UNTIL, and a calendar repeats its rules.
 */
static const signed char *
kinds_of(struct ctx *x, const struct icalrecurrencetype *r, struct icaltimetype dt)
{
	size_t from = offsetof(struct icalrecurrencetype, by_second);
	size_t len = offsetof(struct icalrecurrencetype, by_set_pos) + sizeof(r->by_set_pos) - from;
	struct kinds *k;
	bool yearly = r->freq == ICAL_YEARLY_RECURRENCE;
	int i, n = yearly ? 14 : 28, month = dt.month, day = dt.day;

	/* DTSTART's month and day count only where libical reads them: its
	 * default month (YEARLY) and day, and a BYWEEKNO without BYDAY. */
	if (!yearly || by_count(r, P_MONTH) || by_count(r, P_YEARDAY) ||
	    (by_count(r, P_WEEKNO) && by_count(r, P_DAY)) ||
	    (by_count(r, P_DAY) && !by_count(r, P_MONTHDAY)))
		month = 0;
	if (!default_day(r) && !(yearly && by_count(r, P_WEEKNO) && !by_count(r, P_DAY)))
		day = 0;
	for (i = 0; i < x->n_kinds; i++) {
		k = &x->kinds[i];
		if (k->freq == r->freq && k->week_start == r->week_start && k->month == month &&
		    k->day == day && memcmp((const char *)&k->r + from, (const char *)r + from, len) == 0)
			return k->gives;
	}
	k = &x->kinds[x->n_kinds < KINDS_KEPT ? x->n_kinds++ : (x->next_kind++ % KINDS_KEPT)];
	memcpy((char *)&k->r + from, (const char *)r + from, len);
	k->freq = r->freq;
	k->week_start = r->week_start;
	k->month = month;
	k->day = day;
	for (i = 0; i < n; i++) {
		k->gives[i] = kind_gives_day(r, dt, i);
		x->steps += 8;          /* a probe: about eight periods' work */
	}
	return k->gives;
}

static int64_t
gcd(int64_t a, int64_t b)
{
	while (b) {
		int64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * The periods a monthly or yearly rule visits, from DTSTART's, repeat
 * every 400 years: its longest run of periods that give no day (libical's
 * longest search, which no UNTIL stops), in periods; -1 when no period
 * gives one (libical would search to the year 20000, or for ever).
 * Months the rule's BYMONTH leaves out count in a run: libical steps
 * over them one by one.
 */
static long
longest_gap(struct ctx *x, const struct icalrecurrencetype *r, struct icaltimetype dt)
{
	bool yearly = r->freq == ICAL_YEARLY_RECURRENCE, months[13] = {false}, all = true, none = true;
	const signed char *gives = kinds_of(x, r, dt);
	int64_t cycle = yearly ? 400 : 4800, step = r->interval > 0 ? r->interval : 1, k, n;
	int64_t first = yearly ? dt.year : (int64_t)dt.year * 12 + dt.month - 1;
	long run = 0, longest = 0;
	bool any = false;
	int i, nm = by_count(r, P_MONTH);

	for (i = 0; i < (yearly ? 14 : 28); i++) {
		all = all && gives[i];
		none = none && !gives[i];
	}
	if (none)
		return -1;
	for (i = 0; i < nm; i++)
		if ((r->by_month[i] & 0xff) >= 1 && (r->by_month[i] & 0xff) <= 12)
			months[r->by_month[i] & 0xff] = true;
	if (all) {
		/* Every period gives a day: a monthly rule's only search is for a
		 * month of its BYMONTH, if its INTERVAL reaches one. */
		if (yearly || !nm)
			return 0;
		for (k = 0; k < 12; k++)
			if (months[(first + k * step) % 12 + 1])
				return 11;
		return -1;
	}
	n = cycle / gcd(step % cycle ? step % cycle : cycle, cycle);
	/* Some kinds do, some do not: walk the periods, two turns of the
	 * cycle, as a run may wrap round its end. */
	for (k = 0; k < 2 * n; k++) {
		int64_t p = first + k * step, y = yearly ? p : p / 12;
		int m = yearly ? 0 : (int)(p % 12) + 1;
		bool day;

		if (yearly)
			day = gives[year_shape(y)];
		else
			day = (!nm || months[m]) && gives[month_shape(y, m)];
		if (day) {
			any = true;
			run = 0;
		} else if (++run > longest) {
			longest = run;
		}
		if (k == n - 1 && !any)
			return -1;
	}
	x->steps += (long)(2 * n / 64);
	return longest;
}

/*
 * How many days a month (MONTHLY) or a year (YEARLY) of rule r gives, at
 * most: libical's iterator examines those, not every day of the period.
 */
static double
days_per_period(const struct icalrecurrencetype *r)
{
	int md = by_count(r, P_MONTHDAY), nd = by_count(r, P_DAY), i;
	bool yearly = r->freq == ICAL_YEARLY_RECURRENCE;
	double bd = 0, n;

	for (i = 0; i < nd; i++)
		bd += icalrecurrencetype_day_position(r->by_day[i]) ? 1 :
		      yearly && !by_count(r, P_MONTH) ? 53 : 5;
	if (yearly && by_count(r, P_YEARDAY))
		n = by_count(r, P_YEARDAY);
	else if (yearly && by_count(r, P_WEEKNO))
		n = by_count(r, P_WEEKNO) * (nd ? nd : 1);
	else if (md && nd)
		n = md < bd ? md : bd;
	else
		n = md ? md : nd ? bd : 1;
	if (yearly && !by_count(r, P_YEARDAY) && !by_count(r, P_WEEKNO) && (md || !nd || by_count(r, P_MONTH)))
		n *= by_count(r, P_MONTH) ? by_count(r, P_MONTH) : md ? 12 : 1;
	return n < (yearly ? 366 : 31) ? n : (yearly ? 366 : 31);
}

/* What expand() will ask of libical for one rule, and what it costs. */
struct plan {
	struct icalrecurrencetype rule; /* UNTIL near the window */
	struct icaltimetype dt;         /* the iterator's DTSTART: the event's, or moved forward */
	struct icaltimetype start;      /* for icalrecur_iterator_set_start, or null */
	double steps;                   /* candidates libical may examine, at most */
	bool nothing;                   /* no occurrence at all: libical is not asked */
};

static struct icaltimetype
time_at(struct icaltimetype like, int64_t civil)
{
	int y;
	unsigned m, d;
	int64_t day = civil >= 0 ? civil / DAY : -((-civil + DAY - 1) / DAY), sec = civil - day * DAY;

	tz_civil_from_days(day, &y, &m, &d);
	like.year = y;
	like.month = (int)m;
	like.day = (int)d;
	if (!like.is_date) {
		like.hour = (int)(sec / 3600);
		like.minute = (int)(sec / 60 % 60);
		like.second = (int)(sec % 60);
	}
	return like;
}

/*
 * Plans the expansion of event k's rule (its DTSTART dt, read in frame f)
 * so that libical never searches far: its UNTIL is moved to just after the
 * window; it starts near the window when it can; a monthly or yearly rule
 * whose periods give no day is not expanded, and any other one's searches
 * are measured (longest_gap). pl->steps bounds the candidates libical
 * examines, whatever the rule.
 */
static enum ics_status
plan_rule(struct ctx *x, int k, struct icalrecurrencetype rule, struct icaltimetype dt,
          const struct frame *f, struct plan *pl)
{
	static const int64_t unit[3] = {1, 60, 3600};
	int line = x->sc->ev[k].rrule, freq = rule.freq, i;
	int64_t lo = x->from - x->ev[k].span - SLACK, s, u, step = rule.interval > 0 ? rule.interval : 1;
	double span, times = 1, periods;
	bool filters = false;
	long gap = 0;

	memset(pl, 0, sizeof(*pl));
	pl->start = icaltime_null_time();
	if (freq < ICAL_SECONDLY_RECURRENCE || freq > ICAL_YEARLY_RECURRENCE)
		return fail(x->err, ICS_MALFORMED, line, "RRULE", "not a recurrence rule (like "
		            "FREQ=WEEKLY;BYDAY=TU)");
	if (rule.rscale)
		return fail(x->err, ICS_MALFORMED, line, "RRULE", "chiron reads rules of the Gregorian "
		            "calendar only (no RSCALE)");
	for (i = 0; i < P__MAX; i++) {
		int n = by_count(&rule, i);

		if (n && by_role[freq][i] == X)
			return fail(x->err, ICS_MALFORMED, line, "RRULE", "%s cannot be used with FREQ=%s",
			            by_name[i], freq_name[freq]);
		if (n && by_role[freq][i] == C && i != P_SETPOS)
			filters = true;
		if (n && by_role[freq][i] == E && i <= P_HOUR)
			times *= n;
	}
	if (freq == ICAL_YEARLY_RECURRENCE &&
	    ((by_count(&rule, P_YEARDAY) && (by_count(&rule, P_WEEKNO) || by_count(&rule, P_MONTH) ||
	                                     by_count(&rule, P_MONTHDAY))) ||
	     (by_count(&rule, P_WEEKNO) && (by_count(&rule, P_MONTHDAY) ||
	                                    (by_count(&rule, P_MONTH) && !by_count(&rule, P_DAY))))))
		return fail(x->err, ICS_MALFORMED, line, "RRULE", "libical cannot apply BYYEARDAY or "
		            "BYWEEKNO together with BYMONTH or BYMONTHDAY");
	if (freq >= ICAL_MONTHLY_RECURRENCE) {
		gap = longest_gap(x, &rule, dt);
		if (gap < 0) {
			pl->nothing = true;     /* no period of it gives a day: none in the window */
			return ICS_OK;
		}
	}

	/* Where libical starts: near the window when no COUNT needs DTSTART. */
	pl->dt = dt;
	s = civil_seconds(dt);
	if (rule.count == 0 && freq >= ICAL_DAILY_RECURRENCE && frame_val(f, dt).v < lo - SLACK) {
		pl->start = time_at(dt, (lo - SLACK) / DAY * DAY);
		s = civil_seconds(pl->start);
	} else if (rule.count == 0 && freq <= ICAL_HOURLY_RECURRENCE && !dt.is_date &&
	           (!dt.zone || dt.zone == icaltimezone_get_utc_timezone()) &&
	           !by_count(&rule, P_SECOND) && !(freq >= ICAL_MINUTELY_RECURRENCE &&
	                                           by_count(&rule, P_MINUTE)) &&
	           !(freq == ICAL_HOURLY_RECURRENCE && by_count(&rule, P_HOUR)) &&
	           s < lo - SLACK) {
		/* A whole number of the rule's steps later: the same series. */
		int64_t d = step * unit[freq];

		s += (lo - SLACK - s) / d * d;
		pl->dt = time_at(dt, s);
	}
	/* Where it stops: just after the window, or at the rule's own UNTIL. */
	u = x->to + 2 * SLACK;
	if (dt.is_date)
		u = u / DAY * DAY;
	if (icaltime_is_null_time(rule.until) || civil_seconds(rule.until) > u) {
		rule.until = time_at(dt, u);
		rule.until.zone = dt.zone;
	} else {
		u = civil_seconds(rule.until);
	}
	pl->rule = rule;

	/* What libical may examine between s and u. */
	span = (double)(u > s ? u - s : 0) + DAY;
	switch (freq) {
	case ICAL_SECONDLY_RECURRENCE:
	case ICAL_MINUTELY_RECURRENCE:
	case ICAL_HOURLY_RECURRENCE:
		/* With a BY list of its own unit (BYHOUR of an HOURLY rule: the
		 * part of the same index), libical walks that list in every
		 * minute, hour or day, whatever the INTERVAL (icalrecur.c's
		 * next_unit). */
		if (by_count(&rule, freq))
			pl->steps = span / (double)(freq == ICAL_HOURLY_RECURRENCE ? DAY : 60 * unit[freq]) *
			            by_count(&rule, freq) * times;
		else
			pl->steps = span / (double)(step * unit[freq]) * times;
		break;
	case ICAL_DAILY_RECURRENCE:
		pl->steps = span / (double)(step * DAY) * times;
		break;
	case ICAL_WEEKLY_RECURRENCE:
		pl->steps = (span / (double)(step * 7 * DAY) + 1) *
		            (by_count(&rule, P_DAY) ? by_count(&rule, P_DAY) : 1) * times;
		break;
	default:
		/* Every day of every period it visits, and its searches between. */
		periods = span / (freq == ICAL_MONTHLY_RECURRENCE ? 28.0 * DAY : 365.0 * DAY) /
		          (double)step + 2;
		pl->steps = periods * days_per_period(&rule) * times + periods * (double)(gap + 1) * 2;
		break;
	}
	/* Every candidate is an occurrence (but those of DTSTART's week,
	 * month or year before it), and every month or year gives one: the
	 * COUNT bounds them too. A series of 24 sessions begun years ago
	 * costs 24 steps and a few, not years of them. */
	if (rule.count > 0 && !filters && gap == 0) {
		double first = freq >= ICAL_MONTHLY_RECURRENCE ? days_per_period(&rule) : 7;

		if (pl->steps > ((double)rule.count + first) * times)
			pl->steps = ((double)rule.count + first) * times;
	}
	pl->steps += 2;
	/* libical (with ICU) steps several times slower in a named zone. */
	if (dt.zone && dt.zone != icaltimezone_get_utc_timezone())
		pl->steps *= ZONED_STEP;
	return ICS_OK;
}

static int64_t
ms_left(const struct ctx *x)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(x->deadline.tv_sec - now.tv_sec) * 1000 +
	       (x->deadline.tv_nsec - now.tv_nsec) / 1000000;
}

/* Told to stop, or out of time? The reading stops at line `line`. */
static enum ics_status
in_time(struct ctx *x, int line, const char *prop)
{
	if (x->stop && atomic_load(x->stop))
		return fail(x->err, ICS_STOPPED, 0, "", "the server is stopping; upload the calendar "
		            "again in a minute");
	if (ms_left(x) < 0)
		return fail(x->err, ICS_TOO_SLOW, line, prop, "reading the calendar took too long "
		            "(more than %ld second%s) and stopped here; export fewer weeks, or fewer "
		            "calendars", (x->budget_ms + 999) / 1000, x->budget_ms > 1000 ? "s" : "");
	return ICS_OK;
}

/* The occurrences of event k's rule rp from dtstart dt (read in frame f). */
static enum ics_status
expand(struct ctx *x, int k, icalproperty *rp, struct icaltimetype dt, const struct frame *f)
{
	const struct event *ev = &x->ev[k];
	int line = x->sc->ev[k].rrule;
	struct icaltimetype t;
	icalrecur_iterator *it;
	enum ics_status st;
	struct plan pl;
	double calls = 0;

	dt.zone = iter_zone(f);
	st = plan_rule(x, k, icalproperty_get_rrule(rp), dt, f, &pl);
	if (st || pl.nothing)
		return st;
	if (pl.steps > (double)(x->max_steps - x->steps))
		return fail(x->err, ICS_TOO_MANY, line, "RRULE", "this rule repeats too often to read "
		            "(with it, the rules of the calendar would take about %.0f steps to expand; "
		            "chiron takes at most %ld)", (double)x->steps + pl.steps, x->max_steps);
	x->steps += (long)pl.steps;
	it = icalrecur_iterator_new(pl.rule, pl.dt);
	if (!it)
		return fail(x->err, ICS_MALFORMED, line, "RRULE",
		            "the rule cannot be applied to this event's DTSTART");
	/* Start near the window (design note 5). */
	if (!icaltime_is_null_time(pl.start) && !icalrecur_iterator_set_start(it, pl.start)) {
		icalrecur_iterator_free(it);
		it = icalrecur_iterator_new(pl.rule, pl.dt);
		if (!it)
			return ICS_NO_MEMORY;
	}
	while (!icaltime_is_null_time(t = icalrecur_iterator_next(it))) {
		struct occ o = {k, frame_val(f, t), {0, NULL, false}, END_EVENT, 0};

		/* plan_rule's bound holds; this only guards it. */
		if (++calls > pl.steps) {
			st = fail(x->err, ICS_TOO_MANY, line, "RRULE", "this rule repeats too often to "
			          "read");
			break;
		}
		/* Others may use libical between two looks at the clock. */
		if ((long)calls % CLOCK_EVERY == 0) {
			tz_ical_unlock();
			st = in_time(x, line, "RRULE");
			tz_ical_lock();
			if (st)
				break;
		}
		if (o.start.v > x->to + SLACK)
			break;
		if (far(x, o.start.v, ev->span))
			continue;
		st = add_occ(x, &o);
		if (st)
			break;
	}
	icalrecur_iterator_free(it);
	return st;
}

/* The second pass over event k: its dates (RDATE), exceptions (EXDATE), rules. */
static enum ics_status
event_recurrences(struct ctx *x, icalcomponent *cal, icalcomponent *ve, int k,
                  struct icaltimetype dt, const struct frame *df)
{
	const struct event *ev = &x->ev[k];
	icalproperty *p;
	enum ics_status st = ICS_OK;

	for (p = icalcomponent_get_first_property(ve, ICAL_ANY_PROPERTY); p && st == ICS_OK;
	     p = icalcomponent_get_next_property(ve, ICAL_ANY_PROPERTY)) {
		icalproperty_kind kind = icalproperty_isa(p);

		if (kind == ICAL_EXDATE_PROPERTY) {
			if (grow(&x->ex, &x->cap_ex, x->n_ex, sizeof(*x->ex)))
				return ICS_NO_MEMORY;
			x->ex[x->n_ex].ev = k;
			st = read_time(x, cal, p, icalproperty_get_exdate(p), k, &x->ex[x->n_ex].t, NULL);
			x->n_ex++;
		} else if (kind == ICAL_RDATE_PROPERTY) {
			struct icaldatetimeperiodtype r = icalproperty_get_rdate(p);
			struct occ o = {k, {0, NULL, false}, {0, NULL, false}, END_EVENT, 0};

			if (!icaltime_is_null_time(r.time)) {
				st = read_time(x, cal, p, r.time, k, &o.start, NULL);
			} else {
				st = read_time(x, cal, p, r.period.start, k, &o.start, NULL);
				if (st == ICS_OK && !icaltime_is_null_time(r.period.end)) {
					st = read_time(x, cal, p, r.period.end, k, &o.end, NULL);
					o.how = END_AT;
				} else {
					o.how = END_AFTER;
					o.dur = icaldurationtype_as_int(r.period.duration);
				}
			}
			if (st == ICS_OK && !far(x, o.start.v, o.how == END_AFTER ? o.dur :
			                         o.how == END_AT ? llabs(o.end.v - o.start.v) + SLACK :
			                         ev->span))
				st = add_occ(x, &o);
		} else if (kind == ICAL_RRULE_PROPERTY) {
			st = expand(x, k, p, dt, df);
		}
	}
	return st;
}

/* Event k of the scan is ve of calendar cal. */
static enum ics_status
extract_event(struct ctx *x, icalcomponent *cal, icalcomponent *ve, int k)
{
	struct event *ev = &x->ev[k];
	const struct ev_scan *es = &x->sc->ev[k];
	icalproperty *p;
	struct icaltimetype dt = icaltime_null_time();
	struct frame df;
	enum ics_status st = ICS_OK;
	const char *uid = icalcomponent_get_uid(ve);
	struct occ o;

	ev->master = true;
	ev->busy = true;
	if (uid && !(ev->uid = strdup(uid)))
		return ICS_NO_MEMORY;
	p = icalcomponent_get_first_property(ve, ICAL_DTSTART_PROPERTY);
	if (!p)
		return fail(x->err, ICS_MALFORMED, es->dtstart, "DTSTART", "it could not be read");
	dt = icalproperty_get_dtstart(p);
	ev->date = dt.is_date;
	st = read_time(x, cal, p, dt, k, &ev->dtstart, &df);
	for (p = icalcomponent_get_first_property(ve, ICAL_ANY_PROPERTY); p && st == ICS_OK;
	     p = icalcomponent_get_next_property(ve, ICAL_ANY_PROPERTY)) {
		switch (icalproperty_isa(p)) {
		case ICAL_DTEND_PROPERTY:
			ev->has_dtend = true;
			st = read_time(x, cal, p, icalproperty_get_dtend(p), k, &ev->dtend, NULL);
			break;
		case ICAL_DURATION_PROPERTY:
			ev->has_duration = true;
			ev->duration = icaldurationtype_as_int(icalproperty_get_duration(p));
			break;
		case ICAL_RECURRENCEID_PROPERTY:
			ev->master = false;
			st = read_time(x, cal, p, icalproperty_get_recurrenceid(p), k, &ev->rid, NULL);
			break;
		case ICAL_STATUS_PROPERTY:
			if (icalproperty_get_status(p) == ICAL_STATUS_CANCELLED)
				ev->busy = false;
			break;
		case ICAL_TRANSP_PROPERTY:
			if (icalproperty_get_transp(p) == ICAL_TRANSP_TRANSPARENT ||
			    icalproperty_get_transp(p) == ICAL_TRANSP_TRANSPARENTNOCONFLICT)
				ev->busy = false;
			break;
		default:
			break;
		}
	}
	if (st)
		return st;
	/* How long it may last, for (C)'s bounds; (D) checks DTEND. */
	if (ev->has_dtend)
		ev->span = llabs(ev->dtend.v - ev->dtstart.v) + SLACK;
	else if (ev->has_duration)
		ev->span = ev->duration;
	else
		ev->span = ev->date ? DAY : 0;
	if (!ev->busy)
		return ICS_OK;  /* an override still takes its occurrence out, in (D) */
	o = (struct occ){k, ev->dtstart, {0, NULL, false}, END_EVENT, 0};
	if (!far(x, o.start.v, ev->span) && (st = add_occ(x, &o)))
		return st;
	/* A moved occurrence is one occurrence: its own RRULE or RDATE would be an error. */
	if (!ev->master)
		return ICS_OK;
	return event_recurrences(x, cal, ve, k, dt, &df);
}

static enum ics_status
extract_calendar(struct ctx *x, icalcomponent *cal, int *k)
{
	icalcomponent *ve;
	enum ics_status st = ICS_OK;

	for (ve = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ve && st == ICS_OK;
	     ve = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		if (*k >= x->n_ev)
			return fail(x->err, ICS_MALFORMED, 0, "", "libical found more events than the "
			            "file has; it could not be read");
		/* Between two events others may use libical (design note 4). */
		tz_ical_unlock();
		st = in_time(x, x->sc->ev[*k].line, "VEVENT");
		tz_ical_lock();
		if (st)
			return st;
		st = extract_event(x, cal, ve, (*k)++);
	}
	return st;
}

/* (C): parses the text (NUL-ended) and extracts every event. Called with the
 * libical lock held; lets it go between events. */
static enum ics_status
extract(struct ctx *x, const char *text)
{
	icalcomponent *root, *cal;
	enum ics_status st = ICS_OK;
	int k = 0;

	root = icalparser_parse_string(text);
	if (!root)
		return fail(x->err, ICS_MALFORMED, 0, "", "libical could not read the file as iCalendar");
	if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
		st = extract_calendar(x, root, &k);
	} else {
		for (cal = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
		     cal && st == ICS_OK;
		     cal = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT))
			st = extract_calendar(x, cal, &k);
	}
	if (st == ICS_OK && k != x->n_ev)
		st = fail(x->err, ICS_MALFORMED, 0, "", "libical found fewer events than the file has; "
		          "it could not be read");
	icalcomponent_free(root);
	return st;
}

/* ----------------------------------------------------------------------
 * (D) Resolve
 * ---------------------------------------------------------------------- */

static int64_t
utc_of(const struct ctx *x, struct tval t)
{
	return t.utc ? t.v : tz_local_to_utc(t.z ? t.z : x->zone, t.v);
}

/* A moved or cancelled occurrence: the series (UID) and its original start. */
struct moved {
	const char *uid;
	int64_t at;
};

static int
by_moved(const void *a, const void *b)
{
	const struct moved *p = a, *q = b;
	int c = strcmp(p->uid, q->uid);

	return c ? c : (p->at > q->at) - (p->at < q->at);
}

static int
by_exdate(const void *a, const void *b)
{
	const struct exdate *p = a, *q = b;

	if (p->ev != q->ev)
		return p->ev - q->ev;
	return (p->at > q->at) - (p->at < q->at);
}

static int
by_start(const void *a, const void *b)
{
	const struct ics_interval *p = a, *q = b;

	if (p->start != q->start)
		return (p->start > q->start) - (p->start < q->start);
	return (p->end > q->end) - (p->end < q->end);
}

/* An interval per event and start: the same one twice (DTSTART, and the
 * rule's first) is kept once, so it counts once against the cap. */
struct ikey {
	struct ics_interval iv;
	int ev;
};

static int
by_key(const void *a, const void *b)
{
	const struct ikey *p = a, *q = b;

	if (p->ev != q->ev)
		return p->ev - q->ev;
	return by_start(&p->iv, &q->iv);
}

static enum ics_status
resolve(struct ctx *x, struct ics_interval **out, int *n)
{
	struct moved *mv = NULL;
	struct ikey *keys = NULL;
	struct ics_interval *iv = NULL;
	int n_mv = 0, n_keys = 0, i, k;
	enum ics_status st = ICS_OK;

	mv = calloc((size_t)x->n_ev + 1, sizeof(*mv));
	keys = calloc((size_t)x->n_occ + 1, sizeof(*keys));
	if (!mv || !keys) {
		st = ICS_NO_MEMORY;
		goto out;
	}
	for (i = 0; i < x->n_ev; i++) {
		const struct event *ev = &x->ev[i];

		if (ev->has_dtend && utc_of(x, ev->dtend) < utc_of(x, ev->dtstart)) {
			st = fail(x->err, ICS_MALFORMED, x->sc->ev[i].dtend, "DTEND",
			          "the event ends before it starts (DTSTART, line %d)", x->sc->ev[i].dtstart);
			goto out;
		}
		if (!ev->master && ev->uid) {
			mv[n_mv].uid = ev->uid;
			mv[n_mv++].at = utc_of(x, ev->rid);
		}
	}
	qsort(mv, (size_t)n_mv, sizeof(*mv), by_moved);
	for (i = 0; i < x->n_ex; i++)
		x->ex[i].at = utc_of(x, x->ex[i].t);
	if (x->n_ex)
		qsort(x->ex, (size_t)x->n_ex, sizeof(*x->ex), by_exdate);
	for (i = 0; i < x->n_occ; i++) {
		const struct occ *o = &x->occ[i];
		const struct event *ev = &x->ev[o->ev];
		struct moved m = {ev->uid, 0};
		struct exdate e = {o->ev, {0, NULL, false}, 0};
		int64_t s = utc_of(x, o->start), t;

		m.at = e.at = s;
		if (ev->master && ((ev->uid && bsearch(&m, mv, (size_t)n_mv, sizeof(*mv), by_moved)) ||
		                   (x->n_ex && bsearch(&e, x->ex, (size_t)x->n_ex, sizeof(*x->ex),
		                                       by_exdate))))
			continue;
		if (o->how == END_AT) {
			t = utc_of(x, o->end);
		} else if (o->how == END_AFTER) {
			t = s + o->dur;
		} else if (o->start.utc == false && ev->date) {
			/* All-day: whole local days, wherever the clocks change. */
			struct tval e2 = o->start;

			e2.v += ev->has_dtend ? ev->dtend.v - ev->dtstart.v :
			        ev->has_duration ? ev->duration : DAY;
			t = utc_of(x, e2);
		} else {
			t = s + (ev->has_dtend ? utc_of(x, ev->dtend) - utc_of(x, ev->dtstart) :
			         ev->has_duration ? ev->duration : 0);
		}
		if (t <= s || t <= x->from || s >= x->to)
			continue;
		keys[n_keys].iv.start = s > x->from ? s : x->from;
		keys[n_keys].iv.end = t < x->to ? t : x->to;
		keys[n_keys++].ev = o->ev;
	}
	qsort(keys, (size_t)n_keys, sizeof(*keys), by_key);
	for (i = k = 0; i < n_keys; i++)
		if (k == 0 || by_key(&keys[k - 1], &keys[i]) != 0)
			keys[k++] = keys[i];
	n_keys = k;
	if (n_keys > ICS_MAX_EVENTS) {
		st = fail(x->err, ICS_TOO_MANY, 0, "", "the calendar has more than %d events in the "
		          "weeks read; export fewer weeks, or fewer calendars", ICS_MAX_EVENTS);
		goto out;
	}
	if (n_keys) {
		iv = malloc((size_t)n_keys * sizeof(*iv));
		if (!iv) {
			st = ICS_NO_MEMORY;
			goto out;
		}
	}
	for (i = 0; i < n_keys; i++)
		iv[i] = keys[i].iv;
	if (n_keys)
		qsort(iv, (size_t)n_keys, sizeof(*iv), by_start);
	/* Merge what overlaps or touches. */
	for (i = k = 0; i < n_keys; i++) {
		if (k && iv[i].start <= iv[k - 1].end) {
			if (iv[i].end > iv[k - 1].end)
				iv[k - 1].end = iv[i].end;
		} else {
			iv[k++] = iv[i];
		}
	}
	*out = k ? iv : NULL;
	*n = k;
	if (!k)
		free(iv);
	iv = NULL;
out:
	free(iv);
	free(mv);
	free(keys);
	return st;
}

/* ----------------------------------------------------------------------
 * The entry point
 * ---------------------------------------------------------------------- */

enum ics_status
ics_busy(const char *text, size_t len, const struct tz_zone *zone, int64_t from, int64_t to,
         struct ics_interval **out, int *n, struct ics_error *err)
{
	return ics_busy_budget(text, len, zone, from, to, out, n, err, NULL);
}

enum ics_status
ics_busy_budget(const char *text, size_t len, const struct tz_zone *zone, int64_t from,
                int64_t to, struct ics_interval **out, int *n, struct ics_error *err,
                struct ics_budget *b)
{
	struct scan sc;
	struct ctx x;
	char *copy = NULL;
	enum ics_status st;
	int i;

	memset(err, 0, sizeof(*err));
	memset(&sc, 0, sizeof(sc));
	memset(&x, 0, sizeof(x));
	*out = NULL;
	*n = 0;
	if (len > ICS_MAX_BYTES)
		return fail(err, ICS_TOO_LARGE, 0, "", "the file is larger than 1 MiB");
	if (!zone || to < from)
		return fail(err, ICS_MALFORMED, 0, "", "no time zone or no weeks to read the file in");
	if (memchr(text, '\0', len))
		return fail(err, ICS_MALFORMED, 0, "", "the file has a NUL byte: it is not a text "
		            "file (is it an .ics file?)");
	sc.max_steps = b && b->max_steps > 0 ? b->max_steps : ICS_MAX_STEPS;
	{
		unsigned m, d;

		tz_civil_from_days(to / DAY, &sc.end_year, &m, &d);
		sc.end_year += 6;       /* libical's coverage: this year and 5 more */
	}
	tz_ical_lock();
	st = scan(&sc, text, len, err);
	tz_ical_unlock();
	if (st == ICS_OK)
		st = resolve_zones(&sc, err);
	if (st == ICS_OK && !(copy = malloc(len + 1)))
		st = ICS_NO_MEMORY;
	if (st == ICS_OK && sc.n_ev && !(x.ev = calloc((size_t)sc.n_ev, sizeof(*x.ev))))
		st = ICS_NO_MEMORY;
	x.zone = zone;
	x.from = from;
	x.to = to;
	x.max_steps = sc.max_steps;
	x.steps = sc.steps;             /* the zones' rules, in (A) */
	x.budget_ms = b && b->max_ms > 0 ? b->max_ms : ICS_MAX_MS;
	x.stop = b ? b->stop : NULL;
	clock_gettime(CLOCK_MONOTONIC, &x.deadline);
	x.deadline.tv_sec += x.budget_ms / 1000;
	x.deadline.tv_nsec += x.budget_ms % 1000 * 1000000;
	if (x.deadline.tv_nsec >= 1000000000) {
		x.deadline.tv_sec++;
		x.deadline.tv_nsec -= 1000000000;
	}
	x.sc = &sc;
	x.n_ev = sc.n_ev;
	x.err = err;
	if (st == ICS_OK) {
		memcpy(copy, text, len);
		copy[len] = '\0';
		tz_ical_lock();
		st = extract(&x, copy);
		tz_ical_unlock();
	}
	if (st == ICS_OK)
		st = resolve(&x, out, n);
	if (st == ICS_NO_MEMORY)
		fail(err, ICS_NO_MEMORY, 0, "", "out of memory");
	if (st != ICS_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	if (b)
		b->steps = x.steps;
	for (i = 0; x.ev && i < x.n_ev; i++)
		free(x.ev[i].uid);
	free(x.ev);
	free(x.occ);
	free(x.ex);
	free(sc.ev);
	free(sc.zones);
	free(copy);
	return st;
}
