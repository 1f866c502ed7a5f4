// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: the BearSSL provider (heki_pkcs7_parse() on the DER
 * reader, heki_pkcs7_verify() on BearSSL's SHA-2 and RSA, the provider's
 * certificate parser) on hostile input.
 *
 * Input as fuzz_pkcs7 (same seeds): u16 little-endian signature length L,
 * L bytes of PKCS#7 DER, then the signed data; the keyring holds the same
 * fixed RSA-2048 certificate. The whole input is also a certificate for a
 * second keyring. Every range heki_pkcs7_parse() returns must lie inside
 * the input. With HEKI_FUZZ_DIFF=1 in the environment the OpenSSL
 * provider runs on the same input and any different verdict aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "sig/pkcs7.h"
#include "../../crypto/bearssl.h"
#include "../../crypto/openssl.h"
#include "fuzz_cert.h"

static void *fz_alloc(void *ctx, __u64 size)
{
	(void)ctx;
	return calloc(1, size ? size : 1);
}

static void fz_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static struct heki_bearssl_ctx fz_ctx = { .alloc = fz_alloc, .free = fz_free };

static void fz_inside(const struct heki_pkcs7_bytes *b, const uint8_t *p,
		      size_t len)
{
	if (b->p && (b->p < p || b->len > len || b->p + b->len > p + len))
		__builtin_trap();
}

static void fz_parse(const uint8_t *p, size_t len)
{
	struct heki_pkcs7 p7;
	const struct heki_pkcs7_signer *s = &p7.signer;
	uint8_t set[512];

	if (heki_pkcs7_parse(p, len, &p7))
		return;
	fz_inside(&p7.digest_algs, p, len);
	fz_inside(&p7.content_type, p, len);
	fz_inside(&p7.content, p, len);
	if (!p7.nr_signers)
		return;
	fz_inside(&s->issuer, p, len);
	fz_inside(&s->serial, p, len);
	fz_inside(&s->skid, p, len);
	fz_inside(&s->digest_alg.raw, p, len);
	fz_inside(&s->signed_attrs, p, len);
	fz_inside(&s->content_type, p, len);
	fz_inside(&s->message_digest, p, len);
	fz_inside(&s->sig_alg.raw, p, len);
	fz_inside(&s->sig, p, len);
	if (s->signed_attrs.p && s->signed_attrs.len <= sizeof(set) &&
	    heki_pkcs7_attrs_set(s, set, sizeof(set)) != (int)s->signed_attrs.len)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct heki_vtl1_crypto *o = &heki_vtl1_crypto_openssl;
	struct heki_vtl1_crypto c;
	void *kr = NULL, *scratch = NULL, *okr = NULL;
	int diff = getenv("HEKI_FUZZ_DIFF") != NULL;
	size_t l;
	int r;

	heki_vtl1_crypto_bearssl_init(&c, &fz_ctx);
	if (c.keyring_create(c.ctx, &kr))
		return 0;
	if (c.keyring_add_cert(c.ctx, kr, fuzz_cert, sizeof(fuzz_cert)))
		__builtin_trap();
	if (diff && (o->keyring_create(o->ctx, &okr) ||
		     o->keyring_add_cert(o->ctx, okr, fuzz_cert,
					 sizeof(fuzz_cert))))
		__builtin_trap();
	if (size >= 2) {
		l = data[0] | (size_t)data[1] << 8;
		if (l <= size - 2) {
			fz_parse(data + 2, l);
			r = c.verify_pkcs7(c.ctx, kr, data + 2 + l, size - 2 - l,
					   data + 2, l);
			if (diff && r != o->verify_pkcs7(o->ctx, okr,
							 data + 2 + l,
							 size - 2 - l,
							 data + 2, l))
				abort();
		}
	}
	if (okr)
		o->keyring_destroy(o->ctx, okr);
	if (!c.keyring_create(c.ctx, &scratch)) {
		if (!c.keyring_add_cert(c.ctx, scratch, data, size) && size >= 2) {
			l = data[0] | (size_t)data[1] << 8;
			if (l <= size - 2)
				c.verify_pkcs7(c.ctx, scratch, data + 2 + l,
					       size - 2 - l, data + 2, l);
		}
		c.keyring_destroy(c.ctx, scratch);
	}
	c.keyring_destroy(c.ctx, kr);
	return 0;
}
