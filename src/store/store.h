/*
 * store.h: chiron's persistence, behind one narrow interface.
 *
 * The store keeps the directory: organizations (id, name, kind,
 * jurisdiction) and therapists (id and the packed record of record.h). It
 * knows nothing of matching; the CLI and the index talk to it only through
 * the functions below, and each engine (SQLite now, PostgreSQL later) is a
 * struct store_ops behind them.
 *
 * Writes happen inside store_begin() / store_commit(); store_rollback()
 * undoes everything since store_begin(), so an import is all or nothing.
 * Every function returns 0 on success and -1 on failure, with the reason
 * in store_errmsg(), which the failing call set for its own thread.
 */
#ifndef CHIRON_STORE_H
#define CHIRON_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct buf;                             /* core/buf.h */

struct store_org {
	const char *id, *name, *kind, *jurisdiction;   /* codes as strings */
};

/* Called for each row of a scan; a non-zero return stops the scan. */
typedef int (*store_org_fn)(void *arg, const struct store_org *o);
typedef int (*store_therapist_fn)(void *arg, const char *id,
                                  const void *packed, size_t n);

#define STORE_BLIND_BYTES 32            /* a blind index (app/seal.h, SEAL_BLIND_BYTES) */
#define STORE_RK_BYTES 16               /* a row key (app/seal.h, SEAL_RK_BYTES) */
#define STORE_EMAIL_SEALED_MAX 320      /* an email of 255 bytes, sealed (SEAL_OVERHEAD 49) */

/* An account (accounts.md: roles seeker, therapist, admin). */
struct store_user {
	int64_t id;
	char handle[64];
	/*
	 * The email in the clear: the store never writes it, and fills it
	 * only from a row written before issue 11 (sealed at the next start,
	 * app/identity.c); the services fill it by opening email_sealed
	 * (account_get, account_email).
	 */
	char email[256];
	/* The email sealed (app/identity.c) and its blind index (email_bx). */
	unsigned char email_sealed[STORE_EMAIL_SEALED_MAX];
	size_t email_sealed_n;
	unsigned char email_bx[STORE_BLIND_BYTES];
	char pw_hash[160];              /* argon2id, libsodium's string form */
	char role[16];
	/*
	 * The listing a therapist holds once an admin verified the claim, or
	 * "": the one key to every private side of a listing (its requests,
	 * appointments, feed, edits). Filled from the listing table, so a
	 * claim waiting for verification never fills it.
	 */
	char therapist_id[72];
	char claim_id[72];              /* the listing claimed, verified or not, or "" */
};

/*
 * A consultation request (requests.md). The store keeps and gives the
 * sealed form (app/requests.c seals and opens): the seeker's account,
 * name, message and answer sealed under the seeker's data key, whose
 * number is dkey, for the row key rk. The plain fields are the opened
 * view the services hand their callers; the store fills them only for a
 * row from before issue 11 (requests_legacy).
 */
struct store_request {
	int64_t id;
	int64_t seeker;                 /* user id (plain view) */
	char seeker_name[64];           /* the pseudonym, or the name revealed */
	char therapist_id[72];
	char message[2048];
	char answer[2048];
	int64_t created_at, answered_at; /* answered_at 0 when not answered */
	int gone;                       /* plain view: the seeker erased their account */
	/* The sealed form; the pointers live until the callback returns. */
	unsigned char rk[STORE_RK_BYTES];
	int64_t dkey;                   /* the seeker's data key number */
	const void *s_seeker, *s_name, *s_message, *s_answer;
	size_t s_seeker_n, s_name_n, s_message_n, s_answer_n;
};

typedef int (*store_request_fn)(void *arg, const struct store_request *rq);

/* A listing's standing: who claimed it, whether an admin verified it, and
 * when its therapist last confirmed it is current (0 = never). */
struct store_listing {
	char therapist_id[72];
	int64_t user;                   /* the therapist account that claimed it */
	char npi_given[16];             /* the NPI the claimant gave */
	int64_t claimed_at, verified_at, confirmed_at;
	int created;                    /* made by the claimant at /listing/new */
	/* Proof of control: a one-time code mailed to a contact an admin
	 * found for the practice (never one the claimant gave). */
	char contact[256];              /* where the code went, "" before */
	char contact_source[200];       /* where the admin found it */
	int code_live;                  /* a code waits to be entered */
	int64_t code_sent_at, code_sent_by, code_expires;
	int code_tries;                 /* wrong entries of the current code */
	int64_t code_ok_at;             /* when the claimant entered it, 0 = not yet */
	int64_t verified_by;            /* the admin's user id; 0 = the command line */
	char verified_how[512];
	/* What the verification checked (listing_verify_checked): */
	int npi_checked;                /* 1: the NPI's check digit held */
	char licence_board[128];        /* the board the licence was checked with, "" = not recorded */
	char licence_number[64];
	char override_reason[512];      /* why verified though the NPI check failed, "" = none */
};

/* What an admin checked to verify a claim (listing_verify_checked). */
struct store_verify {
	const char *how;                /* the whole story, as verified_how */
	int npi_checked;
	const char *board, *licence, *override_reason;  /* "" when none */
};

/* What listing_code_take found. */
enum store_code {
	STORE_CODE_NONE,                /* no code waits (never sent, used or voided) */
	STORE_CODE_OK,                  /* the code: accepted, and spent */
	STORE_CODE_WRONG,               /* not the code; *left tries remain */
	STORE_CODE_VOIDED,              /* not the code, and that was the last try */
	STORE_CODE_EXPIRED,             /* the code had expired (now spent) */
};

typedef int (*store_listing_fn)(void *arg, const struct store_listing *l);

/* A listing's profile beside its record: the statement and whether a
 * photo is stored (its bytes come only through photo_get). */
#define STORE_STATEMENT_MAX 4096        /* bytes with the NUL; the service allows 1000 characters */
struct store_profile {
	char statement[STORE_STATEMENT_MAX];
	int64_t photo_version;          /* 0: no photo */
	int64_t updated_at;
};

/* A listing's stated policies: what a seeker can raise at a first
 * consultation. Plain text, each at most STORE_POLICY_MAX - 1 bytes. */
#define STORE_POLICY_MAX 2048
struct store_policy {
	char confidentiality[STORE_POLICY_MAX];  /* what stays private among colleagues */
	char events[STORE_POLICY_MAX];           /* meeting clients at professional events */
	char dual[STORE_POLICY_MAX];             /* dual relationships found later */
	int64_t updated_at;
};

