/*
 * hours.c: open hours in the viewer's zone, merged (hours.h).
 */
#include <stdlib.h>

#include "core/hours.h"

static int
by_day_modes_start(const void *a, const void *b)
{
	const struct hours_row *x = a, *y = b;

	if (x->day != y->day)
		return x->day - y->day;
	if (x->modes != y->modes)
		return x->modes - y->modes;
	return x->start - y->start;
}

static int
by_day_start(const void *a, const void *b)
{
	const struct hours_row *x = a, *y = b;

	if (x->day != y->day)
		return x->day - y->day;
	if (x->start != y->start)
		return x->start - y->start;
	return x->modes - y->modes;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int
hours_view(const struct window *w, const uint8_t *modes, int n, const struct tz_zone *from,
           const struct tz_zone *to, int64_t now, struct hours_row *out, int max)
{
	int64_t today = tz_local_day(from, now), monday = today - tz_weekday(today);
	int i, k = 0, m = 0;

	for (i = 0; i < n; i++) {
		int64_t day = monday + w[i].day;
		int64_t s = tz_local_to_utc(from, day * 86400 + w[i].start * 60);
		int64_t e = tz_local_to_utc(from, day * 86400 + w[i].end * 60);
		int64_t ls, le;

		if (e <= s)
			continue;
		ls = s + tz_offset_at(to, s);
		le = e + tz_offset_at(to, e);
		while (ls < le && k < max) {
			int64_t d = floor_div(ls, 86400), stop = (d + 1) * 86400;

			if (stop > le)
				stop = le;
			out[k].day = (uint8_t)tz_weekday(d);
			out[k].start = (uint16_t)((ls - d * 86400) / 60);
			out[k].end = (uint16_t)((stop - d * 86400) / 60);
			out[k].modes = modes ? modes[i] : (HOURS_IN_PERSON | HOURS_TELEHEALTH);
			if (out[k].end > out[k].start)
				k++;
			ls = stop;
		}
	}
	qsort(out, (size_t)k, sizeof(*out), by_day_modes_start);
	for (i = 0; i < k; i++) {
		if (m && out[m - 1].day == out[i].day && out[m - 1].modes == out[i].modes &&
		    out[i].start <= out[m - 1].end) {
			if (out[i].end > out[m - 1].end)
				out[m - 1].end = out[i].end;
			continue;
		}
		out[m++] = out[i];
	}
	qsort(out, (size_t)m, sizeof(*out), by_day_start);
	return m;
}
