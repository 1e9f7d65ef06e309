/*
 * test_json.c: the strict arena JSON reader (core/json.h).
 *
 * What is checked: every JSON type and its tree; escapes, \u with surrogate
 * pairs written back as UTF-8; each refusal RFC 8259 (or chiron) asks for,
 * with the byte offset where the text went wrong; the integer flag; and a
 * fuzz-ish pass over a real import line, truncated at every length and
 * with single bytes changed at every position, that must never crash, must
 * report an offset inside the input, and must agree with jansson (the
 * reference reader chiron also links) on what is valid JSON.
 *
 * Every input is copied into a heap buffer of exactly its length before
 * it is parsed, so that AddressSanitizer (make test SAN=1) sees any read
 * past the end.
 */
#include "testlib.h"

#include <stdio.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/json.h"


/* Parses exactly n bytes of s from a heap copy; e is filled on failure. */
static jnode *
parse_n(const char *s, size_t n, struct verr *e)
{
	char *copy = malloc(n ? n : 1);
	jnode *v;

	assert_non_null(copy);
	memcpy(copy, s, n);
	verr_clear(e);
	v = jn_parse(copy, n, &A, e);
	/* The tree must not point into the input: free it now. */
	free(copy);
	return v;
}

/* s must parse; returns the root. */
static jnode *
ok_n(const char *s, size_t n)
{
	struct verr e;
	jnode *v = parse_n(s, n, &e);

	if (!v)
		fail_msg("refused %.*s: %s", (int)n, s, e.msg);
	assert_null(v->key);
	return v;
}

static jnode *
ok(const char *s)
{
	return ok_n(s, strlen(s));
}

/*
 * s must be refused at byte offset (any offset in [0, n] when offset is
 * -1), with a message containing what (when not NULL).
 */
static void
bad_n(const char *s, size_t n, long offset, const char *what)
{
	struct verr e;
	jnode *v = parse_n(s, n, &e);

	if (v)
		fail_msg("accepted %.*s", (int)n, s);
	if (e.offset < 0 || e.offset > (long)n)
		fail_msg("%.*s: offset %ld outside 0..%zu", (int)n, s, e.offset, n);
	if (offset >= 0 && e.offset != offset)
		fail_msg("%.*s: offset %ld, expected %ld (%s)", (int)n, s, e.offset,
		         offset, e.msg);
	if (what && !strstr(e.msg, what))
		fail_msg("%.*s: message \"%s\" lacks \"%s\"", (int)n, s, e.msg, what);
	assert_string_equal(e.field, "");
	/* The message says where, in the same words as the offset. */
	{
		char at[32];

		snprintf(at, sizeof(at), "at byte %ld", e.offset);
		if (!strstr(e.msg, at))
			fail_msg("message \"%s\" lacks \"%s\"", e.msg, at);
	}
}

static void
bad(const char *s, long offset, const char *what)
{
	bad_n(s, strlen(s), offset, what);
}

/* A refusal whose offset lies in [lo, hi] (for errors inside an escape). */
static void
bad_within(const char *s, long lo, long hi, const char *what)
{
	struct verr e;
	jnode *v = parse_n(s, strlen(s), &e);

	if (v)
		fail_msg("accepted %s", s);
	if (e.offset < lo || e.offset > hi)
		fail_msg("%s: offset %ld outside %ld..%ld", s, e.offset, lo, hi);
	if (what && !strstr(e.msg, what))
		fail_msg("%s: message \"%s\" lacks \"%s\"", s, e.msg, what);
}

/* s is one JSON string whose decoded bytes must be want (wlen bytes). */
#define STR_IS(s, want) str_is((s), (want), sizeof(want) - 1)

static void
str_is(const char *s, const char *want, size_t wlen)
{
	jnode *v = ok(s);

	assert_int_equal(v->type, JN_STRING);
	assert_true(jn_is_string(v));
	assert_int_equal(v->len, wlen);
	assert_memory_equal(v->str, want, wlen);
	assert_int_equal(v->str[wlen], '\0');
}

/* ----------------------------------------------------------------------
 * Scalars
 * ---------------------------------------------------------------------- */

static void
test_literals(void **state)
{
	jnode *v;

	(void)state;
	v = ok("null");
	assert_int_equal(v->type, JN_NULL);
	assert_true(jn_is_null(v));
	v = ok("true");
	assert_int_equal(v->type, JN_TRUE);
	assert_true(jn_is_bool(v) && jn_is_true(v));
	v = ok("false");
	assert_int_equal(v->type, JN_FALSE);
	assert_true(jn_is_bool(v) && !jn_is_true(v));
	/* Whitespace of all four kinds around the value. */
	v = ok(" \t\r\n true \n\t\r ");
	assert_int_equal(v->type, JN_TRUE);
	assert_false(jn_is_null(v) || jn_is_number(v) || jn_is_string(v) ||
	             jn_is_array(v) || jn_is_object(v));
}

static void
test_bad_literals(void **state)
{
	(void)state;
	bad("tru", 0, "expected a value");
	bad("nul", 0, NULL);
	bad("f", 0, NULL);
	bad("True", 0, NULL);
	bad("NULL", 0, NULL);
	bad("undefined", 0, NULL);
	bad("[nulL]", 1, NULL);
	bad("truex", 4, "after the value");
	bad("nullnull", 4, "after the value");
	bad("Infinity", 0, NULL);
	bad("NaN", 0, NULL);
	bad("-Infinity", 1, NULL);
}

