// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Revoked certificates and blocked hashes (see revoke.h): the blocklist
 * text parser, the lookups, and the module signature check with them.
 */
#include <heki/abi.h>

#include "core/core.h"
#include "der.h"
#include "modsig.h"
#include "revoke.h"
#include "heki_vtl1.h"

#define BL_BAD (-HEKI_VSM_ERR_BLOCKLIST_INVALID)

static int hex_val(__u8 ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* One entry line [p, p + n) without its newline. */
static int parse_line(const __u8 *p, __u64 n, struct heki_block_entry *e)
{
	__u64 i, digits;
	int hi, lo;

	if (n < 4 || p[3] != ':')
		return BL_BAD;
	if (!memcmp(p, "bin", 3))
		e->kind = HEKI_BLOCK_BIN;
	else if (!memcmp(p, "tbs", 3))
		e->kind = HEKI_BLOCK_TBS;
	else
		return BL_BAD;
	digits = n - 4;
	if (digits != 64 && digits != 96 && digits != 128)
		return BL_BAD;
	e->len = (__u8)(digits / 2);
	for (i = 0; i < e->len; i++) {
		hi = hex_val(p[4 + 2 * i]);
		lo = hex_val(p[5 + 2 * i]);
		if (hi < 0 || lo < 0)
			return BL_BAD;
		e->hash[i] = (__u8)(hi << 4 | lo);
	}
	return 0;
}

int heki_blocklist_parse(const __u8 *buf, __u64 len,
			 struct heki_block_entry *out, __u32 max, __u32 *n)
{
	struct heki_block_entry e;
	__u64 off = 0, end;
	__u32 count = 0;
	int ret;

	*n = 0;
	if (!out || max > HEKI_BLOCKLIST_MAX)
		max = HEKI_BLOCKLIST_MAX;
	while (off < len) {
		for (end = off; end < len && buf[end] != '\n'; end++)
			;
		if (end > off && buf[off] != '#') {
			ret = parse_line(buf + off, end - off, &e);
			if (ret)
				return ret;
			if (count == max)
				return -HEKI_VSM_ERR_BLOCKLIST_TOO_MANY;
			if (out)
				out[count] = e;
			count++;
		}
		off = end + 1;
	}
	*n = count;
	return 0;
}

int heki_blocklist_has(const struct heki_revocation *r, __u32 kind,
		       const __u8 *hash, __u32 len)
{
	__u32 i;

	for (i = 0; r && i < r->n; i++)
		if (r->e[i].kind == kind && r->e[i].len == len &&
		    !memcmp(r->e[i].hash, hash, len))
			return 1;
	return 0;
}

int heki_blocklist_wants(const struct heki_revocation *r, __u32 kind,
			 __u32 len)
{
	__u32 i;

	for (i = 0; r && i < r->n; i++)
		if (r->e[i].kind == kind && r->e[i].len == len)
			return 1;
	return 0;
}

int heki_blocklist_digest_blocked(const struct heki_vtl1_crypto *c,
				  const struct heki_revocation *r, __u32 kind,
				  __u32 alg, const __u8 *data, __u64 len)
{
	__u8 md[HEKI_VTL1_HASH_MAX_SIZE];
	__u32 a, size;
	int ret;

	if (!c->digest)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	for (a = HEKI_VTL1_HASH_SHA256; a <= HEKI_VTL1_HASH_SHA512; a++) {
		size = heki_vtl1_hash_size(a);
		if ((alg && a != alg) || !heki_blocklist_wants(r, kind, size))
			continue;
		ret = c->digest(c->ctx, a, data, len, md, sizeof(md));
		if (ret < 0)
			return ret;
		if ((__u32)ret != size)
			return -HEKI_VSM_ERR_CRYPTO_DIGEST_FAILED;
		if (heki_blocklist_has(r, kind, md, size))
			return 1;
	}
	return 0;
}

int heki_cert_tbs_blocked(const struct heki_vtl1_crypto *c,
			  const struct heki_revocation *r, const __u8 *der,
			  __u64 len)
{
	struct heki_der_elem tbs;
	struct heki_der d, in;
	__u32 i;

	for (i = 0; r && i < r->n && r->e[i].kind != HEKI_BLOCK_TBS; i++)
		;
	if (!r || i == r->n)
		return 0;
	/* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, ... } */
	heki_der_init(&d, der, len);
	if (heki_der_enter_expect(&d, HEKI_DER_SEQUENCE, &in) ||
	    heki_der_expect(&in, HEKI_DER_SEQUENCE, &tbs))
		return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	return heki_blocklist_digest_blocked(c, r, HEKI_BLOCK_TBS, 0, tbs.raw,
					     tbs.raw_len);
}

int heki_cert_spki(const __u8 *der, __u64 len, const __u8 **spki,
		   __u64 *spki_len)
{
	struct heki_der d, in, tbs;
	struct heki_der_elem e;
	int i;

	/*
	 * TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber,
	 * signature, issuer, validity, subject, subjectPublicKeyInfo, ... }
	 */
	heki_der_init(&d, der, len);
	if (heki_der_enter_expect(&d, HEKI_DER_SEQUENCE, &in) ||
	    heki_der_enter_expect(&in, HEKI_DER_SEQUENCE, &tbs) ||
	    heki_der_optional(&tbs, HEKI_DER_CTX_CONS(0), &e) < 0 ||
	    heki_der_expect(&tbs, HEKI_DER_INTEGER, &e))
		return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	for (i = 0; i < 5; i++)
		if (heki_der_expect(&tbs, HEKI_DER_SEQUENCE, &e))
			return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	*spki = e.raw;
	*spki_len = e.raw_len;
	return 0;
}

/* A verify on a keyring that holds no signer of this signature. */
static int no_signer(int ret)
{
	return ret == -HEKI_VSM_ERR_SIG_KEY_REJECTED ||
	       ret == -HEKI_VSM_ERR_SIG_NO_KEY ||
	       ret == -HEKI_VSM_ERR_CRYPTO_CERT_NOT_FOUND;
}

int heki_revoked_signer(const struct heki_vtl1_crypto *c,
			const struct heki_revocation *r, const __u8 *data,
			__u64 len, const __u8 *p7, __u64 p7len)
{
	int ret;

	if (!r)
		return 0;
	if (r->revoked) {
		ret = c->verify_pkcs7(c->ctx, r->revoked, data, len, p7, p7len);
		if (!ret)
			return -HEKI_VSM_ERR_SIG_KEY_REVOKED;
		if (!no_signer(ret))
			return ret;
	}
	if (r->blocked) {
		ret = c->verify_pkcs7(c->ctx, r->blocked, data, len, p7, p7len);
		if (!ret)
			return -HEKI_VSM_ERR_SIG_CERT_BLOCKED;
		if (!no_signer(ret))
			return ret;
	}
	return 0;
}

int heki_modsig_verify_rev(const struct heki_vtl1_crypto *c, void *keyring,
			   const struct heki_revocation *r, const __u8 *buf,
			   __u64 len)
{
	struct heki_modsig ms;
	int ret;

	ret = heki_modsig_split(buf, len, &ms);
	if (ret)
		return ret;
	ret = heki_revoked_signer(c, r, ms.data, ms.data_len, ms.sig,
				  ms.sig_len);
	if (ret)
		return ret;
	ret = c->verify_pkcs7(c->ctx, keyring, ms.data, ms.data_len, ms.sig,
			      ms.sig_len);
	if (ret || !r || !r->n)
		return ret;
	/* Debian's loader: SHA-256 of the whole file, trailer included. */
	ret = heki_blocklist_digest_blocked(c, r, HEKI_BLOCK_BIN,
					    HEKI_VTL1_HASH_SHA256, buf, len);
	if (ret)
		return ret < 0 ? ret : -HEKI_VSM_ERR_SIG_HASH_BLOCKED;
	/*
	 * The signed content (IMA's modsig digest, with the signer's hash):
	 * hashed with the SHA-2 of each bin: entry's length.
	 */
	ret = heki_blocklist_digest_blocked(c, r, HEKI_BLOCK_BIN, 0, ms.data,
					    ms.data_len);
	if (ret)
		return ret < 0 ? ret : -HEKI_VSM_ERR_SIG_HASH_BLOCKED;
	return 0;
}
