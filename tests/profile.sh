#!/usr/bin/env bash
# A therapist's public profile (issue 10, item 14): open hours in the
# viewer's zone, merged per day, telehealth-only windows said; the
# statement and the photo (re-encoded: no uploaded byte is served; bad
# uploads answered in the form with the statement kept); what chiron
# checked, in exactly those words (the NPI, the board's licence check);
# a hidden profile: a banner for admins, a 404 for everyone else.
# Against a running `chiron serve` on loopback; data in through the CLI,
# the web and the API.
#   tests/profile.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
. "$(dirname "$0")/lib/suite.sh" "$1"
. "$ROOT/tests/lib/mail.sh"

"$BIN" import --db "$DB" "$CONF/directory.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
mkuser thera1 thera-password-1 therapist t-0000010
mkuser seeker1 seeker-password-1 seeker
mkuser admin1 admin-password-1 admin
echo long-enough-password | "$BIN" user add --db "$DB" --handle claimant1 --email claimant1@mail.example.org \
	--role therapist --totp-secret "$TOTP_SECRET" --password-stdin >/dev/null
echo claimant1 >>"$W/totp_users"
serve

# Pages and the API through curl, one cookie jar per person:
#   get JAR PATH            the body (into $W/last), prints the status
#   csrf JAR PATH           the token of PATH's first form
#   post JAR PATH ARGS...   a form (curl's -d/-F ARGS), prints the status
#   api JAR METHOD PATH [JSON]  with the session's X-CSRF-Token
get() { curl -s -c "$W/$1" -b "$W/$1" -o "$W/last" -w '%{http_code}' "$B$2"; }
csrf() { curl -s -c "$W/$1" -b "$W/$1" "$B$2" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
post() { local j=$1 u=$2; shift 2; curl -s -c "$W/$j" -b "$W/$j" -o "$W/last" -w '%{http_code}' "$@" "$B$u"; }
api() {
	local j=$1 m=$2 u=$3 body=${4-}
	local -a o=(-s -c "$W/$j" -b "$W/$j" -o "$W/last" -w '%{http_code}' -X "$m")
	[ -s "$W/$j.csrf" ] && o+=(-H "X-CSRF-Token: $(cat "$W/$j.csrf")")
	[ -n "$body" ] && o+=(-H 'Content-Type: application/json' --data-binary "$body")
	curl "${o[@]}" "$B$u"
}
py() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$W/last" "$1" 2>/dev/null; }
signin() {
	local code=
	has_totp "$2" && code=",\"code\":\"$(python3 "$ROOT/tests/lib/totp.py" "$W" "$2")\""
	api "$1" POST /api/v1/session "{\"login\":\"$2\",\"password\":\"$3\"$code}" >/dev/null
	py 'd["csrf"]' >"$W/$1.csrf"
}
has() { grep -qF -- "$1" "$W/last"; }
# The text of the last page without its tags, one line.
text() { python3 -c 'import re,sys,html; t=open(sys.argv[1]).read(); print(html.unescape(re.sub(r"\s+"," ",re.sub(r"<[^>]+>"," ",t))).replace(" ,",","))' "$W/last"; }

signin T thera1 thera-password-1
signin S seeker1 seeker-password-1
signin A admin1 admin-password-1
TODAY=$(date -u '+%-d %b %Y')

# ----------------------------------------------------------------------
# 1. Open hours: merged per day, capitalized, in the viewer's zone
# ----------------------------------------------------------------------
api T GET /api/v1/listing/record >/dev/null
python3 - "$W/last" >"$W/rec.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["availability"] = [
    {"day": "mon", "start": "11:30", "end": "12:45", "modality": "telehealth"},
    {"day": "mon", "start": "11:30", "end": "13:45", "modality": "telehealth"},
    {"day": "mon", "start": "13:45", "end": "15:00", "modality": "telehealth"},
    {"day": "wed", "start": "09:00", "end": "10:00", "modality": "in_person"},
    {"day": "wed", "start": "09:30", "end": "11:00", "modality": "either"},
    {"day": "fri", "start": "02:00", "end": "04:00", "modality": "either"},
]
print(json.dumps(d))
PY
check hours_saved test "$(api T PUT /api/v1/listing/record "$(cat "$W/rec.json")")" = 200
get anon /therapists/t-0000010 >/dev/null
T0=$(text)
case "$T0" in *"Monday 11:30–15:00 (telehealth only)"*) ok hours_merged_capitalized ;;
	*) not_ok hours_merged_capitalized "$(echo "$T0" | grep -o 'Open hours.\{0,300\}')" ;; esac
