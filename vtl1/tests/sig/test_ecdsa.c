// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * ECDSA module signatures (NIST P-256 and P-384, SHA-256/384/512, the
 * kernel's "ecdsa"/"x962" signers) through both providers: the strict
 * ECDSA-Sig-Value parser (heki_der_ecdsa_sig), then every vector through
 * OpenSSL's verify_pkcs7 and BearSSL's (heki_pkcs7_verify), each checked
 * against the exact expected code, so both give the same verdict. The
 * malformed signature values are the real signature with its
 * ECDSA-Sig-Value replaced and the enclosing DER lengths re-encoded.
 */
#include "harness.h"
#include "sig/der.h"
#include "sig/pkcs7.h"

#define PARSE	(-HEKI_VSM_ERR_SIG_PARSE_FAILED)
#define REJECT	(-HEKI_VSM_ERR_SIG_KEY_REJECTED)
#define UNSUP	(-HEKI_VSM_ERR_SIG_UNSUPPORTED)
#define NOKEY	(-HEKI_VSM_ERR_SIG_NO_KEY)

/* Curve orders n, big-endian */
static const unsigned char n256[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51 };
static const unsigned char n384[48] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf, 0x58, 0x1a, 0x0d, 0xb2,
	0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73 };

/* heki_der_ecdsa_sig() on hand-made values, 32-byte curve */
struct der_case {
	const char *name;
	unsigned char sig[16];
	unsigned int len;
	int want;
	unsigned char r_last, s_last;	/* expected last bytes of r, s */
};

static const struct der_case der_cases[] = {
	{ "r=1 s=2 accepted", { 0x30, 6, 2, 1, 1, 2, 1, 2 }, 8, 0, 1, 2 },
	{ "r=0x80 with its 0x00 pad accepted",
	  { 0x30, 7, 2, 2, 0, 0x80, 2, 1, 2 }, 9, 0, 0x80, 2 },
	{ "r non-minimal (00 01) -> SIG_PARSE_FAILED",
	  { 0x30, 7, 2, 2, 0, 1, 2, 1, 2 }, 9, PARSE },
	{ "s negative (0x80) -> SIG_PARSE_FAILED",
	  { 0x30, 6, 2, 1, 1, 2, 1, 0x80 }, 8, PARSE },
	{ "r zero -> SIG_KEY_REJECTED", { 0x30, 6, 2, 1, 0, 2, 1, 2 }, 8,
	  REJECT },
	{ "s zero -> SIG_KEY_REJECTED", { 0x30, 6, 2, 1, 1, 2, 1, 0 }, 8,
	  REJECT },
	{ "r zero, s non-minimal -> SIG_PARSE_FAILED (parse error wins)",
	  { 0x30, 7, 2, 1, 0, 2, 2, 0, 1 }, 9, PARSE },
	{ "empty INTEGER -> SIG_PARSE_FAILED", { 0x30, 5, 2, 0, 2, 1, 2 }, 7,
	  PARSE },
	{ "one INTEGER only -> SIG_PARSE_FAILED", { 0x30, 3, 2, 1, 1 }, 5,
	  PARSE },
	{ "third INTEGER inside -> SIG_PARSE_FAILED",
	  { 0x30, 9, 2, 1, 1, 2, 1, 2, 2, 1, 3 }, 11, PARSE },
	{ "byte after the SEQUENCE -> SIG_PARSE_FAILED",
	  { 0x30, 6, 2, 1, 1, 2, 1, 2, 0 }, 9, PARSE },
	{ "SET instead of SEQUENCE -> SIG_PARSE_FAILED",
	  { 0x31, 6, 2, 1, 1, 2, 1, 2 }, 8, PARSE },
	{ "OCTET STRING for r -> SIG_PARSE_FAILED",
	  { 0x30, 6, 4, 1, 1, 2, 1, 2 }, 8, PARSE },
	{ "long-form length 0x81 0x06 (not DER) -> SIG_PARSE_FAILED",
	  { 0x30, 0x81, 6, 2, 1, 1, 2, 1, 2 }, 9, PARSE },
	{ "SEQUENCE length past the end -> SIG_PARSE_FAILED",
	  { 0x30, 7, 2, 1, 1, 2, 1, 2 }, 8, PARSE },
	{ "empty -> SIG_PARSE_FAILED", { 0 }, 0, PARSE },
};

