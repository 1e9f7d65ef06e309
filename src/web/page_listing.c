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
static int claim_card(struct buf *b, struct req *r, struct resp *p, const struct claim *c);
static int verified_list(struct buf *b, struct req *r);

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

int
page_listing(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct store_listing l;
	int found = 0;

	if (page_begin(r, p, "Your listing") || html(b, "<h1>Your listing</h1>\n"))
		return -1;
	if (listing_claim_of(&r->cx, &r->who, &l, &found))
		return -1;
	if (!found) {
		return html(b, "<p>Claim your listing in the directory: give its id (the end of its "
		               "address, like t-0001234) and the NPI on it. An administrator then "
		               "verifies the claim with a code sent to your practice's address and a "
		               "check of your licence; until then the claim opens nothing.</p>\n"
		               "<form method=\"post\" action=\"/listing/claim\">") ||
		       form_csrf(b, r, p) ||
		       html(b, "<label for=\"tid\">Listing id</label><input id=\"tid\" name=\"therapist_id\" "
		               "type=\"text\" required><label for=\"npi\">NPI</label><input id=\"npi\" "
		               "name=\"npi\" type=\"text\" inputmode=\"numeric\" required>"
		               "<p><button type=\"submit\">Claim</button></p></form>\n"
		               "<p>Not in the directory yet? <a href=\"/listing/new\">Create your "
		               "listing</a>; it is shown in searches once verified.</p>\n") ||
		       page_end(p);
	}
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
	               "<p><a href=\"/requests\">Consultation requests</a></p>\n") ||
	       page_end(p);
}

int
page_listing_claim(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = claim_listing(&r->cx, &r->who, req_arg(r, "therapist_id"), req_arg(r, "npi"), &why);

	return done(r, p, rc, &why, "/listing");
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
 * The admin queue
 * ---------------------------------------------------------------------- */

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
		return 0;               /* made by its claimant: under "Waiting for verification" */
	if ((!x->n++ && html(x->b, "<h2>Hidden</h2>\n<ul>\n")) ||
	    html(x->b, "<li>") || html_txt(x->b, l->therapist_id) ||
	    html(x->b, " <form class=\"inline\" method=\"post\" action=\"/admin/unhide/") ||
	    form_encode(x->b, l->therapist_id) || html(x->b, "\">") || form_csrf(x->b, x->r, x->p) ||
	    html(x->b, "<button type=\"submit\">Show again</button></form></li>\n"))
		x->err = 1;
	return x->err;
}

static int
hidden_list(struct buf *b, struct req *r, struct resp *p)
{
	struct hidden_ctx x = {b, r, p, 0, 0};
	struct refusal why;

	if (listings_hidden_list(&r->cx, &r->who, hidden_one, &x, &why) || x.err)
		return -1;
	return x.n ? html(b, "</ul>\n") : 0;
}

int
page_admin_hide(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = hide_listing(&r->cx, &r->who, req_arg(r, "therapist_id"), true, &why);

	return done(r, p, rc, &why, "/admin");
}

int
page_admin_unhide(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = hide_listing(&r->cx, &r->who, r->param, false, &why);

	return done(r, p, rc, &why, "/admin");
}

