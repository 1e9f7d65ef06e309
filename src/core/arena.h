/*
 * arena.h: a bump allocator for memory that dies together.
 *
 * A parsed record, a query and its result, or one HTTP request allocate
 * from an arena and are released in one arena_reset() or arena_free().
 * Allocation failure returns NULL; nothing allocated from an arena may be
 * passed to free().
 */
#ifndef CHIRON_ARENA_H
#define CHIRON_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;  /* newest block first */
	size_t block_size;         /* size of ordinary blocks */
};

void arena_init(struct arena *a, size_t block_size);
void *arena_alloc(struct arena *a, size_t n);       /* 16-byte aligned */
void *arena_calloc(struct arena *a, size_t n, size_t size);
/*
 * Room for one more element of size bytes in the array *v of *n used and
 * *cap allocated in a: doubles it (from first) into new arena memory when
 * full, the old copy left to the arena. The new element's address, or
 * NULL (nothing changed) when out of memory.
 */
void *arena_grow(struct arena *a, void *v, int *n, int *cap, size_t size, int first);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* Releases everything but the first block, which is kept for reuse. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

#endif
