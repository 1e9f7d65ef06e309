/*
 * test_jw.c: the JSON writer (core/jw.h).
 *
 * What is checked: the commas between members and elements at every
 * depth; every kind of value, keyed and bare; the shape refused (a key
 * outside an object, a value without its key, a key without its value,
 * closing the wrong container, two values at the top, too deep, an
 * unfinished value) and the error kept: after the first failure nothing
 * more is written and jw_end() answers -1; a buffer that cannot grow;
 * escaping byte for byte as buf_json_str(); and what is written reads
 * back the same through the project's reader (core/json.h).
 */
#include "testlib.h"

#include <math.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/jw.h"

/* Asserts that w ended well and b holds exactly want; frees b. */
static void
expect(struct jw *w, struct buf *b, const char *want)
{
	assert_int_equal(jw_end(w), 0);
	assert_int_equal(w->err, JW_OK);
	assert_non_null(b->p);
	assert_string_equal(b->p, want);
	assert_int_equal(b->len, strlen(want));
	buf_free(b);
}

static void
test_empty_containers(void **state)
{
	struct buf b = BUF_INIT;
	struct jw w;

	(void)state;
	jw_init(&w, &b);
	jw_obj_open(&w);
	jw_obj_close(&w);
	expect(&w, &b, "{}");
	jw_init(&w, &b);
	jw_arr_open(&w);
	jw_arr_close(&w);
	expect(&w, &b, "[]");
}

static void
test_commas_in_object(void **state)
{
	struct buf b = BUF_INIT;
	struct jw w;

	(void)state;
	jw_init(&w, &b);
	jw_obj_open(&w);
	jw_kstr(&w, "a", "x");
	jw_kint(&w, "b", 2);
	jw_kbool(&w, "c", true);
	jw_knull(&w, "d");
	jw_obj_close(&w);
	expect(&w, &b, "{\"a\":\"x\",\"b\":2,\"c\":true,\"d\":null}");
}

static void
test_commas_in_arrays_and_nesting(void **state)
{
	struct buf b = BUF_INIT;
	struct jw w;
	int i;

	(void)state;
	jw_init(&w, &b);
	jw_arr_open(&w);
	for (i = 0; i < 3; i++) {
		jw_obj_open(&w);
		jw_kint(&w, "i", i);
		jw_karr_open(&w, "e");
		jw_arr_close(&w);
		jw_kobj_open(&w, "o");
		jw_obj_close(&w);
		jw_obj_close(&w);
	}
	jw_arr_open(&w);
	jw_int(&w, 1);
	jw_arr_open(&w);
	jw_arr_close(&w);
	jw_int(&w, 2);
	jw_arr_close(&w);
	jw_arr_close(&w);
	expect(&w, &b, "[{\"i\":0,\"e\":[],\"o\":{}},{\"i\":1,\"e\":[],\"o\":{}},"
	               "{\"i\":2,\"e\":[],\"o\":{}},[1,[],2]]");
}

static void
test_scalars_at_top(void **state)
{
	struct buf b = BUF_INIT;
	struct jw w;

	(void)state;
	jw_init(&w, &b);
	jw_int(&w, INT64_MIN);
	expect(&w, &b, "-9223372036854775808");
	jw_init(&w, &b);
	jw_int(&w, INT64_MAX);
	expect(&w, &b, "9223372036854775807");
	jw_init(&w, &b);
	jw_bool(&w, false);
	expect(&w, &b, "false");
	jw_init(&w, &b);
	jw_null(&w);
	expect(&w, &b, "null");
	jw_init(&w, &b);
	jw_str(&w, "");
	expect(&w, &b, "\"\"");
	jw_init(&w, &b);
	jw_strn(&w, "abcdef", 3);
	expect(&w, &b, "\"abc\"");
	jw_init(&w, &b);
	jw_strf(&w, "%04d-%02u", 7, 3u);
	expect(&w, &b, "\"0007-03\"");
}

static void
test_numbers(void **state)
{
	static const double v[] = {0, 1, -1.5, 0.1, 1e300, -2.5e-300, 40.7128, -74.006,
	                           1.0 / 3, 123456789012345678.0};
	static const char *const want[] = {"0", "1", "-1.5", "0.1", "1e+300", "-2.5e-300",
	                                   "40.7128", "-74.006", NULL, NULL};
	struct buf b = BUF_INIT;
	struct jw w;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		jw_init(&w, &b);
		jw_num(&w, v[i]);
		assert_int_equal(jw_end(&w), 0);
		if (want[i])
			assert_string_equal(b.p, want[i]);
		assert_true(strtod(b.p, NULL) == v[i]);
		buf_free(&b);
	}
	/* JSON has no NaN nor infinity. */
	jw_init(&w, &b);
	assert_int_equal(jw_num(&w, NAN), -1);
	assert_int_equal(w.err, JW_EMISUSE);
	assert_int_equal(jw_end(&w), -1);
	jw_init(&w, &b);
	jw_arr_open(&w);
	jw_num(&w, INFINITY);
	jw_arr_close(&w);
	assert_int_equal(jw_end(&w), -1);
	buf_free(&b);
}

