#!/usr/bin/env bash
# Claiming a listing (issue 8, items 2 and 3), against a running
# `chiron serve` on loopback. A self-registered therapist claims a listing
# with the NPI anyone can read on its profile: until an admin verifies the
# claim (a one-time code mailed to the practice's address as the admin
# found it, then the licence checked with the board), the claimant reaches
# nothing of the listing's private side by any page, API call or feed, and
# the requests sent meanwhile wait for the verified owner. A listing a new
# account makes at /listing/new is not public until verified.
#   tests/security_claims.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONF="$ROOT/../shared/conformance"
W=$(mktemp -d); [ -n "${KEEP-}" ] && echo "# $W"
PID=
fails=0
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; [ -n "${KEEP-}" ] || rm -rf "$W"; }
trap cleanup EXIT
ok() { echo "ok $1"; }
not_ok() { echo "not ok $1"; shift; [ $# -gt 0 ] && printf '#   %s\n' "$@"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }

DB=$W/c.db
"$BIN" import --db "$DB" "$CONF/directory.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
# Therapists and admins have a second factor (tests/lib/totp.py's secret):
# their sign-ins send its code.
TOTP_SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
totp_code() { python3 "$ROOT/tests/lib/totp.py" "$W" "$1"; }
mk() {
	local t=
	case $3 in therapist|admin) t=$TOTP_SECRET; echo "$1" >>"$W/totp_users" ;; esac
	echo "$2" | "$BIN" user add --db "$DB" --handle "$1" --email "$1@example.org" --role "$3" \
		${4:+--therapist $4} ${t:+--totp-secret $t} --password-stdin
}
mk admin1 admin-password-1 admin
mk seeker1 seeker-password-1 seeker
# A session of t-0000010 booked before anyone claimed it (tomorrow, 15:00 UTC).
# (No route books an unclaimed listing: the hidden `chiron appointment add`, through the store.)
day=$(($(date +%s) / 86400 + 1))
APPT=$("$BIN" appointment add --db "$DB" --therapist t-0000010 --seeker seeker1 --kind consultation \
	--start $((day * 86400 + 54000)) --end $((day * 86400 + 57000)) --zone America/New_York) ||
	{ not_ok setup "appointment add failed"; exit 1; }

PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
B="http://127.0.0.1:$PORT"
echo 0 >"$W/clock"
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --mail-dir "$W/mail" --clock-file "$W/clock" \
	--access-log "$W/access.log" 2>"$W/serve.err" &
PID=$!
for _ in $(seq 600); do curl -s -o /dev/null "$B/" && break; sleep 0.1; done

# Pages: csrf JAR URL (a form's token), code JAR METHOD URL [CURL ARGS] (the status).
csrf() { curl -s -c "$1" -b "$1" "$2" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
code() { local j=$1 m=$2 u=$3; shift 3; curl -s -c "$j" -b "$j" -o /dev/null -w '%{http_code}' -X "$m" "$B$u" "$@"; }
page() { curl -s -b "$1" "$B$2"; }
# The API: api JAR METHOD PATH [JSON] prints the status; the body is in $W/last.
api() {
	local j=$1 m=$2 u=$3 body=${4-} tok=
	local -a o=(-s -c "$j" -b "$j" -o "$W/last" -w '%{http_code}' -X "$m")
	[ -s "$j.csrf" ] && tok=$(cat "$j.csrf")
	[ -n "$tok" ] && o+=(-H "X-CSRF-Token: $tok")
	[ -n "$body" ] && o+=(-H 'Content-Type: application/json' --data-binary "$body")
	curl "${o[@]}" "$B$u"
}
# jq-like: py EXPR, about d (the last body); prints the value.
py() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$W/last" "$1" 2>/dev/null; }
signin() {
	local code=
	grep -qx -- "$2" "$W/totp_users" 2>/dev/null && code=",\"code\":\"$(totp_code "$2")\""
	api "$1" POST /api/v1/session "{\"login\":\"$2\",\"password\":\"$3\"$code}" >/dev/null
	py 'd["csrf"]' >"$1.csrf"
}
# therapist JAR HANDLE: a new therapist account holding no listing, signed
# in (made by the CLI, so this suite does not depend on how sign-up works:
# what matters is an account anyone can have).
therapist() {
	echo long-enough-password | "$BIN" user add --db "$DB" --handle "$2" --email "$2@mail.example.org" \
		--role therapist --totp-secret "$TOTP_SECRET" --password-stdin
	echo "$2" >>"$W/totp_users"
	signin "$1" "$2" long-enough-password
}
# The last code mailed (its 16 symbols in four groups).
MAIL_DIR=$W/mail MAIL_DB=$DB
. "$ROOT/tests/lib/mail.sh"
last_code() { mail_all | grep -o '[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}' | tail -1; }

S="$W/seeker"; signin "$S" seeker1 seeker-password-1
# A request to t-0000010, ten days old, that no one could answer yet: sent
# while the server's clock (--clock-file) stood ten days back.
echo $((-10 * 86400)) >"$W/clock"
st=$(api "$S" POST /api/v1/requests '{"therapist_id":"t-0000010","message":"An older question"}')
echo 0 >"$W/clock"
check older_request_sent test "$st" = 201
A="$W/admin"; signin "$A" admin1 admin-password-1

# --- a claim with the public NPI ---
C="$W/claimant"; therapist "$C" mallory
NPI=$(curl -s "$B/api/v1/therapists/t-0000010" | python3 -c 'import json,sys; print(json.load(sys.stdin)["npi"])')
check claim_with_public_npi test "$(api "$C" POST /api/v1/listing/claim "{\"therapist_id\":\"t-0000010\",\"npi\":\"$NPI\"}")" = 201
check claim_state_waiting test "$(py 'd["state"]')" = waiting
api "$C" GET /api/v1/me >/dev/null
check claim_holds_nothing test "$(py 'd["user"]["therapist_id"]')" = None

# A clinician writes to the listing while the claim waits.
MSG='Claims test: I am a psychologist in Raleigh, evenings?'
check request_sent_meanwhile test "$(api "$S" POST /api/v1/requests "{\"therapist_id\":\"t-0000010\",\"message\":\"$MSG\",\"reveal\":true}")" = 201
RQ=$(py 'd["id"]')

# --- the claimant reaches nothing private, by any path ---
api "$C" GET /api/v1/requests >/dev/null
check api_requests_not_received test "$(py 'len(d["received"])')" = 0
page "$C" /requests | grep -q 'Claims test' && not_ok requests_page_hidden || ok requests_page_hidden
page "$C" /requests | grep -q 'seeker1@example.org' && not_ok seeker_email_hidden || ok seeker_email_hidden
check answer_refused test "$(api "$C" POST "/api/v1/requests/$RQ/answer" '{"answer":"Yes, Tuesday."}')" = 404
check schedule_page_refused test "$(code "$C" GET /schedule)" = 303
check schedule_api_refused test "$(api "$C" GET /api/v1/schedule)" = 404
api "$C" GET /api/v1/appointments >/dev/null
check appointments_not_seen test "$(py "len([a for a in d['appointments'] if a['id'] == $APPT])")" = 0
check appointment_ics_refused test "$(code "$C" GET "/appointments/$APPT/ics")" = 404
check cancel_refused test "$(api "$C" POST "/api/v1/appointments/$APPT/cancel" '{}')" = 404
check edit_page_refused test "$(code "$C" GET /listing/edit)" = 303
check record_get_refused test "$(api "$C" GET /api/v1/listing/record)" = 404
check record_put_refused test "$(api "$C" PUT /api/v1/listing/record '{"id":"t-0000010"}')" = 404
check policies_put_refused test "$(api "$C" PUT /api/v1/listing/policies '{"confidentiality":"x"}')" = 404
check confirm_refused test "$(api "$C" POST /api/v1/listing/confirm)" = 409
check feed_made test "$(api "$C" POST /api/v1/me/feed)" = 201
FEED=$(py 'd["url"]' | sed "s|^.*/feed/|/feed/|")
curl -s "$B$FEED" | grep -q "appt-$APPT@chiron" && not_ok feed_without_listing || ok feed_without_listing
curl -s "$B/therapists/t-0000010" | grep -q 'Confirmed current' && not_ok profile_not_confirmed || ok profile_not_confirmed
# A claim no one verified holds nothing against the listing either.
curl -s "$B/therapists/t-0000010" | grep -q 'unanswered for more than' && not_ok profile_no_late_requests || ok profile_no_late_requests
api "$C" GET /api/v1/listing >/dev/null
check standing_no_late_requests test "$(py '(d["late_requests"], d["paused"])')" = "(0, False)"
page "$C" /listing | grep -q 'waits for verification' && ok listing_page_says_waiting || not_ok listing_page_says_waiting
page "$C" /listing | grep -q 'href="/requests"' && not_ok listing_page_no_requests_link || ok listing_page_no_requests_link
check claim_another_refused test "$(api "$C" POST /api/v1/listing/claim '{"therapist_id":"t-0000011","npi":"1234567893"}')" = 409

# --- proof of control: the code goes to the address the admin found ---
LIC='{"board":"North Carolina Marriage and Family Therapy Licensure Board","licence_number":"NC-1010","licence_checked":true}'
check verify_before_code_refused test "$(api "$A" POST /api/v1/admin/listings/t-0000010/verify "$LIC")" = 409
check code_not_to_claimant test "$(api "$A" POST /api/v1/admin/listings/t-0000010/code '{"email":"MALLORY@mail.example.org","source":"the claim form"}')" = 400
check code_not_by_therapist test "$(api "$C" POST /api/v1/admin/listings/t-0000010/code '{"email":"mallory@mail.example.org","source":"me"}')" = 403
check code_sent test "$(api "$A" POST /api/v1/admin/listings/t-0000010/code '{"email":"office10@carter.example.org","source":"NC MFT board licensee lookup"}')" = 204
CODE1=$(last_code)
mail_all >"$W/mail.txt"
grep -q '^to: office10@carter.example.org$' "$W/mail.txt" && ! grep -q '^to: mallory@' "$W/mail.txt" &&
	ok code_mailed_to_practice || not_ok code_mailed_to_practice
api "$C" GET /api/v1/listing >/dev/null
check claim_state_code_sent test "$(py 'd["state"]')" = code_sent
page "$C" /listing | grep -q 'o\*\*\*@carter.example.org' && ok listing_page_masks_address || not_ok listing_page_masks_address

# Five wrong codes void it: the right one then works no more.
for i in 1 2 3 4; do
	s=$(api "$C" POST /api/v1/listing/code '{"code":"0000-0000-0000-0000"}')
	[ "$s" = 400 ] && grep -q "$((5 - i)) tr" "$W/last" || { not_ok "wrong_code_$i" "$s $(cat "$W/last")"; continue; }
	ok "wrong_code_$i"
done
tc=$(csrf "$C" "$B/listing")
check wrong_code_5_page test "$(code "$C" POST /listing/code -d "csrf=$tc&code=0000-0000-0000-0001")" = 400
check voided_code_refused test "$(api "$C" POST /api/v1/listing/code "{\"code\":\"$CODE1\"}")" = 409
api "$C" GET /api/v1/listing >/dev/null
check claim_state_code_void test "$(py 'd["state"]')" = code_void

# A new code, entered as typed (lower case, no dashes), through the page.
check code_resent test "$(api "$A" POST /api/v1/admin/listings/t-0000010/code '{"email":"office10@carter.example.org","source":"NC MFT board licensee lookup"}')" = 204
CODE2=$(last_code)
[ "$CODE2" != "$CODE1" ] && ok new_code_differs || not_ok new_code_differs
tc=$(csrf "$C" "$B/listing")
check code_entered test "$(code "$C" POST /listing/code --data-urlencode "csrf=$tc" --data-urlencode "code=$(echo "$CODE2" | tr -d - | tr 'A-Z' 'a-z')")" = 303
api "$C" GET /api/v1/listing >/dev/null
check claim_state_code_entered test "$(py 'd["state"]')" = code_entered
# Still nothing until an admin verifies.
api "$C" GET /api/v1/requests >/dev/null
check still_nothing_before_verify test "$(py 'len(d["received"])')" = 0

# The codes are nowhere but the mail: not the access log, the server's log or the listing row.
for c in "$CODE1" "$CODE2" "$(echo "$CODE2" | tr -d -)" "$(echo "$CODE2" | tr -d - | tr 'A-Z' 'a-z')"; do
	grep -qF "$c" "$W/access.log" "$W/serve.err" && { not_ok code_not_logged "$c"; break; }
done && ok code_not_logged
# Stored hashed: the code is nowhere in the database's files, whatever the engine keeps there.
cat "$DB"* | grep -qaF -e "$CODE2" -e "$(echo "$CODE2" | tr -d -)" && not_ok code_stored_hashed || ok code_stored_hashed

# --- the admin verifies, recording how ---
curl -s -b "$A" "$B/admin" > "$W/admin.html"
grep -q 'Code sent to</dt><dd>office10@carter.example.org (found: NC MFT board licensee lookup) by admin1' "$W/admin.html" &&
	ok admin_sees_evidence || not_ok admin_sees_evidence
check verify_needs_board test "$(api "$A" POST /api/v1/admin/listings/t-0000010/verify '{"licence_number":"NC-1010","licence_checked":true}')" = 400
check verify_needs_check test "$(api "$A" POST /api/v1/admin/listings/t-0000010/verify '{"board":"NC board","licence_number":"NC-1010","licence_checked":false}')" = 400
ta=$(csrf "$A" "$B/admin")
check verify_page test "$(code "$A" POST /admin/verify/t-0000010 --data-urlencode "csrf=$ta" \
	--data-urlencode 'board=North Carolina Marriage and Family Therapy Licensure Board' \
	--data-urlencode 'licence_number=NC-1010' -d licence_checked=1)" = 303
# Recorded, as the admin queue reads it back from the store: by whom, when, how.
api "$A" GET /api/v1/admin/queue >/dev/null
row=$(py '[(v["verified_by"] == "admin1",
  abs(__import__("calendar").timegm(__import__("time").strptime(v["verified_at"], "%Y-%m-%dT%H:%M:%SZ")) - __import__("time").time()) < 600,
  bool(__import__("re").search("office10@carter.example.org.*NC MFT board licensee lookup.*North Carolina Marriage.*NC-1010", v["verified_how"], __import__("re").S)))
  for v in d["verified"] if v["therapist_id"] == "t-0000010"]')
check verification_recorded test "$row" = "[(True, True, True)]"
curl -s -b "$A" "$B/admin" > "$W/admin.html"
python3 - "$W/admin.html" <<'PY' && ok admin_page_shows_verification || not_ok admin_page_shows_verification
import re, sys, time
h = open(sys.argv[1]).read()
row = [r for r in re.findall(r"<article class=\"card\">.*?</article>", h, re.S) if "/therapists/t-0000010" in r]
assert row, "no row"
r = row[0]
assert "Patricia Carter" in r and "mallory" in r and "admin1" in r, r
assert "North Carolina Marriage and Family Therapy Licensure Board" in r and "NC-1010" in r, r
assert time.strftime("%Y-%m-%d", time.gmtime()) in r, r
PY
api "$A" GET /api/v1/admin/queue >/dev/null
check api_queue_verified test "$(py '[(v["verified_by"], v["claimant"]) for v in d["verified"] if v["therapist_id"] == "t-0000010"]')" "=" "[('admin1', 'mallory')]"

# --- verified: the same account now holds the listing and what waited for it ---
api "$C" GET /api/v1/requests >/dev/null
check request_waited_for_owner test "$(py "[r['message'] for r in d['received'] if r['id'] == $RQ]")" = "['$MSG']"
page "$C" /requests | grep -q 'Claims test' && ok requests_page_after || not_ok requests_page_after
api "$C" GET /api/v1/appointments >/dev/null
check appointment_seen_after test "$(py "len([a for a in d['appointments'] if a['id'] == $APPT])")" = 1
curl -s "$B$FEED" | grep -q "appt-$APPT@chiron" && ok feed_after || not_ok feed_after
check edit_page_after test "$(code "$C" GET /listing/edit)" = 200
check record_after test "$(api "$C" GET /api/v1/listing/record)" = 200
check code_after_verified test "$(api "$C" POST /api/v1/listing/code "{\"code\":\"$CODE2\"}")" = 409

# --- a listing made at /listing/new is not public until verified ---
N="$W/new"; therapist "$N" fakethera
tn=$(csrf "$N" "$B/listing/new")
check new_listing_made test "$(code "$N" POST /listing/new --data-urlencode "csrf=$tn" \
	-d 'name=Ivy+Fairweather&credentials=LCSW&profession=social_worker&licenses=US-NC&fee_currency=USD&fee_session=60' \
	-d 'accepting=1&modalities=telehealth&formats=individual&timezone=America/New_York&languages=en&avail_wed=18:00-21:00')" = 303
api "$N" GET /api/v1/listing >/dev/null
NID=$(py 'd["therapist_id"]')
[ -n "$NID" ] && ok new_listing_stored || not_ok new_listing_stored "$(cat "$W/serve.err" | tail -3)"
check new_profile_404_anyone test "$(code "$W/anon" GET "/therapists/$NID")" = 404
check new_profile_404_seeker test "$(code "$S" GET "/therapists/$NID")" = 404
check new_api_404 test "$(curl -s -o /dev/null -w '%{http_code}' "$B/api/v1/therapists/$NID")" = 404
curl -s -X POST "$B/api/v1/match" -H 'Content-Type: application/json' \
	-d '{"jurisdiction":"US-NC","modality":"telehealth","budget":90,"limit":200}' > "$W/match.json"
# (fewer than 200 results: the listing was not merely ranked out)
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=[x["id"] for x in d["results"]]; sys.exit(not (0 < len(r) < 200 and sys.argv[2] not in r))' \
	"$W/match.json" "$NID" && ok new_not_in_search || not_ok new_not_in_search "$(head -c 300 "$W/match.json")"
check new_request_refused test "$(api "$S" POST /api/v1/requests "{\"therapist_id\":\"$NID\",\"message\":\"hello\"}")" = 404
check new_slots_refused test "$(api "$S" GET "/api/v1/therapists/$NID/slots")" = 404
page "$N" /listing | grep -q 'Confirmed current' && not_ok new_never_confirmed || ok new_never_confirmed
api "$N" GET /api/v1/listing >/dev/null
check new_standing_hidden test "$(py '(d["state"], d["hidden"])')" = "('waiting', True)"
api "$A" GET /api/v1/admin/queue >/dev/null
check new_in_queue_as_created test "$(py "[c['created'] for c in d['claims'] if c['therapist_id'] == '$NID']")" = "[True]"
check new_not_listed_hidden test "$(py "'$NID' in [h['therapist_id'] for h in d['hidden']]")" = False
check unhide_does_not_publish test "$(api "$A" POST "/api/v1/admin/listings/$NID/unhide")" = 204
check new_still_404 test "$(code "$W/anon" GET "/therapists/$NID")" = 404
# Rejected, a made-up listing goes with its claim.
check reject_new test "$(api "$A" POST "/api/v1/admin/listings/$NID/reject")" = 204
# Gone: not the claimant's, not in the queue, not in the directory's export.
st=$(api "$N" GET /api/v1/listing)
api "$A" GET /api/v1/admin/queue >/dev/null
check rejected_new_gone test "$st $(py "[c for c in d['claims'] if c['therapist_id'] == '$NID']") $("$BIN" export --db "$DB" | grep -c "\"id\":\"$NID\"")" = "404 [] 0"

# --- a rejected claim frees the listing ---
R="$W/r"; therapist "$R" rival
check rival_claims test "$(api "$R" POST /api/v1/listing/claim '{"therapist_id":"t-0000011","npi":"1234567893"}')" = 201
check reject_claim test "$(api "$A" POST /api/v1/admin/listings/t-0000011/reject)" = 204
check rejected_claim_gone test "$(api "$R" GET /api/v1/listing)" = 404
check listing_free_again test "$(api "$R" POST /api/v1/listing/claim '{"therapist_id":"t-0000011","npi":"1234567893"}')" = 201

[ "$fails" -eq 0 ]
