/*
 * audit.h (src/app): the audit trail (issue 11): who did what to whose
 * data, when and from where, never the content; hash-chained, so an entry
 * deleted or edited is found by `chiron audit verify`.
 *
 * audit_note is the one call every service makes; audit.c holds the
 * chain's design note, the verification, the checkpoints and what a
 * person reads of the entries about their own data.
 */
#ifndef CHIRON_APP_AUDIT_H
#define CHIRON_APP_AUDIT_H

#include <stdint.h>
#include <stdio.h>

#include "store/store.h"

struct ctx;
struct actor;
struct services;
struct refusal;

/* What happened (names stored and shown: audit_kind_name). */
#define AUDIT_KINDS(X) \
	X(AUDIT_SIGNIN, "sign-in") \
	X(AUDIT_SIGNIN_FAILED, "failed sign-in") \
	X(AUDIT_SIGNOUT, "sign-out") \
	X(AUDIT_READ, "read") \
	X(AUDIT_WRITE, "change") \
	X(AUDIT_ADMIN, "admin action") \
	X(AUDIT_PASSWORD, "password change") \
	X(AUDIT_SECOND_FACTOR, "second factor change") \
	X(AUDIT_EXPORT, "export") \
	X(AUDIT_ERASE, "erasure")
#define AUDIT_ENUM(e, s) e,
enum audit_kind { AUDIT_KINDS(AUDIT_ENUM) AUDIT_N };
#undef AUDIT_ENUM

const char *audit_kind_name(enum audit_kind k);

/*
 * Records that actor `who` did `kind` to the record of type `what`
 * ("request", "appointment", "listing", "account", ...; a fixed name)
 * numbered or named `record` (may be ""), holding the data of account
 * `subject` (0: no one person's). Never content: the caller passes no
 * message, no name typed, no address but the actor's (hashed here).
 * Returns 0, or -1 when the entry could not be written: the caller then
 * fails its request (no unrecorded read of another person's data).
 */
int audit_note(struct ctx *cx, const struct actor *who, enum audit_kind kind, const char *what,
               const char *record, int64_t subject);

/* The kind of a stored name, or AUDIT_N when it names none. */
enum audit_kind audit_kind_parse(const char *name);

/*
 * Helpers for services that show another person's data in a list: one
 * entry per person shown (subject), of kind AUDIT_READ on `what`, none for
 * the actor's own data.
 *
 * audit_note_appts: the seekers of appointments v[0..n), as "appointment";
 * audit_note_appts_as the same as what ("feed": read by the holder's
 * calendar app through the feed's address).
 * struct audit_rows wraps a store_request_fn (audit_rows_init, then pass
 * audit_request_row and the struct to the store): it remembers each
 * request's sender; audit_note_rows then notes them. The same for a
 * store_series_fn: audit_series_init, audit_series_row (each series'
 * seeker).
 */
int audit_note_appts(struct ctx *cx, const struct actor *who, const struct store_appt *v, int n);
int audit_note_appts_as(struct ctx *cx, const struct actor *who, const char *what,
                        const struct store_appt *v, size_t n);

#define AUDIT_ROWS_MAX 128
struct audit_rows {
	store_request_fn fn;
	store_series_fn series_fn;
	void *arg;
	int64_t seen[AUDIT_ROWS_MAX];
	int n;
	int over;                       /* more people than seen[] holds: noted at once */
};
void audit_rows_init(struct audit_rows *r, store_request_fn fn, void *arg);
int audit_request_row(void *arg, const struct store_request *rq);
/* Returns r. */
struct audit_rows *audit_series_init(struct audit_rows *r, store_series_fn fn, void *arg);
int audit_series_row(void *arg, const struct store_series *sr);
int audit_note_rows(struct ctx *cx, const struct actor *who, const char *what, struct audit_rows *r);

/* ----------------------------------------------------------------------
 * The chain, its checkpoints and its verification
 * ---------------------------------------------------------------------- */

/*
 * The link of entry e after the entry whose hash is prev: BLAKE2b-256
 * keyed with key over prev and e's canonical bytes (seq, at, kind, what,
 * subject, rk, detail, addr). Pure; the key is seal_derive(sv, "audit").
 */
