#!/usr/bin/env bash
# fuzz.sh: every libFuzzer target of tests/fuzz, briefly (docs/testing.md).
#
#   tests/fuzz.sh [build/chiron]   (the argument is not used: the targets
#                                   have their own build, build/fuzz)
#
# Builds the targets (make fuzz-build: clang, ASan, UBSan), then runs each
# over its seed corpus and on for a bounded number of mutated inputs, with
# a fixed seed so that a run is the same run every time. A bounded number
# of runs, not of seconds, and a minute allowed per input: a busy machine
# makes the suite slower, never red. The long, random runs are `make fuzz`.
#
# Prints "ok fuzz_NAME" or "not ok fuzz_NAME" per target (with the evidence
# and the reproducer, kept in build/fuzz/findings/NAME/), and exits 1 if
# any failed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
W=$(mktemp -d "${TMPDIR:-/tmp}/chiron-fuzz.XXXXXX")
trap 'rm -rf "$W"' EXIT
RUNS=3000
failed=0

# Two test runs at once (make test and make test SAN=1) share build/fuzz.
mkdir -p build/fuzz
if ! flock build/fuzz/.lock make -s --no-print-directory fuzz-build >"$W/build.log" 2>&1; then
	echo "not ok fuzz_build"
	grep -E 'error|Error' "$W/build.log" | head -20 | sed 's/^/  /'
	exit 1
fi
echo "ok fuzz_build"

for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	bin=build/fuzz/fuzz_$name
	mkdir -p "$W/$name/new" "$W/$name/found"
	dict=()
	[ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
	"$bin" -seed=1 -runs="$RUNS" -timeout=60 -rss_limit_mb=2048 \
		-artifact_prefix="$W/$name/found/" "${dict[@]}" \
		"$W/$name/new" "tests/fuzz/corpus/$name" >"$W/$name.log" 2>&1
	st=$?
	if [ $st -eq 0 ] && grep -q '^Done [0-9]* runs' "$W/$name.log"; then
		echo "ok fuzz_$name"
		continue
	fi
	failed=1
	echo "not ok fuzz_$name"
	echo "  exit $st; $bin, -seed=1 -runs=$RUNS:"
	grep -E '^(==[0-9]+==ERROR|SUMMARY|ALARM|.*broken promise|.*runtime error|    #[0-9]+ )' "$W/$name.log" |
		grep -vE 'fuzzer::|libc\.so|libc_start|_start |sanitizer_print|pthread_kill|raise\.c|abort\.c' |
		head -20 | sed 's/ (BuildId: [0-9a-f]*)//; s/^/  /'
	mkdir -p "build/fuzz/findings/$name"
	for f in "$W/$name/found"/*; do
		[ -f "$f" ] || continue
		cp "$f" "build/fuzz/findings/$name/"
		echo "  reproduce: $bin build/fuzz/findings/$name/$(basename "$f")"
	done
done
exit $failed
