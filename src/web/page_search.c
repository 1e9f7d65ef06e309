/*
 * page_search.c: the search form and its results.
 *
 * The form has every field of the query contract in humane form. It is
 * sent by POST, so that the organizations a clinician names to screen out
 * dual relationships travel in the body, never in an address; the results
 * offer a bookmark link that carries the plain preferences only. A GET with
 * those preferences (a bookmark) runs the same search.
 *
 * The form's fields become a query in the contract's JSON and go through
 * the one query validator, so the page and the API refuse exactly the same
 * things, with the same words. Results come from the same JSON the API
 * returns (reasons included), ten to a page.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "core/query.h"
#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

#define PER_PAGE 10
#define FREE_ROWS FREE_HOURS_MAX         /* free-hour windows a search takes */
#define FREE_SHOWN 4                    /* rows shown at least, and one more than those filled */
#define AFF_ROWS 3

/* Form fields that are preferences (may be bookmarked). */
static const char *const plain_fields[] = {
	"jurisdiction", "modality", "lat", "lon", "max_distance_km",
	"min_distance_km", "budget", "sliding_scale", "clinician_discount",
	"group_ok", "orientation_mode", "my_orientations",
	"preferred_orientations", "goals", "populations", "languages",
	"career_stage", "timezone", "week_of", "require_overlap", NULL,
};                                      /* and the free_dayN, free_startN, free_endN */

static const char *
arg(struct req *r, const char *k)
{
	const char *v = req_arg(r, k);

	return v && *v ? v : NULL;
}

/* Writes "key":number when the field holds one; a field that is not is an error. */
static void
json_number(struct jw *q, struct req *r, const char *field, const char *key, const char **bad)
{
	const struct field f = {field, F_NUMBER, 0, 0, false, NULL, NULL};
	const char *v = arg(r, field);
	struct fval num;
	struct verr e;

	if (!v)
		return;
	/* A JSON number only: the text is checked by the field's validator. */
	if (field_check(&f, v, &num, &e)) {
		*bad = field;
		return;
	}
	jw_knum(q, key, num.d);
}

static void
json_string(struct jw *q, struct req *r, const char *field)
{
	const char *v = arg(r, field);

	if (v)
		jw_kstr(q, field, v);
}

static void
json_flag(struct jw *q, struct req *r, const char *field)
{
	if (arg(r, field))
		jw_kbool(q, field, true);
}

static void
json_list(struct jw *q, struct req *r, const char *field)
{
	const char *v[256];
	int n = req_args(r, field, v, 256), i;

	if (!n)
		return;
	jw_karr_open(q, field);
	for (i = 0; i < n; i++)
		if (*v[i])
			jw_str(q, v[i]);
	jw_arr_close(q);
}

/*
 * The query for the form's fields (limit as given), written to out. *bad
 * names a field that is not a number when it should be.
 */
