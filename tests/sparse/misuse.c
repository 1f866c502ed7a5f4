// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Deliberate misuses of the wire ABI's __bitwise types, one per block.
 * tests/sparse/run.sh compiles each MISUSE_* block alone and expects sparse
 * to reject it; with no MISUSE_* defined, the clean block does the same work
 * through the explicit conversions and must pass.
 */
#include <heki/hv.h>
#include <heki/vsm.h>

int heki_sparse_case(__u64 reg);

#if defined(MISUSE_HV_STATUS_VS_INT)
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
#elif defined(MISUSE_HV_PROT_FROM_INT)
/* Protection flags built from a number. */
int heki_sparse_case(__u64 reg)
{
	hv_page_prot_t prot = 0x5;

	return hv_page_prot_raw(prot) == (__u32)reg;
}
#else
/* Clean: the same operations through the explicit conversions. */
int heki_sparse_case(__u64 reg)
{
	hv_status_t st = hv_hypercall_status(reg);
	vsm_func_id_t id = VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY;
	hv_page_prot_t prot = HV_PAGE_READABLE | HV_PAGE_KERNEL_EXECUTABLE;

	return hv_status_raw(st) == 6 && st == HV_STATUS_ACCESS_DENIED &&
	       heki_vtlcall_func(reg) == id &&
	       hv_page_prot_raw(prot) == (__u32)reg;
}
#endif
