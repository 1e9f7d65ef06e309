#!/usr/bin/env bash
# A therapist's own schedule: the booking notice (how far ahead a session
# must be booked) apart from the notice for cancelling or moving, through
# the API, the slots, the booking page and My schedule, with the server's
# settable clock; My schedule's two forms (settings, closures) showing
# every error at once in plain words with the values kept.
#   tests/schedule.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
. "$(dirname "$0")/lib/suite.sh" "$1"

python3 - "$W/dir.jsonl" <<'PY'
import json, sys
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"type": "therapist", "id": "t-8000001", "name": "Notice Tester", "credentials": "PhD",
        "profession": "psychologist", "licenses": ["US-NY"], "modalities": ["telehealth"],
        "formats": ["individual", "group"], "accepting_new_clients": True,
        "fee": {"currency": "USD", "session": 100}, "orientations": ["cbt"], "focus_areas": ["burnout"],
        "languages": ["en"], "career_stages": ["early_career"], "clinician_clients": True,
        "timezone": "America/New_York",
        "availability": [{"day": d, "start": "00:00", "end": "24:00"} for d in days]}) + "\n")
PY
"$BIN" import --db "$DB" "$W/dir.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
mkuser ther ther-password-1 therapist t-8000001
mkuser seek seek-password-1 seeker
# The clock moves hours ahead below with the same sessions: they are not
# what is tested here (second_factor.sh tests their limits).
serve --session-idle 2592000 --session-max 31536000
client_start
api_sign_in ther ther-password-1 >/dev/null
api_sign_in seek seek-password-1 >/dev/null
sign_in therw ther-password-1 ther >/dev/null
sign_in seekw seek-password-1 seek >/dev/null
T=t-8000001
OFFSET=0

