/*
 * utf8.h: is outside text UTF-8 chiron can store and serve?
 *
 * Every way text comes in that is not JSON (json.c checks its own) asks
 * here: form fields, query arguments, multipart fields, URL paths. Valid
 * means well-formed UTF-8 as RFC 3629 has it: no overlong forms, no
 * surrogates (U+D800..DFFF), nothing past U+10FFFF, no sequence cut
 * short; and, for chiron, no NUL, which would silently cut the text in C.
 */
#ifndef CHIRON_UTF8_H
#define CHIRON_UTF8_H

#include <stddef.h>

enum utf8_err {
	UTF8_OK,
	UTF8_NUL,               /* a NUL byte (%00) */
	UTF8_BAD,               /* not well-formed UTF-8 */
};

/* Whether s[0..n) is valid text: UTF8_OK, or what is wrong first. */
enum utf8_err utf8_check(const char *s, size_t n);

/*
 * The length of s[0..n) without a sequence cut short at its end, for
 * text cut to a buffer: n when s ends on a character's end.
 */
size_t utf8_trim(const char *s, size_t n);

#endif