static int
form_query(struct req *r, struct buf *out, int limit, int with_affiliations,
           const char **bad)
{
	char f[32];
	int i, n;
	struct jw jw, *q = &jw;

	*bad = NULL;
	jw_init(q, out);
	jw_obj_open(q);
	json_string(q, r, "jurisdiction");
	json_string(q, r, "modality");
	json_number(q, r, "max_distance_km", "max_distance_km", bad);
	json_number(q, r, "min_distance_km", "min_distance_km", bad);
	json_number(q, r, "budget", "budget", bad);
	json_flag(q, r, "sliding_scale");
	json_flag(q, r, "clinician_discount");
	json_flag(q, r, "group_ok");
	json_string(q, r, "orientation_mode");
	json_list(q, r, "my_orientations");
	json_list(q, r, "preferred_orientations");
	json_list(q, r, "goals");
	json_list(q, r, "populations");
	json_list(q, r, "languages");
	json_string(q, r, "career_stage");
	json_string(q, r, "timezone");
	json_string(q, r, "week_of");
	json_flag(q, r, "require_overlap");
	if (arg(r, "lat") || arg(r, "lon")) {
		jw_kobj_open(q, "location");
		json_number(q, r, "lat", "lat", bad);
		json_number(q, r, "lon", "lon", bad);
		jw_obj_close(q);
	}
	for (i = 1, n = 0; i <= FREE_ROWS; i++) {
		const char *d, *s, *e;

		snprintf(f, sizeof(f), "free_day%d", i);
		d = arg(r, f);
		snprintf(f, sizeof(f), "free_start%d", i);
		s = arg(r, f);
		snprintf(f, sizeof(f), "free_end%d", i);
		e = arg(r, f);
		if (!d || !s || !e)
			continue;
		if (!n++)
			jw_karr_open(q, "free");
		jw_obj_open(q);
		jw_kstr(q, "day", d);
		jw_kstr(q, "start", s);
		jw_kstr(q, "end", e);
		jw_obj_close(q);
	}
	if (n)
		jw_arr_close(q);
	for (i = 1, n = 0; with_affiliations && i <= AFF_ROWS; i++) {
		const char *o, *role;

		snprintf(f, sizeof(f), "aff_org%d", i);
		o = arg(r, f);
		snprintf(f, sizeof(f), "aff_role%d", i);
		role = arg(r, f);
		if (!o)
			continue;
		snprintf(f, sizeof(f), "aff_past%d", i);
		if (!n++)
			jw_karr_open(q, "affiliations");
		jw_obj_open(q);
		jw_kstr(q, "org", o);
		jw_kstr(q, "role", role ? role : "member");
		jw_kbool(q, "current", !arg(r, f));
		jw_obj_close(q);
	}
	if (n)
		jw_arr_close(q);
	jw_kint(q, "limit", limit);
	jw_obj_close(q);
	return jw_end(q);
}

/* ----------------------------------------------------------------------
 * The form
 * ---------------------------------------------------------------------- */

static int
selected(struct req *r, const char *field, const char *code)
{
	const char *v[256];
	int n = req_args(r, field, v, 256), i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], code) == 0)
			return 1;
	return 0;
}

static int
options(struct buf *b, struct req *r, const char *field, enum tax_list l, int none)
{
	const struct taxonomy *tax = r->app->sv.tax;
	int i;

	if (none && html(b, "<option value=\"\">No preference</option>"))
		return -1;
	for (i = 0; i < tax_count(tax, l); i++)
		if (html(b, "<option value=\"") || html_attr(b, tax_code(tax, l, i)) ||
		    html_pick(b, selected(r, field, tax_code(tax, l, i)), "\" selected>", "\">") ||
		    html_txt(b, tax_label(tax, l, i)) || html(b, "</option>"))
			return -1;
	return 0;
}

static int
multi(struct buf *b, struct req *r, const char *field, const char *label,
      const char *hint, enum tax_list l)
{
	return html(b, "<label for=\"") || html_attr(b, field) || html(b, "\">") ||
	       html_txt(b, label) || html(b, "</label><p class=\"hint\" id=\"") ||
	       html_attr(b, field) || html(b, "-hint\">") || html_txt(b, hint) ||
	       html(b, " Hold Ctrl (or Command) to choose more than one.") ||
	       html(b, "</p><select multiple id=\"") || html_attr(b, field) ||
	       html(b, "\" name=\"") || html_attr(b, field) ||
	       html(b, "\" aria-describedby=\"") || html_attr(b, field) || html(b, "-hint\">") ||
	       options(b, r, field, l, 0) || html(b, "</select>\n");
}

/* A field; extra is markup, its attributes as a literal. */
#define input(b, r, field, label, type, extra) \
	input_((b), (r), (field), (label), (type), MARKUP(extra))

