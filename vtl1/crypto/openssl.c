// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * OpenSSL 3 crypto provider for the VTL1 validator (hosted builds only).
 *
 * keyring: a stack of X509 certificates in load order.
 *
 * verify_pkcs7, checks in order (codes are HEKI_VSM_ERR_*):
 *  1. the blob is one PKCS#7 ContentInfo with nothing after it, else
 *     SIG_UNSUPPORTED (ENOPKG) if it is CMS that PKCS#7 cannot express
 *     (a key-identifier signer), SIG_PARSE_FAILED (ELIBBAD) otherwise;
 *  2. it re-encodes to the same bytes (strict DER), else SIG_PARSE_FAILED;
 *  3. SignedData version 1 with detached id-data content, else
 *     SIG_INVALID (ELIBBAD);
 *  4. exactly one SignerInfo: none is SIG_NO_SIGNER (ELIBBAD), more is
 *     SIG_UNSUPPORTED;
 *  5. SignerInfo version 1 (issuer and serial) with a signature, else
 *     SIG_INVALID;
 *  6. no signed or unsigned attributes (sign-file uses -noattr), else
 *     SIG_UNSUPPORTED;
 *  7. digest SHA-256/384/512 and signature rsaEncryption (or
 *     shaNNNWithRSAEncryption naming the same hash) or
 *     ecdsa-with-SHANNN naming the same hash, else SIG_UNSUPPORTED;
 *  8. both algorithms without parameters (or NULL), and the SignedData
 *     digestAlgorithms set is exactly the signer's digest, else
 *     SIG_INVALID;
 *  9. a keyring certificate whose issuer (byte-exact DER) and serial are
 *     the signer's verifies the RSA PKCS#1 v1.5 signature (or the ECDSA
 *     signature with its P-256/P-384 key; a malformed ECDSA-Sig-Value is
 *     SIG_PARSE_FAILED) over the digest of @data, else SIG_KEY_REJECTED
 *     (EKEYREJECTED), or SIG_NO_KEY (ENOKEY) if the keyring holds no
 *     usable key (RSA, or EC on P-256/P-384 as an uncompressed point).
 * Every byte of the signature is therefore either checked or covered by
 * the signature verification: a flipped byte anywhere fails. LiteBox instead
 * tries every certificate and ignores the issuer, serial, versions and the
 * digestAlgorithms set; for sign-file output both give the same result.
 * No certificate chain, validity period or key usage is checked: the
 * keyring's certificates are the trust anchors (like the kernel's
 * verify_pkcs7_signature() for module signatures).
 *
 * The primitives (digest, find_cert, rsa_pkcs1_verify, ecdsa_verify) are
 * EVP digests, a walk of the certificate stack comparing the issuer's DER
 * and the serial's content octets, and EVP_PKEY_verify with PKCS#1 v1.5
 * padding or on the DER ECDSA-Sig-Value (checked to re-encode to itself
 * with non-negative r and s first, as the BearSSL provider's parser).
 */
#include <limits.h>
#include <stdlib.h>

#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <heki/abi.h>

#include "openssl.h"

struct heki_ossl_keyring {
	struct stack_st_X509 *certs;	/* STACK_OF(X509) */
};

static int heki_ossl_keyring_create(void *ctx, void **kr)
{
	struct heki_ossl_keyring *k;

	(void)ctx;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -HEKI_VSM_ERR_NO_MEMORY;
	k->certs = sk_X509_new_null();
	if (!k->certs) {
		free(k);
		return -HEKI_VSM_ERR_NO_MEMORY;
	}
	*kr = k;
	return 0;
}

static int heki_ossl_keyring_add_cert(void *ctx, void *kr, const __u8 *der,
				      __u64 len)
{
	struct heki_ossl_keyring *k = kr;
	const unsigned char *p = der;
	X509 *x;

	(void)ctx;
	if (!len || len > LONG_MAX)
		return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != der + len) {
		X509_free(x);
		ERR_clear_error();
		return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	}
	if (!sk_X509_push(k->certs, x)) {
		X509_free(x);
		ERR_clear_error();
		return -HEKI_VSM_ERR_NO_MEMORY;
	}
	return 0;
}

static void heki_ossl_keyring_destroy(void *ctx, void *kr)
{
	struct heki_ossl_keyring *k = kr;

	(void)ctx;
	if (!k)
		return;
	sk_X509_pop_free(k->certs, X509_free);
	free(k);
}

