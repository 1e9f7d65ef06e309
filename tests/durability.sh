#!/usr/bin/env bash
# Durability under faults (issue 11).
#
# (a) SIGKILL in a storm: bookings, consultation requests and listing
#     edits from many connections at once; once a count of writes was
#     answered 2xx the server gets SIGKILL (tests/durable/storm.py), is
#     started again, and every write it answered is there (through the
#     API), and SQLite's integrity check says ok. Three rounds.
# (b) A full disk: the database on a small tmpfs, filled; a write then
#     fails cleanly: 503 and "the server's disk is full" in plain words,
#     what the person typed shown back on a form, nothing half-written;
#     once space is freed, writes work again. Needs mount (root); when it
#     is not permitted the check is reported skipped, with the reason.
#
#   tests/durability.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
#   DURABILITY_PARTS=b tests/durability.sh ...   one part alone (a or b)
. "$(dirname "$0")/lib/suite.sh" "$1"
STORM="$ROOT/tests/durable/storm.py"
command -v sqlite3 >/dev/null || { not_ok sqlite3_cli "sqlite3 is needed (scripts/deps.sh)"; exit 1; }

python3 - "$W/dir.jsonl" <<'PY'
import json, sys
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ids = ["t-900000%d" % i for i in range(1, 8)] + ["t-910000%d" % i for i in range(1, 4)]
with open(sys.argv[1], "w") as f:
    # One organization: an empty registry is not what is tested here.
    f.write(json.dumps({"type": "org", "id": "org-000001", "name": "Durable Test Association",
                        "kind": "association", "jurisdiction": "US-NY"}) + "\n")
    for n, tid in enumerate(ids):
        f.write(json.dumps({"type": "therapist", "id": tid, "name": "Storm Therapist %d" % n,
            "credentials": "PhD", "profession": "psychologist", "licenses": ["US-NY"],
            "modalities": ["telehealth"], "formats": ["individual"], "accepting_new_clients": True,
            "fee": {"currency": "USD", "session": 100}, "orientations": ["cbt"],
            "focus_areas": ["burnout"], "languages": ["en"], "career_stages": ["early_career"],
            "clinician_clients": True, "timezone": "America/New_York",
            "availability": [{"day": d, "start": "06:00", "end": "22:00"} for d in days]}) + "\n")
PY
"$BIN" import --db "$DB" "$W/dir.jsonl" >/dev/null 2>&1 || { not_ok setup "import failed"; exit 1; }
mkuser rita rita-password-1 therapist t-9000007
for i in 1 2 3; do mkuser "ed$i" "editor-password-$i" therapist "t-910000$i"; done
rounds=
for r in 0 1 2; do
	"$BIN" sessions add --db "$DB" --prefix "storm$r" --count 18 >"$W/seekers$r" ||
		{ not_ok setup "sessions add failed"; exit 1; }
	rounds+=" $W/seekers$r"
done

# ----------------------------------------------------------------------
# (a) SIGKILL during a storm of writes
# ----------------------------------------------------------------------
FLAGS=(--api-rate 0 --connections-per-address 0)
PARTS=${DURABILITY_PARTS:-ab}      # "b": the full disk alone, when working on it
if [[ $PARTS == *a* ]]; then
serve "${FLAGS[@]}"
python3 "$STORM" setup "$B" "$W/state.json" "$rounds" ed1:editor-password-1:t-9100001 \
	ed2:editor-password-2:t-9100002 ed3:editor-password-3:t-9100003
for r in 0 1 2; do
	# The shell's own stderr set aside while it reaps the killed server:
	# bash would say "Killed" there.
	exec {E}>&2 2>/dev/null
	python3 "$STORM" storm "$B" "$PID" "$W/state.json" "$r" 240 2>&"$E"
	wait "$PID"
	exec 2>&"$E" {E}>&-
	same "round${r}_server_was_killed" "$(kill -0 "$PID" 2>/dev/null && echo alive || echo gone)" gone
	PID=
	# The file as the kill left it (SQLite recovers its log on opening).
	same "round${r}_integrity_after_kill" "$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)" ok
	serve "${FLAGS[@]}"
	python3 "$STORM" verify "$B" "$W/state.json" | sed "s/^\(not \)\?ok /&round${r}_/"
done
stop_server
same integrity_at_the_end "$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)" ok
fi

# ----------------------------------------------------------------------
# (b) A full disk
# ----------------------------------------------------------------------
FULL=$W/full
mkdir -p "$FULL"
if ! why=$(mount -t tmpfs -o size=3m tmpfs "$FULL" 2>&1); then
	echo "ok disk_full # SKIP cannot mount a small tmpfs here: ${why:-mount refused}"
	done_suite
	exit
