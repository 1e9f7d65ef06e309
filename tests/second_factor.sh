#!/usr/bin/env bash
# The second factor and sessions (issue 11), against a running `chiron
# serve` on loopback: setting up TOTP on the pages (a wrong code, the
# right one, recovery codes shown once), signing in with a code, a code
# replayed, a recovery code used once, a therapist confined to the set-up
# page until enrolled, the idle and absolute limits of a session (moved by
# the clock file, never a sleep), a new session at each sign-in, a new
# password ending the other sessions, the password asked again before a
# change, __Host- cookies behind https, and the password rules.
#   tests/second_factor.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
. "$(dirname "$0")/lib/suite.sh" "$1"

"$BIN" import --db "$DB" "$CONF/directory.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
# fresh: a therapist with a listing and no second factor yet.
echo fresh-password-1 | "$BIN" user add --db "$DB" --handle fresh --email fresh@example.org \
	--role therapist --therapist t-0000001 --password-stdin >/dev/null || { not_ok setup "user add"; exit 1; }
mkuser seek seeker-password-1 seeker
mkuser admin1 admin-password-1 admin

serve
client_start

status_to() { [ "$(c status)" = "$1" ] && [ "$(c header Location)" = "$2" ]; }
has() { [ "$(c has "$1")" = 1 ]; }

# --- passwords (NIST SP 800-63B: 15 without a second factor, 8..128, not common) ---
c req new GET /signup >/dev/null
check password_too_short test "$(c form new /signup handle=newbie email=nb@example.org \
	password=fourteen-chars role=seeker)" = 400
check password_too_short_says has 'hoose a password of 15 to 128 characters'
check password_common test "$(c form new /signup handle=newbie email=nb@example.org \
	"password=administration's" role=seeker)" = 400
check password_common_says has 'That password is on a list of common passwords; choose another'
check password_common_keeps_input has 'value="newbie"'
long=$(printf 'x%.0s' $(seq 129))
check password_too_long test "$(c form new /signup handle=newbie email=nb@example.org \
	"password=$long" role=seeker)" = 400
check password_too_long_says has 'at most 128 characters'
out=$(echo password | "$BIN" user add --db "$DB" --handle cliuser --email cli@example.org --role admin \
	--totp-secret "$TOTP_SECRET" --password-stdin 2>&1)
check password_cli_common test "$out" = "chiron user: That password is on a list of common passwords; choose another."
echo eight-ch | "$BIN" user add --db "$DB" --handle cliuser --email cli@example.org --role admin \
	--totp-secret "$TOTP_SECRET" --password-stdin >/dev/null
check password_8_with_second_factor test $? = 0

# --- a therapist without one reaches only the set-up page ---
check confined_sign_in test "$(sign_in f fresh-password-1 fresh)" = 303
c req f GET /account >/dev/null
check confined_account status_to 303 /account/second-factor
c req f GET /listing >/dev/null
check confined_listing status_to 303 /account/second-factor
c req f GET /requests >/dev/null
check confined_requests status_to 303 /account/second-factor
c req fapi POST /api/v1/session '{"login":"fresh","password":"fresh-password-1"}' >/dev/null
c req fapi GET /api/v1/listing >/dev/null
check confined_api test "$(c status)" = 403
check confined_api_says [ "$(c json error.message)" != "<missing>" ]
check confined_api_me test "$(c req fapi GET /api/v1/me)" = 200
check confined_setup_page test "$(c req f GET /account/second-factor)" = 200

