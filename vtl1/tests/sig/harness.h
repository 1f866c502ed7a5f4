/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Host test harness of the crypto tests: one line per check,
 * "N passed, N failed" last (printed by run.sh with the shell checks).
 */
#ifndef _HEKI_CRYPTO_TEST_HARNESS_H
#define _HEKI_CRYPTO_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "heki_vtl1.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

extern unsigned int t_passed, t_failed;
extern const char *t_keydir;
extern long t_alloc_live;

/* The two providers under test */
extern const struct heki_vtl1_crypto *t_ossl;
extern struct heki_vtl1_crypto t_br;

void t_result(const char *name, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));	/* hosted: no __printf */
void t_expect_ret(const char *name, int got, int want);
const char *t_err_name(int ret);
unsigned char *t_read_file(const char *name, size_t *len);

void test_der(void);
void test_pkcs7_parse(void);
void test_providers(void);

#endif /* _HEKI_CRYPTO_TEST_HARNESS_H */
