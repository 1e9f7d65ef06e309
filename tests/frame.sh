#!/usr/bin/env bash
# The page frame and the pages around it (issue 10, "frame"): signing in
# and up from a page returns to it (`next`, only a path of this site), the
# forms of accounts, organizations and the calendar show their errors in
# the one pattern with what was typed kept, the navigation, the icon, the
# error pages in the frame, and the privacy page with every table of the
# store named on it.
#   tests/frame.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
. "$(dirname "$0")/lib/suite.sh" "$1"

"$BIN" import --db "$DB" "$CONF/directory.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
mkuser frame_admin frame-admin-pw admin
mkuser frame_thera frame-thera-pw therapist t-0000001
mkuser frame_seek frame-seek-pw1 seeker

serve
client_start

body_has() { [ "$(c has "$1")" = 1 ]; }
body_lacks() { [ "$(c lacks "$1")" = 1 ]; }
loc() { c header Location; }
csrf() { http "$1" GET "$2" >/dev/null; }

# --- next: a signed-out GET of a page that needs an account -----------
BOOK='/therapists/t-0000007/book?kind=individual'
same next_login_redirect_status "$(http anon GET "$BOOK")" 303
same next_login_redirect_carries_page "$(loc)" "/login?next=%2Ftherapists%2Ft-0000007%2Fbook%3Fkind%3Dindividual"
http anon GET "$(loc)" >/dev/null
body_has '<input type="hidden" name="next" value="/therapists/t-0000007/book?kind=individual">' &&
	ok next_login_form_hidden || not_ok next_login_form_hidden "$(c grep '(<input type="hidden" name="next"[^>]*>)')"
body_has 'href="/signup?next=%2Ftherapists%2Ft-0000007%2Fbook%3Fkind%3Dindividual"' &&
	ok next_login_links_signup || not_ok next_login_links_signup "$(c grep '(href="/signup[^"]*")')"
same next_login_title_kept "$(c grep '(you come back to the page you were on)')" "you come back to the page you were on"
same next_sign_in_returns "$(c form anon /login login=frame_seek password=frame-seek-pw1 "next=$BOOK")" 303
same next_sign_in_location "$(loc)" "$BOOK"
same next_page_reached "$(http anon GET "$BOOK")" 200

# A form sent signed out is not a page to come back to.
same next_post_no_next "$(http anon2 POST /therapy/timezone 'timezone=UTC')" 303
same next_post_plain_login "$(loc)" /login

# Hostile or broken next values all land on the account page.
for pair in "https_evil|https://evil.example/" "slashes|//evil.example/x" "backslash|/\\evil.example" \
	"crlf|/account%0d%0aSet-Cookie:x=1" "crlf_raw|/x$(printf '\r\n')Location: //evil" \
	"scheme|javascript:alert(1)" "tab_slash|/$(printf '\t')/evil" "empty|" \
	"long|/$(head -c 1200 /dev/zero | tr '\0' a)"; do
	name=${pair%%|*}; val=${pair#*|}
	[ "$name" = crlf ] && val=$(printf '/account\r\nSet-Cookie: x=1')
	csrf "h_$name" /login
	st=$(c form "h_$name" /login login=frame_seek password=frame-seek-pw1 "next=$val")
	same "next_hostile_${name}_status" "$st" 303
	same "next_hostile_${name}_to_account" "$(loc)" /account
	# Shown again in a form, it is not carried.
	http "h_$name" GET "/login?next=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1],safe=""))' "$val")" >/dev/null
	body_lacks 'name="next"' && ok "next_hostile_${name}_not_carried" || not_ok "next_hostile_${name}_not_carried"
done

done_suite
