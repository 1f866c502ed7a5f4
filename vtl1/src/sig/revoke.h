/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * revoke.h - revoked certificates and blocked hashes (LoadKData's
 * RevocationCerts and BlocklistHashes), with the meaning Linux gives them
 * (Documentation/security-model.rst, "Revocation"):
 *
 *   revoked certificate  a signature that verifies with it, its issuer
 *                        and serial naming the signer, is refused
 *                        (certs/blacklist.c is_key_on_revocation_list);
 *   tbs:<hex>            a certificate whose to-be-signed part hashes to
 *                        <hex> is not trusted (x509_get_sig_params);
 *   bin:<hex>            a module whose file SHA-256 (Debian's
 *                        mod_is_hash_blacklisted) or signed content's
 *                        SHA-2 digest (IMA's modsig check) is <hex>, or a kexec
 *                        image whose Authenticode digest is <hex> (UEFI
 *                        dbx), is refused.
 *
 * The blocklist's text is the kernel's .blacklist key descriptions, one a
 * line: "bin:" or "tbs:", then the hash in lowercase hex (64, 96 or 128
 * digits: SHA-256, -384, -512); empty lines and lines starting with '#'
 * are skipped; anything else refuses the whole list.
 */
#ifndef _HEKI_VTL1_REVOKE_H
#define _HEKI_VTL1_REVOKE_H

#include <heki/abi.h>

struct heki_vtl1_crypto;

/* The most entries one blocklist may hold (the wire limit). */
#define HEKI_BLOCKLIST_MAX ((__u32)HEKI_KDATA_BLOCKLIST_MAX)

/* Entry kinds: the kernel's .blacklist prefixes. */
#define HEKI_BLOCK_BIN 1U
#define HEKI_BLOCK_TBS 2U

/**
 * struct heki_block_entry - one blocklist entry
 * @kind: HEKI_BLOCK_BIN or HEKI_BLOCK_TBS
 * @len: hash length in bytes (32, 48 or 64)
 * @hash: the hash
 */
struct heki_block_entry {
	__u8 kind;
	__u8 len;
	__u8 hash[64];
};

/**
 * struct heki_revocation - what LoadKData revoked and blocked
 * @revoked: keyring of the revoked certificates, NULL if none
 * @blocked: keyring of the system certificates whose tbs: hash is
 *	blocked (kept apart so a refusal names its reason), NULL if none
 * @e: blocklist entries, NULL if none
 * @n: entries in @e
 */
struct heki_revocation {
	void *revoked;
	void *blocked;
	struct heki_block_entry *e;
	__u32 n;
};

/**
 * heki_blocklist_parse() - check and decode a blocklist text
 * @buf: the text, VTL1-private copy
 * @len: its length
 * @out: receives the entries, or NULL to count only
 * @max: room in @out (ignored when @out is NULL)
 * @n: receives the number of entries
 *
 * Return: 0, -HEKI_VSM_ERR_BLOCKLIST_INVALID for a line of another form,
 * -HEKI_VSM_ERR_BLOCKLIST_TOO_MANY above HEKI_BLOCKLIST_MAX (or @max).
 */
int heki_blocklist_parse(const __u8 *buf, __u64 len,
			 struct heki_block_entry *out, __u32 max, __u32 *n);

/**
 * heki_blocklist_has() - whether a hash is blocked
 * @r: revocation state (may be NULL)
 * @kind: HEKI_BLOCK_BIN or HEKI_BLOCK_TBS
 * @hash: the hash
 * @len: its length
 *
 * Return: 1 if an entry of @kind is exactly @hash, else 0.
 */
int heki_blocklist_has(const struct heki_revocation *r, __u32 kind,
		       const __u8 *hash, __u32 len);

/**
 * heki_blocklist_wants() - whether an entry could match a digest length
 * @r: revocation state (may be NULL)
 * @kind: HEKI_BLOCK_BIN or HEKI_BLOCK_TBS
 * @len: digest length in bytes
 *
 * Return: 1 if an entry of @kind has @len bytes, else 0.
 */
int heki_blocklist_wants(const struct heki_revocation *r, __u32 kind,
			 __u32 len);

/**
 * heki_blocklist_digest_blocked() - hash bytes and look the digest up
 * @c: crypto provider (digest)
 * @r: revocation state (may be NULL)
 * @kind: entry kind to look in
 * @alg: enum heki_vtl1_hash, or 0 for every algorithm an entry of @kind
 *	has the length of
 * @data: the bytes
 * @len: their length
 *
 * Hashes only when an entry of @kind has the digest's length.
 *
 * Return: 1 if blocked, 0 if not, or the provider's negative code.
 */
int heki_blocklist_digest_blocked(const struct heki_vtl1_crypto *c,
				  const struct heki_revocation *r, __u32 kind,
				  __u32 alg, const __u8 *data, __u64 len);

/**
 * heki_cert_tbs_blocked() - whether a certificate's tbs: hash is blocked
 * @c: crypto provider (digest)
 * @r: revocation state (may be NULL)
 * @der: the certificate's DER
 * @len: its length
 *
 * Linux hashes the TBSCertificate with the certificate's signature hash;
 * an entry here matches the TBS hashed with the SHA-2 of its length, so
 * it refuses at least what Linux refuses.
 *
 * Return: 1 if blocked, 0 if not, -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED
 * if no TBSCertificate can be found, or the provider's code.
 */
int heki_cert_tbs_blocked(const struct heki_vtl1_crypto *c,
			  const struct heki_revocation *r, const __u8 *der,
			  __u64 len);

/**
 * heki_cert_spki() - a certificate's subjectPublicKeyInfo
 * @der: the certificate's DER
 * @len: its length
 * @spki: receives the subjectPublicKeyInfo element (tag and length
 *	included), inside @der
 * @spki_len: receives that element's length
 *
 * Return: 0, or -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED if the DER reader
 * does not find the TBSCertificate's seventh field.
 */
int heki_cert_spki(const __u8 *der, __u64 len, const __u8 **spki,
		   __u64 *spki_len);

/**
 * heki_revoked_signer() - a PKCS#7 signed by a revoked or blocked cert?
 * @c: crypto provider (verify_pkcs7)
 * @r: revocation state (may be NULL)
 * @data: the signed bytes
 * @len: their length
 * @p7: the detached PKCS#7
 * @p7len: its length
 *
 * Return: 0 if no revoked or blocked certificate verifies the signature;
 * -HEKI_VSM_ERR_SIG_KEY_REVOKED or -HEKI_VSM_ERR_SIG_CERT_BLOCKED if one
 * does; another provider code (the same check on the trusted keyring
 * would fail with it).
 */
int heki_revoked_signer(const struct heki_vtl1_crypto *c,
			const struct heki_revocation *r, const __u8 *data,
			__u64 len, const __u8 *p7, __u64 p7len);

/**
 * heki_modsig_verify_rev() - heki_modsig_verify() with revocation
 * @c: crypto provider
 * @keyring: keyring of the trusted system certificates
 * @r: revocation state (may be NULL: no revocation)
 * @buf: the whole signed module
 * @len: its length
 *
 * In order: the trailer; a revoked or blocked signer; the signature on
 * @keyring; the module's bin: hashes (the file's SHA-256, then the
 * signed content hashed with the SHA-2 of each bin: entry's length: the
 * signer's digest as IMA's modsig check takes it, whichever SHA-2 signed).
 *
 * Return: 0 or the first failing check's -HEKI_VSM_ERR_* code.
 */
int heki_modsig_verify_rev(const struct heki_vtl1_crypto *c, void *keyring,
			   const struct heki_revocation *r, const __u8 *buf,
			   __u64 len);

#endif /* _HEKI_VTL1_REVOKE_H */
