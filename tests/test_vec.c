/*
 * test_vec.c: the growable array of core/vec.h: elements kept in order
 * across growth, a typed array through VEC_PUSH, and sizes that would
 * overflow refused without touching the array.
 */
#include "testlib.h"

#include "core/vec.h"

struct pt {
	int x, y;
};

static void
test_push_keeps_order(void **state)
{
	struct vec v = VEC_INIT(struct pt);
	int i;

	(void)state;
	for (i = 0; i < 10000; i++) {
		struct pt *p = vec_push(&v);

		assert_non_null(p);
		p->x = i;
		p->y = -i;
	}
	assert_int_equal(v.n, 10000);
	assert_true(v.cap >= v.n);
	for (i = 0; i < 10000; i++) {
		assert_int_equal(((struct pt *)v.p)[i].x, i);
		assert_int_equal(((struct pt *)v.p)[i].y, -i);
	}
	vec_free(&v);
	assert_null(v.p);
	assert_int_equal(v.n, 0);
	assert_non_null(vec_push(&v));  /* usable again */
	vec_free(&v);
}

static void
test_typed(void **state)
{
	struct {
		double *p;
		size_t n, cap;
	} a = {NULL, 0, 0};
	size_t i;

	(void)state;
	for (i = 0; i < 100; i++) {
		double *d = VEC_PUSH(a.p, a.n, a.cap);

		assert_non_null(d);
		*d = (double)i / 2;
	}
	assert_int_equal(a.n, 100);
	assert_int_equal(a.cap, 128);   /* 16, doubled */
	for (i = 0; i < 100; i++)
		assert_true(a.p[i] == (double)i / 2);
	free(a.p);
}

static void
test_overflow_refused(void **state)
{
	struct vec v = VEC_INIT(struct pt);
	void *before;

	(void)state;
	assert_int_equal(vec_reserve(&v, 100), 0);
	before = v.p;
	/* Bytes past SIZE_MAX, and counts past what doubling reaches. */
	assert_int_equal(vec_reserve(&v, SIZE_MAX / sizeof(struct pt) + 1), -1);
	assert_int_equal(vec_reserve(&v, SIZE_MAX), -1);
	assert_ptr_equal(v.p, before);
	assert_int_equal(v.cap, 128);
	/* A full count pushes nothing. */
	v.n = v.cap;
	{
		size_t n = SIZE_MAX, cap = SIZE_MAX;
		char *p = NULL;

		assert_null(VEC_PUSH(p, n, cap));
		assert_int_equal(n, SIZE_MAX);
	}
	vec_free(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_keeps_order),
		cmocka_unit_test(test_typed),
		cmocka_unit_test(test_overflow_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
