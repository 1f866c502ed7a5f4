/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kallsyms.h - the kernel's function entries, for the branch-target rules
 * of module/: the exported symbols in kernel text, and every text symbol
 * of the kernel's own kallsyms tables (read from LoadKData's copy of
 * read-only data the kernel protected with ProtectMemory).
 */
#ifndef _HEKI_VTL1_KALLSYMS_H
#define _HEKI_VTL1_KALLSYMS_H

#include <heki/abi.h>

#include "symtab.h"

struct heki_kinfo_ext;

/* Most kallsyms symbols VTL1 reads (Debian 6.1: about 190,000). */
#define HEKI_KALLSYMS_MAX_SYMS		(1U << 22)

/*
 * The core kernel's static call keys whose sites and trampolines VTL1
 * admits as patch sites (module/kscall.c): the ones kvm makes the kernel
 * update after end of boot (the first three seen in the 6.1 VM suites and
 * named in 6.1, 6.12 and 7.2; the fourth named in 7.2 only, pointed at
 * kvm.ko's kvm_handle_guest_mediated_pmi when kvm_amd or kvm_intel loads
 * with enable_mediated_pmu=1); other keys the kernel updates then
 * (tracepoints, the BPF dispatcher, preempt_dynamic) are left out on
 * purpose. Each is named in kallsyms as __SCK__<name> (the struct static_call_key) and
 * __SCT__<name> (its trampoline). perf_register_guest_info_callbacks()
 * and perf_unregister_guest_info_callbacks() (kernel/events/core.c)
 * update these when kvm loads and unloads (the fourth only on 7.x, and
 * only when kvm registers a mediated PMU's PMI handler); why no other key
 * is here: Documentation/security-model.rst, "Kernel static call keys".
 */
#define HEKI_KSCALL_KEY_LIST(X)					\
	X(PERF_GUEST_STATE, "__perf_guest_state")		\
	X(PERF_GUEST_GET_IP, "__perf_guest_get_ip")		\
	X(PERF_GUEST_PT_INTR, "__perf_guest_handle_intel_pt_intr")	\
	X(PERF_GUEST_MEDIATED_PMI, "__perf_guest_handle_mediated_pmi")

#define HEKI_KSCALL_KEY_ENUM_(id, name) HEKI_KSCALL_KEY_##id,
enum heki_kscall_key_id {
	HEKI_KSCALL_KEY_LIST(HEKI_KSCALL_KEY_ENUM_)
	HEKI_KSCALL_NKEYS
};
#undef HEKI_KSCALL_KEY_ENUM_

/**
 * struct heki_kscall_key - one key of HEKI_KSCALL_KEY_LIST in kallsyms
 * @key: the address kallsyms gives __SCK__<name>; 0 when kallsyms names
 *	no such symbol, or names it twice at different addresses
 * @tramp: the address of __SCT__<name> if kallsyms names it as a function
 *	entry (once), else 0
 */
struct heki_kscall_key {
	__u64 key;
	__u64 tramp;
};

/**
 * struct heki_kfuncs - addresses VTL1 knows to be kernel function entries
 * @va: sorted, unique
 * @n: entries in @va
 * @nkallsyms: of them, how many kallsyms named (0: no kallsyms)
 * @nsyms: kallsyms_num_syms of the tables read (0: none)
 * @ntramp: trampolines of @kscall found (entries with @tramp not 0)
 * @kscall: the keys of HEKI_KSCALL_KEY_LIST, in its order
 * @scs_start: kallsyms' __start_static_call_sites, 0 if it names none
 * @scs_stop: kallsyms' __stop_static_call_sites, 0 if it names none
 */
struct heki_kfuncs {
	__u64 *va;
	__u32 n;
	__u32 nkallsyms;
	__u32 nsyms;
	__u32 ntramp;
	struct heki_kscall_key kscall[HEKI_KSCALL_NKEYS];
	__u64 scs_start;
	__u64 scs_stop;
};

/**
 * typedef heki_kallsyms_prot_fn - were these kernel-data bytes protected?
 * @arg: the caller's argument
 * @va: first byte (inside one KernelData run)
 * @len: bytes
 *
 * Return: 0 if every frame under [@va, @va + @len) is held read-only by
 * the kernel (ProtectMemory), else a negative HEKI_VSM_ERR_* code.
 */
typedef int (*heki_kallsyms_prot_fn)(void *arg, __u64 va, __u64 len);

/**
 * struct heki_kfuncs_src - what heki_kfuncs_build() reads
 * @buf: LoadKData's KernelData buffer (VTL1 copy)
 * @len: its length
 * @regions: its regions
 * @nregions: entries in @regions
 * @tabs: the export tables (NULL entries skipped)
 * @ntabs: entries in @tabs
 * @text_start: first byte of kernel text
 * @text_end: one past its last byte
 * @kext: the kernel info extension (its kallsyms tables), NULL if none
 * @prot: checks the kallsyms tables' frames
 * @prot_arg: passed to @prot
 */
struct heki_kfuncs_src {
	const __u8 *buf;
	__u64 len;
	const struct heki_symtab_region *regions;
	__u32 nregions;
	const struct heki_symtab *const *tabs;
	__u32 ntabs;
	__u64 text_start;
	__u64 text_end;
	const struct heki_kinfo_ext *kext;
	heki_kallsyms_prot_fn prot;
	void *prot_arg;
};

int heki_kfuncs_build(struct heki_kfuncs *kf,
		      const struct heki_vtl1_platform *p,
		      const struct heki_kfuncs_src *src);
int heki_kfuncs_has(const struct heki_kfuncs *kf, __u64 va);
void heki_kfuncs_free(struct heki_kfuncs *kf,
		      const struct heki_vtl1_platform *p);

#endif /* _HEKI_VTL1_KALLSYMS_H */
