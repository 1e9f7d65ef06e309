#!/usr/bin/env bash
# feed.sh: the private calendar feeds and the .ics of one appointment,
# against a running `chiron serve` on loopback, read by two iCalendar
# parsers chiron did not write: Debian's python3-icalendar (recurrences
# expanded by python3-recurring-ical-events; zones by name, from pytz) and
# the npm package ical.js (zones from the feed's own VTIMEZONEs).
#
#   tests/feed.sh build/chiron      (prints "ok N - NAME" / "not ok N - NAME")
#
# The appointments are made through the store by hidden commands (`chiron
# series add`, `appointment add|cancel|move`), whatever the hours: a weekly
# 18:00 America/New_York series across the change of 2026-11-01 with one
# occurrence cancelled (an EXDATE) and one moved (a RECURRENCE-ID
# override); a fortnightly Europe/London series across 2026-10-25 with one
# occurrence never booked; an Australia/Sydney single on the morning its
# clocks sprang forward; a Los Angeles single on 2026-03-08; cancellations
# recent and old; another seeker's appointment with the same therapist.
# Then a series made the way users make one: booked, made weekly,
# one session cancelled and one moved, all through the API.
# tests/feed/judge.py checks each feed, as each parser read it, against
# those appointments as the store gives them back (every occurrence's start, end, zone and wall time; each
# series' RRULE, EXDATEs and overrides; the 18:00 across daylight saving).
#
# Installs tests/feed's pinned ical.js with `npm ci` when node_modules is
# missing or stale (as tests/browser.sh does); python3-icalendar comes
# from scripts/deps.sh. KEEP=1 keeps the work directory (feeds, parsed
# JSON, the database) for a look afterwards.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONF="$ROOT/../shared/conformance"
FD="$ROOT/tests/feed"
CHECK="$ROOT/tests/http/check.py"
PY=/usr/bin/python3                     # Debian's, with python3-icalendar
W=$(mktemp -d "${TMPDIR:-/tmp}/chiron-feed.XXXXXX")
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null
	wait 2>/dev/null
	if [ -n "${KEEP-}" ]; then echo "# kept $W"; else rm -rf "$W"; fi
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
# check NAME COMMAND...: ok when COMMAND succeeds.
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }
setup_failed() { not_ok setup "$@"; exit 1; }

# ----------------------------------------------------------------------
# The parsers
# ----------------------------------------------------------------------

"$PY" -c 'import icalendar, recurring_ical_events' 2>/dev/null ||
	setup_failed "$PY cannot import icalendar and recurring_ical_events: run scripts/deps.sh"
command -v node >/dev/null && command -v npm >/dev/null ||
	setup_failed "node and npm are needed: run scripts/deps.sh"