static int
input_(struct buf *b, struct req *r, const char *field, const char *label,
       const char *type, struct markup extra)
{
	const char *v = req_arg(r, field);

	return html(b, "<label for=\"") || html_attr(b, field) || html(b, "\">") ||
	       html_txt(b, label) || html(b, "</label><input type=\"") || html_attr(b, type) ||
	       html(b, "\" id=\"") || html_attr(b, field) || html(b, "\" name=\"") ||
	       html_attr(b, field) || html(b, "\" value=\"") || html_attr(b, v ? v : "") ||
	       html(b, "\" ") || html_markup(b, extra) || html(b, ">\n");
}

static int
checkbox(struct buf *b, struct req *r, const char *field, const char *label)
{
	return html(b, "<label class=\"inline\"><input type=\"checkbox\" name=\"") ||
	       html_attr(b, field) || html_pick(b, arg(r, field),
	                                        "\" value=\"1\" checked> ",
	                                        "\" value=\"1\"> ") ||
	       html_txt(b, label) || html(b, "</label>\n");
}

static int
radio(struct buf *b, struct req *r, const char *field, const char *value,
      const char *label, int dflt)
{
	const char *v = arg(r, field);
	int on = v ? strcmp(v, value) == 0 : dflt;

	return html(b, "<label class=\"inline\"><input type=\"radio\" name=\"") ||
	       html_attr(b, field) || html(b, "\" value=\"") || html_attr(b, value) ||
	       html_pick(b, on, "\" checked> ", "\"> ") || html_txt(b, label) ||
	       html(b, "</label>\n");
}

static int
day_select(struct buf *b, struct req *r, int i)
{
	static const char *const names[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
		"Friday", "Saturday", "Sunday"};
	char f[32];
	const char *v;
	int d;

	snprintf(f, sizeof(f), "free_day%d", i);
	v = req_arg(r, f);
	if (html(b, "<select name=\"") || html_attr(b, f) || html(b, "\" aria-label=\"Day ") ||
	    html_int(b, i) || html(b, "\"><option value=\"\">Day</option>"))
		return -1;
	for (d = 0; d < 7; d++)
		if (html(b, "<option value=\"") || html_attr(b, day_names[d]) ||
		    html_pick(b, v && strcmp(v, day_names[d]) == 0, "\" selected>", "\">") ||
		    html_txt(b, names[d]) || html(b, "</option>"))
			return -1;
	return html(b, "</select>");
}

static int
time_input(struct buf *b, struct req *r, const char *what, int i, const char *label)
{
	char f[32], l[48];
	const char *v;

	snprintf(f, sizeof(f), "free_%s%d", what, i);
	snprintf(l, sizeof(l), "%s %d", label, i);
	v = req_arg(r, f);
	return html(b, " <input type=\"time\" name=\"") || html_attr(b, f) ||
	       html(b, "\" aria-label=\"") || html_attr(b, l) || html(b, "\" value=\"") ||
	       html_attr(b, v ? v : "") || html(b, "\">");
}

