#!/usr/bin/env bash
# mail.sh: every mail a person expects from consultation requests and
# sessions, read from the mail directory: its subject, its words, and a
# link to the page of the recipient's role (a therapist's sessions are on
# /schedule, a seeker's on /therapy); a request's and an answer's words
# stay out of mail. With the request and answer forms' errors (the
# summary, the person's words kept).
#
#   tests/mail.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
. "$(dirname "$0")/lib/suite.sh" "$1"

NAME="Ada Ostrowska"
python3 - "$W/dir.jsonl" "$NAME" <<'PY'
import json, sys
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"type": "therapist", "id": "t-9200001", "name": sys.argv[2], "credentials": "PhD",
        "profession": "psychologist", "licenses": ["US-NY"], "modalities": ["telehealth"],
        "formats": ["individual"], "accepting_new_clients": True, "fee": {"currency": "USD", "session": 100},
        "orientations": ["cbt"], "focus_areas": ["burnout"], "languages": ["en"],
        "career_stages": ["early_career"], "clinician_clients": True, "timezone": "America/New_York",
        "availability": [{"day": d, "start": "00:00", "end": "24:00"} for d in days]}) + "\n")
PY
"$BIN" import --db "$DB" "$W/dir.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
mkuser seekm seek-password-1 seeker
mkuser waitm wait-password-1 seeker
mkuser therm thera-password-1 therapist t-9200001
serve --api-rate 0
client_start

# mail_of EMAIL SUBJECT: the bodies of the messages to EMAIL with SUBJECT
mail_of() { mail_c | awk -v to="to: $1" -v subj="subject: $2" '
	/^---$/ { keep = 0; t = 0; next } $0 == to { t = 1; next } t && $0 == subj { keep = 1; next } keep'; }
has_mail() { mail_of "$1" "$2" | grep -qF -- "$3"; }
lacks_mail() { ! mail_of "$1" "$2" | grep -qF -- "$3"; }
n_mail() { mail_c | grep -c "^subject: $1\$"; }

# --- The request form: errors shown on the form, the words kept --------------
sign_in seekm seek-password-1 >/dev/null
c req seekm GET /therapists/t-9200001 >/dev/null
same request_empty_status "$(c form seekm /request/t-9200001 message= reveal=1)" 400
check request_empty_summary test "$(c has 'There is a problem')" = 1
check request_empty_names_field test "$(c has 'href="#message"')" = 1
check request_empty_says_empty test "$(c grep 'message-error[^>]*>.*(empty)')" = empty
check request_empty_keeps_reveal test "$(c grep 'name="reveal" value="1"( checked)')" = " checked"
check request_empty_by_name test "$(c has "Ask $NAME for a consultation")" = 1
LONG=$(printf 'w%.0s' $(seq 2001))
same request_long_status "$(c form seekm /request/t-9200001 "message=$LONG")" 400
check request_long_named test "$(c has 'too long')" = 1
check request_long_kept test "$(c has "$LONG</textarea>")" = 1
check request_no_mail_yet test "$(n_mail 'chiron: a new consultation request')" = 0

SECRET="I am burning out at the clinic"
same request_sent "$(c form seekm /request/t-9200001 "message=$SECRET")" 303
c req seekm GET /requests >/dev/null
check requests_to_by_name test "$(c has "To <a href=\"/therapists/t-9200001\">$NAME</a>")" = 1
check requests_no_id_on_screen test "$(c grep '>[^<]*t-9200001')" = ""

NEW="chiron: a new consultation request"
check mail_request_to_therapist has_mail therm@example.org "$NEW" "You have a new consultation request from seekm."
check mail_request_link has_mail therm@example.org "$NEW" "$B/requests"
check mail_request_no_words lacks_mail therm@example.org "$NEW" "$SECRET"
check mail_request_no_seeker_email lacks_mail therm@example.org "$NEW" "seekm@example.org"

