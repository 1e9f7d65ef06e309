#!/usr/bin/env bash
# desk.sh: the claim form on /listing and the admin's desk on /admin
# (issue 10, items 3, 4 and 12). A claimant finds their listing by name
# (no id on screen) and a bad NPI shows the form again with what was
# wrong and what they typed; an NPI whose check digit fails goes to the
# admin only when the claimant stands by it, marked "NPI check failed",
# and the admin verifies it only with a reason, recorded with the
# verification (the page, the API's 409, the queue). Hidden listings are
# listed by name. Every admin form shows its errors on the desk itself.
#
#   tests/desk.sh BUILD/chiron      (prints "ok NAME" / "not ok NAME")
. "$(dirname "$0")/lib/suite.sh" "$1"

"$BIN" import --db "$DB" "$CONF/directory.jsonl" 2>/dev/null || { not_ok setup "import failed"; exit 1; }
mkuser deskadmin admin-password-1 admin
mkuser claimer claim-password-1 therapist
mkuser claimer2 claim-password-2 therapist
serve --api-rate 0
client_start
no_ids() { test -z "$(c grep '>[^<]*\bt-[0-9]{7}')"; }

# --- The claim form -----------------------------------------------------------
sign_in claimer claim-password-1 >/dev/null
c req claimer GET "/listing?find=Ashley%20Smith" >/dev/null
check claim_find_by_name test "$(c has '> Ashley Smith')" = 1
check claim_find_radio test "$(c grep 'type="radio" name="therapist_id" id="therapist_id" value="(t-0000011)"')" = t-0000011
check claim_find_no_ids no_ids
same claim_npi_short "$(c form claimer /listing/claim find=Ashley\ Smith therapist_id=t-0000011 npi=123)" 400
check claim_npi_short_summary test "$(c has 'There is a problem')" = 1
check claim_npi_short_named test "$(c has 'has 3 characters')" = 1
check claim_npi_short_kept test "$(c grep 'id="npi"[^>]*value="([0-9]*)"')" = 123
check claim_npi_short_choice_kept test "$(c grep 'value="t-0000011"( checked)')" = " checked"
check claim_npi_short_no_ids no_ids
same claim_nothing_chosen "$(c form claimer /listing/claim find=Ashley\ Smith npi=)" 400
check claim_both_errors test "$(c has 'href="#therapist_id"')$(c has 'href="#npi"')" = 11
same claim_npi_check_digit "$(c form claimer /listing/claim find=Ashley\ Smith therapist_id=t-0000011 npi=1759426890)" 400
check claim_check_digit_said test "$(c has 'check digit does not match')" = 1
check claim_check_digit_offers_as_typed test "$(c has 'id="npi_as_typed"')" = 1
check claim_check_digit_kept test "$(c grep 'id="npi"[^>]*value="([0-9]*)"')" = 1759426890
same claim_as_typed "$(c form claimer /listing/claim find=Ashley\ Smith therapist_id=t-0000011 npi=1759426890 npi_as_typed=1)" 303
c req claimer GET /listing >/dev/null
check claim_waits test "$(c has 'waits for verification')" = 1

# A second claim through the API, standing by a failing NPI.
api_sign_in claimer2 claim-password-2 >/dev/null
same api_claim_check_digit "$(c api claimer2 POST /api/v1/listing/claim '{"therapist_id":"t-0000012","npi":"1397155900"}')" 400
check api_claim_check_digit_field test "$(c json error.field)" = npi
same api_claim_as_typed "$(c api claimer2 POST /api/v1/listing/claim '{"therapist_id":"t-0000012","npi":"1397155900","npi_as_typed":true}')" 201

# --- The desk -----------------------------------------------------------------
sign_in deskadmin admin-password-1 >/dev/null
c req deskadmin GET /admin >/dev/null
check desk_queue_first test "$(c grep '<h1>[^<]*</h1>\s*<h2>([^<]*)')" = "Claims waiting for verification"
check desk_npi_check_failed test "$(c has 'NPI check failed')" = 1
check desk_cards_not_table test "$(c has '<table')" = 0
check desk_no_ids no_ids

