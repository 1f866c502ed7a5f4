/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kscall.h - the core kernel's static call sites and trampolines as
 * patch sites (module/'s kernel_static_calls hook, core/subsys.h).
 */
#ifndef HEKI_VTL1_KSCALL_H
#define HEKI_VTL1_KSCALL_H

#include "core/core.h"

int heki_kscall_sites(struct heki_vtl1 *v, const struct vtl1_kscall_src *src,
		      struct vtl1_patch_batch *b, __u32 *n);

#endif /* HEKI_VTL1_KSCALL_H */
