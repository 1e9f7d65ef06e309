#!/bin/sh
# make lint: functions chiron does not use (curl's list): unbounded string
# copies and conversions without error checks.
set -u
cd "$(dirname "$0")/.." || exit 2
bad=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gets)\s*\(' src/*/*.c src/*/*.h tests/*.c 2>/dev/null | grep -v '^\s*//')
if [ -n "$bad" ]; then
	echo "lint: banned functions:"
	echo "$bad"
	exit 1
fi
# No circle between the files of src/web (scripts/web_deps.sh).
scripts/web_deps.sh >/dev/null || { scripts/web_deps.sh | grep circle; exit 1; }
echo "lint: clean"
