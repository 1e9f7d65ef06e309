/*
 * page_listing.c: a therapist's listing as pages (the claim form, the
 * standing, "my listing is current", the reminders' confirmation links)
 * and the admin's queue (verify, hide, remove, merge organizations).
 * What claiming, confirming, verifying and hiding do is in app/listing.c,
 * shared with the API (api_standing.c, api_admin.c).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/record.h"
#include "app/directory.h"
#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

static int admin_done(struct buf *b, struct req *r);

/* Instant t as "2026-12-01 18:00 UTC" into an arena string. */
static const char *
utc_text(struct req *r, int64_t t)
{
	char s[32];
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M UTC", &tm);
	return arena_strdup(r->a, s);
}

/* The listing's name from the index, else its id. */
static const char *
name_of(struct req *r, const char *tid)
{
	const struct index *ix = req_index(r);
	int64_t row = index_row(ix, tid);

	return row >= 0 ? ix->name[row] : tid;
}

/* The action's redirect when done, its refusal when refused. */
static int
done(struct req *r, struct resp *p, int rc, const struct refusal *why, const char *where)
{
	if (rc > 0)
		return refusal_response(r, p, why);
	return rc ? -1 : redirect(r, p, where);
}

int
listing_standing(struct buf *b, struct req *r, const char *therapist_id)
{
	struct standing s;
	int64_t days;
	char text[128];

	if (listing_standing_get(&r->cx, &r->who, therapist_id, &s))
		return -1;
	if (s.late) {
		snprintf(text, sizeof(text),
		         "%d consultation request%s unanswered for more than 5 business days.", s.late,
		         s.late == 1 ? "" : "s");
		if (html(b, "<p class=\"conflict\">") || html_txt(b, text) || html(b, "</p>\n"))
			return -1;
	}
	/* Only a verified holder's confirmation counts: a claim waiting for
	 * verification (or a listing its claimant just made) is not
	 * "confirmed current" by anyone chiron knows. */
	if (!s.claimed || !s.l.verified_at || !s.l.confirmed_at)
		return html_pick(b, s.paused,
		                 "<p class=\"conflict\">Claimed but never confirmed: paused, shown as not "
		                 "accepting new clients until the therapist confirms it.</p>\n",
		                 "<p class=\"hint\">Not yet confirmed by the therapist on chiron.</p>\n");
	days = (ctx_now(&r->cx) - s.l.confirmed_at) / 86400;
	if (days == 0)
		snprintf(text, sizeof(text), "Confirmed current today");
	else
		snprintf(text, sizeof(text), "Confirmed current %lld day%s ago", (long long)days,
		         days == 1 ? "" : "s");
	return html(b, "<p class=\"hint\">") || html_txt(b, text) ||
	       html_pick(b, s.l.verified_at, "; license verified by chiron.", ".") || html(b, "</p>\n") ||
	       (s.paused &&
	        html(b, "<p class=\"conflict\">Not confirmed for 45 days: paused, shown as not accepting "
	                "new clients until the therapist confirms it.</p>\n"));
}

/*
 * A claim waiting for verification: where it stands and, while a code
 * waits, the form to enter it. Nothing of the listing's private side.
 */
static int
claim_waiting(struct buf *b, struct req *r, struct resp *p, const struct store_listing *l)
{
	const char *state = claim_state(l, ctx_now(&r->cx));
	char masked[300];

	if (html(b, "<p>You claimed <a href=\"/therapists/") || form_encode(b, l->therapist_id) ||
	    html(b, "\">") || html_txt(b, name_of(r, l->therapist_id)) ||
	    html(b, "</a>. The claim waits for verification.</p>\n"
	            "<p class=\"hint\">An NPI is public, so it proves nothing on its own. Until an "
	            "administrator verifies the claim, this account sees none of the listing's "
	            "consultation requests or appointments and cannot change it; requests sent to it "
	            "meanwhile wait for its verified owner. To verify, an administrator finds your "
	            "practice's email address with your licensing board or on your practice's "
	            "website and has chiron send a one-time code there; you enter it below, and the "
	            "administrator checks your licence with the board.</p>\n"))
		return -1;
	if (strcmp(state, "waiting") == 0)
		return html(b, "<p>No code has been sent yet.</p>\n");
	if (strcmp(state, "code_entered") == 0)
		return html(b, "<div class=\"card\" role=\"status\"><p>Code accepted on ") ||
		       html_txt(b, utc_text(r, l->code_ok_at)) ||
		       html(b, ". An administrator now checks your licence with the board.</p></div>\n");
	mask_address(l->contact, masked, sizeof(masked));
	if (strcmp(state, "code_void") == 0)
		return html(b, "<p class=\"conflict\">The code sent to ") || html_txt(b, masked) ||
		       html(b, " no longer works (it expired, or was entered wrong 5 times). An "
		               "administrator can send a new one.</p>\n");
	return html(b, "<p>A code was sent to ") || html_txt(b, masked) || html(b, " on ") ||
	       html_txt(b, utc_text(r, l->code_sent_at)) ||
	       html(b, ". It works for 7 days; 5 wrong tries end it.</p>\n"
	               "<form method=\"post\" action=\"/listing/code\">") ||
	       form_csrf(b, r, p) ||
	       html(b, "<label for=\"code\">Code from the message</label>"
	               "<p class=\"hint\" id=\"code-hint\">16 letters and digits, like "
	               "ABCD-EFGH-JKMN-PQRS</p><input id=\"code\" name=\"code\" type=\"text\" "
	               "autocomplete=\"one-time-code\" aria-describedby=\"code-hint\" required>"
	               "<p><button type=\"submit\">Send the code</button></p></form>\n");
}

