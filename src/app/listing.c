/*
 * listing.c: a therapist's listing: holding it, editing it, and the
 * admin's side of it (app/listing.h).
 *
 * A therapist account claims one listing by its id and the NPI on it. The
 * NPI is public, so a claim proves nothing and opens nothing: until an
 * admin verifies it, the claimant's account holds no listing (auth_load
 * fills therapist_id only from a verified claim) and sees none of its
 * requests, appointments, feed or edits. Verifying takes proof of
 * control: an admin looks the practice up (licensing board, practice
 * website) and has chiron mail a one-time code to the address found there
 * (send_claim_code); the claimant enters it (enter_claim_code); the admin
 * checks the licence with the board and verifies (verify_listing), which
 * records who, how and when. Codes are stored as BLAKE2b hashes, expire
 * after CLAIM_CODE_DAYS and die at the CLAIM_CODE_TRIES-th wrong entry.
 * A listing the claimant created stays out of searches and its page until
 * then (the store counts it as hidden). The therapist confirms the listing is
 * current with one click; a claimed listing left unconfirmed for
 * LISTING_STALE_DAYS is paused (matched as not accepting) until then, and
 * requests left unanswered for 5 business days count against it, visibly.
 * An admin may hide a listing from searches and its page.
 *
 * States of a listing's hold: unclaimed -> claimed ("waiting") -> code
 * sent -> code entered -> verified; a code may go void (expired, or 5
 * wrong tries) and be sent again; an admin may reject a claim at any
 * step before verification (a listing the claimant created goes with
 * it). A verified listing is confirmed or, unconfirmed too long, paused;
 * any listing may be hidden by an admin, removed, or have its
 * organizations merged.
 *
 * Who may do what: a therapist account claims, enters the code, and,
 * once verified, edits, confirms and states policies for the one listing
 * it holds; admins send codes, verify, reject, hide, remove and merge
 * (403 for anyone else); anyone reads a listing that is not hidden (a
 * hidden one is a 404 to all but admins).
 *
 * What it stores: the packed record, the policies, where each window is
 * held, the claim (account, NPI given, the address a code went to and
 * where the admin found it, who verified, how, when), codes only hashed.
 * Never: the code itself, the claimant's own address as proof, or who
 * looked at a listing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "core/json.h"
#include "core/jw.h"
#include "core/record.h"
#include "core/tz.h"
#include "app/directory.h"
#include "app/booking.h"
#include "app/mailer.h"
#include "app/photo.h"
#include "app/live.h"
#include "app/services.h"
#include "app/secret.h"
#include "app/throttle.h"

#define LATE_BUSINESS_DAYS 5
#define CLAIM_CODE_LEN 16               /* symbols of Crockford base32: 80 bits */

/* Weekdays (Monday to Friday) from UTC instant a to b. */
static long
business_days(int64_t a, int64_t b)
{
	int64_t d0 = a / 86400, d1 = b / 86400, d;
	long n = 0;

	for (d = d0 + 1; d <= d1 && n < 1000; d++)
		if (tz_weekday(d) < 5)
			n++;
	return n;
}

/* True when a claimed listing last confirmed (or claimed) at l went stale by now. */
static bool
stale(const struct store_listing *l, int64_t now)
{
	int64_t last = l->confirmed_at > l->claimed_at ? l->confirmed_at : l->claimed_at;

	return now - last >= (int64_t)LISTING_STALE_DAYS * 86400;
}

int
listing_standing_get(struct ctx *cx, const struct actor *who, const char *tid, struct standing *s)
{
	int64_t now = ctx_now(cx), at[64];
	int found = 0, hidden = 0, n = 0, i;

	(void)who;
	memset(s, 0, sizeof(*s));
	if (STORE_CALL(cx->sv->store, listing_get, tid, &s->l, &found) ||
	    STORE_CALL(cx->sv->store, listing_hidden, tid, &hidden))
		return -1;
	s->claimed = found != 0;
	s->hidden = hidden != 0;
	if (!s->claimed)
		return 0;
	s->state = claim_state(&s->l, now);
	/* Only a verified listing goes stale: a waiting claim (perhaps not
	 * the therapist's) must not pause the listing it names. */
	s->paused = s->l.verified_at && stale(&s->l, now);
	/* Requests wait for a verified holder: until there is one, none is
	 * late, and the profile holds nothing against the listing. */
	if (!s->l.verified_at)
		return 0;
	if (STORE_CALL(cx->sv->store, requests_unanswered, tid, at, 64, &n))
		return -1;
	for (i = 0; i < n; i++)
		s->late += business_days(at[i], now) >= LATE_BUSINESS_DAYS;
	return 0;
}

int
claim_listing(struct ctx *cx, struct actor *who, const char *tid, const char *npi, struct refusal *why)
{
	return claim_listing_as(cx, who, tid, npi, false, why);
}

/* Ten digits, whatever the check digit says. */
static bool
ten_digits(const char *s)
{
	return s && strlen(s) == 10 && strspn(s, "0123456789") == 10;
}

int
claim_listing_as(struct ctx *cx, struct actor *who, const char *tid, const char *npi, bool as_typed,
                 struct refusal *why)
{
	int rc;

	if (who->role != ACCT_THERAPIST)
		return refuse(why, 403, "", "only a therapist account can claim a listing");
	if (who->claim_id[0])
		return refuse(why, 409, "", who->therapist_id[0] ?
		              "this account already holds a listing" :
		              "this account's claim of a listing waits for verification");
	if (!tid || !record_id_ok(tid) || !listing_exists(cx, tid))
		return refuse(why, 400, "therapist_id", "there is no listing with this id");
	if (!ten_digits(npi))
		return refuse(why, 400, "npi", "enter the NPI as its 10 digits, like 1234567893");
	/* A check digit that fails is most often a typing slip; one the
	 * claimant stands by goes to the admin, marked "NPI check failed". */
	if (!npi_ok(npi) && !as_typed)
		return refuse(why, 400, "npi", "this NPI's check digit does not match: compare it with "
		                               "your NPPES record; if it is right as typed, tick \"This NPI "
		                               "is right as typed\"");
	rc = STORE_CALL(cx->sv->store, listing_claim, who->id, tid, npi, ctx_now(cx));
	if (rc == STORE_EXISTS)
		return refuse(why, 409, "therapist_id",
		              "this listing is already claimed; write to the administrators if it is yours");
	if (rc)
		return -1;
	/* Claimed, not held: therapist_id stays empty until verified. */
	snprintf(who->claim_id, sizeof(who->claim_id), "%s", tid);
	return 0;
}

