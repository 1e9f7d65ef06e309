/*
 * fuzz_ics.c: the reader of a clinician's own calendar file
 * (app/ics_busy.h), as PUT /api/v1/me/busy and the /calendar upload
 * give it the file.
 *
 * The input is the .ics text. The clinician's zone is New York and the
 * window the four weeks from Monday 2026-10-19, across the autumn change,
 * as in tests/test_ics_busy.c. Run with a per-input time limit (-timeout):
 * a rule that takes seconds to expand is a finding, not a slow test.
 * Promises checked: on ICS_OK the intervals are inside the window, each
 * non-empty, sorted, merged (none overlaps or touches the next), and no
 * more than ICS_MAX_EVENTS; otherwise there are none and the error says why.
 */
#include <string.h>

#include "fuzz.h"

#include "app/ics_busy.h"
#include "core/tz.h"

static const struct tz_zone *zone;
static int64_t from, to;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	zone = tz_get("America/New_York");
	if (!zone) {
		fprintf(stderr, "fuzz_ics: no America/New_York in the tz database\n");
		abort();
	}
	from = tz_days_from_civil(2026, 10, 19) * 86400 + 4 * 3600;
	to = tz_days_from_civil(2026, 11, 16) * 86400 + 5 * 3600;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ics_interval *iv = (struct ics_interval *)1;
	struct ics_error err;
	enum ics_status st;
	int n = -1, i;

	memset(&err, 0, sizeof(err));
	st = ics_busy((const char *)data, size, zone, from, to, &iv, &n, &err);
	if (st != ICS_OK) {
		FUZZ_CHECK(st <= ICS_NO_MEMORY);
		FUZZ_CHECK(iv == NULL);
		FUZZ_CHECK(err.msg[0] != '\0' && memchr(err.msg, '\0', sizeof(err.msg)));
		FUZZ_CHECK(memchr(err.property, '\0', sizeof(err.property)) != NULL);
		return 0;
	}
	FUZZ_CHECK(n >= 0 && n <= ICS_MAX_EVENTS);
	FUZZ_CHECK(n == 0 || iv != NULL);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(iv[i].start >= from && iv[i].end <= to);
		FUZZ_CHECK(iv[i].start < iv[i].end);
		FUZZ_CHECK(i == 0 || iv[i - 1].end < iv[i].start);
	}
	free(iv);
	return 0;
}