/* The listings whose name holds find (at most 20), as the claim form's
 * choices: a radio each, the first with the field's name as its id. */
static int
claim_choices(struct buf *b, struct req *r, const char *find, int *shown)
{
	const struct index *ix = req_index(r);
	const char *chosen = req_arg(r, "therapist_id");
	uint32_t row;

	*shown = 0;
	if (html(b, "<fieldset class=\"form-group\"><legend>Which listing is yours?</legend>\n") ||
	    field_error(b, r, "therapist_id"))
		return -1;
	for (row = 0; row < ix->n && *shown < 20; row++) {
		if (!strcasestr(ix->name[row], find))
			continue;
		++*shown;
		if (html(b, "<div><label class=\"inline\"><input type=\"radio\" name=\"therapist_id\" id=\"") ||
		    (*shown == 1 ? html(b, "therapist_id") :
		                   html(b, "therapist_id-") || html_int(b, *shown)) ||
		    html(b, "\" value=\"") || html_attr(b, ix->id[row]) || html(b, "\"") ||
		    (chosen && strcmp(chosen, ix->id[row]) == 0 && html(b, " checked")) ||
		    (*shown == 1 && field_invalid(b, r, "therapist_id")) || html(b, "> ") ||
		    html_txt(b, ix->name[row]) ||
		    (ix->credentials[row] && ix->credentials[row][0] &&
		     (html(b, ", ") || html_txt(b, ix->credentials[row]))) ||
		    html(b, "</label></div>\n"))
			return -1;
	}
	return html(b, "</fieldset>\n");
}

/*
 * The claim form of an account that claims nothing yet: find the listing
 * by name (a GET form, so it works without JavaScript), choose it among
 * those found, give its NPI. Never an id on screen.
 */
static int
claim_form(struct buf *b, struct req *r, struct resp *p)
{
	const char *find = req_arg(r, "find"), *npi = req_arg(r, "npi");
	int shown = 0;

	if (html(b, "<h2>Claim your listing</h2>\n<p class=\"lede\">Find your listing in the directory "
	            "by your name and give the NPI on it. An administrator then verifies the claim with "
	            "a code sent to your practice's address and a check of your licence; until then "
	            "the claim opens nothing.</p>\n<form method=\"get\" action=\"/listing\">"
	            "<div class=\"form-group\"><label for=\"find\">Your name as the directory lists it"
	            "</label><input id=\"find\" name=\"find\" type=\"search\" value=\"") ||
	    html_attr(b, find ? find : "") ||
	    html(b, "\"></div><div class=\"actions\"><button class=\"button secondary\" type=\"submit\">"
	            "Find</button></div></form>\n"))
		return -1;
	if (find && strlen(find) >= 2) {
		if (html(b, "<form method=\"post\" action=\"/listing/claim\" novalidate>") || form_csrf(b, r, p) ||
		    html(b, "<input type=\"hidden\" name=\"find\" value=\"") || html_attr(b, find) ||
		    html(b, "\">\n") || claim_choices(b, r, find, &shown))
			return -1;
		if (!shown)
			return html(b, "<p>No listing has a name like this. Check the spelling and find "
			               "again.</p></form>\n") ||
			       html(b, "<p>Not in the directory yet? <a href=\"/listing/new\">Create your "
			               "listing</a>; it is shown in searches once verified.</p>\n");
		if (html(b, "<div class=\"form-group\"><label for=\"npi\">NPI</label><p class=\"hint\" "
		            "id=\"npi-hint\">The 10 digits of your National Provider Identifier, as on "
		            "the listing.</p>") || field_error(b, r, "npi") ||
		    html(b, "<input id=\"npi\" name=\"npi\" type=\"text\" inputmode=\"numeric\" "
		            "autocomplete=\"off\" aria-describedby=\"npi-hint\"") || field_invalid(b, r, "npi") ||
		    html(b, " value=\"") || html_attr(b, npi ? npi : "") || html(b, "\"></div>\n"))
			return -1;
		/* Standing by an NPI whose check digit fails: offered once it did. */
		if ((req_error(r, "npi") && npi && strlen(npi) == 10 && strspn(npi, "0123456789") == 10) ||
		    req_arg(r, "npi_as_typed"))
			if (html(b, "<div class=\"form-group\"><label class=\"inline\"><input type=\"checkbox\" "
			            "id=\"npi_as_typed\" name=\"npi_as_typed\" value=\"1\"") ||
			    (req_arg(r, "npi_as_typed") && html(b, " checked")) ||
			    html(b, "> This NPI is right as typed</label><p class=\"hint\">The claim then "
			            "goes to an administrator marked as failing the NPI check.</p></div>\n"))
				return -1;
		if (html(b, "<div class=\"actions\"><button type=\"submit\">Claim</button></div></form>\n"))
			return -1;
	}
	return html(b, "<p>Not in the directory yet? <a href=\"/listing/new\">Create your "
	               "listing</a>; it is shown in searches once verified.</p>\n");
}

