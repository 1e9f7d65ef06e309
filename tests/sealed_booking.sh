#!/usr/bin/env bash
# Who booked whom, sealed at rest (issue 11; docs/security.md "Bookings,
# waitlists and calendars"): a seeker books, makes it a series, joins a
# waitlist and uploads a calendar with distinctive busy times; the
# therapist closes a day with a PLANTED note; all through the API and the
# pages. Then the raw database and its WAL hold no seeker id beside a
# therapist id, no PLANTED note and no busy time in the clear, while
# everything reads back through the API and the pages. A sealed seeker,
# a sealed note and a sealed calendar copied to another row (sqlite3, the
# server stopped) fail closed (500), and rows an older chiron kept in the
# clear are sealed at the next start.
#   tests/sealed_booking.sh BUILD/chiron   (prints "ok NAME" / "not ok NAME")
. "$(dirname "$0")/lib/suite.sh" "$1"

command -v sqlite3 >/dev/null || { echo "ok skipped_no_sqlite3 # SKIP"; exit 0; }

python3 - "$W/dir.jsonl" <<'PY'
import json, sys
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"type": "therapist", "id": "t-8100001", "name": "Sealed Tester", "credentials": "PhD",
        "profession": "psychologist", "licenses": ["US-NY"], "modalities": ["telehealth"],
        "formats": ["individual", "group"], "accepting_new_clients": True,
        "fee": {"currency": "USD", "session": 100}, "orientations": ["cbt"], "focus_areas": ["burnout"],
        "languages": ["en"], "career_stages": ["early_career"], "clinician_clients": True,
        "timezone": "America/New_York",
        "availability": [{"day": d, "start": "00:00", "end": "24:00"} for d in days]}) + "\n")
PY
"$BIN" import --db "$DB" "$W/dir.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
mkuser ther ther-password-1 therapist t-8100001
mkuser sealseek seek-password-1 seeker
mkuser otherseek other-password-1 seeker
T=t-8100001
SEEK_ID=$("$BIN" account show --db "$DB" sealseek | cut -d' ' -f1)
OTHER_ID=$("$BIN" account show --db "$DB" otherseek | cut -d' ' -f1)
serve
client_start
api_sign_in ther ther-password-1 >/dev/null
api_sign_in seek seek-password-1 sealseek >/dev/null
api_sign_in other other-password-1 otherseek >/dev/null
sign_in therw ther-password-1 ther >/dev/null
sign_in seekw seek-password-1 sealseek >/dev/null

