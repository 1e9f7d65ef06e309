/*
 * page_orgs.c: adding an organization to the registry when the one a
 * clinician belongs to is missing, so they can name it to screen out dual
 * relationships. Signed-in clinicians only; the new organization gets an
 * id of its own and can be found by the type-ahead at once.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

static int
org_form(struct req *r, struct resp *p, const char *msg)
{
	const struct taxonomy *tax = r->app->tax;
	struct buf *b = &p->body;
	int i;

	if (page_begin(r, p, "Add an organization") || html(b, "<h1>Add an organization</h1>\n"))
		return -1;
	if (msg && (html(b, "<div class=\"card conflict\" role=\"alert\"><p>") || html_txt(b, msg) ||
	            html(b, "</p></div>\n")))
		return -1;
	if (html(b, "<p>Search for it first in the form's organization fields: it may be listed "
	            "under another name.</p>\n<form method=\"post\" action=\"/orgs/new\">"
	            "<input type=\"hidden\" name=\"csrf\" value=\"") ||
	    html_attr(b, auth_csrf_token(r, p)) ||
	    html(b, "\"><label for=\"name\">Name</label><input id=\"name\" name=\"name\" type=\"text\" "
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
	const char *name = req_arg(r, "name"), *kind = req_arg(r, "kind"),
	           *jur = req_arg(r, "jurisdiction");
	struct store_org o;
	unsigned char raw[5];
	char id[24], *msg;
	size_t n;
	int rc, tries;

	if (strcmp(r->method, "POST") != 0)
		return org_form(r, p, NULL);
	p->status = 400;
	if (!name || (n = strlen(name)) < 3 || n > 200)
		return org_form(r, p, "Give the organization's name (3 to 200 characters).");
	if (!kind || tax_find(r->app->tax, TAX_ORG_KIND, kind) < 0)
		return org_form(r, p, "Choose what kind of organization it is.");
	if (!jur || tax_find(r->app->tax, TAX_JURISDICTION, jur) < 0)
		return org_form(r, p, "Choose its state or province.");
	if (auth_throttled(r, "org-add", 200, 3600)) {
		p->status = 429;
		return org_form(r, p, "Too many organizations were added in the last hour.");
	}
	for (tries = 0; tries < 3; tries++) {
		randombytes_buf(raw, sizeof(raw));
		snprintf(id, sizeof(id), "org-u%02x%02x%02x%02x%02x", raw[0], raw[1], raw[2], raw[3], raw[4]);
		o.id = id;
		o.name = name;
		o.kind = kind;
		o.jurisdiction = jur;
		rc = STORE_CALL(r->app->store, org_add, &o);
		if (rc != STORE_EXISTS)
			break;
	}
	if (rc)
		return -1;
	p->status = 200;
	msg = arena_alloc(r->a, 160);
	if (!msg)
		return -1;
	snprintf(msg, 160, "Added. Its id is %s: type a few letters of its name in the form's "
	         "organization fields to pick it.", id);
	return page_begin(r, p, "Organization added") || html(&p->body, "<h1>Organization added</h1>\n<p>") ||
	       html_txt(&p->body, msg) || html(&p->body, "</p>\n<p><a href=\"/search\">Back to the search</a></p>\n") ||
	       page_end(p);
}
