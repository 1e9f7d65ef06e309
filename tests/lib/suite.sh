# tests/lib/suite.sh: what every shell suite shares (sourced, not run).
#
#   . "$(dirname "$0")/lib/suite.sh" "$1"      # $1: the chiron binary
#
# Sets BIN (absolute), ROOT (the repository), CONF (the conformance
# directory), W (a temporary directory, removed at exit) and counts checks.
#
#   ok NAME / not_ok NAME [DETAIL...]   one line each: "ok NAME", "not ok NAME"
#   check NAME COMMAND...               ok when COMMAND succeeds
#   same NAME GOT WANT                  ok when GOT = WANT (both shown if not)
#   mkuser HANDLE PASSWORD ROLE [TID [DAYS_AGO]]
#                                       an account by `chiron user add`
#                                       (claimed DAYS_AGO days ago); a
#                                       therapist or admin with the second
#                                       factor $TOTP_SECRET (listed in
#                                       $W/totp_users)
#   serve [FLAGS...]                    chiron serve on a free port of
#                                       loopback, db $DB, mail to $W/mail,
#                                       clock $W/clock; sets PORT, B (its
#                                       URL), PID; waits for it (minutes)
#   stop_server                         SIGTERM, and waits for it to exit
#   clock_set SECONDS                   the server's clock: the system's
#                                       time plus SECONDS (--clock-file)
#   chores_now                          SIGUSR1: the chores run, the mailer wakes
#   client_start                        the suite's one client (client.py)
#   c COMMAND ARG...                    one command to it; prints its reply
#   http USER METHOD PATH [BODY [HEADER...]]  a request; prints the status
#   sign_in USER PASSWORD [LOGIN]       the web sign-in as USER's jar; prints
#                                       the status (303 when signed in),
#                                       answering the code page when the
#                                       account has a second factor
#   api_sign_in USER PASSWORD [LOGIN]   the API's: POST /api/v1/session (with
#                                       a code for those in $W/totp_users)
#   enroll USER                         sets up USER's second factor on the
#                                       pages (the secret shown, then a code)
#   mail_c / mail_c_to EMAIL            mail_all / mail_to through the client
#   mail_c_link EMAIL PATH              mail_link through the client: the
#                                       newest link to PATH/TOKEN mailed to
#                                       EMAIL, polled (minutes); exit 1 if none
#   signup USER HANDLE EMAIL PASSWORD ROLE   web_signup as USER's jar;
#                                       prints the final status (303)
#   until_ SECONDS COMMAND...           COMMAND until it succeeds, polling;
#                                       a watchdog, never a measure
#   done_suite                          the summary; the exit status
#
# tests/lib/mail.sh (sourced here) reads the mail the server delivered.
# Nothing here opens the database: data goes in through the CLI and the
# API (docs/testing.md).

set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONF="$ROOT/../shared/conformance"
W=$(mktemp -d "${TMPDIR:-/tmp}/chiron-$(basename "$0" .sh).XXXXXX")
DB=$W/c.db
PID=
CPID=
PORT=
B=
MAIL_DIR=$W/mail
MAIL_DB=$DB
n_ok=0
n_bad=0

suite_cleanup() {
	[ -n "$CPID" ] && { exec {C_IN}>&- {C_OUT}<&-; kill "$CPID" 2>/dev/null; }
	[ -n "$PID" ] && kill "$PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$W"
}
trap suite_cleanup EXIT
trap 'exit 1' INT TERM HUP

ok() { n_ok=$((n_ok + 1)); echo "ok $1"; }
not_ok() {
	n_bad=$((n_bad + 1))
	echo "not ok $1"
	shift
	[ $# -gt 0 ] && printf '#   %s\n' "$@"
	return 0
}
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }
same() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi; }

done_suite() {
	echo "# $n_ok passed, $n_bad failed"
	[ "$n_bad" -eq 0 ]
}

until_() {
	local i
	for ((i = 0; i < $1 * 20; i++)); do "${@:2}" && return 0; sleep 0.05; done
	"${@:2}"
}

# The second factor of the therapists and admins mkuser makes (tests/lib/totp.py).
TOTP_SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
mkuser() {
	local totp=
	case $3 in therapist|admin) totp=$TOTP_SECRET ;; esac
	echo "$2" | "$BIN" user add --db "$DB" --handle "$1" --email "$1@example.org" --role "$3" \
		${4:+--therapist "$4"} ${5:+--claimed-days-ago "$5"} ${totp:+--totp-secret "$totp"} \
		--password-stdin >/dev/null || return 1
	[ -z "$totp" ] || echo "$1" >>"$W/totp_users"
}
has_totp() { [ -f "$W/totp_users" ] && grep -qix -- "${1%@example.org}" "$W/totp_users"; }