same code_empty "$(c form deskadmin /admin/code/t-0000011 email= source=)" 400
check code_empty_summary test "$(c has 'href="#email"')$(c has 'href="#source"')" = 11
same code_own_address "$(c form deskadmin /admin/code/t-0000011 email=claimer@example.org source=Board)" 400
check code_own_address_named test "$(c has 'own address: send the code')" = 1
check code_own_address_kept test "$(c grep 'id="email"[^>]*value="([^"]*)"')" = claimer@example.org
same code_sent "$(c form deskadmin /admin/code/t-0000011 email=office11@example.org "source=State board lookup")" 303
same code_sent2 "$(c form deskadmin /admin/code/t-0000012 email=office12@example.org "source=State board lookup")" 303
code_of() { mail_c_to "$1" | grep -o '[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}' | tail -1; }
CODE=$(code_of office11@example.org)
c req claimer GET /listing >/dev/null
same code_entered "$(c form claimer /listing/code "code=$CODE")" 303
CODE2=$(code_of office12@example.org)
c api claimer2 POST /api/v1/listing/code "{\"code\":\"$CODE2\"}" >/dev/null

c req deskadmin GET /admin >/dev/null
same verify_nothing "$(c form deskadmin /admin/verify/t-0000011)" 400
check verify_all_errors_at_once test "$(c has 'href="#board"')$(c has 'href="#licence_number"')$(c has 'href="#licence_checked"')$(c has 'href="#override_reason"')" = 1111
same verify_no_reason "$(c form deskadmin /admin/verify/t-0000011 "board=NY Office of the Professions" licence_number=PSY-11 licence_checked=1)" 400
check verify_no_reason_blocked test "$(c has 'the NPI check failed: give your reason')$(c has 'NPI check failed: give your reason')" = 01
check verify_no_reason_only_error test "$(c has 'href="#board"')$(c has 'href="#override_reason"')" = 01
check verify_no_reason_kept test "$(c grep 'id="board"[^>]*value="([^"]*)"')" = "NY Office of the Professions"
check verify_no_reason_tick_kept test "$(c grep 'id="licence_checked"[^>]*value="1"( checked)')" = " checked"
REASON="NPPES shows 1759426897 for Ashley Smith: the claimant mistyped the last digit"
same verify_with_reason "$(c form deskadmin /admin/verify/t-0000011 "board=NY Office of the Professions" licence_number=PSY-11 licence_checked=1 "override_reason=$REASON")" 303
c req deskadmin GET /admin >/dev/null
check verified_shows_reason test "$(c has "NPI check failed; verified anyway: $REASON")" = 1
check verified_shows_licence test "$(c has 'Licence checked with NY Office of the Professions (PSY-11)')" = 1
VER="chiron: your listing claim is verified"
check mail_claim_verified test -n "$(mail_c_to claimer@example.org | grep -F "$B/listing")"
check mail_claim_verified_subject test -n "$(mail_c_to claimer@example.org | grep -F "subject: $VER")"

api_sign_in deskadmin admin-password-1 >/dev/null
same api_verify_no_reason "$(c api deskadmin POST /api/v1/admin/listings/t-0000012/verify '{"board":"CA Board","licence_number":"L-12","licence_checked":true}')" 409
check api_verify_no_reason_field test "$(c json error.field)" = override_reason
same api_verify_reason "$(c api deskadmin POST /api/v1/admin/listings/t-0000012/verify '{"board":"CA Board","licence_number":"L-12","licence_checked":true,"override_reason":"checked NPPES by name"}')" 204
c api deskadmin GET /api/v1/admin/queue >/dev/null
check api_queue_reason test "$(c jsonpy '[v["override_reason"] for v in d["verified"] if v["therapist_id"] == "t-0000012"][0]')" = "checked NPPES by name"
check api_queue_npi_checked test "$(c jsonpy '[v["npi_checked"] for v in d["verified"] if v["therapist_id"] == "t-0000012"][0]')" = false
check api_queue_board test "$(c jsonpy '[v["licence_board"] for v in d["verified"] if v["therapist_id"] == "t-0000012"][0]')" = "CA Board"
check api_queue_how_honest test -n "$(c jsonpy '[v["verified_how"] for v in d["verified"] if v["therapist_id"] == "t-0000012"][0]' | grep -F 'NPI check failed, verified anyway: checked NPPES by name; licence checked with CA Board (L-12)')"
check api_queue_fits_openapi test -z "$(c answer "$ROOT/web/openapi.json" 200)"

# --- Hiding, by name ----------------------------------------------------------
c req deskadmin GET /admin >/dev/null
same hide_empty "$(c form deskadmin /admin/hide therapist_id=)" 400
check hide_empty_summary test "$(c has 'href="#therapist_id"')" = 1
same hide_unknown "$(c form deskadmin /admin/hide therapist_id=t-9999999)" 404
check hide_unknown_kept test "$(c grep 'id="therapist_id"[^>]*value="([^"]*)"')" = t-9999999
same hide_by_address "$(c form deskadmin /admin/hide "therapist_id=$B/therapists/t-0000005")" 303
c req deskadmin GET /admin >/dev/null
check hidden_by_name test "$(c has '<a href="/therapists/t-0000005">Brian Rivera</a>')" = 1
check hidden_no_ids no_ids
same unhide "$(c form deskadmin /admin/unhide/t-0000005)" 303
c req deskadmin GET /admin >/dev/null
check unhidden_gone test "$(c has 'Brian Rivera')" = 0

done_suite
