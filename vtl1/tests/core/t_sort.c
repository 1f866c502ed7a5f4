// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_sort.c - vtl1_merge_sort_idx(): sorted, stable order on every input
 * shape the module engine meets (sorted, reversed, runs, duplicates),
 * checked against an insertion sort; the primary key alone, and a coarse
 * primary key (key / 4) whose ties the callback orders; the radix sort;
 * vtl1_sorted_has() at, between and beyond every element.
 */
#include <stdlib.h>
#include "test.h"
#include "core/sort.h"

struct elem {
	__u32 key;
	__u32 seq;	/* input position: checks stability */
};

static int tie_cmp(const void *ctx, __u32 a, __u32 b)
{
	const struct elem *x = (const struct elem *)ctx + a;
	const struct elem *y = (const struct elem *)ctx + b;

	return (x->key > y->key) - (x->key < y->key);
}

/* Reference: stable insertion sort by key. */
static void ref_sort(struct elem *e, __u32 n)
{
	__u32 i, j;

	for (i = 1; i < n; i++) {
		struct elem t = e[i];

		for (j = i; j > 0 && e[j - 1].key > t.key; j--)
			e[j] = e[j - 1];
		e[j] = t;
	}
}

enum shape { SORTED, REVERSED, RUNS, RANDOM, DUPLICATES, EQUAL, NR_SHAPES };

static __u32 key_of(enum shape s, __u32 i, __u32 n)
{
	switch (s) {
	case SORTED:
		return i;
	case REVERSED:
		return n - i;
	case RUNS:	/* seven ascending runs, interleaved ranges */
		return (i % (n / 7 + 1)) * 7 + i / (n / 7 + 1);
	case RANDOM:
		return (__u32)rand();
	case DUPLICATES:
		return (__u32)rand() % 5;
	default:
		return 42;
	}
}

static int check_shape(enum shape s, __u32 n, int coarse)
{
	struct elem *a = calloc(n + 1, sizeof(*a));
	struct elem *ref = calloc(n + 1, sizeof(*ref));
	__u32 *idx = calloc(2 * n + 1, sizeof(*idx));
	__u64 *key = calloc(n + 1, sizeof(*key));
	__u32 i;
	int ok = 1;

	if (!a || !ref || !idx || !key)
		abort();
	for (i = 0; i < n; i++) {
		a[i].key = key_of(s, i, n);
		a[i].seq = i;
		idx[i] = i;
		key[i] = coarse ? a[i].key / 4 : a[i].key;
	}
	memcpy(ref, a, n * sizeof(*a));
	ref_sort(ref, n);
	vtl1_merge_sort_idx(idx, idx + n, n, key, coarse ? tie_cmp : NULL, a);
	for (i = 0; i < n; i++)
		if (a[idx[i]].key != ref[i].key || a[idx[i]].seq != ref[i].seq)
			ok = 0;
	free(a);
	free(ref);
	free(idx);
	free(key);
	return ok;
}

TEST(merge_sort_matches_stable_reference)
{
	static const __u32 sizes[] = { 0, 1, 2, 3, 7, 8, 64, 1000, 4097 };
	int s, coarse;
	__u32 i;

	srand(5);
	for (coarse = 0; coarse < 2; coarse++)
		for (s = 0; s < NR_SHAPES; s++)
			for (i = 0; i < ARRAY_SIZE(sizes); i++)
				if (!check_shape((enum shape)s, sizes[i],
						 coarse))
					check_fail(__FILE__, __LINE__,
						  "shape %d, %u elements, coarse %d: not the stable order",
						  s, sizes[i], coarse);
}

TEST(merge_sort_leaves_sorted_input_alone)
{
	__u32 idx[16], tmp[16], i;
	__u64 key[16];

	for (i = 0; i < 16; i++) {
		key[i] = i / 2;
		idx[i] = i;
		tmp[i] = 0xa5a5a5a5;
	}
	vtl1_merge_sort_idx(idx, tmp, 16, key, NULL, NULL);
	for (i = 0; i < 16; i++)
		CHECK_EQ(idx[i], i);
	/* already sorted: the scratch buffer is not even touched */
	CHECK_EQ(tmp[0], 0xa5a5a5a5);
}

/* Radix sort: stable by key, keys of 0, 11, 33 and 64 bits. */
TEST(radix_sort_is_stable_by_key)
{
	static const __u64 masks[] = { 0, 0x7ff, 0x1ffffffffULL, ~0ULL };
	static __u32 count[VTL1_RADIX_SIZE];
	enum { N = 3001 };
	static __u64 key[N];
	static __u32 idx[2 * N];
	__u32 i, m;

	srand(7);
	for (m = 0; m < ARRAY_SIZE(masks); m++) {
		for (i = 0; i < N; i++) {
			key[i] = ((__u64)rand() << 33 ^ (__u64)rand() << 11 ^
				  (__u64)rand()) & masks[m];
			if (i % 5 == 0)	/* duplicates */
				key[i] = key[i / 2];
			idx[i] = i;
		}
		vtl1_radix_sort_idx(idx, idx + N, N, key, count);
		for (i = 1; i < N; i++)
			if (key[idx[i - 1]] > key[idx[i]] ||
			    (key[idx[i - 1]] == key[idx[i]] &&
			     idx[i - 1] > idx[i])) {
				check_fail(__FILE__, __LINE__,
					  "mask %u: position %u out of order", m, i);
				break;
			}
	}
}

/*
 * vtl1_sorted_has(): every element found, every value between two, below
 * the first and above the last not; duplicates, the ends of the __u64
 * range, and an empty array (NULL) hold nothing.
 */
TEST(sorted_has_finds_exactly_the_elements)
{
	static const __u64 a[] = { 0, 1, 3, 3, 0x1000, 0xffffffff81000000ULL,
				   ~0ULL - 1, ~0ULL };
	static const __u64 absent[] = { 2, 4, 0xfff, 0x1001,
					0xffffffff80ffffffULL,
					0xffffffff81000001ULL, ~0ULL - 2 };
	__u64 n, i;

	for (i = 0; i < ARRAY_SIZE(a); i++)
		CHECK_EQ(vtl1_sorted_has(a, ARRAY_SIZE(a), a[i]), 1);
	for (i = 0; i < ARRAY_SIZE(absent); i++)
		CHECK_EQ(vtl1_sorted_has(a, ARRAY_SIZE(a), absent[i]), 0);
	/* Every prefix: the last element is found, the next one is not. */
	for (n = 1; n < ARRAY_SIZE(a) - 1; n++) {
		CHECK_EQ(vtl1_sorted_has(a, n, a[n - 1]), 1);
		if (a[n] != a[n - 1])
			CHECK_EQ(vtl1_sorted_has(a, n, a[n]), 0);
	}
	CHECK_EQ(vtl1_sorted_has(a + 1, ARRAY_SIZE(a) - 1, 0), 0);
	CHECK_EQ(vtl1_sorted_has(NULL, 0, 0), 0);
}