case "$T0" in *"Wednesday 09:00–10:00 (in person only), 09:30–11:00"*) ok hours_held_one_way_kept_apart ;;
	*) not_ok hours_held_one_way_kept_apart "$(echo "$T0" | grep -o 'Wednesday.\{0,80\}')" ;; esac
case "$T0" in *"Times in the therapist's time zone, America/New York."*) ok hours_zone_therapists ;;
	*) not_ok hours_zone_therapists ;; esac
has 'mon 11:30' && not_ok hours_no_codes || ok hours_no_codes
# A seeker whose zone is Los Angeles (3 hours behind New York, both with
# the same daylight saving dates): their times, and a window crossing
# their midnight cut in two.
check zone_set test "$(api S PUT /api/v1/me/timezone '{"timezone":"America/Los_Angeles"}')" = 204
get S /therapists/t-0000010 >/dev/null
T1=$(text)
case "$T1" in *"Monday 08:30–12:00 (telehealth only)"*) ok hours_in_viewer_zone ;;
	*) not_ok hours_in_viewer_zone "$(echo "$T1" | grep -o 'Open hours.\{0,300\}')" ;; esac
case "$T1" in *"Times in your time zone, America/Los Angeles."*) ok hours_zone_viewers ;; *) not_ok hours_zone_viewers ;; esac
case "$T1" in *"Thursday 23:00–24:00 Friday 00:00–01:00"*) ok hours_cut_at_viewer_midnight ;;
	*) not_ok hours_cut_at_viewer_midnight "$(echo "$T1" | grep -o 'Thursday.\{0,60\}')" ;; esac

# ----------------------------------------------------------------------
# 2. Where: the office's city (the nearest place within 50 km), never
#    coordinates
# ----------------------------------------------------------------------
case "$T0" in *"Office in Raleigh, NC"*) ok place_by_name ;; *) not_ok place_by_name "$(echo "$T0" | grep -o 'Office in.\{0,40\}')" ;; esac
has '35.80' && not_ok no_coordinates || ok no_coordinates

# ----------------------------------------------------------------------
# 3. The statement and the photo
# ----------------------------------------------------------------------
python3 "$ROOT/tests/fixtures/make_png.py" "$W/p.png" 600 300 'TRAILING-JUNK-after-IEND'
python3 "$ROOT/tests/fixtures/make_png.py" "$W/wide.png" 4001 2
printf 'I am a text file, not a picture.\n' >"$W/notes.png"
# Just past 2 MB: read whole by the server (its cap for this form leaves room for the
# other fields), refused by the form.
python3 -c 'import sys; p=open(sys.argv[2],"rb").read(); open(sys.argv[1],"wb").write(p + b"\0" * (2 * 1024 * 1024 + 1000 - len(p)))' "$W/big.png" "$W/p.png"
python3 -c 'import sys; open(sys.argv[1],"wb").write(open(sys.argv[2],"rb").read() + b"\0" * (3 * 1024 * 1024))' "$W/huge.png" "$W/p.png"

check profile_form_seeker_refused test "$(get S /listing/profile)" = 403
check profile_form test "$(get T /listing/profile)" = 200
tk=$(csrf T /listing/profile)
check profile_needs_csrf test "$(post T /listing/profile -F csrf=wrong -F statement=x)" = 403
STMT='I work with <b>clinicians</b> & their families.

Evenings only.
Sliding scale on request.'
check profile_saved test "$(post T /listing/profile -F "csrf=$tk" -F "statement=$STMT" -F "photo=@$W/p.png;type=image/png")" = 303
get anon /therapists/t-0000010 >/dev/null
has '<p>I work with &lt;b&gt;clinicians&lt;/b&gt; &amp; their families.</p>' &&
	has '<p>Evenings only.<br>' && ok statement_paragraphs_escaped || not_ok statement_paragraphs_escaped "$(grep -A3 'id="about"' "$W/last")"
