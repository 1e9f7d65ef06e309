/*
 * fuzz_json.c: the JSON reader of the hot paths (core/json.h), and the
 * validated readers over its tree (core/jsonv.h).
 *
 * Promises checked: a refusal names a byte inside the input; an accepted
 * text is at most JN_MAX_DEPTH deep, its strings and keys are valid UTF-8
 * (no surrogates, no overlong forms) with no NUL and as long as they say,
 * an object's members all have keys (all different) and an array's none;
 * and the tree, written back as JSON, reads back the same.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/jsonv.h"

static struct arena A;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	arena_init(&A, 0);
	fuzz_taxonomy();
	return 0;
}

/* Is s (n bytes) valid UTF-8, by RFC 3629's table? */
static int
utf8_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned c = *p, lo = 0x80, hi = 0xbf;
		int k, i;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		else
			return 0;
		if (end - p <= k || p[1] < lo || p[1] > hi)
			return 0;
		for (i = 2; i <= k; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += k + 1;
	}
	return 1;
}

static void
check(const jnode *v, int depth)
{
	uint32_t i, k;

	FUZZ_CHECK(depth <= JN_MAX_DEPTH + 1);
	FUZZ_CHECK(v->type <= JN_OBJECT);
	if (v->type == JN_STRING) {
		FUZZ_CHECK(v->str != NULL);
		FUZZ_CHECK(strlen(v->str) == v->len);
		FUZZ_CHECK(utf8_ok(v->str, v->len));
	} else if (v->type == JN_NUMBER && !v->is_int) {
		FUZZ_CHECK(isfinite(v->num));
	} else if (v->type == JN_ARRAY || v->type == JN_OBJECT) {
		FUZZ_CHECK(v->len == 0 || v->kids != NULL);
		for (i = 0; i < v->len; i++) {
			const jnode *x = &v->kids[i];

			if (v->type == JN_OBJECT) {
				FUZZ_CHECK(x->key != NULL);
				FUZZ_CHECK(utf8_ok(x->key, strlen(x->key)));
				for (k = 0; k < i; k++)
					FUZZ_CHECK(strcmp(v->kids[k].key, x->key) != 0);
				FUZZ_CHECK(jn_get(v, x->key) == x);
			} else {
				FUZZ_CHECK(x->key == NULL);
			}
			check(x, depth + 1);
		}
	}
}

/* Writes v as JSON; numbers that were not whole keep a '.' or an 'e'. */
static void
write_json(struct buf *b, const jnode *v)
{
	char num[40];
	uint32_t i;

	switch (v->type) {
	case JN_NULL: buf_adds(b, "null"); break;
	case JN_FALSE: buf_adds(b, "false"); break;
	case JN_TRUE: buf_adds(b, "true"); break;
	case JN_NUMBER:
		if (v->is_int) {
			buf_printf(b, "%lld", (long long)v->i);
		} else {
			snprintf(num, sizeof(num), "%.17g", v->num);
			buf_adds(b, num);
			if (!strpbrk(num, ".e"))
				buf_adds(b, ".0");
		}
		break;
	case JN_STRING: buf_json_strz(b, v->str); break;
	case JN_ARRAY:
	case JN_OBJECT:
		buf_addc(b, v->type == JN_ARRAY ? '[' : '{');
		for (i = 0; i < v->len; i++) {
			if (i)
				buf_addc(b, ',');
			if (v->type == JN_OBJECT) {
				buf_json_strz(b, v->kids[i].key);
				buf_addc(b, ':');
			}
			write_json(b, &v->kids[i]);
		}
		buf_addc(b, v->type == JN_ARRAY ? ']' : '}');
		break;
	}
}

static void
same(const jnode *x, const jnode *y)
{
	uint32_t i;

	FUZZ_CHECK(x->type == y->type);
	FUZZ_CHECK(x->len == y->len);
	if (x->type == JN_NUMBER) {
		FUZZ_CHECK(x->is_int == y->is_int);
		FUZZ_CHECK(x->is_int ? x->i == y->i : x->num == y->num);
	} else if (x->type == JN_STRING) {
		FUZZ_CHECK(memcmp(x->str, y->str, x->len) == 0);
	} else if (x->type == JN_ARRAY || x->type == JN_OBJECT) {
		for (i = 0; i < x->len; i++) {
			if (x->type == JN_OBJECT)
				FUZZ_CHECK(strcmp(x->kids[i].key, y->kids[i].key) == 0);
			same(&x->kids[i], &y->kids[i]);
		}
	}
}

/* The jsonv readers over the members of an object, as the record and
 * query parsers use them; their answers are not checked, only that they
 * run clean and fill the error on a refusal. */
static void
readers(jnode *obj)
{
	static const char *const allowed[] = {"a", "b", "languages", NULL};
	const struct taxonomy *tax = fuzz_taxonomy();
	struct verr e;
	const char *s;
	bool bl, present;
	int64_t i;
	double d;
	int code, n;
	uint64_t mask;
	int16_t *list;
	uint32_t k;

	for (k = 0; k < obj->len; k++) {
		const char *key = obj->kids[k].key;

		e.msg[0] = '\0';
		if (jv_str(obj, key, true, 64, &A, &s, "x", &e) == 0)
			FUZZ_CHECK(s && strlen(s) <= 64);
		else
			FUZZ_CHECK(e.msg[0]);
		jv_bool(obj, key, false, false, &bl, "x", &e);
		if (jv_int(obj, key, false, -5, 1000, 7, &i, "x", &e) == 0)
			FUZZ_CHECK(i >= -5 && i <= 1000);
		jv_num(obj, key, false, -90, 90, &d, &present, "x", &e);
		jv_code(obj, key, false, tax, TAX_LANGUAGE, &code, "x", &e);
		jv_codemask(obj, key, false, tax, TAX_MODALITY, &mask, "x", &e);
		jv_codelist(obj, key, false, tax, TAX_LANGUAGE, &A, &list, &n, "x", &e);
	}
	jv_keys(obj, allowed, "x", &e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct verr e;
	struct buf b;
	jnode *v, *w;

	arena_reset(&A);
	e.offset = -1;
	v = jn_parse(text, size, &A, &e);
	if (!v) {
		FUZZ_CHECK(e.offset >= 0 && (size_t)e.offset <= size);
		FUZZ_CHECK(e.msg[0] != '\0');
		/* jv_parse is the same reader: it refuses too. */
		FUZZ_CHECK(jv_parse(text, size, &A, &e) == NULL);
		return 0;
	}
	check(v, 1);
	buf_init(&b, 0);
	write_json(&b, v);
	FUZZ_CHECK(b.p != NULL);
	w = jn_parse(b.p, b.len, &A, &e);
	if (!w)
		fprintf(stderr, "written back: %.*s\n%s\n", (int)b.len, b.p, e.msg);
	FUZZ_CHECK(w != NULL);
	same(v, w);
	buf_free(&b);
	if (v->type == JN_OBJECT)
		readers(v);
	return 0;
}
