/*
 * fuzz_url.c: a request's address as chiron reads it: the path, decoded
 * as libmicrohttpd decodes it before chiron sees it (MHD_http_unescape),
 * matched against every route of the table (http_path_match, as the
 * dispatcher does), and the query string read as urlencoded arguments
 * (req_add_form, the reader of urlencoded bodies).
 *
 * The input is the address as sent: "/path?query". Promises checked: a
 * route's {id} is one non-empty segment inside the path, with no '/'; no
 * two routes of one method match one path (the second would never run);
 * every argument has a non-empty key, and no key or value is longer than
 * the query it came from.
 */
#include <string.h>

#include <microhttpd.h>

#include "fuzz.h"

#include "core/arena.h"
#include "web/http.h"

static struct arena A;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	arena_init(&A, 0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = fuzz_strndup(data, size), *q = strchr(url, '?');
	static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
	size_t i, m, plen, qlen = 0;
	struct req r;
	int k, rc;

	arena_reset(&A);
	if (q) {
		*q++ = '\0';
		qlen = strlen(q);
	}
	/* A %00 decodes to a NUL, where libmicrohttpd's C string ends. */
	plen = MHD_http_unescape(url);
	FUZZ_CHECK(plen >= strlen(url));
	plen = strlen(url);
	for (m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
		const struct route *hit = NULL;

		for (i = 0; i < n_routes; i++) {
			const char *seg = (const char *)1;
			size_t seg_len = 99;

			if (!http_path_match(routes[i].path, url, &seg, &seg_len)) {
				continue;
			}
			if (strstr(routes[i].path, "{id}")) {
				FUZZ_CHECK(seg >= url && seg + seg_len <= url + plen);
				FUZZ_CHECK(seg_len > 0 && !memchr(seg, '/', seg_len));
			} else {
				FUZZ_CHECK(seg == NULL && seg_len == 0);
				FUZZ_CHECK(strcmp(routes[i].path, url) == 0);
			}
			if (strcmp(routes[i].method, methods[m]) != 0)
				continue;
			if (hit)
				fprintf(stderr, "%s %s: both %s and %s\n", methods[m], url,
				        hit->path, routes[i].path);
			FUZZ_CHECK(hit == NULL);
			hit = &routes[i];
		}
	}
	if (q) {
		memset(&r, 0, sizeof(r));
		r.a = &A;
		/* Every argument kept, or, when one is not text, bad_arg says so. */
		rc = req_add_form(&r, q);
		FUZZ_CHECK(rc == 0 || (rc == -2 && r.bad_arg));
		for (k = 0; k < r.n_args; k++) {
			FUZZ_CHECK(r.args[k].key[0] != '\0');
			FUZZ_CHECK(strlen(r.args[k].key) <= qlen);
			FUZZ_CHECK(strlen(r.args[k].value) <= qlen);
			FUZZ_CHECK(req_arg(&r, r.args[k].key) != NULL);
		}
	}
	free(url);
	return 0;
}
