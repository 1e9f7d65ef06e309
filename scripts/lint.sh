#!/bin/sh
# make lint: functions chiron does not use (curl's list): unbounded string
# copies and conversions without error checks; JSON written by hand in
# src/web; html() taking anything but a literal.
set -u
cd "$(dirname "$0")/.." || exit 2
bad=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gets)\s*\(' src/*/*.c src/*/*.h src/*/*/*.c src/*/*/*.h tests/*.c 2>/dev/null | grep -v '^\s*//')
if [ -n "$bad" ]; then
	echo "lint: banned functions:"
	echo "$bad"
	exit 1
fi
# JSON in src/web is written by core/jw.h, which places the commas and
# checks the nesting: no hand-written keys, brackets or strings.
bad=$(grep -nE 'buf_[a-z_]+\([^;]*\\"[A-Za-z_]+\\" ?:|buf_addc\([^)]*'"'"'[][{}]'"'"'\)|buf_json_str' src/web/*.c 2>/dev/null)
if [ -n "$bad" ]; then
	echo "lint: JSON written by hand in src/web (use core/jw.h):"
	echo "$bad"
	exit 1
fi
# html() takes markup literals only: a literal compiles, a variable must not.
html_check() {
	printf '#include "web/html.h"\nint f(struct buf *b, const char *s) { (void)s; return %s; }\n' "$1" |
		${CC:-cc} -std=c11 -fsyntax-only -Isrc -x c - 2>/dev/null
}
if ! html_check 'html(b, "<p>")' || html_check 'html(b, s)'; then
	echo "lint: html() accepted a variable as markup, or refused a literal (web/html.h)"
	exit 1
fi
# No circle between the files of src/web (scripts/web_deps.sh).
scripts/web_deps.sh >/dev/null || { scripts/web_deps.sh | grep circle; exit 1; }
echo "lint: clean"