static void
test_integers(void **state)
{
	jnode *v;

	(void)state;
	v = ok("0");
	assert_int_equal(v->type, JN_NUMBER);
	assert_true(v->is_int);
	assert_int_equal(v->i, 0);
	v = ok("-0");
	assert_true(v->is_int);
	assert_int_equal(v->i, 0);
	v = ok("123");
	assert_true(v->is_int);
	assert_int_equal(v->i, 123);
	v = ok("-123");
	assert_true(v->is_int);
	assert_int_equal(v->i, -123);
	v = ok("123456789012345678");           /* 18 digits */
	assert_true(v->is_int);
	assert_true(v->i == INT64_C(123456789012345678));
	v = ok("999999999999999999");
	assert_true(v->is_int);
	assert_true(v->i == INT64_C(999999999999999999));
	v = ok("-999999999999999999");
	assert_true(v->is_int);
	assert_true(v->i == -INT64_C(999999999999999999));
	v = ok("1000000");
	assert_true(v->is_int && v->i == 1000000);
	/* Far past int64: a number, but not an integer. */
	v = ok("100000000000000000000");
	assert_false(v->is_int);
	assert_true(v->num == 1e20);
	v = ok("-100000000000000000000");
	assert_false(v->is_int);
	assert_true(v->num == -1e20);
}

static void
test_non_integers(void **state)
{
	jnode *v;

	(void)state;
	v = ok("1.5");
	assert_int_equal(v->type, JN_NUMBER);
	assert_false(v->is_int);
	assert_true(v->num == 1.5);
	v = ok("1e3");
	assert_false(v->is_int);
	assert_true(v->num == 1000.0);
	v = ok("1E3");
	assert_false(v->is_int);
	assert_true(v->num == 1000.0);
	v = ok("180.0");
	assert_false(v->is_int);
	assert_true(v->num == 180.0);
	v = ok("-0.0");
	assert_false(v->is_int);
	assert_true(v->num == 0.0);
	v = ok("2.5e-3");
	assert_true(v->num == 2.5e-3);
	v = ok("1e+2");
	assert_true(v->num == 100.0);
	v = ok("-1.25E-2");
	assert_true(v->num == -1.25e-2);
	v = ok("0.1");
	assert_true(v->num == 0.1);
	v = ok("0e0");
	assert_false(v->is_int);
	assert_true(v->num == 0.0);
	v = ok("-122.4194");
	assert_true(v->num == -122.4194);
	/* Underflow reads as zero; it is finite, so it is accepted. */
	v = ok("1e-400");
	assert_true(v->num == 0.0);
}

static void
test_bad_numbers(void **state)
{
	(void)state;
	bad("01", 1, "leading zero");
	bad("-01", 2, "leading zero");
	bad("00", 1, "leading zero");
	bad("[007]", 2, "leading zero");
	bad("1.", 2, "decimal point");
	bad("1.e3", 2, "decimal point");
	bad("-1.x", 3, "decimal point");
	bad(".5", 0, "expected a value");
	bad("-.5", 1, "expected a value");
	bad("1e", 2, "exponent");
	bad("1e+", 3, "exponent");
	bad("1E-", 3, "exponent");
	bad("1ee2", 2, "exponent");
	bad("-", 1, "expected a value");
	bad("- 1", 1, "expected a value");
	bad("--1", 1, NULL);
	bad("+1", 0, "expected a value");
	bad("0x10", 1, "after the value");
	bad("1 2", 2, "after the value");
	bad("1,2", 1, "after the value");
	bad("1e400", -1, "out of range");
	bad("-1e400", -1, "out of range");
	bad("[1e999]", -1, "out of range");
}

static void
test_number_too_long(void **state)
{
	char s[200];

	(void)state;
	/* 63 characters is the longest number the reader keeps. */
	memset(s, '1', 63);
	s[63] = '\0';
	assert_int_equal(ok(s)->type, JN_NUMBER);
	memset(s, '1', 150);
	s[150] = '\0';
	bad(s, -1, "too long");
}

/* ----------------------------------------------------------------------
 * Strings
 * ---------------------------------------------------------------------- */

