// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * authenticode.c - Authenticode signature check of a PE32+ kernel image
 * (see authenticode.h for the rules).
 */
#include <heki/abi.h>

#include "core/core.h"
#include "heki_vtl1.h"
#include "sig/sig.h"
#include "pe.h"
#include "authenticode.h"

/* 1.3.6.1.4.1.311.2.1.4 SpcIndirectDataContent */
static const __u8 oid_spc_indirect[] = {
	0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x04
};

/* 2.16.840.1.101.3.4.2.{1,2,3}: SHA-256, SHA-384, SHA-512 */
static const __u8 oid_sha2_prefix[] = {
	0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02
};

/* Bytes the excluded fields may span between the first and last range. */
#define EXCLUDED_MAX	16

static int bytes_eq(const struct heki_pkcs7_bytes *b, const __u8 *p,
		    __u32 len)
{
	return b->p && b->len == len && !memcmp(b->p, p, len);
}

/* enum heki_vtl1_hash of a SHA-2 digest OID, HEKI_VTL1_HASH_NONE else. */
static __u32 sha2_alg(const struct heki_der_elem *oid)
{
	if (oid->tag != HEKI_DER_OID || oid->len != sizeof(oid_sha2_prefix) + 1 ||
	    memcmp(oid->val, oid_sha2_prefix, sizeof(oid_sha2_prefix)))
		return HEKI_VTL1_HASH_NONE;
	switch (oid->val[sizeof(oid_sha2_prefix)]) {
	case 1:
		return HEKI_VTL1_HASH_SHA256;
	case 2:
		return HEKI_VTL1_HASH_SHA384;
	case 3:
		return HEKI_VTL1_HASH_SHA512;
	default:
		return HEKI_VTL1_HASH_NONE;
	}
}

/**
 * struct spc_indirect - the parts of an SpcIndirectDataContent used
 * @value: the SEQUENCE's content octets (what messageDigest hashes)
 * @value_len: their length
 * @alg: DigestInfo algorithm (enum heki_vtl1_hash)
 * @digest: DigestInfo digest
 * @digest_len: its length
 */
struct spc_indirect {
	const __u8 *value;
	__u32 value_len;
	__u32 alg;
	const __u8 *digest;
	__u32 digest_len;
};

static int parse_spc(const struct heki_pkcs7_bytes *content,
		     struct spc_indirect *spc)
{
	struct heki_der top, seq, data, di, alg;
	struct heki_der_elem e, oid, dig;
	int ret;

	if (!content->p)
		return -HEKI_VSM_ERR_AUTHENTICODE_SPC_PARSE_FAILED;
	heki_der_init(&top, content->p, content->len);
	ret = heki_der_expect(&top, HEKI_DER_SEQUENCE, &e);
	if (ret || !heki_der_empty(&top) || heki_der_enter(&e, &seq))
		return -HEKI_VSM_ERR_AUTHENTICODE_SPC_PARSE_FAILED;
	spc->value = e.val;
	spc->value_len = e.len;

	/* data: SpcAttributeTypeAndOptionalValue, an OID and anything. */
	if (heki_der_enter_expect(&seq, HEKI_DER_SEQUENCE, &data) ||
	    heki_der_expect(&data, HEKI_DER_OID, &oid))
		return -HEKI_VSM_ERR_AUTHENTICODE_SPC_PARSE_FAILED;
	if (!heki_der_empty(&data) &&
	    (heki_der_next(&data, &e) || !heki_der_empty(&data)))
		return -HEKI_VSM_ERR_AUTHENTICODE_SPC_PARSE_FAILED;

	/* messageDigest: DigestInfo. */
	if (heki_der_enter_expect(&seq, HEKI_DER_SEQUENCE, &di) ||
	    !heki_der_empty(&seq) ||
	    heki_der_enter_expect(&di, HEKI_DER_SEQUENCE, &alg) ||
	    heki_der_expect(&alg, HEKI_DER_OID, &oid) ||
	    heki_der_optional(&alg, HEKI_DER_NULL, &e) < 0 ||
	    !heki_der_empty(&alg) ||
	    heki_der_expect(&di, HEKI_DER_OCTET_STRING, &dig) ||
	    !heki_der_empty(&di))
		return -HEKI_VSM_ERR_AUTHENTICODE_SPC_PARSE_FAILED;
	spc->alg = sha2_alg(&oid);
	if (spc->alg == HEKI_VTL1_HASH_NONE)
		return -HEKI_VSM_ERR_AUTHENTICODE_DIGEST_UNSUPPORTED;
	if (dig.len != heki_vtl1_hash_size(spc->alg))
		return -HEKI_VSM_ERR_AUTHENTICODE_SPC_PARSE_FAILED;
	spc->digest = dig.val;
	spc->digest_len = dig.len;
	return 0;
}

