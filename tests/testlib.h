/*
 * testlib.h: what the cmocka suites share: the built-in taxonomy, and a
 * small builder of JSON lines for records and queries.
 */
#ifndef CHIRON_TESTLIB_H
#define CHIRON_TESTLIB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/taxonomy.h"

static inline const struct taxonomy *
test_taxonomy(void)
{
	static struct taxonomy *tax;
	struct verr e;

	if (!tax && tax_load(&tax, chiron_taxonomy_json, chiron_taxonomy_json_len, &e))
		fail_msg("taxonomy: %s: %s", e.field, e.msg);
	return tax;
}

/*
 * One arena per suite for what a test parses: made in the group setup,
 * emptied before each test, freed in the group teardown.
 */
static struct arena A __attribute__((unused));

static inline int
group_setup(void **state)
{
	(void)state;
	arena_init(&A, 0);
	return test_taxonomy() ? 0 : -1;
}

static inline int
group_teardown(void **state)
{
	(void)state;
	arena_free(&A);
	return 0;
}

static inline int
reset(void **state)
{
	(void)state;
	arena_reset(&A);
	return 0;
}

#endif
