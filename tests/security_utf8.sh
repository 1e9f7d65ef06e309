#!/usr/bin/env bash
# security_utf8.sh: text that is not UTF-8, or holds a NUL, is refused at the
# door (docs/web.md, input checking), against a running `chiron serve`.
#
#   tests/security_utf8.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
#
# A form field, a query argument, a multipart field and a URL path with
# invalid UTF-8 (or %00) get a 400 that names what was wrong, and nothing
# is stored; so the public API never serves invalid UTF-8 and `chiron
# export` | `chiron import` round-trips. Valid UTF-8 is kept intact.
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
# What the store holds is read through the CLI and the API, never SQL:
# orgs N: the organizations `chiron export` writes; org_named DB NAME: how
# many of them are named NAME; my_requests: the seeker's requests (API).
orgs() { "$BIN" export --db "$W/c.db" | grep -c '"type":"org"'; }
org_named() { "$BIN" export --db "$1" | grep '"type":"org"' | grep -cF "\"name\":\"$2\""; }
my_requests() {
	local b
	b=$(curl -sf -b "$J" "$B/api/v1/requests") || { echo ERROR; return; }
	printf '%s' "$b" | grep -o '"id":' | grep -c .
}

"$BIN" import --db "$W/c.db" "$ROOT/../shared/conformance/directory.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
echo long-enough-pw | "$BIN" user add --db "$W/c.db" --handle seeker1 --email s1@example.org \
	--role seeker --password-stdin >/dev/null || { not_ok setup "user add failed"; exit 1; }
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
B="http://127.0.0.1:$PORT"
"$BIN" serve --db "$W/c.db" --listen "127.0.0.1:$PORT" --access-log off 2>"$W/serve.err" &
PID=$!
for _ in $(seq 600); do curl -s -o /dev/null "$B/" && break; sleep 0.1; done

csrf() { curl -s -c "$1" -b "$1" "$2" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
# post JAR PATH DATA: the status; the page into $W/out
post() { curl -s -c "$1" -b "$1" -o "$W/out" -w '%{http_code}' -X POST "$B$2" --data "$3"; }
get() { curl -s -o "$W/out" -w '%{http_code}' "$B$1"; }
# valid_utf8 FILE: the file decodes as UTF-8 with no NUL
valid_utf8() { python3 -c 'import sys; t = open(sys.argv[1], "rb").read().decode("utf-8"); sys.exit("\0" in t)' "$1" 2>/dev/null; }
J="$W/j"
t=$(csrf "$J" "$B/login")
post "$J" /login "csrf=$t&login=seeker1&password=long-enough-pw" >/dev/null
t=$(csrf "$J" "$B/orgs/new")
[ -n "$t" ] || { not_ok setup "no form on /orgs/new"; exit 1; }
orgs0=$(orgs)

# --- a form field: refused, named in plain words, nothing stored ---
st=$(post "$J" /orgs/new "csrf=$t&name=Zz%FF%FEOrg&kind=employer&jurisdiction=US-IL")
check form_bad_utf8_400 test "$st" = 400
grep -q 'The name you entered has characters chiron cannot read (not valid UTF-8)' "$W/out" &&
	ok form_bad_utf8_says_which_field || not_ok form_bad_utf8_says_which_field "$(grep -o '<p>[^<]*</p>' "$W/out" | head -3)"
for bad in 'Zz%C0%AFOrg' 'Zz%ED%A0%80Org' 'Zz%F4%90%80%80Org' 'Zz%E2%82Org' 'Zz%00Org'; do
	st=$(post "$J" /orgs/new "csrf=$t&name=$bad&kind=employer&jurisdiction=US-IL")
	check "form_refuses_$bad" test "$st" = 400
done
check form_nothing_stored test "$(orgs)" = "$orgs0"
check api_search_serves_utf8 test "$(get '/api/v1/orgs?q=zz')" = 200
valid_utf8 "$W/out" && ok api_search_output_valid_utf8 || not_ok api_search_output_valid_utf8

# --- a valid UTF-8 name is stored and served intact ---
st=$(post "$J" /orgs/new "csrf=$t&name=Z%C3%BCrich+%CE%A8+Clinic&kind=employer&jurisdiction=US-IL")
check good_utf8_stored test "$st" = 200
check good_utf8_in_store test "$(org_named "$W/c.db" "Zürich Ψ Clinic")" = 1
get '/api/v1/orgs?q=Z%C3%BCrich' >/dev/null
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); sys.exit(not any(o["name"] == "Zürich Ψ Clinic" for o in d["orgs"]))' "$W/out" &&
	ok good_utf8_served_intact || not_ok good_utf8_served_intact "$(head -c 300 "$W/out")"

