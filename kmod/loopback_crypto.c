// SPDX-License-Identifier: GPL-2.0-only
/*
 * loopback_crypto.c - the VTL1 library's crypto provider on the kernel's
 * own PKCS#7 verifier
 *
 * Keyring: a private keyring (never linked anywhere) holding the
 * certificates LoadKData sent, each added as an "asymmetric" key parsed by
 * the kernel's X.509 parser. Verification: verify_pkcs7_signature() with
 * that keyring as the only trusted keys, for module-signature usage.
 * Kernel errnos are mapped to the library's HEKI_VSM_ERR_* codes.
 */
#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/key.h>
#include <linux/kernel.h>
#include <linux/verification.h>

#include <heki/abi.h>
#include <heki_vtl1.h>

#include "heki_vtl0.h"

#define HEKI_LB_KEY_PERM ((KEY_POS_ALL & ~KEY_POS_SETATTR) | \
			  KEY_USR_VIEW | KEY_USR_READ | KEY_USR_SEARCH)

static atomic_long_t heki_lb_keyrings = ATOMIC_LONG_INIT(0);

/**
 * heki_loopback_crypto_live_keyrings() - keyrings created and not destroyed
 *
 * Return: the count (0 when every keyring has been released).
 */
long heki_loopback_crypto_live_keyrings(void)
{
	return atomic_long_read(&heki_lb_keyrings);
}

static int heki_lb_keyring_create(void *ctx, void **kr)
{
	struct key *k;

	k = keyring_alloc(".heki_vtl1", GLOBAL_ROOT_UID, GLOBAL_ROOT_GID,
			  current_cred(), HEKI_LB_KEY_PERM,
			  KEY_ALLOC_NOT_IN_QUOTA, NULL, NULL);
	if (IS_ERR(k)) {
		pr_err("loopback: keyring_alloc failed (%ld)\n", PTR_ERR(k));
		return -HEKI_VSM_ERR_NO_MEMORY;
	}
	atomic_long_inc(&heki_lb_keyrings);
	*kr = k;
	return 0;
}

static int heki_lb_keyring_add_cert(void *ctx, void *kr, const __u8 *der,
				    __u64 len)
{
	key_ref_t key;

	if (!len || len > INT_MAX)
		return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	key = key_create_or_update(make_key_ref(kr, true), "asymmetric", NULL,
				   der, len, HEKI_LB_KEY_PERM,
				   KEY_ALLOC_NOT_IN_QUOTA |
				   KEY_ALLOC_BYPASS_RESTRICTION);
	if (IS_ERR(key)) {
		long err = PTR_ERR(key);

		pr_warn("loopback: certificate not accepted by the kernel (%ld)\n",
			err);
		return err == -ENOMEM ? -HEKI_VSM_ERR_NO_MEMORY :
			-HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	}
	key_ref_put(key);
	return 0;
}

static void heki_lb_keyring_destroy(void *ctx, void *kr)
{
	if (!kr)
		return;
	key_put(kr);
	atomic_long_dec(&heki_lb_keyrings);
}

/* Kernel errno of verify_pkcs7_signature() -> library error code. */
static int heki_lb_pkcs7_errno(int err)
{
	switch (err) {
	case -EKEYREJECTED:
	case -EKEYEXPIRED:
	case -EKEYREVOKED:
		return -HEKI_VSM_ERR_SIG_KEY_REJECTED;
	case -ENOKEY:
		return -HEKI_VSM_ERR_SIG_NO_KEY;
	case -ENOPKG:
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	case -EBADMSG:
		return -HEKI_VSM_ERR_SIG_PARSE_FAILED;
	case -ENODATA:
		return -HEKI_VSM_ERR_SIG_NO_SIGNER;
	case -ENOMEM:
		return -HEKI_VSM_ERR_NO_MEMORY;
	default:
		return -HEKI_VSM_ERR_SIG_INVALID;
	}
}

static int heki_lb_verify_pkcs7(void *ctx, void *kr, const __u8 *data,
				__u64 len, const __u8 *p7, __u64 p7len)
{
	int ret;

	if (!kr)
		return -HEKI_VSM_ERR_SIG_NO_KEY;
	if (len > INT_MAX || !p7len || p7len > INT_MAX)
		return -HEKI_VSM_ERR_SIG_INVALID;
	ret = verify_pkcs7_signature(data, len, p7, p7len, kr,
				     VERIFYING_MODULE_SIGNATURE, NULL, NULL);
	if (ret) {
		pr_info("loopback: PKCS#7 verification failed (%d)\n", ret);
		return heki_lb_pkcs7_errno(ret);
	}
	return 0;
}

const struct heki_vtl1_crypto heki_loopback_crypto = {
	.ctx = NULL,
	.keyring_create = heki_lb_keyring_create,
	.keyring_add_cert = heki_lb_keyring_add_cert,
	.keyring_destroy = heki_lb_keyring_destroy,
	.verify_pkcs7 = heki_lb_verify_pkcs7,
};
