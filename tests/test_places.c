/*
 * test_places.c: "where you are" (core/places.c) on the built-in table:
 * a ZIP and a ZIP+4, a city with and without its state, a city found in
 * several states, St./Saint, Ft./Fort, Mt./Mount, "New York City", names
 * nobody has, empty and hostile input, and the nearest city of a point.
 */
#include "testlib.h"

#include <math.h>
#include <stdio.h>

#include "core/places.h"

#define P places_builtin()

static int
find(const char *text, const char *state, struct place *out, int max)
{
	return places_find(P, text, state, out, max);
}

static void
zip_and_zip4(void **state)
{
	struct place o[4];

	(void)state;
	assert_int_equal(find("98101", NULL, o, 4), 1);
	assert_string_equal(o[0].zip, "98101");
	assert_string_equal(o[0].city, "Seattle");
	assert_string_equal(o[0].state, "US-WA");
	assert_string_equal(o[0].label, "Seattle, WA 98101");
	assert_true(fabs(o[0].lat - 47.61) < 0.05 && fabs(o[0].lon + 122.33) < 0.05);
	assert_int_equal(find(" 98101-1234 ", NULL, o, 4), 1);
	assert_string_equal(o[0].zip, "98101");
	assert_int_equal(find("98101 1234", NULL, o, 4), 1);
	/* A state that is not the ZIP's: nothing. */
	assert_int_equal(find("98101", "US-OR", o, 4), 0);
	assert_int_equal(find("98101", "US-WA", o, 4), 1);
	/* Not a ZIP: too few or too many digits, a bad +4, a ZIP nobody has. */
	assert_int_equal(find("9810", NULL, o, 4), 0);
	assert_int_equal(find("981011", NULL, o, 4), 0);
	assert_int_equal(find("98101-12", NULL, o, 4), 0);
	assert_int_equal(find("98101-12345", NULL, o, 4), 0);
	assert_int_equal(find("00000", NULL, o, 4), 0);
	/* Leading zeros are kept: a New England ZIP. */
	assert_int_equal(find("02134", NULL, o, 4), 1);
	assert_string_equal(o[0].state, "US-MA");
}

static void
city_and_state(void **state)
{
	struct place o[8];

	(void)state;
	assert_int_equal(find("seattle", NULL, o, 8), 1);
	assert_string_equal(o[0].zip, "");
	assert_string_equal(o[0].city, "Seattle");
	assert_string_equal(o[0].label, "Seattle, WA");
	assert_true(fabs(o[0].lat - 47.6) < 0.2 && fabs(o[0].lon + 122.3) < 0.2);
	assert_int_equal(find("Seattle, WA", NULL, o, 8), 1);
	assert_string_equal(o[0].state, "US-WA");
	assert_int_equal(find("SEATTLE,wa", NULL, o, 8), 1);
	assert_int_equal(find("Seattle, Washington", NULL, o, 8), 1);
	assert_int_equal(find("Seattle WA", NULL, o, 8), 1);
	assert_int_equal(find("Seattle, US-WA", NULL, o, 8), 1);
	assert_int_equal(find("  seattle  ", "US-WA", o, 8), 1);
	/* A typed state that disagrees, or is no state. */
	assert_int_equal(find("Seattle, OR", NULL, o, 8), 0);
	assert_int_equal(find("Seattle, WA", "US-OR", o, 8), 0);
	assert_int_equal(find("Seattle, ZZ", NULL, o, 8), 0);
	assert_int_equal(find("Seattle", "US-ZZ", o, 8), 0);
}

static void
ambiguous_city(void **state)
{
	struct place o[16];
	int n, i, me = 0, or = 0;

	(void)state;
	n = find("Portland", NULL, o, 16);
	assert_true(n >= 2);
	/* Most ZIPs first: Oregon's Portland before Maine's. */
	assert_string_equal(o[0].state, "US-OR");
	for (i = 0; i < n; i++) {
		me += strcmp(o[i].state, "US-ME") == 0;
		or += strcmp(o[i].state, "US-OR") == 0;
		assert_string_equal(o[i].zip, "");
		assert_string_equal(o[i].city, "Portland");
	}
	assert_int_equal(me, 1);
	assert_int_equal(or, 1);
	/* max bounds the answer; a state narrows it to one. */
	assert_int_equal(find("Portland", NULL, o, 2), 2);
	assert_int_equal(find("portland", "US-ME", o, 16), 1);
	assert_string_equal(o[0].label, "Portland, ME");
	assert_int_equal(find("Portland, Maine", NULL, o, 16), 1);
	assert_int_equal(find("Portland Oregon", NULL, o, 16), 1);
	assert_string_equal(o[0].state, "US-OR");
}

