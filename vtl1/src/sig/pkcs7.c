// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * PKCS#7 / CMS SignedData parser on the DER reader, and the module
 * signature policy built on the crypto primitives (see pkcs7.h).
 *
 * The parse is a fixed sequence of cursors, one per nesting level:
 * ContentInfo > [0] > SignedData > SET OF SignerInfo > SignerInfo >
 * signedAttrs > Attribute > SET OF value (8 levels, no recursion).
 * Any structural error is SIG_PARSE_FAILED; the caller decides the policy.
 */
#include <heki/abi.h>

#include "core/core.h"
#include "der.h"
#include "pkcs7.h"
#include "heki_vtl1.h"

#define P7_PARSE	(-HEKI_VSM_ERR_SIG_PARSE_FAILED)

/* 1.2.840.113549.1.7.1 / .2 */
const __u8 heki_oid_pkcs7_data[9] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };
const __u8 heki_oid_pkcs7_signed_data[9] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };
/* 1.2.840.113549.1.9.3 / .4 */
static const __u8 oid_content_type[9] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03 };
static const __u8 oid_message_digest[9] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04 };
/* 1.2.840.113549.1.1.1 (rsaEncryption); .11/.12/.13 shaNNNWithRSA */
static const __u8 oid_rsa_prefix[8] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01 };
/* 1.2.840.10045.4.3.2/.3/.4 (ecdsa-with-SHA256/384/512) */
static const __u8 oid_ecdsa_sha2_prefix[7] = {
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03 };
/* 2.16.840.1.101.3.4.2.1/.2/.3 (SHA-256/384/512) */
static const __u8 oid_sha2_prefix[8] = {
	0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02 };

static void p7_set(struct heki_pkcs7_bytes *b, const __u8 *p, __u32 len)
{
	b->p = p;
	b->len = len;
}

/* AlgorithmIdentifier ::= SEQUENCE { OID, parameters ANY OPTIONAL } */
static int p7_alg(struct heki_der *d, struct heki_pkcs7_alg *a)
{
	struct heki_der_elem seq, oid, par;
	struct heki_der in;
	__u8 last;

	memset(a, 0, sizeof(*a));
	if (heki_der_expect(d, HEKI_DER_SEQUENCE, &seq) ||
	    heki_der_enter(&seq, &in) ||
	    heki_der_expect(&in, HEKI_DER_OID, &oid) ||
	    !heki_der_oid_valid(&oid))
		return P7_PARSE;
	a->params_ok = 1;
	if (!heki_der_empty(&in)) {
		if (heki_der_next(&in, &par) || !heki_der_empty(&in) ||
		    !heki_der_primitive_valid(&par))
			return P7_PARSE;
		a->params_ok = par.tag == HEKI_DER_NULL && par.len == 0;
	}
	p7_set(&a->raw, seq.raw, seq.raw_len);
	p7_set(&a->oid, oid.val, oid.len);
	if (oid.len == sizeof(oid_ecdsa_sha2_prefix) + 1 &&
	    !memcmp(oid.val, oid_ecdsa_sha2_prefix, oid.len - 1) &&
	    oid.val[oid.len - 1] >= 2 && oid.val[oid.len - 1] <= 4) {
		a->ecdsa = 1;
		a->hash = HEKI_VTL1_HASH_SHA256 + (oid.val[oid.len - 1] - 2);
		return 0;
	}
	if (oid.len != 9)
		return 0;
	last = oid.val[8];
	if (!memcmp(oid.val, oid_sha2_prefix, 8) && last >= 1 && last <= 3) {
		a->hash = HEKI_VTL1_HASH_SHA256 + (last - 1);
	} else if (!memcmp(oid.val, oid_rsa_prefix, 8)) {
		if (last == 1) {
			a->rsa = 1;
		} else if (last >= 11 && last <= 13) {
			a->rsa = 2;
			a->hash = HEKI_VTL1_HASH_SHA256 + (last - 11);
		}
	}
	return 0;
}

/* INTEGER of any sign, minimal: its content octets */
static int p7_raw_integer(const struct heki_der_elem *e)
{
	if (e->tag != HEKI_DER_INTEGER || !e->len)
		return P7_PARSE;
	if (e->len > 1 &&
	    ((e->val[0] == 0x00 && !(e->val[1] & 0x80)) ||
	     (e->val[0] == 0xff && (e->val[1] & 0x80))))
		return P7_PARSE;
	return 0;
}

