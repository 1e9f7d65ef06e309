/*
 * page_search.c: the search form and its results.
 *
 * The form asks the essentials first (the state where the clinician will
 * be during sessions, how they would meet, where they are, their budget,
 * the orientation they want) and keeps the rest under "More
 * preferences". It is sent by POST, so that the organizations a
 * clinician names to screen out dual relationships travel in the body,
 * never in an address; the results offer a bookmark link that carries the
 * plain preferences only. A GET with those preferences (a bookmark) runs
 * the same search.
 *
 * Everything is by name: a place is a ZIP code or a city, resolved here
 * with core/places.h (several candidates: the form asks which); an
 * organization is its name, resolved with orgs_resolve (several: the form
 * asks which; none in the registry: the results say what was and was not
 * screened). Every value at fault is recorded with req_fail and the form
 * comes back with all of them and every value kept. Latitude and
 * longitude are never typed, but an old bookmark's lat and lon are still
 * read.
 *
 * The form's fields then become a query in the contract's JSON and go
 * through the one query validator, so the page and the API refuse the
 * same things. Results come first: a one-line summary, the cards (ten to
 * a page), then "Why not the others?" and the form to change the search.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/json.h"
#include "core/places.h"
#include "core/query.h"
#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

#define PER_PAGE 10
#define FREE_ROWS FREE_HOURS_MAX        /* free-hour windows a search takes */
#define FREE_SHOWN 2                    /* rows shown at least, and one more than those filled */
#define AFF_ROWS 3
#define PLACE_CHOICES 8                 /* candidates of an ambiguous place shown */
#define ORG_CHOICES ORGS_FOUND_MAX      /* organizations one name may screen */
#define REASONS_SHOWN 3

/* Form fields that are preferences (may be bookmarked). */
static const char *const plain_fields[] = {
	"jurisdiction", "modality", "place", "place_choice", "lat", "lon", "max_distance_km",
	"min_distance_km", "budget", "sliding_scale", "clinician_discount",
	"group_ok", "orientation_mode", "my_orientations",
	"preferred_orientations", "goals", "populations", "languages",
	"career_stage", "timezone", "week_of", "require_overlap", NULL,
};                                      /* and the free_dayN, free_startN, free_endN */

/* The fields under "More preferences": it is open when one is set. */
static const char *const more_fields[] = {
	"max_distance_km", "min_distance_km", "preferred_orientations", "goals", "populations",
	"languages", "career_stage", "timezone", "week_of", "require_overlap", NULL,
};

/* Languages most asked for in the United States and Canada, first. */
static const char *const common_languages[] = {
	"en", "es", "zh", "tl", "vi", "ar", "fr", "ko", "ru", "pt", "ht", "de", "hi", "ja", NULL,
};

static const char *const roles[] = {"employer", "trainee", "faculty", "member",
	"supervisor", "supervisee"};
static const char *const role_labels[] = {"I work there", "I train there",
	"I teach there", "I am a member", "They supervise(d) me", "I supervise(d) them"};
#define N_ROLES 6

/* An organization row of the form, as resolved. */
struct org_row {
	const char *typed;              /* the name typed, NULL when the row is empty */
	const char *role;               /* a code of roles[] */
	bool past;
	enum org_fit fit;
	struct org_hit hits[ORG_CHOICES];
	int n;
};

/* What the form resolved before the query is written. */
struct search {
	bool has_loc;
	double lat, lon;
	char place_label[80];           /* "" when the place came from lat/lon or none */
	struct place choices[PLACE_CHOICES];
	int n_choices;                  /* > 1 when the place typed needs a choice */
	struct org_row orgs[AFF_ROWS];
};

static const char *
arg(struct req *r, const char *k)
{
	const char *v = req_arg(r, k);

	return v && *v ? v : NULL;
}

/* Replaces the value of key (or adds it): the form then shows value. */
static int
arg_set(struct req *r, const char *key, const char *value)
{
	struct buf f = BUF_INIT;
	int i, rc;

	for (i = 0; i < r->n_args; i++)
		if (strcmp(r->args[i].key, key) == 0) {
			const char *v = arena_strdup(r->a, value);

			if (!v)
				return -1;
			r->args[i].value = v;
			return 0;
		}
	rc = form_encode(&f, key) || buf_addc(&f, '=') || form_encode(&f, value) ||
	     req_add_form(r, f.p);
	buf_free(&f);
	return rc;
}

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

