/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * purgatory.h - the purgatory segment Linux's kexec_file loader makes from
 * the kexec_purgatory ELF the running kernel carries (purgatory.c).
 *
 * kexec_load_purgatory() (kernel/kexec_file.c, the same in 6.1, 6.12 and
 * 7.2) lays the ELF's SHF_ALLOC sections out in one buffer, relocates them
 * for the segment's address (arch_kexec_apply_relocations_add(),
 * arch/x86/kernel/machine_kexec_64.c) and sets image->start to
 * purgatory_start; bzImage64_load() then sets entry64_regs (rbx 0, rsi the
 * boot_params segment, rip the kernel segment + 0x200, rsp stack_end) and
 * kexec_calculate_store_digests() purgatory_sha_regions and
 * purgatory_sha256_digest. heki_purgatory_parse() checks the ELF and
 * computes the layout and the symbols once; heki_purgatory_load() builds
 * the buffer for one load address, everything but the two digest symbols,
 * which the caller checks against the segments.
 */
#ifndef HEKI_VTL1_PURGATORY_H
#define HEKI_VTL1_PURGATORY_H

#include <heki/abi.h>
#include "heki_vtl1.h"
#include "elf/elf.h"

/* Section headers of the purgatory ELF (Debian's have 15 to 17). */
#define HEKI_PURGATORY_MAX_SECTIONS	64U
/* Largest sh_addralign of a loaded section (Debian's: 4096). */
#define HEKI_PURGATORY_MAX_ALIGN	(1U << 20)
/* Largest purgatory segment (memsz; Debian's: 20 KiB). */
#define HEKI_PURGATORY_MAX_MEMSZ	(4U << 20)

/* struct kexec_entry64_regs (arch/x86/include/asm/kexec.h) */
#define HEKI_PURGATORY_REGS_SIZE	136
#define HEKI_PURGATORY_REGS_RBX		24
#define HEKI_PURGATORY_REGS_RSP		32
#define HEKI_PURGATORY_REGS_RSI		48
#define HEKI_PURGATORY_REGS_RIP		128
/* purgatory_sha_regions: KEXEC_SEGMENT_MAX struct kexec_sha_region */
#define HEKI_PURGATORY_REGION_SIZE	16
#define HEKI_PURGATORY_REGIONS_SIZE	\
	(KEXEC_SEGMENT_MAX * HEKI_PURGATORY_REGION_SIZE)
#define HEKI_PURGATORY_DIGEST_SIZE	32
/* bzImage64_load(): the kernel is entered at its 64-bit entry point */
#define HEKI_PURGATORY_KERNEL_ENTRY	0x200

/**
 * struct heki_purgatory - a checked kexec_purgatory ELF and its layout
 * @elf: the ELF (VTL1 copy from LoadKData) as the reader checked it
 * @sec_off: per section: offset from the segment start of a loaded
 *	section (in the buffer, or after it for SHT_NOBITS)
 * @loaded: per section: 1 if SHF_ALLOC (loaded), else 0
 * @bufsz: the segment's bufsz (kexec_purgatory_setup_kbuf())
 * @memsz: its memsz (with .bss, page aligned)
 * @buf_align: alignment the segment's address must have
 * @entry: image->start minus the segment's address
 * @regs: buffer offset of entry64_regs
 * @regions: buffer offset of purgatory_sha_regions
 * @digest: buffer offset of purgatory_sha256_digest
 * @stack_end: address of stack_end minus the segment's address
 */
struct heki_purgatory {
	struct heki_elf elf;
	__u64 sec_off[HEKI_PURGATORY_MAX_SECTIONS];
	__u8 loaded[HEKI_PURGATORY_MAX_SECTIONS];
	__u64 bufsz;
	__u64 memsz;
	__u64 buf_align;
	__u64 entry;
	__u64 regs;
	__u64 regions;
	__u64 digest;
	__u64 stack_end;
};

int heki_purgatory_parse(const __u8 *elf, __u64 len, struct heki_purgatory *p);
int heki_purgatory_load(const struct heki_purgatory *p, __u64 mem,
			__u8 *buf);

#endif /* HEKI_VTL1_PURGATORY_H */
