/*
 * ical_out.h: appointments as iCalendar (RFC 5545) text, for the private
 * calendar feeds and the .ics download of one appointment.
 *
 * One VCALENDAR (METHOD:PUBLISH) holds a VTIMEZONE for every zone its
 * times name, one VEVENT per single appointment, and one recurring VEVENT
 * per series: its wall time on its first day with RRULE
 * FREQ=WEEKLY;INTERVAL=n;COUNT=c, an EXDATE for each occurrence that is
 * cancelled or was never booked, and an override VEVENT (RECURRENCE-ID)
 * for each occurrence moved to another time. UIDs are stable
 * (appt-ID@chiron, series-ID@chiron), so a subscribed calendar updates
 * its events in place. An event holds times, a summary and a status:
 * never an email, an affiliation or a note.
 */
#ifndef CHIRON_ICAL_OUT_H
#define CHIRON_ICAL_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/store.h"

/*
 * The SUMMARY of an appointment's event ("Therapy with NAME"); for a
 * series, of one of its appointments. The text must live until
 * ical_write() returns; NULL writes "Therapy session".
 */
typedef const char *(*ical_summary_fn)(void *arg, const struct store_appt *a);

struct ical_cal {
	const char *name;                       /* X-WR-CALNAME */
	int64_t now;                            /* DTSTAMP */
	/*
	 * A cancelled appointment (not of a series) changed at or after this
	 * instant is written with STATUS:CANCELLED, so that a subscribed
	 * calendar drops it; older cancellations are left out. 0 writes
	 * every one.
	 */
	int64_t cancelled_since;
	/*
	 * The appointments, in any order, each once. Every appointment of a
	 * series named in `series` must be here: an occurrence with no
	 * appointment becomes an EXDATE.
	 */
	const struct store_appt *appts;
	size_t n_appts;
	const struct store_series *series;      /* the series the appointments name */
	size_t n_series;
	ical_summary_fn summary;
	void *arg;
};

/*
 * Appends the calendar c to out as iCalendar text (CRLF lines, folded at
 * 75 octets). An appointment whose series is not in c->series is written
 * as a single event; a time whose zone the tz database does not know, or
 * whose wall time would read back as another instant (the second 01:30 of
 * an autumn night), is written in UTC. Returns 0, or -1 when out of
 * memory (out is then empty, as buf.h says). Safe across threads: it
 * takes tz_ical_lock() while it calls libical.
 */
int ical_write(const struct ical_cal *c, struct buf *out);

#endif