stamp=$FD/node_modules/.chiron-lock
want=$(cd "$FD" && cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
usable() {
	[ "$(cat "$stamp" 2>/dev/null)" = "$want" ] &&
		(cd "$FD" && node --input-type=module -e "import 'ical.js'") >/dev/null 2>&1
}
if usable; then
	echo "# npm ci skipped: node_modules matches package-lock.json"
else
	echo "# npm ci: node_modules is missing or stale"
	(cd "$FD" && npm ci --no-audit --no-fund) 2>&1 | sed 's/^/#   /'
	[ "${PIPESTATUS[0]}" -eq 0 ] || setup_failed "npm ci in $FD failed"
	echo "$want" >"$stamp"
	usable || setup_failed "after npm ci, ical.js does not load in $FD"
fi

# ----------------------------------------------------------------------
# The store: the conformance directory, accounts, and appointment rows
# ----------------------------------------------------------------------

# The conformance directory, and a New York therapist open every evening
# for the sessions booked through the API below.
DIR=$W/directory.jsonl
{
	cat "$CONF/directory.jsonl"
	echo '{"type":"therapist","id":"t-9100001","name":"Nadia Feedwell","credentials":"PhD","profession":"psychologist","licenses":["US-NY"],"modalities":["telehealth"],"formats":["individual"],"accepting_new_clients":true,"fee":{"currency":"USD","session":100},"orientations":["cbt"],"focus_areas":["burnout"],"languages":["en"],"career_stages":["early_career"],"clinician_clients":true,"timezone":"America/New_York","availability":[{"day":"mon","start":"17:00","end":"20:00"},{"day":"tue","start":"17:00","end":"20:00"},{"day":"wed","start":"17:00","end":"20:00"},{"day":"thu","start":"17:00","end":"20:00"},{"day":"fri","start":"17:00","end":"20:00"},{"day":"sat","start":"17:00","end":"20:00"},{"day":"sun","start":"17:00","end":"20:00"}]}'
} >"$DIR"
DB=$W/c.db
"$BIN" import --db "$DB" "$DIR" >/dev/null 2>"$W/err" ||
	setup_failed "import failed: $(cat "$W/err")"
# Therapists have a second factor (tests/lib/totp.py's secret); signin
# sends its code.
TOTP_SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
mkuser() {
	local t=
	case $3 in therapist|admin) t=$TOTP_SECRET; echo "$1" >>"$W/totp_users" ;; esac
	echo "$2" | "$BIN" user add --db "$DB" --handle "$1" --email "$1@example.org" --role "$3" \
		${4:+--therapist $4} ${t:+--totp-secret $t} --password-stdin >/dev/null
}
mkuser quietfern seeker-password-1 seeker
mkuser brightwren seeker-password-2 seeker
mkuser thera1 thera-password-1 therapist t-0000001      # New York
mkuser thera3 thera-password-3 therapist t-0000003      # Sydney, no appointment of brightwren

# The appointments, with every UTC instant computed from its wall time by
# zoneinfo, made through the store by the hidden commands; their ids into
# $W/ids.sh (A101=..., S1=...: the names of the rows they once were).
python3 - "$W/ids.sh" "$BIN" "$DB" <<'EOF' || setup_failed "cannot make the appointments"
import subprocess, sys, time
from datetime import date, datetime
from zoneinfo import ZoneInfo

NOW = int(time.time())
NY, LON, SYD, LA = "America/New_York", "Europe/London", "Australia/Sydney", "America/Los_Angeles"
CREATED = NOW - 90 * 86400
BIN, DB = sys.argv[2], sys.argv[3]
out = []

def chiron(*args):
    r = subprocess.run([BIN, args[0], args[1], "--db", DB] + [str(a) for a in args[2:]],
                       capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"chiron {' '.join(map(str, args))}: {r.stderr}")
    return r.stdout.split()

def utc(zone, y, m, d, h, mi):
    return int(datetime(y, m, d, h, mi, tzinfo=ZoneInfo(zone)).timestamp())

def day(y, m, d):
    return (date(y, m, d) - date(1970, 1, 1)).days

def series(name, tid, seeker, zone, first, minute, interval, count, starts, names):
    ids = chiron("series", "add", "--therapist", tid, "--seeker", seeker, "--kind", "individual",
                 "--zone", zone, "--first-day", first, "--minute", minute, "--minutes", 50,
                 "--interval", interval, "--count", count, "--created-at", CREATED, *starts)
    out.append(f"{name}={ids[0]}")
    out.extend(f"{n}={i}" for n, i in zip(names, ids[1:]))
    return dict(zip(names, ids[1:]))

def appt(name, tid, seeker, zone, start, minutes=50):
    i = chiron("appointment", "add", "--therapist", tid, "--seeker", seeker, "--kind", "individual",
               "--start", start, "--end", start + minutes * 60, "--zone", zone, "--created-at", CREATED)[0]
    out.append(f"{name}={i}")
    return i

def cancel(i, at):
    chiron("appointment", "cancel", i, "--by", "seeker", "--at", at)

# Weekly, Thursdays 18:00 New York, 6 times from 2026-10-15 across 11-01:
# 11-05 cancelled, 11-12 moved to Friday 11-13 17:00.
s1 = series("S1", "t-0000001", "quietfern", NY, day(2026, 10, 15), 18 * 60, 1, 6,
            [utc(NY, 2026, m, d, 18, 0) for m, d in ((10, 15), (10, 22), (10, 29), (11, 5), (11, 12), (11, 19))],
            ["A101", "A102", "A103", "A104", "A105", "A106"])