# --- written through the API ---
http seek GET "/api/v1/therapists/$T/slots?kind=individual&days=5" >/dev/null
S0=$(c jsonpy 'd["slots"][0]["start"]')
S1=$(c jsonpy 'd["slots"][3]["start"]')
same book_201 "$(c api seek POST /api/v1/appointments "{\"therapist_id\":\"$T\",\"kind\":\"individual\",\"start\":\"$S0\"}")" 201
A1=$(c jsonpy 'd["id"]')
same other_book_201 "$(c api other POST /api/v1/appointments "{\"therapist_id\":\"$T\",\"kind\":\"individual\",\"start\":\"$S1\"}")" 201
A2=$(c jsonpy 'd["id"]')
same series_201 "$(c api seek POST "/api/v1/appointments/$A1/series" '{"interval_weeks":1,"count":2}')" 201
same waitlist_201 "$(c api seek POST /api/v1/waitlist "{\"therapist_id\":\"$T\",\"kind\":\"group\"}")" 201
DAY=$(python3 -c 'import datetime; print((datetime.date.today() + datetime.timedelta(days=40)).isoformat())')
same closure_201 "$(c api ther POST /api/v1/schedule/closures "{\"first_day\":\"$DAY\",\"note\":\"PLANTED-closure-note\"}")" 201
# A calendar whose one busy time is distinctive: 13:37:00 to 14:11:00 UTC,
# nine days after the coming Monday (inside the four weeks read).
BUSY_START=$(python3 -c 'import datetime as d
t=d.date.today(); m=t+d.timedelta(days=(7-t.weekday())%7 or 7)+d.timedelta(days=9)
print(int(d.datetime(m.year,m.month,m.day,13,37,tzinfo=d.timezone.utc).timestamp()))')
BUSY_END=$((BUSY_START + 34 * 60))
ics_time() { python3 -c 'import sys,datetime; print(datetime.datetime.fromtimestamp(int(sys.argv[1]),datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ"))' "$1"; }
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:sealed-1@t\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:PLANTED-busy-summary\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	"$(ics_time "$BUSY_START")" "$(ics_time "$BUSY_END")" >"$W/cal.ics"
same busy_put_200 "$(c api seek PUT "/api/v1/me/busy?timezone=America/New_York" "$(cat "$W/cal.ics")" 'Content-Type: text/calendar')" 200

# The server stopped and started again, with a new client (sessions
# signed in again); the database kept as it is, or put back.
client_stop() {
	exec {C_IN}>&- {C_OUT}<&-
	kill "$CPID" 2>/dev/null
	wait "$CPID" 2>/dev/null
	CPID=
	rm -f "$W/c.in" "$W/c.out"
}
restart() {
	client_stop
	serve
	client_start
	api_sign_in ther ther-password-1 >/dev/null
	api_sign_in seek seek-password-1 sealseek >/dev/null
	api_sign_in other other-password-1 otherseek >/dev/null
	sign_in therw ther-password-1 ther >/dev/null
	sign_in seekw seek-password-1 sealseek >/dev/null
}
snapshot() { for x in "" -wal -shm; do rm -f "$W/keep.db$x"; [ -f "$DB$x" ] && cp "$DB$x" "$W/keep.db$x"; done; return 0; }
put_back() { for x in "" -wal -shm; do rm -f "$DB$x"; [ -f "$W/keep.db$x" ] && cp "$W/keep.db$x" "$DB$x"; done; return 0; }

# --- read back through the API and the pages ---
readback() { # SUFFIX: everything written reads back
	http seek GET /api/v1/appointments >/dev/null
	same "seeker_appointments_$1" "$(c jsonpy "sorted(a['id'] for a in d['appointments'] if a['side'] == 'seeker')[0] == $A1 and len([a for a in d['appointments'] if a['side'] == 'seeker'])")" 2
	http seek GET /api/v1/series >/dev/null
	same "seeker_series_$1" "$(c jsonpy 'len(d["series"])')" 1
	http seek GET /api/v1/waitlist >/dev/null
	same "seeker_waitlist_$1" "$(c jsonpy '" ".join(w["therapist_id"] + "/" + w["kind"] for w in d["waitlist"])')" "$T/group"
	http ther GET /api/v1/schedule >/dev/null
	same "closure_note_$1" "$(c jsonpy '"yes" if "PLANTED-closure-note" in [x["note"] for x in d["closures"]] else "no"')" yes
	http seek GET /api/v1/me/busy >/dev/null
	same "busy_$1" "$(c jsonpy '" ".join(b["start"] + "/" + b["end"] for b in d["busy"])')" \
		"$(python3 -c 'import sys,datetime as d; f=lambda t: d.datetime.fromtimestamp(int(t),d.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"); print(f(sys.argv[1]) + "/" + f(sys.argv[2]))' "$BUSY_START" "$BUSY_END")"
	same "therapist_page_$1" "$(http therw GET /schedule)" 200
	c body | grep -c >/dev/null 'sealseek' && c body | grep -c >/dev/null 'otherseek' && ok "therapist_sees_pseudonyms_$1" ||
		not_ok "therapist_sees_pseudonyms_$1" "no pseudonym on /schedule"
	c body | grep -c >/dev/null 'PLANTED-closure-note' && ok "therapist_sees_note_$1" || not_ok "therapist_sees_note_$1"
	same "seeker_page_$1" "$(http seekw GET /therapy)" 200
	c body | grep -c >/dev/null 'Sealed Tester' && ok "seeker_sees_therapist_$1" || not_ok "seeker_sees_therapist_$1"
	local out
	out=$("$BIN" appointment show --db "$DB" "$A1" 2>&1)
	same "cli_reads_seeker_$1" "$(echo "$out" | cut -d' ' -f3)" "$SEEK_ID"
}
readback live

# --- the raw database and its WAL, the server running ---
planted=$(cat "$DB" "$DB-wal" 2>/dev/null | grep -ac PLANTED)
same no_planted_in_db_or_wal "$planted" 0
cols() { sqlite3 "$DB" "select group_concat(name, ',') from pragma_table_info('$1')"; }
for t in appointment series waitlist; do
	case ",$(cols $t)," in
	*,seeker_id,*) not_ok "no_seeker_id_column_$t" "$(cols $t)" ;;
	*) ok "no_seeker_id_column_$t" ;;
	esac
	same "no_clear_seeker_$t" "$(sqlite3 "$DB" "select count(*) from $t where dkey in ($SEEK_ID, -$SEEK_ID, $OTHER_ID, -$OTHER_ID) or seeker_sealed is null or length(rk) != 16")" 0
