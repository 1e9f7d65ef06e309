#!/bin/sh
# make run: seeds var/chiron.db with a demo directory (generated, 5,000
# therapists) the first time, then shows a match for a sample seeker.
# The web server (chiron serve) is the next step of the project.
set -eu
BIN=${1:-build/chiron}
DB=var/chiron.db
mkdir -p var
if [ ! -s "$DB" ]; then
	echo "seeding $DB with a demo directory of 5,000 generated therapists"
	"$BIN" gen --therapists 5000 --seed 7 > var/demo-directory.jsonl
	"$BIN" import --db "$DB" var/demo-directory.jsonl
fi
cat > var/demo-query.json <<'Q'
{"jurisdiction":"US-NY","location":{"lat":40.7128,"lon":-74.006},"modality":"either",
 "budget":160,"sliding_scale":true,"clinician_discount":true,
 "orientation_mode":"different","my_orientations":["cbt"],
 "goals":["burnout","countertransference"],"career_stage":"early_career",
 "timezone":"America/New_York","free":[{"day":"tue","start":"17:00","end":"21:00"},
 {"day":"sat","start":"09:00","end":"13:00"}],"require_overlap":true,"limit":3}
Q
echo "a seeker: var/demo-query.json"
"$BIN" match --db "$DB" var/demo-query.json | python3 -m json.tool