cancel(s1["A104"], NOW - 86400)
moved = utc(NY, 2026, 11, 13, 17, 0)
chiron("appointment", "move", s1["A105"], "--start", moved, "--end", moved + 50 * 60, "--at", NOW - 3600)
# Fortnightly, Wednesdays 08:30 London, 5 times from 2026-10-14 across
# 10-25; 11-11 never booked (the slot was taken).
series("S2", "t-0000002", "quietfern", LON, day(2026, 10, 14), 8 * 60 + 30, 2, 5,
       [utc(LON, 2026, m, d, 8, 30) for m, d in ((10, 14), (10, 28), (11, 25), (12, 9))],
       ["A201", "A202", "A203", "A204"])
# Sydney at 09:00 on 2026-10-04, hours after its clocks sprang forward.
appt("A301", "t-0000003", "quietfern", SYD, utc(SYD, 2026, 10, 4, 9, 0))
# Los Angeles at 10:00 on 2026-03-08, the day its clocks sprang forward.
appt("A401", "t-0000004", "quietfern", LA, utc(LA, 2026, 3, 8, 10, 0))
# Cancellations: one yesterday (shown, CANCELLED), one 60 days ago (not).
cancel(appt("A501", "t-0000001", "quietfern", NY, utc(NY, 2026, 12, 3, 12, 0)), NOW - 86400)
cancel(appt("A502", "t-0000001", "quietfern", NY, utc(NY, 2026, 6, 1, 12, 0)), NOW - 60 * 86400)
# Another seeker with the same therapist.
appt("A601", "t-0000001", "brightwren", NY, utc(NY, 2026, 11, 10, 15, 0))
open(sys.argv[1], "w").write("\n".join(out) + "\n")
EOF
. "$W/ids.sh"

