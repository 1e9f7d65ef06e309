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
#include <strings.h>

#include "core/field.h"
#include "core/index.h"
#include "core/json.h"
#include "core/record.h"
#include "core/tz.h"
#include "app/services.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

#define AFF_MAX 40              /* affiliation rows on the form */
#define AFF_BLANK 2             /* empty rows offered for new ones */
#define LIST_MAX 256            /* values of one multi-valued field */
#define WIN_MAX 256             /* windows the form maps back to their day */
#define FEE_FORM_MAX 1000       /* the form's bound on a fee (the record's is higher) */

static const char *const days[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const char *const day_labels[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};
static const char *const profession_labels[] = {
	"Psychologist", "Counselor", "Social worker", "Marriage and family therapist",
	"Psychiatrist", "Psychiatric nurse practitioner", "Other",
};
/* The languages most clinicians give, first on the form; the rest are
 * behind a disclosure, by name. */
static const char *const common_languages[] = {
	"en", "es", "zh", "fr", "ar", "vi", "ko", "ru", "pt", "de", "hi", "tl", "he", "it", "ja", "pl",
};
#define N_COMMON (sizeof(common_languages) / sizeof(common_languages[0]))

/* The form's sections: their anchors and legends. */
static const struct section {
	const char *anchor, *legend;
} sections[] = {
	{"s-who", "Who you are"},
	{"s-where", "Where you practise"},
	{"s-fee", "Fees"},
	{"s-approach", "Approach and focus"},
	{"s-lang", "Languages"},
	{"s-hours", "Open hours"},
	{"s-aff", "Affiliations"},
	{"s-policy", "Your policies"},
};

/*
 * Where the record's fields are on the form: which day a window came
 * from, which affiliation row made an affiliation (the validator names
 * "availability[2].end", the person knows "Wednesday").
 */
struct form_map {
	int8_t win_day[WIN_MAX];
	int n_win;
	int aff_row[AFF_MAX];
	int n_aff;
};

/* Whether value is one of the values sent as key. */
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

/* ----------------------------------------------------------------------
 * The form as the contract's record
 * ---------------------------------------------------------------------- */

/* Writes "key":[...] from every value of key, each split at commas and
 * spaces (a checkbox sends one code; an older form, a list). */
static int
json_list(struct jw *j, struct req *r, const char *key)
{
	const char *v[LIST_MAX];
	int n = req_args(r, key, v, LIST_MAX), i;

	jw_karr_open(j, key);
	for (i = 0; i < n; i++) {
		const char *text = v[i];

		while (text && *text) {
			char tmp[128];
			size_t k;

			text += strspn(text, ", \t\r\n");
			k = strcspn(text, ", \t\r\n");
			if (!k)
				break;
			snprintf(tmp, sizeof(tmp), "%.*s", (int)(k < 127 ? k : 127), text);
			jw_str(j, tmp);
			text += k;
		}
	}
	return jw_arr_close(j);
}

/*
 * Parses "09:00-12:00 telehealth, 14:00-17:00 in person" into windows of
 * day d, as JSON; where a window is held ("telehealth", "in person" or
 * "office"; neither: every modality of the listing) goes to m. A range
 * that cannot be read, or ends before it starts, is named on the day's
 * field (avail_DAY) in a sentence, and left out.
 */
static int
json_hours(struct jw *j, struct req *r, int d, struct store_avail_modes *m, struct form_map *fm)
{
	char key[16];
	const char *text;

	snprintf(key, sizeof(key), "avail_%s", days[d]);
	text = req_arg(r, key);
	while (text && *text) {
		char start[8], end[8], rest[64];
		size_t n;
		int a, b, modes = 0;

		text += strspn(text, ", \t");
		if (!*text)
			break;
		n = strcspn(text, ",");
		snprintf(rest, sizeof(rest), "%.*s", (int)(n < 63 ? n : 63), text);
		text += n;
		if (sscanf(rest, " %5[0-9:] - %5[0-9:]", start, end) != 2 || (a = parse_hhmm(start)) < 0 ||
		    (b = parse_hhmm(end)) < 0 || a >= 1440) {
			req_fail(r, key, "%s: write the hours like 09:00-12:00, 14:00-17:30", day_labels[d]);
			continue;
		}
		if (b <= a) {
			req_fail(r, key, "%s: %s-%s ends before it starts; write the earlier time first",
			         day_labels[d], start, end);
			continue;
		}
		jw_obj_open(j);
		jw_kstr(j, "day", days[d]);
		jw_kstr(j, "start", start);
		jw_kstr(j, "end", end);
		if (jw_obj_close(j))
			return -1;
		if (fm->n_win < WIN_MAX)
			fm->win_day[fm->n_win++] = (int8_t)d;
		if (strstr(rest, "telehealth"))
			modes |= 1 << MOD_TELEHEALTH;
		if (strstr(rest, "in person") || strstr(rest, "in-person") || strstr(rest, "office"))
			modes |= 1 << MOD_IN_PERSON;
		if (modes && modes != 3 && m->n < STORE_AVAIL_MODES_MAX)
			m->v[m->n++] = (struct store_avail_mode){(uint8_t)d, (uint16_t)a, (uint16_t)b, (uint8_t)modes};
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

/* Case-insensitive equality of two names. */
static bool
same_name(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

struct org_pick {
	const char *q;
	char id[72];
	int exact, some;
	char some_id[72];
};

static int
org_seen(void *arg, const struct store_org *o)
{
	struct org_pick *x = arg;

	if (same_name(o->name, x->q)) {
		if (!x->exact++)
			snprintf(x->id, sizeof(x->id), "%s", o->id);
	} else if (!x->some++)
		snprintf(x->some_id, sizeof(x->some_id), "%s", o->id);
	return 0;
}

/*
 * What an affiliation row names: an organization of the registry or a
 * clinician listed in chiron, given by id (the type-ahead fills one in)
 * or by name. *ref (in r's arena) and *person on success: 0; 1 with a
 * sentence recorded on the row's field when it names none or several.
 */
static int
aff_resolve(struct req *r, int row, const char *text, const char **ref, bool *person)
{
	const struct index *ix = req_index(r);
	struct org_pick x;
	struct refusal why;
	char f[24];
	int64_t k;
	int n_people = 0;
	uint32_t i;
	const char *who = NULL;

	snprintf(f, sizeof(f), "aff_org%d", row);
	*person = false;
	if (ix && index_org(ix, text) >= 0) {
		*ref = text;
		return 0;
	}
	if (ix && (k = index_row(ix, text)) >= 0) {
		*ref = text;
		*person = true;
		return 0;
	}
	memset(&x, 0, sizeof(x));
	x.q = text;
	if (strlen(text) >= 2 && strlen(text) <= 100 &&
	    orgs_search(&r->cx, &r->who, text, org_seen, &x, &why) < 0)
		return -1;
	for (i = 0; ix && i < ix->n; i++)
		if (ix->name[i] && same_name(ix->name[i], text) && !n_people++)
			who = ix->id[i];
	if (x.exact + n_people == 1) {
		*person = n_people == 1;
		*ref = arena_strdup(r->a, *person ? who : x.id);
		return *ref ? 0 : -1;
	}
	if (x.exact + n_people > 1)
		return req_fail(r, f, "Affiliation %d: several are called \u201c%s\u201d; choose the one you "
		                "mean", row, text);
	if (x.some == 1) {
		*ref = arena_strdup(r->a, x.some_id);
		return *ref ? 0 : -1;
	}
	return req_fail(r, f, "Affiliation %d: no organization or colleague in chiron is called \u201c%s\u201d; "
	                "check the spelling, or add the organization", row, text);
}

/* A fee field: a whole number from 0 to max, or empty when optional. */
static void
fee_json(struct jw *j, struct req *r, const char *name, const char *key, const char *label, long max,
         bool required)
{
	const char *v = req_arg(r, name);
	int64_t n;

	if (!v || !*v) {
		if (required)
			req_fail(r, name, "%s: give a number from 0 to %ld", label, max);
		return;
	}
	if (field_parse_int(v, 0, max, &n)) {
		req_fail(r, name, required ? "%s: give a number from 0 to %ld" :
		                             "%s: give a number from 0 to %ld, or leave it empty", label, max);
		return;
	}
	jw_kint(j, key, n);
}

/*
 * The record the form describes, as one JSON object with the given id.
 * Every value that is wrong is recorded with req_fail, in the words of
 * the form (all of them, not the first): the caller reads req_failed.
 * Returns 0, or -1 when out of memory.
 */
static int
form_record(struct req *r, const char *id, struct buf *out, struct store_avail_modes *m, struct form_map *fm)
{
	const char *v;
	int d, i;
	struct jw jw, *j = &jw;

	jw_init(j, out);
	jw_obj_open(j);
	jw_kstr(j, "type", "therapist");
	jw_kstr(j, "id", id);
	v = req_arg(r, "name");
	if (!v || !*v || strlen(v) > 300)
		req_fail(r, "name", "Name: give your name as clients will see it, at most 300 characters");
	jw_kstr(j, "name", v ? v : "");
	v = req_arg(r, "credentials");
	if (v && strlen(v) > 200)
		req_fail(r, "credentials", "Credentials: keep them to 200 characters");
	jw_kstr(j, "credentials", v ? v : "");
	jw_kstr(j, "profession", (v = req_arg(r, "profession")) ? v : "");
	if ((v = req_arg(r, "npi")) && v[0]) {
		if (!npi_ok(v))
			req_fail(r, "npi", "NPI: give the 10 digits of your National Provider Identifier, or "
			                   "leave it empty");
		jw_kstr(j, "npi", v);
	}
	json_list(j, r, "licenses");
	json_list(j, r, "compacts");
	{
		const char *lat = req_arg(r, "office_lat"), *lon = req_arg(r, "office_lon"),
		           *jur = req_arg(r, "office_jurisdiction");

		if ((lat && lat[0]) || (lon && lon[0])) {
			static const struct field flat = {"office_lat", F_NUMBER, -90, 90, true, NULL, NULL},
			                          flon = {"office_lon", F_NUMBER, -180, 180, true, NULL, NULL};
			struct fval la, lo;
			struct verr e;
			int bad = 0;

			if (field_check(&flat, lat, &la, &e))
				bad = req_fail(r, "office_lat", "Office latitude: give a number from -90 to 90, "
				                                "like 40.7128");
			if (field_check(&flon, lon, &lo, &e))
				bad = req_fail(r, "office_lon", "Office longitude: give a number from -180 to 180, "
				                                "like -74.0060");
			if (!bad) {
				jw_kobj_open(j, "office");
				jw_knum(j, "lat", degrees7(la.d));
				jw_knum(j, "lon", degrees7(lo.d));
				if (jur && jur[0])
					jw_kstr(j, "jurisdiction", jur);
				jw_obj_close(j);
			}
		} else if (is_checked(r, "modalities", "in_person")) {
			req_fail(r, "office_lat", "Office: give your office's latitude and longitude, or untick "
			                          "\u201cIn person\u201d");
		}
	}
	json_list(j, r, "modalities");
	if (!req_arg(r, "modalities"))
		req_fail(r, "modalities", "How you meet clients: choose at least one");
	json_list(j, r, "formats");
	if (!req_arg(r, "formats"))
		req_fail(r, "formats", "Formats: choose at least one");
	jw_kbool(j, "accepting_new_clients", req_arg(r, "accepting") != NULL);
	jw_kobj_open(j, "fee");
	v = req_arg(r, "fee_currency");
	if (v && v[0] && (strlen(v) != 3 || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3))
		req_fail(r, "fee_currency", "Currency: give three capital letters, like USD");
	jw_kstr(j, "currency", v && v[0] ? v : "USD");
	fee_json(j, r, "fee_session", "session", "Fee for one session", FEE_FORM_MAX, true);
	fee_json(j, r, "fee_sliding", "sliding_scale_min", "Lowest fee on your sliding scale", FEE_FORM_MAX, false);
	fee_json(j, r, "fee_discount", "clinician_discount_pct", "Discount for clinicians", 100, false);
	fee_json(j, r, "fee_group", "group_session", "Fee for a group session", FEE_FORM_MAX, false);
	jw_obj_close(j);
	json_list(j, r, "orientations");
	json_list(j, r, "focus_areas");
	json_list(j, r, "populations");
	json_list(j, r, "languages");
	json_list(j, r, "career_stages");
	jw_kbool(j, "clinician_clients", req_arg(r, "clinician_clients") != NULL);
	v = req_arg(r, "timezone");
	if (!v || !tz_get(v))
		req_fail(r, "timezone", "Time zone: give the zone of your clock as a place, like America/New_York");
	jw_kstr(j, "timezone", v ? v : "");
	jw_karr_open(j, "availability");
	for (d = 0; d < 7; d++)
		if (json_hours(j, r, d, m, fm))
			return -1;
	jw_arr_close(j);
	jw_karr_open(j, "affiliations");
	for (i = 1; i <= AFF_MAX; i++) {
		char k1[24], k2[24], k3[24], k4[24];
		const char *ref, *role;
		bool person;
		int rc;

		snprintf(k1, sizeof(k1), "aff_org%d", i);
		snprintf(k2, sizeof(k2), "aff_role%d", i);
		snprintf(k3, sizeof(k3), "aff_past%d", i);
		snprintf(k4, sizeof(k4), "aff_remove%d", i);
		ref = req_arg(r, k1);
		role = req_arg(r, k2);
		if (!ref || !ref[0] || req_arg(r, k4))
			continue;
		if ((rc = aff_resolve(r, i, ref, &ref, &person)) < 0)
			return -1;
		if (rc)
			continue;
		jw_obj_open(j);
		jw_kstr(j, person ? "person" : "org", ref);
		jw_kstr(j, "role", role ? role : "");
		jw_kbool(j, "current", !req_arg(r, k3));
		jw_obj_close(j);
		if (fm->n_aff < AFF_MAX)
			fm->aff_row[fm->n_aff++] = i;
	}
	jw_arr_close(j);
	jw_obj_close(j);
	return jw_end(j);
}

/* The stated policies from the form, each at most 2000 bytes. */
static void
form_policy(struct req *r, struct store_policy *pol)
{
	static const struct { const char *key, *label; size_t off; } f[] = {
		{"policy_confidentiality", "Confidentiality when we share colleagues",
		 offsetof(struct store_policy, confidentiality)},
		{"policy_events", "Meeting clients at professional events", offsetof(struct store_policy, events)},
		{"policy_dual", "A dual relationship found later", offsetof(struct store_policy, dual)},
	};
	size_t i;

	memset(pol, 0, sizeof(*pol));
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		const char *v = req_arg(r, f[i].key);

		if (v && strlen(v) >= STORE_POLICY_MAX)
			req_fail(r, f[i].key, "%s: keep it to 2000 characters", f[i].label);
		snprintf((char *)pol + f[i].off, STORE_POLICY_MAX, "%s", v ? v : "");
	}
}

/*
 * The validator's refusal (a contract field path and its sentence) as
 * the form's field and a sentence in the form's words: the fallback for
 * what the checks above do not catch.
 */
static void
fail_from_record(struct req *r, const struct refusal *why, const struct form_map *fm)
{
	static const struct { const char *path, *field, *say; } map[] = {
		{"name", "name", "Name: give your name as clients will see it"},
		{"credentials", "credentials", "Credentials: keep them to 200 characters"},
		{"profession", "profession", "Profession: choose one from the list"},
		{"npi", "npi", "NPI: give the 10 digits of your National Provider Identifier, or leave it empty"},
		{"licenses", "licenses", "Licensed in: choose the states where you hold a licence"},
		{"compacts", "compacts", "Interstate compacts: choose from the list"},
		{"office", "office_lat", "Office: give your office's latitude and longitude, or untick \u201cIn person\u201d"},
		{"modalities", "modalities", "How you meet clients: choose at least one"},
		{"formats", "formats", "Formats: choose at least one"},
		{"fee.currency", "fee_currency", "Currency: give three capital letters, like USD"},
		{"fee.session", "fee_session", "Fee for one session: give a number from 0 to 1000"},
		{"fee.sliding_scale_min", "fee_sliding", "Lowest fee on your sliding scale: give a number from 0 to 1000, or leave it empty"},
		{"fee.clinician_discount_pct", "fee_discount", "Discount for clinicians: give a number from 0 to 100, or leave it empty"},
		{"fee.group_session", "fee_group", "Fee for a group session: give a number from 0 to 1000, or leave it empty"},
		{"fee", "fee_session", "Fee for one session: give a number from 0 to 1000"},
		{"orientations", "orientations", "Orientations: choose from the list"},
		{"focus_areas", "focus_areas", "Focus areas: choose from the list"},
		{"populations", "populations", "Populations you affirm: choose from the list"},
		{"languages", "languages", "Languages: choose the languages you offer therapy in"},
		{"career_stages", "career_stages", "Career stages: choose from the list"},
		{"timezone", "timezone", "Time zone: give the zone of your clock as a place, like America/New_York"},
		{"policies", "policy_confidentiality", "Your policies: keep each to 2000 characters"},
	};
	const char *path = why->field ? why->field : "";
	size_t i, n;
	int k;

	if (strncmp(path, "availability[", 13) == 0) {
		k = (int)strtol(path + 13, NULL, 10);
		if (k >= 0 && k < fm->n_win) {
			char f[16];

			snprintf(f, sizeof(f), "avail_%s", days[fm->win_day[k]]);
			req_fail(r, f, "%s: write the hours like 09:00-12:00, 14:00-17:30, each range ending after "
			         "it starts", day_labels[fm->win_day[k]]);
			return;
		}
	}
	if (strncmp(path, "affiliations[", 13) == 0) {
		k = (int)strtol(path + 13, NULL, 10);
		if (k >= 0 && k < fm->n_aff) {
			char f[24];

			snprintf(f, sizeof(f), "aff_role%d", fm->aff_row[k]);
			req_fail(r, f, "Affiliation %d: a colleague can only be your supervisor or supervisee; "
			         "choose that role, or name an organization", fm->aff_row[k]);
			return;
		}
	}
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		n = strlen(map[i].path);
		if (strncmp(path, map[i].path, n) == 0 && (!path[n] || path[n] == '.' || path[n] == '[')) {
			req_fail(r, map[i].field, "%s", map[i].say);
			return;
		}
	}
	req_fail(r, "", "%s", why->message);
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
		if (kv(&f, "licenses", tax_code(tax, TAX_JURISDICTION, t->licenses[i])))
			goto out;
	if (kv_bits(&f, tax, "compacts", TAX_COMPACT, t->compacts) ||
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
	for (i = 0; i < t->n_languages; i++)
		if (kv(&f, "languages", tax_code(tax, TAX_LANGUAGE, t->languages[i])))
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

/* A text field in a .form-group: label, hint, its error, the input (its
 * id is its name); extra is markup, its attributes as a literal. */
#define text_input(b, r, key, label, hint, extra) \
	text_input_((b), (r), (key), (label), (hint), MARKUP(extra))

static int
text_input_(struct buf *b, struct req *r, const char *key, const char *label,
            const char *hint, struct markup extra)
{
	const char *v = req_arg(r, key);

	return html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, key) || html(b, "\">") ||
	       html_txt(b, label) || html(b, "</label>\n") ||
	       (hint && (html(b, "<p class=\"hint\" id=\"h-") || html_attr(b, key) ||
	                 html(b, "\">") || html_txt(b, hint) || html(b, "</p>\n"))) ||
	       field_error(b, r, key) ||
	       html(b, "<input type=\"text\" id=\"") || html_attr(b, key) ||
	       html(b, "\" name=\"") || html_attr(b, key) || html(b, "\" value=\"") ||
	       html_attr(b, v ? v : "") || html(b, "\"") ||
	       (req_error(r, key) ? field_invalid(b, r, key) :
	        hint && (html(b, " aria-describedby=\"h-") || html_attr(b, key) || html(b, "\""))) ||
	       html(b, " ") || html_markup(b, extra) || html(b, "></div>\n");
}

/* One checkbox of a group; the group's first box carries the group's
 * name as its id, so the error summary's link lands on it. */
static int
check(struct buf *b, struct req *r, const char *key, const char *value, const char *label, bool first)
{
	return html(b, "<label><input type=\"checkbox\" name=\"") || html_attr(b, key) ||
	       (first && (html(b, "\" id=\"") || html_attr(b, key))) ||
	       html(b, "\" value=\"") || html_attr(b, value) ||
	       html_pick(b, is_checked(r, key, value), "\" checked> ", "\"> ") ||
	       html_txt(b, label) || html(b, "</label>\n");
}

/* The entries of taxonomy list l in the order of their names (at most
 * max into out): the codes' order is not the one a person reads. */
static int
by_name(const struct taxonomy *tax, enum tax_list l, int *out, int max)
{
	int n = tax_count(tax, l), i, k;

	if (n > max)
		n = max;
	for (i = 0; i < n; i++) {
		for (k = i; k > 0 && strcoll(tax_label(tax, l, out[k - 1]), tax_label(tax, l, i)) > 0; k--)
			out[k] = out[k - 1];
		out[k] = i;
	}
	return n;
}

/*
 * A fieldset of checkboxes, one per entry of a taxonomy list, by name.
 * A long list (the states) shows those chosen, and the rest behind a
 * disclosure, open when none is chosen; the first box shown carries the
 * group's name as its id.
 */
static int
checks(struct buf *b, struct req *r, const char *key, enum tax_list l, const char *legend, const char *hint)
{
	const struct taxonomy *tax = r->app->sv.tax;
	int order[LIST_MAX], n = by_name(tax, l, order, LIST_MAX), i, chosen = 0;
	bool fold = l == TAX_JURISDICTION, first = true;

	for (i = 0; fold && i < n; i++)
		chosen += is_checked(r, key, tax_code(tax, l, order[i]));
	if (html(b, "<fieldset class=\"form-group\"><legend>") || html_txt(b, legend) ||
	    html(b, "</legend>\n") ||
	    (hint && (html(b, "<p class=\"hint\">") || html_txt(b, hint) || html(b, "</p>\n"))) ||
	    field_error(b, r, key) || html(b, "<div class=\"checkboxes\">\n"))
		return -1;
	/* Unfolded: every entry; folded: the chosen ones here, the rest below. */
	for (i = 0; i < n; i++) {
		const char *code = tax_code(tax, l, order[i]);

		if (fold && !is_checked(r, key, code))
			continue;
		if (check(b, r, key, code, tax_label(tax, l, order[i]), first))
			return -1;
		first = false;
	}
	if (fold) {
		if (html(b, "</div>\n<details class=\"disclosure\"") || html_pick(b, chosen == 0, " open>", ">") ||
		    html_pick(b, chosen == 0, "<summary>Choose from the list</summary>\n",
		              "<summary>More states and territories</summary>\n") ||
		    html(b, "<div class=\"checkboxes\">\n"))
			return -1;
		for (i = 0; i < n; i++) {
			const char *code = tax_code(tax, l, order[i]);

			if (is_checked(r, key, code))
				continue;
			if (check(b, r, key, code, tax_label(tax, l, order[i]), first))
				return -1;
			first = false;
		}
		if (html(b, "</div></details>\n"))
			return -1;
		return html(b, "</fieldset>\n");
	}
	return html(b, "</div></fieldset>\n");
}

/* The states and provinces by name, as a select (blank: none chosen). */
static int
state_select(struct buf *b, struct req *r, const char *key, const char *label, const char *hint)
{
	const struct taxonomy *tax = r->app->sv.tax;
	const char *v = req_arg(r, key);
	int i;

	if (html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, key) || html(b, "\">") ||
	    html_txt(b, label) || html(b, "</label>\n") ||
	    (hint && (html(b, "<p class=\"hint\">") || html_txt(b, hint) || html(b, "</p>\n"))) ||
	    field_error(b, r, key) || html(b, "<select id=\"") || html_attr(b, key) ||
	    html(b, "\" name=\"") || html_attr(b, key) || html(b, "\"") || field_invalid(b, r, key) ||
	    html(b, "><option value=\"\">None chosen</option>"))
		return -1;
	int order[LIST_MAX], n = by_name(tax, TAX_JURISDICTION, order, LIST_MAX);

	for (i = 0; i < n; i++) {
		const char *code = tax_code(tax, TAX_JURISDICTION, order[i]);

		if (html(b, "<option value=\"") || html_attr(b, code) ||
		    html_pick(b, v && strcmp(v, code) == 0, "\" selected>", "\">") ||
		    html_txt(b, tax_label(tax, TAX_JURISDICTION, order[i])) || html(b, "</option>"))
			return -1;
	}
	return html(b, "</select></div>\n");
}

/* Languages by name: the common ones, then the rest behind a disclosure
 * (open when one of them is chosen). */
static int
language_checks(struct buf *b, struct req *r)
{
	const struct taxonomy *tax = r->app->sv.tax;
	bool more_chosen = false;
	int order[LIST_MAX], n, i;
	size_t c;

	if (html(b, "<fieldset class=\"form-group\"><legend>Languages you offer therapy in</legend>\n") ||
	    field_error(b, r, "languages") || html(b, "<div class=\"checkboxes\">\n"))
		return -1;
	for (c = 0; c < N_COMMON; c++) {
		int k = tax_find(tax, TAX_LANGUAGE, common_languages[c]);

		if (k >= 0 && check(b, r, "languages", common_languages[c], tax_label(tax, TAX_LANGUAGE, k), c == 0))
			return -1;
	}
	for (i = 0; i < tax_count(tax, TAX_LANGUAGE); i++) {
		const char *code = tax_code(tax, TAX_LANGUAGE, i);

		for (c = 0; c < N_COMMON && strcmp(code, common_languages[c]) != 0; c++)
			;
		if (c == N_COMMON && is_checked(r, "languages", code))
			more_chosen = true;
	}
	if (html(b, "</div>\n<details class=\"disclosure\"") || html_pick(b, more_chosen, " open>", ">") ||
	    html(b, "<summary>More languages</summary>\n<div class=\"checkboxes\">\n"))
		return -1;
	n = by_name(tax, TAX_LANGUAGE, order, LIST_MAX);
	for (i = 0; i < n; i++) {
		const char *code = tax_code(tax, TAX_LANGUAGE, order[i]);

		for (c = 0; c < N_COMMON && strcmp(code, common_languages[c]) != 0; c++)
			;
		if (c == N_COMMON && check(b, r, "languages", code, tax_label(tax, TAX_LANGUAGE, order[i]), false))
			return -1;
	}
	return html(b, "</div></details></fieldset>\n");
}

static int
textarea(struct buf *b, struct req *r, const char *key, const char *label)
{
	const char *v = req_arg(r, key);

	return html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, key) || html(b, "\">") ||
	       html_txt(b, label) || html(b, "</label>\n") || field_error(b, r, key) ||
	       html(b, "<textarea id=\"") || html_attr(b, key) ||
	       html(b, "\" name=\"") || html_attr(b, key) || html(b, "\"") || field_invalid(b, r, key) ||
	       html(b, " rows=\"4\" maxlength=\"2000\">") || html_txt(b, v ? v : "") ||
	       html(b, "</textarea></div>\n");
}

static int
legend(struct buf *b, int k)
{
	return html(b, "<fieldset id=\"") || html_attr(b, sections[k].anchor) ||
	       html(b, "\"><legend>") || html_txt(b, sections[k].legend) || html(b, "</legend>\n");
}

/* The name of what an affiliation's value names (an organization or a
 * clinician listed in chiron), or NULL when it names neither. */
static const char *
aff_name(struct req *r, const char *ref)
{
	const struct index *ix = req_index(r);
	int64_t k;

	if (!ix || !ref || !*ref)
		return NULL;
	if ((k = index_org(ix, ref)) >= 0)
		return ix->org_name[k];
	if ((k = index_row(ix, ref)) >= 0)
		return ix->name[k];
	return NULL;
}

/* The organizations called exactly q, for a chooser. */
struct same_named {
	struct req *r;
	struct buf *b;
	const char *q, *chosen;
	int n, err;
};

static int
same_named_option(void *arg, const struct store_org *o)
{
	struct same_named *x = arg;
	const struct taxonomy *tax = x->r->app->sv.tax;
	int kind = tax_find(tax, TAX_ORG_KIND, o->kind), jur = tax_find(tax, TAX_JURISDICTION, o->jurisdiction);

	if (!same_name(o->name, x->q))
		return 0;
	x->n++;
	if (html(x->b, "<option value=\"") || html_attr(x->b, o->id) || html(x->b, "\">") ||
	    html_txt(x->b, o->name) ||
	    (kind >= 0 && (html(x->b, ", ") || html_txt(x->b, tax_label(tax, TAX_ORG_KIND, kind)))) ||
	    (jur >= 0 && (html(x->b, ", ") || html_txt(x->b, tax_label(tax, TAX_JURISDICTION, jur)))) ||
	    html(x->b, "</option>"))
		return x->err = 1;
	return 0;
}

/*
 * When the name typed on row field f is shared by several organizations
 * (the registry has duplicates), a select of them by name, kind and
 * place, so the person picks one without JavaScript: 1 when shown, 0
 * when not (nothing written), -1 on failure.
 */
static int
aff_chooser(struct buf *b, struct req *r, const char *f, const char *text)
{
	struct buf opts = BUF_INIT;
	struct same_named x = {r, &opts, text, NULL, 0, 0};
	struct refusal why;
	int rc = 0;

	if (!req_error(r, f) || strlen(text) < 2 || strlen(text) > 100)
		return 0;
	if (orgs_search(&r->cx, &r->who, text, same_named_option, &x, &why) < 0 || x.err)
		rc = -1;
	else if (x.n > 1)
		rc = html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, f) ||
		     html(b, "\">Organization</label>\n") || field_error(b, r, f) ||
		     html(b, "<select id=\"") || html_attr(b, f) || html(b, "\" name=\"") || html_attr(b, f) ||
		     html(b, "\"") || field_invalid(b, r, f) || html(b, ">") ||
		     buf_add(b, opts.p, opts.len) || html(b, "</select></div>\n") ? -1 : 1;
	buf_free(&opts);
	return rc;
}

