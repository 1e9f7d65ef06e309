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

jnode *
jv_parse(const char *text, size_t len, struct arena *a, struct verr *e)
{
	jnode *root = jn_parse(text, len, a, e);

	if (root && !jn_is_object(root)) {
		verr_set(e, "", "expected a JSON object");
		return NULL;
	}
	return root;
}

int
jv_keys(jnode *obj, const char *const *allowed, const char *path,
        struct verr *e)
{
	uint32_t i;
	char f[128];

	for (i = 0; i < obj->len; i++) {
		const char *key = obj->kids[i].key;
		const char *const *a;

		for (a = allowed; *a; a++)
			if ((*a)[0] == key[0] && strcmp(*a, key) == 0)
				break;
		if (!*a) {
			jv_path(f, sizeof(f), path, key);
			return verr_set(e, f, "unknown field");
		}
	}
	return 0;
}

static jnode *
get(jnode *obj, const char *key, bool required, const char *path,
    struct verr *e, int *rc)
{
	jnode *v = jn_get(obj, key);
	char f[128];

	*rc = 0;
	if (v && jn_is_null(v))
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
jv_str(jnode *obj, const char *key, bool required, size_t max,
       struct arena *a, const char **out, const char *path, struct verr *e)
{
	int rc;
	jnode *v = get(obj, key, required, path, e, &rc);
	size_t n;
	const char *s;

	*out = NULL;
	if (!v)
		return rc;
	if (!jn_is_string(v))
		return bad(path, key, e, "must be a string");
	s = v->str;
	n = v->len;
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
jv_bool(jnode *obj, const char *key, bool required, bool dflt, bool *out,
        const char *path, struct verr *e)
{
	int rc;
	jnode *v = get(obj, key, required, path, e, &rc);

	*out = dflt;
	if (!v)
		return rc;
	if (!jn_is_bool(v))
		return bad(path, key, e, "must be true or false");
	*out = jn_is_true(v);
	return 0;
}

int
jv_int(jnode *obj, const char *key, bool required, int64_t lo, int64_t hi,
       int64_t dflt, int64_t *out, const char *path, struct verr *e)
{
	int rc;
	jnode *v = get(obj, key, required, path, e, &rc);
	int64_t x;
	char f[128];

	*out = dflt;
	if (!v)
		return rc;
	if (!jn_is_number(v))
		return bad(path, key, e, "must be a whole number");
	if (v->is_int) {
		x = v->i;
	} else {
		double d = v->num;

		if (d != floor(d) || d < -9e15 || d > 9e15)
			return bad(path, key, e, "must be a whole number");
		x = (int64_t)d;
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
jv_num(jnode *obj, const char *key, bool required, double lo, double hi,
       double *out, bool *present, const char *path, struct verr *e)
{
	int rc;
	jnode *v = get(obj, key, required, path, e, &rc);
	double d;
	char f[128];

	if (present)
		*present = false;
	if (!v)
		return rc;
	if (!jn_is_number(v))
		return bad(path, key, e, "must be a number");
	d = v->is_int ? (double)v->i : v->num;
	if (!(d >= lo && d <= hi)) {
		jv_path(f, sizeof(f), path, key);
		return verr_set(e, f, "%g is out of range (%g to %g)", d, lo, hi);
	}
	*out = d;
	if (present)
		*present = true;
	return 0;
}

/* The code v names in list, or -2 with e naming the field path.key. */
static int
code_of(jnode *v, const struct taxonomy *tax, enum tax_list list,
        const char *path, const char *key, struct verr *e)
{
	char f[128];
	int k;

	if (jn_is_string(v) && (k = tax_find(tax, list, v->str)) >= 0)
		return k;
	jv_path(f, sizeof(f), path, key);
	if (!jn_is_string(v))
		return verr_set(e, f, "must be a code from the %s list",
		                tax_list_name(list)), -2;
	return verr_set(e, f, "unknown code \"%.64s\": not in the %s list of data/taxonomy.json",
	                v->str, tax_list_name(list)), -2;
}

int
jv_code(jnode *obj, const char *key, bool required,
        const struct taxonomy *tax, enum tax_list list, int *out,
        const char *path, struct verr *e)
{
	int rc, k;
	jnode *v = get(obj, key, required, path, e, &rc);

	*out = -1;
	if (!v)
		return rc;
	k = code_of(v, tax, list, path, key, e);
	if (k < 0)
		return -1;
	*out = k;
	return 0;
}

int
jv_codemask(jnode *obj, const char *key, bool required,
            const struct taxonomy *tax, enum tax_list list, uint64_t *out,
            const char *path, struct verr *e)
{
	int rc;
	jnode *v = get(obj, key, required, path, e, &rc), *x;
	size_t i;

	*out = 0;
	if (!v)
		return rc;
	if (!jn_is_array(v))
		return bad(path, key, e, "must be an array of codes");
	jn_foreach(v, i, x) {
		int k = code_of(x, tax, list, path, key, e);

		if (k < 0)
			return -1;
		*out |= (uint64_t)1 << k;
	}
	return 0;
}

int
jv_codelist(jnode *obj, const char *key, bool required,
            const struct taxonomy *tax, enum tax_list list, struct arena *a,
            int16_t **out, int *n, const char *path, struct verr *e)
{
	int rc;
	jnode *v = get(obj, key, required, path, e, &rc), *x;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!v)
		return rc;
	if (!jn_is_array(v))
		return bad(path, key, e, "must be an array of codes");
	if (jn_len(v) > 256)
		return bad(path, key, e, "has more than 256 codes");
	*out = arena_alloc(a, (jn_len(v) + 1) * sizeof(int16_t));
	if (!*out)
		return bad(path, key, e, "out of memory");
	jn_foreach(v, i, x) {
		int k = code_of(x, tax, list, path, key, e), j;

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
