/*
 * schedule.c: slots, series and free windows on real dates (schedule.h).
 *
 * Everything is walked in local days: a date's weekday picks its weekly
 * windows, each candidate start is a wall time on that date, and only
 * then is it placed in UTC with the zone's offset on that date. This is
 * what keeps a Tuesday 18:00 slot at 18:00 on both sides of a daylight
 * saving change, and what makes a window in the spring gap yield nothing
 * rather than a slot an hour off.
 */
#include <stdlib.h>
#include <string.h>

#include "core/schedule.h"

#define DAY 86400

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static bool
is_closed(const struct sched_params *p, int64_t day, int start, int end)
{
	int i;

	for (i = 0; i < p->n_closed; i++)
		if (p->closed[i].day == day && p->closed[i].start < end && p->closed[i].end > start)
			return true;
	return false;
}

/* First busy range that may overlap an instant at or after t. */
static int
busy_from(const struct sched_params *p, int64_t t)
{
	int lo = 0, hi = p->n_busy;

	t -= DAY;               /* no session is longer than a day */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (p->busy[mid].start < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Seats taken at [start, end), or -1 when something else overlaps it. */
static int
seats_taken(const struct sched_params *p, int64_t start, int64_t end)
{
	int i, seats = 0;

	for (i = busy_from(p, start); i < p->n_busy && p->busy[i].start < end; i++) {
		const struct sched_busy *b = &p->busy[i];

		if (b->end <= start)
			continue;
		if (p->capacity > 1 && b->start == start && b->end == end && b->tag == p->tag)
			seats += b->seats;
		else
			return -1;
	}
	return seats;
}

static int
by_start(const void *a, const void *b)
{
	const struct sched_slot *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static bool
valid(const struct sched_params *p)
{
	return p->zone && p->length >= 5 && p->length <= 1440 && p->step >= 5 &&
	       p->step <= 1440 && p->capacity >= 1 && p->to >= p->from &&
	       (p->n_weekly == 0 || p->weekly) && (p->n_closed == 0 || p->closed) &&
	       (p->n_busy == 0 || p->busy);
}

int
sched_slots(const struct sched_params *p, struct sched_slot *out, int max)
{
	int64_t d, d_last;
	int n = 0, i, k;

	if (!valid(p) || max < 0)
		return -1;
	d = tz_local_day(p->zone, p->from);
	d_last = tz_local_day(p->zone, p->to);
	for (; d <= d_last && n < max; d++) {
		int wd = tz_weekday(d);

		for (i = 0; i < p->n_weekly && n < max; i++) {
			const struct window *w = &p->weekly[i];
			int m;

			if (w->day != wd)
				continue;
			for (m = w->start; m + p->length <= w->end && n < max; m += p->step) {
				int64_t local = d * DAY + (int64_t)m * 60, utc, end;
				bool exists;
				int taken;

				if (is_closed(p, d, m, m + p->length))
					continue;
				utc = tz_wall_to_utc(p->zone, local, &exists);
				if (!exists || utc < p->from || utc >= p->to)
					continue;
				end = utc + (int64_t)p->length * 60;
				taken = seats_taken(p, utc, end);
				if (taken < 0 || taken >= p->capacity)
					continue;
				out[n].start = utc;
				out[n].end = end;
				out[n].local = local;
				out[n].seats_taken = taken;
				n++;
			}
		}
	}
	/* Overlapping weekly windows may give a start twice, out of order. */
	qsort(out, (size_t)n, sizeof(*out), by_start);
	for (i = k = 0; i < n; i++)
		if (k == 0 || out[k - 1].start != out[i].start)
			out[k++] = out[i];
	return k;
}

bool
sched_slot_open(const struct sched_params *p, int64_t start, int64_t end)
{
	struct sched_params q = *p;
	struct sched_slot s[4];
	int n, i;

	q.from = start;
	q.to = start + 1;
	n = sched_slots(&q, s, 4);
	for (i = 0; i < n; i++)
		if (s[i].start == start && s[i].end == end)
			return true;
	return false;
}

int
sched_series(const struct tz_zone *zone, int64_t first_day, int minute,
             int interval_weeks, int n, int64_t *out, bool *gap)
{
	int k;

	if (!zone || minute < 0 || minute >= 1440 || interval_weeks < 1 || interval_weeks > 52 ||
	    n < 0)
		return -1;
	for (k = 0; k < n; k++) {
		int64_t local = (first_day + (int64_t)7 * interval_weeks * k) * DAY +
		                (int64_t)minute * 60;
		bool exists = true;

		out[k] = tz_wall_to_utc(zone, local, &exists);
		if (!exists)
			out[k] = tz_local_to_utc(zone, local);
		if (gap)
			gap[k] = !exists;
	}
	return n;
}

int
sched_free_weekly(const struct tz_zone *zone, const struct window *work, int n_work,
                  const struct sched_busy *busy, int n_busy, int64_t first_day,
                  int weeks, int min_minutes, struct window *out, int max)
{
	static const int M = 1440;
	unsigned char *free_min;
	int64_t last_day = first_day + (int64_t)7 * weeks;
	int i, d, n = 0;

	if (!zone || weeks < 1 || weeks > 52 || min_minutes < 1 || max < 0 ||
	    (n_work && !work) || (n_busy && !busy))
		return -1;
	free_min = calloc(7, (size_t)M);
	if (!free_min)
		return -1;
	for (i = 0; i < n_work; i++)
		if (work[i].day < 7 && work[i].start < work[i].end && work[i].end <= M)
			memset(free_min + work[i].day * M + work[i].start, 1,
			       (size_t)(work[i].end - work[i].start));
	/* Free in every week: a minute busy in any week is not free. */
	for (i = 0; i < n_busy; i++) {
		int64_t ls = busy[i].start + tz_offset_at(zone, busy[i].start);
		int64_t le = busy[i].end + tz_offset_at(zone, busy[i].end);
		int64_t day;

		if (le <= ls)
			continue;
		for (day = floor_div(ls, DAY); day * DAY < le; day++) {
			int64_t a, b;

			if (day < first_day || day >= last_day)
				continue;
			a = ls > day * DAY ? (ls - day * DAY) / 60 : 0;
			b = le < (day + 1) * DAY ? (le - day * DAY + 59) / 60 : M;
			if (b > a)
				memset(free_min + tz_weekday(day) * M + a, 0, (size_t)(b - a));
		}
	}
	for (d = 0; d < 7; d++) {
		const unsigned char *f = free_min + d * M;
		int m = 0;

		while (m < M) {
			int s;

			while (m < M && !f[m])
				m++;
			s = m;
			while (m < M && f[m])
				m++;
			if (m > s && m - s >= min_minutes) {
				if (n == max) {
					free(free_min);
					return n;
				}
				out[n].day = (uint8_t)d;
				out[n].start = (uint16_t)s;
				out[n].end = (uint16_t)m;
				n++;
			}
		}
	}
	free(free_min);
	return n;
}
