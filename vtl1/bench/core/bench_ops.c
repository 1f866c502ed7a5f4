// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * bench_ops.c - walk + validate a chain, or merely copy its pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include "bench_ops.h"
#include "core/chain.h"

static struct heki_page page_buf;

void bench_fail(const char *why)
{
	fprintf(stderr, "bench_chain: %s\n", why);
	exit(1);
}

void do_walk(struct guest *g, __u64 n)
{
	struct vtl1_chain c;

	if (vtl1_chain_walk(g->v, BENCH_CHAIN_PA, n, &c))
		bench_fail("chain walk refused the benchmark chain");
	vtl1_chain_free(g->v, &c);
}

void do_copy(struct guest *g, __u64 npages)
{
	__u64 i;

	for (i = 0; i < npages; i++)
		if (g->plat.copy_from_vtl0(g->plat.ctx, &page_buf,
					   heki_gpa(BENCH_CHAIN_PA +
						    i * HEKI_PAGE_SIZE),
					   HEKI_PAGE_SIZE))
			bench_fail("copy from the simulated guest failed");
}
