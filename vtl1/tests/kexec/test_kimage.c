// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * heki_kimage_parse(): short buffers (LiteBox §7.17), segment count,
 * overflow, physical and virtual address limits (§7.15).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"
#include "kexec/kimage.h"

struct kimage_case {
	const char *name;
	__u64 len;
	__u64 nr;
	__u64 buf, mem, memsz;	/* written into segment 1 */
	int want;
};

static const struct kimage_case kimage_cases[] = {
	{ "kimage: 584 bytes, 2 segments", 584, 2, 0x7f0000001000ULL, 0x100000,
	  0x2000, 0 },
	{ "kimage: longer buffer, tail ignored", 4096, 2, 0x1000, 0x100000, 0x10, 0 },
	{ "kimage: 0 segments", 584, 0, 0, 0, 0, 0 },
	{ "kimage: 16 segments", 584, 16, 0x1000, 0x100000, 0x10, 0 },
	{ "kimage: kernel-half VA accepted", 584, 2, 0xffff888000001000ULL,
	  0x100000, 0x10, 0 },
	{ "kimage: end exactly 2^52 accepted", 584, 2, 0x1000,
	  (1ULL << 52) - 0x1000, 0x1000, 0 },
	{ "kimage: litebox_7_17 583 bytes -> KEXEC_IMAGE_TOO_SMALL", 583, 2,
	  0x1000, 0x100000, 0x10, -HEKI_VSM_ERR_KEXEC_IMAGE_TOO_SMALL },
	{ "kimage: litebox_7_17 empty -> KEXEC_IMAGE_TOO_SMALL", 0, 0, 0, 0, 0,
	  -HEKI_VSM_ERR_KEXEC_IMAGE_TOO_SMALL },
	{ "kimage: 17 segments -> KEXEC_IMAGE_SEGMENTS_INVALID", 584, 17, 0x1000,
	  0x100000, 0x10, -HEKI_VSM_ERR_KEXEC_IMAGE_SEGMENTS_INVALID },
	{ "kimage: 2^63 segments -> KEXEC_IMAGE_SEGMENTS_INVALID", 584, 1ULL << 63,
	  0x1000, 0x100000, 0x10, -HEKI_VSM_ERR_KEXEC_IMAGE_SEGMENTS_INVALID },
	{ "kimage: mem + memsz overflows -> KEXEC_SEGMENT_RANGE_INVALID", 584, 2,
	  0x1000, ~0ULL - 10, 11, -HEKI_VSM_ERR_KEXEC_SEGMENT_RANGE_INVALID },
	{ "kimage: litebox_7_15 end past 2^52 -> KEXEC_SEGMENT_PA_INVALID", 584, 2,
	  0x1000, (1ULL << 52) - 0x1000, 0x1001,
	  -HEKI_VSM_ERR_KEXEC_SEGMENT_PA_INVALID },
	{ "kimage: litebox_7_15 mem 2^63 -> KEXEC_SEGMENT_PA_INVALID", 584, 2,
	  0x1000, 1ULL << 63, 0, -HEKI_VSM_ERR_KEXEC_SEGMENT_PA_INVALID },
	{ "kimage: litebox_7_15 non-canonical buf -> KEXEC_SEGMENT_VA_INVALID",
	  584, 2, 0x0000800000000000ULL, 0x100000, 0x10,
	  -HEKI_VSM_ERR_KEXEC_SEGMENT_VA_INVALID },
	{ "kimage: buf 0xffff7fff... -> KEXEC_SEGMENT_VA_INVALID", 584, 2,
	  0xffff7fffffffffffULL, 0x100000, 0x10,
	  -HEKI_VSM_ERR_KEXEC_SEGMENT_VA_INVALID },
	{ "kimage: bad segment beyond nr_segments ignored", 584, 1, 0x1000,
	  ~0ULL, ~0ULL, 0 },
};

void test_kimage(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kimage_cases); i++) {
		const struct kimage_case *c = &kimage_cases[i];
		struct heki_kimage ki = { .nr_segments = c->nr };
		struct heki_kimage_segments out = { .nr = 99 };
		unsigned char *mem = calloc(1, (c->len > 584 ? c->len : 584) + 1);
		char name[160];
		__u32 k;
		int ret, ok;

		for (k = 0; k < KEXEC_SEGMENT_MAX; k++) {
			ki.segment[k].buf = 0x1000 * (k + 1);
			ki.segment[k].mem = 0x200000 + 0x1000 * k;
			ki.segment[k].memsz = 0x1000;
		}
		ki.segment[1].buf = c->buf;
		ki.segment[1].mem = c->mem;
		ki.segment[1].memsz = c->memsz;
		memcpy(mem + 1, &ki, sizeof(ki));	/* misaligned on purpose */
		ret = heki_kimage_parse(mem + 1, c->len, &out);
		check_err(c->name, ret, c->want);
		if (c->want) {
			snprintf(name, sizeof(name), "%s: output untouched", c->name);
			check_result(out.nr == 99, name, NULL);
		} else if (!ret) {
			ok = out.nr == c->nr;
			if (c->nr > 1)
				ok = ok && out.seg[1].va == c->buf &&
				     out.seg[1].pa == c->mem &&
				     out.seg[1].epa == c->mem + c->memsz;
			snprintf(name, sizeof(name), "%s: ranges", c->name);
			check_result(ok, name, "nr %u", out.nr);
		}
		free(mem);
	}
}