static void
test_time(void **state)
{
	struct buf b = BUF_INIT;
	struct jw w;

	(void)state;
	jw_init(&w, &b);
	jw_obj_open(&w);
	jw_ktime(&w, "at", 1796148000);         /* 2026-12-01T18:00:00Z */
	jw_ktime(&w, "never", 0);
	jw_ktime(&w, "before", -86400);
	jw_obj_close(&w);
	expect(&w, &b, "{\"at\":\"2026-12-01T18:00:00Z\",\"never\":null,"
	               "\"before\":\"1969-12-31T00:00:00Z\"}");
}

static void
test_str_or_null(void **state)
{
	struct buf b = BUF_INIT;
	struct jw w;

	(void)state;
	jw_init(&w, &b);
	jw_obj_open(&w);
	jw_kstr_or_null(&w, "a", "x");
	jw_kstr_or_null(&w, "b", "");
	jw_kstr_or_null(&w, "c", NULL);
	jw_kstrf(&w, "d", "%d:%02d", 9, 5);
	jw_obj_close(&w);
	expect(&w, &b, "{\"a\":\"x\",\"b\":null,\"c\":null,\"d\":\"9:05\"}");
}

/* Runs one misuse after a good start and checks it is refused and kept. */
static void
misuse(void (*bad)(struct jw *), const char *written)
{
	struct buf b = BUF_INIT;
	struct jw w;

	jw_init(&w, &b);
	bad(&w);
	assert_int_equal(w.err, JW_EMISUSE);
	/* Sticky: nothing more is written, every call answers -1. */
	assert_int_equal(jw_kstr(&w, "later", "x"), -1);
	assert_int_equal(jw_str(&w, "x"), -1);
	assert_int_equal(jw_obj_close(&w), -1);
	assert_int_equal(jw_arr_close(&w), -1);
	assert_int_equal(jw_end(&w), -1);
	assert_int_equal(w.err, JW_EMISUSE);
	assert_string_equal(b.p ? b.p : "", written);
	buf_free(&b);
}

static void key_at_top(struct jw *w) { jw_key(w, "k"); }
static void key_in_array(struct jw *w) { jw_arr_open(w); jw_key(w, "k"); }
static void value_without_key(struct jw *w) { jw_obj_open(w); jw_int(w, 1); }
static void key_after_key(struct jw *w) { jw_obj_open(w); jw_key(w, "a"); jw_key(w, "b"); }
static void close_after_key(struct jw *w) { jw_obj_open(w); jw_key(w, "a"); jw_obj_close(w); }
static void wrong_close(struct jw *w) { jw_obj_open(w); jw_arr_close(w); }
static void close_at_top(struct jw *w) { jw_obj_close(w); }
static void two_values(struct jw *w) { jw_int(w, 1); jw_int(w, 2); }
static void null_string(struct jw *w) { jw_arr_open(w); jw_str(w, NULL); }
static void null_key(struct jw *w) { jw_obj_open(w); jw_key(w, NULL); }

static void
test_misuse_caught(void **state)
{
	(void)state;
	misuse(key_at_top, "");
	misuse(key_in_array, "[");
	misuse(value_without_key, "{");
	misuse(key_after_key, "{\"a\":");
	misuse(close_after_key, "{\"a\":");
	misuse(wrong_close, "{");
	misuse(close_at_top, "");
	misuse(two_values, "1");
	misuse(null_string, "[");
	misuse(null_key, "{");
}

static void
test_unfinished_value(void **state)
{
	struct buf b = BUF_INIT;
	struct jw w;

	(void)state;
	jw_init(&w, &b);
	assert_int_equal(jw_end(&w), -1);       /* nothing written */
	jw_init(&w, &b);
	jw_obj_open(&w);
	jw_karr_open(&w, "a");
	assert_int_equal(w.err, JW_OK);
	assert_int_equal(jw_end(&w), -1);       /* still open */
	assert_int_equal(w.err, JW_EMISUSE);
	buf_free(&b);
}

static void
test_depth_limit(void **state)
{
	struct buf b = BUF_INIT;
	struct jw w;
	int i;

	(void)state;
	jw_init(&w, &b);
	for (i = 0; i < JW_MAX_DEPTH; i++)
		assert_int_equal(jw_arr_open(&w), 0);
	for (i = 0; i < JW_MAX_DEPTH; i++)
		assert_int_equal(jw_arr_close(&w), 0);
	assert_int_equal(jw_end(&w), 0);
	buf_free(&b);
	jw_init(&w, &b);
	for (i = 0; i < JW_MAX_DEPTH; i++)
		jw_obj_open(&w), jw_key(&w, "k");
	assert_int_equal(w.err, JW_OK);
	assert_int_equal(jw_arr_open(&w), -1);
	assert_int_equal(w.err, JW_EMISUSE);
	assert_int_equal(jw_end(&w), -1);
	buf_free(&b);
}

