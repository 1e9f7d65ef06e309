/*
 * booking.h: slots, booking, moving, cancelling, series, a therapist's
 * closures and settings, the viewer's zone, the reminders of sessions
 * (app/booking.c; the state diagram is in its design note).
 *
 * Every function takes the call's context and the actor asking, and
 * refuses as services.h says: 1 with *why filled, -1 on a failure, 0 when
 * done. Who may do what:
 *
 *   anyone                 book_ctx_load, book_type, open_slots, viewer_zone
 *   a signed-in account    book, wait lists, zone_set, the *_mine reads
 *   its seeker/therapist   appt_mine, cancel_appt, move_appt, start_series,
 *                          end_series (404 for anyone else, as for none)
 *   a verified listing     schedule_save, closure_add, closure_delete,
 *                          closures_mine (therapist or admin role, 403
 *                          otherwise; who->therapist_id set)
 */
#ifndef CHIRON_APP_BOOKING_H
#define CHIRON_APP_BOOKING_H

#include <stdbool.h>
#include <stdint.h>

#include "core/record.h"
#include "core/schedule.h"
#include "core/tz.h"
#include "app/ctx.h"

struct refusal;

#define SLOTS_MAX 2000                  /* slots listed at once */
#define HORIZON_WEEKS 52                /* how far ahead one may book */
#define SERIES_MAX 26                   /* occurrences of one series */
#define BOOKING_NOTICE_DEFAULT 1       /* hours a session must be booked ahead, unless set */
#define BOOKING_NOTICE_MAX 720          /* at most 30 days */
#define APPTS_MAX 500                   /* appointments of one side read at once */

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
	uint8_t formats;                /* the listing's (bit per enum format) */
	struct fee fee;                 /* the listing's fees */
};

/* Loads it (404 when there is no such listing, 409 when it keeps no
 * weekly hours or time zone to book: c->sc is filled even then). */
int book_ctx_load(struct ctx *cx, const struct actor *who, const char *tid, struct book_ctx *c, struct refusal *why);
/* The session type of kind, or NULL when the therapist does not offer it. */
const struct store_session_type *book_type(const struct book_ctx *c, const char *kind);
/*
 * The session type of kind when a seeker may book it: the therapist
 * offers it (book_type) and the listing's formats allow it. A
 * consultation is always allowed; individual, couples and group sessions
 * only when the listing's formats name them (a listing that names no
 * format allows all). So a profile that says "individual only" offers no
 * group, whatever the session types say: the booking page, the API's
 * slots, booking and the waitlist all follow this. NULL otherwise.
 */
const struct store_session_type *book_offered(const struct book_ctx *c, const char *kind);
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
/* The viewer's zone: their own setting, else fallback, else UTC. */
const struct tz_zone *viewer_zone(struct ctx *cx, const struct actor *who, const char *fallback);
int zone_set(struct ctx *cx, const struct actor *who, const char *zone, struct refusal *why);

/* "Tue 9 Mar 2027, 18:00" of t in z (the buffer holds 48 bytes). */
void when_text(char out[48], const struct tz_zone *z, int64_t t);

/* ----------------------------------------------------------------------
 * What the pages and the API read: the same calls for both
 * ---------------------------------------------------------------------- */

/* The sides of a session an account can be on. */
enum appt_side {
	SIDE_SEEKER = 1,                /* the sessions they take, as a client */
	SIDE_THERAPIST = 2,             /* the sessions they give, on the listing they hold */
	SIDE_BOTH = 3,
};

/* One appointment as its reader sees it; borrowed for the call of fn. */
struct appt_view {
	const struct store_appt *a;
	const char *side;               /* "seeker" or "therapist": the reader's side */
	const char *with;               /* the other side: the listing's name, or the
	                                   seeker's pseudonym ("a clinician" when gone) */
};

typedef int (*appt_view_fn)(void *arg, const struct appt_view *v);

/*
 * The signed-in account's appointments ending after from and starting
 * before to (0: no end), on the sides asked for (a therapist side only
 * with a verified listing), by start, at most APPTS_MAX of each side,
 * through fn (which stops the walk by returning non-zero). 401 when no
 * one is signed in.
 */
int appointments_mine(struct ctx *cx, const struct actor *who, unsigned sides, int64_t from, int64_t to,
                      appt_view_fn fn, void *arg, struct refusal *why);
