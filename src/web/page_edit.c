/*
 * page_edit.c: a therapist edits every field of their listing, its open
 * hours and its stated policies, or creates a listing when the directory
 * has none for them; the same through the API (GET and PUT
 * /api/v1/listing/record and /api/v1/listing/policies).
 *
 * This file only turns the form into the contract's therapist record
 * (section 1.2) and the stored listing back into form values; the rules
 * (the record validated by the import's own parser, who may save, the
 * one transaction, confirming, the index) are app/listing.c's, shared
 * with the API and the commands. The form writes where each window is
 * held after its hours ("09:00-12:00 telehealth"), the API as each
 * window's "modality".
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/field.h"
#include "core/json.h"
#include "core/record.h"
#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

#define AFF_MAX 40              /* affiliation rows on the form */
#define AFF_BLANK 3             /* empty rows offered for new ones */
#define LIST_MAX 256            /* values of one multi-valued field */

static const char *const days[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const char *const day_labels[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};
static const char *const profession_labels[] = {
	"Psychologist", "Counselor", "Social worker", "Marriage and family therapist",
	"Psychiatrist", "Psychiatric nurse practitioner", "Other",
};

/* The form's sections: their anchors and the contract fields they hold. */
static const struct section {
	const char *anchor, *legend, *fields;
} sections[] = {
	{"s-who", "Who you are", "name credentials profession npi"},
	{"s-where", "Where you practise", "licenses compacts office modalities formats"},
	{"s-fee", "Fees", "fee accepting_new_clients"},
	{"s-approach", "Approach and focus",
	 "orientations focus_areas populations career_stages clinician_clients"},
	{"s-lang", "Languages", "languages"},
	{"s-hours", "Open hours", "timezone availability"},
	{"s-aff", "Affiliations", "affiliations"},
	{"s-policy", "Your policies", "policies"},
};

/* The section whose fields include the first path element of field. */
static const struct section *
section_of(const char *field)
{
	size_t n = strcspn(field, ".[");
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		const char *f = sections[i].fields;

		while (*f) {
			size_t m = strcspn(f, " ");

			if (m == n && n && strncmp(f, field, n) == 0)
				return &sections[i];
			f += m + (f[m] == ' ');
		}
	}
	return NULL;
}

/* ----------------------------------------------------------------------
 * The form as the contract's record
 * ---------------------------------------------------------------------- */

/* Writes "key":[ "a","b" ] from the values split at commas and spaces. */
static int
json_words(struct jw *j, const char *key, const char *text)
{
	jw_karr_open(j, key);
	while (text && *text) {
		size_t n;

		text += strspn(text, ", \t\r\n");
		n = strcspn(text, ", \t\r\n");
		if (!n)
			break;
		{
			char tmp[128];

			snprintf(tmp, sizeof(tmp), "%.*s", (int)(n < 127 ? n : 127), text);
			jw_str(j, tmp);
		}
		text += n;
	}
	return jw_arr_close(j);
}

/* Writes "key":[...] from the checked boxes named key. */
static int
json_checked(struct jw *j, struct req *r, const char *key)
{
	const char *v[LIST_MAX];
	int n = req_args(r, key, v, LIST_MAX), i;

	jw_karr_open(j, key);
	for (i = 0; i < n; i++)
		jw_str(j, v[i]);
	return jw_arr_close(j);
}

/*
 * Parses "09:00-12:00 telehealth, 14:00-17:00 in person" into windows of
 * day d, as JSON; where a window is held ("telehealth", "in person" or
 * "office"; neither: every modality of the listing) goes to m.
 */
static int
json_hours(struct jw *j, const char *text, int d, const char **bad, struct store_avail_modes *m)
{
	while (text && *text) {
		char start[8], end[8];
		size_t n;
		int k;

		text += strspn(text, ", \t");
		if (!*text)
			break;
		n = strcspn(text, ",");
		k = sscanf(text, " %5[0-9:] - %5[0-9:]", start, end);
		if (k != 2) {
			*bad = days[d];
			return 0;
		}
		jw_obj_open(j);
		jw_kstr(j, "day", days[d]);
		jw_kstr(j, "start", start);
		jw_kstr(j, "end", end);
		if (jw_obj_close(j))
			return -1;
		{
			char rest[64];
			int modes = 0, a = parse_hhmm(start), b = parse_hhmm(end);

			snprintf(rest, sizeof(rest), "%.*s", (int)(n < 63 ? n : 63), text);
			if (strstr(rest, "telehealth"))
				modes |= 1 << MOD_TELEHEALTH;
			if (strstr(rest, "in person") || strstr(rest, "in-person") || strstr(rest, "office"))
				modes |= 1 << MOD_IN_PERSON;
			if (modes && modes != 3 && a >= 0 && b > a && m->n < STORE_AVAIL_MODES_MAX)
				m->v[m->n++] = (struct store_avail_mode){(uint8_t)d, (uint16_t)a, (uint16_t)b,
				                                         (uint8_t)modes};
		}
		text += n;
	}
	return 0;
}