/* The digest of a SignerInfo, or NULL if not SHA-256/384/512. */
static const EVP_MD *heki_ossl_digest(const X509_ALGOR *alg)
{
	const ASN1_OBJECT *obj;

	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	switch (OBJ_obj2nid(obj)) {
	case NID_sha256:
		return EVP_sha256();
	case NID_sha384:
		return EVP_sha384();
	case NID_sha512:
		return EVP_sha512();
	default:
		return NULL;
	}
}

/*
 * The signature algorithm a SignerInfo names, if it is rsaEncryption or
 * an RSA-with-hash or ECDSA-with-hash OID naming the same hash as @md:
 * EVP_PKEY_RSA or EVP_PKEY_EC; 0 otherwise.
 */
static int heki_ossl_sigalg(const X509_ALGOR *alg, const EVP_MD *md)
{
	const ASN1_OBJECT *obj;
	int hash = EVP_MD_get_type(md);

	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	switch (OBJ_obj2nid(obj)) {
	case NID_rsaEncryption:
		return EVP_PKEY_RSA;
	case NID_sha256WithRSAEncryption:
		return hash == NID_sha256 ? EVP_PKEY_RSA : 0;
	case NID_sha384WithRSAEncryption:
		return hash == NID_sha384 ? EVP_PKEY_RSA : 0;
	case NID_sha512WithRSAEncryption:
		return hash == NID_sha512 ? EVP_PKEY_RSA : 0;
	case NID_ecdsa_with_SHA256:
		return hash == NID_sha256 ? EVP_PKEY_EC : 0;
	case NID_ecdsa_with_SHA384:
		return hash == NID_sha384 ? EVP_PKEY_EC : 0;
	case NID_ecdsa_with_SHA512:
		return hash == NID_sha512 ? EVP_PKEY_EC : 0;
	default:
		return 0;
	}
}

/*
 * The key type of @x the providers verify with: EVP_PKEY_RSA, EVP_PKEY_EC
 * for NIST P-256 or P-384 named by its OID (explicit curve parameters are
 * refused, as BearSSL refuses them, even when they describe one of these
 * curves) as an uncompressed point (what BearSSL takes), 0 for anything
 * else (no key, another type or curve, undecodable: a point off the curve
 * does not decode).
 */
static int heki_ossl_key_type(X509 *x)
{
	EVP_PKEY *pkey = X509_get0_pubkey(x);
	ASN1_BIT_STRING *bits;
	X509_ALGOR *alg;
	const void *pval;
	int ptype, size;

	if (!pkey)
		return 0;
	if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA)
		return EVP_PKEY_RSA;
	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC ||
	    X509_PUBKEY_get0_param(NULL, NULL, NULL, &alg,
				   X509_get_X509_PUBKEY(x)) != 1)
		return 0;
	X509_ALGOR_get0(NULL, &ptype, &pval, alg);
	if (ptype != V_ASN1_OBJECT)
		return 0;
	switch (OBJ_obj2nid(pval)) {
	case NID_X9_62_prime256v1:
		size = 32;
		break;
	case NID_secp384r1:
		size = 48;
		break;
	default:
		return 0;
	}
	bits = X509_get0_pubkey_bitstr(x);
	if (!bits || ASN1_STRING_length(bits) != 1 + 2 * size ||
	    ASN1_STRING_get0_data(bits)[0] != 0x04)
		return 0;
	return EVP_PKEY_EC;
}

/* @sig is one DER ECDSA-Sig-Value, r and s non-negative: 0 or PARSE_FAILED */
static int heki_ossl_ecdsa_der(const unsigned char *sig, size_t slen)
{
	const unsigned char *p = sig;
	const BIGNUM *r, *s;
	unsigned char *enc = NULL;
	ECDSA_SIG *es;
	int n, ok = 0;

	if (!sig || !slen || slen > LONG_MAX)
		return -HEKI_VSM_ERR_SIG_PARSE_FAILED;
	es = d2i_ECDSA_SIG(NULL, &p, (long)slen);
	if (es && p == sig + slen) {
		ECDSA_SIG_get0(es, &r, &s);
		n = i2d_ECDSA_SIG(es, &enc);
		ok = n > 0 && (size_t)n == slen && !memcmp(enc, sig, slen) &&
		     !BN_is_negative(r) && !BN_is_negative(s);
	}
	OPENSSL_free(enc);
	ECDSA_SIG_free(es);
	ERR_clear_error();
	return ok ? 0 : -HEKI_VSM_ERR_SIG_PARSE_FAILED;
}

/*
 * @x's key of type @type verifies @sig over @dig: 0, SIG_KEY_REJECTED,
 * SIG_NO_KEY if @x has no usable key of that type, or SIG_PARSE_FAILED
 * for a malformed ECDSA-Sig-Value.
 */
