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

#define TAX test_taxonomy()

/* The index of code c in list l; fails the test when there is none. */
static inline int
tax_index(enum tax_list l, const char *c)
{
	int k = tax_find(TAX, l, c);

	if (k < 0)
		fail_msg("%s is not in %s", c, tax_list_name(l));
	return k;
}

/* The mask bit of code c in list l. */
static inline uint64_t
tax_bit(enum tax_list l, const char *c)
{
	return (uint64_t)1 << tax_index(l, c);
}

/* The first therapist of the conformance directory (directory.jsonl). */
static const char DIR1[] __attribute__((unused)) =
	"{\"type\":\"therapist\",\"id\":\"t-0000001\",\"name\":\"Daniel Yazzie\",\"cre"
	"dentials\":\"LMFT\",\"profession\":\"mft\",\"npi\":\"2836031270\",\"licenses"
	"\":[\"US-MI\",\"US-NY\"],\"compacts\":[],\"office\":{\"lat\":42.30407,\"lon\""
	":-83.06554,\"jurisdiction\":\"US-MI\"},\"modalities\":[\"telehealth\",\"i"
	"n_person\"],\"formats\":[\"individual\"],\"accepting_new_clients\":fals"
	"e,\"fee\":{\"currency\":\"USD\",\"session\":140},\"orientations\":[\"person"
	"_centered\",\"dbt\"],\"focus_areas\":[\"burnout\",\"relationships\",\"trau"
	"ma\"],\"populations\":[\"lgbtq_affirming\",\"latinx\"],\"languages\":[\"en"
	"\"],\"career_stages\":[\"graduate_student\",\"early_career\"],\"clinicia"
	"n_clients\":true,\"timezone\":\"America/Detroit\",\"availability\":[],\""
	"affiliations\":[{\"org\":\"org-000509\",\"role\":\"member\",\"current\":fal"
	"se},{\"org\":\"org-000121\",\"role\":\"employer\",\"current\":false}]}";

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
