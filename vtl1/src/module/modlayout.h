/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * modlayout.h - where the kernel puts each section of a module, derived
 * from the signed ELF alone.
 *
 * The result names, for every section, the module memory type it lands in
 * (the same numbering as the wire's module memory types: text, data,
 * rodata, ro_after_init, init text, init data, init rodata) and its offset
 * inside that type's memory. Each memory type also gets its offset inside
 * the kernel allocation that holds it and its size, which is what the
 * ranges VTL0 sends must match.
 *
 * Two kernel generations are implemented (x86-64, STRICT_MODULE_RWX,
 * KALLSYMS_ALL, MODULE_UNLOAD, SMP; Debian's configuration):
 * HEKI_MODLAYOUT_LINUX_6_1, core_layout/init_layout, where the core types
 * are consecutive regions of one allocation and the init types of another;
 * and HEKI_MODLAYOUT_LINUX_6_4, mod->mem[] (6.4 and later; checked against
 * 6.12), where every memory type is its own page-aligned allocation. Both
 * were checked against the section addresses of real Debian kernels (6.1
 * and 6.12) booted in QEMU (Documentation/integrity.rst, Module layout).
 */
#ifndef _HEKI_VTL1_MODLAYOUT_H
#define _HEKI_VTL1_MODLAYOUT_H

#include <heki/abi.h>

struct heki_elf;
struct heki_kinfo_ext;

#define HEKI_MODLAYOUT_PAGE_SIZE	4096ULL
/* Largest module allocation accepted (the kernel's sizes are 32-bit). */
#define HEKI_MODLAYOUT_MAX_SIZE		(1ULL << 30)

/**
 * enum heki_modlayout_mem - module memory types (wire module memory type
 *	numbering)
 * @HEKI_MODLAYOUT_TEXT: core text
 * @HEKI_MODLAYOUT_DATA: core read-write data (includes the kallsyms tail)
 * @HEKI_MODLAYOUT_RODATA: core read-only data
 * @HEKI_MODLAYOUT_RO_AFTER_INIT: read-only after init
 * @HEKI_MODLAYOUT_INIT_TEXT: init text
 * @HEKI_MODLAYOUT_INIT_DATA: init read-write data (includes the full
 *	symtab, strtab, mod_kallsyms and typetab)
 * @HEKI_MODLAYOUT_INIT_RODATA: init read-only data
 * @HEKI_MODLAYOUT_NR_MEM: number of memory types
 * @HEKI_MODLAYOUT_MEM_NONE: the section is not in module memory
 */
enum heki_modlayout_mem {
	HEKI_MODLAYOUT_TEXT = 0,
	HEKI_MODLAYOUT_DATA = 1,
	HEKI_MODLAYOUT_RODATA = 2,
	HEKI_MODLAYOUT_RO_AFTER_INIT = 3,
	HEKI_MODLAYOUT_INIT_TEXT = 4,
	HEKI_MODLAYOUT_INIT_DATA = 5,
	HEKI_MODLAYOUT_INIT_RODATA = 6,
	HEKI_MODLAYOUT_NR_MEM = 7,
	HEKI_MODLAYOUT_MEM_NONE = 0xff,
};

/**
 * enum heki_modlayout_kernel - which kernel's layout rules to apply
 * @HEKI_MODLAYOUT_LINUX_6_1: Linux 6.1 core_layout/init_layout (Debian 12)
 * @HEKI_MODLAYOUT_LINUX_6_4: Linux 6.4 to 6.15, mod->mem[]
 * @HEKI_MODLAYOUT_LINUX_6_16: Linux 6.16 and later: mod->mem[], and
 *	module_mark_ro_after_init() also makes .static_call_sites
 *	ro_after_init and marks every section of each listed name
 * @HEKI_MODLAYOUT_LINUX_6_18: Linux 6.18 and later: the 6.16 layout; only
 *	the rewrite rules differ (apply_seal_endbr() writes the UDB-carrying
 *	ENDBR poison, rewrite_endbr.c)
 *
 * The values are ordered: a later kernel compares greater.
 */
enum heki_modlayout_kernel {
	HEKI_MODLAYOUT_LINUX_6_1 = 1,
	HEKI_MODLAYOUT_LINUX_6_4 = 2,
	HEKI_MODLAYOUT_LINUX_6_16 = 3,
	HEKI_MODLAYOUT_LINUX_6_18 = 4,
};

/**
 * struct heki_modlayout_sect - placement of one section
 * @flags: sh_flags as the kernel sees them at layout time (ALLOC cleared on
 *	__versions, .modinfo and .data..percpu; RO_AFTER_INIT set on
 *	.data..ro_after_init and __jump_table, from 6.16 also
 *	.static_call_sites; ALLOC set on .symtab/.strtab)
 * @offset: byte offset inside memory type @mem
 * @size: sh_size (NOBITS sections are zero-filled, others copied)
 * @mem: enum heki_modlayout_mem, HEKI_MODLAYOUT_MEM_NONE if not loaded
 * @pad: zero
 */
struct heki_modlayout_sect {
	__u64 flags;
	__u64 offset;
	__u64 size;
	__u8 mem;
	__u8 pad[7];
};

/**
 * struct heki_modlayout_region - one module memory type
 * @alloc: which kernel allocation holds it (6.1: 0 core, 1 init; 6.4+: its
 *	own, numbered like the memory type)
 * @pad: zero
 * @base: offset of its first byte inside that allocation (page aligned;
 *	always 0 on 6.4+)
 * @size: its size in bytes (page multiple; 0 if empty)
 */
struct heki_modlayout_region {
	__u32 alloc;
	__u32 pad;
	__u64 base;
	__u64 size;
};

/**
 * struct heki_modlayout - layout of one module
 * @kernel: enum heki_modlayout_kernel the layout was computed for
 * @nsects: entries in @sects (= e_shnum)
 * @sects: caller-provided array, one entry per section header
 * @mem: each memory type, indexed by enum heki_modlayout_mem
 * @nalloc: number of kernel allocations (6.1: 2; 6.4+: HEKI_MODLAYOUT_NR_MEM)
 * @alloc_size: size of each allocation, @nalloc used (6.1: [0] core,
 *	[1] init; 6.4+: [t] = @mem[t].size)
 * @this_module: index of .gnu.linkonce.this_module
 * @percpu: index of .data..percpu (0 if none); not in module memory
 * @kallsyms_off: offset of the core kallsyms tail (symbols, strings,
 *	types) inside HEKI_MODLAYOUT_DATA; it is not a copy of any section
 * @kallsyms_size: bytes of that tail before page rounding
 * @init_kallsyms_off: offset of struct mod_kallsyms and the type table
 *	inside HEKI_MODLAYOUT_INIT_DATA (after .symtab and .strtab)
 * @init_kallsyms_size: bytes of those two before page rounding
 */
struct heki_modlayout {
	__u32 kernel;
	__u32 nsects;
	struct heki_modlayout_sect *sects;
	struct heki_modlayout_region mem[HEKI_MODLAYOUT_NR_MEM];
	__u32 nalloc;
	__u64 alloc_size[HEKI_MODLAYOUT_NR_MEM];
	__u32 this_module;
	__u32 percpu;
	__u64 kallsyms_off;
	__u64 kallsyms_size;
	__u64 init_kallsyms_off;
	__u64 init_kallsyms_size;
};

int heki_modlayout_compute(const struct heki_elf *elf, __u32 kernel,
			   struct heki_modlayout_sect *sects, __u32 nsects,
			   struct heki_modlayout *out);
int heki_modlayout_check_mem(const struct heki_modlayout *lay,
			     const __u64 mem_va[HEKI_MODLAYOUT_NR_MEM],
			     const __u64 mem_size[HEKI_MODLAYOUT_NR_MEM],
			     __u32 *bad_mem);
__u32 heki_modlayout_kernel_of(const struct heki_kinfo_ext *x);
int heki_modlayout_section_va(const struct heki_modlayout *lay, __u32 idx,
			      const __u64 mem_va[HEKI_MODLAYOUT_NR_MEM],
			      __u64 *va);

#endif /* _HEKI_VTL1_MODLAYOUT_H */
