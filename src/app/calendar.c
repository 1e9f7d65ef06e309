/*
 * calendar.c: the clinician's own calendar (app/calendar.h), shared by
 * the page (/calendar) and the API (/api/v1/me/busy).
 *
 * A clinician uploads the .ics of their caseload. app/ics_busy.c reads
 * its busy times in the four weeks from the coming Monday, in the
 * clinician's zone; those intervals (start and end, nothing else) replace
 * the ones stored before. With the working hours they state, the weekly
 * windows free in every one of the four weeks, at least 50 minutes long
 * (core/schedule.h's sched_free_weekly), are proposed; "use these" writes
 * them into the saved search profile (app/profile.h) as the search form's
 * free-hours fields, so every search they make starts from them.
 *
 * States: no busy times stored, or one upload's; forgetting deletes them.
 * Who: a signed-in user, for their own calendar only (uploads throttled,
 * 60 an hour, and read at most calendars_max at once); no one else, an
 * admin included, reads another's busy times.
 *
 * What it stores: busy intervals, start and end in UTC. Never: the file,
 * an event's title, attendees, place or description (they name clients).
 *
 * Stored intervals do not say which four weeks they were read for; they
 * are read again from the Monday of the week of the first one. Weeks
 * with nothing busy are free in every minute, so that gives the windows
 * of the upload exactly, whichever of its weeks the first busy time is in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app/ics_busy.h"
#include "app/seal.h"
#include "core/schedule.h"
#include "core/form.h"
#include "app/services.h"
#include "app/secret.h"
#include "app/throttle.h"

#define DAY 86400

int
calendar_day(const char *s)
{
	int d;

	for (d = 0; s && d < 7; d++)
		if (strcmp(s, day_names[d]) == 0)
			return d;
	return -1;
}

void
calendar_hhmm(char out[6], int minutes)
{
	snprintf(out, 6, "%02d:%02d", minutes / 60 % 100, minutes % 60);
}

/* The saved search profile's value of key (urlencoded there), or "". */
static int
profile_value(struct ctx *cx, const struct actor *who, const char *key, char *out, size_t n)
{
	char saved[4096];

	out[0] = '\0';
	if (profile_load(cx, who, saved, sizeof(saved)))
		return -1;
	form_value(saved, key, out, n);
	return 0;
}

int
calendar_zone(struct ctx *cx, const struct actor *who, const char *name, struct calendar *c, struct refusal *why)
{
	char saved[80] = "";

	if (!name || !*name) {
		if (STORE_CALL(cx->sv->store, user_zone_get, who->id, saved, sizeof(saved)))
			return -1;
		if (!saved[0] && profile_value(cx, who, "timezone", saved, sizeof(saved)))
			return -1;
		name = saved;
	}
	if (!*name)
		return 0;
	c->zone = tz_get(name);
	if (!c->zone)
		return refuse(why, 400, "timezone", "give your time zone as its IANA name, like "
		              "America/New_York or Europe/London");
	return 0;
}

int
calendar_hours(struct calendar *c, int day, const char *start, const char *end,
               const char *field, struct refusal *why)
{
	int s = parse_hhmm(start), e = parse_hhmm(end);

	if (day < 0 || day > 6 || s < 0 || e < 0)
		return refuse(why, 400, field, "give working hours as times HH:MM from 00:00 to 24:00");
	if (e <= s)
		return refuse(why, 400, field, "the working hours must end after they start");
	if (c->n_hours == CAL_HOURS_MAX)
		return refuse(why, 400, field, "give at most 14 stretches of working hours");
	c->hours[c->n_hours].day = (uint8_t)day;
	c->hours[c->n_hours].start = (uint16_t)s;
	c->hours[c->n_hours].end = (uint16_t)e;
	c->n_hours++;
	return 0;
}

static int
by_length(const void *a, const void *b)
{
	const struct window *x = a, *y = b;
	int lx = x->end - x->start, ly = y->end - y->start;

	if (lx != ly)
		return ly - lx;
	return x->day != y->day ? x->day - y->day : x->start - y->start;
}

static int
by_time(const void *a, const void *b)
{
	const struct window *x = a, *y = b;

	return x->day != y->day ? x->day - y->day : x->start - y->start;
}

/* The windows free in every week of c, from c->first_day. */
static int
propose(struct ctx *cx, struct calendar *c)
{
	struct sched_busy *busy = NULL;
	struct window all[7 * (1440 / CAL_MIN_MINUTES + 1)];
	int i, n;

	c->n_windows = c->dropped = 0;
	if (!c->zone || !c->n_hours)
		return 0;
	if (c->n_busy && !(busy = arena_calloc(cx->a, (size_t)c->n_busy, sizeof(*busy))))
		return -1;
	for (i = 0; i < c->n_busy; i++) {
		busy[i].start = c->busy[i].start;
		busy[i].end = c->busy[i].end;
		busy[i].seats = 1;
	}
	n = sched_free_weekly(c->zone, c->hours, c->n_hours, busy, c->n_busy, c->first_day,
	                      CAL_WEEKS, CAL_MIN_MINUTES, all, (int)(sizeof(all) / sizeof(all[0])));
	if (n < 0)
		return -1;
	/* More than the search form holds: keep the longest. */
	if (n > CAL_WINDOWS_MAX) {
		qsort(all, (size_t)n, sizeof(all[0]), by_length);
		c->dropped = n - CAL_WINDOWS_MAX;
		n = CAL_WINDOWS_MAX;
		qsort(all, (size_t)n, sizeof(all[0]), by_time);
	}
	memcpy(c->windows, all, (size_t)n * sizeof(all[0]));
	c->n_windows = n;
	return 0;
}

