// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_protect.c - ProtectMemory policy and AllocateRingbufferMemory.
 */
#include "test.h"
#include "core/core.h"

#define PROTECT VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE
#define RINGBUF		VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY_VALUE

static struct heki_range prot_r(__u64 pa, __u64 npages, __u64 attr)
{
	return rng(KVA(pa), pa, pa + (npages << 12), attr);
}

TEST(protect_entry_checks_efault)
{
	static const struct {
		__u64 pa, n;
	} cases[] = {
		{ CHAIN_PA + 8, 1 },		/* unaligned */
		{ CHAIN_PA, 0 },		/* nranges 0 */
		{ 1ULL << 52, 1 },		/* beyond 2^52 */
		{ ~0ULL & ~0xFFFULL, 1 },
	};
	struct guest *g = guest_new();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK_EQ(guest_call(g, PROTECT, cases[i].pa, cases[i].n, 0),
			 -HEKI_EFAULT);
	CHECK_EQ(g->nr_modify, 0);
	guest_free(g);
}

TEST(protect_after_end_of_boot_eperm)
{
	struct guest *g = guest_new();
	struct heki_range r = prot_r(MEM_PA, 1, 1);

	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE, 0, 0, 0), 0);
	CHECK_EQ(call_chain(g, PROTECT, &r, 1, 0), -HEKI_EPERM);
	CHECK_EQ(g->nr_modify, 0);
	guest_free(g);
}

TEST(protect_attributes_map_like_litebox)
{
	static const struct {
		__u64 attr;
		__u8 prot;
	} cases[] = {
		{ 0, 0x0 }, { 1, 0x9 }, { 3, 0xB }, { 5, 0xD }, { 7, 0xF },
		{ 9, 0x9 },	/* IMMUTABLE adds nothing */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct guest *g = guest_new();
		struct heki_range r = prot_r(MEM_PA, 2, cases[i].attr);

		CHECK_EQ(call_chain(g, PROTECT, &r, 1, 0), 0);
		CHECK_EQ(frame_prot(g, MEM_PA), cases[i].prot);
		CHECK_EQ(frame_prot(g, MEM_PA + 0x1000), cases[i].prot);
		CHECK_EQ(frame_prot(g, MEM_PA + 0x2000), 0xF);
		guest_free(g);
	}
}

TEST(litebox_7_12_unknown_attribute_bits_einval)
{
	struct guest *g = guest_new();
	struct heki_range r[2] = { prot_r(MEM_PA, 1, 1),
				   prot_r(MEM_PA + 0x1000, 1, 0x11) };

	CHECK_EQ(call_chain(g, PROTECT, r, 2, 0), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "MEMORY_ATTRIBUTE_INVALID"));
	CHECK_EQ(g->nr_modify, 0);
	guest_free(g);
}

TEST(protect_unaligned_range_einval)
{
	static const struct heki_range cases[] = {
		{ KVA(MEM_PA) + 8, MEM_PA, MEM_PA + 0x1000, 1 },
		{ KVA(MEM_PA), MEM_PA + 8, MEM_PA + 0x1000, 1 },
		{ KVA(MEM_PA), MEM_PA, MEM_PA + 0x800, 1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct guest *g = guest_new();

		CHECK_EQ(call_chain(g, PROTECT, &cases[i], 1, 0), -HEKI_EINVAL);
		CHECK(strstr(g->last_log, "ADDRESS_NOT_PAGE_ALIGNED"));
		guest_free(g);
	}
}

TEST(litebox_7_1_protect_vtl1_memory_refused)
{
	static const struct heki_range cases[] = {
		{ KVA(GUEST_VTL1_PA), GUEST_VTL1_PA, GUEST_VTL1_PA + 0x1000, 7 },
		{ KVA(GUEST_VTL1_PA - 0x1000), GUEST_VTL1_PA - 0x1000,
		  GUEST_VTL1_PA + 0x1000, 7 },
		{ KVA(GUEST_VTL1_PA + GUEST_VTL1_SIZE - 0x1000),
		  GUEST_VTL1_PA + GUEST_VTL1_SIZE - 0x1000,
		  GUEST_VTL1_PA + GUEST_VTL1_SIZE + 0x1000, 3 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct guest *g = guest_new();
		struct heki_range r[2] = { prot_r(MEM_PA, 1, 1), cases[i] };

		CHECK_EQ(call_chain(g, PROTECT, r, 2, 0), -HEKI_EACCES);
		CHECK(strstr(g->last_log, "RANGE_IN_VTL1"));
		CHECK_EQ(g->nr_modify, 0);
		guest_free(g);
	}
}

TEST(protect_kernel_may_tighten_not_loosen)
{
	struct guest *g = guest_new();
	struct heki_range rx = prot_r(MEM_PA, 2, 5);
	struct heki_range r = prot_r(MEM_PA, 1, 1);
	struct heki_range rw = prot_r(MEM_PA + 0x1000, 1, 3);

	CHECK_EQ(call_chain(g, PROTECT, &rx, 1, 0), 0);
	CHECK_EQ(call_chain(g, PROTECT, &rw, 1, 0), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "PROT_LOOSEN"));
	CHECK_EQ(frame_prot(g, MEM_PA + 0x1000), 0xD);
	CHECK_EQ(call_chain(g, PROTECT, &r, 1, 0), 0);
	CHECK_EQ(frame_prot(g, MEM_PA), 0x9);
	CHECK_EQ(frame_prot(g, MEM_PA + 0x1000), 0xD);
	guest_free(g);
}

TEST(protect_conflicting_ranges_in_one_call_einval)
{
	struct guest *g = guest_new();
	struct heki_range r[2] = { prot_r(MEM_PA, 2, 1),
				   prot_r(MEM_PA + 0x1000, 2, 5) };

	CHECK_EQ(call_chain(g, PROTECT, r, 2, 0), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "RANGE_CONFLICT"));
	CHECK_EQ(g->nr_modify, 0);
	guest_free(g);
}