/*
 * Rewrites for an organization merge (org_merge): given a stored
 * therapist's packed record, or a seeker's saved profile, return 0 when it
 * does not change, 1 with a malloc'd replacement in *out (*outn bytes), or
 * -1 on error.
 */
typedef int (*store_rewrite_fn)(void *arg, const char *id, const void *in, size_t n,
                                void **out, size_t *outn);
/*
 * A message of the outbox waiting to be sent. The strings belong to the
 * store and live until the callback returns.
 */
struct store_mail {
	int64_t id;
	const char *to, *subject, *body;
	int64_t created_at;
	int attempts;                   /* tries so far, all failed */
};

typedef int (*store_mail_fn)(void *arg, const struct store_mail *m);

/*
 * A row of the outbox as it stands, for tests (`chiron outbox list`): no
 * recipient, subject or body, only what became of it. The strings and the
 * sealed bytes belong to the store and live until the callback returns.
 */
struct store_outbox_row {
	int64_t id, created_at;
	int64_t tried_at, sent_at;      /* 0: never */
	int attempts;
	const unsigned char *sealed;    /* the sealed message, NULL once erased */
	size_t sealed_n;
	int clear;                      /* a recipient, subject or body kept in the clear */
	const char *last_error;         /* "" when none */
};

typedef int (*store_outbox_row_fn)(void *arg, const struct store_outbox_row *r);

/* A busy interval of a user's calendar, [start, end) in UTC seconds. */
struct store_busy {
	int64_t start, end;
};

/* A busy interval as an older chiron stored it, in the clear, for
 * app/calendar.c to seal (busy_legacy). */
typedef int (*store_busy_legacy_fn)(void *arg, int64_t user, const struct store_busy *b);

/* A message is tried at most this many times, then left unsent. */
#define STORE_OUTBOX_MAX_ATTEMPTS 8

/* ---- scheduling (issue 4) ---- */

/*
 * Where a weekly window of the record's availability is held: modes is a
 * bit per enum modality (1 in person, 2 telehealth). A window without an
 * entry serves every modality of the listing.
 */
struct store_avail_mode {
	uint8_t day;
	uint16_t start, end;
	uint8_t modes;
};

#define STORE_AVAIL_MODES_MAX 64
struct store_avail_modes {
	struct store_avail_mode v[STORE_AVAIL_MODES_MAX];
	int n;
};

/* A kind of session a therapist offers: its length, how often one may
 * start, and its seats (1, or a group's). */
struct store_session_type {
	char kind[16];                  /* consultation, individual, couples, group */
	int minutes, step, capacity;
};

#define STORE_SESSION_TYPES 4

/* A therapist's booking settings (weekly hours are the record's). */
struct store_schedule {
	int notice_hours;               /* cancelling or moving later than this is "late" */
	int booking_notice_hours;       /* no session starts sooner than this after booking */
	struct store_session_type types[STORE_SESSION_TYPES];
	int n_types;
};

/* ---- sealed at rest (issue 11, app/seal.h) ---- */

#define STORE_RK_BYTES 16               /* a row key (SEAL_RK_BYTES) */
#define STORE_SEALED_ID_MAX 64          /* an account id sealed (8 bytes + SEAL_OVERHEAD) */
#define STORE_SEALED_NOTE_MAX 256       /* a closure's note sealed (199 bytes + SEAL_OVERHEAD) */

/*
 * Who booked (the seeker of an appointment, a series, a place on a
 * waitlist), as the store keeps it: never the account id in the clear
 * beside the therapist's. dkey is the seeker's data key number, in the
 * clear and indexed (it groups one person's rows, names no one); sealed
 * is the seeker's account id sealed under that key for
 * "<table>.seeker#<rk>", rk the row's random key. The service seals
 * before it writes and opens after it reads (app/booking_seal.c).
 * A row of an older chiron not yet sealed has sealed_n 0 and dkey the
 * negated account id (for the seat index) until booking_seal_legacy.
 */
struct store_link {
	int64_t dkey;
	unsigned char rk[STORE_RK_BYTES];
	unsigned char sealed[STORE_SEALED_ID_MAX];
	size_t sealed_n;
};

/* A dated closure: local days first..last, minutes start..end of each. */
struct store_closed {
	int64_t id;
	int64_t first_day, last_day;    /* days since 1970-01-01, the therapist's local dates */
	int start_min, end_min;
	/* The therapist's own note: never stored in the clear. note is the
	 * service's (sealed into note_sealed before closed_add, opened after
	 * closed_list); the store reads and writes rk and note_sealed only. */
	char note[200];
	unsigned char rk[STORE_RK_BYTES];
	unsigned char note_sealed[STORE_SEALED_NOTE_MAX];
	size_t note_sealed_n;
};

typedef int (*store_closed_fn)(void *arg, const struct store_closed *c);

/* An appointment: UTC, with the zone it was made in (the therapist's). */
struct store_appt {
	int64_t id;
	char therapist_id[72];
	int64_t seeker;                 /* the service's, opened from link; never stored */
	bool seeker_gone;               /* the seeker's account was erased (seeker 0) */
	struct store_link link;         /* who booked, as stored */
	char kind[16];
	int64_t start, end;
	char zone[64];
	int64_t series_id;              /* 0 when single */
	char modality[16];              /* in_person, telehealth, or "" (either) */
	int64_t orig_start;             /* where a moved session was first booked; 0 = never moved */
	char status[12];                /* booked, cancelled */
	char cancelled_by[12];          /* seeker, therapist, or "" */
	int late;                       /* cancelled or moved inside the notice period */
	int64_t created_at, updated_at;
	int64_t seq;                    /* changes since booking: one more with each */
};

typedef int (*store_appt_fn)(void *arg, const struct store_appt *a);

/* A weekly or fortnightly series: a wall time in zone on first_day, then
 * every interval_weeks, count times. */
struct store_series {
	int64_t id;
	char therapist_id[72];
	int64_t seeker;                 /* the service's, opened from link; never stored */
	bool seeker_gone;
	struct store_link link;
	char kind[16];
	char zone[64];
	int64_t first_day;
	int minute, minutes, interval_weeks, count;
	char status[12];                /* active, ended */
	char created_by[12];            /* seeker or therapist */
	int64_t created_at;
	int64_t seq;                    /* changes to the series row since it began */
	int64_t anchor;                 /* booking: an appointment to make its first (not stored) */
};

