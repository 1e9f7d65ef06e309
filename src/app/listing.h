/*
 * listing.h: a therapist's listing: claiming it, proving the claim,
 * editing, confirming, the admin's queue, hiding and merging (app/listing.c).
 */
#ifndef CHIRON_APP_LISTING_H
#define CHIRON_APP_LISTING_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/hours.h"
#include "core/record.h"
#include "app/ctx.h"

#define QUEUE_MAX 100                   /* claims in the admin queue */

struct refusal;                         /* app/services.h */

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
 * claim_listing, where as_typed says the claimant stands by an NPI whose
 * check digit fails (10 digits still): the claim then waits marked "NPI
 * check failed", and the admin verifies it only with a reason. Without
 * as_typed such an NPI is a 400 naming "npi".
 */
int claim_listing_as(struct ctx *cx, struct actor *who, const char *tid, const char *npi, bool as_typed,
                     struct refusal *why);
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
/* What an admin checked to verify a claim. */
struct verify_in {
	const char *board, *licence;    /* the licensing board, the licence number it shows */
	bool checked;                   /* the board's record shows it current, for this person */
	const char *override_reason;    /* NULL or "": none; required when the NPI check fails */
};
/*
 * verify_listing with an override: when the claim's NPI fails its check
 * digit, 409 naming "override_reason" unless in->override_reason gives
 * one; the reason is recorded with the verification.
 */
int verify_listing_as(struct ctx *cx, const struct actor *who, const char *tid, const struct verify_in *in,
                      struct refusal *why);
/*
 * What chiron checked when it verified listing tid, for its profile and
 * the API (no actor: it is public, as the badge it backs):
 *   npi_checked_at      when the NPI's check digit was checked and held
 *                       (0: it failed, or was not recorded)
 *   licence_board, licence_number, licence_checked_at
 *                       the licence as the admin found it with the board
 *                       ("" and 0 for verifications before they were recorded)
 *   override_reason     why an admin verified though the NPI check failed
 *                       ("" when none)
 * Strings in cx's arena. 0; 1 when the listing is not verified; -1.
 */
struct verification {
	int64_t verified_at;
	int64_t npi_checked_at;
	const char *licence_board, *licence_number;
	int64_t licence_checked_at;
	const char *override_reason;
};
int listing_verification(struct ctx *cx, const char *tid, struct verification *v);
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
/*
 * The name of listing tid as a person is shown it: the listing's name
 * (from the index, or the store for a hidden one), or "a therapist no
 * longer listed" when it is gone: never the id. Borrowed (the index) or
 * in cx's arena.
 */
