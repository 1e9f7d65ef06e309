/*
 * vec.h: a growable array of elements of one size, for every list that
 * is gathered before it is used (rows read from the store, samples,
 * pairs of the index builder).
 *
 *	struct vec v = VEC_INIT(struct store_appt);
 *	struct store_appt *a = vec_push(&v);    (NULL: out of memory)
 *	...
 *	((struct store_appt *)v.p)[i], i < v.n
 *	vec_free(&v);
 *
 * or, for an array kept in typed fields, VEC_PUSH below.
 *
 * The capacity doubles from VEC_FIRST elements; a size in bytes that
 * would overflow size_t fails like an allocation does, so no caller
 * multiplies a count by itself. The array owns v.p until vec_free(), or
 * until the caller takes it (then it frees v.p and must not vec_free).
 */
#ifndef CHIRON_VEC_H
#define CHIRON_VEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct vec {
	void *p;                        /* the elements, NULL while cap is 0 */
	size_t n, cap;                  /* elements used, elements allocated */
	size_t size;                    /* bytes an element */
};

#define VEC_INIT(type) {NULL, 0, 0, sizeof(type)}
#define VEC_FIRST 16

/*
 * The growth itself, for a typed array too: makes *(T **)pp, of cap
 * elements of size bytes, hold at least want, doubling from VEC_FIRST.
 * Returns 0, or -1 (nothing changed) when memory runs out or the size
 * would overflow.
 */
static inline int
vec_grow(void *pp, size_t *cap, size_t want, size_t size)
{
	size_t nc = *cap ? *cap : VEC_FIRST;
	void *p;

	if (want <= *cap)
		return 0;
	while (nc < want) {
		if (nc > SIZE_MAX / 2)
			return -1;
		nc *= 2;
	}
	if (size == 0 || nc > SIZE_MAX / size)
		return -1;
	memcpy(&p, pp, sizeof(p));
	if (!(p = realloc(p, nc * size)))
		return -1;
	memcpy(pp, &p, sizeof(p));
	*cap = nc;
	return 0;
}

/*
 * A typed array kept as three fields (T *p; size_t n, cap): the address
 * of a new element at its end (not initialized), or NULL when it cannot
 * grow.
 *
 *	struct store_appt *a = VEC_PUSH(x->v, x->n, x->cap);
 */
#define VEC_PUSH(p, n, cap) \
	((n) == SIZE_MAX || vec_grow(&(p), &(cap), (n) + 1, sizeof(*(p))) ? NULL : &(p)[(n)++])

/* Room for at least want elements in all: 0, or -1 as vec_grow. */
static inline int
vec_reserve(struct vec *v, size_t want)
{
	return vec_grow(&v->p, &v->cap, want, v->size);
}

/* A new element at the end, not initialized; NULL (nothing changed) when
 * the array cannot grow. */
static inline void *
vec_push(struct vec *v)
{
	if (v->n == v->cap && (v->n == SIZE_MAX || vec_reserve(v, v->n + 1)))
		return NULL;
	return (char *)v->p + v->size * v->n++;
}

/* Frees the elements; v is then empty, ready for use again. */
static inline void
vec_free(struct vec *v)
{
	free(v->p);
	v->p = NULL;
	v->n = v->cap = 0;
}

#endif
