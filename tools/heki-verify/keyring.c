// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The certificates: the certs= file heki_vtl0 sends with LoadKData
 * (concatenated DER, /lib/firmware/heki/certs.der as heki-update-certs(8)
 * writes it), and the revoked= and blocklist= files, loaded into the
 * OpenSSL provider's keyrings by the library's own code, as LoadKData
 * loads them.
 */
#include <errno.h>
#include <stdlib.h>

#include "heki_vtl1.h"
#include "kdata/kdata.h"
#include "sig/sig.h"
#include "../../vtl1/crypto/openssl.h"
#include "verify.h"

/* @path read into @b, or -1 with @code or @sys_errno set. */
static int read_list(const char *path, struct hv_buf *b, int *code,
		     int *sys_errno)
{
	struct hv_result r;

	if (!hv_read_file(path, HEKI_VTL1_MAX_KDATA_SIZE,
			  HEKI_VSM_ERR_KDATA_SIZE_EXCEEDED, b, &r))
		return 0;
	*code = r.code;
	*sys_errno = r.sys_errno;
	return -1;
}

/* The blocklist file parsed into @rev, as LoadKData parses it. */
static int load_blocklist(struct heki_revocation *rev, const struct hv_buf *b)
{
	__u32 n;
	int ret = heki_blocklist_parse(b->data, b->len, NULL, 0, &n);

	if (ret || !n)
		return ret;
	rev->e = calloc(n, sizeof(*rev->e));
	if (!rev->e)
		return -HEKI_VSM_ERR_NO_MEMORY;
	return heki_blocklist_parse(b->data, b->len, rev->e, n, &rev->n);
}

/**
 * hv_keyring_load() - the keyring and revocation state LoadKData would build
 * @k: filled on success
 * @l: the certificates file, and the revoked and blocklist files or NULL
 * @bad: on failure, the file that failed
 * @code: on failure, the library's error (positive) or 0
 * @sys_errno: on failure, the errno of reading *@bad or 0
 *
 * The library's own heki_blocklist_parse(), heki_revocation_load_revoked()
 * and heki_revocation_load_system() (kdata/revocation.c), as LoadKData runs
 * them: a system certificate whose tbs: hash is blocked is not trusted.
 *
 * Return: 0, or -1 with @code or @sys_errno set.
 */
int hv_keyring_load(struct hv_keyring *k, const struct hv_lists *l,
		    const char **bad, int *code, int *sys_errno)
{
	struct hv_buf b[3] = { { 0 } };
	const char *paths[3] = { l->certs, l->revoked, l->blocklist };
	struct vtl1_buf vb[3];
	__u32 nrev;
	int ret = 0, i;

	*code = 0;
	*sys_errno = 0;
	k->crypto = &heki_vtl1_crypto_openssl;
	k->kr = NULL;
	k->count = 0;
	k->rev = calloc(1, sizeof(*k->rev));
	if (!k->rev) {
		*sys_errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < 3; i++) {
		*bad = paths[i];
		if (paths[i] && read_list(paths[i], &b[i], code, sys_errno))
			goto fail;
		vb[i].data = b[i].data;
		vb[i].len = b[i].len;
	}
	*bad = l->blocklist;
	ret = load_blocklist(k->rev, &b[2]);
	if (!ret) {
		*bad = l->certs;
		ret = k->crypto->keyring_create(k->crypto->ctx, &k->kr);
	}
	if (!ret && l->revoked) {
		*bad = l->revoked;
		ret = heki_revocation_load_revoked(k->crypto, k->rev, &vb[1],
						   &nrev);
	}
	if (!ret) {
		*bad = l->certs;
		ret = heki_revocation_load_system(k->crypto, k->rev, k->kr,
						  &vb[0], &vb[1], &k->count);
	}
	if (ret)
		*code = -ret;
fail:
	for (i = 0; i < 3; i++)
		free(b[i].data);
	if (*code || *sys_errno) {
		hv_keyring_free(k);
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
	if (k->rev) {
		heki_revocation_release(k->crypto, k->rev);
		free(k->rev->e);
		free(k->rev);
	}
	k->kr = NULL;
	k->rev = NULL;
	k->count = 0;
}