int
page_listing(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct store_listing l;
	int found = 0;

	if (page_begin(r, p, "Your listing") || error_summary(b, r) || html(b, "<h1>Your listing</h1>\n"))
		return -1;
	if (listing_claim_of(&r->cx, &r->who, &l, &found))
		return -1;
	if (!found)
		return claim_form(b, r, p) || page_end(p);
	if (!l.verified_at)
		return claim_waiting(b, r, p, &l) || page_end(p);
	if (req_arg(r, "saved") &&
	    html(b, "<div class=\"card\" role=\"status\"><p>Saved. Searches now show your "
	            "listing as it is.</p></div>\n"))
		return -1;
	return html(b, "<p>Your listing: <a href=\"/therapists/") || form_encode(b, l.therapist_id) ||
	       html(b, "\">") || html_txt(b, name_of(r, l.therapist_id)) ||
	       html(b, "</a> (verified).</p>\n") ||
	       listing_standing(b, r, l.therapist_id) ||
	       html(b, "<form method=\"post\" action=\"/listing/confirm\">") || form_csrf(b, r, p) ||
	       html(b, "<p><button type=\"submit\">My listing is current</button></p></form>\n"
	               "<p><a href=\"/listing/edit\">Edit your listing, open hours and policies</a></p>\n"
	               "<p><a href=\"/listing/profile\">Your statement and photo</a></p>\n"
	               "<p><a href=\"/requests\">Consultation requests</a></p>\n") ||
	       page_end(p);
}

int
page_listing_claim(struct req *r, struct resp *p)
{
	const char *tid = req_arg(r, "therapist_id"), *npi = req_arg(r, "npi");
	bool as_typed = req_arg(r, "npi_as_typed") != NULL;
	struct refusal why;
	size_t n = npi ? strlen(npi) : 0;
	int rc, status = 400;

	/* Every fault at once, in the claimant's words. */
	if (!tid || !*tid)
		req_fail(r, "therapist_id", "choose your listing from those found");
	if (!n)
		req_fail(r, "npi", "enter your NPI: its 10 digits");
	else if (n != 10 || strspn(npi, "0123456789") != 10)
		req_fail(r, "npi", "enter the NPI as its 10 digits, like 1234567893 (what you entered "
		                   "has %zu character%s)", n, n == 1 ? "" : "s");
	else if (!npi_ok(npi) && !as_typed)
		req_fail(r, "npi", "this NPI's check digit does not match: compare it with your NPPES "
		                   "record; if it is right as typed, tick \"This NPI is right as typed\"");
	if (!req_failed(r)) {
		rc = claim_listing_as(&r->cx, &r->who, tid, npi, as_typed, &why);
		if (rc <= 0 || !why.field[0])
			return done(r, p, rc, &why, "/listing");
		req_fail(r, why.field, "%s", why.message);
		status = why.status;
	}
	if (page_listing(r, p))
		return -1;
	p->status = status;
	return 0;
}

int
page_listing_code(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = enter_claim_code(&r->cx, &r->who, req_arg(r, "code"), &why);

	return done(r, p, rc, &why, "/listing");
}

int
page_listing_confirm(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = confirm_listing(&r->cx, &r->who, &why);

	return done(r, p, rc, &why, "/listing");
}

/* Confirming from a reminder: the link opens a page with one button rather
 * than confirming on GET (app/listing.c says why). */

