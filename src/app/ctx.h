/*
 * ctx.h: what a service is handed: the context of one call and the actor
 * asking.
 *
 * Every rule of chiron (booking, listings, accounts, requests, calendars)
 * is a service in src/app/ taking a struct ctx and a struct actor, never
 * an HTTP request: the pages, the JSON API, the commands and the
 * background jobs call the same functions (docs/architecture.md).
 *
 *   struct services  what every call shares, read-only after start: the
 *                    store, the live index, the outbox, the jobs thread,
 *                    the clock, the throttle key.
 *   struct ctx       one call: the services, the call's arena and the
 *                    index snapshot it reads (taken on first use, so one
 *                    call sees one index however often it asks).
 *   struct actor     who is asking: their account and role, the listing
 *                    they hold, the address they came from. An anonymous
 *                    actor has id 0 and ACCT_NONE. A service checks the
 *                    actor before it reads anything.
 *
 * Time comes only from ctx_now(): the clock has an offset a test moves
 * (clock_set_offset, or the file of `chiron serve --clock-file`), so no
 * test sleeps to see a back-off, a reminder or an expiry.
 */
#ifndef CHIRON_APP_CTX_H
#define CHIRON_APP_CTX_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/index.h"
#include "core/taxonomy.h"
#include "store/store.h"

/* ----------------------------------------------------------------------
 * Roles
 * ---------------------------------------------------------------------- */

#define ROLES(X) X(ACCT_NONE, "") X(ACCT_SEEKER, "seeker") \
	X(ACCT_THERAPIST, "therapist") X(ACCT_ADMIN, "admin")
#define ACCT_ENUM(e, s) e,
enum acct_role { ROLES(ACCT_ENUM) ACCT_N };
#undef ACCT_ENUM

/* The stored name of a role ("" for ACCT_NONE). */
const char *role_name(enum acct_role r);
/* The role of a stored name; ACCT_NONE when it names none. */
enum acct_role role_parse(const char *s);

/* ----------------------------------------------------------------------
 * The clock
 * ---------------------------------------------------------------------- */

struct clock {
	atomic_llong offset;            /* seconds added to the system's time */
	const char *file;               /* when set, the offset is read from it on each call */
};

/* The system's time plus the clock's offset (seconds since 1970). */
int64_t clock_now(struct clock *c);
void clock_set_offset(struct clock *c, int64_t seconds);

/* ----------------------------------------------------------------------
 * The context
 * ---------------------------------------------------------------------- */

struct live;
struct jobs;
struct mailer;
struct snap;
struct match_ctx;
struct sealer;
struct password_list;

struct services {
	const struct taxonomy *tax;
	struct live *live;              /* the index, as snapshots (app/live.h); NULL in tools */
	struct store *store;
	const char *public_url;         /* links in messages start with it, no final / */
	struct jobs *jobs;              /* work after the answer (app/jobs.h); NULL: inline */
	struct mailer *mailer;          /* sends the outbox by SMTP, or NULL */
	FILE *outbox_log;               /* a redacted line per outbox message, or NULL */
	pthread_mutex_t outbox_lock;
	/* Throttles store parties only as BLAKE2b keyed with this (throttle.c). */
	unsigned char throttle_key[32];
	struct sealer *sealer;          /* sealed values (app/seal.h); NULL until sealer_start */
	struct clock clock;
	atomic_int stopping;            /* set once, on SIGTERM: long work gives up */
	atomic_int calendars_reading;   /* calendar uploads being read now */
	int calendars_max;              /* at most this many at once */
	long ics_max_ms;                /* how long one calendar may take to read; 0:
	                                 * ICS_MAX_MS (tests lengthen it, so that a
	                                 * busy machine cannot change their answers) */
	/* Sessions end after session_idle seconds unused and session_max in
	 * all (app/session.h; SESSION_IDLE and SESSION_MAX unless set). */
	int64_t session_idle, session_max;
	/* The common passwords a new one must not be (app/password_list.h);
	 * NULL when no list could be read (said at start). */
	const struct password_list *common_passwords;
};

/* Sets up sv around store (locks, a random throttle key, the system clock). */
void services_init(struct services *sv, struct store *store, const struct taxonomy *tax);

struct ctx {
	struct services *sv;
	struct arena *a;                /* the call's memory */
	struct snap *snap;              /* the index read, once taken (ctx_index) */
};

/* A context for one call with arena a; give its snapshot back with ctx_done. */
void ctx_begin(struct ctx *cx, struct services *sv, struct arena *a);
void ctx_done(struct ctx *cx);
int64_t ctx_now(const struct ctx *cx);
/* The index this call reads, taken on first use. */
const struct index *ctx_index(struct ctx *cx);
/*
 * The name of listing tid in the call's index, as changed since its base
 * was built (app/live.h), or NULL when it is not in the index.
 */
const char *ctx_listing_name(struct ctx *cx, const char *tid);
/* A match context for ctx_index(cx); NULL when out of memory. */
struct match_ctx *ctx_match_take(struct ctx *cx);
void ctx_match_give(struct ctx *cx, struct match_ctx *m);

/* ----------------------------------------------------------------------
 * The actor
 * ---------------------------------------------------------------------- */

struct actor {
	int64_t id;                     /* the account; 0 when no one is signed in */
	char handle[64];
	enum acct_role role;
	/* The listing held, only once an admin verified the claim (store.h):
	 * every therapist-side service keys on it. */
	char therapist_id[72];
	char claim_id[72];              /* the listing claimed, verified or not */
	bool second_factor;             /* has a confirmed second factor (app/second_factor.h) */
	const char *addr;               /* the client's address, for throttling only */
};

/* An actor for account u (role parsed), coming from addr. */
void actor_of_user(struct actor *who, const struct store_user *u, const char *addr);
/* The anonymous actor at addr. */
void actor_anonymous(struct actor *who, const char *addr);
/* The actor of the commands and jobs: an admin named "cli". */
void actor_system(struct actor *who);

#endif