typedef int (*store_series_fn)(void *arg, const struct store_series *sr);

/* Booked time around a candidate, one seat per appointment. */
struct store_span {
	int64_t start, end;
	int seats;
	char kind[16];
};

/*
 * Decides, inside a booking's transaction, whether candidate a is still
 * open given the therapist's booked time overlapping it (sorted by start,
 * the candidate itself excluded when it is being moved): 0 open, 1 not,
 * -1 when it cannot tell (the transaction is then rolled back).
 */
typedef int (*store_slot_fn)(void *arg, const struct store_appt *a,
                             const struct store_span *busy, int n_busy);

/* A place on a therapist's waitlist. */
struct store_wait {
	int64_t id;
	char therapist_id[72];
	int64_t seeker;                 /* the service's, opened from link; never stored */
	bool seeker_gone;
	struct store_link link;
	char kind[16];
	int64_t created_at, notified_at;
};

typedef int (*store_wait_fn)(void *arg, const struct store_wait *w);

/* A wrapped data key (app/seal.h): its number, its master key's number,
 * the wrapped bytes. */
typedef int (*store_dkey_fn)(void *arg, int64_t id, int64_t master, const void *wrapped,
                             size_t n);

/*
 * One entry of the audit trail (app/audit.c), as stored and as hashed:
 * never content. kind and what are fixed names; subject is a blind index
 * of whose data it was (all zero: no one person's); detail is a sealed
 * blob (who acted, on which record), bound to the row key rk; addr a
 * keyed hash of the client's address (all zero: none); hash the chain's
 * link, a keyed hash of the previous entry's hash and this entry's bytes.
 */
#define STORE_AUDIT_DETAIL_MAX 512
struct store_audit {
	int64_t seq;                    /* 1, 2, 3...: given by audit_append */
	int64_t at;
	char kind[24];
	char what[24];
	unsigned char subject[32];
	unsigned char rk[16];
	unsigned char detail[STORE_AUDIT_DETAIL_MAX];
	size_t detail_n;
	unsigned char addr[16];
	unsigned char hash[32];
};
typedef int (*store_audit_fn)(void *arg, const struct store_audit *e);
/* Links e after the entry whose hash is prev (all zero before the first):
 * fills e->hash. Returns 0, or -1 to give up the append. */
typedef int (*store_audit_chain_fn)(void *arg, const unsigned char prev[32], struct store_audit *e);

#define STORE_EXISTS 2                  /* returned when a unique value is taken */
#define STORE_TAKEN 3                   /* a booking's slot is no longer open */

/*
 * A session as stored (issue 11): its account, CSRF token, when it began
 * and was last seen (idle and absolute limits, app/session.c), its stage
 * (STORE_SESSION_FULL, or STORE_SESSION_CODE: the password was right and
 * the second factor's code is awaited) and when the row itself expires.
 */
#define STORE_SESSION_FULL 0
#define STORE_SESSION_CODE 1
struct store_session {
	int64_t user, created_at, seen_at, expires_at;
	char csrf[64];
	int stage;
};

/* An account's second factor (issue 11): the TOTP secret, sealed
 * (app/seal.h); confirmed_at 0 while being set up; the last TOTP step
 * accepted (a code works once). */
#define STORE_SECRET_MAX 160
struct store_second_factor {
	unsigned char secret[STORE_SECRET_MAX];
	size_t secret_n;
	int64_t confirmed_at, last_step;
};

struct store_ops {
	const char *engine;
	int (*begin)(struct store *s);
	int (*commit)(struct store *s);
	int (*rollback)(struct store *s);
	int (*put_org)(struct store *s, const struct store_org *o);
	int (*put_therapist)(struct store *s, const char *id,
	                     const void *packed, size_t n);
	/* *found = 1 when a record had that id (either kind). */
	int (*remove)(struct store *s, const char *id, int *found);
	/* Rows in ascending id order. */
	int (*scan_orgs)(struct store *s, store_org_fn fn, void *arg);
	int (*scan_therapists)(struct store *s, store_therapist_fn fn, void *arg);
	/*
	 * One therapist by id: fn is called once when it exists (*found = 1).
	 * Safe to call from many threads at once.
	 */
	int (*get_therapist)(struct store *s, const char *id, store_therapist_fn fn,
	                     void *arg, int *found);
	void (*close)(struct store *s);

	/* Accounts: every function is safe to call from many threads. */
	int (*user_create)(struct store *s, struct store_user *u);  /* sets u->id; STORE_EXISTS */
	/*
	 * user_create stores u's handle, pw_hash, role and email_bx, with the
	 * sealed email when email_sealed_n is set, else a placeholder until
	 * user_email_set (the email is sealed for the new row's id). A
	 * non-zero email_bx of another account is STORE_EXISTS; a zero one
	 * (tools and tests of the store alone) keeps u->email as it is, a row
	 * like those from before issue 11.
	 */
	/* By handle (or a clear email of a row from before issue 11). *found = 0 when none. */
	int (*user_find)(struct store *s, const char *handle_or_email,
	                 struct store_user *u, int *found);
	int (*user_get)(struct store *s, int64_t id, struct store_user *u, int *found);
	int (*user_set_password)(struct store *s, int64_t id, const char *pw_hash);
	int (*session_put)(struct store *s, const unsigned char hash[32], int64_t user,
	                   const char *csrf, int64_t expires);
	int (*session_get)(struct store *s, const unsigned char hash[32], int64_t now,
	                   int64_t *user, char csrf[64], int *found);
	int (*session_delete)(struct store *s, const unsigned char hash[32]);
	int (*sessions_delete_user)(struct store *s, int64_t user);
	/* Records an attempt under key at now; *count = attempts since `since`. */
	int (*throttle_hit)(struct store *s, const char *key, int64_t now,
	                    int64_t since, long *count);
	/* Forgets every attempt made before `before` (the hourly chore). */
	int (*throttle_expire)(struct store *s, int64_t before);
	/* Every attempt kept, its key and time, through fn (for tests). */
	int (*throttle_list)(struct store *s, int (*fn)(void *arg, const char *key, int64_t at),
	                     void *arg);
	/*
	 * Sign-ups waiting for their email's confirmation, by the BLAKE2b
	 * hash of the link's token: u's handle, email sealed (email_sealed,
	 * for the token's hash, app/identity.c), pw_hash and role.
	 * Get fills u (*found 0 when missing or expired); rename changes the
	 * pseudonym of one; delete forgets one; expire forgets all whose
	 * time ran out before `now`.
	 */
	int (*signup_put)(struct store *s, const unsigned char hash[32], const struct store_user *u,
	                  int64_t expires);
	int (*signup_get)(struct store *s, const unsigned char hash[32], int64_t now,
	                  struct store_user *u, int *found);
	int (*signup_rename)(struct store *s, const unsigned char hash[32], const char *handle);
	int (*signup_delete)(struct store *s, const unsigned char hash[32]);
	int (*signup_expire)(struct store *s, int64_t now);
	int (*outbox_add)(struct store *s, const char *to, const char *subject,
	                  const char *body, int64_t now);
	int (*reset_put)(struct store *s, const unsigned char hash[32], int64_t user,
	                 int64_t expires);
	/* Takes a reset token once: *user set and the token gone when valid. */
	int (*reset_take)(struct store *s, const unsigned char hash[32], int64_t now,
	                  int64_t *user, int *found);

