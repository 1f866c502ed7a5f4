/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Kernel symbol tables (LoadKData, types KernelInfo and KernelData): the
 * exported-symbol arrays __ksymtab and __ksymtab_gpl of the VTL0 kernel,
 * read out of a copy of its read-only data, turned into name -> address
 * tables that VTL1 can search.
 */
#ifndef _HEKI_VTL1_SYMTAB_H
#define _HEKI_VTL1_SYMTAB_H

#include <heki/abi.h>

struct heki_vtl1_platform;

/* Limits (each checked before anything is allocated). */
#define HEKI_SYMTAB_MAX_SYMBOLS		262144U		/* entries per table */
#define HEKI_SYMTAB_MAX_NAME_BYTES	(8U << 20)	/* names + NULs per table */
#define HEKI_SYMTAB_MAX_REGIONS		32768U		/* KernelData ranges */

/* Size of one struct heki_kernel_symbol entry on the wire. */
#define HEKI_KSYM_ENTRY_SIZE		12U

/**
 * struct heki_symtab_region - one KernelData range as it sits in the buffer
 * @va: VTL0 kernel virtual address of the range's first byte
 * @len: bytes the range contributes to the buffer
 *
 * The KernelData buffer is the concatenation of the ranges in the order
 * given; region i starts at the sum of the lengths before it.
 */
struct heki_symtab_region {
	__u64 va;
	__u64 len;
};

/**
 * struct heki_symbol - one entry of a built table
 * @value: the symbol's VTL0 address (entry address + value_offset)
 * @name: the NUL-terminated name, inside the table's pool
 * @name_len: name length without the NUL (< HEKI_KSYM_NAME_LEN)
 * @seq: position of the entry in the kernel's array
 */
struct heki_symbol {
	__u64 value;
	const char *name;
	__u32 name_len;
	__u32 seq;
};

/**
 * struct heki_symtab - a name -> address table, sorted by name
 * @syms: @count entries sorted by name (bytewise, shorter first); each name
 *	appears once (for repeated names the last entry in the kernel's
 *	array wins, as in LiteBox)
 * @names: the name pool, @names_len bytes
 * @count: number of entries
 * @names_len: bytes used in @names
 *
 * A zeroed struct is a valid empty table.
 */
struct heki_symtab {
	struct heki_symbol *syms;
	char *names;
	__u32 count;
	__u32 names_len;
};

/**
 * struct heki_symtab_map - VA -> buffer offset over the KernelData regions
 * @r: the regions (not owned)
 * @nr: entries in @r
 * @off: buffer offset of region i
 * @run_end: end offset of region i's VA-contiguous run
 */
struct heki_symtab_map {
	const struct heki_symtab_region *r;
	__u32 nr;
	__u64 *off;
	__u64 *run_end;
};

int heki_symtab_map_init(struct heki_symtab_map *m,
			 const struct heki_vtl1_platform *p,
			 const struct heki_symtab_region *r, __u32 nr,
			 __u64 len);
int heki_symtab_map_va(const struct heki_symtab_map *m, __u64 va,
		       __u64 *off, __u64 *avail);
void heki_symtab_map_free(struct heki_symtab_map *m,
			  const struct heki_vtl1_platform *p);

int heki_kernel_info_parse(const __u8 *buf, __u64 len,
			   struct heki_kernel_info *out);

int heki_symtab_build(struct heki_symtab *tab,
		      const struct heki_vtl1_platform *p,
		      const __u8 *buf, __u64 len,
		      const struct heki_symtab_region *regions, __u32 nregions,
		      __u64 start, __u64 end);

void heki_symtab_free(struct heki_symtab *tab,
		      const struct heki_vtl1_platform *p);

int heki_symtab_lookup(const struct heki_symtab *tab, const char *name,
		       __u64 name_len, __u64 *value);
void heki_symtab_text_bounds(const struct heki_symtab *const *tabs,
			     __u32 ntabs, __u64 rodata_va, __u64 *start,
			     __u64 *end);

#endif /* _HEKI_VTL1_SYMTAB_H */
