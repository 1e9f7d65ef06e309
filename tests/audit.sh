#!/usr/bin/env bash
# The audit trail (app/audit.c), against a running `chiron serve`:
# sign-ins (and a failed one), a consultation request read and answered
# by its therapist, an admin's actions through the API; then
# `chiron audit verify` finds the trail intact, and names an entry deleted
# and an entry edited in a copy of the database (with the sqlite3 CLI, as
# someone holding the file would), and a tail cut off after a checkpoint
# the server wrote to its log. The seeker reads on their account page and
# in the API, by name, that the therapist read their request; the audit
# table holds no account, listing or address in the clear.
#   tests/audit.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
. "$(dirname "$0")/lib/suite.sh" "$1"

"$BIN" import --db "$DB" "$CONF/directory.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
mkuser admin1 admin-password-1 admin
mkuser thera1 thera-password-1 therapist t-0000001
mkuser asker asker-password-1 seeker
NAME=$(grep '"id":"t-0000001"' "$CONF/directory.jsonl" | python3 -S -c 'import json,sys; print(json.load(sys.stdin)["name"])')
ASKER_ID=$("$BIN" account show --db "$DB" asker | awk '{print $1}')

serve
client_start

csrf() { http "$1" GET "$2" >/dev/null; }
body_has() { [ "$(c has "$1")" = 1 ]; }
body_lacks() { [ "$(c lacks "$1")" = 1 ]; }

# --- what the trail records ---
check signin_wrong_password test "$(sign_in asker wrong-password-1)" = 401
check signin_seeker test "$(sign_in asker asker-password-1)" = 303
csrf asker /therapists/t-0000001
check request_sent test "$(c form asker /request/t-0000001 'message=Do you see clinicians in training?')" = 303
check signin_therapist test "$(sign_in thera1 thera-password-1)" = 303
check therapist_reads_requests test "$(http thera1 GET /requests)" = 200
id=$(c grep 'action="/answer/([0-9]+)"')
csrf thera1 /requests
check therapist_answers test "$(c form thera1 "/answer/$id" 'answer=Yes, on Mondays.')" = 303
check admin_api_signin test "$(api_sign_in admin1 admin-password-1)" = 200
check admin_hides test "$(c api admin1 POST /api/v1/admin/listings/t-0000002/hide '')" = 204
check admin_unhides test "$(c api admin1 POST /api/v1/admin/listings/t-0000002/unhide '')" = 204
check admin_reads_queue test "$(c api admin1 GET /api/v1/admin/queue)" = 200

# --- the person's view: names, never ids ---
check activity_page test "$(http asker GET /account/activity)" = 200
body_has "$NAME (the therapist you wrote to) read your consultation request" && ok activity_names_the_reader ||
	not_ok activity_names_the_reader "$(c body | grep -o '<tbody>.*' | head -c 600)"
body_has "$NAME (the therapist you wrote to) answered your consultation request" && ok activity_answer ||
	not_ok activity_answer
body_has "Your account was signed into" && body_has "Someone tried to sign in to your account with a wrong password" &&
	ok activity_signins || not_ok activity_signins
body_lacks "t-0000001" && body_lacks ">$ASKER_ID<" && ok activity_no_ids || not_ok activity_no_ids
check activity_linked_from_account test "$(http asker GET /account)" = 200
body_has 'href="/account/activity"' && ok account_links_activity || not_ok account_links_activity
check activity_needs_sign_in test "$(http nobody GET /account/activity)" = 303
check activity_bad_page test "$(http asker GET '/account/activity?before=x')" = 400
check activity_api_anonymous test "$(c api nobody GET /api/v1/account/activity)" = 401
check activity_api_signin test "$(api_sign_in asker asker-password-1)" = 200
check activity_api_ok test "$(c api asker GET /api/v1/account/activity)" = 200
check activity_api_fits_openapi test -z "$(c answer "$ROOT/web/openapi.json" 200)"
check activity_api_text test -z "$(c holds "any(e['text'] == '$NAME (the therapist you wrote to) read your consultation request' and e['kind'] == 'read' for e in d['entries']) and d['next'] is None")"
# The therapist sees no one else's entries: only their own sign-ins.
check therapist_activity test "$(http thera1 GET /account/activity)" = 200
body_lacks "consultation request" && ok therapist_sees_only_own || not_ok therapist_sees_only_own

# --- checkpoints in the log ---
chores_now
has_checkpoint() { grep -q '^chiron: audit checkpoint [1-9][0-9]* [0-9a-f]\{64\}$' "$W/serve.err"; }
until_ 120 has_checkpoint && ok checkpoint_on_chores || not_ok checkpoint_on_chores "$(tail -n 5 "$W/serve.err")"
stop_server
n_cp=$(grep -c '^chiron: audit checkpoint ' "$W/serve.err")
check no_sanitizer_reports test -z "$(grep 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err")"
check checkpoint_on_stop test "$n_cp" -ge 2

# --- verify: intact ---
out=$("$BIN" audit verify --db "$DB" 2>&1)
check verify_intact test $? -eq 0
echo "$out" | grep -q '^the audit trail is intact: [0-9]* entries' && ok verify_says_intact || not_ok verify_says_intact "$out"
out=$("$BIN" audit verify --db "$DB" --checkpoints "$W/serve.err" 2>&1)
check verify_with_checkpoints test $? -eq 0
echo "$out" | grep -q "$n_cp checkpoints matched" && ok verify_checkpoints_matched || not_ok verify_checkpoints_matched "$out"
last=$(echo "$out" | sed -n 's/.*the last \([0-9]*\) .*/\1/p')