	/*
	 * Consultation requests: a seeker's message to one therapist's
	 * listing, in their sealed form (struct store_request). Lists are
	 * newest first, at most max, through fn. request_add stores rk, dkey,
	 * therapist_id, the times and the four sealed values; the seeker's
	 * list is by their data key number.
	 */
	int (*request_add)(struct store *s, struct store_request *rq);  /* sets rq->id */
	int (*requests_of_seeker)(struct store *s, int64_t dkey, int max,
	                          store_request_fn fn, void *arg);
	/* Sent to therapist_id, older than request before_id (0: from the
	 * newest), newest first, at most max: pages of a long list. */
	int (*requests_to_therapist)(struct store *s, const char *therapist_id, int64_t before_id,
	                             int max, store_request_fn fn, void *arg);
	/* Answers request id with the sealed answer (n bytes), only when it
	 * was sent to therapist_id: *found 0 when there is no such request. */
	int (*request_answer)(struct store *s, int64_t id, const char *therapist_id,
	                      const void *answer, size_t n, int64_t now, int *found);

	/* Listings: a therapist account claims one (STORE_EXISTS when taken). */
	int (*listing_claim)(struct store *s, int64_t user, const char *therapist_id,
	                     const char *npi_given, int64_t now);
	int (*listing_get)(struct store *s, const char *therapist_id,
	                   struct store_listing *l, int *found);
	/*
	 * Verifies the waiting claim of therapist_id, recording the admin
	 * `by` (0: the command line) and how (*found = 0 when none waits).
	 */
	int (*listing_verify)(struct store *s, const char *therapist_id, int64_t by,
	                      const char *how, int64_t now, int *found);
	/* listing_verify, recording each thing checked (struct store_verify). */
	int (*listing_verify_checked)(struct store *s, const char *therapist_id, int64_t by,
	                              const struct store_verify *v, int64_t now, int *found);
	/*
	 * A new one-time code (its hash) for the waiting claim of
	 * therapist_id, sent to contact (found by admin `by` at source),
	 * valid until expires; the code before it and its tries are
	 * forgotten (*found = 0 when no claim waits).
	 */
	int (*listing_code_put)(struct store *s, const char *therapist_id,
	                        const unsigned char hash[32], const char *contact,
	                        const char *source, int64_t by, int64_t expires, int64_t now,
	                        int *found);
	/*
	 * user enters a code (its hash) for their waiting claim, in one
	 * transaction: *result is an enum store_code; a wrong code counts a
	 * try, and the max_tries-th wrong one voids the code.
	 */
	int (*listing_code_take)(struct store *s, int64_t user, const unsigned char hash[32],
	                         int64_t now, int max_tries, int *result, int *left);
	/* Drops the waiting claim of a listing the claimant did not create
	 * (*found = 0 when there is none). */
	int (*listing_unclaim)(struct store *s, const char *therapist_id, int *found);
	/* Verified listings, the latest verified first, at most max. */
	int (*listings_verified)(struct store *s, int max, store_listing_fn fn, void *arg);
	int (*listing_confirm)(struct store *s, const char *therapist_id, int64_t now);
	/* Claimed listings not yet verified, oldest first (the admin queue). */
	int (*listings_unverified)(struct store *s, int max, store_listing_fn fn, void *arg);
	/*
	 * Verified listings last confirmed (or, never confirmed, claimed)
	 * before `before`: the ones to pause. fn runs after the store's locks
	 * are released, so it may call the store.
	 */
	int (*listings_stale)(struct store *s, int64_t before, store_listing_fn fn, void *arg);

	/*
	 * A seeker's saved search profile (urlencoded form fields, the
	 * organizations included), private to its owner, sealed (app/profile.c).
	 * get appends the stored bytes to out (nothing when none), *sealed
	 * 0 when they are a clear row from before issue 11; put stores n bytes.
	 */
	int (*profile_get)(struct store *s, int64_t user, struct buf *out, int *sealed);
	int (*profile_put)(struct store *s, int64_t user, const void *fields, size_t n, int64_t now);

	/*
	 * Hiding a listing (admin): hidden ones leave search and their page.
	 * A listing its claimant created counts as hidden until the claim is
	 * verified; listings_hidden gives those too, with `created` set.
	 */
	int (*listing_hide)(struct store *s, const char *therapist_id, int hidden, int64_t now);
	int (*listing_hidden)(struct store *s, const char *therapist_id, int *hidden);
	/* Every hidden listing, through fn (after the store's locks are released). */
	int (*listings_hidden)(struct store *s, store_listing_fn fn, void *arg);

	/* The organization registry, from the web: safe across threads. */
	int (*org_add)(struct store *s, const struct store_org *o);     /* STORE_EXISTS */
	/* Organizations whose name contains q (any case), at most max, by name. */
	int (*orgs_find)(struct store *s, const char *q, int max, store_org_fn fn, void *arg);
	/* The organization of an id through fn (not called when there is none). */
	int (*org_get)(struct store *s, const char *id, store_org_fn fn, void *arg);

	/* The creation times of a listing's unanswered requests, oldest first. */
	int (*requests_unanswered)(struct store *s, const char *therapist_id, int64_t *at,
	                           int max, int *n);

