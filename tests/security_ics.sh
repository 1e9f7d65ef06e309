#!/usr/bin/env bash
# security_ics.sh: a calendar file whose rules libical cannot finish (issue 8,
# item 1), against a running `chiron serve` on loopback. A rule that never
# gives a date (FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30 from 2000) once held a
# server thread and the libical lock for minutes: now it is read promptly,
# a file of hundreds of them is refused naming a line, pages and other
# clinicians' uploads are answered while such files are read, and SIGTERM
# stops the server whatever it is doing.
#
# No test here races the clock: every request has a generous watchdog
# (curl -m 60, 20 s for the process to end), so a hang fails, and a busy
# machine only makes the suite slower.
#
#   tests/security_ics.sh build/chiron      (prints "ok N - NAME" / "not ok N - NAME")
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONF="$ROOT/../shared/conformance"
CHECK="$ROOT/tests/http/check.py"
W=$(mktemp -d "${TMPDIR:-/tmp}/chiron-freeze.XXXXXX")
PID=
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
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

# ----------------------------------------------------------------------
# The store, three clinicians, the server
# ----------------------------------------------------------------------

DB=$W/f.db
"$BIN" import --db "$DB" "$CONF/directory.jsonl" >/dev/null 2>"$W/err" ||
	{ not_ok setup "import failed: $(cat "$W/err")"; exit 1; }
for u in bad1 bad2 good; do
	echo "long-enough-password-$u" | "$BIN" user add --db "$DB" --handle "$u" --email "$u@example.org" \
		--role seeker --password-stdin >/dev/null
done
PORT=$(python3 -S -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
B="http://127.0.0.1:$PORT"
# --ics-max-ms: the step budget is what these checks are about; a busy
# machine must not answer for it with the time budget.
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --outbox-log off --access-log "$W/access.log" \
	--ics-max-ms 600000 2>"$W/serve.err" &
PID=$!
for _ in $(seq 600); do curl -s -m 5 -o /dev/null "$B/" && break; sleep 0.1; done
curl -s -m 60 -o "$W/openapi.json" "$B/api/v1/openapi.json" || { not_ok setup "the server does not answer"; exit 1; }
# conforms NAME STATUS [FIELD]: the answer to PUT /api/v1/me/busy fits the OpenAPI document.
conforms() {
	python3 -S "$CHECK" answer "$W/openapi.json" PUT /api/v1/me/busy "$2" "$W/$1" ${3+"$3"} >"$W/$1.why" 2>&1
}

# login JAR HANDLE: a session, and its CSRF token for the API in JAR.csrf
login() {
	local t
	t=$(curl -s -m 60 -c "$1" -b "$1" "$B/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 |
		sed 's/.*value="//;s/"$//')
	curl -s -m 60 -c "$1" -b "$1" -o /dev/null "$B/login" --data-urlencode "csrf=$t" \
		--data-urlencode "login=$2" --data-urlencode "password=long-enough-password-$2"
	curl -s -m 60 -b "$1" "$B/api/v1/me" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])' >"$1.csrf"
}
# put NAME JAR FILE: PUT /api/v1/me/busy with FILE; status in NAME.s, headers NAME.h, body NAME.b
put() {
	curl -s -m 60 -o "$W/$1.b" -D "$W/$1.h" -w '%{http_code}' -X PUT -b "$2" -H "X-CSRF-Token: $(cat "$2.csrf")" \
		-H 'Content-Type: text/calendar' --data-binary "@$3" \
		"$B/api/v1/me/busy?timezone=America/New_York&hours=mon+08:00-18:00" >"$W/$1.s"
}
for u in bad1 bad2 good; do login "$W/$u" "$u"; done

# ----------------------------------------------------------------------
# The files
# ----------------------------------------------------------------------

event() {       # event UID RRULE
	printf 'BEGIN:VEVENT\r\nUID:%s@x\r\nDTSTART:20000101T090000Z\r\nDURATION:PT50M\r\nRRULE:%s\r\nEND:VEVENT\r\n' "$1" "$2"
}
calendar() {    # calendar COUNT RRULE
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\n'
	for i in $(seq "$1"); do event "e$i" "$2"; done
	printf 'END:VCALENDAR\r\n'
}
calendar 1 'FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30' >"$W/freeze.ics"         # the review's 260 bytes
calendar 300 'FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30' >"$W/heavy.ics"
calendar 300 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30' >"$W/daily.ics"
NEXT=$(python3 -c 'import datetime as d; t=d.date.today()+d.timedelta(days=10); print(t.strftime("%Y%m%d"))')
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:ok@x\r\nDTSTART;TZID=America/New_York:%sT100000\r\nDURATION:PT50M\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	"$NEXT" >"$W/good.ics"

# ----------------------------------------------------------------------
# Read promptly, or refused with a line
# ----------------------------------------------------------------------

