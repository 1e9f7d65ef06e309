#!/usr/bin/env bash
# cli_errors.sh: bad input at the command line (section 5 of the matching
# contract) and the import/export round trips.
#
#   tests/cli_errors.sh build/chiron
#
# For every bad directory line: `chiron import` exits 1, its first line on
# stderr is "line N: " with the right N and names the field, and the store
# is unchanged (the export before and after are the same bytes). For every
# bad query: `chiron match` exits 1 naming the field, and `--jsonl` answers
# each bad line with {"error":{"field":..,"message":..}} on that line and
# still answers the lines after it. Then: an upsert changes one record, a
# delete removes one, an export re-imports to the same export, and import
# reads stdin with "-".
#
# Prints "ok NAME" or "not ok NAME" (with the evidence indented below) per
# check, and exits 1 if any check failed.
set -u

BIN=${1:?usage: tests/cli_errors.sh path/to/chiron}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIRECTORY=$ROOT/../shared/conformance/directory.jsonl
W=$(mktemp -d "${TMPDIR:-/tmp}/chiron-cli.XXXXXX")
trap 'rm -rf "$W"' EXIT

# Checks that fail because of a bug already reported to the lead: they
# print "ok NAME # TODO known bug" with the evidence, so the suite stays
# green until the fix lands; take the name out of this list then.
KNOWN_BUGS=" "

ok() {
	if [[ $KNOWN_BUGS == *" $1 "* ]]; then
		echo "ok $1 (a known bug is fixed: take $1 out of KNOWN_BUGS)"
	else
		echo "ok $1"
	fi
}
# Failures are counted in a file: checks may run in subshells (pipelines).
not_ok() {
	local name=$1
	shift
	if [[ $KNOWN_BUGS == *" $name "* ]]; then
		echo "ok $name # TODO known bug"
		printf '    %s\n' "$@"
		return
	fi
	echo "not ok $name"
	printf '    %s\n' "$@"
	echo "$name" >>"$W/failed"
}

# rep STRING OLD NEW: STRING with the first OLD replaced (OLD taken
# literally); complains when OLD is not there, so a template change
# cannot quietly turn a bad line into a good one.
rep() {
	local s=$1 old=$2 new=$3
	[[ $s == *"$old"* ]] || echo "rep: \"$old\" not found in the template" >&2
	printf '%s' "${s/"$old"/"$new"}"
}

# ----------------------------------------------------------------------
# The seed: the first 100 organizations and 100 therapists of the
# conformance directory.
# ----------------------------------------------------------------------

if [ ! -r "$DIRECTORY" ]; then
	not_ok seed "no $DIRECTORY"
	exit 1
fi
{
	grep -m 100 '"type":"org"' "$DIRECTORY"
	grep -m 100 '"type":"therapist"' "$DIRECTORY"
} >"$W/seed.jsonl"
DB=$W/seed.db
if "$BIN" import --db "$DB" "$W/seed.jsonl" 2>"$W/err" &&
	"$BIN" export --db "$DB" >"$W/before" 2>>"$W/err" && [ "$(wc -l <"$W/before")" -eq 200 ]; then
	ok seed_import
else
	not_ok seed_import "$(cat "$W/err")"
	exit 1
fi

# A valid therapist to break one field at a time.
T='{"type":"therapist","id":"t-9000001","name":"Ana Ruiz","credentials":"PhD","profession":"psychologist","npi":"1234567893","licenses":["US-CA","US-OR"],"compacts":["PSYPACT"],"office":{"lat":37.7749,"lon":-122.4194,"jurisdiction":"US-CA"},"modalities":["in_person","telehealth"],"formats":["individual","group"],"accepting_new_clients":true,"fee":{"currency":"USD","session":180,"sliding_scale_min":90,"clinician_discount_pct":20,"group_session":60},"orientations":["psychodynamic","ifs"],"focus_areas":["burnout","vicarious_trauma"],"populations":["lgbtq_affirming"],"languages":["en","es"],"career_stages":["graduate_student","early_career"],"clinician_clients":true,"timezone":"America/Los_Angeles","availability":[{"day":"mon","start":"09:00","end":"12:00"}],"affiliations":[{"org":"org-000001","role":"employer","current":true},{"person":"t-0000042","role":"supervisor"}]}'
# Two good lines that come first in most bad files, so that the rollback
# has something to undo: a new organization and a change to a stored
# therapist.
FIRST_T=$(grep -m 1 '"type":"therapist"' "$W/before")
PRE1='{"type":"org","id":"org-new-1","name":"New Org","kind":"association"}'
PRE2=$(rep "$FIRST_T" '"name":"' '"name":"Changed ')

