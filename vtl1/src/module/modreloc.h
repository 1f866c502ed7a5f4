/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * modreloc.h - recompute a module's relocations the way Linux 6.1 x86-64
 * applies them, into a VTL1 copy of one section.
 *
 * Two steps, as in the kernel: heki_modreloc_symbols() gives every symbol
 * its final value (simplify_symbols: sections from the layout and the
 * VAs of the module's memory, the per-CPU base, kernel exports through a
 * resolver callback), then heki_modreloc_apply() applies every SHT_RELA
 * section that targets one section (apply_relocate_add), refusing exactly
 * what the kernel refuses plus everything it would not bound.
 */
#ifndef _HEKI_VTL1_MODRELOC_H
#define _HEKI_VTL1_MODRELOC_H

#include <heki/abi.h>

#include "modlayout.h"

struct heki_elf;

/* x86-64 relocation types the Linux 6.1 module loader accepts. */
#define HEKI_R_X86_64_NONE	0U
#define HEKI_R_X86_64_64	1U
#define HEKI_R_X86_64_PC32	2U
#define HEKI_R_X86_64_PLT32	4U
#define HEKI_R_X86_64_32	10U
#define HEKI_R_X86_64_32S	11U
#define HEKI_R_X86_64_PC64	24U

/**
 * typedef heki_modreloc_resolve_fn - look up a kernel export by name
 * @ctx: heki_modreloc_env.ctx
 * @name: NUL-terminated symbol name from the module's string table
 * @addr: set to the symbol's address on success
 *
 * Return: 0 if found, -HEKI_VSM_ERR_MODRELOC_SYMBOL_UNRESOLVED if the name
 * is unknown, or any other negative HEKI_VSM_ERR_* to abort.
 */
typedef int (*heki_modreloc_resolve_fn)(void *ctx, const char *name,
					__u64 *addr);

/**
 * struct heki_modreloc_env - what relocation needs besides the ELF
 * @elf: the parsed module image
 * @layout: its layout (heki_modlayout_compute())
 * @mem_va: virtual address of the first byte of each module memory type
 * @percpu_va: the module's per-CPU base (mod->percpu); used for symbols
 *	in .data..percpu
 * @has_percpu: @percpu_va is valid
 * @resolve: kernel export lookup for undefined symbols
 * @ctx: passed to @resolve
 */
struct heki_modreloc_env {
	const struct heki_elf *elf;
	const struct heki_modlayout *layout;
	__u64 mem_va[HEKI_MODLAYOUT_NR_MEM];
	__u64 percpu_va;
	int has_percpu;
	heki_modreloc_resolve_fn resolve;
	void *ctx;
};

/**
 * enum heki_modreloc_sym_state - how a symbol's value was found
 * @HEKI_MODRELOC_SYM_RAW: st_value unchanged (null symbol, SHN_ABS,
 *	ignored __gnu_lto common, unresolved weak or _GLOBAL_OFFSET_TABLE_)
 * @HEKI_MODRELOC_SYM_LOCAL: section address + st_value
 * @HEKI_MODRELOC_SYM_PERCPU: per-CPU base + st_value
 * @HEKI_MODRELOC_SYM_EXPORT: resolved kernel export
 * @HEKI_MODRELOC_SYM_UNLOADED: defined in a section that is not in module
 *	memory (the kernel would use its temporary-copy address); any
 *	relocation that uses it is refused
 */
enum heki_modreloc_sym_state {
	HEKI_MODRELOC_SYM_RAW = 0,
	HEKI_MODRELOC_SYM_LOCAL = 1,
	HEKI_MODRELOC_SYM_PERCPU = 2,
	HEKI_MODRELOC_SYM_EXPORT = 3,
	HEKI_MODRELOC_SYM_UNLOADED = 4,
};

/**
 * struct heki_modreloc_sym - final value of one symbol
 * @value: the value the kernel's simplify_symbols() gives it
 * @state: enum heki_modreloc_sym_state
 * @pad: zero
 */
struct heki_modreloc_sym {
	__u64 value;
	__u32 state;
	__u32 pad;
};

/**
 * struct heki_modreloc_fault - where relocation stopped
 * @rela: index of the SHT_RELA (or SHT_REL) section, 0 if none
 * @type: relocation type of the entry
 * @entry: entry index inside @rela
 * @offset: r_offset of the entry (byte offset in the target section)
 * @sym: symbol index (of the entry, or of the symbol that failed in
 *	heki_modreloc_symbols())
 */
struct heki_modreloc_fault {
	__u32 rela;
	__u32 type;
	__u64 entry;
	__u64 offset;
	__u64 sym;
};

int heki_modreloc_symbols(const struct heki_modreloc_env *env,
			  struct heki_modreloc_sym *syms, __u64 nsyms,
			  struct heki_modreloc_fault *fault);
int heki_modreloc_load_section(const struct heki_elf *elf, __u32 idx,
			       __u8 *buf, __u64 len);
int heki_modreloc_apply(const struct heki_modreloc_env *env,
			const struct heki_modreloc_sym *syms, __u64 nsyms,
			__u32 target, __u8 *buf, __u64 len,
			struct heki_modreloc_fault *fault);

int heki_modreloc_build_mem(const struct heki_modreloc_env *env,
			    const struct heki_modreloc_sym *syms, __u64 nsyms,
			    __u32 mem, __u8 *buf, __u64 len,
			    struct heki_modreloc_fault *fault);

#endif /* _HEKI_VTL1_MODRELOC_H */
