/*
 * fuzz_orgname.c: the normalizer of organization names (core/orgname.h)
 * that what a person types as an organization goes through, and the
 * registry index it is looked up in.
 *
 * The input: the bytes of a name (NULs included: the normalizer takes a
 * length). Promises checked: the normalized form fits ORGNAME_MAX, is
 * its own normal form (normalizing twice changes nothing), has no
 * leading, trailing or double spaces and no ASCII upper case or
 * punctuation; its initials are no longer than it; and looking the typed
 * bytes up in a small registry answers a fit with hits in bounds, and
 * in one that holds them (a name of 40 words at most, not all of them
 * "of", "the" and the like) finds the name itself among the exact ones.
 */
#include <ctype.h>
#include <string.h>

#include "fuzz.h"

#include "core/orgname.h"

static struct orgname_index *registry;
static const char *const names[] = {
	"Seattle VA Medical Center", "University of Washington", "St. Mary's Hospital",
	"Saint Marys Hospital", "UW Medicine", "The Counseling Center", "A & B Group", NULL,
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	registry = orgname_index_build(names, 7);
	return registry ? 0 : 1;
}

static int
all(void *arg, uint32_t org)
{
	(void)arg;
	(void)org;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char a[ORGNAME_MAX], b[ORGNAME_MAX], in[ORGNAME_MAX], *own;
	const char *with[9];
	struct orgname_index *x;
	enum orgname_fit fit;
	uint32_t out[8];
	size_t n, i, words;
	int k;

	n = orgname_norm((const char *)data, size, a);
	FUZZ_CHECK(n < ORGNAME_MAX && strlen(a) == n);
	FUZZ_CHECK(n == 0 || (a[0] != ' ' && a[n - 1] != ' ' && !strstr(a, "  ")));
	for (i = 0; i < n; i++)
		FUZZ_CHECK(!isupper((unsigned char)a[i]) &&
		           ((unsigned char)a[i] >= 0x80 || isalnum((unsigned char)a[i]) || a[i] == ' '));
	FUZZ_CHECK(orgname_norm(a, n, b) == n && strcmp(a, b) == 0);
	FUZZ_CHECK(orgname_initials(a, b) <= n);

	k = orgname_find(registry, (const char *)data, size, all, NULL, out, 8, &fit);
	FUZZ_CHECK(k >= 0 && (k == 0) == (fit == ORGNAME_NONE));
	for (i = 0; i < (size_t)k && i < 8; i++)
		FUZZ_CHECK(out[i] < 7);

	/* A registry holding the typed name finds it, exactly, among its hits. */
	n = size < sizeof(in) - 1 ? size : sizeof(in) - 1;
	memcpy(in, data, n);
	in[n] = '\0';
	if (!orgname_norm(in, n, a))
		return 0;
	memcpy(with, names, sizeof(names));
	own = in;
	with[7] = own;
	x = orgname_index_build(with, 8);
	FUZZ_CHECK(x != NULL);
	k = orgname_find(x, in, n, NULL, NULL, out, 8, &fit);
	for (i = 0, words = 1; a[i]; i++)
		words += a[i] == ' ';
	if (words <= 40 && orgname_initials(a, b) > 0) {
		int seen = 0;

		FUZZ_CHECK(k >= 1 && fit == ORGNAME_EXACT);
		for (i = 0; i < (size_t)k && i < 8; i++)
			seen |= out[i] == 7;
		FUZZ_CHECK(seen || k > 8);
	}
	orgname_index_free(x);
	return 0;
}