/* A coordinate at the 7 decimals the form keeps (about a centimetre). */
static double
degrees7(double v)
{
	char s[64];

	snprintf(s, sizeof(s), "%.7f", v);
	return strtod(s, NULL);
}

/*
 * The record the form describes, as one JSON object with the given id.
 * Returns 0, or 1 with *field and *msg set when a value is not even of
 * the right shape (a fee that is not a number), or -1 when out of memory.
 * *field and *msg are static text or live in r's arena.
 */
static int
form_record(struct req *r, const char *id, struct buf *out, const char **field, const char **msg,
            struct store_avail_modes *m)
{
	/* The fees: whole numbers here, their bounds the record's to check
	 * (core/record.c), so its sentences name what is wrong. */
	static const struct { struct field f; const char *key; } nums[] = {
		{{"fee_session", F_INT, -INT64_MAX / 10, INT64_MAX / 10, false, NULL, NULL}, "session"},
		{{"fee_sliding", F_INT, -INT64_MAX / 10, INT64_MAX / 10, false, NULL, NULL}, "sliding_scale_min"},
		{{"fee_discount", F_INT, -INT64_MAX / 10, INT64_MAX / 10, false, NULL, NULL}, "clinician_discount_pct"},
		{{"fee_group", F_INT, -INT64_MAX / 10, INT64_MAX / 10, false, NULL, NULL}, "group_session"},
	};
	static const char *const num_fields[] = {
		"fee.session", "fee.sliding_scale_min", "fee.clinician_discount_pct", "fee.group_session",
	};
	const char *v, *bad = NULL;
	struct fval num;
	struct verr e;
	size_t i;
	int d;
	struct jw jw, *j = &jw;

	jw_init(j, out);
	jw_obj_open(j);
	jw_kstr(j, "type", "therapist");
	jw_kstr(j, "id", id);
	jw_kstr(j, "name", (v = req_arg(r, "name")) ? v : "");
	jw_kstr(j, "credentials", (v = req_arg(r, "credentials")) ? v : "");
	jw_kstr(j, "profession", (v = req_arg(r, "profession")) ? v : "");
	if ((v = req_arg(r, "npi")) && v[0])
		jw_kstr(j, "npi", v);
	json_words(j, "licenses", req_arg(r, "licenses"));
	json_checked(j, r, "compacts");
	{
		const char *lat = req_arg(r, "office_lat"), *lon = req_arg(r, "office_lon"),
		           *jur = req_arg(r, "office_jurisdiction");

		if ((lat && lat[0]) || (lon && lon[0]) || (jur && jur[0])) {
			static const struct field flat = {"office_lat", F_NUMBER, 0, 0, true, NULL, NULL},
			                          flon = {"office_lon", F_NUMBER, 0, 0, true, NULL, NULL};
			struct fval la, lo;

			if (field_check(&flat, lat, &la, &e)) {
				*field = "office.lat";
				*msg = "give the office's latitude as a number, like 40.7128";
				return 1;
			}
			if (field_check(&flon, lon, &lo, &e)) {
				*field = "office.lon";
				*msg = "give the office's longitude as a number, like -74.0060";
				return 1;
			}
			jw_kobj_open(j, "office");
			jw_knum(j, "lat", degrees7(la.d));
			jw_knum(j, "lon", degrees7(lo.d));
			jw_kstr(j, "jurisdiction", jur ? jur : "");
			jw_obj_close(j);
		}
	}
	json_checked(j, r, "modalities");
	json_checked(j, r, "formats");
	jw_kbool(j, "accepting_new_clients", req_arg(r, "accepting") != NULL);
	jw_kobj_open(j, "fee");
	jw_kstr(j, "currency", (v = req_arg(r, "fee_currency")) && v[0] ? v : "USD");
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (field_check(&nums[i].f, req_arg(r, nums[i].f.name), &num, &e)) {
			*field = num_fields[i];
			*msg = "must be a whole number";
			return 1;
		}
		if (i == 0 && !num.set) {
			*field = "fee.session";
			*msg = "give your fee for one session";
			return 1;
		}
		if (num.set)
			jw_kint(j, nums[i].key, num.n);
	}
	jw_obj_close(j);
	json_checked(j, r, "orientations");
	json_checked(j, r, "focus_areas");
	json_checked(j, r, "populations");
	json_words(j, "languages", req_arg(r, "languages"));
	json_checked(j, r, "career_stages");
	jw_kbool(j, "clinician_clients", req_arg(r, "clinician_clients") != NULL);
	jw_kstr(j, "timezone", (v = req_arg(r, "timezone")) ? v : "");
	jw_karr_open(j, "availability");
	for (d = 0; d < 7; d++) {
		char key[16];

		snprintf(key, sizeof(key), "avail_%s", days[d]);
		if (json_hours(j, req_arg(r, key), d, &bad, m))
			return -1;
		if (bad) {
			char f[32];

			snprintf(f, sizeof(f), "availability.%s", bad);
			if (!(*field = arena_strdup(r->a, f)))
				return -1;
			*msg = "write the hours like 09:00-12:00, 14:00-17:30";
			return 1;
		}
	}
	jw_arr_close(j);
	jw_karr_open(j, "affiliations");
	for (i = 1; i <= AFF_MAX; i++) {
		char k1[24], k2[24], k3[24], k4[24];
		const char *ref, *role;

		snprintf(k1, sizeof(k1), "aff_org%zu", i);
		snprintf(k2, sizeof(k2), "aff_role%zu", i);
		snprintf(k3, sizeof(k3), "aff_past%zu", i);
		snprintf(k4, sizeof(k4), "aff_person%zu", i);
		ref = req_arg(r, k1);
		role = req_arg(r, k2);
		if (!ref || !ref[0])
			continue;
		jw_obj_open(j);
		jw_kstr(j, req_arg(r, k4) ? "person" : "org", ref);
		jw_kstr(j, "role", role ? role : "");
		jw_kbool(j, "current", !req_arg(r, k3));
		jw_obj_close(j);
	}
	jw_arr_close(j);
	jw_obj_close(j);
	return jw_end(j);
}

