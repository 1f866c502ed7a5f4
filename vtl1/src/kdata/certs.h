/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * System certificate list (LoadKData, type SystemCerts): DER X.509
 * certificates placed back to back.
 */
#ifndef _HEKI_VTL1_CERTS_H
#define _HEKI_VTL1_CERTS_H

#include <heki/abi.h>

struct heki_vtl1_crypto;

/* The most certificates one list may carry (a documented limit). */
#define HEKI_CERTS_MAX 256U

/* Framing: SEQUENCE (0x30) with a two-byte long-form length (0x82). */
#define HEKI_CERT_HDR_LEN 4U

/**
 * typedef heki_cert_fn - called once per certificate found in the list
 * @arg: the caller's argument
 * @der: the certificate's DER bytes, header included
 * @len: length of @der
 *
 * Return: 0 to continue, or a negative HEKI_VSM_ERR_* code that stops the
 * walk and is returned by heki_certs_for_each().
 */
typedef int (*heki_cert_fn)(void *arg, const __u8 *der, __u64 len);

int heki_certs_for_each(const __u8 *buf, __u64 len, heki_cert_fn fn,
			void *arg, __u32 *count);

int heki_certs_load(const struct heki_vtl1_crypto *crypto, void *keyring,
		    const __u8 *buf, __u64 len, __u32 *count);

#endif /* _HEKI_VTL1_CERTS_H */
