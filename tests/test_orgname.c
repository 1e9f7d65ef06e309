/*
 * test_orgname.c: organization names as people type them (core/orgname.c):
 * the normalizer (case, punctuation, abbreviations, "&", a leading "The",
 * letters in a row), initials, and how a typed name fits a registry:
 * exact even when longer names contain it, whole names by initials
 * ("UW", "Seattle VA Medical Center"), prefixes asking which, and the
 * loose fit kept for the organizations listings declared.
 */
#include "testlib.h"

#include <stdio.h>

#include "core/orgname.h"

static const char *
norm(const char *s)
{
	static char out[ORGNAME_MAX];

	orgname_norm(s, strlen(s), out);
	return out;
}

static void
normalizer(void **state)
{
	char out[ORGNAME_MAX];

	(void)state;
	assert_string_equal(norm("Seattle VA Medical Center"), "seattle va medical center");
	assert_string_equal(norm("  SEATTLE  va   Med. Ctr. "), "seattle va medical center");
	assert_string_equal(norm("St. Mary's"), "saint marys");
	assert_string_equal(norm("Saint Marys"), "saint marys");
	assert_string_equal(norm("St Mary\xe2\x80\x99s Hosp."), "saint marys hospital");
	assert_string_equal(norm("Univ. of Washington"), "university of washington");
	assert_string_equal(norm("Dept. of Psychiatry"), "department of psychiatry");
	assert_string_equal(norm("Washington State Psych. Assn."), "washington state psychological association");
	assert_string_equal(norm("Amer. Assoc."), "amer association");
	assert_string_equal(norm("Beck Inst."), "beck institute");
	assert_string_equal(norm("Johnson & Community Mental Health"), "johnson and community mental health");
	assert_string_equal(norm("Johnson&Community"), "johnson and community");
	assert_string_equal(norm("The Counseling Center"), "counseling center");
	assert_string_equal(norm("the the Center"), "center");
	assert_string_equal(norm("The"), "the");
	assert_string_equal(norm("U.W. Medicine"), "uw medicine");
	assert_string_equal(norm("U W Medicine"), "uw medicine");
	assert_string_equal(norm("UW-Medicine"), "uw medicine");
	assert_string_equal(norm("Kaiser (Northwest), Inc."), "kaiser northwest incorporated");
	assert_string_equal(norm("Centre for Health"), "center for health");
	assert_string_equal(norm("Caf\xc3\xa9 Clinic"), "caf\xc3\xa9 clinic");
	assert_string_equal(norm(""), "");
	assert_string_equal(norm("...!!!"), "");
	/* The length bounds the bytes read; a NUL ends the name. */
	assert_int_equal(orgname_norm("Seattle Center", 7, out), 7);
	assert_string_equal(out, "seattle");
	assert_int_equal(orgname_norm("UW\0Medicine", 11, out), 2);
	/* A long name is cut to fit. */
	{
		char big[2000];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_true(orgname_norm(big, strlen(big), out) < ORGNAME_MAX);
		for (int i = 0; i < 1998; i += 2)
			big[i] = 'y', big[i + 1] = ' ';
		assert_true(orgname_norm(big, strlen(big), out) < ORGNAME_MAX);
	}
}

static void
initials(void **state)
{
	char out[ORGNAME_MAX];

	(void)state;
	assert_int_equal(orgname_initials("university of washington", out), 2);
	assert_string_equal(out, "uw");
	assert_int_equal(orgname_initials("veterans affairs medical center", out), 4);
	assert_string_equal(out, "vamc");
	assert_int_equal(orgname_initials("", out), 0);
}

/* The registry of these tests: organization number i is names[i]. */
static const char *const names[] = {
	/* 0 */ "Seattle VA Medical Center",
	/* 1 */ "Seattle VA Medical Center Annex",
	/* 2 */ "University of Washington",
	/* 3 */ "University of Wisconsin",
	/* 4 */ "St. Mary's Hospital",
	/* 5 */ "Veterans Affairs Puget Sound Health Care System",
	/* 6 */ "Seattle Veterans Affairs Medical Center",
	/* 7 */ "Washington State Psychological Association",
	/* 8 */ "UW Medicine",
	/* 9 */ "Chicago Veterans Affairs Clinic",
	/* 10 */ "Columbus Veterans Affairs Clinic",
	/* 11 */ NULL,
	/* 12 */ "Beck Institute for Cognitive Behavior Therapy",
};
#define N_NAMES 13

static struct orgname_index *
registry(void)
{
	struct orgname_index *x = orgname_index_build(names, N_NAMES);

	assert_non_null(x);
	return x;
}

/* Declared by a listing: the Chicago clinic and the Beck Institute only. */
static int
declared(void *arg, uint32_t org)
{
	(void)arg;
	return org == 9 || org == 12;
}

static int
find(const struct orgname_index *x, const char *typed, uint32_t *out, int max, enum orgname_fit *fit)
{
	return orgname_find(x, typed, strlen(typed), declared, NULL, out, max, fit);
}

