/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * modverify.h - the module comparison engine: does a module's memory hold
 * exactly what its signed ELF yields after the kernel's layout,
 * relocation and legitimate load-time rewrites?
 *
 * Use, in ValidateModule: heki_modverify_init() (parse the ELF, compute
 * the 6.1 layout), heki_modverify_check_mem() (VTL0's memory ranges against
 * the layout, before any module byte is copied), then
 * heki_modverify_compare() with VTL1 copies of every compared memory type,
 * and heki_modverify_free(). Compared types: text, rodata, ro_after_init,
 * init text, init rodata. Data and init data hold what the loader writes
 * (struct module, kallsyms, the simplified symtab) and are not compared.
 */
#ifndef _HEKI_VTL1_MODVERIFY_H
#define _HEKI_VTL1_MODVERIFY_H

#include <heki/abi.h>

#include "elf/elf.h"
#include "modlayout.h"
#include "modreloc.h"
#include "rewrite.h"

struct heki_kinfo_ext;

/* Most rewrite sites accepted in one module (kvm.ko has ~12,000). */
#define HEKI_MODVERIFY_MAX_SITES	(1U << 20)

/**
 * struct heki_modverify_ops - allocation for the engine's work buffers
 * @alloc: zeroed memory of @size bytes, NULL on failure
 * @free: release memory from @alloc (NULL allowed)
 * @ctx: passed to both
 * @layout_kernel: enum heki_modlayout_kernel whose layout rules apply;
 *	0 means HEKI_MODLAYOUT_LINUX_6_1
 * @alloc_uninit: optional: memory of @size bytes whose contents do not
 *	matter (freed with @free), for the buffers the engine writes
 *	completely before reading; NULL means @alloc
 */
struct heki_modverify_ops {
	void *(*alloc)(void *ctx, __u64 size);
	void (*free)(void *ctx, void *ptr);
	void *ctx;
	__u32 layout_kernel;
	void *(*alloc_uninit)(void *ctx, __u64 size);
};

/**
 * struct heki_modverify - one module under verification
 * @ops: allocation callbacks
 * @elf: the parsed ELF (without signature)
 * @sects: one layout entry per section header
 * @lay: the layout
 * @mem_va: VAs of the memory types (set by heki_modverify_check_mem())
 * @mem_checked: heki_modverify_check_mem() succeeded
 * @expected: relocated ELF bytes per compared type (compare step)
 * @syms: symbol values (compare step)
 * @sites: rewrite sites (compare step)
 * @nsites: entries in @sites
 * @funcs: VAs of the ELF's STT_FUNC symbols in text and init text,
 *	sorted, unique (compare step)
 * @nfuncs: entries in @funcs
 * @ctx: what heki_rw_check() is told (compare step)
 */
struct heki_modverify {
	struct heki_modverify_ops ops;
	struct heki_elf elf;
	struct heki_modlayout_sect *sects;
	struct heki_modlayout lay;
	__u64 mem_va[HEKI_MODLAYOUT_NR_MEM];
	int mem_checked;
	__u8 *expected[HEKI_MODLAYOUT_NR_MEM];
	struct heki_modreloc_sym *syms;
	struct heki_rw_site *sites;
	__u32 nsites;
	__u64 *funcs;
	__u64 nfuncs;
	struct heki_rw_ctx ctx;
};

/**
 * struct heki_modverify_fault - where and why verification refused
 * @err: the returned error (negative HEKI_VSM_ERR_*), 0 if none
 * @mem: memory type of the offending byte, HEKI_MODLAYOUT_MEM_NONE if none
 * @mem_off: its offset inside that memory type
 * @section: ELF section holding it (0: alignment gap or page padding)
 * @section_name: its name ("" if none); points into the ELF image
 * @sect_off: offset inside @section
 * @kind: enum heki_rw_kind of the refusing site, HEKI_RW_NR_KINDS if the
 *	byte is outside every site
 * @rule: the rule that refused ("equal" outside sites), static string
 * @table: section of the table entry that named the site (0 if none)
 * @entry: index of that entry
 * @expected: the expected byte at the offending offset
 * @actual: the byte VTL0's memory holds there
 * @reloc: relocation fault details when @err came from relocation
 */
struct heki_modverify_fault {
	int err;
	__u32 mem;
	__u64 mem_off;
	__u32 section;
	const char *section_name;
	__u64 sect_off;
	__u32 kind;
	const char *rule;
	__u32 table;
	__u64 entry;
	__u8 expected;
	__u8 actual;
	struct heki_modreloc_fault reloc;
};

