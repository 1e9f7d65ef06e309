#!/usr/bin/env bash
# security_mail.sh: what a copy of the database, its WAL or the outbox log
# tells of the mail chiron sends (docs/web.md, mail at rest), against a
# running `chiron serve` on loopback.
#
#   tests/security_mail.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
#
# A reset link and a booking's notes are sealed in the outbox: neither the
# token, nor the addresses, nor who booked whom is readable in the files,
# and a token-shaped string found in them resets nothing. The outbox log
# is off by default and, when on, one redacted line a message. The key
# file is made 0600 and refused when others can read it or it is not a
# key. Mail delivered to --mail-dir holds the working link, and a message
# delivered is erased from its row.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
PID=
fails=0
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
ok() { echo "ok $1"; }
not_ok() { echo "not ok $1"; shift; [ $# -gt 0 ] && printf '#   %s\n' "$@"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }
# until TENTHS CMD...: true as soon as CMD is, false after TENTHS tenths of a second
until_() { local i; for ((i = 0; i < $1; i++)); do "${@:2}" && return 0; sleep 0.1; done; "${@:2}"; }
freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
# The outbox's rows through the store (`chiron outbox list`): per message
# ID STATE ATTEMPTS SEALED_BYTES CLEAR SAMPLE TRIED ERROR...; no address, no body.
ob() { "$BIN" outbox list --db "$W/c.db"; }
# ob_row ID: that message's line
ob_row() { ob | awk -v id="$1" '$1 == id'; }

NAME="Zephyrine Quarrington-Vale"
SEEKER=hidden.seeker@private.example
python3 - "$W/dir.jsonl" "$NAME" <<'PY'
import json, sys
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"type": "therapist", "id": "t-9100001", "name": sys.argv[2], "credentials": "PhD",
        "profession": "psychologist", "licenses": ["US-NY"], "modalities": ["telehealth"],
        "formats": ["individual"], "accepting_new_clients": True, "fee": {"currency": "USD", "session": 100},
        "orientations": ["cbt"], "focus_areas": ["burnout"], "languages": ["en"],
        "career_stages": ["early_career"], "clinician_clients": True, "timezone": "America/New_York",
        "availability": [{"day": d, "start": "09:00", "end": "20:00"} for d in days]}) + "\n")
PY
"$BIN" import --db "$W/c.db" "$W/dir.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
echo long-enough-password | "$BIN" user add --db "$W/c.db" --handle seekerq --email "$SEEKER" \
	--role seeker --password-stdin >/dev/null || { not_ok setup "user add failed"; exit 1; }
echo thera-password-1 | "$BIN" user add --db "$W/c.db" --handle theraq --email theraq@clinic.example \
	--role therapist --therapist t-9100001 --password-stdin >/dev/null || { not_ok setup "user add failed"; exit 1; }

