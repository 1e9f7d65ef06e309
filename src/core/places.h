/*
 * places.h: "where you are" as a person says it, a US ZIP code or a city
 * name, turned into a point (core/places.c). Nobody types a latitude.
 *
 * The table is data/places.tsv (data/places.md: its source, licence and
 * date), compiled into the binary and parsed once, on first use, into
 * sorted arrays that every thread reads and nobody changes.
 */
#ifndef CHIRON_PLACES_H
#define CHIRON_PLACES_H

struct places;                          /* opaque, read-only once built */

struct place {
	char zip[6];            /* "98101", or "" for a city found by name */
	char city[64];          /* "Seattle" */
	char state[8];          /* ISO 3166-2, "US-WA" */
	char label[80];         /* how a person reads it: "Seattle, WA 98101" or "Seattle, WA" */
	double lat, lon;
};

/* The built-in table (data/places.tsv), parsed on first use; never NULL. */
const struct places *places_builtin(void);

/* The table's date and source, for the page's small print ("ZIP codes: <source>, <date>"). */
const char *places_source(void);

/*
 * What a person typed as where they are: a 5-digit ZIP ("98101", "98101-1234"), or a city name
 * with or without its state ("seattle", "Seattle, WA", "Saint Louis", "St. Louis, MO",
 * "new york city"): case, punctuation, spaces, "St."/"Saint", "Ft."/"Fort", "Mt."/"Mount" do
 * not matter. state (ISO "US-WA", or NULL) narrows a city name. Writes up to max candidates
 * to out, best first (a ZIP gives one; a city name found in several states gives one per
 * state, its most central/populous ZIP's point or the mean of its ZIPs), and returns how many;
 * 0 when nothing fits.
 */
int places_find(const struct places *p, const char *text, const char *state, struct place *out, int max);

/* The nearest city to (lat, lon) within 50 km, for showing a listing's city: 0, or -1. */
int places_nearest(const struct places *p, double lat, double lon, struct place *out);

#endif