/* The stated policies from the form (or the API's object). */
static int
form_policy(struct req *r, struct store_policy *pol, const char **field)
{
	static const struct { const char *key; size_t off; } f[] = {
		{"policy_confidentiality", offsetof(struct store_policy, confidentiality)},
		{"policy_events", offsetof(struct store_policy, events)},
		{"policy_dual", offsetof(struct store_policy, dual)},
	};
	size_t i;

	memset(pol, 0, sizeof(*pol));
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		const char *v = req_arg(r, f[i].key);

		if (v && strlen(v) >= STORE_POLICY_MAX) {
			*field = f[i].key;
			return 1;
		}
		snprintf((char *)pol + f[i].off, STORE_POLICY_MAX, "%s", v ? v : "");
	}
	return 0;
}

/* ----------------------------------------------------------------------
 * The stored listing as form values
 * ---------------------------------------------------------------------- */

static int
kv(struct buf *f, const char *k, const char *v)
{
	return (f->len && buf_addc(f, '&')) || form_encode(f, k) || buf_addc(f, '=') ||
	       form_encode(f, v ? v : "");
}

static int
kv_bits(struct buf *f, const struct taxonomy *tax, const char *k, enum tax_list l, uint64_t bits)
{
	int i;

	for (i = 0; i < tax_count(tax, l) && i < 64; i++)
		if ((bits >> i & 1) && kv(f, k, tax_code(tax, l, i)))
			return -1;
	return 0;
}

static int
kv_num(struct buf *f, const char *k, long v)
{
	char s[32];

	if (v == NO_FEE)
		return 0;
	snprintf(s, sizeof(s), "%ld", v);
	return kv(f, k, s);
}

