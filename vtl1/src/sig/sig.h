/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * sig/ - signatures: the DER reader (der.[ch]), the PKCS#7 / CMS
 * SignedData parser and its check through the crypto provider
 * (pkcs7.[ch]), the module signature trailer (modsig.[ch]), and revoked
 * certificates and blocked hashes (revoke.[ch]).
 * This header is the folder's interface.
 *
 * Owns no instance state and no VTL call: pure parsers over VTL1-private
 * buffers. Calls: core/ (libc shim, little-endian loads) and the embedder's
 * crypto provider (struct heki_vtl1_crypto: keyrings, digests, the RSA/ECDSA
 * primitive). Used by module/ (module signatures) and kexec/
 * (Authenticode); kdata/ hands certificates straight to the provider.
 */
#ifndef HEKI_VTL1_SIG_H
#define HEKI_VTL1_SIG_H

#include "der.h"
#include "pkcs7.h"
#include "modsig.h"
#include "revoke.h"

#endif /* HEKI_VTL1_SIG_H */
