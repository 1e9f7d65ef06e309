#!/usr/bin/env bash
# Therapists editing and creating listings on the web, and what the
# directory does with the edits: the form round-trips a stored record
# exactly; a bad value is refused naming its field with nothing stored;
# a saved edit is in searches when the save returns; policies show on the
# profile; escaping; who may edit; creating a listing. Against a running
# `chiron serve` on loopback.
#   tests/listing_edit.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONF="$ROOT/../shared/conformance"
W=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
fails=0
ok() { echo "ok $1"; }
not_ok() { echo "not ok $1"; shift; [ $# -gt 0 ] && printf '#   %s\n' "$@"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }

"$BIN" import --db "$W/c.db" "$CONF/directory.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
mk() { echo "$2" | "$BIN" user add --db "$W/c.db" --handle "$1" --email "$1@example.org" --role "$3" ${4:+--therapist $4} --password-stdin; }
mk thera1 thera-password-1 therapist t-0000001
mk seeker1 seeker-password-1 seeker
"$BIN" export --db "$W/c.db" | grep '"id":"t-0000001"' > "$W/before.json"

PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
B="http://127.0.0.1:$PORT"
"$BIN" serve --db "$W/c.db" --listen "127.0.0.1:$PORT" --mail-dir "$W/mail" --access-log off 2>"$W/serve.err" &
PID=$!
for _ in $(seq 600); do curl -s -o /dev/null "$B/" && break; sleep 0.1; done

csrf() { curl -s -c "$1" -b "$1" "$2" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
code() { local j=$1 m=$2 u=$3; shift 3; curl -s -c "$j" -b "$j" -o /dev/null -w '%{http_code}' -X "$m" "$B$u" "$@"; }
login() { local t; t=$(csrf "$1" "$B/login"); code "$1" POST /login --data-urlencode "csrf=$t" --data-urlencode "login=$2" --data-urlencode "password=$3"; }
# form JAR URL: the form's fields as urlencoded data, as a browser would send them
form() {
	curl -s -b "$1" "$B$2" | python3 -c '
import html.parser, sys, urllib.parse
class F(html.parser.HTMLParser):
    def __init__(s): super().__init__(); s.out = []; s.sel = None; s.ta = None
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a: return
            s.out.append((a["name"], a.get("value", "")))
        elif tag == "select": s.sel = a.get("name"); s.first = None; s.chosen = None
        elif tag == "option" and s.sel:
            if s.first is None: s.first = a.get("value", "")
            if "selected" in a: s.chosen = a.get("value", "")
        elif tag == "textarea": s.ta = a.get("name"); s.tv = ""
    def handle_data(s, d):
        if s.ta: s.tv += d
    def handle_endtag(s, tag):
        if tag == "select" and s.sel:
            s.out.append((s.sel, s.chosen if s.chosen is not None else s.first)); s.sel = None
        elif tag == "textarea" and s.ta: s.out.append((s.ta, s.tv)); s.ta = None
f = F(); f.feed(sys.stdin.read()); print(urllib.parse.urlencode(f.out))'
}
# with DATA KEY VALUE: DATA with KEY set to VALUE (added when missing)
with() { python3 -c '
import sys, urllib.parse
d = urllib.parse.parse_qsl(sys.argv[1], keep_blank_values=True)
k, v = sys.argv[2], sys.argv[3]
d = [(a, v if a == k else b) for a, b in d] + ([] if any(a == k for a, _ in d) else [(k, v)])
print(urllib.parse.urlencode(d))' "$1" "$2" "$3"; }
# match_ids QUERY: the ids a match returns; "ERROR" when the request fails,
# so a check that an id is absent cannot pass on a broken answer.
match_ids() { curl -sf -X POST "$B/api/v1/match" -H 'Content-Type: application/json' -d "$1" | python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)["results"]))' 2>/dev/null || echo ERROR; }

T="$W/t"; login "$T" thera1 thera-password-1 >/dev/null
S="$W/s"; login "$S" seeker1 seeker-password-1 >/dev/null

# --- who may edit ---
check edit_anonymous_sent_to_sign_in test "$(code "$W/anon" GET /listing/edit)" = 303
check edit_seeker_refused test "$(code "$S" GET /listing/edit)" = 403
check edit_page test "$(code "$T" GET /listing/edit)" = 200
F=$(form "$T" /listing/edit)
check edit_needs_csrf test "$(code "$T" POST /listing/edit --data "$(with "$F" csrf '')")" = 403

# --- the form round-trips the stored record exactly ---
check edit_unchanged_saves test "$(code "$T" POST /listing/edit --data "$F")" = 303
"$BIN" export --db "$W/c.db" | grep '"id":"t-0000001"' > "$W/after.json"
cmp -s "$W/before.json" "$W/after.json" && ok edit_round_trip_exact || not_ok edit_round_trip_exact "$(diff "$W/before.json" "$W/after.json")"

# --- bad values: refused naming the field, nothing stored ---
bad() { # NAME KEY VALUE FIELD
	local out; out=$(curl -s -b "$T" -w '\n%{http_code}' -X POST "$B/listing/edit" --data "$(with "$F" "$2" "$3")")
	if [ "$(echo "$out" | tail -1)" = 400 ] && echo "$out" | grep -q "<code>$4</code>" && echo "$out" | grep -q 'Nothing was saved'; then ok "$1"; else not_ok "$1" "$(echo "$out" | grep -o 'role="alert".*' | head -1)"; fi
}
bad edit_fee_not_number fee_session abc fee.session
bad edit_fee_negative fee_session -5 fee.session
bad edit_discount_over_100 fee_discount 150 fee.clinician_discount_pct
bad edit_bad_hours avail_tue '9-5' 'availability\[0\]\.start'
bad edit_hours_backwards avail_tue '17:00-09:00' 'availability\[0\]\.end'
bad edit_bad_zone timezone Mars/Olympus_Mons timezone
bad edit_bad_license licenses 'US-NY, XX-ZZ' licenses
bad edit_bad_language languages 'en, klingon' languages
bad edit_bad_npi npi 1234567890 npi
bad edit_empty_name name '' name
"$BIN" export --db "$W/c.db" | grep '"id":"t-0000001"' > "$W/after2.json"
cmp -s "$W/before.json" "$W/after2.json" && ok edit_refused_changes_nothing || not_ok edit_refused_changes_nothing

# --- a saved edit is in searches when the save returns ---
Q='{"jurisdiction":"US-NY","modality":"telehealth","limit":200}'
# Open to new clients first (the directory has t-0000001 closed), so the
# next save has something to take away.
code "$T" POST /listing/edit --data "$(with "$F" accepting 1)" >/dev/null
ids_before=$(match_ids "$Q")
F2=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.urlencode([(k,v) for k,v in urllib.parse.parse_qsl(sys.argv[1], keep_blank_values=True) if k != "accepting"]))' "$F")
check edit_close_to_new_clients test "$(code "$T" POST /listing/edit --data "$F2")" = 303
ids_after=$(match_ids "$Q")
case " $ids_before " in *" t-0000001 "*) in_before=1 ;; *) in_before=0 ;; esac
case " $ids_after " in *" t-0000001 "*) in_after=1 ;; *) in_after=0 ;; esac
[ "$in_before" = 1 ] && [ "$in_after" = 0 ] && [ "$ids_after" != ERROR ] && ok edit_not_accepting_leaves_search || not_ok edit_not_accepting_leaves_search "before $in_before after $in_after"
F3=$(with "$F" fee_session 123)
F3=$(with "$F3" accepting 1)
F3=$(with "$F3" name '<script>alert(1)</script> "Q" & Co')
F3=$(with "$F3" policy_events 'I nod <b>and</b> keep walking.')
check edit_fee_and_name test "$(code "$T" POST /listing/edit --data "$F3")" = 303
curl -s "$B/api/v1/therapists/t-0000001" | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d["fee"]["session"]==123 else 1)' && ok edit_visible_in_api || not_ok edit_visible_in_api
case " $(match_ids "$Q") " in *" t-0000001 "*) ok edit_accepting_joins_search ;; *) not_ok edit_accepting_joins_search ;; esac
curl -s "$B/therapists/t-0000001" > "$W/profile.html"
grep -q 'In their words: I nod &lt;b&gt;and&lt;/b&gt; keep walking.' "$W/profile.html" && ok policy_on_profile_escaped || not_ok policy_on_profile_escaped
grep -q '<script>alert' "$W/profile.html" && not_ok name_escaped || ok name_escaped
curl -s -b "$T" "$B/listing/edit" | grep -q '<script>alert' && not_ok name_escaped_in_form || ok name_escaped_in_form
check listing_saved_note grep -q 'Saved' <(curl -s -b "$T" "$B/listing?saved=1")

