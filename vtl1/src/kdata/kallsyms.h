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

/**
 * struct heki_kfuncs - addresses VTL1 knows to be kernel function entries
 * @va: sorted, unique
 * @n: entries in @va
 * @nkallsyms: of them, how many kallsyms named (0: no kallsyms)
 * @nsyms: kallsyms_num_syms of the tables read (0: none)
 * @ntramp: entries in @tramp
 * @tramp: the function entries kallsyms names "__SCT__*" (static call
 *	trampolines), sorted, unique; NULL when @ntramp is 0
 * @scs_start: kallsyms' __start_static_call_sites, 0 if it names none
 * @scs_stop: kallsyms' __stop_static_call_sites, 0 if it names none
 */
struct heki_kfuncs {
	__u64 *va;
	__u32 n;
	__u32 nkallsyms;
	__u32 nsyms;
	__u32 ntramp;
	__u64 *tramp;
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
