/*
 * html.h: the only way data reaches a page.
 *
 * html() writes markup literals that the page's own code spells out, and
 * only those: it is a macro that pastes "" before and after its argument,
 * which is valid C only when the argument is a string literal, so a
 * variable, a call or a ternary given as markup does not compile.
 * html_pick() chooses between two literals. Everything else that reaches
 * a page is data and goes through an escaper:
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

#define html(b, literal) html_lit_((b), "" literal "", sizeof("" literal "") - 1)
#define html_pick(b, cond, yes, no) ((cond) ? html((b), yes) : html((b), no))
/* What html() expands to; never called with anything but a literal. */
int html_lit_(struct buf *b, const char *literal, size_t n);

/*
 * Markup handed to a helper that writes it among data (a form field's
 * extra attributes, 'required maxlength="200"'): a struct markup is made
 * only from a literal, by MARKUP(), and written by html_markup(), so the
 * literal rule holds across the call.
 */
struct markup {
	const char *s;
	size_t n;
};
#define MARKUP(literal) ((struct markup){"" literal "", sizeof("" literal "") - 1})
int html_markup(struct buf *b, struct markup m);
int html_txt(struct buf *b, const char *s);
int html_attr(struct buf *b, const char *s);
/* A whole number as text. */
int html_int(struct buf *b, long v);

#endif
