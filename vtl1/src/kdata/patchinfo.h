/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Precomputed text patches: the PatchText descriptor (struct heki_patch)
 * and the patch-info buffer of LoadKData (type PatchInfo) and
 * ValidateModule (type Patch).
 */
#ifndef _HEKI_VTL1_PATCHINFO_H
#define _HEKI_VTL1_PATCHINFO_H

#include <heki/abi.h>

/* Most patches one patch-info buffer may carry (all records together). */
#define HEKI_PATCHINFO_MAX_PATCHES	65536U

/**
 * typedef heki_patch_fn - called once per patch of a patch-info buffer
 * @arg: the caller's argument
 * @info: the record header the patch belongs to (a local copy)
 * @patch: the validated patch (a local copy, heki_patch_validate() of
 *	core/patchdesc.c passed)
 *
 * Return: 0 to continue, or a negative HEKI_VSM_ERR_* code that stops the
 * walk and is returned by heki_patchinfo_parse().
 */
typedef int (*heki_patch_fn)(void *arg, const struct heki_patch_info *info,
			     const struct heki_patch *patch);

int heki_patchinfo_parse(const __u8 *buf, __u64 len, heki_patch_fn fn,
			 void *arg, __u32 *count);

#endif /* _HEKI_VTL1_PATCHINFO_H */