/* version INTEGER; a valid but out-of-range value becomes ~0 (refused later) */
static int p7_version(struct heki_der *d, __u32 *v)
{
	struct heki_der_elem e;

	if (heki_der_expect(d, HEKI_DER_INTEGER, &e) || p7_raw_integer(&e))
		return P7_PARSE;
	if (heki_der_small_uint(&e, v))
		*v = ~0u;
	return 0;
}

/*
 * DER orders the elements of a SET OF by their encodings (X.690 11.6);
 * OpenSSL re-sorts on encoding, so an unordered SET does not round-trip.
 */
static int p7_set_ordered(const struct heki_der_elem *prev,
			  const struct heki_der_elem *cur)
{
	__u32 n = prev->raw_len < cur->raw_len ? prev->raw_len : cur->raw_len;
	int c = memcmp(prev->raw, cur->raw, n);

	return c < 0 || (c == 0 && prev->raw_len <= cur->raw_len);
}

/*
 * An attribute value in a Name: a string or time type, SEQUENCE, or a
 * universal type OpenSSL keeps as "unknown" (its DirectoryString-like
 * multi-string); never BOOLEAN, INTEGER, BIT/OCTET STRING, NULL, OID, SET
 * or a non-universal tag.
 */
static int p7_name_value_tag(__u8 tag)
{
	return (tag >= 0x07 && tag <= 0x0f) || (tag >= 0x12 && tag <= 0x1e) ||
	       tag == HEKI_DER_SEQUENCE;
}

/*
 * Name ::= SEQUENCE OF SET OF SEQUENCE { OID, value }: RDNs non-empty,
 * values of a universal type (OpenSSL takes them as DirectoryString-like
 * multi-strings) and well formed.
 */
static int p7_name(const struct heki_der_elem *name)
{
	struct heki_der_elem rdn, atv, e;
	struct heki_der seq, set, in;

	if (heki_der_enter(name, &seq))
		return P7_PARSE;
	while (!heki_der_empty(&seq)) {
		if (heki_der_expect(&seq, HEKI_DER_SET, &rdn) ||
		    heki_der_enter(&rdn, &set) || heki_der_empty(&set))
			return P7_PARSE;
		while (!heki_der_empty(&set)) {
			if (heki_der_expect(&set, HEKI_DER_SEQUENCE, &atv) ||
			    heki_der_enter(&atv, &in) ||
			    heki_der_expect(&in, HEKI_DER_OID, &e) ||
			    !heki_der_oid_valid(&e) || heki_der_next(&in, &e) ||
			    !p7_name_value_tag(e.tag) ||
			    !heki_der_primitive_valid(&e) || !heki_der_empty(&in))
				return P7_PARSE;
		}
	}
	return 0;
}

/* SET OF AttributeValue: each value well formed, in DER order */
static int p7_attr_values(const struct heki_der_elem *vals, __u32 *count,
			  struct heki_der_elem *first)
{
	struct heki_der_elem v, prev = { 0 };
	struct heki_der in;

	*count = 0;
	if (heki_der_enter(vals, &in))
		return P7_PARSE;
	while (!heki_der_empty(&in)) {
		if (heki_der_next(&in, &v) || !heki_der_primitive_valid(&v) ||
		    (*count && !p7_set_ordered(&prev, &v)))
			return P7_PARSE;
		if (!*count)
			*first = v;
		prev = v;
		(*count)++;
	}
	return 0;
}

/*
 * signedAttrs / unsignedAttrs: SET OF Attribute ::= SEQUENCE { OID,
 * SET OF value }. For the signed ones (@s not NULL) the raw element and
 * the contentType and messageDigest values are recorded in @s.
 */
static int p7_attrs(const struct heki_der_elem *attrs,
		    struct heki_pkcs7_signer *s, __u32 *count)
{
	struct heki_der_elem a, type, vals, v = { 0 };
	struct heki_der set, in;
	__u32 n_ct = 0, n_md = 0, nv;

