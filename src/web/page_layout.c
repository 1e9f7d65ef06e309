/*
 * page_layout.c: the frame every page shares, error answers, JSON
 * answers, and the static files compiled into the binary.
 */
#include <stdio.h>
#include <string.h>

#include "app/services.h"
#include "web/html.h"
#include "web/auth.h"
#include "web/pages.h"

#include "core/form.h"

extern const char chiron_style_css[];
extern const size_t chiron_style_css_len;
extern const char chiron_orgs_js[];
extern const size_t chiron_orgs_js_len;
extern const char chiron_icon_svg[];
extern const size_t chiron_icon_svg_len;
extern const char chiron_favicon_ico[];
extern const size_t chiron_favicon_ico_len;
extern const char chiron_openapi_json[];
extern const size_t chiron_openapi_json_len;

/* Is the page asked for the one of href, or below it? */
static bool
is_current(const struct req *r, const char *href)
{
	size_t n = strlen(href);

	return strncmp(r->path, href, n) == 0 && (r->path[n] == '\0' || r->path[n] == '/');
}

/* One link of the site's navigation; the current page's says so. */
static int
nav_item(struct buf *b, const struct req *r, const char *href, const char *label)
{
	return html(b, "<li><a href=\"") || html_attr(b, href) || html(b, "\"") ||
	       (is_current(r, href) && html(b, " aria-current=\"page\"")) || html(b, ">") ||
	       html_txt(b, label) || html(b, "</a></li>");
}

/* "Sign in", coming back to this page after when it is one to come back
 * to (a GET of a page that answered; not the account pages themselves). */
static int
nav_sign_in(struct buf *b, struct req *r, const struct resp *p)
{
	const char *here = NULL;

	if ((strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0) && p->status < 400 &&
	    strcmp(r->path, "/") != 0 && !is_current(r, "/login") && !is_current(r, "/signup") &&
	    !is_current(r, "/reset") && !is_current(r, "/account"))
		here = auth_here(r);
	return html(b, "<li><a href=\"/login") ||
	       (here && (html(b, "?next=") || form_encode(b, here))) || html(b, "\"") ||
	       (is_current(r, "/login") && html(b, " aria-current=\"page\"")) ||
	       html(b, ">Sign in</a></li>");
}

int
href_next(struct buf *b, struct req *r, const char *path)
{
	const char *here = auth_here(r);

	return html_attr(b, path) || (here && (html(b, "?next=") || form_encode(b, here)));
}

