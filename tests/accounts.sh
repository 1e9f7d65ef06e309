#!/usr/bin/env bash
# Accounts, sessions, CSRF, throttling, password reset, consultation
# requests and listings, against a running `chiron serve` on loopback.
# Every role and every denial: another user's request, another
# therapist's listing, a missing CSRF token, an ended session. Through the
# suite's one client (tests/lib/suite.sh); a name is a cookie jar.
#   tests/accounts.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
. "$(dirname "$0")/lib/suite.sh" "$1"

"$BIN" import --db "$DB" "$CONF/directory.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
mkuser admin1 admin-password-1 admin
mkuser thera1 thera-password-1 therapist t-0000001
# thera2's listing was claimed 50 days ago and never confirmed: paused.
mkuser thera2 thera-password-2 therapist t-0000002 50
# thera9's listing went 35 days unconfirmed: due a reminder, not yet paused.
mkuser thera9 thera-password-9 therapist t-0000005 35
mkuser asker asker-password-1 seeker
"$BIN" match --db "$DB" <(echo '{"jurisdiction":"US-IL","limit":0}') > "$W/cli-paused.json"

serve --access-log "$W/access.log"
client_start

# code USER METHOD PATH [DATA]: the status
code() { http "$1" "$2" "$3" "${4:-}"; }
# csrf USER PATH: visit PATH, so USER's next `c form` carries its token
csrf() { http "$1" GET "$2" >/dev/null; }
# login USER LOGIN PASSWORD: the web sign-in in USER's jar (the code too,
# for an account with a second factor: suite.sh sign_in); the status
login() { sign_in "$1" "$3" "$2"; }
# get USER PATH: fetch, for the checks of the answer below
get() { http "$1" GET "$2" >/dev/null; }
body_has() { [ "$(c has "$1")" = 1 ]; }
matches() { [ -n "$(c grep "$1")" ]; }

# A request to thera1's listing left unanswered for ten days: sent while
# the server's clock (--clock-file) stood ten days back.
clock_set $((-10 * 86400))
login asker asker asker-password-1 >/dev/null
csrf asker /therapists/t-0000001
c form asker /request/t-0000001 'message=old question' >/dev/null
clock_set 0

