/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * instance.h - the validator instance and the helpers every handler uses:
 * allocation, VTL0 copies, logging, address checks.
 *
 * Error convention: internal functions return 0 or -HEKI_VSM_ERR_<X>
 * (every code is > 0); heki_vtl1_dispatch() turns that into -errno.
 */
#ifndef HEKI_VTL1_INSTANCE_H
#define HEKI_VTL1_INSTANCE_H

#include "libc.h"
#include <heki/abi.h>
#include "heki_vtl1.h"

#define VTL1_PFN_LIMIT		(1ULL << (52 - HEKI_PAGE_SHIFT))
#define VTL1_PA_LIMIT		(1ULL << 52)

/* Number of VTL0 registers LockRegs reads (vtl1_pinned_regs[]). */
#define VTL1_NR_PINNED_REGS	11

/* VTL0 access of a frame VTL1 never touched (partition default). */
#define VTL1_PROT_DEFAULT	((__force hv_page_prot_t)0xF)

/**
 * struct vtl1_prot_ent - one run of guest frames in the protection map
 * @pfn: first frame
 * @npages: number of frames (> 0)
 * @id: module token for HEKI_VTL1_OWNER_MODULE, else 0
 * @owner: enum heki_vtl1_owner
 * @prot: VTL0 access VTL1 set (raw HV_PAGE_* bits)
 * @pad: zero
 */
struct vtl1_prot_ent {
	__u64 pfn;
	__u64 npages;
	__s64 id;
	__u8 owner;
	__u8 prot;
	__u8 pad[6];
};

/**
 * struct vtl1_prot_map - sorted, disjoint, coalesced runs of guest frames
 * @e: entries, sorted by pfn
 * @n: entries in use
 */
struct vtl1_prot_map {
	struct vtl1_prot_ent *e;
	__u32 n;
};

/*
 * Most fixed encodings of one patch site: a jump label's NOP and jmp; a
 * static call's NOP / xor-rax or return forms and the bytes it was
 * validated with (module/rewrite_static_call.c).
 */
#define VTL1_PATCH_MAX_FORMS	8

/*
 * Where a static call site's CALL / JMP form may send it
 * (vtl1_patch_site.entry, vtl1_func_entry()): a function entry of the
 * kernel (LoadKData's exports and kallsyms), of a live validated module's
 * core text, or of either.
 */
#define VTL1_ENTRY_KERNEL	1U
#define VTL1_ENTRY_MODULE	2U
#define VTL1_ENTRY_ANY		(VTL1_ENTRY_KERNEL | VTL1_ENTRY_MODULE)

/**
 * struct vtl1_patch_site - a text-patch site and the encodings it may hold
 * @loc: where the site is: pa[0] (byte 0), pa[1] (the page holding the
 *	rest when the site crosses a page, else 0) and size (2 or 5), with
 *	heki_patch_validate()'s rules; @loc.code is unused (zero)
 * @nforms: legal fixed encodings in @form (1 to VTL1_PATCH_MAX_FORMS)
 * @form: the legal fixed encodings, @loc.size bytes each: for a jump
 *	label the NOP of that size and the jmp to its target (when a jmp of
 *	that size reaches it); for a static call site or trampoline the
 *	forms __static_call_transform() writes for a NULL function (and
 *	__static_call_return0), and the bytes the module was validated
 *	with; derived by VTL1 from the verified module ELF, or from the
 *	kernel's patch info received before end of boot
 * @branch: 0 for a jump label; for a static call site or trampoline the
 *	opcode (0xe8 CALL, 0xe9 JMP) of its one variable form: that opcode
 *	with a rel32 from @va + 5 to a function entry of validated text
 *	(vtl1_func_entry() in @entry), computed when PatchText is asked for it
 * @held: 1 from the int3 step PatchText wrote at byte 0 until the head
 *	step that ends the sequence; else 0
 * @entry: where the variable form's function entry may lie: VTL1_ENTRY_ANY
 *	(the kernel's or a live module's, for a module's site) or
 *	VTL1_ENTRY_MODULE (a live module's only, for a kernel site of a key
 *	module/kscall.c admits); 0 for a jump label
 * @pad: zero
 * @token: owning module token, or -1 for the kernel
 * @init: the site lies in the module's init text
 * @pad2: zero
 * @before: while @held, the @loc.size bytes the site held when PatchText
 *	wrote its int3 (one of its forms, checked then); the one thing
 *	besides a form PatchText may put back before the sequence ends
 * @pad3: zero
 * @va: VTL0 virtual address of the site's first byte (static calls)
 * @no_call: a function a CALL form may not name (__static_call_return0,
 *	which the kernel writes as xor-rax instead), 0 if none
 */