int
confirm_listing(struct ctx *cx, const struct actor *who, struct refusal *why)
{
	const char *tid = who->therapist_id;
	int hidden = 0;

	if (!tid[0])
		return refuse(why, 409, "", who->claim_id[0] ?
		              "your claim waits for verification; you can confirm the listing once "
		              "it is verified" : "claim a listing first");
	if (STORE_CALL(cx->sv->store, listing_confirm, tid, ctx_now(cx)) ||
	    STORE_CALL(cx->sv->store, listing_hidden, tid, &hidden))
		return -1;
	/* A paused listing is back in searches at once (unless hidden). */
	if (!hidden)
		live_set_paused(cx->sv->live, tid, false);
	return 0;
}

const char *
claim_state(const struct store_listing *l, int64_t now)
{
	if (l->verified_at)
		return "verified";
	if (l->code_ok_at)
		return "code_entered";
	if (l->code_live && l->code_expires > now)
		return "code_sent";
	if (l->code_sent_at)
		return "code_void";
	return "waiting";
}

/* "a***@example.org": enough for the claimant to know which mailbox. */
void
mask_address(const char *a, char *out, size_t n)
{
	const char *at = strrchr(a, '@');

	if (!at || at == a)
		snprintf(out, n, "the practice's address");
	else
		snprintf(out, n, "%c***%s", a[0], at);
}

/* Crockford's base32: no I, L, O or U to misread. */
static const char code_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/*
 * The code as typed (any case, dashes and spaces anywhere, O for 0 and I
 * or L for 1) into its CLAIM_CODE_LEN symbols; -1 when it is not one.
 */