static int
form(struct buf *b, struct req *r, const char *error_field, const char *error)
{
	static const char *const roles[] = {"employer", "trainee", "faculty", "member",
		"supervisor", "supervisee"};
	static const char *const role_labels[] = {"I work there", "I train there",
		"I teach there", "I am a member", "They supervise(d) me", "I supervise(d) them"};
	int i, k;

	if (error && (html(b, "<div class=\"card conflict\" role=\"alert\"><p><strong>Please check ") ||
	              html_txt(b, *error_field ? error_field : "the form") ||
	              html(b, ":</strong> ") || html_txt(b, error) || html(b, "</p></div>\n")))
		return -1;
	if (html(b, "<form method=\"post\" action=\"/search\">\n"
	            "<fieldset><legend>Where you are, and how you would meet</legend>\n"
	            "<label for=\"jurisdiction\">State or province where you will be during sessions</label>"
	            "<select id=\"jurisdiction\" name=\"jurisdiction\" required>") ||
	    options(b, r, "jurisdiction", TAX_JURISDICTION, 0) || html(b, "</select>\n<p>") ||
	    radio(b, r, "modality", "either", "Telehealth or in person", 1) ||
	    radio(b, r, "modality", "telehealth", "Telehealth only", 0) ||
	    radio(b, r, "modality", "in_person", "In person only", 0) ||
	    html(b, "</p><div class=\"grid\"><div>") ||
	    input(b, r, "lat", "Your latitude (for in person)", "text", "inputmode=\"decimal\"") ||
	    html(b, "</div><div>") ||
	    input(b, r, "lon", "Your longitude", "text", "inputmode=\"decimal\"") ||
	    html(b, "</div><div>") ||
	    input(b, r, "max_distance_km", "At most this far (km)", "number", "min=\"0\" step=\"any\"") ||
	    html(b, "</div><div>") ||
	    input(b, r, "min_distance_km", "At least this far (km)", "number", "min=\"0\" step=\"any\"") ||
	    html(b, "</div></div><p class=\"hint\">A minimum distance keeps a therapist outside your own "
	            "professional circle in a small community.</p></fieldset>\n"))
		return -1;
	if (html(b, "<fieldset><legend>Cost</legend>") ||
	    input(b, r, "budget", "Most you can pay a session", "number", "min=\"0\" step=\"1\"") ||
	    html(b, "<p class=\"check\">") ||
	    checkbox(b, r, "sliding_scale", "I would use a sliding scale") ||
	    checkbox(b, r, "clinician_discount", "I qualify for a clinician discount") ||
	    checkbox(b, r, "group_ok", "A group would suit me") ||
	    html(b, "</p></fieldset>\n"))
		return -1;
	if (html(b, "<fieldset><legend>Approach</legend><p>") ||
	    radio(b, r, "orientation_mode", "any", "Any orientation", 1) ||
	    radio(b, r, "orientation_mode", "same", "The same as mine", 0) ||
	    radio(b, r, "orientation_mode", "different", "Different from mine", 0) ||
	    html(b, "</p>") ||
	    multi(b, r, "my_orientations", "My own orientation", "Used only for same or different.", TAX_ORIENTATION) ||
	    multi(b, r, "preferred_orientations", "Orientations I would like", "Ranked higher, not required.", TAX_ORIENTATION) ||
	    html(b, "</fieldset>\n"))
		return -1;
	if (html(b, "<fieldset><legend>What you would bring</legend>") ||
	    multi(b, r, "goals", "Goals", "Therapists who work with these rank higher.", TAX_FOCUS) ||
	    multi(b, r, "populations", "Experience with", "Ranked higher, not required.", TAX_POPULATION) ||
	    multi(b, r, "languages", "Languages", "The therapist must speak one of these.", TAX_LANGUAGE) ||
	    html(b, "<label for=\"career_stage\">Your career stage</label><select id=\"career_stage\" name=\"career_stage\">") ||
	    options(b, r, "career_stage", TAX_CAREER, 1) || html(b, "</select></fieldset>\n"))
		return -1;
	if (html(b, "<fieldset><legend>Your free hours</legend>") ||
	    input(b, r, "timezone", "Your time zone", "text", "placeholder=\"America/New_York\"") ||
	    input(b, r, "week_of", "Week starting (a Monday)", "date", "") ||
	    html(b, "<p class=\"hint\">Windows in your week, in your time zone. "
	            "<a href=\"/calendar\">Propose them from your calendar</a> (signed in).</p>"))
		return -1;
	for (i = 1, k = FREE_SHOWN; i <= FREE_ROWS; i++) {
		char f[32];

		snprintf(f, sizeof(f), "free_day%d", i);
		if (arg(r, f) && i >= k)
			k = i + 1;
	}
	for (i = 1; i <= k && i <= FREE_ROWS; i++)
		if (html(b, "<p>") || day_select(b, r, i) || time_input(b, r, "start", i, "From") ||
		    time_input(b, r, "end", i, "Until") || html(b, "</p>\n"))
			return -1;
	if (html(b, "<p class=\"check\">") ||
	    checkbox(b, r, "require_overlap", "Only therapists with 50 minutes free at one of these times") ||
	    html(b, "</p></fieldset>\n"))
		return -1;
	if (html(b, "<fieldset><legend>Screen out dual relationships</legend>"
	            "<p class=\"hint\">Name the organizations you belong to: type a few letters of the "
	            "name and pick it, or give its registry id (like org-000123); missing? "
	            "<a href=\"/orgs/new\">add it</a> (signed in). Therapists who "
	            "share them closely are left out; looser ties are shown. These are never put in "
	            "an address, stored, or shown to anyone.</p>\n"))
		return -1;
	for (i = 1; i <= AFF_ROWS; i++) {
		char f[32];
		const char *v;

		snprintf(f, sizeof(f), "aff_org%d", i);
		v = req_arg(r, f);
		if (html(b, "<p><input type=\"text\" name=\"") || html_attr(b, f) ||
		    html(b, "\" aria-label=\"Organization ") || html_int(b, i) ||
		    html(b, "\" value=\"") || html_attr(b, v ? v : "") || html(b, "\"> <select name=\""))
			return -1;
		snprintf(f, sizeof(f), "aff_role%d", i);
		v = req_arg(r, f);
		if (html_attr(b, f) || html(b, "\" aria-label=\"Your role ") || html_int(b, i) ||
		    html(b, "\">"))
			return -1;
		for (k = 0; k < 6; k++)
			if (html(b, "<option value=\"") || html_attr(b, roles[k]) ||
			    html_pick(b, v && strcmp(v, roles[k]) == 0, "\" selected>", "\">") ||
			    html_txt(b, role_labels[k]) || html(b, "</option>"))
				return -1;
		snprintf(f, sizeof(f), "aff_past%d", i);
		if (html(b, "</select> <label class=\"inline\"><input type=\"checkbox\" name=\"") ||
		    html_attr(b, f) || html_pick(b, arg(r, f),
		                                 "\" value=\"1\" checked",
		                                 "\" value=\"1\"") ||
		    html(b, " aria-label=\"Organization ") || html_int(b, i) ||
		    html(b, ": in the past\"> in the past</label></p>\n"))
			return -1;
	}
	if (html(b, "</fieldset>\n"))
		return -1;
	if (r->user &&
	    (form_csrf(b, r, NULL) || html(b, "<p class=\"check\">") ||
	     checkbox(b, r, "save_profile", "Save these preferences and organizations to my account "
	                                    "(only you can see them; they fill this form and screen "
	                                    "every search you make while signed in)") ||
	     html(b, "</p>")))
		return -1;
	return html(b, "<p><button type=\"submit\">Search</button></p>\n</form>\n"
	               "<script src=\"/static/orgs.js\" defer></script>\n");
}