put freeze "$W/bad1" "$W/freeze.ics"
[ "$(cat "$W/freeze.s")" = 200 ] && grep -q '"busy":\[\]' "$W/freeze.b" &&
	ok freeze_file_read_promptly || not_ok freeze_file_read_promptly "$(cat "$W/freeze.s") $(cat "$W/freeze.b")"
put daily "$W/bad1" "$W/daily.ics"
[ "$(cat "$W/daily.s")" = 200 ] && ok daily_rules_read_promptly ||
	not_ok daily_rules_read_promptly "$(cat "$W/daily.s") $(cat "$W/daily.b")"
put heavy "$W/bad1" "$W/heavy.ics"
[ "$(cat "$W/heavy.s")" = 400 ] && conforms heavy 400 calendar &&
	grep -Eq '"message":"line [0-9]+, RRULE: ' "$W/heavy.b" &&
	ok heavy_file_refused_naming_a_line || not_ok heavy_file_refused_naming_a_line "$(cat "$W/heavy.s") $(cat "$W/heavy.b")"

# ----------------------------------------------------------------------
# Pages and others' uploads answered while such files are read
#
# Two heavy uploads at once would once have held both of the server's
# threads: now one is read while the other is asked to come back (503),
# and a page or a normal upload always finds a thread.
# ----------------------------------------------------------------------

put bg1 "$W/bad1" "$W/heavy.ics" &
BG1=$!
put bg2 "$W/bad2" "$W/heavy.ics" &
BG2=$!
home=$(curl -s -m 60 -o /dev/null -w '%{http_code}' "$B/")
[ "$home" = 200 ] && ok home_answered_during_uploads || not_ok home_answered_during_uploads "GET / gave $home"
# The good clinician's upload: read, perhaps after a 503 (Retry-After).
for _ in $(seq 30); do
	put good "$W/good" "$W/good.ics"
	[ "$(cat "$W/good.s")" = 503 ] || break
	grep -q '"message":"another calendar is being read' "$W/good.b" || break
	sleep 1
done
[ "$(cat "$W/good.s")" = 200 ] && grep -q '"start":' "$W/good.b" &&
	ok other_upload_answered_during_uploads || not_ok other_upload_answered_during_uploads "$(cat "$W/good.s") $(cat "$W/good.b")"
wait "$BG1" "$BG2"
s1=$(cat "$W/bg1.s") s2=$(cat "$W/bg2.s")
{ [ "$s1" = 400 ] || [ "$s1" = 503 ]; } && { [ "$s2" = 400 ] || [ "$s2" = 503 ]; } &&
	{ [ "$s1" = 400 ] || [ "$s2" = 400 ]; } &&
	ok background_uploads_answered || not_ok background_uploads_answered "$s1 $(cat "$W/bg1.b")" "$s2 $(cat "$W/bg2.b")"
if [ "$s1" = 503 ] || [ "$s2" = 503 ]; then
	[ "$s1" = 503 ] && k=bg1 || k=bg2
	grep -q '"message":"another calendar is being read just now; try again in a few seconds"' \
		"$W/$k.b" && grep -qi '^Retry-After: 5' "$W/$k.h" && conforms "$k" 503 calendar &&
		ok busy_upload_told_to_come_back ||
		not_ok busy_upload_told_to_come_back "$(cat "$W/$k.h" "$W/$k.b" "$W/$k.why")"
else
	ok busy_upload_told_to_come_back   # read one after the other: nothing to tell
fi
# The store kept the good clinician's times and nothing of the refused files.
# Read through the API (GET /api/v1/me/busy), as each clinician sees it.
kept() {
	curl -s -m 60 -b "$1" "$B/api/v1/me/busy" |
		python3 -c 'import json,sys; print(len(json.load(sys.stdin)["busy"]))' 2>/dev/null || echo ERROR
}
rows=$(kept "$W/good")
bad="$(kept "$W/bad1") $(kept "$W/bad2")"
[ "$rows" = 3 ] && [ "$bad" = "0 0" ] && ok store_kept_only_good_times || not_ok store_kept_only_good_times "good $rows, bad $bad"

# ----------------------------------------------------------------------
# SIGTERM during an upload
# ----------------------------------------------------------------------

put term "$W/bad1" "$W/heavy.ics" &
BG3=$!
put term2 "$W/bad2" "$W/heavy.ics" &
BG4=$!
sleep 0.2         # most likely reading by now; the test holds either way
kill -TERM "$PID"
gone=
for _ in $(seq 200); do
	kill -0 "$PID" 2>/dev/null || { gone=1; break; }
	sleep 0.1
done
if [ -n "$gone" ]; then
	wait "$PID" 2>/dev/null
	ok sigterm_stops_during_upload
	PID=
else
	not_ok sigterm_stops_during_upload "still running 20 s after SIGTERM" "$(tail -3 "$W/serve.err")"
fi
wait "$BG3" "$BG4" 2>/dev/null

echo "# $n tests, $fails failed"
[ "$fails" -eq 0 ]