int heki_authenticode_image_digest(const struct heki_vtl1_crypto *c,
				   const struct heki_pe_image *pe, __u8 *buf,
				   __u32 alg, __u8 *out, __u32 outlen)
{
	__u8 saved[EXCLUDED_MAX];
	__u64 first, last, gap, pos;
	__u32 i, n = pe->nhash;
	int ret;

	if (buf != pe->data || !n)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	first = pe->hash[0].off;
	last = pe->hash[n - 1].off;
	/* The excluded bytes between the ranges: CheckSum and the entry. */
	gap = last - first;
	for (i = 0; i + 1 < n; i++)
		gap -= pe->hash[i].len;
	if (gap > EXCLUDED_MAX)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	for (i = 0, pos = 0; i + 1 < n; i++) {
		__u64 hole = pe->hash[i].off + pe->hash[i].len;

		memcpy(saved + pos, buf + hole, pe->hash[i + 1].off - hole);
		pos += pe->hash[i + 1].off - hole;
	}
	/* Slide the earlier ranges right, against the last one. */
	for (i = n - 1, pos = last; i-- > 0;) {
		pos -= pe->hash[i].len;
		memmove(buf + pos, buf + pe->hash[i].off, pe->hash[i].len);
	}
	ret = c->digest(c->ctx, alg, buf + first + gap,
			last + pe->hash[n - 1].len - first - gap, out, outlen);
	/* And back, first range first. */
	for (i = 0, pos = first + gap; i + 1 < n; i++) {
		memmove(buf + pe->hash[i].off, buf + pos, pe->hash[i].len);
		pos += pe->hash[i].len;
	}
	for (i = 0, pos = 0; i + 1 < n; i++) {
		__u64 hole = pe->hash[i].off + pe->hash[i].len;

		memcpy(buf + hole, saved + pos, pe->hash[i + 1].off - hole);
		pos += pe->hash[i + 1].off - hole;
	}
	return ret;
}

/* RSA PKCS#1 v1.5 over the signed attributes with the named certificate. */
static int check_signature(const struct heki_vtl1_crypto *c, void *kr,
			   const struct heki_pkcs7_signer *s, __u8 *attrs)
{
	__u8 md[HEKI_VTL1_HASH_MAX_SIZE];
	__u32 alg = s->digest_alg.hash, pos = 0;
	void *cert;
	__u8 tag;
	int ret, first;

	/* The signature covers the attributes with the SET tag. */
	tag = attrs[0];
	attrs[0] = HEKI_DER_SET;
	ret = c->digest(c->ctx, alg, attrs, s->signed_attrs.len, md,
			sizeof(md));
	attrs[0] = tag;
	if (ret < 0)
		return ret;
	if ((__u32)ret != heki_vtl1_hash_size(alg))
		return -HEKI_VSM_ERR_CRYPTO_DIGEST_FAILED;
	ret = c->find_cert(c->ctx, kr, s->issuer.p, s->issuer.len, s->serial.p,
			   s->serial.len, &pos, &cert);
	if (ret)
		return ret;
	first = -HEKI_VSM_ERR_SIG_KEY_REJECTED;
	while (!ret) {
		ret = c->rsa_pkcs1_verify(c->ctx, cert, alg, md,
					  heki_vtl1_hash_size(alg), s->sig.p,
					  s->sig.len);
		if (!ret)
			return 0;
		if (first == -HEKI_VSM_ERR_SIG_KEY_REJECTED)
			first = ret;
		ret = c->find_cert(c->ctx, kr, s->issuer.p, s->issuer.len,
				   s->serial.p, s->serial.len, &pos, &cert);
	}
	return first;
}

/*
 * A revoked or blocked certificate of @r verifies the signed attributes:
 * SIG_KEY_REVOKED or SIG_CERT_BLOCKED; 0 when none does.
 */
static int check_revoked(const struct heki_vtl1_crypto *c,
			 const struct heki_revocation *r,
			 const struct heki_pkcs7_signer *s, __u8 *attrs)
{
	void *const krs[2] = { r ? r->revoked : NULL, r ? r->blocked : NULL };
	static const int codes[2] = { -HEKI_VSM_ERR_SIG_KEY_REVOKED,
				      -HEKI_VSM_ERR_SIG_CERT_BLOCKED };
	__u32 i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(krs); i++) {
		if (!krs[i])
			continue;
		ret = check_signature(c, krs[i], s, attrs);
		if (!ret)
			return codes[i];
		if (ret != -HEKI_VSM_ERR_SIG_KEY_REJECTED &&
		    ret != -HEKI_VSM_ERR_SIG_NO_KEY &&
		    ret != -HEKI_VSM_ERR_CRYPTO_CERT_NOT_FOUND)
			return ret;
	}
	return 0;
}

