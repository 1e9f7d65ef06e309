/*
 * fuzz_places.c: what a person types as where they are (core/places.h),
 * the text of the search form's "Where you are".
 *
 * The input: its first byte picks the state that narrows (none, one, or
 * one that is no state) and how many candidates to ask for; the rest is
 * the text (cut at a NUL, as the server's door refuses one). Promises
 * checked: places_find answers 0..max; each candidate has a state of the
 * form US-XX, a city, a label that begins with the city, a ZIP of 5
 * digits or none, a point on the Earth, and agrees with the state asked;
 * a ZIP typed gives at most one; places_nearest of a candidate's point
 * finds a city within 50 km.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"

#include "core/places.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	places_builtin();
	return 0;
}

static const char *const states[] = {NULL, "US-WA", "US-MO", "US-NY", "", "US-ZZ", "WA", "US-"};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct place out[16];
	char text[512];
	const char *st;
	size_t n;
	int max, k, i;

	if (size < 1)
		return 0;
	st = states[data[0] & 7];
	max = (data[0] >> 3) & 15;
	n = size - 1 < sizeof(text) - 1 ? size - 1 : sizeof(text) - 1;
	memcpy(text, data + 1, n);
	text[n] = '\0';
	k = places_find(places_builtin(), text, st, out, max);
	FUZZ_CHECK(k >= 0 && k <= max);
	for (i = 0; i < k; i++) {
		const struct place *p = &out[i];
		struct place near;

		FUZZ_CHECK(strlen(p->state) == 5 && strncmp(p->state, "US-", 3) == 0);
		FUZZ_CHECK(!st || !*st || strcmp(st, p->state) == 0);
		FUZZ_CHECK(p->city[0] && strncmp(p->label, p->city, strlen(p->city)) == 0);
		FUZZ_CHECK(p->zip[0] == '\0' || (strlen(p->zip) == 5 && strspn(p->zip, "0123456789") == 5));
		FUZZ_CHECK(isfinite(p->lat) && isfinite(p->lon) && fabs(p->lat) <= 90 && fabs(p->lon) <= 180);
		if (p->zip[0])
			FUZZ_CHECK(k == 1);
		FUZZ_CHECK(places_nearest(places_builtin(), p->lat, p->lon, &near) == 0);
	}
	return 0;
}