PORT=$(python3 -S -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
B="http://127.0.0.1:$PORT"
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --access-log "$W/access.log" 2>"$W/serve.err" &
PID=$!
for _ in $(seq 600); do curl -s -o /dev/null "$B/" && break; sleep 0.1; done
DOC=$W/openapi.json
curl -s -o "$DOC" "$B/api/v1/openapi.json" || setup_failed "the server does not answer"
ok setup

# ----------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------

# api NAME JAR METHOD PATH: an API call with JAR's cookies and CSRF token;
# the answer in $W/NAME.s (status), .h (headers), .b (body).
api() {
	curl -s -o "$W/$1.b" -D "$W/$1.h" -w '%{http_code}' -b "$W/$2" -c "$W/$2" \
		-H "X-CSRF-Token: $(cat "$W/$2.csrf" 2>/dev/null)" -X "$3" "$B$4" >"$W/$1.s"
}
# answers NAME METHOD PATH STATUS: the answer fits the OpenAPI document.
answers() {
	local why
	why=$(python3 -S "$CHECK" answer "$DOC" "$2" "$3" "$4" "$W/$1") && ok "$1" || not_ok "$1" "$why"
}
signin() {
	local code=
	grep -qx -- "$2" "$W/totp_users" 2>/dev/null &&
		code=",\"code\":\"$(python3 "$ROOT/tests/lib/totp.py" "$W" "$2")\""
	curl -s -c "$W/$1" -H 'Content-Type: application/json' \
		-d "{\"login\":\"$2\",\"password\":\"$3\"$code}" "$B/api/v1/session" |
		grep -o '"csrf":"[^"]*"' | cut -d'"' -f4 >"$W/$1.csrf"
}
url_of() { grep -o '"url":"[^"]*"' "$W/$1.b" | cut -d'"' -f4; }
# get NAME URL [CURL OPTIONS...]: a GET; .s .h .b as above.
get() {
	local name=$1 url=$2
	shift 2
	curl -s -o "$W/$name.b" -D "$W/$name.h" -w '%{http_code}' "$@" "$url" >"$W/$name.s"
}
hdr() { tr -d '\r' <"$W/$1.h" | grep -i "^$2:" | sed 's/^[^:]*: *//'; }
TOKENS=()
remember() { local t=${1##*/}; TOKENS+=("${t%.ics}"); }

# read_both NAME: parses $W/NAME.b with both parsers into
# $W/NAME.icalendar.json and $W/NAME.icaljs.json (ok/not ok per parser).
read_both() {
	cp "$W/$1.b" "$W/$1.ics"
	if "$PY" "$FD/read_icalendar.py" "$W/$1.ics" >"$W/$1.icalendar.json" 2>"$W/$1.icalendar.err"; then
		ok "$1_parses_icalendar"
	else
		not_ok "$1_parses_icalendar" "$(head -c 1500 "$W/$1.icalendar.err")"
	fi
	if (cd "$FD" && node read_icaljs.mjs "$W/$1.ics") >"$W/$1.icaljs.json" 2>"$W/$1.icaljs.err"; then
		ok "$1_parses_icaljs"
	else
		not_ok "$1_parses_icaljs" "$(head -c 1500 "$W/$1.icaljs.err")"
	fi
}
# judge NAME VIEW HANDLE: judge.py's checks of both parsers' readings.
judge() {
	local p line
	for p in icalendar icaljs; do
		[ -s "$W/$1.$p.json" ] || continue
		CHIRON_BIN="$BIN" "$PY" "$FD/judge.py" "$DB" "$DIR" "$2" "$3" "$W/$1.ics" \
			"$W/$1.$p.json" "$1_$p" >"$W/$1.$p.judged" 2>&1 ||
			{ not_ok "$1_${p}_judged" "$(head -c 1500 "$W/$1.$p.judged")"; continue; }
		while IFS= read -r line; do
			case $line in
			"PASS "*) ok "${line#PASS }" ;;
			"FAIL "*) line=${line#FAIL }; not_ok "${line%%$'\t'*}" "${line#*$'\t'}" ;;
			esac
		done <"$W/$1.$p.judged"
	done
}
# holds NAME FILE EXPRESSION: a Python expression about d, FILE's JSON.
holds() { check "$1" python3 -S "$CHECK" expr "$2" "$3"; }

signin S quietfern seeker-password-1
signin S2 brightwren seeker-password-2
signin T thera1 thera-password-1
signin T3 thera3 thera-password-3

# ======================================================================
# A seeker's feed
# ======================================================================

api feed_state_none S GET /api/v1/me/feed
answers feed_state_none GET /api/v1/me/feed 200
holds feed_state_none_inactive "$W/feed_state_none.b" 'd == {"active": False}'
api feed_create S POST /api/v1/me/feed
answers feed_create POST /api/v1/me/feed 201
SFEED=$(url_of feed_create)
remember "$SFEED"
check feed_url_is_public_url test "${SFEED%/feed/*}" = "$B"
check feed_token_stored_hashed_only \
	bash -c "! cat '$DB' '$DB-wal' 2>/dev/null | grep -aqF '${TOKENS[0]}'"

get seeker "$SFEED"
check seeker_feed_200 test "$(cat "$W/seeker.s")" = 200
check seeker_feed_content_type test "$(hdr seeker Content-Type)" = "text/calendar; charset=utf-8"
check seeker_feed_no_store test "$(hdr seeker Cache-Control)" = "no-store"
check seeker_feed_no_session_needed test -z "$(hdr seeker Set-Cookie)"
read_both seeker
judge seeker seeker quietfern

# What the rows say, spelled out: the NY series keeps 18:00 local on both
# sides of 11-01 (22:00 UTC, then 23:00), 11-05 is its EXDATE and 11-12
# its moved occurrence; London's 11-11 is excluded; the singles keep
# their zones.
for p in icalendar icaljs; do
	J=$W/seeker.$p.json
	holds "seeker_${p}_ny_18h_local_across_dst" "$J" \
		'[(o["start_local"][11:16], __import__("time").gmtime(o["start"]).tm_hour) for o in d["occurrences"] if o["uid"] == "series-'"$S1"'@chiron" and o["start_local"][5:10] != "11-13"] == [("18:00", 22)] * 3 + [("18:00", 23)]'
	holds "seeker_${p}_ny_one_exdate" "$J" \
		'[e["exdates"] for e in d["events"] if e["uid"] == "series-'"$S1"'@chiron" and e["rrule"]] == [["2026-11-05T18:00:00"]]'
	holds "seeker_${p}_ny_moved_is_override" "$J" \
		'[(e["recurrence_id"], e["start_local"], e["tzid"]) for e in d["events"] if e["uid"] == "series-'"$S1"'@chiron" and e["recurrence_id"]] == [("2026-11-12T18:00:00", "2026-11-13T17:00:00", "America/New_York")]'
	holds "seeker_${p}_london_fortnightly" "$J" \
		'[(e["rrule"], e["exdates"], e["start_local"]) for e in d["events"] if e["uid"] == "series-'"$S2"'@chiron"] == [({"freq": "WEEKLY", "interval": 2, "count": 5}, ["2026-11-11T08:30:00"], "2026-10-14T08:30:00")]'
	holds "seeker_${p}_london_0830_across_dst" "$J" \
		'[(o["start_local"][11:16], __import__("time").gmtime(o["start"]).tm_hour) for o in d["occurrences"] if o["uid"] == "series-'"$S2"'@chiron"] == [("08:30", 7), ("08:30", 8), ("08:30", 8), ("08:30", 8)]'
	holds "seeker_${p}_sydney_single" "$J" \
		'[(o["tzid"], o["start_local"], o["end"] - o["start"]) for o in d["occurrences"] if o["uid"] == "appt-'"$A301"'@chiron"] == [("Australia/Sydney", "2026-10-04T09:00:00", 3000)]'
	holds "seeker_${p}_los_angeles_single" "$J" \
		'[(o["tzid"], o["start_local"], o["summary"]) for o in d["occurrences"] if o["uid"] == "appt-'"$A401"'@chiron"] == [("America/Los_Angeles", "2026-03-08T10:00:00", "Therapy with Sandra O\x27Brien")]'
	holds "seeker_${p}_cancellations" "$J" \
		'[(o["uid"], o["status"]) for o in d["occurrences"] if o["uid"] in ("appt-'"$A501"'@chiron", "appt-'"$A502"'@chiron")] == [("appt-'"$A501"'@chiron", "CANCELLED")]'
	holds "seeker_${p}_not_another_seekers" "$J" \
		'all(o["uid"] != "appt-'"$A601"'@chiron" for o in d["occurrences"])'
done
check seeker_feed_one_vtimezone_per_zone test "$(grep -c '^BEGIN:VTIMEZONE' "$W/seeker.ics")" = 4

# ======================================================================
# A therapist's feed: the seekers by pseudonym
# ======================================================================

api tfeed_create T POST /api/v1/me/feed
answers tfeed_create POST /api/v1/me/feed 201
TFEED=$(url_of tfeed_create)
remember "$TFEED"
check feeds_differ test "$TFEED" != "$SFEED"
get therapist "$TFEED"
check therapist_feed_200 test "$(cat "$W/therapist.s")" = 200
read_both therapist
judge therapist therapist thera1
for p in icalendar icaljs; do
	holds "therapist_${p}_pseudonyms" "$W/therapist.$p.json" \
		'sorted({o["summary"] for o in d["occurrences"]}) == ["Session with brightwren", "Session with quietfern"]'
	holds "therapist_${p}_only_their_listing" "$W/therapist.$p.json" \
		'sorted({o["uid"] for o in d["occurrences"]}) == ["appt-'"$A501"'@chiron", "appt-'"$A601"'@chiron", "series-'"$S1"'@chiron"]'
done

# ======================================================================
# Sessions booked, made a series, cancelled and moved through the API
# ======================================================================

# brightwren books next week's Thursday 19:00 in New York, makes it
# weekly five times, cancels the second and moves the third a day later
# to 18:00; the feed must say what the rows then say.
python3 - "$B" "$(cat "$W/S2.csrf")" "$(grep -o 'chiron_session\s[^[:space:]]*' "$W/S2" | awk '{print $2}')" \
	>"$W/booked.out" 2>&1 <<'EOF2'
import datetime, http.client, json, sys
from zoneinfo import ZoneInfo

base, csrf, session = sys.argv[1:4]
host, port = base.split("//")[1].split(":")
NY = ZoneInfo("America/New_York")

def call(method, path, body=None):
    c = http.client.HTTPConnection(host, int(port), timeout=30)
    h = {"Cookie": "chiron_session=" + session, "X-CSRF-Token": csrf}
    if body is not None:
        h["Content-Type"] = "application/json"
    c.request(method, path, body=None if body is None else json.dumps(body), headers=h)
    r = c.getresponse()
    data = r.read()
    return r.status, json.loads(data) if data else None

def iso(dt):
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

def need(name, cond, why):
    print(("ok " if cond else "not ok ") + name)
    if not cond:
        print("#   " + str(why)[:300])
        sys.exit(1)

day = datetime.date.today() + datetime.timedelta(days=7)
while day.weekday() != 3:
    day += datetime.timedelta(days=1)
start = datetime.datetime(day.year, day.month, day.day, 19, 0, tzinfo=NY)
st, a = call("POST", "/api/v1/appointments", {"therapist_id": "t-9100001", "kind": "individual", "start": iso(start)})
need("api_booked", st == 201, (st, a))
st, sr = call("POST", "/api/v1/appointments/%d/series" % a["id"], {"interval_weeks": 1, "count": 5})
need("api_series", st == 201, (st, sr))
st, mine = call("GET", "/api/v1/appointments")
occ = sorted((x for x in mine["appointments"] if x.get("series_id")), key=lambda x: x["start"])
need("api_series_rows", len(occ) == 5, mine)
st, r = call("POST", "/api/v1/appointments/%d/cancel" % occ[1]["id"])
need("api_cancelled", st in (200, 204), (st, r))
moved = datetime.datetime.combine(day + datetime.timedelta(days=15), datetime.time(18, 0), tzinfo=NY)
st, r = call("POST", "/api/v1/appointments/%d/move" % occ[2]["id"], {"start": iso(moved)})
need("api_moved", st == 200, (st, r))
print("MOVED_FROM " + (start + datetime.timedelta(weeks=2)).strftime("%Y-%m-%dT%H:%M:%S"))
print("MOVED_TO " + moved.strftime("%Y-%m-%dT%H:%M:%S"))
print("CANCELLED " + (start + datetime.timedelta(weeks=1)).strftime("%Y-%m-%dT%H:%M:%S"))
EOF2
grep -E '^(not )?ok ' "$W/booked.out" >"$W/booked.lines"
while IFS= read -r line; do
	case $line in
	"ok "*) ok "${line#ok }" ;;
	"not ok "*) not_ok "${line#not ok }" "$(grep '^#' "$W/booked.out")" ;;
	esac