static void
saint_fort_mount(void **state)
{
	struct place o[8];

	(void)state;
	assert_int_equal(find("St. Louis, MO", NULL, o, 8), 1);
	assert_string_equal(o[0].city, "Saint Louis");
	assert_string_equal(o[0].label, "Saint Louis, MO");
	assert_true(find("Saint Louis", NULL, o, 8) >= 1);
	assert_string_equal(o[0].state, "US-MO");
	assert_true(find("st louis", NULL, o, 8) >= 1);
	assert_string_equal(o[0].state, "US-MO");
	assert_int_equal(find("Ft. Worth, TX", NULL, o, 8), 1);
	assert_string_equal(o[0].city, "Fort Worth");
	assert_int_equal(find("Mt. Vernon, WA", NULL, o, 8), 1);
	assert_string_equal(o[0].city, "Mount Vernon");
	/* Apostrophes and the Postal Service's spaces: "O'Fallon" is "O Fallon". */
	assert_int_equal(find("O'Fallon, MO", NULL, o, 8), 1);
	assert_int_equal(find("ofallon, il", NULL, o, 8), 1);
	/* "New York City" is New York, NY. */
	assert_true(find("new york city", NULL, o, 8) >= 1);
	assert_string_equal(o[0].city, "New York");
	assert_string_equal(o[0].state, "US-NY");
	assert_true(find("New York, NY", NULL, o, 8) == 1);
	/* "Kansas City" keeps its "City". */
	assert_true(find("Kansas City", NULL, o, 8) == 2);
}

static void
unknown_empty_hostile(void **state)
{
	struct place o[4];
	char big[4096];
	unsigned char bytes[256];
	int i;

	(void)state;
	assert_int_equal(find("Atlantis", NULL, o, 4), 0);
	assert_int_equal(find("", NULL, o, 4), 0);
	assert_int_equal(find("   ", NULL, o, 4), 0);
	assert_int_equal(find(",", NULL, o, 4), 0);
	assert_int_equal(find(", WA", NULL, o, 4), 0);
	assert_int_equal(find("'; DROP TABLE zip; --", NULL, o, 4), 0);
	assert_int_equal(find("<script>alert(1)</script>", NULL, o, 4), 0);
	assert_int_equal(find("47.61,-122.33", NULL, o, 4), 0);
	assert_int_equal(find("Seattle", NULL, o, 0), 0);
	assert_int_equal(places_find(P, NULL, NULL, o, 4), 0);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(find(big, NULL, o, 4), 0);
	for (i = 0; i < 255; i++)
		bytes[i] = (unsigned char)(i + 1);
	bytes[255] = '\0';
	assert_int_equal(find((const char *)bytes, NULL, o, 4), 0);
	assert_int_equal(find("Se\xc3\xa1ttle", NULL, o, 4), 0);
	assert_int_equal(find("\xff\xfe", NULL, o, 4), 0);
}

static void
nearest(void **state)
{
	struct place o;

	(void)state;
	assert_int_equal(places_nearest(P, 47.6114, -122.3305, &o), 0);
	assert_string_equal(o.city, "Seattle");
	assert_string_equal(o.label, "Seattle, WA");
	assert_int_equal(strlen(o.zip), 5);
	assert_int_equal(places_nearest(P, 40.7128, -74.006, &o), 0);
	assert_string_equal(o.state, "US-NY");
	assert_int_equal(places_nearest(P, 38.627, -90.199, &o), 0);
	assert_string_equal(o.state, "US-MO");
	/* Anchorage and Honolulu: far from the rest. */
	assert_int_equal(places_nearest(P, 61.2181, -149.9003, &o), 0);
	assert_string_equal(o.state, "US-AK");
	assert_int_equal(places_nearest(P, 21.3069, -157.8583, &o), 0);
	assert_string_equal(o.state, "US-HI");
	/* The middle of the Pacific, the poles, Paris, nonsense: none within 50 km. */
	assert_int_equal(places_nearest(P, 30.0, -140.0, &o), -1);
	assert_int_equal(places_nearest(P, 90.0, 0.0, &o), -1);
	assert_int_equal(places_nearest(P, -90.0, 180.0, &o), -1);
	assert_int_equal(places_nearest(P, 48.8566, 2.3522, &o), -1);
	assert_int_equal(places_nearest(P, NAN, 0.0, &o), -1);
	assert_int_equal(places_nearest(P, 100.0, 0.0, &o), -1);
	/* Every ZIP's own point is nearest to a ZIP of its own state or a neighbour,
	 * and a city found by name is near itself. */
	{
		struct place c[1];

		assert_int_equal(find("Boise, ID", NULL, c, 1), 1);
		assert_int_equal(places_nearest(P, c[0].lat, c[0].lon, &o), 0);
		assert_string_equal(o.city, "Boise");
	}
}

static void
source(void **state)
{
	(void)state;
	assert_non_null(strstr(places_source(), "GeoNames"));
	assert_non_null(strstr(places_source(), "20"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zip_and_zip4),
		cmocka_unit_test(city_and_state),
		cmocka_unit_test(ambiguous_city),
		cmocka_unit_test(saint_fort_mount),
		cmocka_unit_test(unknown_empty_hostile),
		cmocka_unit_test(nearest),
		cmocka_unit_test(source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
