/*
 * server.c: chiron's HTTP server on libmicrohttpd.
 *
 * libmicrohttpd owns sockets and threads (a pool, one per core, two at
 * least); this file
 * turns each request into a struct req, finds its route, checks who may
 * call it before anything is read and the fields it declares (routes.c,
 * core/field.h) before the handler runs, runs the handler and sends the
 * struct resp with the security headers every response carries. What a
 * handler asks of its request lives in request.c, so no handler calls
 * back into this file. The per-request
 * state (arena, body) lives from the first callback to the completion
 * callback, where it is freed in one place.
 *
 * The access log has no personal data: method, path without the query
 * string, status, bytes and time; the client address only when the
 * operator asks for it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <microhttpd.h>

#include <sodium.h>

#include "app/identity.h"
#include "app/photo.h"
#include "app/second_factor.h"
#include "web/auth.h"
#include "core/form.h"
#include "core/netaddr.h"
#include "core/utf8.h"
#include "web/http.h"
#include "web/pages.h"
#include "store/store.h"

#define BODY_MAX (1 << 20)

struct server {
	struct MHD_Daemon *d;
	struct app *app;
};

struct conn {
	struct arena a;
	struct buf body;
	int too_big;
	struct timespec t0;
};

/*
 * A fixed table of per-address counters for the current minute, keyed by
 * a hash of the address: a collision at worst shares a budget. Nothing
 * of it is logged or kept past the minute.
 */
bool
app_rate_limited(struct app *app, const char *addr)
{
	uint64_t h = 1469598103934665603ull;
	int64_t minute = clock_now(&app->sv.clock) / 60;
	struct rate_slot *s;
	bool over;

	if (app->api_rate <= 0)
		return false;
	for (; addr && *addr; addr++)
		h = (h ^ (unsigned char)*addr) * 1099511628211ull;
	pthread_mutex_lock(&app->rate_lock);
	s = &app->rate[h % (sizeof(app->rate) / sizeof(app->rate[0]))];
	if (s->who != h || s->minute != minute) {
		s->who = h;
		s->minute = minute;
		s->n = 0;
	}
	over = ++s->n > app->api_rate;
	pthread_mutex_unlock(&app->rate_lock);
	return over;
}

struct argv_acc {
	struct req *r;
	int cap;
	int err;                        /* req_add_arg's first failure */
};

/* A query argument, as libmicrohttpd decoded it: with its length, so a
 * %00 inside it is seen rather than cutting it short. */
static enum MHD_Result
get_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t klen, const char *value,
        size_t vlen)
{
	struct argv_acc *acc = cls;

	(void)kind;
	acc->err = req_add_arg(acc->r, &acc->cap, key, klen, value, value ? vlen : 0);
	return acc->err ? MHD_NO : MHD_YES;
}

/* ----------------------------------------------------------------------
 * multipart/form-data (RFC 7578), for the routes that take a file
 *
 * The body is already read whole (at most BODY_MAX), so this is a parse of
 * one buffer: a delimiter line "--BOUNDARY", a part's headers up to an
 * empty line, its bytes up to CRLF and the next delimiter, and so on to
 * "--BOUNDARY--". Only Content-Disposition is read (the field's name, and
 * whether it is a file); a file's bytes stay in the body buffer, which
 * lives as long as the request.
 * ---------------------------------------------------------------------- */

#define MULTIPART_MAX_PARTS 64
#define MULTIPART_MAX_FILES 8
#define MULTIPART_MAX_HEADERS 8192

/*
 * The value of parameter key (lower case) in a header value like
 * `form-data; name="x"; filename="y"` or `multipart/form-data;
 * boundary=z`, unquoted into out (n bytes). 1 when found, 0 when not, -1
 * when malformed or too long. Parameters are read in turn, so a quoted
 * value holding "; name=" is not taken for a parameter.
 */