/* "2,888" */
static void
thousands(char *out, size_t n, long v)
{
	char digits[32];
	size_t len, i, o = 0;

	snprintf(digits, sizeof(digits), "%ld", v < 0 ? -v : v);
	len = strlen(digits);
	if (v < 0 && o + 1 < n)
		out[o++] = '-';
	for (i = 0; i < len && o + 2 < n; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* ----------------------------------------------------------------------
 * Reading the form: every fault recorded, places and organizations by name
 * ---------------------------------------------------------------------- */

/* A whole number of 0 or more (the budget), or a distance: -1 when the
 * text is not one. */
static int
read_number(const char *s, bool whole, double *out)
{
	char *end;
	double d;
	const char *p;

	for (p = s; *p; p++)
		if (!isdigit((unsigned char)*p) && !(*p == '.' && !whole))
			return -1;
	if (!*s || *s == '.')
		return -1;
	d = strtod(s, &end);
	if (*end || !isfinite(d) || d < 0 || d > 1e6)
		return -1;
	*out = d;
	return 0;
}

static int
read_place(struct req *r, struct search *s, const char *state)
{
	const char *typed = arg(r, "place"), *choice = arg(r, "place_choice");
	const char *mod = arg(r, "modality");
	struct place found[PLACE_CHOICES];
	int n, i;

	if (!typed) {
		double lat, lon;

		/* An old bookmark's coordinates, read quietly. */
		if (arg(r, "lat") && arg(r, "lon")) {
			char *e1, *e2;

			lat = strtod(arg(r, "lat"), &e1);
			lon = strtod(arg(r, "lon"), &e2);
			if (!*e1 && !*e2 && isfinite(lat) && isfinite(lon) && fabs(lat) <= 90 &&
			    fabs(lon) <= 180) {
				s->has_loc = true;
				s->lat = lat;
				s->lon = lon;
				return 0;
			}
		}
		if (mod && strcmp(mod, "in_person") == 0)
			req_fail(r, "place", "enter your ZIP code or city to meet in person");
		return 0;
	}
	/* The state narrows a city's name; a place outside it is still found. */
	n = places_find(places_builtin(), typed, state, found, PLACE_CHOICES);
	if (n <= 0 && state)
		n = places_find(places_builtin(), typed, NULL, found, PLACE_CHOICES);
	if (n <= 0) {
		req_fail(r, "place", "we could not find “%.60s”: enter a 5-digit ZIP code, or a city "
		         "and its state, like Seattle, WA", typed);
		return 0;
	}
	for (i = 0; n > 1 && choice && i < n; i++)
		if (strcmp(found[i].label, choice) == 0) {
			found[0] = found[i];
			n = 1;
		}
	if (n > 1) {
		memcpy(s->choices, found, sizeof(found[0]) * (size_t)n);
		s->n_choices = n;
		req_fail(r, "place_choice", "choose which “%.60s” you mean", typed);
		return 0;
	}
	s->has_loc = true;
	s->lat = found[0].lat;
	s->lon = found[0].lon;
	snprintf(s->place_label, sizeof(s->place_label), "%s", found[0].label);
	/* The place chosen becomes what the field holds (and what a
	 * bookmark carries). */
	if (choice && (arg_set(r, "place", found[0].label) || arg_set(r, "place_choice", "")))
		return -1;
	return 0;
}

static int
role_index(const char *code)
{
	int k;

	for (k = 0; code && k < N_ROLES; k++)
		if (strcmp(code, roles[k]) == 0)
			return k;
	return -1;
}

/*
 * The organizations of ids (one, or several separated by spaces: a
 * choice among candidates that look the same) into o, when the registry
 * knows every one and each has the name typed (any case), or when the
 * ids were typed themselves (an old bookmark). 0 when taken, 1 when not,
 * -1 on a failure.
 */
static int
org_ids(struct req *r, struct org_row *o, const char *ids, bool typed_ids)
{
	struct refusal why;
	char one[32];
	const char *p = ids;
	int rc;

	o->n = 0;
	while (*p && o->n < ORG_CHOICES) {
		size_t len = strcspn(p, " ");

		if (len == 0 || len >= sizeof(one)) {
			p += len ? len : 1;
			continue;
		}
		memcpy(one, p, len);
		one[len] = '\0';
		p += len;
		rc = org_get(&r->cx, &r->who, one, &o->hits[o->n], &why);
		if (rc < 0)
			return -1;
		if (rc > 0 || (!typed_ids && strcasecmp(o->hits[o->n].name, o->typed) != 0))
			return 1;
		o->n++;
	}
	if (o->n == 0)
		return 1;
	o->fit = ORG_ONE;
	return 0;
}

/*
 * The organization rows: each name resolved (an id chosen earlier, or
 * typed by an old bookmark, is taken when the registry knows it). -1 on
 * a failure.
 */
static int
read_orgs(struct req *r, struct search *s)
{
	struct refusal why;
	char f[32];
	int i;

	for (i = 0; i < AFF_ROWS; i++) {
		struct org_row *o = &s->orgs[i];
		const char *id, *role;
		int rc, k;

		snprintf(f, sizeof(f), "aff_org%d", i + 1);
		o->typed = arg(r, f);
		snprintf(f, sizeof(f), "aff_role%d", i + 1);
		role = arg(r, f);
		o->role = role ? role : "member";
		snprintf(f, sizeof(f), "aff_past%d", i + 1);
		o->past = arg(r, f) != NULL;
		snprintf(f, sizeof(f), "aff_id%d", i + 1);
		id = arg(r, f);
		if (!o->typed)
			continue;
		if (role_index(o->role) < 0) {
			snprintf(f, sizeof(f), "aff_role%d", i + 1);
			req_fail(r, f, "choose your role at “%.80s” from the list", o->typed);
		}
		/* An id chosen from the candidates, or typed (an old bookmark or
		 * a saved profile): the registry's name replaces it on screen. */
		if (!id && record_id_ok(o->typed) && strchr(o->typed, '-'))
			id = o->typed;
		if (id) {
			rc = org_ids(r, o, id, id == o->typed);
			if (rc < 0)
				return -1;
			if (rc == 0) {
				snprintf(f, sizeof(f), "aff_org%d", i + 1);
				if (arg_set(r, f, o->hits[0].name))
					return -1;
				o->typed = arg(r, f);
				snprintf(f, sizeof(f), "aff_id%d", i + 1);
				if (arg_set(r, f, id))
					return -1;
				continue;
			}
		}
		rc = orgs_resolve(&r->cx, &r->who, o->typed, o->hits, ORG_CHOICES, &o->n, &o->fit, &why);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			snprintf(f, sizeof(f), "aff_org%d", i + 1);
			req_fail(r, f, "%s", why.message);
			o->n = 0;
			o->fit = ORG_NONE;
			continue;
		}
		/* Candidates a person cannot tell apart (the same name in the
		 * same place: one organization entered twice) are all screened. */
		for (k = 1; o->fit == ORG_SEVERAL && k < o->n; k++)
			if (strcasecmp(o->hits[k].name, o->hits[0].name) || strcmp(o->hits[k].place, o->hits[0].place))
				break;
		if (o->fit == ORG_SEVERAL && k == o->n)
			o->fit = ORG_ONE;
		if (o->fit == ORG_SEVERAL) {
			snprintf(f, sizeof(f), "aff_id%d", i + 1);
			req_fail(r, f, "choose which “%.80s” you mean", o->typed);
		}
	}
	return 0;
}

/* The free-hour rows: a row half filled, or ending before it starts. */
static void
read_free(struct req *r)
{
	char f[3][32];
	int i, any = 0;

	for (i = 1; i <= FREE_ROWS; i++) {
		const char *d, *st, *en;

		snprintf(f[0], sizeof(f[0]), "free_day%d", i);
		snprintf(f[1], sizeof(f[1]), "free_start%d", i);
		snprintf(f[2], sizeof(f[2]), "free_end%d", i);
		d = arg(r, f[0]);
		st = arg(r, f[1]);
		en = arg(r, f[2]);
		if (!d && !st && !en)
			continue;
		any = 1;
		if (!d)
			req_fail(r, f[0], "free time %d: choose a day", i);
		if (!st || parse_hhmm(st) < 0)
			req_fail(r, f[1], "free time %d: give the time it starts, like 18:00", i);
		if (!en || parse_hhmm(en) < 0)
			req_fail(r, f[2], "free time %d: give the time it ends, like 20:00", i);
		else if (st && parse_hhmm(st) >= 0 && parse_hhmm(en) <= parse_hhmm(st))
			req_fail(r, f[2], "free time %d: the end must be after the start", i);
	}
	if (arg(r, "require_overlap") && !any)
		req_fail(r, "free_day1", "give at least one free time, or do not ask for 50 minutes in common");
	if ((any || arg(r, "require_overlap")) && !arg(r, "timezone"))
		req_fail(r, "timezone", "choose your time zone, so your free times can be compared");
}

/* Checks what the query validator would say in words nobody uses, and
 * resolves the place and the organizations. -1 on a failure. */
static int
read_form(struct req *r, struct search *s)
{
	const struct taxonomy *tax = r->app->sv.tax;
	const char *j = arg(r, "jurisdiction"), *v, *mode = arg(r, "orientation_mode");
	double budget, maxd = QUERY_MAX_KM_DEFAULT, mind = 0;
	int ji = j ? tax_find(tax, TAX_JURISDICTION, j) : -1;
	bool maxok = true, minok = true;

	if (ji < 0)
		req_fail(r, "jurisdiction", "choose the state or province where you will be during sessions");
	if ((v = arg(r, "modality")) && strcmp(v, "either") && strcmp(v, "telehealth") &&
	    strcmp(v, "in_person"))
		req_fail(r, "modality", "choose how you would like to meet");
	if ((v = arg(r, "budget")) && read_number(v, true, &budget))
		req_fail(r, "budget", "enter the most you can pay for a session as a whole number, like 120");
	if ((v = arg(r, "max_distance_km")) && (maxok = !read_number(v, false, &maxd)) == false)
		req_fail(r, "max_distance_km", "enter the farthest you would travel in kilometres, like 40");
	if ((v = arg(r, "min_distance_km")) && (minok = !read_number(v, false, &mind)) == false)
		req_fail(r, "min_distance_km", "enter the nearest a therapist may be in kilometres, like 10");
	if (maxok && minok && mind > maxd)
		req_fail(r, "min_distance_km", "the nearest distance (%g km) must not be more than the "
		         "farthest (%g km)", mind, maxd);
	if (mode && (strcmp(mode, "same") == 0 || strcmp(mode, "different") == 0) &&
	    !req_args(r, "my_orientations", (const char *[1]){0}, 1))
		req_fail(r, "my_orientations", "choose your own orientation, so we can find the same "
		         "one or a different one");
	if ((v = arg(r, "timezone")) && !tz_get(v))
		req_fail(r, "timezone", "choose a time zone from the list, like America/New_York");
	read_free(r);
	return read_place(r, s, ji >= 0 ? j : NULL) || read_orgs(r, s) ? -1 : 0;
}

/* ----------------------------------------------------------------------
 * The query
 * ---------------------------------------------------------------------- */

static void
json_number(struct jw *q, struct req *r, const char *field)
{
	const char *v = arg(r, field);
	double d;

	if (v && !read_number(v, false, &d))
		jw_knum(q, field, d);
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

/* The query of the form as read (limit as given), written to out. */
static int
form_query(struct req *r, const struct search *s, struct buf *out, int limit,
           int with_affiliations)
{
	char f[32];
	int i, k, n;
	struct jw jw, *q = &jw;

	jw_init(q, out);
	jw_obj_open(q);
	json_string(q, r, "jurisdiction");
	json_string(q, r, "modality");
	json_number(q, r, "max_distance_km");
	json_number(q, r, "min_distance_km");
	json_number(q, r, "budget");
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
	if (s->has_loc) {
		jw_kobj_open(q, "location");
		jw_knum(q, "lat", s->lat);
		jw_knum(q, "lon", s->lon);
		jw_obj_close(q);
	}
	for (i = 1, n = 0; i <= FREE_ROWS; i++) {
		const char *d, *st, *e;

		snprintf(f, sizeof(f), "free_day%d", i);
		d = arg(r, f);
		snprintf(f, sizeof(f), "free_start%d", i);
		st = arg(r, f);
		snprintf(f, sizeof(f), "free_end%d", i);
		e = arg(r, f);
		if (!d || !st || !e)
			continue;
		if (!n++)
			jw_karr_open(q, "free");
		jw_obj_open(q);
		jw_kstr(q, "day", d);
		jw_kstr(q, "start", st);
		jw_kstr(q, "end", e);
		jw_obj_close(q);
	}
	if (n)
		jw_arr_close(q);
	for (i = 0, n = 0; with_affiliations && i < AFF_ROWS; i++) {
		const struct org_row *o = &s->orgs[i];

		if (!o->typed || o->fit == ORG_NONE || o->fit == ORG_SEVERAL)
			continue;
		for (k = 0; k < o->n; k++) {
			if (!n++)
				jw_karr_open(q, "affiliations");
			jw_obj_open(q);
			jw_kstr(q, "org", o->hits[k].id);
			jw_kstr(q, "role", o->role);
			jw_kbool(q, "current", !o->past);
			jw_obj_close(q);
		}
	}
	if (n)
		jw_arr_close(q);
	jw_kint(q, "limit", limit);
	jw_obj_close(q);
	return jw_end(q);
}

/* The form field a query validator's field names. */
static const char *
form_field_of(const char *qf)
{
	static const char *const same[] = {"jurisdiction", "modality", "max_distance_km",
		"min_distance_km", "budget", "orientation_mode", "my_orientations",
		"preferred_orientations", "goals", "populations", "languages", "career_stage",
		"timezone", "week_of", NULL};
	int i;

	for (i = 0; same[i]; i++)
		if (strncmp(qf, same[i], strlen(same[i])) == 0)
			return same[i];
	if (strncmp(qf, "location", 8) == 0)
		return "place";
	if (strncmp(qf, "free", 4) == 0 || strcmp(qf, "require_overlap") == 0)
		return "free_day1";
	if (strncmp(qf, "affiliations", 12) == 0)
		return "aff_org1";
	return "";
}

/* ----------------------------------------------------------------------
 * The form
 * ---------------------------------------------------------------------- */

/* aria-describedby of an input with an optional hint and an error. */
static int
described(struct buf *b, const struct req *r, const char *field, bool hint)
{
	bool err = req_error(r, field) != NULL;

	if (!hint && !err)
		return 0;
	return html(b, " aria-describedby=\"") ||
	       (hint && (html_attr(b, field) || html(b, "-hint"))) ||
	       (err && ((hint && html(b, " ")) || html_attr(b, field) || html(b, "-error"))) ||
	       html(b, "\"") || (err && html(b, " aria-invalid=\"true\""));
}

static int
hint_p(struct buf *b, const char *field, const char *hint)
{
	return !hint ? 0 : html(b, "<p class=\"hint\" id=\"") || html_attr(b, field) ||
	                   html(b, "-hint\">") || html_txt(b, hint) || html(b, "</p>\n");
}

/* A text field in its .form-group; attrs is markup, its attributes as a literal. */
#define input(b, r, field, label, hint, attrs) \
	input_((b), (r), (field), (label), (hint), MARKUP(attrs))

static int
input_(struct buf *b, struct req *r, const char *field, const char *label,
       const char *hint, struct markup attrs)
{
	const char *v = req_arg(r, field);

	return html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, field) ||
	       html(b, "\">") || html_txt(b, label) || html(b, "</label>\n") ||
	       hint_p(b, field, hint) || field_error(b, r, field) ||
	       html(b, "<input id=\"") || html_attr(b, field) || html(b, "\" name=\"") ||
	       html_attr(b, field) || html(b, "\" value=\"") || html_attr(b, v ? v : "") ||
	       html(b, "\" ") || html_markup(b, attrs) || described(b, r, field, hint != NULL) ||
	       html(b, "></div>\n");
}

static int
checkbox(struct buf *b, struct req *r, const char *field, const char *label)
{
	return html(b, "<label class=\"inline\"><input type=\"checkbox\" id=\"") ||
	       html_attr(b, field) || html(b, "\" name=\"") ||
	       html_attr(b, field) || html_pick(b, arg(r, field),
	                                        "\" value=\"1\" checked> ",
	                                        "\" value=\"1\"> ") ||
	       html_txt(b, label) || html(b, "</label>\n");
}

/* A radio button, the nth of its group (from 0): the first has the
 * group's name as its id, the others NAME-2, NAME-3... */
static int
radio(struct buf *b, struct req *r, const char *field, const char *value,
      const char *label, int dflt, int nth)
{
	const char *v = arg(r, field);
	int on = v ? strcmp(v, value) == 0 : dflt;

	return html(b, "<label class=\"inline\"><input type=\"radio\" name=\"") ||
	       html_attr(b, field) || html(b, "\" id=\"") || html_attr(b, field) ||
	       (nth > 0 && (html(b, "-") || html_int(b, nth + 1))) ||
	       html(b, "\" value=\"") || html_attr(b, value) ||
	       html_pick(b, on, "\" checked> ", "\"> ") || html_txt(b, label) ||
	       html(b, "</label>\n");
}

/* One checkbox of a taxonomy list i; the first of the group gets the field's id. */
static int
tax_box(struct buf *b, struct req *r, const char *field, enum tax_list l, int i, int first)
{
	const char *code = tax_code(r->app->sv.tax, l, i);

	return html(b, "<label><input type=\"checkbox\" name=\"") || html_attr(b, field) ||
	       html(b, "\" id=\"") || html_attr(b, field) ||
	       (!first && (html(b, "-") || html_attr(b, code))) ||
	       html(b, "\" value=\"") || html_attr(b, code) ||
	       html_pick(b, selected(r, field, code), "\" checked> ", "\"> ") ||
	       html_txt(b, tax_label(r->app->sv.tax, l, i)) || html(b, "</label>\n");
}

static int
checkboxes(struct buf *b, struct req *r, const char *field, const char *legend,
           const char *hint, enum tax_list l)
{
	int i;

	if (html(b, "<fieldset class=\"form-group\"><legend>") || html_txt(b, legend) ||
	    html(b, "</legend>\n") || hint_p(b, field, hint) || field_error(b, r, field) ||
	    html(b, "<div class=\"checkboxes\">\n"))
		return -1;
	for (i = 0; i < tax_count(r->app->sv.tax, l); i++)
		if (tax_box(b, r, field, l, i, i == 0))
			return -1;
	return html(b, "</div></fieldset>\n");
}

/* The indexes of list l sorted by label, into out (room for the list). */
static int
sorted(const struct taxonomy *tax, enum tax_list l, int *out)
{
	int i, n = tax_count(tax, l);

	for (i = 0; i < n; i++)
		out[i] = i;
	/* qsort takes no argument for its comparison: an insertion sort of
	 * at most a few hundred labels. */
	for (i = 1; i < n; i++) {
		int x = out[i], j = i;

		while (j > 0 && strcmp(tax_label(tax, l, out[j - 1]), tax_label(tax, l, x)) > 0) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = x;
	}
	return n;
}

/* Languages: the common ones first, the others (by name) under a disclosure. */
static int
languages(struct buf *b, struct req *r)
{
	const struct taxonomy *tax = r->app->sv.tax;
	int idx[TAX_MAX_LANGUAGES], n, i, k, first = 1, others_on = 0;

	if (html(b, "<fieldset class=\"form-group\"><legend>Languages</legend>\n") ||
	    hint_p(b, "languages", "The therapist must speak one of these.") ||
	    field_error(b, r, "languages") || html(b, "<div class=\"checkboxes\">\n"))
		return -1;
	for (k = 0; common_languages[k]; k++)
		if ((i = tax_find(tax, TAX_LANGUAGE, common_languages[k])) >= 0) {
			if (tax_box(b, r, "languages", TAX_LANGUAGE, i, first))
				return -1;
			first = 0;
		}
	n = sorted(tax, TAX_LANGUAGE, idx);
	for (i = 0; i < n; i++) {
		const char *code = tax_code(tax, TAX_LANGUAGE, idx[i]);

		for (k = 0; common_languages[k] && strcmp(common_languages[k], code); k++)
			;
		if (!common_languages[k] && selected(r, "languages", code))
			others_on = 1;
	}
	if (html(b, "</div>\n") ||
	    html_pick(b, others_on, "<details class=\"disclosure\" open>",
	              "<details class=\"disclosure\">") ||
	    html(b, "<summary>Other languages</summary>\n<div class=\"checkboxes\">\n"))
		return -1;
	for (i = 0; i < n; i++) {
		const char *code = tax_code(tax, TAX_LANGUAGE, idx[i]);

		for (k = 0; common_languages[k] && strcmp(common_languages[k], code); k++)
			;
		if (!common_languages[k] && tax_box(b, r, "languages", TAX_LANGUAGE, idx[i], first))
			return -1;
		if (!common_languages[k])
			first = 0;
	}
	return html(b, "</div></details></fieldset>\n");
}

static int
jurisdictions(struct buf *b, struct req *r)
{
	const struct taxonomy *tax = r->app->sv.tax;
	int idx[TAX_MAX_JURISDICTIONS], n = sorted(tax, TAX_JURISDICTION, idx), i, g;
	static const char *const prefix[2] = {"US-", "CA-"};
	static const char *const group[2] = {"United States", "Canada"};

	if (html(b, "<div class=\"form-group\"><label for=\"jurisdiction\">State or province where "
	            "you will be during sessions</label>\n") ||
	    hint_p(b, "jurisdiction", "A therapist must be licensed there, or practise there under "
	                              "an interstate compact.") ||
	    field_error(b, r, "jurisdiction") ||
	    html(b, "<select id=\"jurisdiction\" name=\"jurisdiction\" required") ||
	    described(b, r, "jurisdiction", true) ||
	    html(b, "><option value=\"\">Choose your state or province</option>\n"))
		return -1;
	for (g = 0; g < 2; g++) {
		if (html(b, "<optgroup label=\"") || html_attr(b, group[g]) || html(b, "\">"))
			return -1;
		for (i = 0; i < n; i++) {
			const char *code = tax_code(tax, TAX_JURISDICTION, idx[i]);

			if (strncmp(code, prefix[g], 3) != 0)
				continue;
			if (html(b, "<option value=\"") || html_attr(b, code) ||
			    html_pick(b, selected(r, "jurisdiction", code), "\" selected>", "\">") ||
			    html_txt(b, tax_label(tax, TAX_JURISDICTION, idx[i])) || html(b, "</option>"))
				return -1;
		}
		if (html(b, "</optgroup>\n"))
			return -1;
	}
	return html(b, "</select></div>\n");
}

static int
career(struct buf *b, struct req *r)
{
	const struct taxonomy *tax = r->app->sv.tax;
	int i;

	if (html(b, "<div class=\"form-group\"><label for=\"career_stage\">Your career stage</label>\n") ||
	    hint_p(b, "career_stage", "Therapists who work with clinicians at your stage rank higher.") ||
	    field_error(b, r, "career_stage") ||
	    html(b, "<select id=\"career_stage\" name=\"career_stage\"") ||
	    described(b, r, "career_stage", true) ||
	    html(b, "><option value=\"\">No preference</option>"))
		return -1;
	for (i = 0; i < tax_count(tax, TAX_CAREER); i++)
		if (html(b, "<option value=\"") || html_attr(b, tax_code(tax, TAX_CAREER, i)) ||
		    html_pick(b, selected(r, "career_stage", tax_code(tax, TAX_CAREER, i)),
		              "\" selected>", "\">") ||
		    html_txt(b, tax_label(tax, TAX_CAREER, i)) || html(b, "</option>"))
			return -1;
	return html(b, "</select></div>\n");
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
	if (html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, f) ||
	    html(b, "\">Day</label>") || field_error(b, r, f) ||
	    html(b, "<select name=\"") || html_attr(b, f) || html(b, "\" id=\"") || html_attr(b, f) ||
	    html(b, "\"") || described(b, r, f, false) ||
	    html(b, "><option value=\"\">Choose a day</option>"))
		return -1;
	for (d = 0; d < 7; d++)
		if (html(b, "<option value=\"") || html_attr(b, day_names[d]) ||
		    html_pick(b, v && strcmp(v, day_names[d]) == 0, "\" selected>", "\">") ||
		    html_txt(b, names[d]) || html(b, "</option>"))
			return -1;
	return html(b, "</select></div>\n");
}