/* Fills r's arguments from the stored therapist, as the form would send it. */
static int
therapist_as_form(struct req *r, const struct therapist *t, const struct store_policy *pol,
                  const struct store_avail_modes *m)
{
	const struct taxonomy *tax = r->app->sv.tax;
	struct buf f = BUF_INIT, w = BUF_INIT;
	char s[64];
	int i, d, rc = -1;

	if (kv(&f, "name", t->name) || kv(&f, "credentials", t->credentials) ||
	    kv(&f, "profession", tax_code(tax, TAX_PROFESSION, t->profession)) ||
	    kv(&f, "npi", t->npi))
		goto out;
	for (i = 0; i < t->n_licenses; i++)
		if ((w.len && buf_adds(&w, ", ")) ||
		    buf_adds(&w, tax_code(tax, TAX_JURISDICTION, t->licenses[i])))
			goto out;
	if (kv(&f, "licenses", w.p ? w.p : "") ||
	    kv_bits(&f, tax, "compacts", TAX_COMPACT, t->compacts) ||
	    kv_bits(&f, tax, "modalities", TAX_MODALITY, t->modalities) ||
	    kv_bits(&f, tax, "formats", TAX_FORMAT, t->formats))
		goto out;
	if (t->has_office) {
		snprintf(s, sizeof(s), "%.6f", t->lat);
		if (kv(&f, "office_lat", s))
			goto out;
		snprintf(s, sizeof(s), "%.6f", t->lon);
		if (kv(&f, "office_lon", s) ||
		    kv(&f, "office_jurisdiction", tax_code(tax, TAX_JURISDICTION, t->office_jurisdiction)))
			goto out;
	}
	if ((t->accepting && kv(&f, "accepting", "1")) ||
	    kv(&f, "fee_currency", t->fee.currency) || kv_num(&f, "fee_session", t->fee.session) ||
	    kv_num(&f, "fee_sliding", t->fee.sliding_min) ||
	    kv_num(&f, "fee_discount", t->fee.discount_pct) ||
	    kv_num(&f, "fee_group", t->fee.group) ||
	    kv_bits(&f, tax, "orientations", TAX_ORIENTATION, t->orientations) ||
	    kv_bits(&f, tax, "focus_areas", TAX_FOCUS, t->focus) ||
	    kv_bits(&f, tax, "populations", TAX_POPULATION, t->populations) ||
	    kv_bits(&f, tax, "career_stages", TAX_CAREER, t->career_stages) ||
	    (t->clinician_clients && kv(&f, "clinician_clients", "1")) ||
	    kv(&f, "timezone", t->timezone))
		goto out;
	buf_reset(&w);
	for (i = 0; i < t->n_languages; i++)
		if ((w.len && buf_adds(&w, ", ")) ||
		    buf_adds(&w, tax_code(tax, TAX_LANGUAGE, t->languages[i])))
			goto out;
	if (kv(&f, "languages", w.p ? w.p : ""))
		goto out;
	for (d = 0; d < 7; d++) {
		char key[16];
		int mi;

		buf_reset(&w);
		for (i = 0; i < t->n_avail; i++) {
			if (t->avail[i].day != d)
				continue;
			snprintf(s, sizeof(s), "%s%02d:%02d-%02d:%02d", w.len ? ", " : "",
			         t->avail[i].start / 60, t->avail[i].start % 60,
			         t->avail[i].end / 60, t->avail[i].end % 60);
			if (buf_adds(&w, s))
				goto out;
			for (mi = 0; m && mi < m->n; mi++)
				if (m->v[mi].day == d && m->v[mi].start == t->avail[i].start &&
				    m->v[mi].end == t->avail[i].end &&
				    buf_adds(&w, m->v[mi].modes == 1 << MOD_TELEHEALTH ? " telehealth" : " in person"))
					goto out;
		}
		snprintf(key, sizeof(key), "avail_%s", days[d]);
		if (w.len && kv(&f, key, w.p))
			goto out;
	}
	for (i = 0; i < t->n_affils && i < AFF_MAX - AFF_BLANK; i++) {
		char k[24];

		snprintf(k, sizeof(k), "aff_org%d", i + 1);
		if (kv(&f, k, t->affils[i].ref))
			goto out;
		snprintf(k, sizeof(k), "aff_role%d", i + 1);
		if (kv(&f, k, tax_code(tax, TAX_ROLE, t->affils[i].role)))
			goto out;
		snprintf(k, sizeof(k), "aff_past%d", i + 1);
		if (!t->affils[i].current && kv(&f, k, "1"))
			goto out;
		snprintf(k, sizeof(k), "aff_person%d", i + 1);
		if (t->affils[i].person && kv(&f, k, "1"))
			goto out;
	}
	if (pol && (kv(&f, "policy_confidentiality", pol->confidentiality) ||
	            kv(&f, "policy_events", pol->events) || kv(&f, "policy_dual", pol->dual)))
		goto out;
	rc = f.len ? req_add_form(r, f.p) : 0;
out:
	buf_free(&f);
	buf_free(&w);
	return rc;
}

/* ----------------------------------------------------------------------
 * The form
 * ---------------------------------------------------------------------- */

static bool
is_checked(struct req *r, const char *key, const char *value)
{
	const char *v[LIST_MAX];
	int n = req_args(r, key, v, LIST_MAX), i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], value) == 0)
			return true;
	return false;
}

/* A text field; extra is markup, its attributes as a literal ("" for none). */
#define text_input(b, r, key, label, hint, extra) \
	text_input_((b), (r), (key), (label), (hint), MARKUP(extra))

