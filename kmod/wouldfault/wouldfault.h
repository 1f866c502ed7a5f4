/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wouldfault.h - the would-fault detector, as the in-kernel VTL1 platform
 * (kmod/loopback.c) calls it
 *
 * On Hyper-V, VTL1's protections are enforced: a VTL0 write to a frame
 * VTL1 made non-writable, or to a register LockRegs pinned, faults. The
 * in-kernel VTL1 (the loopback transport, the emulated hypervisor in
 * tests/hvemu) only records protections, so such a write would go
 * unnoticed. The detector notices it: it hooks the kernel's text-patching
 * functions, keeps a hash of every frame VTL1 protects against writes, and
 * re-reads the pinned registers on every CPU. Each difference is a
 * "would-fault" event, logged with the frame, its owner in VTL1 and the
 * kernel symbol. Documentation/kmod.rst, "The would-fault detector".
 *
 * Built only into test modules (heki_vtl0_test.ko, heki_hvemu.ko) whose
 * loopback.c is compiled with HEKI_WOULDFAULT; elsewhere (the self-test
 * module) every hook is an empty inline.
 */
#ifndef _KMOD_WOULDFAULT_H
#define _KMOD_WOULDFAULT_H

#include <linux/types.h>

struct heki_lb_vp;

#if defined(HEKI_WOULDFAULT) && !defined(HEKI_SELFTEST)

int heki_wf_start(u64 vtl1_pa, u64 vtl1_pages);
void heki_wf_stop(void);
void heki_wf_protect(u64 pa, u64 npages, u32 prot);
void heki_wf_vtl1_wrote(u64 pa, u64 len);
void heki_wf_locked(const struct heki_lb_vp *vp, u32 name, u64 value);
void heki_wf_on_call(const struct heki_lb_vp *vp);

#else

static inline int heki_wf_start(u64 vtl1_pa, u64 vtl1_pages)
{
	return 0;
}

static inline void heki_wf_stop(void) { }
static inline void heki_wf_protect(u64 pa, u64 npages, u32 prot) { }
static inline void heki_wf_vtl1_wrote(u64 pa, u64 len) { }
static inline void heki_wf_locked(const struct heki_lb_vp *vp, u32 name,
				  u64 value) { }
static inline void heki_wf_on_call(const struct heki_lb_vp *vp) { }

#endif

#endif /* _KMOD_WOULDFAULT_H */
