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

#endif