static int
text_input_(struct buf *b, struct req *r, const char *key, const char *label,
            const char *hint, struct markup extra)
{
	const char *v = req_arg(r, key);

	return html(b, "<label for=\"e-") || html_attr(b, key) || html(b, "\">") ||
	       html_txt(b, label) || html(b, "</label>") ||
	       (hint && (html(b, "<span class=\"hint\" id=\"h-") || html_attr(b, key) ||
	                 html(b, "\">") || html_txt(b, hint) || html(b, "</span>"))) ||
	       html(b, "<input type=\"text\" id=\"e-") || html_attr(b, key) ||
	       html(b, "\" name=\"") || html_attr(b, key) || html(b, "\" value=\"") ||
	       html_attr(b, v ? v : "") || html(b, "\"") ||
	       (hint && (html(b, " aria-describedby=\"h-") || html_attr(b, key) || html(b, "\""))) ||
	       html(b, " ") || html_markup(b, extra) || html(b, ">\n");
}

static int
check(struct buf *b, struct req *r, const char *key, const char *value, const char *label)
{
	return html(b, "<label class=\"inline\"><input type=\"checkbox\" name=\"") ||
	       html_attr(b, key) || html(b, "\" value=\"") || html_attr(b, value) ||
	       html_pick(b, is_checked(r, key, value), "\" checked> ", "\"> ") ||
	       html_txt(b, label) || html(b, "</label>\n");
}

static int
checks(struct buf *b, struct req *r, const char *key, enum tax_list l, const char *legend)
{
	const struct taxonomy *tax = r->app->sv.tax;
	int i;

	if (html(b, "<fieldset class=\"checks\"><legend>") || html_txt(b, legend) ||
	    html(b, "</legend>\n"))
		return -1;
	for (i = 0; i < tax_count(tax, l); i++)
		if (check(b, r, key, tax_code(tax, l, i), tax_label(tax, l, i)))
			return -1;
	return html(b, "</fieldset>\n");
}

static int
textarea(struct buf *b, struct req *r, const char *key, const char *label)
{
	const char *v = req_arg(r, key);

	return html(b, "<label for=\"e-") || html_attr(b, key) || html(b, "\">") ||
	       html_txt(b, label) || html(b, "</label><textarea id=\"e-") || html_attr(b, key) ||
	       html(b, "\" name=\"") || html_attr(b, key) ||
	       html(b, "\" rows=\"4\" maxlength=\"2000\">") || html_txt(b, v ? v : "") ||
	       html(b, "</textarea>\n");
}

static int
legend(struct buf *b, int k)
{
	return html(b, "<fieldset id=\"") || html_attr(b, sections[k].anchor) ||
	       html(b, "\"><legend>") || html_txt(b, sections[k].legend) || html(b, "</legend>\n");
}

