#!/usr/bin/env bash
# http.sh: `chiron serve` seen from outside, over loopback, through the
# suite's one client (tests/lib/suite.sh, tests/lib/client.py).
#
#   tests/http.sh build/chiron
#
# Builds a store of the conformance directory plus one therapist whose name
# and credentials hold <script>, quotes and an ampersand, starts the server
# on a free port with the conformance compacts and an access log, and
# checks: the pages, the static file and the error answers with their
# status, type and security headers; 405 with Allow; that POST
# /api/v1/match answers every conformance query exactly as `chiron match
# --jsonl` does (one at a time and eight at once); the API's 400s naming
# the field, its 413, and its 415 for a body that is not JSON; the
# therapist, taxonomy, organization and OpenAPI resources (the OpenAPI
# document against the route table of src/web/routes.c); the search page
# by GET and POST, its 400 naming the field, that a POSTed affiliation
# never reaches a link, and that names are escaped; that the access log
# has one line per request without query strings or addresses; and that
# SIGTERM stops the server with status 0.
#
# Prints "ok NAME" or "not ok NAME" (with the evidence below) per check,
# and exits 1 if any check failed. The server is always stopped.
#
# The script asks everything first, then judges: the JSON and HTML checks
# of tests/http/check.py run in the client's process (`c batch`), the 150
# queries in one more (tests/http/match.py, one and eight connections).
. "$(dirname "$0")/lib/suite.sh" "$1"
SPEC=$ROOT/../shared/spec
HELP=$ROOT/tests/http
PY="python3 -S" # the helpers need no site packages; -S starts faster
PID2=

# stop PID: SIGTERM, then SIGKILL after a minute; reaps it.
stop() {
	local pid=$1
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null && until_ 60 eval "! kill -0 $pid 2>/dev/null"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
trap 'stop "$PID2"; suite_cleanup' EXIT

for f in "$CONF/directory.jsonl" "$CONF/queries.jsonl" "$CONF/compacts.json" \
	"$SPEC/taxonomy-core.json" "$ROOT/src/web/routes.c"; do
	if [ ! -r "$f" ]; then
		not_ok prerequisites "no $f"
		exit 1
	fi
done

# ----------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------

# fetch NAME METHOD PATH [CURL OPTIONS]: the answer's headers in $W/NAME.h,
# body in $W/NAME.b, status in $W/NAME.s. Every request also goes to
# $W/expected.log as "METHOD PATH STATUS" (path decoded, without its query
# string): what the access log must say. Through the suite's one client
# (tests/lib/client.py, `save`); BODY is JSON when it starts with { or [,
# a form otherwise, unless a Content-Type header is given.
# Once a request fails (the client waits minutes), the server is taken for
# hung: the requests after it are not sent (status 000).
HUNG=
fetch() {
	local name=$1 method=$2 path=$3 p st=000
	shift 3
	if [ -n "$HUNG" ]; then
		: >"$W/$name.b"
		: >"$W/$name.h"
		echo "not sent: $HUNG failed" >"$W/$name.err"
	else
		st=$(c req - "$method" "$path" "$@")
		c save "$name"
		[ "$st" = 000 ] && HUNG="$method $path"
		: >"$W/$name.err"
	fi
	echo "$st" >"$W/$name.s"
	p=${path%%\?*}
	printf '%s %b %s\n' "$method" "${p//%/\\x}" "$st" >>"$W/expected.log"
	printf '%s %s\n' "$name" "$path" >>"$W/fetched"
}

# post_query NAME BODY: POST /api/v1/match with BODY.
post_query() { fetch "$1" POST /api/v1/match "$2"; }

# judge CHECK COMMAND ARGS...: queue a check.py check for the batch; after
# it, passed CHECK tells whether it held and why CHECK says why not.
judge() {
	local IFS=$'\t'
	printf '%s\n' "$*" >>"$W/spec"
}
passed() { [ -e "$W/$1.pass" ]; }
why() { cat "$W/$1.why" 2>/dev/null; }

st() { cat "$W/$1.s"; }

# hdr NAME HEADER: every value of HEADER in the answer NAME, one a line.
hdr() {
	tr -d '\r' <"$W/$1.h" | awk -v k="$2" '{
		i = index($0, ":")
		if (i && tolower(substr($0, 1, i - 1)) == tolower(k)) {
			v = substr($0, i + 1); sub(/^[ \t]+/, "", v); print v
		}
	}'
}
is_html() { hdr "$1" Content-Type | grep -q '^text/html'; }
is_json() { hdr "$1" Content-Type | grep -q '^application/json'; }