	*count = 0;
	if (heki_der_enter(attrs, &set))
		return P7_PARSE;
	while (!heki_der_empty(&set)) {
		if (heki_der_expect(&set, HEKI_DER_SEQUENCE, &a) ||
		    heki_der_enter(&a, &in) ||
		    heki_der_expect(&in, HEKI_DER_OID, &type) ||
		    !heki_der_oid_valid(&type) ||
		    heki_der_expect(&in, HEKI_DER_SET, &vals) ||
		    !heki_der_empty(&in) || p7_attr_values(&vals, &nv, &v))
			return P7_PARSE;
		(*count)++;
		if (!s)
			continue;
		/*
		 * contentType and messageDigest are exposed only when they
		 * occur once with exactly one value of the right type; any
		 * other shape leaves them absent (a caller that needs them
		 * refuses), as OpenSSL parses such attributes too.
		 */
		if (heki_der_oid_eq(&type, oid_content_type,
				    sizeof(oid_content_type))) {
			p7_set(&s->content_type, NULL, 0);
			if (!n_ct++ && nv == 1 && v.tag == HEKI_DER_OID)
				p7_set(&s->content_type, v.val, v.len);
		} else if (heki_der_oid_eq(&type, oid_message_digest,
					   sizeof(oid_message_digest))) {
			p7_set(&s->message_digest, NULL, 0);
			if (!n_md++ && nv == 1 && v.tag == HEKI_DER_OCTET_STRING)
				p7_set(&s->message_digest, v.val, v.len);
		}
	}
	if (s)
		p7_set(&s->signed_attrs, attrs->raw, attrs->raw_len);
	return 0;
}

static int p7_signer(const struct heki_der_elem *si, struct heki_pkcs7_signer *s)
{
	struct heki_der_elem e, name, serial;
	struct heki_der in, ias;
	int ret;

	memset(s, 0, sizeof(*s));
	if (heki_der_enter(si, &in) || p7_version(&in, &s->version))
		return P7_PARSE;
	if (heki_der_next(&in, &e))
		return P7_PARSE;
	if (e.tag == HEKI_DER_SEQUENCE) {
		if (heki_der_enter(&e, &ias) ||
		    heki_der_expect(&ias, HEKI_DER_SEQUENCE, &name) ||
		    heki_der_expect(&ias, HEKI_DER_INTEGER, &serial) ||
		    p7_raw_integer(&serial) || !heki_der_empty(&ias) ||
		    p7_name(&name))
			return P7_PARSE;
		p7_set(&s->issuer, name.raw, name.raw_len);
		p7_set(&s->serial, serial.val, serial.len);
	} else if (e.tag == HEKI_DER_CTX(0)) {
		p7_set(&s->skid, e.val, e.len);
	} else {
		return P7_PARSE;
	}
	if (p7_alg(&in, &s->digest_alg))
		return P7_PARSE;
	ret = heki_der_optional(&in, HEKI_DER_CTX_CONS(0), &e);
	if (ret < 0)
		return P7_PARSE;
	if (ret && p7_attrs(&e, s, &s->nr_signed_attrs))
		return P7_PARSE;
	if (p7_alg(&in, &s->sig_alg) ||
	    heki_der_expect(&in, HEKI_DER_OCTET_STRING, &e))
		return P7_PARSE;
	p7_set(&s->sig, e.val, e.len);
	ret = heki_der_optional(&in, HEKI_DER_CTX_CONS(1), &e);
	if (ret < 0)
		return P7_PARSE;
	if (ret && p7_attrs(&e, NULL, &s->nr_unsigned_attrs))
		return P7_PARSE;
	return heki_der_empty(&in) ? 0 : P7_PARSE;
}

/* encapContentInfo ::= SEQUENCE { OID, [0] EXPLICIT ANY OPTIONAL } */
static int p7_encap(struct heki_der *d, struct heki_pkcs7 *p)
{
	struct heki_der_elem oid, c;
	struct heki_der in, ex;
	int ret;

	if (heki_der_enter_expect(d, HEKI_DER_SEQUENCE, &in) ||
	    heki_der_expect(&in, HEKI_DER_OID, &oid) ||
	    !heki_der_oid_valid(&oid))
		return P7_PARSE;
	p7_set(&p->content_type, oid.val, oid.len);
	ret = heki_der_optional(&in, HEKI_DER_CTX_CONS(0), &c);
	if (ret < 0)
		return P7_PARSE;
	if (ret) {
		if (heki_der_enter(&c, &ex) || heki_der_next(&ex, &c) ||
		    !heki_der_empty(&ex))
			return P7_PARSE;
		p7_set(&p->content, c.raw, c.raw_len);
	}
	return heki_der_empty(&in) ? 0 : P7_PARSE;
}

