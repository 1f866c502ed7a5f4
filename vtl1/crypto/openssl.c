// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * OpenSSL 3 crypto provider for the VTL1 validator (hosted builds only).
 *
 * keyring: a stack of X509 certificates in load order.
 *
 * verify_pkcs7, checks in order (codes are HEKI_VSM_ERR_*):
 *  1. the blob is one DER CMS ContentInfo with nothing after it, else
 *     SIG_PARSE_FAILED (ELIBBAD);
 *  2. its type is SignedData, else SIG_INVALID (ELIBBAD);
 *  3. the content is detached (module signatures are), else SIG_INVALID;
 *  4. there is a SignerInfo (the first one is used, as in LiteBox), else
 *     SIG_NO_SIGNER (ELIBBAD);
 *  5. it has no signed attributes (sign-file uses -noattr), else
 *     SIG_UNSUPPORTED (ENOPKG);
 *  6. digest SHA-256/384/512, else SIG_UNSUPPORTED;
 *  7. signature algorithm rsaEncryption, or shaNNNWithRSAEncryption with
 *     the same hash, else SIG_UNSUPPORTED;
 *  8. the keyring holds at least one RSA key, else SIG_NO_KEY (ENOKEY);
 *  9. some RSA certificate verifies the PKCS#1 v1.5 signature over the
 *     digest of @data, else SIG_KEY_REJECTED (EKEYREJECTED). The
 *     certificate named by the signer's issuer and serial (or key id) is
 *     tried first, then the others in load order: the result is the same
 *     as LiteBox's "any certificate", usually at the cost of one RSA
 *     verification.
 * No certificate chain, validity period or key usage is checked: the
 * keyring's certificates are the trust anchors (like the kernel's
 * verify_pkcs7_signature() for module signatures).
 */
#include <limits.h>
#include <stdlib.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <heki/abi.h>

#include "openssl.h"

struct heki_ossl_keyring {
	STACK_OF(X509) *certs;
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

/* rsaEncryption, or an RSA-with-hash OID that names the same hash. */
static int heki_ossl_sigalg_ok(const X509_ALGOR *alg, const EVP_MD *md)
{
	const ASN1_OBJECT *obj;

	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	switch (OBJ_obj2nid(obj)) {
	case NID_rsaEncryption:
		return 1;
	case NID_sha256WithRSAEncryption:
		return EVP_MD_get_type(md) == NID_sha256;
	case NID_sha384WithRSAEncryption:
		return EVP_MD_get_type(md) == NID_sha384;
	case NID_sha512WithRSAEncryption:
		return EVP_MD_get_type(md) == NID_sha512;
	default:
		return 0;
	}
}

/* 1 if @x's RSA key verifies @sig over @dig, 0 if not, -1 if not RSA. */
static int heki_ossl_try_cert(X509 *x, const EVP_MD *md,
			      const unsigned char *dig, unsigned int dlen,
			      const unsigned char *sig, size_t slen)
{
	EVP_PKEY *pkey = X509_get0_pubkey(x);
	EVP_PKEY_CTX *pc;
	int ok = 0;

	if (!pkey || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA)
		return -1;
	pc = EVP_PKEY_CTX_new(pkey, NULL);
	if (pc && EVP_PKEY_verify_init(pc) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_signature_md(pc, md) == 1)
		ok = EVP_PKEY_verify(pc, sig, slen, dig, dlen) == 1;
	EVP_PKEY_CTX_free(pc);
	return ok;
}

static int heki_ossl_check_signer(struct heki_ossl_keyring *k,
				  CMS_SignerInfo *si, const __u8 *data,
				  __u64 len)
{
	X509_ALGOR *dig_alg, *sig_alg;
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	ASN1_OCTET_STRING *sig;
	const EVP_MD *md;
	int pass, i, n, have_rsa = 0;

	if (CMS_signed_get_attr_count(si) >= 0)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig_alg, &sig_alg);
	md = heki_ossl_digest(dig_alg);
	if (!md || !heki_ossl_sigalg_ok(sig_alg, md))
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	sig = CMS_SignerInfo_get0_signature(si);
	if (!sig || ASN1_STRING_length(sig) <= 0)
		return -HEKI_VSM_ERR_SIG_INVALID;
	if (EVP_Digest(data, len, dig, &dlen, md, NULL) != 1)
		return -HEKI_VSM_ERR_NO_MEMORY;

	/* Pass 0: the certificate the signer names; pass 1: all others. */
	n = sk_X509_num(k->certs);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			X509 *x = sk_X509_value(k->certs, i);
			int named = CMS_SignerInfo_cert_cmp(si, x) == 0;
			int r;

			if (named != !pass)
				continue;
			r = heki_ossl_try_cert(x, md, dig, dlen,
					       ASN1_STRING_get0_data(sig),
					       (size_t)ASN1_STRING_length(sig));
			if (r > 0)
				return 0;
			if (r == 0)
				have_rsa = 1;
		}
	}
	return have_rsa ? -HEKI_VSM_ERR_SIG_KEY_REJECTED :
			  -HEKI_VSM_ERR_SIG_NO_KEY;
}

static int heki_ossl_verify_pkcs7(void *ctx, void *kr, const __u8 *data,
				  __u64 len, const __u8 *p7, __u64 p7len)
{
	struct heki_ossl_keyring *k = kr;
	const unsigned char *p = p7;
	STACK_OF(CMS_SignerInfo) *sis;
	CMS_ContentInfo *cms;
	ASN1_OCTET_STRING **content;
	int ret;

	(void)ctx;
	if (!k || !p7 || !p7len || p7len > LONG_MAX || (!data && len))
		return -HEKI_VSM_ERR_SIG_PARSE_FAILED;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)p7len);
	if (!cms || p != p7 + p7len) {
		ret = -HEKI_VSM_ERR_SIG_PARSE_FAILED;
		goto out;
	}
	ret = -HEKI_VSM_ERR_SIG_INVALID;
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)
		goto out;
	content = CMS_get0_content(cms);
	if (!content || *content)
		goto out;
	sis = CMS_get0_SignerInfos(cms);
	ret = -HEKI_VSM_ERR_SIG_NO_SIGNER;
	if (!sis || sk_CMS_SignerInfo_num(sis) < 1)
		goto out;
	ret = heki_ossl_check_signer(k, sk_CMS_SignerInfo_value(sis, 0), data,
				     len);
out:
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return ret;
}

const struct heki_vtl1_crypto heki_vtl1_crypto_openssl = {
	.ctx = NULL,
	.keyring_create = heki_ossl_keyring_create,
	.keyring_add_cert = heki_ossl_keyring_add_cert,
	.keyring_destroy = heki_ossl_keyring_destroy,
	.verify_pkcs7 = heki_ossl_verify_pkcs7,
};