static int
time_input(struct buf *b, struct req *r, const char *what, int i, const char *label)
{
	char f[32];
	const char *v;

	snprintf(f, sizeof(f), "free_%s%d", what, i);
	v = req_arg(r, f);
	return html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, f) || html(b, "\">") ||
	       html_txt(b, label) || html(b, "</label>") || field_error(b, r, f) ||
	       html(b, "<input type=\"time\" name=\"") || html_attr(b, f) ||
	       html(b, "\" id=\"") || html_attr(b, f) || html(b, "\" value=\"") ||
	       html_attr(b, v ? v : "") || html(b, "\"") || described(b, r, f, false) ||
	       html(b, "></div>\n");
}

static int
free_hours(struct buf *b, struct req *r)
{
	int i, k;

	if (html(b, "<fieldset class=\"form-group\"><legend>Your free hours</legend>\n"
	            "<p class=\"hint\">Times in your week when you could meet, in your own time zone. "
	            "<a href=\"/calendar\">Propose them from your calendar</a> (signed in).</p>\n") ||
	    input(b, r, "timezone", "Your time zone", "A name like America/New_York or America/Chicago.",
	          "type=\"text\" autocomplete=\"off\" spellcheck=\"false\"") ||
	    input(b, r, "week_of", "The week starting on (a Monday)", "Empty: the coming week.",
	          "type=\"date\""))
		return -1;
	for (i = 1, k = FREE_SHOWN; i <= FREE_ROWS; i++) {
		char f[32];

		snprintf(f, sizeof(f), "free_day%d", i);
		if ((arg(r, f) || req_error(r, f)) && i >= k)
			k = i + 1;
	}
	for (i = 1; i <= k && i <= FREE_ROWS; i++)
		if (html(b, "<fieldset class=\"plain\"><legend>Free time ") || html_int(b, i) ||
		    html(b, "</legend><div class=\"grid\">") || day_select(b, r, i) ||
		    time_input(b, r, "start", i, "From") || time_input(b, r, "end", i, "Until") ||
		    html(b, "</div></fieldset>\n"))
			return -1;
	return html(b, "<p class=\"check\">") ||
	       checkbox(b, r, "require_overlap", "Only therapists with 50 minutes free at one of these times") ||
	       html(b, "</p></fieldset>\n");
}

