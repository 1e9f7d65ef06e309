#!/usr/bin/env bash
# The seeker's booking pages, against a running `chiron serve` on
# loopback through the suite's one client (tests/lib/suite.sh): session
# types named from the therapist's settings and only those the listing's
# formats allow (the API too); the kind and the way of meeting kept in
# every link; a chosen time shows a check that books nothing until it is
# posted; the session's own page after booking and after a move ("Moved
# from ... to ..."); the move page naming the session; cancelling after a
# check; My therapy by names (therapist, series in English, waitlists);
# every bad input answered with the error summary and the values kept.
#   tests/booking_pages.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
. "$(dirname "$0")/lib/suite.sh" "$1"

python3 - "$W/dir.jsonl" <<'PY'
import json, sys
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
base = {"type": "therapist", "credentials": "PhD", "profession": "psychologist", "licenses": ["US-NY"],
        "accepting_new_clients": True, "orientations": ["cbt"], "focus_areas": ["burnout"],
        "languages": ["en"], "career_stages": ["early_career"], "clinician_clients": True,
        "availability": [{"day": d, "start": "09:00", "end": "17:00"} for d in days]}
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({**base, "id": "t-9100001", "name": "Dana Reyes", "timezone": "America/New_York",
        "modalities": ["telehealth", "in_person"], "office": {"lat": 40.7, "lon": -74.0, "jurisdiction": "US-NY"},
        "formats": ["individual"], "fee": {"currency": "USD", "session": 150, "sliding_scale_min": 90}}) + "\n")
    f.write(json.dumps({**base, "id": "t-9100002", "name": "Omar Haddad", "timezone": "America/Chicago",
        "modalities": ["telehealth"], "formats": ["individual", "group"],
        "fee": {"currency": "USD", "session": 120, "group_session": 60}}) + "\n")
PY
"$BIN" import --db "$DB" "$W/dir.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
mkuser dana dana-password-1 therapist t-9100001 3
mkuser omar omar-password-1 therapist t-9100002 3
mkuser seeker1 seeker-password-1 seeker
serve --api-rate 0
client_start

code() { http "$1" "$2" "$3" "${4:-}"; }
body_has() { [ "$(c has "$1")" = 1 ]; }
body_lacks() { [ "$(c has "$1")" = 0 ]; }
# the first time offered on the last page: the address of its check
first_slot() { c grep 'class="button secondary" href="([^"]*start=[0-9]+)"' | sed 's/&amp;/\&/g'; }
appts() { api S GET /api/v1/appointments >/dev/null; c jsonpy 'len([a for a in d["appointments"] if a["status"] == "booked"])'; }
api() { c api "$@"; }

# Dana offers a 20-minute consultation and (in her settings) a group,
# though her listing says individual only; Omar's listing has groups.
api_sign_in D dana-password-1 dana >/dev/null
api D PUT /api/v1/schedule '{"notice_hours":24,"session_types":[{"kind":"consultation","minutes":20,"step":30,"capacity":1},{"kind":"individual","minutes":50,"step":60,"capacity":1},{"kind":"group","minutes":90,"step":60,"capacity":8}]}' >/dev/null
same schedule_saved "$(c status)" 200
sign_in S seeker-password-1 seeker1 >/dev/null
api_sign_in S seeker-password-1 seeker1 >/dev/null

# --- the kinds, named from the settings; only those the listing allows ---
same book_page "$(code S GET /therapists/t-9100001/book)" 200
check kind_named_from_settings body_has 'Consultation, 20 minutes, free'
check kind_no_fixed_fifteen body_lacks '15-minute'
check individual_named body_has 'Individual session, 50 minutes'
check group_not_offered_individual_only body_lacks 'Group session'
check consultation_chosen_first body_has 'class="chosen" aria-current="true">Consultation, 20 minutes, free'
check slot_grid body_has '<div class="slot-grid">'
same api_group_refused_individual_only "$(code S GET '/api/v1/therapists/t-9100001/slots?kind=group')" 400
same api_group_field "$(c json error.field)" kind
same api_group_offered_with_group_format "$(code S GET '/api/v1/therapists/t-9100002/slots?kind=group')" 200
code S GET /therapists/t-9100002/book >/dev/null
check group_offered_with_group_format body_has 'Group session, 90 minutes, 8 seats'
same book_group_refused_individual_only "$(api S POST /api/v1/appointments '{"therapist_id":"t-9100001","kind":"group","start":"2030-01-01T15:00:00Z"}')" 400
same wait_group_refused_individual_only "$(api S POST /api/v1/waitlist '{"therapist_id":"t-9100001","kind":"group"}')" 400

