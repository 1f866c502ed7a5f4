// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * PKCS#7 parser on signatures openssl cms made in run.sh: the fields it
 * exposes, signed attributes and their re-encoding, and malformed blobs.
 */
#define _GNU_SOURCE
#include <openssl/evp.h>

#include "harness.h"
#include "sig/der.h"
#include "sig/pkcs7.h"

static const __u8 oid_sha256[9] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
				    0x04, 0x02, 0x01 };

static void test_p7_fields(void)
{
	size_t len, clen;
	unsigned char *p7 = check_read_file(t_keydir, "s256.p7", &len);
	unsigned char *cert = check_read_file(t_keydir, "c1.der", &clen);
	struct heki_pkcs7 p;
	const struct heki_pkcs7_signer *s = &p.signer;
	int ret = heki_pkcs7_parse(p7, len, &p);

	check_err("pkcs7 parse: sign-file style SHA-256 signature", ret, 0);
	check_result(!ret && p.version == 1 && p.nr_digest_algs == 1 &&
		 p.content_type.len == 9 &&
		 !memcmp(p.content_type.p, heki_oid_pkcs7_data, 9) &&
		 !p.content.p && !p.has_certs && !p.has_crls, "pkcs7 parse: SignedData v1, one digest alg, detached id-data", NULL);
	check_result(!ret && p.nr_signers == 1 && s->version == 1 && s->issuer.p &&
		 s->serial.len && !s->skid.p && !s->signed_attrs.p &&
		 !s->nr_signed_attrs && !s->nr_unsigned_attrs, "pkcs7 parse: one signer v1 with issuer+serial, no attributes", NULL);
	check_result(!ret && s->digest_alg.hash == HEKI_VTL1_HASH_SHA256 &&
		 s->digest_alg.oid.len == 9 &&
		 !memcmp(s->digest_alg.oid.p, oid_sha256, 9) &&
		 s->sig_alg.rsa == 1 && s->sig.len == 256 &&
		 s->digest_alg.params_ok && s->sig_alg.params_ok, "pkcs7 parse: digest SHA-256, signature rsaEncryption, 256 bytes", NULL);
	/* the issuer Name DER is a substring of the certificate */
	check_result(!ret && s->issuer.p[0] == HEKI_DER_SEQUENCE &&
		 memmem(cert, clen, s->issuer.p, s->issuer.len), "pkcs7 parse: issuer Name DER found in the signer certificate", NULL);
	free(p7);
	free(cert);
}

static void test_p7_attrs(void)
{
	size_t len, dlen;
	unsigned char *p7 = check_read_file(t_keydir, "sattr.p7", &len);
	unsigned char *data = check_read_file(t_keydir, "data.bin", &dlen);
	unsigned char dig[32], attrs[4096], adig[64];
	struct heki_pkcs7 p;
	const struct heki_pkcs7_signer *s = &p.signer;
	__u32 pos = 0;
	void *kr = NULL, *cert = NULL;
	size_t clen;
	unsigned char *c1 = check_read_file(t_keydir, "c1.der", &clen);
	int ret = heki_pkcs7_parse(p7, len, &p), n, v;

	EVP_Digest(data, dlen, dig, NULL, EVP_sha256(), NULL);
	check_result(!ret && s->signed_attrs.p && s->nr_signed_attrs >= 2 &&
		 s->content_type.len == 9 &&
		 !memcmp(s->content_type.p, heki_oid_pkcs7_data, 9) &&
		 s->message_digest.len == 32 &&
		 !memcmp(s->message_digest.p, dig, 32) &&
		 s->signed_attrs.p[0] == HEKI_DER_CTX_CONS(0), "pkcs7 parse: signed attributes exposed (contentType, messageDigest)",
		 "ret %d attrs %u", ret, s->nr_signed_attrs);
	n = heki_pkcs7_attrs_set(s, attrs, sizeof(attrs));
	check_result(n == (int)s->signed_attrs.len && attrs[0] == HEKI_DER_SET &&
		 !memcmp(attrs + 1, s->signed_attrs.p + 1, n - 1), "pkcs7 attrs: re-encoded as SET (0x31), same length", "n %d", n);
	check_err("pkcs7 attrs: buffer one byte short -> CRYPTO_BAD_ARGUMENT",
		     heki_pkcs7_attrs_set(s, attrs, s->signed_attrs.len - 1),
		     -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT);
	/* The digest binding a caller checks with the primitives. */
	t_br.keyring_create(t_br.ctx, &kr);
	t_br.keyring_add_cert(t_br.ctx, kr, c1, clen);
	t_br.digest(t_br.ctx, HEKI_VTL1_HASH_SHA256, attrs, (__u64)n, adig,
		    sizeof(adig));
	ret = t_br.find_cert(t_br.ctx, kr, s->issuer.p, s->issuer.len,
			     s->serial.p, s->serial.len, &pos, &cert);
	v = ret ? ret : t_br.rsa_pkcs1_verify(t_br.ctx, cert,
					      HEKI_VTL1_HASH_SHA256, adig, 32,
					      s->sig.p, s->sig.len);
	check_err("pkcs7 attrs: signature verifies over the SET re-encoding (bearssl)",
		     v, 0);
	adig[0] ^= 1;
	check_err("pkcs7 attrs: over another digest -> SIG_KEY_REJECTED",
		     t_br.rsa_pkcs1_verify(t_br.ctx, cert, HEKI_VTL1_HASH_SHA256,
					   adig, 32, s->sig.p, s->sig.len),
		     -HEKI_VSM_ERR_SIG_KEY_REJECTED);
	t_br.keyring_destroy(t_br.ctx, kr);
	free(c1);
	free(p7);
	free(data);
}

