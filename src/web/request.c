/*
 * request.c: what a handler may ask of its request and response: the
 * arguments (as they came, and typed by the route's fields), headers,
 * the index snapshot, the reason phrases of statuses.
 *
 * It calls nothing else of src/web, so every page and API file can use
 * it without reaching back into the server that dispatches them
 * (scripts/web_deps.sh checks there is no circle).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/form.h"
#include "core/utf8.h"
#include "web/http.h"

const char *
http_reason(int status)
{
	switch (status) {
#define X(code, text) case code: return text;
	HTTP_STATUSES(X)
#undef X
	}
	return "Unknown";
}

const char *
req_arg(const struct req *r, const char *key)
{
	int i;

	for (i = 0; i < r->n_args; i++)
		if (strcmp(r->args[i].key, key) == 0)
			return r->args[i].value;
	return NULL;
}

int
req_args(const struct req *r, const char *key, const char **out, int max)
{
	int i, n = 0;

	for (i = 0; i < r->n_args && n < max; i++)
		if (strcmp(r->args[i].key, key) == 0)
			out[n++] = r->args[i].value;
	return n;
}

int
resp_header(struct resp *p, const char *key, const char *value)
{
	if (p->n_headers == RESP_MAX_HEADERS)
		return -1;
	p->headers[p->n_headers].key = key;
	p->headers[p->n_headers].value = value;
	p->n_headers++;
	return 0;
}

const struct index *
req_index(struct req *r)
{
	return ctx_index(&r->cx);
}

struct match_ctx *
req_ctx_take(struct req *r)
{
	return ctx_match_take(&r->cx);
}

void
req_ctx_give(struct req *r, struct match_ctx *c)
{
	ctx_match_give(&r->cx, c);
}

/* ----------------------------------------------------------------------
 * Arguments
 * ---------------------------------------------------------------------- */

/*
 * The one door every argument comes in by (query string, urlencoded and
 * multipart forms, a saved profile merged in): key (klen bytes) and value
 * (vlen bytes) must be UTF-8 without NUL (core/utf8.h). Returns 0; -2
 * when either is not, with r->bad_arg naming the key (the first such;
 * nothing is added); -1 when out of memory. The handler of a request
 * with a bad argument never runs (dispatch answers 400), so no route can
 * store or serve text it could not read back.
 */
int
req_add_arg(struct req *r, int *cap, const char *key, size_t klen, const char *value, size_t vlen)
{
	if (!value)
		value = "";
	if (utf8_check(key, klen) || utf8_check(value, vlen)) {
		if (!r->bad_arg)
			r->bad_arg = utf8_check(key, klen) ? "" : arena_strndup(r->a, key, klen);
		return r->bad_arg ? -2 : -1;
	}
	if (r->n_args == *cap) {
		int nc = *cap ? *cap * 2 : 32;
		struct kv *n = arena_alloc(r->a, (size_t)nc * sizeof(*n));

		if (!n)
			return -1;
		if (r->n_args)
			memcpy(n, r->args, (size_t)r->n_args * sizeof(*n));
		r->args = n;
		*cap = nc;
	}
	r->args[r->n_args].key = arena_strndup(r->a, key, klen);
	r->args[r->n_args].value = arena_strndup(r->a, value, vlen);
	if (!r->args[r->n_args].key || !r->args[r->n_args].value)
		return -1;
	r->n_args++;
	return 0;
}

/*
 * The arguments of urlencoded text (len bytes) into r: 0, -2 when one is
 * not valid text (r->bad_arg names it; a raw NUL in the body counts), -1
 * when out of memory.
 */
int
req_parse_form(struct req *r, int *cap, const char *text, size_t len)
{
	char *copy = arena_strndup(r->a, text, len), *p, *amp;
	size_t kl, vl = 0;

	if (!copy)
		return -1;
	if (memchr(text, '\0', len)) {
		r->bad_arg = "";
		return -2;
	}
	for (p = copy; p && *p; p = amp) {
		char *eq;
		int rc;

		amp = strchr(p, '&');
		if (amp)
			*amp++ = '\0';
		eq = strchr(p, '=');
		if (eq)
			*eq++ = '\0';
		if (form_decode_text(p, strlen(p), p, strlen(p) + 1, &kl)) {
			if (!r->bad_arg)
				r->bad_arg = "";
			return -2;
		}
		if (eq && form_decode_text(eq, strlen(eq), eq, strlen(eq) + 1, &vl)) {
			if (!r->bad_arg)
				r->bad_arg = p;
			return -2;
		}
		if (kl && (rc = req_add_arg(r, cap, p, kl, eq ? eq : "", eq ? vl : 0)))
			return rc;
	}
	return 0;
}

int
req_add_form(struct req *r, const char *text)
{
	int cap = r->n_args;    /* full: the first add reallocates */

	return req_parse_form(r, &cap, text, strlen(text));
}

const struct upload *
req_file(const struct req *r, const char *field)
{
	int i;

	for (i = 0; i < r->n_files; i++)
		if (strcmp(r->files[i].field, field) == 0)
			return &r->files[i];
	return NULL;
}


/* ----------------------------------------------------------------------
 * Typed values (the route's fields, checked by the dispatcher)
 * ---------------------------------------------------------------------- */

static const struct fval *
fval_of(const struct req *r, const char *name)
{
	int i;

	if (!r->route || !r->route->fields || !r->vals)
		return NULL;
	for (i = 0; r->route->fields[i].name; i++)
		if (strcmp(r->route->fields[i].name, name) == 0)
			return r->vals[i].set ? &r->vals[i] : NULL;
	return NULL;
}

bool
req_has(const struct req *r, const char *name)
{
	return fval_of(r, name) != NULL;
}

int64_t
req_int(const struct req *r, const char *name, int64_t dflt)
{
	const struct fval *v = fval_of(r, name);

	return v ? v->n : dflt;
}

const char *
req_text(const struct req *r, const char *name)
{
	const struct fval *v = fval_of(r, name);

	return v ? v->s : NULL;
}

int
req_fail(struct req *r, const char *field, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	if (req_error(r, field) || r->n_errs >= FORM_ERRS_MAX)
		return 1;
	if (!r->errs && !(r->errs = arena_calloc(r->a, FORM_ERRS_MAX, sizeof(*r->errs))))
		return 1;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	r->errs[r->n_errs].field = arena_strdup(r->a, field ? field : "");
	r->errs[r->n_errs].msg = arena_strdup(r->a, text);
	if (r->errs[r->n_errs].field && r->errs[r->n_errs].msg)
		r->n_errs++;
	return 1;
}

bool
req_failed(const struct req *r)
{
	return r->n_errs > 0;
}

const char *
req_error(const struct req *r, const char *field)
{
	int i;

	for (i = 0; i < r->n_errs; i++)
		if (strcmp(r->errs[i].field, field ? field : "") == 0)
			return r->errs[i].msg;
	return NULL;
}