static int
place_field(struct buf *b, struct req *r, const struct search *s)
{
	int i;

	if (input(b, r, "place", "ZIP code or city",
	          "To meet in person: we measure distances from there, for this search only.",
	          "type=\"text\" autocomplete=\"postal-code\""))
		return -1;
	if (s->n_choices < 2)
		return 0;
	if (html(b, "<fieldset class=\"form-group\"><legend>Which “") ||
	    html_txt(b, arg(r, "place")) || html(b, "” do you mean?</legend>\n") ||
	    field_error(b, r, "place_choice"))
		return -1;
	for (i = 0; i < s->n_choices; i++)
		if (radio(b, r, "place_choice", s->choices[i].label, s->choices[i].label, 0, i))
			return -1;
	return html(b, "</fieldset>\n");
}

static int
org_rows(struct buf *b, struct req *r, const struct search *s)
{
	int i, k, nth;

	if (html(b, "<fieldset class=\"form-group\"><legend>Organizations you belong to</legend>\n"
	            "<p class=\"hint\">To screen out dual relationships: type an organization's name as "
	            "you know it (missing? <a href=\"/orgs/new\">add it</a>, signed in). Therapists who "
	            "share one closely with you are set aside; looser ties are shown and named. What you "
	            "type here is never put in an address or shown to anyone.</p>\n"))
		return -1;
	for (i = 0; i < AFF_ROWS; i++) {
		const struct org_row *o = &s->orgs[i];
		char f[32], id[32], lab[48];
		const char *v;

		snprintf(f, sizeof(f), "aff_org%d", i + 1);
		snprintf(lab, sizeof(lab), "Organization %d", i + 1);
		if (html(b, "<fieldset class=\"plain\"><legend class=\"visually-hidden\">") ||
		    html_txt(b, lab) || html(b, "</legend>\n<div class=\"grid\">") ||
		    input_(b, r, f, lab, NULL, MARKUP("type=\"text\" autocomplete=\"off\" data-orgs")))
			return -1;
		snprintf(f, sizeof(f), "aff_role%d", i + 1);
		v = arg(r, f);
		if (html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, f) ||
		    html(b, "\">Your role there</label>") || field_error(b, r, f) ||
		    html(b, "<select id=\"") || html_attr(b, f) || html(b, "\" name=\"") ||
		    html_attr(b, f) || html(b, "\"") || described(b, r, f, false) || html(b, ">"))
			return -1;
		for (k = 0; k < N_ROLES; k++)
			if (html(b, "<option value=\"") || html_attr(b, roles[k]) ||
			    html_pick(b, v ? strcmp(v, roles[k]) == 0 : k == 3, "\" selected>", "\">") ||
			    html_txt(b, role_labels[k]) || html(b, "</option>"))
				return -1;
		snprintf(f, sizeof(f), "aff_past%d", i + 1);
		if (html(b, "</select></div></div>\n") ||
		    checkbox(b, r, f, "In the past, not now"))
			return -1;
		snprintf(id, sizeof(id), "aff_id%d", i + 1);
		if (o->typed && o->fit == ORG_SEVERAL && o->n > 1) {
			if (html(b, "<fieldset class=\"form-group\"><legend>Which “") || html_txt(b, o->typed) ||
			    html(b, "” do you mean?</legend>\n") || field_error(b, r, id))
				return -1;
			/* Candidates that read the same (one organization entered
			 * more than once) are one choice carrying all their ids. */
			for (k = 0, nth = 0; k < o->n; k++) {
				char label[300], ids[ORG_CHOICES * 25];
				size_t used = 0;
				int m, seen = 0;

				for (m = 0; m < k && !seen; m++)
					seen = strcasecmp(o->hits[m].name, o->hits[k].name) == 0 &&
					       strcmp(o->hits[m].place, o->hits[k].place) == 0;
				if (seen)
					continue;
				for (m = k; m < o->n; m++)
					if (strcasecmp(o->hits[m].name, o->hits[k].name) == 0 &&
					    strcmp(o->hits[m].place, o->hits[k].place) == 0)
						used += (size_t)snprintf(ids + used, sizeof(ids) - used, "%s%s",
						                         used ? " " : "", o->hits[m].id);
				snprintf(label, sizeof(label), "%s%s%s", o->hits[k].name,
				         o->hits[k].place[0] ? ", " : "", o->hits[k].place);
				if (radio(b, r, id, ids, label, 0, nth++))
					return -1;
			}
			if (html(b, "</fieldset>\n"))
				return -1;
		} else {
			v = arg(r, id);
			if (html(b, "<input type=\"hidden\" name=\"") || html_attr(b, id) ||
			    html(b, "\" value=\"") || html_attr(b, v ? v : "") || html(b, "\">\n"))
				return -1;
		}
		if (html(b, "</fieldset>\n"))
			return -1;
	}
	return html(b, "</fieldset>\n");
}

