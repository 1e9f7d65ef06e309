/*
 * page_orgs.c: the form for adding an organization to the registry when
 * the one a clinician belongs to is missing. Signed-in clinicians only;
 * what adding does is in app/orgs.c, shared with POST /api/v1/orgs.
 */
#include <stdio.h>
#include <string.h>

#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

static int
org_form(struct req *r, struct resp *p, const char *msg)
{
	const struct taxonomy *tax = r->app->sv.tax;
	struct buf *b = &p->body;
	int i;

	if (page_begin(r, p, "Add an organization") || html(b, "<h1>Add an organization</h1>\n"))
		return -1;
	if (msg && (html(b, "<div class=\"card conflict\" role=\"alert\"><p>") || html_txt(b, msg) ||
	            html(b, "</p></div>\n")))
		return -1;
	if (html(b, "<p>Search for it first in the form's organization fields: it may be listed "
	            "under another name.</p>\n<form method=\"post\" action=\"/orgs/new\">") ||
	    form_csrf(b, r, p) ||
	    html(b, "<label for=\"name\">Name</label><input id=\"name\" name=\"name\" type=\"text\" "
	            "required maxlength=\"200\"><label for=\"kind\">Kind</label><select id=\"kind\" name=\"kind\">"))
		return -1;
	for (i = 0; i < tax_count(tax, TAX_ORG_KIND); i++)
		if (html(b, "<option value=\"") || html_attr(b, tax_code(tax, TAX_ORG_KIND, i)) ||
		    html(b, "\">") || html_txt(b, tax_label(tax, TAX_ORG_KIND, i)) || html(b, "</option>"))
			return -1;
	if (html(b, "</select><label for=\"jur\">State or province</label><select id=\"jur\" name=\"jurisdiction\">"))
		return -1;
	for (i = 0; i < tax_count(tax, TAX_JURISDICTION); i++)
		if (html(b, "<option value=\"") || html_attr(b, tax_code(tax, TAX_JURISDICTION, i)) ||
		    html(b, "\">") || html_txt(b, tax_label(tax, TAX_JURISDICTION, i)) || html(b, "</option>"))
			return -1;
	return html(b, "</select><p><button type=\"submit\">Add</button></p></form>\n") || page_end(p);
}

int
page_org_new(struct req *r, struct resp *p)
{
	struct org_in in = {req_arg(r, "name"), req_arg(r, "kind"), req_arg(r, "jurisdiction")};
	struct refusal why;
	char id[24], *msg;
	int rc;

	if (strcmp(r->method, "POST") != 0)
		return org_form(r, p, NULL);
	rc = add_org(&r->cx, &r->who, &in, id, &why);
	if (rc > 0) {
		p->status = why.status;
		return org_form(r, p, why.message);
	}
	msg = rc ? NULL : arena_alloc(r->a, 160);
	if (!msg)
		return -1;
	snprintf(msg, 160, "Added. Its id is %s: type a few letters of its name in the form's "
	         "organization fields to pick it.", id);
	return page_begin(r, p, "Organization added") || html(&p->body, "<h1>Organization added</h1>\n<p>") ||
	       html_txt(&p->body, msg) || html(&p->body, "</p>\n<p><a href=\"/search\">Back to the search</a></p>\n") ||
	       page_end(p);
}