# --- the backup round-trips ---
"$BIN" export --db "$W/c.db" "$W/dump.jsonl" 2>"$W/exp.err" && valid_utf8 "$W/dump.jsonl" &&
	ok export_valid_utf8 || not_ok export_valid_utf8 "$(cat "$W/exp.err")"
"$BIN" import --db "$W/fresh.db" "$W/dump.jsonl" >/dev/null 2>"$W/imp.err" && ok export_import_round_trip ||
	not_ok export_import_round_trip "$(head -c 300 "$W/imp.err")"
check round_trip_keeps_name test "$(org_named "$W/fresh.db" "Zürich Ψ Clinic")" = 1

# --- a consultation request's message with %00: refused, not cut short ---
tr=$(csrf "$J" "$B/therapists/t-0000001")
reqs0=$(my_requests)
st=$(post "$J" /request/t-0000001 "csrf=$tr&message=Hello%00and+the+rest")
check request_nul_400 test "$st" = 400
grep -q 'The message you wrote has characters chiron cannot read' "$W/out" && ok request_nul_says_which_field ||
	not_ok request_nul_says_which_field "$(grep -o '<p>[^<]*</p>' "$W/out" | head -3)"
check request_nul_nothing_stored test "$(my_requests)" = "$reqs0" -a "$reqs0" != ERROR

# --- query arguments, paths, multipart fields ---
check query_bad_utf8_400 test "$(get '/api/v1/orgs?q=%FF')" = 400
python3 -c 'import json,sys; e = json.load(open(sys.argv[1]))["error"]; sys.exit(not (e["field"] == "q" and "UTF-8" in e["message"]))' "$W/out" &&
	ok query_bad_utf8_names_parameter || not_ok query_bad_utf8_names_parameter "$(cat "$W/out")"
check query_nul_400 test "$(get '/api/v1/orgs?q=ab%00cd')" = 400
check query_overlong_400 test "$(get '/api/v1/orgs?q=%C0%AF')" = 400
check query_good_utf8_200 test "$(get '/api/v1/orgs?q=%C3%BC')" = 200
check page_query_bad_utf8_400 test "$(get '/search?q=%ED%A0%80')" = 400
check path_nul_not_cut_short test "$(get '/therapists/t-0000001%00x')" = 400
check path_bad_utf8_400 test "$(get '/therapists/t-0000001%FF')" = 400
check path_good_200 test "$(get '/therapists/t-0000001')" = 200
check api_path_bad_utf8_400 test "$(get '/api/v1/therapists/t-0000001%FF')" = 400
python3 -c 'import json,sys; e = json.load(open(sys.argv[1]))["error"]; sys.exit("UTF-8" not in e["message"])' "$W/out" &&
	ok api_path_bad_utf8_json_error || not_ok api_path_bad_utf8_json_error "$(cat "$W/out")"
tc=$(csrf "$J" "$B/calendar")
st=$(curl -s -c "$J" -b "$J" -o "$W/out" -w '%{http_code}' -X POST "$B/calendar" -F "csrf=$tc" \
	-F "hours=$(printf '1\377')" -F "file=@/dev/null;filename=empty.ics")
check multipart_field_bad_utf8_400 test "$st" = 400
# A cookie that is not text is no session: the page is served, signed out.
st=$(curl -s -o /dev/null -w '%{http_code}' -H "$(printf 'Cookie: chiron_session=\377\376')" "$B/")
check bad_cookie_ignored test "$st" = 200

# The command line's accounts too.
echo long-enough-pw | "$BIN" user add --db "$W/c.db" --handle "$(printf 'ab\377c')" --email x@example.org \
	--role seeker --password-stdin >/dev/null 2>"$W/cli.err"
st=$?
[ $st = 1 ] && grep -q -- '--handle has characters chiron cannot read (not valid UTF-8)' "$W/cli.err" &&
	echo long-enough-pw | "$BIN" user add --db "$W/c.db" --handle goodname --email x@example.org \
		--role seeker --password-stdin >/dev/null 2>&1 &&
	ok cli_user_bad_utf8_refused || not_ok cli_user_bad_utf8_refused "exit $st: $(cat "$W/cli.err")"

grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err" && not_ok no_sanitizer_reports "$(head -5 "$W/serve.err")" || ok no_sanitizer_reports
[ "$fails" -eq 0 ]
