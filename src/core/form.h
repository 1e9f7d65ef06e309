/*
 * form.h: application/x-www-form-urlencoded text ("a=1&b=x%20y"), as the
 * web forms send it and as a seeker's saved search profile keeps it.
 * Pure string work: no allocation.
 */
#ifndef CHIRON_FORM_H
#define CHIRON_FORM_H

#include <stddef.h>

#include "core/utf8.h"

/*
 * Decodes n bytes of one component ('+' is a space, %XX a byte when both
 * X are hex digits, anything else as it is) into out, NUL-ended, at most
 * cap - 1 bytes (cut between characters, never inside one). out may be s
 * (decoding in place). The text decoded must be UTF-8 without NUL
 * (utf8.h): returns UTF8_OK and the length in *len, or what is wrong,
 * with out "" and *len 0.
 */
enum utf8_err form_decode_text(const char *s, size_t n, char *out, size_t cap, size_t *len);

/* form_decode_text, for callers that need only the text: its length, or
 * 0 and out "" when it is not valid. */
size_t form_decode(const char *s, size_t n, char *out, size_t cap);

/* The decoded value of key in text (into out, cap bytes); 0 when found,
 * -1 (out "") when text has no such key or its value is not valid text. */
int form_value(const char *text, const char *key, char *out, size_t cap);

struct buf;
/* Appends s percent-encoded as a form value (all but A-Z a-z 0-9 - _ . ~). */
int form_encode(struct buf *b, const char *s);

#endif
