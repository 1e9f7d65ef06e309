/*
 * jw.h: a JSON writer over a struct buf that keeps the shape right and
 * the error to the end.
 *
 * The writer inserts the commas, checks the nesting (a key only directly
 * inside an object, a value only after a key there, at most JW_MAX_DEPTH
 * open containers, one value at the top) and keeps a sticky error: after
 * the first failure (the buffer could not grow, or a call that breaks
 * the shape) every later call does nothing, and jw_end() answers -1. A
 * handler writes its answer as straight-line code and checks once:
 *
 *	struct jw w;
 *
 *	jw_init(&w, &p->body);
 *	jw_obj_open(&w);
 *	jw_kstr(&w, "id", id);
 *	jw_kint(&w, "changed", changed);
 *	jw_obj_close(&w);
 *	if (jw_end(&w))
 *		return -1;
 *
 * Strings are escaped as buf_json_str() escapes them (quotes, backslash,
 * control characters; other bytes as they are). Every call returns 0, or
 * -1 when the writer is (now or already) in error; callers may ignore it.
 * The writer owns nothing: the text stays in the caller's buffer, which
 * is empty (freed) when it could not grow.
 */
#ifndef CHIRON_JW_H
#define CHIRON_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define JW_MAX_DEPTH 16

enum jw_err {
	JW_OK,
	JW_ENOMEM,      /* the buffer could not grow (it is empty now) */
	JW_EMISUSE,     /* a call that breaks JSON's shape, or a bad argument */
};

struct jw {
	struct buf *b;
	enum jw_err err;                /* sticky: the first failure */
	int depth;                      /* containers open */
	bool key;                       /* a key is written, its value is due */
	bool done;                      /* the top-level value is complete */
	char open[JW_MAX_DEPTH];        /* '{' or '[' for each open container */
	bool any[JW_MAX_DEPTH];         /* has it a member yet (a comma is due) */
};

/* Starts writing one JSON value at the end of b (which may hold text). */
void jw_init(struct jw *w, struct buf *b);
/* 0 when exactly one complete value was written without error, else -1. */
int jw_end(struct jw *w);

int jw_obj_open(struct jw *w);
int jw_obj_close(struct jw *w);
int jw_arr_open(struct jw *w);
int jw_arr_close(struct jw *w);
/* A member's key; its value must follow. */
int jw_key(struct jw *w, const char *key);

/* A string (NUL-terminated; NULL is a misuse), or n bytes of s. */
int jw_str(struct jw *w, const char *s);
int jw_strn(struct jw *w, const char *s, size_t n);
/* A string made by printf. */
int jw_strf(struct jw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int jw_int(struct jw *w, int64_t v);
/* A finite number, shortest text that reads back the same; NaN and
 * infinities have no JSON and are a misuse. */
int jw_num(struct jw *w, double v);
int jw_bool(struct jw *w, bool v);
int jw_null(struct jw *w);
/* An instant (seconds since 1970, UTC) as RFC 3339, "2026-12-01T18:00:00Z";
 * 0 means none and writes null. */
int jw_time(struct jw *w, int64_t t);
/* A value read by core/json.h, written back whole (members in their order). */
struct jnode;
int jw_node(struct jw *w, const struct jnode *v);

/* Key and value in one call. */
int jw_kstr(struct jw *w, const char *key, const char *s);
/* The string, or null when s is NULL or empty. */
int jw_kstr_or_null(struct jw *w, const char *key, const char *s);
int jw_kstrf(struct jw *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int jw_kint(struct jw *w, const char *key, int64_t v);
int jw_knum(struct jw *w, const char *key, double v);
int jw_kbool(struct jw *w, const char *key, bool v);
int jw_knull(struct jw *w, const char *key);
int jw_ktime(struct jw *w, const char *key, int64_t t);
/* A key whose value is an object or array, opened here. */
int jw_kobj_open(struct jw *w, const char *key);
int jw_karr_open(struct jw *w, const char *key);

#endif