# --- setting up: the secret, a wrong code, the right one ---
secret=$(c grep 'id="totp-secret">([A-Z2-7 ]+)<')
check setup_shows_secret test "${#secret}" -ge 32
check setup_shows_uri has 'otpauth://totp/chiron:fresh?secret='
c req f GET /account/second-factor >/dev/null
check setup_same_secret_on_reload test "$(c grep 'id="totp-secret">([A-Z2-7 ]+)<')" = "$secret"
check setup_wrong_code test "$(c form f /account/second-factor code=000000)" = 400
check setup_wrong_code_says has 'not the one your app shows'
check setup_not_digits test "$(c form f /account/second-factor code=12ab56)" = 400
old_tok=$(c cookie f chiron_session)
check setup_right_code test "$(c form f /account/second-factor "code=$(c totp fresh "$secret")")" = 200
codes=$(grep -o '<li><code>[A-Z2-7-]*</code>' "$W/body" | sed 's/<[^>]*>//g')
check setup_ten_recovery_codes test "$(echo "$codes" | grep -c '^[A-Z2-7]\{4\}-[A-Z2-7]\{4\}-[A-Z2-7]\{4\}-[A-Z2-7]\{4\}$')" = 10
check setup_rotates_session test "$(c cookie f chiron_session)" != "$old_tok"
c setcookie old chiron_session "$old_tok"
c req old GET /account >/dev/null
check setup_old_session_dead test "$(c status)" = 303
check enrolled_account test "$(c req f GET /account)" = 200
check enrolled_listing test "$(c req f GET /listing)" = 200
c req f GET /account/second-factor >/dev/null
check enrolled_state_page has 'Recovery codes not yet used: <strong>10</strong>'

# --- signing in: the password, then the code ---
c req g GET /login >/dev/null
check signin_asks_code test "$(c form g /login login=fresh password=fresh-password-1)" = 303
check signin_code_location test "$(c header Location)" = /login/code
c req g GET /account >/dev/null
check signin_password_alone_not_in test "$(c header Location)" = /login?next=%2Faccount
c req g GET /login/code >/dev/null
check signin_wrong_code test "$(c form g /login/code code=000000)" = 401
check signin_wrong_code_says has 'That code is not right'
code=$(c totp fresh)
check signin_right_code test "$(c form g /login/code "code=$code")" = 303
check signin_then_in test "$(c req g GET /account)" = 200
# The same code again, in another browser: refused (a code works once).
c req h GET /login >/dev/null
c form h /login login=fresh password=fresh-password-1 >/dev/null
c req h GET /login/code >/dev/null
check code_replay_refused test "$(c form h /login/code "code=$code")" = 401
check code_replay_says has 'used already'
# A recovery code in its place, once.
rc1=$(echo "$codes" | head -1)
check recovery_code_works test "$(c form h /login/code "code=$(echo "$rc1" | tr 'A-Z' 'a-z')")" = 303
c req i GET /login >/dev/null
c form i /login login=fresh password=fresh-password-1 >/dev/null
c req i GET /login/code >/dev/null
check recovery_code_once test "$(c form i /login/code "code=$rc1")" = 401
c req f GET /account/second-factor >/dev/null
check recovery_codes_left has 'Recovery codes not yet used: <strong>9</strong>'

# --- the API: the code in the same call ---
c req api POST /api/v1/session '{"login":"fresh","password":"fresh-password-1"}' >/dev/null
check api_needs_code test "$(c status)" = 401
check api_needs_code_field test "$(c json error.field)" = code
check api_with_code test "$(c req api POST /api/v1/session "{\"login\":\"fresh\",\"password\":\"fresh-password-1\",\"code\":\"$(c totp fresh)\"}")" = 200
check api_wrong_code test "$(c req api2 POST /api/v1/session '{"login":"fresh","password":"fresh-password-1","code":"000000"}')" = 401

# --- the password asked again before a change ---
c req f GET /account/second-factor >/dev/null
check reauth_wrong_refused test "$(c form f /account/second-factor/recovery password=not-my-password)" = 403
check reauth_wrong_says has 'That is not your password'
check reauth_off_wrong_refused test "$(c form f /account/second-factor/off password_off=not-my-password)" = 403
old_tok=$(c cookie f chiron_session)
check recovery_new test "$(c form f /account/second-factor/recovery password=fresh-password-1)" = 200
check recovery_new_rotates test "$(c cookie f chiron_session)" != "$old_tok"
c req j GET /login >/dev/null
c form j /login login=fresh password=fresh-password-1 >/dev/null
c req j GET /login/code >/dev/null
check recovery_old_codes_dead test "$(c form j /login/code "code=$(echo "$codes" | sed -n 2p)")" = 401

