/*
 * jw.c: the JSON writer (see jw.h for the contract).
 *
 * Every value goes through value_begin(), which refuses a value where
 * JSON has none (in an object without its key, or a second one at the
 * top) and writes the comma an array's member needs; an object's comma
 * is written before its key. value_end() records that the container now
 * has a member. Any failure is kept in w->err, and every call starts by
 * looking at it, so after the first nothing more is written.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "core/jw.h"

void
jw_init(struct jw *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

static int
fail(struct jw *w, enum jw_err err)
{
	if (!w->err)
		w->err = err;
	return -1;
}

/* Checks a buffer call's answer: the buffer frees itself when it fails. */
static int
out(struct jw *w, int rc)
{
	return rc ? fail(w, JW_ENOMEM) : 0;
}

static int
value_begin(struct jw *w)
{
	if (w->err)
		return -1;
	if (w->depth == 0)
		return w->done ? fail(w, JW_EMISUSE) : 0;
	if (w->open[w->depth - 1] == '{') {
		if (!w->key)
			return fail(w, JW_EMISUSE);
		w->key = false;
		return 0;
	}
	return w->any[w->depth - 1] ? out(w, buf_addc(w->b, ',')) : 0;
}

static int
value_end(struct jw *w)
{
	if (w->depth == 0)
		w->done = true;
	else
		w->any[w->depth - 1] = true;
	return 0;
}

/* Writes a value already in JSON form (a number, a literal). */
static int
raw(struct jw *w, const char *s, size_t n)
{
	if (value_begin(w) || out(w, buf_add(w->b, s, n)))
		return -1;
	return value_end(w);
}

int
jw_end(struct jw *w)
{
	if (w->err)
		return -1;
	if (w->depth || !w->done)
		return fail(w, JW_EMISUSE);
	return 0;
}

static int
container_open(struct jw *w, char c)
{
	if (value_begin(w))
		return -1;
	if (w->depth == JW_MAX_DEPTH)
		return fail(w, JW_EMISUSE);
	if (out(w, buf_addc(w->b, c)))
		return -1;
	w->open[w->depth] = c;
	w->any[w->depth] = false;
	w->depth++;
	return 0;
}

static int
container_close(struct jw *w, char open_c, char c)
{
	if (w->err)
		return -1;
	if (w->depth == 0 || w->open[w->depth - 1] != open_c || w->key)
		return fail(w, JW_EMISUSE);
	if (out(w, buf_addc(w->b, c)))
		return -1;
	w->depth--;
	return value_end(w);
}

int
jw_obj_open(struct jw *w)
{
	return container_open(w, '{');
}

int
jw_obj_close(struct jw *w)
{
	return container_close(w, '{', '}');
}

int
jw_arr_open(struct jw *w)
{
	return container_open(w, '[');
}

int
jw_arr_close(struct jw *w)
{
	return container_close(w, '[', ']');
}

int
jw_key(struct jw *w, const char *key)
{
	if (w->err)
		return -1;
	if (!key || w->depth == 0 || w->open[w->depth - 1] != '{' || w->key)
		return fail(w, JW_EMISUSE);
	if ((w->any[w->depth - 1] && out(w, buf_addc(w->b, ','))) ||
	    out(w, buf_json_strz(w->b, key)) || out(w, buf_addc(w->b, ':')))
		return -1;
	w->key = true;
	return 0;
}

int
jw_strn(struct jw *w, const char *s, size_t n)
{
	if (w->err)
		return -1;
	if (!s)
		return fail(w, JW_EMISUSE);
	if (value_begin(w) || out(w, buf_json_str(w->b, s, n)))
		return -1;
	return value_end(w);
}

int
jw_str(struct jw *w, const char *s)
{
	return jw_strn(w, s, s ? strlen(s) : 0);
}

