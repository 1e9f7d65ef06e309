#!/usr/bin/env bash
# Sealed at rest, the people side (issue 11, docs/security.md "Sealed at
# rest"): an account's email, consultation requests (message, answer, the
# name a sender shows, who sent it) and a saved search's affiliations are
# sealed before they reach the store. Distinctive strings go in through
# the pages and the API; the raw database, its WAL and the server's logs
# hold none of them, while every one reads back through the API and the
# pages. A sealed value copied to another row with sqlite3 (server
# stopped) fails the request closed; sign-in by email and the uniqueness
# of emails (any case) work by blind index; clear rows of an older
# chiron are sealed at the next start. (This suite alone opens the
# database behind the store: to look at its bytes and to tamper.)
#   tests/sealed_people.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
. "$(dirname "$0")/lib/suite.sh" "$1"

"$BIN" import --db "$DB" "$CONF/directory.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
mkuser thera1 thera-password-1 therapist t-0000001
mkuser other1 other-password-1 seeker
serve --access-log "$W/access.log"
client_start

# restart: the server again (a new port), and a client for it
restart() {
	serve
	exec {C_IN}>&- {C_OUT}<&-
	kill "$CPID" 2>/dev/null
	wait "$CPID" 2>/dev/null
	rm -f "$W/c.in" "$W/c.out"
	client_start
}
# planted FILE...: how many times PLANTED occurs in the files (raw bytes)
planted() { cat "$@" 2>/dev/null | grep -ac PLANTED; }
q() { sqlite3 "$DB" "$@"; }

# --- an account's email: sealed, found by blind index, unique in any case ---
EMAIL=PLANTED-email@example.org
check signup_with_a_planted_email test "$(signup S planter "$EMAIL" seeker-password-1 seeker)" = 303
check sign_in_by_email_other_case test "$(api_sign_in S seeker-password-1 ' planted-EMAIL@Example.ORG')" = 200
same sign_in_by_email_is_the_account "$(c json user.handle)" planter
check api_sign_in_for_requests test "$(api_sign_in S seeker-password-1 planter)" = 200
# A second sign-up with the same address in other letters: the address's
# owner is told it has an account, and none is made.
c req D GET /signup >/dev/null
c form D /signup handle=planter2 email=Planted-Email@EXAMPLE.org password=seeker-password-2 role=seeker >/dev/null
until_ 120 eval '[ -n "$(mail_c_to Planted-Email@EXAMPLE.org | grep "already has one")" ]'
mail_c_to Planted-Email@EXAMPLE.org | grep -q 'already has one (pseudonym planter)' && ok second_signup_same_email_told ||
	not_ok second_signup_same_email_told "$(mail_c_to Planted-Email@EXAMPLE.org)"
"$BIN" account show --db "$DB" planter2 >/dev/null 2>&1 && not_ok second_signup_same_email_refused ||
	ok second_signup_same_email_refused
same account_email_opened "$("$BIN" account show --db "$DB" planter | cut -d' ' -f4)" "$EMAIL"

# --- consultation requests: message, revealed name, answer ---
check request_planted_message test "$(c api S POST /api/v1/requests \
	'{"therapist_id":"t-0000001","message":"PLANTED-message one","reveal":true}')" = 201
same request_from_revealed "$(c json from)" "planter <$EMAIL>"
RID=$(c json id)
c req S GET /therapists/t-0000001 >/dev/null
check request_page_form test "$(c form S /request/t-0000001 'message=PLANTED-message two')" = 303
api_sign_in T thera-password-1 thera1 >/dev/null
check answer_planted test "$(c api T POST "/api/v1/requests/$RID/answer" '{"answer":"PLANTED-answer"}')" = 204
check other_request test "$(api_sign_in O other-password-1 other1)" = 200
check other_request_sent test "$(c api O POST /api/v1/requests '{"therapist_id":"t-0000001","message":"a plain word"}')" = 201
OID=$(c json id)

