// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * sort.c - in-place heapsort: O(n log n) worst case, constant stack.
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
