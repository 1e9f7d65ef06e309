#!/usr/bin/env bash
# calendar.sh: a clinician's own calendar, against a running `chiron serve`
# on loopback: uploading the .ics of a caseload through the page (a
# multipart form, curl -F) and through the API (PUT /api/v1/me/busy), the
# free windows proposed, "use these" filling the search form, what the
# store holds (start and end times only: through the hidden `chiron busy
# list`, and the database file read as bytes), forgetting,
# and the denials (no session, no or a wrong CSRF token, the wrong media
# type, a malformed file, more than 1 MiB).
#
#   tests/calendar.sh build/chiron      (prints "ok N - NAME" / "not ok N - NAME")
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONF="$ROOT/../shared/conformance"
CHECK="$ROOT/tests/http/check.py"
W=$(mktemp -d "${TMPDIR:-/tmp}/chiron-calendar.XXXXXX")
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null
	wait 2>/dev/null
	[ -n "${KEEP-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	shift
	[ $# -gt 0 ] && printf '#   %s\n' "$@"
	fails=$((fails + 1))
}
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }

# ----------------------------------------------------------------------
# The store, two clinicians, the server
# ----------------------------------------------------------------------

DB=$W/c.db
"$BIN" import --db "$DB" "$CONF/directory.jsonl" >/dev/null 2>"$W/err" ||
	{ not_ok setup "import failed: $(cat "$W/err")"; exit 1; }
for u in clin1 clin2; do
	echo "long-enough-password-$u" | "$BIN" user add --db "$DB" --handle "$u" --email "$u@example.org" \
		--role seeker --password-stdin >/dev/null
done
PORT=$(python3 -S -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
B="http://127.0.0.1:$PORT"
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --outbox-log "$W/outbox.log" \
	--access-log "$W/access.log" 2>"$W/serve.err" &
PID=$!
for _ in $(seq 600); do curl -s -o /dev/null "$B/" && break; sleep 0.1; done
curl -s -o "$W/openapi.json" "$B/api/v1/openapi.json" || { not_ok setup "the server does not answer"; exit 1; }

# ----------------------------------------------------------------------
# A caseload, in the four weeks from the coming Monday in New York
#
# Working hours Monday to Friday, 08:00 to 18:00. Busy: every weekday
# 09:00-12:00 (a series begun two months ago, with a title, a description,
# an attendee and a place that must never be kept); Tuesdays 13:00-14:00
# but the second week (EXDATE: still busy in the other three); Wednesdays
# 13:00-15:00, the third week's moved to Thursday (RECURRENCE-ID); the
# second Friday all day. Not busy: Mondays 15:00-17:00 (TRANSP:TRANSPARENT)
# and Tuesdays 15:00-17:00 (STATUS:CANCELLED). So, free in all four weeks:
#   Monday 08-09, 12-18; Tuesday 08-09, 12-13, 14-18; Wednesday and
#   Thursday 08-09, 12-13, 15-18; Friday nothing.
# ----------------------------------------------------------------------

python3 - "$W" <<'PY'
import datetime as dt, sys, zoneinfo
w = sys.argv[1]
ny = zoneinfo.ZoneInfo("America/New_York")
today = dt.datetime.now(ny).date()
mon = today + dt.timedelta(days=7 - today.weekday())
d = lambda k: (mon + dt.timedelta(days=k)).strftime("%Y%m%d")
start = (mon - dt.timedelta(days=63)).strftime("%Y%m%d")      # a Monday, two months back
vtz = ("BEGIN:VTIMEZONE\r\nTZID:Eastern Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T020000\r\n"
       "TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r\n"
       "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"
       "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")
ev = []
ev.append(f"""BEGIN:VEVENT
UID:mornings@practice.example
SUMMARY:Session with Zephyrine Quarrington
DESCRIPTION:Intake notes: secret-description-marker
LOCATION:Room 7B\\, Marigold Counseling
ATTENDEE;CN=Zephyrine Quarrington:mailto:zephyrine@client.example
DTSTART;TZID=America/New_York:{start}T090000
DTEND;TZID=America/New_York:{start}T120000
RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR
END:VEVENT""")
ev.append(f"""BEGIN:VEVENT
UID:tuesdays@practice.example
SUMMARY:Supervision with Dr Oxley-Fenwick
DTSTART;TZID=Eastern Standard Time:{d(-6)}T130000
DTEND;TZID=Eastern Standard Time:{d(-6)}T140000
RRULE:FREQ=WEEKLY
EXDATE;TZID=Eastern Standard Time:{d(8)}T130000
END:VEVENT""")
ev.append(f"""BEGIN:VEVENT
UID:wednesdays@practice.example
SUMMARY:Group
DTSTART;TZID=America/New_York:{d(-5)}T130000
DTEND;TZID=America/New_York:{d(-5)}T150000
RRULE:FREQ=WEEKLY;COUNT=20
END:VEVENT""")
ev.append(f"""BEGIN:VEVENT
UID:wednesdays@practice.example
RECURRENCE-ID;TZID=America/New_York:{d(16)}T130000
SUMMARY:Group (moved)
DTSTART;TZID=America/New_York:{d(17)}T130000
DTEND;TZID=America/New_York:{d(17)}T150000
END:VEVENT""")
ev.append(f"""BEGIN:VEVENT
UID:conference@practice.example
SUMMARY:Conference
DTSTART;VALUE=DATE:{d(11)}
DTEND;VALUE=DATE:{d(12)}
END:VEVENT""")
ev.append(f"""BEGIN:VEVENT
UID:free@practice.example
SUMMARY:Reading time
DTSTART:{start}T150000
DTEND:{start}T170000
RRULE:FREQ=WEEKLY
TRANSP:TRANSPARENT
END:VEVENT""")
ev.append(f"""BEGIN:VEVENT
UID:cancelled@practice.example
SUMMARY:Cancelled
DTSTART:{d(1)}T150000
DTEND:{d(1)}T170000
RRULE:FREQ=WEEKLY;COUNT=4
STATUS:CANCELLED
END:VEVENT""")
cal = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Practice//EN\r\n" + vtz +
       "\n".join(ev).replace("\n", "\r\n") + "\r\nEND:VCALENDAR\r\n")
