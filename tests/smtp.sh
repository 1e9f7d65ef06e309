#!/usr/bin/env bash
# smtp.sh: the outbox delivered by SMTP, against a running `chiron serve`
# and a small SMTP server (tests/smtp/server.py, python3's standard
# library, no TLS: hence --smtp-insecure).
#
#   tests/smtp.sh BUILD/chiron      (prints "ok N - NAME" / "not ok N - NAME")
#
# A password reset is mailed at once (the web wakes the mailer) with the
# headers of RFC 5322 and the link of the outbox; with the SMTP server
# down the row keeps its attempts and last error and is delivered once
# the server is back, with the back-off (the server's clock moved, not
# waited for: --clock-file and SIGUSR1); non-ASCII subjects, bodies and
# dot-leading lines arrive intact; header injection, old messages and
# messages past their last try are not sent; the password travels only
# from the environment to AUTH; a hung server does not hold up SIGTERM;
# without --smtp nothing is sent; bad settings are refused.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
PID=
SPID=
n=0
fails=0
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; shift; [ $# -gt 0 ] && printf '#   %s\n' "$@"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }
# until TENTHS CMD...: true as soon as CMD is, false after TENTHS tenths of a second
until_() { local i; for ((i = 0; i < $1; i++)); do "${@:2}" && return 0; sleep 0.1; done; "${@:2}"; }
freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
# The outbox's rows through the store (`chiron outbox list`): per message
# ID STATE ATTEMPTS SEALED_BYTES CLEAR SAMPLE TRIED ERROR...; no address, no body.
ob() { "$BIN" outbox list --db "$W/c.db"; }
# row ID: "ATTEMPTS STATE" of that message
row() { ob | awk -v id="$1" '$1 == id { print $3, $2 }'; }
# err ID: its last error
err() { ob | awk -v id="$1" '$1 == id { $1 = $2 = $3 = $4 = $5 = $6 = $7 = ""; sub(/^ +/, ""); print }'; }
last_id() { ob | awk 'END { print $1 }'; }
# The server's clock: the system's time plus the seconds in $W/clock.
echo 0 >"$W/clock"
clock_set() { echo "$1" >"$W/clock.new" && mv "$W/clock.new" "$W/clock"; }
# SIGUSR1: the mailer wakes (and looks at the outbox at the clock's time).
chores_now() { kill -USR1 "$PID"; }
mails() { find "$W/mail" -name '*.eml' | wc -l; }
mails_at_least() { test "$(mails)" -ge "$1"; }

SP=$(freeport)
HP=$(freeport)
B="http://127.0.0.1:$HP"
mkdir -p "$W/mail"
smtp_up() {
	rm -f "$W/mail/ready"
	python3 "$ROOT/tests/smtp/server.py" "$SP" "$W/mail" "$@" 2>>"$W/smtpd.err" &
	SPID=$!
	until_ 600 test -e "$W/mail/ready"
}
smtp_down() { kill "$SPID"; wait "$SPID" 2>/dev/null; SPID=; }
serve() {
	"$BIN" serve --db "$W/c.db" --listen "127.0.0.1:$HP" --access-log "$W/access.log" \
		--outbox-log "$W/outbox.log" --clock-file "$W/clock" "$@" 2>>"$W/serve.err" &
	PID=$!
	until_ 600 curl -s -o /dev/null "$B/"
}
# stop: SIGTERM, and the server's exit status
stop() { local st; kill "$PID"; wait "$PID"; st=$?; PID=; return $st; }
csrf() { curl -s -c "$1" -b "$1" "$2" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
# reset EMAIL: asks for a reset link, prints the status; returns once the
# message is in the outbox (it is written after the answer)
reset() {
	local t n st
	n=$(ob | wc -l)
	t=$(csrf "$W/jar" "$B/reset")
	st=$(curl -s -c "$W/jar" -b "$W/jar" -o /dev/null -w '%{http_code}' -X POST "$B/reset" --data-urlencode "csrf=$t" --data-urlencode "email=$1")
	for _ in $(seq 3000); do [ "$(ob | wc -l)" -gt "${n:-0}" ] && break; sleep 0.1; done
	echo "$st"
}
# The reset link of a message received (the outbox holds it sealed, outbox.log not at all).
link_in() { grep -o 'http://[^ ]*/reset/[A-Za-z0-9_-]*' "$1" 2>/dev/null | tail -1; }
# mail_of ID: the message received for outbox row ID (its Message-ID names it)
mail_of() { local f; f=$(grep -l "^Message-ID: <chiron\.$1\." "$W"/mail/*.eml 2>/dev/null | head -1); [ -n "$f" ] && echo "$f"; }
# add TO SUBJECT BODY [CREATED_AT [TRIES [TRIED_AT]]]: a message put in the
# outbox, sealed, as the server would, after TRIES failed tries; its id
add() {
	"$BIN" outbox add --db "$W/c.db" --to "$1" --subject "$2" --body "$3" ${4:+--created-at "$4"} \
		${5:+--tried "$5"} ${6:+--tried-at "$6"}
}
# mail_with TEXT: the first message received that holds TEXT (false if none)
mail_with() { local f; f=$(grep -l -F -- "$1" "$W"/mail/*.eml 2>/dev/null | head -1); [ -n "$f" ] && echo "$f"; }

# msgcheck FILE.eml LINK: the headers and body of a reset message.
msgcheck() {
	python3 - "$1" "$2" <<'EOF'
import email, email.policy, email.utils, re, sys
raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
bad = []
def want(cond, why):
    if not cond:
        bad.append(why)
want(b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b""), "bare CR or LF")
try:
    d = email.utils.parsedate_to_datetime(m["Date"])
    want(d.utcoffset().total_seconds() == 0, "Date not UTC")
except Exception as e:
    bad.append("Date: %r" % m["Date"])
want(m["From"] == "chiron <noreply@chiron.test>", "From: %r" % m["From"])
want(m["To"] == "s1@example.org", "To: %r" % m["To"])
want(m["Subject"] == "Reset your chiron password", "Subject: %r" % m["Subject"])
want(re.fullmatch(r"<chiron\.\d+\.\d+@chiron\.test>", m["Message-ID"] or ""), "Message-ID: %r" % m["Message-ID"])
want(m["MIME-Version"] == "1.0", "MIME-Version")
want(m.get_content_type() == "text/plain" and m.get_content_charset() == "utf-8", "Content-Type: %r" % m["Content-Type"])
body = m.get_content()
want("open " + sys.argv[2] + " within an hour" in body, "no link in %r" % body)
want(len(m.get_all("To")) == 1 and not m["Bcc"], "extra recipients")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
}

# A directory, as in production (and an empty index trips UBSan in index.c).
"$BIN" import --db "$W/c.db" "$ROOT/../shared/conformance/directory.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
echo long-enough-password | "$BIN" user add --db "$W/c.db" --handle seeker1 --email s1@example.org \
	--role seeker --password-stdin >/dev/null 2>&1 || { not_ok setup "user add failed"; exit 1; }

# --- bad settings are refused before anything starts ---
bad() { "$BIN" serve --db "$W/c.db" --listen "127.0.0.1:$HP" "$@" 2>"$W/bad.err"; }
bad --smtp http://127.0.0.1:25 --smtp-from a@b.org; check refuses_other_schemes test $? = 2
bad --smtp smtp://mailer:hunter2xyz@127.0.0.1:25 --smtp-from a@b.org
st=$?; [ $st = 2 ] && ! grep -q hunter2xyz "$W/bad.err" && ok refuses_credentials_in_url_without_echo || not_ok refuses_credentials_in_url_without_echo "$st $(cat "$W/bad.err")"
bad --smtp smtp://127.0.0.1:25; check needs_from test $? = 2
bad --smtp smtp://127.0.0.1:25 --smtp-from nobody; check refuses_bad_from test $? = 2
env -u CHIRON_SMTP_PASSWORD "$BIN" serve --db "$W/c.db" --smtp smtp://127.0.0.1:25 --smtp-from a@b.org --smtp-user u 2>/dev/null
check user_needs_password_env test $? = 2
printf 'smtp = smtp://127.0.0.1:25\nsmtp_password = hunter2xyz\n' > "$W/bad.conf"
bad --config "$W/bad.conf"; st=$?
[ $st = 1 ] && grep -q CHIRON_SMTP_PASSWORD "$W/bad.err" && ok no_password_in_config_file || not_ok no_password_in_config_file "$st"

# --- run A: flags, the default back-off; a reset is mailed at once ---
smtp_up
serve --smtp "smtp://127.0.0.1:$SP" --smtp-insecure --smtp-from "chiron <noreply@chiron.test>"
check reset_requested test "$(reset s1@example.org)" = 200
# The sender polls every 60 s here: arriving within 30 s means the web woke it.
if until_ 300 mails_at_least 1; then ok mailed_at_once; else not_ok mailed_at_once "$(cat "$W/serve.err")"; fi
f=$(mail_of "$(last_id)")
link=$(link_in "$f")
env1=${f%.eml}.env
[ -n "$f" ] && grep -qx 'MAIL FROM:<noreply@chiron.test>' "$env1" && grep -qx 'RCPT TO:<s1@example.org>' "$env1" &&
	ok envelope || not_ok envelope "$(cat "$env1" 2>/dev/null)"
out=$(msgcheck "${f:-/dev/null}" "$link" 2>&1) && ok headers_and_link || not_ok headers_and_link "$out"
check row_sent test "$(ob | awk '{ print $2, $3, $8 }')" = "sent 1 -"
check row_sent_erased test "$(ob | awk '{ print $4, $5 }')" = "0 0"
t=$(csrf "$W/jar" "$B/reset")
code=$(curl -s -c "$W/jar" -b "$W/jar" -o /dev/null -w '%{http_code}' -X POST "$link" --data-urlencode "csrf=$t" --data-urlencode "password=brand-new-password")
check mailed_link_works test "$code" = 303
stop; check sigterm_exit_0 test $? = 0
smtp_down

# --- run B: config file and environment, the back-off on the server's clock, the server down ---
# The first retry waits an hour (--smtp-retry-base 3600), the k-th 2^(k-1)
# hours: nothing becomes due by the system's time while the test runs,
# however slow the machine; the clock file moves the server's time on.
printf 'smtp = smtp://127.0.0.1:%s\nsmtp_insecure = true\n' "$SP" > "$W/chiron.conf"
export CHIRON_SMTP_FROM="chiron <noreply@chiron.test>" CHIRON_SMTP_USER=mailer CHIRON_SMTP_PASSWORD=S3cret-pw-xyz
# One more failed try is this one's last (8): seven tried three days ago (due).
now=$(date +%s)
seventh=$(add s1@example.org seventh seventh-body "$now" 7 $((now - 3 * 86400)))
serve --config "$W/chiron.conf" --smtp-retry-base 3600
unset CHIRON_SMTP_FROM CHIRON_SMTP_USER CHIRON_SMTP_PASSWORD
check reset_while_down test "$(reset s1@example.org)" = 200
id=$(last_id)
# Tried once at once; an hour and more on, tried again.
tried_once() { test "$(row "$id")" = "1 unsent"; }
until_ 3000 tried_once
clock_set 3700
chores_now
failed_twice() { ob | awk -v id="$id" '$1 == id && $3 >= 2 && $2 == "unsent" && $8 != "-" { f = 1 } END { exit !f }'; }
if until_ 3000 failed_twice; then ok down_keeps_attempts_and_error; else not_ok down_keeps_attempts_and_error "$(ob | awk -v id="$id" '$1 == id')"; fi
err "$id" | grep -qi 'connect' && ok last_error_says_why || not_ok last_error_says_why "$(err "$id")"
tries=$(row "$id" | cut -d' ' -f1)
check eighth_try_is_the_last test "$(row "$seventh")" = "8 unsent"
# Rows put in through the CLI, at the server's time (the clock 3700 s on):
# past their last try, too old, an injected header, a back-off not yet run
# out, and UTF-8 with dot-leading lines.
now=$(($(date +%s) + 3700))
given_up=$(add s1@example.org 'given up' gave-up-body "$now" 8 "$now")
too_old=$(add s1@example.org 'too old' too-old-body $((now - 2 * 86400)))
inj1=$(add $'x@example.org\r\nBcc: evil@example.org' injected injected-body "$now")
inj2=$(add s1@example.org $'Re: ok\nBcc: evil@example.org' injected-subject-body "$now")
# The one waiting was tried 3 times, the last now: due 4 hours on.
wait_id=$(add s1@example.org waiting waiting-body "$now" 3 "$now")
add s1@example.org 'Réinitialisez ✓ votre mot de passe — 密码' $'Grüße,\n.\n..two\n.leading\nend utf8-body' "$now" >/dev/null
smtp_up
chores_now
# Once the message queued after it has been delivered, the sender has looked
# at the waiting one with the server up, and left it: its back-off has not
# run out. (The arithmetic of the back-off, try by try, is test_outbox's.)
if until_ 3000 mail_with utf8-body >/dev/null; then
	check backoff_waits test "$(row "$wait_id")" = "3 unsent"
	# and so did the reset, tried twice, the last at 3700: due at 3700 + 2 hours.
	check retry_waits_its_backoff test "$(row "$id")" = "$tries unsent"
else
	not_ok backoff_waits "the message queued after it was not delivered"
	not_ok retry_waits_its_backoff "the message queued after it was not delivered"
fi
# The clock past the reset's next try (3700 + 7200): due, and sent; the
# waiting one's (3700 + 14400) not yet.
clock_set 11000
chores_now
delivered() { test "$(row "$id" | cut -d' ' -f2)" = sent; }
if until_ 3000 delivered; then ok delivered_once_up; else not_ok delivered_once_up "$(ob | awk -v id="$id" '$1 == id')"; fi
check row_after_retry test "$(ob | awk -v id="$id" -v t="$tries" '$1 == id { print ($3 >= t + 1), $8 }')" = "1 -"
check backoff_doubles test "$(row "$wait_id")" = "3 unsent"
# The reset link lives an hour from its making: back to that time to use it.
clock_set 0
f=$(mail_of "$id")
link=$(link_in "$f")
out=$(msgcheck "${f:-/dev/null}" "${link:-no link}" 2>&1) && ok retried_message_right || not_ok retried_message_right "$out"
t=$(csrf "$W/jar" "$B/reset")
code=$(curl -s -c "$W/jar" -b "$W/jar" -o /dev/null -w '%{http_code}' -X POST "${link:-$B/reset/none}" --data-urlencode "csrf=$t" --data-urlencode "password=brand-new-password-2")
check retried_link_works test "$code" = 303
grep -qx 'AUTH |mailer|S3cret-pw-xyz' "${f%.eml}.env" 2>/dev/null && ok password_from_env_to_auth || not_ok password_from_env_to_auth "$(cat "${f%.eml}.env" 2>/dev/null)"
f=$(until_ 300 mail_with utf8-body)
out=$(python3 - "${f:-/dev/null}" <<'EOF'
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
wire = open(sys.argv[1][:-4] + ".wire", "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
bad = []
if m["Subject"] != "Réinitialisez ✓ votre mot de passe — 密码": bad.append("Subject %r" % m["Subject"])
if any(b > 127 for b in raw): bad.append("8-bit bytes on the wire")
body = m.get_content().replace("\r\n", "\n")  # the parser keeps the wire's CRLF
if body != "Grüße,\n.\n..two\n.leading\nend utf8-body\n": bad.append("body %r" % body)
if b"\r\n..\r\n" not in wire or b"\r\n...two\r\n" not in wire: bad.append("not dot-stuffed: %r" % wire[-80:])
print("\n".join(bad)); sys.exit(1 if bad else 0)
EOF
) && ok utf8_and_dots_intact || not_ok utf8_and_dots_intact "$out"
sent_anyway=
for what in gave-up-body too-old-body injected-body injected-subject-body seventh-body; do
	mail_with "$what" >/dev/null && sent_anyway="$sent_anyway $what"
done
[ -z "$sent_anyway" ] && ok refused_and_given_up_not_sent || not_ok refused_and_given_up_not_sent "$sent_anyway"
grep -q evil "$W"/mail/*.env && not_ok no_injected_recipient || ok no_injected_recipient
check injection_given_up test "$(ob | awk -v a="$inj1" -v b="$inj2" '($1 == a || $1 == b) && $3 == 8 && $2 == "unsent" && $8 == "refused:" { n++ } END { print n + 0 }')" = 2
check given_up_erased test "$(ob | awk -v a="$inj1" -v b="$inj2" -v c="$too_old" '($1 == a || $1 == b || $1 == c) && $4 == 0 { n++ } END { print n + 0 }')" = 3
check old_given_up test "$(row "$too_old")" = "8 unsent"
check past_last_try_left test "$(row "$given_up")" = "8 unsent"
# The clock past the waiting one's next try (3700 + 4 hours): sent.
clock_set 18200
chores_now
waited() { test "$(row "$wait_id" | cut -d' ' -f2)" = sent; }
if until_ 3000 waited; then ok backoff_then_sent; else not_ok backoff_then_sent "$(ob | awk -v id="$wait_id" '$1 == id')"; fi
clock_set 0
stop; check sigterm_exit_0_b test $? = 0
if grep -q 'S3cret-pw-xyz' "$W/serve.err" "$W/access.log" "$W/outbox.log"; then not_ok password_not_logged; else ok password_not_logged; fi
smtp_down

# --- run C: a server that never answers does not hold up SIGTERM ---
rm -f "$W/mail/accepted"
smtp_up --silent
hung=$(add s1@example.org hung hung-body)
serve --smtp "smtp://127.0.0.1:$SP" --smtp-insecure --smtp-from noreply@chiron.test
until_ 600 test -s "$W/mail/accepted"
sleep 0.5
t0=$(date +%s%N)
stop; st=$?  # the transfer itself would hang for 300 s
ms=$((($(date +%s%N) - t0) / 1000000))
[ $st = 0 ] && [ $ms -lt 20000 ] && ok stops_promptly_mid_transfer || not_ok stops_promptly_mid_transfer "exit $st after $ms ms"
check abandoned_not_counted test "$(row "$hung")" = "0 unsent"
smtp_down

# --- run D: without --smtp nothing is sent ---
smtp_up
before=$(mails)
serve
check reset_without_smtp test "$(reset s1@example.org)" = 200
sleep 1
check nothing_sent_without_smtp test "$(mails)" = "$before"
check row_stays_unsent test "$(ob | awk 'END { print $2, $3, ($4 > 0) }')" = "unsent 0 1"
stop
smtp_down

grep -q 'ERROR: AddressSanitizer\|runtime error' "$W/serve.err" && not_ok no_sanitizer_reports "$(head -5 "$W/serve.err")" || ok no_sanitizer_reports
[ "$fails" -eq 0 ]