static int heki_ossl_try_cert(X509 *x, int type, const EVP_MD *md,
			      const unsigned char *dig, unsigned int dlen,
			      const unsigned char *sig, size_t slen)
{
	EVP_PKEY *pkey = X509_get0_pubkey(x);
	EVP_PKEY_CTX *pc;
	int ok = 0, ret;

	if (!pkey || heki_ossl_key_type(x) != type)
		return -HEKI_VSM_ERR_SIG_NO_KEY;
	if (type == EVP_PKEY_EC) {
		ret = heki_ossl_ecdsa_der(sig, slen);
		if (ret)
			return ret;
	}
	pc = EVP_PKEY_CTX_new(pkey, NULL);
	if (pc && EVP_PKEY_verify_init(pc) == 1 &&
	    (type != EVP_PKEY_RSA ||
	     EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) == 1) &&
	    EVP_PKEY_CTX_set_signature_md(pc, md) == 1)
		ok = EVP_PKEY_verify(pc, sig, slen, dig, dlen) == 1;
	EVP_PKEY_CTX_free(pc);
	ERR_clear_error();
	return ok ? 0 : -HEKI_VSM_ERR_SIG_KEY_REJECTED;
}

/* An AlgorithmIdentifier's parameters: absent or NULL. */
static int heki_ossl_params_null(const X509_ALGOR *alg)
{
	const void *pval;
	int ptype;

	X509_ALGOR_get0(NULL, &ptype, &pval, alg);
	return ptype == V_ASN1_UNDEF || ptype == V_ASN1_NULL;
}

/* Byte-exact DER comparison of two names (no case folding). */
static int heki_ossl_name_eq(const X509_NAME *a, const X509_NAME *b)
{
	const unsigned char *da, *db;
	size_t la, lb;

	if (!X509_NAME_get0_der(a, &da, &la) || !X509_NAME_get0_der(b, &db, &lb))
		return 0;
	return la == lb && !memcmp(da, db, la);
}

/* The blob re-encodes to exactly itself (strict DER, as LiteBox's parser). */
static int heki_ossl_is_der(PKCS7 *p7, const __u8 *der, __u64 len)
{
	unsigned char *enc = NULL;
	int n = i2d_PKCS7(p7, &enc);
	int ok = n > 0 && (__u64)n == len && !memcmp(enc, der, len);

	OPENSSL_free(enc);
	return ok;
}

static int heki_ossl_check_signer(struct heki_ossl_keyring *k, PKCS7_SIGNED *sd,
				  PKCS7_SIGNER_INFO *si, const __u8 *data,
				  __u64 len)
{
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	const EVP_MD *md;
	int i, n, type, have_key = 0;

	if (ASN1_INTEGER_get(si->version) != 1 || !si->issuer_and_serial ||
	    !si->enc_digest || ASN1_STRING_length(si->enc_digest) <= 0)
		return -HEKI_VSM_ERR_SIG_INVALID;
	if (sk_X509_ATTRIBUTE_num(si->auth_attr) > 0 ||
	    sk_X509_ATTRIBUTE_num(si->unauth_attr) > 0)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	md = heki_ossl_digest(si->digest_alg);
	type = md ? heki_ossl_sigalg(si->digest_enc_alg, md) : 0;
	if (!type)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (!heki_ossl_params_null(si->digest_alg) ||
	    !heki_ossl_params_null(si->digest_enc_alg) ||
	    sk_X509_ALGOR_num(sd->md_algs) != 1 ||
	    X509_ALGOR_cmp(sk_X509_ALGOR_value(sd->md_algs, 0), si->digest_alg))
		return -HEKI_VSM_ERR_SIG_INVALID;
	if (EVP_Digest(data, len, dig, &dlen, md, NULL) != 1)
		return -HEKI_VSM_ERR_NO_MEMORY;

	/* Only the certificate(s) the signer names: issuer and serial. */
	n = sk_X509_num(k->certs);
	for (i = 0; i < n; i++) {
		X509 *x = sk_X509_value(k->certs, i);
		int r;

		if (heki_ossl_key_type(x))
			have_key = 1;
		if (!heki_ossl_name_eq(X509_get_issuer_name(x),
				       si->issuer_and_serial->issuer) ||
		    ASN1_INTEGER_cmp(X509_get0_serialNumber(x),
				     si->issuer_and_serial->serial))
			continue;
		r = heki_ossl_try_cert(x, type, md, dig, dlen,
				       ASN1_STRING_get0_data(si->enc_digest),
				       (size_t)ASN1_STRING_length(si->enc_digest));
		if (r != -HEKI_VSM_ERR_SIG_KEY_REJECTED &&
		    r != -HEKI_VSM_ERR_SIG_NO_KEY)
			return r;
	}
	return have_key ? -HEKI_VSM_ERR_SIG_KEY_REJECTED :
			  -HEKI_VSM_ERR_SIG_NO_KEY;
}

