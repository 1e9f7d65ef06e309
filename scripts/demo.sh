#!/bin/sh
# make run: the first time, seeds var/chiron.db with a demo directory of
# generated therapists and three demo accounts (printed below, and kept
# in var/demo-accounts.txt); then serves the site.
set -eu
BIN=${1:-build/chiron}
DB=var/chiron.db
LISTEN=${CHIRON_LISTEN:-127.0.0.1:8080}
mkdir -p var
if [ ! -s "$DB" ]; then
	echo "seeding $DB with a demo directory of 3,000 generated therapists"
	"$BIN" gen --therapists 3000 --seed 7 > var/demo-directory.jsonl
	"$BIN" import --db "$DB" var/demo-directory.jsonl
	{
		"$BIN" user add --db "$DB" --handle demo_seeker --email seeker@demo.invalid --role seeker
		"$BIN" user add --db "$DB" --handle demo_therapist --email therapist@demo.invalid \
			--role therapist --therapist t-0000001
		"$BIN" user add --db "$DB" --handle demo_admin --email admin@demo.invalid --role admin
	} > var/demo-accounts.txt
fi
echo "demo accounts (role, handle, password):"
sed 's/^/  /' var/demo-accounts.txt
echo "the therapist and admin accounts set up a second factor (any authenticator app) at their first sign-in"
echo "open http://$LISTEN/ in a browser"
echo "mail (reset links, booking notes) arrives in var/mail/<id>.eml, not sent"
exec "$BIN" serve --db "$DB" --listen "$LISTEN" --mail-dir var/mail
