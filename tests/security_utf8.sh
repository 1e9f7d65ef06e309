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
# Through the suite's one client (tests/lib/suite.sh): bodies and paths
# are sent as written here, byte for byte.
. "$(dirname "$0")/lib/suite.sh" "$1"
# What the store holds is read through the CLI and the API, never SQL:
# orgs N: the organizations `chiron export` writes; org_named DB NAME: how
# many of them are named NAME; my_requests: the seeker's requests (API).
orgs() { "$BIN" export --db "$DB" | grep -c '"type":"org"'; }
org_named() { "$BIN" export --db "$1" | grep '"type":"org"' | grep -cF "\"name\":\"$2\""; }
my_requests() {
	[ "$(http "$J" GET /api/v1/requests)" = 200 ] || { echo ERROR; return; }
	c body | grep -o '"id":' | grep -c .
}

"$BIN" import --db "$DB" "$CONF/directory.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
mkuser seeker1 long-enough-password seeker || { not_ok setup "user add failed"; exit 1; }
serve
client_start

# post JAR PATH DATA: the status of DATA posted as it is (a form); the
# answer is the client's last
post() { http "$1" POST "$2" "$3"; }
get() { http - GET "$1"; }
# valid_utf8: the last answer decodes as UTF-8 with no NUL
valid_utf8() { [ "$(c utf8)" = 1 ]; }
# the last answer's paragraphs, for the evidence
paras() { c grep '((?:<p>[^<]*</p>.*?){1,3})'; }
J=j
sign_in "$J" long-enough-password seeker1 >/dev/null
http "$J" GET /orgs/new >/dev/null
t=$(c csrf "$J")
[ -n "$t" ] || { not_ok setup "no form on /orgs/new"; exit 1; }
orgs0=$(orgs)

# --- a form field: refused, named in plain words, nothing stored ---
st=$(post "$J" /orgs/new "csrf=$t&name=Zz%FF%FEOrg&kind=employer&jurisdiction=US-IL")
check form_bad_utf8_400 test "$st" = 400
[ "$(c has 'The name you entered has characters chiron cannot read (not valid UTF-8)')" = 1 ] &&
	ok form_bad_utf8_says_which_field || not_ok form_bad_utf8_says_which_field "$(paras)"
for bad in 'Zz%C0%AFOrg' 'Zz%ED%A0%80Org' 'Zz%F4%90%80%80Org' 'Zz%E2%82Org' 'Zz%00Org'; do
	st=$(post "$J" /orgs/new "csrf=$t&name=$bad&kind=employer&jurisdiction=US-IL")
	check "form_refuses_$bad" test "$st" = 400
done
check form_nothing_stored test "$(orgs)" = "$orgs0"
check api_search_serves_utf8 test "$(get '/api/v1/orgs?q=zz')" = 200
valid_utf8 && ok api_search_output_valid_utf8 || not_ok api_search_output_valid_utf8

# --- a valid UTF-8 name is stored and served intact ---
st=$(post "$J" /orgs/new "csrf=$t&name=Z%C3%BCrich+%CE%A8+Clinic&kind=employer&jurisdiction=US-IL")
check good_utf8_stored test "$st" = 200
check good_utf8_in_store test "$(org_named "$DB" "Zürich Ψ Clinic")" = 1
get '/api/v1/orgs?q=Z%C3%BCrich' >/dev/null
[ "$(c jsonpy 'any(o["name"] == "Zürich Ψ Clinic" for o in d["orgs"])')" = true ] &&
	ok good_utf8_served_intact || not_ok good_utf8_served_intact "$(c body | head -c 300)"

# --- the backup round-trips ---
"$BIN" export --db "$DB" "$W/dump.jsonl" 2>"$W/exp.err" && c load "$W/dump.jsonl" && valid_utf8 &&
	ok export_valid_utf8 || not_ok export_valid_utf8 "$(cat "$W/exp.err")"
"$BIN" import --db "$W/fresh.db" "$W/dump.jsonl" >/dev/null 2>"$W/imp.err" && ok export_import_round_trip ||
	not_ok export_import_round_trip "$(head -c 300 "$W/imp.err")"
