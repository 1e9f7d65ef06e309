#!/usr/bin/env bash
# Backup and restore (issue 11): data put in through the API (an account,
# a consultation request with a message of its own, a booking) is backed
# up with `chiron backup` while the server serves and writes; the backup
# restored into a fresh directory, with the key file copied beside it,
# serves the same data back through the API and the pages. A backup never
# replaces a file, a restore never a database, unless told (--force), and
# never one a server holds; a damaged or foreign backup is refused in
# plain words, with nothing changed.
#   tests/backup.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
. "$(dirname "$0")/lib/suite.sh" "$1"

python3 - "$W/dir.jsonl" <<'PY'
import json, sys
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
with open(sys.argv[1], "w") as f:
    # One organization: an empty registry is not what is tested here.
    f.write(json.dumps({"type": "org", "id": "org-000001", "name": "Durable Test Association",
                        "kind": "association", "jurisdiction": "US-NY"}) + "\n")
    f.write(json.dumps({"type": "therapist", "id": "t-9000001", "name": "Dana Okafor", "credentials": "PhD",
        "profession": "psychologist", "licenses": ["US-NY"], "modalities": ["telehealth"],
        "formats": ["individual"], "accepting_new_clients": True, "fee": {"currency": "USD", "session": 100},
        "orientations": ["cbt"], "focus_areas": ["burnout"], "languages": ["en"],
        "career_stages": ["early_career"], "clinician_clients": True, "timezone": "America/New_York",
        "availability": [{"day": d, "start": "09:00", "end": "17:00"} for d in days]}) + "\n")
PY
"$BIN" import --db "$DB" "$W/dir.jsonl" >/dev/null 2>&1 || { not_ok setup "import failed"; exit 1; }
mkuser sam seeker-password-1 seeker
mkuser dana thera-password-1 therapist t-9000001
MARK="Backup marker: the violet heron crosses at dawn"

serve --api-rate 0
client_start
check api_sign_in test "$(api_sign_in sam seeker-password-1)" = 200
check request_sent test "$(c api sam POST /api/v1/requests "{\"therapist_id\":\"t-9000001\",\"message\":\"$MARK\"}")" = 201
c req - GET '/api/v1/therapists/t-9000001/slots?kind=individual&days=14' >/dev/null
START=$(c json slots.2.start)
check booked test "$(c api sam POST /api/v1/appointments "{\"therapist_id\":\"t-9000001\",\"kind\":\"individual\",\"start\":\"$START\"}")" = 201

# --- the backup, taken while the server serves ---
"$BIN" backup --db "$DB" "$W/b.db" >"$W/backup.out" 2>&1
same backup_while_serving "$?" 0
check backup_names_the_key_apart grep -q 'key file is NOT in the backup' "$W/backup.out"
check backup_leaves_no_temporary test ! -e "$W/b.db.tmp"
check backup_is_whole test "$(sqlite3 "$W/b.db" 'PRAGMA integrity_check')" = ok
check backup_has_the_message test "$(sqlite3 "$W/b.db" "SELECT count(*) FROM request")" = 1
# The server went on answering and writing.
check served_after_backup test "$(c api sam POST /api/v1/requests '{"therapist_id":"t-9000001","message":"After the backup"}')" = 201

"$BIN" backup --db "$DB" "$W/b.db" >"$W/again.out" 2>&1
same backup_refuses_existing_file "$?" 1
check backup_says_exists grep -q 'b.db already exists; nothing was written' "$W/again.out"
check backup_left_existing_alone test "$(sqlite3 "$W/b.db" "SELECT count(*) FROM request")" = 1
"$BIN" backup --db "$DB" --force "$W/b2.db" >/dev/null 2>&1
check backup_force_new_file test -s "$W/b2.db"
stop_server

# As sealed as the database: what is plain in one is plain in the other.
plain() { if grep -aq 'violet heron' "$1"; then echo plain; else echo sealed; fi; }
same backup_as_sealed_as_database "$(plain "$W/b.db")" "$(plain "$DB")"

# --- a key file that is not this database's: refused, nothing changed ---
mkdir -p "$W/o"
"$BIN" import --db "$W/o/c.db" "$W/dir.jsonl" >/dev/null 2>&1
"$BIN" rekey --db "$W/o/c.db" >/dev/null 2>&1      # makes o/chiron.key, another database's
mkdir -p "$W/k"
cp -p "$W/o/chiron.key" "$W/k/chiron.key"
"$BIN" restore "$W/b.db" --db "$W/k/c.db" >"$W/wrongkey.out" 2>&1
same restore_refuses_wrong_key "$?" 1
check restore_wrong_key_says_why grep -q 'does not open' "$W/wrongkey.out"
check restore_wrong_key_changes_nothing test ! -e "$W/k/c.db"
"$BIN" restore "$W/b.db" --db "$W/k/c.db" --key-file "$W/chiron.key" >"$W/givenkey.out" 2>&1
same restore_with_key_file_given "$?" 0
check restore_given_key_opens grep -q "key file $W/chiron.key opens it" "$W/givenkey.out"
"$BIN" restore "$W/b.db" --db "$W/n/c.db" >"$W/nokey.out" 2>&1
same restore_without_key_file "$?" 0
check restore_says_no_key_file grep -q "No key file at $W/n/chiron.key" "$W/nokey.out"