static int
more_open(struct req *r)
{
	int i;
	char f[32];

	for (i = 0; more_fields[i]; i++)
		if (arg(r, more_fields[i]) || req_error(r, more_fields[i]))
			return 1;
	for (i = 1; i <= FREE_ROWS; i++) {
		snprintf(f, sizeof(f), "free_day%d", i);
		if (arg(r, f) || req_error(r, f))
			return 1;
		snprintf(f, sizeof(f), "free_start%d", i);
		if (arg(r, f) || req_error(r, f))
			return 1;
		snprintf(f, sizeof(f), "free_end%d", i);
		if (arg(r, f) || req_error(r, f))
			return 1;
	}
	return 0;
}

/* "Your own orientation" is open when it is needed, chosen, or wrong. */
static int
own_open(struct req *r)
{
	const char *m = arg(r, "orientation_mode");

	return arg(r, "my_orientations") || req_error(r, "my_orientations") ||
	       (m && strcmp(m, "any") != 0);
}

static int
form(struct buf *b, struct req *r, struct resp *p, const struct search *s)
{
	const char *lat = arg(r, "lat"), *lon = arg(r, "lon");

	if (html(b, "<form method=\"post\" action=\"/search\" novalidate>\n") ||
	    jurisdictions(b, r) ||
	    html(b, "<fieldset class=\"form-group\"><legend>How you would like to meet</legend>\n") ||
	    field_error(b, r, "modality") ||
	    radio(b, r, "modality", "either", "By video or in person", 1, 0) ||
	    radio(b, r, "modality", "telehealth", "By video only", 0, 1) ||
	    radio(b, r, "modality", "in_person", "In person only", 0, 2) ||
	    html(b, "</fieldset>\n") || place_field(b, r, s))
		return -1;
	/* An old bookmark's coordinates ride along unseen. */
	if (lat && lon && !arg(r, "place") &&
	    (html(b, "<input type=\"hidden\" name=\"lat\" value=\"") || html_attr(b, lat) ||
	     html(b, "\"><input type=\"hidden\" name=\"lon\" value=\"") || html_attr(b, lon) ||
	     html(b, "\">\n")))
		return -1;
	if (html(b, "<fieldset class=\"form-group\"><legend>Cost</legend>\n") ||
	    input(b, r, "budget", "Most you can pay for a session", "In whole dollars. Empty: any fee.",
	          "type=\"text\" inputmode=\"numeric\" class=\"short\"") ||
	    html(b, "<div class=\"checkboxes\">") ||
	    checkbox(b, r, "sliding_scale", "I would use a sliding scale") ||
	    checkbox(b, r, "clinician_discount", "I qualify for a clinician discount") ||
	    checkbox(b, r, "group_ok", "A group would suit me") ||
	    html(b, "</div></fieldset>\n"))
		return -1;
	if (html(b, "<fieldset class=\"form-group\"><legend>The therapist's orientation</legend>\n") ||
	    field_error(b, r, "orientation_mode") ||
	    radio(b, r, "orientation_mode", "any", "Any orientation", 1, 0) ||
	    radio(b, r, "orientation_mode", "same", "The same as mine", 0, 1) ||
	    radio(b, r, "orientation_mode", "different", "Different from mine", 0, 2) ||
	    html(b, "</fieldset>\n") ||
	    html_pick(b, own_open(r), "<details class=\"disclosure\" open>", "<details class=\"disclosure\">") ||
	    html(b, "<summary>Your own orientation</summary>\n") ||
	    checkboxes(b, r, "my_orientations", "Your own orientation",
	               "Needed only to find the same or a different one.", TAX_ORIENTATION) ||
	    html(b, "</details>\n"))
		return -1;
	if (html_pick(b, more_open(r), "<details class=\"disclosure\" open>",
	              "<details class=\"disclosure\">") ||
	    html(b, "<summary>More preferences</summary>\n") ||
	    input(b, r, "max_distance_km", "At most this far, in kilometres", "For meeting in person. Empty: 50 km.",
	          "type=\"text\" inputmode=\"decimal\" class=\"short\"") ||
	    input(b, r, "min_distance_km", "At least this far, in kilometres",
	          "A minimum distance keeps a therapist outside your own professional circle in a "
	          "small community.", "type=\"text\" inputmode=\"decimal\" class=\"short\"") ||
	    checkboxes(b, r, "preferred_orientations", "Orientations you would like",
	               "Ranked higher, not required.", TAX_ORIENTATION) ||
	    checkboxes(b, r, "goals", "What you would bring",
	               "Therapists who work with these rank higher.", TAX_FOCUS) ||
	    checkboxes(b, r, "populations", "Experience you would like them to have",
	               "Ranked higher, not required.", TAX_POPULATION) ||
	    languages(b, r) || career(b, r) || free_hours(b, r) || html(b, "</details>\n"))
		return -1;
	if (org_rows(b, r, s))
		return -1;
	if (r->user &&
	    (form_csrf(b, r, p) || html(b, "<p class=\"check\">") ||
	     checkbox(b, r, "save_profile", "Save these preferences and organizations to my account "
	                                    "(only you can see them; they fill this form and screen "
	                                    "every search you make while signed in)") ||
	     html(b, "</p>")))
		return -1;
	return html(b, "<div class=\"actions\"><button type=\"submit\">Search</button></div>\n</form>\n"
	               "<script src=\"/static/orgs.js\" defer></script>\n");
}

