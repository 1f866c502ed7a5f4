// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * patch_text.c - PatchText: one text_poke_bp step at a registered site.
 *
 * The request VTL0 sends (struct heki_patch) only selects: the site
 * (core/patchsites.c, derived from authenticated sources) and which of
 * its encodings the step writes. A site of n bytes with encodings A and B
 * may only move along the kernel's own text_poke_bp() sequence:
 *
 *   X  --int3 at byte 0-->  [cc X1..]  --bytes 1..n-1 of Y-->  [cc Y1..]
 *      --byte 0 of Y-->  Y              (X, Y each A or B)
 *
 * so each step is checked against the bytes the site holds now, read from
 * VTL0 memory. A static call site or trampoline has, besides its fixed
 * encodings, one variable form: its CALL or JMP opcode with a rel32 whose
 * destination is a function entry of validated text when a step writes
 * it (vtl1_func_entry() in the site's entry places: a module's site any,
 * a kernel site module text only; REWRITE_TARGET_NOT_FUNCTION otherwise), never
 * __static_call_return0 for a CALL (the kernel writes xor-rax instead).
 *
 * While a site holds the int3 PatchText wrote (site->held), the bytes it
 * held just before (site->before, one of its forms, checked by that int3
 * step) may also be put back, tail then head or the head alone: a refused
 * step 2 or 3 is undone by that restoration (heki_vtl0's heki_poke()),
 * which must not be refused where the old form is no longer one a step
 * could choose (a CALL to a function of a module since unloaded): the
 * int3 would stay. Nothing else is accepted that the forms do not allow,
 * and the head step ends the sequence (site->held cleared).
 *
 * The site's frames must still be held kernel-executable by its owner
 * (the kernel, or the module whose memory it is): a site never outlives
 * the memory it belongs to, and never writes into memory another owner
 * holds.
 */
#include "core/core.h"
#include "mem.h"

/* Which text_poke_bp step a request is. */
enum step {
	STEP_INT3,	/* int3 at byte 0 */
	STEP_TAIL,	/* bytes 1..n-1 */
	STEP_HEAD,	/* byte 0 of the new encoding */
};

/*
 * Every frame the site touches is held by the site's owner with kernel
 * execute: the kernel's ProtectMemory text, or the module's text.
 */
static int site_held(const struct heki_vtl1 *v, const struct vtl1_patch_site *s)
{
	__u64 pa[2] = { s->loc.pa[0], s->loc.pa[1] };
	__u8 owner = s->token < 0 ? HEKI_VTL1_OWNER_KERNEL :
				    HEKI_VTL1_OWNER_MODULE;
	__s64 id = s->token < 0 ? 0 : s->token;
	__u32 i;

	for (i = 0; i < 2 && pa[i]; i++) {
		const struct vtl1_prot_ent *e =
			prot_map_find(&v->map, pa[i] >> HEKI_PAGE_SHIFT);

		if (!e || e->owner != owner || e->id != id ||
		    !(e->prot & hv_page_prot_raw(HV_PAGE_KERNEL_EXECUTABLE)))
			return -HEKI_VSM_ERR_PATCH_SITE_NOT_HELD;
	}
	return 0;
}

/*
 * May @s's variable form hold @len bytes equal to @b from byte @from
 * (the whole site, its first byte, or bytes 1..4)? The opcode must be
 * the site's; a rel32, when given, must reach a function entry if @now
 * is 0. With @now (bytes the site holds now, which only VTL1 wrote or
 * validated) any rel32 will do: a function that was an entry when VTL1
 * wrote the call may have gone with its module since, and the site must
 * still be able to move away from it.
 */
static int branch_form(const struct heki_vtl1 *v,
		       const struct vtl1_patch_site *s, const __u8 *b,
		       __u32 from, __u32 len, int now)
{
	__u8 whole[HEKI_PATCH_JMP32_SIZE];
	__u64 dest;

	if (!s->branch || s->loc.size != HEKI_PATCH_JMP32_SIZE || from > 1 ||
	    len > s->loc.size - from)
		return 0;
	if (!from && b[0] != s->branch)
		return 0;
	if (from + len < s->loc.size || now)
		return 1;
	whole[0] = s->branch;
	memcpy(whole + 1, b + 1 - from, HEKI_PATCH_JMP32_SIZE - 1);
	return vtl1_patch_branch_dest(s, whole, &dest) &&
	       vtl1_func_entry(v, dest, s->entry);
}

/*
 * Does some encoding of @s hold @len bytes equal to @b from byte @from?
 * @now: @b is what the site holds now (branch_form()).
 */
static int some_form(const struct heki_vtl1 *v,
		     const struct vtl1_patch_site *s, const __u8 *b,
		     __u32 from, __u32 len, int now)
{
	__u32 f;

	for (f = 0; f < s->nforms; f++)
		if (!memcmp(s->form[f] + from, b, len))
			return 1;
	return branch_form(v, s, b, from, len, now);
}

/*
 * Is the request (@len bytes @b from byte @from) exactly the bytes @s
 * held before the int3 of the sequence under way?
 */
static int restores(const struct vtl1_patch_site *s, const __u8 *b,
		    __u32 from, __u32 len)
{
	return s->held && from < s->loc.size && len <= s->loc.size - from &&
	       !memcmp(s->before + from, b, len);
}

/*
 * The request's shape: a step of @s starting at byte @byte, every byte at
 * the site's own physical address, bytes from one of its encodings (or
 * the restoration of the bytes it held before the int3, restores()).
 * Returns the step, or a negative error.
 */
static int request_step(const struct heki_vtl1 *v, const struct heki_patch *r,
			const struct vtl1_patch_site *s, __u32 byte)
{
	__u32 i;

	if (byte == 0 ? r->size != 1 : r->size != s->loc.size - 1)
		return -HEKI_VSM_ERR_TEXT_PATCH_SUSPICIOUS;
	for (i = 0; i < r->size; i++)
		if (vtl1_patch_byte_pa(r, i) !=
		    vtl1_patch_byte_pa(&s->loc, byte + i))
			return -HEKI_VSM_ERR_TEXT_PATCH_SUSPICIOUS;
	if (byte == 0 && r->code[0] == HEKI_PATCH_INT3_OPCODE)
		return STEP_INT3;
	if (!some_form(v, s, r->code, byte, r->size, 0) &&
	    !restores(s, r->code, byte, r->size))
		return s->branch && (byte || r->code[0] == s->branch) ?
		       -HEKI_VSM_ERR_REWRITE_TARGET_NOT_FUNCTION :
		       -HEKI_VSM_ERR_TEXT_PATCH_SUSPICIOUS;
	return byte == 0 ? STEP_HEAD : STEP_TAIL;
}

/*
 * Is the step legal from the bytes @cur the site holds now? int3 only on
 * a whole encoding; the tail only behind the int3; the head only where
 * the int3 and the tail of that same encoding are, or where they make
 * the bytes held before the int3 again.
 */
static int step_legal(const struct heki_vtl1 *v,
		      const struct vtl1_patch_site *s, int step,
		      const __u8 *code, const __u8 *cur)
{
	__u8 next[POKE_MAX_OPCODE_SIZE];
	__u32 n = s->loc.size;

	if (step == STEP_INT3)
		return some_form(v, s, cur, 0, n, 1);
	if (cur[0] != HEKI_PATCH_INT3_OPCODE)
		return 0;
	if (step == STEP_TAIL)
		return some_form(v, s, cur + 1, 1, n - 1, 1);
	next[0] = code[0];
	memcpy(next + 1, cur + 1, n - 1);
	return some_form(v, s, next, 0, n, 0) || restores(s, next, 0, n);
}

/*
 * PatchText(pa0, pa1): fetch the 24-byte descriptor (split over two pages
 * when pa0 is near a page end), validate it, find the site holding its
 * first byte, check the step against the site's encodings, its owner's
 * hold on the frames and the bytes there now, and write exactly size
 * bytes through the write gate: the part in pa0's page at pa0, the rest
 * at pa1.
 */
__s64 vtl1_do_PATCH_TEXT(struct heki_vtl1 *v, __u64 a0, __u64 a1, __u64 a2)
{
	struct vtl1_patch_site *s;
	__u8 raw[sizeof(struct heki_patch)], cur[POKE_MAX_OPCODE_SIZE];
	struct vtl1_vtl0_write_part part[2];
	struct heki_patch req;
	__u32 first, byte, nparts = 1;
	__u64 room;
	int ret, step;

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

	s = vtl1_patch_find_mut(&v->patches, req.pa[0], &byte);
	if (!s || byte > 1)
		return -HEKI_VSM_ERR_PRECOMPUTED_PATCH_NOT_FOUND;
	step = request_step(v, &req, s, byte);
	if (step < 0)
		return step;
	ret = site_held(v, s);
	if (!ret)
		ret = vtl1_patch_site_read(v, s, cur);
	if (ret)
		return ret;
	if (!step_legal(v, s, step, req.code, cur))
		return -HEKI_VSM_ERR_TEXT_PATCH_STEP_INVALID;

	/*
	 * Through the write gate (core/vtl0_write.c) with the site as the
	 * authority for its bytes; a failing second piece is undone there.
	 */
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
	ret = vtl1_vtl0_write(v, part, nparts, s);
	if (ret)
		return ret;
	/* The sequence's start and end (restores()). */
	if (step == STEP_INT3) {
		memcpy(s->before, cur, s->loc.size);
		s->held = 1;
	} else if (step == STEP_HEAD) {
		memset(s->before, 0, sizeof(s->before));
		s->held = 0;
	}
	return 0;
}
