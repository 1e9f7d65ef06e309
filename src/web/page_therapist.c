/*
 * page_therapist.c: a therapist's public profile, as a page and as
 * GET /api/v1/therapists/{id}, and its photo (GET /therapists/{id}/photo).
 * Affiliations are not shown: they are declared to screen out dual
 * relationships, not to be browsed.
 *
 * The page says what chiron checked and when, in those words and no
 * more (app/listing.h listing_trust); open hours come in the viewer's
 * zone, merged per day (listing_hours); every code is shown as words.
 * An admin sees a hidden profile with a banner saying so; anyone else
 * gets the 404 of a listing that is not there.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "core/places.h"
#include "core/record.h"
#include "web/html.h"
#include "web/pages.h"

int
api_therapist(struct req *r, struct resp *p)
{
	struct therapist t;
	struct store_profile *pr = arena_alloc(r->a, sizeof(*pr));
	struct buf rec = BUF_INIT;
	struct verr e;
	struct jw w;
	jnode *root;
	int rc = listing_public(&r->cx, &r->who, r->param, &t);
	uint32_t i;

	if (rc < 0 || !pr)
		return -1;
	if (rc > 0 || listing_profile_public(&r->cx, &r->who, r->param, pr) > 0) {
		error_response(r, p, 404, "id", "no therapist has this id");
		return 0;
	}
	/* The record as the import format writes it, and beside it (never
	 * inside: the record's format is the contract's) the profile. */
	t.n_affils = 0;
	if (therapist_to_json(r->app->sv.tax, &t, &rec))
		return -1;
	memset(&e, 0, sizeof(e));
	root = jn_parse(rec.p, rec.len, r->a, &e);
	buf_free(&rec);
	if (!root || root->type != JN_OBJECT)
		return -1;
	jw_init(&w, &p->body);
	jw_obj_open(&w);
	for (i = 0; i < root->len; i++) {
		jw_key(&w, root->kids[i].key);
		jw_node(&w, &root->kids[i]);
	}
	jw_kobj_open(&w, "profile");
	jw_kstr_or_null(&w, "statement", pr->statement);
	if (pr->photo_version)
		jw_kstrf(&w, "photo_url", "/therapists/%s/photo?v=%lld", t.id, (long long)pr->photo_version);
	else
		jw_knull(&w, "photo_url");
	jw_obj_close(&w);
	jw_obj_close(&w);
	return json_reply(p, &w, 200);
}

/*
 * GET /therapists/{id}/photo: the photo as chiron re-encoded it (never
 * the bytes uploaded), shown to whoever may see the profile. Its address
 * carries the photo's version (?v=), so a cache may keep it a day; the
 * server adds nosniff to every answer.
 */
int
page_photo(struct req *r, struct resp *p)
{
	int64_t version = 0;
	int rc = listing_photo_get(&r->cx, &r->who, r->param, &p->body, &version);

	if (rc < 0)
		return -1;
	if (rc > 0) {
		buf_free(&p->body);
		error_response(r, p, 404, "", "this therapist has no photo");
		return 0;
	}
	p->content_type = "image/jpeg";
	if (resp_header(p, "Cache-Control", "private, max-age=86400"))
		return -1;
	return 0;
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

/* The full name of weekday d (0 = Monday). */
static const char *const day_words[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

/* The date of instant t as "3 Nov 2026" (UTC) into out (16 bytes). */
static void
date_words(char out[16], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 16, "%e %b %Y", &tm);
	if (out[0] == ' ')
		memmove(out, out + 1, strlen(out));
}

/* A compact by its name first, its short name after ("Psychology
 * Interjurisdictional Compact (PSYPACT)"); the taxonomy's label else. */
static const char *
compact_words(const struct taxonomy *tax, int i)
{
	const char *code = tax_code(tax, TAX_COMPACT, i);

	if (code && strcmp(code, "PSYPACT") == 0)
		return "Psychology Interjurisdictional Compact (PSYPACT)";
	return tax_label(tax, TAX_COMPACT, i);
}

/* An amount of the listing's currency, in words a reader knows: "$150". */
static void
money(char *out, size_t n, int amount, const char *currency)
{
	if (strcmp(currency, "USD") == 0)
		snprintf(out, n, "$%d", amount);
	else if (strcmp(currency, "CAD") == 0)
		snprintf(out, n, "CA$%d", amount);
	else
		snprintf(out, n, "%d %.3s", amount, currency);
}

/* The initials of a name, at most two, for the avatar without a photo. */
static void
initials(char out[16], const char *name)
{
	size_t i, j = 0;
	int words = 0;
	bool start = true;

	for (i = 0; name[i] && words < 2; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == ' ' || c == '-' || c == '.' || c == ',') {
			start = true;
			continue;
		}
		if (start && c != '(' && c != '"') {
			/* the whole first character, UTF-8 included */
			do {
				if (j + 1 < 16)
					out[j++] = name[i];
				i++;
			} while (name[i] && ((unsigned char)name[i] & 0xc0) == 0x80);
			i--;
			words++;
		}
		start = false;
	}
	out[j] = '\0';
	if (j == 1 && out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

/* The statement: paragraphs at blank lines, line breaks kept, escaped. */
static int
statement(struct buf *b, struct req *r, const char *s)
{
	char *copy = arena_strdup(r->a, s), *line, *next;
	bool open = false;

	if (!copy)
		return -1;
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!line[0] || strspn(line, " \t") == strlen(line)) {
			if (open && html(b, "</p>\n"))
				return -1;
			open = false;
			continue;
		}
		if ((open ? html(b, "<br>\n") : html(b, "<p>")) || html_txt(b, line))
			return -1;
		open = true;
	}
	return open ? html(b, "</p>\n") : 0;
}