# --- the restore, into a fresh directory with the key file beside it ---
mkdir -p "$W/r"
cp -p "$W/chiron.key" "$W/r/chiron.key"
"$BIN" restore "$W/b.db" --db "$W/r/c.db" >"$W/restore.out" 2>&1
same restore_fresh "$?" 0
check restore_says_what grep -q "restored $W/r/c.db from $W/b.db" "$W/restore.out"
check restore_key_opens grep -q 'key file .* opens it' "$W/restore.out"
check restore_leaves_no_temporary test ! -e "$W/r/c.db.restore.tmp"

"$BIN" restore "$W/b.db" --db "$W/r/c.db" >"$W/restore2.out" 2>&1
same restore_refuses_existing_db "$?" 1
check restore_says_exists grep -q 'already exists. Nothing was changed' "$W/restore2.out"

DB=$W/r/c.db
serve --api-rate 0
# A new client for the new server's address.
exec {C_IN}>&- {C_OUT}<&-
kill "$CPID" 2>/dev/null
wait "$CPID" 2>/dev/null
rm -f "$W/c.in" "$W/c.out"
client_start
"$BIN" restore "$W/b2.db" --db "$W/r/c.db" --force >"$W/restore3.out" 2>&1
same restore_refuses_while_served "$?" 1
check restore_says_server grep -q 'in use by a running chiron server' "$W/restore3.out"

check restored_sign_in test "$(api_sign_in sam seeker-password-1)" = 200
c req sam GET /api/v1/requests >/dev/null
same restored_request_message "$(c json sent.0.message)" "$MARK"
same restored_only_what_was_backed_up "$(c jsonpy 'len(d["sent"])')" 1
c req sam GET /api/v1/appointments >/dev/null
same restored_booking "$(c json appointments.0.start)" "$START"
same restored_booking_status "$(c json appointments.0.status)" booked
check restored_page_sign_in test "$(sign_in sam seeker-password-1)" = 303
c req sam GET /requests >/dev/null
same restored_request_on_page "$(c has "the violet heron crosses at dawn")" 1
stop_server
check restored_is_whole test "$(sqlite3 "$W/r/c.db" 'PRAGMA integrity_check')" = ok

# --- --force replaces a database no server holds ---
"$BIN" restore "$W/b2.db" --db "$W/r/c.db" --force >"$W/restore4.out" 2>&1
same restore_force_when_stopped "$?" 0
check restore_force_took_it test "$(sqlite3 "$W/r/c.db" "SELECT count(*) FROM request")" = 2

# --- damaged and foreign backups are refused, nothing changed ---
cp "$W/b.db" "$W/bad.db"
# Page 3 on (the tables' pages) overwritten with noise.
head -c 8192 /dev/urandom | dd of="$W/bad.db" bs=4096 seek=2 conv=notrunc status=none
"$BIN" restore "$W/bad.db" --db "$W/x/c.db" >"$W/bad.out" 2>&1
same restore_refuses_damaged "$?" 1
check restore_damaged_says_why grep -Eq 'damaged|malformed' "$W/bad.out"
check restore_damaged_changes_nothing test ! -e "$W/x/c.db"
head -c 20000 "$W/b.db" >"$W/cut.db"
"$BIN" restore "$W/cut.db" --db "$W/x/c.db" >"$W/cut.out" 2>&1
same restore_refuses_truncated "$?" 1
check restore_truncated_says_why grep -Eq 'damaged|malformed' "$W/cut.out"
echo 'not a database at all' >"$W/text.db"
"$BIN" restore "$W/text.db" --db "$W/x/c.db" >"$W/text.out" 2>&1
same restore_refuses_text "$?" 1
check restore_text_says_why grep -q 'not a chiron database' "$W/text.out"
sqlite3 "$W/other.db" 'CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (1);'
"$BIN" restore "$W/other.db" --db "$W/x/c.db" >"$W/other.out" 2>&1
same restore_refuses_foreign "$?" 1
check restore_foreign_says_why grep -q 'not a chiron one' "$W/other.out"
cp "$W/b.db" "$W/newer.db"
sqlite3 "$W/newer.db" 'PRAGMA user_version = 100000'
"$BIN" restore "$W/newer.db" --db "$W/x/c.db" >"$W/newer.out" 2>&1
same restore_refuses_newer "$?" 1
check restore_newer_says_why grep -q 'newer than this chiron' "$W/newer.out"
check nothing_made_for_refusals test ! -e "$W/x/c.db"
"$BIN" restore "$W/bad.db" --db "$W/r/c.db" --force >/dev/null 2>&1
check damaged_force_keeps_old test "$(sqlite3 "$W/r/c.db" "SELECT count(*) FROM request")" = 2
if grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err"; then
	not_ok no_sanitizer_reports "$(grep -m3 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err")"
else
	ok no_sanitizer_reports
fi

done_suite