done <"$W/booked.lines"
grep -q '^MOVED_TO ' "$W/booked.out" || not_ok api_booking "$(head -c 1500 "$W/booked.out")"
MOVED_FROM=$(sed -n 's/^MOVED_FROM //p' "$W/booked.out")
MOVED_TO=$(sed -n 's/^MOVED_TO //p' "$W/booked.out")
CANCELLED=$(sed -n 's/^CANCELLED //p' "$W/booked.out")
api bfeed_create S2 POST /api/v1/me/feed
BFEED=$(url_of bfeed_create)
remember "$BFEED"
get booked "$BFEED"
check booked_feed_200 test "$(cat "$W/booked.s")" = 200
read_both booked
judge booked seeker brightwren
BSID=$("$BIN" appointment list --db "$DB" --therapist t-9100001 --from 0 --to $((1 << 40)) | awk '$9 != 0 { print $9; exit }')
for p in icalendar icaljs; do
	holds "booked_${p}_series_as_made" "$W/booked.$p.json" \
		"[(e['rrule'], e['exdates'], e['summary']) for e in d['events'] if e['uid'] == 'series-$BSID@chiron' and e['rrule']] == [({'freq': 'WEEKLY', 'interval': 1, 'count': 5}, ['$CANCELLED'], 'Therapy with Nadia Feedwell')]"
	holds "booked_${p}_move_as_made" "$W/booked.$p.json" \
		"[(e['recurrence_id'], e['start_local']) for e in d['events'] if e['uid'] == 'series-$BSID@chiron' and e['recurrence_id']] == [('$MOVED_FROM', '$MOVED_TO')]"
