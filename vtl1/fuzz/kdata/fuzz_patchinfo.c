// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: the PatchText descriptor check and the patch-info
 * parser. The first 24 bytes are also tried as a descriptor; every patch
 * the parser hands out must pass heki_patch_validate() on its own, and the
 * callback count must match the reported count.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <heki/abi.h>

#include "core/patchdesc.h"
#include "kdata/patchinfo.h"

static int seen(void *arg, const struct heki_patch_info *info,
		const struct heki_patch *patch)
{
	__u32 *n = arg;

	if (info->type != HEKI_PATCH_TYPE_JUMP_LABEL || !info->patch_index ||
	    info->patch_index > info->max_patch_count ||
	    heki_patch_validate(patch) ||
	    heki_patch_first_page_len(patch) > patch->size)
		__builtin_trap();
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct heki_patch p;
	__u32 count = 0, n = 0;

	if (size >= sizeof(p)) {
		memcpy(&p, data, sizeof(p));
		if (!heki_patch_validate(&p) &&
		    (!p.size || p.size > POKE_MAX_OPCODE_SIZE || !p.pa[0]))
			__builtin_trap();
	}
	if (!heki_patchinfo_parse(data, size, seen, &n, &count) &&
	    (n != count || count > HEKI_PATCHINFO_MAX_PATCHES))
		__builtin_trap();
	return 0;
}
