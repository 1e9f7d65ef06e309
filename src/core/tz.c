/*
 * tz.c: zone offsets from libical, cached as transition tables.
 *
 * Design notes
 *
 * 1. A zone is interned once (a process-wide list under a mutex) and never
 *    freed, so a pointer to it stays valid everywhere.
 * 2. For each zone, a year (UTC) is "loaded" the first time an instant in
 *    it is asked about: the offset is sampled every 24 hours through the
 *    year and each change is bisected to the second. Two transitions less
 *    than a day apart would be missed; no zone has had them since 1970.
 * 3. A loaded year is published with a release store of its pointer, and
 *    read with an acquire load: readers take no lock. Loading takes the
 *    zone's mutex (libical is not called concurrently).
 * 4. Years outside [TZ_Y0, TZ_Y0 + TZ_NYEARS) are clamped to the nearest
 *    edge year's last or first offset.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include <libical/ical.h>

#include "core/tz.h"

#define TZ_Y0 1900
#define TZ_NYEARS 300
#define TZ_MAXTR 16

struct tz_year {
	int off0;                       /* offset at the year's start */
	int n;                          /* transitions in the year */
	int64_t at[TZ_MAXTR];           /* UTC instant of each transition */
	int off[TZ_MAXTR];              /* offset from that instant on */
};

struct tz_zone {
	struct tz_zone *next;
	char *name;
	size_t len;
	icaltimezone *ical;
	pthread_mutex_t lock;
	_Atomic(struct tz_year *) year[TZ_NYEARS];
};

static pthread_mutex_t zones_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz_zone *zones;
/* libical keeps global state of its own: one caller at a time. */
static pthread_mutex_t ical_lock = PTHREAD_MUTEX_INITIALIZER;

void
tz_ical_lock(void)
{
	pthread_mutex_lock(&ical_lock);
}

void
tz_ical_unlock(void)
{
	pthread_mutex_unlock(&ical_lock);
}