HP=$(freeport)
B="http://127.0.0.1:$HP"
serve() {
	"$BIN" serve --db "$W/c.db" --listen "127.0.0.1:$HP" --access-log off "$@" 2>>"$W/serve.err" &
	PID=$!
	until_ 600 curl -s -o /dev/null "$B/"
}
stop() { kill "$PID"; wait "$PID"; PID=; }
csrf() { curl -s -c "$1" -b "$1" "$2" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
reset() { local t; t=$(csrf "$W/jar" "$B/reset"); curl -s -c "$W/jar" -b "$W/jar" -o /dev/null -w '%{http_code}' -X POST "$B/reset" --data-urlencode "csrf=$t" --data-urlencode "email=$1"; }
# the database's files as bytes: what a copy of them holds
dbfiles() { cat "$W"/c.db "$W"/c.db-wal 2>/dev/null; }

# --- run 1: development defaults (no --smtp, no --mail-dir): nothing sent, sealed ---
serve
check reset_asked test "$(reset "$SEEKER")" = 200
check log_off_by_default test -z "$(find "$W" -name 'outbox.log')"
check key_file_created_0600 test "$(stat -c %a "$W/chiron.key" 2>/dev/null) $(stat -c %s "$W/chiron.key" 2>/dev/null)" = "600 44"
check row_sealed test "$(ob | awk '{ print $5, ($4 > 100), $2 }')" = "0 1 unsent"
# Every token-shaped string in the files (43 characters of base64url) resets nothing.
tried=0 opened=
t=$(csrf "$W/jar" "$B/reset")
for tok in $(dbfiles | grep -aoE '[A-Za-z0-9_-]{43}' | sort -u | head -200); do
	tried=$((tried + 1))
	c=$(curl -s -c "$W/jar" -b "$W/jar" -o /dev/null -w '%{http_code}' -X POST "$B/reset/$tok" \
		--data-urlencode "csrf=$t" --data-urlencode "password=stolen-password-1")
	[ "$c" = 404 ] || opened="$opened $tok:$c"
done
[ -z "$opened" ] && ok token_from_db_resets_nothing || not_ok token_from_db_resets_nothing "$tried tried:$opened"
# 32 bytes of the reset's sealed ciphertext, to look for once it is erased.
sample=$(ob | awk 'NR == 1 { print $6 }')
stop

# --- run 2: --mail-dir and the outbox log on; the waiting reset is delivered ---
serve --mail-dir "$W/mail" --outbox-log "$W/outbox.log"
delivered() { test -n "$(grep -l '/reset/' "$W"/mail/*.eml 2>/dev/null)"; }
if until_ 1200 delivered; then ok reset_delivered_to_mail_dir; else not_ok reset_delivered_to_mail_dir "$(cat "$W/serve.err")"; fi
f=$(grep -l '/reset/' "$W"/mail/*.eml 2>/dev/null | head -1)
check mail_file_0600 test "$(stat -c %a "$f" 2>/dev/null)" = 600
check no_temp_files_left test -z "$(find "$W/mail" -name '.*')"
link=$(grep -o "$B/reset/[A-Za-z0-9_-]*" "${f:-/dev/null}" | head -1)
token=${link##*/}
check mail_has_link test ${#token} = 43
# A booking: a note to the seeker naming the therapist, one to the therapist.
python3 - "$B" "$W/booked" <<'PY'
import http.client, json, sys
base, out = sys.argv[1], sys.argv[2]
host, port = base.split("//")[1].split(":")
def call(method, path, body=None, cookie=None, csrf=None):
    c = http.client.HTTPConnection(host, int(port), timeout=60)
    h = {"Content-Type": "application/json"}
    if cookie: h["Cookie"] = cookie
    if csrf: h["X-CSRF-Token"] = csrf
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
    r = c.getresponse(); data = r.read(); c.close()
    return r.status, r.getheader("Set-Cookie") or "", json.loads(data) if data else None
st, sc, d = call("POST", "/api/v1/session", {"login": "seekerq", "password": "long-enough-password"})
cookie = sc.split(";")[0]
st, _, slots = call("GET", "/api/v1/therapists/t-9100001/slots?kind=individual&days=14")
st, _, a = call("POST", "/api/v1/appointments", {"therapist_id": "t-9100001", "kind": "individual",
                "start": slots["slots"][2]["start"]}, cookie, d["csrf"])
open(out, "w").write(str(st))
PY
check booked test "$(cat "$W/booked")" = 201
booking_mails() { test "$(grep -l 'session booked' "$W"/mail/*.eml 2>/dev/null | wc -l)" -ge 2; }
if until_ 1200 booking_mails; then ok booking_mailed_both; else not_ok booking_mailed_both "$(ls "$W/mail")"; fi
grep -l "$NAME" "$W"/mail/*.eml | xargs grep -l "^To: $SEEKER" >/dev/null 2>&1 && ok seeker_told_therapist_name || not_ok seeker_told_therapist_name
drained() { test "$(ob | awk '$2 != "sent"' | wc -l)" = 0; }
until_ 1200 drained
check delivered_rows_erased test "$(ob | awk '{ n++; if ($4 == 0 && $5 == 0 && $2 == "sent") k++ } END { print n "|" k }')" = "3|3"
# What a copy of the files holds: no token, no message, no who-sees-whom.
dbfiles | grep -aqF "$token" && not_ok db_files_hold_no_token || ok db_files_hold_no_token
dbfiles | grep -aqF "session with" && not_ok db_files_hold_no_booking_note || ok db_files_hold_no_booking_note
dbfiles | grep -aqF "reset the password" && not_ok db_files_hold_no_reset_note || ok db_files_hold_no_reset_note
# The outbox's rows: nothing kept in the clear, and nothing of anyone in what is left.
ob > "$W/outbox.txt"
{ awk '$5 != 0 { exit 1 }' "$W/outbox.txt" && ! grep -qF -e "$SEEKER" -e "$NAME" -e theraq@ -e "$token" "$W/outbox.txt"; } &&
	ok outbox_table_holds_no_one || not_ok outbox_table_holds_no_one "$(head -c 600 "$W/outbox.txt")"
# The log: one redacted line a message.
check log_one_line_a_message test "$(grep -c . "$W/outbox.log" 2>/dev/null)" = 2
grep -qvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z outbox [0-9]+ (reset|booking|listing-reminder|other)$' "$W/outbox.log" &&
	not_ok log_lines_redacted "$(cat "$W/outbox.log")" || ok log_lines_redacted
grep -qF -e "$SEEKER" -e "$NAME" -e "@" -e "/reset/" -e "$token" -e seekerq "$W/outbox.log" &&
	not_ok log_holds_no_one "$(cat "$W/outbox.log")" || ok log_holds_no_one
# Once the server has stopped (its WAL checkpointed), not even the sealed
# bytes of the delivered reset are left: secure_delete overwrote them.
stop
# (The files read as bytes, the database's and its WAL: engine-specific on purpose.)
python3 - "$W/c.db" "$sample" <<'PY' && ok erased_bytes_overwritten || not_ok erased_bytes_overwritten "${#sample} hex digits"
import glob, sys
sample = bytes.fromhex(sys.argv[2]) if sys.argv[2] != "-" else b""
data = b"".join(open(f, "rb").read() for f in glob.glob(sys.argv[1] + "*"))
sys.exit(len(sample) < 32 or sample in data)
PY
serve --mail-dir "$W/mail" --outbox-log "$W/outbox.log"
# The link mailed works (after the files were searched for it).
t=$(csrf "$W/jar" "$B/reset")
check mailed_link_resets test "$(curl -s -c "$W/jar" -b "$W/jar" -o /dev/null -w '%{http_code}' -X POST "$link" --data-urlencode "csrf=$t" --data-urlencode "password=brand-new-password")" = 303
stop

# --- the key file: refused when others can read it, or when it is not a key ---
chmod 644 "$W/chiron.key"
"$BIN" serve --db "$W/c.db" --listen "127.0.0.1:$HP" --access-log off 2>"$W/bad.err" &
bp=$!
until_ 600 grep -q . "$W/bad.err"
wait $bp; st=$?
[ $st -ne 0 ] && grep -q 'chiron.key: the key file can be read by others (mode 0644); make it private with: chmod 600' "$W/bad.err" &&
	ok world_readable_key_refused || not_ok world_readable_key_refused "exit $st: $(cat "$W/bad.err")"
chmod 600 "$W/chiron.key"
head -c 16 /dev/urandom > "$W/short.key"; chmod 600 "$W/short.key"
# (and an outbox.log an older chiron wrote beside the database: named at start)
printf -- '---\nto: %s\nsubject: Reset\n\nopen /reset/x\n' "$SEEKER" > "$W/outbox.log"
"$BIN" serve --db "$W/c.db" --listen "127.0.0.1:$HP" --access-log off --mail-key "$W/short.key" 2>"$W/bad.err"
st=$?
[ $st -ne 0 ] && grep -q 'not a chiron key file (16 bytes' "$W/bad.err" && ok short_key_refused || not_ok short_key_refused "exit $st: $(cat "$W/bad.err")"
grep -q "outbox.log, written by an older chiron, holds the full text of its mail.*delete it" "$W/bad.err" &&
	ok old_outbox_log_named || not_ok old_outbox_log_named "$(cat "$W/bad.err")"
rm -f "$W/outbox.log"
"$BIN" serve --db "$W/c.db" --listen "127.0.0.1:$HP" --mail-dir "$W/mail" --smtp smtp://127.0.0.1:25 --smtp-from a@b.org 2>"$W/bad.err"
st=$?
[ $st = 2 ] && grep -q -- '--mail-dir and --smtp: choose one' "$W/bad.err" && ok mail_dir_or_smtp || not_ok mail_dir_or_smtp "exit $st: $(cat "$W/bad.err")"
# Another key: refused at start, never a new key over sealed data, and the
# mail sealed under the first stays unsent and sealed.
first=$("$BIN" outbox add --db "$W/c.db" --to "$SEEKER" --subject s --body sealed-under-first)
head -c 32 /dev/urandom > "$W/other.key"; chmod 600 "$W/other.key"
"$BIN" serve --db "$W/c.db" --listen "127.0.0.1:$HP" --access-log off --mail-dir "$W/mail" --key-file "$W/other.key" 2>"$W/bad.err"
st=$?
[ $st -ne 0 ] && grep -q "other.key does not open this database's keys" "$W/bad.err" &&
	ok other_key_refused || not_ok other_key_refused "exit $st: $(cat "$W/bad.err")"
mv "$W/chiron.key" "$W/chiron.key.away"
"$BIN" serve --db "$W/c.db" --listen "127.0.0.1:$HP" --access-log off --mail-dir "$W/mail" 2>"$W/bad.err"
st=$?
[ $st -ne 0 ] && grep -q "the key file is missing, and this database's data is sealed with it" "$W/bad.err" && [ ! -e "$W/chiron.key" ] &&
	ok missing_key_refused || not_ok missing_key_refused "exit $st: $(cat "$W/bad.err")"
mv "$W/chiron.key.away" "$W/chiron.key"
grep -lq sealed-under-first "$W"/mail/*.eml 2>/dev/null && not_ok other_key_not_sent || ok other_key_not_sent

grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err" && not_ok no_sanitizer_reports "$(head -5 "$W/serve.err")" || ok no_sanitizer_reports
[ "$fails" -eq 0 ]