/* The open hours, one row per day in the viewer's zone (listing_hours),
 * as a fact of the practice. */
static int
hours(struct buf *b, struct req *r, const struct therapist *t)
{
	struct listing_hours *h = arena_alloc(r->a, sizeof(*h));
	char zone[64], span[32];
	int i, d;

	if (!h || listing_hours(&r->cx, &r->who, t, h))
		return -1;
	if (fact(b, "Open hours"))
		return -1;
	if (!h->n)
		return html(b, "None listed: ask in a consultation request.</dd>\n");
	snprintf(zone, sizeof(zone), "%s", h->zone);
	for (i = 0; zone[i]; i++)
		if (zone[i] == '_')
			zone[i] = ' ';
	if (html(b, "<p class=\"hint\">") ||
	    html_pick(b, h->theirs, "Times in the therapist's time zone, ", "Times in your time zone, ") ||
	    html_txt(b, zone) || html(b, ".") ||
	    (!h->theirs && html(b, " <a href=\"/therapy#zone\">Change your time zone</a>.")) ||
	    html(b, "</p>\n<table class=\"hours\">\n<caption class=\"visually-hidden\">Open hours by "
	            "day</caption>\n"))
		return -1;
	for (d = 0, i = 0; d < 7; d++) {
		int first = i;

		if (i >= h->n || h->row[i].day != d)
			continue;
		if (html(b, "<tr><th scope=\"row\">") || html_txt(b, day_words[d]) || html(b, "</th><td>"))
			return -1;
		for (; i < h->n && h->row[i].day == d; i++) {
			const struct hours_row *w = &h->row[i];

			snprintf(span, sizeof(span), "%02d:%02d\u2013%02d:%02d", w->start / 60, w->start % 60,
			         w->end / 60, w->end % 60);
			if ((i > first && html(b, ", ")) || html(b, "<span class=\"span\">") ||
			    html_txt(b, span) ||
			    (h->both && w->modes == HOURS_TELEHEALTH && html(b, " (telehealth only)")) ||
			    (h->both && w->modes == HOURS_IN_PERSON && html(b, " (in person only)")) ||
			    html(b, "</span>"))
				return -1;
		}
		if (html(b, "</td></tr>\n"))
			return -1;
	}
	return html(b, "</table></dd>\n");
}

/*
 * What chiron checked, and when, in exactly those words: the board's
 * licence check when an admin recorded one, the NPI when only that was
 * given; the holder's last confirmation; what holds the listing back.
 */
static int
trust(struct buf *b, const struct trust *tr, int64_t now)
{
	char when[16], text[160];
	int64_t days;

	if (html(b, "<ul class=\"trust\">\n"))
		return -1;
	date_words(when, tr->at);
	switch (tr->kind) {
	case TRUST_LICENCE:
		snprintf(text, sizeof(text), "Licence checked with the %s on %s", tr->board, when);
		break;
	case TRUST_OPERATOR:
		snprintf(text, sizeof(text), "Added by chiron's operator on %s; licence not checked on chiron",
		         when);
		break;
	case TRUST_NPI:
		snprintf(text, sizeof(text), "NPI checked on %s; licence not yet checked", when);
		break;
	default:
		snprintf(text, sizeof(text), "Not yet claimed or checked: this listing comes from the "
		                             "public directory");
	}
	/* A board written "Washington board" reads "with the Washington board";
	 * one written "the ..." is not doubled. */
	if (tr->kind == TRUST_LICENCE && strncmp(tr->board, "the ", 4) == 0)
		snprintf(text, sizeof(text), "Licence checked with %s on %s", tr->board, when);
	if (html(b, "<li>") || html_txt(b, text) || html(b, ".</li>\n"))
		return -1;
	if (tr->confirmed_at && tr->kind != TRUST_NONE && tr->kind != TRUST_NPI) {
		days = (now - tr->confirmed_at) / 86400;
		if (days <= 0)
			snprintf(text, sizeof(text), "Confirmed current today");
		else
			snprintf(text, sizeof(text), "Confirmed current %lld day%s ago", (long long)days,
			         days == 1 ? "" : "s");
		if (html(b, "<li>") || html_txt(b, text) || html(b, ".</li>\n"))
			return -1;
	}
	if (html(b, "</ul>\n"))
		return -1;
	if (tr->paused &&
	    html(b, "<p class=\"notice\">Not confirmed for 45 days: paused, shown as not accepting new "
	            "clients until the therapist confirms it.</p>\n"))
		return -1;
	if (tr->late) {
		snprintf(text, sizeof(text), "%d consultation request%s unanswered for more than 5 business "
		         "days.", tr->late, tr->late == 1 ? "" : "s");
		if (html(b, "<p class=\"notice\">") || html_txt(b, text) || html(b, "</p>\n"))
			return -1;
	}
	return 0;
}