	/*
	 * Editing listings from the web, each one transaction. save replaces
	 * the packed record of an existing therapist and, when pol is not
	 * NULL, its policies (*found = 0 and nothing changes when there is no
	 * such therapist). create stores a new therapist claimed by user
	 * (STORE_EXISTS when the id is taken or the user holds a listing).
	 * remove deletes a therapist with its claim, policies and hiding; the
	 * requests sent to it stay with their seekers.
	 */
	int (*listing_save)(struct store *s, const char *id, const void *packed, size_t n,
	                    const struct store_policy *pol, const struct store_avail_modes *modes,
	                    int64_t now, int *found);
	int (*listing_create)(struct store *s, int64_t user, const char *id,
	                      const void *packed, size_t n, const char *npi,
	                      const struct store_policy *pol, const struct store_avail_modes *modes,
	                      int64_t now);
	/* The windows' modalities (modes NULL above: left as they are). */
	int (*avail_modes_get)(struct store *s, const char *id, struct store_avail_modes *out);
	int (*listing_remove)(struct store *s, const char *id, int *found);
	/* Only the policies of an existing therapist (*found = 0: none). */
	int (*policy_save)(struct store *s, const char *id, const struct store_policy *pol,
	                   int64_t now, int *found);
	/* A listing's policies; *found = 0 (and pol zeroed) when none are stated. */
	int (*policy_get)(struct store *s, const char *id, struct store_policy *pol, int *found);

	/*
	 * Merges organization `from` into `into` in one transaction: every
	 * therapist record goes through therapist_fn and every saved seeker
	 * profile through profile_fn (the profile text with its NUL), the
	 * changed ones are written back, and `from` is deleted. *found = 0
	 * (nothing changes) unless both organizations exist; *changed counts
	 * the records and profiles rewritten.
	 */
	int (*org_merge)(struct store *s, const char *from, const char *into,
	                 store_rewrite_fn therapist_fn, store_rewrite_fn profile_fn,
	                 void *arg, int *found, long *changed);

	/*
	 * Confirmation reminders: verified listings last confirmed (or never
	 * confirmed and claimed) before `before` and not reminded since, through
	 * fn after the locks are released; remind records that one was sent
	 * with a single-use token (its hash) valid until expires; confirm_take
	 * uses a token once: the listing is confirmed at now and its id copied
	 * to tid (*found = 0 when the token is unknown, used or expired).
	 */
	int (*listings_to_remind)(struct store *s, int64_t before, store_listing_fn fn, void *arg);
	int (*listing_remind)(struct store *s, const char *tid, const unsigned char hash[32],
	                      int64_t expires, int64_t now);
	int (*confirm_take)(struct store *s, const unsigned char hash[32], int64_t now,
	                    char tid[72], int *found);

	/*
	 * Delivering the outbox (safe across threads). Pending: the unsent
	 * messages due at now, oldest first, at most max, through fn after
	 * the store's locks are released (so fn may call the store). A
	 * message never tried is due at once; one tried k times (the last at
	 * tried_at) is due at tried_at + retry_base * 2^(k-1); one tried
	 * STORE_OUTBOX_MAX_ATTEMPTS times is not due again.
	 */
	int (*outbox_pending)(struct store *s, int64_t now, int64_t retry_base, int max,
	                      store_mail_fn fn, void *arg);
	int (*outbox_sent)(struct store *s, int64_t id, int64_t now);
	/* One failed try at now, for the reason err (kept as last_error). */
	int (*outbox_failed)(struct store *s, int64_t id, const char *err, int64_t now);
	/* A failure no retry can mend (a refused address): no more tries. */
	int (*outbox_give_up)(struct store *s, int64_t id, const char *err, int64_t now);
	/*
	 * outbox_add, and the new message's id into *id. Like outbox_add it
	 * fails (and stores nothing) until the store has a mail key.
	 */
	int (*outbox_put)(struct store *s, const char *to, const char *subject, const char *body,
	                  int64_t now, int64_t *id);
	/*
	 * Mail at rest: the key (STORE_MAIL_KEY_BYTES) every message of the
	 * outbox is sealed with (store_mail_seal). Copied; call once, after
	 * opening, before the first outbox call. Messages stored in the clear
	 * by an older chiron and still unsent are sealed by this call.
	 */
	int (*set_mail_key)(struct store *s, const unsigned char *key);
	/* Every row of the outbox, by id, through fn (for tests; no key needed). */
	int (*outbox_list)(struct store *s, store_outbox_row_fn fn, void *arg);

	/*
	 * Scheduling. Every function is safe across threads; the booking ones
	 * are each one BEGIN IMMEDIATE transaction, so two bookings of one
	 * slot are decided one after the other and the second sees the first.
	 */
	int (*schedule_get)(struct store *s, const char *tid, struct store_schedule *out, int *found);
	int (*schedule_put)(struct store *s, const char *tid, const struct store_schedule *in,
	                    int64_t now);
	/* Closures of tid whose last day is on or after from_day, by first day. */
	int (*closed_list)(struct store *s, const char *tid, int64_t from_day,
	                   store_closed_fn fn, void *arg);
	int (*closed_add)(struct store *s, const char *tid, struct store_closed *c);  /* sets c->id */
	int (*closed_delete)(struct store *s, const char *tid, int64_t id, int *found);

