/*
 * schema.c: the SQLite engine's schema, versioned with PRAGMA user_version:
 * migrations[] holds one SQL script per version, and opening applies, in
 * one transaction each, those the file has not seen. A file from a newer
 * chiron is refused rather than guessed at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

static const char *const migrations[] = {
	/* 1: the directory */
	"CREATE TABLE org ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  jurisdiction TEXT"
	") WITHOUT ROWID;"
	"CREATE TABLE therapist ("
	"  id TEXT PRIMARY KEY,"
	"  packed BLOB NOT NULL"
	") WITHOUT ROWID;",
	/* 2: accounts, sessions, throttling, the outbox, password resets */
	"CREATE TABLE user ("
	"  id INTEGER PRIMARY KEY,"
	"  handle TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  pw_hash TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('seeker', 'therapist', 'admin')),"
	"  therapist_id TEXT,"
	"  created_at INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))"
	");"
	"CREATE TABLE session ("
	"  token_hash BLOB PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  expires_at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE INDEX session_user ON session (user_id);"
	"CREATE TABLE throttle (key TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE INDEX throttle_key ON throttle (key, at);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  to_addr TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  sent_at INTEGER"
	");"
	"CREATE TABLE reset_token ("
	"  token_hash BLOB PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  expires_at INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/* 3: consultation requests */
	"CREATE TABLE request ("
	"  id INTEGER PRIMARY KEY,"
	"  seeker_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  seeker_name TEXT NOT NULL,"
	"  therapist_id TEXT NOT NULL,"
	"  message TEXT NOT NULL,"
	"  answer TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  answered_at INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX request_seeker ON request (seeker_id, created_at);"
	"CREATE INDEX request_therapist ON request (therapist_id, created_at);",
	/* 4: listings claimed by therapist accounts, verified, confirmed */
	"CREATE TABLE listing ("
	"  therapist_id TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL UNIQUE REFERENCES user (id) ON DELETE CASCADE,"
	"  npi_given TEXT NOT NULL DEFAULT '',"
	"  claimed_at INTEGER NOT NULL,"
	"  verified_at INTEGER NOT NULL DEFAULT 0,"
	"  confirmed_at INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;"
	"CREATE INDEX listing_unverified ON listing (verified_at, claimed_at);",
	/* 5: a seeker's saved search profile */
	"CREATE TABLE seeker_profile ("
	"  user_id INTEGER PRIMARY KEY REFERENCES user (id) ON DELETE CASCADE,"
	"  fields TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");",
	/* 6: listings hidden by an admin */
	"CREATE TABLE hidden_listing ("
	"  therapist_id TEXT PRIMARY KEY,"
	"  hidden_at INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/* 7: a listing's stated policies */
	"CREATE TABLE listing_policy ("
	"  therapist_id TEXT PRIMARY KEY,"
	"  confidentiality TEXT NOT NULL,"
	"  events TEXT NOT NULL,"
	"  dual TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/* 8: confirmation reminders and their one-click tokens */
	"ALTER TABLE listing ADD COLUMN reminded_at INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE confirm_token ("
	"  token_hash BLOB PRIMARY KEY,"
	"  therapist_id TEXT NOT NULL,"
	"  expires_at INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/*
	 * 9: delivering the outbox by SMTP. sent_at has been there since 2
	 * (NULL: not sent); a message now also counts its attempts, keeps the
	 * last one's time (the back-off runs from it) and why it failed.
	 */
	"ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE outbox ADD COLUMN tried_at INTEGER;"
	"ALTER TABLE outbox ADD COLUMN last_error TEXT;"
	"CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;",
	/*
	 * 10: scheduling. A therapist's session types, notice period and
	 * dated closures (weekly hours are the record's availability);
	 * appointments in UTC with the zone they were made in; weekly series;
	 * private calendar feeds (token hashed); the busy times read from a
	 * clinician's uploaded calendar (nothing else of it); waitlists.
	 * No double booking: a booking checks and inserts inside one
	 * BEGIN IMMEDIATE transaction; the unique index also keeps one
	 * seeker from holding two seats of one group session.
	 */
	"ALTER TABLE user ADD COLUMN timezone TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE schedule_setting ("
	"  therapist_id TEXT PRIMARY KEY,"
	"  notice_hours INTEGER NOT NULL DEFAULT 24,"
	"  updated_at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE session_type ("
	"  therapist_id TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('consultation', 'individual', 'couples', 'group')),"
	"  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 480),"
	"  step INTEGER NOT NULL CHECK (step BETWEEN 5 AND 1440),"
	"  capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 1 AND 100),"
	"  PRIMARY KEY (therapist_id, kind)"
	") WITHOUT ROWID;"
	"CREATE TABLE closed_range ("
	"  id INTEGER PRIMARY KEY,"
	"  therapist_id TEXT NOT NULL,"
	"  first_day INTEGER NOT NULL,"
	"  last_day INTEGER NOT NULL,"
	"  start_min INTEGER NOT NULL DEFAULT 0,"
	"  end_min INTEGER NOT NULL DEFAULT 1440,"
	"  note TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX closed_therapist ON closed_range (therapist_id, last_day);"
	"CREATE TABLE series ("
	"  id INTEGER PRIMARY KEY,"
	"  therapist_id TEXT NOT NULL,"
	"  seeker_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"
	"  zone TEXT NOT NULL,"
	"  first_day INTEGER NOT NULL,"
	"  minute INTEGER NOT NULL,"
	"  minutes INTEGER NOT NULL,"
	"  interval_weeks INTEGER NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),"
	"  created_by TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE appointment ("
	"  id INTEGER PRIMARY KEY,"
	"  therapist_id TEXT NOT NULL,"
	"  seeker_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"
	"  start_utc INTEGER NOT NULL,"
	"  end_utc INTEGER NOT NULL,"
	"  zone TEXT NOT NULL,"
	"  series_id INTEGER REFERENCES series (id) ON DELETE SET NULL,"
	"  status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),"
	"  cancelled_by TEXT NOT NULL DEFAULT '',"
	"  late INTEGER NOT NULL DEFAULT 0,"
	"  reminded_at INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX appt_therapist ON appointment (therapist_id, start_utc) WHERE status = 'booked';"
	"CREATE INDEX appt_seeker ON appointment (seeker_id, start_utc);"
	"CREATE INDEX appt_series ON appointment (series_id);"
	"CREATE UNIQUE INDEX appt_one_seat ON appointment (therapist_id, start_utc, seeker_id) "
	"  WHERE status = 'booked';"
	"CREATE TABLE feed_token ("
	"  user_id INTEGER PRIMARY KEY REFERENCES user (id) ON DELETE CASCADE,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE busy ("
	"  user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  start_utc INTEGER NOT NULL,"
	"  end_utc INTEGER NOT NULL"
	");"
	"CREATE INDEX busy_user ON busy (user_id, start_utc);"
	"CREATE TABLE waitlist ("
	"  id INTEGER PRIMARY KEY,"
	"  therapist_id TEXT NOT NULL,"
	"  seeker_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  notified_at INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (therapist_id, seeker_id, kind)"
	");",
	/*
	 * 11: a therapist's appointments by time, cancelled ones included:
	 * the partial index of 10 covers booked rows only, so a read of a
	 * therapist's sessions (booked and cancelled) scanned the table.
	 */
	"CREATE INDEX appt_therapist_time ON appointment (therapist_id, start_utc);",
	/* 12: where each weekly window is held (in person, telehealth), and
	 * how a session was booked */
	"CREATE TABLE avail_mode ("
	"  therapist_id TEXT NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  start_min INTEGER NOT NULL,"
	"  end_min INTEGER NOT NULL,"
	"  modes INTEGER NOT NULL,"
	"  PRIMARY KEY (therapist_id, day, start_min, end_min)"
	") WITHOUT ROWID;"
	"ALTER TABLE appointment ADD COLUMN modality TEXT NOT NULL DEFAULT '';",
	/* 13: where a moved session was first booked (a series' feed names
	 * the occurrence it replaces by it) */
	"ALTER TABLE appointment ADD COLUMN orig_start INTEGER NOT NULL DEFAULT 0;",
	/*
	 * 14: a claim proves control before it opens anything. A one-time
	 * code (its BLAKE2b hash only) is mailed to a contact an admin found
	 * for the practice (never one the claimant typed), expires, and is
	 * void after CLAIM_CODE_TRIES wrong entries; who verified, how and
	 * when is kept. `created`: the claimant made the listing at
	 * /listing/new, so it stays out of searches until verified. Claims
	 * verified before this migration say so in verified_how.
	 */
	"ALTER TABLE listing ADD COLUMN created INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN contact TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE listing ADD COLUMN contact_source TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE listing ADD COLUMN code_hash BLOB;"
	"ALTER TABLE listing ADD COLUMN code_sent_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN code_sent_by INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN code_expires INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN code_tries INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN code_ok_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN verified_by INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN verified_how TEXT NOT NULL DEFAULT '';"
	"UPDATE listing SET verified_how = 'verified before chiron recorded how (NPI check only)' "
	"  WHERE verified_at != 0;"
	/* Unverified listings made at /listing/new before: its ids are "t-"
	 * and 12 hex digits, and it confirmed them as it claimed them (a claim
	 * starts unconfirmed). Better hidden until verified than a fake one
	 * left public. */
	"UPDATE listing SET created = 1 WHERE verified_at = 0 AND confirmed_at = claimed_at "
	"  AND length(therapist_id) = 14 AND therapist_id GLOB 't-[0-9a-f][0-9a-f]*' "
	"  AND substr(therapist_id, 3) NOT GLOB '*[^0-9a-f]*';",
	/* 15: throttles name parties only by a keyed hash (web/auth.c): the
	 * rows written before held client addresses and login names in the
	 * clear. They are dropped (they lapse within the hour anyway), and
	 * the hourly expiry reads by time. */
	"DELETE FROM throttle;"
	"CREATE INDEX throttle_at ON throttle (at);",
	/* 16: sign-ups wait for their email's confirmation (app/account.c):
	 * the token is kept only as its hash, the password only as argon2id,
	 * and a row lives a day. */
	"CREATE TABLE signup_pending ("
	"  token_hash BLOB PRIMARY KEY,"
	"  handle TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  pw_hash TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('seeker', 'therapist')),"
	"  expires_at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE INDEX signup_pending_expiry ON signup_pending (expires_at);",
	/*
	 * 17: mail at rest. A message's recipient, subject and body go sealed
	 * into `sealed` (store.h), the three plain columns stay empty; mail
	 * sent or given up is erased now (what is unsent is sealed when the
	 * server next starts with its key: store_set_mail_key).
	 */
	"ALTER TABLE outbox ADD COLUMN sealed BLOB;"
	"UPDATE outbox SET to_addr = '', subject = '', body = '' "
	"  WHERE sent_at IS NOT NULL OR attempts >= 8;",
	/*
	 * 18: a change counter per appointment and per series (the feed's
	 * SEQUENCE, app/ical_out.c), raised by one in the statement of every
	 * change. It counted seconds since creation before, so two changes
	 * within a second left it where it was. Rows start from what the
	 * feed last showed for them (an appointment: its seconds; a series:
	 * the seconds to its latest row's change), so no SEQUENCE a
	 * subscriber has seen goes down.
	 */
	"ALTER TABLE appointment ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE series ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;"
	"UPDATE appointment SET seq = max(0, updated_at - created_at);"
	"UPDATE series SET seq = coalesce((SELECT max(0, max(a.updated_at) - series.created_at) "
	"  FROM appointment a WHERE a.series_id = series.id), 0);",
	/*
	 * 19: the booking notice: how far ahead a session must be booked
	 * (hours; 1 by default, the lead every listing had before), apart
	 * from notice_hours, the notice for cancelling or moving.
	 */
	"ALTER TABLE schedule_setting ADD COLUMN booking_notice_hours INTEGER NOT NULL DEFAULT 1;",
	/*
	 * 20: what a verification checked, each part on its own: the NPI's check
	 * digit (npi_checked 1 when it held), the licence as the admin found
	 * it with the board, and, when the NPI check failed, the admin's
	 * reason for verifying anyway. Listings verified before keep their
	 * verified_how text; these stay empty (not recorded).
	 */
	"ALTER TABLE listing ADD COLUMN npi_checked INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE listing ADD COLUMN licence_board TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE listing ADD COLUMN licence_number TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE listing ADD COLUMN override_reason TEXT NOT NULL DEFAULT '';",
	/* 21: a listing's profile beside its record: the therapist's
	 * statement, and a photo only as chiron re-encoded it (JPEG), with a
	 * version the photo's address carries so caches see a new one. */
	"CREATE TABLE listing_profile ("
	"  therapist_id TEXT PRIMARY KEY,"
	"  statement TEXT NOT NULL DEFAULT '',"
	"  photo BLOB,"
	"  photo_version INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/*
	 * 22: data keys (app/seal.h), each wrapped under the numbered master
	 * key of the key file, which is never here; numbers are random so a
	 * row's key number says which rows share an owner, not who. An
	 * account's own key number is kept sealed in its row (dkey).
	 */
	"CREATE TABLE dkey ("
	"  id INTEGER PRIMARY KEY,"
	"  master INTEGER NOT NULL,"
	"  wrapped BLOB NOT NULL"
	");"
	"ALTER TABLE user ADD COLUMN dkey BLOB;",
	/*
	 * 23: the people side sealed (issue 11; app/identity.c, requests.c,
	 * profile.c). An account's email column now holds its address sealed
	 * under the account's data key (a BLOB; a TEXT value is a row from
	 * before, sealed at the next start by accounts_seal_legacy), and
	 * email_bx its blind index, unique, for sign-in and uniqueness. Sign-ups
	 * waiting for their link held addresses in the clear: dropped (they
	 * lapse within a day; the person asks again). Requests are rebuilt, as
	 * SQLite cannot drop seeker_id's foreign key: the sender's account is
	 * now sealed (seeker) with the sender's data key number in the clear
	 * (dkey) for their own list, and a random row key (rk) binds the
	 * sealed name, message and answer to their row. seeker_id keeps the
	 * account of a row from before, clear, only until the next start seals
	 * it (requests_seal_legacy) and empties it (NULL). Saved profiles need
	 * no column: `fields` holds the sealed BLOB (TEXT: a row from before).
	 */
	"ALTER TABLE user ADD COLUMN email_bx BLOB;"
	"CREATE UNIQUE INDEX user_email_bx ON user (email_bx);"
	"DELETE FROM signup_pending;"
	"CREATE TABLE request_sealed ("
	"  id INTEGER PRIMARY KEY,"
	"  rk BLOB UNIQUE,"
	"  dkey INTEGER NOT NULL DEFAULT 0,"
	"  seeker BLOB,"
	"  seeker_id INTEGER,"
	"  seeker_name BLOB NOT NULL,"
	"  therapist_id TEXT NOT NULL,"
	"  message BLOB NOT NULL,"
	"  answer BLOB NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  answered_at INTEGER NOT NULL DEFAULT 0"
	");"
	"INSERT INTO request_sealed (id, seeker_id, seeker_name, therapist_id, message, answer, "
	"  created_at, answered_at) SELECT id, seeker_id, seeker_name, therapist_id, message, "
	"  answer, created_at, answered_at FROM request;"
	"DROP TABLE request;"
	"ALTER TABLE request_sealed RENAME TO request;"
	"CREATE INDEX request_dkey ON request (dkey, created_at);"
	"CREATE INDEX request_therapist ON request (therapist_id, created_at);",
	/*
	 * 24: the audit trail (app/audit.c, issue 11): who did what to whose
	 * data, never the content. seq counts from 1 without gaps; subject is
	 * a blind index, detail sealed, addr a keyed hash; hash chains each
	 * entry to the one before, so a deleted or edited row is found.
	 */
	"CREATE TABLE audit ("
	"  seq INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  what TEXT NOT NULL,"
	"  subject BLOB,"
	"  rk BLOB NOT NULL,"
	"  detail BLOB NOT NULL,"
	"  addr BLOB,"
	"  hash BLOB NOT NULL"
	");"
	"CREATE INDEX audit_subject ON audit (subject, seq) WHERE subject IS NOT NULL;",
	/*
	 * 25: who booked whom, sealed (issue 11; app/booking_seal.c). An
	 * appointment, a series and a place on a waitlist no longer keep the
	 * seeker's account id beside the therapist's: dkey holds the seeker's
	 * data key number in the clear (indexed: "a seeker's appointments"
	 * and the seat index, one seat per person per session), seeker_sealed
	 * the account id sealed under that key for table.seeker#rk, rk the
	 * row's random key. seeker_id was NOT NULL with a foreign key, which
	 * SQLite cannot drop or blank, so the three tables are rebuilt
	 * without it (series first, under another name, so dropping the old
	 * one sets no appointment's series_id to NULL; the renames carry the
	 * reference over). Rows of before are copied with dkey the negated
	 * account id and no seeker_sealed: booking_seal_legacy seals them at
	 * the next start. The seeker's rows are no longer deleted with their
	 * account: erasure destroys their key (seal_forget) instead.
	 *
	 * A closure's note is sealed under the therapist's key (note_sealed,
	 * rk); the clear note column stays, emptied when sealed at start.
	 * Busy times become one sealed blob per user (busy_sealed); the rows
	 * of the busy table are sealed into it at start and deleted.
	 */
	"CREATE TABLE series_new ("
	"  id INTEGER PRIMARY KEY,"
	"  therapist_id TEXT NOT NULL,"
	"  dkey INTEGER NOT NULL,"
	"  rk BLOB,"
	"  seeker_sealed BLOB,"
	"  kind TEXT NOT NULL,"
	"  zone TEXT NOT NULL,"
	"  first_day INTEGER NOT NULL,"
	"  minute INTEGER NOT NULL,"
	"  minutes INTEGER NOT NULL,"
	"  interval_weeks INTEGER NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),"
	"  created_by TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL DEFAULT 0"
	");"
	"INSERT INTO series_new (id, therapist_id, dkey, kind, zone, first_day, minute, minutes,"
	"  interval_weeks, count, status, created_by, created_at, seq)"
	"  SELECT id, therapist_id, -seeker_id, kind, zone, first_day, minute, minutes,"
	"  interval_weeks, count, status, created_by, created_at, seq FROM series;"
	"CREATE TABLE appointment_new ("
	"  id INTEGER PRIMARY KEY,"
	"  therapist_id TEXT NOT NULL,"
	"  dkey INTEGER NOT NULL,"
	"  rk BLOB,"
	"  seeker_sealed BLOB,"
	"  kind TEXT NOT NULL,"
	"  start_utc INTEGER NOT NULL,"
	"  end_utc INTEGER NOT NULL,"
	"  zone TEXT NOT NULL,"
	"  series_id INTEGER REFERENCES series_new (id) ON DELETE SET NULL,"
	"  status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),"
	"  cancelled_by TEXT NOT NULL DEFAULT '',"
	"  late INTEGER NOT NULL DEFAULT 0,"
	"  reminded_at INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  modality TEXT NOT NULL DEFAULT '',"
	"  orig_start INTEGER NOT NULL DEFAULT 0,"
	"  seq INTEGER NOT NULL DEFAULT 0"
	");"
	"INSERT INTO appointment_new (id, therapist_id, dkey, kind, start_utc, end_utc, zone,"
	"  series_id, status, cancelled_by, late, reminded_at, created_at, updated_at, modality,"
	"  orig_start, seq)"
	"  SELECT id, therapist_id, -seeker_id, kind, start_utc, end_utc, zone, series_id, status,"
	"  cancelled_by, late, reminded_at, created_at, updated_at, modality, orig_start, seq"
	"  FROM appointment;"
	"DROP TABLE appointment;"
	"DROP TABLE series;"
	"ALTER TABLE series_new RENAME TO series;"
	"ALTER TABLE appointment_new RENAME TO appointment;"
	"CREATE INDEX series_dkey ON series (dkey);"
	"CREATE INDEX series_therapist ON series (therapist_id);"
	"CREATE UNIQUE INDEX series_rk ON series (rk);"
	"CREATE INDEX appt_therapist ON appointment (therapist_id, start_utc) WHERE status = 'booked';"
	"CREATE INDEX appt_therapist_time ON appointment (therapist_id, start_utc);"
	"CREATE INDEX appt_dkey ON appointment (dkey, start_utc);"
	"CREATE INDEX appt_series ON appointment (series_id);"
	"CREATE UNIQUE INDEX appt_one_seat ON appointment (therapist_id, start_utc, dkey) "
	"  WHERE status = 'booked';"
	"CREATE UNIQUE INDEX appt_rk ON appointment (rk);"
	"CREATE TABLE waitlist_new ("
	"  id INTEGER PRIMARY KEY,"
	"  therapist_id TEXT NOT NULL,"
	"  dkey INTEGER NOT NULL,"
	"  rk BLOB UNIQUE,"
	"  seeker_sealed BLOB,"
	"  kind TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  notified_at INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (therapist_id, dkey, kind)"
	");"
	"INSERT INTO waitlist_new (id, therapist_id, dkey, kind, created_at, notified_at)"
	"  SELECT id, therapist_id, -seeker_id, kind, created_at, notified_at FROM waitlist;"
	"DROP TABLE waitlist;"
	"ALTER TABLE waitlist_new RENAME TO waitlist;"
	"CREATE INDEX waitlist_dkey ON waitlist (dkey);"
	"ALTER TABLE closed_range ADD COLUMN rk BLOB;"
	"ALTER TABLE closed_range ADD COLUMN note_sealed BLOB;"
	"CREATE TABLE busy_sealed ("
	"  user_id INTEGER PRIMARY KEY REFERENCES user (id) ON DELETE CASCADE,"
	"  sealed BLOB NOT NULL"
	");",
	/*
	 * Issue 11, the second factor and sessions: a session's start and
	 * last use (the idle and absolute limits of app/session.c; sessions
	 * begun before count from now) and its stage (1: the password was
	 * right, the second factor's code is awaited); an account's TOTP
	 * secret, sealed, with the last step accepted (a code works once);
	 * its recovery codes, only as keyed hashes.
	 */
	"ALTER TABLE session ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE session ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE session ADD COLUMN stage INTEGER NOT NULL DEFAULT 0;"
	"UPDATE session SET created_at = strftime('%s', 'now'), seen_at = strftime('%s', 'now');"
	"CREATE TABLE second_factor ("
	"  user_id INTEGER PRIMARY KEY REFERENCES user (id) ON DELETE CASCADE,"
	"  secret BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  confirmed_at INTEGER NOT NULL DEFAULT 0,"
	"  last_step INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE recovery_code ("
	"  user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  hash BLOB NOT NULL,"
	"  used_at INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (user_id, hash)"
	") WITHOUT ROWID;",
};
#define N_MIGRATIONS (int)(sizeof(migrations) / sizeof(migrations[0]))

int
sq_migrate(struct store_sqlite *s)
{
	sqlite3_stmt *st;
	int version, v;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, "reading the schema version");
	version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (version > N_MIGRATIONS) {
		store_error("the database has schema version %d, newer than this chiron (%d)",
		            version, N_MIGRATIONS);
		return -1;
	}
	for (v = version; v < N_MIGRATIONS; v++) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (sq_exec(s, "BEGIN IMMEDIATE") || sq_exec(s, migrations[v]) ||
		    sq_exec(s, sql) || sq_exec(s, "COMMIT")) {
			char why[512];

			snprintf(why, sizeof(why), "%s", store_errmsg(&s->base));
			sq_rollback(&s->base);
			store_error("migrating the schema to version %d: %.400s", v + 1, why);
			return -1;
		}
	}
	return 0;
}

int
sq_schema_version(void)
{
	return N_MIGRATIONS;
}
