/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Crash-kexec image description (KexecValidate, type KexecImage): the
 * segment list of the VTL0 kernel's struct kimage.
 */
#ifndef _HEKI_VTL1_KIMAGE_H
#define _HEKI_VTL1_KIMAGE_H

#include <heki/abi.h>

/**
 * struct heki_kexec_range - one validated kexec segment
 * @va: the segment's source buffer address in VTL0 (canonical)
 * @pa: first physical byte of the destination
 * @epa: one past the last physical byte (@pa + memsz, no overflow,
 *	at most 2^52)
 */
struct heki_kexec_range {
	__u64 va;
	__u64 pa;
	__u64 epa;
};

/**
 * struct heki_kimage_segments - the segments of a kimage
 * @nr: number of valid entries in @seg (0..KEXEC_SEGMENT_MAX)
 * @seg: the segments, in kimage order
 */
struct heki_kimage_segments {
	__u32 nr;
	struct heki_kexec_range seg[KEXEC_SEGMENT_MAX];
};

int heki_kimage_parse(const __u8 *buf, __u64 len,
		      struct heki_kimage_segments *out);

#endif /* _HEKI_VTL1_KIMAGE_H */
