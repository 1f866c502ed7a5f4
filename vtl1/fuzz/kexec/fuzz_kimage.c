// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: heki_kimage_parse() on arbitrary bytes; every range it
 * returns must be ordered, within 2^52 and have a canonical source VA.
 */
#include <stddef.h>
#include <stdint.h>

#include <heki/abi.h>

#include "kexec/kimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct heki_kimage_segments s;
	__u32 i;

	if (heki_kimage_parse(data, size, &s))
		return 0;
	if (s.nr > KEXEC_SEGMENT_MAX)
		__builtin_trap();
	for (i = 0; i < s.nr; i++) {
		__u64 top = s.seg[i].va >> 47;

		if (s.seg[i].epa < s.seg[i].pa || s.seg[i].epa > HEKI_PA_LIMIT ||
		    (top && top != 0x1ffff))
			__builtin_trap();
	}
	return 0;
}
