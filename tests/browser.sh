#!/usr/bin/env bash
# browser.sh: chiron's pages in Debian's Chromium (tests/browser/run.mjs):
# each person's journeys (tests/browser/journeys/), with JavaScript off and
# on, at 1280 and 375 px; every page visited is checked by axe-core's WCAG
# 2.2 A/AA rules, must not scroll sideways or show ids, and is kept as
# build/browser/<mode>/<name>.png.
#
#   tests/browser.sh build/chiron [JOURNEY...]
#
# Installs tests/browser's pinned packages with `npm ci` when node_modules is
# missing or was made from another package.json or package-lock.json (a
# stamp in node_modules records which) or does not load; otherwise it uses
# them as they are, without the network. Prints "ok NAME" or "not ok NAME"
# per check and exits 1 if any check failed.
set -u

BIN=${1:?usage: tests/browser.sh path/to/chiron}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
DIR=$(cd "$(dirname "$0")/browser" && pwd)

setup_failed() {
	echo "not ok browser_setup"
	printf '#   %s\n' "$@"
	exit 1
}

command -v node >/dev/null && command -v npm >/dev/null ||
	setup_failed "node and npm are needed: run scripts/deps.sh"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
	setup_failed "${CHROMIUM:-/usr/bin/chromium} is missing: run scripts/deps.sh"

# node_modules is usable when its stamp names this package.json and
# package-lock.json and both packages load.
stamp=$DIR/node_modules/.chiron-lock
want=$(cd "$DIR" && cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
usable() {
	[ "$(cat "$stamp" 2>/dev/null)" = "$want" ] &&
		(cd "$DIR" && node -e "require('playwright-core'); require('fs').accessSync(require.resolve('axe-core/axe.min.js'))") >/dev/null 2>&1
}
if usable; then
	echo "# npm ci skipped: node_modules matches package-lock.json"
else
	echo "# npm ci: node_modules is missing or stale"
	(cd "$DIR" && npm ci --no-audit --no-fund) 2>&1 | sed 's/^/#   /'
	[ "${PIPESTATUS[0]}" -eq 0 ] || setup_failed "npm ci in $DIR failed"
	echo "$want" >"$stamp"
	usable || setup_failed "after npm ci, playwright-core or axe-core does not load in $DIR"
fi

exec node "$DIR/run.mjs" "$BIN" "${@:2}"
