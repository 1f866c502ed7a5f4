// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The OpenSSL provider and heki_modsig_verify() / heki_certs_load() on
 * keys, certificates and CMS signatures that run.sh makes with the openssl
 * tool the way the kernel's sign-file does (-binary -noattr, detached,
 * DER, no certificates).
 */
#include "harness.h"
#include "kdata/certs.h"
#include "sig/modsig.h"
#include "../../crypto/openssl.h"

static const struct heki_vtl1_crypto *c = &heki_vtl1_crypto_openssl;

struct blob {
	unsigned char *p;
	size_t len;
};

static struct blob ld(const char *name)
{
	struct blob b;

	b.p = check_read_file(t_keydir, name, &b.len);
	return b;
}

static void *keyring_of(const char *cert)
{
	struct blob der = ld(cert);
	void *kr = NULL;

	if (c->keyring_create(c->ctx, &kr) ||
	    c->keyring_add_cert(c->ctx, kr, der.p, der.len)) {
		fprintf(stderr, "cannot load %s\n", cert);
		exit(2);
	}
	free(der.p);
	return kr;
}

struct p7_case {
	const char *name;
	const char *sig;	/* file in KEYDIR */
	const char *cert;	/* keyring contents */
	long flip;		/* byte to flip: >= 0 in sig, < -1 in data */
	int want;
};

static const struct p7_case p7_cases[] = {
	{ "pkcs7: RSA SHA-256 verifies", "s256.p7", "c1.der", -1, 0 },
	{ "pkcs7: RSA SHA-384 verifies", "s384.p7", "c1.der", -1, 0 },
	{ "pkcs7: RSA SHA-512 verifies", "s512.p7", "c1.der", -1, 0 },
	{ "pkcs7: RSA 4096 SHA-256 verifies", "s4096.p7", "c4096.der", -1, 0 },
	{ "pkcs7: flipped data byte -> SIG_KEY_REJECTED", "s256.p7", "c1.der",
	  -100, -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "pkcs7: flipped first data byte -> SIG_KEY_REJECTED", "s256.p7",
	  "c1.der", -2, -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "pkcs7: flipped last signature byte -> SIG_KEY_REJECTED", "s256.p7",
	  "c1.der", 1000000, -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "pkcs7: unknown key -> SIG_KEY_REJECTED", "s256.p7", "c2.der", -1,
	  -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "pkcs7: signed by the other key, ring of key 1 -> SIG_KEY_REJECTED",
	  "sk2.p7", "c1.der", -1, -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "pkcs7: litebox_7_16 SHA-1 refused, no panic -> SIG_UNSUPPORTED", "s1.p7", "c1.der", -1,
	  -HEKI_VSM_ERR_SIG_UNSUPPORTED },
	{ "pkcs7: litebox_7_16 RSA-PSS refused -> SIG_UNSUPPORTED", "spss.p7", "c1.der", -1,
	  -HEKI_VSM_ERR_SIG_UNSUPPORTED },
	{ "pkcs7: ECDSA P-256 SHA-256 verifies (LiteBox 7.16 refuses it)",
	  "sec.p7", "cec.der", -1, 0 },
	{ "pkcs7: signed attributes refused -> SIG_UNSUPPORTED", "sattr.p7",
	  "c1.der", -1, -HEKI_VSM_ERR_SIG_UNSUPPORTED },
	{ "pkcs7: embedded content refused -> SIG_INVALID", "sembed.p7",
	  "c1.der", -1, -HEKI_VSM_ERR_SIG_INVALID },
	{ "pkcs7: RSA signer, only a P-256 key in the ring -> SIG_KEY_REJECTED",
	  "s256.p7", "cec.der", -1, -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "pkcs7: only a secp256k1 key in the ring -> SIG_NO_KEY", "s256.p7",
	  "cec_k256.der", -1, -HEKI_VSM_ERR_SIG_NO_KEY },
	{ "pkcs7: first byte flipped -> SIG_PARSE_FAILED", "s256.p7", "c1.der", 0,
	  -HEKI_VSM_ERR_SIG_PARSE_FAILED },
	{ "pkcs7: not a CMS object (certificate) -> SIG_PARSE_FAILED", "c1.der",
	  "c1.der", -1, -HEKI_VSM_ERR_SIG_PARSE_FAILED },
	{ "pkcs7: key-identifier signer -> SIG_UNSUPPORTED", "skeyid.p7",
	  "c1.der", -1, -HEKI_VSM_ERR_SIG_UNSUPPORTED },
	{ "pkcs7: two signers -> SIG_UNSUPPORTED", "stwo.p7", "c1.der", -1,
	  -HEKI_VSM_ERR_SIG_UNSUPPORTED },
	{ "pkcs7: same key, certificate the signer does not name -> SIG_KEY_REJECTED",
	  "s256.p7", "c1b.der", -1, -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "pkcs7: CMS data, not SignedData -> SIG_INVALID", "sdata.p7",
	  "c1.der", -1, -HEKI_VSM_ERR_SIG_INVALID },
};