done
same seeker_rows_share_a_key "$(sqlite3 "$DB" "select count(distinct dkey) from appointment where id != $A2")" 1
same one_key_per_seeker "$(sqlite3 "$DB" "select count(distinct dkey) from appointment")" 2
same closure_note_blank "$(sqlite3 "$DB" "select count(*) from closed_range where note != '' or note_sealed is null")" 0
same busy_rows_gone "$(sqlite3 "$DB" "select count(*) from busy")" 0
same busy_sealed_one "$(sqlite3 "$DB" "select count(*) from busy_sealed")" 1
# The busy time as it would be stored in the clear (8 bytes big-endian,
# or as text) is nowhere in the files.
python3 - "$DB" "$BUSY_START" "$BUSY_END" <<'PY' && ok no_busy_time_in_clear || not_ok no_busy_time_in_clear
import struct, sys, os
data = b"".join(open(p, "rb").read() for p in (sys.argv[1], sys.argv[1] + "-wal") if os.path.exists(p))
for t in map(int, sys.argv[2:]):
    for needle in (struct.pack(">q", t), struct.pack("<q", t), str(t).encode()):
        if needle in data:
            sys.exit(1)
PY

# --- copied to another row, the server stopped: fails closed ---
stop_server
snapshot
sqlite3 "$DB" "update appointment set seeker_sealed = (select seeker_sealed from appointment where id = $A1) where id = $A2"
restart
same copied_seeker_therapist_page_500 "$(http therw GET /schedule)" 500
c body | grep -c >/dev/null 'sealseek' && not_ok copied_seeker_nothing_shown || ok copied_seeker_nothing_shown
same copied_seeker_therapist_api_500 "$(http ther GET /api/v1/appointments)" 500
same copied_seeker_appointment_500 "$(http other GET /api/v1/appointments)" 500
"$BIN" appointment show --db "$DB" "$A2" >/dev/null 2>&1 && not_ok copied_seeker_cli_fails || ok copied_seeker_cli_fails
stop_server
put_back
# Its row key moved with it (the first row gone, for the unique index):
# the value names the first seeker's key, not the row's.
sqlite3 "$DB" "create temp table k as select rk, seeker_sealed from appointment where id = $A1;
	delete from appointment where id = $A1;
	update appointment set (rk, seeker_sealed) = (select rk, seeker_sealed from k) where id = $A2"
"$BIN" appointment show --db "$DB" "$A2" >/dev/null 2>&1 && not_ok copied_row_key_fails || ok copied_row_key_fails
put_back
# A note copied to another closure, a calendar to another account.
sqlite3 "$DB" "insert into closed_range (therapist_id, first_day, last_day, rk, note_sealed) select therapist_id, first_day + 1, last_day + 1, randomblob(16), note_sealed from closed_range"
restart
same copied_note_500 "$(http ther GET /api/v1/schedule)" 500
c body | grep -c >/dev/null PLANTED && not_ok copied_note_nothing_shown || ok copied_note_nothing_shown
stop_server
put_back
sqlite3 "$DB" "insert into busy_sealed (user_id, sealed) select $OTHER_ID, sealed from busy_sealed where user_id = $SEEK_ID"
"$BIN" busy list --db "$DB" otherseek >/dev/null 2>&1 && not_ok copied_busy_fails || ok copied_busy_fails
put_back

# --- rows an older chiron kept in the clear: sealed at start ---
sqlite3 "$DB" "insert into appointment (therapist_id, dkey, kind, start_utc, end_utc, zone, created_at, updated_at)
	values ('$T', -$OTHER_ID, 'consultation', 4102444800, 4102445700, 'America/New_York', 1, 1);
	insert into closed_range (therapist_id, first_day, last_day, note) values ('$T', 47000, 47000, 'PLANTED-old-note');
	insert into busy (user_id, start_utc, end_utc) values ($OTHER_ID, 4102448400, 4102452000);"
restart
same legacy_sealed_at_start "$(sqlite3 "$DB" "select count(*) from appointment where dkey < 0 or seeker_sealed is null")|$(sqlite3 "$DB" "select count(*) from closed_range where note != ''")|$(sqlite3 "$DB" "select count(*) from busy")" "0|0|0"
grep -q 'sealed 3 booking values' "$W/serve.err" && ok legacy_sealed_logged || not_ok legacy_sealed_logged "$(tail -3 "$W/serve.err")"
same legacy_appointment_reads "$("$BIN" appointment list --db "$DB" --seeker otherseek --from 4102444000 | cut -d' ' -f3,4)" "$OTHER_ID consultation"
same legacy_busy_reads "$("$BIN" busy list --db "$DB" otherseek)" "2100-01-01T01:00:00Z 2100-01-01T02:00:00Z"
planted=$(cat "$DB" "$DB-wal" 2>/dev/null | grep -ac PLANTED-old-note)
same legacy_note_gone_from_files "$planted" 0
readback after_restart

done_suite
