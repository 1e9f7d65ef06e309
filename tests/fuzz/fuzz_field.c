/*
 * fuzz_field.c: the typed fields (core/field.h) every form and query
 * value of a declared route goes through before its handler runs.
 *
 * The input: its first byte picks the field's type and whether it is
 * required, its second the bounds (one of a few pairs, as routes declare
 * them); the rest is the text (cut at a NUL, as the server's door refuses
 * one). Promises checked: field_check answers 0 or -1; a refusal names
 * the field and says something; an accepted value is within the field's
 * bounds and of its type (an int in min..max, minutes of a day 0..1440, a
 * finite number, an enum index whose name is the text, a token of
 * base64url characters only, a day that is a real date, round-tripped).
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"

#include "core/field.h"
#include "core/kinds.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static const int64_t bounds[][2] = {
	{0, 0}, {1, 364}, {0, 168}, {2, 26}, {-1000, 1000}, {43, 43}, {0, 2000}, {5, 480},
};

/* days since 1970-01-01 as YYYY-MM-DD (the civil calendar, proleptic). */
static void
day_text(int64_t z, char out[32])
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(out, 32, "%04lld-%02lld-%02lld", (long long)(y + (m <= 2)), (long long)m,
	         (long long)d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct field f = {"f", F_TEXT, 0, 0, false, NULL, NULL};
	struct fval v;
	struct verr e;
	char *text;
	int rc;

	if (size < 2)
		return 0;
	f.type = (enum ftype)(data[0] % F__MAX);
	f.required = data[0] & 0x80;
	f.min = bounds[data[1] % 8][0];
	f.max = bounds[data[1] % 8][1];
	if (f.type == F_ENUM)
		f.names = session_kind_names;
	if (!(text = malloc(size - 1)))
		return 0;
	memcpy(text, data + 2, size - 2);
	text[size - 2] = '\0';
	memset(&v, 0, sizeof(v));
	verr_clear(&e);
	rc = field_check(&f, text, &v, &e);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc) {
		FUZZ_CHECK(strcmp(e.field, "f") == 0 && e.msg[0]);
	} else if (v.set) {
		switch (f.type) {
		case F_INT:
			FUZZ_CHECK(v.n >= f.min && v.n <= f.max);
			break;
		case F_NUMBER:
			FUZZ_CHECK(isfinite(v.d));
			FUZZ_CHECK((!f.min && !f.max) || (v.d >= (double)f.min && v.d <= (double)f.max));
			break;
		case F_HHMM:
			FUZZ_CHECK(v.n >= 0 && v.n <= 1440);
			break;
		case F_ENUM:
			FUZZ_CHECK(v.n >= 0 && v.n < SESSION_KIND__MAX &&
			           strcmp(session_kind_names[v.n], text) == 0);
			break;
		case F_TOKEN:
			FUZZ_CHECK(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			                        "0123456789-_") == strlen(text));
			break;
		case F_DAY: {
			char back[32];

			day_text(v.n, back);
			FUZZ_CHECK(strcmp(back, text) == 0);
			break;
		}
		default:
			break;
		}
	}
	free(text);
	return 0;
}
