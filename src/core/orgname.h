/*
 * orgname.h: an organization's name reduced to the words that tell it
 * apart (core/orgname.c), so that what a person types meets the
 * registry's spelling: "St. Mary's Hosp." and "Saint Marys Hospital"
 * become the same "saint marys hospital".
 */
#ifndef CHIRON_ORGNAME_H
#define CHIRON_ORGNAME_H

#include <stddef.h>

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

#endif
