/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * sort.h - in-place heapsort (no recursion, no allocation), and a stable
 * natural merge sort with a caller's scratch buffer that is linear on
 * input made of few sorted runs.
 */
#ifndef HEKI_VTL1_SORT_H
#define HEKI_VTL1_SORT_H

#include "libc.h"
#include <heki/abi.h>

void vtl1_sort(void *base, __u32 n, __u32 size,
	       int (*cmp)(const void *a, const void *b));

/**
 * vtl1_merge_sort() - stable sort, linear time on input already sorted
 * @base: @n elements of @size bytes
 * @tmp: scratch space of @n * @size bytes (its contents are overwritten)
 * @n: number of elements
 * @size: bytes per element
 * @cmp: order of two elements (negative, 0, positive)
 *
 * Bottom-up merge of the input's maximal non-decreasing runs: O(n log r)
 * comparisons for r runs (O(n log n) worst case), no recursion.
 */
void vtl1_merge_sort(void *base, void *tmp, __u32 n, __u32 size,
		     int (*cmp)(const void *a, const void *b));

#endif /* HEKI_VTL1_SORT_H */