/* ----------------------------------------------------------------------
 * Results
 * ---------------------------------------------------------------------- */

static const char *const rule_words[EX__MAX] = {
	"not accepting new clients",
	"cannot see you that way (license, compact or distance)",
	"over your budget",
	"do not speak your languages",
	"orientation does not fit your choice",
	"a dual relationship (or excluded)",
	"no 50 minutes in common with your free hours",
};

static const char *const rule_hints[EX__MAX] = {
	NULL,
	"allow telehealth, or widen the distance",
	"raise the budget, or allow a sliding scale or a clinician discount",
	"add a language",
	"choose any orientation",
	NULL,
	"add free hours, or drop the 50-minute requirement",
};

static int
funnel(struct buf *b, const jnode *res)
{
	const jnode *ex = jn_get(res, "excluded"), *tot = jn_get(res, "total_eligible");
	long worst = 0, total = tot ? (long)tot->i : 0;
	int i, wi = -1;

	if (html(b, "<section class=\"funnel\" aria-labelledby=\"funnel-h\"><h2 id=\"funnel-h\">") ||
	    html_int(b, total) || html_pick(b, total == 1, " therapist fits", " therapists fit") ||
	    html(b, "</h2><table><caption class=\"hint\">Set aside, each by the first rule it failed"
	            "</caption><thead><tr><th scope=\"col\">Reason</th><th scope=\"col\">Therapists</th>"
	            "</tr></thead><tbody>\n"))
		return -1;
	for (i = 0; i < EX__MAX; i++) {
		const jnode *v = jn_get(ex, exclusion_names[i]);
		long n = v ? (long)v->i : 0;

		if (rule_hints[i] && n > worst) {
			worst = n;
			wi = i;
		}
		if (html(b, "<tr><th scope=\"row\">") || html_txt(b, rule_words[i]) ||
		    html(b, "</th><td class=\"n\">") || html_int(b, n) || html(b, "</td></tr>\n"))
			return -1;
	}
	if (html(b, "</tbody></table>"))
		return -1;
	if (total < 5 && wi >= 0 &&
	    (html(b, "<p>Few fit. The rule that set most aside: ") || html_txt(b, rule_words[wi]) ||
	     html(b, ". To see more, ") || html_txt(b, rule_hints[wi]) || html(b, ".</p>")))
		return -1;
	return html(b, "</section>\n");
}

