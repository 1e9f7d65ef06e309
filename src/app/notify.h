/*
 * notify.h: the messages chiron sends, through the outbox.
 *
 * Every text chiron mails is written here, once, as a function with a
 * fixed format: the callers hand over values (a name, a time already in
 * the recipient's zone, a link's token), never text to be used as a
 * format. A caller finds who is told and in what zone; this file says
 * what they are told.
 */
#ifndef CHIRON_APP_NOTIFY_H
#define CHIRON_APP_NOTIFY_H

#include <stdbool.h>

#include "app/ctx.h"

/* Puts a message in the outbox (sealed in the store; a redacted line in
 * the outbox log when configured) and wakes the mailer. Returns 0, or -1
 * when the store fails. */
int notify_send(struct services *sv, const char *to, const char *subject, const char *body);

/* ----------------------------------------------------------------------
 * Sessions and waitlists (app/booking.c, app/waitlist.c)
 * ---------------------------------------------------------------------- */

/* What became of a session, as both its sides hear it. */
enum session_news {
	NEWS_BOOKED,
	NEWS_CANCELLED,
	NEWS_CANCELLED_LATE,            /* by the seeker, inside the notice period */
	NEWS_MOVED,
	NEWS_MOVED_LATE,
	NEWS_WEEKLY,                    /* now the first of a weekly series */
	NEWS_FORTNIGHTLY,
	NEWS_SERIES_ENDED,              /* cancelled with the sessions ahead of its ended series */
	NEWS__MAX
};

/* A session as one recipient is shown it. Every pointer is borrowed for
 * the call. */
struct session_note {
	const char *kind;               /* "individual", ... */
	const char *with;               /* the other side: the listing's name or the seeker's pseudonym */
	const char *when;               /* when_text() in the recipient's zone */
	const char *zone;               /* that zone's name */
	bool therapist;                 /* the recipient is the therapist: their sessions are on
	                                 * /schedule (a seeker's on /therapy) */
	const char *was;                /* a move: the old time, when_text() in the same zone;
	                                 * NULL when not known */
	const char *by;                 /* who cancelled or moved it, as the recipient is told:
	                                 * "you", or the other side's name; NULL when not said */
};

/* Tells `to` what became of session s; cancelled counts the sessions an
 * ended series took with it (NEWS_SERIES_ENDED only). */
int notify_session(struct services *sv, const char *to, enum session_news what, const struct session_note *s,
                   long cancelled);
/* The reminder of session s, the day before. */
int notify_session_reminder(struct services *sv, const char *to, const struct session_note *s);
/* A time of kind s->kind opened with listing tid, for someone on its waitlist. */
int notify_waitlist_opening(struct services *sv, const char *to, const struct session_note *s, const char *tid);

/*
 * Erasure (app/erasure.c). To the therapist: their session on `when`
 * (a long date in their zone, "Tuesday 8 December at 11:00") was
 * cancelled because its seeker closed their account; the message names
 * no one. To a seeker: their session with the listing `name` on `when`
 * was cancelled because the listing was closed (no reason given).
 */
int notify_session_erased(struct services *sv, const char *to, const char *when, const char *zone);
int notify_listing_closed(struct services *sv, const char *to, const char *name, const char *when,
                          const char *zone);

/* ----------------------------------------------------------------------
 * Consultation requests (app/requests.c)
 *
 * Neither message carries the request's or the answer's words: mail
 * passes through mail providers, and a colleague's words about wanting
 * therapy are the most private thing chiron holds. The mail says that
 * something waits, from whom (a pseudonym or the listing's name), and
 * where to read it once signed in.
 * ---------------------------------------------------------------------- */

/* To the holder of a listing: a new request from pseudonym `from`. */
int notify_request_new(struct services *sv, const char *to, const char *from);
/* To the sender: the therapist of listing `name` answered. */
int notify_request_answered(struct services *sv, const char *to, const char *name);

/* ----------------------------------------------------------------------
 * Listings and accounts (app/listing.c, app/account.c)
 * ---------------------------------------------------------------------- */

/* Asks the holder of listing tid, last confirmed `days` days ago, to
 * confirm it through the single-use token's link. */
int notify_listing_reminder(struct services *sv, const char *to, const char *tid, long long days,
                            const char *token);
/* The one-time code (shown as typed, e.g. "ABCD-EFGH-...") of a claim of
 * the listing `name`, to the practice's address; it works `days` days
 * and dies after `tries` wrong entries. */
int notify_claim_code(struct services *sv, const char *to, const char *name, const char *code, int days,
                      int tries);
/* To the claimant: an admin verified their claim of the listing `name`. */
int notify_claim_verified(struct services *sv, const char *to, const char *name);
/* To the claimant: an admin rejected their claim of the listing `name`. */
int notify_claim_rejected(struct services *sv, const char *to, const char *name);
/* Someone asked for an account with an address that has one, `handle`. */
int notify_signup_exists(struct services *sv, const char *to, const char *handle);
/* The link finishing the sign-up of `handle`. */
int notify_signup_link(struct services *sv, const char *to, const char *handle, const char *token);
/* The link resetting the password of `handle`. */
int notify_reset_link(struct services *sv, const char *to, const char *handle, const char *token);

#endif