static void test_der_ecdsa(void)
{
	unsigned char raw[2 * HEKI_ECDSA_MAX_SIZE], big[80];
	char name[160];
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(der_cases); i++) {
		const struct der_case *t = &der_cases[i];

		memset(raw, 0xaa, sizeof(raw));
		r = heki_der_ecdsa_sig(t->len ? t->sig : NULL, t->len, 32, raw);
		snprintf(name, sizeof(name), "ecdsa der: %s", t->name);
		if (t->want || r)
			check_err(name, r, t->want);
		else
			check_result(raw[31] == t->r_last && raw[63] == t->s_last &&
				     !raw[0] && !raw[32], name,
				     "r[31] %02x s[31] %02x", raw[31], raw[63]);
	}
	/* r of 33 significant bytes on a 32-byte curve */
	big[0] = 0x30;
	big[1] = 2 + 34 + 3;
	big[2] = 2;
	big[3] = 34;
	big[4] = 0;
	memset(big + 5, 0xff, 33);
	memcpy(big + 38, "\x02\x01\x02", 3);
	check_err("ecdsa der: r of 33 bytes on P-256 -> SIG_KEY_REJECTED",
		  heki_der_ecdsa_sig(big, 41, 32, raw), REJECT);
	check_err("ecdsa der: the same on P-384 (48 bytes) accepted",
		  heki_der_ecdsa_sig(big, 41, 48, raw), 0);
	check_err("ecdsa der: coordinate size 66 (P-521) -> CRYPTO_BAD_ARGUMENT",
		  heki_der_ecdsa_sig(big, 41, 66, raw),
		  -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT);
}

/* DER header at @p: its length, the value length in *@len (trusted input) */
static size_t hdr(const unsigned char *p, size_t *len)
{
	size_t i, n;

	if (p[1] < 0x80) {
		*len = p[1];
		return 2;
	}
	n = p[1] & 0x7f;
	*len = 0;
	for (i = 0; i < n; i++)
		*len = (*len << 8) | p[2 + i];
	return 2 + n;
}

/* Write tag and minimal DER length ending at @end; the header length */
static size_t put_hdr(unsigned char *end, unsigned char tag, size_t len)
{
	size_t n = 0, i;

	if (len < 0x80) {
		end[-2] = tag;
		end[-1] = (unsigned char)len;
		return 2;
	}
	for (i = len; i; i >>= 8)
		n++;
	for (i = 0; i < n; i++)
		end[-1 - (long)i] = (unsigned char)(len >> (8 * i));
	end[-1 - (long)n] = (unsigned char)(0x80 | n);
	end[-2 - (long)n] = tag;
	return 2 + n;
}

/*
 * @p7 with the signature OCTET STRING's content replaced by @sig: the
 * OCTET STRING is the last element of SignerInfo, SET OF SignerInfo,
 * SignedData, [0] and ContentInfo, whose lengths are re-encoded.
 */
#define DEPTH 6
static unsigned char *p7_with_sig(const unsigned char *p7, size_t p7len,
				  const unsigned char *sig, size_t slen,
				  size_t *outlen)
{
	size_t start[DEPTH], body[DEPTH], last[DEPTH], end[DEPTH];
	size_t size = p7len + slen + 64, len, at = 0, pos, d;
	unsigned char *buf = malloc(size), *w = buf + size;

	for (d = 0; d < DEPTH; d++) {
		start[d] = at;
		body[d] = at + hdr(p7 + at, &len);
		end[d] = body[d] + len;
		if (d == DEPTH - 1)
			break;
		/* the last child of this element */
		for (pos = body[d]; pos < end[d]; pos = body[d + 1] + len) {
			at = pos;
			body[d + 1] = pos + hdr(p7 + pos, &len);
		}
		last[d] = at;
	}
	w -= slen;
	memcpy(w, sig, slen);
	len = slen;
	for (d = DEPTH; d-- > 0;) {
		size_t pre = d == DEPTH - 1 ? 0 : last[d] - body[d];

		w -= pre;
		memcpy(w, p7 + body[d], pre);
		len += pre;
		w -= put_hdr(w, p7[start[d]], len);
		len = (size_t)(buf + size - w);
	}
	*outlen = len;
	memmove(buf, w, len);
	return buf;
}

