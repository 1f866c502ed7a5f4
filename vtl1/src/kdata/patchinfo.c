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

#include "core/core.h"
#include "patchinfo.h"

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