int
page_begin(struct req *r, struct resp *p, const char *title)
{
	struct buf *b = &p->body;
	bool in = r->user != NULL;

	p->content_type = "text/html; charset=utf-8";
	return html(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<title>") ||
	       (req_failed(r) && html(b, "Error: ")) ||
	       html_txt(b, title) ||
	       html(b, " · chiron</title>\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
	               "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">\n"
	               "<link rel=\"icon\" href=\"/favicon.ico\" sizes=\"32x32\">\n"
	               "</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
	               "<header class=\"site\"><a class=\"brand\" href=\"/\">chiron</a>\n"
	               "<nav class=\"site\" aria-label=\"Main\"><ul>") ||
	       (in && r->who.role == ACCT_ADMIN && nav_item(b, r, "/admin", "Admin")) ||
	       nav_item(b, r, "/search", "Find a therapist") ||
	       (in && (r->who.role == ACCT_THERAPIST || r->who.therapist_id[0]) &&
	        nav_item(b, r, "/schedule", "My schedule")) ||
	       (in && nav_item(b, r, "/therapy", "My therapy")) ||
	       (in ? nav_item(b, r, "/account", r->who.handle) : nav_sign_in(b, r, p)) ||
	       html(b, "</ul></nav></header>\n<main id=\"main\">\n");
}

int
page_end(struct resp *p)
{
	return html(&p->body, "</main>\n<footer class=\"site\"><p>chiron helps clinicians find a "
	                      "therapist for their own therapy. Searches are not stored; therapists "
	                      "never see your email.</p>\n<ul class=\"footer-links\">"
	                      "<li><a href=\"/privacy\">Privacy: what chiron keeps</a></li>"
	                      "<li><a href=\"/search\">Find a therapist</a></li>"
	                      "</ul></footer>\n</body>\n</html>\n");
}

int
json_response(struct resp *p, int status)
{
	p->status = status;
	p->content_type = "application/json";
	return 0;
}

int
json_reply(struct resp *p, struct jw *w, int status)
{
	if (jw_end(w) || buf_addc(w->b, '\n'))
		return -1;
	return json_response(p, status);
}

/* A sentence with its first letter capitalized, escaped. */
static int
sentence(struct buf *b, const char *s)
{
	char first[2] = {0, 0};

	if (!s || !*s)
		return 0;
	first[0] = *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;
	return html_txt(b, first) || html_txt(b, s + 1);
}

/*
 * An error as a page in the frame: a heading in plain words, what went
 * wrong (message), and a next step to take from here.
 */
static int
error_page(struct req *r, struct resp *p, int status, const char *message)
{
	struct buf *b = &p->body;
	const char *title;

	switch (status) {
	case 400: title = "Something in the request could not be used"; break;
	case 401: title = "Sign in to go on"; break;
	case 403: title = "This page is not for your account"; break;
	case 404: title = "Page not found"; break;
	case 405: title = "This address does not take that"; break;
	case 409: title = "That changed meanwhile"; break;
	case 413: title = "That was too large"; break;
	case 429: title = "Too many tries for now"; break;
	case 500: title = "Something went wrong on our side"; break;
	case 503: title = "chiron is busy"; break;
	default: title = http_reason(status); break;
	}
	if (page_begin(r, p, title) || html(b, "<h1>") || html_txt(b, title) ||
	    html(b, "</h1>\n<p class=\"lede\">") || sentence(b, message) ||
	    html(b, "</p>\n"))
		return -1;
	switch (status) {
	case 404:
		if (html(b, "<p>The address may be mistyped, or the page was moved or removed. A "
		            "therapist's profile goes away when they leave the directory.</p>\n"))
			return -1;
		break;
	case 403:
		if (html(b, "<p>You are signed in, but this page belongs to another kind of account "
		            "(a therapist's, or an administrator's). Your own pages are on your "
		            "account page.</p>\n"))
			return -1;
		break;
	case 405:
		if (html(b, "<p>Go back to the page you came from and use its form or button.</p>\n"))
			return -1;
		break;
	case 500:
		if (html(b, "<p>Nothing you did caused it, and it has been noted in the server's log "
		            "(without what you typed). If you were sending a form, go back and send "
		            "it again in a minute.</p>\n"))
			return -1;
		break;
	default:
		break;
	}
	return html(b, "<div class=\"actions\"><a class=\"button\" href=\"/search\">Find a "
	               "therapist</a>") ||
	       (r->user ? html(b, "<a class=\"button secondary\" href=\"/account\">Your account</a>")
	                : html(b, "<a class=\"button secondary\" href=\"/\">The home page</a>")) ||
	       html(b, "</div>\n") || page_end(p);
}

/* A form's field whose value is not shown back: secrets and the machinery. */
static bool
kept_back(const char *key)
{
	return strcmp(key, "csrf") == 0 || strstr(key, "password") || strcmp(key, "code") == 0 ||
	       strstr(key, "token") || strcmp(key, "return") == 0 || strcmp(key, "next") == 0;
}

/*
 * The disk-full page: what happened in plain words, and for a form, what
 * the person typed, shown back so that nothing of it is lost (the browser's
 * Back button keeps it too).
 */
static int
disk_full_page(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	const char *title = "The server's disk is full";
	int i, shown = 0;

	if (page_begin(r, p, title) || html(b, "<h1>") || html_txt(b, title) ||
	    html(b, "</h1>\n<p class=\"lede\">") || html_txt(b, DISK_FULL_MESSAGE) ||
	    html(b, "</p>\n<p>Nothing you did caused it, and nothing was half-saved: what was "
	            "stored before is as it was. The people who run chiron have been told in its "
	            "log.</p>\n"))
		return -1;
	for (i = 0; strcmp(r->method, "POST") == 0 && i < r->n_args; i++) {
		const struct kv *a = &r->args[i];
		char label[64];
		size_t k;

		if (!a->value || !a->value[0] || kept_back(a->key))
			continue;
		if (!shown++ &&
		    html(b, "<h2>What you typed</h2>\n<p>Copy it to keep it, or go back: your "
		            "browser keeps the form as you left it. Send it again later.</p>\n"))
			return -1;
		snprintf(label, sizeof(label), "%s", a->key);
		for (k = 0; label[k]; k++)
			if (label[k] == '_')
				label[k] = ' ';
		if (label[0] >= 'a' && label[0] <= 'z')
			label[0] = (char)(label[0] - 'a' + 'A');
		if (html(b, "<div class=\"field\"><label for=\"kept-") || html_attr(b, a->key) ||
		    html(b, "\">") || html_txt(b, label) ||
		    html(b, "</label><textarea readonly rows=\"4\" id=\"kept-") ||
		    html_attr(b, a->key) || html(b, "\">") || html_txt(b, a->value) ||
		    html(b, "</textarea></div>\n"))
			return -1;
	}
	return html(b, "<div class=\"actions\"><a class=\"button secondary\" href=\"/\">The "
	               "home page</a></div>\n") || page_end(p);
}

void
disk_full_response(struct req *r, struct resp *p)
{
	buf_reset(&p->body);
	p->n_headers = 0;
	error_response(r, p, 503, "", DISK_FULL_MESSAGE);
	if (strncmp(r->path, "/api/", 5) != 0) {
		buf_reset(&p->body);
		if (disk_full_page(r, p))
			buf_reset(&p->body);
	}
	resp_header(p, "Retry-After", "300");
}

void
error_response(struct req *r, struct resp *p, int status, const char *field,
               const char *message)
{
	struct buf *b = &p->body;

	buf_reset(b);
	p->status = status;
	if (strncmp(r->path, "/api/", 5) == 0) {
		struct jw w;

		p->content_type = "application/json";
		jw_init(&w, b);
		jw_obj_open(&w);
		jw_kobj_open(&w, "error");
		jw_kstr(&w, "field", field);
		jw_kstr(&w, "message", message);
		jw_obj_close(&w);
		jw_obj_close(&w);
		if (jw_end(&w) || buf_addc(b, '\n'))
			buf_reset(b);
		return;
	}
	if (error_page(r, p, status, message))
		buf_reset(b);
}

int
refusal_response(struct req *r, struct resp *p, const struct refusal *why)
{
	char *s;

	error_response(r, p, why->status, why->field, why->message);
	if ((why->status == 429 || why->status == 503) && why->retry_after > 0 &&
	    (s = arena_alloc(r->a, 16))) {
		snprintf(s, 16, "%d", why->retry_after);
		resp_header(p, "Retry-After", s);
	}
	return 0;
}

struct refusal *
refusal_of_verr(struct req *r, int status, const struct verr *e, struct refusal *why)
{
	const char *field = arena_strdup(r->a, e->field), *msg = arena_strdup(r->a, e->msg);

	refuse(why, status, field ? field : "", msg ? msg : "this value cannot be read");
	return why;
}

int
error_summary(struct buf *b, const struct req *r)
{
	int i;

	if (!req_failed(r))
		return 0;
	if (html(b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" "
	            "aria-labelledby=\"error-summary-title\">\n"
	            "<h2 id=\"error-summary-title\">There is a problem</h2>\n") ||
	    /* A form sent to change something: say that nothing changed. */
	    (strcmp(r->method, "POST") == 0 &&
	     html(b, "<p>Nothing was saved. What you typed is kept below.</p>\n")) ||
	    html(b, "<ul>\n"))
		return -1;
	for (i = 0; i < r->n_errs; i++) {
		const struct form_err *e = &r->errs[i];

		if (html(b, "<li>") ||
		    (e->field[0] ? html(b, "<a href=\"#") || html_attr(b, e->field) || html(b, "\">") ||
		                   sentence(b, e->msg) || html(b, "</a>")
		                 : sentence(b, e->msg)) ||
		    html(b, "</li>\n"))
			return -1;
	}
	return html(b, "</ul>\n</div>\n");
}

int
field_error(struct buf *b, const struct req *r, const char *field)
{
	const char *msg = req_error(r, field);

	return !msg ? 0 : html(b, "<p class=\"field-error\" id=\"") || html_attr(b, field) ||
	                  html(b, "-error\"><span class=\"visually-hidden\">Error: </span>") ||
	                  sentence(b, msg) || html(b, "</p>\n");
}

int
field_invalid(struct buf *b, const struct req *r, const char *field)
{
	return !req_error(r, field) ? 0 :
	       html(b, " aria-invalid=\"true\" aria-describedby=\"") || html_attr(b, field) ||
	       html(b, "-error\"");
}

int
form_input(struct buf *b, const struct req *r, const char *name, const char *label,
           const char *hint, const char *type, const char *value, struct markup extra)
{
	bool bad = req_error(r, name) != NULL;

	if (html(b, "<div class=\"form-group\"><label for=\"") || html_attr(b, name) ||
	    html(b, "\">") || html_txt(b, label) || html(b, "</label>\n"))
		return -1;
	if (hint && (html(b, "<p class=\"hint\" id=\"") || html_attr(b, name) ||
	             html(b, "-hint\">") || html_txt(b, hint) || html(b, "</p>\n")))
		return -1;
	if (field_error(b, r, name) ||
	    html(b, "<input id=\"") || html_attr(b, name) || html(b, "\" name=\"") ||
	    html_attr(b, name) || html(b, "\" type=\"") || html_attr(b, type) ||
	    html(b, "\" value=\"") || html_attr(b, value ? value : "") || html(b, "\" ") ||
	    html_markup(b, extra))
		return -1;
	if ((hint || bad) && (html(b, " aria-describedby=\"") ||
	                      (hint && (html_attr(b, name) || html(b, "-hint"))) ||
	                      (hint && bad && html(b, " ")) ||
	                      (bad && (html_attr(b, name) || html(b, "-error"))) ||
	                      html(b, "\"")))
		return -1;
	return html_pick(b, bad, " aria-invalid=\"true\"></div>\n", "></div>\n");
}

int
form_csrf(struct buf *b, struct req *r, struct resp *p)
{
	return html(b, "<input type=\"hidden\" name=\"csrf\" value=\"") ||
	       html_attr(b, auth_csrf_token(r, p)) || html(b, "\">");
}

int
redirect(struct req *r, struct resp *p, const char *where)
{
	const char *w = arena_strdup(r->a, where);

	p->status = 303;
	return !w || resp_header(p, "Location", w);
}

int
no_content(struct req *r, struct resp *p, int rc, const struct refusal *why)
{
	if (rc > 0)
		return refusal_response(r, p, why);
	if (rc)
		return -1;
	p->status = 204;
	return 0;
}

/* The files compiled into the binary from web/static/. */
static const struct {
	const char *name, *type;
	const char *data;
	const size_t *len;
} statics[] = {
	{"style.css", "text/css; charset=utf-8", chiron_style_css, &chiron_style_css_len},
	{"orgs.js", "text/javascript; charset=utf-8", chiron_orgs_js, &chiron_orgs_js_len},
	{"icon.svg", "image/svg+xml", chiron_icon_svg, &chiron_icon_svg_len},
	{"favicon.ico", "image/x-icon", chiron_favicon_ico, &chiron_favicon_ico_len},
};

/* A file of web/static/ by name (/static/NAME); /favicon.ico, where
 * browsers look for the icon unasked, is static/favicon.ico. */
int
static_file(struct req *r, struct resp *p)
{
	const char *name = r->param ? r->param : "favicon.ico";
	size_t i;

	for (i = 0; i < sizeof(statics) / sizeof(statics[0]); i++)
		if (strcmp(name, statics[i].name) == 0) {
			p->content_type = statics[i].type;
			resp_header(p, "Cache-Control", "public, max-age=3600");
			return buf_add(&p->body, statics[i].data, *statics[i].len);
		}
	error_response(r, p, 404, "", "There is no such file.");
	return 0;
}

int
api_openapi(struct req *r, struct resp *p)
{
	(void)r;
	if (buf_add(&p->body, chiron_openapi_json, chiron_openapi_json_len))
		return -1;
	return json_response(p, 200);
}