/* The r and s content octets of @p7's ECDSA-Sig-Value */
static void p7_rs(const unsigned char *p7, size_t p7len, const unsigned char **r,
		  size_t *rlen, const unsigned char **s, size_t *slen)
{
	struct heki_pkcs7 p;
	size_t len, h;

	if (heki_pkcs7_parse(p7, p7len, &p)) {
		fprintf(stderr, "cannot parse the ECDSA signature\n");
		exit(2);
	}
	h = hdr(p.signer.sig.p, &len);
	*r = p.signer.sig.p + h;
	*r += hdr(*r, rlen);
	*s = *r + *rlen;
	*s += hdr(*s, slen);
}

enum mut {
	M_NONE, M_DATA_BIT, M_SIG_BIT, M_HASH_OID, M_R_PAD, M_S_PAD, M_R_NEG,
	M_R_ZERO, M_S_ZERO, M_R_N, M_S_N, M_R_MAX, M_S_LONG, M_THIRD_INT,
	M_TRAIL, M_NR
};

static const struct {
	const char *name;
	int want;
} muts[M_NR] = {
	[M_NONE] = { "verifies", 0 },
	[M_DATA_BIT] = { "data off by one bit -> SIG_KEY_REJECTED", REJECT },
	[M_SIG_BIT] = { "signature (last bit of s) off by one bit -> SIG_KEY_REJECTED",
			REJECT },
	[M_HASH_OID] = { "signatureAlgorithm names another hash than digestAlgorithm -> SIG_UNSUPPORTED",
			 UNSUP },
	[M_R_PAD] = { "r with a superfluous 0x00 (non-minimal) -> SIG_PARSE_FAILED",
		      PARSE },
	[M_S_PAD] = { "s with a superfluous 0x00 (non-minimal) -> SIG_PARSE_FAILED",
		      PARSE },
	[M_R_NEG] = { "r negative -> SIG_PARSE_FAILED", PARSE },
	[M_R_ZERO] = { "r = 0 -> SIG_KEY_REJECTED", REJECT },
	[M_S_ZERO] = { "s = 0 -> SIG_KEY_REJECTED", REJECT },
	[M_R_N] = { "r = n -> SIG_KEY_REJECTED", REJECT },
	[M_S_N] = { "s = n -> SIG_KEY_REJECTED", REJECT },
	[M_R_MAX] = { "r = 2^bits - 1 (> n) -> SIG_KEY_REJECTED", REJECT },
	[M_S_LONG] = { "s one byte longer than the curve -> SIG_KEY_REJECTED",
		       REJECT },
	[M_THIRD_INT] = { "a third INTEGER in the ECDSA-Sig-Value -> SIG_PARSE_FAILED",
			  PARSE },
	[M_TRAIL] = { "a byte after the ECDSA-Sig-Value -> SIG_PARSE_FAILED",
		      PARSE },
};

/* Append INTEGER with content @v (@n bytes, taken as is) at @w */
static size_t put_int(unsigned char *w, const unsigned char *v, size_t n)
{
	w[0] = 2;
	w[1] = (unsigned char)n;
	memcpy(w + 2, v, n);
	return 2 + n;
}