static void test_p7_shapes(void)
{
	struct {
		const char *name, *file;
		int want;
	} cases[] = {
		{ "pkcs7 parse: embedded content exposed", "sembed.p7", 0 },
		{ "pkcs7 parse: key-identifier signer exposed", "skeyid.p7", 0 },
		{ "pkcs7 parse: two signers counted", "stwo.p7", 0 },
		{ "pkcs7 parse: id-data ContentInfo -> SIG_INVALID", "sdata.p7",
		  -HEKI_VSM_ERR_SIG_INVALID },
		{ "pkcs7 parse: a certificate -> SIG_PARSE_FAILED", "c1.der",
		  -HEKI_VSM_ERR_SIG_PARSE_FAILED },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len;
		unsigned char *p7 = check_read_file(t_keydir, cases[i].file, &len);
		struct heki_pkcs7 p;
		int ret = heki_pkcs7_parse(p7, len, &p), ok = ret == cases[i].want;

		if (ok && i == 0)
			ok = p.content.p && p.content.p[0] == HEKI_DER_OCTET_STRING;
		if (ok && i == 1)
			ok = p.any_skid_signer && p.signer.skid.len &&
			     !p.signer.issuer.p && p.signer.version == 3;
		if (ok && i == 2)
			ok = p.nr_signers == 2 && p.nr_digest_algs == 1;
		check_result(ok, cases[i].name, "ret %d (%s)", ret, check_err_name(ret));
		free(p7);
	}
}

/* Every prefix, and the blob plus one byte, fails to parse. */
static void test_p7_truncations(void)
{
	size_t len, i, bad = 0;
	unsigned char *p7 = check_read_file(t_keydir, "sattr.p7", &len);
	unsigned char *longer = malloc(len + 1);
	struct heki_pkcs7 p;

	for (i = 0; i < len; i++)
		if (heki_pkcs7_parse(p7, i, &p) != -HEKI_VSM_ERR_SIG_PARSE_FAILED)
			bad++;
	check_result(!bad, "pkcs7 parse: every truncation -> SIG_PARSE_FAILED",
		 "%zu of %zu prefixes not refused", bad, len);
	memcpy(longer, p7, len);
	longer[len] = 0;
	check_err("pkcs7 parse: trailing byte -> SIG_PARSE_FAILED",
		     heki_pkcs7_parse(longer, len + 1, &p),
		     -HEKI_VSM_ERR_SIG_PARSE_FAILED);
	/* indefinite length (BER) outer SEQUENCE */
	p7[1] = 0x80;
	check_err("pkcs7 parse: BER indefinite length -> SIG_PARSE_FAILED",
		     heki_pkcs7_parse(p7, len, &p), -HEKI_VSM_ERR_SIG_PARSE_FAILED);
	free(longer);
	free(p7);
}

void test_pkcs7_parse(void)
{
	test_p7_fields();
	test_p7_attrs();
	test_p7_shapes();
	test_p7_truncations();
}