	/*
	 * Books occ[0..n) of one therapist (n > 1: a series, stored from sr,
	 * whose id is set in sr->id and each occurrence's series_id). Each
	 * occurrence is checked by fn against the bookings as they stand,
	 * those of this call included, and inserted when open: booked[i] says
	 * which were. STORE_TAKEN, and nothing stored, when occ[0] of a single
	 * booking (sr NULL) or every occurrence of a series is not open. A
	 * series' sr->anchor, when not 0, joins the series as its first.
	 * Sets each booked occurrence's id.
	 */
	int (*appt_book)(struct store *s, struct store_series *sr, struct store_appt *occ, int n,
	                 store_slot_fn fn, void *arg, int *booked);
	int (*appt_get)(struct store *s, int64_t id, struct store_appt *a, int *found);
	/* A seeker's (by their data key number, link.dkey) or a therapist's
	 * appointments ending after from, by start. */
	int (*appts_of_dkey)(struct store *s, int64_t dkey, int64_t from, int max,
	                     store_appt_fn fn, void *arg);
	int (*appts_of_therapist)(struct store *s, const char *tid, int64_t from, int64_t to,
	                          int max, store_appt_fn fn, void *arg);
	/* Cancels a booked appointment (*found = 0 when not booked). */
	int (*appt_cancel)(struct store *s, int64_t id, const char *by, int late, int64_t now,
	                   int *found);
	/* Moves a booked appointment to a->start..a->end when fn finds it open
	 * (STORE_TAKEN otherwise); *found = 0 when it is not booked. */
	int (*appt_move)(struct store *s, const struct store_appt *a, int late, store_slot_fn fn,
	                 void *arg, int64_t now, int *found);
	int (*series_get)(struct store *s, int64_t id, struct store_series *sr, int *found);
	/* Active series of a seeker (by data key number; tid NULL) or of tid. */
	int (*series_of)(struct store *s, int64_t dkey, const char *tid, store_series_fn fn,
	                 void *arg);
	/* Ends a series: its occurrences starting after `after` are cancelled by `by`. */
	int (*series_end)(struct store *s, int64_t id, const char *by, int64_t after, int64_t now,
	                  long *cancelled);
	/* Booked appointments starting in [from, to) not yet reminded. */
	int (*appts_to_remind)(struct store *s, int64_t from, int64_t to, store_appt_fn fn, void *arg);
	int (*appt_reminded)(struct store *s, int64_t id, int64_t now);

	/* Private calendar feeds: one token (its hash) per user. */
	int (*feed_put)(struct store *s, int64_t user, const unsigned char hash[32], int64_t now);
	int (*feed_delete)(struct store *s, int64_t user);
	int (*feed_user)(struct store *s, const unsigned char hash[32], int64_t *user, int *found);
	int (*feed_exists)(struct store *s, int64_t user, int *found);

	/* Waitlists. add: STORE_EXISTS when already waiting. */
	int (*wait_add)(struct store *s, struct store_wait *w);
	/* remove and of_dkey: the seeker by their data key number (link.dkey). */
	int (*wait_remove)(struct store *s, const char *tid, int64_t dkey, const char *kind,
	                   int *found);
	int (*waits_of_therapist)(struct store *s, const char *tid, store_wait_fn fn, void *arg);
	int (*waits_of_dkey)(struct store *s, int64_t dkey, store_wait_fn fn, void *arg);
	int (*wait_notified)(struct store *s, int64_t id, int64_t now);

	/* The viewer's time zone, "" when not set. */
	int (*user_zone_set)(struct store *s, int64_t user, const char *zone);
	int (*user_zone_get)(struct store *s, int64_t user, char *zone, size_t n);

	/*
	 * The busy times read from a user's uploaded calendar (start and end
	 * only, nothing else of the file), sealed by app/calendar.c into one
	 * blob per user. replace swaps the user's blob for sealed (n bytes;
	 * n = 0 forgets it) and drops any rows an older chiron kept in the
	 * clear, in one transaction. get appends the blob to out (*found 0
	 * when none).
	 */
	int (*busy_replace)(struct store *s, int64_t user, const void *sealed, size_t n);
	int (*busy_get)(struct store *s, int64_t user, struct buf *out, int *found);

	/*
	 * A listing's profile (issue 10): the therapist's statement and
	 * photo, beside the record (the record's format is the contract's and
	 * stays as it is). listing_profile_get fills *out (zeroed, *found = 0 when
	 * none is stored). statement_put sets the statement; photo_put
	 * stores n bytes of JPEG (already re-encoded: never bytes as
	 * uploaded) and adds one to the photo's version; photo_delete drops
	 * it. photo_get appends the photo's bytes to out (*found = 0: none).
	 */
	int (*listing_profile_get)(struct store *s, const char *tid, struct store_profile *out, int *found);
	int (*statement_put)(struct store *s, const char *tid, const char *text, int64_t now);
	int (*photo_put)(struct store *s, const char *tid, const void *jpeg, size_t n, int64_t now);
	int (*photo_delete)(struct store *s, const char *tid, int64_t now);
	int (*photo_get)(struct store *s, const char *tid, struct buf *out, int64_t *version, int *found);

	/*
	 * Data keys (issue 11, app/seal.h), only ever wrapped under a
	 * numbered master key. dkey_put adds one (STORE_EXISTS when the
	 * number is taken); dkey_get copies the wrapped bytes into wrapped
	 * (cap bytes; *found 0 when none); dkey_delete destroys one for good
	 * (secure_delete zeroes its page, and the WAL is checkpointed);
	 * dkey_scan calls fn for each; dkey_rewrap replaces one's wrapped
	 * bytes and master number, only when it is still under old_master.
	 * An account's own key number lives sealed in its row: user_dkey_get
	 * copies it (*found 0 when the account has none yet), user_dkey_set
	 * records it only when none is recorded (*set 0 when one already was).
	 */
	int (*dkey_put)(struct store *s, int64_t id, int64_t master, const void *wrapped, size_t n);
	int (*dkey_get)(struct store *s, int64_t id, int64_t *master, void *wrapped, size_t cap,
	                size_t *n, int *found);
	int (*dkey_delete)(struct store *s, int64_t id, int *found);
	int (*dkey_scan)(struct store *s, store_dkey_fn fn, void *arg);
	int (*dkey_rewrap)(struct store *s, int64_t id, int64_t old_master, int64_t master,
	                   const void *wrapped, size_t n);
	int (*user_dkey_get)(struct store *s, int64_t user, void *sealed, size_t cap, size_t *n,
	                     int *found);
	int (*user_dkey_set)(struct store *s, int64_t user, const void *sealed, size_t n, int *set);

	/*
	 * Backup (issue 11, `chiron backup`): a consistent copy of the whole
	 * database, as sealed as it is, into a new file at path, while other
	 * connections and processes (a serving chiron) go on reading and
	 * writing. The copy is written to path.tmp, flushed to disk, checked
	 * (store_check_file) and only then renamed to path; when replace is
	 * false an existing path is left alone and the call fails with
	 * STORE_EXISTS. *pages (may be NULL) gets the number of pages copied.
	 */
	int (*backup)(struct store *s, const char *path, bool replace, long *pages);

