/*
 * http.h: chiron's request and response, as handlers see them.
 *
 * A handler is `int handler(struct req *, struct resp *)`: it reads only
 * the typed fields of the request, fills the response and returns 0 (or
 * -1 for "internal error", which the server turns into a 500 page). All
 * memory a request needs comes from its arena, released in one place when
 * libmicrohttpd says the request is complete. Nothing here is global and
 * mutable: the shared state is the struct app the server was started with.
 */
#ifndef CHIRON_HTTP_H
#define CHIRON_HTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/field.h"
#include "core/index.h"
#include "core/match.h"
#include "core/netaddr.h"
#include "app/ctx.h"
#include "app/live.h"
#include "store/store.h"

/* Who a route is for: the dispatcher checks this before the handler runs. */
enum who { WHO_ANYONE, WHO_SIGNED_IN, WHO_THERAPIST, WHO_ADMIN };

#define CONN_SLOTS 4096         /* struct app's table of connections per address */

#define HTTP_STATUSES(X) \
	X(200, "OK") X(201, "Created") X(204, "No Content") \
	X(303, "See Other") X(304, "Not Modified") \
	X(400, "Bad Request") X(401, "Unauthorized") X(403, "Forbidden") \
	X(404, "Not Found") X(405, "Method Not Allowed") X(409, "Conflict") \
	X(413, "Content Too Large") X(415, "Unsupported Media Type") \
	X(429, "Too Many Requests") \
	X(500, "Internal Server Error") X(503, "Service Unavailable")

const char *http_reason(int status);

struct mailer;
struct jobs;

struct kv {
	const char *key, *value;
};

/* A file sent in a multipart/form-data form. Its name as the sender's
 * disk knew it is not kept. */
struct upload {
	const char *field;              /* the form field it came in */
	const char *data;               /* its bytes, inside the request's body (not NUL-ended) */
	size_t len;
};

/* What every request shares: read-only after start but for the pools.
 * The services' part (app/ctx.h) is what the rules see; the rest is the
 * server's own. */
struct app {
	struct services sv;
	const char *access_log;         /* path, "-" for stderr, NULL for none */
	bool secure_cookies;            /* behind TLS: cookies get Secure */
	long api_rate;                  /* API requests a minute per address; 0 = no limit */
	pthread_mutex_t rate_lock;
	struct rate_slot { uint64_t who; int64_t minute; long n; } rate[1024];
	FILE *log;
	pthread_mutex_t log_lock;
	bool log_addresses;
	/* Who a client is: X-Forwarded-For is read only from these peers. */
	struct netlist trusted_proxies;
	/* Connections: at most conn_per_addr at once from one address (0: no
	 * limit), conn_max in all, each closed after idle_seconds without a
	 * byte (server.c). */
	int conn_per_addr, conn_max, idle_seconds;
	unsigned char conn_key[16];
	pthread_mutex_t conn_lock;
	struct conn_slot { int n; } conns[CONN_SLOTS];
};

/* The session of a signed-in request (auth.c); who it is, is r->who. */
struct session {
	char csrf[64];
	unsigned char token_hash[32];
	int64_t uid;                    /* the account (for r->pending: not yet signed in) */
};

struct req {
	struct app *app;
	struct session *user;           /* NULL when no one is signed in */
	/* A sign-in waiting for its second factor's code (app/session.h,
	 * SESSION_CODE): only /login/code reads it; r->user is NULL. */
	struct session *pending;
	struct actor who;               /* who is asking (anonymous: id 0) */
	struct ctx cx;                  /* the services' context of this request */
	const char *addr;               /* the client's address, for throttling only */
	struct arena *a;
	const char *method;
	const char *path;               /* without the query string */
	const char *param;              /* the {id} of a route like /therapists/{id} or
	                                 * /api/v1/requests/{id}/answer */
	struct kv *args;                /* query string, urlencoded or multipart form */
	int n_args;
	const char *bad_arg;            /* the first argument that was not valid text, or NULL */
	struct upload *files;           /* the files of a multipart form */
	int n_files;
	const char *body;               /* raw body (NUL-ended), for JSON */
	size_t body_len;
	const char *content_type;
	const char *cookie;
	const char *accept;
	const char *csrf_header;        /* X-CSRF-Token, for the API's state changes */
	const struct route *route;      /* the route dispatched to */
	struct fval *vals;              /* the typed values of route->fields, in order */
	struct form_err *errs;          /* what is wrong with a form's fields (req_fail), in r->a */
	int n_errs;
};

/* One thing wrong with a form: the field (its input's id is its name, so
 * the error summary links to it) and a sentence in plain words. */
struct form_err {
	const char *field;
	const char *msg;
};
#define FORM_ERRS_MAX 32

#define RESP_MAX_HEADERS 8

struct resp {
	int status;
	const char *content_type;
	struct buf body;
	struct kv headers[RESP_MAX_HEADERS];
	int n_headers;
};

