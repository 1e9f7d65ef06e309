/*
 * utf8.c: checking outside text (utf8.h).
 */
#include "core/utf8.h"

/* The length of the valid sequence at p (n bytes left), or 0. */
static size_t
seq_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0], cp;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
	else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
	else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
	else return 0;                  /* a continuation byte, 0xc0, 0xc1, 0xf5..0xff */
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;               /* overlong, a surrogate, past U+10FFFF */
	return len;
}

enum utf8_err
utf8_check(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if (p[i] == 0)
			return UTF8_NUL;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (!(k = seq_len(p + i, n - i)))
			return UTF8_BAD;
		i += k;
	}
	return UTF8_OK;
}

size_t
utf8_trim(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = n, back = 0;

	/* Back to the last byte that starts a character (at most 3 back). */
	while (start > 0 && back < 4 && (p[start - 1] & 0xc0) == 0x80) {
		start--;
		back++;
	}
	if (start == 0 || p[start - 1] < 0x80)
		return n;
	start--;
	return seq_len(p + start, n - start) == n - start ? n : start;
}
