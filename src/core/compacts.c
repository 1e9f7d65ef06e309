/*
 * compacts.c: reading a compact member list file (see compacts.h).
 */
#include <string.h>

#include "core/compacts.h"
#include "core/jsonv.h"

int
compacts_parse(const struct taxonomy *tax, const char *json, size_t len,
               struct compacts *out, struct verr *e)
{
	jnode *root, *v, *x;
	struct arena a;
	uint32_t m;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	verr_clear(e);
	arena_init(&a, 65536);
	root = jv_parse(json, len, &a, e);
	if (!root)
		goto out;
	for (m = 0; m < root->len; m++) {
		const char *key = root->kids[m].key;
		int c;
		size_t i;

		v = &root->kids[m];

		if (key[0] == '_')
			continue;
		if (strcmp(key, "as_of") == 0) {
			const char *s = jn_is_string(v) ? v->str : NULL;

			if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
			    strspn(s, "0123456789") != 4 || strspn(s + 5, "0123456789") != 2 ||
			    strspn(s + 8, "0123456789") != 2) {
				verr_set(e, "as_of", "must be a date YYYY-MM-DD");
				goto out;
			}
			memcpy(out->as_of, s, 11);
			continue;
		}
		c = tax_find(tax, TAX_COMPACT, key);
		if (c < 0) {
			verr_set(e, key, "unknown field: not a compact of the compacts list (PSYPACT, COUNSELING, SOCIAL_WORK) nor a _comment");
			goto out;
		}
		if (!jn_is_array(v)) {
			verr_set(e, key, "must be an array of jurisdiction codes");
			goto out;
		}
		jn_foreach(v, i, x) {
			const char *j = jn_is_string(x) ? x->str : NULL;
			int k = j ? tax_find(tax, TAX_JURISDICTION, j) : -1;

			if (k < 0) {
				verr_set(e, key, "unknown code \"%.32s\": not in the jurisdictions list of data/taxonomy.json",
				         j ? j : "(not a string)");
				goto out;
			}
			out->member[c][k] = true;
		}
	}
	rc = 0;
out:
	arena_free(&a);
	return rc;
}
