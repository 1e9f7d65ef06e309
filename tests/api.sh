#!/usr/bin/env bash
# api.sh: the authenticated JSON API (/api/v1/), every route and role,
# against a running `chiron serve` on loopback, through the suite's one
# client (tests/lib/suite.sh, tests/lib/client.py).
#
#   tests/api.sh build/chiron      (prints "ok NAME" / "not ok NAME")
#
# Every answer is checked against the OpenAPI document the server serves
# (client.py `answer`, tests/http/check.py check_answer, in the client's
# process): its status must be declared for the operation, its body must
# fit the declared schema (an error must be {"error":{"field","message"}}
# naming the expected field), and the declared headers (Set-Cookie,
# Retry-After, Location) must be there. The denials are here too: no
# session (401), an ended or expired one (401), the wrong role (403), a
# missing or wrong X-CSRF-Token (403), another user's request or listing
# (404), a body that is not JSON (415), bad JSON and bad values (400
# naming the field).
#
# Each answer is judged when it arrives; a test (several checks) is
# printed at the end, in the order the tests first appear.
. "$(dirname "$0")/lib/suite.sh" "$1"

# ----------------------------------------------------------------------
# The store and the server: the conformance directory; an admin and two
# therapists holding t-0000001 and t-0000002 (paused), made by the CLI.
# ----------------------------------------------------------------------

"$BIN" import --db "$DB" "$CONF/directory.jsonl" >/dev/null 2>"$W/err" ||
	{ not_ok setup "import failed: $(cat "$W/err")"; exit 1; }
mkuser admin1 admin-password-1 admin
mkuser thera1 thera-password-1 therapist t-0000001
# thera2's listing was claimed 50 days ago and never confirmed: paused.
mkuser thera2 thera-password-2 therapist t-0000002 50

serve --access-log "$W/access.log"
client_start
DOC=$W/openapi.json
[ "$(http - GET /api/v1/openapi.json)" = 200 ] && cp "$W/body" "$DOC" ||
	{ not_ok setup "the server does not answer"; exit 1; }

# ----------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------

