/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * core/ - the bottom layer of the VTL1 validator (this header is its
 * interface: the only file of core/ another folder includes).
 *
 * Owns:
 *   - the instance (struct heki_vtl1) and its life cycle, the public
 *     accessors of heki_vtl1.h, the dispatcher (core.c);
 *   - the VTL0 copy primitive, allocation and logging (core.c,
 *     instance.h); the write gate, the only way VTL1 stores into VTL0
 *     memory (vtl0_write.[ch]); shared helpers: little-endian loads (le.h), sorting
 *     (sort.[ch]), the C library shim (libc.h);
 *   - the page-chain walk every chain-taking call starts with (chain.[ch]);
 *   - VTL1's two records of what VTL0 may do, each changed all-or-nothing:
 *     the protection map and its transactions (protmap.[ch]) and the
 *     patch-site table PatchText checks against (patchsites.[ch]);
 *   - the boot calls: EnableAPsVtl, BootAPs, LockRegs, SignalEndOfBoot,
 *     CopySecondaryKey, OpteeMessage (boot.c).
 *
 * Calls: the embedder's platform (struct heki_vtl1_platform), and the
 * other subsystems only through the table each one fills (subsys.h):
 * their VTL calls and their teardown. Includes no other folder.
 *
 * Error convention: internal functions return 0 or -HEKI_VSM_ERR_<X>
 * (every code is > 0); heki_vtl1_dispatch() turns that into -errno.
 */
#ifndef HEKI_VTL1_CORE_H
#define HEKI_VTL1_CORE_H

#include "libc.h"
#include "le.h"
#include "sort.h"
#include "instance.h"
#include "subsys.h"
#include "chain.h"
#include "protmap.h"
#include "patchdesc.h"
#include "patchsites.h"
#include "vtl0_write.h"

#endif /* HEKI_VTL1_CORE_H */
