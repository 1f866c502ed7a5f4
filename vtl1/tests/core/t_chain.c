// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_chain.c - the heki_page chain walk (core/chain.c).
 */
#include "test.h"
#include "core/core.h"

#define PROTECT VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE

static struct heki_range prot_r(__u64 pa, __u64 npages, __u64 attr)
{
	return rng(KVA(pa), pa, pa + (npages << 12), attr);
}

TEST(chain_multi_page_300_ranges)
{
	struct guest *g = guest_new();
	static struct heki_range r[300];
	struct heki_vtl1_frame_info fi;
	unsigned int i;

	for (i = 0; i < 300; i++)
		r[i] = prot_r(MEM_PA + i * 0x2000ULL, 1, 1);
	CHECK_EQ(call_chain(g, PROTECT, r, 300, 0), 0);
	for (i = 0; i < 300; i++)
		CHECK_EQ(frame_prot(g, MEM_PA + i * 0x2000ULL), 0x9);
	CHECK_EQ(frame_prot(g, MEM_PA + 0x1000), 0xF);
	heki_vtl1_get_frame_info(g->v, (MEM_PA >> 12) + 2, &fi);
	CHECK_EQ(fi.owner, HEKI_VTL1_OWNER_KERNEL);
	CHECK_EQ(fi.prot, 0x9);
	guest_free(g);
}

TEST(chain_127_per_page_ok_128_refused)
{
	struct guest *g = guest_new();
	static struct heki_range r[128];
	struct heki_page p;
	unsigned int i;

	for (i = 0; i < 128; i++)
		r[i] = prot_r(MEM_PA + i * 0x1000ULL, 1, 1);
	CHECK_EQ(call_chain(g, PROTECT, r, 127, 0), 0);
	guest_free(g);

	g = guest_new();
	memset(&p, 0, sizeof(p));
	p.nranges = 128;
	memcpy(p.ranges, r, sizeof(p.ranges));
	guest_write(g, CHAIN_PA, &p, sizeof(p));
	CHECK_EQ(guest_call(g, PROTECT, CHAIN_PA, 128, 0), -HEKI_EFAULT);
	CHECK(strstr(g->last_log, "CHAIN_PAGE_NRANGES_INVALID"));
	CHECK_EQ(g->nr_modify, 0);
	guest_free(g);
}

TEST(litebox_7_14_huge_nranges_no_alloc)
{
	struct guest *g = guest_new();
	long before = g->nr_alloc;
	struct heki_range r = prot_r(MEM_PA, 1, 1);

	guest_chain(g, CHAIN_PA, &r, 1, 0);
	CHECK_EQ(guest_call(g, PROTECT, CHAIN_PA, 1ULL << 40, 0), -HEKI_E2BIG);
	CHECK_EQ(guest_call(g, PROTECT, CHAIN_PA, HEKI_VTL1_MAX_RANGES + 1, 0),
		 -HEKI_E2BIG);
	CHECK_EQ(g->nr_alloc, before);
	CHECK_EQ(g->nr_ev, 0);
	guest_free(g);
}

TEST(litebox_7_14_cycle_of_empty_pages_ends)
{
	struct guest *g = guest_new();
	struct heki_page p;

	memset(&p, 0, sizeof(p));
	p.nranges = 0;
	p.next_pa = CHAIN_PA;
	guest_write(g, CHAIN_PA, &p, sizeof(p));
	CHECK_EQ(guest_call(g, PROTECT, CHAIN_PA, 10, 0), -HEKI_EFAULT);
	CHECK_EQ(g->nr_ev, 1);		/* one page header, then the stop */
	/* instance, its VTL1 range list, the (kept) chain range buffer */
	CHECK_EQ(g->live_alloc, 3);
	guest_free(g);
}

TEST(litebox_7_14_cycle_of_full_pages_ends_after_nranges)
{
	struct guest *g = guest_new();
	struct heki_range r = prot_r(MEM_PA, 1, 1);
	struct heki_page p;

	memset(&p, 0, sizeof(p));
	p.nranges = 1;
	p.next_pa = CHAIN_PA;
	p.ranges[0] = r;
	guest_write(g, CHAIN_PA, &p, sizeof(p));
	CHECK_EQ(guest_call(g, PROTECT, CHAIN_PA, 5, 0), 0);
	CHECK_EQ(guest_event_index(g, GUEST_EV_MODIFY, MEM_PA) >= 0, 1);
	CHECK_EQ(g->nr_modify, 1);	/* duplicates merge into one change */
	guest_free(g);
}

