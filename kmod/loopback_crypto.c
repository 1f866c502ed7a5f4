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
 *
 * Primitives: digest is a crypto_shash ("sha256", "sha384", "sha512");
 * find_cert looks the key up in the keyring by the kernel's own
 * issuer+serial key id (asymmetric_key_generate_id(serial, issuer), as
 * the X.509 and PKCS#7 parsers make it); rsa_pkcs1_verify is
 * verify_signature() on that key with "pkcs1" encoding. The kernel's key
 * id is built from the Name's content octets; both that form and the whole
 * Name DER are looked up, so the result does not depend on which one the
 * ASN.1 decoder hands its actions. The handle is the struct key, kept
 * alive by the keyring's own link to it.
 */
/* A module that embeds this file (tests/hvemu) sets its own prefix first. */
#ifndef pr_fmt
#define pr_fmt(fmt) "heki_vtl0: " fmt
#endif

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/key.h>
#include <linux/kernel.h>
#include <linux/verification.h>
#include <crypto/hash.h>
#include <crypto/public_key.h>
#include <keys/asymmetric-type.h>

#include <heki/abi.h>
#include <heki_vtl1.h>

#include "sig/pkcs7.h"

#include "heki_vtl0.h"
#include "compat/pks.h"

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
	struct heki_pkcs7 parsed;
	int ret;

	if (!kr)
		return -HEKI_VSM_ERR_SIG_NO_KEY;
	if (len > INT_MAX || !p7len || p7len > INT_MAX)
		return -HEKI_VSM_ERR_SIG_INVALID;
	/*
	 * VTL1's own providers (OpenSSL, BearSSL) refuse a SignerInfo that
	 * names its signer by subject key identifier; the kernel's verifier
	 * accepts it. Refused here too, so the loopback answers as they do.
	 */
	if (!heki_pkcs7_parse(p7, p7len, &parsed) && parsed.any_skid_signer)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	ret = verify_pkcs7_signature(data, len, p7, p7len, kr,
				     VERIFYING_MODULE_SIGNATURE, NULL, NULL);
	if (ret) {
		pr_info("loopback: PKCS#7 verification failed (%d)\n", ret);
		return heki_lb_pkcs7_errno(ret);
	}
	return 0;
}

static const char *heki_lb_hash_name(__u32 alg)
{
	switch (alg) {
	case HEKI_VTL1_HASH_SHA256:
		return "sha256";
	case HEKI_VTL1_HASH_SHA384:
		return "sha384";
	case HEKI_VTL1_HASH_SHA512:
		return "sha512";
	default:
		return NULL;
	}
}


/* The key whose issuer+serial id is (serial, name); NULL if none. */
static struct key *heki_lb_find_id(struct key *kr, const __u8 *serial,
				   __u32 serial_len, const __u8 *name,
				   __u32 name_len)
{
	struct asymmetric_key_id *id;
	struct key *key;

	id = asymmetric_key_generate_id(serial, serial_len, name, name_len);
	if (IS_ERR(id))
		return ERR_CAST(id);
	key = find_asymmetric_key(kr, id, NULL, NULL, false);
	kfree(id);
	return key;
}

/* Header length of the DER element at @p (@len bytes), 0 if malformed. */
static __u32 heki_lb_der_hdr(const __u8 *p, __u32 len)
{
	__u32 n;

	if (len < 2)
		return 0;
	if (p[1] < 0x80)
		return 2;
	n = p[1] & 0x7f;
	return n >= 1 && n <= 4 && len >= 2 + n ? 2 + n : 0;
}

static int heki_lb_find_cert(void *ctx, void *kr, const __u8 *issuer,
			     __u32 issuer_len, const __u8 *serial,
			     __u32 serial_len, __u32 *pos, void **cert)
{
	struct key *key = ERR_PTR(-ENOKEY);
	__u32 hdr;

	if (!kr || !pos || !cert || !issuer || !serial || !serial_len)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	/* One key per id in a keyring: only position 0 can match. */
	if (*pos == 0) {
		hdr = heki_lb_der_hdr(issuer, issuer_len);
		if (hdr)
			key = heki_lb_find_id(kr, serial, serial_len,
					      issuer + hdr, issuer_len - hdr);
		if (IS_ERR(key) && PTR_ERR(key) != -ENOMEM)
			key = heki_lb_find_id(kr, serial, serial_len, issuer,
					      issuer_len);
	}
	if (IS_ERR(key)) {
		if (PTR_ERR(key) == -ENOMEM)
			return -HEKI_VSM_ERR_NO_MEMORY;
		/*
		 * No RSA-or-not bookkeeping in a kernel keyring: an empty
		 * keyring has no key at all, any other has some.
		 */
		return ((struct key *)kr)->keys.nr_leaves_on_tree ?
			-HEKI_VSM_ERR_CRYPTO_CERT_NOT_FOUND :
			-HEKI_VSM_ERR_SIG_NO_KEY;
	}
	/* The keyring's link keeps the key alive until keyring_destroy. */
	key_put(key);
	*pos = 1;
	*cert = key;
	return 0;
}

