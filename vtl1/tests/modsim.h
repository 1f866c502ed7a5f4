/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * modsim.h - simulated module loads for host tests: lay out and relocate a
 * module ELF as Linux 6.1 or 6.4+ would (using the library's own layout
 * and relocation code, which test_integrity checks against real modules
 * and an independent Python layout, and tests/layout against real
 * kernels), apply chosen legitimate rewrites, and write the result into a
 * simulated guest's frames.
 */
#ifndef HEKI_VTL1_TEST_MODSIM_H
#define HEKI_VTL1_TEST_MODSIM_H

#include <heki/abi.h>

#include "guest.h"
#include "module/modverify.h"

/* The simulated guest's memory map for whole ValidateModule runs. */
#define SIM_CHAIN_PA	0x10000ULL
#define SIM_KD_PA		0x100000ULL	/* certs, info, export table */
#define SIM_KD_CERT		SIM_KD_PA
#define SIM_KD_INFO		(SIM_KD_PA + 0x1000)
#define SIM_KD_DATA		(SIM_KD_PA + 0x2000)
#define SIM_KD_MAX		0x2fe000ULL
#define SIM_ELF_PA		0x400000ULL
#define SIM_ELF_MAX		0x400000ULL
#define SIM_CORE_PA		0x800000ULL
#define SIM_CORE_MAX	0x600000ULL
#define SIM_INIT_PA		0xe00000ULL
#define SIM_INIT_MAX	0x100000ULL
#define SIM_CORE_VA		0xffffffffc0000000ULL
#define SIM_INIT_VA		0xffffffffc1000000ULL
#define SIM_PERCPU_VA	0x2a000ULL
#define SIM_KVA(pa)		(0xffffffff80000000ULL + (pa))
/* Kernel text of the simulated kernel: holds every modsim_fake_export(). */
#define SIM_KTEXT_START	0xffffffff81000000ULL
#define SIM_KTEXT_END	0xffffffff81800000ULL

/* The address the simulated kernel gives export @name (16-byte aligned). */
__u64 modsim_fake_export(const char *name);
/* heki_modreloc_resolve_fn over modsim_fake_export(). */
int modsim_resolve(void *ctx, const char *name, __u64 *addr);
/*
 * LoadKData with certificate @cert and an export table of @elf's imports
 * (plus one GPL entry) at SIM_KD_*. Returns the VTL call's result.
 */
int modsim_load_kdata(struct guest *g, const __u8 *cert, __u64 clen,
		      const struct heki_elf *elf);
/* The same with kernel info extension @ext (its size bytes) after it. */
int modsim_load_kdata_ext(struct guest *g, const __u8 *cert, __u64 clen,
			  const struct heki_elf *elf,
			  const struct heki_kernel_info_ext *ext);
/*
 * An extension for the simulated kernel: @linux_version, text
 * [SIM_KTEXT_START, SIM_KTEXT_END), RETHUNK with __x86_return_thunk's
 * fake export, no pv_ops.
 */
void modsim_kinfo_ext(struct heki_kernel_info_ext *x, __u32 linux_version);

/**
 * struct modsim - one simulated load
 * @mv: parsed ELF and layout
 * @va: VA of each memory type
 * @size: size of each memory type
 * @mem: the bytes the loader leaves in each type (malloc'd)
 */
struct modsim {
	struct heki_modverify mv;
	__u64 va[HEKI_MODLAYOUT_NR_MEM];
	__u64 size[HEKI_MODLAYOUT_NR_MEM];
	__u8 *mem[HEKI_MODLAYOUT_NR_MEM];
};

/* The 6.1 load: core allocation at @core_va, init at @init_va. */
int modsim_load(struct modsim *s, const __u8 *elf, __u64 len, __u64 core_va,
		__u64 init_va, heki_modreloc_resolve_fn resolve, void *ctx,
		__u64 percpu_va, int has_percpu);
/*
 * A load in steps, for either kernel's rules: modsim_layout() parses and
 * lays out with @kernel (enum heki_modlayout_kernel; 0 = 6.1) and sets
 * @size; one of modsim_va_alloc() / modsim_va_scatter() (or the caller)
 * sets @va; modsim_relocate() checks @va/@size against the layout
 * (heki_modverify_check_mem()) and builds @mem. modsim_free() after any.
 */
int modsim_layout(struct modsim *s, const __u8 *elf, __u64 len,
		  __u32 kernel);
/* Each type at its allocation's VA (@alloc_va[region alloc]) + its base. */
void modsim_va_alloc(struct modsim *s,
		     const __u64 alloc_va[HEKI_MODLAYOUT_NR_MEM]);
/*
 * Each non-empty type at its own VA: from @base_va in the order @order
 * (a permutation of the types), @gap bytes between consecutive ones.
 */
void modsim_va_scatter(struct modsim *s, __u64 base_va,
		       const __u8 order[HEKI_MODLAYOUT_NR_MEM], __u64 gap);
int modsim_relocate(struct modsim *s, heki_modreloc_resolve_fn resolve,
		    void *ctx, __u64 percpu_va, int has_percpu);
