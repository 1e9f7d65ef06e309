/*
 * html.h: the only way data reaches a page.
 *
 * html() writes markup literals that the page's own code spells out;
 * html_txt() escapes text for an element's content; html_attr() escapes a
 * value for a double-quoted attribute; form_encode() (core/form.h) percent-encodes a value
 * for a query string. Page code alternates them line by line, so every
 * piece of data visibly passes through an escaper (cgit's vocabulary).
 * Each returns 0, or -1 when the buffer could not grow (it is then empty).
 */
#ifndef CHIRON_HTML_H
#define CHIRON_HTML_H

#include "core/buf.h"
#include "core/form.h"

int html(struct buf *b, const char *literal);
int html_txt(struct buf *b, const char *s);
int html_attr(struct buf *b, const char *s);
/* A whole number as text. */
int html_int(struct buf *b, long v);

#endif
