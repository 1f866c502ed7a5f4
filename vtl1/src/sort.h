/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * sort.h - in-place heapsort (no recursion, no allocation).
 */
#ifndef HEKI_VTL1_SORT_H
#define HEKI_VTL1_SORT_H

#include "libc.h"
#include <heki/abi.h>

void vtl1_sort(void *base, __u32 n, __u32 size,
	       int (*cmp)(const void *a, const void *b));

#endif /* HEKI_VTL1_SORT_H */
