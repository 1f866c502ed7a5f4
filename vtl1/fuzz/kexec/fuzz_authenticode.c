// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: heki_pe_parse() and heki_authenticode_verify() on a
 * hostile PE image.
 *
 * The input is the whole image. Digests are OpenSSL's (the host
 * provider's digest primitive); the key primitives are replaced by ones
 * that find one certificate for any issuer and serial and accept every
 * signature, so that inputs get past the signature check to the image
 * digest comparison. The seeds are small PE32+ images signed with
 * osslsigncode (they verify under this provider) and one carrying
 * Debian's kernel signature. Nothing may crash, leak or read or write out
 * of bounds, and the buffer must be unchanged afterwards.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "heki_vtl1.h"
#include "../../crypto/openssl.h"
#include "kexec/pe.h"
#include "kexec/authenticode.h"

static int any_cert(void *ctx, void *kr, const __u8 *issuer,
		    __u32 issuer_len, const __u8 *serial, __u32 serial_len,
		    __u32 *pos, void **cert)
{
	if (*pos)
		return -HEKI_VSM_ERR_CRYPTO_CERT_NOT_FOUND;
	*pos = 1;
	*cert = kr;
	return 0;
}

static int accept_sig(void *ctx, void *cert, __u32 alg, const __u8 *digest,
		      __u32 dlen, const __u8 *sig, __u32 siglen)
{
	return dlen == heki_vtl1_hash_size(alg) ? 0 :
	       -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct heki_vtl1_crypto c = heki_vtl1_crypto_openssl;
	struct heki_pe_image pe;
	static int kr_token;
	__u8 *buf;

	c.find_cert = any_cert;
	c.rsa_pkcs1_verify = accept_sig;
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (!heki_pe_parse(buf, size, &pe)) {
		__u8 md[HEKI_VTL1_HASH_MAX_SIZE];

		heki_authenticode_image_digest(&c, &pe, buf,
					       HEKI_VTL1_HASH_SHA256, md,
					       sizeof(md));
	}
	heki_authenticode_verify(&c, &kr_token, buf, size);
	if (memcmp(buf, data, size))
		abort();
	free(buf);
	return 0;
}
