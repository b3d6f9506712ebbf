/* SPDX-License-Identifier: GPL-2.0-or-later */
/* grow.h - room for one more entry in a growable array. */
#ifndef NSRUN_GROW_H
#define NSRUN_GROW_H

#include <stdlib.h>

/* Entries of a growable array's first allocation. */
#define GROW_FIRST 64

/**
 * grow() - make room for entry @n of an array, doubling it when full
 * @v:		the array, NULL before the first entry
 * @size:	entries allocated; updated when the array grows
 * @n:		entries used
 * @elem:	bytes per entry
 *
 * Return: the array, moved or not, or NULL (and @v untouched) when out of
 * memory.
 */
static inline void *grow(void *v, size_t *size, size_t n, size_t elem)
{
	size_t want = *size ? 2 * *size : GROW_FIRST;
	void *grown;

	if (n < *size)
		return v;
	grown = realloc(v, want * elem);
	if (grown)
		*size = want;
	return grown;
}

#endif /* NSRUN_GROW_H */