# --- the choices kept across weeks and across each other ---
same book_choices "$(code S GET '/therapists/t-9100001/book?kind=individual&modality=telehealth')" 200
check later_keeps_both body_has 'book?kind=individual&amp;modality=telehealth&amp;week=1" rel="next">Later week'
check kind_links_keep_way body_has 'book?kind=consultation&amp;modality=telehealth&amp;week=0"'
check way_links_keep_kind body_has 'book?kind=individual&amp;modality=in_person&amp;week=0"'
check way_chosen body_has 'class="chosen" aria-current="true">By telehealth'
code S GET '/therapists/t-9100001/book?kind=individual&modality=telehealth&week=2' >/dev/null
check earlier_keeps_both body_has 'book?kind=individual&amp;modality=telehealth&amp;week=1" rel="prev">Earlier week'
check slot_links_keep_both body_has 'book?kind=individual&amp;modality=telehealth&amp;week=2&amp;start='

# --- bad inputs: the summary, the rest kept ---
same week_out_of_range "$(code S GET '/therapists/t-9100001/book?kind=individual&modality=telehealth&week=99')" 400
check week_summary body_has 'There is a problem'
check week_sentence body_has '<a href="#week">Choose a week from this one to 51 weeks ahead</a>'
check week_kind_kept body_has 'class="chosen" aria-current="true">Individual session, 50 minutes'
check week_way_kept body_has 'class="chosen" aria-current="true">By telehealth'
check week_title body_has '<title>Error: Book with Dana Reyes'
same start_not_a_slot "$(code S GET '/therapists/t-9100001/book?kind=individual&start=12345')" 400
check start_summary body_has '<a href="#start">That time is not open; choose one of the times shown</a>'
check start_kind_kept body_has 'class="chosen" aria-current="true">Individual session, 50 minutes'
same bad_kind_and_week "$(code S GET '/therapists/t-9100001/book?kind=group&week=-1')" 400
check all_errors_at_once_week body_has '<li><a href="#week">Choose a week'
check all_errors_at_once_kind body_has '<li><a href="#kind">This therapist does not offer group sessions; choose one of the kinds shown'
check bad_kind_falls_back body_has 'class="chosen" aria-current="true">Consultation, 20 minutes, free'
code S GET /therapists/t-9100001/book >/dev/null
same post_not_a_slot "$(c form S /therapists/t-9100001/book kind=individual modality=in_person start=12345)" 400
check post_summary body_has 'There is a problem'
check post_way_kept body_has 'class="chosen" aria-current="true">In person'
same post_booked_nothing "$(appts)" 0