/* One WIN_CERT_TYPE_PKCS_SIGNED_DATA entry. */
static int verify_entry(const struct heki_vtl1_crypto *c, void *kr,
			const struct heki_revocation *r,
			const struct heki_pe_image *pe, __u8 *buf,
			__u64 p7_off, __u32 p7_len)
{
	__u8 md[HEKI_VTL1_HASH_MAX_SIZE];
	struct heki_pkcs7 p7;
	const struct heki_pkcs7_signer *s = &p7.signer;
	struct spc_indirect spc;
	struct heki_der_elem e;
	struct heki_der d;
	__u32 alg, dlen, i, a, size;
	int ret;

	/* Signers may pad the entry to 8 bytes inside dwLength: zeros only. */
	heki_der_init(&d, buf + p7_off, p7_len);
	ret = heki_der_next(&d, &e);
	if (ret)
		return ret;
	for (i = e.raw_len; i < p7_len; i++)
		if (i - e.raw_len >= 8 || buf[p7_off + i])
			return -HEKI_VSM_ERR_AUTHENTICODE_CERT_ENTRY_INVALID;
	ret = heki_pkcs7_parse(buf + p7_off, e.raw_len, &p7);
	if (ret)
		return ret;
	if (!bytes_eq(&p7.content_type, oid_spc_indirect,
		      sizeof(oid_spc_indirect)))
		return -HEKI_VSM_ERR_AUTHENTICODE_NOT_SPC_INDIRECT;
	if (!p7.nr_signers)
		return -HEKI_VSM_ERR_SIG_NO_SIGNER;
	if (p7.nr_signers != 1 || !s->issuer.p || !s->serial.p)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	ret = parse_spc(&p7.content, &spc);
	if (ret)
		return ret;
	alg = s->digest_alg.hash;
	dlen = heki_vtl1_hash_size(alg);
	if (!dlen || !s->digest_alg.params_ok)
		return -HEKI_VSM_ERR_AUTHENTICODE_DIGEST_UNSUPPORTED;
	if (alg != spc.alg)
		return -HEKI_VSM_ERR_AUTHENTICODE_DIGEST_ALG_MISMATCH;
	if (!s->sig_alg.rsa || !s->sig_alg.params_ok ||
	    (s->sig_alg.rsa == 2 && s->sig_alg.hash != alg) || !s->sig.p)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;

	/* Signed attributes: contentType, and messageDigest of the content. */
	if (!s->signed_attrs.p ||
	    !bytes_eq(&s->content_type, oid_spc_indirect,
		      sizeof(oid_spc_indirect)))
		return -HEKI_VSM_ERR_AUTHENTICODE_CONTENT_TYPE_MISMATCH;
	ret = c->digest(c->ctx, alg, spc.value, spc.value_len, md, sizeof(md));
	if (ret < 0)
		return ret;
	if ((__u32)ret != dlen || !bytes_eq(&s->message_digest, md, dlen))
		return -HEKI_VSM_ERR_AUTHENTICODE_MESSAGE_DIGEST_MISMATCH;

	ret = check_revoked(c, r, s,
			    buf + (s->signed_attrs.p - (const __u8 *)buf));
	if (!ret)
		ret = check_signature(c, kr, s,
				      buf + (s->signed_attrs.p - (const __u8 *)buf));
	if (ret)
		return ret;

	/* Last and most costly: the image digest the signature vouches for. */
	ret = heki_authenticode_image_digest(c, pe, buf, alg, md, sizeof(md));
	if (ret < 0)
		return ret;
	if ((__u32)ret != dlen || memcmp(md, spc.digest, dlen))
		return -HEKI_VSM_ERR_AUTHENTICODE_IMAGE_DIGEST_MISMATCH;
	/*
	 * UEFI dbx's meaning: the Authenticode digest as a bin: entry, with
	 * every SHA-2 a bin: entry has the length of (dbx lists SHA-256
	 * digests whatever hash the image is signed with).
	 */
	if (heki_blocklist_has(r, HEKI_BLOCK_BIN, md, dlen))
		return -HEKI_VSM_ERR_SIG_HASH_BLOCKED;
	for (a = HEKI_VTL1_HASH_SHA256; a <= HEKI_VTL1_HASH_SHA512; a++) {
		size = heki_vtl1_hash_size(a);
		if (a == alg || !heki_blocklist_wants(r, HEKI_BLOCK_BIN, size))
			continue;
		ret = heki_authenticode_image_digest(c, pe, buf, a, md,
						     sizeof(md));
		if (ret < 0)
			return ret;
		if ((__u32)ret != size)
			return -HEKI_VSM_ERR_CRYPTO_DIGEST_FAILED;
		if (heki_blocklist_has(r, HEKI_BLOCK_BIN, md, size))
			return -HEKI_VSM_ERR_SIG_HASH_BLOCKED;
	}
	return 0;
}

