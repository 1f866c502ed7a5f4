// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Deliberate misuses of the wire ABI's __bitwise types, one per block.
 * tests/sparse/run.sh compiles each MISUSE_* block alone and expects sparse
 * to reject it; with no MISUSE_* defined, the clean block does the same work
 * through the explicit conversions and must pass. Every block is valid C
 * that gcc accepts: only the type discipline is wrong.
 */
#include <heki/abi.h>

int heki_sparse_case(__u64 reg);

#if defined(MISUSE_MEM_ATTR_AS_MOD_MEM_TYPE)
/* A MEM_ATTR_* constant stored as a module memory type. */
int heki_sparse_case(__u64 reg)
{
	heki_mod_mem_type_t t = MEM_ATTR_READ;

	return heki_mod_mem_type_raw(t) == reg;
}
#elif defined(MISUSE_MEM_ATTR_AS_HV_PROT)
/* Memory attributes passed where Hyper-V protection flags are expected. */
int heki_sparse_case(__u64 reg)
{
	return hv_page_prot_raw(MEM_ATTR_READ) == (__u32)reg;
}
#elif defined(MISUSE_HV_PROT_OR_MEM_ATTR)
/* Hyper-V protection flags and memory attributes combined in one mask. */
int heki_sparse_case(__u64 reg)
{
	hv_page_prot_t prot = HV_PAGE_READABLE | MEM_ATTR_EXEC;

	return hv_page_prot_raw(prot) == (__u32)reg;
}
#elif defined(MISUSE_HV_PROT_FROM_INT)
/* Protection flags built from a number. */
int heki_sparse_case(__u64 reg)
{
	hv_page_prot_t prot = 0x5;

	return hv_page_prot_raw(prot) == (__u32)reg;
}
#elif defined(MISUSE_HV_STATUS_VS_INT)
/* An HV status compared with a plain int. */
int heki_sparse_case(__u64 reg)
{
	hv_status_t st = hv_hypercall_status(reg);

	return st == 6;
}
#elif defined(MISUSE_HV_STATUS_FROM_INT)
/* A plain number stored as an HV status. */
int heki_sparse_case(__u64 reg)
{
	hv_status_t st = (__u16)reg;

	return st == HV_STATUS_SUCCESS;
}
#elif defined(MISUSE_FUNC_ID_FROM_INT)
/* A function ID made from a number instead of a VSM_VTL_CALL_FUNC_ID_*. */
int heki_sparse_case(__u64 reg)
{
	vsm_func_id_t id = 0x1FFE4;

	return heki_vtlcall_func(reg) == id;
}
#elif defined(MISUSE_FUNC_ID_VS_HV_STATUS)
/* A function ID compared with an HV status. */
int heki_sparse_case(__u64 reg)
{
	return heki_vtlcall_func(reg) == hv_hypercall_status(reg);
}
#elif defined(MISUSE_KDATA_VS_MOD_MEM_TYPE)
/* A range read as kernel data compared with a module memory type. */
int heki_sparse_case(__u64 reg)
{
	struct heki_range r = { .attributes = reg };

	return heki_range_kdata_type(&r) == HEKI_MOD_MEM_TEXT;
}
#elif defined(MISUSE_RANGE_ATTR_STORE_RAW)
/* heki_range.attributes written without heki_range_set_*(). */
int heki_sparse_case(__u64 reg)
{
	struct heki_range r = { .va = reg };

	r.attributes = MEM_ATTR_READ;
	return r.attributes == reg;
}
#elif defined(MISUSE_RANGE_ATTR_LOAD_RAW)
/* heki_range.attributes read as memory attributes without an accessor. */
int heki_sparse_case(__u64 reg)
{
	struct heki_range r = { .attributes = reg };
	heki_mem_attr_t attr = r.attributes;

	return heki_mem_attr_valid(attr);
}
#elif defined(MISUSE_KEXEC_TYPE_FROM_INT)
/* A kexec range type made from a number. */
int heki_sparse_case(__u64 reg)
{
	heki_kexec_type_t t = 2;

	return heki_kexec_type_raw(t) == reg;
}
#else
/* Clean: the same operations through the explicit conversions. */
int heki_sparse_case(__u64 reg)
{
	struct heki_range r = { .va = reg };
	heki_mod_mem_type_t t = HEKI_MOD_MEM_TEXT;
	heki_mem_attr_t attr = heki_mod_mem_type_to_mem_attr(t);
	hv_page_prot_t prot = heki_mem_attr_to_hv_page_prot(attr);
	hv_status_t st = hv_hypercall_status(reg);
	vsm_func_id_t id = VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY;

	prot |= HV_PAGE_READABLE;
	heki_range_set_mem_attr(&r, MEM_ATTR_READ | MEM_ATTR_EXEC);
	return hv_status_raw(st) == 6 && st == HV_STATUS_ACCESS_DENIED &&
	       heki_vtlcall_func(reg) == id &&
	       hv_page_prot_raw(prot) == (__u32)reg &&
	       heki_range_mem_attr(&r) == attr &&
	       heki_range_kdata_type(&r) == HEKI_KDATA_KERNEL_INFO &&
	       heki_kexec_type_raw(HEKI_KEXEC_PAGES) == reg;
}
#endif