TEST(protect_overlapping_equal_ranges_merge)
{
	struct guest *g = guest_new();
	struct heki_range r[3] = { prot_r(MEM_PA, 2, 1),
				   prot_r(MEM_PA + 0x1000, 2, 1),
				   prot_r(MEM_PA + 0x3000, 1, 1) };

	CHECK_EQ(call_chain(g, PROTECT, r, 3, 0), 0);
	CHECK_EQ(g->nr_modify, 1);
	CHECK_EQ(frame_prot(g, MEM_PA + 0x3000), 0x9);
	guest_free(g);
}

TEST(litebox_7_28_protect_all_or_nothing_on_invalid_range)
{
	struct guest *g = guest_new();
	struct heki_range r[3] = { prot_r(MEM_PA, 1, 1),
				   prot_r(MEM_PA + 0x2000, 1, 1),
				   rng(KVA(MEM_PA), MEM_PA + 0x5000, MEM_PA + 0x5001, 1) };

	CHECK_EQ(call_chain(g, PROTECT, r, 3, 0), -HEKI_EINVAL);
	CHECK_EQ(g->nr_modify, 0);
	CHECK_EQ(frame_prot(g, MEM_PA), 0xF);
	guest_free(g);
}

TEST(litebox_7_28_protect_rolls_back_on_hypercall_failure)
{
	struct guest *g = guest_new();
	struct heki_range first = prot_r(MEM_PA + 0x1000, 1, 5);
	struct heki_range r[3] = { prot_r(MEM_PA, 1, 1),
				   prot_r(MEM_PA + 0x1000, 1, 1),
				   prot_r(MEM_PA + 0x4000, 1, 1) };
	struct heki_vtl1_frame_info fi;

	CHECK_EQ(call_chain(g, PROTECT, &first, 1, 0), 0);
	g->fail_modify_at = g->nr_modify + 2;
	CHECK_EQ(call_chain(g, PROTECT, r, 3, 0), -HEKI_EIO);
	CHECK_EQ(frame_prot(g, MEM_PA), 0xF);		/* restored default */
	CHECK_EQ(frame_prot(g, MEM_PA + 0x1000), 0xD);	/* restored RX */
	CHECK_EQ(frame_prot(g, MEM_PA + 0x4000), 0xF);
	heki_vtl1_get_frame_info(g->v, MEM_PA >> 12, &fi);
	CHECK_EQ(fi.tracked, 0);
	heki_vtl1_get_frame_info(g->v, (MEM_PA >> 12) + 1, &fi);
	CHECK_EQ(fi.prot, 0xD);
	guest_free(g);
}

TEST(protect_map_coalesces_adjacent_runs)
{
	struct guest *g = guest_new();
	struct heki_range a = prot_r(MEM_PA, 1, 1);
	struct heki_range b = prot_r(MEM_PA + 0x1000, 1, 1);
	struct heki_vtl1_frame_info fi;

	CHECK_EQ(call_chain(g, PROTECT, &a, 1, 0), 0);
	CHECK_EQ(call_chain(g, PROTECT, &b, 1, 0), 0);
	heki_vtl1_get_frame_info(g->v, (MEM_PA >> 12) + 1, &fi);
	CHECK_EQ(fi.owner, HEKI_VTL1_OWNER_KERNEL);
	CHECK_EQ(g->v->map.n, 1);
	CHECK_EQ(g->v->map.e[0].npages, 2);
	guest_free(g);
}

TEST(protect_map_full_enospc)
{
	struct guest *g = guest_new();
	struct heki_range r[1];
	__u64 base = 1ULL << 32;
	__u32 i;

	CHECK_EQ(fill_prot_map(g, base), 0);
	CHECK_EQ(g->v->map.n, HEKI_VTL1_MAX_PROT_ENTRIES);
	/* one more separate run does not fit; nothing changes */
	i = g->nr_modify;
	r[0] = prot_r(base - 0x10000, 1, 1);
	CHECK_EQ(call_chain(g, PROTECT, r, 1, 0), -HEKI_ENOSPC);
	CHECK(strstr(g->last_log, "PROT_MAP_FULL"));
	CHECK_EQ(g->nr_modify, i);
	/* a run that merges with an existing one still fits */
	r[0] = prot_r(base + 0x1000, 1, 1);
	CHECK_EQ(call_chain(g, PROTECT, r, 1, 0), 0);
	guest_free(g);
}

