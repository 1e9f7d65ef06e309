#!/usr/bin/env bash
# sealed.sh: the whole product's planted-strings test (issue 11, "Sealed
# at rest", docs/security.md). Through the HTTP API and the pages only, a
# clinician seeking therapy and a therapist do everything that stores a
# private value, each value a distinctive string (a "plant"); then the
# raw bytes of the database, its WAL (while the server runs and after it
# stopped), a backup (`chiron backup`, when this build has it), the
# server's log, its access log and its outbox log are searched for every
# plant. A sealed value must be found nowhere (as text, percent-encoded,
# and for times as seconds and dates), and must still read back through
# the API or the pages (else "found nowhere" would prove nothing). The
# mail directory is not searched: mail is delivered content.
#
# Controls: what is public and stays in the clear (the listing's
# statement, an organization of the public registry, a pseudonym) MUST
# be found in the database, or the search itself is broken.
#
# Links between people: the seeker's account id must never stand beside
# a therapist's id in the clear in the request, appointment, series and
# waitlist tables (read with the sqlite3 command line, server stopped).
#
#   tests/sealed.sh build/chiron      (prints "ok NAME" / "not ok NAME")
#   KEEP=1 keeps the work directory (its path is printed).
#
# A check whose feature this build lacks (a second factor, chiron backup)
# says "ok NAME # SKIP why"; nothing that exists is skipped.
# On a build that lacks a part of issue 11 that seals (accounts, requests
# and saved searches; bookings and calendars; second factors), the plants
# of that part are found and named with the files that hold them: that is
# this test doing its work.
. "$(dirname "$0")/lib/suite.sh" "$1"
[ -n "${KEEP-}" ] && { echo "# work directory: $W"; trap 'kill $PID $CPID 2>/dev/null; wait 2>/dev/null' EXIT; }

"$BIN" import --db "$DB" "$CONF/directory.jsonl" >/dev/null 2>"$W/err" ||
	{ not_ok setup "import failed: $(cat "$W/err")"; exit 1; }
mkuser admin1 admin-password-1 admin
serve --access-log "$W/access.log" --outbox-log "$W/outbox.log"

# ----------------------------------------------------------------------
# Helpers: curl, one cookie jar per person ($W/JAR), the body of the last
# answer in $W/last.
#   get JAR PATH             prints the status
#   csrf JAR PATH            the token of PATH's first form
#   api JAR METHOD PATH [BODY [CURL ARGS...]]   with JAR's X-CSRF-Token;
#                            BODY as JSON ("" for none); prints the status
#   py EXPR                  a Python expression about d, the last JSON body
# ----------------------------------------------------------------------
get() { curl -s -c "$W/$1" -b "$W/$1" -o "$W/last" -w '%{http_code}' "$B$2"; }
csrf() { curl -s -c "$W/$1" -b "$W/$1" "$B$2" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
post() { local j=$1 u=$2; shift 2; curl -s -c "$W/$j" -b "$W/$j" -o "$W/last" -w '%{http_code}' "$@" "$B$u"; }
api() {
	local j=$1 m=$2 u=$3 body=${4-}
	shift 3
	[ $# -gt 0 ] && shift
	local -a o=(-s -c "$W/$j" -b "$W/$j" -o "$W/last" -w '%{http_code}' -X "$m")
	[ -s "$W/$j.csrf" ] && o+=(-H "X-CSRF-Token: $(cat "$W/$j.csrf")")
	[ -n "$body" ] && o+=(-H 'Content-Type: application/json' --data-binary "$body")
	curl "${o[@]}" "$@" "$B$u"
}
py() { python3 -S -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$W/last" "$1" 2>/dev/null; }
# step NAME WANT GOT: a step of the story; a failed one is said (the
# plants after it may then be missing, which the search below shows).
step() { if [ "$3" = "$2" ]; then ok "step_$1"; else not_ok "step_$1" "status $3, want $2" "$(head -c 300 "$W/last")"; fi; }

# The second factor (issue 11, when this build has it): a therapist and
# an admin set it up before anything else. Its secret is a plant too.
TOTP_SECRETS=()
totp_code() {
	python3 -S - "$1" <<'PY'
import base64, hashlib, hmac, struct, sys, time
s = sys.argv[1].replace(" ", "").upper()
k = base64.b32decode(s + "=" * (-len(s) % 8))
h = hmac.new(k, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000))
PY
}
# second_factor JAR: sets it up on JAR's session when the page exists.
second_factor() {
	local st t secret
	st=$(get "$1" /account/second-factor)
	[ "$st" = 200 ] || return 0
	secret=$(grep -o 'otpauth://[^"<]*' "$W/last" | head -1 | sed 's/.*[?&]secret=\([A-Za-z2-7]*\).*/\1/')
	[ -n "$secret" ] || return 0
	t=$(grep -o 'name="csrf" value="[^"]*"' "$W/last" | head -1 | sed 's/.*value="//;s/"$//')
	st=$(post "$1" /account/second-factor --data-urlencode "csrf=$t" --data-urlencode "code=$(totp_code "$secret")")
	case $st in 200|303) TOTP_SECRETS+=("$secret") ;; *) not_ok "step_second_factor_$1" "status $st" ;; esac
	# The session may be a new one now: its CSRF token with it.
	get "$1" /api/v1/me >/dev/null
	py 'd["csrf"]' >"$W/$1.csrf.new" && [ -s "$W/$1.csrf.new" ] && mv "$W/$1.csrf.new" "$W/$1.csrf"
	return 0
}
# signup_api JAR HANDLE EMAIL ROLE: the API's sign-up, confirmed by the
# mailed link; JAR is signed in, its CSRF token kept. Prints the status.
signup_api() {
	local st tok
	st=$(api "$1" POST /api/v1/users "{\"handle\":\"$2\",\"email\":\"$3\",\"password\":\"long-enough-pw-$2\",\"role\":\"$4\"}")
	[ "$st" = 202 ] || { echo "$st"; return; }
	tok=$(mail_link "$3" /signup/confirm) || { echo "no-mail"; return; }
	st=$(api "$1" POST /api/v1/users/confirm "{\"token\":\"${tok##*/}\"}")
	py 'd["csrf"]' >"$W/$1.csrf"
	echo "$st"
}
# signin JAR LOGIN PASSWORD: the API's sign-in; with a code when mkuser
# gave the account a second factor (tests/lib/suite.sh: $W/totp_users,
# $TOTP_SECRET), which is then a plant too.
signin() {
	local code=
	if declare -F has_totp >/dev/null && has_totp "$2"; then
		code=",\"code\":\"$(totp_code "$TOTP_SECRET")\""
		TOTP_SECRETS+=("$TOTP_SECRET")
	fi
	api "$1" POST /api/v1/session "{\"login\":\"$2\",\"password\":\"$3\"$code}" >/dev/null
	py 'd["csrf"]' >"$W/$1.csrf"
}

