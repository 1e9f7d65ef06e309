/*
 * fuzz.h: what the libFuzzer targets share (docs/testing.md).
 *
 * Each tests/fuzz/fuzz_NAME.c feeds one parser of outside input and, where
 * it is cheap, checks what the parser promises of what it returns. A broken
 * promise aborts, so libFuzzer keeps the input as a crash like any other.
 */
#ifndef CHIRON_FUZZ_H
#define CHIRON_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/taxonomy.h"
#include "core/verr.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts, naming the promise, when cond does not hold. */
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* The built-in taxonomy, loaded once (from LLVMFuzzerInitialize). */
static inline const struct taxonomy *
fuzz_taxonomy(void)
{
	static struct taxonomy *tax;
	struct verr e;

	if (!tax && tax_load(&tax, chiron_taxonomy_json, chiron_taxonomy_json_len, &e)) {
		fprintf(stderr, "taxonomy: %s: %s\n", e.field, e.msg);
		abort();
	}
	return tax;
}

/* A NUL-ended copy of the input, for parsers that read C strings; the
 * caller frees it. A NUL inside the input ends the string early, as it
 * would for the parser's real callers. */
static inline char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
