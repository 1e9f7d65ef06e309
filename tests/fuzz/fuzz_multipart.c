/*
 * fuzz_multipart.c: the multipart/form-data reader of server.c (RFC 7578),
 * through which a clinician's .ics upload comes (http_parse_multipart).
 *
 * The input is the Content-Type header's value, a newline, then the body:
 *   multipart/form-data; boundary=XyZ\n--XyZ\r\nContent-Disposition: ...
 * Promises checked: every file's bytes lie inside the body, there are at
 * most 8 files, every field has a non-empty name, and a field's value is
 * no longer than the body.
 */
#include <string.h>

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
	const uint8_t *nl = memchr(data, '\n', size);
	char *ct, *body;
	size_t blen;
	struct req r;
	int rc, k;

	if (!nl)
		return 0;
	arena_reset(&A);
	ct = fuzz_strndup(data, (size_t)(nl - data));
	blen = size - (size_t)(nl + 1 - data);
	body = fuzz_strndup(nl + 1, blen);
	memset(&r, 0, sizeof(r));
	r.a = &A;
	r.method = "POST";
	r.path = "/calendar";
	r.content_type = ct;
	r.body = body;
	r.body_len = blen;
	rc = http_parse_multipart(&r);
	/* -3: a field that is not text, named in bad_arg. */
	FUZZ_CHECK(rc == 0 || rc == -1 || (rc == -3 && r.bad_arg));
	FUZZ_CHECK(r.n_files >= 0 && r.n_files <= 8);
	for (k = 0; k < r.n_files; k++) {
		FUZZ_CHECK(r.files[k].field && r.files[k].field[0]);
		FUZZ_CHECK(r.files[k].data >= body && r.files[k].data + r.files[k].len <= body + blen);
		FUZZ_CHECK(req_file(&r, r.files[k].field) != NULL);
	}
	for (k = 0; k < r.n_args; k++) {
		FUZZ_CHECK(r.args[k].key[0] != '\0');
		FUZZ_CHECK(strlen(r.args[k].value) <= blen);
	}
	free(body);
	free(ct);
	return 0;
}