SRC=$(grep -o 'src="/therapists/t-0000010/photo?v=[0-9]*"' "$W/last" | head -1 | sed 's/src="//;s/"$//')
[ -n "$SRC" ] && ok profile_shows_photo || not_ok profile_shows_photo
curl -s -D "$W/ph.h" -o "$W/ph.jpg" "$B$SRC"
grep -qi '^content-type: image/jpeg' "$W/ph.h" && grep -qi '^x-content-type-options: nosniff' "$W/ph.h" &&
	grep -qi '^cache-control: private, max-age=' "$W/ph.h" && ok photo_headers || not_ok photo_headers "$(cat "$W/ph.h")"
# Re-encoded: a JPEG of 400 by 400 pixels, not the bytes sent, nothing of
# the file's metadata or what trailed it.
python3 - "$W/ph.jpg" "$W/p.png" <<'PY' && ok photo_reencoded || not_ok photo_reencoded
import struct, sys
d, sent = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
assert d != sent and d[:3] == b"\xff\xd8\xff" and d.endswith(b"\xff\xd9"), "not a JPEG"
assert b"secret-location-xyz" not in d and b"TRAILING-JUNK" not in d, "metadata survived"
i = 2
while True:
    assert d[i] == 0xFF
    m, n = d[i + 1], struct.unpack(">H", d[i + 2:i + 4])[0]
    if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC):
        h, w = struct.unpack(">HH", d[i + 5:i + 9])
        assert (w, h) == (400, 400), (w, h)
        break
    i += 2 + n
PY
api anon GET /api/v1/therapists/t-0000010 >/dev/null
check api_profile_beside_record test "$(py '(d["id"], d["profile"]["photo_url"], d["profile"]["statement"].startswith("I work with <b>"))')" = "('t-0000010', '$SRC', True)"

# Bad uploads: the form again, its summary, the statement as typed.
bad_upload() { # NAME FILE WANT_STATUS SENTENCE
	local st; st=$(post T /listing/profile -F "csrf=$tk" -F 'statement=Kept as typed' -F "photo=@$2;type=image/png")
	if [ "$st" = "$3" ] && has 'There is a problem' && has '<a href="#photo">' && has "$4" &&
		has '>Kept as typed</textarea>' && has 'aria-invalid="true" aria-describedby="photo-error"'; then ok "$1"
	else not_ok "$1" "$st $(grep -o 'field-error.*' "$W/last" | head -1)"; fi
}
bad_upload upload_not_an_image "$W/notes.png" 400 'not a PNG or JPEG picture'
bad_upload upload_too_big_in_pixels "$W/wide.png" 400 'too big in pixels'
bad_upload upload_over_2mb "$W/big.png" 400 'larger than 2 MB'
get anon /therapists/t-0000010 >/dev/null
has "$SRC" && has 'I work with' && ok bad_uploads_change_nothing || not_ok bad_uploads_change_nothing
# Far past the limit, the server reads no more of it and sends the form back saying so.
st=$(post T /listing/profile -F "csrf=$tk" -F 'statement=lost' -F "photo=@$W/huge.png;type=image/png" -L)
[ "$st" = 200 ] && has 'There is a problem' && has 'larger than 2 MB' && ok upload_far_too_big_form ||
	not_ok upload_far_too_big_form "$st"
LONG=$(python3 -c 'print("é" * 1001)')
st=$(post T /listing/profile -F "csrf=$tk" -F "statement=$LONG")
[ "$st" = 400 ] && has '<a href="#statement">' && has 'longer than 1000 characters' && has "$LONG</textarea>" &&
	ok statement_too_long_kept || not_ok statement_too_long_kept "$st"
check statement_1000_chars_fits test "$(post T /listing/profile -F "csrf=$tk" -F "statement=$(python3 -c 'print("é" * 1000)')")" = 303
# A new photo: a new address (the version), the old one's bytes gone.
check photo_replaced test "$(post T /listing/profile -F "csrf=$tk" -F "statement=$STMT" -F "photo=@$W/p.png;type=image/png")" = 303
get anon /therapists/t-0000010 >/dev/null
SRC2=$(grep -o 'src="/therapists/t-0000010/photo?v=[0-9]*"' "$W/last" | head -1 | sed 's/src="//;s/"$//')
[ -n "$SRC2" ] && [ "$SRC2" != "$SRC" ] && ok photo_version_changes || not_ok photo_version_changes "$SRC -> $SRC2"
# Removing it: a confirmation inside a disclosure, then initials.
get T /listing/profile >/dev/null
has '<summary>Remove your photo</summary>' && has 'class="button danger">Remove the photo' && ok remove_confirmation || not_ok remove_confirmation
check photo_remove_needs_csrf test "$(post T /listing/photo/remove -d csrf=wrong)" = 403
check photo_removed test "$(post T /listing/photo/remove -d "csrf=$tk")" = 303
check photo_gone test "$(get anon /therapists/t-0000010/photo)" = 404
get anon /therapists/t-0000010 >/dev/null
has '<span class="avatar large" aria-hidden="true">PC</span>' && ! has '/photo?v=' && ok initials_without_photo || not_ok initials_without_photo
check photo_none_elsewhere test "$(get anon /therapists/t-0000011/photo)" = 404