# --- open hours held one way ---
F4=$(with "$F" avail_mon '09:00-12:00 telehealth, 13:00-15:00 in person, 16:00-17:00')
check edit_hours_by_modality test "$(code "$T" POST /listing/edit --data "$F4")" = 303
m=$(sqlite3 "$W/c.db" "select day || ' ' || start_min || ' ' || end_min || ' ' || modes from avail_mode where therapist_id = 't-0000001' order by start_min" | tr '\n' ';')
check edit_modality_stored test "$m" = "0 540 720 2;0 780 900 1;"
curl -s -b "$T" "$B/listing/edit" | grep -q 'value="09:00-12:00 telehealth, 13:00-15:00 in person, 16:00-17:00"' && ok edit_modality_prefilled || not_ok edit_modality_prefilled

# --- the same places through the API (GET/PUT /api/v1/listing/record) ---
TA="$W/ta"
tka=$(curl -s -c "$TA" -H 'Content-Type: application/json' -X POST "$B/api/v1/session" \
	-d '{"login":"thera1","password":"thera-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
rec() { curl -s -b "$TA" "$B/api/v1/listing/record"; }
put() { curl -s -b "$TA" -o "$W/put.b" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' -H "X-CSRF-Token: $tka" --data-binary "$1" "$B/api/v1/listing/record"; }
places() { python3 -c 'import json,sys; print(";".join(w["start"]+"-"+w["end"]+" "+w["modality"] for w in json.load(sys.stdin)["availability"] if w["day"]=="mon"))'; }
modes() { sqlite3 "$W/c.db" "select day || ' ' || start_min || ' ' || end_min || ' ' || modes from avail_mode where therapist_id = 't-0000001' order by start_min" | tr '\n' ';'; }
check api_window_place_read test "$(rec | places)" = "09:00-12:00 telehealth;13:00-15:00 in_person;16:00-17:00 either"
# Putting back what was read changes nothing.
check api_window_round_trip test "$(put "$(rec)")" = 200
check api_window_round_trip_places test "$(modes)" = "0 540 720 2;0 780 900 1;"
# A window set through the API, and one changed without its place: it keeps the place it had.
R=$(rec | python3 -c '
import json,sys; d=json.load(sys.stdin)
for w in d["availability"]:
    if w["day"]=="mon" and w["start"]=="16:00": w["modality"]="telehealth"
    if w["day"]=="mon" and w["start"]=="09:00": w["end"]="12:30"; del w["modality"]
print(json.dumps(d))')
check api_window_place_set test "$(put "$R")" = 200
check api_window_place_stored test "$(modes)" = "0 540 750 2;0 780 900 1;0 960 1020 2;"
curl -s -b "$T" "$B/listing/edit" | grep -q 'value="09:00-12:30 telehealth, 13:00-15:00 in person, 16:00-17:00 telehealth"' && ok api_window_place_on_page || not_ok api_window_place_on_page
R=$(rec | python3 -c '
import json,sys; d=json.load(sys.stdin); d["availability"][0]["modality"]="moon"; print(json.dumps(d))')
check api_window_place_bad test "$(put "$R")" = 400
grep -q '"field":"availability\[0\]\.modality"' "$W/put.b" && ok api_window_place_bad_named || not_ok api_window_place_bad_named "$(cat "$W/put.b")"
check api_window_place_bad_stores_nothing test "$(modes)" = "0 540 750 2;0 780 900 1;0 960 1020 2;"

# --- creating a listing ---
N="$W/n"; mk newthera long-enough-pw therapist >/dev/null; login "$N" newthera long-enough-pw >/dev/null
check new_listing_offered grep -q 'href="/listing/new"' <(curl -s -b "$N" "$B/listing")
FN=$(form "$N" /listing/new)
FN=$(with "$FN" name 'Wren Okafor')
FN=$(with "$FN" credentials 'LCSW')
FN=$(with "$FN" profession social_worker)
FN=$(with "$FN" licenses 'US-NY')
FN=$(with "$FN" fee_session 90)
FN=$(with "$FN" timezone America/New_York)
FN=$(with "$FN" languages en)
FN=$(with "$FN" avail_wed '18:00-21:00')
bad_new=$(curl -s -b "$N" -o /dev/null -w '%{http_code}' -X POST "$B/listing/new" --data "$(with "$FN" timezone Nowhere/City)")
check new_listing_bad_refused test "$bad_new" = 400
check new_listing_created test "$(code "$N" POST /listing/new --data "$FN")" = 303
nid=$(sqlite3 "$W/c.db" "select listing.therapist_id from listing join user on user.id = listing.user_id where handle = 'newthera'")
[ -n "$nid" ] && ok new_listing_claimed_by_creator || not_ok new_listing_claimed_by_creator
# Not public until its claim is verified (below): no page, no search, no requests.
check new_listing_not_public test "$(code "$W/anon" GET "/therapists/$nid")" = 404
case " $(match_ids "$Q") " in *" $nid "*|" ERROR ") not_ok new_listing_not_in_search "$nid" ;; *) ok new_listing_not_in_search ;; esac
ts=$(csrf "$S" "$B/therapists/t-0000001")
check new_listing_no_requests test "$(code "$S" POST "/request/$nid" --data-urlencode "csrf=$ts" --data-urlencode 'message=Hello?')" = 404
curl -s -b "$N" "$B/listing" | grep -q 'waits for verification' && ok new_listing_waits || not_ok new_listing_waits
check new_listing_once test "$(code "$N" GET /listing/new)" = 303
n=$(sqlite3 "$W/c.db" "select count(*) from listing l join user u on u.id = l.user_id where u.handle = 'newthera'")
check new_listing_one_only test "$n" = 1
grep -q 'index rebuilt' "$W/serve.err" && ok rebuilds_logged || not_ok rebuilds_logged

# --- admins: removing a listing, merging duplicate organizations ---
mk admin1 admin-password-1 admin
A="$W/a"; login "$A" admin1 admin-password-1 >/dev/null
ta=$(csrf "$A" "$B/admin")

# The new listing's claim verified: now it is public.
code "$A" POST "/admin/code/$nid" -d "csrf=$ta&email=wren@example.org&source=NY OP license search" >/dev/null
MAIL_DIR=$W/mail MAIL_DB=$W/c.db
. "$ROOT/tests/lib/mail.sh"
cc=$(mail_all | grep -o '[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}' | tail -1)
tn=$(csrf "$N" "$B/listing")
code "$N" POST /listing/code -d "csrf=$tn&code=$cc" >/dev/null
check new_listing_verified test "$(code "$A" POST "/admin/verify/$nid" -d "csrf=$ta&board=NYSED Office of the Professions&licence_number=LCSW-1&licence_checked=1")" = 303
check new_listing_profile test "$(code "$W/anon" GET "/therapists/$nid")" = 200
case " $(match_ids "$Q") " in *" $nid "*) ok new_listing_in_search ;; *) not_ok new_listing_in_search "$nid" ;; esac
ts=$(csrf "$S" "$B/therapists/t-0000002")
code "$S" POST /request/t-0000002 --data-urlencode "csrf=$ts" --data-urlencode 'message=Before it went' >/dev/null
check remove_seeker_refused test "$(code "$S" POST /admin/remove -d "csrf=$ts&therapist_id=t-0000002&sure=1")" = 403
check remove_needs_sure test "$(code "$A" POST /admin/remove -d "csrf=$ta&therapist_id=t-0000002")" = 400
check remove_unknown test "$(code "$A" POST /admin/remove -d "csrf=$ta&therapist_id=t-9999999&sure=1")" = 404
QIL='{"jurisdiction":"US-IL","modality":"telehealth","limit":200}'   # where t-0000002 is licensed
case " $(match_ids "$QIL") " in *" t-0000002 "*) had=1 ;; *) had=0 ;; esac
check remove_ok test "$(code "$A" POST /admin/remove -d "csrf=$ta&therapist_id=t-0000002&sure=1")" = 303
check removed_profile_gone test "$(code "$W/anon" GET /therapists/t-0000002)" = 404
after=$(match_ids "$QIL")
case " $after " in *" t-0000002 "*|" ERROR ") not_ok removed_leaves_search "$after" ;; *) [ "$had" = 1 ] && ok removed_leaves_search || not_ok removed_leaves_search "t-0000002 was not in the search before" ;; esac
"$BIN" export --db "$W/c.db" > "$W/after-remove.jsonl" && grep -q '"id":"t-0000001"' "$W/after-remove.jsonl" &&
	! grep -q '"id":"t-0000002"' "$W/after-remove.jsonl" && ok removed_from_store || not_ok removed_from_store
