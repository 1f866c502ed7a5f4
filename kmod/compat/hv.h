/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat/hv.h - what the hyperv transport takes from the kernel, on every
 * supported kernel
 *
 * - HvCallGetVpRegisters input and output, in heki's own TLFS layout: the
 *   kernel's struct hv_get_vp_registers_input/output are gone from
 *   Debian's 7.2 headers (hvhdk.h has other names), so heki uses these on
 *   every kernel;
 * - heki_hv_hypercall_page(): the hypercall page the VTL call offsets are
 *   relative to. Up to 6.12 the kernel exports hv_hypercall_pg. Later
 *   kernels (Debian's 7.2) route hypercalls through the static call
 *   hv_hypercall and no longer export the variable: heki_hv_compat_init()
 *   then finds it through kallsyms, and every read goes through that
 *   address, so a page the kernel tears down reads NULL as before. The
 *   probe is in compat/probes.mk.
 */
#ifndef _KMOD_COMPAT_HV_H
#define _KMOD_COMPAT_HV_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <asm/mshyperv.h>

/**
 * struct heki_hv_get_vp_registers_input - HvCallGetVpRegisters input page
 * @partition_id: HV_PARTITION_ID_SELF
 * @vp_index: HV_VP_INDEX_SELF
 * @input_vtl: 0: the caller's VTL
 * @rsvd: zero
 * @name: one register name per rep
 * @name_rsvd: zero (each name is a 64-bit slot)
 */
struct heki_hv_get_vp_registers_input {
	u64 partition_id;
	u32 vp_index;
	u8 input_vtl;
	u8 rsvd[3];
	struct {
		u32 name;
		u32 name_rsvd;
	} element[1];
} __packed;

/**
 * struct heki_hv_get_vp_registers_output - one rep's output: a 128-bit value
 * @low: the low 64 bits (every VSM register fits)
 * @high: the high 64 bits
 */
struct heki_hv_get_vp_registers_output {
	u64 low;
	u64 high;
} __packed;

static_assert(offsetof(struct heki_hv_get_vp_registers_input, element) == 16);
static_assert(sizeof(struct heki_hv_get_vp_registers_input) == 24);
static_assert(sizeof(struct heki_hv_get_vp_registers_output) == 16);

/*
 * heki_hv_hypercall_pg_slot() is the kernel's variable itself, for the
 * emulated hypervisor (tests/hvemu), which installs its page there: NULL
 * before heki_hv_compat_init() succeeded.
 */
#ifdef HEKI_COMPAT_HV_PG_UNEXPORTED
int heki_hv_compat_init(void);
void **heki_hv_hypercall_pg_slot(void);
#else
static inline int heki_hv_compat_init(void)
{
	return 0;
}

static inline void **heki_hv_hypercall_pg_slot(void)
{
	return &hv_hypercall_pg;
}
#endif

/*
 * heki_hv_page_by_static_call() - true where the kernel's own hypercalls
 * reach the page through a static call. The change that stopped exporting
 * hv_hypercall_pg (after 6.12; Debian's 7.2 has it) also made
 * hv_std_hypercall() call the trampoline of the static call __hv_hypercall,
 * which the kernel points at the page, or without one at a function that
 * fails every hypercall (hv_set_hypercall_pg(), arch/x86/hyperv/hv_init.c).
 * For the emulated hypervisor (tests/hvemu), which installs a page as the
 * kernel does.
 */
static inline bool heki_hv_page_by_static_call(void)
{
#ifdef HEKI_COMPAT_HV_PG_UNEXPORTED
	return true;
#else
	return false;
#endif
}

static inline void *heki_hv_hypercall_page(void)
{
	void **slot = heki_hv_hypercall_pg_slot();

	return slot ? READ_ONCE(*slot) : NULL;
}

#endif /* _KMOD_COMPAT_HV_H */