/* The ECDSA-Sig-Value of mutation @m into @out (at most 160 bytes) */
static size_t mk_sig(enum mut m, const unsigned char *r, size_t rlen,
		     const unsigned char *s, size_t slen, const unsigned char *n,
		     size_t size, unsigned char *out)
{
	unsigned char a[64], b[64], *w = out + 2;
	size_t alen = rlen, blen = slen;

	memcpy(a, r, rlen);
	memcpy(b, s, slen);
	switch (m) {
	case M_R_PAD:
		memmove(a + 1, a, alen++);
		a[0] = 0;
		break;
	case M_S_PAD:
		memmove(b + 1, b, blen++);
		b[0] = 0;
		break;
	case M_R_NEG:
		if (!a[0])
			memmove(a, a + 1, --alen);
		a[0] |= 0x80;
		break;
	case M_R_ZERO:
		a[0] = 0;
		alen = 1;
		break;
	case M_S_ZERO:
		b[0] = 0;
		blen = 1;
		break;
	case M_R_N:
	case M_S_N:
		a[0] = 0;
		memcpy(a + 1, n, size);
		if (m == M_S_N) {
			memcpy(b, a, size + 1);
			blen = size + 1;
			memcpy(a, r, rlen);
		} else {
			alen = size + 1;
		}
		break;
	case M_R_MAX:
		a[0] = 0;
		memset(a + 1, 0xff, size);
		alen = size + 1;
		break;
	case M_S_LONG:
		b[0] = 0x01;
		memset(b + 1, 0x22, size);
		blen = size + 1;
		break;
	default:
		break;
	}
	w += put_int(w, a, alen);
	w += put_int(w, b, blen);
	if (m == M_THIRD_INT)
		w += put_int(w, (const unsigned char *)"\x01", 1);
	out[0] = 0x30;
	out[1] = (unsigned char)(w - out - 2);
	if (m == M_TRAIL)
		*w++ = 0;
	return (size_t)(w - out);
}

static int verify_with(const struct heki_vtl1_crypto *c, const char *const *certs,
		       const unsigned char *data, size_t dlen,
		       const unsigned char *sig, size_t slen)
{
	void *kr = t_ring(c, certs);
	int ret = c->verify_pkcs7(c->ctx, kr, data, dlen, sig, slen);

	c->keyring_destroy(c->ctx, kr);
	return ret;
}

/* @sig through both providers: each must give @want */
static void both(const char *what, const char *const *certs,
		 const unsigned char *data, size_t dlen,
		 const unsigned char *sig, size_t slen, int want)
{
	char name[320];

	snprintf(name, sizeof(name), "ecdsa %s: openssl", what);
	check_err(name, verify_with(t_ossl, certs, data, dlen, sig, slen), want);
	snprintf(name, sizeof(name), "ecdsa %s: bearssl", what);
	check_err(name, verify_with(&t_br, certs, data, dlen, sig, slen), want);
}

/* Every mutation of one curve's real signature */
static void test_mutations(const char *curve, const char *file,
			   const char *cert, const unsigned char *n, size_t size)
{
	const char *certs[2] = { cert, NULL };
	size_t dlen, plen, rlen, slen, vlen, mlen, i;
	unsigned char *data = check_read_file(t_keydir, "data.bin", &dlen);
	unsigned char *p7 = check_read_file(t_keydir, file, &plen);
	const unsigned char *r, *s;
	unsigned char v[160], *m;
	char what[256];
	int e;

	p7_rs(p7, plen, &r, &rlen, &s, &slen);
	for (e = M_NONE; e < M_NR; e++) {
		vlen = mk_sig(e, r, rlen, s, slen, n, size, v);
		m = p7_with_sig(p7, plen, v, vlen, &mlen);
		if (e == M_DATA_BIT)
			data[dlen / 2] ^= 0x01;
		if (e == M_SIG_BIT)
			m[mlen - 1] ^= 0x01;
		if (e == M_HASH_OID) {
			/* ecdsa-with-SHA256 <-> -SHA384: last OID byte 02 <-> 03 */
			for (i = 0; i + 8 < mlen; i++)
				if (!memcmp(m + i, "\x06\x08\x2a\x86\x48\xce\x3d\x04\x03", 9))
					break;
			m[i + 9] ^= 0x01;
		}
		snprintf(what, sizeof(what), "%s: %s", curve, muts[e].name);
		both(what, certs, data, dlen, m, mlen, muts[e].want);
		if (e == M_DATA_BIT)
			data[dlen / 2] ^= 0x01;
		free(m);
	}
	free(data);
	free(p7);
}

