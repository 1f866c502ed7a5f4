/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * harness.h - the sig/ host tests (test_sig): the DER reader, the PKCS#7
 * parser, the module signature trailer, and both crypto providers
 * (OpenSSL, BearSSL) on keys and signatures run.sh makes. Results through
 * the shared runner (../check.h).
 */
#ifndef _HEKI_SIG_TEST_HARNESS_H
#define _HEKI_SIG_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "heki_vtl1.h"
#include "check.h"

/* KEYDIR: keys, certificates and signatures (vtl1/tests/gen-sig-vectors.sh) */
extern const char *t_keydir;
/* BearSSL provider allocations not yet freed */
extern long t_alloc_live;

/* The two providers under test */
extern const struct heki_vtl1_crypto *t_ossl;
extern struct heki_vtl1_crypto t_br;

/*
 * A keyring of @c holding the DER certificates named by @certs (at most 2,
 * NULL-terminated when fewer), loaded from KEYDIR; exits on failure.
 */
void *t_ring(const struct heki_vtl1_crypto *c, const char *const *certs);

void test_der(void);
void test_pkcs7_parse(void);
void test_modsig(void);
void test_openssl(void);
void test_providers(void);
void test_ecdsa(void);
void test_revoke(void);

#endif /* _HEKI_SIG_TEST_HARNESS_H */
