/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Freestanding crypto provider for the VTL1 library on BearSSL (Debian's
 * libbearssl-dev, linked statically): SHA-2 digests, RSA PKCS#1 v1.5
 * verification (br_rsa_i31_pkcs1_vrfy), ECDSA on NIST P-256 and P-384
 * (br_ecdsa_i31_vrfy_raw on br_ec_prime_i31, the signature's DER parsed
 * strictly by heki_der_ecdsa_sig()), the X.509 public key from
 * br_x509_decoder, and verify_pkcs7 built from the library's own PKCS#7
 * parser (vtl1/src/pkcs7.c) on those primitives. No libc: it needs only
 * memcpy/memset/memmove/memcmp, BearSSL and the memory callbacks below.
 */
#ifndef _HEKI_VTL1_CRYPTO_BEARSSL_H
#define _HEKI_VTL1_CRYPTO_BEARSSL_H

#include "heki_vtl1.h"

/**
 * struct heki_bearssl_ctx - what the BearSSL provider needs from its embedder
 * @actx: opaque pointer passed back to @alloc and @free
 * @alloc: allocate @size bytes of zeroed memory; NULL on failure
 * @free: release memory from @alloc (NULL is allowed)
 *
 * Use the platform's own alloc/free (struct heki_vtl1_platform). The
 * structure must stay valid while the provider is in use.
 */
struct heki_bearssl_ctx {
	void *actx;
	void *(*alloc)(void *actx, __u64 size);
	void (*free)(void *actx, void *ptr);
};

/**
 * heki_vtl1_crypto_bearssl_init() - fill in the provider's callbacks
 * @c: provider to fill in (every callback of struct heki_vtl1_crypto)
 * @ctx: memory callbacks, becomes @c->ctx
 */
void heki_vtl1_crypto_bearssl_init(struct heki_vtl1_crypto *c,
				   struct heki_bearssl_ctx *ctx);

#endif /* _HEKI_VTL1_CRYPTO_BEARSSL_H */