/* The account's series, on the sides asked for, through fn. 401 as above. */
int series_mine(struct ctx *cx, const struct actor *who, unsigned sides, store_series_fn fn, void *arg,
                struct refusal *why);
/* The closures of the actor's listing not yet over, by first day. 403 /
 * 404 as closure_add would refuse. */
int closures_mine(struct ctx *cx, const struct actor *who, store_closed_fn fn, void *arg, struct refusal *why);
/* The account's own zone setting into zone ("" when none). 401 as above. */
int zone_mine(struct ctx *cx, const struct actor *who, char zone[64], struct refusal *why);

/* ----------------------------------------------------------------------
 * Telling people (shared with app/waitlist.c)
 * ---------------------------------------------------------------------- */

/* Where a message about a session goes and how it reads there: the
 * account's address, and the session's start in their own zone (else
 * the session's zone). */
struct recipient {
	char email[256];
	char zone[64];
	char when[48];
};

/* Fills *r for account user and a session at start in appt_zone: 0, 1
 * when there is no such account (no one to tell), -1 on failure. */
int recipient_of(struct services *sv, int64_t user, const char *appt_zone, int64_t start, struct recipient *r);

/* Reminders of the sessions in the next 24 hours, to both sides, once
 * each. Returns how many, or -1. Run hourly by `chiron serve`. */
long appointment_reminders(struct services *sv, int64_t now);

/* ----------------------------------------------------------------------
 * Who booked whom, sealed at rest (booking_seal.c)
 *
 * The store keeps a seeker as a struct store_link (store.h); these seal
 * and open it, and are the only way the services read appointments,
 * series and waitlists. Each read fails closed: -1, the reason in
 * store_error, when a row's seeker does not open (tampered, or copied
 * from another row); a seeker whose account was erased comes back with
 * seeker 0 and seeker_gone set, never as an error. Callers check who is
 * asking before they call these.
 * ---------------------------------------------------------------------- */

/* Account uid's data key number (made on first use): "uid's rows". */
int seeker_dkey(struct ctx *cx, int64_t uid, int64_t *dkey);
/* Seals uid as the seeker of a new row of table ("appointment", "series",
 * "waitlist") into *l, with a fresh row key. 0 or -1. */
int link_seal(struct ctx *cx, const char *table, int64_t uid, struct store_link *l);
/* Opens l of a row of table into *uid: 0; 1 (and *uid 0) when the seeker
 * was erased; -1 when it does not open. */
int link_open(struct ctx *cx, const char *table, const struct store_link *l, int64_t *uid);

/* The store's reads, each row's seeker opened (seeker, seeker_gone). A
 * seeker's own rows (by uid) must open to uid. */
int appt_get_sealed(struct ctx *cx, int64_t id, struct store_appt *a, int *found);
int appts_of_seeker(struct ctx *cx, int64_t uid, int64_t from, int max, store_appt_fn fn, void *arg);
int appts_of_therapist(struct ctx *cx, const char *tid, int64_t from, int64_t to, int max,
                       store_appt_fn fn, void *arg);
int appts_to_remind(struct ctx *cx, int64_t from, int64_t to, store_appt_fn fn, void *arg);
int series_get_sealed(struct ctx *cx, int64_t id, struct store_series *sr, int *found);
/* Active series of seeker uid (tid NULL) or of listing tid. */
int series_of_sealed(struct ctx *cx, int64_t uid, const char *tid, store_series_fn fn, void *arg);
int waits_of_seeker(struct ctx *cx, int64_t uid, store_wait_fn fn, void *arg);
int waits_of_therapist(struct ctx *cx, const char *tid, store_wait_fn fn, void *arg);

/* A closure's note sealed under account owner's key (SEAL_SYSTEM when
 * owner is 0), with a fresh row key; opened back into c->note ("" when
 * its writer's account was erased). 0 or -1. */
int closure_note_seal(struct ctx *cx, int64_t owner, struct store_closed *c);
int closure_note_open(struct ctx *cx, struct store_closed *c);

/*
 * Seals what an older chiron kept in the clear (the seekers of
 * appointments, series and waitlists, closures' notes, calendars' busy
 * times) in one transaction; *sealed counts the values. Run once at
 * every start, after sealer_start (nothing to do is quick).
 */
int booking_seal_legacy(struct services *sv, long *sealed, char *err, size_t n);

#endif