fi
# Unmounted at exit, before the suite's directory goes.
trap 'umount "$FULL" 2>/dev/null; suite_cleanup' EXIT

DB=$FULL/c.db
"$BIN" import --db "$DB" "$W/dir.jsonl" >/dev/null 2>&1 || { not_ok full_setup "import failed"; exit 1; }
mkuser rita rita-password-1 therapist t-9000007
mkuser sam seeker-password-1 seeker
"$BIN" sessions add --db "$DB" --prefix filler --count 10 >"$W/fillers" || { not_ok full_setup "sessions add"; exit 1; }
serve "${FLAGS[@]}"
client_start
n=0
while read -r uid tok csrf; do
	c setcookie "f$n" chiron_session "$tok" >/dev/null
	echo "$csrf" >"$W/f$n.csrf"
	n=$((n + 1))
done <"$W/fillers"
check full_api_sign_in test "$(api_sign_in sam seeker-password-1)" = 200
check full_page_sign_in test "$(sign_in samweb seeker-password-1 sam)" = 303
check before_full_saved test "$(c api sam POST /api/v1/requests '{"therapist_id":"t-9000007","message":"Saved before the disk filled"}')" = 201

# Fill what is left, to the last block.
dd if=/dev/zero of="$FULL/filler" bs=4k status=none 2>/dev/null
same disk_is_full "$(df --output=avail "$FULL" | tail -1 | tr -d ' ')" 0

# Writes may still land in space SQLite had already (its log, free
# pages): those are saved, and must be kept. Messages of the longest kind,
# from ten accounts (each may send 30 an hour), soon need more than that.
status=
saved=()
long=$(printf 'x%.0s' $(seq 1 1900))
for i in $(seq 1 240); do
	f=f$((i % 10))
	status=$(c req "$f" POST /api/v1/requests "{\"therapist_id\":\"t-9000007\",\"message\":\"While full, try $i, $long\"}" "X-CSRF-Token: $(<"$W/$f.csrf")")
	[ "$status" = 201 ] && { saved+=("$i"); continue; }
	break
done
echo "# $((i - 1)) writes were saved in space SQLite had before one met the full disk"
same full_api_answers_503 "$status" 503
same full_api_says_disk_full "$(c json error.message)" "The server's disk is full; nothing was saved. Try again later."
same full_api_retry_after "$(c header Retry-After)" 300
FAILED_TRY=$i

c req samweb GET /therapists/t-9000007 >/dev/null
st=$(c form samweb /request/t-9000007 "message=My words, typed while the disk was full: kept <intact> & whole")
same full_page_answers_503 "$st" 503
same full_page_says_disk_full "$(c has "The server&#39;s disk is full; nothing was saved. Try again later.")" 1
same full_page_keeps_input "$(c has "My words, typed while the disk was full: kept &lt;intact&gt; &amp; whole")" 1
same full_page_no_csrf_shown "$(c grep 'id="kept-csrf"')" ""
check server_logged_disk_full grep -q 'the disk is full' "$W/serve.err"

# A backup onto the full disk fails cleanly: said, and nothing left.
"$BIN" backup --db "$DB" "$FULL/b.db" >"$W/fullbackup.out" 2>&1
same full_backup_fails "$?" 1
check full_backup_says_why grep -q 'nothing was written' "$W/fullbackup.out"
check full_backup_leaves_nothing test ! -e "$FULL/b.db" -a ! -e "$FULL/b.db.tmp" -a ! -e "$FULL/b.db.tmp-journal"

# Space again: writes work, nothing of the failed ones is there.
rm -f "$FULL/filler"
check after_space_saved test "$(c api sam POST /api/v1/requests '{"therapist_id":"t-9000007","message":"Saved after space came back"}')" = 201
msgs=$(for f in sam f0 f1 f2 f3 f4 f5 f6 f7 f8 f9; do
	c req "$f" GET /api/v1/requests >/dev/null
	c jsonpy '"\n".join(x["message"] for x in d["sent"])'
done)
check full_kept_before grep -qx 'Saved before the disk filled' <<<"$msgs"
check full_kept_after grep -qx 'Saved after space came back' <<<"$msgs"
same full_nothing_half_written "$(grep -c "^While full, try $FAILED_TRY,\|typed while the disk was full" <<<"$msgs")" 0
same full_answered_ones_kept "$(grep -c '^While full, try' <<<"$msgs")" "${#saved[@]}"
stop_server
same full_integrity "$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)" ok
if grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err"; then
	not_ok no_sanitizer_reports "$(grep -m3 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err")"
else
	ok no_sanitizer_reports
fi

done_suite
