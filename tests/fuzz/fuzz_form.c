/*
 * fuzz_form.c: the urlencoded decoder (core/form.h) that the web forms,
 * the saved search profiles and the query string's values go through.
 *
 * The input is the text itself. Promises checked: form_decode writes at
 * most cap - 1 bytes and a NUL, never more bytes than it read, the same
 * whether it decodes in place or not, and exactly what a plain reading of
 * the rule gives; form_value finds a key the text has, cut to its buffer.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"

#include "core/form.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The rule of form.h, read plainly: the expected output, unbounded. */
static size_t
reference(const char *s, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
			out[o++] = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *out = malloc(size + 1), *ref = malloc(size + 1), *in = malloc(size + 1);
	char small[8], key[16];
	size_t n, r, cap, k, i;
	bool valid;
	char *text;

	if (!out || !ref || !in)
		abort();
	/* Unbounded: exactly the rule, and never longer than the input, when
	 * what it decodes to is text (UTF-8 without NUL); else nothing. */
	n = form_decode(s, size, out, size + 1);
	r = reference(s, size, ref);
	valid = utf8_check(ref, r) == UTF8_OK;
	FUZZ_CHECK(valid ? n <= size && n == r : n == 0);
	FUZZ_CHECK(out[n] == '\0');
	FUZZ_CHECK(memcmp(out, ref, n) == 0);
	/* In place: the same. */
	if (size)
		memcpy(in, s, size);
	n = form_decode(in, size, in, size + 1);
	FUZZ_CHECK((valid ? n == r : n == 0) && memcmp(in, ref, n) == 0 && in[n] == '\0');
	/* Cut to a small buffer: a prefix of the whole, NUL-ended. */
	for (cap = 0; cap <= sizeof(small); cap++) {
		memset(small, 'x', sizeof(small));
		n = form_decode(s, size, small, cap);
		if (cap == 0) {
			FUZZ_CHECK(n == 0 && small[0] == 'x');
			continue;
		}
		FUZZ_CHECK(n < cap && n <= r && small[n] == '\0');
		FUZZ_CHECK(memcmp(small, ref, n) == 0);
	}
	/* form_value, for the key of the text's first pair (up to '=' or
	 * '&'), and for a key that is not there. */
	text = fuzz_strndup(data, size);
	k = strcspn(text, "=&");
	if (k < sizeof(key)) {
		memcpy(key, text, k);
		key[k] = '\0';
		if (text[k] == '=' && k > 0) {
			i = strcspn(text + k + 1, "&");
			/* Found, or refused as not text: then empty. */
			if (form_value(text, key, out, size + 1) == 0)
				FUZZ_CHECK(strlen(out) <= i);
			else
				FUZZ_CHECK(out[0] == '\0');
			if (form_value(text, key, small, sizeof(small)) == 0)
				FUZZ_CHECK(strlen(small) < sizeof(small) &&
				           utf8_check(small, strlen(small)) == UTF8_OK);
			else
				FUZZ_CHECK(small[0] == '\0');
		}
	}
	if (form_value(text, "\x01no such key", small, sizeof(small)) != 0)
		FUZZ_CHECK(small[0] == '\0');
	free(text);
	free(in);
	free(ref);
	free(out);
	return 0;
}