# ----------------------------------------------------------------------
# The plants. Lower case where the product may fold case (emails): the
# search ignores case anyway.
# ----------------------------------------------------------------------
SH=quokkaseeker                                 # the seeker's pseudonym (clear by design)
TH=quokkatherapist
S_MAIL=planted-mail-seeker@example.org
T_MAIL=planted-mail-therapist@example.org
MSG="PLANTED-message: I would like to talk about my divorce"
ANSWER="PLANTED-answer: Thursday mornings are free"
NOTE="PLANTED-note: surgery and recovery"
STATEMENT="PLANTED-statement: I work with clinicians in training"
ORG="Planted Quokka Orgname Clinic"
TID=t-0000010

declare -A PLANT        # name -> string that must not be found
declare -A CONTROL      # name -> string that MUST be found in the database

# --- the seeker: signs up with a planted email ---
step seeker_signup 201 "$(signup_api S "$SH" "$S_MAIL" seeker)"
PLANT[seeker_email]=$S_MAIL
CONTROL[pseudonym]=$SH

# --- the therapist: signs up, claims t-0000010, verified by the admin ---
step therapist_signup 201 "$(signup_api T "$TH" "$T_MAIL" therapist)"
PLANT[therapist_email]=$T_MAIL
second_factor T
signin A admin1 admin-password-1
second_factor A
NPI=$(curl -s "$B/api/v1/therapists/$TID" | python3 -S -c 'import json,sys; print(json.load(sys.stdin)["npi"])')
step claim 201 "$(api T POST /api/v1/listing/claim "{\"therapist_id\":\"$TID\",\"npi\":\"$NPI\"}")"
step claim_code_sent 204 "$(api A POST /api/v1/admin/listings/$TID/code '{"email":"office10@carter.example.org","source":"NC MFT board licensee lookup"}')"
CODE=$(mail_to office10@carter.example.org | grep -o '[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}' | tail -1)
step claim_code_entered 200 "$(api T POST /api/v1/listing/code "{\"code\":\"$CODE\"}")"
step claim_verified 204 "$(api A POST /api/v1/admin/listings/$TID/verify '{"board":"NC board","licence_number":"NC-1010","licence_checked":true}')"
api T POST /api/v1/listing/confirm >/dev/null