/* The value of a query/form argument, or NULL. */
const char *req_arg(const struct req *r, const char *key);
/*
 * The typed values of the route's declared fields (core/field.h), checked
 * by the dispatcher before the handler ran: req_has says whether the
 * field was given; req_int is an F_INT, F_DAY (days), F_INSTANT
 * (seconds), F_HHMM (minutes), F_BOOL (1) or F_ENUM (index) value, or
 * dflt when not given; req_text is an F_TEXT, F_ID, F_TOKEN or F_ENUM
 * text, or NULL. Asking for a field the route does not declare is a
 * programming error: it answers as if the field were not given.
 */
bool req_has(const struct req *r, const char *name);
int64_t req_int(const struct req *r, const char *name, int64_t dflt);
const char *req_text(const struct req *r, const char *name);
/* Every value of a repeated argument (a=1&a=2): up to max into out. */
int req_args(const struct req *r, const char *key, const char **out, int max);
int resp_header(struct resp *p, const char *key, const char *value);

/*
 * A form's errors, one pattern for every page (pages.h error_summary and
 * field_error show them). req_fail records that field is wrong, with a
 * sentence (printf format, copied into r's arena; a second error for the
 * same field is dropped: the person fixes one thing at a time per field).
 * Returns 1, so a check reads `if (bad) req_fail(...)` or counts.
 * req_failed says whether any was recorded; req_error gives a field's
 * sentence, or NULL.
 */
int req_fail(struct req *r, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool req_failed(const struct req *r);
const char *req_error(const struct req *r, const char *field);
/* Adds the arguments of an urlencoded text (a=1&b=2) after r's own. */
int req_add_form(struct req *r, const char *text);
/*
 * The one door every argument comes in by (request.c): key (klen bytes)
 * and value (vlen bytes) must be UTF-8 without NUL. 0; -2 when either is
 * not, with r->bad_arg naming the key; -1 when out of memory. *cap is the
 * room of r->args. req_parse_form reads urlencoded text (len bytes) the
 * same way.
 */
int req_add_arg(struct req *r, int *cap, const char *key, size_t klen, const char *value, size_t vlen);
int req_parse_form(struct req *r, int *cap, const char *text, size_t len);
/* The file sent in form field `field` (of a route taking multipart/form-data), or NULL. */
const struct upload *req_file(const struct req *r, const char *field);

/* True when addr has used up this minute's API requests (429). */
bool app_rate_limited(struct app *app, const char *addr);

/*
 * The index this request reads: the current snapshot, taken on first use
 * and given back by the server when the handler returns, so one request
 * sees one index however many times it asks.
 */
const struct index *req_index(struct req *r);
/* A match context for req_index(r); NULL when out of memory. */
struct match_ctx *req_ctx_take(struct req *r);
void req_ctx_give(struct req *r, struct match_ctx *c);

typedef int (*handler_fn)(struct req *, struct resp *);

struct route {
	const char *method;             /* "GET", "POST", "PUT", "DELETE" */
	const char *path;               /* exact but for one "{id}" segment, anywhere */
	handler_fn fn;
	enum who who;
	bool csrf;                      /* state-changing: the form's token, or the
	                                 * API's X-CSRF-Token header, checked */
	const char *body;               /* the media type the body must have, when it
	                                 * is not the default (JSON under /api/, an
	                                 * urlencoded form on a page); a page's
	                                 * "multipart/form-data" is parsed into args
	                                 * and files before the CSRF check */
	const struct field *fields;     /* the query and form fields it reads, and
	                                 * "{id}" for its path segment, ended by a
	                                 * NULL name; NULL for none. The dispatcher
	                                 * checks them before the handler runs. */
	bool form;                      /* a page form that shows its own errors:
	                                 * a field at fault is recorded with
	                                 * req_fail (all of them, not the first)
	                                 * and the handler runs, reads
	                                 * req_failed() before it acts, and shows
	                                 * the form again with the person's values
	                                 * and error_summary(). Without it a field
	                                 * at fault is a 400 page. A path's {id}
	                                 * at fault is a 404 either way. */
	bool setup;                     /* open to a therapist or admin who has no
	                                 * second factor yet: the set-up page and
	                                 * signing out (app/second_factor.h);
	                                 * every other signed-in route is closed
	                                 * to them until they set one up */
};

extern const struct route routes[];
extern const size_t n_routes;

/*
 * The request parsers of server.c, for the fuzzers (tests/fuzz); the
 * server calls them itself. http_parse_multipart reads r->body (body_len
 * bytes) as multipart/form-data with the boundary of r->content_type into
 * r's args and files (in r->a): 0, -1 when malformed, -2 out of memory,
 * -3 when a field is not text (r->bad_arg names it: utf8.h).
 * http_path_match says whether path fits a route's pattern, its {id}
 * segment in *seg and *seg_len (pointing into path).
 */
int http_parse_multipart(struct req *r);
int http_path_match(const char *pattern, const char *path, const char **seg, size_t *seg_len);

/* The server. */
struct server;
struct server *server_start(struct app *app, const char *host, int port,
                            char *err, size_t errlen);
void server_stop(struct server *s);

#endif