curl -s -b "$S" "$B/requests" | grep -q 'Before it went' && ok removed_requests_stay_with_seeker || not_ok removed_requests_stay_with_seeker

# A seeker saved org-000121 in their profile; t-0000001 names it too.
to=$(csrf "$S" "$B/search")
code "$S" POST /search -d "jurisdiction=US-NY&aff_org1=org-000121&aff_role1=employer&save_profile=1&csrf=$to" >/dev/null
check merge_seeker_refused test "$(code "$S" POST /admin/orgs/merge -d "csrf=$to&from=org-000121&into=org-000509")" = 403
check merge_same_refused test "$(code "$A" POST /admin/orgs/merge -d "csrf=$ta&from=org-000121&into=org-000121")" = 400
check merge_unknown_refused test "$(code "$A" POST /admin/orgs/merge -d "csrf=$ta&from=org-000121&into=org-999999")" = 404
"$BIN" export --db "$W/c.db" > "$W/pre-merge.jsonl"
check merge_ok test "$(code "$A" POST /admin/orgs/merge -d "csrf=$ta&from=org-000121&into=org-000509")" = 303
"$BIN" export --db "$W/c.db" > "$W/post-merge.jsonl" && grep -q '"id":"org-000509"' "$W/post-merge.jsonl" || not_ok merge_export "export failed"
grep -q 'org-000121' "$W/post-merge.jsonl" && not_ok merge_duplicate_gone "$(grep -c org-000121 "$W/post-merge.jsonl")" || ok merge_duplicate_gone
n_pre=$(grep -c '"org":"org-000121"\|"org":"org-000509"' "$W/pre-merge.jsonl")
n_post=$(grep -c '"org":"org-000509"' "$W/post-merge.jsonl")
check merge_members_moved test "$n_pre" = "$n_post"
grep '"id":"t-0000001"' "$W/post-merge.jsonl" | grep -q '"org":"org-000509","role":"employer"' && ok merge_rewrites_affiliation || not_ok merge_rewrites_affiliation
curl -s -b "$S" "$B/search" | grep -q 'name="aff_org1"[^>]*value="org-000509"' && ok merge_rewrites_saved_profile || not_ok merge_rewrites_saved_profile
curl -s "$B/api/v1/orgs?q=" >/dev/null
curl -s -b "$A" "$B/admin?merged=org-000509&changed=3" | grep -q 'Merged into org-000509' && ok merge_reported || not_ok merge_reported
[ "$fails" -eq 0 ]
