/*
 * calendar.h: the clinician's own calendar: busy times read from an
 * upload, working hours, the free windows they leave (app/calendar.c).
 */
#ifndef CHIRON_APP_CALENDAR_H
#define CHIRON_APP_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/record.h"
#include "app/ctx.h"
#include "app/profile.h"

struct refusal;                         /* app/services.h */

#define CAL_WEEKS 4                     /* weeks of an upload read, from the coming Monday */
#define CAL_MIN_MINUTES 50              /* the shortest free window proposed */
#define CAL_HOURS_MAX 14                /* stretches of working hours */
#define CAL_WINDOWS_MAX FREE_HOURS_MAX  /* windows proposed: as many as a search takes */

/*
 * A calendar as the page and the API show it. They fill zone and hours
 * (calendar_zone, calendar_hours); an upload or a load fills the rest.
 */
struct calendar {
	const struct tz_zone *zone;     /* the clinician's; NULL when none is known */
	struct window hours[CAL_HOURS_MAX];     /* working hours, wall time in zone */
	int n_hours;
	struct store_busy *busy;        /* the busy times, in start order (arena) */
	int n_busy;
	bool stored;                    /* busy times are stored (this upload's or an earlier one's) */
	int64_t first_day;              /* the Monday the weeks read begin (a local day), when zone */
	struct window windows[CAL_WINDOWS_MAX]; /* free in every week, by day and start */
	int n_windows;
	int dropped;                    /* shorter free windows left out past CAL_WINDOWS_MAX */
};

/* 0 = mon ... 6 = sun for a day code, or -1; and minutes as "HH:MM". */
int calendar_day(const char *s);
void calendar_hhmm(char out[6], int minutes);
/*
 * c's zone: the one named, or (name NULL or "") the account's own (set
 * on "My therapy"), or the saved search profile's, if any. 400 timezone.
 */
int calendar_zone(struct ctx *cx, const struct actor *who, const char *name, struct calendar *c, struct refusal *why);
/* Adds working hours on day (0 = Monday) from start to end ("HH:MM"); a refusal names field. */
int calendar_hours(struct calendar *c, int day, const char *start, const char *end,
                   const char *field, struct refusal *why);
/*
 * Reads an uploaded calendar (text, len bytes): its busy times in the
 * CAL_WEEKS weeks from the coming Monday replace the signed-in user's
 * stored ones, and c gets them and the windows they leave. Refuses (400
 * field calendar, with the file's line and property; 413 past 1 MiB;
 * 429 past 60 uploads an hour) and stores nothing when it cannot read it.
 */
int calendar_upload(struct ctx *cx, const struct actor *who, const char *text, size_t len, struct calendar *c,
                    struct refusal *why);
/* The signed-in user's stored busy times and (with a zone) the windows they leave. */
int calendar_load(struct ctx *cx, const struct actor *who, struct calendar *c);
/* Deletes the signed-in user's busy times. */
int calendar_forget(struct ctx *cx, const struct actor *who);
/*
 * The busy times of account user, sealed under their key as one blob
 * (busy_sealed.sealed#user: n intervals of two 8-byte big-endian
 * numbers): put replaces them (n 0 forgets), get reads them into *v
 * (arena; *n 0 when none, or when the account was erased). -1 when the
 * store fails or the blob does not open.
 */
int calendar_busy_put(struct ctx *cx, int64_t user, const struct store_busy *v, int n);
int calendar_busy_get(struct ctx *cx, int64_t user, struct store_busy **v, int *n);
/*
 * Saves c's zone and windows into the signed-in user's saved search
 * profile as the search form's timezone and free-hours fields, in place
 * of those it had; everything else saved stays.
 */
int calendar_use(struct ctx *cx, const struct actor *who, const struct calendar *c, struct refusal *why);

#endif
