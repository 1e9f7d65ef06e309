/*
 * page_orgs.c: the form for adding an organization to the registry when
 * the one a clinician belongs to is missing. Signed-in clinicians only;
 * what adding does is in app/orgs.c, shared with POST /api/v1/orgs.
 */
#include <string.h>

#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

/* A <select> of one taxonomy's codes, shown by their names, the typed
 * value kept; in a .form-group with its label and error. */
static int
org_select(struct buf *b, const struct req *r, const char *name, const char *label,
           enum tax_list kind, const char *prompt)
{
	const struct taxonomy *tax = r->app->sv.tax;
	const char *v = req_arg(r, name);
	int i;

	if (html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, name) || html(b, "\">") ||
	    html_txt(b, label) || html(b, "</label>\n") || field_error(b, r, name) ||
	    html(b, "<select id=\"") || html_attr(b, name) || html(b, "\" name=\"") ||
	    html_attr(b, name) || html(b, "\"") || field_invalid(b, r, name) ||
	    html(b, " required><option value=\"\">") || html_txt(b, prompt) || html(b, "</option>"))
		return -1;
	for (i = 0; i < tax_count(tax, kind); i++) {
		const char *code = tax_code(tax, kind, i);

		if (html(b, "<option value=\"") || html_attr(b, code) || html(b, "\"") ||
		    (v && strcmp(v, code) == 0 && html(b, " selected")) || html(b, ">") ||
		    html_txt(b, tax_label(tax, kind, i)) || html(b, "</option>"))
			return -1;
	}
	return html(b, "</select></div>\n");
}

static int
org_form(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;

	return page_begin(r, p, "Add an organization") || error_summary(b, r) ||
	       html(b, "<h1>Add an organization</h1>\n<p class=\"lede\">Missing the hospital, agency, "
	               "practice or training program you belong to? Add it, so searches can screen out "
	               "therapists tied to it. Look for it first in the search form's organization "
	               "fields: it may be listed under another name.</p>\n"
	               "<form method=\"post\" action=\"/orgs/new\" novalidate>") ||
	       form_csrf(b, r, p) ||
	       form_input(b, r, "name", "Name", "As the organization writes it, 3 to 200 characters.",
	                  "text", req_arg(r, "name"), MARKUP("required maxlength=\"200\"")) ||
	       org_select(b, r, "kind", "Kind", TAX_ORG_KIND, "Choose a kind") ||
	       org_select(b, r, "jurisdiction", "State or province", TAX_JURISDICTION,
	                  "Choose a state or province") ||
	       html(b, "<div class=\"actions\"><button type=\"submit\">Add the organization</button>"
	               "<a class=\"button secondary\" href=\"/search\">Back to the search</a></div></form>\n") ||
	       page_end(p);
}

int
page_org_new(struct req *r, struct resp *p)
{
	struct org_in in = {req_arg(r, "name"), req_arg(r, "kind"), req_arg(r, "jurisdiction")};
	struct buf *b = &p->body;
	struct refusal why;
	char id[24];
	int rc;

	if (strcmp(r->method, "POST") != 0)
		return org_form(r, p);
	if (req_failed(r)) {
		p->status = 400;
		return org_form(r, p);
	}
	rc = add_org(&r->cx, &r->who, &in, id, &why);
	if (rc > 0) {
		p->status = why.status;
		req_fail(r, why.field, "%s", why.message);
		return org_form(r, p);
	}
	/* Its id stays off the screen: people find it by its name. */
	return rc || page_begin(r, p, "Organization added") ||
	       html(b, "<h1>Organization added</h1>\n<p class=\"notice\" role=\"status\"><strong>") ||
	       html_txt(b, in.name) ||
	       html(b, "</strong> is in the registry. Type a few letters of its name in the search "
	               "form's organization fields to pick it.</p>\n"
	               "<p><a class=\"button\" href=\"/search\">Back to the search</a></p>\n") ||
	       page_end(p);
}