/* One affiliation row: a known one by its name (its id kept hidden, with
 * a box to remove it), a new one as a name to type. */
static int
aff_row(struct buf *b, struct req *r, int i)
{
	static const char *const roles[] = {
		"employer", "trainee", "faculty", "member", "supervisor", "supervisee",
	};
	const struct taxonomy *tax = r->app->sv.tax;
	char f[32], role[32];
	const char *v, *name, *rv;
	int k;

	snprintf(f, sizeof(f), "aff_org%d", i);
	snprintf(role, sizeof(role), "aff_role%d", i);
	v = req_arg(r, f);
	name = aff_name(r, v);
	rv = req_arg(r, role);
	if (html(b, "<fieldset class=\"card\"><legend>") ||
	    html_pick(b, v && *v, "Affiliation ", "New affiliation ") || html_int(b, i) || html(b, "</legend>\n"))
		return -1;
	if (!name && v && (k = aff_chooser(b, r, f, v)) != 0) {
		if (k < 0)
			return -1;
	} else if (name) {
		if (html(b, "<p><strong>") || html_txt(b, name) || html(b, "</strong></p>\n") ||
		    html(b, "<input type=\"hidden\" name=\"") || html_attr(b, f) || html(b, "\" value=\"") ||
		    html_attr(b, v) || html(b, "\">\n"))
			return -1;
	} else if (html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, f) ||
	           html(b, "\">Organization or colleague</label>\n<p class=\"hint\" id=\"h-") ||
	           html_attr(b, f) ||
	           html(b, "\">Its name as the registry has it; a colleague by the name on their listing</p>\n") ||
	           field_error(b, r, f) || html(b, "<input type=\"text\" id=\"") || html_attr(b, f) ||
	           html(b, "\" name=\"") || html_attr(b, f) || html(b, "\" value=\"") ||
	           html_attr(b, v ? v : "") || html(b, "\"") ||
	           (req_error(r, f) ? field_invalid(b, r, f) :
	            html(b, " aria-describedby=\"h-") || html_attr(b, f) || html(b, "\"")) ||
	           html(b, "></div>\n"))
		return -1;
	if (html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, role) || html(b, "\">Role</label>\n") ||
	    field_error(b, r, role) || html(b, "<select id=\"") || html_attr(b, role) || html(b, "\" name=\"") ||
	    html_attr(b, role) || html(b, "\"") || field_invalid(b, r, role) || html(b, ">"))
		return -1;
	for (k = 0; k < 6; k++)
		if (html(b, "<option value=\"") || html_attr(b, roles[k]) ||
		    html_pick(b, rv && strcmp(rv, roles[k]) == 0, "\" selected>", "\">") ||
		    html_txt(b, tax_label(tax, TAX_ROLE, k)) || html(b, "</option>"))
			return -1;
	snprintf(f, sizeof(f), "aff_past%d", i);
	if (html(b, "</select></div>\n<div class=\"form-group\"><label class=\"check\"><input type=\"checkbox\" name=\"") ||
	    html_attr(b, f) || html_pick(b, req_arg(r, f), "\" value=\"1\" checked", "\" value=\"1\"") ||
	    html(b, "> In the past</label>\n"))
		return -1;
	if (name) {
		snprintf(f, sizeof(f), "aff_remove%d", i);
		if (html(b, "<label class=\"check\"><input type=\"checkbox\" name=\"") || html_attr(b, f) ||
		    html_pick(b, req_arg(r, f), "\" value=\"1\" checked", "\" value=\"1\"") ||
		    html(b, "> Remove it</label>\n"))
			return -1;
	}
	return html(b, "</div></fieldset>\n");
}

