/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * sort.h - in-place heapsort (no recursion, no allocation), and a stable
 * natural merge sort of indices with a caller's scratch buffer that is
 * linear on input made of few sorted runs; membership in a sorted array.
 */
#ifndef HEKI_VTL1_SORT_H
#define HEKI_VTL1_SORT_H

#include "libc.h"
#include <heki/abi.h>

void vtl1_sort(void *base, __u32 n, __u32 size,
	       int (*cmp)(const void *a, const void *b));

/**
 * vtl1_merge_sort_idx() - stable sort of an index array, linear time on
 *	input already sorted
 * @idx: @n indices of the caller's elements, permuted into sorted order
 * @tmp: scratch space of @n indices (its contents are overwritten)
 * @n: number of indices
 * @key: primary key of each element (indexed by the values in @idx)
 * @tie: order of elements @a and @b whose keys are equal (negative, 0,
 *	positive); NULL if such elements are equal
 * @ctx: passed to @tie (the caller's elements)
 *
 * Order: @key ascending, then @tie. Bottom-up merge of the input's maximal
 * non-decreasing runs: O(n log r) comparisons for r runs (O(n log n)
 * worst case), no recursion; elements never move, only their 4-byte
 * indices do, and most comparisons read only the compact @key array.
 */
void vtl1_merge_sort_idx(__u32 *idx, __u32 *tmp, __u32 n, const __u64 *key,
			 int (*tie)(const void *ctx, __u32 a, __u32 b),
			 const void *ctx);

/* Digit width of vtl1_radix_sort_idx() and the size of its @count. */
#define VTL1_RADIX_BITS	11U
#define VTL1_RADIX_SIZE	(1U << VTL1_RADIX_BITS)

/**
 * vtl1_radix_sort_idx() - stable sort of an index array by a 64-bit key
 * @idx: @n indices of the caller's elements, permuted into @key order
 *	(elements with equal keys keep their order in @idx)
 * @tmp: scratch space of @n indices (its contents are overwritten)
 * @n: number of indices
 * @key: key of each element (indexed by the values in @idx)
 * @count: scratch space of VTL1_RADIX_SIZE counters
 *
 * Least-significant-digit radix sort, VTL1_RADIX_BITS per pass, as many
 * passes as the largest key has digits: O(n) per pass, no comparisons.
 */
void vtl1_radix_sort_idx(__u32 *idx, __u32 *tmp, __u32 n, const __u64 *key,
			 __u32 *count);

/**
 * vtl1_sorted_has() - is a value in an ascending array?
 * @a: @n values in ascending order (NULL if @n is 0)
 * @n: number of values
 * @x: the value
 *
 * Binary search: O(log n), no recursion.
 * Return: 1 if some @a[i] equals @x, else 0.
 */
int vtl1_sorted_has(const __u64 *a, __u64 n, __u64 x);

#endif /* HEKI_VTL1_SORT_H */
