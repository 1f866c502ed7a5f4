// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * System certificate list splitter, LiteBox framing (parse_certs):
 *
 *   while at least 4 bytes remain and they start with 30 82:
 *       total = 4 + (b[2] << 8 | b[3]); the whole certificate must fit.
 *
 * The walk stops silently at the first byte that does not start such a
 * header, so trailing padding is accepted. Short-form and 1-, 3- or 4-byte
 * DER lengths are not recognised (they end the list), which keeps the
 * result identical to LiteBox's for every input: the same certificates are
 * found and the same errors raised.
 */
#include <heki/abi.h>

#include "core/core.h"
#include "certs.h"
#include "heki_vtl1.h"

/**
 * heki_certs_for_each() - split a certificate list and visit each entry
 * @buf: the SystemCerts buffer, VTL1-private copy
 * @len: length of @buf
 * @fn: called with each certificate's DER bytes; may be NULL to only count
 * @arg: passed to @fn
 * @count: if not NULL, receives the number of certificates visited
 *
 * Checks, in order, for each certificate: the declared length fits in the
 * rest of the buffer, else -HEKI_VSM_ERR_CERTIFICATE_DER_LENGTH_INVALID
 * (EINVAL); at most HEKI_CERTS_MAX certificates, else
 * -HEKI_VSM_ERR_CERTIFICATES_TOO_MANY (EINVAL); @fn accepts it, else its
 * error. After the walk: at least one certificate, else
 * -HEKI_VSM_ERR_SYSTEM_CERTIFICATES_INVALID (EACCES).
 *
 * Return: 0 or a negative HEKI_VSM_ERR_* code.
 */
int heki_certs_for_each(const __u8 *buf, __u64 len, heki_cert_fn fn,
			void *arg, __u32 *count)
{
	__u64 off = 0;
	__u32 n = 0;
	int ret = 0;

	while (buf && len - off >= HEKI_CERT_HDR_LEN &&
	       buf[off] == 0x30 && buf[off + 1] == 0x82) {
		__u64 total = HEKI_CERT_HDR_LEN +
			      (((__u64)buf[off + 2] << 8) | buf[off + 3]);

		if (total > len - off) {
			ret = -HEKI_VSM_ERR_CERTIFICATE_DER_LENGTH_INVALID;
			break;
		}
		if (n == HEKI_CERTS_MAX) {
			ret = -HEKI_VSM_ERR_CERTIFICATES_TOO_MANY;
			break;
		}
		if (fn) {
			ret = fn(arg, buf + off, total);
			if (ret)
				break;
		}
		n++;
		off += total;
	}
	if (count)
		*count = n;
	if (ret)
		return ret;
	return n ? 0 : -HEKI_VSM_ERR_SYSTEM_CERTIFICATES_INVALID;
}

struct heki_certs_load_arg {
	const struct heki_vtl1_crypto *crypto;
	void *keyring;
};

static int heki_certs_add_one(void *arg, const __u8 *der, __u64 len)
{
	struct heki_certs_load_arg *a = arg;

	return a->crypto->keyring_add_cert(a->crypto->ctx, a->keyring, der, len);
}

/**
 * heki_certs_load() - add every certificate of a list to a keyring
 * @crypto: crypto provider
 * @keyring: a keyring from @crypto->keyring_create
 * @buf: the SystemCerts buffer, VTL1-private copy
 * @len: length of @buf
 * @count: if not NULL, receives the number of certificates added
 *
 * The errors are those of heki_certs_for_each(); a certificate the
 * provider cannot parse gives its code (CERTIFICATE_PARSE_FAILED, EINVAL).
 * On error the certificates added so far stay in @keyring: the caller
 * destroys it.
 *
 * Return: 0 or a negative HEKI_VSM_ERR_* code.
 */
int heki_certs_load(const struct heki_vtl1_crypto *crypto, void *keyring,
		    const __u8 *buf, __u64 len, __u32 *count)
{
	struct heki_certs_load_arg a = {
		.crypto = crypto, .keyring = keyring,
	};

	return heki_certs_for_each(buf, len, heki_certs_add_one, &a, count);
}
