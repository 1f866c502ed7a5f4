/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Minimal host test harness for the VTL1 parser tests: one line per check,
 * "N passed, N failed" last.
 */
#ifndef _HEKI_PARSER_TEST_HARNESS_H
#define _HEKI_PARSER_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "heki_vtl1.h"

extern unsigned int t_passed, t_failed;
extern const char *t_keydir;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
void t_result(const char *name, int ok, const char *fmt, ...);

/* Check that a call returned @want (0 or -HEKI_VSM_ERR_*). */
void t_expect_ret(const char *name, int got, int want);

/* A host platform: calloc/free, optionally failing the Nth allocation. */
extern struct heki_vtl1_platform t_platform;
extern int t_alloc_fail_at;	/* 0: never; N: the Nth alloc from now fails */
extern long t_alloc_live;	/* allocations not yet freed */

/* Read a whole file; exits the test binary if it cannot. */
unsigned char *t_read_file(const char *dir, const char *name, size_t *len);

void test_modsig(void);
void test_certs(void);
void test_symtab(void);
void test_patchinfo(void);
void test_kimage(void);
void test_pkcs7(void);

#endif /* _HEKI_PARSER_TEST_HARNESS_H */