static int
edit_form(struct req *r, struct resp *p, bool create, const struct verr *e)
{
	static const char *const roles[] = {
		"employer", "trainee", "faculty", "member", "supervisor", "supervisee",
	};
	const struct taxonomy *tax = r->app->sv.tax;
	struct buf *b = &p->body;
	const char *v;
	int i, k, rows;

	if (page_begin(r, p, create ? "Create your listing" : "Edit your listing") ||
	    html_pick(b, create, "<h1>Create your listing</h1>\n", "<h1>Edit your listing</h1>\n"))
		return -1;
	if (e) {
		const struct section *s = section_of(e->field);

		if (html(b, "<div class=\"card conflict\" role=\"alert\" tabindex=\"-1\"><p>Nothing was "
		            "saved. ") ||
		    (s && (html(b, "<a href=\"#") || html_attr(b, s->anchor) || html(b, "\">") ||
		           html_txt(b, s->legend) || html(b, "</a>, "))) ||
		    (e->field[0] && (html(b, "<code>") || html_txt(b, e->field) || html(b, "</code>: "))) ||
		    html_txt(b, e->msg) || html(b, "</p></div>\n"))
			return -1;
	}
	if (html(b, "<p class=\"hint\">Everything here is public on your profile except your "
	            "affiliations, which chiron uses only to keep clinicians you know from being "
	            "matched with you. Saving also confirms your listing is current.</p>\n"
	            "<form method=\"post\" action=\"") ||
	    html_pick(b, create, "/listing/new", "/listing/edit") || html(b, "\">") ||
	    form_csrf(b, r, p))
		return -1;

	if (legend(b, 0) ||
	    text_input(b, r, "name", "Name", NULL, "required maxlength=\"200\" autocomplete=\"name\"") ||
	    text_input(b, r, "credentials", "Credentials", "Like PhD, LCSW", "maxlength=\"100\"") ||
	    html(b, "<label for=\"e-profession\">Profession</label><select id=\"e-profession\" "
	            "name=\"profession\">"))
		return -1;
	v = req_arg(r, "profession");
	for (i = 0; i < tax_count(tax, TAX_PROFESSION); i++) {
		const char *code = tax_code(tax, TAX_PROFESSION, i);

		if (html(b, "<option value=\"") || html_attr(b, code) ||
		    html_pick(b, v && strcmp(v, code) == 0, "\" selected>", "\">") ||
		    html_txt(b, i < 7 ? profession_labels[i] : tax_label(tax, TAX_PROFESSION, i)) ||
		    html(b, "</option>"))
			return -1;
	}
	if (html(b, "</select>\n") ||
	    text_input(b, r, "npi", "NPI", "10 digits; optional", "inputmode=\"numeric\" maxlength=\"10\"") ||
	    html(b, "</fieldset>\n"))
		return -1;

	if (legend(b, 1) ||
	    text_input(b, r, "licenses", "Licensed in",
	               "State or province codes, separated by commas: US-NY, US-NJ", "") ||
	    checks(b, r, "compacts", TAX_COMPACT, "Interstate compacts you practise under") ||
	    checks(b, r, "modalities", TAX_MODALITY, "How you meet clients") ||
	    checks(b, r, "formats", TAX_FORMAT, "Formats") ||
	    html(b, "<p class=\"hint\">Your office, for in-person sessions (leave empty if you offer "
	            "telehealth only):</p>\n") ||
	    text_input(b, r, "office_lat", "Office latitude", NULL, "inputmode=\"decimal\"") ||
	    text_input(b, r, "office_lon", "Office longitude", NULL, "inputmode=\"decimal\"") ||
	    text_input(b, r, "office_jurisdiction", "Office state or province", "Like US-NY", "") ||
	    html(b, "</fieldset>\n"))
		return -1;

	if (legend(b, 2) ||
	    html(b, "<p class=\"check\"><label class=\"inline\"><input type=\"checkbox\" "
	            "name=\"accepting\" value=\"1\"") ||
	    html_pick(b, req_arg(r, "accepting"), " checked", "") ||
	    html(b, "> I am accepting new clients</label></p>\n") ||
	    text_input(b, r, "fee_currency", "Currency", "Three letters, like USD", "maxlength=\"3\"") ||
	    text_input(b, r, "fee_session", "Fee for one session", NULL, "inputmode=\"numeric\" required") ||
	    text_input(b, r, "fee_sliding", "Lowest fee on your sliding scale", "Empty: no sliding scale",
	               "inputmode=\"numeric\"") ||
	    text_input(b, r, "fee_discount", "Discount for clinicians, in percent", "Empty: none",
	               "inputmode=\"numeric\"") ||
	    text_input(b, r, "fee_group", "Fee for a group session", "Empty: no groups",
	               "inputmode=\"numeric\"") ||
	    html(b, "</fieldset>\n"))
		return -1;

	if (legend(b, 3) ||
	    checks(b, r, "orientations", TAX_ORIENTATION, "Orientations") ||
	    checks(b, r, "focus_areas", TAX_FOCUS, "Focus areas") ||
	    checks(b, r, "populations", TAX_POPULATION, "Populations you affirm") ||
	    checks(b, r, "career_stages", TAX_CAREER, "Career stages you work with") ||
	    html(b, "<p class=\"check\"><label class=\"inline\"><input type=\"checkbox\" "
	            "name=\"clinician_clients\" value=\"1\"") ||
	    html_pick(b, req_arg(r, "clinician_clients"), " checked", "") ||
	    html(b, "> I see clinicians as clients</label></p>\n</fieldset>\n"))
		return -1;

	if (legend(b, 4) ||
	    text_input(b, r, "languages", "Languages", "ISO 639-1 codes, separated by commas: en, es",
	               "") ||
	    html(b, "</fieldset>\n"))
		return -1;

	if (legend(b, 5) ||
	    text_input(b, r, "timezone", "Time zone", "An IANA zone, like America/New_York",
	               "required") ||
	    html(b, "<p class=\"hint\" id=\"h-hours\">The hours you keep open for new clients each "
	            "week, in your time zone, like 09:00-12:00, 14:00-17:30. Add \u201ctelehealth\u201d or "
	            "\u201cin person\u201d after a range held only one way: 09:00-12:00 telehealth.</p>\n"))
		return -1;
	for (i = 0; i < 7; i++) {
		char key[16];

		snprintf(key, sizeof(key), "avail_%s", days[i]);
		if (text_input(b, r, key, day_labels[i], NULL, "aria-describedby=\"h-hours\""))
			return -1;
	}
	if (html(b, "</fieldset>\n"))
		return -1;

	if (legend(b, 6) ||
	    html(b, "<p class=\"hint\">Where you work, train, teach and belong, and whom you "
	            "supervise or were supervised by: chiron keeps clinicians who share them closely "
	            "from being matched with you. An organization by its registry id (type a few "
	            "letters of the name to find it; <a href=\"/orgs/new\">add a missing one</a>), a "
	            "person by their listing id.</p>\n"))
		return -1;
	for (rows = 0, i = 1; i <= AFF_MAX; i++) {
		char key[24];

		snprintf(key, sizeof(key), "aff_org%d", i);
		if ((v = req_arg(r, key)) && v[0])
			rows = i;
	}
	rows += AFF_BLANK;
	if (rows > AFF_MAX)
		rows = AFF_MAX;
	for (i = 1; i <= rows; i++) {
		char f[32];

		snprintf(f, sizeof(f), "aff_org%d", i);
		v = req_arg(r, f);
		if (html(b, "<p><input type=\"text\" name=\"") || html_attr(b, f) ||
		    html(b, "\" aria-label=\"Affiliation ") || html_int(b, i) ||
		    html(b, ": organization or person id\" value=\"") || html_attr(b, v ? v : "") ||
		    html(b, "\"> <select name=\""))
			return -1;
		snprintf(f, sizeof(f), "aff_role%d", i);
		v = req_arg(r, f);
		if (html_attr(b, f) || html(b, "\" aria-label=\"Affiliation ") || html_int(b, i) ||
		    html(b, ": role\">"))
			return -1;
		for (k = 0; k < 6; k++)
			if (html(b, "<option value=\"") || html_attr(b, roles[k]) ||
			    html_pick(b, v && strcmp(v, roles[k]) == 0, "\" selected>", "\">") ||
			    html_txt(b, tax_label(tax, TAX_ROLE, k)) || html(b, "</option>"))
				return -1;
		snprintf(f, sizeof(f), "aff_person%d", i);
		if (html(b, "</select> <label class=\"inline\"><input type=\"checkbox\" name=\"") ||
		    html_attr(b, f) || html_pick(b, req_arg(r, f),
		                                 "\" value=\"1\" checked",
		                                 "\" value=\"1\"") ||
		    html(b, " aria-label=\"Affiliation ") || html_int(b, i) ||
		    html(b, ": a person\"> a person</label>"))
			return -1;
		snprintf(f, sizeof(f), "aff_past%d", i);
		if (html(b, " <label class=\"inline\"><input type=\"checkbox\" name=\"") ||
		    html_attr(b, f) || html_pick(b, req_arg(r, f),
		                                 "\" value=\"1\" checked",
		                                 "\" value=\"1\"") ||
		    html(b, " aria-label=\"Affiliation ") || html_int(b, i) ||
		    html(b, ": in the past\"> in the past</label></p>\n"))
			return -1;
	}
	if (html(b, "</fieldset>\n"))
		return -1;

	if (legend(b, 7) ||
	    html(b, "<p class=\"hint\">What a clinician can raise at a first consultation; shown on "
	            "your profile.</p>\n") ||
	    textarea(b, r, "policy_confidentiality", "Confidentiality when we share colleagues") ||
	    textarea(b, r, "policy_events", "Meeting clients at professional events") ||
	    textarea(b, r, "policy_dual", "A dual relationship found later") ||
	    html(b, "</fieldset>\n<p><button type=\"submit\">") ||
	    html_pick(b, create, "Create my listing", "Save") ||
	    html(b, "</button></p></form>\n<script src=\"/static/orgs.js\" defer></script>\n") ||
	    page_end(p))
		return -1;
	return 0;
}