int
page_confirm_link(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	unsigned char raw[32];
	struct refusal why;
	char tid[72];
	int rc;

	if (token_decode(r->param, raw)) {
		error_response(r, p, 404, "", "this confirmation link is not valid");
		return 0;
	}
	if (strcmp(r->method, "POST") != 0)
		return page_begin(r, p, "Confirm your listing") ||
		       html(b, "<h1>Confirm your listing</h1>\n<p>Is everything on your listing still "
		               "right: fees, open hours, whether you take new clients?</p>\n"
		               "<form method=\"post\" action=\"/listing/confirm/") ||
		       form_encode(b, r->param) || html(b, "\">") || form_csrf(b, r, p) ||
		       html(b, "<p><button type=\"submit\">Yes, my listing is current</button></p>"
		               "</form>\n<p>Something changed? <a href=\"/listing/edit\">Sign in and "
		               "edit it</a>; saving confirms it too.</p>\n") ||
		       page_end(p);
	if ((rc = confirm_by_token(&r->cx, &r->who, r->param, tid, &why)) != 0)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	return page_begin(r, p, "Listing confirmed") ||
	       html(b, "<h1>Thank you</h1>\n<p>Your listing is confirmed as current for another "
	               "45 days.</p>\n") ||
	       page_end(p);
}

/* ----------------------------------------------------------------------
 * The admin's desk: the claims waiting first (cards, one a claim), then
 * the verified, the hidden listings by name, and the rarer tools (remove,
 * merge) folded away. A form of a claim that went wrong shows the page
 * again with the summary at the top and the errors in that claim's card;
 * its inputs then carry their fields' names as ids, the others a number.
 * ---------------------------------------------------------------------- */

/* The listing a hide or remove form names: its id, or the address of its
 * page pasted from the browser (…/therapists/ID?…). In r's arena. */
static const char *
listing_given(struct req *r, const char *text)
{
	const char *at;
	char *id;
	size_t n;

	if (!text)
		return NULL;
	while (*text == ' ')
		text++;
	if ((at = strstr(text, "/therapists/")))
		text = at + strlen("/therapists/");
	n = strcspn(text, "/?# ");
	if (!(id = arena_alloc(r->a, n + 1)))
		return NULL;
	memcpy(id, text, n);
	id[n] = '\0';
	return id;
}

/* An input's id: the field's own name on the card whose form failed, else
 * the name and the card's number. */
static int
input_id(struct buf *b, bool failed, const char *name, int n)
{
	return html_attr(b, name) || (!failed && (html(b, "-") || html_int(b, n)));
}

/* The value kept for field name on the card whose form failed. */
static const char *
kept(const struct req *r, bool failed, const char *name)
{
	const char *v = failed ? req_arg(r, name) : NULL;

	return v ? v : "";
}

/* A labelled text input of a claim card: <div class="form-group">, the
 * label, the hint (NULL: none), its error, the input. */
static int
card_input(struct buf *b, struct req *r, bool failed, int n, const char *name, const char *type,
           const char *label, const char *hint)
{
	return html(b, "<div class=\"form-group\"><label for=\"") || input_id(b, failed, name, n) ||
	       html(b, "\">") || html_txt(b, label) || html(b, "</label>") ||
	       (hint && (html(b, "<p class=\"hint\">") || html_txt(b, hint) || html(b, "</p>"))) ||
	       (failed && field_error(b, r, name)) ||
	       html(b, "<input id=\"") || input_id(b, failed, name, n) || html(b, "\" name=\"") ||
	       html_attr(b, name) || html(b, "\" type=\"") || html_attr(b, type) || html(b, "\"") ||
	       (failed && field_invalid(b, r, name)) || html(b, " value=\"") ||
	       html_attr(b, kept(r, failed, name)) || html(b, "\"></div>\n");
}

