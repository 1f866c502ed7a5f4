// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_sort.c - vtl1_merge_sort(): sorted output, stability and odd element
 * sizes on every input shape the module engine meets (sorted, reversed,
 * runs, duplicates), checked against an insertion sort.
 */
#include <stdlib.h>
#include "test.h"
#include "sort.h"

/* 12 bytes: not a multiple of 8. */
struct elem {
	__u32 key;
	__u32 seq;	/* input position: checks stability */
	__u8 fill[4];
};

static int elem_cmp(const void *a, const void *b)
{
	const struct elem *x = a, *y = b;

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

static int check_shape(enum shape s, __u32 n)
{
	struct elem *a = calloc(n + 1, sizeof(*a));
	struct elem *ref = calloc(n + 1, sizeof(*ref));
	struct elem *tmp = calloc(n + 1, sizeof(*tmp));
	__u32 i;
	int ok;

	if (!a || !ref || !tmp)
		abort();
	for (i = 0; i < n; i++) {
		a[i].key = key_of(s, i, n);
		a[i].seq = i;
		memset(a[i].fill, (int)(i & 0xff), sizeof(a[i].fill));
	}
	memcpy(ref, a, n * sizeof(*a));
	ref_sort(ref, n);
	vtl1_merge_sort(a, tmp, n, sizeof(*a), elem_cmp);
	ok = !memcmp(a, ref, n * sizeof(*a));
	free(a);
	free(ref);
	free(tmp);
	return ok;
}

TEST(merge_sort_matches_stable_reference)
{
	static const __u32 sizes[] = { 0, 1, 2, 3, 7, 8, 64, 1000, 4097 };
	__u32 i;
	int s;

	srand(5);
	for (s = 0; s < NR_SHAPES; s++)
		for (i = 0; i < ARRAY_SIZE(sizes); i++)
			if (!check_shape((enum shape)s, sizes[i]))
				test_fail(__FILE__, __LINE__,
					  "shape %d, %u elements: not the stable order",
					  s, sizes[i]);
}

TEST(merge_sort_leaves_sorted_input_alone)
{
	struct elem a[16], tmp[16];
	__u32 i;

	for (i = 0; i < 16; i++) {
		a[i].key = i / 2;
		a[i].seq = i;
	}
	memset(tmp, 0xa5, sizeof(tmp));
	vtl1_merge_sort(a, tmp, 16, sizeof(a[0]), elem_cmp);
	for (i = 0; i < 16; i++)
		CHECK_EQ(a[i].seq, i);
	/* already sorted: the scratch buffer is not even touched */
	CHECK_EQ(((__u8 *)tmp)[0], 0xa5);
}