static int p7_signed_data(struct heki_der *sd, struct heki_pkcs7 *p)
{
	struct heki_der_elem e, prev = { 0 }, cur = { 0 };
	struct heki_pkcs7_alg alg;
	struct heki_pkcs7_signer tmp;
	struct heki_der set;
	int ret;

	if (p7_version(sd, &p->version) ||
	    heki_der_expect(sd, HEKI_DER_SET, &e) || heki_der_enter(&e, &set))
		return P7_PARSE;
	p7_set(&p->digest_algs, e.val, e.len);
	while (!heki_der_empty(&set)) {
		if (p7_alg(&set, &alg))
			return P7_PARSE;
		cur.raw = alg.raw.p;
		cur.raw_len = alg.raw.len;
		if (p->nr_digest_algs && !p7_set_ordered(&prev, &cur))
			return P7_PARSE;
		prev = cur;
		p->nr_digest_algs++;
	}
	if (p7_encap(sd, p))
		return P7_PARSE;
	/* certificates and crls: framing only, contents not used */
	ret = heki_der_optional(sd, HEKI_DER_CTX_CONS(0), &e);
	if (ret < 0)
		return P7_PARSE;
	p->has_certs = ret;
	ret = heki_der_optional(sd, HEKI_DER_CTX_CONS(1), &e);
	if (ret < 0)
		return P7_PARSE;
	p->has_crls = ret;
	if (heki_der_expect(sd, HEKI_DER_SET, &e) || heki_der_enter(&e, &set))
		return P7_PARSE;
	while (!heki_der_empty(&set)) {
		if (heki_der_expect(&set, HEKI_DER_SEQUENCE, &e) ||
		    (p->nr_signers && !p7_set_ordered(&prev, &e)))
			return P7_PARSE;
		prev = e;
		if (!p->nr_signers) {
			if (p7_signer(&e, &p->signer))
				return P7_PARSE;
			p->any_skid_signer |= !!p->signer.skid.p;
		} else {
			/* later signers: checked, counted, not kept */
			if (p7_signer(&e, &tmp))
				return P7_PARSE;
			p->any_skid_signer |= !!tmp.skid.p;
		}
		p->nr_signers++;
	}
	return heki_der_empty(sd) ? 0 : P7_PARSE;
}

int heki_pkcs7_parse(const __u8 *der, __u64 len, struct heki_pkcs7 *out)
{
	struct heki_der top, ci, ex, sd;
	struct heki_der_elem e, type, c = { 0 };
	int ret;

	memset(out, 0, sizeof(*out));
	if (!der || !len || len > HEKI_DER_MAX_LEN + 16)
		return P7_PARSE;
	heki_der_init(&top, der, len);
	if (heki_der_enter_expect(&top, HEKI_DER_SEQUENCE, &ci) ||
	    !heki_der_empty(&top) ||
	    heki_der_expect(&ci, HEKI_DER_OID, &type))
		return P7_PARSE;
	ret = heki_der_optional(&ci, HEKI_DER_CTX_CONS(0), &e);
	if (ret < 0 || !heki_der_empty(&ci))
		return P7_PARSE;
	if (ret && (heki_der_enter(&e, &ex) || heki_der_next(&ex, &c) ||
		    !heki_der_empty(&ex)))
		return P7_PARSE;
	if (!heki_der_oid_valid(&type) ||
	    (ret && !heki_der_primitive_valid(&c)))
		return P7_PARSE;
	/*
	 * The other PKCS#7 types have a fixed structure a SignedData-shaped
	 * or arbitrary [0] cannot have; id-data holds an OCTET STRING.
	 */
	if (ret && type.len == 9 && !memcmp(type.val, heki_oid_pkcs7_data, 8) &&
	    ((type.val[8] >= 3 && type.val[8] <= 6) ||
	     (type.val[8] == 1 && c.tag != HEKI_DER_OCTET_STRING)))
		return P7_PARSE;
	if (!heki_der_oid_eq(&type, heki_oid_pkcs7_signed_data,
			     sizeof(heki_oid_pkcs7_signed_data)) || !ret)
		return -HEKI_VSM_ERR_SIG_INVALID;
	if (c.tag != HEKI_DER_SEQUENCE || heki_der_enter(&c, &sd))
		return P7_PARSE;
	return p7_signed_data(&sd, out);
}

