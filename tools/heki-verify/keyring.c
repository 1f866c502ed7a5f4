// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The certificates: the certs= file heki_vtl0 sends with LoadKData
 * (concatenated DER, /lib/firmware/heki/certs.der as heki-update-certs(8)
 * writes it), loaded into the OpenSSL provider's keyring by the library's
 * own heki_certs_load(), as LoadKData loads it.
 */
#include <stdlib.h>

#include "heki_vtl1.h"
#include "kdata/certs.h"
#include "../../vtl1/crypto/openssl.h"
#include "verify.h"

/**
 * hv_keyring_load() - load the certificates file into a new keyring
 * @k: filled on success
 * @path: the file
 * @code: on failure, the library's error (positive) or 0
 * @sys_errno: on failure, the errno of reading @path or 0
 *
 * Return: 0, or -1 with @code or @sys_errno set.
 */
int hv_keyring_load(struct hv_keyring *k, const char *path, int *code,
		    int *sys_errno)
{
	struct hv_result r;
	struct hv_buf b = { 0 };
	int ret;

	*code = 0;
	*sys_errno = 0;
	k->crypto = &heki_vtl1_crypto_openssl;
	k->kr = NULL;
	k->count = 0;
	if (hv_read_file(path, HEKI_VTL1_MAX_KDATA_SIZE,
			 HEKI_VSM_ERR_KDATA_SIZE_EXCEEDED, &b, &r)) {
		*code = r.code;
		*sys_errno = r.sys_errno;
		return -1;
	}
	ret = k->crypto->keyring_create(k->crypto->ctx, &k->kr);
	if (!ret)
		ret = heki_certs_load(k->crypto, k->kr, b.data, b.len,
				      &k->count);
	if (!ret && !k->count)
		ret = -HEKI_VSM_ERR_SYSTEM_CERTIFICATES_NOT_LOADED;
	free(b.data);
	if (ret) {
		hv_keyring_free(k);
		*code = -ret;
		return -1;
	}
	return 0;
}

/**
 * hv_keyring_free() - release a keyring from hv_keyring_load()
 * @k: the keyring (its fields are reset)
 */
void hv_keyring_free(struct hv_keyring *k)
{
	if (k->kr)
		k->crypto->keyring_destroy(k->crypto->ctx, k->kr);
	k->kr = NULL;
	k->count = 0;
}