/* ----------------------------------------------------------------------
 * Results
 * ---------------------------------------------------------------------- */

static const char *const rule_words[EX__MAX] = {
	"Not taking new clients",
	"Cannot see you the way you chose (license, compact or distance)",
	"Cost more than your budget",
	"Do not speak a language you chose",
	"Their orientation does not fit your choice",
	"A dual relationship with you",
	"No 50 minutes in common with your free hours",
};

/* The same, after "Most were set aside because". */
static const char *const rule_because[EX__MAX] = {
	"they are not taking new clients",
	"they cannot see you the way you chose (license, compact or distance)",
	"they cost more than your budget",
	"they do not speak a language you chose",
	"their orientation does not fit your choice",
	"of a dual relationship with you",
	"they have no 50 minutes in common with your free hours",
};

static const char *const rule_hints[EX__MAX] = {
	NULL,
	"allow meeting by video, or widen the distance",
	"raise the budget, or allow a sliding scale or a clinician discount",
	"add a language",
	"choose any orientation",
	NULL,
	"add free hours, or drop the 50-minute requirement",
};

/* The rule that set most aside, of those a person can loosen, or -1. */
static int
worst_rule(const jnode *res)
{
	const jnode *ex = jn_get(res, "excluded");
	long worst = 0;
	int i, wi = -1;

	for (i = 0; i < EX__MAX; i++) {
		const jnode *v = jn_get(ex, exclusion_names[i]);
		long n = v ? (long)v->i : 0;

		if (rule_hints[i] && n > worst) {
			worst = n;
			wi = i;
		}
	}
	return wi;
}

static int
funnel(struct buf *b, const jnode *res)
{
	const jnode *ex = jn_get(res, "excluded");
	long aside = 0;
	char num[32];
	int i;

	for (i = 0; i < EX__MAX; i++) {
		const jnode *v = jn_get(ex, exclusion_names[i]);

		aside += v ? (long)v->i : 0;
	}
	thousands(num, sizeof(num), aside);
	if (html(b, "<details class=\"disclosure funnel\"><summary>Why not the others? (") ||
	    html_txt(b, num) || html(b, " set aside)</summary>\n"
	            "<table><caption class=\"hint\">Each therapist set aside is counted once, under the "
	            "first of these that ruled them out.</caption><thead><tr><th scope=\"col\">Why</th>"
	            "<th scope=\"col\">Therapists</th></tr></thead><tbody>\n"))
		return -1;
	for (i = 0; i < EX__MAX; i++) {
		const jnode *v = jn_get(ex, exclusion_names[i]);

		thousands(num, sizeof(num), v ? (long)v->i : 0);
		if (html(b, "<tr><th scope=\"row\">") || html_txt(b, rule_words[i]) ||
		    html(b, "</th><td class=\"n\">") || html_txt(b, num) || html(b, "</td></tr>\n"))
			return -1;
	}
	return html(b, "</tbody></table></details>\n");
}

/* What the card needs of a hit, copied before the match context goes back. */
struct hit_info {
	uint32_t row;
	int32_t fee;
	float distance;
	int8_t tele;
	bool in_person;
};

/* One character's bytes (UTF-8) of s into out, upper-cased when ASCII. */
static int
initial(char *out, size_t n, const char *s)
{
	size_t len = 1;

	while (s[len] && ((unsigned char)s[len] & 0xC0) == 0x80)
		len++;
	if (len + 1 > n)
		return 0;
	memcpy(out, s, len);
	out[len] = '\0';
	if (len == 1)
		out[0] = (char)toupper((unsigned char)out[0]);
	return (int)len;
}

/* The therapist's photo (re-encoded by chiron, app/photo.c) when they
 * gave one, else their initials; a picture only, the name is beside it. */
static int
avatar(struct buf *b, struct req *r, const char *id, const char *name)
{
	char ini[16] = "", *o = ini, url[128];
	const char *last = NULL, *p;
	int k;

	for (p = name; *p; p++)
		if ((p == name || p[-1] == ' ') && *p != ' ' && *p != '(')
			last = p;
	while (*name == ' ')
		name++;
	if (*name && (k = initial(o, 8, name)) > 0)
		o += k;
	if (last && last != name)
		initial(o, 8, last);
	if (listing_photo_url(&r->cx, id, url, sizeof(url)) == 1)
		return html(b, "<img class=\"avatar\" alt=\"\" width=\"56\" height=\"56\" src=\"") ||
		       html_attr(b, url) || html(b, "\">");
	return html(b, "<span class=\"avatar\" aria-hidden=\"true\">") || html_txt(b, ini) ||
	       html(b, "</span>");
}

/* Where the office is: the nearest place's city, or the jurisdiction. */
static void
office_city(const struct index *ix, uint32_t row, char *out, size_t n)
{
	struct place pl;

	out[0] = '\0';
	if (isnan(ix->lat[row]) || isnan(ix->lon[row]))
		return;
	if (places_nearest(places_builtin(), ix->lat[row], ix->lon[row], &pl) == 0)
		snprintf(out, n, "%s, %s", pl.city, strlen(pl.state) > 3 ? pl.state + 3 : pl.state);
}

