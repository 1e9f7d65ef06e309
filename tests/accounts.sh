#!/usr/bin/env bash
# Accounts, sessions, CSRF, throttling, password reset, consultation
# requests and listings, against a running `chiron serve` on loopback.
# Every role and every denial: another user's request, another
# therapist's listing, a missing CSRF token, an ended session.
#   tests/accounts.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONF="$ROOT/../shared/conformance"
W=$(mktemp -d)
PID=
fails=0
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
ok() { echo "ok $1"; }
not_ok() { echo "not ok $1"; shift; [ $# -gt 0 ] && printf '#   %s\n' "$@"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }

"$BIN" import --db "$W/c.db" "$CONF/directory.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
mkpw() { echo "$2" | "$BIN" user add --db "$W/c.db" --handle "$1" --email "$1@example.org" --role "$3" ${4:+--therapist $4} ${5:+--claimed-days-ago $5} --password-stdin; }
mkpw admin1 admin-password-1 admin
mkpw thera1 thera-password-1 therapist t-0000001
# thera2's listing was claimed 50 days ago and never confirmed: paused.
mkpw thera2 thera-password-2 therapist t-0000002 50
# thera9's listing went 35 days unconfirmed: due a reminder, not yet paused.
mkpw thera9 thera-password-9 therapist t-0000005 35
mkpw asker asker-password-1 seeker
"$BIN" match --db "$W/c.db" <(echo '{"jurisdiction":"US-IL","limit":0}') > "$W/cli-paused.json"

PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
B="http://127.0.0.1:$PORT"
echo 0 >"$W/clock"
"$BIN" serve --db "$W/c.db" --listen "127.0.0.1:$PORT" --mail-dir "$W/mail" --clock-file "$W/clock" \
	--access-log "$W/access.log" 2>"$W/serve.err" &
PID=$!
for _ in $(seq 600); do curl -s -o /dev/null "$B/" && break; sleep 0.1; done
MAIL_DIR=$W/mail MAIL_DB=$W/c.db
. "$ROOT/tests/lib/mail.sh"

# csrf JAR URL: the form token a page gives this cookie jar
csrf() { curl -s -c "$1" -b "$1" "$2" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
# code JAR METHOD URL [DATA...]: the status
code() { local j=$1 m=$2 u=$3; shift 3; curl -s -c "$j" -b "$j" -o /dev/null -w '%{http_code}' -X "$m" "$B$u" "$@"; }
login() { local t; t=$(csrf "$1" "$B/login"); code "$1" POST /login --data-urlencode "csrf=$t" --data-urlencode "login=$2" --data-urlencode "password=$3"; }

# A request to thera1's listing left unanswered for ten days: sent while
# the server's clock (--clock-file) stood ten days back.
echo $((-10 * 86400)) >"$W/clock"
login "$W/asker" asker asker-password-1 >/dev/null
t=$(csrf "$W/asker" "$B/therapists/t-0000001")
code "$W/asker" POST /request/t-0000001 --data-urlencode "csrf=$t" --data-urlencode 'message=old question' >/dev/null
echo 0 >"$W/clock"

# --- sign up ---
J="$W/seeker"
t=$(csrf "$J" "$B/signup")
check signup_short_password test "$(code "$J" POST /signup -d "csrf=$t&handle=seeker1&email=s1@example.org&password=short&role=seeker")" = 400
check signup_bad_email test "$(code "$J" POST /signup -d "csrf=$t&handle=seeker1&email=nope&password=long-enough-pw&role=seeker")" = 400
check signup_no_csrf test "$(code "$J" POST /signup -d "handle=seeker1&email=s1@example.org&password=long-enough-pw&role=seeker")" = 403
check signup_asked test "$(code "$J" POST /signup -d "csrf=$t&handle=seeker1&email=s1@example.org&password=long-enough-pw&role=seeker")" = 200
check signup_not_signed_in_yet test "$(code "$J" GET /account)" = 303
link=$(mail_link s1@example.org /signup/confirm)
[ -n "$link" ] && [ "${link#"$B"/}" != "$link" ] && ok signup_link_mailed || not_ok signup_link_mailed "$link"
curl -s -c "$J" -b "$J" "$link" -o "$W/confirm.html"
grep -q 'seeker1' "$W/confirm.html" && grep -q 'Create my account' "$W/confirm.html" && ok signup_confirm_page || not_ok signup_confirm_page
t=$(grep -o 'name="csrf" value="[^"]*"' "$W/confirm.html" | head -1 | sed 's/.*value="//;s/"$//')
check signup_confirmed test "$(code "$J" POST "${link#"$B"}" --data-urlencode "csrf=$t")" = 303
check signup_link_single_use test "$(code "$J" GET "${link#"$B"}")" = 404
check signup_signed_in curl -s -b "$J" "$B/account" -o "$W/acct.html"
grep -q 'Signed in as <strong>seeker1' "$W/acct.html" && ok account_page || not_ok account_page
# A taken pseudonym or email gets the same answer as a free one; the
# email's owner is told by mail, and no second account is made.
t=$(csrf "$W/other" "$B/signup")
check signup_taken_same_answer test "$(code "$W/other" POST /signup -d "csrf=$t&handle=SEEKER1&email=s1@example.org&password=long-enough-pw&role=seeker")" = 200
for _ in $(seq 600); do mail_to s1@example.org | grep -q 'already has one' && break; sleep 0.1; done
mail_to s1@example.org | grep -q 'already has one (pseudonym seeker1)' && ok signup_taken_told_by_mail || not_ok signup_taken_told_by_mail
# No second account: no second link to make one was mailed.
check signup_taken_no_account test "$(mail_to s1@example.org | grep -c '/signup/confirm/')" = 1
check signup_role_admin_refused test "$(code "$W/other" POST /signup -d "csrf=$t&handle=sneaky&email=sn@example.org&password=long-enough-pw&role=admin")" = 400

# --- the session cookie ---
hdr=$(t=$(csrf "$W/c2" "$B/login"); curl -s -i -c "$W/c2" -b "$W/c2" -X POST "$B/login" --data-urlencode "csrf=$t" -d "login=seeker1&password=long-enough-pw" | tr -d '\r' | grep -i '^set-cookie: chiron_session')
echo "$hdr" | grep -q 'HttpOnly' && echo "$hdr" | grep -q 'SameSite=Lax' && ! echo "$hdr" | grep -q Secure && ok cookie_flags || not_ok cookie_flags "$hdr"
tok=$(echo "$hdr" | sed 's/.*chiron_session=\([^;]*\).*/\1/')
# Stored hashed: the token is nowhere in the database's files, whatever the engine keeps there.
if [ ${#tok} -eq 43 ] && ! cat "$W"/c.db* | grep -qaF "$tok"; then ok session_token_256_bits_stored_hashed; else not_ok session_token_256_bits_stored_hashed "$tok"; fi

# --- sign in, throttling ---
check login_wrong_password test "$(login "$W/l1" seeker1 wrong-password)" = 401
check login_by_email test "$(login "$W/l2" s1@example.org long-enough-pw)" = 303
for i in $(seq 10); do login "$W/l3" ghost-account "wrong-$i" >/dev/null; done
check login_throttled_per_account test "$(login "$W/l3" ghost-account wrong-11)" = 429

# --- sign out, everywhere ---
J2="$W/seeker-b"; login "$J2" seeker1 long-enough-pw >/dev/null
t=$(csrf "$J" "$B/account")
check logout_needs_csrf test "$(code "$J" POST /logout)" = 403
check logout_all test "$(code "$J" POST /logout-all -d "csrf=$t")" = 303
check ended_session_is_out test "$(code "$J2" GET /account)" = 303
check ended_session_cannot_post test "$(code "$J2" POST /request/t-0000001 -d 'message=x')" = 303

# --- consultation requests ---
S="$W/s"; login "$S" seeker1 long-enough-pw >/dev/null
t=$(csrf "$S" "$B/therapists/t-0000001")
check request_send test "$(code "$S" POST /request/t-0000001 --data-urlencode "csrf=$t" --data-urlencode 'message=Hello <i>there</i> & welcome')" = 303
check request_no_csrf test "$(code "$S" POST /request/t-0000001 -d 'message=again')" = 403
check request_anonymous_redirected test "$(code "$W/anon" POST /request/t-0000001 -d 'message=x')" = 303
check request_empty test "$(code "$S" POST /request/t-0000001 -d "csrf=$t&message=")" = 400
check request_unknown_therapist test "$(code "$S" POST /request/t-9999998 -d "csrf=$t&message=x")" = 404
T1="$W/t1"; login "$T1" thera1 thera-password-1 >/dev/null
curl -s -b "$T1" "$B/requests" -o "$W/t1.html"
grep -q 'Hello &lt;i&gt;there&lt;/i&gt; &amp; welcome' "$W/t1.html" && ok therapist_sees_request_escaped || not_ok therapist_sees_request_escaped
grep -q 'From seeker1' "$W/t1.html" && ! grep -q 's1@example.org' "$W/t1.html" && ok request_pseudonymous || not_ok request_pseudonymous
rid=$(grep -o 'action="/answer/[0-9]*"' "$W/t1.html" | head -1 | grep -o '[0-9]*')
T2="$W/t2"; login "$T2" thera2 thera-password-2 >/dev/null
curl -s -b "$T2" "$B/requests" | grep -q 'Hello' && not_ok other_therapist_cannot_see || ok other_therapist_cannot_see
t2=$(csrf "$T2" "$B/listing")
check other_therapist_cannot_answer test "$(code "$T2" POST "/answer/$rid" -d "csrf=$t2&answer=hijack")" = 404
ts=$(csrf "$S" "$B/account")
check seeker_cannot_answer test "$(code "$S" POST "/answer/$rid" -d "csrf=$ts&answer=x")" = 403
t1=$(csrf "$T1" "$B/listing")
check therapist_answers test "$(code "$T1" POST "/answer/$rid" -d "csrf=$t1&answer=Tuesday works")" = 303
curl -s -b "$S" "$B/requests" | grep -q 'Tuesday works' && ok seeker_reads_answer || not_ok seeker_reads_answer
O="$W/o"; web_signup "$O" "$B" seeker2 s2@example.org long-enough-pw seeker >/dev/null
curl -s -b "$O" "$B/requests" | grep -q 'Hello' && not_ok other_seeker_cannot_see || ok other_seeker_cannot_see
curl -s -b "$T1" "$B/requests" | grep -qi 'affiliat\|org-0' && not_ok therapist_sees_no_affiliations || ok therapist_sees_no_affiliations

# --- a saved search profile ---
Q="jurisdiction=US-NY&modality=either&lat=40.71&lon=-74.0"
conflicts() { curl -s -b "$1" "$B/search?$Q" | grep -o 'dual relationship (or excluded)</th><td class="n">[0-9]*' | grep -o '[0-9]*$'; }
before=$(conflicts "$O")
to=$(csrf "$O" "$B/account")
code "$O" POST /search -d "$Q&aff_org1=org-000002&aff_role1=employer&save_profile=1&csrf=$to" >/dev/null
after=$(conflicts "$O")
[ -n "$after" ] && [ "$after" -gt "${before:-0}" ] && ok saved_orgs_screen_bookmarks || not_ok saved_orgs_screen_bookmarks "$before -> $after"
curl -s -b "$O" "$B/search" | grep -q 'name="aff_org1"[^>]*value="org-000002"' && ok saved_profile_fills_form || not_ok saved_profile_fills_form
curl -s -b "$S" "$B/search" | grep -q 'value="org-000002"' && not_ok saved_profile_private || ok saved_profile_private
code "$O" POST /search -d "$Q&aff_org1=org-000009&aff_role1=employer&save_profile=1" >/dev/null
curl -s -b "$O" "$B/search" | grep -q 'value="org-000009"' && not_ok save_profile_needs_csrf || ok save_profile_needs_csrf

# --- adding an organization ---
check org_add_needs_sign_in test "$(code "$W/anon" POST /orgs/new -d 'name=Quiet Harbor Peer Group&kind=consultation_group&jurisdiction=US-NY')" = 303
to=$(csrf "$O" "$B/orgs/new")
check org_add_bad_kind test "$(code "$O" POST /orgs/new -d "csrf=$to&name=Quiet Harbor Peer Group&kind=club&jurisdiction=US-NY")" = 400
check org_add test "$(code "$O" POST /orgs/new -d "csrf=$to&name=Quiet Harbor Peer Group&kind=consultation_group&jurisdiction=US-NY")" = 200
curl -s "$B/api/v1/orgs?q=quiet%20harbor" | grep -q '"name":"Quiet Harbor Peer Group","kind":"consultation_group"' && ok org_added_found || not_ok org_added_found

# --- listings and the admin queue ---
check seeker_no_listing_page test "$(code "$S" GET /listing)" = 403
check seeker_no_admin test "$(code "$S" GET /admin)" = 403
check therapist_no_admin test "$(code "$T1" GET /admin)" = 403
check anonymous_admin_to_login test "$(code "$W/anon" GET /admin)" = 303
check confirm_listing test "$(code "$T1" POST /listing/confirm -d "csrf=$t1")" = 303
curl -s "$B/therapists/t-0000001" | grep -q 'Confirmed current today' && ok profile_shows_confirmed || not_ok profile_shows_confirmed
check claim_second_listing_refused test "$(code "$T1" POST /listing/claim -d "csrf=$t1&therapist_id=t-0000003&npi=1234567893")" = 409
T3="$W/t3"; web_signup "$T3" "$B" thera3 t3@example.org long-enough-pw therapist >/dev/null
t3=$(csrf "$T3" "$B/listing")
check claim_taken_listing_refused test "$(code "$T3" POST /listing/claim -d "csrf=$t3&therapist_id=t-0000001&npi=1234567893")" = 409
check claim_bad_npi test "$(code "$T3" POST /listing/claim -d "csrf=$t3&therapist_id=t-0000004&npi=1234567890")" = 400
check claim_ok test "$(code "$T3" POST /listing/claim -d "csrf=$t3&therapist_id=t-0000004&npi=1234567893")" = 303
A="$W/a"; login "$A" admin1 admin-password-1 >/dev/null
curl -s -b "$A" "$B/admin" -o "$W/admin.html"
grep -q 'NPI given: 1234567893 (check digit valid)' "$W/admin.html" && ok admin_queue_shows_claim || not_ok admin_queue_shows_claim
ta=$(csrf "$A" "$B/admin")
check admin_verify_needs_csrf test "$(code "$A" POST /admin/verify/t-0000004)" = 403
# Verifying takes the code mailed to the practice first (tests/security_claims.sh has the rest).
lic="csrf=$ta&board=Illinois IDFPR&licence_number=071-000004&licence_checked=1"
check admin_verify_before_code_409 test "$(code "$A" POST /admin/verify/t-0000004 -d "$lic")" = 409
check admin_sends_code test "$(code "$A" POST /admin/code/t-0000004 -d "csrf=$ta&email=office4@example.org&source=Illinois IDFPR record")" = 303
cc=$(mail_all | grep -o '[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}' | tail -1)
check claimant_enters_code test "$(code "$T3" POST /listing/code -d "csrf=$t3&code=$cc")" = 303
check admin_verifies test "$(code "$A" POST /admin/verify/t-0000004 -d "$lic")" = 303
check admin_verify_twice_404 test "$(code "$A" POST /admin/verify/t-0000004 -d "$lic")" = 404

# --- unanswered requests count against a listing, visibly ---
curl -s "$B/therapists/t-0000001" | grep -q '1 consultation request unanswered for more than 5 business days' && ok unanswered_requests_shown || not_ok unanswered_requests_shown
curl -s "$B/therapists/t-0000003" | grep -q 'unanswered' && not_ok unanswered_only_where_due || ok unanswered_only_where_due

# --- confirmation reminders with a one-click link ---
# The mail delivered to --mail-dir, as text (tests/mailbox.py).
mailtext() { python3 "$ROOT/tests/mailbox.py" "$W/mail" "$W/c.db" > "$W/mail.txt"; }
mailtext
python3 - "$W/mail.txt" > "$W/reminders" <<'PY'
import sys
for m in open(sys.argv[1]).read().split("---\n"):
    if "Is your chiron listing still current?" in m:
        to = m.split("\n")[0][4:]
        link = [w for w in m.split() if "/listing/confirm/" in w]
        print(to, link[0] if link else "")
PY
grep -q "^thera9@example.org $B/listing/confirm/" "$W/reminders" && grep -q '^thera2@example.org ' "$W/reminders" &&
	ok reminders_sent_to_unconfirmed || not_ok reminders_sent_to_unconfirmed "$(cat "$W/reminders")"
[ "$(grep -c . "$W/reminders")" = 2 ] && ok reminders_only_where_due || not_ok reminders_only_where_due "$(cat "$W/reminders")"
rl=$(grep '^thera9@' "$W/reminders" | cut -d' ' -f2 | sed "s|^$B||")
R="$W/r"
check reminder_link_page test "$(code "$R" GET "$rl")" = 200
check reminder_link_needs_csrf test "$(code "$R" POST "$rl")" = 403
t=$(csrf "$R" "$B$rl")
check reminder_link_confirms test "$(code "$R" POST "$rl" -d "csrf=$t")" = 200
# Recorded: thera9's listing, through the API, was confirmed this last minute.
curl -s -c "$W/t9api" -H 'Content-Type: application/json' -d '{"login":"thera9","password":"thera-password-9"}' "$B/api/v1/session" >/dev/null
c=$(curl -s -b "$W/t9api" "$B/api/v1/listing" | python3 -c 'import datetime,json,sys,time
d = json.load(sys.stdin)
t = datetime.datetime.strptime(d["confirmed_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()
print(int(d["therapist_id"] == "t-0000005" and time.time() - 60 < t <= time.time() + 5))')
check reminder_link_recorded test "$c" = 1
check reminder_link_once test "$(code "$R" POST "$rl" -d "csrf=$t")" = 404
check reminder_link_bad_token test "$(code "$R" GET /listing/confirm/not-a-token)" = 404
grep -q 'listing/confirm/[A-Za-z0-9_-]\{43\}' "$W/access.log" && not_ok reminder_token_not_logged || ok reminder_token_not_logged

# --- paused listings ---
closed() { curl -s -X POST "$B/api/v1/match" -H "Content-Type: application/json" -d '{"jurisdiction":"US-IL","limit":0}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["excluded"]["closed"])'; }
c_paused=$(closed)
cli_paused=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["excluded"]["closed"])' "$W/cli-paused.json")
check paused_same_in_cli_and_api test -n "$c_paused" -a "$c_paused" = "$cli_paused"
curl -s "$B/therapists/t-0000002" | grep -q 'paused' && ok paused_profile_says_so || not_ok paused_profile_says_so
T2b="$W/t2b"; login "$T2b" thera2 thera-password-2 >/dev/null
t=$(csrf "$T2b" "$B/listing")
check paused_confirm test "$(code "$T2b" POST /listing/confirm -d "csrf=$t")" = 303
check confirm_resumes_at_once test "$(closed)" = "$((c_paused - 1))"

# --- an admin hides a listing ---
closed_az() { curl -s -X POST "$B/api/v1/match" -H "Content-Type: application/json" -d '{"jurisdiction":"US-AZ","limit":0}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["excluded"]["closed"])'; }
c0=$(closed_az)
ta=$(csrf "$A" "$B/admin")
check hide_needs_admin test "$(code "$T1" POST /admin/hide -d "csrf=$t1&therapist_id=t-0000003")" = 403
check admin_hides test "$(code "$A" POST /admin/hide -d "csrf=$ta&therapist_id=t-0000003")" = 303
check hidden_profile_404 test "$(code "$W/anon" GET /therapists/t-0000003)" = 404
check hidden_api_404 test "$(code "$W/anon" GET /api/v1/therapists/t-0000003)" = 404
check hidden_admin_sees test "$(code "$A" GET /therapists/t-0000003)" = 200
check hidden_leaves_search test "$(closed_az)" = "$((c0 + 1))"
check admin_unhides test "$(code "$A" POST /admin/unhide/t-0000003 -d "csrf=$ta")" = 303
check unhidden_back test -n "$c0" -a "$(closed_az)" = "$c0"

# --- password reset ---
R="$W/r"; t=$(csrf "$R" "$B/reset")
check reset_unknown_email_same_answer test "$(code "$R" POST /reset -d "csrf=$t&email=nobody@example.org")" = 200
check reset_request test "$(code "$R" POST /reset -d "csrf=$t&email=s1@example.org")" = 200
link=$(mail_link s1@example.org /reset)
[ -n "$link" ] && [ "$(mail_to s1@example.org | grep -c '/reset/')" -ge 1 ] && ok reset_in_outbox || not_ok reset_in_outbox
mail_to s1@example.org | grep -q "open $B/reset/" && ok reset_link_absolute || not_ok reset_link_absolute
link=${link#"$B"}
mail_to nobody@example.org | grep -q . && not_ok reset_unknown_nothing_sent || ok reset_unknown_nothing_sent
check reset_short_password test "$(code "$R" POST "$link" -d "csrf=$t&password=short")" = 400
check reset_set_password test "$(code "$R" POST "$link" -d "csrf=$t&password=brand-new-password")" = 303
check reset_link_single_use test "$(code "$R" POST "$link" -d "csrf=$t&password=another-password1")" = 404
check reset_ends_sessions test "$(code "$S" GET /account)" = 303
check login_new_password test "$(login "$W/l9" seeker1 brand-new-password)" = 303
check login_old_password_refused test "$(login "$W/l10" seeker1 long-enough-pw)" = 401

# --- the API's rate limit per address ---
P2=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$BIN" serve --db "$W/c.db" --listen "127.0.0.1:$P2" --api-rate 2 --access-log off 2>/dev/null &
PID2=$!
for _ in $(seq 600); do curl -s -o /dev/null "http://127.0.0.1:$P2/" && break; sleep 0.1; done
# The budget is per clock minute: start the three calls early in one, so
# they cannot straddle its end (they take milliseconds; 50 s is margin).
while [ $(($(date +%s) % 60)) -ge 50 ]; do sleep 1; done
s1=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P2/api/v1/taxonomy")
s2=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P2/api/v1/taxonomy")
h3=$(curl -s -i "http://127.0.0.1:$P2/api/v1/taxonomy" | tr -d '\r')
p3=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P2/")
kill "$PID2"; wait "$PID2" 2>/dev/null
[ "$s1$s2" = 200200 ] && echo "$h3" | head -1 | grep -q ' 429' && echo "$h3" | grep -q '^Retry-After: 60' &&
	echo "$h3" | grep -q '"error"' && [ "$p3" = 200 ] && ok api_rate_limit_429 || not_ok api_rate_limit_429 "$s1 $s2 $(echo "$h3" | head -1) $p3"

# --- the log has no secrets ---
if grep -q 'csrf=\|password\|chiron_session\|/reset/[A-Za-z0-9_-]\{43\}' "$W/access.log"; then
	not_ok access_log_no_secrets "$(grep -m3 'csrf=\|password\|/reset/' "$W/access.log")"
else
	ok access_log_no_secrets
fi
grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err" && not_ok no_sanitizer_reports "$(head -5 "$W/serve.err")" || ok no_sanitizer_reports
[ "$fails" -eq 0 ]