done

# ======================================================================
# One appointment's .ics
# ======================================================================

get ics_own "$B/appointments/$A401/ics" -b "$W/S"
check ics_own_200 test "$(cat "$W/ics_own.s")" = 200
check ics_own_attachment test "$(hdr ics_own Content-Disposition)" = "attachment; filename=\"appointment-$A401.ics\""
check ics_own_content_type test "$(hdr ics_own Content-Type)" = "text/calendar; charset=utf-8"
read_both ics_own
for p in icalendar icaljs; do
	holds "ics_own_${p}_event" "$W/ics_own.$p.json" \
		"[(o['uid'], o['tzid'], o['start'], o['end'], o['summary']) for o in d['occurrences']] == [('appt-$A401@chiron', 'America/Los_Angeles', $("$BIN" appointment show --db "$DB" "$A401" | cut -d' ' -f5), $("$BIN" appointment show --db "$DB" "$A401" | cut -d' ' -f6), 'Therapy with Sandra O\x27Brien')]"
done
get ics_series_row "$B/appointments/$A105/ics" -b "$W/S"
read_both ics_series_row
holds ics_series_row_is_one_event "$W/ics_series_row.icaljs.json" \
	'[(o["uid"], o["start_local"]) for o in d["occurrences"]] == [("appt-'"$A105"'@chiron", "2026-11-13T17:00:00")]'
