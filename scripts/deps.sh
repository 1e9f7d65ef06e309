#!/bin/sh
# Installs what chiron needs to build, run and test, from Debian's packages
# (and npm, for the browser tests and tests/feed's ical.js). Idempotent:
# when everything is present it changes nothing and says so in one line.
# clang and its runtime (libFuzzer, the sanitizers) build the fuzzers.
set -eu

PKGS="build-essential pkg-config tzdata ca-certificates python3
libsqlite3-dev sqlite3 libjansson-dev libsodium-dev libical-dev
libmicrohttpd-dev libpq-dev libcmocka-dev libcurl4-openssl-dev libgd-dev libssl-dev
cracklib-runtime
postgresql postgresql-client python3-psycopg2 python3-icalendar
python3-recurring-ical-events linux-perf wrk nginx chromium
clang libclang-rt-14-dev $(command -v node >/dev/null || echo nodejs npm)"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "deps: all present"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing" >&2
	echo "deps: run 'sudo scripts/deps.sh' (or make run as root) to install them" >&2
	exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
