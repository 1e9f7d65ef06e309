/*
 * strmap.h: an open-addressing hash map from strings to 32-bit values.
 *
 * Keys are copied into the map's own arena; the map only grows. Used for
 * the id -> row maps of the index and for duplicate checks on import.
 */
#ifndef CHIRON_STRMAP_H
#define CHIRON_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct strmap {
	const char **keys;
	uint32_t *vals;
	uint32_t *hashes;
	size_t cap, n;
	struct arena a;
};

void strmap_init(struct strmap *m);
/* The same, its keys kept in blocks of block bytes (a small map's). */
void strmap_init_block(struct strmap *m, size_t block);
void strmap_free(struct strmap *m);
uint32_t strmap_hash(const char *s);
/*
 * Looks key up. When absent and insert is set, adds it with value val.
 * Returns a pointer to the stored value (NULL when absent and not
 * inserted, or on allocation failure); *added tells whether it was added.
 */
uint32_t *strmap_put(struct strmap *m, const char *key, uint32_t val, int *added);
uint32_t *strmap_get(const struct strmap *m, const char *key);

#endif