/* The Monday after today, in c's zone. */
static int64_t
coming_monday(const struct calendar *c, int64_t now)
{
	int64_t today = tz_local_day(c->zone, now);

	return today + 7 - tz_weekday(today);
}

int
calendar_upload(struct ctx *cx, const struct actor *who, const char *text, size_t len, struct calendar *c,
                struct refusal *why)
{
	struct ics_interval *iv = NULL;
	struct ics_budget budget = {0, 0, NULL, 0};
	struct ics_error err;
	enum ics_status st;
	char key[48];
	int64_t from, to;
	int n = 0, i, rc;

	if (!who->id)
		return refuse(why, 401, "", "sign in to upload your calendar");
	if (!c->zone)
		return refuse(why, 400, "timezone", "give your time zone, like America/New_York: "
		              "times without one in the file are read in it");
	if (!text || len == 0)
		return refuse(why, 400, "calendar", "choose your calendar file (.ics), exported from "
		              "your practice system or calendar");
	/* At most calendars_max read at once, so that a thread of the server
	 * is always free for pages (docs/web.md); the others are asked to
	 * come back, not queued on a thread. */
	if (atomic_fetch_add(&cx->sv->calendars_reading, 1) >=
	    (cx->sv->calendars_max > 0 ? cx->sv->calendars_max : 1)) {
		atomic_fetch_sub(&cx->sv->calendars_reading, 1);
		refuse(why, 503, "calendar", "another calendar is being read just now; try again in a "
		       "few seconds");
		why->retry_after = 5;
		return 1;
	}
	snprintf(key, sizeof(key), "user:%lld", (long long)who->id);
	if (throttled_party(cx, "calendar", key, 60, 3600)) {
		atomic_fetch_sub(&cx->sv->calendars_reading, 1);
		refuse(why, 429, "", "you uploaded 60 calendars in the last hour; try again later");
		why->retry_after = 3600;
		return 1;
	}
	c->first_day = coming_monday(c, ctx_now(cx));
	from = tz_local_to_utc(c->zone, c->first_day * DAY);
	to = tz_local_to_utc(c->zone, (c->first_day + 7 * CAL_WEEKS) * DAY);
	/* Within ics_busy.h's budget (steps and ICS_MAX_MS), and given up
	 * when the server is told to stop. */
	budget.stop = &cx->sv->stopping;
	budget.max_ms = cx->sv->ics_max_ms;
	st = ics_busy_budget(text, len, c->zone, from, to, &iv, &n, &err, &budget);
	atomic_fetch_sub(&cx->sv->calendars_reading, 1);
	if (st == ICS_NO_MEMORY)
		return -1;
	if (st == ICS_STOPPED) {
		refuse(why, 503, "calendar", "the server is restarting; upload your calendar again in "
		       "a minute");
		why->retry_after = 60;
		return 1;
	}
	if (st != ICS_OK) {
		const char *msg = arena_strdup(cx->a, err.msg);

		return refuse(why, st == ICS_TOO_LARGE ? 413 : 400, "calendar",
		              msg ? msg : "the calendar could not be read");
	}
	/* struct ics_interval and struct store_busy are both [start, end). */
	c->busy = n ? arena_calloc(cx->a, (size_t)n, sizeof(*c->busy)) : NULL;
	if (n && !c->busy) {
		free(iv);
		return -1;
	}
	for (i = 0; i < n; i++) {
		c->busy[i].start = iv[i].start;
		c->busy[i].end = iv[i].end;
	}
	free(iv);
	c->n_busy = n;
	c->stored = true;
	rc = calendar_busy_put(cx, who->id, c->busy, n);
	return rc ? -1 : propose(cx, c);
}

/* ----------------------------------------------------------------------
 * Busy times at rest: one sealed blob per account
 * ---------------------------------------------------------------------- */

static void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static int64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

int
calendar_busy_put(struct ctx *cx, int64_t user, const struct store_busy *v, int n)
{
	struct buf plain = BUF_INIT, sealed = BUF_INIT;
	unsigned char iv[16];
	int64_t kid;
	int rc = -1, i;

	if (n <= 0)
		return STORE_CALL(cx->sv->store, busy_replace, user, NULL, 0) ? -1 : 0;
	for (i = 0; i < n; i++) {
		put64(iv, (uint64_t)v[i].start);
		put64(iv + 8, (uint64_t)v[i].end);
		if (buf_add(&plain, iv, sizeof(iv)))
			goto out;
	}
	if (seal_user_key(cx, user, &kid) ||
	    seal_put_id(cx, kid, "busy_sealed", "sealed", user, plain.p, plain.len, &sealed))
		goto out;
	rc = STORE_CALL(cx->sv->store, busy_replace, user, sealed.p, sealed.len) ? -1 : 0;
out:
	if (plain.p)
		sodium_memzero(plain.p, plain.len);
	buf_free(&plain);
	buf_free(&sealed);
	return rc;
}

