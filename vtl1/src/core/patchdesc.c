// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * patchdesc.c - the text-patch descriptor (struct heki_patch): its
 * validity rules, shared by PatchText (mem/) and the patch-info parser
 * (kdata/).
 */
#include <heki/abi.h>

#include "patchdesc.h"

/**
 * heki_patch_first_page_len() - bytes of a patch that fall in pa[0]'s page
 * @patch: the patch
 *
 * Return: min(size, bytes from pa[0] to the end of its 4 KiB page).
 */
__u32 heki_patch_first_page_len(const struct heki_patch *patch)
{
	__u64 room = HEKI_PAGE_SIZE - (patch->pa[0] & HEKI_PAGE_OFFSET_MASK);

	return patch->size < room ? patch->size : (__u32)room;
}

/**
 * heki_patch_validate() - check one text-patch descriptor
 * @patch: a VTL1 copy of the descriptor (PatchText's, or a patch-info entry)
 *
 * LiteBox's HekiPatch::is_valid() rules plus two more, checked in order,
 * each with its own code (all EINVAL):
 *  1. pa[0] != 0, else PATCH_PA_NULL;
 *  2. pa[0] and pa[1] below 2^52, else PATCH_PA_INVALID;
 *  3. pa[1] == 0 or 4 KiB aligned, else PATCH_PA1_UNALIGNED;
 *  4. 1 <= size <= POKE_MAX_OPCODE_SIZE, else PATCH_SIZE_INVALID;
 *  5. pa[0] != pa[1], else PATCH_PA_EQUAL;
 *  6. a patch that does not fit in pa[0]'s page has pa[1], else
 *     PATCH_PA1_MISSING;
 *  7. a patch that fits in pa[0]'s page has no pa[1], else
 *     PATCH_PA1_UNEXPECTED;
 *  8. (new) pa[1] is not pa[0]'s own page, else PATCH_PA1_SAME_PAGE.
 * The reserved bytes and code[] bytes past size are ignored (never written).
 *
 * Return: 0 or a negative HEKI_VSM_ERR_* code.
 */
int heki_patch_validate(const struct heki_patch *patch)
{
	__u32 first;

	if (!patch->pa[0])
		return -HEKI_VSM_ERR_PATCH_PA_NULL;
	if (patch->pa[0] >= HEKI_PA_LIMIT ||
	    patch->pa[1] >= HEKI_PA_LIMIT)
		return -HEKI_VSM_ERR_PATCH_PA_INVALID;
	if (!heki_page_aligned(patch->pa[1]))
		return -HEKI_VSM_ERR_PATCH_PA1_UNALIGNED;
	if (!patch->size || patch->size > POKE_MAX_OPCODE_SIZE)
		return -HEKI_VSM_ERR_PATCH_SIZE_INVALID;
	if (patch->pa[0] == patch->pa[1])
		return -HEKI_VSM_ERR_PATCH_PA_EQUAL;
	first = heki_patch_first_page_len(patch);
	if (first < patch->size && !patch->pa[1])
		return -HEKI_VSM_ERR_PATCH_PA1_MISSING;
	if (first == patch->size && patch->pa[1])
		return -HEKI_VSM_ERR_PATCH_PA1_UNEXPECTED;
	if (patch->pa[1] &&
	    patch->pa[1] == (patch->pa[0] & ~HEKI_PAGE_OFFSET_MASK))
		return -HEKI_VSM_ERR_PATCH_PA1_SAME_PAGE;
	return 0;
}
