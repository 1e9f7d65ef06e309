/*
 * hours.h: a therapist's weekly open hours as a viewer reads them
 * (core/hours.c): moved from the therapist's zone into the viewer's,
 * split where they cross the viewer's midnight, and merged per day where
 * they overlap or touch and are held the same way.
 */
#ifndef CHIRON_HOURS_H
#define CHIRON_HOURS_H

#include <stdint.h>

#include "core/record.h"
#include "core/tz.h"

/* Where a window is held: a bit per enum modality (1 in person, 2
 * telehealth), as store.h's struct store_avail_mode says. */
#define HOURS_IN_PERSON 1
#define HOURS_TELEHEALTH 2

struct hours_row {
	uint8_t day;                    /* 0 = Monday ... 6 = Sunday, in the viewer's zone */
	uint16_t start, end;            /* minutes after the viewer's midnight; end <= 1440 */
	uint8_t modes;                  /* HOURS_IN_PERSON | HOURS_TELEHEALTH */
};

/*
 * The n windows w (wall-clock times in zone from; modes[i] where window i
 * is held) as a viewer in zone `to` sees them in the week of instant now:
 * each placed on its date of that week in `from` (so a change of daylight
 * saving between the zones is counted as it falls that week), cut at the
 * viewer's midnights, then merged per day and per modes, sorted by day,
 * then start. Writes at most max rows into out; returns how many.
 */
int hours_view(const struct window *w, const uint8_t *modes, int n, const struct tz_zone *from,
               const struct tz_zone *to, int64_t now, struct hours_row *out, int max);

#endif