/* One claim of the queue: its evidence, then the step it waits for. */
static int
claim_card(struct buf *b, struct req *r, struct resp *p, const struct claim *c, int n)
{
	const char *state = claim_state(&c->l, ctx_now(&r->cx));
	bool failed = req_failed(r) && r->param && strcmp(r->param, c->l.therapist_id) == 0;
	bool npi_failed = c->l.npi_given[0] && !c->npi_valid;
	char tries[96];

	snprintf(tries, sizeof(tries), "%d wrong %s so far", c->l.code_tries,
	         c->l.code_tries == 1 ? "try" : "tries");
	if (html(b, "<li><article class=\"card\"><h3><a href=\"/therapists/") ||
	    form_encode(b, c->l.therapist_id) || html(b, "\">") || html_txt(b, c->name) ||
	    html(b, "</a></h3>\n<p>") ||
	    (npi_failed ? html(b, "<span class=\"badge warn\">NPI check failed</span> ") :
	     html_pick(b, c->l.npi_given[0], "<span class=\"badge ok\">NPI check digit valid</span> ",
	               "<span class=\"badge\">No NPI given</span> ")) ||
	    html_pick(b, c->npi_same, "", "<span class=\"badge warn\">NPI differs from the listing's</span> ") ||
	    (c->l.created && html(b, "<span class=\"badge\">New listing</span>")) ||
	    html(b, "</p>\n<dl class=\"facts\"><dt>Claimed by</dt><dd>") || html_txt(b, c->claimant) ||
	    html(b, "</dd><dt>Claimed on</dt><dd>") || html_txt(b, utc_text(r, c->l.claimed_at)) ||
	    html(b, "</dd><dt>NPI given</dt><dd>") ||
	    html_txt(b, c->l.npi_given[0] ? c->l.npi_given : "none") ||
	    html(b, "</dd><dt>NPI on the listing</dt><dd>") ||
	    html_txt(b, c->npi_listed[0] ? c->npi_listed : "none") || html(b, "</dd>"))
		return -1;
	if (c->l.code_sent_at &&
	    (html(b, "<dt>Code sent to</dt><dd>") || html_txt(b, c->l.contact) ||
	     html(b, " (found: ") || html_txt(b, c->l.contact_source) || html(b, ") by ") ||
	     html_txt(b, c->sent_by) || html(b, " on ") || html_txt(b, utc_text(r, c->l.code_sent_at)) ||
	     html(b, "</dd><dt>Code</dt><dd>") ||
	     (c->l.code_ok_at ? html(b, "entered on ") || html_txt(b, utc_text(r, c->l.code_ok_at)) :
	                        html_txt(b, tries)) ||
	     html_pick(b, strcmp(state, "code_void") == 0, "; it no longer works.</dd>", "</dd>")))
		return -1;
	if (html(b, "</dl>\n") ||
	    (c->l.created && html(b, "<p class=\"hint\">A new listing its claimant made: not shown in "
	                             "searches until verified.</p>\n")) ||
	    (npi_failed && html(b, "<p class=\"hint\">The NPI given fails its check digit, so it is not "
	                           "a real NPI as typed. Verify only if you checked who this is another "
	                           "way, and say how.</p>\n")))
		return -1;
	if (strcmp(state, "code_entered") == 0) {
		if (html(b, "<form method=\"post\" action=\"/admin/verify/") ||
		    form_encode(b, c->l.therapist_id) || html(b, "\" novalidate>") || form_csrf(b, r, p) ||
		    card_input(b, r, failed, n, "board", "text", "Licensing board checked", NULL) ||
		    card_input(b, r, failed, n, "licence_number", "text", "Licence number the board shows",
		               NULL) ||
		    html(b, "<div class=\"form-group\">") ||
		    (failed && field_error(b, r, "licence_checked")) ||
		    html(b, "<label class=\"inline\"><input type=\"checkbox\" id=\"") ||
		    input_id(b, failed, "licence_checked", n) ||
		    html(b, "\" name=\"licence_checked\" value=\"1\"") ||
		    (failed && req_arg(r, "licence_checked") && html(b, " checked")) ||
		    (failed && field_invalid(b, r, "licence_checked")) ||
		    html(b, "> The board's record shows this licence current, for this person</label></div>\n"))
			return -1;
		if (npi_failed &&
		    (html(b, "<div class=\"form-group\"><label for=\"") ||
		     input_id(b, failed, "override_reason", n) ||
		     html(b, "\">Why verify though the NPI check failed</label><p class=\"hint\">Required. "
		             "Recorded with the verification: what you checked instead.</p>") ||
		     (failed && field_error(b, r, "override_reason")) ||
		     html(b, "<textarea id=\"") || input_id(b, failed, "override_reason", n) ||
		     html(b, "\" name=\"override_reason\" rows=\"2\" cols=\"40\"") ||
		     (failed && field_invalid(b, r, "override_reason")) || html(b, ">") ||
		     html_txt(b, kept(r, failed, "override_reason")) || html(b, "</textarea></div>\n")))
			return -1;
		if (html(b, "<div class=\"actions\"><button type=\"submit\">Verify</button></div></form>\n"))
			return -1;
	} else if (html(b, "<form method=\"post\" action=\"/admin/code/") ||
	           form_encode(b, c->l.therapist_id) || html(b, "\" novalidate>") || form_csrf(b, r, p) ||
	           card_input(b, r, failed, n, "email", "email",
	                      "The practice's email address, as you found it", NULL) ||
	           card_input(b, r, failed, n, "source", "text", "Where you found it",
	                      "The licensing board's record, the practice's website: not the claimant.") ||
	           html(b, "<div class=\"actions\"><button type=\"submit\">") ||
	           html_pick(b, c->l.code_sent_at, "Send a new code", "Send a code") ||
	           html(b, "</button></div></form>\n"))
		return -1;
	return html(b, "<form method=\"post\" action=\"/admin/reject/") ||
	       form_encode(b, c->l.therapist_id) || html(b, "\">") || form_csrf(b, r, p) ||
	       html(b, "<div class=\"actions\"><button class=\"button secondary\" type=\"submit\">") ||
	       html_pick(b, c->l.created,
	                 "Reject the claim and remove the listing",
	                 "Reject the claim") ||
	       html(b, "</button></div></form></article></li>\n");
}

