// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_sig - host tests of vtl1/src/sig and both crypto providers.
 * Usage: test_sig KEYDIR (KEYDIR from run.sh: keys, certificates, CMS
 * signatures made by vtl1/tests/gen-sig-vectors.sh).
 */
#include "harness.h"
#include "../../crypto/openssl.h"
#include "../../crypto/bearssl.h"

const char *t_keydir;
long t_alloc_live;
const struct heki_vtl1_crypto *t_ossl = &heki_vtl1_crypto_openssl;
struct heki_vtl1_crypto t_br;

static void *t_alloc(void *ctx, __u64 size)
{
	void *p;

	(void)ctx;
	p = calloc(1, size ? size : 1);
	if (p)
		t_alloc_live++;
	return p;
}

static void t_free(void *ctx, void *p)
{
	(void)ctx;
	if (p)
		t_alloc_live--;
	free(p);
}

static struct heki_bearssl_ctx t_br_ctx = {
	.alloc = t_alloc,
	.free = t_free,
};

int main(int argc, char **argv)
{
	test_modsig();
	test_der();
	if (argc != 2) {
		check_result(0, "sig: key directory given", "usage: %s KEYDIR",
			     argv[0]);
		return check_done();
	}
	t_keydir = argv[1];
	heki_vtl1_crypto_bearssl_init(&t_br, &t_br_ctx);
	test_pkcs7_parse();
	test_openssl();
	test_providers();
	test_ecdsa();
	test_revoke();
	check_result(t_alloc_live == 0, "bearssl: every allocation freed",
		     "%ld live", t_alloc_live);
	return check_done();
}
