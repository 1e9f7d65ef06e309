/*
 * json.c: the strict arena JSON reader (see json.h).
 *
 * Recursive descent over the bytes. Members of a container are gathered on
 * a growing scratch stack shared by all depths, then copied into one arena
 * array when the container closes, so the tree has no per-value
 * allocations besides the arena's.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/vec.h"

struct jp {
	const unsigned char *s, *p, *end;
	struct arena *a;
	struct verr *e;
	jnode *stack;           /* scratch for members of open containers */
	size_t sp, cap;
	int depth;
};

static jnode *
fail(struct jp *j, const char *what)
{
	j->e->offset = (long)(j->p - j->s);
	verr_set(j->e, "", "malformed JSON at byte %ld: %s", j->e->offset, what);
	return NULL;
}

static void
ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' ||
	                         *j->p == '\r'))
		j->p++;
}

static int
push(struct jp *j, const jnode *v)
{
	jnode *n = VEC_PUSH(j->stack, j->sp, j->cap);

	if (!n)
		return -1;
	*n = *v;
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int
hex4(struct jp *j, unsigned *u)
{
	int i;

	*u = 0;
	if (j->end - j->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		int h = hexval(j->p[i]);

		if (h < 0)
			return -1;
		*u = *u << 4 | (unsigned)h;
	}
	j->p += 4;
	return 0;
}

/* Length of a valid UTF-8 sequence starting at p, or 0. */
static int
utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	int n, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) { n = 2; cp = c & 0x1f; }
	else if (c >= 0xe0 && c <= 0xef) { n = 3; cp = c & 0x0f; }
	else if (c >= 0xf0 && c <= 0xf4) { n = 4; cp = c & 0x07; }
	else return 0;
	if (end - p < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static char *
put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* A string at j->p (after the opening quote); *out NUL-ended in the arena. */
static int
string(struct jp *j, const char **out, uint32_t *outlen)
{
	const unsigned char *start = j->p;
	char *buf, *o;
	int escapes = 0;

	/* First pass: validate and find the end. */
	for (;;) {
		int n;

		if (j->p >= j->end)
			return fail(j, "unterminated string"), -1;
		if (*j->p == '"')
			break;
		if (*j->p < 0x20)
			return fail(j, "control character in a string"), -1;
		if (*j->p == '\\') {
			escapes = 1;
			j->p++;
			if (j->p >= j->end)
				return fail(j, "unterminated string"), -1;
			if (*j->p == 'u') {
				unsigned u;

				j->p++;
				if (hex4(j, &u))
					return fail(j, "bad \\u escape"), -1;
				if (u >= 0xd800 && u <= 0xdbff) {
					unsigned lo;

					if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
						return fail(j, "unpaired surrogate in \\u escape"), -1;
					j->p += 2;
					if (hex4(j, &lo) || lo < 0xdc00 || lo > 0xdfff)
						return fail(j, "unpaired surrogate in \\u escape"), -1;
				} else if (u >= 0xdc00 && u <= 0xdfff) {
					return fail(j, "unpaired surrogate in \\u escape"), -1;
				} else if (u == 0) {
					return fail(j, "\\u0000 is not allowed in strings"), -1;
				}
				continue;
			}
			if (!strchr("\"\\/bfnrt", *j->p) || *j->p == '\0')
				return fail(j, "bad escape in a string"), -1;
			j->p++;
			continue;
		}
		n = utf8_len(j->p, j->end);
		if (!n)
			return fail(j, "invalid UTF-8 in a string"), -1;
		j->p += n;
	}
	buf = arena_alloc(j->a, (size_t)(j->p - start) + 1);
	if (!buf)
		return fail(j, "out of memory"), -1;
	if (!escapes) {
		memcpy(buf, start, (size_t)(j->p - start));
		o = buf + (j->p - start);
	} else {
		const unsigned char *q = start;

		o = buf;
		while (q < j->p) {
			if (*q != '\\') {
				*o++ = (char)*q++;
				continue;
			}
			q++;
			switch (*q++) {
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '/': *o++ = '/'; break;
			case 'b': *o++ = '\b'; break;
			case 'f': *o++ = '\f'; break;
			case 'n': *o++ = '\n'; break;
			case 'r': *o++ = '\r'; break;
			case 't': *o++ = '\t'; break;
			case 'u': {
				unsigned u = 0, lo = 0;
				int i;

				for (i = 0; i < 4; i++)
					u = u << 4 | (unsigned)hexval(*q++);
				if (u >= 0xd800 && u <= 0xdbff) {
					q += 2;
					for (i = 0; i < 4; i++)
						lo = lo << 4 | (unsigned)hexval(*q++);
					u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				}
				o = put_utf8(o, u);
				break;
			}
			}
		}
	}
	*o = '\0';
	*out = buf;
	*outlen = (uint32_t)(o - buf);
	j->p++;                 /* the closing quote */
	return 0;
}

static int
number(struct jp *j, jnode *v)
{
	const unsigned char *start = j->p;
	int frac = 0, digits = 0;
	char tmp[64];

	if (*j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0') {
		j->p++;
		digits = 1;
		if (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			return fail(j, "leading zero in a number"), -1;
	} else {
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++, digits++;
	}
	if (!digits)
		return fail(j, "expected a value"), -1;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		frac = 1;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return fail(j, "expected a digit after the decimal point"), -1;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		frac = 1;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return fail(j, "expected a digit in the exponent"), -1;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if ((size_t)(j->p - start) >= sizeof(tmp))
		return fail(j, "number too long"), -1;
	memcpy(tmp, start, (size_t)(j->p - start));
	tmp[j->p - start] = '\0';
	v->type = JN_NUMBER;
	errno = 0;
	if (!frac && digits <= 19 && (v->i = strtoll(tmp, NULL, 10), errno == 0)) {
		v->is_int = true;
	} else {
		v->num = strtod(tmp, NULL);
		if (!isfinite(v->num))
			return fail(j, "number out of range"), -1;
		/* Whole numbers beyond int64 are left as doubles. */
	}
	return 0;
}

static int value(struct jp *j, jnode *v);

static int
literal(struct jp *j, const char *word, int type, jnode *v)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return fail(j, "expected a value"), -1;
	j->p += n;
	v->type = (uint8_t)type;
	return 0;
}

/* Moves the members on the stack above base into an arena array. */
static int
close_container(struct jp *j, jnode *v, size_t base, int type)
{
	size_t n = j->sp - base;

	v->type = (uint8_t)type;
	v->len = (uint32_t)n;
	v->kids = n ? arena_alloc(j->a, n * sizeof(jnode)) : NULL;
	if (n && !v->kids)
		return fail(j, "out of memory"), -1;
	if (n)
		memcpy(v->kids, j->stack + base, n * sizeof(jnode));
	j->sp = base;
	return 0;
}

static int
object(struct jp *j, jnode *v)
{
	size_t base = j->sp, k;

	j->p++;                 /* { */
	ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return close_container(j, v, base, JN_OBJECT);
	}
	for (;;) {
		jnode m;
		const char *key;
		uint32_t klen;
		const unsigned char *kat;

		ws(j);
		if (j->p >= j->end || *j->p != '"')
			return fail(j, "expected a string key"), -1;
		kat = j->p;
		j->p++;
		if (string(j, &key, &klen))
			return -1;
		for (k = base; k < j->sp; k++)
			if (j->stack[k].key[0] == key[0] &&
			    strcmp(j->stack[k].key, key) == 0) {
				j->p = kat;
				return fail(j, "duplicate key"), -1;
			}
		ws(j);
		if (j->p >= j->end || *j->p != ':')
			return fail(j, "expected ':'"), -1;
		j->p++;
		ws(j);
		memset(&m, 0, sizeof(m));
		if (value(j, &m))
			return -1;
		m.key = key;
		if (push(j, &m))
			return fail(j, "out of memory"), -1;
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			return close_container(j, v, base, JN_OBJECT);
		}
		return fail(j, j->p >= j->end ? "unexpected end of input" : "expected ',' or '}'"), -1;
	}
}