/* What a verification checked, in plain words. */
static int
checked_words(struct buf *b, const struct claim *v)
{
	const struct store_listing *l = &v->l;

	if (!l->licence_board[0])   /* before chiron recorded each part */
		return html_txt(b, l->verified_how[0] ? l->verified_how : "not recorded");
	return (l->npi_checked ? html(b, "NPI checked. ") :
	        l->override_reason[0] ? html(b, "NPI check failed; verified anyway: ") ||
	                                html_txt(b, l->override_reason) || html(b, ". ") :
	        html(b, "No NPI checked. ")) ||
	       html(b, "Licence checked with ") || html_txt(b, l->licence_board) || html(b, " (") ||
	       html_txt(b, l->licence_number) || html(b, ").");
}

/* Who verified which listing, how and when: the latest first, as cards. */
static int
verified_list(struct buf *b, struct req *r)
{
	struct claim *v;
	int i, n;

	if (listing_verified(&r->cx, &r->who, &v, &n) || html(b, "<h2>Verified</h2>\n"))
		return -1;
	if (!n)
		return html(b, "<p>None yet.</p>\n");
	if (html(b, "<ul class=\"queue\">\n"))
		return -1;
	for (i = 0; i < n; i++)
		if (html(b, "<li><article class=\"card\"><h3><a href=\"/therapists/") ||
		    form_encode(b, v[i].l.therapist_id) || html(b, "\">") || html_txt(b, v[i].name) ||
		    html(b, "</a></h3><dl class=\"facts\"><dt>Held by</dt><dd>") ||
		    html_txt(b, v[i].claimant) || html(b, "</dd><dt>Verified by</dt><dd>") ||
		    html_txt(b, strcmp(v[i].verified_by, "cli") == 0 ? "the command line (cli)" :
		                                                       v[i].verified_by) ||
		    html(b, " on ") || html_txt(b, utc_text(r, v[i].l.verified_at)) ||
		    html(b, "</dd><dt>What was checked</dt><dd>") || checked_words(b, &v[i]) ||
		    html(b, "</dd></dl></article></li>\n"))
			return -1;
	return html(b, "</ul>\n");
}

struct hidden_ctx {
	struct buf *b;
	struct req *r;
	struct resp *p;
	int n, err;
};

static int
hidden_one(void *arg, const struct store_listing *l)
{
	struct hidden_ctx *x = arg;

	if (l->created)
		return 0;               /* made by its claimant: under the claims waiting */
	if ((!x->n++ && html(x->b, "<ul class=\"queue\">\n")) ||
	    html(x->b, "<li><article class=\"card\"><h3><a href=\"/therapists/") ||
	    form_encode(x->b, l->therapist_id) || html(x->b, "\">") ||
	    html_txt(x->b, listing_display_name(&x->r->cx, l->therapist_id)) ||
	    html(x->b, "</a></h3><form method=\"post\" action=\"/admin/unhide/") ||
	    form_encode(x->b, l->therapist_id) || html(x->b, "\">") || form_csrf(x->b, x->r, x->p) ||
	    html(x->b, "<div class=\"actions\"><button class=\"button secondary\" type=\"submit\">Show "
	               "again</button></div></form></article></li>\n"))
		x->err = 1;
	return x->err;
}

static int
hidden_list(struct buf *b, struct req *r, struct resp *p)
{
	struct hidden_ctx x = {b, r, p, 0, 0};
	struct refusal why;

	if (html(b, "<h2>Hidden listings</h2>\n"))
		return -1;
	if (listings_hidden_list(&r->cx, &r->who, hidden_one, &x, &why) || x.err)
		return -1;
	return x.n ? html(b, "</ul>\n") : html(b, "<p>None.</p>\n");
}

/* The hide form (its id and field "therapist_id"; kept when it failed). */
static int
hide_form(struct buf *b, struct req *r, struct resp *p)
{
	bool failed = req_failed(r) && strcmp(r->path, "/admin/hide") == 0;

	return html(b, "<form method=\"post\" action=\"/admin/hide\" novalidate>") || form_csrf(b, r, p) ||
	       html(b, "<div class=\"form-group\"><label for=\"therapist_id\">Listing to hide</label>"
	               "<p class=\"hint\" id=\"therapist_id-hint\">Paste the address of its page on "
	               "chiron. A hidden listing leaves searches (it counts as not accepting) and its "
	               "page, until shown again.</p>") ||
	       (failed && field_error(b, r, "therapist_id")) ||
	       html(b, "<input id=\"therapist_id\" name=\"therapist_id\" type=\"text\" "
	               "aria-describedby=\"therapist_id-hint\"") ||
	       (failed && field_invalid(b, r, "therapist_id")) || html(b, " value=\"") ||
	       html_attr(b, kept(r, failed, "therapist_id")) ||
	       html(b, "\"></div><div class=\"actions\"><button class=\"button secondary\" "
	               "type=\"submit\">Hide</button></div></form>\n");
}