const char *listing_display_name(struct ctx *cx, const char *tid);
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
 * Editing the listing held (see listing.c's notes on editing)
 * ---------------------------------------------------------------------- */

/* An edit: the contract's therapist record and what goes with it. */
struct listing_in {
	const char *json;               /* the record (matching.md section 1.2), len bytes */
	size_t len;
	const struct store_policy *pol; /* NULL: the stated policies stay */
	/* Where windows are held (a window without an entry: either way);
	 * NULL: the stored places stay as they are. */
	const struct store_avail_modes *modes;
};

/* The listing held, as its edit form shows it. */
struct listing_mine {
	struct therapist t;             /* unpacked into the call's arena */
	struct store_policy pol;        /* zeroed when none are stated */
	bool pol_stated;
	struct store_avail_modes modes;
};

/* A fresh listing id: "t-" and 12 random hex digits. */
void listing_new_id(char out[24]);
/*
 * Saves in as the signed-in therapist's listing and confirms it current.
 * 404 when the account holds none; 400 naming the contract field when the
 * record is invalid (nothing stored). The field and message of a refusal
 * may live in cx's arena.
 */
int listing_save_record(struct ctx *cx, const struct actor *who, const struct listing_in *in, struct refusal *why);
/*
 * Stores in as a new listing with id (listing_new_id), claimed by the
 * signed-in therapist and hidden until an admin verifies the claim. 409
 * when the account already claims or holds one.
 */
int listing_create_record(struct ctx *cx, const struct actor *who, const char *id, const struct listing_in *in,
                          struct refusal *why);
/* The signed-in therapist's listing, policies and windows' places; 404 when none. */
int listing_mine(struct ctx *cx, const struct actor *who, struct listing_mine *m, struct refusal *why);
/*
 * The record of the listing held, as JSON appended to out, each window
 * with its "modality": "in_person", "telehealth" or "either".
 */
int listing_record_json(struct ctx *cx, const struct actor *who, struct buf *out, struct refusal *why);
/*
 * Saves the record body (len bytes of JSON) as the listing held. A
 * window's "modality" sets where it is held; a window without one keeps
 * the place of the stored window it matches (the same day and times, or
 * else the one on its day it overlaps most), and is held either way when
 * it overlaps none. 400 "availability[i].modality" for another value.
 */
int listing_record_put(struct ctx *cx, const struct actor *who, const char *body, size_t len, struct refusal *why);
/* The policies of the listing held (zeroed when none are stated); 404 when none. */
int listing_policies_get(struct ctx *cx, const struct actor *who, struct store_policy *pol, struct refusal *why);
/* Replaces only the policies of the listing held. */
int listing_policies_save(struct ctx *cx, const struct actor *who, const struct store_policy *pol,
                          struct refusal *why);

/* ----------------------------------------------------------------------
 * Reading a listing
 * ---------------------------------------------------------------------- */

/*
 * Listing id as its public page shows it, unpacked into cx's arena: 0,
 * or 1 when there is none or it is hidden (by an admin, or created and
 * not yet verified) and who is not an admin; -1 when the store fails.
 */
int listing_public(struct ctx *cx, const struct actor *who, const char *id, struct therapist *t);
/* The stated policies of listing id (zeroed when none), shown as listing_public shows it. */
int listing_policies_public(struct ctx *cx, const struct actor *who, const char *id, struct store_policy *pol);
/* The signed-in user's own claim, verified or not (*found = 0 when none). */
int listing_claim_of(struct ctx *cx, const struct actor *who, struct store_listing *l, int *found);
/* Every hidden listing, through fn; an admin's only (403 for anyone else). */
int listings_hidden_list(struct ctx *cx, const struct actor *who, store_listing_fn fn, void *arg,
                         struct refusal *why);

/*
 * Sends the confirmation reminders due at now (listings unconfirmed for
 * LISTING_REMIND_DAYS, each reminded once per confirmation). Returns how
 * many, or -1. Run hourly by `chiron serve`.
 */
long listing_reminders(struct services *sv, int64_t now);

/* ----------------------------------------------------------------------
 * The profile beside the record: the therapist's statement and photo
 * (issue 10; the photo's pipeline is app/photo.h)
 * ---------------------------------------------------------------------- */

#define STATEMENT_MAX_CHARS 1000        /* characters, not bytes */

/*
 * Saves the statement (plain text; line breaks kept, a CR dropped,
 * surrounding blank space trimmed; "" clears it) and, when photo is not
 * NULL, the n bytes of an uploaded picture, re-encoded (photo_reencode),
 * as the signed-in therapist's profile. Nothing is saved unless both are
 * fine: 1 then, with why_text (field "statement") and/or why_photo (field
 * "photo") filled, their status 0 when that part was fine. 404 (in
 * why_text) when the account holds no listing.
 */
int listing_profile_save(struct ctx *cx, const struct actor *who, const char *statement, const void *photo,
                         size_t n, struct refusal *why_text, struct refusal *why_photo);
/* Removes the photo of the listing held (nothing when it has none). */
int listing_photo_remove(struct ctx *cx, const struct actor *who, struct refusal *why);
/* The statement and photo version of the listing held; 404 when none. */
int listing_profile_mine(struct ctx *cx, const struct actor *who, struct store_profile *out, struct refusal *why);
/* The statement and photo version of listing id, shown as listing_public shows it (0, 1, -1). */
int listing_profile_public(struct ctx *cx, const struct actor *who, const char *id, struct store_profile *out);
/*
 * The photo of listing id, re-encoded JPEG bytes appended to out, shown
 * as listing_public shows it: 0, 1 when there is none (or it is hidden
 * from who), -1.
 */
int listing_photo_get(struct ctx *cx, const struct actor *who, const char *id, struct buf *out, int64_t *version);
/*
 * The address of listing id's photo, "/therapists/ID/photo?v=VERSION"
 * (the version changes with every new photo, so a cache keeps each for
 * long), into out (n bytes, 128 suffice): 1 when it has one, 0 when not
 * (out ""), -1 when the store fails. For pages that already show the
 * listing (a search's result cards): it does not check who may see it.
 */
int listing_photo_url(struct ctx *cx, const char *id, char *out, size_t n);

/* The open hours of listing t as viewer who reads them (core/hours.h). */
#define LISTING_HOURS_MAX 128
struct listing_hours {
	struct hours_row row[LISTING_HOURS_MAX];
	int n;
	const char *zone;               /* the zone they are in (tz name) */
	bool theirs;                    /* it is the therapist's zone (the viewer's too, or the
	                                 * viewer has none set) */
	bool both;                      /* the listing offers in person and telehealth, so a
	                                 * window held one way only is worth saying */
};
/* Fills *h for t (as listing_public gave it): 0, or -1. */
int listing_hours(struct ctx *cx, const struct actor *who, const struct therapist *t, struct listing_hours *h);

/*
 * What chiron checked of listing tid, in words a seeker can weigh, for
 * its profile: never more than was checked.
 */
enum trust_kind {
	TRUST_NONE,                     /* nothing: a directory entry no one has claimed or proved */
	TRUST_NPI,                      /* claimed with the NPI the listing carries; nothing more yet */
	TRUST_LICENCE,                  /* an admin checked the licence with a board (board, at) */
	TRUST_OPERATOR,                 /* the operator added the holder from the command line */
};
struct trust {
	enum trust_kind kind;
	int64_t at;                     /* when (TRUST_NPI: claimed; others: verified) */
	char board[128];                /* TRUST_LICENCE: the board's name as the admin wrote it */
	int64_t confirmed_at;           /* the holder's last "my listing is current", 0 = never */
	bool paused;                    /* unconfirmed for LISTING_STALE_DAYS */
	int late;                       /* consultation requests unanswered 5 business days */
	bool hidden;                    /* hidden from everyone but admins */
	int64_t hidden_at;              /* when (admins only; 0 otherwise) */
	bool hidden_created;            /* hidden because its claimant created it and it waits */
};
/* Fills *tr for listing tid (t its record, as listing_public gave it): 0, or -1. */
int listing_trust(struct ctx *cx, const struct actor *who, const char *tid, const struct therapist *t,
                  struct trust *tr);

#endif