get ics_therapist "$B/appointments/$A601/ics" -b "$W/T"
check ics_therapist_200 test "$(cat "$W/ics_therapist.s")" = 200
check ics_therapist_pseudonym grep -q '^SUMMARY:Session with brightwren' "$W/ics_therapist.b"
get ics_other_seekers "$B/appointments/$A601/ics" -b "$W/S"
check ics_other_seekers_404 test "$(cat "$W/ics_other_seekers.s")" = 404
get ics_other_therapists "$B/appointments/$A601/ics" -b "$W/T3"
check ics_other_therapists_404 test "$(cat "$W/ics_other_therapists.s")" = 404
get ics_missing "$B/appointments/999999/ics" -b "$W/S"
check ics_missing_404 test "$(cat "$W/ics_missing.s")" = 404
check ics_other_looks_missing cmp -s "$W/ics_other_seekers.b" "$W/ics_missing.b"
get ics_bad_id "$B/appointments/4x1/ics" -b "$W/S"
check ics_bad_id_404 test "$(cat "$W/ics_bad_id.s")" = 404
get ics_anonymous "$B/appointments/$A401/ics"
check ics_anonymous_to_sign_in test "$(cat "$W/ics_anonymous.s") $(hdr ics_anonymous Location)" = "303 /login?next=%2Fappointments%2F12%2Fics"

# ======================================================================
# Addresses that are not feeds; a new address; revoking
# ======================================================================

STOK=${SFEED##*/}
STOK=${STOK%.ics}
get bad_garbage "$B/feed/garbage.ics"
check feed_garbage_404 test "$(cat "$W/bad_garbage.s")" = 404
get bad_no_suffix "$B/feed/$STOK"
check feed_without_ics_404 test "$(cat "$W/bad_no_suffix.s")" = 404
get bad_unknown "$B/feed/$(python3 -S -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="))').ics"
check feed_unknown_token_404 test "$(cat "$W/bad_unknown.s")" = 404
get bad_revoke_get "$B/feed/revoke"
check feed_revoke_by_get_404 test "$(cat "$W/bad_revoke_get.s")" = 404

api feed_regenerate S POST /api/v1/me/feed
answers feed_regenerate POST /api/v1/me/feed 201
SFEED2=$(url_of feed_regenerate)
remember "$SFEED2"
get old_after_regenerate "$SFEED"
check regenerate_ends_old_address test "$(cat "$W/old_after_regenerate.s")" = 404
get new_after_regenerate "$SFEED2"
check regenerate_new_address_works test "$(cat "$W/new_after_regenerate.s")" = 200
get other_feed_untouched "$TFEED"
check regenerate_leaves_other_users test "$(cat "$W/other_feed_untouched.s")" = 200

