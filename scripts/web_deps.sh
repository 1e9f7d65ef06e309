#!/bin/sh
# scripts/web_deps.sh [BUILD]: which files of src/web call functions that
# other files of src/web define, and whether any of them call each other
# round in a circle (a file that needs another which, perhaps through a
# third, needs it back). A circle means two files are one concept split
# in two, or a helper lives in the wrong file; make lint fails on one.
#
# It reads the symbols of the objects (nm): a file's undefined symbols
# against the others' defined ones, so a call through a header counts
# and a name in a comment does not. The objects are built first, into
# BUILD (default build). Prints "file: needs a b c" for each file, then
# "web_deps: no circles" and 0, or each circle and 1.
set -u
cd "$(dirname "$0")/.." || exit 2
B=${1:-build}
objs=
for c in src/web/*.c; do
	objs="$objs $B/obj/${c%.c}.o"
done
# shellcheck disable=SC2086
make --no-print-directory -s $objs >/dev/null || exit 2
for o in $objs; do
	f=$(basename "$o" .o)
	nm "$o" | awk -v f="$f" '$1 == "U" { print "use", f, $2 }'
	nm "$o" | awk -v f="$f" 'NF == 3 && $2 ~ /^[TDBR]$/ { print "def", f, $3 }'
done | awk '
	$1 == "def" { def[$3] = $2; next }
	{ use[NR] = $2 " " $3 }
	END {
		for (i in use) {
			split(use[i], u, " ")
			if ((u[2] in def) && def[u[2]] != u[1])
				edge[u[1] " " def[u[2]]] = 1
		}
		for (e in edge) print e
	}' | sort -u >"${TMPDIR:-/tmp}/web_deps.$$"
# Each file and what it needs.
awk '{ need[$1] = need[$1] " " $2 } END { for (f in need) print f ":" need[f] }' \
	"${TMPDIR:-/tmp}/web_deps.$$" | sort
# Circles: a file that reaches itself (the transitive closure, by rounds).
awk '
	{ reach[$1 " " $2] = 1; node[$1] = 1; node[$2] = 1 }
	END {
		do {
			grew = 0
			for (k in reach) {
				split(k, ab, " ")
				for (c in node)
					if (((ab[2] " " c) in reach) && !((ab[1] " " c) in reach)) {
						reach[ab[1] " " c] = 1
						grew = 1
					}
			}
		} while (grew)
		bad = 0
		for (a in node)
			if ((a " " a) in reach) {
				line = ""
				for (b in node)
					if (b != a && ((a " " b) in reach) && ((b " " a) in reach))
						line = line " " b
				print "web_deps: circle: " a " <->" line
				bad = 1
			}
		exit bad
	}' "${TMPDIR:-/tmp}/web_deps.$$"
rc=$?
rm -f "${TMPDIR:-/tmp}/web_deps.$$"
[ $rc -eq 0 ] && echo "web_deps: no circles"
exit $rc