/* The currency named in the fee reason ("Your fee: 90 USD ..."), or "". */
static const char *
currency_of(const jnode *x)
{
	static const char *const known[] = {"USD", "CAD", NULL};
	const jnode *reasons = jn_get(x, "reasons");
	size_t i;
	int k;

	for (i = 0; reasons && i < reasons->len; i++)
		for (k = 0; known[k]; k++)
			if (strncmp(reasons->kids[i].str, "Your fee:", 9) == 0 &&
			    strstr(reasons->kids[i].str, known[k]))
				return known[k];
	return "";
}

static int
card(struct buf *b, const jnode *x)
{
	const jnode *id = jn_get(x, "id"), *name = jn_get(x, "name"),
	            *cred = jn_get(x, "credentials"), *fee = jn_get(x, "effective_fee"),
	            *basis = jn_get(x, "telehealth_basis"), *dist = jn_get(x, "distance_km"),
	            *inp = jn_get(x, "in_person"), *reasons = jn_get(x, "reasons"),
	            *soft = jn_get(x, "soft_conflicts"), *v;
	char tmp[64];
	size_t i;

	if (!id || !name)
		return 0;
	if (html(b, "<article class=\"card\"><h2><a href=\"/therapists/") || form_encode(b, id->str) ||
	    html(b, "\">") || html_txt(b, name->str) || html(b, "</a>") ||
	    (cred && (html(b, ", ") || html_txt(b, cred->str))) || html(b, "</h2>\n<p class=\"meta\">"))
		return -1;
	snprintf(tmp, sizeof(tmp), "You would pay %ld %s a session", fee ? (long)fee->i : 0L,
	         currency_of(x));
	if (html_txt(b, tmp))
		return -1;
	if (basis && jn_is_string(basis)) {
		if (html(b, " · telehealth ") ||
		    html_txt(b, strcmp(basis->str, "license") == 0 ? "by license" : "under ") ||
		    (strcmp(basis->str, "license") != 0 && html_txt(b, basis->str)))
			return -1;
	}
	if (inp && jn_is_true(inp) && dist && jn_is_number(dist)) {
		snprintf(tmp, sizeof(tmp), " · in person, %.0f km away", dist->is_int ? (double)dist->i : dist->num);
		if (html_txt(b, tmp))
			return -1;
	}
	if (html(b, "</p>\n<ul class=\"reasons\">"))
		return -1;
	for (i = 0; reasons && i < reasons->len; i++)
		if (html(b, "<li>") || html_txt(b, reasons->kids[i].str) || html(b, "</li>"))
			return -1;
	if (html(b, "</ul>\n"))
		return -1;
	for (i = 0; soft && i < soft->len; i++) {
		v = jn_get(&soft->kids[i], "name");
		if (html(b, "<p class=\"conflict\">You are both connected to ") ||
		    html_txt(b, v ? v->str : "an organization") ||
		    html(b, ": not a dual relationship, but you may meet there.</p>\n"))
			return -1;
	}
	return html(b, "</article>\n");
}