open(f"{w}/caseload.ics", "w", newline="").write(cal)
open(f"{w}/monday", "w").write(mon.isoformat())
# The busy intervals expected (UTC), merged: the mornings, Tuesdays but
# the second, Wednesdays but the third, that Thursday, that Friday.
busy = []
def at(k, h, m=0):
    return dt.datetime.combine(mon + dt.timedelta(days=k), dt.time(h, m), ny).astimezone(dt.timezone.utc)
for wk in range(4):
    for wd in range(5):
        k = 7 * wk + wd
        if k == 11:
            continue
        busy.append((at(k, 9), at(k, 12)))
        if wd == 1 and wk != 1:
            busy.append((at(k, 13), at(k, 14)))
        if wd == 2 and wk != 2:
            busy.append((at(k, 13), at(k, 15)))
        if wd == 3 and wk == 2:
            busy.append((at(k, 13), at(k, 15)))
busy.append((at(11, 0), at(12, 0)))
busy.sort()
f = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
open(f"{w}/busy.expected", "w").write("".join(f"{f(a)} {f(b)}\n" for a, b in busy))
# More than 1 MiB.
open(f"{w}/big.ics", "w").write("BEGIN:VCALENDAR\r\n" + "X-PAD:" + "x" * (1 << 20) + "\r\nEND:VCALENDAR\r\n")
PY
WINDOWS='[{"day":"mon","start":"08:00","end":"09:00"},{"day":"mon","start":"12:00","end":"18:00"},{"day":"tue","start":"08:00","end":"09:00"},{"day":"tue","start":"12:00","end":"13:00"},{"day":"tue","start":"14:00","end":"18:00"},{"day":"wed","start":"08:00","end":"09:00"},{"day":"wed","start":"12:00","end":"13:00"},{"day":"wed","start":"15:00","end":"18:00"},{"day":"thu","start":"08:00","end":"09:00"},{"day":"thu","start":"12:00","end":"13:00"},{"day":"thu","start":"15:00","end":"18:00"}]'
SECRETS='Zephyrine\|Quarrington\|secret-description-marker\|Marigold\|zephyrine@client\|Oxley-Fenwick\|mornings@practice\|Intake notes'

# ----------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------