static int
vstrf(struct jw *w, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static int
vstrf(struct jw *w, const char *fmt, va_list ap)
{
	struct buf t = BUF_INIT;
	int rc;

	if (w->err)
		return -1;
	if (buf_vprintf(&t, fmt, ap))
		return fail(w, JW_ENOMEM);
	rc = jw_strn(w, t.p ? t.p : "", t.len);
	buf_free(&t);
	return rc;
}

int
jw_strf(struct jw *w, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vstrf(w, fmt, ap);
	va_end(ap);
	return rc;
}

int
jw_int(struct jw *w, int64_t v)
{
	char s[24];

	return raw(w, s, (size_t)snprintf(s, sizeof(s), "%" PRId64, v));
}

int
jw_num(struct jw *w, double v)
{
	char s[32];
	int n;

	if (w->err)
		return -1;
	if (!isfinite(v))
		return fail(w, JW_EMISUSE);
	/* The shortest of 15 or 17 digits that reads back as v. */
	n = snprintf(s, sizeof(s), "%.15g", v);
	if (strtod(s, NULL) != v)
		n = snprintf(s, sizeof(s), "%.17g", v);
	return raw(w, s, (size_t)n);
}

int
jw_bool(struct jw *w, bool v)
{
	return v ? raw(w, "true", 4) : raw(w, "false", 5);
}

int
jw_null(struct jw *w)
{
	return raw(w, "null", 4);
}

int
jw_time(struct jw *w, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[40];
	size_t n;

	if (!t)
		return jw_null(w);
	if (!gmtime_r(&tt, &tm) || !(n = strftime(s, sizeof(s), "\"%Y-%m-%dT%H:%M:%SZ\"", &tm)))
		return w->err ? -1 : fail(w, JW_EMISUSE);
	return raw(w, s, n);
}

/* ---- key and value in one call ---- */

int
jw_kstr(struct jw *w, const char *key, const char *s)
{
	return jw_key(w, key) ? -1 : jw_str(w, s);
}

int
jw_kstr_or_null(struct jw *w, const char *key, const char *s)
{
	return jw_key(w, key) ? -1 : (s && s[0] ? jw_str(w, s) : jw_null(w));
}

int
jw_kstrf(struct jw *w, const char *key, const char *fmt, ...)
{
	va_list ap;
	int rc;

	if (jw_key(w, key))
		return -1;
	va_start(ap, fmt);
	rc = vstrf(w, fmt, ap);
	va_end(ap);
	return rc;
}

int
jw_kint(struct jw *w, const char *key, int64_t v)
{
	return jw_key(w, key) ? -1 : jw_int(w, v);
}

int
jw_knum(struct jw *w, const char *key, double v)
{
	return jw_key(w, key) ? -1 : jw_num(w, v);
}

int
jw_kbool(struct jw *w, const char *key, bool v)
{
	return jw_key(w, key) ? -1 : jw_bool(w, v);
}

int
jw_knull(struct jw *w, const char *key)
{
	return jw_key(w, key) ? -1 : jw_null(w);
}

int
jw_ktime(struct jw *w, const char *key, int64_t t)
{
	return jw_key(w, key) ? -1 : jw_time(w, t);
}

int
jw_kobj_open(struct jw *w, const char *key)
{
	return jw_key(w, key) ? -1 : jw_obj_open(w);
}

int
jw_karr_open(struct jw *w, const char *key)
{
	return jw_key(w, key) ? -1 : jw_arr_open(w);
}

int
jw_node(struct jw *w, const struct jnode *v)
{
	uint32_t i;

	switch (v->type) {
	case JN_NULL:
		return jw_null(w);
	case JN_FALSE:
	case JN_TRUE:
		return jw_bool(w, v->type == JN_TRUE);
	case JN_NUMBER:
		return v->is_int ? jw_int(w, v->i) : jw_num(w, v->num);
	case JN_STRING:
		return jw_strn(w, v->str, v->len);
	case JN_ARRAY:
	case JN_OBJECT:
		if (v->type == JN_ARRAY ? jw_arr_open(w) : jw_obj_open(w))
			return -1;
		for (i = 0; i < v->len; i++)
			if ((v->type == JN_OBJECT && jw_key(w, v->kids[i].key)) || jw_node(w, &v->kids[i]))
				return -1;
		return v->type == JN_ARRAY ? jw_arr_close(w) : jw_obj_close(w);
	}
	return -1;
}
