/*
 * password_list.c: the common passwords, as a hash set (password_list.h).
 *
 * The file is read whole into one buffer, lower-cased, and cut at its
 * line ends; the set is open addressing over offsets into that buffer
 * (FNV-1a, at most half full), so a look-up is a hash and a compare or
 * two, and the list costs its own bytes plus 4 bytes a slot.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/password_list.h"

#define LIST_MAX_BYTES (64u << 20)      /* a list bigger than this is not a word list */

struct password_list {
	char *text;                     /* the lines, NUL-ended, lower case */
	uint32_t *slot;                 /* offset + 1 into text; 0: empty */
	size_t mask, n;
};

static uint64_t
fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)tolower((unsigned char)s[i]);
		h *= 1099511628211ULL;
	}
	return h;
}

void
password_list_free(struct password_list *l)
{
	if (!l)
		return;
	free(l->text);
	free(l->slot);
	free(l);
}

struct password_list *
password_list_load(const char *path, char *err, size_t errlen)
{
	struct password_list *l = NULL;
	FILE *f = fopen(path, "rb");
	size_t len = 0, cap = 1 << 16, lines = 0, i, slots = 16;
	char *p;

	if (!f) {
		snprintf(err, errlen, "cannot read the list of common passwords %s: %s", path,
		         strerror(errno));
		return NULL;
	}
	if (!(l = calloc(1, sizeof(*l))) || !(l->text = malloc(cap)))
		goto oom;
	for (;;) {
		size_t got;

		if (len + 1 >= cap) {
			char *bigger;

			if (cap >= LIST_MAX_BYTES) {
				snprintf(err, errlen, "the list of common passwords %s is over %u MiB: "
				         "not a word list", path, LIST_MAX_BYTES >> 20);
				goto fail;
			}
			if (!(bigger = realloc(l->text, cap * 2)))
				goto oom;
			l->text = bigger;
			cap *= 2;
		}
		got = fread(l->text + len, 1, cap - len - 1, f);
		if (got == 0)
			break;
		len += got;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "reading the list of common passwords %s: %s", path,
		         strerror(errno));
		goto fail;
	}
	l->text[len] = '\0';
	for (i = 0; i < len; i++) {
		if (l->text[i] == '\n' || l->text[i] == '\r')
			l->text[i] = '\0';
		else
			l->text[i] = (char)tolower((unsigned char)l->text[i]);
		if (l->text[i] == '\0')
			lines++;
	}
	while (slots < 2 * (lines + 1))
		slots *= 2;
	if (!(l->slot = calloc(slots, sizeof(*l->slot))))
		goto oom;
	l->mask = slots - 1;
	for (p = l->text; p < l->text + len; p += strlen(p) + 1) {
		size_t n = strlen(p), k;

		if (n == 0)
			continue;
		for (k = fnv(p, n) & l->mask; l->slot[k]; k = (k + 1) & l->mask)
			if (strcmp(l->text + l->slot[k] - 1, p) == 0)
				break;
		if (!l->slot[k]) {
			l->slot[k] = (uint32_t)(p - l->text) + 1;
			l->n++;
		}
	}
	fclose(f);
	return l;
oom:
	snprintf(err, errlen, "out of memory reading the list of common passwords %s", path);
fail:
	fclose(f);
	password_list_free(l);
	return NULL;
}

size_t
password_list_size(const struct password_list *l)
{
	return l ? l->n : 0;
}

bool
password_listed(const struct password_list *l, const char *pw)
{
	size_t n, k, i;

	if (!l || !pw || !*pw)
		return false;
	n = strlen(pw);
	for (k = fnv(pw, n) & l->mask; l->slot[k]; k = (k + 1) & l->mask) {
		const char *w = l->text + l->slot[k] - 1;

		for (i = 0; i < n && w[i] && w[i] == (char)tolower((unsigned char)pw[i]); i++)
			;
		if (i == n && w[i] == '\0')
			return true;
	}
	return false;
}