	/*
	 * The people side sealed (issue 11, app/identity.c, requests.c,
	 * profile.c). user_find_bx finds an account by its email's blind
	 * index; user_email_set records an account's sealed email and blind
	 * index (STORE_EXISTS when another account has that index).
	 * request_get gives request id through fn only when it was sent to
	 * therapist_id (*found). The *_legacy scans give rows from before
	 * issue 11, still in the clear, through fn with the store's lock
	 * held (fn copies, and must not call the store): users (id, email), requests (the plain fields
	 * filled), profiles (user id, fields); request_seal writes the sealed
	 * form of such a request (rk, dkey, the s_* values) and empties its
	 * clear account.
	 */
	int (*user_find_bx)(struct store *s, const unsigned char bx[STORE_BLIND_BYTES],
	                    struct store_user *u, int *found);
	int (*user_email_set)(struct store *s, int64_t user, const unsigned char bx[STORE_BLIND_BYTES],
	                      const void *sealed, size_t n);
	int (*request_get)(struct store *s, int64_t id, const char *therapist_id,
	                   store_request_fn fn, void *arg, int *found);
	int (*users_legacy)(struct store *s, int (*fn)(void *arg, int64_t id, const char *email),
	                    void *arg);
	int (*requests_legacy)(struct store *s, store_request_fn fn, void *arg);
	int (*request_seal)(struct store *s, const struct store_request *rq);
	int (*profiles_legacy)(struct store *s, int (*fn)(void *arg, int64_t user, const char *fields),
	                       void *arg);

	/*
	 * The audit trail (issue 11, app/audit.c). audit_append adds e at the
	 * end of the chain in one write transaction (BEGIN IMMEDIATE, so
	 * appends are serialized across threads and processes): it reads
	 * the head, sets e->seq to the head's plus one, calls chain with the
	 * head's hash (which must not call the store) and inserts e; a
	 * savepoint instead when store_begin's transaction is open.
	 * audit_scan gives every entry after seq `after` in order;
	 * audit_of_subject the entries with subject `subject` before seq
	 * `before` (0: from the newest), newest first, at most max;
	 * audit_head the last entry's seq and hash (0 and zeros when empty).
	 * The callbacks run with the store's lock held (they must not call
	 * the store); a non-zero return stops.
	 */
	int (*audit_append)(struct store *s, struct store_audit *e, store_audit_chain_fn chain, void *arg);
	int (*audit_scan)(struct store *s, int64_t after, store_audit_fn fn, void *arg);
	int (*audit_of_subject)(struct store *s, const unsigned char subject[32], int64_t before, int max,
	                        store_audit_fn fn, void *arg);
	int (*audit_head)(struct store *s, int64_t *seq, unsigned char hash[32]);

	/*
	 * Bookings sealed at rest (issue 11, app/booking_seal.c): the rows an
	 * older chiron kept in the clear, for the service to seal once at
	 * start. link_legacy gives each appointment, series and waitlist row
	 * whose seeker is not sealed yet (table "appointment", "series" or
	 * "waitlist", its id, the seeker's account id); link_legacy_set
	 * stores a row's sealed link in place of the clear id. closed_legacy
	 * gives each closure whose note is in the clear (id, listing, note);
	 * closed_legacy_set stores its rk and sealed note and blanks the
	 * clear one. busy_legacy gives every busy interval kept in the clear,
	 * by user then start (the service seals each user's with
	 * busy_replace, which drops them). Each fn is called after the rows
	 * are read, without the store's lock.
	 */
	int (*link_legacy)(struct store *s,
	                   int (*fn)(void *arg, const char *table, int64_t id, int64_t seeker),
	                   void *arg);
	int (*link_legacy_set)(struct store *s, const char *table, int64_t id,
	                       const struct store_link *l);
	int (*closed_legacy)(struct store *s,
	                     int (*fn)(void *arg, const char *tid, const struct store_closed *c),
	                     void *arg);
	int (*closed_legacy_set)(struct store *s, const struct store_closed *c);
	int (*busy_legacy)(struct store *s, store_busy_legacy_fn fn, void *arg);
	/*
	 * Writes every change still in the write-ahead log back into the
	 * database and empties the log, so a value overwritten in place
	 * (secure_delete) leaves no old copy in either file: after sealing
	 * what was in the clear. Outside a transaction only; 0 or -1. While
	 * another connection reads the log it does what it can (0), and
	 * SQLite's own next checkpoint writes the rest back.
	 */
	int (*wipe_checkpoint)(struct store *s);

	/*
	 * Export and erasure (issue 11, app/export.h, app/erasure.h).
	 * user_created: when account user was made (*found 0: no such
	 * account). sessions_of_user: each live session of user (ending
	 * after now) through fn with its start, last use and end, by end. user_erase deletes the
	 * account's own rows in one transaction: the user row and everything
	 * that hangs off it (sessions, reset links, its saved profile, feed,
	 * busy times, the requests it sent, its waitlist places; rows keyed by
	 * its data key number kid, in the tables that have a dkey column);
	 * *found 0 when there was no such account. listing_release drops the
	 * claim of listing tid whatever its state (its holder closed it),
	 * with its confirmation links (*found 0 when none).
	 */
	int (*user_created)(struct store *s, int64_t user, int64_t *at, int *found);
	int (*sessions_of_user)(struct store *s, int64_t user, int64_t now,
	                        int (*fn)(void *arg, int64_t started, int64_t seen,
	                                  int64_t expires), void *arg);
	int (*user_erase)(struct store *s, int64_t user, int64_t kid, int *found);
	int (*listing_release)(struct store *s, const char *tid, int *found);
	/*
	 * Sessions with their times and stage (issue 11, app/session.c).
	 * session_begin starts one at now (created and seen now), its row
	 * kept until expires; session_read fills *out whatever its times
	 * (the service judges them; *found 0 when there is no such row);
	 * session_seen records a use at now; sessions_delete_others ends
	 * every session of user but the one of keep.
	 */
	int (*session_begin)(struct store *s, const unsigned char hash[32], int64_t user,
	                     const char *csrf, int stage, int64_t now, int64_t expires);
	int (*session_read)(struct store *s, const unsigned char hash[32], struct store_session *out,
	                    int *found);
	int (*session_seen)(struct store *s, const unsigned char hash[32], int64_t now);
	int (*sessions_delete_others)(struct store *s, int64_t user, const unsigned char keep[32]);
	/*
	 * The second factor (issue 11, app/second_factor.c). sf_get fills
	 * *out (*found 0 when the account has none, set up or being set
	 * up); sf_begin stores a new secret being set up (replacing one not
	 * yet confirmed; STORE_EXISTS when one is confirmed); sf_confirm
	 * confirms it at now with its first step, and stores the n recovery
	 * codes' hashes in place of any before, in one transaction; sf_step
	 * records step as the last accepted only when it is after the one
	 * stored (*ok 0 otherwise: a code used twice, even at once);
	 * sf_delete forgets the secret and the recovery codes.
	 * recovery_take spends the unused recovery code of hash (*found 0
	 * when there is none); recovery_replace puts n new hashes in place of
	 * every code; recovery_left counts those unused.
	 */
	int (*sf_get)(struct store *s, int64_t user, struct store_second_factor *out, int *found);
	int (*sf_begin)(struct store *s, int64_t user, const void *secret, size_t n, int64_t now);
	int (*sf_confirm)(struct store *s, int64_t user, int64_t step, int64_t now,
	                  const unsigned char (*hashes)[32], int n);
	int (*sf_step)(struct store *s, int64_t user, int64_t step, int *ok);
	int (*sf_delete)(struct store *s, int64_t user);
	int (*recovery_take)(struct store *s, int64_t user, const unsigned char hash[32], int64_t now,
	                     int *found);
	int (*recovery_replace)(struct store *s, int64_t user, const unsigned char (*hashes)[32], int n);
	int (*recovery_left)(struct store *s, int64_t user, long *n);
};