# evidence NAME: the status, headers and the start of the body.
evidence() {
	echo "HTTP $(st "$1") $(cat "$W/$1.err")"
	tr -d '\r' <"$W/$1.h" |
		grep -iv '^\(date\|x-frame\|cross-origin\|content-security\|x-content\|referrer\)' | grep .
	head -c 400 "$W/$1.b"
	echo
}

# json_error NAME STATUS: the answer is STATUS and JSON, and the queued
# check NAME (check.py error) held.
json_error() { [ "$(st "$1")" = "$2" ] && is_json "$1" && passed "$1"; }

# alert NAME FIELD: the page's error summary links to FIELD's input.
alert() { grep -q 'class="error-summary" role="alert"' "$W/$1.b" && grep -q "<li><a href=\"#$2\">" "$W/$1.b"; }

# escaped NAME: the page shows the <script> therapist's name escaped and
# never raw.
# No <script> but the site's own script files (no inline script at all).
escaped() {
	local b=$W/$1.b
	! grep -i '<script' "$b" | grep -qv '^<script src="/static/[a-z]*\.js" defer></script>$' &&
		grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$b" &&
		! grep -qF '"Q"' "$b" && ! grep -qF "'A'" "$b" && ! grep -qF ' & Co' "$b" &&
		grep -qF '&amp; Co' "$b"
}

# ----------------------------------------------------------------------
# The store: the conformance directory, plus t-9999999, a copy of an open
# telehealth therapist licensed in New York whose name and credentials hold
# markup, who alone speaks Welsh (so a search for "cy" finds only them),
# employed by $ORG_HARD and a member of the association $ORG_SOFT.
# ----------------------------------------------------------------------

XSS=t-9999999
if $PY - "$CONF/directory.jsonl" "$W" "$XSS" <<'EOF' 2>"$W/err"; then
import json, sys
src, w, xid = sys.argv[1:4]
recs = [json.loads(l) for l in open(src) if l.strip()]
orgs = [r for r in recs if r["type"] == "org"]
hard = next(o for o in orgs if o["kind"] == "employer")
soft = next(o for o in orgs if o["kind"] == "association")
t = next(r for r in recs if r["type"] == "therapist" and r["accepting_new_clients"]
         and "US-NY" in r["licenses"] and "telehealth" in r["modalities"])
assert all(r["id"] != xid for r in recs)
assert not any("cy" in r.get("languages", []) for r in recs if r["type"] == "therapist")
t = dict(t, id=xid, name="Mal <script>alert(1)</script> \"Q\" 'A' & Co",
         credentials="PhD <script>alert(1)</script> & \"x\" 'y'", languages=["en", "cy"],
         affiliations=[{"org": hard["id"], "role": "employer", "current": True},
                       {"org": soft["id"], "role": "member", "current": True}])
t.pop("npi", None)
with open(f"{w}/directory.jsonl", "w") as f:
    for r in recs:
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
    f.write(json.dumps(t, separators=(",", ":")) + "\n")
open(f"{w}/org_hard", "w").write(hard["id"])
open(f"{w}/org_soft", "w").write(soft["id"])
open(f"{w}/org_soft_name", "w").write(soft["name"])
EOF
	ORG_HARD=$(cat "$W/org_hard")
	ORG_SOFT=$(cat "$W/org_soft")
else
	not_ok store_import "cannot make the directory" "$(cat "$W/err")"
	exit 1
fi
if "$BIN" import --db "$DB" "$W/directory.jsonl" >"$W/out" 2>"$W/err"; then
	ok store_import
else
	not_ok store_import "$(cat "$W/err")"
	exit 1
fi
# ----------------------------------------------------------------------
# The server (tests/lib/suite.sh), on a port that was free a moment ago.
# It listens with SO_REUSEPORT (see listen_port_in_use below), so a busy
# port does not always make it fail: after the start, /proc/net/tcp must
# show one listener on the port, or the answers could come from someone
# else.
# ----------------------------------------------------------------------