static void
test_sticky_out_of_memory(void **state)
{
	struct buf b;
	struct jw w;

	(void)state;
	buf_init(&b, 16);                       /* the cap stands in for memory running out */
	jw_init(&w, &b);
	jw_obj_open(&w);
	jw_kstr(&w, "name", "short");
	assert_int_equal(w.err, JW_OK);
	assert_int_equal(jw_kstr(&w, "more", "this no longer fits"), -1);
	assert_int_equal(w.err, JW_ENOMEM);
	assert_null(b.p);                       /* the buffer freed itself */
	/* Later calls write nothing, even what would fit. */
	assert_int_equal(jw_obj_close(&w), -1);
	assert_int_equal(jw_int(&w, 1), -1);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(jw_end(&w), -1);
	assert_int_equal(w.err, JW_ENOMEM);
}

static void
test_escaping_as_buf_json_str(void **state)
{
	char s[256];
	struct buf b = BUF_INIT, ref = BUF_INIT;
	struct jw w;
	int i;

	(void)state;
	for (i = 0; i < 255; i++)
		s[i] = (char)(i + 1);
	s[255] = '\0';
	jw_init(&w, &b);
	jw_obj_open(&w);
	jw_kstr(&w, s, s);
	jw_obj_close(&w);
	assert_int_equal(jw_end(&w), 0);
	assert_int_equal(buf_addc(&ref, '{'), 0);
	assert_int_equal(buf_json_strz(&ref, s), 0);
	assert_int_equal(buf_addc(&ref, ':'), 0);
	assert_int_equal(buf_json_strz(&ref, s), 0);
	assert_int_equal(buf_addc(&ref, '}'), 0);
	assert_int_equal(b.len, ref.len);
	assert_memory_equal(b.p, ref.p, b.len);
	buf_free(&ref);
	buf_free(&b);
	jw_init(&w, &b);
	jw_str(&w, "q\"b\\n\nt\tc\x01 </script> é");
	expect(&w, &b, "\"q\\\"b\\\\n\\nt\\tc\\u0001 </script> é\"");
	/* A NUL inside a counted string is written as \u0000. */
	jw_init(&w, &b);
	jw_strn(&w, "a\0b", 3);
	expect(&w, &b, "\"a\\u0000b\"");
}

static void
test_round_trip(void **state)
{
	struct buf b = BUF_INIT;
	struct verr e;
	struct jw w;
	jnode *v, *x;
	const char *nasty = "line\none \"quoted\" \\ tab\t ✓ \x1f";

	(void)state;
	jw_init(&w, &b);
	jw_obj_open(&w);
	jw_kstr(&w, "s", nasty);
	jw_kint(&w, "i", -42);
	jw_knum(&w, "n", 0.1);
	jw_kbool(&w, "t", true);
	jw_knull(&w, "z");
	jw_ktime(&w, "at", 1796148000);
	jw_karr_open(&w, "a");
	jw_int(&w, 1);
	jw_str(&w, "two");
	jw_obj_open(&w);
	jw_kstr(&w, nasty, "key escaped too");
	jw_obj_close(&w);
	jw_arr_close(&w);
	jw_obj_close(&w);
	assert_int_equal(jw_end(&w), 0);

	verr_clear(&e);
	v = jn_parse(b.p, b.len, &A, &e);
	assert_non_null(v);
	assert_true(jn_is_object(v));
	assert_int_equal(jn_len(v), 7);
	assert_string_equal(jn_get(v, "s")->str, nasty);
	assert_true(jn_get(v, "i")->is_int);
	assert_int_equal(jn_get(v, "i")->i, -42);
	assert_true(jn_get(v, "n")->num == 0.1);
	assert_true(jn_is_true(jn_get(v, "t")));
	assert_true(jn_is_null(jn_get(v, "z")));
	assert_string_equal(jn_get(v, "at")->str, "2026-12-01T18:00:00Z");
	x = jn_get(v, "a");
	assert_true(jn_is_array(x));
	assert_int_equal(jn_len(x), 3);
	assert_int_equal(x->kids[0].i, 1);
	assert_string_equal(x->kids[1].str, "two");
	assert_string_equal(jn_get(&x->kids[2], nasty)->str, "key escaped too");
	buf_free(&b);
	arena_reset(&A);
}

static void
test_appends_after_existing_text(void **state)
{
	struct buf b = BUF_INIT;
	struct jw w;

	(void)state;
	assert_int_equal(buf_adds(&b, "x="), 0);
	jw_init(&w, &b);
	jw_arr_open(&w);
	jw_arr_close(&w);
	expect(&w, &b, "x=[]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_containers),
		cmocka_unit_test(test_commas_in_object),
		cmocka_unit_test(test_commas_in_arrays_and_nesting),
		cmocka_unit_test(test_scalars_at_top),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_str_or_null),
		cmocka_unit_test(test_misuse_caught),
		cmocka_unit_test(test_unfinished_value),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_sticky_out_of_memory),
		cmocka_unit_test(test_escaping_as_buf_json_str),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_appends_after_existing_text),
	};

	return cmocka_run_group_tests_name("jw", tests, group_setup, group_teardown);
}
