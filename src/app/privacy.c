/*
 * privacy.c: what chiron keeps, why, who sees it and for how long, item
 * by item (app/privacy.h). Each item names the store's tables it covers
 * (src/store/sqlite/schema.c); tests/test_privacy.c holds the two in
 * step. The retention written here is what the code does: where nothing
 * deletes a row, the item says it is kept.
 */
#include <string.h>

#include "app/privacy.h"

const char *const privacy_group_names[PRIV__MAX] = {
	[PRIV_ACCOUNT] = "Your account",
	[PRIV_SEARCH] = "Searching",
	[PRIV_THERAPY] = "Writing to and booking a therapist",
	[PRIV_LISTING] = "Therapists' listings",
	[PRIV_RUNNING] = "Running the service",
};

/* Said of every row that belongs to an account. */
#define WITH_ACCOUNT " It goes when the account is deleted."

const struct privacy_item privacy_items[] = {
	{PRIV_ACCOUNT, "Your pseudonym, email address and role",
	 "Whether you look for a therapist or are one, your time zone, and when the account was "
	 "made, kept to sign you in, to send you links and reminders, and to show times in your zone.",
	 "You. A therapist sees your pseudonym when you write to them or book with them, never "
	 "your email. Administrators can see accounts.",
	 "As long as the account exists. You can close it yourself (Your account, then Your data): "
	 "your sessions ahead are cancelled, your data key is destroyed, and every row of this page "
	 "marked as going with the account is deleted. A record that an account was closed is kept, "
	 "with nothing of its content; backups hold your rows, sealed and no longer openable, until "
	 "they age out (30 days).",
	 "user"},
	{PRIV_ACCOUNT, "Downloads of your data: not kept",
	 "\"Download your data\" (after your password again) makes one file of everything on this "
	 "page that is about you, or a calendar of your sessions, at the moment you ask.",
	 "You: it goes to your browser only.",
	 "Not kept: made for the download and dropped.",
	 ""},
	{PRIV_ACCOUNT, "Your password, as a hash",
	 "An argon2id hash of your password, never the password itself, kept to check it when you "
	 "sign in.",
	 "No one: the hash cannot be turned back into the password.",
	 "Replaced when you choose a new password." WITH_ACCOUNT,
	 "user"},
	{PRIV_ACCOUNT, "Your sign-ins",
	 "For each browser signed in: a hash of its session token (the token itself is only in your "
	 "browser's cookie), its anti-forgery token, when it began, when it was last used (to the "
	 "minute) and when it ends.",
	 "No one.",
	 "Twelve hours at most, and half an hour without use (the operator may set other limits). "
	 "Signing out deletes that browser's; \"Sign out everywhere\", a new password and a "
	 "password reset delete them all. One left to expire is refused and stays as an unusable "
	 "hash until its row's time runs out." WITH_ACCOUNT,
	 "session"},
	{PRIV_ACCOUNT, "Your second factor",
	 "When you set up codes from an authenticator app: its secret, sealed with your account's "
	 "key, when you set it up, and which 30-second code was used last (so a code works once); "
	 "your recovery codes only as keyed hashes, and when each was used.",
	 "No one: the secret is never shown again after setting it up.",
	 "Until you turn the second factor off or make new recovery codes." WITH_ACCOUNT,
	 "second_factor recovery_code"},
	{PRIV_ACCOUNT, "A sign-up waiting for its email",
	 "The pseudonym, email, password hash and role asked for, and a hash of the mailed link's "
	 "token, until the link is opened.",
	 "No one.",
	 "A day: deleted when the link is used, or within the hour after it expires.",
	 "signup_pending"},
	{PRIV_ACCOUNT, "A password reset",
	 "A hash of the mailed reset link's token, and whose account it is for.",
	 "No one.",
	 "Works for an hour and is deleted when used; one never used stays as an unusable hash." WITH_ACCOUNT,
	 "reset_token"},
	{PRIV_ACCOUNT, "Counts of attempts",
	 "To slow down password guessing and floods of sign-ups, requests and uploads: a keyed hash "
	 "standing for who tried (an address, an account or an email, never kept in the clear) and "
	 "when.",
	 "No one: the hash names no one without the server's key.",
	 "A day, then deleted by the hourly chores.",
	 "throttle"},

	{PRIV_SEARCH, "Your searches: not kept",
	 "Where you are, your budget, goals, free hours and the organizations you name to screen "
	 "out dual relationships are used to answer one search and dropped. They travel in the "
	 "body of the form, not the address, so no log holds them.",
	 "No one. No therapist ever sees your searches or your organizations.",
	 "Not kept at all.",
	 ""},
	{PRIV_SEARCH, "Your saved search preferences",
	 "Only when you choose to save them: the answers of your search form, organizations and free "
	 "hours included, so you need not type them again.",
	 "You alone.",
	 "Until you change them." WITH_ACCOUNT,
	 "seeker_profile"},
	{PRIV_SEARCH, "Your uploaded calendar",
	 "Only the start and end of each busy time in the four weeks read, to find hours you are "
	 "free, sealed under your own key. Titles, attendees, descriptions, places and the file "
	 "itself are never kept.",
	 "You alone.",
	 "Until you upload another or choose \"Forget my calendar\"." WITH_ACCOUNT,
	 "busy busy_sealed"},

	{PRIV_THERAPY, "Consultation requests and answers",
	 "Your message, the therapist it went to, when, and their answer; signed with your "
	 "pseudonym, or your email only if you chose to add it.",
	 "You and the therapist holding that listing. Administrators can see them.",
	 "Sealed under a key of your account (the listing it went to is not). Kept until the "
	 "account that sent it is closed: then deleted, and the key destroyed, so no copy left "
	 "in a backup can be read. Closing a listing closes its unanswered requests.",
	 "request"},
	{PRIV_THERAPY, "Appointments and series",
	 "Each session booked: with whom, the kind of session, start and end, your time zone, in "
	 "person or by telehealth, and, when cancelled, by whom and whether late; a weekly or "
	 "fortnightly series' first date, time and length.",
	 "You, and the therapist, who sees your pseudonym with them, never your email. "
	 "Administrators can see them.",
	 "Kept, cancelled ones too, as the record both of you can look back on. Closing your "
	 "account cancels the sessions ahead (the therapist is told without your name); the "
	 "therapist's record of sessions already held then names no one.",
	 "appointment series"},
	{PRIV_THERAPY, "Waitlists",
	 "The listing and kind of session you wait for, when you joined, and when you were last "
	 "told of an opening.",
	 "You, and the therapist of that listing.",
	 "Until you leave the waitlist." WITH_ACCOUNT,
	 "waitlist"},
	{PRIV_THERAPY, "Your calendar feed",
	 "A hash of the secret in your private feed's address, and when it was made.",
	 "No one can read the hash. Anyone holding the address can read your appointments from "
	 "it, so keep it to your calendar app.",
	 "Until you stop the feed or make a new address." WITH_ACCOUNT,
	 "feed_token"},

	{PRIV_LISTING, "The directory",
	 "What each therapist publishes about their practice: name, credentials, licences, fees, "
	 "approach, hours, photo and statement, the organizations they are affiliated with (used "
	 "only to screen out dual relationships); and the registry of organizations.",
	 "Everyone: it is the public directory.",
	 "Until the therapist or an administrator removes the listing; an organization until an "
	 "administrator merges it into another.",
	 "therapist org"},
	{PRIV_LISTING, "A listing's policies and schedule",
	 "Its stated confidentiality, events and dual-relationship policies, where each weekly hour "
	 "is held, the kinds and lengths of session, the notice period and closed dates with their "
	 "notes.",
	 "The policies, hours and open times are public; a closure's note only the therapist sees.",
	 "Until the therapist changes them. Removing a listing deletes its policies; its schedule "
	 "rows are kept.",
	 "listing_policy avail_mode session_type schedule_setting closed_range"},
	{PRIV_LISTING, "A listing's statement and photo",
	 "The short statement a therapist writes for their profile, and their photo as chiron "
	 "re-encoded it: a 400 by 400 JPEG, nothing of the uploaded file kept (no camera data, no "
	 "location, no other bytes).",
	 "Everyone, on the therapist's profile and result cards, while the listing is shown.",
	 "Until the therapist changes or removes them; removing the listing deletes them.",
	 "listing_profile"},
	{PRIV_LISTING, "Claims and verification",
	 "Which account holds a listing, the NPI given, the practice's contact an administrator "
	 "found and where, a hash of the one-time code and the tries, who verified the claim, how "
	 "and when; confirmation reminders and a hash of each one-click confirmation link. "
	 "Administrators' actions are also recorded in the audit trail.",
	 "The therapist holding the listing, and administrators.",
	 "As long as the claim stands; a rejected claim to a listing already in the directory is "
	 "deleted. A confirmation link works for "
	 "its days and is then deleted.",
	 "listing confirm_token"},
	{PRIV_LISTING, "Hidden listings",
	 "Which listings an administrator took out of searches, and when.",
	 "Administrators, and the therapist, whose listing page says so.",
	 "Until the listing is shown again or removed.",
	 "hidden_listing"},

	{PRIV_RUNNING, "Mail waiting to be sent",
	 "Each message chiron sends (sign-up and reset links, reminders, answers), sealed "
	 "(encrypted) while it waits.",
	 "No one reads it; your mail provider delivers it.",
	 "Once sent, or given up after eight tries, the message is erased; the row keeps only its "
	 "times, the number of tries and why a try failed.",
	 "outbox"},
	{PRIV_RUNNING, "The keys your data is sealed with",
	 "A random key of your own that seals (encrypts) your private data: what you write to "
	 "therapists, your saved search, who you book with. It is kept only wrapped (encrypted) "
	 "under the service's master key, which is not in the database.",
	 "No one reads it; chiron uses it to open your data for you and for those you share it "
	 "with.",
	 "Destroyed when the account is erased, and with it everything it sealed can no longer "
	 "be opened.",
	 "dkey"},
	{PRIV_RUNNING, "The audit trail",
	 "Who did what to whose data, and when: every sign-in (and failed one), sign-out and "
	 "password change, every administrator's action, and every time someone read or changed "
	 "another person's data (a therapist reading your request, for one). Never the content. "
	 "Whose data it was is kept only as a keyed hash; who acted and on which record are sealed "
	 "(encrypted); the address they came from only as a keyed hash. Each entry is chained to "
	 "the one before, so none can be deleted or changed unnoticed.",
	 "You see the entries about your data under \"Who used your data\" on your account page. "
	 "Administrators can read the whole trail with the server's key.",
	 "Kept: nothing deletes an entry, as an audit trail must be; when an account is erased the "
	 "entries stay, naming no one.",
	 "audit"},
	{PRIV_RUNNING, "The access log",
	 "One line per request: the time, the method, the page (with secret links' tokens blanked "
	 "and no query), the status, the size and how long it took. Your address only when the "
	 "operator turns that on.",
	 "The operator.",
	 "As long as the operator keeps the log file: chiron itself never deletes it.",
	 ""},
};

const size_t n_privacy_items = sizeof(privacy_items) / sizeof(privacy_items[0]);

int
privacy_names_table(const char *table)
{
	size_t i, n = strlen(table);

	for (i = 0; i < n_privacy_items; i++) {
		const char *t = privacy_items[i].tables;

		while (*t) {
			size_t len = strcspn(t, " ");

			if (len == n && strncmp(t, table, n) == 0)
				return 1;
			t += len;
			t += strspn(t, " ");
		}
	}
	return 0;
}