# --- the listing's statement: public, the positive control ---
t=$(csrf T /listing/profile)
step statement 303 "$(post T /listing/profile -F "csrf=$t" -F "statement=$STATEMENT")"
CONTROL[listing_statement]=$STATEMENT

# --- an organization of the public registry (a control), and the
#     seeker's saved search naming it as their employer ---
step org_added 201 "$(api S POST /api/v1/orgs "{\"name\":\"$ORG\",\"kind\":\"employer\",\"jurisdiction\":\"US-NY\"}")"
ORG_ID=$(py 'd["id"]')
CONTROL[org_registry]=$ORG
t=$(csrf S /search)
step search_saved 200 "$(post S /search --data-urlencode "csrf=$t" -d jurisdiction=US-NY -d modality=either \
	-d lat=40.71 -d lon=-74.0 --data-urlencode "aff_org1=$ORG" -d "aff_id1=$ORG_ID" -d aff_role1=employer -d save_profile=1)"
# The saved profile is the form's fields, urlencoded: its affiliation.
PLANT[search_profile_affiliation]="aff_id1=$ORG_ID"
PLANT[search_profile_role]="aff_role1=employer"

# --- a consultation request, the seeker's name and email revealed ---
step request_sent 201 "$(api S POST /api/v1/requests "{\"therapist_id\":\"$TID\",\"message\":\"$MSG\",\"reveal\":true}")"
REQ_ID=$(py 'd["id"]')
REVEALED=$(py 'd["from"]')
PLANT[request_message]=$MSG
PLANT[request_revealed_name]=${REVEALED:-"$SH <$S_MAIL>"}
step request_answered 204 "$(api T POST "/api/v1/requests/$REQ_ID/answer" "{\"answer\":\"$ANSWER\"}")"
PLANT[request_answer]=$ANSWER

# --- a closure with a note ---
CDAY=$(date -u -d '+40 days' +%F)
step closure 201 "$(api T POST /api/v1/schedule/closures "{\"first_day\":\"$CDAY\",\"last_day\":\"$CDAY\",\"start\":\"09:00\",\"end\":\"13:00\",\"note\":\"$NOTE\"}")"
PLANT[closure_note]=$NOTE

# --- a session booked, and the waitlist of another kind ---
get S "/api/v1/therapists/$TID/slots?kind=individual&days=28" >/dev/null
SLOT=$(py 'd["slots"][0]["start"]')
step booked 201 "$(api S POST /api/v1/appointments "{\"therapist_id\":\"$TID\",\"kind\":\"individual\",\"start\":\"$SLOT\"}")"
APPT=$(py 'd["id"]')
step series 201 "$(api S POST "/api/v1/appointments/$APPT/series" '{"interval_weeks":1,"count":3}')"
step waitlist 201 "$(api S POST /api/v1/waitlist "{\"therapist_id\":\"$TID\",\"kind\":\"consultation\"}")"

# --- the seeker's calendar: busy times at distinctive instants ---
# Two events three weeks ahead, at seconds no calendar would choose
# (13:37:11 to 14:29:13 UTC on a Monday, 15:13:17 to 16:41:19 UTC on the
# Tuesday), inside the weeks and the hours the upload reads.
B1S=$(date -u -d '+3 weeks monday 13:37:11' +%s) B1E=$(date -u -d '+3 weeks monday 14:29:13' +%s)
B2S=$(date -u -d '+3 weeks tuesday 15:13:17' +%s) B2E=$(date -u -d '+3 weeks tuesday 16:41:19' +%s)
ics() { date -u -d "@$1" +%Y%m%dT%H%M%SZ; }
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//sealed.sh//EN\r\nBEGIN:VEVENT\r\nUID:a@sealed\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:PLANTED-event-title\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b@sealed\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	"$(ics "$B1S")" "$(ics "$B1E")" "$(ics "$B2S")" "$(ics "$B2E")" >"$W/cal.ics"
step busy_uploaded 200 "$(api S PUT "/api/v1/me/busy?timezone=America/New_York&hours=mon+08:00-18:00&hours=tue+08:00-18:00" "" \
	-H 'Content-Type: text/calendar' --data-binary "@$W/cal.ics")"
cp "$W/last" "$W/busy.json"
# Busy times are kept, nothing else of the calendar: its event's title must be nowhere.
PLANT[calendar_event_title]=PLANTED-event-title
BUSY_TIMES="$B1S $B1E $B2S $B2E"

