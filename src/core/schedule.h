/*
 * schedule.h: therapy hours placed on real dates. Pure logic: the store
 * and the pages give the inputs and keep the results.
 *
 * A therapist's week is the record's availability (weekly windows of wall
 * time in their zone, the same windows the matcher's time rule reads),
 * less dated exceptions (a closed Friday, a vacation), less what is
 * booked. Slots are cut from it on the actual dates, daylight saving
 * included: every slot is a wall time on a date in the therapist's zone,
 * converted to UTC on that date. A wall time that does not exist (the
 * spring gap) yields no slot; one that occurs twice (the autumn fold) is
 * its first occurrence, as RFC 5545 says.
 *
 * Times are seconds since the Unix epoch (UTC); days are days since
 * 1970-01-01 of a local date; minutes are minutes after local midnight.
 */
#ifndef CHIRON_SCHEDULE_H
#define CHIRON_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/record.h"
#include "core/tz.h"

/* A dated exception: the therapist is closed from start to end minute of
 * local day `day` (0..1440 closes the whole day). */
struct sched_closed {
	int64_t day;
	uint16_t start, end;
};

/* Booked time: [start, end) in UTC, how many seats are taken, and what
 * it is (a group's seats pool only with the same tag). */
struct sched_busy {
	int64_t start, end;
	int seats;
	int tag;
};

struct sched_params {
	const struct tz_zone *zone;             /* the therapist's */
	const struct window *weekly;            /* open windows, wall time */
	int n_weekly;
	const struct sched_closed *closed;
	int n_closed;
	const struct sched_busy *busy;          /* sorted by start */
	int n_busy;
	int length;                             /* session minutes */
	int step;                               /* minutes between slot starts */
	int capacity;                           /* 1, or a group's seats */
	int64_t from, to;                       /* slots starting in [from, to) */
	int tag;                                /* what is booked: busy of another tag never pools */
};

struct sched_slot {
	int64_t start, end;                     /* UTC */
	int64_t local;                          /* the start as local seconds */
	int seats_taken;                        /* < capacity */
};

/*
 * The open slots of p in time order, at most max into out. Returns how
 * many, or -1 when p is not valid (no zone, length or step below 5
 * minutes or above a day, capacity below 1, to before from).
 *
 * A slot is open when it lies inside one weekly window on its date, no
 * closed range of that date touches it, and (capacity 1) no busy range
 * overlaps it or (a group) fewer than capacity seats are taken by busy
 * ranges of the same tag that start and end at the same instants, and no
 * other busy range overlaps.
 */
int sched_slots(const struct sched_params *p, struct sched_slot *out, int max);

/*
 * True when [start, end) is still an open slot of p: the check a booking
 * makes inside its transaction, against the bookings as they are then.
 */
bool sched_slot_open(const struct sched_params *p, int64_t start, int64_t end);

/*
 * The occurrences of a series: the wall time `minute` on local day
 * first_day in zone, then every interval_weeks weeks, n of them, each
 * placed in UTC on its own date (an 18:00 session stays 18:00 local
 * across daylight saving). Returns n, or -1 when an argument is out of
 * range. A date whose wall time falls in the spring gap is given the
 * RFC 5545 reading (the offset from before the gap: what a calendar
 * app shows for the series' rule), and, when gap is not NULL, gap[k] says
 * so: that date has no such wall time, and booking skips it.
 */
int sched_series(const struct tz_zone *zone, int64_t first_day, int minute,
                 int interval_weeks, int n, int64_t *out, bool *gap);

/*
 * The weekly windows free in every one of `weeks` weeks starting on
 * local day first_day (a Monday), inside the working windows `work`
 * (wall time in zone) and outside the busy ranges (UTC, any order). Free
 * stretches shorter than min_minutes are dropped. Windows are written to
 * out (at most max), by day then start; returns how many, or -1.
 */
int sched_free_weekly(const struct tz_zone *zone, const struct window *work, int n_work,
                      const struct sched_busy *busy, int n_busy, int64_t first_day,
                      int weeks, int min_minutes, struct window *out, int max);

#endif