TEST(chain_total_exceeds_nranges_efault)
{
	struct guest *g = guest_new();
	struct heki_range r[3] = { prot_r(MEM_PA, 1, 1),
				   prot_r(MEM_PA + 0x1000, 1, 1),
				   prot_r(MEM_PA + 0x2000, 1, 1) };

	guest_chain(g, CHAIN_PA, r, 3, 0);
	CHECK_EQ(guest_call(g, PROTECT, CHAIN_PA, 2, 0), -HEKI_EFAULT);
	CHECK(strstr(g->last_log, "CHAIN_RANGES_EXCEED"));
	CHECK_EQ(g->nr_modify, 0);
	guest_free(g);
}

TEST(chain_short_chain_next_pa_page0_read)
{
	/*
	 * nranges promises more than the chain holds: page 0 is fetched,
	 * it is empty, and the call fails without changing anything.
	 */
	struct guest *g = guest_new();
	struct heki_range r = prot_r(MEM_PA, 1, 1);

	guest_chain(g, CHAIN_PA, &r, 1, 0);
	CHECK_EQ(guest_call(g, PROTECT, CHAIN_PA, 2, 0), -HEKI_EFAULT);
	CHECK_EQ(g->nr_modify, 0);
	guest_free(g);
}

TEST(chain_range_form_checks)
{
	static const struct {
		__u64 va, pa, epa;
		const char *err;
	} cases[] = {
		{ KVA(MEM_PA), MEM_PA + 0x1000, MEM_PA, "RANGE_END_BEFORE_START" },
		{ KVA(MEM_PA), 1ULL << 52, (1ULL << 52) + 0x1000,
		  "INVALID_PHYSICAL_ADDRESS" },
		{ KVA(MEM_PA), MEM_PA, (1ULL << 52) + 0x1000,
		  "INVALID_PHYSICAL_ADDRESS" },
		{ 0x0000800000000000ULL, MEM_PA, MEM_PA + 0x1000,
		  "INVALID_VIRTUAL_ADDRESS" },
		{ 0xffff7fffffff0000ULL, MEM_PA, MEM_PA + 0x1000,
		  "INVALID_VIRTUAL_ADDRESS" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct guest *g = guest_new();
		struct heki_range r = rng(cases[i].va, cases[i].pa,
					  cases[i].epa, 1);

		CHECK_EQ(call_chain(g, PROTECT, &r, 1, 0), -HEKI_EFAULT);
		CHECK(strstr(g->last_log, cases[i].err));
		CHECK_EQ(g->nr_modify, 0);
		guest_free(g);
	}
}

TEST(chain_next_pa_unaligned_efault)
{
	struct guest *g = guest_new();
	struct heki_range r[2] = { prot_r(MEM_PA, 1, 1),
				   prot_r(MEM_PA + 0x1000, 1, 1) };
	struct heki_page p;

	guest_chain(g, CHAIN_PA, r, 2, 1);
	guest_read(g, CHAIN_PA, &p, sizeof(p));
	p.next_pa += 8;
	guest_write(g, CHAIN_PA, &p, sizeof(p));
	CHECK_EQ(guest_call(g, PROTECT, CHAIN_PA, 2, 0), -HEKI_EFAULT);
	CHECK(strstr(g->last_log, "CHAIN_NEXT_INVALID"));
	guest_free(g);
}

TEST(chain_page_unreadable_efault)
{
	struct guest *g = guest_new();
	struct heki_range r = prot_r(MEM_PA, 1, 1);

	guest_chain(g, CHAIN_PA, &r, 1, 0);
	g->fail_read_lo = CHAIN_PA;
	g->fail_read_hi = CHAIN_PA + 1;
	CHECK_EQ(guest_call(g, PROTECT, CHAIN_PA, 1, 0), -HEKI_EFAULT);
	CHECK(strstr(g->last_log, "HEKI_PAGES_COPY_FAILED"));
	guest_free(g);
}

TEST(chain_page_in_vtl1_eacces_never_read)
{
	struct guest *g = guest_new();

	/* guest.c aborts if the library ever reads VTL1 memory. */
	CHECK_EQ(guest_call(g, PROTECT, GUEST_VTL1_PA, 1, 0), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "RANGE_IN_VTL1"));
	guest_free(g);
}

TEST(chain_out_of_memory_enomem)
{
	struct guest *g = guest_new();
	struct heki_range r = prot_r(MEM_PA, 1, 1);

	g->alloc_fail_after = g->nr_alloc;
	CHECK_EQ(call_chain(g, PROTECT, &r, 1, 0), -HEKI_ENOMEM);
	g->alloc_fail_after = g->nr_alloc + 1;
	CHECK_EQ(call_chain(g, PROTECT, &r, 1, 0), -HEKI_ENOMEM);
	CHECK_EQ(g->live_alloc, 3);	/* only the kept chain range buffer */
	g->alloc_fail_after = -1;
	CHECK_EQ(g->nr_modify, 0);
	guest_free(g);
}
