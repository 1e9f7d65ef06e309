/*
 * page_therapist.c: a therapist's public listing, as a page and as
 * GET /api/v1/therapists/{id}. Affiliations are not shown: they are
 * declared to screen out dual relationships, not to be browsed.
 */
#include <stdio.h>
#include <string.h>

#include "core/record.h"
#include "web/html.h"
#include "web/pages.h"

int
api_therapist(struct req *r, struct resp *p)
{
	struct therapist t;
	int rc = listing_public(&r->cx, &r->who, r->param, &t);

	if (rc < 0)
		return -1;
	if (rc > 0) {
		error_response(r, p, 404, "id", "no therapist has this id");
		return 0;
	}
	t.n_affils = 0;
	if (therapist_to_json(r->app->sv.tax, &t, &p->body) || buf_addc(&p->body, '\n'))
		return -1;
	return json_response(p, 200);
}

static int
mask_labels(struct buf *b, const struct taxonomy *tax, enum tax_list l, uint64_t m)
{
	int i, n = 0;

	for (i = 0; i < 64; i++)
		if (m >> i & 1) {
			if ((n++ && html(b, ", ")) || html_txt(b, tax_label(tax, l, i)))
				return -1;
		}
	return n ? 0 : html(b, "none listed");
}

static int
list_labels(struct buf *b, const struct taxonomy *tax, enum tax_list l,
            const int16_t *v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if ((i && html(b, ", ")) || html_txt(b, tax_label(tax, l, v[i])))
			return -1;
	return n ? 0 : html(b, "none listed");
}

static int
fact(struct buf *b, const char *term)
{
	return html(b, "<dt>") || html_txt(b, term) || html(b, "</dt><dd>");
}

/*
 * The therapist's stated policies on confidentiality, professional
 * events and dual relationships, each under the question a clinician
 * would raise at a first consultation; the questions alone when a policy
 * is not stated.
 */
static int
policies(struct buf *b, struct req *r, const char *id)
{
	static const char *const q[3] = {
		"What stays confidential if we share colleagues?",
		"How do you handle meeting a client at professional events?",
		"What do you do if we discover a dual relationship later?",
	};
	struct store_policy *pol = arena_alloc(r->a, sizeof(*pol));
	const char *a[3];
	int i;

	if (!pol || listing_policies_public(&r->cx, &r->who, id, pol) < 0)
		return -1;
	a[0] = pol->confidentiality;
	a[1] = pol->events;
	a[2] = pol->dual;
	if (html(b, "<h2>Questions for a first consultation</h2>\n<dl class=\"policies\">\n"))
		return -1;
	for (i = 0; i < 3; i++)
		if (html(b, "<dt>") || html_txt(b, q[i]) || html(b, "</dt><dd>") ||
		    (a[i][0] ? html(b, "<p class=\"said\">In their words: ") || html_txt(b, a[i]) ||
		               html(b, "</p>")
		             : html(b, "<p class=\"hint\">Not stated: ask at the first consultation.</p>")) ||
		    html(b, "</dd>\n"))
			return -1;
	return html(b, "</dl>\n");
}

int
page_therapist(struct req *r, struct resp *p)
{
	const struct taxonomy *tax = r->app->sv.tax;
	struct buf *b = &p->body;
	struct therapist t;
	char num[64];
	int rc = listing_public(&r->cx, &r->who, r->param, &t), i;

	if (rc < 0)
		return -1;
	if (rc > 0) {
		error_response(r, p, 404, "", "no therapist has this address");
		return 0;
	}
	if (page_begin(r, p, t.name) || html(b, "<h1>") || html_txt(b, t.name) ||
	    html(b, ", ") || html_txt(b, t.credentials) || html(b, "</h1>\n<p class=\"meta\">") ||
	    html_txt(b, tax_label(tax, TAX_PROFESSION, t.profession)) ||
	    html_pick(b, t.accepting, " · accepting new clients", " · not accepting new clients") ||
	    html_pick(b, t.clinician_clients, " · sees clinicians as clients", "") ||
	    html(b, "</p>\n") || listing_standing(b, r, t.id) ||
	    html(b, "<dl class=\"facts\">\n"))
		return -1;
	if (fact(b, "Approach") || mask_labels(b, tax, TAX_ORIENTATION, t.orientations) ||
	    html(b, "</dd>\n") ||
	    fact(b, "Works with") || mask_labels(b, tax, TAX_FOCUS, t.focus) || html(b, "</dd>\n") ||
	    fact(b, "Experienced with") || mask_labels(b, tax, TAX_POPULATION, t.populations) ||
	    html(b, "</dd>\n") ||
	    fact(b, "Career stages") || mask_labels(b, tax, TAX_CAREER, t.career_stages) ||
	    html(b, "</dd>\n") ||
	    fact(b, "Languages") || list_labels(b, tax, TAX_LANGUAGE, t.languages, t.n_languages) ||
	    html(b, "</dd>\n") ||
	    fact(b, "Formats") || mask_labels(b, tax, TAX_FORMAT, t.formats) || html(b, "</dd>\n") ||
	    fact(b, "Sessions") || mask_labels(b, tax, TAX_MODALITY, t.modalities) ||
	    html(b, "</dd>\n") ||
	    fact(b, "Licensed in") || list_labels(b, tax, TAX_JURISDICTION, t.licenses, t.n_licenses) ||
	    html(b, "</dd>\n") ||
	    fact(b, "Compacts") || mask_labels(b, tax, TAX_COMPACT, t.compacts) || html(b, "</dd>\n"))
		return -1;
	snprintf(num, sizeof(num), "%d %.3s a session", (int)t.fee.session, t.fee.currency);
	if (fact(b, "Fee") || html_txt(b, num))
		return -1;
	if (t.fee.sliding_min != NO_FEE) {
		snprintf(num, sizeof(num), "; sliding scale from %d", (int)t.fee.sliding_min);
		if (html_txt(b, num))
			return -1;
	}
	if (t.fee.discount_pct != NO_FEE) {
		snprintf(num, sizeof(num), "; %d%% off for clinicians", (int)t.fee.discount_pct);
		if (html_txt(b, num))
			return -1;
	}
	if (t.fee.group != NO_FEE) {
		snprintf(num, sizeof(num), "; groups %d", (int)t.fee.group);
		if (html_txt(b, num))
			return -1;
	}
	if (html(b, "</dd>\n") || fact(b, "Open hours"))
		return -1;
	for (i = 0; i < t.n_avail; i++) {
		snprintf(num, sizeof(num), "%s%s %02d:%02d-%02d:%02d", i ? ", " : "",
		         day_names[t.avail[i].day], t.avail[i].start / 60, t.avail[i].start % 60,
		         t.avail[i].end / 60, t.avail[i].end % 60);
		if (html_txt(b, num))
			return -1;
	}
	if ((!t.n_avail && html(b, "none listed")) || html(b, " (") ||
	    html_txt(b, t.timezone) || html(b, ")</dd>\n</dl>\n") ||
	    policies(b, r, t.id) ||
	    (t.n_avail && (html(b, "<p><a class=\"button\" href=\"/therapists/") || form_encode(b, t.id) ||
	                   html(b, "/book\">Book a time</a></p>\n"))) ||
	    page_request_form(r, p, t.id) || page_end(p))
		return -1;
	return 0;
}
