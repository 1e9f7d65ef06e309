/*
 * tz.h: IANA time zones, and wall-clock times placed on real dates.
 *
 * Zones come from libical, which reads the system's tz database. libical
 * is asked only "what is the UTC offset at this instant", and only the
 * first time a zone's year is needed: the answers are kept as a table of
 * transitions per zone and year, so the matcher's hot path never calls
 * libical and never takes a lock once the years it needs are loaded.
 *
 * Wall times are converted as RFC 5545 3.3.5 says: a time in the spring
 * gap is read with the UTC offset from before the gap, a time in the autumn
 * fold as its first occurrence.
 *
 * Times here are seconds since the Unix epoch; "local seconds" are the
 * wall-clock fields counted as if they were UTC.
 */
#ifndef CHIRON_TZ_H
#define CHIRON_TZ_H

#include <stdbool.h>
#include <stdint.h>

struct tz_zone;

/*
 * The zone named name ("America/New_York"), or NULL when the tz database
 * has no such zone. Zones are interned for the life of the process and
 * are safe to share between threads.
 */
const struct tz_zone *tz_get(const char *name);
const char *tz_name(const struct tz_zone *z);

/* The UTC offset in seconds (east positive) in force at UTC instant t. */
int tz_offset_at(const struct tz_zone *z, int64_t t);

/* The UTC instant of the wall time `local` in zone z (RFC 5545 rules). */
int64_t tz_local_to_utc(const struct tz_zone *z, int64_t local);
/* The same, and whether that wall time exists (false in the spring gap). */
int64_t tz_wall_to_utc(const struct tz_zone *z, int64_t local, bool *exists);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t tz_days_from_civil(int y, unsigned m, unsigned d);
void tz_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);
/* The local date (days since 1970-01-01) of UTC instant t in z. */
int64_t tz_local_day(const struct tz_zone *z, int64_t t);
/* 0 = Monday ... 6 = Sunday. */
int tz_weekday(int64_t days);

/*
 * libical keeps global state of its own, so one caller at a time: any
 * code outside tz.c that calls libical (app/ics_busy.c, app/ical_out.c)
 * holds this lock around those calls, and calls nothing of tz.h while it
 * holds it (tz.c takes it too, when a zone or a year is first loaded).
 */
void tz_ical_lock(void);
void tz_ical_unlock(void);

#endif
