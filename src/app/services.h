/*
 * services.h: the rules of chiron, one header per concept, all included
 * here.
 *
 * For every concept there is app/<name>.c, holding what a caller may do
 * (validate the typed input, throttle, check who owns what, change the
 * store and the live index), and the glue that shows it: page_<name>.c
 * as HTML forms, api_<name>.c as JSON, cmd_<name>.c on the command line.
 * The dispatcher has already checked the caller's role and CSRF token; a
 * service checks everything else, starting with its actor.
 *
 * A service returns 0 when it is done, -1 on an internal failure (the
 * server answers 500), or 1 when it refuses, with *why saying the status,
 * the field at fault and a sentence for the person. A page shows that
 * sentence in its form or on an error page, the API answers it as
 * {"error":{"field","message"}}; neither repeats the rules.
 */
#ifndef CHIRON_APP_SERVICES_H
#define CHIRON_APP_SERVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/record.h"
#include "core/schedule.h"
#include "app/ctx.h"
#include "app/notify.h"
#include "core/buf.h"
#include "core/match.h"

/* Why a service refused: 400, 401, 403, 404, 409, 413 or 429. */
struct refusal {
	int status;
	const char *field;              /* "" when no one field is at fault */
	const char *message;            /* static text, or in the call's arena */
	int retry_after;                /* seconds, for a 429; else 0 */
};

/* Fills *why and returns 1, so a service can "return refuse(...)". */
static inline int
refuse(struct refusal *why, int status, const char *field, const char *message)
{
	why->status = status;
	why->field = field;
	why->message = message;
	why->retry_after = 0;
	return 1;
}

/* One header per concept; this one includes them all. */
#include "app/account.h"
#include "app/calendar.h"
#include "app/feed.h"
#include "app/listing.h"
#include "app/orgs.h"
#include "app/profile.h"
#include "app/requests.h"

/* Reminders of the sessions in the next 24 hours, to both sides, once
 * each (app/booking.c). Returns how many, or -1. */
long appointment_reminders(struct services *sv, int64_t now);

/* ----------------------------------------------------------------------
 * Scheduling (app/booking.c)
 * ---------------------------------------------------------------------- */

#define SLOTS_MAX 2000                  /* slots listed at once */
#define HORIZON_WEEKS 52                /* how far ahead one may book */
#define SERIES_MAX 26                   /* occurrences of one series */

/* A therapist's week for booking: the record's hours and zone, the
 * session types and notice period (defaults when never set). */
struct book_ctx {
	char tid[72];
	char name[128];
	char zone[64];
	const struct tz_zone *tz;
	struct window *weekly;
	int n_weekly;
	uint8_t *wmodes;                /* per weekly window: modality bits, 0 = every one */
	uint8_t modalities;             /* the listing's (bit per enum modality) */
	struct store_schedule sc;
	struct store_closed *closed;
	int n_closed;
	bool accepting;                 /* new clients */
};

/* Loads it (404 when there is no such listing, 409 when it keeps no
 * weekly hours or time zone to book: c->sc is filled even then). */
int book_ctx_load(struct ctx *cx, const struct actor *who, const char *tid, struct book_ctx *c, struct refusal *why);
/* The session type of kind, or NULL when the therapist does not offer it. */
const struct store_session_type *book_type(const struct book_ctx *c, const char *kind);
/* Open slots of kind starting in [from, to), at most max; modality
 * ("in_person", "telehealth", or NULL/"" for either) keeps the windows
 * held that way. Returns how many, -2 when refused (*why), -1 on failure. */
int open_slots(struct ctx *cx, const struct actor *who, const struct book_ctx *c, const char *kind, const char *modality,
               int64_t from, int64_t to, struct sched_slot *out, int max, struct refusal *why);

/* The signed-in user books kind at start (UTC) with therapist tid.
 * 409 "just taken" when someone else was first. *a is the appointment. */
int book(struct ctx *cx, const struct actor *who, const char *tid, const char *kind, const char *modality, int64_t start,
         struct store_appt *a, struct refusal *why);
/* The appointment id (decimal text) when the signed-in user is its seeker
 * or its therapist; 404 otherwise. *side is "seeker" or "therapist". */
int appt_mine(struct ctx *cx, const struct actor *who, const char *id, struct store_appt *a, const char **side,
              struct refusal *why);
/* Cancels (late when inside the notice period) or moves an appointment. */
int cancel_appt(struct ctx *cx, const struct actor *who, const char *id, struct store_appt *a, struct refusal *why);
int move_appt(struct ctx *cx, const struct actor *who, const char *id, int64_t start, struct store_appt *a,
              struct refusal *why);
/* Makes a booked single appointment the first of a weekly (1) or
 * fortnightly (2) series of count sessions; *skipped counts those not
 * open (a closure, someone else's booking). */
int start_series(struct ctx *cx, const struct actor *who, const char *appt_id, int interval_weeks, int count,
                 struct store_series *sr, int *booked, int *skipped, struct refusal *why);
/* Ends a series: its sessions still ahead are cancelled. */
int end_series(struct ctx *cx, const struct actor *who, const char *id, long *cancelled, struct refusal *why);
/* A therapist's settings: notice and session types. */
int schedule_save(struct ctx *cx, const struct actor *who, const struct store_schedule *sc, struct refusal *why);
int closure_add(struct ctx *cx, const struct actor *who, struct store_closed *c, struct refusal *why);
int closure_delete(struct ctx *cx, const struct actor *who, const char *id, struct refusal *why);
/* The waitlist of tid for kind: join (409 when already on it) or leave. */
int wait_join(struct ctx *cx, const struct actor *who, const char *tid, const char *kind, struct refusal *why);
int wait_leave(struct ctx *cx, const struct actor *who, const char *tid, const char *kind, struct refusal *why);
/* Time opened on tid's week (hours, closures, session types changed): its
 * waitlist hears of the first fitting slot, at most once a day each. */
void waitlist_openings(struct ctx *cx, const struct actor *who, const char *tid);
/* The viewer's zone: their own setting, else fallback, else UTC. */
const struct tz_zone *viewer_zone(struct ctx *cx, const struct actor *who, const char *fallback);
int zone_set(struct ctx *cx, const struct actor *who, const char *zone, struct refusal *why);

/* "Tue 9 Mar 2027, 18:00" of t in z (the buffer holds 48 bytes). */
void when_text(char out[48], const struct tz_zone *z, int64_t t);

#endif