static int
edit_form(struct req *r, struct resp *p, bool create)
{
	const struct taxonomy *tax = r->app->sv.tax;
	struct buf *b = &p->body;
	const char *v;
	int i, rows;

	if (page_begin(r, p, create ? "Create your listing" : "Edit your listing") || error_summary(b, r) ||
	    html_pick(b, create, "<h1>Create your listing</h1>\n", "<h1>Edit your listing</h1>\n"))
		return -1;
	if (html(b, "<p class=\"lede\">Everything here is public on your profile except your "
	            "affiliations, which chiron uses only to keep clinicians you know from being "
	            "matched with you. Saving also confirms your listing is current.</p>\n"
	            "<form method=\"post\" novalidate action=\"") ||
	    html_pick(b, create, "/listing/new", "/listing/edit") || html(b, "\">") ||
	    form_csrf(b, r, p))
		return -1;

	if (legend(b, 0) ||
	    text_input(b, r, "name", "Name", NULL, "required maxlength=\"300\" autocomplete=\"name\"") ||
	    text_input(b, r, "credentials", "Credentials", "Like PhD, LCSW", "maxlength=\"200\"") ||
	    html(b, "<div class=\"form-group\"><label for=\"profession\">Profession</label>\n") ||
	    field_error(b, r, "profession") ||
	    html(b, "<select id=\"profession\" name=\"profession\">"))
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
	if (html(b, "</select></div>\n") ||
	    text_input(b, r, "npi", "NPI (National Provider Identifier)", "10 digits; optional",
	               "inputmode=\"numeric\" maxlength=\"10\"") ||
	    html(b, "</fieldset>\n"))
		return -1;

	if (legend(b, 1) ||
	    checks(b, r, "licenses", TAX_JURISDICTION, "Licensed in", "Every state or province where you "
	                                                              "hold a licence") ||
	    checks(b, r, "compacts", TAX_COMPACT, "Interstate compacts you practise under", NULL) ||
	    checks(b, r, "modalities", TAX_MODALITY, "How you meet clients", NULL) ||
	    checks(b, r, "formats", TAX_FORMAT, "Formats", NULL) ||
	    html(b, "<p class=\"hint\">Your office, for in-person sessions (leave it empty if you offer "
	            "telehealth only):</p>\n") ||
	    text_input(b, r, "office_lat", "Office latitude", "Like 40.7128", "inputmode=\"decimal\"") ||
	    text_input(b, r, "office_lon", "Office longitude", "Like -74.0060", "inputmode=\"decimal\"") ||
	    state_select(b, r, "office_jurisdiction", "Office state or province", NULL) ||
	    html(b, "</fieldset>\n"))
		return -1;

	if (legend(b, 2) ||
	    html(b, "<div class=\"form-group\"><label class=\"check\"><input type=\"checkbox\" id=\"accepting\" "
	            "name=\"accepting\" value=\"1\"") ||
	    html_pick(b, req_arg(r, "accepting"), " checked", "") ||
	    html(b, "> I am accepting new clients</label></div>\n") ||
	    text_input(b, r, "fee_currency", "Currency", "Three letters, like USD", "maxlength=\"3\"") ||
	    text_input(b, r, "fee_session", "Fee for one session", "A number from 0 to 1000",
	               "inputmode=\"numeric\" required") ||
	    text_input(b, r, "fee_sliding", "Lowest fee on your sliding scale", "Empty: no sliding scale",
	               "inputmode=\"numeric\"") ||
	    text_input(b, r, "fee_discount", "Discount for clinicians, in percent", "Empty: none",
	               "inputmode=\"numeric\"") ||
	    text_input(b, r, "fee_group", "Fee for a group session", "Empty: no groups",
	               "inputmode=\"numeric\"") ||
	    html(b, "</fieldset>\n"))
		return -1;

	if (legend(b, 3) ||
	    checks(b, r, "orientations", TAX_ORIENTATION, "Orientations", NULL) ||
	    checks(b, r, "focus_areas", TAX_FOCUS, "Focus areas", NULL) ||
	    checks(b, r, "populations", TAX_POPULATION, "Populations you affirm", NULL) ||
	    checks(b, r, "career_stages", TAX_CAREER, "Career stages you work with", NULL) ||
	    html(b, "<div class=\"form-group\"><label class=\"check\"><input type=\"checkbox\" id=\"clinician_clients\" "
	            "name=\"clinician_clients\" value=\"1\"") ||
	    html_pick(b, req_arg(r, "clinician_clients"), " checked", "") ||
	    html(b, "> I see clinicians as clients</label></div>\n</fieldset>\n"))
		return -1;

	if (legend(b, 4) || language_checks(b, r) || html(b, "</fieldset>\n"))
		return -1;

	if (legend(b, 5) ||
	    text_input(b, r, "timezone", "Time zone", "The zone of your clock, like America/New_York",
	               "required") ||
	    html(b, "<p class=\"hint\" id=\"h-hours\">The hours you keep open for new clients each "
	            "week, in your time zone, like 09:00-12:00, 14:00-17:30. Add \u201ctelehealth\u201d or "
	            "\u201cin person\u201d after a range held only one way: 09:00-12:00 telehealth. Leave a "
	            "day empty when you are closed.</p>\n"))
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
	            "from being matched with you. Give an organization by its name (<a href=\"/orgs/new\">add "
	            "a missing one</a>), a colleague by the name on their listing.</p>\n"))
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
	for (i = 1; i <= rows; i++)
		if (aff_row(b, r, i))
			return -1;
	if (html(b, "</fieldset>\n"))
		return -1;

	if (legend(b, 7) ||
	    html(b, "<p class=\"hint\">What a clinician can raise at a first consultation; shown on "
	            "your profile.</p>\n") ||
	    textarea(b, r, "policy_confidentiality", "Confidentiality when we share colleagues") ||
	    textarea(b, r, "policy_events", "Meeting clients at professional events") ||
	    textarea(b, r, "policy_dual", "A dual relationship found later") ||
	    html(b, "</fieldset>\n<div class=\"actions\"><button type=\"submit\">") ||
	    html_pick(b, create, "Create my listing", "Save") ||
	    html(b, "</button></div></form>\n<script src=\"/static/orgs.js\" defer></script>\n") ||
	    page_end(p))
		return -1;
	return 0;
}

