/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kdata/ - LoadKData and what it feeds (this header is the folder's
 * interface).
 *
 * Owns: the LoadKData call (kdata.c) and the instance state it installs
 * once, all-or-nothing: the system keyring (certs.[ch] walks the
 * certificate buffer), the kernel's export tables (symtab.[ch], also the
 * 32-byte kernel info), the kernel's patch sites (patchinfo.[ch] parses
 * the patch-info buffer, core/patchsites.c keeps the table), the kernel
 * info extension (kinfo_ext.[ch]: version, text bounds, return thunk,
 * pv_ops, CPU capability words, where kallsyms is), the kernel's function
 * entries (kallsyms.[ch]: exports in text and kallsyms' text symbols, read
 * from kernel data the kernel protected), the kernel's static call table
 * (kdata.c: bounded by kallsyms, in the same protected data; module/
 * turns it into patch sites through vtl1_kernel_static_calls()), the
 * revoked certificates and blocklist (revocation.[ch]) and the trampoline
 * protections.
 *
 * Calls: core/ (chain walk, protection transaction, patch-site table,
 * allocation) and the crypto provider's keyring. Used by mem/ (the
 * descriptor rules live in core/), module/ (export lookup, patch-info
 * parser, kernel info extension) and kexec/ (through the keyring only).
 */
#ifndef HEKI_VTL1_KDATA_H
#define HEKI_VTL1_KDATA_H

#include "certs.h"
#include "kallsyms.h"
#include "kinfo_ext.h"
#include "patchinfo.h"
#include "revocation.h"
#include "symtab.h"

#endif /* HEKI_VTL1_KDATA_H */
