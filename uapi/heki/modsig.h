/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * HEKI wire ABI: the signature trailer of a signed Linux module.
 *
 * A signed module (the HEKI_MOD_MEM_ELF_BUFFER bytes of VALIDATE_MODULE)
 * is laid out as:
 *
 *   [ELF][PKCS#7 DER, sig_len bytes][struct heki_module_signature][magic]
 *
 * The magic is HEKI_MODULE_SIG_MAGIC without its NUL, 28 bytes.
 * Names carry a HEKI_ prefix: Linux has MODULE_SIG_STRING and PKEY_ID_*.
 */
#ifndef _UAPI_HEKI_MODSIG_H
#define _UAPI_HEKI_MODSIG_H

#include "types.h"

#define HEKI_MODULE_SIG_MAGIC		"~Module signature appended~\n"
#define HEKI_MODULE_SIG_MAGIC_LEN	28

HEKI_ABI_ASSERT(sizeof(HEKI_MODULE_SIG_MAGIC) - 1 == HEKI_MODULE_SIG_MAGIC_LEN);

/* heki_module_signature.id_type values (Linux enum pkey_id_type). */
#define HEKI_PKEY_ID_PGP	0
#define HEKI_PKEY_ID_X509	1
#define HEKI_PKEY_ID_PKCS7	2

/**
 * struct heki_module_signature - Linux struct module_signature
 * @algo: public-key algorithm; 0 for PKCS#7
 * @hash: digest algorithm; 0 for PKCS#7
 * @id_type: HEKI_PKEY_ID_PKCS7
 * @signer_len: length of the signer's name; 0 for PKCS#7
 * @key_id_len: length of the key identifier; 0 for PKCS#7
 * @reserved_5: padding; zero
 * @sig_len_be: length of the DER signature, big-endian; read it with
 *	heki_module_signature_sig_len()
 *
 * Byte-aligned, so it can be read in place at any offset of the image.
 */
struct heki_module_signature {
	__u8 algo;
	__u8 hash;
	__u8 id_type;
	__u8 signer_len;
	__u8 key_id_len;
	__u8 reserved_5[3];
	__u8 sig_len_be[4];
};

#define HEKI_MODULE_SIGNATURE_SIZE	12
HEKI_ABI_ASSERT(sizeof(struct heki_module_signature) ==
		HEKI_MODULE_SIGNATURE_SIZE);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_module_signature, algo) == 0);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_module_signature, hash) == 1);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_module_signature, id_type) == 2);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_module_signature, signer_len) == 3);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_module_signature, key_id_len) == 4);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_module_signature, reserved_5) == 5);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_module_signature, sig_len_be) == 8);

/* Bytes after the DER signature: the header and the magic. */
#define HEKI_MODULE_SIG_TRAILER_SIZE \
	(HEKI_MODULE_SIGNATURE_SIZE + HEKI_MODULE_SIG_MAGIC_LEN)

/**
 * heki_module_signature_sig_len() - decode the big-endian signature length
 * @sig: signature header
 *
 * Return: the length of the DER signature in bytes.
 */
static HEKI_INLINE __u32
heki_module_signature_sig_len(const struct heki_module_signature *sig)
{
	return ((__u32)sig->sig_len_be[0] << 24) |
	       ((__u32)sig->sig_len_be[1] << 16) |
	       ((__u32)sig->sig_len_be[2] << 8) |
	       (__u32)sig->sig_len_be[3];
}

/**
 * heki_module_signature_set_sig_len() - encode the signature length
 * @sig: signature header
 * @len: length of the DER signature in bytes
 */
static HEKI_INLINE void
heki_module_signature_set_sig_len(struct heki_module_signature *sig, __u32 len)
{
	sig->sig_len_be[0] = (__u8)(len >> 24);
	sig->sig_len_be[1] = (__u8)(len >> 16);
	sig->sig_len_be[2] = (__u8)(len >> 8);
	sig->sig_len_be[3] = (__u8)len;
}

/**
 * heki_module_signature_is_pkcs7() - whether a header has the PKCS#7 shape
 * @sig: signature header
 *
 * The shape Linux's sign-file produces and LiteBox requires: algo, hash,
 * signer_len and key_id_len zero, id_type PKCS7, sig_len non-zero.
 *
 * Return: 1 if so, else 0.
 */
static HEKI_INLINE int
heki_module_signature_is_pkcs7(const struct heki_module_signature *sig)
{
	return sig->algo == 0 && sig->hash == 0 &&
	       sig->id_type == HEKI_PKEY_ID_PKCS7 &&
	       sig->signer_len == 0 && sig->key_id_len == 0 &&
	       heki_module_signature_sig_len(sig) != 0;
}

#endif /* _UAPI_HEKI_MODSIG_H */