# ----------------------------------------------------------------------
# Read back through the API and the pages: a plant found nowhere must be
# there still, sealed, not lost (or "found nowhere" proves nothing).
# ----------------------------------------------------------------------
readback() {
	local name=$1 jar=$2 path=$3 want=$4
	get "$jar" "$path" >/dev/null
	if grep -qF -- "$want" "$W/last"; then
		ok "readback_$name"
	else
		not_ok "readback_$name" "$path does not show: $want"
	fi
}
# An email is shown to no one: found by its blind index, a reset link
# mailed to it says it is there.
reset_mail() {
	api - POST /api/v1/password-reset "{\"email\":\"$(echo "$1" | tr a-z A-Z)\"}" >/dev/null
	if mail_link "$1" /reset >/dev/null; then ok "readback_$2"; else not_ok "readback_$2" "no reset link mailed to $1"; fi
}
reset_mail "$S_MAIL" seeker_email
reset_mail "$T_MAIL" therapist_email
readback request_message_therapist T /api/v1/requests "$MSG"
readback request_revealed_name T /api/v1/requests "$S_MAIL"
readback request_answer_seeker S /api/v1/requests "$ANSWER"
readback closure_note T /api/v1/schedule "$NOTE"
readback search_profile S /search "$ORG"
readback appointment S /api/v1/appointments "$TID"
readback waitlist S /api/v1/waitlist "$TID"
readback busy_times S /api/v1/me/busy "$(date -u -d "@$B1S" +%Y-%m-%dT%H:%M:%SZ)"

# The seeker's account id (the pseudonym is in the clear by design).
uid_of() { sqlite3 -readonly "$DB" "SELECT id FROM user WHERE handle = '$1'" 2>/dev/null; }

# ----------------------------------------------------------------------
# The search. find.py FILE... prints, per plant and per file, how many
# times its bytes are found (case aside): its text, and for an email its
# percent-encoded form too; for a TOTP secret its base32 and its raw bytes;
# for a busy time the decimal seconds, the iCalendar and RFC 3339 forms.
# ----------------------------------------------------------------------
cat >"$W/find.py" <<'PY'
import base64, datetime, json, sys, urllib.parse
plants = json.load(open(sys.argv[1]))
out = {}
blobs = {}
for f in sys.argv[2:]:
    try:
        blobs[f] = open(f, "rb").read().lower()
    except OSError:
        pass
for name, kind, value in plants:
    forms = set()
    if kind == "text":
        forms |= {value.encode(), urllib.parse.quote_plus(value).encode(), urllib.parse.quote(value).encode()}
    elif kind == "totp":
        s = value.replace(" ", "").upper()
        forms |= {s.encode(), base64.b32decode(s + "=" * (-len(s) % 8))}
    elif kind == "time":
        t = datetime.datetime.fromtimestamp(int(value), datetime.timezone.utc)
        forms |= {value.encode(), t.strftime("%Y%m%dT%H%M%SZ").encode(), t.strftime("%Y-%m-%dT%H:%M:%SZ").encode()}
    res = {}
    for f, b in blobs.items():
        n = sum(b.count(x.lower()) for x in forms)
        if n:
            res[f] = n
    out[name] = res
print(json.dumps(out))
PY

plants_json() {
	python3 -S - "$@" <<'PY'
import json, sys
args = sys.argv[1:]
print(json.dumps([args[i:i + 3] for i in range(0, len(args), 3)]))
PY
}
args=()
for k in "${!PLANT[@]}"; do args+=("$k" text "${PLANT[$k]}"); done
for k in "${!CONTROL[@]}"; do args+=("control_$k" text "${CONTROL[$k]}"); done
i=0
for s in "${TOTP_SECRETS[@]}"; do args+=("totp_secret_$i" totp "$s"); i=$((i + 1)); done
for s in $BUSY_TIMES; do args+=("busy_time_$s" time "$s"); done
plants_json "${args[@]}" >"$W/plants.json"

# While the server runs: the database and its WAL as they are now.
mkdir -p "$W/running"
cp "$DB" "$W/running/c.db"
[ -f "$DB-wal" ] && cp "$DB-wal" "$W/running/c.db-wal"
python3 -S "$W/find.py" "$W/plants.json" "$W/running/c.db" "$W/running/c.db-wal" >"$W/found.running.json"

# A backup, when this build has the command.
BACKUP=
if "$BIN" backup "$W/backup.db" --db "$DB" >"$W/backup.out" 2>&1; then
	BACKUP=$W/backup.db
	ok backup_made
elif grep -qi 'unknown command\|usage: chiron <command>\|not a command' "$W/backup.out"; then
	ok "backup_made # SKIP this build has no chiron backup: $(head -c 120 "$W/backup.out" | tr '\n' ' ')"
else
	not_ok backup_made "$(head -c 300 "$W/backup.out")"
