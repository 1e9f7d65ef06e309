#!/usr/bin/env bash
# bench_schedule.sh: `chiron bench-schedule --quick` (make bench, step 5)
# still runs and still prints its figures, so the benchmark cannot rot
# between two `make bench` runs.
#
#   tests/bench_schedule.sh build/chiron      (prints "ok NAME" / "not ok NAME")
#
# The quick run must exit 0 and print the slot search at 0, 100 and 1,000
# bookings, four booking rates (1 and 2 threads, synchronous NORMAL and
# FULL), and both races with exactly one booking per slot; its JSON line
# must hold the same; its temporary stores must be gone afterwards. With
# --broken-check (a check that accepts every slot) it must fail loudly:
# that is what shows the double-booking count works. Bad usage exits 2.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
W=$(mktemp -d "${TMPDIR:-/tmp}/chiron-bs.XXXXXX")
trap 'rm -rf "$W"' EXIT
fails=0

ok() { echo "ok $1"; }
not_ok() {
	echo "not ok $1"
	shift
	printf '    %s\n' "$@"
	fails=$((fails + 1))
}
check() {       # check NAME COMMAND...: ok when the command succeeds
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

mkdir "$W/tmp"
"$BIN" bench-schedule --quick --json --dir "$W/tmp" >"$W/out" 2>"$W/err"
st=$?
if [ $st -eq 0 ]; then ok quick_exits_0; else not_ok quick_exits_0 "exit $st" "$(tail -5 "$W/err")"; fi

for n in 0 100 1000; do
	check "search_${n}_bookings" grep -Eq "^ +$n bookings: [0-9]+ slots; core \(sched_slots\) p50 [0-9.]+ us, p99 [0-9.]+ us, mean [0-9.]+ us over [0-9]+; through the store \(appts_of_therapist \+ sched_slots\) p50 [0-9.]+ us" "$W/out"
done
check horizon_crosses_dst grep -Eq '^horizon: 12 weeks, .* across the daylight saving change of ' "$W/out"
check production_durability grep -Eq '^  wal \+ synchronous=FULL \(production\), 1 thread: [0-9]+ bookings in [0-9.]+ s = [0-9]+ bookings/s' "$W/out"
check production_two_threads grep -Eq '^  wal \+ synchronous=FULL \(production\), 2 threads on one shared connection: .* bookings/s' "$W/out"
check normal_for_comparison grep -Eq '^  wal \+ synchronous=NORMAL \(comparison only\), 1 thread: .* bookings/s' "$W/out"
n=$(grep -c 'exactly one booking per slot$' "$W/out")
if [ "$n" -eq 2 ]; then ok races_one_booking_per_slot; else not_ok races_one_booking_per_slot "$n of 2 races clean" "$(grep race "$W/out")"; fi

if python3 - "$W/out" <<'PY'
import json, sys
j = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
s = j["search"]
assert [x["bookings"] for x in s] == [0, 100, 1000], s
assert s[0]["slots"] > s[1]["slots"] >= s[2]["slots"] >= 0, s
assert all(x["core_p50_us"] > 0 and x["store_p50_us"] > 0 for x in s), s
b = j["booking"]
assert [(x["synchronous"], x["threads"]) for x in b] == [("NORMAL", 1), ("NORMAL", 2), ("FULL", 1), ("FULL", 2)], b
assert all(x["journal"] == "wal" and x["per_s"] > 0 for x in b), b
c = j["contention"]
assert [x["connections"] for x in c] == [1, 2], c
assert all(x["booked"] == x["slots"] == x["in_store"] and x["double"] == 0 and x["missing"] == 0 for x in c), c
PY
then ok json_figures; else not_ok json_figures "$(tail -1 "$W/out")"; fi

left=$(ls -A "$W/tmp")
if [ -z "$left" ]; then ok temporary_stores_removed; else not_ok temporary_stores_removed "$left"; fi

if grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/err"; then
	not_ok no_sanitizer_reports "$(head -20 "$W/err")"
else
	ok no_sanitizer_reports
fi

# A check that lets every slot through must be caught by the count.
"$BIN" bench-schedule --quick --sync normal --dir "$W/tmp" --broken-check >"$W/bout" 2>"$W/berr"
st=$?
if [ $st -eq 1 ] && grep -q 'FAILED: [1-9][0-9]* slots booked twice' "$W/berr" &&
	grep -q 'DOUBLE OR MISSING BOOKINGS' "$W/bout"; then
	ok broken_check_fails_loudly
else
	not_ok broken_check_fails_loudly "exit $st" "$(tail -3 "$W/berr")"
fi
left=$(ls -A "$W/tmp")
if [ -z "$left" ]; then ok stores_removed_after_failure; else not_ok stores_removed_after_failure "$left"; fi

"$BIN" bench-schedule --bookings 0 >/dev/null 2>"$W/uerr"
st=$?
if [ $st -eq 2 ] && grep -q '^usage: chiron bench-schedule' "$W/uerr"; then ok bad_usage_exits_2; else not_ok bad_usage_exits_2 "exit $st"; fi

[ $fails -eq 0 ]
