/*
 * buf.h: the one growable byte buffer of chiron.
 *
 * Every string that grows (JSON out, HTML out, SQL text, error messages)
 * is a struct buf. A buffer has a size cap; an append that would pass the
 * cap, or that fails to allocate, frees the buffer and returns -1, so call
 * sites stay one line and a failed buffer is simply empty. The contents are
 * always NUL-terminated after a successful append.
 */
#ifndef CHIRON_BUF_H
#define CHIRON_BUF_H

#include <stddef.h>
#include <stdarg.h>

struct buf {
	char *p;        /* NUL-terminated contents, or NULL when empty */
	size_t len;     /* bytes used, not counting the NUL */
	size_t cap;     /* bytes allocated */
	size_t max;     /* cap on len; 0 means BUF_DEFAULT_MAX */
};

#define BUF_DEFAULT_MAX ((size_t)1 << 30)
#define BUF_INIT {NULL, 0, 0, 0}

void buf_init(struct buf *b, size_t max);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Appends s (n bytes) as a JSON string literal, quotes included. */
int buf_json_str(struct buf *b, const char *s, size_t n);
int buf_json_strz(struct buf *b, const char *s);
/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *b);
/* Hands the contents to the caller (who frees them) and empties b. */
char *buf_take(struct buf *b, size_t *len);
void buf_free(struct buf *b);

#endif