# The template itself imports (into a scratch store).
printf '%s\n' "$T" >"$W/t.jsonl"
if "$BIN" import --db "$W/scratch.db" "$W/t.jsonl" 2>"$W/err"; then
	ok template_is_valid
else
	not_ok template_is_valid "$(cat "$W/err")"
fi

# import_bad NAME N WANT... < lines: the file's lines come on stdin; the
# import must fail at line N with a first stderr line that contains every
# WANT, and leave the store as it was.
import_bad() {
	local name=$1 n=$2 st first w why=()
	shift 2
	cat >"$W/bad.jsonl"
	"$BIN" import --db "$DB" "$W/bad.jsonl" >"$W/out" 2>"$W/err"
	st=$?
	first=$(head -n 1 "$W/err")
	[ "$st" -eq 1 ] || why+=("exit status $st, want 1")
	[[ $first == "line $n: "* ]] || why+=("stderr does not start with \"line $n: \"")
	for w in "$@"; do
		[[ $first == *"$w"* ]] || why+=("stderr does not name \"$w\"")
	done
	"$BIN" export --db "$DB" >"$W/after" 2>/dev/null
	cmp -s "$W/before" "$W/after" || why+=("the store changed")
	if [ ${#why[@]} -eq 0 ]; then
		ok "$name"
	else
		not_ok "$name" "${why[@]}" "stderr: $(head -c 400 "$W/err")"
	fi
}

# ----------------------------------------------------------------------
# Bad directory lines
# ----------------------------------------------------------------------

# jansson's offset of the unexpected token: the '"' of "name" is byte 28.
printf '%s\n' "$PRE1" "$PRE2" '{"type":"org","id":"org-x2" "name":"X","kind":"other"}' |
	import_bad import_malformed_json 3 'malformed JSON' 'byte 28'
printf '%s\n' "$PRE1" '{"type":"org","id":"org-x3","name":"X",,"kind":"other"}' |
	import_bad import_malformed_json_offset 2 'byte 39'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"psychologist"' '"wizard"')" |
	import_bad import_unknown_profession 3 'profession' '"wizard"' 'professions'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"languages":["en","es"]' '"languages":["en","xx"]')" |
	import_bad import_unknown_language 3 'languages' '"xx"' 'languages list'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"licenses":["US-CA","US-OR"]' '"licenses":["US-CA","US-ZZ"]')" |
	import_bad import_unknown_jurisdiction 3 'licenses' '"US-ZZ"' 'jurisdictions'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"ifs"' '"ifs","astrology"')" |
	import_bad import_unknown_orientation 3 'orientations' '"astrology"'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"compacts":["PSYPACT"]' '"compacts":["NURSING"]')" |
	import_bad import_unknown_compact 3 'compacts' '"NURSING"'
printf '%s\n' "$PRE1" '{"type":"org","id":"org-x4","name":"X","kind":"guild"}' |
	import_bad import_unknown_org_kind 2 'kind' '"guild"'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"role":"employer"' '"role":"landlord"')" |
	import_bad import_unknown_role 3 'affiliations[0].role' '"landlord"'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"clinician_clients"' '"favorite_color":"teal","clinician_clients"')" |
	import_bad import_unknown_field 3 'favorite_color' 'unknown field'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"session":180' '"session":180,"tip":5')" |
	import_bad import_unknown_nested_field 3 'fee.tip' 'unknown field'
printf '%s\n' "$PRE1" "$PRE2" '{"type":"org","id":"org-x5","name":"X","kind":"other","members":3}' |
	import_bad import_unknown_org_field 3 'members'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" 'America/Los_Angeles' 'Mars/Olympus_Mons')" |
	import_bad import_bad_timezone 3 'timezone' 'Mars/Olympus_Mons'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"start":"09:00","end":"12:00"' '"start":"12:00","end":"09:00"')" |
	import_bad import_inverted_window 3 'availability[0].end'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"start":"09:00","end":"12:00"}' '"start":"09:00","end":"12:00"},{"day":"tue","start":"10:00","end":"10:00"}')" |
	import_bad import_empty_window 3 'availability[1].end'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"day":"mon"' '"day":"funday"')" |
	import_bad import_bad_day 3 'availability[0].day' '"funday"'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"end":"12:00"' '"end":"24:01"')" |
	import_bad import_bad_time 3 'availability[0].end' '24:01'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"lat":37.7749' '"lat":90.5')" |
	import_bad import_latitude_out_of_range 3 'office.lat' 'out of range'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"lon":-122.4194' '"lon":-180.25')" |
	import_bad import_longitude_out_of_range 3 'office.lon' 'out of range'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"npi":"1234567893"' '"npi":"1234567890"')" |
	import_bad import_npi_check_digit 3 'npi' '1234567890'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"npi":"1234567893"' '"npi":"123456789"')" |
	import_bad import_npi_short 3 'npi'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"clinician_discount_pct":20' '"clinician_discount_pct":101')" |
	import_bad import_discount_out_of_range 3 'fee.clinician_discount_pct'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"session":180' '"session":-5')" |
	import_bad import_negative_fee 3 'fee.session'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" ',"fee":{"currency":"USD","session":180,"sliding_scale_min":90,"clinician_discount_pct":20,"group_session":60}' '')" |
	import_bad import_missing_fee 3 'fee' 'required'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"office":{"lat":37.7749,"lon":-122.4194,"jurisdiction":"US-CA"},' '')" |
	import_bad import_in_person_without_office 3 'office'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '{"person":"t-0000042","role":"supervisor"}' '{"person":"t-0000042","role":"employer"}')" |
	import_bad import_person_not_supervision 3 'affiliations[1]'