/* The banner an admin sees on a hidden profile. */
static int
hidden_banner(struct buf *b, const struct trust *tr)
{
	char when[16];

	if (!tr->hidden)
		return 0;
	date_words(when, tr->hidden_at);
	return html(b, "<div class=\"banner warn\" role=\"region\" aria-label=\"Hidden profile\"><p>"
	               "<strong>This profile is hidden</strong> from search and from everyone but "
	               "admins") ||
	       (tr->hidden_at && (html(b, " since ") || html_txt(b, when))) ||
	       html(b, ". Reason: ") ||
	       html_pick(b, tr->hidden_created,
	                 "its claimant created it, and it waits for an admin to verify the claim.",
	                 "an admin hid it (chiron keeps no note of why).") ||
	       html(b, " <a href=\"/admin\">Admin</a></p></div>\n");
}

/* The fee in words: the full fee, the sliding scale's range, the rest. */
static int
fees(struct buf *b, const struct therapist *t)
{
	char a[32], c[32], text[160];

	money(a, sizeof(a), (int)t->fee.session, t->fee.currency);
	snprintf(text, sizeof(text), "%s a session", a);
	if (fact(b, "Fee") || html_txt(b, text))
		return -1;
	if (t->fee.sliding_min != NO_FEE) {
		money(c, sizeof(c), (int)t->fee.sliding_min, t->fee.currency);
		snprintf(text, sizeof(text), "; sliding scale from %s to %s", c, a);
		if (html_txt(b, text))
			return -1;
	}
	if (t->fee.discount_pct != NO_FEE) {
		snprintf(text, sizeof(text), "; %d%% off for clinicians", (int)t->fee.discount_pct);
		if (html_txt(b, text))
			return -1;
	}
	if (t->fee.group != NO_FEE) {
		money(c, sizeof(c), (int)t->fee.group, t->fee.currency);
		snprintf(text, sizeof(text), "; group sessions %s", c);
		if (html_txt(b, text))
			return -1;
	}
	return html(b, "</dd>\n");
}

static int
compacts(struct buf *b, const struct taxonomy *tax, uint64_t m)
{
	int i, n = 0;

	for (i = 0; i < 64; i++)
		if (m >> i & 1) {
			if ((n++ && html(b, ", ")) || html_txt(b, compact_words(tax, i)))
				return -1;
		}
	return n ? 0 : html(b, "none");
}

/* Where the practice is: the office's city, the nearest in chiron's
 * table of places (core/places.h) within 50 km, else its state or
 * province; never its coordinates. "Telehealth only" without an office
 * or in-person sessions. */
static int
place(struct buf *b, const struct taxonomy *tax, const struct therapist *t)
{
	const char *state = tax_label(tax, TAX_JURISDICTION, t->office_jurisdiction);
	struct place near;
	bool city = t->has_office && places_nearest(places_builtin(), t->lat, t->lon, &near) == 0;

	if (!t->has_office)
		return html(b, "Telehealth only");
	if (!(t->modalities & HOURS_IN_PERSON))
		return html(b, "Telehealth only (based in ") || html_txt(b, city ? near.label : state) ||
		       html(b, ")");
	return html(b, "Office in ") || html_txt(b, city ? near.label : state);
}

