// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * sort.c - in-place heapsort: O(n log n) worst case, constant stack; and a
 * natural merge sort for input that is mostly sorted already.
 */
#include "sort.h"

/*
 * Swap two elements eight bytes at a time, then the tail byte by byte
 * (__builtin_memcpy: no alignment assumed, inlined even with -fno-builtin).
 */
static void swap_bytes(__u8 *a, __u8 *b, __u32 size)
{
	while (size >= 8) {
		__u64 x, y;

		__builtin_memcpy(&x, a, 8);
		__builtin_memcpy(&y, b, 8);
		__builtin_memcpy(a, &y, 8);
		__builtin_memcpy(b, &x, 8);
		a += 8;
		b += 8;
		size -= 8;
	}
	while (size--) {
		__u8 t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

static void sift_down(__u8 *base, __u32 root, __u32 n, __u32 size,
		      int (*cmp)(const void *a, const void *b))
{
	for (;;) {
		__u32 child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n &&
		    cmp(base + (__u64)child * size,
			base + (__u64)(child + 1) * size) < 0)
			child++;
		if (cmp(base + (__u64)root * size,
			base + (__u64)child * size) >= 0)
			return;
		swap_bytes(base + (__u64)root * size,
			   base + (__u64)child * size, size);
		root = child;
	}
}

void vtl1_sort(void *base, __u32 n, __u32 size,
	       int (*cmp)(const void *a, const void *b))
{
	__u8 *b = base;
	__u32 i;

	if (n < 2)
		return;
	for (i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	for (i = n - 1; i > 0; i--) {
		swap_bytes(b, b + (__u64)i * size, size);
		sift_down(b, 0, i, size, cmp);
	}
}

/* One past the last element of the non-decreasing run starting at @i. */
static __u32 run_end(const __u8 *b, __u32 i, __u32 n, __u32 size,
		     int (*cmp)(const void *a, const void *b))
{
	for (i++; i < n; i++)
		if (cmp(b + (__u64)(i - 1) * size, b + (__u64)i * size) > 0)
			break;
	return i;
}

/*
 * Merge the sorted runs src[lo, mid) and src[mid, hi) into dst[lo, hi),
 * the left run first among equals (stable).
 */
static void merge(const __u8 *src, __u8 *dst, __u32 lo, __u32 mid, __u32 hi,
		  __u32 size, int (*cmp)(const void *a, const void *b))
{
	__u32 i = lo, j = mid, k = lo;

	while (i < mid && j < hi) {
		const __u8 *x = src + (__u64)i * size;
		const __u8 *y = src + (__u64)j * size;

		if (cmp(x, y) <= 0) {
			__builtin_memcpy(dst + (__u64)k * size, x, size);
			i++;
		} else {
			__builtin_memcpy(dst + (__u64)k * size, y, size);
			j++;
		}
		k++;
	}
	/* The rest of the run that is left (@hi == @mid: all of it). */
	if (i < mid) {
		__builtin_memcpy(dst + (__u64)k * size, src + (__u64)i * size,
				 (__u64)(mid - i) * size);
		k += mid - i;
	}
	if (j < hi)
		__builtin_memcpy(dst + (__u64)k * size, src + (__u64)j * size,
				 (__u64)(hi - j) * size);
}

void vtl1_merge_sort(void *base, void *tmp, __u32 n, __u32 size,
		     int (*cmp)(const void *a, const void *b))
{
	__u8 *src = base, *dst = tmp, *t;
	__u32 lo, mid, hi, runs;

	if (n < 2 || run_end(src, 0, n, size, cmp) == n)
		return;
	do {
		runs = 0;
		for (lo = 0; lo < n; lo = hi) {
			mid = run_end(src, lo, n, size, cmp);
			hi = mid < n ? run_end(src, mid, n, size, cmp) : n;
			merge(src, dst, lo, mid, hi, size, cmp);
			runs++;
		}
		t = src;
		src = dst;
		dst = t;
	} while (runs > 1);
	if (src != base)
		__builtin_memcpy(base, src, (__u64)n * size);
}
