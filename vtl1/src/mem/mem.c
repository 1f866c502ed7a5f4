// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * mem.c - ProtectMemory and AllocateRingbufferMemory, and mem/'s table
 * (vtl1_subsys_mem); the folder is described in mem.h.
 */
#include "core/core.h"
#include "mem.h"

/*
 * ProtectMemory(pa, nranges): every range must carry only MEM_ATTR_* bits
 * and page-aligned va/pa/epa; the whole set is checked against VTL1 memory
 * and the protection map before the first hypercall, and applied
 * completely or not at all. The kernel owns these frames for good: a
 * later ProtectMemory may only narrow them.
 */
static __s64 vtl1_do_PROTECT_MEMORY(struct heki_vtl1 *v, __u64 a0, __u64 a1,
				    __u64 a2)
{
	struct vtl1_chain c;
	struct prot_txn t;
	__u32 i;
	int ret;

	if (!vtl1_chain_args_ok(a0, a1))
		return -HEKI_VSM_ERR_INVALID_INPUT_ADDRESS;
	if (v->end_of_boot)
		return -HEKI_VSM_ERR_OPERATION_AFTER_END_OF_BOOT;
	ret = vtl1_chain_walk(v, a0, a1, &c);
	if (ret)
		return ret;
	ret = prot_txn_init(v, &t, c.n);
	if (ret)
		goto out_chain;

	for (i = 0; i < c.n; i++) {
		const struct heki_range *r = &c.r[i];
		heki_mem_attr_t attr = heki_range_mem_attr(r);

		if (!heki_mem_attr_valid(attr)) {
			ret = -HEKI_VSM_ERR_MEMORY_ATTRIBUTE_INVALID;
			goto out;
		}
		if (!vtl1_page_aligned(r->va) || !vtl1_page_aligned(r->pa) ||
		    !vtl1_page_aligned(r->epa)) {
			ret = -HEKI_VSM_ERR_ADDRESS_NOT_PAGE_ALIGNED;
			goto out;
		}
		ret = prot_txn_add_range(&t, r->pa, r->epa,
					 heki_mem_attr_to_hv_page_prot(attr),
					 HEKI_VTL1_OWNER_KERNEL, 0);
		if (ret)
			goto out;
	}
	ret = prot_txn_prepare(v, &t);
	if (!ret)
		ret = prot_txn_run(v, &t);
out:
	prot_txn_free(v, &t);
out_chain:
	vtl1_chain_free(v, &c);
	return ret;
}

/*
 * AllocateRingbufferMemory(pa, size): remember the first buffer and make
 * every frame it touches read-only for VTL0 (the partial last page too).
 * A repeat with the same buffer is accepted; another buffer is refused.
 */
static __s64 vtl1_do_ALLOCATE_RINGBUFFER_MEMORY(struct heki_vtl1 *v, __u64 a0,
						__u64 a1, __u64 a2)
{
	struct prot_txn t;
	int ret;

	if (!a1 || a1 > HEKI_VTL1_MAX_RINGBUF_SIZE)
		return -HEKI_VSM_ERR_RINGBUF_SIZE_INVALID;
	if (!vtl1_pa_valid(a0) || a1 > VTL1_PA_LIMIT - a0)
		return -HEKI_VSM_ERR_INVALID_PHYSICAL_ADDRESS;
	if (v->ringbuf_size) {
		if (v->ringbuf_pa == a0 && v->ringbuf_size == a1)
			return 0;
		return -HEKI_VSM_ERR_RINGBUF_ALREADY_SET;
	}
	ret = prot_txn_init(v, &t, 1);
	if (ret)
		return ret;
	ret = prot_txn_add_range(&t, a0, a0 + a1,
				 heki_mem_attr_to_hv_page_prot(MEM_ATTR_READ),
				 HEKI_VTL1_OWNER_RINGBUF, 0);
	if (!ret)
		ret = prot_txn_prepare(v, &t);
	if (!ret)
		ret = prot_txn_run(v, &t);
	if (!ret) {
		v->ringbuf_pa = a0;
		v->ringbuf_size = a1;
	}
	prot_txn_free(v, &t);
	return ret;
}

static const struct vtl1_call mem_calls[] = {
	VTL1_CALL(PROTECT_MEMORY, vtl1_do_PROTECT_MEMORY),
	VTL1_CALL(ALLOCATE_RINGBUFFER_MEMORY,
		  vtl1_do_ALLOCATE_RINGBUFFER_MEMORY),
	VTL1_CALL(PATCH_TEXT, vtl1_do_PATCH_TEXT),
};

/* The protections are in the map, the sites in core's table. */
const struct vtl1_subsys vtl1_subsys_mem = {
	.name = "mem",
	.calls = mem_calls,
	.nr_calls = ARRAY_SIZE(mem_calls),
};
