/*
 * page_profile_edit.c: the therapist's statement and photo, the part of
 * their profile that is not the directory's record.
 *
 *   GET  /listing/profile          the form (and ?saved=1, ?too_big=1)
 *   POST /listing/profile          multipart/form-data: statement, photo
 *   POST /listing/photo/remove     drops the photo (initials show instead)
 *
 * What is checked and how the photo is re-encoded is in app/listing.c
 * (listing_profile_save) and app/photo.c; a form at fault is shown again
 * with the error summary and the statement as typed (the file input
 * cannot be refilled: browsers do not allow it).
 */
#include <string.h>

#include "app/photo.h"
#include "web/html.h"
#include "web/pages.h"

static int
avatar(struct buf *b, const char *tid, const struct store_profile *pr)
{
	if (!pr->photo_version)
		return html(b, "<p>No photo yet: your profile shows your initials.</p>\n");
	return html(b, "<p><img class=\"avatar large\" src=\"/therapists/") || form_encode(b, tid) ||
	       html(b, "/photo?v=") || html_int(b, (long)pr->photo_version) ||
	       html(b, "\" width=\"160\" height=\"160\" alt=\"Your current photo\"></p>\n");
}

/* The form, with statement as its text (the person's, or the stored one). */
static int
profile_form(struct req *r, struct resp *p, const struct store_profile *pr, const char *statement)
{
	struct buf *b = &p->body;
	const char *tid = r->who.therapist_id;

	if (page_begin(r, p, "Your statement and photo") || error_summary(b, r) ||
	    html(b, "<h1>Your statement and photo</h1>\n"))
		return -1;
	if (req_arg(r, "saved") && !req_failed(r) &&
	    html(b, "<div class=\"notice\" role=\"status\"><p>Saved. Your profile shows it now.</p></div>\n"))
		return -1;
	if (html(b, "<p class=\"lede\">What a colleague looking for a therapist reads first on your "
	            "profile, beside the facts of your listing.</p>\n") ||
	    avatar(b, tid, pr) ||
	    html(b, "<form method=\"post\" action=\"/listing/profile\" enctype=\"multipart/form-data\" "
	            "novalidate>\n") || form_csrf(b, r, p) ||
	    html(b, "\n<div class=\"form-group\">\n<label for=\"statement\">About you, in your own "
	            "words</label>\n<p class=\"hint\" id=\"statement-hint\">Up to 1000 characters of plain "
	            "text. A blank line starts a new paragraph.</p>\n") ||
	    field_error(b, r, "statement") ||
	    html(b, "<textarea id=\"statement\" name=\"statement\" rows=\"8\"") ||
	    field_invalid(b, r, "statement") ||
	    (!req_error(r, "statement") && html(b, " aria-describedby=\"statement-hint\"")) ||
	    html(b, ">") || html_txt(b, statement) || html(b, "</textarea>\n</div>\n") ||
	    html(b, "<div class=\"form-group\">\n<label for=\"photo\">") ||
	    html_pick(b, pr->photo_version, "A new photo (optional)", "A photo (optional)") ||
	    html(b, "</label>\n<p class=\"hint\" id=\"photo-hint\">A PNG or JPEG picture of at most 2 MB "
	            "and 4000 by 4000 pixels. chiron crops it to a square around its centre and keeps "
	            "only its own copy: nothing else the file carries (such as where or with what it "
	            "was taken) is kept.</p>\n") ||
	    field_error(b, r, "photo") ||
	    html(b, "<input type=\"file\" id=\"photo\" name=\"photo\" accept=\"image/png,image/jpeg\"") ||
	    field_invalid(b, r, "photo") ||
	    (!req_error(r, "photo") && html(b, " aria-describedby=\"photo-hint\"")) ||
	    html(b, ">\n</div>\n<div class=\"actions\"><button type=\"submit\">Save</button> "
	            "<a class=\"button secondary\" href=\"/therapists/") || form_encode(b, tid) ||
	    html(b, "\">See your profile</a></div>\n</form>\n"))
		return -1;
	if (pr->photo_version &&
	    (html(b, "<details class=\"disclosure\">\n<summary>Remove your photo</summary>\n"
	             "<p>Your profile then shows your initials instead. Your statement stays.</p>\n"
	             "<form method=\"post\" action=\"/listing/photo/remove\">") || form_csrf(b, r, p) ||
	     html(b, "<button type=\"submit\" class=\"button danger\">Remove the photo</button></form>\n"
	             "</details>\n")))
		return -1;
	return html(b, "<p><a href=\"/listing\">Back to your listing</a></p>\n") || page_end(p);
}

int
page_profile_edit(struct req *r, struct resp *p)
{
	struct store_profile *pr = arena_alloc(r->a, sizeof(*pr));
	struct refusal why, why_text, why_photo;
	const struct upload *up;
	const char *statement;
	int rc;

	if (!pr)
		return -1;
	rc = listing_profile_mine(&r->cx, &r->who, pr, &why);
	if (rc)
		return rc < 0 ? -1 : refusal_response(r, p, &why);
	if (strcmp(r->method, "POST") != 0) {
		/* The server's answer to a body past its cap (server.c): nothing of
		 * the form could be read, so the stored statement shows. */
		if (req_arg(r, "too_big"))
			req_fail(r, "photo", "the photo is larger than 2 MB, so nothing could be saved: "
			                     "choose a smaller photo");
		return profile_form(r, p, pr, pr->statement);
	}
	statement = req_text(r, "statement");
	if (!statement)
		statement = "";
	up = req_file(r, "photo");
	if (!req_failed(r)) {
		rc = listing_profile_save(&r->cx, &r->who, statement, up && up->len ? up->data : NULL,
		                          up ? up->len : 0, &why_text, &why_photo);
		if (rc < 0)
			return -1;
		if (rc > 0 && why_text.status == 404)
			return refusal_response(r, p, &why_text);
		if (rc > 0 && why_text.status)
			req_fail(r, why_text.field, "%s", why_text.message);
		if (rc > 0 && why_photo.status)
			req_fail(r, why_photo.field, "%s", why_photo.message);
		if (rc == 0)
			return redirect(r, p, "/listing/profile?saved=1");
	}
	p->status = 400;
	return profile_form(r, p, pr, statement);
}

int
page_photo_remove(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = listing_photo_remove(&r->cx, &r->who, &why);

	if (rc > 0)
		return refusal_response(r, p, &why);
	return rc ? -1 : redirect(r, p, "/listing/profile?saved=1");
}
