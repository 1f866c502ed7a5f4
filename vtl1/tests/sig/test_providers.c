// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Both providers on every signature test vector of test_openssl.c
 * (same files, made the same way by run.sh): each must return the
 * expected code, so both return the same. Then differential runs (every
 * single-byte flip and truncation of real signatures through both), the
 * primitives, and whole signed modules through heki_modsig_verify().
 */
#include "harness.h"
#include "sig/modsig.h"

struct vec {
	const char *name;
	const char *sig;	/* file in KEYDIR */
	const char *certs[2];	/* keyring contents, in order */
	long flip;		/* byte to flip: >= 0 in sig, < -1 in data */
	int want;
};

static const struct vec vecs[] = {
	{ "RSA SHA-256 verifies", "s256.p7", { "c1.der" }, -1, 0 },
	{ "RSA SHA-384 verifies", "s384.p7", { "c1.der" }, -1, 0 },
	{ "RSA SHA-512 verifies", "s512.p7", { "c1.der" }, -1, 0 },
	{ "RSA 4096 SHA-256 verifies", "s4096.p7", { "c4096.der" }, -1, 0 },
	{ "flipped data byte -> SIG_KEY_REJECTED", "s256.p7", { "c1.der" },
	  -100, -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "flipped first data byte -> SIG_KEY_REJECTED", "s256.p7",
	  { "c1.der" }, -2, -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "flipped last signature byte -> SIG_KEY_REJECTED", "s256.p7",
	  { "c1.der" }, 1000000, -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "unknown key -> SIG_KEY_REJECTED", "s256.p7", { "c2.der" }, -1,
	  -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "signed by the other key -> SIG_KEY_REJECTED", "sk2.p7",
	  { "c1.der" }, -1, -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "SHA-1 -> SIG_UNSUPPORTED", "s1.p7", { "c1.der" }, -1,
	  -HEKI_VSM_ERR_SIG_UNSUPPORTED },
	{ "RSA-PSS -> SIG_UNSUPPORTED", "spss.p7", { "c1.der" }, -1,
	  -HEKI_VSM_ERR_SIG_UNSUPPORTED },
	{ "ECDSA P-256 SHA-256 verifies", "sec.p7", { "cec.der" }, -1, 0 },
	{ "signed attributes -> SIG_UNSUPPORTED", "sattr.p7", { "c1.der" }, -1,
	  -HEKI_VSM_ERR_SIG_UNSUPPORTED },
	{ "embedded content -> SIG_INVALID", "sembed.p7", { "c1.der" }, -1,
	  -HEKI_VSM_ERR_SIG_INVALID },
	{ "RSA signer, only a P-256 key in the ring -> SIG_KEY_REJECTED",
	  "s256.p7", { "cec.der" }, -1, -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "only a P-521 key in the ring -> SIG_NO_KEY", "s256.p7",
	  { "cec_p521.der" }, -1, -HEKI_VSM_ERR_SIG_NO_KEY },
	{ "first byte flipped -> SIG_PARSE_FAILED", "s256.p7", { "c1.der" }, 0,
	  -HEKI_VSM_ERR_SIG_PARSE_FAILED },
	{ "a certificate, not CMS -> SIG_PARSE_FAILED", "c1.der", { "c1.der" },
	  -1, -HEKI_VSM_ERR_SIG_PARSE_FAILED },
	{ "key-identifier signer -> SIG_UNSUPPORTED", "skeyid.p7", { "c1.der" },
	  -1, -HEKI_VSM_ERR_SIG_UNSUPPORTED },
	{ "two signers -> SIG_UNSUPPORTED", "stwo.p7", { "c1.der" }, -1,
	  -HEKI_VSM_ERR_SIG_UNSUPPORTED },
	{ "same key, certificate the signer does not name -> SIG_KEY_REJECTED",
	  "s256.p7", { "c1b.der" }, -1, -HEKI_VSM_ERR_SIG_KEY_REJECTED },
	{ "CMS data, not SignedData -> SIG_INVALID", "sdata.p7", { "c1.der" },
	  -1, -HEKI_VSM_ERR_SIG_INVALID },
	{ "signer found after an unknown certificate", "s256.p7",
	  { "c2.der", "c1.der" }, -1, 0 },
	{ "EC certificate first, then the signer", "s384.p7",
	  { "cec.der", "c1.der" }, -1, 0 },
	{ "other certificate of the same key, then the signer", "s512.p7",
	  { "c1b.der", "c1.der" }, -1, 0 },
};

