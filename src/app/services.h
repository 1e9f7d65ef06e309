/*
 * actions.h: what the pages and the JSON API do to the store, written once.
 *
 * For every resource there are three files: act_<name>.c holds what a
 * caller may do to it (validate the typed input, throttle, check who owns
 * what, change the store and the live index), page_<name>.c shows it as
 * HTML forms and api_<name>.c as JSON. The dispatcher has already checked
 * the caller's role and CSRF token; an action checks everything else.
 *
 * An action returns 0 when it is done, -1 on an internal failure (the
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

#define MESSAGE_MAX 2000                /* a request's message, an answer */
#define FREE_HOURS_MAX 14               /* free-hour windows of the search form and a saved profile */
#define REQUESTS_MAX 100                /* requests a clinician sent, listed */
#define REQUESTS_PAGE 50                /* requests received, listed a page at a time */
#define QUEUE_MAX 100                   /* claims in the admin queue */

/* Why an action refused: 400, 401, 404, 409 or 429. */
struct refusal {
	int status;
	const char *field;              /* "" when no one field is at fault */
	const char *message;            /* static text */
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

/* ----------------------------------------------------------------------
 * Accounts (app/account.c)
 * ---------------------------------------------------------------------- */

struct signup {
	const char *handle, *email, *password, *role;   /* NULL when not given */
};

/*
 * Asks for a seeker or therapist account (never an admin). The form is
 * checked (400 naming the field) and the rest happens after the answer
 * (app/jobs.h): a link to finish the sign-up is mailed to the email, or,
 * when it already has an account, a note saying so. Done (0) either way,
 * in the same time, so no one learns whether an email or pseudonym is
 * taken by asking.
 */
int ask_signup(struct ctx *cx, const struct actor *who, const struct signup *in, struct refusal *why);
/*
 * Finishes the sign-up of the mailed link's token (base64url text): the
 * account is made and *u is it; the caller starts the session. handle,
 * when not NULL, replaces the pseudonym asked for (taken meanwhile: 409
 * on field "handle", the sign-up kept for another try). 404 when the
 * link is not one, was used or has expired; 409 on "email" when the
 * email got an account meanwhile.
 */
int confirm_signup(struct ctx *cx, const struct actor *who, const char *token, const char *handle, struct store_user *u,
                   struct refusal *why);
/* The pseudonym and email of a waiting sign-up, for its page (*found). */
int signup_pending(struct ctx *cx, const struct actor *who, const char *token, struct store_user *u, int *found);
/*
 * Checks a sign-in by handle or email, throttled per account and per
 * address; *u is the account. One answer (401) for an unknown account
 * and a wrong password.
 */
int sign_in(struct ctx *cx, const struct actor *who, const char *login, const char *password,
            struct store_user *u, struct refusal *why);
/*
 * Sends a single-use reset link to the outbox when email has an account,
 * after the answer (app/jobs.h). Done (0) either way, in the same time,
 * so no one learns whether it has one.
 */
int ask_reset(struct ctx *cx, const struct actor *who, const char *email, struct refusal *why);
/*
 * Sets a new password with a reset token (its base64url text), which is
 * then spent, and ends every session of the account. 404 when the token
 * is not one, was used or has expired.
 */
int use_reset(struct ctx *cx, const struct actor *who, const char *token, const char *password,
              struct refusal *why);

/*
 * Sends the confirmation reminders due at now (listings unconfirmed for
 * LISTING_REMIND_DAYS, each reminded once per confirmation). Returns how
 * many, or -1. Run hourly by `chiron serve`.
 */
long listing_reminders(struct services *sv, int64_t now);

/* ----------------------------------------------------------------------
 * Consultation requests (app/requests.c)
 * ---------------------------------------------------------------------- */

struct request_in {
	const char *therapist_id, *message;
	bool reveal;                    /* sign with the email, not the pseudonym */
};

/* The signed-in user asks a listing for a consultation; *out is the request. */
int send_request(struct ctx *cx, const struct actor *who, const struct request_in *in, struct store_request *out,
                 struct refusal *why);
/*
 * The signed-in therapist answers request id (its decimal text). 404 when
 * it is not a request to their listing: another therapist's request looks
 * exactly like a missing one.
 */
int answer_request(struct ctx *cx, const struct actor *who, const char *id, const char *answer, struct refusal *why);
/* The requests the signed-in user sent, newest first, through fn. */
int requests_sent(struct ctx *cx, const struct actor *who, store_request_fn fn, void *arg);
/*
 * The requests sent to the signed-in therapist's listing (none without
 * one), newest first, a page of at most REQUESTS_PAGE older than request
 * before (0: the newest) through fn; *next is the before of the next
 * page, 0 when this is the last.
 */
int requests_received(struct ctx *cx, const struct actor *who, int64_t before, store_request_fn fn, void *arg,
                      int64_t *next);
/* A page's before from its text ("" or NULL: the first page); -1 when bad. */
int64_t requests_before(const char *text);

/* ----------------------------------------------------------------------
 * Listings: claims, confirmation, standing, the admin's queue (app/listing.c)
 * ---------------------------------------------------------------------- */

/* A one-time code proving a claim works this many days, and dies at the
 * CLAIM_CODE_TRIES-th wrong entry. */
#define CLAIM_CODE_DAYS 7
#define CLAIM_CODE_TRIES 5

/*
 * The signed-in therapist claims listing tid, giving the NPI on it. The
 * claim opens nothing: r->who.claim_id is set, therapist_id stays empty
 * until an admin verifies it.
 */
int claim_listing(struct ctx *cx, struct actor *who, const char *tid, const char *npi, struct refusal *why);
/*
 * An admin has chiron mail a new one-time code for the waiting claim of
 * tid to email, the practice's address as found at source (the licensing
 * board's record, the practice's website): never an address the claimant
 * gave. The code is stored only hashed.
 */
int send_claim_code(struct ctx *cx, const struct actor *who, const char *tid, const char *email, const char *source,
                    struct refusal *why);
/* The signed-in claimant enters the code (400 naming the tries left). */
int enter_claim_code(struct ctx *cx, const struct actor *who, const char *code, struct refusal *why);
/*
 * An admin verifies the waiting claim of tid, once its claimant entered
 * the code and the admin checked the licence with the board (its name and
 * the licence number are recorded in verified_how, with the admin and the
 * time). 404 when no claim waits, 409 before the code was entered.
 */
int verify_listing(struct ctx *cx, const struct actor *who, const char *tid, const char *board, const char *licence,
                   bool checked, struct refusal *why);
/* An admin drops the waiting claim of tid (a listing the claimant created
 * goes with it). */
int reject_claim(struct ctx *cx, const struct actor *who, const char *tid, struct refusal *why);
/* Where claim l stands: "waiting" (no code sent), "code_sent", "code_void"
 * (voided or expired), "code_entered", "verified". */
const char *claim_state(const struct store_listing *l, int64_t now);
/* Address a as "a***@example.org" into out. */
void mask_address(const char *a, char *out, size_t n);
/* The signed-in therapist says their listing is current; a paused one resumes. */
int confirm_listing(struct ctx *cx, const struct actor *who, struct refusal *why);
/* An admin hides listing tid from searches and its page, or shows it again. */
int hide_listing(struct ctx *cx, const struct actor *who, const char *tid, bool hidden, struct refusal *why);

/* Confirms the listing a reminder's single-use token names (404 when the
 * token is not one, was used or expired); *tid is that listing. */
int confirm_by_token(struct ctx *cx, const struct actor *who, const char *token, char tid[72], struct refusal *why);
/* An admin removes listing tid from the directory (see store.h). */
int remove_listing(struct ctx *cx, const struct actor *who, const char *tid, struct refusal *why);
/* An admin merges organization `from` into `into`; *changed counts the
 * listings and saved profiles rewritten. */
int merge_orgs(struct ctx *cx, const struct actor *who, const char *from, const char *into, long *changed,
               struct refusal *why);

/*
 * The stored therapist id, unpacked into cx's arena: 0, 1 when there is
 * none (or its record cannot be read back), -1 when the store fails.
 */
int therapist_load(struct ctx *cx, const char *id, struct therapist *t);
/* True when the store holds a therapist with this id (false on error). */
bool listing_exists(struct ctx *cx, const char *therapist_id);

/* How a listing stands, as its profile, its therapist and the API show it. */
struct standing {
	bool claimed;                   /* false: only late is meaningful */
	struct store_listing l;         /* when claimed */
	const char *state;              /* claim_state(), when claimed */
	bool hidden;                    /* by an admin, or created and not verified */
	bool paused;                    /* claimed, unconfirmed for LISTING_STALE_DAYS */
	int late;                       /* requests unanswered for 5 business days */
};

int listing_standing_get(struct ctx *cx, const struct actor *who, const char *tid, struct standing *s);

/* One claim of the admin's queue. */
struct claim {
	struct store_listing l;
	const char *name;               /* the listing's name, or its id (arena) */
	char npi_listed[16];            /* the NPI on the listing, "" when none */
	bool npi_valid;                 /* the NPI given has a valid check digit */
	bool npi_same;                  /* and is the one on the listing */
	char claimant[64];              /* the claiming account's handle */
	char sent_by[64];               /* the admin who sent the code, "" when none was */
	char verified_by[64];           /* the admin who verified, or "cli" */
};

/* The latest verifications, newest first, at most QUEUE_MAX (who, how, when). */
int listing_verified(struct ctx *cx, const struct actor *who, struct claim **out, int *n);

/* The claims waiting for verification, oldest first, at most QUEUE_MAX. */
int listing_queue(struct ctx *cx, const struct actor *who, struct claim **out, int *n);

/* ----------------------------------------------------------------------
 * The organization registry (app/orgs.c)
 * ---------------------------------------------------------------------- */

struct org_in {
	const char *name, *kind, *jurisdiction;
};

/* Adds an organization; its new id (org-u + 10 hex digits) goes into id. */
int add_org(struct ctx *cx, const struct actor *who, const struct org_in *in, char id[24], struct refusal *why);

/* ----------------------------------------------------------------------
 * Scheduling (app/booking.h) and waitlists (app/waitlist.h)
 * ---------------------------------------------------------------------- */

#include "app/booking.h"
#include "app/waitlist.h"

/* ----------------------------------------------------------------------
 * The clinician's own calendar: busy times, working hours, free windows
 * (app/calendar.c)
 * ---------------------------------------------------------------------- */

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
 * Saves c's zone and windows into the signed-in user's saved search
 * profile as the search form's timezone and free-hours fields, in place
 * of those it had; everything else saved stays.
 */
int calendar_use(struct ctx *cx, const struct actor *who, const struct calendar *c, struct refusal *why);

/* ----------------------------------------------------------------------
 * Calendar feeds and the .ics of one appointment (app/feed.c)
 * ---------------------------------------------------------------------- */

#define FEED_URL_MAX 640                /* public_url/feed/TOKEN.ics */
#define FEED_CANCELLED_DAYS 30          /* a feed shows a cancellation this long */

/*
 * Makes a new private feed address for the signed-in user, written into
 * url (public_url/feed/TOKEN.ics); the old address, if any, stops working.
 * The token is in the address only: the store keeps its hash, so this is
 * the one time it can be shown.
 */
int feed_create(struct ctx *cx, const struct actor *who, char url[FEED_URL_MAX]);
/* Stops the signed-in user's feed (done when there is none). */
int feed_revoke(struct ctx *cx, const struct actor *who);
/* Whether the signed-in user has a feed address. */
int feed_active(struct ctx *cx, const struct actor *who, bool *active);
/*
 * The calendar of the feed address whose last segment is id
 * ("TOKEN.ics"), appended to out; no session needed, the token is the
 * credential. 404 when id is not a live feed's (revoked or replaced).
 */
int feed_calendar(struct ctx *cx, const struct actor *who, const char *id, struct buf *out, struct refusal *why);
/*
 * Appointment id (its decimal text) as a calendar of one event, for its
 * seeker or its therapist, appended to out. 404 for anyone else, exactly
 * as for an appointment that does not exist.
 */
int appointment_ics(struct ctx *cx, const struct actor *who, const char *id, struct buf *out, struct refusal *why);

#endif
