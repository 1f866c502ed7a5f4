// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Kexec image description: the 584-byte struct heki_kimage prefix of
 * Linux's struct kimage, read from the start of the KexecImage buffer.
 */
#include <heki/abi.h>

#include "core/core.h"
#include "kimage.h"
#include "heki_vtl1.h"

/* 4-level paging: bits 63..47 are copies of bit 47. */
static int heki_va_canonical(__u64 va)
{
	__u64 top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

/**
 * heki_kimage_parse() - read and check the segment list of a kimage
 * @buf: the KexecImage buffer, VTL1-private copy (any alignment)
 * @len: its length; bytes after the 584-byte prefix are ignored
 * @out: receives the segments (written only on success)
 *
 * Checks, in order: @len >= sizeof(struct heki_kimage), else
 * KEXEC_IMAGE_TOO_SMALL (ERANGE; LiteBox panics, §7.17); nr_segments <=
 * KEXEC_SEGMENT_MAX, else KEXEC_IMAGE_SEGMENTS_INVALID (EINVAL); then for
 * each segment below nr_segments: mem + memsz does not overflow, else
 * KEXEC_SEGMENT_RANGE_INVALID (ERANGE); mem + memsz <= 2^52, else
 * KEXEC_SEGMENT_PA_INVALID (EFAULT); buf canonical, else
 * KEXEC_SEGMENT_VA_INVALID (EFAULT). LiteBox panics on the last two (§7.15).
 *
 * Return: 0 or a negative HEKI_VSM_ERR_* code.
 */
int heki_kimage_parse(const __u8 *buf, __u64 len,
		      struct heki_kimage_segments *out)
{
	struct heki_kimage ki;
	__u32 i;

	if (!buf || len < sizeof(ki))
		return -HEKI_VSM_ERR_KEXEC_IMAGE_TOO_SMALL;
	memcpy(&ki, buf, sizeof(ki));

	if (ki.nr_segments > KEXEC_SEGMENT_MAX)
		return -HEKI_VSM_ERR_KEXEC_IMAGE_SEGMENTS_INVALID;

	for (i = 0; i < ki.nr_segments; i++) {
		const struct heki_kexec_segment *s = &ki.segment[i];
		__u64 epa;

		if (__builtin_add_overflow(s->mem, s->memsz, &epa))
			return -HEKI_VSM_ERR_KEXEC_SEGMENT_RANGE_INVALID;
		if (epa > HEKI_PA_LIMIT)
			return -HEKI_VSM_ERR_KEXEC_SEGMENT_PA_INVALID;
		if (!heki_va_canonical(s->buf))
			return -HEKI_VSM_ERR_KEXEC_SEGMENT_VA_INVALID;
	}

	out->head = ki.head;
	out->start = ki.start;
	out->nr = (__u32)ki.nr_segments;
	for (i = 0; i < out->nr; i++) {
		out->seg[i].va = ki.segment[i].buf;
		out->seg[i].bufsz = ki.segment[i].bufsz;
		out->seg[i].pa = ki.segment[i].mem;
		out->seg[i].epa = ki.segment[i].mem + ki.segment[i].memsz;
	}
	return 0;
}