void *t_ring(const struct heki_vtl1_crypto *c, const char *const *certs)
{
	void *kr = NULL;
	size_t i, len;

	if (c->keyring_create(c->ctx, &kr))
		exit(2);
	for (i = 0; i < 2 && certs[i]; i++) {
		unsigned char *der = check_read_file(t_keydir, certs[i], &len);

		if (c->keyring_add_cert(c->ctx, kr, der, len)) {
			fprintf(stderr, "cannot load %s\n", certs[i]);
			exit(2);
		}
		free(der);
	}
	return kr;
}

static int run(const struct heki_vtl1_crypto *c, const char *const *certs,
	       const unsigned char *data, size_t dlen, const unsigned char *sig,
	       size_t slen)
{
	void *kr = t_ring(c, certs);
	int ret = c->verify_pkcs7(c->ctx, kr, data, dlen, sig, slen);

	c->keyring_destroy(c->ctx, kr);
	return ret;
}

static void test_vectors(void)
{
	size_t i, dlen, slen;
	unsigned char *data = check_read_file(t_keydir, "data.bin", &dlen);
	char name[256];

	for (i = 0; i < ARRAY_SIZE(vecs); i++) {
		const struct vec *v = &vecs[i];
		unsigned char *sig = check_read_file(t_keydir, v->sig, &slen);
		unsigned char *d = malloc(dlen);
		int o, b;

		memcpy(d, data, dlen);
		if (v->flip >= 0)
			sig[v->flip < (long)slen ? v->flip : (long)slen - 1] ^= 1;
		else if (v->flip < -1)
			d[-v->flip - 2] ^= 0x80;
		o = run(t_ossl, v->certs, d, dlen, sig, slen);
		b = run(&t_br, v->certs, d, dlen, sig, slen);
		snprintf(name, sizeof(name), "vector %s: openssl", v->name);
		check_err(name, o, v->want);
		snprintf(name, sizeof(name), "vector %s: bearssl", v->name);
		check_err(name, b, v->want);
		free(sig);
		free(d);
	}
	free(data);
}

/* Every single-byte change and every truncation: identical verdicts. */
static void test_differential(const char *file, const char *cert)
{
	const char *certs[2] = { cert, NULL };
	size_t dlen, slen, i, diff = 0, accepted = 0, n = 0;
	unsigned char *data = check_read_file(t_keydir, "data.bin", &dlen);
	unsigned char *sig = check_read_file(t_keydir, file, &slen);
	char name[256];
	void *ko = t_ring(t_ossl, certs), *kb = t_ring(&t_br, certs);
	int o, b, first_o = 0, first_b = 0;
	size_t first = (size_t)-1;

	for (i = 0; i < slen * 2 + slen; i++) {
		size_t at = i % slen, len = slen;
		unsigned char save = sig[at];

		if (i < slen)
			sig[at] ^= 0x01;
		else if (i < 2 * slen)
			sig[at] ^= 0x80;
		else
			len = at;
		o = t_ossl->verify_pkcs7(t_ossl->ctx, ko, data, dlen, sig, len);
		b = t_br.verify_pkcs7(t_br.ctx, kb, data, dlen, sig, len);
		sig[at] = save;
		n++;
		if (!o)
			accepted++;
		if (o != b) {
			if (getenv("T_VERBOSE"))
				fprintf(stderr, "%s case %zu (byte %zu): openssl %s bearssl %s\n",
					file, i, at, check_err_name(o), check_err_name(b));
			if (first == (size_t)-1) {
				first = i;
				first_o = o;
				first_b = b;
			}
			diff++;
		}
	}
	snprintf(name, sizeof(name),
		 "differential %s: %zu flips/truncations, same verdict in both",
		 file, n);
	check_result(!diff, name, "%zu differ, first case %zu: openssl %s bearssl %s",
		 diff, first, check_err_name(first_o), check_err_name(first_b));
	snprintf(name, sizeof(name), "differential %s: no changed blob verifies",
		 file);
	check_result(!accepted, name, "%zu accepted", accepted);
	t_ossl->keyring_destroy(t_ossl->ctx, ko);
	t_br.keyring_destroy(t_br.ctx, kb);
	free(data);
	free(sig);
}

