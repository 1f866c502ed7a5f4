/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Appended module signature: split "[ELF][PKCS#7][trailer][magic]" and
 * hand the two halves to the crypto provider.
 */
#ifndef _HEKI_VTL1_MODSIG_H
#define _HEKI_VTL1_MODSIG_H

#include <heki/abi.h>

struct heki_vtl1_crypto;

/**
 * struct heki_modsig - the two halves of a signed module
 * @data: the signed bytes (the ELF image), points into the caller's buffer
 * @data_len: length of @data
 * @sig: the PKCS#7 (CMS SignedData) DER blob, points into the same buffer
 * @sig_len: length of @sig, the trailer's sig_len
 */
struct heki_modsig {
	const __u8 *data;
	__u64 data_len;
	const __u8 *sig;
	__u64 sig_len;
};

int heki_modsig_split(const __u8 *buf, __u64 len, struct heki_modsig *out);

int heki_modsig_verify(const struct heki_vtl1_crypto *crypto, void *keyring,
		       const __u8 *buf, __u64 len);

#endif /* _HEKI_VTL1_MODSIG_H */
