/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * mem/ - the calls that change VTL0 memory or its protection on VTL0's
 * request (this header is the folder's interface):
 *   mem.c         ProtectMemory, AllocateRingbufferMemory, mem/'s table;
 *   patch_text.c  PatchText: one text_poke_bp step of a precomputed site.
 *
 * Calls: core/ (chain walk, protection transaction, patch-site table,
 * copy primitives). Nothing else includes mem/: core reaches it only
 * through vtl1_subsys_mem.
 */
#ifndef HEKI_VTL1_MEM_H
#define HEKI_VTL1_MEM_H

#include "core/core.h"

/* patch_text.c, a row of mem.c's table */
vtl1_handler_fn vtl1_do_PATCH_TEXT;

#endif /* HEKI_VTL1_MEM_H */
