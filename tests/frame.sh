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
mkuser frame_admin frame-admin-password admin
mkuser frame_thera frame-thera-password therapist t-0000001
mkuser frame_seek frame-seek-password1 seeker
# Signs in once per hostile value below (the throttle allows ten an account).
mkuser frame_host frame-host-password1 seeker

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
same next_sign_in_returns "$(c form anon /login login=frame_seek password=frame-seek-password1 "next=$BOOK")" 303
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
	st=$(c form "h_$name" /login login=frame_host password=frame-host-password1 "next=$val")
	same "next_hostile_${name}_status" "$st" 303
	same "next_hostile_${name}_to_account" "$(loc)" /account
	# Shown again in a form, it is not carried.
	http "h_$name" GET "/login?next=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1],safe=""))' "$val")" >/dev/null
	body_lacks 'name="next"' && ok "next_hostile_${name}_not_carried" || not_ok "next_hostile_${name}_not_carried"
done

# --- sign up from a page: the mailed link lands there ----------------
PROFILE=/therapists/t-0000003
csrf su "/signup?next=$(printf %s "$PROFILE" | sed 's|/|%2F|g')"
body_has "<input type=\"hidden\" name=\"next\" value=\"$PROFILE\">" && ok signup_form_carries_next || not_ok signup_form_carries_next
same signup_next_asked "$(c form su /signup handle=frame_new email=frame_new@example.org password=long-enough-password role=seeker "next=$PROFILE")" 200
link=$(mail_c_link frame_new@example.org /signup/confirm) || not_ok signup_next_mailed
full=$(mail_c_to frame_new@example.org | grep -o "https\?://[^ ]*/signup/confirm/[A-Za-z0-9_-]\{43\}[^ ]*" | tail -1)
same signup_next_in_mail "${full#"$link"}" "?next=%2Ftherapists%2Ft-0000003"
http su GET "/${full#http*://*/}" >/dev/null
body_has "<input type=\"hidden\" name=\"next\" value=\"$PROFILE\">" && ok signup_confirm_carries_next || not_ok signup_confirm_carries_next
same signup_confirm_returns "$(c form su "/${link#http*://*/}" "next=$PROFILE")" 303
same signup_confirm_location "$(loc)" "$PROFILE"

# A profile's links to sign in or up, to write to the therapist, come back to it.
http - GET /therapists/t-0000003 >/dev/null
body_has 'href="/login?next=%2Ftherapists%2Ft-0000003">Sign in</a> or <a href="/signup?next=%2Ftherapists%2Ft-0000003">create an account' &&
	ok profile_sign_in_links_carry_next || not_ok profile_sign_in_links_carry_next "$(c grep '(<h2>Ask for a consultation.{0,300})')"

# --- the forms' errors: the summary, each field's sentence, values kept --
# summary_for NAME FIELD...: the last answer has the error summary, linked
# to each FIELD's input, and each input marked invalid.
summary_for() {
	local name=$1 f; shift
	body_has '<div class="error-summary"' && body_has '<title>Error: ' && ok "${name}_summary" ||
		not_ok "${name}_summary" "$(c grep '(<title>[^<]*)')"
	for f in "$@"; do
		body_has "<a href=\"#$f\">" && body_has "id=\"$f-error\"" && body_has "id=\"$f\"" &&
			ok "${name}_${f}_linked" || not_ok "${name}_${f}_linked"
	done
}
csrf fs /signup
same signup_bad_status "$(c form fs /signup handle=x email=nope password=short role=seeker)" 400
summary_for signup_bad handle password
body_has 'value="nope"' && body_has 'value="x"' && ok signup_bad_values_kept || not_ok signup_bad_values_kept
body_lacks 'value="short"' && ok signup_bad_password_not_kept || not_ok signup_bad_password_not_kept
body_has 'Give a pseudonym of 3 to 40' && body_has 'Choose a password of 15 to 128 characters' &&
	ok signup_bad_plain_words || not_ok signup_bad_plain_words
# The email checked by the service once the rest is right.
same signup_bad_email_status "$(c form fs /signup handle=frame_x email=nope password=long-enough-password role=seeker)" 400
summary_for signup_bad_email email
body_has 'value="nope"' && body_has 'value="frame_x"' && ok signup_bad_email_kept || not_ok signup_bad_email_kept
# A taken pseudonym or email: the same answer as a free one.
same signup_taken_same "$(c form fs /signup handle=frame_seek email=frame_seek@example.org password=long-enough-password role=seeker)" 200
body_has 'Check your email' && body_lacks 'error-summary' && ok signup_taken_reveals_nothing || not_ok signup_taken_reveals_nothing

csrf fl /login
same login_bad_status "$(c form fl /login login=frame_seek password=wrong-password)" 401
summary_for login_bad password
body_has 'value="frame_seek"' && ok login_bad_login_kept || not_ok login_bad_login_kept
body_lacks 'wrong-password' && ok login_bad_password_not_kept || not_ok login_bad_password_not_kept
same login_empty_status "$(c form fl /login login= password=)" 400
summary_for login_empty login password

csrf fr /reset
same reset_bad_status "$(c form fr /reset email=)" 400
summary_for reset_bad email
same reset_bad_email_status "$(c form fr /reset email=not-an-address)" 400
summary_for reset_bad_email email
body_has 'value="not-an-address"' && ok reset_bad_kept || not_ok reset_bad_kept

# The reset link's form: a short password is named, nothing is kept.
csrf rt /reset
c form rt /reset email=frame_seek@example.org >/dev/null
rlink=$(mail_c_link frame_seek@example.org /reset) || not_ok reset_link_mailed
rpath=/${rlink#http*://*/}
csrf rt "$rpath"
same reset_token_bad_status "$(c form rt "$rpath" password=short)" 400
summary_for reset_token_bad password
body_lacks 'value="short"' && ok reset_token_bad_not_kept || not_ok reset_token_bad_not_kept

sign_in fo frame-seek-password1 frame_seek >/dev/null
csrf fo /orgs/new
same org_bad_status "$(c form fo /orgs/new name=ab kind=employer jurisdiction=)" 400
summary_for org_bad name jurisdiction
body_has 'value="ab"' && body_has '<option value="employer" selected>' && ok org_bad_kept || not_ok org_bad_kept
body_has 'Choose the state or province it is in' && ok org_bad_plain_words || not_ok org_bad_plain_words

# The calendar's form (multipart): a zone that is not one, hours that end
# before they start; the hours typed are kept.
csrf fo /calendar
tok=$(c csrf fo)
printf 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' >"$W/empty.ics"
cal() {
	curl -s -o "$W/cal.html" -w '%{http_code}' -b "chiron_session=$(c cookie fo chiron_session)" \
		-F "csrf=$tok" -F hours=1 -F "timezone=$1" -F "work_mon_start=$2" -F "work_mon_end=$3" \
		-F "calendar=@$W/empty.ics;type=text/calendar" "$B/calendar"
}
same calendar_bad_zone_status "$(cal Mars/Olympus 09:00 17:00)" 400
c load "$W/cal.html" >/dev/null
summary_for calendar_bad_zone timezone
body_has 'value="Mars/Olympus"' && ok calendar_bad_zone_kept || not_ok calendar_bad_zone_kept
same calendar_bad_hours_status "$(cal Europe/London 17:00 09:00)" 400
c load "$W/cal.html" >/dev/null
summary_for calendar_bad_hours work_mon_start
body_has 'value="17:00"' && body_has 'Monday: ' && ok calendar_bad_hours_kept || not_ok calendar_bad_hours_kept

# --- the icon ------------------------------------------------------------
same favicon_status "$(http - GET /favicon.ico)" 200
same favicon_type "$(c header Content-Type)" image/x-icon
curl -s "$B/favicon.ico" | head -c 4 | od -An -tx1 | tr -d ' \n' >"$W/ico.head"
same favicon_is_an_icon "$(cat "$W/ico.head")" 00000100
same icon_svg_status "$(http - GET /static/icon.svg)" 200
same icon_svg_type "$(c header Content-Type)" image/svg+xml
http - GET / >/dev/null
body_has '<link rel="icon" href="/static/icon.svg" type="image/svg+xml">' && body_has '<link rel="icon" href="/favicon.ico"' &&
	ok icon_linked || not_ok icon_linked

# --- the navigation ------------------------------------------------------
nav() { c grep '<nav class="site" aria-label="Main"><ul>(.*?)</ul></nav>' | sed 's/<[^>]*>/|/g; s/||*/|/g'; }
sign_in na frame-admin-password frame_admin >/dev/null
http na GET /search >/dev/null
same nav_admin "$(nav)" "|Admin|Find a therapist|My therapy|frame_admin|"
body_has '<a href="/search" aria-current="page">Find a therapist' && ok nav_current_marked || not_ok nav_current_marked
sign_in nt frame-thera-password frame_thera >/dev/null
http nt GET /schedule >/dev/null
same nav_therapist "$(nav)" "|Find a therapist|My schedule|My therapy|frame_thera|"
body_has '<a href="/schedule" aria-current="page">My schedule' && ok nav_schedule_current || not_ok nav_schedule_current
http fo GET /account >/dev/null
same nav_seeker "$(nav)" "|Find a therapist|My therapy|frame_seek|"
http - GET /privacy >/dev/null
same nav_anyone "$(nav)" "|Find a therapist|Sign in|"
body_has '<a href="/login?next=%2Fprivacy">Sign in' && ok nav_sign_in_comes_back || not_ok nav_sign_in_comes_back

# --- the home page and the privacy page -----------------------------------
http - GET / >/dev/null
same home_one_primary_button "$(c body | grep -o 'class="button"' | wc -l)" 1
body_has '<a class="button" href="/search">Find a therapist</a>' && ok home_find_button || not_ok home_find_button
body_has 'href="/signup?role=therapist">List your practice' && ok home_list_practice || not_ok home_list_practice
body_has 'href="/privacy">Privacy' && ok footer_privacy_link || not_ok footer_privacy_link
http - GET '/signup?role=therapist' >/dev/null
body_has 'value="therapist" checked' && ok signup_as_therapist_preselected || not_ok signup_as_therapist_preselected
same privacy_status "$(http - GET /privacy)" 200
for h in 'Your account' 'Searching' 'Writing to and booking a therapist' "Therapists&#39; listings" 'Running the service'; do
	body_has ">$h</h2>" && ok "privacy_group_$(echo "$h" | tr -cd 'a-zA-Z')" || not_ok "privacy_group_$h"
done
body_has 'Your searches: not kept' && body_has 'Your uploaded calendar' && body_has 'Counts of attempts' &&
	body_has 'Appointments and series' && ok privacy_items_shown || not_ok privacy_items_shown
same privacy_items_each_how_long "$(c body | grep -o '<dt>How long</dt>' | wc -l)" "$(grep -c '^	{PRIV_' "$ROOT/src/app/privacy.c")"
body_lacks '<table' && body_lacks 'signup_pending' && ok privacy_no_wide_table_no_table_names || not_ok privacy_no_wide_table_no_table_names

# --- errors in the frame, each with a next step ----------------------------
same error_404_status "$(http - GET /no-such-page)" 404
body_has '<h1>Page not found</h1>' && body_has '<nav class="site"' && body_has 'href="/search">Find a' &&
	ok error_404_in_frame || not_ok error_404_in_frame
same error_403_status "$(http fo GET /schedule)" 403
body_has '<h1>This page is not for your account</h1>' && body_has 'href="/account">Your account' &&
	ok error_403_in_frame || not_ok error_403_in_frame
same error_405_status "$(http - DELETE /privacy)" 405
body_has '<h1>This address does not take that</h1>' && ok error_405_in_frame || not_ok error_405_in_frame

done_suite