# --- the operator reads the trail with the key ---
"$BIN" audit list --db "$DB" >"$W/list" 2>"$W/list.err"
check list_runs test $? -eq 0
ADMIN_ID=$("$BIN" account show --db "$DB" admin1 | awk '{print $1}')
THERA_ID=$("$BIN" account show --db "$DB" thera1 | awk '{print $1}')
T=$'\t'
check list_admin_hide grep -q "${T}admin action${T}listing-hide${T}admin:$ADMIN_ID${T}" "$W/list"
check list_request_read grep -q "${T}read${T}request${T}therapist:$THERA_ID@t-0000001${T}$ASKER_ID${T}" "$W/list"
check list_request_answered grep -q "${T}change${T}request${T}therapist:$THERA_ID@t-0000001${T}$ASKER_ID${T}[1-9]" "$W/list"
check list_failed_signin grep -q "${T}failed sign-in${T}account${T}-:0${T}$ASKER_ID${T}-${T}[0-9a-f]\{16\}$" "$W/list"
check list_after test "$("$BIN" audit list --db "$DB" --after 2 | head -1 | cut -f1)" = 3
check list_bad_after test "$("$BIN" audit list --db "$DB" --after x >/dev/null 2>&1; echo $?)" = 2

# --- the file: no one named, no link in clear ---
q() { sqlite3 "$1" "$2"; }
check table_kinds_fixed test -z "$(q "$DB" "SELECT kind FROM audit WHERE kind NOT IN ('sign-in','failed sign-in','sign-out','read','change','admin action','password change')")"
check table_subject_blind test -z "$(q "$DB" "SELECT seq FROM audit WHERE subject IS NOT NULL AND length(subject) != 32")"
check table_addr_hashed test -z "$(q "$DB" "SELECT seq FROM audit WHERE addr IS NOT NULL AND length(addr) != 16")"
check table_no_listing_id test -z "$(q "$DB" "SELECT seq FROM audit WHERE instr(CAST(detail AS TEXT), 't-000000') OR instr(CAST(subject AS TEXT), 't-000000') OR instr(CAST(what AS TEXT), 't-000000')")"
check table_no_pseudonym test -z "$(q "$DB" "SELECT seq FROM audit WHERE instr(CAST(detail AS TEXT), 'asker') OR instr(CAST(detail AS TEXT), 'thera1') OR instr(CAST(detail AS TEXT), '127.0.0.1')")"
check table_no_user_id test -z "$(q "$DB" "SELECT seq FROM audit WHERE subject = $ASKER_ID OR subject = '$ASKER_ID' OR addr = '127.0.0.1'")"
cols=$(q "$DB" "SELECT group_concat(name, ' ') FROM pragma_table_info('audit')")
same table_columns "$cols" "seq at kind what subject rk detail addr hash"

# --- tampering, on copies ---
copy() { rm -f "$W/$1" "$W/$1-wal" "$W/$1-shm"; cp "$DB" "$W/$1"; }
copy del.db
q "$W/del.db" "DELETE FROM audit WHERE seq = 3; UPDATE audit SET at = at + 3600 WHERE seq = 5"
out=$("$BIN" audit verify --db "$W/del.db" 2>&1)
check verify_tampered_fails test $? -eq 1
echo "$out" | grep -q 'entry 3 is missing: it was deleted' && ok verify_names_deleted || not_ok verify_names_deleted "$out"
echo "$out" | grep -q 'entry 5 was changed after it was written' && ok verify_names_edited || not_ok verify_names_edited "$out"
copy edit.db
# Entry 2 made about someone else (another blind subject): changed.
q "$W/edit.db" "UPDATE audit SET subject = (SELECT subject FROM audit WHERE subject IS NOT NULL AND subject IS NOT (SELECT subject FROM audit WHERE seq = 2) LIMIT 1) WHERE seq = 2"
out=$("$BIN" audit verify --db "$W/edit.db" 2>&1)
check verify_moved_subject_fails test $? -eq 1
echo "$out" | grep -q 'entry 2 was changed' && ok verify_names_moved_subject || not_ok verify_names_moved_subject "$out"
copy cut.db
q "$W/cut.db" "DELETE FROM audit WHERE seq > $((last - 2))"
out=$("$BIN" audit verify --db "$W/cut.db" 2>&1)
check verify_cut_tail_unseen_alone test $? -eq 0
out=$("$BIN" audit verify --db "$W/cut.db" --checkpoints "$W/serve.err" 2>&1)
check verify_cut_tail_fails test $? -eq 1
echo "$out" | grep -q "the trail ends at entry $((last - 2)), but a checkpoint in the log saw entry $last" &&
	ok verify_names_cut_tail || not_ok verify_names_cut_tail "$out"
# Without the key file no verification (and no rebuilt chain).
out=$("$BIN" audit verify --db "$W/cut.db" --key-file "$W/none.key" 2>&1)
check verify_needs_the_key test $? -ne 0
check verify_usage test "$("$BIN" audit verify --nope >/dev/null 2>&1; echo $?)" = 2

done_suite