void modsim_free(struct modsim *s);
/* ftrace_module_init: every __mcount_loc site becomes NOP5; returns count. */
long modsim_nop_mcount(struct modsim *s);
/* VA -> (type, offset) of simulated memory; pointer or NULL. */
__u8 *modsim_at(struct modsim *s, __u64 va, __u64 len, __u32 *mem);
/* First __mcount_loc site's VA, 0 if none. */
__u64 modsim_first_mcount(const struct modsim *s);
/*
 * One range per non-empty type, frames from @core_pa / @init_pa at the
 * layout's offsets; writes the simulated memory there. Returns the count.
 */
__u32 modsim_place(struct guest *g, const struct modsim *s, __u64 core_pa,
		   __u64 init_pa, struct heki_range *r);
/*
 * Any layout: one range per non-empty type at @s->va, frames from @pa on
 * in type order with @gap bytes between; writes the simulated memory
 * there. Returns the count.
 */
__u32 modsim_place_pa(struct guest *g, const struct modsim *s, __u64 pa,
		      __u64 gap, struct heki_range *r);

/*
 * For ValidateModule tests with chosen ranges: build a small real ELF
 * module whose 6.1 layout fills exactly the memory of @r[0..n) (types text
 * .. init rodata; data and init data must be present), give the ranges
 * VAs in the kernel's order, write the loaded bytes into their frames and
 * the signed image (guest_sign, @keyid; one byte flipped after signing if
 * @tamper) at @elf_pa. Returns the image length, 0 if no ELF fits.
 */
__u64 put_module_mem(struct guest *g, __u64 elf_pa, __u8 keyid, int tamper,
		     struct heki_range *r, __u32 n);

/* Most jump label sites put_module_jumps() builds. */
#define MODSIM_MAX_JUMPS	8

/**
 * struct modsim_jump - a jump label site of a put_module_jumps() module
 * @mem: HEKI_MODLAYOUT_TEXT or HEKI_MODLAYOUT_INIT_TEXT
 * @size: 2 or 5
 * @off: offset of the site in .text / .init.text (section = memory start)
 * @target: offset of its target in the same section
 * @jmp: the ELF holds the jmp (else the NOP)
 * @branch: the key's branch bit in the entry
 */
struct modsim_jump {
	__u32 mem;
	__u32 size;
	__u64 off;
	__u64 target;
	int jmp;
	int branch;
};

/*
 * put_module_mem() with @njumps (at most MODSIM_MAX_JUMPS) jump label
 * sites: the ELF gets a __jump_table naming them (the memory needs an
 * ro_after_init range for it).
 */
__u64 put_module_jumps(struct guest *g, __u64 elf_pa, __u8 keyid, int tamper,
		       struct heki_range *r, __u32 n,
		       const struct modsim_jump *jumps, __u32 njumps);

/* .text offsets of put_module_scalls()'s static call content. */
#define MODSIM_SC_CALL	0x200ULL	/* call __SCT__k (key k) */
#define MODSIM_SC_TAIL	0x250ULL	/* jmp __SCT__k (key k, tail) */
#define MODSIM_SC_TRAMP	0x300ULL	/* __SCT__k: jmp f1; ud1 */
#define MODSIM_SC_F1	0x400ULL	/* f1 */
#define MODSIM_SC_F2	0x500ULL	/* f2 */
#define MODSIM_SC_PFX_F2	0x4f0ULL	/* __pfx_f2 (STT_FUNC, no entry) */
#define MODSIM_SC_CFI_F1	0x3f0ULL	/* __cfi_f1 (STT_FUNC, no entry) */
/* .init.text offset of fi, a function of the module's init text */
#define MODSIM_SC_INIT_FI	0x100ULL

/* Most extra targets struct modsim_scall declares. */
#define MODSIM_MAX_EXTRA	4

/**
 * struct modsim_scall - options of put_module_scalls()
 * @core_va: VA of the core allocation (0: MODSIM_CORE_VA, @init_va
 *	ignored)
 * @init_va: VA of the init allocation
 * @extra: further targets (VAs) the test may write at the three sites
 *	(told to the oracle)
 * @nextra: entries in @extra, at most MODSIM_MAX_EXTRA
 */
struct modsim_scall {
	__u64 core_va;
	__u64 init_va;
	__u64 extra[MODSIM_MAX_EXTRA];
	__u32 nextra;
};

/*
 * put_module_mem() whose ELF defines the static call trampoline __SCT__k,
 * the functions f1 and f2 (and fi in its init text, if it has one; at
 * .text when it has none), and names two sites of key k in its
 * .static_call_sites (the memory needs an ro_after_init range for it);
 * the oracle learns the forms the tests may write there (@x).
 */
__u64 put_module_scalls(struct guest *g, __u64 elf_pa, __u8 keyid,
			struct heki_range *r, __u32 n,
			const struct modsim_scall *x);

#endif /* HEKI_VTL1_TEST_MODSIM_H */