# hours_ahead ISO: hours from the server's now (the clock's offset
# included) to an instant.
hours_ahead() {
	python3 -c 'import sys,datetime,time
t=datetime.datetime.strptime(sys.argv[1],"%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()
print("%.3f" % ((t - time.time() - int(sys.argv[2])) / 3600))' "$1" "$OFFSET"
}
# iso HOURS: the first slot start at least HOURS ahead of the server's now,
# from the slots API (with a 0-hour notice, every hour is a slot).
slots() { http seek GET "/api/v1/therapists/$T/slots?kind=individual&days=5" >/dev/null; }
first_slot() { slots; c jsonpy 'd["slots"][0]["start"]'; }
slot_after() { # HOURS
	slots
	c jsonpy "next(s['start'] for s in d['slots'] if datetime.datetime.strptime(s['start'],'%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc).timestamp() >= time.time() + $OFFSET + $1*3600)"
}
gt() { python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "$1" "$2"; }
book() { # USER ISO -> status
	c api "$1" POST /api/v1/appointments "{\"therapist_id\":\"$T\",\"kind\":\"individual\",\"start\":\"$2\"}"
}
put_schedule() { # NOTICE BOOKING_NOTICE -> status
	c api ther PUT /api/v1/schedule "{\"notice_hours\":$1,\"booking_notice_hours\":$2,\"session_types\":[{\"kind\":\"individual\",\"minutes\":50,\"step\":60}]}"
}

# --- the booking notice through the API ---
http ther GET /api/v1/schedule >/dev/null
same booking_notice_default_one_hour "$(c jsonpy 'd["booking_notice_hours"]')" 1
same schedule_put_cancel_notice_48 "$(put_schedule 48 1)" 200
same schedule_put_keeps_both "$(c jsonpy '(d["notice_hours"], d["booking_notice_hours"])')" "[48,1]"
h=$(hours_ahead "$(first_slot)")
gt "$h" 1 && ! gt "$h" 2.001 && ok slots_start_after_one_hour || not_ok slots_start_after_one_hour "first slot $h hours ahead"
same slots_say_booking_notice "$(c jsonpy 'd["booking_notice_hours"]')" 1
# A 48-hour cancellation notice does not stop a booking five hours ahead:
# the two notices are apart.
S5=$(slot_after 5)
same book_five_hours_ahead_under_48h_cancel_notice "$(book seek "$S5")" 201
A5=$(c jsonpy 'd["id"]')
c api seek POST "/api/v1/appointments/$A5/cancel" >/dev/null
same cancel_inside_48h_is_late "$(c jsonpy 'd["late"]')" true

same schedule_put_booking_notice_24 "$(put_schedule 48 24)" 200
same schedule_get_booking_notice_24 "$(c jsonpy 'd["booking_notice_hours"]')" 24
h=$(hours_ahead "$(first_slot)")
gt "$h" 24 && ok slots_none_inside_booking_notice || not_ok slots_none_inside_booking_notice "first slot $h hours ahead"
same book_inside_booking_notice_refused "$(book seek "$S5")" 409
check book_refusal_in_plain_words test "$(c jsonpy 'd["error"]["message"]')" = \
	"this therapist takes bookings at least 24 hours ahead; choose a later time"
S30=$(slot_after 30)
same book_outside_booking_notice "$(book seek "$S30")" 201
A30=$(c jsonpy 'd["id"]')

# Eight hours later (the server's clock), 30 hours ahead is 22: inside.
OFFSET=28800; clock_set $OFFSET
h=$(hours_ahead "$(first_slot)")
gt "$h" 24 && ok clock_moves_the_first_slot || not_ok clock_moves_the_first_slot "first slot $h hours ahead"
S31=$(python3 -c 'import sys,datetime; t=datetime.datetime.strptime(sys.argv[1],"%Y-%m-%dT%H:%M:%SZ")+datetime.timedelta(hours=1); print(t.strftime("%Y-%m-%dT%H:%M:%SZ"))' "$S30")
same book_after_clock_inside_notice_refused "$(book seek "$S31")" 409
same move_inside_booking_notice_refused \
	"$(c api seek POST "/api/v1/appointments/$A30/move" "{\"start\":\"$S31\"}")" 409
S40=$(slot_after 40)
same move_outside_booking_notice "$(c api seek POST "/api/v1/appointments/$A30/move" "{\"start\":\"$S40\"}")" 200

# The weeks ahead name the client by their pseudonym (the handle they
# chose), never by an id.
http therw GET /schedule >/dev/null
check weeks_ahead_list test "$(c has '<ul class="week">')" = 1
check weeks_ahead_session_named test -n "$(c grep '<li><strong>[0-9:]+&ndash;[0-9:]+</strong> (Individual session with [^<]+)')"
check weeks_ahead_pseudonym test "$(c has 'Individual session with seek')" = 1

# The booking page offers no time inside the notice either.
http seekw GET "/therapists/$T/book?kind=individual" >/dev/null
first=$(c grep 'start=([0-9]+)')
[ -n "$first" ] && gt "$(( first - $(date +%s) - OFFSET ))" $(( 24 * 3600 )) && ok book_page_none_inside_notice ||
	not_ok book_page_none_inside_notice "first start $first"

same schedule_put_booking_notice_too_big "$(put_schedule 48 721)" 400
same schedule_put_booking_notice_negative "$(put_schedule 48 -1)" 400

# --- My schedule: the settings form ---
http therw GET /schedule >/dev/null
check page_shows_booking_notice test "$(c grep 'id="booking_notice_hours"[^>]*value="([0-9]+)"')" = 24
check page_names_session_with_length test "$(c has 'Individual session, 50 minutes')" = 1
http therw GET /schedule >/dev/null
same page_saves_booking_notice "$(c form therw /schedule notice_hours=12 booking_notice_hours=6 \
	offer_individual=1 minutes_individual=50 step_individual=60)" 303
http ther GET /api/v1/schedule >/dev/null
same page_saved_both_notices "$(c jsonpy '(d["notice_hours"], d["booking_notice_hours"])')" "[12,6]"

http therw GET /schedule >/dev/null
same settings_bad_values_400 "$(c form therw /schedule notice_hours=12 booking_notice_hours=6 \
	offer_consultation=1 minutes_consultation=20 step_consultation=7 \
	offer_individual=1 minutes_individual=-10 step_individual=60 \
	offer_group=1 minutes_group=90 step_group=60 capacity_group=0)" 400
check settings_error_summary test "$(c has 'class="error-summary"')" = 1
check settings_names_minutes test "$(c has 'href="#minutes_individual">Length of an individual session: give a number of minutes from 5 to 480')" = 1
check settings_names_step test "$(c has 'href="#step_consultation">How often a consultation may start')" = 1
check settings_names_seats test "$(c has 'href="#capacity_group">Seats in a group session: give a number from 1 to 100')" = 1
check settings_keeps_minutes test "$(c grep 'id="minutes_individual"[^>]*value="([^"]*)"')" = -10
check settings_keeps_step test "$(c grep 'id="step_consultation"[^>]*value="([^"]*)"')" = 7
check settings_keeps_seats test "$(c grep 'id="capacity_group"[^>]*value="([^"]*)"')" = 0
check settings_field_error_by_input test "$(c has 'id="minutes_individual-error"')" = 1
check settings_no_internal_names test "$(c has 'session_types.')" = 0
http therw GET /schedule >/dev/null
same settings_booking_notice_too_big_400 "$(c form therw /schedule notice_hours=200 booking_notice_hours=800 \
	offer_individual=1 minutes_individual=50 step_individual=60)" 400
check settings_names_both_notices test "$(c has 'Booking notice: give a number of hours from 0 to 720')$(c has 'Notice for cancelling or moving: give a number of hours from 0 to 168')" = 11
check settings_keeps_notice test "$(c grep 'id="booking_notice_hours"[^>]*value="([^"]*)"')" = 800
http ther GET /api/v1/schedule >/dev/null
same settings_refused_saves_nothing "$(c jsonpy '(d["notice_hours"], d["booking_notice_hours"], len(d["session_types"]))')" "[12,6,1]"

# --- My schedule: the closures form ---
http therw GET /schedule >/dev/null
same closure_1900_400 "$(c form therw /schedule/closures first_day=1900-01-01 last_day= start=15:00 end=09:00 note=away)" 400
check closure_1900_named test "$(c has 'href="#first_day">First closed day: give a date from today to two years ahead')" = 1
check closure_end_before_start_named test "$(c has 'href="#end">Closed until: give a time after the time closing starts')" = 1
check closure_keeps_first test "$(c grep 'id="first_day"[^>]*value="([^"]*)"')" = 1900-01-01
check closure_keeps_start test "$(c grep 'id="start"[^>]*value="([^"]*)"')" = 15:00
check closure_keeps_note test "$(c grep 'id="note"[^>]*value="([^"]*)"')" = away
D1=$(date -u -d '+10 days' +%F); D0=$(date -u -d '+5 days' +%F)
http therw GET /schedule >/dev/null
same closure_reversed_400 "$(c form therw /schedule/closures first_day="$D1" last_day="$D0")" 400
check closure_reversed_named test "$(c has 'href="#last_day">Last closed day: give a date on or after the first closed day')" = 1
check closure_reversed_keeps_last test "$(c grep 'id="last_day"[^>]*value="([^"]*)"')" = "$D0"
http therw GET /schedule >/dev/null
same closure_not_a_date_400 "$(c form therw /schedule/closures first_day=soon end=25:99)" 400
check closure_not_a_date_named test "$(c has 'First closed day: give a date, like')$(c has 'Closed until: give a time, like')" = 11
http therw GET /schedule >/dev/null
same closure_good_303 "$(c form therw /schedule/closures first_day="$D0" last_day="$D1" note=Conference)" 303
http therw GET /schedule >/dev/null
check closure_listed_by_date test -n "$(c grep '<li>([A-Z][a-z]{2} [0-9]+ [A-Z][a-z]{2} [0-9]{4} to [^<]*, all day: Conference)')"
CID=$(c grep 'action="/schedule/closures/([0-9]+)/delete"')
same closure_reopen_303 "$(c form therw "/schedule/closures/$CID/delete")" 303

done_suite
