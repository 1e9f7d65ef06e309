/*
 * html.c: escaping for HTML text, attributes and URLs (see html.h).
 */
#include <stdio.h>
#include <string.h>

#include "web/html.h"

int
html_lit_(struct buf *b, const char *literal, size_t n)
{
	return buf_add(b, literal, n);
}

int
html_markup(struct buf *b, struct markup m)
{
	return buf_add(b, m.s, m.n);
}

/* Escapes the five characters that matter in text and quoted attributes. */
static int
escape(struct buf *b, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *e;

		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		if (buf_add(b, run, (size_t)(s - run)) || buf_adds(b, e))
			return -1;
		run = s + 1;
	}
	return buf_add(b, run, (size_t)(s - run));
}

int
html_txt(struct buf *b, const char *s)
{
	return escape(b, s ? s : "");
}

int
html_attr(struct buf *b, const char *s)
{
	return escape(b, s ? s : "");
}

int
html_int(struct buf *b, long v)
{
	return buf_printf(b, "%ld", v);
}