/*
 * The certificate table as Linux 6.1's pefile_strip_sig_wrapper() reads
 * it, at least as strictly: exactly one WIN_CERTIFICATE whose dwLength,
 * rounded up to 8, is the table's size (no second entry, no bytes after
 * it; the rounding bytes zero), revision 2.0, WIN_CERT_TYPE_PKCS_SIGNED_DATA
 * (a first entry of another kind is refused, never skipped), and a PKCS#7
 * that starts with a SEQUENCE whose length takes at most two bytes.
 * On success *@p7_off and *@p7_len locate the PKCS#7 (dwLength - 8 bytes,
 * at most 8 of them zero padding after the DER, checked in verify_entry).
 */
static int cert_table_entry(const struct heki_pe_image *pe, const __u8 *buf,
			    __u64 *p7_off, __u32 *p7_len)
{
	__u64 off = pe->cert.off, size = pe->cert.len, i;
	__u32 dw_len;
	const __u8 *p7;

	if (size < HEKI_WIN_CERT_HDR_SIZE)
		return -HEKI_VSM_ERR_AUTHENTICODE_CERT_ENTRY_INVALID;
	dw_len = heki_le32(buf + off);
	if (dw_len <= HEKI_WIN_CERT_HDR_SIZE || dw_len > size)
		return -HEKI_VSM_ERR_AUTHENTICODE_CERT_ENTRY_INVALID;
	/* dw_len <= size < 2^32: the rounding cannot overflow a u64. */
	if ((((__u64)dw_len + 7) & ~7ULL) != size)
		return -HEKI_VSM_ERR_AUTHENTICODE_CERT_TABLE_NOT_ONE_ENTRY;
	for (i = dw_len; i < size; i++)
		if (buf[off + i])
			return -HEKI_VSM_ERR_AUTHENTICODE_CERT_ENTRY_INVALID;
	if (heki_le16(buf + off + 4) != HEKI_WIN_CERT_REVISION_2_0 ||
	    heki_le16(buf + off + 6) != HEKI_WIN_CERT_TYPE_PKCS_SIGNED_DATA)
		return -HEKI_VSM_ERR_AUTHENTICODE_NO_SIGNATURE;
	*p7_off = off + HEKI_WIN_CERT_HDR_SIZE;
	*p7_len = dw_len - HEKI_WIN_CERT_HDR_SIZE;
	/* Linux: 4 bytes at least, a SEQUENCE, a length of <= 2 bytes. */
	p7 = buf + *p7_off;
	if (*p7_len < 4 || p7[0] != HEKI_DER_SEQUENCE)
		return -HEKI_VSM_ERR_AUTHENTICODE_CERT_ENTRY_INVALID;
	if (p7[1] > 0x82)
		return -HEKI_VSM_ERR_AUTHENTICODE_SIGNATURE_TOO_LONG;
	return 0;
}

int heki_authenticode_verify(const struct heki_vtl1_crypto *c, void *kr,
			     __u8 *buf, __u64 len)
{
	return heki_authenticode_verify_rev(c, kr, NULL, buf, len);
}

int heki_authenticode_verify_rev(const struct heki_vtl1_crypto *c, void *kr,
				 const struct heki_revocation *r, __u8 *buf,
				 __u64 len)
{
	struct heki_pe_image pe;
	__u64 p7_off;
	__u32 p7_len;
	int ret;

	if (!c->digest || !c->find_cert || !c->rsa_pkcs1_verify)
		return -HEKI_VSM_ERR_KEXEC_AUTHENTICODE_UNAVAILABLE;
	ret = heki_pe_parse(buf, len, &pe);
	if (ret)
		return ret;
	if (!pe.cert.len)
		return -HEKI_VSM_ERR_AUTHENTICODE_NOT_SIGNED;
	ret = cert_table_entry(&pe, buf, &p7_off, &p7_len);
	if (ret)
		return ret;
	return verify_entry(c, kr, r, &pe, buf, p7_off, p7_len);
}