/* The claim waiting for listing tid, from the queue q of n, or NULL. */
static const struct claim *
queue_find(const struct claim *q, int n, const char *tid)
{
	int i;

	for (i = 0; tid && i < n; i++)
		if (strcmp(q[i].l.therapist_id, tid) == 0)
			return &q[i];
	return NULL;
}

int
page_admin(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct claim *q;
	int i, n;

	if (listing_queue(&r->cx, &r->who, &q, &n))
		return -1;
	if (page_begin(r, p, "Admin: listings and claims") || error_summary(b, r) ||
	    html(b, "<h1>Listings and claims</h1>\n") || admin_done(b, r) ||
	    html(b, "<h2>Claims waiting for verification</h2>\n<p class=\"lede\">A claim opens nothing "
	            "until verified. Look the practice up with its licensing board or on its own "
	            "website, never at an address the claimant gives, and send the code there; once "
	            "the claimant has entered it, check the licence with the board and verify.</p>\n"))
		return -1;
	if (!n && html(b, "<p>None.</p>\n"))
		return -1;
	if (n && html(b, "<ul class=\"queue\">\n"))
		return -1;
	for (i = 0; i < n; i++)
		if (claim_card(b, r, p, &q[i], i + 1))
			return -1;
	if ((n && html(b, "</ul>\n")) || hidden_list(b, r, p) || hide_form(b, r, p) ||
	    verified_list(b, r))
		return -1;
	return html(b, "<h2>Other tools</h2>\n<details class=\"disclosure\"><summary>Remove a listing"
	               "</summary>\n<p class=\"hint\">For a listing that should not be in the directory "
	               "at all. Its claim and policies go with it; requests already sent stay with the "
	               "clinicians who sent them. This cannot be undone.</p>\n"
	               "<form method=\"post\" action=\"/admin/remove\">") || form_csrf(b, r, p) ||
	       html(b, "<div class=\"form-group\"><label for=\"rid\">Listing to remove</label>"
	               "<p class=\"hint\" id=\"rid-hint\">Paste the address of its page on chiron.</p>"
	               "<input id=\"rid\" name=\"therapist_id\" type=\"text\" aria-describedby=\"rid-hint\" "
	               "required></div><div class=\"form-group\"><label class=\"inline\"><input "
	               "type=\"checkbox\" name=\"sure\" value=\"1\" required> I am sure</label></div>"
	               "<div class=\"actions\"><button class=\"button danger\" type=\"submit\">Remove"
	               "</button></div></form>\n</details>\n"
	               "<details class=\"disclosure\"><summary>Merge duplicate organizations</summary>\n"
	               "<p class=\"hint\">Every therapist and saved profile naming the duplicate will "
	               "name the organization kept, and the duplicate leaves the registry.</p>\n"
	               "<form method=\"post\" action=\"/admin/orgs/merge\">") || form_csrf(b, r, p) ||
	       html(b, "<div class=\"form-group\"><label for=\"mfrom\">Duplicate (id)</label><input "
	               "id=\"mfrom\" name=\"from\" type=\"text\" data-orgs required></div>"
	               "<div class=\"form-group\"><label for=\"minto\">Keep (id)</label>"
	               "<input id=\"minto\" name=\"into\" type=\"text\" data-orgs required></div>"
	               "<div class=\"actions\"><button type=\"submit\">Merge</button></div></form>\n"
	               "</details>\n<script src=\"/static/orgs.js\" defer></script>\n") ||
	       page_end(p);
}

/* The desk again with the errors req_fail recorded, answered status. */
static int
admin_again_as(struct req *r, struct resp *p, int status)
{
	if (page_admin(r, p))
		return -1;
	p->status = status;
	return 0;
}

static int
admin_again(struct req *r, struct resp *p)
{
	return admin_again_as(r, p, 400);
}

/* A refusal naming a field goes on the form; any other is its page. */
static int
admin_refused(struct req *r, struct resp *p, int rc, const struct refusal *why, const char *where)
{
	if (rc < 0)
		return -1;
	if (rc == 0)
		return redirect(r, p, where);
	if (!why->field[0])
		return refusal_response(r, p, why);
	req_fail(r, why->field, "%s", why->message);
	return admin_again_as(r, p, why->status);
}