free_port() {
	python3 -S -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

serve() {
	PORT=$(free_port)
	B="http://127.0.0.1:$PORT"
	[ -f "$W/clock" ] || echo 0 >"$W/clock"
	"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --mail-dir "$W/mail" --clock-file "$W/clock" \
		--access-log off "$@" 2>>"$W/serve.err" &
	PID=$!
	# A watchdog of minutes: a slow machine is slow, never red.
	local i
	for ((i = 0; i < 3000; i++)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then return 0; fi
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	not_ok server_starts "$(tail -n 5 "$W/serve.err")"
	exit 1
}

stop_server() {
	[ -n "$PID" ] || return 0
	kill "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
	PID=
}

clock_set() { echo "$1" >"$W/clock.new" && mv "$W/clock.new" "$W/clock"; }
chores_now() { kill -USR1 "$PID"; }

# The client: one python3 for the whole suite (tests/lib/client.py).
# Through two named pipes, not a coprocess: their descriptors reach the
# subshells of $(...) and pipelines too.
client_start() {
	mkfifo "$W/c.in" "$W/c.out"
	python3 -u "$ROOT/tests/lib/client.py" "$B" "$W" <"$W/c.in" >"$W/c.out" &
	CPID=$!
	exec {C_IN}>"$W/c.in" {C_OUT}<"$W/c.out"
}

c() {
	local a n line LC_ALL=C
	{
		printf '%d\n' $#
		for a in "$@"; do printf '%d\n%s\n' "${#a}" "$a"; done
	} >&"$C_IN"
	read -r n <&"$C_OUT" || { echo "<client gone>"; return 1; }
	while ((n-- > 0)); do
		IFS= read -r line <&"$C_OUT"
		printf '%s\n' "$line"
	done
}

http() { c req "$@"; }

sign_in() {
	local st loc data
	c req "$1" GET /login >/dev/null
	st=$(c form "$1" /login "login=${3:-$1}" "password=$2")
	loc=$(c header Location)
	if [ "$st" = 303 ] && [ "${loc%%\?*}" = /login/code ]; then
		data=$(c fields "$1" "$loc")
		data=$(c with "$data" code "$(c totp "${3:-$1}")")
		st=$(c req "$1" POST /login/code "$data")
	fi
	echo "$st"
}

api_sign_in() {
	local code=
	has_totp "${3:-$1}" && code=",\"code\":\"$(c totp "${3:-$1}")\""
	c req "$1" POST /api/v1/session "{\"login\":\"${3:-$1}\",\"password\":\"$2\"$code}"
}

# Sets up USER's second factor on the pages: the secret the page shows,
# then a code of it; the client keeps the secret for USER's later codes.
enroll() {
	local secret
	c req "$1" GET /account/second-factor >/dev/null
	secret=$(c grep 'id="totp-secret">([A-Z2-7 ]+)<')
	c form "$1" /account/second-factor "code=$(c totp "$1" "$secret")"
}

# The mail through the client: `chiron outbox wait` (everything written
# before is delivered), then client.py reads $MAIL_DIR; no python3 per look.
mail_c() { "$BIN" outbox wait --db "$MAIL_DB" >/dev/null 2>&1; c mail "$MAIL_DIR"; }
mail_c_to() { mail_c | awk -v to="to: $1" '/^---$/ { keep = 0; next } $0 == to { keep = 1 } keep'; }
mail_c_link() {
	local i l
	for ((i = 0; i < 2400; i++)); do
		l=$(mail_c_to "$1" | grep -o "https\?://[^ ]*$2/[A-Za-z0-9_-]\{43\}" | tail -1)
		[ -n "$l" ] && { echo "$l"; return 0; }
		sleep 0.05
	done
	return 1
}
_more_links() { [ "$(mail_c_to "$1" | grep -c '/signup/confirm/')" -gt "$2" ]; }
signup() {
	local before link
	before=$(mail_c_to "$3" | grep -c '/signup/confirm/')
	c req "$1" GET /signup >/dev/null
	c form "$1" /signup "handle=$2" "email=$3" "password=$4" "role=$5" >/dev/null
	until_ 120 _more_links "$3" "$before"
	link=$(mail_c_link "$3" /signup/confirm) || { echo 000; return 1; }
	link=/${link#http*://*/}
	c req "$1" GET "$link" >/dev/null
	c form "$1" "$link"
}

. "$(dirname "${BASH_SOURCE[0]}")/mail.sh"
