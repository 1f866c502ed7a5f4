/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * harness.h - the kdata/ host tests (test_kdata): the certificate list, the
 * kernel info and export tables, the patch-info buffer, the kernel info
 * extension and the kernel's function entries (kallsyms). Results
 * through the shared runner (../check.h).
 */
#ifndef _HEKI_KDATA_TEST_HARNESS_H
#define _HEKI_KDATA_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "heki_vtl1.h"
#include "check.h"

/* A host platform: calloc/free, optionally failing the Nth allocation. */
extern struct heki_vtl1_platform t_platform;
extern int t_alloc_fail_at;	/* 0: never; N: the Nth alloc from now fails */
extern long t_alloc_live;	/* allocations not yet freed */

void test_certs(void);
void test_symtab(void);
void test_patchinfo(void);
void test_kinfo_ext(void);
void test_kallsyms(void);

#endif /* _HEKI_KDATA_TEST_HARNESS_H */