# call NAME JAR METHOD PATH [BODY [HEADER: VALUE...]]: one call with the
# cookies of JAR ("-" for none), BODY as application/json when it starts
# with { or [, as a form otherwise ("" for none). It sends JAR's CSRF
# token (JAR.csrf, saved by signin) in X-CSRF-Token, unless CSRF=none or
# CSRF=SOMETHING is set for the call. The answer is the client's last
# one; $W/last names it, so a check of NAME after another call fails.
call() {
	local name=$1 jar=$2 method=$3 path=$4 json=${5-} tok=
	shift 4
	[ $# -gt 0 ] && shift
	if [ -n "${CSRF-}" ]; then
		[ "$CSRF" != none ] && tok=$CSRF
	elif [ "$jar" != - ] && [ -s "$W/$jar.csrf" ]; then
		read -r tok <"$W/$jar.csrf"
	fi
	c req "$jar" "$method" "$path" "$json" ${tok:+"X-CSRF-Token: $tok"} "$@" >/dev/null
	printf '%s\n' "$name" >"$W/last"
}

# The checks are grouped by test; a test passes when all its checks do.
TESTS=()
declare -A WHY
# note TEST [WHY]: one check of TEST, failed when WHY is not empty.
note() {
	[ -n "${WHY[$1]+x}" ] || { TESTS+=("$1"); WHY[$1]=; }
	[ -z "${2-}" ] || WHY[$1]+="$2"$'\n'
}
is_last() {
	local l
	read -r l <"$W/last"
	[ "$l" = "$1" ] || { note "$1" "judged after another call ($l)"; return 1; }
}
# expect NAME STATUS [FIELD]: the answer NAME has STATUS, as the document
# declares it for its operation; an error names FIELD ("" for none).
expect() { is_last "$1" && note "$1" "$(c answer "$DOC" "$2" ${3+"$3"})"; }
# holds NAME EXPRESSION: a Python expression about d, NAME's JSON body.
holds() { is_last "$1" && note "$1" "$(c holds "$2")"; }
# fact TEST WHY COMMAND...: a check the shell makes.
fact() {
	local t=$1 why=$2
	shift 2
	if "$@"; then note "$t"; else note "$t" "$why"; fi
}
# field NAME KEY: a top-level member of NAME's JSON body.
field() {
	local l
	read -r l <"$W/last"
	[ "$l" = "$1" ] || { echo "<$1 is not the last answer: $l>"; return; }
	c json "$2"
}
# signin JAR LOGIN PASSWORD [NAME]: signs JAR in and keeps its CSRF token.
signin() {
	local name=${4:-signin_$1}
	local code=
	# A therapist or admin has a second factor (suite.sh mkuser): its code too.
	has_totp "$2" && code=",\"code\":\"$(c totp "$2")\""
	CSRF=none call "$name" "$1" POST /api/v1/session "{\"login\":\"$2\",\"password\":\"$3\"$code}"
	field "$name" csrf >"$W/$1.csrf"
}
# hdr NAME HEADER: a header of the last answer (NAME's)
hdr() { c header "$2"; }
# hdr_has HEADER REGEX: a value of HEADER matches REGEX (case aside)
hdr_has() { c headers "$1" | grep -qi "$2"; }
# no_match REGEX: nothing in the last body matches
no_match() { [ -z "$(c grep "$1")" ]; }
# is_error FIELD: the last body is {"error":{"field":FIELD,"message":M}}, M not empty
is_error() {
	[ -z "$(c holds "list(d) == ['error'] and sorted(d['error']) == ['field', 'message'] and d['error']['field'] == '$1' and isinstance(d['error']['message'], str) and d['error']['message'] != ''")" ]
}
# token EMAIL PATH: the token of the newest link to PATH mailed to EMAIL
token() { local l; l=$(mail_c_link "$1" "$2"); echo "${l##*/}"; }

# ======================================================================
# Accounts and sessions
# ======================================================================

call signup_ask - POST /api/v1/users \
	'{"handle":"seeker1","email":"s1@example.org","password":"long-enough-password","role":"seeker"}'
expect signup_ask 202
SIGNUP_TOKEN=$(token s1@example.org /signup/confirm)
call signup_bad_token - POST /api/v1/users/confirm '{"token":"not-a-token"}'
expect signup_bad_token 404 token
call signup S POST /api/v1/users/confirm "{\"token\":\"$SIGNUP_TOKEN\"}"
expect signup 201
holds signup 'd["user"] == {"handle": "seeker1", "role": "seeker", "therapist_id": None} and len(d["csrf"]) == 43'
field signup csrf >"$W/S.csrf"
fact signup "the cookie is HttpOnly and SameSite=Lax" \
	hdr_has Set-Cookie '^chiron_session=[^;]*; Path=/; HttpOnly; SameSite=Lax'
call signup_used_token - POST /api/v1/users/confirm "{\"token\":\"$SIGNUP_TOKEN\"}"
expect signup_used_token 404 token
# Taken: the same answer as a free one (the owner is told by mail).
call signup_taken - POST /api/v1/users \
	'{"handle":"SEEKER1","email":"x@example.org","password":"long-enough-password","role":"seeker"}'
expect signup_taken 202
holds signup_taken 'd == {"message": "Check your email: a link to finish creating the account is on its way (it works for a day)."}'
# ... and its link, used, asks for another pseudonym.
TAKEN_TOKEN=$(token x@example.org /signup/confirm)
call signup_taken_confirm - POST /api/v1/users/confirm "{\"token\":\"$TAKEN_TOKEN\"}"
expect signup_taken_confirm 409 handle
call signup_taken_renamed XT POST /api/v1/users/confirm "{\"token\":\"$TAKEN_TOKEN\",\"handle\":\"xseeker\"}"
expect signup_taken_renamed 201
holds signup_taken_renamed 'd["user"]["handle"] == "xseeker"'
call signup_admin_refused - POST /api/v1/users \
	'{"handle":"sneaky","email":"sn@example.org","password":"long-enough-password","role":"admin"}'
expect signup_admin_refused 400 role
call signup_short_password - POST /api/v1/users \
	'{"handle":"shorty","email":"sh@example.org","password":"short","role":"seeker"}'
expect signup_short_password 400 password
call signup_wrong_type - POST /api/v1/users '{"handle":5,"email":"x@example.org","password":"long-enough-password","role":"seeker"}'
expect signup_wrong_type 400 handle
call signup_unknown_field - POST /api/v1/users '{"handle":"someone","nickname":"x"}'
expect signup_unknown_field 400 nickname
call signup_malformed - POST /api/v1/users '{"handle":"someone",,}'
expect signup_malformed 400 ""
holds signup_malformed '"byte 20" in d["error"]["message"]'
call signup_form_415 - POST /api/v1/users \
	'handle=formy&email=f@example.org&password=long-enough-password&role=seeker'
expect signup_form_415 415 Content-Type

call me S GET /api/v1/me
expect me 200
holds me 'd["user"]["handle"] == "seeker1"'
fact me "the same CSRF token as signing up gave" test "$(field me csrf)" = "$(<"$W/S.csrf")"
call me_anonymous - GET /api/v1/me
expect me_anonymous 401 ""
call session_get_405 - GET /api/v1/session
fact session_get_405 "405 with Allow: POST, DELETE" test "$(c status)" = 405
fact session_get_405 "405 with Allow: POST, DELETE" test "$(hdr session_get_405 Allow)" = "POST, DELETE"
fact session_get_405 "an error naming no field" is_error ""

signin S2 seeker1 long-enough-password signin
expect signin 200
holds signin 'd["user"]["role"] == "seeker" and len(d["csrf"]) == 43'
fact signin "a new session: a new CSRF token" test "$(<"$W/S2.csrf")" != "$(<"$W/S.csrf")"
signin S3 s1@example.org long-enough-password signin_by_email
expect signin_by_email 200
CSRF=none call signin_wrong_password - POST /api/v1/session '{"login":"seeker1","password":"wrong-password"}'
expect signin_wrong_password 401 ""
CSRF=none call signin_no_login - POST /api/v1/session '{"password":"long-enough-password"}'
expect signin_no_login 400 login
CSRF=none call signin_empty_body - POST /api/v1/session
expect signin_empty_body 400 login
for i in $(seq 10); do
	call "ghost$i" - POST /api/v1/session "{\"login\":\"ghost-account\",\"password\":\"wrong-$i\"}"
done
call signin_throttled - POST /api/v1/session '{"login":"ghost-account","password":"wrong-11"}'
expect signin_throttled 429 ""
fact signin_throttled "Retry-After: 900" test "$(hdr signin_throttled Retry-After)" = 900

CSRF=none call signout_no_csrf S DELETE /api/v1/session
expect signout_no_csrf 403 X-CSRF-Token
CSRF=not-the-token-not-the-token-not-the-token-x call signout_wrong_csrf S DELETE /api/v1/session
expect signout_wrong_csrf 403 X-CSRF-Token
CSRF=$(<"$W/S.csrf") call signout_other_sessions_csrf S2 DELETE /api/v1/session
expect signout_other_sessions_csrf 403 X-CSRF-Token
call signout S2 DELETE /api/v1/session
expect signout 204
fact signout "the cookie is cleared" hdr_has Set-Cookie '^chiron_session=;.*Max-Age=0'
call signed_out_me S2 GET /api/v1/me
expect signed_out_me 401 ""
call signed_out_still_in S GET /api/v1/me
expect signed_out_still_in 200

signin E seeker1 long-enough-password
call signout_everywhere S3 DELETE /api/v1/sessions
expect signout_everywhere 204
call signout_everywhere_ended E GET /api/v1/me
expect signout_everywhere_ended 401 ""
call signout_everywhere_ended_first S GET /api/v1/me
expect signout_everywhere_ended_first 401 ""

# An expired session is no session: 401, and no state change rides it.
call expiring_ask - POST /api/v1/users \
	'{"handle":"expiring","email":"ex@example.org","password":"long-enough-password","role":"seeker"}'
expect expiring_ask 202
call expiring_signup X POST /api/v1/users/confirm \
	"{\"token\":\"$(token ex@example.org /signup/confirm)\"}"
field expiring_signup csrf >"$W/X.csrf"
# The server's clock moved past the session's end (14 days), then back.
echo $((14 * 86400 + 60)) >"$W/clock"
call expired_session X GET /api/v1/me
expect expired_session 401 ""
call expired_session_cannot_sign_out X DELETE /api/v1/session
expect expired_session_cannot_sign_out 401 ""
echo 0 >"$W/clock"

# Password reset: the token travels in the body, never in an address.
call reset_ask - POST /api/v1/password-reset '{"email":"s1@example.org"}'
expect reset_ask 204
call reset_ask_unknown - POST /api/v1/password-reset '{"email":"nobody@example.org"}'
expect reset_ask_unknown 204
call reset_ask_bad - POST /api/v1/password-reset '{"email":"nope"}'
expect reset_ask_bad 400 email
TOKEN=$(token s1@example.org /reset)
call reset_short - PUT /api/v1/password "{\"token\":\"$TOKEN\",\"password\":\"short\"}"
expect reset_short 400 password
call reset_bad_token - PUT /api/v1/password '{"token":"not-a-token","password":"brand-new-password"}'
expect reset_bad_token 404 token
call reset_use - PUT /api/v1/password "{\"token\":\"$TOKEN\",\"password\":\"brand-new-password\"}"
expect reset_use 204
call reset_single_use - PUT /api/v1/password "{\"token\":\"$TOKEN\",\"password\":\"another-password1\"}"
expect reset_single_use 404 token
CSRF=none call reset_old_password - POST /api/v1/session '{"login":"seeker1","password":"long-enough-password"}'
expect reset_old_password 401 ""
signin S seeker1 brand-new-password reset_new_password
expect reset_new_password 200

# ======================================================================
# Consultation requests
# ======================================================================

signin T1 thera1 thera-password-1
signin T2 thera2 thera-password-2
signin A admin1 admin-password-1
call other_seeker_ask - POST /api/v1/users \
	'{"handle":"seeker2","email":"s2@example.org","password":"long-enough-password","role":"seeker"}'
call other_seeker O POST /api/v1/users/confirm \
	"{\"token\":\"$(token s2@example.org /signup/confirm)\"}"
field other_seeker csrf >"$W/O.csrf"

call req_send S POST /api/v1/requests '{"therapist_id":"t-0000001","message":"Hello <i>there</i> & welcome"}'
expect req_send 201
holds req_send 'd["therapist_id"] == "t-0000001" and d["from"] == "seeker1" and d["answer"] is None and d["message"] == "Hello <i>there</i> & welcome"'
RID=$(field req_send id)
call req_send_reveal S POST /api/v1/requests '{"therapist_id":"t-0000001","message":"Also by email","reveal":true}'
expect req_send_reveal 201
holds req_send_reveal 'd["from"] == "seeker1 <s1@example.org>"'
call req_send_anonymous - POST /api/v1/requests '{"therapist_id":"t-0000001","message":"x"}'
expect req_send_anonymous 401 ""
CSRF=none call req_send_no_csrf S POST /api/v1/requests '{"therapist_id":"t-0000001","message":"x"}'
expect req_send_no_csrf 403 X-CSRF-Token
CSRF=$(<"$W/O.csrf") call req_send_wrong_csrf S POST /api/v1/requests '{"therapist_id":"t-0000001","message":"x"}'
expect req_send_wrong_csrf 403 X-CSRF-Token
call req_send_text_plain S POST /api/v1/requests \
	'{"therapist_id":"t-0000001","message":"x"}' 'Content-Type: text/plain'
expect req_send_text_plain 415 Content-Type
call req_send_form S POST /api/v1/requests 'therapist_id=t-0000001&message=x'
expect req_send_form 415 Content-Type
call req_send_empty_message S POST /api/v1/requests '{"therapist_id":"t-0000001","message":""}'
expect req_send_empty_message 400 message
call req_send_no_message S POST /api/v1/requests '{"therapist_id":"t-0000001"}'
expect req_send_no_message 400 message
call req_send_too_long S POST /api/v1/requests \
	"{\"therapist_id\":\"t-0000001\",\"message\":\"$(printf 'x%.0s' $(seq 2001))\"}"
expect req_send_too_long 400 message
call req_send_message_type S POST /api/v1/requests '{"therapist_id":"t-0000001","message":["x"]}'
expect req_send_message_type 400 message
call req_send_reveal_type S POST /api/v1/requests '{"therapist_id":"t-0000001","message":"x","reveal":"yes"}'
expect req_send_reveal_type 400 reveal
call req_send_malformed S POST /api/v1/requests '{"therapist_id":"t-0000001" "message":"x"}'
expect req_send_malformed 400 ""
call req_send_unknown_therapist S POST /api/v1/requests '{"therapist_id":"t-9999998","message":"x"}'
expect req_send_unknown_therapist 404 therapist_id
call req_send_bad_therapist_id S POST /api/v1/requests '{"therapist_id":"t-0000001\u0027<x>","message":"x"}'
expect req_send_bad_therapist_id 404 therapist_id

call req_list_seeker S GET /api/v1/requests
expect req_list_seeker 200
holds req_list_seeker "[x[\"message\"] for x in d[\"sent\"]] == [\"Also by email\", \"Hello <i>there</i> & welcome\"] and d[\"received\"] == []"
call req_list_therapist T1 GET /api/v1/requests
expect req_list_therapist 200
holds req_list_therapist "any(x[\"id\"] == $RID and x[\"from\"] == \"seeker1\" for x in d[\"received\"]) and d[\"sent\"] == []"
fact req_list_therapist "no affiliation reaches a therapist" \
	no_match '(?i)affiliat|org-0'
call req_list_other_therapist T2 GET /api/v1/requests
expect req_list_other_therapist 200
holds req_list_other_therapist "all(x[\"id\"] != $RID for x in d[\"received\"])"
call req_list_other_seeker O GET /api/v1/requests
expect req_list_other_seeker 200
holds req_list_other_seeker 'd == {"sent": [], "received": [], "received_next": None}'
call req_list_anonymous - GET /api/v1/requests
expect req_list_anonymous 401 ""

call answer_by_seeker S POST "/api/v1/requests/$RID/answer" '{"answer":"x"}'
expect answer_by_seeker 403 ""
call answer_wrong_therapist T2 POST "/api/v1/requests/$RID/answer" '{"answer":"hijack"}'
expect answer_wrong_therapist 404 ""
call answer_admin_without_listing A POST "/api/v1/requests/$RID/answer" '{"answer":"hijack"}'
expect answer_admin_without_listing 404 ""
call answer_missing T1 POST /api/v1/requests/999999/answer '{"answer":"x"}'
expect answer_missing 404 ""
call answer_bad_id T1 POST /api/v1/requests/abc/answer '{"answer":"x"}'
expect answer_bad_id 404 ""
CSRF=none call answer_no_csrf T1 POST "/api/v1/requests/$RID/answer" '{"answer":"x"}'
expect answer_no_csrf 403 X-CSRF-Token
call answer_anonymous - POST "/api/v1/requests/$RID/answer" '{"answer":"x"}'
expect answer_anonymous 401 ""
call answer_empty T1 POST "/api/v1/requests/$RID/answer" '{"answer":""}'
expect answer_empty 400 answer
call answer_type T1 POST "/api/v1/requests/$RID/answer" '{"answer":5}'
expect answer_type 400 answer
call answer_get_405 T1 GET "/api/v1/requests/$RID/answer"
fact answer_get_405 "405 with Allow: POST" test "$(c status) $(hdr answer_get_405 Allow)" = "405 POST"
call answer_trailing_slash T1 POST "/api/v1/requests/$RID/answer/" '{"answer":"x"}'
fact answer_trailing_slash "no route: 404" test "$(c status)" = 404
call answer T1 POST "/api/v1/requests/$RID/answer" '{"answer":"Tuesday works"}'
expect answer 204
call answer_seen S GET /api/v1/requests
expect answer_seen 200
holds answer_seen "[(x[\"answer\"], type(x[\"answered_at\"])) for x in d[\"sent\"] if x[\"id\"] == $RID] == [(\"Tuesday works\", str)]"
call answer_unseen_by_others O GET /api/v1/requests
holds answer_unseen_by_others 'd == {"sent": [], "received": [], "received_next": None}'

# ======================================================================
# The organization registry
# ======================================================================

ORG='{"name":"Quiet Harbor Peer Group","kind":"consultation_group","jurisdiction":"US-NY"}'
call org_add_anonymous - POST /api/v1/orgs "$ORG"
expect org_add_anonymous 401 ""
CSRF=none call org_add_no_csrf O POST /api/v1/orgs "$ORG"
expect org_add_no_csrf 403 X-CSRF-Token
call org_add_short_name O POST /api/v1/orgs '{"name":"QH","kind":"consultation_group","jurisdiction":"US-NY"}'
expect org_add_short_name 400 name
call org_add_bad_kind O POST /api/v1/orgs '{"name":"Quiet Harbor","kind":"club","jurisdiction":"US-NY"}'
expect org_add_bad_kind 400 kind
call org_add_bad_jurisdiction O POST /api/v1/orgs '{"name":"Quiet Harbor","kind":"other","jurisdiction":"US-XX"}'
expect org_add_bad_jurisdiction 400 jurisdiction
call org_add_name_type O POST /api/v1/orgs '{"name":true,"kind":"other","jurisdiction":"US-NY"}'
expect org_add_name_type 400 name
call org_add O POST /api/v1/orgs "$ORG"
expect org_add 201
ORG_ID=$(field org_add id)
holds org_add 'd["id"].startswith("org-u") and d["name"] == "Quiet Harbor Peer Group" and d["kind"] == "consultation_group" and d["jurisdiction"] == "US-NY"'
call org_added_found - GET '/api/v1/orgs?q=quiet%20harbor'
expect org_added_found 200
holds org_added_found "[o[\"id\"] for o in d[\"orgs\"]] == [\"$ORG_ID\"]"
# The same answer reads q as a name (orgs_resolve): abbreviations and case
# do not matter; a name two organizations share asks which.
call org_named - GET '/api/v1/orgs?q=scott%20hosp.%20psychiatry%20dept.'
expect org_named 200
holds org_named 'd["fit"] == "one" and [(o["id"], o["place"], o["kind"]) for o in d["resolved"]] == [("org-000121", "Michigan", "employer")]'
call org_named_twice - GET '/api/v1/orgs?q=Chicago%20Veterans%20Affairs%20Clinic'
expect org_named_twice 200
holds org_named_twice 'd["fit"] == "several" and len(d["resolved"]) == 2'
call org_named_none - GET '/api/v1/orgs?q=Mayo%20Clinic'
expect org_named_none 200
holds org_named_none 'd["fit"] == "none" and d["resolved"] == []'

# ======================================================================
# A therapist's listing: standing, claim, confirm
# ======================================================================

# closed NAME: how many Illinois listings POST /api/v1/match counts as
# not accepting (a paused listing is one of them).
closed() {
	call "$1" - POST /api/v1/match '{"jurisdiction":"US-IL","limit":0}'
	c json excluded.closed
}
call listing_anonymous - GET /api/v1/listing
expect listing_anonymous 401 ""
call listing_seeker S GET /api/v1/listing
expect listing_seeker 403 ""
call listing T1 GET /api/v1/listing
expect listing 200
holds listing 'd["therapist_id"] == "t-0000001" and d["state"] == "verified" and isinstance(d["verified_at"], str) and not d["paused"] and not d["hidden"]'
call listing_paused T2 GET /api/v1/listing
expect listing_paused 200
holds listing_paused 'd["therapist_id"] == "t-0000002" and d["paused"] and d["confirmed_at"] is None'
closed_before=$(closed closed_before)
CSRF=none call confirm_no_csrf T2 POST /api/v1/listing/confirm
expect confirm_no_csrf 403 X-CSRF-Token
call confirm_seeker S POST /api/v1/listing/confirm
expect confirm_seeker 403 ""
call confirm T2 POST /api/v1/listing/confirm
expect confirm 200
holds confirm 'd["therapist_id"] == "t-0000002" and not d["paused"] and isinstance(d["confirmed_at"], str)'
fact confirm "a paused listing is back in searches at once" \
	test "$(closed closed_after)" = "$((closed_before - 1))"

# The listing's record and policies (edited elsewhere) take the same
# X-CSRF-Token and JSON bodies as every state-changing call.
POL='{"confidentiality":"Nothing leaves the room.","professional_events":"A nod, no more.","dual_relationships":"We talk, and I refer."}'
call policies_get T1 GET /api/v1/listing/policies
expect policies_get 200
CSRF=none call policies_put_no_csrf T1 PUT /api/v1/listing/policies "$POL"
expect policies_put_no_csrf 403 X-CSRF-Token
call policies_put_text_plain T1 PUT /api/v1/listing/policies "$POL" 'Content-Type: text/plain'
expect policies_put_text_plain 415 Content-Type
call policies_put_seeker S PUT /api/v1/listing/policies "$POL"
expect policies_put_seeker 403 ""
call policies_put T1 PUT /api/v1/listing/policies "$POL"
expect policies_put 200
holds policies_put 'd["confidentiality"] == "Nothing leaves the room."'
call record_get T1 GET /api/v1/listing/record
expect record_get 200
holds record_get 'd["id"] == "t-0000001"'
# Every window says where it is held (docs/web.md).
holds record_get 'all(w["modality"] in ("in_person", "telehealth", "either") for w in d["availability"])'

call new_therapist_ask - POST /api/v1/users \
	'{"handle":"thera3","email":"t3@example.org","password":"long-enough-password","role":"therapist"}'
call new_therapist T3 POST /api/v1/users/confirm \
	"{\"token\":\"$(token t3@example.org /signup/confirm)\"}"
field new_therapist csrf >"$W/T3.csrf"
# A therapist sets up the second factor before anything else (pages only:
# tests/second_factor.sh); the session turns new, so its token is read again.
enroll T3 >/dev/null
call new_therapist_enrolled T3 GET /api/v1/me
field new_therapist_enrolled csrf >"$W/T3.csrf"
call listing_none T3 GET /api/v1/listing
expect listing_none 404 ""
call confirm_without_listing T3 POST /api/v1/listing/confirm
expect confirm_without_listing 409 ""
CLAIM='{"therapist_id":"t-0000004","npi":"1234567893"}'
call claim_anonymous - POST /api/v1/listing/claim "$CLAIM"
expect claim_anonymous 401 ""
call claim_seeker S POST /api/v1/listing/claim "$CLAIM"
expect claim_seeker 403 ""
CSRF=none call claim_no_csrf T3 POST /api/v1/listing/claim "$CLAIM"
expect claim_no_csrf 403 X-CSRF-Token
call claim_taken T3 POST /api/v1/listing/claim '{"therapist_id":"t-0000001","npi":"1234567893"}'
expect claim_taken 409 therapist_id
call claim_bad_npi T3 POST /api/v1/listing/claim '{"therapist_id":"t-0000004","npi":"1234567890"}'
expect claim_bad_npi 400 npi
call claim_npi_type T3 POST /api/v1/listing/claim '{"therapist_id":"t-0000004","npi":1234567893}'
expect claim_npi_type 400 npi
call claim_unknown T3 POST /api/v1/listing/claim '{"therapist_id":"t-9999998","npi":"1234567893"}'
expect claim_unknown 400 therapist_id
call claim T3 POST /api/v1/listing/claim "$CLAIM"
expect claim 201
holds claim 'd["therapist_id"] == "t-0000004" and d["state"] == "waiting" and d["verified_at"] is None and d["confirmed_at"] is None'
call claim_second T3 POST /api/v1/listing/claim '{"therapist_id":"t-0000005","npi":"1234567893"}'
expect claim_second 409 ""
call claim_me T3 GET /api/v1/me
expect claim_me 200
# A claim holds nothing until verified.
holds claim_me 'd["user"]["therapist_id"] is None'
call claim_record T3 GET /api/v1/listing/record
expect claim_record 404 ""
call claim_code_none T3 POST /api/v1/listing/code '{"code":"ABCD-EFGH-JKMN-PQRS"}'
expect claim_code_none 409 code

# ======================================================================
# The admin's queue: verify, hide, unhide
# ======================================================================

call queue_anonymous - GET /api/v1/admin/queue
expect queue_anonymous 401 ""
call queue_seeker S GET /api/v1/admin/queue
expect queue_seeker 403 ""
call queue_therapist T1 GET /api/v1/admin/queue
expect queue_therapist 403 ""
call queue A GET /api/v1/admin/queue
expect queue 200
holds queue '[(c["npi_given"], c["npi_valid"]) for c in d["claims"] if c["therapist_id"] == "t-0000004"] == [("1234567893", True)] and "t-0000001" not in [c["therapist_id"] for c in d["claims"]] and [v["verified_by"] for v in d["verified"] if v["therapist_id"] == "t-0000001"] == ["cli"]'
call verify_therapist T1 POST /api/v1/admin/listings/t-0000004/verify
expect verify_therapist 403 ""
CSRF=none call verify_no_csrf A POST /api/v1/admin/listings/t-0000004/verify
expect verify_no_csrf 403 X-CSRF-Token
LIC='{"board":"Illinois IDFPR","licence_number":"071-000004","licence_checked":true}'
call verify_before_code A POST /api/v1/admin/listings/t-0000004/verify "$LIC"
expect verify_before_code 409 ""
call code_therapist T1 POST /api/v1/admin/listings/t-0000004/code '{"email":"office4@example.org","source":"IDFPR record"}'
expect code_therapist 403 ""
call code_bad_email A POST /api/v1/admin/listings/t-0000004/code '{"email":"not an address","source":"IDFPR record"}'
expect code_bad_email 400 email
call code_no_source A POST /api/v1/admin/listings/t-0000004/code '{"email":"office4@example.org"}'
expect code_no_source 400 source
call code_unknown A POST /api/v1/admin/listings/t-9999998/code '{"email":"office4@example.org","source":"IDFPR record"}'
expect code_unknown 404 ""
call code_send A POST /api/v1/admin/listings/t-0000004/code '{"email":"office4@example.org","source":"IDFPR record"}'
expect code_send 204
CODE=$(mail_c | grep -o '[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}' | tail -1)
call code_sent_state T3 GET /api/v1/listing
holds code_sent_state 'd["state"] == "code_sent"'
call code_malformed T3 POST /api/v1/listing/code '{"code":"12"}'
expect code_malformed 400 code
call code_wrong T3 POST /api/v1/listing/code '{"code":"0000-0000-0000-0000"}'
expect code_wrong 400 code
call code_seeker S POST /api/v1/listing/code "{\"code\":\"$CODE\"}"
expect code_seeker 403 ""
call code_right T3 POST /api/v1/listing/code "{\"code\":\"$(echo "$CODE" | tr 'A-Z' 'a-z')\"}"
expect code_right 200
holds code_right 'd["state"] == "code_entered" and d["verified_at"] is None'
call verify_no_board A POST /api/v1/admin/listings/t-0000004/verify '{"licence_number":"071-000004","licence_checked":true}'
expect verify_no_board 400 board
call verify_unchecked A POST /api/v1/admin/listings/t-0000004/verify '{"board":"Illinois IDFPR","licence_number":"071-000004","licence_checked":false}'
expect verify_unchecked 400 licence_checked
call verify A POST /api/v1/admin/listings/t-0000004/verify "$LIC"
expect verify 204
call verify_twice A POST /api/v1/admin/listings/t-0000004/verify "$LIC"
expect verify_twice 404 ""
call code_after_verify T3 POST /api/v1/listing/code "{\"code\":\"$CODE\"}"
expect code_after_verify 409 ""
call verify_unknown A POST /api/v1/admin/listings/t-9999998/verify
expect verify_unknown 404 ""
call verify_bad_id A POST "/api/v1/admin/listings/t-0000001%27%3Cx%3E/verify"
expect verify_bad_id 404 ""
call verified_standing T3 GET /api/v1/listing
expect verified_standing 200
holds verified_standing 'isinstance(d["verified_at"], str) and d["state"] == "verified"'
call verified_me T3 GET /api/v1/me
holds verified_me 'd["user"]["therapist_id"] == "t-0000004"'
call verified_leaves_queue A GET /api/v1/admin/queue
holds verified_leaves_queue '"t-0000004" not in [c["therapist_id"] for c in d["claims"]] and [(v["verified_by"], "office4@example.org" in v["verified_how"] and "Illinois IDFPR" in v["verified_how"]) for v in d["verified"] if v["therapist_id"] == "t-0000004"] == [("admin1", True)]'
# A claim an admin rejects is gone, and its listing free to claim.
mkuser thera4 thera-password-4 therapist
signin T4 thera4 thera-password-4 new_t4
call claim4 T4 POST /api/v1/listing/claim '{"therapist_id":"t-0000005","npi":"1234567893"}'
expect claim4 201
call reject_therapist T4 POST /api/v1/admin/listings/t-0000005/reject
expect reject_therapist 403 ""
call reject A POST /api/v1/admin/listings/t-0000005/reject
expect reject 204
call reject_twice A POST /api/v1/admin/listings/t-0000005/reject
expect reject_twice 404 ""
call rejected_standing T4 GET /api/v1/listing
expect rejected_standing 404 ""

# closed_az NAME: Arizona listings counted as not accepting (hidden ones too).
closed_az() {
	call "$1" - POST /api/v1/match '{"jurisdiction":"US-AZ","limit":0}'
	c json excluded.closed
}
az_before=$(closed_az az_before)
call hide_therapist T1 POST /api/v1/admin/listings/t-0000003/hide
expect hide_therapist 403 ""
CSRF=none call hide_no_csrf A POST /api/v1/admin/listings/t-0000003/hide
expect hide_no_csrf 403 X-CSRF-Token
call hide_unknown A POST /api/v1/admin/listings/t-9999998/hide
expect hide_unknown 404 ""
call hide A POST /api/v1/admin/listings/t-0000003/hide
expect hide 204
fact hide "a hidden listing leaves searches" test "$(closed_az az_hidden)" = "$((az_before + 1))"
call hidden_profile - GET /api/v1/therapists/t-0000003
expect hidden_profile 404 id
call hidden_in_queue A GET /api/v1/admin/queue
holds hidden_in_queue '{"therapist_id": "t-0000003"} in d["hidden"]'
call hide_claimed A POST /api/v1/admin/listings/t-0000004/hide
expect hide_claimed 204
call hidden_standing T3 GET /api/v1/listing
holds hidden_standing 'd["hidden"] is True'
CSRF=none call unhide_no_csrf A POST /api/v1/admin/listings/t-0000003/unhide
expect unhide_no_csrf 403 X-CSRF-Token
call unhide_seeker S POST /api/v1/admin/listings/t-0000003/unhide
expect unhide_seeker 403 ""
call unhide A POST /api/v1/admin/listings/t-0000003/unhide
expect unhide 204
call unhidden_profile - GET /api/v1/therapists/t-0000003
fact unhidden_profile "the profile is back" test "$(c status)" = 200
call unhide_claimed A POST /api/v1/admin/listings/t-0000004/unhide
expect unhide_claimed 204
call unhidden_standing T3 GET /api/v1/listing
holds unhidden_standing 'd["hidden"] is False'
fact unhide "back in searches" test -n "$az_before" -a "$(closed_az az_shown)" = "$az_before"

# ======================================================================
# Removing listings, merging organizations; a reminder's confirmation token
# ======================================================================

call remove_seeker S DELETE /api/v1/admin/listings/t-0000009
expect remove_seeker 403 ""
CSRF=none call remove_no_csrf A DELETE /api/v1/admin/listings/t-0000009
expect remove_no_csrf 403 X-CSRF-Token
call remove_unknown A DELETE /api/v1/admin/listings/t-9999998
expect remove_unknown 404 therapist_id
call remove A DELETE /api/v1/admin/listings/t-0000009
expect remove 204
call removed_profile - GET /api/v1/therapists/t-0000009
expect removed_profile 404 id
call merge_seeker S POST /api/v1/admin/orgs/merge '{"from":"org-000121","into":"org-000509"}'
expect merge_seeker 403 ""
call merge_same A POST /api/v1/admin/orgs/merge '{"from":"org-000121","into":"org-000121"}'
expect merge_same 400 into
call merge_unknown A POST /api/v1/admin/orgs/merge '{"from":"org-000121","into":"org-999999"}'
expect merge_unknown 404 from
call merge_extra_field A POST /api/v1/admin/orgs/merge '{"from":"org-000121","into":"org-000509","why":1}'
expect merge_extra_field 400 why
call merge_before - GET '/api/v1/orgs?q=Scott%20Hospital%20Psychiatry'
expect merge_before 200
holds merge_before 'any(o["id"] == "org-000121" for o in d["orgs"])'
call merge A POST /api/v1/admin/orgs/merge '{"from":"org-000121","into":"org-000509"}'
expect merge 200
holds merge 'd["into"] == "org-000509" and d["changed"] >= 1'
call merged_gone - GET '/api/v1/orgs?q=Scott%20Hospital%20Psychiatry'
expect merged_gone 200
holds merged_gone 'all(o["id"] != "org-000121" for o in d["orgs"] + d["resolved"])'
call merged_kept - GET '/api/v1/orgs?q=Baker%20Clinician%20Wellness'
expect merged_kept 200
holds merged_kept 'any(o["id"] == "org-000509" for o in d["orgs"])'
call confirm_bad_token - POST /api/v1/listing/confirmations '{"token":"not-a-token"}'
expect confirm_bad_token 404 token
REMIND=$(mail_c | grep -o '/listing/confirm/[A-Za-z0-9_-]*' | head -1 | sed 's|.*/||')
fact confirm_token "a reminder with a link reached the outbox" test -n "$REMIND"
call confirm_token - POST /api/v1/listing/confirmations "{\"token\":\"$REMIND\"}"
expect confirm_token 204
call confirm_token_again - POST /api/v1/listing/confirmations "{\"token\":\"$REMIND\"}"
expect confirm_token_again 404 token

# ======================================================================
# The private calendar feed (what it holds: tests/feed.sh)
# ======================================================================

# status URL: the status of a plain GET of URL, no cookies.
status() { http - GET "$1"; }
call feed_state_anonymous - GET /api/v1/me/feed
expect feed_state_anonymous 401 ""
call feed_state S GET /api/v1/me/feed
expect feed_state 200
holds feed_state 'd == {"active": False}'
CSRF=none call feed_create_no_csrf S POST /api/v1/me/feed
expect feed_create_no_csrf 403 X-CSRF-Token
call feed_create_anonymous - POST /api/v1/me/feed
expect feed_create_anonymous 401 ""
call feed_create S POST /api/v1/me/feed
expect feed_create 201
holds feed_create "d['url'].startswith('$B/feed/') and d['url'].endswith('.ics')"
FEED=$(field feed_create url)
fact feed_create "the address serves a calendar without a session" test "$(status "$FEED")" = 200
call feed_created_state S GET /api/v1/me/feed
expect feed_created_state 200
holds feed_created_state 'd == {"active": True}'
call feed_create_again S POST /api/v1/me/feed
expect feed_create_again 201
FEED2=$(field feed_create_again url)
fact feed_create_again "a new address ends the old one" test "$(status "$FEED")" = 404
fact feed_create_again "the new address works" test "$(status "$FEED2")" = 200
CSRF=none call feed_revoke_no_csrf S DELETE /api/v1/me/feed
expect feed_revoke_no_csrf 403 X-CSRF-Token
call feed_revoke S DELETE /api/v1/me/feed
expect feed_revoke 204
fact feed_revoke "a revoked address answers 404" test "$(status "$FEED2")" = 404
call feed_revoked_state S GET /api/v1/me/feed
holds feed_revoked_state 'd == {"active": False}'
call feed_revoke_again S DELETE /api/v1/me/feed
expect feed_revoke_again 204
call feed_put_405 S PUT /api/v1/me/feed '{}'
fact feed_put_405 "405 with Allow: GET, POST, DELETE" \
	test "$(c status) $(hdr feed_put_405 Allow)" = "405 GET, POST, DELETE"

# ======================================================================
# Judge
# ======================================================================

for t in "${TESTS[@]}"; do
	if [ -z "${WHY[$t]}" ]; then ok "$t"; else not_ok "$t" "${WHY[$t]%$'\n'}"; fi
done

if [ -n "$TOKEN" ] && grep -q -- "$TOKEN" "$W/access.log"; then
	not_ok access_log_no_secrets "$(grep -m3 -- "$TOKEN" "$W/access.log")"
elif [ -z "$TOKEN" ]; then
	not_ok access_log_no_secrets "no reset token reached the outbox"
else
	ok access_log_no_secrets
fi
FEED_TOKEN=${FEED##*/}
FEED_TOKEN=${FEED_TOKEN%.ics}
if [ -z "$FEED_TOKEN" ] || grep -q -- "$FEED_TOKEN" "$W/access.log"; then
	not_ok access_log_no_feed_token "${FEED_TOKEN:-no feed address was made}"
else
	ok access_log_no_feed_token
fi
# (and the log was written: the two checks above prove nothing on an empty one)
check access_log_written grep -q 'POST /api/v1/session' "$W/access.log"
if grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err"; then
	not_ok no_sanitizer_reports "$(head -5 "$W/serve.err")"
else
	ok no_sanitizer_reports
fi
done_suite
