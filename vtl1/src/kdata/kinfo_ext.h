/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kinfo_ext.h - the optional kernel info extension of LoadKData
 * (struct heki_kernel_info_ext after the 32-byte struct heki_kernel_info):
 * the VTL0 kernel's version, text bounds, return thunk in use, pv_ops and
 * CPU capability words,
 * checked and kept by VTL1 for the module layout and rewrite rules
 * (module/ reads it: heki_modlayout_kernel_of(), heki_rw_apply_kinfo()).
 */
#ifndef _HEKI_VTL1_KINFO_EXT_H
#define _HEKI_VTL1_KINFO_EXT_H

#include <heki/abi.h>

struct heki_symtab;

/* Indices of struct heki_kinfo_ext.kallsyms[] (the wire order). */
enum heki_kinfo_kallsyms {
	HEKI_KINFO_KALLSYMS_NUM_SYMS,
	HEKI_KINFO_KALLSYMS_OFFSETS,
	HEKI_KINFO_KALLSYMS_RELATIVE_BASE,
	HEKI_KINFO_KALLSYMS_NAMES,
	HEKI_KINFO_KALLSYMS_MARKERS,
	HEKI_KINFO_KALLSYMS_TOKEN_TABLE,
	HEKI_KINFO_KALLSYMS_TOKEN_INDEX,
	HEKI_KINFO_KALLSYMS_NR
};

/*
 * KERNEL_VERSION(6, 1, 0), KERNEL_VERSION(6, 4, 0), KERNEL_VERSION(6, 16, 0),
 * KERNEL_VERSION(6, 18, 0)
 */
#define HEKI_LINUX_VERSION_6_1	0x060100U
#define HEKI_LINUX_VERSION_6_4	0x060400U
#define HEKI_LINUX_VERSION_6_16	0x061000U
#define HEKI_LINUX_VERSION_6_18	0x061200U

/**
 * struct heki_kinfo_ext - a checked struct heki_kernel_info_ext
 * @linux_version: LINUX_VERSION_CODE (>= 6.1.0)
 * @flags: HEKI_KERNEL_INFO_EXT_* (no unknown bits)
 * @text_start: _stext (canonical, below @text_end)
 * @text_end: _etext (canonical)
 * @return_thunk: the return thunk in use, inside [@text_start, @text_end)
 * @pv_ops_va: VA of pv_ops, 0 iff @pv_ops_count is 0
 * @pv_nop_func: _paravirt_nop, 0 or inside kernel text
 * @pv_bug_func: paravirt_BUG, 0 or inside kernel text
 * @pv_ops_count: entries in @pv_ops (<= HEKI_KERNEL_INFO_EXT_PV_OPS_MAX)
 * @pad: zero
 * @pv_ops: VTL1 copy of the pv_ops values, each 0 or inside kernel text
 * @ncapwords: CPU capability words sent (0: none, else
 *	HEKI_KERNEL_INFO_EXT_CAPWORDS_MIN..HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX)
 * @pad2: zero
 * @capwords: VTL1 copy of boot_cpu_data.x86_capability (@ncapwords words,
 *	the rest zero)
 * @kallsyms_format: HEKI_KALLSYMS_FORMAT_* (NONE: the VAs below are 0)
 * @pad3: zero
 * @kexec_purgatory: VA of kexec_purgatory, 0 if none (canonical)
 * @kexec_purgatory_size: VA of kexec_purgatory_size, 0 exactly when
 *	@kexec_purgatory is (canonical)
 * @kallsyms: VAs of kallsyms_num_syms, _offsets (or _addresses),
 *	_relative_base (0 for HEKI_KALLSYMS_FORMAT_ABS), _names, _markers,
 *	_token_table, _token_index, in this order; canonical, non-zero
 */
struct heki_kinfo_ext {
	__u32 linux_version;
	__u32 flags;
	__u64 text_start;
	__u64 text_end;
	__u64 return_thunk;
	__u64 pv_ops_va;
	__u64 pv_nop_func;
	__u64 pv_bug_func;
	__u32 pv_ops_count;
	__u32 pad;
	__u64 pv_ops[HEKI_KERNEL_INFO_EXT_PV_OPS_MAX];
	__u32 ncapwords;
	__u32 pad2;
	__u32 capwords[HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX];
	__u32 kallsyms_format;
	__u32 pad3;
	__u64 kallsyms[HEKI_KINFO_KALLSYMS_NR];
	__u64 kexec_purgatory;
	__u64 kexec_purgatory_size;
};

int heki_kinfo_ext_parse(const __u8 *buf, __u64 len,
			 struct heki_kinfo_ext *out);
int heki_kinfo_ext_check_exports(const struct heki_kinfo_ext *x,
				 const struct heki_symtab *const *tabs,
				 __u32 ntabs);

#endif /* _HEKI_VTL1_KINFO_EXT_H */