int64_t
tz_days_from_civil(int y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
tz_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
tz_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int64_t w = (days + 3) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

/* Asks libical for the offset at UTC instant t; ical_lock must be held. */
static int
ical_offset(icaltimezone *z, int64_t t)
{
	struct icaltimetype tt;
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t sec = t - days * 86400;
	int y, is_dst = 0;
	unsigned m, d;

	tz_civil_from_days(days, &y, &m, &d);
	tt = icaltime_null_time();
	tt.year = y;
	tt.month = (int)m;
	tt.day = (int)d;
	tt.hour = (int)(sec / 3600);
	tt.minute = (int)(sec / 60 % 60);
	tt.second = (int)(sec % 60);
	tt.is_date = 0;
	return icaltimezone_get_utc_offset_of_utc_time(z, &tt, &is_dst);
}

/*
 * The first instant in (lo, hi] whose offset is not lo_off, knowing that
 * the offset at lo is lo_off and at hi is not; ical_lock held.
 */
static int64_t
bisect_change(icaltimezone *z, int64_t lo, int64_t hi, int lo_off)
{
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;

		if (ical_offset(z, mid) == lo_off)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

static struct tz_year *
load_year(struct tz_zone *z, int yi)
{
	struct tz_year *yr;
	int64_t start, end, t;
	int prev;

	pthread_mutex_lock(&z->lock);
	yr = atomic_load_explicit(&z->year[yi], memory_order_acquire);
	if (yr)
		goto out;
	yr = calloc(1, sizeof(*yr));
	if (!yr)
		goto out;
	start = tz_days_from_civil(TZ_Y0 + yi, 1, 1) * 86400;
	end = tz_days_from_civil(TZ_Y0 + yi + 1, 1, 1) * 86400;
	pthread_mutex_lock(&ical_lock);
	prev = yr->off0 = ical_offset(z->ical, start);
	for (t = start; t < end; t += 86400) {
		int64_t hi = t + 86400 < end ? t + 86400 : end;
		int o = ical_offset(z->ical, hi);

		if (o != prev) {
			int64_t at = bisect_change(z->ical, t, hi, prev);

			/* A change at the very end belongs to the next year. */
			if (at < end && yr->n < TZ_MAXTR) {
				yr->at[yr->n] = at;
				yr->off[yr->n++] = o;
			}
		}
		prev = o;
	}
	pthread_mutex_unlock(&ical_lock);
	atomic_store_explicit(&z->year[yi], yr, memory_order_release);
out:
	pthread_mutex_unlock(&z->lock);
	return yr;
}

int
tz_offset_at(const struct tz_zone *cz, int64_t t)
{
	struct tz_zone *z = (struct tz_zone *)cz;
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	struct tz_year *yr;
	unsigned m, d;
	int y, yi, i, off;

	tz_civil_from_days(days, &y, &m, &d);
	yi = y - TZ_Y0;
	if (yi < 0)
		yi = 0, t = INT64_MIN;
	if (yi >= TZ_NYEARS)
		yi = TZ_NYEARS - 1, t = INT64_MAX;
	yr = atomic_load_explicit(&z->year[yi], memory_order_acquire);
	if (!yr)
		yr = load_year(z, yi);
	if (!yr)
		return 0;
	off = yr->off0;
	for (i = 0; i < yr->n && yr->at[i] <= t; i++)
		off = yr->off[i];
	return off;
}

int64_t
tz_wall_to_utc(const struct tz_zone *z, int64_t local, bool *exists)
{
	int before = tz_offset_at(z, local - 86400);
	int after = tz_offset_at(z, local + 86400);
	int64_t t1, t2;
	int ok1, ok2;

	*exists = true;
	if (before == after && tz_offset_at(z, local - before) == before)
		return local - before;
	t1 = local - before;
	t2 = local - after;
	ok1 = tz_offset_at(z, t1) == before;
	ok2 = tz_offset_at(z, t2) == after;
	if (ok1 && ok2)
		return t1 < t2 ? t1 : t2;       /* the fold: first occurrence */
	if (ok1)
		return t1;
	if (ok2)
		return t2;
	*exists = false;
	return t1;                              /* the gap: offset from before */
}

int64_t
tz_local_to_utc(const struct tz_zone *z, int64_t local)
{
	bool exists;

	return tz_wall_to_utc(z, local, &exists);
}

const struct tz_zone *
tz_get(const char *name)
{
	struct tz_zone *z;
	icaltimezone *iz;
	size_t len;
	int i;

	if (!name || !*name || strlen(name) > 64 || name[0] == '/' ||
	    strstr(name, ".."))
		return NULL;
	pthread_mutex_lock(&zones_lock);
	len = strlen(name);
	for (z = zones; z; z = z->next)
		if (z->len == len && memcmp(z->name, name, len) == 0)
			goto out;
	pthread_mutex_lock(&ical_lock);
	iz = icaltimezone_get_builtin_timezone(name);
	pthread_mutex_unlock(&ical_lock);
	if (!iz)
		goto out;
	z = calloc(1, sizeof(*z));
	if (!z)
		goto out;
	z->name = strdup(name);
	if (!z->name) {
		free(z);
		z = NULL;
		goto out;
	}
	z->len = len;
	z->ical = iz;
	pthread_mutex_init(&z->lock, NULL);
	for (i = 0; i < TZ_NYEARS; i++)
		atomic_init(&z->year[i], NULL);
	z->next = zones;
	zones = z;
out:
	pthread_mutex_unlock(&zones_lock);
	return z;
}

const char *
tz_name(const struct tz_zone *z)
{
	return z->name;
}

int64_t
tz_local_day(const struct tz_zone *z, int64_t t)
{
	int64_t l = t + tz_offset_at(z, t);

	return l / 86400 - (l % 86400 < 0);
}
