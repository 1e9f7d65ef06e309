/*
 * taxonomy.c: loading the code lists and finding codes in them.
 *
 * Lookups are on every imported record and every query, so each list has a
 * small open-addressing hash table of its codes next to the arrays.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/taxonomy.h"

struct tax_entry {
	char *code;
	char *label;
};

struct tax_table {
	struct tax_entry *v;
	int n;
	int *slots;             /* index+1, 0 = empty */
	unsigned mask;
};

struct taxonomy {
	struct tax_table list[TAX__MAX];
};

static const char *const list_names[TAX__MAX] = {
	"professions", "orientations", "focus_areas", "populations",
	"career_stages", "modalities", "formats", "compacts", "org_kinds",
	"affiliation_roles", "languages", "jurisdictions",
};

/* Codes whose order the matcher's enums depend on. */
static const char *const fixed_modality[] = {"in_person", "telehealth"};
static const char *const fixed_format[] = {"individual", "group", "couples"};
static const char *const fixed_compact[] = {"PSYPACT", "COUNSELING", "SOCIAL_WORK"};
static const char *const fixed_kind[] = {"employer", "training_program",
	"consultation_group", "association", "other"};
static const char *const fixed_role[] = {"employer", "trainee", "faculty",
	"member", "supervisor", "supervisee"};

const char *
tax_list_name(enum tax_list list)
{
	return list < TAX__MAX ? list_names[list] : "?";
}

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

int
tax_find(const struct taxonomy *t, enum tax_list list, const char *code)
{
	const struct tax_table *tb = &t->list[list];
	unsigned i;

	if (!tb->slots)
		return -1;
	for (i = hash_str(code) & tb->mask; tb->slots[i]; i = (i + 1) & tb->mask) {
		int k = tb->slots[i] - 1;

		if (strcmp(tb->v[k].code, code) == 0)
			return k;
	}
	return -1;
}

int
tax_count(const struct taxonomy *t, enum tax_list list)
{
	return t->list[list].n;
}

const char *
tax_code(const struct taxonomy *t, enum tax_list list, int i)
{
	return (i >= 0 && i < t->list[list].n) ? t->list[list].v[i].code : NULL;
}

const char *
tax_label(const struct taxonomy *t, enum tax_list list, int i)
{
	return (i >= 0 && i < t->list[list].n) ? t->list[list].v[i].label : NULL;
}

void
tax_free(struct taxonomy *t)
{
	int l, i;

	if (!t)
		return;
	for (l = 0; l < TAX__MAX; l++) {
		for (i = 0; i < t->list[l].n; i++) {
			free(t->list[l].v[i].code);
			free(t->list[l].v[i].label);
		}
		free(t->list[l].v);
		free(t->list[l].slots);
	}
	free(t);
}

static int
load_list(struct tax_table *tb, const char *name, json_t *arr, struct verr *e)
{
	size_t i, n = json_array_size(arr);
	unsigned cap = 16;

	if (!json_is_array(arr) || n == 0)
		return verr_set(e, name, "must be a non-empty array of {code, label}");
	tb->v = calloc(n, sizeof(*tb->v));
	while (cap < 2 * n)
		cap *= 2;
	tb->slots = calloc(cap, sizeof(int));
	tb->mask = cap - 1;
	if (!tb->v || !tb->slots)
		return verr_set(e, name, "out of memory");
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(arr, i);
		const char *code = json_string_value(json_object_get(o, "code"));
		const char *label = json_string_value(json_object_get(o, "label"));
		unsigned s;

		if (!code || !*code || !label)
			return verr_set(e, name, "entry %zu has no code or label", i);
		for (s = hash_str(code) & tb->mask; tb->slots[s]; s = (s + 1) & tb->mask)
			if (strcmp(tb->v[tb->slots[s] - 1].code, code) == 0)
				return verr_set(e, name, "code \"%s\" is listed twice", code);
		tb->v[i].code = strdup(code);
		tb->v[i].label = strdup(label);
		if (!tb->v[i].code || !tb->v[i].label)
			return verr_set(e, name, "out of memory");
		tb->slots[s] = (int)i + 1;
		tb->n = (int)i + 1;
	}
	return 0;
}

static int
check_fixed(const struct tax_table *tb, const char *name,
            const char *const *codes, int n, struct verr *e)
{
	int i;

	if (tb->n != n)
		return verr_set(e, name, "must list exactly %d codes", n);
	for (i = 0; i < n; i++)
		if (strcmp(tb->v[i].code, codes[i]) != 0)
			return verr_set(e, name, "code %d must be \"%s\"", i, codes[i]);
	return 0;
}

int
tax_load(struct taxonomy **out, const char *json, size_t len, struct verr *e)
{
	struct taxonomy *t;
	json_error_t je;
	json_t *root;
	int l, rc = -1;

	*out = NULL;
	verr_clear(e);
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		e->offset = (long)je.position;
		return verr_set(e, "", "malformed JSON at byte %d: %s", je.position, je.text);
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		verr_set(e, "", "out of memory");
		goto out;
	}
	for (l = 0; l < TAX__MAX; l++)
		if (load_list(&t->list[l], list_names[l],
		              json_object_get(root, list_names[l]), e))
			goto out;
	if (t->list[TAX_ORIENTATION].n > 64 || t->list[TAX_FOCUS].n > 64 ||
	    t->list[TAX_POPULATION].n > 64 || t->list[TAX_CAREER].n > 64 ||
	    t->list[TAX_PROFESSION].n > 64) {
		verr_set(e, "", "orientations, focus areas, populations, career stages and professions hold at most 64 codes each");
		goto out;
	}
	if (t->list[TAX_JURISDICTION].n > TAX_MAX_JURISDICTIONS ||
	    t->list[TAX_LANGUAGE].n > TAX_MAX_LANGUAGES) {
		verr_set(e, "", "at most %d jurisdictions and %d languages",
		         TAX_MAX_JURISDICTIONS, TAX_MAX_LANGUAGES);
		goto out;
	}
	if (check_fixed(&t->list[TAX_MODALITY], "modalities", fixed_modality, MOD__MAX, e) ||
	    check_fixed(&t->list[TAX_FORMAT], "formats", fixed_format, FMT__MAX, e) ||
	    check_fixed(&t->list[TAX_COMPACT], "compacts", fixed_compact, CMP__MAX, e) ||
	    check_fixed(&t->list[TAX_ORG_KIND], "org_kinds", fixed_kind, KIND__MAX, e) ||
	    check_fixed(&t->list[TAX_ROLE], "affiliation_roles", fixed_role, ROLE__MAX, e))
		goto out;
	*out = t;
	t = NULL;
	rc = 0;
out:
	tax_free(t);
	json_decref(root);
	return rc;
}