int
page_admin_hide(struct req *r, struct resp *p)
{
	struct refusal why;
	const char *tid = listing_given(r, req_arg(r, "therapist_id"));
	int rc;

	if (!tid || !*tid)
		req_fail(r, "therapist_id", "paste the address of the listing's page to hide it");
	if (req_failed(r))
		return admin_again(r, p);
	rc = hide_listing(&r->cx, &r->who, tid, true, &why);
	if (rc > 0 && !why.field[0] && why.status == 404)
		why.field = "therapist_id";
	return admin_refused(r, p, rc, &why, "/admin");
}

int
page_admin_unhide(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = hide_listing(&r->cx, &r->who, r->param, false, &why);

	return done(r, p, rc, &why, "/admin");
}

/* What the last removal or merge did, from the address it redirected to. */
static int
admin_done(struct buf *b, struct req *r)
{
	const char *v;

	if ((v = req_text(r, "removed")))
		return html(b, "<div class=\"notice\" role=\"status\"><p>Removed ") ||
		       html_txt(b, listing_display_name(&r->cx, v)) || html(b, ".</p></div>\n");
	if ((v = req_text(r, "merged")))
		return html(b, "<div class=\"notice\" role=\"status\"><p>Merged into ") ||
		       html_txt(b, v) || html(b, "; ") ||
		       html_int(b, (long)req_int(r, "changed", 0)) ||
		       html(b, " listings and profiles now name it.</p></div>\n");
	return 0;
}

int
page_admin_remove(struct req *r, struct resp *p)
{
	const char *tid = listing_given(r, req_arg(r, "therapist_id"));
	struct buf where = BUF_INIT;
	struct refusal why;
	int rc;

	if (!req_arg(r, "sure")) {
		error_response(r, p, 400, "sure", "tick \"I am sure\": a removal cannot be undone");
		return 0;
	}
	if ((rc = remove_listing(&r->cx, &r->who, tid, &why)) != 0)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	rc = buf_adds(&where, "/admin?removed=") || form_encode(&where, tid) || buf_addc(&where, '\0') ||
	     redirect(r, p, arena_strdup(r->a, where.p));
	buf_free(&where);
	return rc ? -1 : 0;
}

int
page_admin_merge(struct req *r, struct resp *p)
{
	struct buf where = BUF_INIT;
	struct refusal why;
	long changed = 0;
	int rc;

	if ((rc = merge_orgs(&r->cx, &r->who, req_arg(r, "from"), req_arg(r, "into"), &changed, &why)) != 0)
		return rc > 0 ? refusal_response(r, p, &why) : -1;
	rc = buf_adds(&where, "/admin?merged=") || form_encode(&where, req_arg(r, "into")) ||
	     buf_printf(&where, "&changed=%ld", changed) || buf_addc(&where, '\0') ||
	     redirect(r, p, arena_strdup(r->a, where.p));
	buf_free(&where);
	return rc ? -1 : 0;
}

int
page_admin_code(struct req *r, struct resp *p)
{
	struct refusal why;
	const char *email = req_arg(r, "email"), *source = req_arg(r, "source");
	int rc;

	if (!email || !*email)
		req_fail(r, "email", "enter the practice's email address as you found it, like "
		                     "office@example.org");
	if (!source || !*source)
		req_fail(r, "source", "say where you found the address (the licensing board's record, "
		                      "the practice's website)");
	if (req_failed(r))
		return admin_again(r, p);
	rc = send_claim_code(&r->cx, &r->who, r->param, email, source, &why);
	return admin_refused(r, p, rc, &why, "/admin");
}

int
page_admin_verify(struct req *r, struct resp *p)
{
	struct verify_in in = {req_arg(r, "board"), req_arg(r, "licence_number"),
	                       req_arg(r, "licence_checked") != NULL, req_arg(r, "override_reason")};
	const struct claim *c;
	struct claim *q;
	struct refusal why;
	int n, rc;

	if (listing_queue(&r->cx, &r->who, &q, &n))
		return -1;
	/* Every missing answer at once; the service checks the rest. */
	if (!in.board || !*in.board)
		req_fail(r, "board", "name the licensing board you checked the licence with");
	if (!in.licence || !*in.licence)
		req_fail(r, "licence_number", "enter the licence number the board shows");
	if (!in.checked)
		req_fail(r, "licence_checked", "tick that the board's record shows this licence current, "
		                               "for this person");
	if ((c = queue_find(q, n, r->param)) && c->l.npi_given[0] && !c->npi_valid &&
	    (!in.override_reason || !*in.override_reason))
		req_fail(r, "override_reason", "the NPI check failed: give your reason for verifying "
		                               "anyway (what you checked instead)");
	if (req_failed(r))
		return admin_again(r, p);
	rc = verify_listing_as(&r->cx, &r->who, r->param, &in, &why);
	return admin_refused(r, p, rc, &why, "/admin");
}

int
page_admin_reject(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = reject_claim(&r->cx, &r->who, r->param, &why);

	return done(r, p, rc, &why, "/admin");
}