int
calendar_busy_get(struct ctx *cx, int64_t user, struct store_busy **v, int *n)
{
	struct buf sealed = BUF_INIT, plain = BUF_INIT;
	enum seal_result r;
	int found = 0, rc = -1, i;

	*v = NULL;
	*n = 0;
	if (STORE_CALL(cx->sv->store, busy_get, user, &sealed, &found))
		goto out;
	rc = 0;
	if (!found)
		goto out;
	r = seal_open_id(cx, "busy_sealed", "sealed", user, sealed.p, sealed.len, &plain, NULL);
	if (r == SEAL_GONE)
		goto out;               /* erased: no busy times */
	if (r != SEAL_OK || plain.len % 16 || plain.len / 16 > INT32_MAX) {
		store_error("a stored value could not be opened (busy_sealed.sealed)");
		rc = -1;
		goto out;
	}
	if (plain.len && !(*v = arena_alloc(cx->a, plain.len / 16 * sizeof(**v)))) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < (int)(plain.len / 16); i++) {
		(*v)[i].start = get64((const unsigned char *)plain.p + 16 * i);
		(*v)[i].end = get64((const unsigned char *)plain.p + 16 * i + 8);
	}
	*n = (int)(plain.len / 16);
out:
	if (plain.p)
		sodium_memzero(plain.p, plain.len);
	buf_free(&plain);
	buf_free(&sealed);
	return rc;
}

int
calendar_load(struct ctx *cx, const struct actor *who, struct calendar *c)
{
	c->busy = NULL;
	c->n_busy = 0;
	if (!who->id)
		return 0;               /* no one signed in keeps a calendar */
	/* Opened once per request; nothing is kept between requests. */
	if (calendar_busy_get(cx, who->id, &c->busy, &c->n_busy))
		return -1;
	c->stored = c->n_busy > 0;
	if (!c->zone)
		return 0;
	if (c->n_busy) {
		int64_t day = tz_local_day(c->zone, c->busy[0].start);

		c->first_day = day - tz_weekday(day);
	} else {
		c->first_day = coming_monday(c, ctx_now(cx));
	}
	return propose(cx, c);
}

int
calendar_forget(struct ctx *cx, const struct actor *who)
{
	if (!who->id)
		return 0;
	return calendar_busy_put(cx, who->id, NULL, 0);
}

/* Is key (of an urlencoded profile) one of the search form's free hours, or the zone? */
static int
replaced_key(const char *p, size_t n)
{
	static const char *const prefixes[] = {"free_day", "free_start", "free_end", NULL};
	int i;

	if (n == 8 && strncmp(p, "timezone", 8) == 0)
		return 1;
	for (i = 0; prefixes[i]; i++) {
		size_t k = strlen(prefixes[i]);

		if (n > k && strncmp(p, prefixes[i], k) == 0 && strspn(p + k, "0123456789") == n - k)
			return 1;
	}
	return 0;
}

int
calendar_use(struct ctx *cx, const struct actor *who, const struct calendar *c, struct refusal *why)
{
	char saved[4096], t[6];
	const char *p;
	struct buf f = BUF_INIT;
	int i, rc = 0;

	if (!who->id)
		return refuse(why, 401, "", "sign in to save your search");
	if (!c->zone)
		return refuse(why, 400, "timezone", "give your time zone, like America/New_York");
	if (profile_load(cx, who, saved, sizeof(saved)))
		return -1;
	/* Everything saved before but the free hours and the zone stays. */
	for (p = saved; *p && rc == 0;) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p), k = strcspn(p, "=&");

		if (n && !replaced_key(p, k < n ? k : n))
			rc = (f.len && buf_addc(&f, '&')) || buf_add(&f, p, n);
		p += n + (amp ? 1 : 0);
	}
	if (rc == 0)
		rc = (f.len && buf_addc(&f, '&')) || buf_adds(&f, "timezone=") ||
		     form_encode(&f, tz_name(c->zone));
	for (i = 0; rc == 0 && i < c->n_windows; i++) {
		const struct window *w = &c->windows[i];

		rc = buf_printf(&f, "&free_day%d=%s&free_start%d=", i + 1, day_names[w->day], i + 1);
		calendar_hhmm(t, w->start);
		rc = rc || form_encode(&f, t) || buf_printf(&f, "&free_end%d=", i + 1);
		calendar_hhmm(t, w->end);
		rc = rc || form_encode(&f, t);
	}
	if (rc) {
		buf_free(&f);
		return -1;
	}
	if (f.len >= PROFILE_MAX) {
		buf_free(&f);
		return refuse(why, 400, "", "your saved search preferences would be too long with "
		              "these hours; save fewer organizations or preferences first");
	}
	rc = profile_save(cx, who, f.p, why);
	buf_free(&f);
	return rc;
}
