/*
 * fuzz_query.c: a seeker's query (core/query.h), as POST /api/v1/match
 * and `chiron match` read it.
 *
 * The input is the JSON text. Promises checked on an accepted query: the
 * jurisdiction and every code index are inside the taxonomy, the week
 * starts on a Monday, the free windows are days of the week with start
 * before end within the day, the limit is 0 to QUERY_LIMIT_MAX, an NPI is
 * one the NPI rule accepts, and reading it again gives the same answer.
 * A refused query names its reason.
 */
#include <string.h>

#include "fuzz.h"

#include "core/arena.h"
#include "core/query.h"
#include "core/tz.h"

static struct arena A;
/* Wednesday 2026-01-07 12:00 UTC: the default week is the 12th's. */
#define NOW ((int64_t)1767787200)

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	arena_init(&A, 0);
	fuzz_taxonomy();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct taxonomy *tax = fuzz_taxonomy();
	struct query q, q2;
	struct verr e;
	int i;

	arena_reset(&A);
	memset(&e, 0, sizeof(e));
	if (query_parse(tax, (const char *)data, size, NOW, &A, &q, &e)) {
		FUZZ_CHECK(e.msg[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(q.jurisdiction >= 0 && q.jurisdiction < tax_count(tax, TAX_JURISDICTION));
	FUZZ_CHECK(q.limit >= 0 && q.limit <= QUERY_LIMIT_MAX);
	FUZZ_CHECK(tz_weekday(q.week_days) == 0);
	FUZZ_CHECK(q.n_free >= 0 && (q.n_free == 0 || q.free));
	for (i = 0; i < q.n_free; i++) {
		FUZZ_CHECK(q.free[i].day < 7);
		FUZZ_CHECK(q.free[i].start < q.free[i].end && q.free[i].end <= 1440);
	}
	for (i = 0; i < q.n_languages; i++)
		FUZZ_CHECK(q.languages[i] >= 0 && q.languages[i] < tax_count(tax, TAX_LANGUAGE));
	FUZZ_CHECK(q.career_stage >= -1 && q.career_stage < tax_count(tax, TAX_CAREER));
	for (i = 0; i < q.n_exclude; i++)
		FUZZ_CHECK(q.exclude[i] != NULL);
	FUZZ_CHECK(!q.npi[0] || npi_ok(q.npi));
	FUZZ_CHECK(q.max_km == q.max_km && q.min_km == q.min_km);
	FUZZ_CHECK(!q.require_overlap || q.zone);
	/* The same text, the same query. */
	FUZZ_CHECK(query_parse(tax, (const char *)data, size, NOW, &A, &q2, &e) == 0);
	FUZZ_CHECK(q2.jurisdiction == q.jurisdiction && q2.week_days == q.week_days &&
	           q2.limit == q.limit && q2.n_free == q.n_free && q2.zone == q.zone);
	return 0;
}