static int
head(struct buf *b, struct req *r, const struct therapist *t, const struct store_profile *pr)
{
	const struct taxonomy *tax = r->app->sv.tax;
	char ini[16];

	if (html(b, "<div class=\"profile-head\">\n"))
		return -1;
	if (pr->photo_version) {
		if (html(b, "<img class=\"avatar large\" src=\"/therapists/") || form_encode(b, t->id) ||
		    html(b, "/photo?v=") || html_int(b, (long)pr->photo_version) ||
		    html(b, "\" width=\"160\" height=\"160\" alt=\"Photo of ") || html_attr(b, t->name) ||
		    html(b, "\">\n"))
			return -1;
	} else {
		initials(ini, t->name);
		if (html(b, "<span class=\"avatar large\" aria-hidden=\"true\">") || html_txt(b, ini) ||
		    html(b, "</span>\n"))
			return -1;
	}
	return html(b, "<div>\n<h1>") || html_txt(b, t->name) || html(b, "</h1>\n<p class=\"lede\">") ||
	       html_txt(b, t->credentials) || html(b, " · ") ||
	       html_txt(b, tax_label(tax, TAX_PROFESSION, t->profession)) ||
	       html(b, "</p>\n<p class=\"place\">") || place(b, tax, t) || html(b, "</p>\n<p>") ||
	       html_pick(b, t->accepting, "<span class=\"badge ok\">Accepting new clients</span>",
	                 "<span class=\"badge warn\">Not accepting new clients</span>") ||
	       (t->clinician_clients && html(b, " <span class=\"badge\">Sees clinicians as clients</span>")) ||
	       html(b, "</p>\n</div>\n</div>\n");
}

int
page_therapist(struct req *r, struct resp *p)
{
	const struct taxonomy *tax = r->app->sv.tax;
	struct buf *b = &p->body;
	struct store_profile *pr = arena_alloc(r->a, sizeof(*pr));
	struct trust tr;
	struct therapist t;
	int rc = listing_public(&r->cx, &r->who, r->param, &t);

	if (rc < 0 || !pr)
		return -1;
	if (rc == 0)
		rc = listing_profile_public(&r->cx, &r->who, t.id, pr);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		error_response(r, p, 404, "", "no therapist has this address");
		return 0;
	}
	if (listing_trust(&r->cx, &r->who, t.id, &t, &tr))
		return -1;
	if (page_begin(r, p, t.name) || hidden_banner(b, &tr) || head(b, r, &t, pr) ||
	    trust(b, &tr, ctx_now(&r->cx)))
		return -1;
	/* What to do next, before anything else to read. */
	if (html(b, "<div class=\"actions\">") ||
	    (t.n_avail && (html(b, "<a class=\"button\" href=\"/therapists/") || form_encode(b, t.id) ||
	                   html(b, "/book\">Book a time</a>"))) ||
	    html_pick(b, t.n_avail, "<a class=\"button secondary\" href=\"#request\">",
	              "<a class=\"button\" href=\"#request\">") ||
	    html(b, "Ask for a consultation</a></div>\n"))
		return -1;
	if (pr->statement[0] &&
	    (html(b, "<section class=\"statement\" aria-labelledby=\"about\">\n<h2 id=\"about\">About</h2>\n") ||
	     statement(b, r, pr->statement) || html(b, "</section>\n")))
		return -1;
	if (html(b, "<h2>The practice</h2>\n<dl class=\"facts\">\n"))
		return -1;
	/* Where the practice is, the head says. */
	if (hours(b, r, &t) ||
	    fact(b, "Sessions") || mask_labels(b, tax, TAX_MODALITY, t.modalities) ||
	    html(b, "</dd>\n") ||
	    fact(b, "Formats") || mask_labels(b, tax, TAX_FORMAT, t.formats) || html(b, "</dd>\n") ||
	    fees(b, &t) ||
	    fact(b, "Approach") || mask_labels(b, tax, TAX_ORIENTATION, t.orientations) ||
	    html(b, "</dd>\n") ||
	    fact(b, "Works with") || mask_labels(b, tax, TAX_FOCUS, t.focus) || html(b, "</dd>\n") ||
	    fact(b, "Experienced with") || mask_labels(b, tax, TAX_POPULATION, t.populations) ||
	    html(b, "</dd>\n") ||
	    fact(b, "Career stages") || mask_labels(b, tax, TAX_CAREER, t.career_stages) ||
	    html(b, "</dd>\n") ||
	    fact(b, "Languages") || list_labels(b, tax, TAX_LANGUAGE, t.languages, t.n_languages) ||
	    html(b, "</dd>\n") ||
	    fact(b, "Licensed in") || list_labels(b, tax, TAX_JURISDICTION, t.licenses, t.n_licenses) ||
	    html(b, "</dd>\n") ||
	    fact(b, "Compacts") || compacts(b, tax, t.compacts) || html(b, "</dd>\n</dl>\n"))
		return -1;
	if (policies(b, r, t.id) || html(b, "<section id=\"request\">\n") ||
	    page_request_form(r, p, t.id) || html(b, "</section>\n") || page_end(p))
		return -1;
	return 0;
}
