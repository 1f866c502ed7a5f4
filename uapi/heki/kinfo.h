/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * HEKI wire ABI: kernel symbol information (LOAD_KDATA).
 *
 * The HEKI_KDATA_KERNEL_INFO blob starts with struct heki_kernel_info;
 * the HEKI_KDATA_KERNEL_DATA ranges hold __ksymtab / __ksymtab_gpl,
 * arrays of struct heki_kernel_symbol, and the names they point at.
 * struct heki_kernel_info_ext may follow the first 32 bytes (a compatible
 * extension: readers that stop at 32 bytes never see it).
 */
#ifndef _UAPI_HEKI_KINFO_H
#define _UAPI_HEKI_KINFO_H

#include "types.h"

/**
 * struct heki_kernel_info - where the VTL0 kernel's symbol tables are
 * @ksymtab_start: VTL0 VA of __start___ksymtab
 * @ksymtab_end: VTL0 VA of __stop___ksymtab
 * @ksymtab_gpl_start: VTL0 VA of __start___ksymtab_gpl
 * @ksymtab_gpl_end: VTL0 VA of __stop___ksymtab_gpl
 *
 * Bytes after these 32 in the blob are ignored unless they start with
 * struct heki_kernel_info_ext.
 */
struct heki_kernel_info {
	__u64 ksymtab_start;
	__u64 ksymtab_end;
	__u64 ksymtab_gpl_start;
	__u64 ksymtab_gpl_end;
};

#define HEKI_KERNEL_INFO_SIZE	32
HEKI_ABI_ASSERT(sizeof(struct heki_kernel_info) == HEKI_KERNEL_INFO_SIZE);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info, ksymtab_start) == 0);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info, ksymtab_end) == 8);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info, ksymtab_gpl_start) == 16);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info, ksymtab_gpl_end) == 24);

/*
 * "HKIX" little-endian; below 0x80000000, so never the low half of a
 * kernel-image address (what LVBS kernels put after the 32 bytes).
 */
#define HEKI_KERNEL_INFO_EXT_MAGIC	0x58494b48U

/* heki_kernel_info_ext.flags */
/* X86_FEATURE_RETHUNK is on: return sites jump to @return_thunk */
#define HEKI_KERNEL_INFO_EXT_RETHUNK	0x1U
/*
 * @return_thunk is its_return_thunk: only sites in the lower half of a
 * 64-byte line jump to it, the others become ret; int3 (6.1.y ITS)
 */
#define HEKI_KERNEL_INFO_EXT_ITS_THUNK	0x2U
#define HEKI_KERNEL_INFO_EXT_FLAGS	0x3U

/* Most pv_ops entries an extension may carry (paravirt types are u8). */
#define HEKI_KERNEL_INFO_EXT_PV_OPS_MAX	256U

/*
 * CPU capability words (boot_cpu_data.x86_capability, NCAPINTS + NBUGINTS
 * __u32 words: 24 on Debian's 6.1.y): at most this many are carried; a
 * non-zero count is at least HEKI_KERNEL_INFO_EXT_CAPWORDS_MIN (the words
 * up to X86_FEATURE_RETPOLINE / _RETPOLINE_LFENCE, word 11).
 */
#define HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX	32U
#define HEKI_KERNEL_INFO_EXT_CAPWORDS_MIN	12U

/*
 * heki_kernel_info_ext.kallsyms_format: how the kernel's kallsyms tables
 * (scripts/kallsyms.c output, in the kernel's read-only data) encode each
 * symbol's address.
 */
/* no kallsyms tables sent (every kallsyms_* VA zero) */
#define HEKI_KALLSYMS_FORMAT_NONE		0U
/*
 * CONFIG_KALLSYMS_BASE_RELATIVE and CONFIG_KALLSYMS_ABSOLUTE_PERCPU
 * (x86-64; Debian's 6.1 and 6.12): kallsyms_offsets[i] >= 0 is the
 * address itself, else kallsyms_relative_base - 1 - kallsyms_offsets[i]
 */
