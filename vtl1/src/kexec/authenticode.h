/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * authenticode.h - Authenticode signature check of a PE32+ kernel image
 * (KexecValidate's kernel blob).
 *
 * The image carries, in its attribute certificate table, exactly one
 * WIN_CERTIFICATE (revision 0x0200, type WIN_CERT_TYPE_PKCS_SIGNED_DATA,
 * its dwLength rounded up to 8 being the table's size, as Linux 6.1's
 * pefile_strip_sig_wrapper() requires) holding a PKCS#7 SignedData whose
 * encapsulated content is an SpcIndirectDataContent
 * (1.3.6.1.4.1.311.2.1.4):
 *
 *   SpcIndirectDataContent ::= SEQUENCE {
 *       data          SEQUENCE { type OID, value ANY OPTIONAL },
 *       messageDigest DigestInfo SEQUENCE {
 *                         digestAlgorithm AlgorithmIdentifier,
 *                         digest OCTET STRING } }
 *
 * An entry verifies when, in this order: the SignedData parses (pkcs7.h)
 * with exactly one SignerInfo named by issuer and serial; its content type
 * is SpcIndirectDataContent; the signer's digest algorithm is SHA-256,
 * SHA-384 or SHA-512 and is the DigestInfo's; the signed attributes hold
 * contentType SpcIndirectDataContent and a messageDigest equal to the hash
 * of the SpcIndirectDataContent value (its content octets, as Authenticode
 * signs them; this binds the DigestInfo to the signature); the signature
 * is RSA PKCS#1 v1.5 over the hash of the signed attributes (re-tagged as
 * a SET) with a keyring certificate of that issuer and serial; and the
 * DigestInfo digest equals the image digest computed per pe.h.
 */
#ifndef _HEKI_VTL1_AUTHENTICODE_H
#define _HEKI_VTL1_AUTHENTICODE_H

#include <heki/abi.h>

struct heki_vtl1_crypto;
struct heki_pe_image;

#define HEKI_WIN_CERT_REVISION_2_0		0x0200
#define HEKI_WIN_CERT_TYPE_PKCS_SIGNED_DATA	0x0002
#define HEKI_WIN_CERT_HDR_SIZE			8
/**
 * heki_authenticode_image_digest() - Authenticode digest of a parsed image
 * @c: crypto provider (its @digest primitive)
 * @pe: the image, from heki_pe_parse() over @buf
 * @buf: the same bytes as @pe->data, writable: the header bytes are moved
 *	over the excluded fields so that one digest call covers every hashed
 *	range, and moved back before return (@buf is unchanged afterwards)
 * @alg: enum heki_vtl1_hash
 * @out: receives the digest
 * @outlen: room in @out
 *
 * Return: the digest size, or a negative -HEKI_VSM_ERR_* from the
 * provider (-HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT if @buf is not @pe->data).
 */
int heki_authenticode_image_digest(const struct heki_vtl1_crypto *c,
				   const struct heki_pe_image *pe, __u8 *buf,
				   __u32 alg, __u8 *out, __u32 outlen);

/**
 * heki_authenticode_verify() - verify the Authenticode signature of a PE
 * @c: crypto provider (digest, find_cert, rsa_pkcs1_verify)
 * @kr: keyring of @c whose certificates are trusted
 * @buf: the image (a VTL1 copy); writable for the same reason as in
 *	heki_authenticode_image_digest(), unchanged on return
 * @len: its length
 *
 * The certificate table must be one WIN_CERTIFICATE and nothing else
 * (AUTHENTICODE_CERT_TABLE_NOT_ONE_ENTRY; a header, dwLength, zero
 * padding or PKCS#7 start Linux refuses: AUTHENTICODE_CERT_ENTRY_INVALID;
 * another revision or type: AUTHENTICODE_NO_SIGNATURE; a PKCS#7 length of
 * more than two bytes: AUTHENTICODE_SIGNATURE_TOO_LONG); its signature is
 * the only one tried.
 *
 * Return: 0, or the first check that failed (-HEKI_VSM_ERR_PE_*,
 * -HEKI_VSM_ERR_AUTHENTICODE_*, -HEKI_VSM_ERR_SIG_*, -HEKI_VSM_ERR_DER_*,
 * -HEKI_VSM_ERR_CRYPTO_*).
 */
int heki_authenticode_verify(const struct heki_vtl1_crypto *c, void *kr,
			     __u8 *buf, __u64 len);

struct heki_revocation;

/**
 * heki_authenticode_verify_rev() - heki_authenticode_verify() with revocation
 * @c: crypto provider
 * @kr: keyring of the trusted certificates
 * @r: revoked certificates and blocked hashes (sig/revoke.h), may be NULL
 * @buf: the image, as for heki_authenticode_verify()
 * @len: its length
 *
 * Also refuses a signer among @r's revoked certificates
 * (SIG_KEY_REVOKED) or blocked system certificates (SIG_CERT_BLOCKED),
 * checked before the trusted keyring, and an image whose Authenticode
 * digest is a bin: entry (SIG_HASH_BLOCKED, UEFI dbx's meaning).
 *
 * Return: as heki_authenticode_verify().
 */
int heki_authenticode_verify_rev(const struct heki_vtl1_crypto *c, void *kr,
				 const struct heki_revocation *r, __u8 *buf,
				 __u64 len);

#endif /* _HEKI_VTL1_AUTHENTICODE_H */