static int
fee_line(struct buf *b, const struct index *ix, const struct query *q, const struct hit_info *h)
{
	uint32_t row = h->row, cur = ix->currency[row];
	int32_t full = ix->fee_session[row];
	const char *why = "";
	char text[160];

	if (h->fee < full) {
		if (h->fee == ix->fee_slide[row] && q->sliding_scale)
			why = " on the sliding scale";
		else if (h->fee == ix->fee_disc[row] && q->clinician_discount)
			why = " with the clinician discount";
		else if (h->fee == ix->fee_group[row] && q->group_ok)
			why = " in a group";
		snprintf(text, sizeof(text), "%d %c%c%c a session%s; full fee %d", (int)h->fee,
		         (char)(cur & 255), (char)(cur >> 8 & 255), (char)(cur >> 16 & 255), why, (int)full);
	} else {
		snprintf(text, sizeof(text), "%d %c%c%c a session", (int)h->fee,
		         (char)(cur & 255), (char)(cur >> 8 & 255), (char)(cur >> 16 & 255));
	}
	return html(b, "<p class=\"fee\"><span class=\"visually-hidden\">You would pay </span>") ||
	       html_txt(b, text) || html(b, "</p>\n");
}

static int
badges(struct buf *b, struct req *r, const char *tid)
{
	struct standing s;
	char text[64];

	if (html(b, "<ul class=\"badges\"><li class=\"badge ok\">Accepting new clients</li>"))
		return -1;
	if (listing_standing_get(&r->cx, &r->who, tid, &s))
		return -1;
	if (s.claimed && s.l.verified_at && html(b, "<li class=\"badge ok\">License verified</li>"))
		return -1;
	if (s.claimed && s.l.verified_at && s.l.confirmed_at) {
		int64_t days = (ctx_now(&r->cx) - s.l.confirmed_at) / 86400;

		if (days <= 0)
			snprintf(text, sizeof(text), "Confirmed today");
		else
			snprintf(text, sizeof(text), "Confirmed %lld day%s ago", (long long)days,
			         days == 1 ? "" : "s");
		if (html(b, "<li class=\"badge\">") || html_txt(b, text) || html(b, "</li>"))
			return -1;
	}
	return html(b, "</ul>\n");
}

/* The next open individual session in two weeks, when the therapist
 * takes bookings on chiron. */
static int
next_open(struct buf *b, struct req *r, const char *tid, const struct query *q)
{
	struct book_ctx c;
	struct sched_slot slot;
	struct refusal why;
	const struct tz_zone *z;
	int64_t now = ctx_now(&r->cx);
	char when[48], zone[80];
	const char *city;
	int rc, n, k;

	memset(&c, 0, sizeof(c));
	rc = book_ctx_load(&r->cx, &r->who, tid, &c, &why);
	if (rc < 0)
		return -1;
	if (rc > 0 || !book_type(&c, "individual"))
		return 0;
	n = open_slots(&r->cx, &r->who, &c, "individual", NULL, now, now + 14 * 86400, &slot, 1, &why);
	if (n == -1)
		return -1;
	if (n < 1)
		return 0;
	/* In the seeker's zone when known, else the therapist's, named by
	 * its city ("New York time"). */
	z = q->zone ? q->zone : viewer_zone(&r->cx, &r->who, c.zone);
	when_text(when, z, slot.start);
	city = strrchr(tz_name(z), '/');
	snprintf(zone, sizeof(zone), "%s time", city ? city + 1 : tz_name(z));
	for (k = 0; zone[k]; k++)
		if (zone[k] == '_')
			zone[k] = ' ';
	return html(b, "<p class=\"next-open\">Next open: <a href=\"/therapists/") || form_encode(b, tid) ||
	       html(b, "/book\">") || html_txt(b, when) || html(b, "</a> <span class=\"muted\">(") ||
	       html_txt(b, zone) || html(b, ")</span></p>\n");
}

/* A reason the card already says another way (fee, distance, how by
 * video, a shared organization). */
static int
reason_elsewhere(const char *s)
{
	return strncmp(s, "Your fee:", 9) == 0 || strncmp(s, "Office ", 7) == 0 ||
	       strncmp(s, "Telehealth", 10) == 0 || strncmp(s, "You both belong", 15) == 0;
}

static int
card(struct buf *b, struct req *r, const struct query *q, const jnode *x, const struct hit_info *h)
{
	const struct index *ix = req_index(r);
	const struct taxonomy *tax = r->app->sv.tax;
	const jnode *id = jn_get(x, "id"), *name = jn_get(x, "name"),
	            *cred = jn_get(x, "credentials"), *reasons = jn_get(x, "reasons"),
	            *soft = jn_get(x, "soft_conflicts"), *v;
	char city[96], tmp[160];
	size_t i;
	int shown = 0;

	if (!id || !name)
		return 0;
	office_city(ix, h->row, city, sizeof(city));
	if (html(b, "<article class=\"card result\">\n<div class=\"result-head\">") || avatar(b, r, id->str, name->str) ||
	    html(b, "<div><h2><a href=\"/therapists/") || form_encode(b, id->str) ||
	    html(b, "\">") || html_txt(b, name->str) || html(b, "</a></h2>\n<p class=\"muted\">") ||
	    (cred && cred->str[0] && (html_txt(b, cred->str) || html(b, " · "))))
		return -1;
	if (h->in_person && !isnan(h->distance)) {
		snprintf(tmp, sizeof(tmp), "in person in %s, %.0f km from you%s", city[0] ? city : "an office",
		         (double)h->distance, h->tele != TELE_NONE ? "; or by video" : "");
	} else if (h->tele == TELE_LICENSE) {
		snprintf(tmp, sizeof(tmp), "by video (licensed in %s)%s%s",
		         tax_label(tax, TAX_JURISDICTION, q->jurisdiction), city[0] ? "; office in " : "", city);
	} else if (h->tele >= 0) {
		snprintf(tmp, sizeof(tmp), "by video, under the %s%s%s", tax_label(tax, TAX_COMPACT, h->tele),
		         city[0] ? "; office in " : "", city);
	} else {
		snprintf(tmp, sizeof(tmp), "%s", city);
	}
	tmp[0] = (char)toupper((unsigned char)tmp[0]);
	if (html_txt(b, tmp) || html(b, "</p></div></div>\n") || fee_line(b, ix, q, h) ||
	    badges(b, r, id->str) || next_open(b, r, id->str, q) || html(b, "<ul class=\"reasons\">"))
		return -1;
	for (i = 0; reasons && i < reasons->len && shown < REASONS_SHOWN; i++)
		if (!reason_elsewhere(reasons->kids[i].str)) {
			if (html(b, "<li>") || html_txt(b, reasons->kids[i].str) || html(b, "</li>"))
				return -1;
			shown++;
		}
	if (!shown && (html(b, "<li>") ||
	               html_pick(b, h->in_person, "Can see you in person", "Can see you by video") ||
	               html(b, "</li>")))
		return -1;
	if (html(b, "</ul>\n"))
		return -1;
	for (i = 0; soft && i < soft->len; i++) {
		v = jn_get(&soft->kids[i], "name");
		if (html(b, "<p class=\"notice\">You are both connected to ") ||
		    html_txt(b, v ? v->str : "an organization") ||
		    html(b, ". That is not a dual relationship that rules them out, but you may meet "
		            "there.</p>\n"))
			return -1;
	}
	return html(b, "</article>\n");
}

