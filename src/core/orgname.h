/*
 * orgname.h: an organization's name reduced to the words that tell it
 * apart (core/orgname.c), so that what a person types meets the
 * registry's spelling: "St. Mary's Hosp." and "Saint Marys Hospital"
 * become the same "saint marys hospital".
 */
#ifndef CHIRON_ORGNAME_H
#define CHIRON_ORGNAME_H

#include <stddef.h>
#include <stdint.h>

#define ORGNAME_MAX 256                 /* bytes of a normalized name, NUL included */

/*
 * Writes the normalized form of name (at most n bytes of it) into out
 * (size ORGNAME_MAX): lower-case ASCII words separated by one space, with
 * punctuation dropped, "&" as "and", a leading "the" dropped, and the
 * usual abbreviations spelled out ("st" saint, "univ" university, "ctr"
 * center, "med" medical, "hosp" hospital, "dept" department, "assn" and
 * "assoc" association, "inst" institute, ...). Bytes outside ASCII stay
 * as they are, inside words. Returns the length written (0 when nothing
 * is left).
 */
size_t orgname_norm(const char *name, size_t n, char out[ORGNAME_MAX]);

/*
 * The initials of a normalized name's significant words ("university of
 * washington" gives "uw", "veterans affairs medical center" "vamc"):
 * the first letter of each word that is not "of", "and", "for", "the",
 * "at", "in", "on". Returns the length written into out (size ORGNAME_MAX).
 */
size_t orgname_initials(const char *norm, char out[ORGNAME_MAX]);

/* ------------------------------------------------------------------ */
/* The registry's names, indexed (design notes in orgname.c)           */

struct orgname_index;

/*
 * Builds the index of n names: names[i] is organization number i (NULL
 * leaves it out). The names are normalized and copied. NULL when out of
 * memory. Free with orgname_index_free; read-only once built, so any
 * number of threads may search it.
 */
struct orgname_index *orgname_index_build(const char *const *names, uint32_t n);
void orgname_index_free(struct orgname_index *x);

/* How the hits of orgname_find fit what was typed, best first. */
enum orgname_fit {
	ORGNAME_NONE,
	ORGNAME_EXACT,          /* the normalized name is the same */
	ORGNAME_WHOLE,          /* the whole name, some words by initials ("UW") */
	ORGNAME_PREFIX,         /* the name begins with what was typed */
	ORGNAME_LOOSE,          /* every word typed is somewhere in the name */
};

/*
 * The organizations whose names fit the n bytes of typed, all of the best
 * fit found: their numbers into out (at most max, best first), how many
 * fit in all as the return value (which may exceed max), the fit in *fit.
 * A loose fit counts only for organizations loose_ok(arg, number) accepts
 * (the ones a listing declared); loose_ok NULL: no loose fits.
 */
int orgname_find(const struct orgname_index *x, const char *typed, size_t n,
                 int (*loose_ok)(void *arg, uint32_t org), void *arg,
                 uint32_t *out, int max, enum orgname_fit *fit);

/* The normalized name of organization number org ("" when left out). */
const char *orgname_of(const struct orgname_index *x, uint32_t org);

#endif