struct store {
	const struct store_ops *ops;
};

/*
 * Opens the store at spec: a file path for SQLite (created with its
 * directory when missing, migrated to the current schema). Returns NULL
 * and writes the reason into err (errlen bytes) on failure.
 */
struct store *store_open(const char *spec, char *err, size_t errlen);
void store_close(struct store *s);

/*
 * Why the last failing store call of this thread failed. The text is
 * per thread, not per store: two threads failing at once on one store
 * each read their own reason, and a call that succeeds leaves it as it
 * was. Valid until this thread's next failing call.
 */
const char *store_errmsg(const struct store *s);

/* For the engines: records a failing call's reason for this thread. */
void store_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline int store_begin(struct store *s) { return s->ops->begin(s); }
static inline int store_commit(struct store *s) { return s->ops->commit(s); }
static inline int store_rollback(struct store *s) { return s->ops->rollback(s); }
static inline int store_put_org(struct store *s, const struct store_org *o)
{ return s->ops->put_org(s, o); }
static inline int store_put_therapist(struct store *s, const char *id,
                                      const void *p, size_t n)
{ return s->ops->put_therapist(s, id, p, n); }
static inline int store_remove(struct store *s, const char *id, int *found)
{ return s->ops->remove(s, id, found); }
static inline int store_scan_orgs(struct store *s, store_org_fn fn, void *arg)
{ return s->ops->scan_orgs(s, fn, arg); }
static inline int store_scan_therapists(struct store *s, store_therapist_fn fn,
                                        void *arg)
{ return s->ops->scan_therapists(s, fn, arg); }

static inline int store_get_therapist(struct store *s, const char *id,
                                      store_therapist_fn fn, void *arg, int *found)
{ return s->ops->get_therapist(s, id, fn, arg, found); }

#define STORE_CALL(s, fn, ...) ((s)->ops->fn((s), __VA_ARGS__))

/* ----------------------------------------------------------------------
 * Mail at rest (store.c, shared by the engines)
 *
 * The outbox keeps each message's recipient, subject and body in one
 * sealed blob: XChaCha20-Poly1305 under a key that is not in the
 * database (chiron.key beside it, app/mail_key.h), a random nonce per
 * message, the message's row id as associated data so a blob moved to
 * another row does not open. Once a message is sent or given up, its
 * blob is erased: the row keeps its id, times, attempts and last error.
 * ---------------------------------------------------------------------- */

#define STORE_MAIL_KEY_BYTES 32

/*
 * Seals to, subject and body (none may hold a NUL) for row id: a malloc'd
 * blob into *out, *outn bytes, the caller's to free. Returns 0 or -1
 * (out of memory).
 */
int store_mail_seal(const unsigned char *key, int64_t id, const char *to, const char *subject,
                    const char *body, unsigned char **out, size_t *outn);

/*
 * Opens blob (n bytes) sealed for row id: *to, *subject and *body point
 * into one malloc'd buffer returned in *mem, the caller's to free.
 * Returns 0, or -1 when the blob does not open with key for id (another
 * key, another row, a changed byte) or memory runs out.
 */
int store_mail_open(const unsigned char *key, int64_t id, const void *blob, size_t n,
                    char **mem, const char **to, const char **subject, const char **body);

/* The SQLite engine (src/store/sqlite/). */
struct store *store_sqlite_open(const char *path, char *err, size_t errlen);

/*
 * The durability of SQLite store s as in effect on its connection: the
 * journal mode ("wal") into journal and the synchronous level ("NORMAL",
 * "FULL") into sync, n bytes each. When set is not NULL ("NORMAL" or
 * "FULL") the level is changed first, on this connection only.
 *
 * For `chiron bench-schedule`, which measures what production runs
 * (store_sqlite_open's WAL + NORMAL) and FULL beside it; chiron itself
 * never sets it. Returns 0, or -1 with the reason in s's errmsg (s not a
 * SQLite store, or set not one of the two).
 */
/*
 * The SQLite engine's durability: WAL with synchronous=FULL, so a booking
 * confirmed to both sides survives a power loss too (NORMAL could roll
 * back the last commits; at about 3,000 bookings a second FULL costs
 * nothing chiron will notice).
 */
#define STORE_SQLITE_SYNC "FULL"

int store_sqlite_durability(struct store *s, const char *set, char *journal, char *sync,
                            size_t n);

/*
 * Whether the file at path is a whole chiron database this chiron can
 * open (for `chiron backup` and `chiron restore`): SQLite's integrity
 * check passes, it holds chiron's schema, and its schema version is not
 * newer than this chiron's. Opens it read-only and changes nothing.
 * Returns 0, or -1 with the reason in plain words in err (errlen bytes).
 * *version (may be NULL) gets its schema version.
 */
int store_check_file(const char *path, int *version, char *err, size_t errlen);

/*
 * True when the last store call of this thread that failed did so
 * because the disk (or the database's size limit) is full: nothing of
 * that call was saved. store_error_clear() forgets it (and the reason),
 * for a thread that begins new work (a server's request).
 */
bool store_failed_full(void);
void store_error_clear(void);
/* For the engines: marks this thread's last failure as a full disk. */
void store_error_full(void);

#endif