#define HEKI_KALLSYMS_FORMAT_REL_ABS_PERCPU	1U
/* base relative only: kallsyms_relative_base + (u32)kallsyms_offsets[i] */
#define HEKI_KALLSYMS_FORMAT_REL		2U
/*
 * absolute: @kallsyms_offsets names kallsyms_addresses (one u64 per
 * symbol), @kallsyms_relative_base is 0
 */
#define HEKI_KALLSYMS_FORMAT_ABS		3U

/**
 * struct heki_kernel_info_ext - optional extension after heki_kernel_info
 * @magic: HEKI_KERNEL_INFO_EXT_MAGIC; any other value means the bytes
 *	after the first 32 are not this extension (ignored, as before)
 * @size: bytes of this struct as the sender knows it:
 *	HEKI_KERNEL_INFO_EXT_SIZE_V1, _V2, _V3, or at least
 *	HEKI_KERNEL_INFO_EXT_SIZE (a larger value means newer fields follow
 *	that an older reader skips)
 * @linux_version: LINUX_VERSION_CODE of the VTL0 kernel
 *	((major << 16) + (minor << 8) + min(sublevel, 255))
 * @flags: HEKI_KERNEL_INFO_EXT_*; other bits are zero
 * @text_start: VTL0 VA of _stext
 * @text_end: VTL0 VA of _etext
 * @return_thunk: the return thunk the kernel uses (value of
 *	x86_return_thunk, else __x86_return_thunk)
 * @pv_ops_va: VTL0 VA of pv_ops (0 if @pv_ops_count is 0)
 * @pv_nop_func: VA of _paravirt_nop (pv_ops slots holding it are NOPs)
 * @pv_bug_func: VA of paravirt_BUG (NULL pv_ops slots call it)
 * @pv_ops_count: 8-byte entries of pv_ops, at most
 *	HEKI_KERNEL_INFO_EXT_PV_OPS_MAX; their values follow this struct at
 *	byte @size of it, little-endian
 * @pad: zero
 * @ncapwords: words of @capwords in use: 0 (no CPU features sent: the
 *	rewrite rules accept either form of an alternative or retpoline
 *	site), else HEKI_KERNEL_INFO_EXT_CAPWORDS_MIN to
 *	HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX (NCAPINTS + NBUGINTS of the sender)
 * @pad2: zero
 * @capwords: boot_cpu_data.x86_capability[0 .. @ncapwords - 1]: bit
 *	(feature % 32) of word (feature / 32) is boot_cpu_has(feature), what
 *	apply_alternatives() and apply_retpolines() decide by at module load;
 *	words from @ncapwords on are zero
 * @kallsyms_format: HEKI_KALLSYMS_FORMAT_*: NONE, or the encoding of the
 *	tables named below
 * @pad3: zero
 * @kallsyms_num_syms: VTL0 VA of kallsyms_num_syms (u32)
 * @kallsyms_offsets: VTL0 VA of kallsyms_offsets (one s32 per symbol;
 *	kallsyms_addresses, one u64 per symbol, for
 *	HEKI_KALLSYMS_FORMAT_ABS)
 * @kallsyms_relative_base: VTL0 VA of kallsyms_relative_base (u64; 0 for
 *	HEKI_KALLSYMS_FORMAT_ABS)
 * @kallsyms_names: VTL0 VA of kallsyms_names (per symbol: a length of
 *	one byte, or two when the first has bit 7 set, then that many token
 *	bytes)
 * @kallsyms_markers: VTL0 VA of kallsyms_markers (u32 per 256 symbols:
 *	offset of symbol 256 * i in kallsyms_names)
 * @kallsyms_token_table: VTL0 VA of kallsyms_token_table (256
 *	NUL-terminated strings)
 * @kallsyms_token_index: VTL0 VA of kallsyms_token_index (256 u16)
 * @kexec_purgatory: VTL0 VA of kexec_purgatory (the purgatory ELF the
 *	kernel's kexec_file loader relocates into every kexec image), 0 if
 *	the kernel has none; KexecValidate binds the purgatory segment to it
 * @kexec_purgatory_size: VTL0 VA of kexec_purgatory_size (a u64 holding
 *	the ELF's length); 0 exactly when @kexec_purgatory is
 *
 * Fields from @ncapwords on are present only if @size is at least
 * HEKI_KERNEL_INFO_EXT_SIZE_V2, fields from @kallsyms_format on only if
 * it is at least HEKI_KERNEL_INFO_EXT_SIZE_V3, the purgatory fields only
 * if it is at least HEKI_KERNEL_INFO_EXT_SIZE (version 4); the first
 * version of this struct ended at @pad (@size HEKI_KERNEL_INFO_EXT_SIZE_V1,
 * no CPU features), the second at @capwords (no kallsyms), the third at
 * @kallsyms_token_index (no purgatory). The kallsyms tables and the
 * purgatory must lie in the KernelData ranges of the same LoadKData call,
 * in frames the kernel protected read-only with ProtectMemory before it.
 *
 * The blob is: struct heki_kernel_info (32 bytes), this struct (@size
 * bytes), @pv_ops_count u64 values; bytes after those are ignored.
 */
