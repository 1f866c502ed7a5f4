// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * BearSSL crypto provider for freestanding VTL1 builds (see bearssl.h).
 *
 * keyring: a singly linked list of certificates in load order. Each entry
 * holds a copy of the DER certificate, where its issuer Name and serial
 * number are (found with the library's DER reader) and a copy of the
 * public key br_x509_decoder extracted: an RSA key, or an EC key on NIST
 * P-256 or P-384 given as an uncompressed point (any other key, curve or
 * point form is no key, as for the OpenSSL provider).
 *
 * verify_pkcs7 is heki_pkcs7_verify() on this provider's primitives: the
 * same checks, order and codes as the OpenSSL provider. Differences on
 * inputs no test vector has: certificates and CRLs inside the signature
 * are only framed, not parsed; signed attributes are not re-sorted (OpenSSL
 * refuses a SET OF out of DER order as not re-encoding, here they are
 * SIG_UNSUPPORTED like any signed attributes); RSA keys above 4096 bits
 * (BearSSL's limit) never verify; the certificate is checked down to the
 * TBSCertificate fields, not inside names, validity or extensions.
 */
#include <heki/abi.h>

#include <bearssl/bearssl_ec.h>
#include <bearssl/bearssl_hash.h>
#include <bearssl/bearssl_rsa.h>
#include <bearssl/bearssl_x509.h>

#include "core/libc.h"
#include "sig/der.h"
#include "sig/pkcs7.h"
#include "bearssl.h"

/* Largest certificate the keyring takes (the kernel's x509 limit is similar) */
#define HEKI_BR_MAX_CERT	(64u << 10)

struct heki_br_cert {
	struct heki_br_cert *next;
	const __u8 *der;
	__u32 len;
	__u32 issuer_off;
	__u32 issuer_len;
	__u32 serial_off;
	__u32 serial_len;
	__u32 rsa;		/* 1 if @pk is an RSA key */
	__u32 ec_size;		/* 32 or 48 if @ek is a P-256/P-384 key, else 0 */
	br_rsa_public_key pk;	/* n and e point into this allocation */
	br_ec_public_key ek;	/* q points into this allocation */
};

struct heki_br_keyring {
	struct heki_br_cert *head;
	struct heki_br_cert *tail;
};

static int heki_br_keyring_create(void *ctx, void **kr)
{
	struct heki_bearssl_ctx *b = ctx;
	struct heki_br_keyring *k;

	k = b->alloc(b->actx, sizeof(*k));
	if (!k)
		return -HEKI_VSM_ERR_NO_MEMORY;
	*kr = k;
	return 0;
}

static void heki_br_keyring_destroy(void *ctx, void *kr)
{
	struct heki_bearssl_ctx *b = ctx;
	struct heki_br_keyring *k = kr;
	struct heki_br_cert *c, *next;

	if (!k)
		return;
	for (c = k->head; c; c = next) {
		next = c->next;
		b->free(b->actx, c);
	}
	b->free(b->actx, k);
}

/*
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm
 * AlgorithmIdentifier, signatureValue BIT STRING } and nothing after it;
 * TBSCertificate ::= SEQUENCE { [0] EXPLICIT version INTEGER OPTIONAL,
 * serialNumber INTEGER, signature AlgorithmIdentifier, issuer Name,
 * validity SEQUENCE, subject Name, subjectPublicKeyInfo SEQUENCE {
 * AlgorithmIdentifier, BIT STRING }, [1] [2] [3] OPTIONAL }.
 * Records where the issuer and serial are.
 */
static int heki_br_cert_layout(const __u8 *der, __u32 len,
			       struct heki_br_cert *out)
{
	struct heki_der top, cert, tbs, in;
	struct heki_der_elem e, serial, issuer;
	int ret, i;

	heki_der_init(&top, der, len);
	if (heki_der_enter_expect(&top, HEKI_DER_SEQUENCE, &cert) ||
	    !heki_der_empty(&top) ||
	    heki_der_enter_expect(&cert, HEKI_DER_SEQUENCE, &tbs) ||
	    heki_der_expect(&cert, HEKI_DER_SEQUENCE, &e) ||
	    heki_der_expect(&cert, HEKI_DER_BIT_STRING, &e) ||
	    !heki_der_empty(&cert))
		return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	ret = heki_der_optional(&tbs, HEKI_DER_CTX_CONS(0), &e);
	if (ret < 0 || (ret && (heki_der_enter(&e, &in) ||
				heki_der_expect(&in, HEKI_DER_INTEGER, &e) ||
				!heki_der_empty(&in))))
		return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	if (heki_der_expect(&tbs, HEKI_DER_INTEGER, &serial) || !serial.len ||
	    heki_der_expect(&tbs, HEKI_DER_SEQUENCE, &e) ||
	    heki_der_expect(&tbs, HEKI_DER_SEQUENCE, &issuer) ||
	    heki_der_expect(&tbs, HEKI_DER_SEQUENCE, &e) ||
	    heki_der_expect(&tbs, HEKI_DER_SEQUENCE, &e) ||
	    heki_der_enter_expect(&tbs, HEKI_DER_SEQUENCE, &in) ||
	    heki_der_expect(&in, HEKI_DER_SEQUENCE, &e) ||
	    heki_der_expect(&in, HEKI_DER_BIT_STRING, &e) ||
	    !heki_der_empty(&in))
		return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	for (i = 1; i <= 3; i++)
		if (heki_der_optional(&tbs, HEKI_DER_CTX(i), &e) < 0 ||
		    heki_der_optional(&tbs, HEKI_DER_CTX_CONS(i), &e) < 0)
			return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	if (!heki_der_empty(&tbs))
		return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	out->serial_off = (__u32)(serial.val - der);
	out->serial_len = serial.len;
	out->issuer_off = (__u32)(issuer.raw - der);
	out->issuer_len = issuer.raw_len;
	return 0;
}

/*
 * The coordinate size of an EC key the provider verifies with: NIST P-256
 * or P-384 (the curves Linux module signing uses), uncompressed point
 * (0x04 || X || Y) on the curve; 0 for anything else. A point off the
 * curve is no usable key here as in OpenSSL (SIG_NO_KEY in both), not a
 * key that rejects every signature.
 */
static __u32 heki_br_ec_size(const br_ec_public_key *k)
{
	static const unsigned char one[1] = { 1 };
	unsigned char q[1 + 2 * 48];
	__u32 size;

	if (k->curve == BR_EC_secp256r1)
		size = 32;
	else if (k->curve == BR_EC_secp384r1)
		size = 48;
	else
		return 0;
	if (k->qlen != 1 + 2 * (size_t)size || k->q[0] != 0x04)
		return 0;
	/* mul() decodes the point and refuses one off the curve */
	memcpy(q, k->q, k->qlen);
	if (!br_ec_prime_i31.mul(q, k->qlen, one, sizeof(one), k->curve))
		return 0;
	return size;
}

static const unsigned char *heki_br_strip(const unsigned char *p, size_t *len)
{
	while (*len > 1 && !p[0]) {
		p++;
		(*len)--;
	}
	return p;
}

static int heki_br_keyring_add_cert(void *ctx, void *kr, const __u8 *der,
				    __u64 len)
{
	struct heki_bearssl_ctx *b = ctx;
	struct heki_br_keyring *k = kr;
	struct heki_br_cert layout, *c;
	br_x509_decoder_context *dc;
	const br_x509_pkey *pk;
	const unsigned char *n = NULL, *e = NULL, *q = NULL;
	size_t nlen = 0, elen = 0, qlen = 0;
	__u32 ec_size = 0;
	__u64 size;
	int ret;

	if (!k || !der || !len || len > HEKI_BR_MAX_CERT)
		return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	memset(&layout, 0, sizeof(layout));
	ret = heki_br_cert_layout(der, (__u32)len, &layout);
	if (ret)
		return ret;
	dc = b->alloc(b->actx, sizeof(*dc));
	if (!dc)
		return -HEKI_VSM_ERR_NO_MEMORY;
	br_x509_decoder_init(dc, NULL, NULL);
	br_x509_decoder_push(dc, der, (size_t)len);
	/*
	 * A certificate whose structure is sound but whose key BearSSL cannot
	 * decode (another type or curve, a malformed key) is kept without a
	 * key, as OpenSSL keeps it and fails only when the key is used.
	 */
	pk = br_x509_decoder_get_pkey(dc);
	if (pk && pk->key_type == BR_KEYTYPE_RSA) {
		nlen = pk->key.rsa.nlen;
		elen = pk->key.rsa.elen;
		n = heki_br_strip(pk->key.rsa.n, &nlen);
		e = heki_br_strip(pk->key.rsa.e, &elen);
	} else if (pk && pk->key_type == BR_KEYTYPE_EC) {
		ec_size = heki_br_ec_size(&pk->key.ec);
		if (ec_size) {
			q = pk->key.ec.q;
			qlen = pk->key.ec.qlen;
		}
	}
	/* len <= 64 KiB and n, e, q fit in BR_X509_BUFSIZE_KEY: no overflow */
	size = sizeof(*c) + len + nlen + elen + qlen;
	c = b->alloc(b->actx, size);
	if (!c) {
		ret = -HEKI_VSM_ERR_NO_MEMORY;
		goto out;
	}
	*c = layout;
	c->next = NULL;
	c->der = (const __u8 *)(c + 1);
	c->len = (__u32)len;
	memcpy(c + 1, der, len);
	if (n) {
		unsigned char *kn = (unsigned char *)(c + 1) + len;

		memcpy(kn, n, nlen);
		memcpy(kn + nlen, e, elen);
		c->pk.n = kn;
		c->pk.nlen = nlen;
		c->pk.e = kn + nlen;
		c->pk.elen = elen;
		c->rsa = 1;
	}
	if (q) {
		unsigned char *kq = (unsigned char *)(c + 1) + len;

		memcpy(kq, q, qlen);
		c->ek.curve = pk->key.ec.curve;
		c->ek.q = kq;
		c->ek.qlen = qlen;
		c->ec_size = ec_size;
	}
	if (k->tail)
		k->tail->next = c;
	else
		k->head = c;
	k->tail = c;
	ret = 0;
out:
	b->free(b->actx, dc);
	return ret;
}

static int heki_br_digest(void *ctx, __u32 alg, const __u8 *data, __u64 len,
			  __u8 *out, __u32 outlen)
{
	union {
		br_sha256_context s256;
		br_sha384_context s384;
		br_sha512_context s512;
	} h;
	__u32 size = heki_vtl1_hash_size(alg);

	(void)ctx;
	if (!size)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (outlen < size || !out || (!data && len))
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	switch (alg) {
	case HEKI_VTL1_HASH_SHA256:
		br_sha256_init(&h.s256);
		br_sha256_update(&h.s256, data, (size_t)len);
		br_sha256_out(&h.s256, out);
		break;
	case HEKI_VTL1_HASH_SHA384:
		br_sha384_init(&h.s384);
		br_sha384_update(&h.s384, data, (size_t)len);
		br_sha384_out(&h.s384, out);
		break;
	default:
		br_sha512_init(&h.s512);
		br_sha512_update(&h.s512, data, (size_t)len);
		br_sha512_out(&h.s512, out);
		break;
	}
	return (int)size;
}

/* The digest of every chunk @next gives (struct heki_vtl1_crypto). */
static int heki_br_digest_chunks(void *ctx, __u32 alg,
				 int (*next)(void *arg, const __u8 **data,
					     __u64 *len),
				 void *arg, __u8 *out, __u32 outlen)
{
	__u32 size = heki_vtl1_hash_size(alg);
	const br_hash_class *vt;
	br_hash_compat_context h;
	const __u8 *data;
	__u64 len;
	int r;

	(void)ctx;
	if (!size)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (outlen < size || !out || !next)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	vt = alg == HEKI_VTL1_HASH_SHA256 ? &br_sha256_vtable :
	     alg == HEKI_VTL1_HASH_SHA384 ? &br_sha384_vtable :
	     &br_sha512_vtable;
	vt->init(&h.vtable);
	for (;;) {
		data = NULL;
		len = 0;
		r = next(arg, &data, &len);
		if (r != 1)
			break;
		if (!data && len)
			return -HEKI_VSM_ERR_CRYPTO_DIGEST_FAILED;
		if (len)
			vt->update(&h.vtable, data, (size_t)len);
	}
	if (r)
		return r;
	vt->out(&h.vtable, out);
	return (int)size;
}

static int heki_br_find_cert(void *ctx, void *kr, const __u8 *issuer,
			     __u32 issuer_len, const __u8 *serial,
			     __u32 serial_len, __u32 *pos, void **cert)
{
	struct heki_br_keyring *k = kr;
	struct heki_br_cert *c;
	__u32 i = 0;
	int have_key = 0;

	(void)ctx;
	if (!k || !pos || !cert || !issuer || !serial)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	for (c = k->head; c; c = c->next, i++) {
		have_key |= c->rsa || c->ec_size;
		if (i < *pos || c->issuer_len != issuer_len ||
		    c->serial_len != serial_len ||
		    memcmp(c->der + c->issuer_off, issuer, issuer_len) ||
		    memcmp(c->der + c->serial_off, serial, serial_len))
			continue;
		*pos = i + 1;
		*cert = c;
		return 0;
	}
	return have_key ? -HEKI_VSM_ERR_CRYPTO_CERT_NOT_FOUND :
			  -HEKI_VSM_ERR_SIG_NO_KEY;
}

static int heki_br_rsa_pkcs1_verify(void *ctx, void *cert, __u32 alg,
				    const __u8 *digest, __u32 dlen,
				    const __u8 *sig, __u32 siglen)
{
	const struct heki_br_cert *c = cert;
	unsigned char out[HEKI_VTL1_HASH_MAX_SIZE];
	const unsigned char *oid;

	(void)ctx;
	switch (alg) {
	case HEKI_VTL1_HASH_SHA256:
		oid = BR_HASH_OID_SHA256;
		break;
	case HEKI_VTL1_HASH_SHA384:
		oid = BR_HASH_OID_SHA384;
		break;
	case HEKI_VTL1_HASH_SHA512:
		oid = BR_HASH_OID_SHA512;
		break;
	default:
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	}
	if (!c || !digest || dlen != heki_vtl1_hash_size(alg) || (!sig && siglen))
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	if (!c->rsa)
		return -HEKI_VSM_ERR_SIG_NO_KEY;
	/* As OpenSSL: the signature is exactly as long as the modulus */
	if (siglen != c->pk.nlen)
		return -HEKI_VSM_ERR_SIG_KEY_REJECTED;
	if (!br_rsa_i31_pkcs1_vrfy(sig, siglen, oid, dlen, &c->pk, out) ||
	    memcmp(out, digest, dlen))
		return -HEKI_VSM_ERR_SIG_KEY_REJECTED;
	return 0;
}

static int heki_br_ecdsa_verify(void *ctx, void *cert, __u32 alg,
				const __u8 *digest, __u32 dlen,
				const __u8 *sig, __u32 siglen)
{
	const struct heki_br_cert *c = cert;
	__u8 raw[2 * HEKI_ECDSA_MAX_SIZE];
	int ret;

	(void)ctx;
	if (!heki_vtl1_hash_size(alg))
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (!c || !digest || dlen != heki_vtl1_hash_size(alg) || (!sig && siglen))
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	if (!c->ec_size)
		return -HEKI_VSM_ERR_SIG_NO_KEY;
	ret = heki_der_ecdsa_sig(sig, siglen, c->ec_size, raw);
	if (ret)
		return ret;
	/* r, s < n and the curve equation of q are checked here */
	if (!br_ecdsa_i31_vrfy_raw(&br_ec_prime_i31, digest, dlen, &c->ek,
				   raw, 2 * (size_t)c->ec_size))
		return -HEKI_VSM_ERR_SIG_KEY_REJECTED;
	return 0;
}

static int heki_br_verify_pkcs7(void *ctx, void *kr, const __u8 *data,
				__u64 len, const __u8 *p7, __u64 p7len)
{
	struct heki_vtl1_crypto self;

	heki_vtl1_crypto_bearssl_init(&self, ctx);
	return heki_pkcs7_verify(&self, kr, data, len, p7, p7len);
}

void heki_vtl1_crypto_bearssl_init(struct heki_vtl1_crypto *c,
				   struct heki_bearssl_ctx *ctx)
{
	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	c->keyring_create = heki_br_keyring_create;
	c->keyring_add_cert = heki_br_keyring_add_cert;
	c->keyring_destroy = heki_br_keyring_destroy;
	c->verify_pkcs7 = heki_br_verify_pkcs7;
	c->digest = heki_br_digest;
	c->find_cert = heki_br_find_cert;
	c->rsa_pkcs1_verify = heki_br_rsa_pkcs1_verify;
	c->ecdsa_verify = heki_br_ecdsa_verify;
	c->digest_chunks = heki_br_digest_chunks;
}