static int
bookmark(struct buf *b, struct req *r, int page)
{
	int i, j, first = 1;

	if (html(b, "<p><a href=\"/search?"))
		return -1;
	for (i = 0; plain_fields[i]; i++) {
		const char *v[256];
		int n = req_args(r, plain_fields[i], v, 256);

		for (j = 0; j < n; j++) {
			if (!*v[j])
				continue;
			if ((!first && html(b, "&amp;")) || form_encode(b, plain_fields[i]) ||
			    html(b, "=") || form_encode(b, v[j]))
				return -1;
			first = 0;
		}
	}
	for (i = 1; i <= FREE_ROWS; i++) {
		static const char *const parts[] = {"free_day", "free_start", "free_end"};
		char f[32];

		for (j = 0; j < 3; j++) {
			const char *v;

			snprintf(f, sizeof(f), "%s%d", parts[j], i);
			if (!(v = arg(r, f)))
				continue;
			if ((!first && html(b, "&amp;")) || form_encode(b, f) || html(b, "=") || form_encode(b, v))
				return -1;
			first = 0;
		}
	}
	if (page > 1 && (html(b, "&amp;page=") || html_int(b, page)))
		return -1;
	return html(b, "\">Link to this search</a> <span class=\"hint\">(your preferences only, "
	               "without your organizations)</span></p>\n");
}

/* ----------------------------------------------------------------------
 * The saved profile
 * ---------------------------------------------------------------------- */

static int
has_affiliations(struct req *r)
{
	int i;

	for (i = 0; i < r->n_args; i++)
		if (strncmp(r->args[i].key, "aff_", 4) == 0 && r->args[i].value[0])
			return 1;
	return 0;
}

/* Adds the aff_ fields of the saved (urlencoded) profile to r. */
static int
add_saved_affiliations(struct req *r, const char *saved)
{
	struct buf f = BUF_INIT;
	const char *p = saved;
	int rc = 0;

	while (*p) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p);

		if (strncmp(p, "aff_", 4) == 0 &&
		    ((f.len && buf_addc(&f, '&')) || buf_add(&f, p, n)))
			rc = -1;
		p += n + (amp ? 1 : 0);
	}
	if (rc == 0 && f.len)
		rc = req_add_form(r, f.p);
	buf_free(&f);
	return rc;
}

/*
 * Saves the form's preferences and organizations to the account, when
 * the form carries the account's CSRF token (a page of another site
 * cannot overwrite a profile).
 */
static int
save_profile(struct req *r)
{
	struct buf f = BUF_INIT;
	struct refusal why;
	int i, rc = 0;

	if (!auth_csrf_ok(r))
		return 0;
	for (i = 0; i < r->n_args && rc == 0; i++) {
		const char *k = r->args[i].key;

		if (!r->args[i].value[0] || strcmp(k, "csrf") == 0 || strcmp(k, "page") == 0 ||
		    strcmp(k, "save_profile") == 0)
			continue;
		rc = (f.len && buf_addc(&f, '&')) || form_encode(&f, k) || buf_addc(&f, '=') ||
		     form_encode(&f, r->args[i].value);
	}
	/* A profile too long to keep is not saved; the search still runs. */
	if (rc == 0)
		rc = profile_save(&r->cx, &r->who, f.p ? f.p : "", &why) < 0 ? -1 : 0;
	buf_free(&f);
	return rc;
}