static int
code_normalize(const char *in, char out[CLAIM_CODE_LEN + 1])
{
	size_t n = 0;

	for (; in && *in; in++) {
		char c = *in;

		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if (!strchr(code_alphabet, c) || c == '\0' || n == CLAIM_CODE_LEN)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == CLAIM_CODE_LEN ? 0 : -1;
}

static void
code_hash(const char code[CLAIM_CODE_LEN + 1], unsigned char hash[32])
{
	crypto_generichash(hash, 32, (const unsigned char *)code, CLAIM_CODE_LEN, NULL, 0);
}

/* A printable line of at most max bytes (no control characters). */
static bool
line_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* The listing's name from the index, else its id (arena). */
static const char *
listing_name(struct ctx *cx, const char *tid)
{
	const char *name = ctx_listing_name(cx, tid);

	return name ? name : tid;
}

const char *
listing_display_name(struct ctx *cx, const char *tid)
{
	struct therapist t;
	const struct index *ix = ctx_index(cx);
	int64_t row = tid ? index_row(ix, tid) : -1;

	if (row >= 0)
		return ix->name[row];
	/* Hidden listings may be out of the index: the store has the record. */
	if (tid && therapist_load(cx, tid, &t) == 0 && t.name && t.name[0])
		return t.name;
	return "a therapist no longer listed";
}

/* The waiting claim of tid into *l, for an admin; a refusal (403 for
 * anyone else, 404 when none waits). */
static int
waiting_claim(struct ctx *cx, const struct actor *who, const char *tid, struct store_listing *l,
              struct refusal *why)
{
	int found = 0;

	if (who->role != ACCT_ADMIN)
		return refuse(why, 403, "", "only an administrator may do this");
	if (!tid || !record_id_ok(tid) || STORE_CALL(cx->sv->store, listing_get, tid, l, &found))
		found = 0;
	if (!found || l->verified_at)
		return refuse(why, 404, "", "no claim of this listing is waiting");
	return 0;
}

int
send_claim_code(struct ctx *cx, const struct actor *who, const char *tid, const char *email, const char *source,
                struct refusal *why)
{
	int64_t now = ctx_now(cx);
	struct store_listing l;
	struct store_user claimant;
	unsigned char raw[CLAIM_CODE_LEN], hash[32];
	char code[CLAIM_CODE_LEN + 1], shown[CLAIM_CODE_LEN + 4];
	const char *at = email ? strrchr(email, '@') : NULL;
	int found = 0, i, k;

	if (waiting_claim(cx, who, tid, &l, why))
		return 1;
	if (!email || !mail_address_ok(email) || !at || !strchr(at, '.') || strlen(email) >= 200)
		return refuse(why, 400, "email", "enter the practice's email address as you found it, "
		                                 "like office@example.org");
	/* The one address known to be the claimant's is no proof of the practice. */
	if (account_get(cx, l.user, &claimant, &found))
		return -1;
	if (found && strcasecmp(claimant.email, email) == 0)
		return refuse(why, 400, "email", "this is the claimant's own address: send the code "
		                                 "to one found with the licensing board or on the "
		                                 "practice's website");
	if (!line_ok(source, 190))
		return refuse(why, 400, "source", "say where you found the address (the licensing "
		                                  "board's record, the practice's website), in at most "
		                                  "190 characters");
	/* 32 symbols: one random byte's low 5 bits each, so no bias. */
	randombytes_buf(raw, sizeof(raw));
	for (i = k = 0; i < CLAIM_CODE_LEN; i++) {
		code[i] = code_alphabet[raw[i] & 31];
		if (i && i % 4 == 0)
			shown[k++] = '-';
		shown[k++] = code[i];
	}
	code[CLAIM_CODE_LEN] = shown[k] = '\0';
	code_hash(code, hash);
	sodium_memzero(raw, sizeof(raw));
	if (STORE_CALL(cx->sv->store, listing_code_put, tid, hash, email, source, who->id,
	               now + (int64_t)CLAIM_CODE_DAYS * 86400, now, &found))
		return -1;
	if (!found)
		return refuse(why, 404, "", "no claim of this listing is waiting");
	if (audit_note(cx, who, AUDIT_ADMIN, "claim-code", tid, l.user))
		return -1;
	i = notify_claim_code(cx->sv, email, listing_name(cx, tid), shown, CLAIM_CODE_DAYS, CLAIM_CODE_TRIES);
	sodium_memzero(code, sizeof(code));
	sodium_memzero(shown, sizeof(shown));
	return i ? -1 : 0;
}

int
enter_claim_code(struct ctx *cx, const struct actor *who, const char *code, struct refusal *why)
{
	char c[CLAIM_CODE_LEN + 1], text[160];
	unsigned char hash[32];
	int result = 0, left = 0;

	if (who->therapist_id[0])
		return refuse(why, 409, "", "your claim is verified already");
	if (!who->claim_id[0])
		return refuse(why, 409, "", "claim a listing first");
	if (code_normalize(code, c))
		return refuse(why, 400, "code", "the code is 16 letters and digits, as in the message "
		                                "sent to your practice (like ABCD-EFGH-JKMN-PQRS)");
	code_hash(c, hash);
	sodium_memzero(c, sizeof(c));
	if (STORE_CALL(cx->sv->store, listing_code_take, who->id, hash, ctx_now(cx),
	               CLAIM_CODE_TRIES, &result, &left))
		return -1;
	switch (result) {
	case STORE_CODE_OK:
		return 0;
	case STORE_CODE_WRONG:
		snprintf(text, sizeof(text), "that is not the code; %d %s left before it stops working",
		         left, left == 1 ? "try" : "tries");
		return refuse(why, 400, "code", arena_strdup(cx->a, text));
	case STORE_CODE_VOIDED:
		return refuse(why, 400, "code", "that is not the code either, and it no longer works "
		                                "after 5 wrong tries; an administrator can send a new one");
	case STORE_CODE_EXPIRED:
		return refuse(why, 409, "code", "this code has expired; an administrator can send a "
		                                "new one");
	default:
		return refuse(why, 409, "code", "no code is waiting for your claim; an administrator "
		                                "sends one to your practice's address");
	}
}

int
verify_listing(struct ctx *cx, const struct actor *who, const char *tid, const char *board, const char *licence,
               bool checked, struct refusal *why)
{
	struct verify_in in = {board, licence, checked, NULL};

	return verify_listing_as(cx, who, tid, &in, why);
}

int
verify_listing_as(struct ctx *cx, const struct actor *who, const char *tid, const struct verify_in *in,
                  struct refusal *why)
{
	int64_t now = ctx_now(cx);
	struct store_listing l;
	struct store_user claimant;
	struct store_verify v;
	char how[512], day[16];
	time_t ok;
	struct tm tm;
	int found = 0, hidden = 0;
	bool npi_good;
	const char *reason = in->override_reason && *in->override_reason ? in->override_reason : NULL;

	if (waiting_claim(cx, who, tid, &l, why))
		return 1;
	if (!l.code_ok_at)
		return refuse(why, 409, "", "the claimant has not yet entered the code sent to the "
		                            "practice's address: send one first, then verify");
	if (!line_ok(in->board, 120))
		return refuse(why, 400, "board", "name the licensing board you checked the licence "
		                                 "with (at most 120 characters)");
	if (!line_ok(in->licence, 60))
		return refuse(why, 400, "licence_number", "enter the licence number the board "
		                                          "shows (at most 60 characters)");
	if (!in->checked)
		return refuse(why, 400, "licence_checked", "tick that the board's record shows this "
		                                           "licence current, for this person");
	/* An NPI whose check digit fails is no NPI: the admin verifies only
	 * with a reason of their own, recorded with the verification. (A
	 * listing its claimant made may carry none: nothing to check.) */
	npi_good = npi_ok(l.npi_given);
	if (l.npi_given[0] && !npi_good && !reason)
		return refuse(why, 409, "override_reason", "the NPI check failed: give your reason for "
		                                           "verifying anyway (what you checked instead)");
	if (reason && !line_ok(reason, 400))
		return refuse(why, 400, "override_reason", "keep the reason to one line of at most 400 "
		                                           "characters");
	if (npi_good || !l.npi_given[0])
		reason = NULL;  /* nothing overridden */
	ok = (time_t)l.code_ok_at;
	gmtime_r(&ok, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	/* Honest words: what was checked, and nothing more. */
	snprintf(how, sizeof(how), "code to practice email %.80s (found: %.60s), entered %s; %s%.120s; "
	         "licence checked with %.90s (%.40s)", l.contact, l.contact_source, day,
	         npi_good ? "NPI checked" : !l.npi_given[0] ? "no NPI given" :
	                    "NPI check failed, verified anyway: ", reason ? reason : "", in->board,
	         in->licence);
	v = (struct store_verify){how, npi_good, in->board, in->licence, reason ? reason : ""};
	if (STORE_CALL(cx->sv->store, listing_verify_checked, tid, who->id, &v, now, &found))
		return -1;
	if (!found)
		return refuse(why, 404, "", "no claim of this listing is waiting");
	if (audit_note(cx, who, AUDIT_ADMIN, "claim-verify", tid, l.user))
		return -1;
	/* A listing its claimant created joins searches now (unless hidden). */
	if (l.created && STORE_CALL(cx->sv->store, listing_hidden, tid, &hidden) == 0 && !hidden)
		live_set_paused(cx->sv->live, tid, stale(&l, now));
	if (account_get(cx, l.user, &claimant, &found) == 0 && found && claimant.email[0])
		notify_claim_verified(cx->sv, claimant.email, listing_name(cx, tid));
	return 0;
}

int
listing_verification(struct ctx *cx, const char *tid, struct verification *v)
{
	struct store_listing l;
	int found = 0;

	memset(v, 0, sizeof(*v));
	v->licence_board = v->licence_number = v->override_reason = "";
	if (!tid || !record_id_ok(tid))
		return 1;
	if (STORE_CALL(cx->sv->store, listing_get, tid, &l, &found))
		return -1;
	if (!found || !l.verified_at)
		return 1;
	v->verified_at = l.verified_at;
	v->npi_checked_at = l.npi_checked ? l.verified_at : 0;
	v->licence_board = arena_strdup(cx->a, l.licence_board);
	v->licence_number = arena_strdup(cx->a, l.licence_number);
	v->licence_checked_at = l.licence_board[0] ? l.verified_at : 0;
	v->override_reason = arena_strdup(cx->a, l.override_reason);
	if (!v->licence_board || !v->licence_number || !v->override_reason)
		return -1;
	return 0;
}

int
reject_claim(struct ctx *cx, const struct actor *who, const char *tid, struct refusal *why)
{
	struct store_listing l;
	int found = 0;

	struct store_user claimant;
	const char *name;
	int rc;

	if (waiting_claim(cx, who, tid, &l, why))
		return 1;
	name = arena_strdup(cx->a, listing_name(cx, tid));
	if (account_get(cx, l.user, &claimant, &found))
		return -1;
	if (!found)
		claimant.email[0] = '\0';
	/* A listing the claimant made goes with the claim: no one vouched for it. */
	if (l.created)
		rc = remove_listing(cx, who, tid, why);
	else if (STORE_CALL(cx->sv->store, listing_unclaim, tid, &found))
		rc = -1;
	else
		rc = found ? 0 : refuse(why, 404, "", "no claim of this listing is waiting");
	if (rc == 0 && audit_note(cx, who, AUDIT_ADMIN, "claim-reject", tid, l.user))
		return -1;
	if (rc == 0 && claimant.email[0] && name)
		notify_claim_rejected(cx->sv, claimant.email, name);
	return rc;
}

int
hide_listing(struct ctx *cx, const struct actor *who, const char *tid, bool hidden, struct refusal *why)
{
	struct store_listing l;
	int found = 0;

	if (who->role != ACCT_ADMIN)
		return refuse(why, 403, "", "only an administrator may do this");
	if (!tid || !record_id_ok(tid) || !listing_exists(cx, tid))
		return refuse(why, 404, "", "there is no listing with this id");
	if (STORE_CALL(cx->sv->store, listing_hide, tid, hidden, ctx_now(cx)) ||
	    STORE_CALL(cx->sv->store, listing_get, tid, &l, &found) ||
	    audit_note(cx, who, AUDIT_ADMIN, hidden ? "listing-hide" : "listing-show", tid, found ? l.user : 0))
		return -1;
	/* Shown again, it may still be paused as unconfirmed. */
	if (!hidden && found && !l.verified_at && l.created)
		return 0;               /* a created listing stays out until verified */
	live_set_paused(cx->sv->live, tid,
	                hidden || (found && l.verified_at && stale(&l, ctx_now(cx))));
	return 0;
}

int
confirm_by_token(struct ctx *cx, const struct actor *who, const char *token, char tid[72], struct refusal *why)
{
	unsigned char raw[32], hash[32];
	int found = 0, hidden = 0;

	(void)who;
	if (!token || token_decode(token, raw))
		return refuse(why, 404, "token", "this confirmation link is not valid");
	token_hash(raw, hash);
	if (STORE_CALL(cx->sv->store, confirm_take, hash, ctx_now(cx), tid, &found))
		return -1;
	if (!found)
		return refuse(why, 404, "token", "this confirmation link was used already or has "
		                                 "expired; sign in to confirm your listing");
	if (STORE_CALL(cx->sv->store, listing_hidden, tid, &hidden))
		return -1;
	if (!hidden)
		live_set_paused(cx->sv->live, tid, false);
	return 0;
}

int
remove_listing(struct ctx *cx, const struct actor *who, const char *tid, struct refusal *why)
{
	int found = 0;

	if (who->role != ACCT_ADMIN)
		return refuse(why, 403, "", "only an administrator may do this");
	if (!tid || !record_id_ok(tid))
		return refuse(why, 404, "therapist_id", "there is no listing with this id");
	if (STORE_CALL(cx->sv->store, listing_remove, tid, &found))
		return -1;
	if (!found)
		return refuse(why, 404, "therapist_id", "there is no listing with this id");
	if (audit_note(cx, who, AUDIT_ADMIN, "listing-remove", tid, 0))
		return -1;
	live_put(cx->sv->live, tid, NULL, 0, false);
	return 0;
}

int
merge_orgs(struct ctx *cx, const struct actor *who, const char *from, const char *into, long *changed,
           struct refusal *why)
{
	int found = 0;

	if (who->role != ACCT_ADMIN)
		return refuse(why, 403, "", "only an administrator may do this");
	*changed = 0;
	if (!from || !record_id_ok(from))
		return refuse(why, 400, "from", "give the duplicate organization's id");
	if (!into || !record_id_ok(into) || strcmp(from, into) == 0)
		return refuse(why, 400, "into", "give the id of another organization to keep");
	if (directory_merge_orgs(cx, from, into, &found, changed))
		return -1;
	if (!found)
		return refuse(why, 404, "from", "both organizations must be in the registry");
	if (audit_note(cx, who, AUDIT_ADMIN, "org-merge", from, 0))
		return -1;
	live_wait(cx->sv->live, live_changed(cx->sv->live), 10000);
	return 0;
}

/* ----------------------------------------------------------------------
 * The admin's queue
 * ---------------------------------------------------------------------- */

struct queue {
	struct claim *v;
	int n;
};

static int
collect(void *arg, const struct store_listing *l)
{
	struct queue *q = arg;

	q->v[q->n++].l = *l;
	return q->n == QUEUE_MAX;
}

struct npi_of {
	const struct taxonomy *tax;
	struct arena *a;
	char *npi;
	size_t n;
};

static int
take_npi(void *arg, const char *id, const void *packed, size_t n)
{
	struct npi_of *x = arg;
	struct therapist t;
	struct verr e;

	(void)id;
	if (therapist_unpack(x->tax, packed, n, x->a, &t, &e) == 0)
		snprintf(x->npi, x->n, "%s", t.npi);
	return 0;
}

/* The handle of account id into out ("(account removed)" when gone). */
static int
handle_of(struct ctx *cx, int64_t id, char *out, size_t n)
{
	struct store_user u;
	int found = 0;

	if (STORE_CALL(cx->sv->store, user_get, id, &u, &found))
		return -1;
	snprintf(out, n, "%s", found ? u.handle : "(account removed)");
	return 0;
}

int
listing_queue(struct ctx *cx, const struct actor *who, struct claim **out, int *n)
{
	struct queue q = {arena_calloc(cx->a, QUEUE_MAX, sizeof(struct claim)), 0};
	int i;

	*out = NULL;
	*n = 0;
	if (who->role != ACCT_ADMIN)
		return 0;      /* only admins see claims */
	if (!q.v || STORE_CALL(cx->sv->store, listings_unverified, QUEUE_MAX, collect, &q))
		return -1;
	for (i = 0; i < q.n; i++) {
		struct claim *c = &q.v[i];
		struct npi_of x = {cx->sv->tax, cx->a, c->npi_listed, sizeof(c->npi_listed)};
		const char *name = ctx_listing_name(cx, c->l.therapist_id);
		int found;

		if (store_get_therapist(cx->sv->store, c->l.therapist_id, take_npi, &x, &found))
			return -1;
		c->name = name ? name : c->l.therapist_id;
		c->npi_valid = npi_ok(c->l.npi_given);
		c->npi_same = c->npi_listed[0] && strcmp(c->npi_listed, c->l.npi_given) == 0;
		if (audit_note(cx, who, AUDIT_READ, "claims", c->l.therapist_id, c->l.user) ||
		    handle_of(cx, c->l.user, c->claimant, sizeof(c->claimant)) ||
		    (c->l.code_sent_by &&
		     handle_of(cx, c->l.code_sent_by, c->sent_by, sizeof(c->sent_by))))
			return -1;
	}
	*out = q.v;
	*n = q.n;
	return 0;
}

int
listing_verified(struct ctx *cx, const struct actor *who, struct claim **out, int *n)
{
	struct queue q = {arena_calloc(cx->a, QUEUE_MAX, sizeof(struct claim)), 0};
	int i;

	*out = NULL;
	*n = 0;
	if (who->role != ACCT_ADMIN)
		return 0;      /* only admins see claims */
	if (!q.v || STORE_CALL(cx->sv->store, listings_verified, QUEUE_MAX, collect, &q))
		return -1;
	for (i = 0; i < q.n; i++) {
		struct claim *c = &q.v[i];

		c->name = listing_name(cx, c->l.therapist_id);
		if (audit_note(cx, who, AUDIT_READ, "claims", c->l.therapist_id, c->l.user) ||
		    handle_of(cx, c->l.user, c->claimant, sizeof(c->claimant)))
			return -1;
		if (!c->l.verified_by)
			snprintf(c->verified_by, sizeof(c->verified_by), "cli");
		else if (handle_of(cx, c->l.verified_by, c->verified_by, sizeof(c->verified_by)))
			return -1;
	}
	*out = q.v;
	*n = q.n;
	return 0;
}

struct found {
	const struct taxonomy *tax;
	struct arena *a;
	struct therapist *t;
	int rc;
};

static int
take(void *arg, const char *id, const void *packed, size_t n)
{
	struct found *f = arg;
	struct verr e;

	(void)id;
	f->rc = therapist_unpack(f->tax, packed, n, f->a, f->t, &e);
	return 0;
}

int
therapist_load(struct ctx *cx, const char *id, struct therapist *t)
{
	struct found f = {cx->sv->tax, cx->a, t, -1};
	int found = 0;

	if (store_get_therapist(cx->sv->store, id, take, &f, &found))
		return -1;
	return found && f.rc == 0 ? 0 : 1;
}

static int
exists_fn(void *arg, const char *id, const void *packed, size_t n)
{
	(void)arg;
	(void)id;
	(void)packed;
	(void)n;
	return 0;
}

bool
listing_exists(struct ctx *cx, const char *therapist_id)
{
	int found = 0;

	if (store_get_therapist(cx->sv->store, therapist_id, exists_fn, NULL, &found))
		return false;
	return found != 0;
}

/* ----------------------------------------------------------------------
 * Reminders, and confirming from one
 *
 * A listing unconfirmed for LISTING_REMIND_DAYS gets one reminder in the
 * outbox with a single-use link. The link opens a page with one button
 * rather than confirming on GET: mail scanners and link previews open
 * links, and a listing confirmed by a robot is exactly the ghost listing
 * this is meant to catch.
 * ---------------------------------------------------------------------- */

struct remind {
	struct services *sv;
	int64_t now;
	long n;
	int err;
};

static int
remind_one(void *arg, const struct store_listing *l)
{
	struct remind *x = arg;
	struct store_user u;
	unsigned char raw[32], hash[32];
	char tok[48];
	int64_t last = l->confirmed_at > l->claimed_at ? l->confirmed_at : l->claimed_at;
	int found = 0;

	if (account_get_sv(x->sv, l->user, &u, &found) || !found || !u.email[0])
		return 0;
	if (token_random(tok, raw))
		return x->err = 1;
	token_hash(raw, hash);
	if (STORE_CALL(x->sv->store, listing_remind, l->therapist_id, hash,
	               x->now + (int64_t)LISTING_REMIND_LINK_DAYS * 86400, x->now)) {
		x->err = 1;
		return 1;
	}
	if (notify_listing_reminder(x->sv, u.email, l->therapist_id, (long long)((x->now - last) / 86400), tok)) {
		x->err = 1;
		return 1;
	}
	x->n++;
	return 0;
}

long
listing_reminders(struct services *sv, int64_t now)
{
	struct remind x = {sv, now, 0, 0};

	if (STORE_CALL(sv->store, listings_to_remind, now - (int64_t)LISTING_REMIND_DAYS * 86400,
	               remind_one, &x) || x.err)
		return -1;
	return x.n;
}


/* ----------------------------------------------------------------------
 * Editing: the record, its policies and where each window is held
 *
 * One validator: whatever the edit came from (the page's form, the API's
 * JSON, a command), it arrives as the contract's therapist record and is
 * parsed by record_parse(), the import's own parser, so an edited listing
 * obeys exactly the rules an imported one does and a refusal names the
 * contract field. Nothing is stored unless the whole record is valid; the
 * record, its policies and its windows' places are written in one
 * transaction. Saving counts as confirming the listing is current.
 * ---------------------------------------------------------------------- */

void
listing_new_id(char out[24])
{
	unsigned char raw[6];

	randombytes_buf(raw, sizeof(raw));
	snprintf(out, 24, "t-%02x%02x%02x%02x%02x%02x", raw[0], raw[1], raw[2], raw[3], raw[4], raw[5]);
}

/* A record's refusal as a 400 naming its field; the words go to the arena. */
static int
refuse_record(struct ctx *cx, struct refusal *why, const struct verr *e)
{
	const char *f = arena_strdup(cx->a, e->field), *m = arena_strdup(cx->a, e->msg);

	if (!f || !m)
		return -1;
	return refuse(why, 400, f, m);
}

/* The 404 of an actor holding no listing (a claim waiting counts as none). */
static int
holds_listing(const struct actor *who, struct refusal *why)
{
	if (who->role == ACCT_THERAPIST && who->therapist_id[0])
		return 0;
	return refuse(why, 404, "", "this account holds no listing; claim or create one first");
}

/*
 * Validates in's record as listing id and stores it: over the existing
 * one, or (create) as a new listing claimed by who. The caller checked
 * who may.
 */
static int
store_record(struct ctx *cx, const struct actor *who, const char *id, const struct listing_in *in, bool create,
             struct refusal *why)
{
	const struct taxonomy *tax = cx->sv->tax;
	int64_t now = ctx_now(cx);
	struct record rec;
	struct buf packed = BUF_INIT;
	struct verr e;
	int rc, found = 0, hidden = 0;

	if (record_parse(tax, in->json ? in->json : "", in->json ? in->len : 0, cx->a, &rec, &e))
		return refuse_record(cx, why, &e);
	if (rec.type != REC_THERAPIST)
		return refuse(why, 400, "type", "must be \"therapist\"");
	if (strcmp(rec.id, id) != 0)
		return refuse(why, 400, "id", "must be the id of your own listing");
	if (therapist_pack(tax, &rec.t, &packed))
		return -1;
	if (create)
		rc = STORE_CALL(cx->sv->store, listing_create, who->id, id, packed.p, packed.len, rec.t.npi, in->pol,
		                in->modes, now);
	else {
		rc = STORE_CALL(cx->sv->store, listing_save, id, packed.p, packed.len, in->pol, in->modes, now,
		                &found);
		if (rc == 0 && !found) {
			buf_free(&packed);
			return refuse(why, 404, "id", "this listing no longer exists");
		}
		if (rc == 0)
			rc = STORE_CALL(cx->sv->store, listing_confirm, id, now);
	}
	if (rc == STORE_EXISTS && create) {
		buf_free(&packed);
		return refuse(why, 409, "", "this account already holds a listing");
	}
	if (rc || STORE_CALL(cx->sv->store, listing_hidden, id, &hidden)) {
		buf_free(&packed);
		return -1;
	}
	/* In searches before the answer (app/live.h): the record as stored,
	 * hidden while a new listing's claim waits for verification. */
	live_put(cx->sv->live, id, packed.p, packed.len, hidden != 0);
	buf_free(&packed);
	if (!create)
		waitlist_openings(cx, who, id);         /* the hours may have grown */
	return 0;
}

int
listing_save_record(struct ctx *cx, const struct actor *who, const struct listing_in *in, struct refusal *why)
{
	if (holds_listing(who, why))
		return 1;
	return store_record(cx, who, who->therapist_id, in, false, why);
}

int
listing_create_record(struct ctx *cx, const struct actor *who, const char *id, const struct listing_in *in,
                      struct refusal *why)
{
	if (who->role != ACCT_THERAPIST)
		return refuse(why, 403, "", "only a therapist account can create a listing");
	if (who->claim_id[0])
		return refuse(why, 409, "", who->therapist_id[0] ? "this account already holds a listing" :
		              "this account's claim of a listing waits for verification");
	if (!id || !record_id_ok(id))
		return refuse(why, 400, "id", "is not a listing id");
	return store_record(cx, who, id, in, true, why);
}

int
listing_mine(struct ctx *cx, const struct actor *who, struct listing_mine *m, struct refusal *why)
{
	int rc, found = 0;

	memset(m, 0, sizeof(*m));
	if (holds_listing(who, why))
		return 1;
	if ((rc = therapist_load(cx, who->therapist_id, &m->t)) < 0)
		return -1;
	if (rc)
		return refuse(why, 404, "", "your listing is no longer in the directory");
	if (STORE_CALL(cx->sv->store, policy_get, who->therapist_id, &m->pol, &found) ||
	    STORE_CALL(cx->sv->store, avail_modes_get, who->therapist_id, &m->modes))
		return -1;
	m->pol_stated = found != 0;
	return 0;
}

/* ---- The API's record: windows carry their place ----------------------- */

static const char *const place_names[4] = {"either", "in_person", "telehealth", "either"};

/* Where window w is held, by modes: a bit per enum modality, 0 for either. */
static int
place_of(const struct store_avail_modes *m, const struct window *w)
{
	int i, best = -1, overlap = 0;

	for (i = 0; i < m->n; i++)
		if (m->v[i].day == w->day && m->v[i].start == w->start && m->v[i].end == w->end)
			return m->v[i].modes;
	/* A changed window keeps the place of the stored one it overlaps most. */
	for (i = 0; i < m->n; i++) {
		int a = m->v[i].start > w->start ? m->v[i].start : w->start;
		int b = m->v[i].end < w->end ? m->v[i].end : w->end;

		if (m->v[i].day == w->day && b - a > overlap) {
			overlap = b - a;
			best = i;
		}
	}
	return best < 0 ? 0 : m->v[best].modes;
}

/* Writes the JSON value v (a tree of core/json.h) to b. */
static int
json_write(struct buf *b, const jnode *v)
{
	struct jw w;

	jw_init(&w, b);
	jw_node(&w, v);
	return jw_end(&w);
}

int
listing_record_json(struct ctx *cx, const struct actor *who, struct buf *out, struct refusal *why)
{
	struct listing_mine *m = arena_alloc(cx->a, sizeof(*m));
	struct buf j = BUF_INIT;
	struct verr e;
	jnode *root, *av;
	int rc, i;

	if (!m)
		return -1;
	if ((rc = listing_mine(cx, who, m, why)) != 0)
		return rc;
	if (therapist_to_json(cx->sv->tax, &m->t, &j) ||
	    !(root = jn_parse(j.p, j.len, cx->a, &e))) {
		buf_free(&j);
		return -1;
	}
	buf_free(&j);
	/* therapist_to_json writes the windows in m->t.avail's order. */
	av = jn_get(root, "availability");
	for (i = 0; av && jn_is_array(av) && i < (int)av->len && i < m->t.n_avail; i++) {
		jnode *w = &av->kids[i], *k = arena_calloc(cx->a, w->len + 1, sizeof(*k));
		const char *place = place_names[place_of(&m->modes, &m->t.avail[i]) & 3];

		if (!k)
			return -1;
		memcpy(k, w->kids, w->len * sizeof(*k));
		k[w->len].type = JN_STRING;
		k[w->len].key = "modality";
		k[w->len].str = place;
		k[w->len].len = (uint32_t)strlen(place);
		w->kids = k;
		w->len++;
	}
	return json_write(out, root) || buf_addc(out, '\n') ? -1 : 0;
}

int
listing_record_put(struct ctx *cx, const struct actor *who, const char *body, size_t len, struct refusal *why)
{
	struct store_avail_modes *old = arena_alloc(cx->a, sizeof(*old)),
	                         *placed = arena_calloc(cx->a, 1, sizeof(*placed));
	signed char *given = NULL;
	struct listing_in in = {body, len, NULL, NULL};
	struct buf j = BUF_INIT;
	struct record rec;
	struct verr e;
	jnode *root, *av;
	size_t i, n = 0;
	int rc;

	if (!old || !placed)
		return -1;
	if (holds_listing(who, why))
		return 1;
	root = body ? jn_parse(body, len, cx->a, &e) : NULL;
	av = root && jn_is_object(root) ? jn_get(root, "availability") : NULL;
	if (!root || !jn_is_object(root) || (av && !jn_is_null(av) && !jn_is_array(av)))
		return store_record(cx, who, who->therapist_id, &in, false, why);  /* it says what is wrong */
	/* Each window's "modality" is taken out (the record has no such
	 * field) and kept by the window's place in the array. */
	n = av && jn_is_array(av) ? av->len : 0;
	if (!(given = arena_calloc(cx->a, n + 1, 1)))
		return -1;
	for (i = 0; i < n; i++) {
		jnode *w = &av->kids[i];
		size_t k;

		if (!jn_is_object(w))
			continue;               /* record_parse refuses it */
		given[i] = -1;                  /* not given: as it was */
		for (k = 0; k < w->len; k++)
			if (strcmp(w->kids[k].key, "modality") == 0)
				break;
		if (k == w->len)
			continue;
		if (jn_is_string(&w->kids[k]) && strcmp(w->kids[k].str, "either") == 0)
			given[i] = 0;
		else if (jn_is_string(&w->kids[k]) && strcmp(w->kids[k].str, "in_person") == 0)
			given[i] = 1 << MOD_IN_PERSON;
		else if (jn_is_string(&w->kids[k]) && strcmp(w->kids[k].str, "telehealth") == 0)
			given[i] = 1 << MOD_TELEHEALTH;
		else {
			char *f = arena_alloc(cx->a, 48);

			if (!f)
				return -1;
			snprintf(f, 48, "availability[%zu].modality", i);
			return refuse(why, 400, f, "must be \"in_person\", \"telehealth\" or \"either\"");
		}
		memmove(&w->kids[k], &w->kids[k + 1], (w->len - k - 1) * sizeof(w->kids[0]));
		w->len--;
	}
	if (json_write(&j, root)) {
		buf_free(&j);
		return -1;
	}
	/* The places follow the windows as record_parse reads them. */
	if (record_parse(cx->sv->tax, j.p, j.len, cx->a, &rec, &e)) {
		buf_free(&j);
		return refuse_record(cx, why, &e);
	}
	if (STORE_CALL(cx->sv->store, avail_modes_get, who->therapist_id, old)) {
		buf_free(&j);
		return -1;
	}
	for (i = 0; rec.type == REC_THERAPIST && i < (size_t)rec.t.n_avail && i < n; i++) {
		const struct window *w = &rec.t.avail[i];
		int modes = given[i] >= 0 ? given[i] : place_of(old, w);

		if (modes && modes != 3 && placed->n < STORE_AVAIL_MODES_MAX)
			placed->v[placed->n++] = (struct store_avail_mode){(uint8_t)w->day, (uint16_t)w->start,
			                                             (uint16_t)w->end, (uint8_t)modes};
	}
	in.json = j.p;
	in.len = j.len;
	in.modes = placed;
	rc = store_record(cx, who, who->therapist_id, &in, false, why);
	buf_free(&j);
	return rc;
}

/* ---- Policies ------------------------------------------------------------ */

int
listing_policies_get(struct ctx *cx, const struct actor *who, struct store_policy *pol, struct refusal *why)
{
	int found = 0;

	if (holds_listing(who, why))
		return 1;
	return STORE_CALL(cx->sv->store, policy_get, who->therapist_id, pol, &found);
}

int
listing_policies_save(struct ctx *cx, const struct actor *who, const struct store_policy *pol, struct refusal *why)
{
	int found = 0;

	if (holds_listing(who, why))
		return 1;
	if (STORE_CALL(cx->sv->store, policy_save, who->therapist_id, pol, ctx_now(cx), &found))
		return -1;
	if (!found)
		return refuse(why, 404, "", "your listing is no longer in the directory");
	return 0;
}

/* ---- Reads for everyone, and the admin's list of hidden listings --------- */

/* 0 when listing id is shown to who, 1 when not (hidden, or no such id). */
static int
shown_to(struct ctx *cx, const struct actor *who, const char *id)
{
	int hidden = 0;

	if (!id || !record_id_ok(id))
		return 1;
	if (STORE_CALL(cx->sv->store, listing_hidden, id, &hidden))
		return -1;
	return hidden && who->role != ACCT_ADMIN ? 1 : 0;
}

int
listing_public(struct ctx *cx, const struct actor *who, const char *id, struct therapist *t)
{
	int rc = shown_to(cx, who, id);

	return rc ? rc : therapist_load(cx, id, t);
}

int
listing_policies_public(struct ctx *cx, const struct actor *who, const char *id, struct store_policy *pol)
{
	int found = 0, rc = shown_to(cx, who, id);

	memset(pol, 0, sizeof(*pol));
	if (rc)
		return rc;
	return STORE_CALL(cx->sv->store, policy_get, id, pol, &found);
}

int
listing_claim_of(struct ctx *cx, const struct actor *who, struct store_listing *l, int *found)
{
	*found = 0;
	if (!who->id || !who->claim_id[0])
		return 0;
	if (STORE_CALL(cx->sv->store, listing_get, who->claim_id, l, found))
		return -1;
	if (*found && l->user != who->id)
		*found = 0;
	return 0;
}

int
listings_hidden_list(struct ctx *cx, const struct actor *who, store_listing_fn fn, void *arg, struct refusal *why)
{
	if (who->role != ACCT_ADMIN)
		return refuse(why, 403, "", "only an administrator may do this");
	return STORE_CALL(cx->sv->store, listings_hidden, fn, arg);
}

/* ----------------------------------------------------------------------
 * The profile beside the record: statement and photo (listing.h)
 * ---------------------------------------------------------------------- */

/*
 * The statement as stored, into out (n bytes): CRs dropped, blank space
 * at both ends trimmed. 1 with why when it is longer than
 * STATEMENT_MAX_CHARS characters or holds control characters other than
 * line breaks and tabs.
 */
static int
statement_clean(const char *in, char *out, size_t n, struct refusal *why)
{
	size_t i, j = 0, chars = 0, start = 0, end;

	if (!in)
		in = "";
	while (in[start] == ' ' || in[start] == '\t' || in[start] == '\r' || in[start] == '\n')
		start++;
	end = strlen(in);
	while (end > start && (in[end - 1] == ' ' || in[end - 1] == '\t' || in[end - 1] == '\r' ||
	                       in[end - 1] == '\n'))
		end--;
	for (i = start; i < end; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '\r')
			continue;
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			return refuse(why, 400, "statement", "the statement has characters that cannot be "
			                                     "shown: write it as plain text");
		if ((c & 0xc0) != 0x80)
			chars++;
		if (j + 1 >= n)
			break;
		out[j++] = (char)c;
	}
	out[j] = '\0';
	if (chars > STATEMENT_MAX_CHARS || i < end)
		return refuse(why, 400, "statement", "the statement is longer than 1000 characters: "
		                                     "shorten it");
	return 0;
}

int
listing_profile_save(struct ctx *cx, const struct actor *who, const char *statement, const void *photo,
                     size_t n, struct refusal *why_text, struct refusal *why_photo)
{
	char *text = arena_alloc(cx->a, STORE_STATEMENT_MAX);
	struct buf jpeg;
	int bad = 0, rc;

	why_text->status = 0;
	why_photo->status = 0;
	if (holds_listing(who, why_text))
		return 1;
	if (!text)
		return -1;
	bad |= statement_clean(statement, text, STORE_STATEMENT_MAX, why_text);
	buf_init(&jpeg, PHOTO_MAX_BYTES);
	if (photo) {
		rc = photo_reencode(photo, n, &jpeg, why_photo);
		if (rc < 0)
			return buf_free(&jpeg), -1;
		bad |= rc;
	}
	if (bad) {
		buf_free(&jpeg);
		return 1;
	}
	rc = STORE_CALL(cx->sv->store, statement_put, who->therapist_id, text, ctx_now(cx));
	if (rc == 0 && photo)
		rc = STORE_CALL(cx->sv->store, photo_put, who->therapist_id, jpeg.p, jpeg.len, ctx_now(cx));
	buf_free(&jpeg);
	return rc ? -1 : 0;
}

int
listing_photo_remove(struct ctx *cx, const struct actor *who, struct refusal *why)
{
	if (holds_listing(who, why))
		return 1;
	return STORE_CALL(cx->sv->store, photo_delete, who->therapist_id, ctx_now(cx)) ? -1 : 0;
}

int
listing_profile_mine(struct ctx *cx, const struct actor *who, struct store_profile *out, struct refusal *why)
{
	int found = 0;

	if (holds_listing(who, why))
		return 1;
	return STORE_CALL(cx->sv->store, listing_profile_get, who->therapist_id, out, &found) ? -1 : 0;
}

int
listing_profile_public(struct ctx *cx, const struct actor *who, const char *id, struct store_profile *out)
{
	int found = 0, rc = shown_to(cx, who, id);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	return STORE_CALL(cx->sv->store, listing_profile_get, id, out, &found) ? -1 : 0;
}

int
listing_photo_get(struct ctx *cx, const struct actor *who, const char *id, struct buf *out, int64_t *version)
{
	int found = 0, rc = shown_to(cx, who, id);

	if (rc)
		return rc;
	if (STORE_CALL(cx->sv->store, photo_get, id, out, version, &found))
		return -1;
	return found ? 0 : 1;
}

int
listing_photo_url(struct ctx *cx, const char *id, char *out, size_t n)
{
	struct store_profile *pr = arena_alloc(cx->a, sizeof(*pr));
	int found = 0;

	out[0] = '\0';
	if (!id || !record_id_ok(id))
		return 0;
	if (!pr || STORE_CALL(cx->sv->store, listing_profile_get, id, pr, &found))
		return -1;
	if (!pr->photo_version)
		return 0;
	snprintf(out, n, "/therapists/%s/photo?v=%lld", id, (long long)pr->photo_version);
	return 1;
}

int
listing_hours(struct ctx *cx, const struct actor *who, const struct therapist *t, struct listing_hours *h)
{
	struct store_avail_modes *sm = arena_alloc(cx->a, sizeof(*sm));
	uint8_t *modes = arena_alloc(cx->a, (size_t)(t->n_avail ? t->n_avail : 1));
	uint8_t all = t->modalities & (HOURS_IN_PERSON | HOURS_TELEHEALTH);
	const struct tz_zone *from = tz_get(t->timezone), *to;
	int i, j;

	memset(h, 0, sizeof(*h));
	if (!sm || !modes)
		return -1;
	if (!from)
		from = tz_get("UTC");
	to = viewer_zone(cx, who, t->timezone);
	h->zone = tz_name(to);
	h->theirs = to == from;
	if (!all)
		all = HOURS_IN_PERSON | HOURS_TELEHEALTH;
	h->both = all == (HOURS_IN_PERSON | HOURS_TELEHEALTH);
	if (STORE_CALL(cx->sv->store, avail_modes_get, t->id, sm))
		return -1;
	/* A window without an entry serves every modality of the listing
	 * (store.h); one with an entry, those of its entry the listing offers. */
	for (i = 0; i < t->n_avail; i++) {
		modes[i] = all;
		for (j = 0; j < sm->n; j++)
			if (sm->v[j].day == t->avail[i].day && sm->v[j].start == t->avail[i].start &&
			    sm->v[j].end == t->avail[i].end && (sm->v[j].modes & all)) {
				modes[i] = sm->v[j].modes & all;
				break;
			}
	}
	h->n = hours_view(t->avail, modes, t->n_avail, from, to, ctx_now(cx), h->row, LISTING_HOURS_MAX);
	return 0;
}

struct hidden_find {
	const char *tid;
	int64_t at;
	int created;
};

static int
hidden_find(void *arg, const struct store_listing *l)
{
	struct hidden_find *f = arg;

	if (strcmp(l->therapist_id, f->tid) != 0)
		return 0;
	f->at = l->claimed_at;          /* listings_hidden: when it was hidden */
	f->created = l->created;
	return 1;
}

int
listing_trust(struct ctx *cx, const struct actor *who, const char *tid, const struct therapist *t,
              struct trust *tr)
{
	static const char mark[] = "board licence check: ";
	struct standing s;
	const char *p, *e;

	memset(tr, 0, sizeof(*tr));
	if (listing_standing_get(cx, who, tid, &s))
		return -1;
	tr->hidden = s.hidden;
	if (s.hidden && who->role == ACCT_ADMIN) {
		struct hidden_find f = {tid, 0, 0};
		struct refusal why;

		if (listings_hidden_list(cx, who, hidden_find, &f, &why))
			return -1;
		tr->hidden_at = f.at;
		tr->hidden_created = f.created != 0;
	}
	if (!s.claimed)
		return 0;
	tr->late = s.late;
	tr->paused = s.paused;
	if (!s.l.verified_at) {
		/* A claim waiting: the NPI given is the listing's own, and that
		 * is all chiron knows so far. */
		if (t->npi[0] && strcmp(s.l.npi_given, t->npi) == 0) {
			tr->kind = TRUST_NPI;
			tr->at = s.l.claimed_at;
		}
		return 0;
	}
	tr->at = s.l.verified_at;
	tr->confirmed_at = s.l.confirmed_at;
	/* What the admin recorded (store.h: licence_board); a verification
	 * from before those columns says it in verified_how's words. */
	if (s.l.licence_board[0]) {
		snprintf(tr->board, sizeof(tr->board), "%s", s.l.licence_board);
		tr->kind = TRUST_LICENCE;
		return 0;
	}
	p = strstr(s.l.verified_how, mark);
	if (p) {
		size_t n;

		p += sizeof(mark) - 1;
		e = strstr(p, ", licence ");
		n = e ? (size_t)(e - p) : strlen(p);
		if (n >= sizeof(tr->board))
			n = sizeof(tr->board) - 1;
		memcpy(tr->board, p, n);
		tr->board[n] = '\0';
		tr->kind = TRUST_LICENCE;
	} else {
		tr->kind = TRUST_OPERATOR;
	}
	return 0;
}
