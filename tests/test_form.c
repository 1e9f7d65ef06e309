/*
 * test_form.c: urlencoded text (core/form.h), the one decoder the forms,
 * the saved profiles and the organization merge share.
 */
#include "testlib.h"

#include "core/form.h"

static void
test_decode(void **state)
{
	char out[32], in[] = "a+b%20c%2Fd%zz%4";
	size_t n;

	(void)state;
	n = form_decode("a+b%20c%2Fd", 11, out, sizeof(out));
	assert_string_equal(out, "a b c/d");
	assert_int_equal(n, 7);
	/* Not two hex digits after %: kept as it is. */
	form_decode("%zz%4", 5, out, sizeof(out));
	assert_string_equal(out, "%zz%4");
	/* In place, and cut at the buffer. */
	form_decode(in, strlen(in), in, sizeof(in));
	assert_string_equal(in, "a b c/d%zz%4");
	form_decode("abcdef", 6, out, 4);
	assert_string_equal(out, "abc");
}

/* Each way a decoded text can fail to be UTF-8 chiron can store, and NUL. */
static void
test_decode_refuses_bad_text(void **state)
{
	static const struct { const char *in; enum utf8_err e; } bad[] = {
		{"Zz%FF%FEOrg", UTF8_BAD},      /* bytes UTF-8 never has */
		{"a%C0%AFb", UTF8_BAD},         /* overlong '/' */
		{"%E0%80%AF", UTF8_BAD},        /* overlong, three bytes */
		{"%F0%80%80%AF", UTF8_BAD},     /* overlong, four bytes */
		{"%ED%A0%80", UTF8_BAD},        /* a surrogate, U+D800 */
		{"%ED%BF%BF", UTF8_BAD},        /* a surrogate, U+DFFF */
		{"%F4%90%80%80", UTF8_BAD},     /* past U+10FFFF */
		{"%F5%80%80%80", UTF8_BAD},
		{"ab%C3", UTF8_BAD},            /* cut short at the end */
		{"%E2%82x", UTF8_BAD},          /* cut short in the middle */
		{"%80abc", UTF8_BAD},           /* a lone continuation byte */
		{"name%00rest", UTF8_NUL},      /* NUL: would cut the text */
		{"%00", UTF8_NUL},
	};
	char out[64];
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = 99;
		assert_int_equal(form_decode_text(bad[i].in, strlen(bad[i].in), out, sizeof(out), &len),
		                 bad[i].e);
		assert_string_equal(out, "");
		assert_int_equal(len, 0);
		assert_int_equal(form_decode(bad[i].in, strlen(bad[i].in), out, sizeof(out)), 0);
	}
	assert_int_equal(form_value("a=1&name=Zz%FF%FEOrg", "name", out, sizeof(out)), -1);
	assert_string_equal(out, "");
}

static void
test_decode_keeps_good_text(void **state)
{
	char out[64], small[6];
	size_t len;

	(void)state;
	/* "Zürich Ψ Clinic 🙂", the largest code point, and the edges of the ranges. */
	assert_int_equal(form_decode_text("Z%C3%BCrich+%CE%A8+Clinic+%F0%9F%99%82", 38, out,
	                                  sizeof(out), &len), UTF8_OK);
	assert_string_equal(out, "Zürich Ψ Clinic 🙂");
	assert_int_equal(len, strlen("Zürich Ψ Clinic 🙂"));
	assert_int_equal(form_decode_text("%F4%8F%BF%BF%EF%BF%BF%ED%9F%BF%C2%80", 36, out,
	                                  sizeof(out), &len), UTF8_OK);
	assert_int_equal(len, 4 + 3 + 3 + 2);
	/* Raw (not %-encoded) UTF-8 passes too. */
	assert_int_equal(form_decode_text("Zürich", strlen("Zürich"), out, sizeof(out), &len), UTF8_OK);
	assert_string_equal(out, "Zürich");
	/* Cut to a small buffer between characters, never inside one. */
	assert_int_equal(form_decode_text("abcd%C3%BC", 10, small, sizeof(small), &len), UTF8_OK);
	assert_string_equal(small, "abcd");
	assert_int_equal(form_decode_text("abc%C3%BC", 9, small, sizeof(small), &len), UTF8_OK);
	assert_string_equal(small, "abcü");
	assert_int_equal(form_decode_text("a%E2%82%ACb", 11, small, 4, &len), UTF8_OK);
	assert_string_equal(small, "a");
}

static void
test_utf8_check(void **state)
{
	(void)state;
	assert_int_equal(utf8_check("", 0), UTF8_OK);
	assert_int_equal(utf8_check("a\0b", 3), UTF8_NUL);
	assert_int_equal(utf8_check("\xc1\xbf", 2), UTF8_BAD);
	assert_int_equal(utf8_check("\xf0\x9f\x99", 3), UTF8_BAD);
	assert_int_equal(utf8_check("\xf0\x9f\x99\x82", 4), UTF8_OK);
	assert_int_equal(utf8_trim("ab\xf0\x9f\x99", 5), 2);
	assert_int_equal(utf8_trim("ab\xf0\x9f\x99\x82", 6), 6);
	assert_int_equal(utf8_trim("ab", 2), 2);
}

static void
test_value(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(form_value("timezone=America%2FNew_York&free_day1=tue", "timezone", out,
	                            sizeof(out)), 0);
	assert_string_equal(out, "America/New_York");
	assert_int_equal(form_value("free_day10=mon&free_day1=tue", "free_day1", out, sizeof(out)), 0);
	assert_string_equal(out, "tue");
	assert_int_equal(form_value("a=1&b=2", "c", out, sizeof(out)), -1);
	assert_string_equal(out, "");
	assert_int_equal(form_value("", "a", out, sizeof(out)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_refuses_bad_text),
		cmocka_unit_test(test_decode_keeps_good_text),
		cmocka_unit_test(test_utf8_check),
		cmocka_unit_test(test_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