# --- sessions: a new one at each sign-in; idle and absolute limits ---
sign_in s seeker-password-1 seek >/dev/null
tok1=$(c cookie s chiron_session)
sign_in s seeker-password-1 seek >/dev/null
tok2=$(c cookie s chiron_session)
check rotate_at_sign_in test "$tok1" != "$tok2"
c setcookie old chiron_session "$tok1"
check rotate_old_token_dead test "$(c req old GET /account)" = 303
check session_live test "$(c req s GET /account)" = 200
clock_set 1790
check session_idle_under test "$(c req s GET /account)" = 200
clock_set $((1790 + 1801))
check session_idle_over test "$(c req s GET /account)" = 303
# Absolute: used every 25 minutes, it still ends 12 hours after sign-in.
clock_set 10000
sign_in s seeker-password-1 seek >/dev/null
t=10000
alive=1
while [ $((t + 1500)) -lt $((10000 + 43200)) ]; do
	t=$((t + 1500))
	clock_set "$t"
	[ "$(c req s GET /account)" = 200 ] || alive=0
done
check session_used_stays_alive test "$alive" = 1
clock_set $((10000 + 43200))
check session_absolute_over test "$(c req s GET /account)" = 303
clock_set 0

# --- a new password ends every other session ---
sign_in p1 seeker-password-1 seek >/dev/null
sign_in p2 seeker-password-1 seek >/dev/null
c req p1 GET /account/password >/dev/null
check password_change_wrong_current test "$(c form p1 /account/password current=nope password=a-new-long-password)" = 403
check password_change_short test "$(c form p1 /account/password current=seeker-password-1 password=short-one)" = 400
check password_change test "$(c form p1 /account/password current=seeker-password-1 password=a-new-long-password)" = 200
check password_change_keeps_this test "$(c req p1 GET /account)" = 200
check password_change_ends_others test "$(c req p2 GET /account)" = 303
check password_new_signs_in test "$(sign_in p3 a-new-long-password seek)" = 303

# --- a seeker may turn one on, and off (the password again) ---
c req p1 GET /account >/dev/null
check seeker_offered has 'href="/account/second-factor"'
enroll p1 >/dev/null
c req p1 GET /account/second-factor >/dev/null
check seeker_enrolled has 'Recovery codes not yet used'
check seeker_off test "$(c form p1 /account/second-factor/off password_off=a-new-long-password)" = 303
check seeker_off_lands test "$(c header Location)" = /account

# --- __Host- cookies when served over https ---
stop_server
serve --public-url https://chiron.example.org
c forget hs
# (the client's base is the first server's: whole addresses here)
c req hs GET "$B/login" >/dev/null
check host_prefix_csrf_cookie sh -c 'printf "%s\n" "$1" | grep -q "^__Host-chiron_csrf=.*; Path=/; HttpOnly; Secure"' _ "$(c headers Set-Cookie)"
c form hs "$B/login" login=seek password=a-new-long-password >/dev/null
hdr=$(c headers Set-Cookie)
check host_prefix_session_cookie sh -c 'printf "%s\n" "$1" | grep -q "^__Host-chiron_session=.*; Path=/; HttpOnly; Secure; SameSite=Lax"' _ "$hdr"
check host_prefix_session_works test "$(c req hs GET "$B/account")" = 200

grep -q 'runtime error\|AddressSanitizer' "$W/serve.err" && not_ok no_sanitizer_reports || ok no_sanitizer_reports
done_suite
