// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * patch_text.c - PatchText.
 *
 * A request is accepted only if every byte it writes lands at the physical
 * address of the matching byte of a registered site (core/patchsites.c),
 * with that site's bytes (or INT3 on byte 0, or the same-size NOP for
 * jumps).
 */
#include "core/core.h"
#include "mem.h"

/* Linux x86 NOPs of 1..5 bytes (arch/x86/include/asm/nops.h, 64-bit). */
static const __u8 vtl1_nops[POKE_MAX_OPCODE_SIZE + 1][POKE_MAX_OPCODE_SIZE] = {
	[1] = { 0x90 },
	[2] = { 0x66, 0x90 },
	[3] = { 0x0f, 0x1f, 0x00 },
	[4] = { 0x0f, 0x1f, 0x40, 0x00 },
	[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
};

/* Whether request @r matches site @s written from byte @off on. */
static int request_matches(const struct heki_patch *r,
			   const struct heki_patch *s, __u32 off)
{
	const __u8 *nop = vtl1_nops[s->size];
	int jump = s->size == HEKI_PATCH_JMP8_SIZE ||
		   s->size == HEKI_PATCH_JMP32_SIZE;
	__u32 i;

	if (off == 0 && r->size != 1)
		return 0;
	if (off == 1 && r->size != s->size - 1)
		return 0;
	for (i = 0; i < r->size; i++)
		if (vtl1_patch_byte_pa(r, i) != vtl1_patch_byte_pa(s, off + i))
			return 0;
	if (off == 0 && r->code[0] == HEKI_PATCH_INT3_OPCODE)
		return 1;
	if (!memcmp(r->code, s->code + off, r->size))
		return 1;
	return jump && !memcmp(r->code, nop + off, r->size);
}

/*
 * PatchText(pa0, pa1): fetch the 24-byte descriptor (split over two pages
 * when pa0 is near a page end), validate it on every path, find the site
 * whose byte 0 or byte 1 it targets, check the step, and write exactly
 * size bytes: the part in pa0's page at pa0, the rest at pa1, through the
 * write gate (core/vtl0_write.c) with the matched site as authority.
 */
__s64 vtl1_do_PATCH_TEXT(struct heki_vtl1 *v, __u64 a0, __u64 a1, __u64 a2)
{
	const struct vtl1_patches *t = &v->patches;
	const struct vtl1_patch_site *site = NULL;
	struct vtl1_vtl0_write_part part[2];
	struct heki_patch req;
	__u8 raw[sizeof(req)];
	__u64 room;
	__u32 first, lo, hi, k, nk;
	int ret, found = 0;
	__u32 nparts = 1;

	if (!vtl1_pa_valid(a0) || !vtl1_pa_valid(a1))
		return -HEKI_VSM_ERR_INVALID_PHYSICAL_ADDRESS;
	if (!a0 || a0 == a1 || !vtl1_page_aligned(a1))
		return -HEKI_VSM_ERR_INVALID_INPUT_ADDRESS;
	room = HEKI_PAGE_SIZE - (a0 & HEKI_PAGE_OFFSET_MASK);
	first = room < sizeof(raw) ? (__u32)room : sizeof(raw);
	if ((first < sizeof(raw)) != (a1 != 0))
		return -HEKI_VSM_ERR_INVALID_INPUT_ADDRESS;

	ret = vtl1_copy_from(v, raw, a0, first);
	if (!ret)
		ret = vtl1_copy_from(v, raw + first, a1, sizeof(raw) - first);
	if (ret)
		return ret;
	memcpy(&req, raw, sizeof(req));
	ret = heki_patch_validate(&req);
	if (ret)
		return ret;

	/* First key with pa >= req.pa[0]. */
	nk = t->nk;
	lo = 0;
	hi = nk;
	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;

		if (t->key[mid].pa < req.pa[0])
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < nk && t->key[k].pa == req.pa[0]; k++) {
		site = &t->site[t->key[k].idx];
		found = 1;
		if (request_matches(&req, &site->patch, t->key[k].offset))
			goto apply;
	}
	return found ? -HEKI_VSM_ERR_TEXT_PATCH_SUSPICIOUS :
		       -HEKI_VSM_ERR_PRECOMPUTED_PATCH_NOT_FOUND;
apply:
	/* Through the gate, with the site as the authority for its bytes. */
	first = heki_patch_first_page_len(&req);
	part[0].pa = req.pa[0];
	part[0].src = req.code;
	part[0].len = first;
	if (first < req.size) {
		part[1].pa = req.pa[1];
		part[1].src = req.code + first;
		part[1].len = req.size - first;
		nparts = 2;
	}
	return vtl1_vtl0_write(v, part, nparts, site);
}