static void test_p7_table(const struct blob *data)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(p7_cases); i++) {
		const struct p7_case *t = &p7_cases[i];
		struct blob sig = ld(t->sig);
		unsigned char *d = malloc(data->len);
		void *kr = keyring_of(t->cert);

		memcpy(d, data->p, data->len);
		if (t->flip >= 0)
			sig.p[t->flip < (long)sig.len ? t->flip : (long)sig.len - 1] ^= 1;
		else if (t->flip < -1)
			d[-t->flip - 2] ^= 0x80;
		check_err(t->name, c->verify_pkcs7(c->ctx, kr, d, data->len,
						      sig.p, sig.len), t->want);
		c->keyring_destroy(c->ctx, kr);
		free(sig.p);
		free(d);
	}
}

static void test_p7_framing(const struct blob *data)
{
	struct blob sig = ld("s256.p7");
	unsigned char *longer = malloc(sig.len + 1);
	void *kr = keyring_of("c1.der");

	memcpy(longer, sig.p, sig.len);
	longer[sig.len] = 0;
	check_err("pkcs7: trailing byte after the DER -> SIG_PARSE_FAILED",
		     c->verify_pkcs7(c->ctx, kr, data->p, data->len, longer,
				     sig.len + 1), -HEKI_VSM_ERR_SIG_PARSE_FAILED);
	check_err("pkcs7: truncated DER -> SIG_PARSE_FAILED",
		     c->verify_pkcs7(c->ctx, kr, data->p, data->len, sig.p,
				     sig.len - 1), -HEKI_VSM_ERR_SIG_PARSE_FAILED);
	check_err("pkcs7: empty signature -> SIG_PARSE_FAILED",
		     c->verify_pkcs7(c->ctx, kr, data->p, data->len, sig.p, 0),
		     -HEKI_VSM_ERR_SIG_PARSE_FAILED);
	check_err("pkcs7: shorter data -> SIG_KEY_REJECTED",
		     c->verify_pkcs7(c->ctx, kr, data->p, data->len - 1, sig.p,
				     sig.len), -HEKI_VSM_ERR_SIG_KEY_REJECTED);
	c->keyring_destroy(c->ctx, kr);
	free(longer);
	free(sig.p);
}