# ----------------------------------------------------------------------
# 4. What was checked, and when
# ----------------------------------------------------------------------
get anon /therapists/t-0000010 >/dev/null
T2=$(text)
case "$T2" in *"Added by chiron's operator on $TODAY; licence not checked on chiron."*) ok trust_operator ;;
	*) not_ok trust_operator "$(echo "$T2" | grep -o 'Accepting.\{0,200\}')" ;; esac
# A claim with the listing's own NPI: that, and no more.
signin C claimant1 long-enough-password
NPI=$(curl -s "$B/api/v1/therapists/t-0000011" | python3 -c 'import json,sys; print(json.load(sys.stdin)["npi"])')
check claim_npi test "$(api C POST /api/v1/listing/claim "{\"therapist_id\":\"t-0000011\",\"npi\":\"$NPI\"}")" = 201
get anon /therapists/t-0000011 >/dev/null
T3=$(text)
case "$T3" in *"NPI checked on $TODAY; licence not yet checked."*) ok trust_npi_only ;; *) not_ok trust_npi_only ;; esac
case "$T3" in *[Ll]icen[cs]e\ verified*|*"Licence checked"*) not_ok trust_npi_never_licence ;; *) ok trust_npi_never_licence ;; esac
case "$T3" in *"Psychology Interjurisdictional Compact (PSYPACT)"*) ok compact_in_words ;; *) not_ok compact_in_words ;; esac
case "$T3" in *"Telehealth only (based in "*", CA)"*) ok place_telehealth_only ;; *) not_ok place_telehealth_only "$(echo "$T3" | grep -o 'Telehealth only.\{0,40\}')" ;; esac
# The admin's code, entered; the licence checked with the board.
check code_sent test "$(api A POST /api/v1/admin/listings/t-0000011/code '{"email":"office11@smith.example.org","source":"CA BBS licensee lookup"}')" = 204
CODE=$(mail_all | grep -o '[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}' | tail -1)
check code_entered test "$(api C POST /api/v1/listing/code "{\"code\":\"$CODE\"}")" = 200
check verified test "$(api A POST /api/v1/admin/listings/t-0000011/verify '{"board":"California Board of Behavioral Sciences","licence_number":"LPCC-1011","licence_checked":true}')" = 204
get anon /therapists/t-0000011 >/dev/null
T4=$(text)
case "$T4" in *"Licence checked with the California Board of Behavioral Sciences on $TODAY."*) ok trust_licence_board ;;
	*) not_ok trust_licence_board "$(echo "$T4" | grep -o 'Accepting.\{0,200\}')" ;; esac
has 'LPCC-1011' || has 'office11@' && not_ok trust_keeps_evidence_private || ok trust_keeps_evidence_private

# ----------------------------------------------------------------------
# 5. A hidden profile: 404 for everyone but admins, who see a banner
# ----------------------------------------------------------------------
check hide test "$(api A POST /api/v1/admin/listings/t-0000001/hide)" = 204
check hidden_404_anonymous test "$(get anon /therapists/t-0000001)" = 404
check hidden_404_seeker test "$(get S /therapists/t-0000001)" = 404
check hidden_404_api test "$(get S /api/v1/therapists/t-0000001)" = 404
check hidden_photo_404 test "$(get S /therapists/t-0000001/photo)" = 404
check hidden_admin_sees test "$(get A /therapists/t-0000001)" = 200
T5=$(text)
case "$T5" in *"This profile is hidden from search and from everyone but admins since $TODAY. Reason: an admin hid it"*) ok hidden_banner ;;
	*) not_ok hidden_banner "$(echo "$T5" | grep -o 'This profile.\{0,200\}')" ;; esac
get anon /therapists/t-0000010 >/dev/null
has 'This profile is hidden' && not_ok shown_no_banner || ok shown_no_banner

done_suite
