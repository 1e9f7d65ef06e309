/*
 * json.h: a strict, fast JSON reader for the hot paths (import lines and
 * queries), building an immutable tree in an arena.
 *
 * Why not jansson here: importing a million records spent three quarters
 * of its time in jansson's per-value malloc/free and hashing (perf, see
 * docs/performance.md). This reader allocates nothing but arena memory,
 * keeps an object's members in input order in one array, and refuses what
 * RFC 8259 refuses: trailing commas, leading zeros, bad escapes, invalid
 * UTF-8, control characters in strings, duplicate keys, and anything after
 * the value. Nesting is limited to JN_MAX_DEPTH. jansson still reads the
 * cold files (the taxonomy).
 */
#ifndef CHIRON_JSON_H
#define CHIRON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/verr.h"

#define JN_MAX_DEPTH 32

enum jn_type { JN_NULL, JN_FALSE, JN_TRUE, JN_NUMBER, JN_STRING, JN_ARRAY, JN_OBJECT };

typedef struct jnode {
	uint8_t type;           /* enum jn_type */
	bool is_int;            /* a number written without fraction or exponent that fits int64 */
	uint32_t len;           /* string bytes, or array/object members */
	const char *key;        /* the member's key inside an object, else NULL */
	union {
		double num;
		int64_t i;
	};
	union {
		const char *str;        /* NUL-terminated, may contain no NUL */
		struct jnode *kids;     /* members in input order */
	};
} jnode;

/*
 * Parses text (len bytes) into a tree in a. Returns the root, or NULL with
 * e saying what was wrong and e->offset the byte where it went wrong.
 */
jnode *jn_parse(const char *text, size_t len, struct arena *a, struct verr *e);

/* The member key of obj, or NULL when absent or obj is not an object. */
jnode *jn_get(const jnode *obj, const char *key);

#define jn_is_null(v)    ((v)->type == JN_NULL)
#define jn_is_bool(v)    ((v)->type == JN_TRUE || (v)->type == JN_FALSE)
#define jn_is_true(v)    ((v)->type == JN_TRUE)
#define jn_is_number(v)  ((v)->type == JN_NUMBER)
#define jn_is_string(v)  ((v)->type == JN_STRING)
#define jn_is_array(v)   ((v)->type == JN_ARRAY)
#define jn_is_object(v)  ((v)->type == JN_OBJECT)
#define jn_len(v)        ((size_t)(v)->len)
#define jn_foreach(v, i, x) \
	for ((i) = 0; (i) < (v)->len && ((x) = &(v)->kids[i], 1); (i)++)

#endif