static void
test_strings_plain(void **state)
{
	(void)state;
	STR_IS("\"\"", "");
	STR_IS("\"abc\"", "abc");
	STR_IS("\"Ana Ruiz\"", "Ana Ruiz");
	/* DEL and every printable ASCII byte need no escape. */
	STR_IS("\"\x7f ~!#$%&'()*+,-./:;<=>?@[]^_`{|}\"", "\x7f ~!#$%&'()*+,-./:;<=>?@[]^_`{|}");
	/* Raw UTF-8 passes through: 2, 3 and 4 byte sequences, and edges. */
	STR_IS("\"Zo\xc3\xab\"", "Zo\xc3\xab");
	STR_IS("\"\xe2\x82\xac\"", "\xe2\x82\xac");
	STR_IS("\"\xf0\x9f\x98\x80\"", "\xf0\x9f\x98\x80");
	STR_IS("\"\xc2\x80\"", "\xc2\x80");                 /* U+0080 */
	STR_IS("\"\xdf\xbf\"", "\xdf\xbf");                 /* U+07FF */
	STR_IS("\"\xe0\xa0\x80\"", "\xe0\xa0\x80");         /* U+0800 */
	STR_IS("\"\xed\x9f\xbf\"", "\xed\x9f\xbf");         /* U+D7FF */
	STR_IS("\"\xee\x80\x80\"", "\xee\x80\x80");         /* U+E000 */
	STR_IS("\"\xef\xbf\xbf\"", "\xef\xbf\xbf");         /* U+FFFF */
	STR_IS("\"\xf0\x90\x80\x80\"", "\xf0\x90\x80\x80"); /* U+10000 */
	STR_IS("\"\xf4\x8f\xbf\xbf\"", "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
}

static void
test_strings_escapes(void **state)
{
	(void)state;
	STR_IS("\"\\\"\"", "\"");
	STR_IS("\"\\\\\"", "\\");
	STR_IS("\"\\/\"", "/");
	STR_IS("\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t");
	STR_IS("\"a\\nb\\tc\"", "a\nb\tc");
	STR_IS("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t");
	/* \u to one, two and three UTF-8 bytes; hex of either case. */
	STR_IS("\"\\u0041\"", "A");
	STR_IS("\"\\u0001\"", "\x01");
	STR_IS("\"\\u001f\"", "\x1f");
	STR_IS("\"\\u007F\"", "\x7f");
	STR_IS("\"\\u0080\"", "\xc2\x80");
	STR_IS("\"\\u00e9\"", "\xc3\xa9");
	STR_IS("\"\\u00E9\"", "\xc3\xa9");
	STR_IS("\"\\u07ff\"", "\xdf\xbf");
	STR_IS("\"\\u0800\"", "\xe0\xa0\x80");
	STR_IS("\"\\u20AC\"", "\xe2\x82\xac");
	STR_IS("\"\\ud7ff\"", "\xed\x9f\xbf");
	STR_IS("\"\\ue000\"", "\xee\x80\x80");
	STR_IS("\"\\uFFFF\"", "\xef\xbf\xbf");
	/* Escapes mixed with raw text and raw UTF-8. */
	STR_IS("\"Zo\\u00ebe \\\"Z\\\" \xc3\xa9\"", "Zo\xc3\xab" "e \"Z\" \xc3\xa9");
	STR_IS("\"\\\\u0041\"", "\\u0041");
}

static void
test_strings_surrogate_pairs(void **state)
{
	(void)state;
	/* U+1F600, U+10000, U+10FFFF and U+1D11E. */
	STR_IS("\"\\uD83D\\uDE00\"", "\xf0\x9f\x98\x80");
	STR_IS("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80");
	STR_IS("\"\\ud800\\udc00\"", "\xf0\x90\x80\x80");
	STR_IS("\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf");
	STR_IS("\"\\uD834\\uDD1E\"", "\xf0\x9d\x84\x9e");
	/* Two pairs in a row, with text around them. */
	STR_IS("\"a\\uD83D\\uDE00b\\uD83D\\uDE00c\"", "a\xf0\x9f\x98\x80" "b\xf0\x9f\x98\x80" "c");
	/* An escaped pair and the same character raw are the same bytes. */
	STR_IS("\"\xf0\x9f\x98\x80\\uD83D\\uDE00\"", "\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
}

static void
test_strings_bad_unicode_escapes(void **state)
{
	(void)state;
	/* The error lies within the escape: from its backslash to its end. */
	bad_within("\"\\ud800\"", 1, 7, "unpaired surrogate");
	bad_within("\"\\uD83D\"", 1, 7, "unpaired surrogate");
	bad_within("\"\\uD83Dx\"", 1, 7, "unpaired surrogate");
	bad_within("\"\\uD83D\\n\"", 1, 9, "unpaired surrogate");
	bad_within("\"\\uD83D\\u0041\"", 1, 13, "unpaired surrogate");
	bad_within("\"\\uD83D\\uD83D\"", 1, 13, "unpaired surrogate");
	bad_within("\"\\udc00\"", 1, 7, "unpaired surrogate");
	bad_within("\"\\uDE00\\uD83D\"", 1, 7, "unpaired surrogate");
	bad_within("\"\\uDFFF\"", 1, 7, "unpaired surrogate");
	bad_within("\"\\u0000\"", 1, 7, "\\u0000");
	bad_within("\"abc\\u0000def\"", 4, 10, "\\u0000");
	bad_within("\"\\u12\"", 1, 6, "\\u escape");
	bad_within("\"\\u12g4\"", 1, 6, "\\u escape");
	bad_within("\"\\uXXXX\"", 1, 6, "\\u escape");
	bad_within("\"\\u\"", 1, 3, "\\u escape");
	bad_within("\"\\U0041\"", 1, 2, "bad escape");
	/* Input that ends inside an escape or pair: offset at most the length. */
	bad_within("\"\\u00", 1, 5, NULL);
	bad_within("\"\\uD83D", 1, 7, NULL);
	bad_within("\"\\uD83D\\", 1, 8, NULL);
	bad_within("\"\\uD83D\\uDE", 1, 11, NULL);
	bad_within("\"\\uD83D\\uDE00", 13, 13, "unterminated");
}

static void
test_strings_bad_escapes(void **state)
{
	(void)state;
	bad("\"\\x41\"", 2, "bad escape");
	bad("\"\\a\"", 2, "bad escape");
	bad("\"\\0\"", 2, "bad escape");
	bad("\"\\'\"", 2, "bad escape");
	bad("\"ab\\ \"", 4, "bad escape");
	bad("\"\\v\"", 2, "bad escape");
	/* A NUL byte after the backslash. */
	bad_n("\"\\\0\"", 4, 2, "bad escape");
	/* A backslash at the very end of the input. */
	bad("\"abc\\", 5, "unterminated");
}

static void
test_strings_control_characters(void **state)
{
	char s[8];
	int c;

	(void)state;
	bad("\"a\x01" "b\"", 2, "control character");
	bad("\"a\tb\"", 2, "control character");
	bad("\"a\nb\"", 2, "control character");
	bad("\"\r\"", 1, "control character");
	bad("\"\x1f\"", 1, "control character");
	bad("{\"k\x02\":1}", 3, "control character");
	bad_n("\"a\0b\"", 5, 2, "control character");
	for (c = 1; c < 0x20; c++) {
		snprintf(s, sizeof(s), "\"x%c\"", c);
		bad_n(s, 4, 2, "control character");
	}
	/* 0x7f (DEL) is not a control character for JSON. */
	STR_IS("\"\x7f\"", "\x7f");
}

static void
test_strings_invalid_utf8(void **state)
{
	(void)state;
	/* Overlong forms. */
	bad("\"\xc0\x80\"", 1, "UTF-8");
	bad("\"\xc0\xaf\"", 1, "UTF-8");
	bad("\"\xc1\xbf\"", 1, "UTF-8");
	bad("\"ab\xe0\x80\x80\"", 3, "UTF-8");
	bad("\"\xe0\x9f\xbf\"", 1, "UTF-8");
	bad("\"\xf0\x80\x80\x80\"", 1, "UTF-8");
	bad("\"\xf0\x8f\xbf\xbf\"", 1, "UTF-8");
	/* UTF-16 surrogates encoded as UTF-8 (CESU). */
	bad("\"\xed\xa0\x80\"", 1, "UTF-8");
	bad("\"\xed\xbf\xbf\"", 1, "UTF-8");
	bad("\"\xed\xa0\xbd\xed\xb8\x80\"", 1, "UTF-8");
	/* Past U+10FFFF and bytes that never start a sequence. */
	bad("\"\xf4\x90\x80\x80\"", 1, "UTF-8");
	bad("\"\xf5\x80\x80\x80\"", 1, "UTF-8");
	bad("\"\xf8\x88\x80\x80\x80\"", 1, "UTF-8");
	bad("\"\xfe\"", 1, "UTF-8");
	bad("\"\xff\"", 1, "UTF-8");
	/* Lone continuation bytes. */
	bad("\"\x80\"", 1, "UTF-8");
	bad("\"a\xbf\"", 2, "UTF-8");
	bad("\"\xc3\xa9\xa9\"", 3, "UTF-8");
	/* Truncated sequences: cut by the quote, by ASCII, by the end. */
	bad("\"\xc3\"", 1, "UTF-8");
	bad("\"\xe2\x82\"", 1, "UTF-8");
	bad("\"\xe2\x82x\"", 1, "UTF-8");
	bad("\"\xf0\x9f\x98\"", 1, "UTF-8");
	bad("\"\xf0\x9f\x98", 1, "UTF-8");
	bad("\"\xe2", 1, "UTF-8");
	bad("\"ok\xc3", 3, "UTF-8");
	/* In a key, too. */
	bad("{\"\xc0\x80\":1}", 2, "UTF-8");
	/* Outside a string, a non-ASCII byte is not a value. */
	bad("\xc3\xa9", 0, "expected a value");
	bad("\xef\xbb\xbf{}", 0, "expected a value");     /* a BOM */
}

static void
test_strings_unterminated(void **state)
{
	(void)state;
	bad("\"", 1, "unterminated");
	bad("\"abc", 4, "unterminated");
	bad("[\"abc", 5, "unterminated");
	bad("{\"a", 3, "unterminated");
	bad("{\"a\":\"b", 7, "unterminated");
	bad("\"a\\\"", 4, "unterminated");
}

/* ----------------------------------------------------------------------
 * Containers
 * ---------------------------------------------------------------------- */

static void
test_empty_containers(void **state)
{
	jnode *v;

	(void)state;
	v = ok("[]");
	assert_int_equal(v->type, JN_ARRAY);
	assert_int_equal(jn_len(v), 0);
	v = ok("{}");
	assert_int_equal(v->type, JN_OBJECT);
	assert_int_equal(jn_len(v), 0);
	assert_null(jn_get(v, "a"));
	assert_null(jn_get(v, ""));
	v = ok(" [ \n ] ");
	assert_true(jn_is_array(v) && jn_len(v) == 0);
	v = ok("{\t}");
	assert_true(jn_is_object(v) && jn_len(v) == 0);
	v = ok("[[],{},[[]]]");
	assert_int_equal(jn_len(v), 3);
	assert_true(jn_is_array(&v->kids[0]) && jn_len(&v->kids[0]) == 0);
	assert_true(jn_is_object(&v->kids[1]) && jn_len(&v->kids[1]) == 0);
	assert_int_equal(jn_len(&v->kids[2]), 1);
	assert_int_equal(jn_len(&v->kids[2].kids[0]), 0);
}

static void
test_array_of_every_type(void **state)
{
	jnode *v, *x;
	size_t i, n = 0;

	(void)state;
	v = ok("[null, true, false, 7, -2.5, \"s\", [1], {\"k\":\"v\"}]");
	assert_int_equal(jn_len(v), 8);
	assert_int_equal(v->kids[0].type, JN_NULL);
	assert_int_equal(v->kids[1].type, JN_TRUE);
	assert_int_equal(v->kids[2].type, JN_FALSE);
	assert_int_equal(v->kids[3].type, JN_NUMBER);
	assert_true(v->kids[3].is_int && v->kids[3].i == 7);
	assert_true(!v->kids[4].is_int && v->kids[4].num == -2.5);
	assert_int_equal(v->kids[5].type, JN_STRING);
	assert_string_equal(v->kids[5].str, "s");
	assert_int_equal(v->kids[6].type, JN_ARRAY);
	assert_int_equal(v->kids[6].kids[0].i, 1);
	assert_int_equal(v->kids[7].type, JN_OBJECT);
	assert_string_equal(jn_get(&v->kids[7], "k")->str, "v");
	/* Members of an array have no key. */
	jn_foreach(v, i, x) {
		assert_null(x->key);
		n++;
	}
	assert_int_equal(n, 8);
	/* jn_get on an array or a scalar finds nothing. */
	assert_null(jn_get(v, "k"));
	assert_null(jn_get(&v->kids[5], "s"));
	assert_null(jn_get(NULL, "k"));
}

static void
test_object_members(void **state)
{
	jnode *v, *x;
	size_t i;
	static const char *const order[] = {"z", "a", "m", "", "a b", "\xc3\xa9"};

	(void)state;
	v = ok("{\"z\":1,\"a\":\"two\",\"m\":[3],\"\":null,\"a b\":true,\"\\u00e9\":false}");
	assert_int_equal(jn_len(v), 6);
	/* Members keep their input order, each with its key. */
	jn_foreach(v, i, x)
		assert_string_equal(x->key, order[i]);
	assert_int_equal(jn_get(v, "z")->i, 1);
	assert_string_equal(jn_get(v, "a")->str, "two");
	assert_int_equal(jn_get(v, "m")->kids[0].i, 3);
	assert_true(jn_is_null(jn_get(v, "")));
	assert_true(jn_is_true(jn_get(v, "a b")));
	assert_int_equal(jn_get(v, "\xc3\xa9")->type, JN_FALSE);
	/* Absent keys, prefixes and extensions of present ones, case. */
	assert_null(jn_get(v, "b"));
	assert_null(jn_get(v, "zz"));
	assert_null(jn_get(v, "Z"));
	assert_null(jn_get(v, "a "));
	assert_null(jn_get(v, "\\u00e9"));
	/* jn_get returns the member itself. */
	assert_ptr_equal(jn_get(v, "m"), &v->kids[2]);
}

static void
test_nested(void **state)
{
	jnode *v, *f, *av;

	(void)state;
	v = ok(" {\n \"fee\" : { \"currency\" : \"USD\" , \"session\" : 180 } ,\r\n"
	       "\t\"availability\":[{\"day\":\"mon\",\"start\":\"09:00\"},{\"day\":\"tue\"}],"
	       "\"deep\":[[[[{\"x\":[[\"bottom\"]]}]]]]\n} ");
	f = jn_get(v, "fee");
	assert_non_null(f);
	assert_string_equal(f->key, "fee");
	assert_string_equal(jn_get(f, "currency")->str, "USD");
	assert_int_equal(jn_get(f, "session")->i, 180);
	assert_null(jn_get(v, "currency"));     /* nested keys stay nested */
	av = jn_get(v, "availability");
	assert_int_equal(jn_len(av), 2);
	assert_string_equal(jn_get(&av->kids[0], "start")->str, "09:00");
	assert_string_equal(jn_get(&av->kids[1], "day")->str, "tue");
	assert_null(jn_get(&av->kids[1], "start"));
	f = jn_get(v, "deep");
	f = jn_get(&f->kids[0].kids[0].kids[0].kids[0], "x");
	assert_string_equal(f->kids[0].kids[0].str, "bottom");
}

static void
test_same_key_in_different_objects(void **state)
{
	jnode *v;

	(void)state;
	/* Only keys of one object must differ. */
	v = ok("{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":2},{\"a\":3}]}");
	assert_int_equal(jn_get(jn_get(jn_get(v, "a"), "a"), "a")->i, 1);
	assert_int_equal(jn_get(&jn_get(v, "b")->kids[1], "a")->i, 3);
	v = ok("{\"x\":{\"b\":1},\"b\":2}");
	assert_int_equal(jn_get(v, "b")->i, 2);
	assert_int_equal(jn_get(jn_get(v, "x"), "b")->i, 1);
	/* Keys that share a first byte, and keys that are prefixes. */
	v = ok("{\"ab\":1,\"a\":2,\"abc\":3,\"\":4}");
	assert_int_equal(jn_get(v, "ab")->i, 1);
	assert_int_equal(jn_get(v, "a")->i, 2);
	assert_int_equal(jn_get(v, "abc")->i, 3);
	assert_int_equal(jn_get(v, "")->i, 4);
}

static void
test_large_containers(void **state)
{
	struct buf b = BUF_INIT;
	jnode *v;
	int i;

	(void)state;
	/*
	 * Members of many open containers share one scratch stack: build an
	 * array of 50 arrays of 100 numbers, then an object of 2000 members
	 * with an inner array between every member, and check every value.
	 */
	assert_int_equal(buf_addc(&b, '['), 0);
	for (i = 0; i < 5000; i++)
		assert_int_equal(buf_printf(&b, "%s%d", i % 100 ? "," : (i ? "],[" : "["), i), 0);
	assert_int_equal(buf_adds(&b, "]]"), 0);
	v = ok_n(b.p, b.len);
	assert_int_equal(jn_len(v), 50);
	for (i = 0; i < 5000; i++) {
		jnode *x = &v->kids[i / 100].kids[i % 100];

		assert_true(x->is_int);
		assert_int_equal(x->i, i);
	}
	buf_reset(&b);
	assert_int_equal(buf_addc(&b, '{'), 0);
	for (i = 0; i < 2000; i++)
		assert_int_equal(buf_printf(&b, "%s\"k%d\":[%d,{\"in\":%d}]", i ? "," : "", i, i, -i), 0);
	assert_int_equal(buf_addc(&b, '}'), 0);
	v = ok_n(b.p, b.len);
	assert_int_equal(jn_len(v), 2000);
	for (i = 0; i < 2000; i += 37) {
		char k[16];
		jnode *x;

		snprintf(k, sizeof(k), "k%d", i);
		x = jn_get(v, k);
		assert_non_null(x);
		assert_int_equal(x->kids[0].i, i);
		assert_int_equal(jn_get(&x->kids[1], "in")->i, -i);
	}
	/* A duplicate far from its first occurrence is still found. */
	b.p[b.len - 1] = ',';
	assert_int_equal(buf_adds(&b, "\"k3\":0}"), 0);
	bad_n(b.p, b.len, (long)b.len - 7, "duplicate key");
	buf_free(&b);
}

static void
test_bad_structure(void **state)
{
	(void)state;
	/* Trailing commas. */
	bad("[1,]", 3, "expected a value");
	bad("[1,2,]", 5, NULL);
	bad("{\"a\":1,}", 7, "expected a string key");
	bad("{\"a\":[1,],\"b\":2}", 8, NULL);
	/* Missing or doubled separators. */
	bad("[,1]", 1, NULL);
	bad("[1,,2]", 3, NULL);
	bad("[1 2]", 3, "expected ',' or ']'");
	bad("{\"a\":1 \"b\":2}", 7, "expected ',' or '}'");
	bad("{\"a\" 1}", 5, "expected ':'");
	bad("{\"a\"::1}", 5, NULL);
	bad("{\"a\":}", 5, "expected a value");
	bad("{,}", 1, "expected a string key");
	bad("{:1}", 1, "expected a string key");
	/* Keys must be strings in double quotes. */
	bad("{1:2}", 1, "expected a string key");
	bad("{a:1}", 1, "expected a string key");
	bad("{'a':1}", 1, "expected a string key");
	bad("{null:1}", 1, "expected a string key");
	/* Mismatched brackets. */
	bad("[}", 1, NULL);
	bad("{]", 1, NULL);
	bad("[1}", 2, NULL);
	bad("{\"a\":1]", 6, NULL);
	bad("]", 0, "expected a value");
	bad("}", 0, "expected a value");
	bad(":", 0, NULL);
	bad(",", 0, NULL);
}

static void
test_duplicate_keys(void **state)
{
	(void)state;
	/* The offset is the opening quote of the second occurrence. */
	bad("{\"a\":1,\"a\":2}", 7, "duplicate key");
	bad("{\"a\":1,\"b\":2,\"a\":3}", 13, "duplicate key");
	bad("{\"a\":1, \"a\":1}", 8, "duplicate key");
	bad("{\"\":1,\"\":2}", 6, "duplicate key");
	bad("{\"x\":{\"b\":1,\"b\":2}}", 12, "duplicate key");
	bad("[{},{\"k\":1,\"k\":1}]", 11, "duplicate key");
	/* Keys equal once their escapes are read are the same key. */
	bad("{\"a\":1,\"\\u0061\":2}", 7, "duplicate key");
	bad("{\"\xc3\xa9\":1,\"\\u00e9\":2}", 8, "duplicate key");
	bad("{\"a/b\":1,\"a\\/b\":2}", 9, "duplicate key");
}

static void
test_text_after_value(void **state)
{
	(void)state;
	bad("{} x", 3, "after the value");
	bad("{}{}", 2, "after the value");
	bad("[] ]", 3, "after the value");
	bad("{\"a\":1}}", 7, "after the value");
	bad("\"a\" \"b\"", 4, "after the value");
	bad("null,", 4, "after the value");
	bad("{}\n{}", 3, "after the value");
	/* A NUL byte after the value is text too. */
	bad_n("{}\0", 3, 2, "after the value");
	bad_n("1\0", 2, 1, "after the value");
	/* Only JSON whitespace may follow: not form feed, not NBSP. */
	bad("{}\f", 2, "after the value");
	bad("{}\xc2\xa0", 2, "after the value");
	bad("{}\v", 2, "after the value");
}

static void
test_empty_input(void **state)
{
	(void)state;
	bad("", 0, "end of input");
	bad("   ", 3, "end of input");
	bad("\n", 1, "end of input");
	bad(" \t\r\n", 4, "end of input");
	bad_n("\0", 1, 0, "expected a value");
	/* jn_parse with a zero length reads nothing, whatever the pointer. */
	{
		struct verr e;

		verr_clear(&e);
		assert_null(jn_parse("{}", 0, &A, &e));
		assert_int_equal(e.offset, 0);
	}
}

static void
test_unterminated_containers(void **state)
{
	(void)state;
	bad("{", 1, "expected a string key");
	bad("{ ", 2, NULL);
	bad("{\"a\"", 4, "expected ':'");
	bad("{\"a\":", 5, "end of input");
	bad("{\"a\":1", 6, "end of input");
	bad("{\"a\":1,", 7, "expected a string key");
	bad("{\"a\":{\"b\":[1,2]}", 16, "end of input");
	bad("[", 1, "end of input");
	bad("[1", 2, "end of input");
	bad("[1,", 3, "end of input");
	bad("[[[]]", 5, "end of input");
	bad("[{\"a\":[", 7, "end of input");
	bad("[true", 5, "end of input");
	bad("[tr", 1, "expected a value");
}

/* "[" * n + "]" * n, or the same with objects {"a": ... }. */
static char *
nest(int n, int objects)
{
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < n; i++)
		assert_int_equal(buf_adds(&b, objects ? "{\"a\":" : "["), 0);
	assert_int_equal(buf_adds(&b, "0"), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_addc(&b, objects ? '}' : ']'), 0);
	return buf_take(&b, NULL);
}

static void
test_depth_limit(void **state)
{
	char *s;
	jnode *v;
	int i;

	(void)state;
	/* JN_MAX_DEPTH containers are fine, one more is refused at its '['. */
	s = nest(JN_MAX_DEPTH, 0);
	v = ok(s);
	for (i = 0; i < JN_MAX_DEPTH; i++) {
		assert_true(jn_is_array(v));
		v = &v->kids[0];
	}
	assert_true(v->is_int && v->i == 0);
	free(s);
	s = nest(JN_MAX_DEPTH + 1, 0);
	bad(s, JN_MAX_DEPTH, "nested too deeply");
	free(s);
	/* The same with objects: the 33rd '{' is at byte 5 * 32. */
	s = nest(JN_MAX_DEPTH, 1);
	assert_non_null(ok(s));
	free(s);
	s = nest(JN_MAX_DEPTH + 1, 1);
	bad(s, 5 * JN_MAX_DEPTH, "nested too deeply");
	free(s);
	/* Very deep input is refused without trouble (no deep recursion). */
	s = nest(100000, 0);
	bad(s, JN_MAX_DEPTH, "nested too deeply");
	free(s);
	/* Depth is of open containers, not of containers seen: siblings. */
	{
		struct buf b = BUF_INIT;

		assert_int_equal(buf_addc(&b, '['), 0);
		for (i = 0; i < 3; i++) {
			s = nest(JN_MAX_DEPTH - 1, i & 1);
			assert_int_equal(buf_printf(&b, "%s%s", i ? "," : "", s), 0);
			free(s);
		}
		assert_int_equal(buf_addc(&b, ']'), 0);
		assert_non_null(ok_n(b.p, b.len));
		buf_free(&b);
	}
}

static void
test_tree_outlives_input(void **state)
{
	char *copy = strdup("{\"name\":\"Ana\",\"k\":[\"x\\ny\"]}");
	struct verr e;
	jnode *v;

	(void)state;
	assert_non_null(copy);
	v = jn_parse(copy, strlen(copy), &A, &e);
	assert_non_null(v);
	memset(copy, 'X', strlen(copy));
	free(copy);
	/* Strings and keys are copies in the arena, not pointers into text. */
	assert_string_equal(jn_get(v, "name")->str, "Ana");
	assert_string_equal(jn_get(v, "k")->kids[0].str, "x\ny");
	assert_string_equal(v->kids[1].key, "k");
}

static void
test_parse_without_nul(void **state)
{
	static const char text[] = "{\"a\":12}{garbage";
	jnode *v;

	(void)state;
	/* The length bounds the text: the reader stops at 8 bytes. */
	v = ok_n(text, 8);
	assert_int_equal(jn_get(v, "a")->i, 12);
	/* A number cut by the length ends there. */
	v = ok_n("12345", 3);
	assert_int_equal(v->i, 123);
	v = ok_n("truex", 4);
	assert_true(jn_is_true(v));
	bad_n("\"abc\"", 4, 4, "unterminated");
}

/* ----------------------------------------------------------------------
 * Fuzz-ish: a real import line, cut and damaged
 * ---------------------------------------------------------------------- */


/* A line with escapes, raw UTF-8, a surrogate pair and every number form. */
static const char line2[] =
	"{\"type\":\"therapist\",\"name\":\"Zo\\u00eb \\\"Z\\\" O\\u2019Brien \xc3\xa9\xf0\x9f\x98\x80\\uD83D\\uDE00\","
	" \"n\":[0,-0,12,-3.5,1e3,2.5E-2,-0.0],\"t\":true,\"f\":false,\"z\":null,"
	"\"esc\":\"\\/\\\\\\b\\f\\n\\r\\t\",\"o\":{\"a\":[{},[]]}}";

/*
 * jansson's verdict on the same bytes, with chiron's rules switched on.
 * jansson takes a NUL byte for the end of its input (it accepts "[1]\0x"),
 * so texts with a NUL byte are compared with jn_parse's rules only.
 */
static bool
jansson_accepts(const char *s, size_t n)
{
	json_error_t err;
	json_t *j = json_loadb(s, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);

	if (!j)
		return false;
	json_decref(j);
	return true;
}

/* One fuzz case: no crash, an offset inside the input, jansson agrees. */
static void
fuzz_one(const char *s, size_t n, int *accepted)
{
	struct verr e;
	jnode *v = parse_n(s, n, &e);
	bool ref = jansson_accepts(s, n);

	if (v) {
		(*accepted)++;
		assert_true(v->type <= JN_OBJECT);
	} else if (e.offset < 0 || e.offset > (long)n) {
		fail_msg("offset %ld outside 0..%zu: %s", e.offset, n, e.msg);
	}
	if (!memchr(s, '\0', n) && ref != (v != NULL))
		fail_msg("jn_parse %s, jansson %s: %.*s (%s)", v ? "accepts" : "refuses",
		         ref ? "accepts" : "refuses", (int)n, s, v ? "" : e.msg);
	arena_reset(&A);
}

static void
fuzz_truncate(const char *line, size_t len)
{
	size_t n;
	int accepted = 0;

	/* Cut short, an object is never complete: only the whole line parses. */
	for (n = 0; n <= len; n++) {
		fuzz_one(line, n, &accepted);
		assert_int_equal(accepted, n == len);
	}
}

static void
fuzz_flip(const char *line, size_t len)
{
	static const unsigned char swaps[] = {
		0, 0x1f, ' ', '"', '\\', '{', '}', '[', ']', ',', ':',
		'0', '-', '.', 'e', 'u', 0x80, 0xc0, 0xed, 0xf4, 0xff,
	};
	char *m = malloc(len);
	size_t i, k;
	int bit, accepted = 0;

	assert_non_null(m);
	for (i = 0; i < len; i++) {
		memcpy(m, line, len);
		for (bit = 0; bit < 8; bit++) {
			m[i] = (char)(line[i] ^ (1 << bit));
			fuzz_one(m, len, &accepted);
		}
		for (k = 0; k < sizeof(swaps); k++) {
			unsigned char x = (unsigned char)line[i] ^ swaps[k];

			/* Skip the original byte and what a bit flip just tried. */
			if (!x || !(x & (x - 1)))
				continue;
			m[i] = (char)swaps[k];
			fuzz_one(m, len, &accepted);
		}
	}
	free(m);
	/* Some single-byte changes keep the line valid (inside strings). */
	assert_true(accepted > 0);
}

static void
test_fuzz_truncate_record(void **state)
{
	(void)state;
	assert_non_null(ok(DIR1));
	fuzz_truncate(DIR1, strlen(DIR1));
}

static void
test_fuzz_flip_record(void **state)
{
	(void)state;
	fuzz_flip(DIR1, strlen(DIR1));
}

static void
test_fuzz_escapes_line(void **state)
{
	jnode *v;

	(void)state;
	v = ok(line2);
	assert_string_equal(jn_get(v, "name")->str,
	                    "Zo\xc3\xab \"Z\" O\xe2\x80\x99" "Brien \xc3\xa9\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
	assert_string_equal(jn_get(v, "esc")->str, "/\\\b\f\n\r\t");
	assert_int_equal(jn_len(jn_get(v, "n")), 7);
	fuzz_truncate(line2, strlen(line2));
	fuzz_flip(line2, strlen(line2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_literals, reset),
		cmocka_unit_test_teardown(test_bad_literals, reset),
		cmocka_unit_test_teardown(test_integers, reset),
		cmocka_unit_test_teardown(test_non_integers, reset),
		cmocka_unit_test_teardown(test_bad_numbers, reset),
		cmocka_unit_test_teardown(test_number_too_long, reset),
		cmocka_unit_test_teardown(test_strings_plain, reset),
		cmocka_unit_test_teardown(test_strings_escapes, reset),
		cmocka_unit_test_teardown(test_strings_surrogate_pairs, reset),
		cmocka_unit_test_teardown(test_strings_bad_unicode_escapes, reset),
		cmocka_unit_test_teardown(test_strings_bad_escapes, reset),
		cmocka_unit_test_teardown(test_strings_control_characters, reset),
		cmocka_unit_test_teardown(test_strings_invalid_utf8, reset),
		cmocka_unit_test_teardown(test_strings_unterminated, reset),
		cmocka_unit_test_teardown(test_empty_containers, reset),
		cmocka_unit_test_teardown(test_array_of_every_type, reset),
		cmocka_unit_test_teardown(test_object_members, reset),
		cmocka_unit_test_teardown(test_nested, reset),
		cmocka_unit_test_teardown(test_same_key_in_different_objects, reset),
		cmocka_unit_test_teardown(test_large_containers, reset),
		cmocka_unit_test_teardown(test_bad_structure, reset),
		cmocka_unit_test_teardown(test_duplicate_keys, reset),
		cmocka_unit_test_teardown(test_text_after_value, reset),
		cmocka_unit_test_teardown(test_empty_input, reset),
		cmocka_unit_test_teardown(test_unterminated_containers, reset),
		cmocka_unit_test_teardown(test_depth_limit, reset),
		cmocka_unit_test_teardown(test_tree_outlives_input, reset),
		cmocka_unit_test_teardown(test_parse_without_nul, reset),
		cmocka_unit_test_teardown(test_fuzz_truncate_record, reset),
		cmocka_unit_test_teardown(test_fuzz_flip_record, reset),
		cmocka_unit_test_teardown(test_fuzz_escapes_line, reset),
	};

	return cmocka_run_group_tests_name("json", tests, group_setup, group_teardown);
}