/* The one-line summary, and what was screened for each organization. */
static int
summary(struct buf *b, struct req *r, const jnode *root, const struct search *s, int page,
        size_t shown)
{
	const struct taxonomy *tax = r->app->sv.tax;
	const jnode *tot = jn_get(root, "total_eligible");
	long total = tot ? (long)tot->i : 0;
	char num[32], text[256];
	int i, wi = worst_rule(root), ji = tax_find(tax, TAX_JURISDICTION, arg(r, "jurisdiction"));

	thousands(num, sizeof(num), total);
	if (total == 0)
		snprintf(text, sizeof(text), "No therapist fits your search");
	else
		snprintf(text, sizeof(text), "%s therapist%s fit%s your search", num,
		         total == 1 ? "" : "s", total == 1 ? "s" : "");
	if (html(b, "<p class=\"lede\" role=\"status\">") || html_txt(b, text) ||
	    (ji >= 0 && (html(b, " in ") || html_txt(b, tax_label(tax, TAX_JURISDICTION, ji)))) ||
	    (s->place_label[0] && (html(b, ", near ") || html_txt(b, s->place_label))) ||
	    html(b, "."))
		return -1;
	if (shown > 0 && total > PER_PAGE) {
		snprintf(text, sizeof(text), " Showing %zu to %zu, best first.",
		         (size_t)(page - 1) * PER_PAGE + 1, (size_t)(page - 1) * PER_PAGE + shown);
		if (html_txt(b, text))
			return -1;
	}
	if (total < 5 && wi >= 0 &&
	    (html(b, " Most were set aside because ") || html_txt(b, rule_because[wi]) ||
	     html(b, ". To see more, ") || html_txt(b, rule_hints[wi]) || html(b, ".")))
		return -1;
	if (html(b, "</p>\n"))
		return -1;
	for (i = 0; i < AFF_ROWS; i++) {
		const struct org_row *o = &s->orgs[i];

		if (!o->typed)
			continue;
		if (o->fit == ORG_ONE &&
		    (html(b, "<p class=\"notice\">Screened for dual relationships through “") ||
		     html_txt(b, o->hits[0].name) || html(b, "”.</p>\n")))
			return -1;
		if (o->fit == ORG_DECLARED &&
		    (html(b, "<p class=\"notice\">“") || html_txt(b, o->typed) ||
		     html(b, "” is not in the registry; we set aside therapists who declared an "
		             "organization with that name.</p>\n")))
			return -1;
		if (o->fit == ORG_NONE &&
		    (html(b, "<p class=\"banner warn\">“") || html_txt(b, o->typed) ||
		     html(b, "” is not in the registry and no therapist declared it, so nothing was "
		             "screened for it. <a href=\"/orgs/new\">Add it to the registry</a> "
		             "(signed in).</p>\n")))
			return -1;
	}
	return 0;
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

/* Whether the request asks for a search (any preference given). */
static int
submitted(struct req *r)
{
	int i;

	if (strcmp(r->method, "POST") == 0)
		return 1;
	for (i = 0; plain_fields[i]; i++)
		if (arg(r, plain_fields[i]))
			return 1;
	return arg(r, "page") != NULL || req_failed(r);
}

static int
show_form(struct req *r, struct resp *p, const struct search *s)
{
	struct buf *b = &p->body;

	if (req_failed(r))
		p->status = 400;
	return page_begin(r, p, "Find a therapist") || error_summary(b, r) ||
	       html(b, "<h1>Find a therapist for yourself</h1>\n") ||
	       (!req_failed(r) &&
	        html(b, "<p class=\"lede\">A therapist for your own therapy, with dual relationships "
	                "screened out. Only the state is needed; the rest narrows the list.</p>\n")) ||
	       form(b, r, p, s) || page_end(p);
}

int
page_search(struct req *r, struct resp *p)
{
	struct buf *b = &p->body, qj = BUF_INIT, rj = BUF_INIT;
	struct search *s;
	struct query q;
	struct verr e;
	struct match_result res;
	struct match_ctx *mc;
	struct hit_info *hits = NULL;
	jnode *root, *results;
	int page = (int)req_int(r, "page", 1), limit, rc = -1, n_hits = 0, k;
	char saved[4096] = "";
	size_t i, first;

	if (page < 1 || page > QUERY_LIMIT_MAX / PER_PAGE)
		page = 1;
	limit = page * PER_PAGE;
	if (!(s = arena_alloc(r->a, sizeof(*s))))
		goto out;
	memset(s, 0, sizeof(*s));
	if (profile_load(&r->cx, &r->who, saved, sizeof(saved)))
		goto out;
	if (!submitted(r)) {
		/* A signed-in clinician's saved preferences fill the form, their
		 * organizations by name. */
		if (saved[0] && req_add_form(r, saved))
			goto out;
		if (read_orgs(r, s))
			goto out;
		r->n_errs = 0;
		rc = show_form(r, p, s);
		goto out;
	}
	/* Their saved organizations screen every search they make, unless
	 * the form names others. */
	if (saved[0] && !has_affiliations(r) && add_saved_affiliations(r, saved))
		goto out;
	if (read_form(r, s))
		goto out;
	if (req_failed(r)) {
		rc = show_form(r, p, s);
		goto out;
	}
	if (r->user && arg(r, "save_profile") && save_profile(r))
		goto out;
	if (form_query(r, s, &qj, limit, strcmp(r->method, "POST") == 0 || r->user != NULL))
		goto out;
	if (query_parse(r->app->sv.tax, qj.p, qj.len, ctx_now(&r->cx), r->a, &q, &e)) {
		req_fail(r, form_field_of(e.field), "%s", e.msg);
		rc = show_form(r, p, s);
		goto out;
	}
	mc = req_ctx_take(r);
	if (!mc)
		goto out;
	k = match_run(mc, &q, &res) || match_result_json(mc, &q, &res, &rj);
	if (!k && res.n_hits > 0 && (hits = arena_alloc(r->a, sizeof(*hits) * (size_t)res.n_hits))) {
		for (n_hits = 0; n_hits < res.n_hits; n_hits++) {
			const struct match_hit *h = &res.hits[n_hits];

			hits[n_hits] = (struct hit_info){h->row, h->fee, h->distance, h->tele, h->in_person};
		}
	} else if (!k && res.n_hits > 0) {
		k = -1;
	}
	req_ctx_give(r, mc);
	if (k || !(root = jn_parse(rj.p, rj.len, r->a, &e)))
		goto out;
	results = jn_get(root, "results");
	first = (size_t)(page - 1) * PER_PAGE;
	if (page_begin(r, p, "Therapists who fit your search") ||
	    html(b, "<h1>Therapists who fit your search</h1>\n") ||
	    summary(b, r, root, s, page, results && results->len > first ? results->len - first : 0))
		goto out;
	for (i = first; results && i < results->len && i < (size_t)n_hits; i++)
		if (card(b, r, &q, &results->kids[i], &hits[i]))
			goto out;
	if (html(b, "<nav class=\"pager\" aria-label=\"More results\">"))
		goto out;
	if (results && results->len == (size_t)limit && page < QUERY_LIMIT_MAX / PER_PAGE) {
		if (html(b, "<form method=\"post\" action=\"/search\">") ||
		    html(b, "<input type=\"hidden\" name=\"page\" value=\"") || html_int(b, page + 1) ||
		    html(b, "\">"))
			goto out;
		for (i = 0; i < (size_t)r->n_args; i++) {
			if (strcmp(r->args[i].key, "page") == 0)
				continue;
			if (html(b, "<input type=\"hidden\" name=\"") || html_attr(b, r->args[i].key) ||
			    html(b, "\" value=\"") || html_attr(b, r->args[i].value) || html(b, "\">"))
				goto out;
		}
		if (html(b, "<button type=\"submit\" class=\"button secondary\">Next ") ||
		    html_int(b, PER_PAGE) || html(b, " results</button></form>"))
			goto out;
	}
	if (html(b, "</nav>\n") || funnel(b, root) || bookmark(b, r, page) ||
	    html(b, "<h2>Change the search</h2>\n") || form(b, r, p, s) || page_end(p))
		goto out;
	rc = 0;
out:
	buf_free(&qj);
	buf_free(&rj);
	return rc;
}
