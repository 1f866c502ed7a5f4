/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * pkcs7.h - PKCS#7 / CMS SignedData as the kernel's sign-file and
 * Authenticode produce it, parsed with the DER reader (der.h).
 *
 *   ContentInfo ::= SEQUENCE { contentType OID (signedData),
 *                              content [0] EXPLICIT SignedData }
 *   SignedData  ::= SEQUENCE { version INTEGER,
 *                              digestAlgorithms SET OF AlgorithmIdentifier,
 *                              encapContentInfo SEQUENCE { OID,
 *                                      [0] EXPLICIT content OPTIONAL },
 *                              certificates [0] IMPLICIT OPTIONAL (skipped),
 *                              crls [1] IMPLICIT OPTIONAL (skipped),
 *                              signerInfos SET OF SignerInfo }
 *   SignerInfo  ::= SEQUENCE { version INTEGER,
 *                              sid IssuerAndSerialNumber | [0] SKID,
 *                              digestAlgorithm AlgorithmIdentifier,
 *                              signedAttrs [0] IMPLICIT SET OF Attribute OPTIONAL,
 *                              signatureAlgorithm AlgorithmIdentifier,
 *                              signature OCTET STRING,
 *                              unsignedAttrs [1] IMPLICIT OPTIONAL }
 *
 * heki_pkcs7_parse() checks the structure of all of it (every SignerInfo,
 * not only the first) and records the first SignerInfo; the policy (which
 * versions, algorithms and attributes are acceptable) is the caller's:
 * heki_pkcs7_verify() is the module-signature policy.
 */
#ifndef _HEKI_VTL1_PKCS7_H
#define _HEKI_VTL1_PKCS7_H

#include <heki/abi.h>

struct heki_vtl1_crypto;

/**
 * struct heki_pkcs7_bytes - a byte range inside the parsed blob
 * @p: first byte, NULL when absent
 * @len: number of bytes
 */
struct heki_pkcs7_bytes {
	const __u8 *p;
	__u32 len;
};

/**
 * struct heki_pkcs7_alg - an AlgorithmIdentifier
 * @raw: the whole SEQUENCE (header included)
 * @oid: the algorithm OID's content octets
 * @hash: enum heki_vtl1_hash the OID names (digest OIDs,
 *	shaNNNWithRSAEncryption and ecdsa-with-SHANNN), HEKI_VTL1_HASH_NONE
 *	otherwise
 * @rsa: 1 for rsaEncryption, 2 for shaNNNWithRSAEncryption, 0 otherwise
 * @ecdsa: 1 for ecdsa-with-SHA256/384/512, 0 otherwise (the kernel's
 *	pkcs7_sig_note_pkey_algo() names these "ecdsa", encoding "x962")
 * @params_ok: non-zero if the parameters are absent or NULL
 */
struct heki_pkcs7_alg {
	struct heki_pkcs7_bytes raw;
	struct heki_pkcs7_bytes oid;
	__u32 hash;
	__u32 rsa;
	__u32 ecdsa;
	__u32 params_ok;
};

/**
 * struct heki_pkcs7_signer - one SignerInfo
 * @version: SignerInfo version (1 with issuer+serial, 3 with SKID)
 * @issuer: the issuer Name, whole SEQUENCE DER (absent with SKID)
 * @serial: the serial INTEGER's content octets as encoded (two's
 *	complement, minimal, so with its 0x00 pad when the top bit is set)
 * @skid: subjectKeyIdentifier octets when the signer is [0] SKID
 * @digest_alg: digestAlgorithm
 * @signed_attrs: the signedAttrs element, whole [0] IMPLICIT encoding
 *	(header included, tag 0xa0); absent when @p is NULL. The signature
 *	covers the same bytes with the tag 0x31 (SET): heki_pkcs7_attrs_set()
 * @nr_signed_attrs: number of signed attributes
 * @content_type: value of the contentType signed attribute (OID content
 *	octets), absent if the attribute is missing
 * @message_digest: value of the messageDigest signed attribute (OCTET
 *	STRING content), absent if the attribute is missing
 * @sig_alg: signatureAlgorithm
 * @sig: the signature octets
 * @nr_unsigned_attrs: number of unsigned attributes
 */
