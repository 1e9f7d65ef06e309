/*
 * fuzz_jw.c: the JSON writer (core/jw.h), driven by a program.
 *
 * The input is a program: its first byte picks the buffer's cap (none,
 * or a small one, so that the buffer running out is exercised), each
 * later byte is one writer call (open, close, key, a value of each kind),
 * with a string's length and ASCII bytes taken from the bytes after it.
 * At the end the harness closes what is open (a pending key gets null).
 *
 * Promises checked: the writer never has more than JW_MAX_DEPTH open;
 * after the first failure every call answers -1 and the buffer does not
 * change; a run without failure ends well (jw_end() is 0) and its text
 * is JSON that core/json.h reads; a run with one ends with -1.
 */
#include <string.h>

#include "fuzz.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/jw.h"

static struct arena A;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	arena_init(&A, 0);
	return 0;
}

/* A string of the program: its length byte, then that many bytes, as
 * ASCII without NUL (core/json.h refuses what is not UTF-8, and NUL). */
static size_t
take_str(const uint8_t **p, const uint8_t *end, char *s, size_t max)
{
	size_t n = 0, want;

	if (*p >= end)
		return 0;
	want = *(*p)++ % max;
	while (n < want && *p < end) {
		uint8_t c = *(*p)++ & 0x7f;

		s[n++] = (char)(c ? c : ' ');
	}
	s[n] = '\0';
	return n;
}

/* A key of the program, made unique by its number ("3:name"): the
 * writer does not look for duplicates, and core/json.h refuses them. */
static const char *
key(const uint8_t **p, const uint8_t *end, char *k, char *s, int i)
{
	take_str(p, end, s, 64);
	snprintf(k, 96, "%d:%s", i, s);
	return k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[4] = {0, 16, 200, 4096};
	const uint8_t *p = data, *end = data + size;
	struct buf b;
	struct jw w;
	struct verr e;
	char s[64], k[96];
	size_t n;
	int failed = 0, nkeys = 0;

	if (size == 0)
		return 0;
	buf_init(&b, caps[*p++ % 4]);
	jw_init(&w, &b);
	while (p < end) {
		uint8_t op = *p++ % 12;
		size_t before = b.len;
		int rc = 0;

		switch (op) {
		case 0: rc = jw_obj_open(&w); break;
		case 1: rc = jw_obj_close(&w); break;
		case 2: rc = jw_arr_open(&w); break;
		case 3: rc = jw_arr_close(&w); break;
		case 4: rc = jw_key(&w, key(&p, end, k, s, nkeys++)); break;
		case 5: n = take_str(&p, end, s, sizeof(s)); rc = jw_strn(&w, s, n); break;
		case 6: rc = jw_int(&w, p < end ? (int64_t)*p++ * -7919 : 0); break;
		case 7: rc = jw_num(&w, p < end ? *p++ / 7.0 : 0.5); break;
		case 8: rc = jw_bool(&w, p < end && (*p++ & 1)); break;
		case 9: rc = jw_null(&w); break;
		case 10: rc = jw_time(&w, p < end ? (int64_t)*p++ * 86399 : 0); break;
		default: rc = jw_kstr(&w, key(&p, end, k, s, nkeys++), "v"); break;
		}
		FUZZ_CHECK(w.depth >= 0 && w.depth <= JW_MAX_DEPTH);
		FUZZ_CHECK(rc == 0 || rc == -1);
		FUZZ_CHECK(rc == -1 || w.err == JW_OK);
		if (failed)
			FUZZ_CHECK(rc == -1 && b.len == before);
		failed = w.err != JW_OK;
		if (w.err == JW_ENOMEM)
			FUZZ_CHECK(b.p == NULL && b.len == 0);
	}
	/* Close what is open; a well-formed run must then end well. */
	if (!failed && w.key)
		jw_null(&w);
	while (!failed && w.depth > 0)
		failed = w.open[w.depth - 1] == '{' ? jw_obj_close(&w) : jw_arr_close(&w);
	if (!failed && !w.done)
		failed = jw_null(&w);
	failed = w.err != JW_OK;
	if (failed) {
		FUZZ_CHECK(jw_end(&w) == -1);
	} else {
		FUZZ_CHECK(jw_end(&w) == 0);
		FUZZ_CHECK(jn_parse(b.p, b.len, &A, &e) != NULL);
		arena_reset(&A);
	}
	buf_free(&b);
	return 0;
}