printf '%s\n' "$PRE1" "$PRE2" '{"type":"org","id":"","name":"X","kind":"other"}' |
	import_bad import_empty_id 3 'id'
printf '%s\n' "$PRE1" "$PRE2" "$(rep "$T" '"id":"t-9000001"' '"id":""')" |
	import_bad import_empty_therapist_id 3 'id'
printf '%s\n' "$PRE1" "$PRE2" '{"type":"delete","id":""}' |
	import_bad import_empty_delete_id 3 'id'
printf '%s\n' "$PRE1" "$PRE2" '{"type":"org","id":"has space","name":"X","kind":"other"}' |
	import_bad import_bad_id_chars 3 'id'
printf '%s\n' "$PRE1" "$PRE2" '[{"type":"org","id":"org-x6","name":"X","kind":"other"}]' |
	import_bad import_array_line 3 'object'
printf '%s\n' "$PRE1" "$PRE2" '42' |
	import_bad import_number_line 3 'object'
printf '%s\n' "$PRE1" "$PRE2" '"org"' |
	import_bad import_string_line 3 'object'
printf '%s\n' "$PRE1" "$PRE2" '{"type":"clinic","id":"x"}' |
	import_bad import_unknown_type 3 'type' '"clinic"'
printf '%s\n' "$PRE1" "$PRE2" '{"id":"org-x7","name":"X","kind":"other"}' |
	import_bad import_missing_type 3 'type'
# Blank lines are skipped but counted.
printf '%s\n' "$PRE1" '' '   ' "$PRE2" '' "$(rep "$T" '"psychologist"' '"wizard"')" |
	import_bad import_blank_lines_counted 6 'profession'

# The same id twice in one file: both lines are named.
printf '%s\n' "$PRE1" "$PRE2" '{"type":"org","id":"org-dup","name":"A","kind":"other"}' \
	'{"type":"org","id":"org-x8","name":"B","kind":"other"}' "$T" \
	'{"type":"org","id":"org-dup","name":"C","kind":"employer"}' |
	import_bad import_duplicate_id 6 'org-dup' 'line 3'