static int
header_param(const char *v, const char *vend, const char *key, char *out, size_t n)
{
	size_t klen = strlen(key);

	v = memchr(v, ';', (size_t)(vend - v));         /* past the type */
	while (v && v < vend) {
		const char *k;
		size_t o = 0;
		int hit;

		for (v++; v < vend && (*v == ' ' || *v == '\t'); v++)
			;
		k = v;
		while (v < vend && *v != '=' && *v != ';')
			v++;
		if (v == vend || *v != '=')
			return -1;
		hit = (size_t)(v - k) == klen && strncasecmp(k, key, klen) == 0;
		v++;
		if (v < vend && *v == '"') {
			for (v++; v < vend && *v != '"'; v++) {
				if (*v == '\\' && v + 1 < vend)
					v++;
				if (hit && o + 1 >= n)
					return -1;
				if (hit)
					out[o++] = *v;
			}
			if (v == vend)
				return -1;
			v++;
		} else {
			for (; v < vend && *v != ';' && *v != ' ' && *v != '\t'; v++) {
				if (hit && o + 1 >= n)
					return -1;
				if (hit)
					out[o++] = *v;
			}
		}
		if (hit) {
			out[o] = '\0';
			return 1;
		}
		while (v < vend && (*v == ' ' || *v == '\t'))
			v++;
		if (v < vend && *v != ';')
			return -1;
	}
	return 0;
}

/*
 * Reads the multipart body of r into its args and files. 0, or -1 when
 * the body is not well-formed multipart/form-data (or has more than
 * MULTIPART_MAX_PARTS parts), -2 when out of memory, -3 when a field is
 * not valid text (r->bad_arg names it; a file's bytes are its reader's
 * to check).
 */
static int
parse_multipart(struct req *r)
{
	const char *ct = r->content_type, *p = r->body, *end = r->body + r->body_len, *q;
	char boundary[76], delim[80], name[128], file[8];
	int cap = r->n_args, parts, fn;
	size_t dl;

	if (header_param(ct, ct + strlen(ct), "boundary", boundary, sizeof(boundary)) != 1 ||
	    !boundary[0] || strlen(boundary) > 70)
		return -1;
	dl = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	/* The first delimiter opens the body (or ends a preamble). */
	if ((size_t)(end - p) >= dl - 2 && memcmp(p, delim + 2, dl - 2) == 0) {
		p += dl - 2;
	} else {
		q = memmem(p, (size_t)(end - p), delim, dl);
		if (!q)
			return -1;
		p = q + dl;
	}
	for (parts = 0;; parts++) {
		const char *hend, *h, *data;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0;               /* the closing delimiter */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n' || parts == MULTIPART_MAX_PARTS)
			return -1;
		p += 2;
		hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (p < end - 1 && p[0] == '\r' && p[1] == '\n')
			hend = p - 2;           /* no headers at all */
		if (!hend || hend - p > MULTIPART_MAX_HEADERS)
			return -1;
		name[0] = '\0';
		fn = 0;
		for (h = p; h < hend;) {
			const char *eol = memmem(h, (size_t)(hend - h), "\r\n", 2);
			const char *lend = eol ? eol : hend;

			if ((size_t)(lend - h) > 20 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
				const char *v = h + 20;

				while (v < lend && (*v == ' ' || *v == '\t'))
					v++;
				if ((size_t)(lend - v) < 9 || strncasecmp(v, "form-data", 9) != 0 ||
				    header_param(v, lend, "name", name, sizeof(name)) != 1)
					return -1;
				fn = header_param(v, lend, "filename", file, sizeof(file)) != 0 ||
				     header_param(v, lend, "filename*", file, sizeof(file)) != 0;
			}
			h = lend + 2;
		}
		if (!name[0])
			return -1;
		data = hend + 4;
		q = memmem(data, (size_t)(end - data), delim, dl);
		if (!q)
			return -1;
		p = q + dl;
		if (fn) {
			if (!r->files && !(r->files = arena_calloc(r->a, MULTIPART_MAX_FILES, sizeof(*r->files))))
				return -2;
			if (r->n_files == MULTIPART_MAX_FILES)
				return -1;
			r->files[r->n_files].field = arena_strdup(r->a, name);
			r->files[r->n_files].data = data;
			r->files[r->n_files].len = (size_t)(q - data);
			if (!r->files[r->n_files].field)
				return -2;
			r->n_files++;
		} else {
			int rc = req_add_arg(r, &cap, name, strlen(name), data, (size_t)(q - data));

			if (rc)
				return rc == -2 ? -3 : -2;
		}
	}
}