/**
 * struct heki_modverify_env - what comparison needs besides the ELF
 * @actual: VTL1 copy of each memory type's bytes (layout size each); NULL
 *	for types not compared or empty
 * @percpu_va: the module's per-CPU base (mod->percpu)
 * @has_percpu: @percpu_va was given by VTL0
 * @resolve: kernel export lookup (the LoadKData symbol tables)
 * @resolve_ctx: passed to @resolve
 * @policy: HEKI_RW_POLICY_*
 * @ktext_start: first byte of kernel text, 0 if unknown; given to the
 *	rules as HEKI_RW_KSYM_KTEXT_START when the export table lacks _stext
 * @ktext_end: one past its last byte
 * @func_entry: passed to the rules as heki_rw_ctx.func_entry
 * @func_entry_arg: passed to @func_entry
 * @kext: LoadKData's kernel info extension, NULL if none (its text bounds,
 *	return thunk and pv_ops then override the above, see kinfo_ext.c)
 */
struct heki_modverify_env {
	const __u8 *actual[HEKI_MODLAYOUT_NR_MEM];
	__u64 percpu_va;
	int has_percpu;
	heki_modreloc_resolve_fn resolve;
	void *resolve_ctx;
	__u32 policy;
	__u64 ktext_start;
	__u64 ktext_end;
	heki_rw_entry_fn func_entry;
	void *func_entry_arg;
	const struct heki_kinfo_ext *kext;
};

/**
 * typedef heki_modverify_export_fn - one export of a verified module
 * @arg: caller's argument
 * @name: the name (not NUL-terminated), in the engine's expected bytes
 * @len: its length (1..HEKI_ELF_MAX_NAME_LEN)
 * @value: the exported address
 *
 * Return: 0 to continue, a negative error to stop.
 */
typedef int (*heki_modverify_export_fn)(void *arg, const char *name,
					__u64 len, __u64 value);

int heki_modverify_exports(const struct heki_modverify *mv,
			   heki_modverify_export_fn fn, void *arg);

/**
 * struct heki_modverify_jump - one jump label site of a verified module
 * @va: VA of the site's first byte
 * @mem: HEKI_MODLAYOUT_TEXT or HEKI_MODLAYOUT_INIT_TEXT
 * @size: 2 or 5
 * @nforms: encodings in @form (1 or 2)
 * @form: the NOP of @size and, if it reaches, the jmp to the target
 */
struct heki_modverify_jump {
	__u64 va;
	__u32 mem;
	__u32 size;
	__u32 nforms;
	__u8 form[2][5];
};

/**
 * typedef heki_modverify_jump_fn - one jump label site of a verified module
 * @arg: caller's argument
 * @j: the site
 *
 * Return: 0 to continue, a negative error to stop.
 */
typedef int (*heki_modverify_jump_fn)(void *arg,
				      const struct heki_modverify_jump *j);

int heki_modverify_jump_sites(const struct heki_modverify *mv,
			      heki_modverify_jump_fn fn, void *arg);

/* Fixed forms of one static call site: the rules' and the validated bytes. */
#define HEKI_MODVERIFY_SCALL_FORMS	(HEKI_RW_STATIC_CALL_MAX_FORMS + 1)

/**
 * struct heki_modverify_scall - a static call site or trampoline of a
 *	verified module
 * @va: VA of its first byte
 * @mem: HEKI_MODLAYOUT_TEXT or HEKI_MODLAYOUT_INIT_TEXT
 * @nforms: fixed encodings in @form
 * @form: heki_rw_static_call_forms() and the 5 bytes the module's memory
 *	held when it was verified
 * @branch: 0xe8 for a call site, 0xe9 for a tail-call site or trampoline
 * @pad: zero
 * @no_call: the function a CALL may not name, 0 if none
 */
struct heki_modverify_scall {
	__u64 va;
	__u32 mem;
	__u32 nforms;
	__u8 form[HEKI_MODVERIFY_SCALL_FORMS][5];
	__u8 branch;
	__u8 pad[4];
	__u64 no_call;
};

/**
 * typedef heki_modverify_scall_fn - one static call site of a verified module
 * @arg: caller's argument
 * @c: the site
 *
 * Return: 0 to continue, a negative error to stop.
 */
typedef int (*heki_modverify_scall_fn)(void *arg,
				       const struct heki_modverify_scall *c);

int heki_modverify_static_calls(const struct heki_modverify *mv,
				heki_modverify_scall_fn fn, void *arg);
int heki_modverify_compared_mem(__u32 mem);
int heki_modverify_init(struct heki_modverify *mv,
			const struct heki_modverify_ops *ops,
			const __u8 *elf, __u64 elf_len,
			struct heki_modverify_fault *fault);
int heki_modverify_check_mem(struct heki_modverify *mv,
			     const __u64 mem_va[HEKI_MODLAYOUT_NR_MEM],
			     const __u64 mem_size[HEKI_MODLAYOUT_NR_MEM],
			     struct heki_modverify_fault *fault);
int heki_modverify_compare(struct heki_modverify *mv,
			   const struct heki_modverify_env *env,
			   struct heki_modverify_fault *fault);
void heki_modverify_free(struct heki_modverify *mv);

#endif /* _HEKI_VTL1_MODVERIFY_H */