/* ----------------------------------------------------------------------
 * Handlers
 * ---------------------------------------------------------------------- */

/* The form's record for id, validated and stored; the form again on error. */
static int
post_form(struct req *r, struct resp *p, const char *id, bool create)
{
	struct buf j = BUF_INIT;
	struct store_policy *pol = arena_alloc(r->a, sizeof(*pol));
	struct store_avail_modes *modes = arena_calloc(r->a, 1, sizeof(*modes));
	struct listing_in in;
	struct refusal why;
	const char *field = NULL, *msg = NULL;
	struct verr e;
	int rc;

	if (!pol || !modes)
		return -1;
	memset(&e, 0, sizeof(e));
	rc = form_record(r, id, &j, &field, &msg, modes);
	if (rc == 0 && form_policy(r, pol, &field)) {
		msg = "at most 2000 characters";
		field = "policies";
		rc = 1;
	}
	if (rc == 1)
		refuse(&why, 400, field, msg);
	else if (rc == 0) {
		in = (struct listing_in){j.p, j.len, pol, modes};
		rc = create ? listing_create_record(&r->cx, &r->who, id, &in, &why) :
		              listing_save_record(&r->cx, &r->who, &in, &why);
	}
	buf_free(&j);
	if (rc == 1 && why.status == 400) {
		verr_set(&e, why.field, "%s", why.message);
		p->status = 400;
		return edit_form(r, p, create, &e);
	}
	if (rc == 1)
		return refusal_response(r, p, &why);
	return rc ? -1 : redirect(r, p, "/listing?saved=1");
}

