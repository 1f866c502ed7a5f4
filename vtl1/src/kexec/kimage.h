/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Kexec image description (KexecValidate, type KexecImage): the entry
 * list head and the segment list of the VTL0 kernel's struct kimage.
 */
#ifndef _HEKI_VTL1_KIMAGE_H
#define _HEKI_VTL1_KIMAGE_H

#include <heki/abi.h>

/*
 * kimage_entry_t flags (Linux include/linux/kexec.h): the low bits of a
 * page-aligned physical address.
 */
#define HEKI_KEXEC_IND_DESTINATION	0x1ULL
#define HEKI_KEXEC_IND_INDIRECTION	0x2ULL
#define HEKI_KEXEC_IND_DONE		0x4ULL
#define HEKI_KEXEC_IND_SOURCE		0x8ULL

/* Entries of one indirection page (the last one links to the next). */
#define HEKI_KEXEC_ENTRIES_PER_PAGE	(HEKI_PAGE_SIZE / 8)

/*
 * Bounds of the entry-list walk: 2^20 entries describe 4 GiB of
 * segments; each indirection page holds 511 entries and a link.
 */
#define HEKI_VTL1_MAX_KEXEC_ENTRIES	(1U << 20)
#define HEKI_VTL1_MAX_KEXEC_IND_PAGES	\
	(HEKI_VTL1_MAX_KEXEC_ENTRIES / (HEKI_KEXEC_ENTRIES_PER_PAGE - 1) + 2)

/**
 * struct heki_kexec_range - one validated kexec segment
 * @va: the segment's source buffer address in VTL0 (canonical)
 * @bufsz: bytes of @va copied to the destination (not checked)
 * @pa: first physical byte of the destination
 * @epa: one past the last physical byte (@pa + memsz, no overflow,
 *	at most 2^52)
 */
struct heki_kexec_range {
	__u64 va;
	__u64 bufsz;
	__u64 pa;
	__u64 epa;
};

/**
 * struct heki_kimage_segments - the segments of a kimage
 * @head: the first kimage entry (not checked)
 * @start: image->start, where relocate_kernel jumps (not checked)
 * @nr: number of valid entries in @seg (0..KEXEC_SEGMENT_MAX)
 * @seg: the segments, in kimage order
 */
struct heki_kimage_segments {
	__u64 head;
	__u64 start;
	__u32 nr;
	struct heki_kexec_range seg[KEXEC_SEGMENT_MAX];
};

int heki_kimage_parse(const __u8 *buf, __u64 len,
		      struct heki_kimage_segments *out);

#endif /* _HEKI_VTL1_KIMAGE_H */