/* The keyring: certificate list parsing through heki_certs_load(). */
static void test_p7_keyring(const struct blob *data)
{
	struct blob c1 = ld("c1.der"), c2 = ld("c2.der"), sig = ld("s256.p7");
	unsigned char *list = calloc(1, c1.len + c2.len + 16);
	void *kr = NULL;
	__u32 n = 0;
	int ret;

	/* Unknown key first: the right certificate is still found. */
	memcpy(list, c2.p, c2.len);
	memcpy(list + c2.len, c1.p, c1.len);
	c->keyring_create(c->ctx, &kr);
	ret = heki_certs_load(c, kr, list, c2.len + c1.len + 16, &n);
	check_result(ret == 0 &&
		 n == 2, "certs: two real certificates and padding load", "ret %d n %u", ret, n);
	check_err("pkcs7: signer found among several certificates",
		     c->verify_pkcs7(c->ctx, kr, data->p, data->len, sig.p,
				     sig.len), 0);
	c->keyring_destroy(c->ctx, kr);

	/* A framed entry that is not a certificate. */
	list[c2.len + 10] ^= 0xff;
	c->keyring_create(c->ctx, &kr);
	ret = heki_certs_load(c, kr, list, c2.len + c1.len, &n);
	check_err("certs: corrupt certificate -> CERTIFICATE_PARSE_FAILED", ret,
		     -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED);
	c->keyring_destroy(c->ctx, kr);

	c->keyring_create(c->ctx, &kr);
	check_err("certs: 30 82 00 00 -> CERTIFICATE_PARSE_FAILED",
		     heki_certs_load(c, kr, (const __u8 *)"\x30\x82\x00\x00", 4,
				     NULL),
		     -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED);
	check_err("certs: provider refuses a DER with trailing bytes",
		     c->keyring_add_cert(c->ctx, kr, list + c2.len, c1.len + 1),
		     -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED);
	c->keyring_destroy(c->ctx, kr);

	/* The signer's certificate with an undecodable RSA key. */
	{
		static const unsigned char spki[] = { 0x03, 0x82, 0x01, 0x0f, 0x00,
						      0x30, 0x82, 0x01, 0x0a };
		unsigned char *bad = malloc(c1.len);
		size_t i;

		memcpy(bad, c1.p, c1.len);
		for (i = 0; i + sizeof(spki) <= c1.len; i++)
			if (!memcmp(bad + i, spki, sizeof(spki)))
				break;
		bad[i + 5] = 0x31;	/* RSAPublicKey SEQUENCE -> SET */
		c->keyring_create(c->ctx, &kr);
		ret = c->keyring_add_cert(c->ctx, kr, bad, c1.len);
		if (!ret)
			ret = c->verify_pkcs7(c->ctx, kr, data->p, data->len, sig.p,
					      sig.len);
		/* It loads (LiteBox skips such keys too); verify must not crash. */
		check_result(i + sizeof(spki) <= c1.len && ret == -HEKI_VSM_ERR_SIG_NO_KEY, "pkcs7: signer certificate with an undecodable key -> SIG_NO_KEY",
			 "offset %zu ret %d", i, ret);
		c->keyring_destroy(c->ctx, kr);
		free(bad);
	}
	c->keyring_destroy(c->ctx, NULL);	/* must not crash (ASan) */
	free(list);
	free(c1.p);
	free(c2.p);
	free(sig.p);
}

/* A whole signed module through heki_modsig_verify(). */
static void test_p7_module(const struct blob *data)
{
	struct blob sig = ld("s256.p7");
	struct heki_module_signature ms = { .id_type = HEKI_PKEY_ID_PKCS7 };
	size_t len = data->len + sig.len + 40;
	unsigned char *mod = malloc(len);
	void *kr = keyring_of("c1.der"), *other = keyring_of("c2.der");

	memcpy(mod, data->p, data->len);
	memcpy(mod + data->len, sig.p, sig.len);
	heki_module_signature_set_sig_len(&ms, (__u32)sig.len);
	memcpy(mod + data->len + sig.len, &ms, 12);
	memcpy(mod + len - 28, HEKI_MODULE_SIG_MAGIC, 28);

	check_err("module: signed module verifies",
		     heki_modsig_verify(c, kr, mod, len), 0);
	check_err("module: unknown key -> SIG_KEY_REJECTED",
		     heki_modsig_verify(c, other, mod, len),
		     -HEKI_VSM_ERR_SIG_KEY_REJECTED);
	check_err("module: unsigned module -> MODSIG_NOT_FOUND",
		     heki_modsig_verify(c, kr, mod, data->len),
		     -HEKI_VSM_ERR_MODSIG_NOT_FOUND);
	mod[data->len / 2] ^= 4;
	check_err("module: flipped data byte -> SIG_KEY_REJECTED",
		     heki_modsig_verify(c, kr, mod, len),
		     -HEKI_VSM_ERR_SIG_KEY_REJECTED);
	mod[data->len / 2] ^= 4;
	mod[len - 40 + 2] = HEKI_PKEY_ID_X509;
	check_err("module: trailer id_type X509 -> MODSIG_TRAILER_INVALID",
		     heki_modsig_verify(c, kr, mod, len),
		     -HEKI_VSM_ERR_MODSIG_TRAILER_INVALID);
	c->keyring_destroy(c->ctx, kr);
	c->keyring_destroy(c->ctx, other);
	free(mod);
	free(sig.p);
}

void test_openssl(void)
{
	struct blob data = ld("data.bin");

	test_p7_table(&data);
	test_p7_framing(&data);
	test_p7_keyring(&data);
	test_p7_module(&data);
	free(data.p);
}
