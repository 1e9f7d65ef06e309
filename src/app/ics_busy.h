/*
 * ics_busy.h: the busy times of a clinician's own calendar file, and
 * nothing else of it.
 *
 * A clinician exports the .ics of their caseload from whatever practice
 * system they use and uploads it, so that chiron can propose the free
 * hours their own therapy could fit. All chiron needs is when they are
 * busy. ics_busy() reads the file with libical and returns exactly that:
 * the busy intervals inside a window of time, merged where they overlap
 * or touch. Titles, attendees, descriptions, locations and everything
 * else of the file are read by libical only to be thrown away; none of it
 * is returned, and no error message quotes a byte of the file but a
 * TZID's name.
 *
 * What counts as busy: every VEVENT, with its recurrences (RRULE, RDATE),
 * less its exceptions (EXDATE) and its moved or cancelled occurrences
 * (another VEVENT with the same UID and a RECURRENCE-ID). An event marked
 * TRANSP:TRANSPARENT (shown as free) or STATUS:CANCELLED is skipped. An
 * all-day event (DTSTART;VALUE=DATE) is busy from midnight to midnight in
 * the clinician's zone. Times with a TZID are read in the VTIMEZONE of
 * the file with that TZID, or else in the IANA zone of that name; UTC
 * times as UTC; floating times (no TZID, no Z) in the clinician's zone.
 *
 * Pure computation: no store, no network, nothing kept between calls.
 * Safe to call from many threads (libical is called under tz.h's lock,
 * let go between events). Its work is bounded whatever the file says: a
 * budget of libical's steps and of time (struct ics_budget).
 */
#ifndef CHIRON_ICS_BUSY_H
#define CHIRON_ICS_BUSY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tz.h"

#define ICS_MAX_BYTES ((size_t)1 << 20)  /* a larger file is refused */
#define ICS_MAX_EVENTS 5000             /* occurrences in the window, at most */
#define ICS_MAX_STEPS 200000            /* libical's recurrence steps per file, at most */
#define ICS_MAX_MS 2000                 /* milliseconds per file, at most */

/* A busy interval [start, end), seconds since the epoch (UTC). */
struct ics_interval {
	int64_t start, end;
};

enum ics_status {
	ICS_OK,
	ICS_MALFORMED,                  /* the file is not one we can read: err says where */
	ICS_TOO_LARGE,                  /* more than ICS_MAX_BYTES */
	ICS_TOO_MANY,                   /* more than ICS_MAX_EVENTS occurrences, or a rule
	                                 * that repeats too often to expand */
	ICS_NO_MEMORY,
	ICS_TOO_SLOW,                   /* the reading took longer than its budget */
	ICS_STOPPED,                    /* told to stop (the server is shutting down) */
};

struct ics_error {
	int line;                       /* the line of the file at fault (1 is the first), or 0 */
	char property[24];              /* the property or component at fault ("DTSTART"), or "" */
	char msg[320];                  /* a sentence naming both: "line 12, DTSTART: ..." */
};

/*
 * Reads the iCalendar text (len bytes; it need not end in NUL) and
 * returns ICS_OK with the busy intervals that overlap [from, to), clipped
 * to it, sorted and merged, in *out (*n of them; the caller frees *out,
 * NULL when there are none). zone is the clinician's: floating and
 * all-day times are read in it. Otherwise returns the problem, with *err
 * filled in, and *out NULL.
 */
enum ics_status ics_busy(const char *text, size_t len, const struct tz_zone *zone,
                         int64_t from, int64_t to, struct ics_interval **out, int *n,
                         struct ics_error *err);

/*
 * What one reading may cost. Steps are libical's own work on recurrence
 * rules, counted before it is done (ics_busy.c, design note 5): the
 * candidates its iterator may examine, not the occurrences it returns.
 * The clock is read between libical's calls, none of which may take
 * more than a bounded number of steps. ics_busy() is ics_busy_budget()
 * with the defaults.
 */
struct ics_budget {
	long max_steps;                 /* 0: ICS_MAX_STEPS */
	long max_ms;                    /* 0: ICS_MAX_MS */
	const atomic_int *stop;         /* NULL, or non-zero when the reading must stop */
	long steps;                     /* out: the steps taken */
};

/* ics_busy() within budget b (NULL: the defaults); b->steps says what it cost. */
enum ics_status ics_busy_budget(const char *text, size_t len, const struct tz_zone *zone,
                                int64_t from, int64_t to, struct ics_interval **out, int *n,
                                struct ics_error *err, struct ics_budget *b);

#endif