fi

stop_server
SUID=$(uid_of "$SH")
TUID=$(uid_of "$TH")
files=("$DB" "$W/serve.err" "$W/access.log" "$W/outbox.log")
[ -f "$DB-wal" ] && files+=("$DB-wal")
[ -n "$BACKUP" ] && files+=("$BACKUP")
python3 -S "$W/find.py" "$W/plants.json" "${files[@]}" >"$W/found.stopped.json"

# ----------------------------------------------------------------------
# The verdicts, one per plant: where it was found (file: count).
# ----------------------------------------------------------------------
python3 -S - "$W/found.running.json" "$W/found.stopped.json" "$W" "$DB" <<'PY' >"$W/verdicts"
import json, os, sys
run = json.load(open(sys.argv[1])); stop = json.load(open(sys.argv[2]))
w, db = sys.argv[3], sys.argv[4]
def short(f, when):
    f = f.replace(w + "/running/", "").replace(w + "/", "")
    return "%s (%s)" % (f, when)
for name in sorted(run):
    where = ["%s: %d" % (short(f, "running"), n) for f, n in run[name].items()]
    where += ["%s: %d" % (short(f, "stopped"), n) for f, n in stop[name].items()]
    if name.startswith("control_"):
        in_db = any(f.endswith("c.db") or f.endswith("c.db-wal") for f in list(run[name]) + list(stop[name]))
        print("%s\t%s\t%s" % ("ok" if in_db else "not ok", name + "_found_in_clear",
              "; ".join(where) if where else "NOT FOUND in the database: the search is broken"))
    else:
        print("%s\t%s\t%s" % ("not ok" if where else "ok", "sealed_" + name, "; ".join(where) if where else "found nowhere"))
PY
while IFS=$'\t' read -r verdict name where; do
	if [ "$verdict" = ok ]; then ok "$name"; echo "#   $where"; else not_ok "$name" "$where"; fi
done <"$W/verdicts"
[ ${#TOTP_SECRETS[@]} -gt 0 ] || ok "sealed_totp_secret # SKIP this build has no second factor to set up (no /account/second-factor)"

# ----------------------------------------------------------------------
# Links: no row holds the seeker's account id in the clear beside a
# therapist's id. Every column whose name says it holds an account
# (seeker*, user*) is read, in every table that also names a therapist.
# ----------------------------------------------------------------------
if [ -z "$SUID" ]; then
	not_ok links_seeker_id "the seeker's account ($SH) was not found in the user table"
else
	for table in request appointment series waitlist; do
		cols=$(sqlite3 -readonly "$DB" "SELECT name FROM pragma_table_info('$table') WHERE name LIKE 'seeker%' OR name LIKE 'user%'" | tr '\n' ' ')
		tcol=$(sqlite3 -readonly "$DB" "SELECT name FROM pragma_table_info('$table') WHERE name = 'therapist_id'")
		rows=$(sqlite3 -readonly "$DB" "SELECT count(*) FROM $table")
		hits=0 where=
		for col in $cols; do
			n=$(sqlite3 -readonly "$DB" "SELECT count(*) FROM $table WHERE $col = $SUID ${tcol:+AND therapist_id != ''}")
			[ "$n" -gt 0 ] && { hits=$((hits + n)); where+="$table.$col=$SUID in $n of $rows rows; "; }
		done
		if [ "$hits" -eq 0 ]; then
			ok "links_${table}_no_seeker_id"
			echo "#   $rows rows; account columns: ${cols:-none}"
		else
			not_ok "links_${table}_no_seeker_id" "${where}beside therapist_id ($TID)"
		fi
	done
fi

# Busy times: not one of the uploaded instants stands in any table as a
# number (the bytes search above finds them as text only).
same busy_times_kept "$(python3 -S -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["busy"]))' "$W/busy.json" 2>&1)" 2
# One sqlite3 run: a count per column of every table, of the rows holding
# one of the instants.
busy_sql=$(sqlite3 -readonly "$DB" "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'" |
	while IFS='|' read -r table col; do
		printf "SELECT '%s.%s', n FROM (SELECT count(*) AS n FROM \"%s\" WHERE \"%s\" IN (%s)) WHERE n > 0;\n" \
			"$table" "$col" "$table" "$col" "$(echo $BUSY_TIMES | tr ' ' ',')"
	done)
busy_found=$(printf '%s\n' "$busy_sql" | sqlite3 -readonly "$DB" 2>&1 | tr '\n' ' ')
[ -z "$busy_found" ] && ok sealed_busy_times_as_numbers || not_ok sealed_busy_times_as_numbers "$busy_found"

done_suite