c req S GET /api/v1/requests >/dev/null
same seeker_reads_message "$(c jsonpy '[r["message"] for r in d["sent"]]')" '["PLANTED-message two","PLANTED-message one"]'
same seeker_reads_answer "$(c jsonpy '[r["answer"] for r in d["sent"]]')" '[null,"PLANTED-answer"]'
c req T GET /api/v1/requests >/dev/null
same therapist_reads_names "$(c jsonpy '[r["from"] for r in d["received"]]')" "[\"other1\",\"planter\",\"planter <$EMAIL>\"]"
same therapist_reads_messages "$(c jsonpy '[r["message"] for r in d["received"]]')" '["a plain word","PLANTED-message two","PLANTED-message one"]'
c req T GET /requests >/dev/null
[ "$(c has 'PLANTED-message two')" = 1 ] && [ "$(c has "planter &lt;$EMAIL&gt;")" = 1 ] &&
	ok therapist_page_reads_back || not_ok therapist_page_reads_back
until_ 120 eval '[ -n "$(mail_c_to "$EMAIL" | grep "answered your consultation request")" ]'
mail_c_to "$EMAIL" | grep -q 'answered your consultation request' && ok answer_mailed_to_opened_email ||
	not_ok answer_mailed_to_opened_email

# --- a saved search: the affiliations typed ---
c req S GET /login >/dev/null
c form S /login login=planter password=seeker-password-1 >/dev/null
c req S GET /search >/dev/null
st=$(c form S /search jurisdiction=US-NY modality=either lat=40.71 lon=-74.0 \
	'aff_org1=PLANTED Harbor Peer Group' aff_role1=member save_profile=1)
check profile_saved test "$st" = 200
c req S GET /search >/dev/null
[ "$(c has 'value="PLANTED Harbor Peer Group"')" = 1 ] && ok profile_reads_back || not_ok profile_reads_back "$st"

# --- the raw bytes: none of it ---
same planted_none_in_db_running "$(planted "$DB" "$DB-wal")" 0
stop_server
same planted_none_in_db "$(planted "$DB" "$DB-wal")" 0
same planted_none_in_logs "$(planted "$W/serve.err" "$W/access.log")" 0
same rows_sealed "$(q "SELECT count(*) FROM request WHERE typeof(message) = 'blob' AND seeker_id IS NULL AND rk IS NOT NULL")" 3
same email_sealed "$(q "SELECT typeof(email), length(email_bx) FROM user WHERE handle = 'planter'")" "blob|32"
same profile_sealed "$(q "SELECT typeof(fields) FROM seeker_profile")" blob

# --- a sealed value copied to another row fails closed ---
cp "$DB" "$W/good.db"
q "UPDATE request SET message = (SELECT message FROM request WHERE id = $RID) WHERE id = $OID"
restart
api_sign_in T thera-password-1 thera1 >/dev/null
same copied_message_500 "$(c req T GET /api/v1/requests)" 500
same copied_message_says "$(c json error.message | cut -d: -f1)" "a stored value could not be opened"
[ "$(c has PLANTED)" = 0 ] && ok copied_message_nothing_shown || not_ok copied_message_nothing_shown
c req T GET /requests >/dev/null
same copied_message_page_500 "$(c status)" 500
c body > "$W/page500.html"
[ "$(c has 'A stored value could not be opened')" = 1 ] && [ "$(c has 'a plain word')" = 0 ] &&
	ok copied_message_page_says || not_ok copied_message_page_says "$(grep -o '<h1>.*</h1>\|<p[^>]*>[^<]*' "$W/page500.html" | head -5)"
grep -q 'a stored value could not be opened (consultation request' "$W/serve.err" &&
	ok copied_message_logged || not_ok copied_message_logged "$(tail -3 "$W/serve.err")"
stop_server
# The seeker's profile copied onto another account's row.
cp "$W/good.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
OTHER=$(q "SELECT id FROM user WHERE handle = 'other1'")
q "INSERT INTO seeker_profile (user_id, fields, updated_at) SELECT $OTHER, fields, 0 FROM seeker_profile"
restart
c req O GET /login >/dev/null
c form O /login login=other1 password=other-password-1 >/dev/null
same copied_profile_500 "$(c req O GET /search)" 500
stop_server
cp "$W/good.db" "$DB"
rm -f "$DB-wal" "$DB-shm"

# Two accounts' sealed emails swapped: neither opens.
q "UPDATE user SET email = X'00' WHERE handle = 'other1';
   UPDATE user SET email = (SELECT email FROM good.user WHERE handle = 'other1') WHERE handle = 'planter';
   UPDATE user SET email = (SELECT email FROM good.user WHERE handle = 'planter') WHERE handle = 'other1';" \
	-cmd "ATTACH '$W/good.db' AS good"