# --- a chosen time: a check first, nothing booked on GET ---
# a week ahead, so cancelling later is in time
code S GET '/therapists/t-9100001/book?kind=individual&modality=telehealth&week=1' >/dev/null
SLOT=$(first_slot)
check slot_offered test -n "$SLOT"
same check_page "$(code S GET "$SLOT")" 200
check check_says body_has '<h1>Check your booking</h1>'
check check_facts body_has '<dl class="facts">'
check check_fee body_has '150 USD a session; sliding scale from 90'
check check_terms body_has 'Cancel or move free until 24 hours before'
check check_length body_has '50 minutes'
check check_way body_has 'By telehealth'
check check_button body_has '<button type="submit">Book this session</button>'
same check_books_nothing "$(appts)" 0
START=${SLOT##*start=}
same book_post "$(c form S /therapists/t-9100001/book kind=individual modality=telehealth week=1 start="$START")" 303
LOC=$(c header Location)
check booked_goes_to_session test "${LOC%%\?*}" != "" -a "${LOC#*\?}" = booked=1
same booked_once "$(appts)" 1
ID=$(echo "$LOC" | sed 's,^.*/appointments/\([0-9]*\)?.*$,\1,')
same session_page "$(code S GET "$LOC")" 200
check session_booked body_has '<h1>Your session is booked</h1>'
check session_ics body_has "href=\"/appointments/$ID/ics\">Add to your calendar (.ics)"
check session_my_therapy body_has 'href="/therapy">Go to My therapy'
check session_with_name body_has 'Dana Reyes'

# --- My therapy: names, never ids ---
code S GET /therapy >/dev/null
check therapy_with_name body_has 'with <a href="/therapists/t-9100001">Dana Reyes</a>'
check therapy_no_id_on_screen body_lacks '>t-9100001<'
check therapy_cancel_secondary body_has "class=\"button secondary\" href=\"/appointments/$ID/cancel\""

# --- moving: the page names the session, a check, then "Moved from ... to ..." ---
same move_page "$(code S GET "/appointments/$ID/move?week=2")" 200
check move_names_session test "$(c grep '<h1>(Move your individual session of \w{3} \d+ \w{3}, \d\d:\d\d)</h1>')" != ""
MSLOT=$(first_slot)
same move_check "$(code S GET "$MSLOT")" 200
check move_check_from body_has '<dt>From</dt>'
check move_check_to body_has '<dt>To</dt>'
check move_check_button body_has 'Move the session</button>'
same move_check_moves_nothing "$(api S GET /api/v1/appointments >/dev/null; c jsonpy "[a['start'] for a in d['appointments'] if a['id'] == $ID][0] == __import__('datetime').datetime.fromtimestamp($START, __import__('datetime').timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')")" true
code S GET "$MSLOT" >/dev/null
same move_not_a_slot "$(c form S "/appointments/$ID/move" start=12345)" 400
check move_not_a_slot_summary body_has 'There is a problem'
code S GET "$MSLOT" >/dev/null
same move_post "$(c form S "/appointments/$ID/move" start="${MSLOT##*start=}")" 303
same moved_page "$(code S GET "$(c header Location)")" 200
check moved_from_to test "$(c grep '(Moved from \w{3} \d+ \w{3} \d{4}, \d\d:\d\d to \w{3} \d+ \w{3} \d{4}, \d\d:\d\d)')" != ""

# --- a series, in English ---
code S GET /therapy >/dev/null
same series_post "$(c form S "/appointments/$ID/series" interval_weeks=1 count=3)" 303
code S GET /therapy >/dev/null
check series_english test "$(c grep '(Individual sessions every week on \w+days at \d\d:\d\d \(New York time\), 3 sessions)')" != ""
check series_with_name body_has ', with <a href="/therapists/t-9100001">Dana Reyes</a>'

# --- cancelling: a check first ---
same cancel_check "$(code S GET "/appointments/$ID/cancel")" 200
check cancel_check_says body_has '<h1>Cancel this session?</h1>'
check cancel_check_terms body_has 'Cancelling less than 24 hours before counts as late'
check cancel_check_danger body_has 'class="button danger">Cancel the session</button>'
same cancel_check_cancels_nothing "$(appts)" 3
same cancel_post "$(c form S "/appointments/$ID/cancel")" 303
same cancelled_one "$(appts)" 2

# --- the waitlist, by name and kind ---
code S GET /therapists/t-9100001/book >/dev/null
same wait_join "$(c form S /waitlist/t-9100001 kind=individual)" 303
same wait_note_page "$(code S GET "$(c header Location)")" 200
check wait_note body_has "You are on Dana Reyes&#39;s waitlist for individual sessions" || true
check wait_row body_has 'Dana Reyes</a>, individual sessions'

# --- a time inside the notice period: the check says a change is late ---
api_sign_in O omar-password-1 omar >/dev/null
api O PUT /api/v1/schedule '{"notice_hours":168,"session_types":[{"kind":"individual","minutes":50,"step":60,"capacity":1}]}' >/dev/null
code S GET '/therapists/t-9100002/book?kind=individual' >/dev/null
same late_check_page "$(code S GET "$(first_slot)")" 200
check late_check_says_late body_has 'It is less than 168 hours away, so cancelling or moving it counts as late'
check late_check_no_past_until body_lacks 'Cancel or move free until'

# --- the time zone: an unknown one gets the summary, the value kept ---
code S GET /therapy >/dev/null
same zone_unknown "$(c form S /therapy/timezone timezone=Mars/Base)" 400
check zone_summary body_has '<a href="#timezone">We do not know the time zone'
check zone_value_kept body_has 'value="Mars/Base"'
check zone_invalid_marked body_has 'aria-invalid="true" aria-describedby="timezone-error"'
code S GET /therapy >/dev/null
same zone_known "$(c form S /therapy/timezone timezone=Europe/London)" 303
code S GET /therapists/t-9100001/book >/dev/null
check zone_both_shown body_has 'their time</span>'

done_suite