static void
fits(void **state)
{
	struct orgname_index *x = registry();
	enum orgname_fit fit;
	uint32_t out[8];
	int n;

	(void)state;
	/* Exact, though "... Annex" contains it. */
	assert_int_equal(find(x, "Seattle VA Medical Center", out, 8, &fit), 1);
	assert_int_equal(fit, ORGNAME_EXACT);
	assert_int_equal(out[0], 0);
	assert_int_equal(find(x, "seattle va med. ctr.", out, 8, &fit), 1);
	assert_int_equal(fit, ORGNAME_EXACT);
	/* St. Mary's and Saint Marys. */
	assert_int_equal(find(x, "Saint Marys Hospital", out, 8, &fit), 1);
	assert_int_equal(fit, ORGNAME_EXACT);
	assert_int_equal(out[0], 4);
	assert_int_equal(find(x, "St Marys Hosp", out, 8, &fit), 1);
	assert_int_equal(out[0], 4);
	assert_int_equal(find(x, "Univ. of Washington", out, 8, &fit), 1);
	assert_int_equal(fit, ORGNAME_EXACT);
	assert_int_equal(out[0], 2);
	/* Initials of a whole name: two universities are "UW"; but an
	 * organization called "UW Medicine" is no "UW". */
	n = find(x, "UW", out, 8, &fit);
	assert_int_equal(fit, ORGNAME_WHOLE);
	assert_int_equal(n, 2);
	assert_true((out[0] == 2 && out[1] == 3) || (out[0] == 3 && out[1] == 2));
	/* "Seattle VA Medical Center" is also Seattle Veterans Affairs Medical
	 * Center, but the exact name wins; with "V.A." spelled out, the
	 * initials fit whole. */
	assert_int_equal(find(x, "Seattle Veterans Affairs Med Center", out, 8, &fit), 1);
	assert_int_equal(fit, ORGNAME_EXACT);
	assert_int_equal(out[0], 6);
	assert_int_equal(find(x, "University Washington", out, 8, &fit), 1);
	assert_int_equal(fit, ORGNAME_WHOLE);
	assert_int_equal(out[0], 2);
	/* A prefix of several: ask which, the shortest first. */
	n = find(x, "Seattle VA", out, 8, &fit);
	assert_int_equal(fit, ORGNAME_PREFIX);
	assert_int_equal(n, 3);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 1);            /* as many words: the shorter first */
	assert_int_equal(out[2], 6);
	n = find(x, "Seattle VA", out, 2, &fit);
	assert_int_equal(n, 3);                 /* how many fit; two written */
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 1);
	n = find(x, "The University", out, 8, &fit);
	assert_int_equal(fit, ORGNAME_PREFIX);
	assert_int_equal(n, 2);
	/* Loose: every word somewhere in a declared organization's name. */
	n = find(x, "Veterans Affairs Clinic", out, 8, &fit);
	assert_int_equal(fit, ORGNAME_LOOSE);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 9);            /* Columbus is declared by nobody */
	n = find(x, "VA Clinic Chicago", out, 8, &fit);
	assert_int_equal(fit, ORGNAME_LOOSE);
	assert_int_equal(out[0], 9);
	n = find(x, "Cognitive Behavior Therapy", out, 8, &fit);
	assert_int_equal(fit, ORGNAME_LOOSE);
	assert_int_equal(out[0], 12);
	/* One word is too little to fit loosely, unless it is initials. */
	assert_int_equal(find(x, "Cognitive", out, 8, &fit), 0);
	assert_int_equal(fit, ORGNAME_NONE);
	assert_int_equal(find(x, "CBT", out, 8, &fit), 1);
	assert_int_equal(fit, ORGNAME_LOOSE);
	assert_int_equal(out[0], 12);
	/* Nothing. */
	assert_int_equal(find(x, "Mayo Clinic", out, 8, &fit), 0);
	assert_int_equal(fit, ORGNAME_NONE);
	assert_int_equal(find(x, "", out, 8, &fit), 0);
	assert_int_equal(find(x, "of the", out, 8, &fit), 0);
	assert_int_equal(find(x, "\xff\xfe\x01", out, 8, &fit), 0);
	assert_int_equal(orgname_find(x, "Seattle", 7, NULL, NULL, out, 0, &fit), 3);
	/* An organization left out has no name. */
	assert_string_equal(orgname_of(x, 11), "");
	assert_string_equal(orgname_of(x, 2), "university of washington");
	assert_string_equal(orgname_of(x, 99), "");
	orgname_index_free(x);
}

static void
empty_registry(void **state)
{
	struct orgname_index *x = orgname_index_build(NULL, 0);
	enum orgname_fit fit;
	uint32_t out[2];

	(void)state;
	assert_non_null(x);
	assert_int_equal(orgname_find(x, "UW", 2, declared, NULL, out, 2, &fit), 0);
	assert_int_equal(fit, ORGNAME_NONE);
	orgname_index_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalizer),
		cmocka_unit_test(initials),
		cmocka_unit_test(fits),
		cmocka_unit_test(empty_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