"$BIN" account show --db "$DB" planter >"$W/show.out" 2>&1 && not_ok swapped_email_fails_closed "$(cat "$W/show.out")" ||
	{ grep -q 'a stored value could not be opened (the email of account' "$W/show.out" && ! grep -q PLANTED "$W/show.out" &&
		ok swapped_email_fails_closed || not_ok swapped_email_fails_closed "$(cat "$W/show.out")"; }
cp "$W/good.db" "$DB"
rm -f "$DB-wal" "$DB-shm"

# --- a sender whose key is destroyed (erased): shown as such, never an error ---
q "DELETE FROM dkey WHERE id = (SELECT dkey FROM request WHERE id = $OID)"
restart
api_sign_in T thera-password-1 thera1 >/dev/null
same erased_sender_listed "$(c req T GET /api/v1/requests)" 200
same erased_sender_shown "$(c jsonpy '[r["from"] for r in d["received"]]')" \
	"[\"a person who has since closed their account\",\"planter\",\"planter <$EMAIL>\"]"
same erased_sender_not_answerable "$(c api T POST "/api/v1/requests/$OID/answer" '{"answer":"late"}')" 409
c req T GET /requests >/dev/null
[ "$(c has 'a person who has since closed their account')" = 1 ] && [ "$(c has 'can no longer be answered')" = 1 ] &&
	[ "$(c has 'a plain word')" = 0 ] && ok erased_sender_page || not_ok erased_sender_page
stop_server
cp "$W/good.db" "$DB"
rm -f "$DB-wal" "$DB-shm"

# --- a database of an older chiron: clear rows sealed at the next start ---
PLANTER=$(q "SELECT id FROM user WHERE handle = 'planter'")
q "INSERT INTO user (handle, email, pw_hash, role) SELECT 'oldie', 'PLANTED-legacy@example.org', pw_hash, 'seeker' FROM user WHERE handle = 'planter'"
OLDIE=$(q "SELECT id FROM user WHERE handle = 'oldie'")
q "INSERT INTO request (seeker_id, seeker_name, therapist_id, message, answer, created_at, answered_at)
   VALUES ($OLDIE, 'oldie <PLANTED-legacy@example.org>', 't-0000001', 'PLANTED-legacy-message', 'PLANTED-legacy-answer', 1700000000, 1700000100)"
q "INSERT INTO seeker_profile (user_id, fields, updated_at) VALUES ($OLDIE, 'jurisdiction=US-NY&aff_org1=PLANTED+Legacy+Group&aff_role1=member', 0)"
same legacy_rows_clear "$(planted "$DB")" 4
restart
stop_server
same legacy_sealed_at_start "$(planted "$DB" "$DB-wal")" 0
same legacy_request_sealed "$(q "SELECT typeof(message), seeker_id IS NULL, dkey != 0 FROM request WHERE seeker_name != '' ORDER BY id DESC LIMIT 1")" "blob|1|1"
restart
check legacy_sign_in_by_email test "$(api_sign_in L seeker-password-1 PLANTED-legacy@EXAMPLE.org)" = 200
c req L GET /api/v1/requests >/dev/null
same legacy_request_reads_back "$(c jsonpy '[(r["message"], r["answer"], r["from"]) for r in d["sent"]]')" \
	'[["PLANTED-legacy-message","PLANTED-legacy-answer","oldie <PLANTED-legacy@example.org>"]]'
c req L GET /login >/dev/null
c form L /login login=oldie password=seeker-password-1 >/dev/null
c req L GET /search >/dev/null
[ "$(c has 'value="PLANTED Legacy Group"')" = 1 ] && ok legacy_profile_reads_back || not_ok legacy_profile_reads_back
same planter_untouched "$(q "SELECT count(*) FROM user WHERE id = $PLANTER AND typeof(email) = 'blob'")" 1
stop_server
same legacy_none_after "$(planted "$DB" "$DB-wal" "$W/serve.err" "$W/access.log")" 0

grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err" && not_ok no_sanitizer_reports "$(head -5 "$W/serve.err")" || ok no_sanitizer_reports
done_suite
