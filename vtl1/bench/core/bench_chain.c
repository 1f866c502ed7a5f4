// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * bench_chain.c - cost of walking and validating a heki_page chain of N
 * ranges against merely copying the same pages from VTL0.
 *
 *   bench_chain walk N ITER    vtl1_chain_walk() ITER times
 *   bench_chain copy N ITER    copy the chain's pages ITER times
 *
 * Prints ns per iteration. bench/core/chain.sh runs both under callgrind with
 * collection limited to do_walk() / do_copy() for instruction counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "guest.h"
#include "core/chain.h"
#include "bench_ops.h"

int main(int argc, char **argv)
{
	struct guest *g;
	struct heki_range *r;
	struct timespec t0, t1;
	__u64 n, iter, i, npages;
	int walk;

	if (argc != 4)
		return 2;
	walk = !strcmp(argv[1], "walk");
	n = strtoull(argv[2], NULL, 0);
	iter = strtoull(argv[3], NULL, 0);
	npages = (n + HEKI_MAX_RANGES - 1) / HEKI_MAX_RANGES;
	g = guest_new();
	r = calloc(n, sizeof(*r));
	for (i = 0; i < n; i++) {
		__u64 pa = 0x800000ULL + (i % 1024) * HEKI_PAGE_SIZE;

		r[i].va = 0xffffffff80000000ULL + pa;
		r[i].pa = pa;
		r[i].epa = pa + HEKI_PAGE_SIZE;
		r[i].attributes = 5;
	}
	guest_chain(g, BENCH_CHAIN_PA, r, (__u32)n, 0);

	/* Warm-up outside the measured functions: first-use allocations. */
	{
		struct vtl1_chain c;

		if (vtl1_chain_walk(g->v, BENCH_CHAIN_PA, n, &c))
			bench_fail("warm-up chain walk refused");
		vtl1_chain_free(g->v, &c);
		g->nr_ev = 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < iter; i++) {
		if (walk)
			do_walk(g, n);
		else
			do_copy(g, npages);
		g->nr_ev = 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%s ranges=%llu pages=%llu ns_per_call=%.0f\n", argv[1],
	       (unsigned long long)n, (unsigned long long)npages,
	       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) /
	       (double)iter);
	free(r);
	guest_free(g);
	return 0;
}