struct key_case {
	const char *name;
	const char *sig;
	const char *certs[2];
	int want;
};

static const struct key_case key_cases[] = {
	{ "P-256 SHA-384 verifies", "sec_384.p7", { "cec.der" }, 0 },
	{ "P-256 SHA-512 verifies (digest longer than the order)", "sec_512.p7",
	  { "cec.der" }, 0 },
	{ "P-384 SHA-256 verifies", "sec384_256.p7", { "cec384.der" }, 0 },
	{ "P-384 SHA-512 verifies", "sec384_512.p7", { "cec384.der" }, 0 },
	{ "P-256 SHA-1 (ecdsa-with-SHA1) -> SIG_UNSUPPORTED", "sec1.p7",
	  { "cec.der" }, UNSUP },
	{ "wrong curve: P-256 signature, signer's certificate on P-384 -> SIG_KEY_REJECTED",
	  "sec.p7", { "cec_p384.der" }, REJECT },
	{ "wrong curve: P-384 signature, signer's certificate on P-256 -> SIG_KEY_REJECTED",
	  "sec384.p7", { "cec384_p256.der" }, REJECT },
	{ "signer's certificate on secp256k1 -> SIG_NO_KEY", "sec.p7",
	  { "cec_k256.der" }, NOKEY },
	{ "signer's certificate on P-521 -> SIG_NO_KEY", "sec.p7",
	  { "cec_p521.der" }, NOKEY },
	{ "signer's certificate with a compressed P-256 point -> SIG_NO_KEY",
	  "sec.p7", { "cec_comp.der" }, NOKEY },
	{ "signer's key with explicit P-256 parameters -> SIG_NO_KEY",
	  "sec.p7", { "cec_explicit.der" }, NOKEY },
	{ "signer's point off the curve -> SIG_NO_KEY", "sec.p7",
	  { "cec_offcurve.der" }, NOKEY },
	{ "same name and serial on P-384 first, then the signer", "sec.p7",
	  { "cec_p384.der", "cec.der" }, 0 },
	{ "unsupported-curve certificate first, then the signer", "sec384.p7",
	  { "cec_k256.der", "cec384.der" }, 0 },
	{ "only an RSA key in the ring -> SIG_KEY_REJECTED", "sec.p7",
	  { "c1.der" }, REJECT },
	{ "signed by the P-384 key, ring of the P-256 key -> SIG_KEY_REJECTED",
	  "sec384.p7", { "cec.der" }, REJECT },
};

static void test_keys(void)
{
	size_t dlen, slen, i;
	unsigned char *data = check_read_file(t_keydir, "data.bin", &dlen);

	for (i = 0; i < ARRAY_SIZE(key_cases); i++) {
		const struct key_case *k = &key_cases[i];
		unsigned char *sig = check_read_file(t_keydir, k->sig, &slen);

		both(k->name, k->certs, data, dlen, sig, slen, k->want);
		free(sig);
	}
	free(data);
}

