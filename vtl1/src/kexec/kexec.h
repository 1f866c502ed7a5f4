/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kexec/ - KexecValidate (this header is the folder's interface):
 *   kexec.c         the call: protect the image, its pages and the blob,
 *                   check, bind, keep or roll back; kexec/'s table;
 *   pe.[ch]         the PE/COFF reader of the signed bzImage;
 *   authenticode.[ch] the Authenticode image digest and its signature;
 *   kimage.[ch]     the struct kimage fields VTL0 sends;
 *   kexec_bind.[ch] the loaded kernel segment holds exactly the verified
 *                   blob (crash: at its destination; normal: the entry list).
 *
 * Calls: core/ (chain walk, protection transaction, copy primitives),
 * sig/ (PKCS#7 for Authenticode) and the crypto provider (digests, keyring
 * from LoadKData). Nothing else includes kexec/: core reaches it only
 * through vtl1_subsys_kexec.
 */
#ifndef HEKI_VTL1_KEXEC_H
#define HEKI_VTL1_KEXEC_H

#include "core/core.h"

#endif /* HEKI_VTL1_KEXEC_H */