TEST(litebox_7_25_ringbuffer_partial_last_page_protected)
{
	struct guest *g = guest_new();
	__u64 pa, size;

	CHECK_EQ(heki_vtl1_ringbuf(g->v, &pa, &size), 0);
	CHECK_EQ(guest_call(g, RINGBUF, MEM_PA + 0x100, 0x1000, 0), 0);
	CHECK_EQ(heki_vtl1_ringbuf(g->v, &pa, &size), 1);
	CHECK_EQ(pa, MEM_PA + 0x100);
	CHECK_EQ(size, 0x1000);
	CHECK_EQ(frame_prot(g, MEM_PA), 0x9);
	CHECK_EQ(frame_prot(g, MEM_PA + 0x1000), 0x9);
	CHECK_EQ(frame_prot(g, MEM_PA + 0x2000), 0xF);
	CHECK_EQ(guest_call(g, RINGBUF, MEM_PA + 0x100, 0x1000, 0), 0);
	CHECK_EQ(guest_call(g, RINGBUF, MEM_PA + 0x4000, 0x1000, 0), -HEKI_EEXIST);
	CHECK_EQ(frame_prot(g, MEM_PA + 0x4000), 0xF);
	guest_free(g);
}

TEST(ringbuffer_argument_checks)
{
	struct guest *g = guest_new();

	CHECK_EQ(guest_call(g, RINGBUF, MEM_PA, 0, 0), -HEKI_EINVAL);
	CHECK_EQ(guest_call(g, RINGBUF, MEM_PA, HEKI_VTL1_MAX_RINGBUF_SIZE + 1, 0),
		 -HEKI_EINVAL);
	CHECK_EQ(guest_call(g, RINGBUF, 1ULL << 52, 0x1000, 0), -HEKI_EFAULT);
	CHECK_EQ(guest_call(g, RINGBUF, (1ULL << 52) - 0x1000, 0x2000, 0),
		 -HEKI_EFAULT);
	CHECK_EQ(guest_call(g, RINGBUF, GUEST_VTL1_PA - 0x10, 0x20, 0),
		 -HEKI_EACCES);
	CHECK_EQ(g->nr_modify, 0);
	guest_free(g);
}

TEST(ringbuffer_over_kernel_protection_ebusy)
{
	struct guest *g = guest_new();
	struct heki_range k = rng(KVA(MEM_PA), MEM_PA, MEM_PA + 0x1000, 5);

	CHECK_EQ(call_chain(g, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE, &k, 1, 0), 0);
	CHECK_EQ(guest_call(g, RINGBUF, MEM_PA, 0x1000, 0), -HEKI_EBUSY);
	CHECK_EQ(frame_prot(g, MEM_PA), 0xD);
	guest_free(g);
}

TEST(ringbuffer_protection_map_full_enospc)
{
	struct guest *g = guest_new();
	__u64 pa, size;
	int before;

	CHECK_EQ(fill_prot_map(g, 1ULL << 32), 0);
	before = g->nr_modify;
	CHECK_EQ(guest_call(g, RINGBUF, MEM_PA, 0x1000, 0), -HEKI_ENOSPC);
	CHECK(strstr(g->last_log, "PROT_MAP_FULL"));
	CHECK_EQ(g->nr_modify, before);
	CHECK_EQ(frame_prot(g, MEM_PA), 0xF);
	CHECK_EQ(heki_vtl1_ringbuf(g->v, &pa, &size), 0);
	CHECK_EQ(g->v->map.n, HEKI_VTL1_MAX_PROT_ENTRIES);
	guest_free(g);
}

TEST(ringbuffer_hypercall_failure_not_recorded)
{
	struct guest *g = guest_new();

	g->fail_modify_at = 1;
	CHECK_EQ(guest_call(g, RINGBUF, MEM_PA, 0x1000, 0), -HEKI_EIO);
	g->fail_modify_at = 0;
	CHECK_EQ(guest_call(g, RINGBUF, MEM_PA + 0x4000, 0x1000, 0), 0);
	CHECK_EQ(frame_prot(g, MEM_PA + 0x4000), 0x9);
	guest_free(g);
}

static __s64 ringbuf_call(struct guest *g, void *arg)
{
	return guest_call(g, RINGBUF, MEM_PA, 0x2000, 0);
}

TEST(ringbuffer_enomem_at_every_allocation_not_recorded)
{
	struct guest *g = guest_new();
	__u64 pa, size;
	long points;

	CHECK_EQ(nomem_sweep(g, ringbuf_call, NULL, &points), 0);
	CHECK(points >= 1);
	CHECK_EQ(heki_vtl1_ringbuf(g->v, &pa, &size), 1);
	CHECK_EQ(frame_prot(g, MEM_PA + 0x1000), 0x9);
	guest_free(g);
}
