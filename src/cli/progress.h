/*
 * progress.h: a one-line progress bar on stderr, only when stderr is a
 * terminal: records done, records per second, and the time left when the
 * total size is known.
 */
#ifndef CHIRON_PROGRESS_H
#define CHIRON_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool on;
	double t0, last;
	int64_t total_bytes;    /* 0 when unknown */
};

double now_seconds(void);
/* The resident memory of this process in MiB (VmRSS), or -1. */
double rss_mib(void);
void progress_start(struct progress *p, int64_t total_bytes);
/* Redraws at most ten times a second. */
void progress_update(struct progress *p, long records, int64_t bytes);
void progress_end(struct progress *p);

#endif
