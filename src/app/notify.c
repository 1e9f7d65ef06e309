/*
 * notify.c: the outbox, where every message chiron sends goes first, and
 * the text of every message (notify.h).
 *
 * The store seals each message (store.h); the outbox log, when
 * configured, gets a redacted line: when, which message, what kind.
 *
 * Each message below is one function with its words in fixed formats
 * (checked by the compiler against their arguments, -Wformat=2): what a
 * caller passes is only ever a value printed by %s or %d, so a name or a
 * zone read from the store can never become a format. A value has a
 * precision where it lands inside a sentence, so a long one cannot push
 * the link at the end out of its buffer.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app/directory.h"
#include "app/mailer.h"
#include "app/notify.h"

/*
 * What kind of message a subject is, for the outbox log: a word of ours,
 * never the subject itself (which could one day carry a name). Only for
 * notify_send's callers: the messages below name their kind.
 */
static const char *
mail_kind(const char *subject)
{
	static const struct { const char *prefix, *kind; } kinds[] = {
		{"Reset your chiron password", "reset"},
		{"chiron: session", "booking"},
		{"chiron: a new consultation request", "request"},
		{"Is your chiron listing still current?", "listing-reminder"},
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strncmp(subject, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
			return kinds[i].kind;
	return "other";
}

/* Puts one message of kind in the outbox. */
static int
put(struct services *sv, const char *to, const char *subject, const char *body, const char *kind)
{
	int64_t now = clock_now(&sv->clock), id;

	if (STORE_CALL(sv->store, outbox_put, to, subject, body, now, &id))
		return -1;
	if (sv->outbox_log) {
		/* Redacted: when, which message, what kind. No address, name, link or token. */
		char when[32];
		time_t t = (time_t)now;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		pthread_mutex_lock(&sv->outbox_lock);
		fprintf(sv->outbox_log, "%s outbox %lld %s\n", when, (long long)id, kind);
		fflush(sv->outbox_log);
		pthread_mutex_unlock(&sv->outbox_lock);
	}
	mailer_wake(sv->mailer);
	return 0;
}

int
notify_send(struct services *sv, const char *to, const char *subject, const char *body)
{
	return put(sv, to, subject, body, mail_kind(subject));
}

/* The address links start with: the public URL, "" when none is set. */
static const char *
site(const struct services *sv)
{
	return sv->public_url ? sv->public_url : "";
}

/* ----------------------------------------------------------------------
 * Sessions and waitlists
 * ---------------------------------------------------------------------- */

/* "a" or "an" before word, by its first letter ("an individual", "a
 * couples"); cap: at the start of a sentence. */
static const char *
article(const char *word, bool cap)
{
	bool vowel = word && strchr("aeiouAEIOU", word[0]) && word[0];

	return vowel ? (cap ? "An" : "an") : (cap ? "A" : "a");
}

/* The last line of a session's message: where the recipient sees their
 * sessions, by their side of it. */
static void
sessions_link(const struct services *sv, const struct session_note *s, char *out, size_t n)
{
	if (s->therapist)
		snprintf(out, n, "Your schedule: %s/schedule\n", site(sv));
	else
		snprintf(out, n, "Your sessions: %s/therapy\n", site(sv));
}

/* The subject's last words for each piece of news. */
static const char *const news_words[NEWS__MAX] = {
	[NEWS_BOOKED] = "booked",
	[NEWS_CANCELLED] = "cancelled",
	[NEWS_CANCELLED_LATE] = "cancelled (late: inside the notice period)",
	[NEWS_MOVED] = "moved",
	[NEWS_MOVED_LATE] = "moved (late: inside the notice period)",
	[NEWS_WEEKLY] = "now weekly",
	[NEWS_FORTNIGHTLY] = "now fortnightly",
	[NEWS_SERIES_ENDED] = "cancelled",      /* its own subject, below */
};

int
notify_session(struct services *sv, const char *to, enum session_news what, const struct session_note *s,
               long cancelled)
{
	char subject[160], body[1400], link[300], by[160] = "";
	const char *late = "";

	if ((unsigned)what >= NEWS__MAX)
		return -1;
	sessions_link(sv, s, link, sizeof(link));
	if (s->by)
		snprintf(by, sizeof(by), " by %.128s", s->by);
	if (what == NEWS_CANCELLED_LATE || what == NEWS_MOVED_LATE)
		late = " It was a late change: inside the notice period.";
	snprintf(subject, sizeof(subject), "chiron: session %s", news_words[what]);
	switch (what) {
	case NEWS_SERIES_ENDED: {
		const char *plural = cancelled == 1 ? "" : "s";

		snprintf(subject, sizeof(subject), "chiron: session cancelled with the %ld session%s ahead "
		         "of its series, which has ended", cancelled, plural);
		snprintf(body, sizeof(body), "Your %.20s session with %.128s on %s (%.63s) is cancelled%s "
		         "with the %ld session%s ahead of its series, which has ended.\n\n%s", s->kind,
		         s->with, s->when, s->zone, by, cancelled, plural, link);
		break;
	}
	case NEWS_MOVED:
	case NEWS_MOVED_LATE:
		if (s->was)
			snprintf(body, sizeof(body), "Your %.20s session with %.128s was moved%s from %s to %s "
			         "(%.63s).%s\n\n%s", s->kind, s->with, by, s->was, s->when, s->zone, late, link);
		else
			snprintf(body, sizeof(body), "Your %.20s session with %.128s was moved%s to %s "
			         "(%.63s).%s\n\n%s", s->kind, s->with, by, s->when, s->zone, late, link);
		break;
	case NEWS_CANCELLED:
	case NEWS_CANCELLED_LATE:
		snprintf(body, sizeof(body), "Your %.20s session with %.128s on %s (%.63s) was cancelled%s."
		         "%s\n\n%s", s->kind, s->with, s->when, s->zone, by, late, link);
		break;
	case NEWS_WEEKLY:
	case NEWS_FORTNIGHTLY:
		snprintf(body, sizeof(body), "Your %.20s session with %.128s on %s (%.63s) is now the first "
		         "of a %s series.\n\n%s", s->kind, s->with, s->when, s->zone,
		         what == NEWS_WEEKLY ? "weekly" : "fortnightly", link);
		break;
	default:
		snprintf(body, sizeof(body), "Your %.20s session with %.128s on %s (%.63s) is booked.\n\n%s",
		         s->kind, s->with, s->when, s->zone, link);
		break;
	}
	return put(sv, to, subject, body, "booking");
}

int
notify_session_erased(struct services *sv, const char *to, const char *when, const char *zone)
{
	char body[800];

	snprintf(body, sizeof(body), "A session on %.60s (%.63s) was cancelled: the person closed their "
	         "chiron account.\n\nYour schedule: %s/schedule\n", when, zone, site(sv));
	return put(sv, to, "chiron: session cancelled", body, "booking");
}

int
notify_listing_closed(struct services *sv, const char *to, const char *name, const char *when,
                      const char *zone)
{
	char body[900];

	snprintf(body, sizeof(body), "Your session with %.128s on %.60s (%.63s) was cancelled: the "
	         "listing is closed and no longer on chiron.\n\nYour sessions: %s/therapy\n", name, when,
	         zone, site(sv));
	return put(sv, to, "chiron: session cancelled", body, "booking");
}

int
notify_session_reminder(struct services *sv, const char *to, const struct session_note *s)
{
	char body[1400], link[300];

	sessions_link(sv, s, link, sizeof(link));
	if (s->therapist)
		snprintf(body, sizeof(body), "A reminder: your %.20s session with %.128s is on %s (%.63s).\n\n"
		         "%s", s->kind, s->with, s->when, s->zone, link);
	else
		snprintf(body, sizeof(body), "A reminder: your %.20s session with %.128s is on %s (%.63s).\n"
		         "It is held for you like a clinical hour; if you cannot come, cancel it on chiron.\n\n"
		         "%s", s->kind, s->with, s->when, s->zone, link);
	return put(sv, to, "chiron: your session tomorrow", body, "booking");
}

int
notify_waitlist_opening(struct services *sv, const char *to, const struct session_note *s, const char *tid)
{
	char body[1400];

	snprintf(body, sizeof(body), "%s %.20s session opened with %.128s: %s (%.63s).\n"
	         "Book it, if it suits you, at %s/therapists/%.71s/book?kind=%.20s\n"
	         "(You are on their waitlist; first come, first served.)\n\n"
	         "Your sessions: %s/therapy\n", article(s->kind, true), s->kind, s->with, s->when, s->zone,
	         site(sv), tid, s->kind, site(sv));
	return put(sv, to, "chiron: a time opened on your waitlist", body, "booking");
}

/* ----------------------------------------------------------------------
 * Consultation requests
 * ---------------------------------------------------------------------- */

int
notify_request_new(struct services *sv, const char *to, const char *from)
{
	char body[1200];

	snprintf(body, sizeof(body), "You have a new consultation request from %.63s.\n"
	         "Read it and answer on chiron: %s/requests\n\n"
	         "(The message itself is not in this mail: mail passes through mail providers,\n"
	         "so chiron keeps what colleagues write on chiron.)\n", from, site(sv));
	return put(sv, to, "chiron: a new consultation request", body, "request");
}

int
notify_request_answered(struct services *sv, const char *to, const char *name)
{
	char body[1200];

	snprintf(body, sizeof(body), "%.200s answered your consultation request.\n"
	         "Read the answer on chiron: %s/requests\n\n"
	         "(The answer itself is not in this mail: mail passes through mail providers,\n"
	         "so chiron keeps what is written on chiron.)\n", name, site(sv));
	return put(sv, to, "chiron: your consultation request was answered", body, "request");
}

/* ----------------------------------------------------------------------
 * Listings and accounts
 * ---------------------------------------------------------------------- */

int
notify_listing_reminder(struct services *sv, const char *to, const char *tid, long long days, const char *token)
{
	char body[2048];
	int rc;

	snprintf(body, sizeof(body),
	         "Your chiron listing %.71s was last confirmed %lld days ago.\n"
	         "Clinicians rely on listings being current, so a listing not confirmed for %d days\n"
	         "is paused: shown as not accepting new clients until you confirm it.\n\n"
	         "If it is still right, open %s/listing/confirm/%s and press the button\n"
	         "(the link works once, for %d days). If something changed, sign in and edit it at\n"
	         "%s/listing/edit; saving confirms it too.",
	         tid, days, LISTING_STALE_DAYS, site(sv), token, LISTING_REMIND_LINK_DAYS, site(sv));
	rc = put(sv, to, "Is your chiron listing still current?", body, "listing-reminder");
	sodium_memzero(body, sizeof(body));
	return rc;
}

int
notify_claim_code(struct services *sv, const char *to, const char *name, const char *code, int days, int tries)
{
	char body[2048];
	int rc;

	snprintf(body, sizeof(body),
	         "Someone has claimed the listing of %.200s on chiron, a directory where\n"
	         "clinicians find a therapist for their own therapy. We found this address for\n"
	         "the practice and send this code here to check the claim is the practice's own.\n\n"
	         "If you made the claim, sign in to chiron and enter this code at\n"
	         "%s/listing :\n\n    %s\n\n"
	         "It works for %d days, and stops working after %d wrong tries.\n\n"
	         "If you did not claim this listing, do not share the code with anyone: without\n"
	         "it the claim opens nothing, and an administrator will drop it.",
	         name, site(sv), code, days, tries);
	rc = put(sv, to, "Your code for claiming a chiron listing", body, "other");
	sodium_memzero(body, sizeof(body));
	return rc;
}

int
notify_claim_verified(struct services *sv, const char *to, const char *name)
{
	char body[1200];

	snprintf(body, sizeof(body), "An administrator verified your claim of the listing of %.200s.\n"
	         "It is yours to keep current now: your listing, its consultation requests and its\n"
	         "schedule are at %s/listing\n", name, site(sv));
	return put(sv, to, "chiron: your listing claim is verified", body, "claim");
}

int
notify_claim_rejected(struct services *sv, const char *to, const char *name)
{
	char body[1200];

	snprintf(body, sizeof(body), "An administrator could not verify your claim of the listing of\n"
	         "%.200s, and dropped it. If the listing is yours, write to the administrators;\n"
	         "you can claim a listing again at %s/listing\n", name, site(sv));
	return put(sv, to, "chiron: your listing claim was not verified", body, "claim");
}

int
notify_signup_exists(struct services *sv, const char *to, const char *handle)
{
	char body[1400];

	snprintf(body, sizeof(body), "Someone asked to create a chiron account with this "
	         "address, which already has one (pseudonym %.63s).\nTo sign in, open %s/login; "
	         "if you forgot the password, %s/reset.\nIf it was not you, ignore this "
	         "message: nothing was changed.", handle, site(sv), site(sv));
	return put(sv, to, "You already have a chiron account", body, "other");
}

int
notify_signup_link(struct services *sv, const char *to, const char *handle, const char *token)
{
	char body[1400];
	int rc;

	snprintf(body, sizeof(body), "Someone asked to create a chiron account with this address, "
	         "under the pseudonym %.63s.\nTo finish, open %s/signup/confirm/%s within a day.\n"
	         "If it was not you, ignore this message: no account is made.", handle, site(sv), token);
	rc = put(sv, to, "Finish creating your chiron account", body, "other");
	sodium_memzero(body, sizeof(body));
	return rc;
}

int
notify_reset_link(struct services *sv, const char *to, const char *handle, const char *token)
{
	char body[1200];
	int rc;

	snprintf(body, sizeof(body), "Someone asked to reset the password of the chiron "
	         "account %.63s.\nTo choose a new password, open %s/reset/%s within an hour.\n"
	         "If it was not you, ignore this message.", handle, site(sv), token);
	rc = put(sv, to, "Reset your chiron password", body, "reset");
	sodium_memzero(body, sizeof(body));
	return rc;
}
