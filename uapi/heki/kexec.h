/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * HEKI wire ABI: the kexec structures VTL1 reads (KEXEC_VALIDATE, crash).
 *
 * For a crash kexec, the HEKI_KEXEC_IMAGE ranges start with the prefix of
 * Linux's struct kimage described here (stable across CONFIG_KEXEC_FILE
 * and CONFIG_IMA_KEXEC; LiteBox follows Linux 6.6).
 */
#ifndef _UAPI_HEKI_KEXEC_H
#define _UAPI_HEKI_KEXEC_H

#include "types.h"

/* Segments in a kimage; same value as Linux's uapi KEXEC_SEGMENT_MAX. */
#define KEXEC_SEGMENT_MAX	16

/**
 * struct heki_kexec_segment - Linux struct kexec_segment on x86_64
 * @buf: VTL0 user VA of the segment's source buffer
 * @bufsz: size of @buf
 * @mem: physical destination address
 * @memsz: size of the destination
 */
struct heki_kexec_segment {
	__u64 buf;
	__u64 bufsz;
	__u64 mem;
	__u64 memsz;
};

#define HEKI_KEXEC_SEGMENT_SIZE	32
HEKI_ABI_ASSERT(sizeof(struct heki_kexec_segment) == HEKI_KEXEC_SEGMENT_SIZE);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kexec_segment, buf) == 0);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kexec_segment, bufsz) == 8);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kexec_segment, mem) == 16);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kexec_segment, memsz) == 24);

/**
 * struct heki_kimage - the prefix of Linux's struct kimage VTL1 reads
 * @head: kimage_entry_t head
 * @entry: VA of the current entry
 * @last_entry: VA of the last entry
 * @start: entry point
 * @control_code_page: struct page pointer
 * @swap_page: struct page pointer
 * @vmcoreinfo_page: struct page pointer
 * @vmcoreinfo_data_copy: VA
 * @nr_segments: number of valid @segment entries, 0..KEXEC_SEGMENT_MAX
 * @segment: the segments
 */
struct heki_kimage {
	__u64 head;
	__u64 entry;
	__u64 last_entry;
	__u64 start;
	__u64 control_code_page;
	__u64 swap_page;
	__u64 vmcoreinfo_page;
	__u64 vmcoreinfo_data_copy;
	__u64 nr_segments;
	struct heki_kexec_segment segment[KEXEC_SEGMENT_MAX];
};

#define HEKI_KIMAGE_SIZE	584
HEKI_ABI_ASSERT(sizeof(struct heki_kimage) == HEKI_KIMAGE_SIZE);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kimage, head) == 0);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kimage, entry) == 8);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kimage, last_entry) == 16);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kimage, start) == 24);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kimage, control_code_page) == 32);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kimage, swap_page) == 40);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kimage, vmcoreinfo_page) == 48);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kimage, vmcoreinfo_data_copy) == 56);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kimage, nr_segments) == 64);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_kimage, segment) == 72);

#endif /* _UAPI_HEKI_KEXEC_H */
