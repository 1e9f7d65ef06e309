/*
 * page_activity.c: /account/activity, who used the signed-in person's
 * data: the entries of the audit trail about them (app/audit.c), newest
 * first, in plain words with names, never ids; fifty a page, ?before=
 * the next.
 */
#include <stdio.h>

#include "app/services.h"
#include "core/tz.h"
#include "web/html.h"
#include "web/pages.h"

int
page_activity(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	struct audit_seen *v;
	struct refusal why;
	const struct tz_zone *z;
	int64_t before = req_int(r, "before", 0), next = 0;
	char when[48], at[24];
	int n, i, rc;

	rc = audit_activity(&r->cx, &r->who, before, &v, &n, &next, &why);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return refusal_response(r, p, &why);
	z = viewer_zone(&r->cx, &r->who, NULL);
	if (page_begin(r, p, "Who used your data") || error_summary(b, r) ||
	    html(b, "<h1>Who used your data</h1>\n<p class=\"lede\">Every sign-in to your account, "
	            "and every time someone else read or changed what you keep on chiron: "
	            "who, what and when, newest first. Times are in ") ||
	    html_txt(b, tz_name(z)) || html(b, ".</p>\n"))
		return -1;
	if (n == 0)
		return html_pick(b, before, "<p>No older entries.</p>\n", "<p>Nothing yet.</p>\n") ||
		       html(b, "<p><a href=\"/account\">Back to your account</a></p>\n") || page_end(p);
	if (html(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th scope=\"col\">When</th>"
	            "<th scope=\"col\">What happened</th></tr></thead>\n<tbody>\n"))
		return -1;
	for (i = 0; i < n; i++) {
		when_text(when, z, v[i].at);
		if (html(b, "<tr><td>") || html_txt(b, when) || html(b, "</td><td>") ||
		    html_txt(b, v[i].text) || html(b, "</td></tr>\n"))
			return -1;
	}
	if (html(b, "</tbody></table></div>\n"))
		return -1;
	snprintf(at, sizeof(at), "%lld", (long long)next);
	if ((next && (html(b, "<p><a href=\"/account/activity?before=") || html_attr(b, at) ||
	              html(b, "\">Older entries</a></p>\n"))) ||
	    (before && html(b, "<p><a href=\"/account/activity\">The newest entries</a></p>\n")))
		return -1;
	return html(b, "<p><a href=\"/account\">Back to your account</a></p>\n") || page_end(p);
}
