// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Appended module signature (what scripts/sign-file writes):
 *
 *   [ module data ][ PKCS#7 DER, sig_len bytes ][ heki_module_signature ][ magic ]
 *
 * The buffer is VTL1-private (copied once from VTL0) but its contents are
 * hostile: every length is checked before it is used and the 12-byte
 * trailer is copied into a local struct, never cast in place.
 */
#include <heki/abi.h>

#include "core/core.h"
#include "modsig.h"
#include "heki_vtl1.h"

/**
 * heki_modsig_split() - locate the PKCS#7 signature appended to a module
 * @buf: the whole signed module, VTL1-private copy
 * @len: length of @buf in bytes
 * @out: on success, the signed data and the DER signature (both point
 *       into @buf); untouched on failure
 *
 * Checks, in order (LiteBox extract_module_data_and_signature):
 * the buffer ends with HEKI_MODULE_SIG_MAGIC, else
 * -HEKI_VSM_ERR_MODSIG_NOT_FOUND (ENODATA); the 12-byte trailer before
 * the magic is present, else -HEKI_VSM_ERR_MODSIG_TRAILER_TRUNCATED;
 * algo, hash, signer_len, key_id_len and the three reserved bytes are 0
 * and id_type is PKCS#7, else -HEKI_VSM_ERR_MODSIG_TRAILER_INVALID (LiteBox
 * and the kernel ignore the reserved bytes; sign-file writes zeros, and
 * checking them means no byte of a signed module can change unnoticed); sig_len is not 0, else
 * -HEKI_VSM_ERR_MODSIG_SIG_EMPTY; sig_len bytes fit before the trailer,
 * else -HEKI_VSM_ERR_MODSIG_SIG_TRUNCATED (all four ELIBBAD).
 *
 * Return: 0 or a negative HEKI_VSM_ERR_* code.
 */
int heki_modsig_split(const __u8 *buf, __u64 len, struct heki_modsig *out)
{
	struct heki_module_signature ms;
	__u64 rest, sig_len;

	if (!buf || len < HEKI_MODULE_SIG_MAGIC_LEN ||
	    memcmp(buf + len - HEKI_MODULE_SIG_MAGIC_LEN, HEKI_MODULE_SIG_MAGIC,
		   HEKI_MODULE_SIG_MAGIC_LEN))
		return -HEKI_VSM_ERR_MODSIG_NOT_FOUND;
	rest = len - HEKI_MODULE_SIG_MAGIC_LEN;

	if (rest < sizeof(ms))
		return -HEKI_VSM_ERR_MODSIG_TRAILER_TRUNCATED;
	rest -= sizeof(ms);
	memcpy(&ms, buf + rest, sizeof(ms));

	if (ms.algo || ms.hash || ms.signer_len || ms.key_id_len ||
	    ms.id_type != HEKI_PKEY_ID_PKCS7 || ms.reserved_5[0] ||
	    ms.reserved_5[1] || ms.reserved_5[2])
		return -HEKI_VSM_ERR_MODSIG_TRAILER_INVALID;

	sig_len = heki_module_signature_sig_len(&ms);
	if (!sig_len)
		return -HEKI_VSM_ERR_MODSIG_SIG_EMPTY;
	if (sig_len > rest)
		return -HEKI_VSM_ERR_MODSIG_SIG_TRUNCATED;
	rest -= sig_len;

	out->data = buf;
	out->data_len = rest;
	out->sig = buf + rest;
	out->sig_len = sig_len;
	return 0;
}

/**
 * heki_modsig_verify() - split a signed module and verify its signature
 * @crypto: crypto provider (verify_pkcs7 is called once)
 * @keyring: keyring holding the system certificates (from LoadKData)
 * @buf: the whole signed module, VTL1-private copy
 * @len: length of @buf
 *
 * Only the signature is checked here; comparing the module's memory with
 * the signed ELF is a separate step.
 *
 * Return: 0 when a certificate in @keyring verifies the signature over
 * the module data, otherwise the heki_modsig_split() error or the
 * provider's -HEKI_VSM_ERR_SIG_* code.
 */
int heki_modsig_verify(const struct heki_vtl1_crypto *crypto, void *keyring,
		       const __u8 *buf, __u64 len)
{
	struct heki_modsig ms;
	int ret;

	ret = heki_modsig_split(buf, len, &ms);
	if (ret)
		return ret;
	return crypto->verify_pkcs7(crypto->ctx, keyring, ms.data, ms.data_len,
				    ms.sig, ms.sig_len);
}