struct vtl1_patch_site {
	struct heki_patch loc;
	__u8 nforms;
	__u8 form[VTL1_PATCH_MAX_FORMS][POKE_MAX_OPCODE_SIZE];
	__u8 branch;
	__u8 held;
	__u8 entry;
	__u8 pad[4];
	__s64 token;
	__u32 init;
	__u32 pad2;
	__u64 va;
	__u64 no_call;
	__u8 before[POKE_MAX_OPCODE_SIZE];
	__u8 pad3[8 - POKE_MAX_OPCODE_SIZE % 8];
};

/**
 * struct vtl1_patch_key - one page-contiguous piece of a site
 * @pa: physical address of the piece's first byte
 * @idx: index into the site array
 * @first: index, inside the site, of the piece's first byte
 * @len: bytes in the piece (1..POKE_MAX_OPCODE_SIZE)
 * @pad: zero
 *
 * A site within one page is one piece; a site crossing a page is two.
 * Pieces of all sites never share a byte (vtl1_patches_stage()).
 */
struct vtl1_patch_key {
	__u64 pa;
	__u32 idx;
	__u8 first;
	__u8 len;
	__u8 pad[2];
};

/**
 * struct vtl1_patches - the patch sites and their sorted pieces
 * @site: sites (unordered)
 * @key: one or two pieces per site, sorted by pa
 * @n: sites in use
 * @nk: pieces in use
 */
struct vtl1_patches {
	struct vtl1_patch_site *site;
	struct vtl1_patch_key *key;
	__u32 n;
	__u32 nk;
};

struct heki_symtab;
struct heki_kinfo_ext;
struct heki_kfuncs;
struct heki_revocation;
struct vtl1_module;

/**
 * struct heki_vtl1 - one validator instance
 * @p: copy of the platform interface
 * @vtl1: sorted copy of the VTL1-owned ranges
 * @nr_vtl1: entries in @vtl1
 * @end_of_boot: SignalEndOfBoot received
 * @keyring: crypto provider keyring from the first successful LoadKData
 * @nr_certs: certificates in @keyring
 * @rev: revoked certificates, system certificates whose tbs: hash is
 *	blocked, and the blocklist, from the same LoadKData (sig/revoke.h);
 *	NULL before LoadKData
 * @symtab: kernel symbol tables from LoadKData (parsers)
 * @gpl_symtab: GPL kernel symbol table from LoadKData (parsers)
 * @kdata_va: VA of the first KernelData range (the kernel's rodata)
 * @kdata_loaded: LoadKData completed once
 * @last_error: enum heki_vsm_error of the last dispatched call (HEKI_VSM_OK
 *	when it succeeded, or failed with a code outside the enum)
 * @mode: HEKI_MODE_ENFORCE, or HEKI_MODE_PERMISSIVE from LoadKData's Mode
 *	range (VTL1 validates and protects the same either way; it records
 *	the mode so that it never reports more than the guest enforces)
 * @kext: LoadKData's kernel info extension, NULL if VTL0 sent none
 * @kfuncs: the kernel's function entries LoadKData found (kdata/), NULL
 *	before LoadKData
 * @kexec_purgatory: copy of the kernel's kexec_purgatory ELF read by
 *	LoadKData from protected kernel data (kdata/), NULL if none
 * @kexec_purgatory_len: its length (at most HEKI_VTL1_MAX_PURGATORY_SIZE)
 * @map: protection map
 * @mods: live modules, sorted by token (module/)
 * @nr_mods: entries in @mods
 * @next_token: next ValidateModule token
 * @patches: precomputed text patches
 * @ringbuf_pa: ring buffer address (first AllocateRingbufferMemory)
 * @ringbuf_size: ring buffer size, 0 if not set
 * @locked_regs: VTL0 register values read by the last LockRegs, in the
 *	order of vtl1_pinned_regs[]
 * @regs_locked: LockRegs succeeded at least once
 * @chain_buf: ranges of the current call's chain (see chain.c)
 * @chain_cap: capacity of @chain_buf
 */
