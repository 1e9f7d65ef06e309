/*
 * strmap.c: string hash map with linear probing (see strmap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"

void
strmap_init(struct strmap *m)
{
	strmap_init_block(m, 1 << 20);
}

void
strmap_init_block(struct strmap *m, size_t block)
{
	memset(m, 0, sizeof(*m));
	arena_init(&m->a, block);
}

void
strmap_free(struct strmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->hashes);
	arena_free(&m->a);
	memset(m, 0, sizeof(*m));
}

uint32_t
strmap_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return (uint32_t)(h ^ (h >> 32)) | 1u;  /* 0 marks an empty slot */
}

static int
grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i;
	const char **keys = calloc(cap, sizeof(*keys));
	uint32_t *vals = calloc(cap, sizeof(*vals));
	uint32_t *hashes = calloc(cap, sizeof(*hashes));

	if (!keys || !vals || !hashes) {
		free(keys);
		free(vals);
		free(hashes);
		return -1;
	}
	for (i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->hashes[i])
			continue;
		for (j = m->hashes[i] & (cap - 1); hashes[j]; j = (j + 1) & (cap - 1))
			;
		hashes[j] = m->hashes[i];
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	free(m->hashes);
	m->keys = keys;
	m->vals = vals;
	m->hashes = hashes;
	m->cap = cap;
	return 0;
}

uint32_t *
strmap_get(const struct strmap *m, const char *key)
{
	uint32_t h;
	size_t i;

	if (!m->cap)
		return NULL;
	h = strmap_hash(key);
	for (i = h & (m->cap - 1); m->hashes[i]; i = (i + 1) & (m->cap - 1))
		if (m->hashes[i] == h && strcmp(m->keys[i], key) == 0)
			return &m->vals[i];
	return NULL;
}

uint32_t *
strmap_put(struct strmap *m, const char *key, uint32_t val, int *added)
{
	uint32_t h, *v;
	size_t i;

	*added = 0;
	if ((v = strmap_get(m, key)))
		return v;
	if ((m->n + 1) * 2 > m->cap && grow(m))
		return NULL;
	h = strmap_hash(key);
	for (i = h & (m->cap - 1); m->hashes[i]; i = (i + 1) & (m->cap - 1))
		;
	m->keys[i] = arena_strdup(&m->a, key);
	if (!m->keys[i])
		return NULL;
	m->hashes[i] = h;
	m->vals[i] = val;
	m->n++;
	*added = 1;
	return &m->vals[i];
}
