// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * sort.c - in-place heapsort: O(n log n) worst case, constant stack; and a
 * natural merge sort of an index array for input that is mostly sorted;
 * binary search of an ascending array.
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

/**
 * struct keyed - what orders two indices
 * @key: primary key of each element
 * @tie: order of two elements with equal keys (NULL: equal)
 * @ctx: passed to @tie
 */
struct keyed {
	const __u64 *key;
	int (*tie)(const void *ctx, __u32 a, __u32 b);
	const void *ctx;
};

static inline int keyed_cmp(const struct keyed *k, __u32 a, __u32 b)
{
	if (k->key[a] != k->key[b])
		return k->key[a] < k->key[b] ? -1 : 1;
	return k->tie ? k->tie(k->ctx, a, b) : 0;
}

/* One past the last index of the non-decreasing run starting at @i. */
static __u32 run_end(const __u32 *x, __u32 i, __u32 n, const struct keyed *k)
{
	for (i++; i < n; i++)
		if (keyed_cmp(k, x[i - 1], x[i]) > 0)
			break;
	return i;
}

/*
 * Merge the sorted runs src[lo, mid) and src[mid, hi) into dst[lo, hi),
 * the left run first among equals (stable).
 */
static void merge(const __u32 *src, __u32 *dst, __u32 lo, __u32 mid,
		  __u32 hi, const struct keyed *k)
{
	__u32 i = lo, j = mid, o = lo;

	while (i < mid && j < hi)
		dst[o++] = keyed_cmp(k, src[i], src[j]) <= 0 ? src[i++] :
							      src[j++];
	while (i < mid)
		dst[o++] = src[i++];
	while (j < hi)
		dst[o++] = src[j++];
}

void vtl1_merge_sort_idx(__u32 *idx, __u32 *tmp, __u32 n, const __u64 *key,
			 int (*tie)(const void *ctx, __u32 a, __u32 b),
			 const void *ctx)
{
	const struct keyed k = { key, tie, ctx };
	__u32 *src = idx, *dst = tmp, *t;
	__u32 lo, mid, hi, runs, i;

	if (n < 2 || run_end(src, 0, n, &k) == n)
		return;
	do {
		runs = 0;
		for (lo = 0; lo < n; lo = hi) {
			mid = run_end(src, lo, n, &k);
			hi = mid < n ? run_end(src, mid, n, &k) : n;
			merge(src, dst, lo, mid, hi, &k);
			runs++;
		}
		t = src;
		src = dst;
		dst = t;
	} while (runs > 1);
	if (src != idx)
		for (i = 0; i < n; i++)
			idx[i] = src[i];
}

void vtl1_radix_sort_idx(__u32 *idx, __u32 *tmp, __u32 n, const __u64 *key,
			 __u32 *count)
{
	__u32 *src = idx, *dst = tmp, *t, i, d, sum, c;
	__u64 max = 0;
	unsigned int shift;

	for (i = 0; i < n; i++)
		if (key[idx[i]] > max)
			max = key[idx[i]];
	for (shift = 0; shift < 64 && (max >> shift); shift += VTL1_RADIX_BITS) {
		for (d = 0; d < VTL1_RADIX_SIZE; d++)
			count[d] = 0;
		for (i = 0; i < n; i++)
			count[(key[src[i]] >> shift) & (VTL1_RADIX_SIZE - 1)]++;
		for (d = 0, sum = 0; d < VTL1_RADIX_SIZE; d++) {
			c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(key[src[i]] >> shift) &
				  (VTL1_RADIX_SIZE - 1)]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != idx)
		for (i = 0; i < n; i++)
			idx[i] = src[i];
}

int vtl1_sorted_has(const __u64 *a, __u64 n, __u64 x)
{
	__u64 lo = 0, hi = n;

	while (lo < hi) {
		__u64 mid = lo + (hi - lo) / 2;

		if (a[mid] == x)
			return 1;
		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}