static void test_primitives(const struct heki_vtl1_crypto *c, const char *who)
{
	static const unsigned char abc_256[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
		0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
		0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad };
	static const unsigned char abc_512_head[8] = {
		0xdd, 0xaf, 0x35, 0xa1, 0x93, 0x61, 0x7a, 0xba };
	static const unsigned char abc_384_head[8] = {
		0xcb, 0x00, 0x75, 0x3f, 0x45, 0xa3, 0x5e, 0x8b };
	const char *certs[2] = { "cec.der", "c1.der" };
	unsigned char out[64], sig[512];
	char name[256];
	void *kr = t_ring(c, certs), *cert = NULL, *ec = NULL;
	size_t clen;
	unsigned char *c1 = check_read_file(t_keydir, "c1.der", &clen);
	__u32 pos = 0;
	int r;

#define NAME(s) (snprintf(name, sizeof(name), "%s: %s", who, s), name)
	r = c->digest(c->ctx, HEKI_VTL1_HASH_SHA256, (const __u8 *)"abc", 3,
		      out, sizeof(out));
	check_result(r == 32 &&
		 !memcmp(out, abc_256, 32), NAME("SHA-256(\"abc\") known answer"), "r %d", r);
	r = c->digest(c->ctx, HEKI_VTL1_HASH_SHA384, (const __u8 *)"abc", 3,
		      out, sizeof(out));
	check_result(r == 48 &&
		 !memcmp(out, abc_384_head, 8), NAME("SHA-384(\"abc\") known answer"), "r %d", r);
	r = c->digest(c->ctx, HEKI_VTL1_HASH_SHA512, (const __u8 *)"abc", 3,
		      out, sizeof(out));
	check_result(r == 64 &&
		 !memcmp(out, abc_512_head, 8), NAME("SHA-512(\"abc\") known answer"), "r %d", r);
	check_err(NAME("digest of an unknown algorithm -> SIG_UNSUPPORTED"),
		     c->digest(c->ctx, 9, out, 1, out, sizeof(out)),
		     -HEKI_VSM_ERR_SIG_UNSUPPORTED);
	check_err(NAME("digest into 47 bytes for SHA-384 -> CRYPTO_BAD_ARGUMENT"),
		     c->digest(c->ctx, HEKI_VTL1_HASH_SHA384, out, 1, out, 47),
		     -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT);
	check_err(NAME("find_cert of an unknown issuer -> CRYPTO_CERT_NOT_FOUND"),
		     c->find_cert(c->ctx, kr, c1, 4, (const __u8 *)"\x01", 1,
				  &pos, &cert),
		     -HEKI_VSM_ERR_CRYPTO_CERT_NOT_FOUND);
	{
		/* c1 is self-signed: its issuer and serial from the DER */
		const unsigned char *iss = NULL, *ser = NULL;
		size_t ilen = 0, slen = 0, i;

		/* serial: first INTEGER after "a0 03 02 01 02" */
		for (i = 0; i + 5 < clen; i++)
			if (!memcmp(c1 + i, "\xa0\x03\x02\x01\x02", 5))
				break;
		ser = c1 + i + 7;
		slen = c1[i + 6];
		iss = ser + slen;
		iss += 2 + iss[1];	/* skip the signature AlgorithmIdentifier */
		ilen = 2 + (iss[1] < 0x80 ? iss[1] : iss[2]) + (iss[1] < 0x80 ? 0 : 1);
		pos = 0;
		r = c->find_cert(c->ctx, kr, iss, (__u32)ilen, ser, (__u32)slen,
				 &pos, &cert);
		check_result(!r && pos == 2 && cert, NAME("find_cert finds the second certificate, pos 2"), "r %d pos %u", r, pos);
		r = c->find_cert(c->ctx, kr, iss, (__u32)ilen, ser, (__u32)slen,
				 &pos, &ec);
		check_err(NAME("find_cert after the last match -> CRYPTO_CERT_NOT_FOUND"),
			     r, -HEKI_VSM_ERR_CRYPTO_CERT_NOT_FOUND);
	}
	memset(sig, 0x5a, 256);
	memset(out, 0, 32);
	check_err(NAME("rsa_pkcs1_verify of garbage -> SIG_KEY_REJECTED"),
		     c->rsa_pkcs1_verify(c->ctx, cert, HEKI_VTL1_HASH_SHA256,
					 out, 32, sig, 256),
		     -HEKI_VSM_ERR_SIG_KEY_REJECTED);
	check_err(NAME("rsa_pkcs1_verify with a 31-byte SHA-256 -> CRYPTO_BAD_ARGUMENT"),
		     c->rsa_pkcs1_verify(c->ctx, cert, HEKI_VTL1_HASH_SHA256,
					 out, 31, sig, 256),
		     -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT);
	check_err(NAME("rsa_pkcs1_verify with SHA-1 -> SIG_UNSUPPORTED"),
		     c->rsa_pkcs1_verify(c->ctx, cert, 4, out, 20, sig, 256),
		     -HEKI_VSM_ERR_SIG_UNSUPPORTED);
	c->keyring_destroy(c->ctx, kr);
	{
		const char *only_ec[2] = { "cec_k256.der", NULL };

		kr = t_ring(c, only_ec);
		pos = 0;
		check_err(NAME("find_cert in a ring without RSA, P-256 or P-384 keys -> SIG_NO_KEY"),
			     c->find_cert(c->ctx, kr, c1, 4, c1, 1, &pos, &cert),
			     -HEKI_VSM_ERR_SIG_NO_KEY);
		c->keyring_destroy(c->ctx, kr);
	}
	c->keyring_create(c->ctx, &kr);
	r = c->keyring_add_cert(c->ctx, kr, c1, clen - 1);
	c->keyring_destroy(c->ctx, kr);
	check_err(NAME("keyring_add_cert of a truncated certificate -> CERTIFICATE_PARSE_FAILED"),
		     r, -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED);
#undef NAME
	free(c1);
}