int
page_admin(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct claim *q;
	int i, n;

	if (listing_queue(&r->cx, &r->who, &q, &n))
		return -1;
	if (page_begin(r, p, "Verification queue") ||
	    html(b, "<h1>Listings</h1>\n<h2>Hide a listing</h2>\n<p class=\"hint\">A hidden listing "
	            "leaves searches (it counts as not accepting) and its page, until shown again.</p>\n"
	            "<form method=\"post\" action=\"/admin/hide\">") || form_csrf(b, r, p) ||
	    html(b, "<label for=\"hid\">Listing id</label><input id=\"hid\" name=\"therapist_id\" "
	            "type=\"text\" required> <button type=\"submit\">Hide</button></form>\n") ||
	    hidden_list(b, r, p) ||
	    admin_done(b, r) ||
	    html(b, "<h2>Remove a listing</h2>\n<p class=\"hint\">For a listing that should not be in "
	            "the directory at all. Its claim and policies go with it; requests already sent "
	            "stay with the clinicians who sent them. This cannot be undone.</p>\n"
	            "<form method=\"post\" action=\"/admin/remove\">") || form_csrf(b, r, p) ||
	    html(b, "<label for=\"rid\">Listing id</label><input id=\"rid\" name=\"therapist_id\" "
	            "type=\"text\" required><p class=\"check\"><label class=\"inline\"><input "
	            "type=\"checkbox\" name=\"sure\" value=\"1\" required> I am sure</label></p>"
	            "<button type=\"submit\">Remove</button></form>\n"
	            "<h2>Merge duplicate organizations</h2>\n<p class=\"hint\">Every therapist and "
	            "saved profile naming the duplicate will name the organization kept, and the "
	            "duplicate leaves the registry.</p>\n"
	            "<form method=\"post\" action=\"/admin/orgs/merge\">") || form_csrf(b, r, p) ||
	    html(b, "<label for=\"mfrom\">Duplicate (id)</label><input id=\"mfrom\" name=\"from\" "
	            "type=\"text\" data-orgs required><label for=\"minto\">Keep (id)</label>"
	            "<input id=\"minto\" name=\"into\" type=\"text\" data-orgs required> "
	            "<button type=\"submit\">Merge</button></form>\n"
	            "<script src=\"/static/orgs.js\" defer></script>\n") ||
	    html(b, "<h2>Waiting for verification</h2>\n<p class=\"hint\">A claim opens nothing "
	            "until verified. Look the practice up with its licensing board or on its own "
	            "website, never at an address the claimant gives, and send the code there; once "
	            "the claimant has entered it, check the licence with the board and verify.</p>\n"))
		return -1;
	if (!n && html(b, "<p>None.</p>\n"))
		return -1;
	for (i = 0; i < n; i++)
		if (claim_card(b, r, p, &q[i]))
			return -1;
	if (verified_list(b, r))
		return -1;
	return page_end(p);
}

/* One claim of the queue: its evidence, then the step it waits for. */
static int
claim_card(struct buf *b, struct req *r, struct resp *p, const struct claim *c)
{
	const char *state = claim_state(&c->l, ctx_now(&r->cx));
	char tries[96];

	snprintf(tries, sizeof(tries), "; %d wrong %s so far", c->l.code_tries,
	         c->l.code_tries == 1 ? "try" : "tries");
	if (html(b, "<article class=\"card\"><h3><a href=\"/therapists/") ||
	    form_encode(b, c->l.therapist_id) || html(b, "\">") || html_txt(b, c->name) ||
	    html(b, "</a></h3><p>Claimed by ") || html_txt(b, c->claimant) || html(b, " on ") ||
	    html_txt(b, utc_text(r, c->l.claimed_at)) ||
	    html_pick(b, c->l.created,
	              "; a new listing they made (not shown in searches until "
	              "verified).</p>",
	              ".</p>") ||
	    html(b, "<p>NPI given: ") || html_txt(b, c->l.npi_given[0] ? c->l.npi_given : "none") ||
	    html_pick(b, c->npi_valid, " (check digit valid)", " (check digit NOT valid)") ||
	    html(b, "; on the listing: ") || html_txt(b, c->npi_listed[0] ? c->npi_listed : "none") ||
	    html_pick(b, c->npi_same,
	              " — they match (an NPI is public: this proves nothing alone).</p>",
	              " — they do NOT match.</p>"))
		return -1;
	if (c->l.code_sent_at &&
	    (html(b, "<p>Code sent to ") || html_txt(b, c->l.contact) || html(b, " (found: ") ||
	     html_txt(b, c->l.contact_source) || html(b, ") by ") || html_txt(b, c->sent_by) ||
	     html(b, " on ") || html_txt(b, utc_text(r, c->l.code_sent_at)) ||
	     (c->l.code_ok_at ? html(b, "; entered on ") || html_txt(b, utc_text(r, c->l.code_ok_at)) :
	                        html_txt(b, tries)) ||
	     html_pick(b, strcmp(state, "code_void") == 0, "; it no longer works.</p>", ".</p>")))
		return -1;
	if (strcmp(state, "code_entered") == 0) {
		if (html(b, "<form method=\"post\" action=\"/admin/verify/") ||
		    form_encode(b, c->l.therapist_id) || html(b, "\">") || form_csrf(b, r, p) ||
		    html(b, "<label for=\"board-") || html_attr(b, c->l.therapist_id) ||
		    html(b, "\">Licensing board checked</label><input id=\"board-") ||
		    html_attr(b, c->l.therapist_id) ||
		    html(b, "\" name=\"board\" type=\"text\" required><label for=\"lic-") ||
		    html_attr(b, c->l.therapist_id) ||
		    html(b, "\">Licence number the board shows</label><input id=\"lic-") ||
		    html_attr(b, c->l.therapist_id) ||
		    html(b, "\" name=\"licence_number\" type=\"text\" required><p class=\"check\">"
		            "<label class=\"inline\"><input type=\"checkbox\" name=\"licence_checked\" "
		            "value=\"1\" required> The board's record shows this licence current, for "
		            "this person</label></p><button type=\"submit\">Verify</button></form>\n"))
			return -1;
	} else if (html(b, "<form method=\"post\" action=\"/admin/code/") ||
	           form_encode(b, c->l.therapist_id) || html(b, "\">") || form_csrf(b, r, p) ||
	           html(b, "<label for=\"email-") || html_attr(b, c->l.therapist_id) ||
	           html(b, "\">The practice's email address, as you found it</label><input id=\"email-") ||
	           html_attr(b, c->l.therapist_id) ||
	           html(b, "\" name=\"email\" type=\"email\" required><label for=\"src-") ||
	           html_attr(b, c->l.therapist_id) ||
	           html(b, "\">Where you found it</label><p class=\"hint\">The licensing board's "
	                   "record, the practice's website: not the claimant.</p><input id=\"src-") ||
	           html_attr(b, c->l.therapist_id) ||
	           html(b, "\" name=\"source\" type=\"text\" required> <button type=\"submit\">") ||
	           html_pick(b, c->l.code_sent_at, "Send a new code", "Send a code") ||
	           html(b, "</button></form>\n"))
		return -1;
	return html(b, "<form method=\"post\" action=\"/admin/reject/") ||
	       form_encode(b, c->l.therapist_id) || html(b, "\">") || form_csrf(b, r, p) ||
	       html(b, "<button class=\"secondary\" type=\"submit\">") ||
	       html_pick(b, c->l.created,
	                 "Reject the claim and remove the listing",
	                 "Reject the claim") ||
	       html(b, "</button></form></article>\n");
}

