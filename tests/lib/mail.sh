# tests/lib/mail.sh: reading the mail chiron sent, for the shell suites
# (sourced, not run). Start the server with --mail-dir "$MAIL_DIR" and set
# MAIL_DIR and MAIL_DB (its --db) first.
#
#   mail_all                 every message delivered, as text ("---",
#                            "to: ...", "subject: ...", a blank line, the
#                            body), oldest first (tests/mailbox.py, after
#                            `chiron outbox wait`; $BIN when set)
#   mail_to EMAIL            the messages to EMAIL, the same way
#   mail_link EMAIL PATH     the newest link to PATH/TOKEN mailed to EMAIL,
#                            waiting up to a minute (mail goes out after the
#                            answer); exit 1 when none came
#   web_signup JAR BASE HANDLE EMAIL PASSWORD ROLE
#                            the whole sign-up in JAR: the form, the mailed
#                            link, its page and its button; prints the
#                            final status (303 when signed in)

mail_all() {
	python3 "$(dirname "${BASH_SOURCE[0]}")/../mailbox.py" "$MAIL_DIR" "$MAIL_DB" ${BIN:+"$BIN"} 2>/dev/null
}

mail_to() {
	mail_all | awk -v to="to: $1" '/^---$/ { keep = 0; next } $0 == to { keep = 1 } keep'
}

mail_link() {
	local i l
	for i in $(seq 600); do
		l=$(mail_to "$1" | grep -o "https\?://[^ ]*$2/[A-Za-z0-9_-]\{43\}" | tail -1)
		[ -n "$l" ] && { echo "$l"; return 0; }
		sleep 0.1
	done
	return 1
}

web_signup() {
	local jar=$1 base=$2 handle=$3 email=$4 pw=$5 role=$6 t link before
	before=$(mail_to "$email" | grep -c '/signup/confirm/')
	t=$(curl -s -c "$jar" -b "$jar" "$base/signup" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
	curl -s -c "$jar" -b "$jar" -o /dev/null -X POST "$base/signup" --data-urlencode "csrf=$t" \
		--data-urlencode "handle=$handle" --data-urlencode "email=$email" \
		--data-urlencode "password=$pw" --data-urlencode "role=$role"
	for _ in $(seq 600); do
		[ "$(mail_to "$email" | grep -c '/signup/confirm/')" -gt "$before" ] && break
		sleep 0.1
	done
	link=$(mail_link "$email" /signup/confirm) || { echo 000; return 1; }
	t=$(curl -s -c "$jar" -b "$jar" "$link" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
	curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' -X POST "$link" --data-urlencode "csrf=$t"
}
