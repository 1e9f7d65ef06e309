/*
 * jsonv.c: the validated readers of jsonv.h.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonv.h"

void
jv_path(char *dst, size_t n, const char *path, const char *key)
{
	if (path && *path)
		snprintf(dst, n, "%s.%s", path, key);
	else
		snprintf(dst, n, "%s", key);
}

json_t *
jv_parse(const char *text, size_t len, struct verr *e)
{
	json_error_t je;
	json_t *root;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!root) {
		e->offset = (long)je.position;
		verr_set(e, "", "malformed JSON at byte %d: %s", je.position, je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		verr_set(e, "", "expected a JSON object");
		return NULL;
	}
	return root;
}

int
jv_keys(json_t *obj, const char *const *allowed, const char *path,
        struct verr *e)
{
	const char *key;
	json_t *v;
	char f[128];

	json_object_foreach(obj, key, v) {
		const char *const *a;

		for (a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				break;
		if (!*a) {
			jv_path(f, sizeof(f), path, key);
			return verr_set(e, f, "unknown field");
		}
	}
	return 0;
}

static json_t *
get(json_t *obj, const char *key, bool required, const char *path,
    struct verr *e, int *rc)
{
	json_t *v = json_object_get(obj, key);
	char f[128];

	*rc = 0;
	if (v && json_is_null(v))
		v = NULL;
	if (!v && required) {
		jv_path(f, sizeof(f), path, key);
		*rc = verr_set(e, f, "is required");
	}
	return v;
}

static int
bad(const char *path, const char *key, struct verr *e, const char *what)
{
	char f[128];

	jv_path(f, sizeof(f), path, key);
	return verr_set(e, f, "%s", what);
}

int
jv_str(json_t *obj, const char *key, bool required, size_t max,
       struct arena *a, const char **out, const char *path, struct verr *e)
{
	int rc;
	json_t *v = get(obj, key, required, path, e, &rc);
	size_t n;
	const char *s;

	*out = NULL;
	if (!v)
		return rc;
	if (!json_is_string(v))
		return bad(path, key, e, "must be a string");
	s = json_string_value(v);
	n = json_string_length(v);
	if (memchr(s, '\0', n))
		return bad(path, key, e, "must not contain NUL characters");
	if (required && n == 0)
		return bad(path, key, e, "must not be empty");
	if (n > max) {
		char f[128];

		jv_path(f, sizeof(f), path, key);
		return verr_set(e, f, "is longer than %zu bytes", max);
	}
	*out = arena_strndup(a, s, n);
	if (!*out)
		return bad(path, key, e, "out of memory");
	return 0;
}

int
jv_bool(json_t *obj, const char *key, bool required, bool dflt, bool *out,
        const char *path, struct verr *e)
{
	int rc;
	json_t *v = get(obj, key, required, path, e, &rc);

	*out = dflt;
	if (!v)
		return rc;
	if (!json_is_boolean(v))
		return bad(path, key, e, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

int
jv_int(json_t *obj, const char *key, bool required, int64_t lo, int64_t hi,
       int64_t dflt, int64_t *out, const char *path, struct verr *e)
{
	int rc;
	json_t *v = get(obj, key, required, path, e, &rc);
	int64_t x;
	char f[128];

	*out = dflt;
	if (!v)
		return rc;
	if (json_is_real(v)) {
		double d = json_real_value(v);

		if (d != floor(d) || d < -9e15 || d > 9e15)
			return bad(path, key, e, "must be a whole number");
		x = (int64_t)d;
	} else if (json_is_integer(v)) {
		x = json_integer_value(v);
	} else {
		return bad(path, key, e, "must be a whole number");
	}
	if (x < lo || x > hi) {
		jv_path(f, sizeof(f), path, key);
		return verr_set(e, f, "%lld is out of range (%lld to %lld)",
		                (long long)x, (long long)lo, (long long)hi);
	}
	*out = x;
	return 0;
}

int
jv_num(json_t *obj, const char *key, bool required, double lo, double hi,
       double *out, bool *present, const char *path, struct verr *e)
{
	int rc;
	json_t *v = get(obj, key, required, path, e, &rc);
	double d;
	char f[128];

	if (present)
		*present = false;
	if (!v)
		return rc;
	if (!json_is_number(v))
		return bad(path, key, e, "must be a number");
	d = json_number_value(v);
	if (!(d >= lo && d <= hi)) {
		jv_path(f, sizeof(f), path, key);
		return verr_set(e, f, "%g is out of range (%g to %g)", d, lo, hi);
	}
	*out = d;
	if (present)
		*present = true;
	return 0;
}

static int
code_of(json_t *v, const struct taxonomy *tax, enum tax_list list,
        const char *field, struct verr *e)
{
	int k;

	if (!json_is_string(v))
		return verr_set(e, field, "must be a code from the %s list",
		                tax_list_name(list)), -2;
	k = tax_find(tax, list, json_string_value(v));
	if (k < 0)
		return verr_set(e, field, "unknown code \"%.64s\": not in the %s list of data/taxonomy.json",
		                json_string_value(v), tax_list_name(list)), -2;
	return k;
}

int
jv_code(json_t *obj, const char *key, bool required,
        const struct taxonomy *tax, enum tax_list list, int *out,
        const char *path, struct verr *e)
{
	int rc, k;
	json_t *v = get(obj, key, required, path, e, &rc);
	char f[128];

	*out = -1;
	if (!v)
		return rc;
	jv_path(f, sizeof(f), path, key);
	k = code_of(v, tax, list, f, e);
	if (k < 0)
		return -1;
	*out = k;
	return 0;
}

int
jv_codemask(json_t *obj, const char *key, bool required,
            const struct taxonomy *tax, enum tax_list list, uint64_t *out,
            const char *path, struct verr *e)
{
	int rc;
	json_t *v = get(obj, key, required, path, e, &rc), *x;
	size_t i;
	char f[128];

	*out = 0;
	if (!v)
		return rc;
	jv_path(f, sizeof(f), path, key);
	if (!json_is_array(v))
		return verr_set(e, f, "must be an array of codes from the %s list",
		                tax_list_name(list));
	json_array_foreach(v, i, x) {
		int k = code_of(x, tax, list, f, e);

		if (k < 0)
			return -1;
		*out |= (uint64_t)1 << k;
	}
	return 0;
}

int
jv_codelist(json_t *obj, const char *key, bool required,
            const struct taxonomy *tax, enum tax_list list, struct arena *a,
            int16_t **out, int *n, const char *path, struct verr *e)
{
	int rc;
	json_t *v = get(obj, key, required, path, e, &rc), *x;
	size_t i;
	char f[128];

	*out = NULL;
	*n = 0;
	if (!v)
		return rc;
	jv_path(f, sizeof(f), path, key);
	if (!json_is_array(v))
		return verr_set(e, f, "must be an array of codes from the %s list",
		                tax_list_name(list));
	if (json_array_size(v) > 256)
		return verr_set(e, f, "has more than 256 codes");
	*out = arena_alloc(a, (json_array_size(v) + 1) * sizeof(int16_t));
	if (!*out)
		return verr_set(e, f, "out of memory");
	json_array_foreach(v, i, x) {
		int k = code_of(x, tax, list, f, e), j;

		if (k < 0)
			return -1;
		for (j = 0; j < *n; j++)
			if ((*out)[j] == k)
				break;
		if (j == *n)
			(*out)[(*n)++] = (int16_t)k;
	}
	return 0;
}