check round_trip_keeps_name test "$(org_named "$W/fresh.db" "Zürich Ψ Clinic")" = 1

# --- a consultation request's message with %00: refused, not cut short ---
http "$J" GET /therapists/t-0000001 >/dev/null
tr=$(c csrf "$J")
reqs0=$(my_requests)
st=$(post "$J" /request/t-0000001 "csrf=$tr&message=Hello%00and+the+rest")
check request_nul_400 test "$st" = 400
[ "$(c has 'The message you wrote has characters chiron cannot read')" = 1 ] && ok request_nul_says_which_field ||
	not_ok request_nul_says_which_field "$(paras)"
check request_nul_nothing_stored test "$(my_requests)" = "$reqs0" -a "$reqs0" != ERROR

# --- query arguments, paths, multipart fields ---
check query_bad_utf8_400 test "$(get '/api/v1/orgs?q=%FF')" = 400
[ "$(c jsonpy 'd["error"]["field"] == "q" and "UTF-8" in d["error"]["message"]')" = true ] &&
	ok query_bad_utf8_names_parameter || not_ok query_bad_utf8_names_parameter "$(c body)"
check query_nul_400 test "$(get '/api/v1/orgs?q=ab%00cd')" = 400
check query_overlong_400 test "$(get '/api/v1/orgs?q=%C0%AF')" = 400
check query_good_utf8_200 test "$(get '/api/v1/orgs?q=%C3%BC')" = 200
check page_query_bad_utf8_400 test "$(get '/search?q=%ED%A0%80')" = 400
check path_nul_not_cut_short test "$(get '/therapists/t-0000001%00x')" = 400
check path_bad_utf8_400 test "$(get '/therapists/t-0000001%FF')" = 400
check path_good_200 test "$(get '/therapists/t-0000001')" = 200
check api_path_bad_utf8_400 test "$(get '/api/v1/therapists/t-0000001%FF')" = 400
[ "$(c jsonpy '"UTF-8" in d["error"]["message"]')" = true ] &&
	ok api_path_bad_utf8_json_error || not_ok api_path_bad_utf8_json_error "$(c body)"
# A multipart form (what curl -F sent): csrf, hours = "1" and the byte
# 0xFF, an empty file.
http "$J" GET /calendar >/dev/null
tc=$(c csrf "$J")
bd=chiron-utf8-boundary-7d1f
printf -v mp -- '--%s\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n%s\r\n--%s\r\nContent-Disposition: form-data; name="hours"\r\n\r\n1\377\r\n--%s\r\nContent-Disposition: form-data; name="file"; filename="empty.ics"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--%s--\r\n' \
	"$bd" "$tc" "$bd" "$bd" "$bd"
st=$(http "$J" POST /calendar "$mp" "Content-Type: multipart/form-data; boundary=$bd")
check multipart_field_bad_utf8_400 test "$st" = 400 -a "$(c has "not valid UTF-8")" = 1
# A cookie that is not text is no session: the page is served, signed out.
st=$(http - GET / "" "$(printf 'Cookie: chiron_session=\377\376')")
check bad_cookie_ignored test "$st" = 200

# The command line's accounts too.
echo long-enough-password | "$BIN" user add --db "$DB" --handle "$(printf 'ab\377c')" --email x@example.org \
	--role seeker --password-stdin >/dev/null 2>"$W/cli.err"
st=$?
[ $st = 1 ] && grep -q -- '--handle has characters chiron cannot read (not valid UTF-8)' "$W/cli.err" &&
	echo long-enough-password | "$BIN" user add --db "$DB" --handle goodname --email x@example.org \
		--role seeker --password-stdin >/dev/null 2>&1 &&
	ok cli_user_bad_utf8_refused || not_ok cli_user_bad_utf8_refused "exit $st: $(cat "$W/cli.err")"

grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err" && not_ok no_sanitizer_reports "$(head -5 "$W/serve.err")" || ok no_sanitizer_reports
done_suite