printf '%s\n' "$PRE1" "$T" "$PRE2" "$(rep "$T" '"name":"Ana Ruiz"' '"name":"Ana R."')" |
	import_bad import_duplicate_therapist_id 4 't-9000001' 'line 2'

# A 10 MB line.
{
	printf '%s\n' "$PRE1" "$PRE2"
	printf '{"type":"org","id":"org-big","name":"'
	head -c 10485760 /dev/zero | tr '\0' x
	printf '","kind":"other"}\n'
} | import_bad import_10mb_line 3 'bytes'

# A file cut in the middle of its last record (no newline at the end).
{
	printf '%s\n' "$PRE1" "$PRE2" "$T"
	printf '%s' "${T:0:200}"
} | import_bad import_truncated_file 4 'malformed JSON'

# A bad line after several thousand good ones (many batches in flight).
{
	for i in $(seq 1 3000); do
		printf '{"type":"org","id":"org-bulk-%d","name":"Bulk %d","kind":"other"}\n' "$i" "$i"
	done
	rep "$T" 'America/Los_Angeles' 'America/Atlantis'
	echo
} | import_bad import_bad_line_after_3000 3001 'timezone'

# Two bad lines: the first one in the file is the one reported, even when
# the second is one the reader refuses before parsing (over-long).
{
	printf '%s\n' "$PRE1" '{"type":"org","id":"org-x9" "name":"X"}' "$PRE2"
	printf '{"type":"org","id":"org-big","name":"'
	head -c 1100000 /dev/zero | tr '\0' x
	printf '","kind":"other"}\n'
} | import_bad import_first_bad_line_wins 2 'malformed JSON'

# ----------------------------------------------------------------------
# Bad queries
# ----------------------------------------------------------------------

