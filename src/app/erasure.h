/*
 * erasure.h: closing an account (GDPR article 17) and a therapist's
 * closing of their listing (app/erasure.c, whose design note lists the
 * steps and their order).
 */
#ifndef CHIRON_APP_ERASURE_H
#define CHIRON_APP_ERASURE_H

#include <stdbool.h>

#include "app/ctx.h"

struct refusal;                         /* app/services.h */

/* What the person types to confirm closing their account (any case). */
#define ERASE_CONFIRM "close my account"

/*
 * What an erasure or a closing did, step by step, for the page to say,
 * whole or not: `failed` is NULL when every step was done, else the step
 * that failed, in words ("destroying the account's data key"), every
 * step before it done and none after it.
 */
struct erase_report {
	int cancelled;                  /* sessions ahead cancelled, the other side told */
	int series_ended;
	int waits_left;
	int requests_closed;            /* a listing's unanswered requests, closed */
	bool listing_closed;
	bool signed_out;                /* every session of the account ended */
	bool audited;                   /* the content-free audit entry written */
	bool key_destroyed;
	bool rows_deleted;
	const char *failed;
};

/*
 * Closes who's account for good. The password is asked again
 * (account_reauth: 403 on "password", 429) and confirm must be
 * ERASE_CONFIRM (400 on "confirm"); nothing is done otherwise. Then, in
 * this order: a therapist's listing is closed (close_listing's steps);
 * every session ahead is cancelled and its therapist mailed a notice
 * naming no one; series end; waitlists are left; every sign-in session
 * ends; a content-free audit entry is written; the account's data key is
 * destroyed (seal_forget: whatever was sealed under it no longer opens);
 * the account's own rows are deleted. Returns 0 when all is done, 1 when
 * refused (nothing done), -1 when a step failed (rep->failed says which).
 */
int erase_account(struct ctx *cx, const struct actor *who, const char *password, const char *confirm,
                  struct erase_report *rep, struct refusal *why);

/*
 * A therapist closes the listing they hold or claim, keeping their
 * account: the password again (as above); then its sessions ahead are
 * cancelled with a notice to each seeker naming the listing (not why),
 * series end, unanswered consultation requests are closed (their senders
 * told the listing closed), the statement, photo and closures go, the
 * listing is hidden from search and its page, and the claim is dropped
 * (a listing its claimant created goes whole). 404 when who holds or
 * claims none. 0, 1, -1 as erase_account.
 */
int close_listing(struct ctx *cx, const struct actor *who, const char *password,
                  struct erase_report *rep, struct refusal *why);

/* The answer a closed listing's waiting requests get. */
#define CLOSED_ANSWER "This listing was closed: its therapist can no longer answer here."

#endif
