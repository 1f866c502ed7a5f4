/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * patchdesc.h - the text-patch descriptor (struct heki_patch) rules.
 */
#ifndef HEKI_VTL1_PATCHDESC_H
#define HEKI_VTL1_PATCHDESC_H

#include <heki/abi.h>

int heki_patch_validate(const struct heki_patch *patch);
__u32 heki_patch_first_page_len(const struct heki_patch *patch);

#endif /* HEKI_VTL1_PATCHDESC_H */