static int
array(struct jp *j, jnode *v)
{
	size_t base = j->sp;

	j->p++;                 /* [ */
	ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return close_container(j, v, base, JN_ARRAY);
	}
	for (;;) {
		jnode m;

		ws(j);
		memset(&m, 0, sizeof(m));
		if (value(j, &m))
			return -1;
		if (push(j, &m))
			return fail(j, "out of memory"), -1;
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return close_container(j, v, base, JN_ARRAY);
		}
		return fail(j, j->p >= j->end ? "unexpected end of input" : "expected ',' or ']'"), -1;
	}
}

static int
value(struct jp *j, jnode *v)
{
	int rc;

	if (j->p >= j->end)
		return fail(j, "unexpected end of input"), -1;
	switch (*j->p) {
	case '{':
	case '[':
		if (++j->depth > JN_MAX_DEPTH)
			return fail(j, "nested too deeply"), -1;
		rc = *j->p == '{' ? object(j, v) : array(j, v);
		j->depth--;
		return rc;
	case '"':
		j->p++;
		v->type = JN_STRING;
		return string(j, &v->str, &v->len);
	case 't':
		return literal(j, "true", JN_TRUE, v);
	case 'f':
		return literal(j, "false", JN_FALSE, v);
	case 'n':
		return literal(j, "null", JN_NULL, v);
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			return number(j, v);
		return fail(j, "expected a value"), -1;
	}
}

jnode *
jn_parse(const char *text, size_t len, struct arena *a, struct verr *e)
{
	struct jp j;
	jnode *root = arena_calloc(a, 1, sizeof(*root));

	memset(&j, 0, sizeof(j));
	j.s = j.p = (const unsigned char *)text;
	j.end = j.s + len;
	j.a = a;
	j.e = e;
	if (!root) {
		verr_set(e, "", "out of memory");
		return NULL;
	}
	ws(&j);
	if (value(&j, root)) {
		root = NULL;
		goto out;
	}
	ws(&j);
	if (j.p != j.end) {
		fail(&j, "unexpected text after the value");
		root = NULL;
	}
out:
	free(j.stack);
	return root;
}

jnode *
jn_get(const jnode *obj, const char *key)
{
	uint32_t i;

	if (!obj || obj->type != JN_OBJECT)
		return NULL;
	for (i = 0; i < obj->len; i++)
		if (obj->kids[i].key[0] == key[0] && strcmp(obj->kids[i].key, key) == 0)
			return &obj->kids[i];
	return NULL;
}