void audit_link(const unsigned char key[32], const unsigned char prev[32],
                const struct store_audit *e, unsigned char out[32]);

/* Every this many entries audit_note writes a checkpoint to stderr. */
#define AUDIT_CHECKPOINT_EVERY 1000

/*
 * Writes the trail's head as a checkpoint line (core/audit_line.h) to f:
 * nothing when the trail is empty. Returns 0, or -1 when the store fails.
 */
int audit_checkpoint(struct services *sv, FILE *f);

/* A checkpoint read back from a log. */
struct audit_check {
	int64_t seq;
	unsigned char hash[32];
};

/* What verification found wrong, one problem at a time. */
enum audit_problem {
	AUDIT_MISSING,                  /* entries from..to are not there: deleted */
	AUDIT_EDITED,                   /* entry from does not hash to its link: changed */
	AUDIT_REWRITTEN,                /* entry from is not the one a checkpoint saw */
	AUDIT_TRUNCATED,                /* the trail ends before a checkpoint's entry `to` */
};
typedef void (*audit_problem_fn)(void *arg, enum audit_problem p, int64_t from, int64_t to,
                                 const char *sentence);

struct audit_verdict {
	int64_t entries;                /* entries read */
	int64_t head;                   /* the last entry's seq (0: none) */
	unsigned char head_hash[32];
	long problems;
	int checkpoints;                /* checkpoints compared (those in the trail's range) */
};

/*
 * Recomputes the chain of sv's store with its audit key, and compares it
 * with checkpoints cps[0..n) (any order; n may be 0), calling fn (may be
 * NULL) with a sentence for each problem: a gap, an entry edited, a
 * checkpoint's entry rewritten or cut off. Returns 0 (v->problems says
 * whether it is intact), or -1 when the store fails.
 */
int audit_verify(struct services *sv, const struct audit_check *cps, int n,
                 struct audit_verdict *v, audit_problem_fn fn, void *arg);

/* ----------------------------------------------------------------------
 * The whole trail, opened, for an administrator (`chiron audit list`)
 * ---------------------------------------------------------------------- */

struct audit_opened {
	int64_t seq, at;
	const char *kind, *what;
	int opened;                     /* 0: the detail did not open (key destroyed) */
	int64_t actor;                  /* account; 0: no one signed in, or the command line */
	const char *role;               /* "seeker", "therapist", "admin" or "" */
	const char *listing;            /* the actor's listing, or "" */
	int64_t subject;                /* whose data; 0: no one person's */
	const char *record;             /* "" when none */
	int has_addr;
	char addr[17];                  /* the first 8 bytes of the address's keyed hash, hex */
};
typedef int (*audit_opened_fn)(void *arg, const struct audit_opened *e);

/*
 * Every entry after seq `after`, in order, its detail opened, to fn (a
 * non-zero return stops). Administrators only (403 refusal otherwise).
 * Returns 0, 1 with why, or -1.
 */
int audit_list(struct ctx *cx, const struct actor *who, int64_t after, audit_opened_fn fn, void *arg,
               struct refusal *why);

/* ----------------------------------------------------------------------
 * What a person sees of the entries about their data
 * ---------------------------------------------------------------------- */

#define AUDIT_ACTIVITY_PAGE 50

struct audit_seen {
	int64_t seq, at;
	enum audit_kind kind;
	/* A sentence in plain words, names and never ids: "Dr Jane Smith
	 * (the therapist you wrote to) read your consultation request". */
	const char *text;
};

/*
 * The entries about the signed-in person's own data, newest first, before
 * entry `before` (0: from the newest), at most AUDIT_ACTIVITY_PAGE, into
 * *out (the call's arena), *n of them; *next the `before` of the next
 * page (0: none). Returns 0, 1 with why (not signed in), or -1.
 */
int audit_activity(struct ctx *cx, const struct actor *who, int64_t before, struct audit_seen **out,
                   int *n, int64_t *next, struct refusal *why);

#endif
