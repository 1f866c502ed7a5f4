// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * fuzz_chain.c - libFuzzer harness of the heki_page chain walk: the input
 * is nranges (8 bytes) followed by up to 16 pages of chain placed at a
 * fixed guest address; next_pa may point anywhere (other pages are zero,
 * VTL1 memory must be refused, not read). Checks the invariants of a
 * successful walk: exactly nranges ranges, each in valid form.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "guest.h"
#include "core/chain.h"

#define FUZZ_CHAIN_PA	0x10000ULL
#define FUZZ_CHAIN_MAX	(16 * HEKI_PAGE_SIZE)

static struct guest *g;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vtl1_chain c;
	__u64 nranges = 0, len;
	__u32 i;
	int ret;

	if (!g) {
		g = guest_new();
		g->quiet = 1;
	}
	if (size < 8)
		return 0;
	memcpy(&nranges, data, 8);
	/* Keep most inputs in the interesting range, some above the limit. */
	if (!(nranges >> 63))
		nranges %= 2 * HEKI_VTL1_MAX_RANGES;
	len = size - 8 < FUZZ_CHAIN_MAX ? size - 8 : FUZZ_CHAIN_MAX;
	memcpy(g->mem + FUZZ_CHAIN_PA, data + 8, len);

	ret = vtl1_chain_walk(g->v, FUZZ_CHAIN_PA, nranges, &c);
	if (!ret) {
		if (c.n != nranges)
			abort();
		for (i = 0; i < c.n; i++)
			if (vtl1_chain_check_range(&c.r[i]))
				abort();
		vtl1_chain_free(g->v, &c);
	} else if (ret > 0 || c.r) {
		abort();
	}
	/* instance, VTL1 ranges, the kept chain buffer: nothing else */
	if (g->live_alloc > 3)
		abort();
	memset(g->mem + FUZZ_CHAIN_PA, 0, len);
	g->nr_ev = 0;
	return 0;
}
