/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * rw_test.h - shared bits of the rewrite-rule host tests.
 */
#ifndef _HEKI_RW_TEST_H
#define _HEKI_RW_TEST_H

#include <heki/abi.h>

#include "module/rewrite.h"

#include "check.h"

/* Fake kernel: text [KTEXT_LO, KTEXT_HI), every other symbol by name. */
#define KTEXT_LO	0xffffffff81000000ULL
#define KTEXT_HI	0xffffffff83000000ULL
__u64 fake_ksym(const char *name);
void fake_ctx_ksyms(struct heki_rw_ctx *ctx);
int fake_lookup(void *arg, const char *name, __u64 *va);

/*
 * Call heki_rw_check() with @expected/@actual copied into exact-size heap
 * buffers, so any read beyond the site trips ASan.
 */
int rw_check_exact(const struct heki_rw_ctx *ctx,
		   const struct heki_rw_site *site, const __u8 *expected,
		   const __u8 *actual, struct heki_rw_fault *fault);

void test_rules(void);
void test_realmods(const char *root);

#endif /* _HEKI_RW_TEST_H */