/* Parse @p7 as PKCS#7; tell "not DER at all" from "CMS we do not take". */
static int heki_ossl_parse(const __u8 *der, __u64 len, PKCS7 **out)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms;
	PKCS7 *p7;

	p7 = d2i_PKCS7(NULL, &p, (long)len);
	if (p7 && p == der + len) {
		*out = p7;
		return 0;
	}
	PKCS7_free(p7);
	/* Valid CMS that PKCS#7 cannot express, e.g. a key-identifier signer. */
	p = der;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	if (cms && p == der + len) {
		CMS_ContentInfo_free(cms);
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	}
	CMS_ContentInfo_free(cms);
	return -HEKI_VSM_ERR_SIG_PARSE_FAILED;
}

static int heki_ossl_verify_pkcs7(void *ctx, void *kr, const __u8 *data,
				  __u64 len, const __u8 *p7der, __u64 p7len)
{
	struct heki_ossl_keyring *k = kr;
	PKCS7 *p7 = NULL;
	PKCS7_SIGNED *sd;
	int ret;

	(void)ctx;
	if (!k || !p7der || !p7len || p7len > LONG_MAX || (!data && len))
		return -HEKI_VSM_ERR_SIG_PARSE_FAILED;
	ret = heki_ossl_parse(p7der, p7len, &p7);
	if (ret)
		goto out;
	ret = -HEKI_VSM_ERR_SIG_PARSE_FAILED;
	if (!heki_ossl_is_der(p7, p7der, p7len))
		goto out;
	ret = -HEKI_VSM_ERR_SIG_INVALID;
	if (!PKCS7_type_is_signed(p7))
		goto out;
	sd = p7->d.sign;
	if (!sd || ASN1_INTEGER_get(sd->version) != 1 || !sd->contents ||
	    !PKCS7_type_is_data(sd->contents) || sd->contents->d.data)
		goto out;
	ret = -HEKI_VSM_ERR_SIG_NO_SIGNER;
	if (sk_PKCS7_SIGNER_INFO_num(sd->signer_info) < 1)
		goto out;
	ret = -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (sk_PKCS7_SIGNER_INFO_num(sd->signer_info) > 1)
		goto out;
	ret = heki_ossl_check_signer(k, sd,
				     sk_PKCS7_SIGNER_INFO_value(sd->signer_info, 0),
				     data, len);
out:
	PKCS7_free(p7);
	ERR_clear_error();
	return ret;
}

static const EVP_MD *heki_ossl_md(__u32 alg)
{
	switch (alg) {
	case HEKI_VTL1_HASH_SHA256:
		return EVP_sha256();
	case HEKI_VTL1_HASH_SHA384:
		return EVP_sha384();
	case HEKI_VTL1_HASH_SHA512:
		return EVP_sha512();
	default:
		return NULL;
	}
}

/* The digest of every chunk @next gives (struct heki_vtl1_crypto). */
static int heki_ossl_digest_chunks(void *ctx, __u32 alg,
				   int (*next)(void *arg, const __u8 **data,
					       __u64 *len),
				   void *arg, __u8 *out, __u32 outlen)
{
	const EVP_MD *md = heki_ossl_md(alg);
	EVP_MD_CTX *mdc;
	const __u8 *data;
	unsigned int n = 0;
	__u64 len;
	int r;

	(void)ctx;
	if (!md)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (outlen < heki_vtl1_hash_size(alg) || !out || !next)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	mdc = EVP_MD_CTX_new();
	if (!mdc)
		return -HEKI_VSM_ERR_NO_MEMORY;
	r = EVP_DigestInit_ex(mdc, md, NULL) == 1 ? 1 :
	    -HEKI_VSM_ERR_CRYPTO_DIGEST_FAILED;
	while (r == 1) {
		data = NULL;
		len = 0;
		r = next(arg, &data, &len);
		if (r != 1)
			break;
		if ((!data && len) ||
		    (len && EVP_DigestUpdate(mdc, data, len) != 1))
			r = -HEKI_VSM_ERR_CRYPTO_DIGEST_FAILED;
	}
	if (!r && EVP_DigestFinal_ex(mdc, out, &n) != 1)
		r = -HEKI_VSM_ERR_CRYPTO_DIGEST_FAILED;
	EVP_MD_CTX_free(mdc);
	ERR_clear_error();
	return r ? r : (int)n;
}

