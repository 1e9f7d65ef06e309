/*
 * progress.c: the terminal progress line (see progress.h).
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli/progress.h"

double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
rss_mib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	double kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %lf kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb / 1024.0;
}

void
progress_start(struct progress *p, int64_t total_bytes)
{
	p->on = isatty(2);
	p->t0 = p->last = now_seconds();
	p->total_bytes = total_bytes;
}

void
progress_update(struct progress *p, long records, int64_t bytes)
{
	double t, el, rate;
	char bar[31];
	int i, fill;

	if (!p->on)
		return;
	t = now_seconds();
	if (t - p->last < 0.1)
		return;
	p->last = t;
	el = t - p->t0;
	rate = el > 0 ? records / el : 0;
	if (p->total_bytes > 0 && bytes > 0) {
		double frac = (double)bytes / (double)p->total_bytes;
		double eta = frac > 0 ? el / frac - el : 0;

		fill = (int)(frac * 30);
		for (i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[30] = '\0';
		fprintf(stderr, "\r[%s] %3.0f%% %ld records, %.0f/s, ETA %.0fs   ",
		        bar, frac * 100, records, rate, eta);
	} else {
		fprintf(stderr, "\r%ld records, %.0f/s   ", records, rate);
	}
}

void
progress_end(struct progress *p)
{
	if (p->on)
		fprintf(stderr, "\r%70s\r", "");
}