api feed_revoke S DELETE /api/v1/me/feed
answers feed_revoke DELETE /api/v1/me/feed 204
get after_revoke "$SFEED2"
check revoked_address_404 test "$(cat "$W/after_revoke.s")" = 404
api feed_state_revoked S GET /api/v1/me/feed
holds feed_state_revoked_inactive "$W/feed_state_revoked.b" 'd == {"active": False}'

# ======================================================================
# The page: the address shown once, CSRF on both buttons
# ======================================================================

# page NAME JAR METHOD PATH [DATA]: a page request with JAR's cookies.
page() {
	curl -s -o "$W/$1.b" -D "$W/$1.h" -w '%{http_code}' -b "$W/$2" -c "$W/$2" -X "$3" \
		${5:+--data "$5"} "$B$4" >"$W/$1.s"
}
form_csrf() { grep -o 'name="csrf" value="[^"]*"' "$W/$1.b" | head -1 | sed 's/.*value="//;s/"$//'; }
page page_none S GET /feed
check page_200 test "$(cat "$W/page_none.s")" = 200
check page_says_none grep -q 'You have no feed address' "$W/page_none.b"
CS=$(form_csrf page_none)
page page_no_csrf S POST /feed
check page_create_needs_csrf test "$(cat "$W/page_no_csrf.s")" = 403
page page_create S POST /feed "csrf=$CS"
check page_create_200 test "$(cat "$W/page_create.s")" = 200
PFEED=$(grep -o 'value="http[^"]*/feed/[A-Za-z0-9_-]*\.ics"' "$W/page_create.b" | sed 's/^value="//;s/"$//')
remember "$PFEED"
check page_shows_address_once test -n "$PFEED"
check page_explains_once grep -q 'shown only this once' "$W/page_create.b"
check page_subscribe_link grep -q "href=\"webcal://${PFEED#http*://}\">Subscribe in your calendar app" "$W/page_create.b"
get page_feed_works "$PFEED"
check page_address_works test "$(cat "$W/page_feed_works.s")" = 200
page page_again S GET /feed
check page_hides_address bash -c "! grep -q '/feed/[A-Za-z0-9_-]\{43\}' '$W/page_again.b'"
check page_says_active grep -q 'You have a feed address' "$W/page_again.b"
page page_revoke_no_csrf S POST /feed/revoke
check page_revoke_needs_csrf test "$(cat "$W/page_revoke_no_csrf.s")" = 403
page page_revoke S POST /feed/revoke "csrf=$CS"
check page_revoke_303 test "$(cat "$W/page_revoke.s") $(hdr page_revoke Location)" = "303 /feed?off=1"
page page_revoked_note S GET "/feed?off=1"
check page_revoke_says_off grep -q 'role="status"><p>Your feed is turned off' "$W/page_revoked_note.b"
get page_feed_revoked "$PFEED"
check page_revoked_address_404 test "$(cat "$W/page_feed_revoked.s")" = 404
page page_anonymous - GET /feed
check page_anonymous_to_sign_in test "$(cat "$W/page_anonymous.s") $(hdr page_anonymous Location)" = "303 /login?next=%2Ffeed"
page account S GET /account
check account_links_feed grep -q 'href="/feed"' "$W/account.b"

# ======================================================================
# The log and the sanitizers
# ======================================================================

leaked=()
for t in "${TOKENS[@]}"; do
	[ -n "$t" ] && grep -qF -- "$t" "$W/access.log" && leaked+=("$t")
done
if [ ${#TOKENS[@]} -lt 4 ]; then
	not_ok access_log_no_feed_tokens "only ${#TOKENS[@]} feed addresses were made"
elif [ ${#leaked[@]} -gt 0 ]; then
	not_ok access_log_no_feed_tokens "${leaked[@]}"
elif ! grep -q 'GET /feed/(token) 200' "$W/access.log"; then
	not_ok access_log_no_feed_tokens "no feed request logged as /feed/(token)"
else
	ok access_log_no_feed_tokens
fi
if grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err"; then
	not_ok no_sanitizer_reports "$(head -5 "$W/serve.err")"
else
	ok no_sanitizer_reports
fi
[ "$fails" -eq 0 ]
