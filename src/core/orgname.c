/*
 * orgname.c: normalizing organization names (see orgname.h).
 *
 * A name becomes its words: ASCII letters and digits lower-cased, bytes
 * outside ASCII kept, apostrophes dropped inside a word ("Mary's" is
 * "marys"), "&" a word "and", anything else a break between words. Then
 * each word is spelled out when it is a usual abbreviation (the table
 * below), and a leading "the" is dropped unless it is all there is.
 * Single letters in a row are one word: "U.W. Medicine" and "U W
 * Medicine" are "uw medicine", as a person writes "UW Medicine".
 */
#include <ctype.h>
#include <string.h>

#include "core/orgname.h"

static const struct {
	const char *from, *to;
} abbrev[] = {
	{"st", "saint"}, {"ste", "sainte"}, {"mt", "mount"}, {"ft", "fort"},
	{"univ", "university"},
	{"ctr", "center"}, {"cntr", "center"}, {"centre", "center"},
	{"med", "medical"}, {"hosp", "hospital"},
	{"dept", "department"}, {"dep", "department"},
	{"assn", "association"}, {"assoc", "association"},
	{"inst", "institute"}, {"natl", "national"}, {"intl", "international"},
	{"svc", "services"}, {"svcs", "services"}, {"hlth", "health"},
	{"co", "company"}, {"corp", "corporation"}, {"inc", "incorporated"},
	{"assocs", "associates"}, {"grp", "group"}, {"cmty", "community"}, {"comm", "community"},
	{"psych", "psychological"}, {"hosps", "hospitals"}, {"ctrs", "centers"},
};

static const char *
spell(const char *w)
{
	size_t k;

	for (k = 0; k < sizeof(abbrev) / sizeof(abbrev[0]); k++)
		if (strcmp(w, abbrev[k].from) == 0)
			return abbrev[k].to;
	return w;
}

size_t
orgname_norm(const char *name, size_t n, char out[ORGNAME_MAX])
{
	size_t i = 0, o = 0;
	int words = 0, letter = 0;  /* letter: the last word was one letter */

	out[0] = '\0';
	if (!name)
		return 0;
	while (i < n && name[i]) {
		char w[ORGNAME_MAX];
		size_t wl = 0, pl;
		const char *put;
		unsigned char c = (unsigned char)name[i];

		if (c == '&') {
			put = "and";
			i++;
		} else if (isalnum(c) || c >= 0x80) {
			while (i < n && name[i]) {
				c = (unsigned char)name[i];
				if (c == '\'' || (c == 0xe2 && i + 2 < n && (unsigned char)name[i + 1] == 0x80 &&
				                  (unsigned char)name[i + 2] == 0x99)) {
					i += c == '\'' ? 1 : 3;     /* ' or U+2019 inside a word */
					continue;
				}
				if (!isalnum(c) && c < 0x80)
					break;
				if (wl + 1 < sizeof(w))
					w[wl++] = (char)tolower(c);
				i++;
			}
			w[wl] = '\0';
			put = spell(w);
		} else {
			i++;
			continue;
		}
		/* A leading "the" goes; it comes back if nothing follows (below). */
		if (words == 0 && o == 0 && strcmp(put, "the") == 0) {
			words = -1;
			continue;
		}
		pl = strlen(put);
		if (o + (o ? 1 : 0) + pl + 1 > ORGNAME_MAX)
			break;
		if (o && !(letter && pl == 1 && isalpha((unsigned char)put[0])))
			out[o++] = ' ';
		letter = pl == 1 && isalpha((unsigned char)put[0]);
		memcpy(out + o, put, pl);
		o += pl;
		words = 1;
	}
	if (o == 0 && words < 0) {
		memcpy(out, "the", 4);
		return 3;
	}
	out[o] = '\0';
	return o;
}

size_t
orgname_initials(const char *norm, char out[ORGNAME_MAX])
{
	static const char *const small[] = {"of", "and", "for", "the", "at", "in", "on", "a"};
	const char *s = norm;
	size_t o = 0;

	while (*s) {
		size_t wl = strcspn(s, " "), k;
		int skip = 0;

		for (k = 0; k < sizeof(small) / sizeof(small[0]); k++)
			if (strlen(small[k]) == wl && strncmp(s, small[k], wl) == 0)
				skip = 1;
		if (!skip && wl && o + 2 <= ORGNAME_MAX)
			out[o++] = s[0];
		s += wl;
		while (*s == ' ')
			s++;
	}
	out[o] = '\0';
	return o;
}