# --- The answer form --------------------------------------------------------
sign_in therm thera-password-1 >/dev/null
c req therm GET /requests >/dev/null
check requests_from_pseudonym test "$(c has 'From seekm')" = 1
RQ=$(c grep 'action="/answer/([0-9]+)"')
same answer_empty_status "$(c form therm "/answer/$RQ" answer=)" 400
check answer_empty_summary test "$(c has 'href="#answer"')" = 1
check answer_empty_input test "$(c grep '<textarea id="(answer)"')" = answer
ANSWER="Tuesday at six works; write back."
same answer_sent "$(c form therm "/answer/$RQ" "answer=$ANSWER")" 303
ANS="chiron: your consultation request was answered"
check mail_answer_to_seeker has_mail seekm@example.org "$ANS" "$NAME answered your consultation request."
check mail_answer_link has_mail seekm@example.org "$ANS" "$B/requests"
check mail_answer_no_words lacks_mail seekm@example.org "$ANS" "$ANSWER"

# --- Sessions: booked, moved, cancelled, a waitlist's opening, reminders -----
api_sign_in seekm seek-password-1 >/dev/null
c req seekm GET "/api/v1/therapists/t-9200001/slots?kind=individual&days=3" >/dev/null
S1=$(c json slots.2.start)
S2=$(c json slots.6.start)
c api seekm POST /api/v1/appointments "{\"therapist_id\":\"t-9200001\",\"kind\":\"individual\",\"start\":\"$S1\"}" >/dev/null
APPT=$(c json id)
check booked_has_id test -n "$APPT"
BOOKED="chiron: session booked"
check mail_booked_seeker_therapy has_mail seekm@example.org "$BOOKED" "Your sessions: $B/therapy"
check mail_booked_seeker_with has_mail seekm@example.org "$BOOKED" "individual session with $NAME on"
check mail_booked_therapist_schedule has_mail therm@example.org "$BOOKED" "Your schedule: $B/schedule"
check mail_booked_therapist_not_therapy lacks_mail therm@example.org "$BOOKED" "/therapy"
check mail_booked_therapist_with has_mail therm@example.org "$BOOKED" "individual session with seekm on"

same moved_status "$(c api seekm POST "/api/v1/appointments/$APPT/move" "{\"start\":\"$S2\"}")" 200
MOVED="chiron: session moved (late: inside the notice period)"
check mail_moved_seeker_from_to test -n "$(mail_of seekm@example.org "$MOVED" | grep -E "was moved by you from [A-Z][a-z]{2} [0-9]+ [A-Z][a-z]{2} [0-9]{4}, [0-9:]{5} to [A-Z][a-z]{2} [0-9]+ [A-Z][a-z]{2} [0-9]{4}, [0-9:]{5} \(")"
check mail_moved_therapist_by_seeker has_mail therm@example.org "$MOVED" "was moved by seekm from "
check mail_moved_therapist_schedule has_mail therm@example.org "$MOVED" "$B/schedule"
check mail_moved_late_said has_mail seekm@example.org "$MOVED" "It was a late change: inside the notice period."

c api waitm POST /api/v1/session '{"login":"waitm","password":"wait-password-1"}' >/dev/null
c api waitm POST /api/v1/waitlist '{"therapist_id":"t-9200001","kind":"individual"}' >/dev/null
api_sign_in therm thera-password-1 >/dev/null
same cancelled_status "$(c api therm POST "/api/v1/appointments/$APPT/cancel")" 200
CANC="chiron: session cancelled"
check mail_cancel_seeker_by_therapist has_mail seekm@example.org "$CANC" "was cancelled by $NAME."
check mail_cancel_therapist_by_you has_mail therm@example.org "$CANC" "was cancelled by you."
OPEN="chiron: a time opened on your waitlist"
check mail_waitlist_an has_mail waitm@example.org "$OPEN" "An individual session opened with $NAME: "
check mail_waitlist_not_a lacks_mail waitm@example.org "$OPEN" "A individual"

c api seekm POST /api/v1/appointments "{\"therapist_id\":\"t-9200001\",\"kind\":\"individual\",\"start\":\"$S1\"}" >/dev/null
chores_now
REM="chiron: your session tomorrow"
until_ 120 has_mail seekm@example.org "$REM" "Your sessions: $B/therapy"
check mail_reminder_seeker_therapy has_mail seekm@example.org "$REM" "Your sessions: $B/therapy"
check mail_reminder_therapist_schedule has_mail therm@example.org "$REM" "Your schedule: $B/schedule"
check mail_reminder_therapist_not_therapy lacks_mail therm@example.org "$REM" "/therapy"

done_suite