/* ----------------------------------------------------------------------
 * Handlers
 * ---------------------------------------------------------------------- */

/* The form's record for id, validated and stored; the form again, every
 * error named and the values kept, when anything is wrong. */
static int
post_form(struct req *r, struct resp *p, const char *id, bool create)
{
	struct buf j = BUF_INIT;
	struct store_policy *pol = arena_alloc(r->a, sizeof(*pol));
	struct store_avail_modes *modes = arena_calloc(r->a, 1, sizeof(*modes));
	struct form_map *fm = arena_calloc(r->a, 1, sizeof(*fm));
	struct listing_in in;
	struct refusal why;
	int rc;

	if (!pol || !modes || !fm)
		return -1;
	if (form_record(r, id, &j, modes, fm)) {
		buf_free(&j);
		return -1;
	}
	form_policy(r, pol);
	rc = 0;
	if (!req_failed(r)) {
		in = (struct listing_in){j.p, j.len, pol, modes};
		rc = create ? listing_create_record(&r->cx, &r->who, id, &in, &why) :
		              listing_save_record(&r->cx, &r->who, &in, &why);
		if (rc == 1 && why.status == 400)
			fail_from_record(r, &why, fm);
	}
	buf_free(&j);
	if (req_failed(r)) {
		p->status = 400;
		return edit_form(r, p, create);
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
	return edit_form(r, p, false);
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
		if (req_add_form(r, "fee_currency=USD&accepting=1&modalities=telehealth&formats=individual"
		                    "&languages=en"))
			return -1;
		return edit_form(r, p, true);
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