/*
 * libmicrohttpd's %XX decoding of the path and the query arguments, but
 * for %00: it becomes 0xFF, a byte UTF-8 never has, so a NUL cannot cut
 * a path short unseen (the path is a C string): the UTF-8 check of the
 * path, or of the argument, refuses it.
 */
static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *o = s, *i = s;

	(void)cls, (void)c;
	while (*i) {
		if (i[0] == '%' && isxdigit((unsigned char)i[1]) && isxdigit((unsigned char)i[2])) {
			char hex[3] = {i[1], i[2], 0};
			unsigned char v = (unsigned char)strtoul(hex, NULL, 16);

			*o++ = (char)(v ? v : 0xff);
			i += 3;
		} else
			*o++ = *i++;
	}
	*o = '\0';
	return (size_t)(o - s);
}

/* ----------------------------------------------------------------------
 * Dispatch
 * ---------------------------------------------------------------------- */

/* The words a person knows a form field by, for the fields people type in. */
static const char *
field_words(const char *key)
{
	static const struct { const char *key, *words; } names[] = {
		{"name", "The name you entered"}, {"message", "The message you wrote"},
		{"answer", "The answer you wrote"}, {"note", "The note you wrote"},
		{"q", "What you searched for"}, {"email", "The email address you entered"},
		{"handle", "The pseudonym you entered"}, {"login", "The pseudonym or email you entered"},
		{"password", "The password you entered"}, {"seeker_name", "The name you entered"},
		{"confidentiality", "The policy you wrote"}, {"events", "The policy you wrote"},
		{"dual", "The policy you wrote"},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(key, names[i].key) == 0)
			return names[i].words;
	return "Something you entered";
}

/*
 * 400 for a request with an argument that is not valid text (r->bad_arg):
 * the API names the parameter, a page says which field in plain words.
 * The handler does not run: nothing is stored.
 */
static void
bad_text(struct req *r, struct resp *p)
{
	const char *k = r->bad_arg ? r->bad_arg : "";
	char *msg = arena_alloc(r->a, 400);

	if (!msg) {
		error_response(r, p, 500, "", "out of memory");
		return;
	}
	if (strncmp(r->path, "/api/", 5) == 0)
		snprintf(msg, 400, "%s%.100s%s is not valid UTF-8 text (or holds a NUL byte, %%00); "
		         "send it as UTF-8", k[0] ? "the parameter " : "a parameter's name", k,
		         "");
	else
		snprintf(msg, 400, "%s has characters chiron cannot read (not valid UTF-8). Go back "
		         "and retype it: nothing was saved.", field_words(k));
	refusal_response(r, p, &(struct refusal){400, k, msg, 0});
}

/*
 * The route's declared fields (core/field.h), checked in their order
 * before the handler runs: their typed values go to r->vals. A field
 * that is not what its table says is answered 400 naming it (the API's
 * JSON error, or a page saying what to give), and the handler does not
 * run; a path's {id} that cannot be an id is a 404, as an id that names
 * nothing is. Returns 0 when every field is good, -1 when answered.
 */