/* A signed module ([data][PKCS#7][trailer][magic]) through both. */
static void test_module(void)
{
	size_t dlen, slen;
	unsigned char *data = check_read_file(t_keydir, "data.bin", &dlen);
	unsigned char *sig = check_read_file(t_keydir, "s256.p7", &slen);
	struct heki_module_signature ms = { .id_type = HEKI_PKEY_ID_PKCS7 };
	size_t len = dlen + slen + 40;
	unsigned char *mod = malloc(len);
	const char *certs[2] = { "c1.der", NULL };
	void *ko = t_ring(t_ossl, certs), *kb = t_ring(&t_br, certs);

	memcpy(mod, data, dlen);
	memcpy(mod + dlen, sig, slen);
	heki_module_signature_set_sig_len(&ms, (__u32)slen);
	memcpy(mod + dlen + slen, &ms, 12);
	memcpy(mod + len - 28, HEKI_MODULE_SIG_MAGIC, 28);
	check_err("module: heki_modsig_verify through bearssl",
		     heki_modsig_verify(&t_br, kb, mod, len), 0);
	check_err("module: heki_modsig_verify through openssl",
		     heki_modsig_verify(t_ossl, ko, mod, len), 0);
	mod[dlen / 3] ^= 0x10;
	check_err("module: tampered data through bearssl -> SIG_KEY_REJECTED",
		     heki_modsig_verify(&t_br, kb, mod, len),
		     -HEKI_VSM_ERR_SIG_KEY_REJECTED);
	t_ossl->keyring_destroy(t_ossl->ctx, ko);
	t_br.keyring_destroy(t_br.ctx, kb);
	free(mod);
	free(data);
	free(sig);
}

void test_providers(void)
{
	test_vectors();
	test_differential("s256.p7", "c1.der");
	test_differential("s512.p7", "c1.der");
	test_differential("sattr.p7", "c1.der");
	test_differential("skeyid.p7", "c1.der");
	test_differential("stwo.p7", "c1.der");
	test_differential("sembed.p7", "c1.der");
	test_differential("sec.p7", "cec.der");
	test_differential("sec384.p7", "cec384.der");
	test_primitives(t_ossl, "openssl");
	test_primitives(&t_br, "bearssl");
	test_module();
}