struct heki_pkcs7_signer {
	__u32 version;
	struct heki_pkcs7_bytes issuer;
	struct heki_pkcs7_bytes serial;
	struct heki_pkcs7_bytes skid;
	struct heki_pkcs7_alg digest_alg;
	struct heki_pkcs7_bytes signed_attrs;
	__u32 nr_signed_attrs;
	struct heki_pkcs7_bytes content_type;
	struct heki_pkcs7_bytes message_digest;
	struct heki_pkcs7_alg sig_alg;
	struct heki_pkcs7_bytes sig;
	__u32 nr_unsigned_attrs;
};

/**
 * struct heki_pkcs7 - a parsed SignedData
 * @version: SignedData version
 * @digest_algs: the digestAlgorithms SET's content (the concatenated
 *	AlgorithmIdentifiers)
 * @nr_digest_algs: number of AlgorithmIdentifiers in @digest_algs
 * @content_type: encapsulated content type OID (content octets)
 * @content: the encapsulated content element inside [0] EXPLICIT (whole
 *	encoding: e.g. an OCTET STRING for id-data, a SEQUENCE for
 *	Authenticode's SpcIndirectDataContent); absent when detached
 * @has_certs: non-zero if a certificates field is present
 * @has_crls: non-zero if a crls field is present
 * @nr_signers: number of SignerInfos
 * @signer: the first SignerInfo (valid when @nr_signers > 0)
 * @any_skid_signer: non-zero if any SignerInfo names its signer by SKID
 */
struct heki_pkcs7 {
	__u32 version;
	struct heki_pkcs7_bytes digest_algs;
	__u32 nr_digest_algs;
	struct heki_pkcs7_bytes content_type;
	struct heki_pkcs7_bytes content;
	__u32 has_certs;
	__u32 has_crls;
	__u32 nr_signers;
	struct heki_pkcs7_signer signer;
	__u32 any_skid_signer;
};

/* Content octets of the OIDs callers compare against */
extern const __u8 heki_oid_pkcs7_data[9];
extern const __u8 heki_oid_pkcs7_signed_data[9];

/**
 * heki_pkcs7_parse() - parse a DER PKCS#7 / CMS ContentInfo
 * @der: the blob (a VTL1 copy; the result points into it)
 * @len: its length
 * @out: receives the parse
 *
 * Return: 0; -HEKI_VSM_ERR_SIG_PARSE_FAILED if the blob is not exactly one
 * well-formed ContentInfo (bad DER, missing or misplaced fields, bytes
 * after it); -HEKI_VSM_ERR_SIG_INVALID if it is a well-formed ContentInfo
 * of another type than signedData.
 */
int heki_pkcs7_parse(const __u8 *der, __u64 len, struct heki_pkcs7 *out);

/**
 * heki_pkcs7_attrs_set() - the signed attributes as the signature covers them
 * @s: signer with signed attributes
 * @buf: receives the attributes re-tagged as a SET (0x31)
 * @size: room in @buf
 *
 * Return: the number of bytes written, or -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT
 * if there are no signed attributes or @size is too small.
 */
int heki_pkcs7_attrs_set(const struct heki_pkcs7_signer *s, __u8 *buf,
			 __u32 size);

/**
 * heki_pkcs7_verify() - module-signature PKCS#7 check on the primitives
 * @c: crypto provider (digest, find_cert, rsa_pkcs1_verify; ecdsa_verify
 *	for ECDSA signers, which are SIG_UNSUPPORTED without it)
 * @kr: keyring of @c
 * @data: the signed bytes
 * @len: their length
 * @p7: the detached PKCS#7 blob
 * @p7len: its length
 *
 * The same checks, in the same order and with the same codes, as the
 * OpenSSL provider (Documentation/vtl1-parsers.rst).
 *
 * Return: 0 or -HEKI_VSM_ERR_SIG_* (or the primitives' codes).
 */
int heki_pkcs7_verify(const struct heki_vtl1_crypto *c, void *kr,
		      const __u8 *data, __u64 len, const __u8 *p7,
		      __u64 p7len);

#endif /* _HEKI_VTL1_PKCS7_H */