static int
check_fields(struct req *r, struct resp *p, const struct field *fields, int api)
{
	struct refusal why;
	struct verr e;
	int i, n;

	for (n = 0; fields[n].name; n++)
		;
	if (!(r->vals = arena_calloc(r->a, (size_t)n, sizeof(*r->vals)))) {
		error_response(r, p, 500, "", "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct field *f = &fields[i];
		bool path = strcmp(f->name, "{id}") == 0;

		verr_clear(&e);
		if (!field_check(f, path ? r->param : req_arg(r, f->name), &r->vals[i], &e))
			continue;
		if (!path && !api && r->route->form) {
			/* The handler shows the form again, every fault named. */
			r->vals[i].set = false;
			req_fail(r, f->name, "%s", e.msg);
			continue;
		}
		if (path)
			error_response(r, p, 404, "", api ? "no such resource" : "there is no page here");
		else
			refusal_response(r, p, refusal_of_verr(r, 400, &e, &why));
		return -1;
	}
	return 0;
}

/*
 * Does path fit pattern? A pattern is literal but for at most one "{id}",
 * which stands for one non-empty path segment: it may end the pattern
 * (/therapists/{id}) or sit between two segments
 * (/api/v1/requests/{id}/answer). On a match *seg and *seg_len are that
 * segment of path (NULL and 0 when the pattern has no {id}).
 */
static int
path_match(const char *pattern, const char *path, const char **seg, size_t *seg_len)
{
	const char *brace = strstr(pattern, "{id}"), *end;
	size_t n;

	*seg = NULL;
	*seg_len = 0;
	if (!brace)
		return strcmp(pattern, path) == 0;
	n = (size_t)(brace - pattern);
	if (strncmp(pattern, path, n) != 0)
		return 0;
	end = path + n + strcspn(path + n, "/");
	if (end == path + n || strcmp(brace + 4, end) != 0)
		return 0;
	*seg = path + n;
	*seg_len = (size_t)(end - *seg);
	return 1;
}

static int
is_api(const char *path)
{
	return strncmp(path, "/api/", 5) == 0;
}

/*
 * Is the body of Content-Type ct of this type? "application/json", any
 * case, perhaps with parameters ("; charset=utf-8"). The API reads JSON,
 * and one route text/calendar: a cross-site form can send only
 * urlencoded, multipart or plain text without the browser first asking (a
 * CORS preflight chiron never grants).
 */
static bool
is_type(const char *ct, const char *type)
{
	size_t n = strlen(type);

	if (!ct || strncasecmp(ct, type, n) != 0)
		return false;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/*
 * A signed-out person asked for a page that needs an account: 303 to the
 * sign-in page, whose `next` (web/auth.h) is this page when it was a GET
 * whose address is fit to come back to.
 */
static void
login_redirect(struct req *r, struct resp *p)
{
	const char *here = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0 ?
	                   auth_here(r) : NULL;
	struct buf b;
	char *where;
	size_t len;

	p->status = 303;
	buf_init(&b, 8 * NEXT_MAX);
	if (!here || buf_adds(&b, "/login?next=") || form_encode(&b, here) ||
	    !(where = buf_take(&b, &len))) {
		buf_free(&b);
		resp_header(p, "Location", "/login");
		return;
	}
	here = arena_strdup(r->a, where);
	free(where);
	resp_header(p, "Location", here ? here : "/login");
}

/* The disk was full (store_failed_full): said once in the server's log,
 * without what was typed, and to the person in plain words. */
static void
disk_full(struct req *r, struct resp *p, const char *method)
{
	fprintf(stderr, "chiron: %s %s: the disk is full, nothing was saved: %s\n", method,
	        r->route ? r->route->path : r->path, store_errmsg(NULL));
	disk_full_response(r, p);
}

/*
 * Finds the route of r and checks, in this order, before its handler
 * runs: the method (405 with Allow), the caller (a page sends an
 * anonymous caller to sign in, the API answers 401; 403 for the wrong
 * role), the CSRF token of a state-changing route (the form's csrf field
 * on a page, the X-CSRF-Token header under /api/; 403), that an API body
 * is JSON (415), and the API's rate limit (429).
 */
static void
dispatch(struct req *r, struct resp *p)
{
	const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
	char allow[64] = "";
	size_t i;
	int path_found = 0, api = is_api(r->path);

	for (i = 0; i < n_routes; i++) {
		const struct route *rt = &routes[i];
		const char *seg;
		size_t seg_len;

		if (!path_match(rt->path, r->path, &seg, &seg_len))
			continue;
		path_found = 1;
		if (strcmp(rt->method, method) != 0) {
			if (!strstr(allow, rt->method)) {
				if (allow[0])
					strncat(allow, ", ", sizeof(allow) - strlen(allow) - 1);
				strncat(allow, rt->method, sizeof(allow) - strlen(allow) - 1);
			}
			continue;
		}
		if (rt->who != WHO_ANYONE && !r->user) {
			if (api) {
				error_response(r, p, 401, "", "sign in to use this");
			} else {
				/* A page: go and sign in, and come back here after
				 * (a GET only: a form sent signed out is sent again
				 * from its page). */
				login_redirect(r, p);
			}
			return;
		}
		/* A therapist or admin signed in by password without a second
		 * factor reaches only its set-up page and signing out. */
		if (rt->who != WHO_ANYONE && !rt->setup && sf_required(&r->who) &&
		    !r->who.second_factor) {
			if (api) {
				error_response(r, p, 403, "", "set up a second factor first: this account "
				               "needs one (on the page /account/second-factor)");
			} else {
				p->status = 303;
				resp_header(p, "Location", "/account/second-factor");
			}
			return;
		}
		if ((rt->who == WHO_THERAPIST && r->who.role != ACCT_THERAPIST &&
		     r->who.role != ACCT_ADMIN) ||
		    (rt->who == WHO_ADMIN && r->who.role != ACCT_ADMIN)) {
			error_response(r, p, 403, "", "your account may not use this");
			return;
		}
		/* A page's multipart form: its fields (the CSRF token one of them)
		 * are read before the token is checked. */
		if (!api && rt->body && is_type(rt->body, "multipart/form-data") &&
		    is_type(r->content_type, "multipart/form-data")) {
			int mp = parse_multipart(r);

			if (mp == -2) {
				error_response(r, p, 500, "", "out of memory");
				return;
			}
			if (mp == -3) {
				bad_text(r, p);
				return;
			}
			if (mp) {
				error_response(r, p, 400, "", "the form's upload could not be read; "
				               "reload the page and try again");
				return;
			}
		}
		if (rt->csrf && api && !auth_csrf_header_ok(r)) {
			error_response(r, p, 403, "X-CSRF-Token",
			               "send this session's CSRF token (from GET /api/v1/me) in the X-CSRF-Token header");
			return;
		}
		if (rt->csrf && !api && !auth_csrf_ok(r)) {
			error_response(r, p, 403, "csrf",
			               "the form expired or came from elsewhere; reload the page and try again");
			return;
		}
		if (api && r->body_len && !is_type(r->content_type, rt->body ? rt->body : "application/json")) {
			error_response(r, p, 415, "Content-Type", rt->body ? "send the body as text/calendar" :
			               "send the body as application/json");
			return;
		}
		if (api && app_rate_limited(r->app, r->addr)) {
			error_response(r, p, 429, "", "too many requests from this address; wait a minute");
			resp_header(p, "Retry-After", "60");
			return;
		}
		r->route = rt;
		r->param = seg ? arena_strndup(r->a, seg, seg_len) : NULL;
		if (seg && !r->param) {
			error_response(r, p, 500, "", "out of memory");
			return;
		}
		if (rt->fields && check_fields(r, p, rt->fields, api))
			return;
		/* The thread's last store error and full-disk mark are cleared
		 * first, so only this request's can speak below (a sealed value
		 * that did not open, app/identity.h; a full disk). */
		store_error_clear();
		if (rt->fn(r, p) != 0) {
			bool sealed = strncmp(store_errmsg(r->cx.sv->store), SEAL_BAD_TEXT,
			                      strlen(SEAL_BAD_TEXT)) == 0;

			/* Which value, by table and row number: never its content. */
			if (sealed)
				fprintf(stderr, "chiron: %s\n", store_errmsg(r->cx.sv->store));
			buf_reset(&p->body);
			p->n_headers = 0;
			if (store_failed_full())
				disk_full(r, p, method);
			else
				error_response(r, p, 500, "", sealed ? SEAL_BAD_TEXT ": nothing of it is shown "
				               "rather than part (the administrator was told)"
				                                     : "something went wrong on our side");
		} else if (p->status >= 400 && store_failed_full()) {
			/* A refusal that followed a write the full disk stopped
			 * (a throttle fails closed, as "too many"): the truth is
			 * the disk. */
			disk_full(r, p, method);
		}
		return;
	}
	if (path_found) {
		char *a = arena_strdup(r->a, allow);

		error_response(r, p, 405, "", "this address does not take that method");
		if (a)
			resp_header(p, "Allow", a);
		return;
	}
	error_response(r, p, 404, "", api ? "no such resource" : "there is no page here");
}

static void
add_security_headers(struct MHD_Response *mr, const struct resp *p)
{
	int i, own_cache = 0;

	MHD_add_response_header(mr, "Content-Security-Policy",
		"default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; "
		"form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(mr, "X-Frame-Options", "DENY");
	MHD_add_response_header(mr, "Cross-Origin-Opener-Policy", "same-origin");
	for (i = 0; i < p->n_headers; i++)
		if (strcmp(p->headers[i].key, "Cache-Control") == 0)
			own_cache = 1;
	/* Pages may say what a seeker searched for: never cached, unless the
	 * handler said otherwise (static files, the taxonomy). */
	if (!own_cache)
		MHD_add_response_header(mr, "Cache-Control", "no-store");
}

/* The address that connected, as a struct netaddr (-1 when unknown). */
static int
peer_addr(const struct sockaddr *sa, struct netaddr *out)
{
	memset(out, 0, sizeof(*out));
	out->bits = 128;
	if (sa && sa->sa_family == AF_INET) {
		out->b[10] = out->b[11] = 0xff;
		memcpy(out->b + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa && sa->sa_family == AF_INET6) {
		memcpy(out->b, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

/*
 * The client's address as text (for throttling; logged only on request):
 * the peer's, or behind a trusted proxy (--trusted-proxy) the one the
 * proxies forwarded (core/netaddr.h, forwarded_client).
 */
static const char *
client_addr(struct app *app, struct arena *a, struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct netaddr peer, who;
	char buf[64];

	if (!ci || peer_addr(ci->client_addr, &peer))
		return "?";
	forwarded_client(&app->trusted_proxies, &peer,
	                 MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "X-Forwarded-For"), &who);
	netaddr_format(&who, buf);
	return arena_strdup(a, buf);
}

/* ----------------------------------------------------------------------
 * Connections per address
 *
 * Every address (the peer's: a connection is counted before any header
 * is read) may hold at most app->conn_per_addr connections at once; a
 * trusted proxy is not limited, since every client behind it shares its
 * address. The counts live in a fixed table of slots chosen by a keyed
 * hash of the address: two addresses in one slot share a budget, which
 * at worst refuses a connection early. The accept policy refuses before
 * libmicrohttpd reads a byte; connection start and close keep the count.
 * ---------------------------------------------------------------------- */

static struct conn_slot *
conn_slot(struct app *app, const struct netaddr *a)
{
	uint64_t h;

	crypto_shorthash((unsigned char *)&h, a->b, sizeof(a->b), app->conn_key);
	return &app->conns[h % CONN_SLOTS];
}

static enum MHD_Result
on_accept(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct app *app = cls;
	struct netaddr a;
	bool over;

	(void)len;
	if (app->conn_per_addr <= 0 || peer_addr(sa, &a) || netlist_has(&app->trusted_proxies, &a))
		return MHD_YES;
	pthread_mutex_lock(&app->conn_lock);
	over = conn_slot(app, &a)->n >= app->conn_per_addr;
	pthread_mutex_unlock(&app->conn_lock);
	return over ? MHD_NO : MHD_YES;
}

static void
on_connection(void *cls, struct MHD_Connection *mc, void **socket_ctx,
              enum MHD_ConnectionNotificationCode code)
{
	struct app *app = cls;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct netaddr a;
	struct conn_slot *s;

	/* The socket context marks a counted connection, so a close is
	 * never subtracted without its start. */
	if (!ci || peer_addr(ci->client_addr, &a))
		return;
	pthread_mutex_lock(&app->conn_lock);
	s = conn_slot(app, &a);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		s->n++;
		*socket_ctx = s;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_ctx == s) {
		s->n--;
		*socket_ctx = NULL;
	}
	pthread_mutex_unlock(&app->conn_lock);
}

static void
log_access(struct app *app, const char *addr_text, const char *method,
           const char *path, int status, size_t bytes, const struct timespec *t0)
{
	struct timespec t1;
	time_t now = time(NULL);
	struct tm tm;
	char when[32], addr[64] = "", safe[512];

	if (!app->log)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (app->log_addresses)
		snprintf(addr, sizeof(addr), " %s", addr_text ? addr_text : "?");
	/* The path as it came, re-encoded: no line breaks or escapes from a
	 * client reach the log, and a decoded "?" cannot pass for a query. */
	{
		static const char hex[] = "0123456789ABCDEF";
		size_t i, o = 0;

		/* Reset and confirmation links and calendar feeds are secrets:
		 * their tokens stay out of the log. */
		if (strncmp(path, "/reset/", 7) == 0 && path[7])
			path = "/reset/(token)";
		else if (strncmp(path, "/signup/confirm/", 16) == 0 && path[16])
			path = "/signup/confirm/(token)";
		else if (strncmp(path, "/listing/confirm/", 17) == 0 && path[17])
			path = "/listing/confirm/(token)";
		else if (strncmp(path, "/feed/", 6) == 0 && path[6] && strcmp(path + 6, "revoke") != 0)
			path = "/feed/(token)";
		for (i = 0; path[i] && o + 4 < sizeof(safe); i++) {
			unsigned char ch = (unsigned char)path[i];

			if (ch <= 0x20 || ch >= 0x7f || ch == '?' || ch == '%' || ch == '"') {
				safe[o++] = '%';
				safe[o++] = hex[ch >> 4];
				safe[o++] = hex[ch & 15];
			} else {
				safe[o++] = (char)ch;
			}
		}
		safe[o] = '\0';
	}
	pthread_mutex_lock(&app->log_lock);
	fprintf(app->log, "%s%s %s %s %d %zu %.2fms\n", when, addr, method, safe, status,
	        bytes, (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	        (double)(t1.tv_nsec - t0->tv_nsec) / 1e6);
	fflush(app->log);
	pthread_mutex_unlock(&app->log_lock);
}

/*
 * How much of a request's body is read: BODY_MAX, but for the profile
 * form, whose photo may be PHOTO_MAX_BYTES (app/photo.h) with the form's
 * other fields around it. Past the cap the body is dropped as it comes,
 * never buffered.
 */
#define PROFILE_BODY_MAX (PHOTO_MAX_BYTES + 64 * 1024)

static size_t
body_cap(const char *method, const char *url)
{
	return strcmp(method, "POST") == 0 && strcmp(url, "/listing/profile") == 0 ? PROFILE_BODY_MAX
	                                                                           : BODY_MAX;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *mc, const char *url,
           const char *method, const char *version, const char *upload_data,
           size_t *upload_size, void **con_cls)
{
	struct app *app = cls;
	struct conn *c = *con_cls;
	struct MHD_Response *mr;
	struct argv_acc acc;
	struct req r;
	struct resp p;
	enum MHD_Result ret;
	size_t len;
	char *body;
	int i;

	(void)version;
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return MHD_NO;
		arena_init(&c->a, 16384);
		buf_init(&c->body, body_cap(method, url));
		clock_gettime(CLOCK_MONOTONIC, &c->t0);
		*con_cls = c;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!c->too_big && buf_add(&c->body, upload_data, *upload_size))
			c->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}

	memset(&r, 0, sizeof(r));
	memset(&p, 0, sizeof(p));
	buf_init(&p.body, 0);
	r.app = app;
	r.a = &c->a;
	r.method = method;
	r.path = url;
	r.body = c->body.p ? c->body.p : "";
	r.body_len = c->body.len;
	r.content_type = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Type");
	r.cookie = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Cookie");
	r.accept = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Accept");
	r.csrf_header = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "X-CSRF-Token");
	r.addr = client_addr(app, &c->a, mc);
	ctx_begin(&r.cx, &app->sv, r.a);
	actor_anonymous(&r.who, r.addr);
	acc.r = &r;
	acc.cap = 0;
	acc.err = 0;
	/* A cookie header that is not plain text carries no session of ours. */
	if (r.cookie && utf8_check(r.cookie, strlen(r.cookie)))
		r.cookie = NULL;
	p.status = 200;
	if (c->too_big && body_cap(method, url) == PROFILE_BODY_MAX) {
		/* The profile form's photo was too large to read: back to the
		 * form, which says so (a form never answers with a bare page). */
		redirect(&r, &p, "/listing/profile?too_big=1");
	} else if (c->too_big) {
		error_response(&r, &p, 413, "", "the request is larger than 1 MiB");
	} else if (utf8_check(url, strlen(url))) {
		error_response(&r, &p, 400, "", "the address has characters chiron cannot read "
		               "(not valid UTF-8)");
	} else if (MHD_get_connection_values_n(mc, MHD_GET_ARGUMENT_KIND, get_arg, &acc) < 0 ||
	           acc.err == -1 ||
	           (!acc.err && r.content_type &&
	            strncmp(r.content_type, "application/x-www-form-urlencoded", 33) == 0 &&
	            (acc.err = req_parse_form(&r, &acc.cap, r.body, r.body_len)) == -1)) {
		error_response(&r, &p, 500, "", "out of memory");
	} else if (r.bad_arg) {
		bad_text(&r, &p);
	} else if (auth_load(&r)) {
		error_response(&r, &p, 500, "", "cannot read the session");
	} else {
		dispatch(&r, &p);
	}
	ctx_done(&r.cx);

	body = buf_take(&p.body, &len);
	mr = MHD_create_response_from_buffer(len, body ? body : (void *)"",
	                                     body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!mr) {
		free(body);
		return MHD_NO;
	}
	add_security_headers(mr, &p);
	if (p.content_type)
		MHD_add_response_header(mr, "Content-Type", p.content_type);
	for (i = 0; i < p.n_headers; i++)
		MHD_add_response_header(mr, p.headers[i].key, p.headers[i].value);
	ret = MHD_queue_response(mc, (unsigned)p.status, mr);
	MHD_destroy_response(mr);
	log_access(app, r.addr, method, url, p.status, len, &c->t0);
	return ret;
}

static void
on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
	struct conn *c = *con_cls;

	(void)cls;
	(void)mc;
	(void)toe;
	if (!c)
		return;
	arena_free(&c->a);
	buf_free(&c->body);
	free(c);
	*con_cls = NULL;
}

struct server *
server_start(struct app *app, const char *host, int port, char *err, size_t errlen)
{
	struct server *s = calloc(1, sizeof(*s));
	struct sockaddr_in sa;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		snprintf(err, errlen, "%s: not an IPv4 address", host);
		free(s);
		return NULL;
	}
	s->app = app;
	/* Two threads at least, and calendar uploads on all but one of them
	 * at a time (app/calendar.c): pages always have a thread. */
	if (cpus < 2)
		cpus = 2;
	app->sv.calendars_max = (int)cpus - 1;
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
	                        MHD_USE_TURBO | MHD_USE_ERROR_LOG,
	                        (uint16_t)port, on_accept, app, on_request, app,
	                        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	                        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cpus,
	                        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	                        MHD_OPTION_NOTIFY_CONNECTION, on_connection, app,
	                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->idle_seconds,
	                        MHD_OPTION_CONNECTION_LIMIT, (unsigned)app->conn_max,
	                        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	                        MHD_OPTION_END);
	if (!s->d) {
		snprintf(err, errlen, "cannot listen on %s:%d (in use, or not allowed)", host, port);
		free(s);
		return NULL;
	}
	return s;
}

void
server_stop(struct server *s)
{
	if (!s)
		return;
	/* Stop accepting, then let the requests in flight finish. */
	MHD_quiesce_daemon(s->d);
	MHD_stop_daemon(s->d);
	free(s);
}

/* ----------------------------------------------------------------------
 * The request parsers above, without a connection: thin entry points for
 * the fuzzers (tests/fuzz), so that what is fuzzed is what serves.
 * ---------------------------------------------------------------------- */

int
http_parse_multipart(struct req *r)
{
	return parse_multipart(r);
}

int
http_path_match(const char *pattern, const char *path, const char **seg, size_t *seg_len)
{
	return path_match(pattern, path, seg, seg_len);
}