# match_bad NAME JSON WANT...: `chiron match` exits 1, prints nothing on
# stdout, and says every WANT on stderr.
match_bad() {
	local name=$1 json=$2 st w why=()
	shift 2
	printf '%s\n' "$json" >"$W/q.json"
	"$BIN" match --db "$DB" "$W/q.json" >"$W/out" 2>"$W/err"
	st=$?
	[ "$st" -eq 1 ] || why+=("exit status $st, want 1")
	[ -s "$W/out" ] && why+=("something on stdout: $(head -c 200 "$W/out")")
	for w in "$@"; do
		grep -qF -- "$w" "$W/err" || why+=("stderr does not name \"$w\"")
	done
	if [ ${#why[@]} -eq 0 ]; then
		ok "$name"
	else
		not_ok "$name" "${why[@]}" "stderr: $(head -c 400 "$W/err")"
	fi
}

match_bad query_malformed_json '{"jurisdiction":"US-NY" "limit":3}' 'malformed JSON' 'byte 24'
match_bad query_unknown_goal '{"jurisdiction":"US-NY","goals":["flying"]}' 'goals' '"flying"' 'focus_areas'
match_bad query_unknown_jurisdiction '{"jurisdiction":"US-XX"}' 'jurisdiction' '"US-XX"' 'jurisdictions'
match_bad query_unknown_language '{"jurisdiction":"US-NY","languages":["en","qq"]}' 'languages' '"qq"'
match_bad query_unknown_field '{"jurisdiction":"US-NY","colour":"teal"}' 'colour' 'unknown field'
match_bad query_unknown_nested_field '{"jurisdiction":"US-NY","location":{"lat":40,"lon":-74,"alt":3}}' 'location.alt'
match_bad query_bad_timezone '{"jurisdiction":"US-NY","timezone":"America/Atlantis"}' 'timezone' 'America/Atlantis'
match_bad query_inverted_window '{"jurisdiction":"US-NY","timezone":"America/New_York","free":[{"day":"tue","start":"18:00","end":"20:00"},{"day":"wed","start":"20:00","end":"18:00"}]}' 'free[1].end'
match_bad query_latitude_out_of_range '{"jurisdiction":"US-NY","location":{"lat":-90.01,"lon":0}}' 'location.lat' 'out of range'
match_bad query_longitude_out_of_range '{"jurisdiction":"US-NY","location":{"lat":40,"lon":181}}' 'location.lon' 'out of range'
match_bad query_limit_too_big '{"jurisdiction":"US-NY","limit":201}' 'limit' 'out of range'
match_bad query_limit_negative '{"jurisdiction":"US-NY","limit":-1}' 'limit'
match_bad query_limit_fraction '{"jurisdiction":"US-NY","limit":2.5}' 'limit'
match_bad query_limit_string '{"jurisdiction":"US-NY","limit":"20"}' 'limit'
match_bad query_week_not_monday '{"jurisdiction":"US-NY","week_of":"2026-03-10"}' 'week_of' 'Monday'
match_bad query_week_not_a_date '{"jurisdiction":"US-NY","week_of":"2026-02-30"}' 'week_of'
match_bad query_overlap_without_timezone '{"jurisdiction":"US-NY","require_overlap":true,"free":[{"day":"tue","start":"18:00","end":"20:00"}]}' 'timezone' 'require_overlap'
match_bad query_same_without_orientations '{"jurisdiction":"US-NY","orientation_mode":"same"}' 'my_orientations'
match_bad query_different_empty_orientations '{"jurisdiction":"US-NY","orientation_mode":"different","my_orientations":[]}' 'my_orientations'
match_bad query_bad_orientation_mode '{"jurisdiction":"US-NY","orientation_mode":"opposite","my_orientations":["cbt"]}' 'orientation_mode'
match_bad query_npi_check_digit '{"jurisdiction":"US-NY","npi":"1234567890"}' 'npi' '1234567890'
match_bad query_missing_jurisdiction '{"modality":"telehealth"}' 'jurisdiction' 'required'
match_bad query_bad_modality '{"jurisdiction":"US-NY","modality":"carrier_pigeon"}' 'modality' 'carrier_pigeon'
match_bad query_negative_distance '{"jurisdiction":"US-NY","max_distance_km":-1}' 'max_distance_km'
match_bad query_negative_budget '{"jurisdiction":"US-NY","budget":-10}' 'budget'
match_bad query_bad_exclude '{"jurisdiction":"US-NY","exclude":["ok-id","not an id"]}' 'exclude[1]'
match_bad query_not_an_object '["US-NY"]' 'object'

# A good query answers with the contract's object and exits 0.
printf '%s\n' '{"jurisdiction":"US-NY","modality":"telehealth","limit":5}' >"$W/q.json"
if "$BIN" match --db "$DB" "$W/q.json" >"$W/out" 2>"$W/err" &&
	python3 - "$W/out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
keys = ["closed", "modality", "budget", "language", "orientation", "conflict", "time"]
assert sorted(r["excluded"]) == sorted(keys), r["excluded"]
assert r["total_eligible"] + sum(r["excluded"].values()) == 100, r
assert len(r["results"]) == min(5, r["total_eligible"])
EOF
then
	ok query_good
else
	not_ok query_good "$(head -c 400 "$W/err")" "$(head -c 400 "$W/out")"
fi

# --jsonl: one answer a line, errors in place, the lines after still
# answered, exit status 1.
{
	echo '{"jurisdiction":"US-NY","limit":1}'
	echo '{"jurisdiction":"US-NY","limit":500}'
	echo '{"jurisdiction":"US-NY","modality":"telehealth"'
	echo '{"jurisdiction":"US-CA","limit":2}'
	echo '{"jurisdiction":"US-NY","week_of":"2026-03-11"}'
	echo '{"jurisdiction":"US-NY","goals":["flying"]}'
	echo '{"jurisdiction":"US-TX","limit":0}'
} >"$W/q.jsonl"
"$BIN" match --db "$DB" --jsonl "$W/q.jsonl" >"$W/out" 2>"$W/err"
st=$?
if [ "$st" -eq 1 ] && python3 - "$W/out" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "" and len(lines) == 8, lines
r = [json.loads(l) for l in lines[:-1]]
want = [None, "limit", "", None, "week_of", "goals", None]
for i, (x, f) in enumerate(zip(r, want)):
    if f is None:
        assert "total_eligible" in x and "error" not in x, (i, x)
    else:
        assert set(x) == {"error"}, (i, x)
        assert set(x["error"]) == {"field", "message"}, (i, x)
        assert x["error"]["field"] == f, (i, x)
        assert x["error"]["message"], (i, x)
assert "byte" in r[2]["error"]["message"], r[2]
assert "flying" in r[5]["error"]["message"], r[5]
assert len(r[0]["results"]) <= 1 and len(r[3]["results"]) <= 2 and r[6]["results"] == []
EOF
then
	ok match_jsonl_line_alignment
else
	not_ok match_jsonl_line_alignment "exit status $st" "$(head -c 600 "$W/out")" "$(head -c 400 "$W/err")"
fi
# stderr names the bad lines by number.
if grep -q '^line 2: limit' "$W/err" && grep -q '^line 3: ' "$W/err" &&
	grep -q '^line 5: week_of' "$W/err" && grep -q '^line 6: goals' "$W/err" &&
	! grep -q '^line [147]:' "$W/err"; then
	ok match_jsonl_stderr_lines
else
	not_ok match_jsonl_stderr_lines "$(cat "$W/err")"
fi
# All good lines: exit 0.
printf '%s\n' '{"jurisdiction":"US-NY","limit":1}' '{"jurisdiction":"US-NJ","limit":1}' |
	"$BIN" match --db "$DB" --jsonl - >"$W/out" 2>"$W/err"
st=$?
if [ "$st" -eq 0 ] && [ "$(wc -l <"$W/out")" -eq 2 ] && ! grep -q error "$W/out"; then
	ok match_jsonl_all_good
else
	not_ok match_jsonl_all_good "exit status $st" "$(head -c 400 "$W/err")"
fi

# After all of the above the seeded store is still the seed.
"$BIN" export --db "$DB" >"$W/after" 2>/dev/null
if cmp -s "$W/before" "$W/after"; then
	ok store_unchanged_by_errors
else
	not_ok store_unchanged_by_errors "$(diff "$W/before" "$W/after" | head -5)"
fi

# ----------------------------------------------------------------------
# Good imports: upsert, delete, round trip, stdin
# ----------------------------------------------------------------------

DB2=$W/good.db
"$BIN" import --db "$DB2" "$W/seed.jsonl" 2>/dev/null
"$BIN" export --db "$DB2" >"$W/e0"

# Upsert: change one stored therapist (its 10th line) and one organization.
TL=$(sed -n 110p "$W/e0")
TID=$(printf '%s' "$TL" | sed 's/.*"id":"\([^"]*\)".*/\1/')
NEW_TL=$(printf '%s' "$TL" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
r["name"] = "Renamed Person"
r["fee"]["session"] = r["fee"]["session"] + 7
r["languages"] = ["en", "fr"]
print(json.dumps(r, separators=(",", ":")))')
printf '%s\n' "$NEW_TL" >"$W/upsert.jsonl"
if "$BIN" import --db "$DB2" "$W/upsert.jsonl" 2>"$W/err" && "$BIN" export --db "$DB2" >"$W/e1"; then
	changed=$(diff "$W/e0" "$W/e1" | grep -c '^[<>]')
	got=$(sed -n 110p "$W/e1")
	if [ "$changed" -eq 2 ] && [ "$(wc -l <"$W/e1")" -eq 200 ] &&
		[[ $got == *'"id":"'"$TID"'"'* ]] && [[ $got == *'"name":"Renamed Person"'* ]] &&
		[[ $got == *'"languages":["en","fr"]'* ]]; then
		ok import_upsert_changes_one_record
	else
		not_ok import_upsert_changes_one_record "$(diff "$W/e0" "$W/e1" | head -6 | cut -c1-200)"
	fi
else
	not_ok import_upsert_changes_one_record "$(cat "$W/err")"
fi

# Delete: the record goes, nothing else moves.
printf '{"type":"delete","id":"%s"}\n' "$TID" >"$W/delete.jsonl"
if "$BIN" import --db "$DB2" "$W/delete.jsonl" 2>"$W/err" && "$BIN" export --db "$DB2" >"$W/e2"; then
	if grep -vF "\"id\":\"$TID\"" "$W/e1" | cmp -s - "$W/e2" && [ "$(wc -l <"$W/e2")" -eq 199 ]; then
		ok import_delete_removes_record
	else
		not_ok import_delete_removes_record "$(diff "$W/e1" "$W/e2" | head -6 | cut -c1-200)"
	fi
else
	not_ok import_delete_removes_record "$(cat "$W/err")"
fi

# Deleting what is not there is not an error, and changes nothing.
printf '%s\n' '{"type":"delete","id":"t-nobody-here"}' >"$W/delete2.jsonl"
if "$BIN" import --db "$DB2" "$W/delete2.jsonl" 2>"$W/err" && "$BIN" export --db "$DB2" >"$W/e3" &&
	cmp -s "$W/e2" "$W/e3"; then
	ok import_delete_unknown_id
else
	not_ok import_delete_unknown_id "$(cat "$W/err")"
fi

# An org, a therapist and a deletion in one file, with a blank line.
printf '%s\n' '{"type":"org","id":"org-mixed","name":"Mixed","kind":"consultation_group"}' '' "$T" \
	"$(printf '{"type":"delete","id":"%s"}' "$(grep -m 1 '"type":"therapist"' "$W/e3" | sed 's/.*"id":"\([^"]*\)".*/\1/')")" >"$W/mixed.jsonl"
if "$BIN" import --db "$DB2" "$W/mixed.jsonl" 2>"$W/err" && "$BIN" export --db "$DB2" >"$W/e4" &&
	[ "$(wc -l <"$W/e4")" -eq 200 ] && grep -q '"id":"org-mixed"' "$W/e4" && grep -q '"id":"t-9000001"' "$W/e4"; then
	ok import_mixed_records
else
	not_ok import_mixed_records "$(cat "$W/err")"
fi

# The export re-imports into a fresh store to the same export.
DB3=$W/round.db
if "$BIN" import --db "$DB3" "$W/e4" 2>"$W/err" && "$BIN" export --db "$DB3" >"$W/e5" &&
	cmp -s "$W/e4" "$W/e5"; then
	ok export_reimports_identically
else
	not_ok export_reimports_identically "$(cat "$W/err")" "$(diff "$W/e4" "$W/e5" | head -4 | cut -c1-200)"
fi
# Importing an export over the store it came from changes nothing.
if "$BIN" import --db "$DB3" "$W/e5" 2>"$W/err" && "$BIN" export --db "$DB3" >"$W/e6" &&
	cmp -s "$W/e5" "$W/e6"; then
	ok export_reimport_is_idempotent
else
	not_ok export_reimport_is_idempotent "$(cat "$W/err")"
fi
# The whole conformance directory round-trips too.
DB5=$W/full.db
if "$BIN" import --db "$DB5" "$DIRECTORY" 2>"$W/err" && "$BIN" export --db "$DB5" >"$W/f1" &&
	"$BIN" import --db "$W/full2.db" "$W/f1" 2>>"$W/err" && "$BIN" export --db "$W/full2.db" >"$W/f2" &&
	cmp -s "$W/f1" "$W/f2" && [ "$(wc -l <"$W/f1")" -eq "$(grep -c . "$DIRECTORY")" ]; then
	ok export_full_directory_round_trip
else
	not_ok export_full_directory_round_trip "$(cat "$W/err")"
fi

# Import from stdin with "-".
DB4=$W/stdin.db
if "$BIN" import --db "$DB4" - <"$W/seed.jsonl" 2>"$W/err" && "$BIN" export --db "$DB4" >"$W/s1" &&
	cmp -s "$W/before" "$W/s1"; then
	ok import_from_stdin
else
	not_ok import_from_stdin "$(cat "$W/err")"
fi
# A bad line on stdin is reported by number like any other.
if printf '%s\n' "$PRE1" "$(rep "$T" '"en","es"' '"en","zz"')" |
	"$BIN" import --db "$DB4" - 2>"$W/err"; then
	not_ok import_from_stdin_bad_line "exit status 0"
else
	"$BIN" export --db "$DB4" >"$W/s2"
	if head -n 1 "$W/err" | grep -q '^line 2: languages: ' && cmp -s "$W/s1" "$W/s2"; then
		ok import_from_stdin_bad_line
	else
		not_ok import_from_stdin_bad_line "$(cat "$W/err")"
	fi
fi

[ ! -s "$W/failed" ]
