// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: heki_kernel_info_parse(), heki_symtab_build() and
 * heki_symtab_lookup().
 *
 * Input: a 40-byte header, then the KernelData buffer.
 *   u8  nregions (1..4, 0 = 1), u8 flags (bit 0: take the region lengths
 *       as given instead of fitting them to the buffer)
 *   u16 len[3]     lengths of regions 0..2 (the last region gets the rest)
 *   u32 gap[4]     VA gap before regions 0..3
 *   u32 start      table start, as an offset from the first region's VA
 *   u16 count      entries; u16 pad
 *   u32 neg        if non-zero, start is moved below the first VA by this
 * Every table that builds must be sorted, unique, and find each of its
 * names again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "heki_vtl1.h"
#include "kdata/symtab.h"

static void *fz_alloc(void *ctx, __u64 size)
{
	(void)ctx;
	return calloc(1, size ? size : 1);
}

static void fz_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static const struct heki_vtl1_platform plat = {
	.alloc = fz_alloc,
	.free = fz_free,
};

struct fz_hdr {
	uint8_t nregions;
	uint8_t flags;
	uint16_t len[3];
	uint32_t gap[4];
	uint32_t start;
	uint16_t count;
	uint16_t pad;
	uint32_t neg;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct heki_symtab_region r[4];
	struct heki_kernel_info ki;
	struct heki_symtab t;
	struct fz_hdr h;
	__u64 va = 0xffffffff81000000ULL, rest, start;
	__u32 nr, i;

	heki_kernel_info_parse(data, size, &ki);
	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	data += sizeof(h);
	size -= sizeof(h);

	nr = h.nregions % 4 + 1;
	rest = size;
	for (i = 0; i < nr; i++) {
		va += h.gap[i] % 65536;
		r[i].va = va;
		if (i + 1 == nr)
			r[i].len = rest;
		else if (h.flags & 1)
			r[i].len = h.len[i];
		else
			r[i].len = h.len[i] < rest ? h.len[i] : rest;
		rest -= r[i].len < rest ? r[i].len : rest;
		va += r[i].len;
	}
	start = r[0].va + h.start % (size + 16) - h.neg % 64;
	if (heki_symtab_build(&t, &plat, data, size, r, nr, start,
			      start + 12ULL * h.count))
		return 0;
	for (i = 0; i < t.count; i++) {
		__u64 v;

		if (i && strcmp(t.syms[i - 1].name, t.syms[i].name) >= 0)
			__builtin_trap();
		if (heki_symtab_lookup(&t, t.syms[i].name, t.syms[i].name_len, &v) ||
		    v != t.syms[i].value)
			__builtin_trap();
	}
	heki_symtab_free(&t, &plat);
	return 0;
}
