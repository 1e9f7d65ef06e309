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
		cmocka_unit_test(test_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
