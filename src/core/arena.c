/*
 * arena.c: bump allocation in a list of blocks (see arena.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

void
arena_init(struct arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 16384;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t need = (n + 15) & ~(size_t)15;

	if (need < n)
		return NULL;
	if (!b || b->size - b->used < need) {
		size_t size = need > a->block_size ? need : a->block_size;

		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		/* A big one-off block goes behind the current one, so the
		 * current block's free tail stays usable. */
		if (a->head && need > a->block_size) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	b->used += need;
	return b->data + b->used - need;
}

void *
arena_calloc(struct arena *a, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = arena_alloc(a, n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *
arena_grow(struct arena *a, void *v, int *n, int *cap, size_t size, int first)
{
	void **pv = v;

	if (*n == *cap) {
		int nc = *cap ? *cap * 2 : first;
		void *p;

		if (nc <= *cap || (size_t)nc > SIZE_MAX / size || !(p = arena_alloc(a, (size_t)nc * size)))
			return NULL;
		if (*n)
			memcpy(p, *pv, (size_t)*n * size);
		*pv = p;
		*cap = nc;
	}
	return (char *)*pv + (size_t)(*n)++ * size;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void
arena_reset(struct arena *a)
{
	struct arena_block *b = a->head, *next;

	if (!b)
		return;
	/* Keep the last (oldest) ordinary block. */
	while (b->next) {
		next = b->next;
		free(b);
		b = next;
	}
	b->used = 0;
	a->head = b;
}

void
arena_free(struct arena *a)
{
	struct arena_block *b = a->head, *next;

	while (b) {
		next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}
