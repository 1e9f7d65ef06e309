/*
 * field.h: typed input by construction.
 *
 * A route declares its form and query fields as a table of struct field
 * (name, type, bounds, required), the way kcgi declares its keys with a
 * validator each. The dispatcher (web/server.c) checks every declared
 * field with field_check() before the handler runs, answers 400 naming
 * the first one at fault, and keeps the typed values on the request, so
 * a handler reads `req_int(r, "days", 14)` and never converts text. The
 * API's JSON bodies use the same field_check() for a member that is the
 * same kind of value.
 *
 * This file is pure computation: no I/O, no allocation. Values point into
 * the text they were read from.
 */
#ifndef CHIRON_FIELD_H
#define CHIRON_FIELD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/verr.h"

/*
 * The types of field, and what each makes of its text (v->n or v->s):
 *
 *   F_TEXT     text of min..max characters (code points); v->s
 *   F_INT      a decimal whole number in min..max; v->n
 *   F_NUMBER   a number as JSON writes one (-12, 40.7128, 1e3), in
 *              min..max unless both are 0; v->d, and v->s its text,
 *              fit to go into JSON as it is
 *   F_ID       a record id (core/record.h record_id_ok); v->s
 *   F_DAY      a date YYYY-MM-DD; v->n days since 1970-01-01
 *   F_INSTANT  an RFC 3339 instant (2026-12-01T18:00:00Z, or an offset
 *              like -05:00); v->n seconds since the epoch
 *   F_HHMM     a time of day HH:MM, 00:00 to 24:00; v->n minutes
 *   F_BOOL     a checkbox: present (whatever its value) is true; v->n 1
 *   F_ENUM     one of the NULL-ended table names; v->n its index
 *   F_TOKEN    a secret of base64url characters, min..max long; v->s
 *
 * Empty text counts as absent for every type but F_TEXT and F_BOOL: an
 * empty box in a form is a field left out.
 */
enum ftype { F_TEXT, F_INT, F_NUMBER, F_ID, F_DAY, F_INSTANT, F_HHMM, F_BOOL, F_ENUM, F_TOKEN, F__MAX };

struct field {
	const char *name;               /* the form or query key; "{id}" for the path's segment */
	enum ftype type;
	int64_t min, max;               /* F_INT, F_NUMBER: bounds; F_TEXT, F_TOKEN: length (0 max: no cap) */
	bool required;
	const char *const *names;       /* F_ENUM: its name table (core/kinds.h) */
	const char *say;                /* the sentence when it is missing or wrong; NULL: by type */
};

/* A field's typed value: set when the field was given. */
struct fval {
	bool set;
	int64_t n;
	double d;                       /* F_NUMBER */
	const char *s;
};

/*
 * Checks text (NULL when the field was not sent) against f. Returns 0
 * and fills *v (v->set false when absent and not required), or -1 with
 * *e naming f->name and saying in plain words what to give.
 */
int field_check(const struct field *f, const char *text, struct fval *v, struct verr *e);

/* The parsers behind F_DAY, F_INSTANT and F_HHMM: 0, or -1 when malformed. */
int field_parse_day(const char *s, int64_t *days);
int field_parse_instant(const char *s, int64_t *t);
int field_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);
/* A JSON number (RFC 8259's grammar, at most 32 bytes) into *out. */
int field_parse_number(const char *s, double *out);

#endif
