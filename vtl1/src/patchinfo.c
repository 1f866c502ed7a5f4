// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Precomputed text patches.
 *
 * Patch-info buffer layout (one documented stride): a sequence of records,
 * each a 48-byte struct heki_patch_info followed immediately by
 * patch_index 24-byte struct heki_patch entries, so the next record starts
 * 48 + 24 * patch_index bytes after the current one. This is what the VTL0
 * producer writes (header + patch_idx x heki_patch) and what LiteBox's own
 * comment describes; LiteBox's parser skips another 24 * patch_index bytes
 * after each record (§7.23), which misreads every buffer with more than one
 * record. We do not repeat that: a buffer with one record parses the same
 * in both, buffers with several parse as documented here.
 *
 * The buffer must be consumed exactly: bytes after the last record are an
 * error (LiteBox ignores fewer than 48 trailing bytes).
 */
#include <heki/abi.h>

#include "libc.h"
#include "patchinfo.h"
#include "heki_vtl1.h"


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

/* One walk over the buffer; @fn is NULL for the validation pass. */
static int heki_patchinfo_walk(const __u8 *buf, __u64 len, heki_patch_fn fn,
			       void *arg, __u32 *count)
{
	const __u64 hdr = sizeof(struct heki_patch_info);
	const __u64 ent = sizeof(struct heki_patch);
	__u64 off = 0, total = 0;

	while (off < len) {
		struct heki_patch_info info;
		__u64 i;

		if (len - off < hdr)
			return -HEKI_VSM_ERR_PATCH_INFO_TRUNCATED;
		memcpy(&info, buf + off, hdr);
		off += hdr;

		if (info.type != HEKI_PATCH_TYPE_JUMP_LABEL)
			return -HEKI_VSM_ERR_PATCH_INFO_TYPE_INVALID;
		if (!info.patch_index)
			return -HEKI_VSM_ERR_PATCH_INFO_EMPTY;
		if (info.patch_index > info.max_patch_count)
			return -HEKI_VSM_ERR_PATCH_INFO_COUNT_INVALID;
		/* Bound the count by the bytes left before multiplying. */
		if (info.patch_index > (len - off) / ent)
			return -HEKI_VSM_ERR_PATCH_INFO_TRUNCATED;
		if (info.patch_index > HEKI_PATCHINFO_MAX_PATCHES - total)
			return -HEKI_VSM_ERR_PATCH_INFO_TOO_MANY;
		total += info.patch_index;

		for (i = 0; i < info.patch_index; i++, off += ent) {
			struct heki_patch patch;
			int ret;

			memcpy(&patch, buf + off, ent);
			ret = heki_patch_validate(&patch);
			if (!ret && fn)
				ret = fn(arg, &info, &patch);
			if (ret)
				return ret;
		}
	}
	if (count)
		*count = (__u32)total;
	return 0;
}

/**
 * heki_patchinfo_parse() - validate a patch-info buffer, then visit it
 * @buf: the patch-info buffer, VTL1-private copy (any alignment)
 * @len: its length (0 is a valid, empty buffer)
 * @fn: called for every patch, in buffer order, only after the whole
 *	buffer has been validated; may be NULL to validate and count only
 * @arg: passed to @fn
 * @count: if not NULL, receives the number of patches
 *
 * Checks, in order, for each record (all EINVAL): a whole 48-byte header,
 * else PATCH_INFO_TRUNCATED; type is HEKI_PATCH_TYPE_JUMP_LABEL, else
 * PATCH_INFO_TYPE_INVALID; patch_index != 0, else PATCH_INFO_EMPTY;
 * patch_index <= max_patch_count, else PATCH_INFO_COUNT_INVALID; the
 * patch_index entries fit in the buffer, else PATCH_INFO_TRUNCATED; at most
 * HEKI_PATCHINFO_MAX_PATCHES patches in all, else PATCH_INFO_TOO_MANY;
 * every entry passes heki_patch_validate(). The list/mod fields are not
 * interpreted.
 *
 * Return: 0, the first validation error (before @fn is ever called), or
 * the first error @fn returns.
 */
int heki_patchinfo_parse(const __u8 *buf, __u64 len, heki_patch_fn fn,
			 void *arg, __u32 *count)
{
	int ret;

	if (!buf)
		len = 0;
	ret = heki_patchinfo_walk(buf, len, NULL, NULL, count);
	if (ret || !fn)
		return ret;
	return heki_patchinfo_walk(buf, len, fn, arg, NULL);
}
