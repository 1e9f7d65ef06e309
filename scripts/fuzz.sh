#!/bin/sh
# make fuzz / make fuzz-NAME: runs libFuzzer targets, each for SECONDS, and
# fails when any finds a crash, a leak or an input slower than 10 s.
# Usage: scripts/fuzz.sh SECONDS NAME...   (after make fuzz-build)
#
# Each target starts from its seeds (tests/fuzz/corpus/NAME, read only) and
# what earlier runs found (build/fuzz/corpus/NAME, where new inputs go), with
# its dictionary when there is one. A finding is kept in
# build/fuzz/findings/NAME/; reproduce it with build/fuzz/fuzz_NAME FILE.
set -u
cd "$(dirname "$0")/.." || exit 2
secs=${1:?usage: scripts/fuzz.sh SECONDS NAME...}
shift
failed=""
for name in "$@"; do
	bin=build/fuzz/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "fuzz: no $bin (make fuzz-build; is there a tests/fuzz/fuzz_$name.c?)" >&2
		failed="$failed $name"
		continue
	fi
	mkdir -p "build/fuzz/corpus/$name" "build/fuzz/findings/$name"
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	echo "fuzz: $name for ${secs}s"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="build/fuzz/findings/$name/" $dict \
		"build/fuzz/corpus/$name" "tests/fuzz/corpus/$name" \
		>"build/fuzz/$name.log" 2>&1
	st=$?
	if [ $st -ne 0 ]; then
		failed="$failed $name"
		echo "fuzz: $name FAILED (exit $st); the end of build/fuzz/$name.log:"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|ALARM|.*broken promise|.*runtime error|artifact_prefix=|    #[0-9]+ )' \
			"build/fuzz/$name.log" | grep -vE 'fuzzer::|libc\.so|libc_start|_start |sanitizer_print|pthread_kill|raise\.c|abort\.c' | sed 's/ (BuildId: [0-9a-f]*)//' | head -24
		for f in $(ls -t "build/fuzz/findings/$name" 2>/dev/null | head -3); do
			echo "fuzz: reproduce with: $bin build/fuzz/findings/$name/$f"
		done
	else
		grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "build/fuzz/$name.log" | tail -1 |
			sed "s/^/fuzz: $name: /"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: findings in:$failed"
	exit 1
fi
echo "fuzz: no findings"