# listeners PORT: how many sockets listen on 127.0.0.1:PORT or *:PORT.
listeners() {
	local hex
	hex=$(printf '%04X' "$1")
	[ -r /proc/net/tcp ] || { echo 1; return; }
	awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p' /proc/net/tcp | wc -l
}

# wait_serving PID ERRFILE: until the server says it serves (0) or exits
# (1); a watchdog of minutes.
wait_serving() {
	local i
	for ((i = 0; i < 3600; i++)); do
		grep -q '^chiron: serving ' "$2" 2>/dev/null && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

serve --compacts "$CONF/compacts.json" --access-log "$W/access.log"
if [ "$(listeners "$PORT")" -eq 1 ]; then
	ok server_start
else
	not_ok server_start "port $PORT: another server listens there too"
	exit 1
fi
client_start

# ======================================================================
# Ask
# ======================================================================

# Pages, static files, errors, methods.
fetch home GET /
fetch privacy GET /privacy
fetch form GET /search
fetch css GET /static/style.css
fetch nopage GET /no/such/page
fetch noapi GET /api/v1/no-such-thing
judge noapi error '*' "$W/noapi.b"
fetch nostatic GET /static/no-such.css
fetch del DELETE /
fetch getmatch GET /api/v1/match
judge getmatch error '*' "$W/getmatch.b"

# POST /api/v1/match: the 150 queries, then the errors. The CLI answers
# first, on the same store (just before: a query without week_of means the
# coming Monday, so the two should run on the same day). In the malformed
# query the second comma is at byte 24 (25 counting from 1).
"$BIN" match --db "$DB" --compacts "$CONF/compacts.json" --jsonl "$CONF/queries.jsonl" \
	>"$W/cli.jsonl" 2>"$W/cli.err"
if [ "$(grep -c . "$W/cli.jsonl")" -eq "$(grep -c . "$CONF/queries.jsonl")" ]; then
	$PY "$HELP/match.py" "$PORT" "$CONF/queries.jsonl" "$W/cli.jsonl" "$W/expected.log" "$W" \
		>"$W/match.err" 2>&1
	[ -e "$W/match_hung" ] && HUNG="POST /api/v1/match"
fi
post_query malformed '{"jurisdiction":"US-NY",,"limit":1}'
judge malformed error '*' "$W/malformed.b" 'byte 2[45]\b'
post_query badcode '{"jurisdiction":"US-NY","goals":["no_such_goal"]}'
judge badcode error goals "$W/badcode.b" 'no_such_goal'
post_query badtz '{"jurisdiction":"US-NY","timezone":"Mars/Olympus_Mons"}'
judge badtz error timezone "$W/badtz.b" 'Mars/Olympus_Mons'
post_query nojur '{"modality":"telehealth","budget":100}'
judge nojur error jurisdiction "$W/nojur.b"
post_query limit201 '{"jurisdiction":"US-NY","limit":201}'
judge limit201 error limit "$W/limit201.b"
post_query limit200 '{"jurisdiction":"US-NY","limit":200}'
# A query padded with spaces to exactly 1 MiB is read; one byte more is 413.
q='{"jurisdiction":"US-NY","limit":1}'
{ printf '%s' "$q"; head -c $((1048576 - ${#q})) /dev/zero | tr '\0' ' '; } >"$W/mib.json"
{ cat "$W/mib.json"; printf ' '; } >"$W/mib1.json"
fetch mib POST /api/v1/match "$(<"$W/mib.json")"
fetch mib1 POST /api/v1/match "$(<"$W/mib1.json") "
judge mib1 error '*' "$W/mib1.b"
# The API reads JSON only: a form or plain text (what a cross-site form can
# send) is 415, application/json with a charset is fine.
fetch ctform POST /api/v1/match '{"jurisdiction":"US-NY","limit":1}' 'Content-Type: application/x-www-form-urlencoded'
judge ctform error Content-Type "$W/ctform.b"
fetch cttext POST /api/v1/match '{"jurisdiction":"US-NY","limit":1}' 'Content-Type: text/plain'
judge cttext error Content-Type "$W/cttext.b"
fetch ctcharset POST /api/v1/match '{"jurisdiction":"US-NY","limit":1}' \
	'Content-Type: Application/JSON; charset=utf-8'

# Therapists (t-0000001 exists; with a quote and markup after it, it is
# no id at all), taxonomy, organizations, OpenAPI.
fetch th GET "/api/v1/therapists/$XSS"
judge th therapist "$W/directory.jsonl" "$XSS" "$W/th.b"
fetch thmissing GET /api/v1/therapists/t-8888888
judge thmissing error '*' "$W/thmissing.b"
fetch thbad GET "/api/v1/therapists/t-0000001%27%3Cx%3E"
judge thbad error '*' "$W/thbad.b"
# Typed fields (routes.c): a value that is not what the route declares
# is a 400 naming the field before any handler runs; a path's {id} that
# cannot be an id is a 404.
fetch slotsdays GET '/api/v1/therapists/t-0000001/slots?days=two'
judge slotsdays error days "$W/slotsdays.b" '1 to 364'
fetch slotsfrom GET '/api/v1/therapists/t-0000001/slots?from=2026-02-30'
judge slotsfrom error from "$W/slotsfrom.b" 'YYYY-MM-DD'
fetch slotskind GET '/api/v1/therapists/t-0000001/slots?kind=massage'
judge slotskind error kind "$W/slotskind.b" 'consultation, individual, couples, group'
fetch slotsid GET '/api/v1/therapists/t~x/slots'
judge slotsid error '*' "$W/slotsid.b"
fetch searchpage GET '/search?jurisdiction=US-NY&page=two'
fetch tax GET /api/v1/taxonomy
judge tax taxonomy "$SPEC/taxonomy-core.json" "$W/tax.b"
fetch orgs GET '/api/v1/orgs?q=Assoc'
judge orgs orgs Assoc "$W/directory.jsonl" "$W/orgs.b"
fetch orgscase GET '/api/v1/orgs?q=aSSOC'
fetch orgsshort GET '/api/v1/orgs?q=A'
judge orgsshort error q "$W/orgsshort.b"
fetch openapi GET /api/v1/openapi.json
judge openapi openapi "$ROOT/src/web/routes.c" "$W/openapi.b"

# The search page.
fetch sget GET '/search?jurisdiction=US-NY&modality=telehealth'
judge sget hrefs "$W/sget.b"
fetch spost POST /search 'jurisdiction=US-NY&modality=telehealth'
judge spost hrefs "$W/spost.b"
fetch sbad GET '/search?jurisdiction=US-NY&budget=abc'
# strtod() takes these, JSON does not (see search_bad_number_names_field).
fetch sinf GET '/search?jurisdiction=US-NY&budget=inf'
fetch shex GET '/search?jurisdiction=US-NY&budget=0x10'
# With and without the employer the <script> therapist shares.
fetch shard POST /search "jurisdiction=US-NY&languages=cy&aff_org1=$ORG_HARD&aff_role1=employer"
fetch snone POST /search "jurisdiction=US-NY&languages=cy"
judge snone hrefs "$W/snone.b"
# An association they share (a soft conflict): one result, and pages of them.
fetch saff POST /search \
	"jurisdiction=US-NY&modality=telehealth&languages=cy&aff_org1=$ORG_SOFT&aff_role1=member"
judge saff hrefs "$W/saff.b"
fetch saffmany POST /search "jurisdiction=US-NY&modality=telehealth&aff_org1=$ORG_SOFT&aff_role1=member"
judge saffmany hrefs "$W/saffmany.b"
fetch tpage GET "/therapists/$XSS"
fetch thmiss GET /therapists/t-8888888
fetch sreflect GET '/search?jurisdiction=US-NY&timezone=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27'

# The headers of every answer above.
judge headers headers "$W"

c batch "$W" "$W/spec" >"$W/batch.err"

# ======================================================================
# Judge
# ======================================================================

if [ "$(st home)" = 200 ] && is_html home && grep -q '<h1>' "$W/home.b"; then
	ok home_page
else
	not_ok home_page "$(evidence home)"
fi

if [ "$(st privacy)" = 200 ] && is_html privacy && grep -q '<h1>' "$W/privacy.b"; then
	ok privacy_page
else
	not_ok privacy_page "$(evidence privacy)"
fi

if [ "$(st form)" = 200 ] && is_html form && grep -q '<form method="post" action="/search"' "$W/form.b" &&
	grep -q 'name="jurisdiction"' "$W/form.b" && ! grep -q '<article' "$W/form.b" &&
	! grep -q 'role="alert"' "$W/form.b"; then
	ok search_form_only
else
	not_ok search_form_only "a form, no results, no error" "$(evidence form)"
fi

if [ "$(st css)" = 200 ] && hdr css Content-Type | grep -q '^text/css' && [ -s "$W/css.b" ]; then
	ok static_css
else
	not_ok static_css "$(evidence css)"
fi

if [ "$(st nopage)" = 404 ] && is_html nopage && grep -q '<html' "$W/nopage.b"; then
	ok unknown_page_404_html
else
	not_ok unknown_page_404_html "$(evidence nopage)"
fi

if json_error noapi 404; then
	ok unknown_api_404_json
else
	not_ok unknown_api_404_json "$(why noapi)" "$(evidence noapi)"
fi

if [ "$(st nostatic)" = 404 ]; then
	ok unknown_static_404
else
	not_ok unknown_static_404 "$(evidence nostatic)"
fi

if [ "$(st del)" = 405 ] && hdr del Allow | grep -qw GET; then
	ok method_not_allowed_page
else
	not_ok method_not_allowed_page "405 with Allow: GET expected" "$(evidence del)"
fi

if json_error getmatch 405 && hdr getmatch Allow | grep -qw POST && ! hdr getmatch Allow | grep -qw GET; then
	ok method_not_allowed_api
else
	not_ok method_not_allowed_api "405, JSON, Allow: POST expected" "$(why getmatch)" "$(evidence getmatch)"
fi

# POST /api/v1/match
if [ "$(grep -c . "$W/cli.jsonl")" -ne "$(grep -c . "$CONF/queries.jsonl")" ]; then
	not_ok match_api_equals_cli "chiron match --jsonl printed $(grep -c . "$W/cli.jsonl") lines" \
		"$(head -c 400 "$W/cli.err")"
elif passed match_seq; then
	ok match_api_equals_cli
else
	not_ok match_api_equals_cli "$(cat "$W/match_seq.out" "$W/match.err" 2>/dev/null)"
fi
if passed match_par; then
	ok match_api_concurrent
else
	not_ok match_api_concurrent "$(cat "$W/match_par.out" "$W/match.err" 2>/dev/null)"
fi

if json_error malformed 400; then
	ok match_error_malformed_json
else
	not_ok match_error_malformed_json "$(why malformed)" "$(evidence malformed)"
fi
if json_error badcode 400; then
	ok match_error_unknown_code
else
	not_ok match_error_unknown_code "$(why badcode)" "$(evidence badcode)"
fi
if json_error badtz 400; then
	ok match_error_timezone
else
	not_ok match_error_timezone "$(why badtz)" "$(evidence badtz)"
fi
if json_error nojur 400; then
	ok match_error_missing_jurisdiction
else
	not_ok match_error_missing_jurisdiction "$(why nojur)" "$(evidence nojur)"
fi
if json_error limit201 400; then
	ok match_error_limit
else
	not_ok match_error_limit "$(why limit201)" "$(evidence limit201)"
fi
if [ "$(st limit200)" = 200 ] && is_json limit200 && grep -q '^{"total_eligible":' "$W/limit200.b"; then
	ok match_limit_200
else
	not_ok match_limit_200 "$(evidence limit200)"
fi
if json_error mib1 413; then
	ok match_body_too_large
else
	not_ok match_body_too_large "$(why mib1)" "$(evidence mib1)"
fi
if json_error ctform 415 && json_error cttext 415 && [ "$(st ctcharset)" = 200 ]; then
	ok match_json_bodies_only
else
	not_ok match_json_bodies_only "415 for a form and for text/plain, 200 for JSON with a charset" \
		"$(why ctform)" "$(evidence ctform)" "$(why cttext)" "$(evidence cttext)" "$(evidence ctcharset)"
fi
if [ "$(st mib)" = 200 ] && is_json mib; then
	ok match_body_1mib_read
else
	not_ok match_body_1mib_read "a body of exactly 1 MiB is not over 1 MiB" "$(evidence mib)"
fi

# Therapists, taxonomy, organizations, OpenAPI
if [ "$(st th)" = 200 ] && is_json th && passed th; then
	ok therapist_api
else
	not_ok therapist_api "$(why th)" "$(evidence th)"
fi
if json_error thmissing 404; then
	ok therapist_api_missing
else
	not_ok therapist_api_missing "$(why thmissing)" "$(evidence thmissing)"
fi
if json_error thbad 404; then
	ok therapist_api_bad_id
else
	not_ok therapist_api_bad_id "$(why thbad)" "$(evidence thbad)"
fi
if json_error slotsdays 400 && json_error slotsfrom 400 && json_error slotskind 400; then
	ok typed_fields_api_400
else
	not_ok typed_fields_api_400 "$(why slotsdays)$(why slotsfrom)$(why slotskind)" \
		"$(evidence slotsdays)" "$(evidence slotsfrom)" "$(evidence slotskind)"
fi
if json_error slotsid 404; then
	ok typed_fields_api_path_id_404
else
	not_ok typed_fields_api_path_id_404 "$(why slotsid)" "$(evidence slotsid)"
fi
if [ "$(st searchpage)" = 400 ] && is_html searchpage && grep -qi 'choose a page of results' "$W/searchpage.b"; then
	ok typed_fields_page_400
else
	not_ok typed_fields_page_400 "$(evidence searchpage)"
fi
if [ "$(st tax)" = 200 ] && is_json tax && passed tax; then
	ok taxonomy_api
else
	not_ok taxonomy_api "$(why tax)" "$(evidence tax)"
fi
if [ "$(st orgs)" = 200 ] && is_json orgs && passed orgs; then
	ok orgs_api
else
	not_ok orgs_api "$(why orgs)" "$(evidence orgs)"
fi
if [ "$(st orgscase)" = 200 ] && cmp -s "$W/orgs.b" "$W/orgscase.b"; then
	ok orgs_api_ignores_case
else
	not_ok orgs_api_ignores_case "q=aSSOC should answer what q=Assoc does" "$(evidence orgscase)"
fi
if json_error orgsshort 400; then
	ok orgs_api_short_q
else
	not_ok orgs_api_short_q "$(why orgsshort)" "$(evidence orgsshort)"
fi
if [ "$(st openapi)" = 200 ] && is_json openapi && passed openapi; then
	ok openapi_matches_routes
else
	not_ok openapi_matches_routes "$(why openapi)" "$(evidence openapi)"
fi

# The search page
n=$(grep -c '<article' "$W/sget.b")
if [ "$(st sget)" = 200 ] && is_html sget && [ "$n" -ge 1 ] && [ "$n" -le 10 ]; then
	ok search_get_results
else
	not_ok search_get_results "$n results" "$(evidence sget)"
fi

grep '^/therapists/' "$W/sget.out" >"$W/sget.links" 2>/dev/null
grep '^/therapists/' "$W/spost.out" >"$W/spost.links" 2>/dev/null
if [ "$(st spost)" = 200 ] && is_html spost && [ -s "$W/spost.links" ] &&
	cmp -s "$W/sget.links" "$W/spost.links"; then
	ok search_post_results
else
	not_ok search_post_results "POST should list what GET lists" \
		"GET: $(tr '\n' ' ' <"$W/sget.links")" "POST: HTTP $(st spost) $(tr '\n' ' ' <"$W/spost.links")"
fi

if [ "$(st sbad)" = 400 ] && is_html sbad && alert sbad budget; then
	ok search_bad_number
else
	not_ok search_bad_number "400 with an alert naming budget" "$(grep -o 'role="alert".*' "$W/sbad.b")" \
		"$(evidence sbad)"
fi

# strtod() takes "inf" and "0x10", JSON does not: the page answers
# "malformed JSON at byte N" of a query the visitor never wrote.
if [ "$(st sinf)" = 400 ] && alert sinf budget && [ "$(st shex)" = 400 ] && alert shex budget; then
	ok search_bad_number_names_field
else
	not_ok search_bad_number_names_field "budget=inf and budget=0x10 should name budget:" \
		"inf: HTTP $(st sinf): $(grep -o 'role="alert".*</div>' "$W/sinf.b")" \
		"0x10: HTTP $(st shex): $(grep -o 'role="alert".*</div>' "$W/shex.b")"
fi

# The affiliation is applied: a shared employer screens the therapist out.
if [ "$(st shard)" = 200 ] && ! grep -q '<article' "$W/shard.b" &&
	[ "$(grep -E '^/therapists/[^/]+$' "$W/snone.out" 2>/dev/null)" = "/therapists/$XSS" ]; then
	ok search_post_affiliation_screens
else
	not_ok search_post_affiliation_screens \
		"without $ORG_HARD: $(grep '^/therapists/' "$W/snone.out" | tr '\n' ' ') (want /therapists/$XSS)" \
		"with it: HTTP $(st shard), $(grep -c '<article' "$W/shard.b") results (want 0)"
fi

# ...and never put in a link (href, action, src): not in the bookmark, not
# anywhere, with one result and with several pages of them.
cat "$W/saff.out" "$W/saffmany.out" >"$W/saff.links" 2>/dev/null
if [ "$(st saff)" = 200 ] && [ "$(st saffmany)" = 200 ] && grep -q '<article' "$W/saff.b" &&
	grep -q '^/search?jurisdiction=US-NY' "$W/saff.links" &&
	! grep -qe "$ORG_SOFT" -e 'aff_' "$W/saff.links"; then
	ok search_affiliation_not_in_links
else
	not_ok search_affiliation_not_in_links "links holding $ORG_SOFT or aff_, or no bookmark:" \
		"$(grep -e "$ORG_SOFT" -e 'aff_' -e '^/search?' "$W/saff.links")" "$(evidence saff)"
fi

if [ "$(st saff)" = 200 ] && grep -q "href=\"/therapists/$XSS\"" "$W/saff.b" && escaped saff; then
	ok search_results_escape_names
else
	not_ok search_results_escape_names "HTTP $(st saff)" \
		"$(grep -n -i -e 'script' -e '"Q"' "$W/saff.b" | head -5)"
fi

if [ "$(st tpage)" = 200 ] && is_html tpage && escaped tpage; then
	ok therapist_page_escapes_names
else
	not_ok therapist_page_escapes_names "$(grep -n -i -e 'script' -e '"Q"' "$W/tpage.b" | head -5)" \
		"$(evidence tpage)"
fi
if [ "$(st tpage)" = 200 ] && ! grep -qF -e "$ORG_HARD" -e "$ORG_SOFT" "$W/tpage.b" &&
	! grep -qF "$(cat "$W/org_soft_name")" "$W/tpage.b"; then
	ok therapist_page_hides_affiliations
else
	not_ok therapist_page_hides_affiliations "$(grep -n -e "$ORG_HARD" -e "$ORG_SOFT" "$W/tpage.b")"
fi

if [ "$(st thmiss)" = 404 ] && is_html thmiss; then
	ok therapist_page_missing
else
	not_ok therapist_page_missing "$(evidence thmiss)"
fi

# A value echoed back (in the error message, in the form) is escaped too.
if [ "$(st sreflect)" = 400 ] && alert sreflect timezone &&
	! grep -i '<script' "$W/sreflect.b" | grep -qv '^<script src="/static/[a-z]*\.js" defer></script>$' && grep -qF '&lt;script&gt;' "$W/sreflect.b"; then
	ok search_echo_escaped
else
	not_ok search_echo_escaped "$(grep -n -i 'script' "$W/sreflect.b" | head -5)" "$(evidence sreflect)"
fi

# Headers on every answer above
if [ ! -e "$W/headers.out" ]; then
	not_ok security_headers "check.py headers did not run" "$(why headers)" "$(cat "$W/batch.err")"
else
	bad_sec=$(sed -n 's/^security //p' "$W/headers.out")
	bad_cache=$(sed -n 's/^no-store //p' "$W/headers.out")
	multi_cache=$(sed -n 's/^cache-control //p' "$W/headers.out")
	if [ -z "$bad_sec" ]; then
		ok security_headers
	else
		not_ok security_headers "without CSP frame-ancestors 'none', nosniff or no-referrer: $bad_sec"
	fi
	if [ -z "$bad_cache" ]; then
		ok dynamic_no_store
	else
		not_ok dynamic_no_store "without Cache-Control: no-store: $bad_cache"
	fi
	# The server adds "no-store" to what a handler set ("public,
	# max-age=3600" on the taxonomy): two headers that contradict.
	if [ -z "$multi_cache" ]; then
		ok one_cache_control
	else
		not_ok one_cache_control "more than one Cache-Control: $multi_cache"
	fi
fi

# ======================================================================
# The access log, one more server, SIGTERM
# ======================================================================

# A log line is written as its answer is queued: wait for the last ones.
want=$(wc -l <"$W/expected.log")
logged() { [ "$(wc -l <"$W/access.log")" -ge "$1" ]; }
until_ 120 logged "$want"
awk 'NF == 6 && $6 ~ /ms$/ { print $2, $3, $4; next } { print "bad line:", $0 }' "$W/access.log" |
	sort >"$W/got.sorted"
sort "$W/expected.log" >"$W/want.sorted"
if cmp -s "$W/got.sorted" "$W/want.sorted"; then
	ok access_log_one_line_per_request
else
	not_ok access_log_one_line_per_request \
		"$want requests, $(wc -l <"$W/access.log") log lines; < in the log, > requested:" \
		"$(diff "$W/got.sorted" "$W/want.sorted" | grep '^[<>]' | sort | uniq -c | head -8)"
fi

if [ -s "$W/access.log" ] && ! grep -qe '?' -e 'jurisdiction=' -e '127\.0\.0\.1' \
	-e "$ORG_SOFT" -e "$ORG_HARD" "$W/access.log"; then
	ok access_log_private
else
	not_ok access_log_private "$(grep -e '?' -e 'jurisdiction=' -e '127\.0\.0\.1' -e "$ORG_SOFT" \
		-e "$ORG_HARD" "$W/access.log" | head -5)"
fi

# The path is logged decoded and raw: a %0A in it starts a forged line.
lines=$(wc -l <"$W/access.log")
fetch inject GET '/x%0A2026-01-01T00:00:00Z%20GET%20/forged%20200'
until_ 120 logged $((lines + 1))
if [ "$(wc -l <"$W/access.log")" -eq $((lines + 1)) ]; then
	ok access_log_escapes_path
else
	not_ok access_log_escapes_path "one request, $(($(wc -l <"$W/access.log") - lines)) log lines:" \
		"$(tail -n +$((lines + 1)) "$W/access.log")"
fi

# A second server on the same port must fail ("cannot listen"). With
# MHD_OPTION_LISTENING_ADDRESS_REUSE (SO_REUSEPORT) it starts, and the
# kernel deals the connections out between the two.
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --access-log off >/dev/null 2>"$W/serve2.err" &
PID2=$!
if wait_serving "$PID2" "$W/serve2.err"; then
	not_ok listen_port_in_use "a second chiron serve on port $PORT started:" "$(cat "$W/serve2.err")" \
		"$(listeners "$PORT") sockets listen on it"
	stop "$PID2"
else
	wait "$PID2"
	rc=$?
	if [ $rc -ne 0 ] && grep -q 'cannot listen' "$W/serve2.err"; then
		ok listen_port_in_use
	else
		not_ok listen_port_in_use "exit $rc" "$(cat "$W/serve2.err")"
	fi
fi
PID2=

# SIGTERM: exit 0 (at once, on a quiet machine; a watchdog of two
# minutes), saying "stopped".
kill -TERM "$PID" 2>/dev/null
t0=$(date +%s%N)
gone() { ! kill -0 "$PID" 2>/dev/null; }
until_ 120 gone
if kill -0 "$PID" 2>/dev/null; then
	not_ok sigterm_stops "still running 2 min after SIGTERM" "$(tail -n 3 "$W/serve.err")"
else
	wait "$PID"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ $rc -eq 0 ] && grep -q 'stopped' "$W/serve.err"; then
		ok sigterm_stops
	else
		not_ok sigterm_stops "exit $rc after $ms ms" "$(tail -n 3 "$W/serve.err")"
	fi
	PID=
fi

# What the server wrote on stderr under AddressSanitizer and UBSan.
if ! grep -q -e 'Sanitizer' -e 'runtime error' "$W/serve.err"; then
	ok server_no_sanitizer_reports
else
	not_ok server_no_sanitizer_reports "$(grep -A6 -e 'Sanitizer' -e 'runtime error' "$W/serve.err" | head -20)"
fi

done_suite