/* ecdsa_verify called directly: argument checks in their order */
static void test_prim(const struct heki_vtl1_crypto *c, const char *who)
{
	size_t dlen, plen, i;
	unsigned char *data = check_read_file(t_keydir, "data.bin", &dlen);
	unsigned char *p7 = check_read_file(t_keydir, "sec.p7", &plen);
	const char *files[2] = { "cec_p521.der", "cec.der" };
	unsigned char dig[64];
	struct heki_pkcs7 p;
	void *kr, *cert[2] = { NULL, NULL };
	char name[200];
	__u32 pos = 0;

	if (heki_pkcs7_parse(p7, plen, &p))
		exit(2);
	kr = t_ring(c, files);
	for (i = 0; i < 2; i++)
		if (c->find_cert(c->ctx, kr, p.signer.issuer.p, p.signer.issuer.len,
				 p.signer.serial.p, p.signer.serial.len, &pos,
				 &cert[i]))
			exit(2);
	c->digest(c->ctx, HEKI_VTL1_HASH_SHA256, data, dlen, dig, sizeof(dig));
#define NAME(s) (snprintf(name, sizeof(name), "ecdsa_verify %s: %s", who, s), name)
	check_err(NAME("the signature verifies"),
		  c->ecdsa_verify(c->ctx, cert[1], HEKI_VTL1_HASH_SHA256, dig, 32,
				  p.signer.sig.p, p.signer.sig.len), 0);
	check_err(NAME("SHA-1 -> SIG_UNSUPPORTED"),
		  c->ecdsa_verify(c->ctx, cert[1], 4, dig, 20, p.signer.sig.p,
				  p.signer.sig.len), UNSUP);
	check_err(NAME("31-byte SHA-256 -> CRYPTO_BAD_ARGUMENT"),
		  c->ecdsa_verify(c->ctx, cert[1], HEKI_VTL1_HASH_SHA256, dig, 31,
				  p.signer.sig.p, p.signer.sig.len),
		  -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT);
	check_err(NAME("P-521 certificate -> SIG_NO_KEY"),
		  c->ecdsa_verify(c->ctx, cert[0], HEKI_VTL1_HASH_SHA256, dig, 32,
				  p.signer.sig.p, p.signer.sig.len), NOKEY);
	check_err(NAME("P-521 certificate, garbage signature -> SIG_NO_KEY (key first)"),
		  c->ecdsa_verify(c->ctx, cert[0], HEKI_VTL1_HASH_SHA256, dig, 32,
				  dig, 5), NOKEY);
	check_err(NAME("the same signature as SHA-384 of other bytes -> SIG_KEY_REJECTED"),
		  c->ecdsa_verify(c->ctx, cert[1], HEKI_VTL1_HASH_SHA384, p7, 48,
				  p.signer.sig.p, p.signer.sig.len), REJECT);
	check_err(NAME("truncated signature -> SIG_PARSE_FAILED"),
		  c->ecdsa_verify(c->ctx, cert[1], HEKI_VTL1_HASH_SHA256, dig, 32,
				  p.signer.sig.p, p.signer.sig.len - 1), PARSE);
	check_err(NAME("RSA signature verifier on the P-256 certificate -> SIG_NO_KEY"),
		  c->rsa_pkcs1_verify(c->ctx, cert[1], HEKI_VTL1_HASH_SHA256, dig,
				      32, p.signer.sig.p, p.signer.sig.len), NOKEY);
#undef NAME
	c->keyring_destroy(c->ctx, kr);
	free(data);
	free(p7);
}

/* A provider without ecdsa_verify (the kmod loopback's shape) */
static void test_no_ecdsa_member(void)
{
	struct heki_vtl1_crypto c = t_br;
	const char *certs[2] = { "cec.der", NULL };
	size_t dlen, slen;
	unsigned char *data = check_read_file(t_keydir, "data.bin", &dlen);
	unsigned char *sig = check_read_file(t_keydir, "sec.p7", &slen);

	void *kr;

	c.ecdsa_verify = NULL;
	c.verify_pkcs7 = NULL;
	kr = t_ring(&c, certs);
	check_err("ecdsa: heki_pkcs7_verify on a provider without ecdsa_verify -> SIG_UNSUPPORTED",
		  heki_pkcs7_verify(&c, kr, data, dlen, sig, slen), UNSUP);
	c.keyring_destroy(c.ctx, kr);
	free(data);
	free(sig);
}

void test_ecdsa(void)
{
	test_der_ecdsa();
	test_mutations("P-256 SHA-256", "sec.p7", "cec.der", n256, 32);
	test_mutations("P-384 SHA-384", "sec384.p7", "cec384.der", n384, 48);
	test_keys();
	test_prim(t_ossl, "openssl");
	test_prim(&t_br, "bearssl");
	test_no_ecdsa_member();
}