# --- sign up ---
J=seeker
csrf "$J" /signup
check signup_short_password test "$(c form "$J" /signup handle=seeker1 email=s1@example.org password=short role=seeker)" = 400
check signup_bad_email test "$(c form "$J" /signup handle=seeker1 email=nope password=long-enough-password role=seeker)" = 400
check signup_no_csrf test "$(code "$J" POST /signup "handle=seeker1&email=s1@example.org&password=long-enough-password&role=seeker")" = 403
check signup_asked test "$(c form "$J" /signup handle=seeker1 email=s1@example.org password=long-enough-password role=seeker)" = 200
check signup_not_signed_in_yet test "$(code "$J" GET /account)" = 303
link=$(mail_c_link s1@example.org /signup/confirm)
[ -n "$link" ] && [ "${link#"$B"/}" != "$link" ] && ok signup_link_mailed || not_ok signup_link_mailed "$link"
get "$J" "${link#"$B"}"
body_has seeker1 && body_has 'Create my account' && ok signup_confirm_page || not_ok signup_confirm_page
check signup_confirmed test "$(c form "$J" "${link#"$B"}")" = 303
check signup_link_single_use test "$(code "$J" GET "${link#"$B"}")" = 404
check signup_signed_in test "$(code "$J" GET /account)" = 200
body_has 'Signed in as <strong>seeker1' && ok account_page || not_ok account_page
# A taken pseudonym or email gets the same answer as a free one; the
# email's owner is told by mail, and no second account is made.
csrf other /signup
check signup_taken_same_answer test "$(c form other /signup handle=SEEKER1 email=s1@example.org password=long-enough-password role=seeker)" = 200
told() { mail_c_to s1@example.org | grep -q 'already has one'; }
until_ 120 told
mail_c_to s1@example.org | grep -q 'already has one (pseudonym seeker1)' && ok signup_taken_told_by_mail || not_ok signup_taken_told_by_mail
# No second account: no second link to make one was mailed.
check signup_taken_no_account test "$(mail_c_to s1@example.org | grep -c '/signup/confirm/')" = 1
check signup_role_admin_refused test "$(c form other /signup handle=sneaky email=sn@example.org password=long-enough-password role=admin)" = 400

# --- the session cookie ---
login c2 seeker1 long-enough-password >/dev/null
hdr=$(c headers Set-Cookie | grep '^chiron_session')
echo "$hdr" | grep -q 'HttpOnly' && echo "$hdr" | grep -q 'SameSite=Lax' && ! echo "$hdr" | grep -q Secure && ok cookie_flags || not_ok cookie_flags "$hdr"
tok=$(c cookie c2 chiron_session)
# Stored hashed: the token is nowhere in the database's files, whatever the engine keeps there.
if [ ${#tok} -eq 43 ] && [ "$hdr" != "${hdr#chiron_session="$tok"}" ] && ! cat "$W"/c.db* | grep -qaF "$tok"; then
	ok session_token_256_bits_stored_hashed
else
	not_ok session_token_256_bits_stored_hashed "$tok"
fi

# --- sign in, throttling ---
check login_wrong_password test "$(login l1 seeker1 wrong-password)" = 401
check login_by_email test "$(login l2 s1@example.org long-enough-password)" = 303
for i in $(seq 10); do login l3 ghost-account "wrong-$i" >/dev/null; done
check login_throttled_per_account test "$(login l3 ghost-account wrong-11)" = 429

# --- sign out, everywhere ---
J2=seeker-b; login "$J2" seeker1 long-enough-password >/dev/null
csrf "$J" /account
check logout_needs_csrf test "$(code "$J" POST /logout)" = 403
check logout_all test "$(c form "$J" /logout-all)" = 303
check ended_session_is_out test "$(code "$J2" GET /account)" = 303
check ended_session_cannot_post test "$(code "$J2" POST /request/t-0000001 'message=x')" = 303

# --- consultation requests ---
S=s; login "$S" seeker1 long-enough-password >/dev/null
csrf "$S" /therapists/t-0000001
check request_send test "$(c form "$S" /request/t-0000001 'message=Hello <i>there</i> & welcome')" = 303
check request_no_csrf test "$(code "$S" POST /request/t-0000001 'message=again')" = 403
check request_anonymous_redirected test "$(code anon POST /request/t-0000001 'message=x')" = 303
check request_empty test "$(c form "$S" /request/t-0000001 message=)" = 400
check request_unknown_therapist test "$(c form "$S" /request/t-9999998 message=x)" = 404
T1=t1; login "$T1" thera1 thera-password-1 >/dev/null
get "$T1" /requests
body_has 'Hello &lt;i&gt;there&lt;/i&gt; &amp; welcome' && ok therapist_sees_request_escaped || not_ok therapist_sees_request_escaped
body_has 'From seeker1' && ! body_has 's1@example.org' && ok request_pseudonymous || not_ok request_pseudonymous
rid=$(c grep 'action="/answer/([0-9]*)"')
T2=t2; login "$T2" thera2 thera-password-2 >/dev/null
get "$T2" /requests
body_has Hello && not_ok other_therapist_cannot_see || ok other_therapist_cannot_see
csrf "$T2" /listing
check other_therapist_cannot_answer test "$(c form "$T2" "/answer/$rid" answer=hijack)" = 404
csrf "$S" /account
check seeker_cannot_answer test "$(c form "$S" "/answer/$rid" answer=x)" = 403
csrf "$T1" /listing
check therapist_answers test "$(c form "$T1" "/answer/$rid" 'answer=Tuesday works')" = 303
get "$S" /requests
body_has 'Tuesday works' && ok seeker_reads_answer || not_ok seeker_reads_answer
O=o; signup "$O" seeker2 s2@example.org long-enough-password seeker >/dev/null
get "$O" /requests
body_has Hello && not_ok other_seeker_cannot_see || ok other_seeker_cannot_see
get "$T1" /requests
matches '(?i)affiliat|org-0' && not_ok therapist_sees_no_affiliations || ok therapist_sees_no_affiliations

# --- a saved search profile ---
Q="jurisdiction=US-NY&modality=either&lat=40.71&lon=-74.0"
conflicts() { get "$1" "/search?$Q"; c grep 'A dual relationship with you</th><td class="n">([0-9,]*)'; }
before=$(conflicts "$O")
csrf "$O" /account
c form "$O" /search jurisdiction=US-NY modality=either lat=40.71 lon=-74.0 aff_org1=org-000002 aff_role1=employer save_profile=1 >/dev/null
after=$(conflicts "$O")
[ -n "$after" ] && [ "$after" -gt "${before:-0}" ] && ok saved_orgs_screen_bookmarks || not_ok saved_orgs_screen_bookmarks "$before -> $after"
get "$O" /search
# By name: the registry's name in the field, the id only in a hidden one.
matches 'name="aff_org1" value="New York Family Services"' && matches 'type="hidden" name="aff_id1" value="org-000002"' &&
	! matches 'name="aff_org1"[^>]*value="org-000002"' && ok saved_profile_fills_form || not_ok saved_profile_fills_form
get "$S" /search
body_has 'value="org-000002"' && not_ok saved_profile_private || ok saved_profile_private
code "$O" POST /search "$Q&aff_org1=org-000009&aff_role1=employer&save_profile=1" >/dev/null
get "$O" /search
body_has 'value="org-000009"' && not_ok save_profile_needs_csrf || ok save_profile_needs_csrf

# --- adding an organization ---
check org_add_needs_sign_in test "$(code anon POST /orgs/new 'name=Quiet Harbor Peer Group&kind=consultation_group&jurisdiction=US-NY')" = 303
csrf "$O" /orgs/new
check org_add_bad_kind test "$(c form "$O" /orgs/new 'name=Quiet Harbor Peer Group' kind=club jurisdiction=US-NY)" = 400
check org_add test "$(c form "$O" /orgs/new 'name=Quiet Harbor Peer Group' kind=consultation_group jurisdiction=US-NY)" = 200
get - '/api/v1/orgs?q=quiet%20harbor'
body_has '"name":"Quiet Harbor Peer Group","kind":"consultation_group"' && ok org_added_found || not_ok org_added_found

# --- listings and the admin queue ---
check seeker_no_listing_page test "$(code "$S" GET /listing)" = 403
check seeker_no_admin test "$(code "$S" GET /admin)" = 403
check therapist_no_admin test "$(code "$T1" GET /admin)" = 403
check anonymous_admin_to_login test "$(code anon GET /admin)" = 303
csrf "$T1" /listing
check confirm_listing test "$(c form "$T1" /listing/confirm)" = 303
get - /therapists/t-0000001
body_has 'Confirmed current today' && ok profile_shows_confirmed || not_ok profile_shows_confirmed
check claim_second_listing_refused test "$(c form "$T1" /listing/claim therapist_id=t-0000003 npi=1234567893)" = 409
T3=t3; signup "$T3" thera3 t3@example.org long-enough-password therapist >/dev/null
# A therapist sets up the second factor before anything else (second_factor.sh).
enroll "$T3" >/dev/null
# The claim form: the listing found by name (its radio's value is the id).
csrf "$T3" "/listing?find=Carter"
check claim_taken_listing_refused test "$(c form "$T3" /listing/claim therapist_id=t-0000001 npi=1234567893)" = 409
check claim_bad_npi test "$(c form "$T3" /listing/claim therapist_id=t-0000004 npi=1234567890)" = 400
check claim_ok test "$(c form "$T3" /listing/claim therapist_id=t-0000004 npi=1234567893)" = 303
A=a; login "$A" admin1 admin-password-1 >/dev/null
get "$A" /admin
body_has '<dt>NPI given</dt><dd>1234567893</dd>' && body_has 'NPI check digit valid' && ok admin_queue_shows_claim || not_ok admin_queue_shows_claim
check admin_verify_needs_csrf test "$(code "$A" POST /admin/verify/t-0000004)" = 403
# Verifying takes the code mailed to the practice first (tests/security_claims.sh has the rest).
lic=('board=Illinois IDFPR' licence_number=071-000004 licence_checked=1)
check admin_verify_before_code_409 test "$(c form "$A" /admin/verify/t-0000004 "${lic[@]}")" = 409
check admin_sends_code test "$(c form "$A" /admin/code/t-0000004 email=office4@example.org 'source=Illinois IDFPR record')" = 303
cc=$(mail_c | grep -o '[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}' | tail -1)
csrf "$T3" /listing
check claimant_enters_code test "$(c form "$T3" /listing/code "code=$cc")" = 303
check admin_verifies test "$(c form "$A" /admin/verify/t-0000004 "${lic[@]}")" = 303
check admin_verify_twice_404 test "$(c form "$A" /admin/verify/t-0000004 "${lic[@]}")" = 404

# --- unanswered requests count against a listing, visibly ---
get - /therapists/t-0000001
body_has '1 consultation request unanswered for more than 5 business days' && ok unanswered_requests_shown || not_ok unanswered_requests_shown
get - /therapists/t-0000003
body_has unanswered && not_ok unanswered_only_where_due || ok unanswered_only_where_due

# --- confirmation reminders with a one-click link ---
# "ADDRESS LINK" for each reminder delivered (its first confirm link).
mail_c | awk '
	function flush() { if (rem) print to, link; rem = 0; to = ""; link = "" }
	/^---$/ { flush(); next }
	/^to: / && to == "" { to = substr($0, 5); next }
	/Is your chiron listing still current\?/ { rem = 1 }
	{ for (i = 1; i <= NF; i++) if (link == "" && index($i, "/listing/confirm/")) link = $i }
	END { flush() }' > "$W/reminders"
grep -q "^thera9@example.org $B/listing/confirm/" "$W/reminders" && grep -q '^thera2@example.org ' "$W/reminders" &&
	ok reminders_sent_to_unconfirmed || not_ok reminders_sent_to_unconfirmed "$(cat "$W/reminders")"
[ "$(grep -c . "$W/reminders")" = 2 ] && ok reminders_only_where_due || not_ok reminders_only_where_due "$(cat "$W/reminders")"
rl=$(grep '^thera9@' "$W/reminders" | cut -d' ' -f2 | sed "s|^$B||")
R=r
check reminder_link_page test "$(code "$R" GET "$rl")" = 200
check reminder_link_needs_csrf test "$(code "$R" POST "$rl")" = 403
csrf "$R" "$rl"
check reminder_link_confirms test "$(c form "$R" "$rl")" = 200
# Recorded: thera9's listing, through the API, was confirmed this last minute.
api_sign_in t9api thera-password-9 thera9 >/dev/null
get t9api /api/v1/listing
check reminder_link_recorded test "$(c jsonpy 'int(d["therapist_id"] == "t-0000005" and time.time() - 60 < datetime.datetime.strptime(d["confirmed_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp() <= time.time() + 5)')" = 1
check reminder_link_once test "$(c form "$R" "$rl")" = 404
check reminder_link_bad_token test "$(code "$R" GET /listing/confirm/not-a-token)" = 404
grep -q 'listing/confirm/[A-Za-z0-9_-]\{43\}' "$W/access.log" && not_ok reminder_token_not_logged || ok reminder_token_not_logged

# --- paused listings ---
# closed JURISDICTION: how many listings a match there leaves out as closed
closed() { http - POST /api/v1/match "{\"jurisdiction\":\"$1\",\"limit\":0}" >/dev/null; c json excluded.closed; }
c_paused=$(closed US-IL)
c load "$W/cli-paused.json"
cli_paused=$(c json excluded.closed)
check paused_same_in_cli_and_api test -n "$c_paused" -a "$c_paused" = "$cli_paused"
get - /therapists/t-0000002
body_has paused && ok paused_profile_says_so || not_ok paused_profile_says_so
T2b=t2b; login "$T2b" thera2 thera-password-2 >/dev/null
csrf "$T2b" /listing
check paused_confirm test "$(c form "$T2b" /listing/confirm)" = 303
check confirm_resumes_at_once test "$(closed US-IL)" = "$((c_paused - 1))"

# --- an admin hides a listing ---
c0=$(closed US-AZ)
csrf "$A" /admin
csrf "$T1" /listing
check hide_needs_admin test "$(c form "$T1" /admin/hide therapist_id=t-0000003)" = 403
check admin_hides test "$(c form "$A" /admin/hide therapist_id=t-0000003)" = 303
check hidden_profile_404 test "$(code anon GET /therapists/t-0000003)" = 404
check hidden_api_404 test "$(code anon GET /api/v1/therapists/t-0000003)" = 404
check hidden_admin_sees test "$(code "$A" GET /therapists/t-0000003)" = 200
check hidden_leaves_search test "$(closed US-AZ)" = "$((c0 + 1))"
check admin_unhides test "$(c form "$A" /admin/unhide/t-0000003)" = 303
check unhidden_back test -n "$c0" -a "$(closed US-AZ)" = "$c0"

# --- password reset ---
R=r2; csrf "$R" /reset
check reset_unknown_email_same_answer test "$(c form "$R" /reset email=nobody@example.org)" = 200
check reset_request test "$(c form "$R" /reset email=s1@example.org)" = 200
link=$(mail_c_link s1@example.org /reset)
[ -n "$link" ] && [ "$(mail_c_to s1@example.org | grep -c '/reset/')" -ge 1 ] && ok reset_in_outbox || not_ok reset_in_outbox
mail_c_to s1@example.org | grep -q "open $B/reset/" && ok reset_link_absolute || not_ok reset_link_absolute
link=${link#"$B"}
mail_c_to nobody@example.org | grep -q . && not_ok reset_unknown_nothing_sent || ok reset_unknown_nothing_sent
check reset_short_password test "$(c form "$R" "$link" password=short)" = 400
check reset_set_password test "$(c form "$R" "$link" password=brand-new-password)" = 303
check reset_link_single_use test "$(c form "$R" "$link" password=another-password1)" = 404
check reset_ends_sessions test "$(code "$S" GET /account)" = 303
check login_new_password test "$(login l9 seeker1 brand-new-password)" = 303
check login_old_password_refused test "$(login l10 seeker1 long-enough-password)" = 401

# --- the API's rate limit per address ---
P2=$(free_port)
"$BIN" serve --db "$DB" --listen "127.0.0.1:$P2" --api-rate 2 --access-log off 2>/dev/null &
PID2=$!
B2=http://127.0.0.1:$P2
up2() { [ "$(code - GET "$B2/")" = 200 ]; }
until_ 180 up2
# The budget is per clock minute: start the three calls early in one, so
# they cannot straddle its end (they take milliseconds; 50 s is margin).
while [ $(($(date +%s) % 60)) -ge 50 ]; do sleep 1; done
s1=$(code - GET "$B2/api/v1/taxonomy")
s2=$(code - GET "$B2/api/v1/taxonomy")
s3=$(code - GET "$B2/api/v1/taxonomy")
ra=$(c header Retry-After)
err=$(c has '"error"')
p3=$(code - GET "$B2/")
kill "$PID2"; wait "$PID2" 2>/dev/null
[ "$s1$s2$s3" = 200200429 ] && [ "$ra" = 60 ] && [ "$err" = 1 ] && [ "$p3" = 200 ] &&
	ok api_rate_limit_429 || not_ok api_rate_limit_429 "$s1 $s2 $s3 $ra $err $p3"

# --- the log has no secrets ---
# (and it was written: the checks on it below prove nothing on an empty log)
check access_log_written grep -q 'GET /requests' "$W/access.log"
if grep -q 'csrf=\|password\|chiron_session\|/reset/[A-Za-z0-9_-]\{43\}' "$W/access.log"; then
	not_ok access_log_no_secrets "$(grep -m3 'csrf=\|password\|/reset/' "$W/access.log")"
else
	ok access_log_no_secrets
fi
grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err" && not_ok no_sanitizer_reports "$(head -5 "$W/serve.err")" || ok no_sanitizer_reports
done_suite