int
page_listing_edit(struct req *r, struct resp *p)
{
	struct listing_mine *m;
	struct refusal why;
	int rc;

	if (!r->who.therapist_id[0])
		return redirect(r, p, "/listing");
	if (strcmp(r->method, "POST") == 0)
		return post_form(r, p, r->who.therapist_id, false);
	if (!(m = arena_alloc(r->a, sizeof(*m))))
		return -1;
	if ((rc = listing_mine(&r->cx, &r->who, m, &why)) != 0)
		return rc < 0 ? -1 : refusal_response(r, p, &why);
	if (therapist_as_form(r, &m->t, m->pol_stated ? &m->pol : NULL, &m->modes))
		return -1;
	return edit_form(r, p, false, NULL);
}

int
page_listing_new(struct req *r, struct resp *p)
{
	char id[24];

	if (r->who.therapist_id[0])
		return redirect(r, p, "/listing/edit");
	if (r->who.claim_id[0])
		return redirect(r, p, "/listing");     /* one claim at a time */
	if (strcmp(r->method, "POST") != 0) {
		if (req_add_form(r, "fee_currency=USD&accepting=1&modalities=telehealth&formats=individual"))
			return -1;
		return edit_form(r, p, true, NULL);
	}
	listing_new_id(id);
	return post_form(r, p, id, true);
}

/* ----------------------------------------------------------------------
 * The API: GET/PUT /api/v1/listing/record and /api/v1/listing/policies
 * ---------------------------------------------------------------------- */

int
api_listing_record(struct req *r, struct resp *p)
{
	struct refusal why;
	int rc = 0;

	if (strcmp(r->method, "PUT") == 0)
		rc = listing_record_put(&r->cx, &r->who, r->body, r->body_len, &why);
	if (rc == 0)
		rc = listing_record_json(&r->cx, &r->who, &p->body, &why);
	if (rc)
		return rc < 0 ? -1 : refusal_response(r, p, &why);
	return json_response(p, 200);
}

static void
policy_json(struct jw *w, const struct store_policy *pol)
{
	jw_obj_open(w);
	jw_kstr(w, "confidentiality", pol->confidentiality);
	jw_kstr(w, "professional_events", pol->events);
	jw_kstr(w, "dual_relationships", pol->dual);
	jw_kint(w, "updated_at", pol->updated_at);
	jw_obj_close(w);
}

int
api_listing_policies(struct req *r, struct resp *p)
{
	static const struct { const char *key; size_t off; } f[] = {
		{"confidentiality", offsetof(struct store_policy, confidentiality)},
		{"professional_events", offsetof(struct store_policy, events)},
		{"dual_relationships", offsetof(struct store_policy, dual)},
	};
	struct store_policy *pol = arena_alloc(r->a, sizeof(*pol));
	struct refusal why;
	struct jw w;
	size_t i;
	int rc;

	if (!pol)
		return -1;
	/* Who may is asked before the body is read, as for the record. */
	if ((rc = listing_policies_get(&r->cx, &r->who, pol, &why)) != 0)
		return rc < 0 ? -1 : refusal_response(r, p, &why);
	if (strcmp(r->method, "PUT") == 0) {
		struct verr e;
		jnode *root = jn_parse(r->body, r->body_len, r->a, &e);

		if (!root) {
			error_response(r, p, 400, e.field, e.msg);
			return 0;
		}
		if (root->type != JN_OBJECT) {
			error_response(r, p, 400, "", "expected a JSON object");
			return 0;
		}
		memset(pol, 0, sizeof(*pol));
		for (i = 0; i < root->len; i++) {
			const jnode *k = &root->kids[i];
			size_t x;

			for (x = 0; x < sizeof(f) / sizeof(f[0]); x++)
				if (strcmp(k->key, f[x].key) == 0)
					break;
			if (x == sizeof(f) / sizeof(f[0])) {
				error_response(r, p, 400, k->key, "unknown field");
				return 0;
			}
			if (k->type != JN_STRING || k->len >= STORE_POLICY_MAX) {
				error_response(r, p, 400, k->key, "must be a string of at most 2000 bytes");
				return 0;
			}
			snprintf((char *)pol + f[x].off, STORE_POLICY_MAX, "%s", k->str);
		}
		if ((rc = listing_policies_save(&r->cx, &r->who, pol, &why)) != 0)
			return rc < 0 ? -1 : refusal_response(r, p, &why);
	}
	if ((rc = listing_policies_get(&r->cx, &r->who, pol, &why)) != 0)
		return rc < 0 ? -1 : refusal_response(r, p, &why);
	jw_init(&w, &p->body);
	policy_json(&w, pol);
	return json_reply(p, &w, 200);
}
