// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: the OpenSSL provider's verify_pkcs7 (and its
 * certificate parser) on hostile input.
 *
 * Input: u16 little-endian signature length L, L bytes of PKCS#7 DER, then
 * the signed data. The keyring holds one fixed RSA-2048 test certificate
 * (below); the seed corpus holds signatures made with its key, so the
 * fuzzer starts from signatures that verify. The whole input is also fed
 * to keyring_add_cert. Nothing may crash, leak or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <heki/abi.h>

#include "../../crypto/openssl.h"
#include "fuzz_cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct heki_vtl1_crypto *c = &heki_vtl1_crypto_openssl;
	void *kr = NULL, *scratch = NULL;
	size_t l;

	if (c->keyring_create(c->ctx, &kr))
		return 0;
	if (c->keyring_add_cert(c->ctx, kr, fuzz_cert, sizeof(fuzz_cert)))
		__builtin_trap();
	if (size >= 2) {
		l = data[0] | (size_t)data[1] << 8;
		if (l <= size - 2)
			c->verify_pkcs7(c->ctx, kr, data + 2 + l, size - 2 - l,
					data + 2, l);
	}
	/*
	 * The input as a certificate: if it parses, verify the seed-shaped
	 * signature part again with it as the only certificate, so odd keys
	 * (undecodable, non-RSA, huge) reach the signer matching code.
	 */
	if (!c->keyring_create(c->ctx, &scratch)) {
		if (!c->keyring_add_cert(c->ctx, scratch, data, size) && size >= 2) {
			l = data[0] | (size_t)data[1] << 8;
			if (l <= size - 2)
				c->verify_pkcs7(c->ctx, scratch, data + 2 + l,
						size - 2 - l, data + 2, l);
		}
		c->keyring_destroy(c->ctx, scratch);
	}
	c->keyring_destroy(c->ctx, kr);
	return 0;
}