int
page_search(struct req *r, struct resp *p)
{
	struct buf *b = &p->body, qj = BUF_INIT, rj = BUF_INIT;
	const char *bad = NULL;
	struct query q;
	struct verr e;
	struct match_result res;
	struct match_ctx *mc;
	jnode *root, *results;
	int page = (int)req_int(r, "page", 1), limit, rc = -1;
	char saved[4096] = "";
	size_t i;

	if (page < 1 || page > QUERY_LIMIT_MAX / PER_PAGE)
		page = 1;
	limit = page * PER_PAGE;
	if (page_begin(r, p, "Find a therapist") || html(b, "<h1>Find a therapist for yourself</h1>\n"))
		goto out;
	if (profile_load(&r->cx, &r->who, saved, sizeof(saved)))
		goto out;
	if (!arg(r, "jurisdiction")) {
		/* A signed-in clinician's saved preferences fill the form. */
		if (saved[0] && req_add_form(r, saved))
			goto out;
		rc = form(b, r, NULL, NULL) || page_end(p);
		goto out;
	}
	/* Their saved organizations screen every search they make, unless
	 * the form names others. */
	if (saved[0] && !has_affiliations(r) && add_saved_affiliations(r, saved))
		goto out;
	if (r->user && arg(r, "save_profile") && save_profile(r))
		goto out;
	if (form_query(r, &qj, limit, strcmp(r->method, "POST") == 0 || r->user != NULL, &bad))
		goto out;
	if (bad) {
		p->status = 400;
		rc = form(b, r, bad, "must be a number") || page_end(p);
		goto out;
	}
	if (query_parse(r->app->sv.tax, qj.p, qj.len, ctx_now(&r->cx), r->a, &q, &e)) {
		p->status = 400;
		rc = form(b, r, e.field, e.msg) || page_end(p);
		goto out;
	}
	mc = req_ctx_take(r);
	if (!mc) {
		rc = -1;
		goto out;
	}
	rc = match_run(mc, &q, &res) || match_result_json(mc, &q, &res, &rj);
	req_ctx_give(r, mc);
	if (rc || !(root = jn_parse(rj.p, rj.len, r->a, &e))) {
		rc = -1;
		goto out;
	}
	rc = -1;
	results = jn_get(root, "results");
	if (funnel(b, root) || bookmark(b, r, page))
		goto out;
	for (i = (size_t)(page - 1) * PER_PAGE; results && i < results->len; i++)
		if (card(b, &results->kids[i]))
			goto out;
	if (html(b, "<nav class=\"pager\" aria-label=\"Pages\">"))
		goto out;
	if (results && results->len == (size_t)limit && page < QUERY_LIMIT_MAX / PER_PAGE &&
	    (html(b, "<form method=\"post\" action=\"/search\">") ||
	     html(b, "<input type=\"hidden\" name=\"page\" value=\"") || html_int(b, page + 1) ||
	     html(b, "\">")))
		goto out;
	if (results && results->len == (size_t)limit && page < QUERY_LIMIT_MAX / PER_PAGE) {
		for (i = 0; i < (size_t)r->n_args; i++) {
			if (strcmp(r->args[i].key, "page") == 0)
				continue;
			if (html(b, "<input type=\"hidden\" name=\"") || html_attr(b, r->args[i].key) ||
			    html(b, "\" value=\"") || html_attr(b, r->args[i].value) || html(b, "\">"))
				goto out;
		}
		if (html(b, "<button type=\"submit\">More results</button></form>"))
			goto out;
	}
	if (html(b, "</nav>\n<h2>Change the search</h2>\n") || form(b, r, NULL, NULL) || page_end(p))
		goto out;
	rc = 0;
out:
	buf_free(&qj);
	buf_free(&rj);
	return rc;
}
