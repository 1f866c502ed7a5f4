/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * modsim.h - simulated module loads for host tests: lay out and relocate a
 * module ELF as Linux 6.1 would (using the library's own layout and
 * relocation code, which test_integrity checks against real modules and an
 * independent Python layout), apply chosen legitimate rewrites, and write
 * the result into a simulated guest's frames.
 */
#ifndef HEKI_VTL1_TEST_MODSIM_H
#define HEKI_VTL1_TEST_MODSIM_H

#include <heki/abi.h>

#include "guest.h"
#include "modverify.h"

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

int modsim_load(struct modsim *s, const __u8 *elf, __u64 len, __u64 core_va,
		__u64 init_va, heki_modreloc_resolve_fn resolve, void *ctx,
		__u64 percpu_va, int has_percpu);
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
 * For ValidateModule tests with chosen ranges: build a small real ELF
 * module whose 6.1 layout fills exactly the memory of @r[0..n) (types text
 * .. init rodata; data and init data must be present), give the ranges
 * VAs in the kernel's order, write the loaded bytes into their frames and
 * the signed image (guest_sign, @keyid; one byte flipped after signing if
 * @tamper) at @elf_pa. Returns the image length, 0 if no ELF fits.
 */
__u64 put_module_mem(struct guest *g, __u64 elf_pa, __u8 keyid, int tamper,
		     struct heki_range *r, __u32 n);

#endif /* HEKI_VTL1_TEST_MODSIM_H */
