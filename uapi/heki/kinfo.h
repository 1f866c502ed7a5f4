/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * HEKI wire ABI: kernel symbol information (LOAD_KDATA).
 *
 * The HEKI_KDATA_KERNEL_INFO blob starts with struct heki_kernel_info;
 * the HEKI_KDATA_KERNEL_DATA ranges hold __ksymtab / __ksymtab_gpl,
 * arrays of struct heki_kernel_symbol, and the names they point at.
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
 * Bytes after these 32 in the blob are ignored.
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