/* Who verified which listing, how and when: the latest first. */
static int
verified_list(struct buf *b, struct req *r)
{
	struct claim *v;
	int i, n;

	if (listing_verified(&r->cx, &r->who, &v, &n) || html(b, "<h2>Verified</h2>\n"))
		return -1;
	if (!n)
		return html(b, "<p>None yet.</p>\n");
	if (html(b, "<table><thead><tr><th scope=\"col\">Listing</th><th scope=\"col\">Held by</th>"
	            "<th scope=\"col\">Verified by</th><th scope=\"col\">How</th>"
	            "<th scope=\"col\">When</th></tr></thead><tbody>\n"))
		return -1;
	for (i = 0; i < n; i++)
		if (html(b, "<tr><td><a href=\"/therapists/") || form_encode(b, v[i].l.therapist_id) ||
		    html(b, "\">") || html_txt(b, v[i].name) || html(b, "</a></td><td>") ||
		    html_txt(b, v[i].claimant) || html(b, "</td><td>") ||
		    html_txt(b, strcmp(v[i].verified_by, "cli") == 0 ? "the command line (cli)" :
		                                                       v[i].verified_by) ||
		    html(b, "</td><td>") ||
		    html_txt(b, v[i].l.verified_how[0] ? v[i].l.verified_how : "not recorded") ||
		    html(b, "</td><td>") || html_txt(b, utc_text(r, v[i].l.verified_at)) ||
		    html(b, "</td></tr>\n"))
			return -1;
	return html(b, "</tbody></table>\n");
}

/* What the last removal or merge did, from the address it redirected to. */
static int
admin_done(struct buf *b, struct req *r)
{
	const char *v;

	if ((v = req_text(r, "removed")))
		return html(b, "<div class=\"card\" role=\"status\"><p>Removed ") || html_txt(b, v) ||
		       html(b, ".</p></div>\n");
	if ((v = req_text(r, "merged")))
		return html(b, "<div class=\"card\" role=\"status\"><p>Merged into ") ||
		       html_txt(b, v) || html(b, "; ") ||
		       html_int(b, (long)req_int(r, "changed", 0)) ||
		       html(b, " listings and profiles now name it.</p></div>\n");
	return 0;
}

int
page_admin_remove(struct req *r, struct resp *p)
{
	const char *tid = req_arg(r, "therapist_id");
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
	int rc = send_claim_code(&r->cx, &r->who, r->param, req_arg(r, "email"), req_arg(r, "source"), &why);

	return done(r, p, rc, &why, "/admin");
}

int
page_admin_verify(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = verify_listing(&r->cx, &r->who, r->param, req_arg(r, "board"), req_arg(r, "licence_number"),
	                        req_arg(r, "licence_checked") != NULL, &why);

	return done(r, p, rc, &why, "/admin");
}

int
page_admin_reject(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = reject_claim(&r->cx, &r->who, r->param, &why);

	return done(r, p, rc, &why, "/admin");
}