struct heki_kernel_info_ext {
	__u32 magic;
	__u32 size;
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
	__u32 ncapwords;
	__u32 pad2;
	__u32 capwords[HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX];
	__u32 kallsyms_format;
	__u32 pad3;
	__u64 kallsyms_num_syms;
	__u64 kallsyms_offsets;
	__u64 kallsyms_relative_base;
	__u64 kallsyms_names;
	__u64 kallsyms_markers;
	__u64 kallsyms_token_table;
	__u64 kallsyms_token_index;
	__u64 kexec_purgatory;
	__u64 kexec_purgatory_size;
};

#define HEKI_KERNEL_INFO_EXT_SIZE_V1	72
#define HEKI_KERNEL_INFO_EXT_SIZE_V2	208
#define HEKI_KERNEL_INFO_EXT_SIZE_V3	272
#define HEKI_KERNEL_INFO_EXT_SIZE	288
HEKI_ABI_ASSERT(sizeof(struct heki_kernel_info_ext) == HEKI_KERNEL_INFO_EXT_SIZE);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, magic) == 0);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, size) == 4);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, linux_version) == 8);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, flags) == 12);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, text_start) == 16);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, text_end) == 24);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, return_thunk) == 32);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, pv_ops_va) == 40);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, pv_nop_func) == 48);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, pv_bug_func) == 56);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, pv_ops_count) == 64);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, pad) == 68);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, ncapwords) ==
		HEKI_KERNEL_INFO_EXT_SIZE_V1);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, pad2) == 76);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, capwords) == 80);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, kallsyms_format) ==
		HEKI_KERNEL_INFO_EXT_SIZE_V2);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, pad3) == 212);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, kallsyms_num_syms) == 216);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, kallsyms_offsets) == 224);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, kallsyms_relative_base) == 232);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, kallsyms_names) == 240);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, kallsyms_markers) == 248);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, kallsyms_token_table) == 256);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, kallsyms_token_index) == 264);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, kexec_purgatory) ==
		HEKI_KERNEL_INFO_EXT_SIZE_V3);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_info_ext, kexec_purgatory_size) == 280);

/**
 * struct heki_kernel_symbol - Linux struct kernel_symbol with PREL32 offsets
 * @value_offset: symbol address minus the address of this field
 * @name_offset: name address minus the address of this field
 * @namespace_offset: namespace string offset (ignored by VTL1)
 */
struct heki_kernel_symbol {
	__s32 value_offset;
	__s32 name_offset;
	__s32 namespace_offset;
};

#define HEKI_KERNEL_SYMBOL_SIZE	12
HEKI_ABI_ASSERT(sizeof(struct heki_kernel_symbol) == HEKI_KERNEL_SYMBOL_SIZE);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_symbol, value_offset) == 0);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_symbol, name_offset) == 4);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kernel_symbol, namespace_offset) == 8);

/* Symbol names are shorter than this, NUL excluded (at most 511 bytes). */
#define HEKI_KSYM_NAME_LEN	512

#endif /* _UAPI_HEKI_KINFO_H */
