/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Host crypto provider for the VTL1 library on OpenSSL 3 (libcrypto):
 * host tests, fuzzers, benchmarks and tools.
 */
#ifndef _HEKI_VTL1_CRYPTO_OPENSSL_H
#define _HEKI_VTL1_CRYPTO_OPENSSL_H

#include "heki_vtl1.h"

/*
 * The provider; ctx is unused (NULL). Accepts detached CMS/PKCS#7
 * SignedData with one signer, no signed attributes, RSA PKCS#1 v1.5 over
 * SHA-256, SHA-384 or SHA-512. No chain, validity or key-usage checks:
 * the keyring's certificates are the trust anchors, as in the kernel.
 */
extern const struct heki_vtl1_crypto heki_vtl1_crypto_openssl;

#endif /* _HEKI_VTL1_CRYPTO_OPENSSL_H */