int heki_pkcs7_attrs_set(const struct heki_pkcs7_signer *s, __u8 *buf,
			 __u32 size)
{
	if (!s->signed_attrs.p || !s->signed_attrs.len ||
	    s->signed_attrs.len > size)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	memcpy(buf, s->signed_attrs.p, s->signed_attrs.len);
	buf[0] = HEKI_DER_SET;
	return (int)s->signed_attrs.len;
}

/* Checks 3-8 of the module-signature policy (no crypto yet) */
static int p7_policy(const struct heki_pkcs7 *p)
{
	const struct heki_pkcs7_signer *s = &p->signer;
	int is_data = p->content_type.len == sizeof(heki_oid_pkcs7_data) &&
		      !memcmp(p->content_type.p, heki_oid_pkcs7_data,
			      sizeof(heki_oid_pkcs7_data));

	/* PKCS#7 id-data content is an OCTET STRING or nothing */
	if (is_data && p->content.p && p->content.p[0] != HEKI_DER_OCTET_STRING)
		return P7_PARSE;
	if (p->version != 1 || !is_data || p->content.p)
		return -HEKI_VSM_ERR_SIG_INVALID;
	if (!p->nr_signers)
		return -HEKI_VSM_ERR_SIG_NO_SIGNER;
	if (p->nr_signers > 1)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (s->version != 1 || !s->issuer.p || !s->sig.len)
		return -HEKI_VSM_ERR_SIG_INVALID;
	if (s->nr_signed_attrs || s->nr_unsigned_attrs)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (s->digest_alg.rsa || s->digest_alg.ecdsa || !s->digest_alg.hash ||
	    (!s->sig_alg.rsa && !s->sig_alg.ecdsa) ||
	    (s->sig_alg.hash && s->sig_alg.hash != s->digest_alg.hash))
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (!s->digest_alg.params_ok || !s->sig_alg.params_ok ||
	    p->nr_digest_algs != 1 ||
	    p->digest_algs.len != s->digest_alg.raw.len ||
	    memcmp(p->digest_algs.p, s->digest_alg.raw.p, p->digest_algs.len))
		return -HEKI_VSM_ERR_SIG_INVALID;
	return 0;
}

int heki_pkcs7_verify(const struct heki_vtl1_crypto *c, void *kr,
		      const __u8 *data, __u64 len, const __u8 *p7,
		      __u64 p7len)
{
	__u8 dig[HEKI_VTL1_HASH_MAX_SIZE];
	const struct heki_pkcs7_signer *s;
	struct heki_pkcs7 p;
	int (*verify)(void *ctx, void *cert, __u32 alg, const __u8 *digest,
		      __u32 dlen, const __u8 *sig, __u32 siglen);
	__u32 pos = 0;
	void *cert;
	int ret, dlen;

	if (!c || !c->digest || !c->find_cert || !c->rsa_pkcs1_verify)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	if (!kr || !p7 || !p7len || (!data && len))
		return P7_PARSE;
	ret = heki_pkcs7_parse(p7, p7len, &p);
	if (ret)
		return ret;
	/* valid CMS that PKCS#7 cannot express: a key-identifier signer */
	if (p.any_skid_signer)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	ret = p7_policy(&p);
	if (ret)
		return ret;
	s = &p.signer;
	verify = s->sig_alg.ecdsa ? c->ecdsa_verify : c->rsa_pkcs1_verify;
	if (!verify)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	dlen = c->digest(c->ctx, s->digest_alg.hash, data, len, dig,
			 sizeof(dig));
	if (dlen < 0)
		return dlen;
	for (;;) {
		ret = c->find_cert(c->ctx, kr, s->issuer.p, s->issuer.len,
				   s->serial.p, s->serial.len, &pos, &cert);
		if (ret == -HEKI_VSM_ERR_CRYPTO_CERT_NOT_FOUND)
			return -HEKI_VSM_ERR_SIG_KEY_REJECTED;
		if (ret)
			return ret;
		ret = verify(c->ctx, cert, s->digest_alg.hash, dig,
			     (__u32)dlen, s->sig.p, s->sig.len);
		if (!ret)
			return 0;
		if (ret != -HEKI_VSM_ERR_SIG_KEY_REJECTED &&
		    ret != -HEKI_VSM_ERR_SIG_NO_KEY)
			return ret;
	}
}