static int heki_ossl_digest_prim(void *ctx, __u32 alg, const __u8 *data,
				 __u64 len, __u8 *out, __u32 outlen)
{
	const EVP_MD *md = heki_ossl_md(alg);
	unsigned int n = 0;

	(void)ctx;
	if (!md)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (outlen < heki_vtl1_hash_size(alg) || !out || (!data && len))
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	if (EVP_Digest(data, len, out, &n, md, NULL) != 1) {
		ERR_clear_error();
		return -HEKI_VSM_ERR_CRYPTO_DIGEST_FAILED;
	}
	return (int)n;
}

/* The content octets of @x's serial number equal @serial. */
static int heki_ossl_serial_eq(X509 *x, const __u8 *serial, __u32 len)
{
	unsigned char *enc = NULL;
	int n = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &enc);
	int hdr, ok = 0;

	if (n >= 2 && enc[0] == 0x02) {
		hdr = enc[1] < 0x80 ? 2 : 2 + (enc[1] & 0x7f);
		ok = n - hdr == (int)len && !memcmp(enc + hdr, serial, len);
	}
	OPENSSL_free(enc);
	return ok;
}

static int heki_ossl_find_cert(void *ctx, void *kr, const __u8 *issuer,
			       __u32 issuer_len, const __u8 *serial,
			       __u32 serial_len, __u32 *pos, void **cert)
{
	struct heki_ossl_keyring *k = kr;
	const unsigned char *da;
	int i, n, have_key = 0;
	size_t la;

	(void)ctx;
	if (!k || !pos || !cert || !issuer || !serial)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	n = sk_X509_num(k->certs);
	for (i = (int)*pos; i >= 0 && i < n; i++) {
		X509 *x = sk_X509_value(k->certs, i);

		if (!X509_NAME_get0_der(X509_get_issuer_name(x), &da, &la) ||
		    la != issuer_len || memcmp(da, issuer, la) ||
		    !heki_ossl_serial_eq(x, serial, serial_len))
			continue;
		*pos = (__u32)i + 1;
		*cert = x;
		return 0;
	}
	for (i = 0; i < n && !have_key; i++)
		have_key = !!heki_ossl_key_type(sk_X509_value(k->certs, i));
	ERR_clear_error();
	return have_key ? -HEKI_VSM_ERR_CRYPTO_CERT_NOT_FOUND :
			  -HEKI_VSM_ERR_SIG_NO_KEY;
}

/* rsa_pkcs1_verify (@type EVP_PKEY_RSA) and ecdsa_verify (EVP_PKEY_EC) */
static int heki_ossl_verify_prim(void *cert, int type, __u32 alg,
				 const __u8 *digest, __u32 dlen,
				 const __u8 *sig, __u32 siglen)
{
	const EVP_MD *md = heki_ossl_md(alg);

	if (!md)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (!cert || !digest || dlen != heki_vtl1_hash_size(alg) ||
	    (!sig && siglen))
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	return heki_ossl_try_cert(cert, type, md, digest, dlen, sig, siglen);
}

static int heki_ossl_rsa_pkcs1_verify(void *ctx, void *cert, __u32 alg,
				      const __u8 *digest, __u32 dlen,
				      const __u8 *sig, __u32 siglen)
{
	(void)ctx;
	return heki_ossl_verify_prim(cert, EVP_PKEY_RSA, alg, digest, dlen,
				     sig, siglen);
}

static int heki_ossl_ecdsa_verify(void *ctx, void *cert, __u32 alg,
				  const __u8 *digest, __u32 dlen,
				  const __u8 *sig, __u32 siglen)
{
	(void)ctx;
	return heki_ossl_verify_prim(cert, EVP_PKEY_EC, alg, digest, dlen,
				     sig, siglen);
}

const struct heki_vtl1_crypto heki_vtl1_crypto_openssl = {
	.ctx = NULL,
	.keyring_create = heki_ossl_keyring_create,
	.keyring_add_cert = heki_ossl_keyring_add_cert,
	.keyring_destroy = heki_ossl_keyring_destroy,
	.verify_pkcs7 = heki_ossl_verify_pkcs7,
	.digest = heki_ossl_digest_prim,
	.find_cert = heki_ossl_find_cert,
	.rsa_pkcs1_verify = heki_ossl_rsa_pkcs1_verify,
	.ecdsa_verify = heki_ossl_ecdsa_verify,
	.digest_chunks = heki_ossl_digest_chunks,
};