struct heki_vtl1 {
	struct heki_vtl1_platform p;
	struct heki_vtl1_phys_range *vtl1;
	__u32 nr_vtl1;
	__u32 end_of_boot;
	void *keyring;
	__u32 nr_certs;
	struct heki_revocation *rev;
	__u32 kdata_loaded;
	__u32 last_error;
	__u32 mode;
	struct heki_symtab *symtab;
	struct heki_symtab *gpl_symtab;
	__u64 kdata_va;
	struct heki_kinfo_ext *kext;
	struct heki_kfuncs *kfuncs;
	__u8 *kexec_purgatory;
	__u64 kexec_purgatory_len;
	struct vtl1_prot_map map;
	struct vtl1_module **mods;
	__u32 nr_mods;
	__s64 next_token;
	struct vtl1_patches patches;
	__u64 ringbuf_pa;
	__u64 ringbuf_size;
	__u64 locked_regs[VTL1_NR_PINNED_REGS];
	__u32 regs_locked;
	struct heki_range *chain_buf;
	__u32 chain_cap;
};

/* boot.c: the VTL0 registers LockRegs reads and the intercepts pin */
extern const __u32 vtl1_pinned_regs[VTL1_NR_PINNED_REGS];

/* core.c */
void *vtl1_alloc(struct heki_vtl1 *v, __u64 size);
void *vtl1_alloc_uninit(struct heki_vtl1 *v, __u64 size);
void *vtl1_alloc_array(struct heki_vtl1 *v, __u64 n, __u64 size);
void vtl1_free(struct heki_vtl1 *v, void *ptr);
int vtl1_overlaps_vtl1(const struct heki_vtl1 *v, __u64 pa, __u64 len);
int vtl1_copy_from(struct heki_vtl1 *v, void *dst, __u64 pa, __u64 len);

#define vtl1_log(v, lvl, fmt, ...) \
	((v)->p.log((v)->p.ctx, (lvl), "heki_vtl1: " fmt, ##__VA_ARGS__))
#define vtl1_err(v, fmt, ...) vtl1_log(v, HEKI_VTL1_LOG_ERR, fmt, ##__VA_ARGS__)
#define vtl1_warn(v, fmt, ...) \
	vtl1_log(v, HEKI_VTL1_LOG_WARN, fmt, ##__VA_ARGS__)
#define vtl1_info(v, fmt, ...) \
	vtl1_log(v, HEKI_VTL1_LOG_INFO, fmt, ##__VA_ARGS__)
#define vtl1_dbg(v, fmt, ...) \
	vtl1_log(v, HEKI_VTL1_LOG_DEBUG, fmt, ##__VA_ARGS__)

/* Range checks shared by the chain walker and the handlers. */
static inline int vtl1_pa_valid(__u64 pa)
{
	return pa < VTL1_PA_LIMIT;
}

static inline int vtl1_va_canonical(__u64 va)
{
	__u64 top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

static inline int vtl1_page_aligned(__u64 x)
{
	return (x & (HEKI_PAGE_SIZE - 1)) == 0;
}

#endif /* HEKI_VTL1_INSTANCE_H */