static int heki_lb_rsa_pkcs1_verify(void *ctx, void *cert, __u32 alg,
				    const __u8 *digest, __u32 dlen,
				    const __u8 *sig, __u32 siglen)
{
	const char *name = heki_lb_hash_name(alg);
	struct public_key_signature ps = {};
	const struct public_key *pk;
	struct key *key = cert;
	int ret;

	if (!name)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (!key || !digest || dlen != heki_vtl1_hash_size(alg) || !sig ||
	    !siglen)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	pk = asymmetric_key_public_key(key);
	if (!pk || !pk->pkey_algo || strcmp(pk->pkey_algo, "rsa"))
		return -HEKI_VSM_ERR_SIG_NO_KEY;
	ps.s = (u8 *)sig;
	ps.s_size = siglen;
	heki_pks_set_digest(&ps, digest, dlen);
	ps.pkey_algo = "rsa";
	ps.hash_algo = name;
	ps.encoding = "pkcs1";
	ret = verify_signature(key, &ps);
	switch (ret) {
	case 0:
		return 0;
	case -ENOMEM:
		return -HEKI_VSM_ERR_NO_MEMORY;
	case -ENOPKG:
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	default:
		return -HEKI_VSM_ERR_SIG_KEY_REJECTED;
	}
}

/* The digest of every chunk @next gives (struct heki_vtl1_crypto). */
static int heki_lb_digest_chunks(void *ctx, __u32 alg,
				 int (*next)(void *arg, const __u8 **data,
					     __u64 *len),
				 void *arg, __u8 *out, __u32 outlen)
{
	const char *name = heki_lb_hash_name(alg);
	struct crypto_shash *tfm;
	const __u8 *data;
	__u64 len;
	int ret, r = 1;

	if (!name)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (outlen < heki_vtl1_hash_size(alg) || !out || !next)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	tfm = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm) == -ENOMEM ? -HEKI_VSM_ERR_NO_MEMORY :
			-HEKI_VSM_ERR_CRYPTO_DIGEST_FAILED;
	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		ret = crypto_shash_init(desc);
		while (!ret) {
			data = NULL;
			len = 0;
			r = next(arg, &data, &len);
			if (r != 1)
				break;
			if ((!data && len) || len > UINT_MAX)
				ret = -EINVAL;
			else if (len)
				ret = crypto_shash_update(desc, data, len);
			cond_resched();
		}
		if (!ret && !r)
			ret = crypto_shash_final(desc, out);
		shash_desc_zero(desc);
	}
	crypto_free_shash(tfm);
	if (r < 0)
		return r;
	if (ret)
		return -HEKI_VSM_ERR_CRYPTO_DIGEST_FAILED;
	return (int)heki_vtl1_hash_size(alg);
}

/**
 * struct heki_lb_span - one buffer handed to heki_lb_digest_chunks()
 * @p: the next bytes
 * @left: how many remain
 */
struct heki_lb_span {
	const __u8 *p;
	__u64 left;
};

/* The buffer in pieces of at most 1 GiB (crypto_shash_update() takes u32). */
static int heki_lb_span_next(void *arg, const __u8 **data, __u64 *len)
{
	struct heki_lb_span *s = arg;

	if (!s->left)
		return 0;
	*data = s->p;
	*len = min_t(__u64, s->left, SZ_1G);
	s->p += *len;
	s->left -= *len;
	return 1;
}

static int heki_lb_digest(void *ctx, __u32 alg, const __u8 *data, __u64 len,
			  __u8 *out, __u32 outlen)
{
	struct heki_lb_span s = { data, len };

	if (!data && len)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	return heki_lb_digest_chunks(ctx, alg, heki_lb_span_next, &s, out,
				     outlen);
}

const struct heki_vtl1_crypto heki_loopback_crypto = {
	.ctx = NULL,
	.keyring_create = heki_lb_keyring_create,
	.keyring_add_cert = heki_lb_keyring_add_cert,
	.keyring_destroy = heki_lb_keyring_destroy,
	.verify_pkcs7 = heki_lb_verify_pkcs7,
	.digest = heki_lb_digest,
	.find_cert = heki_lb_find_cert,
	.rsa_pkcs1_verify = heki_lb_rsa_pkcs1_verify,
	.digest_chunks = heki_lb_digest_chunks,
};
