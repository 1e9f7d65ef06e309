/*
 * jsonv.h: validated reading of jansson objects for records and queries.
 *
 * The tree comes from json.h (an arena tree). Each reader takes the object, the key, the path of the object (for error
 * messages: "fee", "availability[2]") and a struct verr; on a bad value it
 * fills the verr with the full field path and returns -1. "Absent" is not
 * an error unless the reader is told the key is required.
 */
#ifndef CHIRON_JSONV_H
#define CHIRON_JSONV_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"

#include "core/arena.h"
#include "core/taxonomy.h"
#include "core/verr.h"

/* Joins path and key into dst ("fee" + "session" = "fee.session"). */
void jv_path(char *dst, size_t n, const char *path, const char *key);
/* Refuses any key of obj not in the NULL-ended list allowed. */
int jv_keys(jnode *obj, const char *const *allowed, const char *path,
            struct verr *e);
/* *out = the string, copied into a; max bytes; absent -> *out = NULL. */
int jv_str(jnode *obj, const char *key, bool required, size_t max,
           struct arena *a, const char **out, const char *path,
           struct verr *e);
int jv_bool(jnode *obj, const char *key, bool required, bool dflt,
            bool *out, const char *path, struct verr *e);
/* A whole number in [lo, hi]; absent -> *out = dflt. */
int jv_int(jnode *obj, const char *key, bool required, int64_t lo,
           int64_t hi, int64_t dflt, int64_t *out, const char *path,
           struct verr *e);
/* Any number in [lo, hi]. *present tells whether it was there. */
int jv_num(jnode *obj, const char *key, bool required, double lo,
           double hi, double *out, bool *present, const char *path,
           struct verr *e);
/* One code of a taxonomy list; absent -> *out = -1. */
int jv_code(jnode *obj, const char *key, bool required,
            const struct taxonomy *tax, enum tax_list list, int *out,
            const char *path, struct verr *e);
/* An array of codes as a bit mask (list must hold <= 64 codes). */
int jv_codemask(jnode *obj, const char *key, bool required,
                const struct taxonomy *tax, enum tax_list list,
                uint64_t *out, const char *path, struct verr *e);
/* An array of codes as taxonomy indexes (duplicates dropped). */
int jv_codelist(jnode *obj, const char *key, bool required,
                const struct taxonomy *tax, enum tax_list list,
                struct arena *a, int16_t **out, int *n, const char *path,
                struct verr *e);
/* Parses a JSON text; malformed JSON -> error with its byte offset. */
jnode *jv_parse(const char *text, size_t len, struct arena *a, struct verr *e);

#endif