# csrf JAR URL: the form token a page gives this cookie jar
csrf() { curl -s -c "$1" -b "$1" "$B$2" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
# code JAR METHOD URL [CURL OPTIONS...]: the status
code() { local j=$1 m=$2 u=$3; shift 3; curl -s -c "$j" -b "$j" -o /dev/null -w '%{http_code}' -X "$m" "$B$u" "$@"; }
login() {
	local t
	t=$(csrf "$1" /login)
	code "$1" POST /login --data-urlencode "csrf=$t" --data-urlencode "login=$2" --data-urlencode "password=$3"
}
HOURS=(-F hours=1 -F timezone=America/New_York)
for day in mon tue wed thu fri; do HOURS+=(-F "work_${day}_start=08:00" -F "work_${day}_end=18:00"); done
QUERY="timezone=America/New_York&hours=mon+08:00-18:00&hours=tue+08:00-18:00&hours=wed%2008:00-18:00&hours=thu+08:00-18:00&hours=fri+08:00-18:00"
# api NAME JAR METHOD PATH [CURL OPTIONS...]: an API call, with JAR's
# X-CSRF-Token unless CSRF=none; the answer in $W/NAME.s, .h, .b.
api() {
	local name=$1 jar=$2 method=$3 path=$4
	local -a o=(-s -o "$W/$name.b" -D "$W/$name.h" -w '%{http_code}' -X "$method")
	shift 4
	[ "$jar" != - ] && o+=(-b "$jar" -c "$jar")
	[ "${CSRF-}" != none ] && [ "$jar" != - ] && o+=(-H "X-CSRF-Token: $(cat "$jar.csrf")")
	curl "${o[@]}" "$@" "$B$path" >"$W/$name.s"
}
# conforms NAME METHOD PATH STATUS [FIELD]: the answer fits the OpenAPI document.
conforms() {
	local name=$1
	shift
	python3 -S "$CHECK" answer "$W/openapi.json" "$1" "$2" "$3" "$W/$name" ${4+"$4"} >"$W/$name.why" 2>&1
}
# busy_rows: the user's busy times in the store, "START END" in UTC.
busy_rows() { "$BIN" busy list --db "$DB" "$1"; }
# busy_clear: every clinician's busy times forgotten, through the store.
busy_clear() { "$BIN" busy clear --db "$DB" clin1 clin2; }

# ======================================================================
# Who may
# ======================================================================

A=$W/anon
check page_needs_sign_in test "$(code "$A" GET /calendar)" = 303
check upload_needs_sign_in test "$(code "$A" POST /calendar -F "calendar=@$W/caseload.ics")" = 303
api api_get_anonymous - GET /api/v1/me/busy
conforms api_get_anonymous GET /api/v1/me/busy 401 "" && ok api_needs_sign_in || not_ok api_needs_sign_in "$(cat "$W/api_get_anonymous.why")"

J=$W/clin1
check sign_in test "$(login "$J" clin1 long-enough-password-clin1)" = 303
curl -s -b "$J" "$B/calendar" -o "$W/page.html"
grep -q 'Only the <strong>start and end time</strong> of each busy period' "$W/page.html" &&
	grep -q 'Event titles, attendees, descriptions, locations, notes and the file itself are <strong>never stored</strong>' "$W/page.html" &&
	grep -q 'enctype="multipart/form-data"' "$W/page.html" &&
	ok page_says_what_is_kept || not_ok page_says_what_is_kept
T=$(csrf "$J" /calendar)
check upload_needs_csrf test "$(code "$J" POST /calendar "${HOURS[@]}" -F "calendar=@$W/caseload.ics")" = 403
check upload_wrong_csrf test "$(code "$J" POST /calendar -F "csrf=x$T" "${HOURS[@]}" -F "calendar=@$W/caseload.ics")" = 403
check upload_urlencoded_token_only test "$(code "$J" POST /calendar -d "csrf=$T&hours=1&timezone=America/New_York")" = 400
[ -z "$(busy_rows clin1)" ] && ok denied_uploads_store_nothing || not_ok denied_uploads_store_nothing "$(busy_rows clin1)"

# ======================================================================
# Upload through the page
# ======================================================================

st=$(curl -s -c "$J" -b "$J" -o "$W/upload.html" -w '%{http_code}' -X POST "$B/calendar" -F "csrf=$T" \
	"${HOURS[@]}" -F "calendar=@$W/caseload.ics;type=text/calendar")
check page_upload test "$st" = 200
busy_rows clin1 >"$W/busy.page"
diff -u "$W/busy.expected" "$W/busy.page" >"$W/busy.diff" && ok page_upload_stores_busy_times ||
	not_ok page_upload_stores_busy_times "$(head -20 "$W/busy.diff")"
python3 - "$W/upload.html" "$WINDOWS" >"$W/windows.why" 2>&1 <<'PY' && ok page_proposes_windows || not_ok page_proposes_windows "$(cat "$W/windows.why")"
import json, re, sys
page = open(sys.argv[1]).read()
days = {"Monday": "mon", "Tuesday": "tue", "Wednesday": "wed", "Thursday": "thu", "Friday": "fri"}
table = page.split('<table class="windows">')[1].split("</table>")[0]
got = [{"day": days[d], "start": s, "end": e} for d, s, e in
       re.findall(r'<th scope="row">(\w+)</th><td>([0-9:]+)</td><td>([0-9:]+)</td>', table)]
want = json.loads(sys.argv[2])
assert got == want, f"{got} != {want}"
PY
grep -q "$(wc -l <"$W/busy.expected" | tr -d ' ') busy times in the four weeks from $(date -d "$(cat "$W/monday")" '+%A, %B %-d, %Y')" "$W/upload.html" &&
	ok page_shows_what_is_kept || not_ok page_shows_what_is_kept "$(grep -o '[0-9]* busy times[^<]*' "$W/upload.html")"
grep -q "$SECRETS" "$W/upload.html" && not_ok page_echoes_nothing_of_the_file || ok page_echoes_nothing_of_the_file

# New hours, no new file: the calendar kept is read again.
st=$(curl -s -c "$J" -b "$J" -o "$W/rehours.html" -w '%{http_code}' -X POST "$B/calendar" -F "csrf=$T" \
	-F hours=1 -F timezone=America/New_York -F work_sat_start=10:00 -F work_sat_end=12:00 -F "calendar=@/dev/null;filename=")
[ "$st" = 200 ] && grep -q '<th scope="row">Saturday</th><td>10:00</td><td>12:00</td>' "$W/rehours.html" &&
	diff -q "$W/busy.expected" <(busy_rows clin1) >/dev/null && ok page_new_hours_same_calendar ||
	not_ok page_new_hours_same_calendar "status $st"

# A malformed file: the line and the property, and the calendar kept is untouched.
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Session with Zephyrine\r\nDTSTART:2026-13-45\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$W/bad.ics"
st=$(curl -s -b "$J" -o "$W/bad.html" -w '%{http_code}' -X POST "$B/calendar" -F "csrf=$T" "${HOURS[@]}" -F "calendar=@$W/bad.ics")
[ "$st" = 400 ] && grep -q 'error-summary' "$W/bad.html" && grep -q '<a href="#calendar">Line 5, DTSTART: not a date' "$W/bad.html" &&
	! grep -q Zephyrine "$W/bad.html" && ok page_malformed_names_line || not_ok page_malformed_names_line "status $st"
diff -q "$W/busy.expected" <(busy_rows clin1) >/dev/null && ok malformed_keeps_calendar || not_ok malformed_keeps_calendar
# Multipart read with care: a quoted boundary, a file name holding "; name=",
# a body cut short.
python3 - "$W" "$T" <<'PY'
import sys
w, t = sys.argv[1], sys.argv[2]
cal = open(f"{w}/caseload.ics", "rb").read()
def part(headers, data):
    return b"--b0und;ary\r\n" + headers + b"\r\n\r\n" + data + b"\r\n"
body = (part(b'Content-Disposition: form-data; name="csrf"', t.encode()) +
        part(b'Content-Disposition: form-data; name="hours"', b"1") +
        part(b'Content-Disposition: form-data; name="timezone"', b"America/New_York") +
        b"".join(part(f'Content-Disposition: form-data; name="work_{d}_{k}"'.encode(), v.encode())
                 for d in ("mon", "tue", "wed", "thu", "fri") for k, v in (("start", "08:00"), ("end", "18:00"))) +
        part(b'Content-Disposition: form-data; name="calendar"; filename="a; name=\\"csrf\\".ics"\r\n'
             b'Content-Type: text/calendar', cal) + b"--b0und;ary--\r\n")
open(f"{w}/raw.multipart", "wb").write(body)
open(f"{w}/cut.multipart", "wb").write(body[: len(body) // 2])
PY
busy_clear
check multipart_quoted_boundary test "$(code "$J" POST /calendar -H 'Content-Type: multipart/form-data; boundary="b0und;ary"' --data-binary "@$W/raw.multipart")" = 200
diff -q "$W/busy.expected" <(busy_rows clin1) >/dev/null && ok multipart_file_name_not_a_field || not_ok multipart_file_name_not_a_field
check multipart_cut_short_400 test "$(code "$J" POST /calendar -H 'Content-Type: multipart/form-data; boundary="b0und;ary"' --data-binary "@$W/cut.multipart")" = 400
check multipart_no_boundary_400 test "$(code "$J" POST /calendar -H 'Content-Type: multipart/form-data' --data-binary "@$W/raw.multipart")" = 400
check page_too_large_413 test "$(code "$J" POST /calendar -F "csrf=$T" "${HOURS[@]}" -F "calendar=@$W/big.ics")" = 413

# ======================================================================
# "Use these in my searches": the search form starts from them
# ======================================================================

USE=(-d "csrf=$T&hours=1&timezone=America%2FNew_York")
for day in mon tue wed thu fri; do USE+=(-d "work_${day}_start=08:00&work_${day}_end=18:00"); done
hdr=$(curl -s -c "$J" -b "$J" -o /dev/null -D - -X POST "$B/calendar/use" "${USE[@]}" | tr -d '\r')
echo "$hdr" | head -1 | grep -q ' 303' && echo "$hdr" | grep -q '^Location: /search' && ok use_these ||
	not_ok use_these "$(echo "$hdr" | head -3)"
check use_needs_csrf test "$(code "$J" POST /calendar/use -d 'hours=1&timezone=America%2FNew_York')" = 403
curl -s -b "$J" "$B/search" -o "$W/search.html"
python3 - "$W/search.html" "$WINDOWS" >"$W/prefill.why" 2>&1 <<'PY' && ok search_prefilled || not_ok search_prefilled "$(cat "$W/prefill.why")"
import json, re, sys
page = open(sys.argv[1]).read()
want = json.loads(sys.argv[2])
assert re.search(r'name="timezone" value="America/New_York"', page), "no time zone"
for i, w in enumerate(want, 1):
    day = re.search(rf'<select name="free_day{i}"[^>]*>(.*?)</select>', page).group(1)
    assert f'<option value="{w["day"]}" selected>' in day, f"row {i}: day"
    for k in ("start", "end"):
        assert re.search(rf'name="free_{k}{i}"[^>]*value="{w[k]}"', page), f"row {i}: {k}"
assert not re.search(rf'name="free_start{len(want) + 1}"[^>]*value="[0-9]', page), "a row too many"
PY
J2=$W/clin2
login "$J2" clin2 long-enough-password-clin2 >/dev/null
curl -s -b "$J2" "$B/search" | grep -q 'name="free_start1"[^>]*value="08:00"' && not_ok profile_private || ok profile_private

# ======================================================================
# The API
# ======================================================================

curl -s -b "$J" "$B/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])' >"$J.csrf"
curl -s -b "$J2" -c "$J2" "$B/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])' >"$J2.csrf"
busy_clear
api put "$J" PUT "/api/v1/me/busy?$QUERY" -H 'Content-Type: text/calendar' --data-binary "@$W/caseload.ics"
conforms put PUT /api/v1/me/busy 200 && ok api_put || not_ok api_put "$(cat "$W/put.why")"
python3 - "$W/put.b" "$W/busy.expected" "$WINDOWS" "$(cat "$W/monday")" >"$W/put.why2" 2>&1 <<'PY' &&
import json, sys
d = json.load(open(sys.argv[1]))
want = [l.split() for l in open(sys.argv[2]).read().splitlines()]
assert [[b["start"], b["end"]] for b in d["busy"]] == want, "busy times"
assert d["windows"] == json.loads(sys.argv[3]), f"windows {d['windows']}"
assert d["timezone"] == "America/New_York" and d["first_week"] == sys.argv[4], (d["timezone"], d["first_week"])
assert len(d["hours"]) == 5 and d["windows_left_out"] == 0
PY
	ok api_put_busy_and_windows || not_ok api_put_busy_and_windows "$(cat "$W/put.why2")"
diff -q "$W/busy.expected" <(busy_rows clin1) >/dev/null && ok api_put_stores_busy_times || not_ok api_put_stores_busy_times
api get "$J" GET "/api/v1/me/busy?$QUERY"
conforms get GET /api/v1/me/busy 200 && cmp -s "$W/put.b" "$W/get.b" && ok api_get_same || not_ok api_get_same "$(cat "$W/get.why")"
api get_zone_saved "$J" GET "/api/v1/me/busy?hours=mon+08:00-18:00"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["timezone"] == "America/New_York" and d["windows"][:2] == json.loads(sys.argv[2])[:2]' \
	"$W/get_zone_saved.b" "$WINDOWS" 2>/dev/null && ok api_zone_from_saved_profile || not_ok api_zone_from_saved_profile "$(head -c 300 "$W/get_zone_saved.b")"
# The account's own zone (set on "My therapy") comes before the saved profile's.
api zone_set "$J2" PUT /api/v1/me/timezone -H 'Content-Type: application/json' --data-binary '{"timezone":"Europe/Lisbon"}'
api get_zone_account "$J2" GET "/api/v1/me/busy?hours=mon+08:00-18:00"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["timezone"] == "Europe/Lisbon" and d["windows"] == [{"day": "mon", "start": "08:00", "end": "18:00"}]' \
	"$W/get_zone_account.b" 2>/dev/null && ok api_zone_from_account || not_ok api_zone_from_account "$(cat "$W/zone_set.s") $(head -c 300 "$W/get_zone_account.b")"
api get_other "$J2" GET /api/v1/me/busy
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["busy"] == []' "$W/get_other.b" 2>/dev/null &&
	ok api_other_user_sees_nothing || not_ok api_other_user_sees_nothing "$(head -c 300 "$W/get_other.b")"

CSRF=none api put_no_csrf "$J" PUT "/api/v1/me/busy?$QUERY" -H 'Content-Type: text/calendar' --data-binary "@$W/caseload.ics"
conforms put_no_csrf PUT /api/v1/me/busy 403 X-CSRF-Token && ok api_put_needs_csrf || not_ok api_put_needs_csrf "$(cat "$W/put_no_csrf.why")"
CSRF=none api put_other_csrf "$J" PUT "/api/v1/me/busy?$QUERY" -H 'Content-Type: text/calendar' -H "X-CSRF-Token: $(cat "$J2.csrf")" --data-binary "@$W/caseload.ics"
conforms put_other_csrf PUT /api/v1/me/busy 403 X-CSRF-Token && ok api_put_other_sessions_csrf || not_ok api_put_other_sessions_csrf "$(cat "$W/put_other_csrf.why")"
api put_json "$J" PUT "/api/v1/me/busy?$QUERY" -H 'Content-Type: application/json' --data-binary '{"calendar":"x"}'
conforms put_json PUT /api/v1/me/busy 415 Content-Type && ok api_put_not_calendar_415 || not_ok api_put_not_calendar_415 "$(cat "$W/put_json.why")"
api put_form "$J" PUT "/api/v1/me/busy?$QUERY" --data-urlencode "calendar@$W/caseload.ics"
conforms put_form PUT /api/v1/me/busy 415 Content-Type && ok api_put_form_415 || not_ok api_put_form_415 "$(cat "$W/put_form.why")"
api put_bad "$J" PUT "/api/v1/me/busy?$QUERY" -H 'Content-Type: text/calendar' --data-binary "@$W/bad.ics"
conforms put_bad PUT /api/v1/me/busy 400 calendar && grep -q '"line 5, DTSTART: not a date' "$W/put_bad.b" &&
	! grep -q Zephyrine "$W/put_bad.b" && ok api_malformed_names_line || not_ok api_malformed_names_line "$(cat "$W/put_bad.why" "$W/put_bad.b")"
api put_empty "$J" PUT "/api/v1/me/busy?$QUERY" -H 'Content-Type: text/calendar'
conforms put_empty PUT /api/v1/me/busy 400 calendar && ok api_put_empty || not_ok api_put_empty "$(cat "$W/put_empty.why")"
api put_bad_hours "$J" PUT "/api/v1/me/busy?timezone=America/New_York&hours=monday+9-5" -H 'Content-Type: text/calendar' --data-binary "@$W/caseload.ics"
conforms put_bad_hours PUT /api/v1/me/busy 400 hours && ok api_bad_hours || not_ok api_bad_hours "$(cat "$W/put_bad_hours.why")"
api put_bad_zone "$J" PUT "/api/v1/me/busy?timezone=Mars/Olympus" -H 'Content-Type: text/calendar' --data-binary "@$W/caseload.ics"
conforms put_bad_zone PUT /api/v1/me/busy 400 timezone && ok api_bad_zone || not_ok api_bad_zone "$(cat "$W/put_bad_zone.why")"
api put_big "$J" PUT "/api/v1/me/busy?$QUERY" -H 'Content-Type: text/calendar' --data-binary "@$W/big.ics"
conforms put_big PUT /api/v1/me/busy 413 && ok api_too_large_413 || not_ok api_too_large_413 "$(cat "$W/put_big.why")"
diff -q "$W/busy.expected" <(busy_rows clin1) >/dev/null && ok refused_calls_keep_calendar || not_ok refused_calls_keep_calendar

# ======================================================================
# What the store holds, and what reaches a log: times, nothing else
# ======================================================================

# The busy table's columns, from its CREATE TABLE as SQLite keeps it in the
# file (engine-specific on purpose: read as bytes, not through SQL).
cols=$(cat "$DB" "$DB-wal" 2>/dev/null | grep -aoP 'CREATE TABLE busy *\((?:[^()]|\([^()]*\))*\)' | head -1 |
	sed 's/^[^(]*(//; s/)$//' | tr ',' '\n' | awk 'NF >= 2 && $1 !~ /^(PRIMARY|UNIQUE|FOREIGN|CHECK)$/ { printf "%s%s:%s", sep, $1, $2; sep = " " }')
check store_busy_columns test "$cols" = "user_id:INTEGER start_utc:INTEGER end_utc:INTEGER"
# What the store gives back: the directory, both clinicians' busy times.
{ "$BIN" export --db "$DB" -; busy_rows clin1; busy_rows clin2; } >"$W/store.txt" 2>&1
grep -q "$SECRETS" "$W/store.txt" && not_ok store_holds_nothing_of_the_file "$(grep -o "$SECRETS" "$W/store.txt" | sort -u | head)" ||
	ok store_holds_nothing_of_the_file
cat "$DB"* | grep -aq "$SECRETS" && not_ok database_files_hold_nothing_of_the_file || ok database_files_hold_nothing_of_the_file
grep -q "$SECRETS" "$W/access.log" "$W/serve.err" "$W/outbox.log" 2>/dev/null && not_ok logs_hold_nothing_of_the_file ||
	ok logs_hold_nothing_of_the_file
grep -q 'hours\|timezone=\|America\|Europe' "$W/access.log" && not_ok access_log_no_query "$(grep -m3 'hours\|timezone=' "$W/access.log")" ||
	ok access_log_no_query

# ======================================================================
# Forgetting
# ======================================================================

check forget_needs_csrf test "$(code "$J" POST /calendar/forget)" = 403
check forget test "$(code "$J" POST /calendar/forget -d "csrf=$T")" = 303
[ -z "$(busy_rows clin1)" ] && ok forget_deletes_rows || not_ok forget_deletes_rows
curl -s -b "$J" "$B/calendar" | grep -q 'No calendar is stored for your account' && ok forget_page_says_so || not_ok forget_page_says_so
curl -s -b "$J" "$B/search" | grep -q 'name="free_start1"[^>]*value="08:00"' && ok forget_keeps_saved_hours || not_ok forget_keeps_saved_hours
api put_again "$J" PUT "/api/v1/me/busy?$QUERY" -H 'Content-Type: text/calendar' --data-binary "@$W/caseload.ics"
CSRF=none api delete_no_csrf "$J" DELETE /api/v1/me/busy
conforms delete_no_csrf DELETE /api/v1/me/busy 403 X-CSRF-Token && [ -n "$(busy_rows clin1)" ] &&
	ok api_delete_needs_csrf || not_ok api_delete_needs_csrf "$(cat "$W/delete_no_csrf.why")"
api delete "$J" DELETE /api/v1/me/busy
conforms delete DELETE /api/v1/me/busy 204 && [ -z "$(busy_rows clin1)" ] && ok api_delete || not_ok api_delete "$(cat "$W/delete.why")"
api get_after "$J" GET /api/v1/me/busy
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["busy"] == [] and d["first_week"] is None' "$W/get_after.b" 2>/dev/null &&
	ok api_get_after_delete || not_ok api_get_after_delete "$(head -c 300 "$W/get_after.b")"

if grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err"; then
	not_ok no_sanitizer_reports "$(head -5 "$W/serve.err")"
else
	ok no_sanitizer_reports
fi
[ "$fails" -eq 0 ]
